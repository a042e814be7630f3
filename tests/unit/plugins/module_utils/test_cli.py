# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import (
    classify_error,
    command_name,
    error_message,
)
from ansible_collections.temporalops.temporal.plugins.module_utils.payloads import decode_payload


# Error texts as the temporal CLI 1.5.1 printed them against server 1.29.1.
@pytest.mark.parametrize('message, kind', [
    ('unable to describe namespace x: Namespace x is not found.', 'not_found'),
    ('workflow not found for ID: temporal-sys-scheduler:nope', 'not_found'),
    ('unable to create namespace ns1: Namespace "ns1" already exists', 'already_exists'),
    ('schedule with this ID is already registered', 'already_exists'),
    ('failed reaching server: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: '
     'connect: connection refused"', 'unavailable'),
    ('failed reaching server: context deadline exceeded', 'unavailable'),
    ('failed reaching server: Request unauthorized.', 'permission_denied'),
    ('namespace update failed: A valid retention period is not set on request.', 'invalid_argument'),
    ('required flag(s) "task-queue", "type" not set', 'invalid_argument'),
    ('unable to create namespace bench-bulk-50: service rate limit exceeded', 'rate_limited'),
    ('ResourceExhausted: namespace rate limit exceeded', 'rate_limited'),
    ('workflow failed', 'error'),
])
def test_classify_error(message, kind):
    assert classify_error(message)[0] == kind


def test_error_message_prefers_the_json_log_record():
    stderr = '{"time":"t","level":"ERROR","msg":"unable to describe namespace x: Namespace x is not found."}\n'
    assert error_message('', stderr) == 'unable to describe namespace x: Namespace x is not found.'


def test_error_message_of_a_usage_error():
    stdout = 'Error: invalid argument "Bogus" for "--id-reuse-policy" flag\nUsage:\n  temporal workflow start\n'
    assert error_message(stdout, '') == 'invalid argument "Bogus" for "--id-reuse-policy" flag'


def test_command_name_stops_at_flags():
    assert command_name(['workflow', 'start', '--type', 'X']) == 'workflow start'


def test_decode_raw_json_payload():
    raw = {'metadata': {'encoding': 'anNvbi9wbGFpbg=='}, 'data': 'eyJ4IjoxfQo='}
    assert decode_payload(raw) == {'x': 1}


def test_shorthand_payload_is_left_alone():
    assert decode_payload({'x': 1}) == {'x': 1}
