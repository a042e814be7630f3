"""Bad input stops the play with its check's own message, naming the variable or URL, and
changes nothing on the host (assert_refused: units, processes, files, install trees)."""

import pytest

import conftest
from conftest import assert_refused, run_playbook

# The install flow and input checks do not depend on the platform: the first host is enough.
testinfra_hosts = conftest.testinfra_hosts[:1]

PRESET = "temporalops.temporal.temporal"
CLI = "temporalops.temporal.temporal_cli"
ZERO_SHA = "sha256:" + "0" * 64

CASES = [
    pytest.param(PRESET, {"temporal_state": "gone"}, "temporal_state must be one of: present, absent, got: gone",
                 id="unknown-state"),
    # The dev server's own rules (plugins/module_utils/dev_server.py, whose exact words the unit
    # tests hold) report every problem at once: one run refuses them all.
    # The scenario's dev server listens on 0.0.0.0 with the insecure setting: without it, refused.
    pytest.param(PRESET, {"temporal_dev_server_metrics_port": 70000, "temporal_dev_server_ui_port": 7233,
                          "temporal_dev_server_search_attributes": {"Region": "Color"},
                          "temporal_dev_server_db_filename": "/tmp/t.db", "temporal_dev_server_insecure": False},
                 ["{'temporal_dev_server_ip': '0.0.0.0'} listen beyond loopback: the dev server has neither TLS nor",
                  "Ports must be between 1 and 65535", "Each listener needs its own port",
                  "temporal_dev_server_search_attributes maps identifiers to one of",
                  "temporal_dev_server_db_filename '/tmp/t.db' must be a file directly inside"], id="every-rule-at-once"),
    # As -e temporal_dev_server_port=http gives it: a string that is no number (the argument
    # spec owns types; "7300" passes it and is converted).
    pytest.param(PRESET, {"temporal_dev_server_port": "http"},
                 "argument 'temporal_dev_server_port' is of type str and we were unable to convert to int", id="port-not-a-number"),
    pytest.param(PRESET, {"temporal_cli_version": "v1.5"}, "temporal_cli_version 'v1.5' is not a release version", id="malformed-version"),
    pytest.param(PRESET, {"temporal_install_arch_map": {"s390x": "s390x"}}, "has no release archive; supported: s390x",
                 id="unsupported-arch"),
    # Fresh install trees, so the download really has to happen.
    pytest.param(CLI, {"temporal_cli_version": "1.5.1", "temporal_install_root": "/opt/badinput",
                       "temporal_install_bin_dir": "/opt/badinput/bin",
                       "temporal_install_base_url": "http://127.0.0.1:9"},
                 "Could not read http://127.0.0.1:9/temporalio/cli/releases/download/v1.5.1/checksums.txt",
                 id="unreachable-mirror"),
    pytest.param(CLI, {"temporal_install_root": "/opt/badinput", "temporal_install_bin_dir": "/opt/badinput/bin",
                       "temporal_cli_checksum": ZERO_SHA}, "did not match", id="checksum-mismatch"),
    pytest.param(CLI, {"temporal_cli_checksum": "md5:abc"}, "temporal_cli_checksum 'md5:abc' must be empty",
                 id="malformed-checksum"),
]


@pytest.mark.parametrize(("role", "extra_vars", "messages"), CASES)
def test_bad_input_fails_clearly_and_changes_nothing(present, tmp_path, role, extra_vars, messages):
    # The running dev server keeps its PID, its unit stays as it was, no install tree appears.
    assert_refused(lambda: run_playbook(tmp_path, [role], extra_vars, host=present), messages, [present])
    assert not present.file("/opt/badinput").exists
