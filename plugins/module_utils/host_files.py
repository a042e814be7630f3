# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write only the difference: which of the files and directories a role wants differ from what
one host_info call described (its `paths`, read with checksums). The role then runs its write
tasks for those alone; the others cost no round trip. Pure: no host, no Ansible."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os

STATES = ('file', 'directory', 'absent')


def mode_number(value):
    """A mode as host_info and the write tasks give it ('0640', '640', 0o640) as a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(str(value), 8)


def _differs(wanted, found):
    state = wanted.get('state', 'file')
    if state not in STATES:
        raise ValueError('%s: state must be one of %s, not %r' % (wanted['path'], ', '.join(STATES), state))
    if found is None:
        return True  # not described: only a write can tell
    if state == 'absent':
        return bool(found.get('exists'))
    if not found.get('exists') or found.get('type') != state:
        return True
    if 'checksum' in wanted and found.get('checksum') != wanted['checksum']:
        return True
    for key in ('owner', 'group'):
        if wanted.get(key) is not None and found.get(key) != wanted[key]:
            return True
    return wanted.get('mode') is not None and mode_number(found.get('mode', '0')) != mode_number(wanted['mode'])


def _expand(wanted):
    """An item may name several paths alike (`paths`) instead of one (`path`)."""
    for item in wanted:
        if 'paths' in item:
            for path in item['paths']:
                yield dict([(key, value) for key, value in item.items() if key != 'paths'] + [('path', path)])
        else:
            yield item


def to_write(described, wanted):
    """The paths of WANTED ([{path or paths, state?, checksum?, owner?, group?, mode?}], state
    file by default) that a write task has to handle, in WANTED's order: missing, of another
    type, with another content (SHA-1), owner, group or mode, or present where it should be
    absent. A path DESCRIBED (host_info's `paths`) does not hold counts as differing."""
    return [item['path'] for item in _expand(wanted) if _differs(item, (described or {}).get(item['path']))]


def users_to_write(described, wanted, shell=None, home=None):
    """The users of WANTED ([{user, group}], other keys ignored) that a user task has to handle:
    missing, or with another primary group, or another SHELL or HOME when those are given.
    DESCRIBED is one host_info result (its `users` and `groups`); a user or group it does not
    hold counts as differing."""
    users = (described or {}).get('users') or {}
    groups = (described or {}).get('groups') or {}
    names = []
    for item in wanted:
        found = users.get(item['user']) or {}
        group = groups.get(item['group']) or {}
        same = (found.get('exists') and group.get('exists') and found.get('gid') == group.get('gid')
                and (shell is None or found.get('shell') == shell) and (home is None or found.get('home') == home))
        if not same and item['user'] not in names:
            names.append(item['user'])
    return names


def recorded_is_ours(described, path, record):
    """Whether the file at PATH is the role's to write or remove: absent, or holding what the role
    wrote last, by the SHA-1 it recorded in RECORD (so the file itself, which someone may have
    filled with a secret since, is never read). DESCRIBED is one host_info result: PATH with its
    checksum in `paths`, RECORD's text in `contents`."""
    found = ((described or {}).get('paths') or {}).get(path) or {}
    recorded = ((described or {}).get('contents') or {}).get(record) or ''
    return not found.get('exists') or found.get('checksum', '') == recorded.strip()


def recorded_entries(described, path, record, checksum, wanted, mode='0600'):
    """What to_write takes for a root-owned file kept beside a record of its SHA-1 (CHECKSUM, of
    what the role would write): nothing when the file is not the role's (recorded_is_ours); else
    its directory (when WANTED), the file and the record, each present when WANTED, else absent."""
    if not recorded_is_ours(described, path, record):
        return []
    state = 'file' if wanted else 'absent'
    entries = [{'path': os.path.dirname(path), 'state': 'directory', 'owner': 'root', 'group': 'root', 'mode': '0700'}] if wanted else []
    return entries + [
        {'path': path, 'state': state, 'checksum': checksum, 'owner': 'root', 'group': 'root', 'mode': mode},
        {'path': record, 'state': state, 'checksum': hashlib.sha1((checksum + '\n').encode('utf-8')).hexdigest(),
         'owner': 'root', 'group': 'root', 'mode': mode}]
