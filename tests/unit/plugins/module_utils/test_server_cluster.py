# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.temporalops.temporal.plugins.module_utils.server_cluster import (
    SHARED,
    client_host,
    cluster_problems,
    membership_listeners,
    ring_members,
    stale_units,
)

ALL = ['frontend', 'history', 'matching', 'worker']


def node(host, ip, services=None, **shared):
    settings = dict((name, 'same') for name in SHARED)
    settings.update(temporal_server_num_history_shards=512, temporal_server_version='1.31.2')
    settings.update(shared)
    return {'host': host, 'broadcast': ip, 'bind': ip, 'addresses': [ip, '172.17.0.9'],
            'services': list(ALL if services is None else services), 'shared': settings}


NODES = [node('n1', '10.0.0.1'), node('n2', '10.0.0.2'), node('n3', '10.0.0.3')]


def test_a_fitting_cluster_and_a_single_node_have_no_problem():
    assert cluster_problems(NODES) == []
    assert cluster_problems([node('n1', '127.0.0.1')]) == []


def test_two_nodes_with_one_address_are_named():
    nodes = copy.deepcopy(NODES)
    nodes[2]['broadcast'] = '10.0.0.1'
    nodes[2]['addresses'].append('10.0.0.1')
    assert cluster_problems(nodes) == [
        'temporal_server_broadcast_address: n1, n3 all join the cluster as 10.0.0.1; each node needs its own address (the '
        "host's IP the other nodes reach it on; site.yml sets each host's default IPv4 address)."]


def test_nodes_left_on_loopback_share_it_and_cannot_be_reached():
    nodes = [dict(n, broadcast='', bind='127.0.0.1') for n in NODES[:2]]
    problems = cluster_problems(nodes)
    assert len(problems) == 2
    assert 'n1, n2 all join the cluster as 127.0.0.1' in problems[0]
    assert problems[1].startswith('temporal_server_bind_on_ip: n1, n2 join the cluster on a loopback address')
    # One node of a cluster on loopback is refused too.
    assert cluster_problems([NODES[0], dict(NODES[1], broadcast='', bind='127.0.0.1')])[0].startswith(
        'temporal_server_bind_on_ip: n2 join the cluster on a loopback address')


def test_an_address_not_on_its_host_is_named_with_the_hosts_addresses():
    nodes = copy.deepcopy(NODES)
    nodes[1]['broadcast'] = '10.9.9.9'
    assert cluster_problems(nodes) == [
        "temporal_server_broadcast_address '10.9.9.9' of n2 is not an address of that host (it has 10.0.0.2, 172.17.0.9)."]


def test_unknown_host_addresses_are_not_judged():
    nodes = copy.deepcopy(NODES)
    nodes[1].update(broadcast='10.9.9.9', addresses=[])
    assert cluster_problems(nodes) == []


def test_shared_settings_that_differ_name_each_value_and_its_hosts():
    nodes = [NODES[0], node('n2', '10.0.0.2', temporal_server_num_history_shards=1024),
             node('n3', '10.0.0.3', temporal_server_version='1.32.2', temporal_server_db_host='db2')]
    assert cluster_problems(nodes) == [
        'temporal_server_version differs across the server hosts: 1.31.2 on n1, n2; 1.32.2 on n3. One cluster has one value.',
        'temporal_server_num_history_shards differs across the server hosts: 1024 on n2; 512 on n1, n3. '
        'One cluster has one value.',
        'temporal_server_db_host differs across the server hosts: db2 on n3; same on n1, n2. One cluster has one value.']


def test_a_split_that_leaves_a_service_without_a_host_is_refused():
    nodes = [node('n1', '10.0.0.1', ['frontend']), node('n2', '10.0.0.2', ['history', 'frontend'])]
    assert cluster_problems(nodes) == [
        'temporal_server_services: no server host (of n1, n2) runs matching, worker; every service needs at least one host.']


def test_rings_hold_the_nodes_of_each_service():
    nodes = [node('n1', '10.0.0.1', ['frontend']), node('n2', '10.0.0.2', ['history', 'matching', 'worker']),
             node('n3', '10.0.0.3', ALL)]
    assert ring_members(nodes) == {'frontend': ['10.0.0.1', '10.0.0.3'], 'history': ['10.0.0.2', '10.0.0.3'],
                                   'matching': ['10.0.0.2', '10.0.0.3'], 'worker': ['10.0.0.2', '10.0.0.3']}


UNITS = [{'name': 'temporal-server', 'config': '/etc/temporal/temporal-server.yaml'}]
BINARY = '/opt/temporal/server/1.31.2/temporal-server'


def host(started=1000, exe=BINARY, config=900.0, unit=900.0, env=900.0, active='active'):
    return {'units': {'temporal-server.service': {'active_state': active, 'main_started': started, 'exe': exe}},
            'paths': {'/etc/temporal/temporal-server.yaml': {'mtime': config},
                      '/etc/systemd/system/temporal-server.service': {'mtime': unit},
                      '/etc/temporal/temporal-server.env': {'mtime': env}}}


def stale(read):
    return stale_units(read, UNITS, '/etc/temporal/temporal-server.env', BINARY)


def test_a_process_newer_than_its_files_on_the_binary_is_current():
    assert stale(host()) == []
    # Written in the second the process started: not taken for a missed restart.
    assert stale(host(config=1000.7)) == []


def test_a_file_changed_after_the_start_or_another_binary_is_a_missed_restart():
    assert stale(host(config=1001.2)) == ['temporal-server']
    assert stale(host(unit=1005.0)) == ['temporal-server']
    assert stale(host(env=1001.0)) == ['temporal-server']
    assert stale(host(exe='/opt/temporal/server/1.30.9/temporal-server')) == ['temporal-server']


def test_the_binary_path_as_configured_is_compared_normalised():
    assert stale_units(host(), UNITS, '/etc/temporal/temporal-server.env', '/opt//temporal/server/1.31.2/./temporal-server') == []


def test_a_unit_that_does_not_run_is_not_stale():
    assert stale(host(active='inactive', config=2000.0)) == []
    assert stale({}) == []


def test_membership_listeners_follow_each_services_bind_address():
    ports = {'frontend': '6933', 'history': 6934, 'matching': 6935, 'worker': 6939}
    assert membership_listeners(['frontend', 'history'], '0.0.0.0', {'history': '10.0.0.1'}, ports) == [
        {'host': '127.0.0.1', 'port': 6933}, {'host': '10.0.0.1', 'port': 6934}]
    assert membership_listeners(['worker'], '::', {}, ports) == [{'host': '::1', 'port': 6939}]


def test_the_host_a_client_dials_is_loopback_for_every_interface_and_bracketed_for_ipv6():
    assert [client_host(ip) for ip in ('0.0.0.0', '', '::', '10.0.0.1', 'fd00::1', 'temporal.internal')] == [
        '127.0.0.1', '127.0.0.1', '[::1]', '10.0.0.1', '[fd00::1]', 'temporal.internal']
