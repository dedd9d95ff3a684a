"""The ``whipcount`` command and the local runner behind it.

CLI tests run in-process with typer's CliRunner over the bundled sample articles (the spaCy
model loads once per session). Runner tests swap ``process()`` for a stub to count what
reaches the NLP stage.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from whipcount.cli import app
from whipcount.config import Settings
from whipcount.export import FACT_COLUMNS, fact_rows, flat_row, write_results
from whipcount.models import IngestError, Quote, Record
from whipcount.runners import local
from whipcount.store import open_store

from conftest import make_record

runner = CliRunner()


def invoke(*args: str, input: str | None = None):  # noqa: A002 - mirrors CliRunner
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def samples_dir(tmp_path: Path, sample_paths: list[str]) -> Path:
    """A copy of the sample articles (so tests can add broken files beside them)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sample_paths:
        shutil.copy(p, folder)
    return folder


@pytest.fixture
def filled_db(tmp_path: Path, records: list[Record]) -> str:
    """A store holding the hand-built records of conftest (no NLP involved)."""
    path = str(tmp_path / "filled.db")
    with open_store(path) as store:
        store.write_records(records)
    return path


# -- basics --------------------------------------------------------------------------------


def test_version() -> None:
    res = invoke("--version")
    assert res.exit_code == 0
    assert res.stdout.strip() == "whipcount 0.1.0"


@pytest.mark.parametrize("args", [
    ["extract", "x.txt", "--format", "xml"],
    ["run", "x.txt", "--workers", "0"],
    ["quotes", "--format", "yaml"],
    ["extract"],  # no path
    ["nosuchcommand"],
])
def test_bad_options_exit_2(args: list[str]) -> None:
    assert invoke(*args).exit_code == 2


@pytest.mark.parametrize("args, code, message", [
    (["run", "x.txt", "--db", "mysql://h/db"], 2, "E011"),
    (["quotes", "--db", "postgresql://u:secret@127.0.0.1:1/db"], 1, "E010"),  # nothing listens
    (["extract", "x.txt", "--model", "no_such_model_xyz"], 2, "E020"),
])
def test_library_errors_are_one_line(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "x.txt").write_text("Mayor Ann Ruiz said it.", encoding="utf-8")
    args = [str(tmp_path / a) if a == "x.txt" else a for a in args]
    res = invoke(*args)
    assert res.exit_code == code
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr and "secret" not in res.stderr


# -- extract -------------------------------------------------------------------------------


