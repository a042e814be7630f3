"""Walking a production server up the releases of SERVER_WALK, one minor version per step, while
a workflow waits on a signal with a real SDK worker polling; and the walk's refusals."""

import asyncio
import json
import os
import signal
import subprocess
import sys

from temporalio.client import Client

import conftest
from conftest import (SERVER_WALK, assert_hardened, assert_nothing_changed, assert_refused, cli, container_address,
                      database_schema, main_pid, play, run_playbook, scenario_playbook, wait_serving)
from host_state import assert_same_state, snapshot

testinfra_hosts = conftest.SERVER_HOSTS

PRESET = "temporalops.temporal.temporal"
SERVICE = "temporal-server"
INSTALL_ROOT = "/opt/temporal/server"
WORKFLOW_ID = "upgrade-in-flight"
QUEUE = "upgrade-walk"
# What the before phase leaves for the upgraded phase, on this machine.
STATE = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"), "server-upgrade.json")
REPO = os.path.join(os.path.dirname(__file__), "..", "..", "..")


def address(host):
    return "%s:7233" % container_address(host)


def installed(host):
    return sorted(host.check_output("ls %s" % INSTALL_ROOT).split())


def unit_release(host):
    exec_start = host.check_output("systemctl show -p ExecStart --value %s" % SERVICE)
    return exec_start.split("%s/" % INSTALL_ROOT, 1)[1].split("/", 1)[0]


def server_version(host):
    described = cli(host, "operator", "cluster", "describe", "-o", "json")
    assert described.rc == 0, described.stderr
    return json.loads(described.stdout)["serverVersion"]


def server_starts(host, since):
    """Times (epoch seconds) systemd started the server's unit after SINCE."""
    out = host.check_output("journalctl -u %s.service -o json --no-pager --since @%d" % (SERVICE, since))
    entries = [json.loads(line) for line in out.splitlines() if line.strip()]
    return sorted(int(e["__REALTIME_TIMESTAMP"]) / 1e6 for e in entries
                  if e.get("SYSLOG_IDENTIFIER") == "systemd" and str(e.get("MESSAGE", "")).startswith("Started "))


def schema_updates(host, database, since):
    """(epoch seconds, old, new) of each schema update temporal-sql-tool logged in DATABASE after SINCE."""
    query = ("SELECT extract(epoch FROM update_time), old_version, new_version FROM schema_update_history "
             "WHERE update_time > to_timestamp(%d) AT TIME ZONE 'UTC' ORDER BY update_time" % since)
    out = host.check_output("runuser -u postgres -- psql -d %s -tA -F ' ' -c \"%s\"" % (database, query))
    return [(float(t), old, new) for t, old, new in (line.split() for line in out.splitlines() if line.strip())]


def run_sdk(coroutine_function, *args):
    return asyncio.run(coroutine_function(*args))


async def start_waiting_workflow(target):
    client = await Client.connect(target, namespace="orders")
    handle = await client.start_workflow("WaitForFinish", "walked", id=WORKFLOW_ID, task_queue=QUEUE)
    # In flight for real: the worker has run its first workflow task and now waits for the signal.
    for _attempt in range(60):
        async for event in handle.fetch_history_events():
            if event.HasField("workflow_task_completed_event_attributes"):
                return
        await asyncio.sleep(1)
    raise AssertionError("the worker did not pick up %s" % WORKFLOW_ID)


async def finish_workflow(target):
    client = await Client.connect(target, namespace="orders")
    handle = client.get_workflow_handle(WORKFLOW_ID)
    await handle.signal("finish", "after the walk")
    return await asyncio.wait_for(handle.result(), timeout=120)


# -- before the walk: the oldest release, and what must not happen to it ----------------------

def test_oldest_release_serves(before):
    assert unit_release(before) == SERVER_WALK[0]
    assert server_version(before) == SERVER_WALK[0]


def test_skipping_a_minor_version_is_refused_before_anything_changes(before, tmp_path):
    skipped = ", ".join(sorted({v.rsplit(".", 1)[0] for v in SERVER_WALK[1:-1]}))
    output = assert_refused(lambda: run_playbook(tmp_path, [PRESET], {"temporal_server_version": SERVER_WALK[-1]},
                                                 host=before), "pass through %s" % skipped, [before])
    assert "temporal_server_upgrade_path" in output
    assert installed(before) == [SERVER_WALK[0]]
    assert unit_release(before) == SERVER_WALK[0]


def test_a_checksum_mismatch_on_the_next_release_leaves_the_running_one(before, tmp_path):
    schema = database_schema(before, "temporal")
    settings = {"temporal_server_version": SERVER_WALK[1], "temporal_server_checksum": "sha256:" + "0" * 64}
    assert_refused(lambda: run_playbook(tmp_path, [PRESET], settings, host=before), "did not match", [before])
    assert installed(before) == [SERVER_WALK[0]]
    assert unit_release(before) == SERVER_WALK[0]
    assert database_schema(before, "temporal") == schema


def test_a_walk_under_a_tag_selection_is_refused(before, tmp_path):
    """Each step has to serve before the next: installing or configuring alone would skip the restarts."""
    assert_refused(lambda: run_playbook(tmp_path, [PRESET], {"temporal_server_version": SERVER_WALK[-1],
                                                             "temporal_server_upgrade_path": SERVER_WALK[1:-1]},
                                        host=before, args=["--tags", "temporal_install"]),
                   "run it without --tags and --skip-tags", [before])
    assert installed(before) == [SERVER_WALK[0]]


