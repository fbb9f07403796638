#!/usr/bin/env python3
"""--redact leaks nothing: every golden case that analyses logs is run
without --redact (JSON, --all) to learn its sensitive values (user names,
addresses, host names, home directory names, key fingerprints, certificate
IDs, user@host comments), then with --redact in every format; no value may
survive in any output. Also: the same value gets the same pseudonym within
a report and distinct values distinct ones; with --redact-key, the same
pseudonym in two different reports.

usage: check-redact.py SSHWHY SRCDIR"""
import ipaddress
import json
import os
import re
import subprocess
import sys

sshwhy, src = sys.argv[1], os.path.realpath(sys.argv[2])
golden = os.path.join(src, "tests", "golden")
FORMATS = ["text", "json", "ndjson", "markdown", "html"]
env = dict(os.environ, TZ="UTC", SSHWHY_RULES=os.path.join(src, "rules"))


def run(args, stdin):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as fin:
        p = subprocess.run([sshwhy] + args, cwd=src, env=env, stdin=fin,
                           capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def case_args(d):
    args = [a.replace("@SRC@", src) for a in
            open(os.path.join(d, "args")).read().split("\n") if a]
    out, i = [], 0
    while i < len(args):
        if args[i] in ("--format", "-f", "--redact-key"):
            i += 2
            continue
        if args[i] in ("--no-evidence", "--exit-code", "--redact"):
            i += 1
            continue
        out.append(args[i])
        i += 1
    return out


# Words the report prints on its own (rule texts, sshd's phrases, the
# writers' sentences): a value made only of such words ("root", "user")
# cannot be looked for as a bare word, only where sshwhy puts values.
vocab = set()
for name in sorted(os.listdir(os.path.join(src, "rules"))):
    for line in open(os.path.join(src, "rules", name), encoding="utf-8"):
        if line.startswith("examples:"):
            break
        vocab.update(re.findall(r"[A-Za-z0-9]+", line))
libdir = os.path.join(src, "analyzer", "lib")
for name in os.listdir(libdir):
    if name.startswith(("s5_", "s6_")) and name.endswith(".c"):
        vocab.update(re.findall(r"[A-Za-z0-9]+", open(os.path.join(
            libdir, name), encoding="utf-8").read()))

IP4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IP6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")
FP = re.compile(r"(?:SHA256|MD5):([A-Za-z0-9+/=:]{16,})|"
                r"(?<![\w:])((?:[0-9a-f]{2}:){15}[0-9a-f]{2})(?![\w:])")
HOME = re.compile(r"/(?:home|Users)/([^/\s'\":,;()\[\]<>`|&*?]+)")
CERT = re.compile(r'certificate ID "([^"]*)"')
AT = re.compile(r"[\w.-]+@([A-Za-z0-9][\w.-]*[A-Za-z0-9])")
RHOST = re.compile(r"(?:getaddrinfo for (\S+) \[|maps to (\S+?),|"
                   r'client host "([^"]+)")')
CUSER = re.compile(r'client user "([^"]+)"')


def values_of(doc):
    """(kind, value) pairs the unredacted report shows."""
    vals = set()
    for f in doc["findings"]:
        # Failed logins, and successful ones where the report lists them.
        if f.get("user"):
            vals.add(("user", f["user"]))
        if f.get("source_ip") and f["source_ip"] != "UNKNOWN":
            vals.add(("addr", f["source_ip"]))
        if f.get("host"):
            vals.add(("host", f["host"]))
        ev = f.get("evidence") or []
        texts = [e.get("text", "") for e in ev] + [e.get("file", "") for e
                                                   in ev] + \
            [f.get("note") or "", f.get("key") or ""]
        for t in texts:
            for m in IP4.findall(t):
                vals.add(("addr", m))
            for m in IP6.findall(t):
                m = m.rstrip(".")
                try:
                    ipaddress.IPv6Address(m)
                    vals.add(("addr", m))
                except ValueError:
                    pass
            for m in FP.findall(t):
                vals.add(("fp", (m[0] or m[1]).rstrip(":")))
            for m in HOME.findall(t):
                vals.add(("user", m))
            for m in CUSER.findall(t):
                vals.add(("user", m))
            for m in CERT.findall(t):
                if m:
                    vals.add(("cert", m))
            for m in RHOST.findall(t):
                for h in m:
                    if h and not IP4.fullmatch(h):
                        vals.add(("host", h))
        for m in AT.findall(f.get("note") or ""):
            vals.add(("host", m))
    for s in doc["summary"]["sources"]:
        for m in HOME.findall(s):
            vals.add(("user", m))
    return vals


def wordlike(v):
    toks = [t for t in re.findall(r"[A-Za-z0-9]+", v) if len(t) >= 2]
    return all(t in vocab for t in toks)


def strict_patterns(kind, v):
    """Regexes that must not match a redacted output."""
    if kind == "addr":
        e = re.escape(v)
        return [re.compile(r"(?<![0-9A-Za-z.:])" + e + r"(?![0-9A-Za-z:]|\.\d)")]
    if kind == "fp":
        return [re.compile(re.escape(v))]
    # Every distinctive word of the value, however the format escaped
    # the bytes around it (sw\_badpass, &quot;, \x1b).
    pats = []
    for t in re.findall(r"[A-Za-z0-9]+", v):
        if len(t) >= 3 and t not in vocab:
            pats.append(re.compile(r"(?<![A-Za-z0-9])" + re.escape(t) +
                                   r"(?![A-Za-z0-9])"))
    return pats


def context_patterns(kind, v):
    """For values made of the report's own words: where values stand."""
    e = re.escape(v)
    end = r"(?![\w-])"
    if kind == "user":
        # sshd's phrases around a user name, and the report's fields.
        pats = [r"for (?:invalid user )?" + e + r" from ",
                r"[Ii]nvalid user " + e + r" from ",
                r"user=" + e + r"(?=$|[\"<])",
                r"authenticating user " + e + " ", r"/home/" + e + end,
                r"^  user +" + e + end, r'"user":"' + e + '"',
                r"<td>" + e + end, r"\| user \| " + e + end]
        return [re.compile(p, re.M) for p in pats]
    if kind == "host":
        return [re.compile(r"\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)? " +
                           e + r" "), re.compile(r'"host":"' + e + '"')]
    return [re.compile(r"\W" + e + end)]


cases = sorted(d for d in os.listdir(golden)
               if os.path.isfile(os.path.join(golden, d, "args")))
checked = values_total = ctx_total = 0
failures = []
for case in cases:
    d = os.path.join(golden, case)
    args = case_args(d)
    stdin = os.path.join(d, "stdin") if os.path.exists(
        os.path.join(d, "stdin")) else None
    rc, out = run(args + ["--all", "--format", "json"], stdin)
    try:
        doc = json.loads(out)
    except ValueError:
        continue            # help, explain, rules test, usage errors
    if not isinstance(doc, dict) or not doc.get("findings"):
        continue
    vals = values_of(doc)
    outs = {}
    for fmt in FORMATS:
        _, outs[fmt] = run(args + ["--all", "--redact", "--format", fmt],
                           stdin)
    _, outs["json-keyed"] = run(args + ["--all", "--redact-key",
                                        "ticket-4711", "--format", "json"],
                                stdin)
    checked += 1
    for kind, v in sorted(vals):
        values_total += 1
        ctx = kind in ("user", "host", "cert") and wordlike(v)
        pats = context_patterns(kind, v) if ctx else strict_patterns(kind, v)
        ctx_total += ctx
        for fmt, text in outs.items():
            for p in pats:
                m = p.search(text)
                if m:
                    a = max(0, m.start() - 60)
                    failures.append(f"{case} [{fmt}] {kind} {v!r} survives: "
                                    f"...{text[a:m.end() + 20]!r}")
    # Same value, same pseudonym; distinct values, distinct pseudonyms.
    red = json.loads(outs["json"])
    for field in ("user", "source_ip", "host"):
        fwd, back = {}, {}
        for a, b in zip(doc["findings"], red["findings"]):
            if a.get(field) is None:
                continue
            if fwd.setdefault(a[field], b[field]) != b[field] or \
                    back.setdefault(b[field], a[field]) != a[field]:
                failures.append(f"{case}: {field} {a[field]!r} -> "
                                f"{b[field]!r} is not one to one")
    if len(red["findings"]) != len(doc["findings"]) or any(
            a.get("cause") != b.get("cause") or a["time"] != b["time"] or
            a.get("method") != b.get("method") for a, b in
            zip(doc["findings"], red["findings"])):
        failures.append(f"{case}: --redact changed a cause, time or method")

# --redact-key: one user in two reports (two inputs) gets one pseudonym.
key = ["--year", "2026", "--redact-key", "k1", "--format", "json", "--all"]
_, a = run(key + ["samples/cases/wrong-password.log"], None)
_, b = run(key + ["samples/lab/info.log"], None)
ua = {f["user"] for f in json.loads(a)["findings"]}
ub = {f["user"] for f in json.loads(b)["findings"]}
_, plain = run(["--year", "2026", "--format", "json", "--all",
                "samples/lab/info.log"], None)
_, c = run(["--year", "2026", "--redact-key", "k2", "--format", "json",
            "--all", "samples/cases/wrong-password.log"], None)
uc = {f["user"] for f in json.loads(c)["findings"]}
if not ua or not ua <= ub:
    failures.append(f"--redact-key: pseudonyms {ua} not found in the other "
                    f"report's {sorted(ub)[:5]}...")
if ua == uc:
    failures.append("--redact-key: another key gives the same pseudonyms")
if "sw_badpass" not in plain:
    failures.append("the keyed stability check lost its sample user")

for f in failures[:40]:
    print(f)
print(f"redact: {checked} cases, {values_total} values ({ctx_total} checked "
      f"where values stand, being the report's own words) x "
      f"{len(FORMATS) + 1} outputs: {len(failures)} leaks or inconsistencies")
sys.exit(1 if failures else 0)
