# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils import runner
from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI
from ansible_collections.temporalops.temporal.plugins.module_utils.sql_tool import (
    TOOL_ENVIRONMENT,
    SqlTool,
    classify_error,
    command_name,
    error_message,
    log_records,
    normalize_version,
    sql_tool_argument_spec,
    version_key,
    versions_in,
)

# stderr (and, for the usage error, stdout) of temporal-sql-tool 1.32.2 against PostgreSQL 15,
# verbatim: `update-schema --schema-name postgresql/v12/temporal --version 0.0` (the reading call)
# on a missing database (lib/pq and pgx), with a wrong password, on a closed port, on an empty
# database, at 0.0 (exit status 0) and at 1.19; `--version 999999.0` at 1.19; an unknown flag.
MISSING_PQ = (
    '2026-11-25T03:12:53.571Z\t\x1b[31mERROR\x1b[0m\tsql handle: unable to refresh database connection pool\t{"error": "pq: database '
    '\\"nodb\\" does not exist (3D000)", "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:109"}\n'
    '2026-11-25T03:12:53.571Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:53.571Z\t\x1b[33mWARN\x1b[0m\t'
    'sql handle: did not refresh database connection pool because the last refresh was too close\t{"min_refresh_interval_seconds": 1, '
    '"logging-call-at": "go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:99"}\n'
    '2026-11-25T03:12:53.571Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error reading current schema version:no usable '
    'database connection found", "logging-call-at": "go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

MISSING_PGX = (
    '2026-11-25T03:12:53.657Z\t\x1b[31mERROR\x1b[0m\tsql handle: unable to refresh database connection pool\t{"error": "failed to connect to '
    '`user=temporal database=nodb`: 127.0.0.1:55432 (127.0.0.1): server error: FATAL: database \\"nodb\\" does not exist (SQLSTATE 3D000)", '
    '"logging-call-at": "go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:109"}\n'
    '2026-11-25T03:12:53.657Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:53.657Z\t\x1b[33mWARN\x1b[0m\t'
    'sql handle: did not refresh database connection pool because the last refresh was too close\t{"min_refresh_interval_seconds": 1, '
    '"logging-call-at": "go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:99"}\n'
    '2026-11-25T03:12:53.657Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error reading current schema version:no usable '
    'database connection found", "logging-call-at": "go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

AUTH = (
    '2026-11-25T03:12:53.774Z\t\x1b[31mERROR\x1b[0m\tsql handle: unable to refresh database connection pool\t{"error": "pq: password '
    'authentication failed for user \\"temporal\\" (28P01)", "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:109"}\n'
    '2026-11-25T03:12:53.775Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:53.775Z\t\x1b[33mWARN\x1b[0m\t'
    'sql handle: did not refresh database connection pool because the last refresh was too close\t{"min_refresh_interval_seconds": 1, '
    '"logging-call-at": "go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:99"}\n'
    '2026-11-25T03:12:53.775Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error reading current schema version:no usable '
    'database connection found", "logging-call-at": "go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

REFUSED = (
    '2026-11-25T03:12:53.844Z\t\x1b[31mERROR\x1b[0m\tsql handle: unable to refresh database connection pool\t{"error": "dial tcp '
    '127.0.0.1:55499: connect: connection refused", "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:109"}\n'
    '2026-11-25T03:12:53.845Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:53.845Z\t\x1b[33mWARN\x1b[0m\t'
    'sql handle: did not refresh database connection pool because the last refresh was too close\t{"min_refresh_interval_seconds": 1, '
    '"logging-call-at": "go.temporal.io/server@v1.32.2/common/persistence/sql/sqlplugin/db_handle.go:99"}\n'
    '2026-11-25T03:12:53.845Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error reading current schema version:no usable '
    'database connection found", "logging-call-at": "go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

NO_TABLE = (
    '2026-11-25T03:12:54.527Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:54.534Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error reading current schema version:pq: '
    'relation \\"schema_version\\" does not exist at column 26 (42P01)", "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

AT_0_0 = (
    '2026-11-25T03:12:54.767Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    "2026-11-25T03:12:54.775Z\t\x1b[33mWARN\x1b[0m\tStart version '0.0' is equal to end version '0.0'. Returning empty version list\t"
    '{"logging-call-at": "go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:331"}\n'
    '2026-11-25T03:12:54.775Z\t\x1b[35mDEBUG\x1b[0m\tSchema Dirs: []\t'
    '{"logging-call-at": "go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:188"}\n'
    '2026-11-25T03:12:54.775Z\t\x1b[35mDEBUG\x1b[0m\tfound zero updates from current version 0.0\t'
    '{"logging-call-at": "go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:110"}\n'
    '2026-11-25T03:12:54.775Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask done\t'
    '{"logging-call-at": "go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:103"}\n'
)

AT_1_19 = (
    '2026-11-25T03:12:53.985Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"0.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:53.993Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error listing schema dir:start version \'1.19\' '
    'must be less than end version \'0.0\'", "logging-call-at": "go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

LIST = (
    '2026-11-25T03:12:54.126Z\t\x1b[34mINFO\x1b[0m\tUpdateSchemaTask started\t{"config": '
    '{"DBName":"","TargetVersion":"999999.0","SchemaDir":"","SchemaName":"postgresql/v12/temporal","IsDryRun":false}, "logging-call-at": '
    '"go.temporal.io/server@v1.32.2/tools/common/schema/updatetask.go:80"}\n'
    '2026-11-25T03:12:54.130Z\t\x1b[31mERROR\x1b[0m\tUnable to update SQL schema.\t{"error": "error listing schema dir:end version '
    "'999999.0' specified but not found. existing versions: [v1.0 v1.1 v1.10 v1.11 v1.12 v1.13 v1.14 v1.15 v1.16 v1.17 v1.18 v1.19 v1.2 v1.3 "
    'v1.4 v1.5 v1.6 v1.7 v1.8 v1.9]", "logging-call-at": "go.temporal.io/server@v1.32.2/tools/sql/handler.go:53"}\n'
)

USAGE_OUT = (
    'Incorrect Usage: flag provided but not defined: -bogus\n'
    '\n'
    'NAME:\n'
    '   temporal-sql-tool update-schema - update sql schema to a specific version\n'
    '\n'
    'USAGE:\n'
    '   temporal-sql-tool update-schema [command options] [arguments...]\n'
    '\n'
    'OPTIONS:\n'
    '   --version value, -v value      target version for the schema update, defaults to latest\n'
    '   --schema-dir value, -d value   path to directory containing versioned schema\n'
    '   --schema-name value, -s value  name of embedded versioned schema, one of: [mysql/v8/temporal mysql/v8/visibility]\n'
    '   \n'
)


class Exited(Exception):
    pass


class FakeModule:
    """What the runners use of AnsibleModule: params, get_bin_path, run_command, fail_json."""

    def __init__(self, params, outputs=(), bin_paths=None):
        self.params = params
        self.outputs = list(outputs)
        self.bin_paths = bin_paths if bin_paths is not None else {
            'temporal-sql-tool': '/usr/local/bin/temporal-sql-tool', 'timeout': '/usr/bin/timeout',
            'temporal': '/usr/local/bin/temporal'}
        self.calls = []
        self.failed = None

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return self.bin_paths.get(name)

    def run_command(self, argv, environ_update=None):
        self.calls.append((argv, environ_update))
        return self.outputs.pop(0)

    def fail_json(self, **result):
        self.failed = result
        raise Exited(result['msg'])


def sql_params(**params):
    spec = sql_tool_argument_spec()
    values = dict((name, option.get('default')) for name, option in spec.items())
    values.update(user='temporal', password='S3cret-pw')
    values.update(params)
    return values


def tool(outputs=(), **params):
    return SqlTool(FakeModule(sql_params(**params), outputs), 'temporal')


SOURCE = ['--schema-name', 'postgresql/v12/temporal']


@pytest.mark.parametrize('stderr, kind', [
    (MISSING_PQ, 'missing_database'),
    (MISSING_PGX, 'missing_database'),
    (AUTH, 'permission_denied'),
    (REFUSED, 'unavailable'),
    (NO_TABLE, 'no_schema'),
])
def test_real_errors_are_classified(stderr, kind):
    assert classify_error(error_message('', stderr))[0] == kind


@pytest.mark.parametrize('message, kind', [
    ("error reading current schema version:Error 1049 (42000): Unknown database 'temporal'", 'missing_database'),
    ("error reading current schema version:Error 1146 (42S02): Table 'temporal.schema_version' doesn't exist", 'no_schema'),
    ("Error 1045 (28000): Access denied for user 'temporal'@'10.0.0.5' (using password: YES)", 'permission_denied'),
    ('error reading current schema version:sql: no rows in result set', 'no_schema'),
    ('plugin not supported: unknown plugin "nosuch", supported plugins: [mysql8 postgres12 postgres12_pgx sqlite]',
     'invalid_argument'),
    ("error listing schema dir:end version '1.25' specified but not found. existing versions: [v1.0]", 'invalid_argument'),
    ('error executing statement: pq: syntax error at or near "x"', 'error'),
])
def test_other_errors_are_classified(message, kind):
    assert classify_error(message)[0] == kind


def test_error_message_names_the_connection_error_behind_no_usable_connection():
    assert error_message('', MISSING_PQ) == (
        'error reading current schema version:no usable database connection found (pq: database "nodb" does not exist (3D000))')


def test_error_message_of_a_usage_error_is_its_first_line():
    assert error_message(USAGE_OUT, '') == 'Incorrect Usage: flag provided but not defined: -bogus'


def test_log_records_strip_colors_and_read_fields():
    records = log_records(AT_1_19)
    assert [record['level'] for record in records] == ['INFO', 'ERROR']
    assert records[0]['config']['TargetVersion'] == '0.0'
    assert records[1]['error'] == "error listing schema dir:start version '1.19' must be less than end version '0.0'"


@pytest.mark.parametrize('outputs, expected', [
    ([(1, '', AT_1_19)], ('1.19', None)),
    ([(0, '', AT_0_0)], ('0.0', None)),
    ([(1, '', NO_TABLE)], (None, 'no_schema')),
    ([(1, '', MISSING_PQ)], (None, 'missing_database')),
    ([(1, '', MISSING_PGX)], (None, 'missing_database')),
])
def test_read_version(outputs, expected):
    sql = tool(outputs)
    assert sql.read_version(SOURCE) == expected
    argv, env = sql.module.calls[0]
    assert argv == ['/usr/bin/timeout', '--kill-after=10s', '600s', '/usr/local/bin/temporal-sql-tool',
                    '--endpoint', '127.0.0.1', '--port', '5432', '--user', 'temporal', '--database', 'temporal',
                    '--plugin', 'postgres12', 'update-schema', '--schema-name', 'postgresql/v12/temporal', '--version', '0.0']
    assert env['SQL_PASSWORD'] == 'S3cret-pw'
    assert sql.commands == [argv[3:]]


def test_read_version_fails_on_other_errors_without_the_password():
    sql = tool([(1, '', AUTH)], password='wrong')
    with pytest.raises(Exited):
        sql.read_version(SOURCE)
    assert sql.module.failed['error'] == 'permission_denied'
    assert 'password authentication failed for user "temporal"' in sql.module.failed['msg']
    assert 'wrong' not in str(sql.module.failed)


def test_list_versions_sorts_like_the_tool():
    assert tool([(1, '', LIST)]).list_versions(SOURCE) == ['1.%d' % minor for minor in range(20)]


def test_list_versions_on_a_database_without_schema_fails():
    sql = tool([(1, '', NO_TABLE)])
    with pytest.raises(Exited):
        sql.list_versions(SOURCE)
    assert sql.module.failed['error'] == 'no_schema'


def test_environment_empties_every_variable_the_tool_reads():
    env = tool().environment()
    assert sorted(env) == sorted(TOOL_ENVIRONMENT)
    assert env['SQL_PASSWORD'] == 'S3cret-pw'
    assert all(value == '' for name, value in env.items() if name != 'SQL_PASSWORD')


def test_versions():
    assert normalize_version('v1.18') == '1.18'
    assert normalize_version('1.18.2') == '1.18.2'
    assert normalize_version('latest') is None
    assert sorted(['1.10', '1.2', '1.9', '1.0'], key=version_key) == ['1.0', '1.2', '1.9', '1.10']
    assert version_key('1.10') == version_key('1.10.0')


def test_versions_in_lists_version_directories_only(tmp_path):
    for name in ('v1.0', 'v1.10', 'v1.2', 'notes', 'vX'):
        (tmp_path / name).mkdir()
    (tmp_path / 'v1.3').write_text('a file, not a version')
    assert versions_in(str(tmp_path)) == ['1.0', '1.2', '1.10']


def test_command_name():
    assert command_name(['update-schema', '--schema-name', 'x']) == 'update-schema'
    assert command_name(['--defaultdb', 'x']) == 'x'


def test_missing_tool_names_the_role():
    module = FakeModule(sql_params(), bin_paths={})
    with pytest.raises(Exited):
        SqlTool(module, 'temporal')
    assert module.failed['msg'] == (
        'temporal-sql-tool was not found (looked for temporal-sql-tool). It comes with the Temporal server release: '
        'install it on this host with the role temporalops.temporal.temporal_server, or point sql_tool_path at the binary.')


def test_missing_timeout_command_is_reported():
    module = FakeModule(sql_params(), bin_paths={'temporal-sql-tool': '/usr/local/bin/temporal-sql-tool'})
    sql = SqlTool(module, 'temporal')
    with pytest.raises(Exited):
        sql.read_version(SOURCE)
    assert 'coreutils' in module.failed['msg']


def test_mask_reaches_into_lists_and_dicts():
    assert runner.mask({'a': ['x pw y', 3], 'b': 'pw'}, ['pw']) == {'a': ['x ******** y', 3], 'b': '********'}


def test_temporal_cli_still_says_the_same_when_missing():
    params = dict(grpc_meta={}, cli_path=None, command_timeout='30s')
    module = FakeModule(params, bin_paths={})
    with pytest.raises(Exited):
        TemporalCLI(module)
    assert module.failed['msg'] == (
        'The temporal CLI was not found (looked for temporal). Install it on this host with the role '
        'temporalops.temporal.temporal_cli, or point cli_path at the binary.')


def test_temporal_cli_runs_without_a_time_limit_wrapper():
    params = dict(grpc_meta={}, cli_path=None, command_timeout='30s', retry_timeout='30s', address='localhost:7233', namespace='default',
                  api_key=None, tls=None, tls_cert_path=None, tls_key_path=None, tls_ca_path=None, tls_server_name=None,
                  tls_disable_host_verification=False)
    module = FakeModule(params, outputs=[(0, '{}', '')])
    cli = TemporalCLI(module)
    assert cli.run(['operator', 'cluster', 'health']) == {}
    argv, env = module.calls[0]
    assert argv[:4] == ['/usr/local/bin/temporal', 'operator', 'cluster', 'health']
    assert env == {'TEMPORAL_API_KEY': ''}


def test_tls_material_as_text_reaches_the_cli_outside_its_command_line(tmp_path):
    """The client certificate and key through the CLI's environment; the CA (which CLI 1.5.1 refuses as
    data) through a file in the module's temporary directory."""
    params = dict(grpc_meta={}, cli_path=None, command_timeout='30s', retry_timeout='30s', address='10.0.0.5:7233',
                  namespace='default', api_key=None, tls=True, tls_cert_path=None, tls_key_path=None, tls_ca_path=None,
                  tls_server_name=None, tls_disable_host_verification=False, tls_cert_data='CERT', tls_key_data='KEY-SECRET',
                  tls_ca_data='CA-TEXT')
    module = FakeModule(params, outputs=[(0, '{}', '')])
    module.tmpdir = str(tmp_path)
    cli = TemporalCLI(module)
    cli.run(['operator', 'cluster', 'health'])
    argv, env = module.calls[0]
    assert 'KEY-SECRET' not in ' '.join(argv) and 'CERT' not in ' '.join(argv)
    assert (env['TEMPORAL_TLS_CERT_DATA'], env['TEMPORAL_TLS_KEY_DATA']) == ('CERT', 'KEY-SECRET')
    ca_path = argv[argv.index('--tls-ca-path') + 1]
    assert ca_path.startswith(str(tmp_path)) and open(ca_path).read() == 'CA-TEXT'
    assert cli.mask('failed with KEY-SECRET') == 'failed with ********'


def test_a_tls_file_given_twice_is_refused():
    params = dict(grpc_meta={}, cli_path=None, command_timeout='30s', tls_key_path='/etc/k.pem', tls_key_data='KEY')
    module = FakeModule(params)
    with pytest.raises(Exited):
        TemporalCLI(module)
    assert module.failed['msg'] == 'Give each TLS file once, as a path or as its text: not tls_key_path and tls_key_data.'
