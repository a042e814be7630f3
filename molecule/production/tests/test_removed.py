"""After temporal_state: absent: services and binaries are gone, the databases stay."""

import pytest

import conftest
from conftest import DATABASE_HOSTS, SERVER_DIR, SERVER_HOSTS, SERVICE, host_name, play, recap, scenario_playbook
from host_state import assert_same_state, snapshot

testinfra_hosts = conftest.HOSTS


def test_server_service_and_binaries_are_gone(absent):
    if host_name(absent) not in SERVER_HOSTS:
        pytest.skip("not a server host")
    assert not absent.service(SERVICE).is_running
    assert not absent.file("/etc/systemd/system/%s.service" % SERVICE).exists
    assert not absent.file(SERVER_DIR).exists
    assert not absent.file("/usr/local/bin/temporal-server").exists
    # Root's CLI profile, which the role wrote and nobody changed.
    assert not absent.file("/root/.config/temporalio/temporal.toml").exists
    # The node's key, its certificate and the CAs, the database's among them.
    assert not absent.file(conftest.NODE_TLS_DIR).exists


def test_the_worker_is_gone(absent):
    if host_name(absent) not in conftest.WORKER_HOSTS:
        pytest.skip("not a worker host")
    assert not absent.service("temporal-worker@greeter").is_running
    assert not absent.file("/etc/systemd/system/temporal-worker@.service").exists
    assert not absent.file("/opt/temporal/workers/greeter").exists


def test_databases_are_kept(absent):
    if host_name(absent) not in DATABASE_HOSTS:
        pytest.skip("not a database host")
    listed = absent.check_output("runuser -u postgres -- psql -tAc 'SELECT datname FROM pg_database'")
    assert {"temporal", "temporal_visibility"} <= set(listed.split())
    version = absent.check_output("runuser -u postgres -- psql -d temporal -tAc 'SELECT curr_version FROM schema_version'")
    assert version.strip()
    # The certificate PostgreSQL served for the site, and its key, went with the role's settings.
    assert absent.run("ls /etc/postgresql/*/main/temporalops-server.*").rc != 0


def test_check_mode_on_hosts_without_the_server_predicts_without_failing(absent, server, database):
    """After removal the server host is bare again: --check predicts the install, fails
    nothing, warns of nothing, and changes nothing on either host (units, files, install trees,
    accounts, the databases' schema versions)."""
    if host_name(absent) != conftest.HOSTS[0]:
        pytest.skip("one run covers every host")
    before = {host_name(h): snapshot(h) for h in (server, database)}
    rc, output = play(scenario_playbook("converge.yml"), ["--check"], timeout=900)
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    hosts = recap(output)
    assert all(c["failed"] == 0 for c in hosts.values()), output[-3000:]
    assert any(hosts[h]["changed"] > 0 for h in SERVER_HOSTS), output[-3000:]
    for h in (server, database):
        assert_same_state(before[host_name(h)], snapshot(h), host_name(h))


def test_ui_service_config_and_binaries_are_gone(absent):
    if host_name(absent) not in conftest.UI_HOSTS:
        pytest.skip("not a UI host")
    assert not absent.service("temporal-ui").is_running
    assert not absent.file("/etc/systemd/system/temporal-ui.service").exists
    assert not absent.file("/etc/temporal-ui").exists
    assert not absent.file("/opt/temporal/ui").exists
    assert not absent.file("/usr/local/bin/ui-server").exists
    # The CLI went too: it came with the UI (site.yml's components [cli, ui]).
    assert not absent.file("/usr/local/bin/temporal").exists
    assert "8080" not in absent.check_output("ss -Hltn")
