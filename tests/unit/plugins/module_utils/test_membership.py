# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.membership import (
    describe_missing,
    identity_host,
    missing_members,
    ring_hosts,
)

# `tdbg membership list-gossip` of server 1.31.2, two nodes, one process each.
LISTING = [
    {'role': 'frontend', 'member_count': 2, 'members': [{'identity': '10.0.0.2:7233'}, {'identity': '10.0.0.1:7233'}]},
    {'role': 'history', 'member_count': 2, 'members': [{'identity': '10.0.0.1:7234'}, {'identity': '10.0.0.2:7234'}]},
    {'role': 'matching', 'member_count': 1, 'members': [{'identity': '10.0.0.1:7235'}]},
    {'role': 'worker', 'member_count': 0, 'members': []},
]


@pytest.mark.parametrize('identity, host', [
    ('10.0.0.1:7233', '10.0.0.1'),
    ('[fd00::1]:7233', 'fd00::1'),
    ('node-a', 'node-a'),
])
def test_identity_host(identity, host):
    assert identity_host(identity) == host


def test_rings_list_each_services_hosts_sorted():
    assert ring_hosts(LISTING) == {'frontend': ['10.0.0.1', '10.0.0.2'], 'history': ['10.0.0.1', '10.0.0.2'],
                                   'matching': ['10.0.0.1'], 'worker': []}


def test_every_ring_holding_its_hosts_misses_nothing():
    assert missing_members(ring_hosts(LISTING), {'frontend': ['10.0.0.1', '10.0.0.2'], 'history': ['10.0.0.2']}) == {}


def test_a_ring_without_a_node_names_it_and_an_absent_ring_lacks_every_host():
    missing = missing_members(ring_hosts(LISTING), {
        'matching': ['10.0.0.1', '10.0.0.2'], 'worker': ['10.0.0.1'], 'internal-frontend': ['10.0.0.3']})
    assert missing == {'matching': ['10.0.0.2'], 'worker': ['10.0.0.1'], 'internal-frontend': ['10.0.0.3']}
    assert describe_missing(missing) == ('internal-frontend ring lacks 10.0.0.3; matching ring lacks 10.0.0.2; '
                                         'worker ring lacks 10.0.0.1')


def test_no_listing_is_no_ring():
    assert ring_hosts(None) == {}
    assert missing_members({}, {'history': ['10.0.0.1']}) == {'history': ['10.0.0.1']}
