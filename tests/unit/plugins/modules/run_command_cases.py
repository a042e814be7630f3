# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""YAML-driven unit tests for the modules: every CLI call is mocked and checked exactly.

A test_<module>.yaml file holds a list of cases:

    - id: creates_when_missing          # test name
      input: {name: orders}             # module arguments
      check_mode: false                 # optional
      diff: false                       # optional
      cli_missing: false                # optional: no temporal binary on the host
      calls:                            # the exact CLI calls, in order
        - argv: [operator, namespace, describe, '@conn:orders']
          rc: 1
          out: ''
          err: '{"level":"ERROR","msg":"Namespace orders is not found."}'
          env: {TEMPORAL_API_KEY: ''}   # optional: these must be in the CLI's environment
      output: {changed: true}           # expected subset of the module result
      output_contains: {msg: [address]} # optional: substrings of string results
      absent: [history_shard_count]     # optional: keys the result must not have
      failed: false                     # optional; true when the module must fail

argv items: '@conn' expands to the default connection flags, '@conn:NAME' to the same
with namespace NAME, '@conn:NAME:5s' also with that command timeout (NAME may be empty
for "default"); {file: VALUE} matches a path to a file that holds VALUE as JSON.
The binary path is prepended.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

BINARY = '/opt/temporal/bin/temporal'


def connection_flags(namespace='', timeout=''):
    return ['--address', 'localhost:7233', '--namespace', namespace or 'default', '--command-timeout',
            timeout or '30s', '--log-format', 'json', '--output', 'json', '--disable-config-file']


def load_cases(test_file):
    """pytest.mark.parametrize arguments for the YAML file next to test_file."""
    path = os.path.splitext(test_file)[0] + '.yaml'
    with open(path) as handle:
        cases = yaml.safe_load(handle)
    return dict(argnames='case', argvalues=cases, ids=[case['id'] for case in cases])


class ModuleExit(Exception):
    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


def patch_module(monkeypatch, run_command):
    """Make AnsibleModule leave through ModuleExit (failed or not), run RUN_COMMAND(module, argv,
    **kwargs) for its commands and find every binary in /bin: for tests that mock the host's
    commands themselves (host_info, task_queue_info's wait for a unit)."""
    def leave(failed):
        def exit_module(module, **result):
            raise ModuleExit(dict(result, failed=failed))
        return exit_module

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', leave(False))
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', leave(True))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, *a, **kw: '/bin/' + name)


class FakeClock:
    """time.time/time.sleep that advance instantly, so waiting code runs without waiting."""

    def __init__(self):
        self.now = 1000000.0

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def expand(argv):
    expanded = [BINARY]
    for item in argv:
        if isinstance(item, str) and item.split(':')[0] == '@conn':
            expanded.extend(connection_flags(*item.split(':')[1:]))
        else:
            expanded.append(item)
    return expanded


def matches(expected, actual):
    if isinstance(expected, dict) and 'file' in expected:
        with open(actual) as handle:
            return json.load(handle) == expected['file']
    return expected == actual


class FakeRunCommand:
    def __init__(self, calls):
        self.calls = list(calls)
        self.seen = []

    def __call__(self, argv, environ_update=None, **kwargs):
        self.seen.append(argv)
        assert self.calls, 'unexpected CLI call: %s' % argv
        call = self.calls.pop(0)
        expected = expand(call['argv'])
        assert len(expected) == len(argv) and all(matches(e, a) for e, a in zip(expected, argv)), (
            'CLI call differs\nexpected: %s\nactual:   %s' % (expected, argv))
        for key, value in (call.get('env') or {}).items():
            assert (environ_update or {}).get(key) == value, 'environment %s' % key
        return call.get('rc', 0), call.get('out', ''), call.get('err', '')


def run_case(main, case, monkeypatch):
    for name in list(os.environ):
        if name.startswith('TEMPORAL_'):
            monkeypatch.delenv(name)

    def exit_json(module, **result):
        raise ModuleExit(dict(result, failed=False))

    def fail_json(module, **result):
        raise ModuleExit(dict(result, failed=True))

    run_command = FakeRunCommand(case.get('calls') or [])
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda module, argv, **kw: run_command(argv, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda module, name, *a, **kw: None if case.get('cli_missing') else BINARY)
    clock = FakeClock()
    monkeypatch.setattr('time.time', clock.time)
    monkeypatch.setattr('time.sleep', clock.sleep)

    args = dict(case.get('input') or {}, _ansible_check_mode=case.get('check_mode', False),
                _ansible_diff=case.get('diff', False))
    with patch_module_args(args):
        with pytest.raises(ModuleExit) as exited:
            main()
    result = exited.value.result

    assert result['failed'] == case.get('failed', False), result
    assert not run_command.calls, 'CLI calls expected but not made: %s' % run_command.calls
    for key, value in (case.get('output') or {}).items():
        assert result.get(key) == value, '%s: expected %r, got %r' % (key, value, result.get(key))
    for key, parts in (case.get('output_contains') or {}).items():
        for part in parts:
            assert part in result.get(key, ''), '%s: %r not in %r' % (key, part, result.get(key))
    for key in case.get('absent') or []:
        assert key not in result, '%s: expected no such key, got %r' % (key, result[key])
    return result
