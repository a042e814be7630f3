"""The worker role's settings as the role resolves and checks them (templates/workers.j2 and
checks.j2), rendered with the real Templar: what each worker runs and gets, and the message
each mistake gets, naming the worker and the setting."""

import json

from ansible_render import render_role_template

BASE = {"temporal_install_root": "/opt/temporal"}
PYTHON = {"module": "greeter.worker", "requirements": ["temporalio==1.35.0"]}


def resolved(workers, **settings):
    return json.loads(render_role_template("temporal_worker", "workers.j2", temporal_worker_instances=workers,
                                           **dict(BASE, **settings)))


def errors(workers, **settings):
    return json.loads(render_role_template("temporal_worker", "checks.j2", temporal_worker_instances=workers,
                                           **dict(BASE, **settings)))


def test_a_python_worker_runs_from_its_venv_with_envconfig():
    (w,) = resolved([{"name": "billing", "task_queue_prefix": "acme", "task_queue": "billing", "python": PYTHON,
                      "tuning": {"activity_pollers": {"min": 1, "initial": 2, "max": 8}}}],
                    temporal_worker_defaults={"address": "temporal.internal:7233", "namespace": "orders"})
    assert w["command"][1:] == ["-m", "greeter.worker"] and w["command"][0].startswith("/opt/temporal-workers/billing/venvs/")
    assert w["env"]["TEMPORAL_ADDRESS"] == "temporal.internal:7233" and w["env"]["TEMPORAL_NAMESPACE"] == "orders"
    assert w["env"]["TEMPORAL_TASK_QUEUE"] == "acme-billing"
    assert w["env"]["TEMPORAL_CONFIG_FILE"] == "/etc/temporal-worker/billing.toml"
    assert w["env"]["TEMPORAL_WORKER_ACTIVITY_POLLERS_AUTOSCALING"] == "1,2,8"
    assert w["env"]["TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT"] == "30" and w["timeout_stop_sec"] == "45s"
    assert "TEMPORAL_TLS" not in w["env"]  # unset: the SDK decides (on with an API key)
    assert w["user"] == w["group"] == "temporal-worker-billing"


def test_secrets_stay_out_of_the_resolved_workers():
    (w,) = resolved([{"name": "r", "command": "/usr/bin/true", "api_key": "SECRET-1", "grpc_meta": {"x-tenant": "SECRET-2"},
                      "tls": {"cert_file": "/etc/c.pem", "key": "SECRET-3"}, "secret_environment": {"DB": "SECRET-4"}}])
    assert "SECRET" not in json.dumps(w)
    assert sorted(w["secret_names"]) == ["DB", "TEMPORAL_API_KEY", "TEMPORAL_GRPC_META_X_TENANT"]
    assert w["env"]["TEMPORAL_TLS"] == "true" and w["env"]["TEMPORAL_TLS_CLIENT_KEY_PATH"] == "/etc/temporal-worker/r.tls.key"
    secrets = json.loads(render_role_template("temporal_worker", "secrets.j2", temporal_worker_instances=[
        {"name": "r", "api_key": "SECRET-1", "grpc_meta": {"x-tenant": "SECRET-2"}}], **BASE))
    assert secrets["r"]["env"] == {"TEMPORAL_API_KEY": "SECRET-1", "TEMPORAL_GRPC_META_X_TENANT": "SECRET-2"}


def test_tls_off_is_written_when_asked():
    (w,) = resolved([{"name": "r", "command": ["/usr/bin/true"], "tls": {"enabled": False}}])
    assert w["env"]["TEMPORAL_TLS"] == "false"


def test_good_settings_pass():
    assert errors([{"name": "a", "python": PYTHON}, {"name": "b", "command": ["/usr/bin/w", "--x"]}]) == []


def only(workers, **settings):
    found = errors(workers, **settings)
    assert len(found) == 1, found
    return found[0]


