#!/usr/bin/env python3
"""Checks sshwhy against the committed client lab samples (samples/client,
written by tests/lab/client-lab.sh): for every scenario and verbosity,
  * the client's ssh output alone gives the labelled client cause (or no
    finding for a successful login);
  * the client output plus the server's log of the same attempt gives one
    joined finding ("side": "both") naming the labelled server cause, when
    the label names one.
Usage: client-check.py SSHWHY SAMPLES_DIR"""
import json
import os
import subprocess
import sys

sshwhy, root = sys.argv[1], sys.argv[2]


def run(*paths):
    p = subprocess.run([sshwhy, "--format", "json", *paths],
                       capture_output=True, text=True, check=False)
    return json.loads(p.stdout)["findings"]


rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(root, "labels.tsv"))][1:]
bad = checks = 0
for scen, verb, _ex, ccause, scause in rows:
    d = os.path.join(root, scen)
    client = os.path.join(d, f"{verb}.log")
    server = os.path.join(d, f"server-{verb}.log")
    got = run(client)
    want = [] if ccause == "-" else [ccause]
    have = [f["client"]["cause"] for f in got if f.get("side") == "client"]
    checks += 1
    if have != want:
        bad += 1
        print(f"MISS client {scen} -{verb}: want {want} got {have}")
    if scause != "-" and os.path.exists(server):
        checks += 1
        got = run(client, server)
        both = [f for f in got if f.get("side") == "both"]
        alone = [f for f in got if f.get("side") == "client"]
        if len(both) != 1 or both[0]["cause"] != scause or alone:
            bad += 1
            print(f"MISS joined {scen} -{verb}: want one joined {scause}, got "
                  f"{[(f.get('side'), f['cause']) for f in got]}")
print(f"client samples: {checks - bad}/{checks} checks right")
sys.exit(1 if bad else 0)
