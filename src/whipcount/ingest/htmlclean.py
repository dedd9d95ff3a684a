"""Generic clean-up of news pages around main-text extraction.

Two passes, both driven by cues that are the same across publishers:

* :func:`prune` removes page furniture from the parsed DOM before trafilatura sees it:
  semantic tags (``figcaption``, ``aside``, ``nav``), ARIA roles (``complementary``,
  ``navigation``), media figures, blocks whose class or id is built from generic words such as
  "related", "newsletter", "promo", "caption" (``nlp/data/html_boilerplate_classes.txt``), and
  short paragraphs that are nothing but a link to another story ("READ MORE: <a>...</a>").
  A guard keeps any block that holds a large share of the page's paragraph text, so a
  mis-named article wrapper is never thrown away.
* :func:`clean_lines` drops extracted paragraphs that are furniture by their wording
  (``nlp/data/html_boilerplate_lines.txt``: "Read more:", "Image: ...", "Sign up for our
  newsletter") and repeated paragraphs.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lxml import etree

LOGGER = logging.getLogger(__name__)

DATA_PACKAGE = "whipcount.nlp"
CLASS_WORDS_FILE = "html_boilerplate_classes.txt"
LINE_PATTERNS_FILE = "html_boilerplate_lines.txt"

#: Tags that never hold article text.
DROP_TAGS = ("figcaption", "aside", "nav", "dialog", "template", "noscript")
#: ARIA roles of page furniture.
DROP_ROLES = frozenset({"complementary", "navigation", "dialog", "alertdialog", "banner",
                        "contentinfo", "search", "menu", "menubar", "toolbar"})
#: Blocks that are never removed by a class or id match (the page itself, its main content).
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
#: Media inside a figure-like block.
MEDIA_TAGS = ("img", "picture", "video", "iframe", "svg", "audio", "source")

#: A photo credit line, the mark of a caption block ("Image: Jane Doe", "Photo: Reuters").
CREDIT = re.compile(r"^\(?(?:image|photo|picture|photograph|credit|video)s?\s*(?:credit\s*)?:\s*\S", re.I)
_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_WS = re.compile(r"\s+")


@dataclass
class CleanOptions:
    """Which clean-up rules run; all on by default."""

    drop_tags: bool = True
    drop_roles: bool = True
    drop_figures: bool = True
    drop_class_words: bool = True
    drop_link_paragraphs: bool = True
    drop_lines: bool = True
    dedupe_lines: bool = True
    #: A block holding more than this share of the page's paragraph text is never removed.
    max_share: float = 0.3
    #: ... unless it follows at least this many characters of sibling paragraphs.
    inset_sibling_chars: int = 300


def _read_list(name: str) -> list[str]:
    text = resources.files(DATA_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def class_words() -> frozenset[str]:
    """The generic class/id words of page furniture, lower case."""
    return frozenset(w.lower() for w in _read_list(CLASS_WORDS_FILE))


@lru_cache(maxsize=1)
def line_patterns() -> re.Pattern[str]:
    """One regex matching the start of any furniture paragraph."""
    parts = _read_list(LINE_PATTERNS_FILE)
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


def tokens(value: str) -> list[str]:
    """Words of a class or id attribute: split on punctuation, spaces and camelCase, lower case."""
    return [t.lower() for t in _SPLIT.split(value) if t]


def furniture_word(el: etree._Element) -> str | None:
    """The furniture word in ``el``'s class or id (single tokens and joined pairs), or None."""
    words = class_words()
    for attr in ("class", "id"):
        value = el.get(attr)
        if not value:
            continue
        for part in value.split():
            toks = tokens(part)
            for i, tok in enumerate(toks):
                if tok in words:
                    return tok
                if i + 1 < len(toks) and tok + toks[i + 1] in words:
                    return tok + toks[i + 1]
    return None


def _text_len(el: etree._Element) -> int:
    return len(_WS.sub("", "".join(el.itertext())))


def _paragraph_text_len(root: etree._Element) -> int:
    return sum(_text_len(p) for p in root.iter("p"))


