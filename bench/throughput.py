"""Throughput of whipcount's extraction against bare spaCy ``nlp.pipe``, side by side in one run.

usage: python bench/throughput.py [TEXT_DIR] [--rounds N] [--model NAME]

Both sides read the same texts; the bare side runs the English model's ``nlp.pipe`` alone, the
whipcount side runs ``process()`` (text repair, the model, whipcount's components, records).
Rounds alternate the two sides so that machine noise hits both; both sides are warmed on a few
texts first (lazy loads happen once a process). Prints articles/s for each and
the ratio whipcount / bare (1.0 means whipcount costs nothing extra).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import spacy

from whipcount.config import DEFAULT_MODEL, Settings
from whipcount.models import Article
from whipcount.nlp.pipeline import load_pipeline
from whipcount.process import process

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev" / "text"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args()
    paths = sorted(Path(args.text_dir).glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    articles = [Article(id=p.stem, source=str(p), text=t) for p, t in zip(paths, texts)]
    chars = sum(len(t) for t in texts)
    settings = Settings(model=args.model, batch_size=args.batch_size)
    bare = spacy.load(args.model)
    load_pipeline(settings.model, settings.components)  # load outside the timed part
    # Warm both sides on a few texts: word lists, the reported-speech model and spaCy's own
    # lazy tables load on first use, once a process, not once an article.
    for _doc in bare.pipe(texts[:3], batch_size=args.batch_size):
        pass
    for _rec in process(articles[:3], settings):
        pass
    bare_times, wc_times = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=args.batch_size):
            pass
        bare_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _rec in process(articles, settings):
            pass
        wc_times.append(time.perf_counter() - t0)
    b, w = statistics.median(bare_times), statistics.median(wc_times)
    print(f"texts={len(texts)} chars={chars:,} rounds={args.rounds} model={args.model}")
    print(f"bare nlp.pipe      {len(texts) / b:8.2f} articles/s  ({b:.2f} s median)")
    print(f"whipcount process  {len(texts) / w:8.2f} articles/s  ({w:.2f} s median)")
    print(f"THROUGHPUT_RATIO={b / w:.3f}  (whipcount / bare; higher is better)")
    print(f"BARE_ARTICLES_PER_S={len(texts) / b:.2f}")
    print(f"WHIPCOUNT_ARTICLES_PER_S={len(texts) / w:.2f}")


if __name__ == "__main__":
    main()
