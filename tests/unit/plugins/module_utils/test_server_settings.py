# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The temporal_server role's setting checks (server_rules.setting_problems, the task "Check the
server settings" of tasks/validate.yml) with the role's defaults: every message word for word, as
the role printed it when the checks were a Jinja loop."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.filter.server import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils import server_plan
from ansible_collections.temporalops.temporal.plugins.module_utils.server_rules import setting_problems

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'temporal_server')
S = 'temporal_server_'


def _load(name):
    with open(os.path.join(ROLE, name)) as handle:
        return yaml.safe_load(handle)


DEFAULTS = dict(_load('defaults/main.yml'), temporal_server_sqlite_file='/var/lib/temporal/temporal.db',
                temporal_server_sqlite_visibility_file='/var/lib/temporal/temporal_visibility.db',
                temporal_server_archival_dir='/var/lib/temporal/archival')
# The settings the role hands the filter, by name (the task's __ts_settings).
NAMES = list([task for task in _load('tasks/validate.yml') if task['name'] == 'Check the server settings'][0]['vars']['__ts_settings'])
# The merged server configuration of the defaults, the parts the checks read (tasks/config_facts.yml).
CONFIG = {
    'persistence': {'numHistoryShards': 512, 'defaultStore': 'default', 'visibilityStore': 'visibility',
                    'datastores': {'default': {'sql': {'pluginName': 'postgres12'}},
                                   'visibility': {'sql': {'pluginName': 'postgres12'}}}},
    'archival': {'history': {'state': 'disabled'}, 'visibility': {'state': 'disabled'}},
    'namespaceDefaults': {'archival': {'history': {'state': 'disabled'}, 'visibility': {'state': 'disabled'}}},
}
PLUGINS_MESSAGE = ('The datastores of persistence.defaultStore and visibilityStore must be sql stores with pluginName one of'
                   ' postgres12, postgres12_pgx, sqlite (after temporal_server_config_overrides); got ')


def settings(**overrides):
    merged = dict(DEFAULTS, **overrides)
    return dict((name, merged[name]) for name in NAMES)


def config(**changes):
    """CONFIG with CHANGES, {dotted.path: value}."""
    found = copy.deepcopy(CONFIG)
    for path, value in changes.items():
        parent = found
        for key in path.split('.')[:-1]:
            parent = parent.setdefault(key, {})
        parent[path.split('.')[-1]] = value
    return found


def problems(cfg=None, **overrides):
    """The problems of the role's defaults with OVERRIDES (and CFG, the merged config)."""
    given = settings(**overrides)
    units = server_plan.units(given[S + 'services'], given[S + 'unit_per_service'], given[S + 'service_name'],
                              given[S + 'config_dir'], given[S + 'metrics_port'], given[S + 'metrics_split_ports'])
    return setting_problems(given, CONFIG if cfg is None else cfg, units)


def test_the_defaults_have_no_problems():
    assert problems() == []
    assert problems(cfg={'persistence': CONFIG['persistence']}) == []


ALL_SERVICES = ['frontend', 'history', 'matching', 'worker', 'internal-frontend']

