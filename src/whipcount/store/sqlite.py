"""The SQLite store: one file, WAL mode, foreign keys, full-text search over quotes.

The schema lives in :mod:`whipcount.store.sqlite_schema` as ordered migrations, applied on
open, each in its own transaction. Each ``write_records`` call is one ``BEGIN IMMEDIATE`` ...
``COMMIT``; on any error the whole batch rolls back. Every value goes in as a bound parameter.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ..errors import E, StoreError
from ..models import Record
from .base import DEFAULT_LIMIT, Row, Store, WriteResult, check_limit, entity_key
from .rows import (ARTICLE_COLUMNS, ENDORSEMENT_COLUMNS, ORG_MENTION_COLUMNS, PERSON_MENTION_COLUMNS,
                   QUOTE_COLUMNS, STANCE_COLUMNS, TITLE_COLUMNS, merge_kb, record_rows, search_terms)
from .rows import ENDORSEMENT_LIST_SELECT, QUOTE_LIST_SELECT, endorsement_list_row, quote_list_row
from .rows import like_escape as _like_escape
from .identities import IdentityQueries
from .sqlite_schema import MIGRATIONS
from .sqlite_web import SQLiteWebQueries

LOGGER = logging.getLogger(__name__)

_IN_CHUNK = 500  # bound parameters per IN (...) query


class SQLiteStore(SQLiteWebQueries, IdentityQueries, Store):
    """A store in one SQLite file (or ``:memory:``). Safe to share between threads."""

    def __init__(self, path: str, timeout: float = 30.0) -> None:
        self.path = path
        self.url = path if path == ":memory:" else f"sqlite:///{path}"
        self._lock = threading.RLock()
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a batch is exactly one
            # transaction and DDL in a migration is inside it too.
            self._conn = sqlite3.connect(path, timeout=timeout, isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"cannot open: {exc}")) from exc

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The highest migration applied to this database."""
        row = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")
        if self.schema_version() > len(MIGRATIONS):
            raise StoreError(E.E010.format(
                url=self.url, detail=f"schema version {self.schema_version()} is newer than this "
                f"whipcount knows ({len(MIGRATIONS)}); upgrade whipcount"))
        for version, steps in enumerate(MIGRATIONS, start=1):
            if version <= self.schema_version():
                continue
            with self._transaction():
                # Re-check under the write lock: another process may have migrated meanwhile.
                if version <= self.schema_version():
                    continue
                LOGGER.info("applying schema migration %d to %s", version, self.url)
                for sql in steps:
                    self._conn.execute(sql)
                self._conn.execute("INSERT INTO schema_version(version) VALUES (?)", (version,))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------
    def write_records(self, records: list[Record]) -> WriteResult:
        """Store ``records`` in one transaction, skipping articles already stored (by sha256)."""
        result = WriteResult()
        if not records:
            return result
        try:
            with self._transaction() as conn:
                for record in records:
                    if self._insert_record(conn, record):
                        result.stored += 1
                    else:
                        result.duplicates += 1
        except (sqlite3.Error, ValueError, TypeError, IndexError, KeyError) as exc:
            raise StoreError(E.E010.format(
                url=self.url, detail=f"batch of {len(records)} not stored: "
                f"{type(exc).__name__}: {exc}")) from exc
        return result

    def _insert_record(self, conn: sqlite3.Connection, record: Record) -> bool:
        rows = record_rows(record)  # flattening (shared with PostgreSQL) before any write
        if conn.execute("SELECT 1 FROM articles WHERE sha256 = ?", (rows.sha256,)).fetchone():
            return False
        article_id = self._free_article_id(conn, rows.wanted_id, rows.sha256)
        cur = conn.execute(_insert_sql("articles", ARTICLE_COLUMNS), rows.article_row(article_id))
        apk = cur.lastrowid
        for p in rows.people:
            person_pk, _ = self._upsert_person(conn, p.name, p.party, p.kb)
            mcur = conn.execute(_insert_sql("person_mentions", ("article_pk", "person_pk", *PERSON_MENTION_COLUMNS)),
                                (apk, person_pk, *p.mention))
            for t in p.titles:
                conn.execute(_insert_sql("titles", ("article_pk", "mention_pk", "person_pk", *TITLE_COLUMNS)),
                             (apk, mcur.lastrowid, person_pk, *t))
        for o in rows.orgs:
            org_pk, _ = self._upsert_org(conn, o.name, o.kind, o.members)
            conn.execute(_insert_sql("org_mentions", ("article_pk", "org_pk", *ORG_MENTION_COLUMNS)), (apk, org_pk, *o.mention))
        for table, columns, values in (("quotes", QUOTE_COLUMNS, rows.quotes),
                                       ("endorsements", ENDORSEMENT_COLUMNS, rows.endorsements),
                                       ("stances", STANCE_COLUMNS, rows.stances)):
            if values:
                conn.executemany(_insert_sql(table, ("article_pk", *columns)), [(apk, *v) for v in values])
        return True

    def _free_article_id(self, conn: sqlite3.Connection, wanted: str, sha: str) -> str:
        """``wanted``, or ``wanted-<sha prefix>`` when another text already has that id."""
        candidate, n = wanted, 8
        while conn.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone():
            candidate = f"{wanted}-{sha[:n]}"
            n += 4
        if candidate != wanted:
            LOGGER.warning("article id %r is taken by another text; storing as %r", wanted, candidate)
        return candidate

    def _upsert_person(self, conn: sqlite3.Connection, name: str, party: str | None,
                       kb: dict[str, str | None]) -> tuple[int, str]:
        key = entity_key(name)
        row = conn.execute("SELECT pk, party, kb FROM people WHERE id = ?", (key,)).fetchone()
        if row is None:
            cur = conn.execute("INSERT INTO people(id, name, party, kb) VALUES (?,?,?,?)",
                               (key, name, party, json.dumps(kb or {})))
            return int(cur.lastrowid or 0), key
        merged = merge_kb(json.loads(row[2] or "{}"), kb)
        conn.execute("UPDATE people SET party = COALESCE(party, ?), kb = ? WHERE pk = ?",
                     (party, json.dumps(merged), row[0]))
        return int(row[0]), key

    def _upsert_org(self, conn: sqlite3.Connection, name: str, kind: str | None,
                    members: int | None) -> tuple[int, str]:
        key = entity_key(name)
        row = conn.execute("SELECT pk FROM organizations WHERE id = ?", (key,)).fetchone()
        if row is None:
            cur = conn.execute("INSERT INTO organizations(id, name, kind, members) VALUES (?,?,?,?)",
                               (key, name, kind, members))
            return int(cur.lastrowid or 0), key
        conn.execute("UPDATE organizations SET kind = COALESCE(kind, ?),"
                     " members = COALESCE(members, ?) WHERE pk = ?", (kind, members, row[0]))
        return int(row[0]), key

    # -- dedupe ----------------------------------------------------------------------------
    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The subset of ``hashes`` already stored."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        with self._lock:
            for i in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[i:i + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(r[0] for r in self._conn.execute(
                    f"SELECT sha256 FROM articles WHERE sha256 IN ({marks})", chunk))
        return found

    # -- reading ---------------------------------------------------------------------------
    def get_record(self, article_id: str) -> Record | None:
        """The stored record of an article, by id or sha256."""
        row = self._one("SELECT record FROM articles WHERE id = ? OR sha256 = ? LIMIT 1",
                        (article_id, article_id))
        return Record.from_dict(json.loads(row[0])) if row else None

    def articles(self, limit: int = DEFAULT_LIMIT, offset: int = 0,
                 search: str | None = None) -> list[Row]:
        """Article rows in storage order; ``search`` is a substring of id, title or source."""
        limit, offset = check_limit(limit, offset)
        sql = "SELECT id, source, title, published, sha256 FROM articles"
        params: list[Any] = []
        if search:
            sql += " WHERE id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\'"
            pattern = f"%{_like_escape(search)}%"
            params += [pattern, pattern, pattern]
        sql += " ORDER BY pk LIMIT ? OFFSET ?"
        cols = ("id", "source", "title", "published", "sha256")
        return [dict(zip(cols, r)) for r in self._all(sql, [*params, limit, offset])]

    def people(self, name: str | None = None, limit: int = DEFAULT_LIMIT,
               offset: int = 0) -> list[Row]:
        """Store-level people with their distinct titles and how many articles mention them."""
        limit, offset = check_limit(limit, offset)
        where, params = _name_filter("p.id", name)
        sql = (
            "SELECT p.id, p.name, p.party, p.kb,"
            " (SELECT COUNT(DISTINCT m.article_pk) FROM person_mentions m WHERE m.person_pk = p.pk),"
            " (SELECT json_group_array(json_object('title', t.title, 'org', t.org, 'place', t.place))"
            "  FROM (SELECT DISTINCT title, org, place FROM titles WHERE person_pk = p.pk"
            "        ORDER BY title, org, place) t)"
            f" FROM people p {where} ORDER BY p.name COLLATE NOCASE, p.pk LIMIT ? OFFSET ?")
        return [{"id": r[0], "name": r[1], "titles": json.loads(r[5]), "party": r[2],
                 "kb": json.loads(r[3]), "articles": r[4]}
                for r in self._all(sql, [*params, limit, offset])]

    def organizations(self, name: str | None = None, kind: str | None = None,
                      limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Row]:
        """Store-level organizations and how many articles mention them."""
        limit, offset = check_limit(limit, offset)
        where, params = _name_filter("o.id", name)
        if kind:
            where += (" AND" if where else " WHERE") + " o.kind = ?"
            params.append(kind)
        sql = ("SELECT o.id, o.name, o.kind, o.members,"
               " (SELECT COUNT(DISTINCT m.article_pk) FROM org_mentions m WHERE m.org_pk = o.pk)"
               f" FROM organizations o {where} ORDER BY o.name COLLATE NOCASE, o.pk LIMIT ? OFFSET ?")
        cols = ("id", "name", "kind", "members", "articles")
        return [dict(zip(cols, r)) for r in self._all(sql, [*params, limit, offset])]

    def quotes(self, speaker: str | None = None, search: str | None = None,
               article: str | None = None, kind: str | None = None,
               limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Row]:
        """Quote rows; ``search`` is full text (words ANDed, "a phrase", word* prefix)."""
        limit, offset = check_limit(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        joins = ""
        order = "a.pk, q.span_start, q.pk"
        if search is not None:
            match = fts_query(search)
            if not match:
                return []
            joins = " JOIN quotes_fts f ON f.rowid = q.pk"
            clauses.append("quotes_fts MATCH ?")
            params.append(match)
            order = "f.rank, q.pk"
        if speaker:
            w, p = _name_filter("q.speaker_key", speaker)
            clauses.append(w.removeprefix(" WHERE "))
            params += p
        if article:
            clauses.append("a.id = ?")
            params.append(article)
        if kind:
            clauses.append("q.kind = ?")
            params.append(kind)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (f"{QUOTE_LIST_SELECT}{joins}{where}"
               f" ORDER BY {order} LIMIT ? OFFSET ?")
        try:
            rows = self._all(sql, [*params, limit, offset])
        except sqlite3.OperationalError as exc:  # a search the FTS parser still rejects
            raise StoreError(E.E010.format(url=self.url, detail=f"search {search!r}: {exc}")) from exc
        return [quote_list_row(r) for r in rows]

    def endorsements(self, endorser: str | None = None, endorsee: str | None = None,
                     status: str | None = None, office: str | None = None,
                     article: str | None = None, limit: int = DEFAULT_LIMIT,
                     offset: int = 0) -> list[Row]:
        """Endorsement rows; name filters match whole words of the name, office a substring."""
        limit, offset = check_limit(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("e.endorser_key", endorser), ("e.endorsee_key", endorsee)):
            if value:
                w, p = _name_filter(column, value)
                clauses.append(w.removeprefix(" WHERE "))
                params += p
        if status:
            clauses.append("e.status = ?")
            params.append(status.strip().lower())
        if office:
            clauses.append("e.office LIKE ? ESCAPE '\\'")
            params.append(f"%{_like_escape(office)}%")
        if article:
            clauses.append("a.id = ?")
            params.append(article)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (f"{ENDORSEMENT_LIST_SELECT}{where}"
               " ORDER BY a.pk, e.evidence_start, e.pk LIMIT ? OFFSET ?")
        return [endorsement_list_row(r) for r in self._all(sql, [*params, limit, offset])]

    def counts(self) -> dict[str, int]:
        """Rows per kind of stored thing."""
        out: dict[str, int] = {}
        for table in ("articles", "people", "organizations", "quotes", "endorsements", "stances"):
            # table names come from the literal tuple above, never from input
            out[table] = int(self._one(f"SELECT COUNT(*) FROM {table}", ())[0])  # type: ignore[index]
        return out

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    # -- helpers ---------------------------------------------------------------------------
    def _all(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, list(params)).fetchall()

    def _one(self, sql: str, params: Iterable[Any]) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._conn.execute(sql, list(params)).fetchone()
            return row

    def optimize(self) -> None:
        """``PRAGMA optimize``: SQLite's own advice to run after big changes (ANALYZE where due)."""
        with self._lock:
            self._conn.execute("PRAGMA optimize")

    def _ident_write(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction()

    def _ident_all(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        return self._all(sql, params)


def fts_query(text: str) -> str:
    """A safe FTS5 query from what a user typed: words ANDed, "quoted phrases", ``word*`` prefixes.

    Every term is quoted, so FTS5 operators and punctuation in the input cannot break the query.
    """
    terms: list[str] = []
    for words, prefix in search_terms(text):
        terms.append('"' + " ".join(words) + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def _name_filter(column: str, name: str | None) -> tuple[str, list[Any]]:
    """WHERE clause matching ``name`` as whole words of an entity key column."""
    if not name:
        return "", []
    key = entity_key(name)
    return (f" WHERE ('-' || {column} || '-') LIKE ? ESCAPE '\\'",
            [f"%-{_like_escape(key)}-%"])


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """INSERT of one row into ``table`` (names come from the column tuples, never from input)."""
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})"
