"""Tests for whipcount.resolve: linking records, people and organizations across articles.

Small hand-made records first (no model, no KB files); then the real knowledge bases and
PolNeAR dev from ../shared (skipped when missing): the example's links and the cross-article
check on the linking gold (no identity holds two different gold people).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from whipcount.kb import KBIndex, KBPerson, KBRole, load_kb_files
from whipcount.kb.names import fold, parse_name
from whipcount.models import Article, Organization, Person, Record, Title
from whipcount.resolve import (
    Override, Resolution, decide_record, link_record, ref, resolve_organizations, resolve_people,
)
from whipcount.resolve.linking import article_states, find_states, person_context
from whipcount.resolve.people import names_compatible
from repo_scripts import load_script

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
KB_DIR = SHARED / "data" / "kb"
EXAMPLE = SHARED / "examples" / "lieberman-labor-rally.txt"
GOLD_DIR = REPO / "eval" / "gold" / "kb_links"


def _record(art: str, text: str, people: list[tuple[str, list[str], dict[str, str]]] = (),  # type: ignore[assignment]
            orgs: list[tuple[str, list[str]]] = (), published: str | None = None) -> Record:  # type: ignore[assignment]
    """A record whose people are (name, [titles], kb ids) and orgs (name, aliases); spans by search."""
    ps = []
    for n, (name, titles, kb) in enumerate(people, start=1):
        i = text.find(name)
        assert i >= 0, name
        ps.append(Person(id=f"p{n}", name=name, mentions=[(i, i + len(name))],
                         titles=[Title(t) for t in titles],
                         kb={"openstates": None, "bioguide": None, "wikidata": None, **kb}))
    os_ = []
    for n, (name, aliases) in enumerate(orgs, start=1):
        i = text.find(name)
        os_.append(Organization(id=f"o{n}", name=name, mentions=[(i, i + len(name))] if i >= 0 else [],
                                aliases=aliases))
    return Record(article=Article(id=art, source=f"{art}.txt", text=text, published=published),
                  people=ps, organizations=os_)


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    ("Joe Lieberman", "Joseph I. Lieberman", "variant"),
    ("Joseph Lieberman", "Joseph I. Lieberman", "full_name"),
    ("Chris Dodd", "Christopher J. Dodd", "variant"),
    ("Chris Dodd", "Thomas Dodd", None),
    ("Thomas J. Dodd", "Christopher J. Dodd", None),
    ("Ned Lamont", "Edward Lamont", "variant"),
    ("J. Lieberman", "Joseph Lieberman", "initial"),
    ("George W. Bush", "George H. W. Bush", None),
    ("Robert P. Casey Jr.", "Robert P. Casey Sr.", None),
    ("Christopher Dodd", "Christine Dodd", None),
])
def test_names_compatible(a: str, b: str, expected: str | None) -> None:
    assert names_compatible(parse_name(a), parse_name(b)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Sen. Ted Cruz (R-Texas) said", ["TX"]),
    ("in Hartford, Conn., and New Haven", ["CT"]),
    ("the New York Times reported", []),
    ("Washington said nothing", []),
    ("from Iowa to New Hampshire", ["IA", "NH"]),
])
def test_find_states(text: str, expected: list[str]) -> None:
    assert find_states(text) == expected


def test_article_states_by_frequency() -> None:
    assert article_states("Ohio, Ohio, Ohio and Iowa; then Iowa and Texas and Utah.", top=2) == ["OH", "IA"]


@pytest.mark.parametrize("text, name, states, party", [
    ("Sen. Ted Cruz (R-Texas) spoke.", "Ted Cruz", ["TX"], "Republican"),
    ("Rep. Gwen Moore, D-Wis., said so.", "Gwen Moore", ["WI"], "Democratic"),
    ("Republican presidential nominee Donald Trump spoke.", "Donald Trump", [], "Republican"),
    ("A Republican, said Ann Lee, was there.", "Ann Lee", [], None),
    ("Senator Lamar Alexander of Tennessee agreed.", "Lamar Alexander", ["TN"], None),
])
def test_person_context(text: str, name: str, states: list[str], party: str | None) -> None:
    rec = _record("a", text, [(name, [], {})])
    ctx = person_context(rec, rec.people[0])
    assert (ctx.states, ctx.party) == (states, party)


# --- linking on a small knowledge base ---------------------------------------------------------

def _kbp(key: str, name: str, first: str, last: str, roles: list[KBRole], **kw: Any) -> KBPerson:
    scheme = "openstates" if key.startswith("ocd") else "bioguide"
    return KBPerson(source=scheme, ids={scheme: key}, name=name, first=first, last=last, party="Democratic",
                    roles=roles, **kw)


SMALL_KB = [
    _kbp("D000388", "Christopher J. Dodd", "Christopher", "Dodd", [KBRole("sen", "CT", None, "1981-01-05", "2011-01-03")],
         middle="J.", birthday="1944-05-27"),
    _kbp("D000390", "Thomas J. Dodd", "Thomas", "Dodd", [KBRole("sen", "CT", None, "1959-01-07", "1971-01-03")],
         middle="J.", birthday="1907-05-15"),
    _kbp("L000304", "Joseph I. Lieberman", "Joseph", "Lieberman", [KBRole("sen", "CT", None, "1989-01-03", "2013-01-03")],
         middle="I.", birthday="1942-02-24"),
    _kbp("ocd-person/lovas", "Pat Quill", "Pat", "Quill", [KBRole("lower", "AZ", "22", "2013-01-01", "2018-12-31")]),
    _kbp("J000283", "Jesse L. Jackson Jr.", "Jesse", "Jackson", [KBRole("rep", "IL", "2", "1995-12-12", "2012-11-21")],
         middle="L.", suffix="Jr."),
]


@pytest.fixture(scope="module")
def small_index() -> KBIndex:
    return KBIndex(SMALL_KB)


@pytest.mark.parametrize("text, person, expected", [
    ("U.S. Sen. Chris Dodd spoke in Hartford, Conn.", ("Chris Dodd", ["U.S. Sen."]), "D000388"),
    ("Joe Lieberman, D-Conn., was booed.", ("Joe Lieberman", []), "L000304"),
    # a bare surname never links
    ("Sen. Dodd spoke in Connecticut.", ("Dodd", ["Sen."]), None),
    # a state legislator's namesake quoted as a voter: a name alone is not enough ...
    ("Pat Quill, a retiree in Ohio, said he would vote.", ("Pat Quill", []), None),
    # ... but the legislator's state named in the article is
    ("Arizona Republicans met. Pat Quill chaired the meeting in Phoenix, Arizona.", ("Pat Quill", []),
     "ocd-person/lovas"),
    # the Rev. Jesse Jackson is not Rep. Jesse Jackson Jr.
    ("The Rev. Jesse Jackson sat nearby in Chicago, Illinois.", ("Jesse Jackson", ["Rev."]), None),
])
def test_link_record(small_index: KBIndex, text: str, person: tuple[str, list[str]], expected: str | None) -> None:
    rec = _record("a", text, [(person[0], person[1], {})], published="2006-05-10")
    linked = link_record(rec, small_index)
    kb = linked.people[0].kb
    got = kb.get("bioguide") or kb.get("openstates")
    assert got == expected, decide_record(rec, small_index)[0].decision.reason
    assert rec.people[0].kb.get("bioguide") is None  # the input record is not changed


def test_link_record_sets_party(small_index: KBIndex) -> None:
    rec = _record("a", "U.S. Sen. Chris Dodd spoke in Hartford, Conn.", [("Chris Dodd", ["U.S. Sen."], {})],
                  published="2006-05-10")
    assert link_record(rec, small_index).people[0].party == "Democratic"


# --- people across articles --------------------------------------------------------------------

def _people_case(rows: list[tuple[str, str, list[str], dict[str, str]]]) -> list[Record]:
    """Records from rows of (article, name, titles, kb); each article's text holds its names."""
    by_art: dict[str, list[tuple[str, list[str], dict[str, str]]]] = {}
    for art, name, titles, kb in rows:
        by_art.setdefault(art, []).append((name, titles, kb))
    return [_record(art, " and ".join(f"{' '.join(t)} {n}" for n, t, _ in ps) + ".", ps)
            for art, ps in by_art.items()]


