#!/usr/bin/env bash
# sshwhy client lab: REAL `ssh -v` / `ssh -vvv` output of the Debian 12
# OpenSSH client for each client-side failure scenario, with the real sshd
# log (LogLevel DEBUG1) of the same attempt, and ground-truth labels.
#
#   sudo tests/lab/client-lab.sh [OUTDIR]       (default OUTDIR: samples/client)
#
# Same isolation as run-lab.sh (read it for the details): everything runs
# inside `unshare --mount --net --uts --ipc --pid`, loopback only, hostname
# "lab", an overlay on /etc and /var/log and tmpfs on /root, /home, /run and
# /dev, so the test accounts and keys never reach the host. The client runs
# as the local user "alice" (home /home/alice, tmpfs), whose ~/.ssh and agent
# are set up afresh for each scenario. Attempts run one at a time, so the
# server lines of each attempt are the lines rsyslog wrote while it ran.
#
# Output, one directory per scenario:
#   OUTDIR/<scenario>/v.log, vvv.log         the client's stderr (as pasted)
#   OUTDIR/<scenario>/server-v.log, ...      sshd's lines of that attempt
#   OUTDIR/labels.tsv                        scenario, verbosity, client exit,
#                                            expected client cause, server cause
#   OUTDIR/VERSION                           package versions
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LAB_DIR/../.." && pwd)
SELF="$LAB_DIR/$(basename "${BASH_SOURCE[0]}")"
LAB_ETC=/etc/ssh/clientlab

# scenario server-user server-port expected-client-cause expected-server-cause
# (server port 2231: main instance; 2232: PubkeyAcceptedAlgorithms ssh-rsa
# only; 2239: nothing listens). "-": no finding expected on that side.
# The client's own "no mutual signature algorithm" needs a server older than
# OpenSSH 7.2 (no server-sig-algs): a 9.2 server always advertises
# rsa-sha2-*, so the lab shows the reverse mismatch (rsa-sha1-only-server).
SCENARIOS=(
  "success cl_ok 2231 - -"
  "no-key cl_nokey 2231 client-no-key-offered -"
  "identitiesonly-wrong-file cl_idonly 2231 client-identity-file-missing -"
  "agent-empty cl_agent 2231 client-no-key-offered -"
  "agent-unreachable cl_agentx 2231 client-no-key-offered -"
  "wrong-key cl_wrongkey 2231 client-key-refused unknown-key"
  "rsa-sha1-only-server cl_rsa 2232 client-key-refused key-type-not-accepted"
  "unprotected-key cl_perm 2231 client-key-file-permissions -"
  "passphrase-batchmode cl_pass 2231 client-passphrase-not-given -"
  "host-key-changed cl_hkchg 2231 client-host-key-changed -"
  "host-key-unknown cl_hkunk 2231 client-host-key-unknown -"
  "connection-refused cl_refused 2239 client-connection-failed -"
  "password-off cl_pwoff 2231 client-no-common-method -"
  "too-many-keys cl_many 2231 client-too-many-keys too-many-auth-failures"
  "vps-root-only cl_rootonly 2231 client-key-refused authorized-keys-missing"
)

