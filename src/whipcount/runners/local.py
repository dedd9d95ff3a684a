"""The local runner: read inputs, skip known articles, map ``process()`` over chunks, store.

``run(paths, store, settings)`` is what ``whipcount run`` calls; ``extract(paths, settings)`` is
what ``whipcount extract`` calls (nothing stored). Both map the same pure
:func:`whipcount.process.process` over chunks of ``settings.batch_size`` articles, in this
process (``workers == 1``) or in a pool of ``settings.workers`` processes.

Why the ``spawn`` start method for the pool: the parent holds an open SQLite connection and
(in the CLI) a progress-bar thread, and forking either is unsafe (SQLite forbids carrying a
connection across ``fork``; a forked lock held by another thread deadlocks). The parent never
loads the spaCy model, so fork would save nothing but import time; each spawned worker loads the
pipeline once (``load_pipeline`` caches it per process) in the pool initializer and then only
receives articles and returns records. ``spawn`` also behaves the same on Linux, macOS and
Windows.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice

from ..config import Settings
from ..errors import E, StoreError, WhipcountError
from ..models import Article, IngestError, Record
from ..process import Item, Result, process
from ..store.base import Store

LOGGER = logging.getLogger(__name__)

START_METHOD = "spawn"


@dataclass
class RunSummary:
    """What a run did. ``read`` counts articles read (not failed inputs)."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: list[IngestError] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def done(self) -> int:
        """Items finished one way or another (for a progress bar)."""
        return self.stored + self.duplicates + len(self.failed)

    @property
    def exit_code(self) -> int:
        """0 when everything was stored or was a duplicate, 1 when some input failed."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, object]:
        return {"read": self.read, "stored": self.stored, "duplicates": self.duplicates,
                "failed": [f.to_dict() for f in self.failed], "elapsed": round(self.elapsed, 3)}


Progress = Callable[[RunSummary], None]


def run(paths: Iterable[str], store: Store, settings: Settings | None = None,
        progress: Progress | None = None) -> RunSummary:
    """Extract and store every article under ``paths``; return what happened.

    Articles whose sha256 is already stored, or seen earlier in this run, are skipped before
    any NLP. Each chunk of records is written in one transaction; a chunk the store rejects is
    retried record by record, so one bad record fails alone. ``progress`` is called with the
    running summary after every chunk and every failed input.
    """
    from ..ingest import iter_articles

    settings = settings or Settings()
    summary = RunSummary()
    started = time.perf_counter()

    def report() -> None:
        summary.elapsed = time.perf_counter() - started
        if progress is not None:
            progress(summary)

    seen: set[str] = set()

    def fresh_chunks() -> Iterator[list[Article]]:
        pending: list[Article] = []
        for item in iter_articles(paths, settings):
            if isinstance(item, IngestError):
                summary.failed.append(item)
                report()
                continue
            summary.read += 1
            sha = item.sha256
            if sha in seen:
                summary.duplicates += 1
                continue
            seen.add(sha)
            pending.append(item)
            if len(pending) >= settings.batch_size:
                chunk = _drop_known(pending, store, summary)
                pending = []
                if chunk:
                    yield chunk
                else:
                    report()
        chunk = _drop_known(pending, store, summary)
        if chunk:
            yield chunk

    for results in map_chunks(fresh_chunks(), settings):
        records: list[Record] = []
        for r in results:
            if isinstance(r, IngestError):
                summary.failed.append(r)
            else:
                records.append(r)
        _write(store, records, summary)
        report()
    if summary.stored:
        store.optimize()  # fresh planner statistics for the pages that read what was just stored
    report()
    LOGGER.info("run: read %d, stored %d, duplicates %d, failed %d in %.1fs", summary.read,
                summary.stored, summary.duplicates, len(summary.failed), summary.elapsed)
    return summary


def extract(paths: Iterable[str], settings: Settings | None = None) -> Iterator[Result]:
    """Records (and IngestErrors for inputs that failed) for every article; nothing is stored."""
    from ..ingest import iter_articles

    settings = settings or Settings()
    stream = iter_articles(paths, settings)

    def chunks() -> Iterator[list[Item]]:
        while True:
            chunk: list[Item] = list(islice(stream, settings.batch_size))
            if not chunk:
                return
            yield chunk

    for results in map_chunks(chunks(), settings):
        yield from results


def map_chunks(chunks: Iterable[Sequence[Item]], settings: Settings) -> Iterator[list[Result]]:
    """``process()`` over every chunk, results in chunk order; in a pool when ``workers > 1``."""
    if settings.workers <= 1:
        for chunk in chunks:
            yield list(process(chunk, settings))
        return
    ctx = multiprocessing.get_context(START_METHOD)
    in_flight: deque[Future[list[Result]]] = deque()
    limit = settings.workers * 2  # enough queued work to keep every worker busy, bounded memory
    try:
        with ProcessPoolExecutor(max_workers=settings.workers, mp_context=ctx,
                                 initializer=_init_worker, initargs=(settings,)) as pool:
            for chunk in chunks:
                in_flight.append(pool.submit(_process_chunk, chunk, settings))
                while len(in_flight) >= limit:
                    yield in_flight.popleft().result()
            while in_flight:
                yield in_flight.popleft().result()
    except BrokenProcessPool as exc:
        raise WhipcountError(E.E030.format(detail=str(exc) or "a worker process died")) from exc


def _init_worker(settings: Settings) -> None:
    """Load the pipeline once per worker process, before the first chunk arrives."""
    import logging

    from ..logs import setup_logging
    from ..nlp.pipeline import load_pipeline

    if not logging.getLogger().handlers:  # a spawned worker has no logging set up
        setup_logging()

    load_pipeline(settings.model, settings.components)


def _process_chunk(chunk: Sequence[Item], settings: Settings) -> list[Result]:
    return list(process(chunk, settings))


def _drop_known(chunk: list[Article], store: Store, summary: RunSummary) -> list[Article]:
    """``chunk`` without the articles the store already has (counted as duplicates)."""
    if not chunk:
        return chunk
    known = store.known_hashes([a.sha256 for a in chunk])
    if not known:
        return chunk
    summary.duplicates += sum(1 for a in chunk if a.sha256 in known)
    return [a for a in chunk if a.sha256 not in known]


def _write(store: Store, records: list[Record], summary: RunSummary) -> None:
    """Write a chunk in one transaction; if the store rejects it, find the bad record(s)."""
    if not records:
        return
    try:
        res = store.write_records(records)
    except StoreError as exc:
        LOGGER.warning("batch write failed (%s); retrying record by record", exc)
        for rec in records:
            try:
                one = store.write_records([rec])
            except StoreError as one_exc:
                summary.failed.append(IngestError(rec.article.source, str(one_exc)))
                continue
            summary.stored += one.stored
            summary.duplicates += one.duplicates
        return
    summary.stored += res.stored
    summary.duplicates += res.duplicates


def count_inputs(paths: Iterable[str]) -> int:
    """A cheap estimate of how many articles ``paths`` hold (for a progress bar's total)."""
    from ..ingest import count_inputs as _count

    return _count(list(paths))
