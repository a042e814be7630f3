"""Fixtures for the production scenario's testinfra checks (helpers: molecule/shared)."""

import os
import sys

import pytest
import testinfra
import testinfra.utils.ansible_runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))

# pylint: disable=wrong-import-position,unused-import
from temporal_testinfra import (  # noqa: E402,F401  (re-exported to the test modules)
    ARTIFACTS, HOSTS, INVENTORY, PHASE_TAGS, assert_nothing_changed, assert_refused, browser, cli,
    assert_every_unit_hardened, assert_hardened, show, container_address, database_schema, shell_quote, host_name, main_pid, phase_fixture,
    downloads, inventory_with_host_vars, play, recap, recap_changed, run_playbook, scenario_playbook,
    wait_serving, workflow_status)

import secret_hunt  # noqa: E402
import temporal_testinfra  # noqa: E402

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
DATABASE_HOSTS = RUNNER.get_hosts("temporal_database")
SERVER_HOSTS = RUNNER.get_hosts("temporal_server")
UI_HOSTS = RUNNER.get_hosts("temporal_ui")
WORKER_HOSTS = RUNNER.get_hosts("temporal_worker")
# The checks run from the first server node (the cluster-wide ones reach the others themselves).
testinfra_hosts = SERVER_HOSTS[:1]

SERVICE = "temporal-server"
SERVER_VERSION = os.environ.get("TEMPORALOPS_SERVER_VERSION", "1.32.2")
SERVER_DIR = "/opt/temporal/server/%s" % SERVER_VERSION
SECRET = RUNNER.get_variables(SERVER_HOSTS[0])["temporal_test_db_password"]
SITE = "temporalops.temporal.site"

# TLS everywhere: the site playbook's two CAs (the nodes', the clients') and the operator's client
# certificate stay on this machine, in the scenario's directory (group_vars/all.yml:
# temporal_pki_dir); each node holds its own certificate, which also serves as a client one.
PKI = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "pki")
NODES_CA = os.path.join(PKI, "nodes", "ca.pem")
OPERATOR_CERT = os.path.join(PKI, "clients", "operator.pem")
OPERATOR_KEY = os.path.join(PKI, "clients", "operator-key.pem")
NODE_TLS_DIR = "/etc/temporal/tls"
NODE_TLS = ["--tls-ca-path", NODE_TLS_DIR + "/ca.pem", "--tls-cert-path", NODE_TLS_DIR + "/node.pem",
            "--tls-key-path", NODE_TLS_DIR + "/node-key.pem"]
OPERATOR_TLS = ["--tls-ca-path", NODES_CA, "--tls-cert-path", OPERATOR_CERT, "--tls-key-path", OPERATOR_KEY]
temporal_testinfra.CLI_FLAGS[:] = NODE_TLS
# Authorization on: on a node, the checks' CLI speaks as the cluster itself, through the internal
# frontend (the node's certificate); from this machine, with the operator's token.
temporal_testinfra.CLI_ADDRESS[:] = ["127.0.0.1:7236"]

# The scenario's identity provider (../idp.py, made by converge.yml): its key and tokens.
IDP = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "idp")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import idp  # noqa: E402  pylint: disable=wrong-import-position


def idp_token(name):
    """A token the identity provider made (idp.TOKENS) for NAME."""
    with open(os.path.join(IDP, name + ".jwt"), encoding="utf-8") as handle:
        return handle.read().strip()


def mint(subject, permissions, **claims):
    """A new token of the identity provider."""
    return idp.token(IDP, subject, permissions, **claims)


@pytest.fixture(scope="session", autouse=True)
def operator_token():
    """The operator's token (temporal-system:admin), which the CLI and the SDK on this machine
    present from TEMPORAL_API_KEY; a check of refusals drops it from its own calls."""
    token = idp_token("operator")
    os.environ["TEMPORAL_API_KEY"] = token
    return token


def bearer(token):
    """The header the HTTP API takes a token in."""
    return {"Authorization": "Bearer " + token}


# The password a check rotates to (test_rotation.py): other special characters in other places.
ROTATED = "Rz$HOME\"7`w%%q'\\n:p@-TEMPORALOPS-ROTATED"


def leaks(text, *secrets):
    """Every form of SECRETS that TEXT holds, by name (molecule/shared/secret_hunt.py)."""
    found = {secret: secret_hunt.found_in(text, secret) for secret in secrets}
    return {secret: forms for secret, forms in found.items() if forms}


