"""Load for the cluster drills: many Greet workflows (a timer, then an activity) of the example Go
worker, started and awaited through the balancer with the Python SDK (which retries what a
moving cluster returns, as users' clients do), and what their histories say of the wait.

run_load() starts the workflows, calls during() while they run, then waits for every result
and reads every history: how long it all took, whether the server holds each workflow as
completed, and the longest schedule-to-start of a task (workflow or activity), which is how
long a task waited for a worker while the cluster moved.

Awaiting a result is a long poll of the history. When the history host behind it dies, the
frontend answers DEADLINE_EXCEEDED, or UNAVAILABLE until the ring drops that host (longer
than the SDK's own retries last), or the balancer cuts the stream (CANCELLED): a client that
waits for a result polls again. With repoll=True the drill does so and counts it
(result_polls_repeated); without it, such an answer is a failure. Either way, whether each
workflow completed is what the server holds.
"""

import asyncio
import os
import subprocess
import time

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from conftest import operator_tls_config

SCHEDULED_STARTED = (
    (EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    (EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED),
)


def longest_schedule_to_start(history):
    """Seconds of the longest wait between a task's scheduling and its start in one history."""
    longest, scheduled = 0.0, {}
    for event in history.events:
        for scheduled_type, started_type in SCHEDULED_STARTED:
            if event.event_type == scheduled_type:
                scheduled[event.event_id] = event.event_time.ToDatetime()
            elif event.event_type == started_type:
                attributes = (event.workflow_task_started_event_attributes
                              if started_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
                              else event.activity_task_started_event_attributes)
                began = scheduled.get(attributes.scheduled_event_id)
                if began is not None:
                    longest = max(longest, (event.event_time.ToDatetime() - began).total_seconds())
    return longest


POLL_CUT = (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.UNAVAILABLE, RPCStatusCode.CANCELLED)


async def _result(handle, repoll, repeated):
    while True:
        try:
            return await handle.result()
        except RPCError as err:
            if not repoll or err.status not in POLL_CUT:
                raise
            repeated.append(err.status.name)


async def _run(address, namespace, queue, count, wait_seconds, during, timeout, repoll):
    client = await Client.connect(address, namespace=namespace, tls=operator_tls_config(), api_key=os.environ["TEMPORAL_API_KEY"])
    prefix = "drill-%d" % int(time.time() * 1000)
    started = time.monotonic()
    handles = await asyncio.gather(*[
        client.start_workflow("Greet", args=["n%d" % i, wait_seconds, 0.2], id="%s-%d" % (prefix, i), task_queue=queue)
        for i in range(count)])
    figures = await asyncio.get_running_loop().run_in_executor(None, during) or {}
    repeated = []
    results = await asyncio.wait_for(asyncio.gather(*[_result(handle, repoll, repeated) for handle in handles],
                                                    return_exceptions=True), timeout)
    figures["seconds_to_complete"] = round(time.monotonic() - started, 1)
    figures["failed"] = [repr(result) for result in results if isinstance(result, BaseException)]
    figures["result_polls_repeated"] = len(repeated)
    histories = await asyncio.gather(*[handle.fetch_history() for handle in handles])
    figures["longest_schedule_to_start"] = round(max(longest_schedule_to_start(h) for h in histories), 1)
    # What the server holds, not what the client saw.
    described = await asyncio.gather(*[handle.describe() for handle in handles])
    figures["completed"] = sum(1 for d in described if d.status == WorkflowExecutionStatus.COMPLETED)
    return figures


def run_load(address, namespace, queue, count, during, wait_seconds=5.0, timeout=300, repoll=False):
    """Figures of COUNT workflows started through ADDRESS with DURING() run while they run."""
    return asyncio.run(_run(address, namespace, queue, count, wait_seconds, during, timeout, repoll))


SAMPLER = "temporalops-unit-sampler"


def start_sampling(containers, unit, interval=0.2):
    """Record UNIT's state on each container every INTERVAL seconds (inside it, so that the
    samples do not wait for the test's own round trips) until stop_sampling()."""
    loop = ": %s; while :; do echo \"$(date +%%s.%%N) $(systemctl is-active %s)\"; sleep %s; done >/root/%s.log" % (
        SAMPLER, unit, interval, SAMPLER)
    for name in containers:
        subprocess.run(["docker", "exec", "-d", name, "sh", "-c", loop], check=True)


def stop_sampling(containers):
    """{container: [(time, state)]} of what start_sampling() recorded."""
    samples = {}
    for name in containers:
        subprocess.run(["docker", "exec", name, "pkill", "-f", SAMPLER], check=False)
        text = subprocess.run(["docker", "exec", name, "cat", "/root/%s.log" % SAMPLER], capture_output=True,
                              text=True, check=True).stdout
        samples[name] = [(float(line.split()[0]), line.split()[1]) for line in text.splitlines() if len(line.split()) == 2]
    return samples


def most_down_at_once(samples):
    """The most containers whose unit was not active at the same moment, and who they were."""
    latest, most, who = {}, 0, []
    for when, name, state in sorted((when, name, state) for name, seen in samples.items() for when, state in seen):
        latest[name] = state
        down = sorted(n for n, s in latest.items() if s != "active")
        if len(down) > most:
            most, who = len(down), down
    return most, who
