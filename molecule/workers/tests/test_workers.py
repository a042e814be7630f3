"""Three workers of three projects (Python from a venv, Go from an archive, TypeScript built
with npm ci) on their prefixed queues, against the dev server: what they run, how systemd keeps
them, what a rerun changes. The checks that change the list keep orders in it (its build is
the slowest to redo)."""

import os
import time
import uuid

import conftest
import host_state
import secret_hunt
from conftest import (
    DEV_HOST, MARKERS, QUEUES, apply, assert_every_unit_hardened, assert_nothing_changed, dropin, environment, history,
    main_pid, pollers, result, running_activity, shell_quote, start_greet, temporal, unit, wait_for_approval, wait_polling,
    worker)

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


def test_a_workflow_answers_its_query_and_ends_unapproved_without_the_signal(present):
    """One workflow per worker, at once: each answers while it waits, then ends unapproved when
    its wait runs out."""
    started = {name: start_greet(present, queue, name="Lee", wait_seconds=10) for name, queue in QUEUES.items()}
    for workflow_id in started.values():
        wait_for_approval(present, workflow_id)
    for name, workflow_id in started.items():
        done = result(present, workflow_id)
        assert done["approved"] is False and not done["note"], (name, done)


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


def test_the_worker_gets_its_secrets_and_environment_exactly(present):
    """The key file's marker holds $, quotes and a backslash; the process sees it unchanged, and
    reports also its gRPC header, as envconfig reads it (TEMPORAL_GRPC_META_<NAME>). Billing's
    plain environment (in the unit) holds %, $, quotes and a backslash, and arrives as written."""
    note = worker("billing")["environment"]["GREETER_NOTE"]
    expected = {"billing": ["TEMPORAL_API_KEY=%s" % MARKERS[0], "GREETER_NOTE=%s" % note],
                "reports": ["TEMPORAL_API_KEY=%s" % MARKERS[1], "TEMPORAL_GRPC_META_X_TENANT_TOKEN=%s" % MARKERS[2]]}
    for name, lines in expected.items():
        assert set(lines) <= set(environment(present, name))
        secrets = present.file("/etc/temporal-worker/%s.env" % name)
        assert (secrets.user, secrets.group, secrets.mode) == ("root", "root", 0o600)


def test_a_killed_worker_comes_back_and_its_workflow_completes(present):
    """Both at once: each worker's workflow waits for a signal while its worker is killed."""
    pids = {name: wait_polling(present, name) for name in QUEUES}
    # Each waits for its own signal (up to 10 minutes: the signal ends it long before).
    started = {name: start_greet(present, QUEUES[name], name="Kim", wait_seconds=600) for name in QUEUES}
    for workflow_id in started.values():
        wait_for_approval(present, workflow_id)
    present.run("kill -9 %s" % " ".join(pids.values()))
    for name, workflow_id in started.items():
        assert wait_polling(present, name) != pids[name]
        assert temporal(present, "workflow", "signal", "--workflow-id", workflow_id, "--name", "approve",
                        "--input", '"ok"').rc == 0
        done = result(present, workflow_id)
        assert done["approved"] is True and done["note"] == "ok" and done["task_queue"] == QUEUES[name], (name, done)


