# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny Temporal worker for the modules' integration tests (Python SDK).

usage: python worker.py ADDRESS TASK_QUEUE [NAMESPACE]

Workflows:
  Echo(x)            returns {"echo": x} at once.
  WaitForFinish(x)   waits for the signal "finish" and returns {"input": x, "signal": <signal arg>}.
  AsyncActivity(x)   runs the activity "external" (or x["activity_id"]), which is completed or
                     failed from outside (temporalops.temporal.activity) and returns its result.
  ReportWorkflow(x)  returns {"report": x} at once (for playbooks/operate.yml).
"""

import asyncio
import os
import sys
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.service import TLSConfig
from temporalio.worker import Worker


@activity.defn(name='external')
async def external(_value):
    activity.raise_complete_async()


@workflow.defn(name='Echo')
class Echo:
    @workflow.run
    async def run(self, value=None):
        return {'echo': value}


@workflow.defn(name='ReportWorkflow')
class ReportWorkflow:
    @workflow.run
    async def run(self, value=None):
        return {'report': value}


@workflow.defn(name='WaitForFinish')
class WaitForFinish:
    def __init__(self):
        self.finish = None

    @workflow.signal(name='finish')
    def on_finish(self, value=None):
        self.finish = {'value': value}

    @workflow.run
    async def run(self, value=None):
        await workflow.wait_condition(lambda: self.finish is not None)
        return {'input': value, 'signal': self.finish['value']}


@workflow.defn(name='AsyncActivity')
class AsyncActivity:
    @workflow.run
    async def run(self, value=None):
        activity_id = value.get('activity_id', 'external') if isinstance(value, dict) else 'external'
        return await workflow.execute_activity(
            'external', value, activity_id=activity_id,
            start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RetryPolicy(maximum_attempts=1))


def tls_from_environment():
    """TLS when the caller names the files, by envconfig's variables; plaintext otherwise."""
    names = ('TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH')
    if not all(os.environ.get(name) for name in names):
        return False
    ca, cert, key = [open(os.environ[name], 'rb').read() for name in names]
    return TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key)


async def main(address, task_queue, namespace):
    client = await Client.connect(address, namespace=namespace, tls=tls_from_environment(),
                                  api_key=os.environ.get('TEMPORAL_API_KEY') or None)
    worker = Worker(client, task_queue=task_queue, workflows=[Echo, WaitForFinish, AsyncActivity, ReportWorkflow],
                    activities=[external])
    print('worker polling %s on %s' % (task_queue, address), flush=True)
    await worker.run()


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else 'default'))
