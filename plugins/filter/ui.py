# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_ui role (plugins/module_utils/ui_config.py); documented in ui_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import ui_config
from ansible_collections.temporalops.temporal.plugins.plugin_utils.filters import settings_filter


class FilterModule(object):
    def filters(self):
        return {
            'ui_problems': settings_filter(ui_config.problems),
            'ui_config': settings_filter(ui_config.config),
            'ui_local_url': settings_filter(ui_config.local_url),
            'ui_unit_hardening': settings_filter(ui_config.unit_hardening),
            'ui_https_names': ui_config.https_names,
        }
