"""Text repair for NLP with an exact offset map back to ``Article.text``.

The spaCy parser works on a repaired internal copy of the article text; everything it finds is
mapped back to the original through :class:`Prepared`. The repairs:

1. odd spaces (NBSP, thin, narrow, ideographic) become plain spaces; zero-width and direction
   characters, soft hyphens and the CR of CRLF are removed; a lone CR becomes LF;
2. Unicode NFC composition;
3. scraper junk lines ("Advertisement", "Share this:", ...; regexes in
   ``nlp/data/junk_lines.txt``) are emptied, leaving their line break;
4. quote marks (:mod:`whipcount.prepare_rules`): closing marks written as opening ones,
   straight and ``''``/```` `` ```` marks made curly, single quote marks told from apostrophes;
5. a space after a sentence end glued to the next sentence (``elections.The``) and after a
   closing quote glued to a word; photo captions run into paragraphs get a paragraph break
   on each side and are reported in :attr:`Prepared.captions`;
6. limits that keep the parser's work bounded on junk (:func:`long_run_edits`): a space every
   ``max_word_chars`` characters inside a longer word (spaCy's tokenizer is quadratic on long
   runs of punctuation), and a line break in every stretch of more than ``max_sentence_chars``
   characters without a sentence end; the parser is told to start a sentence there
   (:attr:`Prepared.sentence_starts`).

One mechanism does all of it: each repair yields edits ``(start, end, replacement)`` on the
current text, and :func:`apply_edits` applies a batch at once while carrying the offset map.

The offset map: ``offsets[i]`` is where the original material of repaired character ``i``
starts, ``ends[i]`` where it ends. A one-for-one replacement keeps the offset of the character
it replaces; a character made from several (NFC, ``''`` -> ``“``) covers all of them; an
*inserted* character (a space, a paragraph break) has the empty range at the offset of the
character that follows it, so a span that starts or ends on it maps to the text it touches
and never swallows a neighbour.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .prepare_rules import DATA_DIR, caption_edits, load_lines, quote_edits

MAX_WORD_CHARS = 200
MAX_SENTENCE_CHARS = 10_000

LOGGER = logging.getLogger(__name__)

Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` by ``replacement`` (``start == end``: insert; ``""``: delete)."""

_ODD_CHARS = re.compile("[\r\u0085\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f\u2060\u2066-\u2069"
                        "\u3000\ufeff]")
# zero-width and direction marks ('\u202a\u201dThis is why ...' from pasted posts)
_REMOVE = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                    "\u2060\u2066\u2067\u2068\u2069\ufeff")
_TO_NEWLINE = frozenset("\u0085\u2028\u2029")


@dataclass
class Prepared:
    """Repaired text plus, for each of its characters, where it came from in the original.

    ``offsets`` has ``len(text) + 1`` entries (``offsets[len(text)] == len(original)``) and is
    non-decreasing; ``ends[i]`` is the end of character ``i``'s original material (defaults to
    ``offsets[i] + 1``). ``captions`` are photo-caption spans in *original* offsets,
    ``captions_prepared`` the same spans in ``text``. ``repairs`` counts edits per repair.
    ``sentence_starts`` are offsets in ``text`` where a sentence must start (after a line
    break inserted into an over-long stretch without sentence end).
    """

    original: str
    text: str
    offsets: Sequence[int]
    ends: Sequence[int] | None = None
    captions: list[tuple[int, int]] = field(default_factory=list)
    captions_prepared: list[tuple[int, int]] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)
    sentence_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.offsets) != len(self.text) + 1:
            raise ValueError(f"offsets has {len(self.offsets)} entries for a text of {len(self.text)}")
        if self.ends is None:
            top = len(self.original)
            self.ends = array("i", (min(o + 1, top) for o in self.offsets[: len(self.text)]))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the span of ``original`` it came from.

        An empty span maps to an empty span; a span made only of inserted characters maps to the
        empty span where they were inserted.
        """
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        first = self.offsets[start]
        if end == start:
            return first, first
        assert self.ends is not None
        return first, max(first, self.ends[end - 1])

    def to_prepared(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``original`` to the smallest span of ``text`` covering what remains of it.

        Characters partly inside the span are included; deleted material maps to nothing, so the
        span of a deleted junk line comes back empty.
        """
        assert self.ends is not None
        n = len(self.text)
        first = bisect_right(self.ends, start, 0, n)
        last = bisect_left(self.offsets, end, 0, n) if end > start else first
        return first, max(first, last)


