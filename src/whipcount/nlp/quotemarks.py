"""Find quoted regions in text from its quote marks alone (no model needed).

News text is messy: straight and curly marks mixed, closing marks written as opening ones,
apostrophes that look like single quotes, quotes that run over several paragraphs (each
paragraph opens with a mark, only the last one closes) and marks that never close. The scanner
reads the text once, left to right, and returns :class:`MarkedRegion` objects: the content
between the marks (without them), nested regions inside double-quoted ones (single-quoted, or
a short phrase in double marks the sentence goes on after), and
links between the paragraphs of one multi-paragraph quote. It never raises on odd input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

LOGGER = logging.getLogger(__name__)

DOUBLE_OPEN = "\u201c\u201e\u00ab"        # “ „ «
DOUBLE_CLOSE = "\u201d\u00bb"             # ” »
DOUBLE_AMBIG = '"\u201f\uff02'            # " ‟ ＂
SINGLE_OPEN = "\u2018\u201a\u2039"        # ‘ ‚ ‹
SINGLE_CLOSE = "\u2019\u203a"             # ’ ›
SINGLE_AMBIG = "'"
OPEN_BEFORE = " \t\n\r([{—–-/\u00a0" + DOUBLE_OPEN + DOUBLE_AMBIG + SINGLE_OPEN
MAX_NESTING = 2


@dataclass
class MarkedRegion:
    """One quoted stretch: ``text[start:end]`` is its content, marks excluded."""

    start: int
    end: int
    open_mark: int                 # offset of the opening mark
    close_mark: int | None = None  # offset of the closing mark; None when it never closed
    depth: int = 0                 # 0 = double-quoted at top level, 1 = nested in one
    parent: int | None = None      # index of the containing region in the scanner's output
    continues: int | None = None   # index of the previous paragraph's region of the same quote

    @property
    def closed(self) -> bool:
        return self.close_mark is not None


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _opens_here(text: str, i: int) -> bool:
    """An ambiguous mark at ``i`` looks like an opening one: space before, a non-space after."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before in OPEN_BEFORE or before.isspace()) and not after.isspace()


def _closes_here(text: str, i: int) -> bool:
    """A mark at ``i`` looks like a closing one: text before it, no word right after."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not _is_word(after)


def _paragraph_end(text: str, i: int) -> int:
    """The end of the paragraph holding ``i`` (the next newline, or the end of the text)."""
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _trim(text: str, start: int, end: int) -> int:
    """``end`` moved left over trailing whitespace, never before ``start``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _next_paragraph_opens(text: str, i: int) -> bool:
    """True when the paragraph after the one holding ``i`` starts with an opening double mark."""
    j = _paragraph_end(text, i)
    n = len(text)
    while j < n and text[j].isspace():
        j += 1
    return j < n and (text[j] in DOUBLE_OPEN or text[j] in DOUBLE_AMBIG)


def scan_quotes(text: str) -> list[MarkedRegion]:
    """All quoted regions of ``text`` in order of their opening marks.

    Top-level regions are double-quoted; single-quoted regions are found only inside them
    (at top level a single mark is far more often an apostrophe), and so are short phrases in
    double marks (:func:`_inner_double`). Regions never cross each
    other: a nested region lies inside its parent's content and siblings do not overlap.
    """
    return _Scanner(text).run()


