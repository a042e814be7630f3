#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: namespace_info
short_description: Read one or all Temporal namespaces
version_added: 0.1.0
description:
  - Describes one namespace, or lists all namespaces of the service.
author:
  - temporalops maintainers (@temporalops)
options:
  name:
    description:
      - Namespace to describe. Without it, all namespaces are listed.
      - A namespace that does not exist gives an empty list, not an error.
    type: str
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: All namespaces
  temporalops.temporal.namespace_info:
    address: 127.0.0.1:7233
  register: all_namespaces

- name: Names only
  ansible.builtin.debug:
    msg: "{{ all_namespaces.namespaces | map(attribute='name') | list }}"

- name: Does the orders namespace exist?
  temporalops.temporal.namespace_info:
    address: 127.0.0.1:7233
    name: orders
  register: orders

- name: Tell
  ansible.builtin.debug:
    msg: "{{ 'orders exists' if orders.namespaces else 'no orders namespace' }}"
'''

RETURN = r'''
namespaces:
  description:
    - The namespaces, in the shape the M(temporalops.temporal.namespace) module returns.
    - The retention is in seconds; data values are decoded from JSON.
  returned: success
  type: list
  elements: dict
  sample:
    - name: default
      id: 01a20974-eb82-72ab-8503-a6fc29994ca9
      state: NAMESPACE_STATE_REGISTERED
      description: ""
      owner_email: ""
      retention: 86400
      data: {}
      history_archival_state: disabled
      history_archival_uri: ""
      visibility_archival_state: disabled
      visibility_archival_uri: ""
raw:
  description: The CLI's JSON for each namespace, unchanged.
  returned: success
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.views import namespace_view


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(name=dict(type='str')),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    name = module.params['name']
    if name:
        found = cli.run(['operator', 'namespace', 'describe'], namespace=name, missing_ok=True)
        raw = [found] if found is not None else []
    else:
        raw = cli.run(['operator', 'namespace', 'list'])
    module.exit_json(changed=False, namespaces=[namespace_view(item) for item in raw], raw=raw)


if __name__ == '__main__':
    main()