# One case per check, in the role's order: the overrides (and merged config) and the whole message.
RULES = [
    pytest.param({S + 'version': '1.29.3'}, None,
                 'temporal_server_version 1.29.3 is older than 1.30.0, the first release with `temporal-server --config-file`;'
                 ' install 1.30.0 or later.', id='version'),
    pytest.param({S + 'upgrade_path': ['1.31', '1.29.0', {'version': '1.31.0', 'x': 1}]}, None,
                 'temporal_server_upgrade_path lists the releases between the running one and temporal_server_version, oldest'
                 ' first, each a version or {version, checksum, archive_path}: item 0 "1.31" is not a release version such as'
                 ' 1.31.2; 1.29.0 is older than 1.30.0; item 2 has unknown keys x.', id='upgrade-path'),
    # The trailing space is what the Jinja message rendered (a folded line before {% else %}).
    pytest.param({S + 'db_plugin': 'postgres'}, None,
                 "temporal_server_db_plugin 'postgres' was removed in Temporal 1.24: use postgres12 (lib/pq driver) or"
                 " postgres12_pgx (pgx driver); the database and schema stay the same. ", id='removed-postgres-plugin'),
    pytest.param({S + 'db_plugin': 'cassandra'}, None,
                 "temporal_server_db_plugin 'cassandra' is not supported by this role; use one of postgres12, postgres12_pgx,"
                 " sqlite.", id='unknown-plugin'),
    pytest.param({S + 'num_history_shards': 0}, config(**{'persistence.numHistoryShards': 0}),
                 'temporal_server_num_history_shards must be a positive number of shards (got 0); it is fixed forever once the'
                 ' database is first used.', id='zero-shards'),
    pytest.param({S + 'services': ['frontend', 'gateway']}, None,
                 "temporal_server_services ['frontend', 'gateway'] must list each service once, from frontend, history,"
                 " matching, worker, internal-frontend (unknown: gateway).", id='unknown-service'),
    pytest.param({S + 'services': ['frontend', 'frontend']}, None,
                 "temporal_server_services ['frontend', 'frontend'] must list each service once, from frontend, history,"
                 " matching, worker, internal-frontend.", id='service-twice'),
    pytest.param({S + 'unit_per_service': True, S + 'metrics_split_ports': {'frontend': 9091}}, None,
                 'temporal_server_metrics_split_ports needs a port for every service of temporal_server_services'
                 ' (one metrics listener per unit); missing: history, matching, worker.', id='metrics-split-ports'),
    pytest.param({S + 'frontend_grpc_port': 70000, S + 'history_grpc_port': 0}, None,
                 "Ports must be between 1 and 65535: {'temporal_server_history_grpc_port': 0,"
                 " 'temporal_server_frontend_grpc_port': 70000}.", id='port-range'),
    pytest.param({S + 'frontend_http_port': 7233}, None,
                 "Each listener needs its own port; these share one: {'temporal_server_frontend_grpc_port': 7233,"
                 " 'temporal_server_frontend_http_port': 7233}.", id='port-used-twice'),
    pytest.param({S + 'bind_on_ip': 'localhost', S + 'service_bind_on_ip': {'history': 'example', 'frontend': '10.0.0.1'},
                  S + 'insecure': True}, None,
                 "Bind addresses must be IP addresses (such as 127.0.0.1, 0.0.0.0 or ::): {'temporal_server_bind_on_ip':"
                 " 'localhost', 'temporal_server_service_bind_on_ip.history': 'example'}.", id='bind-address'),
    pytest.param({S + 'service_bind_on_ip': {'gateway': '10.0.0.1', 'history': '10.0.0.2'}, S + 'insecure': True}, None,
                 "temporal_server_service_bind_on_ip keys must be services (frontend, history, matching, worker,"
                 " internal-frontend); got ['gateway', 'history'].", id='service-bind-keys'),
    pytest.param({S + 'broadcast_address': 'host.example'}, None,
                 "temporal_server_broadcast_address 'host.example' must be an IP address (the membership ring does not"
                 " resolve names).", id='broadcast-address'),
    pytest.param({S + 'bind_on_ip': '0.0.0.0', S + 'service_bind_on_ip': {'frontend': '::'}, S + 'insecure': True}, None,
                 "Services bound to every interface ({'temporal_server_bind_on_ip': '0.0.0.0',"
                 " 'temporal_server_service_bind_on_ip.frontend': '::'}) need temporal_server_broadcast_address: this host's"
                 " IP, the address the other cluster members reach it on.", id='broadcast-address-needed'),
    pytest.param({S + 'metrics_ip': 'localhost'}, None, "temporal_server_metrics_ip 'localhost' must be an IP address.",
                 id='metrics-ip'),
    pytest.param({S + 'frontend_address': 'temporal'}, None,
                 "temporal_server_frontend_address 'temporal' must be host:port (such as temporal.example.internal:7233).",
                 id='frontend-address'),
    pytest.param({S + 'service_name': '-temporal'}, None,
                 "temporal_server_service_name '-temporal' must be a plain unit name (letters, digits, '.', '_', '-').",
                 id='service-name'),
    pytest.param({S + 'config_dir': 'etc/temporal', S + 'log_dir': '/'}, None,
                 "Directories must be absolute paths: {'temporal_server_config_dir': 'etc/temporal', 'temporal_server_log_dir':"
                 " '/'}.", id='dirs'),
    pytest.param({S + 'db_max_conn_lifetime': '1 hour'}, None,
                 "temporal_server_db_max_conn_lifetime '1 hour' must be a Go duration such as 1h or 30m.", id='conn-lifetime'),
    pytest.param({S + 'visibility_db_max_idle_conns': 0}, None,
                 'temporal_server_db_max_conns, temporal_server_db_max_idle_conns, temporal_server_visibility_db_max_conns,'
                 ' temporal_server_visibility_db_max_idle_conns and temporal_server_db_connect_timeout must be positive.',
                 id='pool-sizes'),
    pytest.param({S + 'visibility_db_password': 'a\nb'}, None,
                 'temporal_server_db_password and temporal_server_visibility_db_password must be one line (no newline or NUL).',
                 id='password-lines'),
    pytest.param({S + 'db_tls_enabled': True, S + 'db_tls_cert_file': '/etc/temporal/client.pem'}, None,
                 'temporal_server_db_tls_cert_file and temporal_server_db_tls_key_file go together (a client certificate'
                 ' and its key), or neither.', id='tls-pair'),
    pytest.param({S + 'db_tls_ca_file': '/etc/temporal/ca.pem'}, None,
                 'temporal_server_db_tls_* files or server name are set but temporal_server_db_tls_enabled is false:'
                 ' set it to true, or clear them.', id='tls-off'),
    pytest.param({S + 'db_tls_ca': 'PEM', S + 'db_tls_ca_file': '/etc/temporal/ca.pem'}, None,
                 'temporal_server_db_tls_ca and temporal_server_db_tls_ca_file both give the CA that verifies the database:'
                 ' set one of them.', id='db-ca-twice'),
    pytest.param({S + 'tls_cert': 'CERT', S + 'tls_key': 'given'}, None,
                 'temporal_server_tls_ca, temporal_server_tls_cert and temporal_server_tls_key go together (TLS needs the CA,'
                 ' the certificate and its key); only temporal_server_tls_cert and temporal_server_tls_key are set.',
                 id='server-tls-trio'),
    pytest.param({S + 'config_overrides': {'global': {'tls': {'frontend': {}}}}}, None,
                 'temporal_server_config_overrides must not set global.tls: give temporal_server_tls_ca, temporal_server_tls_cert'
                 ' and temporal_server_tls_key instead, so that the role writes the files and its own calls (health, namespaces,'
                 ' the shard check) use TLS too.', id='tls-overrides'),
    pytest.param({S + 'config_overrides': {'services': {'frontend': {'rpc': {'bindOnIP': '0.0.0.0', 'grpcPort': 7233}},
                                                        'history': {'rpc': {'grpcPort': 7234}}},
                                           'global': {'metrics': {'prometheus': {'listenAddress': '0.0.0.0:9090'}}}}}, None,
                 'temporal_server_config_overrides must not set services.frontend.rpc.bindOnIP,'
                 ' global.metrics.prometheus.listenAddress: give temporal_server_bind_on_ip, temporal_server_service_bind_on_ip'
                 ' and temporal_server_metrics_ip instead, which the checks of what listens beyond loopback judge.',
                 id='listener-overrides'),
    pytest.param({S + 'tls_refresh_interval': 60}, None,
                 "temporal_server_tls_refresh_interval '60' must be written as seconds, minutes or hours (30s, 1m).",
                 id='tls-refresh-interval'),
    pytest.param({S + 'bind_on_ip': '10.0.0.11', S + 'service_bind_on_ip': {'history': '127.0.0.1'}}, None,
                 "{'temporal_server_bind_on_ip': '10.0.0.11'} listen beyond loopback without TLS or authorization: anyone who"
                 ' reaches the ports could start, read and terminate any workflow. Give TLS (temporal_server_tls_ca,'
                 ' temporal_server_tls_cert and temporal_server_tls_key; the site playbook issues them from its own CA) and'
                 " authorization (temporal_server_jwt_key_source_uris: your identity provider's JWKS), or set"
                 ' temporal_server_insecure: true to serve so on purpose.', id='insecure'),
    pytest.param({S + 'jwt_key_source_uris': ['file:///etc/jwks.json', 'https://idp.example/jwks'],
                  S + 'jwt_refresh_interval': '1 minute',
                  S + 'config_overrides': {'global': {'authorization': {'permissionsRegex': '(?P<role>.*)'}}}}, None,
                 'temporal_server_jwt_key_source_uris must be http:// or https:// URLs of JWKS documents; got'
                 ' file:///etc/jwks.json. temporal_server_config_overrides must not set global.authorization when'
                 ' temporal_server_jwt_key_source_uris is given: the role writes it. temporal_server_jwt_key_source_uris needs'
                 ' TLS (temporal_server_tls_ca, temporal_server_tls_cert and temporal_server_tls_key): the internal frontend'
                 " gives the system's rights to any caller, and only the nodes' mutual TLS keeps others out."
                 " temporal_server_jwt_refresh_interval '1 minute' must be written as seconds, minutes or hours (30s, 1m).",
                 id='authorization'),
    pytest.param({S + 'db_plugin': 'sqlite', S + 'sqlite_file': '/tmp/temporal.db'},
                 config(**{'persistence.datastores.default.sql.pluginName': 'sqlite',
                           'persistence.datastores.visibility.sql.pluginName': 'sqlite'}),
                 'temporal_server_sqlite_file and temporal_server_sqlite_visibility_file must be files directly inside'
                 ' temporal_server_data_dir /var/lib/temporal (the only directory the service may write).', id='sqlite-files'),
    pytest.param({S + 'db_plugin': 'sqlite', S + 'unit_per_service': True},
                 config(**{'persistence.datastores.default.sql.pluginName': 'sqlite',
                           'persistence.datastores.visibility.sql.pluginName': 'sqlite'}),
                 'temporal_server_db_plugin sqlite keeps the database inside one process: run every service in one unit'
                 ' (temporal_server_unit_per_service: false), or use PostgreSQL.', id='sqlite-one-unit'),
    pytest.param({S + 'dynamic_config': {'1bad': 1, 'ok.key': 2, 'bad-key': 3}}, None,
                 "temporal_server_dynamic_config keys must be dotted identifiers such as frontend.enableUpdateWorkflowExecution;"
                 " got ['1bad', 'bad-key'].", id='dynamic-config-keys'),
    pytest.param({S + 'dynamic_config': {'a.b': [{'value': 1, 'constraint': {}}]}}, None,
                 'temporal_server_dynamic_config: a list of mappings is read as constrained values, each with `value` and'
                 ' optional `constraints` (namespace, namespaceID, taskQueueName, taskType, historyTaskType, shardID,'
                 ' destination, chasmTaskType); check a.b[0] keys value/constraint.', id='dynamic-config-values'),
    pytest.param({S + 'dynamic_config_poll_interval': '4s'}, None,
                 "temporal_server_dynamic_config_poll_interval '4s' must be at least 5s, written as seconds, minutes or hours"
                 " (10s, 1m).", id='poll-interval'),
    pytest.param({S + 'namespaces': [{'name': 'orders'}, {'name': 'orders', 'x': 1}]}, None,
                 "temporal_server_namespaces: each item needs a name (letters, digits, '.', '_', '-'), once, and only the keys"
                 " name, state, retention, description, owner_email, data, history_archival_state, history_archival_uri,"
                 " visibility_archival_state, visibility_archival_uri, with state present or absent; check orders (listed"
                 " twice); orders (unknown keys x).", id='namespaces'),
    pytest.param({}, config(**{'persistence.datastores.default.sql.pluginName': 'mysql8'}),
                 PLUGINS_MESSAGE + 'defaultStore default: mysql8.', id='store-plugins'),
    pytest.param({}, config(**{'archival.history.state': 'enabled'}),
                 'Archival must be all on (state enabled, a provider and a namespaceDefaults URI) or all off (state disabled,'
                 ' no enableRead, provider or URI), or the server refuses to start; check the history archival (after'
                 ' temporal_server_config_overrides).', id='archival'),
    pytest.param({S + 'services': ALL_SERVICES}, config(publicClient={'hostPort': 'temporal:7233'}),
                 'With an internal-frontend service, publicClient must stay empty (the server refuses to start otherwise).',
                 id='public-client'),
    pytest.param({S + 'health_timeout': 0}, None,
                 'temporal_server_health_timeout must be positive and temporal_server_limit_nofile 0 or more.',
                 id='health-timeout'),
    pytest.param({S + 'limit_nofile': -1}, None,
                 'temporal_server_health_timeout must be positive and temporal_server_limit_nofile 0 or more.',
                 id='limit-nofile'),
]