class _Scanner:
    """One left-to-right pass over a text; state is the stack of open regions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.regions: list[MarkedRegion] = []
        self.stack: list[int] = []      # indexes of open regions, outermost first
        self.skip: set[int] = set()     # marks already used to continue a paragraph's quote

    def run(self) -> list[MarkedRegion]:
        text = self.text
        for i, ch in enumerate(text):
            if ch == "\n" and self.stack:
                if self.regions[self.stack[-1]].open_mark > i:
                    continue  # already continued into the next paragraph
                self.end_paragraph(i)
            elif ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE or ch in DOUBLE_AMBIG:
                if i in self.skip:
                    continue
                self.double_mark(i)
            elif self.stack and (ch in SINGLE_OPEN or ch in SINGLE_CLOSE or ch in SINGLE_AMBIG):
                _single_mark(text, i, self.regions, self.stack)
        while self.stack:  # whatever is still open ends with its paragraph
            r = self.regions[self.stack.pop()]
            r.end = _trim(text, r.start, _paragraph_end(text, r.start))
        return self.regions

    def close_nested(self, i: int) -> None:
        """End every nested (single-quoted) region still open, at ``i``."""
        while self.stack and self.regions[self.stack[-1]].depth > 0:
            r = self.regions[self.stack.pop()]
            r.end = _trim(self.text, r.start, max(r.start, i))

    def open(self, i: int, continues: int | None = None) -> None:
        self.regions.append(MarkedRegion(start=i + 1, end=i + 1, open_mark=i, continues=continues))
        self.stack.append(len(self.regions) - 1)

    def end_paragraph(self, i: int) -> None:
        """A newline inside an open quote: a multi-paragraph quote continues, anything else ends."""
        text = self.text
        self.close_nested(i)
        if not self.stack:
            return
        idx = self.stack.pop()
        r = self.regions[idx]
        r.end = _trim(text, r.start, i)
        if _next_paragraph_opens(text, i):
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            self.skip.add(j)
            self.open(j, continues=idx)

    def double_mark(self, i: int) -> None:
        text, regions, stack = self.text, self.regions, self.stack
        ch = text[i]
        if not stack:
            if ch in DOUBLE_CLOSE and not _opens_here(text, i):
                return  # a stray closing mark
            if ch in DOUBLE_AMBIG and i > 0 and text[i - 1].isdigit():
                return  # inches: 5'10"
            if ch in DOUBLE_AMBIG and not _opens_here(text, i) and _closes_here(text, i):
                return  # a stray closing straight mark
            self.open(i)
            return
        # a double-quoted region is open: this mark closes it, or reopens after a lost close
        top = regions[stack[-1]]
        if top.depth > 0 and text[top.open_mark] not in SINGLE_OPEN + SINGLE_CLOSE + SINGLE_AMBIG:
            stack.pop()  # the close of a double-quoted phrase inside the quote
            top.end, top.close_mark = max(top.start, i), i
            return
        before = text[i - 1] if i > 0 else " "
        opening = (ch not in DOUBLE_CLOSE and before.isspace() and i + 1 < len(text)
                   and not text[i + 1].isspace())
        if opening and len(stack) < MAX_NESTING and _inner_double(text, i):
            regions.append(MarkedRegion(start=i + 1, end=i + 1, open_mark=i, depth=top.depth + 1,
                                        parent=stack[-1]))
            stack.append(len(regions) - 1)
            return
        reopen = opening and _looks_like_new_quote(text, i, regions[stack[0]])
        self.close_nested(i)
        r = regions[stack.pop()]
        if reopen:
            r.end = _trim(text, r.start, i)
            self.open(i)
            return
        r.end = max(r.start, i)
        r.close_mark = i


def _looks_like_new_quote(text: str, i: int, open_region: MarkedRegion) -> bool:
    """Space before and a word after an opening-looking mark while a quote is open.

    Usually the previous quote lost its closing mark (`“Yes,” he said. “No` is the normal case
    and never gets here); but ` “ said` style misdirected closes have no word right after.
    A quote that is still short and has no sentence end in it is more likely being closed.
    """
    content = text[open_region.start:i]
    if len(content) < 3:
        return False
    return _is_word(text[i + 1]) and any(p in content for p in ".?!,")


INNER_WORDS = 5  # most words of a double-quoted phrase inside a quote ('calls “hell” than')


def _inner_double(text: str, i: int) -> bool:
    """An opening mark at ``i`` inside an open quote starts a short quoted phrase of its own,
    not a new quote after a lost close: 'I'd rather live in what he calls “hell” than live in
    a world where he is president.”' A few words with no punctuation up to a closing mark,
    then the sentence goes on in lower case and the paragraph still holds a closing mark."""
    end = _paragraph_end(text, i)
    j = i + 1
    while j < end and text[j] not in DOUBLE_CLOSE and text[j] not in DOUBLE_AMBIG \
            and text[j] not in DOUBLE_OPEN:
        j += 1
    if j >= end or text[j] in DOUBLE_OPEN:
        return False
    phrase = text[i + 1:j]
    if not phrase.strip() or len(phrase.split()) > INNER_WORDS or any(
            not (c.isalnum() or c.isspace() or c in "-'’") for c in phrase):
        return False
    rest = text[j + 1:end]
    if not rest[:1].isspace() or not rest.lstrip()[:1].islower():
        return False
    return any(c in DOUBLE_CLOSE or c in DOUBLE_AMBIG for c in rest)


def _single_mark(text: str, i: int, regions: list[MarkedRegion], stack: list[int]) -> None:
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    top = regions[stack[-1]]
    if top.depth > 0 and text[top.open_mark] not in SINGLE_OPEN + SINGLE_CLOSE + SINGLE_AMBIG:
        return  # a single mark inside a double-quoted phrase inside a quote: an apostrophe
    if top.depth > 0:
        # a nested region is open: close it unless this is an apostrophe inside a word
        if ch in SINGLE_OPEN and _opens_here(text, i):
            return
        if _is_word(before) and _is_word(after):
            return  # don't, it's
        if before.isspace() and _is_word(after):
            return  # '90s
        if before.isspace():
            return
        r = regions[stack.pop()]
        r.end = max(r.start, i)
        r.close_mark = i
        return
    if len(stack) >= MAX_NESTING:
        return
    if ch in SINGLE_CLOSE and not _opens_here(text, i):
        return
    if ch == "\u2019" and _is_word(after) and _is_word(before):
        return
    if not _opens_here(text, i) or _is_word(before):
        return
    # an apostrophe of elision at a word start ('em, 'til) has no closing mark later in
    # the quote; require one before the double quote could end
    if not _has_single_close(text, i + 1, top):
        return
    regions.append(MarkedRegion(start=i + 1, end=i + 1, open_mark=i, depth=top.depth + 1,
                                parent=stack[-1]))
    stack.append(len(regions) - 1)


def _has_single_close(text: str, i: int, parent: MarkedRegion) -> bool:
    """A closing single mark follows ``i`` before the paragraph or a double mark ends it."""
    limit = min(len(text), i + 600)
    for j in range(i, limit):
        c = text[j]
        if c == "\n" or c in DOUBLE_CLOSE or c in DOUBLE_AMBIG or c in DOUBLE_OPEN:
            return False
        if (c in SINGLE_CLOSE or c in SINGLE_AMBIG) and _closes_here(text, j):
            return True
    return False
