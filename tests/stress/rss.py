#!/usr/bin/env python3
"""Peak memory of sshwhy on a stress input stays under a ceiling (issue 9).

usage: rss.py SSHWHY RULES KIND N MAX_MIB

Streams `gen.py KIND N` into `sshwhy --format ndjson -` and reads the
child's peak RSS (ru_maxrss from wait4, the same figure getrusage gives
for RUSAGE_CHILDREN). Fails when it is over MAX_MIB, or when sshwhy did
not run to the end (a report line per failed login is counted, so a run
that stopped early cannot pass). Not timed.
"""
import os
import subprocess
import sys

sshwhy, rules, kind, n, max_mib = sys.argv[1:6]
here = os.path.dirname(os.path.abspath(__file__))
gen = subprocess.Popen([sys.executable, os.path.join(here, "gen.py"), kind, n],
                       stdout=subprocess.PIPE)
count = subprocess.Popen(["wc", "-l"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child = subprocess.Popen([sshwhy, "--rules", rules, "--year", "2026", "--tz", "UTC",
                          "--format", "ndjson", "-"],
                         stdin=gen.stdout, stdout=count.stdin, stderr=subprocess.PIPE)
gen.stdout.close()
count.stdin.close()
err = child.stderr.read().decode("utf-8", "replace")
_, status, ru = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
lines = int(count.stdout.read())
count.wait()
gen.wait()
peak = ru.ru_maxrss / 1024.0     # KiB on Linux
print("%s %s: peak RSS %.1f MiB (ceiling %s MiB), %d findings, exit %d"
      % (kind, n, peak, max_mib, lines, child.returncode))
for l in err.splitlines()[:5]:
    print("  stderr: " + l)
if child.returncode not in (0, 1) or gen.returncode != 0:
    sys.exit("sshwhy or the generator failed")
if lines == 0:
    sys.exit("no findings: the input was not analysed")
if peak > float(max_mib):
    sys.exit("peak RSS over the ceiling")
