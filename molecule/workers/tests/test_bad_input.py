"""Bad worker settings fail naming the worker and the setting, before any running worker is
touched: units, processes, drop-ins and files stay as they were (assert_refused)."""

import os

import pytest

import conftest
from conftest import DEV_HOST, apply, assert_refused, dropin, main_pid, unit, wait_polling, worker
from host_state import LIVE_DATA

testinfra_hosts = conftest.testinfra_hosts

ZEROS = "sha256:" + "0" * 64
# Node.js apps that npm ci would refuse (the controller refuses them first).
NODE_APPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "files") + "/"

# Refused by Ansible's check of meta/argument_specs.yml, before the role's first task: the
# message is Ansible's.
BY_ARGUMENT_SPEC = {"unknown tuning key"}

# Refused after a step beside what runs: the venv tried for the new requirements (created, then
# removed when its install fails). Only that venv may come and go, nothing a worker runs from.
BESIDE = {"requirements that do not install": "/opt/temporal-workers/billing/venvs/*"}

CASES = {
    # The checks that need no host (plugins/module_utils/worker_checks.py, whose exact words the
    # unit tests hold) report every problem of every worker at once: one run refuses them all.
    "every rule at once": (
        [worker("billing"), worker("reports", task_queue_prefix="acme", task_queue="billing",
                                   tls={"enabled": True, "key_file": "/etc/ssl/reports.key"}),
         {"name": "idle"}, worker("orders", identity_pattern="greeter@("), worker("orders", task_queue="other")],
        ["temporal_worker_instances[reports].task_queue: acme-billing (namespace default) is the queue of worker billing",
         "temporal_worker_instances[reports].tls: a client key (key or key_file) needs its certificate",
         "temporal_worker_instances[idle]: nothing to run",
         'temporal_worker_instances[orders].identity_pattern "greeter@(" is not a regular expression',
         "temporal_worker_instances[orders].name: orders names more than one worker"]),
    "checksum mismatch": ([worker("billing"), worker("reports", archive=dict(worker("reports")["archive"], checksum=ZEROS))],
                          "temporal_worker_instances[reports].archive (%s, checksum %s) did not install" % (
                              worker("reports")["archive"]["url"], ZEROS)),
    "requirements that do not install": (
        [worker("billing", python=dict(worker("billing")["python"], requirements=["temporalops-no-such-package==0.0.1"])),
         worker("reports")],
        "temporal_worker_instances[billing].python.requirements did not install"),
    "API key file missing": ([worker("billing", api_key_file="/etc/temporal-test/missing.key"), worker("reports")],
                             "temporal_worker_instances[billing].api_key_file /etc/temporal-test/missing.key does not exist"),
    # A file only root reads (the server's database password would be another): not handed to a worker.
    "API key file its user cannot read": ([worker("billing", api_key_file="/etc/shadow"), worker("reports")],
                                          "temporal_worker_instances[billing].api_key_file: temporal-worker-billing cannot read /etc/shadow"),
    "node app without package.json": (
        [worker("billing"), worker("reports"), worker("orders", node=dict(worker("orders")["node"], source=NODE_APPS + "node-no-package/"))],
        "temporal_worker_instances[orders].node.source: %snode-no-package/ has no package.json that npm can read" % NODE_APPS),
    "node lockfile that does not match package.json": (
        [worker("billing"), worker("reports"), worker("orders", node=dict(worker("orders")["node"], source=NODE_APPS + "node-stale-lock/"))],
        "temporal_worker_instances[orders].node.source: %snode-stale-lock/package-lock.json does not match package.json"
        " (@temporalio/worker)" % NODE_APPS),
    "unknown tuning key": ([worker("billing", tuning={"max_concurrent_activitys": 3}), worker("reports")],
                           "temporal_worker_instances.tuning.max_concurrent_activitys. Supported parameters include"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_before_any_worker_is_touched(present, tmp_path, case):
    workers, messages = CASES[case]
    pids = {name: wait_polling(present, name) for name in ("billing", "reports")}
    dropins = {name: present.file(dropin(name)).content_string for name in pids}
    beside = BESIDE.get(case)
    output = assert_refused(lambda: apply(tmp_path, present, temporal_worker_instances=workers), messages, [present],
                            live_data=LIVE_DATA + ((beside,) if beside else ()), changes_reported=bool(beside))
    assert case in BY_ARGUMENT_SPEC or "No worker was touched" in output
    # What the role read to refuse it stays out of the output.
    assert present.file("/etc/shadow").content_string.splitlines()[0] not in output
    for name, pid in pids.items():
        assert main_pid(present, unit(name)).strip() == pid
        assert present.file(dropin(name)).content_string == dropins[name]
        assert present.service(unit(name)).is_running


def test_a_nodejs_older_than_the_typescript_sdk_needs_is_refused(present, tmp_path):
    """Debian 12's Node.js is 18: the TypeScript worker on the dev server's host is refused,
    naming the worker, the interpreter and its version, before anything there changes."""
    output = assert_refused(lambda: apply(tmp_path, DEV_HOST, temporal_worker_instances=[worker("orders")]),
                            "temporal_worker_instances[orders].node: /usr/bin/node on temporalops-debian12 is Node.js 18.", [DEV_HOST])
    assert "the TypeScript SDK needs Node.js 20.3.0 or newer" in output and "No worker was touched" in output
