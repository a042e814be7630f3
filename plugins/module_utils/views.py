# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The CLI's JSON, reduced to flat dicts the modules return and compare.

Shared by a module and its _info sibling so both return the same shape.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.durations import parse_duration
from ansible_collections.temporalops.temporal.plugins.module_utils.payloads import decode_fields, parse_json_values

ARCHIVAL_STATES = {'ARCHIVAL_STATE_ENABLED': 'enabled', 'ARCHIVAL_STATE_DISABLED': 'disabled'}
STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_'


def namespace_view(raw):
    """`operator namespace describe` output, reduced to what the namespace module manages."""
    info = raw.get('namespaceInfo', {})
    config = raw.get('config', {})
    return dict(
        name=info.get('name'),
        id=info.get('id'),
        state=info.get('state'),
        description=info.get('description', ''),
        owner_email=info.get('ownerEmail', ''),
        retention=parse_duration(config.get('workflowExecutionRetentionTtl', '0s')),
        data=parse_json_values(info.get('data')),
        history_archival_state=ARCHIVAL_STATES.get(config.get('historyArchivalState'), 'disabled'),
        history_archival_uri=config.get('historyArchivalUri', ''),
        visibility_archival_state=ARCHIVAL_STATES.get(config.get('visibilityArchivalState'), 'disabled'),
        visibility_archival_uri=config.get('visibilityArchivalUri', ''),
    )


def workflow_status(info):
    """'running', 'completed', ... from WORKFLOW_EXECUTION_STATUS_RUNNING, ..."""
    return (info.get('status') or '').replace(STATUS_PREFIX, '').lower()


def workflow_view(raw):
    """`workflow describe` output (or one `workflow list` item), flattened."""
    info = raw.get('workflowExecutionInfo', raw)
    execution = info.get('execution', {})
    return dict(
        workflow_id=execution.get('workflowId'),
        run_id=execution.get('runId'),
        workflow_type=(info.get('type') or {}).get('name'),
        task_queue=info.get('taskQueue'),
        status=workflow_status(info),
        start_time=info.get('startTime'),
        close_time=info.get('closeTime'),
        history_length=int(info.get('historyLength', 0) or 0),
        cancel_requested=bool((raw.get('workflowExtendedInfo') or {}).get('cancelRequested', False)),
        memo=decode_fields(info.get('memo')),
        search_attributes=decode_fields(info.get('searchAttributes')),
        pending_activities=[
            dict(activity_id=a.get('activityId'), activity_type=(a.get('activityType') or {}).get('name'),
                 state=a.get('state'), attempt=a.get('attempt'))
            for a in raw.get('pendingActivities') or []
        ],
    )
