"""Server safety: SQL injection in every filter, hostile text on every page kind, no CORS, body
limits, token checks on every write.

The injection table runs every filter parameter of every GET route (the API's taken from its
OpenAPI schema, the pages' from the app's routes, so a new filter is covered without editing
this file) on SQLite, and on PostgreSQL when the test server answers (required in CI).
What test_api.py and test_pages.py already check (the hand-made hostile record, the CSP header,
one body-limit case, token_matches) is not repeated here.
"""

from __future__ import annotations

import hmac
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from webdata import TOKEN, build_store, hand_records  # noqa: E402

from conftest import make_record  # noqa: E402
from whipcount.models import Record  # noqa: E402
from whipcount.store import open_store  # noqa: E402
from whipcount.store.base import entity_key  # noqa: E402
from whipcount.web import pages, security  # noqa: E402
from whipcount.web.app import create_app  # noqa: E402
from whipcount.web.pages import safe_link  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}

# -- (1) SQL injection and FTS syntax in every filter ----------------------------------------

INJECTIONS = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE articles; --',
    "'; DELETE FROM endorsements; --",
    "%' UNION SELECT name, sql, 1, 2, 3 FROM sqlite_master --",
    "x' UNION SELECT table_name FROM information_schema.tables --",
    "1); DROP TABLE people; --",
    "NEAR(",
    "NEAR(a b, 2",
    '"unterminated',
    "*",
    "a OR",
    "AND OR NOT",
    "text:picket",
    "{text title}: picket",
    "^picket",
    "-picket",
    "picket)",
    "%",
    "_",
    "\\",
    "%s %(x)s $1 ?",
    "\x00",
    "picket\x00' OR 1=1 --",
    "ā'ō\u202e",
    "x" * 190,
    "'" * 5000,
]


def _api_params(app: Any) -> list[tuple[str, str, str]]:
    """(path template, parameter, where) of every GET route in the OpenAPI schema."""
    schema = app.openapi()
    out = []
    for path, methods in schema["paths"].items():
        for param in methods.get("get", {}).get("parameters", []):
            out.append((path, param["name"], param["in"]))
    return out


def _page_params() -> list[tuple[str, str, str]]:
    """(path template, parameter, where) of every GET page (pages are not in the schema)."""
    out = []
    for route in pages.router.routes:
        if not isinstance(route, APIRoute) or "GET" not in (route.methods or set()):
            continue
        path = re.sub(r"\{(\w+):path\}", r"{\1}", route.path)
        out += [(path, p.name, "query") for p in route.dependant.query_params]
        out += [(path, p.name, "path") for p in route.dependant.path_params]
    return out


def _schema_app() -> Any:
    return create_app(":memory:")


_APP = _schema_app()
FILTERS = _api_params(_APP) + _page_params()


def test_filters_are_enumerated() -> None:
    """The enumeration finds the filters we know of (so an empty list cannot pass silently)."""
    found = {(p, n) for p, n, _ in FILTERS}
    for known in [("/api/endorsements", "endorsee"), ("/api/quotes", "q"),
                  ("/api/people", "name"), ("/api/articles", "search"),
                  ("/api/races/{office}", "office"), ("/endorsements", "race"),
                  ("/quotes", "q"), ("/people/{person_id}", "person_id"), ("/graph", "race")]:
        assert known in found, known
    assert len(FILTERS) >= 40


def _tables(url: str) -> set[str]:
    if url.startswith("postgres"):
        import psycopg

        from whipcount.store.postgres import split_url

        conninfo, schema = split_url(url)
        with psycopg.connect(conninfo) as conn:
            rows = conn.execute("SELECT table_name FROM information_schema.tables "
                                "WHERE table_schema = %s", (schema,)).fetchall()
        return {r[0] for r in rows}
    with sqlite3.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _state(url: str) -> tuple[set[str], dict[str, int]]:
    with open_store(url) as store:
        counts = dict(store.counts())
    return _tables(url), counts


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TestClient]]:
    """(store URL, read-only client) over the hand-made store, on each backend."""
    if request.param == "sqlite":
        url = build_store(tmp_path_factory.mktemp("sec") / "sec.db")
        schema = None
    else:
        admin = request.getfixturevalue("pg_admin_url")  # skips (or fails in CI) without PG
        schema = f"wc_test_{uuid.uuid4().hex[:12]}"
        url = build_store(f"{admin}?schema={schema}")  # type: ignore[arg-type]
    try:
        with TestClient(create_app(url), raise_server_exceptions=False) as client:
            yield url, client
    finally:
        if schema is not None:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _request_path(template: str, name: str, where: str, payload: str) -> tuple[str, dict[str, str]]:
    """The URL and query for one case: the payload in ``name``, other path parts plain."""
    if where == "path":
        path = template.replace("{" + name + "}", quote(payload, safe=""))
        return re.sub(r"\{\w+\}", "x", path), {}
    path = re.sub(r"\{\w+\}", "x", template)
    extra = {"race": "mayor"} if template == "/graph" and name != "race" else {}
    return path, {**extra, name: payload}


