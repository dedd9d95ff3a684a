#!/usr/bin/env python3
"""What whipcount's own components cost: the pipeline with and without them, side by side.

usage: python bench/components.py [TEXT_DIR] [--rounds N] [--limit N]

Three configurations run over the same texts, interleaved article by article (in an order
that rotates from one article to the next) so that machine noise hits all of them alike: the
full pipeline (all components), the pipeline without the quote component, and the pipeline
with the quote component only (no mentions, endorsements, stances). Each run is ``process()``
end to end (text repair, the model, the components, records). Prints the median times and the
ratios:

- ``QUOTES_COST`` = full / without quotes - 1 (the issue-3 budget is 0.10);
- ``ENDORSEMENTS_MENTIONS_STANCES_COST`` = full / quotes only - 1 (the issue-4 budget is 0.15).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from whipcount.config import ALL_COMPONENTS, Settings
from whipcount.models import Article
from whipcount.nlp.pipeline import load_pipeline
from whipcount.process import process

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev" / "text"


def run(articles: list[Article], settings: Settings) -> float:
    """Seconds to process every article with ``settings``."""
    t0 = time.perf_counter()
    for _rec in process(articles, settings):
        pass
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="first N texts only")
    args = ap.parse_args()
    paths = sorted(Path(args.text_dir).glob("*.txt"))
    if args.limit:
        paths = paths[: args.limit]
    articles = [Article(id=p.stem, source=str(p), text=p.read_text(encoding="utf-8")) for p in paths]
    configs = {
        "full": ALL_COMPONENTS,
        "without quotes": tuple(c for c in ALL_COMPONENTS if c != "quotes"),
        "quotes only": ("quotes",),
    }
    settings = {name: Settings(components=comps) for name, comps in configs.items()}
    for s in settings.values():
        load_pipeline(s.model, s.components)  # load outside the timed part
        run(articles[:2], s)                  # and warm up
    names = list(settings)
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.rounds):
        spent = dict.fromkeys(names, 0.0)
        for k, article in enumerate(articles):
            for j in range(len(names)):
                name = names[(k + j) % len(names)]
                spent[name] += run([article], settings[name])
        for name in names:
            times[name].append(spent[name])
    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"texts={len(articles)} rounds={args.rounds}")
    for name, t in med.items():
        print(f"{name:16s} {t:8.2f} s median  ({len(articles) / t:6.2f} articles/s)")
    print(f"QUOTES_COST={med['full'] / med['without quotes'] - 1:.3f}  (budget 0.10)")
    print(f"ENDORSEMENTS_MENTIONS_STANCES_COST={med['full'] / med['quotes only'] - 1:.3f}  (budget 0.15)")


if __name__ == "__main__":
    main()
