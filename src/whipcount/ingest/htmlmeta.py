"""Metadata of a news page: JSON-LD (schema.org) article objects and ``<meta>`` tags.

Everything here reads structured data any publisher may emit (schema.org types, Open Graph,
Dublin Core, ``article:*`` properties); nothing is keyed to one site.
"""

from __future__ import annotations

import html as htmllib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

LOGGER = logging.getLogger(__name__)

#: schema.org types that describe the main article of a news page.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting",
    "liveblogposting", "socialmediaposting", "report", "scholarlyarticle", "techarticle",
})

_WS = re.compile(r"\s+")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?)?")


@dataclass
class PageMeta:
    """What a page says about its article; every field may be missing."""

    title: str | None = None
    description: str | None = None
    published: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    body: str | None = None  # schema.org articleBody, when present
    types: list[str] = field(default_factory=list)  # schema.org types of the article objects


def clean_text(value: Any) -> str:
    """A one-line string: HTML entities decoded (twice-escaped ones too), tags dropped, spaces folded."""
    if not isinstance(value, str):
        return ""
    text = value
    for _ in range(2):  # JSON-LD often carries "&amp;rsquo;"
        unescaped = htmllib.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if "<" in text and ">" in text:
        text = re.sub(r"<[^>]{1,400}>", " ", text)
    return _WS.sub(" ", text).strip()


def clean_body(value: Any) -> str:
    """An ``articleBody`` as paragraphs: entities decoded, tags dropped, one paragraph a line."""
    if not isinstance(value, str):
        return ""
    text = value
    for _ in range(2):
        unescaped = htmllib.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    text = re.sub(r"(?i)<\s*(br|/p|/div|/h\d|/li|/blockquote)\b[^>]*>", "\n", text)
    text = re.sub(r"<[^>]{1,400}>", " ", text)
    lines = (_WS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date or timestamp from the usual forms pages use; None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    m = _DATE.match(value)
    if m:
        y, mo, d, hh, mm, ss, tz = m.groups()
        if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
            return None
        if hh is None:
            return f"{y}-{mo}-{d}"
        stamp = f"{y}-{mo}-{d}T{hh}:{mm}:{ss or '00'}"
        if tz:
            stamp += "Z" if tz == "Z" else (tz if ":" in tz else f"{tz[:3]}:{tz[3:]}")
        return stamp
    for fmt in ("%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z", "%d %B %Y", "%B %d, %Y",
                "%b %d, %Y", "%Y/%m/%d", "%Y%m%d"):
        try:
            dt = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if dt.hour or dt.minute or dt.second or dt.tzinfo:
            return dt.isoformat()
        return dt.date().isoformat()
    return None


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def _walk(obj: Any, depth: int = 0) -> list[dict[str, Any]]:
    """All dicts of a JSON-LD document that carry a ``@type``: top level, lists, ``@graph``."""
    if depth > 4:
        return []
    found: list[dict[str, Any]] = []
    if isinstance(obj, list):
        for x in obj:
            found.extend(_walk(x, depth + 1))
    elif isinstance(obj, dict):
        if "@type" in obj:
            found.append(obj)
        graph = obj.get("@graph")
        if graph is not None:
            found.extend(_walk(graph, depth + 1))
        main = obj.get("mainEntity")
        if isinstance(main, (dict, list)):
            found.extend(_walk(main, depth + 1))
    return found


def jsonld_objects(tree: etree._Element) -> list[dict[str, Any]]:
    """The JSON-LD objects of a page; scripts that do not parse are skipped (logged at debug)."""
    objs: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # raw control characters inside strings are a common fault
                data = json.loads(re.sub(r"[\x00-\x1f]+", " ", raw))
            except ValueError as exc:
                LOGGER.debug("unreadable JSON-LD: %s", exc)
                continue
        objs.extend(_walk(data))
    return objs


def article_objects(tree: etree._Element) -> list[dict[str, Any]]:
    """JSON-LD objects whose type is an article type, the ones with a headline first."""
    arts = [o for o in jsonld_objects(tree)
            if any(t.lower() in ARTICLE_TYPES for t in _types(o))]
    return sorted(arts, key=lambda o: (not o.get("headline"), not o.get("articleBody")))


def _names(value: Any) -> list[str]:
    """Person names from a schema.org ``author`` value (string, object, or list of them)."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            name = clean_text(item)
        elif isinstance(item, dict):
            if any(t.lower() == "organization" or t.lower().endswith("organization")
                   for t in _types(item)):
                continue
            name = clean_text(item.get("name"))
        else:
            continue
        if name and not name.lower().startswith(("http://", "https://")):
            out.extend(n for n in split_names(name) if len(n) < 80)
    return out


_NAME_SEP = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*;\s*")


def split_names(value: str) -> list[str]:
    """A byline string as names: "A B, C D and E F" gives three; a single name, or a list whose
    parts do not all look like names ("Smith, Jr."), is kept whole."""
    parts = [p for p in _NAME_SEP.split(value.strip()) if p]
    if len(parts) > 1 and all(2 <= len(p.split()) <= 4 and p[0].isupper() for p in parts):
        return parts
    return [value.strip()] if value.strip() else []


def _meta_content(tree: etree._Element, *keys: str) -> str | None:
    wanted = {k.lower() for k in keys}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in wanted:
            value = clean_text(meta.get("content"))
            if value:
                return value
    return None


def _canonical(tree: etree._Element) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            href = str(link.get("href", "")).strip()
            if href.startswith(("http://", "https://")):
                return href
    return None


def _h1(tree: etree._Element) -> str | None:
    """The first ``<h1>`` inside an ``<article>``, else the page's only ``<h1>``."""
    heads = tree.findall(".//article//h1") or tree.findall(".//h1")
    if not heads or (len(heads) > 1 and not tree.findall(".//article//h1")):
        return None
    return clean_text("".join(heads[0].itertext())) or None


_SITE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|::|»)\s+")


