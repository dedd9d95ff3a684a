"""Reported (indirect) speech from the dependency parse: cue-verb rules plus a learned model.

* rules: a cue verb of ``data/quote_verbs.txt`` with a clausal complement is indirect speech,
  its subject the source (``Swan denied Lieberman's event puts ...``); ``CLAUSE, X said`` and
  ``according to X, CLAUSE`` are read the same way;
* the model of :mod:`whipcount.nlp.reported` adds what the cue list misses (``Clinton
  mentioned disparaging remarks``, ``She wants to triple ...``) when its source could speak.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable

from spacy.attrs import LOWER
from spacy.tokens import Token

from .extensions import lower_lemmas
from .quote_common import DocIndex as _Doc
from .quote_common import QuoteCand as _Cand
from .quote_common import QuoteLexicon, continues_outer_cue, cue_subject
from .quote_common import is_cue as _is_cue, trim_span as _trim_span
from .reported import (Candidate, candidates, cut_before, features, framed_clause, load_model,
                       negated, object_with_infinitive, rival_features, with_coordinated_verbs,
                       with_second_complement)

LOGGER = logging.getLogger(__name__)
_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def reported_candidates(d: _Doc, lex: QuoteLexicon, used_cues: set[int], marked: list[_Cand],
                        keep: Callable[[Candidate], bool] | None = None) -> list[tuple[Candidate, list[str]]]:
    """The parse's (cue, content) candidates with their features, as the model sees them.

    Cues already used by a marked quote are left out, and so are contents that are mostly a
    direct quote (that quote is attributed already), and candidates ``keep`` turns down (their
    features are not computed). Each candidate's features include its rivals', the other
    readings of the same cue (:func:`~whipcount.nlp.reported.rival_features`).
    """
    direct = sorted((c.start, c.end) for c in marked if c.kind == "direct" and c.parent is None)
    direct_starts = [a for a, _ in direct]
    found: list[Candidate] = []
    by_cue: dict[int, list[Candidate]] = {}
    for cand in candidates(d.doc, skip=lambda t: t.i in used_cues, speech=lex.speech):
        if cand.source is not None and d.in_top_region(cand.source.idx) is not None:
            continue
        if _mostly_direct(direct, direct_starts, cand.start, cand.end) or _announces(
                d.text, direct_starts, cand.end):
            continue
        found.append(cand)
        by_cue.setdefault(cand.cue.i, []).append(cand)
    out: list[tuple[Candidate, list[str]]] = []
    for cand in found:
        if keep is not None and not keep(cand):
            continue
        feats = features(cand, lex.verbs, d.in_top_region(cand.cue.idx) is not None, d.text)
        feats.extend(rival_features(cand, by_cue[cand.cue.i]))
        out.append((cand, feats))
    return out


def indirect_quotes(d: _Doc, lex: QuoteLexicon, used_cues: set[int],
                     marked: list[_Cand]) -> list[_Cand]:
    """Reported speech: the cue-verb rules, plus what the learned model adds above its threshold.

    A model candidate is scored only when the model allows its cue lemma and it has a source
    (:func:`_has_source`), and kept above the model's threshold, or above
    ``_UNLISTED_SOURCE_MIN`` when its source is a noun not known to speak (:func:`_agentive`),
    and not at all when it is one word under a negated cue;
    where a rule and a model candidate overlap, the rule's reading wins.
    """
    rules = _rule_indirect_quotes(d, lex, used_cues, marked)
    model = load_model()
    if model is None:
        return rules
    scored: list[_Cand] = []
    def keep(c: Candidate) -> bool:
        return model.allows(c.cue.lemma_.lower()) and _has_source(c, lex)

    for cand, feats in reported_candidates(d, lex, used_cues, marked, keep=keep):
        p = model.probability(feats)
        if p >= model.threshold and (p >= _UNLISTED_SOURCE_MIN or cand.source is None
                                     or _agentive(cand.source, lex)) and (
                cand.n_tokens > 1 or not negated(cand.cue)):
            # 'they never mentioned [Lamont] by name': a one-word content of a negated cue
            # reports no words of anyone's (PolNeAR annotators mark some; train
            # cross-validated F1 is the same without them)
            scored.append(_Cand(kind="indirect", start=cand.start, end=cand.end, cue=cand.cue,
                                source=output_source(cand, lex), confidence=round(p, 3)))
    scored.sort(key=lambda c: -c.confidence)
    kept: list[_Cand] = list(rules)
    for c in scored:
        n = c.end - c.start
        if any(min(k.end, c.end) - max(k.start, c.start) > 0.5 * min(n, k.end - k.start) for k in kept):
            continue
        kept.append(c)
    return kept


def output_source(cand: Candidate, lex: QuoteLexicon) -> Token | None:
    """The source a kept candidate is attributed to: none for a cue whose subject is no source
    ('Carson seems to recognize ...')."""
    return None if cand.cue.lemma_.lower() in lex.sourceless else cand.source


# a candidate whose source is a common noun not on the list of those that speak ('Their message
# called for ...') needs this probability; with none at all (or none above 0.4), PolNeAR train
# cross-validated F1 is 0.001 higher and the example article gains two false quotes
_UNLISTED_SOURCE_MIN = 0.5


def _agentive(tok: Token, lex: QuoteLexicon) -> bool:
    """A token that can be a source: a name, a pronoun, a person or a group or document noun."""
    if tok.pos_ in ("PRON", "PROPN") or tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    lemma = tok.lemma_.lower()
    return lemma in lex.source_nouns or tok.lower_ in lex.source_nouns


def _has_source(cand: Candidate, lex: QuoteLexicon) -> bool:
    """A source (its own or one it borrows), no source under a passive ('it was reported
    that'), or a cue whose subject is no source."""
    if cand.cue.lemma_.lower() in lex.sourceless or cand.source is not None:
        return True
    return any(c.dep_ == "auxpass" for c in cand.cue.children)


def _rule_indirect_quotes(d: _Doc, lex: QuoteLexicon, used_cues: set[int],
                          marked: list[_Cand]) -> list[_Cand]:
    doc = d.doc
    direct = sorted((c.start, c.end) for c in marked if c.kind == "direct" and c.parent is None)
    direct_starts = [a for a, _ in direct]
    out: list[_Cand] = []
    according = doc.vocab.strings["according"]
    lowers = doc.to_array(LOWER).tolist()
    # only cue verbs and 'according to' can start one: the rest of the text is not read
    for i, lemma in enumerate(lower_lemmas(doc)):
        if lemma not in lex.verbs and lowers[i] != according:
            continue
        tok = doc[i]
        low = tok.lower_
        if d.in_top_region(tok.idx) is not None:
            continue
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            cand = _according_to(d, tok)
        elif _is_cue(tok, lex) and tok.i not in used_cues:
            cand = _reported_clause(d, tok, lex)
        else:
            continue
        if cand is None:
            continue
        if cand.source is not None and d.in_top_region(cand.source.idx) is not None:
            continue
        # content that is mostly a direct quote is that quote's, not a new one
        if _mostly_direct(direct, direct_starts, cand.start, cand.end):
            continue
        out.append(cand)
    return out


def _reported_clause(d: _Doc, tok: Token, lex: QuoteLexicon) -> _Cand | None:
    """The clause a cue verb reports, with its source."""
    cls = lex.verbs[tok.lemma_.lower()]
    if cls == "name":
        return None  # 'called X "Y"' is only read around a partial quote
    # only a finite speech verb reads its source on the right ('said Proto'): 'to convince
    # swing voters that ...' is not said by the voters
    src = cue_subject(tok, lex, inverted=cls == "speech" and tok.tag_ in _FINITE)
    if src is None or src.dep_ == "expl" or src.lower_ in ("it",) and cls == "speech":
        return None
    comps = [c for c in tok.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and cls == "commit")]
    # a complement after the cue first: a clause before it may be a misparsed subject phrase
    comps.sort(key=lambda c: c.i < tok.i)
    span = None
    framed = framed_clause(tok)
    if framed is not None:
        # "CLAUSE, Proto said, ..." / "The goal, he said, is ...": the clause the attribution frames
        span = _trim_span(d, framed)
    elif comps:
        comp = comps[0]
        toks = [t for t in comp.subtree if not (tok.i <= t.i < tok.i + 1)]
        if comp.i < tok.i:
            toks = [t for t in toks if t.i < min(tok.i, src.left_edge.i)]
        else:
            more = with_coordinated_verbs if comp.dep_ == "xcomp" else with_second_complement
            toks = more(tok, comp, toks)
            joined = object_with_infinitive(tok, comp, toks) if comp.dep_ == "xcomp" else None
            # 'urged [voters to reject the levy]': the object and the infinitive
            toks = _before_own_cue(toks if joined is None else joined[1], lex)
        span = _trim_span(d, toks)
    if span is None:
        return None
    return _Cand(kind="indirect", start=span[0], end=span[1], cue=tok, source=src,
                 confidence=0.7 if cls in ("speech", "commit") else 0.55)


