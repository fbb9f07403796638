"""Shared helpers of the conformance tests (tests/conformance/*.py).

Each test runs sshwhy over one peer project's annotated sshd test suite in
../shared/corpus and compares what sshwhy reports with the peer's verdicts.
The corpus is not part of this repository: when it is absent the test prints
why and exits 77, which CTest reports as SKIPPED.

Misses that are understood (odd corpus lines, formats sshwhy does not read,
design differences) are listed in expected-misses.tsv beside this file:
suite, the corpus line (verbatim), what the peer expects, what sshwhy
reports and the reason, tab separated. An entry excuses only that exact
pair: if sshwhy starts reporting something else for the line (another cause,
another address), the miss is unexpected again. Every other miss fails the
test, and so does an entry that no longer misses (a stale entry: remove it,
so that the list only shrinks). Each suite also states how many checks it
must at least make (a renamed corpus file or a do-nothing binary must not
pass with "0 passed"). The last line a test prints is
"N passed, A allowed, M failed": A the misses excused by an entry, M the
unexplained misses plus stale entries plus a shortfall of checks.

A missing corpus directory (../shared/corpus) skips the test (exit 77); the
corpus present but one suite's folder or file missing fails it: that is a
renamed or removed sample, not an absent corpus.
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
    if not os.path.isdir(corpus):
        print(f"SKIPPED: {corpus} not found (the peers' corpus lives in "
              "../shared/corpus beside the checkout, as in CI)")
        sys.exit(SKIP)
    if not os.path.exists(path):
        print(f"FAILED: the corpus {corpus} is there but {path} is not "
              "(renamed or removed?): no check of this suite could run")
        print("0 passed, 0 allowed, 1 failed")
        sys.exit(1)
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


FIELDS = "suite, corpus line, expected, reported, reason"


def load_expected(suite):
    """The expected misses of one suite: {(line, expected, reported): reason}."""
    known = {}
    path = os.path.join(HERE, "expected-misses.tsv")
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw or raw.startswith("#"):
                continue
            parts = raw.split("\t")
            if len(parts) != 5 or not all(parts):
                sys.exit(f"{path}:{n}: want 5 non-empty tab-separated fields ({FIELDS})")
            if parts[0] == suite:
                key = tuple(parts[1:4])
                if key in known:
                    sys.exit(f"{path}:{n}: duplicate entry")
                known[key] = parts[4]
    return known


def reported(findings, user=False):
    """What sshwhy reports for a line, as expected-misses.tsv spells it:
    'no failed login', or each finding as 'CAUSE from ADDRESS' (with
    `user`, 'CAUSE of USER from ADDRESS')."""
    if not findings:
        return "no failed login"
    return "; ".join(f"{f['cause']}" + (f" of {f['user']!r}" if user else "")
                     + f" from {f['source_ip'] or '-'}" for f in findings)


def unrecognised(summary):
    """Why a line gave nothing, from the JSON summary."""
    if summary["sshd_lines"] == 0:
        return "unrecognised: not read as an sshd line"
    if summary["unmatched_lines"] > 0:
        return "unrecognised: no rule matches"
    return "recognised, no failed login"


class Tally:
    """Collects checks; prints misses and the closing
    'N passed, A allowed, M failed'."""

    def __init__(self, suite, minimum):
        self.suite = suite
        self.minimum = minimum
        self.expected = load_expected(suite)
        self.used = set()
        self.passed = 0
        self.failed = 0
        self.explained = []

    def ok(self):
        self.passed += 1

    def miss(self, line, why, expected, got):
        """A check that did not hold for corpus line `line`: the peer
        expected `expected`, sshwhy reported `got` (both short, stable
        texts: the key of an expected-misses.tsv entry with the line)."""
        key = (line, expected, got)
        if key in self.expected:
            self.used.add(key)
            self.explained.append((key, why, self.expected[key]))
            return
        self.failed += 1
        print(f"MISS  {why}\n      {line}\n      entry: {self.suite}\t{line}\t"
              f"{expected}\t{got}\t<reason>")

    def checks(self):
        return self.passed + self.failed + len(self.explained)

    def finish(self, extra_lines=()):
        for (line, exp, got), why, reason in self.explained:
            print(f"expected miss  {why}\n      {line}\n      expected {exp}, "
                  f"reported {got}\n      reason: {reason}")
        stale = [k for k in self.expected if k not in self.used]
        for line, exp, got in stale:
            print(f"STALE entry of expected-misses.tsv (no longer missed this "
                  f"way: remove it, or explain the new miss):\n      {line}\n"
                  f"      expected {exp}, reported {got}")
        for l in extra_lines:
            print(l)
        failed = self.failed + len(stale)
        n = self.checks()
        if n < self.minimum:
            print(f"FAILED: {n} checks made, this suite makes at least "
                  f"{self.minimum} (corpus renamed or emptied, or sshwhy "
                  "reported nothing?)")
            failed += 1
        print(f"{len(self.explained)} allowed misses (explained in "
              f"expected-misses.tsv), {len(stale)} stale entries")
        print(f"{self.passed} passed, {len(self.explained)} allowed, {failed} failed")
        sys.exit(1 if failed else 0)


def pct(a, b):
    return "n/a" if b == 0 else f"{100.0 * a / b:.1f}% ({a}/{b})"

