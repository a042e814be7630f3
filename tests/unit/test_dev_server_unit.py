"""The dev server's systemd unit passes every value to start-dev as exactly one argument."""

import json
import pathlib
import shlex

import jinja2
import pytest
import yaml

ROLE = pathlib.Path(__file__).parents[2] / "roles" / "dev_server"


def render(**overrides):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROLE / "templates")),
                             extensions=["jinja2.ext.do"], undefined=jinja2.StrictUndefined)
    env.filters["to_json"] = json.dumps
    with open(ROLE / "defaults" / "main.yml", encoding="utf-8") as handle:
        variables = yaml.safe_load(handle)
    variables["dev_server_db_filename"] = "/var/lib/temporal-dev/temporal.db"
    variables.update(ansible_managed="managed", cli_binary_path="/opt/temporal/cli/1.5.1/temporal")
    variables.update(overrides)
    return env.get_template("dev-server.service.j2").render(**variables)


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
    argv = exec_start_argv(render(dev_server_headless=True, dev_server_ui_public_path="/t"))
    assert "--headless" in argv
    assert not [a for a in argv if a.startswith("--ui-")]


@pytest.mark.parametrize("value", ['plain', 'with space', 'quote"inside', "back\\slash", "100%", "$HOME"])
def test_awkward_values_stay_one_argument(value):
    argv = exec_start_argv(render(dev_server_dynamic_config={"k.v": value}, dev_server_extra_args=[value]))
    assert flag_values(argv, "--dynamic-config-value") == ["k.v=" + json.dumps(value)]
    assert argv[-1] == value


def test_collections_become_repeated_flags_in_stable_order():
    argv = exec_start_argv(render(dev_server_namespaces=["a", "b"],
                                  dev_server_search_attributes={"Z": "Int", "A": "Keyword"},
                                  dev_server_sqlite_pragmas={"journal_mode": "wal"}))
    assert flag_values(argv, "--namespace") == ["a", "b"]
    assert flag_values(argv, "--search-attribute") == ["A=Keyword", "Z=Int"]
    assert flag_values(argv, "--sqlite-pragma") == ["journal_mode=wal"]


def test_limit_nofile_only_when_set():
    assert "LimitNOFILE" not in render()
    assert "LimitNOFILE=16384" in render(dev_server_limit_nofile=16384)
