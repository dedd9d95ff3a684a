#!/usr/bin/env python3
"""Score speaker names against eval/gold/speakers: do pronoun and surname speakers get full names?

usage: python eval/score_speakers.py [GOLD.jsonl] [--predictions RECORDS.jsonl] [--shared DIR] [-v]

Without ``--predictions`` the pipeline (mentions + quotes) runs on the gold's articles. A gold item
is *found* when a predicted quote's span shares at least half of each with the gold content; it
is *named* when that quote's ``speaker`` carries the gold name's first and last word (case and
initials ignored). Prints found / all and named / found (the issue-3 target: >= 0.90).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO / "eval" / "gold" / "speakers" / "polnear-dev.jsonl"
DEFAULT_SHARED = REPO.parent / "shared"


def name_words(name: str) -> list[str]:
    """Lower-case words of a name without initials and honorifics ('Donald J. Trump' -> donald, trump)."""
    words = [w.lower() for w in re.findall(r"[\w'\-]+", name or "")]
    return [w for w in words if len(w) > 1 and w not in ("mr", "mrs", "ms", "dr", "sen", "rep", "gov")]


def same_person(pred: str | None, gold: str) -> bool:
    """The predicted name has the gold name's first and last word."""
    p, g = name_words(pred or ""), name_words(gold)
    return bool(p and g) and g[0] in p and g[-1] == p[-1]


def load_gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def predict(gold: list[dict[str, Any]], shared: Path) -> dict[str, list[dict[str, Any]]]:
    """Quotes per article from the pipeline (mentions + quotes)."""
    from whipcount.config import Settings
    from whipcount.models import Article, IngestError
    from whipcount.process import process

    ids = sorted({g["article"] for g in gold})
    arts = []
    for art in ids:
        split = next(g["split"] for g in gold if g["article"] == art)
        p = shared / "data" / "polnear" / split / "text" / f"{art}.txt"
        arts.append(Article(id=art, source=str(p), text=p.read_text(encoding="utf-8")))
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in process(arts, Settings(components=("mentions", "quotes"))):
        if isinstance(rec, IngestError):
            continue
        out[rec.article.id] = rec.to_dict(with_text=False)["quotes"]
    return out


def score(gold: list[dict[str, Any]], preds: dict[str, list[dict[str, Any]]],
          verbose: bool = False) -> dict[str, float]:
    """found, named and their rates over the gold items."""
    found = named = 0
    for g in gold:
        gc: set[int] = set()
        for s, e in g["content"]:
            gc.update(range(s, e))
        best, best_inter = None, 0
        for q in preds.get(g["article"], []):
            if not q.get("span"):
                continue
            pc = set(range(*q["span"]))
            inter = len(pc & gc)
            if inter >= 0.5 * len(gc) and inter >= 0.5 * len(pc) and inter > best_inter:
                best, best_inter = q, inter
        if best is None:
            continue
        found += 1
        ok = same_person(best.get("speaker"), g["speaker"])
        named += ok
        if verbose and not ok:
            print(f"  {g['article']} {g['mention']} {g['kind']}: gold {g['speaker']!r}, "
                  f"predicted {best.get('speaker')!r}")
    n = len(gold)
    return {"gold": n, "found": found, "named": named,
            "found_rate": found / n if n else 0.0, "named_rate": named / found if found else 0.0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path, nargs="?", default=DEFAULT_GOLD)
    ap.add_argument("--predictions", type=Path)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    gold = load_gold(args.gold)
    if args.predictions:
        preds: dict[str, list[dict[str, Any]]] = {}
        for line in args.predictions.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                art = Path(obj["article"]["id"]).stem
                preds.setdefault(art, []).extend(obj.get("quotes", []))
    else:
        preds = predict(gold, args.shared)
    s = score(gold, preds, args.verbose)
    by_kind = {}
    for kind in ("pronoun", "surname"):
        by_kind[kind] = score([g for g in gold if g["kind"] == kind], preds)
    print(f"gold={s['gold']} found={s['found']} ({s['found_rate']:.3f}) "
          f"named={s['named']} NAMED_RATE={s['named_rate']:.3f}")
    for kind, k in by_kind.items():
        print(f"  {kind:8s} gold={k['gold']} found={k['found']} named={k['named']} rate={k['named_rate']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
