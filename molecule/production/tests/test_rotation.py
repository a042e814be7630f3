"""Two runs of site.yml that change what the nodes run, watched while they go, shared by the
checks below (each whole run of the cluster is minutes of the suite):

1. at -vvv, the database password rotates: PostgreSQL's role, the servers' secret, a rolling
   restart;
2. `--tags temporal_configure` puts the inventory's password back (no validation, as operators
   run a phase: each phase derives what it needs from the settings; test_phases.py runs each
   phase tag alone) together with files changed by hand, while 100 workflows run through the
   balancer: content and modes on the first node (a config the server reads, its dynamic
   config, the UI's config and unit) and the second node's config. (A restart an earlier run
   lost is found by test_tls.py's renewal run, where nothing else restarts the node.)

Every process's command line is sampled on every host during both runs, and each node's unit
state every 0.2 s during the second."""

import json
import time
import uuid

import pytest

import conftest
import secret_hunt
from conftest import (ROTATED, SECRET, container_address, leaks, main_pid, play, recap, scenario_playbook, secrets_markers,
                      shell_quote)
from drill import most_down_at_once, run_load, start_sampling, stop_sampling
from temporal_testinfra import phase

testinfra_hosts = conftest.HOSTS[:1]

# What a hand on the first node changes, and what the roles must put back.
DRIFT = {
    "/etc/temporal/temporal-server.yaml": "content",
    "/etc/temporal/dynamicconfig/temporal-server.yaml": "mode",
    "/etc/temporal-ui/base.yaml": "mode",
    "/etc/systemd/system/temporal-ui.service": "content",
}
CONFIG = "/etc/temporal/temporal-server.yaml"
MARKER = "# changed by hand, temporalops drift check"


def state(host, paths):
    return {path: (host.file(path).content_string, host.file(path).mode) for path in paths}


def change_by_hand(first, second):
    for path, kind in DRIFT.items():
        first.check_output("printf '%%s\\n' %s >> %s" % (shell_quote(MARKER), path) if kind == "content" else "chmod 0644 %s" % path)
    second.check_output("printf '%%s\\n' %s >> %s" % (shell_quote(MARKER), CONFIG))


def put_back_by_hand(first, second, before, second_before):
    """Whatever happened, the checks after these find the files as the converge left them
    (rewritten only where they differ: a newer file is a restart the next run would make)."""
    for path, (content, mode) in before.items():
        if (first.file(path).content_string, first.file(path).mode) != (content, mode):
            first.check_output("printf '%%s' %s > %s && chmod %o %s" % (shell_quote(content), path, mode, path))
    if second.file(CONFIG).content_string != second_before:
        second.check_output("printf '%%s' %s > %s" % (shell_quote(second_before), CONFIG))
    first.check_output("systemctl daemon-reload")


def wait_ui_healthz(host, timeout=60):
    deadline = time.time() + timeout
    # Its HTTPS certificate names localhost, and the node's CA file is the nodes' CA that issued it.
    probe = ("python3 -c \"import ssl, urllib.request; urllib.request.urlopen('https://localhost:8080/temporal/healthz', timeout=3,"
             " context=ssl.create_default_context(cafile='/etc/temporal/tls/ca.pem'))\"")
    while host.run(probe).rc != 0:
        assert time.time() < deadline, "the UI does not answer /healthz"
        time.sleep(1)


