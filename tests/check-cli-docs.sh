#!/usr/bin/env bash
# Every option --help lists (the option table is the single source) must be
# documented in docs/cli.md, and every option docs/cli.md documents must
# exist. The README's first command must name a sample that exists.
set -eu
bin=$1; src=$2
bad=0
help=$("$bin" --help | grep -oE '^  --[a-z-]+' | sed 's/^ *//' | sort -u)
docs=$(grep -oE '^\| `--[a-z-]+' "$src/docs/cli.md" | sed 's/^| `//' | sort -u)
for o in $help; do
  grep -q -- "\`$o" "$src/docs/cli.md" || { echo "docs/cli.md does not document $o"; bad=1; }
done
for o in $docs; do
  echo "$help" | grep -qx -- "$o" || { echo "docs/cli.md documents $o, which --help does not list"; bad=1; }
done
sample=$(grep -m1 -oE 'build/sshwhy [^ `]+' "$src/README.md" | awk '{print $2}')
[ -e "$src/$sample" ] || { echo "README sample $sample does not exist"; bad=1; }
[ $bad -eq 0 ] && echo "cli docs: $(echo "$help" | wc -l) options documented, README sample $sample exists"
exit $bad
