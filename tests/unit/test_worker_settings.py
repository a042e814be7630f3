"""The worker role's settings as the role resolves and checks them (plugins/module_utils/
worker_model.py and worker_checks.py, run once per host by the action worker_plan): what each
worker runs and gets, and the message each mistake gets, naming the worker and the setting.

The expected models and messages were computed with the Jinja templates these replace
(workers.j2, checks.j2, secrets.j2) on the same inputs, so the port changes no worker."""

import json
import os
import pathlib
import tarfile

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import action_loader, filter_loader, fragment_loader
from ansible.template import Templar, trust_as_template
from ansible.utils.plugin_docs import get_docstring

from ansible_collections.temporalops.temporal.plugins.module_utils import worker_checks, worker_model
from ansible_collections.temporalops.temporal.plugins.modules import worker_plan as worker_plan_module

try:
    from unittest import mock
except ImportError:  # pragma: no cover
    import mock

ROOT_DIR = pathlib.Path(__file__).parents[2]
ROLE = ROOT_DIR / "roles" / "temporal_worker"
PLACES = dict(root="/opt/temporal-workers", config_dir="/etc/temporal-worker", install_root="/opt/temporal", service="temporal-worker")
PYTHON = {"module": "greeter.worker", "requirements": ["temporalio==1.35.0"]}
SHA = "sha256:" + "ab" * 32
ARCHIVE = {"url": "https://x.example/w-1.0.tar.gz", "checksum": SHA, "binary": "bin/w"}


def resolved(workers, defaults=None, found=None, files=None):
    """The workers as the role resolves them; FOUND maps controller paths to what is found, FILES their text."""
    return worker_model.resolve(workers, {} if defaults is None else defaults, PLACES["root"], PLACES["config_dir"],
                                PLACES["install_root"], PLACES["service"], found or {}, files or {})


def errors(workers, defaults=None, allow_shared_queues=False, found=None):
    """The messages of the checks, as the action plugin gets them (no model when the shapes are wrong)."""
    defaults = {} if defaults is None else defaults
    model = [] if worker_checks.input_errors(workers, defaults) else resolved(workers, defaults, found)
    return worker_checks.check(model, workers, defaults, PLACES["service"], allow_shared_queues)


def only(workers, **settings):
    found = errors(workers, **settings)
    assert len(found) == 1, found
    return found[0]


def test_a_python_worker_runs_from_its_venv_with_envconfig():
    (w,) = resolved([{"name": "billing", "task_queue_prefix": "acme", "task_queue": "billing", "python": PYTHON,
                      "tuning": {"activity_pollers": {"min": 1, "initial": 2, "max": 8}}}],
                    {"address": "temporal.internal:7233", "namespace": "orders"})
    assert w["command"][1:] == ["-m", "greeter.worker"] and w["command"][0].startswith("/opt/temporal-workers/billing/venvs/")
    assert w["env"]["TEMPORAL_ADDRESS"] == "temporal.internal:7233" and w["env"]["TEMPORAL_NAMESPACE"] == "orders"
    assert w["env"]["TEMPORAL_TASK_QUEUE"] == "acme-billing"
    assert w["env"]["TEMPORAL_CONFIG_FILE"] == "/etc/temporal-worker/billing.toml"
    assert w["env"]["TEMPORAL_WORKER_ACTIVITY_POLLERS_AUTOSCALING"] == "1,2,8"
    assert w["env"]["TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT"] == "30" and w["timeout_stop_sec"] == "45s"
    assert "TEMPORAL_TLS" not in w["env"]  # unset: the SDK decides (on with an API key)
    assert w["user"] == w["group"] == "temporal-worker-billing"


def test_a_certificate_and_ca_given_as_text_are_written_beside_the_key_and_read_from_there():
    tls = {"cert": "CERT-TEXT", "ca": "CA-TEXT", "key": "KEY-TEXT"}
    (w,) = resolved([{"name": "g", "command": "/w"}], {"tls": tls})
    assert "TEXT" not in json.dumps(w)
    assert w["tls"] == {"cert_file": "/etc/temporal-worker/g.tls.crt", "ca_file": "/etc/temporal-worker/g.tls.ca.pem"}
    assert w["tls_texts"] == [{"path": "/etc/temporal-worker/g.tls.crt", "kind": "cert"},
                              {"path": "/etc/temporal-worker/g.tls.ca.pem", "kind": "ca"}]
    assert w["env"]["TEMPORAL_TLS_CLIENT_CERT_PATH"] == "/etc/temporal-worker/g.tls.crt"
    assert w["env"]["TEMPORAL_TLS_SERVER_CA_CERT_PATH"] == "/etc/temporal-worker/g.tls.ca.pem"
    assert w["env"]["TEMPORAL_TLS_CLIENT_KEY_PATH"] == "/etc/temporal-worker/g.tls.key"
    # Written by the role: not checked as files the user put on the host.
    assert w["host_files"] == [["temporal_worker_instances[g].command", "/w", "-x"]]
    secrets = worker_model.secrets([{"name": "g"}], {"tls": tls})
    assert (secrets["g"]["tls_cert"], secrets["g"]["tls_ca"], secrets["g"]["tls_key"]) == ("CERT-TEXT", "CA-TEXT", "KEY-TEXT")
    assert errors([{"name": "g", "command": "/w"}], {"tls": tls}) == []


def test_a_certificate_given_both_as_text_and_as_a_file_is_refused():
    message = only([{"name": "g", "command": "/w", "tls": {"cert": "C", "cert_file": "/etc/c.pem", "key_file": "/etc/k.pem"}}])
    assert message == ("temporal_worker_instances[g].tls: cert (the text itself) and cert_file (a file on the host) are two ways"
                       " to give one certificate; set one.")


def test_secrets_stay_out_of_the_resolved_workers():
    (w,) = resolved([{"name": "r", "command": "/usr/bin/true", "api_key": "SECRET-1", "grpc_meta": {"x-tenant": "SECRET-2"},
                      "tls": {"cert_file": "/etc/c.pem", "key": "SECRET-3"}, "secret_environment": {"DB": "SECRET-4"}}])
    assert "SECRET" not in json.dumps(w)
    assert sorted(w["secret_names"]) == ["DB", "TEMPORAL_API_KEY", "TEMPORAL_GRPC_META_X_TENANT"]
    assert w["env"]["TEMPORAL_TLS"] == "true" and w["env"]["TEMPORAL_TLS_CLIENT_KEY_PATH"] == "/etc/temporal-worker/r.tls.key"
    secrets = worker_model.secrets([{"name": "r", "api_key": "SECRET-1", "grpc_meta": {"x-tenant": "SECRET-2"}}], {})
    assert secrets["r"]["env"] == {"TEMPORAL_API_KEY": "SECRET-1", "TEMPORAL_GRPC_META_X_TENANT": "SECRET-2"}


def test_an_api_key_file_is_checked_as_the_workers_user():
    """usable.yml tests each host file as the worker's user: a key file only root reads is refused."""
    (w,) = resolved([{"name": "r", "command": "/usr/bin/true", "api_key_file": "/etc/temporal/keys/r"}])
    assert ["temporal_worker_instances[r].api_key_file", "/etc/temporal/keys/r", "-r"] in w["host_files"]


def test_tls_off_is_written_when_asked():
    (w,) = resolved([{"name": "r", "command": ["/usr/bin/true"], "tls": {"enabled": False}}])
    assert w["env"]["TEMPORAL_TLS"] == "false"


@pytest.mark.parametrize(("given", "disabled"), [(True, True), ("true", True), ("yes", True), (False, False),
                                                 ("false", False), ("no", False), ("False", False)])
def test_host_verification_is_off_only_when_asked_in_any_spelling(given, disabled):
    """A string from -e or a template counts as what it says: 'false' keeps the check."""
    (w,) = resolved([{"name": "r", "command": ["/usr/bin/true"], "tls": {"ca_file": "/ca.pem", "disable_host_verification": given}}])
    assert ("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION" in w["env"]) is disabled, w["env"]


def test_good_settings_pass():
    assert errors([{"name": "a", "python": PYTHON}, {"name": "b", "command": ["/usr/bin/w", "--x"]}]) == []