def test_check_mode_predicts_the_walk_and_touches_nothing(before, tmp_path):
    state = snapshot(before)
    rc, output = run_playbook(tmp_path, [PRESET], {"temporal_server_version": SERVER_WALK[-1],
                                                   "temporal_server_upgrade_path": SERVER_WALK[1:-1]},
                              check=True, host=before)
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    assert "Temporal server %s:" % " -> ".join(SERVER_WALK) in output, output[-3000:]
    assert "check mode: predicted" in output
    # The schema change of the first step, from the database and the next release's archive.
    assert "step 1: %s -> %s: temporal schema %s -> " % (SERVER_WALK[0], SERVER_WALK[1],
                                                         database_schema(before, "temporal")) in output, output[-3000:]
    assert_same_state(state, snapshot(before))


def test_a_workflow_in_flight_on_a_real_sdk_worker(before):
    target = address(before)
    log = open(STATE + ".worker.log", "w", encoding="utf-8")  # pylint: disable=consider-using-with
    # The worker outlives this test run: the upgraded phase signals through it. `timeout` ends
    # it should a failed scenario never get there.
    command = ["timeout", "1800", sys.executable, "-u", os.path.join(REPO, "tests", "integration", "worker.py"),
               target, QUEUE, "orders"]
    worker = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    run_sdk(start_waiting_workflow, target)
    with open(STATE, "w", encoding="utf-8") as handle:
        json.dump({"worker": worker.pid, "since": int(before.check_output("date +%s")),
                   "pid": main_pid(before, SERVICE)}, handle)


# -- after the walk ---------------------------------------------------------------------------

def saved():
    with open(STATE, encoding="utf-8") as handle:
        return json.load(handle)


def test_walked_to_the_newest_release_in_a_new_process(upgraded):
    assert unit_release(upgraded) == SERVER_WALK[-1]
    wait_serving(upgraded)
    assert server_version(upgraded) == SERVER_WALK[-1]
    assert main_pid(upgraded, SERVICE) != saved()["pid"]
    assert_hardened(upgraded, SERVICE + ".service")


def test_one_restart_per_step_with_the_schema_first(upgraded):
    since = saved()["since"]
    starts = server_starts(upgraded, since)
    assert len(starts) == len(SERVER_WALK) - 1, starts
    for database in ("temporal", "temporal_visibility"):
        updates = schema_updates(upgraded, database, since)
        # The walk changes the schema (1.30 -> 1.31), and only before the first restart.
        assert updates, database
        assert all(update[0] < starts[0] for update in updates), (database, updates, starts)


def test_the_workflow_in_flight_completes_on_the_same_worker(upgraded):
    state = saved()
    # The worker process started before the walk still runs (under its `timeout`), and it is the
    # only one polling the queue: the workflow completing below means it reconnected.
    os.kill(state["worker"], 0)
    try:
        result = run_sdk(finish_workflow, address(upgraded))
    finally:
        os.killpg(state["worker"], signal.SIGTERM)
    assert result == {"input": "walked", "signal": "after the walk"}


def test_the_previous_release_stays_for_rollback(upgraded):
    assert installed(upgraded) == sorted(SERVER_WALK[-2:])


def test_a_second_converge_changes_nothing(upgraded):
    rc, output = play(scenario_playbook("upgrade_server.yml"))
    assert_nothing_changed(rc, output, conftest.SERVER_HOSTS)


def test_rollback_to_the_previous_release_on_the_same_schema(upgraded, tmp_path):
    rc, output = run_playbook(tmp_path, [PRESET], {"temporal_server_version": SERVER_WALK[-2]}, host=upgraded)
    assert rc == 0, output[-3000:]
    assert unit_release(upgraded) == SERVER_WALK[-2]
    wait_serving(upgraded)
    assert server_version(upgraded) == SERVER_WALK[-2]


def test_going_back_past_a_schema_change_is_refused(upgraded, tmp_path):
    output = assert_refused(lambda: run_playbook(tmp_path, [PRESET], {"temporal_server_version": SERVER_WALK[0]},
                                                 host=upgraded), "Schemas are never downgraded", [upgraded])
    assert "Temporal server %s expects the temporal schema at version" % SERVER_WALK[0] in output, output[-3000:]
    assert "written for %s" % SERVER_WALK[-2] in output, output[-3000:]
    assert installed(upgraded) == sorted(SERVER_WALK[-2:])
    assert unit_release(upgraded) == SERVER_WALK[-2]


def test_forward_again_after_the_rollback(upgraded):
    rc, output = play(scenario_playbook("upgrade_server.yml"))
    assert rc == 0, output[-3000:]
    assert unit_release(upgraded) == SERVER_WALK[-1]
    wait_serving(upgraded)
    # The data of the walk is still there.
    described = cli(upgraded, "workflow", "describe", "--workflow-id", WORKFLOW_ID, "--namespace", "orders", "-o", "json")
    assert described.rc == 0, described.stderr
    assert json.loads(described.stdout)["workflowExecutionInfo"]["status"] == "WORKFLOW_EXECUTION_STATUS_COMPLETED"
