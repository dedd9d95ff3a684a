"""Totals of the web queries with rejected facts: counted on the indexes less the rejected ones
(store/sqlite_web.py), they must equal the rows a full listing returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from whipcount.store import open_store

from conftest import make_record

STATUSES = ("endorsed", "endorsed", "withdrawn", "endorsed", "declined")


def _stories() -> list:  # type: ignore[type-arg]
    out = []
    for n, status in enumerate(STATUSES):
        evidence = f"The Brookport Pipefitters Local {n} {status} Nadia Castellano for mayor."
        quote = f"the shipyard contract number {n} is a promise kept"
        text = f"{evidence} Nadia Castellano said {quote}. Hugo Brandt backs her too."
        out.append(make_record(
            f"story-{n}", text,
            people=[("Nadia Castellano", [("council member", None, "Brookport")]),
                    ("Hugo Brandt", [])],
            orgs=[(f"Brookport Pipefitters Local {n}", "union")],
            quotes=[("Nadia Castellano", quote)],
            endorsements=[(f"Brookport Pipefitters Local {n}", "Nadia Castellano", status,
                           "mayor", evidence),
                          ("Hugo Brandt", "Nadia Castellano", "supports", "mayor",
                           "Hugo Brandt backs her too.")]))
    return out


# (facts to reject, as (kind, index in the listing), expected received_by_status)
CASES = [
    ((), {"endorsed": 3, "withdrawn": 1, "declined": 1, "supports": 5}),
    ((("e", 0),), None),
    ((("e", 0), ("e", 1), ("q", 2)), None),
    (tuple(("e", i) for i in range(10)), {}),
    ((("q", 0), ("q", 1), ("q", 4)), {"endorsed": 3, "withdrawn": 1, "declined": 1, "supports": 5}),
]


@pytest.mark.parametrize(("reject", "expected_status"), CASES)
def test_totals_less_rejected_match_the_listing(tmp_path: Path, reject, expected_status) -> None:  # type: ignore[no-untyped-def]
    with open_store(str(tmp_path / "web.db")) as store:
        store.write_records(_stories())
        ends = store.find_endorsements(endorsee_id="nadia-castellano", limit=100).rows
        quotes = store.find_quotes(speaker_id="nadia-castellano", limit=100).rows
        assert (len(ends), len(quotes)) == (10, 5)
        for kind, i in reject:
            fact = (ends if kind == "e" else quotes)[i]["fact_id"]
            assert store.review_fact(fact, "rejected") is not None
        store.review_fact(quotes[3]["fact_id"], "confirmed")  # confirmed facts still count
        for include in (False, True):
            listings = [
                store.find_endorsements(endorsee_id="nadia-castellano", include_rejected=include,
                                        limit=100),
                store.find_endorsements(include_rejected=include, limit=100),
                store.find_endorsements(since="2000-01-01", include_rejected=include, limit=100),
                store.find_endorsements(status="endorsed", include_rejected=include, limit=100),
                store.find_quotes(include_rejected=include, limit=100),
                store.find_quotes(search="shipyard", include_rejected=include, limit=100),
                store.find_quotes(search="shipyard", speaker="Castellano",
                                  include_rejected=include, limit=100),
                store.find_quotes(speaker="Nadia Castellano", include_rejected=include, limit=100),
            ]
            for page in listings:
                assert page.total == len(page.rows)
            person = store.person("nadia-castellano", include_rejected=include)
            assert person is not None
            received = person["endorsements_received"]
            assert received["total"] == len(received["items"])
            assert person["quotes"]["total"] == len(person["quotes"]["items"])
            by_status: dict[str, int] = {}
            for row in received["items"]:
                by_status[row["status"]] = by_status.get(row["status"], 0) + 1
            assert person["received_by_status"] == by_status
            if not include and expected_status is not None:
                assert by_status == expected_status
        assert store.find_quotes(include_rejected=True, limit=100).total == 5


SPEAKERS = ("José Ortiz", "Ruth O'Brien", "Dana Whitcombe", "Whitcombe's aide Dana Lee")


@pytest.mark.parametrize(("speaker", "expected"), [
    ("Jose", 1), ("josé ortiz", 1), ("ORTIZ", 1), ("O'Brien", 1), ("brien", 1),
    ("Dana", 2), ("Whitcombe", 2), ("dana whitcombe", 1), ("aide dana", 1), ("Ruth Ortiz", 0),
    ("—", 0),
])
def test_search_with_speaker_matches_the_speaker_filter(tmp_path: Path, speaker: str,
                                                        expected: int) -> None:
    records = []
    for n, name in enumerate(SPEAKERS):
        quote = f"the budget for the firehouse is short by {n} million"
        records.append(make_record(f"budget-{n}", f"{name} said {quote}.", people=[(name, [])],
                                   quotes=[(name, quote)]))
    with open_store(str(tmp_path / "web.db")) as store:
        store.write_records(records)
        alone = store.find_quotes(speaker=speaker, limit=100)
        both = store.find_quotes(search="budget", speaker=speaker, limit=100)
        assert both.total == alone.total == len(both.rows) == expected
        assert [r["fact_id"] for r in both.rows] == sorted(
            (r["fact_id"] for r in alone.rows), key=lambda f: -int(f[1:]))
