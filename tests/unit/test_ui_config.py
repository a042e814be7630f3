"""The temporal_ui role's files: base.yaml (the settings), auth.yaml (sign-in, with the client
secret) and the unit. When the ui-server archive is in the local test mirror, the real binary
also starts on a rendered base.yaml and answers /healthz under its public path."""

import glob
import os
import socket
import subprocess
import tarfile
import time
import urllib.error
import urllib.request

import pytest
import yaml

from ansible_render import render_role_template
from test_systemd_units import exec_start_argv, role_unit


def base(**overrides):
    return yaml.safe_load(render_role_template("temporal_ui", "base.yaml.j2", **overrides))


def auth(**overrides):
    return yaml.safe_load(render_role_template("temporal_ui", "auth.yaml.j2", **overrides))


def test_defaults_serve_the_ui_on_loopback_for_the_local_frontend():
    cfg = base()
    assert cfg["temporalGrpcAddress"] == "127.0.0.1:7233"
    assert (cfg["host"], cfg["port"], cfg["publicPath"]) == ("127.0.0.1", 8080, "")
    # ui-server's own default is false: without it, it serves the API and no pages.
    assert cfg["enableUi"] is True
    assert "tls" not in cfg and "uiServerTLS" not in cfg and "auth" not in cfg


@pytest.mark.parametrize(("address", "host"), [
    ("temporal.example.com:7233", "temporal.example.com"),
    ("dns:///frontends.internal:7233", "frontends.internal"),
    ("[fd00::7]:7233", "fd00::7"),
])
def test_tls_alone_verifies_the_frontend_by_its_address_host(address, host):
    """ui-server turns TLS on only when a CA, a client pair or a server name is set: the role
    sets the name, so TLS with the system's trust store works."""
    cfg = base(temporal_ui_tls_enabled=True, temporal_ui_frontend_address=address)
    assert cfg["tls"]["serverName"] == host
    assert cfg["tls"]["enableHostVerification"] is True
    assert cfg["temporalGrpcAddress"] == address


def test_mtls_files_and_server_name_pass_through():
    cfg = base(temporal_ui_tls_enabled=True, temporal_ui_tls_ca_file="/etc/ssl/ca.pem",
               temporal_ui_tls_cert_file="/etc/ssl/ui.pem", temporal_ui_tls_key_file="/etc/ssl/ui.key",
               temporal_ui_tls_server_name="frontend", temporal_ui_tls_verify_host=False)
    assert cfg["tls"] == {"caFile": "/etc/ssl/ca.pem", "certFile": "/etc/ssl/ui.pem", "keyFile": "/etc/ssl/ui.key",
                          "serverName": "frontend", "enableHostVerification": False}


def test_https_codec_cors_and_public_path():
    cfg = base(temporal_ui_https_cert_file="/etc/ssl/web.pem", temporal_ui_https_key_file="/etc/ssl/web.key",
               temporal_ui_codec_endpoint="https://codec.example.com", temporal_ui_codec_pass_access_token=True,
               temporal_ui_cors_allow_origins=["https://ops.example.com"], temporal_ui_public_path="/temporal")
    assert cfg["uiServerTLS"] == {"certFile": "/etc/ssl/web.pem", "keyFile": "/etc/ssl/web.key"}
    assert cfg["codec"] == {"endpoint": "https://codec.example.com", "passAccessToken": True, "includeCredentials": False}
    assert cfg["cors"]["allowOrigins"] == ["https://ops.example.com"]
    assert cfg["publicPath"] == "/temporal"


def test_overrides_merge_deeply():
    cfg = base(temporal_ui_cors_allow_origins=["https://a.example.com"],
               temporal_ui_config_overrides={"cors": {"unsafeAllowAllOrigins": True}, "workflowResetDisabled": True})
    assert cfg["cors"] == {"allowOrigins": ["https://a.example.com"], "cookieInsecure": False,
                           "unsafeAllowAllOrigins": True}
    assert cfg["workflowResetDisabled"] is True


@pytest.mark.parametrize("secret", ["plain", "q'u\"o:t e#s", "{{ env \"X\" }}", "-leading-dash", "@at%pct$d"])
def test_client_secret_lands_in_auth_yaml_exactly_and_nowhere_else(secret):
    settings = dict(temporal_ui_oidc_enabled=True, temporal_ui_oidc_client_id="ui",
                    temporal_ui_oidc_client_secret=secret, temporal_ui_oidc_provider_url="https://id.example.com",
                    temporal_ui_oidc_callback_url="https://ui.example.com/auth/sso/callback")
    provider = auth(**settings)["auth"]["providers"][0]
    assert provider["clientSecret"] == secret
    assert (provider["type"], provider["clientId"], provider["scopes"]) == ("oidc", "ui", ["openid", "profile", "email"])
    assert secret not in render_role_template("temporal_ui", "base.yaml.j2", **settings)


def test_no_file_turns_on_ui_servers_go_templating():
    """ui-server runs a file through html/template when a comment in its first KB says
    enable-template; values would then be HTML-escaped."""
    for template in ("base.yaml.j2", "auth.yaml.j2"):
        assert "enable-template" not in render_role_template("temporal_ui", template)


def ui_unit(**overrides):
    return role_unit("temporal_ui", "temporal_ui_unit", **overrides)


def test_unit_runs_the_versioned_binary_on_the_config_dir():
    argv = exec_start_argv(ui_unit())
    assert argv == ["/opt/temporal/ui/2.56.4/ui-server", "--root", "/", "--config", "/etc/temporal-ui",
                    "--env", "auth", "start"]
    assert "/opt/temporal/ui/2.60.0/ui-server" in ui_unit(temporal_ui_version="2.60.0")


def test_unit_carries_the_shared_hardening_with_fewer_address_families():
    lines = ui_unit().splitlines()
    for line in ("User=temporal-ui", "Group=temporal-ui", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"):
        assert line in lines, line
    assert not [line for line in lines if line.startswith("ReadWritePaths=")]


# --- against the real binary ----------------------------------------------------------------

@pytest.fixture(scope="module")
def ui_binary(tmp_path_factory):
    cache = os.environ.get("TEMPORALOPS_CACHE", os.path.expanduser("~/.cache/temporalops"))
    found = sorted(glob.glob(os.path.join(
        cache, "mirror/temporalio/ui-server/releases/download/v*/ui-server_*_linux_amd64.tar.gz")))
    if not found:
        pytest.skip("no ui-server archive in the local mirror (tools/build-artifacts.sh ui)")
    target = tmp_path_factory.mktemp("ui")
    with tarfile.open(found[-1]) as tar:
        tar.extract(tar.getmember("ui-server"), target)
    return str(target / "ui-server")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ui_server_starts_on_the_rendered_config(ui_binary, tmp_path):
    """ui-server reads base.yaml as the role writes it, under the role's argv, and serves
    /healthz under the public path (it dials the frontend lazily, so none is needed here)."""
    port = free_port()
    (tmp_path / "base.yaml").write_text(render_role_template(
        "temporal_ui", "base.yaml.j2", temporal_ui_port=port, temporal_ui_public_path="/temporal"))
    process = subprocess.Popen([ui_binary, "--root", "/", "--config", str(tmp_path), "--env", "auth", "start"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, body = time.time() + 20, None
        while body is None and time.time() < deadline:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/temporal/healthz" % port, timeout=2) as response:
                    body = response.read().decode()
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.2)
        assert body is not None and '"OK"' in body
    finally:
        process.terminate()
        process.wait(timeout=10)
