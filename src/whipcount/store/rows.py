"""Record -> table rows, in one place for every backend.

A :class:`RecordRows` holds what one record puts in each table, with the store-level ids of its
people and organizations already resolved (they are :func:`~whipcount.store.base.entity_key` of
the name, so no database lookup is needed). Backends add the keys only they can know (the
article's primary key, the mention primary keys) when they insert: SQLite row by row, PostgreSQL
with COPY. Column tuples name the columns each tuple fills, in order, so both backends write the
same columns from the same values.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..models import Record, Span
from .base import entity_key

LOGGER = logging.getLogger(__name__)

# Columns filled by the tuples below (a backend puts article_pk / mention_pk / entity pk first).
ARTICLE_COLUMNS = ("id", "sha256", "source", "title", "published", "url", "extractor_name",
                   "extractor_version", "extractor_model", "record")
PERSON_MENTION_COLUMNS = ("local_id", "name", "party", "kb", "mentions", "span_start", "span_end",
                          "extractor_version")
TITLE_COLUMNS = ("title", "org", "place", "span_start", "span_end", "extractor_version")
ORG_MENTION_COLUMNS = ("local_id", "name", "kind", "members", "aliases", "parent", "mentions",
                       "span_start", "span_end", "extractor_version")
QUOTE_COLUMNS = ("local_id", "kind", "text", "span_start", "span_end", "speaker", "speaker_key",
                 "speaker_id", "speaker_store_id", "speaker_start", "speaker_end", "cue",
                 "cue_start", "cue_end", "nested_in", "confidence", "extractor_version")
ENDORSEMENT_COLUMNS = ("local_id", "endorser", "endorser_key", "endorser_id", "endorser_store_id",
                       "endorser_detail", "endorsee", "endorsee_key", "endorsee_id",
                       "endorsee_store_id", "office", "status", "evidence", "evidence_start",
                       "evidence_end", "when_date", "confidence", "extractor_version")
STANCE_COLUMNS = ("holder", "holder_key", "holder_id", "topic", "polarity", "evidence",
                  "evidence_start", "evidence_end", "extractor_version")


@dataclass
class PersonRows:
    """One per-article person: its store-level entity, its mention row and its title rows."""

    key: str
    name: str
    party: str | None
    kb: dict[str, str | None]
    mention: tuple[Any, ...]          # PERSON_MENTION_COLUMNS
    titles: list[tuple[Any, ...]]     # TITLE_COLUMNS


@dataclass
class OrgRows:
    """One per-article organization: its store-level entity and its mention row."""

    key: str
    name: str
    kind: str | None
    members: int | None
    mention: tuple[Any, ...]          # ORG_MENTION_COLUMNS


@dataclass
class RecordRows:
    """Everything one record writes, except keys only the database assigns."""

    sha256: str
    wanted_id: str
    article: tuple[Any, ...]          # ARTICLE_COLUMNS minus id and record (see article_row)
    people: list[PersonRows] = field(default_factory=list)
    orgs: list[OrgRows] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    endorsements: list[tuple[Any, ...]] = field(default_factory=list)
    stances: list[tuple[Any, ...]] = field(default_factory=list)
    _data: dict[str, Any] = field(default_factory=dict, repr=False)

    def article_row(self, article_id: str) -> tuple[Any, ...]:
        """The ARTICLE_COLUMNS tuple, with the record JSON stored under ``article_id``."""
        self._data["article"]["id"] = article_id
        record_json = json.dumps(self._data, ensure_ascii=False)
        return (article_id, self.sha256, *self.article, record_json)


def record_rows(record: Record) -> RecordRows:
    """Flatten ``record`` into table rows. Raises TypeError/ValueError on a malformed record."""
    art = record.article
    version = record.extractor.version
    out = RecordRows(
        sha256=art.sha256, wanted_id=art.id,
        article=(art.source, art.title, art.published, art.url, record.extractor.name, version,
                 record.extractor.model),
        _data=record.to_dict(with_text=True))
    local: dict[str, str] = {}  # "p1" -> "dana-whitcombe"
    for p in record.people:
        key = entity_key(p.name)
        local[p.id] = key
        first = min(p.mentions) if p.mentions else (None, None)
        titles = []
        for t in p.titles:
            ts = span_pair(t.span)
            titles.append((t.title, t.org, t.place, ts[0], ts[1], version))
        out.people.append(PersonRows(
            key=key, name=p.name, party=p.party, kb=dict(p.kb or {}),
            mention=(p.id, p.name, p.party, json.dumps(p.kb),
                     json.dumps([list(m) for m in p.mentions]), first[0], first[1], version),
            titles=titles))
    for o in record.organizations:
        key = entity_key(o.name)
        local[o.id] = key
        first = min(o.mentions) if o.mentions else (None, None)
        out.orgs.append(OrgRows(
            key=key, name=o.name, kind=o.kind, members=o.members,
            mention=(o.id, o.name, o.kind, o.members, json.dumps(o.aliases), o.parent,
                     json.dumps([list(m) for m in o.mentions]), first[0], first[1], version)))
    for q in record.quotes:
        ss, cs = span_pair(q.speaker_span), span_pair(q.cue_span)
        out.quotes.append(
            (q.id, q.kind, q.text, int(q.span[0]), int(q.span[1]), q.speaker,
             entity_key(q.speaker) if q.speaker else None, q.speaker_id,
             local.get(q.speaker_id or ""), ss[0], ss[1], q.cue, cs[0], cs[1], q.nested_in,
             float(q.confidence), version))
    for e in record.endorsements:
        out.endorsements.append(
            (e.id, e.endorser, entity_key(e.endorser), e.endorser_id,
             local.get(e.endorser_id or ""), e.endorser_detail, e.endorsee,
             entity_key(e.endorsee), e.endorsee_id, local.get(e.endorsee_id or ""), e.office,
             e.status, e.evidence, int(e.evidence_span[0]), int(e.evidence_span[1]), e.when,
             float(e.confidence), version))
    for s in record.stances:
        out.stances.append(
            (s.holder, entity_key(s.holder), s.holder_id, s.topic, s.polarity, s.evidence,
             int(s.evidence_span[0]), int(s.evidence_span[1]), version))
    return out


def merge_kb(old: dict[str, str | None], new: dict[str, str | None]) -> dict[str, str | None]:
    """``old`` with every key that is missing or None there filled from ``new``."""
    merged = dict(old)
    for k, v in (new or {}).items():
        if merged.get(k) is None:
            merged[k] = v
    return merged


def span_pair(s: Span | None) -> tuple[int | None, int | None]:
    """``(start, end)`` of a span, or ``(None, None)``."""
    return (int(s[0]), int(s[1])) if s is not None else (None, None)


def pair(a: int | None, b: int | None) -> list[int] | None:
    """``[a, b]`` as a row's span, or None when either end is missing."""
    return [a, b] if a is not None and b is not None else None


