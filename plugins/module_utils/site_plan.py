# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What playbooks/site.yml works out for each host from the inventory: which address each node
of a cluster joins and binds, which frontends the balancer lists, where the server role's own
calls, the UIs and the workers reach a frontend, which hosts the database admits and where the
servers find it, on which addresses the database listens, and whether the site's CA issues the
database's certificate. Only what a host leaves unset is filled in.

A pure function of the groups, the hosts in the run and what each host set and gathered
(plugins/action/site_plan.py collects it), so its rules run under pytest.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.site_tls import issues_node_certificate

GROUPS = ('temporal_database', 'temporal_balancer', 'temporal_server', 'temporal_ui', 'temporal_worker')

# The settings the plan reads of each host when it sets them (inventory, play or extra vars).
SETTINGS = (
    'temporal_server_broadcast_address', 'temporal_server_bind_on_ip', 'temporal_server_service_bind_on_ip',
    'temporal_server_frontend_grpc_port', 'temporal_server_frontend_http_port', 'temporal_server_services',
    'temporal_server_frontend_address', 'temporal_server_db_host',
    'temporal_balancer_listen_address', 'temporal_balancer_grpc_port', 'temporal_balancer_backends',
    'temporal_balancer_http_backends',
    'temporal_ui_frontend_address', 'temporal_worker_defaults', 'temporal_postgresql_allowed_hosts',
    'temporal_server_insecure', 'temporal_server_tls_cert', 'temporal_postgresql_listen_addresses',
    'temporal_postgresql_tls_cert',
)

ANY = ('0.0.0.0', '::')
LOOPBACK = ('127.0.0.1', '::1', 'localhost')
# The roles' defaults where a host does not set them. An unset balancer listener counts as every
# interface here: site.yml then gives it the host's own address.
SERVER_BIND = '127.0.0.1'
GRPC_PORT = 7233
HTTP_PORT = 7243


def _frontend_bind(settings):
    """The address a server host's frontend binds."""
    return (settings.get('temporal_server_service_bind_on_ip') or {}).get(
        'frontend', settings.get('temporal_server_bind_on_ip', SERVER_BIND))


def _frontend_node(settings, address):
    """Where the other hosts reach a server host's frontend ('' when its address is unknown)."""
    bind = _frontend_bind(settings)
    return settings.get('temporal_server_broadcast_address') or (address if bind in ANY else bind)


