"""The PostgreSQL store: a shared database that several writers and readers use at once.

Opened with ``postgresql://user@host:port/db`` (psycopg 3). ``?schema=NAME`` in the URL keeps
whipcount's tables in their own schema (created on open), so one database can hold several
stores, e.g. one per test run.

The schema comes from :mod:`whipcount.store.postgres_schema` through the same numbered
migrations as SQLite, applied under an advisory lock so that two processes opening a new
database at once migrate it once. Writes: one ``write_records`` call is one transaction. Rows
come from :func:`whipcount.store.rows.record_rows` (shared with SQLite) and go in with COPY;
articles go through a staging table and ``INSERT ... ON CONFLICT DO NOTHING`` on the article's
sha256, so two processes writing overlapping batches store every article once. Entities are
upserted in key order (no deadlock between writers) and mention keys are reserved from their
sequences, so a batch is a handful of round trips whatever its size.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from ..errors import E, StoreError, WhipcountError
from ..models import Record
from .base import DEFAULT_LIMIT, Row, Store, WriteResult, check_limit
from .base import redact_url as redact
from .identities import IdentityQueries
from .postgres_schema import MIGRATIONS
from .postgres_web import PostgresWebQueries, ReadPool, _Translating, to_pg
from .rows import (ARTICLE_COLUMNS, ENDORSEMENT_COLUMNS, ENDORSEMENT_LIST_SELECT, ORG_MENTION_COLUMNS,
                   PERSON_MENTION_COLUMNS, QUOTE_COLUMNS, QUOTE_LIST_SELECT, STANCE_COLUMNS,
                   TITLE_COLUMNS, RecordRows, endorsement_list_row, fold, like_escape, merge_kb,
                   name_pattern, quote_list_row, record_rows, search_terms)

LOGGER = logging.getLogger(__name__)

_MIGRATION_LOCK = 0x77686970  # pg_advisory_xact_lock key for migrations ("whip")
_RETRIES = 3  # a batch that deadlocks or hits a serialization failure is tried again
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_ANY_CHUNK = 10_000
_ANALYZED = ("articles", "people", "organizations", "person_mentions", "org_mentions", "titles",
             "quotes", "endorsements", "stances", "fact_reviews")


def split_url(url: str) -> tuple[str, str | None]:
    """``(conninfo for psycopg, schema or None)`` from a whipcount PostgreSQL URL.

    ``?schema=NAME`` is whipcount's own parameter; every other query parameter goes to libpq.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = None
    rest = []
    for k, v in query:
        if k == "schema":
            schema = v
        else:
            rest.append((k, v))
    if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
        raise WhipcountError(E.E011.format(url=redact(url)) + f" (bad schema name {schema!r})")
    return urlunsplit(parts._replace(query=urlencode(rest))), schema


