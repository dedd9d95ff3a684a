"""whipcount_quotes: direct, partial, nested and indirect quotes with their speakers.

Two sources of quotes, merged in text order:

* quote marks (:mod:`whipcount.nlp.quotemarks`): each double-quoted region is a *direct*
  quote when it stands as its own sentence or follows ``X said,`` / ``X said:``, else a
  *partial* quote inside the writer's sentence. Single-quoted regions inside a direct quote
  are *nested* quotes with their own speaker (``Joe's words were, 'You have ...'``). The
  speaker comes from a cue verb right after the closing mark (``," Proto said``), right before
  the opening mark (``Proto said: "``), or, for a quote standing alone, from the last speaker.
* the dependency parse: a cue verb (``data/quote_verbs.txt``) with a clausal complement is
  *indirect* speech, its subject the source (``Swan denied Lieberman's event puts ...``);
  ``CLAUSE, X said``, ``as X noted`` and ``according to X, CLAUSE`` are read the same way.
  The learned model of :mod:`whipcount.nlp.reported` adds what the cue list misses
  (``Clinton mentioned disparaging remarks``, ``She wants to triple ...``) when its source
  could speak. An indirect quote that contains a partial quote is *mixed*, and the partial
  quote is folded into it.
* labelled lines (:mod:`whipcount.nlp.labels`): ``Lynch: No outside influence on FBI probe``
  and transcript lines (``TAPPER: And obviously, ...``) are the label's speech.
* two halves of one sentence split by the attribution (``"A," he said, "b."``) are one quote,
  and so are ``"A," he said. "B."`` when the attribution is bare (as PolNeAR marks them).

Speakers are mapped to entities by :class:`whipcount.nlp.coref.Resolver`. Results go to
``get_facts(doc).quotes`` (ids ``q1``.. in text order) and ``doc.spans["quotes"]``.
"""

from __future__ import annotations

import bisect
import logging
import re

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..models import Quote
from .coref import Resolver
from .extensions import get_facts, text_of
from .indirect import indirect_quotes, reported_candidates
from .labels import labelled_quotes, sign_quotes, turn_label
from .lexicon import word_set
from .quote_common import MARKS, SENT_END, QuoteLexicon, cue_subject, load_quote_lexicon
from .quote_common import DocIndex as _Doc
from .quote_common import QuoteCand as _Cand
from .quote_common import is_cue as _is_cue
from .quote_common import is_speech_cue
from .quote_common import phrase_cue as _phrase_cue
from .quote_common import trim_span as _trim_span
from .quotemarks import MarkedRegion, scan_quotes
from .titles import is_title as _is_title_word
from .reported import TIME_ENTS, Candidate, cut_before, is_time_word, leading_name, subject_of

LOGGER = logging.getLogger(__name__)

SPAN_KEY = "quotes"
POST_TOKENS = 22        # how far after a closing mark a cue verb may be
PRE_TOKENS = 25         # how far before an opening mark
MERGE_GAP = 120         # most characters of attribution between two halves of one quote
FLOAT_CHARS = 1200      # a standing-alone quote inherits a speaker this close before it
_SINGLE_QUOTED = re.compile(r"(?:^|\s)'\w")  # a quote inside a quote in straight marks


def looks_like_title(content: str, lex: QuoteLexicon) -> bool:
    """A short quote in title case ("Meet the Press", "The Walking Dead"): a name, not speech."""
    words = [w.strip(".,:;!?\u2019'\"()") for w in content.split()]
    words = [w for w in words if w]
    if not words or len(words) > 8:
        return False
    caps = [w for w in words if w[0].isupper() or w[0].isdigit()]
    return len(caps) == len([w for w in words if w.lower() not in lex.title_words]) and bool(caps) \
        and not (len(words) >= 4 and content.rstrip()[-1:] in ".?!" and len(caps) < len(words))


@Language.factory("whipcount_quotes", assigns=["doc._.whipcount", "doc.spans"],
                  requires=["token.dep", "token.lemma", "token.pos"])
def make_quotes(nlp: Language, name: str) -> QuoteFinder:
    """The spaCy factory: ``nlp.add_pipe("whipcount_quotes")``."""
    return QuoteFinder()


class QuoteFinder:
    """The whipcount_quotes pipeline component (see the module docstring)."""

    def __init__(self, lexicon: QuoteLexicon | None = None) -> None:
        self.lex = lexicon or load_quote_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        facts = get_facts(doc)
        try:
            quotes = find_quotes(doc, self.lex)
        except Exception:  # a parse we did not foresee must not lose the article
            LOGGER.exception("quote extraction failed; the article keeps no quotes")
            quotes = []
        facts.quotes.extend(quotes)
        spans = []
        for q in quotes:
            sp = doc.char_span(q.span[0], q.span[1], label=q.kind, alignment_mode="expand")
            if sp is not None:
                spans.append(sp)
        doc.spans[SPAN_KEY] = spans
        return doc


