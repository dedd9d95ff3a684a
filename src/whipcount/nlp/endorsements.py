"""whipcount_endorsements: who endorses (or withdraws from, declines, supports, opposes) whom.

Reads the people and organisations of ``facts`` (the mentions component) and the quotes (for
"I"/"we" inside a quote), and adds :class:`~whipcount.models.Endorsement` records whose
evidence is the sentence. Cues are data files:

- ``endorse_verbs.tsv`` ("endorse", "back", "support", "campaign for"),
  ``endorse_nouns.tsv`` ("endorsement", "backing", "nod"),
  ``endorse_phrases.tsv`` ("threw its support behind"),
  ``endorse_receive_verbs.txt`` ("won the endorsement of");
- ``endorse_status_cues.tsv``: governing words that change the status ("withdrew its
  endorsement", "declined to endorse", "is considering endorsing") or make it hypothetical
  ("could revoke", "urged ... to endorse"), which gives no record;
- ``undecided_phrases.txt``: "has not yet endorsed", "hasn't started its deliberations";
- ``offices.tsv`` / ``title_offices.tsv``: the race ("for governor"; "U.S. Senator" -> U.S. Senate).

Arguments come from the dependency parse (subject, object, "of"/"from"/"behind"), then the
entity mentions in those phrases, lists ("A, B and Carpenters Local 43 and 24") expanded;
pronouns and "the union" resolve to the nearest fitting mention; a subject with no name but a
possessive ("two of its largest locals") gives the owner as endorser with ``endorser_detail``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Endorsement, Facts, Person
from .arguments import Mention, MentionIndex, in_quotes, list_from, list_gap, phrase_entities, resolve_pronoun, subtree_chars
from .extensions import get_facts
from .lexicon import mapping, table, word_list, word_set
from .mentions import add_title_hint
from .titles import find_titles

LOGGER = logging.getLogger(__name__)

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_DATE = re.compile(r"\b(?P<m>[A-Z][a-z]{2,8})\.?\s+(?P<d>\d{1,2}),\s+(?P<y>\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SUBJ = ("nsubj", "nsubjpass", "csubj")
_ADJ_LEFT = re.compile(r"^[\s,]*(?:(?:has|have|had|also|already|formally|officially|quickly|finally|now|just|"
                       r"on\s+\w+day),?\s+)*$", re.IGNORECASE)


@Language.factory("whipcount_endorsements", assigns=["doc._.whipcount", "doc.spans"])
def make_endorsements(nlp: Language, name: str) -> EndorsementFinder:
    """The endorsement component."""
    return EndorsementFinder()


@dataclass
class _Found:
    endorser: Mention | None
    endorsee: Mention
    status: str
    sent: Span
    confidence: float
    detail: str | None = None
    office_hint: str | None = None


class EndorsementFinder:
    """Rule-based endorsement extraction over dependency parses and entity mentions."""

    def __init__(self) -> None:
        self.verbs = {r[0]: (r[1], r[2] if len(r) > 2 else "") for r in table("endorse_verbs.tsv")}
        self.nouns = mapping("endorse_nouns.tsv")
        self.phrases = {(r[1], r[2]): (r[0], r[3] if len(r) > 3 else "") for r in table("endorse_phrases.tsv")}
        self.receive = word_set("endorse_receive_verbs.txt")
        self.status_cues = {r[1].lower(): r[0] for r in table("endorse_status_cues.tsv") if len(r) > 1}
        self.undecided = tuple(p.lower() for p in word_list("undecided_phrases.txt"))
        offices = mapping("offices.tsv")
        self.offices = offices
        alt = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(offices, key=len, reverse=True))
        self.office_for = re.compile(rf"\bfor\s+(?:the\s+)?(?P<o>{alt})\b(?!\s+(?:of|to)\b)", re.IGNORECASE)
        self.office_race = re.compile(
            rf"\b(?P<o>{alt})\s+(?:race|primary|nomination|bid|campaign|contest|seat|run)\b", re.IGNORECASE)
        self.title_offices = mapping("title_offices.tsv")
        self.candidacy = word_set("candidacy_nouns.txt")
        self.member_plurals = word_set("member_plurals.txt")

    def __call__(self, doc: Doc) -> Doc:
        facts = get_facts(doc)
        index = MentionIndex(facts)
        found: list[_Found] = []
        if index.items:
            for sent in doc.sents:
                if not self._has_cue(sent):
                    continue
                if sent.text.rstrip().rstrip("\u201d\"'").endswith("?"):
                    continue
                for tok in sent:
                    found.extend(self._from_token(doc, facts, index, sent, tok))
        self._emit(doc, facts, found)
        return doc

    def _has_cue(self, sent: Span) -> bool:
        return any(t.lemma_.lower() in self.verbs or t.lemma_.lower() in self.nouns for t in sent)

    # -- cues ---------------------------------------------------------------------------
    def _from_token(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> list[_Found]:
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and lemma in self.verbs:
            return self._from_verb(doc, facts, index, sent, tok)
        if tok.pos_ in ("NOUN", "PROPN") and lemma in self.nouns:
            return self._from_noun(doc, facts, index, sent, tok)
        return []

    def _chain(self, tok: Token) -> tuple[Token, list[Token]]:
        """Climb from the cue through "declined to", "is considering", "plans to" heads."""
        chain = [tok]
        anchor = tok
        while anchor.dep_ in ("xcomp", "pcomp") or (
                anchor.dep_ == "acl" and anchor.head.lemma_.lower() in self.status_cues) or (
                anchor.dep_ in ("pobj", "dobj") and anchor.head.lemma_.lower() in self.status_cues):
            anchor = anchor.head
            chain.append(anchor)
            if anchor.dep_ == "prep":  # "held off on endorsing"
                anchor = anchor.head
                chain.append(anchor)
            if len(chain) > 6:
                break
        return anchor, chain

    def _status(self, base: str, chain: list[Token], sent: Span) -> str | None:
        """The status after governing cues and negation; None for hypotheticals."""
        status = base
        for t in chain:
            kids = list(t.children)
            for c in [t, *kids]:
                cue = self.status_cues.get(c.lemma_.lower())
                if cue == "hypothetical" and (c is t and t is not chain[0] or c.dep_ in ("aux", "mark", "advmod")):
                    return None
                if cue and cue != "hypothetical" and c is t and t is not chain[0]:
                    status = cue
            if any(c.dep_ == "mark" and self.status_cues.get(c.lower_) == "hypothetical" for c in kids):
                return None  # "if their candidate announced he would not back Trump"
            if t is not chain[0] and any(c.dep_ == "neg" for c in kids) and \
                    self.status_cues.get(t.lemma_.lower()) in ("undecided", "hypothetical"):
                return None  # "most don't expect him to back Clinton"
            if any(c.dep_ == "neg" for c in kids):
                if status in ("endorsed", "supports"):
                    perfect = any(c.lemma_ == "have" and c.dep_ == "aux" for c in kids) or \
                        any(c.lower_ == "yet" for c in kids)
                    status = "undecided" if perfect else "declined"
                elif status == "withdrawn":
                    return None
        for anc in list(chain[-1].ancestors)[:4]:
            if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless") for c in anc.children):
                return None  # a condition further up: "if their candidate announced he would not back X"
        low = sent.text.lower()
        if status in ("endorsed", "supports") and any(p in low for p in self.undecided):
            head = chain[0]
            window = doc_text_window(head, 60).lower()
            if any(p in window for p in self.undecided):
                status = "undecided"
        return status

    def _from_verb(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> list[_Found]:
        base, prep = self.verbs[tok.lemma_.lower()]
        if tok.lemma_.lower() == "back" and any(c.dep_ == "prt" or c.lower_ in ("off", "away", "down") for c in tok.children):
            return []
        anchor, chain = self._chain(tok)
        status = self._status(base, chain, sent)
        if status is None:
            return []
        if tok.dep_ in ("amod", "compound", "nmod") or (tok.dep_ == "ROOT" and _child(tok, _SUBJ) is None
                                                       and _object(tok, prep) is None):
            return self._adjacent(doc, index, sent, tok, status)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        if passive:
            subj = _child(tok, ("nsubjpass",))
            agent = _child(tok, ("agent",))
            endorsees = self._args(doc, facts, index, subj, person=True) if subj is not None else []
            by = _child(agent, ("pobj",)) if agent is not None else None
            endorsers, detail = self._endorser(doc, facts, index, by) if by is not None else ([], None)
            conf = 0.85
        else:
            obj = _object(tok, prep)
            if obj is None:
                return []
            endorsees = self._args(doc, facts, index, obj, person=True)
            subj = self._subject(anchor)
            endorsers, detail = self._endorser(doc, facts, index, subj)
            conf = 0.9
        return self._pair(endorsers, endorsees, status, sent, conf, detail, tok)

    def _from_noun(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> list[_Found]:
        base = self.nouns[tok.lemma_.lower()]
        if _negated_copula(tok):
            return []
        head = tok.head
        gov = head.lemma_.lower() if tok.dep_ in ("dobj", "nsubjpass", "pobj", "attr") else ""
        chain = [tok] + ([head] if gov else [])
        anchor = head
        if gov:
            anchor, more = self._chain(head)
            chain += more[1:]
        status = self._status(base, chain, sent)
        if status is None:
            return []
        poss = _child(tok, ("poss",))
        of = _prep_obj(tok, ("of", "from", "by"))
        target = _prep_obj(tok, ("for", "to", "behind", "of"))
        endorsers: list[Mention] = []
        endorsees: list[Mention] = []
        detail = None
        conf = 0.8
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and nxt.text == ":" and poss is not None:
            # "Lieberman's union endorsements: UNITE-HERE, ..."
            endorsees = self._args(doc, facts, index, poss, person=True)
            after = index.within(nxt.idx + 1, sent.end_char)
            if after:
                endorsers = list_from(index, doc, after[0], sent.end_char)
            conf = 0.85
        elif gov in self.receive:
            if gov in ("seek", "court"):
                return []
            endorsees = self._args(doc, facts, index, self._subject(anchor), person=True)
            giver = of or _prep_obj(head, ("from",))
            endorsers, detail = self._endorser(doc, facts, index, giver)
        elif gov and (gov, tok.lemma_.lower()) in self.phrases:
            status_p, prep = self.phrases[(gov, tok.lemma_.lower())]
            status = status if status not in ("endorsed", "supports") else status_p
            endorsers, detail = self._endorser(doc, facts, index, self._subject(anchor))
            obj = _prep_obj(head, (prep,)) if prep else None
            obj = obj or _prep_obj(tok, (prep,)) if prep else obj
            endorsees = self._args(doc, facts, index, obj, person=True)
        else:
            if tok.lemma_.lower() == "support" and target is None:
                return []
            who = _prep_obj(tok, ("from", "by"))
            if poss is not None and target is not None and target is not poss:
                owner = poss
                if poss.lower_ in ("their", "its", "his", "her", "our") and gov:
                    owner = self._subject(anchor) or poss  # "The Teamsters withdrew their endorsement"
                endorsers, detail = self._endorser(doc, facts, index, owner)
                endorsees = self._args(doc, facts, index, target, person=True)
            elif who is not None:
                endorsers, detail = self._endorser(doc, facts, index, who)
                endorsees = self._args(doc, facts, index, poss or target, person=True)
            elif gov and status != base and target is not None:
                # "withdrew its endorsement of X"
                endorsers, detail = self._endorser(doc, facts, index, self._subject(anchor))
                endorsees = self._args(doc, facts, index, target, person=True)
            conf = 0.75
        return self._pair(endorsers, endorsees, status, sent, conf, detail, tok)

    def _adjacent(self, doc: Doc, index: MentionIndex, sent: Span, tok: Token, status: str) -> list[_Found]:
        """When the parse has no clause: "<names> endorsed <names>" side by side."""
        left = [m for m in index.within(sent.start_char, tok.idx) if _ADJ_LEFT.match(doc.text[m.end:tok.idx])]
        end = tok.idx + len(tok.text)
        right = [m for m in index.within(end, sent.end_char) if m.is_person]
        if not left or not right or not _title_gap(doc.text[end:right[0].start]):
            return []
        endorsers = [left[-1]]
        for m in reversed(index.within(sent.start_char, left[-1].start)):
            if not list_gap(doc.text[m.end:endorsers[0].start]):
                break
            endorsers.insert(0, m)
        endorsees = list_from(index, doc, right[0], sent.end_char)
        return self._pair(endorsers, endorsees, status, sent, 0.6, None, tok)

    # -- arguments ------------------------------------------------------------------------
    def _subject(self, verb: Token | None) -> Token | None:
        seen = 0
        while verb is not None and seen < 5:
            seen += 1
            s = _child(verb, _SUBJ)
            if s is None and verb.pos_ == "NOUN":
                s = _child(verb, ("poss",))  # "Sanders's refusal to endorse her"
            if s is not None:
                if s.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return verb.head
                return s
            if verb.dep_ in ("acl", "relcl"):
                noun = verb.head
                if noun.dep_ == "pobj" and noun.head.lower_ in ("among", "of", "like") and noun.head.head is not noun:
                    # "A, B and C were among the unions endorsing X"
                    outer = _child(noun.head.head, _SUBJ)
                    if outer is not None:
                        return outer
                return noun
            if verb.dep_ in ("conj", "advcl", "xcomp", "ccomp") and verb.head is not verb:
                verb = verb.head
                continue
            return None
        return None

    def _args(self, doc: Doc, facts: Facts, index: MentionIndex, tok: Token | None,
              person: bool, exclude: object = None) -> list[Mention]:
        if tok is None:
            return []
        if tok.lemma_.lower() in self.candidacy:
            poss = _child(tok, ("poss",))
            tok = poss if poss is not None else tok
        ms = phrase_entities(index, doc, tok)
        if not ms:
            m = resolve_pronoun(index, facts, tok)
            ms = [m] if m is not None else []
        if person:
            ms = [m for m in ms if m.is_person]
        return ms

    def _endorser(self, doc: Doc, facts: Facts, index: MentionIndex,
                  tok: Token | None) -> tuple[list[Mention], str | None]:
        if tok is None:
            return [], None
        if tok.dep_ == "appos" and tok.pos_ == "NOUN":
            tok = tok.head  # "Diana Orrock, an RNC committeewoman who supports Trump"
        ms = phrase_entities(index, doc, tok)
        ms = [m for m in ms if doc.text[m.start:m.end].lower() not in self.member_plurals]
        if ms:
            return ms, None
        m = resolve_pronoun(index, facts, tok)
        if m is not None:
            return [m], None
        if tok.lower_ == "we" and not in_quotes(doc.text, tok.idx, tok.sent.start_char):
            # an editorial's "we": the newspaper the article names
            paper = index.before(tok.idx, False, kind="newspaper", window=len(doc.text))
            if paper is not None:
                return [paper], None
        # "two of its largest locals" / "the union's Connecticut locals": an unnamed part.
        s, e = subtree_chars(tok)
        for t in tok.subtree:
            if t.dep_ == "poss":
                owner = phrase_entities(index, doc, t) or [x for x in [resolve_pronoun(index, facts, t)] if x]
                if owner and not owner[0].is_person:
                    return [owner[0]], " ".join(doc.text[s:e].split())
        return [], None

    def _pair(self, endorsers: list[Mention], endorsees: list[Mention], status: str, sent: Span,
              conf: float, detail: str | None, cue: Token) -> list[_Found]:
        out = []
        for ee in endorsees:
            if not ee.is_person:
                continue
            for er in endorsers:
                if er.entity is ee.entity:
                    continue
                out.append(_Found(er, ee, status, sent, conf, detail))
        return out

    # -- records --------------------------------------------------------------------------
    def _emit(self, doc: Doc, facts: Facts, found: list[_Found]) -> None:
        seen: set[tuple[str, str, str]] = set()
        spans: list[Span] = []
        start_n = len(facts.endorsements)
        for f in found:
            assert f.endorser is not None
            er, ee = f.endorser.entity, f.endorsee.entity
            key = (er.id, ee.id, f.status)
            if key in seen:
                continue
            seen.add(key)
            s, e = _trimmed(f.sent)
            office, explicit = self._office(f.sent, f.endorsee, ee)
            if explicit and isinstance(ee, Person) and f.status in ("endorsed", "supports") and \
                    not any("candidate" in t.title.lower() for t in ee.titles):
                add_title_hint(ee, f"candidate for {explicit}")
            facts.endorsements.append(Endorsement(
                id=f"e{start_n + len(seen)}", endorser=er.name, endorsee=ee.name, status=f.status,
                evidence=doc.text[s:e], evidence_span=(s, e), endorser_id=er.id, endorsee_id=ee.id,
                endorser_detail=f.detail, office=office, when=_when(f.sent.text),
                confidence=round(f.confidence - (0.1 if f.detail else 0.0), 2)))
            span = doc.char_span(s, e, label=f.status, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        if spans or "endorsements" not in doc.spans:
            doc.spans["endorsements"] = list(doc.spans.get("endorsements", [])) + spans

    def _office(self, sent: Span, endorsee: Mention, person: object) -> tuple[str | None, str | None]:
        """(office, the words used when the sentence names it) for an endorsement."""
        text = sent.doc.text[endorsee.start:sent.end_char]
        for rx in (self.office_for, self.office_race):
            m = rx.search(text) or rx.search(sent.text)
            if m:
                words = " ".join(m.group("o").split())
                return self.offices.get(words.lower(), words), (words if rx is self.office_for else None)
        if isinstance(person, Person):
            for t in person.titles:
                office = self.title_offices.get(" ".join(t.title.lower().split()))
                if office:
                    return office, None
        return None, None


def doc_text_window(tok: Token, width: int) -> str:
    """Text around a token (for phrase cues)."""
    text = tok.doc.text
    return text[max(0, tok.idx - width):tok.idx + width]


def _child(tok: Token | None, deps: tuple[str, ...]) -> Token | None:
    if tok is None:
        return None
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _prep_obj(tok: Token | None, preps: tuple[str, ...]) -> Token | None:
    if tok is None:
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = _child(c, ("pobj",))
            if obj is not None:
                return obj
    return None


def _object(verb: Token, prep: str) -> Token | None:
    if prep:
        return _prep_obj(verb, (prep,))
    obj = _child(verb, ("dobj", "obj"))
    if obj is None:
        # "endorsed yesterday Hillary Clinton" parsed as npadvmod / attr / oprd
        obj = _child(verb, ("attr", "oprd", "npadvmod", "dative"))
    return obj


def _title_gap(gap: str) -> bool:
    """Only a title (or nothing) between a cue and a name: "endorsed State Sen. Dana Whitcombe"."""
    if not gap.strip():
        return True
    found = find_titles(gap)
    return len(gap) < 50 and bool(found) and not gap[:found[0].start].strip() and not gap[found[-1].end:].strip()


def _negated_copula(tok: Token) -> bool:
    """"This is not an endorsement"."""
    head = tok.head
    return tok.dep_ in ("attr", "acomp") and any(c.dep_ == "neg" for c in head.children)


def _trimmed(sent: Span) -> tuple[int, int]:
    text = sent.text
    s = sent.start_char + (len(text) - len(text.lstrip()))
    e = sent.end_char - (len(text) - len(text.rstrip()))
    return s, max(s, e)


def _when(text: str) -> str | None:
    m = _ISO.search(text)
    if m:
        return m.group(0)
    m = _DATE.search(text)
    if m:
        month = next((n for name, n in _MONTHS.items() if name.startswith(m.group("m").lower())), None)
        if month is not None and 1 <= int(m.group("d")) <= 31:
            return f"{int(m.group('y')):04d}-{month:02d}-{int(m.group('d')):02d}"
    return None
