#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: activity
short_description: Complete or fail a pending Temporal activity from outside
version_added: 0.1.0
description:
  - Completes or fails an activity that waits for asynchronous completion, for example a manual
    approval step.
  - Reads the workflow's pending activities first; an activity that is no longer pending (already
    completed, failed or timed out) means no change.
author:
  - temporalops maintainers (@temporalops)
options:
  workflow_id:
    description:
      - Workflow ID of the execution the activity belongs to.
    type: str
    required: true
  run_id:
    description:
      - Run of the execution. Default is the latest run.
    type: str
  activity_id:
    description:
      - ID of the activity.
    type: str
    required: true
  state:
    description:
      - V(completed) completes the activity with O(result); V(failed) fails it with O(reason).
    type: str
    choices: [completed, failed]
    default: completed
  result:
    description:
      - Result of the activity, any YAML value, with O(state=completed).
      - The CLI takes it on its command line, so do not put secrets in it.
    type: raw
  reason:
    description:
      - Failure message, with O(state=failed).
    type: str
    default: Failed by Ansible
  detail:
    description:
      - Failure details, any YAML value, with O(state=failed).
    type: raw
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes.ACTION_NO_DIFF
'''

EXAMPLES = r'''
- name: Approve the release
  temporalops.temporal.activity:
    address: 127.0.0.1:7233
    workflow_id: release-4.2
    activity_id: approval
    result:
      approved_by: ops
      ticket: CHG-1234

- name: Reject it
  temporalops.temporal.activity:
    address: 127.0.0.1:7233
    workflow_id: release-4.3
    activity_id: approval
    state: failed
    reason: change window closed
    detail: {ticket: CHG-1235}
'''

RETURN = r'''
activity:
  description: The pending activity as read before acting; empty when it was not pending.
  returned: success
  type: dict
  sample: {"activity_id": "approval", "activity_type": "WaitForApproval", "state": "PENDING_ACTIVITY_STATE_STARTED",
           "attempt": 1}
workflow:
  description: The execution the activity belongs to, as read before acting.
  returned: success
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.payloads import json_text
from ansible_collections.temporalops.temporal.plugins.module_utils.workflows import describe, execution_args


def write_args(module):
    p = module.params
    target = execution_args(p['workflow_id'], p['run_id']) + ['--activity-id', p['activity_id']]
    if p['state'] == 'completed':
        return ['activity', 'complete'] + target + ['--result', json_text(p['result'])]
    args = ['activity', 'fail'] + target + ['--reason', p['reason']]
    if p['detail'] is not None:
        args.extend(['--detail', json_text(p['detail'])])
    return args


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            workflow_id=dict(type='str', required=True),
            run_id=dict(type='str'),
            activity_id=dict(type='str', required=True),
            state=dict(type='str', default='completed', choices=['completed', 'failed']),
            result=dict(type='raw'),
            reason=dict(type='str', default='Failed by Ansible'),
            detail=dict(type='raw'),
        ),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    p = module.params
    workflow = describe(cli, p['workflow_id'], p['run_id'], missing_ok=False)
    pending = [a for a in workflow['pending_activities'] if a['activity_id'] == p['activity_id']]
    if pending and not module.check_mode:
        cli.run(write_args(module), parse=False)
    module.exit_json(changed=bool(pending), activity=pending[0] if pending else {}, workflow=workflow)


if __name__ == '__main__':
    main()
