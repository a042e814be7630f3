"""The temporal_server role's templates: the server config (as Ansible renders it, then as the
server's own Go-template pass would; byte for byte as the former Jinja template server-config.j2
wrote it, tests/unit/golden/server_yaml), the dynamic config, the password file and the units; and
what the role works out in Python (module_utils server_config, server_plan, server_rules): the
configuration as data, the units, their ExecStart, the listeners and the input checks that need loops.

When the real server archive is in the local test mirror, the rendered configs are also loaded
by `temporal-server render-config` and the dynamic config by `validate-dynamic-config`.
"""

import glob
import inspect
import os
import pathlib
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_render import load, render_role_template, trusted

ROLE = pathlib.Path(__file__).parents[2] / "roles" / "temporal_server"


def _collection_importable():
    """In a whole run, tests/unit/plugins import the collection before ansible_render installs Ansible's
    collection loader, which then refuses further modules of a collection package it did not load
    (no metadata). Give that package the metadata the loader would have read (meta/runtime.yml)."""
    package = sys.modules.get("ansible_collections.temporalops.temporal")
    if package is not None and getattr(package, "_collection_meta", None) is None:
        package._collection_meta = load(ROLE.parents[1] / "meta" / "runtime.yml")  # pylint: disable=protected-access


_collection_importable()

# pylint: disable=wrong-import-position
from ansible_collections.temporalops.temporal.plugins.module_utils import jwks, server_cluster, server_config, server_plan, server_rules  # noqa: E402
from test_systemd_units import exec_start_argv, flag_values  # noqa: E402

# Only plain files and directories from the release archives (Python's safe filter, where it has one).
SAFE_EXTRACT = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}

SERVICES = ["frontend", "history", "matching", "worker"]
DEFAULTS = load(ROLE / "defaults" / "main.yml")
ROLE_VARS = load(ROLE / "vars" / "main.yml")


def setting(name, overrides):
    """temporal_server_NAME as OVERRIDES or the role's defaults give it."""
    return overrides.get("temporal_server_" + name, DEFAULTS["temporal_server_" + name])


def role_value(name, **overrides):
    """A variable of the role (defaults, vars) as Ansible evaluates it."""
    variables = trusted(dict(DEFAULTS, **ROLE_VARS))
    variables.update(temporal_install_root="/opt/temporal", role_path=str(ROLE))
    variables.update(overrides)
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template("{{ %s }}" % name))


def render(template, unit=0, **overrides):
    """Render a server role template for unit number UNIT of the host."""
    return render_role_template("temporal_server", template, __temporal_server_unit_item=units(**overrides)[unit], **overrides)


GO_ACTION = re.compile(r'\{\{ (?:env "([A-Z_]+)" \| toJson|"\{\{") \}\}')


def go_render(text, env=None):
    """The two Go-template actions the role writes: env references and an escaped '{{'."""
    env = env or {}

    def action(match):
        if match.group(1):
            value = env.get(match.group(1), "")
            return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')
        return "{{"
    rendered = GO_ACTION.sub(action, text)
    assert "{{" not in GO_ACTION.sub("", text), "a Go template action the role does not write"
    return rendered


def config(unit=0, **overrides):
    text = render("server.yaml.j2", unit=unit, **overrides)
    return text, yaml.safe_load(go_render(text))


def config_text(**overrides):
    """The rendered config file as text."""
    return config(**overrides)[0]


def config_parsed(**overrides):
    """The rendered config file as the server reads it (templates rendered, YAML parsed)."""
    return config(**overrides)[1]


def sql(cfg, store):
    return cfg["persistence"]["datastores"][store]["sql"]


def units(**overrides):
    """The units of the host, from the settings the role's vars pass to the server_units filter."""
    return server_plan.units(setting("services", overrides), setting("unit_per_service", overrides),
                             setting("service_name", overrides), setting("config_dir", overrides),
                             setting("metrics_port", overrides), setting("metrics_split_ports", overrides))


# --- the server config ------------------------------------------------------------------

def test_postgres_defaults():
    text, cfg = config()
    assert text.splitlines()[0] == "# enable-template"
    assert cfg["persistence"]["numHistoryShards"] == 512
    assert cfg["persistence"]["defaultStore"] == "default"
    assert cfg["persistence"]["visibilityStore"] == "visibility"
    default, visibility = sql(cfg, "default"), sql(cfg, "visibility")
    assert default["pluginName"] == visibility["pluginName"] == "postgres12"
    assert default["databaseName"] == "temporal" and visibility["databaseName"] == "temporal_visibility"
    assert default["connectAddr"] == visibility["connectAddr"] == "127.0.0.1:5432"
    assert default["connectProtocol"] == "tcp"
    assert (default["maxConns"], default["maxIdleConns"], default["maxConnLifetime"]) == (20, 20, "1h")
    assert (visibility["maxConns"], visibility["maxIdleConns"]) == (10, 10)
    assert "tls" not in default and "connectAttributes" not in default
    for service, (grpc, membership) in {"frontend": (7233, 6933), "history": (7234, 6934),
                                        "matching": (7235, 6935), "worker": (7239, 6939)}.items():
        rpc = cfg["services"][service]["rpc"]
        assert (rpc["grpcPort"], rpc["membershipPort"], rpc["bindOnIP"]) == (grpc, membership, "127.0.0.1")
    assert cfg["services"]["frontend"]["rpc"]["httpPort"] == 7243
    assert "internal-frontend" not in cfg["services"]
    assert cfg["global"]["metrics"]["prometheus"]["listenAddress"] == "127.0.0.1:9090"
    assert "broadcastAddress" not in cfg["global"]["membership"]
    cluster = cfg["clusterMetadata"]
    assert cluster["currentClusterName"] == cluster["masterClusterName"] == "active"
    assert cluster["clusterInformation"]["active"]["rpcAddress"] == "127.0.0.1:7233"
    assert cfg["dynamicConfigClient"] == {"filepath": "/etc/temporal/dynamicconfig/temporal-server.yaml",
                                          "pollInterval": "10s"}
    assert cfg["archival"]["history"] == {"state": "disabled", "enableRead": False}
    assert cfg["log"] == {"stdout": True, "level": "info", "format": "json"}
    assert "&id" not in text and "*id" not in text  # no YAML anchors


