# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which certificates playbooks/site.yml asks the collection's CA for (the pki action), from what
each host of the run said it needs (its __temporal_site_tls fact):

  node    the names its server certificate must carry; [] when it needs none (not a server
          host, a certificate of its own, or plaintext on purpose)
  ui      whether its UI needs a client certificate, and
  worker  whether its workers need one: they give no TLS of their own, and the site issues the
          server hosts' certificates (site_plan.site_issues_tls); with the user's own PKI for
          the servers, the clients' certificates are the user's too. A host's UI and workers
          share its certificate.
  database  the names the certificate of its PostgreSQL must carry; [] when it needs none (not
          a database host, a certificate of its own, or no site TLS)
  db_ca   whether its server verifies the site's database with the nodes' CA (it found the
          database through the site and set no database TLS of its own)
  ui_https  the names the HTTPS certificate of its UI's own listener must carry; [] when it
          needs none (no UI, a loopback listener, a certificate of its own, plain HTTP on
          purpose, or no site TLS)

An operator's client certificate stays
beside the CA on the controller, for the CLI and SDKs run from there. Pure, tested with pytest."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.temporalops.temporal.plugins.module_utils.server_cluster import client_host
from ansible_collections.temporalops.temporal.plugins.module_utils.postgresql_settings import tls_names as tls_listen_names
from ansible_collections.temporalops.temporal.plugins.module_utils.server_config import tls_names
from ansible_collections.temporalops.temporal.plugins.module_utils.ui_config import LOOPBACK, https_names

OPERATOR = 'operator'
CLIENT_SUFFIX = '-client'
DATABASE_SUFFIX = '-postgresql'
UI_SUFFIX = '-ui'
# What each of a host's node-CA certificates is, as a refusal names it.
OWNED = {'node': 'the node certificate of %s', 'database': 'the database certificate of %s',
         'ui_https': 'the UI HTTPS certificate of %s'}


def _yes(value):
    """A yes/no setting as the site reads it before the roles check it: what is not a clear yes
    counts as no (the roles' argument specs refuse the rest, naming the setting)."""
    return boolean(value, strict=False)


def issues_node_certificate(settings):
    """Whether the site's own CA issues a server host's certificate: the host gives none of its own
    and does not serve plaintext on purpose (SETTINGS: the host's, unset ones absent or None)."""
    return not settings.get('temporal_server_tls_cert') and not _yes(settings.get('temporal_server_insecure'))


def _unique(names):
    """NAMES without the empty ones and repeats, in order."""
    found = []
    for name in names:
        if name and name not in found:
            found.append(name)
    return found


def client_name(host):
    """The name of HOST's client certificate (and of its files on the controller)."""
    return '%s%s' % (host, CLIENT_SUFFIX)


def database_name(host):
    """The name of the certificate HOST's PostgreSQL serves (and of its files on the controller)."""
    return '%s%s' % (host, DATABASE_SUFFIX)


def ui_name(host):
    """The name of the HTTPS certificate HOST's UI serves (and of its files on the controller)."""
    return '%s%s' % (host, UI_SUFFIX)


def certificates(described):
    """The pki action's certificates: [{name, names, usage}], nodes first (the databases' from
    the nodes' CA too, which the servers verify them with, and the UIs' HTTPS ones, which browsers
    verify with it), then the clients.

    DESCRIBED is {host: {'node': [names], 'database': [names], 'ui_https': [names], 'ui': bool,
    'worker': bool}} of the hosts in the run. Raises ValueError when two of them would share a
    name."""
    wanted, owners = [], {}
    for host in sorted(described):
        for kind, name in (('node', host), ('database', database_name(host)), ('ui_https', ui_name(host))):
            names = list((described[host] or {}).get(kind) or [])
            if names:
                # A database's or UI's certificate only serves: the nodes' internal ports, which
                # take certificates of the nodes' CA, must not take it from who reads its key.
                wanted.append({'name': name, 'names': names, 'usage': 'node' if kind == 'node' else 'server'})
                owners.setdefault(name, []).append(OWNED[kind] % host)
    # The names are the hosts' own with a suffix: a host named like another's suffixed name
    # would get that host's certificate (and its files on the controller).
    clashes = ['%s (%s)' % (name, ' and '.join(who)) for name, who in sorted(owners.items()) if len(who) > 1]
    if clashes:
        raise ValueError('The site names its certificates after the inventory hosts, and these names would be two'
                         ' certificates: %s. Rename one of the hosts.' % '; '.join(clashes))
    for host in sorted(described):
        if (described[host] or {}).get('ui') or (described[host] or {}).get('worker'):
            wanted.append({'name': client_name(host), 'names': [], 'usage': 'client'})
    return wanted + ([{'name': OPERATOR, 'names': [], 'usage': 'client'}] if wanted else [])


# The roles' defaults of the settings needs() reads (the site's first play runs before the roles
# are loaded).
DEFAULTS = {'temporal_server_tls_internode_name': 'temporal-internode', 'temporal_server_bind_on_ip': '127.0.0.1',
            'temporal_ui_listen_address': '127.0.0.1'}


