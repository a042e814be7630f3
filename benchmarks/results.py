"""Write benchmarks/RESULTS.md (to stdout) from one run of benchmarks/run.sh.

usage: results.py TIMES RUNS NAMESPACES BENCH_DIR COMMIT CLI_VERSION
TIMES holds lines "KEY SECONDS CHANGED"; the table shows the median of each KEY.
"""

import datetime
import os
import platform
import re
import statistics
import subprocess
import sys


def medians(path):
    samples = {}
    changed = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, seconds, count = line.split()
            samples.setdefault(key, []).append(float(seconds))
            changed.setdefault(key, []).append(count)
    return {k: statistics.median(v) for k, v in samples.items()}, changed, samples


def read(path, default="?"):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return default


PROFILE_LINE = re.compile(r"^(.*?) -+ +(\d+\.\d+)s$")


def profile(path):
    """From a play's output with the profile_tasks callback: how many tasks ran (task headers,
    a looped task once) and the slowest ones, as (name, seconds)."""
    text = read(path, "")
    tasks = len(re.findall(r"^TASK \[", text, flags=re.M))
    slowest = [(m.group(1).strip(), float(m.group(2)))
               for m in (PROFILE_LINE.match(line) for line in text.splitlines()) if m]
    return tasks, slowest


def first_line(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "?"


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo", "").splitlines()
                if line.startswith("model name")), "?")
    mem = next((line.split()[1] for line in read("/proc/meminfo", "").splitlines() if line.startswith("MemTotal")), "0")
    return "%d cores (%s), %.0f GiB, Linux %s, %s, %s, Python %s" % (
        os.cpu_count(), cpu, int(mem) / 2 ** 20, platform.release(), first_line(["ansible", "--version"]),
        first_line(["docker", "--version"]), platform.python_version())


def main(times, runs, namespaces, bench, commit, cli_version):
    median, changed, samples = medians(times)

    def cell(key):
        if key not in median:
            return "-"
        return "%.1f s" % median[key]

    def ratio(key, base):
        if key not in median or base not in median or not median[base]:
            return "-"
        return "%.1fx" % (median[key] / median[base])

    out = []
    out.append("# Benchmark results\n")
    out.append("One run of `benchmarks/run.sh %s` on %s UTC, commit `%s`, CLI %s." % (
        runs, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), commit, cli_version))
    out.append("Machine: %s.\n" % machine())
    out.append("Each figure is the median of %s runs, each on fresh systemd containers of the test image. "
               "The SSH connection uses pipelining and ControlPersist.\n" % runs)
    out.append("## Dev preset (`temporalops.temporal.dev`)\n")
    out.append("| measure | docker | ssh | ssh vs its reference |")
    out.append("| --- | --- | --- | --- |")
    rows = [
        ("floor: plain script to the same end state", "floor", None),
        ("first converge", "converge", "floor"),
        ("Ansible fixed cost: one no-op task", "noop", None),
        ("Ansible fixed cost: one no-op task with facts", "noop_facts", None),
        ("idempotent re-converge", "reconverge", "noop_facts"),
    ]
    for label, key, base in rows:
        against = ratio("ssh." + key, "ssh." + base) if base else ""
        out.append("| %s | %s | %s | %s |" % (label, cell("docker." + key), cell("ssh." + key), against))
    for key in ("converge", "reconverge"):
        counts = sorted(set(changed.get("ssh." + key, []) + changed.get("docker." + key, [])))
        out.append("\n`%s` reported changed=%s." % (key, "/".join(counts)) if counts else "")
    out.append("\n## Production stack (`temporalops.temporal.site`, every group on one host, over SSH)\n")
    out.append("PostgreSQL, the server and the CLI, the web UI and the example Go worker; the floor "
               "(`floor-production.sh`) installs PostgreSQL, sets up both schemas with temporal-sql-tool and "
               "runs the releases' own sample configs.\n")
    out.append("| measure | ssh | vs its reference |")
    out.append("| --- | --- | --- |")
    for label, key, base in rows:
        against = ratio("production." + key, "production." + base) if base else ""
        out.append("| %s | %s | %s |" % (label, cell("production." + key), against))
    for key in ("converge", "reconverge"):
        counts = sorted(set(changed.get("production." + key, [])))
        out.append("\n`production.%s` reported changed=%s." % (key, "/".join(counts)) if counts else "")
    out.append("\n## Modules: %s namespaces present (over SSH)\n" % namespaces)
    out.append("| measure | wall time | temporal CLI calls | vs describe loop |")
    out.append("| --- | --- | --- | --- |")
    out.append("| plain loop of `temporal operator namespace describe` | %s | %s | |" % (
        cell("modules.describe_loop"), namespaces))
    forms = (("one task per namespace (loop)", "loop"), ("one task for all (`namespaces`)", "bulk"))
    for form_label, form in forms:
        for label, key in (("first run (creates them)", "first"), ("no-op rerun", "rerun")):
            key = "modules.%s.%s" % (form, key)
            out.append("| namespace module, %s, %s | %s | %s | %s |" % (
                form_label, label, cell(key), read(os.path.join(bench, key.replace("modules.", "calls."))),
                ratio(key, "modules.describe_loop")))
    out.append("\n(Module runs are one run each: they need a converged host.)\n")
    out.append("## Each service after converge: resident memory and unit exposure\n")
    out.append("| service | RSS | `systemd-analyze security` |")
    out.append("| --- | --- | --- |")
    for service in ("temporal-dev-server", "postgresql", "temporal-server", "temporal-ui", "temporal-worker@greeter"):
        rss = read(os.path.join(bench, "rss." + service))
        exposure = read(os.path.join(bench, "exposure." + service), "") if service != "postgresql" else "Debian's unit"
        out.append("| %s | %s | %s |" % (service, "%.0f MiB" % (int(rss) / 1024) if rss.isdigit() else rss,
                                         exposure or "?"))
    out.append("\n(PostgreSQL: all its processes together. The dev server's figures are from the dev preset's host. "
               "Exposure: 0 is fully sandboxed, 10 not at all; the suite asserts at most 2.0 for every unit "
               "the collection installs.)")
    out.append("\n## Where the time goes (the last run's plays, slowest tasks)\n")
    out.append("Each task that reaches a host is at least one round trip; a looped task counts once "
               "in the task count and its items add up in its time.\n")
    for key in ("ssh.converge", "ssh.reconverge", "production.converge", "production.reconverge"):
        tasks, slowest = profile(os.path.join(bench, "out." + key))
        if not slowest:
            continue
        out.append("`%s`: %d tasks; slowest: %s.\n" % (
            key, tasks, "; ".join("%s %.1f s" % (name.replace("|", "/"), secs) for name, secs in slowest[:8])))
    out.append("\n## Every sample (seconds)\n")
    for key in sorted(samples):
        out.append("- `%s`: %s" % (key, ", ".join("%.1f" % s for s in samples[key])))
    print("\n".join(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