def test_passwords_are_env_references_never_values():
    text = config_text(temporal_server_db_password="s3cret-default", temporal_server_visibility_db_password="s3cret-vis")
    assert "s3cret" not in text
    assert '        password: {{ env "TEMPORAL_DB_PASSWORD" | toJson }}' in text.splitlines()
    assert '        password: {{ env "TEMPORAL_VISIBILITY_DB_PASSWORD" | toJson }}' in text.splitlines()
    cfg = yaml.safe_load(go_render(text, {"TEMPORAL_DB_PASSWORD": 'p"w\\1', "TEMPORAL_VISIBILITY_DB_PASSWORD": "v"}))
    assert sql(cfg, "default")["password"] == 'p"w\\1'
    assert sql(cfg, "visibility")["password"] == "v"


def test_visibility_store_can_live_elsewhere():
    cfg = config_parsed(temporal_server_visibility_db_host="db2.example", temporal_server_visibility_db_port=6432,
                        temporal_server_visibility_db_user="vis", temporal_server_db_plugin="postgres12_pgx")
    assert sql(cfg, "visibility")["connectAddr"] == "db2.example:6432"
    assert sql(cfg, "visibility")["user"] == "vis"
    assert sql(cfg, "default")["connectAddr"] == "127.0.0.1:5432"
    assert sql(cfg, "default")["pluginName"] == sql(cfg, "visibility")["pluginName"] == "postgres12_pgx"


def test_ipv6_hosts_are_bracketed():
    cfg = config_parsed(temporal_server_db_host="fd00::5", temporal_server_metrics_ip="::")
    assert sql(cfg, "default")["connectAddr"] == "[fd00::5]:5432"
    assert cfg["global"]["metrics"]["prometheus"]["listenAddress"] == "[::]:9090"


def test_sqlite_single_node():
    text, cfg = config(temporal_server_db_plugin="sqlite", temporal_server_num_history_shards=4)
    for store, path in (("default", "/var/lib/temporal/temporal.db"),
                        ("visibility", "/var/lib/temporal/temporal_visibility.db")):
        store_sql = sql(cfg, store)
        assert store_sql["pluginName"] == "sqlite"
        assert store_sql["databaseName"] == path
        assert store_sql["connectAttributes"] == {"setup": "true", "journal_mode": "wal", "synchronous": "2"}
        assert (store_sql["maxConns"], store_sql["maxIdleConns"]) == (1, 1)
        assert "password" not in store_sql
    assert "{{ env" not in text


def test_database_tls():
    cfg = config_parsed(temporal_server_db_tls_enabled=True, temporal_server_db_tls_ca_file="/etc/ssl/db-ca.pem",
                        temporal_server_db_tls_cert_file="/etc/temporal/db.crt",
                        temporal_server_db_tls_key_file="/etc/temporal/db.key",
                        temporal_server_db_tls_server_name="db.example",
                        temporal_server_db_connect_attributes={"application_name": "temporal", "connect_timeout": 10,
                                                               "sslinline": False})
    for store in ("default", "visibility"):
        assert sql(cfg, store)["tls"] == {"enabled": True, "enableHostVerification": True,
                                          "caFile": "/etc/ssl/db-ca.pem", "certFile": "/etc/temporal/db.crt",
                                          "keyFile": "/etc/temporal/db.key", "serverName": "db.example"}
        # a map of strings for the server
        assert sql(cfg, store)["connectAttributes"] == {"application_name": "temporal", "connect_timeout": "10",
                                                        "sslinline": "false"}
    cfg = config_parsed(temporal_server_db_tls_enabled=True, temporal_server_db_tls_verify_host=False)
    assert sql(cfg, "default")["tls"] == {"enabled": True, "enableHostVerification": False}
    # A CA given as text turns TLS on and is read from the role's TLS directory, verifying the name too.
    cfg = config_parsed(temporal_server_db_tls_ca="-----BEGIN CERTIFICATE-----\n...")
    for store in ("default", "visibility"):
        assert sql(cfg, store)["tls"] == {"enabled": True, "enableHostVerification": True, "caFile": "/etc/temporal/tls/db-ca.pem"}


def test_the_schema_steps_of_a_check_mode_preview_connect_as_the_servers_do_until_the_database_ca_is_there():
    ca = {"temporal_server_db_tls_ca": "PEM"}
    there = {"temporal_server_host": {"paths": {"/etc/temporal/tls/db-ca.pem": {"exists": True}}}}
    assert role_value("__temporal_server_db_tls_checks", ansible_check_mode=False, **ca) is True
    assert role_value("__temporal_server_db_tls_checks", ansible_check_mode=True, **ca) is False
    assert role_value("__temporal_server_db_tls_checks", ansible_check_mode=True, **dict(ca, **there)) is True
    assert role_value("__temporal_server_db_tls_checks", ansible_check_mode=True) is False
    assert role_value("__temporal_server_db_tls_checks", ansible_check_mode=True, temporal_server_db_tls_enabled=True) is True


def test_listeners_bind_and_broadcast():
    cfg = config_parsed(temporal_server_bind_on_ip="10.0.0.5", temporal_server_service_bind_on_ip={"frontend": "0.0.0.0"},
                        temporal_server_broadcast_address="10.0.0.5", temporal_server_frontend_grpc_port=8233,
                        temporal_server_services=SERVICES + ["internal-frontend"])
    assert cfg["services"]["frontend"]["rpc"]["bindOnIP"] == "0.0.0.0"
    assert cfg["services"]["history"]["rpc"]["bindOnIP"] == "10.0.0.5"
    # The internal frontend's HTTP API stays closed: it would take clients' certificates and give them the system's rights.
    assert cfg["services"]["internal-frontend"]["rpc"] == {"grpcPort": 7236, "membershipPort": 6936, "bindOnIP": "10.0.0.5"}
    assert cfg["global"]["membership"]["broadcastAddress"] == "10.0.0.5"
    assert cfg["clusterMetadata"]["clusterInformation"]["active"]["rpcAddress"] == "10.0.0.5:8233"


