# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The server configuration of one unit of the temporal_server role, as data: the modelled settings
(persistence, services and their ports, membership, metrics, archival, log, clusterMetadata,
dynamicConfigClient), then temporal_server_config_overrides deep-merged on top.

The role writes it with to_nice_yaml(indent=2, sort_keys=False) (templates/server.yaml.j2), so the
key order here is the order of the file: an existing install must get the same text, or its
server restarts. Secrets are placeholders (__TEMPORALOPS_ENV_<VAR>__) that the template turns into
{{ env "<VAR>" }} references, so a password never lands in the file or in this data.
Field names: go.temporal.io/server common/config/config.go."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

from collections.abc import Mapping, MutableMapping

from ansible_collections.temporalops.temporal.plugins.module_utils.server_plan import to_int
from ansible_collections.temporalops.temporal.plugins.module_utils.settings import to_bool

MAIN_SERVICES = ('frontend', 'history', 'matching', 'worker')
# The listeners of each service, in the order of the file.
PORT_KINDS = {
    'frontend': (('grpcPort', 'grpc'), ('membershipPort', 'membership'), ('httpPort', 'http')),
    'history': (('grpcPort', 'grpc'), ('membershipPort', 'membership')),
    'matching': (('grpcPort', 'grpc'), ('membershipPort', 'membership')),
    'worker': (('grpcPort', 'grpc'), ('membershipPort', 'membership')),
    'internal-frontend': (('grpcPort', 'grpc'), ('membershipPort', 'membership'), ('httpPort', 'http')),
}
# The internal frontend grants every caller the system's rights (Temporal's internal claim
# mapper): its gRPC port takes the nodes' certificates only, but its HTTP API the frontend's
# TLS, clients' certificates included. Port 0 keeps that API closed.
CLOSED = 0
# What a bind address that listens everywhere tells clients instead.
ANY_ADDRESS = ('0.0.0.0', '::', '')
SQLITE_ATTRIBUTES = (('setup', 'true'), ('journal_mode', 'wal'), ('synchronous', '2'))


def server_config(settings, unit, dynamic_config_file):
    """The configuration of UNIT (an item of the server_units filter: name, metrics_port) as data.

    SETTINGS are the role's variables by name (temporal_server_*); numbers and booleans may be
    strings, as -e gives them. DYNAMIC_CONFIG_FILE is the path of the dynamic config the server polls.
    KeyError names a setting SETTINGS lack; ValueError a boolean setting that is not one."""
    config = {
        'log': _log(settings, unit),
        'persistence': {
            'defaultStore': 'default',
            'visibilityStore': 'visibility',
            'numHistoryShards': to_int(settings['temporal_server_num_history_shards']),
            'datastores': _datastores(settings),
        },
        'global': _global(settings, unit),
        'services': _services(settings),
        'clusterMetadata': _cluster_metadata(settings),
        'dcRedirectionPolicy': {'policy': 'noop'},
    }
    config.update(_archival(settings))
    config['dynamicConfigClient'] = {
        'filepath': dynamic_config_file,
        'pollInterval': settings['temporal_server_dynamic_config_poll_interval'],
    }
    overrides = settings['temporal_server_config_overrides']
    if overrides is not None:  # combine skips a null, as it does an empty mapping
        config = merge(config, overrides, recursive=True)
    # What the to_json | from_json round trip of the template gave: plain data, no shared references.
    return _plain(config)


def merge(base, other, recursive=False):
    """BASE | combine(OTHER, recursive=RECURSIVE) as Ansible computes it (lists replaced), down to
    the key order: OTHER's keys when BASE is empty or equal to it, else BASE's keys, then OTHER's new ones."""
    if not isinstance(base, MutableMapping) or not isinstance(other, MutableMapping):
        raise ValueError('combine expects dictionaries, got %r and %r' % (type(base).__name__, type(other).__name__))
    if base == {} or base == other:
        return dict(other)
    if other == {}:
        return base
    merged = dict(base)
    for key, value in other.items():
        if recursive and key in merged and isinstance(merged[key], MutableMapping) and isinstance(value, MutableMapping):
            merged[key] = merge(merged[key], value, recursive)
        else:
            merged[key] = value
    return merged


