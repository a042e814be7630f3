# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The workers of the temporal_worker role, resolved: each one merged over the defaults, with its
queue, user, paths, command and environment worked out.

Pure: what is on the controller comes in as arguments (the action plugin worker_plan finds the
files), so that the role's model is tested as plain Python and worked out once per host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import json
import math
import re

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import to_int
from ansible_collections.temporalops.temporal.plugins.module_utils.systemd_unit import environment_file_value

# The tuning keys, each with the TEMPORAL_WORKER_* variable it becomes (examples/workers/README.md).
TUNING_VARS = {
    'max_concurrent_workflow_tasks': 'TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
    'max_concurrent_activities': 'TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES',
    'max_concurrent_local_activities': 'TEMPORAL_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES',
    'workflow_pollers': 'TEMPORAL_WORKER_WORKFLOW_POLLERS',
    'activity_pollers': 'TEMPORAL_WORKER_ACTIVITY_POLLERS',
    'activities_per_second': 'TEMPORAL_WORKER_ACTIVITIES_PER_SECOND',
    'task_queue_activities_per_second': 'TEMPORAL_WORKER_TASK_QUEUE_ACTIVITIES_PER_SECOND',
    'sticky_schedule_to_start_timeout': 'TEMPORAL_WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT',
    'graceful_stop_timeout': 'TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT',
    'deployment_name': 'TEMPORAL_WORKER_DEPLOYMENT_NAME',
    'build_id': 'TEMPORAL_WORKER_BUILD_ID',
}

# What each worker key defaults to when neither the worker nor temporal_worker_defaults sets it.
BUILTIN = {
    'state': 'present',
    'address': '127.0.0.1:7233',
    'namespace': 'default',
    'args': [],
    'environment': {},
    'secret_environment': {},
    'grpc_meta': {},
    'tls': {},
    'codec': {},
    'tuning': {'graceful_stop_timeout': 30},
    'health_check': True,
    'hardening': {},
    'read_write_paths': [],
    'restart_sec': 5,
}

DEFAULT_INTERPRETER = '/usr/bin/python3'
# Settings whose value is a file or directory on the controller (found as the copy module finds them).
CONTROLLER_SETTINGS = ['python.source', 'python.requirements', 'python.wheelhouse', 'files.src', 'node.source', 'node.npm_cache']
DEFAULT_NODE = '/usr/bin/node'
# The oldest Node.js the current TypeScript SDK (@temporalio/worker 1.24) supports.
NODE_MINIMUM = '20.3.0'

_TRUE = ('yes', 'on', 'true', '1')
_FALSE = ('no', 'off', 'false', '0')


def text(value):
    """A value as Jinja's ~ and string filter write it (None as None, True as True)."""
    return value if isinstance(value, str) else str(value)


def get(value, key, default=''):
    """value.key as the templates read it: the item of a dict, else the default (undefined)."""
    if isinstance(value, dict) and key in value:
        return value[key]
    return default


def to_bool(value):
    """Ansible's bool filter, for the values it accepts (others: equal to 1)."""
    if isinstance(value, (str, int)):
        lowered = str(value).lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return value == 1


def to_json(value):
    """Ansible's to_json: json.dumps with its defaults (ASCII, ', ' and ': ', keys unsorted)."""
    return json.dumps(value, default=_json_default)


def _json_default(value):
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    raise TypeError('%r is not JSON serializable' % (value,))


