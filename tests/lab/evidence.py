#!/usr/bin/env python3
"""Group the lab's log lines per attempt and check them against labels.tsv.

usage: evidence.py LOGDIR LABELS.TSV [--brief]

For each attempt (row of labels.tsv) it takes the lines of <level>.log that
contain "port PORT", the sshd PIDs of those lines (and the user child PID
named by "User child is on pid N"), and then every line of those PIDs. It
prints them, and checks that
  * the attempt's lines are the same in that level's traditional and RFC 3339
    files (MISSING) and its port is in no other level's file (LEAK); when sshd
    logged no line with the port at that level (NOPORT, informational), the
    lines are found by user name instead,
  * the attempt's lines contain the evidence its expected_cause needs
    (MISMATCH), using the patterns below.
Exit status 1 if any check fails.
"""
import re
import sys
from collections import defaultdict

LEVEL_FILE = {"INFO": "info", "VERBOSE": "verbose", "DEBUG1": "debug"}

# evidence a line set must contain for a label (any of the patterns)
EVIDENCE = {
    "success": [r"Accepted (publickey|password) for "],
    "bad-ownership-or-modes": [r"Authentication refused: bad ownership or modes"],
    # 9.1-9.9 name the user; 8.4 does not
    "authorized-keys-missing": [r"Could not open (user '[^']+' )?authorized keys '[^']+': No such file"],
    "unknown-key": [r"Failed publickey for "],
    "key-type-not-accepted": [r"not in PubkeyAccepted(Algorithms|KeyTypes)"],
    "rsa-key-too-small": [r"refusing RSA key|Invalid key length"],
    "invalid-user": [r"Invalid user "],
    "user-not-allowed": [r"not allowed because (not listed in AllowUsers|listed in DenyUsers|none of user's groups are listed in AllowGroups|a group is listed in DenyGroups)"],
    "root-login-refused": [r"ROOT LOGIN REFUSED"],
    "shell-missing": [r"not allowed because shell \S+ does not exist"],
    "account-locked": [r"account is locked"],
    "account-expired": [r"has expired \(account expired\)", r"^.*: Account \S+ has expired$"],
    "password-expired": [r"expired password for user|password expired|Password change required|pam_chauthtok"],
    "key-options-refused": [r"not from a permitted host"],
    "auth-methods-incomplete": [r"Partial publickey for "],
    # a refused certificate: a named reason, or (a CA not trusted) a
    # certificate key failing with no reason at all
    "certificate-invalid": [r"Certificate invalid", r"Failed publickey for .* [A-Z0-9]+-CERT "],
    "nologin": [r"not allowed because /\S+ exists"],
    "negotiation-failed": [r"Unable to negotiate with "],
    # Debian 12's CVE-2024-6387 fix (#if 0 in sshsigdie) removed the
    # "Timeout before authentication" line: the evidence is a connection
    # with no terminal line at all (checked in main()).
    "login-grace-timeout": [r"Timeout before authentication|Connection from "],
    "too-many-auth-failures": [r"maximum authentication attempts exceeded"],
    "wrong-password": [r"Failed password for "],
    "pam-account-denied": [r"Access denied for user \S+ by PAM account configuration"],
    "insufficient-logging": [r"."],
}

TRAD = re.compile(r"^(\w{3} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)$")
RFC = re.compile(r"^(\S+) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)$")


def load(path, rx):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            m = rx.match(raw)
            if m:
                out.append((m.group(3), m.group(4), m.group(5), raw))
            else:
                out.append((None, None, raw, raw))
    return out


TERMINAL = re.compile(r"Connection closed by|Disconnect|fatal:|Unable to negotiate|"
                      r"Accepted |Failed |do_cleanup|Timeout before")


