"""Reported speech and thought from the parse, chosen by a small learned model.

News attributes far more than ``X said that ...``: ``Clinton mentioned disparaging remarks``,
``Trump called for female contestants to ...``, ``She wants to triple ...``, ``a poll found ...``,
``her decision to meet ...``. :func:`candidates` proposes every (cue, content) pair the parse
offers (a verb with a clausal complement, an infinitive, an object or a prepositional object,
one word or more, an object with the infinitive after it, ``urged voters to ...``; the subject
of a passive with an agent, ``The story was first reported by ...``; an adjective with a clause
or a prepositional object, ``are afraid that ...``; a noun with a clausal complement, a
prepositional phrase or as the subject of ``is that ...``; ``CLAUSE, X said`` and ``as X
noted``); :class:`ReportedModel` scores each with a logistic model over a few dozen sparse
features (cue lemma, complement type, subject type, the cue's other readings, ...) whose
weights are data
(``data/reported_model.json``, trained on PolNeAR train by ``eval/train_quotes.py``).
Inference is pure Python: a dictionary look-up per feature.

The model also carries the cue lemmas it may accept: those that reported something in at
least a set share of their candidates on train. A verb that seldom or never did ('have',
'walk', 'offer') is not scored at all: the logistic weights alone let generic features (a long
clausal object, a named subject) carry a word that has no lexical evidence behind it.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.attrs import POS
from spacy.symbols import ADJ, AUX, NOUN, VERB
from spacy.tokens import Doc, Token

from .extensions import text_of, tokens_with

LOGGER = logging.getLogger(__name__)

MODEL_FILE = "reported_model.json"
MARKS = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
VERB_COMPS = ("ccomp", "xcomp", "dobj", "prep", "attr", "oprd", "dative")
NOUN_COMPS = ("acl", "ccomp")
# 'criticism [of the plan]', 'support [for Ortiz]', 'attacks [on the mayor]': the object of a
# noun's preposition is what the noun reports (the model weighs which nouns do)
NOUN_PREPS = frozenset({"about", "for", "on", "against", "over", "toward", "towards"})
LEAD_MARKS = ("that", "whether", "if")
PRONOUN_KIND = {"he": "he", "him": "he", "she": "she", "her": "she", "they": "they", "them": "they",
                "it": "it", "we": "we", "us": "we", "i": "i", "me": "i", "you": "you"}


@dataclass
class Candidate:
    """A (cue, content) pair: content ``[start, end)`` in characters, its source token if any."""

    cue: Token
    comp: Token | None
    dep: str
    start: int
    end: int
    n_tokens: int
    source: Token | None
    front: bool = False
    borrowed: bool = False   # the source is the subject of a verb the cue hangs under


def subject_of(tok: Token, inverted: bool = True, depth: int = 0) -> Token | None:
    """The source of a cue verb.

    Its subject or passive agent; for a verb without one that hangs off another ('..., saying
    X', 'refused to say', 'X and denied'), that verb's source; for '..., saying' on a noun, the
    noun. With ``inverted``, also 'said Robert Proto' (a name or pronoun right of the cue).
    """
    # the subject nearest the verb: in '"... [Clinton] can be ...," Kilfoyle said' the parse
    # may hang a word of the quote on the verb as a second subject
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
    if subjects:
        return _framing_apposition(tok, _past_dateline(min(subjects, key=lambda c: abs(c.i - tok.i))))
    for c in tok.children:
        if c.dep_ == "agent":
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    head = tok.head
    if head.i != tok.i and depth < 3:
        # a conjunct takes its head's subject only with a real coordination ('said X and denied Y')
        coordinated = tok.dep_ == "xcomp" or any(c.dep_ == "cc" for c in head.children) \
            or any(c.dep_ == "cc" for c in tok.children)
        if tok.dep_ in ("conj", "xcomp") and head.pos_ in ("VERB", "AUX") and coordinated:
            found = subject_of(head, False, depth + 1)
            if found is not None:
                return found
        elif tok.dep_ == "advcl" and tok.tag_ == "VBG" and head.pos_ in ("VERB", "AUX"):
            found = subject_of(head, False, depth + 1)
            if found is not None:
                return found
        elif tok.dep_ == "pcomp" and tok.tag_ == "VBG" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            # 'deflected questions before saying', 'ended the speech by saying'
            found = subject_of(head.head, False, depth + 1)
            if found is not None:
                return found
        elif tok.dep_ == "acl" and tok.tag_ == "VBG" and head.pos_ in ("PROPN", "NOUN") and head.i < tok.i:
            # 'issued a statement saying', 'sent a text to supporters saying': the participle
            # hangs on the object, the verb's subject is who says it; 'a statement saying' as
            # a subject is its own source
            verb = head.head if head.dep_ in ("dobj", "dative") else \
                head.head.head if head.dep_ == "pobj" and head.head.dep_ in ("prep", "dative") else None
            if verb is not None and verb.pos_ in ("VERB", "AUX"):
                found = subject_of(verb, False, depth + 1)
                if found is not None:
                    return found
            return head
    if tok.dep_ == "ROOT" and tok.i > 1 and tok.doc[tok.i - 1].text == ",":
        # 'Jeffrey Salkin, a Hollywood, Fla., rabbi helping ..., said he ...': the parse lost
        # the subject in the apposition; the last name before the comma is the speaker
        found = _name_before(tok)
        if found is not None:
            return found
    if not inverted:
        return None
    # inverted attribution: "said Robert Proto, president of ..."
    for c in tok.rights:
        if c.dep_ in ("dobj", "attr", "npadvmod", "oprd", "appos", "dep") and c.pos_ in ("PROPN", "PRON", "NOUN"):
            return c
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.pos_ == "PROPN":
        return nxt
    return None


def _framing_apposition(cue: Token, subj: Token) -> Token:
    """'To understand the real Dred Scott, Chief Justice Roberts said, one should ...': the
    parse makes the name that frames the clause an apposition of the clause's last noun; for a
    cue set off by commas (parataxis), a name right before it is the speaker."""
    if cue.dep_ != "parataxis":
        return subj
    for c in subj.rights:
        if c.dep_ == "appos" and c.pos_ == "PROPN" and c.right_edge.i == cue.i - 1:
            return c
    return subj


TIME_ENTS = frozenset({"DATE", "TIME"})


def is_time_word(tok: Token) -> bool:
    """A word of a date or time ('Monday', 'this week'): no speaker. 'the 46-year-old' is a
    person, though the recogniser takes it for a date."""
    return tok.ent_type_ in TIME_ENTS and tok.lower_ not in ("old", "olds")


def _name_before(tok: Token) -> Token | None:
    """The nearest person (or organisation) named before ``tok`` in its sentence: the last word
    of the name ('As part of his plea, Marcel Lazar, 44,'); none when that name is the object
    of a preposition or a quote mark comes first."""
    doc = tok.doc
    for j in range(tok.i - 1, -1, -1):  # back to the sentence start (Token.sent would walk it all)
        t = doc[j]
        if t.is_quote:
            return None
        if t.ent_type_ in ("PERSON", "ORG"):  # read right to left: the name's last word
            return None if t.dep_ == "pobj" else t
        if t.is_sent_start:
            return None
    return None


def leading_name(toks: list[Token]) -> Token | None:
    """The name or personal pronoun that ``toks`` start with (punctuation skipped), if any:
    '," Mr. Daniloff, now 81 and retired in Cambridge, said' gives 'Daniloff'."""
    for tok in toks:
        if tok.is_punct or tok.is_space:
            continue
        if tok.pos_ == "PRON" and tok.lower_ in ("he", "she", "they", "we", "i"):
            return tok
        if tok.pos_ == "PROPN" and tok.ent_type_ not in TIME_ENTS and tok.text[:1].isupper():
            while tok.dep_ in ("compound", "flat") and tok.head.i > tok.i and tok.head.pos_ == "PROPN":
                tok = tok.head
            return tok
        return None  # '," the report, first published Monday, said': no name leads the frame
    return None


def with_second_complement(cue: Token, comp: Token, toks: list[Token]) -> list[Token]:
    """'think Obama advanced this agenda, but that there is more to do': a 'that' clause the
    parse conjoined to the cue, after its complement, is reported too (the span runs on)."""
    for c in cue.rights:
        if c.dep_ == "conj" and c.i > comp.i and any(
                m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
            return list(cue.doc[toks[0].i:c.right_edge.i + 1]) if toks else toks
    return toks


def with_coordinated_verbs(cue: Token, comp: Token, toks: list[Token]) -> list[Token]:
    """The words of an infinitive complement ('wants to triple the program, ...').

    Bare verbs the parse conjoined to the cue after the infinitive, with no subject or
    auxiliary of their own, are more of it ('..., grow the Corps and create a reserve': the
    span runs on to the last of them); a verb with a tense of its own conjoined to the
    infinitive is not ('promised to fight the closure but lost the vote': the span stops
    before 'but').
    """
    if not toks:
        return toks
    doc = cue.doc
    finite = next((c for c in comp.rights if c.dep_ == "conj" and c.tag_ in ("VBD", "VBZ")), None)
    if finite is not None:
        lo = finite.left_edge.i
        return cut_before(toks, next((k for k, t in enumerate(toks) if t.i >= lo), len(toks)))
    last = None
    for c in cue.rights:
        if c.dep_ == "conj" and c.i > comp.i and c.tag_ in ("VB", "VBP") and not any(
                g.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for g in c.children):
            last = c
    if last is None:
        return toks
    return list(doc[toks[0].i:last.right_edge.i + 1])


def object_with_infinitive(verb: Token, xcomp: Token, words: list[Token]) -> tuple[str, list[Token]] | None:
    """'urged [voters to reject the levy]', 'called on [Pruitt to resign]': an object right
    before the verb's infinitive is one content with it (PolNeAR train: the joined reading
    matches where the infinitive alone does not 64 times, the other way round 17).

    ``words`` are the infinitive's (:func:`with_coordinated_verbs`). Returns the dep label and
    the words from the object on, or None when no object stands right before the infinitive.
    """
    rights = list(verb.rights)
    k = next((k for k, c in enumerate(rights) if c.i == xcomp.i), 0)
    if k == 0 or xcomp.i < verb.i:
        return None
    holder = rights[k - 1]
    if holder.dep_ == "dobj":
        lo, dep = holder.left_edge.i, "dobj_xcomp"
    elif holder.dep_ == "prep" and any(g.dep_ == "pobj" for g in holder.children):
        lo, dep = holder.i + 1, f"prep_{holder.lower_}_xcomp"
    else:
        return None
    return (dep, list(verb.doc[lo:words[-1].i + 1])) if words else None


def negated(cue: Token) -> bool:
    """Whether the cue has a negation ('did not say', 'never mentioned')."""
    return any(c.dep_ == "neg" for c in cue.children)


def cut_before(toks: list[Token], k: int) -> list[Token]:
    """``toks[:k]`` without the conjunction and punctuation that led on to ``toks[k]``."""
    while k > 0 and (toks[k - 1].dep_ == "cc" or toks[k - 1].is_punct):
        k -= 1
    return toks[:k]


_DASHES = frozenset({"--", "-", "\u2014", "\u2013"})


def _past_dateline(subj: Token) -> Token:
    """'WASHINGTON -- President Obama, ..., said', 'TULSA, Okla. — Police Chief Chuck Jordan
    said': the parse makes the dateline the subject and the person an apposition after the
    dash; the person is the subject."""
    if not subj.is_upper or not subj.is_alpha:
        return subj
    dash = next((c for c in subj.rights if c.dep_ == "punct" and c.text in _DASHES), None)
    if dash is None:
        return subj
    found = next((c for c in subj.rights if c.dep_ == "appos" and c.i > dash.i), None)
    while found is not None:  # 'Police [Chief] Chuck [Jordan]': down to the name
        subj = found
        found = next((c for c in subj.rights if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    return subj


def framed_clause(cue: Token) -> list[Token] | None:
    """The words an attribution set off by commas frames, for a cue parsed as parataxis.

    'CLAUSE, Proto said, ...': the head clause's words before the attribution; 'The goal, he
    said, is to forge a truce' and 'In a merger, he said, the brand would survive': the whole
    clause it interrupts (the attribution inside the span, as annotators mark it); 'He said,
    the brand would survive': the clause after it. 'The county, as Ortega noted, has not raised
    the levy' is read the same way: an 'as' clause of a cue with no complement of its own.
    """
    if cue.dep_ != "parataxis" and not _is_as_frame(cue):
        return None
    head, sent = cue.head, cue.sent
    left, right = cue.left_edge.i, cue.right_edge.i
    words = [t for t in head.subtree if sent.start <= t.i < sent.end]
    before = [t for t in words if t.i < left]
    if head.i < cue.i:
        return before
    after = [t for t in words if t.i > right]
    if not after:
        return None
    return before + after


def _is_as_frame(cue: Token) -> bool:
    """'as Ortega noted': an adverbial 'as' clause of the cue with no complement of its own."""
    return cue.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ == "as" for c in cue.children) and not any(
        c.dep_ in ("ccomp", "dobj", "xcomp") for c in cue.children)


def _noun_source(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "poss":
            return c
    return None


_ASIDE_WORDS = frozenset({"which", "who", "whom", "whose"})


def cut_trailing_aside(toks: list[Token]) -> list[Token]:
    """Contiguous content tokens without a closing aside of the writer's: ', which ...',
    ', who ...' (a non-restrictive relative clause that runs to the end of the content)."""
    if len(toks) < 4:
        return toks
    last = toks[-1].i
    first = toks[0].i
    doc = toks[0].doc
    for t in toks[2:]:
        if t.dep_ != "relcl":
            continue
        lead = t.left_edge
        if lead.lower_ in _ASIDE_WORDS and lead.i - 1 > first and doc[lead.i - 1].text == "," \
                and t.right_edge.i >= last - 1:
            return [x for x in toks if x.i < lead.i - 1]
    return toks


def _trim(toks: list[Token]) -> list[Token]:
    while toks and (toks[0].dep_ == "mark" and toks[0].lower_ in LEAD_MARKS
                    or toks[0].is_punct and toks[0].text[:1] not in MARKS or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and toks[-1].text[:1] not in MARKS
                    or toks[-1].is_space or toks[-1].dep_ == "cc"):
        toks = toks[:-1]
    return toks


def _make(cue: Token, comp: Token | None, dep: str, toks: list[Token], source: Token | None,
          front: bool = False) -> Candidate | None:
    toks = _trim(cut_trailing_aside(toks))
    if not toks or len(toks) < 2 and not _one_word_content(dep, toks[0]):
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    borrowed = False
    if source is None:
        source = borrowed_source(cue)
        if source is not None and start <= source.idx < end:
            source = None
        borrowed = source is not None
    return Candidate(cue=cue, comp=comp, dep=dep, start=start, end=end, n_tokens=len(toks),
                     source=source, front=front, borrowed=borrowed)


# a one-word object can be all that is reported ('largely eschewed [politics]', 'despise
# [Trump]', 'allegations of [corruption]'); a clause or an infinitive of one word cannot
_CLAUSAL = frozenset({"ccomp", "xcomp", "parataxis", "as_frame", "n_acl", "n_ccomp", "n_be",
                      "a_ccomp", "a_xcomp"})


def _one_word_content(dep: str, tok: Token) -> bool:
    """Whether the one word ``tok`` can be the whole content of a ``dep`` candidate."""
    return dep not in _CLAUSAL and tok.pos_ in ("NOUN", "PROPN", "PRON") and tok.is_alpha


def borrowed_source(cue: Token, steps: int = 4) -> Token | None:
    """For a cue without a source of its own, the subject of the nearest verb it hangs under
    ('Trump made the suggestion [that ...]', 'he pressed on, criticizing [police tactics]')."""
    tok = cue
    for _ in range(steps):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            found = subject_of(tok, False)
            if found is not None:
                return found
    return None


_CONTENT_POS = frozenset({int(VERB), int(AUX), int(NOUN), int(ADJ)})
# 'are afraid [that ...]', 'was sure [Trump would triumph]', 'is confident [of a win]'
ADJ_COMPS = ("ccomp", "xcomp", "prep")


def _prep_object(prep: Token) -> list[Token] | None:
    """The words of a preposition's object ('of [a win]'), or None without one."""
    pobj = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None)
    return None if pobj is None else list(pobj.subtree)


