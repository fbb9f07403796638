#!/usr/bin/env bash
# Cuts samples/cases/*.log out of the lab logs (round 1 of each scenario).
# Re-run after regenerating samples/lab, then review the golden diffs.
set -eu
cd "$(dirname "$0")/../.."
L=samples/lab; X=tests/lab/extract-case.py
port() { awk -F'\t' -v s="$1" -v l="$2" '$2==s && $4==l && $1==1 {print $5}' $L/labels.tsv; }
mk() { python3 $X "$L/$3.log" "$(port "$1" "$2")" > "samples/cases/$4.log"; }
mk sshdir-777 INFO info bad-modes-sshdir
mk authkeys-wrong-owner INFO info bad-owner-authorized-keys
mk unknown-key VERBOSE verbose unknown-key
mk unknown-key INFO info insufficient-logging-info
mk key-only-in-root DEBUG1 debug vps-root-only-key-debug1
mk key-only-in-root VERBOSE verbose vps-root-only-key-verbose
mk key-only-in-root INFO info vps-root-only-key-info
mk key-type-not-accepted INFO info key-type-not-accepted
mk rsa-key-too-small INFO info rsa-key-too-small
mk invalid-user-password INFO info invalid-user
mk allowusers INFO info allowusers
mk denygroups INFO info denygroups
mk root-login-refused INFO info root-login-refused
mk wrong-password INFO info wrong-password
mk max-auth-tries VERBOSE verbose too-many-keys
mk shell-missing INFO info shell-missing
mk from-restriction INFO info from-restriction
mk authmethods-incomplete VERBOSE verbose auth-methods-incomplete
mk cert-expired INFO info certificate-expired
mk kex-mismatch INFO info negotiation-failed
mk pubkey-disabled-match VERBOSE verbose pubkey-disabled-verbose
mk success INFO info success
python3 $X $L/info.log sw_acctexp 1 > samples/cases/account-expired.log
python3 $X $L/info.log sw_pwexp 1 > samples/cases/password-expired.log
python3 $X $L/info.log sw_nologin 1 > samples/cases/nologin.log
python3 $X samples/debug3/auth.log 56874 > samples/cases/pubkey-disabled-debug3.log   # sw_nopubkey, round 1
