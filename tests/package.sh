#!/usr/bin/env bash
# The Debian package, end to end (CTest label `package`): builds
# sshwhy_*.deb with dpkg-buildpackage from a copy of the source tree (so
# the tree stays clean), requires lintian to report no errors, installs it
# with apt-get, runs the installed sshwhy from PATH without --rules (English,
# Japanese, a local rule in /etc/sshwhy/rules.d), checks `man sshwhy`, the
# completions and that the timer is installed but not enabled, and purges.
# Needs root and a machine where installing a package is acceptable (CI);
# exits 77 (skipped) otherwise.
set -u
src=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "package test: needs root (skipped)"; exit 77; }
for t in dpkg-buildpackage lintian apt-get man; do
  command -v $t >/dev/null || { echo "package test: no $t (skipped; scripts/setup.sh installs it)"; exit 77; }
done
if dpkg-query -W -f='${Status}' sshwhy 2>/dev/null | grep -q 'ok installed'; then
  echo "package test: an sshwhy package is already installed here; not touching it (skipped)"
  exit 77
fi
tmp=$(mktemp -d)
installed=0
cleanup() {
  [ $installed = 1 ] && apt-get purge -y -qq sshwhy >/dev/null 2>&1
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
fail=0
check() {	# check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

# A copy of the tracked and new files (not build trees, not ignored files).
mkdir "$tmp/sshwhy"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) |
    tar -xf - -C "$tmp/sshwhy"
else
  tar -C "$src" --exclude='./build*' --exclude='./obj-*' --exclude=./.git \
    -cf - . | tar -xf - -C "$tmp/sshwhy"
fi
if ! (cd "$tmp/sshwhy" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
  tail -40 "$tmp/build.log"; echo "FAIL: dpkg-buildpackage"; exit 1
fi
deb=$(ls "$tmp"/sshwhy_*_*.deb)
echo "ok: dpkg-buildpackage built $(basename "$deb")"
lint=$(lintian --fail-on error "$tmp"/sshwhy_*.changes 2>&1 | grep -v 'root privileges')
check "lintian reports no errors" test -z "$(grep '^E:' <<<"$lint")"
[ -n "$lint" ] && echo "$lint"

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$deb" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"; echo "FAIL: apt-get install"; exit 1
fi
installed=1
echo "ok: apt-get install ./$(basename "$deb")"
hash -r
unset SSHWHY_RULES SSHWHY_RULES_D LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8 TZ=UTC
check "sshwhy on PATH is the packaged /usr/bin/sshwhy" test "$(command -v sshwhy)" = /usr/bin/sshwhy
sample=$src/samples/cases/vps-root-only-key-debug1.log
out=$(cd / && sshwhy --year 2026 "$sample" 2>"$tmp/err"); rc=$?
check "the installed sshwhy analyses a sample without --rules" test $rc -eq 0
check "and names the cause from /usr/share/sshwhy/rules" grep -q 'authorized-keys-missing' <<<"$out"
check "rules test passes on the installed rules" sh -c 'cd / && sshwhy rules test >/dev/null'
out=$(cd / && LANG=ja_JP.UTF-8 sshwhy --year 2026 "$sample" 2>/dev/null)
check "LANG=ja_JP.UTF-8 gives the Japanese cause title" grep -q 'authorized_keys ファイルが存在しない' <<<"$out"
out=$(LANG=ja_JP.UTF-8 sshwhy --bogus 2>&1)
check "and Japanese messages from the installed catalog" grep -q "'sshwhy --help' を参照してください" <<<"$out"

# A local rule: an empty file disables the shipped one.
check "/etc/sshwhy/rules.d exists" test -d /etc/sshwhy/rules.d
: > /etc/sshwhy/rules.d/could-not-open-authorized-keys.yaml
out=$(cd / && sshwhy --year 2026 -f json "$sample" 2>/dev/null)
check "a local rule in /etc/sshwhy/rules.d overrides the shipped one" \
  bash -c '! grep -q authorized-keys-missing <<<"$1"' _ "$out"
out=$(sshwhy rules test)
check "rules test says where the local rule comes from" \
  grep -q 'disabled rule could-not-open-authorized-keys: /etc/sshwhy/rules.d/could-not-open-authorized-keys.yaml is empty' <<<"$out"
rm -f /etc/sshwhy/rules.d/could-not-open-authorized-keys.yaml

page=$(MANPAGER=cat MANWIDTH=80 man sshwhy 2>&1)
check "man sshwhy shows the manual" grep -q 'EXIT STATUS' <<<"$page"
check "the manual documents --lang" grep -q -- '--lang LANG' <<<"$page"
check "bash completion installed" test -f /usr/share/bash-completion/completions/sshwhy
check "zsh completion installed" test -f /usr/share/zsh/vendor-completions/_sshwhy
check "docs installed" test -e /usr/share/doc/sshwhy/cli.md.gz
check "service and timer installed" test -f /lib/systemd/system/sshwhy.service -a -f /lib/systemd/system/sshwhy.timer
check "the timer is not enabled" test ! -e /etc/systemd/system/timers.target.wants/sshwhy.timer
if command -v systemd-analyze >/dev/null; then
  v=$(systemd-analyze verify /lib/systemd/system/sshwhy.service /lib/systemd/system/sshwhy.timer 2>&1)
  check "systemd-analyze verify accepts the units" test -z "$v"
  [ -n "$v" ] && echo "$v"
fi
# Every option the service runs sshwhy with is one sshwhy has.
for o in $(grep '^ExecStart=' /lib/systemd/system/sshwhy.service | grep -oE -- ' --[a-z-]+'); do
  check "the service's option $o exists" grep -qE -- "^ +(-[a-zA-Z], )?$o( |\$)" <<<"$(sshwhy --help)"
done

apt-get purge -y -qq -o DPkg::Lock::Timeout=300 sshwhy >/dev/null 2>&1
installed=0
hash -r
check "purge removes the binary" test ! -e /usr/bin/sshwhy
check "purge removes /etc/sshwhy" test ! -e /etc/sshwhy
check "the source tree stays clean" test -z "$(cd "$src" && git status --porcelain --ignored debian 2>/dev/null | grep -v '^??')"
exit $fail