def test_one_unit_per_service():
    listed = units(temporal_server_unit_per_service=True)
    assert [u["name"] for u in listed] == ["temporal-server-" + s for s in SERVICES]
    assert [u["metrics_port"] for u in listed] == [9091, 9092, 9093, 9094]
    assert listed[1]["config"] == "/etc/temporal/temporal-server-history.yaml"
    assert listed[1]["services"] == ["history"]
    cfg = config_parsed(unit=1, temporal_server_unit_per_service=True, temporal_server_log_to_file=True)
    assert cfg["global"]["metrics"]["prometheus"]["listenAddress"] == "127.0.0.1:9092"
    assert cfg["log"]["outputFile"] == "/var/log/temporal/temporal-server-history.log"
    assert cfg["log"]["stdout"] is False
    assert set(cfg["services"]) == set(SERVICES)  # every member knows every service's ports
    combined = units()
    assert combined == [{"name": "temporal-server", "services": SERVICES, "metrics_port": 9090,
                         "config": "/etc/temporal/temporal-server.yaml"}]


def test_metrics_off():
    cfg = config_parsed(temporal_server_metrics_port=0)
    assert "metrics" not in cfg["global"]
    assert all(u["metrics_port"] == 0 for u in units(temporal_server_metrics_port=0, temporal_server_unit_per_service=True))


def test_escape_hatch_is_deep_merged():
    text, cfg = config(temporal_server_config_overrides={
        "persistence": {"datastores": {"default": {"sql": {"maxConns": 50}}}},
        "global": {"authorization": {"authorizer": "default", "claimMapper": "default"},
                   "metrics": {"tags": {"team": "x{{y}}z"}}},
        "services": {"frontend": {"rpc": {"httpAdditionalForwardedHeaders": ["x-tenant"]}}},
    })
    default = sql(cfg, "default")
    assert default["maxConns"] == 50
    assert default["maxIdleConns"] == 20 and default["databaseName"] == "temporal"
    assert cfg["global"]["authorization"] == {"authorizer": "default", "claimMapper": "default"}
    assert cfg["global"]["membership"]["maxJoinDuration"] == "30s"
    assert cfg["global"]["metrics"]["tags"] == {"team": "x{{y}}z"}  # '{{' survives the server's template pass
    assert cfg["services"]["frontend"]["rpc"]["grpcPort"] == 7233
    assert cfg["services"]["frontend"]["rpc"]["httpAdditionalForwardedHeaders"] == ["x-tenant"]


def test_filestore_archival():
    cfg = config_parsed(temporal_server_archival=True, temporal_server_archival_namespace_default="enabled")
    for kind in ("history", "visibility"):
        assert cfg["archival"][kind] == {"state": "enabled", "enableRead": True,
                                         "provider": {"filestore": {"fileMode": "0640", "dirMode": "0750"}}}
        assert cfg["namespaceDefaults"]["archival"][kind] == {
            "state": "enabled", "URI": "file:///var/lib/temporal/archival/" + kind}


# --- dynamic config and the password file -----------------------------------------------

def test_dynamic_config_file_format():
    text = render("dynamicconfig.yaml.j2", temporal_server_dynamic_config={
        "limit.maxIDLength": 255,
        "frontend.namespaceRPS": [{"value": 100, "constraints": {"namespace": "orders"}}, {"value": 50}],
        "system.someList": [1, 2],
    })
    assert yaml.safe_load(text) == dict(SHUTDOWN, **{
        "limit.maxIDLength": [{"value": 255}],
        "frontend.namespaceRPS": [{"value": 100, "constraints": {"namespace": "orders"}}, {"value": 50}],
        "system.someList": [{"value": [1, 2]}],
    })
    assert yaml.safe_load(render("dynamicconfig.yaml.j2")) == SHUTDOWN


# The frontend's shutdown timings the role writes unless the user's dynamic config has them.
SHUTDOWN = {"frontend.shutdownFailHealthCheckDuration": [{"value": "2s"}],
            "frontend.shutdownDrainDuration": [{"value": "5s"}]}


def test_shutdown_timings_follow_their_settings_and_yield_to_the_users_keys():
    text = render("dynamicconfig.yaml.j2", temporal_server_shutdown_drain_seconds="12",
                  temporal_server_dynamic_config={"frontend.shutdownFailHealthCheckDuration": "0s"})
    assert yaml.safe_load(text) == {"frontend.shutdownFailHealthCheckDuration": [{"value": "0s"}],
                                    "frontend.shutdownDrainDuration": [{"value": "12s"}]}


def systemd_env_value(line):
    """Parse KEY="value" as systemd's EnvironmentFile parser does (double quotes, \\ escapes)."""
    key, raw = line.split("=", 1)
    assert raw.startswith('"') and raw.endswith('"')
    return key, re.sub(r'\\(["\\`$])', r"\1", raw[1:-1])


@pytest.mark.parametrize("password", ["plain", 'qu"ote', "back\\slash", "$HOME and `cmd`", "sp ace#hash"])
def test_password_file_round_trips(password):
    lines = [line for line in render("env.j2", temporal_server_db_password=password).splitlines()
             if line and not line.startswith("#")]
    assert dict(systemd_env_value(line) for line in lines) == {
        "TEMPORAL_DB_PASSWORD": password, "TEMPORAL_VISIBILITY_DB_PASSWORD": password}


# --- the units ------------------------------------------------------------------------------

def unit(item=None, **overrides):
    """The unit file of ITEM: the role's temporal_server_unit, its ExecStart from server_plan.exec_start
    with the values the role passes to the server_exec_start filter, through the shared unit template."""
    item = item or {"name": "temporal-server", "services": SERVICES, "metrics_port": 9090,
                    "config": "/etc/temporal/temporal-server.yaml"}
    overrides.setdefault("temporal_cli_binary_path", "/opt/temporal/cli/1.5.1/temporal")
    argv = server_plan.exec_start(item, role_value("temporal_server_binary_path", **overrides),
                                  role_value("__temporal_server_allow_no_auth", **overrides))
    systemd_unit = dict(trusted(ROLE_VARS["temporal_server_unit"]), exec_start=argv)
    return render_role_template("temporal_server", "unit.service.j2", temporal_systemd_unit=systemd_unit,
                                __temporal_server_unit_item=item, **overrides)


