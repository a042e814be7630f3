"""Two workers of two projects (Python from a venv, Go from an archive) on their prefixed
queues, against the dev server: what they run, how systemd keeps them, what a rerun changes."""

import time

import conftest
from conftest import (
    MARKERS, QUEUES, apply, assert_hardened, assert_nothing_changed, dropin, history, main_pid, pollers, result,
    running_activity, start_greet, temporal, unit, wait_polling, worker)

testinfra_hosts = conftest.testinfra_hosts


def test_each_queue_is_polled_by_its_own_worker_only(present):
    for name, queue in QUEUES.items():
        pid = wait_polling(present, name)
        identities = {p["identity"].split("@")[0] for p in pollers(present, queue)}
        others = {main_pid(present, unit(other)).strip() for other in QUEUES if other != name}
        assert pid in identities and not identities & others, (name, identities)


def test_a_workflow_on_each_queue_completes_on_that_queue(present):
    started = {name: start_greet(present, queue, name="Ada") for name, queue in QUEUES.items()}
    for name, workflow_id in started.items():
        done = result(present, workflow_id)
        assert done["task_queue"] == QUEUES[name]
        assert done["greeting"] == "Hello, Ada! (from %s)" % QUEUES[name]
        ran_by = [e["activityTaskStartedEventAttributes"]["identity"] for e in history(present, workflow_id)
                  if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_STARTED"]
        # <pid>@<host> (Python) or <pid>@<host>@ (Go)
        own = "%s@%s" % (main_pid(present, unit(name)).strip(), present.check_output("hostname"))
        assert len(ran_by) == 1 and ran_by[0] in (own, own + "@"), (ran_by, own)


def test_the_unit_is_the_template_with_envconfig_and_no_secret(present):
    for name in QUEUES:
        show = present.check_output("systemctl show %s -p Environment -p KillMode -p Restart -p TimeoutStopUSec "
                                    "-p User -p FragmentPath" % unit(name))
        assert "FragmentPath=/etc/systemd/system/temporal-worker@.service" in show
        assert "KillMode=mixed" in show and "Restart=always" in show
        assert "TimeoutStopUSec=35s" in show  # graceful stop timeout 20 s + 15 s
        assert "User=temporal-worker-%s" % name in show
        assert "TEMPORAL_TASK_QUEUE=%s" % QUEUES[name] in show and "TEMPORAL_ADDRESS=" in show
        assert "TEMPORAL_CONFIG_FILE=/etc/temporal-worker/%s.toml" % name in show
        assert not any(marker in show for marker in MARKERS)
    billing = present.check_output("systemctl show %s -p Environment" % unit("billing"))
    assert "TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES=20" in billing and "TEMPORAL_WORKER_ACTIVITY_POLLERS=2" in billing
    reports = present.check_output("systemctl show %s -p Environment" % unit("reports"))
    assert "TEMPORAL_WORKER_WORKFLOW_POLLERS_AUTOSCALING=1,2,4" in reports


def test_the_worker_gets_its_secrets_exactly(present):
    """The key file's marker holds $, quotes and a backslash; the process sees it unchanged, and
    reports also its gRPC header, as envconfig reads it (TEMPORAL_GRPC_META_<NAME>)."""
    expected = {"billing": ["TEMPORAL_API_KEY=%s" % MARKERS[0]],
                "reports": ["TEMPORAL_API_KEY=%s" % MARKERS[1], "TEMPORAL_GRPC_META_X_TENANT_TOKEN=%s" % MARKERS[2]]}
    for name, lines in expected.items():
        environ = present.check_output("tr '\\0' '\\n' < /proc/%s/environ" % main_pid(present, unit(name)).strip())
        assert set(lines) <= set(environ.splitlines())
        secrets = present.file("/etc/temporal-worker/%s.env" % name)
        assert (secrets.user, secrets.group, secrets.mode) == ("root", "root", 0o600)


def test_a_killed_worker_comes_back_and_its_workflow_completes(present):
    pid = wait_polling(present, "billing")
    workflow_id = start_greet(present, QUEUES["billing"], name="Kim", wait_seconds=60)
    time.sleep(2)
    present.run("kill -9 %s" % pid)
    new_pid = wait_polling(present, "billing")
    assert new_pid != pid
    assert temporal(present, "workflow", "signal", "--workflow-id", workflow_id, "--name", "approve",
                    "--input", '"ok"').rc == 0
    done = result(present, workflow_id)
    assert done["approved"] is True and done["note"] == "ok"


def test_a_stop_lets_the_running_activity_finish(present):
    """systemctl stop during an 8 s activity: the stopping process completes it, no retry."""
    for name in QUEUES:
        pid = wait_polling(present, name)
        workflow_id = start_greet(present, QUEUES[name], name="Dee", work_seconds=8)
        deadline = time.time() + 30
        while not running_activity(present, workflow_id):
            assert time.time() < deadline, "the activity did not start"
            time.sleep(0.5)
        began = time.time()
        try:
            present.run("systemctl stop %s" % unit(name))
            took = time.time() - began
        finally:
            present.run("systemctl start %s" % unit(name))
        assert took > 3, "%s exited after %.1f s, without draining" % (name, took)
        events = history(present, workflow_id)
        started = [e["activityTaskStartedEventAttributes"] for e in events
                   if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_STARTED"]
        completed = [e for e in events if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_COMPLETED"]
        assert len(completed) == 1 and len(started) == 1 and started[0]["attempt"] == 1, (name, events)
        assert started[0]["identity"].startswith(pid + "@")
        wait_polling(present, name)
        assert result(present, workflow_id)["task_queue"] == QUEUES[name]


def test_check_mode_on_the_converged_host_changes_nothing(present, tmp_path):
    rc, output = apply(tmp_path, present, check=True)
    assert_nothing_changed(rc, output, [conftest.WORKER_HOSTS[0]])


def test_a_tuning_change_restarts_that_worker_only_and_shows_no_secret(present, tmp_path):
    """At -vvv: only reports restarts, and the secrets (markers) reach no output, ps line, journal
    line, or file other than root-owned 0600/0640 ones. Reports stays tuned: the next check drops
    it and brings it back with the scenario's settings (one run fewer than putting them back here)."""
    pids = {name: wait_polling(present, name) for name in QUEUES}
    tuned = [worker("billing"), worker("reports", tuning={"max_concurrent_activities": 30, "activity_pollers": 2})]
    rc, output = apply(tmp_path, present, args=["-vvv"], temporal_worker_instances=tuned)
    assert rc == 0, output[-3000:]
    assert "TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES=30" in present.file(dropin("reports")).content_string
    assert wait_polling(present, "reports") != pids["reports"]
    assert main_pid(present, unit("billing")).strip() == pids["billing"]
    ps = present.check_output("ps -eo args")
    journal = present.check_output("journalctl --no-pager -o cat")
    for marker in MARKERS:
        assert marker not in output
        assert marker not in ps and marker not in journal
    patterns = " ".join("-e " + conftest.shell_quote(m.split()[0]) for m in MARKERS)
    files = present.run("grep -rlF %s /etc /opt /var /srv /home /root 2>/dev/null" % patterns).stdout.split()
    assert "/etc/temporal-worker/billing.env" in files
    for path in files:
        f = present.file(path)
        assert f.user == "root" and f.mode & 0o007 == 0 and f.mode & 0o027 in (0, 0o020), (path, oct(f.mode))


def test_a_worker_dropped_from_the_list_is_removed_and_the_other_runs_on(present, tmp_path):
    """Reports goes (whatever its settings: the check before leaves it tuned), billing runs on;
    the scenario's list brings reports back as the inventory has it."""
    pid = wait_polling(present, "billing")
    rc, output = apply(tmp_path, present, temporal_worker_instances=[worker("billing")])
    assert rc == 0, output[-3000:]
    assert present.run("systemctl is-active %s" % unit("reports")).stdout.strip() != "active"
    for path in ("/etc/systemd/system/temporal-worker@reports.service.d", "/etc/temporal-worker/reports.env",
                 "/etc/temporal-worker/reports.toml", "/opt/temporal/workers/reports"):
        assert not present.file(path).exists, path
    assert main_pid(present, unit("billing")).strip() == pid
    rc, output = apply(tmp_path, present)  # the scenario's two workers again
    assert rc == 0, output[-3000:]
    wait_polling(present, "reports")
    assert main_pid(present, unit("billing")).strip() == pid


def test_the_unit_is_hardened(present):
    # ProcSubset stays whole: the SDKs' cores read /proc/meminfo.
    assert_hardened(present, unit("billing"), proc_subset="all")
