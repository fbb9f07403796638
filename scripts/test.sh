#!/usr/bin/env bash
# Sets up, builds and runs every test: a normal build and an ASan+UBSan
# build, each running the whole CTest suite. With CI=true warnings are
# errors. Extra arguments go to ctest (e.g. -L golden).
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
jobs=$(nproc 2>/dev/null || echo 2)
# Lists the optional tests that were skipped, with the reason each gives
# (tests/skip-policy.sh; with CI=true any other skip already failed).
skips() {
  local log="$1/Testing/Temporary/LastTest.log"
  if [ -f "$log" ] && grep -q '^OPTIONAL SKIP ' "$log"; then
    echo "Optional tests skipped in $1:"
    grep -h '^OPTIONAL SKIP ' "$log" | sed 's/^OPTIONAL SKIP /  /'
  fi
}
cmake -S . -B build -DSW_WERROR=$werror >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs" "$@")
skips build
cmake -S . -B build-asan -DSW_SANITIZE=ON -DSW_WERROR=$werror -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
# The live lab ran once above; the sanitizer build runs everything else.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" -LE '^lab$' "$@")
skips build-asan