def _check_error_shape(path: str, response: Any) -> None:
    if path.startswith("/api"):
        body = response.json()
        assert set(body) == {"ok", "error", "status"}, body
        assert body["ok"] is False and body["status"] == response.status_code
        assert isinstance(body["error"], str) and body["error"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert f"<h1>{response.status_code}</h1>" in response.text


@pytest.mark.parametrize("template, name, where", FILTERS,
                         ids=[f"{p}:{n}" for p, n, _ in FILTERS])
def test_injection_in_every_filter(backend: tuple[str, TestClient], template: str, name: str,
                                   where: str) -> None:
    url, client = backend
    before = _state(url)
    wholes: dict[str, int] = {}
    for payload in INJECTIONS:
        path, params = _request_path(template, name, where, payload)
        response = client.get(path, params=params)
        assert response.status_code < 500, (path, params, response.text[:300])
        if response.status_code >= 400:
            _check_error_shape(path, response)
        elif path.startswith("/api") and "format" not in params:
            body = response.json()
            assert body["ok"] is True
            if "total" in body and name not in ("limit", "offset"):  # a filter never widens
                if path not in wholes:
                    wholes[path] = client.get(path).json()["total"]
                assert body["total"] <= wholes[path], (path, params)
    assert _state(url) == before  # tables intact, row counts unchanged


@pytest.mark.parametrize("payload, matches", [
    ("' OR 1=1 --", 0), ("picket' OR '1'='1", 0), ('"; DROP TABLE quotes; --', 0),
    ("picket", 2),
])
def test_injection_does_not_widen_quote_search(backend: tuple[str, TestClient], payload: str,
                                               matches: int) -> None:
    body = backend[1].get("/api/quotes", params={"q": payload}).json()
    assert body["ok"] is True and body["total"] == matches


@pytest.mark.parametrize("path, params", [
    ("/api/quotes", {"q": "picket\x00"}),
    ("/api/endorsements", {"endorsee": "\x00"}),
    ("/api/people", {"name": "a\x00' OR 1=1 --"}),
    ("/api/people/%00", {}),
    ("/quotes", {"q": "\x00"}),
    ("/endorsements", {"race": "mayor\x00"}),
    ("/people/x%00y", {}),
])
def test_nul_byte_is_named_and_the_store_is_not(backend: tuple[str, TestClient], path: str,
                                                params: dict[str, str]) -> None:
    """PostgreSQL refuses NUL in text; its error named the store's URL and schema."""
    url, client = backend
    response = client.get(path, params=params)
    assert response.status_code == 400
    _check_error_shape(path, response)
    message = response.json()["error"] if path.startswith("/api") else response.text
    assert "NUL byte" in message
    base, _, query = url.partition("?")
    for secret in (base, query, query.partition("=")[2]):
        assert not secret or secret not in message, secret


@pytest.mark.parametrize("message, store_url, schema, expected", [
    ("E010 store postgresql://u@db:5432/wc?schema=wc_a1: query failed: relation \"wc_a1.x\"",
     "postgresql://u@db:5432/wc?schema=wc_a1", "wc_a1",
     "E010 store: query failed: relation \"….x\""),
    ("E010 store sqlite:///srv/w.db: search 'x': fts5: syntax error", "sqlite:///srv/w.db", None,
     "E010 store: search 'x': fts5: syntax error"),
    ("no store named here", "sqlite:///srv/w.db", None, "no store named here"),
])
def test_store_errors_leave_out_the_store(message: str, store_url: str, schema: str | None,
                                          expected: str) -> None:
    store = SimpleNamespace(url=store_url, schema=schema)
    assert security.public_error(message, store) == expected


# -- (2) hostile text on every page kind -------------------------------------------------------

H_SCRIPT = "<script>alert(1)</script>"
H_IMG = '"><img src=x onerror=alert(1)>'
H_CLOSE = "</script><!--<script>alert(7)</script>"
H_PERSON = f"Zed {H_SCRIPT} Quill"
H_ORG = f"Guild {H_IMG} Local"
H_CANDIDATE = f"Vera {H_CLOSE} Lark"
H_OFFICE = f"water board {H_IMG}"
H_QUOTE = f"we said {H_IMG} and {H_SCRIPT} and javascript:alert(1)"
H_URLS = ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
          "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
          'https://ok.example/"><script>alert(1)</script>']


