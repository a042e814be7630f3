# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the install flow (plugins/module_utils/install_phases.py and install_plan.py);
documented in install_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import install_phases
from ansible_collections.temporalops.temporal.plugins.module_utils.install_plan import links_to_fix, problems, versions_to_prune


def install_phase_left_out(run_tags, skip_tags):
    return install_phases.phase_left_out(run_tags, skip_tags)


class FilterModule(object):
    def filters(self):
        return {
            'install_phase_left_out': install_phase_left_out,
            'install_links_to_fix': links_to_fix,
            'install_versions_to_prune': versions_to_prune,
            'install_problems': problems,
        }
