# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The temporal_server role's input checks: setting_problems, every problem of the settings as one
message each (tasks/validate.yml), built on the checks that need loops (problems) and the listeners
of a host with the ports used twice (ports)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re
from collections.abc import Mapping

from ansible_collections.temporalops.temporal.plugins.module_utils.server_config import authorization_on
from ansible_collections.temporalops.temporal.plugins.module_utils.server_plan import get_default, to_bool, to_int, version_compare
from ansible_collections.temporalops.temporal.plugins.module_utils.settings import plain, to_bool as settings_to_bool

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
            if service == 'internal-frontend' and kind == 'http' and to_int(port) == 0:
                continue  # closed (server_config.CLOSED)
            listeners['temporal_server_%s_%s_port' % (service.replace('-', '_'), kind)] = to_int(port)
    per_service = to_bool(unit_per_service)
    for unit in units:
        if to_int(unit['metrics_port']) != 0:
            setting = 'temporal_server_metrics_split_ports.%s' % unit['services'][0] if per_service else 'temporal_server_metrics_port'
            listeners[setting] = to_int(unit['metrics_port'])
    values = list(listeners.values())
    duplicates = dict((setting, port) for setting, port in listeners.items() if values.count(port) > 1)
    return {'ports': listeners, 'duplicates': duplicates}


# The lists the role's checks name in their messages.
PLUGINS = ('postgres12', 'postgres12_pgx', 'sqlite')
SERVICES = ('frontend', 'history', 'matching', 'worker', 'internal-frontend')
DC_CONSTRAINTS = ('namespace', 'namespaceID', 'taskQueueName', 'taskType', 'historyTaskType', 'shardID', 'destination', 'chasmTaskType')
NAMESPACE_KEYS = ('name', 'state', 'retention', 'description', 'owner_email', 'data', 'history_archival_state',
                  'history_archival_uri', 'visibility_archival_state', 'visibility_archival_uri')
EVERY_INTERFACE = ('0.0.0.0', '::')
DIRS = ('temporal_server_config_dir', 'temporal_server_data_dir', 'temporal_server_log_dir', 'temporal_server_archival_dir')
PORT_NAMES = ('frontend_grpc_port', 'frontend_membership_port', 'frontend_http_port', 'history_grpc_port', 'history_membership_port',
              'matching_grpc_port', 'matching_membership_port', 'worker_grpc_port', 'worker_membership_port',
              'internal_frontend_grpc_port', 'internal_frontend_membership_port', 'internal_frontend_http_port')
POOL_SETTINGS = ('temporal_server_db_max_conns', 'temporal_server_db_max_idle_conns', 'temporal_server_visibility_db_max_conns',
                 'temporal_server_visibility_db_max_idle_conns', 'temporal_server_db_connect_timeout')
# Whole-value patterns (re.fullmatch), except VERSION_START, which only needs to begin the value.
IP = re.compile(r'((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
                r'|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*')
DURATION = re.compile('([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+')  # \u00b5: the micro sign
HOST_PORT = re.compile(r'(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):[0-9]{1,5}')
UNIT_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]*')
DOTTED_IDENTIFIER = re.compile(r'[A-Za-z_][A-Za-z0-9_.]*')
POLL_INTERVAL = re.compile(r'([0-9]+)([smh])')
JWKS_URL = re.compile(r'https?://[^\s/]+(/\S*)?')
VERSION_START = re.compile(r'[0-9]+\.[0-9]+\.[0-9]+')
SECONDS = {'s': 1, 'm': 60, 'h': 3600}


def _text(value):
    """VALUE as Jinja writes it into a message ('{{ value }}', '~')."""
    return '%s' % (value,)


def _is_ip(value):
    return IP.fullmatch(_text(value)) is not None


def setting_problems(settings, config, units):
    """Every problem of the temporal_server role's SETTINGS (its variables by name, as tasks/validate.yml
    passes them), one message each, in the role's order; [] when they are good. CONFIG is the merged
    server configuration as data (tasks/config_facts.yml), UNITS the host's units (server_units).
    Numbers and booleans may be strings, as -e gives them; a boolean that is not one is a problem too."""
    found = []
    for rule in _RULES:
        try:
            message = rule(settings, config, units)
        except ValueError as error:
            message = str(error)
        if message and message not in found:
            found.append(message)
    return found


