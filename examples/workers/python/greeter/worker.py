"""The example worker: `python -m greeter.worker`.

Workflow Greet(name, wait_seconds=0, work_seconds=0):
  1. runs the activity compose_greeting (retried up to 3 times; it sleeps work_seconds first,
     so a test can stop the worker while it runs);
  2. waits up to wait_seconds for the signal "approve" (a note to add);
  3. returns {"greeting": ..., "approved": ..., "note": ..., "task_queue": ...}.
The query "status" tells where it is.

On SIGTERM (systemctl stop) it stops polling and lets running activities finish, for up to
TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT seconds, before it exits. The Python SDK installs no
signal handler of its own.
"""

import asyncio
import logging
import signal
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.envconfig import ClientConfig
from temporalio.worker import Worker

from greeter.settings import task_queue, worker_options

LOG = logging.getLogger("greeter")


@activity.defn
async def compose_greeting(name: str, work_seconds: float) -> str:
    LOG.info("composing a greeting for %s (%ss of work)", name, work_seconds)
    await asyncio.sleep(work_seconds)
    return "Hello, %s! (from %s)" % (name, activity.info().task_queue)


@workflow.defn
class Greet:
    def __init__(self) -> None:
        self._status = "started"
        self._note = None

    @workflow.signal
    def approve(self, note: str) -> None:
        self._note = note

    @workflow.query
    def status(self) -> str:
        return self._status

    @workflow.run
    async def run(self, name: str, wait_seconds: float = 0, work_seconds: float = 0) -> dict:
        self._status = "composing"
        greeting = await workflow.execute_activity(
            compose_greeting, args=[name, work_seconds],
            start_to_close_timeout=timedelta(seconds=work_seconds + 30),
            retry_policy=RetryPolicy(maximum_attempts=3, initial_interval=timedelta(seconds=1)))
        self._status = "waiting for approval"
        try:
            await workflow.wait_condition(lambda: self._note is not None, timeout=timedelta(seconds=wait_seconds))
        except asyncio.TimeoutError:
            pass
        self._status = "done"
        return {"greeting": greeting, "approved": self._note is not None, "note": self._note,
                "task_queue": workflow.info().task_queue}


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    client = await Client.connect(**ClientConfig.load_client_connect_config())
    queue = task_queue()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with Worker(client, task_queue=queue, workflows=[Greet], activities=[compose_greeting],
                      **worker_options()):
        LOG.info("polling task queue %s in namespace %s", queue, client.namespace)
        await stop.wait()
        LOG.info("stopping: no new tasks; running activities may finish")
    LOG.info("stopped")


if __name__ == "__main__":
    asyncio.run(main())
