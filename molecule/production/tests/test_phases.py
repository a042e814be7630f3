"""playbooks/site.yml on the converged cluster: every phase tag works alone, changing nothing
(each phase derives what it needs from settings, not from facts of another phase). The
configure phase alone runs in test_tls.py, where it renews the certificates and must change
exactly those, what reads them at start and a lost restart.

--tags PHASE already runs each phase without all the others, so a phase that needed another's
facts fails there; the --skip-tags forms (each a near-complete run of the stack) run in the
dev preset's scenario (molecule/default), where the whole matrix is cheap. A phase that changes
something runs in test_rotation.py (--tags temporal_configure puts back the password and files
changed by hand) and test_tls.py (it renews the certificates). --check --diff on the converged
stack runs at -vvv in test_secrets.py, where its output is also searched for the password."""

import pytest

import conftest
from conftest import PHASE_TAGS, assert_nothing_changed, play, scenario_playbook

testinfra_hosts = conftest.testinfra_hosts


@pytest.mark.parametrize("tag", [tag for tag in PHASE_TAGS if tag != "temporal_configure"])
def test_phase_tag_alone_changes_nothing(present, tag):
    rc, output = play(scenario_playbook("converge.yml"), ["--tags", tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)
