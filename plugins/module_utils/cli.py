# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one way the modules talk to Temporal: the temporal CLI, with JSON output.

Every module builds its argument spec with connection_argument_spec(), makes a
TemporalCLI and calls run(). Errors never come back to the module as exceptions:
run() turns them into fail_json with a message naming the address and namespace,
except "not found" when the caller asks for it (missing_ok), which returns None.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import tempfile
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.temporalops.temporal.plugins.module_utils.durations import format_duration
from ansible_collections.temporalops.temporal.plugins.module_utils.runner import EXTRA_DIRS, BinaryRunner

# Where the role temporalops.temporal.temporal_cli links the binary; not always on PATH for
# non-login shells.
CLI_EXTRA_DIRS = EXTRA_DIRS

INSTALL_HINT = (
    'Install it on this host with the role temporalops.temporal.temporal_cli, '
    'or point cli_path at the binary.'
)


# The CLI's variables for a client certificate and key given as text (instead of --tls-*-path).
# A CA given as text goes to a file instead: CLI 1.5.1 refuses CA data however it comes ("cannot
# have server CA cert path with data").
TLS_DATA_VARIABLES = (('tls_cert_data', 'TEMPORAL_TLS_CERT_DATA'), ('tls_key_data', 'TEMPORAL_TLS_KEY_DATA'))


def connection_argument_spec(**module_options):
    """Connection options shared by all modules, plus the module's own options."""
    spec = dict(
        address=dict(type='str', default='localhost:7233', fallback=(env_fallback, ['TEMPORAL_ADDRESS'])),
        namespace=dict(type='str', default='default', fallback=(env_fallback, ['TEMPORAL_NAMESPACE'])),
        api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['TEMPORAL_API_KEY'])),
        tls=dict(type='bool', fallback=(env_fallback, ['TEMPORAL_TLS'])),
        tls_cert_path=dict(type='path', fallback=(env_fallback, ['TEMPORAL_TLS_CERT'])),
        tls_key_path=dict(type='path', fallback=(env_fallback, ['TEMPORAL_TLS_KEY'])),
        tls_ca_path=dict(type='path', fallback=(env_fallback, ['TEMPORAL_TLS_CA'])),
        tls_cert_data=dict(type='str'),
        tls_key_data=dict(type='str', no_log=True),
        tls_ca_data=dict(type='str'),
        tls_server_name=dict(type='str', fallback=(env_fallback, ['TEMPORAL_TLS_SERVER_NAME'])),
        tls_disable_host_verification=dict(
            type='bool', default=False, fallback=(env_fallback, ['TEMPORAL_TLS_DISABLE_HOST_VERIFICATION'])),
        grpc_meta=dict(type='dict', default={}, no_log=True),
        command_timeout=dict(type='str', default='30s'),
        retry_timeout=dict(type='str', default='30s'),
        cli_path=dict(type='path'),
    )
    spec.update(module_options)
    return spec


# What a moving cluster returns for a while: a node restarting or a balancer between nodes
# (unavailable), or a server that refused the call before doing anything (rate_limited).
# run() repeats such a call until retry_timeout has passed, pausing FIRST_PAUSE, then twice
# as long each time, at most MAX_PAUSE.
RETRIED_KINDS = ('rate_limited', 'unavailable')
FIRST_PAUSE = 0.5
MAX_PAUSE = 5.0

# gRPC header names the CLI can take from its environment (see TemporalCLI.environment).
GRPC_META_KEY = re.compile(r'^[A-Za-z0-9][A-Za-z0-9-]*$')


