# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The temporal_server role's input checks that need loops (tasks/validate.yml turns each list into
one message naming the setting), and the listeners of a host with the ports used twice."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re
from collections.abc import Mapping

from ansible_collections.temporalops.temporal.plugins.module_utils.server_plan import get_default, to_bool, to_int, version_compare

NAMESPACE_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$')
RELEASE = re.compile(r'^[0-9]+[.][0-9]+[.][0-9]+([-+][0-9A-Za-z.-]+)?$')
CHECKSUM = re.compile(r'^((sha256:)?[0-9a-fA-F]{64})?$')
UPGRADE_PATH_KEYS = ('version', 'checksum', 'archive_path')
MAIN_SERVICES = ('frontend', 'history', 'matching', 'worker')


def _json_default(value):
    """What the to_json filter writes for the YAML types JSON lacks (sets, dates)."""
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError('Object of type %s is not JSON serializable' % type(value).__name__)


def _to_json(value):
    """A value quoted in a message, written as the to_json filter writes it."""
    return json.dumps(value, default=_json_default)


def _is_list(value):
    """A list of items (Jinja's `sequence` test, neither a string nor a mapping)."""
    return not isinstance(value, (str, bytes, Mapping)) and hasattr(value, '__len__') and hasattr(value, '__getitem__')


def _sort_key(item):
    """Jinja's dictsort order: by key, ignoring case."""
    key = item[0]
    return key.lower() if isinstance(key, str) else key


def _join(values, separator):
    """Jinja's join: each value as text."""
    return separator.join('%s' % (value,) for value in values)


def problems(config, dynamic_config, namespaces, upgrade_path, dc_constraints, namespace_keys, plugins):
    """The problems of the inputs that need loops, each a list of short descriptions ([] when fine):
    dynamic_config (constrained values), namespaces, plugins (the stores of the merged CONFIG),
    archival (all on or all off, the server's own rule) and upgrade_path (releases, oldest first)."""
    return {'dynamic_config': _dynamic_config_problems(dynamic_config, dc_constraints),
            'namespaces': _namespace_problems(namespaces, namespace_keys),
            'plugins': _plugin_problems(config, plugins),
            'archival': _archival_problems(config),
            'upgrade_path': _upgrade_path_problems(upgrade_path)}


def _dynamic_config_problems(dynamic_config, dc_constraints):
    """A list of mappings is read as constrained values: each has `value` and optional known `constraints`."""
    constraint_names = [('%s' % (name,)).lower() for name in dc_constraints]
    found = []
    for key, value in sorted(dynamic_config.items(), key=_sort_key):
        if not (_is_list(value) and len(value) > 0 and all(isinstance(item, Mapping) for item in value)
                and all('value' in item for item in value)):
            continue
        for index, item in enumerate(value):
            if [name for name in item.keys() if name not in ('value', 'constraints')]:
                found.append('%s[%d] keys %s' % (key, index, _join(item.keys(), '/')))
            elif 'constraints' in item and (not isinstance(item['constraints'], Mapping)
                                            or [name for name in item['constraints'].keys()
                                                if ('%s' % (name,)).lower() not in constraint_names]):
                found.append('%s[%d].constraints %s' % (key, index, _to_json(item['constraints'])))
    return found


def _namespace_problems(namespaces, namespace_keys):
    """Each namespace needs a valid name, once, only known keys and state present or absent."""
    found = []
    names = []
    for index, item in enumerate(namespaces):
        name = get_default(item, 'name')
        if not isinstance(item, Mapping) or not isinstance(name, str) or not NAMESPACE_NAME.match(name):
            found.append('item %d %s' % (index, _to_json(item)))
            continue
        if name in names:
            found.append('%s (listed twice)' % name)
        names.append(name)
        unknown = [key for key in item.keys() if key not in namespace_keys]
        if unknown:
            found.append('%s (unknown keys %s)' % (name, _join(unknown, ', ')))
        if item.get('state', 'present') not in ('present', 'absent'):
            found.append('%s (state %s)' % (name, item['state']))
    return found


