"""The molecule checks' own helpers (molecule/shared), held to what they claim: the secret
hunt finds a secret as real encoders and the collection's own templates write it, the
play-output reader finds a failure's message but never a loop label, and the DevTools browser
puts its header on the requests a page's own scripts make."""

import base64
import http.server
import json
import os
import shlex
import shutil
import sys
import threading
import urllib.parse

import pytest
import yaml

from ansible_render import render_role_template

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "molecule", "shared"))

# pylint: disable=wrong-import-position
import devtools  # noqa: E402
import play_output  # noqa: E402
import secret_hunt  # noqa: E402

# The production scenario's marker and the one its rotation check uses.
SECRETS = ["Mk'9\"q$PATH%41:x@y-TEMPORALOPS-SECRET", "Rz$HOME\"7`w%%q'\\n:p@-TEMPORALOPS-ROTATED"]

WRITERS = {
    "json": lambda s: json.dumps({"password": s}),
    "yaml (double quotes)": lambda s: yaml.safe_dump({"password": s}, default_style='"'),
    "yaml (single quotes)": lambda s: yaml.safe_dump({"password": s}, default_style="'"),
    "shell": lambda s: "psql --password=" + shlex.quote(s),
    "url": lambda s: "postgres://temporal:%s@db:5432/temporal" % urllib.parse.quote(s, safe=""),
    "base64, offset 0": lambda s: base64.b64encode(s.encode()).decode(),
    "base64, offset 1": lambda s: base64.b64encode(b"x" + s.encode() + b"y").decode(),
    "base64, offset 2": lambda s: base64.b64encode(b"user:" + s.encode()).decode(),
    "the server's environment file": lambda s: render_role_template(
        "temporal_server", "env.j2", temporal_server_db_password=s, temporal_server_visibility_db_password=""),
    "a unit's ExecStart argument": lambda s: render_role_template(
        "temporal_worker", "dropin.conf.j2", temporal_systemd_dropin={
            "exec_start": ["/bin/t", "--password", s], "user": "u", "group": "g"}),
    "a unit's Environment= line": lambda s: render_role_template(
        "temporal_worker", "dropin.conf.j2", temporal_systemd_dropin={
            "exec_start": ["/bin/t"], "user": "u", "group": "g", "environment": {"NOTE": s}}),
}


@pytest.mark.parametrize("secret", SECRETS, ids=["marker", "rotated"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_the_hunt_finds_the_secret_as_it_is_written(writer, secret):
    written = WRITERS[writer](secret)
    assert secret_hunt.found_in(written, secret), written


def test_the_hunt_finds_nothing_where_the_secret_is_not():
    text = json.dumps({"password": "another one", "note": "TEMPORALOPS"}) + base64.b64encode(b"x" * 64).decode()
    assert not any(secret_hunt.found_in(text, s) for s in SECRETS)


LOOP_OUTPUT = """
TASK [temporalops.temporal.temporal_server : Check the server settings] ****
ok: [db] => (item=temporal_server_num_history_shards)
failed: [srv] (item=temporal_server_num_history_shards) => %s
fatal: [db]: FAILED! => {"changed": false, "msg": "Could not read \\"http://127.0.0.1:9/checksums.txt\\""}
fatal: [db]: FAILED! => {"changed": false, "msg": "an ignored failure"}
...ignoring

PLAY RECAP *****
db                         : ok=3    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
srv                        : ok=7    changed=2    unreachable=0    failed=1    skipped=1    rescued=0    ignored=0
""" % json.dumps({"ansible_loop_var": "item", "changed": False, "evaluated_to": False,
                  "item": {"setting": "temporal_server_num_history_shards"},
                  "msg": "temporal_server_num_history_shards must be a positive number of shards (got 0)"})


def test_failure_messages_hold_the_message_not_the_label():
    messages = play_output.failure_messages(LOOP_OUTPUT)
    assert any("must be a positive number of shards" in m for m in messages)
    # JSON-decoded: the quotes a message holds read as written.
    assert 'Could not read "http://127.0.0.1:9/checksums.txt"' in messages
    # The label of the passing item above the failure is in no message, nor is a failure
    # Ansible ignored, nor what the result holds beside its message (its item).
    assert not any(m == "temporal_server_num_history_shards" for m in messages)
    assert "an ignored failure" not in messages
    assert not any('"setting"' in m for m in messages)


def test_recap_reads_each_host():
    assert play_output.recap(LOOP_OUTPUT) == {
        "db": {"ok": 3, "changed": 0, "unreachable": 0, "failed": 1, "skipped": 0, "rescued": 0, "ignored": 0},
        "srv": {"ok": 7, "changed": 2, "unreachable": 0, "failed": 1, "skipped": 1, "rescued": 0, "ignored": 0}}
    assert play_output.recap_changed(LOOP_OUTPUT) == 2


CHANGED_OUTPUT = """
TASK [temporalops.temporal.temporal_server : Write this node's certificate] ****
changed: [node1]
ok: [node2]

TASK [temporalops.temporal.temporal_ui : Write the TLS files] ****
ok: [db] => (item=ca.pem)
changed: [db] => (item=cert.pem)
changed: [db] => (item=key.pem)

TASK [temporalops.temporal.temporal_server : Read the units] ****
ok: [node1]

RUNNING HANDLER [temporalops.temporal.temporal_postgresql : Reload PostgreSQL] ****
changed: [db]

TASK [temporalops.temporal.temporal_server : Restart the units of node3 [roll]] ****
changed: [node1 -> node3]
"""


def test_changed_tasks_name_each_task_and_handler_with_its_hosts():
    assert play_output.changed_tasks(CHANGED_OUTPUT) == {
        "temporalops.temporal.temporal_server : Write this node's certificate": {"node1"},
        "temporalops.temporal.temporal_ui : Write the TLS files": {"db"},
        "temporalops.temporal.temporal_postgresql : Reload PostgreSQL": {"db"},
        # A name that holds brackets, and a result delegated to another host, as Ansible prints them.
        "temporalops.temporal.temporal_server : Restart the units of node3 [roll]": {"node1 -> node3"}}
    assert play_output.changed_tasks(LOOP_OUTPUT) == {}


class EchoAuthorization(http.server.BaseHTTPRequestHandler):
    """A page whose script asks /api for the Authorization header it came with and shows it."""

    def do_GET(self):  # pylint: disable=invalid-name
        if self.path == "/api":
            body, kind = json.dumps({"seen": self.headers.get("Authorization")}).encode(), "application/json"
        else:
            body, kind = (b"<html><body><p id=seen>waiting</p><script>fetch('/api').then(r => r.json()).then(j =>"
                          b" { document.getElementById('seen').textContent = 'header ' + j.seen; });</script></body></html>",
                          "text/html")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (tools/host-packages.sh)")
def test_the_browser_sends_its_header_with_the_pages_own_requests(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), EchoAuthorization)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    try:
        shown = devtools.render(url, tmp_path / "profile", headers={"Authorization": "Bearer a.b.c"}, until="header Bearer",
                                timeout=30, screenshot=str(tmp_path / "page.png"))
        assert "header Bearer a.b.c" in shown
        assert (tmp_path / "page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # Without it, none: the page shows what it saw (the script's own text has no '>header').
        assert '>header null<' in devtools.render(url, tmp_path / "profile", until=">header", timeout=30)
    finally:
        server.shutdown()
