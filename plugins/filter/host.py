# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters over what host_info read (plugins/module_utils/host_files.py); documented in host_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import host_files
from ansible_collections.temporalops.temporal.plugins.plugin_utils.filters import settings_filter


@settings_filter
def host_files_to_write(described, wanted):
    return host_files.to_write(described, wanted)


@settings_filter
def host_users_to_write(described, wanted, shell=None, home=None):
    return host_files.users_to_write(described, wanted, shell=shell, home=home)


def host_recorded_is_ours(described, path, record):
    return host_files.recorded_is_ours(described, path, record)


def host_recorded_entries(described, path, record, checksum, wanted, mode='0600'):
    return host_files.recorded_entries(described, path, record, checksum, wanted, mode=mode)


class FilterModule(object):
    def filters(self):
        return {
            'host_files_to_write': host_files_to_write,
            'host_users_to_write': host_users_to_write,
            'host_recorded_is_ours': host_recorded_is_ours,
            'host_recorded_entries': host_recorded_entries,
        }
