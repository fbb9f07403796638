#!/usr/bin/env python3
"""Conformance against the sshd rule tests of Wazuh and OSSEC (INI format).

usage: ossec_ini.py SSHWHY CORPUS wazuh|ossec

CORPUS/<project>/sshd.ini has one section per case: `log N pass = LINE`
lines must fire the section's `rule`; repeated keys form one multi-line
logtest session (see CORPUS/wazuh/README.md). Each session is run through
sshwhy on its own, as the peers' test runner does.

The sections whose rule is an authentication failure are checked (5710
non-existent user, 5712 brute force of those, 5716 and 5760 failed
authentication, 5718 and 5719 denied user, 5758 maximum attempts, 5763
brute force of failed passwords): every `pass` line of them must be
evidence of a failed login. The peers annotate no address or user, so the
finding's address must be the one the line names (no address when the line
names no valid one) and its user must occur in the line. `fail` lines only
say which rule must not fire; they are not verdicts, and no precision is
computed.
"""
import collections
import re
import sys

import common

AUTH_RULES = {"5710", "5712", "5716", "5718", "5719", "5758", "5760", "5763"}
IPISH = re.compile(r"[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.%A-Za-z0-9]*")


def sections(path):
    out = []
    cur = None
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = re.match(r"^\[(.*)\]\s*$", line)
            if m:
                cur = {"name": m.group(1), "logs": [], "n": n}
                out.append(cur)
                continue
            m = re.match(r"^(log \d+ (?:pass|fail))\s*=\s?(.*)$", line)
            if m and cur is not None:
                cur["logs"].append((m.group(1), m.group(2), n))
                continue
            m = re.match(r"^(rule|alert|decoder)\s*=\s*(.*?)\s*$", line)
            if m and cur is not None:
                cur[m.group(1)] = m.group(2)
    return out


def addresses(text):
    got = set()
    for tok in IPISH.findall(text):
        tok = tok.strip(".:")
        if common.is_ip(tok):
            got.add(common.norm_addr(tok))
    return got


# Checks at least (the count when the test was written, 2026-12; fewer means
# sshd.ini was renamed, emptied or misread).
MINIMUM = {"wazuh": 41, "ossec": 5}


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: ossec_ini.py SSHWHY CORPUS wazuh|ossec")
    project = sys.argv.pop()
    binary, path = common.usage_and_dirs("ossec_ini.py SSHWHY CORPUS wazuh|ossec",
                                         project + "/sshd.ini")
    tally = common.Tally(project, MINIMUM[project])
    total = hit = 0
    for sec in sections(path):
        if sec.get("rule") not in AUTH_RULES:
            continue
        sessions = collections.OrderedDict()
        for key, text, n in sec["logs"]:
            sessions.setdefault(key, []).append((text, n))
        for key, lines in sessions.items():
            if not key.endswith("pass"):
                continue
            findings, _ = common.run(binary, [t for t, _ in lines], year=2020)
            at = common.by_line(findings)
            for i, (text, n) in enumerate(lines, 1):
                total += 1
                fs = at.get(i, [])
                where = f"line {n} [{sec['name']}] rule {sec['rule']}"
                if not fs:
                    tally.miss(text, f"{where}: no failed login reported",
                               "failure from the line's address", common.reported(fs))
                    continue
                f = fs[0]
                want = addresses(text)
                got = common.norm_addr(f["source_ip"])
                if (got is None and want) or (got is not None and got not in want):
                    tally.miss(text, f"{where}: reported address {f['source_ip']}, "
                               f"the line names {sorted(want) or 'none'}",
                               "failure from the line's address", common.reported(fs))
                elif f["user"] is not None and f["user"] not in text:
                    tally.miss(text, f"{where}: reported user {f['user']!r} is not "
                               "in the line", "failure of the line's user",
                               common.reported(fs, user=True))
                else:
                    hit += 1
                    tally.ok()
    tally.finish([
        f"{project}: {total} authentication-failure lines (rules "
        f"{', '.join(sorted(AUTH_RULES))})",
        f"recall    {common.pct(hit, total)} (reported as a failed login with "
        "the line's address and user)",
        "precision n/a (the suite's 'fail' lines name a rule that must not "
        "fire, not a non-failure)",
    ])


if __name__ == "__main__":
    main()
