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


def failure_messages(output):
    """The text of every failed result in a play's OUTPUT: what follows `=>` on its `fatal:` or
    `failed:` line (never the loop label before it), JSON-decoded where it is JSON."""
    plain = ANSI.sub("", output)
    found = []
    for match in re.finditer(r"^(?:fatal|failed): \[[^\]]*\].*? => (.*)$", plain, re.MULTILINE):
        text = match.group(1)
        try:
            result = json.loads(text)
        except ValueError:
            found.append(text)
            continue
        found.append(json.dumps(result, ensure_ascii=False))
        found.extend(str(r.get("msg", "")) for r in [result] + list(result.get("results") or []) if isinstance(r, dict))
    return found
