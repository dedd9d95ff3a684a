"""Plain-text files: one file, one article, ``text`` exactly as decoded.

No stripping and no normalisation (line endings, spaces and quote marks stay as they are), so
every offset whipcount reports points into the user's file. The only change is the byte-order
mark, which is not text and is dropped (see :mod:`whipcount.ingest.decode`).
"""

from __future__ import annotations

import logging

from ..config import Settings
from ..errors import E
from ..models import Article, IngestError
from .common import Item, check_article
from .decode import decode_bytes

LOGGER = logging.getLogger(__name__)


def text_to_article(data: bytes, source: str, article_id: str,
                    settings: Settings | None = None) -> Item:
    """One ``.txt`` file's bytes as an Article (id = file stem, no title), or an IngestError.

    E003 when the bytes cannot be decoded, E005 when the text is empty or only whitespace,
    E007 when it is longer than ``settings.max_article_chars``.
    """
    settings = settings or Settings()
    try:
        text = decode_bytes(data)
    except UnicodeDecodeError as exc:
        return IngestError(source, E.E003.format(path=source, detail=str(exc)))
    if not text.strip():
        return IngestError(source, E.E005.format(path=source))
    return check_article(Article(id=article_id, source=source, text=text), settings)
