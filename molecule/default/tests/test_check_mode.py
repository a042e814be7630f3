"""A converged host stays unchanged under --check (check mode predicts without failing)."""

import conftest
from conftest import assert_nothing_changed, play, scenario_playbook

# One run covers every platform: it asserts each host's recap.
testinfra_hosts = conftest.testinfra_hosts[:1]


def test_check_mode_on_converged_hosts_reports_no_change(present):
    rc, output = play(scenario_playbook("converge.yml"), ["--check", "--diff"])
    assert_nothing_changed(rc, output, conftest.HOSTS)