@pytest.mark.parametrize(('overrides', 'cfg', 'message'), RULES)
def test_each_check_word_for_word(overrides, cfg, message):
    assert problems(cfg, **overrides) == [message]


def test_the_server_runs_without_an_authorizer_only_when_none_is_given():
    from ansible_collections.temporalops.temporal.plugins.module_utils.server_rules import allow_no_auth
    given = {S + 'jwt_key_source_uris': [], S + 'config_overrides': {}}
    assert allow_no_auth(given) is True
    assert allow_no_auth(dict(given, **{S + 'jwt_key_source_uris': ['https://idp.example/jwks.json']})) is False
    assert allow_no_auth(dict(given, **{S + 'jwt_key_source_uris': ['', ' ']})) is True
    assert allow_no_auth(dict(given, **{S + 'config_overrides': {'global': {'authorization': {'authorizer': 'mine'}}}})) is False
    assert allow_no_auth(dict(given, **{S + 'config_overrides': {'global': {'authorization': {'claimMapper': 'mine'}}}})) is True
    assert allow_no_auth(dict(given, **{S + 'config_overrides': {'global': None}})) is True
    assert FilterModule().filters()['server_allow_no_auth'](given) is True


def test_a_database_ca_as_text_turns_database_tls_on():
    assert problems(**{S + 'db_tls_ca': 'PEM', S + 'db_tls_server_name': 'db.example'}) == []


