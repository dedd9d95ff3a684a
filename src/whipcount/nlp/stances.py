"""whipcount_stances: simple stances on issues ("Lieberman's support for the war").

Cue words are ``data/stance_cues.tsv`` (lemma, polarity, preposition of the topic):

- a possessive noun: "Lieberman's support for the war" -> Lieberman, "war" (for);
  "the union's opposition to the trade deal" -> the union, "trade deal" (against);
- a verb: "Smith opposes the pipeline" -> Smith, "pipeline" (against);
- a contrast: "I have a different stance than Joe on the war" -> the quote's speaker holds the
  opposite of Joe's stance on the war (``mixed`` when Joe's is unknown).

The topic is a noun phrase that is not a person or organisation (those are endorsements), its
determiners dropped; a bare "war" becomes "<Place> war" when the article says "war in Iraq" or
"Iraq war". "I"/"my" inside a quote is the quote's speaker (``facts.quotes``), or else the
person the sentence names outside the quote marks.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Facts, Stance
from .arguments import Mention, MentionIndex, in_quotes, phrase_entities, resolve_pronoun, speaker_at
from .extensions import cues_by_sentence, get_facts, text_of
from .lexicon import table

LOGGER = logging.getLogger(__name__)

_FIRST_PERSON = frozenset({"i", "my", "me", "we", "our", "us"})
_DROP = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their",
                   "our", "my", "your", "any", "some"})


@Language.factory("whipcount_stances", assigns=["doc._.whipcount"])
def make_stances(nlp: Language, name: str) -> StanceFinder:
    """The stance component."""
    return StanceFinder()


@dataclass
class _Pending:
    holder: Mention
    topic: str
    polarity: str
    span: tuple[int, int]
    versus: Mention | None = None


class StanceFinder:
    """Find stances by cue words over the dependency parse."""

    def __init__(self) -> None:
        self.cues: dict[str, list[tuple[str, str]]] = {}
        for row in table("stance_cues.tsv"):
            self.cues.setdefault(row[0].lower(), []).append((row[1], row[2] if len(row) > 2 else ""))

    def __call__(self, doc: Doc) -> Doc:
        facts = get_facts(doc)
        index = MentionIndex(facts)
        if not index.items:
            return doc
        pending: list[_Pending] = []
        for sent, cues in cues_by_sentence(doc, self.cues):
            if sent.text.rstrip().rstrip("\u201d\"'").endswith("?"):
                continue
            for tok in cues:
                if tok.pos_ in ("NOUN", "VERB"):
                    found = self._from_cue(doc, facts, index, sent, tok)
                    if found is not None:
                        pending.append(found)
        self._emit(facts, pending)
        return doc

    def _from_cue(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> _Pending | None:
        for polarity, prep in self.cues[tok.lemma_.lower()]:
            if any(c.dep_ == "neg" for c in tok.children) or any(c.dep_ == "neg" for c in tok.head.children):
                return None
            if polarity == "contrast":
                if not any(c.lower_ in ("different", "opposite") for c in tok.children):
                    continue
                holder_tok = _child(tok.head, ("nsubj",)) if tok.dep_ in ("dobj", "attr") else None
                versus_tok = _prep_obj(tok, ("than", "from")) or _prep_obj(tok.head, ("than", "from"))
                topic_tok = _prep_obj(tok, (prep,)) or _prep_obj(tok.head, (prep,))
            elif tok.pos_ == "NOUN":
                holder_tok = _child(tok, ("poss",))
                topic_tok = _prep_obj(tok, (prep,)) if prep else None
                versus_tok = None
            else:
                if prep:
                    topic_tok = _prep_obj(tok, (prep,))
                else:
                    topic_tok = _child(tok, ("dobj",))
                holder_tok = _child(tok, ("nsubj",))
                versus_tok = None
            if holder_tok is None or topic_tok is None:
                continue
            topic = self._topic(doc, index, topic_tok)
            holder = self._holder(doc, facts, index, sent, holder_tok)
            if topic is None or holder is None:
                continue
            versus = None
            if versus_tok is not None:
                vs = phrase_entities(index, doc, versus_tok)
                versus = vs[0] if vs else None
            start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
            return _Pending(holder, topic, polarity, (start, sent.end_char - (len(sent.text) - len(sent.text.rstrip()))),
                            versus)
        return None

    def _holder(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> Mention | None:
        ms = phrase_entities(index, doc, tok)
        if ms:
            return ms[0]
        if tok.lower_ in _FIRST_PERSON:
            m = speaker_at(index, facts, tok.idx)
            if m is not None:
                return m
            if in_quotes(text_of(doc), tok.idx, sent.start_char):
                outside = [x for x in index.within(sent.start_char, sent.end_char)
                           if x.is_person and not in_quotes(text_of(doc), x.start, sent.start_char)]
                return outside[0] if outside else None
            return None
        return resolve_pronoun(index, facts, tok)

    def _topic(self, doc: Doc, index: MentionIndex, tok: Token) -> str | None:
        if tok.pos_ not in ("NOUN", "PROPN") or index.covering(tok) is not None:
            return None
        words = [t for t in tok.subtree if t.i <= tok.i]
        words = [t for t in words if t.lower_ not in _DROP and not t.is_punct]
        if not words or len(words) > 6:
            return None
        topic = " ".join(t.text for t in words)
        if len(words) == 1:
            topic = _place_topic(text_of(doc), tok.lower_) or topic
        return topic

    def _emit(self, facts: Facts, pending: list[_Pending]) -> None:
        known: dict[tuple[str, str], str] = {}
        for p in pending:
            if p.polarity != "contrast":
                known.setdefault((p.holder.entity.id, p.topic.lower()), p.polarity)
        seen: set[tuple[str, str, str]] = set()
        for p in pending:
            polarity = p.polarity
            if polarity == "contrast":
                other = known.get((p.versus.entity.id, p.topic.lower())) if p.versus else None
                polarity = {"for": "against", "against": "for"}.get(other or "", "mixed")
            key = (p.holder.entity.id, p.topic.lower(), polarity)
            if key in seen:
                continue
            seen.add(key)
            facts.stances.append(Stance(holder=p.holder.entity.name, topic=p.topic, polarity=polarity,
                                        evidence_span=p.span, holder_id=p.holder.entity.id))


def _place_topic(text: str, word: str) -> str | None:
    """"war" -> "Iraq war" when the article says "war in Iraq" or "Iraq war"."""
    m = re.search(rf"\b{re.escape(word)}\s+in\s+(?:the\s+)?([A-Z][a-z]+)\b", text) or \
        re.search(rf"\b([A-Z][a-z]+)\s+{re.escape(word)}\b", text)
    if m and m.group(1).lower() not in ("the", "a", "this", "that"):
        return f"{m.group(1)} {word}"
    return None


def _child(tok: Token, deps: tuple[str, ...]) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _prep_obj(tok: Token, preps: tuple[str, ...]) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = _child(c, ("pobj",))
            if obj is not None:
                return obj
    return None
