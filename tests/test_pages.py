"""The HTML pages (TestClient): content, links, downloads, escaping of hostile text, review forms,
and the pieces behind them (highlighting, endorser groups and points)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from webdata import (EVIL_OFFICE, EVIL_ORG, EVIL_PERSON, RAW_MARKUP, TOKEN,  # noqa: E402
                     build_store)

from whipcount.store.base import entity_key  # noqa: E402
from whipcount.web.app import create_app  # noqa: E402
from whipcount.web.highlight import Mark, highlight  # noqa: E402
from whipcount.web.kinds import endorsement_points, endorser_group  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = build_store(tmp_path_factory.mktemp("pages") / "pages.db")
    with TestClient(create_app(url), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(build_store(tmp_path / "w.db"), token=TOKEN),
                    raise_server_exceptions=False, base_url="http://testserver") as c:
        yield c


@pytest.mark.parametrize("path, expected", [
    ("/", ["Latest endorsements", "Tamarack Nurses Union", "Latest quotes", "picket lines",
           'href="/races/U.S.%20Senate"']),
    ("/races", ["U.S. Senate", "mayor", 'href="/api/races?limit=5000&amp;format=csv"']),
    ("/races/U.S.%20Senate", ["Race: U.S. Senate", "Unions", "Newspapers", 'id="timeline-data"',
                              'href="/graph?race=U.S.+Senate"']),
    ("/races/u.s.%20senate?points=1", ["pts", "points"]),
    ("/races/mayor", ["withdrawn", "Firefighters Local 1180"]),
    ("/graph?race=mayor", ['data-api="/api/endorsements?race=mayor&amp;limit=5000"']),
    ("/endorsements?status=withdrawn", ["Luis Ferraro", "1–1 of 1",
                                        "/api/endorsements?status=withdrawn&amp;limit=5000&amp;format=csv"]),
    ("/quotes?q=picket", ["picket lines remember", "Dana has walked", "1–2 of 2",
                          "/api/quotes?q=picket&amp;limit=5000&amp;format=csv"]),
    ("/quotes?q=picket&speaker=Doyle", ["No quote matches"]),
    ("/people", ["Dana Whitcombe", "State Sen."]),
    ("/people/dana-whitcombe", ["Titles and roles", "State Sen.", "Endorsements received",
                                "Unions", "Newspapers", 'href="/races/U.S.%20Senate"']),
    ("/people/jose-ortiz", ["Stances", "firehouse closing", "against"]),
    ("/organizations/firefighters-local-1180", ["Endorsements given", "withdrawn", "union"]),
    ("/articles", ["Nurses back Whitcombe", "Firefighters pull endorsement"]),
    ("/articles/rally", ['class="hl f-quote"', "quote (direct) by Ruth Okafor, confidence 0.90",
                         'href="/people/ruth-okafor"', 'id="fact-e1"',
                         "endorsement (endorsed): Tamarack Nurses Union → Dana Whitcombe"]),
])
def test_pages_render(client: TestClient, path: str, expected: list[str]) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    for part in expected:
        assert part in response.text, part


@pytest.mark.parametrize("path, status", [
    ("/articles/nope", 404), ("/people/nobody", 404), ("/organizations/none", 404),
    ("/races/nothing", 404), ("/graph?race=nothing", 404), ("/no-such-page", 404),
    ("/endorsements?status=adores", 422), ("/quotes?offset=-1", 422), ("/review", 403),
])
def test_page_errors_are_html(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" + str(status) + "</h1>" in response.text


HOSTILE_PAGES = [
    "/", "/articles", "/articles/hostile", "/articles/hostile?all=1", "/endorsements", "/quotes",
    "/quotes?q=javascript", "/people", f"/people/{entity_key(EVIL_PERSON)}",
    f"/organizations/{entity_key(EVIL_ORG)}", "/races", f"/races/{quote(EVIL_OFFICE, safe='')}",
    f"/races/{quote(EVIL_OFFICE, safe='')}?points=1", f"/graph?race={quote(EVIL_OFFICE)}",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_text_is_escaped(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.text
    for raw in RAW_MARKUP:
        assert raw not in html, (path, raw)
    # the only script tags are our own file and JSON data blocks
    for tag in re.findall(r"<script[^>]*>", html):
        assert tag in ('<script src="/static/app.js" defer>',
                       '<script type="application/json" id="timeline-data">'), tag
    tags = parsed_tags(html)
    assert not [t for t in tags if any(name.startswith("on") for name, _ in t[1])], path
    assert not [t for t in tags if t[0] in ("img", "svg", "iframe", "object", "embed")], path
    for _, attrs in tags:
        for name, value in attrs:
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def parsed_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of ``html`` with its attributes, as a browser's tokenizer sees them."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_hostile_article_shows_the_text_as_text(client: TestClient) -> None:
    html = client.get("/articles/hostile").text
    assert "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(2)&gt;Evil&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;Council race" in html
    assert 'href="javascript:' not in html  # the article's javascript: URL is never a link


def test_csp_and_no_inline_script(client: TestClient) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("text, marks, expected", [
    ("a <b> c", [], "a &lt;b&gt; c"),
    ("Ann said hi", [Mark(0, 3, "m-person", "person: Ann", "/people/ann")],
     '<span class="hl m-person" tabindex="0" data-tip="person: Ann"><a href="/people/ann">Ann</a></span> said hi'),
    ("xyz", [Mark(0, 2, "f-quote", "q"), Mark(1, 3, "f-endorsement", "e")],
     '<span class="hl f-quote" tabindex="0" data-tip="q">x</span>'
     '<span class="hl f-endorsement f-quote" tabindex="0" data-tip="q\ne">y</span>'
     '<span class="hl f-endorsement" tabindex="0" data-tip="e">z</span>'),
    ("<i>", [Mark(0, 3, "f-quote", '"><script>', None, "q1")],
     '<span class="hl f-quote" id="fact-q1" tabindex="0" data-tip="&#34;&gt;&lt;script&gt;">&lt;i&gt;</span>'),
])
def test_highlight(text: str, marks: list[Mark], expected: str) -> None:
    assert str(highlight(text, marks)) == expected


@pytest.mark.parametrize("kind, titles, group, points", [
    ("person", ["Gov."], "officials", 10), ("person", ["Lt. Gov."], "officials", 0),
    ("person", ["Sen."], "officials", 5), ("person", ["State Sen."], "officials", 0),
    ("person", ["U.S. Rep."], "officials", 1), ("person", ["Mayor"], "officials", 0),
    ("person", ["spokeswoman"], "people", 0), ("person", [], "people", 0),
    ("union", [], "union", 0), ("newspaper", ["Gov."], "newspaper", 0),
    ("think tank", [], "organization", 0), (None, [], "other", 0),
])
def test_endorser_groups_and_points(kind: str | None, titles: list[str], group: str,
                                    points: float) -> None:
    assert endorser_group(kind, titles) == group
    assert endorsement_points(kind, titles) == points


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "no csrf field"
    return found.group(1)


def test_review_flow(writer: TestClient) -> None:
    assert writer.get("/review", follow_redirects=False).headers["location"] == "/login"
    assert writer.post("/login", data={"token": "wrong"}).status_code == 401
    response = writer.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.cookies.get("whipcount_session")
    assert cookie and TOKEN not in cookie
    assert "samesite=strict" in response.headers["set-cookie"].lower()
    queue = writer.get("/review")
    assert queue.status_code == 200 and "Review queue" in queue.text
    csrf = _csrf(queue.text)
    fact = writer.get("/api/endorsements", params={"endorser": "Ledger"}).json()["items"][0]["fact_id"]
    # without the form token: refused
    assert writer.post(f"/review/{fact}", data={"state": "rejected"}).status_code == 403
    done = writer.post(f"/review/{fact}", data={"state": "rejected", "csrf": csrf,
                                                "next": "//evil.example/"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/review"
    page = writer.get("/articles/editorial").text
    tip = 'data-tip="endorsement (endorsed): Port Ellery Ledger'
    assert "Port Ellery Ledger" in page and tip not in page
    assert tip in writer.get("/articles/editorial?all=1").text
    assert "Ledger" not in writer.get("/races/U.S.%20Senate").text
    assert "Log in" not in writer.get("/").text and 'href="/review"' in writer.get("/").text


def test_cross_site_form_post_refused(writer: TestClient) -> None:
    response = writer.post("/login", data={"token": TOKEN},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
