"""The server role's upgrade walk: which releases a run goes through (server_plan.upgrade_plan), the
input checks of temporal_server_upgrade_path (server_rules.problems) and the schema prediction
(server_plan.schema_newest, server_plan.schema_plan)."""

import pytest

# test_server_config makes the collection's modules importable in a whole run (see there).
import test_server_config  # noqa: F401  # pylint: disable=unused-import
from ansible_collections.temporalops.temporal.plugins.module_utils import server_plan, server_rules

# __temporal_server_schema_stores with the role's defaults.
STORES = [{"schema": "temporal", "host": "127.0.0.1", "port": 5432, "user": "temporal", "database": "temporal"},
          {"schema": "visibility", "host": "127.0.0.1", "port": 5432, "user": "temporal", "database": "temporal_visibility"}]


def unit_running(version):
    """What tasks/plan.yml reads (slurped, decoded): a unit whose ExecStart runs VERSION."""
    return "[Service]\nExecStart=/opt/temporal/server/%s/temporal-server --config-file /etc/temporal/x.yaml start\n" % version


def plan(live, target, path=()):
    step = {"version": target, "checksum": "", "archive_path": ""}
    return server_plan.upgrade_plan(unit_running(live) if live else "", target, list(path), step)


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


def test_the_last_step_is_the_target_step_as_given():
    step = {"version": "1.32.2", "checksum": "sha256:" + "b" * 64, "archive_path": "/srv/s.tar.gz"}
    result = server_plan.upgrade_plan(unit_running("1.31.2"), "1.32.2", [{"version": "1.31.9"}, "1.30.1"], step)
    assert result["steps"] == [{"version": "1.31.9", "checksum": "", "archive_path": ""}, step]


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


# Each refusal word for word, as the role has always printed it (the molecule scenarios match phrases of them).
@pytest.mark.parametrize(("live", "target", "path", "refusal"), [
    pytest.param("1.30.9", "1.32.2", [],
                 "temporal_server_version 1.32.2 is more than one minor version ahead of 1.30.9, the release the units run now."
                 " Temporal upgrades one minor version at a time, schema first: pass through 1.31 by adding a release of it to"
                 " temporal_server_upgrade_path, oldest first (for example temporal_server_upgrade_path: [1.31.<patch>])."
                 " Nothing was changed.", id="gap-of-one"),
    pytest.param("1.28.0", "1.31.2", [],
                 "temporal_server_version 1.31.2 is more than one minor version ahead of 1.28.0, the release the units run now."
                 " Temporal upgrades one minor version at a time, schema first: pass through 1.29, 1.30 by adding a release of"
                 " each to temporal_server_upgrade_path, oldest first (for example temporal_server_upgrade_path:"
                 " [1.29.<patch>, 1.30.<patch>]). Nothing was changed.", id="gaps"),
    pytest.param("1.32.2", "1.30.9", [],
                 "temporal_server_version 1.30.9 is more than one minor version below 1.32.2, the release the units run now:"
                 " a rollback goes back one minor version at most (to 1.31.x), and only while the database schema is one that"
                 " release supports. Nothing was changed.", id="rollback-too-far"),
    pytest.param("1.32.2", "2.0.0", [],
                 "Temporal supports no upgrade from 1.32.2 to 2.0.0 (another major version); nothing was changed.", id="major"),
    pytest.param("1.29.5", "1.32.2", ["1.31.2", "1.30.9"],
                 "temporal_server_upgrade_path goes from 1.31.2 to 1.30.9: list its releases oldest first, once;"
                 " nothing was changed.", id="out-of-order"),
])
def test_refusals_word_for_word(live, target, path, refusal):
    assert plan(live, target, path)["refusal"] == refusal


def test_the_last_step_problem_is_the_one_named():
    """Each step is checked in turn, and a later problem replaces an earlier one."""
    result = plan("1.30.9", "2.0.0", ["1.31.2", "1.31.0"])
    assert result["refusal"].startswith("Temporal supports no upgrade from 1.31.0 to 2.0.0")


def test_an_ordering_problem_wins_over_a_gap():
    refusal = plan("1.28.0", "1.32.2", ["1.31.2", "1.31.0"])["refusal"]
    assert refusal.startswith("temporal_server_upgrade_path goes from 1.31.2 to 1.31.0"), refusal


@pytest.mark.parametrize(("text", "live"), [
    pytest.param(unit_running("1.31.2"), "1.31.2", id="plain"),
    pytest.param('ExecStart="/opt/temporal/server/1.31.2-rc.1/temporal-server" "--config-file" "/x"\n', "1.31.2-rc.1",
                 id="quoted-pre-release"),
    pytest.param("ExecStart=/usr/local/bin/temporal-server start\n", "", id="not-versioned"),
    pytest.param("", "", id="no-unit"),
    pytest.param(None, "", id="nothing-read"),
])
def test_the_live_release_is_read_from_the_unit(text, live):
    assert server_plan.live_release(text) == live
    assert server_plan.upgrade_plan(text, "1.32.2", [], {"version": "1.32.2"})["live"] == live


def test_a_fresh_host_takes_no_path_step():
    result = plan("", "1.32.2", ["1.31.2"])
    assert result == {"live": "", "steps": [{"version": "1.32.2", "checksum": "", "archive_path": ""}], "refusal": ""}


