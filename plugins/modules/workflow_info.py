#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: workflow_info
short_description: Describe, list, count or wait for Temporal workflow executions
version_added: 0.1.0
description:
  - With O(workflow_id), describes that execution, optionally with its event history, and can
    wait until it reaches one of some statuses.
  - Without it, lists executions matching a visibility query, or counts them with O(count).
author:
  - temporalops maintainers (@temporalops)
options:
  workflow_id:
    description:
      - Execution to describe. A workflow ID that does not exist gives an empty RV(workflow), not an error.
    type: str
  run_id:
    description:
      - Run to describe. Default is the latest run.
    type: str
  history:
    description:
      - With O(workflow_id), also return the event history.
    type: bool
    default: false
  wait_for:
    description:
      - With O(workflow_id), wait until the execution has one of these statuses, for at most
        O(wait_timeout); fail if it does not.
    type: list
    elements: str
    choices: [running, completed, failed, canceled, terminated, continued_as_new, timed_out]
    default: []
  wait_timeout:
    description:
      - How long O(wait_for) waits, in seconds or as a duration such as V(5m).
    type: str
    default: 5m
  query:
    description:
      - Visibility query for listing or counting, for example V(WorkflowType="Invoicing" AND ExecutionStatus="Running").
      - Without it, all executions of the namespace.
    type: str
  limit:
    description:
      - At most this many executions are listed.
    type: int
    default: 100
  count:
    description:
      - Count the executions matching O(query) instead of listing them.
    type: bool
    default: false
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Wait for the invoicing run to finish, whichever way
  temporalops.temporal.workflow_info:
    address: 127.0.0.1:7233
    workflow_id: invoicing-2026-11
    wait_for: [completed, failed, canceled, terminated, timed_out]
    wait_timeout: 10m
  register: invoicing

- name: Running invoicing workflows
  temporalops.temporal.workflow_info:
    address: 127.0.0.1:7233
    query: WorkflowType="InvoicingWorkflow" AND ExecutionStatus="Running"
  register: running

- name: How many failed today
  temporalops.temporal.workflow_info:
    address: 127.0.0.1:7233
    query: ExecutionStatus="Failed" AND CloseTime > "2026-11-23T00:00:00Z"
    count: true
  register: failed
'''

RETURN = r'''
workflow:
  description: The execution, with O(workflow_id); empty when there is none.
  returned: when O(workflow_id) is given
  type: dict
  sample:
    workflow_id: invoicing-2026-11
    run_id: 01a20975-a363-73db-a63f-86b1748ecd31
    workflow_type: InvoicingWorkflow
    task_queue: billing
    status: completed
    start_time: "2026-11-23T17:30:34.211253525Z"
    close_time: "2026-11-23T17:31:02.101253525Z"
    history_length: 11
    cancel_requested: false
    memo: {"requested_by": "ops"}
    search_attributes: {}
    pending_activities: []
history:
  description: Events of the execution, as the CLI prints them.
  returned: when O(history) is true and the execution exists
  type: list
  elements: dict
workflows:
  description: Executions matching O(query), newest first, in the shape of RV(workflow).
  returned: when listing
  type: list
  elements: dict
count:
  description: Number of executions matching O(query).
  returned: when O(count) is true
  type: int
  sample: 3
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.views import workflow_view
from ansible_collections.temporalops.temporal.plugins.module_utils.workflows import (
    STATUSES,
    describe,
    execution_args,
)


def wait_for_status(module, cli):
    p = module.params
    wanted = set(p['wait_for'])
    seen = {}

    def reached():
        seen['workflow'] = describe(cli, p['workflow_id'], p['run_id'])
        return seen['workflow'] is not None and seen['workflow']['status'] in wanted

    timeout = cli.duration_param('wait_timeout')
    if not cli.poll(reached, timeout):
        status = seen['workflow']['status'] if seen['workflow'] else 'not found'
        module.fail_json(msg='Workflow %s is %s, not %s, after %ss.' % (
            p['workflow_id'], status, ' or '.join(sorted(wanted)), timeout), workflow=seen['workflow'] or {})
    return seen['workflow']


def one_workflow(module, cli):
    p = module.params
    if p['wait_for']:
        workflow = wait_for_status(module, cli)
    else:
        workflow = describe(cli, p['workflow_id'], p['run_id'])
    result = dict(workflow=workflow or {})
    if p['history'] and workflow:
        shown = cli.run(['workflow', 'show'] + execution_args(p['workflow_id'], p['run_id']))
        result['history'] = shown.get('events', []) if isinstance(shown, dict) else shown
    return result


def query_args(module):
    return ['--query', module.params['query']] if module.params['query'] else []


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            workflow_id=dict(type='str'),
            run_id=dict(type='str'),
            history=dict(type='bool', default=False),
            wait_for=dict(type='list', elements='str', choices=STATUSES, default=[]),
            wait_timeout=dict(type='str', default='5m'),
            query=dict(type='str'),
            limit=dict(type='int', default=100),
            count=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('workflow_id', 'query'), ('workflow_id', 'count')],
        required_by=dict(run_id='workflow_id'),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    p = module.params
    if p['wait_for'] and not p['workflow_id']:
        module.fail_json(msg='wait_for needs workflow_id.')
    if p['workflow_id']:
        result = one_workflow(module, cli)
    elif p['count']:
        result = dict(count=int(cli.run(['workflow', 'count'] + query_args(module)).get('count', 0)))
    else:
        listed = cli.run(['workflow', 'list', '--limit', str(p['limit'])] + query_args(module))
        result = dict(workflows=[workflow_view(item) for item in listed or []])
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
