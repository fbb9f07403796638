#!/usr/bin/env python3
"""Conformance against loghub's OpenSSH_2k.log, a real production log.

usage: loghub.py SSHWHY CORPUS

The annotations (CORPUS/loghub/README.md) are log-parsing ground truth: the
template (EventId) of every line, not failure verdicts. The test checks that
sshwhy accounts for every sshd line:

* the whole log, run once (--unmatched, --year 2017 for the Dec 10 lines):
  every line is read as an sshd line, and the unmatched shapes it lists add
  up to its unmatched count, so sshd_lines = recognised + unmatched;
* the lines of each template, run as a file of their own: a template's lines
  are recognised by a rule or listed as unmatched, and the per-template
  counts add up to the whole run's (nothing recognised in one run and lost
  in the other);
* the lines of the templates that are failed authentications (E8-E10
  Failed none/password, E13 Invalid user, E4/E5 Too many authentication
  failures, E14 a repeated Failed password) are evidence of a failed login
  from the address the line names.

It prints the templates' recognition and the top unmatched shapes.
"""
import csv
import os
import re
import sys

import common

FAILURE_TEMPLATES = {"E4", "E5", "E8", "E9", "E10", "E13", "E14"}
SSHD = re.compile(r"^[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d \S+ sshd\[\d+\]: ")
IP = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3})\b")


# Checks at least (the count when the test was written, 2026-12; fewer means
# OpenSSH_2k.log was renamed, emptied or misread).
MINIMUM = 2640


def main():
    binary, path = common.usage_and_dirs("loghub.py SSHWHY CORPUS", "loghub")
    tally = common.Tally("loghub", MINIMUM)
    with open(os.path.join(path, "OpenSSH_2k.log"), encoding="utf-8",
              errors="surrogateescape") as f:
        lines = f.read().splitlines()
    with open(os.path.join(path, "OpenSSH_2k.log_structured.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(path, "OpenSSH_2k.log_templates.csv"), encoding="utf-8") as f:
        templates = {r["EventId"]: r["EventTemplate"] for r in csv.DictReader(f)}
    if len(rows) != len(lines):
        sys.exit(f"{len(lines)} log lines but {len(rows)} structured rows")
    sshd = [i for i, l in enumerate(lines) if SSHD.match(l)]

    findings, summary = common.run(binary, lines, year=2017, fmt="json",
                                   extra=("--unmatched",))
    shapes = summary.get("unmatched_shapes", [])
    shape_total = sum(s["count"] for s in shapes)
    recognised = summary["sshd_lines"] - summary["unmatched_lines"]
    problems = []
    if summary["sshd_lines"] != len(sshd):
        problems.append(f"sshwhy read {summary['sshd_lines']} sshd lines, the log has {len(sshd)}")
    if summary["unparsed_lines"] != 0:
        problems.append(f"{summary['unparsed_lines']} lines not read at all")
    if shape_total != summary["unmatched_lines"]:
        problems.append(f"unmatched shapes add up to {shape_total}, "
                        f"unmatched lines are {summary['unmatched_lines']}")

    # Per template: its lines on their own.
    by_tpl = {}
    for i, r in enumerate(rows):
        by_tpl.setdefault(r["EventId"], []).append(i)
    per_tpl = []
    tpl_recognised = tpl_unmatched = 0
    for eid in sorted(by_tpl, key=lambda e: int(e[1:])):
        idx = by_tpl[eid]
        _, s = common.run(binary, [lines[i] for i in idx], year=2017, fmt="json",
                          extra=("--unmatched",))
        rec = s["sshd_lines"] - s["unmatched_lines"]
        tpl_recognised += rec
        tpl_unmatched += s["unmatched_lines"]
        per_tpl.append(f"  {eid:>4} {rec:>4}/{len(idx):<4} recognised  {templates[eid]}")
        if rec + s["unmatched_lines"] != len(idx):
            problems.append(f"{eid}: {len(idx)} lines, {rec} recognised + "
                            f"{s['unmatched_lines']} unmatched")
    if tpl_recognised != recognised or tpl_unmatched != summary["unmatched_lines"]:
        problems.append(f"per template {tpl_recognised} recognised + {tpl_unmatched} "
                        f"unmatched, whole log {recognised} + {summary['unmatched_lines']}")
    accounted = len(sshd) if not problems else 0
    for p in problems:
        tally.miss("(accounting)", p, "every sshd line accounted for", p)
    tally.passed += accounted

    # Failed authentications by template.
    at = common.by_line(findings)
    n_fail = hit = 0
    for i, r in enumerate(rows):
        if r["EventId"] not in FAILURE_TEMPLATES:
            continue
        n_fail += 1
        m = IP.search(r["Content"])
        fs = at.get(i + 1, [])
        if fs and (m is None or any(common.same_address(f, m.group(1), lines[i]) for f in fs)):
            hit += 1
            tally.ok()
        else:
            tally.miss(lines[i], f"line {i + 1} ({r['EventId']}): " + (
                f"reported with address {fs[0]['source_ip']}" if fs
                else "no failed login reported"),
                f"failure from {m.group(1) if m else '-'}", common.reported(fs))

    out = [
        f"loghub OpenSSH_2k.log: {len(lines)} lines, {summary['sshd_lines']} sshd lines: "
        f"{recognised} recognised + {summary['unmatched_lines']} unmatched "
        f"({len(shapes)} shapes)",
        f"failed logins {summary['failed']}, succeeded {summary['succeeded']}, "
        f"no user name {summary['no_auth']}, connections {summary['connections']}",
        "by template:",
        *per_tpl,
        "top unmatched shapes:" if shapes else "top unmatched shapes: none",
        *[f"  {s['count']:>5}  {s['shape']}" for s in shapes[:10]],
        f"recall    {common.pct(hit, n_fail)} of the failed-authentication template "
        "lines are evidence of a failed login from their address",
    ]
    tally.finish(out)


if __name__ == "__main__":
    main()
