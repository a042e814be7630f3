"""Bad input fails with its check's own message, before anything changes on either host: the
units keep their processes, the files their content, the databases their schema versions
(assert_refused, molecule/shared)."""

import datetime

import pytest

from conftest import (SERVER_HOSTS, assert_refused, container_address, host_name, node_tls_vars, pki_text, run_playbook,
                      tls_certs)

testinfra_hosts = SERVER_HOSTS[:1]
PRESET = "temporalops.temporal.temporal"

# Each message is a phrase of that check's own failure text, which no loop label and no other
# check prints. The server's own rules (plugins/module_utils/server_rules.py, whose exact words
# the unit tests hold) report every problem at once: one run refuses them all. A wrong password
# is test_cluster.py's (on the last node of a site.yml run).
SETTINGS = {
    "temporal_server_db_plugin": "postgres",
    "temporal_server_num_history_shards": 0,
    "temporal_server_frontend_http_port": 7233,
    "temporal_server_services": ["frontend", "gateway"], "temporal_server_unit_per_service": True,
    "temporal_server_upgrade_path": ["1.31"],
    "temporal_server_tls_ca": "", "temporal_server_tls_cert": "", "temporal_server_tls_key": "",
    "temporal_server_metrics_ip": "0.0.0.0",
}
CASES = [
    pytest.param(SETTINGS, ["temporal_server_db_plugin 'postgres' was removed in Temporal 1.24",
                            "temporal_server_num_history_shards must be a positive number of shards",
                            "Each listener needs its own port; these share one",
                            "(unknown: gateway)",
                            "is not a release version such as 1.31.2",
                            "listen beyond loopback without TLS",
                            "temporal_server_metrics_ip 0.0.0.0 serves /metrics beyond loopback in plaintext"], id="every-rule-at-once"),
    # Nothing listens on port 1 of the database host. wait_for keeps trying until its timeout:
    # a short one, since the message is what this case checks, not the wait.
    pytest.param({"temporal_server_db_port": 1, "temporal_server_db_connect_timeout": 5},
                 ["temporal_server_db_port: nothing answers on"], id="unreachable-database"),
    pytest.param({"temporal_server_num_history_shards": 8}, ["was initialised with 4 history shards"], id="changed-shards"),
    pytest.param({"temporal_server_db_tls_enabled": True, "temporal_server_db_tls_ca": "",
                  "temporal_server_db_tls_ca_file": "/etc/temporal/missing-ca.pem"},
                 ["temporal_server_db_tls_ca_file /etc/temporal/missing-ca.pem does not exist on"], id="missing-tls-file"),
    pytest.param({"temporal_server_dynamic_config": {"limit.maxIDLength": "very long"}},
                 ["temporal_server_dynamic_config is refused by temporal-server"], id="dynamic-config-wrong-type"),
    pytest.param({"temporal_server_version": "1.32"}, ["temporal_server_version '1.32' is not a release version"],
                 id="malformed-version"),
]


@pytest.fixture(scope="module")
def database_address(database):
    return container_address(database)


@pytest.fixture(scope="module")
def both(server, database):
    return [server, database]


@pytest.mark.parametrize(("extra_vars", "messages"), CASES)
def test_bad_server_input_fails_clearly_and_touches_nothing(present, tmp_path, database_address, both, extra_vars,
                                                            messages):
    settings = dict({"temporal_components": ["cli", "server"], "temporal_server_db_host": database_address},
                    **dict(node_tls_vars(present), **extra_vars))
    assert_refused(lambda: run_playbook(tmp_path, [PRESET], settings, host=present), messages, both)


