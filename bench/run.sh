#!/usr/bin/env bash
# One command: builds the inputs and prints one table of sshwhy and its
# peers on them, all in this run (issue 9; docs/performance.md):
#   sshg-parser      sshguard's attack parser (C, flex/bison; per line)
#   fail2ban-regex   fail2ban's sshd filter (Python, regexes per line)
#   logwatch         --service sshd (Perl, the daily report)
#   grep -c sshd     a floor: reading the text once
#   zcat, zstd -dc   a floor for compressed input: decompressing alone
# Wall and CPU seconds (user + system) and peak RSS come from GNU time.
#
# usage: bench/run.sh [LINES]    (default 5000000; root: installs sshguard,
#        fail2ban, logwatch and time with apt, starting no service)
# Inputs go to $SSHWHY_BENCH_DIR (default /tmp/sshwhy-bench) and are reused
# while they exist: delete the directory after changing bench/gen-input.py.
set -eu
cd "$(dirname "$0")/.."
lines=${1:-5000000}
work=${SSHWHY_BENCH_DIR:-/tmp/sshwhy-bench}
mkdir -p "$work"

need=()
for p in fail2ban sshguard logwatch time zstd; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  # Programs only: no service may start (policy-rc.d), and an existing
  # policy-rc.d is put back as it was.
  saved=""
  if [ -e /usr/sbin/policy-rc.d ]; then saved=$(mktemp); cp -p /usr/sbin/policy-rc.d "$saved"; fi
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ -n "$saved" ]; then mv "$saved" /usr/sbin/policy-rc.d; else rm -f /usr/sbin/policy-rc.d; fi
fi
[ -x build/sshwhy ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; cmake --build build -j"$(nproc)" >/dev/null; }
parser=$(ls /usr/libexec/sshguard/sshg-parser /usr/lib/x86_64-linux-gnu/sshg-parser 2>/dev/null | head -n 1)

# Inputs.
plain=$work/auth-$lines.log
[ -f "$plain" ] || python3 bench/gen-input.py "$lines" "$plain"
[ -f "$plain.gz" ] || gzip -6 -c "$plain" > "$plain.gz"
[ -f "$plain.zst" ] || zstd -q -3 -c "$plain" > "$plain.zst"
jlines=$(( lines < 1000000 ? lines : 1000000 ))
export_in=$work/export-$jlines.txt
[ -f "$export_in" ] || python3 bench/gen-input.py --export "$jlines" "$export_in"
repeat=$work/repeat-200.log
[ -f "$repeat" ] || python3 tests/stress/gen.py repeat 200 > "$repeat"
mkdir -p "$work/logwatch"
ln -sf "$plain" "$work/logwatch/auth.log"

export TZ=UTC LC_ALL=C
sshwhy="build/sshwhy --rules rules --year 2026"
table=$work/table.tsv
: > "$table"
# run NAME INPUT_LABEL COMMAND...: stdout to /dev/null, one row.
run() {
  local name=$1 label=$2; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$@" > /dev/null 2> "$work/stderr.out" || true
  read -r wall user sys rss < <(tail -n 1 "$work/time.out")
  printf '%s\t%s\t%s\t%.2f\t%.1f\n' "$name" "$label" "$wall" "$(echo "$user + $sys" | bc)" \
    "$(echo "scale=1; $rss / 1024" | bc)" >> "$table"
  printf '%-28s %-22s wall %7s s\n' "$name" "$label" "$wall" >&2
}
P=$(basename "$plain")
run "sshwhy" "$P" $sshwhy "$plain"
run "sshwhy --format ndjson" "$P" $sshwhy --format ndjson "$plain"
run "sshg-parser" "$P" sh -c "exec $parser < '$plain'"
run "fail2ban-regex sshd" "$P" fail2ban-regex "$plain" /etc/fail2ban/filter.d/sshd.conf
# --numeric: no reverse DNS per address (without it the run measures the
# resolver's timeouts, not the parser).
run "logwatch --service sshd" "$P" logwatch --service sshd --range All --detail High --numeric \
  --logdir "$work/logwatch" --output stdout
# Through a pipe: GNU grep stops at the first match when its output is
# /dev/null.
run "grep -c sshd" "$P" sh -c "grep -c sshd '$plain' | cat"
run "zcat" "$P.gz" zcat "$plain.gz"
run "sshwhy" "$P.gz" $sshwhy "$plain.gz"
run "zstd -dc" "$P.zst" zstd -dc "$plain.zst"
run "sshwhy" "$P.zst" $sshwhy "$plain.zst"
run "sshwhy" "$(basename "$export_in") (export)" $sshwhy "$export_in"
run "sshwhy" "repeat-200.log" $sshwhy "$repeat"
# Several files (two hosts' logs, halves of the plain file), and the same
# runs on one thread: the output must be identical, the CPU/wall ratio
# says how many cores were busy.
half_a=$work/half-a-$lines.log half_b=$work/half-b-$lines.log
if [ ! -f "$half_b" ]; then
  n=$(( lines / 2 ))
  head -n "$n" "$plain" > "$half_a"
  tail -n +"$(( n + 1 ))" "$plain" | sed 's/ ip-172-31-27-153 / ip-172-31-27-154 /' > "$half_b"
