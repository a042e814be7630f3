# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_postgresql role (plugins/module_utils/postgresql_settings.py); documented in postgresql_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.module_utils import postgresql_settings


def postgresql_problems(settings, reserved_users, reserved_databases, managed_settings):
    try:
        return postgresql_settings.problems(settings, reserved_users, reserved_databases, managed_settings)
    except KeyError as error:
        raise AnsibleFilterError('the settings lack %s' % error)


class FilterModule(object):
    def filters(self):
        return {
            'postgresql_problems': postgresql_problems,
        }
