# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_ui role (plugins/module_utils/ui_config.py); documented in ui_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.module_utils import ui_config


def _checked(function, *args):
    try:
        return function(*args)
    except ValueError as error:
        raise AnsibleFilterError(str(error))
    except KeyError as error:
        raise AnsibleFilterError('the settings lack %s' % error)


def ui_problems(settings):
    return _checked(ui_config.problems, settings)


def ui_config_filter(settings):
    return _checked(ui_config.config, settings)


def ui_local_url(settings):
    return _checked(ui_config.local_url, settings)


def ui_unit_hardening(port):
    return _checked(ui_config.unit_hardening, port)


class FilterModule(object):
    def filters(self):
        return {
            'ui_problems': ui_problems,
            'ui_config': ui_config_filter,
            'ui_local_url': ui_local_url,
            'ui_unit_hardening': ui_unit_hardening,
        }
