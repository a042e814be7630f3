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

An operator's client certificate stays
beside the CA on the controller, for the CLI and SDKs run from there. Pure, tested with pytest."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OPERATOR = 'operator'
CLIENT_SUFFIX = '-client'


def client_name(host):
    """The name of HOST's client certificate (and of its files on the controller)."""
    return '%s%s' % (host, CLIENT_SUFFIX)


def certificates(described):
    """The pki action's certificates: [{name, names, usage}], nodes first, then the clients.

    DESCRIBED is {host: {'node': [names], 'ui': bool, 'worker': bool}} of the hosts in the run."""
    wanted = []
    for host in sorted(described):
        names = list((described[host] or {}).get('node') or [])
        if names:
            wanted.append({'name': host, 'names': names, 'usage': 'node'})
    for host in sorted(described):
        if (described[host] or {}).get('ui') or (described[host] or {}).get('worker'):
            wanted.append({'name': client_name(host), 'names': [], 'usage': 'client'})
    return wanted + ([{'name': OPERATOR, 'names': [], 'usage': 'client'}] if wanted else [])
