# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The temporal_postgresql role's checks (plugins/module_utils/postgresql_settings.py), with the
role's defaults: every message, as the role printed it when the checks were Jinja."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.filter.postgresql import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils import postgresql_settings

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'temporal_postgresql')


def _load(name):
    with open(os.path.join(ROLE, name)) as handle:
        return yaml.safe_load(handle)


DEFAULTS = dict(_load('defaults/main.yml'), temporal_postgresql_password='secret')
VARS = _load('vars/main.yml')
RESERVED_USERS = VARS['__temporal_postgresql_reserved_users']
RESERVED_DATABASES = VARS['__temporal_postgresql_reserved_databases']
MANAGED = VARS['__temporal_postgresql_managed_settings']
TLS_SETTINGS = VARS['__temporal_postgresql_tls_settings']
USERS = ', '.join(RESERVED_USERS)
DATABASES = ', '.join(RESERVED_DATABASES)


def problems(**overrides):
    return postgresql_settings.problems(dict(DEFAULTS, **overrides), RESERVED_USERS, RESERVED_DATABASES, MANAGED, TLS_SETTINGS)


def test_the_defaults_with_a_password_are_good():
    assert problems() == []
    assert problems(temporal_postgresql_password='', temporal_postgresql_state='absent') == []


def test_good_addresses_names_and_settings():
    assert problems(temporal_postgresql_user='a' * 63, temporal_postgresql_locale='en_US.UTF-8@euro',
                    temporal_postgresql_listen_addresses=['*', 'localhost', 'db-1.example.com', '10.0.0.1', '::1', 'fe80::1:2'],
                    temporal_postgresql_allowed_hosts=['10.0.0.5', '10.0.0.0/24', 'fd00::/64', '::', '2001:db8::1/128'],
                    temporal_postgresql_auth_method='cert', temporal_postgresql_hba_connection_type='hostssl',
                    temporal_postgresql_settings={'shared_buffers': '1GB', 'pg_stat_statements.track': 'all', 'work_mem': 8,
                                                  'jit': False, 'random_page_cost': 1.1}) == []


@pytest.mark.parametrize(('overrides', 'message'), [
    pytest.param({'temporal_postgresql_password': ''},
                 'temporal_postgresql_password must be set (the password of the Temporal login role; keep it in Ansible Vault).',
                 id='password'),
    pytest.param({'temporal_postgresql_user': 'pg_temporal'},
                 "temporal_postgresql_user 'pg_temporal' must be a lower-case identifier of at most 63 characters (letters, digits,"
                 " '_'), not starting with pg_ and not one of %s." % USERS, id='user'),
    pytest.param({'temporal_postgresql_user': 'a' * 64},
                 "temporal_postgresql_user '%s' must be a lower-case identifier of at most 63 characters (letters, digits,"
                 " '_'), not starting with pg_ and not one of %s." % ('a' * 64, USERS), id='user-too-long'),
    pytest.param({'temporal_postgresql_database': 'template1'},
                 "temporal_postgresql_database 'template1' must be a lower-case identifier of at most 63 characters (letters,"
                 " digits, '_') and not one of %s." % DATABASES, id='database'),
    pytest.param({'temporal_postgresql_visibility_database': 'Visibility'},
                 "temporal_postgresql_visibility_database 'Visibility' must be a lower-case identifier of at most 63 characters"
                 " (letters, digits, '_') and not one of %s." % DATABASES, id='visibility-database'),
    pytest.param({'temporal_postgresql_visibility_database': 'temporal'},
                 "temporal_postgresql_database and temporal_postgresql_visibility_database must differ (both are 'temporal'):"
                 " Temporal keeps the two stores in separate databases.", id='same-databases'),
    pytest.param({'temporal_postgresql_locale': 'en US'},
                 "temporal_postgresql_locale 'en US' is not a locale name such as C.UTF-8 or en_US.UTF-8.", id='locale'),
    # fullmatch: a trailing newline is no part of a locale name ('$' would take it).
    pytest.param({'temporal_postgresql_locale': 'C.UTF-8\n'},
                 "temporal_postgresql_locale 'C.UTF-8\n' is not a locale name such as C.UTF-8 or en_US.UTF-8.", id='locale-newline'),
    pytest.param({'temporal_postgresql_port': 0}, 'temporal_postgresql_port must be between 1 and 65535, not 0.', id='port'),
    pytest.param({'temporal_postgresql_port': 'pg'}, "temporal_postgresql_port must be a whole number, not 'pg'.",
                 id='port-not-a-number'),
    pytest.param({'temporal_postgresql_max_connections': 9},
                 'temporal_postgresql_max_connections must be between 10 and 262143, not 9 (one server host running every Temporal'
                 ' service can open 4 x (maxConns of both stores) connections).', id='max-connections'),
    pytest.param({'temporal_postgresql_listen_addresses': []},
                 "temporal_postgresql_listen_addresses must list '*' or local IP addresses or host names (Temporal connects over TCP);"
                 " invalid: an empty list.", id='listen-addresses-empty'),
    pytest.param({'temporal_postgresql_listen_addresses': ['*', '-bad', '10.0.0.1', 'a_b']},
                 "temporal_postgresql_listen_addresses must list '*' or local IP addresses or host names (Temporal connects over TCP);"
                 " invalid: ['-bad', 'a_b'].", id='listen-addresses'),
    pytest.param({'temporal_postgresql_allowed_hosts': ['10.0.0.5', 'server.example.com', '10.0.0.0/33', 'fd00::/129']},
                 'temporal_postgresql_allowed_hosts takes IPv4/IPv6 addresses or CIDRs (such as 10.0.0.5, 10.0.0.0/24, fd00::/64);'
                 " invalid: ['server.example.com', '10.0.0.0/33', 'fd00::/129']. Host names would make PostgreSQL depend on reverse"
                 " DNS: give the servers' addresses.", id='allowed-hosts'),
    pytest.param({'temporal_postgresql_auth_method': 'cert'},
                 'temporal_postgresql_auth_method=cert needs temporal_postgresql_hba_connection_type=hostssl, or unset with'
                 ' temporal_postgresql_tls_cert (client certificates come with TLS).', id='cert-without-hostssl'),
    pytest.param({'temporal_postgresql_settings': {'shared_buffers': '1GB', 'Work_mem': '8MB', 'a.b.c': 1}},
                 'temporal_postgresql_settings keys must be postgresql.conf parameter names (such as shared_buffers, or'
                 " extension.name); invalid: ['Work_mem', 'a.b.c'].", id='settings-keys'),
    pytest.param({'temporal_postgresql_settings': {'work_mem': '8MB', 'port': 5433, 'include': 'x'}},
                 "temporal_postgresql_settings cannot set ['port', 'include']: listen_addresses, port and max_connections have their"
                 ' own temporal_postgresql_* variables, and the role needs the others as Debian sets them.', id='settings-managed'),
    pytest.param({'temporal_postgresql_settings': {'a': 'x\ny', 'b': [1], 'c': True, 'd': None, 'e': 'ok\r'}},
                 "temporal_postgresql_settings values must be single-line strings, numbers or booleans; check ['b', 'd', 'a', 'e'].",
                 id='settings-values'),
])
def test_each_check_tells_its_problem(overrides, message):
    assert problems(**overrides) == [message]


