"""The restart handler fires when the service definition changes, and only then. Each run
covers every platform at once: it asserts each host's recap and process."""

import json

import conftest
from conftest import cli, every_host, main_pid, recap, run_playbook

# One run covers every platform (the first host's phase decides whether it applies).
testinfra_hosts = conftest.testinfra_hosts[:1]

PRESET = "temporalops.temporal.temporal"


def pids(hosts):
    return {host.backend.host: main_pid(host) for host in hosts}


def changed_on(output):
    """The changed= count of each host in the play recap."""
    return {name: counts["changed"] for name, counts in recap(output).items()}


def namespaces(host):
    listed = cli(host, "operator", "namespace", "list", "-o", "json")
    assert listed.rc == 0, listed.stderr
    return {ns["namespaceInfo"]["name"] for ns in json.loads(listed.stdout)}


def test_changed_settings_restart_once_and_a_rerun_leaves_the_process_alone(present, tmp_path):
    more = {"temporal_dev_server_namespaces": ["orders", "billing", "shipping"]}
    hosts = every_host()
    before = pids(hosts)
    try:
        rc, output = run_playbook(tmp_path, [PRESET], more)
        assert rc == 0 and set(changed_on(output)) == set(before), output[-3000:]
        assert all(changed_on(output).values()), output[-3000:]
        restarted = pids(hosts)
        assert all(restarted[name] not in ("0", before[name]) for name in before), (before, restarted)
        assert all("shipping" in namespaces(host) for host in hosts)

        rc, output = run_playbook(tmp_path, [PRESET], more)
        assert rc == 0 and changed_on(output) == dict.fromkeys(before, 0), output[-3000:]
        assert pids(hosts) == restarted
    finally:
        # Back to the scenario's settings for the checks that follow.
        rc, output = run_playbook(tmp_path, [PRESET], {})
        assert rc == 0, output[-3000:]


def test_numbers_and_booleans_given_as_strings_on_the_command_line_change_nothing(present, tmp_path):
    """-e name=value makes every value a string: each setting is converted by its type (the
    scenario's own values here, so a converged host stays as it is)."""
    as_strings = ["-e", "temporal_dev_server_port=7233", "-e", "temporal_dev_server_http_port=7243",
                  "-e", "temporal_dev_server_ui_port=8233", "-e", "temporal_dev_server_metrics_port=9233",
                  "-e", "temporal_dev_server_limit_nofile=16384", "-e", "temporal_dev_server_health_timeout=60",
                  "-e", "temporal_dev_server_headless=false", "-e", "temporal_install_keep_versions=2"]
    hosts = every_host()
    before = pids(hosts)
    rc, output = run_playbook(tmp_path, [PRESET], {}, args=as_strings)
    assert rc == 0 and changed_on(output) == dict.fromkeys(before, 0), output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    assert pids(hosts) == before
