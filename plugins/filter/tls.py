# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""temporalops.temporal.tls_problems: the checks of module_utils/tls_certs.py as a filter, judged
on the controller at the time of the run. Documented in the sidecar tls_problems.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.module_utils import tls_certs


def tls_problems(cert, ca, key, names, labels, serves_only=False):
    if not tls_certs.HAS_CRYPTOGRAPHY:
        raise AnsibleFilterError('tls_problems needs the Python library cryptography on the controller.')
    return tls_certs.problems(labels, ca, cert, key, list(names or []), datetime.datetime.now(datetime.timezone.utc),
                              serves_only=serves_only)


class FilterModule(object):
    """temporalops.temporal.tls_*: checks of certificates and keys."""

    def filters(self):
        return {'tls_problems': tls_problems}