def test_tls_and_authorization_or_the_insecure_setting_open_a_listener_beyond_loopback():
    exposed = {S + 'bind_on_ip': '0.0.0.0', S + 'broadcast_address': '10.0.0.11'}
    tls = {S + 'tls_ca': 'CA', S + 'tls_cert': 'CERT', S + 'tls_key': 'given'}
    jwt = {S + 'jwt_key_source_uris': ['https://idp.example/.well-known/jwks.json']}
    assert problems(**exposed)[0].startswith("{'temporal_server_bind_on_ip': '0.0.0.0'} listen beyond loopback without TLS"
                                             " or authorization")
    assert problems(**dict(exposed, **{S + 'insecure': 'true'})) == []
    assert problems(**dict(exposed, **tls)) == [
        "{'temporal_server_bind_on_ip': '0.0.0.0'} listen beyond loopback without authorization: anyone who reaches the"
        " ports could start, read and terminate any workflow. Give authorization (temporal_server_jwt_key_source_uris:"
        " your identity provider's JWKS), or set temporal_server_insecure: true to serve so on purpose."]
    assert problems(**dict(exposed, **dict(tls, **jwt))) == []
    # An authorizer of a custom build, set through the overrides, counts as authorization.
    custom = {S + 'config_overrides': {'global': {'authorization': {'authorizer': 'mine'}}}}
    assert problems(**dict(exposed, **dict(tls, **custom))) == []
    assert problems(**{S + 'bind_on_ip': '::1'}) == []
    # Loopback with a JWKS still needs the nodes' TLS: the internal frontend trusts it alone.
    assert problems(**jwt)[0].startswith('temporal_server_jwt_key_source_uris needs TLS')
    assert problems(**dict(jwt, **tls)) == []


