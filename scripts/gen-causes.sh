#!/usr/bin/env bash
# Regenerates docs/causes.md from rules/ (CTest fails when it is stale).
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/sshwhy}
"$bin" --rules rules explain > docs/causes.md
echo "docs/causes.md regenerated"
