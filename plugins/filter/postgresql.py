# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_postgresql role (plugins/module_utils/postgresql_settings.py); documented in postgresql_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import postgresql_settings
from ansible_collections.temporalops.temporal.plugins.plugin_utils.filters import settings_filter


class FilterModule(object):
    def filters(self):
        return {
            'postgresql_problems': settings_filter(postgresql_settings.problems),
            'postgresql_tls_names': postgresql_settings.tls_names,
        }
