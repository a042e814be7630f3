"""The server role's upgrade walk: which releases a run goes through (upgrade-plan.j2), the input
checks of temporal_server_upgrade_path (problems.j2) and the schema prediction (schema-*.j2)."""

import base64
import json

import pytest

from test_server_config import render


def unit_running(version):
    """What tasks/plan.yml slurps: a unit whose ExecStart runs VERSION."""
    text = "[Service]\nExecStart=/opt/temporal/server/%s/temporal-server --config-file /etc/temporal/x.yaml start\n" % version
    return {"content": base64.b64encode(text.encode()).decode()}


def plan(live, target, path=()):
    overrides = {"temporal_server_version": target, "temporal_server_upgrade_path": list(path)}
    overrides["temporal_server_live_unit"] = unit_running(live) if live else {"skipped": True}
    return json.loads(render("upgrade-plan.j2", **overrides))


def versions(result):
    return [step["version"] for step in result["steps"]]


@pytest.mark.parametrize(("live", "target", "path", "expected"), [
    pytest.param("", "1.32.2", [], ["1.32.2"], id="fresh-host-any-release"),
    pytest.param("1.32.2", "1.32.2", ["1.31.2"], ["1.32.2"], id="converged-path-left-in-place"),
    pytest.param("1.32.0", "1.32.2", [], ["1.32.2"], id="patch"),
    pytest.param("1.31.2", "1.32.2", [], ["1.32.2"], id="next-minor"),
    pytest.param("1.30.9", "1.32.2", ["1.31.2"], ["1.31.2", "1.32.2"], id="walk"),
    pytest.param("1.30.9", "1.32.2", ["1.30.1", "1.30.9", "1.31.2"], ["1.31.2", "1.32.2"], id="passed-releases-skipped"),
    pytest.param("1.29.5", "1.32.2", ["1.30.9", "1.31.0", "1.31.2"], ["1.30.9", "1.31.0", "1.31.2", "1.32.2"],
                 id="patches-within-the-walk"),
    pytest.param("1.32.2", "1.31.2", ["1.31.2"], ["1.31.2"], id="rollback-one-minor"),
])
def test_walks(live, target, path, expected):
    result = plan(live, target, path)
    assert result["refusal"] == ""
    assert result["live"] == live
    assert versions(result) == expected


def test_path_items_carry_their_checksum_and_archive():
    digest = "sha256:" + "a" * 64
    result = plan("1.30.9", "1.32.2", [{"version": "1.31.2", "checksum": digest, "archive_path": "/srv/t.tar.gz"}])
    assert result["steps"][0] == {"version": "1.31.2", "checksum": digest, "archive_path": "/srv/t.tar.gz"}
    assert result["steps"][1]["version"] == "1.32.2"


@pytest.mark.parametrize(("live", "target", "path", "words"), [
    pytest.param("1.30.9", "1.32.2", [], ["pass through 1.31 ", "temporal_server_upgrade_path", "[1.31.<patch>]",
                                          "Nothing was changed"], id="skipped-minor"),
    pytest.param("1.29.5", "1.32.2", ["1.30.9"], ["pass through 1.31 "], id="gap-after-the-path"),
    pytest.param("1.28.0", "1.32.2", [], ["pass through 1.29, 1.30, 1.31 ", "each"], id="three-minors"),
    pytest.param("1.32.2", "1.30.9", [], ["more than one minor version below 1.32.2"], id="rollback-two-minors"),
    pytest.param("1.32.2", "2.0.0", [], ["another major version"], id="major"),
    pytest.param("1.29.5", "1.32.2", ["1.31.2", "1.30.9"], ["oldest first"], id="out-of-order-without-validation"),
])
def test_refusals_name_what_to_do(live, target, path, words):
    refusal = plan(live, target, path)["refusal"]
    for word in words:
        assert word in refusal, refusal


