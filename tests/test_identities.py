"""Identities in the store: `whipcount resolve`, `kb load`, `people show/merge/split`, on SQLite and
PostgreSQL, over hand-written articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import make_record
from whipcount.cli import app
from whipcount.kb.records import KBPerson, KBRole
from whipcount.models import Record
from whipcount.resolve.decisions import Override
from whipcount.resolve.store import entity_ref, explain_entity, resolve_store, review
from whipcount.store.identities import choose_ids
from whipcount.resolve.decisions import Identity

BACKENDS = ["sqlite", "postgresql"]

A1 = ("HARTFORD, Conn. — Sen. Joe Lieberman told union members Tuesday he would not quit the race. "
      "“We are not done yet,” Joe Lieberman said. Carpenters Local 43 endorsed Joe Lieberman for "
      "U.S. Senate.The Service Employees International Union stayed out of it.")
A2 = ("NEW HAVEN — Sen. Joseph I. Lieberman and Sen. Chris Dodd walked the picket line. The Teamsters "
      "endorsed Joseph I. Lieberman for U.S. Senate on Friday. “He showed up,” Chris Dodd said. "
      "SEIU did not endorse.")
A3 = ("WASHINGTON (1966) — Sen. Thomas Dodd of Connecticut defended his record before the ethics "
      "panel. “I have nothing to hide,” Thomas Dodd said.")


def _records() -> list[Record]:
    a1 = make_record("a1", A1, people=[("Joe Lieberman", [("Sen.", None, None)])],
                     orgs=[("Carpenters Local 43", "union"), ("Service Employees International Union", "union")],
                     quotes=[("Joe Lieberman", "We are not done yet,")],
                     endorsements=[("Carpenters Local 43", "Joe Lieberman", "endorsed", "U.S. Senate",
                                    "Carpenters Local 43 endorsed Joe Lieberman for U.S. Senate.")])
    a2 = make_record("a2", A2, people=[("Joseph I. Lieberman", [("Sen.", None, None)]),
                                       ("Chris Dodd", [("Sen.", None, None)])],
                     orgs=[("Teamsters", "union"), ("SEIU", "union")],
                     quotes=[("Chris Dodd", "He showed up,")],
                     endorsements=[("Teamsters", "Joseph I. Lieberman", "endorsed", "U.S. Senate",
                                    "The Teamsters endorsed Joseph I. Lieberman for U.S. Senate on Friday.")])
    a3 = make_record("a3", A3, people=[("Thomas Dodd", [("Sen.", None, None)])],
                     quotes=[("Thomas Dodd", "I have nothing to hide,")])
    for rec, day in zip((a1, a2, a3), ("2006-07-11", "2006-07-14", "1966-06-20"), strict=True):
        rec.article.published = day
    return [a1, a2, a3]


def _kb() -> list[KBPerson]:
    def person(bio: str, name: str, first: str, middle: str, last: str, start: str, end: str) -> KBPerson:
        return KBPerson(source="bioguide", ids={"bioguide": bio}, name=name, first=first, middle=middle,
                        last=last, party="Democratic", roles=[KBRole("sen", "CT", None, start, end, "Democratic")])
    return [person("L000304", "Joseph I. Lieberman", "Joseph", "I.", "Lieberman", "1989-01-03", "2013-01-03"),
            person("D000388", "Christopher J. Dodd", "Christopher", "J.", "Dodd", "1981-01-05", "2011-01-03"),
            person("D000390", "Thomas J. Dodd", "Thomas", "J.", "Dodd", "1959-01-07", "1971-01-03")]


@pytest.fixture(params=BACKENDS)
def resolved(request: pytest.FixtureRequest, store_factory: Any) -> Any:
    store = store_factory() if request.param == "sqlite" else _pg(request)
    store.write_records(_records())
    store.save_kb(_kb())
    resolve_store(store)
    return store


def _pg(request: pytest.FixtureRequest) -> Any:
    from whipcount.store import open_store

    make = request.getfixturevalue("pg_url_factory")
    s = open_store(make())
    request.addfinalizer(s.close)
    return s


# (ref a, ref b, same entity after resolution)
JOINS = [
    ("a1#p1", "a2#p1", True),    # Joe / Joseph I. Lieberman: nickname and the same bioguide id
    ("a2#p2", "a3#p1", False),   # Chris Dodd is not his father Thomas Dodd
    ("a1#o2", "a2#o2", True),    # SEIU and Service Employees International Union: listed as one
    ("a1#o1", "a2#o1", False),   # Carpenters Local 43 is not the Teamsters
]


@pytest.mark.parametrize("a, b, same", JOINS)
def test_resolution_joins(resolved: Any, a: str, b: str, same: bool) -> None:
    kind = "organization" if "#o" in a else "person"
    ea, eb = resolved.entity_of_ref(kind, a), resolved.entity_of_ref(kind, b)
    assert ea and eb
    assert (ea == eb) is same


def test_linked_people_carry_kb_facts(resolved: Any) -> None:
    lieberman = resolved.entity_of_ref("person", "a1#p1")
    detail = resolved.entity_detail("person", lieberman)
    assert detail["kb"] == {"bioguide": "L000304"}
    assert detail["party"] == "Democratic" and detail["offices"] == ["sen CT 1989-01-03..2013-01-03"]
    assert {m["ref"] for m in detail["mentions"]} == {"a1#p1", "a2#p1"}
    assert any("bioguide" in m["reason"] for m in detail["merges"])
    text = "\n".join(explain_entity(detail))
    assert "a2#p1" in text and "joined because" in text
    dodd = resolved.entity_detail("person", resolved.entity_of_ref("person", "a2#p2"))
    assert dodd["kb"] == {"bioguide": "D000388"}


def test_facts_follow_the_identity(resolved: Any) -> None:
    lieberman = resolved.entity_of_ref("person", "a1#p1")
    [race] = [r for r in resolved.races() if r["office"] == "U.S. Senate"]
    assert [(c["id"], c["total"]) for c in race["candidates"]] == [(lieberman, 2)]
    quotes = resolved.find_quotes(speaker_id=lieberman)
    assert [q["text"] for q in quotes.rows] == ["We are not done yet,"]
    person = resolved.person(lieberman)
    assert person["endorsements_received"]["total"] == 2


def test_resolving_again_changes_nothing(resolved: Any) -> None:
    before = {r: resolved.entity_of_ref("person", r) for r in ("a1#p1", "a2#p1", "a2#p2", "a3#p1")}
    again = resolve_store(resolved)
    assert again.people.moved == 0 and again.organizations.moved == 0
    assert before == {r: resolved.entity_of_ref("person", r) for r in before}


def test_reviewer_split_and_merge_survive_resolution(resolved: Any) -> None:
    review(resolved, "person", Override("split", "a2#p1", note="a namesake"))
    assert resolved.entity_of_ref("person", "a1#p1") != resolved.entity_of_ref("person", "a2#p1")
    review(resolved, "person", Override("merge", "a2#p2", "a3#p1", note="test merge"))
    resolve_store(resolved)  # overrides come back on every resolution
    assert resolved.entity_of_ref("person", "a1#p1") != resolved.entity_of_ref("person", "a2#p1")
    dodd = resolved.entity_of_ref("person", "a2#p2")
    assert dodd == resolved.entity_of_ref("person", "a3#p1")
    detail = resolved.entity_detail("person", dodd)
    assert [o["kind"] for o in detail["overrides"]] == ["merge"]
    assert any(m["rule"] == "reviewer" for m in detail["merges"])


def test_articles_stored_later_join_at_the_next_resolution(resolved: Any) -> None:
    text = "Sen. Joe Lieberman spoke again in Stamford, Conn., on Monday."
    later = make_record("a4", text, people=[("Joe Lieberman", [("Sen.", None, None)])])
    later.article.published = "2006-07-20"
    resolved.write_records([later])
    resolve_store(resolved)
    assert resolved.entity_of_ref("person", "a4#p1") == resolved.entity_of_ref("person", "a1#p1")


def test_entity_ref_takes_ids_and_refs(resolved: Any) -> None:
    lieberman = resolved.entity_of_ref("person", "a1#p1")
    assert entity_ref(resolved, "person", "a2#p1") == "a2#p1"
    assert entity_ref(resolved, "person", lieberman) in ("a1#p1", "a2#p1")
    assert entity_ref(resolved, "person", "nobody") is None
    assert entity_ref(resolved, "person", "a9#p1") is None


@pytest.mark.parametrize("names, expected", [
    # the most used full name gives the id; a surname alone only when there is nothing else
    ({"x#p1": "Joe Lieberman", "y#p1": "Joe Lieberman", "z#p1": "Lieberman"}, "joe-lieberman"),
    ({"x#p1": "Lieberman"}, "lieberman"),
])
def test_choose_ids(names: dict[str, str], expected: str) -> None:
    ident = Identity(id="i", name=max(names.values(), key=len), members=sorted(names))
    assert choose_ids([ident], names, "person") == {"i": expected}


def test_choose_ids_never_repeats() -> None:
    a = Identity(id="a", name="Trump", members=["x#p1", "y#p1"])
    b = Identity(id="b", name="Trump", members=["z#p1"])
    ids = choose_ids([b, a], {"x#p1": "Trump", "y#p1": "Trump", "z#p1": "Trump"}, "person")
    assert ids == {"a": "trump", "b": "trump-2"}  # the bigger identity keeps the plain key


# --- the CLI --------------------------------------------------------------------------------

KB_YAML = """\
- id: {bioguide: L000304}
  name: {first: Joseph, middle: I., last: Lieberman}
  terms:
  - {type: sen, start: '1989-01-03', end: '2013-01-03', state: CT, party: Democrat}
