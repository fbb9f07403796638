#!/usr/bin/env bash
# Re-runs the client lab (real ssh -v/-vvv against a real sshd) into a
# temporary directory and checks sshwhy's client and joined verdicts against
# the fresh labels, so a wording change in a new Debian openssh-client is
# caught. Needs root (exit 77 = skipped otherwise).
#   client-live-check.sh SSHWHY
set -eu
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "client lab: not root, skipped"
  exit 77
fi
out=$(mktemp -d /tmp/sshwhy-client-live.XXXXXX)
trap 'rm -rf --one-file-system "$out"' EXIT
"$here/client-lab.sh" "$out"
python3 "$here/client-check.py" "$bin" "$out"
