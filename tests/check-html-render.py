#!/usr/bin/env python3
"""--format html renders in a real browser (Debian's headless Chromium):
the DOM has one table row per listed failed login and the chart's bars,
no script; the page starts no network request (Chromium's net log, with a
control page that does load something to show the check can see it); the
screenshot is not blank. Skipped (77) when chromium is missing, except in
CI, where scripts/setup.sh installs it.

usage: check-html-render.py SSHWHY SRCDIR [OUTDIR]
OUTDIR keeps the page, the DOM and the screenshot (default: a temp dir)."""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sshwhy, src = sys.argv[1], os.path.realpath(sys.argv[2])
chromium = shutil.which("chromium")
if chromium is None:
    print("chromium is not installed (scripts/setup.sh installs it)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)
keep = sys.argv[3] if len(sys.argv) > 3 else None
work = keep or tempfile.mkdtemp(prefix="sshwhy-html.")
os.makedirs(work, exist_ok=True)
env = dict(os.environ, TZ="UTC", SSHWHY_RULES=os.path.join(src, "rules"))
ARGS = ["--year", "2026", "samples/lab/verbose.log",
        "samples/constructed/bruteforce.log", "samples/hostile/auth.log"]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def sshwhy_run(args):
    p = subprocess.run([sshwhy] + args, cwd=src, env=env,
                       capture_output=True, check=False)
    return p.stdout


def chrome(url, *extra, netlog=None):
    """Runs headless Chromium with a new, empty profile; its stdout."""
    prof = tempfile.mkdtemp(prefix="profile.", dir=work)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + prof,
           "--window-size=1280,2000"]
    if netlog:
        cmd.append("--log-net-log=" + netlog)
    p = subprocess.run(cmd + list(extra) + [url], capture_output=True,
                       timeout=120, check=False, cwd=work)
    shutil.rmtree(prof, ignore_errors=True)
    return p.stdout.decode("utf-8", "replace")


def page_requests(netlog):
    """URLs the page itself asked for (its isolation key is file://);
    Chromium's own background requests have another key."""
    d = json.load(open(netlog))
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    urls = []
    for e in d["events"]:
        p = e.get("params") or {}
        if types.get(e["type"]) == "URL_REQUEST_START_JOB" and \
                "file://" in p.get("network_isolation_key", "") and \
                not p.get("url", "").startswith(("file:", "data:")):
            urls.append(p["url"])
    return urls


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows = self.bars = self.scripts = self.details = 0
        self.csp = ""
        self.svg = 0
        self.causes = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "tr" and ("fail" in cls or "success" in cls):
            self.rows += 1
        if tag == "rect" and "bar" in cls:
            self.bars += 1
        if tag == "svg":
            self.svg += 1
        if tag == "script":
            self.scripts += 1
        if tag == "details":
            self.details += 1
        if tag == "h3" and (a.get("id") or "").startswith("cause-"):
            self.causes.add(a["id"][6:])
        if tag == "meta" and (a.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.csp = a.get("content") or ""


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG, by zlib."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "unexpected PNG type"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride, rows, prev = w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


# The control: a page that loads an image must show up in the net log.
control = os.path.join(work, "control.html")
open(control, "w").write('<!DOCTYPE html><img src="http://127.0.0.1:9/'
                         'canary.png"><p>control</p>')
chrome("file://" + control, "--dump-dom",
       netlog=os.path.join(work, "control-net.json"))
seen = page_requests(os.path.join(work, "control-net.json"))
check(any("canary.png" in u for u in seen),
      f"the net log shows a control page's request ({len(seen)} seen)")

report = json.loads(sshwhy_run(ARGS + ["--format", "json"]))
listed = sum(1 for f in report["findings"]   # successes are not rows
             if f.get("outcome") != "success" and not f.get("noise"))
page = os.path.join(work, "report.html")
open(page, "wb").write(sshwhy_run(ARGS + ["--format", "html"]))
dom_text = chrome("file://" + page, "--dump-dom",
                  netlog=os.path.join(work, "report-net.json"))
open(os.path.join(work, "report.dom.html"), "w").write(dom_text)
dom = Dom()
dom.feed(dom_text)
check(dom.rows == listed, f"DOM has {dom.rows} table rows for {listed} "
      "listed failed logins")
check(dom.bars > 0 and dom.svg >= 1, f"DOM has the chart: {dom.bars} bars")
check(dom.scripts == 0, "no script element")
check(dom.details == dom.rows, f"{dom.details} collapsible evidence blocks")
check({c["cause"] for c in report["summary"]["by_cause"]} <= dom.causes,
      f"each cause explained once ({len(dom.causes)} cause sections)")
check("default-src 'none'" in dom.csp, f"CSP: {dom.csp!r}")
reqs = page_requests(os.path.join(work, "report-net.json"))
check(reqs == [], f"the report page requested nothing {reqs[:3]}")

shot = os.path.join(work, "report.png")
chrome("file://" + page, "--screenshot=" + shot, "--hide-scrollbars")
w, h, bpp, rows = png_pixels(shot)
colours, counts = set(), {}
for y in range(0, h, 4):
    r = rows[y]
    for x in range(0, w * bpp, 4 * bpp):
        px = r[x:x + 3]
        colours.add(px)
        counts[px] = counts.get(px, 0) + 1
top = max(counts.values()) / sum(counts.values())
check(len(colours) > 20 and top < 0.9,
      f"screenshot {w}x{h} is not blank: {len(colours)} colours sampled, "
      f"the commonest covers {top:.0%}")
if not keep:
    shutil.rmtree(work, ignore_errors=True)
print(f"html render: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
