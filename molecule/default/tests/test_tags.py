"""Every phase tag the README documents runs alone and in --skip-tags on converged hosts:
no failure, nothing changed (each phase derives what it needs from settings, not from
facts of another phase). And the two claims a tagged run makes: `--tags temporal_configure`
applies a configuration change without downloading anything, and a run without the install
phase keeps the installed binaries (a release it would have to install is refused)."""

import os
import urllib.request

import pytest

import conftest
from conftest import (PHASE_TAGS, UNIT_FILE, assert_nothing_changed, assert_refused, downloads, main_pid, run_playbook,
                      wait_serving)

# One run covers every platform: it asserts each host's recap.
testinfra_hosts = conftest.testinfra_hosts[:1]
PRESET = "temporalops.temporal.temporal"
SETTINGS = conftest.RUNNER.get_variables(conftest.HOSTS[0])


@pytest.mark.parametrize("selection", ["--tags", "--skip-tags"])
@pytest.mark.parametrize("tag", PHASE_TAGS)
def test_phase_tag_alone_changes_nothing(present, tmp_path, tag, selection):
    rc, output = run_playbook(tmp_path, [PRESET], {}, args=[selection, tag])
    assert_nothing_changed(rc, output, conftest.HOSTS)


def test_the_download_record_sees_a_request():
    """The positive control of the no-download checks: a request to the mirror is counted."""
    before = downloads()["mirror requests"]
    with urllib.request.urlopen(os.environ.get("TEMPORALOPS_MIRROR_URL", "http://127.0.0.1:8765")
                                + "/.temporalops-mirror", timeout=10) as response:
        assert response.status == 200
    assert downloads()["mirror requests"] == before + 1


def test_configure_alone_applies_a_configuration_change_without_downloading(present, tmp_path):
    """A dynamic config value changed under --tags temporal_configure: the unit carries it and
    the dev server restarts on it; the mirror saw no request, the controller cache is as it
    was. The same selection with the inventory's settings puts it back."""
    changed = dict(SETTINGS["temporal_dev_server_dynamic_config"], **{"limit.maxIDLength": 300})
    pid, before = main_pid(present), downloads()
    try:
        rc, output = run_playbook(tmp_path, [PRESET], {"temporal_dev_server_dynamic_config": changed}, host=present,
                                  args=["--tags", "temporal_configure"])
        assert rc == 0, output[-3000:]
        assert '"limit.maxIDLength=300"' in present.file(UNIT_FILE).content_string
        wait_serving(present)
        assert main_pid(present) not in ("0", pid)
        assert downloads() == before
    finally:
        rc, output = run_playbook(tmp_path, [PRESET], {}, host=present, args=["--tags", "temporal_configure"])
        assert rc == 0, output[-3000:]
    assert '"limit.maxIDLength=255"' in present.file(UNIT_FILE).content_string


def test_a_release_change_without_the_install_phase_keeps_the_binaries(present, tmp_path):
    """--skip-tags temporal_install with a CLI release the host does not have: refused before
    the unit points at it, the installed binaries and everything else as they were, nothing
    downloaded."""
    before = downloads()
    assert_refused(lambda: run_playbook(tmp_path, [PRESET], {"temporal_cli_version": "1.4.1"}, host=present,
                                        args=["--skip-tags", "temporal_install"]),
                   "temporal CLI is not installed on", [present])
    assert present.check_output("ls /opt/temporal/cli").split() == [conftest.CLI_VERSION]
    assert downloads() == before
