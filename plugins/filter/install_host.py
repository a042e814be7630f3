# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.install_plan import links_to_fix, problems, versions_to_prune


class FilterModule(object):
    """The install flow's decisions from one read of the host (plugins/module_utils/install_plan.py)."""

    def filters(self):
        return {
            'install_links_to_fix': links_to_fix,
            'install_versions_to_prune': versions_to_prune,
            'install_problems': problems,
        }
