"""Units rendered from the shared template (role temporal_systemd) pass every value as exactly
one argument, and carry the shared hardening.

Each role's unit comes from its vars/main.yml, evaluated here the way Ansible evaluates it
(native Jinja types, lookup('template') in the role's templates/), then rendered through
roles/temporal_systemd/templates/unit.service.j2.
"""

import json
import pathlib
import re
import shlex

import jinja2
import jinja2.nativetypes
import pytest
import yaml

from ansible_render import load as load_yaml, render_role_template, trusted

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
    variables = dict(load(role_dir / "defaults" / "main.yml"), ansible_managed="managed",
                     role_path=str(role_dir), temporal_install_root="/opt/temporal")
    variables.update(overrides)
    native.globals["lookup"] = lambda kind, name: files.get_template(name).render(**variables)
    # Defaults may refer to each other (data dir in the db path): settle them first.
    for _round in range(3):
        variables = {k: evaluate(v, native, variables) for k, v in variables.items()}
    for name, value in load(role_dir / "vars" / "main.yml").items():
        variables[name] = evaluate(value, native, variables)
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
