"""TLS on every Temporal connection of the stack, from the site playbook's two CAs: a client with
no TLS, no certificate or one of another CA is refused on the frontend's gRPC port (through the
balancer) and HTTP port, each beside its positive control; every internal port of a node takes the
nodes' certificates only, not the clients'; and a renewed certificate is served without a
restart."""

import datetime
import json
import os
import pathlib
import re
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import yaml

import conftest
from conftest import (NODE_TLS_DIR, NODES_CA, OPERATOR_CERT, OPERATOR_KEY, OPERATOR_TLS, SECRET, SERVER_HOSTS, container_address,
                      host_name, leaks, main_pid, play, scenario_playbook, secrets_markers, tls_certs)
from play_output import changed_tasks

testinfra_hosts = SERVER_HOSTS[:1]


@pytest.fixture(scope="module")
def stranger(tmp_path_factory):
    """(certificate, key) files of a client of another CA, which calls itself the operator."""
    certs = tls_certs()
    now = datetime.datetime.now(datetime.timezone.utc)
    ca, ca_key = certs.new_ca("temporalops clients CA", 30, now)
    key = certs.new_key()
    directory = tmp_path_factory.mktemp("stranger")
    (directory / "cert.pem").write_text(certs.issue(ca, ca_key, key, "operator", [], "client", 30, now))
    (directory / "key.pem").write_text(key)
    return str(directory / "cert.pem"), str(directory / "key.pem")


@pytest.fixture(scope="module")
def balancer(database):
    return "%s:7233" % container_address(database)


def health(address, *flags):
    """(rc, output) of `temporal operator cluster health` from this machine with FLAGS."""
    run = subprocess.run([os.environ["TEMPORALOPS_CONTROLLER_CLI"], "operator", "cluster", "health", "--address", address,
                          "--command-timeout", "5s"] + list(flags), capture_output=True, text=True, check=False, timeout=60)
    return run.returncode, run.stdout + run.stderr


def test_the_frontend_serves_only_clients_with_a_certificate_of_its_cas(present, balancer, stranger):
    rc, output = health(balancer, *OPERATOR_TLS)
    assert rc == 0 and "SERVING" in output, output
    refusals = {
        "plaintext": health(balancer, "--tls=false"),
        "no certificate": health(balancer, "--tls-ca-path", NODES_CA),
        "another CA": health(balancer, "--tls-ca-path", NODES_CA, "--tls-cert-path", stranger[0], "--tls-key-path", stranger[1]),
    }
    print(json.dumps(refusals, indent=1))
    assert all(rc != 0 and "SERVING" not in output for rc, output in refusals.values()), refusals
    assert "certificate required" in refusals["no certificate"][1]
    assert "unknown certificate authority" in refusals["another CA"][1]


def https_get(url, context, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10, context=context) as response:
        return response.status, response.read().decode()


def refused(call):
    """The error CALL ends with: the test fails when it succeeds."""
    try:
        call()
    except (urllib.error.URLError, ssl.SSLError, ConnectionError, OSError) as error:
        return str(error)
    raise AssertionError("served")


def test_the_http_api_serves_only_clients_with_a_certificate_of_its_cas(present, stranger, operator_token):
    url = "https://%s:7243/api/v1/namespaces" % container_address(present)
    status, body = https_get(url, conftest.operator_ssl_context(), conftest.bearer(operator_token))
    assert status == 200 and '"temporal-system"' in body
    without = ssl.create_default_context(cafile=NODES_CA)
    other = ssl.create_default_context(cafile=NODES_CA)
    other.load_cert_chain(*stranger)
    refusals = {
        "plaintext": refused(lambda: urllib.request.urlopen(url.replace("https:", "http:"), timeout=10).read()),
        "no certificate": refused(lambda: https_get(url, without)),
        "another CA": refused(lambda: https_get(url, other)),
    }
    print(json.dumps(refusals, indent=1))
    # Plaintext gets Go's answer to HTTP on a TLS port; a certificate of another CA ends the
    # handshake (the alert or the closed connection, as the client sees it first).
    assert "HTTP Error 400" in refusals["plaintext"], refusals
    assert "CERTIFICATE_REQUIRED" in refusals["no certificate"].upper().replace(" ", "_"), refusals
    other_ca = refusals["another CA"].upper().replace(" ", "_")
    assert "UNKNOWN_CA" in other_ca or "EOF_OCCURRED_IN_VIOLATION_OF_PROTOCOL" in other_ca, refusals