def find_quotes(doc: Doc, lex: QuoteLexicon | None = None) -> list[Quote]:
    """All quotes of ``doc`` with speakers, as :class:`~whipcount.models.Quote` objects."""
    lex = lex or load_quote_lexicon()
    text = text_of(doc)
    regions = scan_quotes(text)
    d = _Doc(doc, regions, text)
    used_cues: set[int] = set()
    cands = _merge_split_quotes(d, _marked_quotes(d, regions, lex, used_cues), lex)
    sign_quotes(d, cands)
    cands += indirect_quotes(d, lex, used_cues, cands)
    cands += labelled_quotes(d, cands)
    cands = _fold_partials(cands, text)
    return _to_quotes(d, cands, Resolver(doc, get_facts(doc)))


# ---- quotes from marks ------------------------------------------------------------------

def _chains(d: _Doc, regions: list[MarkedRegion]) -> list[list[int]]:
    """Top-level regions grouped into quotes (a multi-paragraph quote is one chain). A
    paragraph that opens with a speaker's label ('"PENCE: Well, ...') starts a quote of its
    own: a transcript quoted paragraph by paragraph is one quote per turn."""
    chain_of: dict[int, list[int]] = {}
    chains: list[list[int]] = []
    for i, r in enumerate(regions):
        if r.depth:
            continue
        if r.continues is not None and r.continues in chain_of and turn_label(d, r.start) is None:
            chain = chain_of[r.continues]
            chain.append(i)
        else:
            chain = [i]
            chains.append(chain)
        chain_of[i] = chain
    return chains


def _marked_quotes(d: _Doc, regions: list[MarkedRegion], lex: QuoteLexicon,
                   used_cues: set[int]) -> list[_Cand]:
    text = d.text
    cands: list[_Cand] = []
    chains = _chains(d, regions)
    last_direct: _Cand | None = None  # the last direct quote, or partial one with a cue: a
    # floating quote after it inherits its speaker
    children: dict[int, list[int]] = {}
    for j, r in enumerate(regions):
        if r.depth and r.parent is not None:
            children.setdefault(r.parent, []).append(j)
    for n, chain in enumerate(chains):
        first, last = regions[chain[0]], regions[chain[-1]]
        if not text[first.start:last.end].strip():
            continue
        prev_stop = regions[chains[n - 1][-1]] if n else None
        if len(chain) == 1 and first.close_mark is not None and _nickname_at(text, first.open_mark):
            continue  # 'Marcia “Cia” Price': part of a name, not a quote
        later = (regions[c[0]].open_mark for c in chains[n + 1:]
                 if not (len(c) == 1 and _nickname_at(text, regions[c[0]].open_mark)))
        next_start = next(later, len(text))
        pre_lo = _para_start(text, first.open_mark)
        if prev_stop is not None:
            stop = prev_stop.close_mark if prev_stop.close_mark is not None else prev_stop.end
            pre_lo = max(pre_lo, stop + 1)
        pre = text[pre_lo:first.open_mark]
        m = None
        for m in SENT_END.finditer(pre):
            pass
        clause_lo = pre_lo + (m.end() if m else 0)
        pre_clause = text[clause_lo:first.open_mark].strip()
        after = (last.close_mark + 1) if last.close_mark is not None else last.end
        post_hi = min(next_start, _para_end(text, after))
        content = text[first.start:last.end]
        before = [t for t in d.tokens(clause_lo, first.open_mark) if not t.is_punct]
        kind = _direct_or_partial(pre_clause, content, bool(before) and _says(before[-1], lex))
        if (kind == "partial" and prev_stop is not None and pre_clause.endswith(",")
                and clause_lo == pre_lo and len(pre_clause.split()) <= 8
                and cands and cands[-1].kind == "direct"):
            kind = "direct"  # the second half of '"...," Proto said, "..."'
        elif kind == "partial" and pre_clause.endswith(",") and _phrase_frame(d, clause_lo, first.open_mark, lex):
            kind = "direct"  # 'as the prosecutor put it, "apart from ..."'
        elif (kind == "partial" and pre_clause.endswith(",")
              and _speech_frame(d, clause_lo, first.open_mark, content, lex)):
            kind = "direct"  # '..., telling the crowd, "Some people ..."'

        cand = _Cand(kind=kind, start=first.start, end=last.end, region=chain[0])
        is_title = len(chain) == 1 and looks_like_title(content, lex)
        opens_para = not text[_para_start(text, first.open_mark):first.open_mark].strip()
        turn = turn_label(d, first.start) if opens_para else None
        if turn is not None:  # '"WALLACE: Let's start ...': a transcript's turn
            kind = cand.kind = "direct"
            (src, cand.start), cue = turn, None
        elif kind == "direct":
            cue, src = _speaker_after(d, after, post_hi, content, lex, first.start)
            if cue is not None and src is not None:
                _run_on_to_cue(d, cand, after, cue, src)
            if cue is None and pre_clause:
                cue, src = _speaker_before(d, clause_lo, first.open_mark, lex)
            elif cue is None and pre_lo == _para_start(text, first.open_mark):
                cue, src = _speaker_of_colon_intro(d, pre_lo, prev_stop, lex)
            if src is not None and d.in_top_region(src.idx) is not None:
                # '"...," adding, "..."' parsed with the participle inside the first quote: the
                # subject found is a word of that quote; the second part is the first's speaker's
                cue, src = None, None
                if last_direct is not None and len(pre_clause.split()) <= 3 and clause_lo == pre_lo:
                    pre_clause = ""
        if kind == "direct":
            if src is not None:
                cand.cue, cand.source, cand.confidence = cue, src, 0.9
                if cue is not None:
                    used_cues.add(cue.i)
            elif is_title:
                continue
            elif (last_direct is not None and not pre_clause
                  and first.open_mark - last_direct.end < FLOAT_CHARS):
                cand.inherit, cand.confidence = True, 0.6
            else:
                cand.confidence = 0.4
            last_direct = cand
        else:
            if is_title:
                continue
            cue, src = _speaker_in_sentence(d, first.open_mark, after, lex)
            if cue is not None:
                cand.cue, cand.source, cand.confidence = cue, src, 0.75
                _extend_partial(d, cand)
                last_direct = cand  # '"not meeting the demand," says X. "We often ..."'
            else:
                cand.keep_without_speaker = False
        cands.append(cand)
        # nested quotes inside a direct quote
        if kind == "direct":
            parent = cands[-1]
            for ri in chain:
                for j in children.get(ri, ()):
                    r = regions[j]
                    nested = _nested_quote(d, regions[ri], r, lex)
                    if nested is not None:
                        nested.parent = parent
                        nested.region = j
                        cands.append(nested)
    return cands


