"""People across articles: per-article people grouped into identities, each join with a reason.

:func:`resolve_people` groups the people of many records. Joins, strongest first:

1. **kb**: the same knowledge-base id (bioguide, Open States, Wikidata, GovTrack).
2. **full_name**: the same given name and surname, middle initials and suffixes not in conflict
   ("Joseph I. Lieberman" and "Joseph Lieberman"; not "George W." and "George H. W. Bush").
3. **variant**: given names that are nicknames of each other ("Joe"/"Joseph", "Ned"/"Edward")
   or an initial that fits ("J. Lieberman").
4. **surname**: a person named by surname only ("Lieberman") joins a group only with evidence:
   an office, state, title or party shared with exactly one group of that surname, or another
   person named in full in both articles (a co-mention: "Lamont" beside "Joe Lieberman"), when
   that person is named in few of the articles (not in every other one, as Donald Trump in 2016).

Two groups never join when their knowledge-base ids differ, or when any two of their full names
conflict (Chris Dodd is not Thomas Dodd). A name that fits two groups that conflict with each
other ("George Bush" beside "George W. Bush" and "George H. W. Bush") joins neither. Names are
compared with :func:`whipcount.kb.names.parse_name` and the nickname table.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from whipcount.kb.link import KBIndex, title_offices
from whipcount.kb.names import ParsedName, fold, load_nicknames, parse_name
from whipcount.kb.records import KBPerson, normalize_state
from whipcount.models import Person, Record
from whipcount.resolve.decisions import Identity, Merge, Override, Resolution, ref
from whipcount.resolve.linking import link_record, person_context

LOGGER = logging.getLogger(__name__)

KB_SCHEMES: tuple[str, ...] = ("bioguide", "openstates", "wikidata", "govtrack")
CONFIDENCE = {"kb": 0.97, "full_name": 0.9, "variant": 0.8, "initial": 0.65, "surname": 0.6}
_RULE_ORDER = ("full_name", "variant", "initial")
CO_MENTION_SHARE = 0.05  # a name in more than this share of the articles is no co-mention evidence
CO_MENTION_MIN_LIMIT = 3  # ... when it is also in more than this many articles


@dataclass
class _Entity:
    ref: str
    person: Person
    parsed: ParsedName
    kb: dict[str, str]
    offices: set[str]
    states: set[str]
    titles: set[str]
    party: str | None
    kb_ambiguous: bool = False  # unlinked, and the KB has several people of this name
    co: frozenset[str] = frozenset()  # full names of the other people its article names


@dataclass
class _Cluster:
    members: list[_Entity] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)

    def kb(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for e in self.members:
            for k, v in e.kb.items():
                out[k].add(v)
        return out

    def full_names(self) -> list[ParsedName]:
        seen: dict[tuple[str, str, str, str], ParsedName] = {}
        for e in self.members:
            p = e.parsed
            if p.has_given:
                seen.setdefault((p.first, " ".join(p.middle), p.last, p.suffix), p)
        return list(seen.values())

    def evidence(self) -> tuple[set[str], set[str], set[str], set[str], set[str]]:
        """Offices, states, titles, parties and co-mentioned full names of the members."""
        offices: set[str] = set()
        states: set[str] = set()
        titles: set[str] = set()
        parties: set[str] = set()
        co: set[str] = set()
        for e in self.members:
            offices |= e.offices
            states |= e.states
            titles |= e.titles
            co |= e.co
            if e.party:
                parties.add(e.party)
        return offices, states, titles, parties, co


def kb_lookup(people: Iterable[KBPerson]) -> dict[tuple[str, str], KBPerson]:
    """(id scheme, id) -> knowledge-base person, for the schemes identities join on."""
    return {(k, v): p for p in people for k, v in p.ids.items() if k in KB_SCHEMES and v}


def _entity(record: Record, person: Person, lookup: dict[tuple[str, str], KBPerson]) -> _Entity:
    kb = {k: str(v) for k, v in person.kb.items() if v and k in KB_SCHEMES}
    offices: set[str] = set()
    titles: set[str] = set()
    for t in person.titles:
        offices |= title_offices(t.title)
        titles.add(fold(t.title).removeprefix("former ").strip())
    ctx = person_context(record, person)
    states = {s for s in (normalize_state(x) for x in ctx.states) if s}
    kbp = next((lookup[(k, v)] for k, v in kb.items() if (k, v) in lookup), None)
    if kbp is not None:  # the offices and states of the linked person count as evidence too
        offices |= {r.office for r in kbp.roles}
        states |= kbp.states()
    return _Entity(ref(record.article.id, person.id), person, parse_name(person.name), kb, offices,
                   states, titles, person.party or ctx.party)


def _given_relation(a: ParsedName, b: ParsedName) -> str | None:
    """How two full names' given names relate: "full_name", "variant", "initial" or None."""
    if a.first == b.first:
        return "full_name"
    if a.first_is_initial or b.first_is_initial:
        long, short = (b, a) if a.first_is_initial else (a, b)
        return "initial" if not long.first_is_initial and long.first.startswith(short.first) else None
    table = load_nicknames()
    for x, y in ((a.first, b.first), (b.first, a.first)):
        if y in table.variants(x):
            return "variant"
    if a.nickname and a.nickname == b.first or b.nickname and b.nickname == a.first:
        return "variant"
    return None


