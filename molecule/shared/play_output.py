"""What a playbook run printed, read back: its recap and its failures (pure functions of the
output text, tested in tests/unit/test_molecule_helpers.py)."""

import json
import re

ANSI = re.compile(r"\x1b\[[0-9;]*m")  # molecule makes Ansible colour its output


def recap(output):
    """The play recap: host name -> {"changed": n, "failed": n, ...}."""
    hosts = {}
    plain = ANSI.sub("", output)
    for name, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", plain, re.MULTILINE):
        hosts[name] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counts)}
    assert hosts, output[-2000:]
    return hosts


def recap_changed(output):
    """The changed= count of the play recap, summed over its hosts."""
    return sum(counts["changed"] for counts in recap(output).values())


def changed_tasks(output):
    """What a run changed, task by task: task or handler name -> the hosts it reported changed
    on (a loop's items count once per host)."""
    changed, task = {}, None
    for line in ANSI.sub("", output).splitlines():
        header = re.match(r"^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$", line)
        if header:
            task = header.group(1)
            continue
        result = re.match(r"^changed: \[([^\]]+)\]", line)
        if result and task is not None:
            changed.setdefault(task, set()).add(result.group(1))
    return changed


def failure_messages(output):
    """The `msg` of every failed result in a play's OUTPUT that failed the play: what follows
    `=>` on its `fatal:` or `failed:` line (never the loop label before it), JSON-decoded, its
    items' messages included; a failure Ansible then ignored (`...ignoring`) is not one."""
    lines = ANSI.sub("", output).splitlines()
    found = []
    for index, line in enumerate(lines):
        match = re.match(r"^(?:fatal|failed): \[[^\]]*\].*? => (.*)$", line)
        if not match:
            continue
        following = next((later.strip() for later in lines[index + 1:] if later.strip()), "")
        if following == "...ignoring":
            continue
        try:
            result = json.loads(match.group(1))
        except ValueError:
            found.append(match.group(1))
            continue
        found.extend(str(r["msg"]) for r in [result] + list(result.get("results") or [])
                     if isinstance(r, dict) and "msg" in r)
    return found