def test_extract_jsonl(samples_dir: Path) -> None:
    res = invoke("extract", str(samples_dir))
    assert res.exit_code == 0, res.stderr
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(records) == 4
    for rec in records:
        assert set(rec) >= {"article", "people", "organizations", "quotes", "endorsements",
                            "stances", "extractor"}
        text = rec["article"]["text"]
        assert text == (samples_dir / f"{rec['article']['id']}.txt").read_text(encoding="utf-8")
        for q in rec["quotes"]:
            assert text[q["span"][0]:q["span"][1]] == q["text"]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_extract_formats_to_file(samples_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    res = invoke("extract", str(samples_dir / "tamarack-senate-labor.txt"),
                 str(samples_dir / "ledger-editorial-whitcombe.txt"), "--format", fmt, "-o", str(out),
                 "--no-text")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == ""
    body = out.read_text(encoding="utf-8")
    if fmt == "jsonl":
        recs = [json.loads(line) for line in body.splitlines()]
    elif fmt == "json":
        recs = json.loads(body)
    else:
        rows = list(csv.DictReader(io.StringIO(body)))
        assert list(rows[0]) == list(FACT_COLUMNS)
        assert {r["article_id"] for r in rows} == {"tamarack-senate-labor", "ledger-editorial-whitcombe"}
        assert {r["fact"] for r in rows} >= {"person", "quote"}
        text = (samples_dir / "tamarack-senate-labor.txt").read_text(encoding="utf-8")
        for r in rows:
            if r["fact"] == "quote" and r["article_id"] == "tamarack-senate-labor":
                assert text[int(r["span_start"]):int(r["span_end"])] == r["text"]
        return
    assert [r["article"]["id"] for r in recs] == ["tamarack-senate-labor", "ledger-editorial-whitcombe"]
    assert all("text" not in r["article"] and r["article"]["sha256"] for r in recs)


def test_extract_stdin() -> None:
    res = invoke("extract", "-", input="“We will win,” said Mayor Ann Ruiz of Port Ellery.\n")
    assert res.exit_code == 0, res.stderr
    (rec,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert rec["article"]["text"].startswith("“We will win,”")


def test_extract_reports_bad_inputs_and_goes_on(samples_dir: Path) -> None:
    missing = samples_dir / "nope.txt"
    res = invoke("extract", str(missing), str(samples_dir / "tamarack-senate-labor.txt"))
    assert res.exit_code == 1
    assert len(res.stdout.splitlines()) == 1
    (line,) = res.stderr.strip().splitlines()
    assert "E001" in line and str(missing) in line


# -- run -----------------------------------------------------------------------------------


def _summary(stdout: str) -> dict[str, int]:
    line = stdout.strip().splitlines()[-1]
    out = {}
    for key in ("read", "stored", "duplicates", "failed"):
        out[key] = int(line.split(f"{key}: ")[1].split(",")[0].split(" ")[0])
    return out


def test_run_twice_stores_nothing_new(samples_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    first = invoke("run", str(samples_dir), "--db", db)
    assert first.exit_code == 0, first.stderr
    assert _summary(first.stdout) == {"read": 4, "stored": 4, "duplicates": 0, "failed": 0}
    second = invoke("run", str(samples_dir), "--db", f"sqlite:///{db}")
    assert second.exit_code == 0
    assert _summary(second.stdout) == {"read": 4, "stored": 0, "duplicates": 4, "failed": 0}
    with open_store(db) as store:
        assert store.counts()["articles"] == 4


def test_run_db_from_environment(samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("WHIPCOUNT_DB", str(db))
    res = invoke("run", str(samples_dir / "tamarack-senate-labor.txt"))
    assert res.exit_code == 0, res.stderr
    assert db.exists()


def test_run_partial_failure_exit_1_and_errors_file(samples_dir: Path, tmp_path: Path) -> None:
    (samples_dir / "empty.txt").write_text("", encoding="utf-8")
    missing = str(tmp_path / "missing.txt")
    errors = tmp_path / "errors.jsonl"
    res = invoke("run", str(samples_dir), missing, "--db", str(tmp_path / "w.db"),
                 "--errors", str(errors))
    assert res.exit_code == 1
    assert _summary(res.stdout) == {"read": 4, "stored": 4, "duplicates": 0, "failed": 2}
    failed = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [set(f) for f in failed] == [{"source", "line", "reason"}] * 2
    assert sorted(f["reason"][:4] for f in failed) == ["E001", "E005"]
    assert any(f["source"] == missing for f in failed)


def test_run_with_workers_matches_one_worker(samples_dir: Path, tmp_path: Path) -> None:
    # a spawn pool of 2 workers, one article per chunk: same records as in-process
    res = invoke("run", str(samples_dir), "--db", str(tmp_path / "w2.db"), "--workers", "2",
                 "--batch-size", "1")
    assert res.exit_code == 0, res.stderr
    invoke("run", str(samples_dir), "--db", str(tmp_path / "w1.db"))
    with open_store(str(tmp_path / "w1.db")) as one, open_store(str(tmp_path / "w2.db")) as two:
        ids = [r["id"] for r in one.articles()]
        assert sorted(ids) == sorted(r["id"] for r in two.articles())
        for aid in ids:
            assert one.get_record(aid) == two.get_record(aid)


# -- list commands -------------------------------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    (["quotes", "--speaker", "Okafor"], [("rally", "q1"), ("editorial", "q1")]),
    (["quotes", "--search", "picket remember"], [("editorial", "q1")]),
    (["endorsements", "--status", "withdrawn"], [("firehouse", "e1")]),
    (["endorsements", "--endorsee", "Whitcombe", "--office", "Senate"], [("rally", "e1"), ("editorial", "e1")]),
    (["endorsements", "--endorser", "ledger"], [("editorial", "e1")]),
    (["articles", "--limit", "2"], [("rally", None), ("firehouse", None)]),
])
def test_list_jsonl(filled_db: str, args: list[str], expected: list) -> None:
    res = invoke(*args, "--db", filled_db, "--format", "jsonl")
    assert res.exit_code == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    if args[0] == "articles":
        assert [(r["id"], None) for r in rows] == expected
    else:
        assert [(r["article_id"], r["id"]) for r in rows] == expected


@pytest.mark.parametrize("command, columns", [
    ("quotes", {"id", "kind", "text", "span_start", "span_end", "speaker", "article_id"}),
    ("endorsements", {"endorser", "endorsee", "status", "office", "evidence_span_start", "article_id"}),
    ("people", {"id", "name", "titles", "kb", "articles"}),
    ("organizations", {"id", "name", "kind", "members", "articles"}),
    ("articles", {"id", "source", "title", "published", "sha256"}),
])
def test_list_csv(filled_db: str, command: str, columns: set[str]) -> None:
    res = invoke(command, "--db", filled_db, "--format", "csv")
    assert res.exit_code == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and columns <= set(rows[0])


@pytest.mark.parametrize("command, must_show", [
    ("quotes", ["Ruth Okafor", "picket"]),
    ("endorsements", ["withdrawn", "Luis Ferraro"]),
    ("people", ["Dana Whitcombe", "State Sen."]),
    ("organizations", ["Port Ellery Ledger", "newspaper"]),
    ("articles", ["firehouse", "editorial.txt"]),
])
def test_list_table(filled_db: str, command: str, must_show: list[str]) -> None:
    res = invoke(command, "--db", filled_db)
    assert res.exit_code == 0, res.stderr
    for text in must_show:
        assert text in res.stdout


def test_list_people_by_name(filled_db: str) -> None:
    res = invoke("people", "--db", filled_db, "--name", "okafor", "--format", "jsonl")
    (row,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert (row["id"], row["articles"]) == ("ruth-okafor", 2)


def test_list_missing_db(tmp_path: Path) -> None:
    res = invoke("quotes", "--db", str(tmp_path / "none.db"))
    assert res.exit_code == 1
    assert "E010" in res.stderr
    assert not (tmp_path / "none.db").exists()


# -- demo ----------------------------------------------------------------------------------


def test_demo_builds_a_fresh_store(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    for _ in range(2):  # the second run starts again from an empty store
        res = invoke("demo", "--db", str(db))
        assert res.exit_code == 0, res.stderr
        assert "endorsements (" in res.stdout and "quotes (" in res.stdout
        with open_store(str(db)) as store:
            assert store.counts()["articles"] == 4


def test_demo_refuses_to_overwrite_other_files(tmp_path: Path) -> None:
    precious = tmp_path / "notes.db"
    precious.write_text("my notes", encoding="utf-8")
    res = invoke("demo", "--db", str(precious))
    assert res.exit_code == 2
    assert precious.read_text(encoding="utf-8") == "my notes"


# -- serve ---------------------------------------------------------------------------------


def _children(pid: int) -> dict[int, str]:
    """Command lines of the live child processes of ``pid`` (Linux /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue  # it ended meanwhile
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process lists from /proc")
def test_serve_with_workers(filled_db: str, tmp_path: Path) -> None:
    """``serve --workers 2`` answers pages; the workers get the store and the token through the
    environment, not on their command lines, which any user of the machine can read."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "token-of-the-serve-test"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "whipcount", "serve", "--db", filled_db, "--port", str(port),
             "--workers", "2"],
            env={**os.environ, "WHIPCOUNT_TOKEN": token}, stdout=out, stderr=subprocess.STDOUT)
    try:
        page = None
        deadline = time.monotonic() + 90
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as res:
                    page = res.read().decode()
            except OSError:
                time.sleep(0.3)
        assert page is not None, log.read_text(errors="replace")
        assert 'href="/login"' in page  # a worker got the token: writes are offered
        workers = {pid: cmd for pid, cmd in _children(server.pid).items() if "spawn" in cmd}
        assert len(workers) == 2, _children(server.pid)
        for cmd in workers.values():
            assert filled_db not in cmd and token not in cmd
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0, log.read_text(errors="replace")
    assert "with 2 worker processes" in log.read_text()


# -- the runner with process() stubbed -----------------------------------------------------


class Counting:
    """A stand-in for process(): empty records, counting the articles it is given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, items, settings=None):
        for item in items:
            if isinstance(item, IngestError):
                yield item
                continue
            self.seen.append(item.id)
            yield Record(article=item)


@pytest.mark.parametrize("files, batch_size, expected", [
    # {name: text}, batch size -> (articles reaching NLP, stored, duplicates)
    ({"a.txt": "One.", "b.txt": "Two.", "c.txt": "One."}, 16, (2, 2, 1)),
    ({"a.txt": "One.", "b.txt": "Two.", "c.txt": "One."}, 1, (2, 2, 1)),
    ({"a.txt": "Same.", "b.txt": "Same.", "c.txt": "Same."}, 2, (1, 1, 2)),
])
def test_runner_skips_duplicates_before_nlp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            files: dict[str, str], batch_size: int, expected) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    stub = Counting()
    monkeypatch.setattr(local, "process", stub)
    settings = Settings(batch_size=batch_size)
    with open_store(str(tmp_path / "r.db")) as store:
        s = local.run([str(tmp_path / n) for n in sorted(files)], store, settings)
        assert (len(stub.seen), s.stored, s.duplicates) == expected
        assert s.read == len(files) and s.exit_code == 0
        stub.seen.clear()
        again = local.run([str(tmp_path / n) for n in sorted(files)], store, settings)
        assert stub.seen == []  # nothing known reaches the NLP stage
        assert (again.stored, again.duplicates) == (0, len(files))


def test_runner_isolates_a_record_the_store_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        (inputs / f"{name}.txt").write_text(f"Article {name}.", encoding="utf-8")

    def stub(items, settings=None):
        for item in items:
            bad = [Quote(id="q1", kind="direct", text="x", span=None)] if item.id == "b" else []  # type: ignore[arg-type]
            yield Record(article=item, quotes=bad)

    monkeypatch.setattr(local, "process", stub)
    progress: list[int] = []
    with open_store(str(tmp_path / "r.db")) as store:
        s = local.run([str(inputs)], store, Settings(), progress=lambda x: progress.append(x.done))
        assert (s.read, s.stored, len(s.failed), s.exit_code) == (3, 2, 1, 1)
        assert s.failed[0].source.endswith("b.txt") and "E010" in s.failed[0].reason
        assert {r["id"] for r in store.articles()} == {"a", "c"}
    assert progress and progress[-1] == 3 and progress == sorted(progress)


# -- export --------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture, facts", [
    ("rally", ["person", "person", "organization", "organization", "quote", "endorsement"]),
    ("firehouse", ["person"] * 3 + ["organization", "quote", "quote", "endorsement", "stance"]),
])
def test_fact_rows(request: pytest.FixtureRequest, fixture: str, facts: list[str]) -> None:
    record: Record = request.getfixturevalue(fixture)
    rows = list(fact_rows(record))
    assert [r["fact"] for r in rows] == facts
    for r in rows:
        assert list(r) == list(FACT_COLUMNS)
        if r["fact"] in ("quote", "endorsement", "stance"):
            assert record.article.text[r["span_start"]:r["span_end"]] == r["text"]


@pytest.mark.parametrize("row, flat", [
    ({"span": [1, 4], "titles": [{"title": "Mayor"}]},
     {"span_start": 1, "span_end": 4, "titles": '[{"title": "Mayor"}]'}),
    ({"speaker_span": None, "name": "Ann"}, {"speaker_span_start": None, "speaker_span_end": None, "name": "Ann"}),
])
def test_flat_row(row: dict, flat: dict) -> None:
    assert flat_row(row) == flat


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda s: [r["article"]["id"] for r in json.loads(s)] == ["a"]),
    ("jsonl", lambda s: [json.loads(x)["article"]["id"] for x in s.splitlines()] == ["a"]),
    ("csv", lambda s: s.splitlines()[0].startswith("article_id,fact,")),
])
def test_write_results_passes_errors_aside(fmt: str, check) -> None:
    out = io.StringIO()
    errs: list[IngestError] = []
    items = [IngestError("x.txt", "E005 x.txt: empty"), make_record("a", "Text.")]
    assert write_results(items, out, fmt, on_error=errs.append) == (1, 1)
    assert check(out.getvalue())
    assert [e.source for e in errs] == ["x.txt"]


def test_write_results_empty_json_is_a_list() -> None:
    out = io.StringIO()
    write_results([], out, "json")
    assert json.loads(out.getvalue()) == []