# 'dismissed [Estonia as being in the suburbs]': an object and the 'as' phrase after it are one
# content (they replace the two separate candidates); 'slamming [Kaine for his work]': with
# these prepositions the joined reading is one more candidate, next to the separate ones
JOINED_AS = "as"
ALSO_JOINED = frozenset({"for", "to", "with", "over", "about"})


def _object_phrase(verb: Token) -> tuple[Token, Token] | None:
    """The verb's object (or the object of the preposition just before: 'gone after [Trump] as
    a "leech"') and the prepositional phrase right after it that annotators read as one
    content with it ('described [the plan as a giveaway]', 'blamed [him for the loss]').

    Returns the verb's child that holds the object (the object or its preposition) and the
    phrase, or None.
    """
    rights = list(verb.rights)
    for k in range(1, len(rights)):
        phrase, holder = rights[k], rights[k - 1]
        if phrase.dep_ != "prep" or not phrase.n_rights:
            continue
        word = phrase.lower_
        if word != JOINED_AS and word not in ALSO_JOINED:
            continue
        if holder.dep_ == "dobj" or holder.dep_ == "prep" and holder.lower_ != word and any(
                g.dep_ == "pobj" for g in holder.children):
            return holder, phrase
        return None
    return None


def _joined(doc: Doc, holder: Token, phrase: Token) -> tuple[str, list[Token]]:
    """The dep label and the tokens of an object joined with the phrase after it."""
    lo = holder.left_edge.i if holder.dep_ == "dobj" else holder.i + 1
    dep = f"dobj_{phrase.lower_}" if holder.dep_ == "dobj" else f"prep_{holder.lower_}_{phrase.lower_}"
    return dep, list(doc[lo:phrase.right_edge.i + 1])