# (rows, pairs of (article, name) that must be together, pairs that must be apart)
PEOPLE_CASES = [
    pytest.param([("a", "Chris Dodd", ["Sen."], {}), ("b", "Thomas Dodd", ["Sen."], {})],
                 [], [(("a", "Chris Dodd"), ("b", "Thomas Dodd"))], id="Dodd father and son"),
    pytest.param([("a", "Joe Lieberman", [], {}), ("b", "Joseph I. Lieberman", [], {})],
                 [(("a", "Joe Lieberman"), ("b", "Joseph I. Lieberman"))], [], id="Joe/Joseph"),
    pytest.param([("a", "Joe Lieberman", ["Sen."], {}), ("b", "Lieberman", [], {})],
                 [], [(("a", "Joe Lieberman"), ("b", "Lieberman"))], id="surname alone, no evidence"),
    pytest.param([("a", "Joe Lieberman", ["Sen."], {}), ("b", "Lieberman", ["Sen."], {})],
                 [(("a", "Joe Lieberman"), ("b", "Lieberman"))], [], id="surname with a shared office"),
    pytest.param([("a", "Bill Clinton", ["President"], {}), ("a", "Hillary Clinton", ["Sen."], {}),
                  ("b", "Clinton", [], {})],
                 [], [(("a", "Bill Clinton"), ("b", "Clinton")), (("a", "Hillary Clinton"), ("b", "Clinton"))],
                 id="Clinton alone joins neither"),
    pytest.param([("a", "George W. Bush", [], {}), ("b", "George H. W. Bush", [], {}), ("c", "George Bush", [], {})],
                 [], [(("c", "George Bush"), ("a", "George W. Bush")), (("c", "George Bush"), ("b", "George H. W. Bush"))],
                 id="ambiguous George Bush"),
    pytest.param([("a", "Ned Lamont", [], {}), ("a", "Joe Lieberman", [], {}), ("b", "Lamont", [], {}),
                  ("b", "Joe Lieberman", [], {})],
                 [(("a", "Ned Lamont"), ("b", "Lamont"))], [], id="surname with a co-mention"),
    pytest.param([("a", "Bill Clinton", [], {}), ("a", "Hillary Clinton", [], {}), ("a", "Tim Kaine", [], {}),
                  ("b", "Clinton", [], {}), ("b", "Tim Kaine", [], {})],
                 [], [(("a", "Bill Clinton"), ("b", "Clinton")), (("a", "Hillary Clinton"), ("b", "Clinton"))],
                 id="a co-mention both Clintons share decides nothing"),
    pytest.param([("a", "Tom Smith", [], {"bioguide": "S1"}), ("b", "Tom Smith", [], {"bioguide": "S2"})],
                 [], [(("a", "Tom Smith"), ("b", "Tom Smith"))], id="different KB ids never join"),
    pytest.param([("a", "Ned Lamont", [], {"openstates": "ocd-x"}), ("b", "Edward Lamont", [], {"openstates": "ocd-x"})],
                 [(("a", "Ned Lamont"), ("b", "Edward Lamont"))], [], id="same KB id"),
]


