#!/usr/bin/env bash
# sshwhy lab: produce REAL sshd logs for a list of login-failure scenarios,
# with ground-truth labels.
#
#   sudo tests/lab/run-lab.sh [--release R] [OUTDIR]
#
# R = host (default: the machine's own Debian 12 OpenSSH 9.2p1, OUTDIR
# samples/lab), bullseye (Debian 11, OpenSSH 8.4p1, OUTDIR samples/lab-8.4)
# or trixie (Debian 13, OpenSSH 10.0p2, OUTDIR samples/lab-10.0). The other
# releases run from a minimal root built with debootstrap from the apt
# mirror and cached in $LAB_ROOTS (default /var/cache/sshwhy-lab; built
# when missing, a few minutes). The lab runs chrooted into a throw-away
# overlay of that root, so the cached root is never changed by a run.
#
# Needs root on Debian 12.  Everything runs inside
# `unshare --mount --net --uts --ipc --pid`: loopback only, hostname "lab",
# overlays on /etc, /root and /var/log, tmpfs on /home, /run and /dev, so test
# users, groups, /etc/nologin, root's authorized_keys... never reach the host.
# The host only sees the work directory (/tmp/sshwhy-lab.*, removed at the
# end unless KEEP_WORK=1) and OUTDIR.
#
# Layout of the run (see tests/lab/NOTES.md for what each scenario logs):
#   * one rsyslogd (own config, own pid file) listening on three imuxsock
#     sockets, one per LogLevel; each writes <lvl>.log
#     (RSYSLOG_TraditionalFileFormat) and <lvl>-rfc3339.log (RSYSLOG_FileFormat)
#   * three sshd instances (LogLevel INFO / VERBOSE / DEBUG1, ports
#     2201/2202/2203), each started in its own small mount namespace where its
#     level's socket is bind-mounted on /dev/log.  This routes sshd's own lines
#     AND the PAM module lines (pam_unix always logs to authpriv, whatever
#     SyslogFacility says) of that instance to the same per-level files.
#     All instances keep Debian's default SyslogFacility AUTH.
#   * short-lived extra instances per level and round for the scenarios that
#     need a global setting: PubkeyAuthentication no (2211-2213) and
#     LoginGraceTime 3 (2221-2223).
#   * one test user per scenario; each client attempt pins its source port
#     (ProxyCommand: a tiny python relay bound to PORT), so an attempt is
#     identified by its port:
#     PORT = 40000 + round*1000 + level*100 + scenario-number
#     (level 0 = INFO, 1 = VERBOSE, 2 = DEBUG1).
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOTS=${LAB_ROOTS:-/var/cache/sshwhy-lab}
# packages a release root needs (besides minbase)
ROOT_PKGS=openssh-server,openssh-client,rsyslog,libpam-modules,python3-minimal,passwd,procps,iproute2,sshpass
REPO_ROOT=$(cd "$LAB_DIR/../.." && pwd)
SELF="$LAB_DIR/$(basename "${BASH_SOURCE[0]}")"

LEVELS=(INFO VERBOSE DEBUG1)
LNAMES=(info verbose debug)
ROUNDS=(1 2)
CONC=${LAB_CONCURRENCY:-6}          # concurrent client attempts
PASSWORD='LabPass-4711'             # every test user's password
LAB_ETC=/etc/ssh/lab                # inside the namespace (overlay on /etc)

# scenario-number scenario user instance client-kind
# instance: main | nopubkey | grace | nologin (main instance, /etc/nologin
# present, run alone at the end of a round) | nopam (UsePAM no, ports
# 2231-2233) | nopamnologin (the nopam instance while /etc/nologin exists)
SCENARIOS=(
  "1 success sw_ok main key"
  "2 success-password sw_okpass main password"
  "3 home-group-writable sw_homegw main key"
  "36 home-group-writable-shared sw_homegws main key"
  "4 sshdir-777 sw_sshdir777 main key"
  "5 authkeys-666 sw_ak666 main key"
  "37 authkeys-group-writable sw_ak664 main key"
  "6 authkeys-wrong-owner sw_akowner main key"
  "7 key-only-in-root sw_rootonly main key"
  "8 unknown-key sw_wrongkey main key"
  "9 authkeys-line-broken sw_akbroken main key"
  "10 authkeys-crlf sw_akcrlf main key"
  "11 pubkey-disabled-global sw_nopkglobal nopubkey key"
  "12 pubkey-disabled-match sw_nopubkey main key"
  "13 key-type-not-accepted sw_keytype main key"
  "14 rsa-key-too-small sw_rsasmall main key"
  "15 invalid-user sw_ghost main key"
  "38 invalid-user-password sw_ghostpw main badpassword"
  "16 allowusers sw_allowu main key"
  "17 denyusers sw_denyu main key"
  "18 allowgroups sw_allowg main key"
  "19 denygroups sw_denyg main key"
  "20 root-login-refused root main key"
  "21 shell-missing sw_noshell main key"
  "22 account-locked sw_locked main key"
  "23 account-expired sw_acctexp main key"
  "24 password-expired sw_pwexp main key"
  "25 from-restriction sw_fromip main key"
  "26 authmethods-incomplete sw_twostep main key"
  "27 cert-wrong-principal sw_certprinc main cert"
  "28 cert-expired sw_certexp main cert"
  "29 kex-mismatch sw_kex main kex"
  "30 hostkey-mismatch sw_hostkey main hostkey"
  "31 cipher-mismatch sw_cipher main cipher"
  "32 login-grace-timeout sw_grace grace grace"
  "33 max-auth-tries sw_manykeys main manykeys"
  "34 wrong-password sw_badpass main badpassword"
  "35 nologin sw_nologin nologin key"
  "39 account-expired-nopam sw_acctexpnp nopam key"
  "40 nologin-nopam sw_nologinnp nopamnologin key"
  "41 cert-untrusted-ca sw_certca main cert"
)

