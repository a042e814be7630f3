# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils.balancer import problems

GOOD = {
    'temporal_balancer_backends': ['10.0.0.1:7233', '10.0.0.2:7233'],
    'temporal_balancer_http_backends': ['10.0.0.1:7243'],
    'temporal_balancer_listen_address': '0.0.0.0',
    'temporal_balancer_grpc_port': 7233,
    'temporal_balancer_http_port': '7243',
    'temporal_balancer_check_interval_ms': 1000,
    'temporal_balancer_check_fall': 2,
    'temporal_balancer_check_rise': '2',
    'temporal_balancer_idle_timeout': 120,
}


def test_good_settings_have_no_problem():
    assert problems(GOOD) == []


def test_every_problem_is_named_at_once():
    bad = dict(GOOD, temporal_balancer_backends=[], temporal_balancer_http_backends=['node-1', '10.0.0.1:7243'],
               temporal_balancer_listen_address='balancer.example', temporal_balancer_grpc_port=70000,
               temporal_balancer_check_fall=0, temporal_balancer_idle_timeout='2m')
    assert problems(bad) == [
        'temporal_balancer_backends must list the frontends as host:port (site.yml fills it from the temporal_server group),'
        ' not [].',
        "temporal_balancer_http_backends entries must be host:port: 'node-1'.",
        "temporal_balancer_listen_address must be an IP address, not 'balancer.example'.",
        'temporal_balancer_grpc_port must be a port (1-65535), not 70000.',
        'temporal_balancer_check_fall must be at least 1, not 0.',
        "temporal_balancer_idle_timeout must be a whole number, not '2m'.",
    ]


def test_a_frontend_listed_twice_and_one_port_for_both_listeners_are_refused():
    bad = dict(GOOD, temporal_balancer_backends=['10.0.0.1:7233', '10.0.0.1:7233'], temporal_balancer_http_port=7233)
    assert problems(bad) == ['temporal_balancer_backends lists a frontend twice: 10.0.0.1:7233.',
                             'temporal_balancer_grpc_port and temporal_balancer_http_port are both 7233.']
