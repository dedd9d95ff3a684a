"""Find titles ("Lt. Gov.", "House Speaker", "campaign manager") in text by character spans.

Titles are matched on text, not tokens, because the tokenizer splits abbreviations
differently by context ("Lt." is two tokens, "Gov." one). The lists are ``data/titles.txt``
and ``data/title_modifiers.txt``; party words before a title are ``data/parties.tsv``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from .extensions import text_of
from .lexicon import alternation, mapping, word_list

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class TitleMatch:
    """A title found in text: ``[start, end)`` char offsets, the title text and its party word."""

    start: int
    end: int
    text: str
    party: str | None = None


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Longest first so "lieutenant governor" wins over "governor".
    titles = alternation(word_list("titles.txt"))
    mods = alternation(word_list("title_modifiers.txt"))
    parties = alternation(mapping("parties.tsv"))
    # A title, maybe with modifiers before it, maybe with a party word first.
    core = (rf"(?:(?P<party>{parties})\s+)?(?P<title>(?:(?:{mods})\s+)*(?:{titles}))"
            r"(?![\w\-])")
    title_re = re.compile(rf"(?<![\w\-.])(?:{core})", re.IGNORECASE)
    word_re = re.compile(rf"^(?:{titles})$", re.IGNORECASE)
    return title_re, word_re


def find_titles(text: str) -> list[TitleMatch]:
    """All title phrases in ``text`` (non-overlapping, left to right)."""
    title_re, _ = _patterns()
    parties = mapping("parties.tsv")
    out = []
    for m in title_re.finditer(text):
        party_word = m.group("party")
        # A lone one-letter party word ("D", "R") is only a party marker in "(D-Conn.)" style.
        if party_word and len(party_word) == 1:
            party_word = None
        start = m.start("title") if not party_word else m.start()
        title = " ".join(m.group("title").split())
        out.append(TitleMatch(start, m.end(), title,
                              parties.get(party_word.lower()) if party_word else None))
    return out


def is_title(text: str) -> bool:
    """Whether ``text`` is exactly one title word or phrase from the list."""
    _, word_re = _patterns()
    return bool(word_re.match(" ".join(text.split())))


def title_start(match: TitleMatch, text: str) -> int:
    """Where the title words (after any party word) start."""
    if match.party is None:
        return match.start
    m = re.match(r"\S+\s+", text[match.start:match.end])
    return match.start + (m.end() if m else 0)


_DOC_TITLES = "whipcount.titles"


def doc_titles(doc: Doc) -> tuple[TitleMatch, ...]:
    """:func:`find_titles` over the whole text of ``doc``, scanned once a Doc (several
    components ask for it)."""
    found = doc.user_data.get(_DOC_TITLES)
    if found is None:
        found = doc.user_data[_DOC_TITLES] = tuple(find_titles(text_of(doc)))
    return found  # type: ignore[no-any-return]
