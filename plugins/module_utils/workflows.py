# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading workflow executions, shared by the workflow, workflow_info and activity modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.views import workflow_view

STATUSES = ['running', 'completed', 'failed', 'canceled', 'terminated', 'continued_as_new', 'timed_out']


def execution_args(workflow_id, run_id=None):
    args = ['--workflow-id', workflow_id]
    if run_id:
        args.extend(['--run-id', run_id])
    return args


def describe(cli, workflow_id, run_id=None, missing_ok=True):
    """The execution as workflow_view(), or None when there is none with that ID."""
    raw = cli.run(['workflow', 'describe'] + execution_args(workflow_id, run_id), missing_ok=missing_ok)
    return workflow_view(raw) if raw is not None else None


def wait_for_result(cli, workflow_id, run_id, timeout):
    """Block until the execution closes (at most timeout seconds); {status, result, failure}.

    `workflow result` exits non-zero when the workflow did not complete but still prints the
    close event, so a failed workflow is an answer here, not an error.
    """
    args = ['workflow', 'result'] + execution_args(workflow_id, run_id)
    rc, stdout, stderr, _argv = cli.execute(args, timeout=timeout)
    closed = cli.parse(stdout, args) if stdout.strip() else None
    if not isinstance(closed, dict) or 'status' not in closed:
        cli.module.fail_json(
            msg='Workflow %s did not close within %ss (%s, namespace %s): %s' % (
                workflow_id, timeout, cli.params['address'], cli.params['namespace'],
                (stderr or stdout).strip() or 'no output'),
            rc=rc)
    close_event = closed.get('closeEvent') or {}
    failure = None
    for key, value in close_event.items():
        if key.endswith('EventAttributes') and isinstance(value, dict) and 'failure' in value:
            failure = value['failure']
    return dict(status=closed['status'].lower(), result=closed.get('result'), failure=failure)