def test_unit_runs_the_versioned_binary_with_its_config_file():
    text = unit()
    argv = exec_start_argv(text)
    assert argv[:5] == ["/opt/temporal/server/1.32.2/temporal-server", "--config-file",
                        "/etc/temporal/temporal-server.yaml", "--allow-no-auth", "start"]
    assert flag_values(argv, "--service") == SERVICES
    lines = text.splitlines()
    for line in ("User=temporal", "Group=temporal", "Restart=on-failure", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "ReadWritePaths=/var/lib/temporal", "WorkingDirectory=/var/lib/temporal",
                 "EnvironmentFile=/etc/temporal/temporal-server.env"):
        assert line in lines, line
    assert "PASSWORD" not in text


def test_unit_of_one_service():
    argv = exec_start_argv(unit({"name": "temporal-server-history", "services": ["history"], "metrics_port": 9092,
                                 "config": "/etc/temporal/temporal-server-history.yaml"}))
    assert flag_values(argv, "--config-file") == ["/etc/temporal/temporal-server-history.yaml"]
    assert flag_values(argv, "--service") == ["history"]


def test_an_authorizer_drops_allow_no_auth():
    argv = exec_start_argv(unit(temporal_server_config_overrides={"global": {"authorization": {"authorizer": "default"}}}))
    assert "--allow-no-auth" not in argv
    assert argv.index("--config-file") < argv.index("start")


JWT = {"temporal_server_jwt_key_source_uris": ["https://idp.example/jwks.json"], "temporal_server_tls_cert": "CERT"}


def test_a_jwks_turns_authorization_on():
    """The default claim mapper and authorizer, the internal frontend beside the worker, and no --allow-no-auth."""
    cfg = config_parsed(temporal_server_jwt_audience="temporal", **JWT)
    assert cfg["global"]["authorization"] == {
        "jwtKeyProvider": {"keySourceURIs": ["https://idp.example/jwks.json"], "refreshInterval": "1m"},
        "permissionsClaimName": "permissions", "authorizer": "default", "claimMapper": "default", "audience": "temporal"}
    assert cfg["services"]["internal-frontend"]["rpc"] == {"grpcPort": 7236, "membershipPort": 6936, "bindOnIP": "127.0.0.1"}
    argv = exec_start_argv(unit(role_value("__temporal_server_units", **JWT)[0], **JWT))
    assert "--allow-no-auth" not in argv
    assert flag_values(argv, "--service") == SERVICES + ["internal-frontend"]
    assert "authorization" not in config_parsed()["global"]
    assert "--allow-no-auth" in exec_start_argv(unit())


def test_with_authorization_the_roles_calls_go_to_the_internal_frontend():
    """The node's certificate stands for the system there; the public frontend (or a balancer) would want a token."""
    balancer = {"temporal_server_frontend_address": "lb.example:7233"}
    assert role_value("__temporal_server_frontend_address", **balancer) == "lb.example:7233"
    assert role_value("__temporal_server_own_frontend", **balancer) == "127.0.0.1:7233"
    assert role_value("__temporal_server_frontend_address", **dict(balancer, **JWT)) == "127.0.0.1:7236"
    assert role_value("__temporal_server_own_frontend", temporal_server_services=["history", "matching"], **JWT) == ""
    # A host without the worker runs no internal frontend of its own.
    assert role_value("__temporal_server_services", temporal_server_services=["frontend"], **JWT) == ["frontend"]
    assert role_value("__temporal_server_services", **JWT) == SERVICES + ["internal-frontend"]


@pytest.mark.parametrize(("services", "authorization", "expected"), [
    (["frontend", "history"], False, "127.0.0.1:7233"),
    (["frontend", "worker", "internal-frontend"], True, "[fd00::7]:7236"),
    # Authorization on and no internal frontend here: the public frontend would want a token.
    (["frontend", "history"], True, ""),
    (["history", "matching"], False, ""),
])
def test_the_own_frontend_is_the_internal_one_with_authorization(services, authorization, expected):
    ports = {"frontend": 7233, "internal-frontend": "7236"}
    assert server_cluster.own_frontend(services, authorization, "0.0.0.0", "fd00::7", ports) == expected
    # An internal frontend on every IPv6 interface is dialled on IPv6 loopback.
    assert server_cluster.own_frontend(["internal-frontend"], True, "0.0.0.0", "::", ports) == "[::1]:7236"


PROFILE = "/root/.config/temporalio/temporal.toml"
RECORD = "/etc/temporal/cli-profile.sha1"


def test_roots_cli_profile_dials_what_the_roles_calls_dial():
    """Root on a node runs `temporal` with no flags: the internal frontend and the node's certificate."""
    import tomllib  # pylint: disable=import-outside-toplevel
    profile = tomllib.loads(render("cli.toml.j2", **JWT))["profile"]["default"]
    assert profile == {"address": "127.0.0.1:7236", "namespace": "default", "tls": {
        "server_ca_cert_path": "/etc/temporal/tls/ca.pem", "client_cert_path": "/etc/temporal/tls/node.pem",
        "client_key_path": "/etc/temporal/tls/node-key.pem", "server_name": "temporal-internode"}}
    assert tomllib.loads(render("cli.toml.j2"))["profile"]["default"] == {"address": "127.0.0.1:7233", "namespace": "default"}


