"""A hostile batch through the real ``whipcount run`` (a subprocess, as a user runs it).

The batch is generated in ``tmp_path``: good articles, merely odd ones (Latin-1, UTF-16 with
and without a BOM, CRLF and odd spaces, 10,000 quote marks in a row, quotes nested 60 deep, a
200,000-character sentence, broken HTML, nested folders, a JSONL line that is not UTF-8) and bad
files (empty, whitespace, binary junk, NUL bytes, an 18 MB article, an HTML page with no
article, truncated and non-gzip ``.warc.gz``, a truncated ``.txt.gz``, a gzip bomb, JSONL with
malformed lines or a missing or non-string ``text``, broken feed XML, unreadable files and a
folder nested deeper than ``max_nesting``).

The checks: every good or odd article is stored (by the sha256 of its text); every bad file,
and every bad JSONL line with its line number, is named in the summary and in the ``--errors``
JSONL with a one-line reason carrying its error code; no traceback; exit status 1; a rerun
stores nothing new. The unit tests at the end pin the limits and repairs the batch relies on.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import re
import subprocess
import sys
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest

from whipcount.config import Settings
from whipcount.ingest import iter_articles
from whipcount.ingest.common import binary_reason
from whipcount.ingest.decode import decode_bytes
from whipcount.ingest.jsonl import line_to_article
from whipcount.models import Article, IngestError, sha256_text
from whipcount.prepare import long_run_edits, prepare
from whipcount.store import open_store

RUN_TIMEOUT = 600  # seconds; a hang fails the test instead of blocking CI

# -- texts (written for these tests) -------------------------------------------------------

COUNCIL = ("The Harrow County Council voted 5-2 on Tuesday to close the Elm Street firehouse, "
           "a decision Fire Chief Nora Pell called \u201ca gamble with response times.\u201d\n"
           "Councilor Sam Okoro, who voted no, said the savings were \u201cimaginary.\u201d\n")
LATIN1 = ("The Caf\u00e9 Se\u00f1or on Main Street will host the debate, organizers said. "
          "State Rep. Ana Ib\u00e1\u00f1ez said she would attend.\n")
UTF16 = ("The Teamsters Local 9 endorsed Lena Varga for state treasurer on Friday. "
         "\u201cShe reads the contracts,\u201d said the local\u2019s president, Joe Brandt.\n")
UTF16_NO_BOM = ("Mayor Alma Quist vetoed the parking ordinance on Monday, saying it "
                "\"punishes the people who work downtown.\"\n")
CRLF = ("Sen. Paul Dray\u00a0said on Wednesday he would not seek a fourth term.\r\n\r\n"
        "\u201cIt\u2019s time,\u201d Dray said.\u200b His chief of staff declined to comment.\r\n")
NESTED = ("Organizers of the rally in Brockton said turnout was high. Alderman Rita Vance said "
          "the crowd kept chanting. ")
DEEP = "The school board in Millbrook approved a four-day week, board chair Ellen Ruiz said.\n"
JSONL_GOOD = ("Gov. Martin Hale signed the transit bill into law on Thursday.",
              "The Carpenters Union backed Dana Whitcombe for the open Senate seat.",
              "City Clerk Ivy Tran said early voting would start on Oct. 3.")
NOT_UTF8_LINE = "The caf\u00e9 owners\u2019 group endorsed Councilor Bo Lind, its director said."
LOCKED = "The library board voted to extend weekend hours, trustee Omar Said said.\n"
PAGE_PARAS = ("The Port Ellery Building Trades Council on Monday endorsed Ruth Okafor for mayor, "
              "citing her support for the harbor project.",
              "\u201cShe showed up when the yard closed,\u201d council president Dev Mahto said. "
              "Okafor thanked the members at a rally outside the union hall on Front Street.")
FEED_ITEMS = (("Bus fares frozen", "The transit board froze bus fares for a year, chair Gil Amos "
               "said on Tuesday, after riders packed the hearing in Dunmore."),
              ("Pool reopens", "The Westside pool reopens Saturday after a two-year repair, parks "
               "director Kim Lowe said, with free swim lessons for children all summer."))


def _runon(chars: int) -> str:
    """One sentence of ``chars`` characters: clauses joined by commas, no full stop until the end."""
    clause = ("and the appropriations subcommittee reconsidered infrastructure expenditures "
              "concerning Harborview redevelopment, ")
    body = (clause * (chars // len(clause) + 1))[:chars - 1]
    return body.rstrip(" ,") + "."


def html_page(title: str, paragraphs: tuple[str, ...]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright Ellery Ledger.</footer></body></html>")


def _warc(pages: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = BytesIO()
    w = WARCWriter(out, gzip=True)
    for url, html in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=BytesIO(html.encode()),
                                            http_headers=http))
    return out.getvalue()


def _gzip_bomb(decompressed: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [z.compress(block) for _ in range(decompressed >> 20)]
    return b"".join(parts) + z.flush()


def _feed(items: tuple[tuple[str, str], ...]) -> str:
    body = "".join(f"<item><title>{t}</title><link>https://ledger.example/{i}</link>"
                   f"<description>&lt;p&gt;{d}&lt;/p&gt;</description></item>"
                   for i, (t, d) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>{body}</channel></rss>'


# -- the batch ------------------------------------------------------------------------------

class Batch:
    """What was written: good files (their expected article hashes) and bad items."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.good: dict[str, set[str]] = {}          # path -> sha256 of the articles it holds
        self.bad: list[tuple[str, int | None, str]] = []  # (path, line, error code)

    def write(self, rel: str, data: bytes | str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    def good_text(self, rel: str, data: bytes | str, text: str) -> None:
        self.good[str(self.write(rel, data))] = {sha256_text(text)}

    def good_by_ingest(self, rel: str, data: bytes | str, count: int) -> None:
        """A file whose articles come out of a parser (HTML, feeds, WARC): ingest it here."""
        p = self.write(rel, data)
        items = list(iter_articles([str(p)]))
        assert len(items) == count and all(isinstance(i, Article) for i in items), items
        self.good[str(p)] = {i.sha256 for i in items}

    def bad_file(self, rel: str, data: bytes | str, code: str) -> Path:
        p = self.write(rel, data)
        self.bad.append((str(p), None, code))
        return p


def build_batch(root: Path) -> Batch:
    b = Batch(root)
    rng = random.Random(7)
    # good and merely odd
    b.good_text("good/council.txt", COUNCIL, COUNCIL)
    b.good_text("good/latin1.txt", LATIN1.encode("latin-1"), LATIN1)
    b.good_text("good/utf16.txt", codecs.BOM_UTF16_LE + UTF16.encode("utf-16-le"), UTF16)
    b.good_text("good/utf16-no-bom.txt", UTF16_NO_BOM.encode("utf-16-be"), UTF16_NO_BOM)
    b.good_text("good/crlf.txt", CRLF.encode(), CRLF)
    b.good_text("good/a/b/c/d/e/f/deep.txt", DEEP, DEEP)
    quotes = COUNCIL.replace("Tuesday", "Wednesday") + '"' * 10_000 + "\n" + DEEP
    b.good_text("odd/quote-marks.txt", quotes, quotes)
    nested = NESTED + "".join(("\u201c" if i % 2 == 0 else "\u2018") + f"level {i} says "
                              for i in range(60)) + "enough" + "".join(
        "\u2019" if i % 2 else "\u201d" for i in reversed(range(60))) + "\n"
    b.good_text("odd/nested-quotes.txt", nested, nested)
    runon = "Mayor Alma Quist spoke first. " + _runon(200_000) + "\n"
    b.good_text("odd/run-on.txt", runon, runon)
    broken_html = ("<html><head><title>Okafor gets trades nod</title><body><p class=lead>" + PAGE_PARAS[0]
                   + "<p>" + PAGE_PARAS[1] + "</span></div><table><tr><td>Ad")
    b.good_by_ingest("odd/broken.html", broken_html, 1)
    b.good_by_ingest("feeds/ledger.rss", _feed(FEED_ITEMS), 2)
    warc = _warc([("https://ledger.example/okafor", html_page("Okafor gets trades nod", PAGE_PARAS)),
                  ("https://ledger.example/fares", html_page("Bus fares frozen", (FEED_ITEMS[0][1] * 2,)))])
    b.good_by_ingest("archive/crawl.warc.gz", warc, 2)

    lines = [json.dumps({"text": JSONL_GOOD[0], "id": "hale"}),   # 1
             '{"text": "unterminated',                            # 2
             json.dumps({"title": "no text here"}),                # 3
             json.dumps({"text": 42}),                             # 4
             json.dumps({"text": None}),                           # 5
             json.dumps(["a", "list"]),                            # 6
             "",                                                   # 7 blank: skipped
             json.dumps({"text": "   \n "}),                       # 8
             '{"text": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",  # 9
             json.dumps({"text": "The vote\u0000 was close."}),    # 10
             json.dumps({"text": JSONL_GOOD[1], "id": {"odd": 1}}),  # 11
             json.dumps({"text": JSONL_GOOD[2], "authors": 7})]    # 12
    raw = ("\n".join(lines) + "\n").encode() + ('{"text": "' + NOT_UTF8_LINE + '"}\n').encode("cp1252")
    path = str(b.write("lines/mixed.jsonl", raw))
    b.good[path] = {sha256_text(t) for t in (*JSONL_GOOD, NOT_UTF8_LINE)}
    b.bad += [(path, n, code) for n, code in ((2, "E004"), (3, "E004"), (4, "E004"), (5, "E004"),
                                              (6, "E004"), (8, "E004"), (9, "E004"), (10, "E009"))]

    # bad
    b.bad_file("bad/empty.txt", b"", "E005")
    b.bad_file("bad/blank.txt", " \n\t\r\n  \n", "E005")
    junk = bytes(rng.randrange(256) for _ in range(4096))
    b.bad_file("bad/junk.txt", junk, "E009")
    b.bad_file("bad/junk", junk, "E002")
    b.bad_file("bad/nul.txt", COUNCIL.replace(" ", "\0", 3), "E009")
    big = ("The committee met again. " * 40 + "\n") * (18 * 1024 * 1024 // 1001 + 1)
    b.bad_file("bad/huge.txt", big, "E007")
    b.bad_file("bad/no-article.html", "<html><head><title>Home</title></head><body><nav>"
               "<a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>", "E006")
    b.bad_file("bad/cut.warc.gz", warc[: len(warc) * 3 // 4], "E008")
    b.bad_file("bad/plain.warc.gz", "WARC/1.0\r\nthis is not gzip\r\n", "E008")
    cut = gzip.compress((COUNCIL + LATIN1 + UTF16).encode())
    b.bad_file("bad/cut.txt.gz", cut[: len(cut) // 2], "E008")
    b.bad_file("bad/bomb.html.gz", _gzip_bomb(Settings().max_file_bytes + (16 << 20)), "E007")
    b.bad_file("bad/broken.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>X'
               "</title><item><title>Cut off</title><description>", "E00")
    b.bad_file("bad/garbage.xml", "<rss><<<>>>&&&\x01</chan", "E00")
    dangling = root / "bad" / "dangling.txt"
    dangling.symlink_to(root / "bad" / "no-such-target.txt")
    b.bad.append((str(dangling), None, "E006"))
    locked = b.write("bad/locked.txt", LOCKED)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: then it is a good article
        b.good[str(locked)] = {sha256_text(LOCKED)}
    else:
        b.bad.append((str(locked), None, "E006"))
    if Path("/proc/self/mem").exists():  # a file whose read fails with an I/O error
        ioerr = root / "bad" / "io-error.txt"
        ioerr.symlink_to("/proc/self/mem")
        b.bad.append((str(ioerr), None, "E006"))
    deep = root / "bad" / "nest"
    chain = deep.joinpath(*(["d"] * (Settings().max_nesting + 2)))
    chain.mkdir(parents=True)
    (chain / "lost.txt").write_text(DEEP)
    b.bad.append((str(deep), None, "E007"))  # reported somewhere below this folder
    return b


def run_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "whipcount", *args], capture_output=True,
                          text=True, timeout=RUN_TIMEOUT)
    return proc, time.perf_counter() - started


def _read_errors(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _check_reported(batch: Batch, errors: list[dict[str, object]], stderr: str) -> None:
    for e in errors:
        reason = str(e["reason"])
        assert "\n" not in reason and re.match(r"E\d{3} ", reason), e
    for path, line, code in batch.bad:
        if path.endswith("nest"):
            hits = [e for e in errors if str(e["source"]).startswith(path)]
        else:
            hits = [e for e in errors if e["source"] == path and e["line"] == line]
        assert hits, f"{path}:{line} not reported"
        assert any(str(e["reason"]).startswith(code) for e in hits), (code, hits)
        assert path in stderr, f"{path} not in the summary"
    good_only = set(batch.good) - {p for p, _, _ in batch.bad}
    wrongly = [e for e in errors if e["source"] in good_only and e["line"] is None]
    assert not wrongly, wrongly


def test_hostile_batch(tmp_path: Path) -> None:
    batch = build_batch(tmp_path / "batch")
    db = tmp_path / "store.db"
    errors_file = tmp_path / "errors.jsonl"

    proc, elapsed = run_cli("run", str(batch.root), "--db", str(db), "--errors", str(errors_file))
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == 1, output[-3000:]
    errors = _read_errors(errors_file)
    _check_reported(batch, errors, proc.stderr)
    wanted = set().union(*batch.good.values())
    with open_store(str(db), create=False) as store:
        assert store.known_hashes(wanted) == wanted, "some good articles were not stored"
        stored = store.counts()["articles"]
    assert stored == len(wanted)  # and nothing else (no junk stored as an article)
    assert f"stored: {stored}," in proc.stdout
    assert elapsed < RUN_TIMEOUT

    proc2, _ = run_cli("run", str(batch.root), "--db", str(db), "--errors", str(errors_file))
    assert "Traceback" not in proc2.stdout + proc2.stderr
    assert proc2.returncode == 1
    assert "stored: 0," in proc2.stdout
    errors2 = _read_errors(errors_file)
    assert {(e["source"], e["line"]) for e in errors2} == {(e["source"], e["line"]) for e in errors}
    with open_store(str(db), create=False) as store:
        assert store.counts()["articles"] == stored


# -- the pieces the batch relies on ---------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("A plain story.\n\tWith a tab.\f", None),
    ("caf\u00e9 \x81", None),                      # one cp1252 hole in a short text
    ("a\0b", "1 NUL character"),
    ("".join(chr(1 + i % 31) for i in range(400)), "control characters"),
])
def test_binary_reason(text: str, expected: str | None) -> None:
    got = binary_reason(text)
    assert (got is None) if expected is None else (got is not None and expected in got)


@pytest.mark.parametrize("data,expected", [
    ("Vote \"no\" today.".encode("utf-16-le"), "Vote \"no\" today."),
    ("Vote \"no\" today.".encode("utf-16-be"), "Vote \"no\" today."),
    ("caf\u00e9".encode("utf-8"), "caf\u00e9"),
    (b"ab\0cd\0", "ab\0cd\0"),                      # a few NULs are not UTF-16: left to E009
])
def test_decode_utf16_without_bom(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize("raw,code", [
    (b'{"text": "x", "y": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "E004"),
    (b'{"text": "a\\u0000b"}', "E009"),
])
def test_jsonl_line_errors(raw: bytes, code: str) -> None:
    item = line_to_article(raw, "a.jsonl", "a", 3, Settings())
    assert isinstance(item, IngestError) and item.line == 3 and item.reason.startswith(code)


@pytest.mark.parametrize("text,word,sentence,expected", [
    ("short words only.", 5, 0, []),
    ("abcdefghijk", 5, 0, [(5, 5, " "), (10, 10, " ")]),
    ("one two three four five six", 0, 10, [(8, 8, "\n"), (14, 14, "\n"), (24, 24, "\n")]),
    ("One. Two. Three. Four.", 0, 10, []),         # sentence ends keep every piece short
])
def test_long_run_edits(text: str, word: int, sentence: int, expected: list[tuple[int, int, str]]) -> None:
    assert long_run_edits(text, word, sentence) == expected


def test_prepare_cuts_long_runs_and_maps_back() -> None:
    text = "Quist spoke. " + _runon(5_000) + " " + '"' * 1_000
    p = prepare(text, max_word_chars=100, max_sentence_chars=1_000)
    assert max(len(w) for w in p.text.split()) <= 100
    assert len(p.sentence_starts) >= 4
    assert all(p.text[i - 1] == "\n" for i in p.sentence_starts)
    assert p.to_original(0, len(p.text)) == (0, len(text))
    for i in p.sentence_starts:  # an inserted break maps to the empty span where it went in
        s, e = p.to_original(i - 1, i)
        assert s == e


def test_nesting_limit(tmp_path: Path) -> None:
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "top.txt").write_text(COUNCIL)
    (tmp_path / "a" / "b" / "c" / "low.txt").write_text(DEEP)
    items = list(iter_articles([str(tmp_path / "a")], Settings(max_nesting=1)))
    assert [type(i).__name__ for i in items] == ["IngestError", "Article"]
    assert "max_nesting" in items[0].reason and items[0].source.endswith("c")
