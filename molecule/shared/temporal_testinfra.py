"""Helpers shared by the molecule scenarios' testinfra checks.

Each scenario's conftest puts this directory on sys.path and imports from here.
"""

import json
import os
import re
import subprocess
import time

import pytest
import testinfra.utils.ansible_runner

import host_state
from play_output import failure_messages, recap, recap_changed  # noqa: F401  (re-exported)

# The inventory directory, as molecule's own playbook runs use it: beside its generated file
# it holds group_vars and, in scenarios that link one in, the hosts file with the groups.
INVENTORY = os.path.dirname(os.environ["MOLECULE_INVENTORY_FILE"])
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


# What every cli() call adds: a scenario whose server requires TLS sets its flags (its conftest),
# one with authorization the internal frontend, where the node's certificate stands for the system.
CLI_FLAGS = []
CLI_ADDRESS = ["127.0.0.1:7233"]


def cli(host, *args, timeout="10s"):
    """Run the installed temporal CLI on the test host against the local frontend (CLI_ADDRESS)."""
    return host.run(
        " ".join([CLI_LINK] + [shell_quote(a) for a in list(args) + CLI_FLAGS]
                 + ["--address", CLI_ADDRESS[0], "--command-timeout", timeout])
    )


def shell_quote(arg):
    """Quote one argument for the test host's shell."""
    return "'" + arg.replace("'", "'\\''") + "'"


def main_pid(host, service=SERVICE):
    return host.check_output("systemctl show -p MainPID --value %s" % service)


def show(host, unit, *properties):
    """PROPERTIES of UNIT on HOST as systemd reports them, by name."""
    out = host.check_output("systemctl show %s %s" % (" ".join("-p " + p for p in properties), unit))
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def wait_serving(host, timeout=120):
    """Wait until the frontend on the test host reports SERVING."""
    deadline = time.time() + timeout
    result = None
    while time.time() < deadline:
        result = cli(host, "operator", "cluster", "health")
        if result.rc == 0 and "SERVING" in result.stdout:
            return
        time.sleep(1)
    raise AssertionError("cluster not SERVING within %ss: %s" % (timeout, result.stderr if result else ""))


def workflow_status(host, workflow_id, namespace):
    described = cli(host, "workflow", "describe", "--workflow-id", workflow_id, "--namespace", namespace, "-o", "json")
    assert described.rc == 0, described.stderr
    return json.loads(described.stdout)["workflowExecutionInfo"]["status"]


def database_schema(host, database):
    """The schema version temporal-sql-tool recorded in DATABASE, on the PostgreSQL host HOST."""
    return host.check_output(
        "runuser -u postgres -- psql -d %s -tAc 'SELECT curr_version FROM schema_version'" % database).strip()


def every_host():
    """A testinfra host for each host of the scenario's inventory, as the checks reach them: for a
    check whose one run covers every platform."""
    return [testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, INVENTORY)) for name in HOSTS]


def host_name(host):
    """The inventory name (and container name) of a testinfra host."""
    return host.backend.host


def container_address(host):
    """The container's address on the scenario's docker network, reachable from this machine."""
    return subprocess.check_output(
        ["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", host_name(host)],
        text=True).split()[0]


def play(playbook, args=(), timeout=1200, inventory=INVENTORY):
    """Run a playbook on the scenario's inventory, as a user runs it. Returns (rc, output)."""
    run = subprocess.run(["ansible-playbook", "-i", inventory, str(playbook)] + list(args),
                         capture_output=True, text=True, check=False, timeout=timeout)
    return run.returncode, run.stdout + run.stderr


def inventory_with_host_vars(tmp_path, host_vars):
    """A copy of the scenario's inventory (links to its files) with HOST_VARS ({host name:
    {variable: value}}) added as host_vars files: settings for one host of several."""
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    for name in os.listdir(INVENTORY):
        if name != "host_vars":
            os.symlink(os.path.join(INVENTORY, name), inventory / name)
    (inventory / "host_vars").mkdir()
    for host, settings in host_vars.items():
        (inventory / "host_vars" / ("%s.json" % host)).write_text(json.dumps(settings))
    return str(inventory)


