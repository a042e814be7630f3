# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.site_plan import plan
from ansible_collections.temporalops.temporal.plugins.module_utils.site_tls import certificates, host_settings, needs

ADDRESSES = {'db': '10.0.0.5', 'n1': '10.0.0.11', 'n2': '10.0.0.12', 'n3': '10.0.0.13'}


def hosts(**settings):
    """Every host of ADDRESSES as it describes itself: its gathered address, and SETTINGS by host."""
    return dict((name, {'address': address, 'settings': dict(settings.get(name, {}))}) for name, address in ADDRESSES.items())


def cluster(**groups):
    """The production layout: the database, balancer, UI and worker on db; three server nodes."""
    layout = {'temporal_database': ['db'], 'temporal_balancer': ['db'], 'temporal_server': ['n1', 'n2', 'n3'],
              'temporal_ui': ['db'], 'temporal_worker': ['db']}
    layout.update(groups)
    return layout


def test_each_node_of_a_cluster_joins_and_binds_on_its_address_behind_the_balancer():
    planned = plan(cluster(), list(ADDRESSES), hosts())
    assert planned['problems'] == []
    assert planned['hosts']['n2'] == {
        'temporal_server_broadcast_address': '10.0.0.12', 'temporal_server_bind_on_ip': '10.0.0.12',
        'temporal_server_frontend_address': '10.0.0.5:7233', 'temporal_server_db_host': '10.0.0.5'}
    assert planned['hosts']['db'] == {
        'temporal_balancer_backends': ['10.0.0.11:7233', '10.0.0.12:7233', '10.0.0.13:7233'],
        'temporal_balancer_http_backends': ['10.0.0.11:7243', '10.0.0.12:7243', '10.0.0.13:7243'],
        'temporal_balancer_listen_address': '10.0.0.5',
        'temporal_ui_frontend_address': '10.0.0.5:7233',
        'temporal_worker_defaults': {'address': '10.0.0.5:7233'},
        'temporal_postgresql_allowed_hosts': ['10.0.0.11', '10.0.0.12', '10.0.0.13'],
        'temporal_postgresql_listen_addresses': ['localhost', '10.0.0.5']}


def test_what_the_inventory_sets_is_kept_and_followed():
    planned = plan(cluster(temporal_server=['n1', 'n2']), list(ADDRESSES), hosts(
        n1={'temporal_server_broadcast_address': '192.168.1.11', 'temporal_server_frontend_grpc_port': 7300},
        n2={'temporal_server_bind_on_ip': '0.0.0.0', 'temporal_server_services': ['history', 'matching', 'worker'],
            'temporal_server_frontend_address': 'temporal.internal:7233', 'temporal_server_db_host': 'pg.internal'},
        db={'temporal_balancer_listen_address': '10.9.9.9', 'temporal_balancer_grpc_port': 7400,
            'temporal_worker_defaults': {}, 'temporal_ui_frontend_address': 'ui.internal:7233',
            'temporal_postgresql_allowed_hosts': ['10.0.0.0/24'], 'temporal_postgresql_listen_addresses': ['*']}))
    assert planned['problems'] == []
    assert planned['hosts']['n1'] == {
        'temporal_server_bind_on_ip': '192.168.1.11', 'temporal_server_frontend_address': '10.9.9.9:7400',
        'temporal_server_db_host': '10.0.0.5'}
    assert planned['hosts']['n2'] == {'temporal_server_broadcast_address': '10.0.0.12'}
    # n2 runs no frontend: the balancer lists n1's only, on its broadcast address and own port.
    assert planned['hosts']['db'] == {
        'temporal_balancer_backends': ['192.168.1.11:7300'], 'temporal_balancer_http_backends': ['192.168.1.11:7243'],
        'temporal_worker_defaults': {'address': '10.9.9.9:7400'}}


def test_one_server_without_a_balancer_stays_on_its_binds_and_its_neighbours_reach_it():
    layout = {'temporal_database': ['db'], 'temporal_server': ['n1'], 'temporal_ui': ['n1', 'db'], 'temporal_worker': ['db']}
    planned = plan(layout, list(ADDRESSES), hosts())
    assert planned['problems'] == []
    # No cluster: the node keeps the role's loopback binds; a UI beside it uses loopback.
    assert planned['hosts']['n1'] == {'temporal_server_db_host': '10.0.0.5', 'temporal_ui_frontend_address': '127.0.0.1:7233'}
    assert planned['hosts']['db']['temporal_ui_frontend_address'] == '10.0.0.11:7233'
    bound = plan(layout, list(ADDRESSES), hosts(n1={'temporal_server_service_bind_on_ip': {'frontend': '10.0.0.11'}}))
    assert bound['hosts']['n1']['temporal_ui_frontend_address'] == '10.0.0.11:7233'


