# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rules and plans across the server hosts of one cluster (pure functions, tested with pytest).

Each server host describes itself as a node (the role's __temporal_server_node fact):
  host       its inventory name
  broadcast  temporal_server_broadcast_address ('' when unset)
  bind       the frontend's bind address (temporal_server_service_bind_on_ip or temporal_server_bind_on_ip)
  addresses  the host's own IP addresses from its facts ([] when they were not gathered)
  services   temporal_server_services
  shared     {setting: value} of the settings one cluster has one value of (SHARED)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

# The services every cluster needs somewhere (internal-frontend is optional).
REQUIRED_SERVICES = ('frontend', 'history', 'matching', 'worker')
ANY_ADDRESS = ('0.0.0.0', '::', '')
LOOPBACK_PREFIXES = ('127.', '::1')
# The settings that must be the same on every node: the release, the shard count and where the data is.
SHARED = (
    'temporal_server_version',
    'temporal_server_num_history_shards',
    'temporal_server_cluster_name',
    'temporal_server_db_plugin',
    'temporal_server_db_host',
    'temporal_server_db_port',
    'temporal_server_db_name',
    'temporal_server_visibility_db_host',
    'temporal_server_visibility_db_port',
    'temporal_server_visibility_db_name',
)


def node_address(node):
    """The address the rings know a node by: its broadcast address, else its bind address (loopback for any)."""
    if node.get('broadcast'):
        return '%s' % node['broadcast']
    bind = '%s' % (node.get('bind') or '')
    return '127.0.0.1' if bind in ANY_ADDRESS else bind


def _hosts(nodes):
    return ', '.join(sorted(node['host'] for node in nodes))


def _address_problems(nodes):
    problems, by_address = [], {}
    for node in nodes:
        by_address.setdefault(node_address(node), []).append(node)
    for address, sharing in sorted(by_address.items()):
        if len(sharing) > 1:
            problems.append(
                'temporal_server_broadcast_address: %s all join the cluster as %s; each node needs its own address (the '
                "host's IP the other nodes reach it on; site.yml sets each host's default IPv4 address)."
                % (_hosts(sharing), address))
    for node in nodes:
        address, own = node_address(node), [('%s' % ip) for ip in node.get('addresses') or []]
        if own and not address.startswith(LOOPBACK_PREFIXES) and address not in own:
            problems.append("temporal_server_broadcast_address '%s' of %s is not an address of that host (it has %s)."
                            % (address, node['host'], ', '.join(own)))
    return problems


def _loopback_problems(nodes):
    alone = sorted(node['host'] for node in nodes if node_address(node).startswith(LOOPBACK_PREFIXES))
    if alone:
        return ['temporal_server_bind_on_ip: %s join the cluster on a loopback address, which the other nodes cannot reach; '
                "bind the host's address (site.yml does unless temporal_server_bind_on_ip is set) or give "
                'temporal_server_broadcast_address.' % ', '.join(alone)]
    return []


def _shared_problems(nodes):
    problems = []
    for setting in SHARED:
        by_value = {}
        for node in nodes:
            value = json.dumps((node.get('shared') or {}).get(setting), sort_keys=True)
            by_value.setdefault(value, []).append(node)
        if len(by_value) > 1:
            problems.append('%s differs across the server hosts: %s. One cluster has one value.' % (setting, '; '.join(
                '%s on %s' % (json.loads(value), _hosts(sharing)) for value, sharing in sorted(by_value.items()))))
    return problems


def _service_problems(nodes):
    running = set(service for node in nodes for service in node.get('services') or [])
    missing = [service for service in REQUIRED_SERVICES if service not in running]
    if missing:
        return ['temporal_server_services: no server host (of %s) runs %s; every service needs at least one host.'
                % (_hosts(nodes), ', '.join(missing))]
    return []


def cluster_problems(nodes):
    """Every problem of the nodes as one cluster, each naming the setting and the hosts; [] when they fit."""
    nodes = list(nodes or [])
    if len(nodes) < 2:
        return []
    return _address_problems(nodes) + _loopback_problems(nodes) + _shared_problems(nodes) + _service_problems(nodes)


def ring_members(nodes):
    """{service: sorted addresses of the nodes that run it}: what each ring holds once every node has joined."""
    rings = {}
    for node in nodes or []:
        for service in node.get('services') or []:
            rings.setdefault(service, set()).add(node_address(node))
    return dict((service, sorted(addresses)) for service, addresses in rings.items())


def _local(ip):
    """Where this host reaches a listener bound to ip (loopback for every interface)."""
    ip = '%s' % (ip,)
    return {'0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1'}.get(ip, ip)


def client_host(ip):
    """The host part of a HOST:PORT address this host dials a listener bound to ip on
    (loopback for every interface; an IPv6 address in brackets)."""
    host = _local(ip)
    return '[%s]' % host if ':' in host else host


def own_frontend(services, authorization, frontend_ip, internal_frontend_ip, ports):
    """HOST:PORT of the frontend this node's own calls dial (health, namespaces, the shard check,
    the roll; '' when it runs none). With authorization, its internal frontend: there the node's
    certificate stands for the cluster itself, where the public frontend would want a token.
    PORTS: the gRPC port of frontend and internal-frontend."""
    service, ip = ('internal-frontend', internal_frontend_ip) if authorization else ('frontend', frontend_ip)
    if service not in (services or []):
        return ''
    return '%s:%d' % (client_host(ip), int(ports[service]))


def membership_listeners(services, bind_on_ip, service_bind_on_ip, ports):
    """[{host, port}]: where each service of this host listens for membership (every release opens it)."""
    return [{'host': _local((service_bind_on_ip or {}).get(service, bind_on_ip)), 'port': int(ports[service])}
            for service in services]


def stale_units(host, units, env_file, binary_path):
    """Names of the active units whose process is not what the host's files say it should run.

    A process that started before its config, unit or password file last changed, or that
    runs another binary than binary_path, missed a restart (a run that died before its
    handlers ran). host is what host_info read: units by '<name>.service', paths with mtime.
    main_started is whole seconds, so a file must be newer by a second to count: a restart in
    the same second as the write is not taken for a missed one.
    """
    stale = []
    described, paths = (host or {}).get('units') or {}, (host or {}).get('paths') or {}
    for unit in units or []:
        state = described.get('%s.service' % unit['name']) or {}
        started = state.get('main_started') or 0
        if state.get('active_state') != 'active' or not started:
            continue
        files = [unit['config'], '/etc/systemd/system/%s.service' % unit['name'], env_file]
        changed_since = [path for path in files if (paths.get(path) or {}).get('mtime', 0) >= started + 1]
        exe = state.get('exe') or ''
        if changed_since or (exe and exe != os.path.normpath(binary_path)):
            stale.append(unit['name'])
    return stale
