#!/usr/bin/env python3
"""Conformance against fail2ban's sshd filter samples.

usage: fail2ban.py SSHWHY CORPUS SAMPLE      (SAMPLE: sshd | sshd-journal)

CORPUS/fail2ban/SAMPLE is read as fail2ban's test runner reads it (see
CORPUS/fail2ban/README.md): `# failJSON:` annotates the next log line,
`# filterOptions:` and `# fileOptions:` set the option sets of the lines
that follow, `# addFILE:` is not followed (each sample is its own test).
Only the default mode counts (`mode` normal, i.e. no `mode` key; `logtype`
is not a mode): a line is checked when its block has such an option set,
that set's `test.condition` holds for name 'sshd', and the annotation's
`constraint` holds for it.

The log lines alone (no comments) are fed to sshwhy as one file; sshd-journal
lines, which are what fail2ban's journal backend builds (`host sshd[pid]:
msg`, no time), are given a `journalctl -o short-iso` time stamp, one second
apart. Then:

* recall: every `match: true` line is evidence of a failed login that sshwhy
  reports with the same source address (`host`, `ip4` or `ip6`);
* precision: no failed login rests on `match: false` lines alone (a finding
  whose evidence also holds a line that is a failure in another mode, or is
  not checked in this mode, is not counted either way).

With SAMPLE sshd, zzz-sshd-obsolete-multiline.log (one 4-line connection)
must give one failed login from 192.0.2.4 whose evidence is all four lines,
as fail2ban's regex tool expects of it.
"""
import json
import os
import re
import sys

import common

# Checks each sample gives at least (the count when the test was written, 2026-12:
# fewer means the sample was renamed, emptied or misread).
MINIMUM = {"sshd": 91, "sshd-journal": 85}

FAILJSON = re.compile(r"^#+ ?(failJSON|fileOptions|filterOptions|addFILE):(.+)$")


def parse(path):
    entries = []
    filter_opts = [{}]
    file_opts = {}
    pending = None
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("#") or not line.strip():
                m = FAILJSON.match(line)
                if not m:
                    continue
                data = json.loads(m.group(2))
                if m.group(1) == "failJSON":
                    pending = data
                elif m.group(1) == "fileOptions":
                    file_opts = data
                elif m.group(1) == "filterOptions":
                    filter_opts = data if isinstance(data, list) else [data]
                continue
            opts = [dict(file_opts, **o) for o in filter_opts]
            entries.append({"n": n, "text": line, "ann": pending, "opts": opts})
            pending = None
    return entries


def holds(expr, opts):
    # The sample files' own expressions: `name == 'sshd'`, `opts.get('mode') ...`.
    return bool(eval(expr, {"__builtins__": {}}, {"opts": opts, "name": "sshd"}))


def classify(e):
    """'pos', 'neg', 'unchecked' (default mode skips it) or 'other' (only
    non-default modes test the line); plus the annotated address."""
    ann = e["ann"] or {"match": False}
    default = [o for o in e["opts"]
               if o.get("mode", "normal") == "normal"
               and holds(o.get("test.condition", "True"), o)]
    if not default:
        return ("other-pos" if ann.get("match") else "other"), None
    o = default[0]
    if "constraint" in ann and not holds(ann["constraint"], o):
        return "unchecked", None
    host = ann.get("host") or ann.get("ip4") or ann.get("ip6")
    return ("pos" if ann.get("match") else "neg"), host