log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

###########################################################################
# outer part (host side)
###########################################################################

PKGS=(openssh-server openssh-client rsyslog sshpass zstd gzip
      passwd login util-linux iproute2 python3 procps)

ensure_packages() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]]; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "packages present, skipping apt"
    return
  fi
  log "installing: ${missing[*]}"
  # Keep Debian's own ssh/rsyslog services from starting during install.
  local prc=/usr/sbin/policy-rc.d backup=""
  if [[ -e $prc ]]; then backup=$(mktemp /tmp/policy-rc.d.XXXXXX); cp -p "$prc" "$backup"; fi
  printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
  if [[ -n $backup ]]; then cp -p "$backup" "$prc"; rm -f "$backup"; else rm -f "$prc"; fi
  ((rc == 0)) || die "apt-get failed"
}

# build_root NAME: the cached minimal root of a Debian release, built once.
build_root() {
  local name=$1 root=$LAB_ROOTS/$1
  mkdir -p "$LAB_ROOTS"
  if [[ ! -e $root/.complete ]]; then
    command -v debootstrap >/dev/null || die "debootstrap missing (apt-get install debootstrap)"
    log "building $root with debootstrap (minutes)"
    if [[ -e $root.tmp ]]; then
      # a half-built root: debootstrap mounts proc/sys inside it
      umount_under "$root.tmp"
      rm -rf --one-file-system "$root.tmp"
    fi
    nice -n 10 debootstrap --variant=minbase --include="$ROOT_PKGS" "$name" \
      "$root.tmp" http://deb.debian.org/debian >"$LAB_ROOTS/$name.log" 2>&1 ||
      { umount_under "$root.tmp"; die "debootstrap $name failed (see $LAB_ROOTS/$name.log)"; }
    umount_under "$root.tmp"
    mv "$root.tmp" "$root"
    touch "$root/.complete"
  fi
  if ! chroot "$root" /bin/sh -c 'command -v sshpass' >/dev/null; then
    # roots built before sshpass was in ROOT_PKGS; /proc only in a
    # private mount namespace, gone when it ends
    log "installing sshpass into $root"
    unshare --mount --propagation private --fork -- sh -c \
      'mount -t proc proc "$0/proc" && chroot "$0" apt-get install -y -qq sshpass' \
      "$root" >&2 || die "apt-get in $root failed"
  fi
  ROOT=$root
}

# umount_under DIR: unmount everything mounted at or below DIR, deepest first
umount_under() {
  local d=$1 m
  [[ -n $d && -d $d ]] || return 0
  d=$(realpath "$d")
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$d" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
}

outer() {
  [[ $EUID -eq 0 ]] || die "must run as root (sudo $0)"
  RELEASE=host
  if [[ ${1:-} == --release ]]; then RELEASE=${2:?--release needs a name}; shift 2; fi
  local defout
  case $RELEASE in
    host) defout=$REPO_ROOT/samples/lab; ROOT="" ;;
    bullseye) defout=$REPO_ROOT/samples/lab-8.4 ;;
    trixie) defout=$REPO_ROOT/samples/lab-10.0 ;;
    *) die "unknown release $RELEASE (host, bullseye, trixie)" ;;
  esac
  local outdir=${1:-$defout}
  mkdir -p "$outdir"; outdir=$(cd "$outdir" && pwd)
  local t0=$SECONDS
  ensure_packages
  [[ $RELEASE == host ]] || build_root "$RELEASE"
  case $RELEASE in
    host) EXPECTED=$LAB_DIR/expected.tsv
          RELEASE_TEXT="Debian 12 host: openssh-server 9.2p1, rsyslog 8.2302" ;;
    bullseye) EXPECTED=$LAB_DIR/expected-8.4.tsv
          RELEASE_TEXT="debootstrapped Debian 11 root: openssh-server 8.4p1, rsyslog 8.2102" ;;
    trixie) EXPECTED=$LAB_DIR/expected-10.0.tsv
          RELEASE_TEXT="debootstrapped Debian 13 root: openssh-server 10.0p2, rsyslog 8.2504" ;;
  esac
  [[ -f $EXPECTED ]] || die "missing $EXPECTED"

  W=$(mktemp -d /tmp/sshwhy-lab.XXXXXX)
  chmod 755 "$W"
  trap 'outer_cleanup' EXIT
  log "work dir $W"
  IW=$W                       # the inner part's work directory
  [[ -z $ROOT ]] || IW=$W/in

  # PID 1 of the new PID namespace is the inner script: when it exits, the
  # kernel kills anything left in the namespace (safety net; the inner part
  # stops every process it started by PID).
  local rc=0
  if [[ -z $ROOT ]]; then
    unshare --mount --net --uts --ipc --pid --fork --mount-proc --propagation private \
      -- bash "$SELF" --inner "$W" || rc=$?
  else
    unshare --mount --net --uts --ipc --pid --fork --mount-proc --propagation private \
      -- bash "$SELF" --chroot "$W" "$ROOT" || rc=$?
  fi
  ((rc == 0)) || die "inner part failed (rc=$rc); KEEP_WORK=1 keeps $W"

  finish_outputs "$outdir"
  log "done in $((SECONDS - t0)) s -> $outdir"
  if [[ -n ${EVIDENCE_FAIL:-} ]]; then
    die "some attempts lack the evidence their label needs (see $EVIDENCE_OUT)"
  fi
}

