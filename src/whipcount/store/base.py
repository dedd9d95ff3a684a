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
class Page:
    """One page of a list query: the rows, how many match in all, and the window asked for."""

    rows: list[Row]
    total: int
    limit: int
    offset: int


REVIEW_STATES: tuple[str, ...] = ("confirmed", "rejected")
FACT_KINDS: dict[str, str] = {"e": "endorsement", "q": "quote", "s": "stance"}


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

    # -- reading for the web app and API (paginated, review-aware) ---------------------------
    # Fact ids: "e<pk>", "q<pk>", "s<pk>" (endorsement, quote, stance row of this store).
    # Rejected facts are left out unless include_rejected; every fact row carries "fact_id" and
    # "review" (None, "confirmed" or "rejected").
    @abstractmethod
    def find_articles(self, search: str | None = None, limit: int = DEFAULT_LIMIT,
                      offset: int = 0) -> Page:
        """Article rows (as :meth:`articles`, newest stored first) with the total matching."""

    @abstractmethod
    def find_endorsements(self, *, endorser: str | None = None, endorsee: str | None = None,
                          status: str | None = None, office: str | None = None,
                          race: str | None = None, since: str | None = None,
                          until: str | None = None, article: str | None = None,
                          endorser_id: str | None = None, endorsee_id: str | None = None,
                          include_rejected: bool = False, limit: int = DEFAULT_LIMIT,
                          offset: int = 0) -> Page:
        """Endorsement rows, newest article first, plus ``fact_id``, ``review``, ``date``,
        ``article_title``, ``published`` and ``endorser_kind`` (an organization's kind,
        "person", or None).

        Name filters as :meth:`endorsements`; ``race`` is the office, exact but case-blind;
        ``since``/``until`` are ISO date prefixes compared with the endorsement's date (its
        ``when``, else the article's published date); ``endorser_id``/``endorsee_id`` are
        store-level ids of a person or organization.
        """

    @abstractmethod
    def find_quotes(self, *, speaker: str | None = None, search: str | None = None,
                    article: str | None = None, kind: str | None = None,
                    speaker_id: str | None = None, include_rejected: bool = False,
                    limit: int = DEFAULT_LIMIT, offset: int = 0) -> Page:
        """Quote rows (as :meth:`quotes` plus ``fact_id``, ``review``, ``article_title``,
        ``published``), newest first (also with ``search``: full text, as :meth:`quotes`)."""

    @abstractmethod
    def find_people(self, name: str | None = None, limit: int = DEFAULT_LIMIT,
                    offset: int = 0) -> Page:
        """People rows (as :meth:`people`) with the total matching."""

    @abstractmethod
    def person(self, person_id: str, include_rejected: bool = False,
               limit: int = 50) -> Row | None:
        """One person by store id: the :meth:`people` row plus ``quotes``, ``endorsements_given``,
        ``endorsements_received`` (each ``{"total", "items"}``, at most ``limit`` items, newest
        first; received ones with ``endorser_titles``), ``received_by_status`` and ``stances``;
        None when unknown."""

    @abstractmethod
    def organization(self, org_id: str, include_rejected: bool = False,
                     limit: int = 50) -> Row | None:
        """One organization by store id: ``{id, name, kind, members, aliases, articles}`` plus
        ``quotes``, ``endorsements_given``, ``endorsements_received`` and ``stances`` as in
        :meth:`person`; None when unknown."""

    @abstractmethod
    def races(self, include_rejected: bool = False) -> list[Row]:
        """Every office endorsements name: ``{office, endorsements, candidates: [{name, id,
        counts: {status: n}, total}]}``, most endorsements first."""

    @abstractmethod
    def race(self, office: str, include_rejected: bool = False, limit: int = 300) -> Row | None:
        """One race (office, case-blind): the :meth:`races` row plus ``endorsements`` (at most
        ``limit``, newest first, each with ``endorser_titles``) and ``timeline`` (``{date,
        endorsee, status, n}`` per day); None when no endorsement names that office."""

    @abstractmethod
    def article_facts(self, article_id: str) -> Row | None:
        """Store ids of one article's entities and facts: ``{"entities": {"p1": person id,
        "o1": org id}, "facts": {"e1": {"fact_id", "review"}, "q1": ..., "s1": ...}}`` (stances
        numbered s1, s2, ... in record order); None when the article is unknown."""

    @abstractmethod
    def review_fact(self, fact_id: str, state: str, note: str | None = None) -> Row | None:
        """Set the review state ("confirmed" or "rejected") of a fact; the fact is never deleted.
        Returns ``{fact_id, kind, state, note, reviewed_at}``, or None for an unknown fact."""

    @abstractmethod
    def data_version(self) -> str:
        """A cheap token that changes whenever articles are stored or a fact is reviewed (for
        caching expensive summaries such as :meth:`races`)."""

    @abstractmethod
    def review_queue(self, state: str | None = None, limit: int = DEFAULT_LIMIT,
                     offset: int = 0) -> Page:
        """Endorsements, quotes and stances to review, least confident first: ``state`` None
        means not yet reviewed, else "confirmed" or "rejected". Rows ``{fact_id, kind,
        article_id, local_id, summary, evidence, span, confidence, review}``."""

    # -- upkeep ----------------------------------------------------------------------------
    def optimize(self) -> None:
        """Refresh the query planner's statistics after a bulk load (runners call it at the end of
        a run that stored anything): without them PostgreSQL plans the person page as if the
        tables were empty. Cheap: both backends sample the tables."""

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
        try:
            from .postgres import PostgresStore
        except ImportError as exc:  # psycopg missing: the postgres extra is not installed
            raise WhipcountError(E.E012.format(url=redact_url(url))) from exc
        return PostgresStore(url, create=create)
    if scheme == "sqlite":
        path = url[len("sqlite://"):]
        if path.startswith("/"):
            path = path[1:]  # sqlite:///rel.db -> rel.db ; sqlite:////abs.db -> /abs.db
        if not path:
            raise WhipcountError(E.E011.format(url=url))
    elif scheme:
        raise WhipcountError(E.E011.format(url=redact_url(url)))
    else:
        path = url
    from .sqlite import SQLiteStore  # the backend imports this module; import it late

    if path != ":memory:" and Path(path).is_dir():
        raise StoreError(E.E010.format(url=url, detail="is a folder, not a database file"))
    if not create and path != ":memory:" and not Path(path).exists():
        raise StoreError(E.E010.format(
            url=url, detail="no such database yet; store articles with `whipcount run` first"))
    return SQLiteStore(path)


def redact_url(url: str) -> str:
    """``url`` without a password, so it can go into an error message."""
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)
