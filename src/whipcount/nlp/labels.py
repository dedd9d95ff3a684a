"""Quotes under a speaker's label: a line that opens with a name and a colon.

Headlines in the wire style (``Lynch: No outside influence on FBI probe``) and transcripts
(``TAPPER: And obviously, you're supporting ...``) name the speaker in a label before a colon
and give the words after it. A label is a short run of proper nouns (a name, an organisation,
a newspaper) at the start of a line; a line opened by a label word of
``data/not_speaker_labels.txt`` ("The Latest:", "Editor's Note:") or by a common word ("The
result:", "Still to come:") is not speech. The words up to the end of the line are the content:
an indirect quote, or the speaker of a quote in marks that fills the line and has none.

Reader responses and epigraphs sign a quote instead: ``"... our greatest shame." ― Sonya
Herridge``, or the name on a line of its own under the quote (``- Hillary Clinton.``). A dash
and a name that end the quote's line (or make up the next line) are its speaker.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from .coref import read_table
from .quote_common import DocIndex, QuoteCand

_LABEL = re.compile(r"^[^\S\n]*([A-Z][^\n:]{0,40}?):[^\S\n]+(\S[^\n]*)$", re.M)
MAX_LABEL_TOKENS = 4
_NAME_POS = frozenset({"PROPN"})
# after a closing mark: a dash, a name, the end of the line; or a line of its own that is a dash
# and a name (the blank line between allowed)
_SIGNATURE = re.compile(r"[^\S\n]*(?:\n[^\S\n]*){0,2}(?:--|[-\u2015\u2014\u2013])[^\S\n]*"
                        r"([A-Z][^\n,;:!?\"\u201c\u201d]{1,40}?)[^\S\n]*\.?[^\S\n]*(?:\n|$)")

# a label at the start of a quoted paragraph: '"WALLACE: Let's start with ...'
_TURN = re.compile(r"([A-Z][^\n:]{0,40}?):[^\S\n]+(?=\S)")

_not_labels: frozenset[str] | None = None


def _stop_words() -> frozenset[str]:
    global _not_labels
    if _not_labels is None:
        _not_labels = frozenset(r[0].lower() for r in read_table("not_speaker_labels.txt"))
    return _not_labels


def label_head(toks: list[Token]) -> Token | None:
    """The name a label's tokens stand for (its last word), or None when they are no name."""
    words = [t for t in toks if not t.is_punct and t.lower_ not in ("'s", "\u2019s")]
    if not words or len(words) > MAX_LABEL_TOKENS or len(words[0].text) < 2:
        return None
    stop = _stop_words()
    if any(t.lower_ in stop for t in words):
        return None
    caps = all(t.text.isupper() for t in words)
    if not caps and not all(t.pos_ in _NAME_POS or t.ent_type_ for t in words):
        return None  # 'The result:', 'Still to come:', 'Here goes:'
    if not caps and not words[0].text[:1].isupper():
        return None
    return words[-1]


def labelled_quotes(d: DocIndex, cands: list[QuoteCand]) -> list[QuoteCand]:
    """Quotes of the labelled lines of ``d``; a quote in ``cands`` filling such a line takes the
    label's speaker when it has none (it is changed in place, not returned), and a quote inside
    the line ('... I think the county ...') stays beside the line's own."""
    out: list[QuoteCand] = []
    for m in _LABEL.finditer(d.text):
        head = label_head(d.tokens(m.start(1), m.end(1)))
        if head is None:
            continue
        start, end = m.start(2), m.end(2)
        # a quote that fills the line is the labelled speech: it keeps its own speaker, or
        # takes the label's when it has none
        fills = [c for c in cands if c.parent is None and c.start - start <= 2 and start <= c.end
                 and (min(c.end, end) - max(c.start, start)) * 2 >= end - start]
        if fills:
            for c in fills:
                if c.source is None:
                    c.source, c.inherit, c.confidence = head, False, 0.8
            continue
        words = [t for t in d.tokens(start, end) if t.is_alpha]
        if sum(t.pos_ == "PROPN" for t in words) > 0.6 * len(words) and d.text.count(",", start, end) >= 3:
            continue  # 'Iowa: Tim Albrecht, Brad Anderson, Rob Barron, ...': a list of names
        body = d.text[start:end].rstrip()
        while body and body[-1] in ".;":
            body = body[:-1]
        if len(body.split()) < 3:
            continue
        out.append(QuoteCand(kind="indirect", start=start, end=start + len(body), source=head,
                             confidence=0.7))
    return out


def sign_quotes(d: DocIndex, cands: list[QuoteCand]) -> None:
    """Give a top-level direct quote without a speaker of its own the name that signs it
    ('"..." ― Sonya Herridge'); the quote is changed in place."""
    for c in cands:
        if c.parent is not None or c.kind != "direct" or (c.source is not None and not c.inherit):
            continue
        close = c.end
        while close < len(d.text) and d.text[close] in "\"'\u201c\u201d\u2018\u2019.,":
            close += 1
        m = _SIGNATURE.match(d.text, close)
        if m is None:
            continue
        head = label_head(d.tokens(m.start(1), m.end(1)))
        if head is not None:
            c.source, c.inherit, c.confidence = head, False, 0.8


def turn_label(d: DocIndex, start: int) -> tuple[Token, int] | None:
    """The speaker's label that opens a quoted paragraph at ``start`` (a transcript's turn,
    '"PENCE: Well, look, ...'): its name token and the offset where the turn's words begin;
    None when the paragraph opens with no label."""
    m = _TURN.match(d.text, start)
    if m is None:
        return None
    head = label_head(d.tokens(m.start(1), m.end(1)))
    return None if head is None else (head, m.end())
