#!/usr/bin/env bash
# Functions the house style bans on untrusted bytes (STYLE.md point 8).
# usage: check-banned.sh DIR...   (absolute paths: CTest runs this from
# build/tests, so a relative path would name nothing)
# grep exits 0 on a match, 1 on none and 2 on an error (a missing
# directory): only 1 passes, so a wrong path cannot turn into "none".
set -u
[ "$#" -ge 1 ] || { echo "usage: check-banned.sh DIR..." >&2; exit 2; }
for d in "$@"; do
  if [ ! -d "$d" ]; then echo "check-banned: $d: no such directory" >&2; exit 2; fi
done
nfiles=$(find "$@" -name '*.[ch]' -type f | wc -l)
if [ "$nfiles" -eq 0 ]; then echo "check-banned: no C files under $*" >&2; exit 2; fi
grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\(' \
    --include='*.c' --include='*.h' "$@"
status=$?
case $status in
  0) echo "banned function used (see above)"; exit 1 ;;
  1) echo "banned functions: none in $nfiles C files under $*"; exit 0 ;;
  *) echo "check-banned: grep failed (status $status)" >&2; exit 2 ;;
esac
