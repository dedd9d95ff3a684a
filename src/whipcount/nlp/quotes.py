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
  ``CLAUSE, X said`` and ``according to X, CLAUSE`` are read the same way. An indirect quote
  that contains a partial quote is *mixed*, and the partial quote is folded into it.

Speakers are mapped to entities by :class:`whipcount.nlp.coref.Resolver`. Results go to
``get_facts(doc).quotes`` (ids ``q1``.. in text order) and ``doc.spans["quotes"]``.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Quote
from .coref import Resolver, read_table
from .extensions import get_facts
from .quotemarks import MarkedRegion, scan_quotes

LOGGER = logging.getLogger(__name__)

SPAN_KEY = "quotes"
MARKS = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
SENT_END = re.compile(r"[.?!][\"'\u201d\u2019)]*(?:\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\s*$)")
POST_TOKENS = 14        # how far after a closing mark a cue verb may be
PRE_TOKENS = 25         # how far before an opening mark
FLOAT_CHARS = 1200      # a standing-alone quote inherits a speaker this close before it
SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")


@dataclass(frozen=True)
class QuoteLexicon:
    verbs: dict[str, str]          # lemma -> speech | commit | cognition | evidence
    phrases: tuple[tuple[str, ...], ...]
    title_words: frozenset[str]    # small words allowed lower case in a title


@lru_cache(maxsize=1)
def load_quote_lexicon() -> QuoteLexicon:
    """Cue verbs and cue phrases, read once from the package data."""
    verbs: dict[str, str] = {}
    for row in read_table("quote_verbs.txt"):
        verbs.setdefault(row[0].lower(), row[1] if len(row) > 1 else "speech")
    phrases = tuple(tuple(r[0].lower().split()) for r in read_table("cue_phrases.txt"))
    small = frozenset(r[0].lower() for r in read_table("title_words.txt"))
    return QuoteLexicon(verbs=verbs, phrases=phrases, title_words=small)


def looks_like_title(content: str, lex: QuoteLexicon) -> bool:
    """A short quote in title case ("Meet the Press", "The Walking Dead"): a name, not speech."""
    words = [w.strip(".,:;!?\u2019'\"()") for w in content.split()]
    words = [w for w in words if w]
    if not words or len(words) > 8:
        return False
    caps = [w for w in words if w[0].isupper() or w[0].isdigit()]
    return len(caps) == len([w for w in words if w.lower() not in lex.title_words]) and bool(caps) \
        and not (len(words) >= 4 and content.rstrip()[-1:] in ".?!" and len(caps) < len(words))


@dataclass
class _Cand:
    kind: str
    start: int
    end: int
    cue: Token | None = None
    source: Token | None = None      # head token of the speaker mention
    region: int | None = None        # index of the top marked region
    parent: _Cand | None = None      # the containing quote
    inherit: bool = False            # takes the last speaker
    confidence: float = 0.5
    keep_without_speaker: bool = True


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