def _plugin_problems(config, plugins):
    """persistence.defaultStore and visibilityStore must be sql stores of a supported plugin."""
    found = []
    persistence = get_default(config, 'persistence', {})
    for role in ('defaultStore', 'visibilityStore'):
        store = get_default(persistence, role, '')
        sql = get_default(get_default(get_default(persistence, 'datastores', {}), store, {}), 'sql')
        if not isinstance(sql, Mapping) or sql.get('pluginName', '') not in plugins:
            found.append('%s %s: %s' % (role, store, sql.get('pluginName', 'no sql store') if isinstance(sql, Mapping) else 'no sql store'))
    return found


def _archival_problems(config):
    """The server starts only with archival of a kind all on (state enabled, a provider and a
    namespaceDefaults URI) or all off."""
    found = []
    for kind in ('history', 'visibility'):
        cluster = get_default(get_default(config, 'archival', {}), kind, {})
        default = get_default(get_default(get_default(config, 'namespaceDefaults', {}), 'archival', {}), kind, {})
        enabled = get_default(cluster, 'state', '') == 'enabled'
        uri = len(get_default(default, 'URI', '')) > 0
        provider = get_default(cluster, 'provider') is not None
        if not ((enabled and uri and provider)
                or (not enabled and not get_default(cluster, 'enableRead', False) and get_default(default, 'state', '') != 'enabled'
                    and not uri and not provider)):
            found.append(kind)
    return found


def _upgrade_path_problems(upgrade_path):
    """Each step is a release version (or {version, checksum, archive_path}) from 1.30.0, oldest first, once."""
    found = []
    previous = '0.0.0'
    for index, item in enumerate(upgrade_path):
        mapping = isinstance(item, Mapping)
        version = '%s' % (item.get('version', '') if mapping else item,)
        unknown = [key for key in item.keys() if key not in UPGRADE_PATH_KEYS] if mapping else []
        if unknown:
            found.append('item %d has unknown keys %s' % (index, _join(unknown, ', ')))
        elif not RELEASE.match(version):
            found.append('item %d %s is not a release version such as 1.31.2' % (index, _to_json(item)))
        elif mapping and not CHECKSUM.match('%s' % (item.get('checksum', ''),)):
            found.append('%s: checksum must be empty or sha256:<64 hex digits>' % version)
        elif version_compare(version, '1.30.0') < 0:
            found.append('%s is older than 1.30.0' % version)
        elif version_compare(version, previous) <= 0:
            found.append('%s comes after %s (list them oldest first, once)' % (version, previous))
        else:
            previous = version
    return found


def ports(services, units, unit_per_service,
          frontend_grpc_port, frontend_membership_port, frontend_http_port,
          history_grpc_port, history_membership_port,
          matching_grpc_port, matching_membership_port,
          worker_grpc_port, worker_membership_port,
          internal_frontend_grpc_port, internal_frontend_membership_port, internal_frontend_http_port):
    """Every listener of the configuration, {ports: {setting: port}, duplicates: {setting: port}}
    (the ports used by more than one listener). Ports are numbers here even when given with -e."""
    given = {
        'frontend': (frontend_grpc_port, frontend_membership_port, frontend_http_port),
        'history': (history_grpc_port, history_membership_port),
        'matching': (matching_grpc_port, matching_membership_port),
        'worker': (worker_grpc_port, worker_membership_port),
        'internal-frontend': (internal_frontend_grpc_port, internal_frontend_membership_port, internal_frontend_http_port),
    }
    listeners = {}
    for service in list(MAIN_SERVICES) + (['internal-frontend'] if 'internal-frontend' in services else []):
        for kind, port in zip(('grpc', 'membership', 'http'), given[service]):
            listeners['temporal_server_%s_%s_port' % (service.replace('-', '_'), kind)] = to_int(port)
    per_service = to_bool(unit_per_service)
    for unit in units:
        if to_int(unit['metrics_port']) != 0:
            setting = 'temporal_server_metrics_split_ports.%s' % unit['services'][0] if per_service else 'temporal_server_metrics_port'
            listeners[setting] = to_int(unit['metrics_port'])
    values = list(listeners.values())
    duplicates = dict((setting, port) for setting, port in listeners.items() if values.count(port) > 1)
    return {'ports': listeners, 'duplicates': duplicates}
