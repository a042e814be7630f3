"""Fixtures for the production scenario's testinfra checks (helpers: molecule/shared)."""

import os
import sys

import pytest
import testinfra
import testinfra.utils.ansible_runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))

# pylint: disable=wrong-import-position,unused-import
from temporal_testinfra import (  # noqa: E402,F401  (re-exported to the test modules)
    ARTIFACTS, HOSTS, INVENTORY, PHASE_TAGS, assert_nothing_changed, assert_refused, browser, cli,
    assert_every_unit_hardened, assert_hardened, show, container_address, database_schema, shell_quote, host_name, main_pid, phase_fixture,
    downloads, inventory_with_host_vars, play, recap, recap_changed, run_playbook, scenario_playbook,
    wait_serving, workflow_status)

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
DATABASE_HOSTS = RUNNER.get_hosts("temporal_database")
SERVER_HOSTS = RUNNER.get_hosts("temporal_server")
UI_HOSTS = RUNNER.get_hosts("temporal_ui")
WORKER_HOSTS = RUNNER.get_hosts("temporal_worker")
# The checks run from the first server node (the cluster-wide ones reach the others themselves).
testinfra_hosts = SERVER_HOSTS[:1]

SERVICE = "temporal-server"
SERVER_VERSION = os.environ.get("TEMPORALOPS_SERVER_VERSION", "1.32.2")
SERVER_DIR = "/opt/temporal/server/%s" % SERVER_VERSION
SECRET = RUNNER.get_variables(SERVER_HOSTS[0])["temporal_test_db_password"]
SITE = "temporalops.temporal.site"


def server_pid(host):
    """Main PID of the server's unit on HOST."""
    return main_pid(host, SERVICE)


present = phase_fixture("present", first="present",
                        reason="checks the running stack; this verify runs after temporal_state: absent")
absent = phase_fixture("absent", first="present", reason="checks the removal; this verify runs after converge")


def host_vars(host):
    """The inventory variables of a testinfra host."""
    return RUNNER.get_variables(host_name(host))


@pytest.fixture(scope="module")
def server():
    """The (first) Temporal server host (testinfra), whatever host the test runs on."""
    return testinfra.get_host("ansible://%s?ansible_inventory=%s" % (SERVER_HOSTS[0], INVENTORY))


@pytest.fixture(scope="module")
def nodes():
    """Every server node (testinfra), in inventory order."""
    return [testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, INVENTORY)) for name in SERVER_HOSTS]


@pytest.fixture(scope="module")
def database():
    """The database host (testinfra), whatever host the test runs on."""
    return testinfra.get_host("ansible://%s?ansible_inventory=%s" % (DATABASE_HOSTS[0], INVENTORY))


@pytest.fixture
def server_address(host):
    return container_address(host)
