"""The PostgreSQL store: URLs, migrations, concurrent writers, and the same answers as SQLite.

The store tests of test_store.py also run on PostgreSQL (it parametrizes ``store_factory``);
these are the PostgreSQL-only cases. They need the server on 127.0.0.1:5432 (see conftest's
``pg_admin_url``: skipped without it, failed in CI).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")

from whipcount.errors import StoreError, WhipcountError  # noqa: E402
from whipcount.models import Record  # noqa: E402
from whipcount.store import open_store  # noqa: E402
from whipcount.store.postgres import PostgresStore, redact, split_url, ts_query  # noqa: E402
from whipcount.store.postgres_web import to_pg  # noqa: E402
from whipcount.store.sqlite import SQLiteStore  # noqa: E402

from conftest import make_record  # noqa: E402

# -- URLs and queries (no server needed) ---------------------------------------------------


@pytest.mark.parametrize("url, conninfo, schema", [
    ("postgresql://u@h:5432/db", "postgresql://u@h:5432/db", None),
    ("postgresql://u@h/db?schema=wc_a1", "postgresql://u@h/db", "wc_a1"),
    ("postgresql://u@h/db?sslmode=disable&schema=s", "postgresql://u@h/db?sslmode=disable", "s"),
    ("postgres://h/db?application_name=x", "postgres://h/db?application_name=x", None),
])
def test_split_url(url: str, conninfo: str, schema: str | None) -> None:
    assert split_url(url) == (conninfo, schema)


@pytest.mark.parametrize("bad", ["1abc", "a-b", 'x";drop', ""])
def test_bad_schema_name_is_refused(bad: str) -> None:
    with pytest.raises(WhipcountError, match="E011"):
        split_url(f"postgresql://h/db?schema={bad}")


@pytest.mark.parametrize("url, shown", [
    ("postgresql://bob:hunter2@db/whip", "postgresql://bob:***@db/whip"),
    ("postgresql://bob@db/whip", "postgresql://bob@db/whip"),
])
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


@pytest.mark.parametrize("typed, tsquery", [
    ("picket", "'picket'"),
    ("PICKET Walked", "'picket' & 'walked'"),
    ('"picket lines" remember', "('picket' <-> 'lines') & 'remember'"),
    ("pick*", "'pick':*"),
    ("José", "'jose'"),
    ("firehouse AND OR NEAR(", "'firehouse' & 'and' & 'or' & 'near'"),
    ("it's", "'it' & 's'"),
    ('"', ""),
    ("", ""),
])
def test_ts_query(typed: str, tsquery: str) -> None:
    assert ts_query(typed) == tsquery


@pytest.mark.parametrize("sqlite_sql, pg_sql", [
    ("SELECT x FROM t WHERE a = ? AND b LIKE ?", "SELECT x FROM t WHERE a = %s AND b ILIKE %s"),
    ("e.endorser_id LIKE 'o%'", "e.endorser_id ILIKE 'o%%'"),
    ("e.office = ? COLLATE NOCASE", "lower(e.office) = lower(%s)"),
    ("GROUP BY e.office COLLATE NOCASE, e.status", "GROUP BY lower(e.office), e.status"),
    ("json_group_array(DISTINCT t.title)", "json_agg(DISTINCT t.title)::text"),
    ("SELECT COUNT(*) FROM (SELECT 1 AS state) WHERE state IS NULL",
     "SELECT COUNT(*) FROM (SELECT 1 AS state) AS u WHERE state IS NULL"),
])
def test_to_pg(sqlite_sql: str, pg_sql: str) -> None:
    assert to_pg(sqlite_sql) == pg_sql


def test_unreachable_server_is_a_store_error_without_password() -> None:
    with pytest.raises(StoreError, match="E010") as info:
        open_store("postgresql://bob:hunter2@127.0.0.1:1/whip")  # nothing listens on port 1
    assert "hunter2" not in str(info.value)


# -- opening and migrations ----------------------------------------------------------------


def test_open_store_dispatches_and_migrates(pg_url_factory: Callable[[], str]) -> None:
    from whipcount.store import postgres_schema

    url = pg_url_factory()
    for _ in range(2):
        with open_store(url) as store:
            assert isinstance(store, PostgresStore)
            assert store.schema_version() == len(postgres_schema.MIGRATIONS)


def test_same_number_of_migrations_as_sqlite() -> None:
    from whipcount.store import postgres_schema, sqlite_schema

    assert len(postgres_schema.MIGRATIONS) == len(sqlite_schema.MIGRATIONS)


def test_open_without_create_needs_the_schema(pg_url_factory: Callable[[], str]) -> None:
    url = pg_url_factory()
    with pytest.raises(StoreError, match="E010"):
        open_store(url, create=False)
    open_store(url).close()
    open_store(url, create=False).close()


def test_newer_schema_is_refused(pg_url_factory: Callable[[], str]) -> None:
    url = pg_url_factory()
    with open_store(url) as store:
        store._conn.execute("INSERT INTO schema_version(version) VALUES (999)")  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="newer"):
        open_store(url)


def test_failed_migration_rolls_back(pg_url_factory: Callable[[], str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from whipcount.store import postgres_schema

    bad = ("CREATE TABLE half (n INTEGER)", "INSERT INTO no_such_table VALUES (1)")
    monkeypatch.setattr("whipcount.store.postgres.MIGRATIONS", [*postgres_schema.MIGRATIONS, bad])
    url = pg_url_factory()
    with pytest.raises(StoreError):
        open_store(url)
    monkeypatch.undo()
    with open_store(url) as store:
        assert store._pg_one("SELECT to_regclass('half')", ())[0] is None  # type: ignore[attr-defined]
        assert store.counts()["articles"] == 0


# -- concurrent writers --------------------------------------------------------------------


def _synthetic(n: int) -> Record:
    text = (f"The Harbor Pipefitters Local {n} endorsed Councilmember Rosa Imbert{n} for mayor. "
            f"“We know where she stands,” said Walt Brennan{n % 7}.")
    return make_record(
        f"story-{n}", text,
        people=[(f"Rosa Imbert{n}", [("Councilmember", None, None)]), (f"Walt Brennan{n % 7}", [])],
        orgs=[(f"Harbor Pipefitters Local {n}", "union")],
        quotes=[(f"Walt Brennan{n % 7}", "We know where she stands,")],
        endorsements=[(f"Harbor Pipefitters Local {n}", f"Rosa Imbert{n}", "endorsed", "mayor",
                       f"The Harbor Pipefitters Local {n} endorsed Councilmember Rosa Imbert{n} for mayor.")])


def _writer(url: str, numbers: list[int], batch: int, barrier: Any) -> tuple[int, int]:
    """Write the synthetic records ``numbers`` in batches; (stored, duplicates)."""
    records = [_synthetic(n) for n in numbers]
    stored = dupes = 0
    with open_store(url) as store:
        barrier.wait(timeout=60)
        for i in range(0, len(records), batch):
            res = store.write_records(records[i:i + batch])
            stored, dupes = stored + res.stored, dupes + res.duplicates
    return stored, dupes


def test_two_processes_store_each_article_once(pg_url_factory: Callable[[], str]) -> None:
    url = pg_url_factory()
    open_store(url).close()  # migrated before the race: the race is about articles
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Manager().Barrier(2)
    first, second = list(range(0, 40)), list(reversed(range(20, 60)))  # 20 shared articles
    with ctx.Pool(2) as pool:
        a = pool.apply_async(_writer, (url, first, 5, barrier))
        b = pool.apply_async(_writer, (url, second, 5, barrier))
        results = [a.get(timeout=120), b.get(timeout=120)]
    assert sum(r[0] for r in results) == 60
    assert sum(r[1] for r in results) == 20
    with open_store(url) as store:
        counts = store.counts()
        assert counts["articles"] == 60 and counts["endorsements"] == 60 and counts["quotes"] == 60
        assert counts["people"] == 60 + 7
        rows = store._pg_all("SELECT sha256, COUNT(*) FROM articles GROUP BY sha256"  # type: ignore[attr-defined]
                             " HAVING COUNT(*) > 1", ())
        assert rows == []
        brennan = store.people(name="Walt Brennan3")
        assert brennan and brennan[0]["articles"] == len([n for n in range(60) if n % 7 == 3])


def test_same_id_different_text_from_two_writers(pg_url_factory: Callable[[], str],
                                                 rally: Record) -> None:
    url = pg_url_factory()
    other = make_record("rally", "Another text stored under the same id by another writer.")
    with open_store(url) as one, open_store(url) as two:
        one.write_records([rally])
        assert two.write_records([other]).stored == 1
        assert [r["id"] for r in one.articles()] == ["rally", f"rally-{other.article.sha256[:8]}"]


# -- the same answers as SQLite ------------------------------------------------------------


def _both(tmp_path: Path, pg_url_factory: Callable[[], str], records: list[Record]) -> tuple[Any, Any]:
    lite = SQLiteStore(str(tmp_path / "same.db"))
    pg = open_store(pg_url_factory())
    for store in (lite, pg):
        store.write_records(records[:1])
        store.write_records(records[1:])
    return lite, pg


def _strip_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_times(v) for k, v in value.items() if k != "reviewed_at"}
    if isinstance(value, (list, tuple)):
        return [_strip_times(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _strip_times(dataclasses.asdict(value))
    return value


QUERIES: list[tuple[str, Callable[[Any], Any]]] = [
    ("articles", lambda s: s.articles()),
    ("people", lambda s: s.people(limit=-1)),
    ("people by name", lambda s: s.people(name="okafor")),
    ("organizations", lambda s: s.organizations(limit=-1)),
    ("quotes", lambda s: s.quotes()),
    ("quote search", lambda s: sorted(r["text"] for r in s.quotes(search="picket"))),
    ("endorsements", lambda s: s.endorsements()),
    ("endorsements by office", lambda s: s.endorsements(office="SENATE")),
    ("counts", lambda s: s.counts()),
    ("find_articles", lambda s: s.find_articles(search="fire")),
    ("find_endorsements", lambda s: s.find_endorsements()),
    ("find_endorsements race", lambda s: s.find_endorsements(race="u.s. senate")),
    ("find_endorsements since", lambda s: s.find_endorsements(since="2000-01-01", endorsee="whitcombe")),
    ("find_quotes", lambda s: s.find_quotes()),
    ("find_quotes search", lambda s: s.find_quotes(search="picket").total),
    ("find_quotes speaker", lambda s: s.find_quotes(speaker_id="ruth-okafor")),
    ("find_people", lambda s: s.find_people(name="dana")),
    ("person", lambda s: s.person("dana-whitcombe")),
    ("organization", lambda s: s.organization("firefighters-local-1180")),
    ("races", lambda s: s.races()),
    ("race", lambda s: s.race("U.S. Senate")),
    ("article_facts", lambda s: s.article_facts("firehouse")),
    ("review", lambda s: (s.review_fact("e2", "rejected", "not an endorsement"),
                          s.review_fact("q1", "confirmed"), s.review_fact("e999", "confirmed"),
                          s.find_endorsements().total, s.review_queue(),
                          s.review_queue(state="rejected"))),
]


@pytest.mark.parametrize("name, query", QUERIES, ids=[q[0] for q in QUERIES])
def test_same_answers_as_sqlite(tmp_path: Path, pg_url_factory: Callable[[], str],
                                records: list[Record], name: str,
                                query: Callable[[Any], Any]) -> None:
    lite, pg = _both(tmp_path, pg_url_factory, records)
    try:
        assert _strip_times(query(pg)) == _strip_times(query(lite))
    finally:
        lite.close()
        pg.close()


# -- the CLI and the web app on PostgreSQL ---------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    (["endorsements", "--endorsee", "Whitcombe"], ["Tamarack Nurses Union", "Port Ellery Ledger"]),
    (["quotes", "--search", "picket"], ["Dana has walked our picket lines,",
                                        "the picket lines remember who showed up."]),
    (["articles"], ["rally", "firehouse", "editorial"]),
    (["people", "--name", "okafor"], ["Ruth Okafor"]),
])
def test_cli_lists_on_postgres(pg_url_factory: Callable[[], str], records: list[Record],
                               args: list[str], expected: list[str]) -> None:
    import json

    from typer.testing import CliRunner

    from whipcount.cli import app

    url = pg_url_factory()
    with open_store(url) as store:
        store.write_records(records)
    res = CliRunner().invoke(app, [*args, "--db", url, "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    key = {"endorsements": "endorser", "quotes": "text", "articles": "id", "people": "name"}[args[0]]
    assert sorted(r[key] for r in rows) == sorted(expected)


def test_cli_on_a_missing_postgres_schema(pg_url_factory: Callable[[], str]) -> None:
    from typer.testing import CliRunner

    from whipcount.cli import app

    res = CliRunner().invoke(app, ["quotes", "--db", pg_url_factory()])
    assert res.exit_code == 1 and "E010" in res.output


@pytest.mark.parametrize("path, needle", [
    ("/api/endorsements?endorsee=whitcombe", "Tamarack Nurses Union"),
    ("/api/quotes?search=picket", "picket lines"),
    ("/api/races", "U.S. Senate"),
    ("/people/dana-whitcombe", "Dana Whitcombe"),
])
def test_serve_on_postgres(pg_url_factory: Callable[[], str], records: list[Record],
                           path: str, needle: str) -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from fastapi.testclient import TestClient

    from whipcount.web.app import create_app

    url = pg_url_factory()
    with open_store(url) as store:
        store.write_records(records)
    res = TestClient(create_app(url)).get(path)
    assert res.status_code == 200
    assert needle in res.text


def test_data_version_moves_on_writes_and_reviews(pg_url_factory: Callable[[], str],
                                                  rally: Record, firehouse: Record) -> None:
    url = pg_url_factory()
    with open_store(url) as store, open_store(url) as other:
        seen = [store.data_version()]
        other.write_records([rally])
        seen.append(store.data_version())
        other.write_records([firehouse])
        seen.append(store.data_version())
        other.review_fact(store.find_endorsements().rows[0]["fact_id"], "rejected")
        seen.append(store.data_version())
        assert len(set(seen)) == 4
        assert store.data_version() == seen[-1]


def test_runs_leave_fresh_planner_statistics(pg_url_factory: Callable[[], str], tmp_path: Path) -> None:
    """A run that stores articles ends with ANALYZE: the planner knows the tables are not empty."""
    from whipcount.runners import local

    url = pg_url_factory()
    with open_store(url) as store:
        store.write_records([_synthetic(n) for n in range(30)])
        schema = store.schema  # type: ignore[attr-defined]

        def tuples() -> float:
            row = store._pg_one(  # type: ignore[attr-defined]
                "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = 'articles'", (schema,))
            return float(row[0])

        assert tuples() < 1  # -1: never analysed
        calls: list[int] = []
        original = store.optimize

        def spy() -> None:
            calls.append(1)
            original()

        store.optimize = spy  # type: ignore[method-assign]
        local.run([], store)  # nothing stored: no ANALYZE
        assert calls == [] and tuples() < 1
        article = tmp_path / "council.txt"
        article.write_text("The Harbor Pipefitters endorsed Rosa Imbert for mayor on Monday.\n", encoding="utf-8")
        assert local.run([str(article)], store).stored == 1
        assert calls == [1] and tuples() == 31
