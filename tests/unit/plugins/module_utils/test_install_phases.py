# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.filter.install import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils.install_phases import PHASES, phase_left_out, selected_phases


@pytest.mark.parametrize('run_tags, skip_tags, selected', [
    (['all'], [], list(PHASES)),
    (['all'], ['temporal_install'], ['temporal_validate', 'temporal_configure', 'temporal_service']),
    (['temporal_service', 'temporal_validate'], [], ['temporal_validate', 'temporal_service']),
    (['temporal_service', 'other'], ['temporal_service'], []),
    (['other'], [], []),
    (['all', 'other'], ['other'], list(PHASES)),
])
def test_selected_phases_in_their_order(run_tags, skip_tags, selected):
    assert selected_phases(run_tags, skip_tags) == selected


@pytest.mark.parametrize('run_tags, skip_tags, left_out', [
    (['all'], [], False),                                              # a full run installs
    (['all'], ['temporal_install'], True),                             # --skip-tags temporal_install
    (['temporal_configure'], [], True),                                # --tags temporal_configure
    (['temporal_service'], [], True),
    (['temporal_install', 'temporal_service'], [], False),
    (['temporal_validate'], [], False),                                # nothing points a unit at a release
    (['all'], ['temporal_install', 'temporal_configure', 'temporal_service'], False),
    (['other'], [], False),
    (['temporal_configure'], ['temporal_configure'], False),
])
def test_phase_left_out(run_tags, skip_tags, left_out):
    assert phase_left_out(run_tags, skip_tags) is left_out
    assert FilterModule().filters()['install_phase_left_out'](run_tags, skip_tags) is left_out