def downloads():
    """What this machine served or fetched for the hosts so far: the mirror's request log
    (tools/mirror.sh) and the controller's download cache (name, size, mtime of each file)."""
    cache = os.environ.get("TEMPORALOPS_CACHE") or os.path.expanduser("~/.cache/temporalops")
    with open(os.path.join(cache, "mirror.log"), encoding="utf-8", errors="replace") as handle:
        requests = [line for line in handle if '"GET ' in line or '"HEAD ' in line]
    stored = os.environ.get("TEMPORALOPS_DOWNLOADS") or os.path.join(cache, "downloads")
    files = {}
    for top, _dirs, names in os.walk(stored):
        for name in names:
            st = os.stat(os.path.join(top, name))
            files[os.path.join(top, name)] = (st.st_size, st.st_mtime_ns)
    return {"mirror requests": len(requests), "controller cache": files}


def scenario_playbook(name):
    """A playbook of the scenario under test (converge.yml, ...)."""
    return os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], name)


def run_playbook(tmp_path, roles, extra_vars, check=False, host=None, args=()):
    """Apply roles of the collection with extra vars, to HOST only or to every test host.

    Returns (rc, output)."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: all\n  become: true\n  roles:\n" + "".join("    - %s\n" % r for r in roles)
    )
    varfile = tmp_path / "vars.json"
    varfile.write_text(json.dumps(extra_vars))
    cmd = ["-e", "@%s" % varfile] + list(args)
    if check:
        cmd.append("--check")
    if host is not None:
        cmd += ["--limit", host_name(host)]
    return play(playbook, cmd, timeout=600)


# The phase tags the README documents: each works alone and in --skip-tags.
PHASE_TAGS = ["temporal_validate", "temporal_install", "temporal_configure", "temporal_service"]


def assert_nothing_changed(rc, output, hosts):
    """A run on converged HOSTS that passed, warned of nothing and changed nothing."""
    assert rc == 0, output[-3000:]
    assert "[WARNING]" not in output, output[-3000:]
    counts = recap(output)
    assert set(counts) == set(hosts), output[-3000:]
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in counts.values()), output[-3000:]


def assert_refused(run, message, hosts, live_data=None, changes_reported=False):
    """RUN (a callable returning (rc, output)) fails with MESSAGE in a failed result's own text,
    and nothing on HOSTS (testinfra hosts) changed: units, processes, configuration, install
    trees, accounts, schema versions (molecule/shared/host_state.py). MESSAGE must be a phrase of
    that check's message (or a list of such phrases, each in a failed result's text: the checks
    that report every problem at once): a bare setting name also appears in loop labels and in
    other checks' messages, so it is refused here. LIVE_DATA: path patterns allowed to change (a
    refusal that comes after a step beside what runs, such as a new venv tried and removed, which
    the recap then counts: CHANGES_REPORTED). Returns the output."""
    messages = [message] if isinstance(message, str) else list(message)
    for phrase in messages:
        if " " not in phrase.strip():
            raise ValueError("%r is a bare name: give a phrase only this check's message holds" % phrase)
    kwargs = {} if live_data is None else {"live_data": live_data}
    before = {host_name(h): host_state.snapshot(h, **kwargs) for h in hosts}
    rc, output = run()
    assert rc != 0, output[-3000:]
    failures = failure_messages(output)
    for phrase in messages:
        assert any(phrase in text for text in failures), "%r is in no failure message: %s" % (phrase, failures or output[-3000:])
    assert changes_reported or recap_changed(output) == 0, output[-3000:]
    for h in hosts:
        host_state.assert_same_state(before[host_name(h)], host_state.snapshot(h, **kwargs), host_name(h))
    return output


# Where checks save what a person should look at (screenshots); tools/test.sh sets it.
ARTIFACTS = os.environ.get("TEMPORALOPS_ARTIFACTS") or os.path.join(
    os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"), "artifacts")


def browser(url, *args, profile, timeout=90):
    """Load URL in Debian's headless chromium on this machine and return its stdout.

    The page's scripts run (and fetch from the API) for up to 15 s of virtual time first,
    so --dump-dom gives the rendered page, not the HTML the server sent."""
    run = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--user-data-dir=%s" % profile, "--virtual-time-budget=15000",
         "--window-size=1440,900", "--hide-scrollbars"] + list(args) + [url],
        capture_output=True, text=True, check=False, timeout=timeout)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def exposure(host, unit):
    """The overall exposure score `systemd-analyze security` gives UNIT on HOST (lower is safer)."""
    out = host.run("systemd-analyze security --no-pager %s" % unit)
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", out.stdout)
    assert match, out.stdout[-2000:] + out.stderr
    return float(match.group(1))


# The most `systemd-analyze security` may score any unit the collection installs.
EXPOSURE_LIMIT = 2.0
# The shared hardening block, read from the template every unit comes from: a directive added
# there is asserted on every unit without a second list here.
QUOTE_TEMPLATE = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "roles", "temporal_systemd", "templates",
                              "quote.j2")


def shared_hardening():
    """The directives of the shared hardening block (quote.j2's hardening_base): name -> value."""
    with open(QUOTE_TEMPLATE, encoding="utf-8") as handle:
        block = re.search(r"set hardening_base = \{(.*?)\}", handle.read(), re.DOTALL).group(1)
    directives = dict(re.findall(r"'(\w+)':\s*'([^']*)'", block))
    assert len(directives) >= 25, directives
    return directives


def _as_shown(key, value):
    """VALUE of directive KEY as `systemctl show` reports it, for comparison."""
    if key == "SystemCallErrorNumber":
        return {"EPERM": "1"}.get(value, value)
    if key in ("RestrictAddressFamilies", "CapabilityBoundingSet", "AmbientCapabilities"):
        return " ".join(sorted(value.split()))
    if key == "UMask":
        return value.zfill(4)
    return value


def assert_hardened(host, unit, **overrides):
    """UNIT on HOST runs with every directive of the shared hardening block (OVERRIDES: the ones
    its role widens on purpose, as the unit should show them) and scores at most
    EXPOSURE_LIMIT; returns the score. The caller's own checks prove the service still works
    under it."""
    wanted = dict(shared_hardening(), **overrides)
    shown = show(host, unit, *wanted)
    wrong = {}
    for key, value in wanted.items():
        if key == "SystemCallFilter":
            # An allow list: systemd shows the permitted calls, far fewer than the kernel has.
            allowed = shown[key].split()
            if not allowed or allowed[0].startswith("~") or "reboot" in allowed or "kexec_load" in allowed:
                wrong[key] = shown[key][:200]
        elif _as_shown(key, shown.get(key, "(missing)")) != _as_shown(key, value):
            wrong[key] = "%s, not %s" % (shown.get(key, "(missing)"), value)
    assert not wrong, (unit, wrong)
    score = exposure(host, unit)
    print("systemd-analyze security %s: %.1f" % (unit, score))
    assert score <= EXPOSURE_LIMIT, (unit, score)
    return score


# What each role widens or narrows in the shared block, by unit name prefix.
ROLE_HARDENING = {
    # The workers scenario's Node.js worker: V8 writes the machine code it compiles.
    "temporal-worker@orders": {"ProcSubset": "all", "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "MemoryDenyWriteExecute": "no"},
    "temporal-worker@": {"ProcSubset": "all", "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX"},
    "temporal-ui": {"RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6"},
}


def assert_every_unit_hardened(host):
    """Every running temporal* service on HOST passes assert_hardened, with its role's
    deviations (ROLE_HARDENING). Returns {unit: score}; there must be at least one."""
    listed = host.check_output("systemctl list-units --type=service --state=running --plain --no-legend 'temporal*'")
    units = [line.split()[0] for line in listed.splitlines() if line.strip()]
    assert units, "no temporal unit runs on %s" % host_name(host)
    scores = {}
    for unit in units:
        overrides = next((o for prefix, o in ROLE_HARDENING.items() if unit.startswith(prefix)), {})
        scores[unit] = assert_hardened(host, unit, **overrides)
    return scores
