"""The SQLite store: URLs, idempotent writes, atomic batches, migrations, queries, round trips."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from whipcount.errors import StoreError, WhipcountError
from whipcount.models import Quote, Record
from whipcount.store import entity_key, open_store
from whipcount.store import sqlite_schema
from whipcount.store.sqlite import SQLiteStore, fts_query

from conftest import make_record


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test here that uses ``store_factory`` runs on SQLite and on PostgreSQL, except
    those marked ``sqlite_only`` (they poke at SQLite internals)."""
    if "store_factory" in metafunc.fixturenames and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("store_factory", ["sqlite", "postgresql"], indirect=True)

# -- open_store ----------------------------------------------------------------------------


@pytest.mark.parametrize("url, expected_path", [
    ("plain.db", "plain.db"),
    ("sqlite:///rel.db", "rel.db"),
    ("sqlite:///sub/dir.db", "sub/dir.db"),
    (":memory:", ":memory:"),
    ("sqlite://:memory:", ":memory:"),
])
def test_open_store_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                url: str, expected_path: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with open_store(url) as store:
        assert isinstance(store, SQLiteStore)
        assert store.path == expected_path
    if expected_path != ":memory:":
        assert (tmp_path / expected_path).exists()


def test_open_store_absolute_sqlite_url(tmp_path: Path) -> None:
    target = tmp_path / "abs.db"
    with open_store(f"sqlite:///{target}") as store:
        assert Path(store.path) == target  # type: ignore[attr-defined]
    assert target.exists()


@pytest.mark.parametrize("url, code, not_in_message", [
    ("mysql://db.example/whip", "E011", None),
    ("", "E011", None),
    ("sqlite://", "E011", None),
])
def test_open_store_rejects(url: str, code: str, not_in_message: str | None) -> None:
    with pytest.raises(WhipcountError) as info:
        open_store(url)
    assert str(info.value).startswith(code)
    assert not isinstance(info.value, StoreError)  # usage errors, not store failures
    if not_in_message:
        assert not_in_message not in str(info.value)


def test_open_store_without_create_needs_the_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="E010"):
        open_store(str(tmp_path / "missing.db"), create=False)
    assert not (tmp_path / "missing.db").exists()


def test_open_store_on_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_store(str(tmp_path))


# -- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize("batches, expected", [
    # (names of fixtures per write call) -> [(stored, duplicates) per call]
    ([["rally", "firehouse"]], [(2, 0)]),
    ([["rally", "firehouse"], ["rally", "firehouse"]], [(2, 0), (0, 2)]),  # rerun stores nothing
    ([["rally"], ["rally", "editorial"]], [(1, 0), (1, 1)]),
    ([["rally", "rally"]], [(1, 1)]),  # a duplicate inside one batch
    ([[]], [(0, 0)]),
])
def test_write_is_idempotent(request: pytest.FixtureRequest, store_factory, batches, expected) -> None:
    store = store_factory()
    results = []
    for names in batches:
        res = store.write_records([request.getfixturevalue(n) for n in names])
        results.append((res.stored, res.duplicates))
    assert results == expected
    unique = {n for names in batches for n in names}
    assert store.counts()["articles"] == len(unique)


def test_same_text_under_another_id_is_a_duplicate(store_factory, rally: Record) -> None:
    store = store_factory()
    twin = dataclasses.replace(rally, article=dataclasses.replace(rally.article, id="copy"))
    assert (store.write_records([rally, twin]).stored, store.counts()["articles"]) == (1, 1)
    assert store.get_record("copy") is None


def test_same_id_other_text_gets_a_distinct_id(store_factory, rally: Record) -> None:
    store = store_factory()
    other = make_record("rally", "A different text under the same file name.")
    assert store.write_records([rally, other]).stored == 2
    ids = [row["id"] for row in store.articles()]
    assert ids[0] == "rally"
    assert ids[1] == f"rally-{other.article.sha256[:8]}"
    assert store.get_record(ids[1]).article.text == other.article.text  # type: ignore[union-attr]


