"""Scaling benchmark: local engine with 1 and 2 workers, Dask with 2 workers, and peak RSS.

usage: python bench/scaling.py [TEXT_DIR] [--copies K] [--rounds R]

Makes K variants of every text in TEXT_DIR (a line appended, so each has its own hash and none
is skipped as a duplicate) and runs them into a fresh SQLite store with ``whipcount run``'s
engines: local with 1 worker, local with 2 workers, Dask (a local cluster) with 2 workers.
Wall time includes starting the workers and loading the model in each. Peak RSS: of this
process for 1 worker, of the largest pool child for the local pool, of each Dask worker.
Every engine runs ``R`` times (local 2 and Dask 2 alternating); rates and ratios use the best run
of each (the seconds of every run are printed too). Prints ``KEY=VALUE`` lines.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    ap.add_argument("--rounds", type=int, default=2, help="alternating local-2 / Dask-2 runs (best of each)")
    args = ap.parse_args()
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        n = variants(Path(args.text_dir), inputs, args.copies)
        out["articles"] = n
        times: dict[str, list[float]] = {"local2": [], "dask2": [], "local1": []}
        import dask
        from dask.distributed import Client, LocalCluster

        def timed(key: str, run: Callable[[str], Any]) -> None:
            db = str(Path(tmp) / f"{key}-{len(times[key])}.db")
            t0 = time.perf_counter()
            summary = run(db)
            times[key].append(time.perf_counter() - t0)
            assert summary.stored == n, summary.to_dict()

        def run_local(workers: int) -> Callable[[str], Any]:
            def go(db: str) -> Any:
                with open_store(db) as store:
                    return local.run([str(inputs)], store, Settings(workers=workers))
            return go

        def run_dask(db: str) -> Any:
            return dask_runner.run([str(inputs)], Settings(workers=2), db_url=db,
                                   scheduler=cluster_address[0])

        # local 2 and Dask 2 alternate, so that machine noise hits both; local 1 last: pool
        # children inherit the parent's ru_maxrss high-water mark, so the parent must not have
        # loaded the model before them. Each Dask run gets a fresh cluster, started as the runner
        # starts its own (DASK_CONFIG: worker profiling off) but before the clock, and closed
        # after, so no idle cluster runs beside the local runs; its workers load the model
        # inside the timed run, as the pool's children do.
        cluster_address = [""]
        rss: dict[str, float] = {}
        for _ in range(args.rounds):
            timed("local2", run_local(2))
            out["local2_child_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
            with dask.config.set(dask_runner.DASK_CONFIG), LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
                cluster_address[0] = cluster.scheduler_address
                timed("dask2", run_dask)
                rss.update(client.run(_worker_rss))
        out["dask2_worker_rss_mb"] = round(max(rss.values()), 1)
        for _ in range(args.rounds):
            timed("local1", run_local(1))
        out["local1_rss_mb"] = round(_max_rss_mb(), 1)
        best = {key: min(values) for key, values in times.items()}
        for key, values in times.items():
            out[f"{key}_seconds"] = " ".join(f"{v:.2f}" for v in values)
            out[f"{key}_articles_per_s"] = round(n / best[key], 2)
        out["speedup_2_vs_1"] = round(best["local1"] / best["local2"], 3)
        out["dask_overhead_vs_local2"] = round(best["dask2"] / best["local2"] - 1, 3)
    for key, value in out.items():
        print(f"{key.upper()}={value}")


if __name__ == "__main__":
    main()
