#!/usr/bin/env python3
"""Makes benchmark inputs from real sshd lines.

usage: gen-input.py LINES OUT            a syslog auth.log of LINES lines
       gen-input.py --export LINES OUT   the same lines as `journalctl -o export`

Sources: the two real Internet-facing auth.logs of ../shared/corpus/real-auth
(mostly scanner noise, as on any exposed server) when present, and the lab's
real OpenSSH 9.2 lines (samples/lab: failures of every cause, successes).
They are repeated; every copy gets its own pids, client addresses, invalid
user names and ports, and time moves forward (about 0.5 s a line from
January 1st, so `--year 2026` keeps every line in the past), so connections
stay distinct and the tables see a real server's churn.
"""
import os
import re
import sys

export = sys.argv[1] == "--export"
args = sys.argv[2:] if export else sys.argv[1:]
want, out = int(args[0]), args[1]
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.join(here, "..")
names = [os.path.join(top, "samples", "lab", f) for f in ("info.log", "verbose.log")]
real = os.path.join(top, "..", "shared", "corpus", "real-auth")
for f in ("secrepo-auth.log", "linux-sysadmin-auth.log"):
    if os.path.exists(os.path.join(real, f)):
        names.append(os.path.join(real, f))

line_re = re.compile(r"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d (\S+) ([^\[: ]+)\[(\d+)\]: (.*)$")
src = []
for name in names:
    with open(name, encoding="utf-8", errors="replace") as f:
        for l in f:
            m = line_re.match(l.rstrip("\n"))
            if m:
                src.append((m.group(1), m.group(2), int(m.group(3)), m.group(4)))

ip_re = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b")
user_re = re.compile(r"((?:[Ii]nvalid user|for invalid user|authenticating user invalid user) )(\S+)")
port_re = re.compile(r"( port )(\d+)")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def stamp(s):
    d = s // 86400
    m = 0
    while m < 11 and d >= MDAYS[m]:
        d -= MDAYS[m]
        m += 1
    s %= 86400
    return "%s %2d %02d:%02d:%02d" % (MONTHS[m], d + 1, s // 3600, s // 60 % 60, s % 60)


def vary(msg, copy):
    if copy == 0:
        return msg
    msg = ip_re.sub(lambda m: "%s.%s.%d.%d" % (m.group(1), m.group(2),
                    (int(m.group(3)) + copy // 256) % 256, (int(m.group(4)) + copy) % 256), msg)
    msg = user_re.sub(lambda m: "%s%s%d" % (m.group(1), m.group(2), copy % 97), msg)
    return port_re.sub(lambda m: "%s%d" % (m.group(1), 1024 + (int(m.group(2)) + copy * 131) % 64000), msg)


def lines():
    n = copy = 0
    while True:
        for host, prog, pid, msg in src:
            t = n // 2                       # two lines a second
            if t >= 364 * 86400:
                t = 364 * 86400 - 1          # stay in the year
            yield t, host, prog, 100 + (pid + copy * 7919) % 4000000, vary(msg, copy)
            n += 1
            if n >= want:
                return
        copy += 1


with open(out, "w", encoding="utf-8", errors="replace") as o:
    buf = []
    for i, (t, host, prog, pid, msg) in enumerate(lines()):
        if export:
            us = (1767225600 + t) * 1000000 + (i % 2) * 500000   # 2026-01-01
            buf.append("__CURSOR=s=bench;i=%x\n__REALTIME_TIMESTAMP=%d\n_HOSTNAME=%s\n"
                       "SYSLOG_IDENTIFIER=%s\n_COMM=%s\n_PID=%d\nPRIORITY=6\nMESSAGE=%s\n\n"
                       % (i + 1, us, host, prog, prog, pid, msg))
        else:
            buf.append("%s %s %s[%d]: %s\n" % (stamp(t), host, prog, pid, msg))
        if len(buf) >= 8192:
            o.write("".join(buf))
            buf = []
    o.write("".join(buf))
