"""Scaling benchmark: local engine with 1 and 2 workers, Dask with 2 workers, and peak RSS.

usage: python bench/scaling.py [TEXT_DIR] [--copies K]

Makes K variants of every text in TEXT_DIR (a line appended, so each has its own hash and none
is skipped as a duplicate) and runs them into a fresh SQLite store with ``whipcount run``'s
engines: local with 1 worker, local with 2 workers, Dask (a local cluster) with 2 workers.
Wall time includes starting the workers and loading the model in each. Peak RSS: of this
process for 1 worker, of the largest pool child for the local pool, of each Dask worker.
Prints ``KEY=VALUE`` lines.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from whipcount.config import Settings
from whipcount.runners import dask as dask_runner
from whipcount.runners import local
from whipcount.store import open_store

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev" / "text"


def variants(src: Path, dst: Path, copies: int) -> int:
    n = 0
    for path in sorted(src.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for k in range(copies):
            (dst / f"{path.stem}-v{k}.txt").write_text(f"{text}\n\n(Edition {k}.)\n", encoding="utf-8")
            n += 1
    return n


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_rss() -> float:
    """This process's own peak RSS in MB (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--copies", type=int, default=2)
    args = ap.parse_args()
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        n = variants(Path(args.text_dir), inputs, args.copies)
        out["articles"] = n
        times = {}
        # 2 workers first: pool children inherit the parent's ru_maxrss high-water mark, so the
        # parent must not have loaded the model yet when they start.
        for workers in (2, 1):
            with open_store(str(Path(tmp) / f"local{workers}.db")) as store:
                t0 = time.perf_counter()
                summary = local.run([str(inputs)], store, Settings(workers=workers))
                times[f"local{workers}"] = time.perf_counter() - t0
                assert summary.stored == n, summary.to_dict()
            if workers == 2:
                out["local2_child_rss_mb"] = round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        out["local1_rss_mb"] = round(_max_rss_mb(), 1)
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
            t0 = time.perf_counter()
            summary = dask_runner.run([str(inputs)], Settings(workers=2),
                                      db_url=str(Path(tmp) / "dask.db"),
                                      scheduler=cluster.scheduler_address)
            times["dask2"] = time.perf_counter() - t0
            assert summary.stored == n, summary.to_dict()
            rss = client.run(_worker_rss)
        out["dask2_worker_rss_mb"] = round(max(rss.values()), 1)
        for key, seconds in times.items():
            out[f"{key}_seconds"] = round(seconds, 2)
            out[f"{key}_articles_per_s"] = round(n / seconds, 2)
        out["speedup_2_vs_1"] = round(times["local1"] / times["local2"], 3)
        out["dask_overhead_vs_local2"] = round(times["dask2"] / times["local2"] - 1, 3)
    for key, value in out.items():
        print(f"{key.upper()}={value}")


if __name__ == "__main__":
    main()
