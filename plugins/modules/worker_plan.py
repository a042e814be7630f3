#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: worker_plan
short_description: Work out and check the workers of the temporal_worker role
version_added: 0.1.0
description:
  - The workers of the role P(temporalops.temporal.temporal_worker#role) worked out once per host, on the controller
    (an action plugin). Each worker is merged over O(defaults), with its task queue, user, paths, command and environment,
    and the files it names on the controller are found as M(ansible.builtin.copy) finds its C(src).
  - Every mistake in the settings is told at once, each message naming the worker and the setting; the task fails on any.
    The keys and their types are the role's argument spec's, which Ansible checks before the role starts; this checks
    the rules within and across settings.
  - The role's internals; other playbooks use the role.
  - Secrets are not returned; the filter P(temporalops.temporal.worker_secrets#filter) gives them to tasks with C(no_log).
author:
  - temporalops maintainers (@temporalops)
options:
  instances:
    description: The workers (O(temporalops.temporal.temporal_worker#role:main:temporal_worker_instances)).
    type: raw
    required: true
  defaults:
    description: Settings shared by every worker (O(temporalops.temporal.temporal_worker#role:main:temporal_worker_defaults)).
    type: raw
    default: {}
  state:
    description: With C(absent) (every worker removed) nothing is worked out nor checked.
    type: str
    choices: [present, absent]
    default: present
  root:
    description: Where the workers' code and venvs live (O(temporalops.temporal.temporal_worker#role:main:temporal_worker_root)).
    type: str
    required: true
  config_dir:
    description: Where the workers' profiles and secrets files live.
    type: str
    required: true
  install_root:
    description: The collection's install root; archives go under C(<install_root>/workers/<name>).
    type: str
    required: true
  service:
    description: The template unit's name; a worker runs as C(<service>@<name>.service).
    type: str
    default: temporal-worker
  allow_shared_queues:
    description: Allow two workers on one task queue (of one namespace and frontend).
    type: bool
    default: false
  controller_cache:
    description:
      - A directory on the controller for the archives of the Node.js workers' apps (C(node.source)), one per app digest,
        made when missing (O(temporalops.temporal.temporal_install#role:main:temporal_install_controller_cache)).
      - Unused when no worker has C(node).
    type: path
    default: ~/.cache/temporalops/downloads
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.facts
  - temporalops.temporal.attributes.CONTROLLER_ACTION
attributes:
  check_mode:
    support: full
    details: It reads files on the controller, and writes the archive of a Node.js app into O(controller_cache) when missing.
  diff_mode:
    support: none
  facts:
    support: full
'''

EXAMPLES = r'''
- name: Work out the workers and check their settings
  temporalops.temporal.worker_plan:
    instances: "{{ temporal_worker_instances }}"
    defaults: "{{ temporal_worker_defaults }}"
    root: "{{ temporal_worker_root }}"
    config_dir: "{{ temporal_worker_config_dir }}"
    install_root: "{{ temporal_install_root }}"
'''

RETURN = r'''
ansible_facts:
  description: The workers and the mistakes found in their settings.
  returned: always
  type: dict
  contains:
    __temporal_worker_all:
      description:
        - Every worker resolved, in the order given, without secrets (C(secret_names) lists the names of its secret variables).
        - Empty with O(state=absent) or when the settings are not a list of dicts.
      type: list
      elements: dict
      sample:
        - name: billing
          state: present
          unit: temporal-worker@billing.service
          queue: billing
          user: temporal-worker-billing
          command: [/opt/temporal-workers/billing/venvs/1df35ca75c89/bin/python, -m, billing.worker]
    __temporal_worker_errors:
      description: One message for each mistake, naming the worker and the setting; empty when all is well.
      type: list
      elements: str
      sample: ["temporal_worker_instances[billing].tuning: deployment_name and build_id go together (worker versioning): set both or neither."]
msg:
  description: The mistakes, then C(No worker was touched.)
  returned: failure
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

# The workers' settings hold their secrets (API keys, headers, TLS keys).
ARGUMENT_SPEC = dict(
    instances=dict(type='raw', required=True, no_log=True),
    defaults=dict(type='raw', default={}, no_log=True),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    root=dict(type='str', required=True),
    config_dir=dict(type='str', required=True),
    install_root=dict(type='str', required=True),
    service=dict(type='str', default='temporal-worker'),
    allow_shared_queues=dict(type='bool', default=False),
    controller_cache=dict(type='path', default='~/.cache/temporalops/downloads'),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg='temporalops.temporal.worker_plan runs on the controller (an action plugin): it cannot run as a module.')


if __name__ == '__main__':
    main()
