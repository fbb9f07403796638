#!/usr/bin/env python3
"""Every JSON and NDJSON output of the golden cases must parse, with the
documented keys in the documented order (docs/cli.md)."""
import json
import os
import sys

KEYS = ["time", "host", "pid", "user", "invalid_user", "source_ip",
        "source_port", "method", "cause", "confidence", "title",
        "fix", "commands", "note", "log_level_seen", "noise", "evidence"]
DOC_KEYS = ["sshwhy", "findings", "causes", "summary"]
golden = sys.argv[1]
n = bad = 0
for case in sorted(os.listdir(golden)):
    d = os.path.join(golden, case)
    try:
        args = open(os.path.join(d, "args")).read().split("\n")
    except OSError:
        continue
    if "--format" not in args:
        continue
    fmt = args[args.index("--format") + 1]
    if fmt not in ("json", "ndjson"):
        continue
    text = open(os.path.join(d, "expected.out"), encoding="utf-8").read()
    try:
        if fmt == "json":
            doc = json.loads(text)
            if list(doc.keys()) != DOC_KEYS:
                print(f"{case}: document keys {list(doc.keys())}")
                bad += 1
            # every cause of a finding is explained once in "causes"
            for f in doc["findings"]:
                if f["cause"] not in doc["causes"] or \
                        "explanation" not in doc["causes"][f["cause"]]:
                    print(f"{case}: cause {f['cause']} not in causes")
                    bad += 1
            docs = [doc["findings"]]
        else:
            docs = [[json.loads(l) for l in text.splitlines() if l]]
    except (ValueError, KeyError) as e:
        print(f"{case}: invalid {fmt}: {e}")
        bad += 1
        continue
    for f in docs[0]:
        n += 1
        if list(f.keys()) != KEYS:
            print(f"{case}: keys {list(f.keys())}")
            bad += 1
print(f"{n} findings in JSON goldens checked")
print(f"{n - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
