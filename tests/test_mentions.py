"""People, organisations and titles: title and acronym rules (no model), the component (model)."""

from __future__ import annotations

import pytest

from whipcount.nlp.orgs import acronym
from whipcount.nlp.titles import find_titles, is_title

# ---- rules without a model ---------------------------------------------------------------

TITLE_CASES = [
    # (text, [(title, party)])
    ("Lt. Gov. Kevin Ames spoke", [("Lt. Gov.", None)]),
    ("said U.S. Sen. Ann Cole and House Speaker Bo Lin", [("U.S. Sen.", None), ("House Speaker", None)]),
    ("Democratic state Sen. Mia Ford", [("state Sen.", "Democratic")]),
    ("his campaign manager Tom Reyes", [("campaign manager", None)]),
    ("the senatorial race", []),
    ("Ruth Okafor, president of Transit Workers Local 12", [("president", None)]),
]


@pytest.mark.parametrize("text,expected", TITLE_CASES)
def test_find_titles(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(t.text, t.party) for t in find_titles(text)] == expected


@pytest.mark.parametrize("word,expected", [("Mayor", True), ("campaign manager", True), ("Malloy", False)])
def test_is_title(word: str, expected: bool) -> None:
    assert is_title(word) is expected


@pytest.mark.parametrize("name,expected", [
    ("Service Employees International Union", "SEIU"),
    ("Communications Workers of America", "CWA"),
    ("American Federation of State, County and Municipal Employees", "AFSCME"),
])
def test_acronym(name: str, expected: str) -> None:
    assert acronym(name) == expected


# ---- the component -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from whipcount.nlp.pipeline import build_pipeline

    try:
        return build_pipeline(components=("mentions", "endorsements", "stances"))
    except Exception as exc:  # the model is an installed package; without it there is nothing to test
        pytest.skip(f"spaCy model not available: {exc}")


def _facts(nlp, text):  # type: ignore[no-untyped-def]
    from whipcount.nlp.extensions import get_facts

    return get_facts(nlp(text))


def _person(facts, name):  # type: ignore[no-untyped-def]
    hits = [p for p in facts.people if p.name == name]
    assert hits, f"{name!r} not among {[p.name for p in facts.people]}"
    return hits[0]


PEOPLE_CASES = [
    # (text, person name, expected (title, org, place) included in their titles)
    ("Flanked by Stamford Mayor Ann Ruiz, the crowd cheered.Ruiz waved.",
     "Ann Ruiz", ("Mayor", None, "Stamford")),
    ("The gang\u2019s all here (l-r): Lt. Gov. Kevin Ames, House Speaker Bo Lindqvist and U.S. Sen. Carla Diaz.",
     "Bo Lindqvist", ("House Speaker", None, None)),
    ("The gang\u2019s all here (l-r): Lt. Gov. Kevin Ames, House Speaker Bo Lindqvist and U.S. Sen. Carla Diaz.",
     "Kevin Ames", ("Lt. Gov.", None, None)),
    ("\u201cWe walk the line,\u201d said Ruth Okafor, president of Transit Workers Local 12 in New Britain.",
     "Ruth Okafor", ("president", "Transit Workers Local 12", "New Britain")),
    ("Few expected Dana Whitcombe to win, though her campaign manager Lee Parkhurst insists otherwise.",
     "Lee Parkhurst", ("campaign manager", "Dana Whitcombe campaign", None)),
    ("Cuts hurt families, according to Paul Ferrante, director of SEIU\u2019s state council.",
     "Paul Ferrante", ("director", "SEIU state council", None)),
    ("They tried to paint primary challenger Ned Larkin as an outsider.",
     "Ned Larkin", ("primary challenger", None, None)),
    # second round: occupations, possessive roles, copular and plural titles, "of" organisations
    ("Tenney beat businessman Steve Wellman in the primary.", "Steve Wellman", ("businessman", None, None)),
    ("\u201cWe will win,\u201d Jeff Weaverly, Sanders\u2019 campaign manager, said in a statement.",
     "Jeff Weaverly", ("campaign manager", None, None)),
    ("The debate was run by moderator Lester Holtz on Monday.", "Lester Holtz", ("moderator", None, None)),
    ("Radio talk show host Glenn Becker minced no words.", "Glenn Becker", ("Radio talk show host", None, None)),
    ("Rick Scotti is the Republican governor of Florida.", "Rick Scotti", ("governor", "Florida", None)),
    ("\u201cWe lost,\u201d tweeted Mike Nellison, who served as Canon\u2019s digital fundraising manager.",
     "Mike Nellison", ("digital fundraising manager", None, None)),
    ("Reps. Chris Collier (R-N.Y.) and Duncan Hunt (R-Calif.) endorsed him.", "Duncan Hunt", ("Reps.", None, None)),
    ("The union will sit out the election, UMWA Director of Government Affairs Phil Smithers said.",
     "Phil Smithers", ("Director of Government Affairs", "Government Affairs", None)),
    ("David Horowitch, a conservative activist, spoke next.", "David Horowitch",
     ("conservative activist", None, None)),
]


