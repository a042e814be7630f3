"""Hunts for a secret in every form it can take once written or logged, with the positive
controls that prove each hunt finds what it looks for.

A secret is rarely stored as typed: an environment file escapes its quotes and dollars, a
unit doubles its percents, JSON and YAML quote it, a shell quotes it, base64 hides it. A hunt
for the raw text alone passes over all of those, so every hunt here looks for all of them.
"""

import base64
import json
import re
import shlex
import urllib.parse


def _base64_cores(secret):
    """Runs of base64 text that appear whatever bytes surround SECRET: one per alignment."""
    raw = secret.encode()
    cores = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw + b"\0\0\0").decode()
        # Skip the group mixed with the bytes before, keep only groups of the secret's own bytes.
        first_group = 0 if offset == 0 else 1
        last_group = (offset + len(raw)) // 3
        core = encoded[first_group * 4:last_group * 4]
        if len(core) >= 12:
            cores.append(core)
    return cores


def forms(secret):
    """Each form SECRET may take in a file, a command line or a log: name -> text."""
    found = {
        "raw": secret,
        # env.j2 and POSIX shells inside double quotes: backslash, quote, dollar, backquote.
        "double-quoted": re.sub(r'([\\"$`])', r"\\\1", secret),
        # systemd's command-line and Environment= quoting: percent (specifier) and dollar doubled.
        "systemd": secret.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$"),
        "systemd-environment": secret.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%"),
        "json": json.dumps(secret)[1:-1],
        "yaml-single-quoted": secret.replace("'", "''"),
        "shell-single-quoted": secret.replace("'", "'\\''"),
        # Python's shlex.quote closes the quote and opens a double-quoted one.
        "shell-single-quoted-shlex": secret.replace("'", "'\"'\"'"),
        "url": urllib.parse.quote(secret, safe=""),
    }
    for index, core in enumerate(_base64_cores(secret)):
        found["base64-%d" % index] = core
    # The plain end of the secret, which survives a shell expanding its $NAME or any escaping
    # of its special characters (when long enough to mean the secret).
    tail = re.search(r"[A-Za-z0-9-]{12,}$", secret)
    if tail:
        found["plain-tail"] = tail.group(0)
    return found


def distinct_forms(secret):
    """The different texts of forms(SECRET), longest first (a short one may be part of another)."""
    return sorted(set(forms(secret).values()), key=len, reverse=True)


def found_in(text, secret):
    """Names of the forms of SECRET that TEXT holds."""
    return sorted(name for name, form in forms(secret).items() if form in text)


def grep_args(secret):
    """grep -F arguments matching any form of SECRET, quoted for a shell."""
    return " ".join("-e %s" % shlex.quote(form) for form in distinct_forms(secret))


def files_holding(host, secret, roots):
    """Paths under ROOTS on HOST (a testinfra host) whose content holds any form of SECRET."""
    found = host.run("grep -rlsF --null %s -- %s" % (grep_args(secret), " ".join(roots)))
    # 2: a file vanished or could not be read while grep walked (/run, /tmp); the plants prove
    # the hunt works.
    assert found.rc in (0, 1, 2), found.stderr[-2000:]
    return [path for path in found.stdout.split("\0") if path]


def journal(host):
    """HOST's whole journal with every field of every entry (the command line and executable
    of the process that logged, not only the message)."""
    out = host.run("journalctl --no-pager -o export")
    # Binary fields (a byte that is not UTF-8, such as a client's garbage logged by HAProxy)
    # become U+FFFD; the text around them, where a secret would show, is kept.
    text = out.stdout_bytes.decode("utf-8", "replace")
    assert out.rc == 0 and text, out.stderr[-2000:]
    return text


def plant_in_journal(host, secret):
    """Log each form of SECRET to HOST's journal (a control marker's: what is logged stays)."""
    for form in forms(secret).values():
        encoded = base64.b64encode(form.encode()).decode()
        host.run_expect([0], "echo %s | base64 -d | systemd-cat -t temporalops-test-control" % encoded)


