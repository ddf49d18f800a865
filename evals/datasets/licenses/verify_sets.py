import json, re, glob, os, string, sys
import pypdf
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation) | {"’", "‘", "“", "”"}
def sq(t): t = "".join(c for c in t.lower() if c not in _PUNCT); return " ".join(_ARTICLES.sub(" ", t).split())
def ws(t): return re.sub(r"\s+", " ", t).strip()
KEYS = {"id", "question", "answers", "answerable", "context_doc_ids", "evidence"}
for setdir in sys.argv[1:]:
    texts = {}
    for p in glob.glob(os.path.join(setdir, "docs", "*")):
        t = "\n".join(pg.extract_text() for pg in pypdf.PdfReader(p).pages) if p.endswith(".pdf") else open(p, encoding="utf-8").read()
        texts[os.path.splitext(os.path.basename(p))[0]] = ws(t)
    rows = [json.loads(l) for l in open(os.path.join(setdir, "questions.jsonl"), encoding="utf-8") if l.strip()]
    bad = []
    for r in rows:
        if set(r) != KEYS: bad.append((r["id"], f"keys {sorted(r)}"))
        if r["answerable"]:
            ev = ws(r["evidence"])
            for d in r["context_doc_ids"]:
                if ev not in texts.get(d, ""): bad.append((r["id"], f"evidence not in {d}"))
            for a in r["answers"]:
                if a.lower() not in ev.lower(): bad.append((r["id"], f"answer {a!r} not in evidence"))
                if f" {sq(a)} " not in f" {sq(ev)} ": bad.append((r["id"], f"answer {a!r} fails normalised match"))
            if not 1 <= len(r["answers"]) <= 3: bad.append((r["id"], "answer count"))
        else:
            if r["answers"] or r["context_doc_ids"] or r["evidence"] is not None: bad.append((r["id"], "unanswerable row not empty"))
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)): bad.append(("-", "duplicate ids"))
    a = sum(r["answerable"] for r in rows)
    per_doc = {}
    for r in rows:
        for d in r["context_doc_ids"]: per_doc[d] = per_doc.get(d, 0) + 1
    print(f"{os.path.basename(setdir)}: {len(texts)} docs, {len(rows)} questions, {a} answerable (evidence+answers verified: {a - len({b[0] for b in bad})}), {len(rows)-a} unanswerable, {len(bad)} failures")
    print("  answerable per doc:", dict(sorted(per_doc.items())))
    for b in bad: print("  FAIL", *b)
