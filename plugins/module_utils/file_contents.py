# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The file_contents module's work on the host: which of the wanted files differ from what is
there, and an atomic write of one. Compared on the host, so that neither a file's content nor a
digest of it (the files may hold secrets) goes back to the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import grp
import os
import pwd
import stat
import tempfile

from ansible_collections.temporalops.temporal.plugins.module_utils import host_files


def mode_number(value):
    """A mode as the roles give it ('0640', '640', 0o640) as a number (host_files reads it so);
    ValueError for one that is no octal number or outside 0 to 07777."""
    number = host_files.mode_number(value)
    if not 0 <= number <= 0o7777:
        raise ValueError(value)
    return number


def _id(lookup, name):
    """The id of NAME in a host database (pwd.getpwnam, grp.getgrnam), None when it is not there."""
    try:
        return lookup(name)[2]
    except KeyError:
        return None


def problems(files, check_mode=False):
    """What is wrong with FILES ([{path, content, owner, group, mode}]) before anything is
    written: every problem, each naming its path (never its content). Owners and groups are
    looked up in the host's databases. In CHECK_MODE a missing directory, owner or group is no
    problem: the run being previewed creates them before it writes (those files count as
    differing, differences())."""
    found = []
    seen = set()
    for item in files:
        path = item['path']
        if not os.path.isabs(path):
            found.append('%s: the path must be absolute.' % path)
        if path in seen:
            found.append('%s: named twice.' % path)
        seen.add(path)
        if os.path.isdir(path) and not os.path.islink(path):
            found.append('%s: is a directory.' % path)
        elif not check_mode and not os.path.isdir(os.path.dirname(path) or '/'):
            found.append('%s: its directory %s does not exist.' % (path, os.path.dirname(path)))
        if item.get('owner') is not None and not check_mode and _id(pwd.getpwnam, item['owner']) is None:
            found.append('%s: no user %s on this host.' % (path, item['owner']))
        if item.get('group') is not None and not check_mode and _id(grp.getgrnam, item['group']) is None:
            found.append('%s: no group %s on this host.' % (path, item['group']))
        if item.get('mode') is not None:
            try:
                mode_number(item['mode'])
            except ValueError:
                found.append('%s: mode %s is not an octal mode.' % (path, item['mode']))
    return found


def _stat(path):
    """os.lstat of PATH, None when there is nothing there (or its directory is missing)."""
    try:
        return os.lstat(path)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise


def _read(path):
    """(stat, bytes) of the regular file at PATH, (None, None) when there is none."""
    info = _stat(path)
    if info is None:
        return None, None
    if not stat.S_ISREG(info.st_mode):
        return info, None
    with open(path, 'rb') as handle:
        return info, handle.read()


def differences(item):
    """What of ITEM ({path, content, owner?, group?, mode?}) differs on the host: a list of
    'content', 'owner', 'group', 'mode' (all of them for a missing file, one of another type, or
    one in a missing directory). An owner or group the host lacks differs."""
    info, current = _read(item['path'])
    if current is None:
        return ['content', 'owner', 'group', 'mode']
    found = []
    if current != item['content'].encode('utf-8'):
        found.append('content')
    if item.get('owner') is not None and info.st_uid != _id(pwd.getpwnam, item['owner']):
        found.append('owner')
    if item.get('group') is not None and info.st_gid != _id(grp.getgrnam, item['group']):
        found.append('group')
    if item.get('mode') is not None and stat.S_IMODE(info.st_mode) != mode_number(item['mode']):
        found.append('mode')
    return found


def write(item):
    """Write ITEM's content with its owner, group and mode: a new file beside the old one, with
    its final owner and mode before it holds anything, renamed over it (a reader sees the old
    file or the new one, never a part, and never a mode wider than asked)."""
    path = item['path']
    info = _stat(path)
    uid = pwd.getpwnam(item['owner']).pw_uid if item.get('owner') is not None else (info.st_uid if info else os.geteuid())
    gid = grp.getgrnam(item['group']).gr_gid if item.get('group') is not None else (info.st_gid if info else os.getegid())
    if item.get('mode') is not None:
        mode = mode_number(item['mode'])
    else:
        mode = stat.S_IMODE(info.st_mode) if info and stat.S_ISREG(info.st_mode) else 0o600
    descriptor, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path))
    try:
        with os.fdopen(descriptor, 'wb') as handle:
            os.fchown(handle.fileno(), uid, gid)
            os.fchmod(handle.fileno(), mode)
            handle.write(item['content'].encode('utf-8'))
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
