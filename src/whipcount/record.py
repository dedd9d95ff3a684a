"""Doc -> Record: the plain record of output-schema.md, offsets mapped to ``Article.text``.

Nothing downstream of this module sees a spaCy Doc.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from spacy.tokens import Doc

from . import __version__
from .models import Article, Endorsement, Extractor, Facts, Organization, Person, Quote, Record, Span, Stance, Title
from .nlp.extensions import get_facts
from .prepare import Prepared

T = TypeVar("T")


def to_record(article: Article, prepared: Prepared, doc: Doc, model: str) -> Record:
    """Turn the Facts on ``doc`` (offsets into ``prepared.text``) into a Record for ``article``."""
    facts = get_facts(doc)
    return facts_to_record(article, prepared, facts, model)


def facts_to_record(article: Article, prepared: Prepared, facts: Facts, model: str) -> Record:
    """Map every span of ``facts`` through ``prepared`` and re-slice texts from ``article.text``."""
    text = article.text

    def span(s: Span | None) -> Span | None:
        if s is None:
            return None
        return prepared.to_original(int(s[0]), int(s[1]))

    def must(s: Span) -> Span:
        out = span(s)
        assert out is not None
        return out

    people = [dataclasses.replace(
        p, mentions=sorted({must(m) for m in p.mentions}),
        titles=[dataclasses.replace(t, span=span(t.span)) for t in p.titles]) for p in facts.people]
    orgs = [dataclasses.replace(o, mentions=sorted({must(m) for m in o.mentions}))
            for o in facts.organizations]
    quotes: list[Quote] = []
    for q in facts.quotes:
        qs = must(q.span)
        cs = span(q.cue_span)
        quotes.append(dataclasses.replace(
            q, span=qs, text=text[qs[0]:qs[1]], speaker_span=span(q.speaker_span),
            cue_span=cs, cue=text[cs[0]:cs[1]] if cs else q.cue))
    endorsements: list[Endorsement] = []
    # The components see only the text: an endorsement whose sentence gives no date is dated by
    # the article ("endorsed Lieberman today" in a story of 2006-07-10).
    article_date = article.published[:10] if article.published else None
    for e in facts.endorsements:
        es = must(e.evidence_span)
        endorsements.append(dataclasses.replace(e, evidence_span=es, evidence=text[es[0]:es[1]],
                                                when=e.when or article_date))
    stances: list[Stance] = []
    for st in facts.stances:
        ss = must(st.evidence_span)
        stances.append(dataclasses.replace(st, evidence_span=ss, evidence=text[ss[0]:ss[1]]))
    return Record(article=article, people=people, organizations=orgs, quotes=quotes,
                  endorsements=endorsements, stances=stances,
                  extractor=Extractor(name="whipcount", version=__version__, model=model))


__all__ = ["to_record", "facts_to_record", "Person", "Organization", "Title"]
