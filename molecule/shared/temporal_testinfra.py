"""Helpers shared by the molecule scenarios' testinfra checks.

Each scenario's conftest puts this directory on sys.path and imports from here.
"""

import json
import os
import re
import subprocess

import pytest
import testinfra.utils.ansible_runner

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
HOSTS = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY).get_hosts("all")

SERVICE = "temporal-dev-server"
UNIT_FILE = "/etc/systemd/system/%s.service" % SERVICE
CLI_LINK = "/usr/local/bin/temporal"
PHASE_FILE = "/etc/temporalops-test-phase"


def phase(host, first):
    """Which step of the scenario this verify runs after: `first` until side_effect writes another."""
    marker = host.file(PHASE_FILE)
    return marker.content_string.strip() if marker.exists else first


def phase_fixture(expected, first, reason):
    """A host fixture that skips its test unless the scenario is in phase `expected`."""

    @pytest.fixture(name=expected)
    def fixture(host):
        if phase(host, first) != expected:
            pytest.skip(reason)
        return host

    return fixture


def cli(host, *args):
    """Run the installed temporal CLI on the test host against the local frontend."""
    return host.run(
        " ".join([CLI_LINK] + [_quote(a) for a in args] + ["--address", "127.0.0.1:7233", "--command-timeout", "10s"])
    )


def _quote(arg):
    return "'" + arg.replace("'", "'\\''") + "'"


def main_pid(host):
    return host.check_output("systemctl show -p MainPID --value %s" % SERVICE)


def workflow_status(host, workflow_id, namespace):
    described = cli(host, "workflow", "describe", "--workflow-id", workflow_id, "--namespace", namespace, "-o", "json")
    assert described.rc == 0, described.stderr
    return json.loads(described.stdout)["workflowExecutionInfo"]["status"]


def run_playbook(tmp_path, roles, extra_vars, check=False):
    """Apply roles of the collection to the test host with extra vars; return (rc, output)."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: all\n  become: true\n  roles:\n" + "".join("    - %s\n" % r for r in roles)
    )
    varfile = tmp_path / "vars.json"
    varfile.write_text(json.dumps(extra_vars))
    cmd = ["ansible-playbook", "-i", INVENTORY, str(playbook), "-e", "@%s" % varfile]
    if check:
        cmd.append("--check")
    run = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    return run.returncode, run.stdout + run.stderr


def recap_changed(output):
    """The changed= count of the play recap."""
    counts = re.findall(r"changed=(\d+)", output)
    assert counts, output[-2000:]
    return int(counts[-1])
