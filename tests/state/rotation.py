#!/usr/bin/env python3
"""--state over a rotating log: a real lab log is fed in slices with
appends between runs, rename rotation, delayed compression, immediate
compression and copytruncate; across all runs every failed login (and
every success) is reported exactly once, as in one run over the whole log.
Also: a run with nothing new prints nothing with --summary and exits 0,
and only the first run warns about the year.

usage: rotation.py SSHWHY SOURCE_DIR"""
import gzip
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

binary, src = sys.argv[1], sys.argv[2]


def gz(path):
    with open(path, "rb") as f, gzip.open(path + ".gz", "wb") as g:
        g.write(f.read())
    os.unlink(path)


def scenario(log, tmp):
    lines = open(log, encoding="utf-8", errors="surrogateescape").readlines()
    n = len(lines)
    cuts = [0, n // 9, 2 * n // 9 + 3, n // 3 + 1, 4 * n // 9 + 2,
            5 * n // 9 + 5, 2 * n // 3 + 7, 7 * n // 9, 8 * n // 9 + 1, n]
    part = [lines[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)]
    d = os.path.join(tmp, os.path.basename(log) + ".d")
    os.mkdir(d)
    live = os.path.join(d, "auth.log")
    state = os.path.join(d, "state")
    outs, errs = [], []

    def append(chunk):
        with open(live, "a", encoding="utf-8", errors="surrogateescape") as f:
            f.writelines(chunk)

    def step(*extra):
        p = common.run(binary, ["--state", state, "--format", "ndjson",
                                *extra, live])
        outs.append(p.stdout)
        errs.append(p.stderr.decode(errors="replace"))

    p = lambda name: os.path.join(d, name)  # noqa: E731
    append(part[0])
    step()                                   # 1: first run
    append(part[1])
    step()                                   # 2: appended
    append(part[2][:len(part[2]) // 2])
    os.rename(live, p("auth.log.1"))         # 3: rename rotation; the old
    with open(p("auth.log.1"), "a") as f:    #    file still gets lines
        f.writelines(part[2][len(part[2]) // 2:])
    append(part[3])
    step()
    os.rename(p("auth.log.1"), p("auth.log.2"))  # 4: delayed compression
    gz(p("auth.log.2"))
    os.rename(live, p("auth.log.1"))
    append(part[4])
    step()
    append(part[5])
    step()                                   # 5: appended
    os.rename(p("auth.log.2.gz"), p("auth.log.3.gz"))  # 6: immediate
    os.rename(p("auth.log.1"), p("auth.log.2"))        #    compression
    gz(p("auth.log.2"))
    os.rename(live, p("auth.log.1"))
    gz(p("auth.log.1"))
    append(part[6])
    step()
    append(part[7])
    shutil.copyfile(live, p("auth.log.copy"))          # 7: copytruncate
    os.unlink(p("auth.log.3.gz"))            # (read before: rotated away)
    os.rename(p("auth.log.2.gz"), p("auth.log.3.gz"))
    os.rename(p("auth.log.1.gz"), p("auth.log.2.gz"))
    os.rename(p("auth.log.copy"), p("auth.log.1"))
    with open(live, "r+") as f:
        f.truncate(0)
    append(part[8])
    step()
    append([common.FLUSH])
    step()                                   # 8: the log moves on
    quiet = common.run(binary, ["--state", state, "--summary", live])
    return outs, errs, quiet


def main():
    tmp = tempfile.mkdtemp(prefix="sw-rotation-")
    bad = 0
    try:
        for name in ("verbose.log", "debug.log", "info.log"):
            log = os.path.join(src, "samples/lab", name)
            ref = common.findings(common.run(
                binary, ["--format", "ndjson", "--year", "2026", log]).stdout)
            outs, errs, quiet = scenario(log, tmp)
            got = [f for o in outs for f in common.findings(o)]
            want_f = sorted(common.failures(ref), key=repr)
            got_f = sorted(common.failures(got), key=repr)
            want_s = sorted((common.key(f) for f in ref
                             if f.get("outcome") == "success"), key=repr)
            got_s = sorted((common.key(f) for f in got
                            if f.get("outcome") == "success"), key=repr)
            dup = len(got_f) - len(set(got_f))
            missing = set(want_f) - set(got_f)
            extra = set(got_f) - set(want_f)
            print(f"{name}: {len(outs)} runs, {len(got_f)} failed logins "
                  f"reported (want {len(want_f)}), {dup} repeated, "
                  f"{len(missing)} missing, {len(extra)} unexpected; "
                  f"{len(got_s)} successes (want {len(want_s)})")
            if got_f != want_f or got_s != want_s:
                bad += 1
                for k in sorted(missing, key=repr)[:5]:
                    print("  missing", k)
                for k in sorted(extra, key=repr)[:5]:
                    print("  unexpected", k)
            warned = [i for i, e in enumerate(errs) if "have no year" in e]
            if warned != [0]:
                bad += 1
                print(f"  year warning in runs {warned}, want only the first")
            if quiet.stdout or quiet.returncode != 0:
                bad += 1
                print(f"  nothing new: --summary printed {len(quiet.stdout)} "
                      f"bytes, exit {quiet.returncode}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("rotation: " + ("FAIL" if bad else "ok"))
    return 1 if bad else 0


sys.exit(main())
