"""Endorsements and stances through the real pipeline (mentions, endorsements, stances)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from whipcount.nlp.pipeline import build_pipeline

    try:
        return build_pipeline(components=("mentions", "endorsements", "stances"))
    except Exception as exc:
        pytest.skip(f"spaCy model not available: {exc}")


def _run(nlp, text):  # type: ignore[no-untyped-def]
    from whipcount.nlp.extensions import get_facts

    doc = nlp(text)
    return doc, get_facts(doc)


CASES = [
    # (text, {(endorser, endorsee, status)})
    ("The Carpenters Local 210 endorsed State Sen. Dana Whitcombe for governor on Tuesday.",
     {("Carpenters Local 210", "Dana Whitcombe", "endorsed")}),
    ("The Communications Workers of America, Teamsters and Plumbers Local 43 and 24 were among the "
     "other unions endorsing Whitcombe today. Dana Whitcombe thanked them.",
     {("Communications Workers of America", "Dana Whitcombe", "endorsed"),
      ("Teamsters", "Dana Whitcombe", "endorsed"),
      ("Plumbers Local 43", "Dana Whitcombe", "endorsed"),
      ("Plumbers Local 24", "Dana Whitcombe", "endorsed")}),
    ("Significant among Dana Whitcombe\u2019s union endorsements: UNITE-HERE, a 7,000 member union with a "
     "reputation for doorknocking.",
     {("UNITE-HERE", "Dana Whitcombe", "endorsed")}),
    ("The Service Employees International Union hasn\u2019t started its deliberations, though two of its "
     "largest locals already endorsed Raymond Okafor for mayor.",
     {("Service Employees International Union", "Raymond Okafor", "endorsed")}),
    ("The Teamsters withdrew their endorsement of Mayor Bill Tran on Friday, citing the pension fight.",
     {("Teamsters", "Bill Tran", "withdrawn")}),
    ("Firefighters Local 1180 rescinded its endorsement of Luis Ferraro.",
     {("Firefighters Local 1180", "Luis Ferraro", "withdrawn")}),
    ("The AFL-CIO declined to endorse Sen. Mary Ocasio in the primary.",
     {("AFL-CIO", "Mary Ocasio", "declined")}),
    ("Jeb Lindgren refused to endorse Donald Marsh, calling him unfit.",
     {("Jeb Lindgren", "Donald Marsh", "declined")}),
    ("Carly Fenwick threw her support behind Sen. Ted Cranston (R-Texas) Wednesday.",
     {("Carly Fenwick", "Ted Cranston", "endorsed")}),
    ("Hillary Rodham won the endorsement of the National Education Association in October.",
     {("National Education Association", "Hillary Rodham", "endorsed")}),
    ("Bernard Sand was endorsed by MoveOn on Tuesday.", {("MoveOn", "Bernard Sand", "endorsed")}),
    ("The Boston Ledger endorses Clinton, Rubio", {("Boston Ledger", "Clinton", "endorsed"),
                                                   ("Boston Ledger", "Rubio", "endorsed")}),
    ("The Port Ellery Gazette has watched this race for months. We endorse Dana Whitcombe.",
     {("Port Ellery Gazette", "Dana Whitcombe", "endorsed")}),
    ("Rep. John Lewiston, a Georgia Democrat, is backing Hillary Rodham.",
     {("John Lewiston", "Hillary Rodham", "endorsed")}),
    ("Jeb Bushnell backed Marco Rubino\u2019s bid in 2016.", {("Jeb Bushnell", "Marco Rubino", "endorsed")}),
    ("Justin Bamford said he decided to support Bernard Sand after a long talk.",
     {("Justin Bamford", "Bernard Sand", "supports")}),
    # not endorsements
    ("The union could revoke its endorsement of Gov. Tom Reed if he signs the bill.", set()),
    ("This is not an endorsement of Donald Marsh, said Gov. Chris Christensen.", set()),
    ("Will the Teamsters endorse Dana Whitcombe?", set()),
    ("\u201cOur culture is to endorse folks who have stood side by side with us,\u201d Ruth Okafor said.", set()),
    ("Lieberwitz\u2019s support for the war has caused enormous hurt, according to Paul Ferrante.", set()),
    ("Norma Salas said she would probably back Mr. Marsh despite mixed feelings.", set()),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_endorsements(nlp, text: str, expected: set[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    _, facts = _run(nlp, text)
    got = {(e.endorser, e.endorsee, e.status) for e in facts.endorsements}
    assert got == expected


DETAIL_CASES = [
    # (text, endorsee, (endorser_detail, office, when))
    ("The Service Employees International Union hasn\u2019t started its deliberations, though two of its "
     "largest locals already endorsed Raymond Okafor for governor.",
     "Raymond Okafor", ("two of its largest locals", "governor", None)),
    ("U.S. Senator Joe Lindqvist won the endorsement of the Teamsters on March 3, 2006.",
     "Joe Lindqvist", (None, "U.S. Senate", "2006-03-03")),
    ("Ada Brooks endorsed Tom Reyes for the U.S. Senate.", "Tom Reyes", (None, "U.S. Senate", None)),
]


@pytest.mark.parametrize("text,endorsee,expected", DETAIL_CASES)
def test_endorsement_details(nlp, text: str, endorsee: str, expected: tuple) -> None:  # type: ignore[no-untyped-def,type-arg]
    doc, facts = _run(nlp, text)
    hits = [e for e in facts.endorsements if e.endorsee == endorsee]
    assert len(hits) == 1
    e = hits[0]
    assert (e.endorser_detail, e.office, e.when) == expected
    s, t = e.evidence_span
    assert doc.text[s:t] == e.evidence
    assert [(sp.start_char, sp.end_char) for sp in doc.spans["endorsements"]] == [e.evidence_span]
    ids = {x.id for x in [*facts.people, *facts.organizations]}
    assert e.endorser_id in ids and e.endorsee_id in ids


def test_endorsee_gets_candidate_title(nlp) -> None:  # type: ignore[no-untyped-def]
    _, facts = _run(nlp, "Two locals endorsed John DeSilva for governor, the Teamsters said.")
    _, facts = _run(nlp, "The Teamsters endorsed John DeSilva for governor.")
    person = next(p for p in facts.people if p.name == "John DeSilva")
    assert "candidate for governor" in [t.title for t in person.titles]


STANCE_CASES = [
    # (text, {(holder, topic, polarity)})
    ("Lieberwitz\u2019s support for the war in Iraq has caused enormous hurt, according to Paul Ferrante.",
     {("Lieberwitz", "Iraq war", "for")}),
    ("Ruth Okafor spoke for the Teamsters. The union\u2019s opposition to the trade deal is well known.",
     {("Teamsters", "trade deal", "against")}),
    ("\u201cI have a different stance than Joe on the war,\u201d said Robert Prosser. Joe Lindqvist\u2019s "
     "support for the war in Iraq is well known.",
     {("Robert Prosser", "Iraq war", "against"), ("Joe Lindqvist", "Iraq war", "for")}),
    ("Gov. Ann Ruiz opposes the pipeline.", {("Ann Ruiz", "pipeline", "against")}),
]


@pytest.mark.parametrize("text,expected", STANCE_CASES)
def test_stances(nlp, text: str, expected: set[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    _, facts = _run(nlp, text)
    assert {(s.holder, s.topic, s.polarity) for s in facts.stances} == expected
