#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: namespace
short_description: Create, update or delete a Temporal namespace
version_added: 0.1.0
description:
  - Reads the namespace, compares it with the task and creates it, updates only the fields that
    differ, or deletes it.
  - Fields the task does not set are left as they are.
author:
  - temporalops maintainers (@temporalops)
options:
  name:
    description:
      - Name of the namespace to manage.
      - The connection option O(namespace) is not used by this module.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the namespace, V(absent) deletes it.
      - Deleting removes the namespace and all its workflows in the background; the
        name can be registered again at once.
    type: str
    choices: [present, absent]
    default: present
  retention:
    description:
      - How long closed workflows are kept, in seconds or as a duration such as V(72h) or V(3d).
      - When the namespace is created without it, the server default (3 days) applies.
    type: str
  description:
    description:
      - Description of the namespace. The CLI cannot clear a description once set.
    type: str
  owner_email:
    description:
      - Owner email. The CLI cannot clear it once set.
    type: str
  data:
    description:
      - Namespace data, key to value (any YAML value; stored as JSON).
      - Keys given are set; keys not given are kept (the CLI cannot remove them).
    type: dict
  history_archival_state:
    description:
      - History archival for the namespace. The cluster must have archival enabled, otherwise the
        server ignores it and the module reports a change on every run.
    type: str
    choices: [enabled, disabled]
  history_archival_uri:
    description:
      - Where history is archived, for example V(file:///var/archive/history). Cannot change once set.
    type: str
  visibility_archival_state:
    description:
      - Visibility archival for the namespace; same cluster requirement as O(history_archival_state).
    type: str
    choices: [enabled, disabled]
  visibility_archival_uri:
    description:
      - Where visibility records are archived. Cannot change once set.
    type: str
  wait_timeout:
    description:
      - After creating the namespace, wait at most this long (seconds or a duration such as V(1m))
        until the whole service knows it. Frontends learn of new namespaces from a cache that
        refreshes every few seconds; until then, calls in the namespace fail with "not found".
    type: str
    default: 30s
notes:
  - Deleting works on Temporal server 1.29 (the dev server of CLI 1.5.1 included). It is asynchronous
    on the server side; the namespace is gone for the API at once. A server that refuses deletion
    makes the task fail with the server's message, and nothing else changes.
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes
'''

EXAMPLES = r'''
- name: Orders namespace, kept for three days, with an owner
  temporalops.temporal.namespace:
    address: 127.0.0.1:7233
    name: orders
    retention: 3d
    description: Order processing
    owner_email: orders-team@example.com
    data:
      team: orders
      tier: 1

- name: Remove a namespace
  temporalops.temporal.namespace:
    address: 127.0.0.1:7233
    name: scratch
    state: absent
'''

RETURN = r'''
namespace:
  description:
    - The namespace after the task (predicted in check mode); empty when absent.
    - The retention is in seconds; data values are decoded from JSON.
  returned: always
  type: dict
  sample:
    name: orders
    id: 01a20974-eb82-72ab-8503-a6fc29994ca9
    state: NAMESPACE_STATE_REGISTERED
    description: Order processing
    owner_email: orders-team@example.com
    retention: 259200
    data: {"team": "orders", "tier": 1}
    history_archival_state: disabled
    history_archival_uri: ""
    visibility_archival_state: disabled
    visibility_archival_uri: ""
changes:
  description: The fields the task changed (or would change), with their new values.
  returned: success
  type: dict
  sample: {"retention": 345600}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.durations import format_duration, parse_duration
from ansible_collections.temporalops.temporal.plugins.module_utils.payloads import key_value_flags
from ansible_collections.temporalops.temporal.plugins.module_utils.state import differences, exit_with_diff, merged
from ansible_collections.temporalops.temporal.plugins.module_utils.views import namespace_view

# Module field -> CLI flag, for the plain string fields.
FLAGS = (
    ('description', '--description'),
    ('owner_email', '--email'),
    ('history_archival_state', '--history-archival-state'),
    ('history_archival_uri', '--history-uri'),
    ('visibility_archival_state', '--visibility-archival-state'),
    ('visibility_archival_uri', '--visibility-uri'),
)
UNCLEARABLE = ('description', 'owner_email')


def desired_fields(module):
    p = module.params
    desired = dict((field, p[field]) for field, _flag in FLAGS)
    try:
        desired['retention'] = parse_duration(p['retention']) if p['retention'] is not None else None
    except ValueError as e:
        module.fail_json(msg='retention: %s' % e)
    return desired


def changes_for(desired, data, current):
    """Fields (and data keys) that differ; data is merged key by key."""
    changes = differences(desired, current)
    changed_data = differences(data or {}, current.get('data', {}))
    if changed_data:
        changes['data'] = changed_data
    return changes


def write_args(changes):
    args = []
    if 'retention' in changes:
        args.extend(['--retention', format_duration(changes['retention'])])
    for field, flag in FLAGS:
        if field in changes:
            args.extend([flag, changes[field]])
    return args + key_value_flags('--data', changes.get('data'))


def ensure_present(module, cli, current):
    name = module.params['name']
    desired = desired_fields(module)
    if current is None:
        changes = dict((k, v) for k, v in desired.items() if v is not None)
        if module.params['data']:
            changes['data'] = module.params['data']
        before, after = {}, merged(dict(name=name), changes)
        command = ['operator', 'namespace', 'create']
    else:
        changes = changes_for(desired, module.params['data'], current)
        cleared = [f for f in UNCLEARABLE if changes.get(f) == '']
        if cleared:
            module.fail_json(msg='The temporal CLI cannot clear %s of namespace %s.' % (', '.join(cleared), name))
        before = current
        after = merged(current, dict(changes, data=merged(current['data'], changes.get('data', {}))))
        command = ['operator', 'namespace', 'update']
    changed = current is None or bool(changes)
    if changed and not module.check_mode:
        cli.run(command + write_args(changes), namespace=name, parse=False)
        if current is None:
            wait_until_usable(module, cli, name)
    exit_with_diff(module, changed, before, after, namespace=after, changes=changes)


def wait_until_usable(module, cli, name):
    """Poll a call that goes through the namespace cache (not describe, which reads the database)."""
    timeout = cli.duration_param('wait_timeout')
    probe = TemporalCLI(module, fail_on_error=False)
    usable = cli.poll(
        lambda: probe.run(['operator', 'search-attribute', 'list'], namespace=name, parse=False) is not None,
        timeout, interval=0.5)
    if not usable:
        module.fail_json(msg='Namespace %s was created but is not usable after %ss: %s' % (
            name, timeout, probe.last_error), changed=True)


def ensure_absent(module, cli, current):
    if current is not None and not module.check_mode:
        cli.run(['operator', 'namespace', 'delete', '--yes'], namespace=module.params['name'], parse=False)
    exit_with_diff(module, current is not None, current, {}, namespace={}, changes={})


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            retention=dict(type='str'),
            description=dict(type='str'),
            owner_email=dict(type='str'),
            data=dict(type='dict'),
            history_archival_state=dict(type='str', choices=['enabled', 'disabled']),
            history_archival_uri=dict(type='str'),
            visibility_archival_state=dict(type='str', choices=['enabled', 'disabled']),
            visibility_archival_uri=dict(type='str'),
            wait_timeout=dict(type='str', default='30s'),
        ),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    desired_fields(module)  # reject bad input before anything is read or written
    cli.duration_param('wait_timeout')
    raw = cli.run(['operator', 'namespace', 'describe'], namespace=module.params['name'], missing_ok=True)
    current = namespace_view(raw) if raw is not None else None
    if module.params['state'] == 'present':
        ensure_present(module, cli, current)
    else:
        ensure_absent(module, cli, current)


if __name__ == '__main__':
    main()
