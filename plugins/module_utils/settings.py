# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Numbers and booleans of role settings, which arrive as strings from `-e name=value`.

Each converter names the setting in its ValueError, so that a role can tell the user which
variable to fix.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

TRUE_WORDS = frozenset(('y', 'yes', 'on', '1', 'true', 't'))
FALSE_WORDS = frozenset(('n', 'no', 'off', '0', 'false', 'f'))
_WHOLE = re.compile(r'^[+-]?[0-9]+$')


def shown(value):
    """VALUE as a message quotes it: text in single quotes, anything else as Python writes it."""
    if isinstance(value, str):
        return "'%s'" % value
    return repr(value)


def plain(value):
    """VALUE with str, dict and list subclasses (Ansible's tagged, unsafe and lazy types) made plain
    data, which messages show as Python shows plain data."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return dict((plain(key), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def to_int(value, setting):
    """VALUE (7300, '7300', 7300.0) as an int; ValueError naming SETTING for anything else (true, '7.5', 'abc')."""
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        return value
    elif isinstance(value, float):
        if value.is_integer():
            return int(value)
    elif isinstance(value, str):
        text = value.strip()
        if _WHOLE.match(text):
            return int(text)
    raise ValueError('%s must be a whole number, not %s.' % (setting, shown(value)))


def to_bool(value, setting):
    """VALUE (true, 'yes', 'False', 0, '1') as a bool; ValueError naming SETTING for anything else ('maybe', '', 2)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError('%s must be true or false, not %s.' % (setting, shown(value)))
