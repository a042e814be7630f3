# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What may go into a systemd unit file (role temporal_systemd's templates).

systemd reads a unit line by line (a newline or carriage return ends a line), so a value with
one would let what follows it out as a directive of its own ("x\\nExecStartPre=/bin/sh" in an
ExecStart argument). No value that reaches a unit file may hold a control character; the one
exception is a newline in an Environment= value, which the template writes as the C escape
\\n that systemd reads back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import unicodedata

NAMES = {'\n': 'a newline', '\r': 'a carriage return', '\t': 'a tab', '\x00': 'a NUL'}
# Keys of the unit and drop-in dicts whose values are NAME=value pairs written as C-escaped strings.
ESCAPED_VALUES = ('environment',)


# What systemd's environment files (EnvironmentFile=) treat specially inside a double-quoted
# value, which may span lines: escaped with a backslash, the backslash itself first.
ENVIRONMENT_FILE_ESCAPED = ('\\', '"', '`', '$')


def environment_file_value(value):
    """VALUE (its text, as Jinja's string filter writes it) double-quoted for an environment file."""
    quoted = value if isinstance(value, str) else str(value)
    for special in ENVIRONMENT_FILE_ESCAPED:
        quoted = quoted.replace(special, '\\' + special)
    return '"%s"' % quoted


def control_character(text, newline_ok=False):
    """The first control character of TEXT (newline left out with NEWLINE_OK), or None."""
    for char in text:
        if unicodedata.category(char) == 'Cc' and not (newline_ok and char == '\n'):
            return char
    return None


def _message(where, text, char):
    return ('%s %r has a control character (%s): a value written to a systemd unit file may not have a newline or any other'
            ' control character.' % (where, str(text), NAMES.get(char, 'U+%04X' % ord(char))))


def control_characters(value, where, newline_ok=False):
    """One message for each string in VALUE (nested lists and dicts, keys included) that has a
    control character, naming it by WHERE (temporal_dev_server_extra_args[2], environment.HOME).
    NEWLINE_OK lets string values (not keys) have newlines."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                char = control_character(key)
                if char:
                    found.append(_message('%s key' % where, key, char))
            found.extend(control_characters(item, '%s.%s' % (where, key), newline_ok))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(control_characters(item, '%s[%d]' % (where, index), newline_ok))
    elif isinstance(value, str):
        char = control_character(value, newline_ok)
        if char:
            found.append(_message(where, value, char))
    return found


def problems(unit, name='temporal_systemd_unit'):
    """Every value of UNIT (a dict for unit.service.j2 or dropin.conf.j2, called NAME in the
    messages) that may not go into a unit file, one message each; empty when it may be written."""
    found = []
    for key, value in unit.items():
        found.extend(control_characters(value, '%s.%s' % (name, key), newline_ok=key in ESCAPED_VALUES))
    return found