def _broken(record: Record) -> Record:
    bad = Quote(id="q9", kind="direct", text="x", span=None)  # type: ignore[arg-type]
    return dataclasses.replace(record, quotes=[*record.quotes, bad])


@pytest.mark.parametrize("batch", [
    ["rally", "broken-firehouse"],          # fails on the second record
    ["broken-firehouse", "rally"],          # fails on the first record
    ["rally", "editorial", "broken-firehouse"],
])
def test_failing_batch_stores_nothing(request: pytest.FixtureRequest, store_factory, batch) -> None:
    store = store_factory()
    records = [_broken(request.getfixturevalue(n.removeprefix("broken-"))) if n.startswith("broken-")
               else request.getfixturevalue(n) for n in batch]
    with pytest.raises(StoreError, match="E010"):
        store.write_records(records)
    assert set(store.counts().values()) == {0}
    assert store.quotes(search="picket") == []
    # the store is still usable and the good records go in afterwards
    good = [r for r, n in zip(records, batch) if not n.startswith("broken-")]
    assert store.write_records(good).stored == len(good)


@pytest.mark.sqlite_only
def test_interrupted_write_leaves_no_half_article(store_factory, rally: Record, firehouse: Record,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_factory()
    calls = {"n": 0}
    original = SQLiteStore._upsert_org

    def interrupt(self, *args):  # the second article's first organization: a Ctrl-C mid-write
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, *args)

    monkeypatch.setattr(SQLiteStore, "_upsert_org", interrupt)
    with pytest.raises(KeyboardInterrupt):
        store.write_records([rally, firehouse])
    assert set(store.counts().values()) == {0}
    monkeypatch.setattr(SQLiteStore, "_upsert_org", original)
    assert store.write_records([rally, firehouse]).stored == 2


def test_other_connection_sees_all_or_nothing(tmp_path: Path, rally: Record, firehouse: Record) -> None:
    path = tmp_path / "w.db"
    with open_store(str(path)) as store:
        store.write_records([rally, firehouse])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    conn.close()


@pytest.mark.parametrize("hashes_of, expected_known", [
    (["rally"], {"rally"}),
    (["rally", "editorial"], {"rally"}),
    ([], set()),
])
def test_known_hashes(request: pytest.FixtureRequest, store_factory, hashes_of, expected_known) -> None:
    store = store_factory()
    store.write_records([request.getfixturevalue("rally")])
    sha = {n: request.getfixturevalue(n).article.sha256 for n in ("rally", "editorial")}
    found = store.known_hashes([sha[n] for n in hashes_of])
    assert found == {sha[n] for n in expected_known}
    assert store.has_article(sha["rally"]) and not store.has_article(sha["editorial"])


def test_known_hashes_many(store_factory, rally: Record) -> None:
    store = store_factory()
    store.write_records([rally])
    many = [f"{i:064x}" for i in range(1200)] + [rally.article.sha256]
    assert store.known_hashes(many) == {rally.article.sha256}


# -- migrations ----------------------------------------------------------------------------


def test_migrations_applied_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = ("CREATE TABLE probe (n INTEGER)", "INSERT INTO probe(n) VALUES (1)")
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", [*sqlite_schema.MIGRATIONS, extra])
    monkeypatch.setattr("whipcount.store.sqlite.MIGRATIONS", sqlite_schema.MIGRATIONS)
    path = str(tmp_path / "m.db")
    for _ in range(3):
        with open_store(path) as store:
            assert store.schema_version() == len(sqlite_schema.MIGRATIONS)  # type: ignore[attr-defined]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM probe").fetchone()[0] == 1
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(sqlite_schema.MIGRATIONS) + 1))
    conn.close()


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = ("CREATE TABLE half (n INTEGER)", "INSERT INTO no_such_table VALUES (1)")
    monkeypatch.setattr("whipcount.store.sqlite.MIGRATIONS", [*sqlite_schema.MIGRATIONS, bad])
    path = str(tmp_path / "m.db")
    with pytest.raises(StoreError):
        open_store(path)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables and "articles" in tables
    conn.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "new.db")
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version(version) VALUES (999)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


