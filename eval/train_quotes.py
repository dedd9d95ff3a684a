#!/usr/bin/env python3
"""Train the reported-speech model (``whipcount.nlp.reported``) on PolNeAR train.

usage::

    python eval/train_quotes.py [SPLIT_DIR] [-o src/whipcount/nlp/data/reported_model.json]
                                [--cache DIR] [--folds 5] [--l2 1.0] [--min-count 3]

Every (cue, content) candidate the parse offers (``whipcount.nlp.quotes.training_candidates``)
is labelled positive when its content matches a gold PolNeAR content the way the shared scorer
matches them (at least half of each overlaps). A logistic model is fitted by full-batch Adam on
the features (numpy only); the threshold is the one that gives the best candidate-level F1 over
the split when every article is scored by a model fitted without it (k-fold cross-validation
by article). The final model is refitted on the whole split and
written as JSON (a few hundred kilobytes) with the cue lemmas it may score: those seen in at
least ``--gate-count`` candidates, of which a smoothed share of at least ``--gate-rate`` were
positive. Default SPLIT_DIR: ../shared/data/polnear/train.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quote_errors import _chars, gold_with_cues, load_scorer, parsed  # noqa: E402

from whipcount.nlp.quotes import training_candidates  # noqa: E402
from whipcount.nlp.reported import ReportedModel  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SPLIT = REPO.parent / "shared" / "data" / "polnear" / "train"
DEFAULT_OUT = REPO / "src" / "whipcount" / "nlp" / "data" / "reported_model.json"

Example = tuple[str, list[str], int, int | None]   # article, features, label, gold index


def examples(split: Path, cache: Path, limit: int = 0) -> list[Example]:
    """Labelled candidates of every article of ``split``."""
    paths = sorted((split / "text").glob("*.txt"))
    if limit:
        paths = paths[:limit]
    scorer = load_scorer()
    gold = gold_with_cues(scorer, split, {p.stem for p in paths})
    docs = parsed(paths, cache / split.name)
    out: list[Example] = []
    for art, (prep, doc, _text) in docs.items():
        gch = [_chars(g["content"]) for g in gold.get(art, [])]
        for cand, feats in training_candidates(doc):
            s, e = prep.to_original(cand.start, cand.end)
            pc = set(range(s, e))
            best = None
            for j, gc in enumerate(gch):
                inter = len(pc & gc)
                if inter and inter >= 0.5 * len(gc) and inter >= 0.5 * len(pc):
                    best = j
                    break
            out.append((art, feats, int(best is not None), best))
    return out


def fit(exs: list[Example], min_count: int, l2: float, steps: int = 300) -> dict[str, float]:
    """Logistic regression weights by feature (features seen fewer than min_count times dropped)."""
    counts = Counter(f for _, feats, _, _ in exs for f in set(feats))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows, cols = [], []
    for r, (_, feats, _, _) in enumerate(exs):
        for f in set(feats):
            k = vocab.get(f)
            if k is not None:
                rows.append(r)
                cols.append(k)
    rows_a, cols_a = np.array(rows), np.array(cols)
    y = np.array([lab for _, _, lab, _ in exs], dtype=float)
    n, d = len(exs), len(vocab)
    w = np.zeros(d)
    m = np.zeros(d)
    v = np.zeros(d)
    lr, b1, b2 = 0.1, 0.9, 0.999
    for t in range(1, steps + 1):
        z = np.bincount(rows_a, weights=w[cols_a], minlength=n)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        err = p - y
        g = np.bincount(cols_a, weights=err[rows_a], minlength=d) / n + l2 * w / n
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + 1e-8)
    return {f: float(w[k]) for f, k in vocab.items() if abs(w[k]) > 1e-3}


def _lemma(feats: list[str]) -> str:
    return next(f[2:] for f in feats if f.startswith("L:"))


def cue_lemmas(exs: list[Example], min_count: int, min_rate: float) -> frozenset[str]:
    """The cue lemmas of at least ``min_count`` candidates with a positive share (add-half
    smoothed) of at least ``min_rate``."""
    seen: Counter[str] = Counter()
    positive: Counter[str] = Counter()
    for _, feats, label, _ in exs:
        lemma = _lemma(feats)
        seen[lemma] += 1
        positive[lemma] += label
    return frozenset(lemma for lemma, n in seen.items()
                     if n >= min_count and (positive[lemma] + 0.5) / (n + 1) >= min_rate)


def best_threshold(scored: list[tuple[Example, float]], n_gold: int) -> tuple[float, float]:
    """The threshold with the best candidate-level F1 (distinct gold found / n_gold) over
    ``scored`` (examples with their probabilities)."""
    best = (0.5, 0.0)
    for th in np.arange(0.1, 0.8, 0.025):
        pred = [e for e, p in scored if p >= th]
        found = {(e[0], e[3]) for e in pred if e[2]}
        fp = sum(1 for e in pred if not e[2])
        prec = len(found) / (len(found) + fp) if found or fp else 0.0
        rec = len(found) / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best[1]:
            best = (float(th), f1)
    return best


def cross_validated(exs: list[Example], arts: list[str], folds: int, args: argparse.Namespace
                    ) -> list[tuple[Example, float]]:
    """Every example's probability from a model fitted without its article's fold (the gate
    too), the candidates the gate turns down left out."""
    out: list[tuple[Example, float]] = []
    for k in range(folds):
        held = set(arts[k::folds])
        train = [e for e in exs if e[0] not in held]
        model = ReportedModel(fit(train, args.min_count, args.l2))
        gate = cue_lemmas(train, args.gate_count, args.gate_rate)
        out += [(e, model.probability(e[1])) for e in exs if e[0] in held and _lemma(e[1]) in gate]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("split_dir", type=Path, nargs="?", default=DEFAULT_SPLIT)
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "whipcount-quote-cache")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds (by article) for the threshold")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--limit", type=int, default=0, help="the first N articles only")
    ap.add_argument("--gate-count", type=int, default=3, help="fewest candidates of a cue lemma the model scores")
    ap.add_argument("--gate-rate", type=float, default=0.25,
                    help="lowest share of a cue lemma's candidates that were attributions")
    ap.add_argument("--threshold", type=float, default=0.0,
                    help="ship this threshold instead of the cross-validated best")
    args = ap.parse_args()
    split = args.split_dir.resolve()
    exs = examples(split, args.cache, args.limit)
    arts = sorted({e[0] for e in exs})
    random.Random(args.seed).shuffle(arts)
    scorer = load_scorer()
    gold, _ = scorer.load_gold(str(split))
    n_gold = sum(len(gold.get(a, [])) for a in arts)
    print(f"oracle: {len({(e[0], e[3]) for e in exs if e[2]})} distinct gold contents reachable "
          f"of {n_gold}")
    print(f"{len(exs)} candidates ({sum(e[2] for e in exs)} positive) from {len(arts)} articles")
    th, f1 = best_threshold(cross_validated(exs, arts, args.folds, args), n_gold)
    print(f"{args.folds}-fold cross-validation: best threshold {th:.3f}, candidate-level F1 {f1:.3f} "
          f"over all gold ({n_gold} gold in {len(arts)} articles)")
    lemmas = cue_lemmas(exs, args.gate_count, args.gate_rate)
    final = ReportedModel(fit(exs, args.min_count, args.l2), threshold=args.threshold or th,
                          cue_lemmas=lemmas)
    print(f"{len(lemmas)} cue lemmas pass the gate ({args.gate_count} candidates, share {args.gate_rate})")
    args.output.write_text(final.to_json() + "\n", encoding="utf-8")
    top = sorted(final.weights.items(), key=lambda kv: -kv[1])[:15]
    print("strongest features: " + ", ".join(f"{k}={v:.2f}" for k, v in top))
    print(f"{len(final.weights)} weights -> {args.output} ({args.output.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
