# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pki action writes an earlier plan as it was made (what site.yml's checks judged is what
lands), and refuses it once the directory changed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from unittest.mock import MagicMock

from ansible_collections.temporalops.temporal.plugins.action.pki import ActionModule
from ansible_collections.temporalops.temporal.plugins.module_utils import tls_ca

CERTIFICATES = [{'name': 'node1', 'names': ['10.0.0.11'], 'usage': 'node'}]


def run(directory, check_mode, **args):
    task = MagicMock(check_mode=check_mode, async_val=0, args=dict(dir=directory, certificates=CERTIFICATES, **args))
    action = ActionModule(task, MagicMock(), MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    return action.run(task_vars={})


def test_a_plan_made_in_check_mode_is_written_as_it_was_made(tmp_path):
    directory = str(tmp_path / 'nodes')
    first = run(directory, True)
    assert not os.path.exists(directory) and first['planned']['issued'] == {'ca': 'none was made yet', 'node1': 'none was issued yet'}
    second = run(directory, False, planned=first['planned'])
    assert second['changed'] and 'planned' not in second
    assert (second['ca'], second['certificates']) == (first['ca'], first['certificates'])
    assert tls_ca.read(directory, ['node1'])['node1-key.pem'] == first['certificates']['node1']['key']
    # Without a plan, a run makes its own: nothing is due now.
    assert run(directory, False)['changed'] is False


def test_a_plan_is_refused_once_the_directory_changed(tmp_path):
    directory = str(tmp_path / 'nodes')
    first = run(directory, True)
    run(directory, False)
    refused = run(directory, False, planned=first['planned'])
    assert refused['failed'] and 'changed since the certificates were planned' in refused['msg']
    assert tls_ca.read(directory, ['node1'])['node1-key.pem'] != first['certificates']['node1']['key']
