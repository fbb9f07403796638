#!/usr/bin/env python3
"""--user/--from/--cause select exactly the findings they name: for several
samples and filter combinations, the filtered run's findings (ndjson and
json, successes included) equal the full run's findings that satisfy the
filter, in the same order, and the text summary says what was selected.

usage: filters.py SSHWHY SOURCE_DIR"""
import collections
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

binary, src = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, TZ="UTC")

# IPv6 and IPv4-mapped clients, written here: no sample has them.
V6_LOG = """\
Nov 25 10:00:01 h6 sshd[501]: Connection from 2001:db8::5 port 50001 on 2001:db8::1 port 22 rdomain ""
Nov 25 10:00:02 h6 sshd[501]: Failed password for alice from 2001:db8::5 port 50001 ssh2
Nov 25 10:00:03 h6 sshd[501]: Connection closed by authenticating user alice 2001:db8::5 port 50001 [preauth]
Nov 25 10:00:04 h6 sshd[502]: Connection from ::ffff:192.0.2.9 port 50002 on ::ffff:192.0.2.1 port 22 rdomain ""
Nov 25 10:00:05 h6 sshd[502]: Failed password for bob from ::ffff:192.0.2.9 port 50002 ssh2
Nov 25 10:00:06 h6 sshd[502]: Connection closed by authenticating user bob ::ffff:192.0.2.9 port 50002 [preauth]
Nov 25 10:00:07 h6 sshd[503]: Connection from 192.0.2.10 port 50003 on 192.0.2.1 port 22 rdomain ""
Nov 25 10:00:08 h6 sshd[503]: Invalid user carol from 192.0.2.10 port 50003
Nov 25 10:00:09 h6 sshd[503]: Connection closed by invalid user carol 192.0.2.10 port 50003 [preauth]
Nov 25 10:00:10 h6 sshd[504]: Connection from 2001:db8:1::7 port 50004 on 2001:db8::1 port 22 rdomain ""
Nov 25 10:00:11 h6 sshd[504]: Accepted password for alice from 2001:db8:1::7 port 50004 ssh2
Nov 25 10:00:12 h6 sshd[504]: Disconnected from user alice 2001:db8:1::7 port 50004
"""


def run(path, args, fmt="ndjson"):
    p = subprocess.run([binary, "-q", "--year", "2026", "--format", fmt,
                        *args, path], capture_output=True, env=ENV)
    if p.returncode not in (0, 4):
        sys.exit(f"sshwhy {args} {path}: exit {p.returncode}\n"
                 f"{p.stderr.decode(errors='replace')}")
    out = p.stdout.decode("utf-8", "replace")
    if fmt == "ndjson":
        return [json.loads(l) for l in out.splitlines() if l.strip()]
    if fmt == "json":
        return json.loads(out)
    return out


def v6(addr):
    a = ipaddress.ip_address(addr)
    return ipaddress.IPv6Address("::ffff:" + str(a)) if a.version == 4 else a


def net6(spec):
    n = ipaddress.ip_network(spec, strict=False)
    if n.version == 4:
        return ipaddress.IPv6Network(
            f"::ffff:{n.network_address}/{96 + n.prefixlen}")
    return n


def satisfies(f, users, froms, causes):
    if users and f.get("user") not in users:
        return False
    if froms:
        try:
            a = v6(f.get("source_ip") or "")
        except ValueError:
            return False
        if not any(a in net6(n) for n in froms):
            return False
    if causes and f.get("cause") not in causes:
        return False
    return True


def combos(full):
    users = [u for u, _ in collections.Counter(
        f["user"] for f in full if f.get("user")).most_common(2)]
    ips = [i for i, _ in collections.Counter(
        f["source_ip"] for f in full if f.get("source_ip")).most_common(2)]
    causes = [c for c, _ in collections.Counter(
        f["cause"] for f in full if f.get("cause")).most_common(2)]
    out = [([], [], causes[:1]), ([], [], causes), (users[:1], [], []),
           (users, [], []), (["nobody-at-all"], [], []),
           (users[:1], [], causes[:1]), ([], ips[:1], []),
           (users, ips[:1], causes)]
    for ip in ips[:1]:
        a = ipaddress.ip_address(ip)
        if a.version == 4:
            out.append(([], [f"{ip.rsplit('.', 1)[0]}.0/24"], []))
            out.append(([], [f"::ffff:{ip}"], []))
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="sw-filters-")
    v6log = os.path.join(tmp, "v6.log")
    with open(v6log, "w") as f:
        f.write(V6_LOG)
    samples = [os.path.join(src, p) for p in (
        "samples/lab/verbose.log", "samples/lab/info.log",
        "samples/constructed/bruteforce.log",
        "samples/constructed/refused-keys.log",
        "samples/journal/auth.log")] + [v6log]
    checked = bad = 0
    for path in samples:
        full = run(path, [])
        cs = combos(full)
        if path == v6log:
            cs += [([], ["2001:db8::/32"], []), ([], ["2001:db8::/48"], []),
                   ([], ["192.0.2.0/24"], []), ([], ["::ffff:192.0.2.9"], []),
                   (["alice"], ["2001:db8::/32"], []),
                   (["alice", "bob"], [], ["wrong-password"])]
        for users, froms, causes in cs:
            args = [a for u in users for a in ("--user", u)] + \
                [a for n in froms for a in ("--from", n)] + \
                [a for c in causes for a in ("--cause", c)]
            want = [f for f in full if satisfies(f, users, froms, causes)]
            got = run(path, args)
            doc = run(path, args, "json")
            text = run(path, args, "text")
            nfail = sum(1 for f in want if f.get("outcome") != "success")
            checked += 1
            problems = []
            if got != want:
                problems.append(f"ndjson: {len(got)} findings, want "
                                f"{len(want)}")
            if doc["findings"] != want:
                problems.append("json findings differ from ndjson")
            if doc["summary"]["failed"] != nfail:
                problems.append(f"json summary failed "
                                f"{doc['summary']['failed']}, want {nfail}")
            if "filter" not in doc["summary"]:
                problems.append("json summary has no filter")
            if "Selected: " not in text:
                problems.append("text summary does not say what was selected")
            head = f"{nfail} failed login" if nfail else "No failed logins"
            if head not in text:
                problems.append(f"text summary lacks '{head}'")
            if problems:
                bad += 1
                print(f"FAIL {os.path.basename(path)} {' '.join(args)}: "
                      + "; ".join(problems))
    # A bad address is a usage error; an unknown cause too.
    for args in (["--from", "300.1.2.3"], ["--from", "192.0.2.0/33"],
                 ["--cause", "no-such-cause"]):
        p = subprocess.run([binary, *args, samples[0]], capture_output=True,
                           env=ENV)
        checked += 1
        if p.returncode != 2 or not p.stderr:
            bad += 1
            print(f"FAIL {' '.join(args)}: exit {p.returncode}, want 2 "
                  "with a message")
    print(f"{checked} filtered runs checked, {bad} failed")
    return 1 if bad else 0


sys.exit(main())