def _merge_split_quotes(d: _Doc, cands: list[_Cand], lex: QuoteLexicon) -> list[_Cand]:
    """'"A," Baker said, "b."': one sentence interrupted by its attribution is one quote.

    Two top-level direct quotes of one paragraph merge when the second goes on with the
    first's sentence (it starts in lower case), only the attribution of one of them (or
    nothing) stands between them, and they do not name different speakers.
    """
    out: list[_Cand] = []
    prev: _Cand | None = None
    for c in cands:
        if c.parent is not None or c.kind != "direct":
            out.append(c)
            if c.parent is None:
                prev = None
            continue
        if prev is not None and _same_quote(d, prev, c, lex):
            prev.end = c.end
            if prev.source is None and c.source is not None:
                prev.cue, prev.source, prev.confidence, prev.inherit = c.cue, c.source, c.confidence, False
            for o in out:
                if o.parent is c:
                    o.parent = prev
            continue
        out.append(c)
        prev = c
    return out


def _same_quote(d: _Doc, a: _Cand, b: _Cand, lex: QuoteLexicon) -> bool:
    gap = d.text[a.end:b.start]
    if "\n" in gap or len(gap) > MERGE_GAP:
        return False
    if a.source is not None and b.source is not None and a.source.i != b.source.i:
        return False
    body = _quote_body(d.text[b.start:b.end])
    if _continued_after_attribution(d, a, b, gap, lex):
        return True
    if _framed_between(d, a, gap, lex):
        return True
    if not body[:1].islower() or d.text[a.start:a.end].rstrip()[-1:] in ".?!":
        return False  # a new sentence is a new quote; only '"A," he said, "b ..."' is one
    if not gap.strip(" " + MARKS):
        return True
    cue = b.cue if b.source is not None else a.cue
    return cue is not None and a.end <= cue.idx < b.start


def _continued_after_attribution(d: _Doc, a: _Cand, b: _Cand, gap: str, lex: QuoteLexicon) -> bool:
    """'"A," Baker said. "B."': B, without a speaker of its own, goes on with A's attribution.

    PolNeAR takes both halves as one content. Not when the attribution says more than the
    speaker and cue (:func:`_attribution_adds`): a second verb, or a role longer than A itself
    ('"I have a different stance than Joe on the war," said Robert Proto, President of
    UNITE-HERE Local 35 in New Haven. "'), where the quote's text would be mostly attribution;
    nor when A holds a quote of someone else's: there the second part reads as a new statement.
    """
    if b.source is not None or a.source is None or a.cue is None:
        return False
    at = d.text[a.start:a.end]
    if "," in gap:
        more = _attribution_adds(d, a.cue, a.end + gap.index(","), a.end + len(gap), lex)
        if more == "verb" or more == "role" and len(gap) > len(at):
            return False
    if at.rstrip()[-1:] not in ",!?" or not a.end <= a.cue.idx < b.start:
        return False
    if not gap.rstrip(" " + MARKS).endswith("."):
        return False
    return "\u2018" not in at and _SINGLE_QUOTED.search(at) is None


def _attribution_adds(d: _Doc, cue: Token, lo: int, hi: int, lex: QuoteLexicon) -> str | None:
    """What the words of an attribution from ``lo`` (its first comma) to ``hi`` add to who said
    it: "verb", a verb besides the cue that speaks or has words of its own ('," she told the
    crowd, then referred to ...', '," Trump said, adding a plug for himself. "'); "role", a
    role in apposition to the speaker ('," said Sara Fagen, a Republican strategist. "'); or
    None: a bare participle ('," she said, clapping. "') or a place ('," said the Rev. Peter
    Wherry, of Mayfield Baptist Church. "')."""
    role = False
    for t in d.tokens(lo, hi):
        if t.i == cue.i:
            continue
        if t.pos_ in ("VERB", "AUX") and (_is_cue(t, lex) or any(k.dep_ != "punct" for k in t.children)):
            return "verb"
        role = role or t.dep_ == "appos"
    return "role" if role else None


