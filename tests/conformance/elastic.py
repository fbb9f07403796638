#!/usr/bin/env python3
"""Conformance against Elastic's system/auth pipeline fixtures.

usage: elastic.py SSHWHY CORPUS

Two inputs (see CORPUS/elastic/README.md):

* test-auth.log with test-auth.log-expected.json, one document per line,
  run as it is (syslog without a year: --year 2025, as the expected file);
* debian-12.journal-expected.json alone: its input, a journal export, is not
  in the corpus, so each document's MESSAGE, _HOSTNAME, SYSLOG_IDENTIFIER and
  _PID are written back as `journalctl -o short-iso` lines, one second apart.

A document with event.action "ssh_login" and event.outcome "failure" is an
authentication failure: its line must be evidence of a failed login with the
document's source.ip (or source.address) and user.name. Precision: a
successful ssh_login and the other programs' lines (sudo, useradd, groupadd,
systemd-logind, sudo's own PAM failure) must not be the only lines of a
failed login; sshd lines Elastic leaves unclassified are not counted.
"""
import json
import os
import sys

import common


# Checks at least (the count when the test was written, 2026-12; fewer means an
# expected file was renamed, emptied or misread).
MINIMUM = 19


def check(binary, tally, name, lines, docs, year, stats):
    findings, _ = common.run(binary, lines, year=year)
    at = common.by_line(findings)
    for i, (text, doc) in enumerate(zip(lines, docs), 1):
        failure = is_failure(doc)
        fs = at.get(i, [])
        where = f"{name} line {i}"
        if failure:
            stats["pos"] += 1
            addr = field(doc, "source.ip") or field(doc, "source.address")
            user = field(doc, "user.name")
            good = [f for f in fs if common.same_address(f, addr, text)
                    and (user is None or f["user"] == user)]
            if good:
                stats["hit"] += 1
                tally.ok()
            elif fs:
                tally.miss(text, f"{where}: reported as {fs[0]['user']!r} from "
                           f"{fs[0]['source_ip']}, Elastic says {user!r} from {addr}",
                           f"failure of {user!r} from {addr}",
                           common.reported(fs, user=True))
            else:
                tally.miss(text, f"{where}: no failed login reported (Elastic: "
                           f"failure of {user!r} from {addr})",
                           f"failure of {user!r} from {addr}", common.reported(fs))
        elif is_negative(doc, text):
            stats["neg"] += 1
            alone = [f for f in fs if all(
                is_negative(docs[ev["line"] - 1], lines[ev["line"] - 1])
                for ev in f["evidence"])]
            if alone:
                tally.miss(text, f"{where}: a failed login ({alone[0]['cause']}) "
                           "rests on lines Elastic does not call a failure",
                           "no failure", common.reported(alone))
            else:
                stats["ok_neg"] += 1
                tally.ok()


def field(doc, dotted):
    """A field by its dotted name, flattened (Beats) or nested (integrations)."""
    if dotted in doc:
        return doc[dotted]
    cur = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def is_failure(doc):
    return (field(doc, "event.action") == "ssh_login"
            and field(doc, "event.outcome") == "failure")


def is_negative(doc, text):
    """A line Elastic classifies as no failure: a successful ssh_login, or
    another program's line. sshd lines it leaves unclassified (no
    event.outcome: "Did not receive identification string", the PAM line
    for an illegal user that its grok cuts oddly) are no verdict."""
    if field(doc, "event.action") == "ssh_login":
        return field(doc, "event.outcome") == "success"
    name = field(doc, "process.name")
    if name is not None:
        return name != "sshd"
    return " sshd[" not in text


def main():
    binary, path = common.usage_and_dirs("elastic.py SSHWHY CORPUS", "elastic")
    tally = common.Tally("elastic", MINIMUM)
    stats = {"pos": 0, "hit": 0, "neg": 0, "ok_neg": 0}

    with open(os.path.join(path, "test-auth.log"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    with open(os.path.join(path, "test-auth.log-expected.json"), encoding="utf-8") as f:
        docs = json.load(f)["expected"]
    if len(lines) != len(docs):
        sys.exit(f"test-auth.log: {len(lines)} lines but {len(docs)} documents")
    check(binary, tally, "test-auth.log", lines, docs, 2025, stats)

    with open(os.path.join(path, "debian-12.journal-expected.json"), encoding="utf-8") as f:
        docs = json.load(f)
    lines = ["2025-01-01T00:00:%02d-0200 %s %s[%d]: %s" % (
        i, d["host.hostname"], d["process.name"], d["process.pid"], d["message"])
        for i, d in enumerate(docs)]
    check(binary, tally, "debian-12.journal", lines, docs, 2025, stats)

    tally.finish([
        f"elastic: {stats['pos']} sshd authentication failures, {stats['neg']} "
        "successful logins and other programs' lines",
        f"recall    {common.pct(stats['hit'], stats['pos'])} (same address and user)",
        f"precision {common.pct(stats['ok_neg'], stats['neg'])} of those are not "
        "the only lines of a failed login",
    ])


if __name__ == "__main__":
    main()
