#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: workflow
short_description: Start, signal, cancel, terminate or reset a Temporal workflow execution
version_added: 0.1.0
description:
  - Reads the execution with the given workflow ID, then acts only when needed.
  - V(started) is idempotent by workflow ID. A running execution with that ID means no change
    (unless O(id_conflict_policy=TerminateExisting)); a closed one is started again, subject to
    O(id_reuse_policy).
  - V(cancelled) and V(terminated) do nothing when the execution is already closed, already asked to
    cancel, or gone.
  - V(signaled) and V(reset) always act (a signal or a reset is an event, not a state) and fail when
    there is nothing to act on.
author:
  - temporalops maintainers (@temporalops)
options:
  workflow_id:
    description:
      - Workflow ID of the execution.
    type: str
    required: true
  run_id:
    description:
      - Run of the execution to act on. Default is the latest run.
      - Ignored by O(state=started).
    type: str
  state:
    description:
      - What should happen to the execution.
    type: str
    choices: [started, signaled, cancelled, terminated, reset]
    default: started
  workflow_type:
    description:
      - Workflow type to start. Required with O(state=started).
    type: str
  task_queue:
    description:
      - Task queue to start the workflow on. Required with O(state=started).
    type: str
  input:
    description:
      - Any YAML value, passed as the one argument of the workflow (O(state=started)) or of the
        signal (O(state=signaled)).
      - Sent to the CLI through a file, not its command line.
    type: raw
  memo:
    description:
      - Memo of the started workflow, key to any YAML value.
      - Passed on the CLI command line (unlike O(input)); keep secrets out of it.
    type: dict
    default: {}
  search_attributes:
    description:
      - Search attributes of the started workflow, name to value. The attributes must exist in the
        namespace (see M(temporalops.temporal.search_attribute)).
      - Passed on the CLI command line; keep secrets out of it.
    type: dict
    default: {}
  id_reuse_policy:
    description:
      - Whether a closed execution's workflow ID may be used again. Server default V(AllowDuplicate).
    type: str
    choices: [AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate, TerminateIfRunning]
  id_conflict_policy:
    description:
      - What to do when an execution with this ID is running.
      - Unset and V(UseExisting) and V(Fail) all leave a running execution alone (no change);
        V(TerminateExisting) terminates it and starts a new run on every run of the task.
    type: str
    choices: [Fail, UseExisting, TerminateExisting]
  execution_timeout:
    description:
      - Limit on the whole execution including retries and continue-as-new, for example V(1h).
    type: str
  run_timeout:
    description:
      - Limit on a single run, for example V(30m).
    type: str
  wait:
    description:
      - With O(state=started), wait for the execution to close and return its result.
      - A workflow that fails, is cancelled or terminated makes the task fail.
    type: bool
    default: false
  wait_timeout:
    description:
      - How long O(wait) waits, in seconds or as a duration such as V(5m).
    type: str
    default: 5m
  signal_name:
    description:
      - Name of the signal to send. Required with O(state=signaled).
    type: str
  reason:
    description:
      - Reason recorded with a termination or a reset.
    type: str
    default: Requested by Ansible
  reset_type:
    description:
      - With O(state=reset), the point to reset to. Either this or O(event_id).
    type: str
    choices: [FirstWorkflowTask, LastWorkflowTask, LastContinuedAsNew]
  event_id:
    description:
      - With O(state=reset), the event to reset to (a WorkflowTaskCompleted event or later).
    type: int
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes.ACTION_NO_DIFF
'''

EXAMPLES = r'''
- name: Start the monthly invoicing once
  temporalops.temporal.workflow:
    address: 127.0.0.1:7233
    namespace: default
    workflow_id: invoicing-2026-11
    workflow_type: InvoicingWorkflow
    task_queue: billing
    input:
      month: 2026-11
      dry_run: false
    memo:
      requested_by: ops
    id_reuse_policy: RejectDuplicate

- name: Tell it to finish
  temporalops.temporal.workflow:
    address: 127.0.0.1:7233
    workflow_id: invoicing-2026-11
    state: signaled
    signal_name: finish
    input: {approved: true}

- name: Stop it for good
  temporalops.temporal.workflow:
    address: 127.0.0.1:7233
    workflow_id: invoicing-2026-11
    state: terminated
    reason: superseded by invoicing-2026-11b
'''

RETURN = r'''
workflow:
  description: The execution the task acted on (as read before acting, with the new run after a start or reset).
  returned: success
  type: dict
  sample:
    workflow_id: invoicing-2026-11
    run_id: 01a20975-a363-73db-a63f-86b1748ecd31
    workflow_type: InvoicingWorkflow
    task_queue: billing
    status: running
run_id:
  description: Run the task acted on or started.
  returned: success
  type: str
  sample: 01a20975-a363-73db-a63f-86b1748ecd31
result:
  description: Result of the workflow, with O(wait).
  returned: when O(wait) is true and the workflow completed
  type: raw
  sample: {"invoices": 42}
status:
  description: Final status with O(wait) (V(completed), V(failed), ...), else the status read before acting.
  returned: success
  type: str
  sample: completed
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.durations import format_duration
from ansible_collections.temporalops.temporal.plugins.module_utils.payloads import key_value_flags
from ansible_collections.temporalops.temporal.plugins.module_utils.workflows import (
    describe,
    execution_args,
    wait_for_result,
)


def input_args(module, cli):
    if module.params['input'] is None:
        return []
    return ['--input-file', cli.payload_file(module.params['input'])]