# -- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rally", "firehouse", "editorial"])
def test_get_record_round_trips(request: pytest.FixtureRequest, store_factory, name: str) -> None:
    record: Record = request.getfixturevalue(name)
    store = store_factory()
    store.write_records([record])
    for key in (record.article.id, record.article.sha256):
        got = store.get_record(key)
        assert got is not None
        assert got.to_dict() == record.to_dict()
        assert got == record
    assert store.get_record("nope") is None


@pytest.mark.parametrize("search, expected_texts", [
    ("picket", ["Dana has walked our picket lines,", "the picket lines remember who showed up."]),
    ('"picket lines" remember', ["the picket lines remember who showed up."]),
    ("pick*", ["Dana has walked our picket lines,", "the picket lines remember who showed up."]),
    ("PICKET Walked", ["Dana has walked our picket lines,"]),
    ("Doyle", ["We stood with the mayor because he stood with us,"]),  # speaker column
    ("jose", ["the closing of the firehouse was a mistake"]),  # accents folded
    ("firehouse AND OR NEAR(", []),  # operators are plain words, not syntax errors
    ("zebra", []),
    ('"', []),
])
def test_quote_full_text_search(store_factory, records: list[Record], search: str,
                                expected_texts: list[str]) -> None:
    store = store_factory()
    store.write_records(records)
    rows = store.quotes(search=search)
    assert sorted(r["text"] for r in rows) == sorted(expected_texts)


@pytest.mark.parametrize("filters, expected", [
    ({"speaker": "Okafor"}, [("rally", "q1"), ("editorial", "q1")]),
    ({"speaker": "ruth okafor"}, [("rally", "q1"), ("editorial", "q1")]),
    ({"speaker": "Oka"}, []),  # whole words only
    ({"speaker": "Jose Ortiz"}, [("firehouse", "q2")]),
    ({"article": "firehouse"}, [("firehouse", "q1"), ("firehouse", "q2")]),
    ({"speaker": "Okafor", "search": "remember"}, [("editorial", "q1")]),
    ({"kind": "partial"}, []),
])
def test_quote_filters(store_factory, records: list[Record], filters: dict, expected: list) -> None:
    store = store_factory()
    store.write_records(records)
    assert [(r["article_id"], r["id"]) for r in store.quotes(**filters)] == expected


@pytest.mark.parametrize("filters, expected", [
    ({}, [("Tamarack Nurses Union", "endorsed"), ("Firefighters Local 1180", "withdrawn"),
          ("Port Ellery Ledger", "endorsed")]),
    ({"status": "withdrawn"}, [("Firefighters Local 1180", "withdrawn")]),
    ({"status": "Endorsed", "endorser": "ledger"}, [("Port Ellery Ledger", "endorsed")]),
    ({"endorsee": "Whitcombe"}, [("Tamarack Nurses Union", "endorsed"), ("Port Ellery Ledger", "endorsed")]),
    ({"endorsee": "Dana Whitcombe", "office": "senate"},
     [("Tamarack Nurses Union", "endorsed"), ("Port Ellery Ledger", "endorsed")]),
    ({"office": "mayor"}, [("Firefighters Local 1180", "withdrawn")]),
    ({"endorser": "Local 1180"}, [("Firefighters Local 1180", "withdrawn")]),
    ({"endorser": "100%"}, []),  # LIKE wildcards are escaped
    ({"status": "declined"}, []),
])
def test_endorsement_filters(store_factory, records: list[Record], filters: dict, expected: list) -> None:
    store = store_factory()
    store.write_records(records)
    assert [(r["endorser"], r["status"]) for r in store.endorsements(**filters)] == expected


