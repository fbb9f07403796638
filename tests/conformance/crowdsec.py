#!/usr/bin/env python3
"""Conformance against the CrowdSec hub's sshd parser and scenario tests.

usage: crowdsec.py SSHWHY CORPUS

Every test folder of CORPUS/crowdsec-hub with an sshd log and asserts (see
CORPUS/crowdsec-hub/README.md) is read:

* parser.assert gives, per 0-based line index, Success and the parsed
  log_type, source_ip and target_user of the s01 sshd parser
  (crowdsecurity/sshd-logs, or sshd-success-logs for auth_success);
* scenario.assert gives the events of each alert (log_type, source_ip,
  target_user, timestamp); an event is tied to the log lines with the same
  month, day and time (the year is the assertion's, not the log's) that
  name its source_ip and target_user.

Each folder's log is fed to sshwhy as one file (--year 2026). Then:

* a line CrowdSec calls `ssh_failed-auth` with a target_user must be
  evidence of a failed login with that address and user;
* a `ssh_failed-auth` line without a user (bad banner, obfuscated
  handshake) and the other attack types (ssh_bad_keyexchange,
  ssh_auth_timeout, ssh_dispatch_fatal, ssh_refused_conn) never reached a
  login: sshwhy counts those connections rather than listing them, so the
  line must be recognised by a rule, and a failed login it gives must carry
  the same address;
* a line the parser must not parse (Success == false) or that is an
  `auth_success` must not be the only lines of a failed login (precision).
"""
import datetime
import os
import re
import sys

import common

PARSE = re.compile(r'^results\["s01-parse"\]\["crowdsecurity/sshd[a-z-]*"\]\[(\d+)\]\.'
                   r'(Success|Evt\.Meta\["(\w+)"\]|Evt\.Parsed\["(\w+)"\]) == (.*)$')
EVENT = re.compile(r'^results\[(\d+)\]\.Overflow\.Alert\.Events\[(\d+)\]\.GetMeta\("(\w+)"\)'
                   r'(\[4:\])? == "(.*)"$')
MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def unquote(v):
    v = v.strip()
    if v in ("true", "false"):
        return v == "true"
    return v[1:-1] if v.startswith('"') else v


def stamp(line):
    """MM-DDTHH:MM:SS of a log line, in UTC when the line has an offset."""
    m = re.match(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) ", line)
    if m:
        return "%02d-%02dT%s" % (MONTHS[m.group(1)], int(m.group(2)), m.group(3))
    m = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)", line)
    if m:
        off = m.group(2).replace("Z", "+00:00")
        if ":" not in off:
            off = off[:3] + ":" + off[3:]
        t = datetime.datetime.fromisoformat(m.group(1) + off)
        return t.astimezone(datetime.timezone.utc).strftime("%m-%dT%H:%M:%S")
    return None


def annotations(folder, lines):
    """{line index: {log_type, source_ip, target_user, Success}}."""
    ann = {}
    p = os.path.join(folder, "parser.assert")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            for raw in f:
                m = PARSE.match(raw.strip())
                if not m:
                    continue
                i = int(m.group(1))
                key = "Success" if m.group(2) == "Success" else (m.group(3) or m.group(4))
                ann.setdefault(i, {})[key] = unquote(m.group(5))
    p = os.path.join(folder, "scenario.assert")
    events = {}
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            for raw in f:
                m = EVENT.match(raw.strip())
                if m:
                    v = m.group(5)
                    if m.group(3) == "timestamp":
                        v = v[1:15] if m.group(4) else v[5:19]
                    events.setdefault((m.group(1), m.group(2)), {})[m.group(3)] = v
    stamps = [stamp(l) for l in lines]
    for ev in events.values():
        for i, line in enumerate(lines):
            if (stamps[i] == ev.get("timestamp") and ev.get("source_ip", "") in line
                    and ev.get("target_user", "") in line):
                a = ann.setdefault(i, {})
                for k in ("log_type", "source_ip", "target_user"):
                    if k in ev:
                        a.setdefault(k, ev[k])
    return ann