fi
HA=$(basename "$half_a")+$(basename "$half_b")
identical=n/a
if build/sshwhy --help 2>&1 | grep -q -- '--threads'; then
  run "sshwhy --threads 1" "$P" $sshwhy --threads 1 "$plain"
  run "sshwhy" "$HA" $sshwhy "$half_a" "$half_b"
  run "sshwhy --threads 1" "$HA" $sshwhy --threads 1 "$half_a" "$half_b"
  identical=yes
  for args in "$plain" "$half_a $half_b" "$plain.gz" "--format ndjson $half_a $half_b"; do
    # shellcheck disable=SC2086
    a=$($sshwhy --threads 1 $args 2>&1 | md5sum)
    # shellcheck disable=SC2086
    b=$($sshwhy $args 2>&1 | md5sum)
    [ "$a" = "$b" ] || identical="NO ($args)"
  done
fi

# The table, with ratios against sshwhy's own row on the same input.
row() { awk -F'\t' -v n="$1" -v i="$2" '$1 == n && $2 == i { print $'"$3"' }' "$table"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
{
  echo "## Benchmark: $lines lines ($(du -h "$plain" | cut -f1)), $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo
  echo "Command: \`bench/run.sh $lines\`. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| program | input | wall s | CPU s | CPU/wall | peak RSS MiB |"
  echo "|---|---|---:|---:|---:|---:|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %.2f | %s |\n", $1, $2, $3, $4, ($3 > 0 ? $4 / $3 : 0), $5 }' "$table"
  echo
  sw=$(row sshwhy "$P" 4); sww=$(row sshwhy "$P" 3)
  echo "| ratio | wall | CPU |"
  echo "|---|---:|---:|"
  echo "| sshg-parser / sshwhy (goal >= 10) | $(ratio "$(row sshg-parser "$P" 3)" "$sww") | $(ratio "$(row sshg-parser "$P" 4)" "$sw") |"
  echo "| fail2ban-regex / sshwhy | $(ratio "$(row 'fail2ban-regex sshd' "$P" 3)" "$sww") | $(ratio "$(row 'fail2ban-regex sshd' "$P" 4)" "$sw") |"
  echo "| logwatch / sshwhy | $(ratio "$(row 'logwatch --service sshd' "$P" 3)" "$sww") | $(ratio "$(row 'logwatch --service sshd' "$P" 4)" "$sw") |"
  echo "| sshwhy .gz / zcat (goal <= 1.3) | $(ratio "$(row sshwhy "$P.gz" 3)" "$(row zcat "$P.gz" 3)") | $(ratio "$(row sshwhy "$P.gz" 4)" "$(row zcat "$P.gz" 4)") |"
  echo "| sshwhy .zst / zstd -dc (goal <= 1.3) | $(ratio "$(row sshwhy "$P.zst" 3)" "$(row 'zstd -dc' "$P.zst" 3)") | $(ratio "$(row sshwhy "$P.zst" 4)" "$(row 'zstd -dc' "$P.zst" 4)") |"
  if [ -n "$(row 'sshwhy --threads 1' "$P" 3)" ]; then
    echo "| sshwhy --threads 1 / sshwhy (both cores) | $(ratio "$(row 'sshwhy --threads 1' "$P" 3)" "$sww") | $(ratio "$(row 'sshwhy --threads 1' "$P" 4)" "$sw") |"
    echo "| the same, two files | $(ratio "$(row 'sshwhy --threads 1' "$HA" 3)" "$(row sshwhy "$HA" 3)") | $(ratio "$(row 'sshwhy --threads 1' "$HA" 4)" "$(row sshwhy "$HA" 4)") |"
  fi
  gzx=$(awk -v a="$(row sshwhy "$P.gz" 3)" -v b="$sww" 'BEGIN { printf "%.2f", (a > b ? a - b : 0) }')
  zsx=$(awk -v a="$(row sshwhy "$P.zst" 3)" -v b="$sww" 'BEGIN { printf "%.2f", (a > b ? a - b : 0) }')
  echo "| wall sshwhy adds for .gz over plain / zcat | $(ratio "$gzx" "$(row zcat "$P.gz" 3)") | |"
  echo "| wall sshwhy adds for .zst over plain / zstd -dc | $(ratio "$zsx" "$(row 'zstd -dc' "$P.zst" 3)") | |"
  echo
  echo "Output of the default run identical to \`--threads 1\` (plain, two files, .gz, NDJSON; stdout and stderr): $identical."
} > bench/results.md
cat bench/results.md