def hostile_records() -> list[Record]:
    """Articles whose titles, URLs, names, office and quotes are attempts at markup (each
    URL form once), beside the hand-made records of test_pages."""
    records = []
    for n, link in enumerate(H_URLS):
        text = (f"Story {n}. The {H_ORG} endorsed {H_CANDIDATE} for the {H_OFFICE} seat. "
                f"\"{H_QUOTE},\" said {H_PERSON}. {H_PERSON} backs {H_CANDIDATE}.")
        sentence = text[text.index("The "):text.index(" seat.") + len(" seat.")]
        rec = make_record(
            f"evil-{n}", text,
            people=[(H_PERSON, [(H_IMG, None, None)]), (H_CANDIDATE, [])],
            orgs=[(H_ORG, "union")],
            quotes=[(H_PERSON, H_QUOTE)],
            endorsements=[(H_ORG, H_CANDIDATE, "endorsed", H_OFFICE, sentence),
                          (H_PERSON, H_CANDIDATE, "supports", H_OFFICE,
                           f"{H_PERSON} backs {H_CANDIDATE}.")],
            stances=[(H_PERSON, H_SCRIPT, "for", sentence)])
        rec.article.title = f"{H_IMG} {H_SCRIPT} title {n}"
        rec.article.url = link
        rec.article.source = f"{H_SCRIPT}source"
        rec.article.published = f"2016-09-0{n + 1}"
        records.append(rec)
    return records


class _Doc(HTMLParser):
    """Start tags with attributes, and the text inside each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def assert_inert(html: str, where: str) -> None:
    """No script beyond the app's own file and JSON data blocks, no on* attributes, no
    javascript:/data:/vbscript: links, and no markup from the store in the page."""
    doc = _Doc()
    doc.feed(html)
    doc.close()
    for script, text in doc.scripts:
        if script.get("src") is not None:
            assert script == {"src": "/static/app.js", "defer": None}, (where, script)
        else:
            assert script.get("type") == "application/json", (where, script)
            json.loads(text)  # a data block the page can parse, nothing broke out of it
    for tag, attrs in doc.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed"), (where, tag)
        for name, value in attrs:
            assert not name.startswith("on"), (where, tag, name)
            if name in ("href", "src", "action", "formaction", "data-api"):
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert not squeezed.startswith(("javascript:", "data:", "vbscript:")), (where, value)
    for raw in ("<script>alert", "<img src=x", "<!--<script>"):
        assert raw not in html, (where, raw)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client with a token and a session, over hand-made plus hostile records."""
    url = build_store(tmp_path_factory.mktemp("evil") / "evil.db",
                      hand_records() + hostile_records())
    with TestClient(create_app(url, token=TOKEN), raise_server_exceptions=False) as client:
        client.post("/login", data={"token": TOKEN})
        yield client


