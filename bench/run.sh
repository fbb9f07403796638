#!/usr/bin/env bash
# Speed and memory of sshwhy against named peers on the same files:
#   fail2ban-regex with fail2ban's own sshd filter (Python, regex per line),
#   sshguard's sshg-parser (C, flex/bison grammar; its attack parser only),
#   wc -l (a floor: reading the file once).
# usage: bench/run.sh [LINES]   (root; installs fail2ban, sshguard, hyperfine
#        without starting their services; results in bench/results.md)
set -eu
cd "$(dirname "$0")/.."
lines=${1:-1000000}
# Inputs are regenerated when the generator changes: delete $work to force it.
work=/tmp/sshwhy-bench
mkdir -p "$work"
need=()
for p in fail2ban sshguard hyperfine time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  # Install the peers as programs only: no service may start.
  saved=""
  [ -e /usr/sbin/policy-rc.d ] && saved=$(mktemp) && cp -p /usr/sbin/policy-rc.d "$saved"
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ -n "$saved" ]; then mv "$saved" /usr/sbin/policy-rc.d; else rm -f /usr/sbin/policy-rc.d; fi
fi
[ -x build/sshwhy ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build build -j"$(nproc)" >/dev/null; }
in=$work/auth-$lines.log
[ -f "$in" ] || python3 bench/gen-input.py "$lines" "$in"
in4=$work/auth-$((lines * 4)).log
[ -f "$in4" ] || python3 bench/gen-input.py $((lines * 4)) "$in4"
parser=$(ls /usr/libexec/sshguard/sshg-parser 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/sshg-parser)
export TZ=UTC
sshwhy="build/sshwhy --rules rules --year 2026 --format ndjson"
hyperfine -i --warmup 1 --runs 5 --export-markdown "$work/speed.md" \
  -n sshwhy "$sshwhy $in > /dev/null" \
  -n fail2ban-regex "fail2ban-regex $in /etc/fail2ban/filter.d/sshd.conf > /dev/null" \
  -n sshg-parser "$parser < $in > /dev/null" \
  -n 'wc -l' "wc -l < $in"
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }
m1=$(rss build/sshwhy --rules rules --year 2026 --format ndjson "$in")
m4=$(rss build/sshwhy --rules rules --year 2026 --format ndjson "$in4")
f1=$(build/sshwhy --rules rules --year 2026 --format ndjson "$in" | wc -l)
{
  echo "# Benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $lines lines, $(du -h "$in" | cut -f1))"
  echo
  echo "Input: \`bench/gen-input.py $lines\` (the lab's real lines, repeated with shifted pids and clock)."
  echo "sshwhy reported $f1 failed logins."
  echo
  cat "$work/speed.md"
  echo
  echo "| sshwhy peak RSS | $lines lines | $((lines * 4)) lines |"
  echo "|---|---:|---:|"
  echo "| KiB | $m1 | $m4 |"
} > bench/results.md
cat bench/results.md