class _Doc:
    """Token look-ups by character offset, built once per document."""

    def __init__(self, doc: Doc, regions: list[MarkedRegion], text: str):
        self.doc = doc
        self.text = text
        self.starts = [t.idx for t in doc]
        self.top = [r for r in regions if r.depth == 0]
        self.top_starts = [r.open_mark for r in self.top]

    def token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def tokens(self, start: int, end: int) -> list[Token]:
        """Tokens starting in ``[start, end)``."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return [self.doc[k] for k in range(i, j)]

    def in_top_region(self, char: int) -> int | None:
        """Index of the top-level region whose marks enclose ``char``."""
        k = bisect.bisect_right(self.top_starts, char) - 1
        if k >= 0:
            r = self.top[k]
            close = r.close_mark if r.close_mark is not None else r.end
            if r.open_mark <= char <= close:
                return k
        return None


def find_quotes(doc: Doc, lex: QuoteLexicon | None = None) -> list[Quote]:
    """All quotes of ``doc`` with speakers, as :class:`~whipcount.models.Quote` objects."""
    lex = lex or load_quote_lexicon()
    text = doc.text
    regions = scan_quotes(text)
    d = _Doc(doc, regions, text)
    used_cues: set[int] = set()
    cands = _marked_quotes(d, regions, lex, used_cues)
    cands += _indirect_quotes(d, lex, used_cues, cands)
    cands = _fold_partials(cands)
    return _to_quotes(d, cands, Resolver(doc, get_facts(doc)))


# ---- quotes from marks ------------------------------------------------------------------

def _chains(regions: list[MarkedRegion]) -> list[list[int]]:
    """Top-level regions grouped into quotes (a multi-paragraph quote is one chain)."""
    chain_of: dict[int, list[int]] = {}
    chains: list[list[int]] = []
    for i, r in enumerate(regions):
        if r.depth:
            continue
        if r.continues is not None and r.continues in chain_of:
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
    chains = _chains(regions)
    last_direct: _Cand | None = None
    children: dict[int, list[int]] = {}
    for j, r in enumerate(regions):
        if r.depth and r.parent is not None:
            children.setdefault(r.parent, []).append(j)
    for n, chain in enumerate(chains):
        first, last = regions[chain[0]], regions[chain[-1]]
        if not text[first.start:last.end].strip():
            continue
        prev_stop = regions[chains[n - 1][-1]] if n else None
        next_start = regions[chains[n + 1][0]].open_mark if n + 1 < len(chains) else len(text)
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
        kind = _direct_or_partial(pre_clause, content, lex)
        if (kind == "partial" and prev_stop is not None and pre_clause.endswith(",")
                and clause_lo == pre_lo and len(pre_clause.split()) <= 8
                and cands and cands[-1].kind == "direct"):
            kind = "direct"  # the second half of '"...," Proto said, "..."'

        cand = _Cand(kind=kind, start=first.start, end=last.end, region=chain[0])
        is_title = len(chain) == 1 and looks_like_title(content, lex)
        if kind == "direct":
            cue, src = _speaker_after(d, after, post_hi, content, lex)
            if cue is None and pre_clause:
                cue, src = _speaker_before(d, clause_lo, first.open_mark, lex)
            if cue is not None:
                cand.cue, cand.source, cand.confidence = cue, src, 0.9
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
    toks = [t for t in cue.subtree if t.i > cue.i and t.dep_ not in ("prep", "advmod", "npadvmod")
            or t.i > cue.i and any(cand.start <= x.idx < cand.end for x in t.subtree)]
    toks = [t for t in toks if t.sent == cue.sent]
    if not toks:
        return
    lo, hi = min(t.i for t in toks), max(t.i for t in toks)
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


def _direct_or_partial(pre_clause: str, content: str, lex: QuoteLexicon) -> str:
    """Direct when the quote starts its sentence or follows a cue frame ("X said:")."""
    body = content.lstrip(" .…[(-—–" + MARKS)
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
    last = pre_clause.split()[-1].lower().strip(",") if pre_clause.split() else ""
    if starts_like_sentence and last in ("said", "says", "added", "asked", "told", "wrote", "tweeted"):
        return "direct"
    return "partial"


def _is_cue(tok: Token, lex: QuoteLexicon) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lex.verbs


def _subject(tok: Token) -> Token | None:
    """The source of a cue verb: its subject, a conjoined verb's subject, or 'said X'."""
    for c in tok.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    if tok.dep_ == "conj" and tok.head.pos_ in ("VERB", "AUX"):
        for c in tok.head.children:
            if c.dep_ == "nsubj":
                return c
    # inverted attribution: "said Robert Proto, president of ..."
    for c in tok.rights:
        if c.dep_ in ("dobj", "attr", "npadvmod", "oprd", "appos", "dep") and c.pos_ in ("PROPN", "PRON", "NOUN"):
            return c
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.pos_ in ("PROPN",):
        return nxt
    return None


def _speaker_after(d: _Doc, lo: int, hi: int, content: str, lex: QuoteLexicon):
    """A cue right after a closing mark: '," Proto said' / '," said Proto' / '," he added'."""
    toks = d.tokens(lo, hi)[:POST_TOKENS]
    ends = content.rstrip()[-1:] if content.strip() else ""
    text_after = d.text[lo:hi].lstrip()
    open_end = ends in ",?!-—–…" or text_after[:1] in (",", "—", "–", "-")
    for k, tok in enumerate(toks):
        if tok.text in (".", "?", "!") or any(ch in tok.text for ch in "\u201c\""):
            break
        if tok.text.lower() == "according" and k + 1 < len(toks) and toks[k + 1].lower_ == "to":
            src = next((c for c in toks[k + 1].children if c.dep_ == "pobj"), None)
            if src is not None:
                return tok, src
        if not _is_cue(tok, lex):
            continue
        src = _subject(tok)
        if src is None or d.in_top_region(src.idx) is not None:
            continue
        if not open_end:
            # "... end." Smith said the bill ... starts a new sentence of its own
            if any(c.dep_ in ("ccomp", "xcomp") and c.idx > tok.idx for c in tok.children):
                continue
            if k > 8:
                continue
        return tok, src
    return None, None


def _speaker_before(d: _Doc, lo: int, hi: int, lex: QuoteLexicon):
    """A cue before an opening mark: 'Proto said: "' / 'He told reporters, "'."""
    toks = d.tokens(lo, hi)[-PRE_TOKENS:]
    for k in range(len(toks) - 1, -1, -1):
        tok = toks[k]
        if tok.lower_ == "according" and k + 1 < len(toks) and toks[k + 1].lower_ == "to":
            src = next((c for c in toks[k + 1].children if c.dep_ == "pobj"), None)
            if src is not None:
                return tok, src
        if _is_cue(tok, lex):
            src = _subject(tok)
            if src is not None and src.idx < hi:
                return tok, src
    return None, None


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

def _indirect_quotes(d: _Doc, lex: QuoteLexicon, used_cues: set[int],
                     marked: list[_Cand]) -> list[_Cand]:
    doc, text = d.doc, d.text
    direct = sorted((c.start, c.end) for c in marked if c.kind == "direct" and c.parent is None)
    direct_starts = [a for a, _ in direct]
    out: list[_Cand] = []
    for tok in doc:
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
        inside = 0
        k = bisect.bisect_right(direct_starts, cand.end) - 1
        while k >= 0 and direct[k][1] > cand.start:
            a, b = direct[k]
            inside += max(0, min(b, cand.end) - max(a, cand.start))
            k -= 1
        if inside > 0.4 * (cand.end - cand.start):
            continue
        out.append(cand)
    return out


