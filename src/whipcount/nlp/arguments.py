"""Find who a clause is about: entity mentions under a token, lists, pronouns, "the union".

Shared by the endorsement and stance components. Everything works on the people and
organisations the mentions component put in :class:`~whipcount.models.Facts`.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..models import Facts, Organization, Person
from .lexicon import table
from .titles import find_titles

LOGGER = logging.getLogger(__name__)

Entity = Person | Organization
_LIST_GAP = re.compile(r"^[\s,;&]*(?:(?:and|or|as well as|plus|along with|&)\s+)?(?:the\s+)?$", re.IGNORECASE)
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
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
               kind: str | None = None, exclude: Entity | None = None) -> Mention | None:
        """The nearest mention ending before ``pos`` (of a person / organisation / kind)."""
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            m = self.items[i]
            if pos - m.end > window:
                return None
            ok = (want_person is None or m.is_person == want_person) and m.end <= pos
            if ok and kind is not None:
                ok = isinstance(m.entity, Organization) and m.entity.kind == kind
            if ok and exclude is not None and m.entity is exclude:
                ok = False
            if ok:
                return m
            i -= 1
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
        gap = doc.text[out[-1].end:m.start]
        if not list_gap(gap):
            break
        out.append(m)
    return out


def phrase_entities(index: MentionIndex, doc: Doc, head: Token) -> list[Mention]:
    """Entities a noun phrase headed by ``head`` names: the mention at its head and its list."""
    start, end = subtree_chars(head)
    m = index.covering(head)
    if m is None:
        if head.pos_ != "PROPN":
            return []  # "an RNC committeewoman": a person described, not the organisation
        # a name the NER cut short, or a head the parser put on a list's last item
        inside = [x for x in index.within(start, end)
                  if x.start <= head.idx + len(head.text) and _only_list_gap(doc.text[x.end:head.idx])]
        if not inside:
            return []
        m = inside[0]
    # Extend back to earlier list items ("A, B and C" with the head on C).
    earlier = [x for x in index.within(start, m.start)]
    first = m
    for x in reversed(earlier):
        if list_gap(doc.text[x.end:first.start]):
            first = x
        else:
            break
    return list_from(index, doc, first, end)


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
    return bool(re.match(r"^\s*(?:,\s*(?:and\s+|or\s+)?|(?:and|or|as well as|plus|along with)\s+)"
                         r"(?:[A-Za-z.]+\s+){0,2}$", rest))


def resolve_pronoun(index: MentionIndex, facts: Facts, tok: Token,
                    exclude: Entity | None = None) -> Mention | None:
    """Antecedent of a pronoun or of "the union"-style phrase; ``I`` inside a quote is its speaker."""
    low = tok.lower_
    if low in PERSON_PRONOUNS:
        return index.before(tok.idx, True, exclude=exclude, window=300)
    if low in ("it", "its"):
        return index.before(tok.idx, False, exclude=exclude)
    if low in ("i", "me", "my"):
        return speaker_at(index, facts, tok.idx)
    if tok.pos_ == "NOUN" and low in index.group_kinds or tok.lemma_.lower() in index.group_kinds:
        det = [c for c in tok.children if c.dep_ in ("det", "poss")]
        if det and det[0].lower_ in ("the", "this", "that", "its", "their"):
            kind = index.group_kinds.get(tok.lemma_.lower()) or index.group_kinds.get(low)
            return index.before(tok.idx, False, kind=kind or None, window=1500, exclude=exclude)
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
