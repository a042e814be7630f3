"""Authorization (temporal_server_jwt_*): every call to the frontend needs a token of the scenario's
identity provider (../idp.py), on the gRPC port through the balancer and on the HTTP API alike. A
call without one, with a token signed by another key or expired, or for a namespace the token
does not name, is refused, each beside its positive control; the system worker, which reaches
the cluster through the internal frontend, still runs a batch job over the namespace; and root on
a node runs the CLI with no flags, as the node itself (temporal_server_cli_profile)."""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import conftest
from conftest import OPERATOR_TLS, SERVER_HOSTS, bearer, cli, container_address, mint, operator_ssl_context

testinfra_hosts = SERVER_HOSTS[:1]
UNAUTHORIZED = "Request unauthorized."


@pytest.fixture(scope="module")
def balancer(database):
    return "%s:7233" % container_address(database)


@pytest.fixture(scope="module")
def tokens():
    """Tokens made for these checks: a reader of orders, one of another identity provider's key
    that names the same kid, and one expired an hour ago."""
    import idp  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    stranger = idp.token(conftest.IDP, "operator@temporalops.test", ["temporal-system:admin"],
                         key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    # The stranger's header names its own key; give it the real kid, so that only the signature differs.
    real_header = mint("x", []).split(".")[0]
    return {
        "orders reader": mint("orders-reader@temporalops.test", ["orders:read"]),
        "another key": ".".join([real_header] + stranger.split(".")[1:]),
        "expired": mint("operator@temporalops.test", ["temporal-system:admin"], lifetime=-3600),
    }


def grpc(address, namespace, token):
    """(rc, output) of `temporal workflow list` in NAMESPACE from this machine, with TOKEN (None: none)."""
    env = dict(os.environ)
    env.pop("TEMPORAL_API_KEY", None)
    if token:
        env["TEMPORAL_API_KEY"] = token
    run = subprocess.run([os.environ["TEMPORALOPS_CONTROLLER_CLI"], "workflow", "list", "--address", address, "--namespace",
                          namespace, "--limit", "1", "--command-timeout", "10s"] + OPERATOR_TLS,
                         capture_output=True, text=True, check=False, timeout=60, env=env)
    return run.returncode, run.stdout + run.stderr


def http(address, namespace, token):
    """(status, body) of the HTTP API's workflow list in NAMESPACE, with TOKEN (None: none)."""
    request = urllib.request.Request("https://%s/api/v1/namespaces/%s/workflows?pageSize=1" % (address, namespace),
                                     headers=bearer(token) if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10, context=operator_ssl_context()) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def calls(call, address, operator_token, tokens):
    """CALL (grpc or http) at ADDRESS as each caller: ({allowed}, {refused}) by who called where,
    the allowed ones the positive controls of the refused ones beside them."""
    allowed = {"operator in default": call(address, "default", operator_token),
               "orders reader in orders": call(address, "orders", tokens["orders reader"])}
    refused = {"no token": call(address, "orders", None),
               "orders reader in default": call(address, "default", tokens["orders reader"]),
               "another key": call(address, "orders", tokens["another key"]),
               "expired": call(address, "orders", tokens["expired"])}
    print(json.dumps({"allowed": allowed, "refused": refused}, indent=1))
    return allowed, refused


def test_grpc_calls_need_a_token_for_their_namespace(present, balancer, operator_token, tokens):
    allowed, refused = calls(grpc, balancer, operator_token, tokens)
    assert all(result[0] == 0 for result in allowed.values()), allowed
    assert all(result[0] != 0 for result in refused.values()), refused
    # The server says no more than this to any refused caller (the reason goes to its log only).
    assert all(UNAUTHORIZED in result[1] for result in refused.values()), refused


def test_the_http_api_needs_a_token_for_its_namespace(present, operator_token, tokens):
    """REST clients (monitoring, scripts) send the token as a bearer header, on the frontend's own HTTP port."""
    allowed, refused = calls(http, "%s:7243" % container_address(present), operator_token, tokens)
    assert all(result[0] == 200 for result in allowed.values()), allowed
    assert all(status == 403 and UNAUTHORIZED in body for status, body in refused.values()), refused


def test_the_system_worker_runs_a_batch_job_through_the_internal_frontend(present, balancer, operator_token):
    """A batch terminate runs in the system worker, which calls the cluster back through the internal
    frontend (with its node's certificate): the workflows it names end terminated."""
    marker = "batch-%d" % time.time()
    for index in range(3):
        started = cli(present, "workflow", "start", "--namespace", "orders", "--type", "NeverRuns", "--task-queue", "no-worker",
                      "--workflow-id", "%s-%d" % (marker, index))
        assert started.rc == 0, started.stderr
    query = "WorkflowId STARTS_WITH '%s' AND ExecutionStatus = 'Running'" % marker
    deadline = time.time() + 30
    while time.time() < deadline:
        counted = cli(present, "workflow", "count", "--namespace", "orders", "--query", query, "-o", "json")
        if counted.rc == 0 and json.loads(counted.stdout).get("count") in (3, "3"):
            break
        time.sleep(1)
    batch = subprocess.run([os.environ["TEMPORALOPS_CONTROLLER_CLI"], "workflow", "terminate", "--address", balancer,
                            "--namespace", "orders", "--query", query, "--reason", "batch through the system worker", "--yes"]
                           + OPERATOR_TLS, capture_output=True, text=True, check=False, timeout=60)
    assert batch.returncode == 0, batch.stdout + batch.stderr
    deadline = time.time() + 60
    statuses = []
    while time.time() < deadline:
        statuses = [conftest.workflow_status(present, "%s-%d" % (marker, index), "orders") for index in range(3)]
        if all(status == "WORKFLOW_EXECUTION_STATUS_TERMINATED" for status in statuses):
            break
        time.sleep(1)
    assert statuses == ["WORKFLOW_EXECUTION_STATUS_TERMINATED"] * 3, statuses


def test_root_on_a_node_runs_the_cli_with_no_flags(present):
    """Root's envconfig profile dials the node's internal frontend with the node's certificate, as
    the role's own calls do; it holds no secret of its own and is root's alone."""
    profile = present.file("/root/.config/temporalio/temporal.toml")
    assert (profile.user, profile.mode) == ("root", 0o600)
    assert '"127.0.0.1:7236"' in profile.content_string and "node-key.pem" in profile.content_string
    listed = present.run("%s workflow list --namespace orders --limit 1 -o json" % conftest.temporal_testinfra.CLI_LINK)
    assert listed.rc == 0, listed.stderr
    # The control: the same call as another user (no profile, no certificate) is refused.
    other = present.run("runuser -u nobody -- %s workflow list --namespace orders --limit 1 --address 127.0.0.1:7233"
                        % conftest.temporal_testinfra.CLI_LINK)
    assert other.rc != 0, other.stdout