def _framed_between(d: _Doc, a: _Cand, gap: str, lex: QuoteLexicon) -> bool:
    """'"A," Brafman said, "B ..."': a bare attribution ending in a comma between two halves
    carries the sentence on into the second, capital letter or not; one quote. Not when the
    words between hold a second verb ('," Blige sings to Clinton before asking her, "')."""
    inner = gap.strip(" " + MARKS)
    if d.text[a.start:a.end].rstrip()[-1:] != "," or not inner.endswith(","):
        return False
    if a.cue is None or not a.end <= a.cue.idx < a.end + len(gap) or "," in inner[:-1]:
        return False
    return not any((t.pos_ == "VERB" or _is_cue(t, lex)) and t.i != a.cue.i
                   for t in d.tokens(a.end, a.end + len(gap)))


_NOT_COMPLEMENT = frozenset({"conj", "cc", "parataxis", "advcl", "punct"})


def _without_later_verbs(holder: Token, end: int) -> list[Token]:
    """The holder's words without a coordinated verb after the quote ends and what follows it:
    'that Machado was "a con" [and encouraged Americans to ...]' is a second clause. Like
    :func:`cut_before`, this drops the punctuation before the cut, the closing mark too; the
    caller takes back the punctuation that ends the phrase."""
    toks = list(holder.subtree)
    cut = next((c for c in holder.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
                and c.left_edge.idx >= end), None)
    if cut is None:
        return toks
    return cut_before(toks, next(k for k, t in enumerate(toks) if t.i >= cut.left_edge.i))


def _extend_partial(d: _Doc, cand: _Cand) -> None:
    """'called Trump a "pathological liar"': the reported part is the cue's words after it.

    When the cue governs the partial quote, the content becomes the cue's right-hand
    complement (without a leading 'that' and end punctuation) and the quote is 'mixed'.
    """
    cue = cand.cue
    if cue is None:
        return
    inside = d.doc[min(d.token_at(cand.start), len(d.doc) - 1)]
    if cue not in inside.ancestors and inside.head != cue:
        return
    toks: list[Token] = []
    rights = list(cue.rights)
    holders = [c for c in rights if any(cand.start <= x.idx < cand.end for x in c.subtree)]
    clause = any(c.dep_ == "ccomp" for c in holders)
    for c in rights:
        holds = c in holders
        if c.dep_ in _NOT_COMPLEMENT and not holds:
            continue  # 'and his administration has made ...': another clause, not the words called
        if c.dep_ in ("prep", "advmod", "npadvmod") and not holds:
            continue
        if clause and c.dep_ in ("dobj", "dative") and not holds:
            continue  # 'told a town hall in Salem that waterboarding is "peanuts"': the audience
        toks.extend(_without_later_verbs(c, cand.end) if holds else c.subtree)
    sent = cue.sent  # Token.sent walks the sentence: look it up once, not once per token
    toks = [t for t in toks if sent.start <= t.i < sent.end]
    if not toks:
        return
    lo, hi = min(t.i for t in toks), max(t.i for t in toks)
    while hi + 1 < sent.end and d.doc[hi + 1].is_punct:
        hi += 1  # the closing mark (and the comma before it) of a quote that ends the phrase
    span = _trim_span(d, list(d.doc[lo:hi + 1]), keep_marks=True)
    if span is None or span[0] > cand.start or span[1] < cand.end:
        return
    if span[1] - span[0] > 3 * (cand.end - cand.start) + 60:
        return
    cand.start, cand.end, cand.kind = span[0], span[1], "mixed"


def _para_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _para_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _quote_body(content: str) -> str:
    """A quote's words from the first letter or digit (leading dots, brackets, dashes, marks off)."""
    return content.lstrip(" .…[(-—–" + MARKS)


def _says(tok: Token, lex: QuoteLexicon) -> bool:
    """A cue verb of the speech or commit class ('chanted', 'asked'): what follows it in marks
    can be a whole utterance."""
    return _is_cue(tok, lex) and lex.verbs.get(tok.lemma_.lower()) in ("speech", "commit")


def _direct_or_partial(pre_clause: str, content: str, after_speech_verb: bool) -> str:
    """Direct when the quote starts its sentence or follows a cue frame ("X said:"), or when it
    opens like a sentence right after a speech verb ('Protesters chanted "What curfew?"')."""
    body = _quote_body(content)
    first = body[:1]
    starts_like_sentence = first.isupper() or first.isdigit()
    if not pre_clause:
        return "direct" if starts_like_sentence or len(content.split()) >= 6 else "partial"
    if pre_clause.endswith(":"):
        return "direct"
    if pre_clause.endswith(",") and starts_like_sentence:
        words = pre_clause.rstrip(",").split()
        if len(words) <= 12:
            return "direct"
    return "direct" if first.isupper() and after_speech_verb else "partial"


_subject = subject_of


