# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""temporalops.temporal.site_*: what playbooks/site.yml asks of the collection's CA. The logic is
module_utils/site_tls.py; each documented in its sidecar <filter name>.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.module_utils import site_tls


def site_certificates(described):
    """site_tls.certificates, its refusal as the task's error."""
    try:
        return site_tls.certificates(described)
    except ValueError as e:
        raise AnsibleFilterError(str(e))


class FilterModule(object):
    """temporalops.temporal.site_*."""

    def filters(self):
        return {'site_certificates': site_certificates, 'site_tls_needs': site_tls.needs,
                'site_tls_settings': site_tls.host_settings}
