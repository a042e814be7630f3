# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the install flow changes, decided from one host_info read: the links to fix and the
versions to prune."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
import re


def links_to_fix(host_paths, install_dir, bin_dir, binaries):
    """The binaries whose link in BIN_DIR is missing or points anywhere but INSTALL_DIR.

    HOST_PATHS is keyed as the install flow asked host_info: BIN_DIR, '/', the binary."""
    wrong = []
    for binary in binaries:
        found = host_paths.get('%s/%s' % (bin_dir, binary)) or {}
        if found.get('type') != 'link' or found.get('target') != posixpath.join(install_dir, binary):
            wrong.append(binary)
    return wrong


def versions_to_prune(listed, install_dir, artifact_root, in_use, keep):
    """Directories of LISTED (host_info versions: newest first) beyond KEEP versions.

    Kept, in this order: the version just installed (INSTALL_DIR), the versions services run now
    (IN_USE, release names), then the most recently installed others. A version in use is never
    pruned, even beyond KEEP.
    """
    keep = int(keep)
    if keep < 1:
        raise ValueError('temporal_install_keep_versions must be at least 1; got %d' % keep)
    running = set(posixpath.join(artifact_root, version) for version in in_use if version)
    newest_first = sorted(listed, key=lambda item: item['mtime'], reverse=True)
    others = [item['path'] for item in newest_first if item['path'] != install_dir]
    ranked = [path for path in others if path in running] + [path for path in others if path not in running]
    return [path for path in ranked[keep - 1:] if path not in running]


RELEASE = re.compile(r'[0-9]+[.][0-9]+[.][0-9]+([-+][0-9A-Za-z.-]+)?')
OWN_VERSION = re.compile(r'[0-9A-Za-z][0-9A-Za-z._+-]*')
BASE_URL = re.compile(r'(https?|file)://')
ARCHIVE_URL = re.compile(r'(https?|file)://[^?#]*/[^/?#]+[.](tar[.]gz|tgz|zip)')
CHECKSUM = re.compile(r'((sha256:)?[0-9a-fA-F]{64})?')


def problems(artifact, architecture, arch_map, base_url, keep_versions, hostname):
    """Every problem of one install request (temporal_install_artifact and the install settings)."""
    var = artifact.get('var_prefix', '')
    version = str(artifact.get('version', ''))
    url = str(artifact.get('url') or '')
    checksum = str(artifact.get('checksum') or '')
    found = []
    if not (RELEASE.fullmatch(version) or (url and OWN_VERSION.fullmatch(version))):
        found.append("%s_version '%s' is not a release version (expected MAJOR.MINOR.PATCH, such as 1.5.1, without a leading 'v')."
                     % (var, version))
    if architecture not in arch_map:
        found.append("Architecture '%s' of %s has no release archive; supported: %s (see temporal_install_arch_map)."
                     % (architecture, hostname, ', '.join(arch_map)))
    if not BASE_URL.match(str(base_url)):
        found.append("temporal_install_base_url '%s' must start with http://, https:// or file://." % base_url)
    if url and not ARCHIVE_URL.fullmatch(url):
        found.append("%s_url '%s' must be an http://, https:// or file:// URL of a .tar.gz, .tgz or .zip archive." % (var, url))
    try:
        keep = int(keep_versions)
    except (TypeError, ValueError):
        keep = 0
    if keep < 1:
        found.append('temporal_install_keep_versions must be at least 1 (the version in use); got %s.' % keep_versions)
    if not CHECKSUM.fullmatch(checksum):
        found.append("%s_checksum '%s' must be empty (read checksums.txt) or 'sha256:' followed by 64 hex digits." % (var, checksum))
    return found