def _speaker_after(d: _Doc, lo: int, hi: int, content: str, lex: QuoteLexicon, start: int):
    """A cue right after a closing mark: '," Proto said' / '," said Proto' / '," he added'.

    ``start`` is where the quote's content starts: a cue further on that the parse makes the
    head of a word of the quote takes it ('"..." if she didn't win by more, said Wasserman')."""
    toks = d.tokens(lo, hi)[:POST_TOKENS]
    ends = content.rstrip()[-1:] if content.strip() else ""
    text_after = d.text[lo:hi].lstrip()
    open_end = ends in ",?!-—–…" or text_after[:1] in (",", "—", "–", "-")
    for k, tok in enumerate(toks):
        if tok.text in (".", "?", "!") or any(ch in tok.text for ch in "\u201c\"\u201d") and not _nickname_at(d.text, tok.idx):
            break
        found = _phrase_cue(toks, k, lex)
        if found is not None:
            return found[0], found[1]
        if not _is_cue(tok, lex):
            continue
        if tok.dep_ in ("relcl", "acl") or any(
                a.dep_ in ("relcl", "acl") and a.i >= toks[0].i for a in tok.ancestors):
            continue  # '," an intelligence source, who was not authorized to speak, told Fox'
        src = _subject(tok)
        if (src is None or is_time_word(src) or src.i > tok.i and k > 0
                or d.in_top_region(src.idx) is not None):
            # '," Mr. Daniloff, now 81 and retired in Cambridge, said this week': the parse
            # lost the subject; the name between the closing mark and the cue is the speaker
            src = (leading_name(toks[:k]) or _leading_noun(toks[:k], tok)
                   or _name_just_before(toks[:k]) or src)
        if src is None or is_time_word(src) or d.in_top_region(src.idx) is not None:
            continue
        if not open_end:
            # "... end." Smith said the bill ... starts a new sentence of its own
            if any(c.dep_ in ("ccomp", "xcomp") and c.idx > tok.idx for c in tok.children):
                continue
            if k > 8 and not any(t.head.i == tok.i and not t.is_punct for t in d.tokens(start, lo)):
                continue
        return tok, src
    if open_end:
        # '," Trump shot back': any verb right after an open-ended quote, with its subject
        for k, tok in enumerate(toks[:5]):
            if tok.text in (".", "?", "!", ";") or any(ch in tok.text for ch in "\u201c\""):
                break
            if tok.pos_ == "VERB" and tok.dep_ not in ("aux", "auxpass", "amod", "nsubj", "nsubjpass"):
                # '," Trump barked' with the name parsed as the verb's compound: the name first
                src = _subject(tok) or leading_name(toks[:k])
                if (src is not None and (src.pos_ in ("PROPN", "PRON") or src.text[:1].isupper())
                        and src.i < tok.i
                        and d.in_top_region(src.idx) is None):
                    return tok, src
                if k == 0:
                    # '!" beamed Donald Hartley of Madison': the verb first, a name after it
                    src = leading_name(toks[1:])
                    if src is not None and src.pos_ == "PROPN" and d.in_top_region(src.idx) is None:
                        return tok, src
                break
    return None, None


_NICKNAME = re.compile("(?<=[A-Za-z.] )([\"\u201c][A-Z][a-z'\u2019-]+[\"\u201d])(?= [A-Z])")


def _nickname_at(text: str, i: int) -> bool:
    """The mark at ``i`` opens or closes a nickname inside a name: 'Marcia “Cia” Price'."""
    for m in _NICKNAME.finditer(text, max(0, i - 30), i + 30):
        word = text[:m.start()].rstrip().rsplit(None, 1)[-1:]
        if (m.start() == i or m.end() - 1 == i) and word and word[0][:1].isupper():
            return True
    return False


def _run_on_to_cue(d: _Doc, cand: _Cand, after: int, cue: Token, src: Token) -> None:
    """'"We are horrified" by the shooting in Orlando, Nefzi said': words between the closing
    mark and the attribution go on with the quote's sentence; the content runs to them (mixed)."""
    if not d.text[cand.start:cand.end].rstrip()[-1:].isalnum():
        return  # '...," another friend, Emara, said' / '... nothing." That's why, he said'
    stop = min(cue.idx, _mention(src)[0])
    gap = [t for t in d.tokens(after, stop) if not t.is_punct and not t.is_space]
    if gap:
        cand.end, cand.kind, cand.run_on = gap[-1].idx + len(gap[-1].text), "mixed", True


def _leading_noun(toks: list[Token], cue: Token) -> Token | None:
    """'," an intelligence source, who was not authorized to speak, told Fox News': the noun
    phrase the words after the closing mark start with (its head, before the cue)."""
    first = next((t for t in toks if not t.is_punct and not t.is_space), None)
    if first is None or first.pos_ != "DET":
        return None
    head = first.head
    return head if head.pos_ in ("NOUN", "PROPN") and first.i < head.i < cue.i else None


_TITLED_NAME = 7  # most words of a name with its title ('Tulsa police Chief Chuck Jordan')


def _name_just_before(toks: list[Token]) -> Token | None:
    """'," Tulsa police Chief Chuck Jordan said' with the first word parsed as a verb: when
    only the words of one name (and its title) stand between the closing mark and the cue, the
    last of them is the speaker."""
    words = [t for t in toks if not t.is_space]
    if words and words[0].text == ",":
        words = words[1:]
    if not words or len(words) > _TITLED_NAME or any(not t.is_alpha for t in words):
        return None
    last = words[-1]
    if last.pos_ != "PROPN" or not last.text[:1].isupper() or last.ent_type_ in TIME_ENTS:
        return None
    return last


