"""Property tests: ingest survives random bytes in every format; text repair's long-run cuts
keep the offset map exact; the pipeline never crashes and every span lies inside the text.

(The offset map's general properties are in test_prepare.py; the per-item limits are in
test_hostile.py.) Example counts are modest so the file runs in well under a minute.
"""

from __future__ import annotations

import gzip
import logging
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whipcount.config import Settings
from whipcount.ingest import iter_articles
from whipcount.models import Article, IngestError, Record
from whipcount.prepare import prepare

CODE = re.compile(r"E\d{3} ")

# -- ingest ---------------------------------------------------------------------------------

# A plausible start for each format, so random bytes get past format sniffing into the readers.
PREFIXES: dict[str, list[bytes]] = {
    "txt": [b"", b"The mayor said "],
    "html": [b"", b"<html><body><article><p>", b"<!DOCTYPE html><html><head><title>x</title></head><body>"],
    "jsonl": [b"", b'{"text": "', b'{"text": "The vote", "id": 1}\n{'],
    "warc": [b"", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\n"],
    "rss": [b"", b'<?xml version="1.0"?><rss version="2.0"><channel><item><description>'],
    "xml": [b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"html\">"],
}
FORMATS = [(ext, gz) for ext in PREFIXES for gz in (False, True)]


def _ingest(name: str, data: bytes, limits: Settings) -> list[Article | IngestError]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return list(iter_articles([str(path)], limits))


@pytest.mark.parametrize("ext,gz", FORMATS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_ingest_survives_random_bytes(ext: str, gz: bool, data: st.DataObject) -> None:
    prefix = data.draw(st.sampled_from(PREFIXES[ext]), label="prefix")
    body = prefix + data.draw(st.binary(max_size=600), label="body")
    if gz:
        body = data.draw(st.sampled_from([gzip.compress(body), body, gzip.compress(body)[:-5]]),
                         label="gzip")
    name = f"fuzz.{ext}.gz" if gz else f"fuzz.{ext}"
    items = _ingest(name, body, Settings(max_file_bytes=4096, max_decompressed_bytes=8192))
    assert items, "every input yields an article or an error"
    for item in items:
        assert isinstance(item, (Article, IngestError))
        if isinstance(item, IngestError):
            assert CODE.match(item.reason) and "\n" not in item.reason, item.reason
            assert "unexpected error" not in item.reason, item.reason  # the last-resort catch
        else:
            assert item.text.strip() and "\0" not in item.text


# -- text repair: long runs -----------------------------------------------------------------

_PIECES = st.sampled_from(["word", " ", "\n", ".", '"', "\u201c", "\u201d", "'", "x" * 7, ", ",
                           "! ", "\u00a0", "\r\n", "\u200b", "Mayor Quist", "''"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join), st.integers(0, 12), st.integers(0, 40))
def test_long_run_cuts_keep_the_map(text: str, word: int, sentence: int) -> None:
    p = prepare(text, max_word_chars=word, max_sentence_chars=sentence)
    off, ends = p.offsets, p.ends
    assert ends is not None and len(off) == len(p.text) + 1 and off[-1] == len(text)
    assert all(off[i] <= off[i + 1] for i in range(len(p.text)))          # monotonic
    assert all(off[i] <= ends[i] <= len(text) for i in range(len(p.text)))
    for i in range(len(p.text)):  # every character maps back inside the original
        s, e = p.to_original(i, i + 1)
        assert 0 <= s <= e <= len(text)
    if word:
        assert all(len(w) <= word for w in p.text.split())
    for i in p.sentence_starts:
        assert 0 < i <= len(p.text) and p.text[i - 1] == "\n"
        assert p.to_original(i - 1, i)[0] == p.to_original(i - 1, i)[1]   # inserted: empty span


# -- the pipeline ---------------------------------------------------------------------------

WORDS = ["said", "says", "told", "endorsed", "backs", "withdrew", "its", "endorsement", "of",
         "the", "union", "Mayor", "Sen.", "Dana", "Whitcombe", "Ruth", "Okafor", "Local", "12",
         "Carpenters", "for", "governor", "he", "she", "they", "We", "support", "oppose", "plan",
         "according", "to", "and", ",", ".", "?", "\n", "\n\n", '"', "\u201c", "\u201d", "\u2018",
         "\u2019", "'", "''", "``", "\u00ab", "\u00bb", "-", "\u2014", "(", ")", ":"]


@pytest.fixture(scope="module")
def run_process():
    from whipcount.nlp.pipeline import load_pipeline
    from whipcount.process import process

    load_pipeline()

    def run(text: str) -> Record | IngestError:
        return next(iter(process([Article(id="fuzz", source="fuzz.txt", text=text)],
                                 Settings(max_word_chars=30, max_sentence_chars=300))))
    return run


def _spans(rec: Record) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p in rec.people:
        out += list(p.mentions) + [t.span for t in p.titles if t.span]
    for o in rec.organizations:
        out += list(o.mentions)
    for q in rec.quotes:
        out += [q.span] + [s for s in (q.speaker_span, q.cue_span) if s]
    for e in rec.endorsements:
        out.append(e.evidence_span)
    for s in rec.stances:
        out.append(s.evidence_span)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join))
def test_pipeline_never_crashes_and_spans_lie_inside(run_process, caplog: pytest.LogCaptureFixture,
                                                     text: str) -> None:
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="whipcount"):
        rec = run_process(text)
    assert isinstance(rec, Record), rec
    failures = [r.getMessage() for r in caplog.records if r.name.startswith("whipcount")]
    assert not failures, failures  # a component that caught its own crash logs it
    for start, end in _spans(rec):
        assert 0 <= start <= end <= len(text), (start, end, len(text))
    for q in rec.quotes:
        assert q.text == text[q.span[0]:q.span[1]] or q.text.strip() in text
