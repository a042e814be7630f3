# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's own CA on the controller (documented in plugins/modules/pki.py); what it
decides is module_utils/tls_ca.py and tls_certs.py. Runs where the controller is: the CA key
never travels."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os

from ansible.plugins.action import ActionBase

from ansible_collections.temporalops.temporal.plugins.module_utils import tls_ca, tls_certs
from ansible_collections.temporalops.temporal.plugins.modules.pki import ARGUMENT_SPEC


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        if not tls_certs.HAS_CRYPTOGRAPHY:
            return dict(result, failed=True, msg='The pki action needs the Python library cryptography on the controller.')
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        directory = os.path.expanduser(args['dir'])
        wanted = args['certificates']
        files = tls_ca.read(directory, [item['name'] for item in wanted])
        planned = args['planned']
        if planned:
            # Written as it was checked: the plan of an earlier run in check mode, made from these same files.
            if planned.get('read') != tls_ca.digest(files):
                return dict(result, failed=True, msg='The CA directory %s changed since the certificates were planned:'
                            ' nothing was written; run again.' % directory)
            write, issued = planned.get('write') or {}, planned.get('issued') or {}
        else:
            write, issued, problems = tls_ca.plan(
                files, wanted, args['ca_common_name'], args['ca_days'], args['days'], args['renew_before_days'],
                datetime.datetime.now(datetime.timezone.utc))
            if problems:
                return dict(result, failed=True, msg='certificates: %s. Nothing was written.' % '; '.join(problems))
        if self._task.check_mode:
            result['planned'] = {'read': tls_ca.digest(files), 'write': write, 'issued': issued}
        elif write:
            tls_ca.apply(directory, write)
        result.update(tls_ca.result(files, write, wanted))
        result.update(changed=bool(write), issued=issued, dir=directory)
        return result