outer_cleanup() {
  if [[ -n ${W:-} && -d $W ]]; then
    if [[ -n ${KEEP_WORK:-} ]]; then
      log "keeping $W"
    else
      # overlays, tmpfs and binds lived only in the (gone) namespace; still,
      # never rm across a mount point: unmount anything left first
      umount_under "$W"
      rm -rf --one-file-system "$W"
    fi
  fi
}

# --chroot W ROOT: PID 1 of the lab namespaces for a release root. Mounts a
# throw-away overlay of ROOT (upper layer in W), a private /dev with a few
# device nodes, /proc, the lab scripts (read-only) and the work directory,
# then runs the usual inner part chrooted. Every mount lives in this
# private mount namespace and disappears with it.
chroot_inner() {
  local w=$1 root=$2 r=$1/rootfs
  mkdir -p "$r" "$w/rootov/upper" "$w/rootov/work" "$w/in"
  mount -t overlay overlay -o "lowerdir=$root,upperdir=$w/rootov/upper,workdir=$w/rootov/work" "$r"
  mount -t proc proc "$r/proc"
  mount -t tmpfs -o mode=0755 labdev "$r/dev"
  local d
  for d in null zero full random urandom tty; do
    : >"$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"
  done
  mkdir -p "$r/lab" "$r/work"
  mount --bind "$LAB_DIR" "$r/lab"
  mount -o remount,bind,ro "$r/lab"
  mount --bind "$w/in" "$r/work"
  chroot "$r" /bin/bash /lab/run-lab.sh --inner /work
}

