# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.modules import search_attribute
from ansible_collections.temporalops.temporal.tests.unit.plugins.modules.run_command_cases import load_cases, run_case


@pytest.mark.parametrize(**load_cases(__file__))
def test_search_attribute(case, monkeypatch):
    run_case(search_attribute.main, case, monkeypatch)
