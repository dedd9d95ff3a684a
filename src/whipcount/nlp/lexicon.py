"""Load the word lists in ``nlp/data`` (one entry a line, ``#`` comments, tab-separated fields).

Shared by the entity, mention, endorsement and stance components so every list is read once.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
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


def alternation(words: Iterable[str], ignore_case: bool = True) -> str:
    """A regular expression matching any of ``words``, the longest first, as a prefix tree.

    Equivalent to ``"|".join`` of the escaped words sorted longest first (spaces in a word
    match any run of whitespace), but Python's ``re`` tries a flat alternation word by word
    at every position of the text; the tree tests each character once. With ``ignore_case``
    the words are folded to lowercase (use the pattern with ``re.IGNORECASE``)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for part in re.findall(r"\s+|[^\s]", word.strip().lower() if ignore_case else word.strip()):
            node = node.setdefault(" " if part.isspace() else part, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [(r"\s+" if key == " " else re.escape(key)) + build(child)
                    for key, child in sorted(node.items()) if key]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie) if trie else "(?!)"
