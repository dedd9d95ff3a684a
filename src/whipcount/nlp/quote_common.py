"""What the quote modules share: the cue lexicon, quote candidates and token look-ups.

:mod:`whipcount.nlp.quotes` finds quotes from marks and assembles the results;
:mod:`whipcount.nlp.indirect` finds reported speech in the parse. Both work on a
:class:`DocIndex` (token look-ups by character offset, built once per Doc) and produce
:class:`QuoteCand` objects.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

from .coref import read_table
from .quotemarks import MarkedRegion
from .reported import MARKS, cut_trailing_aside, subject_of

LOGGER = logging.getLogger(__name__)

SENT_END = re.compile(r"[.?!][\"'\u201d\u2019)]*(?:\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\s*$)")


@dataclass(frozen=True)
class QuoteLexicon:
    verbs: dict[str, str]          # lemma -> speech | commit | cognition | evidence
    phrases: tuple[tuple[str, ...], ...]
    title_words: frozenset[str]    # small words allowed lower case in a title
    speech: frozenset[str] = frozenset()   # lemmas of the speech class
    source_nouns: frozenset[str] = frozenset()  # common nouns that may be a source
    sourceless: frozenset[str] = frozenset()  # cue lemmas whose subject is not a source


@lru_cache(maxsize=1)
def load_quote_lexicon() -> QuoteLexicon:
    """Cue verbs and cue phrases, read once from the package data."""
    verbs: dict[str, str] = {}
    for row in read_table("quote_verbs.txt"):
        verbs.setdefault(row[0].lower(), row[1] if len(row) > 1 else "speech")
    phrases = tuple(tuple(r[0].lower().split()) for r in read_table("cue_phrases.txt"))
    small = frozenset(r[0].lower() for r in read_table("title_words.txt"))
    speech = frozenset(k for k, v in verbs.items() if v == "speech")
    nouns = frozenset([r[0].lower() for r in read_table("source_nouns.txt")]
                      + [r[0].lower().rstrip(".") for r in read_table("role_nouns.tsv")])
    return QuoteLexicon(verbs=verbs, phrases=phrases, title_words=small, speech=speech,
                        source_nouns=nouns,
                        sourceless=frozenset(r[0].lower() for r in read_table("sourceless_verbs.txt")))


@dataclass
class QuoteCand:
    kind: str
    start: int
    end: int
    cue: Token | None = None
    source: Token | None = None      # head token of the speaker mention
    region: int | None = None        # index of the top marked region
    parent: QuoteCand | None = None      # the containing quote
    inherit: bool = False            # takes the last speaker
    confidence: float = 0.5
    keep_without_speaker: bool = True
    run_on: bool = False             # a direct quote whose sentence runs on to its cue (mixed)


class DocIndex:
    """Token look-ups by character offset, built once per document."""

    def __init__(self, doc: Doc, regions: list[MarkedRegion], text: str):
        self.doc = doc
        self.text = text
        self.starts: list[int] = doc.to_array(IDX).tolist()
        self.top = [r for r in regions if r.depth == 0]
        self.top_starts = [r.open_mark for r in self.top]

    def token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def tokens(self, start: int, end: int) -> list[Token]:
        """Tokens starting in ``[start, end)``."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return [self.doc[k] for k in range(i, j)]

    def in_top_region(self, char: int) -> int | None:
        """Index of the top-level region whose marks enclose ``char``."""
        k = bisect.bisect_right(self.top_starts, char) - 1
        if k >= 0:
            r = self.top[k]
            close = r.close_mark if r.close_mark is not None else r.end
            if r.open_mark <= char <= close:
                return k
        return None


def is_cue(tok: Token, lex: QuoteLexicon) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lex.verbs


def is_speech_cue(tok: Token, lex: QuoteLexicon) -> bool:
    """A cue verb of the speech class ('said', 'added', 'telling')."""
    return is_cue(tok, lex) and tok.lemma_.lower() in lex.speech


def continues_outer_cue(tok: Token, lex: QuoteLexicon) -> bool:
    """A speech verb without a subject conjoined inside another cue's reported clause: 'said
    it was too early but added, "..."' with 'added' parsed as a conjunct of 'was'."""
    return (tok.dep_ == "conj" and is_speech_cue(tok, lex)
            and tok.head.dep_ == "ccomp" and is_cue(tok.head.head, lex)
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children))


def cue_subject(tok: Token, lex: QuoteLexicon, inverted: bool = True) -> Token | None:
    """The source of a cue verb (:func:`~whipcount.nlp.reported.subject_of`); for a speech verb
    parsed inside another cue's clause ('said X but added'), that cue's source."""
    if continues_outer_cue(tok, lex):
        outer = subject_of(tok.head.head)
        if outer is not None:
            return outer
    return subject_of(tok, inverted)


def phrase_cue(toks: list[Token], k: int, lex: QuoteLexicon) -> tuple[Token, Token, Token] | None:
    """A cue phrase of ``data/cue_phrases.txt`` at ``toks[k]``: (its first word, source, last token).

    ``toks`` are consecutive tokens of one Doc. The source is the object of the phrase's last
    word ('according to Filson', 'in the words of the mayor'), or the noun phrase standing for
    a '*' when it hangs off a word of the phrase ('in Forbes' words', 'as the prosecutor put it').
    """
    for phrase in lex.phrases:
        if toks[k].lower_ != phrase[0]:
            continue
        j, words = k, []
        src: Token | None = None
        for word in phrase:
            if j >= len(toks):
                break
            if word == "*":
                src = toks[j]
                while (src.head.i != src.i and src.head.left_edge.i == toks[j].i
                       and src.head.lower_ not in phrase):
                    src = src.head
                j = max(t.i for t in src.subtree) - toks[0].i + 1
                if j < len(toks) and toks[j].lower_ in ("'", "\u2019", "'s", "\u2019s"):
                    j += 1  # a possessive mark the parse left outside the name
                continue
            if toks[j].lower_ != word:
                break
            words.append(toks[j])
            j += 1
        else:
            if src is None:
                src = next((c for c in words[-1].children if c.dep_ == "pobj"), None)
                if src is not None:
                    return toks[k], src, max(src.subtree, key=lambda t: t.i)
            elif src.head in words:
                return toks[k], src, words[-1]
    return None


def trim_span(d: DocIndex, toks: list[Token], keep_marks: bool = False) -> tuple[int, int] | None:
    """Character span of ``toks`` without a leading 'that', edge punctuation or marks, or a
    closing aside (:func:`~whipcount.nlp.reported.cut_trailing_aside`)."""
    if not keep_marks:
        toks = cut_trailing_aside(toks)
    while toks and (toks[0].dep_ == "mark" and toks[0].lower_ in ("that", "whether", "if")
                    or toks[0].is_punct and not (keep_marks and toks[0].text[:1] in MARKS)
                    or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and not (keep_marks and toks[-1].text[:1] in MARKS)
                    or toks[-1].is_space or toks[-1].dep_ == "cc"):
        toks = toks[:-1]
    if len(toks) < 3:
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    while not keep_marks and start < end and d.text[start] in MARKS:
        start += 1
    return start, end
