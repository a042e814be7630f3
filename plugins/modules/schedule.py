#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: schedule
short_description: Create, update, pause or delete a Temporal schedule
version_added: 0.1.0
description:
  - Reads the schedule, compares its spec, action and policies with the task, and creates,
    updates (a full replacement, as the server requires), pauses/unpauses or deletes it only
    when they differ.
  - "Cron strings and calendar specs are compared in the compiled form the server keeps, so
    C(0 12 * * Mon-Fri) and C({hour: 12, dayOfWeek: Mon-Fri}) are the same schedule."
author:
  - temporalops maintainers (@temporalops)
options:
  schedule_id:
    description:
      - ID of the schedule.
    type: str
    required: true
  state:
    description:
      - V(present) makes the schedule exist and run (unpausing it if paused).
      - V(paused) makes it exist and be paused.
      - V(absent) deletes it. Workflows it already started keep running.
    type: str
    choices: [present, paused, absent]
    default: present
  cron:
    description:
      - Cron strings with five fields (minute hour day-of-month month day-of-week), or
        V(@hourly), V(@daily), V(@weekly), V(@monthly), V(@yearly).
      - Use O(time_zone) for the time zone, and O(interval) instead of V(@every).
    type: list
    elements: str
    default: []
  calendar:
    description:
      - Calendar specs, each a dict of V(second), V(minute), V(hour), V(dayOfMonth), V(month),
        V(year), V(dayOfWeek) (cron-style values such as V(9,17), V(Mon-Fri), V(*/15)) and V(comment).
      - Fields left out mean V(0) for second, minute and hour and "every" for the others.
    type: list
    elements: dict
    default: []
  interval:
    description:
      - Intervals such as V(90m), or V(1h/15m) for every hour at a 15 minute offset.
    type: list
    elements: str
    default: []
  time_zone:
    description:
      - Time zone for O(cron) and O(calendar), for example V(Europe/Paris). Default UTC.
    type: str
  workflow_type:
    description:
      - Workflow type the schedule starts. Required unless O(state=absent).
    type: str
  task_queue:
    description:
      - Task queue of the workflows. Required unless O(state=absent).
    type: str
  workflow_id:
    description:
      - Workflow ID prefix of the started workflows (the server appends the time).
      - When unset the CLI makes one up, and it is not compared.
    type: str
  input:
    description:
      - Input of the started workflows, any YAML value, passed as one JSON argument.
      - Sent to the CLI through a file, not its command line.
    type: raw
  memo:
    description:
      - Memo of the started workflows, key to any YAML value.
      - Passed on the CLI command line (unlike O(input)); keep secrets out of it.
    type: dict
    default: {}
  overlap_policy:
    description:
      - What to do when a run is due while the previous one is still running.
    type: str
    choices: [Skip, BufferOne, BufferAll, CancelOther, TerminateOther, AllowAll]
    default: Skip
  catchup_window:
    description:
      - How far back missed runs are caught up after an outage, for example V(10m).
      - When unset, the server default (one year) applies and it is not compared.
    type: str
  jitter:
    description:
      - Random delay up to this long added to each run time, for example V(30s).
    type: str
    default: 0s
  pause_reason:
    description:
      - Note recorded when the module pauses or unpauses the schedule.
    type: str
    default: Changed by Ansible
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes
'''

EXAMPLES = r'''
- name: Nightly report at 02:30 Paris time, plus a calendar run on Fridays 17:05
  temporalops.temporal.schedule:
    address: 127.0.0.1:7233
    schedule_id: nightly-report
    cron: ["30 2 * * *"]
    calendar:
      - dayOfWeek: Fri
        hour: 17
        minute: 5
    time_zone: Europe/Paris
    workflow_type: ReportWorkflow
    task_queue: reports
    workflow_id: nightly-report
    input:
      format: pdf
    memo:
      owner: finance
    overlap_policy: BufferOne
    catchup_window: 10m
    jitter: 30s

