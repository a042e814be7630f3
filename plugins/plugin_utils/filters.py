# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the collection's filter adapters share: the module_utils functions they expose read
settings by name and refuse bad values with ValueError; a play shows either as a filter error."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError


def settings_filter(function):
    """FUNCTION as a filter: a setting its input lacks (KeyError) or a value it refuses (ValueError)
    becomes a filter error that names it."""
    @functools.wraps(function)
    def checked(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except KeyError as error:
            raise AnsibleFilterError('the settings lack %s' % error)
        except ValueError as error:
            raise AnsibleFilterError(str(error))
    return checked
