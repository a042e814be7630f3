#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: search_attribute
short_description: Add or remove a custom search attribute of a Temporal namespace
version_added: 0.1.0
description:
  - Reads the namespace's custom search attributes and adds or removes one.
  - A search attribute cannot change type; asking for another type than the existing one fails
    without changing anything.
author:
  - temporalops maintainers (@temporalops)
options:
  name:
    description:
      - Name of the custom search attribute.
    type: str
    required: true
  type:
    description:
      - Type of the attribute. Required with O(state=present).
    type: str
    choices: [Text, Keyword, Int, Double, Bool, Datetime, KeywordList]
  state:
    description:
      - Whether the attribute should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes
'''

EXAMPLES = r'''
- name: Customer id as a keyword in the orders namespace
  temporalops.temporal.search_attribute:
    address: 127.0.0.1:7233
    namespace: orders
    name: CustomerId
    type: Keyword

- name: Drop an attribute nobody queries any more
  temporalops.temporal.search_attribute:
    address: 127.0.0.1:7233
    namespace: orders
    name: LegacyFlag
    state: absent
'''

RETURN = r'''
search_attribute:
  description: The attribute after the task (predicted in check mode); empty when absent.
  returned: success
  type: dict
  sample: {"name": "CustomerId", "type": "Keyword"}
custom_attributes:
  description: All custom search attributes of the namespace as read before the task, name to type.
  returned: success
  type: dict
  sample: {"CustomerId": "Keyword"}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.state import exit_with_diff

TYPES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']
# The server names types INDEXED_VALUE_TYPE_KEYWORD_LIST; the CLI takes KeywordList.
SERVER_TYPES = dict(('INDEXED_VALUE_TYPE_' + t.upper().replace('KEYWORDLIST', 'KEYWORD_LIST'), t) for t in TYPES)


def custom_attributes(cli):
    listed = cli.run(['operator', 'search-attribute', 'list'])
    return dict((name, SERVER_TYPES.get(kind, kind)) for name, kind in (listed.get('customAttributes') or {}).items())


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            name=dict(type='str', required=True),
            type=dict(type='str', choices=TYPES),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ['type'])],
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    name, wanted_type = module.params['name'], module.params['type']
    existing = custom_attributes(cli)
    current = dict(name=name, type=existing[name]) if name in existing else {}

    if module.params['state'] == 'present':
        if current and current['type'] != wanted_type:
            module.fail_json(
                msg='Search attribute %s already exists in namespace %s with type %s; a search attribute cannot '
                    'change type. Remove it first (state=absent) or use another name.' % (
                        name, module.params['namespace'], current['type']),
                search_attribute=current)
        desired = dict(name=name, type=wanted_type)
        command = ['operator', 'search-attribute', 'create', '--name', name, '--type', wanted_type]
    else:
        desired = {}
        command = ['operator', 'search-attribute', 'remove', '--name', name, '--yes']

    changed = current != desired
    if changed and not module.check_mode:
        cli.run(command, parse=False)
    exit_with_diff(module, changed, current, desired, search_attribute=desired, custom_attributes=existing)


if __name__ == '__main__':
    main()
