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
from .arguments import (Mention, MentionIndex, in_quotes, list_from, list_gap, listed_after, named_examples,
                        phrase_entities, resolve_pronoun, speaker_at, subtree_chars)
from .clauses import (child, doc_text_window, negated_copula, prep_obj, quoted_not, title_gap, trimmed,
                      verb_object, when)
from .extensions import cues_by_sentence, get_facts, text_of
from .lexicon import alternation, mapping, table, word_list, word_set
from .mentions import add_title_hint

LOGGER = logging.getLogger(__name__)

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_MAY = frozenset({"may", "might", "could"})
_PLEDGE = frozenset({"pledge", "promise", "vow"})
_NOT_YET = re.compile(r"\b(?:yet|so far|still|remains?|remained|last)\b", re.IGNORECASE)
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
        self.positive_only = {r[0] for r in table("endorse_verbs.tsv") if len(r) > 3 and r[3] == "positive-only"}
        self.nouns = mapping("endorse_nouns.tsv")
        self.phrases = {(r[1], r[2]): (r[0], r[3] if len(r) > 3 else "") for r in table("endorse_phrases.tsv")}
        self.receive = word_set("endorse_receive_verbs.txt")
        self.status_cues = {r[1].lower(): r[0] for r in table("endorse_status_cues.tsv") if len(r) > 1}
        self.undecided = tuple(p.lower() for p in word_list("undecided_phrases.txt"))
        offices = mapping("offices.tsv")
        self.offices = offices
        alt = alternation(offices)
        self.office_for = re.compile(rf"\bfor\s+(?:the\s+)?(?P<o>{alt})\b(?!\s+(?:of|to)\b)", re.IGNORECASE)
        self.office_race = re.compile(
            rf"\b(?P<o>{alt})\s+(?:race|primary|nomination|bid|campaign|contest|seat|run)\b", re.IGNORECASE)
        self.title_offices = mapping("title_offices.tsv")
        self.candidacy = word_set("candidacy_nouns.txt")
        self.member_plurals = word_set("member_plurals.txt")
        self.agents = mapping("endorse_agent_nouns.tsv")
        self.object_verbs = word_set("endorse_object_verbs.txt")
        self.title_abbrevs = mapping("title_abbrevs.tsv")
        self.cue_words = frozenset(self.verbs) | frozenset(self.nouns) | frozenset(self.agents)
        self.described = word_set("described_titles.txt")
        self.say_verbs = frozenset(r[0].lower() for r in table("quote_verbs.txt"))
        self.party_words = {k for k in mapping("parties.tsv")}
        self.group_nouns = word_set("endorse_group_nouns.txt")
        self.group_heads = frozenset({"handful", "number", "slate", "group", "list", "dozen", "couple", "series"})

    def __call__(self, doc: Doc) -> Doc:
        facts = get_facts(doc)
        index = MentionIndex(facts)
        found: list[_Found] = []
        if index.items:
            for sent, cues in cues_by_sentence(doc, self.cue_words):
                if sent.text.rstrip().rstrip("\u201d\"'").endswith("?"):
                    continue
                for tok in cues:  # only cue words yield anything in _from_token
                    found.extend(self._from_token(doc, facts, index, sent, tok))
        self._emit(doc, facts, found)
        return doc

    # -- cues ---------------------------------------------------------------------------
    def _from_token(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> list[_Found]:
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and lemma in self.verbs:
            return self._from_verb(doc, facts, index, sent, tok)
        if tok.pos_ in ("NOUN", "PROPN") and lemma in self.nouns:
            return self._from_noun(doc, facts, index, sent, tok)
        if tok.pos_ == "NOUN" and lemma in self.agents:
            return self._from_agent(doc, facts, index, sent, tok)
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
                if cue == "maybe" and c.dep_ == "advmod" and status in ("endorsed", "supports"):
                    status = "undecided"  # "is probably inclined to endorse her"
                    continue
                if cue == "hypothetical" and c.dep_ == "aux" and c.lower_ in _MAY and \
                        status in ("endorsed", "supports") and t is chain[0]:
                    status = "undecided"  # "they may well endorse Clinton": not decided yet
                    continue
                if cue == "hypothetical" and (c is t and t is not chain[0] or c.dep_ in ("aux", "mark", "advmod")):
                    return None
                if cue == "notready" and c is t and t is not chain[0]:
                    negated = any(k.dep_ == "neg" for k in kids) or quoted_not(t)
                    status = "declined" if negated else "undecided"
                    continue
                if cue and cue != "hypothetical" and c is t and t is not chain[0]:
                    status = cue
            if any(c.dep_ == "mark" and self.status_cues.get(c.lower_) == "hypothetical" for c in kids):
                return None  # "if their candidate announced he would not back Trump"
            if t is not chain[0] and any(c.dep_ == "neg" for c in kids) and \
                    self.status_cues.get(t.lemma_.lower()) in ("undecided", "hypothetical"):
                return None  # "most don't expect him to back Clinton"
            if any(c.dep_ == "neg" for c in kids) and self.status_cues.get(t.lemma_.lower()) != "notready":
                if status in ("endorsed", "supports"):
                    perfect = any(c.lemma_ == "have" and c.dep_ == "aux" for c in kids) or \
                        any(c.lower_ in ("yet", "still") for c in kids) or \
                        _NOT_YET.search(doc_text_window(t, 80))
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
        if tok.i > 1 and tok.doc[tok.i - 1].text == "-" and tok.doc[tok.i - 2].lower_ == "un":
            base = "withdrawn"  # "un-endorsed him"
        if tok.lemma_.lower() == "back" and any(c.dep_ == "prt" or c.lower_ in ("off", "away", "down") for c in tok.children):
            return []
        anchor, chain = self._chain(tok)
        status = self._status(base, chain, sent)
        if status is None or status != base and tok.lemma_.lower() in self.positive_only:
            return []  # "would never vote for Clinton" is no refusal to endorse
        if tok.dep_ in ("amod", "compound", "nmod") or (tok.dep_ == "ROOT" and child(tok, _SUBJ) is None
                                                       and verb_object(tok, prep) is None):
            return self._adjacent(doc, index, sent, tok, status)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        if passive:
            subj = child(tok, ("nsubjpass",))
            agent = child(tok, ("agent",))
            endorsees = self._args(doc, facts, index, subj, person=True) if subj is not None else []
            by = child(agent, ("pobj",)) if agent is not None else None
            endorsers, detail = self._endorser(doc, facts, index, by) if by is not None else ([], None)
            conf = 0.85
        else:
            obj = verb_object(tok, prep)
            if obj is None:
                return []
            subj = self._subject(anchor)
            endorsers, detail = self._endorser(doc, facts, index, subj)
            # "A and B endorsed him": him is someone other than A and B
            endorsees = self._args(doc, facts, index, obj, person=True,
                                   exclude=tuple(m.entity for m in endorsers) or None)
            conf = 0.9
            if not endorsees and endorsers:
                endorsees = listed_after(index, sent, obj, endorsers, self.group_nouns, self.group_heads)
                conf = 0.6
        return self._pair(endorsers, endorsees, status, sent, conf, detail, tok)

    def _from_noun(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> list[_Found]:
        base = self.nouns[tok.lemma_.lower()]
        if negated_copula(tok):
            return []
        head = tok.head
        if tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB" and \
                self.status_cues.get(head.head.lemma_.lower()) in ("undecided", "declined", "withdrawn"):
            head = head.head  # "is holding off on an endorsement of X"
        gov = head.lemma_.lower() if tok.dep_ in ("dobj", "nsubjpass", "pobj", "attr") else ""
        if tok.dep_ == "appos" and tok.head.dep_ in ("dative", "iobj", "dobj") and \
                (tok.head.head.lemma_.lower(), tok.lemma_.lower()) in self.phrases:
            head = tok.head.head  # "gave Clinton the nod" parsed with "nod" beside "Clinton"
            gov = head.lemma_.lower()
        chain = [tok] + ([head] if gov else [])
        anchor = head
        if gov:
            anchor, more = self._chain(head)
            chain += more[1:]
        status = self._status(base, chain, sent)
        if status is None:
            return []
        poss = child(tok, ("poss",))
        of = prep_obj(tok, ("of", "from", "by"))
        target = prep_obj(tok, ("for", "to", "behind", "of"))
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
            giver = of or prep_obj(head, ("from",)) or poss  # "after receiving Sanders' endorsement"
            endorsers, detail = self._endorser(doc, facts, index, giver)
        elif gov and (gov, tok.lemma_.lower()) in self.phrases:
            status_p, prep = self.phrases[(gov, tok.lemma_.lower())]
            status = status if status not in ("endorsed", "supports") else status_p
            endorsers, detail = self._endorser(doc, facts, index, self._subject(anchor))
            obj = prep_obj(head, (prep,)) if prep else None
            obj = obj or prep_obj(tok, (prep,)) if prep else obj
            obj = obj or child(head, ("dative", "iobj"))  # "gave Clinton the nod"
            endorsees = self._args(doc, facts, index, obj, person=True)
            if not endorsers and endorsees:
                endorsers = self._left_list(doc, index, sent, head)
        elif gov in self.object_verbs and (of is not None or poss is not None):
            # "refuses to disavow the endorsement of Sen. Graham": Graham endorsed the subject
            status = self._status(base, [tok], sent) or base
            giver = of if of is not None else poss
            endorsers, detail = self._endorser(doc, facts, index, giver)
            endorsees = self._args(doc, facts, index, self._subject(head), person=True)
        else:
            if tok.lemma_.lower() == "support" and target is None:
                return []
            who = prep_obj(tok, ("from", "by"))
            if poss is not None and target is not None and target is not poss:
                owner = poss
                if poss.lower_ in ("their", "its", "his", "her", "our") and gov:
                    owner = self._subject(anchor) or poss  # "The Teamsters withdrew their endorsement"
                endorsers, detail = self._endorser(doc, facts, index, owner)
                endorsees = self._args(doc, facts, index, target, person=True)
            elif who is not None:
                endorsers, detail = self._endorser(doc, facts, index, who)
                endorsees = self._args(doc, facts, index, poss or target, person=True)
                if not endorsees and poss is None and target is None:
                    # "X had her own reinforcements, including endorsements from A, B and C"
                    endorsees = self._args(doc, facts, index, self._owner_subject(tok), person=True)
            elif gov and status != base and target is not None:
                # "withdrew its endorsement of X"
                endorsers, detail = self._endorser(doc, facts, index, self._subject(anchor))
                endorsees = self._args(doc, facts, index, target, person=True)
            conf = 0.75
        return self._pair(endorsers, endorsees, status, sent, conf, detail, tok)

    def _from_agent(self, doc: Doc, facts: Facts, index: MentionIndex, sent: Span, tok: Token) -> list[_Found]:
        """"Grijalva was an early backer of Sanders", "Graham, a Cruz supporter", "Trump backer Thiel"."""
        status = self.agents[tok.lemma_.lower()]
        if negated_copula(tok) or tok.tag_ in ("NNS", "NNPS") and tok.dep_ not in ("compound", "attr"):
            return []  # "is not a supporter"; "Sanders supporters": a crowd, not one endorser
        target = prep_obj(tok, ("of", "for"))
        if target is None:
            target = next((c for c in tok.children if c.dep_ in ("compound", "poss") and c.pos_ == "PROPN"), None)
        if target is None:
            return []
        endorsees = self._args(doc, facts, index, target, person=True)
        if tok.dep_ == "conj" and tok.head.dep_ in ("appos", "attr"):
            tok = tok.head  # "Graham, a former candidate and a Cruz supporter"
        if tok.dep_ in ("attr", "oprd"):
            holder = self._subject(tok.head)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "as" and tok.head.head.pos_ in ("VERB", "AUX"):
            holder = self._subject(tok.head.head)  # "signed up as a Trump delegate"
        elif tok.dep_ == "appos":
            holder = tok.head
        elif tok.dep_ == "compound" and tok.head.pos_ == "PROPN":
            holder = tok.head
        else:
            return []
        endorsers = phrase_entities(index, doc, holder, examples=False) if holder is not None else []
        if not endorsers and holder is not None:
            m = resolve_pronoun(index, facts, holder)
            endorsers = [m] if m is not None else []
        return self._pair(endorsers, endorsees, status, sent, 0.7, None, tok)

    def _described(self, doc: Doc, index: MentionIndex, tok: Token, exclude: object) -> Mention | None:
        """"The Texas senator", "the Democratic nominee": the person that title describes — the
        nearest one holding it, else (no party word in the phrase) the article's main person so far."""
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in self.described or not any(
                c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children):
            return None
        if any(c.lower_ == "party" for c in tok.children) or any(
                a.lemma_.lower() in _PLEDGE for a in list(tok.ancestors)[:4]):
            return None  # "pledged to back the party nominee": whoever that will be
        word = self.title_abbrevs.get(tok.lower_, tok.lower_)
        skip = exclude if isinstance(exclude, tuple) else ()
        best: Mention | None = None
        counts: dict[str, int] = {}
        for m in index.within(0, tok.idx):
            if not m.is_person or any(m.entity is x for x in skip):
                continue
            counts[m.entity.id] = counts.get(m.entity.id, 0) + 1
            if any(word in {self.title_abbrevs.get(w, w) for w in t.title.lower().split()}
                   for t in m.entity.titles):  # type: ignore[union-attr]
                best = m
        if best is not None:
            return best
        phrase = text_of(doc)[tok.left_edge.idx:tok.idx].lower()
        if counts and tok.dep_ in ("nsubj", "nsubjpass") and not any(p in phrase.split() for p in self.party_words):
            top = max(counts, key=lambda k: counts[k])
            return next(m for m in reversed(index.within(0, tok.idx)) if m.entity.id == top)
        return None

    def _left_list(self, doc: Doc, index: MentionIndex, sent: Span, tok: Token) -> list[Mention]:
        """The names right before a verb the parser gave no subject ("..., A and B, gave X the nod")."""
        text = text_of(doc)  # Doc.text joins every token: read it once, not once per mention
        left = [m for m in index.within(sent.start_char, tok.idx) if _ADJ_LEFT.match(text[m.end:tok.idx])]
        if not left:
            return []
        out = [left[-1]]
        for m in reversed(index.within(sent.start_char, left[-1].start)):
            if not list_gap(text[m.end:out[0].start]):
                break
            out.insert(0, m)
        return out

    def _owner_subject(self, tok: Token) -> Token | None:
        """The subject of the clause an endorsement noun hangs from, when its verb is one of
        having or receiving ("X had ..., including endorsements from A")."""
        cur = tok
        for _ in range(6):
            if cur.dep_ not in ("pobj", "prep", "dobj", "appos", "conj", "npadvmod"):
                return None
            cur = cur.head
            if cur.pos_ in ("VERB", "AUX") and cur.dep_ != "prep":  # "including" is a preposition here
                if cur.lemma_.lower() in self.object_verbs or cur.lemma_.lower() in self.receive:
                    return self._subject(cur)
                return None
        return None

    def _adjacent(self, doc: Doc, index: MentionIndex, sent: Span, tok: Token, status: str) -> list[_Found]:
        """When the parse has no clause: "<names> endorsed <names>" side by side."""
        text = text_of(doc)  # Doc.text joins every token: read it once, not once per mention
        left = [m for m in index.within(sent.start_char, tok.idx) if _ADJ_LEFT.match(text[m.end:tok.idx])]
        end = tok.idx + len(tok.text)
        right = [m for m in index.within(end, sent.end_char) if m.is_person]
        if not left or not right or not title_gap(text[end:right[0].start]):
            return []
        endorsers = [left[-1]]
        for m in reversed(index.within(sent.start_char, left[-1].start)):
            if not list_gap(text[m.end:endorsers[0].start]):
                break
            endorsers.insert(0, m)
        endorsees = list_from(index, doc, right[0], sent.end_char)
        return self._pair(endorsers, endorsees, status, sent, 0.6, None, tok)

    # -- arguments ------------------------------------------------------------------------
    def _subject(self, verb: Token | None) -> Token | None:
        seen = 0
        while verb is not None and seen < 5:
            seen += 1
            subjects = [c for c in verb.children if c.dep_ in _SUBJ]
            # "Reps. A and B became ...": two subjects in the parse, the named one is meant
            s = next((c for c in subjects if c.ent_type_ in ("PERSON", "ORG")), subjects[0] if subjects else None)
            if s is None and verb.pos_ == "NOUN":
                s = child(verb, ("poss",))  # "Sanders's refusal to endorse her"
            if s is not None:
                if s.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return verb.head
                if s.lower_ == "it" and verb.lemma_ == "be" and any(c.dep_ in ("acomp", "attr") for c in verb.children):
                    # "Gore insisted it was premature to back Clinton": "it" stands for the clause
                    if verb.dep_ in ("ccomp", "conj", "advcl") and verb.head.i != verb.i:
                        verb = verb.head
                        continue
                    return None
                return s
            if verb.dep_ == "acl" and child(verb.head, ("poss",)) is not None:
                return child(verb.head, ("poss",))  # "his intention to vote for Clinton"
            if verb.dep_ in ("acl", "relcl"):
                noun = verb.head
                if noun.dep_ == "pobj" and noun.head.lower_ in ("among", "of", "like") and noun.head.head.i != noun.i:
                    # "A, B and C were among the unions endorsing X"
                    outer = child(noun.head.head, _SUBJ)
                    if outer is not None:
                        return outer
                return noun
            if verb.dep_ in ("conj", "advcl", "xcomp", "ccomp", "acomp") and verb.head.i != verb.i:
                verb = verb.head
                continue
            return None
        return None

    def _args(self, doc: Doc, facts: Facts, index: MentionIndex, tok: Token | None,
              person: bool, exclude: object = None) -> list[Mention]:
        if tok is None:
            return []
        if tok.lemma_.lower() in self.candidacy:
            # "her candidacy", "the presidential bid of Donald Trump", "the Trump campaign"
            owner = child(tok, ("poss",)) or prep_obj(tok, ("of",)) or next(
                (c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
            tok = owner if owner is not None else tok
        ms = phrase_entities(index, doc, tok)
        if not ms:
            m = resolve_pronoun(index, facts, tok, exclude=exclude)  # type: ignore[arg-type]
            if m is None and person:
                m = self._described(doc, index, tok, exclude)
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
        ms = [m for m in ms if text_of(doc)[m.start:m.end].lower() not in self.member_plurals]
        if ms:
            return ms, None
        if tok.lower_ in ("he", "she") and tok.dep_ == "nsubj" and tok.head.dep_ == "ccomp" and \
                tok.head.head.lemma_.lower() in self.say_verbs:
            # "Sanders ... said he would campaign with him": he is who said it
            sayer = self._subject(tok.head.head)
            if sayer is not None and sayer.i != tok.i:
                ms = [x for x in phrase_entities(index, doc, sayer, examples=False) if x.is_person]
                if len(ms) == 1:
                    return ms, None
        if tok.lower_ == "they" and tok.dep_ == "nsubj":
            # the parse lost the clause ("Republicans, like A, B and C ― three big shots ― have said
            # they're supporting X"): they = the list of two or more people named before in the sentence
            text = text_of(doc)
            before = [x for x in index.within(tok.sent.start_char, tok.idx) if x.is_person]
            group: list[Mention] = []
            for x in reversed(before):  # the last list of two or more, "three former Bush aides" skipped
                if group and list_gap(text[x.end:group[0].start]):
                    group.insert(0, x)
                elif len(group) >= 2:
                    break
                else:
                    group = [x]
            if len(group) >= 2:
                return group, None
        m = resolve_pronoun(index, facts, tok)
        if m is not None:
            return [m], None
        if tok.lower_ in ("they", "them") and tok.head.dep_ in ("advcl", "conj", "ccomp"):
            # "A, B and C remain on the sidelines, though they may endorse X": they = A, B and C
            outer = child(tok.head.head, _SUBJ)
            if outer is not None and outer.i != tok.i:
                ms = [x for x in phrase_entities(index, doc, outer)
                      if text_of(doc)[x.start:x.end].lower() not in self.member_plurals]
                if not ms:
                    ms = named_examples(index, doc, outer)  # "Republicans, like A, B and C, said they ..."
                if ms:
                    return ms, None
        if tok.lower_ == "we" and in_quotes(text_of(doc), tok.idx, tok.sent.start_char):
            # "“We endorse Dana Whitcombe,” the board wrote": the group that speaks
            who = speaker_at(index, facts, tok.idx)
            if who is not None and not who.is_person:
                return [who], None
            kinds = [index.group_kinds[t.lemma_.lower()] for t in tok.sent
                     if t.pos_ == "NOUN" and t.lemma_.lower() in index.group_kinds and t.i != tok.i]
            for kind in kinds:
                speaking = index.before(tok.idx, False, kind=kind or None, window=len(text_of(doc)))
                if speaking is not None:
                    return [speaking], None
        if tok.lower_ == "we" and not in_quotes(text_of(doc), tok.idx, tok.sent.start_char):
            # an editorial's "we": the newspaper the article names
            paper = index.before(tok.idx, False, kind="newspaper", window=len(text_of(doc)))
            if paper is not None:
                return [paper], None
        # "two of its largest locals" / "the union's Connecticut locals": an unnamed part.
        s, e = subtree_chars(tok)
        for t in tok.subtree:
            if t.dep_ == "poss":
                owner = phrase_entities(index, doc, t) or [x for x in [resolve_pronoun(index, facts, t)] if x]
                if owner and not owner[0].is_person:
                    return [owner[0]], " ".join(text_of(doc)[s:e].split())
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
        decided = {(f.endorser.entity.name, f.endorsee.entity.name) for f in found
                   if f.endorser is not None and f.status == "endorsed"}
        # An article that reports the endorsement tells of the wait before it as background.
        found = [f for f in found if not (f.status == "undecided" and f.endorser is not None
                                          and (f.endorser.entity.name, f.endorsee.entity.name) in decided)]
        spans: list[Span] = []
        start_n = len(facts.endorsements)
        for f in found:
            assert f.endorser is not None
            er, ee = f.endorser.entity, f.endorsee.entity
            # "endorsed" and "supports" of one pair are one fact; the first statement is kept
            key = (er.name, ee.name, "endorsed" if f.status == "supports" else f.status)
            if key in seen:
                continue
            seen.add(key)
            s, e = trimmed(f.sent)
            office, explicit = self._office(f.sent, f.endorsee, ee)
            if explicit and isinstance(ee, Person) and f.status in ("endorsed", "supports") and \
                    not any("candidate" in t.title.lower() for t in ee.titles):
                add_title_hint(ee, f"candidate for {explicit}")
            facts.endorsements.append(Endorsement(
                id=f"e{start_n + len(seen)}", endorser=er.name, endorsee=ee.name, status=f.status,
                evidence=text_of(doc)[s:e], evidence_span=(s, e), endorser_id=er.id, endorsee_id=ee.id,
                endorser_detail=f.detail, office=office, when=when(f.sent.text),
                confidence=round(f.confidence - (0.1 if f.detail else 0.0), 2)))
            span = doc.char_span(s, e, label=f.status, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        if spans or "endorsements" not in doc.spans:
            doc.spans["endorsements"] = list(doc.spans.get("endorsements", [])) + spans

    def _office(self, sent: Span, endorsee: Mention, person: object) -> tuple[str | None, str | None]:
        """(office, the words used when the sentence names it) for an endorsement."""
        text = text_of(sent.doc)[endorsee.start:sent.end_char]
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
