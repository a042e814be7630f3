"""The database password (a marker with quotes, $, %, : and @) never shows: not in ps, the
journals, Ansible's output at -vvv, or any file others may read, on either host."""

import pytest

import conftest
from conftest import SECRET, SERVICE, assert_nothing_changed, play, scenario_playbook, shell_quote

testinfra_hosts = conftest.HOSTS

# Where a leak would land: configuration, state, logs, temporary files, home directories.
SCANNED = "/etc /opt /var/lib /var/log /var/tmp /tmp /run /root /home /usr/local"


def test_marker_is_a_real_secret():
    assert all(c in SECRET for c in "'\"$%:@")


def test_not_in_any_command_line(present):
    assert SECRET not in present.check_output("ps -eo args --no-headers")


def test_not_in_the_journal(present):
    journal = present.run("journalctl --no-pager -o cat")
    assert journal.rc == 0
    assert SECRET not in journal.stdout


def test_not_in_a_file_others_may_read(present):
    """Files that hold it are root-owned and closed to others (an env file the service reads)."""
    found = present.run("grep -rlsF --null -e %s %s" % (shell_quote(SECRET), SCANNED))
    for path in filter(None, found.stdout.split("\0")):
        f = present.file(path)
        assert f.user == "root", path
        assert f.mode & 0o007 == 0, "%s is %o" % (path, f.mode)


@pytest.mark.parametrize("check", [False, True], ids=["apply", "check"])
def test_not_in_ansible_output_at_vvv(present, check):
    """Both runs are also the stack's no-change checks: a rerun and --check --diff on the
    converged stack change nothing and warn of nothing (the diff is where a password would show)."""
    if conftest.host_name(present) != conftest.HOSTS[0]:
        pytest.skip("one run covers every host")
    rc, output = play(scenario_playbook("converge.yml"), ["-vvv"] + (["--check", "--diff"] if check else []))
    assert_nothing_changed(rc, output, conftest.HOSTS)
    assert SECRET not in output
    # The marker's parts, in case something re-quoted it on the way.
    assert "TEMPORALOPS-SECRET" not in output


def test_server_unit_and_config_do_not_hold_it(present):
    if not present.service(SERVICE).is_enabled:
        pytest.skip("not a server host")
    unit = present.check_output("systemctl cat %s" % SERVICE)
    assert SECRET not in unit
    assert SECRET not in present.check_output("cat /etc/temporal/*.yaml")
