# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Let plain `pytest tests/unit` import the collection as ansible_collections.temporalops.temporal.

ansible-test runs the tests from an ansible_collections/<ns>/<name> tree and needs nothing.
A plain checkout is linked into such a tree in a temporary directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import sys
import tempfile

CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _in_collection_tree(path):
    parts = path.split(os.sep)
    return len(parts) >= 3 and parts[-3] == 'ansible_collections'


if not _in_collection_tree(CHECKOUT):
    digest = hashlib.sha256(CHECKOUT.encode()).hexdigest()[:12]
    root = os.path.join(tempfile.gettempdir(), 'temporalops-unit-%s' % digest)
    link = os.path.join(root, 'ansible_collections', 'temporalops', 'temporal')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(CHECKOUT, link)
        except FileExistsError:
            pass  # made by the run beside this one (tools/test.sh runs two ansible-core releases at once)
    sys.path.insert(0, root)
    # Ansible's collection loader, installed now, before any test imports the collection: a
    # test that starts it later (Templar, filter lookups) would otherwise find the collection's
    # modules imported without it and refuse them.
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader([root])