@pytest.mark.parametrize("rows, together, apart", PEOPLE_CASES)
def test_resolve_people_rules(rows: list[Any], together: list[Any], apart: list[Any]) -> None:
    records = _people_case(rows)
    res = resolve_people(records)
    owner = res.by_ref()

    def ref_of(art: str, name: str) -> str:
        rec = next(r for r in records if r.article.id == art)
        return ref(art, next(p.id for p in rec.people if p.name == name))

    for a, b in together:
        assert owner[ref_of(*a)].id == owner[ref_of(*b)].id, res.explain(owner[ref_of(*a)].id)
    for a, b in apart:
        assert owner[ref_of(*a)].id != owner[ref_of(*b)].id, res.explain(owner[ref_of(*a)].id)


def test_resolution_explains_and_overrides() -> None:
    records = _people_case([("a", "Joe Lieberman", [], {}), ("b", "Joseph Lieberman", [], {}),
                            ("c", "Lieberman", [], {})])
    res = resolve_people(records)
    joe = res.by_ref()["a#p1"]
    assert joe.members == ["a#p1", "b#p1"] and 0.5 < joe.confidence < 1.0
    lines = res.explain(joe.id)
    assert any("nickname variant" in line for line in lines)
    merged = res.apply([Override("merge", "c#p1", "a#p1", note="same senator")])
    assert merged.by_ref()["c#p1"].id == merged.by_ref()["a#p1"].id
    assert any(m.rule == "reviewer" for m in merged.by_ref()["c#p1"].merges)
    split = merged.apply([Override("split", "b#p1")])
    assert split.by_ref()["b#p1"].members == ["b#p1"]
    assert split.by_ref()["a#p1"].members == ["a#p1", "c#p1"]
    assert Override.from_dict(Override("split", "b#p1").to_dict()) == Override("split", "b#p1")
    with pytest.raises(ValueError):
        Override.from_dict({"kind": "merge", "a": "x"})
    # overrides given to resolve_people are applied on top of the rules
    again = resolve_people(records, overrides=[Override("split", "b#p1")])
    assert again.by_ref()["b#p1"].members == ["b#p1"]


