# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No value with a newline or other control character goes into a unit file (role temporal_systemd)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.filter.systemd import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils.systemd_unit import control_character, problems

TAIL = ': a value written to a systemd unit file may not have a newline or any other control character.'
UNIT = {
    'description': 'Temporal web UI', 'documentation': 'https://docs.temporal.io', 'user': 'temporal-ui', 'group': 'temporal-ui',
    'exec_start': ['/opt/temporal/ui/2.56.4/ui-server', '--config', '/etc/temporal-ui', 'with space', 'quote"inside', '100%', '$HOME'],
    'working_directory': '/', 'read_write_paths': ['/var/lib/x'], 'environment_files': ['/etc/x.env'], 'limit_nofile': 0,
    'environment': {'HOME': '/var/lib/x', 'PEM': 'line one\nline two'}, 'hardening': {'ProtectHome': 'yes', 'UMask': '0027'},
    'after': ['network-online.target'],
}


def test_a_good_unit_passes():
    assert problems(UNIT) == []


def test_an_argument_cannot_add_a_directive():
    unit = dict(UNIT, exec_start=['/usr/bin/x', 'x\nExecStartPre=/bin/sh'])
    assert problems(unit) == ["temporal_systemd_unit.exec_start[1] 'x\\nExecStartPre=/bin/sh' has a control character (a newline)" + TAIL]


@pytest.mark.parametrize('key, value, where, shown, char', [
    ('working_directory', '/srv\r/x', 'working_directory', "'/srv\\r/x'", 'a carriage return'),
    ('read_write_paths', ['/ok', '/a\tb'], 'read_write_paths[1]', "'/a\\tb'", 'a tab'),
    ('environment_files', ['/etc/x\x00.env'], 'environment_files[0]', "'/etc/x\\x00.env'", 'a NUL'),
    ('hardening', {'ProtectHome': 'yes\x1b'}, 'hardening.ProtectHome', "'yes\\x1b'", 'U+001B'),
    ('description', 'Temporal\x7f', 'description', "'Temporal\\x7f'", 'U+007F'),
    ('user', 'u\x85', 'user', "'u\\x85'", 'U+0085'),
    # An environment value may hold a newline (written as \n), but nothing else.
    ('environment', {'A': 'x\ry'}, 'environment.A', "'x\\ry'", 'a carriage return'),
])
def test_every_value_that_reaches_the_file_is_checked(key, value, where, shown, char):
    assert problems(dict(UNIT, **{key: value})) == ['temporal_systemd_unit.%s %s has a control character (%s)%s' % (where, shown, char, TAIL)]


def test_names_are_checked_too_newline_included():
    unit = dict(UNIT, environment={'A\nB': 'x'}, hardening={'ProtectHome\nExecStartPre': '/bin/sh'})
    assert problems(unit, 'temporal_systemd_dropin') == [
        "temporal_systemd_dropin.environment key 'A\\nB' has a control character (a newline)" + TAIL,
        "temporal_systemd_dropin.hardening key 'ProtectHome\\nExecStartPre' has a control character (a newline)" + TAIL,
    ]


def test_every_problem_is_told():
    unit = dict(UNIT, exec_start=['/bin/x\n', 'a\n', 'b'], working_directory='\t')
    assert [message.split(' ')[0] for message in problems(unit)] == [
        'temporal_systemd_unit.exec_start[0]', 'temporal_systemd_unit.exec_start[1]', 'temporal_systemd_unit.working_directory']


@pytest.mark.parametrize('text, newline_ok, found', [
    ('plain', False, None), ('', False, None), ('é ü 日本', False, None), ('a\nb', True, None), ('a\nb', False, '\n'),
    ('a\rb\n', True, '\r'), ('\u2028', False, None),
])
def test_control_character(text, newline_ok, found):
    assert control_character(text, newline_ok) == found


def test_the_filter():
    unit = dict(UNIT, exec_start=['/usr/bin/x', 'x\n'])
    assert FilterModule().filters()['systemd_unit_problems'](unit) == problems(unit)
    assert FilterModule().filters()['systemd_unit_problems'](unit, 'u')[0].startswith("u.exec_start[1] 'x\\n'")
