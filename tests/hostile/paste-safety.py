#!/usr/bin/env python3
"""Paste safety of fix commands (issue 8, hostile findings D1-D3).

Builds a log whose user names and paths carry shell payloads (quotes,
$(), backticks, ;, ||, &&, backslashes, 100-byte names, a NUL, a leading
'-'), runs sshwhy in every format, extracts every fix command a person
could copy (text: the indented command lines; Markdown: ```sh blocks;
JSON/NDJSON: "commands"; HTML: <pre><code> when the format exists) and
runs each with bash and an empty PATH. A payload only uses shell builtins
(echo and a redirection), so if any quoting breaks, the marker file
appears. The test also checks that commands carrying the hostile names
were produced (quoted), so it cannot pass by extracting nothing.

usage: paste-safety.py SSHWHY RULES_DIR
"""
import html, json, os, re, subprocess, sys, tempfile

sshwhy, rules = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="sw-paste-")
mark = os.path.join(tmp, "PWNED")

payloads = [
    "';echo PWNED>%s;'" % mark,
    "$(echo PWNED>%s)" % mark,
    "`echo PWNED>%s`" % mark,
    "x;echo PWNED>%s" % mark,
    "x||echo PWNED>%s" % mark,
    "x&&echo PWNED>%s" % mark,
    "x'\\''$(echo PWNED>%s)" % mark,
    "a\\';echo PWNED>%s;#" % mark,
    "\"$(echo PWNED>%s)\"" % mark,
    "o'brien",
    "x" * 60 + "';echo PWNED>%s;'" % mark,     # about 100 bytes
    "-d;echo PWNED>%s" % mark,
    "{a,b}*?[x]~;echo PWNED>%s" % mark,
]
lines = []
pid = 1000
for i, u in enumerate(payloads):
    ip = "10.9.%d.%d" % (i // 200, i % 200 + 1)
    for tmpl in (
        "Failed password for {u} from {ip} port 4{i:04d} ssh2",
        "User {u} not allowed because account is locked",
        "Authentication refused: bad ownership or modes for directory /home/{u}/.ssh",
        "Failed password for invalid user {u} from {ip} port 5{i:04d} ssh2",
    ):
        pid += 1
        msg = tmpl.format(u=u, ip=ip, i=i)
        lines.append("Dec  1 10:%02d:%02d host sshd[%d]: Connection from %s port 6%04d on 10.0.0.1 port 22" % (i, pid % 60, pid, ip, i))
        if "refused" in tmpl or "locked" in tmpl:
            lines.append("Dec  1 10:%02d:%02d host sshd[%d]: %s" % (i, pid % 60, pid, msg))
            lines.append("Dec  1 10:%02d:%02d host sshd[%d]: Connection closed by authenticating user %s %s port 6%04d [preauth]" % (i, pid % 60, pid, u, ip, i))
        else:
            lines.append("Dec  1 10:%02d:%02d host sshd[%d]: %s" % (i, pid % 60, pid, msg))
            lines.append("Dec  1 10:%02d:%02d host sshd[%d]: Connection closed by %s port 6%04d [preauth]" % (i, pid % 60, pid, ip, i))
log = os.path.join(tmp, "hostile.log")
with open(log, "wb") as f:
    f.write(("\n".join(lines) + "\n").encode())
    # A NUL inside a user name (D3).
    f.write(b"Dec  1 11:00:00 host sshd[9001]: Failed password for root\x00;echo PWNED>" + mark.encode() + b"; from 10.9.9.9 port 22 ssh2\n")

def run(fmt):
    p = subprocess.run([sshwhy, "--rules", rules, "--year", "2026", "--all", "-f", fmt, log],
                       capture_output=True)
    if p.returncode not in (0, 4):
        sys.exit("sshwhy -f %s exited %d: %s" % (fmt, p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout

def cmds_text(out):
    cmds, in_fix = [], False
    for line in out.decode("utf-8", "surrogateescape").split("\n"):
        if line.startswith("  fix       "):
            in_fix = True
            continue
        if in_fix and line.startswith("              "):
            cmds.append(line[14:])
        elif in_fix and not line.startswith("            "):
            in_fix = False
    return cmds

def cmds_markdown(out):
    """Every ```sh block (longer fences too): each is one command."""
    text = out.decode("utf-8", "surrogateescape")
    return [m.group(2).rstrip("\n") for m in re.finditer(r"(?ms)^(`{3,})sh\n(.*?)^\1$", text)]

def cmds_json(out):
    doc = json.loads(out)
    return [c for f in doc["findings"] for c in f["commands"]]

def cmds_ndjson(out):
    return [c for l in out.splitlines() if l.strip() for c in json.loads(l)["commands"]]

def cmds_html(out):
    text = out.decode("utf-8", "surrogateescape")
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"(?s)<pre[^>]*><code[^>]*>(.*?)</code></pre>", text)]

formats = {"text": cmds_text, "markdown": cmds_markdown, "json": cmds_json, "ndjson": cmds_ndjson}
if subprocess.run([sshwhy, "--rules", rules, "-f", "html", os.devnull], capture_output=True).returncode == 0:
    formats["html"] = cmds_html

fail = 0
quoted_names = 0
for fmt, extract in formats.items():
    cmds = extract(run(fmt))
    if len(cmds) < 20:
        print("FAIL %s: only %d commands extracted" % (fmt, len(cmds)))
        fail = 1
        continue
    with_payload = [c for c in cmds if "PWNED" in c]
    if len(with_payload) < 10:
        print("FAIL %s: only %d commands carry a hostile value (all withheld?)" % (fmt, len(with_payload)))
        fail = 1
    quoted_names += len(with_payload)
    for c in cmds:
        if "\n" in c:
            print("FAIL %s: a command spans lines: %r" % (fmt, c))
            fail = 1
        subprocess.run(["/bin/bash", "--norc", "--noprofile", "-c", c], env={"PATH": ""}, cwd=tmp,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.path.exists(mark):
            print("FAIL %s: pasting this command ran planted code: %r" % (fmt, c))
            os.unlink(mark)
            fail = 1
    print("%s %s: %d commands run with bash and an empty PATH, %d carrying hostile values, none ran planted code"
          % ("ok  " if not fail else "    ", fmt, len(cmds), len(with_payload)))
    # A leading '-' and the NUL must withhold their commands.
    out = run(fmt).decode("utf-8", "surrogateescape")
    if fmt == "html":
        out = html.unescape(out)    # the page escapes ' as &#39;
    for why in ("starts with '-'", "NUL byte"):
        if why not in out:
            print("FAIL %s: no command withheld because the value %s" % (fmt, why))
            fail = 1
subprocess.run(["rm", "-rf", tmp])
sys.exit(fail)