def _flag(settings, name):
    return settings_to_bool(settings[name], name)


def _loop_problems(settings, config):
    return problems(config, settings['temporal_server_dynamic_config'], settings['temporal_server_namespaces'],
                    settings['temporal_server_upgrade_path'], DC_CONSTRAINTS, NAMESPACE_KEYS, PLUGINS)


def _listeners(settings, units):
    return ports(settings['temporal_server_services'], units, _flag(settings, 'temporal_server_unit_per_service'),
                 **dict((name, settings['temporal_server_' + name]) for name in PORT_NAMES))


def _bind_ips(settings):
    """The bind addresses by setting: temporal_server_bind_on_ip, then temporal_server_service_bind_on_ip.<service>."""
    found = {'temporal_server_bind_on_ip': settings['temporal_server_bind_on_ip']}
    for service, address in settings['temporal_server_service_bind_on_ip'].items():
        found['temporal_server_service_bind_on_ip.%s' % (service,)] = address
    return found


def _version(settings, config, units):
    version = _text(settings['temporal_server_version'])
    if VERSION_START.match(version) and version_compare(version, '1.30.0') < 0:
        return ('temporal_server_version %s is older than 1.30.0, the first release with `temporal-server --config-file`;'
                ' install 1.30.0 or later.' % version)
    return None


def _upgrade_path(settings, config, units):
    found = _loop_problems(settings, config)['upgrade_path']
    if found:
        return ('temporal_server_upgrade_path lists the releases between the running one and temporal_server_version, oldest'
                ' first, each a version or {version, checksum, archive_path}: %s.' % _join(found, '; '))
    return None


def _db_plugin(settings, config, units):
    plugin = settings['temporal_server_db_plugin']
    if plugin in PLUGINS:
        return None
    if plugin == 'postgres':
        # The trailing space is the role's message as it was in Jinja (folded before {% else %}).
        return ("temporal_server_db_plugin 'postgres' was removed in Temporal 1.24: use postgres12 (lib/pq driver) or"
                " postgres12_pgx (pgx driver); the database and schema stay the same. ")
    return ("temporal_server_db_plugin '%s' is not supported by this role; use one of %s."
            % (_text(plugin), ', '.join(PLUGINS)))


def _history_shards(settings, config, units):
    configured = get_default(get_default(config, 'persistence', {}), 'numHistoryShards')
    if to_int(settings['temporal_server_num_history_shards']) > 0 and to_int(configured) > 0:
        return None
    return ('temporal_server_num_history_shards must be a positive number of shards (got %s); it is fixed forever once the'
            ' database is first used.' % _text(configured))


def _services(settings, config, units):
    services = settings['temporal_server_services']
    unknown = [service for service in services if service not in SERVICES]
    repeated = [service for index, service in enumerate(services) if service in services[:index]]
    if len(services) > 0 and not unknown and not repeated:
        return None
    return ('temporal_server_services %s must list each service once, from %s%s.'
            % (plain(services), ', '.join(SERVICES), ' (unknown: %s)' % _join(unknown, ', ') if unknown else ''))


def _metrics_split_ports(settings, config, units):
    missing = [service for service in settings['temporal_server_services']
               if service not in settings['temporal_server_metrics_split_ports']]
    if not _flag(settings, 'temporal_server_unit_per_service') or to_int(settings['temporal_server_metrics_port']) == 0 \
            or not missing:
        return None
    return ('temporal_server_metrics_split_ports needs a port for every service of temporal_server_services'
            ' (one metrics listener per unit); missing: %s.' % _join(missing, ', '))


def _port_range(settings, config, units):
    items = list(_listeners(settings, units)['ports'].items())
    outside = [item for item in items if not item[1] >= 1] + [item for item in items if not item[1] <= 65535]
    if outside:
        return 'Ports must be between 1 and 65535: %s.' % (dict(outside),)
    return None


def _ports_used_twice(settings, config, units):
    duplicates = _listeners(settings, units)['duplicates']
    if duplicates:
        return 'Each listener needs its own port; these share one: %s.' % (duplicates,)
    return None