@pytest.mark.parametrize("text,name,title", PEOPLE_CASES)
def test_titles(nlp, text: str, name: str, title: tuple[str, str | None, str | None]) -> None:  # type: ignore[no-untyped-def]
    person = _person(_facts(nlp, text), name)
    assert title in [(t.title, t.org, t.place) for t in person.titles]


MENTION_CASES = [
    # (text, fullest name, mention texts expected, in order)
    ("Whitcombe\u2019s aides were upbeat. U.S. Senator Dana Whitcombe told reporters Whitcombe would win.",
     "Dana Whitcombe", ["Whitcombe", "Dana Whitcombe", "Whitcombe"]),
    ("\u201cI differ with Joe on taxes,\u201d said Mary Cho of Joe Lindqvist\u2019s bill. Lindqvist shrugged.",
     "Joe Lindqvist", ["Joe", "Joe Lindqvist", "Lindqvist"]),
    ("Mayor Bill Tran spoke first. Tran\u2019s rival, Amy Rhee, spoke second.",
     "Bill Tran", ["Bill Tran", "Tran"]),
    # a bare surname is the main bearer of it, a "Mrs." the woman
    ("Sen. Ted Cranston spoke. Cranston said Heidi Cranston would campaign. Later Cranston voted.",
     "Ted Cranston", ["Ted Cranston", "Cranston", "Cranston"]),
    ("Phyllis Schaller and her son John Schaller spoke. Mrs. Schaller backs Donald Marsh.",
     "Phyllis Schaller", ["Phyllis Schaller", "Schaller"]),
    # a namesake named once near the end does not take the earlier bare surnames
    ("Rep. Bobby Vance opened his office. Vance is running. Vance said he would win. "
     "Sen. Cory Blake and Sen. Tim Vance praised Vance.",
     "Bobby Vance", ["Bobby Vance", "Vance", "Vance", "Vance"]),
]

SURNAME_CASES = [
    # (people as (words, starts of full-name mentions, starts of other mentions), position, expected,
    #  word right before the surname)
    # nobody named in full before: the one named in full most often, not the last one found
    ([(["Bobby", "Scott"], [543, 5085, 6312], []), (["Tim", "Scott"], [7560], [])], 122, "Bobby Scott", None),
    # only people already named in full qualify
    ([(["Bobby", "Scott"], [543], [600]), (["Tim", "Scott"], [7560], [122, 384, 450])], 800, "Bobby Scott", None),
    # of those, the main bearer (most mentions so far) ...
    ([(["Hillary", "Clinton"], [10], [50, 90]), (["Bill", "Clinton"], [120], [])], 200, "Hillary Clinton", None),
    # ... then the one named latest
    ([(["Ann", "Ruiz"], [10], []), (["Bo", "Ruiz"], [40], [])], 200, "Bo Ruiz", None),
    ([(["Ann", "Ruiz"], [10], []), (["Bo", "Ruiz"], [400], [])], 200, "Ann Ruiz", None),
    # the NER split "Melania Trump": the first name right before the surname decides
    ([(["Donald", "Trump"], [160, 900], [300]), (["Melania", "Trump"], [700], [])], 13, "Melania Trump",
     "Melania"),
]


