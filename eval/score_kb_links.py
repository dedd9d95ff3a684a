#!/usr/bin/env python3
"""Knowledge-base linking scored on hand-made gold (``eval/gold/kb_links/*.json``).

usage: python eval/score_kb_links.py [--shared DIR] [--gold DIR] [--verbose]

Runs the full pipeline on the gold articles (the example and PolNeAR dev texts under SHARED),
links each record with :func:`whipcount.resolve.link_record` against congress-legislators and
Open States (``SHARED/data/kb``), and matches every gold mention to the predicted person whose
mentions overlap its span most. Then

- precision: of the links made (on gold mentions, plus links on predicted people that match no
  gold mention, which are wrong by construction since the gold lists every person), how many
  carry an id of the expected person;
- recall: of the gold mentions whose person is in a knowledge base, how many were linked to it.

A link is right when one of its ids (bioguide, openstates, wikidata, govtrack) equals an id the
gold gives for that scheme (a gold value may be a list: one person, several KB records).
``kb_figures(shared)`` returns the figures for the evaluation gate.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whipcount.config import Settings
from whipcount.kb import KBIndex, load_kb_files
from whipcount.models import Article, IngestError, Person, Record
from whipcount.process import process
from whipcount.resolve import link_record

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
GOLD_DIR = REPO / "eval" / "gold" / "kb_links"
SCHEMES = ("bioguide", "openstates", "wikidata", "govtrack")


@dataclass
class Score:
    """Counts and the mistakes behind them."""

    linked: int = 0
    correct: int = 0
    gold_linked: int = 0
    found: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.linked if self.linked else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold_linked if self.gold_linked else 0.0


def load_gold(gold_dir: Path = GOLD_DIR) -> list[dict[str, Any]]:
    """Every gold file, parsed."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]


def _dates(shared: Path) -> dict[str, str]:
    path = shared / "data" / "polnear" / "metadata.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["filename"]: row["publication_date"] for row in csv.DictReader(fh, delimiter="\t")}


def gold_articles(shared: Path, golds: list[dict[str, Any]]) -> list[Article]:
    """The articles the gold is about, dated from PolNeAR's metadata."""
    dates = _dates(shared)
    arts = []
    for g in golds:
        art_id = g["article"]
        if g["split"] == "example":
            path = shared / "examples" / f"{art_id}.txt"
        else:
            path = shared / "data" / "polnear" / g["split"] / "text" / f"{art_id}.txt"
        arts.append(Article(id=art_id, source=str(path), text=path.read_text(encoding="utf-8"),
                            published=dates.get(art_id)))
    return arts


def load_index(shared: Path) -> KBIndex:
    """congress-legislators and Open States from ``SHARED/data/kb``."""
    kb = shared / "data" / "kb"
    return KBIndex(load_kb_files([kb / "congress-legislators", kb / "openstates"]))


def extract_linked(shared: Path, golds: list[dict[str, Any]], index: KBIndex | None = None) -> dict[str, Record]:
    """Linked records of the gold articles, by article id."""
    index = index or load_index(shared)
    out: dict[str, Record] = {}
    for rec in process(gold_articles(shared, golds), Settings()):
        if isinstance(rec, IngestError):
            raise SystemExit(f"score_kb_links: extraction failed: {rec}")
        out[rec.article.id] = link_record(rec, index)
    return out


def _overlap(a: tuple[int, int] | list[int], b: tuple[int, int] | list[int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_person(people: list[Person], span: list[int]) -> Person | None:
    """The predicted person with a mention overlapping ``span`` most (None when none does)."""
    best, best_len = None, 0
    for p in people:
        n = max((_overlap(m, span) for m in p.mentions), default=0)
        if n > best_len:
            best, best_len = p, n
    return best


def _ids(person: Person) -> dict[str, str]:
    return {k: str(v) for k, v in person.kb.items() if v and k in SCHEMES}


def is_right(ids: dict[str, str], expected: Any) -> bool:
    """Whether predicted ``ids`` name the expected person (see the module docstring)."""
    if not isinstance(expected, dict):
        return False
    for scheme, value in expected.items():
        values = value if isinstance(value, list) else [value]
        if ids.get(scheme) in values:
            return True
    return False


def score(golds: list[dict[str, Any]], records: dict[str, Record]) -> Score:
    """Precision and recall of the links in ``records`` against ``golds``."""
    s = Score()
    for g in golds:
        rec = records.get(g["article"])
        people = rec.people if rec else []
        matched: set[str] = set()
        for m in g["mentions"]:
            person = match_person(people, m["span"])
            ids = _ids(person) if person else {}
            if person is not None:
                matched.add(person.id)
            expected = m["expected"]
            if expected != "none":
                s.gold_linked += 1
            if ids:
                s.linked += 1
                if is_right(ids, expected):
                    s.correct += 1
                    s.found += 1
                else:
                    s.errors.append(f"WRONG {g['article']} {m['name']!r}: linked {ids}, expected {expected}")
            elif expected != "none":
                s.errors.append(f"MISSED {g['article']} {m['name']!r}: expected {expected}")
        for p in people:
            if p.id not in matched and _ids(p):
                s.linked += 1
                s.errors.append(f"UNMATCHED {g['article']} {p.name!r}: linked {_ids(p)}, not in the gold")
    return s


def kb_figures(shared: Path = DEFAULT_SHARED) -> dict[str, float]:
    """The gate figures: ``kb_links.precision`` and ``kb_links.recall``."""
    golds = load_gold()
    s = score(golds, extract_linked(shared, golds))
    return {"kb_links.precision": s.precision, "kb_links.recall": s.recall}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--gold", type=Path, default=GOLD_DIR)
    ap.add_argument("--verbose", "-v", action="store_true", help="list every wrong and missed link")
    args = ap.parse_args(argv)
    golds = load_gold(args.gold)
    s = score(golds, extract_linked(args.shared, golds))
    n = sum(len(g["mentions"]) for g in golds)
    print(f"gold: {len(golds)} articles, {n} person mentions, {s.gold_linked} in a knowledge base")
    print(f"links made {s.linked}, correct {s.correct}: precision {s.precision:.3f}")
    print(f"gold links found {s.found} of {s.gold_linked}: recall {s.recall:.3f}")
    if args.verbose:
        for line in s.errors:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