def key_markers():
    """A line of each private key the site's CAs made (theirs too), by file: its first line of
    base64, which holds part of the private key itself."""
    markers = {}
    for directory in ("nodes", "clients"):
        for name in sorted(os.listdir(os.path.join(PKI, directory))):
            if name.endswith("-key.pem"):
                markers["%s/%s" % (directory, name)] = pki_text("%s/%s" % (directory, name)).splitlines()[1]
    return markers


def token_markers():
    """The signature of each token the identity provider made, by name, and a line of its signing
    key: what a leaked token or key would show."""
    markers = {name: idp_token(name).rsplit(".", 1)[1] for name in idp.TOKENS}
    with open(os.path.join(IDP, "signing-key.pem"), encoding="utf-8") as handle:
        markers["signing-key"] = handle.read().splitlines()[1]
    return markers


def secrets_markers():
    """Every secret the hunts look for beyond the passwords: the keys of the CAs and the hosts, the
    tokens and the identity provider's key."""
    return list(key_markers().values()) + list(token_markers().values())


def tls_certs():
    """The collection's certificate functions (plugins/module_utils/tls_certs.py: stdlib and
    cryptography only), to make certificates the site's CAs did not."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "module_utils", "tls_certs.py")
    spec = importlib.util.spec_from_file_location("tls_certs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pki_text(path):
    """A file of the site's CA directory (nodes/ca.pem, nodes/<host>.pem, clients/operator.pem, ...) as text."""
    with open(os.path.join(PKI, path), encoding="utf-8") as handle:
        return handle.read()


def node_tls_vars(host):
    """The TLS settings site.yml gave the server node HOST, for a play of the preset alone: its own,
    and the nodes' CA, which verifies the database."""
    name = host_name(host)
    return {"temporal_server_tls_ca": pki_text("nodes/ca.pem"), "temporal_server_tls_client_ca": pki_text("clients/ca.pem"),
            "temporal_server_tls_cert": pki_text("nodes/%s.pem" % name), "temporal_server_tls_key": pki_text("nodes/%s-key.pem" % name),
            "temporal_server_db_tls_ca": pki_text("nodes/ca.pem")}


def ui_tls_vars(host):
    """The TLS settings site.yml gave the UI of HOST: its host's client certificate to the frontend,
    and the HTTPS certificate of its own listener."""
    name = host_name(host) + "-client"
    return {"temporal_ui_tls_enabled": True, "temporal_ui_tls_ca": pki_text("nodes/ca.pem"),
            "temporal_ui_tls_cert": pki_text("clients/%s.pem" % name), "temporal_ui_tls_key": pki_text("clients/%s-key.pem" % name),
            "temporal_ui_https_cert": pki_text("nodes/%s-ui.pem" % host_name(host)),
            "temporal_ui_https_key": pki_text("nodes/%s-ui-key.pem" % host_name(host))}


def operator_ssl_context():
    """An ssl context for the HTTP API: the site's CA and the operator's client certificate."""
    import ssl  # pylint: disable=import-outside-toplevel
    context = ssl.create_default_context(cafile=NODES_CA)
    context.load_cert_chain(OPERATOR_CERT, OPERATOR_KEY)
    return context


def operator_tls_config():
    """The Python SDK's TLS settings for the operator (the site's CA, the operator's certificate)."""
    from temporalio.service import TLSConfig  # pylint: disable=import-outside-toplevel

    def read(path):
        with open(path, "rb") as handle:
            return handle.read()
    return TLSConfig(server_root_ca_cert=read(NODES_CA), client_cert=read(OPERATOR_CERT), client_private_key=read(OPERATOR_KEY))


def server_pid(host):
    """Main PID of the server's unit on HOST."""
    return main_pid(host, SERVICE)


present = phase_fixture("present", first="present",
                        reason="checks the running stack; this verify runs after temporal_state: absent")
absent = phase_fixture("absent", first="present", reason="checks the removal; this verify runs after converge")


def host_vars(host):
    """The inventory variables of a testinfra host."""
    return RUNNER.get_variables(host_name(host))


@pytest.fixture(scope="module")
def server():
    """The (first) Temporal server host (testinfra), whatever host the test runs on."""
    return testinfra.get_host("ansible://%s?ansible_inventory=%s" % (SERVER_HOSTS[0], INVENTORY))


@pytest.fixture(scope="module")
def nodes():
    """Every server node (testinfra), in inventory order."""
    return [testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, INVENTORY)) for name in SERVER_HOSTS]


@pytest.fixture(scope="module")
def database():
    """The database host (testinfra), whatever host the test runs on."""
    return testinfra.get_host("ansible://%s?ansible_inventory=%s" % (DATABASE_HOSTS[0], INVENTORY))


@pytest.fixture
def server_address(host):
    return container_address(host)
