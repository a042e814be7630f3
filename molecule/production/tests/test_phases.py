"""playbooks/site.yml on the converged stack, both hosts: every phase tag works alone, changing
nothing (each phase derives what it needs from settings, not from facts of another phase).

--tags PHASE already runs each phase without all the others, so a phase that needed another's
facts fails there; of the --skip-tags forms (each a near-complete run of the stack) only the
one operators use, skipping validation, runs here. The dev preset (molecule/default) runs the
whole matrix, which is cheap there. --check --diff on the converged stack runs at -vvv in
test_secrets.py, where its output is also searched for the password."""

import pytest

import conftest
from conftest import PHASE_TAGS, assert_nothing_changed, play, scenario_playbook

testinfra_hosts = conftest.testinfra_hosts


@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tag):
    rc, output = play(scenario_playbook("converge.yml"), ["--tags", tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)


def test_skipping_validation_changes_nothing(present):
    rc, output = play(scenario_playbook("converge.yml"), ["--skip-tags", "temporal_validate"])
    assert_nothing_changed(rc, output, conftest.HOSTS)
