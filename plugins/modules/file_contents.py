#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: file_contents
short_description: Write several files from their contents in one call, only those that differ, secrets included
version_added: 0.1.0
description:
  - Writes each file of O(files) whose content, owner, group or mode differs from what the host has, and
    leaves the others alone. One round trip serves all of them, where M(ansible.builtin.copy) takes one per file.
  - The comparison happens on the host. Neither a file's content nor a digest of it is returned, so the
    module suits files that hold secrets (keys, passwords, tokens); O(files[].content) is a C(no_log) option.
  - Each file is written beside the old one with its final owner and mode, then renamed over it. A reader
    finds the old file or the new one, never a part, and never a mode wider than asked.
  - Every file is checked (absolute path, existing directory, known owner and group, octal mode) before any
    is written; a problem fails the module naming each path concerned, and nothing is written. In check mode a
    missing directory, owner or group is no problem (the run being previewed creates them first), and the file
    counts as one to write.
author:
  - temporalops maintainers (@temporalops)
options:
  files:
    description: The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path of the file. Its directory must exist.
        type: str
        required: true
      content:
        description: What the file holds, written as UTF-8 exactly as given (no newline is added).
        type: str
        required: true
      owner:
        description: Its owner. Unset keeps the owner of an existing file (a new one gets the user the module runs as).
        type: str
      group:
        description: Its group. Unset keeps the group of an existing file (a new one gets the group the module runs as).
        type: str
      mode:
        description:
          - Its mode, in octal (quote it in YAML, such as C('0640')). Unset keeps the mode of an existing file,
            and a new one gets C(0600).
        type: raw
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details: The files may hold secrets; RV(written) names the files without their contents.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - The action group C(group/temporalops.temporal.temporal) does not include this module, which talks to
    the host, not to a Temporal service.
'''

EXAMPLES = r'''
- name: Write a worker's secrets and its TLS key in one round trip
  temporalops.temporal.file_contents:
    files:
      - path: /etc/temporal-worker/billing.env
        content: "TEMPORAL_API_KEY={{ billing_api_key }}\n"
        owner: root
        group: root
        mode: "0600"
      - path: /etc/temporal-worker/billing.key
        content: "{{ billing_tls_key }}"
        owner: root
        group: temporal-worker-billing
        mode: "0640"
  register: written

- name: Restart the worker when either changed
  ansible.builtin.systemd_service:
    name: temporal-worker@billing
    state: restarted
  when: written.written | length > 0
'''

RETURN = r'''
written:
  description: The paths of O(files) written (in check mode, those that would be), in the order given.
  returned: always
  type: list
  elements: str
  sample: [/etc/temporal-worker/billing.env]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils import file_contents


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type='list', elements='dict', required=True, options=dict(
                path=dict(type='str', required=True),
                content=dict(type='str', required=True, no_log=True),
                owner=dict(type='str'),
                group=dict(type='str'),
                mode=dict(type='raw'),
            )),
        ),
        supports_check_mode=True,
    )
    files = module.params['files']
    found = file_contents.problems(files, module.check_mode)
    if found:
        module.fail_json(msg='Nothing was written. ' + ' '.join(found), written=[])
    written = [item['path'] for item in files if file_contents.differences(item)]
    if not module.check_mode:
        for item in files:
            if item['path'] in written:
                try:
                    file_contents.write(item)
                except OSError as error:
                    done = written[:written.index(item['path'])]
                    module.fail_json(msg='%s: %s' % (item['path'], error.strerror or error), written=done)
    module.exit_json(changed=bool(written), written=written)


if __name__ == '__main__':
    main()
