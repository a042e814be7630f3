"""Units rendered from the shared template (role temporal_systemd) pass every value as exactly
one argument, and carry the shared hardening.

Each role's unit comes from its vars/main.yml, evaluated here the way Ansible evaluates it
(native Jinja types, the collection's filters), then rendered through
roles/temporal_systemd/templates/unit.service.j2.
"""

import json
import os
import pathlib
import re
import shlex
import subprocess
import sys

import jinja2
import jinja2.nativetypes
import pytest
import yaml

# ansible_render first: it installs Ansible's collection loader, which the collection's imports need.
from ansible_render import load as load_yaml, render_role_template, trusted
from ansible_collections.temporalops.temporal.plugins.filter import dev_server as dev_server_filters, ui as ui_filters
from ansible_collections.temporalops.temporal.plugins.module_utils import systemd_unit

ROLES = pathlib.Path(__file__).parents[2] / "roles"


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def evaluate(value, env, variables):
    """Template a vars/ value lazily, like Ansible: strings render natively, containers recurse."""
    if isinstance(value, str):
        return env.from_string(value).render(**variables) if "{" in value else value
    if isinstance(value, dict):
        return {k: evaluate(v, env, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [evaluate(v, env, variables) for v in value]
    return value


def role_unit(role, unit_var, **overrides):
    """Render ROLE's unit (the dict UNIT_VAR of its vars/main.yml) with its defaults and overrides."""
    role_dir = ROLES / role
    files = jinja2.Environment(loader=jinja2.FileSystemLoader([str(role_dir / "templates"), str(ROLES / "temporal_systemd" / "templates")]),
                               undefined=jinja2.StrictUndefined, trim_blocks=True)
    native = jinja2.nativetypes.NativeEnvironment(undefined=jinja2.StrictUndefined)
    for env in (files, native):
        env.filters["to_json"] = json.dumps
        env.filters["from_json"] = json.loads
        env.filters["combine"] = lambda base, *more: dict(base, **{k: v for m in more for k, v in m.items()})
        env.filters["regex_replace"] = lambda value, pattern, replacement="": re.sub(pattern, replacement, value)
        # The roles' vars call the collection's filters (plugins/filter) by their full names.
        for module in (dev_server_filters, ui_filters):
            env.filters.update(("temporalops.temporal." + name, function)
                               for name, function in module.FilterModule().filters().items())
    variables = dict(load(role_dir / "defaults" / "main.yml"), ansible_managed="managed",
                     role_path=str(role_dir), temporal_install_root="/opt/temporal")
    variables.update(overrides)
    native.globals["lookup"] = lambda kind, name: files.get_template(name).render(**variables)
    # Defaults may refer to each other (data dir in the db path): settle them first.
    for _round in range(3):
        variables = {k: evaluate(v, native, variables) for k, v in variables.items()}
    for name, value in load(role_dir / "vars" / "main.yml").items():
        try:
            variables[name] = evaluate(value, native, variables)
        except (jinja2.UndefinedError, jinja2.TemplateAssertionError):
            pass  # about what the role read on the host (a registered result, Ansible's hash): no unit needs it
    variables["temporal_systemd_unit"] = variables[unit_var]
    return files.get_template("unit.service.j2").render(**variables)


def render(**overrides):
    overrides.setdefault("temporal_cli_version", "1.5.1")
    overrides.setdefault("temporal_cli_binary_path", "/opt/temporal/cli/1.5.1/temporal")
    return role_unit("temporal_dev_server", "temporal_dev_server_unit", **overrides)


def exec_start_argv(unit):
    """Split ExecStart like systemd: join continuation lines, undo %% and $$, split on quotes."""
    text = unit.replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.startswith("ExecStart="))
    argv = shlex.split(line[len("ExecStart="):])
    return [a.replace("%%", "%").replace("$$", "$") for a in argv]


def flag_values(argv, flag):
    return [argv[i + 1] for i, a in enumerate(argv) if a == flag]


def test_defaults_give_the_documented_listeners():
    argv = exec_start_argv(render())
    assert argv[:3] == ["/opt/temporal/cli/1.5.1/temporal", "server", "start-dev"]
    assert flag_values(argv, "--port") == ["7233"]
    assert flag_values(argv, "--ui-port") == ["8233"]
    assert flag_values(argv, "--ip") == ["127.0.0.1"]
    assert flag_values(argv, "--db-filename") == ["/var/lib/temporal-dev/temporal.db"]
    assert "--headless" not in argv


def test_headless_drops_every_ui_flag():
    argv = exec_start_argv(render(temporal_dev_server_headless=True, temporal_dev_server_ui_public_path="/t"))
    assert "--headless" in argv
    assert not [a for a in argv if a.startswith("--ui-")]


@pytest.mark.parametrize("value", ['plain', 'with space', 'quote"inside', "back\\slash", "100%", "$HOME"])
def test_awkward_values_stay_one_argument(value):
    argv = exec_start_argv(render(temporal_dev_server_dynamic_config={"k.v": value}, temporal_dev_server_extra_args=[value]))
    assert flag_values(argv, "--dynamic-config-value") == ["k.v=" + json.dumps(value)]
    assert argv[-1] == value


def test_collections_become_repeated_flags_in_stable_order():
    argv = exec_start_argv(render(temporal_dev_server_namespaces=["a", "b"],
                                  temporal_dev_server_search_attributes={"Z": "Int", "A": "Keyword"},
                                  temporal_dev_server_sqlite_pragmas={"journal_mode": "wal"}))
    assert flag_values(argv, "--namespace") == ["a", "b"]
    assert flag_values(argv, "--search-attribute") == ["A=Keyword", "Z=Int"]
    assert flag_values(argv, "--sqlite-pragma") == ["journal_mode=wal"]


def test_limit_nofile_only_when_set():
    assert "LimitNOFILE" not in render()
    assert "LimitNOFILE=16384" in render(temporal_dev_server_limit_nofile=16384)


def test_settings_from_the_command_line_give_the_same_unit():
    """-e gives strings: "false" must not make the server headless, ports stay the numbers."""
    given = render(temporal_dev_server_port="7300", temporal_dev_server_ui_port="8300", temporal_dev_server_headless="false",
                   temporal_dev_server_limit_nofile="16384")
    assert given == render(temporal_dev_server_port=7300, temporal_dev_server_ui_port=8300, temporal_dev_server_headless=False,
                           temporal_dev_server_limit_nofile=16384)
    assert "--headless" in exec_start_argv(render(temporal_dev_server_headless="yes"))


# The shared block's lines that bring a unit to 2.0 or less in `systemd-analyze security`.
SHARED_HARDENING = ("NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=",
                    "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM", "ProtectProc=invisible",
                    "RemoveIPC=yes", "PrivateMounts=yes", "DevicePolicy=closed")


def test_dev_server_unit_carries_the_shared_hardening():
    unit = render()
    for line in SHARED_HARDENING + ("ProcSubset=pid", "ReadWritePaths=/var/lib/temporal-dev", "User=temporal",
                                    "Restart=on-failure"):
        assert line in unit.splitlines(), line
    assert 'Environment="HOME=/var/lib/temporal-dev"' in unit.splitlines()


def worker_units(**instance):
    """The worker role's template unit and one instance's drop-in, rendered as the role renders
    them (real Templar: the role's vars use Ansible's filters)."""
    unit = render_role_template("temporal_worker", "unit.service.j2",
                                temporal_systemd_unit=trusted(load_yaml(ROLES / "temporal_worker" / "vars" / "main.yml")["temporal_worker_unit"]))
    dropin = render_role_template("temporal_worker", "dropin.conf.j2", temporal_systemd_dropin=dict(
        {"exec_start": ["/opt/w/bin/python", "-m", "app.worker"], "user": "u", "group": "g"}, **instance))
    return unit, dropin


def test_the_worker_template_leaves_what_runs_to_each_instance():
    unit, dropin = worker_units(environment={"TEMPORAL_TASK_QUEUE": "acme-billing"}, timeout_stop_sec="45s")
    assert "ExecStart=" not in unit and "User=" not in unit
    for line in SHARED_HARDENING + ("EnvironmentFile=/etc/temporal-worker/%i.env", "Restart=always", "KillMode=mixed",
                                    "StateDirectory=temporal-worker/%i", "ProcSubset=all"):
        assert line in unit.splitlines(), line
    # One value per key: the worker's override replaces the shared line, it does not add one.
    assert len([line for line in unit.splitlines() if line.startswith("ProcSubset=")]) == 1
    assert exec_start_argv(dropin) == ["/opt/w/bin/python", "-m", "app.worker"]
    assert 'Environment="TEMPORAL_TASK_QUEUE=acme-billing"' in dropin.splitlines()
    assert "TimeoutStopSec=45s" in dropin.splitlines() and "User=u" in dropin.splitlines()


@pytest.mark.parametrize("value", ['with space', 'quote"inside', "back\\slash", "100%", "$HOME"])
def test_worker_arguments_stay_one_argument(value):
    dropin = worker_units(exec_start=["/usr/local/bin/wippy", "run", value])[1]
    assert exec_start_argv(dropin) == ["/usr/local/bin/wippy", "run", value]


def environment_value(unit, name):
    """NAME's value in Environment= lines as systemd reads it: specifiers (%%) and C escapes
    undone, $ left as it is (systemd expands no variables there)."""
    for line in unit.splitlines():
        if line.startswith('Environment="%s=' % name):
            quoted = line[len("Environment="):]
            value = quoted[1:-1].encode().decode("unicode_escape").replace("%%", "%")
            return value.split("=", 1)[1]
    raise AssertionError("no Environment= line for %s" % name)


@pytest.mark.parametrize("value", ["a$b", "$HOME", "100%", 'quote"inside', "back\\slash", "two\nlines", "x $$y"])
def test_environment_values_reach_the_process_as_written(value):
    dropin = worker_units(environment={"APP_SETTING": value})[1]
    assert environment_value(dropin, "APP_SETTING") == value
    assert len([line for line in dropin.splitlines() if line.startswith("Environment=")]) == 1


# --- the entry point (tasks/unit.yml), run by ansible-playbook on this machine -----------------

PLAYBOOK = """
- name: A role that runs a service writes its unit through the entry point
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - caller
"""
CALLER_TASKS = """
- name: Write the unit
  ansible.builtin.include_role:
    name: temporalops.temporal.temporal_systemd
    tasks_from: unit
  vars:
    temporal_systemd_unit: "{{ unit }}"
    temporal_systemd_unit_path: "{{ out }}/demo.service"
    temporal_systemd_notify: [Restart the demo]
  when: dropin is not defined

- name: Write the unit and an instance's drop-in
  ansible.builtin.include_role:
    name: temporalops.temporal.temporal_systemd
    tasks_from: unit
  vars:
    temporal_systemd_unit: "{{ unit }}"
    temporal_systemd_unit_path: "{{ out }}/demo.service"
    temporal_systemd_dropin: "{{ dropin }}"
    temporal_systemd_dropin_path: "{{ out }}/demo@one.service.d/temporalops.conf"
    temporal_systemd_notify: [Restart the demo]
  when: dropin is defined

- name: Tell the test what the caller saw
  ansible.builtin.debug:
    msg: "SEEN {{ {'unit_changed': temporal_systemd_unit_result is changed, 'changed': temporal_systemd_changed} | to_json }}"
"""
CALLER_HANDLERS = """
- name: Restart the demo
  ansible.builtin.debug:
    msg: NOTIFIED
"""


def run_entry_point(tmp_path, unit, *options, **extra):
    """Run the entry point from a role with a handler (as the roles do), writing under tmp_path/out:
    (ansible-playbook's result, out, what the caller saw after the include)."""
    tasks = tmp_path / "roles" / "caller" / "tasks"
    handlers = tmp_path / "roles" / "caller" / "handlers"
    for directory, text in ((tasks, CALLER_TASKS), (handlers, CALLER_HANDLERS)):
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "main.yml").write_text(text)
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (tmp_path / "vars.json").write_text(json.dumps(dict(extra, unit=unit, out=str(out), ansible_python_interpreter=sys.executable)))
    collections = next(p for p in sys.path if os.path.isdir(os.path.join(p, "ansible_collections", "temporalops", "temporal")))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_ROLES_PATH=str(tmp_path / "roles"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCALHOST_WARNING="0")
    playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    result = subprocess.run([playbook, "-i", "localhost,", str(tmp_path / "play.yml"), "-e", "@%s" % (tmp_path / "vars.json")]
                            + list(options), env=env, capture_output=True, text=True, check=False)
    # The debug tasks print a string as "msg": "SEEN {...}" (JSON inside, quotes escaped).
    seen = re.findall(r'"msg": "SEEN (.*)"', result.stdout)
    seen = json.loads(json.loads('"%s"' % seen[0])) if seen else None
    return result, out, seen


