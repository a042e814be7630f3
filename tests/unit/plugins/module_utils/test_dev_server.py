# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The temporal_dev_server role's checks and ExecStart (plugins/module_utils/dev_server.py), with
the role's defaults: every message, as the role printed it when the checks were Jinja."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.filter.dev_server import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils.dev_server import exec_start, validate

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'temporal_dev_server')
BINARY = '/opt/temporal/cli/1.5.1/temporal'


def _load(name):
    with open(os.path.join(ROLE, name)) as handle:
        return yaml.safe_load(handle)


DEFAULTS = dict(_load('defaults/main.yml'), temporal_dev_server_db_filename='/var/lib/temporal-dev/temporal.db')
# The settings the role hands the filters, by name (roles/temporal_dev_server/vars/main.yml).
NAMES = list(_load('vars/main.yml')['__temporal_dev_server_settings'])


def settings(**overrides):
    merged = dict(DEFAULTS, **overrides)
    return dict((name, merged[name]) for name in NAMES)


def problems(**overrides):
    return validate(settings(**overrides))


def argv(**overrides):
    return exec_start(settings(**overrides), BINARY)


def test_the_defaults_are_good():
    assert problems() == []


BEYOND = (" listen beyond loopback: the dev server has neither TLS nor authentication, so anyone who reaches its ports can"
          " start, read and terminate any workflow. Keep it on 127.0.0.1, or set temporal_dev_server_insecure: true on a"
          " network you trust.")


@pytest.mark.parametrize(('overrides', 'messages'), [
    ({'temporal_dev_server_ip': '0.0.0.0'}, ["{'temporal_dev_server_ip': '0.0.0.0'}" + BEYOND]),
    ({'temporal_dev_server_ui_ip': '10.0.0.5'}, ["{'temporal_dev_server_ui_ip': '10.0.0.5'}" + BEYOND]),
    ({'temporal_dev_server_ip': '::', 'temporal_dev_server_ui_ip': '10.0.0.5'},
     ["{'temporal_dev_server_ip': '::', 'temporal_dev_server_ui_ip': '10.0.0.5'}" + BEYOND]),
    # A headless server opens no UI; the opt-out, in any spelling -e gives it, opens both.
    ({'temporal_dev_server_ui_ip': '10.0.0.5', 'temporal_dev_server_headless': 'true'}, []),
    ({'temporal_dev_server_ip': '0.0.0.0', 'temporal_dev_server_insecure': 'yes'}, []),
    ({'temporal_dev_server_ip': '0.0.0.0', 'temporal_dev_server_insecure': True}, []),
    ({'temporal_dev_server_ip': '::1', 'temporal_dev_server_ui_ip': 'localhost'}, []),
    ({'temporal_dev_server_ip': '0.0.0.0', 'temporal_dev_server_insecure': 'maybe'},
     ["temporal_dev_server_insecure must be true or false, not 'maybe'."]),
])
def test_a_listener_beyond_loopback_needs_the_insecure_setting(overrides, messages):
    assert problems(**overrides) == messages


PORTS = "{'temporal_dev_server_port': 7233, 'temporal_dev_server_http_port': 7243, 'temporal_dev_server_metrics_port': 9233, "