# Checks at least (the count when the test was written, 2026-12; fewer means a hub
# test folder was renamed, emptied or misread).
MINIMUM = 106


def main():
    binary, path = common.usage_and_dirs("crowdsec.py SSHWHY CORPUS", "crowdsec-hub")
    tally = common.Tally("crowdsec", MINIMUM)
    st = {"auth": 0, "auth_hit": 0, "scan": 0, "scan_hit": 0, "neg": 0, "neg_ok": 0}
    folders = sorted(d for d in os.listdir(path)
                     if os.path.isfile(os.path.join(path, d, "config.yaml")))
    for name in folders:
        folder = os.path.join(path, name)
        with open(os.path.join(folder, "config.yaml"), encoding="utf-8") as f:
            m = re.search(r"^log_file:\s*(\S+)", f.read(), re.M)
        logf = os.path.join(folder, m.group(1))
        with open(logf, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines()
        ann = annotations(folder, lines)
        findings, _ = common.run(binary, lines, year=2026)
        at = common.by_line(findings)

        def only_negatives(f):
            return all(ann.get(ev["line"] - 1, {}).get("log_type") in (None, "auth_success")
                       for ev in f["evidence"])

        for i, text in enumerate(lines):
            a = ann.get(i)
            if a is None:
                continue
            where = f"{name}/{os.path.basename(logf)} line {i + 1}"
            fs = at.get(i + 1, [])
            lt = a.get("log_type")
            if a.get("Success") is False or lt == "auth_success":
                st["neg"] += 1
                bad = [f for f in fs if only_negatives(f)]
                if bad:
                    tally.miss(text, f"{where}: a failed login ({bad[0]['cause']}) "
                               "rests on lines CrowdSec does not call a failure",
                               "no failure", common.reported(bad))
                else:
                    st["neg_ok"] += 1
                    tally.ok()
                continue
            if lt is None:
                continue
            addr, user = a.get("source_ip"), a.get("target_user")
            if lt == "ssh_failed-auth" and user:
                st["auth"] += 1
                good = [f for f in fs if common.same_address(f, addr, text)
                        and f["user"] == user]
                if good:
                    st["auth_hit"] += 1
                    tally.ok()
                elif fs:
                    tally.miss(text, f"{where}: reported as {fs[0]['user']!r} from "
                               f"{fs[0]['source_ip']}, CrowdSec says {user!r} from {addr}",
                               f"failure of {user!r} from {addr}",
                               common.reported(fs, user=True))
                else:
                    tally.miss(text, f"{where}: no failed login reported (CrowdSec: "
                               f"{lt} of {user!r} from {addr})",
                               f"failure of {user!r} from {addr}", common.reported(fs))
                continue
            st["scan"] += 1
            _, summary = common.run(binary, [text], year=2026, fmt="json")
            recognised = summary["sshd_lines"] == 1 and summary["unmatched_lines"] == 0
            if fs and addr and not any(common.same_address(f, addr, text) for f in fs):
                tally.miss(text, f"{where}: failed login reported with address "
                           f"{fs[0]['source_ip']}, CrowdSec says {addr}",
                           f"{lt} from {addr}", common.reported(fs))
            elif recognised:
                st["scan_hit"] += 1
                tally.ok()
            else:
                tally.miss(text, f"{where}: {lt} from {addr} without a user: line not "
                           "recognised (" + ("not read as an sshd line"
                                             if summary["sshd_lines"] == 0
                                             else "no rule matches") + ")",
                           f"{lt} from {addr}", common.unrecognised(summary))
    tally.finish([
        f"crowdsec: {len(folders)} test folders; {st['auth']} failed-auth lines with a "
        f"user, {st['scan']} attack lines without one, {st['neg']} non-failures",
        f"recall    {common.pct(st['auth_hit'], st['auth'])} (same address and user)",
        f"attacks   {common.pct(st['scan_hit'], st['scan'])} recognised",
        f"precision {common.pct(st['neg_ok'], st['neg'])} of the non-failure lines "
        "are not the only lines of a failed login",
    ])


if __name__ == "__main__":
    main()
