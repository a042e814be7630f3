"""A converged host stays unchanged under --check (check mode predicts without failing)."""

import os
import re
import subprocess

import conftest
from conftest import INVENTORY

testinfra_hosts = conftest.testinfra_hosts


def test_check_mode_on_converged_host_reports_no_change(present):
    playbook = os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "converge.yml")
    run = subprocess.run(["ansible-playbook", "-i", INVENTORY, playbook, "--check", "--diff"],
                         capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    recap = re.findall(r"changed=(\d+).*?failed=(\d+)", run.stdout)
    assert recap and all(changed == "0" and failed == "0" for changed, failed in recap), run.stdout[-3000:]
