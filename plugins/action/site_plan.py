# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What playbooks/site.yml works out for this host from the inventory (documented in
plugins/modules/site_plan.py); the rules are module_utils/site_plan.py.

Each host of the run described itself first (__temporal_site_host: its address and the
settings it sets, templated in its own context, play vars included). A host the run leaves
out did not: only its inventory values that template alone are used, and an address of its is
unknown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.temporalops.temporal.plugins.module_utils import site_plan

DESCRIBED = '__temporal_site_host'


def _left_out(own):
    """What a host outside the run sets, as far as its values template without the play."""
    settings = {}
    for name in site_plan.SETTINGS:
        if name in own:
            try:
                settings[name] = own[name]
            except AnsibleError:
                continue
    return {'address': '', 'settings': settings}


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        self.validate_argument_spec(argument_spec={})
        groups = task_vars.get('groups') or {}
        hostvars = task_vars['hostvars']
        members = dict((group, list(groups.get(group) or [])) for group in site_plan.GROUPS)
        hosts = {}
        for name in set(sum(members.values(), [])):
            own = hostvars[name]
            hosts[name] = own[DESCRIBED] if DESCRIBED in own else _left_out(own)
        planned = site_plan.plan(members, list(task_vars.get('ansible_play_hosts_all') or []), hosts)
        result.update(changed=False, settings=planned['hosts'].get(task_vars['inventory_hostname'], {}), tls=planned['tls'],
                      database_tls=planned['database_tls'])
        if planned['problems']:
            result.update(failed=True, msg='%s No host was changed.' % ' '.join(planned['problems']))
        return result