def _hostile_pages() -> list[str]:
    person, cand, org = (quote(entity_key(n), safe="") for n in (H_PERSON, H_CANDIDATE, H_ORG))
    office = quote(H_OFFICE, safe="")
    pages = ["/", "/races", f"/races/{office}", f"/races/{office}?points=1&all=1",
             f"/graph?race={office}", "/endorsements", f"/endorsements?race={office}",
             f"/endorsements?endorser={quote(H_ORG)}", "/quotes", "/quotes?q=alert",
             f"/quotes?speaker={quote(H_PERSON)}", "/people", f"/people?name={quote(H_PERSON)}",
             f"/people/{person}", f"/people/{cand}?all=1", f"/organizations/{org}", "/articles",
             f"/articles?search={quote(H_SCRIPT)}", "/login", "/review", "/review?state=confirmed"]
    pages += [f"/articles/evil-{n}" for n in range(len(H_URLS))] + ["/articles/evil-0?all=1"]
    # error pages echo what was asked for
    pages += [f"/people/{quote(H_SCRIPT, safe='')}", f"/races/{quote(H_IMG, safe='')}",
              f"/graph?race={quote(H_IMG)}", f"/articles/{quote(H_CLOSE, safe='')}",
              f"/endorsements?status={quote(H_IMG)}", f"/quotes?offset={quote(H_SCRIPT)}",
              f"/no-such-page/{quote(H_SCRIPT, safe='')}"]
    return pages


@pytest.mark.parametrize("path", _hostile_pages())
def test_hostile_text_is_inert_on_every_page(hostile_client: TestClient, path: str) -> None:
    response = hostile_client.get(path)
    assert response.status_code in (200, 404, 422), (path, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    assert_inert(response.text, path)


def test_hostile_pages_show_the_data(hostile_client: TestClient) -> None:
    """The hostile rows are really on the pages (as text), so the inertness checks mean something."""
    race = hostile_client.get(f"/races/{quote(H_OFFICE, safe='')}").text
    assert "Vera &lt;/script&gt;&lt;!--&lt;script&gt;alert(7)&lt;/script&gt; Lark" in race
    review = hostile_client.get("/review").text
    assert "Review queue" in review and "&lt;script&gt;alert(1)&lt;/script&gt;" in review
    article = hostile_client.get("/articles/evil-5").text
    assert 'href="https://ok.example/&#34;&gt;&lt;script&gt;' in article


@pytest.mark.parametrize("value, expected", [
    ("https://ok.example/a", "https://ok.example/a"),
    (" http://ok.example/ ", "http://ok.example/"),
    ("HTTPS://OK.EXAMPLE", "HTTPS://OK.EXAMPLE"),
    ("javascript:alert(1)", None),
    (" JavaScript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("\x01javascript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("vbscript:msgbox(1)", None),
    ("//evil.example/x", None),
    ("/relative", None),
    ("", None),
    (None, None),
])
def test_safe_link(value: str | None, expected: str | None) -> None:
    assert safe_link(value) == expected


# -- (3) no CORS --------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, headers", [
    ("GET", "/api/endorsements", {}),
    ("GET", "/", {}),
    ("GET", "/openapi.json", {}),
    ("POST", "/api/articles", {"Content-Type": "application/json"}),
    ("OPTIONS", "/api/endorsements", {"Access-Control-Request-Method": "GET"}),
    ("OPTIONS", "/api/articles", {"Access-Control-Request-Method": "POST",
                                  "Access-Control-Request-Headers": "authorization,content-type"}),
    ("OPTIONS", "/api/facts/e1/review", {"Access-Control-Request-Method": "POST"}),
    ("OPTIONS", "/login", {"Access-Control-Request-Method": "POST"}),
])
def test_no_cors(backend: tuple[str, TestClient], method: str, path: str,
                 headers: dict[str, str]) -> None:
    client = backend[1]
    response = client.request(method, path, headers={"Origin": "https://evil.example", **headers},
                              content=b"{}" if method == "POST" else None)
    assert response.status_code < 500
    assert not [h for h in response.headers if h.lower().startswith("access-control-")], \
        dict(response.headers)
    if method == "OPTIONS":  # a preflight is not answered with a grant
        assert response.status_code in (404, 405)


# -- (4) request size limits ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_limit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = build_store(tmp_path_factory.mktemp("limit") / "limit.db")
    with TestClient(create_app(url, token=TOKEN, max_body_bytes=1000),
                    raise_server_exceptions=False) as client:
        yield client


def _chunks() -> Iterator[bytes]:
    for _ in range(20):
        yield b"x" * 100


