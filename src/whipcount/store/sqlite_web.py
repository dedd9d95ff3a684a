"""The SQLite queries behind the web app and API: paginated lists with totals, entity and race
pages, and fact review state (migration 2, table ``fact_reviews``).

A mixin of :class:`whipcount.store.sqlite.SQLiteStore`: it uses the store's connection helpers
(``_all``, ``_one``, ``_transaction``). Every value goes in as a bound parameter; the only text
put into SQL is from literals in this module (column names, fact kinds).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

from ..errors import E, StoreError
from .base import DEFAULT_LIMIT, FACT_KINDS, REVIEW_STATES, Page, Row, check_limit, entity_key

LOGGER = logging.getLogger(__name__)

_IN_CHUNK = 500
_FACT_ID = re.compile(r"^([eqs])([1-9][0-9]{0,17})$")
# fact kind -> its table (literals only: these names are put into SQL)
_FACT_TABLES: dict[str, str] = {"endorsement": "endorsements", "quote": "quotes", "stance": "stances"}

# An endorsement's date as far as the tracker knows it: stated in the text, else the article's
# publication day, else the day it was stored.
_E_DAY = "COALESCE(e.when_date, substr(a.published, 1, 10), substr(a.stored_at, 1, 10))"

_E_SELECT = (
    "SELECT e.pk, e.local_id, e.endorser, e.endorser_id, e.endorsee, e.endorsee_id,"
    " e.endorser_detail, e.office, e.status, e.evidence, e.evidence_start, e.evidence_end,"
    " e.when_date, e.confidence, a.id, e.endorser_store_id, e.endorsee_store_id,"
    f" e.extractor_version, a.title, a.published, {_E_DAY},"
    " (SELECT r.state FROM fact_reviews r WHERE r.fact_kind = 'endorsement' AND r.fact_pk = e.pk),"
    " CASE WHEN e.endorser_id LIKE 'o%' THEN COALESCE((SELECT o.kind FROM organizations o"
    "   WHERE o.id = e.endorser_store_id), 'organization')"
    "  WHEN e.endorser_id LIKE 'p%' THEN 'person' END"
    " FROM endorsements e JOIN articles a ON a.pk = e.article_pk")

_Q_SELECT = (
    "SELECT q.pk, q.local_id, q.kind, q.text, q.span_start, q.span_end, q.speaker, q.speaker_id,"
    " q.speaker_start, q.speaker_end, q.cue, q.cue_start, q.cue_end, q.nested_in, q.confidence,"
    " a.id, q.speaker_store_id, q.extractor_version, a.title, a.published,"
    " (SELECT r.state FROM fact_reviews r WHERE r.fact_kind = 'quote' AND r.fact_pk = q.pk)"
    " FROM quotes q JOIN articles a ON a.pk = q.article_pk")

_S_SELECT = (
    "SELECT s.pk, s.holder, s.holder_id, s.topic, s.polarity, s.evidence, s.evidence_start,"
    " s.evidence_end, a.id, s.extractor_version,"
    " (SELECT r.state FROM fact_reviews r WHERE r.fact_kind = 'stance' AND r.fact_pk = s.pk)"
    " FROM stances s JOIN articles a ON a.pk = s.article_pk")


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_clause(column: str, name: str) -> tuple[str, list[Any]]:
    """``name`` as whole words of an entity-key column (as the list queries of sqlite.py)."""
    return (f"('-' || {column} || '-') LIKE ? ESCAPE '\\'",
            [f"%-{_like_escape(entity_key(name))}-%"])


def _name_keys_clause(column: str, table: str, name: str) -> tuple[str, list[Any]]:
    """As :func:`_name_clause`, but the words are tested once per distinct key of ``column``
    (read from its index) and the rows then found by key: the per-row pattern match was a scan
    of the whole table for every count and page. MATERIALIZED keeps the pattern from being
    pushed back into the scan. ``column`` is ``alias.name`` of a key column of ``table``."""
    key_column = column.rpartition(".")[2]
    return (f"{column} IN (WITH names AS MATERIALIZED (SELECT DISTINCT {key_column} AS k"
            f" FROM {table}) SELECT k FROM names WHERE ('-' || k || '-') LIKE ? ESCAPE '\\')",
            [f"%-{_like_escape(entity_key(name))}-%"])


def _not_rejected(kind: str, column: str) -> tuple[str, list[Any]]:
    return (f"{column} NOT IN (SELECT fact_pk FROM fact_reviews WHERE fact_kind = ?"
            " AND state = 'rejected')", [kind])


def _where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def _rejected_among(kind: str, table: str, alias: str, join: str, clauses: list[str]) -> str:
    """SQL counting the rejected facts among those ``clauses`` select, driven from the (small)
    review table: a total is the count without the review check less this one, which keeps
    the count on the table's indexes instead of probing the rejected set row by row."""
    where = _where([f"r.fact_kind = '{kind}'", "r.state = 'rejected'",
                    f"{alias}.pk = r.fact_pk", *clauses])
    # CROSS JOIN keeps the reviews as the outer loop (SQLite does not reorder it)
    return f"SELECT COUNT(*) FROM fact_reviews r CROSS JOIN {table} {alias}{join}{where}"