def _remove(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _is_link_paragraph(p: etree._Element) -> bool:
    """A short paragraph that is a labelled link to another story ("ALSO READ: <a>...</a>",
    "<b>MORE |</b> <a>...</a>"): mostly link text, after a short label that ends in a colon, bar
    or arrow or is written in capitals. A paragraph that is all link and no label is kept: news
    sites link whole sentences of the story itself."""
    total = _text_len(p)
    if total == 0 or total > 250:
        return False
    linked = sum(_text_len(a) for a in p.iter("a"))
    if linked < 0.6 * total:
        return False
    label = _link_label(p)
    if not label or len(label) > 40:
        return False
    letters = [c for c in label if c.isalpha()]
    return label[-1] in ":|>»›→" or (len(letters) >= 3 and all(c.isupper() for c in letters))


def _link_label(p: etree._Element) -> str:
    """The text of ``p`` before its first link, spaces folded."""
    parts: list[str] = []

    def walk(el: etree._Element) -> bool:  # True once the first link is reached
        if not isinstance(el.tag, str):  # comments, processing instructions
            return False
        if el is not p and el.tag == "a":
            return True
        parts.append(el.text or "")
        for child in el:
            if walk(child):
                return True
            parts.append(child.tail or "")
        return False

    walk(p)
    return _WS.sub(" ", "".join(parts)).strip()


def _credited_media_block(p: etree._Element, max_up: int = 3) -> etree._Element | None:
    """For a credit line ``p``, the nearest small block around it that holds an image: the
    caption-and-picture unit a page builder emits without ``<figure>``."""
    if not CREDIT.match(_WS.sub(" ", "".join(p.itertext())).strip()):
        return None
    el = p.getparent()
    for _ in range(max_up):
        if el is None or el.tag in PROTECTED_TAGS:
            return None
        if any(True for tag in MEDIA_TAGS for _ in el.iter(tag)):
            return el if _text_len(el) < 600 else None
        el = el.getparent()
    return None


def _figure_like(el: etree._Element) -> bool:
    """A figure holding media and at most a caption's worth of text."""
    has_media = any(True for tag in MEDIA_TAGS for _ in el.iter(tag))
    return (has_media or el.find(".//figcaption") is not None) and _text_len(el) < 600


def _inset(el: etree._Element, min_chars: int) -> bool:
    """Whether ``el`` is a box set among the paragraphs of a story: paragraphs of its parent
    with at least ``min_chars`` of text come before it. Such a box is furniture however long it
    is (a transcript or fact box can outweigh the story). Only paragraphs *before* it count, so
    a story wrapper that follows a one-line standfirst is not mistaken for a box."""
    own = 0
    for sib in el.itersiblings(preceding=True):
        if sib.tag == "p":
            own += _text_len(sib)
            if own >= min_chars:
                return True
    return False


def prune(root: etree._Element, opts: CleanOptions | None = None) -> int:
    """Remove page furniture from the parsed page in place; return how many blocks went."""
    opts = opts or CleanOptions()
    body = root.find(".//body")
    scope = body if body is not None else root
    total = max(1, _paragraph_text_len(scope))
    limit = opts.max_share * total
    removed = 0

    def too_big(el: etree._Element) -> bool:
        if el.tag in PROTECTED_TAGS:
            return True
        if _inset(el, opts.inset_sibling_chars):
            return False
        return _paragraph_text_len(el) > limit

    doomed: list[etree._Element] = []
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if opts.drop_tags and tag in DROP_TAGS and not too_big(el):
            doomed.append(el)
        elif opts.drop_roles and (el.get("role") or "").strip().lower() in DROP_ROLES \
                and not too_big(el):
            doomed.append(el)
        elif opts.drop_figures and tag == "figure" and _figure_like(el):
            doomed.append(el)
        elif opts.drop_class_words and furniture_word(el) and not too_big(el):
            doomed.append(el)
        elif opts.drop_link_paragraphs and tag == "p" and _is_link_paragraph(el):
            doomed.append(el)
        elif opts.drop_figures and tag == "p":
            block = _credited_media_block(el)
            if block is not None:
                doomed.append(block)
    for el in doomed:
        # an ancestor may already be gone; removing from a detached subtree is harmless
        if el.getparent() is not None:
            LOGGER.debug("prune <%s class=%r>", el.tag, el.get("class"))
            _remove(el)
            removed += 1
    return removed


def clean_lines(text: str, opts: CleanOptions | None = None) -> list[str]:
    """The paragraphs of extracted text, furniture lines and repeats dropped, spaces folded."""
    opts = opts or CleanOptions()
    pattern = line_patterns()
    seen: set[str] = set()
    out: list[str] = []
    for raw in text.splitlines():
        line = _WS.sub(" ", raw).strip()
        if not line:
            continue
        if opts.drop_lines and pattern.match(line.lstrip("-•*–— ")):
            continue
        key = line.lower()
        if opts.dedupe_lines and len(line) >= 40:
            if key in seen:
                continue
            seen.add(key)
        out.append(line)
    return out