def apply_edits(text: str, offsets: Sequence[int], ends: Sequence[int],
                edits: Iterable[Edit]) -> tuple[str, array, array, int]:
    """Apply ``edits`` (offsets into ``text``) at once and carry the offset map through.

    ``offsets``/``ends`` map ``text`` to the original (see :class:`Prepared`). Edits are sorted
    by position; one that overlaps an edit already taken, or a second insertion at the same
    point, is dropped (rules that matter more must come first in ``edits``). Returns the new
    text, its offsets and ends, and how many edits were applied.
    """
    ordered = sorted(edits, key=lambda e: (e[0], e[1]))  # stable: earlier rules win ties
    pieces: list[str] = []
    new_off = array("i")
    new_end = array("i")
    pos = 0
    last_insert = -1
    applied = 0
    for start, end, repl in ordered:
        if start < pos or end < start or end > len(text) or (start == end and start == last_insert):
            LOGGER.debug("dropping conflicting edit %r at %d-%d", repl, start, end)
            continue
        pieces.append(text[pos:start])
        new_off.extend(offsets[pos:start])
        new_end.extend(ends[pos:start])
        width = len(repl)
        if width == end - start:
            new_off.extend(offsets[start:end])
            new_end.extend(ends[start:end])
        elif width and start == end:
            at = offsets[start]
            stop = max(at, ends[start - 1]) if start else at
            new_off.extend([at] * width)
            new_end.extend([stop] * width)
            last_insert = start
        elif width:
            new_off.extend([offsets[start]] * width)
            new_end.extend([ends[end - 1]] * width)
        pieces.append(repl)
        pos = end
        applied += 1
    if not applied:
        return text, array("i", offsets), array("i", ends), 0
    pieces.append(text[pos:])
    new_off.extend(offsets[pos:])  # includes the final len(original) entry
    new_end.extend(ends[pos:])
    return "".join(pieces), new_off, new_end, applied


def char_edits(text: str) -> list[Edit]:
    """Odd spaces to spaces; zero-width chars, soft hyphens and CR of CRLF removed."""
    edits: list[Edit] = []
    for m in _ODD_CHARS.finditer(text):
        i = m.start()
        c = m.group()
        if c in _REMOVE or (c == "\r" and text.startswith("\n", i + 1)):
            edits.append((i, i + 1, ""))
        elif c == "\r" or c in _TO_NEWLINE:
            edits.append((i, i + 1, "\n"))
        else:
            edits.append((i, i + 1, " "))
    return edits


def nfc_edits(text: str) -> list[Edit]:
    """NFC composition as edits, one per changed character cluster (base plus combining marks)."""
    if unicodedata.is_normalized("NFC", text):
        return []
    edits: list[Edit] = []
    for m in re.finditer(r"\S+", text):
        word = m.group()
        if unicodedata.is_normalized("NFC", word):
            continue
        base = m.start()
        # Clusters: a starter and its combining marks, merged with the one before when the two
        # compose together (Hangul jamo, some Indic vowel signs).
        clusters: list[list[int]] = []
        start = 0
        for k in range(1, len(word) + 1):
            if k < len(word) and unicodedata.combining(word[k]) != 0:
                continue
            piece = word[start:k]
            if clusters:
                ps, pe = clusters[-1]
                prev = word[ps:pe]
                if unicodedata.normalize("NFC", prev + piece) != (
                        unicodedata.normalize("NFC", prev) + unicodedata.normalize("NFC", piece)):
                    clusters[-1][1] = k
                    start = k
                    continue
            clusters.append([start, k])
            start = k
        local: list[Edit] = []
        for cs, ce in clusters:
            cluster = word[cs:ce]
            fixed = unicodedata.normalize("NFC", cluster)
            if fixed != cluster:
                local.append((base + cs, base + ce, fixed))
        rebuilt = list(word)
        for s, e, r in reversed(local):
            rebuilt[s - base:e - base] = [r]
        if "".join(rebuilt) == unicodedata.normalize("NFC", word):
            edits.extend(local)
            continue
        # Safety net, should clusters miss a composition: one edit over the changed middle.
        fixed = unicodedata.normalize("NFC", word)
        lead = 0
        while lead < min(len(word), len(fixed)) and word[lead] == fixed[lead]:
            lead += 1
        trail = 0
        while (trail < min(len(word), len(fixed)) - lead
               and word[len(word) - 1 - trail] == fixed[len(fixed) - 1 - trail]):
            trail += 1
        edits.append((base + lead, base + len(word) - trail, fixed[lead:len(fixed) - trail]))
    return edits