DEMO = {"description": "Demo", "exec_start": ["/bin/sleep", "100%"], "user": "nobody", "group": "nogroup"}

needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0
                                or not os.path.exists(os.path.join(os.path.dirname(sys.executable), "ansible-playbook")),
                                reason="writes files owned by root with ansible-playbook")


@needs_root
def test_the_entry_point_writes_the_unit_notifies_the_callers_handler_and_reports(tmp_path):
    result, out, seen = run_entry_point(tmp_path, DEMO, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "demo.service").exists(), "check mode wrote the unit"
    assert seen == {"unit_changed": True, "changed": {str(out / "demo.service"): True}}

    result, out, seen = run_entry_point(tmp_path, DEMO, dropin={"exec_start": ["/bin/true"], "user": "u", "group": "g"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"msg": "NOTIFIED"' in result.stdout
    assert seen == {"unit_changed": True, "changed": {str(out / "demo.service"): True,
                                                      str(out / "demo@one.service.d" / "temporalops.conf"): True}}
    unit = (out / "demo.service").read_text()
    assert exec_start_argv(unit) == ["/bin/sleep", "100%"]
    # The same text as the template gives, rendered as the roles' tests render it.
    assert unit == render_role_template("temporal_ui", "unit.service.j2", temporal_systemd_unit=DEMO)
    assert exec_start_argv((out / "demo@one.service.d" / "temporalops.conf").read_text()) == ["/bin/true"]

    result, out, seen = run_entry_point(tmp_path, DEMO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOTIFIED" not in result.stdout, "an unchanged unit notified the handler"
    assert seen["unit_changed"] is False and seen["changed"][str(out / "demo.service")] is False


@needs_root
def test_the_entry_point_refuses_a_control_character_before_writing(tmp_path):
    result, out, _seen = run_entry_point(tmp_path, dict(DEMO, exec_start=["/bin/sleep", "1\nExecStartPre=/bin/sh"]))
    assert result.returncode != 0
    assert "temporal_systemd_unit.exec_start[1] '1\\nExecStartPre=/bin/sh' has a control character (a newline)" in result.stdout
    assert "Nothing was written to %s." % (out / "demo.service") in result.stdout
    assert not (out / "demo.service").exists()


def test_an_environment_file_value_escapes_what_systemd_reads_specially():
    assert systemd_unit.environment_file_value('a "b" `c` $d \\e\nf') == '"a \\"b\\" \\`c\\` \\$d \\\\e\nf"'
    assert systemd_unit.environment_file_value(5) == '"5"'