def _trim_span(d: _Doc, toks: list[Token], keep_marks: bool = False) -> tuple[int, int] | None:
    """Character span of ``toks`` without a leading 'that', edge punctuation or marks."""
    while toks and (toks[0].dep_ == "mark" and toks[0].lower_ in ("that", "whether", "if")
                    or toks[0].is_punct and not (keep_marks and toks[0].text[:1] in MARKS)
                    or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and not (keep_marks and toks[-1].text[:1] in MARKS)
                    or toks[-1].is_space or toks[-1].dep_ == "cc"):
        toks = toks[:-1]
    if len(toks) < 3:
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    while not keep_marks and start < end and d.text[start] in MARKS:
        start += 1
    return start, end


def _reported_clause(d: _Doc, tok: Token, lex: QuoteLexicon) -> _Cand | None:
    cls = lex.verbs[tok.lemma_.lower()]
    if cls == "name":
        return None  # 'called X "Y"' is only read around a partial quote
    src = _subject(tok)
    if src is None or src.dep_ == "expl" or src.lower_ in ("it",) and cls == "speech":
        return None
    comps = [c for c in tok.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and cls == "commit")]
    span = None
    if tok.dep_ == "parataxis" and tok.head.i < tok.i:
        # "CLAUSE, Proto said, ..." : the clause is the head's words before the attribution
        left = tok.left_edge.i
        sent = tok.sent
        toks = [t for t in tok.head.subtree if sent.start <= t.i < left]
        span = _trim_span(d, toks)
    elif comps:
        comp = comps[0]
        toks = [t for t in comp.subtree if not (tok.i <= t.i < tok.i + 1)]
        if comp.i < tok.i:
            toks = [t for t in toks if t.i < min(tok.i, src.left_edge.i)]
        span = _trim_span(d, toks)
    if span is None:
        return None
    return _Cand(kind="indirect", start=span[0], end=span[1], cue=tok, source=src,
                 confidence=0.7 if cls in ("speech", "commit") else 0.55)


def _according_to(d: _Doc, tok: Token) -> _Cand | None:
    to = d.doc[tok.i + 1]
    src = next((c for c in to.children if c.dep_ == "pobj"), None)
    if src is None:
        return None
    sent = tok.sent
    phrase_lo = tok.i
    phrase_hi = max(t.i for t in to.subtree) + 1
    if phrase_lo - sent.start <= 1:
        toks = list(d.doc[phrase_hi:sent.end])
    else:
        toks = list(d.doc[sent.start:phrase_lo])
    span = _trim_span(d, toks)
    if span is None:
        return None
    return _Cand(kind="indirect", start=span[0], end=span[1], cue=tok, source=src, confidence=0.7)


def _fold_partials(cands: list[_Cand]) -> list[_Cand]:
    """A partial quote inside an indirect one makes it 'mixed'; overlapping indirects collapse."""
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    indirect = [c for c in cands if c.kind == "indirect"]
    starts = [c.start for c in indirect]
    for c in cands:
        if c.kind == "partial":
            k = bisect.bisect_right(starts, c.start) - 1
            host = None
            while k >= 0 and k >= bisect.bisect_right(starts, c.start) - 5:
                h = indirect[k]
                if h.start <= c.start and c.end <= h.end + 2:
                    host = h
                    break
                k -= 1
            if host is not None:
                host.kind = "mixed"
                continue
            if not c.keep_without_speaker:
                continue
        if c.kind in ("indirect", "mixed") and out:
            prev = next((p for p in reversed(out[-4:]) if p.kind in ("indirect", "mixed")), None)
            if prev is not None and min(prev.end, c.end) - max(prev.start, c.start) > 0.5 * (c.end - c.start):
                continue
        out.append(c)
    return out


# ---- speakers and output ----------------------------------------------------------------

def _mention(tok: Token) -> tuple[int, int]:
    """Character span of the speaker mention headed by ``tok`` (name words, det, compounds)."""
    lo = hi = tok.i
    for c in tok.lefts:
        if c.dep_ in ("compound", "det", "poss", "amod", "flat", "nmod", "nummod"):
            lo = min(lo, c.left_edge.i)
    for c in tok.rights:
        if c.dep_ in ("compound", "flat") and c.i == hi + 1:
            hi = c.i
    doc = tok.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


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
            speaker_span = _mention(c.source)
            ent = resolver.resolve(c.source, *speaker_span)
            if ent is not None:
                speaker, speaker_id = resolver.name_of(ent), resolver.id_of(ent)
                resolver.note_speaker(ent, *speaker_span)
            else:
                speaker = _mention_text(c.source, speaker_span, text)
            if c.kind == "direct" and c.parent is None:
                last = (speaker, speaker_id, speaker_span)
        elif c.inherit and last is not None:
            speaker, speaker_id = last[0], last[1]
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
