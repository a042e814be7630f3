# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_dev_server role (plugins/module_utils/dev_server.py); documented in dev_server_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.module_utils import dev_server


def dev_server_problems(settings):
    try:
        return dev_server.validate(settings)
    except KeyError as error:
        raise AnsibleFilterError('the settings lack %s' % error)


def dev_server_exec_start(settings, binary):
    try:
        return dev_server.exec_start(settings, binary)
    except ValueError as error:
        raise AnsibleFilterError(str(error))
    except KeyError as error:
        raise AnsibleFilterError('the settings lack %s' % error)


class FilterModule(object):
    def filters(self):
        return {
            'dev_server_problems': dev_server_problems,
            'dev_server_exec_start': dev_server_exec_start,
        }