# --- organizations -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, together", [
    (("SEIU", []), ("Service Employees International Union", []), True),
    (("the Teamsters", []), ("Teamsters", []), True),
    (("Teamsters", []), ("International Brotherhood of Teamsters", []), True),
    (("UNITE HERE Local 35", []), ("UNITE HERE", []), False),
    (("Carpenters Local 43", []), ("Carpenters Local 24", []), False),
    (("NRA", []), ("National Rifle Association", []), True),
    (("AFL-CIO", []), ("SEIU", []), False),
])
def test_resolve_organizations(a: tuple[str, list[str]], b: tuple[str, list[str]], together: bool) -> None:
    records = [_record("x", f"{a[0]} said.", orgs=[a]), _record("y", f"{b[0]} said.", orgs=[b])]
    res = resolve_organizations(records)
    owner = res.by_ref()
    assert (owner["x#o1"].id == owner["y#o1"].id) is together


def test_org_alias_from_article() -> None:
    records = [_record("x", "The Amalgamated Widget Makers (AWM) said.", orgs=[("Amalgamated Widget Makers", ["AWM"])]),
               _record("y", "AWM said.", orgs=[("AWM", [])])]
    owner = resolve_organizations(records).by_ref()
    assert owner["x#o1"].id == owner["y#o1"].id


# --- the real knowledge bases and PolNeAR dev ----------------------------------------------------

def _load_scorer() -> ModuleType:
    return load_script("eval/score_kb_links.py")


@pytest.fixture(scope="session")
def real_index() -> KBIndex:
    if not (KB_DIR / "openstates" / "current.jsonl").exists():
        pytest.skip(f"shared knowledge-base files not found under {KB_DIR}")
    return KBIndex(load_kb_files([KB_DIR / "congress-legislators", KB_DIR / "openstates"]))


@pytest.fixture(scope="session")
def gold_records(real_index: KBIndex) -> tuple[list[dict[str, Any]], dict[str, Record]]:
    """The pipeline's records of the gold articles (example + PolNeAR dev), linked."""
    if not (SHARED / "data" / "polnear" / "dev").is_dir() or not EXAMPLE.exists():
        pytest.skip(f"PolNeAR dev or the example not found under {SHARED}")
    scorer = _load_scorer()
    golds = scorer.load_gold(GOLD_DIR)
    return golds, scorer.extract_linked(SHARED, golds, real_index)


LAMONT = "ocd-person/4cd3e60f-3830-4121-965f-f29d9b5ec6e7"


def test_example_links(gold_records: tuple[list[dict[str, Any]], dict[str, Record]]) -> None:
    _, records = gold_records
    rec = records["lieberman-labor-rally"]
    kb = {p.name: {k: v for k, v in p.kb.items() if v} for p in rec.people}
    assert kb["Chris Dodd"].get("bioguide") == "D000388"
    assert kb["Joe Lieberman"].get("bioguide") == "L000304"
    assert kb["Ned Lamont"].get("openstates") == LAMONT
    linked = {name for name, ids in kb.items() if ids}
    assert linked == {"Chris Dodd", "Joe Lieberman", "Ned Lamont"}  # nobody wrongly linked


def test_gold_files_are_well_formed() -> None:
    files = sorted(GOLD_DIR.glob("*.json"))
    assert len(files) >= 20
    n = 0
    for path in files:
        g = json.loads(path.read_text(encoding="utf-8"))
        assert g["split"] in ("dev", "train", "example") and g["article"] == path.stem
        for m in g["mentions"]:
            n += 1
            assert m["expected"] == "none" or (isinstance(m["expected"], dict) and m["expected"])
            assert len(m["span"]) == 2 and m["span"][0] < m["span"][1]
    assert n >= 150