def test_endorsement_row_shape(store_factory, rally: Record) -> None:
    store = store_factory()
    store.write_records([rally])
    (row,) = store.endorsements()
    e = rally.endorsements[0]
    assert row["evidence_span"] == list(e.evidence_span)
    assert rally.article.text[slice(*row["evidence_span"])] == row["evidence"]
    assert (row["article_id"], row["endorser_id"], row["endorsee_id"]) == ("rally", "o1", "p1")
    assert (row["endorser_store_id"], row["endorsee_store_id"]) == ("tamarack-nurses-union", "dana-whitcombe")
    assert row["extractor_version"] == "0.1.0"


def test_people_are_one_per_name_across_articles(store_factory, records: list[Record]) -> None:
    store = store_factory()
    store.write_records(records)
    rows = {r["name"]: r for r in store.people(limit=-1)}
    assert rows["Dana Whitcombe"]["articles"] == 2
    assert rows["Dana Whitcombe"]["titles"] == [
        {"title": "State Sen.", "org": None, "place": None},
        {"title": "candidate", "org": None, "place": None}]
    assert rows["Ruth Okafor"]["titles"] == [
        {"title": "president", "org": "Transit Workers Local 12", "place": None}]
    assert rows["Luis Ferraro"]["articles"] == 1
    assert [r["id"] for r in store.people(name="whitcombe")] == ["dana-whitcombe"]
    quote_rows = store.quotes(speaker="Okafor")
    assert {r["speaker_store_id"] for r in quote_rows} == {"ruth-okafor"}


def test_organizations_and_paging(store_factory, records: list[Record]) -> None:
    store = store_factory()
    store.write_records(records)
    assert [r["name"] for r in store.organizations(kind="newspaper")] == ["Port Ellery Ledger"]
    everything = [r["id"] for r in store.organizations(limit=-1)]
    assert len(everything) == 4
    pages = store.organizations(limit=2) + store.organizations(limit=2, offset=2)
    assert [r["id"] for r in pages] == everything


@pytest.mark.parametrize("search, expected", [
    (None, ["rally", "firehouse", "editorial"]),
    ("fire", ["firehouse"]),
    ("editorial.txt", ["editorial"]),
    ("%", []),
])
def test_articles_list(store_factory, records: list[Record], search: str | None, expected: list[str]) -> None:
    store = store_factory()
    store.write_records(records)
    rows = store.articles(search=search)
    assert [r["id"] for r in rows] == expected
    assert all(set(r) == {"id", "source", "title", "published", "sha256"} for r in rows)


def test_counts(store_factory, records: list[Record]) -> None:
    store = store_factory()
    store.write_records(records)
    assert store.counts() == {"articles": 3, "people": 5, "organizations": 4, "quotes": 4,
                              "endorsements": 3, "stances": 1}


# -- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, key", [
    ("Dana Whitcombe", "dana-whitcombe"),
    ("  dana   WHITCOMBE ", "dana-whitcombe"),
    ("José Ortiz", "jose-ortiz"),
    ("Whitcombe's", "whitcombe"),
    ("State Sen. Dana Whitcombe", "state-sen-dana-whitcombe"),
    ("Plumbers Local 7", "plumbers-local-7"),
    ("!!!", "unnamed"),
])
def test_entity_key(name: str, key: str) -> None:
    assert entity_key(name) == key


@pytest.mark.parametrize("typed, query", [
    ("right thing", '"right" "thing"'),
    ('"right thing" joe', '"right thing" "joe"'),
    ("elec*", '"elec"*'),
    ("AND OR -x", '"AND" "OR" "x"'),
    ('"', ""),
    ("", ""),
])
def test_fts_query(typed: str, query: str) -> None:
    assert fts_query(typed) == query