def needs(host, groups, site_issues_tls, settings, database_tls=False, address=''):
    """What HOST needs of the site's CAs, as certificates() takes it: {'node': [names], 'ui': bool,
    'worker': bool, 'database': [names], 'db_ca': bool, 'ui_https': [names]}.

    GROUPS is the inventory's {group: [hosts]}; SITE_ISSUES_TLS whether the site issues the server
    hosts' certificates (site_plan); SETTINGS the host's settings (one that is unset may be absent
    or None). A server host needs a certificate unless it gives its own or serves plaintext on
    purpose: its names are the internode name, the address its own calls dial, its broadcast and
    frontend addresses, its extra names, its inventory name and localhost. Its UI and workers need
    a client certificate when the site issues TLS and they bring none of their own.

    DATABASE_TLS (site_plan) says the site issues its database's certificate: a database host
    without one of its own then needs one for the addresses it listens on, ADDRESS (the host's
    default IPv4 address, which the servers dial), its inventory name and localhost; a server host that found the database through the site (no
    temporal_server_db_host of its own) and set no database TLS verifies it with the nodes' CA.

    A UI that listens beyond loopback and brings no HTTPS certificate (nor plain HTTP on purpose)
    needs one, when the site issues TLS: for its listen address, ADDRESS (the host's default
    IPv4 address), its inventory name and localhost."""
    def setting(name, default=None):
        value = settings.get(name)
        return DEFAULTS.get(name, default) if value is None else value

    def member(group):
        return host in (groups.get(group) or [])

    node = []
    if member('temporal_server') and issues_node_certificate(settings):
        service_binds = setting('temporal_server_service_bind_on_ip', {}) or {}
        frontend_bind = service_binds.get('frontend', setting('temporal_server_bind_on_ip'))
        node = tls_names(setting('temporal_server_tls_internode_name'), client_host(frontend_bind),
                         setting('temporal_server_broadcast_address', ''), setting('temporal_server_frontend_address', ''),
                         list(setting('temporal_server_tls_names', []) or []) + [host, 'localhost'])
    worker_tls_given = 'tls' in (setting('temporal_worker_defaults', {}) or {}) or any(
        'tls' in (instance or {}) for instance in setting('temporal_worker_instances', []) or [])
    database = []
    if database_tls and member('temporal_database') and not settings.get('temporal_postgresql_tls_cert'):
        database = _unique(tls_listen_names(setting('temporal_postgresql_listen_addresses', []) or []) + [address, host, 'localhost'])
    own_db_tls = settings.get('temporal_server_db_host') or _yes(settings.get('temporal_server_db_tls_enabled')) or any(
        settings.get(name) for name in ('temporal_server_db_tls_ca', 'temporal_server_db_tls_ca_file'))
    ui_https = []
    own_https = settings.get('temporal_ui_https_cert') or settings.get('temporal_ui_https_cert_file')
    listen = setting('temporal_ui_listen_address')
    if site_issues_tls and member('temporal_ui') and not own_https and not _yes(settings.get('temporal_ui_insecure')) \
            and not LOOPBACK.fullmatch('%s' % listen):
        ui_https = _unique(https_names(listen) + [address, host, 'localhost'])
    return {'node': node,
            'ui_https': ui_https,
            'ui': bool(site_issues_tls) and member('temporal_ui') and not _yes(settings.get('temporal_ui_tls_enabled')),
            'worker': bool(site_issues_tls) and member('temporal_worker') and not worker_tls_given,
            'database': database,
            'db_ca': bool(database_tls) and member('temporal_server') and not own_db_tls}


def host_settings(results, host, needed, worker_defaults):
    """The settings HOST's roles take from what the pki action issued: RESULTS are its results for
    the nodes' CA and the clients' CA, in that order; NEEDED is what needs() said of HOST.

    A server node gets both CAs (the clients' one verifies the frontend's clients), its certificate
    and key; a UI and workers that need one get the host's client certificate and the nodes' CA
    (it verifies the servers). A database host gets its PostgreSQL's certificate and key, a
    server that verifies the site's database the nodes' CA, and a UI that needs one its HTTPS
    certificate and key. Settings HOST does not take are absent."""
    nodes, clients = results
    taken = {}
    own = (nodes.get('certificates') or {}).get(host)
    if own:
        taken.update(temporal_server_tls_ca=nodes['ca'], temporal_server_tls_client_ca=clients['ca'],
                     temporal_server_tls_cert=own['cert'], temporal_server_tls_key=own['key'])
    database = (nodes.get('certificates') or {}).get(database_name(host))
    if database:
        taken.update(temporal_postgresql_tls_cert=database['cert'], temporal_postgresql_tls_key=database['key'])
    if needed.get('db_ca') and nodes.get('ca'):
        taken['temporal_server_db_tls_ca'] = nodes['ca']
    https = (nodes.get('certificates') or {}).get(ui_name(host))
    if https:
        taken.update(temporal_ui_https_cert=https['cert'], temporal_ui_https_key=https['key'])
    client = (clients.get('certificates') or {}).get(client_name(host))
    if client and needed.get('ui'):
        taken.update(temporal_ui_tls_enabled=True, temporal_ui_tls_ca=nodes['ca'], temporal_ui_tls_cert=client['cert'],
                     temporal_ui_tls_key=client['key'])
    if client and needed.get('worker'):
        taken['temporal_worker_defaults'] = dict(worker_defaults or {},
                                                 tls={'ca': nodes['ca'], 'cert': client['cert'], 'key': client['key']})
    return taken