def _bind_addresses(settings, config, units):
    invalid = dict((name, address) for name, address in _bind_ips(settings).items() if not _is_ip(address))
    if invalid:
        return 'Bind addresses must be IP addresses (such as 127.0.0.1, 0.0.0.0 or ::): %s.' % (plain(invalid),)
    return None


def _service_bind_keys(settings, config, units):
    keys = list(settings['temporal_server_service_bind_on_ip'].keys())
    if [key for key in keys if key not in SERVICES]:
        return 'temporal_server_service_bind_on_ip keys must be services (%s); got %s.' % (', '.join(SERVICES), plain(keys))
    return None


def _broadcast_address(settings, config, units):
    address = settings['temporal_server_broadcast_address']
    if address:
        if _is_ip(address):
            return None
        return ("temporal_server_broadcast_address '%s' must be an IP address (the membership ring does not resolve names)."
                % _text(address))
    everywhere = dict((name, ip) for name, ip in _bind_ips(settings).items() if ip in EVERY_INTERFACE)
    if everywhere:
        return ("Services bound to every interface (%s) need temporal_server_broadcast_address: this host's IP, the address"
                " the other cluster members reach it on." % (plain(everywhere),))
    return None


def _metrics_ip(settings, config, units):
    if _is_ip(settings['temporal_server_metrics_ip']):
        return None
    return "temporal_server_metrics_ip '%s' must be an IP address." % _text(settings['temporal_server_metrics_ip'])


def _frontend_address(settings, config, units):
    address = settings['temporal_server_frontend_address']
    if not address or HOST_PORT.fullmatch(_text(address)):
        return None
    return "temporal_server_frontend_address '%s' must be host:port (such as temporal.example.internal:7233)." % _text(address)


def _service_name(settings, config, units):
    name = _text(settings['temporal_server_service_name'])
    if UNIT_NAME.fullmatch(name):
        return None
    return "temporal_server_service_name '%s' must be a plain unit name (letters, digits, '.', '_', '-')." % name


def _dirs(settings, config, units):
    # Only the start is checked (as the role always did): an absolute path.
    relative = dict((name, settings[name]) for name in DIRS if not re.match(r'/.+', _text(settings[name])))
    if relative:
        return 'Directories must be absolute paths: %s.' % (plain(relative),)
    return None


def _conn_lifetime(settings, config, units):
    lifetime = _text(settings['temporal_server_db_max_conn_lifetime'])
    if DURATION.fullmatch(lifetime):
        return None
    return "temporal_server_db_max_conn_lifetime '%s' must be a Go duration such as 1h or 30m." % lifetime


def _pool_sizes(settings, config, units):
    if min(to_int(settings[name]) for name in POOL_SETTINGS) > 0:
        return None
    return ('temporal_server_db_max_conns, temporal_server_db_max_idle_conns, temporal_server_visibility_db_max_conns,'
            ' temporal_server_visibility_db_max_idle_conns and temporal_server_db_connect_timeout must be positive.')


def _passwords(settings, config, units):
    if re.search('[\r\n\x00]', _text(settings['temporal_server_db_password']) + _text(settings['temporal_server_visibility_db_password'])):
        return 'temporal_server_db_password and temporal_server_visibility_db_password must be one line (no newline or NUL).'
    return None


def _tls_pair(settings, config, units):
    if bool(settings['temporal_server_db_tls_cert_file']) == bool(settings['temporal_server_db_tls_key_file']):
        return None
    return ('temporal_server_db_tls_cert_file and temporal_server_db_tls_key_file go together (a client certificate'
            ' and its key), or neither.')


def _db_ca_once(settings, config, units):
    if not (settings.get('temporal_server_db_tls_ca') and settings['temporal_server_db_tls_ca_file']):
        return None
    return ('temporal_server_db_tls_ca and temporal_server_db_tls_ca_file both give the CA that verifies the database:'
            ' set one of them.')


def _tls_enabled(settings, config, units):
    if _flag(settings, 'temporal_server_db_tls_enabled') or settings.get('temporal_server_db_tls_ca') or not ''.join(_text(settings[name]) for name in (
            'temporal_server_db_tls_ca_file', 'temporal_server_db_tls_cert_file', 'temporal_server_db_tls_key_file',
            'temporal_server_db_tls_server_name')):
        return None
    return ('temporal_server_db_tls_* files or server name are set but temporal_server_db_tls_enabled is false:'
            ' set it to true, or clear them.')