def path_problems(path, target="1.32.2"):
    del target  # the checks of the path do not depend on the target
    return server_rules.problems({}, {}, [], path, [], ["name"], ["postgres12"])["upgrade_path"]


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


@pytest.mark.parametrize(("path", "problems"), [
    pytest.param([{"version": "1.31.2", "release": 1, "url": 2}], ["item 0 has unknown keys release, url"], id="unknown-keys"),
    pytest.param(["1.30.9", "v1.31.2"], ['item 1 "v1.31.2" is not a release version such as 1.31.2'], id="not-a-release"),
    pytest.param([{"version": "1.31"}], ['item 0 {"version": "1.31"} is not a release version such as 1.31.2'], id="item-as-json"),
    pytest.param([{"version": "1.31.2", "checksum": "md5:abc"}], ["1.31.2: checksum must be empty or sha256:<64 hex digits>"],
                 id="checksum"),
    pytest.param([{"version": "1.31.2", "checksum": None}], ["1.31.2: checksum must be empty or sha256:<64 hex digits>"],
                 id="checksum-null"),
    pytest.param(["1.29.9"], ["1.29.9 is older than 1.30.0"], id="too-old"),
    pytest.param(["1.31.2", "1.30.9", "1.31.0"], ["1.30.9 comes after 1.31.2 (list them oldest first, once)",
                                                  "1.31.0 comes after 1.31.2 (list them oldest first, once)"], id="out-of-order"),
])
def test_upgrade_path_problems_word_for_word(path, problems):
    assert path_problems(path) == problems


def test_good_upgrade_path_has_no_problems():
    assert path_problems(["1.30.9", {"version": "1.31.2", "checksum": "sha256:" + "0" * 64}]) == []
    assert path_problems(["1.31.2", {"version": "1.31.3-rc.1", "checksum": "F" * 64, "archive_path": "/srv/t.tar.gz"}]) == []


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
    assert server_plan.schema_newest(paths) == {"temporal": "1.19", "visibility": "1.14"}


def test_a_store_without_versions_is_none():
    assert server_plan.schema_newest([]) == {"temporal": None, "visibility": None}
    assert server_plan.schema_newest(["x/schema/postgresql/v12/temporal/versioned/v1.19/",
                                      "schema/postgresql/v12/visibility/versioned/v1.14x"]) == {"temporal": None, "visibility": None}


def schema_plan(live, steps, now, carried):
    return server_plan.schema_plan({"live": live, "steps": [{"version": v} for v in steps]},
                                   [{"item": {"schema": s}, "before": v} for s, v in now.items()], carried, STORES)


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


def test_the_schema_refusal_word_for_word_names_the_first_store():
    result = schema_plan("1.31.2", ["1.30.9"], {"temporal": "1.19", "visibility": "1.14"},
                         {"1.30.9": {"temporal": "1.18", "visibility": "1.13"}})
    assert result["refusal"] == (
        "Temporal server 1.30.9 expects the temporal schema at version 1.18, but temporal (127.0.0.1:5432) holds 1.19,"
        " written for 1.31.2. Schemas are never downgraded, so the server cannot go back to 1.30.9: roll back only to a"
        " release with the same schema. Nothing was changed.")
    assert result["steps"] == ["step 1: 1.31.2 -> 1.30.9: temporal schema 1.19 is newer than 1.18,"
                               " visibility schema 1.14 is newer than 1.13, then one restart on 1.30.9"]


def test_a_release_not_yet_readable_is_predicted_as_unknown():
    result = schema_plan("1.30.9", ["1.31.2"], {"temporal": "1.18", "visibility": "1.13"}, {})
    assert result["refusal"] == ""
    assert "temporal schema unknown (release not readable before it is unpacked)" in result["steps"][0]


def test_an_unread_database_is_predicted_as_unknown():
    result = server_plan.schema_plan({"live": "1.30.9", "steps": [{"version": "1.31.2"}]},
                                     [{"item": {"schema": "temporal"}}, {"item": {"schema": "visibility"}, "before": None}],
                                     {"1.31.2": {"temporal": "1.19", "visibility": "1.14"}}, STORES)
    assert result == {"steps": ["step 1: 1.30.9 -> 1.31.2: temporal schema unknown (database unread),"
                                " visibility schema unknown (database unread), then one restart on 1.31.2"], "refusal": ""}


@pytest.mark.parametrize(("older", "newer"), [
    ("1.9", "1.19"), ("1.31.2", "1.31.10"), ("1.30.9", "1.31.0"), ("1.31", "1.31.0"),
    # Ansible's loose comparison: a pre-release sorts after its release (the role has always compared so).
    ("1.31.2", "1.31.2-rc.1"),
])
def test_versions_compare_like_the_loose_version_test(older, newer):
    assert server_plan.version_compare(older, newer) == -1
    assert server_plan.version_compare(newer, older) == 1
    assert server_plan.version_compare(newer, newer) == 0


@pytest.mark.parametrize(("left", "right"), [("1.31.2-1", "1.31.2-rc"), ("", "1.31.2")])
def test_versions_that_do_not_compare_fail_as_the_version_test_does(left, right):
    with pytest.raises(ValueError):
        server_plan.version_compare(left, right)
