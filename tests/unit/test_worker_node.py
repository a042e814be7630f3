"""Node.js workers of the temporal_worker role (node: the TypeScript SDK's apps): the app's
archive and digest on the controller (module_utils/node_app.py), what the worker runs and where
it is built (worker_model.py), and the messages of their mistakes (worker_checks.py)."""

import os
import tarfile

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils import node_app, worker_checks, worker_model

PLACES = ("/opt/temporal-workers", "/etc/temporal-worker", "/opt/temporal", "temporal-worker")
# An app as node_app.describe() and the action plugin give it: package.json, a lockfile that matches.
GOOD_APP = {"digest": "d" * 64, "package_json": True, "lockfile": "package-lock.json", "lock_mismatch": [], "archive": "/cache/app-dd.tar.gz"}
EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "workers", "typescript")


@pytest.fixture
def app(tmp_path):
    """An app directory as a developer has it: sources, lockfile, and their node_modules and .git."""
    root = tmp_path / "app"
    for path, text in {"package.json": "{}", "package-lock.json": "{}", "src/worker.ts": "run()", "src/gen/types.ts": "", "bin/start": "#!/bin/sh",
                       "node_modules/left/index.js": "x", ".git/HEAD": "ref"}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    (root / "bin/start").chmod(0o755)
    return root


def resolved(worker, app_dir="/srv/app", apps=None):
    found = {app_dir: app_dir, "/srv/npm-cache.tar.gz": "/srv/npm-cache.tar.gz"}
    apps = {app_dir: dict(GOOD_APP)} if apps is None else apps
    (w,) = worker_model.resolve([worker], {}, *PLACES, found_paths=found, read_text={}, apps=apps)
    return w


def checked(worker, **kwargs):
    w = resolved(worker, **kwargs)
    return worker_checks.check([w], [worker], {})


NODE = {"name": "orders", "node": {"source": "/srv/app", "script": "lib/worker.js", "build": "build"}}


def test_the_archive_holds_the_app_without_node_modules_or_git(app, tmp_path):
    described = node_app.describe(str(app))
    assert described["files"] == ["bin/start", "package-lock.json", "package.json", "src/gen/types.ts", "src/worker.ts"]
    assert described["lockfile"] == "package-lock.json"
    dest = tmp_path / "cache" / "app.tar.gz"
    node_app.write_archive(str(app), described["files"], str(dest))
    with tarfile.open(str(dest)) as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert sorted(m for m in members if members[m].isfile()) == described["files"]
    # Each directory is in it, so that unpacking with an owner gives it that owner.
    assert sorted(m for m in members if members[m].isdir()) == ["bin", "src", "src/gen"]
    assert members["bin/start"].mode == 0o755 and members["package.json"].mode == 0o644
    assert not [p for p in os.listdir(str(dest.parent)) if p.endswith(".partial")]


def test_the_digest_follows_content_and_executable_bits_only(app):
    first = node_app.describe(str(app))["digest"]
    (app / "node_modules" / "left" / "index.js").write_text("changed")
    assert node_app.describe(str(app))["digest"] == first
    (app / "src" / "worker.ts").write_text("run(1)")
    second = node_app.describe(str(app))["digest"]
    assert second != first
    (app / "src" / "worker.ts").chmod(0o755)
    assert node_app.describe(str(app))["digest"] != second


def test_a_node_worker_runs_its_script_from_a_build_named_by_the_app():
    w = resolved(NODE)
    build = w["node_build"]["dir"]
    assert build.startswith("/opt/temporal-workers/orders/node/") and len(os.path.basename(build)) == 12
    assert w["command"] == ["/usr/bin/node", build + "/lib/worker.js"] and w["working_dir"] == build
    assert w["node_build"]["npm"] == "/usr/bin/npm" and w["node_build"]["offline"] is False
    assert w["node_build"]["environment"]["PATH"].startswith("/usr/bin:")
    # V8 compiles to memory it writes.
    assert w["hardening"] == {"MemoryDenyWriteExecute": "no"}
    # Its version check runs it (the role may install it first): not a file checked before that.
    assert not [f for f in w["host_files"] if f[0].endswith(".node.interpreter")]
    assert checked(NODE) == []


def test_a_new_app_or_build_script_is_a_new_build_and_hardening_can_be_set():
    w = resolved(NODE)
    other_app = resolved(NODE, apps={"/srv/app": dict(GOOD_APP, digest="e" * 64)})
    other_build = resolved(dict(NODE, node=dict(NODE["node"], build="compile")))
    assert len({w["node_build"]["dir"], other_app["node_build"]["dir"], other_build["node_build"]["dir"]}) == 3
    assert resolved(dict(NODE, hardening={"MemoryDenyWriteExecute": "yes"}))["hardening"] == {"MemoryDenyWriteExecute": "yes"}
    own = resolved(dict(NODE, node=dict(NODE["node"], interpreter="/opt/node20/bin/node", npm_cache="/srv/npm-cache.tar.gz")))
    assert own["node_build"]["npm"] == "/opt/node20/bin/npm" and own["node_build"]["offline"] is True
    assert own["command"][0] == "/opt/node20/bin/node"