@pytest.mark.parametrize(("found", "record", "ours"), [
    ({"exists": False}, "", True),
    ({"exists": True, "checksum": "abc"}, "abc\n", True),
    ({"exists": True, "checksum": "abc"}, "def\n", False),
    ({"exists": True, "checksum": "abc"}, None, False),
], ids=["absent", "unchanged-since-written", "edited-by-hand", "someone-elses"])
def test_roots_cli_profile_is_the_roles_only_when_absent_or_as_it_wrote_it(found, record, ours):
    """The role never reads the profile (it may hold someone's API key): the checksum it recorded decides."""
    host = {"paths": {PROFILE: found}, "contents": {} if record is None else {RECORD: record}}
    assert role_value("__temporal_server_cli_profile_ours", temporal_server_host=host) is ours
    entries = role_value("__temporal_server_cli_profile_entries", temporal_server_host=host)
    assert [entry["path"] for entry in entries if entry["state"] != "directory"] == ([PROFILE, RECORD] if ours else [])


def test_unit_may_write_logs_and_archives_outside_the_data_dir():
    text = unit(temporal_server_log_to_file=True, temporal_server_archival=True, temporal_server_archival_dir="/srv/archive")
    assert "ReadWritePaths=/var/lib/temporal /var/log/temporal /srv/archive" in text.splitlines()
    text = unit(temporal_server_archival=True)
    assert "ReadWritePaths=/var/lib/temporal" in text.splitlines()


def test_new_version_changes_the_unit():
    assert "/opt/temporal/server/1.31.2/temporal-server" in unit(temporal_server_version="1.31.2")


def test_units_read_settings_given_as_strings():
    """-e passes every value as a string: 'false' and '0' must not count as set."""
    assert units(temporal_server_unit_per_service="false", temporal_server_metrics_port="9090") == units()
    listed = units(temporal_server_unit_per_service="true", temporal_server_metrics_port="0")
    assert [u["name"] for u in listed] == ["temporal-server-" + s for s in SERVICES]
    assert all(u["metrics_port"] == 0 for u in listed)
    assert units(temporal_server_metrics_port="0")[0]["metrics_port"] == 0
    with pytest.raises(ValueError, match="not a boolean"):
        units(temporal_server_unit_per_service="sometimes")


def test_a_service_without_a_split_port_gets_no_metrics():
    listed = units(temporal_server_unit_per_service=True, temporal_server_metrics_split_ports={"frontend": "9191"})
    assert [u["metrics_port"] for u in listed] == [9191, 0, 0, 0]


def test_exec_start_of_a_unit():
    item = {"name": "temporal-server-history", "services": ["history", "matching"], "metrics_port": 0,
            "config": "/etc/temporal/temporal-server-history.yaml"}
    assert server_plan.exec_start(item, "/opt/temporal/server/1.32.2/temporal-server", "False") == [
        "/opt/temporal/server/1.32.2/temporal-server", "--config-file", "/etc/temporal/temporal-server-history.yaml",
        "start", "--service", "history", "--service", "matching"]
    assert server_plan.exec_start(item, "/t", True)[:5] == ["/t", "--config-file", item["config"], "--allow-no-auth", "start"]


# --- the listeners ------------------------------------------------------------------------------

def listeners(**overrides):
    """server_ports with the role's settings (overrides or defaults), as server_rules.setting_problems calls it."""
    names = ["%s_%s_port" % (service, kind) for service in ("frontend", "history", "matching", "worker", "internal_frontend")
             for kind in ("grpc", "membership", "http") if kind != "http" or "frontend" in service]
    return server_rules.ports(setting("services", overrides), units(**overrides), setting("unit_per_service", overrides),
                              **{name: setting(name, overrides) for name in names})


def test_listeners_of_the_default_host():
    assert listeners() == {"ports": {
        "temporal_server_frontend_grpc_port": 7233, "temporal_server_frontend_membership_port": 6933,
        "temporal_server_frontend_http_port": 7243, "temporal_server_history_grpc_port": 7234,
        "temporal_server_history_membership_port": 6934, "temporal_server_matching_grpc_port": 7235,
        "temporal_server_matching_membership_port": 6935, "temporal_server_worker_grpc_port": 7239,
        "temporal_server_worker_membership_port": 6939, "temporal_server_metrics_port": 9090}, "duplicates": {}}


def test_listeners_of_split_units_and_the_internal_frontend():
    found = listeners(temporal_server_unit_per_service=True, temporal_server_services=SERVICES + ["internal-frontend"])["ports"]
    assert "temporal_server_internal_frontend_http_port" not in found  # closed
    opened = listeners(temporal_server_services=SERVICES + ["internal-frontend"], temporal_server_internal_frontend_http_port=7246)
    assert opened["ports"]["temporal_server_internal_frontend_http_port"] == 7246
    assert found["temporal_server_metrics_split_ports.internal-frontend"] == 9095
    assert "temporal_server_metrics_port" not in found
    assert "temporal_server_metrics_port" not in listeners(temporal_server_metrics_port=0)["ports"]


def test_ports_used_twice_are_named_and_strings_count_as_ports():
    found = listeners(temporal_server_history_grpc_port="7233", temporal_server_metrics_port=6939)
    assert found["ports"]["temporal_server_history_grpc_port"] == 7233
    assert found["duplicates"] == {"temporal_server_frontend_grpc_port": 7233, "temporal_server_history_grpc_port": 7233,
                                   "temporal_server_worker_membership_port": 6939, "temporal_server_metrics_port": 6939}


# --- the input checks that need loops (the role's messages quote these) --------------------------

DC_CONSTRAINTS = ["namespace", "namespaceID", "taskQueueName", "taskType", "historyTaskType", "shardID", "destination",
                  "chasmTaskType"]
NAMESPACE_KEYS = ["name", "state", "retention", "description", "owner_email", "data", "history_archival_state",
                  "history_archival_uri", "visibility_archival_state", "visibility_archival_uri"]
PLUGINS = ["postgres12", "postgres12_pgx", "sqlite"]


def problems(cfg=None, dynamic_config=None, namespaces=None):
    """server_problems of the default config (or CFG) with the role's lists (as server_rules.setting_problems calls it)."""
    return server_rules.problems(config_parsed() if cfg is None else cfg, dynamic_config or {}, namespaces or [], [],
                                 DC_CONSTRAINTS, NAMESPACE_KEYS, PLUGINS)