def plan(groups, in_play, hosts):
    """{'hosts': {name: {setting: value}}, 'problems': [message]}.

    groups: {group: [host names]} of GROUPS; in_play: the hosts this run covers (after --limit);
    hosts: {name: {'address': its default IPv4 address ('' when not gathered), 'settings':
    {setting: value} of the SETTINGS it sets}}. A host's part is what it leaves unset; a problem
    is something the run lacks (a host left out, an address unknown) that a host of the run needs.
    """
    members = dict((group, list(groups.get(group) or [])) for group in GROUPS)
    servers, balancers = members['temporal_server'], members['temporal_balancer']
    names = set(sum(members.values(), []))
    settings = dict((name, dict((hosts.get(name) or {}).get('settings') or {})) for name in names)
    address = dict((name, (hosts.get(name) or {}).get('address') or '') for name in names)
    out = dict((name, {}) for name in names)
    problems = []

    # Several nodes, or one behind the balancer: each joins and binds on its host's address. The
    # settings filled in here are what the rules below read of that node.
    if len(servers) > 1 or (servers and balancers):
        for name in servers:
            own = settings[name]
            if not own.get('temporal_server_broadcast_address'):
                if not address[name]:
                    problems.append(([name], '%s joins the cluster on its default IPv4 address, which this run does not'
                                     ' know (--limit, or no default route): set its temporal_server_broadcast_address.'
                                     % name))
                own['temporal_server_broadcast_address'] = out[name]['temporal_server_broadcast_address'] = address[name]
            if 'temporal_server_bind_on_ip' not in own:
                own['temporal_server_bind_on_ip'] = out[name]['temporal_server_bind_on_ip'] = own[
                    'temporal_server_broadcast_address']

    frontends = [(name, _frontend_node(settings[name], address[name])) for name in servers
                 if 'frontend' in settings[name].get('temporal_server_services', ['frontend'])]

    balancer = ''
    if balancers:
        first = settings[balancers[0]]
        listen = first.get('temporal_balancer_listen_address', ANY[0])
        host = address[balancers[0]] if listen in ANY else listen
        if host:
            balancer = '%s:%s' % (host, first.get('temporal_balancer_grpc_port', GRPC_PORT))
        else:
            users = ([n for n in servers if 'temporal_server_frontend_address' not in settings[n]]
                     + [n for n in members['temporal_ui'] if 'temporal_ui_frontend_address' not in settings[n]]
                     + [n for n in members['temporal_worker'] if 'address' not in (settings[n].get('temporal_worker_defaults') or {})])
            problems.append((users, 'The frontends are reached through the balancer on %s, whose address this run does not'
                             ' know (--limit?): include that host, or set its temporal_balancer_listen_address.' % balancers[0]))
    for name in balancers:
        own = settings[name]
        lists = [setting for setting in ('temporal_balancer_backends', 'temporal_balancer_http_backends') if setting not in own]
        unknown = [n for n in servers if n not in in_play or not dict(frontends).get(n, True)]
        if lists and unknown:
            problems.append(([name], 'The balancer on %s lists every frontend, but this run does not know where %s serve'
                             ' (--limit?): include them, or set %s.' % (name, ', '.join(unknown), ' and '.join(lists))))
        for setting, key, default in (('temporal_balancer_backends', 'temporal_server_frontend_grpc_port', GRPC_PORT),
                                      ('temporal_balancer_http_backends', 'temporal_server_frontend_http_port', HTTP_PORT)):
            if setting in lists:
                out[name][setting] = ['%s:%s' % (node, settings[n].get(key, default)) for n, node in frontends]
        if 'temporal_balancer_listen_address' not in own:
            out[name]['temporal_balancer_listen_address'] = address[name]

    for name in servers:
        if balancer and 'temporal_server_frontend_address' not in settings[name]:
            out[name]['temporal_server_frontend_address'] = balancer

    # A UI or workers without their frontend's address: the balancer's; else this host's own
    # frontend, or the first server host's, on the address it binds (loopback beside it).
    for name in sorted(set(members['temporal_ui'] + members['temporal_worker'])) if servers else []:
        needs_ui = name in members['temporal_ui'] and 'temporal_ui_frontend_address' not in settings[name]
        defaults = settings[name].get('temporal_worker_defaults') or {}
        needs_worker = name in members['temporal_worker'] and 'address' not in defaults
        if not (needs_ui or needs_worker) or (balancers and not balancer):
            continue
        frontend = balancer
        if not balancers:
            server = name if name in servers else servers[0]
            bind = _frontend_bind(settings[server])
            if bind not in ANY + LOOPBACK:
                host = bind
            elif server == name:
                host = '127.0.0.1'
            else:
                host = settings[server].get('temporal_server_broadcast_address') or address[server]
            if not host:
                problems.append(([name], 'The UI or workers on %s talk to %s, whose address this run does not know'
                                 ' (--limit?): include that host, or set temporal_ui_frontend_address and the workers\''
                                 ' address.' % (name, server)))
                continue
            frontend = '%s:%s' % (host, settings[server].get('temporal_server_frontend_grpc_port', GRPC_PORT))
        if needs_ui:
            out[name]['temporal_ui_frontend_address'] = frontend
        if needs_worker:
            out[name]['temporal_worker_defaults'] = dict(defaults, address=frontend)

    database = members['temporal_database'][0] if members['temporal_database'] else None
    for name in members['temporal_database']:
        if 'temporal_postgresql_allowed_hosts' not in settings[name]:
            unknown = [n for n in servers if not address[n]]
            if unknown:
                problems.append(([name], 'The database on %s admits every server host, but this run does not know the'
                                 ' address of %s (--limit?): include them, or set temporal_postgresql_allowed_hosts.'
                                 % (name, ', '.join(unknown))))
            out[name]['temporal_postgresql_allowed_hosts'] = [address[n] for n in servers]
        # Only where the servers dial it (and loopback for its own tools), not every interface;
        # a server that names the database itself may dial it elsewhere.
        if 'temporal_postgresql_listen_addresses' not in settings[name] and address[name] and not any(
                'temporal_server_db_host' in settings[n] for n in servers):
            out[name]['temporal_postgresql_listen_addresses'] = ['localhost', address[name]]
    for name in servers:
        if database and 'temporal_server_db_host' not in settings[name]:
            if not address[database]:
                problems.append(([name], 'The server on %s uses the database on %s, whose address this run does not'
                                 ' know (--limit?): include that host, or set temporal_server_db_host.' % (name, database)))
                continue
            out[name]['temporal_server_db_host'] = address[database]

    # Only what a host of this run needs stops it.
    tls = site_issues_tls(servers, settings)
    return {'hosts': out, 'problems': [message for needing, message in problems if set(needing) & set(in_play)],
            'tls': tls, 'database_tls': tls and bool(database) and not settings[database].get('temporal_postgresql_tls_cert')}


def site_issues_tls(servers, settings):
    """Whether the site's own CA issues a server host's certificate: one that gives no certificate
    of its own and does not serve plaintext on purpose. Then the UIs and workers that give no
    TLS of their own get client certificates, in a run that leaves the server hosts out too."""
    return any(issues_node_certificate(settings[name]) for name in servers)