def host_port(host, port):
    """HOST:PORT, an IPv6 address in brackets."""
    host = '%s' % (host,)
    return '%s:%s' % ('[%s]' % host if ':' in host else host, port)


def _flag(settings, name):
    return to_bool(settings[name], name)


def _port(settings, name):
    return to_int(settings['temporal_server_%s' % name])


def _bind_ip(settings, service):
    """The address SERVICE listens on: its own, else temporal_server_bind_on_ip."""
    return '%s' % (settings['temporal_server_service_bind_on_ip'].get(service, settings['temporal_server_bind_on_ip']),)


def _advertised(settings):
    """The address other members and clients are told: the broadcast address, else the frontend's bind IP."""
    frontend = _bind_ip(settings, 'frontend')
    return settings['temporal_server_broadcast_address'] or (frontend if frontend not in ANY_ADDRESS else '127.0.0.1')


def _text(value):
    """An attribute value as the server wants it: text, booleans lowercase."""
    if isinstance(value, bool):
        return ('%s' % (value,)).lower()
    return '%s' % (value,)


def _connect_attributes(settings, sqlite):
    """connectAttributes, a map of strings: the SQLite defaults, then temporal_server_db_connect_attributes."""
    defaults = dict(SQLITE_ATTRIBUTES) if sqlite else {}
    given = merge(defaults, settings['temporal_server_db_connect_attributes'])
    return dict((key, _text(value)) for key, value in given.items())


def _datastores(settings):
    sqlite = settings['temporal_server_db_plugin'] == 'sqlite'
    attributes = _connect_attributes(settings, sqlite)
    if sqlite:
        stores = {}
        for store, name in (('default', 'temporal_server_sqlite_file'), ('visibility', 'temporal_server_sqlite_visibility_file')):
            stores[store] = {'sql': {
                'pluginName': 'sqlite', 'databaseName': settings[name], 'connectAddr': 'localhost', 'connectProtocol': 'tcp',
                'connectAttributes': dict(attributes), 'maxConns': 1, 'maxIdleConns': 1, 'maxConnLifetime': '1h'}}
        return stores
    db_host, db_port = settings['temporal_server_db_host'], _port(settings, 'db_port')
    default = {
        'pluginName': settings['temporal_server_db_plugin'],
        'databaseName': settings['temporal_server_db_name'],
        'connectAddr': host_port(db_host, db_port),
        'connectProtocol': 'tcp',
        'user': settings['temporal_server_db_user'],
        'password': '__TEMPORALOPS_ENV_TEMPORAL_DB_PASSWORD__',
        'maxConns': to_int(settings['temporal_server_db_max_conns']),
        'maxIdleConns': to_int(settings['temporal_server_db_max_idle_conns']),
        'maxConnLifetime': settings['temporal_server_db_max_conn_lifetime'],
    }
    visibility = {
        'pluginName': settings['temporal_server_db_plugin'],
        'databaseName': settings['temporal_server_visibility_db_name'],
        'connectAddr': host_port(settings['temporal_server_visibility_db_host'] or db_host,
                                 _port(settings, 'visibility_db_port') or db_port),
        'connectProtocol': 'tcp',
        'user': settings['temporal_server_visibility_db_user'] or settings['temporal_server_db_user'],
        'password': '__TEMPORALOPS_ENV_TEMPORAL_VISIBILITY_DB_PASSWORD__',
        'maxConns': to_int(settings['temporal_server_visibility_db_max_conns']),
        'maxIdleConns': to_int(settings['temporal_server_visibility_db_max_idle_conns']),
        'maxConnLifetime': settings['temporal_server_db_max_conn_lifetime'],
    }
    for sql in (default, visibility):
        if attributes:
            sql['connectAttributes'] = dict(attributes)
        if _flag(settings, 'temporal_server_db_tls_enabled'):
            sql['tls'] = _tls(settings)
    return {'default': {'sql': default}, 'visibility': {'sql': visibility}}