@lru_cache(maxsize=1)
def _junk_re() -> re.Pattern[str]:
    patterns = load_lines(DATA_DIR / "junk_lines.txt", lower=False)
    body = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
    return re.compile(rf"^[ \t]*(?:{body})[ \t]*$", re.IGNORECASE | re.MULTILINE)


def junk_edits(text: str) -> list[Edit]:
    """Empty the lines that are scraper junk, keeping their line breaks."""
    return [(m.start(), m.end(), "") for m in _junk_re().finditer(text) if m.end() > m.start()]


_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s")
_SPACE = re.compile(r"\s")


def long_run_edits(text: str, max_word_chars: int = MAX_WORD_CHARS,
                   max_sentence_chars: int = MAX_SENTENCE_CHARS) -> list[Edit]:
    """Insertions that cut over-long words (a space) and over-long sentences (a line break).

    A word (run of non-space characters) longer than ``max_word_chars`` gets a space after
    every ``max_word_chars`` characters. A stretch of a line with no sentence end (``.``,
    ``!``, ``?`` or ``…``, maybe followed by closing marks, then a space) longer than
    ``max_sentence_chars`` gets a line break at the last space before every
    ``max_sentence_chars`` characters (in the middle of a word when there is none in its
    second half). A line break is inserted *after* the space, so it starts the next piece.
    Edits are sorted, and never two at one offset.
    """
    at: dict[int, str] = {}
    if max_word_chars > 0:
        for m in re.finditer(rf"\S{{{max_word_chars + 1},}}", text):
            for cut in range(m.start() + max_word_chars, m.end(), max_word_chars):
                at[cut] = " "
    if max_sentence_chars > 0 and len(text) > max_sentence_chars:
        half = max(1, max_sentence_chars // 2)
        for line in re.finditer(rf"[^\n]{{{max_sentence_chars + 1},}}", text):
            base = line.start()
            bounds = [base, *(base + m.end() for m in _SENTENCE_END.finditer(line.group())),
                      line.end()]
            for start, end in zip(bounds, bounds[1:]):
                pos = start
                while end - pos > max_sentence_chars:
                    window = text[pos + half:pos + max_sentence_chars]
                    space = max(window.rfind(" "), window.rfind("\t"))
                    cut = pos + half + space + 1 if space >= 0 else pos + max_sentence_chars
                    at[cut] = "\n"
                    pos = cut
    return [(i, i, at[i]) for i in sorted(at)]


_STAGES: tuple[tuple[str, Callable[[str], list[Edit]]], ...] = (
    ("chars", char_edits),
    ("nfc", nfc_edits),
    ("junk", junk_edits),
    ("quotes", quote_edits),
)


def prepare(text: str, max_word_chars: int = MAX_WORD_CHARS,
            max_sentence_chars: int = MAX_SENTENCE_CHARS) -> Prepared:
    """Repair ``text`` for the parser and keep a map back to it (see the module docstring).

    ``max_word_chars`` and ``max_sentence_chars`` are the limits of :func:`long_run_edits`
    (``Settings`` has the same two); 0 turns a limit off.
    """
    cur = text
    offsets = array("i", range(len(text) + 1))
    ends = array("i", range(1, len(text) + 1))
    repairs: dict[str, int] = {}
    for name, stage in _STAGES:
        edits = stage(cur)
        if edits:
            cur, offsets, ends, count = apply_edits(cur, offsets, ends, edits)
            repairs[name] = count
    edits, caption_spans = caption_edits(cur)
    captions = sorted({(offsets[s], max(offsets[s], ends[e - 1])) for s, e in caption_spans if e > s})
    if edits:
        cur, offsets, ends, count = apply_edits(cur, offsets, ends, edits)
        repairs["spacing"] = count
    sentence_starts: list[int] = []
    edits = long_run_edits(cur, max_word_chars, max_sentence_chars)
    if edits:
        # Every edit is a one-character insertion: the k-th lands k places further on.
        sentence_starts = [pos + k + 1 for k, (pos, _, repl) in enumerate(edits) if repl == "\n"]
        cur, offsets, ends, count = apply_edits(cur, offsets, ends, edits)
        repairs["long_runs"] = count
        LOGGER.info("text repair: cut %d over-long words or sentences", count)
    prepared = Prepared(text, cur, offsets, ends, captions=captions, repairs=repairs,
                        sentence_starts=sentence_starts)
    prepared.captions_prepared = [prepared.to_prepared(s, e) for s, e in captions]
    if repairs:
        LOGGER.debug("text repair: %s; %d captions", repairs, len(captions))
    return prepared