def test_metrics_beyond_loopback_need_their_own_opt_out():
    """TLS and authorization do not reach Temporal's Prometheus listener: they do not open it."""
    secured = {S + 'bind_on_ip': '0.0.0.0', S + 'broadcast_address': '10.0.0.11', S + 'tls_ca': 'CA', S + 'tls_cert': 'CERT',
               S + 'tls_key': 'given', S + 'jwt_key_source_uris': ['https://idp.example/.well-known/jwks.json']}
    assert problems(**secured) == []
    assert problems(**dict(secured, **{S + 'metrics_ip': '0.0.0.0'})) == [
        "temporal_server_metrics_ip 0.0.0.0 serves /metrics beyond loopback in plaintext to anyone: Temporal's Prometheus"
        " listener has neither TLS nor authentication, and its series name the namespaces and task queues. Keep it on"
        " loopback and let an agent on the host carry the metrics, or set temporal_server_metrics_insecure: true on a"
        " network only your Prometheus reaches."]
    assert problems(**{S + 'metrics_ip': '10.0.0.11'})[0].startswith('temporal_server_metrics_ip 10.0.0.11 serves /metrics')
    # Its own opt-out (a string from -e counts), the server's, loopback, or metrics off.
    assert problems(**dict(secured, **{S + 'metrics_ip': '0.0.0.0', S + 'metrics_insecure': 'true'})) == []
    assert problems(**{S + 'metrics_ip': '::', S + 'bind_on_ip': '::', S + 'broadcast_address': 'fd00::5',
                       S + 'insecure': True}) == []
    assert problems(**{S + 'metrics_ip': '::1'}) == problems(**{S + 'metrics_ip': '0.0.0.0', S + 'metrics_port': '0'}) == []
    # An address that is no IP is told once, by its own check.
    assert problems(**{S + 'metrics_ip': 'localhost'}) == ["temporal_server_metrics_ip 'localhost' must be an IP address."]


