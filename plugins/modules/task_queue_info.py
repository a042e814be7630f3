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
  wait_for_poller:
    description:
      - Wait until the worker of this systemd unit, on the host the module runs on, polls the task queue, for at most
        O(wait_timeout); fail with the reason when it does not (the unit is not active, no poller has its identity, or
        the only one polled before the unit's process started).
      - A poller counts when the unit is active, the poller's last access is not older than the unit's main process,
        and its identity is the worker's. The unit is read again on every try, so a worker that systemd restarts
        during the wait is judged by its new process.
      - The clocks of this host and the Temporal server must agree (NTP), since the last access is the server's time.
    type: dict
    suboptions:
      unit:
        description: The systemd unit that runs the worker, such as C(temporal-worker@billing.service).
        type: str
        required: true
      identity:
        description:
          - The identity the worker gives itself (its SDK's C(identity) option), matched exactly.
          - Without O(wait_for_poller.identity) or O(wait_for_poller.identity_pattern), the SDKs' default
            C(<pid>@<host>) of the unit's main process (the Go SDK appends C(@<task queue>)).
        type: str
      identity_pattern:
        description: A regular expression (Python's) that the worker's whole identity matches, such as C(billing-[0-9]+).
        type: str
  wait_timeout:
    description: How long O(wait_for_poller) waits, in seconds or as a duration such as V(2m).
    type: str
    default: 60s
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

- name: Wait until the worker of a unit polls, though it names itself
  temporalops.temporal.task_queue_info:
    address: 127.0.0.1:7233
    task_queue: billing
    wait_for_poller:
      unit: temporal-worker@billing.service
      identity_pattern: "billing@[0-9]+"
    wait_timeout: 2m

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
poller:
  description: The poller of the unit's worker that O(wait_for_poller) found, as in RV(pollers).
  returned: with O(wait_for_poller)
  type: dict
reason:
  description: Why the unit's worker did not count when O(wait_for_poller) gave up (the message says it too).
  returned: when O(wait_for_poller) fails
  type: str
  sample: "no poller has identity greeter@billing (pollers: none)"
unit:
  description:
    - The unit of O(wait_for_poller) when the poller was found, with C(active_state), C(main_pid), C(main_started)
      (seconds since the epoch) and C(restarts), as M(temporalops.temporal.host_info) describes units.
  returned: with O(wait_for_poller)
  type: dict
stats:
  description: Backlog statistics per task queue type, as the CLI prints them.
  returned: success
  type: list
  elements: dict
'''

import socket
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.pollers import find_poller, pattern_problem
from ansible_collections.temporalops.temporal.plugins.module_utils.systemd_show import describe_units

# Each describe while waiting gets this long, so one hung call cannot use up the wait.
PROBE_TIMEOUT = 5


def poller_view(raw):
    return dict(
        identity=raw.get('identity'),
        task_queue_type=raw.get('taskQueueType'),
        last_access_time=raw.get('lastAccessTime'),
        rate_per_second=raw.get('ratePerSecond'),
        build_id=raw.get('buildId'),
    )


def describe_args(params):
    args = ['task-queue', 'describe', '--task-queue', params['task_queue']]
    if params['task_queue_type']:
        args.extend(['--task-queue-type', params['task_queue_type']])
    return args


def wait_for_poller(module, cli):
    """Describe the queue and the unit until the unit's worker polls; the last description, the
    poller and the unit's state."""
    wanted = module.params['wait_for_poller']
    problem = pattern_problem(wanted['identity_pattern'] or '')
    if problem:
        module.fail_json(msg='wait_for_poller.identity_pattern %r %s.' % (wanted['identity_pattern'], problem))
    probe = TemporalCLI(module, fail_on_error=False)
    probe.timeout = min(PROBE_TIMEOUT, cli.timeout)
    hostname = socket.gethostname()
    seen = {'described': None, 'poller': None, 'unit': {}, 'why': 'not asked yet'}

    def try_once():
        seen['unit'] = unit = describe_units(module, [wanted['unit']])[wanted['unit']]
        if unit['main_started_monotonic']:
            # Exact, where main_started is whole seconds: a poll by the previous process in the
            # second of a restart is not taken for the new one's.
            unit['main_started'] = time.time() - time.monotonic() + unit['main_started_monotonic'] / 1e6
        described = probe.run(describe_args(module.params))
        if described is None:
            seen['why'] = 'the task queue could not be described: %s' % probe.last_error
            return False
        seen['described'] = described
        pollers = [poller_view(p) for p in described.get('pollers') or []]
        seen['poller'], seen['why'] = find_poller(pollers, seen['unit'], hostname, wanted['identity'], wanted['identity_pattern'])
        return seen['poller'] is not None

    timeout = cli.duration_param('wait_timeout')
    if not cli.poll(try_once, timeout):
        module.fail_json(msg='The worker of %s does not poll task queue %s (namespace %s at %s) after %ss: %s.' % (
            wanted['unit'], module.params['task_queue'], module.params['namespace'], module.params['address'], timeout,
            seen['why']), reason=seen['why'], unit=seen['unit'])
    return seen['described'], seen['poller'], seen['unit']


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            task_queue=dict(type='str', required=True),
            task_queue_type=dict(type='str', choices=['workflow', 'activity', 'nexus']),
            wait_for_poller=dict(type='dict', options=dict(
                unit=dict(type='str', required=True),
                identity=dict(type='str'),
                identity_pattern=dict(type='str'),
            ), mutually_exclusive=[['identity', 'identity_pattern']]),
            wait_timeout=dict(type='str', default='60s'),
        ),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    extra = {}
    if module.params['wait_for_poller']:
        described, extra['poller'], extra['unit'] = wait_for_poller(module, cli)
    else:
        described = cli.run(describe_args(module.params))
    pollers = [poller_view(p) for p in described.get('pollers') or []]
    by_type = {}
    for poller in pollers:
        by_type[poller['task_queue_type']] = by_type.get(poller['task_queue_type'], 0) + 1
    module.exit_json(changed=False, pollers=pollers, pollers_by_type=by_type, stats=described.get('stats') or [], **extra)


if __name__ == '__main__':
    main()
