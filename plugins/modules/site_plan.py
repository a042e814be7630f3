#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: site_plan
short_description: Work out each host's part of the site playbook from the inventory
version_added: 0.1.0
description:
  - What the playbook C(temporalops.temporal.site) derives for the host from the inventory groups C(temporal_database),
    C(temporal_balancer), C(temporal_server), C(temporal_ui) and C(temporal_worker), the hosts in the play, and each member's
    settings and gathered default IPv4 address. Worked out on the controller (an action plugin); only what the inventory
    leaves unset is returned.
  - The nodes of a cluster (several server hosts, or one behind a balancer) join and bind on their host's address. The
    balancer lists every frontend. The server role's own calls, the UIs and the workers reach the frontends through the
    balancer, else through a server host's frontend. The database admits the server hosts, which use its address, and
    listens on that address and C(localhost) only.
  - It fails, naming the host and the setting that avoids it, when the run (C(--limit)) leaves out a host whose address
    or frontend another host needs.
  - The playbook's internals; other playbooks set the roles' settings themselves.
author:
  - temporalops maintainers (@temporalops)
options: {}
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.facts
  - temporalops.temporal.attributes.CONTROLLER_ACTION
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
'''

EXAMPLES = r'''
- name: Work out this host's part of the site
  temporalops.temporal.site_plan:

- name: Take it (what the inventory leaves unset)
  ansible.builtin.set_fact:
    temporal_ui_frontend_address: "{{ __temporal_site.temporal_ui_frontend_address | default(omit) }}"
'''

RETURN = r'''
ansible_facts:
  description: This host's part of the site.
  returned: always
  type: dict
  contains:
    __temporal_site:
      description:
        - The settings the inventory leaves unset that this host gets, each under its role's variable name. Any of
          C(temporal_server_broadcast_address), C(temporal_server_bind_on_ip), C(temporal_server_frontend_address),
          C(temporal_server_db_host), C(temporal_balancer_backends), C(temporal_balancer_http_backends),
          C(temporal_balancer_listen_address), C(temporal_ui_frontend_address), C(temporal_worker_defaults),
          C(temporal_postgresql_allowed_hosts), C(temporal_postgresql_listen_addresses).
      type: dict
      sample:
        temporal_server_broadcast_address: 10.0.0.11
        temporal_server_bind_on_ip: 10.0.0.11
        temporal_server_frontend_address: 10.0.0.5:7233
        temporal_server_db_host: 10.0.0.5
tls:
  description:
    - Whether the site's own CA issues the certificate of a server host of the inventory (one that gives no
      C(temporal_server_tls_cert) and does not set C(temporal_server_insecure)). The UIs and workers that give no TLS of
      their own then get client certificates.
  returned: success
  type: bool
database_tls:
  description:
    - Whether the site's own CA also issues the certificate of the database (the first host of C(temporal_database)),
      as it does when it issues the server hosts' and the database gives no C(temporal_postgresql_tls_cert). The server
      hosts that find the database through the site then verify it with the nodes' CA.
  returned: success
  type: bool
msg:
  description: What the run leaves out that a host needs, then C(No host was changed.)
  returned: failure
  type: str
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    module.fail_json(msg='temporalops.temporal.site_plan runs on the controller (an action plugin): it cannot run as a module.')


if __name__ == '__main__':
    main()