def test_a_stop_lets_the_running_activity_finish(present):
    """systemctl stop of every worker during its own 8 s activity (all at once): each stopping
    process completes its activity, no retry."""
    pids = {name: wait_polling(present, name) for name in QUEUES}
    workflows = {name: start_greet(present, QUEUES[name], name="Dee", work_seconds=8) for name in QUEUES}
    deadline = time.time() + 30
    while not all(running_activity(present, workflow_id) for workflow_id in workflows.values()):
        assert time.time() < deadline, "the activities did not all start"
        time.sleep(0.5)
    units = " ".join(unit(name) for name in QUEUES)
    try:
        present.run("systemctl stop %s" % units)
    finally:
        present.run("systemctl start %s" % units)
    for name, workflow_id in workflows.items():
        pid = pids[name]
        events = history(present, workflow_id)
        started = [e["activityTaskStartedEventAttributes"] for e in events
                   if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_STARTED"]
        completed = [e["activityTaskCompletedEventAttributes"] for e in events
                     if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_COMPLETED"]
        # Completed once, on the first attempt, by the process that was stopping: it drained.
        assert len(completed) == 1 and len(started) == 1 and started[0]["attempt"] == 1, (name, events)
        assert started[0]["identity"].startswith(pid + "@")
        assert completed[0]["identity"].startswith(pid + "@"), (name, completed)
        wait_polling(present, name)
        assert result(present, workflow_id)["task_queue"] == QUEUES[name]


def test_check_mode_on_the_converged_host_changes_nothing(present, tmp_path):
    """No change predicted and none made: units, processes and files as they were."""
    before = host_state.snapshot(present)
    rc, output = apply(tmp_path, present, check=True)
    assert_nothing_changed(rc, output, [conftest.WORKER_HOSTS[0]])
    host_state.assert_same_state(before, host_state.snapshot(present))


# Where a leaked key would land.
SCANNED = ["/etc", "/opt", "/var", "/srv", "/home", "/root", "/tmp", "/run"]


# Reports as the tuning check leaves it (its API key rotated), for the checks after it.
ROTATED = "tops-marker-rotated-e80a"
TUNED_REPORTS = worker("reports", api_key=ROTATED, tuning={"max_concurrent_activities": 30, "activity_pollers": 2})


def test_a_tuning_change_restarts_that_worker_only_and_shows_no_secret(present, tmp_path):
    """At -vvv: only reports restarts, and the secrets (markers) reach no output, command line
    (every process's, sampled during the run), journal field, or file other than root-owned
    0600/0640 ones. Reports' API key is rotated in the same
    run, so the secrets file is written at -vvv too. Reports stays tuned: the next check drops
    it and brings it back with the scenario's settings (one run fewer than putting them back here)."""
    pids = {name: wait_polling(present, name) for name in QUEUES}
    markers = MARKERS + [ROTATED]
    control = "temporalops-ps-control-%s" % uuid.uuid4().hex[:8]
    with secret_hunt.CommandLineSampler([present], control) as sampler:
        rc, output = apply(tmp_path, present, args=["-vvv"],
                           temporal_worker_instances=[worker("billing"), TUNED_REPORTS, worker("orders")])
    assert rc == 0, output[-3000:]
    name = conftest.host_name(present)
    assert sampler.seen_both_controls(name) and sampler.passes[name] > 1000, sampler.passes[name]
    assert "TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES=30" in present.file(dropin("reports")).content_string
    assert wait_polling(present, "reports") != pids["reports"]
    for kept in ("billing", "orders"):
        assert main_pid(present, unit(kept)).strip() == pids[kept], kept
    ps = "\n".join(sampler.command_lines[name])
    journal = secret_hunt.journal(present)
    assert "TEMPORAL_API_KEY=%s" % ROTATED in environment(present, "reports")
    # Every form a marker can take once written or logged (escaped, quoted, base64...).
    for marker in markers:
        for text in (output, ps, journal):
            assert not secret_hunt.found_in(text, marker), marker
    files = set()
    for marker in markers:
        files.update(secret_hunt.files_holding(present, marker, SCANNED))
    # The positive control: the secrets files, which hold each key escaped for systemd.
    assert {"/etc/temporal-worker/billing.env", "/etc/temporal-worker/reports.env"} <= files
    groups = {"root"} | {"temporal-worker-%s" % name for name in QUEUES}
    for path in files:
        f = present.file(path)
        # root-owned; at most group-readable, by root or the worker's own group; nothing for others
        assert f.user == "root" and f.group in groups and f.mode & 0o037 == 0, (path, f.group, oct(f.mode))


def test_the_file_hunt_finds_every_form_of_each_marker(present):
    """The positive control of the hunt above: each form of each marker, planted in a file
    others may read, is found."""
    for marker in MARKERS:
        assert not secret_hunt.missed_plants(present, marker, SCANNED), marker


# A script delivered with files (not executable in the repository). What it prints
# (tops-crash-42) is in no setting, so the output has it from the journal only.
CRASH = {"name": "crash", "files": {"src": os.path.join(os.path.dirname(__file__), "..", "files", "crash")},
         "command": ["/opt/temporal-workers/crash/app/run.sh"]}


# A secret of orders alone (its secrets file, nothing in its unit), given in the crash check's run.
ORDERS_SECRET = {"GREETER_SIGNING_KEY": "tops-marker-orders-secret-3f9a"}


def test_a_worker_that_crashes_on_start_fails_the_play_with_its_journal(present, tmp_path):
    """The health gate: the crashing worker is named with the end of its journal; billing and
    reports (as the check before left it) keep their PIDs. In the same run orders gets a new
    secret, which changes its secrets file alone: it restarts with it. Crash stays for the next
    check, which removes it (and puts orders' settings back)."""
    pids = {name: wait_polling(present, name) for name in QUEUES}
    rc, output = apply(tmp_path, present, temporal_worker_health_timeout=8, temporal_worker_instances=[
        worker("billing"), TUNED_REPORTS, worker("orders", secret_environment=ORDERS_SECRET), CRASH])
    assert rc != 0
    assert "Worker crash (temporal-worker@crash.service) did not poll its task queue crash" in output, output[-3000:]
    assert "tops-crash-42: no such module" in output.split("Its journal ends:", 1)[-1], output[-3000:]
    assert present.file("/opt/temporal-workers/crash/app/run.sh").mode == 0o755
    for name in ("billing", "reports"):
        assert main_pid(present, unit(name)).strip() == pids[name], name
    assert wait_polling(present, "orders") != pids["orders"]
    assert "GREETER_SIGNING_KEY=%s" % ORDERS_SECRET["GREETER_SIGNING_KEY"] in environment(present, "orders")
    assert ORDERS_SECRET["GREETER_SIGNING_KEY"] not in present.file(dropin("orders")).content_string
    assert ORDERS_SECRET["GREETER_SIGNING_KEY"] not in output


# Reports names itself as runtimes on Temporal's Rust core do (<name>@<task queue>): the example
# reads TEMPORAL_WORKER_IDENTITY, and the role's health gate is told it.
IDENTITY = "reports@%s" % QUEUES["reports"]
IDENTIFIED_REPORTS = dict(TUNED_REPORTS, identity=IDENTITY,
                          environment=dict(worker("reports").get("environment") or {}, TEMPORAL_WORKER_IDENTITY=IDENTITY))
# On the worker host, while the run goes, as a worker that crashes on a frontend not ready yet
# and that systemd brings back: the process the role starts is stopped at once; once the gate
# asks about reports' queue (finding the unit down) it is started again, and the gate must ask
# again (it did not pass on what it saw before). The [e] keeps pgrep off this script's own
# command line.
RESTART_DURING_GATE = r"""
armed() { [ -e %(out)s.armed ] || exit 0; }
asking() { pgrep -f 'task-queue describ[e] --task-queue %(queue)s' | sort; }
main_pid() { systemctl show -p MainPID --value %(unit)s; }
old=$(main_pid)
end=$((SECONDS + 240))
while [ $SECONDS -lt $end ]; do armed; pid=$(main_pid); [ "$pid" != 0 ] && [ "$pid" != "$old" ] && break; sleep 0.05; done
[ $SECONDS -lt $end ] || exit 0
echo "$pid" > %(out)s.started-by-role
systemctl stop %(unit)s && echo stopped >> %(out)s
while [ $SECONDS -lt $end ]; do armed; seen=$(asking); [ -n "$seen" ] && break; sleep 0.02; done
systemctl start %(unit)s && echo started >> %(out)s
while [ $SECONDS -lt $end ]; do
  armed
  if [ -n "$(comm -13 <(echo "$seen") <(asking))" ]; then echo asked-after >> %(out)s; exit 0; fi
  sleep 0.02
done
"""


def test_a_worker_with_its_own_identity_passes_the_gate_through_a_restart(present, tmp_path):
    """Reports gets its own identity (the role restarts it), and that process is stopped by hand
    and started again while the gate waits: the gate follows the new process and the play
    passes; the queue's poller and the activity's worker are that identity. Crash (of the check
    before) leaves the list here; the next check finds it gone. Orders gets its settings back."""
    billing = wait_polling(present, "billing")
    out = "/run/temporalops-gate-restart"
    present.run("rm -f %s %s.started-by-role" % (out, out))
    script = RESTART_DURING_GATE % {"queue": QUEUES["reports"], "unit": unit("reports"), "out": out}
    # The script runs while OUT.armed exists: a run that fails early leaves no hand behind.
    present.check_output("touch %s.armed && setsid -f bash -c %s >/dev/null 2>&1" % (out, shell_quote(script)))
    try:
        rc, output = apply(tmp_path, present, temporal_worker_instances=[worker("billing"), IDENTIFIED_REPORTS, worker("orders")])
    finally:
        present.run("rm -f %s.armed" % out)
    assert rc == 0, output[-3000:]
    # The hand stopped what the role started, started it while the gate asked, and the gate
    # asked again after that.
    assert present.file(out).content_string.split() == ["stopped", "started", "asked-after"], present.run("cat %s" % out).stdout
    started_by_role = present.file(out + ".started-by-role").content_string.strip()
    now = main_pid(present, unit("reports")).strip()
    assert now not in ("0", started_by_role)
    identities = [p["identity"] for p in pollers(present, QUEUES["reports"])]
    assert IDENTITY in identities and not [i for i in identities if i.startswith(now + "@")], identities
    workflow_id = start_greet(present, QUEUES["reports"], name="Ivy")
    assert result(present, workflow_id)["task_queue"] == QUEUES["reports"]
    ran_by = [e["activityTaskStartedEventAttributes"]["identity"] for e in history(present, workflow_id)
              if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_STARTED"]
    assert ran_by == [IDENTITY], ran_by
    assert main_pid(present, unit("billing")).strip() == billing


def test_workers_dropped_or_absent_are_removed_and_the_other_runs_on(present, tmp_path):
    """Reports goes by state: absent (whatever its settings: the checks before leave it tuned,
    with its own identity), crash by leaving the list (the check before left it out); billing
    runs on. A run of the configure phase alone, which removes their files, stops them first:
    no later run would find them. The scenario's list brings reports back as the inventory has it."""
    pid = wait_polling(present, "billing")
    workers = [worker("billing"), worker("reports", state="absent"), worker("orders")]
    rc, output = apply(tmp_path, present, args=["--tags", "temporal_configure"], temporal_worker_instances=workers)
    assert rc == 0, output[-3000:]
    for name in ("reports", "crash"):
        assert present.run("systemctl is-active %s" % unit(name)).stdout.strip() != "active"
        for path in ("/etc/systemd/system/temporal-worker@%s.service.d", "/etc/temporal-worker/%s.env",
                     "/etc/temporal-worker/%s.toml", "/opt/temporal/workers/%s", "/opt/temporal-workers/%s"):
            assert not present.file(path % name).exists, path % name
    assert main_pid(present, unit("billing")).strip() == pid
    rc, output = apply(tmp_path, present)  # the scenario's workers again
    assert rc == 0, output[-3000:]
    wait_polling(present, "reports")
    assert main_pid(present, unit("billing")).strip() == pid


def test_every_worker_is_hardened_as_the_dev_server_at_least(present):
    # ProcSubset stays whole: the SDKs' cores read /proc/meminfo; workers talk TCP and UNIX only.
    # Every temporal unit of both hosts: the workers, and the dev server they poll.
    scores = dict(assert_every_unit_hardened(present), **assert_every_unit_hardened(DEV_HOST))
    assert {unit(name) + ".service" for name in QUEUES} | {"temporal-dev-server.service"} <= set(scores), scores
    for name in QUEUES:
        assert scores[unit(name) + ".service"] <= scores["temporal-dev-server.service"], (name, scores)
