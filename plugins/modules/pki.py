#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pki
short_description: Keep a small CA on the controller and issue Temporal's certificates from it
version_added: 0.1.0
description:
  - For sites without a PKI of their own. Keeps a CA in a directory on the controller, makes each certificate's key once,
    and issues the certificates the Temporal hosts and their clients need. Runs on the controller only (an action
    plugin); the CA key never leaves O(dir).
  - A certificate is issued again when there is a reason, and only then. The reasons are that none exists yet, it was
    signed by another CA or for another key, its names or usage differ from what is asked, or it expires within
    O(renew_before_days). The CA is made again only when its files are missing, invalid or expiring; every certificate
    is then issued again.
  - Keys are ECDSA P-256, written C(0600) in a C(0700) directory. Certificates carry their names as subjectAltName
    entries (DNS names, IP addresses).
  - The result holds the keys. Run it with C(no_log) and hand the keys on to what writes them to the hosts.
author:
  - temporalops maintainers (@temporalops)
options:
  dir:
    description: The directory on the controller that keeps the CA and the certificates. It is created when missing.
    type: path
    required: true
  certificates:
    description: The certificates wanted, each by a name that names its files too (C(<name>.pem), C(<name>-key.pem)).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The certificate's name, also its subject's common name. It cannot be V(ca).
        type: str
        required: true
      names:
        description: The DNS names and IP addresses it is reached by (subjectAltName).
        type: list
        elements: str
        default: []
      usage:
        description:
          - V(node) for a server node, which both serves and connects (serverAuth and clientAuth).
          - V(server) for what only serves, such as a database (serverAuth only).
          - V(client) for a client (clientAuth only).
        type: str
        choices: [node, server, client]
        default: node
  ca_common_name:
    description: The common name of a new CA.
    type: str
    default: temporalops CA
  ca_days:
    description: How long a new CA is valid, in days.
    type: int
    default: 3650
  days:
    description: How long a certificate is valid, in days.
    type: int
    default: 365
  renew_before_days:
    description: A certificate, or the CA, with fewer days than this left is issued again.
    type: int
    default: 30
  planned:
    description:
      - What a run of this task in check mode returned as RV(planned). That plan is written as it was made, with its
        keys and certificates, instead of a new one, so what was checked in between is what lands. It is refused when
        the directory no longer holds what the plan was made from.
      - A secret (it holds the new keys).
    type: dict
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - temporalops.temporal.attributes.CONTROLLER_ACTION
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written; the result holds what would be issued.
  diff_mode:
    support: none
notes:
  - It needs the Python library C(cryptography) on the controller, which ansible-core requires.
'''

EXAMPLES = r'''
- name: Issue the certificates of the Temporal hosts and of an operator
  temporalops.temporal.pki:
    dir: ~/.temporalops/pki/prod
    certificates:
      - name: node1
        names: [node1.example.com, 10.0.0.11]
      - name: operator
        usage: client
  run_once: true
  no_log: true
  register: temporal_pki
'''

RETURN = r'''
ca:
  description: The CA certificate (PEM).
  returned: success
  type: str
certificates:
  description: Each certificate by name.
  returned: success
  type: dict
  contains:
    cert:
      description: The certificate (PEM).
      type: str
    key:
      description: Its private key (PEM). A secret.
      type: str
    serial:
      description: Its serial number, in hexadecimal as C(openssl x509 -serial) prints it.
      type: str
    not_after:
      description: When it expires (ISO 8601, UTC).
      type: str
issued:
  description: What was issued in this run, by name (V(ca) for the CA), with the reason.
  returned: success
  type: dict
  sample: {node1: it expires on 2027-01-02 10:00 UTC, within 30 days}
dir:
  description: The directory that keeps them.
  returned: success
  type: str
planned:
  description: What a run would write, for O(planned) of a later run. A secret (it holds the new keys).
  returned: in check mode
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule

ARGUMENT_SPEC = dict(
    dir=dict(type='path', required=True),
    certificates=dict(type='list', elements='dict', required=True, options=dict(
        name=dict(type='str', required=True),
        names=dict(type='list', elements='str', default=[]),
        usage=dict(type='str', default='node', choices=['node', 'server', 'client']),
    )),
    ca_common_name=dict(type='str', default='temporalops CA'),
    ca_days=dict(type='int', default=3650),
    days=dict(type='int', default=365),
    renew_before_days=dict(type='int', default=30),
    planned=dict(type='dict', no_log=True),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg='temporalops.temporal.pki runs on the controller (an action plugin): it cannot run as a module.')


if __name__ == '__main__':
    main()
