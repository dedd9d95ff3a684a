"""Web and API latency on a large synthetic SQLite store (a benchmark, not a test).

    python bench/web_latency.py                      # 100,000 articles, 200 requests per endpoint
    python bench/web_latency.py --articles 20000 --requests 50

Builds (once, then reuses) a store of synthetic records written straight through
``store.write_records`` in big batches (no NLP), then times the race, person and quote-search
pages and their API calls with an in-process client (no network), and prints p50/p95/max per
endpoint as a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from whipcount.models import Article, Endorsement, Extractor, Organization, Person, Quote, Record, Stance, Title
from whipcount.store import open_store
from whipcount.store.base import entity_key

FIRST = ("Dana Martin Ruth Kevin Luis Grace Owen Nadia Harold Paul Alicia Tom Janet Rosa Marcus "
         "Walt Linda Greg Diane Carl Arthur Jamal Elena Victor Priya Samuel Irene Felix Hannah "
         "Oscar Lena Theo Maya Ivan Chloe Rafael Nora Simon Ada Hugo").split()
LAST = ("Whitcombe Greaves Okafor Doyle Ferraro Abernathy Castellano Petrov Simms Okonjo Brandt "
        "Reyes Lindqvist Delgado Bell Kowalski Marsh Thorne Foley Hoyt Vance Wright Novak Ibarra "
        "Chen Osei Moreau Larsen Quinn Haddad Farrow Sato Keller Duarte Nash Pryor Vega Ambrose "
        "Whitfield Calloway").split()
ORG_WORDS = ("Nurses Teachers Firefighters Plumbers Carpenters Steelworkers Transit Pipefitters "
             "Electricians Machinists Laborers Ironworkers Painters Bricklayers Teamsters").split()
PLACES = ("Tamarack Port Ellery Brookport Cedar Falls Riverside Harbor Northfield Lakemont "
          "Granite Bay Millbrook").split()
OFFICES = ("U.S. Senate|governor|mayor|attorney general|treasurer|State Senate|lieutenant governor|"
           "comptroller|secretary of state|city council").split("|")
WORDS = ("budget schools pensions picket lines shipyard apprenticeship firehouse wages housing "
         "transit taxes hospital staffing ratios bridge contract strike union workers families "
         "council vote plan jobs safety water roads clinic tuition rent overtime").split()
STATUSES = ("endorsed",) * 8 + ("withdrawn", "declined", "supports", "undecided")
TITLES = ("Gov.", "Sen.", "State Sen.", "Rep.", "Mayor", "president", "spokeswoman", "council member")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def synthetic_records(n: int, seed: int = 7, start: int = 0):  # type: ignore[no-untyped-def]
    """``n`` plausible records: races with a few candidates each, many endorsers, quotes."""
    rng = random.Random(seed)
    races = [f"{o}" if o.startswith("U.S.") else f"{p} {o}"
             for p in PLACES for o in OFFICES]  # 100 races
    candidates = {race: [_name(rng) for _ in range(rng.randint(2, 4))] for race in races}
    orgs = [f"{rng.choice(PLACES)} {w} Local {rng.randint(1, 999)}" for w in ORG_WORDS for _ in range(200)]
    speakers = [_name(rng) for _ in range(4000)]
    rng = random.Random(seed + start)
    for i in range(start, start + n):
        race = rng.choice(races)
        cand = rng.choice(candidates[race])
        endorser_org = rng.choice(orgs)
        endorser_person = rng.choice(speakers)
        speaker = rng.choice(speakers)
        status = rng.choice(STATUSES)
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        e1 = f"The {endorser_org} {status} {cand} for {race} on Tuesday."
        e2 = f"{endorser_person} also backs {cand}."
        q1 = f"We will fight for {words}"
        q2 = f"the {rng.choice(WORDS)} plan is a {rng.choice(WORDS)} problem"
        text = (f"{e1} \"{q1},\" said {speaker}, a spokeswoman. {e2} "
                f"{cand} said {q2}. " + " ".join(rng.choice(WORDS) for _ in range(60)) + ".")

        def span(part: str) -> tuple[int, int]:
            k = text.index(part)
            return (k, k + len(part))
        people = [Person("p1", cand, [span(cand)], [Title(rng.choice(TITLES))]),
                  Person("p2", speaker, [span(speaker)], [Title("spokeswoman")]),
                  Person("p3", endorser_person, [span(endorser_person)], [Title(rng.choice(TITLES))])]
        org = Organization("o1", endorser_org, "union", [span(endorser_org)])
        quotes = [Quote("q1", "direct", q1, span(q1), speaker, "p2", span(speaker), "said", None, None, 0.9),
                  Quote("q2", "indirect", q2, span(q2), cand, "p1", None, "said", None, None, 0.7)]
        ends = [Endorsement("e1", endorser_org, cand, status, e1, span(e1), "o1", "p1", office=race,
                            confidence=0.9),
                Endorsement("e2", endorser_person, cand, "supports", e2, span(e2), "p3", "p1",
                            office=race, confidence=0.8)]
        stance = [Stance(cand, rng.choice(WORDS), rng.choice(("for", "against")), span(q2), "p1", q2)]
        day = f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}"
        yield Record(Article(f"synthetic-{i}", f"bench/{i}.txt", text, title=f"Story {i}",
                             published=day),
                     people, [org], quotes, ends, stance, Extractor(model="synthetic"))


def build(path: Path, n: int, batch: int = 5000) -> None:
    """Create the store at ``path`` with ``n`` synthetic articles (skipped when already there)."""
    with open_store(str(path)) as store:
        have = store.counts()["articles"]
        if have >= n:
            print(f"reusing {path} ({have:,} articles)", file=sys.stderr)
            return
        t0 = time.perf_counter()
        records = synthetic_records(n - have, start=have)
        done = have
        while done < n:
            chunk = [next(records) for _ in range(min(batch, n - done))]
            store.write_records(chunk)
            done += len(chunk)
            print(f"  {done:,} articles ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)


def measure(db: Path, requests: int, seed: int = 11) -> list[tuple[str, list[float], list[float]]]:
    """Per endpoint, wall and CPU times (ms) of ``requests`` calls with varied parameters.

    CPU time (of this process: server and client) shows the work itself when other load on the
    machine stretches the wall time."""
    from fastapi.testclient import TestClient

    from whipcount.web.app import create_app

    rng = random.Random(seed)
    # without the response cache: this measures the queries and rendering of every request
    with TestClient(create_app(str(db), response_cache=False)) as client:
        races = [r["office"] for r in client.get("/api/races", params={"limit": 500}).json()["items"]]
        with open_store(str(db)) as store:
            people = [r["endorsee_store_id"] for r in store.find_endorsements(limit=2000).rows]
        people = [p for p in people if p]
        words = WORDS + [f'"{a} {b}"' for a, b in zip(WORDS, WORDS[1:])]
        endpoints = {
            "race page /races/{office}": lambda: f"/races/{quote(rng.choice(races), safe='')}",
            "API /api/races/{office}": lambda: f"/api/races/{quote(rng.choice(races), safe='')}",
            "person page /people/{id}": lambda: f"/people/{rng.choice(people)}",
            "API /api/people/{id}": lambda: f"/api/people/{rng.choice(people)}",
            "quote search /quotes?q=": lambda: f"/quotes?q={quote(rng.choice(words))}",
            "API /api/quotes?q=": lambda: f"/api/quotes?q={quote(rng.choice(words))}",
            "API /api/quotes?q=&speaker=": lambda: "/api/quotes?q={}&speaker={}".format(
                quote(rng.choice(WORDS)), quote(rng.choice(people).split("-")[-1])),
            "API /api/races": lambda: "/api/races",
            "home page /": lambda: "/",
        }
        out = []
        for name, make in endpoints.items():
            for _ in range(3):  # warm caches
                client.get(make())
            times, cpu = [], []
            for _ in range(requests):
                path = make()
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            out.append((name, times, cpu))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200, help="requests per endpoint")
    ap.add_argument("--db", type=Path, default=None, help="store file (default bench/out/web-N.db)")
    args = ap.parse_args()
    db = args.db or Path(__file__).resolve().parent / "out" / f"web-{args.articles}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    build(db, args.articles)
    with open_store(str(db)) as store:
        counts = store.counts()
    print(f"store: {counts['articles']:,} articles, {counts['endorsements']:,} endorsements, "
          f"{counts['quotes']:,} quotes, {counts['people']:,} people; {args.requests} requests "
          "per endpoint, in-process client\n")
    print("| endpoint | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, times, cpu in measure(db, args.requests):
        print(f"| {name} | {statistics.median(times):.1f} | {pct(times, 95):.1f} | {max(times):.1f}"
              f" | {statistics.median(cpu):.1f} | {pct(cpu, 95):.1f} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n(load average {load:.1f} on {os.cpu_count()} CPUs at the end of the run)")


if __name__ == "__main__":
    main()
