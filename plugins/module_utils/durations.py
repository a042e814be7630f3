# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Durations as people write them (72h, 3d, 1h30m, 600) and as Temporal prints them (259200s)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

UNIT_SECONDS = {'ms': 0.001, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
_PART = re.compile(r'(\d+(?:\.\d+)?)(ms|s|m|h|d|w)')


def parse_duration(value):
    """Seconds (int) for 600, '600', '72h', '3d', '1h30m' or '259200s'; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError('%r is not a duration' % (value,))
    if isinstance(value, (int, float)):
        seconds = value
    else:
        text = str(value).strip().lower()
        if re.match(r'^\d+(\.\d+)?$', text):
            seconds = float(text)
        elif text and _PART.sub('', text) == '':
            seconds = sum(float(number) * UNIT_SECONDS[unit] for number, unit in _PART.findall(text))
        else:
            raise ValueError("%r is not a duration; use seconds or a value like 90s, 15m, 72h, 3d, 1h30m" % (value,))
    if seconds < 0:
        raise ValueError('%r is negative' % (value,))
    return int(round(seconds))


def format_duration(seconds):
    """The form the CLI flags accept and the server prints: '259200s'."""
    return '%ds' % seconds