def _is_loopback(address):
    text = _text(address)
    return text.startswith('127.') or text == '::1'


def _server_tls(settings, config, units):
    given = [name for name in ('temporal_server_tls_ca', 'temporal_server_tls_cert', 'temporal_server_tls_key') if settings[name]]
    if given and len(given) < 3:
        return ('temporal_server_tls_ca, temporal_server_tls_cert and temporal_server_tls_key go together (TLS needs the CA,'
                ' the certificate and its key); only %s %s set.' % (' and '.join(given), 'is' if len(given) == 1 else 'are'))
    return None


def _tls_overrides(settings, config, units):
    overrides = settings['temporal_server_config_overrides'] or {}
    if isinstance(overrides.get('global'), Mapping) and 'tls' in overrides['global']:
        return ('temporal_server_config_overrides must not set global.tls: give temporal_server_tls_ca, temporal_server_tls_cert'
                ' and temporal_server_tls_key instead, so that the role writes the files and its own calls (health, namespaces,'
                ' the shard check) use TLS too.')
    return None


# What a listener beyond loopback needs, each with where it comes from.
TLS_NEEDED = ('TLS', 'temporal_server_tls_ca, temporal_server_tls_cert and temporal_server_tls_key; the site playbook issues'
                     ' them from its own CA')
AUTHORIZATION_NEEDED = ('authorization', "temporal_server_jwt_key_source_uris: your identity provider's JWKS")


def _insecure(settings, config, units):
    if _flag(settings, 'temporal_server_insecure'):
        return None
    exposed = dict((name, address) for name, address in _bind_ips(settings).items() if not _is_loopback(address))
    missing = [] if settings['temporal_server_tls_cert'] else [TLS_NEEDED]
    if allow_no_auth(settings):
        missing.append(AUTHORIZATION_NEEDED)
    if not exposed or not missing:
        return None
    return ('%s listen beyond loopback without %s: anyone who reaches the ports could start, read and terminate any workflow.'
            ' Give %s, or set temporal_server_insecure: true to serve so on purpose.'
            % (plain(exposed), ' or '.join(what for what, _how in missing),
               ' and '.join('%s (%s)' % (what, how) for what, how in missing)))


def _metrics_beyond_loopback(settings, config, units):
    """Temporal's Prometheus listener serves plain HTTP to whoever asks: TLS and authorization
    do not reach it, so beyond loopback it needs an opt-out of its own."""
    address = settings['temporal_server_metrics_ip']
    if (_flag(settings, 'temporal_server_insecure') or _flag(settings, 'temporal_server_metrics_insecure')
            or to_int(settings['temporal_server_metrics_port']) == 0 or not _is_ip(address) or _is_loopback(address)):
        return None
    return ('temporal_server_metrics_ip %s serves /metrics beyond loopback in plaintext to anyone: Temporal\'s Prometheus'
            ' listener has neither TLS nor authentication, and its series name the namespaces and task queues. Keep it on'
            ' loopback and let an agent on the host carry the metrics, or set temporal_server_metrics_insecure: true on a'
            ' network only your Prometheus reaches.' % _text(address))


def _internal_http_beyond_loopback(settings, config, units):
    """The internal frontend's HTTP API takes the clients' certificates, and there they stand for
    the system: beyond loopback it hands the cluster to every UI, worker and operator."""
    port = to_int(settings['temporal_server_internal_frontend_http_port'])
    address = settings['temporal_server_service_bind_on_ip'].get('internal-frontend', settings['temporal_server_bind_on_ip'])
    if (port == 0 or 'internal-frontend' not in settings['temporal_server_services'] or _flag(settings, 'temporal_server_insecure')
            or not _is_ip(address) or _is_loopback(address)):
        return None
    return ('temporal_server_internal_frontend_http_port %d opens the internal frontend\'s HTTP API on %s: it takes the'
            ' clients\' certificates and gives them the system\'s rights, whatever their token. Leave it at 0, bind the internal'
            ' frontend to loopback (temporal_server_service_bind_on_ip.internal-frontend), or set temporal_server_insecure:'
            ' true.' % (port, _text(address)))


