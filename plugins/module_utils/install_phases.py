# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The phases (tags) of a run of the collection's roles, and which of them a run's tag
selection runs (ansible_run_tags is ['all'] without --tags; ansible_skip_tags [] without
--skip-tags)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

PHASES = ('temporal_validate', 'temporal_install', 'temporal_configure', 'temporal_service')
INSTALL = 'temporal_install'
# The phases that point a unit at a release: they need it installed.
USING_RELEASE = ('temporal_configure', 'temporal_service')


def selected_phases(run_tags, skip_tags):
    """The phases this run runs, in PHASES order."""
    chosen = PHASES if 'all' in run_tags else [phase for phase in PHASES if phase in run_tags]
    return [phase for phase in chosen if phase not in skip_tags]


def phase_left_out(run_tags, skip_tags):
    """Whether this run configures or starts services without the install phase (a release must
    then be installed already: role temporal_install, tasks/installed.yml)."""
    selected = selected_phases(run_tags, skip_tags)
    return INSTALL not in selected and any(phase in selected for phase in USING_RELEASE)