- id: {bioguide: D000388}
  name: {first: Christopher, middle: J., last: Dodd}
  terms:
  - {type: sen, start: '1981-01-05', end: '2011-01-03', state: CT, party: Democrat}
"""


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    return result


def test_cli_kb_load_resolve_show_merge_split(tmp_path: Path, store_factory: Any) -> None:
    db = str(tmp_path / "cli.db")
    store = store_factory("cli.db")
    store.write_records(_records())
    kb = tmp_path / "legislators-current.yaml"
    kb.write_text(KB_YAML, encoding="utf-8")
    r = _cli("kb", "load", str(kb), "--db", db)
    assert r.exit_code == 0, r.output
    assert "2 people stored" in r.output and "linked to the knowledge base" in r.output
    lieberman = store.entity_of_ref("person", "a1#p1")
    r = _cli("people", "show", lieberman, "--db", db)
    assert r.exit_code == 0 and "bioguide=L000304" in r.output and "a2#p1" in r.output
    r = _cli("people", "show", lieberman, "--db", db, "--format", "json")
    assert json.loads(r.output)["kb"] == {"bioguide": "L000304"}
    r = _cli("people", "show", "nobody-at-all", "--db", db)
    assert r.exit_code == 1 and "no person 'nobody-at-all'" in r.output
    r = _cli("people", "split", "a2#p1", "--db", db, "--note", "namesake")
    assert r.exit_code == 0, r.output
    assert store.entity_of_ref("person", "a2#p1") != store.entity_of_ref("person", "a1#p1")
    r = _cli("people", "split", lieberman, "--db", db)
    assert r.exit_code == 2 and "ARTICLE_ID#LOCAL_ID" in r.output
    r = _cli("people", "merge", "a2#p1", "a1#p1", "--db", db)
    assert r.exit_code == 0, r.output
    assert store.entity_of_ref("person", "a2#p1") == store.entity_of_ref("person", "a1#p1")
    r = _cli("people", "merge", "a2#p1", "a7#p3", "--db", db)
    assert r.exit_code == 1 and "'a7#p3'" in r.output
    r = _cli("resolve", "--db", db)
    assert r.exit_code == 0 and "3 articles" in r.output
    r = _cli("people", "--db", db, "--name", "Lieberman", "--format", "jsonl")
    assert r.exit_code == 0 and len(r.output.strip().splitlines()) == 1
    r = _cli("organizations", "show", store.entity_of_ref("organization", "a2#o2"), "--db", db)
    assert r.exit_code == 0 and "SEIU" in r.output and "a1#o2 + a2#o2" in r.output


def test_cli_kb_load_adds_and_replaces(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    first.write_text(KB_YAML, encoding="utf-8")
    second.write_text(KB_YAML.split("- id: {bioguide: D000388}")[0].replace("L000304", "X000001")
                      .replace("Lieberman", "Lowell"), encoding="utf-8")
    assert _cli("kb", "load", str(first), "--db", db).exit_code == 0
    r = _cli("kb", "load", str(second), "--db", db, "--no-resolve")
    assert r.exit_code == 0 and "3 people stored (2 before)" in r.output
    r = _cli("kb", "load", str(second), "--db", db, "--replace", "--no-resolve")
    assert "1 people stored (0 before)" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: [unclosed\n", encoding="utf-8")
    r = _cli("kb", "load", str(bad), "--db", db)
    assert r.exit_code != 0 and "bad.yaml" in r.output and "Traceback" not in r.output


def test_cli_import_endorsements_into_the_store(tmp_path: Path, store_factory: Any) -> None:
    csv_path = tmp_path / "list.csv"
    csv_path.write_text("endorser,endorsee,status,office,date,source_url\n"
                        "Carpenters Local 43,Joe Lieberman,endorsed,U.S. Senate,2006-07-11,https://example.org/a\n"
                        "Mary Ruiz,Ned Lamont,endorsed,U.S. Senate,2006-07-12,https://example.org/b\n",
                        encoding="utf-8")
    db = str(tmp_path / "imp.db")
    r = _cli("import", "endorsements", str(csv_path), "--db", db)
    assert r.exit_code == 0 and "stored 2" in r.output, r.output
    r = _cli("import", "endorsements", str(csv_path), "--db", db)
    assert "stored 0, already stored 2" in r.output
    store = store_factory("imp.db")
    rows = store.endorsements(endorsee="Lamont")
    assert [(e["endorser"], e["status"]) for e in rows] == [("Mary Ruiz", "endorsed")]
    assert store.get_record(rows[0]["article_id"]).article.url == "https://example.org/b"


@pytest.mark.parametrize("backend", BACKENDS)
def test_resolving_changes_the_data_version(backend: str, request: pytest.FixtureRequest,
                                            store_factory: Any) -> None:
    """Web pages cached by data_version must not outlive a resolution."""
    store = store_factory() if backend == "sqlite" else _pg(request)
    store.write_records(_records())
    before = store.data_version()
    resolve_store(store)
    assert store.data_version() != before


def test_person_page_shows_the_identity(resolved: Any) -> None:
    from fastapi.testclient import TestClient

    from whipcount.web.app import create_app

    lieberman = resolved.entity_of_ref("person", "a1#p1")
    with TestClient(create_app(resolved.url, response_cache=False)) as client:
        page = client.get(f"/people/{lieberman}")
        assert page.status_code == 200
        assert "Also written: Joe Lieberman" in page.text or "Also written: Joseph I. Lieberman" in page.text
        assert "bioguide L000304" in page.text and "sen CT 1989-01-03..2013-01-03" in page.text
        person = client.get(f"/api/people/{lieberman}").json()["person"]
        assert person["offices"] == ["sen CT 1989-01-03..2013-01-03"]
        assert sorted(person["names"]) == ["Joe Lieberman", "Joseph I. Lieberman"]
