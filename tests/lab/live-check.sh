#!/usr/bin/env bash
# Re-runs the real sshd lab into a temporary directory and checks sshwhy's
# verdicts against the fresh labels, so a wording change in a new Debian
# openssh-server is caught. Needs root (exit 77 = skipped otherwise).
#   live-check.sh SSHWHY [RELEASE]
# RELEASE (bullseye, trixie) runs the lab in that release's debootstrapped
# root; it is skipped when the root is not cached yet in $LAB_ROOTS (default
# /var/cache/sshwhy-lab) unless SSHWHY_LAB_BUILD_ROOTS=1, because building
# one takes minutes and the apt mirror.
set -eu
bin=$(realpath "$1")
release=${2:-host}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "lab: not root, skipped"
  exit 77
fi
known=$here/known-misses.tsv
args=()
minimum=246
case $release in
  host) ;;
  bullseye|trixie)
    roots=${LAB_ROOTS:-/var/cache/sshwhy-lab}
    if [ ! -e "$roots/$release/.complete" ] && [ "${SSHWHY_LAB_BUILD_ROOTS:-}" != 1 ]; then
      echo "lab: no cached $release root in $roots (build it: sudo tests/lab/run-lab.sh --release $release), skipped"
      exit 77
    fi
    args=(--release "$release")
    if [ "$release" = bullseye ]; then
      known=$here/known-misses-8.4.tsv
      minimum=240    # no RequiredRSASize before 9.1: one scenario fewer
    fi
    [ "$release" = trixie ] && known=$here/known-misses-10.0.tsv ;;
  *) echo "unknown release $release" >&2; exit 2 ;;
esac
out=$(mktemp -d /tmp/sshwhy-live-lab.XXXXXX)
trap 'rm -rf --one-file-system "$out"' EXIT
"$here/run-lab.sh" "${args[@]}" "$out"
python3 "$here/accuracy.py" "$bin" "$out" --known "$known" --minimum "$minimum"
