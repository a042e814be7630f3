"""Fixtures for the default scenario's testinfra checks (helpers: molecule/shared)."""

import os
import sys

import pytest
import testinfra.utils.ansible_runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))

# pylint: disable=wrong-import-position,unused-import
from temporal_testinfra import (  # noqa: E402,F401  (re-exported to the test modules)
    CLI_LINK, HOSTS, INVENTORY, every_host, PHASE_TAGS, SERVICE, UNIT_FILE, assert_hardened, assert_nothing_changed,
    assert_refused, cli, container_address, downloads, main_pid, phase_fixture, play, recap, recap_changed, run_playbook, scenario_playbook, wait_serving,
    workflow_status)

testinfra_hosts = HOSTS
RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)

DATA_DIR = "/var/lib/temporal-dev"
DB_FILE = DATA_DIR + "/temporal.db"
CLI_VERSION = "1.5.1"
CLI_BINARY = "/opt/temporal/cli/%s/temporal" % CLI_VERSION
CLI_RELEASE_PATH = "temporalio/cli/releases/download/v%s" % CLI_VERSION
CLI_ARCHIVE = "temporal_cli_%s_linux_amd64.tar.gz" % CLI_VERSION


def mirror_dir():
    """The test mirror's tree on this machine (tools/mirror.sh)."""
    cache = os.environ.get("TEMPORALOPS_CACHE") or os.path.expanduser("~/.cache/temporalops")
    return os.path.join(cache, "mirror")


def cli_checksum():
    """sha256:<digest> of the CLI archive, from the test mirror's checksums.txt."""
    with open(os.path.join(mirror_dir(), CLI_RELEASE_PATH, "checksums.txt"), encoding="utf-8") as handle:
        return "sha256:" + next(line.split()[0] for line in handle if line.split()[1:] == [CLI_ARCHIVE])


present = phase_fixture("present", first="present",
                        reason="checks the running service; this verify runs after temporal_state: absent")
absent = phase_fixture("absent", first="present", reason="checks the removal; this verify runs after converge")


@pytest.fixture
def reachable(host):
    """The dev server's frontend and UI as this machine reaches them (the container's address)."""
    address = container_address(host)
    return {"frontend": "%s:7233" % address, "ui": "http://%s:8233" % address}
