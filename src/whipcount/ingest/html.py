"""HTML pages to Articles: main text, title, date, URL and authors.

(First version: trafilatura defaults. To be improved with structured data.)
"""

from __future__ import annotations

import logging

import trafilatura

from ..errors import E
from ..models import Article, IngestError

LOGGER = logging.getLogger(__name__)


def html_to_article(html: str | bytes, source: str, article_id: str,
                    url: str | None = None) -> Article | IngestError:
    """Extract the article in one HTML page; an IngestError when the page holds no article."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    text = trafilatura.extract(html, url=url, include_comments=False)
    if not text or not text.strip():
        return IngestError(source, E.E006.format(path=source, detail="no article text in the HTML page"))
    meta = trafilatura.extract_metadata(html, default_url=url)
    return Article(id=article_id, source=source, text=text,
                   title=getattr(meta, "title", None) if meta else None,
                   published=getattr(meta, "date", None) if meta else None,
                   url=(getattr(meta, "url", None) if meta else None) or url,
                   authors=[a.strip() for a in (getattr(meta, "author", None) or "").split(";") if a.strip()] if meta else [])
