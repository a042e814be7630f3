# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The worker health gate's rule: the unit's own process polls, by its identity, since it started."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.pollers import find_poller, pattern_problem, unix_time

STARTED = 1764950000  # 2025-12-05T15:53:20Z
UNIT = {'active_state': 'active', 'main_pid': 4242, 'main_started': STARTED}


def poller(identity, at='2025-12-05T15:53:21.5Z'):
    return {'identity': identity, 'last_access_time': at, 'task_queue_type': 'workflow'}


def test_rfc3339_times_as_the_server_prints_them():
    assert unix_time('2025-12-05T15:53:20Z') == STARTED
    assert unix_time('2025-12-05T15:53:20.852862841Z') == pytest.approx(STARTED + 0.852862841)
    assert unix_time('2025-12-05T17:53:20+02:00') == STARTED
    with pytest.raises(ValueError, match='not an RFC 3339 time'):
        unix_time('yesterday')


@pytest.mark.parametrize('identity', ['4242@worker-1', '4242@worker-1@', '4242@worker-1@billing'])
def test_the_sdks_default_identity_of_the_main_process_counts(identity):
    found, why = find_poller([poller('4242@worker-10'), poller(identity)], UNIT, 'worker-1')
    assert found['identity'] == identity and why == ''


@pytest.mark.parametrize('identity', ['4243@worker-1', '14242@worker-1', '4242@worker-10', '4242@worker-1x', '4242@other'])
def test_another_process_or_host_does_not(identity):
    found, why = find_poller([poller(identity)], UNIT, 'worker-1')
    assert found is None
    assert why == "no poller has identity 4242@worker-1 (the SDKs' default for its main process) (pollers: %s)" % identity


def test_a_declared_identity_is_matched_exactly():
    pollers = [poller('4242@worker-1'), poller('greeter@billing-x'), poller('greeter@billing')]
    assert find_poller(pollers, UNIT, 'worker-1', identity='greeter@billing')[0]['identity'] == 'greeter@billing'
    assert find_poller(pollers[:2], UNIT, 'worker-1', identity='greeter@billing') == (
        None, 'no poller has identity greeter@billing (pollers: 4242@worker-1, greeter@billing-x)')


def test_a_pattern_matches_the_whole_identity():
    assert find_poller([poller('billing-7')], UNIT, 'w', identity_pattern='billing-[0-9]+')[0]
    for identity in ('billing-7x', 'xbilling-7', 'billing-7\n'):
        assert find_poller([poller(identity)], UNIT, 'w', identity_pattern='billing-[0-9]+')[0] is None, identity
    # An alternation is matched as a whole too.
    assert find_poller([poller('bx')], UNIT, 'w', identity_pattern='a|b')[0] is None


def test_a_poller_from_before_the_process_started_is_stale():
    pollers = [poller('greeter@billing', at='2025-12-05T15:53:19.9Z')]
    assert find_poller(pollers, UNIT, 'w', identity='greeter@billing') == (
        None, "the only poller with identity greeter@billing last polled before the unit's process started")
    assert find_poller(pollers + [poller('greeter@billing', at='2025-12-05T15:53:20Z')], UNIT, 'w', identity='greeter@billing')[0]


@pytest.mark.parametrize(('unit', 'why'), [
    ({'active_state': 'activating', 'main_pid': 0, 'main_started': 0}, 'the unit is activating, with no main process'),
    ({'active_state': 'failed', 'main_pid': 0}, 'the unit is failed, with no main process'),
    ({'active_state': 'deactivating', 'main_pid': 4242}, 'the unit is deactivating'),
    ({}, 'the unit is unknown, with no main process'),
])
def test_a_unit_that_is_not_running_has_no_poller(unit, why):
    assert find_poller([poller('4242@w')], unit, 'w') == (None, why)


def test_bad_patterns_are_named():
    assert pattern_problem('billing-[0-9]+') == ''
    assert pattern_problem('billing-(').startswith('is not a regular expression (')
    assert pattern_problem('billing\n.*') == 'holds a control character'
    assert pattern_problem('') == ''


def test_a_pattern_with_inline_flags_works_as_given():
    assert pattern_problem('(?i)billing-[0-9]+') == ''
    assert find_poller([poller('BILLING-7')], UNIT, 'w', identity_pattern='(?i)billing-[0-9]+')[0]


def test_a_poller_without_a_time_has_not_polled_since():
    assert find_poller([{'identity': '4242@w'}], UNIT, 'w') == (
        None, "the only poller with identity 4242@w (the SDKs' default for its main process) last polled before the unit's process started")
