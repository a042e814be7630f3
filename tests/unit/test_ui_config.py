"""The temporal_ui role's files: base.yaml (the settings, built by plugins/module_utils/ui_config.py),
auth.yaml (sign-in, with the client secret) and the unit. When the ui-server archive is in the local
test mirror, the real binary also starts on a rendered base.yaml and answers /healthz under its
public path."""

import http.server
import json
import os
import socket
import subprocess
import tarfile
import threading
import time
import urllib.error
import urllib.request

import pytest
import yaml

# ansible_render first: it installs Ansible's collection loader, which the collection's imports need.
from ansible_render import ROLES, load, render_role_template
from ansible_collections.temporalops.temporal.plugins.module_utils import ui_config
from test_systemd_units import exec_start_argv, role_unit

# Only plain files and directories from the release archives (Python's safe filter, where it has one).
SAFE_EXTRACT = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}

DEFAULTS = load(ROLES / "temporal_ui" / "defaults" / "main.yml")
# The settings the role hands the filters, by name (roles/temporal_ui/vars/main.yml).
SETTINGS = list(load(ROLES / "temporal_ui" / "vars" / "main.yml")["__temporal_ui_settings"])


def settings(**overrides):
    """The role's defaults with OVERRIDES, as the role hands them to the filters."""
    # vars/main.yml works out which TLS files are given twice (as a file and as text).
    merged = dict(DEFAULTS, temporal_ui_tls_given_twice=[], **overrides)
    return {name: merged[name] for name in SETTINGS}


def base(**overrides):
    """base.yaml as data, from the Python the role's filter calls."""
    return ui_config.config(settings(**overrides))


def render(template, **overrides):
    """TEMPLATE of the role as it writes it, with base.yaml's data from the Python its filter calls
    (the test's Templar may not find the collection's filters: that depends on the import order)."""
    return render_role_template("temporal_ui", template, __temporal_ui_config=base(**overrides), **overrides)


def base_file(**overrides):
    """base.yaml as the role writes it (templates/base.yaml.j2: the config, the overrides merged in)."""
    return yaml.safe_load(render("base.yaml.j2", **overrides))


def auth(**overrides):
    return yaml.safe_load(render("auth.yaml.j2", **overrides))


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
    cfg = base_file(temporal_ui_cors_allow_origins=["https://a.example.com"],
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
    assert secret not in render("base.yaml.j2", **settings)


def test_no_value_can_turn_on_ui_servers_go_templating():
    """ui-server runs a file through html/template when a line of its first KB starts with '#'
    and says enable-template; values would then be HTML-escaped, '{{' evaluated."""
    marker = "# enable-template {{ env \"HOME\" }}"
    settings = dict(temporal_ui_oidc_label=marker, temporal_ui_oidc_client_secret=marker,
                    temporal_ui_default_namespace=marker, temporal_ui_oidc_client_id="ui")
    rendered = {template: render(template, **settings)
                for template in ("base.yaml.j2", "auth.yaml.j2")}
    for text in rendered.values():
        assert [line for line in text.splitlines() if line.strip().startswith("#") and "enable-template" in line] == []
    assert yaml.safe_load(rendered["base.yaml.j2"])["defaultNamespace"] == marker
    assert yaml.safe_load(rendered["auth.yaml.j2"])["auth"]["providers"][0]["label"] == marker


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
                 "CapabilityBoundingSet=", "AmbientCapabilities=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"):
        assert line in lines, line
    assert not [line for line in lines if line.startswith("ReadWritePaths=")]


def test_a_port_below_1024_gets_the_bind_capability_only():
    lines = ui_unit(temporal_ui_port=443).splitlines()
    assert "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" in lines
    assert "AmbientCapabilities=CAP_NET_BIND_SERVICE" in lines
    assert "CapabilityBoundingSet=" in ui_unit(temporal_ui_port=1024).splitlines()


@pytest.mark.parametrize(("listen", "host"), [("::", "[::]"), ("fd00::1", "[fd00::1]"), ("0.0.0.0", "0.0.0.0")])
def test_ipv6_listen_addresses_get_brackets(listen, host):
    """ui-server joins host and port with a colon."""
    assert base(temporal_ui_listen_address=listen)["host"] == host


