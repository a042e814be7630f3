"""temporal_worker_state: absent: every worker stopped, its files and the template unit gone."""

import conftest
from conftest import QUEUES, apply, unit
from host_state import assert_same_state, snapshot

testinfra_hosts = conftest.testinfra_hosts


def test_workers_are_gone(absent):
    for name in QUEUES:
        assert absent.run("systemctl is-active %s" % unit(name)).stdout.strip() != "active"
        assert not absent.file("/etc/systemd/system/temporal-worker@%s.service.d" % name).exists
        assert not absent.file("/opt/temporal/workers/%s" % name).exists
        assert absent.user("temporal-worker-%s" % name).exists  # users stay, as Debian's packages leave theirs
    for path in ("/etc/systemd/system/temporal-worker@.service", "/etc/temporal-worker", "/opt/temporal-workers"):
        assert not absent.file(path).exists, path


def test_check_mode_on_a_host_without_workers_predicts_without_failing(absent, tmp_path):
    """Also without the venv module (the image has it) and npm (the converge installed it, and
    with it python3-apt, which apt needs to run in check mode: the role asks dpkg-query instead).
    Nothing changes on the host: units, files, install trees, accounts, and the packages stay
    uninstalled."""
    assert absent.run("apt-get remove --yes --quiet python3-venv npm python3-apt").rc == 0
    for package in ("python3-venv", "npm", "python3-apt"):
        assert not absent.package(package).is_installed, package
    before = snapshot(absent)
    rc, output = apply(tmp_path, absent, check=True)
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    assert "Would install python3-venv, npm" in output, output[-3000:]
    assert conftest.recap_changed(output) > 0
    assert_same_state(before, snapshot(absent))
    assert not absent.package("python3-venv").is_installed and not absent.package("npm").is_installed
