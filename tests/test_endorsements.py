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
    # hedged wording is undecided, not an endorsement
    ("Norma Salas said she would probably back Mr. Marsh despite mixed feelings.",
     {("Norma Salas", "Marsh", "undecided")}),
    # second round: one case per failure fixed
    ("Other big unions, including the American Federation of Teachers and the AFL-CIO, have also "
     "endorsed Dana Whitcombe.",
     {("American Federation of Teachers", "Dana Whitcombe", "endorsed"),
      ("AFL-CIO", "Dana Whitcombe", "endorsed")}),
    ("Ray Okafor has been endorsed by papers such as The Port Ellery Gazette and the Dunmore Tribune.",
     {("Port Ellery Gazette", "Ray Okafor", "endorsed"), ("Dunmore Tribune", "Ray Okafor", "endorsed")}),
    ("It came a day after two holdout unions, the United Steelworkers and the Ironworkers Union, "
     "gave Dana Whitcombe the nod.",
     {("United Steelworkers", "Dana Whitcombe", "endorsed"), ("Ironworkers Union", "Dana Whitcombe", "endorsed")}),
    ("Maria Delgado had her own reinforcements, including endorsements from President Carl Obermann, "
     "Vice President Joe Bidwell and Georgia Rep. John Lewiston.",
     {("Carl Obermann", "Maria Delgado", "endorsed"), ("Joe Bidwell", "Maria Delgado", "endorsed"),
      ("John Lewiston", "Maria Delgado", "endorsed")}),
    ("DES MOINES - Ted Cranston, who needs a win on Tuesday, received the endorsement of Gov. Mike Penner (R) "
     "on Friday.", {("Mike Penner", "Ted Cranston", "endorsed")}),
    ("The Teamsters, the Firefighters and UNITE HERE remain on the sidelines, though they may well endorse "
     "Dana Whitcombe in coming weeks.",
     {("Teamsters", "Dana Whitcombe", "undecided"), ("Firefighters", "Dana Whitcombe", "undecided"),
      ("UNITE HERE", "Dana Whitcombe", "undecided")}),
    ("House Speaker Paul Ryland has said he is \u201cnot ready\u201d to endorse Donald Marsh.",
     {("Paul Ryland", "Donald Marsh", "declined")}),
    ("Rep. Raul Grijalda, D-Ariz., was an early backer of Bernard Sand.",
     {("Raul Grijalda", "Bernard Sand", "endorsed")}),
    ("Sen. Lindsey Grahame, a former presidential candidate and a Cranston supporter, tweeted. Ted "
     "Cranston thanked him.",
     {("Lindsey Grahame", "Ted Cranston", "supports")}),
    ("Sen. Ted Cranston refuses to disavow the endorsement of Sen. Lindsey Grahame, Congress\u2019 "
     "loudest hawk.",
     {("Lindsey Grahame", "Ted Cranston", "endorsed")}),
    ("Reps. Chris Collier (R-N.Y.) and Duncan Hunt (R-Calif.) became the first members of Congress to endorse "
     "the presidential bid of real estate mogul Donald Marsh.",
     {("Chris Collier", "Donald Marsh", "endorsed"), ("Duncan Hunt", "Donald Marsh", "endorsed")}),
    ("Donald Marsh endorsed the re-election of House Speaker Paul Ryland (R-Wis.), Sen. John McCall (R-Ariz.), "
     "and Sen. Kelly Ayers (R-N.H.).",
     {("Donald Marsh", "Paul Ryland", "endorsed"), ("Donald Marsh", "John McCall", "endorsed"),
      ("Donald Marsh", "Kelly Ayers", "endorsed")}),
    ("Vermont Gov. Peter Shumway and Sen. Patrick Leahey as well as former Vermont Gov. Howard Deane have "
     "endorsed Hillary Rodham.",
     {("Peter Shumway", "Hillary Rodham", "endorsed"), ("Patrick Leahey", "Hillary Rodham", "endorsed"),
      ("Howard Deane", "Hillary Rodham", "endorsed")}),
    ("Law professor Tim Canon, who is challenging Rep. Debbie Wasserstein, raised $250,000 after Bernard Sand "
     "endorsed him.", {("Bernard Sand", "Tim Canon", "endorsed")}),
    ("Chris Collier and Duncan Hunt endorsed him on Monday, said Donald Marsh.", set()),
    ("Ted Cranston thanked Mike Penner. Knight campaigned with Cranston on Wednesday, said Bobby Knight.",
     {("Bobby Knight", "Ted Cranston", "supports")}),
    ("Sen. Joe Lieber also stated his intention to vote for Hillary Rodham on Wednesday.",
     {("Joe Lieber", "Hillary Rodham", "supports")}),
    ("Ted Cranston said he would never vote for Hillary Rodham.", set()),
    ("A union representing flight attendants endorsed Hillary Rodham on Thursday. The Association of Flight "
     "Attendants represents 50,000 workers.",
     {("Association of Flight Attendants", "Hillary Rodham", "endorsed")}),
    ("Mayor Ray Okafor picked up the endorsement of the Tamarack Working Families Party.",
     {("Tamarack Working Families Party", "Ray Okafor", "endorsed")}),
    ("Phyllis Schaller and her son John Schaller spoke. Mrs. Schaller backs Donald Marsh.",
     {("Phyllis Schaller", "Donald Marsh", "endorsed")}),
    ("Sen. Ted Cranston picked up the endorsement of Gov. Scott Walden. Days later the Texas senator also "
     "won the backing of Rep. Reid Ribbon.",
     {("Scott Walden", "Ted Cranston", "endorsed"), ("Reid Ribbon", "Ted Cranston", "endorsed")}),
    ("Al Sharp likes Hillary Rodham and is probably inclined to endorse her.",
     {("Al Sharp", "Hillary Rodham", "undecided")}),
    ("Other prominent Republicans, like Richard Armand and Henry Paulsen, have also said they\u2019re "
     "supporting Hillary Rodham.",
     {("Richard Armand", "Hillary Rodham", "supports"), ("Henry Paulsen", "Hillary Rodham", "supports")}),
    ("Peter Thiele signed up as a Donald Marsh delegate in San Francisco.",
     {("Peter Thiele", "Donald Marsh", "supports")}),
    ("Donald Marsh had been \u201cnot quite there yet\u201d on supporting Paul Ryland. On Friday, Marsh "
     "endorsed Ryland.", {("Donald Marsh", "Paul Ryland", "endorsed")}),
    ("Bernard Sand said he will vote for Hillary Rodham, but he hasn\u2019t endorsed her.",
     {("Bernard Sand", "Hillary Rodham", "supports"), ("Bernard Sand", "Hillary Rodham", "undecided")}),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_endorsements(nlp, text: str, expected: set[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    _, facts = _run(nlp, text)
    got = {(e.endorser, e.endorsee, e.status) for e in facts.endorsements}
    assert got == expected


# Articles in miniature, written for these tests: editorials, withdrawals, headline lists, lists of
# endorsers with locals, hedged and refused endorsements. (article text, expected records)
ARTICLE_CASES = [
    ("Editorial: Whitcombe for governor.\n\nThe Harbor City Ledger editorial board has interviewed "
     "every candidate in this race. It was not an easy call.\n\n\u201cWe endorse Dana Whitcombe for "
     "governor,\u201d the board wrote, citing her record on transit. \u201cShe has earned "
     "it.\u201d\n",
     {('Harbor City Ledger', 'Dana Whitcombe', 'endorsed')}),
    ("Teamsters pull support from Tran amid pension fight.\n\nBRIDGEPORT - The Teamsters Local 191 "
     "withdrew its endorsement of Mayor Bill Tran on Friday, and the Plumbers Union rescinded their "
     "endorsements as well.\n\nTran's campaign manager, Lee Parkhurst, said the mayor was "
     "disappointed.\n",
     {('Teamsters Local 191', 'Bill Tran', 'withdrawn')}),
    ("Boston Ledger endorses Clinton, Rubio.\n\nThe Boston Ledger on Sunday endorsed Hillary "
     "Clinton in the Democratic primary and Marco Rubio in the Republican race.\n",
     {('Boston Ledger', 'Marco Rubio', 'endorsed'), ('Boston Ledger', 'Hillary Clinton', 'endorsed')}),
    ("Unions line up behind Okafor.\n\nMayor Ray Okafor picked up endorsements Tuesday from the "
     "Ironworkers Local 40, the Carpenters Local 43 and 24, and the Service Employees International "
     "Union.\n\nThe American Federation of Teachers has not yet endorsed in the race.\n",
     {('Carpenters Local 43', 'Ray Okafor', 'endorsed'), ('Service Employees International Union', 'Ray Okafor', 'endorsed'), ('Carpenters Local 24', 'Ray Okafor', 'endorsed'), ('Ironworkers Local 40', 'Ray Okafor', 'endorsed')}),
    ("Senator backs challenger.\n\nSen. Carla Diaz threw her support behind Ned Larkin on Monday, "
     "calling him \"the future of this party.\" Larkin, a former prosecutor, is challenging Rep. "
     "Amy Rhee in the Democratic primary.\n\nRhee's spokesman, Tom Swan, said the congresswoman was "
     "not surprised.\n",
     {('Carla Diaz', 'Ned Larkin', 'endorsed')}),
    ("Paper reverses itself on Marsh.\n\nThe Dunmore Tribune, which endorsed Donald Marsh in "
     "August, un-endorsed him on Thursday after the tape surfaced.\n\n\"We were wrong,\" the "
     "paper's editor, Joan Pike, said.\n",
     {('Dunmore Tribune', 'Donald Marsh', 'withdrawn'), ('Dunmore Tribune', 'Donald Marsh', 'endorsed')}),
    ("Nurses union holds off.\n\nThe National Nurses United said Wednesday it is holding off on an "
     "endorsement of either Hillary Clinton or Bernie Sanders until after the debates. An "
     "endorsement may come in March, union president Jean Ross said.\n",
     {('National Nurses United', 'Bernie Sanders', 'undecided'), ('National Nurses United', 'Hillary Clinton', 'undecided')}),
    ("Former governor refuses to endorse Marsh.\n\nFormer Gov. Jeb Bushnell said Tuesday he will "
     "not endorse Donald Marsh, the Republican nominee. Bushnell's brother, George Bushnell, also "
     "declined to endorse Marsh.\n",
     {('George Bushnell', 'Donald Marsh', 'declined'), ('Jeb Bushnell', 'Donald Marsh', 'declined')}),
    ("Whitcombe lands backing of two unions.\n\nDana Whitcombe won the endorsement of the "
     "Communications Workers of America on Monday. She also won the backing of the United Auto "
     "Workers, a 400,000 member union.\n\nThe AFL-CIO hasn't started its deliberations.\n",
     {('Communications Workers of America', 'Dana Whitcombe', 'endorsed'), ('United Auto Workers', 'Dana Whitcombe', 'endorsed')}),
    ("Clinton's newspaper haul grows.\n\nHillary Clinton has been endorsed by newspapers such as "
     "The Arizona Sentinel, the Dunmore Tribune and the Harbor City Ledger. The Arizona Sentinel "
     "had never before backed a Democrat.\n",
     {('Dunmore Tribune', 'Hillary Clinton', 'endorsed'), ('Harbor City Ledger', 'Hillary Clinton', 'endorsed'), ('Arizona Sentinel', 'Hillary Clinton', 'endorsed')}),
    # "pledged to back the Republican nominee" is no endorsement of the nominee the article names
    ("Marsh seeks unity.\n\nDonald Marsh, the presumptive Republican nominee, met donors. Gov. Ted Cranston, "
     "one of the rivals Marsh beat, had pledged to back the Republican nominee, but sounded unsure.\n",
     set()),
    # a clause the parser lost between dashes: "they" are the people listed before
    ("More defections.\n\nOther notable Republicans, like Paul Ardent, Lou Kessel and Ruth Okafor \u2015 three "
     "former George Marsh administration big shots \u2015 have also said they\u2019re supporting Helen Marsh.\n",
     {('Paul Ardent', 'Helen Marsh', 'supports'), ('Lou Kessel', 'Helen Marsh', 'supports'),
      ('Ruth Okafor', 'Helen Marsh', 'supports')}),
    # a plural group endorsed, named in the next sentence that names new people
    ("Marsh backs state hopefuls.\n\nOn Tuesday, Helen Marsh went further, endorsing six state legislative "
     "candidates. \u201cChange starts at the bottom,\u201d Marsh wrote. The candidates she named are "
     "state Reps. Paul Ardent and Lou Kessel; and state Senate candidate Ruth Okafor.\n",
     {('Helen Marsh', 'Paul Ardent', 'endorsed'), ('Helen Marsh', 'Lou Kessel', 'endorsed'),
      ('Helen Marsh', 'Ruth Okafor', 'endorsed')}),
    # "such expected backers as A to ... such as B": the examples are the endorsers
    ("Papers line up.\n\nHelen Marsh has been endorsed by dozens of papers ranging from such expected backers "
     "as The New York Times to such once-reliable Republican advocates as the Harbor City Ledger.\n",
     {('New York Times', 'Helen Marsh', 'endorsed'), ('Harbor City Ledger', 'Helen Marsh', 'endorsed')}),
]


@pytest.mark.parametrize("text,expected", ARTICLE_CASES)
def test_articles_in_miniature(nlp, text: str, expected: set[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    from whipcount.prepare import prepare

    _, facts = _run(nlp, prepare(text).text)
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
