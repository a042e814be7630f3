# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""YAML-driven tests of sql_schema: every temporal-sql-tool call is mocked and checked exactly.

Like run_command_cases (same case keys: id, input, check_mode, diff, calls, output,
output_contains, failed), with what differs for temporal-sql-tool:

- input gets user: temporal and password: S3cret-pw unless it sets them.
- argv is what follows the binary; the binary (input sql_tool_path, else
  /usr/local/bin/temporal-sql-tool) and the time limit prefix (/usr/bin/timeout
  --kill-after=10s 600s, unless command_timeout is 0) are prepended. '@conn' expands to
  the default connection flags, '@conn:DB' to the same with database DB.
- log: [[LEVEL, message, {fields}], ...] is rendered to stderr in the tool's console
  format (time, colored level, message, JSON fields); err is taken as is.
- tool_missing: true: no temporal-sql-tool on the host.
- release_dir: [versions]: the case gets a directory with a fake tool and the versioned
  schema of a release beside it; '@release' in input and argv is its path.
- '@tmp' in input and argv is a scratch directory; schema_dirs: {path: [versions]}
  creates versioned schema directories in it.

Every call must carry the password in SQL_PASSWORD and never in argv, and the result
must not hold the password anywhere.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.temporalops.temporal.plugins.module_utils.durations import parse_duration
from ansible_collections.temporalops.temporal.plugins.module_utils.sql_tool import PROBE_ABOVE_ALL, TOOL_ENVIRONMENT
from ansible_collections.temporalops.temporal.plugins.modules import sql_schema
from ansible_collections.temporalops.temporal.tests.unit.plugins.modules.run_command_cases import ModuleExit, load_cases

BINARY = '/usr/local/bin/temporal-sql-tool'
TIMEOUT = '/usr/bin/timeout'
DEFAULT_INPUT = dict(user='temporal', password='S3cret-pw')
COLORS = {'DEBUG': 35, 'INFO': 34, 'WARN': 33, 'ERROR': 31}


def connection_flags(database='temporal'):
    return ['--endpoint', '127.0.0.1', '--port', '5432', '--user', 'temporal', '--database', database or 'temporal',
            '--plugin', 'postgres12']


def render_log(records):
    lines = []
    for level, message, fields in records:
        fields = dict(fields or {}, **{'logging-call-at': 'go.temporal.io/server@v1.32.2/tools/sql/handler.go:53'})
        lines.append('2026-11-25T03:09:08.462Z\t\x1b[%dm%s\x1b[0m\t%s\t%s' % (
            COLORS[level], level, message, json.dumps(fields)))
    return '\n'.join(lines) + '\n'


def substitute(value, paths):
    if isinstance(value, str):
        for name, path in paths.items():
            value = value.replace(name, path)
        return value
    if isinstance(value, list):
        return [substitute(item, paths) for item in value]
    if isinstance(value, dict):
        return dict((key, substitute(item, paths)) for key, item in value.items())
    return value


def make_schema_dir(directory, versions):
    for version in versions:
        os.makedirs(os.path.join(directory, 'v' + version))
        with open(os.path.join(directory, 'v' + version, 'manifest.json'), 'w') as handle:
            json.dump(dict(CurrVersion=version), handle)


def writes(argv):
    """Whether a call changes the database: every command but update-schema's two read-only probes."""
    words = [word for word in argv if not word.startswith('@')]
    version = words[words.index('--version') + 1] if '--version' in words else None
    if 'update-schema' in words:
        return version not in ('0.0', PROBE_ABOVE_ALL)
    return 'create-database' in words or 'setup-schema' in words