# Run on a node: a TLS handshake with each of a node's internal ports, with each set of
# credentials, all at once; then one read. In TLS 1.3 a rejected client certificate comes back
# as an alert on that read; gRPC then sends its settings, the membership ring waits for the
# client (nothing within 3 s: accepted). Prints {"<credentials> <port>": "ACCEPTED" or "REFUSED <why>"}.
HANDSHAKES = """
import concurrent.futures, json, socket, ssl, sys
host, ca, ports = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
credentials = dict(item.split("=", 1) for item in sys.argv[4:])
def handshake(name, port):
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    if credentials[name]:
        context.load_cert_chain(*credentials[name].split(":"))
    try:
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            with context.wrap_socket(raw) as conn:
                conn.settimeout(3)
                try:
                    conn.recv(1)
                except socket.timeout:
                    pass
                return "ACCEPTED"
    except ssl.SSLError as error:
        return "REFUSED %s" % error
jobs = [(name, port) for name in credentials for port in ports]
with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
    print(json.dumps(dict(("%s %s" % job, result) for job, result in zip(jobs, pool.map(lambda job: handshake(*job), jobs)))))
"""
# Every listener between the nodes: gRPC and membership (ringpop) of history, matching, the
# worker service, the internal frontend, and the frontend's membership. Only the frontend's
# gRPC and HTTP ports take the clients' CA (the tests above).
INTERNAL_PORTS = (7234, 7235, 7236, 7239, 6933, 6934, 6935, 6936, 6939)


def test_every_internal_port_of_a_node_takes_the_nodes_certificates_only(present, nodes, database, stranger):
    """The first node's internal ports, from the second node: its own node certificate opens each
    of them (so they speak TLS); the operator's client certificate (of the clients' CA, which the
    frontend takes), one of another CA, none, or the database's certificate (of the nodes' CA, but
    for serving only: its key is PostgreSQL's), open none."""
    listening = nodes[0].check_output("ss -Hltn")
    assert all(":%d " % port in listening for port in INTERNAL_PORTS), listening
    database_cert = "nodes/%s-postgresql" % host_name(database)
    peer = nodes[1]
    peer.run_expect([0], "install -d -m 0700 /root/tls-test")
    try:
        for name, text in (("operator", conftest.pki_text("clients/operator.pem")),
                           ("operator-key", conftest.pki_text("clients/operator-key.pem")),
                           ("other", pathlib.Path(stranger[0]).read_text(encoding="utf-8")),
                           ("other-key", pathlib.Path(stranger[1]).read_text(encoding="utf-8")),
                           ("database", conftest.pki_text(database_cert + ".pem")),
                           ("database-key", conftest.pki_text(database_cert + "-key.pem"))):
            peer.run_expect([0], "umask 077; printf %%s %s > /root/tls-test/%s.pem" % (conftest.shell_quote(text), name))
        results = json.loads(peer.check_output("python3 -c %s %s %s %s node=%s none= %s" % (
            conftest.shell_quote(HANDSHAKES), container_address(nodes[0]), NODE_TLS_DIR + "/ca.pem",
            ",".join(str(port) for port in INTERNAL_PORTS), "%s/node.pem:%s/node-key.pem" % (NODE_TLS_DIR, NODE_TLS_DIR),
            " ".join("%s=/root/tls-test/%s.pem:/root/tls-test/%s-key.pem" % (name, name, name)
                     for name in ("operator", "other", "database")))))
    finally:
        peer.run("rm -rf /root/tls-test")
    print(json.dumps(results, indent=1))
    for port in INTERNAL_PORTS:
        assert results["node %d" % port] == "ACCEPTED", (port, results)
        operator, other, none, database_result = (results["%s %d" % (name, port)] for name in ("operator", "other", "none", "database"))
        assert operator.startswith("REFUSED") and "UNKNOWN_CA" in operator.upper().replace(" ", "_"), (port, operator)
        assert other.startswith("REFUSED"), (port, other)
        assert none.startswith("REFUSED") and "CERTIFICATE_REQUIRED" in none.upper().replace(" ", "_"), (port, none)
        assert database_result.startswith("REFUSED"), (port, database_result)


