"""The store interface every backend implements, and :func:`open_store` to pick a backend.

A store keeps extraction records (output-schema.md). Writes are idempotent by the article's
sha256: writing the same article twice stores it once. Each ``write_records`` call is one
transaction, so a killed run never leaves half an article behind.

List queries return plain ``dict`` rows whose keys are the field names of output-schema.md,
so the CLI, the API and the exporters share one row shape.

People and organizations: the store keeps one store-level entity per normalised name
(:func:`entity_key`) across articles, and links every per-article entity (``p1``, ``o2`` in a
record) to it. Real cross-article resolution (name variants, titles, KB links) comes later and
only has to change how keys are assigned.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import E, StoreError, WhipcountError
from ..models import Record

LOGGER = logging.getLogger(__name__)

Row = dict[str, Any]

# Limits of one list query; the CLI and the API pass their own.
DEFAULT_LIMIT = 100
MAX_LIMIT = 100_000


@dataclass
class WriteResult:
    """What one ``write_records`` call did: records stored, and records skipped as duplicates."""

    stored: int = 0
    duplicates: int = 0


class Store(ABC):
    """A place that keeps extraction records. Use as a context manager or call :meth:`close`."""

    url: str

    # -- writing ---------------------------------------------------------------------------
    @abstractmethod
    def write_records(self, records: list[Record]) -> WriteResult:
        """Store ``records`` in ONE transaction; articles already stored (by sha256) are skipped.

        Duplicates inside ``records`` count once as stored and then as duplicates. If anything
        fails, nothing of the batch is stored and :class:`~whipcount.errors.StoreError` is raised.
        """

    # -- dedupe ----------------------------------------------------------------------------
    @abstractmethod
    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The subset of ``hashes`` (article sha256) already stored."""

    def has_article(self, sha256: str) -> bool:
        """True if an article with this text hash is stored."""
        return bool(self.known_hashes([sha256]))

    # -- reading ---------------------------------------------------------------------------
    @abstractmethod
    def get_record(self, article_id: str) -> Record | None:
        """The full record of an article, by its id (or its sha256), or None."""

    @abstractmethod
    def articles(self, limit: int = DEFAULT_LIMIT, offset: int = 0,
                 search: str | None = None) -> list[Row]:
        """Rows ``{id, source, title, published, sha256}``; ``search`` matches id, title, source."""

    @abstractmethod
    def people(self, name: str | None = None, limit: int = DEFAULT_LIMIT,
               offset: int = 0) -> list[Row]:
        """Rows ``{id, name, titles, party, kb, articles}`` (articles: how many mention them)."""

    @abstractmethod
    def organizations(self, name: str | None = None, kind: str | None = None,
                      limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Row]:
        """Rows ``{id, name, kind, members, articles}``."""

    @abstractmethod
    def quotes(self, speaker: str | None = None, search: str | None = None,
               article: str | None = None, kind: str | None = None,
               limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Row]:
        """Quote rows (output-schema fields + ``article_id``); ``search`` is full-text."""

    @abstractmethod
    def endorsements(self, endorser: str | None = None, endorsee: str | None = None,
                     status: str | None = None, office: str | None = None,
                     article: str | None = None, limit: int = DEFAULT_LIMIT,
                     offset: int = 0) -> list[Row]:
        """Endorsement rows (output-schema fields + ``article_id``)."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """How many articles, people, organizations, quotes, endorsements, stances are stored."""

    # -- lifetime --------------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def entity_key(name: str) -> str:
    """The store-level key of a person or organization name: an ASCII slug.

    "State Sen. Dana Whitcombe" and "state sen dana  whitcombe" share a key; accents fold
    ("José" -> "jose"); possessives drop ("Whitcombe's" -> "whitcombe").
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’]s\b", "", text.casefold())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "unnamed"


def check_limit(limit: int, offset: int) -> tuple[int, int]:
    """Clamp a page request to sane bounds (a negative limit means the maximum)."""
    if limit < 0 or limit > MAX_LIMIT:
        limit = MAX_LIMIT
    return limit, max(0, offset)


def open_store(url: str, create: bool = True) -> Store:
    """Open the store at ``url``, creating it unless ``create`` is False.

    ``url`` is a file path (``whipcount.db``), ``sqlite:///PATH`` (``sqlite:////abs/path`` for an
    absolute path, ``sqlite://:memory:`` or ``:memory:`` for a throwaway store), or
    ``postgresql://...`` (needs the ``postgres`` extra).
    """
    if not url or not url.strip():
        raise WhipcountError(E.E011.format(url=url))
    url = url.strip()
    scheme = url.split(":", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgresql", "postgres"):
        raise WhipcountError(E.E012.format(url=_redact(url)))
    if scheme == "sqlite":
        path = url[len("sqlite://"):]
        if path.startswith("/"):
            path = path[1:]  # sqlite:///rel.db -> rel.db ; sqlite:////abs.db -> /abs.db
        if not path:
            raise WhipcountError(E.E011.format(url=url))
    elif scheme:
        raise WhipcountError(E.E011.format(url=_redact(url)))
    else:
        path = url
    from .sqlite import SQLiteStore  # the backend imports this module; import it late

    if path != ":memory:" and Path(path).is_dir():
        raise StoreError(E.E010.format(url=url, detail="is a folder, not a database file"))
    if not create and path != ":memory:" and not Path(path).exists():
        raise StoreError(E.E010.format(
            url=url, detail="no such database yet; store articles with `whipcount run` first"))
    return SQLiteStore(path)


def _redact(url: str) -> str:
    """``url`` without a password, so it can go into an error message."""
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)
