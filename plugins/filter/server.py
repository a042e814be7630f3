# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The temporal_server role's computations as filters. The logic lives in module_utils (server_config,
server_plan, server_rules), where plain pytest tests it; this file only names it. Each filter is documented in
the sidecar <filter name>.yml next to this file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import jwks, server_cluster, server_plan, server_rules
from ansible_collections.temporalops.temporal.plugins.module_utils.server_config import server_config, tls_files, tls_names
from ansible_collections.temporalops.temporal.plugins.plugin_utils.filters import settings_filter


class FilterModule(object):
    """temporalops.temporal.server_*: the server role's configuration, units, upgrade walk and input checks."""

    def filters(self):
        return {
            'server_config': settings_filter(server_config),
            'server_client_host': server_cluster.client_host,
            'server_own_frontend': server_cluster.own_frontend,
            'server_units': server_plan.units,
            'server_exec_start': server_plan.exec_start,
            'server_upgrade_plan': server_plan.upgrade_plan,
            'server_schema_newest': server_plan.schema_newest,
            'server_schema_plan': server_plan.schema_plan,
            'server_unknown_keys': server_plan.unknown_keys,
            'server_problems': server_rules.problems,
            'server_ports': server_rules.ports,
            'server_setting_problems': settings_filter(server_rules.setting_problems),
            'server_allow_no_auth': settings_filter(server_rules.allow_no_auth),
            'server_cluster_problems': server_cluster.cluster_problems,
            'server_ring_members': server_cluster.ring_members,
            'server_stale_units': server_cluster.stale_units,
            'server_membership_listeners': server_cluster.membership_listeners,
            'server_tls_files': tls_files,
            'server_tls_names': tls_names,
            'server_jwks_problems': jwks.problems,
        }