# Where the hunts' positive controls plant their files (world-readable, under a scanned root).
PLANTS = "/var/tmp/temporalops-test-plants"


def missed_plants(host, secret, roots, directory=PLANTS):
    """The positive control of files_holding: plant each form of SECRET on HOST, hunt ROOTS,
    remove the plants. Returns the planted paths the hunt did not find (none, when it works)."""
    planted = plant(host, secret, directory)
    try:
        found = set(files_holding(host, secret, roots))
    finally:
        host.run("rm -rf %s" % shlex.quote(directory))
    return sorted(set(planted) - found)


def plant(host, secret, directory):
    """Write each form of SECRET to its own world-readable file under DIRECTORY on HOST, for a
    hunt to find (its positive control). Returns {path: form name}."""
    planted = {}
    host.run_expect([0], "mkdir -p %s" % shlex.quote(directory))
    for name, form in forms(secret).items():
        path = "%s/planted-%s" % (directory, name)
        encoded = base64.b64encode(("before " + form + " after\n").encode()).decode()
        host.run_expect([0], "echo %s | base64 -d > %s && chmod 0644 %s" % (encoded, path, path))
        planted[path] = name
    return planted


# Reads every process's command line in a tight loop until stopped, then writes the distinct
# ones (with how many passes it made) to a root-only file. It holds no secret itself.
_SAMPLER = r"""
import json, os, signal, sys, time
seen, passes = set(), 0
def stop(*_):
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"passes": passes, "command_lines": sorted(seen)}, out)
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    seen.add(f.read().replace(b"\0", b" ").decode(errors="replace").strip())
            except OSError:
                pass
    passes += 1
    # A pause that leaves the CPU to the run being watched (and to the scenario running beside
    # it); a process of 50 ms is still seen.
    time.sleep(0.01)
"""
SAMPLER_UNIT = "ps-sampler-of-the-secret-checks"
SAMPLES = "/root/temporalops-test-ps-samples.json"


class CommandLineSampler:
    """Samples the command lines of every process on HOSTS (testinfra hosts) while a run goes
    on: `with CommandLineSampler(hosts) as sampler: ...; sampler.command_lines`. A process that
    lives a few milliseconds is seen (the controls prove it)."""

    def __init__(self, hosts, control):
        self.hosts, self.control = hosts, control
        self.command_lines = {}
        self.passes = {}

    def __enter__(self):
        for host in self.hosts:
            host.run("systemctl stop %s; systemctl reset-failed %s; rm -f %s" % (SAMPLER_UNIT, SAMPLER_UNIT, SAMPLES))
            host.run_expect([0], "systemd-run --quiet --unit=%s python3 -c %s %s" % (
                SAMPLER_UNIT, shlex.quote(_SAMPLER), SAMPLES))
            self._control(host, "start")
        return self

    def _control(self, host, when):
        """The positive control: a process of 50 ms whose command line names the control."""
        host.run_expect([0], "sleep 0.5; sh -c 'sleep 0.05' %s" % shlex.quote("%s-%s" % (self.control, when)))

    def seen_both_controls(self, name):
        """Whether the sampler of host NAME saw the control at the start and at the end."""
        lines = self.command_lines[name]
        return all(any("%s-%s" % (self.control, when) in line for line in lines) for when in ("start", "end"))

    def __exit__(self, *exc):
        for host in self.hosts:
            self._control(host, "end")
            host.run_expect([0], "systemctl stop %s" % SAMPLER_UNIT)
            read = host.run("cat %s && rm -f %s" % (SAMPLES, SAMPLES))
            assert read.rc == 0, read.stderr
            samples = json.loads(read.stdout)
            self.command_lines[host.backend.host] = samples["command_lines"]
            self.passes[host.backend.host] = samples["passes"]
        return False
