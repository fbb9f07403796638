#!/usr/bin/env bash
# sshwhy journal lab: REAL sshd logs written by a REAL systemd-journald, for
# the journal samples in samples/journal/ (issue 5).
#
#   sudo tests/lab/journal-lab.sh [OUTDIR]     (default OUTDIR: samples/journal)
#   sudo JLAB_LOGLEVEL=DEBUG3 tests/lab/journal-lab.sh /tmp/out
#        the same at another sshd LogLevel, plus a user for whom a Match
#        block sets PubkeyAuthentication no (samples/debug3/ was made so)
#
# A reduced variant of run-lab.sh: one sshd (LogLevel VERBOSE, port 2202) and a
# handful of scenarios, run twice. Everything runs inside
# `unshare --mount --net --uts --ipc --pid`: loopback only, hostname "lab",
# overlays on /etc, /root and /var/log, tmpfs on /home, /run and /dev.
#
#   sshd --syslog(3)--> /dev/log -> /run/systemd/journal/dev-log
#        systemd-journald (standalone, Storage=persistent, own machine-id)
#          --> /var/log/journal/<machine-id>/system.journal (rotated once with
#              SIGUSR2 after each round: two archived files)
#          --ForwardToSyslog--> /run/systemd/journal/syslog --> rsyslogd
#              --> auth.log (traditional format) and auth-rfc3339.log
#
# so the journal and the auth log hold the same events, as on a Debian host
# with both. Outputs (see samples/journal/README.md): dir/, export.zst,
# json.log, json-seq.log, short-iso.log, auth.log, auth-rfc3339.log and
# bundle.tar.gz. Every process started is stopped by PID; the PID namespace
# is the safety net.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LAB_DIR/../.." && pwd)
SELF="$LAB_DIR/$(basename "${BASH_SOURCE[0]}")"
PASSWORD='LabPass-4711'
LAB_ETC=/etc/ssh/lab
JOURNALD=/lib/systemd/systemd-journald
PORT=2202
LOGLEVEL=${JLAB_LOGLEVEL:-VERBOSE}

# scenario user client-kind
SCENARIOS=(
  "success sw_ok key"
  "authkeys-666 sw_ak666 key"
  "unknown-key sw_wrongkey key"
  "wrong-password sw_badpass badpassword"
  "invalid-user sw_ghost key"
)
# Only with another LogLevel, so the journal samples stay as they were made.
if [[ -n ${JLAB_LOGLEVEL:-} ]]; then
  SCENARIOS+=("pubkey-disabled sw_nopubkey key")
fi

log() { printf '[jlab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

outer() {
  [[ $EUID -eq 0 ]] || die "must run as root"
  local outdir=${1:-$REPO_ROOT/samples/journal}
  local p
  for p in openssh-server openssh-client rsyslog sshpass systemd zstd; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] ||
      die "package $p missing (apt-get install $p)"
  done
  [[ -x $JOURNALD ]] || die "no $JOURNALD"
  mkdir -p "$outdir"; outdir=$(cd "$outdir" && pwd)
  W=$(mktemp -d /tmp/sshwhy-jlab.XXXXXX)
  chmod 755 "$W"
  trap 'if [[ -z ${KEEP_WORK:-} ]]; then rm -rf --one-file-system "$W"; fi' EXIT
  unshare --mount --net --uts --ipc --pid --fork --mount-proc --propagation private \
    -- bash "$SELF" --inner "$W" || die "inner part failed; KEEP_WORK=1 keeps $W"
  finish "$outdir"
  log "done -> $outdir"
}