@pytest.mark.parametrize(("address", "host_port", "host"), [
    ("127.0.0.1:7233", "127.0.0.1:7233", "127.0.0.1"),
    ("dns:///frontends.internal:7233", "frontends.internal:7233", "frontends.internal"),
    ("[fd00::7]:7233", "[fd00::7]:7233", "fd00::7"),
])
def test_the_frontend_address_without_scheme_and_port(address, host_port, host):
    assert (ui_config.frontend_host_port(address), ui_config.frontend_host(address)) == (host_port, host)


@pytest.mark.parametrize(("overrides", "url"), [
    ({}, "http://127.0.0.1:8080"),
    ({"temporal_ui_listen_address": "0.0.0.0"}, "http://127.0.0.1:8080"),
    ({"temporal_ui_listen_address": "::", "temporal_ui_public_path": "/temporal"}, "http://127.0.0.1:8080/temporal"),
    ({"temporal_ui_listen_address": ""}, "http://127.0.0.1:8080"),
    ({"temporal_ui_listen_address": "fd00::1", "temporal_ui_port": 443}, "http://[fd00::1]:443"),
    ({"temporal_ui_listen_address": "10.0.0.5", "temporal_ui_https_cert_file": "/etc/ssl/web.pem"}, "https://10.0.0.5:8080"),
    ({"temporal_ui_listen_address": "ui.example.com", "temporal_ui_port": "8443"}, "http://ui.example.com:8443"),
])
def test_the_health_wait_reaches_the_ui_on_this_host(overrides, url):
    assert ui_config.local_url(settings(**overrides)) == url


@pytest.mark.parametrize(("port", "capabilities"), [(443, True), ("80", True), (1023, True), (1024, False), ("8080", False)])
def test_only_a_port_below_1024_gets_the_bind_capability(port, capabilities):
    hardening = ui_config.unit_hardening(port)
    assert hardening["RestrictAddressFamilies"] == "AF_INET AF_INET6 AF_UNIX"
    expected = {"CapabilityBoundingSet": "CAP_NET_BIND_SERVICE", "AmbientCapabilities": "CAP_NET_BIND_SERVICE"}
    assert {k: v for k, v in hardening.items() if k != "RestrictAddressFamilies"} == (expected if capabilities else {})


def test_numbers_and_booleans_from_the_command_line_are_converted():
    """-e gives strings: "false" must not turn TLS on, the port must stay a number in base.yaml."""
    typed = dict(temporal_ui_port=443, temporal_ui_tls_enabled=False, temporal_ui_disable_write_actions=True,
                 temporal_ui_cookie_insecure=False, temporal_ui_codec_pass_access_token=True, temporal_ui_tls_verify_host=True)
    given = dict(temporal_ui_port="443", temporal_ui_tls_enabled="false", temporal_ui_disable_write_actions="yes",
                 temporal_ui_cookie_insecure="False", temporal_ui_codec_pass_access_token="1", temporal_ui_tls_verify_host="true")
    assert base(**given) == base(**typed)
    assert "tls" not in base(**given) and base(**given)["port"] == 443
    assert base_file(**given)["port"] == 443
    assert ui_unit(**given) == ui_unit(**typed)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"temporal_ui_port": "http"}, "temporal_ui_port must be a whole number, not 'http'."),
    ({"temporal_ui_port": "80.5"}, "temporal_ui_port must be a whole number, not '80.5'."),
    ({"temporal_ui_tls_enabled": "maybe"}, "temporal_ui_tls_enabled must be true or false, not 'maybe'."),
    ({"temporal_ui_cookie_insecure": ""}, "temporal_ui_cookie_insecure must be true or false, not ''."),
])
def test_a_value_that_is_no_number_or_boolean_is_refused_by_name(overrides, message):
    with pytest.raises(ValueError) as refused:
        base(**overrides)
    assert str(refused.value) == message


# --- against the real binary ----------------------------------------------------------------

