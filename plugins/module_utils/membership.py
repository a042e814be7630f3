# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The membership rings of a Temporal cluster, as one frontend sees them.

Each service (frontend, history, matching, worker, internal-frontend) has a ring of the
processes that run it; a node has joined once its broadcast address is in the ring of every
service it runs. tdbg (Temporal's admin tool, shipped with the server release) lists the
rings through the frontend's admin service: `tdbg membership list-gossip`. Tdbg runs it;
ring_hosts() and missing_members() judge its output (pure, unit-tested).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.temporalops.temporal.plugins.module_utils.runner import BinaryRunner

TDBG_HINT = ('It comes with the Temporal server release: give tdbg_path (the role temporalops.temporal.temporal_server '
             'unpacks it beside temporal-server).')

# tdbg reads these from the environment; the module's options are the only source.
TDBG_ENVIRONMENT = ('TEMPORAL_CLI_ADDRESS', 'TEMPORAL_CLI_NAMESPACE', 'TEMPORAL_CONTEXT_TIMEOUT', 'TEMPORAL_CLI_TLS_CERT',
                    'TEMPORAL_CLI_TLS_KEY', 'TEMPORAL_CLI_TLS_CA', 'TEMPORAL_CLI_TLS_DISABLE_HOST_VERIFICATION',
                    'TEMPORAL_CLI_TLS_SERVER_NAME')


def identity_host(identity):
    """The host of a ring member's identity (HOST:PORT, IPv6 in brackets)."""
    host = identity.rpartition(':')[0] if ':' in identity else identity
    return host[1:-1] if host.startswith('[') and host.endswith(']') else host


def ring_hosts(listing):
    """{service: sorted hosts} of `tdbg membership list-gossip` output (a list of rings)."""
    rings = {}
    for ring in listing or []:
        hosts = set(identity_host(member.get('identity', '')) for member in ring.get('members') or [])
        rings[ring.get('role', '')] = sorted(host for host in hosts if host)
    return rings


def missing_members(rings, wanted):
    """{service: hosts} of the wanted members a ring lacks (a missing ring lacks them all); {} when all joined."""
    missing = {}
    for service, hosts in sorted(wanted.items()):
        absent = sorted(set(hosts) - set(rings.get(service, [])))
        if absent:
            missing[service] = absent
    return missing


def describe_missing(missing):
    return '; '.join('%s ring lacks %s' % (service, ', '.join(hosts)) for service, hosts in sorted(missing.items()))


class Tdbg(BinaryRunner):
    """tdbg for one module invocation, with the connection options of the collection's modules."""

    name = 'tdbg'
    label = "tdbg (Temporal's admin tool)"
    path_option = 'tdbg_path'
    install_hint = TDBG_HINT
    extra_dirs = []

    def __init__(self, module, timeout):
        super(Tdbg, self).__init__(module)
        self.timeout = max(1, int(timeout))
        given = [option for option in ('tls_cert_data', 'tls_key_data', 'tls_ca_data') if module.params.get(option)]
        if given:
            module.fail_json(msg='tdbg (the membership rings) reads TLS files only: give %s as paths (%s).'
                                 % (', '.join(given), ', '.join(option.replace('_data', '_path') for option in given)))

    def environment(self):
        return dict((name, '') for name in TDBG_ENVIRONMENT)

    def connection_args(self):
        p = self.params
        args = ['--address', p['address'], '--context-timeout', '%d' % self.timeout]
        for option in ('tls_cert_path', 'tls_key_path', 'tls_ca_path', 'tls_server_name'):
            if p[option]:
                args.extend(['--' + option.replace('_', '-'), p[option]])
        if p['tls_disable_host_verification']:
            args.append('--tls-disable-host-verification')
        return args

    def rings(self):
        """({service: hosts}, None), or (None, the error) when the frontend did not answer."""
        rc, stdout, stderr, _argv = self.run_argv([self.binary] + self.connection_args() + ['membership', 'list-gossip'],
                                                  timeout=self.timeout + 5)
        if rc != 0:
            lines = [line for line in (stderr or stdout or '').splitlines() if line.strip()]
            return None, self.mask(lines[-1] if lines else 'tdbg exited with status %d' % rc)
        try:
            return ring_hosts(json.loads(stdout)), None
        except (ValueError, AttributeError, TypeError):
            return None, 'tdbg printed output that is not the list of rings'
