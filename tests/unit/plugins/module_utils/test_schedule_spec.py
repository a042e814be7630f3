# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.schedule_spec import (
    SpecError,
    calendar_from_cron,
    calendar_from_spec,
    desired_spec,
    server_spec,
)

# What `temporal schedule describe -o json` printed for
#   --cron "*/15 * * * *" --calendar '{"dayOfWeek":"Mon-Fri","hour":"9,17","minute":"*/30","second":"*"}'
#   --interval 90m --interval 1h/10m   (server 1.29.1)
SERVER_SPEC = {
    'structuredCalendar': [
        {'second': [{'step': 1}], 'minute': [{'end': 59, 'step': 15}], 'hour': [{'end': 23, 'step': 1}],
         'dayOfMonth': [{'start': 1, 'end': 31, 'step': 1}], 'month': [{'start': 1, 'end': 12, 'step': 1}],
         'dayOfWeek': [{'end': 6, 'step': 1}]},
        {'second': [{'end': 59, 'step': 1}], 'minute': [{'end': 59, 'step': 30}],
         'hour': [{'start': 9, 'end': 9, 'step': 1}, {'start': 17, 'end': 17, 'step': 1}],
         'dayOfMonth': [{'start': 1, 'end': 31, 'step': 1}], 'month': [{'start': 1, 'end': 12, 'step': 1}],
         'dayOfWeek': [{'start': 1, 'end': 5, 'step': 1}]},
    ],
    'interval': [{'interval': '5400s', 'phase': '0s'}, {'interval': '3600s', 'phase': '600s'}],
    'jitter': '0s',
}


def test_cron_and_calendar_compile_like_the_server():
    desired = desired_spec(
        ['*/15 * * * *'],
        [{'dayOfWeek': 'Mon-Fri', 'hour': '9,17', 'minute': '*/30', 'second': '*'}],
        ['90m', '1h/10m'])
    assert desired == server_spec(SERVER_SPEC)


def test_order_of_specs_does_not_matter():
    a = desired_spec(['0 1 * * *', '0 2 * * *'], [], ['1h', '2h'])
    b = desired_spec(['0 2 * * *'], [{'hour': 1}], ['2h', '1h'])
    assert a == b


def test_names_and_shorthands():
    assert calendar_from_cron('0 9 * Jan-Mar mon') == calendar_from_cron('0 9 * 1-3 1')
    assert calendar_from_cron('@daily') == calendar_from_cron('0 0 * * *')


def test_calendar_defaults_are_midnight_every_day():
    assert calendar_from_spec({}) == calendar_from_cron('0 0 * * *')


@pytest.mark.parametrize('cron', ['@every 5m', 'CRON_TZ=Europe/Paris 0 1 * * *', '0 1 * *', '0 1 * * * 2027',
                                  '0 25x * * *'])
def test_unsupported_cron_is_refused(cron):
    with pytest.raises(SpecError):
        calendar_from_cron(cron)


def test_unknown_calendar_field_is_refused():
    with pytest.raises(SpecError, match='hours'):
        calendar_from_spec({'hours': 1})
