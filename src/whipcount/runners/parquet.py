"""Records to Parquet, for the Dask engine's ``--out DIR``: one file per partition and table.

``DIR/articles/part-00012.parquet`` holds one row per article (with the full record as JSON),
``DIR/endorsements/`` and ``DIR/quotes/`` one row per fact with its article's id and sha256.
The schemas are explicit (:data:`SCHEMAS`), so every file of a table has the same columns and
types whatever a partition holds, empty partitions included; spans are ``list<int32>``. Reading
them with dask.dataframe needs ``dataframe.convert-string`` False, or the list columns come back
as strings.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..models import Record

LOGGER = logging.getLogger(__name__)

_SPAN = pa.list_(pa.int32())
SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("id", pa.string()), ("sha256", pa.string()), ("source", pa.string()),
        ("title", pa.string()), ("published", pa.string()), ("url", pa.string()),
        ("extractor_version", pa.string()), ("extractor_model", pa.string()),
        ("record", pa.string())]),
    "endorsements": pa.schema([
        ("article_id", pa.string()), ("sha256", pa.string()), ("id", pa.string()),
        ("endorser", pa.string()), ("endorser_id", pa.string()), ("endorsee", pa.string()),
        ("endorsee_id", pa.string()), ("endorser_detail", pa.string()), ("office", pa.string()),
        ("status", pa.string()), ("evidence", pa.string()), ("evidence_span", _SPAN),
        ("when", pa.string()), ("confidence", pa.float64())]),
    "quotes": pa.schema([
        ("article_id", pa.string()), ("sha256", pa.string()), ("id", pa.string()),
        ("kind", pa.string()), ("text", pa.string()), ("span", _SPAN), ("speaker", pa.string()),
        ("speaker_id", pa.string()), ("speaker_span", _SPAN), ("cue", pa.string()),
        ("cue_span", _SPAN), ("nested_in", pa.string()), ("confidence", pa.float64())]),
}


def _span(s: Any) -> list[int] | None:
    return [int(s[0]), int(s[1])] if s is not None else None


def tables(records: list[Record]) -> dict[str, pa.Table]:
    """The records as one Arrow table per kind, with :data:`SCHEMAS`."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for rec in records:
        art = rec.article
        rows["articles"].append({
            "id": art.id, "sha256": art.sha256, "source": art.source, "title": art.title,
            "published": art.published, "url": art.url,
            "extractor_version": rec.extractor.version, "extractor_model": rec.extractor.model,
            "record": json.dumps(rec.to_dict(with_text=True), ensure_ascii=False)})
        for e in rec.endorsements:
            rows["endorsements"].append({
                "article_id": art.id, "sha256": art.sha256, "id": e.id, "endorser": e.endorser,
                "endorser_id": e.endorser_id, "endorsee": e.endorsee, "endorsee_id": e.endorsee_id,
                "endorser_detail": e.endorser_detail, "office": e.office, "status": e.status,
                "evidence": e.evidence, "evidence_span": _span(e.evidence_span), "when": e.when,
                "confidence": float(e.confidence)})
        for q in rec.quotes:
            rows["quotes"].append({
                "article_id": art.id, "sha256": art.sha256, "id": q.id, "kind": q.kind,
                "text": q.text, "span": _span(q.span), "speaker": q.speaker,
                "speaker_id": q.speaker_id, "speaker_span": _span(q.speaker_span), "cue": q.cue,
                "cue_span": _span(q.cue_span), "nested_in": q.nested_in,
                "confidence": float(q.confidence)})
    return {name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in SCHEMAS.items()}


def write_partition(out_dir: str | os.PathLike[str], number: int, records: list[Record]) -> None:
    """Write one partition's records; a file appears whole (written aside, then renamed)."""
    for name, table in tables(records).items():
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{number:05d}.parquet"
        tmp = folder / f".part-{number:05d}.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, final)


def partition_done(out_dir: str | os.PathLike[str], number: int) -> bool:
    """True when every table's file of partition ``number`` is there (it is written last)."""
    return all((Path(out_dir) / name / f"part-{number:05d}.parquet").exists() for name in SCHEMAS)


def read_records(out_dir: str | os.PathLike[str]) -> list[Record]:
    """Every record in ``out_dir/articles`` (in file order)."""
    folder = Path(out_dir) / "articles"
    out: list[Record] = []
    for path in sorted(folder.glob("part-*.parquet")):
        for text in pq.read_table(path, columns=["record"]).column("record").to_pylist():
            out.append(Record.from_dict(json.loads(text)))
    return out
