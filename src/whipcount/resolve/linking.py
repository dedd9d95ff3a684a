"""Link the people of one record to knowledge-base people, using what the article says.

:func:`decide_record` builds a :class:`~whipcount.kb.link.LinkContext` for every person of a
record and asks :meth:`KBIndex.decide <whipcount.kb.link.KBIndex.decide>`; :func:`link_record`
applies the links (``Person.kb`` ids and party) to a copy of the record.

The context of a person is read close to the person:

- the person's titles with their place and organisation ("Stamford Mayor"), leaving out titles
  that would mislead (``nlp/data/resolve_misleading_titles.txt``: the federal "Secretary of State"
  is no state secretary of state);
- states bound to a mention: a title's place, a party tag ("Sen. Ted Cruz (R-Texas)",
  "R-Tex."), "of Texas" right after the name, and state names in the sentences of the mentions;
- a party written before a mention ("Republican Ted Cruz") or in a party tag;
- the article's date, and the other people named in it.

A link is made in two passes. The first uses that close context. Only when it cannot choose
(several candidates, or nothing but a name) the second adds the states the whole article
mentions, and its link counts only when a state supports it. Finally a link with no supporting
context at all stands only for a unique candidate who held a prominent office (Congress,
governor, president, vice president): a name alone must not tie a voter quoted in Iowa to a
state legislator who happens to share it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from whipcount.kb.link import KBIndex, LinkContext, LinkDecision, title_offices
from whipcount.kb.names import parse_name
from whipcount.kb.records import STATES_PATH, normalize_party, normalize_state
from whipcount.models import IngestError, Person, Record
from whipcount.nlp.lexicon import word_list

LOGGER = logging.getLogger(__name__)

#: Offices that make a person well known enough to link on a unique full name alone.
PROMINENT_OFFICES = frozenset({"sen", "rep", "prez", "viceprez", "governor"})
#: Characters around a mention searched for state names ("the sentence" without a parser).
WINDOW = 160
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# State names that are also common words or other things in political news.
_AMBIGUOUS_STATE_WORDS = frozenset({"Washington", "Wash.", "Ind.", "Miss.", "La.", "Del.", "Mo.",
                                    "Ga.", "Pa.", "Va.", "Me", "Cal.", "Penn."})
_NOT_STATE_AFTER = re.compile(r"\s*(Times|Post|Daily|Magazine|Jets|Giants|Yankees|Mets|Knicks|City|"
                              r"Avenue|Street|University|Journal|Tribune|Herald|Stock)\b")


@dataclass
class PersonLink:
    """The decision for one person of a record: the context used and the linker's decision."""

    person_id: str
    name: str
    context: LinkContext
    decision: LinkDecision
    passes: int = 1  # 2 when the article-wide states were needed

    @property
    def linked(self) -> bool:
        return self.decision.result is not None


@lru_cache(maxsize=1)
def _state_pattern() -> re.Pattern[str]:
    names: list[str] = []
    with STATES_PATH.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            names.append(cols[1].strip())
            names.extend(a.strip() for a in (cols[2].split(",") if len(cols) > 2 else []) if a.strip())
    names = [n for n in names if n not in _AMBIGUOUS_STATE_WORDS]
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alts})(?![\w])")


@lru_cache(maxsize=1)
def _misleading_titles() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in word_list("resolve_misleading_titles.txt"))


@lru_cache(maxsize=1)
def _nonpolitical_titles() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in word_list("resolve_nonpolitical_titles.txt"))


def nonpolitical(person: Person) -> bool:
    """True when every title the person has names a role outside elected office ("Rev.", "CEO")."""
    titles = [t.title for t in person.titles]
    return bool(titles) and all(any(p.search(t) for p in _nonpolitical_titles()) and not title_offices(t)
                                for t in titles)


_PARTY_TAG = re.compile(r"\s*,?\s*[\(\[]?\s*([DRI])\s*[-–—,.]\s*([A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)\s*[\)\],]")
_OF_STATE = re.compile(r"\s*,?\s*(?:of|from)\s+")
_PARTY_BEFORE = re.compile(r"\b(Republican|Democrat|Democratic|GOP|Independent)\s[\w .-]*$")
_TITLE_CAPS = frozenset({"Sen.", "Rep.", "Gov.", "Senator", "Governor", "Congressman", "Congresswoman",
                         "President", "Mayor", "Speaker", "House", "Senate", "Vice", "Lt."})


def find_states(text: str) -> list[str]:
    """Postal codes of the states named in ``text``, one per occurrence, in order."""
    out = []
    for m in _state_pattern().finditer(text):
        if _NOT_STATE_AFTER.match(text, m.end()):
            continue
        code = normalize_state(m.group(0))
        if code:
            out.append(code)
    return out