@pytest.fixture(scope="module")
def ui_binary(tmp_path_factory):
    cache = os.environ.get("TEMPORALOPS_CACHE", os.path.expanduser("~/.cache/temporalops"))
    version = load(ROLES / "temporal_ui" / "defaults" / "main.yml")["temporal_ui_version"]
    archive = os.path.join(cache, "mirror/temporalio/ui-server/releases/download/v%s/ui-server_%s_linux_amd64.tar.gz"
                           % (version, version))
    if not os.path.exists(archive):
        pytest.skip("no ui-server %s archive in the local mirror (tools/build-artifacts.sh ui)" % version)
    target = tmp_path_factory.mktemp("ui")
    with tarfile.open(archive) as tar:
        tar.extract(tar.getmember("ui-server"), target, **SAFE_EXTRACT)
    return str(target / "ui-server")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_ui(binary, config_dir, write_config):
    """Run ui-server as the unit does, on a free port WRITE_CONFIG(port) puts in its config;
    return (process, port) once /healthz answers. A port another process took between picking
    and binding means another try on a new port."""
    for _attempt in range(3):
        port = free_port()
        write_config(port)
        process = subprocess.Popen([binary, "--root", "/", "--config", str(config_dir), "--env", "auth", "start"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/temporal/healthz" % port, timeout=2) as response:
                    assert '"OK"' in response.read().decode()
                    return process, port
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            process.kill()
            raise AssertionError("ui-server did not answer /healthz: %s" % process.stdout.read())
        output = process.stdout.read()
        if "address already in use" not in output:
            raise AssertionError("ui-server exited: %s" % output)
    raise AssertionError("no free port for ui-server after 3 tries")


def test_ui_server_starts_on_the_rendered_config(ui_binary, tmp_path):
    """ui-server reads base.yaml as the role writes it, under the role's argv, and serves
    /healthz under the public path (it dials the frontend lazily, so none is needed here)."""
    process, _port = start_ui(ui_binary, tmp_path, lambda port: (tmp_path / "base.yaml").write_text(render(
        "base.yaml.j2", temporal_ui_port=port, temporal_ui_public_path="/temporal")))
    process.terminate()
    process.wait(timeout=10)


class Discovery(http.server.BaseHTTPRequestHandler):
    """An OpenID provider's discovery document, which ui-server reads at start."""

    def do_GET(self):  # noqa: N802  (http.server's name)
        issuer = "http://127.0.0.1:%d" % self.server.server_port
        body = json.dumps({"issuer": issuer, "authorization_endpoint": issuer + "/authorize",
                           "token_endpoint": issuer + "/token", "jwks_uri": issuer + "/jwks",
                           "response_types_supported": ["code"], "subject_types_supported": ["public"],
                           "id_token_signing_alg_values_supported": ["RS256"]}).encode()
        self.send_response(200 if self.path == "/.well-known/openid-configuration" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_ui_server_reads_the_sign_in_settings_over_the_base(ui_binary, tmp_path):
    """auth.yaml, read over base.yaml (--env auth), turns sign-in on: /auth/sso sends the browser
    to the provider with the role's client id and callback."""
    provider = http.server.HTTPServer(("127.0.0.1", 0), Discovery)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    settings = dict(temporal_ui_public_path="/temporal", temporal_ui_oidc_enabled=True,
                    temporal_ui_oidc_provider_url="http://127.0.0.1:%d" % provider.server_port,
                    temporal_ui_oidc_client_id="temporal-ui", temporal_ui_oidc_client_secret="s3cret:'\"",
                    temporal_ui_oidc_callback_url="http://ui.example.com/temporal/auth/sso/callback")

    def write_config(port):
        for name in ("base", "auth"):
            (tmp_path / ("%s.yaml" % name)).write_text(
                render("%s.yaml.j2" % name, temporal_ui_port=port, **settings))

    process, port = start_ui(ui_binary, tmp_path, write_config)
    try:
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open("http://127.0.0.1:%d/temporal/auth/sso" % port, timeout=5)
        location = redirect.value.headers["Location"]
        assert location.startswith("http://127.0.0.1:%d/authorize?" % provider.server_port), location
        assert "client_id=temporal-ui" in location
        assert "redirect_uri=http%3A%2F%2Fui.example.com%2Ftemporal%2Fauth%2Fsso%2Fcallback" in location
    finally:
        process.terminate()
        process.wait(timeout=10)
        provider.shutdown()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


# The checks of tasks/validate.yml (ui_config.problems, filter ui_problems): the settings the task
# hands the filter, the role's settings with sign-in and timeouts.
CHECKED = SETTINGS + ["temporal_ui_state", "temporal_ui_oidc_enabled", "temporal_ui_oidc_client_id", "temporal_ui_oidc_provider_url",
                      "temporal_ui_oidc_callback_url", "temporal_ui_health_timeout", "temporal_ui_frontend_check_timeout"]
OIDC = dict(temporal_ui_oidc_enabled=True, temporal_ui_oidc_client_id="ui", temporal_ui_oidc_provider_url="https://id.example.com",
            temporal_ui_oidc_callback_url="https://ui.example.com/auth/sso/callback")


def problems(**overrides):
    merged = dict(DEFAULTS, temporal_ui_tls_given_twice=[], **overrides)
    return ui_config.problems({name: merged[name] for name in CHECKED})


def test_the_defaults_and_a_full_setup_have_no_problem():
    assert problems() == []
    assert problems(temporal_ui_frontend_address="dns:///frontends.internal:7233", temporal_ui_listen_address="::",
                    temporal_ui_port=443, temporal_ui_public_path="/temporal", temporal_ui_codec_endpoint="https://codec.example.com/x",
                    temporal_ui_cors_allow_origins=["https://a.example.com", "http://b:8080"], temporal_ui_tls_enabled=True,
                    temporal_ui_tls_ca_file="/etc/ssl/ca.pem", temporal_ui_tls_cert_file="/etc/ui/c.pem",
                    temporal_ui_tls_key_file="/etc/ui/k.pem", temporal_ui_https_cert_file="/etc/ui/h.pem",
                    temporal_ui_https_key_file="/etc/ui/h.key", **OIDC) == []


@pytest.mark.parametrize(("overrides", "message"), [
    pytest.param({"temporal_ui_frontend_address": "temporal.internal"},
                 "temporal_ui_frontend_address 'temporal.internal' must be host:port of the Temporal frontend (gRPC), or dns:///name:port"
                 " for every address a DNS name resolves to.", id="frontend-address"),
    # fullmatch: a trailing newline is no part of a host:port ('$' would take it).
    pytest.param({"temporal_ui_frontend_address": "127.0.0.1:7233\n"},
                 "temporal_ui_frontend_address '127.0.0.1:7233\n' must be host:port of the Temporal frontend (gRPC), or dns:///name:port"
                 " for every address a DNS name resolves to.", id="frontend-address-newline"),
    pytest.param({"temporal_ui_listen_address": "[::1]"},
                 "temporal_ui_listen_address '[::1]' must be an IPv4 or IPv6 address (no brackets) or a host name of this host;"
                 " 0.0.0.0 listens on every IPv4 address, :: on every address.", id="listen-address"),
    pytest.param({"temporal_ui_port": 70000}, "temporal_ui_port must be between 1 and 65535, not 70000.", id="port"),
    pytest.param({"temporal_ui_port": "http"}, "temporal_ui_port must be a whole number, not 'http'.", id="port-not-a-number"),
    pytest.param({"temporal_ui_public_path": "/temporal/"},
                 "temporal_ui_public_path '/temporal/' must be empty (the UI at /) or a path that starts with '/' and does not end with"
                 " one, such as /temporal.", id="public-path"),
    pytest.param({"temporal_ui_codec_endpoint": "codec.example.com"},
                 "temporal_ui_codec_endpoint 'codec.example.com' must be an http:// or https:// URL (or empty).", id="codec"),
    pytest.param({"temporal_ui_cors_allow_origins": ["https://a.example.com", "https://b.example.com/path", "ftp://c"]},
                 "temporal_ui_cors_allow_origins takes origins (scheme://host[:port], no path); invalid:"
                 " ['https://b.example.com/path', 'ftp://c'].", id="cors"),
    pytest.param({"temporal_ui_tls_enabled": True, "temporal_ui_tls_cert_file": "/etc/ui/c.pem"},
                 "temporal_ui_tls_cert_file and temporal_ui_tls_key_file go together (mTLS to the frontend): set both or neither.",
                 id="tls-pair"),
    pytest.param({"temporal_ui_tls_server_name": "frontend.internal"},
                 "temporal_ui_tls_ca_file, _cert_file and _server_name take effect only with temporal_ui_tls_enabled: true.",
                 id="tls-files-without-tls"),
    pytest.param({"temporal_ui_tls_enabled": "maybe"}, "temporal_ui_tls_enabled must be true or false, not 'maybe'.",
                 id="tls-not-a-boolean"),
    pytest.param({"temporal_ui_https_key_file": "/etc/ui/h.key"},
                 "temporal_ui_https_cert_file and temporal_ui_https_key_file (or their texts, temporal_ui_https_cert and"
                 " temporal_ui_https_key) go together (HTTPS on the UI): set both or neither.", id="https-pair"),
    pytest.param({"temporal_ui_listen_address": "0.0.0.0"},
                 "temporal_ui_listen_address '0.0.0.0' is beyond loopback without HTTPS: the token or session of everyone who"
                 " signs in would cross it in the clear. Give the UI a certificate (temporal_ui_https_cert and"
                 " temporal_ui_https_key, or their _file settings), or set temporal_ui_insecure: true to serve plain HTTP on"
                 " purpose.", id="beyond-loopback-without-https"),
    pytest.param({"temporal_ui_listen_address": "::1", "temporal_ui_insecure": "maybe"},
                 "temporal_ui_insecure must be true or false, not 'maybe'.", id="insecure-not-a-boolean"),
    pytest.param({"temporal_ui_tls_enabled": True, "temporal_ui_tls_ca_file": "/root/ca.pem", "temporal_ui_tls_cert_file": "/tmp/c",
                  "temporal_ui_tls_key_file": "/rootless/k", "temporal_ui_https_cert_file": "/home",
                  "temporal_ui_https_key_file": "/run/user/0/k"},
                 "The UI's service cannot see temporal_ui_tls_ca_file, temporal_ui_tls_cert_file, temporal_ui_https_cert_file,"
                 " temporal_ui_https_key_file: its unit hides /home, /root and /run/user (ProtectHome) and has a /tmp and /var/tmp"
                 " of its own (PrivateTmp). Keep certificates and keys under /etc.", id="hidden-files"),
    pytest.param(dict(OIDC, temporal_ui_oidc_client_id=""),
                 "temporal_ui_oidc_enabled needs temporal_ui_oidc_client_id, the client id registered with the provider.",
                 id="oidc-client-id"),
    pytest.param(dict(OIDC, temporal_ui_oidc_provider_url="id.example.com"),
                 "temporal_ui_oidc_enabled needs temporal_ui_oidc_provider_url, the provider's URL (its"
                 " /.well-known/openid-configuration must answer when the UI starts).", id="oidc-provider-url"),
    pytest.param(dict(OIDC, temporal_ui_public_path="/temporal", temporal_ui_oidc_callback_url="https://ui.example.com/temporal"),
                 "temporal_ui_oidc_enabled needs temporal_ui_oidc_callback_url, the UI's public URL followed by /auth/sso/callback"
                 " (such as https://temporal.example.com/temporal/auth/sso/callback), registered with the provider.",
                 id="oidc-callback-url"),
    pytest.param({"temporal_ui_oidc_enabled": "sometimes"}, "temporal_ui_oidc_enabled must be true or false, not 'sometimes'.",
                 id="oidc-not-a-boolean"),
    pytest.param({"temporal_ui_frontend_check_timeout": 0},
                 "temporal_ui_health_timeout and temporal_ui_frontend_check_timeout must be positive numbers of seconds.",
                 id="timeouts"),
    pytest.param({"temporal_ui_health_timeout": "1m"}, "temporal_ui_health_timeout must be a whole number, not '1m'.",
                 id="timeout-not-a-number"),
])
def test_each_check_tells_its_problem(overrides, message):
    assert problems(**overrides) == [message]


def test_every_problem_at_once_in_the_order_of_the_checks():
    found = problems(temporal_ui_frontend_address="x", temporal_ui_port=0, temporal_ui_codec_endpoint="x",
                     temporal_ui_https_key_file="/etc/k", temporal_ui_oidc_enabled=True, temporal_ui_health_timeout=0)
    assert [message.split(" ", 1)[0] for message in found] == [
        "temporal_ui_frontend_address", "temporal_ui_port", "temporal_ui_codec_endpoint", "temporal_ui_https_cert_file",
        "temporal_ui_oidc_enabled", "temporal_ui_oidc_enabled", "temporal_ui_oidc_enabled", "temporal_ui_health_timeout"]


def test_a_listener_beyond_loopback_needs_https_or_the_insecure_setting():
    for loopback in ("127.0.0.1", "127.0.1.1", "::1", "localhost"):
        assert problems(temporal_ui_listen_address=loopback) == [], loopback
    for beyond in ("0.0.0.0", "::", "10.0.0.5", "ui.internal"):
        assert problems(temporal_ui_listen_address=beyond)[0].startswith("temporal_ui_listen_address '%s' is beyond loopback" % beyond)
        assert problems(temporal_ui_listen_address=beyond, temporal_ui_insecure="true") == []
        assert problems(temporal_ui_listen_address=beyond, temporal_ui_https_cert_file="/etc/temporal-ui/https-cert.pem",
                        temporal_ui_https_key_file="/etc/temporal-ui/https-key.pem") == []
    # Removal keeps no listener: nothing to refuse.
    assert problems(temporal_ui_listen_address="0.0.0.0", temporal_ui_state="absent") == []
    assert ui_config.https_names("10.0.0.5") == ["10.0.0.5"]
    assert ui_config.https_names("0.0.0.0") == ui_config.https_names("::") == ui_config.https_names("127.0.0.1") == []


def test_numbers_and_booleans_from_the_command_line_are_checked_as_such():
    """-e gives strings: 'false' is off (the sign-in checks do not apply), '443' a port."""
    assert problems(temporal_ui_port="443", temporal_ui_oidc_enabled="false", temporal_ui_tls_enabled="yes",
                    temporal_ui_tls_ca_file="/etc/ssl/ca.pem", temporal_ui_health_timeout="30",
                    temporal_ui_frontend_check_timeout="5") == []
    assert problems(temporal_ui_tls_enabled="no", temporal_ui_tls_ca_file="/etc/ssl/ca.pem") == [
        "temporal_ui_tls_ca_file, _cert_file and _server_name take effect only with temporal_ui_tls_enabled: true."]


def test_the_checked_files_are_the_files_the_role_reads():
    assert list(ui_config.FILE_SETTINGS) == list(load(ROLES / "temporal_ui" / "vars" / "main.yml")["__temporal_ui_files"])


def test_the_filter_reports_missing_settings():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.temporalops.temporal.plugins.filter.ui import FilterModule
    ui_problems = FilterModule().filters()["ui_problems"]
    assert ui_problems(dict(settings(), **OIDC, temporal_ui_health_timeout=1, temporal_ui_frontend_check_timeout=1)) == []
    with pytest.raises(AnsibleFilterError, match="the settings lack 'temporal_ui_oidc_enabled'"):
        ui_problems(settings())


@pytest.mark.parametrize(("overrides", "phrase"), [
    ({"temporal_ui_frontend_address": "temporal.internal"}, "temporal_ui_frontend_address 'temporal.internal' must be host:port"),
    ({"temporal_ui_public_path": "temporal"}, "temporal_ui_public_path 'temporal' must be empty"),
    ({"temporal_ui_public_path": "/temporal/"}, "temporal_ui_public_path '/temporal/' must be empty"),
    (dict(OIDC, temporal_ui_oidc_client_id=""), "temporal_ui_oidc_enabled needs temporal_ui_oidc_client_id"),
    ({"temporal_ui_tls_enabled": True, "temporal_ui_tls_ca_file": "/root/ca.pem"}, "The UI's service cannot see temporal_ui_tls_ca_file"),
    ({"temporal_ui_codec_endpoint": "codec.example.com"}, "temporal_ui_codec_endpoint 'codec.example.com' must be an http"),
])
def test_the_phrases_molecule_looks_for_are_in_the_message(overrides, phrase):
    """molecule/production/tests/test_ui.py (CASES) finds these in the failed run's output."""
    assert phrase in " ".join(problems(**overrides))
