"""``whipcount demo``: the bundled sample articles, run into a fresh SQLite store."""

from __future__ import annotations

import logging
from pathlib import Path

from ..config import Settings
from ..errors import E, WhipcountError
from ..samples import sample_paths
from ..store.base import Store, open_store
from .local import RunSummary, run

LOGGER = logging.getLogger(__name__)

DEFAULT_DEMO_DB = "whipcount-demo.db"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def fresh_sqlite(path: str | Path) -> Store:
    """Open a new, empty SQLite store at ``path``, deleting an earlier SQLite file there.

    Refuses to delete a file that is not SQLite, in case ``path`` names someone's document.
    """
    p = Path(path)
    if p.exists():
        with p.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head and head != _SQLITE_MAGIC:
            raise WhipcountError(E.E010.format(
                url=str(p), detail="exists and is not an SQLite database; not overwriting it"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    return open_store(str(p))


def run_demo(db_path: str | Path = DEFAULT_DEMO_DB,
             settings: Settings | None = None) -> tuple[Store, RunSummary]:
    """Run the sample articles into a fresh store at ``db_path``; the caller closes the store."""
    store = fresh_sqlite(db_path)
    try:
        summary = run(sample_paths(), store, settings or Settings())
    except BaseException:
        store.close()
        raise
    return store, summary
