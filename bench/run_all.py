"""Run every benchmark and write the figures into docs/performance.md.

usage: python bench/run_all.py [--quick] [--articles N] [--only NAME ...]

Each benchmark is a script in bench/ that prints ``KEY=VALUE`` lines; this runs them one after
another (never in parallel: they measure CPU), and replaces the part of docs/performance.md
between ``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->`` with a table of its
figures, the command that produced them, and the date. The rest of the file is left alone.
``--quick`` runs smaller inputs (a smoke run, not figures to publish).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DOC = BENCH.parent / "docs" / "performance.md"


def commands(quick: bool, articles: int, rounds: int, copies: int) -> dict[str, list[str]]:
    py = [sys.executable]
    return {
        "throughput": [*py, "bench/throughput.py", "--rounds", str(2 if quick else rounds)],
        "scaling": [*py, "bench/scaling.py", "--copies", str(1 if quick else copies)],
        "store": [*py, "bench/store.py", "--articles", str(2000 if quick else articles)],
    }


def run(name: str, cmd: list[str]) -> dict[str, str]:
    print(f"== {name}: {' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, cwd=BENCH.parent, capture_output=True, text=True, check=False)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{name} failed with exit code {proc.returncode}")
    return dict(re.findall(r"^([A-Z0-9_]+)=(\S+)", proc.stdout, flags=re.M))


def section(name: str, cmd: list[str], figures: dict[str, str]) -> str:
    shown = " ".join("python" if c == sys.executable else c for c in cmd)
    rows = "\n".join(f"| `{k.lower()}` | {v} |" for k, v in figures.items())
    when = datetime.date.today().isoformat()
    return (f"<!-- bench:{name}:start -->\nMeasured {when} on {os.cpu_count()} CPUs "
            f"({platform.machine()}, Python {platform.python_version()}) with `{shown}`:\n\n"
            f"| figure | value |\n| --- | --- |\n{rows}\n<!-- bench:{name}:end -->")


def write_doc(name: str, text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"<!-- bench:{name}:start -->.*?<!-- bench:{name}:end -->", re.S)
    if pattern.search(doc):
        doc = pattern.sub(lambda _: text, doc)
    else:
        doc = doc.rstrip("\n") + f"\n\n{text}\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--articles", type=int, default=100_000, help="articles in the store benchmark")
    ap.add_argument("--rounds", type=int, default=6, help="rounds of the throughput benchmark (in pairs)")
    ap.add_argument("--copies", type=int, default=2, help="variants per text in the scaling benchmark")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args()
    for name, cmd in commands(args.quick, args.articles, args.rounds, args.copies).items():
        if args.only and name not in args.only:
            continue
        figures = run(name, cmd)
        if not args.quick:
            write_doc(name, section(name, cmd, figures))
    if not args.quick:
        print(f"figures written to {DOC}")


if __name__ == "__main__":
    main()
