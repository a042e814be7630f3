"""Shared fixtures for the default scenario's testinfra checks."""

import os

import pytest
import testinfra.utils.ansible_runner

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY).get_hosts("all")

SERVICE = "temporal-dev-server"
DATA_DIR = "/var/lib/temporal-dev"
DB_FILE = DATA_DIR + "/temporal.db"
CLI_VERSION = "1.5.1"
CLI_LINK = "/usr/local/bin/temporal"
CLI_BINARY = "/opt/temporal/cli/%s/temporal" % CLI_VERSION
UNIT_FILE = "/etc/systemd/system/%s.service" % SERVICE
PHASE_FILE = "/etc/temporalops-test-phase"


def phase(host):
    """'present' after converge, 'absent' after the side_effect playbook."""
    marker = host.file(PHASE_FILE)
    return marker.content_string.strip() if marker.exists else "present"


@pytest.fixture
def present(host):
    if phase(host) != "present":
        pytest.skip("checks the running service; this verify runs after temporal_state: absent")
    return host


@pytest.fixture
def absent(host):
    if phase(host) != "absent":
        pytest.skip("checks the removal; this verify runs after converge")
    return host


@pytest.fixture(scope="module")
def published():
    """Addresses of the container's ports published on the machine's loopback."""
    runner = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
    host_vars = runner.get_variables(testinfra_hosts[0])
    return {"frontend": host_vars["molecule_published_frontend"], "ui": host_vars["molecule_published_ui"]}


def cli(host, *args):
    """Run the installed temporal CLI on the test host against the local frontend."""
    return host.run(
        " ".join([CLI_LINK] + [_quote(a) for a in args] + ["--address", "127.0.0.1:7233", "--command-timeout", "10s"])
    )


def _quote(arg):
    return "'" + arg.replace("'", "'\\''") + "'"


def run_playbook(tmp_path, roles, extra_vars, check=False):
    """Apply roles of the collection to the test host with extra vars; return (rc, output)."""
    import json
    import subprocess
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
    import re
    counts = re.findall(r"changed=(\d+)", output)
    assert counts, output[-2000:]
    return int(counts[-1])
