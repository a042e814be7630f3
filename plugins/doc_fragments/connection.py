# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # How every module reaches the Temporal frontend through the temporal CLI.
    DOCUMENTATION = r'''
options:
  address:
    description:
      - Temporal frontend gRPC endpoint, C(host:port).
      - Falls back to the E(TEMPORAL_ADDRESS) environment variable.
    type: str
    default: localhost:7233
  namespace:
    description:
      - Temporal namespace the command works in.
      - Falls back to the E(TEMPORAL_NAMESPACE) environment variable.
    type: str
    default: default
  api_key:
    description:
      - API key sent with every request.
      - Passed to the CLI in its environment (E(TEMPORAL_API_KEY)), never on its command line.
      - Falls back to the E(TEMPORAL_API_KEY) environment variable.
      - With an API key the CLI turns TLS on unless O(tls=false).
    type: str
  tls:
    description:
      - Use TLS. When unset, the CLI decides (on when an API key or any TLS file is given).
      - Falls back to the E(TEMPORAL_TLS) environment variable.
    type: bool
  tls_cert_path:
    description:
      - Client certificate (PEM) for mTLS. Falls back to E(TEMPORAL_TLS_CERT).
    type: path
  tls_key_path:
    description:
      - Client private key (PEM) for mTLS. Falls back to E(TEMPORAL_TLS_KEY).
    type: path
  tls_ca_path:
    description:
      - CA certificate (PEM) to verify the server with. Falls back to E(TEMPORAL_TLS_CA).
    type: path
  tls_cert_data:
    description:
      - The client certificate itself (PEM text), instead of O(tls_cert_path).
      - Passed to the CLI in its environment (E(TEMPORAL_TLS_CERT_DATA)).
    type: str
  tls_key_data:
    description:
      - The client private key itself (PEM text), instead of O(tls_key_path). A secret.
      - Passed to the CLI in its environment (E(TEMPORAL_TLS_KEY_DATA)), never on its command line.
    type: str
  tls_ca_data:
    description:
      - The CA certificate itself (PEM text), instead of O(tls_ca_path).
      - Written to a file in the module's temporary directory, removed when the module ends, and passed as
        C(--tls-ca-path) (CLI 1.5.1 refuses CA data).
    type: str
  tls_server_name:
    description:
      - Server name to verify the server certificate against. Falls back to E(TEMPORAL_TLS_SERVER_NAME).
    type: str
  tls_disable_host_verification:
    description:
      - Do not verify the server host name. Falls back to E(TEMPORAL_TLS_DISABLE_HOST_VERIFICATION).
    type: bool
    default: false
  grpc_meta:
    description:
      - Extra gRPC headers, name to value.
      - Passed to the CLI in its environment (E(TEMPORAL_GRPC_META_<NAME>)), never on its command line,
        so they may carry credentials. Names hold letters, digits and dashes.
    type: dict
    default: {}
  command_timeout:
    description:
      - Time limit for each CLI call, in seconds or as a duration such as V(30s) or V(2m).
    type: str
    default: 30s
  retry_timeout:
    description:
      - How long a call that failed as a moving cluster fails is repeated before the task fails with its last
        error, in seconds or as a duration such as V(1m). V(0) fails at once.
      - Repeated are C(Unavailable) (a node restarting, a balancer moving the connection, a refused connection) and
        C(ResourceExhausted) (a rate limit; the server did nothing). The pauses double from half a second, up to 5
        seconds.
    type: str
    default: 30s
  cli_path:
    description:
      - Path of the C(temporal) binary. By default it is looked up on E(PATH) and in C(/usr/local/bin).
      - The role C(temporalops.temporal.temporal_cli) is one way to install it.
    type: path
requirements:
  - The C(temporal) CLI (1.5.0 or later) on the host that runs the module.
notes:
  - The module's options are the only source of the connection. The CLI is run with C(--disable-config-file), so an
    envconfig profile of the user the module runs as (such as root's profile that the temporal_server role writes)
    does not mix in.
  - Set connection options once for a play with
    C(module_defaults) and the group C(group/temporalops.temporal.temporal).
  - A call the server refuses as rate limited (C(ResourceExhausted), such as a burst of namespace creations on a
    dev server) did nothing, and is repeated after 1, 2, 4 and 8 seconds before the module fails.
'''
