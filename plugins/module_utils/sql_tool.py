# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Running temporal-sql-tool, the server release's tool for Temporal's SQL schemas.

The tool has no command that prints a schema version, so versions are read through
its own update logic, never with a database driver on the host (see read_version and
list_versions):

- `update-schema --version 0.0` reads schema_version.curr_version, then refuses to go
  "down" to 0.0 with the error "start version 'X' must be less than end version '0.0'",
  before it reads a schema file or writes anything; at 0.0 it finds nothing to do.
- `update-schema --version 999999.0` refuses a version that is not in the schema
  directory with "end version '999999.0' specified but not found. existing versions:
  [v1.0 ...]": the versions the tool carries, again before anything is written.

The tool logs in zap's console format to stderr (time, colored level, message, JSON
fields); errors are ERROR records with an "error" field, and the exit status is 1.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

from urllib.parse import urlencode

from ansible.module_utils.basic import env_fallback

from ansible_collections.temporalops.temporal.plugins.module_utils.runner import BinaryRunner

SQL_TOOL = 'temporal-sql-tool'

INSTALL_HINT = (
    'It comes with the Temporal server release: install it on this host with the role '
    'temporalops.temporal.temporal_server, or point sql_tool_path at the binary.'
)

# Plugin -> (directory of its embedded schemas, default port).
PLUGINS = {
    'postgres12': ('postgresql/v12', 5432),
    'postgres12_pgx': ('postgresql/v12', 5432),
    'mysql8': ('mysql/v8', 3306),
}

# Database names of Temporal's documentation, per schema.
DEFAULT_DATABASES = {'temporal': 'temporal', 'visibility': 'temporal_visibility'}

# A version above any schema: asking for it makes the tool list the versions it has.
PROBE_ABOVE_ALL = '999999.0'

# Variables the tool reads settings from when its flags are absent (urfave/cli EnvVar).
# Those the module does not set are emptied, so that only the task's options count.
# Not SQL_PORT: empty, it is not a number and the tool exits with status 1 and no
# output; the port flag is always given, and a flag wins over its variable.
TOOL_ENVIRONMENT = (
    'SQL_HOST', 'SQL_USER', 'SQL_PASSWORD', 'SQL_DATABASE', 'SQL_PLUGIN', 'SQL_CONNECT_ATTRIBUTES',
    'SQL_TLS', 'SQL_TLS_CERT_FILE', 'SQL_TLS_KEY_FILE', 'SQL_TLS_CA_FILE', 'SQL_TLS_SERVER_NAME',
    'SQL_TLS_DISABLE_HOST_VERIFICATION',
)

# Options named after the tool's flags; the *_path aliases match the other modules' options.
TLS_FLAGS = (
    ('tls_cert_file', '--tls-cert-file'),
    ('tls_key_file', '--tls-key-file'),
    ('tls_ca_file', '--tls-ca-file'),
    ('tls_server_name', '--tls-server-name'),
)
# The tool ignores these without --tls: given alone, they would let a plain connection pass
# for a TLS one. (tls_disable_host_verification without tls is harmless and allowed.)
TLS_OPTIONS = tuple(option for option, _flag in TLS_FLAGS)

ANSI = re.compile(r'\x1b\[[0-9;]*m')
VERSION = re.compile(r'^v?(\d+(?:\.\d+){0,2})$')
CURRENT_ABOVE = re.compile(r"start version '([^']+)' must be less than end version")
CURRENT_EQUAL = re.compile(r"Start version '([^']+)' is equal to end version")
EXISTING = re.compile(r'existing versions: \[([^\]]*)\]')

# First match wins; regular expressions searched in the tool's error text, lower-cased.
# PostgreSQL (lib/pq for postgres12, pgx for postgres12_pgx) and MySQL phrasings. The
# connection errors come first: the tool opens its connection lazily, so they surface
# as "error reading current schema version:no usable database connection found".
ERROR_KINDS = (
    ('missing_database', 'database does not exist', (
        r'database "[^"]*" does not exist', r'unknown database', r'\(3d000\)', r'sqlstate 3d000')),
    ('permission_denied', 'permission denied', (
        r'password authentication failed', r'access denied', r'permission denied', r'no pg_hba\.conf entry',
        r'\(28p01\)', r'\(28000\)', r'sqlstate 28')),
    ('unavailable', 'database unreachable', (
        r'connection refused', r'no such host', r'i/o timeout', r'timeout', r'network is unreachable',
        r'connection reset', r'\beof\b', r'\btls\b', r'\bssl\b', r'certificate', r'x509',
        r'no usable database connection')),
    ('no_schema', 'no schema version', (
        r'schema_version" does not exist', r"schema_version' doesn't exist", r'no rows in result set')),
    ('invalid_argument', 'invalid argument', (
        r'config error', r'incorrect usage', r'flag provided but not defined', r'invalid', r'must be one of',
        r'not supported', r'specified but not found', r'must be less than', r'no such file or directory')),
)