def served_serial(address):
    """The serial of the certificate ADDRESS serves, as openssl s_client reads it."""
    shown = subprocess.run("openssl s_client -connect %s -CAfile %s -cert %s -key %s </dev/null 2>/dev/null"
                           " | openssl x509 -noout -serial" % (address, NODES_CA, OPERATOR_CERT, OPERATOR_KEY),
                           shell=True, capture_output=True, text=True, check=False, timeout=30)
    return shown.stdout.strip().replace("serial=", "")


def issued_serial(node):
    return tls_certs().serial(conftest.pki_text("nodes/%s.pem" % host_name(node)))


def database_serial(database):
    return tls_certs().serial(conftest.pki_text("nodes/%s-postgresql.pem" % host_name(database)))


def postgresql_started(database):
    return database.check_output("runuser -u postgres -- psql -Atc 'SELECT pg_postmaster_start_time()'")


WORKER_FILES = "Write each worker's secrets (root only; systemd reads them before dropping privileges), TLS key and certificates"


def role(name, task):
    return "temporalops.temporal.%s : %s" % (name, task)


def renewal_changes(lost):
    """What a run of the configure phase that renews every certificate changes: task -> hosts."""
    ui_hosts, worker_hosts = set(conftest.UI_HOSTS), set(conftest.WORKER_HOSTS)
    return {
        "Issue the certificates from the site's CAs (on the controller)": {conftest.HOSTS[0]},
        role("temporal_server", "Write the TLS CAs and this node's certificate"): set(SERVER_HOSTS),
        role("temporal_server", "Restart what an earlier run changed and did not restart"): {lost},
        role("temporal_server", "Restart the units of %s" % lost): {"%s -> %s" % (SERVER_HOSTS[0], lost)},
        role("temporal_postgresql", "Write the TLS certificate PostgreSQL serves"): set(conftest.DATABASE_HOSTS),
        role("temporal_postgresql", "Reload PostgreSQL"): set(conftest.DATABASE_HOSTS),
        # The UI and the workers read their certificates at start only.
        role("temporal_ui", "Write the TLS CA and certificates given as text"): ui_hosts,
        role("temporal_ui", "Restart the Temporal UI"): ui_hosts,
        role("temporal_worker", WORKER_FILES): worker_hosts,
        role("temporal_worker", "Restart the workers whose files changed"): worker_hosts,
    }


def test_a_renewed_certificate_is_served_without_a_restart_and_a_lost_restart_is_made(present, nodes, database):
    """A run that renews every certificate (renew_before_days beyond their validity): each node's
    new certificate is served within the refresh interval, and no server process restarted for
    it. The same run finds the restart an earlier run decided on and lost: the last node's config
    was touched (same content, newer than its process), and that node alone restarts. PostgreSQL
    serves its renewed certificate too, taken with a reload: its postmaster did not restart. The
    UI and the workers, which read theirs at start, restart; nothing else changes."""
    address = "%s:7233" % container_address(nodes[0])
    before = issued_serial(nodes[0])
    assert served_serial(address) == before
    database_address, database_before = container_address(database), database_serial(database)
    assert served_database_serial(database_address) == database_before
    started = postgresql_started(database)
    pids = dict((host_name(n), main_pid(n, conftest.SERVICE)) for n in nodes)
    lost = host_name(nodes[-1])
    nodes[-1].check_output("touch -d '+2 seconds' /etc/temporal/temporal-server.yaml")
    rc, output = play(scenario_playbook("converge.yml"), ["--tags", "temporal_configure", "-e", "temporal_pki_renew_before_days=400"])
    assert rc == 0, output[-3000:]
    # The configure phase alone derives everything else as a whole run does (test_phases.py runs
    # the other phases alone): it changes the certificates, what reads them at start, and the
    # lost restart, nothing more.
    assert changed_tasks(output) == renewal_changes(lost), changed_tasks(output)
    # The renewal writes every node's key and certificate again: no key, token or password shows.
    assert not leaks(output, SECRET, *secrets_markers())
    after = issued_serial(nodes[0])
    assert after != before
    deadline = time.time() + 60
    while served_serial(address) != after and time.time() < deadline:
        time.sleep(1)
    assert served_serial(address) == after
    now = dict((host_name(n), main_pid(n, conftest.SERVICE)) for n in nodes)
    assert now[lost] not in ("0", pids.pop(lost)), now
    assert dict((name, now[name]) for name in pids) == pids
    database_after = database_serial(database)
    assert database_after != database_before and served_database_serial(database_address) == database_after
    assert postgresql_started(database) == started
    print("served %s, then %s after the renewal, %s; the database %s, then %s, up since %s" % (
        before, after, "same PIDs: %s" % pids, database_before, database_after, started))


