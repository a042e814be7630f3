# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""systemd units as `systemctl show` describes them, for the modules that run on a host
(host_info, and task_queue_info's wait for a unit's poller)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

UNIT_PROPERTIES = ('Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'FragmentPath', 'MainPID',
                   'NRestarts', 'ActiveEnterTimestamp', 'ExecMainStartTimestamp', 'ExecMainStartTimestampMonotonic',
                   'ExecStart', 'DropInPaths')
UNIX_TIME = re.compile(r'^@([0-9]+)$')


def parse_systemctl_show(text):
    """systemctl show prints one block of Key=Value lines per unit, blocks parted by an empty line."""
    blocks, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
            current = {}
            continue
        key, sep, value = line.partition('=')
        if sep:
            current[key] = value
    if current:
        blocks.append(current)
    return blocks


def process_binary(pid):
    if pid <= 0:
        return ''
    try:
        return os.readlink('/proc/%d/exe' % pid)
    except OSError:
        return ''


def describe_units(module, names):
    if not names:
        return {}
    systemctl = module.get_bin_path('systemctl', required=True)
    argv = [systemctl, 'show', '--timestamp=unix', '--property=' + ','.join(UNIT_PROPERTIES), '--'] + list(names)
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg='systemctl show failed: %s' % (err or out).strip(), rc=rc, cmd=argv)
    blocks = parse_systemctl_show(out)
    if len(blocks) != len(names):
        module.fail_json(msg='systemctl show described %d units of the %d asked for.' % (len(blocks), len(names)))
    units = {}
    for name, block in zip(names, blocks):
        pid = int(block.get('MainPID') or 0)
        load_state = block.get('LoadState', '')
        units[name] = {
            'exists': load_state not in ('not-found', ''),
            'load_state': load_state,
            'active_state': block.get('ActiveState', ''),
            'sub_state': block.get('SubState', ''),
            'unit_file_state': block.get('UnitFileState', ''),
            'fragment_path': block.get('FragmentPath', ''),
            'main_pid': pid,
            'restarts': int(block.get('NRestarts') or 0),
            'active_since': unix_seconds(block.get('ActiveEnterTimestamp', '')),
            'main_started': unix_seconds(block.get('ExecMainStartTimestamp', '')),
            # The same, in microseconds of the monotonic clock (CLOCK_MONOTONIC, since boot): exact where
            # main_started is whole seconds.
            'main_started_monotonic': int(block.get('ExecMainStartTimestampMonotonic') or 0),
            'exe': process_binary(pid),
            'exec_start': block.get('ExecStart', ''),
            'drop_in_paths': block.get('DropInPaths', '').split(),
        }
    return units


def unix_seconds(text):
    """A timestamp systemctl printed with --timestamp=unix (@1733400000), 0 when unset."""
    match = UNIX_TIME.match(text.strip())
    return int(match.group(1)) if match else 0
