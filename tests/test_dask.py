"""The Dask engine: partitions, a 2-worker local cluster, Parquet, and the same records everywhere.

One 2-worker LocalCluster (processes, one thread each, 127.0.0.1) serves the whole module, so
the spaCy pipeline is loaded once per worker. The equivalence test runs 40 PolNeAR dev articles
(from ../shared) once locally into SQLite and PostgreSQL, and once through Dask into PostgreSQL,
and compares the endorsements and quotes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
pytest.importorskip("pyarrow", reason="the dask extra (pyarrow) is not installed")

from whipcount.config import Settings  # noqa: E402
from whipcount.models import Record  # noqa: E402
from whipcount.runners import dask as dask_runner  # noqa: E402
from whipcount.runners import local  # noqa: E402
from whipcount.runners.parquet import SCHEMAS, read_records  # noqa: E402
from whipcount.store import open_store  # noqa: E402

# -- partitions (no cluster) ---------------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("files, files_per, lines_per, expected", [
    # five text files, two per partition -> 2 + 2 + 1
    ({f"news/a{i}.txt": "Mayor Ann Ruiz said it." for i in range(5)}, 2, 100,
     [("news/a0.txt", "news/a1.txt"), ("news/a2.txt", "news/a3.txt"), ("news/a4.txt",)]),
    # a WARC file is a partition of its own, wherever it sits
    ({"in/a.txt": "x", "in/b.warc.gz": "", "in/c.txt": "y"}, 10, 100,
     [("in/b.warc.gz",), ("in/a.txt", "in/c.txt")]),
    # a JSONL file of 5 lines in ranges of 2 lines
    ({"feed.jsonl": "\n".join(json.dumps({"text": f"Story {i}."}) for i in range(5))}, 10, 2,
     [("feed.jsonl", 0, 2), ("feed.jsonl", 2, 4), ("feed.jsonl", 4, 6)]),
])
def test_plan_partitions(tmp_path: Path, files: dict[str, str], files_per: int, lines_per: int,
                         expected: list[tuple[Any, ...]]) -> None:
    root = _tree(tmp_path, files)
    top = sorted({name.split("/")[0] for name in files})
    parts = dask_runner.plan_partitions([str(root / t) for t in top], files_per, lines_per)
    got = []
    for p in parts:
        rel = tuple(str(Path(x).relative_to(root)) for x in p.paths)
        got.append(rel if p.stop is None else (rel[0], p.start, p.stop))
    assert got == expected
    assert [p.number for p in parts] == list(range(len(parts)))


def test_jsonl_partitions_cover_every_line_once(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"s{i}", "text": f"Councilmember Ida Vance{i} spoke on Tuesday."})
             for i in range(7)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    parts = dask_runner.plan_partitions([str(tmp_path / "feed.jsonl")], lines_per_partition=3)
    ids = [a.id for p in parts for a in p.read(Settings())]
    assert len(parts) == 3
    assert sorted(ids) == sorted(f"s{i}" for i in range(7))


def test_stdin_cannot_be_split() -> None:
    from whipcount.errors import WhipcountError

    with pytest.raises(WhipcountError, match="E031"):
        dask_runner.plan_partitions(["-"])


# -- on a 2-worker local cluster -----------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        yield cluster.scheduler_address


def _facts(store: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Endorsements and quotes of a store, without store-specific keys, in a stable order."""
    ends = sorted((r["article_id"], r["id"], r["endorser"], r["endorsee"], r["status"], r["office"],
                   tuple(r["evidence_span"]), r["confidence"], r["endorser_store_id"],
                   r["endorsee_store_id"]) for r in store.endorsements(limit=-1))
    quotes = sorted((r["article_id"], r["id"], r["kind"], tuple(r["span"]), r["speaker"],
                     r["speaker_id"], r["cue"], r["confidence"], r["speaker_store_id"])
                    for r in store.quotes(limit=-1))
    return ends, quotes


def test_dask_run_matches_local_and_resumes(scheduler: str, sample_paths: list[str],
                                            tmp_path: Path) -> None:
    settings = Settings(workers=2)
    with open_store(str(tmp_path / "local.db")) as store:
        local_sum = local.run(sample_paths, store, Settings())
        expected = _facts(store)
    url = str(tmp_path / "dask.db")
    first = dask_runner.run(sample_paths, settings, db_url=url, scheduler=scheduler)
    assert (first.read, first.stored, first.failed) == (local_sum.read, local_sum.stored, [])
    with open_store(url) as store:
        assert _facts(store) == expected
    again = dask_runner.run(sample_paths, settings, db_url=url, scheduler=scheduler)
    assert (again.stored, again.duplicates) == (0, first.stored)  # skipped before NLP


def test_dask_to_parquet(scheduler: str, sample_paths: list[str], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "pq"
    summary = dask_runner.run(sample_paths, Settings(workers=2), out_dir=str(out), scheduler=scheduler)
    records = read_records(out)
    assert summary.stored == len(records) == len(sample_paths)
    for name, schema in SCHEMAS.items():
        for path in (out / name).glob("part-*.parquet"):
            assert pq.read_schema(path).equals(schema)
    spans = pq.read_table(next((out / "quotes").glob("part-*.parquet"))).column("span").to_pylist()
    assert spans and all(isinstance(s, list) and len(s) == 2 for s in spans)
    assert all(isinstance(r, Record) and r.article.text for r in records)
    again = dask_runner.run(sample_paths, Settings(workers=2), out_dir=str(out), scheduler=scheduler)
    assert again.read == 0  # every partition was already written


def test_cli_dask_options_need_the_engine(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from whipcount.cli import app

    res = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2


# -- the same 40 PolNeAR dev articles in SQLite, in PostgreSQL, and through Dask -------------


def test_same_records_sqlite_postgres_dask(shared_dir: Path, scheduler: str, tmp_path: Path,
                                           pg_url_factory: Callable[[], str]) -> None:
    from whipcount.process import process
    from whipcount.ingest import iter_articles

    texts = sorted((shared_dir / "data" / "polnear" / "dev" / "text").glob("*.txt"))[:40]
    if len(texts) < 40:
        pytest.skip(f"PolNeAR dev texts not found under {shared_dir}")
    paths = [str(p) for p in texts]
    records = [r for r in process(iter_articles(paths)) if isinstance(r, Record)]
    assert len(records) == 40
    pg_url = pg_url_factory()
    with open_store(str(tmp_path / "eq.db")) as lite, open_store(pg_url) as pg:
        for i in range(0, 40, 16):
            lite.write_records(records[i:i + 16])
            pg.write_records(records[i:i + 16])
        in_sqlite, in_pg = _facts(lite), _facts(pg)
    dask_url = pg_url_factory()
    summary = dask_runner.run(paths, Settings(workers=2), db_url=dask_url, scheduler=scheduler)
    assert summary.stored == 40 and not summary.failed
    with open_store(dask_url) as store:
        via_dask = _facts(store)
    assert in_sqlite[0], "the 40 articles should give some endorsements"
    assert in_sqlite[1], "the 40 articles should give some quotes"
    assert in_pg == in_sqlite
    assert via_dask == in_sqlite
