"""The text-repair rules of :mod:`whipcount.prepare` that need context: quote marks, missing
spaces after sentence ends, and photo captions run into paragraphs.

Each rule reads the current text and returns edits ``(start, end, replacement)``; it never
changes the text itself. Word lists live in ``nlp/data/prepare_*.txt``.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

LOGGER = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "nlp" / "data"

Edit = tuple[int, int, str]

OPEN_D, CLOSE_D, OPEN_S, CLOSE_S = "\u201c", "\u201d", "\u2018", "\u2019"
_QUOTE = re.compile("''|``|[\"\u201c\u201d'`\u2018\u2019]")
_DOUBLE = frozenset(['"', "''", "``", OPEN_D, CLOSE_D])
_QUOTE_CHARS = "\"'`\u201c\u201d\u2018\u2019"
_BEFORE_OPEN = "([{\u2014\u2013-/" + _QUOTE_CHARS  # a mark after these opens (when a word follows)
_AFTER_CLOSE = ".,;:!?)]}\u2014\u2013-\u2026" + _QUOTE_CHARS  # a mark before these closes
_SENT_END = ".!?,\u2026"
_ELISION = re.compile(r"(?:n['\u2019\u2018]|em|til|tis|twas|cause|bout|round)(?![^\W\d_])", re.IGNORECASE)
_DECADE = re.compile(r"\d\ds?(?!\w)")


@lru_cache(maxsize=None)
def load_lines(path: Path, lower: bool = True) -> tuple[str, ...]:
    """Entries of a data file: one a line, blank lines and lines starting with '#' skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.lower() if lower else line)
    return tuple(out)


# --------------------------------------------------------------------------- quote marks


def _flanks(text: str, i: int, j: int, lo: int, hi: int) -> tuple[bool, bool, str, str]:
    """(left-flanking, right-flanking, previous char, next char) of the mark ``text[i:j]``."""
    prev = text[i - 1] if i > lo else ""
    nxt = text[j] if j < hi else ""
    left = bool(nxt) and not nxt.isspace() and (not prev or prev.isspace() or prev in _BEFORE_OPEN)
    right = bool(prev) and not prev.isspace() and prev not in "([{" and (
        not nxt or nxt.isspace() or nxt in _AFTER_CLOSE)
    return left, right, prev, nxt


def _double_role(mark: str, is_open: bool, left: bool, right: bool, prev: str) -> str | None:
    """'open', 'close' or None (leave alone) for a double quote mark in context."""
    if mark == "``":
        return "open"
    if mark == OPEN_D:
        # “ after a sentence end with no space, while a quote is open, is a closing mark.
        if is_open and (right or (prev and prev in _SENT_END and not left)):
            return "close"
        return "open"
    if mark == CLOSE_D:
        return "open" if (not is_open and left and not right) else "close"
    if left and not right:
        return "open"
    if right and not left:
        if not is_open and prev.isdigit() and mark == '"':
            return None  # an inch mark: 12" pipe
        return "close"
    return "close" if is_open else "open"


class _Singles:
    """Pairs single quote marks inside one scope (a line, between double-quote events)."""

    def __init__(self, text: str, edits: list[Edit]) -> None:
        self.text = text
        self.edits = edits
        self.opener: int | None = None
        self.weak: list[int] = []

    def _set(self, i: int, char: str) -> None:
        if self.text[i] != char:
            self.edits.append((i, i + 1, char))

    def apostrophe(self, i: int) -> None:
        c = self.text[i]
        if c == OPEN_S:
            self._set(i, CLOSE_S)
        elif c == "`":
            self._set(i, "'")

    def pair(self, closer: int) -> None:
        assert self.opener is not None
        self._set(self.opener, OPEN_S)
        self._set(closer, CLOSE_S)
        for w in self.weak:
            if w != closer:
                self.apostrophe(w)
        self.opener, self.weak = None, []

    def end_scope(self) -> None:
        """Close the scope: an opener with only "workers’ "-like closers pairs with the last."""
        if self.opener is not None and self.weak:
            self.pair(self.weak[-1])
        self.opener, self.weak = None, []

    def mark(self, i: int, lo: int, hi: int) -> None:
        text = self.text
        left, right, prev, nxt = _flanks(text, i, i + 1, lo, hi)
        if prev.isalnum() and nxt.isalpha():
            self.apostrophe(i)  # don’t, O’Brien, Lieberman’s
        elif not prev.isalnum() and nxt.isdigit() and _DECADE.match(text, i + 1, hi):
            self.apostrophe(i)  # ’06, ’90s
        elif (not prev or prev.isspace() or prev in _BEFORE_OPEN) and _ELISION.match(text, i + 1, hi):
            self.apostrophe(i)  # ’em, ’til, rock ’n’ roll
        elif prev == "n" and i - 2 >= lo and text[i - 2] in "'\u2019\u2018" and (i - 3 < lo or text[i - 3].isspace()):
            self.apostrophe(i)  # the second mark of ’n’
        elif left or (prev in ",:;" and nxt.isalpha()):
            if self.opener is not None:
                self.end_scope()
            self.opener = i
        elif right:
            if self.opener is None:
                self.apostrophe(i)  # the unions’ members
            elif prev in "sS" and (not nxt or nxt.isspace()):
                self.weak.append(i)  # closing mark or plural possessive: decide later
            else:
                self.pair(i)


