#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: namespace
short_description: Create, update or delete Temporal namespaces
version_added: 0.1.0
description:
  - Reads the namespace, compares it with the task and creates it, updates only the fields that
    differ, or deletes it.
  - Fields the task does not set are left as they are.
  - With O(namespaces), manages many namespaces in one task, read with one C(namespace list) call, so
    a run that changes nothing costs one CLI call whatever the number of namespaces.
author:
  - temporalops maintainers (@temporalops)
options:
  name:
    description:
      - Name of the namespace to manage. One of O(name) and O(namespaces) is required.
      - The connection option O(namespace) is not used by this module.
    type: str
  namespaces:
    description:
      - Many namespaces in one task, each entry with O(name) and the same options as a single
        namespace (O(state), O(retention), O(description), O(owner_email), O(data), the archival
        options).
      - Every entry is checked before anything is read or written; names must be unique.
      - Cannot be combined with O(name) or the per-namespace options at the top level.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the namespace.
        type: str
        required: true
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
      retention:
        description: As O(retention).
        type: str
      description:
        description: As O(description).
        type: str
      owner_email:
        description: As O(owner_email).
        type: str
      data:
        description: As O(data).
        type: dict
      history_archival_state:
        description: As O(history_archival_state).
        type: str
        choices: [enabled, disabled]
      history_archival_uri:
        description: As O(history_archival_uri).
        type: str
      visibility_archival_state:
        description: As O(visibility_archival_state).
        type: str
        choices: [enabled, disabled]
      visibility_archival_uri:
        description: As O(visibility_archival_uri).
        type: str
  state:
    description:
      - V(present) creates or updates the namespace, V(absent) deletes it.
      - Deleting removes the namespace and all its workflows in the background; the
        name can be registered again at once.
      - Each entry of O(namespaces) has its own state (default V(present)).
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
      - After creating a namespace, wait at most this long (seconds or a duration such as V(1m))
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

- name: Every team's namespace in one task (one read when nothing changes)
  temporalops.temporal.namespace:
    address: 127.0.0.1:7233
    namespaces:
      - {name: payments, retention: 7d}
      - {name: shipping, retention: 7d, owner_email: shipping@example.com}
      - {name: legacy-reports, state: absent}
'''

RETURN = r'''
namespace:
  description:
    - The namespace after the task (predicted in check mode); empty when absent.
    - The retention is in seconds; data values are decoded from JSON.
  returned: with O(name)
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
namespaces:
  description: Each entry of O(namespaces) after the task, in their order, as RV(namespace); empty when absent.
  returned: with O(namespaces)
  type: list
  elements: dict
changes:
  description:
    - The fields the task changed (or would change), with their new values.
    - With O(namespaces), name to that namespace's changes, for the namespaces created or updated.
  returned: success
  type: dict
  sample: {"retention": 345600}
created:
  description: The namespaces of O(namespaces) the task created (or would create).
  returned: with O(namespaces)
  type: list
  elements: str
updated:
  description: The namespaces of O(namespaces) the task updated (or would update).
  returned: with O(namespaces)
  type: list
  elements: str
deleted:
  description: The namespaces of O(namespaces) the task deleted (or would delete).
  returned: with O(namespaces)
  type: list
  elements: str
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
STATES = ['present', 'absent']


def field_options():
    """The options of one namespace, at the top level (with name) and in each namespaces entry."""
    archival = dict(type='str', choices=['enabled', 'disabled'])
    return dict(
        retention=dict(type='str'),
        description=dict(type='str'),
        owner_email=dict(type='str'),
        data=dict(type='dict'),
        history_archival_state=dict(archival),
        history_archival_uri=dict(type='str'),
        visibility_archival_state=dict(archival),
        visibility_archival_uri=dict(type='str'),
    )


def argument_spec():
    entry = dict(name=dict(type='str', required=True), state=dict(type='str', default='present', choices=STATES))
    entry.update(field_options())
    spec = connection_argument_spec(
        name=dict(type='str'),
        namespaces=dict(type='list', elements='dict', options=entry),
        state=dict(type='str', default='present', choices=STATES),
        wait_timeout=dict(type='str', default='30s'),
    )
    spec.update(field_options())
    return spec