def test_the_internal_frontends_http_api_beyond_loopback_needs_the_insecure_setting():
    """There the clients' certificates stand for the system: TLS and a JWKS do not make it safe."""
    secured = {S + 'bind_on_ip': '0.0.0.0', S + 'broadcast_address': '10.0.0.11', S + 'tls_ca': 'CA', S + 'tls_cert': 'CERT',
               S + 'tls_key': 'given', S + 'jwt_key_source_uris': ['https://idp.example/.well-known/jwks.json'],
               S + 'services': ALL_SERVICES}
    assert 'internal-frontend' in ALL_SERVICES and problems(**secured) == []
    assert problems(**dict(secured, **{S + 'internal_frontend_http_port': '7246'})) == [
        "temporal_server_internal_frontend_http_port 7246 opens the internal frontend's HTTP API on 0.0.0.0: it takes the"
        " clients' certificates and gives them the system's rights, whatever their token. Leave it at 0, bind the internal"
        " frontend to loopback (temporal_server_service_bind_on_ip.internal-frontend), or set temporal_server_insecure: true."]
    assert problems(**dict(secured, **{S + 'internal_frontend_http_port': 7246,
                                       S + 'service_bind_on_ip': {'internal-frontend': '127.0.0.1'}})) == []
    assert problems(**dict(secured, **{S + 'internal_frontend_http_port': 7246, S + 'insecure': 'yes'})) == []
    # Without the internal frontend the port opens nothing.
    without = dict(secured, **{S + 'internal_frontend_http_port': 7246})
    without[S + 'services'] = ALL_SERVICES[:4]
    assert problems(**without) == []


