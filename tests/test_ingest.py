"""Ingest: formats, encodings, gzip, limits, folders and stdin. Fixtures are written here."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import sys
from io import BytesIO
from pathlib import Path

import pytest

from whipcount.config import Settings
from whipcount.errors import InputError
from whipcount.ingest import count_inputs, detect_format, iter_articles
from whipcount.ingest.decode import decode_bytes, html_declared_charset
from whipcount.ingest.feeds import html_fragment_to_text
from whipcount.ingest.streams import gunzip_stream
from whipcount.ingest.warc import record_article_id
from whipcount.models import Article, IngestError

SHARED = Path(__file__).resolve().parents[2] / "shared"

# ---------------------------------------------------------------- fixture texts (written for these tests)

STORY = (
    "Gov. Maria Alvarez picked up the endorsement of the state AFL-CIO on Tuesday, a week after "
    "the teachers\u2019 union sat out the primary.\n\n"
    "\u201cShe stood with us when it wasn\u2019t easy,\u201d said Tom Reilly, the federation\u2019s "
    "president, at a rally outside the Capitol.\r\n"
)
STORY_CP1252 = (
    "State Sen. Paul Okafor said Monday he would \u201cnot be bullied\u201d by leadership \u2013 "
    "and that the caf\u00e9 owners in his district backed him.\n"
)

PAGE_TWO_PARAS = (
    "Rep. Linda Choi announced on Thursday that she would back Mayor Aaron Feld in the Senate "
    "primary, calling him \u201cthe only candidate who has shown up for the Valley.\u201d",
    "Feld, who trails in the most recent poll, welcomed the endorsement at a diner in Holyoke. "
    "\u201cLinda knows these towns better than anyone,\u201d he said, adding that two more "
    "legislators would join him next week.",
)


def html_page(title: str, paragraphs: tuple[str, ...], date: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>{meta}</head>"
            f"<body><nav><a href='/'>Home</a> | <a href='/politics'>Politics</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright Valley Ledger. All rights reserved.</footer></body></html>")


PAGE_ONE_PARAS = (
    "The Carpenters Local 108 voted Wednesday night to endorse Councilor Rosa Mart\u00ednez for "
    "mayor, the first major union to pick a side in the crowded race.",
    "\u201cRosa has been on every picket line we\u2019ve walked,\u201d business agent Dan Kowalski "
    "said after the vote, which he described as unanimous. Mart\u00ednez thanked the members and "
    "said she would unveil a housing plan next month.",
)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Capitol Wire</title><link>https://capitolwire.example/</link>
<description>State politics</description>
<item>
  <title>Nurses union backs Alvarez</title>
  <link>https://capitolwire.example/2025/03/nurses-alvarez</link>
  <guid isPermaLink="false">cw-2025-0311</guid>
  <pubDate>Tue, 04 Mar 2025 22:30:00 -0500</pubDate>
  <dc:creator>Dana Whitfield</dc:creator>
  <description>The nurses union endorsed the governor.</description>
  <content:encoded><![CDATA[<p>The Massachusetts Nurses Association endorsed Gov. Maria Alvarez on Tuesday,
  citing her veto of the hospital staffing cuts.</p><p>&#8220;She kept her word,&#8221; said
  union president Ellen Barry.<br>The group has 23,000 members.</p>]]></content:encoded>
</item>
<item>
  <title>Okafor stays neutral</title>
  <link>https://capitolwire.example/2025/03/okafor-neutral</link>
  <pubDate>Wed, 05 Mar 2025 09:00:00 -0500</pubDate>
  <description>State Sen. Paul Okafor said he will not endorse in the primary &amp; will focus on the budget.</description>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Statehouse Notes</title>
  <id>tag:statehouse.example,2025:feed</id>
  <updated>2025-04-02T12:00:00Z</updated>
  <entry>
    <title>Teamsters withdraw support for Feld</title>
    <id>tag:statehouse.example,2025:feld-teamsters</id>
    <link href="https://statehouse.example/feld-teamsters"/>
    <published>2025-04-01T18:15:00-04:00</published>
    <updated>2025-04-01T19:00:00-04:00</updated>
    <author><name>Marcus Lee</name></author>
    <content type="html">&lt;p&gt;Teamsters Local 25 withdrew its endorsement of Aaron Feld on
    Tuesday.&lt;/p&gt;&lt;p&gt;&#8220;We can&#8217;t back a candidate who crossed our line,&#8221;
    the local said in a statement.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Choi to run for re-election</title>
    <id>tag:statehouse.example,2025:choi</id>
    <link href="https://statehouse.example/choi"/>
    <updated>2025-04-02T08:00:00Z</updated>
    <author><name>Marcus Lee</name></author>
    <author><name>Priya Natarajan</name></author>
    <summary type="text">Rep. Linda Choi said she will seek a fifth term.</summary>
  </entry>
</feed>
"""


