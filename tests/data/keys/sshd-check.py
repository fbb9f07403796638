#!/usr/bin/env python3
"""Asks a real sshd which authorized_keys lines work; writes sshd-verdicts.tsv.

For each case an authorized_keys file is written, a throwaway client key
tries to log in as root to a private sshd on 127.0.0.1:2299, and the
verdict (authenticated or not) is recorded with the file's bytes (hex) and
the client key's fingerprint. tests/unit/test_s5_keys.c checks that
s5_keys agrees: a key is usable exactly when sw_keys_find() returns a line
for it with no problem and no cert-authority.

Run as root on a machine with openssh-server (sshd is started and stopped
here; nothing else is touched). Review the diff of sshd-verdicts.tsv.
"""
import os, signal, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
tmp = tempfile.mkdtemp(prefix="sw-sshd-")
ak = os.path.join(tmp, "ak")


def sh(*a, **kw):
    return subprocess.run(a, check=True, capture_output=True, **kw)


for name, args in (("ed", ["-t", "ed25519"]), ("rsa", ["-t", "rsa", "-b", "2048"]),
                   ("ec", ["-t", "ecdsa", "-b", "256"]), ("host", ["-t", "ed25519"])):
    sh("ssh-keygen", "-q", "-N", "", "-C", name + "@client", "-f", f"{tmp}/{name}", *args)
ssh2 = sh("ssh-keygen", "-e", "-f", f"{tmp}/ed.pub").stdout
pem = sh("ssh-keygen", "-e", "-m", "PKCS8", "-f", f"{tmp}/rsa.pub").stdout
priv = open(f"{tmp}/ed", "rb").read()


def pub(n):
    return open(f"{tmp}/{n}.pub", "rb").read().strip()


ed, rsa, ec = pub("ed"), pub("rsa"), pub("ec")
edb, rsab, ecb = ed.split()[1], rsa.split()[1], ec.split()[1]
h = len(edb) // 2
wrapped = b"\n".join(rsab[i:i + 64] for i in range(0, len(rsab), 64))