def names_compatible(a: ParsedName, b: ParsedName) -> str | None:
    """Whether two full names can be one person, and how ("full_name", "variant", "initial")."""
    if not (a.has_given and b.has_given) or a.last != b.last:
        return None
    if a.suffix and b.suffix and a.suffix != b.suffix:
        return None
    ia, ib = a.middle_initials, b.middle_initials
    if ia and ib and not (ia.startswith(ib) or ib.startswith(ia)):
        return None
    return _given_relation(a, b)


def _kb_conflict(a: _Cluster, b: _Cluster) -> bool:
    ka, kb = a.kb(), b.kb()
    if (ka and any(e.kb_ambiguous for e in b.members)) or (kb and any(e.kb_ambiguous for e in a.members)):
        return True  # "George Bush" the linker could not place joins no linked Bush by name
    if not ka or not kb:
        return False
    shared = set(ka) & set(kb)
    if any(ka[s] & kb[s] for s in shared):
        return False
    return True  # both linked, to no common id


def _compatible(a: _Cluster, b: _Cluster) -> bool:
    if _kb_conflict(a, b):
        return False
    for x in a.full_names():
        for y in b.full_names():
            if x.last == y.last and names_compatible(x, y) is None:
                return False
    return True


def _surname(e: _Entity) -> str:
    return e.parsed.last


def _join(clusters: list[_Cluster], owner: dict[str, int], a: str, b: str, rule: str, reason: str,
          confidence: float) -> bool:
    ca, cb = owner[a], owner[b]
    if ca == cb:
        return False
    if rule != "kb" and not _compatible(clusters[ca], clusters[cb]):
        return False
    if rule == "kb" and _kb_conflict(clusters[ca], clusters[cb]):
        return False
    keep, gone = clusters[ca], clusters[cb]
    keep.members.extend(gone.members)
    keep.merges.extend(gone.merges)
    keep.merges.append(Merge(a, b, reason, confidence, rule))
    for e in gone.members:
        owner[e.ref] = ca
    gone.members, gone.merges = [], []
    return True


def _join_by_kb(entities: list[_Entity], clusters: list[_Cluster], owner: dict[str, int]) -> None:
    first: dict[tuple[str, str], str] = {}
    for e in entities:
        for scheme in KB_SCHEMES:
            value = e.kb.get(scheme)
            if not value:
                continue
            key = (scheme, value)
            if key in first:
                _join(clusters, owner, first[key], e.ref, "kb", f"same {scheme} id {value}", CONFIDENCE["kb"])
            else:
                first[key] = e.ref


def _join_by_name(group: list[_Entity], clusters: list[_Cluster], owner: dict[str, int]) -> None:
    full = [e for e in group if e.parsed.has_given]
    edges: list[tuple[int, _Entity, _Entity, str]] = []
    partners: dict[str, list[_Entity]] = defaultdict(list)
    for x, y in combinations(full, 2):
        rel = names_compatible(x.parsed, y.parsed)
        if rel is None:
            continue
        edges.append((_RULE_ORDER.index(rel), x, y, rel))
        partners[x.ref].append(y)
        partners[y.ref].append(x)
    # A name that fits two names that cannot be one person joins neither.
    ambiguous = {r for r, ps in partners.items() if any(
        names_compatible(p.parsed, q.parsed) is None for p, q in combinations(ps, 2))}
    for _, x, y, rel in sorted(edges, key=lambda t: t[0]):
        if x.ref in ambiguous or y.ref in ambiguous:
            continue
        what = {"full_name": "same full name", "variant": "nickname variant", "initial": "initial fits"}[rel]
        _join(clusters, owner, x.ref, y.ref, rel, f"{what}: {x.person.name!r} ~ {y.person.name!r}",
              CONFIDENCE[rel])


