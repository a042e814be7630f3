"""The preset after `temporal_state: absent`: service and binaries gone, data kept."""

import conftest
from conftest import CLI_LINK, DB_FILE, SERVICE, UNIT_FILE, cli_checksum, recap_changed, run_playbook
from host_state import assert_same_state, snapshot

testinfra_hosts = conftest.testinfra_hosts


def test_service_is_gone(absent):
    assert not absent.file(UNIT_FILE).exists
    result = absent.run("systemctl is-active %s" % SERVICE)
    assert result.stdout.strip() in ("inactive", "unknown")
    assert not absent.socket("tcp://0.0.0.0:7233").is_listening


def test_binaries_are_gone(absent):
    assert not absent.file(CLI_LINK).exists
    assert not absent.file("/opt/temporal/cli").exists


def test_data_is_kept(absent):
    db = absent.file(DB_FILE)
    assert db.is_file and db.size > 0
    assert absent.user("temporal").exists


def test_check_mode_on_a_bare_host_predicts_without_failing(absent, tmp_path):
    """--check where nothing is installed, nor the service user (one the host never had, so
    this check can run again): succeeds without a warning, reports changes, and changes
    nothing on the host (units, files, install trees, accounts). Each host would download for
    itself here (temporal_install_download_on: target, the checksum given: the host has no
    route to the test mirror), into an archive directory check mode does not create;
    molecule/production predicts the controller's download on bare hosts."""
    assert not absent.user("temporal-fresh").exists
    before = snapshot(absent)
    rc, output = run_playbook(tmp_path, ["temporalops.temporal.temporal"],
                              {"temporal_dev_server_user": "temporal-fresh", "temporal_dev_server_group": "temporal-fresh",
                               "temporal_install_download_on": "target", "temporal_cli_checksum": cli_checksum()},
                              check=True, host=absent)
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    assert recap_changed(output) > 0, output[-3000:]
    assert_same_state(before, snapshot(absent))
    assert not absent.file(CLI_LINK).exists and not absent.user("temporal-fresh").exists


def test_purge_data_deletes_the_data_directory_user_and_group(absent, tmp_path):
    """temporal_purge_data: true on a dev server's leftovers (a copy of the kept database, its
    own user and group, set up here so that this check can run again): all three go, the
    scenario's own data stays."""
    absent.run_expect([0], "groupadd -r temporal-purge && useradd -r -g temporal-purge -M -s /usr/sbin/nologin "
                           "-d /var/lib/temporal-purge temporal-purge && install -d -o temporal-purge "
                           "-g temporal-purge /var/lib/temporal-purge && cp -p %s /var/lib/temporal-purge/" % DB_FILE)
    kept = absent.file(DB_FILE).sha256sum
    rc, output = run_playbook(tmp_path, ["temporalops.temporal.temporal"], {
        "temporal_state": "absent", "temporal_purge_data": True, "temporal_dev_server_user": "temporal-purge",
        "temporal_dev_server_group": "temporal-purge", "temporal_dev_server_data_dir": "/var/lib/temporal-purge",
        "temporal_dev_server_db_filename": "/var/lib/temporal-purge/temporal.db"}, host=absent)
    assert rc == 0, output[-3000:]
    assert not absent.file("/var/lib/temporal-purge").exists
    assert not absent.user("temporal-purge").exists and not absent.group("temporal-purge").exists
    assert absent.file(DB_FILE).sha256sum == kept
