#!/usr/bin/env python3
"""A missing, corrupt, truncated, foreign or newer-version state file: the
run says so clearly on stderr, reads all of the input as without --state
(so nothing is lost), exits 0, and replaces the file with a good one that
the next run uses. A state path that cannot be written is an error (exit 2)
after the report, and the next run reads the input again.

usage: corrupt.py SSHWHY SOURCE_DIR"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

binary, src = sys.argv[1], sys.argv[2]


def main():
    tmp = tempfile.mkdtemp(prefix="sw-corrupt-")
    bad = 0
    try:
        log = os.path.join(tmp, "auth.log")
        lab = os.path.join(src, "samples/lab/verbose.log")
        with open(lab) as f, open(log, "w") as g:
            g.write(f.read() + common.FLUSH)
        full = common.run(binary, ["--format", "ndjson", "--year", "2026",
                                   log]).stdout
        good = os.path.join(tmp, "good")
        common.run(binary, ["--state", good, "--format", "ndjson", log])
        data = open(good, "rb").read()
        half = len(data) // 2
        flipped = bytearray(data)
        flipped[half] ^= 0x01
        newer = data.replace(b"sshwhy-state 1\n", b"sshwhy-state 99\n", 1)
        cases = {
            "missing": (None, "does not exist yet"),
            "empty": (b"", "is not a sshwhy state file"),
            "garbage": (b"hello\nworld\n", "is not a sshwhy state file"),
            "binary": (bytes(range(256)) * 4, "is not a sshwhy state file"),
            "foreign": (b'{"json": "from another tool"}\n',
                        "is not a sshwhy state file"),
            "truncated": (data[:half], "cut short"),
            "flipped": (bytes(flipped), "corrupt"),
            "no-end": (data[:data.rfind(b"end ")], "cut short"),
            "newer": (newer, "is version 99"),
            "trailing": (data + b"runs 5\n", "after its end record"),
        }
        for name, (content, why) in cases.items():
            st = os.path.join(tmp, "state-" + name)
            if content is not None:
                with open(st, "wb") as f:
                    f.write(content)
            p = common.run(binary, ["--state", st, "--format", "ndjson",
                                    log], check=False)
            err = p.stderr.decode(errors="replace")
            problems = []
            if p.returncode != 0:
                problems.append(f"exit {p.returncode}")
            if why not in err:
                problems.append(f"stderr lacks '{why}': {err.strip()!r}")
            if content is not None and "reading all of the input" not in err:
                problems.append("stderr does not say what happens now")
            if sorted(common.failures(common.findings(p.stdout)), key=repr) \
                    != sorted(common.failures(common.findings(full)),
                              key=repr):
                problems.append("the run did not report the whole input")
            again = common.run(binary, ["--state", st, "--format", "ndjson",
                                        log], check=False)
            if again.stdout or again.stderr or again.returncode != 0:
                problems.append("the replaced state file was not used: "
                                f"{len(again.stdout)} bytes out, "
                                f"{again.stderr.decode(errors='replace')!r}")
            print(f"{name}: " + ("; ".join(problems) if problems else "ok"))
            bad += bool(problems)
        # A state file that cannot be written: the report is still out,
        # the status says the state was not kept.
        d = os.path.join(tmp, "no-such-dir", "state")
        p = common.run(binary, ["--state", d, "--format", "ndjson", log],
                       check=False)
        ok = p.returncode == 2 and b"cannot" in p.stderr and \
            len(common.findings(p.stdout)) == len(common.findings(full))
        print("unwritable: " + ("ok" if ok else
              f"exit {p.returncode}, {p.stderr.decode(errors='replace')!r}"))
        bad += not ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("corrupt-state: " + ("FAIL" if bad else "ok"))
    return 1 if bad else 0


sys.exit(main())