@pytest.mark.parametrize(('overrides', 'messages'), [
    ({'temporal_dev_server_port': 70000}, ["Ports must be between 1 and 65535: {'temporal_dev_server_port': 70000}."]),
    # Below 1 first, then above 65535, each in the listeners' order.
    ({'temporal_dev_server_port': 0, 'temporal_dev_server_http_port': 70000, 'temporal_dev_server_metrics_port': -1},
     ["Ports must be between 1 and 65535: {'temporal_dev_server_port': 0, 'temporal_dev_server_metrics_port': -1, "
      "'temporal_dev_server_http_port': 70000}."]),
    ({'temporal_dev_server_ui_port': 7233}, ["Each listener needs its own port: " + PORTS + "'temporal_dev_server_ui_port': 7233}."]),
    # Headless: the UI's port is no listener.
    ({'temporal_dev_server_ui_port': 7233, 'temporal_dev_server_headless': True}, []),
    ({'temporal_dev_server_namespaces': ['ok', 'bad name', '-x', 'a.b_c-d', 'é']},
     ["temporal_dev_server_namespaces has invalid names ['bad name', '-x', 'é'] (letters, digits, '.', '_', '-')."]),
    ({'temporal_dev_server_namespaces': ['a' * 255, 'b' * 256]},
     ["temporal_dev_server_namespaces has invalid names ['%s'] (letters, digits, '.', '_', '-')." % ('b' * 256)]),
    ({'temporal_dev_server_search_attributes': {'Region': 'Color'}},
     ["temporal_dev_server_search_attributes maps identifiers to one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList; "
      "got {'Region': 'Color'}."]),
    ({'temporal_dev_server_search_attributes': {'1x': 'Text', 'Ok': 'Int'}},
     ["temporal_dev_server_search_attributes maps identifiers to one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList; "
      "got {'1x': 'Text', 'Ok': 'Int'}."]),
    ({'temporal_dev_server_dynamic_config': {'frontend.enableUpdateWorkflowExecution': True, 'bad key': 1}},
     ['temporal_dev_server_dynamic_config keys must be dotted identifiers such as frontend.enableUpdateWorkflowExecution.']),
    ({'temporal_dev_server_db_filename': '/tmp/t.db'},
     ["temporal_dev_server_db_filename '/tmp/t.db' must be a file directly inside temporal_dev_server_data_dir "
      "'/var/lib/temporal-dev' (the only directory the service may write)."]),
    ({'temporal_dev_server_db_filename': '/var/lib/temporal-dev/sub/t.db'},
     ["temporal_dev_server_db_filename '/var/lib/temporal-dev/sub/t.db' must be a file directly inside temporal_dev_server_data_dir "
      "'/var/lib/temporal-dev' (the only directory the service may write)."]),
    # The data directory is matched literally: a dot is no wildcard.
    ({'temporal_dev_server_data_dir': '/var/lib/x.y', 'temporal_dev_server_db_filename': '/var/lib/xzy/t.db'},
     ["temporal_dev_server_db_filename '/var/lib/xzy/t.db' must be a file directly inside temporal_dev_server_data_dir "
      "'/var/lib/x.y' (the only directory the service may write)."]),
    ({'temporal_dev_server_data_dir': '/var/lib/x//', 'temporal_dev_server_db_filename': '/var/lib/x/t.db'}, []),
    ({'temporal_dev_server_limit_nofile': -1}, ["temporal_dev_server_limit_nofile must be 0 (systemd's default) or a positive limit."]),
    ({'temporal_dev_server_health_timeout': 0}, ['temporal_dev_server_health_timeout must be a positive number of seconds.']),
])
def test_each_mistake_gets_its_message(overrides, messages):
    assert problems(**overrides) == messages


def test_every_problem_is_told_at_once_in_the_tables_order():
    found = problems(temporal_dev_server_port=0, temporal_dev_server_ui_port=0, temporal_dev_server_namespaces=['x y'],
                     temporal_dev_server_search_attributes={'A': 'B'}, temporal_dev_server_dynamic_config={'-': 1},
                     temporal_dev_server_db_filename='/x', temporal_dev_server_limit_nofile=-5, temporal_dev_server_health_timeout=-1)
    assert [message.split(' ')[0] for message in found] == [
        'Ports', 'Each', 'temporal_dev_server_namespaces', 'temporal_dev_server_search_attributes',
        'temporal_dev_server_dynamic_config', 'temporal_dev_server_db_filename', 'temporal_dev_server_limit_nofile',
        'temporal_dev_server_health_timeout']


def test_numbers_and_booleans_from_the_command_line_are_converted():
    """-e temporal_dev_server_port=7300 gives a string: the checks and the unit take it as the number."""
    given = dict(temporal_dev_server_port='7300', temporal_dev_server_http_port=' 7301 ', temporal_dev_server_metrics_port='9233',
                 temporal_dev_server_ui_port='8233', temporal_dev_server_headless='false', temporal_dev_server_limit_nofile='0',
                 temporal_dev_server_health_timeout='60')
    typed = dict(temporal_dev_server_port=7300, temporal_dev_server_http_port=7301, temporal_dev_server_headless=False)
    assert problems(**given) == []
    assert argv(**given) == argv(**typed)
    assert '--headless' in argv(temporal_dev_server_headless='yes')
    assert problems(temporal_dev_server_port='70000') == ["Ports must be between 1 and 65535: {'temporal_dev_server_port': 70000}."]
    assert problems(temporal_dev_server_ui_port='7233', temporal_dev_server_headless='true') == []


