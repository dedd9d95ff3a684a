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


def check_article(article: Article, settings: Settings, line: int | None = None) -> Item:
    """The article, or an E007 IngestError when its text is over ``max_article_chars``."""
    if len(article.text) > settings.max_article_chars:
        return IngestError(article.source, E.E007.format(
            path=article.source, what=f"article {article.id!r}", size=len(article.text),
            unit="characters", limit=settings.max_article_chars, setting="max_article_chars"),
            line=line)
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