def test_each_mistake_names_the_worker_and_the_setting():
    cases = [
        ([{"name": "a", "python": PYTHON}, {"name": "a", "python": PYTHON, "task_queue": "x"}],
         "temporal_worker_instances[a].name: a names more than one worker"),
        ([{"name": "a", "python": PYTHON}, {"name": "b", "task_queue": "a", "command": "/usr/bin/w"}],
         "temporal_worker_instances[b].task_queue: a (namespace default) is the queue of worker a too"),
        ([{"name": "a"}], "temporal_worker_instances[a]: nothing to run"),
        ([{"name": "a", "command": "/usr/bin/w", "python": PYTHON}], "temporal_worker_instances[a]: python and command are set"),
        ([{"name": "a", "command": "w"}], "temporal_worker_instances[a].command: w must be an absolute path"),
        ([{"name": "a", "command": "/w", "tuning": {"max_concurent_activities": 3}}],
         "temporal_worker_instances[a].tuning: unknown keys max_concurent_activities"),
        ([{"name": "a", "command": "/w", "tuning": {"workflow_pollers": {"min": 3, "initial": 2, "max": 4}}}],
         "temporal_worker_instances[a].tuning.workflow_pollers autoscaling"),
        ([{"name": "a", "command": "/w", "tuning": {"graceful_stop_timeout": "soon"}}],
         "temporal_worker_instances[a].tuning.graceful_stop_timeout must be a positive number of seconds"),
        ([{"name": "a", "command": "/w", "tuning": {"build_id": "b1"}}],
         "temporal_worker_instances[a].tuning: deployment_name and build_id go together"),
        ([{"name": "a", "command": "/w", "tls": {"key_file": "/etc/k.pem"}}],
         "temporal_worker_instances[a].tls: a client key (key or key_file) needs its certificate"),
        ([{"name": "a", "command": "/w", "api_key": "k", "api_key_file": "/etc/k"}],
         "temporal_worker_instances[a]: api_key and api_key_file are two ways to give one key"),
        ([{"name": "a", "command": "/w", "profile": "prod"}], "temporal_worker_instances[a].profile prod needs config_file"),
        ([{"name": "a", "archive": {"url": "https://x.example/w.tar.gz", "binary": "w"}}],
         "temporal_worker_instances[a].archive.checksum must be sha256:"),
        ([{"name": "a", "python": {"module": "w"}}], "temporal_worker_instances[a].python.requirements"),
        ([{"name": "a", "python": dict(PYTHON, requirements="/no/such/requirements.txt")}],
         "temporal_worker_instances[a].python.requirements: /no/such/requirements.txt is not on the controller"),
        ([{"name": "Billing", "command": "/w"}], 'temporal_worker_instances[Billing].name "Billing" must be lower-case'),
        ([{"name": "a-very-long-worker-name", "command": "/w"}], "temporal_worker_instances[a-very-long-worker-name].user"),
        ([{"name": "a", "command": "/w", "address": "temporal.internal"}], "temporal_worker_instances[a].address"),
        ([{"name": "a", "command": "/w", "namespace": ""}], 'temporal_worker_instances[a].namespace "" must be a namespace'),
        ([{"name": "a", "command": "/w", "config_file": "/etc/t.toml", "profile": "prod", "address": "t:7233"}],
         "temporal_worker_instances[a]: with config_file, set address and namespace too"),
        ([{"name": "a", "command": "/w", "grpc_meta": {"x_tenant": "t"}}],
         'temporal_worker_instances[a].grpc_meta: the header name "x_tenant" must be letters, digits and -'),
        ([{"name": "a", "command": "/w", "grpc_meta": {"X-Tenant": "t", "x-tenant": "u"}}],
         "temporal_worker_instances[a].grpc_meta: the header x-tenant is given more than once"),
        ([{"name": "a", "command": "/w", "grpc_meta": {"x-tenant": ""}}], "temporal_worker_instances[a].grpc_meta.x-tenant is empty"),
        ([{"name": "a", "command": "/w", "environment": {"TEMPORAL_API_KEY": "k"}}],
         "temporal_worker_instances[a].environment: TEMPORAL_API_KEY is a secret and the unit is world-readable"),
        ([{"name": "a", "command": "/w", "tls": {"cert_file": "/etc/c.pem", "key": "k"}, "group": "apps"},
          {"name": "b", "command": "/w", "group": "apps"}],
         "temporal_worker_instances[a].tls.key: the key file is readable by the group apps, which other workers share"),
        ([{"name": "a", "command": "/w", "tuning": {"deployment_name": "d", "build_id": 42}}],
         "temporal_worker_instances[a].tuning.build_id must be a name without spaces"),
    ]
    for workers, message in cases:
        assert message in only(workers), (message, errors(workers))


def test_shared_queues_can_be_allowed():
    workers = [{"name": "a", "command": "/w"}, {"name": "b", "task_queue": "a", "command": "/w"}]
    assert errors(workers, temporal_worker_allow_shared_queues=True) == []


def test_unknown_defaults_are_refused():
    assert "temporal_worker_defaults: unknown keys adress" in only([], temporal_worker_defaults={"adress": "x:1"})


def test_a_profile_file_takes_the_connection_from_the_worker_or_the_defaults():
    worker = {"name": "a", "command": "/w", "config_file": "/etc/t.toml", "profile": "prod"}
    assert errors([dict(worker, address="t:7233", namespace="orders")]) == []
    assert errors([worker], temporal_worker_defaults={"address": "t:7233", "namespace": "orders"}) == []


def test_where_a_worker_runs_from():
    python_from_index, copied, command = resolved([
        {"name": "p", "python": PYTHON},
        {"name": "f", "command": "/opt/temporal-workers/f/app/bin/w", "files": {"src": "/"}},
        {"name": "c", "command": "/usr/local/bin/wippy run"}])
    # No source: nothing creates the app directory, so the worker runs in its own state directory.
    assert python_from_index["working_dir"] == "/var/lib/temporal-worker/p"
    assert copied["working_dir"] == "/opt/temporal-workers/f/app"
    # A program copied with files is checked once copied (configure.yml), not before.
    assert copied["host_files"] == []
    assert command["host_files"] == [["temporal_worker_instances[c].command", "/usr/local/bin/wippy", "-x"]]