def _listener_overrides(settings, config, units):
    """The addresses the listener checks judge come from the settings: overrides would open a
    listener those checks never see."""
    overrides = settings['temporal_server_config_overrides'] or {}
    paths = []
    services = overrides.get('services')
    for service, options in sorted((services if isinstance(services, Mapping) else {}).items(), key=lambda item: str(item[0])):
        if isinstance(options, Mapping) and isinstance(options.get('rpc'), Mapping) and 'bindOnIP' in options['rpc']:
            paths.append('services.%s.rpc.bindOnIP' % (service,))
    metrics = overrides.get('global', {}).get('metrics') if isinstance(overrides.get('global'), Mapping) else None
    if isinstance(metrics, Mapping) and isinstance(metrics.get('prometheus'), Mapping) and 'listenAddress' in metrics['prometheus']:
        paths.append('global.metrics.prometheus.listenAddress')
    if not paths:
        return None
    return ('temporal_server_config_overrides must not set %s: give temporal_server_bind_on_ip, temporal_server_service_bind_on_ip'
            ' and temporal_server_metrics_ip instead, which the checks of what listens beyond loopback judge.' % ', '.join(paths))


_UNSET = object()


def allow_no_auth(settings):
    """Whether the server runs without an authorizer: no JWKS (the role's JWT authorization) and
    none set through temporal_server_config_overrides (a plugin of a custom build). The server
    then wants --allow-no-auth said out loud."""
    return not authorization_on(settings) and not _authorizer_override(settings)


def _authorization_override(settings):
    """global.authorization as temporal_server_config_overrides sets it, or _UNSET."""
    overrides = settings['temporal_server_config_overrides'] or {}
    found = overrides.get('global') if isinstance(overrides, Mapping) else None
    return found.get('authorization', _UNSET) if isinstance(found, Mapping) else _UNSET


def _authorizer_override(settings):
    """The authorizer temporal_server_config_overrides sets (a plugin of a custom build), or ''."""
    found = _authorization_override(settings)
    return _text(found.get('authorizer') or '') if isinstance(found, Mapping) else ''


def _authorization(settings, config, units):
    """JWT authorization: JWKS URLs, how often they are read, and the nodes' mutual TLS that the
    internal frontend (the system worker's way in) relies on."""
    uris = settings['temporal_server_jwt_key_source_uris'] or []
    if not _is_list(uris):
        return 'temporal_server_jwt_key_source_uris must be a list of URLs; got %s.' % plain(uris)
    if not authorization_on(settings):
        return None
    found = []
    bad = [uri for uri in uris if not JWKS_URL.fullmatch(_text(uri))]
    if bad:
        found.append('temporal_server_jwt_key_source_uris must be http:// or https:// URLs of JWKS documents; got %s.'
                     % _join(bad, ', '))
    if _authorization_override(settings) is not _UNSET:
        found.append('temporal_server_config_overrides must not set global.authorization when temporal_server_jwt_key_source_uris'
                     ' is given: the role writes it.')
    if not settings['temporal_server_tls_cert']:
        found.append('temporal_server_jwt_key_source_uris needs TLS (temporal_server_tls_ca, temporal_server_tls_cert and'
                     ' temporal_server_tls_key): the internal frontend gives the system\'s rights to any caller, and only the'
                     ' nodes\' mutual TLS keeps others out.')
    if not POLL_INTERVAL.fullmatch(_text(settings['temporal_server_jwt_refresh_interval'])):
        found.append("temporal_server_jwt_refresh_interval '%s' must be written as seconds, minutes or hours (30s, 1m)."
                     % _text(settings['temporal_server_jwt_refresh_interval']))
    return ' '.join(found) or None


def _tls_refresh_interval(settings, config, units):
    interval = _text(settings['temporal_server_tls_refresh_interval'])
    if POLL_INTERVAL.fullmatch(interval):
        return None
    return ("temporal_server_tls_refresh_interval '%s' must be written as seconds, minutes or hours (30s, 1m)." % interval)


def _sqlite_files(settings, config, units):
    if settings['temporal_server_db_plugin'] != 'sqlite':
        return None
    data_dir = _text(settings['temporal_server_data_dir'])
    inside = re.escape(data_dir.rstrip('/')) + '/[^/]+'
    if all(re.fullmatch(inside, _text(settings[name])) for name in ('temporal_server_sqlite_file', 'temporal_server_sqlite_visibility_file')):
        return None
    return ('temporal_server_sqlite_file and temporal_server_sqlite_visibility_file must be files directly inside'
            ' temporal_server_data_dir %s (the only directory the service may write).' % data_dir)


