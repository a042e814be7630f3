# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Modules that change state and can show what they would change.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/temporalops.temporal.temporal) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - temporalops.temporal.temporal
'''

    # Modules that change state but have no before/after document to show.
    ACTION_NO_DIFF = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action_group:
    description: Use C(group/temporalops.temporal.temporal) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - temporalops.temporal.temporal
'''

    # Read-only modules.
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module only reads.
  action_group:
    description: Use C(group/temporalops.temporal.temporal) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - temporalops.temporal.temporal
'''

    # Action plugins that work on the controller only (their module file holds the documentation):
    # the flow attributes of ansible.builtin.action_common_attributes, with what they support.
    CONTROLLER_ACTION = r'''
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
notes:
  - It runs on the controller only; run as a module, it fails.
'''
