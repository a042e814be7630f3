"""playbooks/site.yml on the converged stack, both hosts: --check changes nothing, and every
phase tag works alone and in --skip-tags, changing nothing (each phase derives what it needs
from settings, not from facts of another phase)."""

import pytest

import conftest
from conftest import PHASE_TAGS, assert_nothing_changed, play, scenario_playbook

testinfra_hosts = conftest.testinfra_hosts


def test_check_mode_on_the_converged_stack_changes_nothing(present):
    rc, output = play(scenario_playbook("converge.yml"), ["--check", "--diff"])
    assert_nothing_changed(rc, output, conftest.HOSTS)


@pytest.mark.parametrize("selection", ["--tags", "--skip-tags"])
@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tag, selection):
    rc, output = play(scenario_playbook("converge.yml"), [selection, tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)
