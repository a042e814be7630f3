#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: host_info
short_description: Read what the collection's roles need to know about a host, in one call
version_added: 0.1.0
description:
  - Reads files, install trees, systemd units, users, groups and Debian packages in one module
    call, so that a role reads the host once and decides on the controller.
  - Changes nothing on the host.
author:
  - temporalops maintainers (@temporalops)
options:
  paths:
    description:
      - Absolute paths to describe without following a final symbolic link, as M(ansible.builtin.stat) does
        with O(ansible.builtin.stat#module:follow=false).
      - The result is keyed by each path exactly as given (no C(~) or variable expansion).
    type: list
    elements: str
    default: []
  checksums:
    description:
      - Regular files to describe as O(paths) does, with the SHA-1 of their content (the digest M(ansible.builtin.stat),
        M(ansible.builtin.copy) and M(ansible.builtin.template) compare), so that a role can tell on the controller
        whether a file holds what it would write.
      - They are part of RV(paths), keyed as given. Name only files whose digest may be shown, never a secret's.
    type: list
    elements: str
    default: []
  read:
    description:
      - Small text files whose content to return (at most 64 KiB each; a larger file is refused).
      - Never name a file holding a secret, since the content is part of the result.
    type: list
    elements: str
    default: []
  versions:
    description:
      - Directories holding one subdirectory per installed release (such as C(/opt/temporal/server)).
      - Each subdirectory named like a release (the shell pattern C([0-9]*.[0-9]*.[0-9]*), such as C(1.31.2)
        or C(1.31.2-rc.1)) is listed with its modification time and whether it holds O(marker).
    type: list
    elements: str
    default: []
  marker:
    description: The file an install writes last into a release's directory, once it is complete.
    type: str
    default: .temporalops-installed
  units:
    description:
      - systemd units to describe, with C(systemctl show) (one call for all of them).
    type: list
    elements: str
    default: []
  users:
    description: Users to look up in the host's user database.
    type: list
    elements: str
    default: []
  groups:
    description: Groups to look up in the host's group database.
    type: list
    elements: str
    default: []
  packages:
    description: Debian packages whose installed state to read, with C(dpkg-query) (one call for all of them).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - temporalops.temporal.attributes.INFO_MODULE
notes:
  - The action group C(group/temporalops.temporal.temporal) does not include this module, which talks to
    the host, not to a Temporal service.
'''

EXAMPLES = r'''
- name: Read the server's releases, units and user at once
  temporalops.temporal.host_info:
    versions: [/opt/temporal/server]
    units: [temporal-server.service]
    users: [temporal]
    read: [/etc/systemd/system/temporal-server.service]
  register: host

- name: Tell what runs
  ansible.builtin.debug:
    msg: "{{ host.units['temporal-server.service'].exe }} since {{ host.units['temporal-server.service'].active_since }}"
'''

RETURN = r'''
paths:
  description:
    - Each path of O(paths), with C(exists), and when it exists C(type) (C(file), C(directory), C(link) or C(other)),
      C(mode) (four octal digits), C(owner), C(group), C(uid), C(gid), C(size), C(mtime), C(target) for a link
      and C(checksum) (SHA-1) for a regular file of O(checksums).
  returned: always
  type: dict
  sample: {/usr/local/bin/temporal: {exists: true, type: link, target: /opt/temporal/cli/1.5.1/temporal}}
contents:
  description: The text of each file of O(read) that exists (a missing one is left out).
  returned: always
  type: dict
versions:
  description:
    - For each directory of O(versions), its release subdirectories, newest modification first,
      each with C(name), C(path), C(mtime) and C(complete) (the marker is there). A missing directory gives an empty list.
  returned: always
  type: dict
units:
  description:
    - For each unit of O(units), C(exists) (systemd has a unit file for it), C(load_state), C(active_state),
      C(sub_state), C(unit_file_state), C(fragment_path), C(main_pid), C(restarts), C(active_since)
      (when the unit last became active) and C(main_started) (when its main process started), both in seconds
      since the epoch (0 when unset), C(main_started_monotonic) (the same in microseconds of the monotonic clock,
      0 when unset), C(exe), the binary the main process runs (empty when none runs),
      C(exec_start), the command line systemd would run (as C(systemctl show) prints it), and C(drop_in_paths).
  returned: always
  type: dict
users:
  description: For each user of O(users), C(exists) and when it exists C(uid), C(gid), C(home) and C(shell).
  returned: always
  type: dict
groups:
  description: For each group of O(groups), C(exists) and when it exists C(gid).
  returned: always
  type: dict
packages:
  description: For each package of O(packages), whether it is installed.
  returned: always
  type: dict
  sample: {postgresql: true, haproxy: false}
'''

import errno
import fnmatch
import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.systemd_show import describe_units

MAX_READ = 64 * 1024
RELEASE_GLOB = '[0-9]*.[0-9]*.[0-9]*'
KINDS = ((stat.S_ISLNK, 'link'), (stat.S_ISREG, 'file'), (stat.S_ISDIR, 'directory'))


def _name(lookup, ident):
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def describe_path(module, path, checksums):
    try:
        info = os.lstat(path)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return {'exists': False}
        raise
    kind = next((name for test, name in KINDS if test(info.st_mode)), 'other')
    result = {'exists': True, 'type': kind, 'mode': '%04o' % stat.S_IMODE(info.st_mode),
              'uid': info.st_uid, 'gid': info.st_gid, 'owner': _name(pwd.getpwuid, info.st_uid),
              'group': _name(grp.getgrgid, info.st_gid), 'size': info.st_size, 'mtime': info.st_mtime}
    if kind == 'link':
        result['target'] = os.readlink(path)
    elif kind == 'file' and checksums:
        result['checksum'] = module.sha1(path)
    return result


def describe_paths(module, paths, checksums):
    described = dict((path, describe_path(module, path, False)) for path in paths)
    described.update((path, describe_path(module, path, True)) for path in checksums)
    return described


def read_text(module, path):
    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise
    if not stat.S_ISREG(info.st_mode):
        module.fail_json(msg='host_info reads regular files only; %s is not one.' % path)
    size = info.st_size
    if size > MAX_READ:
        module.fail_json(msg='host_info reads files of at most %d bytes; %s has %d.' % (MAX_READ, path, size))
    with open(path, 'rb') as handle:
        return handle.read().decode('utf-8', 'replace')


def list_versions(root, marker):
    try:
        names = os.listdir(root)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return []
        raise
    found = []
    for name in names:
        path = os.path.join(root, name)
        if fnmatch.fnmatchcase(name, RELEASE_GLOB) and os.path.isdir(path) and not os.path.islink(path):
            found.append({'name': name, 'path': path, 'mtime': os.path.getmtime(path),
                          'complete': os.path.isfile(os.path.join(path, marker))})
    return sorted(found, key=lambda item: item['mtime'], reverse=True)


def read_packages(module, names):
    if not names:
        return {}
    argv = [module.get_bin_path('dpkg-query', required=True), '--show', '--showformat=${Package}|${db:Status-Abbrev}\n'] + list(names)
    rc, out, err = module.run_command(argv)
    # rc 1: some package is unknown to dpkg (it is then not installed).
    if rc not in (0, 1):
        module.fail_json(msg='dpkg-query failed: %s' % (err or out).strip(), rc=rc, cmd=argv)
    installed = {}
    for line in out.splitlines():
        package, sep, status = line.partition('|')
        if sep:
            installed[package.split(':')[0]] = status.startswith('ii')
    return dict((name, installed.get(name, False)) for name in names)


def lookup_users(names):
    users = {}
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            users[name] = {'exists': False}
            continue
        users[name] = {'exists': True, 'uid': entry.pw_uid, 'gid': entry.pw_gid, 'home': entry.pw_dir, 'shell': entry.pw_shell}
    return users


def lookup_groups(names):
    groups = {}
    for name in names:
        try:
            groups[name] = {'exists': True, 'gid': grp.getgrnam(name).gr_gid}
        except KeyError:
            groups[name] = {'exists': False}
    return groups


def main():
    module = AnsibleModule(
        argument_spec=dict(
            paths=dict(type='list', elements='str', default=[]),
            checksums=dict(type='list', elements='str', default=[]),
            read=dict(type='list', elements='str', default=[]),
            versions=dict(type='list', elements='str', default=[]),
            marker=dict(type='str', default='.temporalops-installed'),
            units=dict(type='list', elements='str', default=[]),
            users=dict(type='list', elements='str', default=[]),
            groups=dict(type='list', elements='str', default=[]),
            packages=dict(type='list', elements='str', default=[]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    contents = {}
    for path in params['read']:
        text = read_text(module, path)
        if text is not None:
            contents[path] = text
    module.exit_json(
        changed=False,
        paths=describe_paths(module, params['paths'], params['checksums']),
        contents=contents,
        versions=dict((root, list_versions(root, params['marker'])) for root in params['versions']),
        units=describe_units(module, params['units']),
        users=lookup_users(params['users']),
        groups=lookup_groups(params['groups']),
        packages=read_packages(module, params['packages']),
    )


if __name__ == '__main__':
    main()
