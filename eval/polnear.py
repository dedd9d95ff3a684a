#!/usr/bin/env python3
"""Quote attribution on PolNeAR, scored by the shared scorer.

Runs :func:`whipcount.process.process` over ``SPLIT_DIR/text/*.txt`` (article id = file stem),
writes one record a line (``json.dumps(record.to_dict())``) and runs the PolNeAR scorer on them,
printing its output (content and attribution P/R/F1, direct-quote recall).

usage::

    python eval/polnear.py SPLIT_DIR [-o PREDICTIONS.jsonl] [--scorer score_polnear.py]
                           [--limit N] [--sample N --seed S]

``--sample`` takes a random sample of the split (for tuning on the large train split); the
scorer then scores only the sampled articles (a temporary split folder of links is made).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from whipcount.config import Settings
from whipcount.models import Article, IngestError
from whipcount.process import process

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCORER = REPO.parent / "shared" / "eval" / "score_polnear.py"


def articles(paths: list[Path]) -> list[Article]:
    """One Article per text file, its id the file stem."""
    return [Article(id=p.stem, source=str(p), text=p.read_text(encoding="utf-8")) for p in paths]


def sample_split(split: Path, stems: list[str]) -> Path:
    """A temporary split folder holding links to ``stems``' texts and annotations only."""
    tmp = Path(tempfile.mkdtemp(prefix="polnear-sample-"))
    (tmp / "text").mkdir()
    (tmp / "attributions").mkdir()
    wanted = set(stems)
    for s in stems:
        os.symlink(split / "text" / f"{s}.txt", tmp / "text" / f"{s}.txt")
    for ann in (split / "attributions").glob("*.ann"):
        if ann.stem.rsplit("_", 1)[0] in wanted:
            os.symlink(ann, tmp / "attributions" / ann.name)
    return tmp


def main() -> int:
    ap = argparse.ArgumentParser(description="Score whipcount's quotes on a PolNeAR split.")
    ap.add_argument("split_dir", type=Path)
    ap.add_argument("-o", "--output", type=Path, default=None)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--limit", type=int, default=0, help="first N articles only")
    ap.add_argument("--sample", type=int, default=0, help="a random sample of N articles")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    split: Path = args.split_dir.resolve()
    paths = sorted((split / "text").glob("*.txt"))
    if not paths:
        print(f"no texts in {split / 'text'}", file=sys.stderr)
        return 2
    score_dir = split
    if args.sample:
        paths = sorted(random.Random(args.seed).sample(paths, min(args.sample, len(paths))))
    elif args.limit:
        paths = paths[: args.limit]
    if args.sample or args.limit:
        score_dir = sample_split(split, [p.stem for p in paths])
    out = args.output or Path(tempfile.mkstemp(prefix="polnear-", suffix=".jsonl")[1])
    settings = Settings(components=("mentions", "quotes"))
    t0 = time.perf_counter()
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for rec in process(articles(paths), settings):
            if isinstance(rec, IngestError):
                print(f"failed: {rec}", file=sys.stderr)
                continue
            fh.write(json.dumps(rec.to_dict(with_text=False)) + "\n")
            n += 1
    print(f"{n} articles in {time.perf_counter() - t0:.1f}s -> {out}")
    if not args.scorer.exists():
        print(f"scorer not found: {args.scorer}", file=sys.stderr)
        return 0
    res = subprocess.run([sys.executable, str(args.scorer), str(score_dir), str(out)],
                         capture_output=True, text=True)
    sys.stdout.write(res.stdout)
    sys.stderr.write(res.stderr)
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
