#!/usr/bin/env python3
"""Conformance against SSHGuard's attack parser test vectors.

usage: sshguard.py SSHWHY CORPUS

CORPUS/sshguard/tests.txt holds triples (input line, expected result, M|X);
see CORPUS/sshguard/README.md. Only OpenSSH is checked: triples whose result
is service 100 ("100 ADDR KIND DANGER") or "*" (not an attack), in the
sections "SSH" and "Banner formats"; Dropbear (101) and other services are
left out. A bare message (the parser accepts one) is given a syslog header,
`Jan  1 00:00:00 sshguard sshd[N]: `. Each line is run through sshwhy on its
own, as SSHGuard's parser sees it.

* An attack whose line names a user (Invalid user, Failed ..., not allowed,
  ROOT LOGIN REFUSED, PAM, maximum attempts, a closed or reset connection
  of an "authenticating"/"invalid" user) is an authentication failure: the
  line must be evidence of a failed login from the same address (SSHGuard
  annotates no user).
* An attack that names no user (scans: no identification string, bad
  banner, failed negotiation, preauth close by address, timeouts) never
  reached a login: sshwhy counts such connections rather than listing them,
  so the line must be recognised by a rule (not left unmatched), and any
  failed login it gives must carry the same address.
* A "*" line must not give a failed login (precision).
"""
import re
import sys

import common

AUTH = re.compile(
    r"(?:^|\s)(?:Invalid user |User .* not allowed because |ROOT LOGIN REFUSED |"
    r"Failed \S+ for |error: PAM: |error: maximum authentication attempts |"
    r"Disconnecting (?:invalid|authenticating) user |"
    r"(?:Connection closed by|Connection reset by|Disconnected from) "
    r"(?:invalid|authenticating) user )")
# Checks at least (the count when the test was written, 2026-12; fewer means
# tests.txt was renamed, emptied or misread).
MINIMUM = 70
HEADER = re.compile(r"\bsshd(?:-session)?(?:\[\d+\]:?| \d+ )")


def triples(path):
    section = None
    body = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = re.match(r"^#+ *(.*?) *\{\{\{", line)
            if m:
                section = m.group(1)
                continue
            if line.startswith("#") or not line.strip():
                continue
            body.append((n, line, section))
    for i in range(0, len(body) - 2, 3):
        (n, text, section), (_, want, _), (_, mx, _) = body[i:i + 3]
        yield n, text, want, mx, section


def main():
    binary, path = common.usage_and_dirs("sshguard.py SSHWHY CORPUS",
                                         "sshguard/tests.txt")
    tally = common.Tally("sshguard", MINIMUM)
    n_auth = hit_auth = n_scan = hit_scan = n_neg = ok_neg = 0
    for k, (n, text, want, mx, section) in enumerate(triples(path)):
        if section not in ("SSH", "Banner formats"):
            continue
        parts = want.split()
        if want != "*" and parts[0] != "100":
            continue
        line = text
        if not HEADER.search(text):
            line = f"Jan  1 00:00:00 sshguard sshd[{1000 + k}]: {text}"
        findings, summary = common.run(binary, [line], year=2005, fmt="json")
        reported = [f for f in findings if any(ev["line"] == 1 for ev in f["evidence"])]
        if want == "*":
            n_neg += 1
            if reported:
                tally.miss(text, f"line {n}: not an attack for SSHGuard, but "
                           f"sshwhy reports a failed login ({reported[0]['cause']})",
                           "no failure", common.reported(reported))
            else:
                ok_neg += 1
                tally.ok()
            continue
        addr = parts[1]
        recognised = (summary["sshd_lines"] == 1 and summary["unmatched_lines"] == 0)
        if AUTH.search(text):
            n_auth += 1
            if any(common.same_address(f, addr, text) for f in reported):
                hit_auth += 1
                tally.ok()
            elif reported:
                tally.miss(text, f"line {n}: failed login reported with address "
                           f"{reported[0]['source_ip']}, SSHGuard says {addr}",
                           f"failure from {addr}", common.reported(reported))
            elif not recognised:
                tally.miss(text, f"line {n}: authentication failure from {addr}: "
                           "line not recognised (" + (
                               "not read as an sshd line" if summary["sshd_lines"] == 0
                               else "no rule matches") + ")",
                           f"failure from {addr}", common.unrecognised(summary))
            else:
                tally.miss(text, f"line {n}: authentication failure from {addr}: "
                           "recognised, but no failed login reported",
                           f"failure from {addr}", common.unrecognised(summary))
        else:
            n_scan += 1
            if reported and not any(common.same_address(f, addr, text) for f in reported):
                tally.miss(text, f"line {n}: failed login reported with address "
                           f"{reported[0]['source_ip']}, SSHGuard says {addr}",
                           f"attack from {addr}", common.reported(reported))
            elif recognised:
                hit_scan += 1
                tally.ok()
            else:
                tally.miss(text, f"line {n}: attack without a user from {addr}: "
                           "line not recognised (" + (
                               "not read as an sshd line" if summary["sshd_lines"] == 0
                               else "no rule matches") + ")",
                           f"attack from {addr}", common.unrecognised(summary))
    tally.finish([
        f"sshguard: {n_auth} authentication failures, {n_scan} attacks without "
        f"a user, {n_neg} non-attacks (OpenSSH lines)",
        f"recall    {common.pct(hit_auth, n_auth)} (authentication failures "
        "reported as failed logins from the same address)",
        f"scans     {common.pct(hit_scan, n_scan)} recognised",
        f"precision {common.pct(ok_neg, n_neg)} of the non-attack lines give "
        "no failed login",
    ])


if __name__ == "__main__":
    main()
