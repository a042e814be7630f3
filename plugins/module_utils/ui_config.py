# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the temporal_ui role derives from its settings: the problems of its settings (tasks/validate.yml),
ui-server's base.yaml (as data), the URL this host reaches its own UI at, and the unit's hardening overrides.

SETTINGS is a mapping of the role's variables by name (temporal_ui_port, ...); numbers and
booleans may be strings (from `-e`). Keys of base.yaml: ui-server's server/config/config.go.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import plain, to_bool, to_int

# Where the UI listens on every address: this host reaches it on loopback.
EVERY_ADDRESS = ('0.0.0.0', '', '::')
# Listeners no other host reaches.
LOOPBACK = re.compile(r'127(\.[0-9]{1,3}){3}|::1|localhost')
# The one capability a port below 1024 needs, and nothing more.
BIND_CAPABILITY = 'CAP_NET_BIND_SERVICE'

# The certificate and key files the UI reads, by setting (vars/main.yml: __temporal_ui_files), in
# the order a message names them.
FILE_SETTINGS = ('temporal_ui_tls_ca_file', 'temporal_ui_tls_cert_file', 'temporal_ui_tls_key_file',
                 'temporal_ui_https_cert_file', 'temporal_ui_https_key_file')
# What the checks accept, each matched against the whole value (re.fullmatch).
FRONTEND_ADDRESS = re.compile(r'(dns:///)?([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}')
LISTEN_ADDRESS = re.compile(r'([0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9][A-Za-z0-9.-]*)')
PUBLIC_PATH = re.compile(r'(/[A-Za-z0-9._~-]+)+')
HTTP_URL = re.compile(r'https?://[^\s]+')
ORIGIN = re.compile(r'https?://[^/\s]+')
PROVIDER_URL = re.compile(r'https?://.*', re.DOTALL)
CALLBACK_URL = re.compile(r'https?://.+/auth/sso/callback')
# Where the unit (ProtectHome, PrivateTmp) shows the service nothing, or a directory of its own.
HIDDEN_PATH = re.compile(r'/(home|root|run/user|tmp|var/tmp)(/.*)?', re.DOTALL)


def frontend_host_port(address):
    """host:port of temporal_ui_frontend_address, without the resolver scheme (dns:///)."""
    return re.sub('^dns:///', '', address)


def frontend_host(address):
    """The host of temporal_ui_frontend_address, without port and brackets ('[fd00::7]:7233' -> 'fd00::7')."""
    return frontend_host_port(address).rsplit(':', 1)[0].strip('[]')


def bracketed(address):
    """ADDRESS as host of a host:port: an IPv6 address in brackets."""
    return '[%s]' % address if ':' in address else address


def _text(value):
    """VALUE as a template writes it into a message, and as the match test sees it."""
    return '%s' % (plain(value),)


def _origins(value):
    """The CORS origins as a list (one origin given as a string is a list of one)."""
    return [value] if isinstance(value, str) else list(value)


