#!/usr/bin/env bash
# Golden end-to-end test of the sshwhy binary.
#   run.sh SSHWHY CASEDIR           compare
#   run.sh --update SSHWHY CASEDIR  rewrite the expected files
# CASEDIR holds `args` (one argument per line; @SRC@ is the source tree),
# optionally `stdin`, and expected.out, expected.err, expected.rc. The run
# uses TZ=UTC and the case directory as working directory, so paths in the
# output are the relative paths written in `args`.
set -u
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
bin=$(realpath "$1"); case=$(realpath "$2")
src=$(realpath "$(dirname "$0")/../..")
args=()
while IFS= read -r a || [ -n "$a" ]; do
  [ -z "$a" ] && continue
  args+=("${a//@SRC@/$src}")
done < "$case/args"
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
cd "$src"
if [ -f "$case/stdin" ]; then
  TZ=UTC SSHWHY_RULES="$src/rules" "$bin" "${args[@]}" < "$case/stdin" > "$out" 2> "$err"
else
  TZ=UTC SSHWHY_RULES="$src/rules" "$bin" "${args[@]}" < /dev/null > "$out" 2> "$err"
fi
rc=$?
# Live check: JSON and NDJSON output parses and has the keys docs/cli.md
# documents (tests/check-json.py), whatever expected.out says.
fmt=
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --format|-f) fmt=${args[i+1]:-} ;;
    --format=*) fmt=${args[i]#--format=} ;;
    -f?*) fmt=${args[i]#-f} ;;
  esac
done
json_ok=1
case $fmt in
  json|ndjson)
    if ! python3 "$src/tests/check-json.py" "$src/docs/cli.md" --live "$fmt" "$out"; then
      echo "live $fmt output of $(basename "$case") does not match docs/cli.md"; json_ok=0
    fi ;;
esac
if [ "$update" = 1 ]; then
  cp "$out" "$case/expected.out"; cp "$err" "$case/expected.err"; echo "$rc" > "$case/expected.rc"
  echo "updated $(basename "$case")"; [ "$json_ok" = 1 ] || exit 1; exit 0
fi
fail=0
[ "$json_ok" = 1 ] || fail=1
if ! diff -u "$case/expected.out" "$out"; then echo "stdout differs"; fail=1; fi
if ! diff -u "$case/expected.err" "$err"; then echo "stderr differs"; fail=1; fi
if [ "$(cat "$case/expected.rc")" != "$rc" ]; then echo "exit status $rc, expected $(cat "$case/expected.rc")"; fail=1; fi
[ "$fail" = 0 ] && echo "golden $(basename "$case"): ok"
exit "$fail"