def _tls(settings):
    tls = {'enabled': True, 'enableHostVerification': _flag(settings, 'temporal_server_db_tls_verify_host')}
    for key, name in (('caFile', 'ca_file'), ('certFile', 'cert_file'), ('keyFile', 'key_file'), ('serverName', 'server_name')):
        value = settings['temporal_server_db_tls_%s' % name]
        if value:
            tls[key] = value
    return tls


def _services(settings):
    """Every service the cluster runs has its section (the ports are cluster-wide)."""
    services = {}
    listed = list(MAIN_SERVICES) + (['internal-frontend'] if 'internal-frontend' in settings['temporal_server_services'] else [])
    for service in listed:
        rpc = {}
        for key, kind in PORT_KINDS[service]:
            port = _port(settings, '%s_%s_port' % (service.replace('-', '_'), kind))
            if port != CLOSED or kind != 'http':
                rpc[key] = port
        rpc['bindOnIP'] = _bind_ip(settings, service)
        services[service] = {'rpc': rpc}
    return services


def _global(settings, unit):
    """Membership, and the metrics listener of the unit (one per unit)."""
    membership = {'maxJoinDuration': '30s'}
    if settings['temporal_server_broadcast_address']:
        membership['broadcastAddress'] = settings['temporal_server_broadcast_address']
    found = {'membership': membership}
    if settings['temporal_server_tls_cert']:
        found['tls'] = _global_tls(settings)
    if authorization_on(settings):
        found['authorization'] = _authorization(settings)
    metrics_port = to_int(unit['metrics_port'])
    if metrics_port > 0:
        found['metrics'] = {'prometheus': {'framework': 'tally', 'timerType': 'histogram',
                                           'listenAddress': host_port(settings['temporal_server_metrics_ip'], metrics_port)}}
    return found


TLS_DIR = 'tls'
# Warn a month ahead, error a week ahead (the server's log and its certificates_expiring gauge).
EXPIRATION_CHECKS = {'warningWindow': '720h', 'errorWindow': '168h', 'checkInterval': '1h'}


def tls_files(config_dir):
    """Where the role writes the node's TLS files: {ca, client_ca, cert, key}, and db_ca (the CA
    of temporal_server_db_tls_ca, which verifies the database)."""
    base = '%s/%s' % (config_dir.rstrip('/'), TLS_DIR)
    return {'ca': base + '/ca.pem', 'client_ca': base + '/client-ca.pem', 'cert': base + '/node.pem', 'key': base + '/node-key.pem',
            'db_ca': base + '/db-ca.pem'}


def tls_names(internode_name, client_host, broadcast_address, frontend_address, extra):
    """The names a node's certificate must carry: the internode name, the address this host's own
    calls dial, the broadcast address, the host of the frontend address (a balancer) and EXTRA."""
    frontend_host = ''
    if frontend_address:
        frontend_host = '%s' % (frontend_address,)
        frontend_host = frontend_host.split('///', 1)[-1].rsplit(':', 1)[0]
    names = []
    for name in [internode_name, client_host, broadcast_address, frontend_host] + list(extra or []):
        name = ('%s' % (name or '',)).strip().strip('[]')
        if name and name not in names:
            names.append(name)
    return names


def _global_tls(settings):
    """global.tls: one certificate per node serves the frontend and internode, and presents itself
    as the client of other nodes and of the system worker; the nodes' CA verifies every node. Peers
    are dialled by address, so the server checks the one internode name every node's certificate
    carries."""
    files = tls_files(settings['temporal_server_config_dir'])
    client = {'serverName': settings['temporal_server_tls_internode_name'], 'rootCaFiles': [files['ca']]}

    def server(require_client_auth, client_cas):
        return {'certFile': files['cert'], 'keyFile': files['key'], 'clientCaFiles': client_cas,
                'requireClientAuth': require_client_auth}
    # The frontend also takes the clients' CA; the nodes' own ports only the nodes'.
    frontend_cas = [files['ca']] + ([files['client_ca']] if settings['temporal_server_tls_client_ca'] else [])
    return {
        'internode': {'server': server(True, [files['ca']]), 'client': dict(client, rootCaFiles=list(client['rootCaFiles']))},
        'frontend': {'server': server(_flag(settings, 'temporal_server_tls_frontend_client_auth'), frontend_cas),
                     'client': dict(client, rootCaFiles=list(client['rootCaFiles']))},
        'systemWorker': {'certFile': files['cert'], 'keyFile': files['key'],
                         'client': dict(client, rootCaFiles=list(client['rootCaFiles']))},
        'refreshInterval': settings['temporal_server_tls_refresh_interval'],
        'expirationChecks': dict(EXPIRATION_CHECKS),
    }


