#!/usr/bin/env python3
"""Writes docs/sshwhy.1 from docs/sshwhy.1.in and the option and exit
status tables of docs/cli.md (which tests/check-cli-docs.sh keeps equal to
the option table in analyzer/cli/main.c). With --check, compares instead
and exits 1 when docs/sshwhy.1 is stale."""
import re
import sys

src = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else "."
check = "--check" in sys.argv


def roff_text(s):
    """Markdown table cell -> roff: `code` bold, escapes, no leading dot."""
    s = s.replace("\\", "\\e")
    out = []
    for i, part in enumerate(s.split("`")):
        part = part.replace("-", "\\-")
        out.append(f"\\fB{part}\\fR" if i % 2 else part)
    s = "".join(out)
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s


def table(md, heading):
    """Rows (cells) of the first table after `heading`."""
    sec = md.split(heading, 1)[1]
    rows = []
    for line in sec.splitlines():
        if line.startswith("|"):
            if re.fullmatch(r"[|:\- ]+", line.strip()):
                continue    # the |---|---| separator
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            rows.append(cells)
        elif rows:
            break
    return [r for r in rows if r[0] not in ("option", "status")]


def option_head(cell):
    """`-f`, `--format FMT` -> \\fB\\-f\\fR, \\fB\\-\\-format\\fR \\fIFMT\\fR"""
    parts = []
    for code in re.findall(r"`([^`]+)`", cell):
        name, _, arg = code.partition(" ")
        p = "\\fB" + name.replace("-", "\\-") + "\\fR"
        if arg:
            p += " \\fI" + arg.replace("-", "\\-") + "\\fR"
        parts.append(p)
    return ", ".join(parts)


md = open(f"{src}/docs/cli.md", encoding="utf-8").read()
opts = "\n".join(f".TP\n{option_head(o)}\n{roff_text(m)}"
                 for o, m in table(md, "\n| option | meaning |"))
exits = "\n".join(f".TP\n.B {s}\n{roff_text(m)}"
                  for s, m in table(md, "## Exit status"))
version = re.search(r'#define SW_VERSION "([^"]+)"',
                    open(f"{src}/analyzer/lib/s0_common.h").read()).group(1)
date = re.search(r"^## (\S+)", open(f"{src}/NEWS.md").read(), re.M)
tpl = open(f"{src}/docs/sshwhy.1.in", encoding="utf-8").read()
man = (tpl.replace("@OPTIONS@", opts).replace("@EXIT@", exits)
       .replace("@VERSION@", version).replace("@DATE@", "2026"))
if check:
    cur = open(f"{src}/docs/sshwhy.1", encoding="utf-8").read()
    if cur != man:
        print("docs/sshwhy.1 is stale: run scripts/gen-man.py")
        sys.exit(1)
    print("docs/sshwhy.1 matches docs/sshwhy.1.in and docs/cli.md")
else:
    open(f"{src}/docs/sshwhy.1", "w", encoding="utf-8").write(man)