def _merge(low, high):
    """Ansible's combine(low, high, recursive=True) (merge_hash), key order included."""
    if low == {} or low == high:
        return dict(high)
    if high == {}:
        return low
    result = dict(low)
    for key, value in high.items():
        if key in result and isinstance(result[key], dict) and isinstance(value, dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return result


def _plain(value):
    """VALUE as plain dicts, lists and scalars, a copy. Cheaper than copy.deepcopy of what Ansible
    hands a filter (its lazy containers and tagged strings deep-copy slowly: a quarter of a
    workers re-converge's controller time was deepcopy under worker_secrets)."""
    if isinstance(value, dict):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return copy.deepcopy(value)


def merged(raw, defaults):
    """One worker's settings: the built-in defaults, then temporal_worker_defaults, then its own."""
    return _merge(copy.deepcopy(BUILTIN), _merge(_plain(defaults), _plain(raw)))


def _controller_settings(w):
    """(setting, path) of the controller files a merged worker names."""
    python = get(w, 'python', {}) or {}
    node = get(w, 'node', {}) or {}
    requirements = get(python, 'requirements')
    paths = [get(python, 'source'), requirements if isinstance(requirements, str) else '',
             get(python, 'wheelhouse'), get(get(w, 'files', {}) or {}, 'src'), get(node, 'source'), get(node, 'npm_cache')]
    return [(key, path) for key, path in zip(CONTROLLER_SETTINGS, paths) if path]


def controller_paths(instances, defaults):
    """Every controller path the workers name, for the caller to look up before resolve()."""
    paths = []
    for raw in instances:
        for setting in _controller_settings(merged(raw, defaults)):
            path = setting[1]
            if isinstance(path, str) and path not in paths:
                paths.append(path)
    return paths


def _read(read_text, path):
    return read_text(path) if callable(read_text) else read_text[path]


def _float(value):
    """Jinja's float filter: 0.0 for what is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _int(value):
    """Jinja's int filter on a float: truncated, 0 for NaN."""
    try:
        return int(value)
    except ValueError:
        return 0


def _json_copy(value):
    """The value as the templates' to_json | from_json gave it (keys as strings, no shared dicts)."""
    return json.loads(to_json(value))


def _tls_env(tls, key_file):
    """TEMPORAL_TLS_* of the TLS settings given (only those set: envconfig takes an empty one for TLS on)."""
    env = {}
    for var, value in [('TEMPORAL_TLS_CLIENT_CERT_PATH', get(tls, 'cert_file')), ('TEMPORAL_TLS_CLIENT_KEY_PATH', key_file),
                       ('TEMPORAL_TLS_SERVER_CA_CERT_PATH', get(tls, 'ca_file')), ('TEMPORAL_TLS_SERVER_NAME', get(tls, 'server_name'))]:
        if value:
            env[var] = value
    # As a bool: 'false' from -e or a template is a non-empty string (the argument spec checks the
    # type and leaves the value as given).
    if to_bool(get(tls, 'disable_host_verification', False)):
        env['TEMPORAL_TLS_DISABLE_HOST_VERIFICATION'] = 'true'
    return env


def _as_number(value, whole):
    """VALUE as a whole number (WHOLE) or any number, text such as '20' from -e included; VALUE
    itself when it is not one, for the checks to refuse."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return value
    if not whole and not isinstance(value, str):
        return value  # a number already
    try:
        return to_int(value, 'tuning')
    except ValueError:
        if whole:
            return value
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _typed_tuning(tuning):
    """The tuning settings with their numbers as numbers (pollers' {min, initial, max} too)."""
    typed = {}
    for key, value in tuning.items():
        whole = key.startswith('max_') or key.endswith('_pollers')
        if key in ('deployment_name', 'build_id') or value is None:
            typed[key] = value
        elif key.endswith('_pollers') and isinstance(value, dict):
            typed[key] = dict((part, _as_number(number, True)) for part, number in value.items())
        else:
            typed[key] = _as_number(value, whole)
    return typed


def _tuning_env(tuning):
    env = {}
    for key, value in tuning.items():
        if key not in TUNING_VARS or value is None:
            continue
        var = TUNING_VARS[key]
        if key.endswith('_pollers') and isinstance(value, dict):
            env[var + '_AUTOSCALING'] = ','.join(text(get(value, part)) for part in ('min', 'initial', 'max'))
        else:
            env[var] = text(value)
    return env


def _one(raw, w, settings, found_paths, read_text):
    """One worker resolved (the dict the role's tasks and templates read)."""
    name = text(get(w, 'name'))
    service = settings['service']
    home = '%s/%s' % (settings['root'], name)
    python = get(w, 'python', {}) or {}
    archive = get(w, 'archive', {}) or {}
    node = get(w, 'node', {}) or {}
    files = get(w, 'files', {}) or {}
    tls = w['tls'] or {}
    tuning = _typed_tuning(w['tuning'] or {})
    codec = w['codec'] or {}
    user = get(w, 'user') or 'temporal-worker-' + name
    found = {}
    for key, path in _controller_settings(w):
        found[key] = found_paths.get(path, '') if isinstance(path, str) else ''

    requirements = get(python, 'requirements', [])
    if not isinstance(requirements, str):
        requirements_text = '\n'.join(text(line) for line in (requirements or []))
    elif found.get('python.requirements'):
        requirements_text = _read(read_text, found['python.requirements'])
    else:
        requirements_text = ''
    venv_key = hashlib.sha256(to_json([requirements_text, get(python, 'interpreter', DEFAULT_INTERPRETER),
                                       get(python, 'pip_args', [])]).encode('utf-8')).hexdigest()
    venv = '%s/venvs/%s' % (home, venv_key[:12])
    archive_version = text(get(archive, 'version')) or re.sub('^sha256:', '', text(get(archive, 'checksum')))[:12]
    archive_dir = '%s/workers/%s/%s' % (settings['install_root'], name, archive_version)
    # A Node.js app is built (npm ci, its build script) in a directory named by a digest of its
    # files and of how it is built, beside the build that runs.
    app = settings['apps'].get(found.get('node.source', ''), {}) if node else {}
    node_build = {}
    if node:
        build_key = hashlib.sha256(to_json([app.get('digest', ''), get(node, 'build'), get(node, 'npm_args', []),
                                            get(node, 'interpreter', DEFAULT_NODE)]).encode('utf-8')).hexdigest()
        interpreter = text(get(node, 'interpreter', DEFAULT_NODE))
        npm_cache = '%s/npm-cache' % home
        node_build = {'dir': '%s/node/%s' % (home, build_key[:12]), 'archive': app.get('archive', ''), 'lockfile': app.get('lockfile', ''),
                      'package_json': app.get('package_json', False), 'lock_mismatch': app.get('lock_mismatch'),
                      'interpreter': interpreter, 'npm': interpreter.rsplit('/', 1)[0] + '/npm',
                      # npm's cache (the worker's own): filled from node.npm_cache for npm ci --offline.
                      'cache': npm_cache, 'offline': bool(get(node, 'npm_cache')),
                      # For npm and the scripts it runs (runuser keeps it): this Node.js first, the
                      # cache as npm's and the scripts' home (the user has none), no update check.
                      'environment': {'PATH': interpreter.rsplit('/', 1)[0] + ':/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
                                      'HOME': npm_cache, 'npm_config_cache': npm_cache,
                                      'npm_config_update_notifier': 'false'}}

    command = get(w, 'command', [])
    command = command.split() if isinstance(command, str) else command
    if python:
        command = [venv + '/bin/python', '-m', get(python, 'module')]
    elif node:
        command = [node_build['interpreter'], '%s/%s' % (node_build['dir'], text(get(node, 'script')))]
    elif archive:
        command = ['%s/%s' % (archive_dir, re.sub('^/+', '', text(get(archive, 'binary'))))]
    first = command[0] if command else ''
    app_dir = home + '/app'
    config_file = get(w, 'config_file') or '%s/%s.toml' % (settings['config_dir'], name)
    key_file = get(tls, 'key_file') or ('%s/%s.tls.key' % (settings['config_dir'], name) if get(tls, 'key') else '')
    # A certificate or CA given as text is written beside the key (configure.yml); the files stand for it.
    given = tls
    tls = dict((key, value) for key, value in given.items() if key not in ('key', 'cert', 'ca'))
    for key, suffix in (('cert', 'crt'), ('ca', 'ca.pem')):
        if get(given, key) and not get(given, key + '_file'):
            tls[key + '_file'] = '%s/%s.tls.%s' % (settings['config_dir'], name, suffix)
    # TLS on or off when set (enabled, or any TLS key); unset leaves it to the SDK, which turns it
    # on with an API key.
    tls_keys_set = bool(get(tls, 'cert_file') or key_file or get(tls, 'ca_file') or get(tls, 'server_name'))
    enabled = get(tls, 'enabled', None)
    tls_on = to_bool(enabled) if enabled is not None else (True if tls_keys_set else None)

    prefix = get(w, 'task_queue_prefix')
    env = {'TEMPORAL_ADDRESS': w['address'], 'TEMPORAL_NAMESPACE': w['namespace'],
           'TEMPORAL_TASK_QUEUE': (text(prefix) + '-' if prefix else '') + text(get(w, 'task_queue') or name),
           'TEMPORAL_CONFIG_FILE': config_file}
    if get(w, 'profile'):
        env['TEMPORAL_PROFILE'] = w['profile']
    if tls_on is not None:
        env['TEMPORAL_TLS'] = text(tls_on).lower()
    if tls_on:
        env.update(_tls_env(tls, key_file))
    if get(codec, 'endpoint'):
        env['TEMPORAL_CODEC_ENDPOINT'] = codec['endpoint']
    env.update(_tuning_env(tuning))
    if python:
        env['PYTHONUNBUFFERED'] = '1'
    env.update(w['environment'] or {})

    grpc_meta = w['grpc_meta'] or {}
    # Secrets stay out of the model (its items show in Ansible's output): secrets() has them.
    secret_names = ((['TEMPORAL_API_KEY'] if get(w, 'api_key') or get(w, 'api_key_file') else [])
                    + (['TEMPORAL_CODEC_AUTH'] if get(codec, 'auth') else [])
                    + ['TEMPORAL_GRPC_META_' + text(header).upper().replace('-', '_') for header in grpc_meta]
                    + list(w['secret_environment'] or {}))
    graceful = get(tuning, 'graceful_stop_timeout', 30)
    # The program, when files brings it (configure.yml makes it executable).
    copied_program = first if files and not (python or archive) and command and text(first).startswith(app_dir + '/') else ''
    # Files on the host the worker needs, by setting, with the test(1) flag its user must pass.
    at = 'temporal_worker_instances[%s]' % name
    host_files = [[at + '.tls.' + key, given[key], '-r'] for key in ('cert_file', 'key_file', 'ca_file') if get(given, key)]
    if get(w, 'config_file'):
        host_files.append([at + '.config_file', w['config_file'], '-r'])
    # The role reads the key as root: only a key the worker's user may read is handed to it.
    if get(w, 'api_key_file'):
        host_files.append([at + '.api_key_file', w['api_key_file'], '-r'])
    if python:
        host_files.append([at + '.python.interpreter', get(python, 'interpreter', DEFAULT_INTERPRETER), '-x'])
    # A command copied with files is checked once it is there (configure.yml).
    elif not archive and command and text(first).startswith('/') and not copied_program:
        host_files.append([at + '.command', first, '-x'])

    return {
        'name': name,
        'raw_user': get(raw, 'user'),
        'has_api_key': bool(get(w, 'api_key')),
        'state': w['state'],
        'unit': '%s@%s.service' % (service, name),
        'queue': env['TEMPORAL_TASK_QUEUE'],
        'address': w['address'],
        'connection_set': [key for key in ('address', 'namespace') if key in settings['defaults_keys'] or key in raw],
        'namespace': w['namespace'],
        'user': user,
        'group': get(w, 'group') or user,
        'home': home,
        'deliveries': [kind for kind, given in (('python', python), ('node', node), ('archive', archive),
                                                ('command', get(w, 'command', []))) if given],
        'python': python,
        'requirements_text': requirements_text,
        'venv': venv,
        'node': node,
        'node_build': node_build,
        'archive': archive,
        'archive_version': archive_version,
        'archive_dir': archive_dir,
        'files': files,
        'copied_program': copied_program,
        'app_dir': app_dir,
        'found': found,
        'command': command + [text(arg) for arg in get(w, 'args', [])],
        'working_dir': get(w, 'working_dir') or (node_build['dir'] if node else app_dir if get(python, 'source') or files
                                                 else '/var/lib/%s/%s' % (service, name)),
        'config_file': config_file,
        'own_config_file': not get(w, 'config_file'),
        'profile': get(w, 'profile'),
        'tls': tls,
        'has_tls_key': bool(get(given, 'key')),
        # Given both as text and as a file: worker_checks refuses it.
        'tls_given_twice': [key for key in ('cert', 'ca') if get(given, key) and get(given, key + '_file')],
        'tls_texts': [{'path': tls[key + '_file'], 'kind': key} for key in ('cert', 'ca')
                      if get(given, key) and not get(given, key + '_file')],
        'tls_on': tls_on,
        'tls_keys_set': tls_keys_set,
        'key_file': key_file,
        'api_key_file': get(w, 'api_key_file'),
        'env': env,
        'secret_names': secret_names,
        'grpc_headers': list(grpc_meta),
        'grpc_headers_empty': [header for header, value in grpc_meta.items() if value in (None, '')],
        'tuning': tuning,
        'graceful_stop_timeout': graceful,
        'timeout_stop_sec': '%ds' % _int(_float(graceful) + 15),
        'restart_sec': text(w['restart_sec']) + 's',
        'health_check': to_bool(w['health_check']),
        'identity': text(get(w, 'identity') or ''),
        'identity_pattern': text(get(w, 'identity_pattern') or ''),
        # V8 writes the machine code it compiles: a Node.js worker cannot run under MemoryDenyWriteExecute.
        'hardening': dict({'MemoryDenyWriteExecute': 'no'} if node else {}, **(w['hardening'] or {})),
        'read_write_paths': w['read_write_paths'] or [],
        'host_files': host_files,
        'program': [at + '.command', first, '-x'],
        'env_file': '%s/%s.env' % (settings['config_dir'], name),
        'dropin_dir': '/etc/systemd/system/%s@%s.service.d' % (service, name),
    }


def resolve(instances, defaults, root, config_dir, install_root, service, found_paths, read_text, apps=None):
    """Every worker of temporal_worker_instances resolved, in order, as JSON-ready dicts.

    found_paths maps each path of controller_paths() to the file found on the controller ('' for
    none); read_text(path) (or a dict by path) gives a requirements file's text; apps maps a found
    node.source to node_app.describe()'s {digest, lockfile} and the archive of it. Bad settings do
    not fail here where they can be told: worker_checks.check() reads them from the result.
    """
    settings = {'root': root, 'config_dir': config_dir, 'install_root': install_root, 'service': service,
                'defaults_keys': list(defaults), 'apps': apps or {}}
    return _json_copy([_one(raw, merged(raw, defaults), settings, found_paths, read_text) for raw in instances])


def secrets(instances, defaults):
    """Each worker's secrets by name, {env, api_key, grpc_meta, tls_key}: for tasks with no_log only.

    API keys read from files on the host are added where the secrets file is written.
    """
    result = {}
    for raw in instances:
        w = merged(raw, defaults)
        codec = w['codec'] or {}
        grpc_meta = w['grpc_meta'] or {}
        env = {}
        if get(w, 'api_key'):
            env['TEMPORAL_API_KEY'] = w['api_key']
        if get(codec, 'auth'):
            env['TEMPORAL_CODEC_AUTH'] = codec['auth']
        for header, value in grpc_meta.items():
            env['TEMPORAL_GRPC_META_' + text(header).upper().replace('-', '_')] = text(value)
        env.update(w['secret_environment'] or {})
        tls = w['tls'] or {}
        # The certificate and CA are public; here only to keep their text out of the model's output.
        result[text(get(w, 'name'))] = {'env': env, 'api_key': get(w, 'api_key'), 'grpc_meta': grpc_meta,
                                        'tls_key': get(tls, 'key'), 'tls_cert': get(tls, 'cert'), 'tls_ca': get(tls, 'ca')}
    return _json_copy(result)


def secrets_env(env, file_api_key=None, managed='Ansible managed'):
    """The text of a worker's secrets file (systemd reads it before dropping privileges): a
    comment line MANAGED, then each of ENV (secrets()'s env) as NAME="value" with backslash,
    quote, backquote and dollar escaped, by name ignoring case, as Jinja's dictsort orders them.
    FILE_API_KEY, an API key read from a file on the host, is TEMPORAL_API_KEY when given."""
    values = dict(env or {})
    if file_api_key is not None:
        values['TEMPORAL_API_KEY'] = file_api_key
    lines = ['# %s' % managed]
    for name in sorted(values, key=lambda n: text(n).lower()):
        lines.append('%s=%s' % (name, environment_file_value(values[name])))
    return '\n'.join(lines) + '\n'


def text_files(workers, secrets_by_name, file_api_keys=None, managed='Ansible managed'):
    """Every file the role writes from text, as the file_contents module takes them ({path,
    content, owner, group, mode}), which compares them on the host and writes those that differ:
    each worker's secrets file (root only: systemd reads it before dropping privileges), the TLS
    key given as text (its group may read it) and the certificate and CA given as text (public).
    WORKERS: the plan's present workers; SECRETS_BY_NAME: secrets(); FILE_API_KEYS: the API keys
    read from files on the host, by worker name."""
    wanted = []
    for worker in workers:
        name = worker['name']
        secrets_of = secrets_by_name[name]
        wanted.append({'path': worker['env_file'], 'owner': 'root', 'group': 'root', 'mode': '0600',
                       'content': secrets_env(secrets_of['env'], (file_api_keys or {}).get(name), managed)})
        if worker.get('has_tls_key'):
            wanted.append({'path': worker['key_file'], 'owner': 'root', 'group': worker['group'], 'mode': '0640',
                           'content': text(secrets_of['tls_key']).strip() + '\n'})
        for item in worker.get('tls_texts') or []:
            wanted.append({'path': item['path'], 'owner': 'root', 'group': 'root', 'mode': '0644',
                           'content': text(secrets_of['tls_' + item['kind']]).strip() + '\n'})
    return wanted


# A venv or Node.js build on a unit's command line, as systemctl show prints it.
_BUILD_ON_COMMAND_LINE = re.compile(r'/[^ ;]+/(?:venvs|node)/[^/ ;]+')


def stale_builds(found, workers, restarted, units):
    """Of FOUND (paths under the workers' venvs/ and node/ directories), those no worker runs any
    more: neither the build a present worker is set to run, nor the one a worker that this run
    did not restart still runs (UNITS: the units as read before the run, by name). A run whose
    configure phase was skipped thus keeps the build the drop-in still points at."""
    kept = set()
    for worker in workers:
        if worker.get('python'):
            kept.update([worker['venv'], worker['venv'] + '.requirements.txt'])
        if worker.get('node'):
            kept.add(worker['node_build']['dir'])
        if worker['name'] not in restarted:
            running = (units or {}).get(worker['unit']) or {}
            for build in _BUILD_ON_COMMAND_LINE.findall(running.get('exec_start') or ''):
                kept.update([build, build + '.requirements.txt'])
    return [path for path in found if path not in kept]


def written_by(workers, written):
    """The names of WORKERS that read a file of WRITTEN (paths file_contents wrote): those restart."""
    written = set(written or [])
    return [worker['name'] for worker in workers
            if written & set([worker['env_file'], worker.get('key_file') if worker.get('has_tls_key') else None]
                             + [item['path'] for item in worker.get('tls_texts') or []])]
