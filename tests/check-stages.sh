#!/usr/bin/env bash
# Every analyzer/lib/sN_*.{c,h} may include project headers of stage N or
# lower only (docs/architecture.md). Prints each violation; fails on any.
set -eu
dir=${1:-analyzer}
bad=0
for f in "$dir"/lib/s[0-9]_*.[ch]; do
  base=$(basename "$f")
  own=${base:1:1}
  while IFS= read -r inc; do
    st=${inc:1:1}
    if [ "$st" -gt "$own" ]; then
      echo "$f: includes $inc from stage $st, later than its own stage $own"
      bad=1
    fi
  done < <(sed -n 's/^#include "\(s[0-9]_[^"]*\)".*/\1/p' "$f")
done
n=$(ls "$dir"/lib/s[0-9]_*.[ch] | wc -l)
[ "$bad" -eq 0 ] && echo "stage order: $n files checked, 0 violations"
exit "$bad"
