#!/usr/bin/env bash
# --threads under a race detector (issue 9): three inputs of several
# batches each (a plain file, a .gz, a zstd journal export) read by three
# threads, with messages recorded and replayed, under valgrind's helgrind,
# or under ThreadSanitizer when the binary was built with -DSW_TSAN=ON
# (then run directly: TSan reports and exits 66). Any report fails.
#   race.sh SSHWHY SRC [helgrind|tsan]
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); tool=${3:-helgrind}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C SSHWHY_RULES="$src/rules" SSHWHY_DEBUG_THREADS=1
cd "$src"
for i in 1 2 3; do cat samples/lab/verbose.log; echo "~~ broken $i"; done > "$tmp/a.log"
for i in 1 2 3; do cat samples/lab/debug.log; done | gzip -c > "$tmp/b.log.gz"
args=(--year 2026 --threads 3 --format ndjson "$tmp/a.log" "$tmp/b.log.gz" samples/journal/export.zst)
if [ "$tool" = tsan ]; then
  TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$bin" "${args[@]}" > "$tmp/out" 2> "$tmp/err"
else
  valgrind --tool=helgrind --error-exitcode=99 -q "$bin" "${args[@]}" > "$tmp/out" 2> "$tmp/err"
fi
rc=$?
# The run must have used the threads, and finished as without a detector.
"$bin" --threads 1 "${args[@]:0:2}" "${args[@]:4}" > "$tmp/out1" 2> /dev/null
if [ "$rc" -ge 64 ] || grep -qE '^==[0-9]+==|ThreadSanitizer' "$tmp/err"; then
  echo "FAIL: $tool reports (exit $rc):"; head -60 "$tmp/err"; exit 1
fi
grep -q '^sshwhy: debug: 3 reading threads$' "$tmp/err" ||
  { echo "FAIL: the run did not start 3 reading threads"; cat "$tmp/err"; exit 1; }
cmp -s "$tmp/out" "$tmp/out1" || { echo "FAIL: output differs from --threads 1"; exit 1; }
echo "$tool: no reports, 3 reading threads, output as --threads 1"