- name: Pause it during the migration
  temporalops.temporal.schedule:
    address: 127.0.0.1:7233
    schedule_id: nightly-report
    state: paused
    pause_reason: database migration
    cron: ["30 2 * * *"]
    calendar:
      - dayOfWeek: Fri
        hour: 17
        minute: 5
    time_zone: Europe/Paris
    workflow_type: ReportWorkflow
    task_queue: reports
    workflow_id: nightly-report
    input:
      format: pdf
    memo:
      owner: finance
    overlap_policy: BufferOne
    catchup_window: 10m
    jitter: 30s

- name: Remove it
  temporalops.temporal.schedule:
    address: 127.0.0.1:7233
    schedule_id: nightly-report
    state: absent
'''

RETURN = r'''
schedule:
  description:
    - The schedule after the task (predicted in check mode) in comparable form; empty when absent.
    - Calendars are lists of C([start, end, step]) ranges per field, intervals C([every, offset]) in
      seconds, durations in seconds.
  returned: success
  type: dict
  sample:
    schedule_id: nightly-report
    paused: false
    calendars: [{"second": [[0, 0, 1]], "minute": [[30, 30, 1]], "hour": [[2, 2, 1]], "dayOfMonth": [[1, 31, 1]],
                 "month": [[1, 12, 1]], "dayOfWeek": [[0, 6, 1]], "year": []}]
    intervals: []
    time_zone: Europe/Paris
    jitter: 30
    workflow_type: ReportWorkflow
    task_queue: reports
    workflow_id: nightly-report
    input: [{"format": "pdf"}]
    memo: {"owner": "finance"}
    overlap_policy: BufferOne
    catchup_window: 600
changes:
  description: Names of the fields that differed (or would differ).
  returned: success
  type: list
  elements: str
  sample: [paused]
