"""Fixtures for the workers scenario's checks (helpers: molecule/shared)."""

import json
import os
import sys
import time
import uuid

import testinfra
import testinfra.utils.ansible_runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))

# pylint: disable=wrong-import-position,unused-import
from temporal_testinfra import (  # noqa: E402,F401  (re-exported to the test modules)
    INVENTORY, assert_every_unit_hardened, assert_hardened, assert_nothing_changed, assert_refused, exposure, host_name, main_pid, phase_fixture, play,
    recap, recap_changed, run_playbook, scenario_playbook, shell_quote)

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
WORKER_HOSTS = RUNNER.get_hosts("temporal_workers")
testinfra_hosts = WORKER_HOSTS
# The dev server the workers poll (its unit is the yardstick of the workers' hardening).
DEV_HOST = testinfra.get_host("ansible://%s?ansible_inventory=%s" % (RUNNER.get_hosts("temporal_dev")[0], INVENTORY))

SETTINGS = RUNNER.get_variables(WORKER_HOSTS[0])
WORKERS = SETTINGS["temporal_worker_instances"]
QUEUES = {"billing": "acme-billing", "reports": "user-123-reports", "orders": "shop-7-orders"}
# The two API keys (billing's from a file, reports' from a variable), then reports' gRPC header.
MARKERS = [SETTINGS["temporal_test_file_api_key"], SETTINGS["temporal_test_api_key"], SETTINGS["temporal_test_grpc_token"]]
FRONTEND = SETTINGS["temporal_worker_defaults"]["address"]
ROLE = "temporalops.temporal.temporal_worker"

present = phase_fixture("present", first="present",
                        reason="checks the running workers; this verify runs after temporal_worker_state: absent")
absent = phase_fixture("absent", first="present", reason="checks the removal; this verify runs after converge")


def unit(name):
    return "temporal-worker@%s" % name


def dropin(name):
    return "/etc/systemd/system/temporal-worker@%s.service.d/temporalops.conf" % name


def environment(host, name):
    """The environment of worker NAME's running process, a line per variable."""
    return host.check_output("tr '\\0' '\\n' < /proc/%s/environ" % main_pid(host, unit(name)).strip()).splitlines()


def worker(name, **changes):
    """The scenario's settings of worker NAME with CHANGES."""
    settings = dict(next(w for w in WORKERS if w["name"] == name))
    settings.update(changes)
    return settings


def apply(tmp_path, host, check=False, args=(), **changes):
    """Run the worker role on HOST with the scenario's settings (its inventory) and CHANGES as
    extra vars. Returns (rc, output)."""
    return run_playbook(tmp_path, [ROLE], changes, check=check, host=host, args=args)


def temporal(host, *args):
    """The temporal CLI on HOST (a worker host) against the scenario's dev server."""
    return host.run(" ".join(["/usr/local/bin/temporal"] + [shell_quote(a) for a in args]
                             + ["--address", FRONTEND, "--command-timeout", "20s"]))


def pollers(host, queue):
    out = temporal(host, "task-queue", "describe", "--task-queue", queue, "-o", "json")
    assert out.rc == 0, out.stderr
    return json.loads(out.stdout).get("pollers") or []


def wait_polling(host, name, timeout=90):
    """Wait until worker NAME's own process (its MainPID) polls its queue; returns the PID."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pid = main_pid(host, unit(name)).strip()
        if pid != "0" and any(p["identity"].startswith(pid + "@") for p in pollers(host, QUEUES[name])):
            return pid
        time.sleep(1)
    raise AssertionError("worker %s does not poll %s: %s" % (name, QUEUES[name], pollers(host, QUEUES[name])))


def start_greet(host, queue, name="Ada", wait_seconds=0, work_seconds=0):
    """Start the examples' workflow Greet on QUEUE; returns its workflow id."""
    workflow_id = "test-%s" % uuid.uuid4().hex[:10]
    out = temporal(host, "workflow", "start", "--type", "Greet", "--task-queue", queue, "--workflow-id", workflow_id,
                   "--input", json.dumps(name), "--input", str(wait_seconds), "--input", str(work_seconds))
    assert out.rc == 0, out.stderr
    return workflow_id


def result(host, workflow_id, timeout=90):
    """The result of a workflow once it completed (it must complete within TIMEOUT seconds)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = temporal(host, "workflow", "describe", "--workflow-id", workflow_id, "-o", "json")
        assert out.rc == 0, out.stderr
        status = json.loads(out.stdout)["workflowExecutionInfo"]["status"]
        if status != "WORKFLOW_EXECUTION_STATUS_RUNNING":
            assert status == "WORKFLOW_EXECUTION_STATUS_COMPLETED", status
            out = temporal(host, "workflow", "result", "--workflow-id", workflow_id, "-o", "json")
            assert out.rc == 0, out.stderr
            return json.loads(out.stdout)["result"]
        time.sleep(1)
    raise AssertionError("workflow %s did not complete within %ss" % (workflow_id, timeout))


def wait_for_approval(host, workflow_id, timeout=30):
    """Wait until the workflow answers its status query with "waiting for approval"."""
    deadline = time.time() + timeout
    while True:
        out = temporal(host, "workflow", "query", "--workflow-id", workflow_id, "--name", "status")
        assert out.rc == 0, out.stderr
        if "waiting for approval" in out.stdout:
            return
        assert time.time() < deadline, (workflow_id, out.stdout)
        time.sleep(0.5)


def running_activity(host, workflow_id):
    """Whether a worker runs the workflow's activity now (the history tells only once it ends)."""
    out = temporal(host, "workflow", "describe", "--workflow-id", workflow_id, "-o", "json")
    assert out.rc == 0, out.stderr
    pending = json.loads(out.stdout).get("pendingActivities") or []
    return any(a.get("state") == "PENDING_ACTIVITY_STATE_STARTED" for a in pending)


def history(host, workflow_id):
    out = temporal(host, "workflow", "show", "--workflow-id", workflow_id, "-o", "json")
    assert out.rc == 0, out.stderr
    return json.loads(out.stdout)["events"]
