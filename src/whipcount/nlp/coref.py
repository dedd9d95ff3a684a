"""In-document speaker resolution: names, pronouns and role nouns to the entity they mean.

A :class:`Resolver` is built once per Doc. Its entities come from ``facts.people`` and
``facts.organizations`` when the mentions component ran, and otherwise (or in addition, for
names it missed) from the model's PERSON / ORG entities, clustered by surname. Each entity
keeps a gender (from Mr./Mrs./Ms., a first-name table and pronouns already linked to it) and
the role nouns seen with it ("Mayor Bill de Blasio", "Tom Swan, the campaign manager").

``resolve`` maps a speaker mention to an entity:

* a name: the entity with a mention there, else the entity whose name shares its last word;
* he / she / it / they / we: the most recent compatible mention before it (recency first,
  subjects and earlier speakers preferred, gender and kind must agree);
* a role noun ("the senator", "the union", "his campaign manager"): the most recent entity
  that carries that role, else the most recent entity of the right kind for organizations.

All look-ups are bisections over one sorted list of mentions, so resolving costs
O(log n + window) per speaker, not a scan of the document.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from ..models import Facts, Organization, Person

LOGGER = logging.getLogger(__name__)

LOOKBACK_MENTIONS = 40   # how many earlier mentions a pronoun or role noun may reach back over
LOOKBACK_CHARS = 2500    # and how far, in characters
PERSON_LABELS = {"PERSON"}
ORG_LABELS = {"ORG", "NORP"}


def read_table(name: str) -> list[list[str]]:
    """Rows of a data file of ``whipcount.nlp.data``: tab-separated, '#' comments skipped."""
    text = resources.files("whipcount.nlp.data").joinpath(name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append([c.strip() for c in line.split("\t")])
    return rows


@dataclass(frozen=True)
class CorefLexicon:
    """The word lists coreference reads: pronouns, role nouns, honorifics, first names."""

    pronouns: dict[str, tuple[str, str]]      # form -> (gender m/f/n/-, number sg/pl/-)
    roles: dict[str, tuple[str, str]]         # noun -> (person|org, gender)
    honorifics: dict[str, str]                # "mr." -> "m"
    first_names: dict[str, str]               # "joe" -> "m"


@lru_cache(maxsize=1)
def load_lexicon() -> CorefLexicon:
    """The coreference word lists, read once from the package data."""
    return CorefLexicon(
        pronouns={r[0]: (r[1], r[2]) for r in read_table("pronouns.tsv")},
        roles={r[0]: (r[1], r[2]) for r in read_table("role_nouns.tsv")},
        honorifics={r[0]: r[1] for r in read_table("titles_gender.tsv")},
        first_names={r[0]: r[1] for r in read_table("first_names.tsv")},
    )


@dataclass
class Entity:
    """A person or organization of one document, as coreference sees it."""

    name: str
    kind: str                       # person | org
    id: str | None = None           # id in Facts, when it came from there
    gender: str | None = None       # m | f | None
    gender_weak: bool = True        # the gender came from first-name statistics only
    roles: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)   # lower-case name words that identify it


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: int           # index into Resolver.entities
    subject: bool = False


def _words(name: str) -> list[str]:
    return [w.strip(".,’'").lower() for w in name.split() if w.strip(".,’'")]


class Resolver:
    """Resolves speaker mentions of one Doc to entities (see the module docstring)."""

    def __init__(self, doc: Doc, facts: Facts | None = None, lexicon: CorefLexicon | None = None):
        self.doc = doc
        self.lex = lexicon or load_lexicon()
        self.entities: list[Entity] = []
        self.mentions: list[Mention] = []
        self._starts: list[int] = []
        self._by_surname: dict[str, int] = {}
        self._by_first: dict[str, int] = {}     # first name -> latest person entity
        self._orgs: dict[str, int] = {}         # org name key -> entity
        self._facts_index: dict[int, Person | Organization] = {}
        if facts is not None:
            for person in facts.people:
                self._add_fact_entity(person)
            for org in facts.organizations:
                self._add_fact_entity(org)
        self._add_model_entities()
        self._sort()

    # building -----------------------------------------------------------------------------

    def _add_fact_entity(self, ent: Person | Organization) -> None:
        kind = "person" if isinstance(ent, Person) else "org"
        e = Entity(name=ent.name, kind=kind, id=ent.id, keys=set(_words(ent.name)))
        if isinstance(ent, Person):
            for t in ent.titles:
                e.roles.update(w for w in _words(t.title) if w in self.lex.roles)
            words = _words(ent.name)
            if words:
                e.gender = self.lex.first_names.get(words[0])
                self._by_surname.setdefault(words[-1], len(self.entities))
                if len(words) > 1:
                    self._by_first[words[0]] = len(self.entities)
        else:
            e.keys.update(a.lower() for a in ent.aliases)
            for key in e.keys | {" ".join(_words(ent.name))}:
                self._orgs.setdefault(key, len(self.entities))
        self.entities.append(e)
        idx = len(self.entities) - 1
        for s, end in ent.mentions:
            self.mentions.append(Mention(s, end, idx, self._is_subject(s, end)))

    def _add_model_entities(self) -> None:
        taken = sorted((m.start, m.end) for m in self.mentions)
        starts = [s for s, _ in taken]
        for span in self.doc.ents:
            if span.label_ not in PERSON_LABELS and span.label_ not in ORG_LABELS:
                continue
            if span.label_ == "NORP" and all(t.pos_ == "ADJ" for t in span):
                continue  # 'Republican nominee', 'American officials': a modifier, nobody to refer to
            s, e = span.start_char, span.end_char
            k = bisect.bisect_right(starts, e) - 1
            if k >= 0 and taken[k][1] > s:
                continue  # the mentions component already has it
            idx = self._entity_for_name(span)
            if idx is None:
                continue
            self.mentions.append(Mention(s, e, idx, self._is_subject(s, e)))

    def _entity_for_name(self, span: Span) -> int | None:
        text = span.text.strip()
        if text.lower().startswith("the "):
            text = text[4:]
        words = _words(text.replace("’s", "").replace("'s", ""))
        if not words:
            return None
        if span.label_ in PERSON_LABELS:
            idx = self._by_surname.get(words[-1])
            if idx is None and len(words) == 1:
                # a first name alone ("Joe's words"): an entity with that first word
                idx = self._by_first.get(words[0])
            if idx is not None:
                ent = self.entities[idx]
                if len(words) > len(_words(ent.name)) and ent.id is None:
                    ent.name = text  # the fullest form seen
                self._note_person(ent, span)
                return idx
            ent = Entity(name=text, kind="person", keys=set(words),
                         gender=self.lex.first_names.get(words[0]) if len(words) > 1 else None)
            self._note_person(ent, span)
            self.entities.append(ent)
            idx = len(self.entities) - 1
            self._by_surname.setdefault(words[-1], idx)
            if len(words) > 1:
                self._by_first[words[0]] = idx
            return idx
        if len(words) == 1 and words[0] in self._by_surname:
            return self._by_surname[words[0]]  # a surname the model took for an organization
        key = " ".join(words)
        if key in self._orgs:
            return self._orgs[key]
        self.entities.append(Entity(name=text, kind="org", keys={key}))
        self._orgs[key] = len(self.entities) - 1
        return self._orgs[key]

    def _note_person(self, ent: Entity, span: Span) -> None:
        """Gender from an honorific and roles from the words before and beside the name."""
        doc = self.doc
        prev = doc[span.start - 1] if span.start > 0 else None
        if prev is not None:
            g = self.lex.honorifics.get(prev.text.lower())
            if g and (not ent.gender or ent.gender_weak):
                ent.gender, ent.gender_weak = g, False
        for tok in doc[max(span.sent.start, span.start - 4):span.start]:
            low = tok.text.lower()
            if low in self.lex.roles:
                ent.roles.add(low)
                g = self.lex.roles[low][1]
                if g in ("m", "f") and (not ent.gender or ent.gender_weak):
                    ent.gender, ent.gender_weak = g, False
        head = span.root
        for child in head.children:
            if child.dep_ == "appos":
                ent.roles.update(t.text.lower() for t in child.subtree if t.text.lower() in self.lex.roles)

    def _is_subject(self, start: int, end: int) -> bool:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span is not None and len(span) > 0 and span.root.dep_ in ("nsubj", "nsubjpass")

    def _sort(self) -> None:
        self.mentions.sort(key=lambda m: (m.start, m.end))
        self._starts = [m.start for m in self.mentions]

    # resolving ----------------------------------------------------------------------------

    def note_speaker(self, entity: int, start: int, end: int) -> None:
        """Record that ``entity`` spoke at ``[start, end)``: a strong antecedent for pronouns."""
        m = Mention(start, end, entity, True)
        k = bisect.bisect_left(self._starts, start)
        self.mentions.insert(k, m)
        self._starts.insert(k, start)

    def entity_at(self, start: int, end: int) -> int | None:
        """The entity with a mention overlapping ``[start, end)``, if any."""
        k = bisect.bisect_right(self._starts, end - 1) - 1
        best, best_overlap = None, 0
        while k >= 0:
            m = self.mentions[k]
            if m.start < start - 200:
                break
            overlap = min(m.end, end) - max(m.start, start)
            if overlap > best_overlap:
                best, best_overlap = m.entity, overlap
            k -= 1
        return best

    def resolve(self, head: Token, start: int, end: int) -> int | None:
        """The entity the mention ``[start, end)`` (its head token ``head``) refers to."""
        low = head.text.lower()
        if head.pos_ == "PRON" or low in self.lex.pronouns:
            return self._pronoun(low, start)
        if low in self.lex.roles and head.pos_ == "PROPN":
            # 'the Kentucky Republican' is a person named before; 'a New Hampshire Democrat' is
            # someone unnamed, not the party
            det = next((c.lower_ for c in head.children if c.dep_ in ("det", "nummod")), None)
            if det in ("the", "this", "that"):
                return self._role(low, start)
            if det is not None:
                return None
        found = self.entity_at(start, end)
        if found is not None and head.pos_ == "PROPN":
            at_head = self.entity_at(head.idx, head.idx + len(head.text))
            return found if at_head is None else at_head  # (entity 0 is falsy: no 'or')
        lemma = head.lemma_.lower()
        if lemma in self.lex.roles or low in self.lex.roles:
            role = lemma if lemma in self.lex.roles else low
            has_det = any(c.dep_ in ("det", "poss") for c in head.children)
            # 'the presumptive Republican nominee': a name among the modifiers is not the role's
            # holder; a name in apposition or compound at the head is
            covering = self.entity_at(head.idx, head.idx + len(head.text))
            if covering is not None:
                return covering
            if found is not None and not has_det:
                return found
            if has_det:
                return self._role(role, start)
            return None
        if found is not None and head.pos_ == "NOUN" and any(
                self.entity_at(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)) == found
                for c in head.children if c.dep_ == "poss"):
            return None  # 'Scott's niece' is not Scott
        if found is not None:
            return found
        if head.pos_ == "PROPN":
            idx = self._by_surname.get(low)
            if idx is not None:
                return idx
        return None

    def _earlier(self, start: int):
        """Mentions before ``start``, most recent first, within the look-back window."""
        k = bisect.bisect_left(self._starts, start) - 1
        seen = 0
        while k >= 0 and seen < LOOKBACK_MENTIONS:
            m = self.mentions[k]
            if m.end <= start:
                if start - m.end > LOOKBACK_CHARS:
                    return
                seen += 1
                yield seen, m
            k -= 1

    def _pronoun(self, low: str, start: int) -> int | None:
        gender, number = self.lex.pronouns.get(low, ("-", "-"))
        if low in ("i", "me", "my", "you"):
            return None
        want = "org" if gender == "n" else None
        best, best_score = None, -1e9
        for rank, m in self._earlier(start):
            ent = self.entities[m.entity]
            clash = 0
            if gender in ("m", "f"):
                if ent.kind != "person":
                    continue
                if ent.gender and ent.gender != gender:
                    if not ent.gender_weak:
                        continue
                    clash = 4  # 'Terry' is usually a man's name, but "she" may still mean her
                elif not ent.gender:
                    clash = 2  # no evidence at all ('Hogan Lovells', 'African-Americans')
            elif want == "org" and ent.kind != "org":
                continue
            elif number == "pl" and ent.kind != "org":
                continue
            score = -rank + (3 if m.subject else 0) + (1 if ent.gender == gender else 0) - clash
            if score > best_score:
                best, best_score = m.entity, score
        if best is not None and gender in ("m", "f"):
            ent = self.entities[best]
            if not ent.gender or ent.gender_weak:
                # weak: one pronoun link is evidence, not proof ("he" meant Holder, not Lynch)
                ent.gender, ent.gender_weak = gender, True
        return best

    def _role(self, role: str, start: int) -> int | None:
        target, gender = self.lex.roles[role]
        fallback = None
        for _, m in self._earlier(start):
            ent = self.entities[m.entity]
            if ent.kind != target:
                continue
            if gender in ("m", "f") and ent.gender and ent.gender != gender:
                continue
            if role in ent.roles or any(role == k or role in k.split() for k in ent.keys):
                return m.entity
            if fallback is None:
                fallback = m.entity
        return fallback

    def name_of(self, idx: int) -> str:
        return self.entities[idx].name

    def id_of(self, idx: int) -> str | None:
        return self.entities[idx].id