@pytest.fixture(scope="module")
def runs(server, nodes, database, tmp_path_factory):
    """Both runs, and what was seen before, during and after them."""
    if phase(server, "present") != "present":
        pytest.skip("checks the running stack; this verify runs after temporal_state: absent")
    first, second = nodes[:2]
    rotated = tmp_path_factory.mktemp("rotation") / "rotated.json"
    rotated.write_text(json.dumps({"temporal_test_db_password": ROTATED}))
    seen = {"before": state(first, DRIFT), "second_before": second.file(CONFIG).content_string, "outputs": []}
    names = conftest.SERVER_HOSTS

    def roll():
        start_sampling(names, "temporal-server")
        try:
            rc, output = play(scenario_playbook("converge.yml"), ["--tags", "temporal_configure"])
        finally:
            most, who = most_down_at_once(stop_sampling(names))
        return {"rc": rc, "output": output, "most_down_at_once": most, "down_together": who}

    with secret_hunt.CommandLineSampler(nodes + [database], "temporalops-ps-control-%s" % uuid.uuid4().hex[:8]) as sampler:
        try:
            rc, output = play(scenario_playbook("converge.yml"), ["-vvv", "-e", "@%s" % rotated])
            seen.update(rotation_rc=rc, outputs=[output])
            if rc == 0:
                change_by_hand(first, second)
                seen["changed_by_hand"] = state(first, DRIFT), second.file(CONFIG).content_string
                # What runs before the second run (the first restarted the servers).
                seen["pids"] = {name: main_pid(first, name) for name in ("temporal-server", "temporal-ui")}
                seen["node_pids"] = [main_pid(node, "temporal-server") for node in nodes]
                figures = run_load("%s:7233" % container_address(database), "orders", "prod-greeter", 100, roll)
                seen["outputs"].append(figures.pop("output"))
                seen["roll"] = figures
                seen["after"] = state(first, DRIFT), second.file(CONFIG).content_string
                seen["pids_after"] = {name: main_pid(first, name) for name in seen["pids"]}
                seen["node_pids_after"] = [main_pid(node, "temporal-server") for node in nodes]
        finally:
            if seen.get("roll", {}).get("rc") != 0:
                # Back to the inventory's password, whatever happened (later checks run with it).
                play(scenario_playbook("converge.yml"), ["--skip-tags", "temporal_validate"])
            put_back_by_hand(first, second, seen["before"], seen["second_before"])
    seen["sampler"] = sampler
    # The configure phase waits for the server (its rolling restart), not for the UI.
    wait_ui_healthz(first)
    return seen


def test_rotating_it_at_vvv_and_back_shows_it_nowhere(runs):
    """Neither password, nor any private key the site's CAs made, nor any token shows in a
    command line (the schema tool's included) or in either run's output."""
    assert runs["rotation_rc"] == 0, runs["outputs"][0][-3000:]
    assert runs.get("roll", {}).get("rc") == 0, runs["outputs"][-1][-3000:]
    sampler = runs["sampler"]
    keys = secrets_markers()
    assert conftest.key_markers(), "no private key to look for"
    for name, lines in sampler.command_lines.items():
        # The controls prove a process of 50 ms was seen at the start and at the end.
        print("%s: %d passes over every process's command line" % (name, sampler.passes[name]))
        assert sampler.seen_both_controls(name) and sampler.passes[name] > 1000, (name, sampler.passes[name])
        assert not leaks("\n".join(lines), SECRET, ROTATED, *keys), name
    assert any("temporal-sql-tool" in line for line in sampler.command_lines[conftest.SERVER_HOSTS[0]])
    for output in runs["outputs"]:
        assert not leaks(output, SECRET, ROTATED, *keys)
        assert "TEMPORALOPS-SECRET" not in output and "TEMPORALOPS-ROTATED" not in output
    # Each run restarted the servers: both changed something on the first node.
    assert all(recap(output)[conftest.SERVER_HOSTS[0]]["changed"] > 0 for output in runs["outputs"])


def test_configure_puts_back_hand_changes_one_node_at_a_time_losing_no_workflow(runs, nodes):
    """The roles read the host once and write only what differs from what they would write: each
    file changed by hand is found and put back, and the services that read it restarted (the UI
    for its own files: the password is not its). Every node restarted, one at a time (never more
    than one down), while 100 workflows ran; none is lost."""
    assert "roll" in runs, "the rotation run failed first: %s" % runs["outputs"][0][-3000:]
    figures = runs["roll"]
    print("rolling drill: %s" % figures)
    assert figures["rc"] == 0, runs["outputs"][1][-3000:]
    # Positive control: the hand really changed each file.
    changed, second_changed = runs["changed_by_hand"]
    assert all(changed[path] != runs["before"][path] for path in DRIFT)
    assert second_changed != runs["second_before"]
    assert runs["after"] == (runs["before"], runs["second_before"])
    assert all(runs["pids_after"][name] not in ("0", pid) for name, pid in runs["pids"].items()), runs["pids_after"]
    assert all(after not in ("0", pid) for after, pid in zip(runs["node_pids_after"], runs["node_pids"]))
    assert recap(runs["outputs"][1])[conftest.SERVER_HOSTS[0]]["changed"] >= len(DRIFT)
    assert figures["most_down_at_once"] == 1, figures
    assert figures["failed"] == [] and figures["completed"] == 100, figures
    assert all(node.service(conftest.SERVICE).is_running for node in nodes)