def authorization_on(settings):
    """Whether the server checks a JWT on every call: a JWKS to verify the tokens is given."""
    return any(('%s' % (uri,)).strip() for uri in settings['temporal_server_jwt_key_source_uris'] or [])


def _authorization(settings):
    """global.authorization: Temporal's default claim mapper reads the permissions claim
    (<namespace>:<read|write|admin>, temporal-system:<role> for the cluster) of a token signed
    by a key of the JWKS, and the default authorizer allows what those roles allow."""
    found = {
        'jwtKeyProvider': {'keySourceURIs': ['%s' % (uri,) for uri in settings['temporal_server_jwt_key_source_uris']],
                           'refreshInterval': settings['temporal_server_jwt_refresh_interval']},
        'permissionsClaimName': settings['temporal_server_jwt_permissions_claim'],
        'authorizer': 'default',
        'claimMapper': 'default',
    }
    if settings['temporal_server_jwt_audience']:
        found['audience'] = settings['temporal_server_jwt_audience']
    return found


def _cluster_metadata(settings):
    name = settings['temporal_server_cluster_name']
    advertised = _advertised(settings)
    rpc_address = settings['temporal_server_frontend_address'] or host_port(advertised, _port(settings, 'frontend_grpc_port'))
    return {
        'enableGlobalNamespace': False,
        'failoverVersionIncrement': 10,
        'masterClusterName': name,
        'currentClusterName': name,
        'clusterInformation': {name: {
            'enabled': True,
            'initialFailoverVersion': 1,
            'rpcAddress': rpc_address,
            'httpAddress': host_port(advertised, _port(settings, 'frontend_http_port')),
        }},
    }


def _archival(settings):
    """archival and namespaceDefaults: valid only all on (state, read, provider, default URIs) or all off."""
    if not _flag(settings, 'temporal_server_archival'):
        return {'archival': {'history': {'state': 'disabled', 'enableRead': False},
                             'visibility': {'state': 'disabled', 'enableRead': False}},
                'namespaceDefaults': {'archival': {'history': {'state': 'disabled'}, 'visibility': {'state': 'disabled'}}}}
    archival, defaults = {}, {}
    for kind in ('history', 'visibility'):
        archival[kind] = {'state': 'enabled', 'enableRead': True,
                          'provider': {'filestore': {'fileMode': '0640', 'dirMode': '0750'}}}
        defaults[kind] = {'state': settings['temporal_server_archival_namespace_default'],
                          'URI': 'file://%s/%s' % (settings['temporal_server_archival_dir'], kind)}
    return {'archival': archival, 'namespaceDefaults': {'archival': defaults}}


def _log(settings, unit):
    to_file = _flag(settings, 'temporal_server_log_to_file')
    log = {'stdout': not to_file, 'level': settings['temporal_server_log_level'], 'format': settings['temporal_server_log_format']}
    if to_file:
        log['outputFile'] = '%s/%s.log' % (settings['temporal_server_log_dir'], unit['name'])
    return log


def _key(key):
    """A mapping key as JSON writes it (the to_json filter): text as is, numbers, booleans and null as JSON."""
    if isinstance(key, str):
        return '%s' % (key,)
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    raise ValueError('a key of type %s cannot be written to the server configuration' % type(key).__name__)


def _plain(value):
    """VALUE as to_json | from_json gives it back: plain dicts, lists and scalars, new objects throughout,
    dates as ISO text, keys as text."""
    if isinstance(value, Mapping):
        return dict((_key(key), _plain(item)) for key, item in value.items())
    if isinstance(value, str):
        return '%s' % (value,)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return value