# First match wins; patterns are matched against the CLI's error message, lower-cased.
# They cover gRPC status names and the CLI's own phrasing for the same condition.
ERROR_KINDS = (
    # The server refused the call before doing anything (ResourceExhausted): safe to repeat.
    ('rate_limited', 'rate limited', ('rate limit exceeded', 'resourceexhausted', 'resource exhausted')),
    ('permission_denied', 'permission denied', (
        'permission denied', 'permissiondenied', 'unauthenticated', 'unauthorized', 'forbidden')),
    ('not_found', 'not found', ('not found', 'notfound')),
    ('already_exists', 'already exists', (
        'already exists', 'already registered', 'already started', 'alreadyexists')),
    ('unavailable', 'Temporal service unavailable', (
        'connection refused', 'connection error', 'unavailable', 'deadline exceeded', 'no such host',
        'handshake', 'i/o timeout', 'eof')),
    ('invalid_argument', 'invalid argument', (
        'invalid argument', 'invalidargument', 'required flag', 'is not one of', 'unknown flag',
        'not valid', 'invalid', 'must be', 'not set on request')),
)


def classify_error(message):
    """Return (kind, label) for a CLI error message; kind is 'error' when unknown."""
    lowered = message.lower()
    for kind, label, patterns in ERROR_KINDS:
        if any(pattern in lowered for pattern in patterns):
            return kind, label
    return 'error', 'error'


def error_message(stdout, stderr):
    """The CLI's own error text: the last ERROR record of its JSON log, else the last line."""
    message = ''
    for line in (stderr or '').splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            message = re.sub(r'^Error:\s*', '', line)
            continue
        if isinstance(record, dict) and record.get('level') == 'ERROR':
            message = record.get('msg', line)
    if not message:
        # Usage errors go to stdout with the help text; their first line says what is wrong.
        lines = [line for line in (stdout or '').splitlines() if line.strip()]
        message = re.sub(r'^Error:\s*', '', lines[0]) if lines else 'no error output'
    return message


def command_name(args):
    """'workflow start' for ['workflow', 'start', '--type', ...]: the words before the first flag."""
    words = []
    for arg in args:
        if arg.startswith('-'):
            break
        words.append(arg)
    return ' '.join(words)


