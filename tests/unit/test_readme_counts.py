"""The README's counts of what the suite checks match the checks: a case added or dropped in a
molecule scenario without the README following fails here."""

import ast
import os
import re

import pytest

REPO = os.path.join(os.path.dirname(__file__), "..", "..")
NUMBERS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".split())}


def readme():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        return " ".join(handle.read().split())


def module_constant(path, name):
    """The length of the list or dict literal assigned to NAME in the Python file at PATH."""
    with open(os.path.join(REPO, path), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            value = node.value
            return len(value.keys) if isinstance(value, ast.Dict) else len(value.elts)
    raise AssertionError("%s has no %s" % (path, name))


def said(pattern):
    """The number the README writes where PATTERN (with one word group) matches, as an int."""
    match = re.search(pattern, readme(), re.IGNORECASE)
    assert match, pattern
    return NUMBERS[match.group(1).lower()]


@pytest.mark.parametrize(("pattern", "path", "constant", "factor"), [
    (r"bad server input in (\w+) runs", "molecule/production/tests/test_bad_input.py", "CASES", 1),
    (r"(\w+) bad UI inputs", "molecule/production/tests/test_ui.py", "CASES", 1),
    (r"Bad input is refused in (\w+) runs", "molecule/workers/tests/test_bad_input.py", "CASES", 1),
    (r"bad input of the preset in (\w+) runs", "molecule/default/tests/test_bad_input.py", "CASES", 1),
    # Each phase tag alone and skipped.
    (r"runs all (\w+) selections", "molecule/shared/temporal_testinfra.py", "PHASE_TAGS", 2),
], ids=["server", "ui", "workers", "preset", "tag-selections"])
def test_the_readme_counts_what_the_suite_checks(pattern, path, constant, factor):
    assert said(pattern) == factor * module_constant(path, constant)


def test_every_phase_tag_the_readme_names_tags_tasks_of_the_roles():
    """The phase tags the README documents are the ones the roles' tasks carry."""
    tags = set(re.findall(r"`(temporal_(?:validate|install|configure|service))`", readme()))
    assert len(tags) == module_constant("molecule/shared/temporal_testinfra.py", "PHASE_TAGS")
    used = set()
    for top, _dirs, names in os.walk(os.path.join(REPO, "roles")):
        for name in names:
            if name.endswith(".yml"):
                with open(os.path.join(top, name), encoding="utf-8") as handle:
                    used.update(re.findall(r"\btemporal_(?:validate|install|configure|service)\b", handle.read()))
    assert tags <= used, tags - used
