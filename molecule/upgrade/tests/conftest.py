"""Fixtures for the upgrade scenario's testinfra checks (helpers: molecule/shared)."""

import os
import sys

import pytest
import testinfra.utils.ansible_runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))

# pylint: disable=wrong-import-position,unused-import
from temporal_testinfra import (  # noqa: E402,F401  (re-exported to the test modules)
    CLI_LINK, HOSTS, INVENTORY, UNIT_FILE, cli, main_pid, phase_fixture, workflow_status)

testinfra_hosts = HOSTS

KEEPSAKE = "upgrade-keepsake"
PID_FILE = "/etc/temporalops-test-pid"


@pytest.fixture(scope="module")
def versions():
    host_vars = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY).get_variables(HOSTS[0])
    return {"from": str(host_vars["upgrade_from"]), "to": str(host_vars["upgrade_to"])}


before = phase_fixture("before", first="before",
                       reason="checks the previous release; this verify runs after the upgrade")
upgraded = phase_fixture("upgraded", first="before", reason="checks the upgrade; this verify runs before it")
