"""``kill -9`` during ``whipcount run``, then the same command again: every article stored once.

A real ``whipcount run`` subprocess (``--workers 1``, small batches) over generated short
articles is killed with SIGKILL at several moments: while it loads the model, right after its
first batch is committed (the test polls the store's article count), and half way through.
Then the command runs to the end. The store must hold each article exactly once, with the
same record and the same number of facts as a clean, uninterrupted run. On SQLite always; on
PostgreSQL when a server answers at ``$WHIPCOUNT_TEST_PG`` (default
``postgresql://127.0.0.1:5432/test``), in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from whipcount.store import open_store

PG_URL = os.environ.get("WHIPCOUNT_TEST_PG", "postgresql://127.0.0.1:5432/test")
N_ARTICLES = 40
BATCH = "4"
RUN_TIMEOUT = 300

UNIONS = ["Carpenters Local 108", "Tamarack Nurses Union", "Transit Workers Local 12",
          "Firefighters Local 1180", "Harbor Pilots Association"]
FIRST = ["Dana", "Luis", "Ruth", "Kevin", "Alma", "Omar", "Ivy", "Gil"]
LAST = ["Whitcombe", "Ferraro", "Okafor", "Doyle", "Quist", "Said", "Tran", "Amos"]
OFFICES = ["mayor", "state senate", "county executive", "city council", "governor"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(i: int) -> str:
    """A short news item, different for every ``i``."""
    union = UNIONS[i % len(UNIONS)]
    cand = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"
    speaker = f"{FIRST[(i + 3) % len(FIRST)]} {LAST[(i + 5) % len(LAST)]}"
    return (f"The {union} endorsed {cand} for {OFFICES[i % len(OFFICES)]} on {DAYS[i % len(DAYS)]}, "
            f"its {i + 2}th endorsement of the year.\n"
            f"\u201cWe know where {cand.split()[0]} stands on item {i},\u201d said {speaker}, the "
            f"president of the {union}. The vote was {i + 10} to {i % 7}.\n")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill-inputs")
    for i in range(N_ARTICLES):
        (folder / f"item-{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def _cli(inputs: Path, db: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "whipcount", "run", str(inputs), "--db", db,
                                 "--workers", "1", "--batch-size", BATCH],
                                stdout=out, stderr=subprocess.STDOUT)


def _finish(proc: subprocess.Popen[bytes], log: Path) -> None:
    try:
        proc.wait(timeout=RUN_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text(errors="replace")
    assert proc.returncode == 0, text[-2000:]
    assert "Traceback" not in text


def _snapshot(url: str) -> tuple[dict[str, dict[str, object]], dict[str, int], tuple[int, int]]:
    """Records by sha256, fact counts, and (article rows, distinct sha256) of a store."""
    with open_store(url, create=False) as store:
        shas = [r["sha256"] for r in store.articles(limit=-1)]
        records = {}
        for sha in shas:
            rec = store.get_record(sha)
            assert rec is not None
            records[sha] = rec.to_dict()
        counts = store.counts()
    return records, counts, (len(shas), len(set(shas)))


# -- backends: a URL and a way to count stored articles while a run writes ----------------

Backend = tuple[str, Callable[[], int]]


def _sqlite(tmp_path: Path, name: str) -> Backend:
    path = tmp_path / f"{name}.db"

    def count() -> int:
        if not path.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
                return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.Error:  # no table yet, or the writer holds a lock
            return 0
    return str(path), count


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Backend]]:
    if request.param == "sqlite":
        yield lambda name: _sqlite(tmp_path, name)
        return
    psycopg = pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    try:
        admin = psycopg.connect(PG_URL, connect_timeout=3, autocommit=True)
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL server at {PG_URL}: {str(exc).splitlines()[0]}")
    schemas: list[str] = []

    def make(name: str) -> Backend:
        schema = f"wc_kill_{name}_{uuid.uuid4().hex[:10]}"
        schemas.append(schema)
        url = f"{PG_URL}?schema={schema}"

        def count() -> int:
            try:
                row = admin.execute(f'SELECT count(*) FROM "{schema}".articles').fetchone()
                return int(row[0]) if row else 0
            except psycopg.Error:
                return 0
        return url, count

    yield make
    for schema in schemas:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.close()


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], deadline: float) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()``; False when it ended (or time ran out) first."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return True
        time.sleep(0.02)
    proc.kill()
    proc.wait(timeout=30)
    return False


def test_kill_9_and_rerun_store_each_article_once(backend: Callable[[str], Backend], inputs: Path,
                                                  tmp_path: Path) -> None:
    clean_url, _ = backend("clean")
    log = tmp_path / "run.log"
    _finish(_cli(inputs, clean_url, log), log)
    clean_records, clean_counts, (rows, distinct) = _snapshot(clean_url)
    assert rows == distinct == N_ARTICLES

    url, count = backend("killed")
    started = time.monotonic()
    proc = _cli(inputs, url, log)  # 1: killed while it starts (imports, model load)
    assert _kill_when(proc, lambda: time.monotonic() - started > 1.0, started + RUN_TIMEOUT)
    kills = 1
    before = count()
    for target in (before + 1, N_ARTICLES // 2):  # 2: after a batch commits; 3: half way
        proc = _cli(inputs, url, log)
        if _kill_when(proc, lambda t=target: count() >= t, time.monotonic() + RUN_TIMEOUT):
            kills += 1
        stored = count()
        assert stored <= N_ARTICLES
    assert kills >= 2, log.read_text(errors="replace")[-2000:]
    _finish(_cli(inputs, url, log), log)  # the same command, to the end

    records, counts, (rows, distinct) = _snapshot(url)
    assert rows == distinct == N_ARTICLES  # every article, each exactly once
    assert records == clean_records        # with the same record
    assert counts == clean_counts          # and no fact stored twice or lost
