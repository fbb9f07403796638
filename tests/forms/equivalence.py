#!/usr/bin/env python3
"""The forms people paste give the same findings as the log they came from.

usage: equivalence.py SSHWHY FORMS_DIR

For each variant in FORMS_DIR (made by make-forms.py from real lab lines:
journalctl short under six locales, BusyBox and OpenWrt logread, extra
spaces and trailing blanks, redacted addresses) sshwhy's findings must be
those of the original lines: same time, pid, user, address (as redacted
in the redacted variant), port, method and cause, and the same counts of
failed, successful, unauthenticated and unfinished connections and of
unrecognised lines.
"""
import glob
import json
import os
import subprocess
import sys


def run(binary, path):
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run([binary, "--format", "json", "--year", "2026", path],
                       capture_output=True, env=env, check=False)
    if p.returncode not in (0, 1):
        sys.exit(f"sshwhy exited {p.returncode} on {path}:\n{p.stderr.decode()}")
    d = json.loads(p.stdout)
    s = d["summary"]
    return ([(f["time"], f["pid"], f["user"], f["source_ip"], f["source_port"], f.get("outcome"),
              f["method"], f.get("cause")) for f in d["findings"]],
            (s["failed"], s["succeeded"], s["no_auth"], s["unfinished"],
             s["unmatched_lines"], s["unparsed_lines"]))


def main():
    binary, forms = sys.argv[1], sys.argv[2]
    bad = checked = 0
    for ver in ("9.2", "10.0"):
        want, wsum = run(binary, os.path.join(forms, f"orig-{ver}.log"))
        if not want:
            sys.exit(f"orig-{ver}.log gives no finding: nothing to compare")
        variants = sorted(glob.glob(os.path.join(forms, "locale", f"*-{ver}.log")))
        variants += [os.path.join(forms, f"{v}-{ver}.log")
                     for v in ("busybox", "openwrt", "spaces", "redacted")]
        for path in variants:
            got, gsum = run(binary, path)
            exp = want
            if "redacted" in path:
                exp = [tuple("xxx.xxx.xxx.xxx" if x == "127.0.0.1" else x for x in f)
                       for f in want]
            checked += 1
            if got != exp or gsum != wsum:
                bad += 1
                print(f"DIFFERENT {os.path.relpath(path, forms)}: {len(got)} findings "
                      f"{gsum}, original {len(exp)} {wsum}")
                for a, b in zip(got, exp):
                    if a != b:
                        print(f"   got  {a}\n   want {b}")
                        break
            else:
                print(f"same      {os.path.relpath(path, forms)}: {len(got)} findings")
    print(f"{checked - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