def _speaker_before(d: _Doc, lo: int, hi: int, lex: QuoteLexicon):
    """A cue before an opening mark: 'Proto said: "' / 'He told reporters, "'."""
    toks = d.tokens(lo, hi)[-PRE_TOKENS:]
    for k in range(len(toks) - 1, -1, -1):
        tok = toks[k]
        found = _phrase_cue(toks, k, lex)
        if found is not None:
            return found[0], found[1]
        if _is_cue(tok, lex):
            # 'said Proto: "' reads a source after the verb; 'telling reporters, "' does not
            src = cue_subject(tok, lex, inverted=tok.tag_ in _FINITE)
            if src is None and tok.dep_ == "xcomp":
                # 'Okafor was prompted to say, "': the passive subject of the verb says it
                src = next((c for c in tok.head.children if c.dep_ == "nsubjpass"), None)
            if (src is None or src.idx >= hi) and tok.tag_ == "VBG" and k and toks[k - 1].text == ",":
                src = _clause_subject_before(toks[:k - 1])
            if src is None and tok.i == tok.sent.start and tok.text[:1].isupper():
                src = leading_name(toks[k + 1:])  # 'Continued Stone: "': the verb first
            if src is not None and src.idx < hi:
                return tok, src
    if d.text[lo:hi].rstrip().endswith(":") and toks:
        return _colon_frame_speaker(d, toks, hi)
    return None, None


def _colon_frame_speaker(d: _Doc, toks: list[Token], hi: int):
    """The speaker of a frame ending in a colon, when the frame has no cue verb.

    'Auerbach went so far as to predict the worst:' and 'but he gave the Texan a
    back-handed compliment:' give the subject of the verb the colon closes; a frame without
    a verb ('Rep. Trey Gowdy (R-S.C.):', 'From Bush's Facebook post:', 'More from Jones:')
    gives its last person's name.
    """
    k = max((j for j, t in enumerate(toks) if t.text == ":"), default=len(toks))
    verb: Token | None = toks[k - 1] if k else None
    while verb is not None and verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb is not None and verb.pos_ in ("VERB", "AUX") and toks[0].i <= verb.i < toks[-1].i:
        while True:  # 'went so far as to predict the worst:': the subject of 'went'
            src = _subject(verb)
            if src is not None or verb.head.i == verb.i or verb.head.i < toks[0].i:
                break
            verb = verb.head
        return (verb, src) if src is not None and src.idx < hi else (None, None)
    if any(t.pos_ in ("VERB", "AUX") for t in toks) or len(toks) > 12:
        return None, None
    names = [t for t in toks if t.ent_type_ == "PERSON"] or [
        t for t in toks if t.pos_ == "PROPN" and t.text[:1].isupper() and d.in_top_region(t.idx) is None]
    return (None, names[-1]) if names else (None, None)


_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def _clause_subject_before(toks: list[Token]) -> Token | None:
    """'Clinton seemed ready to riff on it, telling the crowd, "..."' parsed with 'telling'
    under the quote's verb: the subject of the nearest verb before the participle's comma."""
    for t in reversed(toks):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
            src = _subject(t, inverted=False)
            if src is not None and src.i < t.i:
                return src
    return None


def _speech_frame(d: _Doc, lo: int, hi: int, content: str, lex: QuoteLexicon) -> bool:
    """Whether a capitalised quote follows a speech verb's own comma-set frame: 'Clinton seemed
    ready to riff on it, telling the crowd, "Some ..."' (the frame after the last comma holds
    the verb, a few words before the mark)."""
    if not _quote_body(content)[:1].isupper():
        return False
    toks = [t for t in d.tokens(lo, hi) if not t.is_space]
    if len(toks) < 2 or toks[-1].text != ",":
        return False
    frame: list[Token] = []
    for t in reversed(toks[:-1]):
        if t.text in (",", ";", ":") or any(ch in t.text for ch in MARKS):
            break
        frame.insert(0, t)
    if not frame:
        return False
    # '..., telling the crowd, "' / 'Mr. Trump was prompted to say, "'
    return (len(frame) <= 5 and any(is_speech_cue(t, lex) for t in frame)) or is_speech_cue(frame[-1], lex)


def _phrase_frame(d: _Doc, lo: int, hi: int, lex: QuoteLexicon) -> bool:
    """Whether a cue phrase ('in Forbes' words,', 'according to Reyes,') ends right before ``hi``."""
    toks = d.tokens(lo, hi)[-PRE_TOKENS:]
    for k in range(len(toks)):
        found = _phrase_cue(toks, k, lex)
        if found is not None:
            return all(t.is_punct for t in toks if t.i > found[2].i)
    return False


def _speaker_of_colon_intro(d: _Doc, para_lo: int, prev_stop: MarkedRegion | None, lex: QuoteLexicon):
    """A quote opening its paragraph after one that ends in a colon ('Clinton released the
    following statement:'): the speaker of that last sentence, when it is not in a quote."""
    intro_end = len(d.text[:para_lo].rstrip())
    if not d.text[:intro_end].endswith(":"):
        return None, None
    lo = _para_start(d.text, intro_end - 1)
    if prev_stop is not None:
        stop = prev_stop.close_mark if prev_stop.close_mark is not None else prev_stop.end
        if stop >= intro_end - 1:
            return None, None  # the colon closes a quote: not a frame of the writer's
        lo = max(lo, stop + 1)
    m = None
    for m in SENT_END.finditer(d.text[lo:intro_end]):
        pass
    lo += m.end() if m else 0
    cue, src = _speaker_before(d, lo, intro_end, lex)
    if src is None or d.in_top_region(src.idx) is not None:
        return None, None
    return cue, src


