# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The temporal_dev_server role's settings: the checks argument_specs cannot express, and the
arguments of `temporal server start-dev` they give.

SETTINGS is a mapping of the role's variables by name (temporal_dev_server_port, ...); numbers
and booleans may be strings (from `-e`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import plain, to_bool, to_int
from ansible_collections.temporalops.temporal.plugins.module_utils.systemd_unit import control_characters

SEARCH_ATTRIBUTE_TYPES = ('Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList')
NAMESPACE = re.compile('^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$')
IDENTIFIER = re.compile('^[A-Za-z_][A-Za-z0-9_]*$')
DOTTED_IDENTIFIER = re.compile('^[A-Za-z_][A-Za-z0-9_.]*$')
# The listeners, in the order the messages show them; the UI's only when it is served.
PORTS = ('temporal_dev_server_port', 'temporal_dev_server_http_port', 'temporal_dev_server_metrics_port')
UI_PORT = 'temporal_dev_server_ui_port'
# The settings that reach the unit's ExecStart or its paths.
IN_UNIT = ('temporal_dev_server_db_filename', 'temporal_dev_server_data_dir', 'temporal_dev_server_user',
           'temporal_dev_server_group', 'temporal_dev_server_ip', 'temporal_dev_server_ui_ip',
           'temporal_dev_server_ui_public_path', 'temporal_dev_server_ui_codec_endpoint', 'temporal_dev_server_log_level',
           'temporal_dev_server_log_format', 'temporal_dev_server_namespaces', 'temporal_dev_server_search_attributes',
           'temporal_dev_server_dynamic_config', 'temporal_dev_server_sqlite_pragmas', 'temporal_dev_server_extra_args')


def dictsort(mapping):
    """Items of MAPPING by key, case-insensitively (Jinja's dictsort: the unit stays as it was)."""
    return sorted(mapping.items(), key=lambda item: item[0].lower() if isinstance(item[0], str) else item[0])


def headless(settings):
    return to_bool(settings['temporal_dev_server_headless'], 'temporal_dev_server_headless')


def ports(settings):
    """The listeners' ports by setting, as ints (ValueError naming the setting of one that is no number)."""
    names = PORTS if headless(settings) else PORTS + (UI_PORT,)
    return dict((name, to_int(settings[name], name)) for name in names)


def _is_loopback(address):
    text = str(address).strip()
    return text.startswith('127.') or text in ('::1', 'localhost')


def _exposed(settings):
    """The listeners' addresses beyond loopback, by setting (the UI's unless headless), or a
    message when the insecure setting is no boolean."""
    try:
        if to_bool(settings['temporal_dev_server_insecure'], 'temporal_dev_server_insecure'):
            return {}
    except ValueError as error:
        return str(error)
    addresses = {'temporal_dev_server_ip': settings['temporal_dev_server_ip']}
    try:
        with_ui = not headless(settings)
    except ValueError:  # told by ports()
        with_ui = True
    if with_ui and str(settings['temporal_dev_server_ui_ip']).strip():
        addresses['temporal_dev_server_ui_ip'] = settings['temporal_dev_server_ui_ip']
    return dict((name, address) for name, address in addresses.items() if not _is_loopback(address))


def validate(settings):
    """Every problem of SETTINGS, one message each (empty: good)."""
    problems = []
    exposed = _exposed(settings)
    if isinstance(exposed, str):
        problems.append(exposed)
    elif exposed:
        problems.append('%s listen beyond loopback: the dev server has neither TLS nor authentication, so anyone who reaches'
                        ' its ports can start, read and terminate any workflow. Keep it on 127.0.0.1, or set'
                        ' temporal_dev_server_insecure: true on a network you trust.' % (plain(exposed),))
    try:
        by_setting = ports(settings)
    except ValueError as error:
        problems.append(str(error))
        by_setting = None
    if by_setting is not None:
        items = [(name, by_setting[name]) for name in PORTS + (UI_PORT,) if name in by_setting]
        out_of_range = [item for item in items if not item[1] >= 1] + [item for item in items if not item[1] <= 65535]
        if out_of_range:
            problems.append('Ports must be between 1 and 65535: %s.' % (dict(out_of_range),))
        if len(set(by_setting.values())) != len(by_setting):
            problems.append('Each listener needs its own port: %s.' % (dict(items),))

    namespaces = settings['temporal_dev_server_namespaces']
    invalid = [name for name in namespaces if not NAMESPACE.match(str(name))]
    if invalid:
        problems.append("temporal_dev_server_namespaces has invalid names %s (letters, digits, '.', '_', '-')." % (plain(invalid),))

    attributes = settings['temporal_dev_server_search_attributes']
    if [kind for kind in attributes.values() if kind not in SEARCH_ATTRIBUTE_TYPES] or \
            [name for name in attributes if not IDENTIFIER.match(str(name))]:
        problems.append('temporal_dev_server_search_attributes maps identifiers to one of %s; got %s.'
                        % (', '.join(SEARCH_ATTRIBUTE_TYPES), plain(attributes)))

    if [key for key in settings['temporal_dev_server_dynamic_config'] if not DOTTED_IDENTIFIER.match(str(key))]:
        problems.append('temporal_dev_server_dynamic_config keys must be dotted identifiers such as frontend.enableUpdateWorkflowExecution.')

    data_dir = str(settings['temporal_dev_server_data_dir'])
    db_filename = str(settings['temporal_dev_server_db_filename'])
    if not re.match(re.escape(re.sub('/+$', '', data_dir)) + '/[^/]+$', db_filename):
        problems.append("temporal_dev_server_db_filename '%s' must be a file directly inside temporal_dev_server_data_dir '%s'"
                        " (the only directory the service may write)." % (db_filename, data_dir))

    for name, valid, message in (
            ('temporal_dev_server_limit_nofile', lambda number: number >= 0,
             "temporal_dev_server_limit_nofile must be 0 (systemd's default) or a positive limit."),
            ('temporal_dev_server_health_timeout', lambda number: number > 0,
             'temporal_dev_server_health_timeout must be a positive number of seconds.')):
        try:
            if not valid(to_int(settings[name], name)):
                problems.append(message)
        except ValueError as error:
            problems.append(str(error))

    for name in IN_UNIT:
        problems.extend(control_characters(settings[name], name))
    return problems


def exec_start(settings, binary):
    """ExecStart of the unit: BINARY and the arguments of `temporal server start-dev`, all strings
    (the shared unit template quotes each for systemd)."""
    by_setting = ports(settings)
    args = [binary, 'server', 'start-dev',
            '--db-filename', settings['temporal_dev_server_db_filename'],
            '--ip', settings['temporal_dev_server_ip'],
            '--port', by_setting['temporal_dev_server_port'],
            '--http-port', by_setting['temporal_dev_server_http_port'],
            '--metrics-port', by_setting['temporal_dev_server_metrics_port'],
            '--log-level', settings['temporal_dev_server_log_level'],
            '--log-format', settings['temporal_dev_server_log_format']]
    if UI_PORT not in by_setting:
        args.append('--headless')
    else:
        args.extend(['--ui-port', by_setting[UI_PORT]])
        for flag, name in (('--ui-ip', 'temporal_dev_server_ui_ip'), ('--ui-public-path', 'temporal_dev_server_ui_public_path'),
                           ('--ui-codec-endpoint', 'temporal_dev_server_ui_codec_endpoint')):
            if settings[name]:
                args.extend([flag, settings[name]])
    for name in settings['temporal_dev_server_namespaces']:
        args.extend(['--namespace', name])
    for name, kind in dictsort(settings['temporal_dev_server_search_attributes']):
        args.extend(['--search-attribute', '%s=%s' % (name, kind)])
    for key, value in dictsort(settings['temporal_dev_server_dynamic_config']):
        args.extend(['--dynamic-config-value', '%s=%s' % (key, json.dumps(plain(value)))])
    for pragma, value in dictsort(settings['temporal_dev_server_sqlite_pragmas']):
        args.extend(['--sqlite-pragma', '%s=%s' % (pragma, value)])
    return [str(arg) for arg in args + list(settings['temporal_dev_server_extra_args'])]
