"""Load test of ``whipcount serve`` from loopback (a benchmark, not a test).

    python bench/load.py                                   # SQLite and PostgreSQL, 10,000 articles
    python bench/load.py --backend sqlite --rate 200 --duration 20 --workers 2
    python bench/load.py --backend postgresql --pg-url postgresql://postgres@127.0.0.1:5432/test
    python bench/load.py --no-cache                        # every request queries and renders

Builds (once, then reuses, under ``bench/out/``) a SQLite store of synthetic records with
``bench/web_latency.py``'s generator; for PostgreSQL it writes the same records into a fresh
schema (vacuumed and analysed, as autovacuum would) that is dropped afterwards. Starts the real
``whipcount serve --workers N`` as a subprocess on 127.0.0.1 with a free port, then drives it
with an open-loop asyncio client: requests are scheduled at a fixed rate for a fixed time, at
most ``--concurrency`` in flight, over a mix of home page, race pages, person pages, the
quote-search API and the endorsements API.
Latency is measured from each request's scheduled time, so a server that falls behind shows it
in the percentiles (no coordinated omission). Server CPU is that of the whole process tree
(the workers); answers served from the server's response cache are counted (``X-Cache: hit``).
Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_latency import WORDS, build, pct  # noqa: E402  (the synthetic store of the latency bench)

OUT = Path(__file__).resolve().parent / "out"
LOOPBACK = "127.0.0.1"
KEEPALIVE_S = 4.0  # uvicorn closes idle connections after 5 s
MIX = [  # (endpoint, weight)
    ("home page /", 10),
    ("race page /races/{office}", 25),
    ("person page /people/{id}", 25),
    ("API /api/quotes?q=", 25),
    ("API /api/endorsements?race= or endorsee=", 15),
]


@dataclass
class Result:
    """What one run measured."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    elapsed: float = 0.0
    server_cpu: float = 0.0  # seconds of CPU the server's processes used during the run
    database_cpu: float = 0.0  # of the PostgreSQL server's processes (all of them), if any
    client_cpu: float = 0.0
    why: dict[str, int] = field(default_factory=dict)  # error: status code or exception
    hits: dict[str, int] = field(default_factory=dict)  # answers from the response cache


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` and of its live descendants (the worker
    processes of ``serve --workers``), from Linux /proc; NaN elsewhere."""
    try:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int(_stat(int(entry.name))[1])
                except (OSError, ValueError, IndexError):
                    pass
        tree, grew = {pid}, True
        while grew:
            more = {child for child, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        total = 0
        for member in tree:
            try:
                fields = _stat(member)
                total += int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                pass
        return total / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def command_cpu_seconds(command: str) -> float:
    """User plus system CPU time of every live process named ``command`` (Linux /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
                if head.split("(", 1)[1] == command:
                    fields = tail.split()
                    total += int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                pass
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, log: Path, workers: int,
                 cache: bool) -> subprocess.Popen[bytes]:
    """``whipcount serve`` on 127.0.0.1:port (read-only), output to ``log``."""
    exe = shutil.which("whipcount", path=str(Path(sys.executable).parent)) or "whipcount"
    with log.open("wb") as out:
        return subprocess.Popen([exe, "serve", "--db", db, "--host", LOOPBACK, "--port", str(port),
                                 "--workers", str(workers), "--cache" if cache else "--no-cache"],
                                stdout=out, stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Wait until the server answers its home page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(base + "/api/races?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer in time")


def request_maker(base: str, seed: int = 13):  # type: ignore[no-untyped-def]
    """A function returning (endpoint, url) of the next request of the mix, varied arguments."""
    races = [r["office"] for r in httpx.get(base + "/api/races", params={"limit": 500},
                                            timeout=60).json()["items"]]
    rows = httpx.get(base + "/api/endorsements", params={"limit": 2000}, timeout=60).json()["items"]
    people = sorted({r["endorsee_store_id"] for r in rows if r.get("endorsee_store_id")})
    names = sorted({r["endorsee"] for r in rows})
    rng = random.Random(seed)
    words = WORDS + [f'"{a} {b}"' for a, b in zip(WORDS, WORDS[1:])]
    names_of = [m for m, _ in MIX]
    weights = [w for _, w in MIX]

    def make() -> tuple[str, str]:
        kind = rng.choices(names_of, weights)[0]
        if kind.startswith("home"):
            return kind, "/"
        if kind.startswith("race"):
            return kind, f"/races/{quote(rng.choice(races), safe='')}"
        if kind.startswith("person"):
            return kind, f"/people/{quote(rng.choice(people), safe='')}"
        if kind.startswith("API /api/quotes"):
            return kind, f"/api/quotes?q={quote(rng.choice(words))}"
        if rng.random() < 0.5:
            return kind, f"/api/endorsements?race={quote(rng.choice(races))}"
        return kind, f"/api/endorsements?endorsee={quote(rng.choice(names))}"

    return make


class RawPool:
    """A small keep-alive HTTP/1.1 GET client on asyncio streams: much less CPU per request
    than httpx, which matters when client and server share two cores. Needs Content-Length
    (every response of the app has one)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def get(self, path: str, timeout: float = 30.0) -> tuple[int, bool]:
        """GET ``path``; the status code and whether the answer came from the server's response
        cache (the body is read and dropped). A kept-alive
        connection the server closed meanwhile is retried once on a new one, as browsers do."""
        while self.idle:
            reader, writer, used = self.idle.pop()
            if time.monotonic() - used < KEEPALIVE_S:
                try:
                    return await self._get(reader, writer, path, timeout)
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    if getattr(exc, "partial", b""):
                        raise
            else:
                writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._get(reader, writer, path, timeout)

    async def _get(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str,
                   timeout: float) -> tuple[int, bool]:
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
            await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), timeout)
        except BaseException:
            writer.close()
            raise
        if headers.get("connection") == "close":
            writer.close()
        else:
            self.idle.append((reader, writer, time.monotonic()))
        return status, headers.get("x-cache") == "hit"

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


async def drive(base: str, rate: float, duration: float, concurrency: int,
                make) -> Result:  # type: ignore[no-untyped-def]
    """Open-loop load: one request every 1/rate s for ``duration`` s, at most ``concurrency``
    in flight; latency from the scheduled time."""
    result = Result()
    gate = asyncio.Semaphore(concurrency)
    host, port = base.rsplit("/", 1)[1].split(":")
    pool = RawPool(host, int(port))

    async def one(kind: str, path: str, due: float) -> None:
        async with gate:
            try:
                status, hit = await pool.get(path)
                ok = status == 200
                why = str(status)
                result.hits[kind] = result.hits.get(kind, 0) + hit
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                    asyncio.LimitOverrunError, ValueError, KeyError) as exc:
                ok, why = False, type(exc).__name__
            took = (time.perf_counter() - due) * 1000
            result.latencies.setdefault(kind, []).append(took)
            if not ok:
                result.errors[kind] = result.errors.get(kind, 0) + 1
                result.why[why] = result.why.get(why, 0) + 1

    tasks = []
    start = time.perf_counter()
    total = int(rate * duration)
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        kind, path = make()
        tasks.append(asyncio.create_task(one(kind, path, due)))
    await asyncio.gather(*tasks)
    result.sent = total
    result.elapsed = time.perf_counter() - start
    pool.close()
    return result


def report(label: str, result: Result, counts: dict[str, int]) -> str:
    """The Markdown lines of one run."""
    every = [x for xs in result.latencies.values() for x in xs]
    errors = sum(result.errors.values())
    lines = [f"**{label}** ({counts['articles']:,} articles, {counts['endorsements']:,} "
             f"endorsements, {counts['quotes']:,} quotes): {result.sent:,} requests in "
             f"{result.elapsed:.1f} s = **{result.sent / result.elapsed:.0f} req/s achieved**, "
             f"**{errors} errors**; server CPU {result.server_cpu:.1f} s "
             f"({1000 * result.server_cpu / max(1, result.sent):.1f} ms a request, "
             f"{100 * result.server_cpu / result.elapsed:.0f}% of one core), client CPU "
             f"{result.client_cpu:.1f} s"
             + (f", PostgreSQL server processes {result.database_cpu:.1f} s "
                f"({1000 * result.database_cpu / max(1, result.sent):.1f} ms a request)"
                if result.database_cpu else "")
             + (f"; errors by cause: {result.why}" if result.why else ""),
             "",
             "| endpoint | requests | errors | cache hits | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    rows = [(k, result.latencies[k]) for k, _ in MIX if k in result.latencies]
    rows.append(("all", every))
    for kind, xs in rows:
        errs = errors if kind == "all" else result.errors.get(kind, 0)
        hits = sum(result.hits.values()) if kind == "all" else result.hits.get(kind, 0)
        lines.append(f"| {kind} | {len(xs):,} | {errs} | {100 * hits / max(1, len(xs)):.0f}%"
                     f" | {pct(xs, 50):.1f} | {pct(xs, 95):.1f} | {pct(xs, 99):.1f} | {max(xs):.1f} |")
    return "\n".join(lines)


def run_one(label: str, db: str, args: argparse.Namespace) -> str:
    """Serve ``db``, warm up, drive the load, stop the server; the report."""
    from whipcount.store import open_store

    with open_store(db) as store:
        counts = store.counts()
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    log = OUT / f"load-serve-{label.split()[0].lower()}.log"
    server = start_server(db, port, log, args.workers, args.cache)
    try:
        wait_ready(base, server)
        make = request_maker(base)
        for _ in range(50):  # warm caches and the races summary
            httpx.get(base + make()[1], timeout=60)
        load0 = os.getloadavg()
        cpu0, mine0 = cpu_seconds(server.pid), time.process_time()
        db0 = command_cpu_seconds("postgres") if db.startswith("postgres") else 0.0
        result = asyncio.run(drive(base, args.rate, args.duration, args.concurrency, make))
        result.server_cpu = cpu_seconds(server.pid) - cpu0
        if db.startswith("postgres"):
            result.database_cpu = command_cpu_seconds("postgres") - db0
        result.client_cpu = time.process_time() - mine0
        load1 = os.getloadavg()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    text = report(label, result, counts)
    return (f"{text}\n\n(load average {load0[0]:.1f} before, {load1[0]:.1f} after, on "
            f"{os.cpu_count()} CPUs; uptime: `{uptime()}`)")


def uptime() -> str:
    """The ``uptime`` line (load averages), for the report."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--rate", type=float, default=200.0, help="target requests per second")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    ap.add_argument("--concurrency", type=int, default=64, help="most requests in flight")
    ap.add_argument("--workers", type=int, default=2, help="server processes (serve --workers)")
    ap.add_argument("--no-cache", dest="cache", action="store_false",
                    help="serve --no-cache: every request does its queries and rendering")
    ap.add_argument("--pg-url", default=os.environ.get(
        "WHIPCOUNT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"`python bench/load.py --articles {args.articles} --rate {args.rate:g} --duration "
          f"{args.duration:g} --concurrency {args.concurrency} --workers {args.workers}"
          f"{'' if args.cache else ' --no-cache'}`: `whipcount serve --workers {args.workers}"
          f"{'' if args.cache else ' --no-cache'}` on {LOOPBACK}\n")
    if args.backend in ("sqlite", "both"):
        db = OUT / f"load-{args.articles}.db"
        build(db, args.articles)
        print(run_one("SQLite", str(db), args) + "\n", flush=True)
    if args.backend in ("postgresql", "both"):
        import psycopg

        schema = f"wc_load_{uuid.uuid4().hex[:10]}"
        url = f"{args.pg_url}?schema={schema}"
        try:
            t0 = time.perf_counter()
            build(url, args.articles)  # type: ignore[arg-type]  # a URL works as well as a path
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                # What autovacuum does soon after a bulk load (it is off on the test server):
                # without statistics the planner guesses row counts from table sizes, and
                # without a visibility map every index-only scan reads the table as well.
                tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                                      (schema,)).fetchall()
                conn.execute("VACUUM (ANALYZE) " + ", ".join(f'"{schema}"."{t}"' for t, in tables))
            print(f"(PostgreSQL store written in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            print(run_one("PostgreSQL", url, args) + "\n", flush=True)
        finally:
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
