"""Shared by the --state tests: running sshwhy, keys of failed logins."""
import json
import os
import subprocess
import sys

ENV = dict(os.environ, TZ="UTC")
# An sshd line an hour after the lab logs: the log moves on, so the
# connections still open at its end are finished (a real log always does).
FLUSH = ("Nov 25 03:30:00 lab sshd[99999]: Server listening on 0.0.0.0 "
         "port 22.\n")


def run(binary, args, check=True):
    p = subprocess.run([binary, *args], capture_output=True, env=ENV)
    if check and p.returncode not in (0, 4):
        sys.exit(f"sshwhy {' '.join(args)}: exit {p.returncode}\n"
                 f"{p.stderr.decode(errors='replace')}")
    return p


def findings(out):
    """ndjson lines -> objects; a line cut by a kill is left out."""
    res = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            res.append(json.loads(line))
        except ValueError:
            pass
    return res


def key(f):
    """What identifies one login: host, pid, start, user, port."""
    return (f.get("host"), f.get("pid"), f.get("time"), f.get("user"),
            f.get("source_port"), f.get("outcome", "failure"))


def failures(fs):
    """Failed logins with their cause: a connection cut in two by a run
    boundary would show up with another cause or twice."""
    return [key(f) + (f.get("cause"),) for f in fs
            if f.get("outcome") != "success"]