class FakeSqlTool:
    def __init__(self, case, module_input, paths):
        self.calls = list(case.get('calls') or [])
        self.paths = paths
        self.password = module_input.get('password')
        binary = module_input.get('sql_tool_path') or BINARY
        timeout = parse_duration(module_input.get('command_timeout', '10m'))
        self.limited = ([TIMEOUT, '--kill-after=10s', '%ds' % timeout] if timeout else []) + [binary]
        self.unlimited = [binary]

    def expand(self, argv, limit=True):
        """argv as run; limit=False: as the module reports it (without the time limit's wrapper)."""
        # Reads run under the time limit; writes, which a limit would cut off half-way, without.
        expanded = list(self.limited if limit and not writes(argv) else self.unlimited)
        for item in substitute(argv, self.paths):
            if item.split(':')[0] == '@conn':
                expanded.extend(connection_flags(*item.split(':')[1:]))
            else:
                expanded.append(item)
        return expanded

    def __call__(self, argv, environ_update=None, **kwargs):
        if self.password:
            assert not any(self.password in arg for arg in argv), 'password in argv: %s' % argv
        env = environ_update or {}
        assert env.get('SQL_PASSWORD') == (self.password or ''), 'SQL_PASSWORD'
        assert sorted(env) == sorted(TOOL_ENVIRONMENT), 'the tool environment is not fully set: %s' % sorted(env)
        assert self.calls, 'unexpected call: %s' % argv
        call = self.calls.pop(0)
        expected = self.expand(call['argv'])
        assert expected == argv, 'call differs\nexpected: %s\nactual:   %s' % (expected, argv)
        for key, value in (call.get('env') or {}).items():
            assert env.get(key) == value, 'environment %s' % key
        err = render_log(call['log']) if 'log' in call else call.get('err', '')
        return call.get('rc', 0), call.get('out', ''), err


def fake_tool(path):
    os.makedirs(os.path.dirname(path))
    with open(path, 'w') as handle:
        handle.write('#!/bin/sh\nexit 1\n')
    os.chmod(path, 0o755)


@pytest.mark.parametrize(**load_cases(__file__))
def test_sql_schema(case, monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith('SQL_'):
            monkeypatch.delenv(name)
    paths = {'@tmp': str(tmp_path / 'tmp'), '@release': str(tmp_path / 'release')}
    os.makedirs(paths['@tmp'])
    for directory, versions in (case.get('schema_dirs') or {}).items():
        make_schema_dir(substitute(directory, paths), versions)
    if case.get('release_dir') is not None:
        fake_tool(os.path.join(paths['@release'], 'temporal-sql-tool'))
        make_schema_dir(os.path.join(paths['@release'], 'schema/postgresql/v12/temporal/versioned'), case['release_dir'])

    module_input = substitute(dict(DEFAULT_INPUT, **(case.get('input') or {})), paths)
    module_input = dict((key, value) for key, value in module_input.items() if value is not None)
    run_command = FakeSqlTool(case, module_input, paths)

    def exit_json(module, **result):
        raise ModuleExit(dict(result, failed=False))

    def fail_json(module, **result):
        raise ModuleExit(dict(result, failed=True))

    def get_bin_path(module, name, *args, **kwargs):
        if name == 'timeout':
            return TIMEOUT
        assert name == 'temporal-sql-tool'
        assert kwargs.get('opt_dirs') == ['/usr/local/bin']
        return None if case.get('tool_missing') else BINARY

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda module, argv, **kw: run_command(argv, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)

    args = dict(module_input, _ansible_check_mode=case.get('check_mode', False), _ansible_diff=case.get('diff', False))
    with patch_module_args(args):
        with pytest.raises(ModuleExit) as exited:
            sql_schema.main()
    result = exited.value.result

    assert result['failed'] == case.get('failed', False), result
    assert not run_command.calls, 'calls expected but not made: %s' % run_command.calls
    if module_input.get('password'):
        assert module_input['password'] not in json.dumps(result), 'password in the result: %s' % result
    for key, value in substitute(case.get('output') or {}, paths).items():
        if key == 'commands':
            value = [run_command.expand(argv, limit=False) for argv in value]
        assert result.get(key) == value, '%s: expected %r, got %r' % (key, value, result.get(key))
    for key, parts in (case.get('output_contains') or {}).items():
        for part in parts:
            assert part in result.get(key, ''), '%s: %r not in %r' % (key, part, result.get(key))
