"""Link a person named in an article to one knowledge-base person, or to nobody.

:class:`KBIndex` indexes people by name (:mod:`whipcount.kb.names`). :meth:`KBIndex.link` takes the
name as written and what the article says around it (:class:`LinkContext`: date, states, the
person's titles, party, co-mentioned names), scores every candidate, and links only when one
candidate is clearly best *and* has enough evidence:

- a bare surname never links; an initial and a surname ("C. Dodd") need strong context;
- a full name with one candidate links unless the context speaks against it (another state,
  an incompatible office) more than for it;
- a full name with several candidates links only when context separates them by a clear margin.

Evidence: a title compatible with an office the person held (``kb/data/title_offices.tsv``),
an office held on the article's date, an office in a state the article mentions (or the state of
co-mentioned people who link unambiguously), the party, and the person's lifetime (nobody is a
senator at 100). When the date is unknown, dates are not used.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from whipcount.kb.names import (
    NicknameTable, ParsedName, fold, given_match, load_nicknames, parse_name, query_keys, surname_forms,
)
from whipcount.kb.names import name_keys as _name_keys
from whipcount.kb.records import PRIMARY_ID_SCHEMES, KBPerson, KBRole, normalize_party, normalize_state

LOGGER = logging.getLogger(__name__)

TITLE_OFFICES_PATH = Path(__file__).resolve().parent / "data" / "title_offices.tsv"
_NAME_POINTS = {"exact": 3, "variant": 2, "initial": 1}
_NAME_CONFIDENCE = {"exact": 0.6, "variant": 0.55, "initial": 0.35}
#: A linked candidate must beat the next one by this many points.
MARGIN = 2
_FORMER = re.compile(r"\b(former|ex|retired|onetime|one-time|late)\b", re.I)


@dataclass
class LinkContext:
    """What the article says around a name. All fields are optional."""

    date: str | None = None  # the article's date, ISO 8601; None when unknown
    states: list[str] = field(default_factory=list)  # states mentioned: names, codes or "Conn."
    titles: list[str] = field(default_factory=list)  # the person's titles: "Sen.", "Stamford Mayor"
    party: str | None = None  # the person's party if the article states it
    co_mentions: list[str] = field(default_factory=list)  # other people named in the article


@dataclass
class Scored:
    """One candidate with the evidence for and against it."""

    person: KBPerson
    name_match: str  # "exact", "variant" or "initial"
    support: list[tuple[int, str]] = field(default_factory=list)
    against: list[tuple[int, str]] = field(default_factory=list)
    offices: list[KBRole] = field(default_factory=list)  # the roles the evidence points at

    @property
    def context_points(self) -> int:
        """Points for minus points against, from the context only."""
        return sum(p for p, _ in self.support) - sum(p for p, _ in self.against)

    @property
    def total(self) -> int:
        """Name points plus context points: candidates are ranked by this."""
        return _NAME_POINTS[self.name_match] + self.context_points


@dataclass
class LinkResult:
    """A link: the person, their ids, party and offices, a confidence in [0, 1] and why."""

    person: KBPerson
    ids: dict[str, str]
    party: str | None
    offices: list[KBRole]
    confidence: float
    reason: str

    def kb_ids(self) -> dict[str, str | None]:
        """The ``kb`` mapping of a :class:`whipcount.models.Person`: openstates, bioguide, wikidata."""
        return {"openstates": self.ids.get("openstates"), "bioguide": self.ids.get("bioguide"),
                "wikidata": self.ids.get("wikidata")}


@dataclass
class LinkDecision:
    """The outcome of :meth:`KBIndex.decide`: the result (None when unlinked), why, and the candidates."""

    name: str
    result: LinkResult | None
    reason: str
    candidates: list[Scored] = field(default_factory=list)


@lru_cache(maxsize=1)
def _title_patterns() -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
    rows = []
    with TITLE_OFFICES_PATH.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            pattern, _, offices = line.rstrip("\n").partition("\t")
            rows.append((re.compile(pattern, re.I), frozenset(o.strip() for o in offices.split(","))))
    return tuple(rows)


def title_offices(title: str) -> frozenset[str]:
    """The office types a title is compatible with ("U.S. Sen." → {"sen"}); empty when unknown."""
    for pattern, offices in _title_patterns():
        if pattern.search(title):
            return offices
    return frozenset()


def _age_on(birthday: str | None, date: str | None) -> int | None:
    if not birthday or not date or len(birthday) < 4 or len(date) < 4:
        return None
    try:
        return int(date[:4]) - int(birthday[:4])
    except ValueError:
        return None


class KBIndex:
    """People indexed by name, with candidate lookup and evidence-based linking."""

    def __init__(self, people: list[KBPerson], nicknames: NicknameTable | None = None) -> None:
        self.people = people
        self._nick = nicknames or load_nicknames()
        self._by_key: dict[str, list[int]] = {}
        self._by_surname: dict[str, list[int]] = {}
        self._given: list[set[str]] = []
        self._middle: list[str] = []
        self._suffix: list[str] = []
        for i, person in enumerate(people):
            self._add(i, person)
        LOGGER.info("knowledge-base index: %d people, %d name keys", len(people), len(self._by_key))

    def _person_names(self, person: KBPerson) -> list[ParsedName]:
        parsed = []
        if person.last:
            first = fold(person.first).split()
            parsed.append(ParsedName(first=first[0] if first else "", middle=fold(person.middle).split(),
                                     last=fold(person.last), suffix=fold(person.suffix),
                                     nickname=fold(person.nickname)))
        for text in [person.name, *person.other_names]:
            if text:
                p = parse_name(text)
                if p.last and (not person.last or p.last in surname_forms(person.last) or not parsed):
                    parsed.append(p)
        return parsed

    def _add(self, i: int, person: KBPerson) -> None:
        given: set[str] = set()
        middle = fold(person.middle)
        keys: set[str] = set()
        surnames: set[str] = set()
        seen: set[tuple[str, str, str, str]] = set()
        for p in self._person_names(person):
            sig = (p.first, p.nickname, p.last, p.middle[0] if p.first_is_initial and p.middle else "")
            if sig in seen:
                continue
            seen.add(sig)
            keys |= _name_keys(p, nicknames=self._nick)
            surnames |= surname_forms(p.last)
            for g in (p.first, p.nickname):
                if g and len(g) > 1:
                    given.add(g.split()[0])
            if p.first_is_initial and p.middle and len(p.middle[0]) > 1:
                given.add(p.middle[0])
            if not middle and p.middle:
                middle = " ".join(p.middle)
        for key in keys:
            self._by_key.setdefault(key, []).append(i)
        for s in surnames:
            self._by_surname.setdefault(s, []).append(i)
        self._given.append(given)
        self._middle.append(middle)
        self._suffix.append(fold(person.suffix))

    # --- candidates ------------------------------------------------------------------------

    def _name_match(self, i: int, q: ParsedName) -> str | None:
        match = given_match(q.first, self._given[i], self._nick)
        if match is None and q.nickname:
            match = given_match(q.nickname.split()[0], self._given[i], self._nick)
        if match is None and q.first_is_initial and q.middle:
            match = given_match(q.middle[0], self._given[i], self._nick)
        if match is None:
            return None
        middle = self._middle[i]
        q_initials = [m for m in q.middle if len(m) == 1]
        if q_initials and middle and not q.first_is_initial and q_initials[0] != middle[0]:
            return None  # "Joseph X. Smith" is not Joseph A. Smith
        if q.suffix and self._suffix[i] and q.suffix != self._suffix[i]:
            return None  # Jr. is not Sr.
        return match

    def _candidates(self, q: ParsedName) -> list[tuple[int, str]]:
        found: dict[int, str] = {}
        for key in query_keys(q):
            for i in self._by_key.get(key, ()):
                if i not in found:
                    match = self._name_match(i, q)
                    if match is not None:
                        found[i] = match
        return sorted(found.items())

    def candidates(self, name: str) -> list[KBPerson]:
        """Everyone the name could refer to. A bare surname returns everyone with that surname."""
        q = parse_name(name)
        if not q.has_given:
            return [self.people[i] for i in self._by_surname.get(q.last, ())]
        return [self.people[i] for i, _ in self._candidates(q)]

    # --- evidence --------------------------------------------------------------------------

    def _co_mention_states(self, names: list[str], skip: str) -> set[str]:
        states: set[str] = set()
        for other in names:
            q = parse_name(other)
            if not q.has_given or fold(other) == fold(skip):
                continue
            found = self._candidates(q)
            if len(found) == 1 and found[0][1] == "exact":
                states |= self.people[found[0][0]].states()
        return states

    def _score(self, person: KBPerson, match: str, ctx: LinkContext, states: set[str],
               co_states: set[str], q: ParsedName) -> Scored:
        s = Scored(person, match)
        if q.suffix and q.suffix == fold(person.suffix):
            s.support.append((1, f"suffix {person.suffix}"))
        offices: set[str] = set()
        former = False
        for t in ctx.titles:
            offices |= title_offices(t)
            former = former or bool(_FORMER.search(t))
        fitting = [r for r in person.roles if r.office in offices] if offices else list(person.roles)
        if offices:
            if fitting:
                s.support.append((2, f"title fits {fitting[-1].office}"))
            elif person.roles:
                s.against.append((2, f"title {'/'.join(ctx.titles)} fits no office held"))
            folded_titles = " ".join(fold(t) for t in ctx.titles)
            places = {r.place for r in fitting if r.place and r.place in folded_titles}
            if places:
                s.support.append((1, f"place {sorted(places)[0]}"))
        if ctx.date:
            dated = [r for r in fitting if r.active_on(ctx.date) is not None]
            active = [r for r in fitting if r.active_on(ctx.date)]
            if former:
                ended = [r for r in dated if r.end and r.end[:10] < ctx.date[:10]]
                if ended:
                    s.support.append((1, f"former {ended[-1].office}, left {ended[-1].end}"))
            elif active:
                s.support.append((2, f"in office on {ctx.date[:10]} ({active[-1].label()})"))
                fitting = active + [r for r in fitting if r not in active]
            elif offices and dated and len(dated) == len(fitting):
                s.against.append((1, f"not in that office on {ctx.date[:10]}"))
            age = _age_on(person.birthday, ctx.date)
            if age is not None and (age < 18 or age > 95):
                s.against.append((3, f"aged {age} on {ctx.date[:10]}"))
        held = person.states()
        if states:
            if held & states:
                s.support.append((2, f"state {sorted(held & states)[0]}"))
            elif held:
                s.against.append((1, f"offices in {'/'.join(sorted(held))}, not {'/'.join(sorted(states))}"))
        elif co_states and held & co_states:
            s.support.append((1, f"state {sorted(held & co_states)[0]} of co-mentioned people"))
        want = normalize_party(ctx.party)
        if want:
            parties = {r.party for r in person.roles if r.party} | ({person.party} if person.party else set())
            if person.party_on(ctx.date) == want or (not ctx.date and want in parties):
                s.support.append((1, f"party {want}"))
            elif parties:
                s.against.append((1, f"party {person.party_on(ctx.date)}, not {want}"))
        s.offices = fitting + [r for r in reversed(person.roles) if r not in fitting]
        return s

    # --- linking ---------------------------------------------------------------------------

    def decide(self, name: str, context: LinkContext | None = None) -> LinkDecision:
        """Score every candidate for ``name`` and decide; the decision says why in both cases."""
        ctx = context or LinkContext()
        q = parse_name(name)
        if not q.has_given:
            n = len(self._by_surname.get(q.last, ()))
            return LinkDecision(name, None, f"surname only ({n} people named {q.last or '?'})")
        found = self._candidates(q)
        if not found:
            return LinkDecision(name, None, "no candidate")
        states = {s for s in (normalize_state(x) for x in ctx.states) if s}
        co_states = self._co_mention_states(ctx.co_mentions, name) if ctx.co_mentions and not states else set()
        scored = sorted((self._score(self.people[i], m, ctx, states, co_states, q) for i, m in found),
                        key=lambda s: -s.total)
        best = scored[0]
        why = "; ".join(r for _, r in best.support + best.against)
        if len(scored) > 1:
            second = scored[1]
            if best.total - second.total < MARGIN:
                return LinkDecision(name, None, f"ambiguous: {len(scored)} candidates, context does not "
                                    f"separate {best.person.key} and {second.person.key}", scored)
            if not best.support:
                return LinkDecision(name, None, f"{len(scored)} candidates and no context for any", scored)
        if best.name_match == "initial" and (best.against or best.context_points < 4):
            return LinkDecision(name, None, f"initial only, too little context ({why or 'none'})", scored)
        if best.against and best.context_points <= 0:
            return LinkDecision(name, None, f"context speaks against {best.person.key}: {why}", scored)
        confidence = _NAME_CONFIDENCE[best.name_match] + 0.08 * best.context_points
        if len(scored) > 1:
            confidence -= 0.1
        confidence = round(max(0.05, min(0.99, confidence)), 2)
        lead = f"{best.name_match} name, {'unique candidate' if len(scored) == 1 else f'best of {len(scored)}'}"
        ids = {k: best.person.ids[k] for k in PRIMARY_ID_SCHEMES if best.person.ids.get(k)}
        ids.update({k: v for k, v in best.person.ids.items() if k not in ids})
        result = LinkResult(best.person, ids, best.person.party_on(ctx.date), best.offices, confidence,
                            f"{lead}; {why}" if why else lead)
        return LinkDecision(name, result, result.reason, scored)

    def link(self, name: str, context: LinkContext | None = None) -> LinkResult | None:
        """The one person ``name`` refers to in this context, or None when the evidence is not enough."""
        return self.decide(name, context).result
