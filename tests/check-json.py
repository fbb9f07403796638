#!/usr/bin/env python3
"""JSON and NDJSON output must parse and carry the keys docs/cli.md
documents (its "## JSON" section), with their documented types.

usage: check-json.py DOCS_CLI GOLDEN_DIR       every committed golden output
       check-json.py DOCS_CLI --live FORMAT FILE   one output, as it was
                                                written (tests/golden/run.sh
                                                calls this after each run)

The key lists are read from docs/cli.md, not written here: the FINDING
table (keys in order, with types), the evidence item keys `{...}`, the
top-level document keys of the ```json block and the `summary` keys
(backticked names outside parentheses) with the keys of their `[{...}]`
items.
"""
import json
import re
import sys

TYPES = {"string": str, "number": int, "bool": bool, "array": list,
         "object": dict}
ITEM_TYPES = {"array of strings": str}


def spec(path):
    text = open(path, encoding="utf-8").read()
    sec = text[text.index("## JSON"):]
    nxt = sec.find("\n## ", 1)
    sec = sec if nxt < 0 else sec[:nxt]
    block = re.search(r"```json\n(.*?)```", sec, re.S).group(1)
    top = re.findall(r'"(\w+)":', block)
    stated = re.search(r"document's keys, in order: ([^.]*)\.", sec.replace("\n", " "))
    if stated and re.findall(r"`(\w+)`", stated.group(1)) != top:
        sys.exit("docs/cli.md contradicts itself: the ```json example has the keys "
                 f"{top}, the text says {stated.group(1)}")
    causes = None
    m = re.search(r"`causes`: .*?`\{([^}]*)\}`", sec, re.S)
    if m:
        causes = [k.strip() for k in m.group(1).split(",")]
    finding, types, evidence, optional = [], {}, [], set()
    table = sec[sec.index("A FINDING has these keys"):]
    for row in table.splitlines()[1:]:
        if not row.startswith("|"):
            if finding:
                break
            continue
        cells = [c.strip() for c in row.strip("|").split("|")]
        names = re.findall(r"`(\w+)`", cells[0])
        if not names or cells[0] == "key":
            continue
        for n in names:
            finding.append(n)
            # "only with ...": present in some findings only (docs/client.md)
            if cells[2].startswith("only with"):
                optional.add(n)
            types[n] = ([TYPES[t] for t in TYPES if re.search(rf"\b{t}\b", cells[1])],
                        "null" in cells[1],
                        next((ITEM_TYPES[t] for t in ITEM_TYPES if t in cells[1]), None))
        if names == ["evidence"]:
            evidence = [k.strip() for k in re.search(r"`\{([^}]*)\}`", cells[2]).group(1).split(",")]
    para = sec[sec.index("`summary`:"):]
    para = para[:para.index("\n\n")]
    items = {}
    for name, inner in re.findall(r"`(\w+)` \(`\[\{([^}]*)\}\]`", para):
        items[name] = [k.strip() for k in inner.split(",")]
    flat = re.sub(r"\([^()]*\)", "", para[len("`summary`:"):])
    summary = re.findall(r"`(\w+)`", flat)
    flat_sec = sec.replace("\n", " ")

    def keys_after(label):
        m = re.search(re.escape(label) + r" keys, in order: ([^.]*)\.", flat_sec)
        return re.findall(r"`(\w+)`", m.group(1)) if m else None
    m = re.search(r"`summary` also has `(\w+)`.*?and `(\w+)`", flat_sec)
    return {"top": top, "finding": finding, "optional": optional,
            "types": types, "causes": causes,
            "evidence": evidence, "summary": summary, "items": items,
            "success": keys_after("A successful login's"),
            "connection": keys_after("A CONNECTION's"),
            "event": keys_after("An event's"),
            "summary_optional": list(m.groups()) if m else []}


def check_connection(sp, c, where, bad):
    if not isinstance(c, dict) or list(c) != sp["connection"]:
        bad.append(f"{where}: connection keys "
                   f"{list(c) if isinstance(c, dict) else c!r}, "
                   f"documented {sp['connection']}")
        return
    for i, e in enumerate(c["events"]):
        if list(e) != sp["event"]:
            bad.append(f"{where}: event {i} keys {list(e)}, documented "
                       f"{sp['event']}")


def check_finding(sp, f, where, bad):
    if f.get("outcome") == "success":
        if list(f) != sp["success"]:
            bad.append(f"{where}: success keys {list(f)}, documented "
                       f"{sp['success']}")
        return
    want = [k for k in sp["finding"] if k not in sp["optional"] or k in f]
    if list(f) != want:
        bad.append(f"{where}: keys {list(f)}, documented {want}")
        return
    for k, v in f.items():
        kinds, nullable, item = sp["types"][k]
        if v is None and nullable:
            continue
        if not any(type(v) is t for t in kinds):
            bad.append(f"{where}: {k} = {v!r} is not {'/'.join(t.__name__ for t in kinds)}"
                       + (" or null" if nullable else ""))
        elif item is not None and not all(type(x) is item for x in v):
            bad.append(f"{where}: {k} = {v!r} is not an array of {item.__name__}")
    for i, ev in enumerate(f["evidence"]):
        if list(ev) != sp["evidence"]:
            bad.append(f"{where}: evidence {i} keys {list(ev)}, documented {sp['evidence']}")


