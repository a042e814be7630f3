#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: task_queue_info
short_description: Pollers and backlog of a Temporal task queue
version_added: 0.1.0
description:
  - Shows which workers poll a task queue, per task queue type, with the time each last polled,
    and the backlog statistics of the queue.
  - Handy after deploying workers, to check they are connected.
author:
  - temporalops maintainers (@temporalops)
options:
  task_queue:
    description:
      - Name of the task queue.
    type: str
    required: true
  task_queue_type:
    description:
      - Only this type of task queue. Default is all types.
    type: str
    choices: [workflow, activity, nexus]
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Who polls the billing queue
  temporalops.temporal.task_queue_info:
    address: 127.0.0.1:7233
    task_queue: billing
  register: billing

- name: Fail when no worker polls for workflow tasks
  ansible.builtin.assert:
    that: billing.pollers | selectattr('task_queue_type', 'equalto', 'workflow') | list | length > 0
    fail_msg: no worker polls the billing task queue
'''

RETURN = r'''
pollers:
  description: Workers that polled the task queue recently.
  returned: success
  type: list
  elements: dict
  contains:
    identity:
      description: Identity of the worker.
      type: str
      sample: 12725@worker-1
    task_queue_type:
      description: Type of task queue it polls.
      type: str
      sample: workflow
    last_access_time:
      description: When it last polled (RFC 3339).
      type: str
      sample: "2026-11-23T17:34:59.852862841Z"
    rate_per_second:
      description: Rate limit the worker asked for.
      type: float
      sample: 100000
    build_id:
      description: Build ID of the worker (V(UNVERSIONED) without worker versioning).
      type: str
      sample: UNVERSIONED
pollers_by_type:
  description: Number of pollers per task queue type.
  returned: success
  type: dict
  sample: {"workflow": 1, "activity": 1}
stats:
  description: Backlog statistics per task queue type, as the CLI prints them.
  returned: success
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec


def poller_view(raw):
    return dict(
        identity=raw.get('identity'),
        task_queue_type=raw.get('taskQueueType'),
        last_access_time=raw.get('lastAccessTime'),
        rate_per_second=raw.get('ratePerSecond'),
        build_id=raw.get('buildId'),
    )


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            task_queue=dict(type='str', required=True),
            task_queue_type=dict(type='str', choices=['workflow', 'activity', 'nexus']),
        ),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    args = ['task-queue', 'describe', '--task-queue', module.params['task_queue']]
    if module.params['task_queue_type']:
        args.extend(['--task-queue-type', module.params['task_queue_type']])
    described = cli.run(args)
    pollers = [poller_view(p) for p in described.get('pollers') or []]
    by_type = {}
    for poller in pollers:
        by_type[poller['task_queue_type']] = by_type.get(poller['task_queue_type'], 0) + 1
    module.exit_json(changed=False, pollers=pollers, pollers_by_type=by_type, stats=described.get('stats') or [])


if __name__ == '__main__':
    main()
