"""Store benchmark: bulk write rate (facts/s) and query latency (p95) on a generated store.

usage: python bench/store.py [--articles N] [--pg URL] [--batch N] [--queries N]

Generates N synthetic records (made-up names, offices and quotes; no real article text), writes
them in batches to a fresh SQLite file and to a fresh PostgreSQL schema, then times the web
app's three heaviest reads: a race page (``race``), a person page (``person``) and a quote
search (``find_quotes(search=...)``). Prints one ``KEY=VALUE`` line per figure.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from whipcount.models import Article, Endorsement, Extractor, Organization, Person, Quote, Record, Title
from whipcount.store import open_store

FIRST = ["Dana", "Luis", "Ruth", "Kevin", "Maya", "Omar", "Grace", "Tomas", "Ivy", "Bert", "Nia", "Cal"]
LAST = ["Whitcombe", "Ferraro", "Okafor", "Doyle", "Lindqvist", "Haddad", "Mbeki", "Sorensen",
        "Tran", "Quill", "Abara", "Vance", "Petrov", "Oyelaran", "Castell", "Nakamura"]
OFFICES = ["U.S. Senate", "governor", "mayor", "state senate", "city council", "attorney general",
           "U.S. House", "sheriff", "school board", "comptroller"]
UNIONS = ["Nurses Union", "Pipefitters Local", "Transit Workers Local", "Teachers Federation",
          "Firefighters Local", "Carpenters Council"]
WORDS = ["picket", "lines", "wages", "budget", "schools", "transit", "housing", "taxes", "jobs",
         "bridge", "contract", "pension", "clinic", "union", "vote", "promise", "record", "ballot"]


# Races: 200 offices with 6 candidates each; quote words: a made-up vocabulary of 5,000 words
# drawn with Zipf-like frequencies (a few words in most quotes, most words rare), as in news.
RACES = [f"{office} district {d}" for office in OFFICES for d in range(1, 21)]
VOCAB = WORDS + [f"{a}{b}{c}" for a in ("ka", "lo", "mi", "ne", "po", "ru", "sa", "te", "vi", "zo")
                 for b in ("bar", "del", "fin", "gor", "hul", "kep", "lim", "mor", "nas", "pet")
                 for c in ("a", "e", "i", "o", "u", "an", "en", "in", "on", "us")]
VOCAB = VOCAB[:5000]
ZIPF = [1 / (i + 1) for i in range(len(VOCAB))]


def candidate(race: str, k: int) -> str:
    return f"{FIRST[k % len(FIRST)]} {LAST[(RACES.index(race) + k) % len(LAST)]}{RACES.index(race)}"


def synthetic(n: int, rng: random.Random) -> Record:
    """A made-up article with 3 people, 1 union, 2 quotes, 1 endorsement (spans are real)."""
    office = rng.choice(RACES)
    who = [candidate(office, rng.randrange(6))] + [
        f"{rng.choice(FIRST)} {rng.choice(LAST)}{rng.randrange(400)}" for _ in range(2)]
    union = f"{rng.choice(UNIONS)} {rng.randrange(3000)}"
    q1 = " ".join(rng.choices(VOCAB, ZIPF, k=12)).capitalize()
    q2 = " ".join(rng.choices(VOCAB, ZIPF, k=9)).capitalize()
    first = f"The {union} endorsed {who[0]} for {office} on day {n}."
    text = f'{first} "{q1}," said {who[1]}. {who[2]} said "{q2}."'

    def span(part: str, start: int = 0) -> tuple[int, int]:
        i = text.index(part, start)
        return (i, i + len(part))

    people = [Person(id=f"p{i + 1}", name=name, mentions=[span(name)],
                     titles=[Title("candidate", None, None)] if i == 0 else [])
              for i, name in enumerate(who)]
    return Record(
        article=Article(id=f"gen-{n}", source=f"gen/{n}.txt", text=text,
                        published=f"2016-{1 + n % 12:02d}-{1 + n % 28:02d}"),
        people=people,
        organizations=[Organization(id="o1", name=union, kind="union", mentions=[span(union)])],
        quotes=[Quote(id="q1", kind="direct", text=q1 + ",", span=span(q1 + ","), speaker=who[1],
                      speaker_id="p2", confidence=0.9),
                Quote(id="q2", kind="direct", text=q2 + ".", span=span(q2 + "."), speaker=who[2],
                      speaker_id="p3", confidence=0.8)],
        endorsements=[Endorsement(id="e1", endorser=union, endorsee=who[0], status="endorsed",
                                  evidence=first, evidence_span=span(first), endorser_id="o1",
                                  endorsee_id="p1", office=office, confidence=0.8)],
        extractor=Extractor(version="bench", model="synthetic"))


def facts_of(rec: Record) -> int:
    """Rows one record adds besides its article: mentions, titles, quotes, endorsements, stances."""
    return (len(rec.people) + sum(len(p.titles) for p in rec.people) + len(rec.organizations)
            + len(rec.quotes) + len(rec.endorsements) + len(rec.stances))


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def bench_store(name: str, url: str, records: list[Record], batch: int, queries: int,
                rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with open_store(url) as store:
        t0 = time.perf_counter()
        for i in range(0, len(records), batch):
            store.write_records(records[i:i + batch])
        elapsed = time.perf_counter() - t0
        facts = sum(facts_of(r) for r in records)
        out[f"{name}_write_articles_per_s"] = round(len(records) / elapsed, 1)
        out[f"{name}_write_facts_per_s"] = round(facts / elapsed, 1)
        people = [r["id"] for r in store.people(limit=2000)]
        timings: dict[str, list[float]] = {"race": [], "person": [], "quote_search": []}
        for _ in range(queries):
            for kind, call in (("race", lambda: store.race(rng.choice(RACES), limit=50)),
                               ("person", lambda: store.person(rng.choice(people), limit=20)),
                               ("quote_search", lambda: store.find_quotes(
                                   search=rng.choice(VOCAB[20:500]), limit=20))):
                t0 = time.perf_counter()
                call()
                timings[kind].append(time.perf_counter() - t0)
        for kind, samples in timings.items():
            out[f"{name}_{kind}_p95_ms"] = round(1000 * p95(samples), 1)
            out[f"{name}_{kind}_median_ms"] = round(1000 * statistics.median(samples), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    rng = random.Random(7)
    records = [synthetic(n, rng) for n in range(args.articles)]
    results: dict[str, Any] = {"articles": args.articles}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_sqlite:
            results.update(bench_store("sqlite", str(Path(tmp) / "bench.db"), records, args.batch,
                                       args.queries, random.Random(1)))
        schema = f"wc_bench_{uuid.uuid4().hex[:8]}"
        try:
            results.update(bench_store("postgresql", f"{args.pg}?schema={schema}", records,
                                       args.batch, args.queries, random.Random(1)))
        finally:
            import psycopg

            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    for key, value in results.items():
        print(f"{key.upper()}={value}")


if __name__ == "__main__":
    main()
