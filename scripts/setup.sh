#!/usr/bin/env bash
# Installs sshwhy's build and test dependencies from Debian's packages.
# Idempotent: installs only what is missing. Run as root (or with sudo).
set -eu
pkgs=(build-essential cmake pkg-config libpcre2-dev libzstd-dev zlib1g-dev
      libyaml-dev libcriterion-dev gzip zstd python3
      libjansson-dev libsystemd-dev liblzma-dev libbz2-dev liblz4-dev
      libarchive-dev systemd xz-utils bzip2 lz4
      libssl-dev openssh-client gettext cmark-gfm valgrind chromium
      debhelper dpkg-dev fakeroot lintian man-db groff-base bash-completion zsh
      rsyslog)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all build and test dependencies are installed"
  exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
