#!/usr/bin/env bash
# completions/ are generated from `sshwhy --help` (the option table) and up
# to date; the bash completion completes options, --format values and
# subcommands; the zsh one parses.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/scripts/gen-completion.py" "$bin" --src "$src" --check || fail=1
if [ -f /usr/share/bash-completion/bash_completion ]; then
  res=$(cd "$tmp" && PATH="$(dirname "$bin"):$PATH" bash -c '
    . /usr/share/bash-completion/bash_completion
    . "$1"
    comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"
             COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _sshwhy sshwhy
             echo "$*=> ${COMPREPLY[*]}"; }
    comp sshwhy --for
    comp sshwhy -f ""
    comp sshwhy --lang ""
    comp sshwhy rul
    comp sshwhy rules ""
    comp sshwhy explain unknown-
  ' _ "$src/completions/sshwhy.bash" 2>&1)
  echo "$res"
  for want in "sshwhy --for=> --format" "sshwhy -f => text json ndjson ecs markdown html" \
      "sshwhy --lang => en ja" "sshwhy rul=> rules" "sshwhy rules => test" \
      "sshwhy explain unknown-=> unknown-key"; do
    grep -qxF -- "$want" <<<"$res" || { echo "bash completion: expected '$want'"; fail=1; }
  done
else
  echo "bash-completion not installed: functional check skipped"
fi
if command -v zsh >/dev/null; then
  zsh -n "$src/completions/_sshwhy" || { echo "zsh: _sshwhy does not parse"; fail=1; }
fi
exit $fail
