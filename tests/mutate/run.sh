#!/usr/bin/env bash
# Mutation run: breaks the analyzer on purpose, one change at a time, in a
# scratch copy of the tree, and records which tests catch each change.
#   tests/mutate/run.sh [ID...]        all mutations, or only these
# Not part of CTest (about a minute per mutation). Each row of
# mutations.tsv is: id, files (space-separated, relative to the tree),
# a sed script applied to each file (GNU sed, -e), and what it breaks.
# Files starting with @ are actions on the scratch corpus instead:
# @corpus-renamed (one suite's folder renamed), @corpus-missing (no corpus,
# CI=true). After each change: build, `ctest -LE lab`, restore.
# Results: $SW_MUTATE_DIR/results.md (default /tmp/sw-mutate), a Markdown
# table of docs/testing.md's shape, and failed-ID.txt with every failed test. A mutation whose sed script changes
# nothing is reported NOT APPLIED (the table is out of date), never as
# "uncaught".
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=${SW_MUTATE_DIR:-/tmp/sw-mutate}
corpus=${SW_CORPUS_DIR:-$src/../shared/corpus}
jobs=${SW_MUTATE_JOBS:-2}
case $work in /tmp/*) ;; *) echo "SW_MUTATE_DIR must be under /tmp" >&2; exit 2 ;; esac
rm -rf --one-file-system "$work"
mkdir -p "$work/tree" "$work/corpus" "$work/orig"
tar -C "$src" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -C "$work/tree" -xf -
# The corpus as symlinks, so that a suite can be renamed without touching it.
if [ -d "$corpus" ]; then
  for d in "$corpus"/*; do ln -s "$d" "$work/corpus/"; done
else
  echo "warning: no corpus at $corpus: the conformance tests will skip" >&2
fi
tree=$work/tree build=$work/build
cmake -S "$tree" -B "$build" -DSW_CORPUS_DIR="$work/corpus" >/dev/null || exit 2
cmake --build "$build" -j"$jobs" >/dev/null || { echo "baseline does not build" >&2; exit 2; }

# Runs ctest -LE lab; prints the failed test names, one per line.
failed_tests() {
  (cd "$build" && env "$@" ctest -LE lab -j"$jobs" --timeout 300 >"$work/ctest.log" 2>&1)
  sed -n '/The following tests FAILED:/,$p' "$work/ctest.log" |
    sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (.*$/\1/p'
}

echo "baseline: ctest -LE lab" >&2
base=$(failed_tests CI=)
if [ -n "$base" ]; then echo "baseline is not green:" >&2; echo "$base" >&2; exit 2; fi

out=$work/results.md
{
  echo "| mutation | what it breaks | caught by |"
  echo "|---|---|---|"
} > "$out"
uncaught=0
while IFS=$'\t' read -r id files script what <&3; do
  case $id in ''|'#'*) continue ;; esac
  if [ "$#" -gt 0 ]; then
    want=0; for a in "$@"; do [ "$a" = "$id" ] && want=1; done
    [ "$want" = 1 ] || continue
  fi
  echo "== $id: $what" >&2
  envs=(CI=)
  applied=1 built=1
  case $files in
    @corpus-renamed)
      mv "$work/corpus/sshguard" "$work/corpus/sshguard-renamed" ;;
    @corpus-missing)
      mv "$work/corpus" "$work/corpus.away"; envs=(CI=true) ;;
    *)
      for f in $files; do
        cp "$tree/$f" "$work/orig/$(echo "$f" | tr / _)"
        sed -i -e "$script" "$tree/$f"
        cmp -s "$tree/$f" "$work/orig/$(echo "$f" | tr / _)" && applied=0
      done ;;
  esac
  if [ "$applied" = 0 ]; then
    result="NOT APPLIED (the sed script no longer matches)"
  else
    if ! cmake --build "$build" -j"$jobs" >"$work/build.log" 2>&1; then
      built=0; result="build fails (compiler)"
    else
      fails=$(failed_tests "${envs[@]}")
      n=$(printf '%s\n' "$fails" | grep -c .)
      if [ "$n" -eq 0 ]; then
        result="**NOT CAUGHT**"; uncaught=$((uncaught + 1))
      else
        printf '%s\n' "$fails" > "$work/failed-$id.txt"
        if [ "$n" -le 8 ]; then
          list=$(printf '%s\n' "$fails" | sed 's/.*/`&`/' | paste -sd, - | sed 's/,/, /g')
          result="$list ($n)"
        else
          # Many: count them by kind (golden/..., unit/...), naming lone ones.
          list=$(printf '%s\n' "$fails" | awk -F/ '{n[$1]++; last[$1]=$0}
            END {for (k in n) print (n[k] == 1 ? "`" last[k] "`" : "`" k "/*` x" n[k])}' |
            sort | paste -sd, - | sed 's/,/, /g')
          result="$n tests: $list"
        fi
      fi
    fi
  fi
  echo "   -> $result" >&2
  printf '| `%s` | %s | %s |\n' "$id" "$what" "$result" >> "$out"
  # Restore.
  case $files in
    @corpus-renamed) mv "$work/corpus/sshguard-renamed" "$work/corpus/sshguard" ;;
    @corpus-missing) mv "$work/corpus.away" "$work/corpus" ;;
    *) for f in $files; do cp "$work/orig/$(echo "$f" | tr / _)" "$tree/$f"; done ;;
  esac
  [ "$built" = 1 ] || true
done 3< "$here/mutations.tsv"
cmake --build "$build" -j"$jobs" >/dev/null
cat "$out"
echo "uncaught: $uncaught" >&2
[ "$uncaught" -eq 0 ]
