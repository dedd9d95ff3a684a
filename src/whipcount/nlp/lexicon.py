"""Load the word lists in ``nlp/data`` (one entry a line, ``#`` comments, tab-separated fields).

Shared by the entity, mention, endorsement and stance components so every list is read once.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import resources
from typing import Any

LOGGER = logging.getLogger(__name__)


def _lines(name: str) -> list[str]:
    text = resources.files("whipcount.nlp").joinpath("data", name).read_text(encoding="utf-8")
    out = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.startswith("#") else ""
        if line.strip():
            out.append(line)
    return out


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """Entries of a one-entry-a-line list, stripped (case kept)."""
    return tuple(line.strip() for line in _lines(name))


@lru_cache(maxsize=None)
def word_set(name: str) -> frozenset[str]:
    """Lower-cased entries of a list, as a set."""
    return frozenset(w.lower() for w in word_list(name))


@lru_cache(maxsize=None)
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated list (fields stripped)."""
    return tuple(tuple(f.strip() for f in line.split("\t")) for line in _lines(name))


@lru_cache(maxsize=None)
def mapping(name: str) -> dict[str, str]:
    """A two-column table as a dict from lower-cased first field to second field."""
    return {row[0].lower(): row[1] for row in table(name) if len(row) >= 2}


@lru_cache(maxsize=None)
def jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """Objects of a JSON-lines list."""
    return tuple(json.loads(line) for line in _lines(name))


def norm(text: str) -> str:
    """Normalise curly apostrophes and spaces for comparing names."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())