DESCRIPTION_CASES = [
    # (text, person, description title expected among theirs, or None: no description title at all)
    # the first person named in the sentence before
    ("Dana Whitcombe has won the state primary, the networks said.\n\nThe Vermont senator led both "
     "Paul Ardent and Lou Kessel by wide margins.", "Dana Whitcombe", "senator"),
    # an appositive description after the name
    ("Some Republicans now back Helen Marsh, the Democratic nominee.", "Helen Marsh", "Democratic nominee"),
    # a description followed by the name after a comma
    ("\u201cI will vote for the Republican nominee, Donald Marsh,\u201d Ted Cranston wrote.",
     "Donald Marsh", "Republican nominee"),
    # a party already known picks that party's person over a nearer name
    ("Helen Marsh is the Democratic presidential nominee, and Donald Marsh says so too.\n\n"
     "Donald Marsh met Ruth Okafor on Monday. Paul Ardent spoke. The Democratic nominee later called "
     "Ruth Okafor.", "Ruth Okafor", None),
    # "X and the Vermont senator": someone else; the predicate "is likely to be the nominee" is no title
    ("A new poll shows Helen Marsh and the Vermont senator tied.", "Helen Marsh", None),
    ("Pundits said Donald Marsh, not Ted Cranston, is likely to be the GOP nominee.", "Donald Marsh", None),
    # a "-man" title does not go to a woman: "the New York businessman" skips Susan Marsh
    ("Susan Marsh spoke in Ohio and attacked the New York businessman over taxes.", "Susan Marsh", None),
]


@pytest.mark.parametrize("text,name,title", DESCRIPTION_CASES)
def test_description_titles(nlp, text: str, name: str, title: str | None) -> None:  # type: ignore[no-untyped-def]
    person = _person(_facts(nlp, text), name)
    got = [t.title for t in person.titles if t.span and text[t.span[0]:t.span[0] + 3].lower() == "the"]
    if title is None:
        assert got == []
    else:
        assert title in got


AFTER_TITLE_CASES = [
    # (text, the title's words, the NER's label and words for what follows, expected name words)
    ("interference by moderator Lester Holm, the anchor", "moderator", ("ORG", "Lester Holm"), [["Lester", "Holm"]]),
    ("said Auto Workers Secretary-Treasurer Gary Castell.", "Secretary-Treasurer", (None, ""), [["Gary", "Castell"]]),
    # an organisation's name after a title, an unknown first word, a one-word name: none
    ("said Chairman Gary Lee Industries today", "Chairman", ("ORG", "Gary Lee Industries"), []),
    ("said Chairman Zorblat Kessel today", "Chairman", (None, ""), []),
    ("said Chairman Gary today", "Chairman", (None, ""), []),
]


@pytest.mark.parametrize("text,title,ner,expected", AFTER_TITLE_CASES)
def test_names_after_titles(text: str, title: str, ner: tuple[str | None, str], expected: list[list[str]]) -> None:
    """Names the NER missed right after a title (blank pipeline, labels set by hand)."""
    import spacy

    from whipcount.nlp.mentions import MentionFinder

    doc = spacy.blank("en")(text)
    spans = [doc.char_span(text.index(title), text.index(title) + len(title), label="TITLE")]
    if ner[0]:
        spans.append(doc.char_span(text.index(ner[1]), text.index(ner[1]) + len(ner[1]), label=ner[0]))
    doc.ents = spans
    assert [words for _, _, words in MentionFinder()._after_titles(doc)] == expected


