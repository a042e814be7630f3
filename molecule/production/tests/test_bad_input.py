"""Bad input fails with a message naming the setting, before the running stack is touched:
the server keeps its PID and its configuration."""

import pytest

import conftest
from conftest import DATABASE_HOSTS, SERVICE, assert_refused_untouched, container_address, run_playbook

testinfra_hosts = conftest.testinfra_hosts
PRESET = "temporalops.temporal.temporal"
CONFIG = "/etc/temporal/temporal-server.yaml"

CASES = [
    pytest.param({"temporal_server_db_password": "not-the-password"}, "temporal_server_db_password",
                 id="wrong-db-password"),
    # Nothing listens on port 1 of the database host. wait_for keeps trying until its timeout:
    # a short one, since the message is what this case checks, not the wait.
    pytest.param({"temporal_server_db_port": 1, "temporal_server_db_connect_timeout": 5}, "temporal_server_db_port",
                 id="unreachable-database"),
    pytest.param({"temporal_server_db_plugin": "cassandra"}, "temporal_server_db_plugin", id="unknown-plugin"),
    pytest.param({"temporal_server_db_plugin": "postgres"}, "postgres12", id="removed-postgres-plugin"),
    pytest.param({"temporal_server_num_history_shards": 0}, "temporal_server_num_history_shards", id="zero-shards"),
    pytest.param({"temporal_server_num_history_shards": 8}, "temporal_server_num_history_shards", id="changed-shards"),
    pytest.param({"temporal_server_db_tls_enabled": True, "temporal_server_db_tls_ca_file": "/etc/temporal/missing-ca.pem"},
                 "temporal_server_db_tls_ca_file", id="missing-tls-file"),
    pytest.param({"temporal_server_frontend_http_port": 7233}, "port", id="port-used-twice"),
    pytest.param({"temporal_server_dynamic_config": {"limit.maxIDLength": "very long"}}, "temporal_server_dynamic_config",
                 id="dynamic-config-wrong-type"),
    pytest.param({"temporal_server_services": ["frontend", "gateway"], "temporal_server_unit_per_service": True},
                 "temporal_server_services", id="unknown-service"),
    pytest.param({"temporal_server_version": "1.32"}, "temporal_server_version", id="malformed-version"),
    pytest.param({"temporal_server_upgrade_path": ["1.31"]}, "temporal_server_upgrade_path", id="malformed-upgrade-path"),
]


@pytest.fixture(scope="module")
def database_address():
    import testinfra
    return container_address(testinfra.get_host("ansible://%s?ansible_inventory=%s" % (DATABASE_HOSTS[0], conftest.INVENTORY)))


@pytest.mark.parametrize(("extra_vars", "message"), CASES)
def test_bad_server_input_fails_clearly_and_touches_nothing(present, tmp_path, database_address, extra_vars, message):
    settings = dict({"temporal_components": ["cli", "server"], "temporal_server_db_host": database_address}, **extra_vars)
    assert_refused_untouched(present, lambda: run_playbook(tmp_path, [PRESET], settings, host=present), message,
                             SERVICE, CONFIG)