def test_a_limit_that_hides_what_a_host_needs_names_both_and_the_setting_that_avoids_it():
    limited = hosts()
    for name in ('db', 'n3'):
        limited[name]['address'] = ''
    # The nodes alone: the balancer's and the database's address are unknown.
    assert plan(cluster(), ['n1', 'n2'], limited)['problems'] == [
        'The frontends are reached through the balancer on db, whose address this run does not know (--limit?): include'
        ' that host, or set its temporal_balancer_listen_address.',
        'The server on n1 uses the database on db, whose address this run does not know (--limit?): include that host,'
        ' or set temporal_server_db_host.',
        'The server on n2 uses the database on db, whose address this run does not know (--limit?): include that host,'
        ' or set temporal_server_db_host.']
    # The database host without one node: its frontend and its address are unknown.
    limited['db']['address'] = '10.0.0.5'
    assert plan(cluster(), ['db', 'n1', 'n2'], limited)['problems'] == [
        'The balancer on db lists every frontend, but this run does not know where n3 serve (--limit?): include them,'
        ' or set temporal_balancer_backends and temporal_balancer_http_backends.',
        'The database on db admits every server host, but this run does not know the address of n3 (--limit?): include'
        ' them, or set temporal_postgresql_allowed_hosts.']
    # What the inventory sets instead is enough.
    settings = hosts(db={'temporal_balancer_backends': ['10.0.0.11:7233'], 'temporal_balancer_http_backends': [],
                         'temporal_postgresql_allowed_hosts': ['10.0.0.0/24']})
    settings['n3']['address'] = ''
    assert plan(cluster(), ['db', 'n1', 'n2'], settings)['problems'] == []


def test_a_node_of_the_run_without_an_address_and_a_half_set_balancer_are_named():
    described = hosts(db={'temporal_balancer_backends': ['10.0.0.11:7233']})
    described['n2']['address'] = ''
    assert plan(cluster(), list(ADDRESSES), described)['problems'] == [
        'n2 joins the cluster on its default IPv4 address, which this run does not know (--limit, or no default route):'
        ' set its temporal_server_broadcast_address.',
        'The balancer on db lists every frontend, but this run does not know where n2 serve (--limit?): include them, or'
        ' set temporal_balancer_http_backends.',
        'The database on db admits every server host, but this run does not know the address of n2 (--limit?): include'
        ' them, or set temporal_postgresql_allowed_hosts.']


def test_a_ui_without_a_balancer_needs_the_first_server_hosts_facts():
    limited = hosts()
    limited['n1']['address'] = ''
    layout = {'temporal_server': ['n1'], 'temporal_ui': ['db']}
    assert plan(layout, ['db'], limited)['problems'] == [
        "The UI or workers on db talk to n1, whose address this run does not know (--limit?): include that host, or set"
        " temporal_ui_frontend_address and the workers' address."]


def test_hosts_outside_the_groups_and_empty_groups_get_nothing():
    assert plan({}, [], {}) == {'hosts': {}, 'problems': [], 'tls': False, 'database_tls': False}
    assert plan({'temporal_ui': ['db']}, ['db'], hosts()) == {'hosts': {'db': {}}, 'problems': [], 'tls': False, 'database_tls': False}


