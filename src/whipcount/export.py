"""Writing records and store rows out: JSON Lines, a JSON array, CSV, and rich tables.

Records (output-schema.md) go out whole as JSON, or flattened for CSV to one row per fact
(:func:`fact_rows`). Store rows (plain dicts from the list queries) go out as JSON Lines, CSV
(spans split into ``*_start``/``*_end`` columns, nested values as JSON) or a rich table.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

from rich.table import Table

from .models import IngestError, Record

LOGGER = logging.getLogger(__name__)

RECORD_FORMATS: tuple[str, ...] = ("jsonl", "json", "csv")
ROW_FORMATS: tuple[str, ...] = ("table", "jsonl", "csv")

# One row per fact of a record; a spreadsheet-friendly superset of every fact's fields.
FACT_COLUMNS: tuple[str, ...] = (
    "article_id", "fact", "fact_id", "kind", "name", "text", "speaker", "speaker_id", "cue",
    "nested_in", "endorser", "endorsee", "status", "office", "when", "titles", "party", "topic",
    "polarity", "confidence", "span_start", "span_end", "extractor_version")

# The columns a table shows for each list command (the JSON/CSV outputs have every field).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "title", "published", "source"),
    "people": ("id", "name", "titles", "party", "articles"),
    "organizations": ("id", "name", "kind", "members", "articles"),
    "quotes": ("article_id", "id", "kind", "speaker", "text"),
    "endorsements": ("article_id", "endorser", "status", "endorsee", "office", "evidence"),
}

SPAN_FIELDS: tuple[str, ...] = ("span", "speaker_span", "cue_span", "evidence_span")


def fact_rows(record: Record) -> Iterator[dict[str, Any]]:
    """Flatten ``record`` to one row per person, organization, quote, endorsement and stance."""
    aid, version = record.article.id, record.extractor.version

    def row(fact: str, fact_id: str | None, span: Sequence[int] | None, **fields: Any) -> dict[str, Any]:
        out: dict[str, Any] = dict.fromkeys(FACT_COLUMNS)
        out.update(article_id=aid, fact=fact, fact_id=fact_id, extractor_version=version, **fields)
        if span is not None:
            out["span_start"], out["span_end"] = int(span[0]), int(span[1])
        return out

    for p in record.people:
        titles = "; ".join(_title_text(t.title, t.org, t.place) for t in p.titles) or None
        yield row("person", p.id, min(p.mentions) if p.mentions else None, name=p.name,
                  titles=titles, party=p.party)
    for o in record.organizations:
        yield row("organization", o.id, min(o.mentions) if o.mentions else None, name=o.name,
                  kind=o.kind)
    for q in record.quotes:
        yield row("quote", q.id, q.span, kind=q.kind, text=q.text, speaker=q.speaker,
                  speaker_id=q.speaker_id, cue=q.cue, nested_in=q.nested_in, confidence=q.confidence)
    for e in record.endorsements:
        yield row("endorsement", e.id, e.evidence_span, text=e.evidence, endorser=e.endorser,
                  endorsee=e.endorsee, status=e.status, office=e.office, when=e.when,
                  confidence=e.confidence)
    for s in record.stances:
        yield row("stance", None, s.evidence_span, name=s.holder, text=s.evidence, topic=s.topic,
                  polarity=s.polarity)


def _title_text(title: str, org: str | None, place: str | None) -> str:
    return ", ".join(x for x in (title, org, place) if x)


def write_results(results: Iterable[Record | IngestError], out: TextIO, fmt: str = "jsonl",
                  with_text: bool = True,
                  on_error: Callable[[IngestError], None] | None = None) -> tuple[int, int]:
    """Write every Record of ``results`` to ``out`` as ``fmt``; hand IngestErrors to ``on_error``.

    Streams: nothing is held back but the current record. Returns (records written, errors).
    """
    if fmt not in RECORD_FORMATS:
        raise ValueError(f"format must be one of {', '.join(RECORD_FORMATS)}, not {fmt!r}")
    written = errors = 0
    writer: csv.DictWriter[str] | None = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(FACT_COLUMNS), lineterminator="\n")
        writer.writeheader()
    elif fmt == "json":
        out.write("[")
    for item in results:
        if isinstance(item, IngestError):
            errors += 1
            if on_error is not None:
                on_error(item)
            continue
        if writer is not None:
            writer.writerows(fact_rows(item))
        elif fmt == "json":
            out.write(("\n" if written == 0 else ",\n") + _dumps(item.to_dict(with_text=with_text)))
        else:
            out.write(_dumps(item.to_dict(with_text=with_text)) + "\n")
        written += 1
    if fmt == "json":
        out.write("\n]\n" if written else "]\n")
    return written, errors


def flat_row(row: dict[str, Any]) -> dict[str, Any]:
    """A store row with spans split into ``<field>_start``/``<field>_end`` and nested values as JSON."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in SPAN_FIELDS:
            start, end = (value[0], value[1]) if value else (None, None)
            out[f"{key}_start"], out[f"{key}_end"] = start, end
        elif isinstance(value, (list, dict)):
            out[key] = _dumps(value)
        else:
            out[key] = value
    return out


def write_rows(rows: Iterable[dict[str, Any]], out: TextIO, fmt: str = "jsonl") -> int:
    """Write store rows as JSON Lines or CSV; returns the number of rows."""
    if fmt == "jsonl":
        n = 0
        for row in rows:
            out.write(_dumps(row) + "\n")
            n += 1
        return n
    if fmt == "csv":
        flat = [flat_row(r) for r in rows]
        columns: list[str] = []
        for r in flat:
            columns += [k for k in r if k not in columns]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        if columns:
            writer.writeheader()
        writer.writerows(flat)
        return len(flat)
    raise ValueError(f"format must be jsonl or csv, not {fmt!r}")


def rows_table(rows: Sequence[dict[str, Any]], kind: str, title: str | None = None,
               max_chars: int = 160) -> Table:
    """A rich Table of store rows showing ``TABLE_COLUMNS[kind]``; long texts are shortened."""
    columns = TABLE_COLUMNS.get(kind) or (tuple(rows[0]) if rows else ())
    table = Table(title=title, show_lines=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(col), max_chars) for col in columns))
    return table


def _cell(value: Any, max_chars: int) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        text = "; ".join(_title_text(v.get("title", ""), v.get("org"), v.get("place"))
                         if "title" in v else _dumps(v) for v in value)
    elif isinstance(value, (list, dict)):
        text = _dumps(value)
    else:
        text = str(value)
    return text if len(text) <= max_chars else text[:max_chars - 1] + "…"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