def sql_tool_argument_spec(**module_options):
    """Connection options of temporal-sql-tool, plus the module's own options."""
    spec = dict(
        plugin=dict(type='str', default='postgres12', choices=sorted(PLUGINS)),
        host=dict(type='str', default='127.0.0.1'),
        port=dict(type='int'),
        user=dict(type='str'),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['SQL_PASSWORD'])),
        database=dict(type='str'),
        connect_attributes=dict(type='dict', default={}),
        tls=dict(type='bool', default=False),
        tls_cert_file=dict(type='path', aliases=['tls_cert_path']),
        tls_key_file=dict(type='path', aliases=['tls_key_path']),
        tls_ca_file=dict(type='path', aliases=['tls_ca_path']),
        tls_server_name=dict(type='str'),
        tls_disable_host_verification=dict(type='bool', default=False),
        command_timeout=dict(type='str', default='10m'),
        sql_tool_path=dict(type='path'),
    )
    spec.update(module_options)
    return spec


def normalize_version(value):
    """'1.18' for '1.18' or 'v1.18'; None when value is not a version."""
    match = VERSION.match(str(value).strip())
    return match.group(1) if match else None


def version_key(version):
    """Sort key that compares like the tool (semver, missing parts are 0): 1.2 < 1.10 == 1.10.0."""
    parts = [int(part) for part in re.findall(r'\d+', version)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def log_records(stderr):
    """The tool's log lines as dicts: level, msg and the JSON fields (error, ...)."""
    records = []
    for line in ANSI.sub('', stderr or '').splitlines():
        parts = line.split('\t')
        if len(parts) < 3:
            if line.strip():
                records.append(dict(level='', msg=line.strip()))
            continue
        record = dict(level=parts[1].strip().upper(), msg=parts[2].strip())
        if len(parts) > 3:
            try:
                fields = json.loads(parts[3])
            except ValueError:
                fields = {}
            if isinstance(fields, dict):
                record.update((key, value) for key, value in fields.items() if key not in ('level', 'msg'))
        records.append(record)
    return records


def error_message(stdout, stderr):
    """The tool's own error text.

    The error of its last ERROR record, followed by the earlier distinct errors in
    parentheses (the connection error that explains "no usable database connection
    found"); else the first line of a usage error (stdout) or the last line of stderr.
    """
    texts = []
    for record in log_records(stderr):
        if record['level'] in ('ERROR', 'FATAL', 'DPANIC', 'PANIC'):
            text = str(record.get('error') or record['msg'])
            if text not in texts:
                texts.append(text)
    if texts:
        causes = texts[:-1]
        return texts[-1] + (' (%s)' % '; '.join(causes) if causes else '')
    lines = [line.strip() for line in (stdout or '').splitlines() if line.strip()]
    if lines:
        return lines[0]
    lines = [line.strip() for line in ANSI.sub('', stderr or '').splitlines() if line.strip()]
    return lines[-1] if lines else 'no error output'


def classify_error(message):
    """Return (kind, label) for an error text of the tool; kind is 'error' when unknown."""
    lowered = message.lower()
    for kind, label, patterns in ERROR_KINDS:
        if any(re.search(pattern, lowered) for pattern in patterns):
            return kind, label
    return 'error', 'error'


def command_name(args):
    """The tool's command in args (its first word that is not a flag), e.g. 'update-schema'."""
    for arg in args:
        if not arg.startswith('-'):
            return arg
    return ''


def versions_in(directory):
    """Versions of a versioned schema directory, sorted: its subdirectories named like the tool wants (v1.18)."""
    versions = []
    for name in os.listdir(directory):
        version = normalize_version(name) if name.startswith('v') else None
        if version and os.path.isdir(os.path.join(directory, name)):
            versions.append(version)
    return sorted(versions, key=version_key)


class SqlTool(BinaryRunner):
    """Runs `temporal-sql-tool ...` against one database for one module invocation.

    Every argv run is kept in `commands` (argv holds no secret: the password goes
    through the environment).
    """

    name = SQL_TOOL
    label = 'temporal-sql-tool'
    path_option = 'sql_tool_path'
    install_hint = INSTALL_HINT

    def __init__(self, module, database):
        p = module.params
        tls_only = [option for option in TLS_OPTIONS if p[option]]
        if tls_only and not p['tls']:
            module.fail_json(msg='%s only apply with tls=true.' % ', '.join(tls_only))
        super(SqlTool, self).__init__(module)
        self.timeout = self.duration_param('command_timeout')
        self.port = p['port'] or PLUGINS[p['plugin']][1]
        self.database = database
        self.commands = []

    @property
    def where(self):
        """database at host:port, for messages."""
        return 'database %s at %s:%s' % (self.database, self.params['host'], self.port)

    def connection_args(self):
        """Global flags; they come before the command. Plugin and port always: the tool's defaults are MySQL's."""
        p = self.params
        args = ['--endpoint', p['host'], '--port', str(self.port)]
        if p['user']:
            args.extend(['--user', p['user']])
        args.extend(['--database', self.database, '--plugin', p['plugin']])
        if p['connect_attributes']:
            attributes = sorted((str(key), str(value)) for key, value in p['connect_attributes'].items())
            args.extend(['--connect-attributes', urlencode(attributes)])
        if p['tls']:
            args.append('--tls')
            for option, flag in TLS_FLAGS:
                if p[option]:
                    args.extend([flag, p[option]])
            if p['tls_disable_host_verification']:
                args.append('--tls-disable-host-verification')
        return args

    def environment(self):
        # The password goes through the environment so it never shows in argv (ps, logs).
        env = dict((name, '') for name in TOOL_ENVIRONMENT)
        env['SQL_PASSWORD'] = self.params['password'] or ''
        return env

    def secrets(self):
        return [self.params['password']] if self.params['password'] else []

    def execute(self, args, writes=False):
        """Run `temporal-sql-tool <connection flags> <args>`; (rc, stdout, stderr), no judgement but the time limit.

        writes: a call that changes the database runs without the time limit, which would cut a
        migration off half-way.
        """
        argv = [self.binary] + self.connection_args() + list(args)
        self.commands.append(self.mask(argv))
        timeout = 0 if writes else self.timeout
        rc, stdout, stderr, full_argv = self.run_argv(argv, timeout=timeout)
        if self.timed_out(rc, timeout):
            self.fail('temporal-sql-tool %s on %s did not finish within command_timeout (%ss).' % (
                command_name(args), self.where, self.timeout),
                error='timeout', rc=rc, cmd=' '.join(full_argv), stdout=stdout, stderr=stderr, commands=self.commands)
        return rc, stdout, stderr

    def failure(self, args, rc, stdout, stderr, message=None, kind=None, label=None):
        """Fail the module for a tool error, naming the command, the database and the tool's message."""
        if message is None:
            if ((stdout or '') + (stderr or '')).strip():
                message = error_message(stdout, stderr)
            else:
                message = 'it exited with status %s and printed nothing' % rc
        if kind is None:
            kind, label = classify_error(message)
        self.fail('temporal-sql-tool %s failed (%s) on %s: %s' % (command_name(args), label, self.where, message),
                  error=kind, rc=rc, stdout=stdout, stderr=ANSI.sub('', stderr or ''), commands=self.commands)

    def run(self, args, writes=False):
        """Run the tool; fail the module unless it succeeds. Returns (stdout, stderr)."""
        rc, stdout, stderr = self.execute(args, writes)
        if rc != 0:
            self.failure(args, rc, stdout, stderr)
        return stdout, stderr

    def read_version(self, source):
        """(version, None) for the database's schema version; (None, kind) when there is none to read.

        kind is 'missing_database' or 'no_schema' (no schema_version table or row). Any
        other error fails the module. Read-only: the tool is asked to update to 0.0; it
        reads schema_version.curr_version and refuses with "start version 'X' must be less
        than end version '0.0'", or at 0.0 warns "Start version '0.0' is equal to end
        version '0.0'" and finds nothing to do, before it reads a schema file.
        """
        args = ['update-schema'] + source + ['--version', '0.0']
        rc, stdout, stderr = self.execute(args)
        for record in log_records(stderr):
            for text in (str(record.get('error', '')), record['msg']):
                match = CURRENT_ABOVE.search(text) or CURRENT_EQUAL.search(text)
                if match:
                    return normalize_version(match.group(1)) or match.group(1), None
        if rc == 0:
            # Success without the warning: a tool that logs differently. Say so plainly.
            self.failure(args, rc, stdout, stderr, 'its output did not show the schema version', 'error',
                         'unexpected output')
        message = error_message(stdout, stderr)
        kind, label = classify_error(message)
        if kind in ('missing_database', 'no_schema'):
            return None, kind
        self.failure(args, rc, stdout, stderr, message, kind, label)

    def list_versions(self, source):
        """The versions of schema `source` as the tool sees them, sorted; the database must have a schema version.

        Read-only: asked for a version above all, the tool refuses with "end version
        '999999.0' specified but not found. existing versions: [v1.0 ...]".
        """
        args = ['update-schema'] + source + ['--version', PROBE_ABOVE_ALL]
        rc, stdout, stderr = self.execute(args)
        for record in log_records(stderr):
            match = EXISTING.search(str(record.get('error', '')))
            if match:
                versions = [normalize_version(name) for name in match.group(1).split()]
                return sorted((v for v in versions if v), key=version_key)
        if rc == 0:
            self.failure(args, rc, stdout, stderr, 'its output did not list the schema versions', 'error',
                         'unexpected output')
        self.failure(args, rc, stdout, stderr)
