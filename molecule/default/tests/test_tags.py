"""Every phase tag the README documents runs alone and in --skip-tags on converged hosts:
no failure, nothing changed (each phase derives what it needs from settings, not from
facts of another phase)."""

import os

import pytest

import conftest
from conftest import PHASE_TAGS, assert_nothing_changed, run_playbook

# One run covers every platform: it asserts each host's recap.
testinfra_hosts = conftest.testinfra_hosts[:1]


@pytest.mark.parametrize("selection", ["--tags", "--skip-tags"])
@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tmp_path, tag, selection):
    rc, output = run_playbook(tmp_path, ["temporalops.temporal.temporal"], {}, args=[selection, tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)


def test_readme_documents_these_tags():
    readme = os.path.join(os.path.dirname(__file__), "..", "..", "..", "README.md")
    with open(readme, encoding="utf-8") as handle:
        text = handle.read()
    for tag in PHASE_TAGS:
        assert "`%s`" % tag in text, tag
