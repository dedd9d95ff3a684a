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
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import sql

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


# Per store (per server process): the web's reads in flight at once. Two kept the latency tail
# lowest in the load test on 2 cores (docs/performance.md); four only queued in PostgreSQL.
READ_CONNECTIONS = 2


class ReadPool:
    """Up to ``size`` autocommit connections for the web's reads, opened when first needed.

    The store's own connection is shared behind a lock, so a web server's threads queued on it
    one query at a time (a cached page's version check waited behind a slow page's queries).
    Reads see every committed write, the store's own included. A connection that broke is
    dropped and a new one opened on the next read.
    """

    def __init__(self, conninfo: str, schema: str | None, size: int = READ_CONNECTIONS,
                 connect_timeout: int = 10) -> None:
        self._conninfo, self._schema, self._timeout = conninfo, schema, connect_timeout
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    def _open(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=self._timeout)
        if self._schema:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema)))
        return conn

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """An idle connection (waits while ``size`` are in use)."""
        with self._slots:
            with self._lock:
                if self._closed:
                    raise psycopg.InterfaceError("the store is closed")
                conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                conn = self._open()
            try:
                yield conn
            finally:
                with self._lock:
                    if self._closed or conn.broken or conn.closed:
                        conn.close()
                    else:
                        self._idle.append(conn)

    def close(self) -> None:
        """Close the idle connections; those in use close when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class _Translating:
    """A connection whose ``execute`` takes SQLite-dialect SQL (for ``review_fact`` and the
    identity tables of store/identities.py)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, query: str, params: Iterable[Any] = ()) -> psycopg.Cursor[Any]:
        return self._conn.execute(to_pg(query), list(params))  # type: ignore[call-overload,no-any-return]

    def executemany(self, query: str, rows: Iterable[Iterable[Any]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(to_pg(query), [list(r) for r in rows])  # type: ignore[arg-type]


class PostgresWebQueries(SQLiteWebQueries):
    """Web and API reads of :class:`~whipcount.store.postgres.PostgresStore` (a mixin)."""

    # provided by PostgresStore
    _conn: psycopg.Connection[Any]  # type: ignore[assignment]
    _lock: Any
    _read_pool: ReadPool | None = None

    def _pg_all(self, query: Any, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _pg_one(self, query: Any, params: Iterable[Any]) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def _all(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        return self._read(to_pg(sql), params, many=True)

    def _one(self, sql: str, params: Iterable[Any]) -> tuple[Any, ...] | None:
        return self._read(to_pg(sql), params, many=False)

    def _read(self, query: str, params: Iterable[Any], many: bool) -> Any:
        """Rows of a read on a connection of the read pool (else on the store's connection)."""
        if self._read_pool is None:
            return self._pg_all(query, params) if many else self._pg_one(query, params)
        try:
            with self._read_pool.connection() as conn:
                cursor = conn.execute(query, list(params))
                return cursor.fetchall() if many else cursor.fetchone()
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(
                url=self.url, detail=f"query failed: {_first_line(exc)}")) from exc

    @contextmanager
    def _transaction(self) -> Iterator[_Translating]:  # type: ignore[override]
        try:
            with self._lock, self._conn.transaction():
                yield _Translating(self._conn)
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"write failed: {exc}")) from exc

    def data_version(self) -> str:
        """Changes when an article is stored, a fact reviewed or the store resolved
        (`whipcount resolve`, `kb load`), by any connection."""
        row = self._read(
            "SELECT (SELECT COALESCE(MAX(pk), 0) FROM articles) || ':' ||"
            " (SELECT COUNT(*) FROM fact_reviews) || ':' ||"
            " (SELECT COALESCE(MAX(reviewed_at), '') FROM fact_reviews) || ':' ||"
            " (SELECT COALESCE(MAX(pk), 0) FROM resolutions)", (), many=False)
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