def attempt_lines(lines, port, user=None, nth=0):
    """Lines of one attempt: by port, else (user given) the nth group of
    sshd PIDs whose lines name the user (lines without a port: PAM account
    refusals at INFO)."""
    pat = re.compile(r"\bport %s\b" % port)
    pids = {pid for prog, pid, msg, _ in lines if pid and pat.search(msg)}
    if not pids and user:
        upat = re.compile(r"\b%s\b" % re.escape(user))
        order = []
        for prog, pid, msg, _ in lines:
            if pid and upat.search(msg) and pid not in order:
                order.append(pid)
        if nth < len(order):
            pids = {order[nth]}
    for prog, pid, msg, _ in lines:
        if pid in pids:
            m = re.search(r"User child is on pid (\d+)", msg)
            if m:
                pids.add(m.group(1))
    # 9.8+: the listener names the connection by "pid = N" (LoginGraceTime)
    lpid = re.compile(r"\bpid = (\d+)\b")

    def named(msg):
        m = lpid.search(msg)
        return m is not None and m.group(1) in pids
    return [raw for prog, pid, msg, raw in lines if pid in pids or named(msg)], bool(pids)


def main():
    logdir, labels = sys.argv[1], sys.argv[2]
    brief = "--brief" in sys.argv
    trad = {lv: load("%s/%s.log" % (logdir, fn), TRAD) for lv, fn in LEVEL_FILE.items()}
    rfc = {lv: load("%s/%s-rfc3339.log" % (logdir, fn), RFC) for lv, fn in LEVEL_FILE.items()}
    bad = 0
    counts = defaultdict(int)
    with open(labels) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, l.rstrip("\n").split("\t"))) for l in f if l.strip()]
    for r in rows:
        lv, port, lab = r["loglevel"], r["port"], r["expected_cause"]
        nth = int(r["round"]) - 1
        got, found = attempt_lines(trad[lv], port)
        rgot, found_rfc = attempt_lines(rfc[lv], port)
        print("=== round %s %s %s %s port %s exit %s -> %s" % (
            r["round"], r["scenario"], r["user"], lv, port, r["client_exit"], lab))
        if found != found_rfc or len(got) != len(rgot):
            print("MISSING port %s: traditional and RFC 3339 files differ (%s %s)" % (
                port, r["scenario"], r["round"]))
            bad += 1
        if not found:
            got, _ = attempt_lines(trad[lv], port, r["user"], nth)
            if lab == "login-grace-timeout":
                # 9.8+ at INFO: only the listener's line, naming a pid
                # that logged nothing else; the nth one of this level
                tl = [raw for _, _, msg, raw in trad[lv]
                      if msg.startswith("Timeout before authentication")]
                got += tl[nth:nth + 1]
            print("NOPORT sshd logged no line with port %s at %s (%s); %d line(s) found by user name" % (
                port, lv, r["scenario"], len(got)))
        for other in LEVEL_FILE:
            if other != lv and attempt_lines(trad[other], port)[1]:
                print("LEAK port %s (%s) also in %s" % (port, lv, other))
                bad += 1
        if lab == "nologin":
            # UsePAM no: the session child refuses under its own pid,
            # which no line links to the attempt; the nth such line
            ul = [raw for _, _, msg, raw in trad[lv]
                  if msg.startswith("User %s not allowed because /" % r["user"])]
            got += ul[nth:nth + 1]
        pats = EVIDENCE.get(lab)
        if pats is None:
            print("MISMATCH unknown label %r for %s %s r%s" % (lab, r["scenario"], lv, r["round"]))
            bad += 1
        elif lab == "login-grace-timeout" and any(TERMINAL.search(l) for l in got) \
                and not any("Timeout before" in l for l in got):
            print("MISMATCH %s %s r%s: connection has a terminal line" % (r["scenario"], lv, r["round"]))
            bad += 1
        elif lab == "insufficient-logging" and not got:
            print("NOLINES %s %s r%s: nothing at all was logged for this attempt" % (
                r["scenario"], lv, r["round"]))
        elif not any(re.search(p, l) for p in pats for l in got):
            print("MISMATCH %s %s r%s: no line supports %r" % (r["scenario"], lv, r["round"], lab))
            bad += 1
        counts[lab] += 1
        if not brief:
            for l in got:
                print("   " + l)
    print("SUMMARY attempts=%d problems=%d labels=%s" % (
        len(rows), bad, ",".join("%s:%d" % kv for kv in sorted(counts.items()))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