def test_a_certificate_comes_with_its_key_and_makes_the_entries_tls_only():
    given = {'temporal_postgresql_tls_cert': 'PEM', 'temporal_postgresql_tls_key': 'given'}
    assert problems(**given) == []
    assert postgresql_settings.hba_type(dict(DEFAULTS, **given)) == 'hostssl'
    assert postgresql_settings.hba_type(DEFAULTS) == 'host'
    assert postgresql_settings.hba_type(dict(DEFAULTS, temporal_postgresql_hba_connection_type='host', **given)) == 'host'
    # cert authentication with the entries TLS only because a certificate is given.
    assert problems(temporal_postgresql_auth_method='cert', **given) == []
    assert problems(temporal_postgresql_tls_cert='PEM') == [
        'temporal_postgresql_tls_cert and temporal_postgresql_tls_key come together (the certificate PostgreSQL serves and its'
        ' key); only temporal_postgresql_tls_cert is set.']
    assert problems(temporal_postgresql_tls_key='given')[0].endswith('only temporal_postgresql_tls_key is set.')


def test_the_ssl_files_are_the_roles_only_when_it_serves_a_certificate():
    own = {'temporal_postgresql_settings': {'ssl_cert_file': '/etc/ssl/db.pem', 'ssl': True, 'work_mem': '8MB'}}
    assert problems(**own) == []
    assert problems(temporal_postgresql_tls_cert='PEM', temporal_postgresql_tls_key='given', **own) == [
        "temporal_postgresql_settings cannot set ['ssl_cert_file', 'ssl'] with temporal_postgresql_tls_cert: the role serves"
        ' that certificate.']


def test_the_certificate_names_what_other_hosts_dial():
    assert postgresql_settings.tls_names(['*', 'localhost', '127.0.0.1', '::1', '10.0.0.5', 'db.example']) == ['10.0.0.5', 'db.example']


def test_every_problem_at_once_in_the_order_of_the_checks():
    found = problems(temporal_postgresql_password='', temporal_postgresql_user='all', temporal_postgresql_database='x',
                     temporal_postgresql_visibility_database='x', temporal_postgresql_locale='', temporal_postgresql_port=0,
                     temporal_postgresql_max_connections=1, temporal_postgresql_listen_addresses=['a b'],
                     temporal_postgresql_allowed_hosts=['h'], temporal_postgresql_auth_method='cert',
                     temporal_postgresql_settings={'A': 1, 'port': None})
    assert [message.split(' ', 1)[0] for message in found] == [
        'temporal_postgresql_password', 'temporal_postgresql_user', 'temporal_postgresql_database',
        'temporal_postgresql_locale', 'temporal_postgresql_port', 'temporal_postgresql_max_connections',
        'temporal_postgresql_listen_addresses', 'temporal_postgresql_allowed_hosts', 'temporal_postgresql_auth_method=cert',
        'temporal_postgresql_settings', 'temporal_postgresql_settings', 'temporal_postgresql_settings']
    assert found[2].startswith("temporal_postgresql_database and temporal_postgresql_visibility_database must differ")


def test_numbers_from_the_command_line_are_accepted():
    assert problems(temporal_postgresql_port='5433', temporal_postgresql_max_connections='300') == []
    assert problems(temporal_postgresql_max_connections='300000') == [
        'temporal_postgresql_max_connections must be between 10 and 262143, not 300000 (one server host running every Temporal'
        ' service can open 4 x (maxConns of both stores) connections).']


def test_the_filter_is_the_module_utils_function_and_names_missing_settings():
    postgresql_problems = FilterModule().filters()['postgresql_problems']
    assert postgresql_problems(DEFAULTS, RESERVED_USERS, RESERVED_DATABASES, MANAGED) == []
    with pytest.raises(AnsibleFilterError, match="the settings lack 'temporal_postgresql_state'"):
        postgresql_problems({}, RESERVED_USERS, RESERVED_DATABASES, MANAGED)
