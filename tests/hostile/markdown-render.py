#!/usr/bin/env python3
"""Markdown safety (issue 8 item 6, hostile findings D11/D12), checked by
rendering sshwhy's Markdown with a real renderer: cmark-gfm with GitHub's
extensions (autolink, table, strikethrough), raw HTML allowed (--unsafe),
as the most permissive ticket system would show it.

User names carry links, autolinks, www links, images, raw HTML, entities,
mentions, emphasis, math, tables, code-span and fence breakers and
invisible/bidi characters. The rendered HTML must contain no element a
value could have created (a, img, script, del, ...), no invisible or
direction-changing character, every fix command exactly as JSON lists it
(inside <code>), and every name still readable.

usage: markdown-render.py SSHWHY RULES_DIR
"""
import html.parser, json, os, shutil, subprocess, sys, tempfile

sshwhy, rules = sys.argv[1], sys.argv[2]
if not shutil.which("cmark-gfm"):
    print("cmark-gfm is not installed (scripts/setup.sh installs it)")
    sys.exit(1)

names = [
    "[click](http://evil.example/x)", "http://evil.example/a", "www.evil.example",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![i](http://evil.example/i.png)",
    "&rlm;x&lrm;", "&#x202E;gnp.exe&#x202C;", "&ZeroWidthSpace;z", "@octocat", "#1234",
    "**bold**", "_em_", "~~del~~", "$x^2$", "a|b|c", "`code`", "``x``", "```fence",
    "x\u202egnp.exe", "a\u2028b", "a\u061cb", "a\u2060b", "a\u200bb", "a\ufeffb",
    "<!-- c -->", "[ref]: http://evil.example", "\\*x\\*", "user@evil.example",
]
tmp = tempfile.mkdtemp(prefix="sw-md-")
log = os.path.join(tmp, "md.log")
with open(log, "w", encoding="utf-8") as f:
    for i, n in enumerate(names):
        pid = 2000 + i
        f.write("Dec  1 10:00:%02d host sshd[%d]: Failed password for %s from 10.8.0.%d port 3%04d ssh2\n"
                % (i % 60, pid, n, i + 1, i))
        f.write("Dec  1 10:00:%02d host sshd[%d]: Connection closed by authenticating user %s 10.8.0.%d port 3%04d [preauth]\n"
                % (i % 60, pid, n, i + 1, i))

def run(fmt):
    p = subprocess.run([sshwhy, "--rules", rules, "--year", "2026", "--all", "-f", fmt, log],
                       capture_output=True)
    if p.returncode != 0:
        sys.exit("sshwhy exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout

md = run("markdown")
doc = json.loads(run("json"))
r = subprocess.run(["cmark-gfm", "--unsafe", "-e", "autolink", "-e", "table", "-e", "strikethrough"],
                   input=md, capture_output=True, check=True)
out = r.stdout.decode("utf-8")

ALLOWED = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "code", "pre",
           "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "blockquote"}

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.codes, self._code = set(), [], [], None
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "code":
            self._code = []
    def handle_endtag(self, tag):
        if tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None
    def handle_data(self, d):
        self.text.append(d)
        if self._code is not None:
            self._code.append(d)
    def handle_comment(self, d):
        self.tags.add("!--")

p = P()
p.feed(out)
fail = 0
bad_tags = p.tags - ALLOWED
if bad_tags:
    print("FAIL rendered Markdown has elements a value created: %s" % sorted(bad_tags))
    fail = 1
text = "".join(p.text)
INVISIBLE = [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
             0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029, 0x061c, 0x2060, 0xfeff]
found = sorted({"U+%04X" % ord(c) for c in text if ord(c) in INVISIBLE})
if found:
    print("FAIL rendered text holds invisible characters: %s" % ", ".join(found))
    fail = 1
cmds = [c for f in doc["findings"] for c in f["commands"]]
codes = set(c.rstrip("\n") for c in p.codes)
missing = [c for c in cmds if c not in codes]
if len(cmds) < len(names) or missing:
    print("FAIL %d of %d fix commands do not render as code exactly: %r" % (len(missing), len(cmds), missing[:3]))
    fail = 1
for n in ("click", "octocat", "evil.example", "gnp.exe", "bold", "x^2"):
    if n not in text:
        print("FAIL the name part %r is no longer readable" % n)
        fail = 1
if not fail: shutil.rmtree(tmp)
else: print("kept", tmp)
if not fail:
    print("ok   %d hostile names: rendered by cmark-gfm (--unsafe, autolink, table, strikethrough) with only %s, "
          "no invisible characters, %d commands render exactly" % (len(names), sorted(p.tags), len(cmds)))
sys.exit(fail)