def test_a_jwks_that_cannot_verify_tokens_is_refused_naming_each_url(present, tmp_path, database_address, both):
    """One that nothing answers on, and one that serves no keys: the servers would start without
    keys and refuse every token. Both are named in one run, before anything changes."""
    settings = dict(node_tls_vars(present), temporal_components=["cli", "server"], temporal_server_db_host=database_address,
                    temporal_server_jwt_key_source_uris=["http://temporalops-db:1/jwks.json",
                                                         "http://temporalops-db:8089/empty-jwks.json"])
    output = assert_refused(lambda: run_playbook(tmp_path, [PRESET], settings, host=present),
                            "temporal_server_jwt_key_source_uris http://temporalops-db:1/jwks.json: nothing answers", both)
    assert "temporal_server_jwt_key_source_uris http://temporalops-db:8089/empty-jwks.json serves no keys" in output, output[-3000:]


def bad_tls(case, node):
    """The node's TLS settings with CASE's problems, and the phrases each problem's message holds
    (no TLS at all is a rule of the settings: CASES)."""
    certs, now = tls_certs(), datetime.datetime.now(datetime.timezone.utc)
    good = node_tls_vars(node)
    label = "(%s)" % host_name(node)
    if case == "another-ca":
        ca, ca_key = certs.new_ca("temporalops nodes CA", 30, now)
        key = certs.new_key()
        cert = certs.issue(ca, ca_key, key, host_name(node), ["temporal-internode", container_address(node)], "node", 30, now)
        return (dict(good, temporal_server_tls_cert=cert, temporal_server_tls_key=key),
                ["temporal_server_tls_cert %s: the certificate (issuer CN=temporalops nodes CA) is not signed by the CA of" % label])
    # Expired, without the names it is reached by, with another key, and a CA that is no certificate.
    key = certs.new_key()
    ca, ca_key = pki_text("nodes/ca.pem"), pki_text("nodes/ca-key.pem")
    cert = certs.issue(ca, ca_key, key, host_name(node), [], "node", 1, now - datetime.timedelta(days=10))
    return (dict(good, temporal_server_tls_ca="-----BEGIN PRIVATE KEY-----\nnot a certificate\n", temporal_server_tls_cert=cert,
                 temporal_server_tls_key=certs.new_key()),
            ["temporal_server_tls_cert %s: the certificate expired on" % label,
             "temporal_server_tls_key %s: the key does not match the certificate" % label,
             "temporal_server_tls_cert %s: the certificate does not carry temporal-internode" % label,
             "temporal_server_tls_ca %s holds no PEM certificate" % label])


@pytest.mark.parametrize("case", ["expired-unnamed-other-key-no-ca", "another-ca"])
def test_bad_tls_input_is_refused_naming_the_setting_and_the_host(present, tmp_path, database_address, both, case):
    """What the node's certificate, key and CA must be, each problem named with its setting and host,
    before anything changes (several problems of one node in one run: every message at once)."""
    settings, phrases = bad_tls(case, present)
    settings.update(temporal_components=["cli", "server"], temporal_server_db_host=database_address)
    output = assert_refused(lambda: run_playbook(tmp_path, [PRESET], settings, host=present), phrases[0], both)
    for phrase in phrases[1:]:
        assert phrase in output, (phrase, output[-3000:])


def test_bad_database_tls_input_is_refused_naming_the_setting_and_the_host(database, tmp_path, both):
    """The database's certificate with a key of another pair, listening on an address the
    certificate does not carry: both named with the host in one run, before anything changes."""
    label = "(%s)" % host_name(database)
    settings = {"temporal_components": ["postgresql"],
                "temporal_postgresql_tls_cert": pki_text("nodes/%s-postgresql.pem" % host_name(database)),
                "temporal_postgresql_tls_key": tls_certs().new_key(),
                "temporal_postgresql_listen_addresses": ["localhost", "10.9.9.9"]}
    assert_refused(lambda: run_playbook(tmp_path, [PRESET], settings, host=database),
                   ["temporal_postgresql_tls_key %s: the key does not match the certificate" % label,
                    "temporal_postgresql_tls_cert %s: the certificate does not carry 10.9.9.9" % label], both)
