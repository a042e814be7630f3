"""A converged host stays unchanged under --check (check mode predicts without failing)."""

import os
import subprocess

import conftest
from conftest import INVENTORY, recap

# One run covers every platform: it asserts each host's recap.
testinfra_hosts = conftest.testinfra_hosts[:1]


def test_check_mode_on_converged_hosts_reports_no_change(present):
    playbook = os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "converge.yml")
    run = subprocess.run(["ansible-playbook", "-i", INVENTORY, playbook, "--check", "--diff"],
                         capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    hosts = recap(run.stdout)
    assert set(hosts) == set(conftest.HOSTS), run.stdout[-3000:]
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in hosts.values()), run.stdout[-3000:]
