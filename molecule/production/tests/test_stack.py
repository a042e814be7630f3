"""The production stack after converge: the Temporal server on PostgreSQL, on two hosts."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

import conftest
from conftest import (DATABASE_HOSTS, NODES_CA, OPERATOR_CERT, OPERATOR_KEY, OPERATOR_TLS, SERVER_DIR, SERVICE,
                      assert_every_unit_hardened, bearer, cli, database_schema, operator_ssl_context, server_pid, wait_serving,
                      workflow_status)

testinfra_hosts = conftest.testinfra_hosts
REPO = os.path.join(os.path.dirname(__file__), "..", "..", "..")


def newest_schema(host, store):
    """The newest version among the release's versioned schema directories (what the binary expects)."""
    listing = host.check_output("ls %s/schema/postgresql/v12/%s/versioned" % (SERVER_DIR, store))
    return max(listing.split(), key=lambda v: tuple(int(p) for p in v.lstrip("v").split(".")))


def test_both_schemas_are_current(present, database):
    assert newest_schema(present, "temporal").lstrip("v") == database_schema(database, "temporal")
    assert newest_schema(present, "visibility").lstrip("v") == database_schema(database, "temporal_visibility")


def test_server_runs_as_unprivileged_user_and_serves(present):
    service = present.service(SERVICE)
    assert service.is_running and service.is_enabled
    assert present.check_output("systemctl show -p User --value %s" % SERVICE) == "temporal"
    wait_serving(present)


def test_http_api_lists_the_namespaces(present, server_address, operator_token):
    request = urllib.request.Request("https://%s:7243/api/v1/namespaces" % server_address, headers=bearer(operator_token))
    with urllib.request.urlopen(request, timeout=10, context=operator_ssl_context()) as response:
        listed = json.load(response)
    names = {ns["namespaceInfo"]["name"] for ns in listed["namespaces"]}
    assert {"default", "orders", "temporal-system"} <= names


def test_orders_namespace_has_its_retention(present):
    described = cli(present, "operator", "namespace", "describe", "--namespace", "orders", "-o", "json")
    assert described.rc == 0, described.stderr
    assert json.loads(described.stdout)["config"]["workflowExecutionRetentionTtl"] == "259200s"


def test_metrics_endpoint_serves_temporal_series_on_loopback_only(present, server_address):
    """Temporal serves /metrics in plaintext to anyone: the role keeps it on loopback (a wider
    address is refused without its own opt-out: test_bad_input.py)."""
    text = present.check_output("python3 -c %s" % conftest.shell_quote(
        "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9090/metrics', timeout=10).read().decode())"))
    assert "# TYPE" in text
    with pytest.raises(OSError):
        urllib.request.urlopen("http://%s:9090/metrics" % server_address, timeout=10)
    # Series the server itself emits (not only the Go runtime's).
    assert re.search(r"^(service_requests|persistence_requests|frontend_)\w*", text, re.MULTILINE), text[:2000]


def test_the_worker_site_yml_deployed_completes_a_workflow(present):
    """The example Go worker of the temporal_worker group, pointed at this server by site.yml.
    Before the check that restarts PostgreSQL and a node: run after it, this workflow's first
    task waited 56 s for the worker in CI (the queue moves between the nodes' matching
    services; test_cluster.py's drill measures such waits). The longer timeout covers the
    rotation's roll in test_secrets.py, which runs before this file."""
    run = cli(present, "workflow", "execute", "--namespace", "orders", "--type", "Greet", "--task-queue",
              "prod-greeter", "--input", '"Zed"', "--input", "0", "--input", "0", "-o", "json", timeout="60s")
    assert run.rc == 0, run.stderr
    assert json.loads(run.stdout)["result"]["greeting"] == "Hello, Zed! (from prod-greeter)"


def test_a_workflow_survives_restarts_of_postgresql_and_the_server(present, database):
    workflow_id = "persist-%d" % int(time.time())
    started = cli(present, "workflow", "start", "--type", "NeverRuns", "--task-queue", "no-worker",
                  "--workflow-id", workflow_id, "--namespace", "orders")
    assert started.rc == 0, started.stderr
    database.run_expect([0], "systemctl restart postgresql")
    present.run_expect([0], "systemctl restart %s" % SERVICE)
    wait_serving(present)
    assert workflow_status(present, workflow_id, "orders") == "WORKFLOW_EXECUTION_STATUS_RUNNING"


def test_a_real_sdk_worker_completes_a_workflow(present, server_address):
    """The Python SDK worker of the module tests, run on this machine against the server."""
    address = "%s:7233" % server_address
    queue = "production-%d" % int(time.time())
    tls = dict(os.environ, TEMPORAL_TLS_SERVER_CA_CERT_PATH=NODES_CA, TEMPORAL_TLS_CLIENT_CERT_PATH=OPERATOR_CERT,
               TEMPORAL_TLS_CLIENT_KEY_PATH=OPERATOR_KEY)
    worker = subprocess.Popen([sys.executable, "-u", os.path.join(REPO, "tests", "integration", "worker.py"),
                               address, queue, "orders"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=tls)
    try:
        assert "worker polling" in worker.stdout.readline()
        controller_cli = os.environ["TEMPORALOPS_CONTROLLER_CLI"]
        run = subprocess.run([controller_cli, "workflow", "execute", "--address", address, "--namespace", "orders",
                              "--type", "Echo", "--task-queue", queue, "--input", '"hello production"',
                              "-o", "json"] + OPERATOR_TLS, capture_output=True, text=True, check=False, timeout=60)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["result"] == {"echo": "hello production"}
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_kill_9_brings_the_server_back_through_systemd(present):
    before = server_pid(present)
    present.run_expect([0], "kill -9 %s" % before)
    deadline = time.time() + 60
    while time.time() < deadline:
        now = server_pid(present)
        if now not in ("0", before) and present.service(SERVICE).is_running:
            break
        time.sleep(1)
    assert server_pid(present) not in ("0", before)
    wait_serving(present)


def test_every_unit_is_hardened(present, database):
    # The shared hardening (role temporal_systemd), under which the stack's checks here pass:
    # every temporal unit of both hosts (server, UIs, the worker site.yml deployed).
    scores = dict(assert_every_unit_hardened(present), **assert_every_unit_hardened(database))
    assert {SERVICE + ".service", "temporal-ui.service", "temporal-worker@greeter.service"} <= set(scores), scores


def test_database_is_on_its_own_host(present, database):
    assert DATABASE_HOSTS and conftest.host_name(present) not in DATABASE_HOSTS
    assert database.service("postgresql").is_running
