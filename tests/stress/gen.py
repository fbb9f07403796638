#!/usr/bin/env python3
"""Stress inputs for the memory ceilings (issue 9), written to stdout.

usage: gen.py KIND [N]
  repeat    the same real log N times over (time goes back at every copy):
            loghub's OpenSSH_2k.log from ../shared/corpus when present,
            else the lab's info.log and verbose.log (default N: 200)
  open      N connections opened and never closed (default 2000000),
            100 a second from distinct addresses and pids
  failed    N failed password logins, each a whole connection (default
            1000000), from 1000000 / 8 distinct addresses
Lines are syslog with a year-less time; run sshwhy with --year.
"""
import os
import sys

kind = sys.argv[1]
out = sys.stdout
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.join(here, "..", "..")


def stamp(s):
    d = 1 + s // 86400
    s %= 86400
    return "Mar %2d %02d:%02d:%02d" % (d, s // 3600, s // 60 % 60, s % 60)


def addr(i):
    return "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)


if kind == "repeat":
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    loghub = os.path.join(top, "..", "shared", "corpus", "loghub", "OpenSSH_2k.log")
    if os.path.exists(loghub):
        names = [loghub]
    else:
        names = [os.path.join(top, "samples", "lab", f) for f in ("info.log", "verbose.log")]
    data = b"".join(open(f, "rb").read() for f in names)
    w = sys.stdout.buffer
    for _ in range(n):
        w.write(data)
elif kind == "open":
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000000
    buf = []
    for i in range(n):
        t = stamp(i // 100)
        pid = 1000 + i % 4000000
        buf.append("%s h sshd[%d]: Connection from %s port %d on 192.0.2.1 port 22 rdomain \"\"\n"
                   "%s h sshd[%d]: Invalid user u%d from %s port %d\n"
                   % (t, pid, addr(i), 1024 + i % 60000, t, pid, i % 5000, addr(i), 1024 + i % 60000))
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))
elif kind == "failed":
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    buf = []
    for i in range(n):
        t = stamp(i // 20)
        pid = 1000 + i % 4000000
        a = addr(i // 8)
        port = 1024 + i % 60000
        buf.append("%s h sshd[%d]: Failed password for root from %s port %d ssh2\n"
                   "%s h sshd[%d]: Connection closed by authenticating user root %s port %d [preauth]\n"
                   % (t, pid, a, port, t, pid, a, port))
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))
else:
    sys.exit("gen.py: unknown kind " + kind)
