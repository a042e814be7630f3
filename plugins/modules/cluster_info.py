#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cluster_info
short_description: Health, version and capabilities of a Temporal service
version_added: 0.1.0
description:
  - Asks the Temporal frontend whether it is serving, and which server version and capabilities it has.
  - With O(cluster_details), also how the cluster is set up (its name, id and history shard count).
  - Can wait until the service is serving, for example right after it was (re)started.
author:
  - temporalops maintainers (@temporalops)
options:
  wait_for:
    description:
      - Wait until the service reports V(SERVING), for at most O(wait_timeout).
      - Without it, a service that cannot be reached makes the module fail at once.
    type: bool
    default: false
  wait_timeout:
    description:
      - How long O(wait_for) waits, in seconds or as a duration such as V(2m).
    type: str
    default: 60s
  cluster_details:
    description:
      - Also read the cluster's name, id and history shard count (C(temporal operator cluster describe)).
      - With an authorizer, that call needs a system reader's credentials, which the health check does not.
    type: bool
    default: false
  membership:
    description:
      - Also read the membership ring of each service as this frontend sees it (RV(rings)), with C(tdbg membership
        list-gossip) (O(tdbg_path)).
    type: bool
    default: false
  wait_for_members:
    description:
      - "Service name to the hosts (broadcast addresses) its ring must hold, such as V({history: [10.0.0.1, 10.0.0.2]})."
      - The module waits until every ring holds its hosts, for at most O(wait_timeout), then fails naming the rings that
        lack a host. This is how a restarted node is known to have rejoined the cluster.
      - Implies O(membership).
    type: dict
  tdbg_path:
    description:
      - Path of C(tdbg), Temporal's admin tool, which comes with the server release. Needed by O(membership) and
        O(wait_for_members).
    type: path
extends_documentation_fragment:
  - temporalops.temporal.connection
  - temporalops.temporal.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Wait for the frontend after a restart
  temporalops.temporal.cluster_info:
    address: 127.0.0.1:7233
    wait_for: true
    wait_timeout: 2m

- name: Read the server version
  temporalops.temporal.cluster_info:
    address: 127.0.0.1:7233
  register: cluster

- name: Show it
  ansible.builtin.debug:
    msg: "Temporal {{ cluster.server_version }} is {{ cluster.status }}"

- name: Read how many history shards the cluster has
  temporalops.temporal.cluster_info:
    address: 127.0.0.1:7233
    cluster_details: true
  register: cluster

- name: Show them
  ansible.builtin.debug:
    msg: "{{ cluster.history_shard_count }} history shards"

- name: Wait until a restarted node is back in every ring
  temporalops.temporal.cluster_info:
    address: 10.0.0.2:7233
    tdbg_path: /opt/temporal/server/1.31.2/tdbg
    wait_for: true
    wait_for_members:
      frontend: [10.0.0.1, 10.0.0.2, 10.0.0.3]
      history: [10.0.0.1, 10.0.0.2, 10.0.0.3]
'''

RETURN = r'''
status:
  description: Health of the frontend as reported by the server.
  returned: success
  type: str
  sample: SERVING
server_version:
  description: Version of the Temporal server.
  returned: success
  type: str
  sample: 1.29.1
capabilities:
  description: Capabilities the server announces, name to flag.
  returned: success
  type: dict
  sample: {"supportsSchedules": true, "nexus": true}
cluster_name:
  description: Name of the cluster (C(clusterMetadata.currentClusterName) in the server's configuration).
  returned: with O(cluster_details)
  type: str
  sample: active
cluster_id:
  description: Id the cluster got when its database was first set up.
  returned: with O(cluster_details)
  type: str
history_shard_count:
  description:
    - Number of history shards the cluster's database was initialised with.
    - It never changes for a database; a server configured with another count keeps this one.
  returned: with O(cluster_details), when the server reports it
  type: int
  sample: 512
rings:
  description: Service name to the hosts in its membership ring, as this frontend sees it.
  returned: with O(membership) or O(wait_for_members)
  type: dict
  sample: {"frontend": ["10.0.0.1", "10.0.0.2"], "history": ["10.0.0.1", "10.0.0.2"]}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.cli import TemporalCLI, connection_argument_spec
from ansible_collections.temporalops.temporal.plugins.module_utils.membership import Tdbg, describe_missing, missing_members

# Each probe while waiting gets this long, so one hung connection attempt cannot use up the wait.
PROBE_TIMEOUT = 5


def wait_until_serving(module, cli):
    timeout = cli.duration_param('wait_timeout')
    probe = TemporalCLI(module, fail_on_error=False)
    probe.timeout = min(PROBE_TIMEOUT, cli.timeout)
    serving = cli.poll(lambda: (probe.run(['operator', 'cluster', 'health']) or {}).get('status') == 'SERVING',
                       timeout)
    if not serving:
        module.fail_json(msg='Temporal at %s did not report SERVING within %ss: %s' % (
            module.params['address'], timeout, probe.last_error or 'not serving'))
    return 'SERVING'


def read_rings(module, cli, timeout):
    """The rings as this frontend sees them; with wait_for_members, once they hold the hosts asked for."""
    wanted = dict((service, ['%s' % host for host in hosts or []])
                  for service, hosts in (module.params['wait_for_members'] or {}).items())
    if not module.params['tdbg_path']:
        module.fail_json(msg='membership and wait_for_members need tdbg_path (%s).' % Tdbg.install_hint)
    tdbg = Tdbg(module, PROBE_TIMEOUT)
    seen = {'rings': None, 'why': 'not asked yet'}

    def joined():
        rings, error = tdbg.rings()
        if rings is None:
            seen['why'] = error
            return False
        seen['rings'] = rings
        missing = missing_members(rings, wanted)
        seen['why'] = describe_missing(missing)
        return not missing

    if not cli.poll(joined, timeout if wanted else 0):
        module.fail_json(msg='The membership rings seen from %s do not hold every node%s: %s' % (
            module.params['address'], ' after %ss' % timeout if wanted else '', seen['why']), rings=seen['rings'] or {})
    return seen['rings']


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            wait_for=dict(type='bool', default=False),
            wait_timeout=dict(type='str', default='60s'),
            cluster_details=dict(type='bool', default=False),
            membership=dict(type='bool', default=False),
            wait_for_members=dict(type='dict'),
            tdbg_path=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    cli = TemporalCLI(module)
    if module.params['wait_for']:
        status = wait_until_serving(module, cli)
    else:
        status = cli.run(['operator', 'cluster', 'health']).get('status')
    system = cli.run(['operator', 'cluster', 'system'])
    result = dict(changed=False, status=status, server_version=system.get('serverVersion'),
                  capabilities=system.get('capabilities', {}))
    if module.params['cluster_details']:
        described = cli.run(['operator', 'cluster', 'describe'])
        result.update(cluster_name=described.get('clusterName', ''), cluster_id=described.get('clusterId', ''))
        # Left out, not 0, when the server does not say: 0 would read as a shard count.
        if described.get('historyShardCount'):
            result['history_shard_count'] = int(described['historyShardCount'])
    if module.params['membership'] or module.params['wait_for_members']:
        result['rings'] = read_rings(module, cli, cli.duration_param('wait_timeout'))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