def quote_edits(text: str) -> list[Edit]:
    """Repair quote marks line by line, tracking whether a double quote is open."""
    edits: list[Edit] = []
    for line in re.finditer(r"[^\n]+", text):
        lo, hi = line.span()
        is_open = False
        singles = _Singles(text, edits)
        for m in _QUOTE.finditer(text, lo, hi):
            i, j = m.span()
            mark = m.group()
            if mark not in _DOUBLE:
                singles.mark(i, lo, hi)
                continue
            singles.end_scope()
            left, right, prev, _ = _flanks(text, i, j, lo, hi)
            role = _double_role(mark, is_open, left, right, prev)
            if role is None:
                continue
            is_open = role == "open"
            want = OPEN_D if is_open else CLOSE_D
            if mark != want:
                edits.append((i, j, want))
        singles.end_scope()
    return edits


# --------------------------------------------------------------------------- sentence ends

# A sentence end, its closing marks, then optional spaces and the next sentence's first letter.
_BOUNDARY = re.compile("[.!?]+[\u201d\u2019)\\]]*([ \t]*)(?=[\u201c\u2018\"]?[^\\W\\d_])")
_GLUED_CLOSE = re.compile("\u201d(?=[^\\W_])")
_GLUED_OPEN = re.compile("(?:(?<=[^\\W_])|(?<=[,;:.!?]))\u201c(?=\\S)")
_INITIAL_NEXT = re.compile(r"[^\W\d_]\.")
_LAST_LETTERS = re.compile(r"[^\W\d_]+$")
_DOTTED = re.compile(r"\.[^\W\d_]")
_DOMAIN = re.compile(r"[\w-]+\.(?:com|org|net|gov|edu|io|us|uk|info|co)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """(exact forms, lowercase forms matched case-insensitively) of abbreviations."""
    entries = load_lines(DATA_DIR / "prepare_abbreviations.txt", lower=False)
    return frozenset(entries), frozenset(e for e in entries if e.islower())


def _left_word(text: str, p: int, lo: int) -> str:
    k = p
    while k > lo and not text[k - 1].isspace():
        k -= 1
    return text[k:p].lstrip("([{\"'`\u201c\u2018")


def _not_a_sentence_end(text: str, start: int, lo: int) -> bool:
    """True when the full stop at ``start`` belongs to an abbreviation, initial or URL."""
    word = _left_word(text, start, lo)
    if not word or _DOTTED.search(word) or "@" in word or "//" in word or word.lower().startswith("www"):
        return True
    core = _LAST_LETTERS.search(word)
    if core and len(core.group()) == 1 and core.group().isupper():
        return True  # J. Vance, (D-N.C.)
    exact, folded = _abbreviations()
    return word in exact or word.lower() in folded


def _boundaries(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """Sentence boundaries of a line: (end of the punctuation, start of the next, glued)."""
    out = []
    for m in _BOUNDARY.finditer(text, lo, hi):
        nxt = m.end()
        first = text[nxt + 1] if text[nxt] in "\u201c\u2018\"" else text[nxt]
        if not first.isupper():
            continue
        if text[m.start()] == "." and (_not_a_sentence_end(text, m.start(), lo)
                                       or _INITIAL_NEXT.match(text, nxt, hi)):
            continue  # Lt. Gov., U.S., Ph.D.
        glued = m.start(1) == m.end(1)
        if glued:
            right = text[nxt:nxt + 40].split(None, 1)[0] if nxt < hi else ""
            if _DOMAIN.match(right) or "/" in right:
                continue
        out.append((m.start(1), nxt, glued))
    return out


# --------------------------------------------------------------------------- captions


@lru_cache(maxsize=1)
def _caption_markers() -> re.Pattern[str]:
    patterns = load_lines(DATA_DIR / "prepare_caption_markers.txt", lower=False)
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _not_caption_words() -> frozenset[str]:
    return frozenset(load_lines(DATA_DIR / "prepare_not_caption_words.txt"))


_CAP = r"[A-Z][\w\u2019'.&-]*"
_NAME_COLON = re.compile(rf"{_CAP}(?:\s+{_CAP}){{1,5}}:\s+(\S.*)", re.DOTALL)
_APPOSITIVE = re.compile(rf"({_CAP}(?:\s+{_CAP}){{1,3}}),\s+([^,;:()]+?)[.!?]?")
_WORD = re.compile(r"[\w\u2019'-]+")


def _verbless(phrase: str) -> bool:
    words = _WORD.findall(phrase)
    stop = _not_caption_words()
    for w in words:
        low = w.lower()
        if low in stop or (low.endswith("ed") and len(low) > 4) or low.endswith(("n't", "n\u2019t")):
            return False
    return bool(words)


def is_caption(seg: str, left: str, right: str) -> bool:
    """Whether a sentence is a photo caption, given how it meets its neighbours.

    ``left``/``right`` are ``"line"`` (line edge), ``"glued"`` (no space) or ``"spaced"``.
    Conservative: a caption needs a marker like "(l-r)", or a glued side and a caption shape
    ("Name Name: phrase" between glued ends, or a verbless "Name Name, description.").
    """
    glued = "glued" in (left, right)
    if not glued and not left == right == "line":
        return False
    if any(c in seg for c in "\u201c\u201d\""):
        return False
    words = len(seg.split())
    if words <= 60 and _caption_markers().search(seg):
        return glued or (left == right == "line")
    if not glued:
        return False
    first = seg.split(None, 1)[0].lower()
    if first in _not_caption_words():
        return False
    m = _NAME_COLON.fullmatch(seg)
    name = seg[:m.start(1)] if m else ""
    # All-caps names are transcript speaker labels ("CHRIS WALLACE: Why?"), not captions.
    if (m and left != "spaced" and right != "spaced" and len(m.group(1).split()) <= 15
            and any(c.islower() for c in name)):
        return True
    m = _APPOSITIVE.fullmatch(seg)
    if m and len(m.group(2).split()) <= 10 and _verbless(m.group(2)):
        return True
    return False


def caption_edits(text: str) -> tuple[list[Edit], list[tuple[int, int]]]:
    """Spaces after glued sentence ends and closing quotes; paragraph breaks around captions.

    Returns the edits and the caption spans (offsets into ``text``, punctuation included).
    """
    breaks: list[Edit] = []
    spaces: list[Edit] = []
    captions: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        lo, hi = line.span()
        bounds = _boundaries(text, lo, hi)
        spaces.extend((b[1], b[1], " ") for b in bounds if b[2])
        spaces.extend((m.end(), m.end(), " ") for m in _GLUED_CLOSE.finditer(text, lo, hi))
        spaces.extend((m.start(), m.start(), " ") for m in _GLUED_OPEN.finditer(text, lo, hi))
        if not bounds and not _caption_markers().search(text[lo:hi]):
            continue
        # Segments: (start, end of its punctuation, left kind, right kind, ws before, ws after).
        starts = [(lo, "line", lo)] + [(b[1], "glued" if b[2] else "spaced", b[0]) for b in bounds]
        stops = [(b[0], "glued" if b[2] else "spaced", b[1]) for b in bounds] + [(len(text[lo:hi].rstrip()) + lo, "line", hi)]
        depth = 0
        scanned = lo
        for (s, lkind, ws_before), (e, rkind, ws_after) in zip(starts, stops):
            chunk = text[scanned:s]
            depth = max(0, depth + chunk.count(OPEN_D) - chunk.count(CLOSE_D))
            scanned = s
            if depth or e <= s:
                continue
            if not is_caption(text[s:e], lkind, rkind):
                continue
            captions.append((s, e))
            if lkind != "line":
                breaks.append((ws_before, s, "\n\n"))
            if rkind != "line":
                breaks.append((e, ws_after, "\n\n"))
    # Breaks first: they win over a plain space inserted at the same point.
    return breaks + spaces, captions
