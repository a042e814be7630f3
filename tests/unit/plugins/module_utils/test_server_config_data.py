# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The server configuration of a unit as data (module_utils server_config, filter server_config): its
keys in the order of the file, the types of its values, settings given as strings by -e, and the deep
merge of temporal_server_config_overrides as Ansible's combine(recursive=True) does it.
tests/unit/test_server_config.py checks the written file, byte for byte, against the former template."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.filter.server import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils.server_config import merge, server_config, tls_names

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'temporal_server')
S = 'temporal_server_'
UNIT = {'name': 'temporal-server', 'services': ['frontend', 'history', 'matching', 'worker'], 'metrics_port': 9090,
        'config': '/etc/temporal/temporal-server.yaml'}
DYNAMIC = '/etc/temporal/dynamicconfig/temporal-server.yaml'


def _load(name):
    with open(os.path.join(ROLE, name)) as handle:
        return yaml.safe_load(handle)


# The settings the role hands the filter (vars/main.yml), with the role's defaults.
NAMES = list(_load('vars/main.yml')['__temporal_server_config_settings'])
DEFAULTS = dict(_load('defaults/main.yml'), temporal_server_sqlite_file='/var/lib/temporal/temporal.db',
                temporal_server_sqlite_visibility_file='/var/lib/temporal/temporal_visibility.db',
                temporal_server_archival_dir='/var/lib/temporal/archival')


def settings(**overrides):
    given = dict((name, copy.deepcopy(DEFAULTS[name])) for name in NAMES)
    given.update((S + name, value) for name, value in overrides.items())
    return given


def config(unit=None, **overrides):
    return server_config(settings(**overrides), unit or UNIT, DYNAMIC)


