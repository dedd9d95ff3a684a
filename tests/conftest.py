"""Shared fixtures: where ../shared is, and hand-built records for store and export tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from whipcount.models import Article, Endorsement, Extractor, Organization, Person, Quote, Record, Stance, Title

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared material beside the checkout (../shared); skips when missing."""
    path = REPO.parent / "shared"
    if not path.is_dir():
        pytest.skip(f"shared material not found at {path}")
    return path


def _span(text: str, part: str, start: int = 0) -> tuple[int, int]:
    i = text.index(part, start)
    return (i, i + len(part))


def make_record(article_id: str, text: str, *,
                people: Sequence[tuple[str, list[tuple[str, str | None, str | None]]]] = (),
                orgs: Sequence[tuple[str, str | None]] = (),
                quotes: Sequence[tuple[str | None, str]] = (),
                endorsements: Sequence[tuple[str, str, str, str | None, str]] = (),
                stances: Sequence[tuple[str, str, str, str]] = (),
                version: str = "0.1.0") -> Record:
    """A Record over ``text`` whose spans are found by searching ``text`` for each part.

    people: (name, [(title, org, place)]); orgs: (name, kind); quotes: (speaker, quote text);
    endorsements: (endorser, endorsee, status, office, evidence); stances: (holder, topic,
    polarity, evidence).
    """
    ids: dict[str, str] = {}
    rec_people = []
    for n, (name, titles) in enumerate(people, start=1):
        pid = f"p{n}"
        ids[name] = pid
        rec_people.append(Person(id=pid, name=name, mentions=[_span(text, name)],
                                 titles=[Title(t, o, pl, None) for t, o, pl in titles]))
    rec_orgs = []
    for n, (name, kind) in enumerate(orgs, start=1):
        oid = f"o{n}"
        ids[name] = oid
        rec_orgs.append(Organization(id=oid, name=name, kind=kind, mentions=[_span(text, name)]))
    rec_quotes = []
    for n, (speaker, qtext) in enumerate(quotes, start=1):
        rec_quotes.append(Quote(
            id=f"q{n}", kind="direct", text=qtext, span=_span(text, qtext), speaker=speaker,
            speaker_id=ids.get(speaker or ""),
            speaker_span=_span(text, speaker) if speaker and speaker in text else None,
            cue="said" if "said" in text else None,
            cue_span=_span(text, "said") if "said" in text else None, confidence=0.9))
    rec_end = []
    for n, (endorser, endorsee, status, office, evidence) in enumerate(endorsements, start=1):
        rec_end.append(Endorsement(
            id=f"e{n}", endorser=endorser, endorsee=endorsee, status=status, evidence=evidence,
            evidence_span=_span(text, evidence), endorser_id=ids.get(endorser),
            endorsee_id=ids.get(endorsee), office=office, confidence=0.8))
    rec_stances = [Stance(holder=h, topic=t, polarity=p, evidence_span=_span(text, ev),
                          holder_id=ids.get(h), evidence=ev) for h, t, p, ev in stances]
    return Record(article=Article(id=article_id, source=f"{article_id}.txt", text=text),
                  people=rec_people, organizations=rec_orgs, quotes=rec_quotes,
                  endorsements=rec_end, stances=rec_stances,
                  extractor=Extractor(version=version, model="test-model 0.0"))


RALLY = ("The Tamarack Nurses Union endorsed State Sen. Dana Whitcombe for U.S. Senate on Tuesday. "
         "“Dana has walked our picket lines,” said Ruth Okafor, president of Transit Workers Local 12.")
FIREHOUSE = ("Firefighters Local 1180 withdrew its endorsement of Mayor Luis Ferraro. "
             '"We stood with the mayor because he stood with us," said Kevin Doyle.'
             " José Ortiz said the closing of the firehouse was a mistake.")
EDITORIAL = ("The Port Ellery Ledger endorses Dana Whitcombe for U.S. Senate. "
             "Ruth Okafor said \"the picket lines remember who showed up.\"")