def start_args(module, cli):
    p = module.params
    args = ['workflow', 'start', '--workflow-id', p['workflow_id'], '--type', p['workflow_type'],
            '--task-queue', p['task_queue']]
    args += input_args(module, cli)
    args += key_value_flags('--memo', p['memo']) + key_value_flags('--search-attribute', p['search_attributes'])
    for option, flag in (('id_reuse_policy', '--id-reuse-policy'), ('id_conflict_policy', '--id-conflict-policy')):
        if p[option]:
            args.extend([flag, p[option]])
    for option, flag in (('execution_timeout', '--execution-timeout'), ('run_timeout', '--run-timeout')):
        if p[option]:
            args.extend([flag, format_duration(cli.duration_param(option))])
    return args


# Statuses AllowDuplicateFailedOnly lets a new run start after.
UNSUCCESSFUL = ('failed', 'canceled', 'terminated', 'timed_out')


def reuse_allowed(policy, status):
    """Whether the server will start a new run after a closed one with this status."""
    if policy == 'RejectDuplicate':
        return False
    if policy == 'AllowDuplicateFailedOnly':
        return status in UNSUCCESSFUL
    return True


def started(module, cli, current):
    p = module.params
    if current and current['status'] == 'running' and p['id_conflict_policy'] != 'TerminateExisting':
        return False, current
    if current and current['status'] != 'running' and not reuse_allowed(p['id_reuse_policy'], current['status']):
        return False, current
    if module.check_mode:
        return True, dict(workflow_id=p['workflow_id'], run_id=None, status='running')
    new = cli.run(start_args(module, cli))
    if current and new.get('runId') == current['run_id']:
        # The CLI hands back the existing run when the server refuses to start one.
        return False, current
    return True, dict(workflow_id=p['workflow_id'], run_id=new.get('runId'), workflow_type=p['workflow_type'],
                      task_queue=p['task_queue'], status='running')


def signaled(module, cli, current):
    p = module.params
    if not current or current['status'] != 'running':
        module.fail_json(msg='Cannot signal workflow %s: %s.' % (
            p['workflow_id'], 'it is %s' % current['status'] if current else 'no such workflow'))
    if not module.check_mode:
        cli.run(['workflow', 'signal', '--name', p['signal_name']] + execution_args(p['workflow_id'], p['run_id'])
                + input_args(module, cli), parse=False)
    return True, current


def cancelled(module, cli, current):
    if not current or current['status'] != 'running' or current['cancel_requested']:
        return False, current
    if not module.check_mode:
        cli.run(['workflow', 'cancel'] + execution_args(current['workflow_id'], module.params['run_id']), parse=False)
    return True, current


def terminated(module, cli, current):
    if not current or current['status'] != 'running':
        return False, current
    if not module.check_mode:
        cli.run(['workflow', 'terminate', '--reason', module.params['reason']]
                + execution_args(current['workflow_id'], module.params['run_id']), parse=False)
    return True, current


def reset(module, cli, current):
    p = module.params
    if not current:
        module.fail_json(msg='Cannot reset workflow %s: no such workflow.' % p['workflow_id'])
    if module.check_mode:
        return True, current
    target = ['--type', p['reset_type']] if p['reset_type'] else ['--event-id', str(p['event_id'])]
    new = cli.run(['workflow', 'reset', '--reason', p['reason']] + execution_args(p['workflow_id'], p['run_id'])
                  + target)
    return True, dict(current, run_id=new.get('runId'), status='running')


ACTIONS = dict(started=started, signaled=signaled, cancelled=cancelled, terminated=terminated, reset=reset)


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            workflow_id=dict(type='str', required=True),
            run_id=dict(type='str'),
            state=dict(type='str', default='started', choices=list(ACTIONS)),
            workflow_type=dict(type='str'),
            task_queue=dict(type='str'),
            input=dict(type='raw'),
            memo=dict(type='dict', default={}),
            search_attributes=dict(type='dict', default={}),
            id_reuse_policy=dict(type='str', choices=[
                'AllowDuplicate', 'AllowDuplicateFailedOnly', 'RejectDuplicate', 'TerminateIfRunning']),
            id_conflict_policy=dict(type='str', choices=['Fail', 'UseExisting', 'TerminateExisting']),
            execution_timeout=dict(type='str'),
            run_timeout=dict(type='str'),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='str', default='5m'),
            signal_name=dict(type='str'),
            reason=dict(type='str', default='Requested by Ansible'),
            reset_type=dict(type='str', choices=['FirstWorkflowTask', 'LastWorkflowTask', 'LastContinuedAsNew']),
            event_id=dict(type='int'),
        ),
        required_if=[
            ('state', 'started', ['workflow_type', 'task_queue']),
            ('state', 'signaled', ['signal_name']),
            ('state', 'reset', ['reset_type', 'event_id'], True),
        ],
        mutually_exclusive=[('reset_type', 'event_id')],
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    for option in ('execution_timeout', 'run_timeout', 'wait_timeout'):
        if module.params[option] is not None:
            cli.duration_param(option)  # reject bad durations before anything is read or written
    p = module.params
    current = describe(cli, p['workflow_id'], None if p['state'] == 'started' else p['run_id'])
    changed, workflow = ACTIONS[p['state']](module, cli, current)
    result = dict(changed=changed, workflow=workflow or {}, run_id=(workflow or {}).get('run_id'),
                  status=(workflow or {}).get('status'))
    if p['wait'] and p['state'] == 'started' and workflow.get('run_id'):
        closed = wait_for_result(cli, p['workflow_id'], workflow['run_id'], cli.duration_param('wait_timeout'))
        result.update(status=closed['status'], result=closed['result'])
        if closed['status'] != 'completed':
            module.fail_json(msg='Workflow %s %s.' % (p['workflow_id'], closed['status']),
                             failure=closed['failure'], **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
