"""The pages in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium).

The store is built once per session by the real extraction of the bundled sample articles
(plus the hostile hand-made article), served by uvicorn in a thread on 127.0.0.1. Runs when
CI=true or when /usr/bin/chromium exists; skipped with the reason otherwise. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

CHROMIUM = "/usr/bin/chromium"
if not (os.environ.get("CI") == "true" or Path(CHROMIUM).exists()):
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium) or CI=true",
                allow_module_level=True)

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from webdata import EVIL_OFFICE, EVIL_PERSON, hostile_record  # noqa: E402

from whipcount.config import Settings  # noqa: E402
from whipcount.runners import local  # noqa: E402
from whipcount.samples import sample_paths  # noqa: E402
from whipcount.store import open_store  # noqa: E402
from whipcount.store.base import entity_key  # noqa: E402
from whipcount.web.app import create_app  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a store of the extracted sample articles, on 127.0.0.1; its base URL."""
    db = tmp_path_factory.mktemp("browser") / "samples.db"
    with open_store(str(db)) as store:
        summary = local.run(sample_paths(), store, Settings())
        assert summary.stored == len(sample_paths()) and not summary.failed
        store.write_records([hostile_record()])
    port = _free_port()
    config = uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page that records dialogs and page errors; any of either fails the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.dialogs, pg.errors = [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    pg.screenshot(path=str(ARTIFACTS / f"{name}-last.png"), full_page=True)
    context.close()
    assert pg.dialogs == [], f"a dialog opened: {pg.dialogs}"
    assert pg.errors == [], f"script errors: {pg.errors}"


def requests_json(url: str) -> Any:
    import json
    from urllib.request import urlopen

    with urlopen(url, timeout=10) as response:  # 127.0.0.1 only
        return json.load(response)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_desk_walkthrough(page: Any, server: str) -> None:
    """Home -> a race -> an endorser -> quote search -> the article with its evidence."""
    page.goto(server + "/")
    assert page.locator("h2", has_text="Latest endorsements").is_visible()
    assert page.locator("table.races").is_visible()
    shot(page, "01-home")

    top_race = page.locator("table.races tbody tr td:first-child a").first  # most endorsements
    office = top_race.inner_text()
    top_race.click()
    page.wait_for_url(re.compile(r"/races/"))
    assert page.locator("h1").inner_text() == f"Race: {office}"
    assert page.locator("#timeline svg path").count() >= 1  # the chart was drawn
    assert page.locator("section.candidate h3", has_text="Unions").count() >= 1
    shot(page, "02-race")

    endorser = page.locator("section.candidate li.endorsement .line a").first
    name = endorser.inner_text()
    endorser.click()
    page.wait_for_url(re.compile(r"/(organizations|people)/"))
    assert page.locator("h1").inner_text() == name
    assert page.locator("h2", has_text="Endorsements given").is_visible()
    shot(page, "03-endorser")

    page.goto(server + "/quotes")
    page.fill("input[name=q]", "picket")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"q=picket"))
    first = page.locator("li.quote").first
    assert "picket lines" in first.inner_text()
    shot(page, "04-quote-search")

    first.locator("a.src").click()
    page.wait_for_url(re.compile(r"/articles/"))
    evidence = page.locator(".article-text .hl.f-endorsement").first
    assert evidence.is_visible()
    evidence.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert re.search(r"endorsement \(\w+\): .+confidence \d\.\d\d", tip.inner_text())
    page.locator(".article-text .hl.f-quote").first.hover()
    assert re.search(r"quote \((direct|partial|indirect|mixed)\)", tip.inner_text())
    assert page.locator(".article-text a[href^='/people/']").count() >= 1
    shot(page, "05-article")


def test_coalition_graph(page: Any, server: str) -> None:
    office = requests_json(server + "/api/races")["items"][0]["office"]
    page.goto(server + "/graph?race=" + quote(office))
    page.locator("#graph svg .node").first.wait_for()
    assert page.locator("#graph svg .node.candidate").count() >= 1
    assert page.locator("#graph svg line.edge").count() >= 3
    shot(page, "06-graph")


@pytest.mark.parametrize("path", [
    "/", "/articles/hostile", "/articles/hostile?all=1", f"/people/{entity_key(EVIL_PERSON)}",
    f"/races/{quote(EVIL_OFFICE, safe='')}", f"/graph?race={quote(EVIL_OFFICE)}",
    "/quotes?q=javascript", "/endorsements",
])
def test_hostile_article_is_inert(page: Any, server: str, path: str) -> None:
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    for el in page.locator("[data-tip]").all()[:15]:  # hover what a reader would
        if el.is_visible():
            el.hover()
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate(
        "[...document.querySelectorAll('*')].some(e => [...e.attributes].some(a => a.name.startsWith('on')))") is False
    assert page.evaluate(
        "[...document.querySelectorAll('a')].some(a => (a.getAttribute('href') || '').trim().toLowerCase().startsWith('javascript:'))") is False
    if path.startswith("/articles/hostile"):
        text = page.locator(".article-text").inner_text()
        assert '<script>alert("text")</script>' in text  # shown, as text
        assert page.locator("h1").inner_text().startswith("<script>")
        shot(page, "07-hostile-article")


def test_phone_layout(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    pg = context.new_page()
    try:
        for path, name in (("/", "08-phone-home"), ("/races/State%20Senate", "09-phone-race"),
                           ("/articles/tamarack-senate-labor", "10-phone-article")):
            pg.goto(server + path)
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
            shot(pg, name)
    finally:
        context.close()
