#!/bin/sh
# Regenerates the key fixtures of tests/unit/test_s5_keys.c with the real
# tools (ssh-keygen from openssh-client, openssl, python3). Every run makes
# new keys; the test reads the expected fingerprints from the *.fp files
# written here by ssh-keygen itself, so nothing in the test needs editing.
# Review the diff and commit the whole directory.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -f ./*.pub ./*.fp ./*.ssh2 ./*.pem ./*.ppk ./*.txt

kg() {	# kg NAME ssh-keygen-args...: a public key NAME.pub, private discarded
	name=$1; shift
	ssh-keygen -q -N '' -C "$name@fixture" -f "$tmp/$name" "$@"
	cp "$tmp/$name.pub" "$name.pub"
}
kg ed25519 -t ed25519
kg ecdsa256 -t ecdsa -b 256
kg ecdsa384 -t ecdsa -b 384
kg ecdsa521 -t ecdsa -b 521
kg rsa3072 -t rsa -b 3072
kg rsa1024 -t rsa -b 1024
kg dsa -t dsa

# A user certificate of the ed25519 key, signed by a throwaway CA.
ssh-keygen -q -N '' -C ca@fixture -t ed25519 -f "$tmp/ca"
cp "$tmp/ca.pub" ca.pub
ssh-keygen -q -s "$tmp/ca" -I fixture-cert -n alice -V +520w \
    "$tmp/ed25519.pub"
cp "$tmp/ed25519-cert.pub" ed25519-cert.pub

# Keys ssh-keygen will not make here: a security-key (FIDO) ed25519 public
# key (any 32 bytes), and a 768-bit RSA key (below sshd's 1024-bit floor)
# made by openssl. Both are public-key blobs built by hand.
openssl genrsa -out "$tmp/rsa768.pem" 768 2>/dev/null
openssl rsa -in "$tmp/rsa768.pem" -noout -modulus | cut -d= -f2 > "$tmp/rsa768.n"
python3 - "$tmp/rsa768.n" <<'PY'
import base64, os, struct, sys
def s(b): return struct.pack(">I", len(b)) + b
def mpint(i):
    b = i.to_bytes((i.bit_length() + 7) // 8, "big")
    return s(b"\0" + b if b[0] & 0x80 else b)
n = int(open(sys.argv[1]).read().strip(), 16)
blob = s(b"ssh-rsa") + mpint(65537) + mpint(n)
open("rsa768.pub", "w").write("ssh-rsa " + base64.b64encode(blob).decode() + " rsa768@fixture\n")
blob = s(b"sk-ssh-ed25519@openssh.com") + s(os.urandom(32)) + s(b"ssh:")
open("sk-ed25519.pub", "w").write("sk-ssh-ed25519@openssh.com " + base64.b64encode(blob).decode() + " sk@fixture\n")
PY

# What sshd cannot read: the same ed25519 key in RFC 4716 (SSH2, as PuTTYgen
# exports it) and PKCS#8 PEM form, and a throwaway private key (used only as
# "pasted by mistake" text; it protects nothing).
ssh-keygen -e -f ed25519.pub > ed25519.ssh2
ssh-keygen -e -m PKCS8 -f rsa3072.pub > rsa3072.pem
ssh-keygen -q -N '' -C pasted@fixture -t ed25519 -f "$tmp/pasted"
cp "$tmp/pasted" pasted-private.txt
cp "$tmp/pasted.pub" pasted.pub

# Expected fingerprints, exactly as ssh-keygen prints them.
for f in ./*.pub; do
	n=${f%.pub}
	[ "$n" = ./rsa768 ] && continue	# ssh-keygen refuses it too
	ssh-keygen -lf "$f" > "$n.fp"
	ssh-keygen -E md5 -lf "$f" >> "$n.fp"
done
echo "fixtures written; ssh-keygen: $(ssh -V 2>&1)"