def _speaker_in_sentence(d: _Doc, open_mark: int, after: int, lex: QuoteLexicon):
    """For a partial quote: the cue of its sentence that governs it (or the nearest one)."""
    i = d.token_at(open_mark)
    sent = d.doc[i].sent
    best = None
    for tok in sent:
        if not _is_cue(tok, lex) or open_mark <= tok.idx < after:
            continue
        src = _subject(tok)
        if src is None or d.in_top_region(src.idx) is not None:
            continue
        inside = d.doc[min(i + 1, len(d.doc) - 1)]
        governs = tok in inside.ancestors
        dist = abs(tok.idx - open_mark)
        score = (0 if governs else 1, dist)
        if best is None or score < best[0]:
            best = (score, tok, src)
    return (best[1], best[2]) if best else (None, None)


def _nested_quote(d: _Doc, parent: MarkedRegion, r: MarkedRegion, lex: QuoteLexicon) -> _Cand | None:
    """A single-quoted region inside a direct quote, when its own speaker is named before it."""
    if not d.text[r.start:r.end].strip():
        return None
    lo = parent.start
    pre = d.text[lo:r.open_mark]
    m = None
    for m in SENT_END.finditer(pre):
        pass
    lo += m.end() if m else 0
    toks = d.tokens(lo, r.open_mark)
    cue, src = None, None
    for tok in reversed(toks):
        if _is_cue(tok, lex):
            s = _subject(tok)
            if s is not None:
                cue, src = tok, s
                break
    if src is None:
        # "Joe's words to Yale were, '...'": the possessor of the subject
        for tok in toks:
            if tok.pos_ == "PROPN" and any(c.dep_ == "case" for c in tok.children):
                src = tok
                break
            if tok.ent_type_ == "PERSON" and tok.dep_ in ("poss", "nmod"):
                src = tok
                break
    if src is None:
        return None
    return _Cand(kind="direct", start=r.start, end=r.end, cue=cue, source=src, confidence=0.7)


# ---- indirect speech --------------------------------------------------------------------

def training_candidates(doc: Doc, lex: QuoteLexicon | None = None) -> list[tuple[Candidate, list[str]]]:
    """``reported_candidates`` of a parsed Doc, for eval/train_quotes.py."""
    lex = lex or load_quote_lexicon()
    regions = scan_quotes(text_of(doc))
    d = _Doc(doc, regions, text_of(doc))
    used_cues: set[int] = set()
    cands = _merge_split_quotes(d, _marked_quotes(d, regions, lex, used_cues), lex)
    return reported_candidates(d, lex, used_cues, cands)


def _fold_partials(cands: list[_Cand], d_text: str) -> list[_Cand]:
    """A partial quote inside an indirect one makes it 'mixed'; overlapping indirects collapse."""
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    indirect = [c for c in cands if c.kind == "indirect"]
    starts = [c.start for c in indirect]
    for c in cands:
        if c.kind == "partial":
            last = bisect.bisect_right(starts, c.start) - 1  # the last indirect starting before it
            k = last
            host = None
            while k >= 0 and k >= last - 4:
                h = indirect[k]
                if h.start <= c.start and c.end <= h.end + 2:
                    # 'is "not keeping up," says X': the clause takes the quote's closing mark
                    h.end = max(h.end, _past_mark(d_text, c.end))
                    host = h
                    break
                if h.start <= c.start < h.end and c.end - h.end < 400 and "\n" not in d_text[h.end:c.end]:
                    # 'said reform "is a 'when' question. It is not an 'if' question."': the quote
                    # runs on past the clause the parse gave the cue; the content runs on with it
                    h.end = _past_mark(d_text, c.end)
                    host = h
                    break
                k -= 1
            if host is None:
                host = _same_cue_before(indirect, last, c, d_text)
            if host is not None:
                host.kind = "mixed"
                continue
            if not c.keep_without_speaker:
                continue
        if c.kind in ("indirect", "mixed") and out:
            prev = next((p for p in reversed(out[-4:]) if p.kind in ("indirect", "mixed")), None)
            if prev is not None and min(prev.end, c.end) - max(prev.start, c.start) > 0.5 * (c.end - c.start):
                if c.kind == "mixed" and prev.start <= c.start and c.end <= prev.end:
                    prev.kind = "mixed"  # the clause it collapses into holds its quoted words
                continue
        out.append(c)
    return out


_JOIN_GAP = 160  # most characters between a reported clause and a quote that continues it


def _same_cue_before(indirect: list[_Cand], k: int, c: _Cand, d_text: str) -> _Cand | None:
    """'the mayor said that it was too early to tell, and there was "no evidence"': a partial
    quote after the reported clause of its own cue, in the same sentence, is more of that
    clause; the clause runs on to the end of the quote (returned, or None)."""
    if c.cue is None or k < 0:
        return None
    h = indirect[k]
    if h.cue is None or h.cue.i != c.cue.i or h.end > c.start or c.start - h.end > _JOIN_GAP:
        return None
    gap = d_text[h.end:c.start]
    if "\n" in gap or SENT_END.search(gap):
        return None
    h.end = _past_mark(d_text, c.end)
    return h


