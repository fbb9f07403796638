#!/usr/bin/env bash
# Re-runs the real sshd lab into a temporary directory and checks sshwhy's
# verdicts against the fresh labels, so a wording change in a new Debian
# openssh-server is caught. Needs root (exit 77 = skipped otherwise).
#   live-check.sh SSHWHY
set -eu
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "lab: not root, skipped"
  exit 77
fi
out=$(mktemp -d /tmp/sshwhy-live-lab.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/run-lab.sh" "$out"
python3 "$here/accuracy.py" "$bin" "$out"
