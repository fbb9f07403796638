#!/usr/bin/env bash
# Functions the house style bans on untrusted bytes (STYLE.md point 8).
set -eu
dir=${1:-analyzer}
if grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\(' \
    --include='*.c' --include='*.h' "$dir" tests/fuzz 2>/dev/null; then
  echo "banned function used (see above)"
  exit 1
fi
echo "banned functions: none in $dir"
