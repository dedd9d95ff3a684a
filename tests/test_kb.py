"""Tests for whipcount.kb: names, loaders and the linker.

The first part runs on a small knowledge base written here; the last part reads the real
congress-legislators and Open States files from ../shared/data/kb (skipped when missing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whipcount.errors import InputError
from whipcount.kb import KBIndex, KBPerson, KBRole, LinkContext, load_kb_files
from whipcount.kb.link import title_offices
from whipcount.kb.names import ParsedName, fold, given_match, name_keys, parse_name, query_keys
from whipcount.kb.records import normalize_party, normalize_state

SHARED = Path(__file__).resolve().parents[2] / "shared"
KB_DIR = SHARED / "data" / "kb"
ARTICLE = SHARED / "examples" / "lieberman-labor-rally.txt"

# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("O’Sullivan", "osullivan"),
    ("Ocasio-Cortez", "ocasio cortez"),
    ("José  Peña", "jose pena"),
    ("Joseph I. Lieberman", "joseph i lieberman"),
])
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize("name, first, middle, last, suffix, nickname", [
    ("Joseph I. Lieberman", "joseph", ["i"], "lieberman", "", ""),
    ("Lieberman, Joseph I.", "joseph", ["i"], "lieberman", "", ""),
    ("Lamont J. Robinson, Jr.", "lamont", ["j"], "robinson", "jr", ""),
    ("Robert P. Casey Jr.", "robert", ["p"], "casey", "jr", ""),
    ('Eric A. "Rick" Crawford', "eric", ["a"], "crawford", "", "rick"),
    ("Dr. Jane Smith", "jane", [], "smith", "", ""),
    ("Lieberman", "", [], "lieberman", "", ""),
])
def test_parse_name(name: str, first: str, middle: list[str], last: str, suffix: str, nickname: str) -> None:
    p = parse_name(name)
    assert (p.first, p.middle, p.last, p.suffix, p.nickname) == (first, middle, last, suffix, nickname)


@pytest.mark.parametrize("kb_name, key, present", [
    ("Christopher J. Dodd", "chris dodd", True),
    ("Christopher J. Dodd", "christopher dodd", True),
    ("Christopher J. Dodd", "c dodd", True),
    ("Christopher J. Dodd", "thomas dodd", False),
    ("Edward Lamont", "ned lamont", True),
    ("William Jefferson Clinton", "bill clinton", True),
    ("Robert Menendez", "bob menendez", True),
    ("Debbie Wasserman Schultz", "debbie schultz", True),  # from a string, the surname is the last word
    ("Debbie Wasserman Schultz", "deborah schultz", True),
    (ParsedName(first="debbie", last="wasserman schultz"), "debbie wasserman schultz", True),
    (ParsedName(first="debbie", last="wasserman schultz"), "debbie schultz", True),
    ("J. Danforth Quayle", "danforth quayle", True),
    ("Christine Dodd", "christopher dodd", False),  # no match through the shared nickname "Chris"
])
def test_name_keys(kb_name: str | ParsedName, key: str, present: bool) -> None:
    assert (key in name_keys(kb_name)) is present


@pytest.mark.parametrize("name, expected", [
    ("Chris Dodd", {"chris dodd"}),
    ("Lieberman", set()),
    ("Debbie Wasserman Schultz", {"debbie schultz", "debbie wasserman schultz"}),
])
def test_query_keys(name: str, expected: set[str]) -> None:
    assert query_keys(name) == expected


@pytest.mark.parametrize("query, known, expected", [
    ("joe", {"joseph"}, "variant"),
    ("joseph", {"joseph"}, "exact"),
    ("j", {"joseph"}, "initial"),
    ("thomas", {"christopher"}, None),
    ("ned", {"edward"}, "variant"),
    ("bill", {"will"}, "variant"),
])
def test_given_match(query: str, known: set[str], expected: str | None) -> None:
    assert given_match(query, known) == expected


@pytest.mark.parametrize("text, expected", [
    ("Connecticut", "CT"), ("Conn.", "CT"), ("ct", "CT"), ("W.Va.", "WV"), ("Gotham", None), (None, None),
])
def test_normalize_state(text: str | None, expected: str | None) -> None:
    assert normalize_state(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Democrat", "Democratic"), ("Democratic-Farmer-Labor", "Democratic"), ("D", "Democratic"),
    ("GOP", "Republican"), ("Independent", "Independent"),
    ("Democratic-Republican", "Democratic-Republican"), (None, None),
])
def test_normalize_party(text: str | None, expected: str | None) -> None:
    assert normalize_party(text) == expected


@pytest.mark.parametrize("title, expected", [
    ("U.S. Senator", {"sen"}),
    ("U.S. Sen.", {"sen"}),
    ("Sen.", {"sen", "upper", "legislature"}),
    ("state Sen.", {"upper", "legislature"}),
    ("Lt. Gov.", {"lt_governor"}),
    ("Gov.", {"governor"}),
    ("Stamford Mayor", {"mayor"}),
    ("House Speaker", {"lower", "rep"}),
    ("Vice President", {"viceprez"}),
    ("campaign manager", set()),
])
def test_title_offices(title: str, expected: set[str]) -> None:
    assert set(title_offices(title)) == expected


# --- loaders on small files written here -------------------------------------------------------

CONGRESS_YAML = """\
- id: {bioguide: X000001, govtrack: 999001, wikidata: Q900001, fec: [S0XX00001, H0XX00001]}
  name: {first: Margaret, middle: A., last: Example, nickname: Peggy, official_full: Peggy Example}
  bio: {birthday: '1950-02-03', gender: F}
  terms:
  - {type: rep, start: '2001-01-03', end: '2005-01-03', state: VT, district: 0, party: Democrat}
  - {type: sen, start: '2005-01-04', end: '2011-01-03', state: VT, party: Independent}
