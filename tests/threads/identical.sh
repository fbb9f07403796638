#!/usr/bin/env bash
# --threads (issue 9, deliverable 5): the report on stdout, the messages on
# stderr and the exit status are those of --threads 1, byte for byte, for
# every golden case and for inputs made of several streams, compressed
# files, a journal export, a directory, a rotated set, stdin and inputs of
# many batches, in every format. And the threads are really used: the run
# says how many reading threads it started (SSHWHY_DEBUG_THREADS).
#   identical.sh SSHWHY SRC
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
unset LANGUAGE LC_ALL LC_MESSAGES SSHWHY_DEBUG_THREADS
export LANG=C.UTF-8 TZ=UTC SSHWHY_RULES="$src/rules"
cd "$src"
fail=0 runs=0

# run NAME STDIN ARGS...: compares --threads 1 with each of $counts.
counts="2 4"
run() {
  local name=$1 in=$2 t rc1 rc; shift 2
  "$bin" --threads 1 "$@" < "$in" > "$tmp/o1" 2> "$tmp/e1"; rc1=$?
  for t in $counts; do
    "$bin" --threads $t "$@" < "$in" > "$tmp/o$t" 2> "$tmp/e$t"; rc=$?
    runs=$((runs + 1))
    if ! cmp -s "$tmp/o1" "$tmp/o$t"; then
      echo "FAIL $name --threads $t: stdout differs"; diff "$tmp/o1" "$tmp/o$t" | head -5; fail=1
    fi
    if ! cmp -s "$tmp/e1" "$tmp/e$t"; then
      echo "FAIL $name --threads $t: stderr differs"; diff "$tmp/e1" "$tmp/e$t" | head -5; fail=1
    fi
    [ "$rc1" = "$rc" ] || { echo "FAIL $name --threads $t: exit $rc, not $rc1"; fail=1; }
  done
}

# 1. Every golden case that analyses logs (not `explain`, `rules`, --state):
# most are one stream, so one count with a thread for each stream.
counts=4
for case in "$src"/tests/golden/*/; do
  name=$(basename "$case")
  args=()
  while IFS= read -r a || [ -n "$a" ]; do
    [ -z "$a" ] && continue
    args+=("${a//@SRC@/$src}")
  done < "$case/args"
  case ${args[0]:-} in explain|rules) continue ;; esac
  printf '%s\n' "${args[@]}" | grep -qx -- '--state' && continue
  in=/dev/null; [ -f "$case/stdin" ] && in=$case/stdin
  (
    if [ -f "$case/env" ]; then
      while IFS= read -r kv || [ -n "$kv" ]; do [ -n "$kv" ] && export "${kv?}"; done < "$case/env"
    fi
    run "golden/$name" "$in" "${args[@]}"
    exit $fail
  ) || fail=1
  runs=$((runs + 1))
done
counts="2 4"

# 2. Inputs of several streams and of many batches, in every format.
gzip -c samples/lab/verbose.log > "$tmp/verbose.log.gz"
zstd -q -c samples/lab/debug.log > "$tmp/debug.log.zst"
# Many batches (512 records each) and time going back at each repeat.
for i in $(seq 1 40); do cat samples/lab/debug.log samples/constructed/bruteforce.log; done > "$tmp/big.log"
# Bad lines spread over batches in two streams: their messages must come
# out in place, between each other and the main thread's own warnings.
awk '{ print } NR % 997 == 0 { print "~~ broken " NR }' "$tmp/big.log" > "$tmp/bad.log"
for i in $(seq 1 40); do cat samples/lab/verbose.log samples/constructed/drops.log; done |
  awk '{ print } NR % 1499 == 0 { print "~~ broken " NR }' > "$tmp/bad2.log"
# Three logs of one line a second at the same times (the merge alternates
# them) with bad lines one record apart: with --threads 2 the third is read
# inline, so a message replayed one record early or late is out of order.
near() {
  awk -v m="$1" -v name="$2" 'BEGIN { for (i = 0; i < 3000; i++) {
      printf "Nov 25 %02d:%02d:%02d vps sshd[%d]: Connection closed by 203.0.113.%d port %d [preauth]\n",
        10 + int(i / 3600), int(i / 60) % 60, i % 60, 1000 + i, i % 200, 40000 + i
      if (i % 300 == m) print "~~ " name " " i } }'
}
near 1 A > "$tmp/nearA.log"; near 150 B > "$tmp/nearB.log"; near 0 C > "$tmp/nearC.log"
# A line much longer than a batch's arena (128 KiB).
{ head -50 samples/lab/info.log
  printf 'Nov 25 10:00:09 vps sshd[4242]: Invalid user %s from 203.0.113.9 port 22\n' "$(head -c 400000 /dev/zero | tr '\0' a)"
  tail -n +51 samples/lab/info.log; } > "$tmp/long.log"
inputs=(
  "samples"
  "samples/lab/info.log samples/lab/verbose-rfc3339.log samples/journal/export.zst"
  "$tmp/verbose.log.gz $tmp/debug.log.zst samples/broken/info-truncated.log.gz"
  "tests/data/input/rotated"
  "samples/journal/dir samples/journal/bundle.tar.gz samples/journal/json.log"
  "samples/client/mixed samples/lab/debug.log"
  "samples/broken/garbage-lines.log samples/hostile/cutlines.log samples/hostile/nul-head-auth.log"
  "$tmp/big.log"
  "$tmp/bad.log $tmp/big.log samples/cases/wrong-password.log"
  "--max-connections 20 $tmp/bad.log $tmp/bad2.log samples/broken/garbage-lines.log"
  "$tmp/nearA.log $tmp/nearB.log $tmp/nearC.log"
  "--max-line 1000000 $tmp/long.log samples/lab/debug.log"
)
formats=("" "--format json" "--format ndjson" "--format markdown" "--format html" "--timeline" "--summary" "--all --unmatched")
for inp in "${inputs[@]}"; do
  for f in "${formats[@]}"; do
    # shellcheck disable=SC2086
    run "[$inp] $f" /dev/null --year 2026 $f $inp
  done
done
# stdin, alone and beside a file.
run "stdin" samples/lab/verbose.log --year 2026 -
run "stdin+file" "$tmp/big.log" --year 2026 --format ndjson - samples/lab/info.log

# 3. The threads are used: one per input stream, at most --threads.
threads() {
  SSHWHY_DEBUG_THREADS=1 "$bin" "$@" 2>&1 >/dev/null </dev/null |
    sed -n 's/^sshwhy: debug: \([0-9]*\) reading threads$/\1/p'
}
check() {
  local want=$1 got; shift
  got=$(threads "$@")
  [ "$got" = "$want" ] || { echo "FAIL reading threads for $*: '$got', expected $want"; fail=1; }
}
check 0 --year 2026 --threads 1 samples/lab/info.log
check 1 --year 2026 --threads 2 samples/lab/info.log
check 1 --year 2026 --threads 4 "$tmp/verbose.log.gz"
check 3 --year 2026 --threads 4 samples/lab/info.log "$tmp/big.log" samples/journal/export.zst
check 2 --year 2026 --threads 2 samples/lab/info.log "$tmp/big.log" samples/journal/export.zst
check 0 --year 2026 --threads 4 --state "$tmp/state" samples/lab/info.log "$tmp/big.log"

[ "$fail" = 0 ] && echo "threads: $runs runs identical to --threads 1"
exit "$fail"