cases = [
    ("plain", "ed", ed + b"\n"),
    ("CRLF", "ed", ed + b"\r\n"),
    ("CRLF, no comment", "ed", b"ssh-ed25519 " + edb + b"\r\n"),
    ("no final newline", "ed", ed),
    ("leading blanks", "ed", b"  \t" + ed + b"\n"),
    ("tabs and double spaces", "ed", b"ssh-ed25519\t" + edb + b"  c\n"),
    ("NUL in the comment", "ed", ed + b"\0junk\n"),
    ("rsa-sha2-512 type word", "rsa", b"rsa-sha2-512 " + rsab + b" x\n"),
    ("key broken in two", "ed", b"ssh-ed25519 " + edb[:h] + b"\n" + edb[h:] + b" c\n"),
    ("key wrapped at 64", "rsa", b"ssh-rsa " + wrapped + b" c\n"),
    ("type alone, key below", "ed", b"ssh-ed25519\n" + edb + b" c\n"),
    ("cut short", "ed", b"ssh-ed25519 " + edb[:h] + b" c\n"),
    ("extra bytes", "ed", b"ssh-ed25519 " + edb + b"AAAA c\n"),
    ("padding stripped", "ec", b"ecdsa-sha2-nistp256 " + ecb.rstrip(b"=") + b" c\n"),
    ("non-breaking space", "ed", b"ssh-ed25519\xc2\xa0" + edb + b" c\n"),
    ("smart quotes", "ed", b"from=\xe2\x80\x9c127.0.0.1\xe2\x80\x9d " + ed + b"\n"),
    ("smart quotes in comment", "ed", ed + b" \xe2\x80\x9cme\xe2\x80\x9d\n"),
    ("UTF-8 BOM", "ed", b"\xef\xbb\xbf" + ed + b"\n"),
    ("UTF-8 BOM, key on line 2", "ed", b"\xef\xbb\xbf# keys\n" + ed + b"\n"),
    ("UTF-16LE", "ed", b"\xff\xfe" + (ed + b"\r\n").decode().encode("utf-16-le")),
    ("unknown option", "ed", b"no-ptyy " + ed + b"\n"),
    ("options in capitals", "ed", b"NO-PTY,No-X11-Forwarding " + ed + b"\n"),
    ("quoted spaces", "ed", b'from="127.0.0.1,host a",command="echo \\"hi\\"" ' + ed + b"\n"),
    ("restrict,pty", "ed", b"restrict,pty " + ed + b"\n"),
    ("comma before blank", "ed", b"no-pty, " + ed + b"\n"),
    ("blank inside options", "ed", b"no-pty, no-X11-forwarding " + ed + b"\n"),
    ("unquoted value", "ed", b"from=127.0.0.1 " + ed + b"\n"),
    ("text after a value", "ed", b'from="127.0.0.1"y ' + ed + b"\n"),
    ("bad expiry-time", "ed", b'expiry-time="2030-12-31" ' + ed + b"\n"),
    ("future expiry-time", "ed", b'expiry-time="29991231" ' + ed + b"\n"),
    ("bad permitopen", "ed", b'permitopen="localhost" ' + ed + b"\n"),
    ("permitopen service", "ed", b'permitopen="localhost:ssh" ' + ed + b"\n"),
    ("tunnel any", "ed", b'tunnel="any" ' + ed + b"\n"),
    ("bad environment", "ed", b'environment="1FOO" ' + ed + b"\n"),
    ("two commands", "ed", b'command="a",command="b" ' + ed + b"\n"),
    ("principals without CA", "ed", b'principals="x" ' + ed + b"\n"),
    ("cert-authority on a plain key", "ed", b"cert-authority " + ed + b"\n"),
    ("type word twice", "ed", b"ssh-ed25519 " + ed + b"\n"),
    ("type word missing", "ed", edb + b" c\n"),
    ("type word misspelt", "ed", b"ssh-ed2559 " + edb + b" c\n"),
    ("type word wrong", "ed", b"ssh-rsa " + edb + b" c\n"),
    ("curve mismatch", "ec", b"ecdsa-sha2-nistp384 " + ecb + b" c\n"),
    ("private key pasted", "ed", priv),
    ("private key, then the key", "ed", priv + ed + b"\n"),
    ("SSH2 block", "ed", ssh2),
    ("PEM public key", "rsa", pem),
    ("fingerprint pasted", "ed", b"256 " + sh("ssh-keygen", "-lf", f"{tmp}/ed.pub").stdout.split()[1] + b"\n"),
]

conf = f"""Port 2299
ListenAddress 127.0.0.1
HostKey {tmp}/host
PidFile {tmp}/sshd.pid
AuthorizedKeysFile {ak}
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
"""
open(f"{tmp}/sshd_config", "w").write(conf)
os.makedirs("/run/sshd", exist_ok=True)
sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", f"{tmp}/sshd_config", "-E", f"{tmp}/sshd.log"])
try:
    time.sleep(1)
    version = subprocess.run(["ssh", "-V"], capture_output=True).stderr.decode().strip()
    out = [f"# what sshd did with each authorized_keys file ({version}); made by sshd-check.py",
           "# name\taccepted\tclient key SHA256\tfile bytes (hex)"]
    for name, key, content in cases:
        open(ak, "wb").write(content)
        r = subprocess.run(["ssh", "-v", "-p", "2299", "-i", f"{tmp}/{key}", "-o", "BatchMode=yes",
                            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                            "-o", "IdentitiesOnly=yes", "root@127.0.0.1", "true"], capture_output=True)
        ok = b"Authenticated to" in r.stderr
        fp = sh("ssh-keygen", "-lf", f"{tmp}/{key}.pub").stdout.split()[1].decode()
        out.append(f"{name}\t{int(ok)}\t{fp}\t{content.hex()}")
        print(f"{'yes' if ok else 'no '}  {name}")
        if name == "plain" and not ok:
            sys.exit("sshd-check: the plain key was refused; is port 2299 free?")
finally:
    sshd.send_signal(signal.SIGTERM)
    sshd.wait()
    subprocess.run(["rm", "-rf", tmp])
open(os.path.join(here, "sshd-verdicts.tsv"), "w").write("\n".join(out) + "\n")
