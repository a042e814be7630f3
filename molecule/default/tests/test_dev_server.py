"""The preset after converge: a real `temporal server start-dev` under systemd."""

import json
import os
import subprocess
import time
import urllib.request

import pytest

import conftest
from conftest import (CLI_BINARY, CLI_LINK, DATA_DIR, DB_FILE, SERVICE, UNIT_FILE, assert_hardened, cli, wait_serving,
                      workflow_status)

testinfra_hosts = conftest.testinfra_hosts


def test_service_active_and_enabled(present):
    service = present.service(SERVICE)
    assert service.is_running
    assert service.is_enabled


def test_service_runs_as_unprivileged_user(present):
    pid = present.check_output("systemctl show -p MainPID --value %s" % SERVICE)
    assert present.check_output("ps -o user= -p %s" % pid) == "temporal"


def test_frontend_and_ui_listen(present):
    assert present.socket("tcp://0.0.0.0:7233").is_listening
    assert present.socket("tcp://0.0.0.0:8233").is_listening
    assert present.socket("tcp://0.0.0.0:7243").is_listening


def test_cluster_health_serving(present):
    result = cli(present, "operator", "cluster", "health")
    assert result.rc == 0, result.stderr
    assert "SERVING" in result.stdout


def test_ui_answers_http_200_on_reachable_port(present, reachable):
    with urllib.request.urlopen(reachable["ui"] + "/", timeout=10) as response:
        assert response.status == 200
        assert b"<html" in response.read().lower()


def test_namespaces_and_search_attributes_created(present):
    listed = cli(present, "operator", "namespace", "list", "-o", "json")
    assert listed.rc == 0, listed.stderr
    names = {ns["namespaceInfo"]["name"] for ns in json.loads(listed.stdout)}
    assert {"default", "orders", "billing"} <= names
    attrs = cli(present, "operator", "search-attribute", "list", "-o", "json")
    assert attrs.rc == 0, attrs.stderr
    custom = json.loads(attrs.stdout)["customAttributes"]
    assert custom["CustomerId"] == "INDEXED_VALUE_TYPE_KEYWORD"
    assert custom["OrderTotal"] == "INDEXED_VALUE_TYPE_DOUBLE"


def test_unit_is_hardened_and_runs_versioned_binary(present):
    unit = present.file(UNIT_FILE)
    assert unit.user == "root" and unit.mode == 0o644
    text = unit.content_string
    assert "ExecStart=%s " % CLI_BINARY in text
    for directive in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                      "ReadWritePaths=%s" % DATA_DIR, "LimitNOFILE=16384"):
        assert directive in text
    # Every check of this module ran against the server under this hardening.
    assert_hardened(present, SERVICE + ".service")


def test_files_modes_and_owners(present):
    data = present.file(DATA_DIR)
    assert data.is_directory and data.user == "temporal" and data.group == "temporal"
    assert data.mode == 0o750
    db = present.file(DB_FILE)
    assert db.is_file and db.user == "temporal"
    assert db.mode & 0o007 == 0, "the SQLite file must not be world-accessible"
    link = present.file(CLI_LINK)
    assert link.is_symlink and link.linked_to == CLI_BINARY
    binary = present.file(CLI_BINARY)
    assert binary.user == "root" and binary.mode == 0o755


def test_service_user_has_no_login_shell(present):
    user = present.user("temporal")
    assert user.shell in ("/usr/sbin/nologin", "/sbin/nologin")
    assert user.home == DATA_DIR


def test_workflow_survives_restart(present):
    """A workflow started before a restart is still there after it: the SQLite file persists."""
    workflow_id = "persist-%d" % int(time.time())
    started = cli(present, "workflow", "start", "--type", "NeverRuns", "--task-queue", "no-worker",
                  "--workflow-id", workflow_id, "--namespace", "orders")
    assert started.rc == 0, started.stderr
    present.run_expect([0], "systemctl restart %s" % SERVICE)
    wait_serving(present)
    assert workflow_status(present, workflow_id, "orders") == "WORKFLOW_EXECUTION_STATUS_RUNNING"


def test_frontend_reachable_from_the_machine(present, reachable):
    """The frontend, bound to every interface, answers the real CLI run on the machine (path from the harness)."""
    controller_cli = os.environ.get("TEMPORALOPS_CONTROLLER_CLI")
    if not controller_cli:
        pytest.skip("TEMPORALOPS_CONTROLLER_CLI is not set (tools/test.sh sets it)")
    out = subprocess.run([controller_cli, "operator", "cluster", "health", "--address", reachable["frontend"],
                          "--command-timeout", "10s"], capture_output=True, text=True, check=False, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "SERVING" in out.stdout
