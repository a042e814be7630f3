"""playbooks/site.yml on the converged stack, both hosts: every phase tag works alone, changing
nothing (each phase derives what it needs from settings, not from facts of another phase).

--tags PHASE already runs each phase without all the others, so a phase that needed another's
facts fails there; of the --skip-tags forms (each a near-complete run of the stack) only the
one operators use, skipping validation, runs: the password rotation's second run in
test_secrets.py. The dev preset (molecule/default) runs the
whole matrix, which is cheap there. --check --diff on the converged stack runs at -vvv in
test_secrets.py, where its output is also searched for the password."""

import time

import pytest

import conftest
from conftest import (PHASE_TAGS, assert_nothing_changed, container_address, main_pid, play, recap, scenario_playbook,
                      shell_quote)
from drill import most_down_at_once, run_load, start_sampling, stop_sampling

testinfra_hosts = conftest.testinfra_hosts


@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tag):
    rc, output = play(scenario_playbook("converge.yml"), ["--tags", tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)


# What a hand on the server host changes, and what the roles must put back: content (a line
# added) and modes (opened to others), in a config the server reads, its dynamic config, the
# UI's config and the UI's unit.
DRIFT = {
    "/etc/temporal/temporal-server.yaml": "content",
    "/etc/temporal/dynamicconfig/temporal-server.yaml": "mode",
    "/etc/temporal-ui/base.yaml": "mode",
    "/etc/systemd/system/temporal-ui.service": "content",
}
MARKER = "# changed by hand, temporalops drift check"


def test_configure_puts_back_what_was_changed_by_hand_and_rolls_the_nodes(present, nodes, database):
    """The roles read the host once and write only what differs from what they would write:
    a file changed by hand (content or mode) must still be found and put back, and the
    services that read it restarted (--tags temporal_configure). The server nodes restart one
    at a time while 100 workflows run through the balancer: the first node's files drifted,
    the second's config, and the third's config was only touched (same content, newer than its
    process: a restart an earlier run decided on and lost). None is lost, and never more than
    one node is down (sampled on each node every 0.2 s)."""
    if conftest.host_name(present) != conftest.SERVER_HOSTS[0]:
        pytest.skip("the first server node holds every kind of file the check changes")
    second, third = nodes[1], nodes[2]
    config = "/etc/temporal/temporal-server.yaml"
    before = {path: (present.file(path).content_string, present.file(path).mode) for path in DRIFT}
    second_before = second.file(config).content_string
    pids = {name: main_pid(present, name) for name in ("temporal-server", "temporal-ui")}
    node_pids = [main_pid(node, "temporal-server") for node in (second, third)]
    try:
        for path, kind in DRIFT.items():
            command = "printf '%%s\\n' %s >> %s" % (shell_quote(MARKER), path) if kind == "content" else "chmod 0644 %s" % path
            present.check_output(command)
        second.check_output("printf '%%s\\n' %s >> %s" % (shell_quote(MARKER), config))
        third.check_output("touch -d '+2 seconds' %s" % config)
        # Positive control: the hand really changed each file.
        assert all((present.file(path).content_string, present.file(path).mode) != before[path] for path in DRIFT)
        assert second.file(config).content_string != second_before
        names = conftest.SERVER_HOSTS

        def roll():
            start_sampling(names, "temporal-server")
            try:
                rc, output = play(scenario_playbook("converge.yml"), ["--tags", "temporal_configure"])
            finally:
                most, who = most_down_at_once(stop_sampling(names))
            return {"rc": rc, "output": output, "most_down_at_once": most, "down_together": who}

        figures = run_load("%s:7233" % container_address(database), "orders", "prod-greeter", 100, roll)
        output = figures.pop("output")
        print("rolling drill: %s" % figures)
        assert figures["rc"] == 0, output[-3000:]
        assert {path: (present.file(path).content_string, present.file(path).mode) for path in DRIFT} == before
        assert second.file(config).content_string == second_before
        # Each service whose files were put back runs them now; the touched node was restarted.
        assert all(main_pid(present, name) not in ("0", pid) for name, pid in pids.items()), pids
        assert all(main_pid(node, "temporal-server") not in ("0", pid) for node, pid in zip((second, third), node_pids))
        assert recap(output)[conftest.SERVER_HOSTS[0]]["changed"] >= len(DRIFT)
        assert figures["most_down_at_once"] == 1, figures
        assert figures["failed"] == [] and figures["completed"] == 100, figures
    finally:
        # Whatever happened, the checks after this one find the files as the converge left them
        # (rewritten only where they differ: a newer file is a restart the next run would make).
        for path, (content, mode) in before.items():
            if (present.file(path).content_string, present.file(path).mode) != (content, mode):
                present.check_output("printf '%%s' %s > %s && chmod %o %s" % (shell_quote(content), path, mode, path))
        if second.file(config).content_string != second_before:
            second.check_output("printf '%%s' %s > %s" % (shell_quote(second_before), config))
        present.check_output("systemctl daemon-reload")
    # The configure phase waits for the server (its rolling restart), not for the UI.
    wait_ui_healthz(present)


def wait_ui_healthz(host, timeout=60):
    deadline = time.time() + timeout
    probe = "python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/temporal/healthz', timeout=3)\""
    while host.run(probe).rc != 0:
        assert time.time() < deadline, "the UI does not answer /healthz"
        time.sleep(1)