def path_problems(path, target="1.32.2"):
    return json.loads(render("problems.j2", temporal_server_upgrade_path=path, temporal_server_version=target,
                             __ts_dc_constraints=[], __ts_namespace_keys=["name"], __ts_plugins=["postgres12"],
                             __ts_config={}))["upgrade_path"]


@pytest.mark.parametrize(("path", "word"), [
    pytest.param(["1.31"], "is not a release version", id="malformed"),
    pytest.param([{"release": "1.31.2"}], "unknown keys release", id="unknown-key"),
    pytest.param([{"version": "1.31.2", "checksum": "md5:abc"}], "checksum", id="bad-checksum"),
    pytest.param(["1.29.0"], "older than 1.30.0", id="too-old"),
    pytest.param(["1.31.2", "1.30.9"], "oldest first", id="out-of-order"),
    pytest.param(["1.31.2", "1.31.2"], "oldest first", id="twice"),
])
def test_bad_upgrade_paths_are_named(path, word):
    problems = path_problems(path)
    assert problems and word in " ".join(problems), problems


def test_good_upgrade_path_has_no_problems():
    assert path_problems(["1.30.9", {"version": "1.31.2", "checksum": "sha256:" + "0" * 64}]) == []


def test_a_path_left_in_place_allows_the_rollback_to_its_release():
    """The README's rollback: temporal_server_version back to a release the path still lists."""
    assert path_problems(["1.31.2"], target="1.31.2") == []
    assert versions(plan("1.32.2", "1.31.2", ["1.31.2"])) == ["1.31.2"]


def test_newest_schema_versions_sort_as_versions():
    paths = ["schema/postgresql/v12/temporal/versioned/v1.9/manifest.json",
             "schema/postgresql/v12/temporal/versioned/v1.19/",
             "schema/postgresql/v12/temporal/versioned/v1.2/",
             "schema/postgresql/v12/visibility/versioned/v1.14/",
             "schema/sqlite/v3/temporal/versioned/v9.9/"]
    assert json.loads(render("schema-newest.j2", __ts_paths=paths)) == {"temporal": "1.19", "visibility": "1.14"}


def schema_plan(live, steps, now, carried):
    return json.loads(render(
        "schema-plan.j2",
        __temporal_server_plan={"live": live, "steps": [{"version": v} for v in steps]},
        __temporal_server_schema_carried=carried,
        temporal_server_schema_now={"results": [{"item": {"schema": s}, "before": v} for s, v in now.items()]},
        temporal_server_db_password="unused"))


def test_schema_prediction_of_a_walk():
    result = schema_plan("1.30.9", ["1.31.2", "1.32.2"], {"temporal": "1.18", "visibility": "1.13"},
                         {"1.31.2": {"temporal": "1.19", "visibility": "1.14"},
                          "1.32.2": {"temporal": "1.19", "visibility": "1.14"}})
    assert result["refusal"] == ""
    assert result["steps"] == [
        "step 1: 1.30.9 -> 1.31.2: temporal schema 1.18 -> 1.19, visibility schema 1.13 -> 1.14, then one restart on 1.31.2",
        "step 2: 1.31.2 -> 1.32.2: temporal schema stays 1.19, visibility schema stays 1.14, then one restart on 1.32.2"]


def test_going_back_past_a_schema_change_is_refused_with_both_versions():
    result = schema_plan("1.31.2", ["1.30.9"], {"temporal": "1.19", "visibility": "1.14"},
                         {"1.30.9": {"temporal": "1.18", "visibility": "1.13"}})
    assert "Temporal server 1.30.9 expects the temporal schema at version 1.18" in result["refusal"]
    assert "holds 1.19, written for 1.31.2" in result["refusal"]
    assert "Schemas are never downgraded" in result["refusal"]


def test_a_release_not_yet_readable_is_predicted_as_unknown():
    result = schema_plan("1.30.9", ["1.31.2"], {"temporal": "1.18", "visibility": "1.13"}, {})
    assert result["refusal"] == ""
    assert "temporal schema unknown (release not readable before it is unpacked)" in result["steps"][0]