def test_the_default_configuration_has_no_problems():
    assert problems() == {"dynamic_config": [], "namespaces": [], "plugins": [], "archival": [], "upgrade_path": []}
    assert problems(cfg=config_parsed(temporal_server_archival=True, temporal_server_archival_namespace_default="enabled"))[
        "archival"] == []


def test_constrained_dynamic_config_values_word_for_word():
    found = problems(dynamic_config={
        "z.ok": [{"value": 1, "constraints": {"NAMESPACE": "a", "taskqueuename": "q"}}, {"value": 2}],
        "b.keys": [{"value": 1, "constraint": {"namespace": "a"}}],
        "A.unknown": [{"value": 1, "constraints": {"namespace": "a", "queue": "q"}}],
        "c.notmap": [{"value": 1}, {"value": 2, "constraints": "namespace=a"}],
        "d.plain": [1, 2], "e.mixed": [{"value": 1}, 2], "f.novalue": [{"constraints": {"x": 1}}], "g.empty": [],
    })["dynamic_config"]
    assert found == ['A.unknown[0].constraints {"namespace": "a", "queue": "q"}', "b.keys[0] keys value/constraint",
                     'c.notmap[1].constraints "namespace=a"']


def test_namespace_problems_word_for_word():
    found = problems(namespaces=[
        {"name": "orders"}, {"name": "orders", "retention": "3d"}, "billing", {"name": "-x"}, {"name": "ok", "owner": "me", "x": 1},
        {"name": "gone", "state": "deleted"}, {"name": "nul", "state": None}, {"state": "present"}])["namespaces"]
    assert found == ["orders (listed twice)", 'item 2 "billing"', 'item 3 {"name": "-x"}', "ok (unknown keys owner, x)",
                     "gone (state deleted)", "nul (state None)", 'item 7 {"state": "present"}']


def test_store_plugin_problems_word_for_word():
    cfg = config_parsed(temporal_server_config_overrides={"persistence": {"datastores": {
        "default": {"sql": {"pluginName": "mysql8"}}, "es": {"elasticsearch": {}}}, "visibilityStore": "es"}})
    assert problems(cfg=cfg)["plugins"] == ["defaultStore default: mysql8", "visibilityStore es: no sql store"]
    assert problems(cfg={})["plugins"] == ["defaultStore : no sql store", "visibilityStore : no sql store"]


@pytest.mark.parametrize(("overrides", "kinds"), [
    pytest.param({"archival": {"history": {"state": "enabled"}}}, ["history"], id="enabled-without-provider-or-uri"),
    pytest.param({"archival": {"visibility": {"enableRead": True}}}, ["visibility"], id="read-while-off"),
    pytest.param({"namespaceDefaults": {"archival": {"history": {"state": "enabled"}, "visibility": {"URI": "file:///a"}}}},
                 ["history", "visibility"], id="namespace-default-without-the-cluster"),
])
def test_archival_must_be_all_on_or_all_off(overrides, kinds):
    assert problems(cfg=config_parsed(temporal_server_config_overrides=overrides))["archival"] == kinds


# --- the keys the server ignores --------------------------------------------------------------

def test_unknown_keys_are_named_by_their_path():
    candidate = {"global": {"metrics": {"prometheus": {"listenAdress": "x", "timerType": "histogram"}}, "pprof": {"port": 1}},
                 "persistence": {"datastores": {"custom": {"customDatastore": {"options": {"anything": 1}}}}},
                 "servics": {}}
    loaded = {"global": {"metrics": {"prometheus": {"timerType": "histogram"}}},
              "persistence": {"datastores": {"custom": {"customDatastore": {"options": None}}}}}
    assert server_plan.unknown_keys(candidate, loaded) == ["global.metrics.prometheus.listenAdress", "global.pprof", "servics"]
    assert server_plan.unknown_keys(candidate, candidate) == []


def test_the_role_passes_every_argument_of_each_filter():
    """The role calls each server_* filter with all of its arguments by name (or the one positional after
    its input), so a renamed or forgotten setting fails here rather than on a host."""
    functions = {"server_" + name: getattr(server_plan, name) for name in (
        "units", "exec_start", "upgrade_plan", "schema_newest", "schema_plan", "unknown_keys")}
    functions.update(server_setting_problems=server_rules.setting_problems, server_config=server_config.server_config,
                     server_tls_files=server_config.tls_files, server_tls_names=server_config.tls_names,
                     server_jwks_problems=jwks.problems, server_allow_no_auth=server_rules.allow_no_auth)
    functions.update(("server_" + name, getattr(server_cluster, name)) for name in (
        "cluster_problems", "ring_members", "stale_units", "membership_listeners", "own_frontend"))
    called = set()
    for path in sorted(ROLE.glob("*/*.yml")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"temporalops\.temporal\.(server_\w+)(\()?", text):
            name = match.group(1)
            called.add(name)
            expected = list(inspect.signature(functions[name]).parameters)[1:]
            if not match.group(2):
                assert expected == [], "%s: %s needs %s" % (path.name, name, expected)
                continue
            depth, end = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            arguments = text[match.end():end - 1]
            named = re.findall(r"(?:^|,)\s*(\w+)=(?!=)", arguments)
            if named:
                assert named == expected, "%s: %s" % (path.name, name)
            else:
                assert len(expected) == 1, "%s: %s takes %s by name" % (path.name, name, expected)
    assert called == set(functions)


# --- against the real binary ----------------------------------------------------------------

def server_archive():
    cache = os.environ.get("TEMPORALOPS_CACHE", os.path.expanduser("~/.cache/temporalops"))
    found = sorted(glob.glob(os.path.join(cache, "mirror/temporalio/temporal/releases/download/v*/temporal_*_linux_amd64.tar.gz")))
    return found[-1] if found else None


@pytest.fixture(scope="module")
def server_binary(tmp_path_factory):
    binary = os.environ.get("TEMPORAL_SERVER_BINARY")
    if binary:
        return binary
    archive = server_archive()
    if not archive:
        pytest.skip("no temporal server archive in the local mirror (tools/build-artifacts.sh server)")
    target = tmp_path_factory.mktemp("server")
    with tarfile.open(archive) as tar:
        tar.extract(tar.getmember("temporal-server"), target, **SAFE_EXTRACT)
    return str(target / "temporal-server")