class PostgresStore(PostgresWebQueries, IdentityQueries, Store):
    """A store in a PostgreSQL database (or one schema of it). Safe to share between threads."""

    def __init__(self, url: str, create: bool = True, connect_timeout: int = 10) -> None:
        self.url = redact(url)
        conninfo, self.schema = split_url(url)
        self._lock = threading.RLock()
        self._sequences: dict[str, str] = {}
        self._staging = False
        self._read_pool = ReadPool(conninfo, self.schema, connect_timeout=connect_timeout)
        try:
            self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=connect_timeout)
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"cannot connect: {_first_line(exc)}")) from exc
        try:
            self._migrate(create)
        except BaseException:
            self._conn.close()
            raise

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The highest migration applied to this database."""
        with self._lock:
            row = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self, create: bool) -> None:
        conn = self._conn
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                if self.schema:
                    exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                          (self.schema,)).fetchone()
                    if not exists and not create:
                        raise StoreError(E.E010.format(url=self.url, detail=(
                            f"no schema {self.schema!r} yet; store articles with `whipcount run` first")))
                    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
                    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
                if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:  # type: ignore[index]
                    if not create:
                        raise StoreError(E.E010.format(url=self.url, detail=(
                            "no whipcount tables yet; store articles with `whipcount run` first")))
                    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                                 " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            current = self.schema_version()
            if current > len(MIGRATIONS):
                raise StoreError(E.E010.format(
                    url=self.url, detail=f"schema version {current} is newer than this whipcount "
                    f"knows ({len(MIGRATIONS)}); upgrade whipcount"))
            for version, steps in enumerate(MIGRATIONS, start=1):
                if version <= current:
                    continue
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                    if version <= self.schema_version():  # another process got here first
                        continue
                    LOGGER.info("applying schema migration %d to %s", version, self.url)
                    for step in steps:
                        conn.execute(step)  # type: ignore[call-overload]
                    conn.execute("INSERT INTO schema_version(version) VALUES (%s)", (version,))
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"cannot open: {_first_line(exc)}")) from exc

    def _sequence(self, table: str) -> str:
        if table not in self._sequences:
            row = self._conn.execute("SELECT pg_get_serial_sequence(%s, 'pk')", (table,)).fetchone()
            self._sequences[table] = str(row[0])  # type: ignore[index]
        return self._sequences[table]

    def _reserve(self, table: str, n: int) -> list[int]:
        """``n`` fresh primary keys of ``table``, in increasing order."""
        if n == 0:
            return []
        rows = self._conn.execute("SELECT nextval(%s) FROM generate_series(1, %s)",
                                  (self._sequence(table), n)).fetchall()
        return sorted(int(r[0]) for r in rows)

    # -- writing ---------------------------------------------------------------------------
    def write_records(self, records: list[Record]) -> WriteResult:
        """Store ``records`` in one transaction, skipping articles already stored (by sha256)."""
        result = WriteResult()
        if not records:
            return result
        try:
            batch: list[RecordRows] = []
            seen: set[str] = set()
            for record in records:
                rows = record_rows(record)
                if rows.sha256 in seen:
                    result.duplicates += 1
                    continue
                seen.add(rows.sha256)
                batch.append(rows)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
            raise StoreError(E.E010.format(
                url=self.url, detail=f"batch of {len(records)} not stored: "
                f"{type(exc).__name__}: {exc}")) from exc
        for attempt in range(1, _RETRIES + 1):
            try:
                with self._lock:
                    self._ensure_staging()  # outside the transaction: a rollback must not drop it
                with self._lock, self._conn.transaction():
                    stored = self._write_batch(batch)
                break
            except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure) as exc:
                if attempt == _RETRIES:
                    raise StoreError(E.E010.format(url=self.url, detail=(
                        f"batch of {len(records)} not stored: {_first_line(exc)}"))) from exc
                LOGGER.warning("batch write conflicted with another writer (%s); retrying", exc)
            except psycopg.Error as exc:
                raise StoreError(E.E010.format(url=self.url, detail=(
                    f"batch of {len(records)} not stored: {type(exc).__name__}: {_first_line(exc)}"))) from exc
        result.stored += stored
        result.duplicates += len(batch) - stored
        return result

    def _write_batch(self, batch: list[RecordRows]) -> int:
        """Write the batch's new articles and their facts; return how many were stored."""
        conn = self._conn
        known = self.known_hashes(r.sha256 for r in batch)
        fresh = [r for r in batch if r.sha256 not in known]
        if not fresh:
            return 0
        ids = self._free_ids(fresh)
        pks = self._reserve("articles", len(fresh))
        cols = ("pk", *ARTICLE_COLUMNS)
        with conn.cursor() as cur:
            with cur.copy(sql.SQL("COPY wc_stage_articles ({}) FROM STDIN").format(_idents(cols))) as copy:
                for pk, rows, article_id in zip(pks, fresh, ids):
                    copy.write_row((pk, *rows.article_row(article_id)))
            cur.execute(sql.SQL(
                "INSERT INTO articles ({c}) SELECT {c} FROM wc_stage_articles ORDER BY sha256"
                " ON CONFLICT DO NOTHING RETURNING sha256").format(c=_idents(cols)))
            inserted = {r[0] for r in cur.fetchall()}
            cur.execute("DELETE FROM wc_stage_articles")
        apk: dict[str, int] = {}
        stored: list[RecordRows] = []
        for pk, rows, article_id in zip(pks, fresh, ids):
            if rows.sha256 in inserted or self._store_under_free_id(rows, article_id, pk):
                apk[rows.sha256] = pk
                stored.append(rows)
        if stored:
            self._write_facts(stored, apk)
        return len(stored)

    def _free_ids(self, fresh: list[RecordRows]) -> list[str]:
        """An article id for each record: its own, or ``id-<sha prefix>`` when that is taken."""
        taken: set[str] = set()
        asked: set[str] = set()
        want = {r.wanted_id for r in fresh}
        while True:
            new = want - asked
            asked |= new
            if new:
                taken |= self._existing_ids(new)
            used: set[str] = set()
            out: list[str] = []
            for r in fresh:
                candidate, n = r.wanted_id, 8
                while candidate in taken or candidate in used:
                    candidate = f"{r.wanted_id}-{r.sha256[:n]}"
                    n += 4
                used.add(candidate)
                out.append(candidate)
            want = set(out)
            if want <= asked:
                break
        for r, got in zip(fresh, out):
            if got != r.wanted_id:
                LOGGER.warning("article id %r is taken by another text; storing as %r", r.wanted_id, got)
        return out

    def _existing_ids(self, ids: set[str]) -> set[str]:
        rows = self._conn.execute("SELECT id FROM articles WHERE id = ANY(%s)", (list(ids),)).fetchall()
        return {r[0] for r in rows}

    def _store_under_free_id(self, rows: RecordRows, article_id: str, pk: int) -> bool:
        """After a conflict: False if another writer stored this text; else store it under a free id.

        Only a concurrent writer that took the same id for another text gets here.
        """
        n = 8
        while True:
            if self.known_hashes([rows.sha256]):
                return False
            article_id = f"{rows.wanted_id}-{rows.sha256[:n]}"
            n += 4
            got = self._conn.execute(sql.SQL(
                "INSERT INTO articles ({}) VALUES ({}) ON CONFLICT DO NOTHING RETURNING pk").format(
                    _idents(("pk", *ARTICLE_COLUMNS)), sql.SQL(", ").join(
                        [sql.Placeholder()] * (len(ARTICLE_COLUMNS) + 1))),
                (pk, *rows.article_row(article_id))).fetchone()
            if got:
                return True
            if n > 64:
                raise StoreError(E.E010.format(url=self.url, detail=f"no free id for {rows.wanted_id!r}"))

    def _ensure_staging(self) -> None:
        if not self._staging:
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS wc_stage_articles"
                               " (LIKE articles INCLUDING DEFAULTS)")
            self._staging = True

    def _write_facts(self, stored: list[RecordRows], apk: dict[str, int]) -> None:
        people: dict[str, list[Any]] = {}
        orgs: dict[str, list[Any]] = {}
        for rows in stored:
            for p in rows.people:
                if p.key not in people:
                    people[p.key] = [p.name, p.party, dict(p.kb)]
                else:
                    entry = people[p.key]
                    entry[1] = entry[1] if entry[1] is not None else p.party
                    entry[2] = merge_kb(entry[2], p.kb)
            for o in rows.orgs:
                if o.key not in orgs:
                    orgs[o.key] = [o.name, o.kind, o.members]
                else:
                    entry = orgs[o.key]
                    entry[1] = entry[1] if entry[1] is not None else o.kind
                    entry[2] = entry[2] if entry[2] is not None else o.members
        person_pk = self._upsert(
            "INSERT INTO people(id, name, party, kb)"
            " SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) ORDER BY 1"
            " ON CONFLICT (id) DO UPDATE SET party = COALESCE(people.party, EXCLUDED.party),"
            # KB links: keep the stored non-null values, fill the rest from the new row
            " kb = ((people.kb::jsonb || EXCLUDED.kb::jsonb) || jsonb_strip_nulls(people.kb::jsonb))::text"
            " RETURNING id, pk",
            people, lambda v: (v[0], v[1], json.dumps(v[2])))
        org_pk = self._upsert(
            "INSERT INTO organizations(id, name, kind, members)"
            " SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::int[]) ORDER BY 1"
            " ON CONFLICT (id) DO UPDATE SET kind = COALESCE(organizations.kind, EXCLUDED.kind),"
            " members = COALESCE(organizations.members, EXCLUDED.members) RETURNING id, pk",
            orgs, lambda v: tuple(v))
        mention_pks = iter(self._reserve("person_mentions", sum(len(r.people) for r in stored)))
        mentions: list[tuple[Any, ...]] = []
        titles: list[tuple[Any, ...]] = []
        org_mentions: list[tuple[Any, ...]] = []
        quotes: list[tuple[Any, ...]] = []
        endorsements: list[tuple[Any, ...]] = []
        stances: list[tuple[Any, ...]] = []
        for rows in stored:
            a = apk[rows.sha256]
            for p in rows.people:
                mpk, ppk = next(mention_pks), person_pk[p.key]
                mentions.append((mpk, a, ppk, *p.mention))
                titles.extend((a, mpk, ppk, *t) for t in p.titles)
            org_mentions.extend((a, org_pk[o.key], *o.mention) for o in rows.orgs)
            quotes.extend((a, *q, _fts_doc(q[2], q[5])) for q in rows.quotes)
            endorsements.extend((a, *e) for e in rows.endorsements)
            stances.extend((a, *s) for s in rows.stances)
        self._copy("person_mentions", ("pk", "article_pk", "person_pk", *PERSON_MENTION_COLUMNS), mentions)
        self._copy("titles", ("article_pk", "mention_pk", "person_pk", *TITLE_COLUMNS), titles)
        self._copy("org_mentions", ("article_pk", "org_pk", *ORG_MENTION_COLUMNS), org_mentions)
        self._copy("quotes", ("article_pk", *QUOTE_COLUMNS, "fts_doc"), quotes)
        self._copy("endorsements", ("article_pk", *ENDORSEMENT_COLUMNS), endorsements)
        self._copy("stances", ("article_pk", *STANCE_COLUMNS), stances)

    def _upsert(self, statement: str, entries: dict[str, list[Any]],
                values: Any) -> dict[str, int]:
        """Run an unnest upsert over ``entries`` (key -> values) in key order; key -> pk."""
        if not entries:
            return {}
        keys = sorted(entries)
        columns = list(zip(*[(k, *values(entries[k])) for k in keys]))
        rows = self._conn.execute(statement, [list(c) for c in columns]).fetchall()  # type: ignore[call-overload]
        return {r[0]: int(r[1]) for r in rows}

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with self._conn.cursor() as cur:
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), _idents(columns))) as copy:
                for row in rows:
                    copy.write_row(row)

    # -- dedupe ----------------------------------------------------------------------------
    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The subset of ``hashes`` already stored."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        with self._lock:
            for i in range(0, len(wanted), _ANY_CHUNK):
                rows = self._conn.execute("SELECT sha256 FROM articles WHERE sha256 = ANY(%s)",
                                          (wanted[i:i + _ANY_CHUNK],)).fetchall()
                found.update(r[0] for r in rows)
        return found

    # -- reading ---------------------------------------------------------------------------
    def get_record(self, article_id: str) -> Record | None:
        """The stored record of an article, by id or sha256."""
        row = self._pg_one("SELECT record FROM articles WHERE id = %s OR sha256 = %s LIMIT 1",
                        (article_id, article_id))
        return Record.from_dict(json.loads(row[0])) if row else None

    def articles(self, limit: int = DEFAULT_LIMIT, offset: int = 0,
                 search: str | None = None) -> list[Row]:
        """Article rows in storage order; ``search`` is a substring of id, title or source."""
        limit, offset = check_limit(limit, offset)
        query = "SELECT id, source, title, published, sha256 FROM articles"
        params: list[Any] = []
        if search:
            query += (" WHERE id ILIKE %s ESCAPE '\\' OR title ILIKE %s ESCAPE '\\'"
                      " OR source ILIKE %s ESCAPE '\\'")
            params += [f"%{like_escape(search)}%"] * 3
        query += " ORDER BY pk LIMIT %s OFFSET %s"
        cols = ("id", "source", "title", "published", "sha256")
        return [dict(zip(cols, r)) for r in self._pg_all(query, [*params, limit, offset])]

    def people(self, name: str | None = None, limit: int = DEFAULT_LIMIT,
               offset: int = 0) -> list[Row]:
        """Store-level people with their distinct titles and how many articles mention them."""
        limit, offset = check_limit(limit, offset)
        where, params = _name_filter("p.id", name)
        query = (
            "SELECT p.id, p.name, p.party, p.kb,"
            " (SELECT COUNT(DISTINCT m.article_pk) FROM person_mentions m WHERE m.person_pk = p.pk),"
            " (SELECT COALESCE(json_agg(json_build_object('title', t.title, 'org', t.org,"
            "   'place', t.place) ORDER BY t.title COLLATE \"C\" NULLS FIRST,"
            "   t.org COLLATE \"C\" NULLS FIRST, t.place COLLATE \"C\" NULLS FIRST), '[]'::json)"
            "  FROM (SELECT DISTINCT title, org, place FROM titles WHERE person_pk = p.pk) t)"
            f" FROM people p {where} ORDER BY lower(p.name COLLATE \"C\"), p.pk LIMIT %s OFFSET %s")
        return [{"id": r[0], "name": r[1], "titles": r[5], "party": r[2], "kb": json.loads(r[3]),
                 "articles": r[4]}
                for r in self._pg_all(query, [*params, limit, offset])]

    def organizations(self, name: str | None = None, kind: str | None = None,
                      limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Row]:
        """Store-level organizations and how many articles mention them."""
        limit, offset = check_limit(limit, offset)
        where, params = _name_filter("o.id", name)
        if kind:
            where += (" AND" if where else " WHERE") + " o.kind = %s"
            params.append(kind)
        query = ("SELECT o.id, o.name, o.kind, o.members,"
                 " (SELECT COUNT(DISTINCT m.article_pk) FROM org_mentions m WHERE m.org_pk = o.pk)"
                 f" FROM organizations o {where} ORDER BY lower(o.name COLLATE \"C\"), o.pk"
                 " LIMIT %s OFFSET %s")
        cols = ("id", "name", "kind", "members", "articles")
        return [dict(zip(cols, r)) for r in self._pg_all(query, [*params, limit, offset])]

    def quotes(self, speaker: str | None = None, search: str | None = None,
               article: str | None = None, kind: str | None = None,
               limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Row]:
        """Quote rows; ``search`` is full text (words ANDed, "a phrase", word* prefix)."""
        limit, offset = check_limit(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        order = "a.pk, q.span_start, q.pk"
        rank: list[Any] = []
        if search is not None:
            tsquery = ts_query(search)
            if not tsquery:
                return []
            clauses.append("q.fts @@ to_tsquery('simple', %s)")
            params.append(tsquery)
            order = "ts_rank(q.fts, to_tsquery('simple', %s)) DESC, q.pk"
            rank = [tsquery]
        if speaker:
            w, p = _name_filter("q.speaker_key", speaker)
            clauses.append(w.removeprefix(" WHERE "))
            params += p
        if article:
            clauses.append("a.id = %s")
            params.append(article)
        if kind:
            clauses.append("q.kind = %s")
            params.append(kind)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        query = (f"{QUOTE_LIST_SELECT}{where}"
                 f" ORDER BY {order} LIMIT %s OFFSET %s")
        rows = self._pg_all(query, [*params, *rank, limit, offset])
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
            clauses.append("e.status = %s")
            params.append(status.strip().lower())
        if office:
            clauses.append("e.office ILIKE %s ESCAPE '\\'")
            params.append(f"%{like_escape(office)}%")
        if article:
            clauses.append("a.id = %s")
            params.append(article)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        query = (f"{ENDORSEMENT_LIST_SELECT}{where}"
                 " ORDER BY a.pk, e.evidence_start, e.pk LIMIT %s OFFSET %s")
        return [endorsement_list_row(r) for r in self._pg_all(query, [*params, limit, offset])]

    def counts(self) -> dict[str, int]:
        """Rows per kind of stored thing."""
        out: dict[str, int] = {}
        for table in ("articles", "people", "organizations", "quotes", "endorsements", "stances"):
            row = self._pg_one(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)), ())
            out[table] = int(row[0])  # type: ignore[index]
        return out

    def close(self) -> None:
        """Close the connections (idempotent)."""
        with self._lock:
            self._conn.close()
        if self._read_pool is not None:
            self._read_pool.close()

    # -- helpers ---------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            with self._lock:
                yield
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"query failed: {_first_line(exc)}")) from exc

    def _pg_all(self, query: Any, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        with self._reading():
            return self._conn.execute(query, list(params)).fetchall()

    def _pg_one(self, query: Any, params: Iterable[Any]) -> tuple[Any, ...] | None:
        with self._reading():
            return self._conn.execute(query, list(params)).fetchone()

    def optimize(self) -> None:
        """``ANALYZE`` the tables the pages query (autovacuum would, but minutes later)."""
        with self._reading():
            for table in _ANALYZED:  # names from the literal tuple, never from input
                self._conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))

    @contextmanager
    def _ident_write(self) -> Iterator[_Translating]:
        try:
            with self._lock, self._conn.transaction():
                yield _Translating(self._conn)
        except psycopg.Error as exc:
            raise StoreError(E.E010.format(url=self.url, detail=f"write failed: {_first_line(exc)}")) from exc

    def _ident_all(self, query: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        return self._pg_all(to_pg(query), params)


def ts_query(text: str) -> str:
    """A safe ``to_tsquery('simple', ...)`` string from what a user typed (see search_terms)."""
    parts = []
    for words, prefix in search_terms(fold(text)):
        lexemes = [f"'{w}'" for w in words]
        if prefix:
            lexemes[-1] += ":*"
        parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def _fts_doc(text: str | None, speaker: str | None) -> str:
    """What a quote's full-text index holds: its text and speaker, folded, words only."""
    return " ".join(re.findall(r"\w+", fold(f"{text or ''} {speaker or ''}")))


def _name_filter(column: str, name: str | None) -> tuple[str, list[Any]]:
    if not name:
        return "", []
    return f" WHERE ('-' || {column} || '-') LIKE %s ESCAPE '\\'", [name_pattern(name)]


def _idents(names: tuple[str, ...]) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
