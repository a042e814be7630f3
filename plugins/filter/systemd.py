# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_systemd role (plugins/module_utils/systemd_unit.py); documented in systemd_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import systemd_unit


def systemd_unit_problems(unit, name='temporal_systemd_unit'):
    return systemd_unit.problems(unit, name)


def systemd_environment_value(value):
    return systemd_unit.environment_file_value(value)


class FilterModule(object):
    def filters(self):
        return {
            'systemd_environment_value': systemd_environment_value,
            'systemd_unit_problems': systemd_unit_problems,
        }
