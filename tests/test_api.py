"""The JSON API: every endpoint, pagination, filters, one error shape, token writes, review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from webdata import EVIL_OFFICE, TOKEN, build_store  # noqa: E402

from whipcount.web.app import create_app  # noqa: E402
from whipcount.web.security import token_matches  # noqa: E402


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("api") / "api.db")


@pytest.fixture(scope="module")
def client(store_url: str) -> Iterator[TestClient]:
    """Read-only app over the shared store (nothing here writes)."""
    with TestClient(create_app(store_url), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[TestClient]:
    """An app with a token over a fresh store, for the tests that write."""
    with TestClient(create_app(build_store(tmp_path / "w.db"), token=TOKEN),
                    raise_server_exceptions=False) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def assert_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize("path, total", [
    ("/api/articles", 4),
    ("/api/articles?search=fire", 1),
    ("/api/endorsements", 4),
    ("/api/endorsements?endorsee=Whitcombe", 2),
    ("/api/endorsements?endorser=Ledger", 1),
    ("/api/endorsements?status=withdrawn", 1),
    ("/api/endorsements?office=senate", 2),
    ("/api/endorsements?race=u.s.%20senate", 2),
    ("/api/endorsements?since=2016-06", 3),
    ("/api/endorsements?until=2016-06", 2),
    ("/api/endorsements?since=2016-06-01&until=2016-06-30", 1),
    ("/api/endorsements?article=editorial", 1),
    ("/api/quotes", 5),
    ("/api/quotes?q=picket", 2),
    ("/api/quotes?q=%22picket%20lines%22", 2),
    ("/api/quotes?q=pick*", 2),
    ("/api/quotes?q=picket&speaker=Okafor", 2),
    ("/api/quotes?speaker=Doyle", 1),
    ("/api/quotes?q=%22%20AND%20OR%20(", 0),
    ("/api/quotes?kind=indirect", 0),
    ("/api/people", 6),
    ("/api/people?name=okafor", 1),
    ("/api/races", 3),
])
def test_list_endpoints(client: TestClient, path: str, total: int) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["total"] == total
    assert len(body["items"]) == min(total, body["limit"])
    assert body["offset"] == 0


@pytest.mark.parametrize("path", ["/api/articles", "/api/endorsements", "/api/quotes",
                                  "/api/people", "/api/races"])
def test_pagination(client: TestClient, path: str) -> None:
    whole = client.get(path).json()
    pages = [client.get(path, params={"limit": 1, "offset": n}).json()
             for n in range(whole["total"] + 1)]
    assert all(p["total"] == whole["total"] and p["limit"] == 1 for p in pages)
    assert [p["items"][0] for p in pages[:-1]] == whole["items"]
    assert pages[-1]["items"] == []


def test_endorsement_items_carry_provenance(client: TestClient) -> None:
    item = client.get("/api/endorsements", params={"status": "withdrawn"}).json()["items"][0]
    assert item["article_id"] == "firehouse"
    assert item["evidence"] == "Firefighters Local 1180 withdrew its endorsement of Mayor Luis Ferraro."
    record = client.get("/api/articles/firehouse").json()["record"]
    start, end = item["evidence_span"]
    assert record["article"]["text"][start:end] == item["evidence"]
    assert item["fact_id"].startswith("e") and item["review"] is None
    assert item["endorser_kind"] == "union" and item["date"] == "2016-06-10"


@pytest.mark.parametrize("path, key, check", [
    ("/api/articles/rally", "record",
     lambda r: r["article"]["title"] == "Nurses back Whitcombe" and len(r["endorsements"]) == 1
     and r["people"][0]["store_id"] == "dana-whitcombe"),
    ("/api/people/dana-whitcombe", "person",
     lambda p: p["endorsements_received"]["total"] == 2 and p["received_by_status"] == {"endorsed": 2}
     and p["titles"][0]["title"] == "State Sen."),
    ("/api/people/jose-ortiz", "person",
     lambda p: p["stances"][0]["topic"] == "firehouse closing" and p["quotes"]["total"] == 1),
    ("/api/organizations/firefighters-local-1180", "organization",
     lambda o: o["kind"] == "union" and o["endorsements_given"]["items"][0]["status"] == "withdrawn"),
    ("/api/races/U.S.%20Senate", "race",
     lambda r: r["candidates"][0]["name"] == "Dana Whitcombe" and r["endorsements_total"] == 2
     and r["timeline"][0]["date"] == "2016-05-03"),
])
def test_detail_endpoints(client: TestClient, path: str, key: str, check: Any) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    assert check(response.json()[key])


def test_races_list_counts(client: TestClient) -> None:
    races = {r["office"]: r for r in client.get("/api/races").json()["items"]}
    assert set(races) == {"U.S. Senate", "mayor", EVIL_OFFICE}
    assert races["mayor"]["candidates"][0]["counts"] == {"withdrawn": 1}
    assert races["U.S. Senate"]["candidates"][0]["counts"] == {"endorsed": 2}


@pytest.mark.parametrize("path, first_line", [
    ("/api/endorsements?format=csv", "id,endorser,endorser_id,endorsee"),
    ("/api/quotes?format=csv&q=picket", "id,kind,text,span_start,span_end"),
    ("/api/people?format=csv", "id,name,titles,party,kb,articles"),
    ("/api/articles?format=csv", "id,source,title,published,sha256,url"),
    ("/api/races?format=csv", "office,candidate,candidate_id,total,endorsed"),
])
def test_csv_export(client: TestClient, path: str, first_line: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.splitlines()[0].startswith(first_line)


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("plain", "plain"), (3, 3), (None, None),
])
def test_csv_cells_are_defused(value: Any, expected: Any) -> None:
    from whipcount.web.api import _cell

    assert _cell(value) == expected


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/articles/nope", 404),
    ("GET", "/api/people/nobody", 404),
    ("GET", "/api/organizations/nothing", 404),
    ("GET", "/api/races/no-such-office", 404),
    ("GET", "/api/no-such-endpoint", 404),
    ("GET", "/api/articles?limit=-1", 422),
    ("GET", "/api/articles?limit=999999", 422),
    ("GET", "/api/articles?offset=x", 422),
    ("GET", "/api/articles?format=xml", 422),
    ("GET", "/api/endorsements?status=adores", 422),
    ("GET", "/api/endorsements?since=yesterday", 422),
    ("GET", "/api/endorsements?until=2016-13-45x", 422),
    ("GET", "/api/quotes?kind=sarcastic", 422),
    ("GET", "/api/quotes?limit=abc", 422),
    ("GET", "/api/people?offset=-3", 422),
    ("GET", "/api/people/dana-whitcombe?limit=-1", 422),
    ("GET", "/api/organizations/x?include_rejected=maybe", 422),
    ("GET", "/api/races?limit=-1", 422),
    ("GET", "/api/review", 403),
    ("POST", "/api/articles", 403),
    ("POST", "/api/facts/e1/review", 403),
    ("DELETE", "/api/articles", 405),
    ("PUT", "/api/people", 405),
])
def test_error_shape_read_only(client: TestClient, method: str, path: str, status: int) -> None:
    body = {"state": "rejected"} if "review" in path else {"text": "x"}
    assert_error(client.request(method, path, json=body if method == "POST" else None), status)


@pytest.mark.parametrize("method, path, body, headers, status", [
    ("POST", "/api/facts/e1/review", {"state": "rejected"}, {}, 401),
    ("POST", "/api/facts/e1/review", {"state": "rejected"}, {"Authorization": "Bearer wrong"}, 401),
    ("POST", "/api/facts/e1/review", {"state": "rejected"}, {"Authorization": TOKEN}, 401),
    ("POST", "/api/articles", {"text": "x"}, {"Authorization": "Bearer wrong"}, 401),
    ("GET", "/api/review", None, {"Authorization": "Bearer wrong"}, 401),
    ("POST", "/api/facts/e999/review", {"state": "rejected"}, AUTH, 404),
    ("POST", "/api/facts/bogus/review", {"state": "rejected"}, AUTH, 404),
    ("POST", "/api/facts/e1/review", {"state": "deleted"}, AUTH, 422),
    ("POST", "/api/facts/e1/review", {}, AUTH, 422),
    ("POST", "/api/articles", {}, AUTH, 422),
    ("POST", "/api/articles", {"text": "a", "html": "<p>b</p>"}, AUTH, 422),
    ("POST", "/api/articles", {"text": "   "}, AUTH, 422),
    ("POST", "/api/articles", {"text": "ok", "id": "../etc/passwd"}, AUTH, 422),
    ("POST", "/api/articles", {"html": "<html><body></body></html>"}, AUTH, 422),
])
def test_error_shape_writes(writer: TestClient, method: str, path: str, body: Any,
                            headers: dict[str, str], status: int) -> None:
    assert_error(writer.request(method, path, json=body, headers=headers), status)


def test_malformed_json_body(writer: TestClient) -> None:
    assert_error(writer.post("/api/facts/e1/review", content=b"{not json",
                             headers={**AUTH, "content-type": "application/json"}), 422)


def test_body_size_limit(tmp_path: Path) -> None:
    app = create_app(build_store(tmp_path / "s.db"), token=TOKEN, max_body_bytes=1000)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert_error(c.post("/api/articles", json={"text": "x" * 2000}, headers=AUTH), 413)

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            for _ in range(10):
                yield b"x" * 200
        assert_error(c.post("/api/articles", content=chunks(),
                            headers={**AUTH, "content-type": "application/json"}), 413)


def test_review_hides_rejected_facts_everywhere(writer: TestClient) -> None:
    item = writer.get("/api/endorsements", params={"endorser": "Ledger"}).json()["items"][0]
    fact = item["fact_id"]
    response = writer.post(f"/api/facts/{fact}/review", json={"state": "rejected", "note": "an ad"},
                           headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["review"]["state"] == "rejected"
    assert writer.get("/api/endorsements", params={"endorser": "Ledger"}).json()["total"] == 0
    shown = writer.get("/api/endorsements", params={"endorser": "Ledger", "include_rejected": True})
    assert shown.json()["items"][0]["review"] == "rejected"  # hidden, never deleted
    assert writer.get("/api/people/dana-whitcombe").json()["person"]["endorsements_received"]["total"] == 1
    races = {r["office"]: r for r in writer.get("/api/races").json()["items"]}
    assert races["U.S. Senate"]["candidates"][0]["counts"] == {"endorsed": 1}  # cache renewed
    senate = writer.get("/api/races/U.S.%20Senate").json()["race"]
    assert senate["candidates"][0]["counts"] == {"endorsed": 1}
    record = writer.get("/api/articles/editorial").json()["record"]
    assert record["endorsements"] == []
    record = writer.get("/api/articles/editorial", params={"include_rejected": True}).json()["record"]
    assert record["endorsements"][0]["review"] == "rejected"
    queue = writer.get("/api/review", params={"state": "rejected"}, headers=AUTH).json()
    assert [r["fact_id"] for r in queue["items"]] == [fact]
    # confirming brings it back
    writer.post(f"/api/facts/{fact}/review", json={"state": "confirmed"}, headers=AUTH)
    races = {r["office"]: r for r in writer.get("/api/races").json()["items"]}
    assert races["U.S. Senate"]["candidates"][0]["counts"] == {"endorsed": 2}
    assert writer.get("/api/endorsements", params={"endorser": "Ledger"}).json()["items"][0]["review"] == "confirmed"
    unreviewed = writer.get("/api/review", headers=AUTH).json()
    assert fact not in {r["fact_id"] for r in unreviewed["items"]}


@pytest.mark.parametrize("kind", ["quotes", "stances"])
def test_review_quotes_and_stances(writer: TestClient, kind: str) -> None:
    record = writer.get("/api/articles/firehouse").json()["record"]
    fact = record[kind][-1]["fact_id"]
    assert writer.post(f"/api/facts/{fact}/review", json={"state": "rejected"},
                       headers=AUTH).status_code == 200
    after = writer.get("/api/articles/firehouse").json()["record"]
    assert fact not in {f["fact_id"] for f in after[kind]}
    assert len(after[kind]) == len(record[kind]) - 1


def test_submit_text_article_then_duplicate(writer: TestClient) -> None:
    text = ("The Brookport Teachers Union endorsed State Sen. Dana Whitcombe for U.S. Senate on "
            "Friday. \"She kept the schools open,\" said Tom Beck, the union's president.")
    first = writer.post("/api/articles", json={"text": text, "id": "pipefitters",
                                               "published": "2016-09-02"}, headers=AUTH)
    assert first.status_code == 201, first.text
    assert first.json()["stored"] is True and first.json()["id"] == "pipefitters"
    again = writer.post("/api/articles", json={"text": text}, headers=AUTH)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    record = writer.get("/api/articles/pipefitters").json()["record"]
    assert record["article"]["text"] == text and record["article"]["published"] == "2016-09-02"
    assert [(e["endorser"], e["endorsee"]) for e in record["endorsements"]] == [
        ("Brookport Teachers Union", "Dana Whitcombe")]
    assert first.json()["found"]["quotes"] >= 1


def test_submit_html_article(writer: TestClient) -> None:
    page = ("<html><head><title>Union backs Ruiz</title></head><body><article><p>"
            + "The Harbor Pipefitters Local 22 endorsed Mayor Ana Ruiz for governor on Friday, "
              "citing her record on the shipyard and on apprenticeships in the port city. " * 3
            + "</p></article></body></html>")
    response = writer.post("/api/articles", json={"html": page}, headers=AUTH)
    assert response.status_code == 201, response.text
    stored = writer.get(f"/api/articles/{response.json()['id']}").json()["record"]
    assert stored["article"]["title"] == "Union backs Ruiz"


@pytest.mark.parametrize("given, token, expected", [
    ("abc", "abc", True), ("abd", "abc", False), ("", "abc", False), (None, "abc", False),
    ("abc", None, False), ("abc", "", False), ("ābc", "abc", False),
])
def test_token_matches(given: str | None, token: str | None, expected: bool) -> None:
    assert token_matches(given, token) is expected


def test_no_cors_and_security_headers(client: TestClient) -> None:
    response = client.get("/api/articles", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/endorsements", "/api/quotes",
                 "/api/people", "/api/people/{person_id}", "/api/organizations/{org_id}",
                 "/api/races", "/api/races/{office}", "/api/facts/{fact_id}/review", "/api/review"):
        assert path in paths, path
    assert "post" in paths["/api/articles"]


# -- the response cache ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/api/endorsements?endorsee=Whitcombe", "/api/races", "/api/quotes?q=picket&format=csv",
    "/", "/races/U.S.%20Senate", "/people/dana-whitcombe",
])
def test_answers_come_again_from_the_cache(client: TestClient, path: str) -> None:
    first, again = client.get(path), client.get(path)
    assert first.status_code == again.status_code == 200
    assert again.headers["x-cache"] == "hit" and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "no-cache"  # browsers ask again, with the ETag
    assert "script-src 'self'" in again.headers["content-security-policy"]
    unchanged = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


@pytest.mark.parametrize("path, headers", [
    ("/api/endorsements", AUTH),  # a token holder's requests
    ("/api/endorsements", {"Cookie": "whipcount_session=x"}),
    ("/login", {}),
    ("/static/style.css", {}),
    ("/api/articles/no-such-article", {}),  # errors are not kept
    ("/people/no-such-person", {}),
])
def test_what_the_cache_leaves_alone(client: TestClient, path: str,
                                     headers: dict[str, str]) -> None:
    for _ in range(2):
        assert "x-cache" not in client.get(path, headers=headers).headers


@pytest.mark.parametrize("same_process", [True, False])
def test_the_cache_follows_the_data(tmp_path: Path, same_process: bool) -> None:
    """A review, by this server or by another process, makes the next answer fresh."""
    from whipcount.store import open_store

    url = build_store(tmp_path / "c.db")
    path = "/api/endorsements?endorser=Ledger"
    with TestClient(create_app(url, token=TOKEN)) as c:
        before = c.get(path)
        assert c.get(path).headers["x-cache"] == "hit"
        fact = before.json()["items"][0]["fact_id"]
        if same_process:
            c.post(f"/api/facts/{fact}/review", json={"state": "rejected"}, headers=AUTH)
        else:
            with open_store(url) as other:
                other.review_fact(fact, "rejected")
        after = c.get(path)
        assert after.headers["x-cache"] == "miss"
        assert after.json()["total"] == before.json()["total"] - 1
        assert after.headers["etag"] != before.headers["etag"]


@pytest.mark.parametrize("limits, keys, kept", [
    ({"max_entries": 2}, ["a", "b", "c"], ["b", "c"]),
    ({"max_bytes": 10}, ["a", "b", "c"], ["c"]),  # 6-byte bodies
    ({"max_item_bytes": 5}, ["a", "b"], []),
    ({}, ["a", "b", "a"], ["a", "b"]),
])
def test_response_cache_bounds(limits: dict[str, int], keys: list[str], kept: list[str]) -> None:
    from whipcount.web.cache import CachedAnswer, ResponseCache

    cache = ResponseCache(**limits)
    assert cache.get("v1", ("/", b"")) is None  # the cache takes its version from a lookup
    for key in keys:
        cache.put("v1", (key, b""), CachedAnswer(200, (), b"body:" + key.encode(), b'"e"'))
    assert sorted(k for k in "abc" if cache.get("v1", (k, b"")) is not None) == kept


def test_response_cache_drops_other_versions() -> None:
    from whipcount.web.cache import CachedAnswer, ResponseCache

    cache = ResponseCache()
    answer = CachedAnswer(200, (), b"old", b'"e"')
    cache.get("v1", ("/", b""))
    cache.put("v1", ("/", b""), answer)
    assert cache.get("v1", ("/", b"")) == answer
    assert cache.get("v2", ("/", b"")) is None and len(cache) == 0  # the data changed
    cache.put("v1", ("/", b""), answer)  # made before the change: not kept
    assert len(cache) == 0
