"""The preset after `temporal_state: absent`: service and binaries gone, data kept."""

import conftest
from conftest import CLI_LINK, DB_FILE, SERVICE, UNIT_FILE, recap_changed, run_playbook

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
    """--check where nothing is installed, nor the service user (the last check of the
    scenario removes it): succeeds without a warning, reports changes, installs nothing."""
    assert absent.run("userdel temporal && (groupdel temporal || ! getent group temporal)").rc == 0
    rc, output = run_playbook(tmp_path, ["temporalops.temporal.temporal"], {}, check=True, host=absent)
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    assert recap_changed(output) > 0, output[-3000:]
    assert not absent.file(CLI_LINK).exists
    assert not absent.file(UNIT_FILE).exists
