#!/usr/bin/env python3
"""Accuracy of sshwhy against the lab's ground truth.

usage: accuracy.py SSHWHY LABDIR [--markdown]

Runs sshwhy (--format ndjson) over LABDIR/{info,verbose,debug}.log and their
RFC 3339 twins, matches every finding to its attempt in LABDIR/labels.tsv by
the client's pinned source port (or, when sshd logged no port, by user name
in round order), and compares the cause with the label. A `success` label
must produce no finding. A miss listed in known-misses.tsv beside this
script (or the --known FILE of another OpenSSH version; --minimum N for its
attempt count) (scenario, LogLevel, expected cause, reported cause or "no finding",
reason) is allowed: only that exact answer for that scenario and level. Any
other miss fails the test, and so does an entry no longer missed that way (a
stale entry: remove it, the list only shrinks) and a labels.tsv with fewer
than MINIMUM attempts (an empty or truncated ground truth checks nothing).
Prints the table cause x LogLevel -> correct/total and, last,
"N passed, A allowed, M failed" over both time-stamp variants.
"""
import collections
import json
import os
import re
import subprocess
import sys

LEVELS = [("INFO", "info"), ("VERBOSE", "verbose"), ("DEBUG1", "debug")]
# Attempts the committed 9.2 labels.tsv holds at least (228; a fresh run
# of the current scenarios has 246, see live-check.sh); fewer
# means the ground truth was emptied or cut.
MINIMUM = 228


def load_labels(labdir):
    rows = []
    with open(os.path.join(labdir, "labels.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def load_known(path):
    """{(scenario, level, expected, reported): reason}"""
    known = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5 or not all(parts):
                sys.exit(f"{path}:{n}: want 5 non-empty tab-separated fields "
                         "(scenario, LogLevel, expected, reported, reason)")
            known[tuple(parts[:4])] = parts[4]
    return known


def run_sshwhy(binary, path, year):
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run([binary, "--format", "ndjson", "--year", year, path],
                       capture_output=True, env=env, check=False)
    if p.returncode not in (0, 1):
        sys.exit(f"sshwhy exited {p.returncode} on {path}:\n{p.stderr.decode()}")
    return [f for f in (json.loads(l) for l in p.stdout.decode().splitlines()
                        if l.strip()) if f.get("outcome") != "success"]


def shown(cause):
    return "no finding" if cause == "success" else cause


def judge(rows, findings, text):
    """Maps each row to the cause sshwhy reported for it (None: no finding).
    A finding with neither port nor user (9.8+ at INFO: the listener's
    "Timeout before authentication ..., pid = N" alone) goes to the next
    attempt, in round order, whose port the log never names."""
    by_port = collections.defaultdict(list)
    by_user = collections.defaultdict(list)
    portless = []
    for f in findings:
        if f["source_port"] is not None:
            by_port[f["source_port"]].append(f)
        elif f["user"]:
            by_user[f["user"]].append(f)
        else:
            portless.append(f)
    got = {}
    for r in sorted(rows, key=lambda r: int(r["round"])):
        fs = by_port.get(int(r["port"]), [])
        if not fs and by_user.get(r["user"]):
            fs = [by_user[r["user"]].pop(0)]
        if not fs and portless and not re.search(r"\bport %s\b" % r["port"], text):
            fs = [portless.pop(0)]
        got[id(r)] = fs[0]["cause"] if fs else None
    return got


def main():
    binary, labdir = sys.argv[1], sys.argv[2]
    markdown = "--markdown" in sys.argv
    here = os.path.dirname(os.path.abspath(__file__))
    known_path = os.path.join(here, "known-misses.tsv")
    if "--known" in sys.argv:
        known_path = sys.argv[sys.argv.index("--known") + 1]
    minimum = MINIMUM
    if "--minimum" in sys.argv:
        minimum = int(sys.argv[sys.argv.index("--minimum") + 1])
    known = load_known(known_path)
    labels = load_labels(labdir)
    year = "2026"
    with open(os.path.join(labdir, "VERSION")) as f:
        lines = f.read().splitlines()
        for i, l in enumerate(lines):
            if l == "# generated" and i + 1 < len(lines):
                year = lines[i + 1][:4]
    table = collections.defaultdict(lambda: [0, 0])
    unexpected, allowed, used = [], [], set()
    passed = 0
    for level, stem in LEVELS:
        rows = [r for r in labels if r["loglevel"] == level]
        for variant in (stem + ".log", stem + "-rfc3339.log"):
            path = os.path.join(labdir, variant)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            got = judge(rows, run_sshwhy(binary, path, year), text)
            for r in rows:
                want = r["expected_cause"]
                have = got[id(r)] or "success"   # no finding
                key = (r["scenario"], level, want, shown(have))
                ok = have == want
                if ok:
                    passed += 1
                elif key in known:
                    used.add(key)
                if variant.endswith("-rfc3339.log"):
                    if ok:
                        pass
                    elif key in known:
                        allowed.append(f"{variant}: {r['scenario']} round "
                                       f"{r['round']}: got {shown(have)}, "
                                       f"want {want}")
                    else:
                        unexpected.append(f"{variant}: {r['scenario']} "
                                          f"round {r['round']}: got {shown(have)}, "
                                          f"want {want}")
                    continue
                table[(want, level)][1] += 1
                if ok:
                    table[(want, level)][0] += 1
                elif key in known:
                    allowed.append(f"{r['scenario']} at {level} round "
                                   f"{r['round']}: got {shown(have)}, want {want} "
                                   f"({known[key]})")
                else:
                    unexpected.append(f"{variant}: {r['scenario']} round "
                                      f"{r['round']} (user {r['user']}, port "
                                      f"{r['port']}): got {shown(have)}, want {want}")
    causes = sorted({c for c, _ in table})
    total = [0, 0]
    sep = "|" if markdown else " "
    print(f"{'cause':28}{sep}" + sep.join(f"{l:>9}" for l, _ in LEVELS))
    if markdown:
        print("-" * 28 + sep + sep.join("-" * 8 + ":" for _ in LEVELS))
    for c in causes:
        cells = []
        for l, _ in LEVELS:
            ok, n = table.get((c, l), (0, 0))
            total[0] += ok
            total[1] += n
            cells.append(f"{ok}/{n}".rjust(9) if n else " " * 9)
        print(f"{c:28}{sep}" + sep.join(cells))
    print(f"accuracy: {total[0]}/{total[1]} attempts correct "
          f"({100.0 * total[0] / max(total[1], 1):.1f}%)")
    for a in allowed:
        print("known miss:", a)
    stale = sorted(k for k in known if k not in used)
    for k in stale:
        print("STALE entry of known-misses.tsv (no longer missed this way: "
              "remove it, or explain the new miss): " + "\t".join(k))
    for u in unexpected:
        print("MISS:", u)
    failed = len(unexpected) + len(stale)
    if len(labels) < minimum:
        print(f"FAILED: {len(labels)} attempts in labels.tsv, at least "
              f"{minimum} expected (emptied or cut?)")
        failed += 1
    print(f"{passed} passed, {len(allowed)} allowed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
