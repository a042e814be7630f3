# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Does this systemd unit's worker poll its task queue? The rule of the worker health gate
(task_queue_info's wait_for_poller), pure: no host, no Temporal.

A poller counts when the unit is active, the poller's last access is not older than the
unit's main process, and its identity is the worker's: the one its settings declare (exact,
or a pattern the whole identity matches), otherwise the SDKs' default <pid>@<host> (the Go
SDK appends @<task queue>). The server keeps listing a stopped worker's poller for minutes:
the start time tells a restarted worker with a fixed identity from its previous process."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import re

RFC3339 = re.compile(r'^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$')


def unix_time(text):
    """An RFC 3339 time as the server prints it (2026-11-23T17:34:59.852862841Z) in seconds since the epoch."""
    match = RFC3339.match((text or '').strip())
    if not match:
        raise ValueError('not an RFC 3339 time: %r' % (text,))
    whole, fraction, zone = match.groups()
    seconds = calendar.timegm(tuple(int(part) for part in re.split('[-T:]', whole)) + (0, 0, 0))
    if zone != 'Z':
        sign = 1 if zone[0] == '+' else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds + (float(fraction) if fraction else 0.0)


def pattern_problem(pattern):
    """Why PATTERN cannot be an identity pattern ('' when it can)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in pattern):
        return 'holds a control character'
    try:
        re.compile(pattern)
    except re.error as error:
        return 'is not a regular expression (%s)' % error
    return ''


def identity_rule(unit, hostname, identity=None, identity_pattern=None):
    """What a poller's identity must be, as a compiled pattern the whole identity matches
    (fullmatch), and how to say it."""
    if identity:
        return re.compile(re.escape(identity)), 'identity %s' % identity
    if identity_pattern:
        return re.compile(identity_pattern), 'an identity matching %s' % identity_pattern
    pid = unit.get('main_pid') or 0
    return (re.compile(r'%d@%s(@.*)?' % (pid, re.escape(hostname)), re.S),
            'identity %d@%s (the SDKs\' default for its main process)' % (pid, hostname))


def _polled_since(poller, started):
    """Whether POLLER last polled at or after STARTED (a poller without a time has not)."""
    try:
        return unix_time(poller.get('last_access_time')) >= started
    except ValueError:
        return False


def find_poller(pollers, unit, hostname, identity=None, identity_pattern=None):
    """(the poller of UNIT's worker among POLLERS, or None; why none when None).

    POLLERS: task_queue_info's pollers ({identity, last_access_time, ...}); UNIT: host_info's
    description of the unit ({active_state, main_pid, main_started}); HOSTNAME: the host's node
    name, which the SDKs put in their default identity."""
    state = unit.get('active_state') or 'unknown'
    if state != 'active' or not unit.get('main_pid'):
        return None, 'the unit is %s%s' % (state, '' if unit.get('main_pid') else ', with no main process')
    rule, wanted = identity_rule(unit, hostname, identity, identity_pattern)
    started = unit.get('main_started') or 0
    stale = []
    for poller in pollers:
        if not rule.fullmatch(poller.get('identity') or ''):
            continue
        if _polled_since(poller, started):
            return poller, ''
        stale.append(poller.get('identity'))
    if stale:
        return None, 'the only poller with %s last polled before the unit\'s process started' % wanted
    seen = sorted(set(poller.get('identity') or '' for poller in pollers))
    return None, 'no poller has %s (pollers: %s)' % (wanted, ', '.join(seen) if seen else 'none')