def check_text(sp, fmt, text, where):
    """Returns (findings checked, problems)."""
    bad = []
    try:
        if fmt == "json":
            doc = json.loads(text)
            findings = doc.get("findings", []) if isinstance(doc, dict) else []
        else:
            findings = [json.loads(l) for l in text.split("\n") if l]
    except ValueError as e:
        return 0, [f"{where}: invalid {fmt}: {e}"]
    # --timeline and --summary write documents of their own.
    if fmt == "json" and isinstance(doc, dict) and "timeline" in doc:
        for i, c in enumerate(doc["timeline"], 1):
            check_connection(sp, c, f"{where}: connection {i}", bad)
        return len(doc["timeline"]), bad
    if fmt == "json" and isinstance(doc, dict) and doc.get("report") == "summary":
        return 0, bad
    if fmt == "ndjson" and findings and isinstance(findings[0], dict) and \
            "events" in findings[0]:
        for i, c in enumerate(findings, 1):
            check_connection(sp, c, f"{where}: connection {i}", bad)
        return len(findings), bad
    if fmt == "json":
        if not isinstance(doc, dict) or list(doc) != sp["top"]:
            return 0, [f"{where}: document keys {list(doc) if isinstance(doc, dict) else doc!r}, "
                       f"documented {sp['top']}"]
        if sp["causes"] is not None:
            want = {f.get("cause") for f in findings if isinstance(f, dict)
                    and f.get("outcome") != "success"}
            if set(doc["causes"]) != want:
                bad.append(f"{where}: causes {sorted(doc['causes'])}, the findings' "
                           f"causes are {sorted(want)}")
            for cid, c in doc["causes"].items():
                if not isinstance(c, dict) or list(c) != sp["causes"]:
                    bad.append(f"{where}: causes.{cid} keys "
                               f"{list(c) if isinstance(c, dict) else c!r}, "
                               f"documented {sp['causes']}")
        summ = doc["summary"]
        if sorted(k for k in summ if k not in sp["summary_optional"]) != \
                sorted(sp["summary"]):
            bad.append(f"{where}: summary keys {sorted(summ)}, documented {sorted(sp['summary'])}")
        for name, keys in sp["items"].items():
            for i, item in enumerate(summ.get(name) or []):
                if list(item) != keys:
                    bad.append(f"{where}: summary.{name}[{i}] keys {list(item)}, documented {keys}")
    for i, f in enumerate(findings, 1):
        if not isinstance(f, dict):
            bad.append(f"{where}: finding {i} is not an object")
            continue
        check_finding(sp, f, f"{where}: finding {i}", bad)
    return len(findings), bad


EXPLAIN_KEYS = ["id", "title", "confidence", "explanation", "fix", "signatures"]


def check_explain(text, where):
    """`sshwhy explain --format json`: one cause, or {"causes": [...]}."""
    bad = []
    try:
        doc = json.loads(text)
    except ValueError as e:
        return 0, [f"{where}: invalid JSON: {e}"]
    causes = doc["causes"] if "causes" in doc else [doc]
    for c in causes:
        if list(c) != EXPLAIN_KEYS:
            bad.append(f"{where}: cause keys {list(c)}, expected {EXPLAIN_KEYS}")
        elif not all(list(s) == ["rule", "meaning", "level", "examples"]
                     for s in c["signatures"]):
            bad.append(f"{where}: signature keys of {c['id']}")
    return len(causes), bad


def golden_format(args):
    for i, a in enumerate(args):
        if a in ("--format", "-f") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--format="):
            return a.split("=", 1)[1]
        if a.startswith("-f") and len(a) > 2 and not a.startswith("--"):
            return a[2:]
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sp = spec(sys.argv[1])
    if not (sp["finding"] and sp["evidence"] and sp["summary"] and sp["top"]
            and sp["success"] and sp["connection"] and sp["event"]
            and sp["summary_optional"]):
        sys.exit(f"{sys.argv[1]}: could not read the documented keys: {sp}")
    if sys.argv[2] == "--live":
        fmt, path = sys.argv[3], sys.argv[4]
        text = open(path, encoding="utf-8").read()
        if fmt == "explain-json":
            n, bad = check_explain(text, "live explain")
        else:
            n, bad = check_text(sp, fmt, text, f"live {fmt}")
        for b in bad:
            print(b)
        if bad:
            print(f"{fmt} output: {len(bad)} problems (docs/cli.md, ## JSON)")
        sys.exit(1 if bad else 0)
    golden = sys.argv[2]
    import os
    n = bad_total = outputs = 0
    for case in sorted(os.listdir(golden)):
        d = os.path.join(golden, case)
        try:
            args = open(os.path.join(d, "args")).read().split("\n")
        except OSError:
            continue
        fmt = golden_format(args)
        if fmt not in ("json", "ndjson"):
            continue
        if args[0] == "explain":
            k, bad = check_explain(open(os.path.join(d, "expected.out"),
                                        encoding="utf-8").read(), case)
            for b in bad:
                print(b)
            bad_total += len(bad)
            continue
        outputs += 1
        k, bad = check_text(sp, fmt, open(os.path.join(d, "expected.out"), encoding="utf-8").read(), case)
        n += k
        for b in bad:
            print(b)
        bad_total += len(bad)
    print(f"{outputs} JSON/NDJSON goldens, {n} findings checked against docs/cli.md")
    if outputs < 9 or n == 0:
        print(f"FAILED: at least 9 JSON/NDJSON goldens with findings expected (golden dir renamed?)")
        bad_total += 1
    print(f"{n - min(bad_total, n)} passed, {bad_total} failed")
    sys.exit(1 if bad_total else 0)


if __name__ == "__main__":
    main()