def _past_mark(text: str, end: int) -> int:
    """``end`` moved past the closing mark of the quote that ends there, if there is one."""
    return end + (1 if end < len(text) and text[end] in MARKS else 0)


# ---- speakers and output ----------------------------------------------------------------

_MENTION_STOPS = frozenset({",", ";", ":", "(", ")", "[", "]"})


def _mention(tok: Token) -> tuple[int, int]:
    """Character span of the speaker mention headed by ``tok`` (name words, det, compounds)."""
    lo = hi = tok.i
    for c in tok.lefts:
        if c.dep_ in ("compound", "det", "poss", "amod", "flat", "nmod", "nummod"):
            lo = min(lo, c.left_edge.i)
    doc = tok.doc
    for j in range(tok.i - 1, lo - 1, -1):
        if doc[j].is_quote or doc[j].text in _MENTION_STOPS:
            lo = j + 1  # 'hunky-dory," Gene Sperling': the quote's last words are not the name's
            break
    for c in tok.rights:
        if c.dep_ in ("compound", "flat") and c.i == hi + 1:
            hi = c.i
        elif c.dep_ == "prep" and c.lower_ == "of" and c.i == hi + 1 and (
                tok.pos_ == "NUM" or tok.lower_ in word_set("part_words.txt")):
            hi = c.right_edge.i  # 'two of its largest locals': the part is named by the whole
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def speaker_mention(source: Token) -> tuple[Token, tuple[int, int]]:
    """The speaker token a quote with this source is attributed to (the name beside a title,
    :func:`_name_in_apposition`) and the character span reported as its ``speaker_span``."""
    tok = _name_in_apposition(source)
    return tok, _mention(tok)


def _name_in_apposition(tok: Token) -> Token:
    """'The columnist David Auerbach': the name beside a common-noun head is the speaker;
    'Speaker of the House Rep. Paul Ryan': the person a title word's 'of' phrase names."""
    if tok.ent_type_ != "PERSON" and _is_title_word(tok.text):
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        name = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if name is not None and name.ent_type_ == "PERSON" and name.i - tok.i <= 7:
            return name
    if tok.pos_ == "NOUN":
        for c in tok.children:
            if c.dep_ in ("appos", "compound") and c.pos_ == "PROPN" and c.i == tok.i + len(
                    [t for t in c.lefts]) + 1:
                return c
        for c in tok.rights:
            if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i <= tok.i + 3:
                return c
    return tok


def _mention_text(tok: Token, span: tuple[int, int], text: str) -> str | None:
    """The speaker's words when no entity matched: the name run, or the noun phrase."""
    if tok.pos_ == "PRON":
        return None
    if tok.pos_ == "PROPN":
        doc = tok.doc
        lo = tok.i
        while lo > 0 and tok.i - lo < 3 and doc[lo - 1].pos_ == "PROPN":
            lo -= 1
        return " ".join(t.text for t in doc[lo:tok.i + 1])
    return text[span[0]:span[1]].strip(" ,") or None


def _to_quotes(d: _Doc, cands: list[_Cand], resolver: Resolver) -> list[Quote]:
    cands_sorted = sorted(range(len(cands)), key=lambda k: (cands[k].start, -(cands[k].end - cands[k].start)))
    new_id = {id(cands[k]): f"q{n + 1}" for n, k in enumerate(cands_sorted)}
    quotes: list[Quote] = []
    last: tuple[str | None, str | None, tuple[int, int] | None] | None = None
    text = d.text
    for k in cands_sorted:
        c = cands[k]
        speaker = speaker_id = None
        speaker_span = None
        if c.source is not None:
            c.source, speaker_span = speaker_mention(c.source)
            if c.cue is not None and speaker_span[0] <= c.cue.idx < speaker_span[1] and c.cue.i < c.source.i:
                # 'Continued Stone:' parsed as one noun phrase: the mention starts after the cue
                speaker_span = (d.doc[c.cue.i + 1].idx, speaker_span[1])
            ent = resolver.resolve(c.source, *speaker_span)
            if ent is not None:
                speaker, speaker_id = resolver.name_of(ent), resolver.id_of(ent)
                resolver.note_speaker(ent, *speaker_span)
            else:
                speaker = _mention_text(c.source, speaker_span, text)
            # a floating quote inherits the nearest quote in marks, a partial one too ('... "too
            # little," he added. "Without ..."': 'he', not the name of an earlier quote)
            if c.kind != "indirect" and c.parent is None:
                last = (speaker, speaker_id, speaker_span)
        elif c.inherit and last is not None:
            # a floating quote's local mention is the attribution it inherits ('"A," he said. "B."')
            speaker, speaker_id, speaker_span = last
        cue_span = None
        if c.cue is not None:
            cue_span = (c.cue.idx, c.cue.idx + len(c.cue.text))
            if c.cue.lower_ == "according":
                cue_span = (c.cue.idx, d.doc[c.cue.i + 1].idx + 2)
        quotes.append(Quote(
            id=new_id[id(c)], kind=c.kind, text=text[c.start:c.end], span=(c.start, c.end),
            speaker=speaker, speaker_id=speaker_id, speaker_span=speaker_span,
            cue=text[cue_span[0]:cue_span[1]] if cue_span else None, cue_span=cue_span,
            nested_in=new_id.get(id(c.parent)) if c.parent is not None else None,
            confidence=c.confidence))
    return quotes