def fold(text: str) -> str:
    """Casefolded, accents removed: what full-text search compares ("José" -> "jose")."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def search_terms(text: str) -> list[tuple[list[str], bool]]:
    """What a user typed into a quote search, as terms: (words of the term, is a prefix).

    ``"a phrase"`` is one term of several words; ``word*`` is a prefix; everything else is split
    into words (punctuation and query operators are never syntax). All terms must match.
    """
    terms: list[tuple[list[str], bool]] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        if phrase:
            words = re.findall(r"\w+", phrase)
            if words:
                terms.append((words, False))
            continue
        words = re.findall(r"\w+", word)
        if not words:
            continue
        terms.extend(([w], False) for w in words)
        if word.endswith("*"):
            terms[-1] = (terms[-1][0], True)
    return terms


def like_escape(s: str) -> str:
    """``s`` with LIKE wildcards escaped for ``ESCAPE '\\'``."""
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_pattern(name: str) -> str:
    """The LIKE pattern matching ``name`` as whole words of an entity key ('-' + key + '-')."""
    return f"%-{like_escape(entity_key(name))}-%"


# What the list queries (``Store.quotes`` / ``Store.endorsements``) select, in the order the
# row mappers below read it; the same on every backend.
QUOTE_LIST_SELECT = (
    "SELECT q.local_id, q.kind, q.text, q.span_start, q.span_end, q.speaker, q.speaker_id,"
    " q.speaker_start, q.speaker_end, q.cue, q.cue_start, q.cue_end, q.nested_in,"
    " q.confidence, a.id, q.speaker_store_id, q.extractor_version"
    " FROM quotes q JOIN articles a ON a.pk = q.article_pk")
ENDORSEMENT_LIST_SELECT = (
    "SELECT e.local_id, e.endorser, e.endorser_id, e.endorsee, e.endorsee_id,"
    " e.endorser_detail, e.office, e.status, e.evidence, e.evidence_start,"
    " e.evidence_end, e.when_date, e.confidence, a.id, e.endorser_store_id,"
    " e.endorsee_store_id, e.extractor_version"
    " FROM endorsements e JOIN articles a ON a.pk = e.article_pk")


def quote_list_row(r: Any) -> dict[str, Any]:
    """A quote row of :data:`QUOTE_LIST_SELECT` with output-schema field names."""
    return {"id": r[0], "kind": r[1], "text": r[2], "span": [r[3], r[4]], "speaker": r[5],
            "speaker_id": r[6], "speaker_span": pair(r[7], r[8]), "cue": r[9],
            "cue_span": pair(r[10], r[11]), "nested_in": r[12], "confidence": r[13],
            "article_id": r[14], "speaker_store_id": r[15], "extractor_version": r[16]}


def endorsement_list_row(r: Any) -> dict[str, Any]:
    """An endorsement row of :data:`ENDORSEMENT_LIST_SELECT` with output-schema field names."""
    return {"id": r[0], "endorser": r[1], "endorser_id": r[2], "endorsee": r[3],
            "endorsee_id": r[4], "endorser_detail": r[5], "office": r[6], "status": r[7],
            "evidence": r[8], "evidence_span": [r[9], r[10]], "when": r[11],
            "confidence": r[12], "article_id": r[13], "endorser_store_id": r[14],
            "endorsee_store_id": r[15], "extractor_version": r[16]}