def _before_own_cue(toks: list[Token], lex: QuoteLexicon) -> list[Token]:
    """'said it was too early to congratulate winners but added, "..."' with 'added' parsed
    inside the reported clause: the content stops before the speaker's next cue verb."""
    for k, t in enumerate(toks):
        if continues_outer_cue(t, lex):
            return cut_before(toks, k)
    return toks


def _according_to(d: _Doc, tok: Token) -> _Cand | None:
    to = d.doc[tok.i + 1]
    src = next((c for c in to.children if c.dep_ == "pobj"), None)
    if src is None:
        return None
    sent = tok.sent
    phrase_lo = tok.i
    phrase_hi = max(t.i for t in to.subtree) + 1
    before = list(d.doc[sent.start:phrase_lo])
    after = list(d.doc[phrase_hi:sent.end])
    if phrase_lo - sent.start <= 1 and all(t.is_punct or t.is_space for t in after):
        # 'According to ... host Rush Limbaugh, the move reeks of ...' with the clause parsed
        # into the phrase: the phrase ends at its first comma
        comma = next((t.i for t in d.doc[src.i:phrase_hi] if t.text == ","), None)
        if comma is not None:
            phrase_hi, after = comma, list(d.doc[comma + 1:sent.end])
    if phrase_lo - sent.start <= 1:
        toks = after
    elif not any(t.pos_ in ("VERB", "AUX") for t in before) and any(t.pos_ in ("VERB", "AUX") for t in after):
        # "At the heart of the trouble, according to Ross, was a decision ...": the phrase
        # interrupts its clause, which is the content (the phrase inside the span)
        toks = before + after
    else:
        toks = before
    span = _trim_span(d, toks)
    if span is None:
        return None
    return _Cand(kind="indirect", start=span[0], end=span[1], cue=tok, source=src, confidence=0.7)


def _announces(text: str, direct_starts: list[int], end: int) -> bool:
    """'went so far as to predict [the worst]: "Twitter as we know it is over."': a content
    that a colon and a direct quote follow stands for that quote, attributed already."""
    rest = text[end:end + 6]
    if not rest.lstrip().startswith(":"):
        return False
    k = bisect.bisect_left(direct_starts, end)
    return k < len(direct_starts) and direct_starts[k] - end <= 6


def _mostly_direct(direct: list[tuple[int, int]], direct_starts: list[int], start: int, end: int) -> bool:
    """Whether more than 40% of ``[start, end)`` lies inside the sorted direct-quote spans."""
    inside = 0
    k = bisect.bisect_right(direct_starts, end) - 1
    while k >= 0 and direct[k][1] > start:
        a, b = direct[k]
        inside += max(0, min(b, end) - max(a, start))
        k -= 1
    return inside > 0.4 * (end - start)
