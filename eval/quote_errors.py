#!/usr/bin/env python3
"""Error analysis of the quote component on a PolNeAR split: misses and false quotes by category.

usage::

    python eval/quote_errors.py SPLIT_DIR [--sample N --seed S] [--cache DIR] [--show N]
                                [--category NAME] [--quiet]

The spaCy parse (model + mentions component) of every article is cached as a pickle in
``--cache`` (default: a folder under the system temp dir), so re-running after a change to
``whipcount.nlp.quotes`` costs only the quote component. Gold and matching are those of
``../shared/eval/score_polnear.py`` (imported at run time). Prints the scores, then counts of
missed gold attributions and false predictions by category, then up to ``--show`` examples of
each category with a little context (from the article in ../shared; nothing is stored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import importlib.util
import pickle
import random
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MARKS = set('"\u201c\u201d')


def load_scorer(path: Path = SHARED / "eval" / "score_polnear.py") -> ModuleType:
    """The shared PolNeAR scorer, imported by path."""
    spec = importlib.util.spec_from_file_location("score_polnear", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def gold_with_cues(scorer: ModuleType, split: Path, ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Gold attributions like ``scorer.load_gold`` plus the cue text, for the articles ``ids``."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[str] = set()
    for ann in sorted((split / "attributions").glob("*.ann")):
        base = ann.stem.rsplit("_", 1)[0]
        if base in seen or base not in ids:
            continue
        seen.add(base)
        text = (split / "text" / f"{base}.txt").read_text(encoding="utf-8")
        spans, events = scorer.parse_ann(str(ann))
        for ev in events:
            if "Content" not in ev or ev["Content"] not in spans:
                continue
            content = spans[ev["Content"]][1]
            source = spans[ev["Source"]][1] if ev.get("Source") in spans else None
            cue = spans[ev["Cue"]][1] if ev.get("Cue") in spans else None
            ctext = "".join(text[s:e] for s, e in content)
            out[base].append({
                "content": content, "source": source, "cue": cue,
                "source_text": " ".join(text[s:e] for s, e in source) if source else None,
                "cue_text": " ".join(text[s:e] for s, e in cue) if cue else "",
                "direct": any(ch in MARKS for ch in ctext)})
    return out


def parsed(paths: list[Path], cache: Path) -> dict[str, tuple[Any, Any, str]]:
    """(prepared, doc, original text) per article: the model and mentions ran, quotes not.

    The cache holds ``doc.to_bytes()`` without user data plus the people and organizations
    of the mentions component; every Doc is read back into one shared vocabulary.
    """
    import spacy
    from spacy.tokens import Doc

    from whipcount.nlp.extensions import get_facts, setup_extensions
    from whipcount.nlp.pipeline import load_pipeline
    from whipcount.prepare import prepare

    setup_extensions()
    cache.mkdir(parents=True, exist_ok=True)
    vocab = spacy.blank("en").vocab
    out: dict[str, tuple[Any, Any, str]] = {}
    todo = []
    nlp = load_pipeline(components=("mentions",))
    pipes = ",".join(nlp.pipe_names)
    for p in paths:
        text = p.read_text(encoding="utf-8")
        # keyed by the repaired text and the pipeline's components: a change to the text repair
        # or a component added before the parser parses the article again
        key = hashlib.sha1((pipes + "\0" + prepare(text).text).encode()).hexdigest()[:16]
        f = cache / f"{p.stem}.{key}.bin"
        if f.exists():
            prep, raw, people, orgs = pickle.loads(f.read_bytes())
            doc = Doc(vocab).from_bytes(raw)
            facts = get_facts(doc)
            facts.people, facts.organizations = people, orgs
            out[p.stem] = (prep, doc, text)
        else:
            todo.append((p, text, f))
    if todo:
        for p, text, f in todo:
            prep = prepare(text)
            doc = nlp.make_doc(prep.text)
            doc._.wc_captions = list(getattr(prep, "captions_prepared", []) or [])
            doc = nlp(doc)
            facts = get_facts(doc)
            raw = doc.to_bytes(exclude=["user_data"])
            f.write_bytes(pickle.dumps((prep, raw, facts.people, facts.organizations)))
            doc2 = Doc(vocab).from_bytes(raw)
            f2 = get_facts(doc2)
            f2.people, f2.organizations = facts.people, facts.organizations
            out[p.stem] = (prep, doc2, text)
    return out


def predict(docs: dict[str, tuple[Any, Any, str]]) -> dict[str, list[dict[str, Any]]]:
    """Quote dicts (original offsets) per article, from a fresh quote component."""
    from whipcount.models import Article
    from whipcount.nlp.extensions import get_facts
    from whipcount.nlp.quotes import QuoteFinder
    from whipcount.record import facts_to_record

    finder = QuoteFinder()
    preds: dict[str, list[dict[str, Any]]] = {}
    for art, (prep, doc, text) in docs.items():
        facts = get_facts(doc)
        facts.quotes = []
        finder(doc)
        rec = facts_to_record(Article(id=art, source=art, text=text), prep, facts, "")
        preds[art] = [q for q in rec.to_dict(with_text=False)["quotes"] if q.get("span")]
    return preds


def _chars(frags) -> set[int]:
    out: set[int] = set()
    for s, e in frags:
        out.update(range(s, e))
    return out


def miss_category(g: dict[str, Any], overlapping: list[dict[str, Any]], text: str) -> str:
    """Why a gold attribution was not matched (or matched without the right speaker)."""
    s, e = g["content"][0][0], g["content"][-1][1]
    ctext = text[s:e]
    cue = g["cue_text"].lower()
    if not overlapping:
        if g["direct"]:
            stripped = ctext.strip()
            if stripped[:1] in MARKS and stripped[-1:] in MARKS | set(".,"):
                return "miss-direct-whole"
            return "miss-mixed"
        if not g["cue"]:
            return "miss-indirect-nocue"
        if re.search(r"\baccording\b", cue):
            return "miss-according"
        if len(ctext.split()) <= 6:
            return "miss-np-content"
        return "miss-indirect"
    return "boundary-" + ("direct" if g["direct"] else "indirect")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("split_dir", type=Path)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "whipcount-quote-cache")
    ap.add_argument("--show", type=int, default=4)
    ap.add_argument("--category", default="")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("-o", "--output", type=Path, help="also write the predictions here (JSON lines)")
    args = ap.parse_args()
    split = args.split_dir.resolve()
    paths = sorted((split / "text").glob("*.txt"))
    if args.sample:
        paths = sorted(random.Random(args.seed).sample(paths, min(args.sample, len(paths))))
    scorer = load_scorer()
    gold = gold_with_cues(scorer, split, {p.stem for p in paths})
    docs = parsed(paths, args.cache / split.name)
    preds = predict(docs)
    if args.output:
        with args.output.open("w", encoding="utf-8") as fh:
            for art, qs in preds.items():
                fh.write(json.dumps({"article": {"id": art}, "quotes": qs}) + "\n")
    n_pred, n_gold, tp_c, tp_a = scorer.score(gold, preds)
    p = tp_a / n_pred if n_pred else 0
    r = tp_a / n_gold if n_gold else 0
    print(f"gold={n_gold} pred={n_pred} content P={tp_c / max(n_pred, 1):.3f} R={tp_c / max(n_gold, 1):.3f}"
          f" | attribution P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r) if p + r else 0:.3f}"
          f" ({tp_a} right of {n_pred} predicted)")
    for label, sub in (("direct", True), ("indirect", False)):
        _, ng, tc, ta = scorer.score(gold, preds, sub)
        print(f"  recall {label}: content={tc / max(ng, 1):.3f} attribution={ta / max(ng, 1):.3f} (gold={ng})")
    cats: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for art, gs in gold.items():
        text = docs[art][2]
        ps = preds.get(art, [])
        gch = [_chars(g["content"]) for g in gs]
        pch = [_chars([tuple(q["span"])]) for q in ps]
        pairs = []
        for i, pc in enumerate(pch):
            for j, gc in enumerate(gch):
                inter = len(pc & gc)
                if inter and inter >= 0.5 * len(gc) and inter >= 0.5 * len(pc):
                    pairs.append((inter, i, j))
        used_p: dict[int, int] = {}
        used_g: dict[int, int] = {}
        for _, i, j in sorted(pairs, reverse=True):
            if i in used_p or j in used_g:
                continue
            used_p[i], used_g[j] = j, i
        for j, g in enumerate(gs):
            s, e = g["content"][0][0], g["content"][-1][1]
            if j in used_g:
                q = ps[used_g[j]]
                if scorer.speaker_ok(q, g):
                    continue
                cat = "speaker-" + ("nosource" if g["source"] is None else
                                    "none" if not q.get("speaker") and not q.get("speaker_span") else "wrong") \
                    + ("-direct" if g["direct"] else "")
                line = (f"[{art}] gold src={g['source_text']!r} cue={g['cue_text']!r} | pred "
                        f"speaker={q.get('speaker')!r} span={text[slice(*q['speaker_span'])] if q.get('speaker_span') else None!r}"
                        f" kind={q['kind']} :: {text[s:e][:160]!r}")
            else:
                over = [q for q, pc in zip(ps, pch) if pc & gch[j]]
                cat = miss_category(g, over, text)
                ctx = text[max(0, s - 80):s] + "[[" + text[s:e] + "]]" + text[e:e + 60]
                line = (f"[{art}] cue={g['cue_text']!r} src={g['source_text']!r} ::"
                        f" {ctx[:420]!r}")
                if over:
                    line += " || pred: " + " | ".join(repr(text[slice(*q['span'])][:120]) for q in over[:2])
            cats[cat] += 1
            examples[cat].append(line)
        for i, q in enumerate(ps):
            if i in used_p:
                continue
            overlaps = any(pch[i] & gc for gc in gch)
            cat = f"false-{q['kind']}" + ("-overlap" if overlaps else "")
            s, e = q["span"]
            ctx = text[max(0, s - 60):s] + "[[" + text[s:e] + "]]" + text[e:e + 40]
            cats[cat] += 1
            examples[cat].append(f"[{art}] cue={q.get('cue')!r} speaker={q.get('speaker')!r} :: {ctx[:400]!r}")
    print("\nerrors by category:")
    for cat, n in cats.most_common():
        print(f"  {cat:28s} {n}")
    if args.quiet:
        return 0
    rng = random.Random(1)
    for cat, n in cats.most_common():
        if args.category and cat != args.category:
            continue
        print(f"\n== {cat} ({n})")
        ex = examples[cat]
        for line in rng.sample(ex, min(len(ex), args.show)):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
