"""Titles stated in a description away from the name: "The Vermont senator said", "the Republican
nominee, Donald Trump", "the former secretary of state".

A description is "the" (or "The"), optional modifiers (place or party words, "former",
"presumptive"), then a title from ``data/description_heads.txt``. It is not a description
when a name follows at once ("the Texas senator Ted Cruz": the mentions component handles that) or
when "of <something>" follows ("the president of the AFL-CIO" is a position, not a reference).

The person it describes is
- the name right after a comma ("the Republican nominee, Donald Trump"), else
- the most recent prominent person (a full name with at least two mentions) within a few
  sentences before, skipping one joined to the description by "and"/"or" ("Clinton and the
  Vermont senator") and anyone whose party, as earlier descriptions or titles state it, differs.
"""

from __future__ import annotations

import bisect
import logging
import re

from spacy.tokens import Doc

from ..models import Facts, Person, Title
from .lexicon import mapping, word_set
from .titles import TitleMatch
from .extensions import text_of

LOGGER = logging.getLogger(__name__)

WINDOW = 700  # chars before a description searched for the person it describes
_LEFT = re.compile(r"(?P<det>[Tt]he)\s+(?P<mid>(?:[\w.\-\u2019']+\s+){0,4})$")
_DET = re.compile(r"(?<![\w])[Tt]he\s")
_JOINED = re.compile(r"^\s*(?:and|or|nor)\s*(?:the\s*)?$", re.IGNORECASE)
_NAME_AFTER = re.compile(r"^,\s+$")
# "is likely to be the GOP nominee", "pledged to support the Republican nominee": no one in particular
_PREDICATE = re.compile(r"\b(?:be|is|was|become|became|becomes|as|remains?|named|called|support|back|endorse|"
                        r"oppose)\s+$", re.IGNORECASE)
_PRONOUN_START = re.compile(r"^\s*(?:He|She|They)\b")


def _mods() -> frozenset[str]:
    return word_set("description_modifiers.txt")


def _party_of(words: list[str]) -> str | None:
    parties = mapping("parties.tsv")
    for w in words:
        p = parties.get(w.lower().strip(".,"))
        if p and len(w) > 1:
            return p
    return None


def _description(text: str, t: TitleMatch, described: frozenset[str]) -> tuple[int, list[str]] | None:
    """(start of "the", the modifier words) when ``t`` heads a description, else None."""
    low = " ".join(t.text.lower().split())
    if low not in described and low.split()[-1] not in described:
        return None
    after = text[t.end:t.end + 40]
    if re.match(r"\s+(?:of|for|from|to)\s", after) and not after.lstrip().startswith("of state"):
        return None  # "the president of the AFL-CIO": a position
    if re.match(r"(?:\u2019|')s\s+(?:race|seat|office|mansion|election|primary|post|job)\b", after):
        return None  # "the governor's race": an office, not a person
    if re.match(r"\s+[A-Z][a-z]", after) or re.match(r"[\w\-]", after[:1] or " "):
        return None  # a name follows ("the Texas senator Ted Cruz"), or a longer word
    left = text[max(0, t.start - 60):t.start]
    dets = list(_DET.finditer(left))
    m = _LEFT.match(left, dets[-1].start()) if dets else None  # the last "the" before the title
    if m is None:
        return None
    mid = m.group("mid").split()
    mods = _mods()
    for w in mid:
        if not (w[:1].isupper() or w.lower() in mods):
            return None  # "the union's senator", "the other candidate"
    start = max(0, t.start - 60) + m.start("det")
    return start, mid