CASES = {
    "postgres": {},
    "sqlite": {"temporal_server_db_plugin": "sqlite", "temporal_server_num_history_shards": 4},
    "tls": {"temporal_server_db_tls_enabled": True, "temporal_server_db_tls_ca_file": "/etc/ssl/ca.pem",
            "temporal_server_db_tls_cert_file": "/etc/ssl/c.pem", "temporal_server_db_tls_key_file": "/etc/ssl/c.key"},
    # An internal frontend with its HTTP API open (the role keeps it closed unless its port is given).
    "split": {"temporal_server_unit_per_service": True, "temporal_server_services": SERVICES + ["internal-frontend"],
              "temporal_server_internal_frontend_http_port": 7246,
              "temporal_server_log_to_file": True},
    "archival": {"temporal_server_archival": True, "temporal_server_bind_on_ip": "0.0.0.0",
                 "temporal_server_broadcast_address": "10.1.2.3"},
    "overrides": {"temporal_server_config_overrides": {"global": {"authorization": {"authorizer": "default"}},
                                                       "persistence": {"datastores": {"default": {"sql": {"maxConns": 5}}}}}},
}

# More settings whose rendered file is pinned (tests/unit/golden/server_yaml): the text of every
# unit as the Jinja template server-config.j2 wrote it before the config moved to Python.
MORE_CASES = {
    "elsewhere": {"temporal_server_db_host": "fd00::5", "temporal_server_metrics_ip": "::",
                  "temporal_server_visibility_db_host": "db2.example", "temporal_server_visibility_db_port": 6432,
                  "temporal_server_visibility_db_user": "vis", "temporal_server_db_plugin": "postgres12_pgx",
                  "temporal_server_frontend_address": "temporal.example:7233", "temporal_server_db_max_conns": 40,
                  "temporal_server_db_max_idle_conns": 30, "temporal_server_visibility_db_max_conns": 8,
                  "temporal_server_visibility_db_max_idle_conns": 4, "temporal_server_db_max_conn_lifetime": "30m"},
    "tls-attributes": {"temporal_server_db_tls_enabled": True, "temporal_server_db_tls_verify_host": False,
                       "temporal_server_db_tls_server_name": "db.example", "temporal_server_db_tls_ca_file": "/etc/ssl/ca.pem",
                       "temporal_server_db_connect_attributes": {"application_name": "temporal", "connect_timeout": 10,
                                                                 "sslinline": False}},
    "attributes": {"temporal_server_db_connect_attributes": {"sslmode": "disable"}},
    "sqlite-attributes": {"temporal_server_db_plugin": "sqlite", "temporal_server_data_dir": "/srv/temporal",
                          "temporal_server_db_connect_attributes": {"busy_timeout": 5000, "synchronous": 1, "setup": True}},
    "sqlite-same-attributes": {"temporal_server_db_plugin": "sqlite",
                               "temporal_server_db_connect_attributes": {"synchronous": "2", "setup": "true", "journal_mode": "wal"}},
    "bind-broadcast": {"temporal_server_bind_on_ip": "10.0.0.5", "temporal_server_service_bind_on_ip": {"frontend": "0.0.0.0"},
                       "temporal_server_broadcast_address": "10.0.0.5", "temporal_server_frontend_grpc_port": 8233,
                       "temporal_server_services": SERVICES + ["internal-frontend"],
                       "temporal_server_internal_frontend_http_port": 7246},
    "bind-any": {"temporal_server_bind_on_ip": "::", "temporal_server_metrics_port": 0,
                 "temporal_server_services": ["frontend", "history"]},
    "bind-ipv6": {"temporal_server_bind_on_ip": "fd00::7", "temporal_server_frontend_http_port": 8243},
    "split-metrics": {"temporal_server_unit_per_service": True, "temporal_server_metrics_split_ports": {"frontend": 9191},
                      "temporal_server_service_name": "tsrv", "temporal_server_config_dir": "/etc/tsrv"},
    "archival-enabled": {"temporal_server_archival": True, "temporal_server_archival_namespace_default": "enabled",
                         "temporal_server_archival_dir": "/srv/archive", "temporal_server_log_to_file": True,
                         "temporal_server_log_level": "debug", "temporal_server_log_format": "console",
                         "temporal_server_log_dir": "/srv/log", "temporal_server_cluster_name": "east",
                         "temporal_server_dynamic_config_poll_interval": "30s", "temporal_server_num_history_shards": 1024},
    "overrides-deep": {"temporal_server_config_overrides": {
        "log": {"level": "warn"},
        "global": {"membership": {"maxJoinDuration": "60s"}, "pprof": {"port": 7936},
                   "tls": {"frontend": {"client": {"rootCaFiles": ["/etc/ssl/a.pem", "/etc/ssl/b.pem"]}}}},
        "services": {"frontend": {"rpc": {"grpcPort": 9233}}, "history": {"rpc": "replaced"}},
        "persistence": {"datastores": {"default": {"sql": {"connectAttributes": {"sslmode": "require"}, "maxConns": 50}},
                                       "es": {"elasticsearch": {"version": "v8", "indices": {"visibility": "tv"}}}},
                        "visibilityStore": "es"},
        "clusterMetadata": {"clusterInformation": {"active": {"rpcAddress": "dns:///frontend:7233"}}},
        "publicClient": {"hostPort": "frontend.example:7233"},
        "archival": None}},
    "overrides-same": {"temporal_server_config_overrides": {
        "log": {"format": "json", "level": "info", "stdout": True},
        "dcRedirectionPolicy": {"policy": "noop"},
        "namespaceDefaults": {"archival": {"visibility": {"state": "disabled"}, "history": {"state": "disabled"}}},
        "dynamicConfigClient": {"pollInterval": "10s", "filepath": "/etc/temporal/dynamicconfig/temporal-server.yaml"}}},
    "overrides-braces": {"temporal_server_config_overrides": {"global": {"pprof": {"host": "a{{b}}c"}}, "ui": ["{{x"]}},
}
GOLDEN_CASES = dict(CASES, **MORE_CASES)