def _endorsement_row(r: tuple[Any, ...]) -> Row:
    return {"id": r[1], "endorser": r[2], "endorser_id": r[3], "endorsee": r[4],
            "endorsee_id": r[5], "endorser_detail": r[6], "office": r[7], "status": r[8],
            "evidence": r[9], "evidence_span": [r[10], r[11]], "when": r[12],
            "confidence": r[13], "article_id": r[14], "endorser_store_id": r[15],
            "endorsee_store_id": r[16], "extractor_version": r[17], "article_title": r[18],
            "published": r[19], "date": r[20], "fact_id": f"e{r[0]}", "review": r[21],
            "endorser_kind": r[22]}


def _pair(a: int | None, b: int | None) -> list[int] | None:
    return [a, b] if a is not None and b is not None else None


def _quote_row(r: tuple[Any, ...]) -> Row:
    return {"id": r[1], "kind": r[2], "text": r[3], "span": [r[4], r[5]], "speaker": r[6],
            "speaker_id": r[7], "speaker_span": _pair(r[8], r[9]), "cue": r[10],
            "cue_span": _pair(r[11], r[12]), "nested_in": r[13], "confidence": r[14],
            "article_id": r[15], "speaker_store_id": r[16], "extractor_version": r[17],
            "article_title": r[18], "published": r[19], "fact_id": f"q{r[0]}", "review": r[20]}


def _stance_row(r: tuple[Any, ...]) -> Row:
    return {"holder": r[1], "holder_id": r[2], "topic": r[3], "polarity": r[4],
            "evidence": r[5], "evidence_span": [r[6], r[7]], "article_id": r[8],
            "extractor_version": r[9], "fact_id": f"s{r[0]}", "review": r[10]}


def parse_fact_id(fact_id: str) -> tuple[str, int] | None:
    """``"e12"`` -> ``("endorsement", 12)``; None when it is not a fact id."""
    m = _FACT_ID.match(fact_id or "")
    return (FACT_KINDS[m.group(1)], int(m.group(2))) if m else None