# ---------------------------------------------------------------- helpers

def articles(items: list[Article | IngestError]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def errors(items: list[Article | IngestError]) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def read(*paths: Path | str, settings: Settings | None = None) -> list[Article | IngestError]:
    return list(iter_articles([str(p) for p in paths], settings))


def write_warc(path: Path, gzip_it: bool = True) -> list[str]:
    """A WARC (written with warcio) with 2 HTML pages, a PNG, a request and a 404 page; returns page ids."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    ids = []
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gzip_it)

        def response(url: str, body: bytes, ctype: str, status: str = "200 OK", date: str = "2024-09-30T12:00:00Z"):
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
            w.write_record(rec)
            return rec.rec_headers.get_header("WARC-Record-ID")

        ids.append(response("https://valleyledger.example/local-108",
                            html_page("Carpenters back Martinez", PAGE_ONE_PARAS, date="2024-09-26").encode(),
                            "text/html; charset=utf-8"))
        response("https://valleyledger.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
        req = StatusAndHeaders("GET /choi HTTP/1.1", [("Host", "valleyledger.example")], is_http_request=True)
        w.write_record(w.create_warc_record("https://valleyledger.example/choi", "request", http_headers=req))
        response("https://valleyledger.example/gone", html_page("Gone", ("Not found here.",)).encode(),
                 "text/html", status="404 Not Found")
        ids.append(response("https://valleyledger.example/choi",
                            html_page("Choi backs Feld", PAGE_TWO_PARAS).encode("cp1252"),
                            "application/xhtml+xml; charset=windows-1252", date="2024-10-03T08:00:00Z"))
    return ids


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(BytesIO(data))


# ---------------------------------------------------------------- decoding

@pytest.mark.parametrize("data,declared,expected", [
    (STORY.encode("utf-8"), None, STORY),
    (codecs.BOM_UTF8 + STORY.encode("utf-8"), None, STORY),
    (codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"), None, STORY),
    (codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"), None, STORY),
    (codecs.BOM_UTF32_LE + STORY.encode("utf-32-le"), None, STORY),
    (STORY_CP1252.encode("cp1252"), None, STORY_CP1252),
    (b"caf\xe9 \x81", None, "caf\u00e9 \x81"),                 # cp1252 hole: Latin-1 fallback
    ("\u0413\u043e\u043b\u043e\u0441".encode("koi8-r"), "koi8-r", "\u0413\u043e\u043b\u043e\u0441"),
    (b"\x93quoted\x94", "iso-8859-1", "\u201cquoted\u201d"),   # Latin-1 label means cp1252
    ("na\u00efve".encode("utf-8"), "iso-8859-1", "na\u00efve"),  # valid UTF-8 beats a stale label
])
def test_decode_bytes(data: bytes, declared: str | None, expected: str) -> None:
    assert decode_bytes(data, declared) == expected


def test_decode_bytes_broken_utf16_raises() -> None:
    with pytest.raises(UnicodeDecodeError):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00b")


@pytest.mark.parametrize("html,expected", [
    (b'<html><head><meta charset="windows-1252"></head>', "windows-1252"),
    (b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>", "ISO-8859-1"),
    (b"<html><head><title>x</title></head>", None),
])
def test_html_declared_charset(html: bytes, expected: str | None) -> None:
    assert html_declared_charset(html) == expected


# ---------------------------------------------------------------- detection

@pytest.mark.parametrize("name,head,expected", [
    ("a.txt", b"<html><body>", "txt"),               # the extension decides
    ("a.HTM", b"hello", "html"),
    ("a.jsonl", b"", "jsonl"),
    ("a.warc", b"WARC/1.1\r\n", "warc"),
    ("a.rss", b"<?xml version='1.0'?><rss>", "feed"),
    ("a.xml", b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
    ("a.xml", b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/'>", "unknown"),
    ("a.txt.gz", gzip.compress(b"hello"), "txt.gz"),
    ("a.gz", gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n"), "warc.gz"),
    ("a.gz", gzip.compress(b'{"text": "x"}\n'), "jsonl.gz"),
    ("a.txt", gzip.compress(b"hello"), "txt.gz"),      # gzip bytes win over a plain name
    ("a.txt.gz", b"not gzip at all", "txt.gz"),       # ...and a .gz name means gzip (then E008)
    ("-", b"WARC/1.0\r\n", "warc"),
    ("-", b"\n  <!DOCTYPE html><html>", "html"),
    ("-", b"<rss version='2.0'><channel>", "feed"),
    ("-", b'{"text": "Senator Reyes said"}\n', "jsonl"),
    ("-", "Senator Reyes said \u201cno.\u201d".encode(), "txt"),
    ("-", codecs.BOM_UTF16_LE + "Plain words".encode("utf-16-le"), "txt"),
    ("-", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unknown"),
    ("story", "The mayor said".encode(), "txt"),
])
def test_detect_format(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


# ---------------------------------------------------------------- plain text

@pytest.mark.parametrize("name,data,expected", [
    ("utf8.txt", STORY.encode("utf-8"), STORY),
    ("bom.txt", codecs.BOM_UTF8 + STORY.encode("utf-8"), STORY),
    ("utf16.txt", codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"), STORY),
    ("smart.txt", STORY_CP1252.encode("cp1252"), STORY_CP1252),
    ("padded.txt", b"\n\n  " + STORY.encode() + b"\n\n\n", "\n\n  " + STORY + "\n\n\n"),
    ("story.txt.gz", gzip.compress(STORY.encode()), STORY),
])
def test_text_files_exact(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    [item] = read(p)
    assert isinstance(item, Article), item
    assert item.text == expected
    assert item.id == name.split(".")[0]
    assert item.source == str(p)
    assert item.title is None


@pytest.mark.parametrize("name,data,code", [
    ("empty.txt", b"", "E005"),
    ("blank.txt", b"  \r\n\t\n", "E005"),
    ("bad16.txt", codecs.BOM_UTF16_LE + b"a\x00b", "E003"),
    ("corrupt.txt.gz", gzip.compress(STORY.encode())[:40] + b"\xff" * 30, "E008"),
    ("cut.txt.gz", gzip.compress(STORY.encode() * 20)[:-30], "E008"),
    ("fake.txt.gz", b"this was never gzip", "E008"),
    ("empty.txt.gz", b"", "E008"),
    ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "E002"),   # named explicitly: reported
])
def test_bad_files_are_error_items(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    [item] = read(p)
    assert isinstance(item, IngestError)
    assert item.reason.startswith(code), item.reason
    assert item.source == str(p)


def test_example_article_is_read_exactly() -> None:
    path = SHARED / "examples" / "lieberman-labor-rally.txt"
    if not path.exists():
        pytest.skip(f"shared examples not found at {path}")
    [item] = read(path)
    assert isinstance(item, Article)
    assert item.text == path.read_bytes().decode("utf-8")
    assert item.id == "lieberman-labor-rally"


# ---------------------------------------------------------------- limits

@pytest.mark.parametrize("name,data,settings,what", [
    ("big.txt", STORY.encode() * 10, Settings(max_file_bytes=100), "max_file_bytes"),
    ("long.txt", STORY.encode() * 10, Settings(max_article_chars=100), "max_article_chars"),
    ("bomb.txt.gz", gzip.compress(b"\0" * (8 * 1024 * 1024)), Settings(max_decompressed_bytes=1024 * 1024),
     "max_decompressed_bytes"),
    ("bomb.jsonl.gz", gzip.compress(b'{"text": "x"}\n' * 200_000), Settings(max_decompressed_bytes=100_000),
     "max_decompressed_bytes"),
])
def test_limits_are_error_items(tmp_path: Path, name: str, data: bytes, settings: Settings, what: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    items = read(p, settings=settings)
    errs = errors(items)
    assert len(errs) == 1
    assert errs[0].reason.startswith("E007") and what in errs[0].reason, errs[0].reason


def test_gzip_reader_stops_at_the_limit() -> None:
    stream = gunzip_stream(BytesIO(gzip.compress(b"\0" * (4 * 1024 * 1024))), "bomb.gz", 256 * 1024)
    got = 0
    with pytest.raises(InputError, match="E007"):
        while chunk := stream.read(64 * 1024):
            got += len(chunk)
    assert got <= 256 * 1024


# ---------------------------------------------------------------- JSONL

JSONL_LINES = [
    json.dumps({"id": "ap-1", "text": "Sen. Reyes endorsed Choi.", "title": "Reyes backs Choi",
                "url": "https://news.example/1", "published": "2025-02-03", "authors": ["Kim Ode"]}),
    "",
    "{not json at all",
    json.dumps({"title": "no text here"}),
    json.dumps({"text": 42}),
    json.dumps({"text": "Mayor Feld declined to endorse anyone.", "author": "Lu Chen"}),
    json.dumps(["a", "list"]),
    json.dumps({"text": "   "}),
]
JSONL_EXPECTED = [  # (line, article id or error code)
    (1, "ap-1"), (3, "E004"), (4, "E004"), (5, "E004"), (6, "wire-6"), (7, "E004"), (8, "E004"),
]


@pytest.mark.parametrize("name,compress", [("wire.jsonl", False), ("wire.jsonl.gz", True)])
def test_jsonl(tmp_path: Path, name: str, compress: bool) -> None:
    data = ("\n".join(JSONL_LINES) + "\n").encode()
    p = tmp_path / name
    p.write_bytes(gzip.compress(data) if compress else data)
    items = read(p)
    got = []
    for item in items:
        if isinstance(item, Article):
            got.append(item.id)
        else:
            got.append(item.reason[:4])
            assert item.line is not None and f"line {item.line}:" in item.reason
    assert got == [x for _, x in JSONL_EXPECTED]
    assert [i.line for i in errors(items)] == [n for n, x in JSONL_EXPECTED if x.startswith("E")]
    first, second = articles(items)
    assert (first.title, first.url, first.published, first.authors) == (
        "Reyes backs Choi", "https://news.example/1", "2025-02-03", ["Kim Ode"])
    assert second.authors == ["Lu Chen"] and second.source == str(p)


def test_jsonl_overlong_line_is_skipped(tmp_path: Path) -> None:
    p = tmp_path / "w.jsonl"
    long_line = json.dumps({"text": "x" * 500})
    p.write_text("\n".join([json.dumps({"text": "short one"}), long_line, json.dumps({"text": "after"})]) + "\n")
    items = read(p, settings=Settings(max_file_bytes=200))
    assert [type(i).__name__ for i in items] == ["Article", "IngestError", "Article"]
    assert items[1].line == 2 and items[2].id == "w-3"


# ---------------------------------------------------------------- HTML

@pytest.mark.parametrize("name,data", [
    ("choi.html", html_page("Choi backs Feld", PAGE_TWO_PARAS).encode()),
    ("choi.htm", html_page("Choi backs Feld", PAGE_TWO_PARAS).replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252")),
    ("choi.html.gz", gzip.compress(html_page("Choi backs Feld", PAGE_TWO_PARAS).encode())),
])
def test_html_files(tmp_path: Path, name: str, data: bytes) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    [item] = read(p)
    assert isinstance(item, Article), item
    assert item.id == "choi" and item.source == str(p)
    assert "\u201cthe only candidate who has shown up for the Valley.\u201d" in item.text
    assert "All rights reserved" not in item.text


# ---------------------------------------------------------------- WARC

def test_warc_gz_html_responses_only(tmp_path: Path) -> None:
    p = tmp_path / "crawl.warc.gz"
    ids = write_warc(p)
    items = read(p)
    assert not errors(items), errors(items)
    got = articles(items)
    assert [a.id for a in got] == [record_article_id(i) for i in ids]
    assert [a.url for a in got] == ["https://valleyledger.example/local-108", "https://valleyledger.example/choi"]
    assert [a.published for a in got] == ["2024-09-26", "2024-10-03"]  # page date, else WARC-Date
    assert all(a.source == str(p) for a in got)
    assert "Rosa has been on every picket line" in got[0].text
    assert "\u201cLinda knows these towns better than anyone,\u201d" in got[1].text  # cp1252 page decoded


def test_plain_warc(tmp_path: Path) -> None:
    p = tmp_path / "crawl.warc"
    write_warc(p, gzip_it=False)
    items = read(p)
    assert len(articles(items)) == 2 and not errors(items)


@pytest.mark.parametrize("name,gzip_it,cut,articles_before", [
    ("cut.warc.gz", True, 200, 1),       # last member (the Choi page) partly gone: page dropped
    ("cut.warc.gz", True, 4, 1),         # only the gzip trailer gone: still not trusted
    ("cut.warc", False, 300, 1),
    ("cut.warc", False, 2, 1),
    ("junk.warc", None, 0, 0),
])
def test_truncated_or_corrupt_warc(tmp_path: Path, name: str, gzip_it: bool | None, cut: int,
                                   articles_before: int) -> None:
    p = tmp_path / name
    if gzip_it is None:
        p.write_bytes(b"WARC/1.0\r\nthis is not a warc header at all\r\n\r\n")
    else:
        write_warc(p, gzip_it=gzip_it)
        p.write_bytes(p.read_bytes()[:-cut])
    items = read(p)
    assert len(articles(items)) == articles_before
    assert isinstance(items[-1], IngestError), items[-1]
    assert items[-1].reason.startswith("E008") and str(p) in items[-1].reason
    assert len(errors(items)) == 1


@pytest.mark.parametrize("record_id,expected", [
    ("<urn:uuid:0f4c1e2a-1111-2222-3333-444455556666>", "0f4c1e2a-1111-2222-3333-444455556666"),
    ("<urn:example:rec-7>", "urn:example:rec-7"),
    ("plain-id", "plain-id"),
])
def test_record_article_id(record_id: str, expected: str) -> None:
    assert record_article_id(record_id) == expected


# ---------------------------------------------------------------- feeds

FEED_EXPECTED = {
    "rss": [
        ("cw-2025-0311", "Nurses union backs Alvarez", "https://capitolwire.example/2025/03/nurses-alvarez",
         "2025-03-04", ["Dana Whitfield"]),
        ("https://capitolwire.example/2025/03/okafor-neutral", "Okafor stays neutral",
         "https://capitolwire.example/2025/03/okafor-neutral", "2025-03-05", []),
    ],
    "atom": [
        ("tag:statehouse.example,2025:feld-teamsters", "Teamsters withdraw support for Feld",
         "https://statehouse.example/feld-teamsters", "2025-04-01", ["Marcus Lee"]),
        ("tag:statehouse.example,2025:choi", "Choi to run for re-election", "https://statehouse.example/choi",
         "2025-04-02", ["Marcus Lee", "Priya Natarajan"]),
    ],
}
FEED_TEXT = {
    "rss": ["citing her veto of the hospital staffing cuts.", "\u201cShe kept her word,\u201d said",
            "will not endorse in the primary & will focus"],
    "atom": ["Teamsters Local 25 withdrew its endorsement", "\u201cWe can\u2019t back a candidate",
             "Rep. Linda Choi said she will seek a fifth term."],
}


@pytest.mark.parametrize("name,kind,compress", [
    ("capitol.rss", "rss", False), ("capitol.xml", "rss", False), ("capitol.xml.gz", "rss", True),
    ("notes.atom", "atom", False), ("notes.xml", "atom", False),
])
def test_feeds(tmp_path: Path, name: str, kind: str, compress: bool) -> None:
    data = (RSS if kind == "rss" else ATOM).encode()
    p = tmp_path / name
    p.write_bytes(gzip.compress(data) if compress else data)
    items = read(p)
    assert not errors(items), errors(items)
    got = [(a.id, a.title, a.url, a.published, a.authors) for a in articles(items)]
    assert got == FEED_EXPECTED[kind]
    joined = "\n".join(a.text for a in articles(items))
    for snippet in FEED_TEXT[kind]:
        assert snippet in joined
    assert "<p>" not in joined and "&#8220;" not in joined


@pytest.mark.parametrize("data,code", [
    (b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>cut", "E005"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Empty</title></channel></rss>", "E005"),
    (b"<rss><<<>>> not xml", "E006"),
])
def test_broken_feeds(tmp_path: Path, data: bytes, code: str) -> None:
    p = tmp_path / "bad.rss"
    p.write_bytes(data)
    items = read(p)
    assert items and all(isinstance(i, IngestError) for i in items)
    assert items[0].reason.startswith(code), items[0].reason


@pytest.mark.parametrize("fragment,expected", [
    ("<p>One  two\nthree.</p><p>Four.</p>", "One two three.\n\nFour."),
    ("Lead text<br/>second line<div>Block</div>tail", "Lead text\nsecond line\n\nBlock\n\ntail"),
    ("<p>Keep</p><script>drop()</script><style>p{}</style><!-- note -->after", "Keep\n\nafter"),
    ("<ul><li>Choi</li><li>Feld</li></ul>", "Choi\n\nFeld"),
    ("&#8220;Quoted,&#8221; she said &amp; left.", "\u201cQuoted,\u201d she said & left."),
    ("", ""),
])
def test_html_fragment_to_text(fragment: str, expected: str) -> None:
    assert html_fragment_to_text(fragment) == expected


# ---------------------------------------------------------------- folders, stdin, paths

def make_tree(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".hidden").mkdir()
    (root / "a" / "one.txt").write_text("Council President Ruiz said she backs the levy.")
    (root / "b" / "two.txt.gz").write_bytes(gzip.compress(b"Commissioner Tate opposed the levy."))
    (root / "b" / "deep" / "three.jsonl").write_text(
        json.dumps({"text": "Rep. Okafor endorsed Ruiz."}) + "\n" + json.dumps({"text": "Tate declined."}) + "\n")
    (root / "b" / "deep" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (root / "b" / "gold.json").write_text("{}")
    (root / ".hidden" / "secret.txt").write_text("never read")
    (root / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "zz.txt").write_text("Mayor Feld will not seek a third term.")
    (root / "README").write_text("This folder holds test articles.")


def test_folder_tree(tmp_path: Path) -> None:
    make_tree(tmp_path)
    items = read(tmp_path)
    got = [(Path(i.source).relative_to(tmp_path).as_posix(), i.id if isinstance(i, Article) else i.reason[:4])
           for i in items]
    assert got == [
        ("README", "E002"),
        ("a/one.txt", "one"),
        ("b/deep/three.jsonl", "three-1"),
        ("b/deep/three.jsonl", "three-2"),
        ("b/two.txt.gz", "two"),
        ("zz.txt", "zz"),
    ]
    assert count_inputs([str(tmp_path)]) == len(items)


def test_missing_path_and_order(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Senator Reyes spoke.")
    items = read(tmp_path / "nope.txt", tmp_path / "x.txt", tmp_path / "nodir")
    assert [i.reason[:4] if isinstance(i, IngestError) else i.id for i in items] == ["E001", "x", "E001"]


@pytest.mark.parametrize("data,expected", [
    (STORY.encode(), [("stdin", STORY)]),
    (codecs.BOM_UTF8 + STORY.encode(), [("stdin", STORY)]),
    (gzip.compress(STORY.encode()), [("stdin", STORY)]),
    ((json.dumps({"text": "A"}) + "\n" + json.dumps({"id": "k", "text": "B"}) + "\n").encode(),
     [("stdin-1", "A"), ("k", "B")]),
    (gzip.compress((json.dumps({"text": "A"}) + "\n").encode()), [("stdin-1", "A")]),
    (b"", [("E005", None)]),
    (b"\x00\x01\x02binary", [("E002", None)]),
])
def test_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, expected: list[tuple[str, str | None]]) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    items = list(iter_articles(["-"]))
    got = [(i.id, i.text) if isinstance(i, Article) else (i.reason[:4], None) for i in items]
    assert got == expected
    assert all(i.source == "-" for i in items)


def test_stdin_warc_and_feed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    p = tmp_path / "c.warc.gz"
    write_warc(p)
    monkeypatch.setattr(sys, "stdin", FakeStdin(p.read_bytes()))
    assert len(articles(list(iter_articles(["-"])))) == 2
    monkeypatch.setattr(sys, "stdin", FakeStdin(p.read_bytes()[:-200]))
    items = list(iter_articles(["-"]))
    assert isinstance(items[-1], IngestError) and items[-1].reason.startswith("E008")
    monkeypatch.setattr(sys, "stdin", FakeStdin(ATOM.encode()))
    assert [a.title for a in articles(list(iter_articles(["-"])))] == [
        "Teamsters withdraw support for Feld", "Choi to run for re-election"]


def test_unexpected_error_becomes_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import whipcount.ingest as ingest

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk gremlin")

    (tmp_path / "a.txt").write_text("First story.")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "Second story."}) + "\n")
    monkeypatch.setattr(ingest, "text_to_article", boom)
    items = read(tmp_path / "a.txt", tmp_path / "b.jsonl")
    assert isinstance(items[0], IngestError) and "disk gremlin" in items[0].reason
    assert isinstance(items[1], Article) and items[1].text == "Second story."


@pytest.mark.parametrize("files,expected", [
    ({"a.txt": b"x"}, 1),
    ({"a.jsonl": b'{"text":"1"}\n{"text":"2"}\n{"text":"3"}'}, 3),
    ({"a.jsonl.gz": gzip.compress(b'{"text":"1"}\n{"text":"2"}\n')}, 2),
    ({"f.rss": RSS.encode()}, 2),
    ({"a.txt": b"x", "p.png": b"\x89PNG", ".h.txt": b"x"}, 1),
])
def test_count_inputs(tmp_path: Path, files: dict[str, bytes], expected: int) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert count_inputs([str(tmp_path)]) == expected
    assert count_inputs([str(tmp_path), str(tmp_path / "missing.txt"), "-"]) == expected + 2

