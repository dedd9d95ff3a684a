"""The Dask runner: the same :func:`whipcount.process.process` over a dask.distributed cluster.

``run(paths, ...)`` splits the inputs into partitions (:func:`plan_partitions`: one per WARC
file, chunks of files from folders, chunks of lines of big JSONL files), sends each partition
to a worker, and the worker reads it there (the files must be readable on the workers: a shared
file system or the same paths on every machine). On the worker, :func:`run_partition` skips
articles whose sha256 is already in the store *before* any NLP (so a run can be resumed, and
two runs over overlapping inputs do the work once), runs ``process()`` with the worker's one
cached pipeline (``load_pipeline`` caches it in :mod:`whipcount.nlp.pipeline`, an importable
module, so it lives as long as the worker process), and writes the partition's records in one
transaction (one COPY per table on PostgreSQL), or to Parquet files with an explicit schema
(:mod:`whipcount.runners.parquet`).

Without a scheduler address, a :class:`~dask.distributed.LocalCluster` of ``workers``
single-threaded worker processes is started, bound to 127.0.0.1 (dashboard too, on a free port).
Worker profiling is turned off: it samples every thread many times a second, which costs CPU a
batch run has better uses for.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from ..config import Settings
from ..errors import E, WhipcountError
from ..models import Article, IngestError, Record
from ..process import process
from .local import Progress, RunSummary

LOGGER = logging.getLogger(__name__)

FILES_PER_PARTITION = 64
LINES_PER_PARTITION = 2_000
PARTITIONS_PER_WORKER = 16  # at least this many partitions a worker when the inputs allow
# Dask settings for a batch run: no worker profiling; Parquet list columns stay lists.
DASK_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "dataframe.convert-string": False,
}


@dataclass(frozen=True)
class Partition:
    """One unit of work: some files, or a range of items of one JSONL file."""

    number: int
    paths: tuple[str, ...]
    start: int = 0           # with stop: items [start, stop) of the single path
    stop: int | None = None

    def read(self, settings: Settings) -> Iterator[Article | IngestError]:
        """The partition's articles (and errors), read where this runs."""
        from ..ingest import iter_articles

        items = iter_articles(list(self.paths), settings)
        if self.stop is None and self.start == 0:
            return items
        return islice(items, self.start, self.stop)


