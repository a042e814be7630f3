# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The temporal_postgresql role's checks that argument_specs cannot express (tasks/validate.yml).

SETTINGS is a mapping of the role's variables by name (temporal_postgresql_port, ...); numbers
may be strings (from `-e`). The names PostgreSQL gives a meaning of its own, and the
postgresql.conf parameters the role sets itself, come from the role's vars/main.yml.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import numbers
import re

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import plain, to_int

IPV4 = r'((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])'
# IPv6 in its full and every '::' form (H is one group of 1 to 4 hex digits).
IPV6 = '(%s)' % '|'.join(('(H:){7}H', '(H:){1,7}:', '(H:){1,6}:H', '(H:){1,5}(:H){1,2}', '(H:){1,4}(:H){1,3}', '(H:){1,3}(:H){1,4}',
                          '(H:){1,2}(:H){1,5}', 'H:(:H){1,6}', ':((:H){1,7}|:)')).replace('H', '[0-9a-fA-F]{1,4}')
HOSTNAME = r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?([.][A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*'
# What the checks accept, each matched against the whole value (re.fullmatch).
# An allowed host: an address or a CIDR.
HOST = re.compile(r'((%s)(/([0-9]|[12][0-9]|3[0-2]))?|(%s)(/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)' % (IPV4, IPV6))
# A listen address: every address ('*'), an address or a host name.
LISTEN = re.compile(r'([*]|(%s)|(%s)|(%s))' % (IPV4, IPV6, HOSTNAME))
# Lower-case SQL identifiers that need no quoting, at most 63 bytes (NAMEDATALEN - 1).
NAME = re.compile(r'[a-z_][a-z0-9_]{0,62}')
LOCALE = re.compile(r'[A-Za-z0-9_.@-]+')
# A postgresql.conf parameter, or an extension's (extension.name).
PARAMETER = re.compile(r'[a-z][a-z0-9_]*([.][a-z][a-z0-9_]*)?')
# A value with a line break would end the line in postgresql.conf.
LINE_BREAK = re.compile('[\r\n]')


def _text(value):
    """VALUE as a template writes it into a message, and as the match test sees it."""
    return '%s' % (plain(value),)


def _name(value, reserved):
    return NAME.fullmatch(_text(value)) is not None and value not in reserved


def hba_type(settings):
    """The pg_hba.conf connection type of the entries: as set, else hostssl with a certificate of
    the role's (TLS only then) and host without."""
    return settings['temporal_postgresql_hba_connection_type'] or ('hostssl' if settings['temporal_postgresql_tls_cert'] else 'host')


def tls_names(listen_addresses):
    """What the server certificate must carry: the addresses and names PostgreSQL listens on that
    clients on other hosts dial ('*', 0.0.0.0 and :: name none; loopback is not dialled from elsewhere)."""
    return [_text(name) for name in listen_addresses if _text(name) not in ('*', '0.0.0.0', '::', 'localhost', '127.0.0.1', '::1')]


def problems(settings, reserved_users, reserved_databases, managed_settings, tls_settings=()):
    """Every problem of SETTINGS, one message each in the order of the checks; empty: good.
    RESERVED_USERS and RESERVED_DATABASES are the names neither may take; MANAGED_SETTINGS the
    postgresql.conf parameters temporal_postgresql_settings may not set, and TLS_SETTINGS those it
    may not set when the role serves a certificate of its own. The certificate itself is judged
    by tls_problems (it needs the time of the run)."""
    found = []

    def check(valid, message):
        if not valid:
            found.append(message)

    def number(name):
        """SETTINGS[NAME] as an int, or None with the problem noted."""
        try:
            return to_int(settings[name], name)
        except ValueError as error:
            found.append(str(error))
            return None

    check(settings['temporal_postgresql_state'] == 'absent' or settings['temporal_postgresql_password'],
          'temporal_postgresql_password must be set (the password of the Temporal login role; keep it in Ansible Vault).')
    user = settings['temporal_postgresql_user']
    check(_name(user, reserved_users) and not _text(user).startswith('pg_'),
          "temporal_postgresql_user '%s' must be a lower-case identifier of at most 63 characters (letters, digits, '_'),"
          " not starting with pg_ and not one of %s." % (_text(user), ', '.join(reserved_users)))
    database = settings['temporal_postgresql_database']
    check(_name(database, reserved_databases),
          "temporal_postgresql_database '%s' must be a lower-case identifier of at most 63 characters (letters, digits, '_')"
          " and not one of %s." % (_text(database), ', '.join(reserved_databases)))
    visibility = settings['temporal_postgresql_visibility_database']
    check(_name(visibility, reserved_databases),
          "temporal_postgresql_visibility_database '%s' must be a lower-case identifier of at most 63 characters (letters,"
          " digits, '_') and not one of %s." % (_text(visibility), ', '.join(reserved_databases)))
    check(visibility != database,
          "temporal_postgresql_database and temporal_postgresql_visibility_database must differ (both are '%s'): Temporal"
          " keeps the two stores in separate databases." % _text(database))
    locale = _text(settings['temporal_postgresql_locale'])
    check(LOCALE.fullmatch(locale), "temporal_postgresql_locale '%s' is not a locale name such as C.UTF-8 or en_US.UTF-8." % locale)
    port = number('temporal_postgresql_port')
    if port is not None:
        check(1 <= port <= 65535, 'temporal_postgresql_port must be between 1 and 65535, not %s.' % _text(settings['temporal_postgresql_port']))
    connections = number('temporal_postgresql_max_connections')
    if connections is not None:
        check(10 <= connections <= 262143,
              'temporal_postgresql_max_connections must be between 10 and 262143, not %s (one server host running every Temporal'
              ' service can open 4 x (maxConns of both stores) connections).' % _text(settings['temporal_postgresql_max_connections']))
    listen = settings['temporal_postgresql_listen_addresses']
    not_listen = [address for address in listen if not LISTEN.fullmatch(_text(address))]
    check(listen and not not_listen,
          "temporal_postgresql_listen_addresses must list '*' or local IP addresses or host names (Temporal connects over TCP);"
          " invalid: %s." % (_text(not_listen) if listen else 'an empty list'))
    not_hosts = [host for host in settings['temporal_postgresql_allowed_hosts'] if not HOST.fullmatch(_text(host))]
    check(not not_hosts,
          'temporal_postgresql_allowed_hosts takes IPv4/IPv6 addresses or CIDRs (such as 10.0.0.5, 10.0.0.0/24, fd00::/64);'
          " invalid: %s. Host names would make PostgreSQL depend on reverse DNS: give the servers' addresses." % _text(not_hosts))
    tls = bool(settings['temporal_postgresql_tls_cert'])
    check(tls == bool(settings['temporal_postgresql_tls_key']),
          'temporal_postgresql_tls_cert and temporal_postgresql_tls_key come together (the certificate PostgreSQL serves and'
          ' its key); only %s is set.' % ('temporal_postgresql_tls_cert' if tls else 'temporal_postgresql_tls_key'))
    check(settings['temporal_postgresql_auth_method'] != 'cert' or hba_type(settings) == 'hostssl',
          'temporal_postgresql_auth_method=cert needs temporal_postgresql_hba_connection_type=hostssl, or unset with'
          ' temporal_postgresql_tls_cert (client certificates come with TLS).')
    conf = settings['temporal_postgresql_settings']
    not_parameters = [key for key in conf if not PARAMETER.fullmatch(_text(key))]
    check(not not_parameters,
          'temporal_postgresql_settings keys must be postgresql.conf parameter names (such as shared_buffers, or extension.name);'
          ' invalid: %s.' % _text(not_parameters))
    managed = [key for key in conf if key in managed_settings]
    check(not managed,
          'temporal_postgresql_settings cannot set %s: listen_addresses, port and max_connections have their own'
          ' temporal_postgresql_* variables, and the role needs the others as Debian sets them.' % _text(managed))
    served = [key for key in conf if tls and key in tls_settings]
    check(not served,
          'temporal_postgresql_settings cannot set %s with temporal_postgresql_tls_cert: the role serves that certificate.'
          % _text(served))
    # Strings, numbers and booleans (a bool is a number) only; strings on one line.
    not_scalar = [key for key, value in conf.items() if not isinstance(value, (str, numbers.Number))]
    multiline = [key for key, value in conf.items() if isinstance(value, str) and LINE_BREAK.search(value)]
    check(not not_scalar and not multiline,
          'temporal_postgresql_settings values must be single-line strings, numbers or booleans; check %s.' % _text(not_scalar + multiline))
    return found
