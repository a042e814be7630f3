"""Render a role's template the way the template module does: real Ansible Templar and filters,
with the role's defaults and vars (vars/ templated lazily, as Ansible does)."""

import pathlib
import sys

import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template

ROLES = pathlib.Path(__file__).parents[2] / "roles"

# conftest.py installs the collection loader for a plain checkout; ansible-test installs its own.
if not any(type(finder).__name__ == "_AnsibleCollectionFinder" for finder in sys.meta_path):
    init_plugin_loader()


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def trusted(value):
    """Role files are trusted templates for Ansible; mark them so here too."""
    if isinstance(value, str):
        return trust_as_template(value) if "{{" in value else value
    if isinstance(value, dict):
        return {k: trusted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [trusted(v) for v in value]
    return value


def render_role_template(role, template, **overrides):
    """TEMPLATE of ROLE (a file in its templates/, or a shared unit template of temporal_systemd)
    rendered with its defaults, vars and OVERRIDES."""
    role_dir = ROLES / role
    variables = trusted(dict(load(role_dir / "defaults" / "main.yml"), **load(role_dir / "vars" / "main.yml")))
    variables.update(temporal_install_root="/opt/temporal", ansible_managed="Ansible managed",
                     ansible_search_path=[str(role_dir)], role_path=str(role_dir))
    variables.update(overrides)
    # The role's templates, then the shared unit templates (roles render those by path).
    shared = ROLES / "temporal_systemd" / "templates"
    templar = Templar(loader=DataLoader(), variables=variables).copy_with_new_env(
        searchpath=[str(role_dir / "templates"), str(shared)], available_variables=variables)
    path = role_dir / "templates" / template
    text = (path if path.exists() else shared / template).read_text(encoding="utf-8")
    return templar.template(trust_as_template(text), escape_backslashes=False, overrides=dict(trim_blocks=True))
