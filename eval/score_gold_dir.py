#!/usr/bin/env python3
"""Score extraction records against the hand-made endorsement gold in ``eval/gold/endorsements``.

A thin wrapper around the shared scorer ``shared/eval/score_gold.py``: its matching functions
(``match``, ``endorsement_ok``, ``person_ok``) are imported at run time from the path given with
``--scorer``, so the rules are exactly the shared ones (names matched loosely by last word,
containment or acronym; statuses exact with ``supports`` counted as ``endorsed``; gold items
marked ``optional`` neither required nor wrong).

usage::

    python eval/score_gold_dir.py eval/gold/endorsements PREDICTIONS.jsonl
        [--scorer ../shared/eval/score_gold.py] [--split train|dev] [--verbose]
        [--all-people] [--json]

PREDICTIONS.jsonl holds records of ``shared/docs/output-schema.md``; a record's
``article.id`` (its stem) is matched to the gold file's name (``<id>.gold.json``).

Two choices differ from running ``score_gold.py`` directly on this folder, both because the gold
lists only *titled* people: predicted people without any title are dropped before scoring
(``--all-people`` keeps them), and in gold files marked ``"people_complete": false`` an
unmatched predicted person is not counted as a false positive (it is listed with --verbose).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCORER = REPO.parent / "shared" / "eval" / "score_gold.py"
DEFAULT_GOLD = REPO / "eval" / "gold" / "endorsements"
KEYS = ("endorsements", "people")


def load_scorer(path: Path) -> ModuleType:
    """Import the shared scorer module from *path* (it is not a package)."""
    if not path.is_file():
        raise SystemExit(f"scorer not found: {path} (give --scorer)")
    spec = importlib.util.spec_from_file_location("score_gold", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("match", "endorsement_ok", "person_ok"):
        if not hasattr(module, name):
            raise SystemExit(f"{path} has no function {name}()")
    return module


def load_gold(gold_dir: Path, split: str | None = None) -> dict[str, dict[str, Any]]:
    """Gold files by article stem, optionally only those of one split."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(gold_dir.glob("*.gold.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        if split and g.get("split") != split:
            continue
        out[p.name[: -len(".gold.json")]] = g
    return out


def load_predictions(path: Path) -> dict[str, dict[str, Any]]:
    """Prediction records by article stem (last record wins for a repeated id)."""
    preds: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                stem = os.path.splitext(os.path.basename(str(rec["article"]["id"])))[0]
                preds[stem] = rec
    return preds


def _has_title(person: dict[str, Any]) -> bool:
    return any((t.get("title") if isinstance(t, dict) else t) for t in person.get("titles") or [])


def align(golds: list[dict], preds: list[dict], ok: Callable[[dict, dict], bool]) -> tuple[list[int], list[int]]:
    """Which predictions and golds stay unmatched under the same greedy one-to-one pass as
    ``score_gold.match`` (used only for the --verbose listing; counts come from ``match``)."""
    used: set[int] = set()
    unmatched_preds = []
    for i, p in enumerate(preds):
        hit = next((j for j, g in enumerate(golds) if j not in used and ok(p, g)), None)
        if hit is None:
            unmatched_preds.append(i)
        else:
            used.add(hit)
    missed = [j for j, g in enumerate(golds) if j not in used and not g.get("optional")]
    return unmatched_preds, missed


def _describe(key: str, item: dict[str, Any]) -> str:
    if key == "endorsements":
        opt = " (optional)" if item.get("optional") else ""
        return f"{item.get('endorser')} -> {item.get('endorsee')} [{item.get('status')}]{opt}"
    titles = [t.get("title") if isinstance(t, dict) else t for t in item.get("titles") or []]
    return f"{item.get('name')} {titles}"


def score(gold: dict[str, dict], preds: dict[str, dict], scorer: ModuleType, all_people: bool = False,
          verbose: bool = False, out: Any = sys.stdout) -> dict[str, dict[str, float]]:
    """Micro-averaged P/R/F1 per list over the gold articles; prints the per-article listing
    when *verbose*."""
    checks = {"endorsements": scorer.endorsement_ok, "people": scorer.person_ok}
    totals = {k: [0, 0, 0] for k in KEYS}
    missing = 0
    for art, g in gold.items():
        rec = preds.get(art)
        if rec is None:
            missing += 1
            rec = {}
        for key in KEYS:
            golds = g.get(key, [])
            plist = list(rec.get(key) or [])
            if key == "people" and not all_people:
                plist = [p for p in plist if _has_title(p)]
            tp, fp, fn = scorer.match(golds, plist, checks[key])
            extra, missed = align(golds, plist, checks[key])
            excused = key == "people" and g.get("people_complete") is False
            if excused:
                fp = 0
            t = totals[key]
            t[0] += tp
            t[1] += fp
            t[2] += fn
            if verbose and (extra or missed):
                print(f"{art} {key}: tp={tp} fp={fp} fn={fn}", file=out)
                for j in missed:
                    print(f"    MISS {_describe(key, golds[j])}", file=out)
                for i in extra:
                    tag = "EXTRA (not counted: people list incomplete)" if excused else "FP  "
                    print(f"    {tag} {_describe(key, plist[i])}", file=out)
    if missing:
        print(f"articles without a prediction: {missing} of {len(gold)}", file=out)
    result = {}
    for key, (tp, fp, fn) in totals.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        result[key] = {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold_dir", type=Path, nargs="?", default=DEFAULT_GOLD)
    ap.add_argument("predictions", type=Path)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER, help="path of shared score_gold.py")
    ap.add_argument("--split", choices=["train", "dev"], help="only gold files of this split")
    ap.add_argument("--all-people", action="store_true", help="keep predicted people without titles")
    ap.add_argument("--verbose", action="store_true", help="list misses and false positives per article")
    ap.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    args = ap.parse_args(argv)
    scorer = load_scorer(args.scorer)
    gold = load_gold(args.gold_dir, args.split)
    if not gold:
        raise SystemExit(f"no *.gold.json files in {args.gold_dir}")
    result = score(gold, load_predictions(args.predictions), scorer, args.all_people, args.verbose)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"gold articles: {len(gold)}")
    for key, r in result.items():
        print(f"{key:13s} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
              f"(tp={r['tp']} fp={r['fp']} fn={r['fn']})")
    print(" ".join(f"{k.upper()}_F1={r['f1']:.3f}" for k, r in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