@pytest.mark.parametrize(('overrides', 'message'), [
    ({'temporal_dev_server_port': 'http'}, "temporal_dev_server_port must be a whole number, not 'http'."),
    ({'temporal_dev_server_ui_port': '8233.5'}, "temporal_dev_server_ui_port must be a whole number, not '8233.5'."),
    ({'temporal_dev_server_http_port': True}, 'temporal_dev_server_http_port must be a whole number, not True.'),
    ({'temporal_dev_server_headless': 'maybe'}, "temporal_dev_server_headless must be true or false, not 'maybe'."),
    ({'temporal_dev_server_limit_nofile': 'lots'}, "temporal_dev_server_limit_nofile must be a whole number, not 'lots'."),
    ({'temporal_dev_server_health_timeout': '1m'}, "temporal_dev_server_health_timeout must be a whole number, not '1m'."),
])
def test_a_value_that_is_no_number_is_refused_by_name(overrides, message):
    assert problems(**overrides) == [message]


def test_control_characters_are_refused_naming_the_setting():
    found = problems(temporal_dev_server_extra_args=['--x', 'y\nExecStartPre=/bin/sh'],
                     temporal_dev_server_search_attributes={'Region\n': 'Text'}, temporal_dev_server_ui_public_path='/t\r')
    assert found == [
        "temporal_dev_server_ui_public_path '/t\\r' has a control character (a carriage return): a value written to a systemd unit "
        "file may not have a newline or any other control character.",
        "temporal_dev_server_search_attributes key 'Region\\n' has a control character (a newline): a value written to a systemd "
        "unit file may not have a newline or any other control character.",
        "temporal_dev_server_extra_args[1] 'y\\nExecStartPre=/bin/sh' has a control character (a newline): a value written to a "
        "systemd unit file may not have a newline or any other control character.",
    ]


def test_exec_start_with_the_defaults():
    assert argv() == [BINARY, 'server', 'start-dev', '--db-filename', '/var/lib/temporal-dev/temporal.db', '--ip', '127.0.0.1',
                      '--port', '7233', '--http-port', '7243', '--metrics-port', '9233', '--log-level', 'warn',
                      '--log-format', 'json', '--ui-port', '8233']


def test_exec_start_headless_drops_every_ui_flag():
    found = argv(temporal_dev_server_headless=True, temporal_dev_server_ui_ip='0.0.0.0', temporal_dev_server_ui_public_path='/t')
    assert found[-1] == '--headless' and not [arg for arg in found if arg.startswith('--ui-')]


def test_exec_start_ui_flags_only_when_set():
    found = argv(temporal_dev_server_ui_ip='0.0.0.0', temporal_dev_server_ui_public_path='/t',
                 temporal_dev_server_ui_codec_endpoint='https://codec.example.com')
    assert found[17:] == ['--ui-port', '8233', '--ui-ip', '0.0.0.0', '--ui-public-path', '/t',
                          '--ui-codec-endpoint', 'https://codec.example.com']


def test_exec_start_repeats_flags_maps_sorted_case_insensitively():
    found = argv(temporal_dev_server_namespaces=['b', 'a'],
                 temporal_dev_server_search_attributes={'Z': 'Int', 'a': 'Bool', 'B': 'Keyword'},
                 temporal_dev_server_dynamic_config={'k.v': 'with space', 'A.b': [1, 'x'], 'n': None, 'f': 1.5, 't': True},
                 temporal_dev_server_sqlite_pragmas={'journal_mode': 'wal', 'Busy_timeout': 5000, 'x': True},
                 temporal_dev_server_extra_args=['--extra', 5])
    assert found[19:] == [
        '--namespace', 'b', '--namespace', 'a',
        '--search-attribute', 'a=Bool', '--search-attribute', 'B=Keyword', '--search-attribute', 'Z=Int',
        '--dynamic-config-value', 'A.b=[1, "x"]', '--dynamic-config-value', 'f=1.5', '--dynamic-config-value', 'k.v="with space"',
        '--dynamic-config-value', 'n=null', '--dynamic-config-value', 't=true',
        '--sqlite-pragma', 'Busy_timeout=5000', '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'x=True',
        '--extra', '5']
    assert all(isinstance(arg, str) for arg in found)


def test_the_filters_call_the_same_functions():
    filters = FilterModule().filters()
    assert filters['dev_server_problems'](settings(temporal_dev_server_health_timeout=0)) == \
        ['temporal_dev_server_health_timeout must be a positive number of seconds.']
    assert filters['dev_server_exec_start'](settings(), BINARY) == argv()
    with pytest.raises(AnsibleFilterError, match="temporal_dev_server_port must be a whole number, not 'x'."):
        filters['dev_server_exec_start'](settings(temporal_dev_server_port='x'), BINARY)
    with pytest.raises(AnsibleFilterError, match='the settings lack'):
        filters['dev_server_exec_start']({}, BINARY)