def run_action(task_vars):
    """The action site_plan's result for TASK_VARS (hostvars as plain dicts)."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext
    from ansible.plugins.loader import action_loader
    try:
        from unittest import mock
    except ImportError:
        import mock
    task = mock.MagicMock(async_val=0, check_mode=False, action="temporalops.temporal.site_plan", args={})
    connection = mock.MagicMock()
    connection._shell.tmpdir = None
    action = action_loader.get("temporalops.temporal.site_plan", task=task, connection=connection, play_context=PlayContext(),
                               loader=DataLoader(), templar=None, shared_loader_obj=None)
    return action.run(task_vars=task_vars)


class HostVars(dict):
    """Hostvars of a host the run left out: a value that needs the play to template raises."""

    def __getitem__(self, name):
        value = dict.__getitem__(self, name)
        if value == 'needs-the-play':
            from ansible.errors import AnsibleUndefinedVariable
            raise AnsibleUndefinedVariable("'dict object' has no attribute 'default_ipv4'")
        return value


def test_the_action_reads_each_hosts_description_and_fails_naming_what_a_limit_hides():
    described = hosts(n1={'temporal_server_broadcast_address': '192.168.1.11'})
    hostvars = dict((name, HostVars(__temporal_site_host=described[name])) for name in ADDRESSES)
    task_vars = {'groups': dict(cluster(), all=list(ADDRESSES)), 'hostvars': hostvars, 'inventory_hostname': 'n1',
                 'ansible_play_hosts_all': list(ADDRESSES)}
    result = run_action(task_vars)
    assert not result.get('failed') and result['changed'] is False
    assert result['settings'] == {
        'temporal_server_bind_on_ip': '192.168.1.11', 'temporal_server_frontend_address': '10.0.0.5:7233',
        'temporal_server_db_host': '10.0.0.5'}
    # n3 left out: what it sets that templates alone is read, the rest is unknown.
    hostvars['n3'] = HostVars(temporal_server_broadcast_address='needs-the-play', temporal_server_frontend_grpc_port=7300)
    result = run_action(dict(task_vars, ansible_play_hosts_all=['db', 'n1', 'n2']))
    assert result['failed'] and result['msg'] == (
        'The balancer on db lists every frontend, but this run does not know where n3 serve (--limit?): include them, or set'
        ' temporal_balancer_backends and temporal_balancer_http_backends. The database on db admits every server host, but'
        ' this run does not know the address of n3 (--limit?): include them, or set temporal_postgresql_allowed_hosts.'
        ' No host was changed.')


def test_the_site_issues_tls_unless_every_server_host_brings_its_own_or_serves_plaintext_on_purpose():
    assert plan(cluster(), list(ADDRESSES), hosts())['tls'] is True
    own = dict((name, {'temporal_server_tls_cert': 'PEM'}) for name in ('n1', 'n2'))
    assert plan(cluster(), list(ADDRESSES), hosts(n3={'temporal_server_insecure': 'true'}, **own))['tls'] is False
    assert plan(cluster(), list(ADDRESSES), hosts(**own))['tls'] is True
    # A run limited to the database host still knows: its UI and worker keep their client certificates.
    assert plan(cluster(), ['db'], hosts())['tls'] is True


def test_nodes_get_their_names_clients_a_client_certificate_and_the_operator_one_stays_with_the_ca():
    wanted = certificates({'n1': {'node': ['temporal-internode', '10.0.0.11'], 'ui': False, 'worker': False},
                           'db': {'node': [], 'ui': False, 'worker': True}, 'n2': {'node': [], 'ui': False, 'worker': False}})
    assert wanted == [{'name': 'n1', 'names': ['temporal-internode', '10.0.0.11'], 'usage': 'node'},
                      {'name': 'db-client', 'names': [], 'usage': 'client'},
                      {'name': 'operator', 'names': [], 'usage': 'client'}]
    assert certificates({'n1': {'node': [], 'ui': False, 'worker': False}}) == []


def test_the_site_issues_the_databases_certificate_with_the_servers_and_they_verify_it_with_the_nodes_ca():
    assert plan(cluster(), list(ADDRESSES), hosts())['database_tls'] is True
    assert plan(cluster(), list(ADDRESSES), hosts(db={'temporal_postgresql_tls_cert': 'PEM'}))['database_tls'] is False
    plaintext = dict((name, {'temporal_server_insecure': True}) for name in ('n1', 'n2', 'n3'))
    assert plan(cluster(), list(ADDRESSES), hosts(**plaintext))['database_tls'] is False
    assert plan(cluster(temporal_database=[]), list(ADDRESSES), hosts())['database_tls'] is False

    layout = cluster()
    database = needs('db', layout, True, {'temporal_postgresql_listen_addresses': ['localhost', '10.0.0.5']}, database_tls=True)
    assert (database['database'], database['db_ca']) == (['10.0.0.5', 'db', 'localhost'], False)
    assert needs('db', layout, True, {'temporal_postgresql_tls_cert': 'PEM'}, database_tls=True)['database'] == []
    # Listening everywhere: the certificate still carries the address the servers dial.
    for everywhere in (['*'], ['0.0.0.0'], ['::']):
        assert needs('db', layout, True, {'temporal_postgresql_listen_addresses': everywhere}, database_tls=True,
                     address='10.0.0.5')['database'] == ['10.0.0.5', 'db', 'localhost'], everywhere
    # A server that names the database itself may dial it on another address: the listener stays as the role has it.
    named = plan(cluster(), list(ADDRESSES), hosts(n2={'temporal_server_db_host': 'pg.internal'}))
    assert 'temporal_postgresql_listen_addresses' not in named['hosts']['db']
    assert needs('n1', layout, True, {}, database_tls=True)['db_ca'] is True
    assert needs('n1', layout, True, {}, database_tls=False)['db_ca'] is False
    for own in ({'temporal_server_db_host': 'pg.internal'}, {'temporal_server_db_tls_enabled': 'yes'},
                {'temporal_server_db_tls_ca_file': '/etc/ssl/pg.pem'}, {'temporal_server_db_tls_ca': 'PEM'}):
        assert needs('n1', layout, True, own, database_tls=True)['db_ca'] is False, own

    wanted = certificates({'db': {'node': [], 'database': ['10.0.0.5', 'db', 'localhost']}, 'n1': {'node': ['10.0.0.11']}})
    assert wanted == [{'name': 'db-postgresql', 'names': ['10.0.0.5', 'db', 'localhost'], 'usage': 'server'},
                      {'name': 'n1', 'names': ['10.0.0.11'], 'usage': 'node'},
                      {'name': 'operator', 'names': [], 'usage': 'client'}]
    nodes = {'ca': 'NODES CA', 'certificates': {'db-postgresql': {'cert': 'DB CERT', 'key': 'DB KEY'}}}
    assert host_settings([nodes, {'ca': 'CLIENTS CA', 'certificates': {}}], 'db', {'database': ['10.0.0.5']}, {}) == {
        'temporal_postgresql_tls_cert': 'DB CERT', 'temporal_postgresql_tls_key': 'DB KEY'}
    assert host_settings([nodes, {'ca': 'CLIENTS CA', 'certificates': {}}], 'n1', {'db_ca': True}, {}) == {
        'temporal_server_db_tls_ca': 'NODES CA'}