def _title_tag(tree: etree._Element) -> str | None:
    """The ``<title>`` without a trailing or leading site name ("Story | Site"): its longest part."""
    el = tree.find(".//title")
    if el is None:
        return None
    text = clean_text("".join(el.itertext()))
    parts = [p for p in _SITE_SUFFIX.split(text) if p]
    return max(parts, key=len) if parts else None


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out


def page_meta(tree: etree._Element) -> PageMeta:
    """Title, description, date, URL, authors and ``articleBody`` from JSON-LD, then ``<meta>`` tags."""
    meta = PageMeta()
    arts = article_objects(tree)
    for obj in arts:
        meta.types.extend(_types(obj))
        meta.title = meta.title or clean_text(obj.get("headline") or obj.get("name")) or None
        meta.description = meta.description or clean_text(obj.get("description")) or None
        meta.published = meta.published or iso_date(obj.get("datePublished") or obj.get("dateCreated"))
        url = obj.get("url") or obj.get("mainEntityOfPage")
        if isinstance(url, dict):
            url = url.get("@id") or url.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            meta.url = meta.url or url
        if not meta.authors:
            meta.authors = _names(obj.get("author") or obj.get("creator"))
        body = clean_body(obj.get("articleBody"))
        if body and (meta.body is None or len(body) > len(meta.body)):
            meta.body = body
    meta.title = (meta.title or _meta_content(tree, "og:title", "twitter:title", "dc.title")
                  or _h1(tree) or _title_tag(tree))
    meta.description = meta.description or _meta_content(
        tree, "og:description", "description", "twitter:description", "dc.description")
    meta.published = meta.published or iso_date(_meta_content(
        tree, "article:published_time", "og:article:published_time", "datepublished",
        "dc.date.issued", "dc.date", "date", "pubdate", "publishdate", "sailthru.date",
        "parsely-pub-date"))
    meta.url = meta.url or _canonical(tree) or _meta_content(tree, "og:url")
    if not meta.authors:
        author = _meta_content(tree, "author", "article:author", "dc.creator", "parsely-author",
                               "sailthru.author")
        if author and not author.lower().startswith(("http://", "https://")):
            meta.authors = split_names(author)
    meta.authors = _dedupe(meta.authors)
    return meta
