#!/usr/bin/env python3
"""Makes a large auth.log from the real lab logs, for benchmarks.

usage: gen-input.py LINES OUT

Repeats samples/lab/info.log and verbose.log (real OpenSSH 9.2 lines: the
lab's mix of failures, successes and scans), shifting pids, ports and
clock on every copy so connections stay distinct and time moves forward.
"""
import os
import re
import sys

want, out = int(sys.argv[1]), sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
lab = os.path.join(here, "..", "samples", "lab")
src = []
for name in ("info.log", "verbose.log"):
    with open(os.path.join(lab, name), encoding="utf-8", errors="replace") as f:
        src += [l.rstrip("\n") for l in f if l.strip()]
pid_re = re.compile(r"(sshd(?:-session)?)\[(\d+)\]")
time_re = re.compile(r"^Nov 25 (\d\d):(\d\d):(\d\d) ")
n = 0
copy = 0
with open(out, "w") as o:
    while n < want:
        base = copy * 70     # seconds added per copy: about 70 s of log each
        for l in src:
            m = time_re.match(l)
            if m:
                s = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + base
                d = 20 + s // 86400   # from Nov 20: stays in the past
                s %= 86400
                l = "Nov %2d %02d:%02d:%02d " % (min(d, 30), s // 3600, s // 60 % 60, s % 60) + l[16:]
            l = pid_re.sub(lambda m: "%s[%d]" % (m.group(1), int(m.group(2)) + copy * 7919 % 4000000), l)
            o.write(l + "\n")
            n += 1
            if n >= want:
                break
        copy += 1
