#!/usr/bin/env bash
# Runs one libFuzzer target for a while (docs/fuzzing.md).
#   scripts/fuzz.sh TARGET [SECONDS]      e.g. scripts/fuzz.sh pipeline 600
# Builds build-fuzz/ with clang and -DSW_FUZZ=ON if needed. The working
# corpus is build-fuzz/corpus/TARGET, seeded from tests/fuzz/corpus/TARGET
# (the committed seeds and past findings stay untouched); crashes, leaks and
# timeouts are written to build-fuzz/findings/TARGET/. The last lines of
# the log give the executions ("stat::number_of_executed_units").
# Runs under nice -n 19 with one worker: the machine is shared. Fork mode
# with -ignore_crashes keeps fuzzing for the whole time after a finding.
set -eu
cd "$(dirname "$0")/.."
t=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
secs=${2:-600}
[ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target tests/fuzz/fuzz_$t.c" >&2; exit 2; }
if [ ! -x "build-fuzz/tests/fuzz_$t" ]; then
  cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSW_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice -n 19 cmake --build build-fuzz -j2 --target "fuzz_$t"
fi
case $t in
  format|input|pipeline) dict=tests/fuzz/dict/sshd.dict ;;
  journal_export|journal_json) dict=tests/fuzz/dict/journal.dict ;;
  rules) dict=tests/fuzz/dict/rules.dict ;;
  keys) dict=tests/fuzz/dict/keys.dict ;;
  *) dict= ;;
esac
work=build-fuzz/corpus/$t; found=build-fuzz/findings/$t; tmp=build-fuzz/tmp/$t
mkdir -p "$work" "$found" "$tmp"
cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
export SSHWHY_RULES=$PWD/rules TMPDIR=$PWD/$tmp
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec nice -n 19 "build-fuzz/tests/fuzz_$t" "$work" \
  ${dict:+-dict=$dict} -max_total_time="$secs" -max_len=8192 -timeout=30 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$found/" \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