def assign_descriptions(doc: Doc, facts: Facts, titles: list[TitleMatch]) -> int:
    """Give description titles to the people they describe; returns how many were given."""
    text = text_of(doc)
    sent_starts = [sent.start_char for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
    described = word_set("description_heads.txt")
    owners = sorted((s, e, p) for p in facts.people for s, e in p.mentions)
    if not owners:
        return 0
    starts = [o[0] for o in owners]
    prominent = {p.id for p in facts.people if len(p.name.split()) > 1}
    parties: dict[str, str] = {}
    quoted: list[bool] = []
    for p in facts.people:
        for tt in p.titles:
            party = _party_of(tt.title.split())
            if party:
                parties[p.id] = party
    given = 0
    for t in titles:
        d = _description(text, t, described)
        if d is None:
            continue
        start, mid = d
        party = t.party or _party_of(mid)
        who = _following(text, t, owners, starts)
        if who is None:
            if not quoted:
                quoted = _quoted(text)  # only for articles with a description
            if not (mid or t.party) or _PREDICATE.search(text[max(0, start - 40):start]):
                continue  # "the senator" alone is too loose; "is likely to be the GOP nominee" is no title
            skip = _own_subject(doc, facts, start) | _wrong_gender(t.text, facts)
            who = _preceding(text, start, owners, starts, sent_starts, quoted, prominent - skip, parties, party,
                             t.text)
        if who is None:
            continue
        k = bisect.bisect_left(starts, start)
        owners.insert(k, (start, t.end, who))  # later descriptions may refer back through this one
        starts.insert(k, start)
        place = " ".join(w for w in mid if w[:1].isupper() and _party_of([w]) is None) or None
        former = "former " if any(w.lower() == "former" for w in mid) and \
            not t.text.lower().startswith("former") else ""
        words = text[t.start:t.end] if t.party else t.text
        title = former + " ".join(words.split())
        if any(x.title.lower() == title.lower() for x in who.titles):
            continue
        who.titles.append(Title(title=title, org=None, place=place, span=(start, t.end)))
        if party:
            parties[who.id] = party
        given += 1
    LOGGER.debug("%d description titles", given)
    return given


def _following(text: str, t: TitleMatch, owners: list[tuple[int, int, Person]],
               starts: list[int]) -> Person | None:
    """"the Republican nominee, Donald Trump": the name right after the comma."""
    i = bisect.bisect_left(starts, t.end)
    if i < len(owners) and _NAME_AFTER.match(text[t.end:owners[i][0]]):
        s, e, p = owners[i]
        if len(p.name.split()) > 1 and len(text[s:e].split()) > 1:
            return p
    return None


def _own_subject(doc: Doc, facts: Facts, start: int) -> set[str]:
    """Ids of people named in the subject of the verb a description is the object of
    ("Trump dismissed a report that Bush will not endorse the billionaire businessman")."""
    span = doc.char_span(start, start + 3, alignment_mode="expand")
    if span is None or not len(span):
        return set()
    tok = span[0].head  # "the" -> its noun
    for _ in range(4):
        if tok.dep_ in ("nsubj", "nsubjpass") or tok.head.i == tok.i:
            return set()
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            break
    subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    for _ in range(3):  # "Bush ... announcing that he will not endorse ...": he is Bush
        if subj is None or subj.lower_ not in ("he", "she") or tok.head.i == tok.i:
            break
        tok = tok.head
        while tok.head.i != tok.i and tok.pos_ not in ("VERB", "AUX"):
            tok = tok.head
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), subj)
    if subj is None:
        return set()
    lo, hi = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge.text)
    return {p.id for p in facts.people if any(lo <= s < hi for s, _ in p.mentions)}


def _wrong_gender(title: str, facts: Facts) -> set[str]:
    """Ids of people whose first name's gender differs from the title's ("businessman")."""
    head = title.split()[-1].lower()
    gender = mapping("titles_gender.tsv").get(head) or (
        "m" if head.endswith("man") else "f" if head.endswith(("woman", "lady")) else None)
    if gender is None:
        return set()
    names = mapping("first_names.tsv")
    return {p.id for p in facts.people if names.get(p.name.split()[0].lower(), gender) != gender}


def _quoted(text: str) -> list[bool]:
    """Per character: inside a quotation (straight or curly marks; a paragraph break closes)."""
    out = [False] * len(text)
    inside = False
    for i, ch in enumerate(text):
        if ch == "\n":
            inside = False
        elif ch == "\u201c":
            inside = True
        elif ch == "\u201d":
            inside = False
        elif ch == '"':
            inside = not inside
        out[i] = inside
    return out


def _same_role(p: Person, role: str) -> bool:
    """Whether ``p`` holds a title with the head word of ``role`` (and "vice" in both or neither)."""
    head, vice = role.split()[-1].lower(), "vice" in role.lower()
    return any(t.title.split()[-1].lower() == head and ("vice" in t.title.lower()) == vice for t in p.titles)


def _preceding(text: str, start: int, owners: list[tuple[int, int, Person]], starts: list[int],
               sent_starts: list[int], quoted: list[bool], prominent: set[str], parties: dict[str, str],
               party: str | None, role: str = "") -> Person | None:
    """The person a description refers back to: the first prominent person named (outside quotes)
    in its own sentence before it, else in the previous sentences, nearest sentence first."""
    i = bisect.bisect_left(starts, start)
    before = [o for o in owners[max(0, i - 40):i] if o[1] <= start and start - o[0] <= WINDOW]
    if before and _JOINED.match(text[before[-1][1]:start]):
        return None  # "Clinton and the Vermont senator": someone else
    if before and re.match(r"^\s*,\s*$", text[before[-1][1]:start]):
        p = before[-1][2]  # "Hillary Clinton, the Democratic nominee": an appositive
        return p if p.id in prominent else None
    k0 = bisect.bisect_right(sent_starts, start) - 1
    if party:  # a person whose party is known and the same comes first ("the Republican nominee")
        lo = sent_starts[max(0, k0 - 2)] if sent_starts else 0
        same = [p for s, _e, p in before if s >= lo and not quoted[s] and p.id in prominent
                and parties.get(p.id) == party and _same_role(p, role)]
        if same:
            return same[-1]
    k = k0
    for n in range(3):
        lo = sent_starts[k] if k >= 0 else 0
        hi = sent_starts[k + 1] if k + 1 < len(sent_starts) else len(text)
        hi = min(hi, start)
        if n > 0 and _PRONOUN_START.match(text[lo:hi]):
            k -= 1
            continue  # "She says ...": that sentence is about someone named earlier
        fits = [p for s, _e, p in before if lo <= s < hi and not quoted[s] and p.id in prominent
                and not (party and parties.get(p.id) not in (None, party))]
        if fits:
            # in its own sentence the nearest name ("Bush called the businessman"), before it the first
            return fits[-1] if n == 0 else fits[0]
        if k < 0:
            break
        k -= 1
    return None


__all__ = ["assign_descriptions"]
