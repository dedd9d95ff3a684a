#!/usr/bin/env python3
"""Train the reported-speech model (``whipcount.nlp.reported``) on PolNeAR train.

usage::

    python eval/train_quotes.py [SPLIT_DIR] [-o src/whipcount/nlp/data/reported_model.json]
                                [--cache DIR] [--folds 5] [--l2 1.0] [--min-count 3]
                                [--pipeline-cv]

Every (cue, content) candidate the parse offers (``whipcount.nlp.quotes.training_candidates``)
is labelled positive when it is a right attribution the way the shared scorer judges one: its
content matches a gold PolNeAR content (at least half of each overlaps) and the speaker
mention it would be output with overlaps that attribution's source (or both have none). A
candidate with the right words but the wrong speaker is a false attribution to the scorer, so
it is a negative here too. A logistic model is fitted by full-batch Adam on the features
(numpy only); the threshold is the one that gives the best candidate-level F1 over the split
when every article is scored by a model fitted without it (k-fold cross-validation by article).
With ``--pipeline-cv`` the whole quote component is run on every article with its fold's model
at thresholds around that one, and the one with the best attribution F1 is shipped (the
figures it prints are the honest ones for train). The final model is refitted on the whole
split and written as JSON (a few hundred kilobytes) with the cue lemmas it may score: those
seen in at least ``--gate-count`` candidates, of which a smoothed share of at least
``--gate-rate`` were positive. Default SPLIT_DIR: ../shared/data/polnear/train.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quote_errors import _chars, gold_with_cues, load_scorer, parsed  # noqa: E402

from whipcount.nlp.indirect import output_source  # noqa: E402
from whipcount.nlp.quote_common import QuoteLexicon, load_quote_lexicon  # noqa: E402
from whipcount.nlp.quotes import speaker_mention, training_candidates  # noqa: E402
from whipcount.nlp.reported import Candidate, ReportedModel  # noqa: E402

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
    lex = load_quote_lexicon()
    out: list[Example] = []
    for art, (prep, doc, _text) in docs.items():
        gs = gold.get(art, [])
        gch = [_chars(g["content"]) for g in gs]
        for cand, feats in training_candidates(doc):
            s, e = prep.to_original(cand.start, cand.end)
            pc = set(range(s, e))
            best = None
            said_by = {"speaker_span": speaker_span(cand, prep, lex)}  # as the scorer reads a quote
            for j, gc in enumerate(gch):
                inter = len(pc & gc)
                if inter and inter >= 0.5 * len(gc) and inter >= 0.5 * len(pc) and scorer.speaker_ok(said_by, gs[j]):
                    best = j
                    break
            out.append((art, feats, int(best is not None), best))
    return out


def speaker_span(cand: Candidate, prep: Any, lex: QuoteLexicon) -> tuple[int, int] | None:
    """The original-text span of the speaker mention a candidate would be output with."""
    source = output_source(cand, lex)
    if source is None:
        return None
    return prep.to_original(*speaker_mention(source)[1])


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


def pipeline_cv(split: Path, cache: Path, exs: list[Example], arts: list[str], folds: int,
                thresholds: list[float], args: argparse.Namespace) -> list[tuple[float, float, str]]:
    """Attribution F1 of the whole quote component on every article of the split, each scored
    with a model (weights and cue gate) fitted without its fold, at each of ``thresholds``: an
    honest figure on train, where the in-sample one flatters the model. Returns (threshold,
    F1, a line of P/R/F1) per threshold."""
    from quote_errors import predict

    import whipcount.nlp.indirect as indirect

    scorer = load_scorer()
    gold, _ = scorer.load_gold(str(split))
    docs = parsed(sorted((split / "text").glob("*.txt")), cache / split.name)
    fold_models = []
    for k in range(folds):
        held = set(arts[k::folds])
        train = [e for e in exs if e[0] not in held]
        fold_models.append((held, fit(train, args.min_count, args.l2),
                            cue_lemmas(train, args.gate_count, args.gate_rate)))
    out: list[tuple[float, float, str]] = []
    shipped = indirect.load_model
    try:
        for th in thresholds:
            preds: dict = {}
            for held, weights, gate in fold_models:
                model = ReportedModel(weights, threshold=th, cue_lemmas=gate)
                indirect.load_model = lambda m=model: m  # type: ignore[assignment]
                preds.update(predict({a: docs[a] for a in held if a in docs}))
            n_pred, n_gold, _tp_c, tp_a = scorer.score({a: gold.get(a, []) for a in arts}, preds)
            p, r, f1 = scorer.prf(tp_a, n_pred, tp_a, n_gold)
            out.append((th, f1, f"P {p:.3f} R {r:.3f} F1 {f1:.3f} ({tp_a} right of {n_pred} predicted)"))
    finally:
        indirect.load_model = shipped
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
    ap.add_argument("--gate-rate", type=float, default=0.15,
                    help="lowest share of a cue lemma's candidates that were attributions")
    ap.add_argument("--threshold", type=float, default=0.0,
                    help="ship this threshold instead of the cross-validated best")
    ap.add_argument("--pipeline-cv", action="store_true",
                    help="also score the whole quote component on the split, fold by fold")
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
    if args.pipeline_cv:
        grid = [args.threshold] if args.threshold else [round(th + d, 3) for d in (-0.1, -0.05, 0, 0.05, 0.1)]
        runs = pipeline_cv(split, args.cache, exs, arts, args.folds, [t for t in grid if t > 0], args)
        for t, _f1, line in runs:
            print(f"  threshold {t:.3f}: {args.folds}-fold cross-validated quote component, attribution {line}")
        th = max(runs, key=lambda r: r[1])[0]
        print(f"threshold by the whole component: {th:.3f}")
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
