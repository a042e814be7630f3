"""What the roles manage on a test host, read in one pass, so that a check can prove a run
changed nothing: the units and their processes, the configuration by content, the install
trees by metadata, the accounts, and (on a database host) the schema versions.

    before = snapshot(host)
    ... a refused run, or --check ...
    assert_same_state(before, snapshot(host))
"""

import json
import shlex

# Configuration the roles write: compared by content.
CONFIG_ROOTS = ("/etc/temporal", "/etc/temporal-ui", "/etc/temporal-worker", "/etc/temporal-test",
                "/etc/postgresql", "/etc/haproxy", "/etc/logrotate.d", "/etc/systemd/system")
ACCOUNT_FILES = ("/etc/passwd", "/etc/group")
# Install trees, links and state: compared by type, size, mode, owner, mtime, ctime and link
# target (their binaries are large; unpacking keeps an archive's mtimes, but not the ctime).
TREE_ROOTS = ("/opt/temporal", "/opt/temporal-workers", "/usr/local/bin", "/var/lib/temporal",
              "/var/lib/temporal-worker", "/var/lib/temporal-dev", "/var/lib/temporal-ui")
# What the services themselves rewrite while they run.
LIVE_DATA = ("*.db", "*.db-wal", "*.db-shm", "*.db-journal", "*/__pycache__", "*/__pycache__/*")
UNITS = ("temporal*", "postgresql*")

_SCRIPT = r"""
import glob, hashlib, json, os, subprocess, sys, fnmatch
config_roots, account_files, tree_roots, live, unit_patterns = json.loads(sys.argv[1])
state = {"config": {}, "tree": {}, "units": {}, "schemas": {}, "packages": {}}

def run(argv, nothing_listed_ok=False):
    done = subprocess.run(argv, capture_output=True, text=True)
    # systemctl list-* exits 1 when no unit matches: an empty list, not a failed read.
    if nothing_listed_ok and done.returncode == 1 and not done.stdout.strip() and not done.stderr.strip():
        return ""
    if done.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(argv), done.returncode, done.stderr[-500:]))
    return done.stdout

def walk(root):
    if os.path.islink(root) or os.path.isfile(root):
        yield root
        return
    for top, dirs, files in os.walk(root):
        dirs.sort()
        yield top
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            yield os.path.join(top, name)

def wanted(path):
    return not any(fnmatch.fnmatch(path, pattern) for pattern in live)

for root in config_roots + account_files:
    for path in walk(root):
        try:
            st = os.lstat(path)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    kind = hashlib.sha256(handle.read()).hexdigest()
            else:
                kind = "link:" + os.readlink(path) if os.path.islink(path) else "dir"
        except FileNotFoundError:  # gone while walking
            continue
        state["config"][path] = "%s %o %d:%d" % (kind, st.st_mode, st.st_uid, st.st_gid)
for root in tree_roots:
    for path in walk(root):
        if not wanted(path):
            continue
        try:
            st = os.lstat(path)
            target = os.readlink(path) if os.path.islink(path) else ""
        except FileNotFoundError:
            continue
        # A directory's times change with its entries, which are listed themselves.
        times = "" if os.path.isdir(path) else "%d %d %d" % (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        state["tree"][path] = "%o %d:%d %s %s" % (st.st_mode, st.st_uid, st.st_gid, times, target)
listed = run(["systemctl", "list-units", "--all", "--plain", "--no-legend", "--no-pager"] + unit_patterns, True)
files = run(["systemctl", "list-unit-files", "--no-legend", "--no-pager"] + unit_patterns, True)
names = sorted({line.split()[0] for line in (listed + files).splitlines() if line.strip()})
for name in names:
    if "@." in name:
        state["units"][name] = "template"
        continue
    shown = run(["systemctl", "show", "-p", "ActiveState", "-p", "MainPID", "-p", "UnitFileState", "-p", "NRestarts",
                 "-p", "ExecMainStartTimestampMonotonic", name])
    state["units"][name] = " ".join(sorted(shown.split()))
# Packages by name, version and state (the roles install Debian's), as one digest.
state["packages"]["dpkg"] = hashlib.sha256(run(["dpkg-query", "-W", "-f", "${Package} ${Version} ${Status}\\n"]).encode()).hexdigest()
if os.path.exists("/usr/bin/psql") and subprocess.run(["systemctl", "is-active", "-q", "postgresql"]).returncode == 0:
    def psql(database, query):
        return run(["runuser", "-u", "postgres", "--", "psql", "-d", database, "-tAc", query]).strip()
    databases = psql("postgres", "SELECT datname FROM pg_database").split()
    for database in ("temporal", "temporal_visibility"):
        if database in databases:
            state["schemas"][database] = psql(database, "SELECT curr_version FROM schema_version")
    # Roles (with their password verifiers) and databases with their owners, as digests.
    state["schemas"]["roles"] = hashlib.sha256(psql("postgres", "SELECT rolname, rolpassword, rolcanlogin FROM pg_authid ORDER BY 1").encode()).hexdigest()
    state["schemas"]["databases"] = hashlib.sha256(psql("postgres", "SELECT datname, datdba FROM pg_database ORDER BY 1").encode()).hexdigest()
print(json.dumps(state))
"""


def snapshot(host, live_data=LIVE_DATA):
    """The state of what the roles manage on HOST (a testinfra host), as a dict of dicts."""
    arguments = json.dumps([list(CONFIG_ROOTS), list(ACCOUNT_FILES), list(TREE_ROOTS), list(live_data), list(UNITS)])
    out = host.run("python3 -c %s %s" % (shlex.quote(_SCRIPT), shlex.quote(arguments)))
    assert out.rc == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def differences(before, after):
    """What changed between two snapshots, one readable line per path, unit or database."""
    lines = []
    for part in sorted(set(before) | set(after)):
        old, new = before.get(part, {}), after.get(part, {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                lines.append("%s %s: %s -> %s" % (part, key, old.get(key, "(none)"), new.get(key, "(none)")))
    return lines


def assert_same_state(before, after, label=""):
    """Nothing the roles manage changed between the snapshots BEFORE and AFTER."""
    changed = differences(before, after)
    assert not changed, "%schanged on the host:\n  %s" % (label + ": " if label else "", "\n  ".join(changed[:40]))
