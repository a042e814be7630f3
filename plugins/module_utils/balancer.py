# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The temporal_balancer role's input rules (pure; tested with pytest): every problem at once,
each naming the setting. Numbers may arrive as text (-e)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import plain, shown, to_int

HOST_PORT = re.compile(r'(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})')
IP = re.compile(r'[0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*')
# Setting -> the smallest value it takes.
MINIMUMS = (('temporal_balancer_check_interval_ms', 100), ('temporal_balancer_check_fall', 1),
            ('temporal_balancer_check_rise', 1), ('temporal_balancer_idle_timeout', 1))


def _number(settings, name, problems):
    try:
        return to_int(settings[name], name)
    except ValueError as error:
        problems.append(str(error))
        return None


def _host_port(value):
    """Whether VALUE is host:port with a port of 1-65535."""
    match = HOST_PORT.fullmatch(value) if isinstance(value, str) else None
    return bool(match) and 0 < int(match.group(2)) < 65536


def _backend_problems(settings, name, required):
    backends = settings[name]
    if not isinstance(backends, list) or (required and not backends):
        return ['%s must list the frontends as host:port (site.yml fills it from the temporal_server group), not %s.'
                % (name, shown(plain(backends)))]
    bad = [backend for backend in backends if not _host_port(backend)]
    if bad:
        return ['%s entries must be host:port: %s.' % (name, ', '.join(shown(plain(item)) for item in bad))]
    if len(set(backends)) != len(backends):
        return ['%s lists a frontend twice: %s.' % (name, ', '.join(sorted(set(b for b in backends if backends.count(b) > 1))))]
    return []


def problems(settings):
    found = _backend_problems(settings, 'temporal_balancer_backends', True)
    found += _backend_problems(settings, 'temporal_balancer_http_backends', False)
    if not IP.fullmatch('%s' % settings['temporal_balancer_listen_address']):
        found.append('temporal_balancer_listen_address must be an IP address, not %s.'
                     % shown(plain(settings['temporal_balancer_listen_address'])))
    ports = {}
    for name in ('temporal_balancer_grpc_port', 'temporal_balancer_http_port'):
        port = _number(settings, name, found)
        if port is not None and not 0 < port < 65536:
            found.append('%s must be a port (1-65535), not %s.' % (name, port))
        ports[name] = port
    if ports['temporal_balancer_grpc_port'] is not None and len(set(ports.values())) == 1 and settings['temporal_balancer_http_backends']:
        found.append('temporal_balancer_grpc_port and temporal_balancer_http_port are both %s.' % ports['temporal_balancer_grpc_port'])
    for name, minimum in MINIMUMS:
        value = _number(settings, name, found)
        if value is not None and value < minimum:
            found.append('%s must be at least %d, not %d.' % (name, minimum, value))
    return found
