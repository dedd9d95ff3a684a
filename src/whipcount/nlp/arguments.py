"""Find who a clause is about: entity mentions under a token, lists, pronouns, "the union".

Shared by the endorsement and stance components. Everything works on the people and
organisations the mentions component put in :class:`~whipcount.models.Facts`.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..models import Facts, Organization, Person
from .clauses import prep_obj
from .lexicon import mapping, table
from .titles import find_titles
from .extensions import text_of

LOGGER = logging.getLogger(__name__)

Entity = Person | Organization
# "(R-N.Y.)" / "(Ill.)" after a name does not end a list: "Reps. A (R-N.Y.) and B (R-Calif.)".
_PAREN = r"(?:\s*\([^()\n]{1,25}\))?"
_LIST_GAP = re.compile(rf"^{_PAREN}[\s,;&]*(?:(?:and|or|as well as|plus|along with|&)\s+)?(?:the\s+)?$", re.IGNORECASE)
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
ORG_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
QUOTE_CHARS = ("\u201c", "\u201d", '"')


@dataclass(frozen=True)
class Mention:
    """One mention: char span and the entity it names."""

    start: int
    end: int
    entity: Entity

    @property
    def is_person(self) -> bool:
        return isinstance(self.entity, Person)


class MentionIndex:
    """All mentions of a Doc's people and organisations, sorted, with range look-ups."""

    def __init__(self, facts: Facts) -> None:
        items = [Mention(s, e, p) for p in facts.people for s, e in p.mentions]
        items += [Mention(s, e, o) for o in facts.organizations for s, e in o.mentions]
        self.items = sorted(items, key=lambda m: (m.start, -m.end))
        self.starts = [m.start for m in self.items]
        self.group_kinds = {row[0].lower(): (row[1] if len(row) > 1 else None)
                            for row in table("group_nouns.tsv")}

    def within(self, start: int, end: int) -> list[Mention]:
        """Mentions inside ``[start, end)``, left to right."""
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.items) and self.items[i].start < end:
            if self.items[i].end <= end:
                out.append(self.items[i])
            i += 1
        return out

    def covering(self, tok: Token) -> Mention | None:
        """The mention that contains token ``tok``."""
        i = bisect.bisect_right(self.starts, tok.idx)
        for m in reversed(self.items[max(0, i - 4):i]):
            if m.start <= tok.idx < m.end:
                return m
        return None

    def before(self, pos: int, want_person: bool | None, window: int = 600,
               kind: str | None = None, exclude: Entity | tuple[Entity, ...] | None = None,
               after: bool = False) -> Mention | None:
        """The nearest mention ending before ``pos`` (of a person / organisation / kind)."""
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            m = self.items[i]
            if pos - m.end > window:
                return None
            ok = (want_person is None or m.is_person == want_person) and m.end <= pos
            if ok and kind is not None:
                ok = isinstance(m.entity, Organization) and m.entity.kind == kind
            if ok and exclude is not None and (m.entity is exclude or (
                    isinstance(exclude, tuple) and any(m.entity is x for x in exclude))):
                ok = False
            if ok:
                return m
            i -= 1
        return self._after(pos, want_person, window, kind, exclude) if after else None

    def _after(self, pos: int, want_person: bool | None, window: int, kind: str | None,
               exclude: Entity | tuple[Entity, ...] | None) -> Mention | None:
        """The nearest mention starting after ``pos`` (a phrase that names its referent later)."""
        for m in self.items[bisect.bisect_left(self.starts, pos):]:
            if m.start - pos > window:
                return None
            if want_person is not None and m.is_person != want_person:
                continue
            if kind is not None and not (isinstance(m.entity, Organization) and m.entity.kind == kind):
                continue
            if exclude is not None and (m.entity is exclude or (
                    isinstance(exclude, tuple) and any(m.entity is x for x in exclude))):
                continue
            return m
        return None


def subtree_chars(tok: Token) -> tuple[int, int]:
    """Char range of a token's subtree."""
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right.text)


def list_from(index: MentionIndex, doc: Doc, first: Mention, limit: int) -> list[Mention]:
    """``first`` and the mentions that follow it as a list ("A, B and C"), up to ``limit``."""
    out = [first]
    cands = index.within(first.end, limit)
    for m in cands:
        if m.start < out[-1].end:
            continue
        gap = text_of(doc)[out[-1].end:m.start]
        if not list_gap(gap):
            break
        if gap.strip() in (",", "") and text_of(doc)[m.end:m.end + 2] in ("\u2019 ", "' ", "\u2019s", "'s"):
            break  # "Sen. Lindsey Graham, Congress' most zealous advocate": a description, no list
        out.append(m)
    return out