def test_each_mistake_names_the_worker_and_the_setting():
    cases = [
        ([{"name": "a", "python": PYTHON}, {"name": "a", "python": PYTHON, "task_queue": "x"}],
         "temporal_worker_instances[a].name: a names more than one worker"),
        ([{"name": "a", "python": PYTHON}, {"name": "b", "task_queue": "a", "command": "/usr/bin/w"}],
         "temporal_worker_instances[b].task_queue: a (namespace default) is the queue of worker a too"),
        ([{"name": "a"}], "temporal_worker_instances[a]: nothing to run"),
        ([{"name": "a", "command": "/usr/bin/w", "python": PYTHON}], "temporal_worker_instances[a]: python and command are set"),
        ([{"name": "a", "command": "w"}], "temporal_worker_instances[a].command: w must be an absolute path"),
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
    assert errors(workers, allow_shared_queues=True) == []


def spec_errors(**variables):
    """What Ansible's check of the role's meta/argument_specs.yml says of VARIABLES (it runs before the role)."""
    with open(ROLE / "meta" / "argument_specs.yml", encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    return [str(error) for error in ArgumentSpecValidator(options).validate(variables).errors]


def test_the_argument_spec_owns_the_keys_of_every_setting_and_of_the_defaults():
    (message,) = spec_errors(
        temporal_worker_defaults={"adress": "x:1", "name": "n", "python": {"modul": "m"}},
        temporal_worker_instances=[{"name": "a", "colour": "red", "tuning": {"max_concurent_activities": 1}, "tls": {"crt": "/c"},
                                    "archive": {"size": 1}, "files": {"source": "x"}, "codec": {"token": "t"}}])
    named = message.split(". Supported parameters")[0].split(", ")
    assert sorted(named) == ["temporal_worker_defaults.adress", "temporal_worker_defaults.name", "temporal_worker_defaults.python.modul",
                             "temporal_worker_instances.archive.size", "temporal_worker_instances.codec.token",
                             "temporal_worker_instances.colour", "temporal_worker_instances.files.source",
                             "temporal_worker_instances.tls.crt", "temporal_worker_instances.tuning.max_concurent_activities"]
    assert spec_errors(temporal_worker_instances=[{"name": "a", "state": "gone"}]) == [
        "value of state must be one of: present, absent, got: gone found in temporal_worker_instances"]
    assert "max_concurrent_activities" in spec_errors(temporal_worker_instances=[{"name": "a", "tuning": {"max_concurrent_activities": "x"}}])[0]


def test_the_settings_are_written_once_for_the_workers_and_their_defaults():
    with open(ROLE / "meta" / "argument_specs.yml", encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    worker, defaults = options["temporal_worker_instances"]["options"], options["temporal_worker_defaults"]["options"]
    assert set(worker) - set(defaults) == {"name"} and all(worker[key] is defaults[key] for key in defaults)
    # The model maps each tuning key the spec has to its variable.
    assert set(defaults["tuning"]["options"]) == set(worker_model.TUNING_VARS)


def test_the_scenario_settings_pass_the_argument_spec():
    group = yaml.safe_load((ROOT_DIR / "molecule" / "workers" / "molecule.yml").read_text())["provisioner"]["inventory"]["group_vars"]
    settings = group["temporal_workers"]
    assert spec_errors(temporal_worker_instances=settings["temporal_worker_instances"],
                       temporal_worker_defaults=settings["temporal_worker_defaults"]) == []


def test_tuning_numbers_given_as_text_are_read_as_numbers():
    """-e and templated values arrive as text: '20' is the number 20; 'x' is still refused."""
    workers = [{"name": "a", "command": "/w", "tuning": {"max_concurrent_activities": "20", "activities_per_second": "2.5",
                                                         "workflow_pollers": {"min": "1", "initial": "2", "max": "4"}}}]
    assert errors(workers) == []
    (w,) = resolved(workers)
    assert w["env"]["TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES"] == "20" and w["env"]["TEMPORAL_WORKER_ACTIVITIES_PER_SECOND"] == "2.5"
    assert w["env"]["TEMPORAL_WORKER_WORKFLOW_POLLERS_AUTOSCALING"] == "1,2,4"
    (w,) = resolved([dict(workers[0], tuning={"graceful_stop_timeout": "20"})])
    assert w["env"]["TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT"] == "20" and w["timeout_stop_sec"] == "35s"
    for value in ("x", "2.5", "nan", True):
        assert "tuning.max_concurrent_activities must be a whole number" in only([dict(workers[0], tuning={"max_concurrent_activities": value})])
    assert "must be a positive number" in only([dict(workers[0], tuning={"activities_per_second": "inf"})])


def test_a_profile_file_takes_the_connection_from_the_worker_or_the_defaults():
    worker = {"name": "a", "command": "/w", "config_file": "/etc/t.toml", "profile": "prod"}
    assert errors([dict(worker, address="t:7233", namespace="orders")]) == []
    assert errors([worker], defaults={"address": "t:7233", "namespace": "orders"}) == []


def test_where_a_worker_runs_from():
    python_from_index, copied, command = resolved([
        {"name": "p", "python": PYTHON},
        {"name": "f", "command": "/opt/temporal-workers/f/app/bin/w", "files": {"src": "/"}},
        {"name": "c", "command": "/usr/local/bin/wippy run"}], found={"/": "/"})
    # No source: nothing creates the app directory, so the worker runs in its own state directory.
    assert python_from_index["working_dir"] == "/var/lib/temporal-worker/p"
    assert copied["working_dir"] == "/opt/temporal-workers/f/app"
    # A program copied with files is checked once copied (configure.yml), not before.
    assert copied["host_files"] == []
    assert command["host_files"] == [["temporal_worker_instances[c].command", "/usr/local/bin/wippy", "-x"]]


# The venv directory is named by a digest of Ansible's to_json of [requirements, interpreter,
# pip_args]; these names are what the Jinja version gave, so installed venvs stay in use.
@pytest.mark.parametrize(("python", "files", "venv"), [
    (PYTHON, {}, "/opt/temporal-workers/w/venvs/1df35ca75c89"),
    ({"module": "m", "requirements": ["temporalio==1.35.0", "pydantic>=2"], "interpreter": "/usr/bin/python3.11",
      "pip_args": ["--index-url", "https://pypi.internal/simple", u"x\u00e9"]}, {}, "/opt/temporal-workers/w/venvs/ce7ba39c93e9"),
    ({"module": "m", "requirements": "reqs.txt", "interpreter": "/usr/bin/python3.11", "pip_args": ["--pre"]},
     {"/ctl/reqs.txt": "temporalio==1.35.0\n\n# pinned\n"}, "/opt/temporal-workers/w/venvs/7ad6496b78a4"),
], ids=["list", "interpreter-pip-args-non-ascii", "requirements-file"])
def test_venv_names_stay_as_they_were(python, files, venv):
    (w,) = resolved([{"name": "w", "python": python}], found={"reqs.txt": "/ctl/reqs.txt"}, files=files)
    assert w["venv"] == venv and w["command"][0] == venv + "/bin/python"


def test_the_venv_digest_is_of_ansibles_to_json():
    assert worker_model.to_json(["a", "/usr/bin/python3", [u"\u00e9"]]) == '["a", "/usr/bin/python3", ["\\u00e9"]]'


def test_the_requirements_file_is_read_once_found():
    read = []
    (w,) = resolved([{"name": "w", "python": {"module": "m", "requirements": "files/reqs.txt"}}], found={"files/reqs.txt": "/role/files/reqs.txt"},
                    files=lambda path: read.append(path) or "temporalio\n")
    assert read == ["/role/files/reqs.txt"] and w["requirements_text"] == "temporalio\n"
    assert w["found"] == {"python.requirements": "/role/files/reqs.txt"}
    assert worker_model.controller_paths([{"name": "w", "python": {"source": "src/", "requirements": ["x"]}, "files": {"src": "src/"}}], {}) == ["src/"]


# Whole workers as the Jinja version resolved them: every key the tasks and templates read.
PYTHON_WORKER = (
    {"name": "billing", "task_queue_prefix": "acme", "task_queue": "billing",
     "python": {"module": "greeter.worker", "requirements": "/srv/controller/requirements.txt", "source": "/srv/controller/src/",
                "wheelhouse": "/srv/controller/wheels", "pip_args": ["--pre"], "interpreter": "/usr/bin/python3.11"},
     "tuning": {"activity_pollers": {"min": 1, "initial": 2, "max": 8}, "workflow_pollers": 3, "max_concurrent_activities": 200,
                "activities_per_second": 2.5, "graceful_stop_timeout": 12.5, "deployment_name": "d", "build_id": "b1",
                "sticky_schedule_to_start_timeout": None},
     "environment": {"EXTRA": 5, "OTHER": "x y"}, "restart_sec": 2.5, "health_check": "no", "hardening": {"MemoryDenyWriteExecute": "no"},
     "read_write_paths": ["/var/tmp/x"]},
    {"address": "temporal.internal:7233", "namespace": "orders", "tuning": {"max_concurrent_workflow_tasks": 9}},
    {"name": "billing", "raw_user": "", "has_api_key": False, "state": "present", "unit": "temporal-worker@billing.service", "queue": "acme-billing",
     "address": "temporal.internal:7233", "connection_set": ["address", "namespace"], "namespace": "orders", "user": "temporal-worker-billing",
     "group": "temporal-worker-billing", "home": "/opt/temporal-workers/billing", "deliveries": ["python"],
     "python": {"module": "greeter.worker", "requirements": "/srv/controller/requirements.txt", "source": "/srv/controller/src/",
                "wheelhouse": "/srv/controller/wheels", "pip_args": ["--pre"], "interpreter": "/usr/bin/python3.11"},
     "requirements_text": "temporalio==1.35.0\n\n# pinned\n", "venv": "/opt/temporal-workers/billing/venvs/7ad6496b78a4",
     "node": {}, "node_build": {}, "archive": {},
     "archive_version": "", "archive_dir": "/opt/temporal/workers/billing/", "files": {}, "copied_program": "",
     "app_dir": "/opt/temporal-workers/billing/app",
     "found": {"python.source": "/srv/controller/src", "python.requirements": "/srv/controller/requirements.txt",
               "python.wheelhouse": "/srv/controller/wheels"},
     "command": ["/opt/temporal-workers/billing/venvs/7ad6496b78a4/bin/python", "-m", "greeter.worker"],
     "working_dir": "/opt/temporal-workers/billing/app", "config_file": "/etc/temporal-worker/billing.toml", "own_config_file": True,
     "profile": "", "tls": {}, "has_tls_key": False,
     "tls_given_twice": [], "tls_texts": [], "tls_on": None, "tls_keys_set": False, "key_file": "", "api_key_file": "",
     "env": {"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_NAMESPACE": "orders", "TEMPORAL_TASK_QUEUE": "acme-billing",
             "TEMPORAL_CONFIG_FILE": "/etc/temporal-worker/billing.toml", "TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT": "12.5",
             "TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS": "9", "TEMPORAL_WORKER_ACTIVITY_POLLERS_AUTOSCALING": "1,2,8",
             "TEMPORAL_WORKER_WORKFLOW_POLLERS": "3", "TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES": "200",
             "TEMPORAL_WORKER_ACTIVITIES_PER_SECOND": "2.5", "TEMPORAL_WORKER_DEPLOYMENT_NAME": "d", "TEMPORAL_WORKER_BUILD_ID": "b1",
             "PYTHONUNBUFFERED": "1", "EXTRA": 5, "OTHER": "x y"},
     "secret_names": [], "grpc_headers": [], "grpc_headers_empty": [],
     "tuning": {"graceful_stop_timeout": 12.5, "max_concurrent_workflow_tasks": 9, "activity_pollers": {"min": 1, "initial": 2, "max": 8},
                "workflow_pollers": 3, "max_concurrent_activities": 200, "activities_per_second": 2.5, "deployment_name": "d", "build_id": "b1",
                "sticky_schedule_to_start_timeout": None},
     "graceful_stop_timeout": 12.5, "timeout_stop_sec": "27s", "restart_sec": "2.5s", "health_check": False, "identity": "", "identity_pattern": "",
     "hardening": {"MemoryDenyWriteExecute": "no"}, "read_write_paths": ["/var/tmp/x"],
     "host_files": [["temporal_worker_instances[billing].python.interpreter", "/usr/bin/python3.11", "-x"]],
     "program": ["temporal_worker_instances[billing].command", "/opt/temporal-workers/billing/venvs/7ad6496b78a4/bin/python", "-x"],
     "env_file": "/etc/temporal-worker/billing.env", "dropin_dir": "/etc/systemd/system/temporal-worker@billing.service.d"},
)
TLS_WORKER = (
    {"name": "t", "command": "/w", "tls": {"cert_file": "/etc/c.pem", "key": "KEY", "ca_file": "/etc/ca.pem", "server_name": "srv",
                                           "disable_host_verification": True}},
    {},
    {"name": "t", "raw_user": "", "has_api_key": False, "state": "present",
     "unit": "temporal-worker@t.service", "queue": "t", "address": "127.0.0.1:7233", "connection_set": [], "namespace": "default",
     "user": "temporal-worker-t", "group": "temporal-worker-t", "home": "/opt/temporal-workers/t", "deliveries": ["command"], "python": {},
     "requirements_text": "", "venv": "/opt/temporal-workers/t/venvs/38535dbe2317", "node": {}, "node_build": {}, "archive": {}, "archive_version": "",
     "archive_dir": "/opt/temporal/workers/t/", "files": {}, "copied_program": "", "app_dir": "/opt/temporal-workers/t/app", "found": {},
     "command": ["/w"], "working_dir": "/var/lib/temporal-worker/t", "config_file": "/etc/temporal-worker/t.toml", "own_config_file": True,
     "profile": "", "tls": {"cert_file": "/etc/c.pem", "ca_file": "/etc/ca.pem", "server_name": "srv", "disable_host_verification": True},
     "has_tls_key": True,
     "tls_given_twice": [], "tls_texts": [], "tls_on": True, "tls_keys_set": True, "key_file": "/etc/temporal-worker/t.tls.key", "api_key_file": "",
     "env": {"TEMPORAL_ADDRESS": "127.0.0.1:7233", "TEMPORAL_NAMESPACE": "default", "TEMPORAL_TASK_QUEUE": "t",
             "TEMPORAL_CONFIG_FILE": "/etc/temporal-worker/t.toml", "TEMPORAL_TLS": "true", "TEMPORAL_TLS_CLIENT_CERT_PATH": "/etc/c.pem",
             "TEMPORAL_TLS_CLIENT_KEY_PATH": "/etc/temporal-worker/t.tls.key", "TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/etc/ca.pem",
             "TEMPORAL_TLS_SERVER_NAME": "srv", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "true", "TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT": "30"},
     "secret_names": [], "grpc_headers": [], "grpc_headers_empty": [], "tuning": {"graceful_stop_timeout": 30}, "graceful_stop_timeout": 30,
     "timeout_stop_sec": "45s", "restart_sec": "5s", "health_check": True, "identity": "", "identity_pattern": "", "hardening": {}, "read_write_paths": [],
     "host_files": [["temporal_worker_instances[t].tls.cert_file", "/etc/c.pem", "-r"], ["temporal_worker_instances[t].tls.ca_file", "/etc/ca.pem", "-r"],
                    ["temporal_worker_instances[t].command", "/w", "-x"]],
     "program": ["temporal_worker_instances[t].command", "/w", "-x"], "env_file": "/etc/temporal-worker/t.env",
     "dropin_dir": "/etc/systemd/system/temporal-worker@t.service.d"},
)
# Nulls where dicts and lists go, over defaults: each falls back as the Jinja version's `or {}` did.
NULLS_WORKER = (
    {"name": "b", "tls": {"enabled": None}, "environment": None, "hardening": None, "read_write_paths": None, "codec": None, "grpc_meta": None,
     "secret_environment": None, "tuning": None},
    {"command": ["/usr/bin/w"], "tls": {"server_name": "s"}, "environment": {"A": "1"}, "tuning": {"max_concurrent_activities": 5}},
    {"name": "b", "raw_user": "", "has_api_key": False, "state": "present", "unit": "temporal-worker@b.service", "queue": "b", "address": "127.0.0.1:7233",
     "connection_set": [], "namespace": "default", "user": "temporal-worker-b", "group": "temporal-worker-b", "home": "/opt/temporal-workers/b",
     "deliveries": ["command"], "python": {}, "requirements_text": "", "venv": "/opt/temporal-workers/b/venvs/38535dbe2317",
     "node": {}, "node_build": {}, "archive": {},
     "archive_version": "", "archive_dir": "/opt/temporal/workers/b/", "files": {}, "copied_program": "", "app_dir": "/opt/temporal-workers/b/app",
     "found": {}, "command": ["/usr/bin/w"], "working_dir": "/var/lib/temporal-worker/b", "config_file": "/etc/temporal-worker/b.toml",
     "own_config_file": True, "profile": "", "tls": {"server_name": "s", "enabled": None}, "has_tls_key": False,
     "tls_given_twice": [], "tls_texts": [], "tls_on": True,
     "tls_keys_set": True, "key_file": "", "api_key_file": "",
     "env": {"TEMPORAL_ADDRESS": "127.0.0.1:7233", "TEMPORAL_NAMESPACE": "default", "TEMPORAL_TASK_QUEUE": "b",
             "TEMPORAL_CONFIG_FILE": "/etc/temporal-worker/b.toml", "TEMPORAL_TLS": "true", "TEMPORAL_TLS_SERVER_NAME": "s"},
     "secret_names": [], "grpc_headers": [], "grpc_headers_empty": [], "tuning": {}, "graceful_stop_timeout": 30, "timeout_stop_sec": "45s",
     "restart_sec": "5s", "health_check": True, "identity": "", "identity_pattern": "", "hardening": {}, "read_write_paths": [],
     "host_files": [["temporal_worker_instances[b].command", "/usr/bin/w", "-x"]], "program": ["temporal_worker_instances[b].command", "/usr/bin/w", "-x"],
     "env_file": "/etc/temporal-worker/b.env", "dropin_dir": "/etc/systemd/system/temporal-worker@b.service.d"},
)


@pytest.mark.parametrize(("raw", "defaults", "expected"), [PYTHON_WORKER, TLS_WORKER, NULLS_WORKER], ids=["python", "tls", "nulls"])
def test_whole_workers_as_the_templates_resolved_them(raw, defaults, expected):
    found = {"/srv/controller/src/": "/srv/controller/src", "/srv/controller/requirements.txt": "/srv/controller/requirements.txt",
             "/srv/controller/wheels": "/srv/controller/wheels"}
    (w,) = resolved([raw], defaults, found, {"/srv/controller/requirements.txt": "temporalio==1.35.0\n\n# pinned\n"})
    assert w == expected
    # Key order too: it is the order of the environment the drop-in lists.
    assert json.dumps(w) == json.dumps(expected)


def test_the_model_shares_nothing_with_the_settings():
    raw = {"name": "a", "command": ["/w"], "python": dict(PYTHON), "tls": {"ca_file": "/etc/ca.pem"}}
    (w,) = resolved([raw])
    w["python"]["module"] = "changed"
    w["tls"]["ca_file"] = "changed"
    assert raw["python"]["module"] == "greeter.worker" and raw["tls"]["ca_file"] == "/etc/ca.pem"
    assert worker_model.BUILTIN["tuning"] == {"graceful_stop_timeout": 30}


def test_secrets_by_worker_name():
    secrets = worker_model.secrets([{"name": "a", "command": "/w", "api_key": "K", "codec": {"endpoint": "https://codec", "auth": "A"},
                                     "grpc_meta": {"x-tenant": "T", "Other-H": 5}, "secret_environment": {"DB": "pw", "N": 3}},
                                    {"name": "b", "tls": {"key": "TK"}}], {"secret_environment": {"SHARED": "s"}})
    assert json.dumps(secrets) == json.dumps({
        "a": {"env": {"TEMPORAL_API_KEY": "K", "TEMPORAL_CODEC_AUTH": "A", "TEMPORAL_GRPC_META_X_TENANT": "T", "TEMPORAL_GRPC_META_OTHER_H": "5",
                      "SHARED": "s", "DB": "pw", "N": 3},
              "api_key": "K", "grpc_meta": {"x-tenant": "T", "Other-H": 5}, "tls_key": "", "tls_cert": "", "tls_ca": ""},
        "b": {"env": {"SHARED": "s"}, "api_key": "", "grpc_meta": {}, "tls_key": "TK", "tls_cert": "", "tls_ca": ""}})


def test_the_secrets_filter_through_ansible():
    templar = Templar(loader=DataLoader(), variables={"instances": [{"name": "a", "api_key": "K"}], "defaults": {"tls": {"key": "TK"}}})
    secrets = templar.template(trust_as_template("{{ instances | temporalops.temporal.worker_secrets(defaults) }}"))
    assert secrets == {"a": {"env": {"TEMPORAL_API_KEY": "K"}, "api_key": "K", "grpc_meta": {}, "tls_key": "TK", "tls_cert": "", "tls_ca": ""}}
    # Through the plugin loader (importing the plugin packages directly would confuse Ansible's collection loader).
    secrets_filter = filter_loader.get("temporalops.temporal.worker_secrets").j2_function
    assert secrets_filter([{"name": "a"}]) == {"a": {"env": {}, "api_key": "", "grpc_meta": {}, "tls_key": "", "tls_cert": "", "tls_ca": ""}}


def test_every_file_written_from_text_is_one_item_with_its_content_and_the_readers_restart():
    """What file_contents writes in one call: the secrets file of each worker (as secrets_env
    renders it, an API key read from a file included), the key given as text (its group may read
    it) and the certificate and CA given as text, each trimmed to one newline. A worker whose
    files are all kept does not restart."""
    workers = [{"name": "a", "command": "/w", "api_key": "K", "tls": {"key": "  KEY\n", "cert": " CERT", "ca": "CA\n\n"}},
               {"name": "b", "command": "/w", "api_key_file": "/etc/b.api", "tls": {"key_file": "/etc/b.key", "cert_file": "/etc/b.pem"}}]
    model = resolved(workers)
    secrets = worker_model.secrets(workers, {})
    wanted = worker_model.text_files(model, secrets, {"b": "FILEKEY"}, "managed")
    a, b = model
    assert wanted == [
        {"path": a["env_file"], "owner": "root", "group": "root", "mode": "0600", "content": '# managed\nTEMPORAL_API_KEY="K"\n'},
        {"path": a["key_file"], "owner": "root", "group": a["group"], "mode": "0640", "content": "KEY\n"},
        {"path": a["tls"]["cert_file"], "owner": "root", "group": "root", "mode": "0644", "content": "CERT\n"},
        {"path": a["tls"]["ca_file"], "owner": "root", "group": "root", "mode": "0644", "content": "CA\n"},
        {"path": b["env_file"], "owner": "root", "group": "root", "mode": "0600",
         "content": '# managed\nTEMPORAL_API_KEY="FILEKEY"\n'}]
    files_filter = filter_loader.get("temporalops.temporal.worker_text_files").j2_function
    assert files_filter(model, secrets, {"b": "FILEKEY"}, "managed") == wanted
    written_by = filter_loader.get("temporalops.temporal.worker_written_by").j2_function
    assert written_by(model, []) == [] and written_by(model, ["/etc/elsewhere"]) == []
    assert written_by(model, [a["tls"]["ca_file"]]) == ["a"] and written_by(model, [a["key_file"]]) == ["a"]
    assert written_by(model, [b["env_file"], a["env_file"]]) == ["a", "b"]
    # b's own key file is the user's, not written by the role: it restarts nothing.
    assert written_by(model, ["/etc/b.key"]) == []


def test_a_build_goes_once_no_worker_runs_it():
    """What a run switched away from goes; what a worker still runs stays: a worker this run did not
    restart (its configure phase skipped) runs the build of its unit's command line, as read before."""
    workers = [{"name": "p", "unit": "temporal-worker@p.service", "python": {"module": "m"}, "venv": "/h/p/venvs/new",
                "node": {}, "node_build": {}},
               {"name": "n", "unit": "temporal-worker@n.service", "python": {}, "venv": "/h/n/venvs/unused",
                "node": {"script": "w.js"}, "node_build": {"dir": "/h/n/node/new"}},
               {"name": "fresh", "unit": "temporal-worker@fresh.service", "python": {"module": "m"}, "venv": "/h/f/venvs/new",
                "node": {}, "node_build": {}}]
    units = {"temporal-worker@p.service": {"exec_start": "{ path=/h/p/venvs/old/bin/python ; argv[]=/h/p/venvs/old/bin/python"
                                                         " -m m ; ignore_errors=no ; start_time=[n/a] ; pid=0 }"},
             "temporal-worker@n.service": {"exec_start": "{ path=/usr/bin/node ; argv[]=/usr/bin/node /h/n/node/old/w.js ; }"}}
    found = ["/h/p/venvs/new", "/h/p/venvs/new.requirements.txt", "/h/p/venvs/old", "/h/p/venvs/old.requirements.txt",
             "/h/p/venvs/older", "/h/n/node/new", "/h/n/node/old", "/h/n/node/older", "/h/f/venvs/new"]
    stale = filter_loader.get("temporalops.temporal.worker_stale_builds").j2_function
    assert stale(found, workers, ["p", "n", "fresh"], units) == [
        "/h/p/venvs/old", "/h/p/venvs/old.requirements.txt", "/h/p/venvs/older", "/h/n/node/old", "/h/n/node/older"]
    assert stale(found, workers, [], units) == ["/h/p/venvs/older", "/h/n/node/older"]
    assert stale(found, workers, ["p"], units) == ["/h/p/venvs/old", "/h/p/venvs/old.requirements.txt", "/h/p/venvs/older",
                                                   "/h/n/node/older"]
    assert worker_model.stale_builds(found, [], [], {}) == found


# Every message of the checks, word for word as the Jinja version (checks.j2) gave it: the
# molecule scenarios assert phrases of them. (id, workers, settings, messages)
MESSAGES = [
    ('not-a-list', 'billing', {}, ['temporal_worker_instances must be a list of workers, each a dict with at least a name.']),
    ('none', None, {}, ['temporal_worker_instances must be a list of workers, each a dict with at least a name.']),
    ('dict-instances', {'a': 1}, {}, ['temporal_worker_instances must be a list of workers, each a dict with at least a name.']),
    ('list-with-string',
     [{'name': 'a', 'command': '/w'}, 'b'],
     {},
     ['temporal_worker_instances must be a list of workers, each a dict with at least a name.']),
    ('defaults-not-dict', [{'name': 'a', 'command': '/w'}], {'defaults': ['x']}, ['temporal_worker_defaults must be a dict of worker settings.']),
    ('python-missing-files',
     [{'name': 'p', 'python': {'module': 'm', 'requirements': 'nope/req.txt', 'source': '/no/src', 'wheelhouse': '/no/wh'}}],
     {},
     ['temporal_worker_instances[p].python.source: /no/src is not on the controller.',
      'temporal_worker_instances[p].python.requirements: nope/req.txt is not on the controller.',
      'temporal_worker_instances[p].python.wheelhouse: /no/wh is not on the controller.']),
    ('python-empty-req-list',
     [{'name': 'p', 'python': {'module': 'm', 'requirements': []}}],
     {},
     ['temporal_worker_instances[p].python.requirements: a requirements file on the controller or a list of requirements (temporalio at least).']),
    ('python-bad',
     [{'name': 'p', 'python': {'module': '1bad', 'requirements': ['x'], 'interpreter': 'python3'}}],
     {},
     ['temporal_worker_instances[p].python.module "1bad" must name the module to run with python -m, such as billing.worker.',
      'temporal_worker_instances[p].python.interpreter must be an absolute path, not python3.']),
    ('archive-bad',
     [{'name': 'a', 'archive': {'url': 'ftp://x/w.tar.gz', 'checksum': 'sha256:12', 'binary': '../w', 'version': '-x'}}],
     {},
     ['temporal_worker_instances[a].archive.url "ftp://x/w.tar.gz" must be an http://, https:// or file:// URL of a .tar.gz, .tgz or .zip archive.',
      "temporal_worker_instances[a].archive.checksum must be sha256: followed by the archive's 64 hex digits (it is verified before unpacking).",
      'temporal_worker_instances[a].archive.binary: the program to run, a path inside the archive (such as bin/worker).',
      'temporal_worker_instances[a].archive.version "-x" may hold letters, digits and . _ + - only.']),
    ('archive-no-binary',
     [{'name': 'a',
       'archive': {'url': 'https://x.example/w.zip', 'checksum': 'sha256:abababababababababababababababababababababababababababababababab'}}],
     {},
     ['temporal_worker_instances[a].archive.binary: the program to run, a path inside the archive (such as bin/worker).']),
    ('files-bad',
     [{'name': 'f', 'command': '/w', 'files': {'source': 'x'}}],
     {},
     ['temporal_worker_instances[f].files takes {src: a file or directory on the controller}, copied to /opt/temporal-workers/f/app.']),
    ('files-missing',
     [{'name': 'f', 'command': '/w', 'files': {'src': 'no/such'}}],
     {},
     ['temporal_worker_instances[f].files.src: no/such is not on the controller.']),
    ('command-relative',
     [{'name': 'c', 'command': 'w --x'}],
     {},
     ['temporal_worker_instances[c].command: w must be an absolute path (systemd runs it without a shell).']),
    ('nothing', [{'name': 'n'}], {}, ['temporal_worker_instances[n]: nothing to run; set command (already on the host), python, node, or archive.']),
    ('multi-delivery',
     [{'name': 'm',
       'command': '/w',
       'python': {'module': 'greeter.worker', 'requirements': ['temporalio==1.35.0']},
       'archive': {'url': 'https://x.example/w-1.0.tar.gz',
                   'checksum': 'sha256:abababababababababababababababababababababababababababababababab',
                   'binary': 'bin/w'}}],
     {},
     ['temporal_worker_instances[m]: python and archive and command are set; give one of command, python, node, archive (files go beside any of them).']),
    ('tls-off-with-keys',
     [{'name': 't', 'command': '/w', 'tls': {'enabled': 'no', 'ca_file': '/etc/ca.pem'}}],
     {},
     ['temporal_worker_instances[t].tls: enabled is false, yet certificate, key, CA or server name are set; turn TLS on or drop them.']),
    ('tls-bad',
     [{'name': 't', 'command': '/w', 'tls': {'key': 'K', 'key_file': 'k.pem', 'ca_file': 'ca.pem'}}],
     {},
     ['temporal_worker_instances[t].tls: key (the key itself) and key_file (a file on the host) are two ways to give one key; set one.',
      'temporal_worker_instances[t].tls: a client key (key or key_file) needs its certificate, tls.cert_file (mTLS).',
      'temporal_worker_instances[t].tls.key_file must be an absolute path on the host, not k.pem.',
      'temporal_worker_instances[t].tls.ca_file must be an absolute path on the host, not ca.pem.']),
    ('tls-cert-only',
     [{'name': 't', 'command': '/w', 'tls': {'cert_file': '/etc/c.pem'}}],
     {},
     ['temporal_worker_instances[t].tls: tls.cert_file needs its key, tls.key_file or tls.key (mTLS).']),
    ('tls-key-only',
     [{'name': 't', 'command': '/w', 'tls': {'key_file': '/etc/k.pem'}}],
     {},
     ['temporal_worker_instances[t].tls: a client key (key or key_file) needs its certificate, tls.cert_file (mTLS).']),
    ('tls-group',
     [{'name': 'a', 'command': '/w', 'tls': {'cert_file': '/etc/c.pem', 'key': 'k'}, 'group': 'apps'},
      {'name': 'b', 'command': '/w', 'group': 'apps'},
      {'name': 'c', 'command': '/w', 'group': 'apps', 'state': 'absent'}],
     {},
     ['temporal_worker_instances[a].tls.key: the key file is readable by the group apps, which other workers share; give this worker its own group (or '
      'the key as tls.key_file).']),
    ('api-key-both',
     [{'name': 'a', 'command': '/w', 'api_key': 'K', 'api_key_file': '/etc/k'}],
     {},
     ['temporal_worker_instances[a]: api_key and api_key_file are two ways to give one key; set one.']),
    ('api-key-file-relative',
     [{'name': 'a', 'command': '/w', 'api_key_file': 'etc/k'}],
     {},
     ['temporal_worker_instances[a].api_key_file must be an absolute path on the host, not etc/k.']),
    ('profile-no-config',
     [{'name': 'a', 'command': '/w', 'profile': 'prod'}],
     {},
     ['temporal_worker_instances[a].profile prod needs config_file, the TOML file that holds [profile.prod].']),
    ('config-file',
     [{'name': 'a', 'command': '/w', 'config_file': '/etc/t.toml', 'profile': 'prod', 'address': 't:7233'}],
     {},
     ['temporal_worker_instances[a]: with config_file, set address and namespace too (the worker or temporal_worker_defaults): TEMPORAL_ADDRESS and '
      "TEMPORAL_NAMESPACE override the profile's, and the health gate asks that frontend; missing: namespace."]),
    ('config-file-none',
     [{'name': 'a', 'command': '/w', 'config_file': '/etc/t.toml'}],
     {},
     ['temporal_worker_instances[a]: with config_file, set address and namespace too (the worker or temporal_worker_defaults): TEMPORAL_ADDRESS and '
      "TEMPORAL_NAMESPACE override the profile's, and the health gate asks that frontend; missing: address, namespace."]),
    ('names',
     [{'name': 'Billing', 'command': '/w'},
      {'name': '', 'command': '/w'},
      {'name': 'a', 'command': '/w'},
      {'name': 'a', 'command': '/w', 'task_queue': 'z'}],
     {},
     ['temporal_worker_instances[Billing].name "Billing" must be lower-case letters, digits, - and _ (it names the unit temporal-worker@NAME).',
      'temporal_worker_instances[1].name "" must be lower-case letters, digits, - and _ (it names the unit temporal-worker@NAME).',
      'temporal_worker_instances[1].task_queue: the queue "" must be 1-255 characters without spaces.',
      'temporal_worker_instances[a].name: a names more than one worker; each worker needs its own name.']),
    ('name-none',
     [{'name': None, 'command': '/w'}, {'command': '/w'}],
     {},
     ['temporal_worker_instances[None].name "None" must be lower-case letters, digits, - and _ (it names the unit temporal-worker@NAME).',
      'temporal_worker_instances[1].name "" must be lower-case letters, digits, - and _ (it names the unit temporal-worker@NAME).',
      'temporal_worker_instances[1].task_queue: the queue "" must be 1-255 characters without spaces.']),
    ('long-name',
     [{'name': 'a-very-long-worker-name-x', 'command': '/w'}],
     {},
     ['temporal_worker_instances[a-very-long-worker-name-x].user "temporal-worker-a-very-long-worker-name-x" is not a valid user name (at most 32 '
      'characters; the default temporal-worker-NAME is too long for this name, set user).']),
    ('address-bad',
     [{'name': 'a', 'command': '/w', 'address': 'temporal.internal'},
      {'name': 'b', 'command': '/w', 'address': 'dns:///t:7233'},
      {'name': 'c', 'command': '/w', 'address': '[::1]:7233', 'task_queue': 'q'},
      {'name': 'd', 'command': '/w', 'address': None, 'task_queue': 'd2'}],
     {},
     ['temporal_worker_instances[a].address "temporal.internal" must be host:port of the Temporal frontend.',
      'temporal_worker_instances[d].address null must be host:port of the Temporal frontend.']),
    ('namespace-bad',
     [{'name': 'a', 'command': '/w', 'namespace': ''},
      {'name': 'b', 'command': '/w', 'namespace': 'a b'},
      {'name': 'c', 'command': '/w', 'namespace': 5}],
     {},
     ['temporal_worker_instances[a].namespace "" must be a namespace name (1-255 characters without spaces).',
      'temporal_worker_instances[b].namespace "a b" must be a namespace name (1-255 characters without spaces).',
      'temporal_worker_instances[c].namespace 5 must be a namespace name (1-255 characters without spaces).']),
    ('queue-bad',
     [{'name': 'a', 'command': '/w', 'task_queue': 'a b'}, {'name': 'b', 'command': '/w', 'task_queue_prefix': 'p q'}],
     {},
     ['temporal_worker_instances[a].task_queue: the queue "a b" must be 1-255 characters without spaces.',
      'temporal_worker_instances[b].task_queue: the queue "p q-b" must be 1-255 characters without spaces.']),
    ('shared-queue',
     [{'name': 'a', 'command': '/w'}, {'name': 'b', 'command': '/w', 'task_queue': 'a'}, {'name': 'c', 'command': '/w', 'task_queue': 'a'}],
     {},
     ['temporal_worker_instances[b].task_queue: a (namespace default) is the queue of worker a too; give each worker its own queue (task_queue, '
      'task_queue_prefix) or set temporal_worker_allow_shared_queues: true.',
      'temporal_worker_instances[c].task_queue: a (namespace default) is the queue of worker b too; give each worker its own queue (task_queue, '
      'task_queue_prefix) or set temporal_worker_allow_shared_queues: true.']),
    ('tuning-bad',
     [{'name': 'a',
       'command': '/w',
       'tuning': {'workflow_pollers': {'min': 3, 'initial': 2, 'max': 4},
                  'activity_pollers': 0,
                  'max_concurrent_activities': 'many',
                  'activities_per_second': True,
                  'graceful_stop_timeout': 'soon',
                  'task_queue_activities_per_second': -1,
                  'deployment_name': 'a b',
                  'build_id': 42}}],
     {},
     ['temporal_worker_instances[a].tuning.graceful_stop_timeout must be a positive number of seconds, not soon.',
      'temporal_worker_instances[a].tuning.workflow_pollers autoscaling takes {min, initial, max}, whole numbers with 1 <= min <= initial <= max.',
      'temporal_worker_instances[a].tuning.activity_pollers must be a whole number of at least 1 (or {min, initial, max} to autoscale), not 0.',
      'temporal_worker_instances[a].tuning.max_concurrent_activities must be a whole number of at least 1, not many.',
      'temporal_worker_instances[a].tuning.activities_per_second must be a positive number, not True.',
      'temporal_worker_instances[a].tuning.task_queue_activities_per_second must be a positive number, not -1.',
      'temporal_worker_instances[a].tuning.deployment_name must be a name without spaces.',
      'temporal_worker_instances[a].tuning.build_id must be a name without spaces.']),
    ('tuning-pollers-keys',
     [{'name': 'a', 'command': '/w', 'tuning': {'workflow_pollers': {'min': 1, 'max': 2}, 'activity_pollers': {'min': 1, 'initial': 2.5, 'max': 3}}}],
     {},
     ['temporal_worker_instances[a].tuning.workflow_pollers autoscaling takes {min, initial, max}, whole numbers with 1 <= min <= initial <= max.',
      'temporal_worker_instances[a].tuning.activity_pollers autoscaling takes {min, initial, max}, whole numbers with 1 <= min <= initial <= max.']),
    ('tuning-build-only',
     [{'name': 'a', 'command': '/w', 'tuning': {'build_id': 'b'}}],
     {},
     ['temporal_worker_instances[a].tuning: deployment_name and build_id go together (worker versioning): set both or neither.']),
    ('tuning-graceful-not-a-number',
     [{'name': 'a', 'command': '/w', 'tuning': {'graceful_stop_timeout': '20 s'}}],
     {},
     ['temporal_worker_instances[a].tuning.graceful_stop_timeout must be a positive number of seconds, not 20 s.']),
    ('grpc-bad',
     [{'name': 'a', 'command': '/w', 'grpc_meta': {'x_tenant': 't', 'X-Tenant': '1', 'x-tenant': '2', 'y': '', 'z': None, 7: 's'}}],
     {},
     ['temporal_worker_instances[a].grpc_meta: the header name "x_tenant" must be letters, digits and - (envconfig reads TEMPORAL_GRPC_META_<NAME>, _ '
      'standing for -).',
      'temporal_worker_instances[a].grpc_meta: the header x-tenant is given more than once (header names ignore case).',
      'temporal_worker_instances[a].grpc_meta.y is empty (envconfig reads an empty value as no header).',
      'temporal_worker_instances[a].grpc_meta.z is empty (envconfig reads an empty value as no header).',
      'temporal_worker_instances[a].grpc_meta: the header name 7 must be letters, digits and - (envconfig reads TEMPORAL_GRPC_META_<NAME>, _ standing '
      'for -).']),
    ('env-secret',
     [{'name': 'a',
       'command': '/w',
       'environment': {'TEMPORAL_API_KEY': 'k', 'TEMPORAL_GRPC_META_X': 'v', 'TEMPORAL_CODEC_AUTH': 'a', 'TEMPORAL_TLS_CLIENT_KEY_DATA': 'd'}}],
     {},
     ['temporal_worker_instances[a].environment: TEMPORAL_API_KEY is a secret and the unit is world-readable; give it as api_key, codec.auth, tls.key, '
      'grpc_meta or secret_environment.',
      'temporal_worker_instances[a].environment: TEMPORAL_GRPC_META_X is a secret and the unit is world-readable; give it as api_key, codec.auth, '
      'tls.key, grpc_meta or secret_environment.',
      'temporal_worker_instances[a].environment: TEMPORAL_CODEC_AUTH is a secret and the unit is world-readable; give it as api_key, codec.auth, '
      'tls.key, grpc_meta or secret_environment.',
      'temporal_worker_instances[a].environment: TEMPORAL_TLS_CLIENT_KEY_DATA is a secret and the unit is world-readable; give it as api_key, '
      'codec.auth, tls.key, grpc_meta or secret_environment.']),
    ('env-names',
     [{'name': 'a', 'command': '/w', 'environment': {'1BAD': 'x', 'GOOD': 'y', 'bad-name': 1, 'Bad-Name': 2}, 'secret_environment': {'ALSO BAD': 's'}}],
     {},
     ['temporal_worker_instances[a]: 1BAD is not a valid environment variable name (environment, secret_environment, grpc_meta).',
      'temporal_worker_instances[a]: bad-name is not a valid environment variable name (environment, secret_environment, grpc_meta).',
      'temporal_worker_instances[a]: ALSO BAD is not a valid environment variable name (environment, secret_environment, grpc_meta).']),
    ('restart-bad',
     [{'name': 'a', 'command': '/w', 'restart_sec': 'soon'}, {'name': 'b', 'command': '/w', 'restart_sec': None, 'task_queue': 'b2'}],
     {},
     ['temporal_worker_instances[a].restart_sec must be a number of seconds.', 'temporal_worker_instances[b].restart_sec must be a number of seconds.']),
    ('identity',
     [{'name': 'a', 'command': '/w', 'identity': 'a@q', 'identity_pattern': 'a@.*'},
      {'name': 'b', 'command': '/w', 'identity_pattern': 'b@(', 'task_queue': 'b2'},
      {'name': 'c', 'command': '/w', 'identity_pattern': 'c@\n.*', 'task_queue': 'c2'},
      {'name': 'd', 'command': '/w', 'identity': 'd@q\nx', 'task_queue': 'd2'},
      {'name': 'e', 'command': '/w', 'identity_pattern': 'e@[0-9]+', 'task_queue': 'e2'},
      {'name': 'f', 'command': '/w', 'identity': 'f@worker', 'task_queue': 'f2'},
      {'name': 'g', 'command': '/w', 'identity': None, 'identity_pattern': None, 'task_queue': 'g2'}],
     {},
     ['temporal_worker_instances[a]: identity and identity_pattern are two ways to name the poller the health gate waits for; set one.',
      'temporal_worker_instances[b].identity_pattern "b@(" is not a regular expression (missing ), unterminated subpattern at position 2); '
      'give a regular expression (Python) that the whole identity matches.',
      'temporal_worker_instances[c].identity_pattern "c@\\n.*" holds a control character; give a regular expression (Python) that the whole '
      'identity matches.',
      'temporal_worker_instances[d].identity "d@q\\nx" has a control character; a worker identity is one line.']),
    ('rw-paths',
     [{'name': 'a', 'command': '/w', 'read_write_paths': ['/ok', 'rel', 'also/rel']}],
     {},
     ['temporal_worker_instances[a].read_write_paths: rel is not an absolute path.',
      'temporal_worker_instances[a].read_write_paths: also/rel is not an absolute path.']),
]


@pytest.mark.parametrize(("workers", "settings", "messages"), [case[1:] for case in MESSAGES], ids=[case[0] for case in MESSAGES])
def test_every_message_word_for_word(workers, settings, messages):
    assert errors(workers, **settings) == messages


# Hardening found in review: root, whole-value patterns, control characters.
ROOT = ("temporal_worker_instances[a].user root: a worker does not run as root (uid 0); leave user out (each worker gets its own system"
        " user) or give an unprivileged one.")


def test_a_worker_never_runs_as_root():
    assert errors([{"name": "a", "command": "/w", "user": "root"}]) == [ROOT]
    assert errors([{"name": "a", "command": "/w"}], defaults={"user": "root"}) == [ROOT]
    # uid 0 by number: 0 is no user (the default one is used), "0" no user name.
    assert resolved([{"name": "a", "command": "/w", "user": 0}])[0]["user"] == "temporal-worker-a"
    assert errors([{"name": "a", "command": "/w", "user": "0"}]) == [
        'temporal_worker_instances[a].user "0" is not a valid user name (at most 32 characters).']


# Each worker with END at the end of one value; the message that END="\n" gets.
WHOLE_VALUES = [
    (lambda end: {"name": "a" + end, "command": "/w"}, 'temporal_worker_instances[a\n].name "a\\n" must be lower-case letters'),
    (lambda end: {"name": "a", "command": "/w", "address": "t:7233" + end}, 'temporal_worker_instances[a].address "t:7233\\n" must be host:port'),
    (lambda end: {"name": "a", "command": "/w", "namespace": "ns" + end}, 'temporal_worker_instances[a].namespace "ns\\n" must be a namespace'),
    (lambda end: {"name": "a", "command": "/w", "task_queue": "q" + end}, 'temporal_worker_instances[a].task_queue: the queue "q\\n" must be'),
    (lambda end: {"name": "a", "python": dict(PYTHON, module="app.worker" + end)}, 'temporal_worker_instances[a].python.module "app.worker\\n" must'),
    (lambda end: {"name": "a", "archive": dict(ARCHIVE, url=ARCHIVE["url"] + end)}, 'temporal_worker_instances[a].archive.url "https://x.exa'),
    (lambda end: {"name": "a", "archive": dict(ARCHIVE, checksum=SHA + end)}, "temporal_worker_instances[a].archive.checksum must be sha256:"),
    (lambda end: {"name": "a", "archive": dict(ARCHIVE, version="1.0" + end)}, 'temporal_worker_instances[a].archive.version "1.0\\n" may hold'),
    (lambda end: {"name": "a", "command": "/w", "user": "svc" + end}, 'temporal_worker_instances[a].user "svc\\n" is not a valid user name'),
    (lambda end: {"name": "a", "command": "/w", "grpc_meta": {"x-h" + end: "v"}}, 'temporal_worker_instances[a].grpc_meta: the header name "x-h\\n"'),
    (lambda end: {"name": "a", "command": "/w", "secret_environment": {"DB" + end: "v"}}, "temporal_worker_instances[a]: DB\n is not a valid environment"),
    (lambda end: {"name": "a", "command": "/w", "tuning": {"deployment_name": "d" + end, "build_id": "b"}},
     "temporal_worker_instances[a].tuning.deployment_name must be a name without spaces."),
]


@pytest.mark.parametrize(("worker", "message"), WHOLE_VALUES, ids=[case[1].split(" ")[0] for case in WHOLE_VALUES])
def test_patterns_match_the_whole_value(worker, message):
    """$ matches before a trailing newline: "a\\n" passed the Jinja checks' patterns."""
    assert errors([worker("")]) == []
    found = errors([worker("\n")])
    assert [m for m in found if m.startswith(message)], found


def control(setting, value, char="a newline"):
    return ("temporal_worker_instances[a].%s %s has a control character (%s): a value that goes to the unit file may not have a newline or any"
            " other control character." % (setting, json.dumps(value), char))


# Each worker with BAD in one value that goes to the unit; the message.
UNIT_VALUES = [
    (lambda bad: {"command": ["/usr/bin/w", "--x" + bad]}, control("command", "--x\n")),
    (lambda bad: {"command": "/usr/bin/w --x" + bad.replace("\n", "\x00")}, control("command", "--x\x00", "a NUL")),
    (lambda bad: {"args": ["--x" + bad]}, control("args", "--x\n")),
    (lambda bad: {"environment": {"OTHER": "x" + bad + "ExecStartPre=/bin/sh"}}, control("environment.OTHER", "x\nExecStartPre=/bin/sh")),
    (lambda bad: {"environment": {"OTHER" + bad: "x"}}, control("environment", "OTHER\n")),
    (lambda bad: {"hardening": {"ProtectHome": "no" + bad}}, control("hardening.ProtectHome", "no\n")),
    (lambda bad: {"hardening": {"ProtectHome" + bad: "no"}}, control("hardening", "ProtectHome\n")),
    (lambda bad: {"working_dir": "/srv/a" + bad}, control("working_dir", "/srv/a\n")),
    (lambda bad: {"read_write_paths": ["/srv/a", "/srv/b" + bad]}, control("read_write_paths", "/srv/b\n")),
    (lambda bad: {"group": "apps" + bad}, control("group", "apps\n")),
    (lambda bad: {"config_file": "/etc/t.toml", "profile": "prod" + bad, "address": "t:7233", "namespace": "n"}, control("profile", "prod\n")),
    (lambda bad: {"config_file": "/etc/t.toml" + bad, "address": "t:7233", "namespace": "n"}, control("config_file", "/etc/t.toml\n")),
    (lambda bad: {"tls": {"server_name": "srv" + bad}}, control("tls.server_name", "srv\n")),
    (lambda bad: {"tls": {"ca_file": "/etc/ca.pem" + bad}}, control("tls.ca_file", "/etc/ca.pem\n")),
    (lambda bad: {"tls": {"cert_file": "/etc/c.pem" + bad, "key_file": "/etc/k.pem"}}, control("tls.cert_file", "/etc/c.pem\n")),
    (lambda bad: {"tls": {"cert_file": "/etc/c.pem", "key_file": "/etc/k.pem" + bad}}, control("tls.key_file", "/etc/k.pem\n")),
    (lambda bad: {"codec": {"endpoint": "https://codec" + bad}}, control("codec.endpoint", "https://codec\n")),
    (lambda bad: {"command": None, "archive": dict(ARCHIVE, binary="bin/w" + bad)}, control("archive.binary", "bin/w\n")),
]


@pytest.mark.parametrize(("settings", "message"), UNIT_VALUES, ids=[case[1].split(" ")[0] for case in UNIT_VALUES])
def test_no_control_character_goes_to_the_unit(settings, message):
    worker = {"name": "a", "command": "/usr/bin/w"}
    assert errors([dict(worker, **settings(""))]) == []
    assert message in errors([dict(worker, **settings("\n"))])


@pytest.mark.parametrize(("char", "name"), [("\t", "a tab"), ("\r", "a carriage return"), ("\x00", "a NUL"), ("\x1b", "U+001B"),
                                            ("\x7f", "U+007F"), ("\x85", "U+0085")])
def test_every_control_character_is_named(char, name):
    assert errors([{"name": "a", "command": "/w", "working_dir": "/srv" + char}]) == [control("working_dir", "/srv" + char, name)]


def test_what_may_hold_a_newline():
    # A command given as a string is split on whitespace, newlines too (a YAML block).
    assert errors([{"name": "a", "command": "/usr/bin/w\n--flag"}]) == []
    assert resolved([{"name": "a", "command": "/usr/bin/w\n--flag"}])[0]["command"] == ["/usr/bin/w", "--flag"]
    # Secret values go to the secrets file double-quoted, where a value may span lines (a PEM).
    assert errors([{"name": "a", "command": "/w", "secret_environment": {"PEM": "a\nb"}, "api_key": "k\n"}]) == []
    # A namespace or queue with a control character is no name either.
    assert errors([{"name": "a", "command": "/w", "namespace": "n\x00s"}]) == [
        'temporal_worker_instances[a].namespace "n\\u0000s" must be a namespace name (1-255 characters without spaces).']


# The action plugin: controller files, facts, failure and check mode.
@pytest.fixture(name="role")
def fixture_role(tmp_path):
    """A role with its files/ (what the copy module and the plan find there)."""
    (tmp_path / "tasks").mkdir()
    (tmp_path / "files" / "app").mkdir(parents=True)
    (tmp_path / "files" / "requirements.txt").write_text("temporalio==1.35.0\n", encoding="utf-8")
    (tmp_path / "files" / "app" / "worker.py").write_text("", encoding="utf-8")
    return tmp_path


def plan(role, check_mode=False, **args):
    """The action worker_plan's result for a task of ROLE with ARGS (the role's places by default)."""
    task = mock.MagicMock(async_val=0, check_mode=check_mode, action="temporalops.temporal.worker_plan", args=dict(PLACES, **args))
    task.get_search_path.return_value = [str(role), str(role / "tasks")]
    connection = mock.MagicMock()
    connection._shell.tmpdir = None
    action = action_loader.get("temporalops.temporal.worker_plan", task=task, connection=connection, play_context=PlayContext(),
                               loader=DataLoader(), templar=None, shared_loader_obj=None)
    return action.run(task_vars={})


def test_the_plan_finds_controller_files_as_copy_does(role):
    result = plan(role, instances=[
        {"name": "p", "python": {"module": "app.worker", "requirements": "requirements.txt", "source": "app/"}},
        {"name": "f", "command": "/opt/temporal-workers/f/app/run", "files": {"src": "files/app"}},
        {"name": "a", "command": "/w", "files": {"src": str(role / "files" / "app") + "/"}}])
    assert not result.get("failed") and result["changed"] is False
    p, f, a = result["ansible_facts"]["__temporal_worker_all"]
    assert p["found"] == {"python.source": str(role / "files" / "app") + "/", "python.requirements": str(role / "files" / "requirements.txt")}
    assert p["requirements_text"] == "temporalio==1.35.0\n"
    assert p["venv"] == resolved([{"name": "p", "python": {"module": "m", "requirements": ["temporalio==1.35.0\n"]}}])[0]["venv"]
    assert f["found"] == {"files.src": str(role / "files" / "app")} and a["found"] == {"files.src": str(role / "files" / "app")}
    assert result["ansible_facts"]["__temporal_worker_errors"] == []


def test_the_plan_archives_a_nodejs_app_once_without_its_node_modules(role, tmp_path):
    app = role / "files" / "shop"
    (app / "node_modules" / "x").mkdir(parents=True)
    for name in ("package.json", "package-lock.json", "node_modules/x/index.js"):
        (app / name).write_text("{}", encoding="utf-8")
    cache = tmp_path / "cache"
    workers = [{"name": "orders", "node": {"source": "shop/", "script": "lib/worker.js"}}]
    result = plan(role, instances=workers, controller_cache=str(cache))
    assert not result.get("failed"), result.get("msg")
    (w,) = result["ansible_facts"]["__temporal_worker_all"]
    archive = w["node_build"]["archive"]
    assert archive.startswith(str(cache / "node-apps" / "app-")) and w["node_build"]["lockfile"] == "package-lock.json"
    with tarfile.open(archive) as handle:
        assert sorted(handle.getnames()) == ["package-lock.json", "package.json"]  # no directory but node_modules
    made = os.stat(archive).st_mtime_ns
    assert plan(role, instances=workers, controller_cache=str(cache)) == result and os.stat(archive).st_mtime_ns == made
    (app / "package-lock.json").unlink()
    refused = plan(role, instances=workers, controller_cache=str(cache))
    assert "temporal_worker_instances[orders].node.source: shop/ has no package-lock.json" in refused["msg"]


def test_the_plan_fails_naming_every_problem(role):
    workers = [{"name": "a", "command": "w"}, {"name": "b", "python": dict(PYTHON, source="no/such/dir")}]
    result = plan(role, instances=workers)
    messages = ["temporal_worker_instances[a].command: w must be an absolute path (systemd runs it without a shell).",
                "temporal_worker_instances[b].python.source: no/such/dir is not on the controller."]
    assert result["failed"] is True and result["msg"] == " ".join(messages) + " No worker was touched."
    assert result["ansible_facts"]["__temporal_worker_errors"] == messages


def test_the_plan_changes_nothing_in_check_mode(role):
    workers = [{"name": "p", "python": {"module": "app.worker", "requirements": "requirements.txt", "source": "app/"}}]
    assert plan(role, check_mode=True, instances=workers) == plan(role, instances=workers)


def test_the_plan_returns_no_secret(role):
    result = plan(role, instances=[{"name": "r", "command": "/w", "api_key": "SECRET-1", "grpc_meta": {"x-tenant": "SECRET-2"}, "group": "r",
                                    "tls": {"cert_file": "/etc/c.pem", "key": "SECRET-3"}, "secret_environment": {"DB": "SECRET-4"},
                                    "codec": {"auth": "SECRET-5"}}])
    assert not result.get("failed") and "SECRET" not in json.dumps(result)


def test_the_plan_of_bad_shapes_and_of_removal(role):
    refused = plan(role, instances="billing")
    assert refused["msg"] == "temporal_worker_instances must be a list of workers, each a dict with at least a name. No worker was touched."
    assert refused["ansible_facts"]["__temporal_worker_all"] == []
    # temporal_worker_state absent removes every worker: nothing to work out or check.
    removal = plan(role, instances="billing", state="absent")
    assert not removal.get("failed") and removal["ansible_facts"] == {"__temporal_worker_all": [], "__temporal_worker_errors": []}
    # A type the model cannot take (the role's argument spec refuses it first) fails the task, naming the setting.
    broken = plan(role, instances=[{"name": "a", "command": "/w"}], defaults={"tuning": [1]})
    assert broken["failed"] is True and broken["msg"].startswith("temporal_worker_instances: the workers could not be worked out (")
    # Booleans as -e gives them.
    workers = [{"name": "a", "command": "/w"}, {"name": "b", "task_queue": "a", "command": "/w"}]
    assert plan(role, instances=workers, allow_shared_queues="true")["ansible_facts"]["__temporal_worker_errors"] == []


def test_the_module_only_documents_the_action(monkeypatch):
    module = mock.MagicMock()
    monkeypatch.setattr(worker_plan_module, "AnsibleModule", mock.MagicMock(return_value=module))
    worker_plan_module.main()
    assert "action plugin" in module.fail_json.call_args[1]["msg"]


def test_the_documentation_and_the_role_match_the_argument_spec():
    for text in (worker_plan_module.EXAMPLES, worker_plan_module.RETURN):
        assert yaml.safe_load(text)
    with open(str(ROOT_DIR / "plugins" / "filter" / "worker_secrets.yml"), encoding="utf-8") as handle:
        sidecar = yaml.safe_load(handle)
    assert sidecar["DOCUMENTATION"]["name"] == "worker_secrets" and yaml.safe_load(sidecar["EXAMPLES"])
    # As ansible-doc reads it: the fragments of its attributes found.
    doc = get_docstring(worker_plan_module.__file__, fragment_loader, collection_name="temporalops.temporal", plugin_type="module")[0]
    assert doc["attributes"]["check_mode"]["support"] == "full" and doc["attributes"]["facts"]["support"] == "full"
    options = yaml.safe_load(worker_plan_module.DOCUMENTATION)["options"]
    spec = worker_plan_module.ARGUMENT_SPEC
    assert sorted(options) == sorted(spec)
    for name, option in options.items():
        assert option["type"] == spec[name]["type"], name
        assert option.get("default") == spec[name].get("default") and option.get("choices") == spec[name].get("choices"), name
        assert option.get("required", False) == spec[name].get("required", False), name
    with open(str(ROLE / "tasks" / "validate.yml"), encoding="utf-8") as handle:
        (task,) = [t for t in yaml.safe_load(handle) if "temporalops.temporal.worker_plan" in t]
    given = task["temporalops.temporal.worker_plan"]
    assert set(given) <= set(spec) and set(name for name in spec if spec[name].get("required")) <= set(given)
    # Every phase reads the workers: the plan runs under any tag selection.
    assert task["tags"] == ["always"]


def test_the_secrets_file_quotes_what_systemd_treats_specially_and_orders_by_name():
    env = {"TEMPORAL_GRPC_META_X": "two\nlines", "b_lower": "x`y`", "A": 5}
    assert worker_model.secrets_env(env, 'file key $$HOME "quoted" \\back') == (
        '# Ansible managed\n'
        'A="5"\n'
        'b_lower="x\\`y\\`"\n'
        'TEMPORAL_API_KEY="file key \\$\\$HOME \\"quoted\\" \\\\back"\n'
        'TEMPORAL_GRPC_META_X="two\nlines"\n')
    # Without a key from a file, the worker's own stays; the comment line is the caller's.
    assert worker_model.secrets_env({"TEMPORAL_API_KEY": "K"}, None, "managed by us") == '# managed by us\nTEMPORAL_API_KEY="K"\n'
    secrets_env = filter_loader.get("temporalops.temporal.worker_secrets_env").j2_function
    assert secrets_env({}) == "# Ansible managed\n"


def test_merged_settings_are_a_plain_copy_of_the_inputs():
    """merged() copies what Ansible hands the filters (cheaply, not with deepcopy): a change to the
    result reaches neither the worker's settings nor temporal_worker_defaults, and tuples become lists."""
    raw = {"name": "a", "tls": {"cert_file": "/etc/a.pem"}, "environment": {"A": "1"}, "command": ("/w", "--x")}
    defaults = {"tls": {"server_name": "front"}, "tuning": {"activity_pollers": 2}}
    w = worker_model.merged(raw, defaults)
    assert w["tls"] == {"server_name": "front", "cert_file": "/etc/a.pem"} and w["command"] == ["/w", "--x"]
    w["tls"]["cert_file"] = "/elsewhere"
    w["environment"]["B"] = "2"
    w["tuning"]["activity_pollers"] = 9
    assert raw == {"name": "a", "tls": {"cert_file": "/etc/a.pem"}, "environment": {"A": "1"}, "command": ("/w", "--x")}
    assert defaults == {"tls": {"server_name": "front"}, "tuning": {"activity_pollers": 2}}
