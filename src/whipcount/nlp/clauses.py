"""Small dependency-parse and text helpers for the endorsement component.

Children by relation, objects of prepositions and verbs, negated copulas ("is not an
endorsement"), sentence spans without edge spaces, and dates in evidence text.
"""

from __future__ import annotations

import logging
import re

from spacy.tokens import Span, Token

from .titles import find_titles
from .extensions import text_of

LOGGER = logging.getLogger(__name__)

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_DATE = re.compile(r"\b(?P<m>[A-Z][a-z]{2,8})\.?\s+(?P<d>\d{1,2}),\s+(?P<y>\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

def doc_text_window(tok: Token, width: int) -> str:
    """Text around a token (for phrase cues)."""
    text = text_of(tok.doc)
    return text[max(0, tok.idx - width):tok.idx + width]


def child(tok: Token | None, deps: tuple[str, ...]) -> Token | None:
    if tok is None:
        return None
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def prep_obj(tok: Token | None, preps: tuple[str, ...]) -> Token | None:
    if tok is None:
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = child(c, ("pobj",))
            if obj is not None:
                return obj
    return None


def verb_object(verb: Token, prep: str) -> Token | None:
    if prep:
        return prep_obj(verb, tuple(prep.split("|")))
    objs = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    # "re-election" can come out as three objects; the one with the "of" phrase is meant
    obj = max(objs, key=lambda c: (any(k.dep_ == "prep" and k.lower_ == "of" for k in c.children), c.i)) if objs else None
    if obj is None:
        # "endorsed yesterday Hillary Clinton" parsed as npadvmod / attr / oprd
        obj = child(verb, ("attr", "oprd", "npadvmod", "dative"))
    return obj


def title_gap(gap: str) -> bool:
    """Only a title (or nothing) between a cue and a name: "endorsed State Sen. Dana Whitcombe"."""
    if not gap.strip():
        return True
    found = find_titles(gap)
    return len(gap) < 50 and bool(found) and not gap[:found[0].start].strip() and not gap[found[-1].end:].strip()


def quoted_not(tok: Token) -> bool:
    """"said he is “not ready” to endorse": a negation the parser left outside the clause."""
    left = text_of(tok.doc)[max(0, tok.idx - 12):tok.idx].lower()
    return bool(re.search(r"\bnot\W*$|n't\W*$", left))


def negated_copula(tok: Token) -> bool:
    """"This is not an endorsement"."""
    head = tok.head
    return tok.dep_ in ("attr", "acomp") and any(c.dep_ == "neg" for c in head.children)


def trimmed(sent: Span) -> tuple[int, int]:
    text = sent.text
    s = sent.start_char + (len(text) - len(text.lstrip()))
    e = sent.end_char - (len(text) - len(text.rstrip()))
    return s, max(s, e)


def when(text: str) -> str | None:
    m = _ISO.search(text)
    if m:
        return m.group(0)
    m = _DATE.search(text)
    if m:
        month = next((n for name, n in _MONTHS.items() if name.startswith(m.group("m").lower())), None)
        if month is not None and 1 <= int(m.group("d")) <= 31:
            return f"{int(m.group('y')):04d}-{month:02d}-{int(m.group('d')):02d}"
    return None
