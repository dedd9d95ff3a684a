"""The plain records every stage produces and reads (see docs/output-schema.md).

Offsets are Python ``str`` character offsets, end exclusive. In a :class:`Record` they point
into ``Article.text``; inside the NLP stage (on ``doc._.whipcount``) the same dataclasses
carry offsets into the repaired text, and :mod:`whipcount.record` maps them back.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

Span = tuple[int, int]

QuoteKind = Literal["direct", "partial", "indirect", "mixed"]
EndorsementStatus = Literal["endorsed", "withdrawn", "declined", "undecided", "supports", "opposes"]
ENDORSEMENT_STATUSES: tuple[str, ...] = (
    "endorsed", "withdrawn", "declined", "undecided", "supports", "opposes")
QUOTE_KINDS: tuple[str, ...] = ("direct", "partial", "indirect", "mixed")


def sha256_text(text: str) -> str:
    """The dedupe key of an article: sha256 of its text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Article:
    """One news article as ingested: ``text`` is what every reported offset points into."""

    id: str
    source: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO 8601 date
    url: str | None = None
    authors: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "source": self.source, "title": self.title,
            "published": self.published, "url": self.url, "authors": list(self.authors),
        }
        if with_text:
            d["text"] = self.text
        d["sha256"] = self.sha256
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(id=d["id"], source=d.get("source") or "", text=d.get("text") or "",
                   title=d.get("title"), published=d.get("published"), url=d.get("url"),
                   authors=list(d.get("authors") or []))


@dataclass
class IngestError:
    """An input item that could not be read: reported, never fatal to a batch."""

    source: str
    reason: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "reason": self.reason}

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


@dataclass
class Title:
    """A title or role a person holds, split into its parts."""

    title: str
    org: str | None = None
    place: str | None = None
    span: Span | None = None


@dataclass
class Person:
    id: str
    name: str
    mentions: list[Span] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    party: str | None = None
    kb: dict[str, str | None] = field(
        default_factory=lambda: {"openstates": None, "bioguide": None, "wikidata": None})


@dataclass
class Organization:
    id: str
    name: str
    kind: str | None = None  # union, party, newspaper, campaign, government, advocacy, company, university
    mentions: list[Span] = field(default_factory=list)
    members: int | None = None
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None  # id of the parent organization ("two of its largest locals")


@dataclass
class Quote:
    id: str
    kind: str  # one of QUOTE_KINDS
    text: str
    span: Span
    speaker: str | None = None
    speaker_id: str | None = None
    speaker_span: Span | None = None
    cue: str | None = None
    cue_span: Span | None = None
    nested_in: str | None = None
    confidence: float = 0.5


@dataclass
class Endorsement:
    id: str
    endorser: str
    endorsee: str
    status: str  # one of ENDORSEMENT_STATUSES
    evidence: str
    evidence_span: Span
    endorser_id: str | None = None
    endorsee_id: str | None = None
    endorser_detail: str | None = None  # "two of its largest locals"
    office: str | None = None
    when: str | None = None
    confidence: float = 0.5


@dataclass
class Stance:
    holder: str
    topic: str
    polarity: str  # for | against | mixed
    evidence_span: Span
    holder_id: str | None = None
    evidence: str | None = None


@dataclass
class Facts:
    """What the NLP components find in one text; offsets into that text."""

    people: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)


@dataclass
class Extractor:
    name: str = "whipcount"
    version: str = "0.1.0"
    model: str = ""


@dataclass
class Record:
    """The extraction record of output-schema.md: one per article."""

    article: Article
    people: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    extractor: Extractor = field(default_factory=Extractor)

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        def plain(items: list[Any]) -> list[dict[str, Any]]:
            return [_jsonable(dataclasses.asdict(x)) for x in items]
        return {
            "article": self.article.to_dict(with_text=with_text),
            "people": plain(self.people),
            "organizations": plain(self.organizations),
            "quotes": plain(self.quotes),
            "endorsements": plain(self.endorsements),
            "stances": plain(self.stances),
            "extractor": dataclasses.asdict(self.extractor),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        def spans(v: Any) -> Any:
            return tuple(v) if isinstance(v, list) and len(v) == 2 and all(
                isinstance(x, int) for x in v) else v

        def people(p: dict[str, Any]) -> Person:
            return Person(id=p["id"], name=p["name"], mentions=[tuple(m) for m in p.get("mentions", [])],  # type: ignore[misc]
                          titles=[Title(t["title"], t.get("org"), t.get("place"),
                                        spans(t.get("span"))) for t in p.get("titles", [])],
                          party=p.get("party"), kb=dict(p.get("kb") or {}))

        def org(o: dict[str, Any]) -> Organization:
            o = dict(o)
            o["mentions"] = [tuple(m) for m in o.get("mentions", [])]
            return Organization(**o)

        def generic(klass: type, x: dict[str, Any]) -> Any:
            return klass(**{k: spans(v) for k, v in x.items()})

        return cls(
            article=Article.from_dict(d["article"]),
            people=[people(p) for p in d.get("people", [])],
            organizations=[org(o) for o in d.get("organizations", [])],
            quotes=[generic(Quote, q) for q in d.get("quotes", [])],
            endorsements=[generic(Endorsement, e) for e in d.get("endorsements", [])],
            stances=[generic(Stance, s) for s in d.get("stances", [])],
            extractor=Extractor(**d.get("extractor", {})),
        )


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    return v