"""
HISTORICAL_CSV = """\
last_name,first_name,middle_name,suffix,nickname,full_name,birthday,gender,type,state,district,senate_class,party,bioguide_id,govtrack_id,wikipedia_id
Sample,Walter,Q.,Jr.,Walt,,1901-01-01,M,rep,OH,4,,Republican,X000002,999002,Walter Sample
"""
OS_PERSON = {
    "id": "ocd-person/00000000-0000-0000-0000-000000000001", "name": "Margaret Example",
    "given_name": "Margaret", "family_name": "Example", "party": [{"name": "Independent"}],
    "roles": [{"type": "upper", "jurisdiction": "ocd-jurisdiction/country:us/government", "district": "Vermont",
               "start_date": "2005-01-04", "end_date": "2011-01-03"}],
    "other_identifiers": [{"scheme": "bioguide", "identifier": "X000001"}],
}
OS_MAYOR = {
    "id": "ocd-person/00000000-0000-0000-0000-000000000002", "name": "Kevin P Sample",
    "given_name": "Kevin P", "family_name": "Sample", "party": [{"name": "Democratic"}],
    "roles": [{"type": "mayor", "jurisdiction": "ocd-jurisdiction/country:us/state:ct/place:new_haven/government",
               "end_date": "2027-12-31"}],
}


def _write_kb(tmp_path: Path) -> list[Path]:
    (tmp_path / "legislators-current.yaml").write_text(CONGRESS_YAML, encoding="utf-8")
    (tmp_path / "legislators-historical.csv").write_text(HISTORICAL_CSV, encoding="utf-8")
    (tmp_path / "people.jsonl").write_text(json.dumps(OS_PERSON) + "\n\n", encoding="utf-8")
    folder = tmp_path / "openstates" / "data" / "ct" / "municipalities"
    folder.mkdir(parents=True)
    (folder / "Kevin-Sample.yml").write_text(
        "id: {id}\nname: {name}\ngiven_name: {given_name}\nfamily_name: {family_name}\n"
        "party:\n- name: Democratic\nroles:\n- type: mayor\n  jurisdiction: {j}\n  end_date: '2027-12-31'\n".format(
            j=OS_MAYOR["roles"][0]["jurisdiction"], **{k: OS_MAYOR[k] for k in ("id", "name", "given_name", "family_name")}),
        encoding="utf-8")
    return [tmp_path / "legislators-current.yaml", tmp_path / "legislators-historical.csv",
            tmp_path / "people.jsonl", tmp_path / "openstates"]


def test_loaders_read_every_format_and_merge(tmp_path: Path) -> None:
    people = {p.name: p for p in load_kb_files(_write_kb(tmp_path))}
    assert sorted(people) == ["Kevin P Sample", "Peggy Example", "Walter Q. Sample, Jr."]
    peggy = people["Peggy Example"]
    assert peggy.ids["bioguide"] == "X000001" and peggy.ids["openstates"] == OS_PERSON["id"]
    assert peggy.ids["fec"] == "S0XX00001,H0XX00001" and peggy.ids["wikidata"] == "Q900001"
    assert peggy.sources == ["bioguide", "openstates"]
    assert peggy.party == "Independent" and peggy.party_on("2003-05-01") == "Democratic"
    assert {(r.office, r.state) for r in peggy.roles} == {("rep", "VT"), ("sen", "VT")}
    walter = people["Walter Q. Sample, Jr."]
    assert (walter.first, walter.nickname, walter.suffix, walter.roles[0].start) == ("Walter", "Walt", "Jr.", None)
    kevin = people["Kevin P Sample"]
    assert (kevin.first, kevin.middle) == ("Kevin", "P")
    assert (kevin.roles[0].office, kevin.roles[0].state, kevin.roles[0].place) == ("mayor", "CT", "new haven")


def test_loaders_reject_unknown_files(tmp_path: Path) -> None:
    bad = tmp_path / "notes.yaml"
    bad.write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(InputError, match="E040"):
        load_kb_files([bad])
    with pytest.raises(InputError, match="E001"):
        load_kb_files([tmp_path / "missing.csv"])
    assert load_kb_files([tmp_path]) == []  # a folder skips files that hold no people


# --- linking on a knowledge base written here --------------------------------------------------

def _person(key: str, name: str, first: str, last: str, roles: list[KBRole], *, middle: str = "",
            suffix: str = "", birthday: str | None = None, party: str | None = "Democratic") -> KBPerson:
    scheme = "bioguide" if not key.startswith("ocd") else "openstates"
    return KBPerson(source=scheme, ids={scheme: key}, name=name, first=first, last=last, middle=middle,
                    suffix=suffix, party=party, roles=roles, birthday=birthday)


SMALL_KB = [
    _person("D000388", "Christopher J. Dodd", "Christopher", "Dodd", [KBRole("sen", "CT", None, "1981-01-05", "2011-01-03")],
            middle="J.", birthday="1944-05-27"),
    _person("D000390", "Thomas J. Dodd", "Thomas", "Dodd", [KBRole("sen", "CT", None, "1959-01-07", "1971-01-03")],
            middle="J.", birthday="1907-05-15"),
    _person("ocd-1", "John A. Smith", "John", "Smith", [KBRole("upper", "CT", "12", "2009-01-07", "2019-01-09")], middle="A."),
    _person("ocd-2", "John Smith", "John", "Smith", [KBRole("lower", "OR", "30", "2015-01-12", "2021-01-11")],
            party="Republican"),
    _person("C001070", "Robert P. Casey Jr.", "Robert", "Casey", [KBRole("sen", "PA", None, "2007-01-04", "2025-01-03")],
            middle="P.", suffix="Jr."),
    _person("ocd-3", "Robert P. Casey", "Robert", "Casey", [KBRole("governor", "PA", None, "1987-01-20", "1995-01-17")],
            middle="P.", birthday="1932-01-09"),
    _person("ocd-4", "Ned Lamont", "Ned", "Lamont", [KBRole("governor", "CT", None, "2019-01-09", "2027-01-06")]),
]


@pytest.fixture(scope="module")
def small_index() -> KBIndex:
    return KBIndex(SMALL_KB)


@pytest.mark.parametrize("name, ctx, expected", [
    # A bare surname never links, whatever the context.
    ("Dodd", LinkContext(titles=["Sen."], states=["CT"], date="2006-05-01"), None),
    # Full name, one candidate: links; a nickname is still the same person.
    ("Chris Dodd", LinkContext(), "D000388"),
    ("Christopher Dodd", LinkContext(states=["Connecticut"]), "D000388"),
    ("Tom Dodd", LinkContext(date="1965-02-01", titles=["Sen."]), "D000390"),
    # Unique by name, but the context speaks against: a 99-year-old senator no longer in office.
    ("Thomas Dodd", LinkContext(date="2006-05-01", titles=["Sen."]), None),
    # Two John Smiths: no context, no link; a state or a title separates them.
    ("John Smith", LinkContext(), None),
    ("John Smith", LinkContext(states=["Conn."]), "ocd-1"),
    ("John Smith", LinkContext(states=["Oregon"]), "ocd-2"),
    ("Johnny Smith", LinkContext(states=["CT"]), "ocd-1"),
    ("John Smith", LinkContext(titles=["state Rep."]), "ocd-2"),
    ("John Smith", LinkContext(party="Republican"), "ocd-2"),
    ("John Smith", LinkContext(states=["New York"]), None),  # neither fits
    ("John Smith", LinkContext(co_mentions=["Christopher Dodd"]), None),  # co-mentions alone are weak
    ("John Q. Smith", LinkContext(states=["CT"]), None),  # middle initial differs from John A. Smith
    ("J. Smith", LinkContext(states=["CT"]), None),  # an initial needs more than a state
    ("Jane Smith", LinkContext(states=["CT"]), None),
    # Father and son: the title and the date decide.
    ("Bob Casey", LinkContext(), None),
    ("Bob Casey", LinkContext(titles=["Sen."], date="2010-03-01"), "C001070"),
    ("Bob Casey", LinkContext(titles=["Gov."], date="1990-03-01"), "ocd-3"),
    ("Bob Casey Jr.", LinkContext(states=["Pennsylvania"]), None),  # suffix alone: margin too small
    # A future governor named in a 2006 article: name + state, no title, date does not count against.
    ("Ned Lamont", LinkContext(date="2006-05-01", states=["CT"]), "ocd-4"),
    ("Ned Lamont", LinkContext(states=["New York"]), None),
])
def test_link_table(small_index: KBIndex, name: str, ctx: LinkContext, expected: str | None) -> None:
    result = small_index.link(name, ctx)
    got = None if result is None else (result.ids.get("bioguide") or result.ids.get("openstates"))
    assert got == expected, small_index.decide(name, ctx).reason


def test_link_result_fields(small_index: KBIndex) -> None:
    result = small_index.link("Chris Dodd", LinkContext(titles=["U.S. Sen."], states=["CT"], date="2006-05-01"))
    assert result is not None
    assert result.kb_ids() == {"openstates": None, "bioguide": "D000388", "wikidata": None}
    assert result.party == "Democratic" and result.offices[0].office == "sen"
    assert 0.8 <= result.confidence <= 0.99
    assert "in office on 2006-05-01" in result.reason and "state CT" in result.reason


def test_candidates(small_index: KBIndex) -> None:
    assert {p.ids.get("bioguide") for p in small_index.candidates("Dodd")} == {"D000388", "D000390"}
    assert [p.name for p in small_index.candidates("Chris Dodd")] == ["Christopher J. Dodd"]
    assert len(small_index.candidates("John Smith")) == 2


# --- the real knowledge bases (../shared/data/kb) ----------------------------------------------

needs_kb = pytest.mark.skipif(not (KB_DIR / "openstates" / "current.jsonl").exists()
                              or not (KB_DIR / "congress-legislators").is_dir(),
                              reason=f"shared knowledge-base files not found under {KB_DIR}")


@pytest.fixture(scope="module")
def real_index() -> KBIndex:
    if not (KB_DIR / "openstates" / "current.jsonl").exists():
        pytest.skip(f"shared knowledge-base files not found under {KB_DIR}")
    return KBIndex(load_kb_files([KB_DIR / "congress-legislators", KB_DIR / "openstates"]))


LAMONT_OPENSTATES = "ocd-person/4cd3e60f-3830-4121-965f-f29d9b5ec6e7"
# (name, the titles the article gives the person, expected bioguide or Open States id)
ARTICLE_PEOPLE = [
    ("Joe Lieberman", ["U.S. Senator"], "L000304"),
    ("Chris Dodd", ["U.S. Sen."], "D000388"),
    ("Ned Lamont", [], LAMONT_OPENSTATES),
    ("Kevin Sullivan", ["Lt. Gov."], None),  # the KB's only Kevin Sullivan is a New Hampshire state rep
    ("James Amann", ["House Speaker"], None),
    ("Dannel Malloy", ["Stamford Mayor"], None),
    ("Eddie Perez", ["Hartford Mayor"], None),
    ("Robert Proto", ["President of UNITE-HERE Local 35"], None),
    ("Tom Swan", ["campaign manager"], None),
    ("Paul Filson", ["director"], None),
    ("John DeStefano", [], None),
]


@needs_kb
@pytest.mark.parametrize("date", [None, "2006-05-10"])
@pytest.mark.parametrize("name, titles, expected", ARTICLE_PEOPLE)
def test_lieberman_article(real_index: KBIndex, name: str, titles: list[str], expected: str | None,
                           date: str | None) -> None:
    if not ARTICLE.exists():
        pytest.skip(f"example article not found: {ARTICLE}")
    text = ARTICLE.read_text(encoding="utf-8")
    assert name.split()[-1] in text
    states = [s for s in ("Connecticut", "New York", "Iowa") if s in text]
    assert states == ["Connecticut"]
    ctx = LinkContext(date=date, states=states, titles=titles,
                      co_mentions=[n for n, _, _ in ARTICLE_PEOPLE if n != name])
    result = real_index.link(name, ctx)
    got = None if result is None else (result.ids.get("bioguide") or result.ids.get("openstates"))
    assert got == expected, real_index.decide(name, ctx).reason


@needs_kb
@pytest.mark.parametrize("name, ctx, expected", [
    ("Dodd", LinkContext(titles=["Sen."], states=["CT"]), None),
    ("Thomas Dodd", LinkContext(date="1965-06-01", titles=["Sen."], states=["CT"]), "D000390"),
    ("Christopher Dodd", LinkContext(), "D000388"),
    ("Ron Johnson", LinkContext(), None),  # a Wisconsin senator and an Alabama state rep
    ("Ron Johnson", LinkContext(titles=["Sen."], states=["Wisconsin"]), "J000293"),
    ("Tim Scott", LinkContext(), None),  # a South Carolina senator and a Pennsylvania mayor
    ("Tim Scott", LinkContext(titles=["Sen."], states=["S.C."]), "S001184"),
    ("Mike Lee", LinkContext(titles=["Sen."]), None),  # also a North Carolina state senator Michael Lee
    ("Mike Lee", LinkContext(titles=["Sen."], states=["Utah"]), "L000577"),
    ("John Smith", LinkContext(), None),
    ("Jack Reed", LinkContext(titles=["Sen."], states=["Rhode Island"]), "R000122"),
    ("Edward Lamont", LinkContext(states=["CT"]), LAMONT_OPENSTATES),
    ("Joseph X. Lieberman", LinkContext(states=["CT"]), None),
])
def test_real_link_table(real_index: KBIndex, name: str, ctx: LinkContext, expected: str | None) -> None:
    result = real_index.link(name, ctx)
    got = None if result is None else (result.ids.get("bioguide") or result.ids.get("openstates"))
    assert got == expected, real_index.decide(name, ctx).reason


@needs_kb
def test_real_merge_across_kbs(real_index: KBIndex) -> None:
    result = real_index.link("Ron Johnson", LinkContext(titles=["U.S. Sen."], states=["WI"]))
    assert result is not None
    kb = result.kb_ids()
    assert kb["bioguide"] == "J000293" and kb["openstates"] and kb["wikidata"]
    assert result.person.sources == ["bioguide", "openstates"]


def test_loaders_read_congress_json(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "legislators-current.json"
    path.write_text(json.dumps(yaml.safe_load(CONGRESS_YAML)), encoding="utf-8")
    [person] = load_kb_files([path])
    assert (person.name, person.ids["bioguide"], person.nickname) == ("Peggy Example", "X000001", "Peggy")
    assert [r.office for r in person.roles] == ["rep", "sen"]
