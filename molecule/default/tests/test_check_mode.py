"""A converged host stays unchanged under --check: no change predicted, and none made (units,
processes, configuration and install trees as they were)."""

import conftest
from conftest import assert_nothing_changed, every_host, play, scenario_playbook
from host_state import assert_same_state, snapshot

# One run covers every platform: it asserts each host's recap and state.
testinfra_hosts = conftest.testinfra_hosts[:1]


def test_check_mode_on_converged_hosts_changes_nothing(present):
    hosts = every_host()
    before = [snapshot(host) for host in hosts]
    rc, output = play(scenario_playbook("converge.yml"), ["--check", "--diff"])
    assert_nothing_changed(rc, output, conftest.HOSTS)
    for host, state in zip(hosts, before):
        assert_same_state(state, snapshot(host), host.backend.host)