def test_every_problem_at_once_in_the_roles_order():
    found = problems(config(**{'persistence.datastores.default.sql.pluginName': 'cassandra'}),
                     temporal_server_metrics_ip='x', temporal_server_health_timeout=0, temporal_server_db_plugin='cassandra',
                     temporal_server_frontend_http_port=7233, temporal_server_version='1.29.0')
    assert found == [
        'temporal_server_version 1.29.0 is older than 1.30.0, the first release with `temporal-server --config-file`;'
        ' install 1.30.0 or later.',
        "temporal_server_db_plugin 'cassandra' is not supported by this role; use one of postgres12, postgres12_pgx, sqlite.",
        "Each listener needs its own port; these share one: {'temporal_server_frontend_grpc_port': 7233,"
        " 'temporal_server_frontend_http_port': 7233}.",
        "temporal_server_metrics_ip 'x' must be an IP address.",
        PLUGINS_MESSAGE + 'defaultStore default: cassandra.',
        'temporal_server_health_timeout must be positive and temporal_server_limit_nofile 0 or more.']


def test_the_settings_of_extra_vars_are_strings():
    """-e gives every value as a string: numbers and booleans count as what they say."""
    assert problems(temporal_server_frontend_grpc_port='7300', temporal_server_metrics_port='0',
                    temporal_server_unit_per_service='false', temporal_server_db_tls_enabled='false',
                    temporal_server_health_timeout='60', temporal_server_limit_nofile='0',
                    temporal_server_num_history_shards='4', temporal_server_db_max_conns='5') == []
    assert problems(temporal_server_db_tls_enabled='true', temporal_server_db_tls_ca_file='/etc/temporal/ca.pem') == []
    assert problems(temporal_server_frontend_http_port='7233')[0].startswith('Each listener needs its own port')
    assert problems(temporal_server_unit_per_service='true', temporal_server_metrics_split_ports={})[0].startswith(
        'temporal_server_metrics_split_ports needs a port for every service')


def test_a_boolean_that_is_not_one_is_named_once():
    found = setting_problems(settings(temporal_server_db_tls_enabled='maybe', temporal_server_db_tls_ca_file='/ca.pem'),
                             CONFIG, server_plan.units(ALL_SERVICES[:4], False, 'temporal-server', '/etc/temporal', 9090, {}))
    assert found == ["temporal_server_db_tls_enabled must be true or false, not 'maybe'."]


@pytest.mark.parametrize('overrides', [
    pytest.param({S + 'metrics_ip': '127.0.0.1\n'}, id='ip'),
    pytest.param({S + 'frontend_address': 'temporal:7233\n'}, id='host-port'),
    pytest.param({S + 'dynamic_config_poll_interval': '10s\n'}, id='poll-interval'),
    pytest.param({S + 'db_max_conn_lifetime': '1h\n'}, id='duration'),
    pytest.param({S + 'service_name': 'temporal\n'}, id='unit-name'),
])
def test_a_trailing_newline_is_not_part_of_a_good_value(overrides):
    assert len(problems(**overrides)) == 1


def test_the_filter_names_a_setting_the_role_did_not_pass():
    given = settings()
    del given[S + 'metrics_ip']
    with pytest.raises(AnsibleFilterError, match='the settings lack'):
        FilterModule().filters()['server_setting_problems'](given, CONFIG, [])
