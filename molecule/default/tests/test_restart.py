"""The restart handler fires when the service definition changes, and only then."""

import json

import conftest
from conftest import cli, main_pid, recap_changed, run_playbook

testinfra_hosts = conftest.testinfra_hosts

PRESET = "temporalops.temporal.temporal"


def namespaces(host):
    listed = cli(host, "operator", "namespace", "list", "-o", "json")
    assert listed.rc == 0, listed.stderr
    return {ns["namespaceInfo"]["name"] for ns in json.loads(listed.stdout)}


def test_changed_settings_restart_once_and_a_rerun_leaves_the_process_alone(present, tmp_path):
    more = {"temporal_dev_server_namespaces": ["orders", "billing", "shipping"]}
    before = main_pid(present)
    try:
        rc, output = run_playbook(tmp_path, [PRESET], more, host=present)
        assert rc == 0 and recap_changed(output) > 0, output[-3000:]
        restarted = main_pid(present)
        assert restarted != before
        assert "shipping" in namespaces(present)

        rc, output = run_playbook(tmp_path, [PRESET], more, host=present)
        assert rc == 0 and recap_changed(output) == 0, output[-3000:]
        assert main_pid(present) == restarted
    finally:
        # Back to the scenario's settings for the checks that follow.
        rc, output = run_playbook(tmp_path, [PRESET], {}, host=present)
        assert rc == 0, output[-3000:]


def test_numbers_and_booleans_given_as_strings_on_the_command_line_change_nothing(present, tmp_path):
    """-e name=value makes every value a string: each setting is converted by its type (the
    scenario's own values here, so a converged host stays as it is)."""
    as_strings = ["-e", "temporal_dev_server_port=7233", "-e", "temporal_dev_server_http_port=7243",
                  "-e", "temporal_dev_server_ui_port=8233", "-e", "temporal_dev_server_metrics_port=9233",
                  "-e", "temporal_dev_server_limit_nofile=16384", "-e", "temporal_dev_server_health_timeout=60",
                  "-e", "temporal_dev_server_headless=false", "-e", "temporal_install_keep_versions=2"]
    before = main_pid(present)
    rc, output = run_playbook(tmp_path, [PRESET], {}, host=present, args=as_strings)
    assert rc == 0 and recap_changed(output) == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    assert main_pid(present) == before