def _evidence(e: _Entity, c: _Cluster) -> list[str]:
    """What a surname-only entity shares with a group: an office, state, specific title, party,
    or another person both articles name in full (a co-mention)."""
    offices, states, titles, parties, co = c.evidence()
    why = []
    if e.offices & offices:
        why.append(f"same office {sorted(e.offices & offices)[0]}")
    if e.states & states:
        why.append(f"same state {sorted(e.states & states)[0]}")
    specific = {t for t in e.titles & titles if not title_offices(t)}
    if specific:
        why.append(f"same title {sorted(specific)[0]!r}")
    if e.party and e.party in parties:
        why.append(f"same party {e.party}")
    shared = {n for n in e.co & co if n.split()[-1] != e.parsed.last}
    if shared:
        why.append(f"co-mentioned with {sorted(shared)[0]!r}")
    return why


def _join_surnames(group: list[_Entity], clusters: list[_Cluster], owner: dict[str, int]) -> None:
    for e in (x for x in group if not x.parsed.has_given):
        others = {owner[x.ref] for x in group if owner[x.ref] != owner[e.ref]}
        scored = [(c, _evidence(e, clusters[c])) for c in sorted(others)]
        fitting = [(c, why) for c, why in scored if why]
        if len(fitting) != 1:
            continue  # no evidence, or evidence for two groups: leave alone
        c, why = fitting[0]
        target = clusters[c].members[0]
        _join(clusters, owner, e.ref, target.ref, "surname",
              f"surname {e.person.name!r}: {', '.join(why)}", CONFIDENCE["surname"])


def _identity_id(c: _Cluster, taken: set[str]) -> str:
    kb = c.kb()
    base = ""
    for scheme in KB_SCHEMES:
        if kb.get(scheme):
            base = f"{scheme}:{sorted(kb[scheme])[0]}"
            break
    if not base:
        names = sorted((e.person.name for e in c.members), key=lambda n: (-len(n.split()), n))
        base = "name:" + fold(names[0])
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}~{n}"
    taken.add(out)
    return out


def resolve_people(records: Iterable[Record], index: KBIndex | None = None,
                   overrides: list[Override] | None = None) -> Resolution:
    """Group the people of ``records`` into identities (see the module docstring).

    With ``index``, each record is first linked (:func:`~whipcount.resolve.linking.link_record`);
    otherwise the ``kb`` ids the people already carry are used. ``overrides`` are applied last.
    """
    entities: list[_Entity] = []
    named_in: Counter[str] = Counter()  # full name -> articles that name it
    articles = 0
    lookup = kb_lookup(index.people if index is not None else [])
    for record in records:
        rec = link_record(record, index) if index is not None else record
        full = {p.id: fold(p.name) for p in rec.people if parse_name(p.name).has_given}
        named_in.update(set(full.values()))
        articles += 1
        for p in rec.people:
            e = _entity(rec, p, lookup)
            e.co = frozenset(n for pid, n in full.items() if pid != p.id)
            if index is not None and not e.kb and e.parsed.has_given:
                e.kb_ambiguous = len({c.key for c in index.candidates(p.name)}) > 1
            entities.append(e)
    # A co-mention is evidence only when the name is rare: in 2016 every other article names
    # Donald Trump, so sharing him says nothing.
    common = {n for n, k in named_in.items() if k > max(CO_MENTION_MIN_LIMIT, CO_MENTION_SHARE * articles)}
    for e in entities:
        e.co = e.co - common
    clusters = [_Cluster([e]) for e in entities]
    owner = {e.ref: i for i, e in enumerate(entities)}
    _join_by_kb(entities, clusters, owner)
    by_surname: dict[str, list[_Entity]] = defaultdict(list)
    for e in entities:
        if _surname(e):
            by_surname[_surname(e)].append(e)
    for group in by_surname.values():
        _join_by_name(group, clusters, owner)
    for group in by_surname.values():
        _join_surnames(group, clusters, owner)
    taken: set[str] = set()
    resolution = Resolution()
    for c in clusters:
        if not c.members:
            continue
        kb = {k: sorted(v)[0] for k, v in c.kb().items()}
        names: list[str] = []
        for e in sorted(c.members, key=lambda e: -len(e.person.name.split())):
            if e.person.name not in names:
                names.append(e.person.name)
        party = next((e.party for e in c.members if e.party), None)
        resolution.identities.append(Identity(
            id=_identity_id(c, taken), name=names[0], members=sorted(e.ref for e in c.members), kb=kb,
            party=party, names=names, merges=list(c.merges)))
    LOGGER.info("resolved %d people into %d identities", len(entities), len(resolution.identities))
    return resolution.apply(overrides) if overrides else resolution
