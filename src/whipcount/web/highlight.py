"""The article page's text: every quote, speaker, endorsement, stance and name marked up, with
everything from the article escaped.

Spans overlap (an endorsement's evidence holds a name and a quote), so the text is cut at every
span boundary into segments; each segment becomes one ``<span>`` carrying the classes of every
span that covers it, a ``data-tip`` naming those facts (kind and confidence, shown on hover) and
a link to the person or organization page when it is part of a name. Every piece of article
text, name and id goes through :func:`markupsafe.escape`; the result is built from those
escaped pieces and fixed markup only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from ..models import Record

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mark:
    """One highlighted span: CSS class, hover text, optional link and fact id."""

    start: int
    end: int
    cls: str
    tip: str
    link: str | None = None
    anchor: str | None = None


def entity_href(kind: str, store_id: str) -> str:
    """The page of a person (``p``) or organization (``o``) by store id, URL-quoted."""
    base = "/people/" if kind == "p" else "/organizations/"
    return base + quote(store_id, safe="")


def _valid(span: Any, size: int) -> tuple[int, int] | None:
    try:
        start, end = int(span[0]), int(span[1])
    except (TypeError, ValueError, IndexError):
        return None
    return (start, end) if 0 <= start < end <= size else None


def record_marks(record: Record, facts: dict[str, Any] | None = None,
                 show_rejected: bool = False) -> list[Mark]:
    """The marks of a record: names (linked), quotes, speakers, endorsements and stances.

    ``facts`` is :meth:`Store.article_facts` (store ids and review state); facts reviewed as
    rejected are left out unless ``show_rejected``.
    """
    facts = facts or {"entities": {}, "facts": {}}
    entities: dict[str, str] = facts.get("entities", {})
    states: dict[str, Any] = facts.get("facts", {})
    size = len(record.article.text)
    marks: list[Mark] = []

    def rejected(local_id: str) -> bool:
        return not show_rejected and (states.get(local_id) or {}).get("review") == "rejected"

    def add(span: Any, cls: str, tip: str, link: str | None = None,
            anchor: str | None = None) -> None:
        valid = _valid(span, size)
        if valid is not None:
            marks.append(Mark(valid[0], valid[1], cls, tip, link, anchor))

    for p in record.people:
        link = entity_href("p", entities[p.id]) if p.id in entities else None
        for m in p.mentions:
            add(m, "m-person", f"person: {p.name}", link)
    for o in record.organizations:
        link = entity_href("o", entities[o.id]) if o.id in entities else None
        label = f"organization: {o.name}" + (f" ({o.kind})" if o.kind else "")
        for m in o.mentions:
            add(m, "m-org", label, link)
    for q in record.quotes:
        if rejected(q.id):
            continue
        who = q.speaker or "unknown speaker"
        add(q.span, "f-quote", f"quote ({q.kind}) by {who}, confidence {q.confidence:.2f}",
            anchor=q.id)
        if q.speaker_span:
            add(q.speaker_span, "f-speaker", f"speaker of {q.id}: {who}")
    for e in record.endorsements:
        if rejected(e.id):
            continue
        office = f" for {e.office}" if e.office else ""
        add(e.evidence_span, f"f-endorsement st-{e.status}",
            f"endorsement ({e.status}): {e.endorser} → {e.endorsee}{office}, "
            f"confidence {e.confidence:.2f}", anchor=e.id)
    for n, s in enumerate(record.stances, start=1):
        if rejected(f"s{n}"):
            continue
        add(s.evidence_span, "f-stance", f"stance: {s.holder} {s.polarity} {s.topic}",
            anchor=f"s{n}")
    return marks


def highlight(text: str, marks: list[Mark]) -> Markup:
    """``text`` with ``marks`` as nested-free ``<span>`` segments; all text escaped."""
    if not marks:
        return Markup(escape(text))
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    # marks sorted by start let each segment look only at marks that may cover it
    by_start = sorted(marks, key=lambda m: (m.start, m.end))
    active: list[Mark] = []
    nxt = 0
    anchored: set[str] = set()
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        while nxt < len(by_start) and by_start[nxt].start <= a:
            active.append(by_start[nxt])
            nxt += 1
        active = [m for m in active if m.end > a]
        covering = [m for m in active if m.start <= a and m.end >= b]
        piece = escape(text[a:b])
        if not covering:
            out.append(str(piece))
            continue
        classes = sorted({c for m in covering for c in m.cls.split()})
        tips = list(dict.fromkeys(m.tip for m in sorted(covering, key=lambda m: m.end - m.start)))
        links = [m for m in covering if m.link]
        inner = str(piece)
        if links:
            link = min(links, key=lambda m: m.end - m.start).link
            inner = f'<a href="{escape(link)}">{inner}</a>'
        anchor = ""
        for m in covering:
            if m.anchor and m.anchor not in anchored:
                anchored.add(m.anchor)
                anchor = f' id="fact-{escape(m.anchor)}"'
                break
        out.append(f'<span class="hl {escape(" ".join(classes))}"{anchor} tabindex="0"'
                   f' data-tip="{escape(chr(10).join(tips))}">{inner}</span>')
    return Markup("".join(out))
