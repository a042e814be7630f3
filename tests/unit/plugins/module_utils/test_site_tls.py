# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each host of site.yml needs of the site's CAs, and the settings it takes from what they issued."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.site_tls import certificates, host_settings, issues_node_certificate, needs

GROUPS = {'temporal_server': ['n1', 'n2'], 'temporal_ui': ['db', 'n1'], 'temporal_worker': ['db'], 'temporal_database': ['db']}


def test_a_server_node_needs_the_names_it_is_reached_by():
    described = needs('n1', GROUPS, True, {'temporal_server_bind_on_ip': '0.0.0.0', 'temporal_server_broadcast_address': '10.0.0.11',
                                           'temporal_server_frontend_address': 'db:7233', 'temporal_server_tls_names': ['n1.example.com'],
                                           'temporal_ui_tls_enabled': None})
    assert described == {'node': ['temporal-internode', '127.0.0.1', '10.0.0.11', 'db', 'n1.example.com', 'n1', 'localhost'],
                         'ui': True, 'worker': False, 'database': [], 'db_ca': False, 'ui_https': []}


def test_unset_settings_take_the_roles_defaults():
    assert needs('n2', GROUPS, True, {})['node'] == ['temporal-internode', '127.0.0.1', 'n2', 'localhost']
    # The frontend's own bind address is what the node's own calls dial.
    bound = needs('n2', GROUPS, True, {'temporal_server_bind_on_ip': '0.0.0.0',
                                       'temporal_server_service_bind_on_ip': {'frontend': '10.0.0.12'},
                                       'temporal_server_tls_internode_name': 'cluster.internal'})
    assert bound['node'][:2] == ['cluster.internal', '10.0.0.12']


def test_a_node_with_its_own_certificate_or_plaintext_on_purpose_needs_none():
    assert needs('n1', GROUPS, True, {'temporal_server_tls_cert': 'PEM'})['node'] == []
    assert needs('n1', GROUPS, False, {'temporal_server_insecure': 'true'})['node'] == []
    # -e gives strings: 'false' is not plaintext on purpose, 'TRUE' is; what is no clear yes counts
    # as no here (the role's argument spec refuses it later, naming the setting), as in site_plan.
    assert needs('n1', GROUPS, True, {'temporal_server_insecure': 'false'})['node'] != []
    assert needs('n1', GROUPS, True, {'temporal_server_insecure': 'TRUE'})['node'] == []
    assert needs('n1', GROUPS, True, {'temporal_server_insecure': 'maybe'})['node'] != []
    assert issues_node_certificate({'temporal_server_insecure': 'TRUE'}) is False


def test_clients_need_a_certificate_only_when_the_site_issues_tls_and_they_bring_none():
    assert needs('db', GROUPS, True, {}) == {'node': [], 'ui': True, 'worker': True, 'database': [], 'db_ca': False, 'ui_https': []}
    assert needs('db', GROUPS, False, {}) == {'node': [], 'ui': False, 'worker': False, 'database': [], 'db_ca': False, 'ui_https': []}
    assert needs('db', GROUPS, True, {'temporal_ui_tls_enabled': True})['ui'] is False
    assert needs('db', GROUPS, True, {'temporal_worker_defaults': {'tls': {'enabled': False}}})['worker'] is False
    assert needs('db', GROUPS, True, {'temporal_worker_instances': [{'name': 'a'}, {'name': 'b', 'tls': {}}]})['worker'] is False
    assert needs('db', GROUPS, True, {'temporal_worker_instances': [{'name': 'a'}]})['worker'] is True


ISSUED = [{'ca': 'NODES-CA', 'certificates': {'n1': {'cert': 'N1-CERT', 'key': 'N1-KEY'}}},
          {'ca': 'CLIENTS-CA', 'certificates': {'db-client': {'cert': 'DB-CERT', 'key': 'DB-KEY'},
                                                'operator': {'cert': 'OP-CERT', 'key': 'OP-KEY'}}}]