class SQLiteWebQueries:
    """Web and API reads of :class:`~whipcount.store.sqlite.SQLiteStore` (a mixin)."""

    url: str
    _conn: sqlite3.Connection

    # provided by SQLiteStore
    def _all(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _one(self, sql: str, params: Iterable[Any]) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _count(self, sql: str, params: Iterable[Any]) -> int:
        row = self._one(sql, params)
        return int(row[0]) if row else 0

    # -- lists -------------------------------------------------------------------------------
    def find_articles(self, search: str | None = None, limit: int = DEFAULT_LIMIT,
                      offset: int = 0) -> Page:
        """Article rows, newest stored first, with the total matching."""
        limit, offset = check_limit(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        if search:
            pattern = f"%{_like_escape(search)}%"
            clauses.append("(id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\'"
                           " OR source LIKE ? ESCAPE '\\')")
            params += [pattern, pattern, pattern]
        where = _where(clauses)
        total = self._count(f"SELECT COUNT(*) FROM articles{where}", params)
        cols = ("id", "source", "title", "published", "sha256", "url")
        rows = [dict(zip(cols, r)) for r in self._all(
            f"SELECT id, source, title, published, sha256, url FROM articles{where}"
            " ORDER BY pk DESC LIMIT ? OFFSET ?", [*params, limit, offset])]
        return Page(rows, total, limit, offset)

    def _endorsement_filter(self, *, endorser: str | None = None, endorsee: str | None = None,
                            status: str | None = None, office: str | None = None,
                            race: str | None = None, since: str | None = None,
                            until: str | None = None, article: str | None = None,
                            endorser_id: str | None = None, endorsee_id: str | None = None,
                            endorser_prefix: str | None = None,
                            endorsee_prefix: str | None = None,
                            include_rejected: bool = False) -> tuple[list[str], list[Any], bool]:
        """WHERE clauses, their parameters, and whether they need the articles table."""
        clauses: list[str] = []
        params: list[Any] = []
        needs_article = False
        for column, value in (("e.endorser_key", endorser), ("e.endorsee_key", endorsee)):
            if value:
                c, p = _name_keys_clause(column, "endorsements", value)
                clauses.append(c)
                params += p
        if status:
            clauses.append("e.status = ?")
            params.append(status.strip().lower())
        if office:
            clauses.append("e.office LIKE ? ESCAPE '\\'")
            params.append(f"%{_like_escape(office)}%")
        if race:
            clauses.append("e.office = ? COLLATE NOCASE")
            params.append(race.strip())
        for column, value, prefix in (("e.endorser", endorser_id, endorser_prefix),
                                      ("e.endorsee", endorsee_id, endorsee_prefix)):
            if value:
                clauses.append(f"{column}_store_id = ?")
                params.append(value)
            if prefix:
                clauses.append(f"{column}_id LIKE ?")
                params.append(f"{prefix}%")
        if since:
            clauses.append(f"{_E_DAY} >= ?")
            params.append(since)
            needs_article = True
        if until:
            clauses.append(f"{_E_DAY} < ?")
            params.append(until + "~")  # '~' sorts after digits: until 2016-05 keeps May 31
            needs_article = True
        if article:
            clauses.append("a.id = ?")
            params.append(article)
            needs_article = True
        if not include_rejected:
            c, p = _not_rejected("endorsement", "e.pk")
            clauses.append(c)
            params += p
        return clauses, params, needs_article

    def find_endorsements(self, *, limit: int = DEFAULT_LIMIT, offset: int = 0,
                          **filters: Any) -> Page:
        """Endorsement rows, newest article first, with the total matching (see Store)."""
        limit, offset = check_limit(limit, offset)
        clauses, params, needs_article = self._endorsement_filter(**filters)
        where = _where(clauses)
        join = " JOIN articles a ON a.pk = e.article_pk" if needs_article else ""
        total = self._endorsement_total(join, filters)
        # sort only the keys, then fetch the wide rows of the page (their subqueries run per row)
        order = "e.article_pk DESC, e.evidence_start, e.pk"
        rows = self._all(f"{_E_SELECT} WHERE e.pk IN (SELECT e.pk FROM endorsements e{join}{where}"
                         f" ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
                         [*params, limit, offset])
        return Page([_endorsement_row(r) for r in rows], total, limit, offset)

    def _endorsement_total(self, join: str, filters: dict[str, Any]) -> int:
        base, params, _ = self._endorsement_filter(**{**filters, "include_rejected": True})
        total = self._count(f"SELECT COUNT(*) FROM endorsements e{join}{_where(base)}", params)
        if not filters.get("include_rejected"):
            total -= self._count(_rejected_among("endorsement", "endorsements", "e", join, base),
                                 params)
        return total

    def find_quotes(self, *, speaker: str | None = None, search: str | None = None,
                    article: str | None = None, kind: str | None = None,
                    speaker_id: str | None = None, include_rejected: bool = False,
                    limit: int = DEFAULT_LIMIT, offset: int = 0,
                    speaker_prefix: str | None = None) -> Page:
        """Quote rows with the total matching; best match first with ``search``."""
        from .sqlite import fts_query  # sqlite.py imports this module

        limit, offset = check_limit(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        join = ""
        order = "q.article_pk DESC, q.span_start, q.pk"
        if search is not None:
            match = fts_query(search)
            if not match:
                return Page([], 0, limit, offset)
            # Newest first, in the full-text index's own rowid order: ranking every match of a
            # common word (bm25) costs a sort of all of them on every page.
            join = " JOIN quotes_fts f ON f.rowid = q.pk"
            key = entity_key(speaker) if speaker else "unnamed"
            if key != "unnamed":
                # Narrow the matches in the index's speaker column too (each word of the name a
                # token there; the whole-word filter below still decides): without it every
                # match of a common word is fetched to test its speaker.
                match = f"({match})" + "".join(f' AND speaker : "{w}"' for w in key.split("-"))
            clauses.append("quotes_fts MATCH ?")
            params.append(match)
            order = "f.rowid DESC"
        if speaker:  # with a search the full-text index has narrowed the rows already
            c, p = (_name_clause("q.speaker_key", speaker) if search is not None
                    else _name_keys_clause("q.speaker_key", "quotes", speaker))
            clauses.append(c)
            params += p
        if speaker_id:
            clauses.append("q.speaker_store_id = ?")
            params.append(speaker_id)
        if speaker_prefix:
            clauses.append("q.speaker_id LIKE ?")
            params.append(f"{speaker_prefix}%")
        if article:
            clauses.append("q.article_pk = (SELECT pk FROM articles WHERE id = ?)")
            params.append(article)
        if kind:
            clauses.append("q.kind = ?")
            params.append(kind)
        if not include_rejected:
            c, p = _not_rejected("quote", "q.pk")
            clauses.append(c)
            params += p
        where = _where(clauses)
        try:
            if search is not None and len(clauses) == 1 + (not include_rejected):
                # only the search: count in the full-text index, less the rejected matches
                total = self._count("SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH ?",
                                    [params[0]])
                if not include_rejected:
                    total -= self._count(
                        "SELECT COUNT(*) FROM fact_reviews r JOIN quotes_fts f ON f.rowid = r.fact_pk"
                        " WHERE r.fact_kind = 'quote' AND r.state = 'rejected' AND quotes_fts MATCH ?",
                        [params[0]])
            elif include_rejected:
                total = self._count(f"SELECT COUNT(*) FROM quotes q{join}{where}", params)
            else:  # the count on the indexes, less the rejected among them
                base, base_params = clauses[:-1], params[:-1]
                total = self._count(f"SELECT COUNT(*) FROM quotes q{join}{_where(base)}",
                                    base_params)
                total -= self._count(_rejected_among("quote", "quotes", "q", join, base),
                                     base_params)
            if search is None:  # sort only the keys, then fetch the wide rows of the page
                rows = self._all(f"{_Q_SELECT} WHERE q.pk IN (SELECT q.pk FROM quotes q{where}"
                                 f" ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
                                 [*params, limit, offset])
            else:
                rows = self._all(f"{_Q_SELECT}{join}{where} ORDER BY {order} LIMIT ? OFFSET ?",
                                 [*params, limit, offset])
        except sqlite3.OperationalError as exc:  # a search the FTS parser still rejects
            raise StoreError(E.E010.format(url=self.url, detail=f"search {search!r}: {exc}")) from exc
        return Page([_quote_row(r) for r in rows], total, limit, offset)

    def find_people(self, name: str | None = None, limit: int = DEFAULT_LIMIT,
                    offset: int = 0) -> Page:
        """People rows with the total matching."""
        limit, offset = check_limit(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        if name:
            c, params = _name_clause("p.id", name)
            clauses.append(c)
        total = self._count(f"SELECT COUNT(*) FROM people p{_where(clauses)}", params)
        rows = self.people(name=name, limit=limit, offset=offset)  # type: ignore[attr-defined]
        return Page(rows, total, limit, offset)

    # -- entities ----------------------------------------------------------------------------
    def _stances(self, holder_key: str, prefix: str, include_rejected: bool,
                 limit: int) -> list[Row]:
        clauses = ["s.holder_key = ?", "s.holder_id LIKE ?"]
        params: list[Any] = [holder_key, f"{prefix}%"]
        if not include_rejected:
            c, p = _not_rejected("stance", "s.pk")
            clauses.append(c)
            params += p
        rows = self._all(f"{_S_SELECT} WHERE s.pk IN (SELECT s.pk FROM stances s{_where(clauses)}"
                         " ORDER BY s.article_pk DESC, s.pk LIMIT ?) ORDER BY s.article_pk DESC, s.pk",
                         [*params, limit])
        return [_stance_row(r) for r in rows]

    def _entity_facts(self, entity_id: str, prefix: str, include_rejected: bool,
                      limit: int) -> Row:
        def page(p: Page) -> Row:
            return {"total": p.total, "items": p.rows}

        received = self.find_endorsements(endorsee_id=entity_id, endorsee_prefix=prefix,
                                          include_rejected=include_rejected, limit=limit)
        titles = self._person_titles({r["endorser_store_id"] for r in received.rows
                                      if r["endorser_kind"] == "person" and r["endorser_store_id"]})
        for r in received.rows:
            r["endorser_titles"] = titles.get(r["endorser_store_id"], [])
        clauses = ["e.endorsee_store_id = ?", "e.endorsee_id LIKE ?"]
        params: list[Any] = [entity_id, f"{prefix}%"]
        by_status: dict[str, int] = {r[0]: r[1] for r in self._all(
            f"SELECT e.status, COUNT(*) FROM endorsements e{_where(clauses)} GROUP BY e.status",
            params)}
        if not include_rejected and by_status:  # less the rejected, counted from the reviews
            for status, n in self._all(
                    _rejected_among("endorsement", "endorsements", "e", "", clauses)
                    .replace("SELECT COUNT(*)", "SELECT e.status, COUNT(*)", 1)
                    + " GROUP BY e.status", params):
                by_status[status] -= n
                if by_status[status] <= 0:
                    del by_status[status]
        return {
            "quotes": page(self.find_quotes(speaker_id=entity_id, speaker_prefix=prefix,
                                            include_rejected=include_rejected, limit=limit)),
            "endorsements_given": page(self.find_endorsements(
                endorser_id=entity_id, endorser_prefix=prefix,
                include_rejected=include_rejected, limit=limit)),
            "endorsements_received": page(received),
            "received_by_status": by_status,
            "stances": self._stances(entity_id, prefix, include_rejected, limit),
        }

    def person(self, person_id: str, include_rejected: bool = False,
               limit: int = 50) -> Row | None:
        """One person with titles, quotes, endorsements given and received, and stances (and
        ``names``, ``offices``, ``confidence`` of its identity, see store/identities.py)."""
        row = self._one("SELECT pk, id, name, party, kb, names, offices, confidence FROM people WHERE id = ?",
                        (person_id,))
        if row is None:
            return None
        pk = row[0]
        titles = [{"title": t[0], "org": t[1], "place": t[2], "mentions": t[3]} for t in self._all(
            "SELECT title, org, place, COUNT(*) FROM titles WHERE person_pk = ?"
            " GROUP BY title, org, place ORDER BY COUNT(*) DESC, title LIMIT 100", (pk,))]
        articles = self._count(
            "SELECT COUNT(DISTINCT article_pk) FROM person_mentions WHERE person_pk = ?", (pk,))
        out: Row = {"id": row[1], "name": row[2], "titles": titles, "party": row[3],
                    "kb": json.loads(row[4] or "{}"), "articles": articles,
                    # after `whipcount resolve`: every name it goes by, offices from the
                    # knowledge base, and the weakest join that holds the identity together
                    "names": json.loads(row[5]) if row[5] else [row[2]],
                    "offices": json.loads(row[6]) if row[6] else [], "confidence": row[7]}
        out.update(self._entity_facts(row[1], "p", include_rejected, limit))
        return out

    def organization(self, org_id: str, include_rejected: bool = False,
                     limit: int = 50) -> Row | None:
        """One organization with its quotes, endorsements given and received, and stances."""
        row = self._one("SELECT pk, id, name, kind, members FROM organizations WHERE id = ?",
                        (org_id,))
        if row is None:
            return None
        pk = row[0]
        aliases: set[str] = set()
        for (names,) in self._all("SELECT DISTINCT aliases FROM org_mentions WHERE org_pk = ?"
                                  " LIMIT 200", (pk,)):
            aliases.update(json.loads(names or "[]"))
        articles = self._count(
            "SELECT COUNT(DISTINCT article_pk) FROM org_mentions WHERE org_pk = ?", (pk,))
        out: Row = {"id": row[1], "name": row[2], "kind": row[3], "members": row[4],
                    "aliases": sorted(aliases), "articles": articles}
        out.update(self._entity_facts(row[1], "o", include_rejected, limit))
        return out

    # -- races -------------------------------------------------------------------------------
    def _race_groups(self, office: str | None, include_rejected: bool) -> list[Row]:
        clauses = ["e.office IS NOT NULL", "e.office != ''"]
        params: list[Any] = []
        if office is not None:
            clauses.append("e.office = ? COLLATE NOCASE")
            params.append(office.strip())
        if not include_rejected:
            c, p = _not_rejected("endorsement", "e.pk")
            clauses.append(c)
            params += p
        rows = self._all(
            "SELECT g.office, g.endorsee_key, g.status, g.n,"
            " (SELECT p.name FROM people p WHERE p.id = g.endorsee_key),"
            " (SELECT x.endorsee FROM endorsements x WHERE x.endorsee_key = g.endorsee_key LIMIT 1)"
            " FROM (SELECT e.office AS office, e.endorsee_key AS endorsee_key, e.status AS status,"
            f"  COUNT(*) AS n FROM endorsements e{_where(clauses)}"
            "  GROUP BY e.office COLLATE NOCASE, e.endorsee_key, e.status) g", params)
        races: dict[str, Row] = {}
        for off, key, status, n, person_name, name in rows:
            race = races.setdefault(off.casefold(), {"office": off, "endorsements": 0,
                                                     "candidates": {}})
            cand = race["candidates"].setdefault(key, {
                "name": person_name or name, "id": key if person_name else None,
                "counts": {}, "total": 0})
            cand["counts"][status] = cand["counts"].get(status, 0) + n
            cand["total"] += n
            race["endorsements"] += n
        out = []
        for race in races.values():
            race["candidates"] = sorted(race["candidates"].values(),
                                        key=lambda c: (-c["counts"].get("endorsed", 0),
                                                       -c["total"], c["name"] or ""))
            out.append(race)
        return sorted(out, key=lambda r: (-r["endorsements"], r["office"].casefold()))

    def races(self, include_rejected: bool = False) -> list[Row]:
        """Every office named by an endorsement, with candidates and counts per status."""
        return self._race_groups(None, include_rejected)

    def race(self, office: str, include_rejected: bool = False, limit: int = 300) -> Row | None:
        """One race: candidates with counts, latest endorsements, and a day-by-day timeline."""
        groups = self._race_groups(office, include_rejected)
        if not groups:
            return None
        race = groups[0]
        page = self.find_endorsements(race=office, include_rejected=include_rejected,
                                      limit=limit)
        titles = self._person_titles({r["endorser_store_id"] for r in page.rows
                                      if r["endorser_kind"] == "person" and r["endorser_store_id"]})
        for r in page.rows:
            r["endorser_titles"] = titles.get(r["endorser_store_id"], [])
        clauses, params, _ = self._endorsement_filter(race=office,
                                                      include_rejected=include_rejected)
        timeline = [{"date": r[0], "endorsee": r[1], "status": r[2], "n": r[3]}
                    for r in self._all(
                        f"SELECT {_E_DAY} AS day, e.endorsee_key, e.status, COUNT(*)"
                        f" FROM endorsements e JOIN articles a ON a.pk = e.article_pk"
                        f"{_where(clauses)} GROUP BY day, e.endorsee_key, e.status ORDER BY day",
                        params)]
        race.update({"endorsements_shown": len(page.rows), "endorsements_list": page.rows,
                     "timeline": timeline})
        race["endorsements_total"] = race.pop("endorsements")
        race["endorsements"] = race.pop("endorsements_list")
        return race

    def _person_titles(self, ids: set[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        wanted = sorted(ids)
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i:i + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            # a subquery per person walks its titles by index (a join made PostgreSQL hash
            # every title of the store)
            for pid, titles in self._all(
                    "SELECT p.id, (SELECT json_group_array(DISTINCT t.title) FROM titles t"
                    f" WHERE t.person_pk = p.pk) FROM people p WHERE p.id IN ({marks})", chunk):
                found = json.loads(titles) if titles else []
                if found:
                    out[pid] = found
        return out

    # -- articles and review -----------------------------------------------------------------
    def data_version(self) -> str:
        """Changes when an article is stored or a fact reviewed (other processes' writes too)."""
        # data_version moves when another connection commits; total_changes counts this one's
        row = self._one("PRAGMA data_version", ())
        return f"{row[0] if row else 0}:{self._conn.total_changes}"

    def article_facts(self, article_id: str) -> Row | None:
        """Store ids of one article's people, organizations and facts, with review state."""
        row = self._one("SELECT pk FROM articles WHERE id = ? OR sha256 = ? LIMIT 1",
                        (article_id, article_id))
        if row is None:
            return None
        apk = row[0]
        entities = {r[0]: r[1] for r in self._all(
            "SELECT m.local_id, p.id FROM person_mentions m JOIN people p ON p.pk = m.person_pk"
            " WHERE m.article_pk = ?", (apk,))}
        entities.update({r[0]: r[1] for r in self._all(
            "SELECT m.local_id, o.id FROM org_mentions m JOIN organizations o ON o.pk = m.org_pk"
            " WHERE m.article_pk = ?", (apk,))})
        facts: dict[str, Row] = {}
        for kind, table, letter in (("endorsement", "endorsements", "e"), ("quote", "quotes", "q")):
            for local_id, pk, state in self._all(
                    f"SELECT t.local_id, t.pk, r.state FROM {table} t LEFT JOIN fact_reviews r"
                    " ON r.fact_kind = ? AND r.fact_pk = t.pk WHERE t.article_pk = ?",
                    (kind, apk)):
                facts[local_id] = {"fact_id": f"{letter}{pk}", "review": state}
        for n, (pk, state) in enumerate(self._all(
                "SELECT s.pk, r.state FROM stances s LEFT JOIN fact_reviews r"
                " ON r.fact_kind = 'stance' AND r.fact_pk = s.pk WHERE s.article_pk = ?"
                " ORDER BY s.pk", (apk,)), start=1):
            facts[f"s{n}"] = {"fact_id": f"s{pk}", "review": state}
        return {"entities": entities, "facts": facts}

    def review_fact(self, fact_id: str, state: str, note: str | None = None) -> Row | None:
        """Confirm or reject a fact (never deleted); None when there is no such fact."""
        if state not in REVIEW_STATES:
            raise ValueError(f"review state must be one of {REVIEW_STATES}, not {state!r}")
        parsed = parse_fact_id(fact_id)
        if parsed is None:
            return None
        kind, pk = parsed
        with self._transaction() as conn:
            if conn.execute(f"SELECT 1 FROM {_FACT_TABLES[kind]} WHERE pk = ?", (pk,)).fetchone() is None:
                return None
            conn.execute(
                "INSERT INTO fact_reviews(fact_kind, fact_pk, state, note) VALUES (?,?,?,?)"
                " ON CONFLICT(fact_kind, fact_pk) DO UPDATE SET state = excluded.state,"
                " note = excluded.note, reviewed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (kind, pk, state, note))
            r = conn.execute("SELECT state, note, reviewed_at FROM fact_reviews"
                             " WHERE fact_kind = ? AND fact_pk = ?", (kind, pk)).fetchone()
        LOGGER.info("fact %s reviewed: %s", fact_id, state)
        return {"fact_id": fact_id, "kind": kind, "state": r[0], "note": r[1], "reviewed_at": r[2]}

    def review_queue(self, state: str | None = None, limit: int = DEFAULT_LIMIT,
                     offset: int = 0) -> Page:
        """Facts to review (or reviewed as ``state``), least confident first."""
        limit, offset = check_limit(limit, offset)
        union = (
            "SELECT 'e' || e.pk AS fact_id, 'endorsement' AS kind, a.id AS article_id,"
            " e.local_id AS local_id, e.endorser || ' → ' || e.endorsee || ' (' || e.status || ')'"
            " AS summary, e.evidence AS evidence, e.evidence_start AS s0, e.evidence_end AS s1,"
            " e.confidence AS confidence, r.state AS state"
            " FROM endorsements e JOIN articles a ON a.pk = e.article_pk LEFT JOIN fact_reviews r"
            " ON r.fact_kind = 'endorsement' AND r.fact_pk = e.pk"
            " UNION ALL SELECT 'q' || q.pk, 'quote', a.id, q.local_id,"
            " COALESCE(q.speaker, '(no speaker)') || ': ' || q.kind || ' quote', q.text,"
            " q.span_start, q.span_end, q.confidence, r.state"
            " FROM quotes q JOIN articles a ON a.pk = q.article_pk LEFT JOIN fact_reviews r"
            " ON r.fact_kind = 'quote' AND r.fact_pk = q.pk"
            " UNION ALL SELECT 's' || s.pk, 'stance', a.id, NULL,"
            " s.holder || ': ' || s.polarity || ' ' || s.topic, s.evidence,"
            " s.evidence_start, s.evidence_end, NULL, r.state"
            " FROM stances s JOIN articles a ON a.pk = s.article_pk LEFT JOIN fact_reviews r"
            " ON r.fact_kind = 'stance' AND r.fact_pk = s.pk")
        where = " WHERE state IS NULL" if state is None else " WHERE state = ?"
        params: list[Any] = [] if state is None else [state]
        total = self._count(f"SELECT COUNT(*) FROM ({union}){where}", params)
        rows = self._all(f"SELECT * FROM ({union}){where}"
                         " ORDER BY COALESCE(confidence, 0.5), fact_id LIMIT ? OFFSET ?",
                         [*params, limit, offset])
        cols = ("fact_id", "kind", "article_id", "local_id", "summary", "evidence")
        return Page([{**dict(zip(cols, r[:6])), "span": [r[6], r[7]], "confidence": r[8],
                      "review": r[9]} for r in rows], total, limit, offset)