@pytest.mark.parametrize("text,name,mentions", MENTION_CASES)
def test_mentions(nlp, text: str, name: str, mentions: list[str]) -> None:  # type: ignore[no-untyped-def]
    person = _person(_facts(nlp, text), name)
    assert [text[s:e] for s, e in person.mentions] == mentions


@pytest.mark.parametrize("people,pos,expected,before", SURNAME_CASES)
def test_bare_surname_owner(people: list[tuple[list[str], list[int], list[int]]], pos: int,
                            expected: str, before: str | None) -> None:
    """Which of several people with one surname a bare surname at ``pos`` names (no model)."""
    from whipcount.nlp.mentions import _Cluster, _resolve_single

    clusters = []
    for words, full, other in people:
        cl = _Cluster(words=words, full=list(full))
        cl.mentions = sorted([(s, s + 9) for s in full] + [(s, s + 5) for s in other])
        clusters.append(cl)
    by_last = {people[0][0][-1]: clusters}
    got = _resolve_single(people[0][0][-1], pos, by_last, {}, before=before)
    assert got is not None and " ".join(got.words) == expected


def test_people_ids_in_order_of_first_mention(nlp) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(nlp, "Gov. Ann Ruiz met Bo Lin. Later Ruiz and Lin met Carla Diaz.")
    assert [(p.id, p.name) for p in facts.people] == [("p1", "Ann Ruiz"), ("p2", "Bo Lin"), ("p3", "Carla Diaz")]


ORG_CASES = [
    # (text, org name, kind, aliases, members, number of mentions)
    ("The Service Employees International Union has 2 million members. SEIU\u2019s locals agreed.",
     "Service Employees International Union", "union", ["SEIU"], None, 2),
    ("Backers included UNITE-HERE, a 7,000 member left-wing union known for doorknocking.",
     "UNITE-HERE", "union", [], 7000, 1),
    ("Pipefitters Local 7 and 9 marched with the Democratic Party.", "Pipefitters Local 9", "union", [], None, 1),
    ("Pipefitters Local 7 and 9 marched with the Democratic Party.", "Democratic Party", "party", [], None, 1),
    # a chapter name before a known party is part of it; kinds from name words
    ("The Tamarack Working Families Party endorsed Mayor Ray Okafor.", "Tamarack Working Families Party",
     "party", [], None, 1),
    ("The Association of Flight Attendants represents 50,000 workers.", "Association of Flight Attendants",
     "union", [], None, 1),
    ("The Dallas Morning News backed Clinton.", "Dallas Morning News", "newspaper", [], None, 1),
]


@pytest.mark.parametrize("text,name,kind,aliases,members,n", ORG_CASES)
def test_organizations(nlp, text: str, name: str, kind: str, aliases: list[str],  # type: ignore[no-untyped-def]
                       members: int | None, n: int) -> None:
    facts = _facts(nlp, text)
    hits = [o for o in facts.organizations if o.name == name]
    assert hits, f"{name!r} not among {[o.name for o in facts.organizations]}"
    org = hits[0]
    assert (org.kind, org.aliases, org.members, len(org.mentions)) == (kind, aliases, members, n)


def test_local_has_parent(nlp) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(nlp, "UNITE-HERE backed him, and UNITE-HERE Local 35 sent forty members.")
    by_name = {o.name: o for o in facts.organizations}
    assert by_name["UNITE-HERE Local 35"].parent == by_name["UNITE-HERE"].id


def test_spans_point_at_names(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Teamsters leaders met Gov. Ann Ruiz\u2019s staff. Ruiz said the Teamsters matter."
    facts = _facts(nlp, text)
    for item in [*facts.people, *facts.organizations]:
        for s, e in item.mentions:
            assert text[s:e] in item.name or item.name.endswith(text[s:e]) or text[s:e] in item.aliases