def candidates(doc: Doc, skip: Callable[[Token], bool] | None = None,
               speech: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every (cue, content) pair of ``doc``.

    ``skip(tok)`` drops cues (e.g. those of marked quotes); only cue lemmas in ``speech`` may
    take their source from the right ('..., said Proto').
    """
    out: list[Candidate] = []
    skipped = skip or (lambda _tok: False)
    for tok in tokens_with(doc, POS, _CONTENT_POS):  # only verbs, adjectives and nouns
        pos = tok.pos_
        if pos in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass"):
            if skipped(tok):
                continue
            inv = tok.lemma_.lower() in speech and tok.tag_ in ("VBD", "VBZ", "VBP")
            src = subject_of(tok, inverted=inv)
            framed = framed_clause(tok)
            if framed is not None:
                dep = "parataxis" if tok.dep_ == "parataxis" else "as_frame"
                c = _make(tok, tok.head, dep, framed, src, front=True)
                if c is not None:
                    out.append(c)
            joined = _object_phrase(tok)
            replace = joined if joined is not None and joined[1].lower_ == JOINED_AS else None
            if joined is not None and replace is None:
                c = _make(tok, joined[0], *_joined(doc, *joined), src)
                if c is not None:
                    out.append(c)
            for ch in tok.children:
                dep = ch.dep_
                if dep not in VERB_COMPS or replace is not None and ch.i == replace[1].i:
                    continue
                if replace is not None and ch.i == replace[0].i:
                    dep, toks = _joined(doc, *replace)
                elif dep == "prep":
                    obj = _prep_object(ch)
                    if obj is None:
                        continue
                    toks, dep = obj, "prep_" + ch.lower_
                elif dep == "xcomp" and ch.pos_ not in ("VERB", "AUX"):
                    continue
                else:
                    toks = list(ch.subtree)
                    if dep == "ccomp" and ch.i > tok.i:
                        toks = with_second_complement(tok, ch, toks)
                    elif dep == "xcomp" and ch.i > tok.i:
                        toks = with_coordinated_verbs(tok, ch, toks)
                front = ch.i < tok.i
                if front:
                    lim = tok.i if src is None else min(tok.i, src.left_edge.i)
                    toks = [t for t in toks if t.i < lim]
                c = _make(tok, ch, dep, toks, src, front)
                if c is not None:
                    out.append(c)
                joined_x = object_with_infinitive(tok, ch, toks) if dep == "xcomp" else None
                if joined_x is not None:
                    c = _make(tok, ch, joined_x[0], joined_x[1], src)
                    if c is not None:
                        out.append(c)
            passive = _passive_content(tok)
            if passive is not None:
                c = _make(tok, passive[0], passive[1], passive[2], src, front=True)
                if c is not None:
                    out.append(c)
        elif pos == "ADJ":
            if tok.dep_ != "acomp" or skipped(tok):
                continue
            src = subject_of(tok.head, inverted=False)
            for ch in tok.children:
                if ch.dep_ not in ADJ_COMPS or ch.i < tok.i:
                    continue
                if ch.dep_ == "prep":
                    words, dep = _prep_object(ch), "a_prep_" + ch.lower_
                elif ch.pos_ in ("VERB", "AUX"):
                    words, dep = list(ch.subtree), "a_" + ch.dep_
                else:
                    continue
                c = None if words is None else _make(tok, ch, dep, words, src)
                if c is not None:
                    out.append(c)
        elif pos == "NOUN":
            for ch in tok.children:
                if ch.dep_ in NOUN_COMPS and ch.pos_ in ("VERB", "AUX"):
                    if skipped(tok):
                        break
                    c = _make(tok, ch, "n_" + ch.dep_, list(ch.subtree), _noun_source(tok))
                    if c is not None:
                        out.append(c)
                elif ch.dep_ == "prep" and ch.i > tok.i and ch.lower_ in NOUN_PREPS:
                    obj = _prep_object(ch)
                    if obj is None or skipped(tok):
                        continue
                    c = _make(tok, ch, "n_prep_" + ch.lower_, obj, _noun_source(tok))
                    if c is not None:
                        out.append(c)
            comp = _copula_clause(tok)
            if comp is not None and not skipped(tok):
                c = _make(tok, comp, "n_be", list(comp.subtree), _noun_source(tok))
                if c is not None:
                    out.append(c)
    return out


def _passive_content(verb: Token) -> tuple[Token, str, list[Token]] | None:
    """What a passive verb with an agent says something about: its subject ('[The story] was
    first reported by the Post') or the noun it qualifies ('[the levels] desired by NATO'),
    as (head, dep label, words); None for any other verb."""
    if not any(c.dep_ == "agent" for c in verb.children):
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i), None)
    if subj is not None:
        return subj, "nsubjpass", list(subj.subtree)
    head = verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and head.pos_ in ("NOUN", "PROPN") and head.i < verb.i:
        return head, "acl_agent", [t for t in head.subtree if t.i < verb.left_edge.i]
    return None


def _copula_clause(noun: Token) -> Token | None:
    """The clause a noun subject of 'be' is equated with, 'Mr. Obama's bet is [that ...]',
    'the worry is [voters stay home]' (its head, or None)."""
    verb = noun.head
    if noun.dep_ != "nsubj" or verb.lemma_ != "be" or verb.i < noun.i:
        return None
    return next((c for c in verb.rights if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)


def _bucket(n: int) -> str:
    for b in (1, 2, 4, 7, 12, 20, 35):
        if n <= b:
            return str(b)
    return "more"


def _subject_kind(src: Token | None) -> str:
    if src is None:
        return "none"
    low = src.lower_
    if src.pos_ == "PRON":
        return "pron_" + PRONOUN_KIND.get(low, "other")
    if src.ent_type_:
        return "ent_" + src.ent_type_
    if src.pos_ == "PROPN":
        return "propn"
    return "noun"


def features(c: Candidate, lexicon: dict[str, str], in_quote: bool = False,
             doc_text: str | None = None) -> list[str]:
    """The sparse features of a candidate (strings; the model maps them to weights).

    ``doc_text`` is ``c.cue.doc.text`` when the caller has it (Doc.text joins every token, so
    reading it once per candidate would make a long article quadratic).
    """
    cue = c.cue
    lemma = cue.lemma_.lower()
    dep = c.dep
    cls = lexicon.get(lemma, "none")
    comp = c.comp
    sk = _subject_kind(c.source)
    sk2 = sk.split("_")[0]
    feats = [
        "bias", f"L:{lemma}", f"LD:{lemma}|{dep}", f"D:{dep}", f"C:{cls}", f"CD:{cls}|{dep}",
        f"S:{sk}", f"LS:{lemma}|{sk2}", f"DS:{dep}|{sk}", f"VD:{cue.dep_}", f"VT:{cue.tag_}",
        f"DVD:{dep}|{cue.dep_}", f"LEN:{_bucket(c.n_tokens)}", f"DLEN:{dep}|{_bucket(c.n_tokens)}",
    ]
    if comp is not None:
        feats.append(f"CP:{dep}|{comp.pos_}")
        marks = [t.lower_ for t in comp.children if t.dep_ == "mark"]
        feats.append(f"MK:{dep}|{marks[0] if marks else '-'}")
        feats.append(f"CT:{dep}|{comp.tag_}")
        if comp.pos_ in ("NOUN", "PROPN") and dep != "ccomp":
            feats.append(f"LC:{lemma}|{comp.lemma_.lower()}")
    if c.source is not None and c.source.pos_ == "NOUN":
        feats.append(f"SL:{c.source.lemma_.lower()}")
    if negated(cue):
        feats.append("NEG")
    if any(t.dep_ == "auxpass" for t in cue.children):
        feats.append(f"PASS:{dep}")
    if c.front:
        feats.append(f"FRONT:{dep}")
    if c.borrowed:
        feats.append(f"SB:{dep}")
        feats.append(f"SBV:{cue.dep_}")
    if in_quote:
        feats.append("INQ")
    text = (text_of(cue.doc) if doc_text is None else doc_text)[c.start:c.end]
    if any(ch in text for ch in "\"\u201c\u201d"):
        feats.append("QM")
    if cue.head.i != cue.i and cue.dep_ in ("xcomp", "ccomp", "conj"):
        feats.append(f"HL:{cue.head.lemma_.lower()}|{cue.dep_}")
    return feats


def rival_features(c: Candidate, rivals: list[Candidate]) -> list[str]:
    """Features of the other readings of the same cue (``rivals`` holds ``c`` too): each one's
    kind beside this one's ('dobj' where a 'dobj_for' reading exists), and whether this is the
    longest. The model scores each candidate alone; these let it learn which of a cue's
    readings annotators mark (PolNeAR train cross-validated F1 0.635 -> 0.640)."""
    others = [o for o in rivals if o is not c]
    if not others:
        return []
    feats = [f"ALT:{c.dep}|{o.dep}" for o in others]
    feats.append(f"LONGEST:{c.dep}|{int(all(c.n_tokens >= o.n_tokens for o in others))}")
    return feats


@dataclass
class ReportedModel:
    """Logistic weights by feature, the probability above which a candidate is kept, and the
    cue lemmas that may be scored (None: every lemma)."""

    weights: dict[str, float]
    threshold: float = 0.5
    cue_lemmas: frozenset[str] | None = None

    def allows(self, lemma: str) -> bool:
        """Whether a candidate of the cue ``lemma`` (lower case) is scored at all."""
        return self.cue_lemmas is None or lemma in self.cue_lemmas

    def probability(self, feats: list[str]) -> float:
        """P(the candidate is an attribution) under the model."""
        w = self.weights
        z = sum(w.get(f, 0.0) for f in feats)
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        """The model as the JSON of ``data/reported_model.json``."""
        obj: dict[str, object] = {"threshold": self.threshold}
        if self.cue_lemmas is not None:
            obj["cue_lemmas"] = sorted(self.cue_lemmas)
        obj["weights"] = {k: round(v, 4) for k, v in sorted(self.weights.items())}
        return json.dumps(obj, indent=0)


@lru_cache(maxsize=1)
def load_model() -> ReportedModel | None:
    """The shipped model, or None when the package has no weights (rules are used instead)."""
    try:
        raw = resources.files("whipcount.nlp.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        LOGGER.info("no %s in the package; indirect quotes come from the cue-verb rules", MODEL_FILE)
        return None
    obj = json.loads(raw)
    lemmas = obj.get("cue_lemmas")
    return ReportedModel(weights={k: float(v) for k, v in obj["weights"].items()},
                         threshold=float(obj.get("threshold", 0.5)),
                         cue_lemmas=None if lemmas is None else frozenset(lemmas))
