"""whipcount_entities: rule patterns for unions, locals, parties and titles, placed before "ner".

The small English model splits "UNITE-HERE" into pieces, misses "Carpenters Local 43" and lets
titles run into names ("House Speaker James Amann" as one ORG). This component marks those
spans before the statistical recogniser runs, so ``ner`` keeps them and labels the rest:

- ORG: names from ``data/orgs.jsonl`` (well-known national organisations and their acronyms);
  hyphenated capitals ("AFL-CIO", "UNITE-HERE"); ``<Capitalised words> Local <number>``;
  runs of capitalised words ending in a union word from ``data/union_words.txt``
  ("Service Employees International Union") or followed by ``of <Capitalised words>``
  ("Communications Workers of America"); and runs ending in a newspaper word from
  ``data/newspaper_words.txt`` ("The Port Ellery Gazette").
- TITLE: a title from ``data/titles.txt`` with its modifiers (``data/title_modifiers.txt``)
  directly before a capitalised word ("Lt. Gov. Kevin", "U.S. Sen. Chris").

Only tokens not covered by a pattern are left for ``ner`` (``set_ents(default="unmodified")``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .extensions import get_facts, text_of
from .lexicon import jsonl, word_set
from .titles import doc_titles, find_titles, title_start

LOGGER = logging.getLogger(__name__)

TITLE_LABEL = "TITLE"
_CAP = {"IS_TITLE": True}
_CAPS = {"IS_UPPER": True, "LENGTH": {">=": 2}}


@Language.factory("whipcount_entities", assigns=["doc.ents"])
def make_entities(nlp: Language, name: str) -> EntityPatterns:
    """The entity-pattern component (add it before "ner")."""
    return EntityPatterns(nlp)


def _title_cased_or_caps() -> dict[str, object]:
    return {"TEXT": {"REGEX": r"^[A-Z][A-Za-z'&.\-]*$"}}


class EntityPatterns:
    """Mark unions, parties and titles on a Doc before the statistical NER runs."""

    def __init__(self, nlp: Language) -> None:
        self.orgs = PhraseMatcher(nlp.vocab, attr="ORTH")
        names: list[str] = []
        for entry in jsonl("orgs.jsonl"):
            names.append(entry["name"])
            names.extend(entry.get("aliases") or [])
        self.orgs.add("ORG", [nlp.make_doc(n) for n in names])
        self.matcher = Matcher(nlp.vocab)
        union_heads = sorted(word_set("union_words.txt"))
        word = _title_cased_or_caps()
        self.matcher.add("HYPHEN_CAPS", [[_CAPS, {"ORTH": "-"}, _CAPS]])
        # "Local 43" patterns start at every capitalised word: run only on Docs that say "Local".
        self.local_matcher = Matcher(nlp.vocab)
        self.local_words = frozenset(nlp.vocab.strings.add(w) for w in ("Local", "Locals"))
        self.local_matcher.add("LOCAL", [
            [word, {"OP": "*", **word}, {"ORTH": {"IN": ["Local", "Locals"]}}, {"LIKE_NUM": True}],
            [_CAPS, {"ORTH": "-"}, _CAPS, {"ORTH": {"IN": ["Local", "Locals"]}}, {"LIKE_NUM": True}],
        ], greedy="LONGEST")
        self.matcher.add("UNION", [
            [{"OP": "+", **_CAP}, {"LOWER": {"IN": union_heads}, **_CAP}],
            [{"OP": "*", **_CAP}, {"LOWER": {"IN": union_heads}, **_CAP}, {"LOWER": "of"},
             {"OP": "+", **_CAP}],
        ], greedy="LONGEST")
        news_heads = sorted(word_set("newspaper_words.txt"))
        self.matcher.add("NEWS", [[{"OP": "+", **_CAP}, {"LOWER": {"IN": news_heads}, **_CAP}]],
                         greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        get_facts(doc)
        spans = list(self._org_spans(doc)) + list(self._title_spans(doc))
        if spans:
            keep = [s for s in filter_spans(spans) if not _overlaps_ents(doc, s)]
            doc.set_ents(keep, default="unmodified")
        return doc

    def _org_spans(self, doc: Doc) -> Iterable[Span]:
        for _, start, end in self.orgs(doc):
            if doc[end - 1].lower_ == "party":
                start = _chapter_start(doc, start)
            yield Span(doc, start, end, label="ORG")
        matches = list(self.matcher(doc))
        if not self.local_words.isdisjoint(doc.to_array(ORTH).tolist()):
            matches += self.local_matcher(doc)
        for match_id, start, end in matches:
            start = _skip_det(doc, start, end)
            if end - start < 1:
                continue
            label = doc.vocab.strings[match_id]
            if label in ("UNION", "NEWS") and end - start < 2:
                continue
            if label in ("UNION", "NEWS") and end < len(doc) and doc[end].is_title and not doc[end].is_sent_start:
                continue  # "New Hampshire Union Leader": the name goes on
            if label == "UNION" and doc[end - 1].lower_ in ("union", "unions") and end - start == 2 \
                    and doc[start].lower_ in ("the", "a", "labor", "trade"):
                continue
            yield Span(doc, start, end, label="ORG")

    def _title_spans(self, doc: Doc) -> Iterable[Span]:
        text = text_of(doc)  # Doc.text joins every token: read it once, not once per title
        for m in doc_titles(doc):
            span = doc.char_span(title_start(m, text), m.end, label=TITLE_LABEL,
                                 alignment_mode="expand")
            if span is None or span.end >= len(doc):
                continue
            nxt = doc[span.end]
            # Only a title directly before a name: "Mayor Dannel Malloy", not "the mayor said".
            if nxt.is_title and not nxt.is_sent_start and nxt.text[:1].isalpha():
                yield span


def _chapter_start(doc: Doc, start: int) -> int:
    """"Tamarack Working Families Party": a place or chapter name before a known party is part of it."""
    i = start
    while i > 0 and start - i < 3:
        t = doc[i - 1]
        if not t.is_title or t.lower_ in ("the", "a", "and", "of") or find_titles(t.text) or \
                t.ent_type_ == TITLE_LABEL:
            break
        if i - 2 >= 0 and doc[i - 2].text in ("'s", "\u2019s"):
            break
        i -= 1
    return i


def _skip_det(doc: Doc, start: int, end: int) -> int:
    while start < end and doc[start].lower_ in ("the", "a", "an", "and", "of"):
        start += 1
    return start


def _overlaps_ents(doc: Doc, span: Span) -> bool:
    return any(t.ent_iob_ in ("B", "I") for t in span)