# A client's first message to PostgreSQL: with "ssl", the SSLRequest (the server answers S to go
# on in TLS); else a plaintext StartupMessage for the Temporal role, which the server answers
# with an ErrorResponse (E) when no pg_hba.conf entry admits it.
PG_PROBE = r"""
import socket, struct, sys
sock = socket.create_connection((sys.argv[1], 5432), timeout=10)
if sys.argv[2] == "ssl":
    sock.sendall(struct.pack("!ii", 8, 80877103))
    print(sock.recv(1).decode())
else:
    body = b"user\0temporal\0database\0temporal\0\0"
    sock.sendall(struct.pack("!ii", 8 + len(body), 196608) + body)
    print(sock.recv(4096).decode("latin-1").replace("\0", " "))
"""


def served_database_serial(address):
    shown = subprocess.run("openssl s_client -starttls postgres -connect %s:5432 -CAfile %s </dev/null 2>/dev/null"
                           " | openssl x509 -noout -serial" % (address, NODES_CA),
                           shell=True, capture_output=True, text=True, check=False, timeout=30)
    return shown.stdout.strip().replace("serial=", "")


def test_the_database_admits_the_servers_over_verified_tls_only(present, database):
    """The database serves the certificate the site issued it, listens on its own address and
    loopback only, and admits the server hosts over TLS only: every connection of the Temporal
    role is encrypted (the control: there are some), and a node's plaintext attempt is refused,
    beside its TLS request that is answered. The servers verify it (verify-full) with the nodes'
    CA the site gave them."""
    address = container_address(database)
    assert served_database_serial(address) == database_serial(database)
    psql = "runuser -u postgres -- psql -Atc %s"
    assert database.check_output(psql % conftest.shell_quote("SHOW listen_addresses")) == "localhost,%s" % address
    connections = database.check_output(psql % conftest.shell_quote(
        "SELECT count(*), bool_and(ssl) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE usename = 'temporal'"))
    count, all_ssl = connections.split("|")
    assert int(count) > 0 and all_ssl == "t", connections
    entries = [line for line in database.check_output("sed -n '/BEGIN temporalops/,/END temporalops/p' %s" % database.check_output(
        psql % conftest.shell_quote("SHOW hba_file"))).splitlines() if not line.startswith("#")]
    assert len(entries) == len(conftest.SERVER_HOSTS) and all(line.startswith("hostssl ") for line in entries), entries
    probe = "python3 -c %s %s %%s" % (conftest.shell_quote(PG_PROBE), address)
    assert present.check_output(probe % "ssl") == "S"
    refused = present.check_output(probe % "plain")
    assert refused.startswith("E") and "no pg_hba.conf entry" in refused and "no encryption" in refused, refused
    # The server's own Go-template actions ({{ env ... }}) are no YAML: out of the way first.
    config = yaml.safe_load(re.sub(r"\{\{.*?\}\}", "x", present.file("/etc/temporal/temporal-server.yaml").content_string))
    for store in ("default", "visibility"):
        assert config["persistence"]["datastores"][store]["sql"]["tls"] == {
            "enabled": True, "enableHostVerification": True, "caFile": NODE_TLS_DIR + "/db-ca.pem"}
    assert present.file(NODE_TLS_DIR + "/db-ca.pem").content_string == conftest.pki_text("nodes/ca.pem")
