#!/usr/bin/env python3
"""kill -9 at random moments loses nothing: a lab log grows in slices (with
a rename rotation); at each step sshwhy --state is started and killed with
SIGKILL after a random delay (0 to 2 times), then run to the end. The
union of everything the runs printed holds every failed login of a clean
run over the whole log and nothing else (a repeat of what a killed run
printed is allowed), and the state file is never found damaged.

usage: kill9.py SSHWHY SOURCE_DIR [SEED]"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

binary, src = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261206
rng = random.Random(seed)


def clean_run_time(log):
    t = time.monotonic()
    common.run(binary, ["--format", "ndjson", "--year", "2026", log])
    return time.monotonic() - t


def one_round(log, tmp, span):
    lines = open(log, encoding="utf-8", errors="surrogateescape").readlines()
    lines.append(common.FLUSH)
    d = tempfile.mkdtemp(dir=tmp)
    live = os.path.join(d, "auth.log")
    state = os.path.join(d, "state")
    outs, kills, damaged = [], 0, 0
    cuts = sorted(rng.sample(range(1, len(lines)), 5)) + [len(lines)]
    if os.environ.get("SW_KILL9_DEBUG"):
        print("cuts", cuts)
    prev = 0
    for i, c in enumerate(cuts):
        if i == 3:
            os.rename(live, live + ".1")
        with open(live, "a", encoding="utf-8", errors="surrogateescape") as f:
            f.writelines(lines[prev:c])
        prev = c
        args = [binary, "--state", state, "--format", "ndjson", live]
        for _ in range(rng.randint(0, 2)):
            p = subprocess.Popen(args, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=common.ENV)
            time.sleep(rng.uniform(0, span))
            p.send_signal(signal.SIGKILL)
            out, err = p.communicate()
            outs.append(out)
            kills += 1
        p = common.run(binary, args[1:])
        if b"state file" in p.stderr and b"does not exist" not in p.stderr:
            damaged += 1
        outs.append(p.stdout)
    return [f for o in outs for f in common.findings(o)], kills, damaged


def main():
    tmp = tempfile.mkdtemp(prefix="sw-kill9-")
    bad = total_kills = 0
    try:
        for name in ("verbose.log", "info.log"):
            log = os.path.join(src, "samples/lab", name)
            ref = common.findings(common.run(
                binary, ["--format", "ndjson", "--year", "2026", log]).stdout)
            want = set(common.failures(ref))
            span = clean_run_time(log) * 1.5
            for r in range(6):
                got, kills, damaged = one_round(log, tmp, span)
                total_kills += kills
                have = set(common.failures(got))
                missing, extra = want - have, have - want
                if missing or extra or damaged:
                    bad += 1
                    print(f"FAIL {name} round {r}: {len(missing)} missing, "
                          f"{len(extra)} unexpected, {damaged} runs found "
                          f"the state damaged ({kills} kills)")
                    for k in sorted(missing, key=repr)[:3]:
                        print("  missing", k)
                    for k in sorted(extra, key=repr)[:3]:
                        print("  unexpected", k)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"kill9: {total_kills} runs killed with SIGKILL (seed {seed}); "
          + ("FAIL" if bad else "nothing lost"))
    return 1 if bad else 0


sys.exit(main())
