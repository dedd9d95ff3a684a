"""Small pieces every format reader shares: ids from paths, dates, limits, HTML pages."""

from __future__ import annotations

import logging
import os
import re
from datetime import datetime, timezone
from time import struct_time

from ..config import Settings
from ..errors import E
from ..models import Article, IngestError
from .decode import decode_bytes, html_declared_charset
from .html import html_to_article

LOGGER = logging.getLogger(__name__)

Item = Article | IngestError

STDIN = "-"
STDIN_STEM = "stdin"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def stem_of(path: str) -> str:
    """The id a file gives its article: the file name without ``.gz`` and without its extension.

    ``news/lieberman-labor-rally.txt.gz`` -> ``lieberman-labor-rally``; stdin -> ``stdin``.
    """
    if path == STDIN:
        return STDIN_STEM
    name = os.path.basename(path.rstrip("/\\")) or path
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, _ = os.path.splitext(name)
    return stem or name


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
BINARY_SAMPLE = 65_536
MAX_CONTROL_SHARE = 0.01


def binary_reason(text: str) -> str | None:
    """Why ``text`` looks like binary data rather than text, or None when it looks like text.

    Any NUL character is binary (no news text has one, and PostgreSQL cannot store it); so is
    a text whose first 64 KB is more than 1% control characters (and more than 3; tab, line
    breaks and form feed are text).
    """
    if "\x00" in text:
        nuls = text.count("\x00")
        return f"{nuls:,} NUL character{'' if nuls == 1 else 's'}"
    sample = text[:BINARY_SAMPLE]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(3, MAX_CONTROL_SHARE * len(sample)):
        return f"{controls:,} control characters in its first {len(sample):,}"
    return None


def check_article(article: Article, settings: Settings, line: int | None = None) -> Item:
    """The article, or an IngestError: E007 when its text is over ``max_article_chars``,
    E009 when the text looks like binary data (see :func:`binary_reason`)."""
    if len(article.text) > settings.max_article_chars:
        return IngestError(article.source, E.E007.format(
            path=article.source, what=f"article {article.id!r}", size=len(article.text),
            unit="characters", limit=settings.max_article_chars, setting="max_article_chars"),
            line=line)
    reason = binary_reason(article.text)
    if reason is not None:
        where = article.source if line is None else f"{article.source}: line {line}"
        return IngestError(article.source, E.E009.format(path=where, detail=reason), line=line)
    return article


def iso_date(value: struct_time | datetime | str | None) -> str | None:
    """An ISO 8601 date (``YYYY-MM-DD``) from a parsed time, a datetime or an ISO-like string."""
    if value is None:
        return None
    if isinstance(value, struct_time):
        try:
            return datetime(*value[:6], tzinfo=timezone.utc).date().isoformat()
        except (TypeError, ValueError):
            return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    m = _ISO_DATE.match(value.strip())
    return m.group(0) if m else None


def html_bytes_to_article(data: bytes, source: str, article_id: str, settings: Settings,
                          url: str | None = None, charset: str | None = None) -> Item:
    """Decode an HTML page (BOM, UTF-8, ``charset`` hint, meta charset, cp1252) and extract it."""
    try:
        html = decode_bytes(data, declared=charset or html_declared_charset(data))
    except UnicodeDecodeError as exc:
        return IngestError(source, E.E003.format(path=source, detail=str(exc)))
    result = html_to_article(html, source=source, article_id=article_id, url=url)
    if isinstance(result, IngestError):
        return result
    return check_article(result, settings)