def plan_partitions(paths: Iterable[str], files_per_partition: int = FILES_PER_PARTITION,
                    lines_per_partition: int = LINES_PER_PARTITION,
                    min_partitions: int = 1) -> list[Partition]:
    """Split inputs: a WARC file alone, a big JSONL file in line ranges, other files in chunks.

    Chunks of files hold at most ``files_per_partition`` files, fewer when that is needed for
    ``min_partitions`` chunks (so a small folder still keeps every worker busy). Inputs that do
    not exist become a partition of their own, so the worker reports the error in the usual
    way. Standard input cannot be split over a cluster.
    """
    from ..ingest import _expand

    parts: list[Partition] = []
    pending: list[str] = []

    def add(paths_: tuple[str, ...], start: int = 0, stop: int | None = None) -> None:
        parts.append(Partition(len(parts), paths_, start, stop))

    for entry in _expand(paths):
        if isinstance(entry, IngestError):
            add((entry.source,))
            continue
        path, _ = entry
        if path == "-":
            raise WhipcountError(E.E031.format(detail="standard input (-) cannot be split over a "
                                               "cluster; save it to a file first"))
        low = path.lower()
        if ".warc" in low or low.endswith(".arc.gz"):
            add((path,))
        elif low.endswith(".jsonl") or low.endswith(".ndjson"):
            lines = _count_lines(path)
            if lines <= lines_per_partition:
                add((path,))
            else:
                for start in range(0, lines, lines_per_partition):
                    add((path,), start, start + lines_per_partition)
        else:
            pending.append(path)
    size = max(1, min(files_per_partition, -(-len(pending) // max(1, min_partitions))))
    for i in range(0, len(pending), size):
        add(tuple(pending[i:i + size]))
    return parts


def _count_lines(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return 0


# -- on the workers ------------------------------------------------------------------------

_STORES: dict[str, Any] = {}  # one open store per URL per worker process


def _worker_store(url: str) -> Any:
    from ..store.base import open_store

    if url not in _STORES:
        _STORES[url] = open_store(url)
    return _STORES[url]


def run_partition(part: Partition, settings: Settings, db_url: str | None = None,
                  out_dir: str | None = None) -> dict[str, Any]:
    """Read, dedupe, extract and write one partition; a summary dict of what happened."""
    started = time.perf_counter()
    summary: dict[str, Any] = {"read": 0, "stored": 0, "duplicates": 0, "failed": []}
    if out_dir is not None:
        from .parquet import partition_done

        if partition_done(out_dir, part.number):  # written by an earlier, interrupted run
            summary["skipped"] = True
            return summary
    articles: list[Article] = []
    seen: set[str] = set()
    for item in part.read(settings):
        if isinstance(item, IngestError):
            summary["failed"].append(item.to_dict())
            continue
        summary["read"] += 1
        if item.sha256 in seen:
            summary["duplicates"] += 1
            continue
        seen.add(item.sha256)
        articles.append(item)
    store = _worker_store(db_url) if db_url else None
    if store is not None and articles:
        known = store.known_hashes([a.sha256 for a in articles])
        summary["duplicates"] += sum(1 for a in articles if a.sha256 in known)
        articles = [a for a in articles if a.sha256 not in known]
    records: list[Record] = []
    for result in process(articles, settings):
        if isinstance(result, IngestError):
            summary["failed"].append(result.to_dict())
        else:
            records.append(result)
    if store is not None and records:
        res = store.write_records(records)
        summary["stored"] += res.stored
        summary["duplicates"] += res.duplicates
    elif out_dir is not None:
        from .parquet import write_partition

        write_partition(out_dir, part.number, records)
        summary["stored"] += len(records)
    summary["seconds"] = time.perf_counter() - started
    return summary


def _warm(settings: Settings) -> int:
    """Load the pipeline on a worker before its first partition arrives."""
    from ..nlp.pipeline import load_pipeline

    load_pipeline(settings.model, settings.components)
    return os.getpid()


# -- on the client -------------------------------------------------------------------------

def run(paths: Iterable[str], settings: Settings | None = None, db_url: str | None = None,
        out_dir: str | None = None, scheduler: str | None = None,
        progress: Progress | None = None) -> RunSummary:
    """Run ``paths`` through a Dask cluster into the store at ``db_url`` or Parquet in ``out_dir``.

    ``scheduler`` is a ``tcp://HOST:8786`` address; without it a local cluster of
    ``settings.workers`` processes is started and stopped.
    """
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise WhipcountError(E.E031.format(
            detail="the Dask engine needs the dask extra: pip install 'whipcount[dask]'")) from exc
    if (db_url is None) == (out_dir is None):
        raise WhipcountError(E.E031.format(detail="give a store (--db) or a Parquet folder (--out)"))
    settings = settings or Settings()
    summary = RunSummary()
    started = time.perf_counter()
    # many small partitions: the last ones to finish leave a worker idle for at most a few seconds
    parts = plan_partitions(paths, min_partitions=PARTITIONS_PER_WORKER * max(1, settings.workers))
    if db_url is not None:
        from ..store.base import open_store

        open_store(db_url).close()  # create and migrate once, before workers race to
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    LOGGER.info("dask: %d partitions", len(parts))
    with dask.config.set(DASK_CONFIG):
        cluster = None
        if scheduler is None:
            cluster = LocalCluster(n_workers=max(1, settings.workers), threads_per_worker=1,
                                   processes=True, host="127.0.0.1",
                                   dashboard_address="127.0.0.1:0")
        try:
            with Client(scheduler or cluster) as client:
                client.run(_warm, settings)
                futures = client.map(run_partition, parts, settings=settings, db_url=db_url,
                                     out_dir=out_dir, pure=False)
                for future in as_completed(futures):
                    _merge(summary, future.result())
                    future.release()
                    summary.elapsed = time.perf_counter() - started
                    if progress is not None:
                        progress(summary)
        except OSError as exc:
            raise WhipcountError(E.E031.format(detail=f"cannot reach the scheduler: {exc}")) from exc
        finally:
            if cluster is not None:
                cluster.close()
    if db_url is not None and summary.stored:
        from ..store.base import open_store

        with open_store(db_url) as store:
            store.optimize()  # fresh planner statistics for the pages
    summary.elapsed = time.perf_counter() - started
    LOGGER.info("dask run: read %d, stored %d, duplicates %d, failed %d in %.1fs", summary.read,
                summary.stored, summary.duplicates, len(summary.failed), summary.elapsed)
    return summary


def _merge(summary: RunSummary, part: dict[str, Any]) -> None:
    summary.read += part["read"]
    summary.stored += part["stored"]
    summary.duplicates += part["duplicates"]
    summary.failed.extend(IngestError(f["source"], f["reason"], f.get("line")) for f in part["failed"])