def test_linking_gold_figures(gold_records: tuple[list[dict[str, Any]], dict[str, Record]]) -> None:
    golds, records = gold_records
    s = _load_scorer().score(golds, records)
    assert s.precision >= 0.95, s.errors
    assert s.recall >= 0.85, s.errors


def _gold_label(m: dict[str, Any]) -> str:
    exp = m["expected"]
    if exp == "none":  # people in no KB: the gold names them in "person" when written otherwise
        return "none:" + fold(m.get("person") or m["name"])
    ids = sorted(v if isinstance(v, str) else v[0] for v in exp.values())
    return "kb:" + ids[0]


def _gold_people_by_entity(scorer: ModuleType, golds: list[dict[str, Any]], records: dict[str, Record],
                           entity_of: Callable[[str], str | None]) -> dict[str, set[str]]:
    """Gold people (:func:`_gold_label`) under each entity of the gold mentions the pipeline found."""
    people_of: dict[str, set[str]] = {}
    checked = 0
    for g in golds:
        rec = records[g["article"]]
        for m in g["mentions"]:
            person = scorer.match_person(rec.people, m["span"])
            if person is None:
                continue
            checked += 1
            entity = entity_of(ref(rec.article.id, person.id))
            assert entity is not None
            people_of.setdefault(entity, set()).add(_gold_label(m))
    assert checked >= 100
    return people_of


def test_cross_article_identities_hold_one_gold_person(
        gold_records: tuple[list[dict[str, Any]], dict[str, Record]], real_index: KBIndex) -> None:
    """PolNeAR dev resolved together: no identity holds mentions of two different gold people."""
    golds, records = gold_records
    scorer = _load_scorer()
    dev = [g for g in golds if g["split"] == "dev"]
    res: Resolution = resolve_people([records[g["article"]] for g in dev], real_index)
    owner = res.by_ref()
    people_of = _gold_people_by_entity(scorer, dev, records, lambda r: owner[r].id)
    mixed = {k: v for k, v in people_of.items() if len(v) > 1}
    assert not mixed, {k: (v, res.explain(k)) for k, v in mixed.items()}
    # and the identities do join across articles
    assert max(len(v.members) for v in res.identities) >= 10


def test_cli_kb_link(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from whipcount.cli import app

    kb = tmp_path / "legislators-current.yaml"
    kb.write_text("- id: {bioguide: X000009}\n  name: {first: Christopher, middle: J., last: Dodd}\n"
                  "  terms:\n  - {type: sen, start: '1981-01-05', end: '2011-01-03', state: CT, party: Democrat}\n",
                  encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("HARTFORD, Conn. — U.S. Sen. Chris Dodd told the crowd on Monday that the plant "
                       "would stay open. “We are not done,” Dodd said.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["kb", "link", str(article), "--kb", str(kb), "--no-text"])
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("{")]
    people = json.loads(line)["people"]
    assert [(p["name"], p["kb"]["bioguide"]) for p in people] == [("Chris Dodd", "X000009")]


def test_store_resolution_holds_one_gold_person(
        gold_records: tuple[list[dict[str, Any]], dict[str, Record]], real_index: KBIndex, tmp_path: Path) -> None:
    """PolNeAR dev stored together and resolved in the store (`whipcount resolve`): no people row
    holds mentions of two different gold people, and rows do join across articles."""
    from whipcount.resolve.store import resolve_store
    from whipcount.store import open_store

    golds, records = gold_records
    scorer = _load_scorer()
    dev = [g for g in golds if g["split"] == "dev"]
    with open_store(str(tmp_path / "dev.db")) as store:
        store.write_records([records[g["article"]] for g in dev])
        store.save_kb(real_index.people)
        summary = resolve_store(store)
        assert summary.linked >= 20
        people_of = _gold_people_by_entity(scorer, dev, records,
                                           lambda r: store.entity_of_ref("person", r))
        mixed = {k: v for k, v in people_of.items() if len(v) > 1}
        assert not mixed, {k: (v, store.entity_detail("person", k)["merges"]) for k in mixed}
        assert max(len(store.entity_refs("person", k)) for k in people_of) >= 10
