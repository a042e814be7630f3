# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every mistake in the temporal_worker role's settings, one message each naming the worker and
the setting, found before any host changes (the action plugin worker_plan fails on any).

The role's meta/argument_specs.yml owns the keys, their types and choices (Ansible checks them
first, defaults included); these are the rules within and across settings.

Pure: reads the workers worker_model.resolve() gives and the raw settings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.temporalops.temporal.plugins.module_utils.pollers import pattern_problem
from ansible_collections.temporalops.temporal.plugins.module_utils.systemd_unit import NAMES as CONTROL_NAMES, control_character
from ansible_collections.temporalops.temporal.plugins.module_utils.worker_model import NODE_MINIMUM, TUNING_VARS, get, merged, text, to_json

# Patterns a whole value must match (checked with _whole: a trailing newline is no match).
NAME = r'[a-z0-9][a-z0-9_-]{0,63}'
USER = r'[a-z_][a-z0-9_-]{0,31}'
ADDRESS = r'(dns:///)?([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}'
# No space and no control character: these go to the unit as they are.
VISIBLE = r'[^\s\x00-\x1f\x7f-\x9f]'
MODULE = r'[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*)*'
URL = r'(https?|file)://[^?#]*/[^/?#]+[.](tar[.]gz|tgz|zip)'
CHECKSUM = r'sha256:[0-9a-fA-F]{64}'
VERSION = r'[0-9A-Za-z][0-9A-Za-z._+-]*'
# An npm script name (npm run NAME), and a file of the app: relative, no way out of it.
NPM_SCRIPT = r'[A-Za-z0-9][A-Za-z0-9:._-]*'
APP_FILE = r'(?!/)(?!.*(^|/)[.][.](/|$))[A-Za-z0-9@._+/-]+'
# envconfig sends TEMPORAL_GRPC_META_<NAME> as header <name>, '_' read as '-': only names of
# letters, digits and '-' go there and come back as given.
HEADER = r'[A-Za-z0-9][A-Za-z0-9-]*'
ENV_NAME = r'[A-Za-z_][A-Za-z0-9_]*'
SECONDS = r'[0-9]+(\.[0-9]+)?s'
# The unit is world-readable: these go where only systemd reads them.
SECRET_VARS = ['TEMPORAL_API_KEY', 'TEMPORAL_CODEC_AUTH', 'TEMPORAL_TLS_CLIENT_KEY_DATA']
# Settings that reach the unit as written and that no pattern above checks: systemd reads a unit
# line by line, so a newline would let the rest of the value out as a directive of its own.
UNIT_SETTINGS = ['command', 'args', 'environment', 'hardening', 'working_dir', 'read_write_paths', 'group', 'profile',
                 'config_file', 'tls.cert_file', 'tls.key_file', 'tls.ca_file', 'tls.server_name', 'codec.endpoint',
                 'archive.binary', 'node.interpreter']


def _whole(pattern, value):
    """Whether all of VALUE (as text) matches PATTERN: $ would let a trailing newline pass."""
    return re.match('(?:%s)\\Z' % pattern, text(value)) is not None


def _integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def input_errors(instances, defaults):
    """The shape of the two settings, before any worker can be read from them."""
    if isinstance(instances, str) or not (hasattr(instances, '__len__') and hasattr(instances, '__getitem__')) \
            or [raw for raw in instances if not isinstance(raw, dict)]:
        return ['temporal_worker_instances must be a list of workers, each a dict with at least a name.']
    if not isinstance(defaults, dict):
        return ['temporal_worker_defaults must be a dict of worker settings.']
    return []


def _unique(messages):
    """Each message once, first seen first; case ignored, as Ansible's unique filter ignores it."""
    seen = set()
    result = []
    for message in messages:
        if message.lower() not in seen:
            seen.add(message.lower())
            result.append(message)
    return result


def _setting(w, setting):
    """The merged value of a dotted setting (tls.cert_file), '' when unset."""
    value = w
    for part in setting.split('.'):
        value = get(value, part)
    return value


