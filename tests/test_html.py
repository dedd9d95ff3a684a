"""Main text and metadata from news HTML (whipcount.ingest.html, htmlclean, htmlmeta).

Every page here is written for these tests. The last test scores the shared gold set of real
pages (../shared/data/html-news) and is skipped when that folder is missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from whipcount.ingest.html import body_is_complete, html_to_article
from whipcount.ingest.htmlclean import clean_lines, furniture_word, prune, tokens
from whipcount.ingest.htmlmeta import clean_body, clean_text, iso_date, page_meta, split_names
from whipcount.models import Article, IngestError

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD_DIR = SHARED / "data" / "html-news"
SCORER = SHARED / "eval" / "score_text.py"

STORY = [
    "Members of Ironworkers Local 40 voted on Tuesday night to back state Sen. Maria Delgado "
    "in the race for the open congressional seat, handing her the first big union endorsement "
    "of the primary.",
    "\u201cShe showed up on our picket line in January when nobody else did,\u201d said Tom "
    "Rourke, the local's business manager, after the vote at the union hall on 14th Street.",
    "Delgado, a Democrat from Queens, thanked the members and said she would push for a "
    "prevailing-wage rule on every project that gets city money.",
    "Her main rival, Councilman Victor Ames, has the backing of two building-trades councils "
    "and said the Ironworkers' decision would not change the shape of the race.",
    "The primary is set for June 23. Early voting begins ten days before.",
]
HEADLINE = "Ironworkers back Delgado in crowded House primary"


def page(body: str, head: str = "", title: str = HEADLINE) -> str:
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | "
            f"The Daily Ledger</title>{head}</head><body>"
            "<header><nav><a href=\"/\">Home</a> <a href=\"/politics\">Politics</a> "
            "<a href=\"/sports\">Sports</a></nav></header>"
            f"<main>{body}</main>"
            "<footer><p>\u00a9 2024 The Daily Ledger. All rights reserved.</p></footer></body></html>")


def paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def jsonld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def covers(text: str, part: str) -> bool:
    """All words of ``part`` occur in ``text`` (as a multiset)."""
    return not (words(part) - words(text))


ARTICLE_PAGE = page(f"<article><h1>{HEADLINE}</h1>{paragraphs(STORY)}</article>")

# The DOM shows the first paragraph and a paywall; JSON-LD carries the whole story.
PAYWALL_PAGE = page(
    f"<article><h1>{HEADLINE}</h1>{paragraphs(STORY[:1])}"
    "<div class=\"gate\"><p>Subscribe to keep reading. Already a subscriber? Log in.</p></div>"
    "</article>",
    head=jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE,
                 "articleBody": "\n\n".join(STORY)}))

# JSON-LD carries only a teaser; the DOM has the whole story.
TEASER_PAGE = page(
    f"<article><h1>{HEADLINE}</h1>{paragraphs(STORY)}</article>",
    head=jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE,
                 "articleBody": STORY[0][:90] + "..."}))

CAPTION = "Maria Delgado greets union members outside the hall on Tuesday"
RELATED = "Councilman Ames wins nod from carpenters after long fight"
NEWSLETTER = "Get the Ledger politics briefing every weekday morning"
FURNITURE_PAGE = page(
    f"<article><h1>{HEADLINE}</h1>"
    f"<figure><img src=\"/a.jpg\" alt=\"\"><figcaption>{CAPTION} (Photo: Ledger)</figcaption></figure>"
    f"{paragraphs(STORY[:2])}"
    f"<div class=\"related-stories\"><h3>Related coverage</h3><ul><li><a href=\"/x\">{RELATED}</a></li>"
    "<li><a href=\"/y\">Who is running for the open seat: a guide to the field</a></li></ul></div>"
    f"{paragraphs(STORY[2:4])}"
    f"<div class=\"newsletterSignup\"><h4>{NEWSLETTER}</h4><p>Enter your email address and hit "
    "subscribe to get the briefing in your inbox.</p><form><input type=\"email\"><button>Sign up"
    "</button></form></div>"
    "<p><strong>ALSO READ:</strong> <a href=\"/z\">Carpenters union splits over mayoral pick</a></p>"
    f"{paragraphs(STORY[4:])}</article>")

# A page builder's caption block: no <figure>, just an image with a caption and credit line.
BUILDER_CAPTION = "Union members raise their hands during the vote on Tuesday night."
BUILDER_PAGE = page(
    f"<article><h1>{HEADLINE}</h1>"
    f"<div class=\"text\">{paragraphs(STORY[:2])}</div>"
    f"<div class=\"widget\"><span><picture><img src=\"/b.jpg\"></picture></span><p><span>"
    f"{BUILDER_CAPTION}</span></p><p>Image: <!-- -->Dana Fields</p></div>"
    f"<div class=\"text\">{paragraphs(STORY[2:])}</div></article>")

NO_ARTICLE_PAGES = [
    "",
    "   ",
    "<html><head><title>Search</title></head><body><nav><a href=\"/\">Home</a></nav></body></html>",
    "<html><body><script>var x = 1;</script><div></div></body></html>",
]

BROKEN_PAGE = ("<html><head><title>" + HEADLINE + "</title><body><div><article><h1>" + HEADLINE
               + "<p>" + STORY[0] + "<p>" + STORY[1] + "<div><p>" + STORY[2] + "</span></b>"
               + "<p>" + STORY[3] + "<p>" + STORY[4] + "</table>")

META_PAGE = page(
    paragraphs(STORY),
    head=jsonld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "The Daily Ledger", "url": "https://ledger.example"},
        {"@type": "NewsArticle", "headline": "Ironworkers back Delgado &amp; slate",
         "datePublished": "2024-05-07T21:15:00-04:00",
         "url": "https://ledger.example/politics/ironworkers-delgado",
         "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Ben Cho"},
                    {"@type": "Organization", "name": "Ledger Staff"}]}]}))

META_TAGS_PAGE = page(
    paragraphs(STORY),
    head=("<meta property=\"og:title\" content=\"Ironworkers back Delgado &#8211; again\">"
          "<meta property=\"article:published_time\" content=\"2024-05-07\">"
          "<meta name=\"author\" content=\"Ana Ruiz\">"
          "<link rel=\"canonical\" href=\"https://ledger.example/p/1\">"))


# --- whole pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("html, must_have, must_not_have", [
    (ARTICLE_PAGE, STORY, ["All rights reserved", "Sports"]),
    (PAYWALL_PAGE, STORY, ["Subscribe to keep reading"]),
    (TEASER_PAGE, STORY, ["..."]),
    (FURNITURE_PAGE, STORY, [CAPTION, RELATED, NEWSLETTER, "Carpenters union splits",
                             "Enter your email address"]),
    (BUILDER_PAGE, STORY, [BUILDER_CAPTION, "Dana Fields"]),
    (BROKEN_PAGE, STORY, []),
    (ARTICLE_PAGE.encode("utf-8"), STORY, []),
    (ARTICLE_PAGE.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252"), STORY, []),
], ids=["plain", "jsonld-body-wins", "teaser-dom-wins", "furniture-out", "builder-caption",
        "broken-html", "bytes-utf8", "bytes-cp1252"])
def test_main_text(html: str | bytes, must_have: list[str], must_not_have: list[str]) -> None:
    art = html_to_article(html, "page.html", "page")
    assert isinstance(art, Article), art
    for part in must_have:
        assert part in art.text, part
    for part in must_not_have:
        assert part not in art.text, part
    # one paragraph a line, headline first, no blank lines
    lines = art.text.split("\n")
    assert lines[0] == HEADLINE
    assert all(line.strip() == line and line for line in lines)
    assert art.title == HEADLINE


@pytest.mark.parametrize("html", NO_ARTICLE_PAGES, ids=["empty", "blank", "nav-only", "script-only"])
def test_no_article_is_an_error(html: str) -> None:
    result = html_to_article(html, "none.html", "none")
    assert isinstance(result, IngestError)
    assert result.reason.startswith("E006 none.html:")
    assert result.source == "none.html"


@pytest.mark.parametrize("html, title, published, authors, url", [
    (META_PAGE, "Ironworkers back Delgado & slate", "2024-05-07T21:15:00-04:00",
     ["Ana Ruiz", "Ben Cho"], "https://ledger.example/politics/ironworkers-delgado"),
    (META_TAGS_PAGE, "Ironworkers back Delgado \u2013 again", "2024-05-07", ["Ana Ruiz"],
     "https://ledger.example/p/1"),
])
def test_metadata(html: str, title: str, published: str, authors: list[str], url: str) -> None:
    art = html_to_article(html, "m.html", "m")
    assert isinstance(art, Article), art
    assert (art.title, art.published, art.authors, art.url) == (title, published, authors, url)
    assert art.text.startswith(title + "\n")
    assert STORY[-1] in art.text


def test_given_url_is_the_fallback() -> None:
    art = html_to_article(ARTICLE_PAGE, "p.html", "p", url="https://ledger.example/given")
    assert isinstance(art, Article)
    assert art.url == "https://ledger.example/given"


def test_shown_standfirst_is_kept_and_hidden_blurb_is_not() -> None:
    standfirst = "The endorsement gives the state senator a boost among building-trades voters"
    blurb = "Read the latest on the union vote, only at the Ledger, your source for city news"
    shown = page(f"<article><h1>{HEADLINE}</h1><p class=\"dek\">{standfirst}</p>{paragraphs(STORY)}"
                 "</article>", head=f"<meta name=\"description\" content=\"{standfirst}\">")
    hidden = page(f"<article><h1>{HEADLINE}</h1>{paragraphs(STORY)}</article>",
                  head=f"<meta name=\"description\" content=\"{blurb}\">")
    a, b = html_to_article(shown, "s", "s"), html_to_article(hidden, "h", "h")
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.text.count(standfirst) == 1
    assert blurb not in b.text


# --- parts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, dom, expected", [
    ("\n".join(STORY), STORY[0], True),                       # DOM stops after the lead
    ("\n".join(STORY), "", True),                             # no DOM text at all
    ("\n".join(STORY), "\n".join(STORY), False),              # both complete: DOM wins
    (STORY[0][:90], "\n".join(STORY), False),                 # teaser
    ("Short.", "", False),                                    # too short to be a body
    ("\n".join(STORY), "A different story altogether about a zoning board meeting on "
     "Thursday night.", False),                               # body does not cover the DOM
])
def test_body_is_complete(body: str, dom: str, expected: bool) -> None:
    assert body_is_complete(body, dom) is expected


@pytest.mark.parametrize("text, expected", [
    ("One.\n\nREAD MORE: Another story here\nTwo.", ["One.", "Two."]),
    ("Also read | Ten things about the race\nKept line.", ["Kept line."]),
    ("MORE : Council approves budget\nKept.", ["Kept."]),
    ("Image: Jane Doe/Reuters\nPhoto: AP\nKept.", ["Kept."]),
    ("Advertisement\nArticle content\nKept.", ["Kept."]),
    ("Sign up for our free politics newsletter here\nKept.", ["Kept."]),
    ("  spaced   out  \n\n\tline  ", ["spaced out", "line"]),
    ("A long paragraph that repeats itself in the page, word for word.\n"
     "A long paragraph that repeats itself in the page, word for word.", [
         "A long paragraph that repeats itself in the page, word for word."]),
    ("Yes.\nYes.", ["Yes.", "Yes."]),                          # short repeats are list items
    ("More than 300 members voted.\nImage rights were discussed: all of them.",
     ["More than 300 members voted.", "Image rights were discussed: all of them."]),
])
def test_clean_lines(text: str, expected: list[str]) -> None:
    assert clean_lines(text) == expected


@pytest.mark.parametrize("attr, expected", [
    ("related-stories", "related"),
    ("newsletterSignup", "newsletter"),
    ("c-promo_box", "promo"),
    ("article__read-more", "readmore"),
    ("author-bio", "authorbio"),
    ("figure__caption u-sans", "caption"),
    ("article-body story-content", None),
    ("relatedness", None),        # whole tokens only
    ("paywall", None),            # paywalled paragraphs are article text
])
def test_furniture_word(attr: str, expected: str | None) -> None:
    el = lxml_html.fromstring(f'<div class="{attr}">x</div>')
    assert furniture_word(el) == expected


@pytest.mark.parametrize("value, expected", [
    ("newsletterSignup", ["newsletter", "signup"]),
    ("c-promo_box", ["c", "promo", "box"]),
    ("x", ["x"]),
])
def test_tokens(value: str, expected: list[str]) -> None:
    assert tokens(value) == expected


@pytest.mark.parametrize("html, kept, gone", [
    # a box among story paragraphs goes however long it is
    ("<div>" + paragraphs(STORY[:3]) + "<div class=\"factbox\"><p>"
     + " ".join(STORY * 3) + "</p></div><p>" + STORY[3] + "</p></div>", [STORY[3]], ["factbox"]),
    # ... but a story wrapper after a one-line standfirst is no box
    ("<div><p>Delgado wins the union vote.</p><div class=\"story-comments-enabled\">"
     + paragraphs(STORY) + "</div></div>", [STORY[0], STORY[4]], []),
    # a wrapper whose class names a furniture word but which holds the story stays
    ("<div class=\"story has-related\">" + paragraphs(STORY) + "</div><div class=\"related\">"
     "<p>Other news</p></div>", [STORY[0], STORY[4]], ["Other news"]),
    # a labelled link goes, a sentence that is all link stays
    ("<div><p>" + STORY[0] + "</p><p><b>READ MORE |</b> <a href=\"/a\">Ames wins carpenters</a></p>"
     "<p><a href=\"/b\">The primary is set for June 23, the board said.</a></p></div>",
     ["The primary is set for June 23"], ["Ames wins carpenters"]),
    ("<div><p>" + STORY[0] + "</p><aside><p>Most read today</p></aside>"
     "<div role=\"complementary\"><p>Sidebar poll</p></div></div>", [STORY[0]],
     ["Most read today", "Sidebar poll"]),
])
def test_prune(html: str, kept: list[str], gone: list[str]) -> None:
    root = lxml_html.document_fromstring("<html><body>" + html + "</body></html>")
    prune(root)
    out = lxml_html.tostring(root, encoding="unicode")
    text = " ".join(root.itertext())
    for part in kept:
        assert part in text, part
    for part in gone:
        assert part not in out, part


@pytest.mark.parametrize("value, expected", [
    ("2024-05-07", "2024-05-07"),
    ("2024-05-07T21:15:00Z", "2024-05-07T21:15:00Z"),
    ("2024-05-07T21:15:00.000+0100", "2024-05-07T21:15:00+01:00"),
    ("2024-05-07 21:15", "2024-05-07T21:15:00"),
    ("Tue, 07 May 2024 21:15:00 +0000", "2024-05-07T21:15:00+00:00"),
    ("May 7, 2024", "2024-05-07"),
    ("7 May 2024", "2024-05-07"),
    ("2024-13-45", None),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Delgado &amp; Ames", "Delgado & Ames"),
    ("She&amp;rsquo;s in", "She\u2019s in"),
    ("<b>Bold</b>  move\n now", "Bold move now"),
    (None, ""),
])
def test_clean_text(value: str | None, expected: str) -> None:
    assert clean_text(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Ana Ruiz", ["Ana Ruiz"]),
    ("Ana Ruiz, Ben Cho and Dana Fields", ["Ana Ruiz", "Ben Cho", "Dana Fields"]),
    ("Ana Ruiz & Ben Cho", ["Ana Ruiz", "Ben Cho"]),
    ("Smith, Jr.", ["Smith, Jr."]),
    ("Associated Press", ["Associated Press"]),
    ("", []),
])
def test_split_names(value: str, expected: list[str]) -> None:
    assert split_names(value) == expected


def test_clean_body_keeps_paragraphs() -> None:
    assert clean_body("<p>One &amp; two.</p><p>Three.</p>") == "One & two.\nThree."


def test_page_meta_reads_graph_and_skips_bad_jsonld() -> None:
    html = META_PAGE.replace("<head>", "<head><script type=\"application/ld+json\">{not json"
                             "</script>")
    meta = page_meta(lxml_html.document_fromstring(html))
    assert meta.title == "Ironworkers back Delgado & slate"
    assert meta.authors == ["Ana Ruiz", "Ben Cho"]
    assert "NewsArticle" in meta.types


# --- the shared gold set of real pages ---------------------------------------------------------

@pytest.mark.skipif(not (GOLD_DIR / "gold.jsonl").is_file() or not SCORER.is_file(),
                    reason=f"shared gold set not found at {GOLD_DIR} (../shared beside the checkout)")
def test_gold_set_beats_trafilatura_defaults(tmp_path: Path) -> None:
    """Mean recall and precision on the 48 real pages beat trafilatura 2.3 defaults
    (0.981 / 0.923), scored by the shared scorer."""
    preds = tmp_path / "pred.jsonl"
    with preds.open("w", encoding="utf-8") as fh:
        for path in sorted((GOLD_DIR / "html").glob("*.html")):
            art = html_to_article(path.read_bytes(), str(path), path.stem)
            text = art.text if isinstance(art, Article) else ""
            fh.write(json.dumps({"article": {"id": path.stem, "text": text}}) + "\n")
    done = subprocess.run([sys.executable, str(SCORER), str(GOLD_DIR / "gold.jsonl"), str(preds)],
                          capture_output=True, text=True, check=True)
    m = re.search(r"TEXT_R=([\d.]+) TEXT_P=([\d.]+)", done.stdout)
    assert m, done.stdout
    recall, precision = float(m.group(1)), float(m.group(2))
    assert recall > 0.981, done.stdout
    assert precision > 0.923, done.stdout
