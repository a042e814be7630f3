"""playbooks/site.yml on the converged stack, both hosts: every phase tag works alone, changing
nothing (each phase derives what it needs from settings, not from facts of another phase).

--tags PHASE already runs each phase without all the others, so a phase that needed another's
facts fails there; of the --skip-tags forms (each a near-complete run of the stack) only the
one operators use, skipping validation, runs here. The dev preset (molecule/default) runs the
whole matrix, which is cheap there. --check --diff on the converged stack runs at -vvv in
test_secrets.py, where its output is also searched for the password."""

import time

import pytest

import conftest
from conftest import PHASE_TAGS, assert_nothing_changed, main_pid, play, recap, scenario_playbook, shell_quote

testinfra_hosts = conftest.testinfra_hosts


@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tag):
    rc, output = play(scenario_playbook("converge.yml"), ["--tags", tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)


def test_skipping_validation_changes_nothing(present):
    rc, output = play(scenario_playbook("converge.yml"), ["--skip-tags", "temporal_validate"])
    assert_nothing_changed(rc, output, conftest.HOSTS)


# What a hand on the server host changes, and what the roles must put back: content (a line
# added) and modes (opened to others), in a config the server reads, its dynamic config, the
# UI's config and the UI's unit.
DRIFT = {
    "/etc/temporal/temporal-server.yaml": "content",
    "/etc/temporal/dynamicconfig/temporal-server.yaml": "mode",
    "/etc/temporal-ui/base.yaml": "mode",
    "/etc/systemd/system/temporal-ui.service": "content",
}
MARKER = "# changed by hand, temporalops drift check"


def test_configure_puts_back_what_was_changed_by_hand(present):
    """The roles read the host once and write only what differs from what they would write:
    a file changed by hand (content or mode) must still be found and put back, and the
    services that read it restarted (--tags temporal_configure)."""
    if conftest.host_name(present) != conftest.SERVER_HOSTS[0]:
        pytest.skip("the server host holds every kind of file the check changes")
    before = {path: (present.file(path).content_string, present.file(path).mode) for path in DRIFT}
    pids = {name: main_pid(present, name) for name in ("temporal-server", "temporal-ui")}
    try:
        for path, kind in DRIFT.items():
            command = "printf '%%s\\n' %s >> %s" % (shell_quote(MARKER), path) if kind == "content" else "chmod 0644 %s" % path
            present.check_output(command)
        # Positive control: the hand really changed each file.
        assert all((present.file(path).content_string, present.file(path).mode) != before[path] for path in DRIFT)
        rc, output = play(scenario_playbook("converge.yml"), ["--tags", "temporal_configure"])
        assert rc == 0, output[-3000:]
        assert {path: (present.file(path).content_string, present.file(path).mode) for path in DRIFT} == before
        # Each service whose files were put back runs them now.
        assert all(main_pid(present, name) not in ("0", pid) for name, pid in pids.items()), pids
        assert recap(output)[conftest.SERVER_HOSTS[0]]["changed"] >= len(DRIFT)
    finally:
        # Whatever happened, the checks after this one find the files as the converge left them.
        for path, (content, mode) in before.items():
            present.check_output("printf '%%s' %s > %s && chmod %o %s" % (shell_quote(content), path, mode, path))
        present.check_output("systemctl daemon-reload")
    # The configure phase waits for the server (its restart handler), not for the UI.
    wait_ui_healthz(present)


def wait_ui_healthz(host, timeout=60):
    deadline = time.time() + timeout
    probe = "python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/temporal/healthz', timeout=3)\""
    while host.run(probe).rc != 0:
        assert time.time() < deadline, "the UI does not answer /healthz"
        time.sleep(1)
