#!/usr/bin/env bash
# Every option --help lists (the option table is the single source) must be
# documented in docs/cli.md, and every option docs/cli.md documents must
# exist. The README's first command must name a sample that exists.
set -eu
bin=$1; src=$2
bad=0
help=$("$bin" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$' | sort -u)
[ -n "$help" ] || { echo "--help lists no options"; exit 1; }
# Every short option --help shows must be documented next to its long one.
shorts=$("$bin" --help | grep -oE '^ +-[a-zA-Z], --[a-z-]+' | sed 's/^ *//')
while IFS= read -r pair; do
  [ -z "$pair" ] && continue
  s=${pair%%,*}; l=${pair##* }
  grep -qE -- "^\| \`$s[ \`].*\`$l|^\| \`$l.*\`$s\`" "$src/docs/cli.md" ||
    { echo "docs/cli.md does not document $s with $l"; bad=1; }
done <<< "$shorts"
docs=$(grep -oE '^\| `(-[a-zA-Z][ ,`]+)?--[a-z-]+' "$src/docs/cli.md" | grep -oE -- '--[a-z-]+$' | sort -u)
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
