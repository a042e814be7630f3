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
        write, issued, problems = tls_ca.plan(
            files, wanted, args['ca_common_name'], args['ca_days'], args['days'], args['renew_before_days'],
            datetime.datetime.now(datetime.timezone.utc))
        if problems:
            return dict(result, failed=True, msg='certificates: %s. Nothing was written.' % '; '.join(problems))
        if write and not self._task.check_mode:
            tls_ca.apply(directory, write)
        result.update(tls_ca.result(files, write, wanted))
        result.update(changed=bool(write), issued=issued, dir=directory)
        return result