def keys(value):
    """The keys of VALUE, nested, in order: what to_nice_yaml(sort_keys=False) writes."""
    if isinstance(value, dict):
        return [(key, keys(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [keys(item) for item in value]
    return type(value).__name__


def test_the_keys_come_in_the_order_of_the_file():
    cfg = config()
    assert list(cfg) == ['log', 'persistence', 'global', 'services', 'clusterMetadata', 'dcRedirectionPolicy', 'archival',
                         'namespaceDefaults', 'dynamicConfigClient']
    assert list(cfg['log']) == ['stdout', 'level', 'format']
    assert list(cfg['persistence']) == ['defaultStore', 'visibilityStore', 'numHistoryShards', 'datastores']
    assert list(cfg['persistence']['datastores']) == ['default', 'visibility']
    assert list(cfg['persistence']['datastores']['default']['sql']) == [
        'pluginName', 'databaseName', 'connectAddr', 'connectProtocol', 'user', 'password', 'maxConns', 'maxIdleConns',
        'maxConnLifetime']
    assert list(cfg['services']) == ['frontend', 'history', 'matching', 'worker']
    assert list(cfg['services']['frontend']['rpc']) == ['grpcPort', 'membershipPort', 'httpPort', 'bindOnIP']
    assert list(cfg['services']['history']['rpc']) == ['grpcPort', 'membershipPort', 'bindOnIP']
    assert list(cfg['clusterMetadata']) == ['enableGlobalNamespace', 'failoverVersionIncrement', 'masterClusterName',
                                            'currentClusterName', 'clusterInformation']
    assert list(cfg['clusterMetadata']['clusterInformation']['active']) == ['enabled', 'initialFailoverVersion', 'rpcAddress',
                                                                            'httpAddress']
    cfg = config(db_tls_enabled=True, db_tls_ca_file='/ca', db_tls_server_name='db', db_connect_attributes={'b': 1, 'a': 2},
                 log_to_file=True, archival=True)
    sql = cfg['persistence']['datastores']['visibility']['sql']
    assert list(sql)[-3:] == ['maxConnLifetime', 'connectAttributes', 'tls']
    assert list(sql['connectAttributes']) == ['b', 'a']
    assert list(sql['tls']) == ['enabled', 'enableHostVerification', 'caFile', 'serverName']
    assert list(cfg['log']) == ['stdout', 'level', 'format', 'outputFile']
    assert list(cfg['archival']['history']) == ['state', 'enableRead', 'provider']
    assert list(cfg['namespaceDefaults']['archival']['visibility']) == ['state', 'URI']


def test_the_values_have_the_types_of_the_file():
    cfg = config(sqlite_file='/var/lib/temporal/t.db')
    assert keys(cfg['services']['frontend']) == [('rpc', [('grpcPort', 'int'), ('membershipPort', 'int'), ('httpPort', 'int'),
                                                          ('bindOnIP', 'str')])]
    sql = cfg['persistence']['datastores']['default']['sql']
    assert (sql['maxConns'], sql['maxIdleConns'], sql['maxConnLifetime']) == (20, 20, '1h')
    assert sql['password'] == '__TEMPORALOPS_ENV_TEMPORAL_DB_PASSWORD__'
    assert cfg['persistence']['numHistoryShards'] == 512
    assert cfg['log']['stdout'] is True and cfg['archival']['history']['enableRead'] is False
    assert cfg['clusterMetadata']['enableGlobalNamespace'] is False
    assert cfg['clusterMetadata']['failoverVersionIncrement'] == 10
    assert cfg['global']['metrics']['prometheus']['listenAddress'] == '127.0.0.1:9090'
    sqlite = config(db_plugin='sqlite', db_connect_attributes={'busy_timeout': 5000, 'setup': False, 'x': None})
    attributes = sqlite['persistence']['datastores']['default']['sql']['connectAttributes']
    assert attributes == {'setup': 'false', 'journal_mode': 'wal', 'synchronous': '2', 'busy_timeout': '5000', 'x': 'None'}
    assert list(attributes) == ['setup', 'journal_mode', 'synchronous', 'busy_timeout', 'x']
    assert config(archival=True)['archival']['visibility']['provider'] == {'filestore': {'fileMode': '0640', 'dirMode': '0750'}}


def test_settings_given_as_strings_by_extra_vars():
    """-e name=value gives every value as a string: 'false' and '0' must not count as set."""
    typed = config(archival=False, log_to_file=False, db_tls_enabled=False, visibility_db_port=0)
    as_strings = config(archival='false', log_to_file='False', db_tls_enabled='no', visibility_db_port='0',
                        db_tls_ca_file='', db_port='5432', num_history_shards='512', db_max_conns='20',
                        frontend_grpc_port='7233', frontend_http_port='7243', history_grpc_port='7234')
    assert as_strings == typed
    assert keys(as_strings) == keys(typed)
    on = config(archival='true', log_to_file='yes', db_tls_enabled='true', db_tls_verify_host='false')
    assert on['archival']['history']['state'] == 'enabled'
    assert on['log']['outputFile'] == '/var/log/temporal/temporal-server.log' and on['log']['stdout'] is False
    assert on['persistence']['datastores']['default']['sql']['tls'] == {'enabled': True, 'enableHostVerification': False}
    assert config(visibility_db_port='6432')['persistence']['datastores']['visibility']['sql']['connectAddr'] == '127.0.0.1:6432'
    assert config(unit=dict(UNIT, metrics_port='0'))['global'] == {'membership': {'maxJoinDuration': '30s'}}


def test_a_boolean_that_is_not_one_is_named():
    with pytest.raises(ValueError, match="^temporal_server_archival must be true or false, not 'sometimes'.$"):
        config(archival='sometimes')
    with pytest.raises(AnsibleFilterError, match='temporal_server_log_to_file must be true or false'):
        FilterModule().filters()['server_config'](settings(log_to_file='maybe'), UNIT, DYNAMIC)


class Recording(dict):
    """Settings that note which of them were read."""

    def __init__(self, *args, **kwargs):
        super(Recording, self).__init__(*args, **kwargs)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super(Recording, self).__getitem__(key)


CERT = '-----BEGIN CERTIFICATE-----\n(the certificate says only that TLS is on)\n-----END CERTIFICATE-----\n'


def test_tls_is_off_without_a_certificate():
    assert 'tls' not in server_config(settings(), UNIT, DYNAMIC)['global']


def test_a_certificate_turns_on_mutual_tls_between_nodes_and_tls_with_client_certificates_at_the_frontend():
    tls = server_config(settings(tls_cert=CERT, config_dir='/etc/temporal'), UNIT, DYNAMIC)['global']['tls']
    files = {'certFile': '/etc/temporal/tls/node.pem', 'keyFile': '/etc/temporal/tls/node-key.pem'}
    client = {'serverName': 'temporal-internode', 'rootCaFiles': ['/etc/temporal/tls/ca.pem']}
    server = dict(files, clientCaFiles=['/etc/temporal/tls/ca.pem'], requireClientAuth=True)
    assert tls == {
        'internode': {'server': server, 'client': client},
        'frontend': {'server': server, 'client': client},
        'systemWorker': dict(files, client=client),
        'refreshInterval': '1m',
        'expirationChecks': {'warningWindow': '720h', 'errorWindow': '168h', 'checkInterval': '1h'},
    }


def test_the_frontend_may_take_clients_without_a_certificate_the_nodes_never_do():
    tls = server_config(settings(tls_cert=CERT, tls_frontend_client_auth='false'), UNIT, DYNAMIC)['global']['tls']
    assert tls['frontend']['server']['requireClientAuth'] is False
    assert tls['internode']['server']['requireClientAuth'] is True


def test_a_node_certificate_carries_every_name_the_node_is_reached_by():
    assert tls_names('temporal-internode', '[::1]', '10.0.0.11', '10.0.0.5:7233', ['node1.example', '10.0.0.11']) == [
        'temporal-internode', '::1', '10.0.0.11', '10.0.0.5', 'node1.example']
    assert tls_names('temporal-internode', '127.0.0.1', '', 'dns:///temporal.example:7233', []) == [
        'temporal-internode', '127.0.0.1', 'temporal.example']


def test_the_role_passes_the_settings_it_reads_and_no_password():
    read = set()
    for given in (settings(db_tls_enabled=True, archival=True, log_to_file=True, broadcast_address='10.0.0.1',
                           services=['frontend', 'internal-frontend'], tls_cert=CERT, jwt_key_source_uris=['https://idp.example/jwks.json'],
                           jwt_audience='temporal'), settings(db_plugin='sqlite')):
        recording = Recording(given)
        server_config(recording, UNIT, DYNAMIC)
        read |= recording.read
    assert sorted(read) == sorted(NAMES)
    assert not [name for name in NAMES if 'password' in name]
    given = settings()
    del given[S + 'metrics_ip']
    with pytest.raises(AnsibleFilterError, match='the settings lack'):
        FilterModule().filters()['server_config'](given, UNIT, DYNAMIC)


def test_overrides_merge_deep_and_replace_lists():
    cfg = config(config_overrides={
        'global': {'membership': {'maxJoinDuration': '60s'}, 'tls': {'frontend': {'client': {'rootCaFiles': ['/b']}}}},
        'services': {'history': {'rpc': {'grpcPort': 9234}}, 'worker': 'gone'},
        'publicClient': {'hostPort': 'x:7233'}, 'archival': None})
    assert cfg['global']['membership'] == {'maxJoinDuration': '60s'}
    assert cfg['global']['tls'] == {'frontend': {'client': {'rootCaFiles': ['/b']}}}
    assert cfg['services']['history']['rpc'] == {'grpcPort': 9234, 'membershipPort': 6934, 'bindOnIP': '127.0.0.1'}
    assert cfg['services']['worker'] == 'gone' and cfg['archival'] is None
    assert list(cfg)[-1] == 'publicClient'
    assert merge({'a': [1, 2], 'b': {'c': 1}}, {'a': [3], 'b': {'d': 2}}, recursive=True) == {'a': [3], 'b': {'c': 1, 'd': 2}}
    assert merge({'b': {'c': 1}}, {'b': {'d': 2}}) == {'b': {'d': 2}}
    assert config(config_overrides=None) == config()


def test_overrides_equal_to_a_section_take_its_order_as_combine_does():
    cfg = config(config_overrides={'log': {'format': 'json', 'level': 'info', 'stdout': True}})
    assert list(cfg['log']) == ['format', 'level', 'stdout']
    assert list(merge({'a': 1, 'b': 2}, {'b': 2, 'a': 1})) == ['b', 'a']
    assert list(merge({'a': 1, 'b': 2}, {'b': 3, 'a': 1})) == ['a', 'b']


def test_the_data_is_plain_and_shares_nothing():
    overrides = {'global': {'pprof': {'port': 7936}}, 'x': ({'when': datetime.date(2024, 1, 2)}, 1.5), 'y': {1: 'a', None: 'b', 2.5: 'c', False: 'd'}}
    cfg = config(archival=True, config_overrides=overrides, cluster_name=7)
    assert cfg['x'] == [{'when': '2024-01-02'}, 1.5]
    assert cfg['y'] == {'1': 'a', 'null': 'b', '2.5': 'c', 'false': 'd'}  # keys as the template's to_json wrote them
    assert cfg['clusterMetadata']['masterClusterName'] == 7 and list(cfg['clusterMetadata']['clusterInformation']) == ['7']
    assert cfg['archival']['history'] == cfg['archival']['visibility']
    assert cfg['archival']['history'] is not cfg['archival']['visibility']
    cfg['global']['pprof']['port'] = 1
    assert overrides['global']['pprof']['port'] == 7936
    sqlite = config(db_plugin='sqlite')['persistence']['datastores']
    assert sqlite['default']['sql']['connectAttributes'] is not sqlite['visibility']['sql']['connectAttributes']