def requests(module):
    """[(label, request)]: each namespace the task asks for, labelled for error messages."""
    p = module.params
    if p['namespaces'] is None:
        return [('', dict((key, p[key]) for key in ['name', 'state'] + list(field_options())))]
    seen = set()
    for entry in p['namespaces']:
        if entry['name'] in seen:
            module.fail_json(msg='namespaces: %s is listed more than once' % entry['name'])
        seen.add(entry['name'])
    return [('namespaces[%d] (%s): ' % (i, entry['name']), entry) for i, entry in enumerate(p['namespaces'])]


def desired_fields(module, label, request):
    desired = dict((field, request[field]) for field, _flag in FLAGS)
    try:
        desired['retention'] = parse_duration(request['retention']) if request['retention'] is not None else None
    except ValueError as e:
        module.fail_json(msg='%sretention: %s' % (label, e))
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


def plan(module, label, request, current):
    """What one namespace needs: dict(name, action, command, changes, before, after); action is
    create, update, delete or None. Fails (before anything is written) on what the CLI cannot do."""
    name = request['name']
    step = dict(name=name, action=None, command=None, changes={}, before=current or {}, after=current or {})
    if request['state'] == 'absent':
        if current is not None:
            step.update(action='delete', command=['operator', 'namespace', 'delete', '--yes'], after={})
        return step
    desired = desired_fields(module, label, request)
    if current is None:
        changes = dict((k, v) for k, v in desired.items() if v is not None)
        if request['data']:
            changes['data'] = request['data']
        step.update(action='create', changes=changes, after=merged(dict(name=name), changes))
    else:
        changes = changes_for(desired, request['data'], current)
        cleared = [f for f in UNCLEARABLE if changes.get(f) == '']
        if cleared:
            module.fail_json(msg='%sThe temporal CLI cannot clear %s of namespace %s.' % (
                label, ', '.join(cleared), name))
        if changes:
            after = merged(current, dict(changes, data=merged(current['data'], changes.get('data', {}))))
            step.update(action='update', changes=changes, after=after)
    if step['action']:
        step['command'] = ['operator', 'namespace', step['action']] + write_args(step['changes'])
    return step


def read_current(cli, names, bulk):
    """name -> namespace view, for the namespaces that exist: one describe, or one list for many."""
    if not bulk:
        raw = cli.run(['operator', 'namespace', 'describe'], namespace=names[0], missing_ok=True)
        return {names[0]: namespace_view(raw)} if raw is not None else {}
    listed = cli.run(['operator', 'namespace', 'list'])
    views = (namespace_view(raw) for raw in (listed if isinstance(listed, list) else [listed]) if raw)
    return dict((view['name'], view) for view in views)


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


def apply(module, cli, steps):
    """Write every step, then wait for the created namespaces (they become usable together)."""
    for step in steps:
        if step['command']:
            cli.run(step['command'], namespace=step['name'], parse=False)
    for step in steps:
        if step['action'] == 'create':
            wait_until_usable(module, cli, step['name'])


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[['name', 'namespaces']] + [['namespaces', field] for field in field_options()],
        required_one_of=[['name', 'namespaces']],
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    bulk = module.params['namespaces'] is not None
    # Reject bad input, every entry of it, before anything is read or written.
    asked = requests(module)
    for label, request in asked:
        desired_fields(module, label, request)
    cli.duration_param('wait_timeout')
    current = read_current(cli, [request['name'] for _label, request in asked], bulk)
    steps = [plan(module, label, request, current.get(request['name'])) for label, request in asked]
    changed = any(step['action'] for step in steps)
    if changed and not module.check_mode:
        apply(module, cli, steps)
    if not bulk:
        step = steps[0]
        exit_with_diff(module, changed, step['before'], step['after'], namespace=step['after'], changes=step['changes'])
    exit_with_diff(
        module, changed,
        dict((step['name'], step['before']) for step in steps if step['before']),
        dict((step['name'], step['after']) for step in steps if step['after']),
        namespaces=[step['after'] for step in steps],
        changes=dict((step['name'], step['changes']) for step in steps if step['action'] in ('create', 'update')),
        created=[step['name'] for step in steps if step['action'] == 'create'],
        updated=[step['name'] for step in steps if step['action'] == 'update'],
        deleted=[step['name'] for step in steps if step['action'] == 'delete'])


if __name__ == '__main__':
    main()
