# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.durations import format_duration, parse_duration


@pytest.mark.parametrize('value, seconds', [
    (600, 600), ('600', 600), ('72h', 259200), ('3d', 259200), ('1h30m', 5400), ('259200s', 259200),
    ('29.97s', 30), ('1w', 604800), ('500ms', 0), (' 15M ', 900),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize('value', ['', 'soon', '3 days', '-5', True, '5y', 'h'])
def test_parse_duration_refuses(value):
    with pytest.raises(ValueError):
        parse_duration(value)


def test_format_duration_is_what_the_cli_takes():
    assert format_duration(259200) == '259200s'
