"""Every phase tag the README documents runs alone and in --skip-tags on converged hosts:
no failure, nothing changed (each phase derives what it needs from settings, not from
facts of another phase)."""

import os

import pytest

import conftest
from conftest import recap, run_playbook

# One run covers every platform: it asserts each host's recap.
testinfra_hosts = conftest.testinfra_hosts[:1]

PHASE_TAGS = ["temporal_validate", "temporal_install", "temporal_configure", "temporal_service"]


@pytest.mark.parametrize("selection", ["--tags", "--skip-tags"])
@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tmp_path, tag, selection):
    rc, output = run_playbook(tmp_path, ["temporalops.temporal.temporal"], {}, args=[selection, tag])
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    hosts = recap(output)
    assert set(hosts) == set(conftest.HOSTS), output[-3000:]
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in hosts.values()), output[-3000:]


def test_readme_documents_these_tags():
    readme = os.path.join(os.path.dirname(__file__), "..", "..", "..", "README.md")
    with open(readme, encoding="utf-8") as handle:
        text = handle.read()
    for tag in PHASE_TAGS:
        assert "`%s`" % tag in text, tag
