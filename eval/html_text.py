#!/usr/bin/env python3
"""Main-text extraction from news HTML, scored against a gold set.

Runs :func:`whipcount.ingest.html.html_to_article` over every ``*.html`` / ``*.htm`` page of a
folder, writes one JSON line per page (``{"article": {...}}``, the record shape the shared
scorer reads) and, when the scorer is found, prints its figures.

usage::

    python eval/html_text.py [PAGES_DIR] [-o PREDICTIONS.jsonl] [--gold GOLD.jsonl]
                             [--scorer score_text.py] [--per-page]

Defaults point at ``../shared/data/html-news`` beside the checkout (pages in ``html/``, gold in
``gold.jsonl``) and ``../shared/eval/score_text.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from whipcount.ingest.html import html_to_article
from whipcount.models import Article

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_DATA = SHARED / "data" / "html-news"
DEFAULT_SCORER = SHARED / "eval" / "score_text.py"


def pages_in(folder: Path) -> list[Path]:
    """The HTML pages of ``folder`` (or of its ``html/`` subfolder), sorted by name."""
    if (folder / "html").is_dir():
        folder = folder / "html"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".html", ".htm"))


def predict(pages: list[Path], out: Path) -> tuple[int, int]:
    """Write one prediction line per page to ``out``; return (articles, errors)."""
    n_ok = n_err = 0
    with out.open("w", encoding="utf-8") as fh:
        for page in pages:
            result = html_to_article(page.read_bytes(), source=str(page), article_id=page.stem)
            if isinstance(result, Article):
                n_ok += 1
                rec = {"article": result.to_dict()}
            else:
                n_err += 1
                print(f"error: {result}", file=sys.stderr)
                rec = {"article": {"id": page.stem, "text": ""}}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return n_ok, n_err


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def per_page(gold_path: Path, pred_path: Path) -> list[tuple[str, float, float]]:
    """(id, recall, precision) per gold page, computed as the shared scorer does."""
    preds = {}
    for line in pred_path.open(encoding="utf-8"):
        if line.strip():
            art = json.loads(line)["article"]
            preds[str(art["id"])] = art.get("text") or ""
    rows = []
    for line in gold_path.open(encoding="utf-8"):
        if not line.strip():
            continue
        g = json.loads(line)
        gw = _words(g["title"] + "\n" + "\n".join(g["paragraphs"]))
        pw = _words(preds.get(g["id"], ""))
        inter = sum((gw & pw).values())
        rec = inter / max(1, sum(gw.values()))
        prec = inter / max(1, sum(pw.values())) if pw else 0.0
        rows.append((g["id"], rec, prec))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pages", nargs="?", type=Path, default=DEFAULT_DATA)
    ap.add_argument("-o", "--output", type=Path,
                    default=Path(tempfile.gettempdir()) / "whipcount-html_text.predictions.jsonl",
                    help="predictions JSONL to write (default: in the temp folder)")
    ap.add_argument("--gold", type=Path, default=None, help="gold JSONL (default: PAGES/gold.jsonl)")
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--per-page", action="store_true", help="also print recall/precision per page")
    args = ap.parse_args(argv)

    pages = pages_in(args.pages)
    if not pages:
        print(f"no HTML pages in {args.pages}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    n_ok, n_err = predict(pages, args.output)
    print(f"{len(pages)} pages, {n_ok} articles, {n_err} errors in {time.perf_counter() - t0:.1f}s "
          f"-> {args.output}")

    gold = args.gold or (args.pages / "gold.jsonl")
    if not gold.is_file():
        print(f"no gold file at {gold}: not scored")
        return 0
    if args.per_page:
        for pid, rec, prec in sorted(per_page(gold, args.output), key=lambda r: r[1] + r[2]):
            print(f"{pid:32s} R={rec:.3f} P={prec:.3f}")
    if not args.scorer.is_file():
        print(f"no scorer at {args.scorer}: not scored")
        return 0
    done = subprocess.run([sys.executable, str(args.scorer), str(gold), str(args.output)],
                          capture_output=True, text=True, check=False)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
