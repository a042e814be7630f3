"""Upgrading the dev server's CLI release keeps its data and restarts it on the new binary."""

import conftest
from conftest import (CLI_LINK, KEEPSAKE, PID_FILE, UNIT_FILE, assert_hardened, assert_refused, cli, main_pid,
                      run_playbook, workflow_status)

testinfra_hosts = conftest.DEV_HOSTS


def installed_version(host):
    return host.check_output("%s --version" % CLI_LINK)


def test_previous_release_serves_and_holds_a_workflow(before, versions):
    assert "temporal version %s " % versions["from"] in installed_version(before)
    assert "/opt/temporal/cli/%s/temporal " % versions["from"] in before.file(UNIT_FILE).content_string
    started = cli(before, "workflow", "start", "--type", "Keepsake", "--task-queue", "no-worker",
                  "--workflow-id", KEEPSAKE, "--namespace", "orders")
    assert started.rc == 0, started.stderr
    assert workflow_status(before, KEEPSAKE, "orders") == "WORKFLOW_EXECUTION_STATUS_RUNNING"
    before.run_expect([0], "echo %s > %s" % (main_pid(before), PID_FILE))


def test_a_checksum_mismatch_on_the_new_release_leaves_the_running_one(before, versions, tmp_path):
    settings = {"temporal_cli_version": versions["to"], "temporal_cli_checksum": "sha256:" + "0" * 64}
    assert_refused(lambda: run_playbook(tmp_path, ["temporalops.temporal.temporal"], settings, host=before),
                   "did not match", [before])
    assert "temporal version %s " % versions["from"] in installed_version(before)
    assert before.check_output("ls /opt/temporal/cli").split() == [versions["from"]]


def test_upgrade_runs_the_new_binary_in_a_new_process(upgraded, versions):
    assert "temporal version %s " % versions["to"] in installed_version(upgraded)
    unit = upgraded.file(UNIT_FILE).content_string
    assert "/opt/temporal/cli/%s/temporal " % versions["to"] in unit
    assert upgraded.service("temporal-dev-server").is_running
    assert main_pid(upgraded) != upgraded.file(PID_FILE).content_string.strip()
    assert_hardened(upgraded, "temporal-dev-server.service")


def test_upgrade_keeps_the_data(upgraded):
    assert workflow_status(upgraded, KEEPSAKE, "orders") == "WORKFLOW_EXECUTION_STATUS_RUNNING"


def test_previous_release_stays_for_rollback(upgraded, versions):
    kept = upgraded.check_output("ls /opt/temporal/cli").split()
    assert sorted(kept) == sorted([versions["from"], versions["to"]])
