#!/usr/bin/env bash
# Regenerates every golden case after a deliberate change: review the diff!
set -eu
src=$(realpath "$(dirname "$0")/../..")
bin=${1:-$src/build/sshwhy}
for c in "$src"/tests/golden/*/; do "$src/tests/golden/run.sh" --update "$bin" "$c"; done