def multiline(binary, path, tally):
    """zzz-sshd-obsolete-multiline.log: one 4-line connection, for which
    fail2ban's regex tool expects one failure from 192.0.2.4 made of all four
    lines. Returns the lines to print."""
    log = os.path.join(os.path.dirname(path), "zzz-sshd-obsolete-multiline.log")
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as f:
        lines = f.read().splitlines()
    findings, _ = common.run(binary, lines, year=2005)
    want = set(range(1, len(lines) + 1))
    ok = (len(findings) == 1 and findings[0]["source_ip"] == "192.0.2.4"
          and {ev["line"] for ev in findings[0]["evidence"]} == want)
    if ok:
        tally.ok()
    else:
        tally.miss(lines[-1], "zzz-sshd-obsolete-multiline.log: want one failed "
                   f"login from 192.0.2.4 made of its {len(lines)} lines, got "
                   + "; ".join(f"{f['source_ip']} lines "
                               f"{[ev['line'] for ev in f['evidence']]}" for f in findings),
                   f"one failed login from 192.0.2.4 of {len(lines)} lines",
                   common.reported(findings) + " lines " + ",".join(
                       str(ev["line"]) for f in findings for ev in f["evidence"]))
    return [f"zzz-sshd-obsolete-multiline.log: one failed login from 192.0.2.4 "
            f"of all {len(lines)} lines: {'yes' if ok else 'no'}"]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: fail2ban.py SSHWHY CORPUS SAMPLE")
    sample = sys.argv.pop()
    binary, path = common.usage_and_dirs("fail2ban.py SSHWHY CORPUS SAMPLE",
                                         "fail2ban/" + sample)
    suite = "fail2ban/" + sample
    tally = common.Tally(suite, MINIMUM[sample])
    entries = parse(path)
    journal = sample.endswith("journal")
    fed = []
    for i, e in enumerate(entries):
        if journal:
            fed.append("2005-08-14T10:%02d:%02d+0000 %s" % (i // 60, i % 60, e["text"]))
        else:
            fed.append(e["text"])
    findings, _ = common.run(binary, fed, year=2005)
    at = common.by_line(findings)
    kinds = []
    for i, e in enumerate(entries, 1):
        e["kind"], e["host"] = classify(e)
        kinds.append(e["kind"])

    # Recall: each default-mode failure line is evidence of a failed login
    # from the annotated address.
    pos = hit = 0
    for i, e in enumerate(entries, 1):
        if e["kind"] != "pos":
            continue
        pos += 1
        fs = at.get(i, [])
        if any(common.same_address(f, e["host"], e["text"]) for f in fs):
            hit += 1
            tally.ok()
        elif fs:
            got = ", ".join(str(f["source_ip"]) for f in fs)
            tally.miss(e["text"], f"line {e['n']}: reported with address {got}, "
                       f"fail2ban says {e['host']}", f"failure from {e['host']}",
                       common.reported(fs))
        else:
            tally.miss(e["text"], f"line {e['n']}: no failed login reported "
                       f"(fail2ban: failure from {e['host']})",
                       f"failure from {e['host']}", common.reported(fs))

    # Precision: findings resting on match:false lines alone.
    tp = fp = 0
    for f in findings:
        ks = [kinds[ev["line"] - 1] for ev in f["evidence"]]
        if "pos" in ks:
            tp += 1
        elif all(k == "neg" for k in ks):
            fp += 1
            first = entries[f["evidence"][0]["line"] - 1]
            tally.miss(first["text"], f"line {first['n']}: failed login "
                       f"({f['cause']}) from match:false lines only",
                       "no failure", common.reported([f]))
    for i, e in enumerate(entries, 1):
        if e["kind"] == "neg" and i not in at:
            tally.ok()

    extra = []
    if sample == "sshd":
        extra = multiline(binary, path, tally)

    other = [i for i, e in enumerate(entries, 1) if e["kind"] == "other-pos"]
    other_hit = sum(1 for i in other if i in at)
    tally.finish([
        f"{suite}: {len(entries)} log lines, {pos} failures in the default mode, "
        f"{sum(1 for k in kinds if k == 'neg')} non-failures",
        f"recall    {common.pct(hit, pos)}",
        f"precision {common.pct(tp, tp + fp)} (failed logins backed by a "
        f"failure line / those plus failed logins resting on match:false lines)",
        f"other modes (ddos, extra, aggressive only): {other_hit}/{len(other)} "
        f"of their failure lines are evidence of a failed login (not checked)",
        *extra,
    ])


if __name__ == "__main__":
    main()