def problems(settings):
    """Every problem of SETTINGS (the role's variables by name: those of config() and the sign-in
    and timeout settings), one message each in the order of the checks; empty: good. A number or
    boolean that is neither (from -e) is a problem too, naming its setting."""
    found = []

    def check(valid, message):
        if not valid:
            found.append(message)

    def converted(convert, name):
        """SETTINGS[NAME] converted, or None with the problem noted."""
        try:
            return convert(settings[name], name)
        except ValueError as error:
            found.append(str(error))
            return None

    address = _text(settings['temporal_ui_frontend_address'])
    check(FRONTEND_ADDRESS.fullmatch(address),
          "temporal_ui_frontend_address '%s' must be host:port of the Temporal frontend (gRPC), or dns:///name:port for every"
          " address a DNS name resolves to." % address)
    listen = _text(settings['temporal_ui_listen_address'])
    check(LISTEN_ADDRESS.fullmatch(listen),
          "temporal_ui_listen_address '%s' must be an IPv4 or IPv6 address (no brackets) or a host name of this host;"
          " 0.0.0.0 listens on every IPv4 address, :: on every address." % listen)
    port = converted(to_int, 'temporal_ui_port')
    if port is not None:
        check(1 <= port <= 65535, 'temporal_ui_port must be between 1 and 65535, not %s.' % _text(settings['temporal_ui_port']))
    public_path = _text(settings['temporal_ui_public_path'])
    check(public_path == '' or PUBLIC_PATH.fullmatch(public_path),
          "temporal_ui_public_path '%s' must be empty (the UI at /) or a path that starts with '/' and does not end with one,"
          " such as /temporal." % public_path)
    codec = _text(settings['temporal_ui_codec_endpoint'])
    check(codec == '' or HTTP_URL.fullmatch(codec),
          "temporal_ui_codec_endpoint '%s' must be an http:// or https:// URL (or empty)." % codec)
    not_origins = [origin for origin in _origins(settings['temporal_ui_cors_allow_origins']) if not ORIGIN.fullmatch(_text(origin))]
    check(not not_origins,
          'temporal_ui_cors_allow_origins takes origins (scheme://host[:port], no path); invalid: %s.' % _text(not_origins))
    twice = settings.get('temporal_ui_tls_given_twice') or []
    check(not twice, 'Give each of the UI\'s TLS files once, as a file on the host or as its text: not both of %s.'
          % ', '.join('temporal_ui_%s_file and temporal_ui_%s' % (stem, stem) for stem in twice))
    check(bool(settings['temporal_ui_tls_cert_file']) == bool(settings['temporal_ui_tls_key_file']),
          'temporal_ui_tls_cert_file and temporal_ui_tls_key_file go together (mTLS to the frontend): set both or neither.')
    tls = converted(to_bool, 'temporal_ui_tls_enabled')
    if tls is not None:
        check(tls or not (settings['temporal_ui_tls_ca_file'] or settings['temporal_ui_tls_cert_file'] or settings['temporal_ui_tls_server_name']),
              'temporal_ui_tls_ca_file, _cert_file and _server_name take effect only with temporal_ui_tls_enabled: true.')
    https = bool(settings['temporal_ui_https_cert_file'])
    check(https == bool(settings['temporal_ui_https_key_file']),
          'temporal_ui_https_cert_file and temporal_ui_https_key_file (or their texts, temporal_ui_https_cert and'
          ' temporal_ui_https_key) go together (HTTPS on the UI): set both or neither.')
    insecure = converted(to_bool, 'temporal_ui_insecure')
    check(https or insecure or LOOPBACK.fullmatch(listen) or not LISTEN_ADDRESS.fullmatch(listen)
          or settings.get('temporal_ui_state', 'present') != 'present',
          "temporal_ui_listen_address '%s' is beyond loopback without HTTPS: the token or session of everyone who signs in"
          " would cross it in the clear. Give the UI a certificate (temporal_ui_https_cert and temporal_ui_https_key, or"
          " their _file settings), or set temporal_ui_insecure: true to serve plain HTTP on purpose." % listen)
    hidden = [name for name in FILE_SETTINGS if HIDDEN_PATH.fullmatch(_text(settings[name]))]
    check(not hidden,
          "The UI's service cannot see %s: its unit hides /home, /root and /run/user (ProtectHome) and has a /tmp and /var/tmp"
          " of its own (PrivateTmp). Keep certificates and keys under /etc." % ', '.join(hidden))
    if converted(to_bool, 'temporal_ui_oidc_enabled'):
        check(settings['temporal_ui_oidc_client_id'],
              'temporal_ui_oidc_enabled needs temporal_ui_oidc_client_id, the client id registered with the provider.')
        check(PROVIDER_URL.fullmatch(_text(settings['temporal_ui_oidc_provider_url'])),
              "temporal_ui_oidc_enabled needs temporal_ui_oidc_provider_url, the provider's URL (its"
              " /.well-known/openid-configuration must answer when the UI starts).")
        check(CALLBACK_URL.fullmatch(_text(settings['temporal_ui_oidc_callback_url'])),
              "temporal_ui_oidc_enabled needs temporal_ui_oidc_callback_url, the UI's public URL followed by /auth/sso/callback"
              " (such as https://temporal.example.com%s/auth/sso/callback), registered with the provider." % public_path)
    timeouts = [converted(to_int, name) for name in ('temporal_ui_health_timeout', 'temporal_ui_frontend_check_timeout')]
    if None not in timeouts:
        check(min(timeouts) > 0, 'temporal_ui_health_timeout and temporal_ui_frontend_check_timeout must be positive numbers of seconds.')
    return found


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


def https_names(listen_address):
    """What the UI's HTTPS certificate must carry of its listener: a specific address or name
    (every address and loopback name none: browsers reach those by names only the user knows)."""
    listen = _text(listen_address)
    return [] if listen in EVERY_ADDRESS or LOOPBACK.fullmatch(listen) else [listen]