class TemporalCLI(BinaryRunner):
    """Runs `temporal ...` for one module invocation."""

    name = 'temporal'
    label = 'The temporal CLI'
    path_option = 'cli_path'
    install_hint = INSTALL_HINT
    extra_dirs = CLI_EXTRA_DIRS

    def __init__(self, module, fail_on_error=True):
        """fail_on_error=False: run() returns None on errors and keeps the message in last_error."""
        self.fail_on_error = fail_on_error
        self.last_error = None
        self.params = module.params
        self.module = module
        self._check_grpc_meta()
        self._check_tls_sources()
        super(TemporalCLI, self).__init__(module)  # finds the binary
        self.timeout = self.duration_param('command_timeout')
        # A probe (fail_on_error=False) is not repeated here: its caller polls.
        self.retry_timeout = self.duration_param('retry_timeout') if fail_on_error else 0

    def connection_args(self, namespace=None, timeout=None):
        p = self.params
        args = ['--address', p['address'], '--namespace', namespace or p['namespace']]
        if p['tls'] is not None:
            args.append('--tls=%s' % ('true' if p['tls'] else 'false'))
        for option in ('tls_cert_path', 'tls_key_path', 'tls_ca_path', 'tls_server_name'):
            if p[option]:
                args.extend(['--' + option.replace('_', '-'), p[option]])
        if p.get('tls_ca_data'):
            args.extend(['--tls-ca-path', self._ca_file()])
        if p['tls_disable_host_verification']:
            args.append('--tls-disable-host-verification')
        args.extend(['--command-timeout', format_duration(timeout or self.timeout)])
        # The module's options are the only source: an envconfig profile of the user the module
        # runs as (root's, temporal_server_cli_profile) would mix its address and files in.
        return args + ['--log-format', 'json', '--output', 'json', '--disable-config-file']

    def environment(self):
        # Secrets go through the environment so they never show in argv (ps, logs): the API
        # key, and gRPC headers (often credentials), which the CLI reads from
        # TEMPORAL_GRPC_META_<NAME>, '_' standing for '-'.
        env = {'TEMPORAL_API_KEY': self.params['api_key'] or ''}
        # Certificates and keys given as text: the CLI reads them from these (a key is a secret).
        for option, variable in TLS_DATA_VARIABLES:
            if self.params.get(option):
                env[variable] = self.params[option]
        for key, value in self.params['grpc_meta'].items():
            env['TEMPORAL_GRPC_META_' + key.upper().replace('-', '_')] = str(value)
        return env

    def secrets(self):
        return [self.params.get('api_key'), self.params.get('tls_key_data')]

    def _ca_file(self):
        """A file holding tls_ca_data (public), in the module's private temporary directory, which
        Ansible removes when the module ends; written once per module run."""
        if getattr(self, '_ca_path', None) is None:
            descriptor, self._ca_path = tempfile.mkstemp(prefix='tls-ca.', suffix='.pem', dir=self.module.tmpdir)
            with os.fdopen(descriptor, 'w') as handle:
                handle.write(self.params['tls_ca_data'])
        return self._ca_path

    def _check_tls_sources(self):
        both = ['%s and %s' % (option.replace('_data', '_path'), option)
                for option in ('tls_cert_data', 'tls_key_data', 'tls_ca_data')
                if self.params.get(option) and self.params.get(option.replace('_data', '_path'))]
        if both:
            self.module.fail_json(msg='Give each TLS file once, as a path or as its text: not %s.' % ', '.join(both))

    def _check_grpc_meta(self):
        bad = sorted(key for key in self.params['grpc_meta'] if not GRPC_META_KEY.match(key))
        if bad:
            self.module.fail_json(msg='grpc_meta header names may hold letters, digits and dashes only: %s' % (
                ', '.join(bad)))

    def execute(self, args, namespace=None, timeout=None):
        """Run `temporal <args>` with the connection flags; (rc, stdout, stderr, argv), no judgement."""
        # The CLI keeps its own time limit (--command-timeout), so no timeout wrapper here.
        return self.run_argv([self.binary] + list(args) + self.connection_args(namespace, timeout))

    def run(self, args, namespace=None, timeout=None, missing_ok=False, parse=True):
        """Run `temporal <args>` and return its parsed JSON output (or text if parse=False).

        missing_ok: return None when the object does not exist instead of failing.
        """
        started = time.time()
        attempts, pause = 1, FIRST_PAUSE
        rc, stdout, stderr, argv = self.execute(args, namespace, timeout)
        while rc != 0 and classify_error(error_message(stdout, stderr))[0] in RETRIED_KINDS \
                and time.time() + pause - started <= self.retry_timeout:
            time.sleep(pause)
            attempts, pause = attempts + 1, min(pause * 2, MAX_PAUSE)
            rc, stdout, stderr, argv = self.execute(args, namespace, timeout)
        if rc != 0:
            message = error_message(stdout, stderr)
            kind, label = classify_error(message)
            if missing_ok and kind == 'not_found':
                return None
            self.last_error = message
            if not self.fail_on_error:
                return None
            tried = ' (%d attempts over %ds)' % (attempts, time.time() - started) if attempts > 1 else ''
            self.module.fail_json(
                msg='temporal %s failed (%s) against %s, namespace %s%s: %s' % (
                    command_name(args), label, self.params['address'], namespace or self.params['namespace'], tried,
                    message),
                error=kind, rc=rc, cmd=' '.join(argv), stdout=stdout, stderr=stderr, attempts=attempts)
        if not parse:
            return stdout
        return self.parse(stdout, args)

    def parse(self, stdout, args):
        text = stdout.strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            pass
        try:
            # jsonl: one JSON document per line.
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            self.module.fail_json(msg='temporal %s printed output that is not JSON' % command_name(args), stdout=stdout)

    def payload_file(self, value):
        """Write one JSON payload to a private file for --input-file; inputs may be large or secret."""
        fd, path = tempfile.mkstemp(prefix='temporal-input-', suffix='.json', dir=self.module.tmpdir)
        with os.fdopen(fd, 'w') as handle:
            json.dump(value, handle, sort_keys=True)
        return path

    def poll(self, probe, timeout, interval=1.0):
        """Call probe() until it returns something truthy or timeout seconds pass; return the last value."""
        deadline = time.time() + timeout
        while True:
            value = probe()
            if value or time.time() >= deadline:
                return value
            time.sleep(min(interval, max(0.0, deadline - time.time())))
