"""HTML pages to Articles: main text, title, date, URL and authors.

The main text comes from trafilatura run on a copy of the page from which generic page
furniture has been pruned (:mod:`whipcount.ingest.htmlclean`), or from the page's own
schema.org ``articleBody`` when that is present and complete. Title, date, URL and authors come
from JSON-LD and ``<meta>`` tags (:mod:`whipcount.ingest.htmlmeta`), with trafilatura's
metadata as the fallback. ``Article.text`` is the headline, then one paragraph a line
(paragraphs separated by a single ``"\\n"``).
"""

from __future__ import annotations

import copy
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

import trafilatura
from lxml import etree

from ..errors import E
from ..models import Article, IngestError
from .htmlclean import CleanOptions, clean_lines, prune
from .htmlmeta import PageMeta, clean_text, iso_date, page_meta

LOGGER = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)


@dataclass
class HtmlOptions:
    """How main text is extracted; the defaults are the measured best on the news gold set."""

    clean: CleanOptions = field(default_factory=CleanOptions)
    #: Put the headline on the first line of ``text`` (gold bodies include it).
    title_in_text: bool = True
    #: Put the page's description after the headline when the text lacks it.
    description_in_text: bool = True
    #: Use JSON-LD ``articleBody`` when it is complete and the DOM text is not (see
    #: :func:`body_is_complete`).
    use_jsonld_body: bool = True
    #: articleBody must be longer than the DOM text and hold at least this share of its words
    #: (the same story; the rest of the DOM text is a paywall or sign-in prompt) ...
    jsonld_min_cover: float = 0.6
    #: ... and the DOM text must stop before this share of articleBody's words.
    jsonld_dom_reach: float = 0.7
    #: Fall back to unpruned extraction when pruning leaves less than this share of its words.
    prune_min_keep: float = 0.5
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    #: Fewer words than this is not an article.
    min_words: int = 10


DEFAULT_OPTIONS = HtmlOptions()


def decode_html(html: str | bytes) -> str:
    """Page bytes as text: BOM, then a declared ``<meta charset>``, then UTF-8 (bad bytes replaced)."""
    if isinstance(html, str):
        return html
    if html.startswith(b"\xef\xbb\xbf"):
        return html[3:].decode("utf-8", "replace")
    if html.startswith((b"\xff\xfe", b"\xfe\xff")):
        return html.decode("utf-16", "replace")
    m = _CHARSET.search(html[:4096])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        if enc not in ("utf-8", "utf8"):
            try:
                text = html.decode(enc)
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                return text
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", "replace")


def _words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def body_is_complete(body: str, dom_text: str, opts: HtmlOptions = DEFAULT_OPTIONS) -> bool:
    """Whether a JSON-LD ``articleBody`` should stand for the article instead of the DOM text.

    It must be longer than the DOM extraction (so it is no teaser) and hold most of its words
    (so it tells the same story), and the DOM extraction must stop early in it (the page shows only the start of the story and hides or
    lazy-loads the rest). When the DOM text runs to the end of the body, the DOM text wins:
    bodies in JSON-LD often carry fact boxes, embeds and "read more" lines flattened into the
    prose, which pruning has taken out of the DOM."""
    body_seq = _WORD.findall(body.lower())
    if len(body_seq) < opts.min_words:
        return False
    dw = _words(dom_text)
    n_dom = sum(dw.values())
    if n_dom == 0:
        return True
    if len(body_seq) < n_dom:  # a teaser, or a body the DOM already outgrows
        return False
    cover = sum((Counter(body_seq) & dw).values()) / n_dom
    if cover < opts.jsonld_min_cover:
        return False
    return _reach(dom_text, body_seq) < opts.jsonld_dom_reach


def _reach(dom_text: str, body_seq: list[str], probe: int = 6) -> float:
    """How far into the body (0..1, by words) the DOM text reaches: the position in
    ``body_seq`` of the last DOM paragraph that can be found there."""
    if not body_seq:
        return 1.0
    joined = " " + " ".join(body_seq) + " "
    for line in reversed(dom_text.splitlines()):
        seq = _WORD.findall(line.lower())
        if len(seq) < probe:
            continue
        at = joined.rfind(" " + " ".join(seq[-probe:]) + " ")
        if at >= 0:
            return joined.count(" ", 0, at) / len(body_seq)
    return 0.0


def _extract(tree: etree._Element, url: str | None, opts: HtmlOptions) -> str:
    text = trafilatura.extract(
        tree, url=url, include_comments=False, include_tables=opts.include_tables,
        include_images=False, include_links=False, favor_precision=opts.favor_precision,
        favor_recall=opts.favor_recall, deduplicate=False)
    return text or ""


def dom_text(tree: etree._Element, url: str | None = None,
             opts: HtmlOptions = DEFAULT_OPTIONS) -> str:
    """Main text from the page's DOM: trafilatura on a pruned copy, unpruned when pruning lost it."""
    pruned = copy.deepcopy(tree)
    prune(pruned, opts.clean)
    text = _extract(pruned, url, opts)
    n_pruned = sum(_words(text).values())
    if n_pruned < 50 or not text.strip():
        full = _extract(copy.deepcopy(tree), url, opts)
        if sum(_words(full).values()) * opts.prune_min_keep > n_pruned:
            LOGGER.debug("pruning lost most of the text; using the unpruned extraction")
            return full
    return text


