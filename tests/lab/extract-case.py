#!/usr/bin/env python3
"""Cuts one lab attempt out of a lab log, as a small real sample.

usage: extract-case.py LOG PORT|USER [ROUND] > samples/cases/NAME.log

Takes every line of the sshd processes that logged the attempt (found by
`port PORT`, or by the user name when sshd logged no port), plus the
lines of their child processes, in log order. The lines are the lab's,
unchanged. ROUND (1 or 2) picks the round when matching by user name.
"""
import re
import sys

log, key = sys.argv[1], sys.argv[2]
rnd = int(sys.argv[3]) if len(sys.argv) > 3 else 1
lines = open(log, encoding="utf-8", errors="surrogateescape").read().splitlines()
pid_re = re.compile(r" (?:sshd|sshd-session)\[(\d+)\]: ")
pids = []
if key.isdigit():
    needle = re.compile(r"port %s\b" % key)
    for l in lines:
        m = pid_re.search(l)
        if m and needle.search(l) and m.group(1) not in pids:
            pids.append(m.group(1))
else:
    needle = re.compile(r"\b%s\b" % re.escape(key))
    groups = []
    for l in lines:
        m = pid_re.search(l)
        if m and needle.search(l) and m.group(1) not in groups:
            groups.append(m.group(1))
    pids = groups[rnd - 1:rnd]
# Children: "User child is on pid N".
for l in lines:
    m = pid_re.search(l)
    c = re.search(r"User child is on pid (\d+)", l)
    if m and c and m.group(1) in pids and c.group(1) not in pids:
        pids.append(c.group(1))
for l in lines:
    m = pid_re.search(l)
    if m and m.group(1) in pids:
        print(l)
