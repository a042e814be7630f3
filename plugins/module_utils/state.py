# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Comparing what a task asks for with what the server has, and reporting it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy


def differences(desired, current):
    """{field: desired value} for the fields the task sets (not None) that differ from current."""
    return dict(
        (key, value) for key, value in desired.items()
        if value is not None and current.get(key) != value
    )


def merged(current, changes):
    """current with changes applied, without touching current: the predicted state after a write."""
    after = copy.deepcopy(current)
    after.update(copy.deepcopy(changes))
    return after


def exit_with_diff(module, changed, before, after, **result):
    """exit_json with changed, and a before/after diff when --diff is on."""
    if module._diff:
        result['diff'] = dict(before=before or {}, after=after or {})
    module.exit_json(changed=changed, **result)
