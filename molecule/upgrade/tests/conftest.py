"""Fixtures for the upgrade scenario's testinfra checks (helpers: molecule/shared)."""

import os
import sys

import pytest
import testinfra.utils.ansible_runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))

# pylint: disable=wrong-import-position,unused-import
from temporal_testinfra import (  # noqa: E402,F401  (re-exported to the test modules)
    CLI_LINK, HOSTS, INVENTORY, UNIT_FILE, assert_hardened, assert_nothing_changed, assert_refused, cli, container_address,
    database_schema, main_pid, phase_fixture,
    play, recap, recap_changed, run_playbook, scenario_playbook, wait_serving, workflow_status)

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
DEV_HOSTS = RUNNER.get_hosts("dev_upgrade")
SERVER_HOSTS = RUNNER.get_hosts("server_upgrade")

KEEPSAKE = "upgrade-keepsake"
PID_FILE = "/etc/temporalops-test-pid"


# The inventory reads these from the same environment, with the same defaults (tools/lib.sh).
CLI_VERSIONS = {"from": os.environ.get("TEMPORALOPS_CLI_PREVIOUS_VERSION", "1.5.0"),
                "to": os.environ.get("TEMPORALOPS_CLI_VERSION", "1.5.1")}
# The server releases of the walk, oldest first.
SERVER_WALK = os.environ.get("TEMPORALOPS_SERVER_VERSIONS", "1.30.9 1.31.2 1.32.2").split()


@pytest.fixture(scope="module")
def versions():
    return CLI_VERSIONS


before = phase_fixture("before", first="before",
                       reason="checks the previous release; this verify runs after the upgrade")
upgraded = phase_fixture("upgraded", first="before", reason="checks the upgrade; this verify runs before it")
