"""The web app's and API's reads on PostgreSQL: the SQLite queries, translated.

:class:`~whipcount.store.sqlite_web.SQLiteWebQueries` holds the queries behind the web pages
(paginated lists, entity and race pages, fact review). Their SQL is plain enough that a short,
fixed table of rewrites turns it into PostgreSQL's dialect, so both backends answer from one
source of truth instead of two copies that drift. What cannot be rewritten is written here:
full-text quote search (FTS5 there, ``tsvector`` here).

The rewrites (:func:`to_pg`): ``?`` placeholders become ``%s`` (and a literal ``%`` becomes
``%%``); ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores ASCII case); ``x COLLATE NOCASE``
becomes ``lower(x)``; ``json_group_array(DISTINCT x)`` becomes ``json_agg(DISTINCT x)::text``;
``strftime(... 'now')`` becomes the same ISO text from ``now()``; a subquery in FROM gets the
alias PostgreSQL requires. A test runs every web query on both backends and compares the rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg

from ..errors import E, StoreError
from .base import DEFAULT_LIMIT, Page, check_limit
from .postgres_schema import NOW_TEXT
from .sqlite_web import _Q_SELECT, SQLiteWebQueries, _name_clause, _not_rejected, _quote_row, _where

LOGGER = logging.getLogger(__name__)

_REWRITES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"strftime\('%Y-%m-%dT%H:%M:%fZ', 'now'\)"), lambda m: NOW_TEXT),
    (re.compile(r"json_group_array\((DISTINCT [\w.]+)\)"), r"json_agg(\1)::text"),
    # grouping by a case-blind office: PostgreSQL wants the selected office aggregated
    (re.compile(r"SELECT e\.office AS office"), "SELECT min(e.office) AS office"),
    (re.compile(r"([\w.]+) = \? COLLATE NOCASE"), r"lower(\1) = lower(?)"),
    (re.compile(r"([\w.]+) COLLATE NOCASE"), r"lower(\1)"),
    (re.compile(r"\bLIKE\b"), "ILIKE"),
    (re.compile(r"\)( WHERE state\b)"), r") AS u\1"),
]


@lru_cache(maxsize=512)
def to_pg(query: str) -> str:
    """SQLite-dialect SQL of the web queries as PostgreSQL SQL for psycopg (see module doc)."""
    for pattern, repl in _REWRITES:
        query = pattern.sub(repl, query)
    return query.replace("%", "%%").replace("?", "%s")


class _Translating:
    """A connection whose ``execute`` takes SQLite-dialect SQL (for ``review_fact``)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, query: str, params: Iterable[Any] = ()) -> psycopg.Cursor[Any]:
        return self._conn.execute(to_pg(query), list(params))  # type: ignore[call-overload,no-any-return]


class PostgresWebQueries(SQLiteWebQueries):
    """Web and API reads of :class:`~whipcount.store.postgres.PostgresStore` (a mixin)."""

    # provided by PostgresStore
    _conn: psycopg.Connection[Any]  # type: ignore[assignment]
    _lock: Any

    def _pg_all(self, query: Any, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _pg_one(self, query: Any, params: Iterable[Any]) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def _all(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        return self._pg_all(to_pg(sql), params)

    def _one(self, sql: str, params: Iterable[Any]) -> tuple[Any, ...] | None:
        return self._pg_one(to_pg(sql), params)

    @contextmanager
    def _transaction(self) -> Iterator[_Translating]:  # type: ignore[override]
        try:
            with self._lock, self._conn.transaction():
                yield _Translating(self._conn)
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"write failed: {exc}")) from exc

    def data_version(self) -> str:
        """Changes when an article is stored or a fact reviewed, by any connection."""
        row = self._pg_one(
            "SELECT (SELECT COALESCE(MAX(pk), 0) FROM articles) || ':' ||"
            " (SELECT COUNT(*) FROM fact_reviews) || ':' ||"
            " (SELECT COALESCE(MAX(reviewed_at), '') FROM fact_reviews)", ())
        return str(row[0]) if row else ""

    def find_quotes(self, *, speaker: str | None = None, search: str | None = None,
                    article: str | None = None, kind: str | None = None,
                    speaker_id: str | None = None, include_rejected: bool = False,
                    limit: int = DEFAULT_LIMIT, offset: int = 0,
                    speaker_prefix: str | None = None) -> Page:
        """Quote rows with the total matching; with ``search`` (tsvector), newest first as on
        SQLite: ranking every match of a common word costs a sort of all of them per page."""
        from .postgres import ts_query  # postgres.py imports this module

        if search is None:
            return super().find_quotes(
                speaker=speaker, article=article, kind=kind, speaker_id=speaker_id,
                include_rejected=include_rejected, limit=limit, offset=offset,
                speaker_prefix=speaker_prefix)
        limit, offset = check_limit(limit, offset)
        tsquery = ts_query(search)
        if not tsquery:
            return Page([], 0, limit, offset)
        clauses = ["q.fts @@ to_tsquery('simple', ?)"]
        params: list[Any] = [tsquery]
        if speaker:
            c, p = _name_clause("q.speaker_key", speaker)
            clauses.append(c)
            params += p
        for clause, value in (("q.speaker_store_id = ?", speaker_id),
                              ("q.speaker_id LIKE ?", f"{speaker_prefix}%" if speaker_prefix else None),
                              ("q.article_pk = (SELECT pk FROM articles WHERE id = ?)", article),
                              ("q.kind = ?", kind)):
            if value:
                clauses.append(clause)
                params.append(value)
        if not include_rejected:
            c, p = _not_rejected("quote", "q.pk")
            clauses.append(c)
            params += p
        where = _where(clauses)
        total = self._count(f"SELECT COUNT(*) FROM quotes q{where}", params)
        rows = self._all(f"{_Q_SELECT}{where} ORDER BY q.pk DESC LIMIT ? OFFSET ?",
                         [*params, limit, offset])
        return Page([_quote_row(r) for r in rows], total, limit, offset)
