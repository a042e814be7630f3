# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Schedule specs in one comparable form.

The server stores cron strings and calendar specs compiled to "structured calendars"
(ranges per field), so `schedule describe` never shows the cron string it was given.
To compare, the module compiles the task's cron and calendar specs the same way and
compares ranges: {field: [[start, end, step], ...]}.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.durations import parse_duration

# field: (lowest, highest, default in calendar specs)
FIELDS = {
    'second': (0, 59, '0'),
    'minute': (0, 59, '0'),
    'hour': (0, 23, '0'),
    'dayOfMonth': (1, 31, '*'),
    'month': (1, 12, '*'),
    'dayOfWeek': (0, 6, '*'),
    'year': (None, None, '*'),
}
CRON_FIELDS = ('minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek')
NAMES = {
    'month': dict((m, i + 1) for i, m in enumerate(
        ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'])),
    'dayOfWeek': dict((d, i) for i, d in enumerate(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])),
}
CRON_SHORTHANDS = {
    '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *',
    '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
}


class SpecError(ValueError):
    pass


def _number(field, text):
    text = text.strip().lower()
    if text in NAMES.get(field, {}):
        return NAMES[field][text]
    if not text.isdigit():
        raise SpecError('%r is not a valid %s' % (text, field))
    return int(text)


def _ranges(field, expression):
    """[[start, end, step]] for one field written cron-style: '*', '*/15', '1-5', '9,17', 'Mon-Fri'."""
    low, high, _default = FIELDS[field]
    ranges = []
    for item in str(expression).split(','):
        item, _sep, step = item.partition('/')
        step = _number(field, step) if step else 1
        if item == '*':
            if low is None:  # year: '*' is "every year", stored as no range at all
                continue
            start, end = low, high
        elif '-' in item:
            first, last = item.split('-', 1)
            start, end = _number(field, first), _number(field, last)
        else:
            start = _number(field, item)
            end = high if step != 1 and high is not None else start
        ranges.append([start, end, step])
    return sorted(ranges)


def calendar_from_cron(cron):
    """Structured calendar for a five-field cron string (or @daily and friends)."""
    text = CRON_SHORTHANDS.get(cron.strip().lower(), cron.strip())
    if text.startswith('@') or text.upper().startswith('CRON_TZ') or text.upper().startswith('TZ='):
        raise SpecError('cron %r is not supported here; use interval for @every and time_zone for time zones' % cron)
    parts = text.split()
    if len(parts) != 5:
        raise SpecError('cron %r must have five fields (minute hour day-of-month month day-of-week)' % cron)
    calendar = dict(second=_ranges('second', '0'), year=[])
    for field, expression in zip(CRON_FIELDS, parts):
        calendar[field] = _ranges(field, expression)
    return calendar


def calendar_from_spec(spec):
    """Structured calendar for a calendar spec such as {dayOfWeek: Fri, hour: 17, minute: 5}."""
    unknown = set(spec) - set(FIELDS) - {'comment'}
    if unknown:
        raise SpecError('calendar fields %s are unknown; use %s' % (
            ', '.join(sorted(unknown)), ', '.join(sorted(FIELDS))))
    return dict((field, _ranges(field, spec.get(field, default))) for field, (_l, _h, default) in FIELDS.items())


def calendar_from_server(structured):
    """Structured calendar as printed by `schedule describe` (zero values omitted)."""
    calendar = {}
    for field in FIELDS:
        ranges = []
        for r in structured.get(field) or []:
            start = r.get('start', 0)
            end = max(r.get('end', 0), start)
            ranges.append([start, end, r.get('step', 1) or 1])
        calendar[field] = sorted(ranges)
    return calendar


def interval_from_text(text):
    """[every, offset] seconds for '90m', '60m/15m' or 3600."""
    every, _sep, offset = str(text).partition('/')
    return [parse_duration(every), parse_duration(offset) if offset else 0]


def interval_from_server(item):
    return [parse_duration(item.get('interval', '0s')), parse_duration(item.get('phase', '0s'))]


def _canonical(calendars):
    # Order does not change when a schedule fires; compare as sorted lists.
    return sorted(calendars, key=lambda c: sorted(c.items()))


def desired_spec(cron, calendar, interval):
    """Comparable spec from the task's options; SpecError for input the server would refuse."""
    calendars = [calendar_from_cron(c) for c in cron or []] + [calendar_from_spec(c) for c in calendar or []]
    try:
        intervals = sorted(interval_from_text(i) for i in interval or [])
    except ValueError as e:
        raise SpecError('interval: %s' % e)
    return dict(calendars=_canonical(calendars), intervals=intervals)


def server_spec(spec):
    """Comparable spec from `schedule describe` output's schedule.spec."""
    return dict(
        calendars=_canonical([calendar_from_server(c) for c in spec.get('structuredCalendar') or []]),
        intervals=sorted(interval_from_server(i) for i in spec.get('interval') or []),
    )