finish_outputs() {
  local out=$1 f
  local logs=$IW/logs
  # labels.tsv
  {
    printf 'round\tscenario\tuser\tloglevel\tport\tclient_exit\texpected_cause\n'
    local round scen user level port ex lab
    sort -t$'\t' -k1,1n -k5,5n "$IW/attempts.tsv" | while IFS=$'\t' read -r round scen user level port ex; do
      lab=$(awk -F'\t' -v s="$scen" -v l="$level" '
        NR==1 { for (i = 2; i <= NF; i++) col[$i] = i; next }
        $1 == s { print $(col[l]); exit }' "$EXPECTED")
      [[ -n $lab ]] || lab=UNLABELLED
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$scen" "$user" "$level" "$port" "$ex" "$lab"
    done
  } >"$IW/labels.tsv"

  # self-check: every attempt's port is in its level's files (and only
  # there), and the lines of each attempt contain the evidence its label needs
  EVIDENCE_OUT=/tmp/sshwhy-lab-evidence.txt
  if ! python3 "$LAB_DIR/evidence.py" "$logs" "$IW/labels.tsv" >"$EVIDENCE_OUT"; then
    EVIDENCE_FAIL=1
  fi
  grep -E '^(MISMATCH|MISSING|LEAK|NOPORT|NOLINES|SUMMARY)' "$EVIDENCE_OUT" >&2 || true
  log "per-attempt evidence: $EVIDENCE_OUT"

  # copy results
  for f in info verbose debug; do
    cp "$logs/$f.log" "$logs/$f-rfc3339.log" "$out/"
  done
  cp "$IW/labels.tsv" "$out/labels.tsv"
  mkdir -p "$out/compressed"
  for f in info verbose debug; do
    gzip -9 -n -c "$logs/$f.log" >"$out/compressed/$f.log.gz"
    zstd -q -19 -f -c "$logs/$f.log" >"$out/compressed/$f.log.zst"
  done
  local in=()
  [[ -z $ROOT ]] || in=(chroot "$ROOT")
  {
    echo "# sshd -V"
    "${in[@]}" /usr/sbin/sshd -V 2>&1 || true
    echo "# sshd version string (from debug.log)"
    grep -m1 -o 'Local version string .*' "$logs/debug.log" || true
    echo "# dpkg openssh-server"
    "${in[@]}" dpkg-query -W -f='openssh-server ${Version}\n' openssh-server
    echo "# dpkg openssh-client"
    "${in[@]}" dpkg-query -W -f='openssh-client ${Version}\n' openssh-client
    echo "# rsyslogd -v"
    "${in[@]}" rsyslogd -v 2>&1 | head -n 1
    "${in[@]}" dpkg-query -W -f='rsyslog ${Version}\n' rsyslog
    echo "# libpam-modules"
    "${in[@]}" dpkg-query -W -f='libpam-modules ${Version}\n' libpam-modules
    echo "# generated"
    date -u +%Y-%m-%dT%H:%M:%SZ
    echo "# debian"
    "${in[@]}" cat /etc/debian_version
  } >"$out/VERSION"
  write_readme | sed "s/@RELEASE@/$RELEASE_TEXT/" >"$out/README.md"
}

write_readme() {
  cat <<'EOF'
# samples/lab: real sshd logs with ground-truth labels

Generated by `tests/lab/run-lab.sh` (@RELEASE@; exact versions in
`VERSION`). These are real logs: real
`sshd` daemons, PAM and rsyslogd, and real `ssh`/`sshpass` clients, all on
127.0.0.1 in an isolated network/mount/UTS/PID namespace with hostname `lab`.

Regenerate (needs root; it takes under a minute on 2 cores):

    sudo tests/lab/run-lab.sh                    # samples/lab/ (host, 9.2)
    sudo tests/lab/run-lab.sh --release bullseye # samples/lab-8.4/
    sudo tests/lab/run-lab.sh --release trixie   # samples/lab-10.0/
    sudo tests/lab/run-lab.sh /some/dir          # or elsewhere

## Files

| file | content |
| --- | --- |
| `info.log`, `verbose.log`, `debug.log` | sshd at `LogLevel INFO`, `VERBOSE`, `DEBUG1` (port 2201/2202/2203, extra instances 2211-2213 and 2221-2223), auth+authpriv, `RSYSLOG_TraditionalFileFormat` (`Nov 25 10:00:00 lab sshd[123]: msg`) |
| `info-rfc3339.log`, ... | the same lines in `RSYSLOG_FileFormat` (RFC 3339 timestamps with microseconds) |
| `compressed/*.log.gz`, `compressed/*.log.zst` | gzip / zstd copies of the three traditional files (kept in a subdirectory so that analysing this directory does not read them twice) |
| `labels.tsv` | one row per login attempt: `round scenario user loglevel port client_exit expected_cause` (tab-separated, header line) |
| `VERSION` | `sshd -V`, package versions, generation date |

Every attempt pins its client source port, so its lines are found by
`port PORT` (PORT = 40000 + round*1000 + level*100 + scenario number, level
0/1/2 = INFO/VERBOSE/DEBUG1) and then by the sshd PID of those lines
(PAM lines, `Authentication refused: ...` and `User ... not allowed ...` carry
no port). Each attempt's lines are in exactly one of the three level files.
The full scenario set ran twice (`round` 1 and 2), with several clients at
once, so connections interleave.

`expected_cause` is what an honest analyzer can conclude from the lines
written at that level; `insufficient-logging` means the decisive evidence is
not logged at that level. `client_exit` is the exit status of `ssh` (255 =
failure) or `sshpass` (5 = wrong password). The reasoning, with the lines
produced for each scenario and level, is in `tests/lab/NOTES.md`.
EOF
}

###########################################################################
# inner part (runs as PID 1 of the lab namespaces)
###########################################################################

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
  mkdir -p /run/sshd /run/lock
  chmod 0755 /run/sshd
  # private /dev: a few host device nodes, own devpts, and a /dev/log we control
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
  ln -s /proc/self/fd/0 /dev/stdin
  ln -s /proc/self/fd/1 /dev/stdout
  ln -s /proc/self/fd/2 /dev/stderr
  # Placeholder: setup tools (useradd, chpasswd...) log into nothing. Each
  # sshd instance gets its level's rsyslog socket bind-mounted here.
  : >/dev/log
  echo lab >/etc/hostname
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tlab\n::1\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts
  rm -f /etc/nologin
}

