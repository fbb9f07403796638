#!/usr/bin/env bash
# docs/fleet.md's rsyslog example, run for real: a "host" rsyslogd tails
# sshwhy's ECS output with imfile and forwards it over TCP (omfwd) to a
# "central" rsyslogd (imtcp), which writes it with omfile. Every event must
# arrive byte for byte and parse as JSON, Japanese text and hostile user
# names included. Both daemons listen on 127.0.0.1 in a private network
# namespace (unshare -n) and are stopped by PID. Needs root and rsyslogd;
# exits 77 (skipped) without them.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
command -v rsyslogd >/dev/null || { echo "no rsyslogd (skipped; scripts/setup.sh installs it)"; exit 77; }
if [ "${3:-}" != --in-netns ]; then
  [ "$(id -u)" -eq 0 ] || { echo "needs root for a network namespace (skipped)"; exit 77; }
  exec unshare -n "$0" "$1" "$2" --in-netns
fi
ip link set lo up
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/host" "$tmp/central" "$tmp/log"
export TZ=UTC SSHWHY_RULES="$src/rules"
unset LANGUAGE LC_ALL LC_MESSAGES

# The configuration docs/fleet.md shows, with the test's paths and port.
sed -n '/^# BEGIN host.conf$/,/^# END host.conf$/p' "$src/docs/fleet.md" | sed '1d;$d' |
  sed -e "s|/var/lib/rsyslog|$tmp/host|; s|/var/log/sshwhy/ecs.json|$tmp/log/ecs.json|" \
      -e "s|central.example.org|127.0.0.1|; s|port=\"514\"|port=\"10514\"|" > "$tmp/host.conf"
sed -n '/^# BEGIN central.conf$/,/^# END central.conf$/p' "$src/docs/fleet.md" | sed '1d;$d' |
  sed -e "s|/var/lib/rsyslog|$tmp/central|; s|/var/log/fleet/sshwhy.json|$tmp/central/fleet.json|" \
      -e "s|port=\"514\"|port=\"10514\"|; s|address=\"0.0.0.0\"|address=\"127.0.0.1\"|" > "$tmp/central.conf"
[ -s "$tmp/host.conf" ] && [ -s "$tmp/central.conf" ] ||
  { echo "FAIL: docs/fleet.md has no host.conf/central.conf blocks"; exit 1; }

rsyslogd -n -f "$tmp/central.conf" -i "$tmp/central.pid" </dev/null >"$tmp/central.out" 2>&1 &
pids+=($!)
rsyslogd -n -f "$tmp/host.conf" -i "$tmp/host.pid" </dev/null >"$tmp/host.out" 2>&1 &
pids+=($!)

# A daily run appends its events, as the timer in docs/fleet.md does.
: > "$tmp/log/ecs.json"
sleep 1	# imfile picks the file up
"$bin" --year 2026 -f ecs "$src/samples/cases/vps-root-only-key-debug1.log" >> "$tmp/log/ecs.json" 2>/dev/null
"$bin" --year 2026 -f ecs --lang ja "$src/samples/cases/unknown-key.log" >> "$tmp/log/ecs.json" 2>/dev/null
"$bin" --year 2026 -f ecs "$src/samples/hostile/auth.log" >> "$tmp/log/ecs.json" 2>/dev/null
# The DEBUG lab log has events over rsyslog's default 8 KiB message size.
"$bin" --year 2026 -f ecs "$src/samples/lab/debug.log" >> "$tmp/log/ecs.json" 2>/dev/null
awk 'length($0) > 8192 { big = 1 } END { exit !big }' "$tmp/log/ecs.json" ||
  { echo "FAIL: no event over 8 KiB to test maxMessageSize with"; exit 1; }
want=$(wc -l < "$tmp/log/ecs.json")
[ "$want" -ge 5 ] || { echo "FAIL: only $want events written"; exit 1; }

# Wait (up to 60 s) for the events to reach the central file.
for _ in $(seq 1 120); do
  [ -f "$tmp/central/fleet.json" ] && [ "$(wc -l < "$tmp/central/fleet.json")" -ge "$want" ] && break
  sleep 0.5
done
got=$(wc -l < "$tmp/central/fleet.json" 2>/dev/null || echo 0)
fail=0
if [ "$got" -ne "$want" ]; then
  echo "FAIL: $got of $want events arrived"; cat "$tmp/host.out" "$tmp/central.out"; fail=1
fi
if ! cmp -s "$tmp/log/ecs.json" "$tmp/central/fleet.json"; then
  echo "FAIL: the events changed on the way"
  diff <(cut -c1-200 "$tmp/log/ecs.json") <(cut -c1-200 "$tmp/central/fleet.json") | head -20
  fail=1
fi
python3 - "$tmp/central/fleet.json" <<'PY' || fail=1
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert all(e["event"]["outcome"] == "failure" for e in evs)
assert any("登録" in e["sshwhy"]["explanation"] for e in evs), "Japanese text lost"
assert any(e["user"]["name"] and "\x1b" in e["user"]["name"] for e in evs), "escape bytes lost"
print(f"{len(evs)} events parse as JSON after the trip")
PY
[ $fail = 0 ] && echo "fleet: $want ECS events went imfile -> omfwd -> imtcp -> omfile intact"
exit $fail
