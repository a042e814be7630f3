# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The workers of the temporal_worker role, worked out and checked once per host on the controller
(documented in plugins/modules/worker_plan.py). Only here are controller files touched: found as
the copy module finds its src, requirements files read, Node.js apps described and archived
(module_utils/node_app.py); the model itself is module_utils/worker_model.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.temporalops.temporal.plugins.module_utils import node_app, worker_checks, worker_model
from ansible_collections.temporalops.temporal.plugins.modules.worker_plan import ARGUMENT_SPEC


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def _controller_path(self, path):
        """PATH on the controller as the copy module finds a src (role and playbook files/), '' when it is not there."""
        try:
            return self._find_needle('files', path)
        except AnsibleError:
            return ''

    def _read_text(self, path):
        """A file's text as the file lookup reads it (vault-encrypted files decrypted)."""
        if hasattr(self._loader, 'get_text_file_contents'):
            return self._loader.get_text_file_contents(path)
        data = self._loader._get_file_contents(path)[0]
        return to_text(data, errors='surrogate_or_strict')

    @staticmethod
    def _node_apps(instances, defaults, found, cache):
        """Each Node.js app directory found: node_app.describe() and the archive of its files in CACHE
        (made once per digest; '' for an app the checks refuse: no lockfile, or one that does not match)."""
        apps = {}
        for raw in instances:
            source = worker_model.get(worker_model.get(worker_model.merged(raw, defaults), 'node', {}) or {}, 'source')
            path = found.get(source, '') if isinstance(source, str) else ''
            if not path or path in apps or not os.path.isdir(path):
                continue
            app = node_app.describe(path)
            app['archive'] = ''
            if app['lockfile'] and app['lock_mismatch'] == []:
                app['archive'] = os.path.join(cache, 'node-apps', 'app-%s.tar.gz' % app['digest'][:16])
                if not os.path.exists(app['archive']):
                    node_app.write_archive(path, app['files'], app['archive'])
            del app['files']
            apps[path] = app
        return apps

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        instances, defaults = args['instances'], args['defaults']
        workers, errors = [], []
        if args['state'] == 'present':
            errors = worker_checks.input_errors(instances, defaults)
        if args['state'] == 'present' and not errors:
            found = dict((path, self._controller_path(path)) for path in worker_model.controller_paths(instances, defaults))
            try:
                apps = self._node_apps(instances, defaults, found, os.path.expanduser(args['controller_cache']))
                workers = worker_model.resolve(instances, defaults, args['root'], args['config_dir'], args['install_root'],
                                               args['service'], found, self._read_text, apps)
            except (AnsibleError, AttributeError, KeyError, TypeError, ValueError, OSError) as e:
                # Settings of a type the checks do not expect (argument_specs lets most of them through).
                result.update(failed=True, changed=False, msg='temporal_worker_instances: the workers could not be worked out (%s).'
                              ' No worker was touched.' % to_text(e))
                return result
            errors = worker_checks.check(workers, instances, defaults, args['service'], args['allow_shared_queues'])
        result.update(changed=False, ansible_facts={'__temporal_worker_all': workers, '__temporal_worker_errors': errors})
        if errors:
            result.update(failed=True, msg='%s No worker was touched.' % ' '.join(errors))
        return result
