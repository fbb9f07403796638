#!/usr/bin/env python3
"""Every ECS golden output (--format ecs) parses line by line, carries the
Elastic Common Schema fields docs/fleet.md promises with the right types,
and never puts anything but an IP address in source.ip."""
import ipaddress
import json
import os
import sys

golden = sys.argv[1]
n = bad = 0


def fail(case, i, why):
    global bad
    print(f"{case}:{i}: {why}")
    bad += 1


for case in sorted(os.listdir(golden)):
    d = os.path.join(golden, case)
    try:
        args = open(os.path.join(d, "args")).read().split("\n")
    except OSError:
        continue
    if "ecs" not in args:
        continue
    text = open(os.path.join(d, "expected.out"), encoding="utf-8").read()
    lines = [l for l in text.splitlines() if l]
    if not lines:
        fail(case, 0, "no events")
    for i, line in enumerate(lines, 1):
        n += 1
        try:
            ev = json.loads(line)
        except ValueError as e:
            fail(case, i, f"invalid JSON: {e}")
            continue
        if list(ev)[0] != "@timestamp" or not isinstance(ev["@timestamp"], str):
            fail(case, i, "@timestamp missing or not first")
        e = ev.get("event", {})
        if e.get("category") != ["authentication"] or e.get("outcome") != "failure":
            fail(case, i, "event.category/outcome")
        if not isinstance(e.get("reason"), str) or not e["reason"]:
            fail(case, i, "event.reason")
        if not isinstance(ev.get("host", {}).get("name"), str):
            fail(case, i, "host.name")
        src = ev.get("source", {})
        if "ip" in src:
            try:
                ipaddress.ip_address(src["ip"])
            except ValueError:
                fail(case, i, f"source.ip {src['ip']!r} is not an address")
        if "port" in src and not isinstance(src["port"], int):
            fail(case, i, "source.port")
        if "name" not in ev.get("user", {}):
            fail(case, i, "user.name")
        s = ev.get("sshwhy", {})
        for k in ("cause", "confidence", "fix", "evidence", "noise"):
            if k not in s:
                fail(case, i, f"sshwhy.{k} missing")
print(f"ecs goldens: {n} events checked, {bad} problems")
sys.exit(1 if bad or n == 0 else 0)