'''

import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.durations import format_duration, parse_duration
from ansible_collections.temporalops.temporal.plugins.module_utils.payloads import (
    decode_fields,
    decode_payloads,
    json_text,
    key_value_flags,
)
from ansible_collections.temporalops.temporal.plugins.module_utils.schedule_spec import desired_spec, server_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.state import differences, exit_with_diff, merged

OVERLAP_POLICIES = ['Skip', 'BufferOne', 'BufferAll', 'CancelOther', 'TerminateOther', 'AllowAll']


def server_policy_name(policy):
    """SCHEDULE_OVERLAP_POLICY_BUFFER_ONE for BufferOne."""
    return 'SCHEDULE_OVERLAP_POLICY_' + re.sub(r'(?<!^)([A-Z])', r'_\1', policy).upper()


POLICY_FROM_SERVER = dict((server_policy_name(p), p) for p in OVERLAP_POLICIES)


def schedule_view(schedule_id, raw):
    """`schedule describe` output in the comparable form the module returns."""
    schedule = raw.get('schedule', {})
    spec = schedule.get('spec', {})
    action = (schedule.get('action') or {}).get('startWorkflow', {})
    policies = schedule.get('policies', {})
    view = dict(
        schedule_id=schedule_id,
        paused=bool((schedule.get('state') or {}).get('paused', False)),
        time_zone=spec.get('timezoneName', ''),
        jitter=parse_duration(spec.get('jitter', '0s')),
        workflow_type=(action.get('workflowType') or {}).get('name'),
        task_queue=(action.get('taskQueue') or {}).get('name'),
        workflow_id=action.get('workflowId'),
        input=decode_payloads(action.get('input')),
        memo=decode_fields(action.get('memo')),
        overlap_policy=POLICY_FROM_SERVER.get(policies.get('overlapPolicy'), 'Skip'),
        catchup_window=parse_duration(policies.get('catchupWindow', '0s')),
    )
    view.update(server_spec(spec))
    return view


def desired_view(module):
    """What the task asks for, in the same form; fails on bad input before anything is written."""
    p = module.params
    try:
        view = desired_spec(p['cron'], p['calendar'], p['interval'])
        view.update(
            jitter=parse_duration(p['jitter']),
            catchup_window=parse_duration(p['catchup_window']) if p['catchup_window'] is not None else None,
        )
    except ValueError as e:
        module.fail_json(msg='Schedule %s: %s' % (p['schedule_id'], e))
    if not (view['calendars'] or view['intervals']):
        module.fail_json(msg='Schedule %s needs at least one cron, calendar or interval.' % p['schedule_id'])
    view.update(
        schedule_id=p['schedule_id'],
        paused=p['state'] == 'paused',
        time_zone=p['time_zone'] or '',
        workflow_type=p['workflow_type'],
        task_queue=p['task_queue'],
        workflow_id=p['workflow_id'],
        input=[p['input']] if p['input'] is not None else [],
        memo=p['memo'],
        overlap_policy=p['overlap_policy'],
    )
    return view


def write_args(module, cli):
    """The whole schedule as flags: `schedule update` replaces everything it is given."""
    p = module.params
    args = ['--schedule-id', p['schedule_id'], '--type', p['workflow_type'], '--task-queue', p['task_queue']]
    for cron in p['cron']:
        args.extend(['--cron', cron])
    for calendar in p['calendar']:
        args.extend(['--calendar', json_text(dict((k, str(v)) for k, v in calendar.items()))])
    for interval in p['interval']:
        args.extend(['--interval', str(interval)])
    if p['time_zone']:
        args.extend(['--time-zone', p['time_zone']])
    if p['workflow_id']:
        args.extend(['--workflow-id', p['workflow_id']])
    if p['input'] is not None:
        args.extend(['--input-file', cli.payload_file(p['input'])])
    args.extend(key_value_flags('--memo', p['memo']))
    args.extend(['--overlap-policy', p['overlap_policy'], '--jitter', format_duration(parse_duration(p['jitter']))])
    if p['catchup_window'] is not None:
        args.extend(['--catchup-window', format_duration(parse_duration(p['catchup_window']))])
    if p['state'] == 'paused':
        args.extend(['--paused', '--notes', p['pause_reason']])
    return args


def apply(module, cli, current, changes):
    p = module.params
    if current is None:
        cli.run(['schedule', 'create'] + write_args(module, cli), parse=False)
    elif set(changes) == {'paused'}:
        toggle = '--pause' if p['state'] == 'paused' else '--unpause'
        cli.run(['schedule', 'toggle', '--schedule-id', p['schedule_id'], toggle, '--reason', p['pause_reason']],
                parse=False)
    else:
        cli.run(['schedule', 'update'] + write_args(module, cli), parse=False)


def ensure_absent(module, cli, current):
    if current is not None and not module.check_mode:
        cli.run(['schedule', 'delete', '--schedule-id', module.params['schedule_id']], parse=False)
    exit_with_diff(module, current is not None, current, {}, schedule={},
                   changes=['schedule'] if current is not None else [])


def ensure_present(module, cli, current, desired):
    """state=present or paused: create, toggle or update, whichever is the smallest write."""
    changes = sorted(differences(desired, current or {}))
    after = merged(current or {}, dict((k, v) for k, v in desired.items() if v is not None))
    if changes and not module.check_mode:
        apply(module, cli, current, changes)
    exit_with_diff(module, bool(changes), current, after, schedule=after, changes=changes)


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            schedule_id=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'paused', 'absent']),
            cron=dict(type='list', elements='str', default=[]),
            calendar=dict(type='list', elements='dict', default=[]),
            interval=dict(type='list', elements='str', default=[]),
            time_zone=dict(type='str'),
            workflow_type=dict(type='str'),
            task_queue=dict(type='str'),
            workflow_id=dict(type='str'),
            input=dict(type='raw'),
            memo=dict(type='dict', default={}),
            overlap_policy=dict(type='str', default='Skip', choices=OVERLAP_POLICIES),
            catchup_window=dict(type='str'),
            jitter=dict(type='str', default='0s'),
            pause_reason=dict(type='str', default='Changed by Ansible'),
        ),
        required_if=[
            ('state', 'present', ['workflow_type', 'task_queue']),
            ('state', 'paused', ['workflow_type', 'task_queue']),
        ],
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    schedule_id = module.params['schedule_id']
    desired = desired_view(module) if module.params['state'] != 'absent' else {}
    raw = cli.run(['schedule', 'describe', '--schedule-id', schedule_id], missing_ok=True)
    current = schedule_view(schedule_id, raw) if raw is not None else None

    if module.params['state'] == 'absent':
        ensure_absent(module, cli, current)
    else:
        ensure_present(module, cli, current, desired)


if __name__ == '__main__':
    main()