def test_a_node_takes_both_cas_its_certificate_and_its_key():
    assert host_settings(ISSUED, 'n1', {'node': ['x'], 'ui': False, 'worker': False}, {}) == {
        'temporal_server_tls_ca': 'NODES-CA', 'temporal_server_tls_client_ca': 'CLIENTS-CA',
        'temporal_server_tls_cert': 'N1-CERT', 'temporal_server_tls_key': 'N1-KEY'}


def test_a_ui_and_workers_share_the_hosts_client_certificate_and_verify_with_the_nodes_ca():
    taken = host_settings(ISSUED, 'db', {'node': [], 'ui': True, 'worker': True}, {'address': 'db:7233', 'tls': {'enabled': False}})
    assert taken == {'temporal_ui_tls_enabled': True, 'temporal_ui_tls_ca': 'NODES-CA', 'temporal_ui_tls_cert': 'DB-CERT',
                     'temporal_ui_tls_key': 'DB-KEY',
                     'temporal_worker_defaults': {'address': 'db:7233',
                                                  'tls': {'ca': 'NODES-CA', 'cert': 'DB-CERT', 'key': 'DB-KEY'}}}
    # What it does not need, it does not take; a host without a certificate takes nothing.
    assert set(host_settings(ISSUED, 'db', {'node': [], 'ui': True, 'worker': False}, {})) == {
        'temporal_ui_tls_enabled', 'temporal_ui_tls_ca', 'temporal_ui_tls_cert', 'temporal_ui_tls_key'}
    assert host_settings(ISSUED, 'n2', {'node': [], 'ui': True, 'worker': True}, {}) == {}


def test_a_ui_beyond_loopback_gets_an_https_certificate_unless_it_brings_one_or_serves_plain_http_on_purpose():
    beyond = {'temporal_ui_listen_address': '0.0.0.0'}
    assert needs('db', GROUPS, True, beyond, address='10.0.0.5')['ui_https'] == ['10.0.0.5', 'db', 'localhost']
    assert needs('db', GROUPS, True, {'temporal_ui_listen_address': '10.0.0.5'}, address='10.0.0.5')['ui_https'] == [
        '10.0.0.5', 'db', 'localhost']
    assert needs('db', GROUPS, True, {}, address='10.0.0.5')['ui_https'] == []
    assert needs('db', GROUPS, False, beyond, address='10.0.0.5')['ui_https'] == []
    for own in ({'temporal_ui_https_cert': 'PEM'}, {'temporal_ui_https_cert_file': '/etc/ui.pem'}, {'temporal_ui_insecure': 'yes'}):
        assert needs('db', GROUPS, True, dict(beyond, **own), address='10.0.0.5')['ui_https'] == [], own
    assert certificates({'db': {'ui_https': ['10.0.0.5']}})[0] == {'name': 'db-ui', 'names': ['10.0.0.5'], 'usage': 'server'}
    nodes = {'ca': 'NODES CA', 'certificates': {'db-ui': {'cert': 'UI CERT', 'key': 'UI KEY'}}}
    assert host_settings([nodes, {'ca': 'CLIENTS CA', 'certificates': {}}], 'db', {}, {}) == {
        'temporal_ui_https_cert': 'UI CERT', 'temporal_ui_https_key': 'UI KEY'}


def test_a_host_named_like_another_hosts_certificate_is_refused_naming_both():
    with pytest.raises(ValueError) as refused:
        certificates({'a': {'ui_https': ['10.0.0.5'], 'database': ['10.0.0.5']}, 'a-ui': {'node': ['a-ui']},
                      'a-postgresql': {'node': ['a-postgresql']}, 'b': {'node': ['b'], 'ui_https': ['b']}})
    assert str(refused.value) == (
        'The site names its certificates after the inventory hosts, and these names would be two certificates:'
        ' a-postgresql (the database certificate of a and the node certificate of a-postgresql);'
        ' a-ui (the UI HTTPS certificate of a and the node certificate of a-ui). Rename one of the hosts.')
    # The control: the same hosts without the clashing ones.
    assert [c['name'] for c in certificates({'a': {'ui_https': ['x'], 'database': ['x']}, 'b': {'node': ['b']}})] == [
        'a-postgresql', 'a-ui', 'b', 'operator']
