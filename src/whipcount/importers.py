"""Import structured endorsement lists (CSV) as records, so a desk can start from a tracker.

Two formats, told apart by their header (see ``docs/import.md``):

- **fivethirtyeight**: FiveThirtyEight's endorsement tracker (``date, position, city, state,
  endorser, endorsee, endorser party, source, ...``). Rows with no endorsee are potential
  endorsers who had not endorsed; they are skipped.
- **generic**: ``endorser, endorsee, status, office, date, source_url, evidence`` (only endorser
  and endorsee are required; optional ``endorser_type``: person or organization).

Rows that share a source URL become one synthetic :class:`~whipcount.models.Article` (one per
row when there is no URL). Its text is one line per row, stating the row ("Dianne Feinstein
(senator, CA, D) endorsed Joe Biden."), or the row's ``evidence`` when given, and every
:class:`~whipcount.models.Endorsement` points at its line. The extractor name is
``import:fivethirtyeight`` or ``import:csv``, so the store keeps these like any record and a
reader can tell them from what was found in the news.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import E, InputError
from .models import ENDORSEMENT_STATUSES, Article, Endorsement, Extractor, IngestError, Organization, Person, Record, Title

LOGGER = logging.getLogger(__name__)

FIVETHIRTYEIGHT = "fivethirtyeight"
GENERIC = "csv"
GENERIC_COLUMNS: tuple[str, ...] = ("endorser", "endorsee", "status", "office", "date", "source_url", "evidence")
_538_COLUMNS = frozenset({"date", "position", "state", "endorser", "endorsee", "endorser party", "source"})
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PARTIES = {"D": "Democratic", "R": "Republican", "I": "Independent", "L": "Libertarian", "G": "Green"}


@dataclass
class _Row:
    line: int
    endorser: str
    endorsee: str
    status: str = "endorsed"
    office: str | None = None
    date: str | None = None
    url: str | None = None
    evidence: str | None = None
    endorser_type: str = "person"
    title: Title | None = None
    party: str | None = None


@dataclass
class _Group:
    key: str
    rows: list[_Row] = field(default_factory=list)


def detect_format(header: list[str]) -> str | None:
    """``"fivethirtyeight"``, ``"csv"`` (generic) or None, from a CSV header."""
    cols = {c.strip().lower() for c in header}
    if _538_COLUMNS <= cols:
        return FIVETHIRTYEIGHT
    if {"endorser", "endorsee"} <= cols:
        return GENERIC
    return None


def _bad(path: Path, line: int, detail: str) -> InputError:
    return InputError(E.E004.format(path=path, line=line, detail=detail))


def _date(value: str, path: Path, line: int) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not _DATE.match(value):
        raise _bad(path, line, f"date {value!r} is not YYYY-MM-DD")
    return value


def _row_538(d: dict[str, str], path: Path, line: int) -> _Row | None:
    endorser, endorsee = d.get("endorser", "").strip(), d.get("endorsee", "").strip()
    if not endorser:
        raise _bad(path, line, "no endorser")
    if not endorsee:
        return None  # a potential endorser who had not endorsed: not a fact
    position = d.get("position", "").strip()
    place = d.get("city", "").strip() or d.get("state", "").strip() or None
    party = d.get("endorser party", "").strip()
    return _Row(line, endorser, endorsee, "endorsed", "president", _date(d.get("date", ""), path, line),
                d.get("source", "").strip() or None, None, "person",
                Title(position, None, place) if position else None, _PARTIES.get(party.upper(), party or None))


def _row_generic(d: dict[str, str], path: Path, line: int) -> _Row:
    endorser, endorsee = (d.get("endorser") or "").strip(), (d.get("endorsee") or "").strip()
    if not endorser or not endorsee:
        raise _bad(path, line, "endorser and endorsee are required")
    status = (d.get("status") or "").strip().lower() or "endorsed"
    if status not in ENDORSEMENT_STATUSES:
        raise _bad(path, line, f"status {status!r} is not one of {', '.join(ENDORSEMENT_STATUSES)}")
    kind = (d.get("endorser_type") or "").strip().lower() or "person"
    if kind not in ("person", "organization"):
        raise _bad(path, line, f"endorser_type {kind!r} is not person or organization")
    return _Row(line, endorser, endorsee, status, (d.get("office") or "").strip() or None,
                _date(d.get("date") or "", path, line), (d.get("source_url") or "").strip() or None,
                (d.get("evidence") or "").strip() or None, kind)


_VERBS = {"endorsed": "endorsed", "withdrawn": "withdrew the endorsement of",
          "declined": "declined to endorse", "undecided": "has not yet endorsed",
          "supports": "supports", "opposes": "opposes"}


def _sentence(row: _Row) -> str:
    detail = ", ".join(p for p in ((row.title.title if row.title else None),
                                   (row.title.place if row.title else None), row.party) if p)
    who = f"{row.endorser} ({detail})" if detail else row.endorser
    office = f" for {row.office}" if row.office else ""
    return f"{who} {_VERBS[row.status]} {row.endorsee}{office}."


def _record(group: _Group, path: Path, fmt: str) -> Record:
    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for row in group.rows:
        line = row.evidence or _sentence(row)
        line = " ".join(line.split())
        lines.append(line)
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    text = "\n".join(lines)
    first = group.rows[0]
    digest = hashlib.sha1(f"{path.name}\n{group.key}".encode()).hexdigest()[:12]
    article = Article(id=f"import-{fmt}-{digest}", source=f"{path}:{first.line}", text=text,
                      title=f"{path.name}: {len(group.rows)} endorsement row(s)",
                      published=min((r.date for r in group.rows if r.date), default=None), url=first.url)
    people: dict[str, Person] = {}
    orgs: dict[str, Organization] = {}
    endorsements: list[Endorsement] = []

    def entity(name: str, kind: str, span: tuple[int, int], row: _Row, endorser: bool) -> str:
        start = text.find(name, span[0], span[1])
        mention = [(start, start + len(name))] if start >= 0 else []
        if kind == "organization":
            org = orgs.setdefault(name, Organization(id=f"o{len(orgs) + 1}", name=name))
            org.mentions.extend(m for m in mention if m not in org.mentions)
            return org.id
        person = people.setdefault(name, Person(id=f"p{len(people) + 1}", name=name))
        person.mentions.extend(m for m in mention if m not in person.mentions)
        if endorser and row.title and row.title not in person.titles:
            person.titles.append(row.title)
        if endorser and row.party and not person.party:
            person.party = row.party
        return person.id

    for n, (row, span) in enumerate(zip(group.rows, spans), start=1):
        endorser_id = entity(row.endorser, row.endorser_type, span, row, True)
        endorsee_id = entity(row.endorsee, "person", span, row, False)
        endorsements.append(Endorsement(
            id=f"e{n}", endorser=row.endorser, endorsee=row.endorsee, status=row.status,
            evidence=text[span[0]:span[1]], evidence_span=span, endorser_id=endorser_id,
            endorsee_id=endorsee_id, office=row.office, when=row.date, confidence=1.0))
    return Record(article=article, people=list(people.values()), organizations=list(orgs.values()),
                  endorsements=endorsements,
                  extractor=Extractor(name=f"import:{fmt}", version=__version__, model=""))


def read_endorsement_csv(path: str | Path, *, on_error: Callable[[IngestError], None] | None = None) -> list[Record]:
    """Records of the endorsements in a FiveThirtyEight or generic CSV file.

    A bad row raises :class:`~whipcount.errors.InputError` naming the file and line, unless
    ``on_error`` is given: then it receives an IngestError for the row and the rest goes on.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(E.E001.format(path=path))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise InputError(E.E005.format(path=path))
        fmt = detect_format(header)
        if fmt is None:
            raise InputError(E.E042.format(path=path, columns=", ".join(header)))
        keys = [h.strip().lower() for h in header]
        groups: dict[str, _Group] = {}
        skipped = 0
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            try:
                if len(values) > len(keys):
                    raise _bad(path, line, f"{len(values)} fields, the header has {len(keys)}")
                d = dict(zip(keys, values))
                row = _row_538(d, path, line) if fmt == FIVETHIRTYEIGHT else _row_generic(d, path, line)
            except InputError as exc:
                if on_error is None:
                    raise
                on_error(IngestError(str(path), str(exc), line))
                continue
            if row is None:
                skipped += 1
                continue
            key = row.url or f"line {line}"
            groups.setdefault(key, _Group(key)).rows.append(row)
    if skipped:
        LOGGER.info("%s: %d rows without an endorsee skipped (potential endorsers)", path, skipped)
    return [_record(g, path, fmt) for g in groups.values()]