GOLDEN = pathlib.Path(__file__).parent / "golden" / "server_yaml"
PLACEHOLDERS = {'{{ env "TEMPORAL_DB_PASSWORD" | toJson }}': "__TEMPORALOPS_ENV_TEMPORAL_DB_PASSWORD__",
                '{{ env "TEMPORAL_VISIBILITY_DB_PASSWORD" | toJson }}': "__TEMPORALOPS_ENV_TEMPORAL_VISIBILITY_DB_PASSWORD__",
                '{{ "{{" }}': "{{"}
UNIT_CASES = [pytest.param(case, index, id="%s--%s" % (case, unit["name"]))
              for case in sorted(GOLDEN_CASES) for index, unit in enumerate(units(**GOLDEN_CASES[case]))]


def golden(case, index):
    """The file the former template server-config.j2 wrote for unit INDEX of CASE."""
    name = units(**GOLDEN_CASES[case])[index]["name"]
    return (GOLDEN / ("%s--%s.txt" % (case, name))).read_text(encoding="utf-8")


def test_every_golden_file_is_checked():
    assert sorted(path.name for path in GOLDEN.iterdir()) == sorted(
        "%s--%s.txt" % (case, unit["name"]) for case in GOLDEN_CASES for unit in units(**GOLDEN_CASES[case]))


@pytest.mark.parametrize(("case", "index"), UNIT_CASES)
def test_the_file_is_the_one_the_former_template_wrote(case, index):
    """An install that changes nothing gets the same text: a changed file restarts the server."""
    assert render("server.yaml.j2", unit=index, **GOLDEN_CASES[case]) == golden(case, index)


def ordered(value):
    """VALUE with its key order made part of what == compares."""
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [ordered(item) for item in value]
    return (type(value).__name__, value)


@pytest.mark.parametrize(("case", "index"), UNIT_CASES)
def test_the_data_is_what_the_former_template_gave(case, index):
    """What tasks/config_facts.yml and preflight.yml read (they parsed the former template's YAML)."""
    text = golden(case, index)
    for reference, placeholder in PLACEHOLDERS.items():
        text = text.replace(reference, placeholder)
    expected = yaml.safe_load(text)
    overrides = GOLDEN_CASES[case]
    data = role_value("__temporal_server_config_settings | temporalops.temporal.server_config(unit=__temporal_server_units[%d],"
                      " dynamic_config_file=__temporal_server_dynamic_config_file)" % index, **overrides)
    assert ordered(data) == ordered(expected)
    # The module_utils function with the settings the role passes.
    settings = role_value("__temporal_server_config_settings", **overrides)
    assert ordered(server_config.server_config(settings, units(**overrides)[index],
                                               role_value("__temporal_server_dynamic_config_file", **overrides))) == ordered(expected)


def test_settings_given_as_strings_write_the_same_file():
    """-e passes every value as a string: the file must not change (nor 'false' count as true)."""
    as_strings = {"temporal_server_archival": "false", "temporal_server_log_to_file": "False",
                  "temporal_server_db_tls_enabled": "no", "temporal_server_visibility_db_port": "0",
                  "temporal_server_db_port": "5432", "temporal_server_num_history_shards": "512",
                  "temporal_server_frontend_grpc_port": "7233", "temporal_server_metrics_port": "9090",
                  "temporal_server_unit_per_service": "false", "temporal_server_db_max_conns": "20"}
    assert config_text(**as_strings) == golden("postgres", 0)
    on = {"temporal_server_archival": "true", "temporal_server_bind_on_ip": "0.0.0.0",
          "temporal_server_broadcast_address": "10.1.2.3"}
    assert config_text(**on) == golden("archival", 0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_server_loads_the_rendered_config(case, server_binary, tmp_path):
    text = config_text(**CASES[case])
    (tmp_path / "candidate.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run([server_binary, "--config", str(tmp_path), "--env", "candidate", "render-config"],
                            capture_output=True, text=True, env={"TEMPORAL_DB_PASSWORD": 'p"w{{x}}'}, check=False)
    assert result.returncode == 0, result.stderr
    loaded = yaml.safe_load(result.stdout)
    assert loaded["persistence"]["numHistoryShards"] == CASES[case].get("temporal_server_num_history_shards", 512)


def validate_dynamic_config(server_binary, path, values):
    """temporal-server validate-dynamic-config on the rendered VALUES: (exit code, its problem lines)."""
    path.write_text(render("dynamicconfig.yaml.j2", temporal_server_dynamic_config=values), encoding="utf-8")
    result = subprocess.run([server_binary, "validate-dynamic-config", str(path)], capture_output=True, text=True, check=False)
    return result.returncode, [l.strip() for l in result.stdout.splitlines() if l.strip().startswith(("error:", "warning:"))]


def test_the_server_accepts_the_dynamic_config(server_binary, tmp_path):
    rc, problems = validate_dynamic_config(server_binary, tmp_path / "dc.yaml", {
        "limit.maxIDLength": 255, "frontend.enableUpdateWorkflowExecution": True,
        "matching.numTaskqueueReadPartitions": [{"value": 4, "constraints": {"namespace": "orders"}}]})
    assert rc == 0 and not problems, problems
    # The control: the same command reports a value of the wrong type, so silence above means
    # the values were read and accepted (a missing subcommand would fail both ways).
    rc, problems = validate_dynamic_config(server_binary, tmp_path / "bad.yaml", {"limit.maxIDLength": "very long"})
    assert any("validation failed" in line for line in problems), problems


def test_the_server_binary_takes_the_unit_flags(server_binary):
    help_text = subprocess.run([server_binary, "--help"], capture_output=True, text=True, check=False).stdout
    assert "--config-file" in help_text and "--allow-no-auth" in help_text
    start_help = subprocess.run([server_binary, "start", "--help"], capture_output=True, text=True, check=False).stdout
    assert "--service" in start_help
