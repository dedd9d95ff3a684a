"""The record contract: every span slices ``article.text`` to exactly the reported text.

Runs the whole line (text repair, the model, every component, record) over the example
article and PolNeAR dev articles from ../shared, and over messy texts written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whipcount.config import Settings
from whipcount.models import Article, Record
from whipcount.process import process

MESSY = [
    # closing marks written as opening ones, missing spaces, a caption run in
    "“We will win this,” said Mayor Ann Ruiz.“Nobody doubts it.“The crowd cheered.Photo: Ruiz at the rally.",
    # straight quotes, a nested quote, an unbalanced mark
    'State Sen. Bo Lin said, "She told me, \'Never again,\' and meant it." Then "he left.',
    # non-breaking spaces, a list of endorsers
    "The Teamsters,\u00a0the Plumbers Local 7 and 9 and the Gazette endorsed Dana Wu for governor.",
    "",  # handled as an article of no text by process(); ingest reports empty files
    "\u201c" * 50 + " said he",
]


def spans_of(rec: dict) -> list[tuple[list[int], str | None]]:
    """Every (span, expected text or None) pair in a record."""
    out: list[tuple[list[int], str | None]] = []
    for p in rec["people"] + rec["organizations"]:
        out += [(m, None) for m in p["mentions"]]
        for t in p.get("titles", []):
            if t.get("span"):
                out.append((t["span"], None))
    for q in rec["quotes"]:
        out.append((q["span"], q["text"]))
        for key in ("speaker_span", "cue_span"):
            if q.get(key):
                out.append((q[key], q["cue"] if key == "cue_span" else None))
    for e in rec["endorsements"]:
        out.append((e["evidence_span"], e["evidence"]))
    for s in rec["stances"]:
        out.append((s["evidence_span"], s.get("evidence")))
    return out


def check_record(rec: dict, text: str) -> None:
    assert rec["article"]["text"] == text
    for span, expected in spans_of(rec):
        start, end = span
        assert 0 <= start <= end <= len(text), (span, len(text))
        if expected is not None:
            assert text[start:end] == expected
    ids = {p["id"] for p in rec["people"]} | {o["id"] for o in rec["organizations"]}
    qids = {q["id"] for q in rec["quotes"]}
    for q in rec["quotes"]:
        assert q["speaker_id"] is None or q["speaker_id"] in ids
        assert q["nested_in"] is None or q["nested_in"] in qids
    json.dumps(rec)  # plain JSON all the way down
    assert Record.from_dict(rec).to_dict() == rec  # round-trips


@pytest.mark.parametrize("text", MESSY)
def test_messy_texts_keep_the_contract(text: str) -> None:
    [rec] = list(process([Article(id="m", source="m", text=text)], Settings()))
    assert isinstance(rec, Record)
    check_record(rec.to_dict(), text)


def test_example_article_record(shared_dir: Path) -> None:
    path = shared_dir / "examples" / "lieberman-labor-rally.txt"
    text = path.read_text(encoding="utf-8")
    [rec] = list(process([Article(id=path.stem, source=str(path), text=text)], Settings()))
    assert isinstance(rec, Record)
    d = rec.to_dict()
    check_record(d, text)
    assert d["people"] and d["quotes"] and d["endorsements"]


def test_polnear_dev_records(shared_dir: Path) -> None:
    paths = sorted((shared_dir / "data" / "polnear" / "dev" / "text").glob("*.txt"))[:20]
    if not paths:
        pytest.skip("PolNeAR dev not found in ../shared")
    arts = [Article(id=p.stem, source=str(p), text=p.read_text(encoding="utf-8")) for p in paths]
    recs = list(process(arts, Settings()))
    assert len(recs) == len(arts)
    for art, rec in zip(arts, recs):
        assert isinstance(rec, Record), rec
        check_record(rec.to_dict(), art.text)


@pytest.mark.parametrize("published, sentence, expected", [
    # no date in the sentence: the article's date
    ("2006-07-10", "The Teamsters endorsed Joe Lieberman for the U.S. Senate.", "2006-07-10"),
    ("2006-07-10T14:30:00-04:00", "The Teamsters endorsed Joe Lieberman for the U.S. Senate.", "2006-07-10"),
    # an undated article leaves an undated sentence undated
    (None, "The Teamsters endorsed Joe Lieberman for the U.S. Senate.", None),
])
def test_endorsement_date_falls_back_to_the_article(published: str | None, sentence: str,
                                                     expected: str | None) -> None:
    art = Article(id="d", source="d", text=sentence, published=published)
    [rec] = list(process([art], Settings()))
    assert isinstance(rec, Record) and rec.endorsements
    assert {e.when for e in rec.endorsements} == {expected}