@pytest.mark.parametrize("path, headers, body", [
    ("/api/facts/e1/review", AUTH, b"{" + b" " * 2000 + b"}"),
    ("/api/facts/e1/review", {}, b"x" * 2000),  # checked before the token
    ("/api/articles", {"content-length": "abc"}, b"x"),  # a bogus length is refused too
    ("/api/articles", {"content-length": "99999999999999999999"}, b"x"),
    ("/login", {"content-type": "application/x-www-form-urlencoded"}, b"token=" + b"x" * 2000),
    ("/review/e1", {"content-type": "application/x-www-form-urlencoded"}, b"state=" + b"x" * 2000),
    ("/api/articles", AUTH, "chunks"),
    ("/login", {"content-type": "application/x-www-form-urlencoded"}, "chunks"),
])
def test_oversized_bodies_are_refused(small_limit: TestClient, path: str,
                                      headers: dict[str, str], body: Any) -> None:
    content = _chunks() if body == "chunks" else body
    response = small_limit.post(path, content=content,
                                headers={"content-type": "application/json", **headers})
    assert response.status_code == 413, response.text[:200]
    if path.startswith("/api") or body != "chunks":  # refused before routing: JSON everywhere
        _check_error_shape("/api", response)
    else:
        _check_error_shape(path, response)


def test_default_body_limit(tmp_path: Path) -> None:
    with TestClient(create_app(build_store(tmp_path / "d.db"), token=TOKEN),
                    raise_server_exceptions=False) as client:
        big = b'{"text": "' + b"x" * (security.DEFAULT_MAX_BODY_BYTES + 1) + b'"}'
        response = client.post("/api/articles", content=big,
                               headers={**AUTH, "content-type": "application/json"})
        _check_error_shape("/api", response)
        assert response.status_code == 413


# -- (5) every write needs the token, compared in constant time -----------------------------------

WRITES = [(path, method.upper()) for path, methods in _APP.openapi()["paths"].items()
          for method in methods if method != "get"] + [("/api/review", "GET")]


def _write_path(template: str) -> str:
    return re.sub(r"\{\w+\}", "e1", template)


def test_writes_are_enumerated() -> None:
    assert ("/api/articles", "POST") in WRITES and ("/api/facts/{fact_id}/review", "POST") in WRITES


@pytest.fixture(scope="module")
def token_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = build_store(tmp_path_factory.mktemp("tok") / "tok.db")
    with TestClient(create_app(url, token=TOKEN), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Bearer wrong"}, 401),
    ({"Authorization": f"Bearer {TOKEN}x"}, 401),
    ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 401),
    ({"Authorization": f"Basic {TOKEN}"}, 401),
    ({"Authorization": TOKEN}, 401),
    ({"Authorization": "Bearer "}, 401),
    ({"Cookie": f"{security.SESSION_COOKIE}={TOKEN}"}, 401),  # the cookie holds an HMAC, not the token
    ({"X-Token": TOKEN}, 401),
])
@pytest.mark.parametrize("template, method", WRITES)
def test_writes_refused_without_the_token(token_client: TestClient, template: str, method: str,
                                          headers: dict[str, str], status: int) -> None:
    body = {"state": "rejected"} if "review" in template else {"text": "x"}
    response = token_client.request(method, _write_path(template), headers=headers,
                                    json=body if method != "GET" else None)
    assert response.status_code == status, response.text
    _check_error_shape("/api", response)


@pytest.mark.parametrize("template, method", WRITES)
def test_writes_refused_on_read_only_server(backend: tuple[str, TestClient], template: str,
                                            method: str) -> None:
    response = backend[1].request(method, _write_path(template), headers=AUTH,
                                  json={"state": "rejected", "text": "x"} if method != "GET" else None)
    assert response.status_code == 403
    _check_error_shape("/api", response)


def test_token_is_compared_with_compare_digest(token_client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Every token check goes through hmac.compare_digest (constant time), never ==."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    wrong = token_client.get("/api/review", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert (b"wrong", TOKEN.encode()) in calls
    calls.clear()
    right = token_client.get("/api/review", headers=AUTH)
    assert right.status_code == 200
    assert (TOKEN.encode(), TOKEN.encode()) in calls
    calls.clear()
    login = token_client.post("/login", data={"token": "nope"})
    assert login.status_code == 401 and (b"nope", TOKEN.encode()) in calls
    calls.clear()
    cookie = {"Cookie": f"{security.SESSION_COOKIE}=forged"}
    assert token_client.get("/api/review", headers=cookie).status_code == 401
    assert (b"forged", security.session_value(TOKEN).encode()) in calls