start_rsyslog() {
  mkdir -p "$W/logs" "$W/rsyslog" "$W/sock"
  local conf=$W/rsyslog.conf i
  {
    echo "global(workDirectory=\"$W/rsyslog\" maxMessageSize=\"16k\")"
    echo 'module(load="imuxsock" SysSock.Use="off")'
    for i in 0 1 2; do
      local n=${LNAMES[$i]}
      echo "input(type=\"imuxsock\" Socket=\"$W/sock/$n.sock\" Ruleset=\"lvl_$n\" RateLimit.Interval=\"0\" UseSysTimeStamp=\"on\")"
      echo "ruleset(name=\"lvl_$n\") {"
      echo "  if prifilt(\"auth,authpriv.*\") then {"
      echo "    action(type=\"omfile\" File=\"$W/logs/$n.log\" Template=\"RSYSLOG_TraditionalFileFormat\")"
      echo "    action(type=\"omfile\" File=\"$W/logs/$n-rfc3339.log\" Template=\"RSYSLOG_FileFormat\")"
      echo "  }"
      echo "}"
    done
  } >"$conf"
  rsyslogd -n -f "$conf" -i "$W/rsyslog.pid" </dev/null >"$W/rsyslog.out" 2>&1 &
  RSYSLOG_PID=$!
  local t
  for t in $(seq 50); do
    [[ -S $W/sock/info.sock && -S $W/sock/verbose.sock && -S $W/sock/debug.sock ]] && break
    sleep 0.1
  done
  [[ -S $W/sock/debug.sock ]] || { cat "$W/rsyslog.out" >&2; die "rsyslogd did not start"; }
  chmod 666 "$W"/sock/*.sock
  log "rsyslogd pid $RSYSLOG_PID"
}

gen_server_keys() {
  mkdir -p "$LAB_ETC"
  chmod 755 "$LAB_ETC"
  ssh-keygen -q -N '' -t ed25519 -C 'lab host' -f "$LAB_ETC/ssh_host_ed25519_key"
  ssh-keygen -q -N '' -t ecdsa -b 256 -C 'lab host' -f "$LAB_ETC/ssh_host_ecdsa_key"
  ssh-keygen -q -N '' -t rsa -b 3072 -C 'lab host' -f "$LAB_ETC/ssh_host_rsa_key"
  # user certificate authority (TrustedUserCAKeys)
  ssh-keygen -q -N '' -t ed25519 -C 'lab user CA' -f "$LAB_ETC/user_ca"
  # a CA the server does not trust (cert-untrusted-ca)
  ssh-keygen -q -N '' -t ed25519 -C 'other CA' -f "$LAB_ETC/other_ca"
}

# write_cfg FILE PORT LEVEL-INDEX KIND   (KIND: main | nopubkey | grace)
write_cfg() {
  local file=$1 port=$2 i=$3 kind=$4
  cat >"$file" <<EOF
# sshwhy lab: $kind instance, LogLevel ${LEVELS[$i]}
Port $port
ListenAddress 127.0.0.1
HostKey $LAB_ETC/ssh_host_ed25519_key
HostKey $LAB_ETC/ssh_host_ecdsa_key
HostKey $LAB_ETC/ssh_host_rsa_key
PidFile /run/sshd-lab-$kind-${LNAMES[$i]}.pid
SyslogFacility AUTH
LogLevel ${LEVELS[$i]}
# Debian 12 defaults (before 8.7 the option was ChallengeResponseAuthentication)
$( ((VERNUM >= 807)) && echo "KbdInteractiveAuthentication no" || echo "ChallengeResponseAuthentication no")
PasswordAuthentication yes
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  # 9.8+ penalise repeated failures per source address (127.0.0.1 is not
  # exempt): the lab's many failures would be refused as "penalty" drops
  ((VERNUM < 908)) || echo "PerSourcePenalties no" >>"$file"
  case $kind in
    main)
      cat >>"$file" <<EOF
TrustedUserCAKeys $LAB_ETC/user_ca.pub

Match User root
    PermitRootLogin no
Match User sw_nopubkey
    PubkeyAuthentication no
Match User sw_keytype
    $( ((VERNUM >= 805)) && echo PubkeyAcceptedAlgorithms || echo PubkeyAcceptedKeyTypes) ssh-ed25519
$( ((VERNUM >= 901)) && printf 'Match User sw_rsasmall\n    RequiredRSASize 4096\n')
Match User sw_allowu
    AllowUsers sw_ok
Match User sw_denyu
    DenyUsers sw_denyu
Match User sw_allowg
    AllowGroups swadmins
Match User sw_denyg
    DenyGroups swbanned
Match User sw_twostep
    AuthenticationMethods publickey,password
EOF
      ;;
    nopubkey) echo "PubkeyAuthentication no" >>"$file" ;;
    nopam) sed -i 's/^UsePAM yes$/UsePAM no/' "$file" ;;
    grace) echo "LoginGraceTime 3" >>"$file" ;;
  esac
  /usr/sbin/sshd -t -f "$file" || die "bad sshd config $file"
}

# start_sshd CONFIG LEVEL-INDEX PORT  -> sets STARTED_PID
start_sshd() {
  local cfg=$1 i=$2 port=$3
  local sock=$W/sock/${LNAMES[$i]}.sock
  # own mount namespace: this level's rsyslog socket becomes /dev/log for
  # sshd and everything it forks (PAM modules included)
  unshare --mount --propagation private -- \
    sh -c 'mount --bind "$0" /dev/log && exec /usr/sbin/sshd -D -f "$1"' "$sock" "$cfg" \
    </dev/null >>"$W/sshd-$port.stderr" 2>&1 &
  STARTED_PID=$!
  local t
  for t in $(seq 100); do
    if [[ -n $(ss -Hltn "sport = :$port") ]]; then return 0; fi
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$W/sshd-$port.stderr" >&2
  die "sshd on port $port did not start"
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# --- users and keys ---------------------------------------------------------
K=""  # client key dir

newkey() { # newkey FILE TYPE [BITS] COMMENT
  local f=$1 t=$2 b=$3 c=$4
  if [[ $t == rsa ]]; then
    ssh-keygen -q -N '' -t rsa -b "$b" -C "$c" -f "$f"
  else
    ssh-keygen -q -N '' -t "$t" -C "$c" -f "$f"
  fi
}

mkuser() { # mkuser NAME [SHELL]
  local u=$1 sh=${2:-/bin/bash}
  useradd -m -s "$sh" -c "sshwhy lab" "$u"
  echo "$u:$PASSWORD" | chpasswd
}

# install_ak USER [PUBKEYFILE]: ~/.ssh 700, authorized_keys 600 with that key
install_ak() {
  local u=$1 pub=${2:-$K/$1/id.pub} h
  h=$(getent passwd "$u" | cut -d: -f6)
  install -d -m 700 -o "$u" -g "$u" "$h/.ssh"
  install -m 600 -o "$u" -g "$u" "$pub" "$h/.ssh/authorized_keys"
}

setup_users() {
  K=$W/keys
  mkdir -p "$K"
  groupadd swadmins
  groupadd swbanned
  groupadd swstaff
  local line n scen u inst kind h
  for line in "${SCENARIOS[@]}"; do
    read -r n scen u inst kind <<<"$line"
    mkdir -p "$K/$u"
    case $u in
      sw_keytype) newkey "$K/$u/id" rsa 3072 "$u@laptop" ;;
      sw_rsasmall) newkey "$K/$u/id" rsa 2048 "$u@laptop" ;;
      *) newkey "$K/$u/id" ed25519 "" "$u@laptop" ;;
    esac
    case $u in
      sw_ghost|sw_ghostpw) continue ;;   # invalid user: no account
      root) ;;                        # exists
      sw_noshell)
        local missing=/usr/bin/zsh
        [[ -e $missing ]] && missing=/usr/local/bin/lab-missing-shell
        mkuser "$u" "$missing" 2>/dev/null ;;   # useradd warns about the shell
      *) mkuser "$u" ;;
    esac
    h=$(getent passwd "$u" | cut -d: -f6)
    case $scen in
      success|success-password|pubkey-disabled-global|pubkey-disabled-match|\
      key-type-not-accepted|rsa-key-too-small|allowusers|denyusers|allowgroups|\
      denygroups|shell-missing|account-locked|account-expired|password-expired|\
      authmethods-incomplete|kex-mismatch|hostkey-mismatch|cipher-mismatch|\
      login-grace-timeout|wrong-password|nologin|account-expired-nopam|\
      nologin-nopam)
        install_ak "$u" ;;
      root-login-refused)
        install -d -m 700 /root/.ssh
        install -m 600 "$K/root/id.pub" /root/.ssh/authorized_keys ;;
      home-group-writable)
        # group = the user's private group (Debian's user-group-modes patch
        # accepts this)
        install_ak "$u"; chmod 775 "$h" ;;
      home-group-writable-shared)
        # group-writable by a group that has other members
        install_ak "$u"; chgrp swstaff "$h"; chmod 775 "$h" ;;
      authkeys-group-writable)
        install_ak "$u"; chmod 664 "$h/.ssh/authorized_keys" ;;
      sshdir-777)
        install_ak "$u"; chmod 777 "$h/.ssh" ;;
      authkeys-666)
        install_ak "$u"; chmod 666 "$h/.ssh/authorized_keys" ;;
      authkeys-wrong-owner)
        install_ak "$u"; chown sw_ok:sw_ok "$h/.ssh/authorized_keys"
        chmod 644 "$h/.ssh/authorized_keys" ;;
      key-only-in-root)
        # a VPS panel registered the user's key for root only
        : ;;                           # appended to root's file below
      unknown-key)
        newkey "$K/$u/id_old" ed25519 "" "$u@oldlaptop"
        install_ak "$u" "$K/$u/id_old.pub" ;;
      authkeys-line-broken)
        install_ak "$u"
        # pasted key wrapped by a terminal: line broken inside the base64
        local ak=$h/.ssh/authorized_keys k
        k=$(cat "$K/$u/id.pub")
        printf '%s\n%s\n' "${k:0:60}" "${k:60}" >"$ak" ;;
      authkeys-crlf)
        install_ak "$u"
        sed -i 's/$/\r/' "$h/.ssh/authorized_keys" ;;
      invalid-user) : ;;
      from-restriction)
        install_ak "$u"
        printf 'from="10.9.9.9" %s\n' "$(cat "$K/$u/id.pub")" >"$h/.ssh/authorized_keys" ;;
      cert-wrong-principal)
        install -d -m 700 -o "$u" -g "$u" "$h/.ssh"
        ssh-keygen -q -s "$LAB_ETC/user_ca" -I "$u-cert" -n someoneelse -V -1d:+52w "$K/$u/id.pub" ;;
      cert-expired)
        install -d -m 700 -o "$u" -g "$u" "$h/.ssh"
        ssh-keygen -q -s "$LAB_ETC/user_ca" -I "$u-cert" -n "$u" -V 20200101:20200201 "$K/$u/id.pub" ;;
      cert-untrusted-ca)
        # a valid certificate from a CA the server does not trust, and (as
        # usual for certificate users) no authorized_keys
        install -d -m 700 -o "$u" -g "$u" "$h/.ssh"
        ssh-keygen -q -s "$LAB_ETC/other_ca" -I "$u-cert" -n "$u" -V -1d:+52w "$K/$u/id.pub" ;;
      max-auth-tries)
        install_ak "$u"       # key id is authorized but never offered
        local j
        for j in 1 2 3 4 5 6 7; do newkey "$K/$u/other$j" ed25519 "" "$u@box$j"; done ;;
      *) die "no setup for $scen" ;;
    esac
  done
  # group memberships for AllowGroups / DenyGroups
  usermod -aG swbanned sw_denyg
  usermod -aG swadmins sw_ok
  usermod -aG swstaff sw_ok
  usermod -aG swstaff sw_homegws
  # key-only-in-root: the panel wrote the user's key into root's file
  cat "$K/sw_rootonly/id.pub" >>/root/.ssh/authorized_keys
  # account states
  usermod -L sw_locked
  chage -E 1 sw_acctexp
  chage -E 1 sw_acctexpnp
  chage -d 0 sw_pwexp
  # askpass that keeps the user "thinking" past LoginGraceTime
  mkdir -p "$W/bin"
  printf '#!/bin/sh\nsleep 5\necho wrong\n' >"$W/bin/slow-askpass"
  chmod 755 "$W/bin/slow-askpass"
  # ProxyCommand relay that pins the client source port. (netcat-openbsd
  # does not exit when the server closes first, which left ssh hanging when
  # sshd ends a connection without a disconnect message, e.g. PAM account
  # refusals.)
  cat >"$W/bin/pinned-relay" <<'PYEOF'
#!/usr/bin/python3
# pinned-relay SRCPORT HOST PORT: TCP relay on stdin/stdout from a fixed port.
# Behaves like the kernel does for a direct connection: when ssh exits (it
# sends its ProxyCommand a SIGHUP), whatever ssh already wrote is still
# delivered, then the connection is half-closed, then we wait for the server.
import os, select, signal, socket, sys, time
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
sport, host, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", sport))
s.connect((host, port))
rd, out_ok, deadline = [0, s], True, None
while True:
    timeout = None if deadline is None else max(0.0, deadline - time.time())
    ready = select.select(rd, [], [], timeout)[0]
    if not ready and deadline is not None:
        sys.exit(0)                  # server kept the half-closed connection
    for f in ready:
        if f is s:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                sys.exit(0)          # server closed: ssh sees EOF at once
            if out_ok:
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(1, view):]
                except OSError:
                    out_ok = False   # ssh is gone; keep draining the socket
        else:
            data = os.read(0, 65536)
            if data:
                s.sendall(data)
            else:
                s.shutdown(socket.SHUT_WR)
                rd.remove(0)
                deadline = time.time() + 10
PYEOF
  chmod 755 "$W/bin/pinned-relay"
}

# --- clients ----------------------------------------------------------------
# run_attempt ROUND LEVEL-INDEX NUM SCEN USER INSTANCE KIND
run_attempt() {
  local round=$1 i=$2 num=$3 scen=$4 u=$5 inst=$6 kind=$7
  local cport=$((40000 + round * 1000 + i * 100 + num))
  local sport
  case $inst in
    main|nologin) sport=$((2201 + i)) ;;
    nopam|nopamnologin) sport=$((2231 + i)) ;;
    nopubkey) sport=$((2211 + i)) ;;
    grace) sport=$((2221 + i)) ;;
  esac
  local err=$W/client/r$round-${LNAMES[$i]}-$scen.err
  local base=(-F /dev/null -p "$sport" -o StrictHostKeyChecking=no
              -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5
              -o "ProxyCommand=$W/bin/pinned-relay $cport %h %p")
  local keyopts=(-o BatchMode=yes -o IdentitiesOnly=yes -i "$K/$u/id")
  local pwopts=(-o PubkeyAuthentication=no -o PreferredAuthentications=password)
  local ex=0
  case $kind in
    key)
      timeout 30 ssh "${base[@]}" "${keyopts[@]}" "$u@127.0.0.1" true ;;
    password)
      timeout 30 sshpass -p "$PASSWORD" ssh "${base[@]}" "${pwopts[@]}" "$u@127.0.0.1" true ;;
    badpassword)
      timeout 30 sshpass -p 'Wrong-Guess-1' ssh "${base[@]}" "${pwopts[@]}" "$u@127.0.0.1" true ;;
    cert)
      timeout 30 ssh "${base[@]}" "${keyopts[@]}" -o "CertificateFile=$K/$u/id-cert.pub" "$u@127.0.0.1" true ;;
    kex)
      timeout 30 ssh "${base[@]}" "${keyopts[@]}" -o KexAlgorithms=diffie-hellman-group1-sha1 "$u@127.0.0.1" true ;;
    hostkey)
      # 10.0 has no DSA at all: ask for a host key type the server lacks
      local hk=ssh-dss
      ((VERNUM < 1000)) || hk=sk-ssh-ed25519@openssh.com
      timeout 30 ssh "${base[@]}" "${keyopts[@]}" -o HostKeyAlgorithms=$hk "$u@127.0.0.1" true ;;
    cipher)
      timeout 30 ssh "${base[@]}" "${keyopts[@]}" -o Ciphers=3des-cbc "$u@127.0.0.1" true ;;
    manykeys)
      local many=() j
      for j in 1 2 3 4 5 6 7; do many+=(-i "$K/$u/other$j"); done
      timeout 30 ssh "${base[@]}" -o BatchMode=yes -o IdentitiesOnly=yes "${many[@]}" "$u@127.0.0.1" true ;;
    grace)
      # a user who sits at the password prompt longer than LoginGraceTime
      SSH_ASKPASS=$W/bin/slow-askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
        timeout 30 ssh "${base[@]}" "${pwopts[@]}" -o NumberOfPasswordPrompts=1 "$u@127.0.0.1" true ;;
    *) die "unknown client kind $kind" ;;
  esac </dev/null >"$err.out" 2>"$err" || ex=$?
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$scen" "$u" "${LEVELS[$i]}" "$cport" "$ex" >"$W/res/$cport"
}

# run_pool: run the attempt specs in ATTEMPTS, at most CONC at once
run_pool() {
  local pids=() spec running=0
  for spec in "${ATTEMPTS[@]}"; do
    if ((running >= CONC)); then
      wait -n "${pids[@]}" 2>/dev/null || true
      running=$((running - 1))
    fi
    # shellcheck disable=SC2086
    run_attempt $spec &
    pids+=($!)
    running=$((running + 1))
  done
  local p
  for p in "${pids[@]}"; do wait "$p" || true; done
}

# scenario_applies SCENARIO: 0 if this OpenSSH version has what it tests
scenario_applies() {
  case $1 in
    rsa-key-too-small) ((VERNUM >= 901)) ;;   # RequiredRSASize is 9.1+
    *) return 0 ;;
  esac
}

inner() {
  W=$1
  export LC_ALL=C.UTF-8
  unset SSH_AUTH_SOCK SSH_AGENT_PID DISPLAY
  # OpenSSH version of this root, e.g. 804, 902, 1000
  local v
  v=$(ssh -V 2>&1 | sed -nE 's/^OpenSSH_([0-9]+)\.([0-9]+).*/\1 \2/p')
  [[ -n $v ]] || die "cannot read the OpenSSH version (ssh -V)"
  read -r VMAJ VMIN <<<"$v"
  VERNUM=$((VMAJ * 100 + VMIN))
  log "OpenSSH $VMAJ.$VMIN"
  setup_namespace
  start_rsyslog
  gen_server_keys
  mkdir -p "$W/res" "$W/client" "$W/cfg"
  setup_users

  local i MAIN_PIDS=()
  for i in 0 1 2; do
    write_cfg "$W/cfg/main-${LNAMES[$i]}.conf" $((2201 + i)) "$i" main
    write_cfg "$W/cfg/nopubkey-${LNAMES[$i]}.conf" $((2211 + i)) "$i" nopubkey
    write_cfg "$W/cfg/grace-${LNAMES[$i]}.conf" $((2221 + i)) "$i" grace
    write_cfg "$W/cfg/nopam-${LNAMES[$i]}.conf" $((2231 + i)) "$i" nopam
  done
  for i in 0 1 2; do
    start_sshd "$W/cfg/main-${LNAMES[$i]}.conf" "$i" $((2201 + i))
    MAIN_PIDS+=("$STARTED_PID")
  done
  log "main sshd pids: ${MAIN_PIDS[*]}"

  local round line n scen u inst kind extra
  for round in "${ROUNDS[@]}"; do
    log "round $round"
    extra=()
    for i in 0 1 2; do
      start_sshd "$W/cfg/nopubkey-${LNAMES[$i]}.conf" "$i" $((2211 + i)); extra+=("$STARTED_PID")
      start_sshd "$W/cfg/grace-${LNAMES[$i]}.conf" "$i" $((2221 + i)); extra+=("$STARTED_PID")
      start_sshd "$W/cfg/nopam-${LNAMES[$i]}.conf" "$i" $((2231 + i)); extra+=("$STARTED_PID")
    done
    ATTEMPTS=()
    for line in "${SCENARIOS[@]}"; do
      read -r n scen u inst kind <<<"$line"
      [[ $inst == nologin || $inst == nopamnologin ]] && continue
      scenario_applies "$scen" || continue
      for i in 0 1 2; do ATTEMPTS+=("$round $i $n $scen $u $inst $kind"); done
    done
    run_pool
    # /etc/nologin affects every non-root login: run that scenario alone
    printf 'System maintenance in progress (sshwhy lab).\n' >/etc/nologin
    ATTEMPTS=()
    for line in "${SCENARIOS[@]}"; do
      read -r n scen u inst kind <<<"$line"
      [[ $inst == nologin || $inst == nopamnologin ]] || continue
      for i in 0 1 2; do ATTEMPTS+=("$round $i $n $scen $u $inst $kind"); done
    done
    run_pool
    rm -f /etc/nologin
    sleep 0.5
    for i in "${extra[@]}"; do stop_pid "$i"; done
  done

  sleep 1   # let the last session/close lines reach rsyslog
  for i in "${MAIN_PIDS[@]}"; do stop_pid "$i"; done
  sleep 0.5
  stop_pid "$RSYSLOG_PID"
  cat "$W"/res/* >"$W/attempts.tsv"
  log "attempts: $(wc -l <"$W/attempts.tsv")"
}

if [[ ${1:-} == --inner ]]; then
  inner "$2"
elif [[ ${1:-} == --chroot ]]; then
  chroot_inner "$2" "$3"
else
  outer "$@"
fi
