"""The web UI (role temporal_ui) on both UI hosts: on the database host it talks to the server
host's frontend across the network; on the server host it sits under the public path /temporal.
Checked as a person uses it: a real browser renders the workflow list."""

import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import yaml

import conftest
import devtools
from conftest import (ARTIFACTS, NODES_CA, OPERATOR_TLS, SERVER_HOSTS, assert_refused, bearer, container_address, host_name, host_vars,
                      idp_token, main_pid, run_playbook, server_pid)

testinfra_hosts = conftest.UI_HOSTS
UI_SERVICE = "temporal-ui"
BASE_CONFIG = "/etc/temporal-ui/base.yaml"
PRESET = "temporalops.temporal.temporal"


def public_path(host):
    return host_vars(host).get("temporal_ui_public_path", "")


def ui_url(host, path):
    return "https://%s:8080%s%s" % (container_address(host), public_path(host), path)


def open_ui(url):
    """URL of a UI's own listener, verified with the nodes' CA, which issued its certificate."""
    return urllib.request.urlopen(url, timeout=10, context=ssl.create_default_context(cafile=NODES_CA))


def ui_certificate(host):
    return conftest.pki_text("nodes/%s-ui.pem" % host_name(host))


def ui_pid(host):
    return main_pid(host, UI_SERVICE)


def ui_settings(host):
    """The preset's settings that give HOST's UI exactly what site.yml gave it."""
    live = yaml.safe_load(host.file(BASE_CONFIG).content_string)
    return dict(conftest.ui_tls_vars(host), temporal_components=["ui"], temporal_ui_frontend_address=live["temporalGrpcAddress"],
                temporal_ui_listen_address=live["host"], temporal_ui_public_path=live["publicPath"])


@pytest.fixture(scope="module")
def frontend(server):
    """host:port of the server host's frontend, as this machine reaches it."""
    return "%s:7233" % container_address(server)


