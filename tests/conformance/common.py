"""Shared helpers of the conformance tests (tests/conformance/*.py).

Each test runs sshwhy over one peer project's annotated sshd test suite in
../shared/corpus and compares what sshwhy reports with the peer's verdicts.
The corpus is not part of this repository: when it is absent the test prints
why and exits 77, which CTest reports as SKIPPED.

Misses that are understood (odd corpus lines, formats sshwhy does not read,
design differences) are listed in expected-misses.tsv beside this file:
suite, the corpus line (verbatim) and the reason, tab separated. Every other
miss fails the test. The last line a test prints is "N passed, M failed",
M being the unexplained misses.
"""
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))


def usage_and_dirs(doc, sub):
    """Parses `SCRIPT SSHWHY CORPUS`; returns (binary, CORPUS/sub) or skips."""
    if len(sys.argv) != 3:
        sys.exit("usage: " + doc)
    binary, corpus = sys.argv[1], sys.argv[2]
    path = os.path.join(corpus, sub)
    if not os.path.exists(path):
        print(f"SKIPPED: {path} not found (the peers' corpus lives in "
              "../shared/corpus beside the checkout, as in CI)")
        sys.exit(SKIP)
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary}: not an executable")
    return binary, path


def run(binary, lines, year="2005", fmt="ndjson", extra=()):
    """Feeds `lines` (strings, no newline) to sshwhy as one file.

    Returns (findings, summary): the NDJSON findings, or the JSON document's
    findings and summary when fmt == "json". Line i of the input (1-based) is
    lines[i-1]; evidence line numbers refer to that.
    """
    with tempfile.TemporaryDirectory(prefix="sw-conf-") as tmp:
        path = os.path.join(tmp, "input.log")
        with open(path, "wb") as f:
            for line in lines:
                f.write(line.encode("utf-8", "surrogateescape") + b"\n")
        env = dict(os.environ, TZ="UTC")
        cmd = [binary, "--format", fmt, "--year", str(year), *extra, path]
        p = subprocess.run(cmd, capture_output=True, env=env, check=False)
    if p.returncode not in (0, 1, 4, 5):
        sys.exit(f"sshwhy exited {p.returncode}:\n{p.stderr.decode(errors='replace')}")
    out = p.stdout.decode("utf-8", "replace")
    # Successful logins are listed too ("outcome": "success"): only the
    # failed logins are findings for these suites.
    if fmt == "json":
        doc = json.loads(out)
        return [f for f in doc["findings"]
                if f.get("outcome") != "success"], doc["summary"]
    return [f for f in (json.loads(l) for l in out.splitlines() if l.strip())
            if f.get("outcome") != "success"], None


def by_line(findings):
    """Maps an input line number to the findings whose evidence holds it."""
    m = {}
    for f in findings:
        for ev in f["evidence"]:
            m.setdefault(ev["line"], []).append(f)
    return m


def norm_addr(a):
    """Address as the peers compare it: no IPv6 zone, IPv4-mapped as IPv4,
    IPv6 in canonical form; anything else (DNS names) lower-cased."""
    if a is None:
        return None
    a = a.strip().lower()
    a = a.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return a
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)


def is_ip(a):
    try:
        ipaddress.ip_address(a.split("%", 1)[0])
        return True
    except ValueError:
        return False


def same_address(finding, want, text):
    """Does the finding report the client address `want`?

    sshwhy's source_ip holds IP addresses only. When the peer expects a DNS
    name (sshd writes one with UseDNS yes), the finding must not claim an
    address at all and the line must carry the name. No `want`: any
    address will do."""
    got = finding.get("source_ip")
    if want is None:
        return True
    if is_ip(want) or got is not None:
        return norm_addr(got) == norm_addr(want)
    return want.lower() in text.lower()


def load_expected(suite):
    """The expected misses of one suite: {corpus line: reason}."""
    known = {}
    path = os.path.join(HERE, "expected-misses.tsv")
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw or raw.startswith("#"):
                continue
            parts = raw.split("\t")
            if len(parts) != 3:
                sys.exit(f"{path}:{n}: want 3 tab-separated fields (suite, line, reason)")
            if parts[0] == suite:
                known[parts[1]] = parts[2]
    return known


class Tally:
    """Collects checks; prints misses and the closing 'N passed, M failed'."""

    def __init__(self, suite):
        self.suite = suite
        self.expected = load_expected(suite)
        self.used = set()
        self.passed = 0
        self.failed = 0
        self.explained = []

    def ok(self):
        self.passed += 1

    def miss(self, line, why):
        """A check that did not hold for corpus line `line`."""
        if line in self.expected:
            self.used.add(line)
            self.explained.append((line, why, self.expected[line]))
            return
        self.failed += 1
        print(f"MISS  {why}\n      {line}")

    def finish(self, extra_lines=()):
        for line, why, reason in self.explained:
            print(f"expected miss  {why}\n      {line}\n      reason: {reason}")
        for line in self.expected:
            if line not in self.used:
                print(f"note: expected miss no longer missed (remove it from "
                      f"expected-misses.tsv): {line}")
        for l in extra_lines:
            print(l)
        print(f"{len(self.explained)} expected misses (explained in expected-misses.tsv)")
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def pct(a, b):
    return "n/a" if b == 0 else f"{100.0 * a / b:.1f}% ({a}/{b})"