@pytest.mark.parametrize(("node", "apps", "message"), [
    ({"script": "lib/worker.js"}, None,
     "temporal_worker_instances[orders].node.source: the app directory on the controller (package.json and its lockfile) is required."),
    ({"source": "/srv/app", "script": "lib/worker.js"}, {"/srv/app": dict(GOOD_APP, package_json=False, lockfile="", lock_mismatch=None)},
     "temporal_worker_instances[orders].node.source: /srv/app has no package.json that npm can read (the app's dependencies and scripts)."),
    ({"source": "/srv/app", "script": "lib/worker.js"}, {"/srv/app": dict(GOOD_APP, lockfile="", lock_mismatch=None)},
     "temporal_worker_instances[orders].node.source: /srv/app has no package-lock.json (or npm-shrinkwrap.json): npm ci installs exactly"
     " what a lockfile pins; run npm install once and keep the lockfile with the app."),
    ({"source": "/srv/app", "script": "lib/worker.js"}, {"/srv/app": dict(GOOD_APP, lock_mismatch=["@temporalio/worker", "left-pad"])},
     "temporal_worker_instances[orders].node.source: /srv/app/package-lock.json does not match package.json (@temporalio/worker, left-pad);"
     " run npm install and keep the lockfile it writes (npm ci refuses the pair)."),
    ({"source": "/srv/app", "script": "lib/worker.js"}, {"/srv/app": dict(GOOD_APP, lock_mismatch=None)},
     "temporal_worker_instances[orders].node.source: /srv/app/package-lock.json is not a lockfile npm can read (JSON, lockfileVersion 2 or 3)."),
    ({"source": "/srv/app", "script": "../etc/passwd"}, None,
     'temporal_worker_instances[orders].node.script "../etc/passwd": the file node runs, a path inside the app such as lib/worker.js.'),
    ({"source": "/srv/app", "script": "/lib/worker.js"}, None,
     'temporal_worker_instances[orders].node.script "/lib/worker.js": the file node runs, a path inside the app such as lib/worker.js.'),
    ({"source": "/srv/app"}, None,
     'temporal_worker_instances[orders].node.script "": the file node runs, a path inside the app such as lib/worker.js.'),
    ({"source": "/srv/app", "script": "lib/w.js", "build": "build; rm -rf /"}, None,
     'temporal_worker_instances[orders].node.build "build; rm -rf /" must name a script of package.json (npm run NAME), such as build.'),
    ({"source": "/srv/app", "script": "lib/w.js", "npm_cache": "/srv/cache.zip"}, None,
     "temporal_worker_instances[orders].node.npm_cache: /srv/cache.zip is not on the controller."),
    ({"source": "/srv/app", "script": "lib/w.js", "interpreter": "node"}, None,
     "temporal_worker_instances[orders].node.interpreter must be an absolute path, not node."),
])
def test_each_node_mistake_is_named(node, apps, message):
    assert checked({"name": "orders", "node": node}, apps=apps) == [message]


def test_one_delivery_only():
    assert checked(dict(NODE, command="/usr/bin/true")) == [
        "temporal_worker_instances[orders]: node and command are set; give one of command, python, node, archive (files go beside any of them)."]


def asked(stdout, rc=0, interpreter="/usr/bin/node"):
    """What a loop of `<interpreter> --version` registers."""
    return [{"item": interpreter, "rc": rc, "stdout": stdout}]


def test_a_nodejs_older_than_the_sdk_needs_is_named_with_its_host():
    w = resolved(NODE)
    assert worker_checks.node_problems([w], asked("v20.19.2"), "h13") == []
    assert worker_checks.node_problems([w], asked("v20.3.0"), "h13") == []
    assert worker_checks.node_problems([w], asked("v18.19.0\n"), "h12") == [
        "temporal_worker_instances[orders].node: /usr/bin/node on h12 is Node.js 18.19.0; the TypeScript SDK needs Node.js 20.3.0 or newer"
        " (install a newer Node.js, or set node.interpreter)."]
    assert "is not a Node.js that runs" in worker_checks.node_problems([w], asked("", rc=2), "h")[0]
    assert "is not a Node.js that runs" in worker_checks.node_problems([w], asked("node"), "h")[0]
    assert "is Node.js 20.2.9" in worker_checks.node_problems([w], asked("v20.2.9"), "h")[0]


def test_a_nodejs_a_later_step_may_install_or_that_was_not_asked_is_not_judged():
    w = resolved(NODE)
    assert worker_checks.node_problems([w], asked("", rc=2), "h", judge_missing=False) == []
    assert worker_checks.node_problems([w], asked("v18.19.0"), "h", judge_missing=False) != []
    assert worker_checks.node_problems([w], asked("v18.19.0", interpreter="/opt/node/bin/node"), "h") == []
    assert worker_checks.node_problems([w], [], "h") == []


def test_the_example_lockfile_matches_its_package_json():
    described = node_app.describe(EXAMPLE)
    assert described["package_json"] and described["lockfile"] == "package-lock.json" and described["lock_mismatch"] == []


def test_a_lockfile_that_does_not_match_names_the_dependencies():
    package = {"dependencies": {"@temporalio/worker": "1.24.0", "left-pad": "^1.3.0"}, "devDependencies": {"typescript": "5.9.3"}}
    lock = {"lockfileVersion": 3, "packages": {"": {"dependencies": {"@temporalio/worker": "1.23.0"}, "devDependencies": {"typescript": "5.9.3"}}}}
    assert node_app.lock_mismatch(package, lock) == ["@temporalio/worker", "left-pad"]
    assert node_app.lock_mismatch(package, {"packages": {"": package}}) == []