log() { printf '[client-lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

outer() {
  [[ $EUID -eq 0 ]] || die "must run as root (sudo $0)"
  local outdir=${1:-$REPO_ROOT/samples/client} p
  for p in openssh-server openssh-client rsyslog util-linux iproute2; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] ||
      die "package $p is missing (apt-get install $p)"
  done
  mkdir -p "$outdir"; outdir=$(cd "$outdir" && pwd)
  W=$(mktemp -d /tmp/sshwhy-client-lab.XXXXXX)
  chmod 755 "$W"
  trap 'if [[ -z ${KEEP_WORK:-} ]]; then rm -rf --one-file-system "$W"; fi' EXIT
  unshare --mount --net --uts --ipc --pid --fork --mount-proc --propagation private \
    -- bash "$SELF" --inner "$W" || die "inner part failed; KEEP_WORK=1 keeps $W"
  local s
  for s in "$W"/out/*/; do
    s=$(basename "$s")
    rm -rf --one-file-system "${outdir:?}/$s"
    cp -r "$W/out/$s" "$outdir/$s"
  done
  cp "$W/out/labels.tsv" "$outdir/labels.tsv"
  {
    echo "# ssh -V"; ssh -V 2>&1
    dpkg-query -W -f='openssh-client ${Version}\nopenssh-server ${Version}\n' openssh-client openssh-server
    echo "# generated"; date -u +%Y-%m-%dT%H:%M:%SZ
    echo "# debian"; cat /etc/debian_version
  } >"$outdir/VERSION"
  log "done -> $outdir"
}

setup_namespace() {
  hostname lab
  ip link set lo up
  local d
  for d in etc varlog; do mkdir -p "$W/ov/$d/upper" "$W/ov/$d/work"; done
  mount -t overlay overlay -o "lowerdir=/etc,upperdir=$W/ov/etc/upper,workdir=$W/ov/etc/work" /etc
  mount -t overlay overlay -o "lowerdir=/var/log,upperdir=$W/ov/varlog/upper,workdir=$W/ov/varlog/work" /var/log
  mount -t tmpfs -o mode=0700 labroot /root
  mount -t tmpfs -o mode=0755 labhome /home
  mount -t tmpfs -o mode=0755 labrun /run
  mkdir -p /run/sshd && chmod 0755 /run/sshd
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
  : >/dev/log
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tlab\n' >/etc/hosts
}

start_rsyslog() {
  mkdir -p "$W/logs" "$W/rsyslog"
  cat >"$W/rsyslog.conf" <<EOF
global(workDirectory="$W/rsyslog")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$W/log.sock" RateLimit.Interval="0" UseSysTimeStamp="on")
if prifilt("auth,authpriv.*") then {
  action(type="omfile" File="$W/logs/server.log" Template="RSYSLOG_TraditionalFileFormat")
}
EOF
  rsyslogd -n -f "$W/rsyslog.conf" -i "$W/rsyslog.pid" </dev/null >"$W/rsyslog.out" 2>&1 &
  RSYSLOG_PID=$!
  local t
  for t in $(seq 50); do [[ -S $W/log.sock ]] && break; sleep 0.1; done
  [[ -S $W/log.sock ]] || die "rsyslogd did not start"
  chmod 666 "$W/log.sock"
}

start_sshd() { # start_sshd PORT EXTRA-CONFIG
  local port=$1 extra=$2 cfg=$W/sshd-$1.conf
  cat >"$cfg" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $LAB_ETC/ssh_host_ed25519_key
HostKey $LAB_ETC/ssh_host_rsa_key
PidFile /run/sshd-clientlab-$port.pid
SyslogFacility AUTH
LogLevel DEBUG1
KbdInteractiveAuthentication no
PasswordAuthentication no
UsePAM yes
PrintMotd no
$extra
EOF
  /usr/sbin/sshd -t -f "$cfg" || die "bad sshd config $cfg"
  unshare --mount --propagation private -- \
    sh -c 'mount --bind "$0" /dev/log && exec /usr/sbin/sshd -D -f "$1"' "$W/log.sock" "$cfg" \
    </dev/null >>"$W/sshd-$port.stderr" 2>&1 &
  SSHD_PIDS+=("$!")
  local t
  for t in $(seq 100); do
    [[ -n $(ss -Hltn "sport = :$port") ]] && return 0
    sleep 0.05
  done
  die "sshd on port $port did not start"
}

A=/home/alice
ak() { # ak USER PUBFILE...: the user's authorized_keys holds these keys
  local u=$1 h; shift
  h=$(getent passwd "$u" | cut -d: -f6)
  install -d -m 700 -o "$u" -g "$u" "$h/.ssh"
  cat "$@" >"$h/.ssh/authorized_keys"
  chown "$u:$u" "$h/.ssh/authorized_keys"; chmod 600 "$h/.ssh/authorized_keys"
}
akey() { # akey NAME TYPE [PASSPHRASE]: a key of alice's in ~/.ssh
  local t=$2 pp=${3:-}
  if [[ $t == rsa ]]; then
    runuser -u alice -- ssh-keygen -q -N "$pp" -t rsa -b 3072 -C "alice@laptop" -f "$A/.ssh/$1"
  else
    runuser -u alice -- ssh-keygen -q -N "$pp" -t "$t" -C "alice@laptop" -f "$A/.ssh/$1"
  fi
}
reset_alice() {
  rm -rf --one-file-system "$A/.ssh"
  install -d -m 700 -o alice -g alice "$A/.ssh"
}

# client SCEN USER PORT VERBOSITY [ssh options...]: one attempt as alice
client() {
  local scen=$1 u=$2 port=$3 v=$4; shift 4
  local d=$W/out/$scen before ex=0
  mkdir -p "$d"
  before=$(wc -l <"$W/logs/server.log" 2>/dev/null || echo 0)
  # What a user pastes: the prompt and the command line, then stderr.
  printf 'alice@laptop:~$ ssh -%s %s@127.0.0.1 -p %s %s\n' "$v" "$u" "$port" "$*" >"$d/$v.log"
  runuser -u alice -- env -i HOME=$A USER=alice LOGNAME=alice PATH=/usr/bin:/bin \
    ${AGENT_SOCK:+SSH_AUTH_SOCK=$AGENT_SOCK} \
    timeout 30 ssh -"$v" -p "$port" -o ConnectTimeout=5 "$@" "$u@127.0.0.1" true \
    </dev/null >/dev/null 2>>"$d/$v.log" || ex=$?
  sleep 0.6   # let sshd's last lines reach rsyslog
  tail -n +"$((before + 1))" "$W/logs/server.log" >"$d/server-$v.log"
  [[ -s $d/server-$v.log ]] || rm -f "$d/server-$v.log"
  LABEL_EXIT=$ex
}

known_host() { # the real host key in alice's known_hosts
  local k; k=$(cut -d' ' -f1,2 "$LAB_ETC/ssh_host_ed25519_key.pub")
  printf '[127.0.0.1]:2231 %s\n[127.0.0.1]:2232 %s\n' "$k" "$k" >"$A/.ssh/known_hosts"
  chown alice:alice "$A/.ssh/known_hosts"
}

scenario() { # scenario LINE VERBOSITY
  local scen u port cc sc
  read -r scen u port cc sc <<<"$1"
  local v=$2 opts=(-o BatchMode=yes)
  unset AGENT_SOCK
  reset_alice
  case $scen in
    success) akey id_ed25519 ed25519; ak "$u" "$A/.ssh/id_ed25519.pub" ;;
    no-key) ;;
    identitiesonly-wrong-file)
      # the registered key is ~/.ssh/work_key; the command names a file
      # that is not there, so ssh falls back to the default names
      akey work_key ed25519; ak "$u" "$A/.ssh/work_key.pub"
      opts+=(-o IdentitiesOnly=yes -i "$A/.ssh/id_work") ;;
    agent-empty)
      AGENT_SOCK=$A/agent.sock; rm -f "$AGENT_SOCK"
      runuser -u alice -- ssh-agent -a "$AGENT_SOCK" >/dev/null
      AGENT_PID=$(pgrep -u alice -x ssh-agent | head -n1) ;;
    agent-unreachable) AGENT_SOCK=$A/gone/agent.sock ;;
    wrong-key)
      akey id_ed25519 ed25519
      ssh-keygen -q -N '' -t ed25519 -C 'alice@oldlaptop' -f "$W/oldkey"
      ak "$u" "$W/oldkey.pub"; rm -f "$W/oldkey" "$W/oldkey.pub" ;;
    rsa-sha1-only-server) akey id_rsa rsa; ak "$u" "$A/.ssh/id_rsa.pub" ;;
    unprotected-key)
      akey id_ed25519 ed25519; ak "$u" "$A/.ssh/id_ed25519.pub"
      chmod 644 "$A/.ssh/id_ed25519" ;;
    passphrase-batchmode)
      akey id_ed25519 ed25519 'secret words'; ak "$u" "$A/.ssh/id_ed25519.pub" ;;
    host-key-changed)
      akey id_ed25519 ed25519; ak "$u" "$A/.ssh/id_ed25519.pub"
      ssh-keygen -q -N '' -t ed25519 -f "$W/otherhost"
      printf '[127.0.0.1]:2231 %s\n' "$(cut -d' ' -f1,2 "$W/otherhost.pub")" >"$A/.ssh/known_hosts"
      chown alice:alice "$A/.ssh/known_hosts"; rm -f "$W/otherhost" "$W/otherhost.pub"
      opts+=(-o StrictHostKeyChecking=yes) ;;
    host-key-unknown)
      akey id_ed25519 ed25519; ak "$u" "$A/.ssh/id_ed25519.pub"
      opts+=(-o StrictHostKeyChecking=yes) ;;
    connection-refused) ;;
    password-off) opts+=(-o PubkeyAuthentication=no) ;;
    too-many-keys)
      AGENT_SOCK=$A/agent.sock; rm -f "$AGENT_SOCK"
      runuser -u alice -- ssh-agent -a "$AGENT_SOCK" >/dev/null
      AGENT_PID=$(pgrep -u alice -x ssh-agent | head -n1)
      local j
      for j in 1 2 3 4 5 6 7; do
        akey "box$j" ed25519
        runuser -u alice -- env SSH_AUTH_SOCK="$AGENT_SOCK" ssh-add -q "$A/.ssh/box$j" 2>/dev/null
        rm -f "$A/.ssh/box$j" "$A/.ssh/box$j.pub"
      done
      akey id_ed25519 ed25519; ak "$u" "$A/.ssh/id_ed25519.pub" ;;
    vps-root-only)
      # the VPS panel put the customer's key into root's authorized_keys only
      akey id_ed25519 ed25519
      install -d -m 700 /root/.ssh; cat "$A/.ssh/id_ed25519.pub" >>/root/.ssh/authorized_keys ;;
    *) die "no setup for $scen" ;;
  esac
  case $scen in host-key-*) ;; *) known_host ;; esac
  client "$scen" "$u" "$port" "$v" "${opts[@]}"
  if [[ -n ${AGENT_PID:-} ]]; then kill "$AGENT_PID" 2>/dev/null || true; AGENT_PID=; fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$scen" "$v" "$LABEL_EXIT" "$cc" "$sc" >>"$W/out/labels.tsv"
}

inner() {
  W=$1
  export LC_ALL=C.UTF-8
  unset SSH_AUTH_SOCK SSH_AGENT_PID DISPLAY
  setup_namespace
  start_rsyslog
  mkdir -p "$LAB_ETC" "$W/out"
  ssh-keygen -q -N '' -t ed25519 -C 'lab host' -f "$LAB_ETC/ssh_host_ed25519_key"
  ssh-keygen -q -N '' -t rsa -b 3072 -C 'lab host' -f "$LAB_ETC/ssh_host_rsa_key"
  useradd -m -s /bin/bash alice
  local line scen u rest
  for line in "${SCENARIOS[@]}"; do
    read -r scen u rest <<<"$line"
    useradd -m -s /bin/bash "$u"
    usermod -p '*' "$u"      # no password, not locked
  done
  SSHD_PIDS=()
  start_sshd 2231 ""
  start_sshd 2232 "PubkeyAcceptedAlgorithms ssh-rsa"
  printf 'scenario\tverbosity\tclient_exit\tclient_cause\tserver_cause\n' >"$W/out/labels.tsv"
  local v
  for line in "${SCENARIOS[@]}"; do
    for v in v vvv; do scenario "$line" "$v"; done
    log "${line%% *} done"
  done
  local p
  for p in "${SSHD_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  sleep 0.5
  kill "$RSYSLOG_PID" 2>/dev/null || true; wait "$RSYSLOG_PID" 2>/dev/null || true
}

if [[ ${1:-} == --inner ]]; then
  inner "$2"
else
  outer "$@"
fi
