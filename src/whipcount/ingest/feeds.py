"""RSS and Atom feed files through feedparser: every entry is an article.

The feed is parsed from its bytes (feedparser reads the XML encoding declaration itself); it is
never given a URL, so nothing is fetched. Per entry:

- text: the first of ``content:encoded`` / Atom ``content`` / ``summary`` that has any. HTML goes
  through :func:`whipcount.ingest.html.html_to_article`; when that finds nothing, or keeps less
  than half of the fragment's text (extractors are tuned for whole pages and may drop the short
  paragraphs of a feed item), a plain conversion is used instead: block elements become
  paragraphs separated by a blank line, ``<br>`` a line break.
- ``id``: entry id (RSS guid, Atom id), else its link, else ``<file stem>-<entry number>``.
- ``title``, ``url`` (link), ``published`` (ISO date as written in the feed, its own time zone),
  ``authors`` come from the entry, not from the HTML.

A feed that does not parse and has no entries is one IngestError (E006); an empty feed is E005.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
from lxml import etree
from lxml import html as lxml_html

from ..config import Settings
from ..errors import E
from ..models import Article, IngestError
from .common import Item, check_article, iso_date
from .html import html_to_article

LOGGER = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_BLOCK = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption", "header",
    "footer", "aside", "hr", "address", "main", "nav", "details", "summary"})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
_PARA = "\x00"
_BR = "\x01"
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def iter_feed(data: bytes, source: str, stem: str, settings: Settings | None = None) -> Iterator[Item]:
    """Yield an Article (or IngestError) for every entry of an RSS or Atom feed's bytes."""
    settings = settings or Settings()
    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("bozo"):
            detail = f"not a readable RSS or Atom feed ({parsed.get('bozo_exception')})"
            yield IngestError(source, E.E006.format(path=source, detail=detail))
        else:
            yield IngestError(source, E.E005.format(path=source) + " (the feed has no entries)")
        return
    if parsed.get("bozo"):
        LOGGER.info("%s: feed has XML errors (%s); reading the %d entries found",
                    source, parsed.get("bozo_exception"), len(entries))
    for number, entry in enumerate(entries, start=1):
        yield entry_to_article(entry, source, stem, number, settings)


def entry_to_article(entry: Any, source: str, stem: str, number: int, settings: Settings) -> Item:
    """One feedparser entry as an Article, or an IngestError naming the entry."""
    link = _clean(entry.get("link"))
    article_id = _clean(entry.get("id")) or link or f"{stem}-{number}"
    where = f"{source} [{article_id}]"
    body, mime = _body(entry)
    if body is None or not body.strip():
        return IngestError(source, E.E005.format(path=where))
    text = fragment_text(body, where, article_id, link) if mime in HTML_TYPES else body
    if not text.strip():
        return IngestError(source, E.E005.format(path=where))
    article = Article(
        id=article_id, source=source, text=text,
        title=_clean(entry.get("title")),
        url=link,
        published=_entry_date(entry),
        authors=_authors(entry),
    )
    result = check_article(article, settings)
    if isinstance(result, IngestError):
        return IngestError(source, result.reason.replace(source, where, 1))
    return result


def fragment_text(fragment: str, where: str, article_id: str, url: str | None = None) -> str:
    """The text of an HTML fragment: the extractor's, unless the plain conversion keeps much more."""
    plain = html_fragment_to_text(fragment)
    try:
        extracted = html_to_article(fragment, source=where, article_id=article_id, url=url)
    except Exception as exc:  # an extractor failure costs this entry its cleverness, not its text
        LOGGER.warning("%s: HTML extraction failed (%s); using the plain conversion", where, exc)
        return plain
    if isinstance(extracted, IngestError) or len(extracted.text) < 0.5 * len(plain):
        return plain
    return extracted.text


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: blocks as paragraphs split by a blank line, ``<br>`` as a newline.

    Whitespace inside a paragraph collapses to single spaces; scripts and styles are dropped.
    """
    if not fragment.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _SPACES.sub(" ", fragment).strip()
    # iterwalk reports no comments, so their tails would be lost: remove them, keeping the tails.
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    out: list[str] = []
    skipping = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if tag in _SKIP:
                skipping += 1
            if skipping:
                continue
            if tag in _BLOCK:
                out.append(_PARA)
            elif tag == "br":
                out.append(_BR)
            if tag is not None and el.text:
                out.append(el.text)
        else:
            if tag in _SKIP:
                skipping -= 1
            if skipping:
                continue
            if tag in _BLOCK:
                out.append(_PARA)
            if el.tail and el is not root:
                out.append(el.tail)
    paragraphs = []
    for block in _SPACES.sub(" ", "".join(out)).split(_PARA):
        lines = [line.strip() for line in block.split(_BR)]
        para = "\n".join(line for line in lines if line)
        if para:
            paragraphs.append(para)
    return "\n\n".join(paragraphs)


def _body(entry: Any) -> tuple[str | None, str]:
    """The entry's fullest text and its MIME type: content first, then summary."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: (c.get("type") in HTML_TYPES, len(c.get("value") or "")))
        return best.get("value"), (best.get("type") or "text/html").lower()
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary")
    return summary, (detail.get("type") or "text/html").lower()


def _entry_date(entry: Any) -> str | None:
    """The date the entry gives, in the time zone it was written in."""
    for key in ("published", "updated", "created"):
        raw = _clean(entry.get(key))
        if not raw:
            continue
        date = iso_date(raw)
        if date:
            return date
        try:
            return parsedate_to_datetime(raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return iso_date(parsed)
    return None


def _authors(entry: Any) -> list[str]:
    names = [_clean(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict)]
    found = [n for n in names if n]
    if not found and _clean(entry.get("author")):
        found = [_clean(entry.get("author")) or ""]
    return found


def _clean(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None