def article_states(text: str, top: int = 3) -> list[str]:
    """The states an article names most often (at most ``top``)."""
    counts = Counter(find_states(text))
    return [s for s, _ in counts.most_common(top)]


def article_date(record: Record) -> str | None:
    """The article's ISO date (YYYY-MM-DD) when known."""
    published = record.article.published or ""
    m = _DATE.match(published)
    return m.group(0) if m else None


def _useful_titles(person: Person) -> list[str]:
    titles: list[str] = []
    for t in person.titles:
        text = " ".join(p for p in (t.place, t.title, f"of {t.org}" if t.org else None) if p)
        state_named = normalize_state(t.place) is not None
        if not state_named and any(p.search(t.title) for p in _misleading_titles()):
            continue
        titles.append(text)
    return titles


def _party_tag(text: str, end: int) -> tuple[str | None, str | None]:
    """(party, state) from a tag right after a mention: "(R-Texas)", ", D-Vt.,"."""
    m = _PARTY_TAG.match(text, end)
    if not m:
        return None, None
    return normalize_party(m.group(1)), normalize_state(m.group(2).rstrip(".") + ".") or normalize_state(
        m.group(2))


def _party_before(text: str, start: int) -> str | None:
    """A party word right before a mention, maybe across a title: "Republican Sen. Ted Cruz"."""
    m = _PARTY_BEFORE.search(text, max(0, start - 60), start)
    if not m:
        return None
    between = text[m.end(1):start].split()
    if len(between) > 4 or any(not (w[:1].islower() or w.endswith(".") or w in _TITLE_CAPS) for w in between):
        return None
    return normalize_party(m.group(1))


@dataclass
class _Context:
    """The tiers of context of one person: bound to the mentions, nearby, article-wide."""

    bound: LinkContext
    nearby: list[str]  # states in the sentences around the mentions


def person_context(record: Record, person: Person, *, date: str | None = None) -> LinkContext:
    """The close context of one person of ``record``: titles, states bound to a mention, party.

    States merely nearby (in the sentence) are not included; :func:`nearby_states` has them.
    """
    return _person_context(record, person, date).bound


def nearby_states(record: Record, person: Person) -> list[str]:
    """States named within :data:`WINDOW` characters of a mention of ``person``."""
    return _person_context(record, person, None).nearby


def _person_context(record: Record, person: Person, date: str | None) -> _Context:
    text = record.article.text
    states: list[str] = []
    nearby: list[str] = []
    party: str | None = None
    for t in person.titles:
        code = normalize_state(t.place)
        if code:
            states.append(code)
    for start, end in person.mentions:
        tag_party, tag_state = _party_tag(text, end)
        party = party or tag_party
        if tag_state:
            states.append(tag_state)
        m = _OF_STATE.match(text, end)
        if m:
            after = find_states(text[m.end():m.end() + 20])
            if after and text[m.end():m.end() + 20].lstrip()[:1].isupper():
                states.append(after[0])
        party = party or _party_before(text, start)
        nearby.extend(find_states(text[max(0, start - WINDOW):end + WINDOW]))
    co = [p.name for p in record.people if p.id != person.id and parse_name(p.name).has_given]
    bound = LinkContext(date=date if date is not None else article_date(record),
                        states=list(dict.fromkeys(states)), titles=_useful_titles(person),
                        party=party, co_mentions=co)
    return _Context(bound, [s for s in dict.fromkeys(nearby) if s not in bound.states])


_WEAK_SUPPORT = ("in office on", "former ", "suffix ")


def _has_support(decision: LinkDecision, what: str = "") -> bool:
    """Whether the linked candidate has supporting context (``what`` in a reason, if given).

    Being in office on the article's date is no support by itself for someone of no prominent
    office: many state legislators share a name with an aide or a voter.
    """
    if decision.result is None or not decision.candidates:
        return False
    best = decision.candidates[0]
    reasons = [r for _, r in best.support if what in r]
    if not _prominent(decision):
        reasons = [r for r in reasons if not r.startswith(_WEAK_SUPPORT)]
    return bool(reasons)


def _famous_namesake(decision: LinkDecision) -> bool:
    """Another candidate of exactly this name was president or vice president, and no title
    speaks for the chosen one: "John F. Kennedy" is the president, not a state senator."""
    if decision.result is None or len(decision.candidates) < 2:
        return False
    best = decision.candidates[0]
    if any(r.office in ("prez", "viceprez") for r in best.person.roles):
        return False
    if any(r.startswith("title fits") for _, r in best.support):
        return False
    return any(c.name_match == "exact" and any(r.office in ("prez", "viceprez") for r in c.person.roles)
               for c in decision.candidates[1:])


