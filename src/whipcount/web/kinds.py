"""Endorser groups for the race and candidate pages, and FiveThirtyEight-style endorsement points.

An endorser's group comes from the store: an organization's kind (union, newspaper, party, ...),
or for a person whether one of their titles is an office (``data/endorser_points.tsv``). Points
follow the same file: governors 10, U.S. senators 5, U.S. representatives 1, everyone else 0.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

LOGGER = logging.getLogger(__name__)

# group key -> heading, in the order the pages show them
GROUPS: dict[str, str] = {
    "union": "Unions",
    "officials": "Officials",
    "newspaper": "Newspapers",
    "party": "Parties",
    "advocacy": "Advocacy groups",
    "campaign": "Campaigns",
    "government": "Government bodies",
    "company": "Companies",
    "university": "Universities",
    "organization": "Other organizations",
    "people": "People",
    "other": "Other",
}


@lru_cache(maxsize=1)
def point_rules() -> tuple[tuple[re.Pattern[str], float, str], ...]:
    """The rules of ``data/endorser_points.tsv``: (pattern, points, group), in file order."""
    text = resources.files(__package__).joinpath("data/endorser_points.tsv").read_text("utf-8")
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, points, group = line.split("\t")
        rules.append((re.compile(pattern, re.IGNORECASE), float(points), group.strip()))
    return tuple(rules)


def title_rule(titles: Iterable[str]) -> tuple[float, str] | None:
    """(points, group) of the first rule any title matches, or None."""
    return _title_rule(tuple(t for t in titles if t))


@lru_cache(maxsize=4096)
def _title_rule(titles: tuple[str, ...]) -> tuple[float, str] | None:
    # a page asks for the same endorsers' titles row after row
    for pattern, points, group in point_rules():
        if any(pattern.search(t) for t in titles):
            return points, group
    return None


def endorser_group(kind: str | None, titles: Sequence[str] = ()) -> str:
    """The group key of an endorser: its organization kind, "officials", "people" or "other"."""
    if kind == "person":
        rule = title_rule(titles)
        return rule[1] if rule else "people"
    if kind in GROUPS:
        return kind
    return "organization" if kind else "other"


def endorsement_points(kind: str | None, titles: Sequence[str] = ()) -> float:
    """FiveThirtyEight-style points of one endorsement (only people with offices score)."""
    if kind != "person":
        return 0.0
    rule = title_rule(titles)
    return rule[0] if rule else 0.0


def group_endorsements(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Rows grouped by endorser group, as (key, heading, rows) in :data:`GROUPS` order.

    Each row gains ``group`` and ``points`` (it needs ``endorser_kind`` and, for people,
    ``endorser_titles``).
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        titles = row.get("endorser_titles") or []
        row["group"] = endorser_group(row.get("endorser_kind"), titles)
        row["points"] = endorsement_points(row.get("endorser_kind"), titles)
        grouped.setdefault(row["group"], []).append(row)
    return [(key, GROUPS[key], grouped[key]) for key in GROUPS if key in grouped]