def _control(at, setting, value):
    """A message for each text of a setting's value (list items, dict keys and values) with a control character."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_control(at, setting, key) + _control(at, '%s.%s' % (setting, text(key)), item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_control(at, setting, item))
    elif isinstance(value, str):
        char = control_character(value)
        if char:
            found.append('%s.%s %s has a control character (%s): a value that goes to the unit file may not have a newline'
                         ' or any other control character.' % (at, setting, to_json(value), CONTROL_NAMES.get(char, 'U+%04X' % ord(char))))
    return found


def _python(at, w):
    p = w['python']
    e = []
    if not _whole(MODULE, get(p, 'module')):
        e.append('%s.python.module %s must name the module to run with python -m, such as billing.worker.' % (at, to_json(get(p, 'module'))))
    if not get(p, 'requirements', []):
        e.append('%s.python.requirements: a requirements file on the controller or a list of requirements (temporalio at least).' % at)
    for key in ('python.source', 'python.requirements', 'python.wheelhouse'):
        if key in w['found'] and not w['found'][key]:
            e.append('%s.%s: %s is not on the controller.' % (at, key, text(p[key.split('.')[1]])))
    if not text(get(p, 'interpreter', '/usr/bin/python3')).startswith('/'):
        e.append('%s.python.interpreter must be an absolute path, not %s.' % (at, text(p['interpreter'])))
    return e


def _archive(at, w):
    a = w['archive']
    e = []
    if not _whole(URL, get(a, 'url')):
        e.append('%s.archive.url %s must be an http://, https:// or file:// URL of a .tar.gz, .tgz or .zip archive.' % (at, to_json(get(a, 'url'))))
    if not _whole(CHECKSUM, get(a, 'checksum')):
        e.append("%s.archive.checksum must be sha256: followed by the archive's 64 hex digits (it is verified before unpacking)." % at)
    binary = get(a, 'binary')
    if not binary or '..' in (binary if isinstance(binary, (str, list, dict)) else text(binary)):
        e.append('%s.archive.binary: the program to run, a path inside the archive (such as bin/worker).' % at)
    if get(a, 'version') and not _whole(VERSION, w['archive_version']):
        e.append('%s.archive.version %s may hold letters, digits and . _ + - only.' % (at, to_json(w['archive_version'])))
    return e


def _node(at, w):
    n = w['node']
    e = []
    source = get(n, 'source')
    if not source:
        e.append('%s.node.source: the app directory on the controller (package.json and its lockfile) is required.' % at)
    elif not w['found'].get('node.source'):
        e.append('%s.node.source: %s is not on the controller.' % (at, text(source)))
    elif not w['node_build']['package_json']:
        e.append('%s.node.source: %s has no package.json that npm can read (the app\'s dependencies and scripts).' % (at, text(source)))
    elif not w['node_build']['lockfile']:
        e.append('%s.node.source: %s has no package-lock.json (or npm-shrinkwrap.json): npm ci installs exactly what a lockfile'
                 ' pins; run npm install once and keep the lockfile with the app.' % (at, text(source)))
    elif w['node_build']['lock_mismatch'] is None:
        e.append('%s.node.source: %s/%s is not a lockfile npm can read (JSON, lockfileVersion 2 or 3).'
                 % (at, text(source).rstrip('/'), w['node_build']['lockfile']))
    elif w['node_build']['lock_mismatch']:
        e.append('%s.node.source: %s/%s does not match package.json (%s); run npm install and keep the lockfile it writes (npm ci'
                 ' refuses the pair).' % (at, text(source).rstrip('/'), w['node_build']['lockfile'], ', '.join(w['node_build']['lock_mismatch'])))
    if not _whole(APP_FILE, get(n, 'script')):
        e.append('%s.node.script %s: the file node runs, a path inside the app such as lib/worker.js.' % (at, to_json(get(n, 'script'))))
    if get(n, 'build') and not _whole(NPM_SCRIPT, get(n, 'build')):
        e.append('%s.node.build %s must name a script of package.json (npm run NAME), such as build.' % (at, to_json(get(n, 'build'))))
    cache = get(n, 'npm_cache')
    if cache and not w['found'].get('node.npm_cache'):
        e.append('%s.node.npm_cache: %s is not on the controller.' % (at, text(cache)))
    elif cache and not re.search(r'[.](tar[.]gz|tgz)\Z', text(cache)):
        e.append('%s.node.npm_cache %s must be a .tar.gz of an npm cache directory (npm ci --cache DIR fills one).' % (at, to_json(cache)))
    if not text(get(n, 'interpreter', '/usr/bin/node')).startswith('/'):
        e.append('%s.node.interpreter must be an absolute path, not %s.' % (at, text(n['interpreter'])))
    return e


def _tuning(at, tuning):
    e = []
    for key, value in tuning.items():
        if key not in TUNING_VARS or value is None:
            continue
        if key in ('deployment_name', 'build_id'):
            if not isinstance(value, str) or not _whole(VISIBLE + '+', value):
                e.append('%s.tuning.%s must be a name without spaces.' % (at, key))
        elif key.endswith('_pollers') and isinstance(value, dict):
            if set(value) != set(['initial', 'max', 'min']) or not all(_integer(v) for v in value.values()) \
                    or not 1 <= value['min'] <= value['initial'] <= value['max']:
                e.append('%s.tuning.%s autoscaling takes {min, initial, max}, whole numbers with 1 <= min <= initial <= max.' % (at, key))
        elif key.startswith('max_') or key.endswith('_pollers'):
            if not _integer(value) or value < 1:
                e.append('%s.tuning.%s must be a whole number of at least 1%s, not %s.'
                         % (at, key, ' (or {min, initial, max} to autoscale)' if key.endswith('_pollers') else '', text(value)))
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            e.append('%s.tuning.%s must be a positive number%s, not %s.' % (at, key, ' of seconds' if key.endswith('timeout') else '', text(value)))
    if (len(text(get(tuning, 'deployment_name'))) > 0) != (len(text(get(tuning, 'build_id'))) > 0):
        e.append('%s.tuning: deployment_name and build_id go together (worker versioning): set both or neither.' % at)
    return e


def _tls(at, w):
    tls = w['tls']
    e = []
    if w['has_tls_key'] and get(tls, 'key_file'):
        e.append('%s.tls: key (the key itself) and key_file (a file on the host) are two ways to give one key; set one.' % at)
    for key in w.get('tls_given_twice') or []:
        e.append('%s.tls: %s (the text itself) and %s_file (a file on the host) are two ways to give one %s; set one.'
                 % (at, key, key, 'certificate' if key == 'cert' else 'CA'))
    if bool(w['key_file']) != bool(get(tls, 'cert_file')):
        missing = ('a client key (key or key_file) needs its certificate, tls.cert_file' if w['key_file']
                   else 'tls.cert_file needs its key, tls.key_file or tls.key')
        e.append('%s.tls: %s (mTLS).' % (at, missing))
    if w['tls_on'] is False and w['tls_keys_set']:
        e.append('%s.tls: enabled is false, yet certificate, key, CA or server name are set; turn TLS on or drop them.' % at)
    for key in ('cert_file', 'key_file', 'ca_file'):
        if get(tls, key) and not text(tls[key]).startswith('/'):
            e.append('%s.tls.%s must be an absolute path on the host, not %s.' % (at, key, text(tls[key])))
    return e


def _grpc(at, w):
    e = []
    lowered = [text(header).lower() for header in w['grpc_headers']]
    for header in w['grpc_headers']:
        if not isinstance(header, str) or not _whole(HEADER, header):
            e.append('%s.grpc_meta: the header name %s must be letters, digits and - (envconfig reads TEMPORAL_GRPC_META_<NAME>, _ standing'
                     ' for -).' % (at, to_json(header)))
        elif lowered.count(header.lower()) > 1:
            e.append('%s.grpc_meta: the header %s is given more than once (header names ignore case).' % (at, header.lower()))
        elif header in w['grpc_headers_empty']:
            e.append('%s.grpc_meta.%s is empty (envconfig reads an empty value as no header).' % (at, header))
    return e


def _present(at, w, settings, workers, queues, allow_shared_queues):
    """The checks of a worker that is to run."""
    e = []
    if not _whole(ADDRESS, w['address']):
        e.append('%s.address %s must be host:port of the Temporal frontend.' % (at, to_json(w['address'])))
    if not isinstance(w['namespace'], str) or not _whole(VISIBLE + '{1,255}', w['namespace']):
        e.append('%s.namespace %s must be a namespace name (1-255 characters without spaces).' % (at, to_json(w['namespace'])))
    if not w['own_config_file'] and len(w['connection_set']) < 2:
        e.append("%s: with config_file, set address and namespace too (the worker or temporal_worker_defaults): TEMPORAL_ADDRESS and"
                 " TEMPORAL_NAMESPACE override the profile's, and the health gate asks that frontend; missing: %s."
                 % (at, ', '.join(key for key in ('address', 'namespace') if key not in w['connection_set'])))
    if not _whole(VISIBLE + '{1,255}', w['queue']):
        e.append('%s.task_queue: the queue %s must be 1-255 characters without spaces.' % (at, to_json(w['queue'])))
    queue_key = ' '.join(text(part) for part in (w['address'], w['namespace'], w['queue']))
    if queue_key in queues and not allow_shared_queues:
        e.append('%s.task_queue: %s (namespace %s) is the queue of worker %s too; give each worker its own queue (task_queue,'
                 ' task_queue_prefix) or set temporal_worker_allow_shared_queues: true.'
                 % (at, text(w['queue']), text(w['namespace']), queues[queue_key]))
    queues[queue_key] = w['name']
    if not w['deliveries']:
        e.append('%s: nothing to run; set command (already on the host), python, node, or archive.' % at)
    elif len(w['deliveries']) > 1:
        e.append('%s: %s are set; give one of command, python, node, archive (files go beside any of them).' % (at, ' and '.join(w['deliveries'])))
    first = text(w['command'][0]) if w['command'] else ''
    if w['deliveries'] == ['command'] and first and not first.startswith('/'):
        e.append('%s.command: %s must be an absolute path (systemd runs it without a shell).' % (at, first))
    if w['python']:
        e.extend(_python(at, w))
    if w['node']:
        e.extend(_node(at, w))
    if w['archive']:
        e.extend(_archive(at, w))
    if w['files']:
        if 'files.src' not in w['found']:
            e.append('%s.files takes {src: a file or directory on the controller}, copied to %s.' % (at, w['app_dir']))
        elif not w['found']['files.src']:
            e.append('%s.files.src: %s is not on the controller.' % (at, text(w['files']['src'])))
    e.extend(_tuning(at, w['tuning']))
    e.extend(_tls(at, w))
    if w['has_api_key'] and w['api_key_file']:
        e.append('%s: api_key and api_key_file are two ways to give one key; set one.' % at)
    if w['api_key_file'] and not text(w['api_key_file']).startswith('/'):
        e.append('%s.api_key_file must be an absolute path on the host, not %s.' % (at, text(w['api_key_file'])))
    if w['profile'] and w['own_config_file']:
        e.append('%s.profile %s needs config_file, the TOML file that holds [profile.%s].' % (at, text(w['profile']), text(w['profile'])))
    if (w['raw_user'] or _whole(NAME, w['name'])) and not _whole(USER, w['user']):
        e.append('%s.user %s is not a valid user name (at most 32 characters%s).'
                 % (at, to_json(w['user']), '' if w['raw_user'] else '; the default temporal-worker-NAME is too long for this name, set user'))
    if w['user'] == 'root':
        e.append('%s.user root: a worker does not run as root (uid 0); leave user out (each worker gets its own system user) or give'
                 ' an unprivileged one.' % at)
    e.extend(_grpc(at, w))
    for var in w['env']:
        if var in SECRET_VARS or text(var).startswith('TEMPORAL_GRPC_META_'):
            e.append('%s.environment: %s is a secret and the unit is world-readable; give it as api_key, codec.auth, tls.key, grpc_meta or'
                     ' secret_environment.' % (at, var))
    if w['has_tls_key'] and len([x for x in workers if x['state'] == 'present' and x['group'] == w['group']]) > 1:
        e.append('%s.tls.key: the key file is readable by the group %s, which other workers share; give this worker its own group (or the'
                 ' key as tls.key_file).' % (at, text(w['group'])))
    for var in list(w['env']) + w['secret_names']:
        if not _whole(ENV_NAME, var):
            e.append('%s: %s is not a valid environment variable name (environment, secret_environment, grpc_meta).' % (at, text(var)))
    if w['identity'] and w['identity_pattern']:
        e.append('%s: identity and identity_pattern are two ways to name the poller the health gate waits for; set one.' % at)
    if w['identity'] and control_character(w['identity']):
        e.append('%s.identity %s has a control character; a worker identity is one line.' % (at, to_json(w['identity'])))
    pattern_trouble = pattern_problem(w['identity_pattern'])
    if pattern_trouble:
        e.append('%s.identity_pattern %s %s; give a regular expression (Python) that the whole identity matches.'
                 % (at, to_json(w['identity_pattern']), pattern_trouble))
    if not _whole(SECONDS, w['restart_sec']):
        e.append('%s.restart_sec must be a number of seconds.' % at)
    for path in w['read_write_paths']:
        if not text(path).startswith('/'):
            e.append('%s.read_write_paths: %s is not an absolute path.' % (at, text(path)))
    for setting in UNIT_SETTINGS:
        value = _setting(settings, setting)
        # A command given as a string is split on whitespace (newlines too) before it goes there.
        e.extend(_control(at, setting, value.split() if setting == 'command' and isinstance(value, str) else value))
    return e


def check(workers, instances, defaults, service='temporal-worker', allow_shared_queues=False):
    """Every mistake in the worker settings: WORKERS as worker_model.resolve() gave them from
    INSTANCES and DEFAULTS (temporal_worker_instances, temporal_worker_defaults). Empty when all is well."""
    errors = input_errors(instances, defaults)
    if errors:
        return errors
    names = [w['name'] for w in workers]
    queues = {}
    for index, (w, raw) in enumerate(zip(workers, instances)):
        at = 'temporal_worker_instances[%s]' % (w['name'] or index)
        if not _whole(NAME, w['name']):
            errors.append('%s.name %s must be lower-case letters, digits, - and _ (it names the unit %s@NAME).' % (at, to_json(w['name']), service))
        elif names.count(w['name']) > 1:
            errors.append('%s.name: %s names more than one worker; each worker needs its own name.' % (at, w['name']))
        if w['state'] == 'present':
            errors.extend(_present(at, w, merged(raw, defaults), workers, queues, allow_shared_queues))
    return _unique(errors)


def _version(text_version):
    """'v20.19.2' or '20.19.2' as (20, 19, 2); None when it is not one."""
    match = re.match(r'v?([0-9]+)[.]([0-9]+)[.]([0-9]+)', text(text_version).strip())
    return tuple(int(part) for part in match.groups()) if match else None


def node_problems(workers, asked, host, judge_missing=True):
    """A message for each Node.js worker whose interpreter is older than the TypeScript SDK needs
    (worker_model.NODE_MINIMUM), or not a Node.js that runs. ASKED: the results of
    `<interpreter> --version` (item: the interpreter, rc, stdout), as a loop registers them; a
    worker whose interpreter was not asked is not judged, nor one whose interpreter did not run
    unless JUDGE_MISSING (false where a later step may still install it)."""
    answers = dict((result['item'], result) for result in asked if 'item' in result)
    found = []
    for w in workers:
        if w.get('state') != 'present' or not w.get('node'):
            continue
        interpreter = w['node_build']['interpreter']
        answer = answers.get(interpreter)
        if answer is None or (answer.get('rc') != 0 and not judge_missing):
            continue
        version = _version(answer.get('stdout', '')) if answer.get('rc') == 0 else None
        if version is None or version < _version(NODE_MINIMUM):
            found.append('temporal_worker_instances[%s].node: %s on %s is %s; the TypeScript SDK needs Node.js %s or newer'
                         ' (install a newer Node.js, or set node.interpreter).'
                         % (w['name'], interpreter, host, 'Node.js %d.%d.%d' % version if version else 'not a Node.js that runs',
                            NODE_MINIMUM))
    return found
