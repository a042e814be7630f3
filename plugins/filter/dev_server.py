# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_dev_server role (plugins/module_utils/dev_server.py); documented in dev_server_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import dev_server
from ansible_collections.temporalops.temporal.plugins.plugin_utils.filters import settings_filter


class FilterModule(object):
    def filters(self):
        return {
            'dev_server_problems': settings_filter(dev_server.validate),
            'dev_server_exec_start': settings_filter(dev_server.exec_start),
        }
