"""The database password (a marker with quotes, $, %, : and @) never shows, in any form it can
take once written or logged (molecule/shared/secret_hunt.py): not in the journals, Ansible's
output at -vvv, the units, the configuration, or any file others may read, on any host (nor in
a command line while it rotates: test_rotation.py). Each hunt has a positive control
that proves it finds what it looks for.

One run of these checks covers every host (the server nodes and the database host), so it runs
on the first only and reaches the others through the `nodes` and `database` fixtures."""

import pytest

import conftest
import host_state
import secret_hunt
from conftest import (ROTATED, SECRET, SERVICE, assert_nothing_changed, key_markers, leaks, play, scenario_playbook, secrets_markers,
                      token_markers)

testinfra_hosts = conftest.HOSTS[:1]

# Where a leak would land: configuration, state, logs, temporary files, home directories.
SCANNED = ["/etc", "/opt", "/var/lib", "/var/log", "/var/tmp", "/tmp", "/run", "/root", "/home", "/usr/local"]
# A marker of the same kind the journal check logs in every form, to prove its hunt finds them.
CONTROL = "Ct'4\"k$USER%77:z@w-TEMPORALOPS-CONTROL"


@pytest.fixture(scope="module")
def both(nodes, database):
    """Every host that holds the password: the three server nodes and the database host."""
    return nodes + [database]


def test_private_keys_are_closed_to_others_and_the_cas_keys_never_leave_the_controller(present, both, server, database):
    """The hunt finds the node's key and the database's where the roles wrote them (the controls);
    every file that holds a key is closed to others: root's (a service reads it through its
    group), or PostgreSQL's own key, postgres's and 0600; no host holds either CA's key."""
    markers = key_markers()
    database_key = "nodes/%s-postgresql-key.pem" % conftest.host_name(database)
    assert {"nodes/ca-key.pem", "clients/ca-key.pem", "clients/operator-key.pem", database_key} <= set(markers), sorted(markers)
    own = markers["nodes/%s-key.pem" % conftest.host_name(server)]
    assert "/etc/temporal/tls/node-key.pem" in secret_hunt.files_holding(server, own, ["/etc/temporal"])
    assert [path for path in secret_hunt.files_holding(database, markers[database_key], ["/etc/postgresql"])
            if path.endswith("/main/temporalops-server.key")]
    for host in both:
        for name, marker in markers.items():
            holding = secret_hunt.files_holding(host, marker, SCANNED)
            if name.endswith("ca-key.pem") or name == "clients/operator-key.pem":
                assert holding == [], (conftest.host_name(host), name, holding)
            for path in holding:
                f = host.file(path)
                owner, closed = ("postgres", 0o077) if name == database_key else ("root", 0o007)
                assert (f.user, f.mode & closed) == (owner, 0), "%s on %s is %s %o" % (path, conftest.host_name(host), f.user, f.mode)


def test_tokens_stay_with_the_workers_that_use_them(present, both, database):
    """The worker's token is in its environment file (the control), root's and closed to others;
    the operator's and the UI's tokens and the identity provider's key are on no host."""
    markers = token_markers()
    assert "/etc/temporal-worker/greeter.env" in secret_hunt.files_holding(database, markers["greeter"], ["/etc/temporal-worker"])
    for host in both:
        for name, marker in markers.items():
            holding = secret_hunt.files_holding(host, marker, SCANNED)
            if name != "greeter":
                assert holding == [], (conftest.host_name(host), name, holding)
            for path in holding:
                f = host.file(path)
                assert (f.user, f.mode & 0o007) == ("root", 0), "%s on %s is %s %o" % (path, conftest.host_name(host), f.user, f.mode)


def test_the_file_hunt_finds_every_form_and_the_server_env_file(present, both, server):
    """Positive controls: every form planted in a world-readable file is found, and so is the
    server's environment file, which holds the password escaped for systemd."""
    for host in both:
        assert not secret_hunt.missed_plants(host, SECRET, SCANNED)
    assert "/etc/temporal/%s.env" % SERVICE in secret_hunt.files_holding(server, SECRET, ["/etc/temporal"])


def test_files_that_hold_it_are_closed_to_others(present, both):
    """Files that hold it (the server's environment file) are root-owned, mode 0600 or closer."""
    for host in both:
        for path in secret_hunt.files_holding(host, SECRET, SCANNED) + secret_hunt.files_holding(host, ROTATED, SCANNED):
            f = host.file(path)
            assert (f.user, f.mode & 0o077) == ("root", 0), "%s on %s is %s %o" % (
                path, conftest.host_name(host), f.user, f.mode)


def test_check_mode_at_vvv_shows_it_nowhere_and_changes_nothing(present, both):
    """--check --diff at -vvv on the converged stack (the diff is where a password would show):
    no change reported, and none made: the hosts' units, processes, files and schemas are as
    they were."""
    before = [host_state.snapshot(host) for host in both]
    rc, output = play(scenario_playbook("converge.yml"), ["-vvv", "--check", "--diff"])
    assert_nothing_changed(rc, output, conftest.HOSTS)
    assert not leaks(output, SECRET, ROTATED, *secrets_markers())
    for host, state in zip(both, before):
        host_state.assert_same_state(state, host_state.snapshot(host), conftest.host_name(host))


def test_not_in_the_journals(present, both):
    """Every field of every entry (messages, the command lines of the processes that logged).
    The control: each form of a control marker, logged here, is found."""
    for host in both:
        secret_hunt.plant_in_journal(host, CONTROL)
        journal = secret_hunt.journal(host)
        assert set(secret_hunt.found_in(journal, CONTROL)) == set(secret_hunt.forms(CONTROL)), conftest.host_name(host)
        assert not leaks(journal, SECRET, ROTATED, *secrets_markers()), conftest.host_name(host)


def test_the_server_unit_and_config_do_not_hold_it(present, server):
    unit = server.check_output("systemctl cat %s" % SERVICE)
    assert "EnvironmentFile=" in unit
    config = server.check_output("cat /etc/temporal/*.yaml")
    assert "TEMPORAL_DB_PASSWORD" in config
    assert not leaks(unit + config, SECRET, ROTATED)
