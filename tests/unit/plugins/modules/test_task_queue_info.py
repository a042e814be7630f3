# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.temporalops.temporal.plugins.module_utils import systemd_show
from ansible_collections.temporalops.temporal.plugins.modules import task_queue_info
from ansible_collections.temporalops.temporal.tests.unit.plugins.modules.run_command_cases import (
    FakeClock, ModuleExit, load_cases, patch_module, run_case)


@pytest.mark.parametrize(**load_cases(__file__))
def test_task_queue_info(case, monkeypatch):
    run_case(task_queue_info.main, case, monkeypatch)


# wait_for_poller: the unit (systemctl show) and the queue (temporal task-queue describe) are
# read on every try; the clock is fake, so the waits take no time.
SHOW = 'ActiveState=%s\nSubState=running\nMainPID=%d\nExecMainStartTimestamp=@%d\nLoadState=loaded\n'
QUEUE = '{"pollers": [%s]}'
POLLER = '{"identity": "%s", "taskQueueType": "workflow", "lastAccessTime": "%s"}'


def waiting(monkeypatch, tries, show=SHOW, **wanted):
    """Run the module against TRIES, one (unit state, pid, start, pollers JSON or an error) per try."""
    script = list(tries)
    calls = []

    def run_command(module, argv, **kwargs):
        calls.append(argv)
        if argv[1] == 'show':
            state, pid, started = script[0][:3]
            return 0, show % (state, pid, started), ''
        queue = script.pop(0)[3]
        if queue.startswith('error:'):
            return 1, '', '{"level":"ERROR","msg":"%s"}' % queue[len('error:'):]
        return 0, queue, ''

    args = dict(task_queue='billing', wait_for_poller=dict(unit='temporal-worker@billing.service', **wanted), wait_timeout='10s')
    result = run_module(monkeypatch, run_command, args)
    return result, calls


def run_module(monkeypatch, run_command, args):
    patch_module(monkeypatch, run_command)
    monkeypatch.setattr('socket.gethostname', lambda: 'worker-1')
    clock = FakeClock()
    monkeypatch.setattr('time.time', clock.time)
    monkeypatch.setattr('time.sleep', clock.sleep)
    # Booted 999900 s after the epoch: 100 s since boot when the fake clock starts.
    monkeypatch.setattr('time.monotonic', lambda: clock.now - 999900.0)
    with patch_module_args(args):
        with pytest.raises(ModuleExit) as exited:
            task_queue_info.main()
    return exited.value.result


AT = '2026-12-05T15:00:10Z'  # 1796482810
STARTED = 1796482805


def test_waits_through_a_restart_for_the_new_process(monkeypatch):
    result, calls = waiting(monkeypatch, [
        ('activating', 0, 0, QUEUE % ''),
        ('active', 100, STARTED, QUEUE % (POLLER % ('99@worker-1', AT))),
        # systemd restarted it: the new PID is read, the old process's poller does not count.
        ('active', 101, STARTED + 2, QUEUE % (POLLER % ('100@worker-1', AT))),
        ('active', 101, STARTED + 2, 'error:connection refused'),
        ('active', 101, STARTED + 2, QUEUE % ((POLLER % ('100@worker-1', AT)) + ', ' + (POLLER % ('101@worker-1@billing', AT)))),
    ])
    assert not result['failed'], result
    assert result['poller']['identity'] == '101@worker-1@billing'
    assert result['unit']['main_pid'] == 101 and len(result['pollers']) == 2
    assert calls[0] == ['/bin/systemctl', 'show', '--timestamp=unix', '--property=' + ','.join(systemd_show.UNIT_PROPERTIES),
                        '--', 'temporal-worker@billing.service']
    assert sum(1 for argv in calls if argv[1] == 'task-queue') == 5


def test_a_declared_identity_that_polled_before_the_start_is_stale(monkeypatch):
    old = '2026-12-05T15:00:04Z'
    result, calls = waiting(monkeypatch, [
        ('active', 100, STARTED, QUEUE % (POLLER % ('greeter@billing', old))),
        ('active', 100, STARTED, QUEUE % (POLLER % ('greeter@billing', AT))),
    ], identity='greeter@billing')
    assert not result['failed'] and result['poller']['last_access_time'] == AT


def test_the_start_is_read_to_the_microsecond(monkeypatch):
    """A poll by the previous process in the second of the restart is not the new one's: the
    start comes from the monotonic clock where systemd gives it."""
    # On the fake clock (1000000.0, 100 s since boot) the process started 0.5 s ago.
    precise = SHOW.replace('ExecMainStartTimestamp=@%d\n', 'ExecMainStartTimestamp=@%d\nExecMainStartTimestampMonotonic=99500000\n')
    same_second = '1970-01-12T13:46:39.4Z'  # 999999.4: 0.1 s before the start
    after = '1970-01-12T13:46:39.6Z'
    result, calls = waiting(monkeypatch, [
        ('active', 100, 999999, QUEUE % (POLLER % ('greeter@billing', same_second))),
        ('active', 100, 999999, QUEUE % (POLLER % ('greeter@billing', after))),
    ], show=precise, identity='greeter@billing')
    assert not result['failed'] and result['poller']['last_access_time'] == after
    assert result['unit']['main_started'] == pytest.approx(999999.5)


def test_gives_up_after_the_timeout_with_the_reason(monkeypatch):
    result, calls = waiting(monkeypatch, [('active', 100, STARTED, QUEUE % (POLLER % ('7@worker-1', AT)))] * 30,
                            identity_pattern='greeter@[a-z]+')
    assert result['failed']
    assert result['msg'] == ('The worker of temporal-worker@billing.service does not poll task queue billing (namespace default '
                             'at localhost:7233) after 10s: no poller has an identity matching greeter@[a-z]+ (pollers: 7@worker-1).')
    assert result['unit']['main_pid'] == 100
    assert result['reason'] == 'no poller has an identity matching greeter@[a-z]+ (pollers: 7@worker-1)'


@pytest.mark.parametrize(('pattern', 'message'), [
    ('greeter@(', "wait_for_poller.identity_pattern 'greeter@(' is not a regular expression ("),
    ('greeter\n.*', "wait_for_poller.identity_pattern 'greeter\\n.*' holds a control character."),
])
def test_a_bad_pattern_is_refused_before_anything_is_asked(monkeypatch, pattern, message):
    result, calls = waiting(monkeypatch, [], identity_pattern=pattern)
    assert result['failed'] and result['msg'].startswith(message) and calls == []