def _sqlite_one_unit(settings, config, units):
    if settings['temporal_server_db_plugin'] != 'sqlite' or not _flag(settings, 'temporal_server_unit_per_service'):
        return None
    return ('temporal_server_db_plugin sqlite keeps the database inside one process: run every service in one unit'
            ' (temporal_server_unit_per_service: false), or use PostgreSQL.')


def _dynamic_config_keys(settings, config, units):
    invalid = [key for key in settings['temporal_server_dynamic_config'].keys() if not DOTTED_IDENTIFIER.fullmatch(_text(key))]
    if invalid:
        return ('temporal_server_dynamic_config keys must be dotted identifiers such as frontend.enableUpdateWorkflowExecution;'
                ' got %s.' % (plain(invalid),))
    return None


def _dynamic_config_values(settings, config, units):
    found = _loop_problems(settings, config)['dynamic_config']
    if found:
        return ('temporal_server_dynamic_config: a list of mappings is read as constrained values, each with `value` and'
                ' optional `constraints` (%s); check %s.' % (', '.join(DC_CONSTRAINTS), _join(found, '; ')))
    return None


def _poll_interval(settings, config, units):
    interval = _text(settings['temporal_server_dynamic_config_poll_interval'])
    match = POLL_INTERVAL.fullmatch(interval)
    if match and int(match.group(1)) * SECONDS[match.group(2)] >= 5:
        return None
    return ("temporal_server_dynamic_config_poll_interval '%s' must be at least 5s, written as seconds, minutes or hours"
            " (10s, 1m)." % interval)


def _namespaces(settings, config, units):
    found = _loop_problems(settings, config)['namespaces']
    if found:
        return ("temporal_server_namespaces: each item needs a name (letters, digits, '.', '_', '-'), once, and only the keys"
                " %s, with state present or absent; check %s." % (', '.join(NAMESPACE_KEYS), _join(found, '; ')))
    return None


def _store_plugins(settings, config, units):
    found = _loop_problems(settings, config)['plugins']
    if found:
        return ('The datastores of persistence.defaultStore and visibilityStore must be sql stores with pluginName one of'
                ' %s (after temporal_server_config_overrides); got %s.' % (', '.join(PLUGINS), _join(found, '; ')))
    return None


def _archival(settings, config, units):
    found = _loop_problems(settings, config)['archival']
    if found:
        return ('Archival must be all on (state enabled, a provider and a namespaceDefaults URI) or all off (state disabled,'
                ' no enableRead, provider or URI), or the server refuses to start; check the %s'
                ' archival (after temporal_server_config_overrides).' % _join(found, ' and '))
    return None


def _public_client(settings, config, units):
    if 'internal-frontend' in settings['temporal_server_services'] and get_default(config, 'publicClient'):
        return 'With an internal-frontend service, publicClient must stay empty (the server refuses to start otherwise).'
    return None


def _health_timeout(settings, config, units):
    if to_int(settings['temporal_server_health_timeout']) > 0 and to_int(settings['temporal_server_limit_nofile']) >= 0:
        return None
    return 'temporal_server_health_timeout must be positive and temporal_server_limit_nofile 0 or more.'


# In the order of the role's messages (tasks/validate.yml printed them so before).
_RULES = (_version, _upgrade_path, _db_plugin, _history_shards, _services, _metrics_split_ports, _port_range,
          _ports_used_twice, _bind_addresses, _service_bind_keys, _broadcast_address, _metrics_ip, _frontend_address,
          _service_name, _dirs, _conn_lifetime, _pool_sizes, _passwords, _tls_pair, _db_ca_once, _tls_enabled, _server_tls,
          _tls_overrides, _listener_overrides, _tls_refresh_interval, _insecure, _metrics_beyond_loopback, _internal_http_beyond_loopback,
          _authorization, _sqlite_files, _sqlite_one_unit, _dynamic_config_keys, _dynamic_config_values, _poll_interval,
          _namespaces, _store_plugins, _archival, _public_client, _health_timeout)