def controller_cli(*args):
    run = subprocess.run([os.environ["TEMPORALOPS_CONTROLLER_CLI"]] + list(args) + OPERATOR_TLS, capture_output=True, text=True,
                         check=False, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_ui_runs_unprivileged_and_answers_healthz(present):
    service = present.service(UI_SERVICE)
    assert service.is_running and service.is_enabled
    assert present.check_output("systemctl show -p User --value %s" % UI_SERVICE) == "temporal-ui"
    with open_ui(ui_url(present, "/healthz")) as response:
        assert json.load(response) == {"status": "OK"}
    # Its listener serves HTTPS only: plain HTTP gets the TLS server's refusal.
    with pytest.raises(urllib.error.HTTPError) as plain:
        urllib.request.urlopen(ui_url(present, "/healthz").replace("https://", "http://", 1), timeout=10)
    assert plain.value.code == 400 and b"HTTPS" in plain.value.read(), plain.value


def test_config_is_readable_by_the_ui_only(present):
    config = present.file(BASE_CONFIG)
    assert (config.user, config.group, config.mode) == ("root", "temporal-ui", 0o640)
    assert present.file("/etc/temporal-ui").mode == 0o750


def test_pages_refer_to_their_assets_under_the_public_path(present):
    with open_ui(ui_url(present, "/")) as response:
        page = response.read().decode()
    assert 'href="%s/_app/immutable/' % public_path(present) in page, page[:2000]


def test_the_browser_shows_a_workflow_the_test_started(present, frontend, tmp_path):
    """Start a workflow, open the UI's workflow list in headless chromium as a person behind an
    authenticating proxy would (the proxy puts their token on every request: here the identity
    provider's reader, temporal-system:read), find the workflow's link in the rendered page, and
    keep a screenshot of it."""
    workflow_id = "ui-check-%s-%d" % (host_name(present), time.time())
    controller_cli("workflow", "start", "--address", frontend, "--namespace", "default", "--type", "UiCheck",
                   "--task-queue", "ui-check", "--workflow-id", workflow_id)
    url = ui_url(present, "/namespaces/default/workflows")
    link = 'href="%s/namespaces/default/workflows/%s/' % (public_path(present), workflow_id)
    os.makedirs(ARTIFACTS, exist_ok=True)
    screenshot = os.path.join(ARTIFACTS, "ui-workflows-%s.png" % host_name(present))
    page = devtools.render(url, tmp_path / "profile", headers=bearer(idp_token("ui")), until=link, timeout=60,
                           screenshot=screenshot, trusted_certificate=ui_certificate(present))
    assert link in page, page[-3000:]
    assert os.path.getsize(screenshot) > 10000
    print("screenshot of %s: %s" % (url, screenshot))
    # Without a token the UI server's client certificate gets the page nothing: the frontend
    # refuses the namespace list, and the UI shows its error page.
    refused = devtools.render(url, tmp_path / "profile", until="Error: 404", timeout=60, trusted_certificate=ui_certificate(present))
    assert "Error: 404" in refused and link not in refused, refused[-3000:]


def test_a_config_change_restarts_the_ui_only(present, tmp_path):
    """A new setting restarts this host's UI and nothing else (the server keeps its PID); the
    converge after it puts the inventory's settings back."""
    if host_name(present) not in SERVER_HOSTS:
        pytest.skip("the UI beside the server covers it: the same role, with a neighbour to keep running")
    neighbours = {"temporal-server": server_pid(present)}
    before = ui_pid(present)
    settings = ui_settings(present)
    try:
        rc, output = run_playbook(tmp_path, [PRESET], dict(settings, temporal_ui_default_namespace="orders"),
                                  host=present)
        assert rc == 0, output[-3000:]
        assert "defaultNamespace: orders" in present.file(BASE_CONFIG).content_string
        assert ui_pid(present) not in ("0", before)
        assert {name: main_pid(present, name) for name in neighbours} == neighbours
    finally:
        rc, output = run_playbook(tmp_path, [PRESET], settings, host=present)
        assert rc == 0, output[-3000:]


# Each message is a fragment of that check's own failure text (the setting names alone also
# appear in the loop labels of every run).
CASES = [
    pytest.param({"temporal_ui_frontend_address": "127.0.0.1:1", "temporal_ui_frontend_check_timeout": 3},
                 "temporal_ui_frontend_address '127.0.0.1:1' does not answer", id="frontend-does-not-answer"),
    pytest.param({"temporal_ui_frontend_address": "temporal.internal"},
                 "temporal_ui_frontend_address 'temporal.internal' must be host:port", id="frontend-without-port"),
    pytest.param({"temporal_ui_public_path": "temporal"}, "temporal_ui_public_path 'temporal' must be empty",
                 id="public-path-without-slash"),
    pytest.param({"temporal_ui_public_path": "/temporal/"}, "temporal_ui_public_path '/temporal/' must be empty",
                 id="public-path-trailing-slash"),
    pytest.param({"temporal_ui_port": "held"}, "is in use on", id="port-used-twice"),
    pytest.param({"temporal_ui_oidc_enabled": True, "temporal_ui_oidc_provider_url": "https://id.example.com",
                  "temporal_ui_oidc_callback_url": "https://ui.example.com/auth/sso/callback"},
                 "temporal_ui_oidc_enabled needs temporal_ui_oidc_client_id", id="oidc-without-client-id"),
    # Nothing answers there: ui-server would exit at start.
    pytest.param({"temporal_ui_oidc_enabled": True, "temporal_ui_oidc_provider_url": "http://127.0.0.1:1",
                  "temporal_ui_oidc_client_id": "ui", "temporal_ui_oidc_callback_url": "https://ui.example.com/auth/sso/callback"},
                 "temporal_ui_oidc_provider_url 'http://127.0.0.1:1' does not serve a discovery document",
                 id="oidc-provider-does-not-answer"),
    pytest.param({"temporal_ui_tls_enabled": True, "temporal_ui_tls_ca_file": "/etc/temporal-ui/missing-ca.pem"},
                 "do not exist on", id="missing-ca-file"),
    pytest.param({"temporal_ui_tls_enabled": True, "temporal_ui_tls_ca_file": "/root/ca.pem"},
                 "The UI's service cannot see temporal_ui_tls_ca_file", id="ca-file-the-service-cannot-see"),
    # root:shadow 0640: there, but not for the UI's user.
    pytest.param({"temporal_ui_https_cert_file": "/etc/shadow", "temporal_ui_https_key_file": "/etc/shadow"},
                 "temporal-ui cannot read temporal_ui_https_cert_file", id="key-file-the-user-cannot-read"),
    # The role's own rules report every problem at once: a codec that is no URL, and the
    # listener beyond loopback left without its HTTPS certificate.
    pytest.param({"temporal_ui_codec_endpoint": "codec.example.com", "temporal_ui_https_cert": "", "temporal_ui_https_key": ""},
                 ["temporal_ui_codec_endpoint 'codec.example.com' must be an http",
                  "temporal_ui_listen_address '0.0.0.0' is beyond loopback without HTTPS"], id="codec-and-plain-http"),
]


def held_port(host):
    """A port another process of HOST listens on (PostgreSQL's, the server's, ...)."""
    listening = host.check_output("ss -Hltn | awk '{print $4}' | sed 's/.*://' | sort -un").split()
    return int(next(p for p in listening if p != "8080"))


@pytest.mark.parametrize(("extra_vars", "message"), CASES)
def test_bad_ui_input_fails_clearly_and_touches_nothing(present, tmp_path, extra_vars, message):
    if host_name(present) != conftest.UI_HOSTS[0]:
        pytest.skip("the UI of the database host covers the role's checks")
    if extra_vars.get("temporal_ui_port") == "held":
        extra_vars = dict(extra_vars, temporal_ui_port=held_port(present))
    settings = dict(ui_settings(present), **extra_vars)
    # A file the case gives stands for the text site.yml gave (the role takes one or the other).
    for stem in ("tls_ca", "tls_cert", "tls_key", "https_cert", "https_key"):
        if "temporal_ui_%s_file" % stem in extra_vars:
            settings.pop("temporal_ui_%s" % stem)
    assert_refused(lambda: run_playbook(tmp_path, [PRESET], settings, host=present), message, [present])