def _title_first(title: str | None, lines: list[str], lookahead: int = 5,
                 kicker_words: int = 5) -> list[str]:
    """The headline on the first line. When the extraction already holds it within its first
    lines, what comes before it is a section label or kicker ("World", "MIDDLE EAST CRISIS")
    and goes if short; the headline is not repeated."""
    if not title:
        return lines
    tw = _words(title)
    for i, line in enumerate(lines[:lookahead]):
        if _words(line) == tw:
            before = [x for x in lines[:i] if len(_WORD.findall(x)) > kicker_words]
            return [title, *before, *lines[i + 1:]]
    return [title, *lines]


_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "meta"})


def _visible_words(el: etree._Element) -> str:
    """The words printed inside ``el`` (script, style and template contents left out), lower case."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag.lower() not in _INVISIBLE:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        parts.append(node.tail or "")

    walk(el)
    return " " + " ".join(_WORD.findall(" ".join(parts).lower())) + " "


def _shown(snippet: str, tree: etree._Element) -> bool:
    """Whether ``snippet`` is printed on the page, not only in its metadata: a summary shown
    under the headline is part of the article, an SEO blurb is not."""
    body = tree.find(".//body")
    want = " ".join(_WORD.findall(snippet.lower()))
    return body is not None and bool(want) and f" {want} " in _visible_words(body)


def _ngrams(seq: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(seq[i:i + n]) for i in range(max(0, len(seq) - n + 1))}


def _standfirst(description: str | None, lines: list[str], max_seen: float = 0.5,
                n: int = 4) -> list[str]:
    """The page's description as a standfirst line, unless the text already says it: at most
    ``max_seen`` of its word 4-grams may occur in the text (descriptions that are a cut of the
    first paragraph are not added twice)."""
    if not description:
        return []
    dseq = _WORD.findall(description.lower())
    if len(dseq) < 5:
        return []
    grams = _ngrams(dseq, n)
    seen = grams & _ngrams(_WORD.findall("\n".join(lines).lower()), n)
    return [description] if len(seen) <= max_seen * len(grams) else []


def html_to_article(html: str | bytes, source: str, article_id: str,
                    url: str | None = None,
                    options: HtmlOptions | None = None) -> Article | IngestError:
    """Extract the article in one HTML page; an IngestError (E006) when the page holds no article.

    >>> page = "<html><head><title>Vote due</title></head><body><article><p>" + "The council " \\
    ...     "voted on Tuesday to back the plan for the new bridge over the river. " * 3 + "</p></article></body></html>"
    >>> html_to_article(page, "x.html", "x").text.splitlines()[0]
    'Vote due'
    """
    opts = options or DEFAULT_OPTIONS
    try:
        text_html = decode_html(html)
        tree = trafilatura.load_html(text_html) if text_html.strip() else None
    except (ValueError, etree.ParserError) as exc:
        return IngestError(source, E.E006.format(path=source, detail=f"cannot parse the HTML ({exc})"))
    if tree is None:
        return IngestError(source, E.E006.format(path=source, detail="empty or unreadable HTML page"))

    meta = page_meta(tree)
    body = dom_text(tree, url, opts)
    if opts.use_jsonld_body and meta.body and body_is_complete(meta.body, body, opts):
        LOGGER.debug("%s: using JSON-LD articleBody", source)
        body = meta.body
    lines = clean_lines(body, opts.clean)
    if opts.description_in_text and meta.description and _shown(meta.description, tree):
        lines = _standfirst(meta.description, lines) + lines
    if sum(len(_WORD.findall(line)) for line in lines) < opts.min_words:
        return IngestError(source, E.E006.format(path=source, detail="no article text in the HTML page"))

    _fill_from_trafilatura(meta, text_html, url)
    if opts.title_in_text:
        lines = _title_first(meta.title, lines)
    return Article(id=article_id, source=source, text="\n".join(lines), title=meta.title,
                   published=meta.published, url=meta.url or url, authors=meta.authors)


def _fill_from_trafilatura(meta: PageMeta, text_html: str, url: str | None) -> None:
    """Fill missing title, date, URL and authors from trafilatura's metadata heuristics."""
    if meta.title and meta.published and meta.authors and meta.url:
        return
    try:
        tm = trafilatura.extract_metadata(text_html, default_url=url)
    except (ValueError, TypeError, etree.ParserError) as exc:  # heuristics on broken pages
        LOGGER.debug("trafilatura metadata failed: %s", exc)
        return
    if tm is None:
        return
    meta.title = meta.title or clean_text(tm.title) or None
    meta.published = meta.published or iso_date(tm.date)
    meta.url = meta.url or tm.url
    if not meta.authors and tm.author:
        meta.authors = [a.strip() for a in tm.author.split(";") if a.strip()]
