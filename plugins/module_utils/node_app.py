# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A Node.js worker's app directory on the controller (the temporal_worker role's node delivery):
its files, a digest of them, and one archive of them for the host.

The host gets one archive instead of a copy per file, and never the developer's node_modules:
`npm ci` builds those on the host from the lockfile.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import io
import json
import os
import stat
import tarfile
import tempfile

# Left out of the archive and the digest: what npm ci makes, and version control.
SKIPPED = ('node_modules', '.git')
LOCKFILES = ('package-lock.json', 'npm-shrinkwrap.json')


def app_files(root):
    """The app's files under ROOT, relative, sorted; symbolic links and SKIPPED directories left out."""
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED and not os.path.islink(os.path.join(directory, d)))
        for name in files:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                found.append(os.path.relpath(path, root))
    return sorted(found)


def _executable(path):
    return bool(os.stat(path).st_mode & stat.S_IXUSR)


def _json(path):
    try:
        with open(path, 'rb') as handle:
            value = json.loads(handle.read().decode('utf-8'))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def lock_mismatch(package, lock):
    """The dependencies (of every kind) whose spec in PACKAGE (package.json) differs from what LOCK
    (its lockfile, v2 or v3: its root package) recorded, sorted: npm ci refuses such a pair."""
    recorded = (lock.get('packages') or {}).get('') or {}
    differ = set()
    for kind in ('dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'):
        wanted, pinned = package.get(kind) or {}, recorded.get(kind) or {}
        differ.update(name for name in set(wanted) | set(pinned) if wanted.get(name) != pinned.get(name))
    return sorted(differ)


def describe(root):
    """{digest, files, package_json, lockfile, lock_mismatch}: the digest covers every file's path,
    content and executable bit; package_json says whether a readable one is there, lock_mismatch
    names the dependencies the lockfile does not match (None for a lockfile npm cannot read)."""
    files = app_files(root)
    digest = hashlib.sha256()
    for relative in files:
        path = os.path.join(root, relative)
        with open(path, 'rb') as handle:
            content = hashlib.sha256(handle.read()).hexdigest()
        digest.update(('%s\0%s\0%d\n' % (relative, content, _executable(path))).encode('utf-8'))
    lockfile = next((name for name in LOCKFILES if name in files), '')
    package = _json(os.path.join(root, 'package.json')) if 'package.json' in files else None
    lock = _json(os.path.join(root, lockfile)) if lockfile else None
    return {'digest': digest.hexdigest(), 'files': files, 'package_json': package is not None, 'lockfile': lockfile,
            'lock_mismatch': lock_mismatch(package, lock) if package is not None and lock is not None else None}


def _parents(relative):
    """'a/b/c' -> ['a', 'a/b', 'a/b/c']; '' -> []."""
    parts = relative.split(os.sep) if relative else []
    return [os.sep.join(parts[:count]) for count in range(1, len(parts) + 1)]


def write_archive(root, files, dest):
    """A .tar.gz of FILES under ROOT at DEST (no times, no owners: the host sets its own), written
    beside DEST and renamed, so that a run never finds half an archive."""
    directory = os.path.dirname(dest)
    # Several hosts' runs may make it at once.
    os.makedirs(directory, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=directory, suffix='.partial')
    # Its directories too: unpacked with an owner, each gets that owner (a build may write there).
    directories = sorted(set(parent for relative in files for parent in _parents(os.path.dirname(relative))))
    try:
        with os.fdopen(handle, 'wb') as raw:
            with tarfile.open(fileobj=raw, mode='w:gz', format=tarfile.PAX_FORMAT) as archive:
                for relative in directories:
                    info = tarfile.TarInfo(relative)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    archive.addfile(info)
                for relative in files:
                    path = os.path.join(root, relative)
                    with open(path, 'rb') as source:
                        data = source.read()
                    info = tarfile.TarInfo(relative)
                    info.size = len(data)
                    info.mode = 0o755 if _executable(path) else 0o644
                    info.mtime = 0
                    archive.addfile(info, io.BytesIO(data))
        os.rename(partial, dest)
    except BaseException:
        os.unlink(partial)
        raise