def phrase_entities(index: MentionIndex, doc: Doc, head: Token, examples: bool = True) -> list[Mention]:
    """Entities a noun phrase headed by ``head`` names: the mention at its head and its list.

    A phrase whose head names nobody gives the names it lists as examples or in an appositive
    ("other unions, including A and B", "papers such as A, B and C", "two holdout unions, A and B")
    when ``examples`` is true.
    """
    start, end = subtree_chars(head)
    m = index.covering(head)
    if m is None:
        if head.pos_ != "PROPN":
            # "an RNC committeewoman": a person described, not the organisation
            return named_examples(index, doc, head) if examples else []
        # a name the NER cut short, or a head the parser put on a list's last item
        inside = [x for x in index.within(start, end)
                  if x.start <= head.idx + len(head.text) and _only_list_gap(text_of(doc)[x.end:head.idx])]
        if not inside:
            return named_examples(index, doc, head) if examples else []
        m = inside[0]
    # Extend back to earlier list items ("A, B and C" with the head on C).
    earlier = [x for x in index.within(start, m.start)]
    first = m
    for x in reversed(earlier):
        if list_gap(text_of(doc)[x.end:first.start]):
            first = x
        else:
            break
    out = list_from(index, doc, first, end)
    # The parser often hangs a list's later items elsewhere; a list that goes on past the
    # phrase and ends in "and X" is still one list ("from A, Vice President B and Rep. C").
    sent_end = head.sent.end_char
    longer = list_from(index, doc, out[-1], sent_end)
    last_and = max((k for k in range(1, len(longer))
                    if re.search(r"\b(?:and|or|as well as)\b", text_of(doc)[longer[k - 1].end:longer[k].start])),
                   default=0)
    if last_and:
        out += longer[1:last_and + 1]
    return out


_EXAMPLE_PREPS = frozenset({"including", "like", "includes", "include"})
_CLAUSE_DEPS = frozenset({"relcl", "ccomp", "advcl", "csubj", "parataxis"})


def named_examples(index: MentionIndex, doc: Doc, head: Token) -> list[Mention]:
    """Names a descriptive phrase gives for itself: "unions, including A and B", "such as A, B",
    "two holdout unions, A and B" (appositive), "INDIANAPOLIS - Ted Cruz" (dateline)."""
    out: list[Mention] = []
    seen: set[int] = set()
    stack = [head]
    while stack:
        tok = stack.pop()
        for c in tok.children:
            if c.dep_ in _CLAUSE_DEPS:
                continue
            target = None
            if c.dep_ == "appos" and c is not head:
                target = c
            elif c.dep_ in ("prep", "acl") and (c.lower_ in _EXAMPLE_PREPS or c.lower_ == "as" and c.i > 0 and (
                    doc[c.i - 1].lower_ == "such" or any(a.lower_ == "such" for a in tok.children))):
                # "papers such as A", "such expected backers as A"
                target = next((g for g in c.children if g.dep_ in ("pobj", "dobj")), None)
            if target is not None:
                for m in phrase_entities(index, doc, target, examples=False):
                    if m.start not in seen:
                        seen.add(m.start)
                        out.append(m)
            stack.append(c)
    return sorted(out, key=lambda m: m.start)


def listed_after(index: MentionIndex, sent: Span, obj: Token, endorsers: list[Mention],
             group_nouns: frozenset[str], group_heads: frozenset[str]) -> list[Mention]:
    """"endorsed eight state legislative candidates." followed by a sentence naming them: the
    people first named in the next sentence (within three) that names at least two new people."""
    noun = obj
    if noun.lemma_.lower() in group_heads:
        noun = prep_obj(noun, ("of",)) or noun  # "a handful of other candidates"
    if noun.tag_ not in ("NNS", "NNPS") or noun.lemma_.lower() not in group_nouns:
        return []
    if any(c.pos_ == "PROPN" or c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in ("these", "those", "the")
           for c in noun.children):
        return []  # "Trump's candidates", "the candidates": ones named before, if at all
    first: dict[str, int] = {}
    last = sent.doc[-1]
    for m in index.within(0, last.idx + len(last.text_with_ws)):
        first.setdefault(m.entity.id, m.start)
    skip = {m.entity.id for m in endorsers}
    nxt = sent
    for _ in range(3):
        if nxt.end >= len(sent.doc):
            break
        nxt = sent.doc[nxt.end].sent
        new = [m for m in index.within(nxt.start_char, nxt.end_char)
               if m.is_person and first.get(m.entity.id) == m.start and m.entity.id not in skip]
        if len(new) >= 2:
            return new
    return []