def _historical(decision: LinkDecision) -> bool:
    """Unlinked only for the candidate's age, and the candidate was president or the title fits."""
    if "context speaks against" not in decision.reason or not decision.candidates:
        return False
    best = decision.candidates[0]
    if not best.against or not all(r.startswith("aged ") or r.startswith("not in that office")
                                   for _, r in best.against):
        return False
    titled = any(r.startswith("title fits") for _, r in best.support)
    return titled or any(r.office in ("prez", "viceprez") for r in best.person.roles)


def _prominent(decision: LinkDecision) -> bool:
    if decision.result is None:
        return False
    return any(r.office in PROMINENT_OFFICES for r in decision.result.person.roles)


def decide_person(record: Record, person: Person, index: KBIndex,
                  states: list[str] | None = None) -> PersonLink:
    """The link decision for one person; ``states`` are the article's states (computed if None).

    Tiers: the bound context; then nearby states, then the article's states, each accepted only
    when a state supports the link; then a bare-name link of a prominent unique candidate.
    """
    tiers = _person_context(record, person, None)
    ctx = tiers.bound
    first = index.decide(person.name, ctx)
    if _famous_namesake(first):
        undated = dataclasses.replace(ctx, date=None, states=[])
        again = index.decide(person.name, undated)
        if again.result is not None and any(r.office in ("prez", "viceprez") for r in again.result.person.roles):
            return PersonLink(person.id, person.name, undated, again)
        first = LinkDecision(person.name, None, "a president's namesake, no title to tell", first.candidates)
    if first.result is None and ctx.date and _historical(first):
        # A president of the past, or someone whose office the title names: age does not count.
        undated = dataclasses.replace(ctx, date=None)
        again = index.decide(person.name, undated)
        if again.result is not None:
            return PersonLink(person.id, person.name, undated, again)
    if first.result is not None and nonpolitical(person) and not _has_support(first, "title"):
        return PersonLink(person.id, person.name, ctx, LinkDecision(
            person.name, None, f"titled {', '.join(t.title for t in person.titles)}, not an office: "
            f"{first.result.person.key} is not taken on the name alone", first.candidates))
    if first.result is not None and _has_support(first):
        return PersonLink(person.id, person.name, ctx, first)
    against = first.result is None and "context speaks against" in first.reason
    if not against and (first.candidates or first.result is not None):
        article = article_states(record.article.text) if states is None else states
        for n, extra in ((2, tiers.nearby), (3, article)):
            more = [s for s in extra if s not in ctx.states]
            if not more:
                continue
            wider = dataclasses.replace(ctx, states=[*ctx.states, *more])
            decision = index.decide(person.name, wider)
            if decision.result is not None and _has_support(decision, "state"):
                return PersonLink(person.id, person.name, wider, decision, passes=n)
    if first.result is not None and not _prominent(first):
        unlinked = LinkDecision(person.name, None, "a name alone: unique candidate "
                                f"{first.result.person.key} holds no prominent office and the "
                                "article gives no supporting context", first.candidates)
        return PersonLink(person.id, person.name, ctx, unlinked)
    return PersonLink(person.id, person.name, ctx, first)


def decide_record(record: Record, index: KBIndex) -> list[PersonLink]:
    """One :class:`PersonLink` per person of ``record`` with a given name (surnames never link)."""
    states = article_states(record.article.text)
    out = []
    for person in record.people:
        if not parse_name(person.name).has_given:
            out.append(PersonLink(person.id, person.name, LinkContext(),
                                  LinkDecision(person.name, None, "surname only")))
            continue
        out.append(decide_person(record, person, index, states))
    return out


def link_record(record: Record, index: KBIndex, links: list[PersonLink] | None = None) -> Record:
    """A copy of ``record`` whose linked people carry ``kb`` ids and, when unknown, a party.

    People the evidence does not settle keep empty ``kb`` ids. ``links`` are decisions made
    before by :func:`decide_record` (made now when None).
    """
    links = decide_record(record, index) if links is None else links
    by_id = {link.person_id: link for link in links}
    people = []
    for person in record.people:
        link = by_id.get(person.id)
        result = link.decision.result if link else None
        if result is None:
            people.append(person)
            continue
        kb = dict(person.kb)
        kb.update(result.kb_ids())
        if not any(kb.values()) and result.ids.get("govtrack"):
            kb["govtrack"] = result.ids["govtrack"]  # presidents who never sat in Congress
        people.append(dataclasses.replace(person, kb=kb, party=person.party or result.party))
        LOGGER.debug("%s: %s -> %s (%s)", record.article.id, person.name, result.person.key, result.reason)
    return dataclasses.replace(record, people=people)


def link_results(results: Iterable[Record | IngestError], index: KBIndex) -> Iterator[Record | IngestError]:
    """:func:`link_record` over a stream of results; IngestErrors pass through unchanged."""
    for item in results:
        yield link_record(item, index) if isinstance(item, Record) else item