def rally_record() -> Record:
    """A hand-made record of the rally article (also used by tests/webdata.py)."""
    return make_record(
        "rally", RALLY,
        people=[("Dana Whitcombe", [("State Sen.", None, None)]),
                ("Ruth Okafor", [("president", "Transit Workers Local 12", None)])],
        orgs=[("Tamarack Nurses Union", "union"), ("Transit Workers Local 12", "union")],
        quotes=[("Ruth Okafor", "Dana has walked our picket lines,")],
        endorsements=[("Tamarack Nurses Union", "Dana Whitcombe", "endorsed", "U.S. Senate",
                       "The Tamarack Nurses Union endorsed State Sen. Dana Whitcombe for U.S. Senate on Tuesday.")])


def firehouse_record() -> Record:
    """A hand-made record of the firehouse article (also used by tests/webdata.py)."""
    return make_record(
        "firehouse", FIREHOUSE,
        people=[("Luis Ferraro", [("Mayor", None, "Port Ellery")]), ("Kevin Doyle", []),
                ("José Ortiz", [])],
        orgs=[("Firefighters Local 1180", "union")],
        quotes=[("Kevin Doyle", "We stood with the mayor because he stood with us,"),
                ("José Ortiz", "the closing of the firehouse was a mistake")],
        endorsements=[("Firefighters Local 1180", "Luis Ferraro", "withdrawn", "mayor",
                       "Firefighters Local 1180 withdrew its endorsement of Mayor Luis Ferraro.")],
        stances=[("José Ortiz", "firehouse closing", "against",
                  "José Ortiz said the closing of the firehouse was a mistake.")])


def editorial_record() -> Record:
    """A hand-made record of the editorial article (also used by tests/webdata.py)."""
    return make_record(
        "editorial", EDITORIAL,
        people=[("Dana Whitcombe", [("State Sen.", None, None), ("candidate", None, None)]),
                ("Ruth Okafor", [("president", "Transit Workers Local 12", None)])],
        orgs=[("Port Ellery Ledger", "newspaper")],
        quotes=[("Ruth Okafor", "the picket lines remember who showed up.")],
        endorsements=[("Port Ellery Ledger", "Dana Whitcombe", "endorsed", "U.S. Senate",
                       "The Port Ellery Ledger endorses Dana Whitcombe for U.S. Senate.")])


@pytest.fixture
def rally() -> Record:
    return rally_record()


@pytest.fixture
def firehouse() -> Record:
    return firehouse_record()


@pytest.fixture
def editorial() -> Record:
    return editorial_record()


@pytest.fixture
def records(rally: Record, firehouse: Record, editorial: Record) -> list[Record]:
    return [rally, firehouse, editorial]


@pytest.fixture
def sample_paths() -> list[str]:
    from whipcount.samples import sample_paths as paths

    return paths()


# PostgreSQL for the tests: the server on 127.0.0.1:5432 (trust auth, database ``test``), a
# fresh schema per store. Required in CI (CI=true): there an unreachable server fails the tests.
PG_URL = os.environ.get("WHIPCOUNT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_missing() -> str | None:
    """Why the test PostgreSQL cannot be used, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_URL} is unreachable: {str(exc).strip().splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The test PostgreSQL's URL; skips when it is unreachable, fails in CI."""
    reason = _postgres_missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI: {reason}")
        pytest.skip(reason)
    return PG_URL


@pytest.fixture
def pg_url_factory(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    """URLs of fresh schemas ``wc_test_<random>`` in the test database, dropped at teardown."""
    import psycopg

    schemas: list[str] = []

    def make() -> str:
        schemas.append(f"wc_test_{uuid.uuid4().hex[:12]}")
        return f"{pg_admin_url}?schema={schemas[-1]}"

    yield make
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        for name in schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """open_store on files under tmp_path; every store opened is closed at teardown.

    Parametrized indirectly with "postgresql", each name is a fresh PostgreSQL schema instead
    (the same name twice opens the same store, as with files).
    """
    from whipcount.store import open_store

    backend = getattr(request, "param", "sqlite")
    opened = []
    urls: dict[str, str] = {}
    make_pg = request.getfixturevalue("pg_url_factory") if backend == "postgresql" else None

    def factory(name: str = "test.db") -> object:
        if make_pg is not None:
            s = open_store(urls.setdefault(name, make_pg()))
        else:
            s = open_store(str(tmp_path / name))
        opened.append(s)
        return s

    yield factory
    for s in opened:
        s.close()