# Everything below the journal is made by systemd's and rsyslog's own output,
# read back with journalctl from the copied directory.
finish() {
  local out=$1 mid
  mid=$(cat "$W/machine-id")
  rm -rf "$out/dir"
  mkdir -p "$out/dir/$mid"
  # The archived files (one per round). The active system.journal that
  # journald opened after the last rotation holds no sshd line and is 1 MiB
  # of preallocated space, so it is left out (the reader test on an online
  # file uses a file the unit test writes itself).
  cp "$W"/journal/"$mid"/system@*.journal "$out/dir/$mid/"
  local jc=(journalctl --no-pager -D "$out/dir/$mid")
  "${jc[@]}" -o export | zstd -q -19 -c >"$out/export.zst"
  "${jc[@]}" -o json >"$out/json.log"
  "${jc[@]}" -o json-seq >"$out/json-seq.log"
  "${jc[@]}" -o short-iso >"$out/short-iso.log"
  cp "$W/logs/auth.log" "$out/auth.log"
  cp "$W/logs/auth-rfc3339.log" "$out/auth-rfc3339.log"
  "${jc[@]}" --verify >"$W/verify.out" 2>&1 || log "journalctl --verify: $(cat "$W/verify.out")"

  # Support bundle: a tarred var/log whose auth log was rotated three times
  # (split into four parts, oldest in auth.log.3.zst). Each part's mtime is
  # its last line's time, as logrotate leaves it.
  local b=$W/bundle n
  mkdir -p "$b/var/log"
  n=$(wc -l <"$W/logs/auth.log")
  split -n l/4 -d -a 1 "$W/logs/auth.log" "$b/part."
  mv "$b/part.0" "$b/var/log/auth.log.3"
  mv "$b/part.1" "$b/var/log/auth.log.2"
  mv "$b/part.2" "$b/var/log/auth.log.1"
  mv "$b/part.3" "$b/var/log/auth.log"
  local f
  for f in auth.log.3 auth.log.2 auth.log.1 auth.log; do
    touch -d "$(tail -n1 "$b/var/log/$f" | cut -c1-15)" "$b/var/log/$f"
  done
  zstd -q -19 --rm "$b/var/log/auth.log.3"
  gzip -9 -n "$b/var/log/auth.log.2"
  touch -d "$(zstdcat "$b/var/log/auth.log.3.zst" | tail -n1 | cut -c1-15)" "$b/var/log/auth.log.3.zst"
  touch -d "$(zcat "$b/var/log/auth.log.2.gz" | tail -n1 | cut -c1-15)" "$b/var/log/auth.log.2.gz"
  printf 'not a log\n' >"$b/var/log/README"
  tar -C "$b" --owner=0 --group=0 --numeric-owner -czf "$out/bundle.tar.gz" var
  log "auth.log: $n lines; journal: $(ls "$out/dir/$mid")"
  {
    echo "# generated"; date -u +%Y-%m-%dT%H:%M:%SZ
    echo "# debian"; cat /etc/debian_version
    dpkg-query -W -f='${Package} ${Version}\n' openssh-server systemd rsyslog
  } >"$out/VERSION"
}

setup_namespace() {
  hostname lab
  ip link set lo up
  local d
  for d in etc root varlog; do mkdir -p "$W/ov/$d/upper" "$W/ov/$d/work"; done
  mount -t overlay overlay -o "lowerdir=/etc,upperdir=$W/ov/etc/upper,workdir=$W/ov/etc/work" /etc
  mount -t overlay overlay -o "lowerdir=/root,upperdir=$W/ov/root/upper,workdir=$W/ov/root/work" /root
  mount -t overlay overlay -o "lowerdir=/var/log,upperdir=$W/ov/varlog/upper,workdir=$W/ov/varlog/work" /var/log
  mount -t tmpfs -o mode=0755 labhome /home
  mount -t tmpfs -o mode=0755 labrun /run
  mkdir -p /run/sshd /run/lock /run/systemd/journal
  mkdir -p "$W/hostdev"
  mount --rbind /dev "$W/hostdev"
  mount -t tmpfs -o mode=0755 labdev /dev
  for d in null zero full random urandom tty; do
    : >"/dev/$d"; mount --bind "$W/hostdev/$d" "/dev/$d"
  done
  umount -R "$W/hostdev"
  mkdir -p /dev/pts /dev/shm
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
  ln -s pts/ptmx /dev/ptmx
  mount -t tmpfs -o mode=1777 labshm /dev/shm
  ln -s /proc/self/fd /dev/fd
  # sshd and PAM log through syslog(3): into journald's syslog socket.
  ln -s /run/systemd/journal/dev-log /dev/log
  echo lab >/etc/hostname
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tlab\n' >/etc/hosts
  rm -f /etc/nologin
  # A machine id of the lab's own, so no host's id ends up in the samples.
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >/etc/machine-id
  cp /etc/machine-id "$W/machine-id"
  rm -rf /var/log/journal
  mkdir -p /var/log/journal
}

start_journald() {
  mkdir -p /etc/systemd
  cat >/etc/systemd/journald.conf <<EOF
[Journal]
Storage=persistent
Compress=yes
Seal=no
SplitMode=none
RateLimitIntervalSec=0
ForwardToSyslog=yes
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
SystemMaxFileSize=1M
ReadKMsg=no
EOF
  rm -rf /etc/systemd/journald.conf.d
  # Write to /var at once (what systemd-journal-flush.service would ask).
  : >/run/systemd/journal/flushed
  SYSTEMD_LOG_TARGET=console $JOURNALD </dev/null >"$W/journald.out" 2>&1 &
  JOURNALD_PID=$!
  local t
  for t in $(seq 100); do
    [[ -S /run/systemd/journal/dev-log ]] && break
    sleep 0.05
  done
  [[ -S /run/systemd/journal/dev-log ]] || { cat "$W/journald.out" >&2; die "journald did not start"; }
  log "systemd-journald pid $JOURNALD_PID"
}

