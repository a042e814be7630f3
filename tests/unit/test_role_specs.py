"""Every role documents exactly the variables its defaults define, with the same defaults."""

import pathlib

import pytest
import yaml

ROLES = sorted(p for p in (pathlib.Path(__file__).parents[2] / "roles").iterdir() if p.is_dir())


def load(path):
    if not path.exists():  # an internal role without settings of its own (temporal_systemd)
        return {}
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_argument_specs_match_defaults(role):
    defaults = load(role / "defaults" / "main.yml")
    specs = load(role / "meta" / "argument_specs.yml")["argument_specs"]
    options = specs["main"]["options"]
    documented_with_default = {k: v for k, v in options.items() if "default" in v}
    assert set(documented_with_default) == set(defaults), "defaults/main.yml and meta/argument_specs.yml differ"
    for name, value in defaults.items():
        assert options[name]["default"] == value, name


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_option_is_described_and_typed(role):
    options = load(role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]
    for name, spec in options.items():
        assert spec.get("description"), name
        assert spec.get("type"), name


# The internal install role is validated through its callers' entry points.
COMPONENTS = [r for r in ROLES if (r / "tasks" / "validate.yml").exists() and r.name != "temporal_install"]


@pytest.mark.parametrize("role", COMPONENTS, ids=[r.name for r in COMPONENTS])
def test_validate_entry_point_checks_the_same_options(role):
    """The preset validates every component through its `validate` entry point first."""
    specs = load(role / "meta" / "argument_specs.yml")["argument_specs"]
    assert specs["validate"] == specs["main"]