def _only_list_gap(gap: str) -> bool:
    return not gap.strip() or bool(_LIST_GAP.match(gap))


def list_gap(gap: str) -> bool:
    """Whether the text between two mentions only joins them in a list ("A, Sen. B and C")."""
    if len(gap) > 60:
        return False
    if _LIST_GAP.match(gap):
        return True
    found = find_titles(gap)
    if not found:
        return False
    rest = gap[:found[0].start]
    tail = gap[found[-1].end:]
    if tail.strip():
        return False
    # separators, then maybe "former Vermont" before the title
    # a separator is needed ("Trump rival Sen. Cruz" is no list), then maybe "former Vermont"
    return bool(re.match(_PAREN + r"\s*(?:,\s*(?:and\s+|or\s+)?|(?:and|or|as well as|plus|along with)\s+)"
                         r"(?:[A-Za-z.]+\s+){0,2}$", rest))


def resolve_pronoun(index: MentionIndex, facts: Facts, tok: Token,
                    exclude: Entity | tuple[Entity, ...] | None = None) -> Mention | None:
    """Antecedent of a pronoun or of "the union"-style phrase; ``I`` inside a quote is its speaker."""
    low = tok.lower_
    if low in PERSON_PRONOUNS:
        return _person_before(index, tok.idx, PRONOUN_GENDER[low], exclude)
    if low in ("it", "its"):
        return index.before(tok.idx, False, exclude=exclude)
    if low in ("i", "me", "my"):
        return speaker_at(index, facts, tok.idx)
    if tok.pos_ == "NOUN" and low in index.group_kinds or tok.lemma_.lower() in index.group_kinds:
        det = [c for c in tok.children if c.dep_ in ("det", "poss")]
        kind = index.group_kinds.get(tok.lemma_.lower()) or index.group_kinds.get(low)
        if det and det[0].lower_ in ("the", "this", "that", "its", "their"):
            return index.before(tok.idx, False, kind=kind or None, window=1500, exclude=exclude)
        if det and det[0].lower_ in ("a", "an") and kind and tok.sent.start <= 40 and tok.dep_ == "nsubj":
            # a lede's "A union representing flight attendants endorsed ...": named later on
            return index.before(tok.idx, False, kind=kind, window=1500, exclude=exclude, after=True)
    return None


def person_gender(person: Entity) -> str | None:
    """"m" or "f" from a person's first name or gendered title, None when unknown."""
    if not isinstance(person, Person):
        return None
    words = person.name.split()
    if len(words) > 1:
        g = mapping("first_names.tsv").get(words[0].lower())
        if g:
            return g
    gendered = mapping("titles_gender.tsv")
    for t in person.titles:
        g = gendered.get(t.title.split()[-1].lower())
        if g:
            return g
    return None


def _person_before(index: MentionIndex, pos: int, gender: str,
                   exclude: Entity | tuple[Entity, ...] | None) -> Mention | None:
    """The nearest person before ``pos`` whose gender does not contradict the pronoun's."""
    skip: tuple[Entity, ...] = exclude if isinstance(exclude, tuple) else ((exclude,) if exclude else ())
    for _ in range(4):
        m = index.before(pos, True, exclude=skip or None, window=300)
        if m is None:
            return None
        g = person_gender(m.entity)
        if g is None or g == gender:
            return m
        skip = (*skip, m.entity)
    return None


def speaker_at(index: MentionIndex, facts: Facts, pos: int) -> Mention | None:
    """The speaker (as a mention) of the quote containing ``pos``, from ``facts.quotes``."""
    for q in facts.quotes:
        if q.span[0] <= pos < q.span[1] and q.speaker_id:
            everyone: list[Entity] = [*facts.people, *facts.organizations]
            ent = next((e for e in everyone if e.id == q.speaker_id), None)
            if ent is not None and ent.mentions:
                s, e = q.speaker_span or ent.mentions[0]
                return Mention(s, e, ent)
    return None


def in_quotes(text: str, pos: int, sent_start: int) -> bool:
    """Whether ``pos`` is inside quote marks, counting marks from the sentence start."""
    chunk = text[sent_start:pos]
    straight = chunk.count('"')
    if straight:
        return straight % 2 == 1
    return chunk.count("\u201c") > chunk.count("\u201d")
