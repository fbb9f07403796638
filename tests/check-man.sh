#!/usr/bin/env bash
# docs/sshwhy.1: generated from docs/sshwhy.1.in and docs/cli.md (up to
# date), lists every option --help lists (the option table), renders
# without groff warnings, and every example ("$ " lines in .EX blocks) runs:
# /var/log/ and journalctl are replaced by samples in a scratch directory,
# and each example must exit 0 or 1 and write a report.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
man=$src/docs/sshwhy.1
fail=0
python3 "$src/scripts/gen-man.py" --src "$src" --check || fail=1

for o in $("$bin" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$'); do
  esc=${o//-/\\\\-}
  grep -A1 '^\.TP' "$man" | grep -q "^\\\\fB$esc\\\\fR\|, \\\\fB$esc\\\\fR" ||
    { echo "docs/sshwhy.1 does not document $o"; fail=1; }
done

warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man" 2>&1 >/dev/null)
[ -z "$warn" ] || { echo "man warnings: $warn"; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/var/log" "$tmp/bin" "$tmp/rules.d" "$tmp/work"
cp "$src/samples/cases/vps-root-only-key-debug1.log" "$tmp/var/log/auth.log"
cp "$src/samples/cases/unknown-key.log" "$tmp/var/log/auth.log.1"
ln -s "$bin" "$tmp/bin/sshwhy"
printf '#!/bin/sh\nexec zstdcat %s\n' "$src/samples/journal/export.zst" > "$tmp/bin/journalctl"
chmod +x "$tmp/bin/journalctl"
n=0
while IFS= read -r ex; do
  cmd=${ex#\$ }
  cmd=${cmd//\\-/-}
  run=${cmd//\/var\/log\//$tmp/var/log/}
  n=$((n + 1))
  out=$(cd "$tmp/work" && PATH="$tmp/bin:$PATH" SSHWHY_RULES="$src/rules" \
        SSHWHY_RULES_D="$tmp/rules.d" TZ=UTC bash -c "$run" 2>"$tmp/err" </dev/null)
  rc=$?
  if [ $rc -gt 1 ]; then
    echo "example failed (status $rc): $cmd"; cat "$tmp/err"; fail=1
  elif [ -z "$out" ] && ! { [[ $run =~ -o\ ([^ ]+) ]] &&
      [ -s "$tmp/work/${BASH_REMATCH[1]}" -o -s "${BASH_REMATCH[1]}" ]; }; then
    echo "example wrote nothing: $cmd"; fail=1
  else
    echo "example ok: $cmd"
  fi
done < <(sed -n '/^\.EX$/,/^\.EE$/p' "$man" | grep '^\$ ')
[ $n -ge 9 ] || { echo "only $n examples found"; fail=1; }
exit $fail
