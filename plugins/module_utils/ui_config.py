# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the temporal_ui role derives from its settings: ui-server's base.yaml (as data), the URL
this host reaches its own UI at, and the unit's hardening overrides.

SETTINGS is a mapping of the role's variables by name (temporal_ui_port, ...); numbers and
booleans may be strings (from `-e`). Keys of base.yaml: ui-server's server/config/config.go.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import to_bool, to_int

# Where the UI listens on every address: this host reaches it on loopback.
EVERY_ADDRESS = ('0.0.0.0', '', '::')
# The one capability a port below 1024 needs, and nothing more.
BIND_CAPABILITY = 'CAP_NET_BIND_SERVICE'


def frontend_host_port(address):
    """host:port of temporal_ui_frontend_address, without the resolver scheme (dns:///)."""
    return re.sub('^dns:///', '', address)


def frontend_host(address):
    """The host of temporal_ui_frontend_address, without port and brackets ('[fd00::7]:7233' -> 'fd00::7')."""
    return frontend_host_port(address).rsplit(':', 1)[0].strip('[]')


def bracketed(address):
    """ADDRESS as host of a host:port: an IPv6 address in brackets."""
    return '[%s]' % address if ':' in address else address


def config(settings):
    """base.yaml as a dict. ui-server joins host and port with a colon: an IPv6 address gets its brackets."""
    def flag(name):
        return to_bool(settings[name], name)

    base = {
        'temporalGrpcAddress': settings['temporal_ui_frontend_address'],
        'host': bracketed(settings['temporal_ui_listen_address']),
        'port': to_int(settings['temporal_ui_port'], 'temporal_ui_port'),
        'publicPath': settings['temporal_ui_public_path'],
        'enableUi': True,
        'defaultNamespace': settings['temporal_ui_default_namespace'],
        'disableWriteActions': flag('temporal_ui_disable_write_actions'),
        'cors': {'allowOrigins': settings['temporal_ui_cors_allow_origins'], 'cookieInsecure': flag('temporal_ui_cookie_insecure')},
        'codec': {'endpoint': settings['temporal_ui_codec_endpoint'],
                  'passAccessToken': flag('temporal_ui_codec_pass_access_token'),
                  'includeCredentials': flag('temporal_ui_codec_include_credentials')},
    }
    if flag('temporal_ui_tls_enabled'):
        # ui-server turns TLS on when any of these is set; the server name (the address's host by
        # default) is what makes it on with the system's trust store alone.
        base['tls'] = {
            'caFile': settings['temporal_ui_tls_ca_file'],
            'certFile': settings['temporal_ui_tls_cert_file'],
            'keyFile': settings['temporal_ui_tls_key_file'],
            'serverName': settings['temporal_ui_tls_server_name'] or frontend_host(settings['temporal_ui_frontend_address']),
            'enableHostVerification': flag('temporal_ui_tls_verify_host'),
        }
    if settings['temporal_ui_https_cert_file']:
        base['uiServerTLS'] = {'certFile': settings['temporal_ui_https_cert_file'], 'keyFile': settings['temporal_ui_https_key_file']}
    return base


def local_url(settings):
    """Where this host reaches its own UI (the health wait): loopback when it listens on every address."""
    listen = settings['temporal_ui_listen_address']
    return '%s://%s:%d%s' % ('https' if settings['temporal_ui_https_cert_file'] else 'http',
                             '127.0.0.1' if listen in EVERY_ADDRESS else bracketed(listen),
                             to_int(settings['temporal_ui_port'], 'temporal_ui_port'),
                             settings['temporal_ui_public_path'])


def unit_hardening(port):
    """The unit's overrides of the shared hardening: TCP and name resolution only, and below port 1024
    the one capability that binds it."""
    hardening = {'RestrictAddressFamilies': 'AF_INET AF_INET6 AF_UNIX'}
    if to_int(port, 'temporal_ui_port') < 1024:
        hardening.update({'CapabilityBoundingSet': BIND_CAPABILITY, 'AmbientCapabilities': BIND_CAPABILITY})
    return hardening
