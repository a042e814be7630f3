"""The temporal_server role's templates: the server config (as Ansible renders it, then as the
server's own Go-template pass would), the dynamic config, the password file and the units.

When the real server archive is in the local test mirror, the rendered configs are also loaded
by `temporal-server render-config` and the dynamic config by `validate-dynamic-config`.
"""

import glob
import os
import pathlib
import re
import subprocess
import tarfile

import pytest
import yaml

from ansible.template import trust_as_template

from ansible_render import render_role_template
from test_systemd_units import exec_start_argv, flag_values, role_unit

ROLE = pathlib.Path(__file__).parents[2] / "roles" / "temporal_server"
SERVICES = ["frontend", "history", "matching", "worker"]


def render(template, unit=0, **overrides):
    """Render a server role template for unit number UNIT of the host."""
    return render_role_template(
        "temporal_server", template,
        __temporal_server_unit_item=trust_as_template("{{ __temporal_server_units[%d] }}" % unit), **overrides)


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
    return yaml.safe_load(render("units.j2", **overrides))


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


def test_listeners_bind_and_broadcast():
    cfg = config_parsed(temporal_server_bind_on_ip="10.0.0.5", temporal_server_service_bind_on_ip={"frontend": "0.0.0.0"},
                        temporal_server_broadcast_address="10.0.0.5", temporal_server_frontend_grpc_port=8233,
                        temporal_server_services=SERVICES + ["internal-frontend"])
    assert cfg["services"]["frontend"]["rpc"]["bindOnIP"] == "0.0.0.0"
    assert cfg["services"]["history"]["rpc"]["bindOnIP"] == "10.0.0.5"
    assert cfg["services"]["internal-frontend"]["rpc"] == {"grpcPort": 7236, "membershipPort": 6936, "httpPort": 7246,
                                                           "bindOnIP": "10.0.0.5"}
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
    assert yaml.safe_load(text) == {
        "limit.maxIDLength": [{"value": 255}],
        "frontend.namespaceRPS": [{"value": 100, "constraints": {"namespace": "orders"}}, {"value": 50}],
        "system.someList": [{"value": [1, 2]}],
    }
    assert yaml.safe_load(render("dynamicconfig.yaml.j2")) == {}


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
    item = item or {"name": "temporal-server", "services": SERVICES, "metrics_port": 9090,
                    "config": "/etc/temporal/temporal-server.yaml"}
    overrides.setdefault("temporal_cli_binary_path", "/opt/temporal/cli/1.5.1/temporal")
    return role_unit("temporal_server", "temporal_server_unit", __temporal_server_unit_item=item, **overrides)


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


def test_unit_may_write_logs_and_archives_outside_the_data_dir():
    text = unit(temporal_server_log_to_file=True, temporal_server_archival=True, temporal_server_archival_dir="/srv/archive")
    assert "ReadWritePaths=/var/lib/temporal /var/log/temporal /srv/archive" in text.splitlines()
    text = unit(temporal_server_archival=True)
    assert "ReadWritePaths=/var/lib/temporal" in text.splitlines()


def test_new_version_changes_the_unit():
    assert "/opt/temporal/server/1.31.2/temporal-server" in unit(temporal_server_version="1.31.2")


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
        tar.extract(tar.getmember("temporal-server"), target)
    return str(target / "temporal-server")


CASES = {
    "postgres": {},
    "sqlite": {"temporal_server_db_plugin": "sqlite", "temporal_server_num_history_shards": 4},
    "tls": {"temporal_server_db_tls_enabled": True, "temporal_server_db_tls_ca_file": "/etc/ssl/ca.pem",
            "temporal_server_db_tls_cert_file": "/etc/ssl/c.pem", "temporal_server_db_tls_key_file": "/etc/ssl/c.key"},
    "split": {"temporal_server_unit_per_service": True, "temporal_server_services": SERVICES + ["internal-frontend"],
              "temporal_server_log_to_file": True},
    "archival": {"temporal_server_archival": True, "temporal_server_bind_on_ip": "0.0.0.0",
                 "temporal_server_broadcast_address": "10.1.2.3"},
    "overrides": {"temporal_server_config_overrides": {"global": {"authorization": {"authorizer": "default"}},
                                                       "persistence": {"datastores": {"default": {"sql": {"maxConns": 5}}}}}},
}


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
