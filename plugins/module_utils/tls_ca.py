# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's own CA, kept in one directory on the controller (the pki action):

  ca.pem, ca-key.pem          the CA (its key never leaves this directory)
  <name>.pem, <name>-key.pem  each certificate it issued, and its key

What it does to the directory is decided first (plan, pure), then written (apply): keys are made
once and kept, a certificate is issued again only for a reason (tls_certs.renewal_reason), and
the CA itself only when it is missing or expiring, which reissues everything. Keys are written
0600 in a 0700 directory."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import os
import re

from ansible_collections.temporalops.temporal.plugins.module_utils import tls_certs

NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*$')


def read(directory, names):
    """{file name: text} of the CA's files and those of NAMES that exist in DIRECTORY."""
    found = {}
    for name in ['ca'] + list(names):
        for suffix in ('.pem', '-key.pem'):
            path = os.path.join(directory, name + suffix)
            if os.path.isfile(path):
                with open(path) as f:
                    found[name + suffix] = f.read()
    return found


def digest(files):
    """A digest of what read() found: a plan made from it holds only while the directory holds it."""
    hashed = hashlib.sha256()
    for name in sorted(files):
        hashed.update(('%s\0%s\0' % (name, files[name])).encode('utf-8'))
    return hashed.hexdigest()


def plan(files, wanted, ca_common_name, ca_days, days, renew_before_days, now):
    """(files to write {file name: text}, what was issued {name: reason}, problems).

    FILES is what read() found; WANTED the certificates: [{name, names, usage}], a name used for
    the files (an inventory name, or a client's)."""
    problems = []
    seen = set()
    for item in wanted:
        if not NAME.match(item['name']) or item['name'] == 'ca':
            problems.append('%r cannot name a certificate: letters, digits, ".", "_" and "-", not "ca"' % (item['name'],))
        if item['name'] in seen:
            problems.append('%s is asked for twice' % item['name'])
        seen.add(item['name'])
        if item.get('usage', 'node') not in tls_certs.USAGES:
            problems.append('%s: usage must be one of %s' % (item['name'], ', '.join(tls_certs.USAGES)))
    if problems:
        return {}, {}, problems
    write, issued = {}, {}
    ca_pem, ca_key = files.get('ca.pem'), files.get('ca-key.pem')
    ca_reason = _ca_reason(ca_pem, ca_key, now, renew_before_days)
    if ca_reason:
        ca_key = ca_key or tls_certs.new_key()
        ca_pem = tls_certs.new_ca(ca_common_name, ca_days, now, key_pem=ca_key)[0]
        write.update({'ca.pem': ca_pem, 'ca-key.pem': ca_key})
        issued['ca'] = ca_reason
    for item in wanted:
        name, usage = item['name'], item.get('usage', 'node')
        key = files.get(name + '-key.pem')
        if not key:
            key = write[name + '-key.pem'] = tls_certs.new_key()
        reason = tls_certs.renewal_reason(ca_pem, files.get(name + '.pem'), key, item['names'], usage, now, renew_before_days)
        if reason:
            write[name + '.pem'] = tls_certs.issue(ca_pem, ca_key, key, name, item['names'], usage, days, now)
            issued[name] = reason
    return write, issued, []


def _ca_reason(ca_pem, ca_key, now, renew_before_days):
    if not ca_pem or not ca_key:
        return 'none was made yet'
    labels = {'ca': 'ca.pem', 'cert': 'ca.pem', 'key': 'ca-key.pem'}
    if tls_certs.problems(labels, ca_pem, ca_pem, ca_key, [], now):
        return 'its files do not make a valid CA'
    if tls_certs.valid_for(ca_pem, now) < datetime.timedelta(days=renew_before_days):
        return 'it expires within %s days' % renew_before_days
    return ''


def apply(directory, write):
    """Write WRITE ({file name: text}) into DIRECTORY (created 0700), keys 0600, atomically each."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)
    for name, text in sorted(write.items()):
        path = os.path.join(directory, name)
        part = path + '.part'
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if name.endswith('-key.pem') else 0o644)
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.replace(part, path)


def result(files, write, wanted):
    """{'ca': PEM, 'certificates': {name: {cert, key, serial, not_after}}} after WRITE over FILES."""
    merged = dict(files)
    merged.update(write)
    certificates = {}
    for item in wanted:
        cert = merged[item['name'] + '.pem']
        certificates[item['name']] = {'cert': cert, 'key': merged[item['name'] + '-key.pem'],
                                      'serial': tls_certs.serial(cert), 'not_after': tls_certs.not_after(cert)}
    return {'ca': merged['ca.pem'], 'certificates': certificates}