start_rsyslog() {
  mkdir -p "$W/logs" "$W/rsyslog"
  cat >"$W/rsyslog.conf" <<EOF
global(workDirectory="$W/rsyslog" maxMessageSize="16k")
module(load="imuxsock" SysSock.Name="/run/systemd/journal/syslog" SysSock.UseSysTimeStamp="off" SysSock.RateLimit.Interval="0")
if prifilt("auth,authpriv.*") then {
  action(type="omfile" File="$W/logs/auth.log" Template="RSYSLOG_TraditionalFileFormat")
  action(type="omfile" File="$W/logs/auth-rfc3339.log" Template="RSYSLOG_FileFormat")
}
EOF
  rsyslogd -n -f "$W/rsyslog.conf" -i "$W/rsyslog.pid" </dev/null >"$W/rsyslog.out" 2>&1 &
  RSYSLOG_PID=$!
  local t
  for t in $(seq 100); do
    [[ -S /run/systemd/journal/syslog ]] && break
    sleep 0.05
  done
  [[ -S /run/systemd/journal/syslog ]] || { cat "$W/rsyslog.out" >&2; die "rsyslogd did not start"; }
  log "rsyslogd pid $RSYSLOG_PID"
}

setup_users() {
  K=$W/keys
  mkdir -p "$K" "$LAB_ETC"
  chmod 755 "$LAB_ETC"
  ssh-keygen -q -N '' -t ed25519 -C 'lab host' -f "$LAB_ETC/ssh_host_ed25519_key"
  local line scen u kind h
  for line in "${SCENARIOS[@]}"; do
    read -r scen u kind <<<"$line"
    mkdir -p "$K/$u"
    ssh-keygen -q -N '' -t ed25519 -C "$u@laptop" -f "$K/$u/id"
    [[ $u == sw_ghost ]] && continue
    useradd -m -s /bin/bash -c "sshwhy lab" "$u"
    echo "$u:$PASSWORD" | chpasswd
    h=$(getent passwd "$u" | cut -d: -f6)
    install -d -m 700 -o "$u" -g "$u" "$h/.ssh"
    case $scen in
      unknown-key)
        ssh-keygen -q -N '' -t ed25519 -C "$u@oldlaptop" -f "$K/$u/id_old"
        install -m 600 -o "$u" -g "$u" "$K/$u/id_old.pub" "$h/.ssh/authorized_keys" ;;
      authkeys-666)
        install -m 666 -o "$u" -g "$u" "$K/$u/id.pub" "$h/.ssh/authorized_keys" ;;
      *)
        install -m 600 -o "$u" -g "$u" "$K/$u/id.pub" "$h/.ssh/authorized_keys" ;;
    esac
  done
  cat >"$W/sshd.conf" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $LAB_ETC/ssh_host_ed25519_key
PidFile /run/sshd-jlab.pid
SyslogFacility AUTH
LogLevel $LOGLEVEL
KbdInteractiveAuthentication no
PasswordAuthentication yes
UsePAM yes
PrintMotd no
Match User sw_nopubkey
	PubkeyAuthentication no
EOF
  /usr/sbin/sshd -t -f "$W/sshd.conf" || die "bad sshd config"
}

run_attempt() {
  local u=$1 kind=$2
  local base=(-F /dev/null -p "$PORT" -o StrictHostKeyChecking=no
              -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5)
  case $kind in
    key) timeout 30 ssh "${base[@]}" -o BatchMode=yes -o IdentitiesOnly=yes \
           -i "$K/$u/id" "$u@127.0.0.1" true ;;
    badpassword) timeout 30 sshpass -p 'Wrong-Guess-1' ssh "${base[@]}" \
           -o PubkeyAuthentication=no -o PreferredAuthentications=password \
           "$u@127.0.0.1" true ;;
  esac </dev/null >/dev/null 2>&1 || true
}

inner() {
  W=$1
  export LC_ALL=C.UTF-8
  unset SSH_AUTH_SOCK SSH_AGENT_PID DISPLAY
  setup_namespace
  start_journald
  start_rsyslog
  setup_users
  /usr/sbin/sshd -D -f "$W/sshd.conf" </dev/null >>"$W/sshd.stderr" 2>&1 &
  local sshd_pid=$! t
  for t in $(seq 100); do
    [[ -n $(ss -Hltn "sport = :$PORT") ]] && break
    sleep 0.05
  done
  [[ -n $(ss -Hltn "sport = :$PORT") ]] || { cat "$W/sshd.stderr" >&2; die "sshd did not start"; }
  log "sshd pid $sshd_pid"
  local round line scen u kind
  for round in 1 2; do
    for line in "${SCENARIOS[@]}"; do
      read -r scen u kind <<<"$line"
      run_attempt "$u" "$kind"
    done
    sleep 0.5
    if [[ $round == 2 ]]; then
      # sshd's "Received signal 15" goes into the last archived file too.
      kill -TERM "$sshd_pid"; wait "$sshd_pid" 2>/dev/null || true
      sleep 0.5
    fi
    # Archive the active file after each round: the directory gets one
    # archived system@....journal per round (archiving also trims the file).
    kill -USR2 "$JOURNALD_PID"
    sleep 0.5
  done
  kill -TERM "$RSYSLOG_PID"; wait "$RSYSLOG_PID" 2>/dev/null || true
  kill -TERM "$JOURNALD_PID"; wait "$JOURNALD_PID" 2>/dev/null || true
  mkdir -p "$W/journal"
  cp -a /var/log/journal/. "$W/journal/"
}

if [[ ${1:-} == --inner ]]; then
  inner "$2"
else
  outer "$@"
fi
