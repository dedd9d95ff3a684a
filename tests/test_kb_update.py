"""Tests for whipcount.kb.update (``whipcount kb update``).

Every source is served from a local http.server on 127.0.0.1 with small upstream-format files
written here; nothing goes to the internet.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from whipcount.errors import WhipcountError
from whipcount.kb import Source, UpdateLimits, load_kb_files, load_sources, sources_with_base, update_kb
from whipcount.kb.update import openstates_member_path, read_sources_json

CURRENT = "congress-legislators/legislators-current.yaml"
HISTORICAL = "congress-legislators/legislators-historical.yaml"
EXECUTIVE = "congress-legislators/executive.yaml"
SOCIAL = "congress-legislators/legislators-social-media.yaml"
OPENSTATES = "openstates"

# --- upstream-format files (made-up people) ---------------------------------------------------

CURRENT_YAML = b"""\
- id:
    bioguide: Q000901
    govtrack: 499901
    wikidata: Q99990001
  name:
    first: Marigold
    last: Quenby
    official_full: Marigold Quenby
  bio:
    birthday: '1961-04-02'
    gender: F
  terms:
  - type: sen
    start: '2019-01-03'
    end: '2025-01-03'
    state: VT
    party: Democrat
- id:
    bioguide: T000902
    govtrack: 499902
  name:
    first: Osric
    middle: P.
    last: Tavener
  bio:
    gender: M
  terms:
  - type: rep
    start: '2023-01-03'
    end: '2025-01-03'
    state: NM
    district: 2
    party: Republican
"""

HISTORICAL_YAML = b"""\
- id:
    bioguide: W000903
    govtrack: 409903
  name:
    first: Cornelius
    last: Wabash
  bio:
    birthday: '1870-11-30'
    gender: M
  terms:
  - type: rep
    start: '1911-04-04'
    end: '1913-03-03'
    state: OH
    district: 7
    party: Whig
"""

EXECUTIVE_YAML = b"""\
- id:
    govtrack: 499904
  name:
    first: Hollis
    last: Brandywine
  bio:
    gender: F
  terms:
  - type: prez
    start: '2041-01-20'
    end: '2045-01-20'
    party: Independent
"""

SOCIAL_YAML = b"""\
- id:
    bioguide: Q000901
    govtrack: 499901
  social:
    twitter: SenQuenby
"""

SOCIAL_YAML_V2 = SOCIAL_YAML + b"""\
- id:
    bioguide: T000902
  social:
    twitter: RepTavener
"""


def person_yml(uuid: str, name: str, role: str, juris: str) -> bytes:
    given, family = name.split()
    return f"""\
id: ocd-person/{uuid}
name: {name}
given_name: {given}
family_name: {family}
party:
- name: Democratic
roles:
- start_date: '2023-01-17'
  type: {role}
  jurisdiction: {juris}
""".encode()


AK = "ocd-jurisdiction/country:us/state:ak/government"
ALCOTT = ("people-main/data/ak/legislature/Juniper-Alcott-0e5f1a2b.yml",
          person_yml("0e5f1a2b-0000-4000-8000-000000000001", "Juniper Alcott", "upper", AK))
PIKE = ("people-main/data/ak/executive/Rowan-Pike-0e5f1a2b.yml",
        person_yml("0e5f1a2b-0000-4000-8000-000000000002", "Rowan Pike", "governor", AK))
MARSH = ("people-main/data/ak/municipalities/Delphine-Marsh-0e5f1a2b.yml",
         person_yml("0e5f1a2b-0000-4000-8000-000000000003", "Delphine Marsh", "mayor",
                    "ocd-jurisdiction/country:us/state:ak/place:juneau/government"))
RETIRED = ("people-main/data/ak/retired/Ambrose-Hale-0e5f1a2b.yml",
           person_yml("0e5f1a2b-0000-4000-8000-000000000004", "Ambrose Hale", "lower", AK))
FENWICK = ("people-main/data/us/legislature/Tamsin-Fenwick-0e5f1a2b.yml",
           person_yml("0e5f1a2b-0000-4000-8000-000000000005", "Tamsin Fenwick", "lower",
                      "ocd-jurisdiction/country:us/government"))


def build_tar(entries: list[tuple[Any, ...]]) -> bytes:
    """A tar.gz of ("file", name, data), ("dir", name), ("symlink"/"hardlink", name, target), ("fifo", name)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for kind, name, *rest in entries:
            info = tarfile.TarInfo(name)
            data = None
            if kind == "file":
                data = rest[0].encode() if isinstance(rest[0], str) else rest[0]
                info.size = len(data)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
            elif kind in ("symlink", "hardlink"):
                info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
                info.linkname = rest[0]
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:  # the junk names went in as written
        assert [m.name for m in tar.getmembers()] == [e[1].rstrip("/") for e in entries]
    return raw


GOOD_ENTRIES: list[tuple[Any, ...]] = [
    ("dir", "people-main/"), ("file", "people-main/README.md", "# people\n"),
    ("dir", "people-main/data/ak/legislature/"),
    ("file", *ALCOTT), ("file", *PIKE), ("file", *MARSH), ("file", *RETIRED),
    ("file", "people-main/data/ak/legislature/notes.txt", "not a person\n"),
    ("file", "people-main/data/ak/committees/Finance.yml", "name: Finance\n"),
    # junk: must never be written anywhere
    ("file", "people-main/data/ak/legislature/../../../../../evil-dotdot.yml", ALCOTT[1]),
    ("file", "../data/ak/legislature/evil-dotdot-top.yml", ALCOTT[1]),
    ("file", "/people-main/data/ak/legislature/evil-absolute.yml", ALCOTT[1]),
    ("file", "/data/ak/legislature/evil-absolute-short.yml", ALCOTT[1]),
    ("symlink", "people-main/data/ak/legislature/evil-symlink.yml", "../../../../../../etc/passwd"),
    ("hardlink", "people-main/data/ak/legislature/evil-hardlink.yml", ALCOTT[0]),
    ("fifo", "people-main/data/ak/legislature/evil-fifo.yml"),
]
GOOD_TAR = build_tar(GOOD_ENTRIES)
KEPT_FILES = {"ak/legislature/Juniper-Alcott-0e5f1a2b.yml", "ak/executive/Rowan-Pike-0e5f1a2b.yml",
              "ak/municipalities/Delphine-Marsh-0e5f1a2b.yml"}
UNSAFE_IN_GOOD_TAR = 7
ALL_NAMES = {"Marigold Quenby", "Osric P. Tavener", "Cornelius Wabash", "Hollis Brandywine",
             "Juniper Alcott", "Rowan Pike", "Delphine Marsh"}


# --- a local upstream ---------------------------------------------------------------------------

@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    announce: int | None = None  # Content-Length sent instead of len(body) (a truncated reply)
    send_length: bool = True
    location: str | None = None


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        reply = self.server.routes.get(self.path, Reply(b"no such file\n", status=404))  # type: ignore[attr-defined]
        self.send_response(reply.status)
        if reply.location:
            self.send_header("Location", reply.location)
        if reply.send_length:
            self.send_header("Content-Length", str(reply.announce if reply.announce is not None else len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Upstream:
    base: str
    routes: dict[str, Reply]
    hits: list[str]

    @property
    def sources(self) -> list[Source]:
        return sources_with_base(self.base)

    def serve(self, name: str, reply: Reply | bytes) -> None:
        self.routes[urlsplit(self.source(name).url).path] = reply if isinstance(reply, Reply) else Reply(reply)

    def source(self, name: str) -> Source:
        return next(s for s in self.sources if s.name == name)


GOOD_BODIES = {CURRENT: CURRENT_YAML, HISTORICAL: HISTORICAL_YAML, EXECUTIVE: EXECUTIVE_YAML,
               SOCIAL: SOCIAL_YAML, OPENSTATES: GOOD_TAR}


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[Upstream]:
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes = {}  # type: ignore[attr-defined]
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    up = Upstream(f"http://127.0.0.1:{server.server_address[1]}/mirror", server.routes, server.hits)  # type: ignore[attr-defined]
    for name, body in GOOD_BODIES.items():
        up.serve(name, body)
    try:
        yield up
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot(path: Path) -> dict[str, bytes]:
    """The bytes of a file, or of every file below a folder, by relative name."""
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir() if p.name.startswith("."))


def names(folder: Path) -> set[str]:
    return {p.name for p in load_kb_files([folder])}


# --- the source list ------------------------------------------------------------------------

def test_shipped_sources() -> None:
    got = {s.name: (s.kind, s.url) for s in load_sources()}
    base = "https://unitedstates.github.io/congress-legislators/"
    assert got == {
        CURRENT: ("file", base + "legislators-current.yaml"),
        HISTORICAL: ("file", base + "legislators-historical.yaml"),
        EXECUTIVE: ("file", base + "executive.yaml"),
        SOCIAL: ("file", base + "legislators-social-media.yaml"),
        OPENSTATES: ("openstates-archive", "https://github.com/openstates/people/archive/refs/heads/main.tar.gz"),
    }


@pytest.mark.parametrize("line, fragment", [
    ("x.yaml\tfile\n", "needs name, kind and url"),
    ("x.yaml\tzip\thttps://example.org/x.yaml\n", "kind 'zip'"),
    ("x.yaml\tfile\tftp://example.org/x.yaml\n", "not http or https"),
    ("x.yaml\tfile\tfile:///etc/passwd\n", "not http or https"),
    ("../x.yaml\tfile\thttps://example.org/x.yaml\n", "relative path"),
    ("/x.yaml\tfile\thttps://example.org/x.yaml\n", "relative path"),
    ("a//x.yaml\tfile\thttps://example.org/x.yaml\n", "relative path"),
    (".hidden/x.yaml\tfile\thttps://example.org/x.yaml\n", "dot"),
    ("SOURCES.json\topenstates-archive\thttps://example.org/x.tar.gz\n", "SOURCES.json"),
    ("x.txt\tfile\thttps://example.org/x.txt\n", "must end in"),
    ("x.yaml\tfile\thttps://example.org/a.yaml\nx.yaml\tfile\thttps://example.org/b.yaml\n", "listed twice"),
])
def test_bad_source_lists(tmp_path: Path, line: str, fragment: str) -> None:
    path = tmp_path / "sources.tsv"
    path.write_text("# a comment\n\n" + line, encoding="utf-8")
    with pytest.raises(WhipcountError, match="E048") as info:
        load_sources(path)
    assert fragment in str(info.value)


@pytest.mark.parametrize("base, name, expected", [
    ("http://127.0.0.1:8000", CURRENT, "http://127.0.0.1:8000/congress-legislators/legislators-current.yaml"),
    ("http://127.0.0.1:8000/m/", OPENSTATES, "http://127.0.0.1:8000/m/openstates/people/archive/refs/heads/main.tar.gz"),
    ("https://mirror.example.org/kb", EXECUTIVE, "https://mirror.example.org/kb/congress-legislators/executive.yaml"),
])
def test_sources_with_base(base: str, name: str, expected: str) -> None:
    assert {s.name: s.url for s in sources_with_base(base)}[name] == expected


@pytest.mark.parametrize("member, verdict, path", [
    ("people-main/data/ak/legislature/Jane-Doe-1.yml", "keep", "ak/legislature/Jane-Doe-1.yml"),
    ("people-main/data/us/executive/A-B.yml", "keep", "us/executive/A-B.yml"),
    ("people-main/data/ca/municipalities/Ge'Nell-Gary-(Mike) - Copy.yml", "keep",
     "ca/municipalities/Ge'Nell-Gary-(Mike) - Copy.yml"),
    ("people-main/data/ak/retired/Jane-Doe-1.yml", "skip", None),
    ("people-main/data/ak/committees/Finance.yml", "skip", None),
    ("people-main/data/ak/legislature/Jane-Doe-1.yaml", "skip", None),
    ("people-main/data/ak/legislature/sub/Jane-Doe-1.yml", "skip", None),
    ("people-main/data/AK/legislature/Jane-Doe-1.yml", "skip", None),
    ("people-main/scripts/x.yml", "skip", None),
    ("people-main/data/ak/legislature/", "skip", None),
    ("people-main/data/ak/legislature/../../../x.yml", "unsafe", None),
    ("people-main/data/../data/ak/legislature/x.yml", "unsafe", None),
    ("/people-main/data/ak/legislature/x.yml", "unsafe", None),
    ("people-main\\data\\ak\\legislature\\x.yml", "unsafe", None),
    ("C:/people-main/data/ak/legislature/x.yml", "unsafe", None),
    ("people-main/data/ak/legislature/.hidden.yml", "unsafe", None),
    ("people-main/data/ak/legislature/bad\nname.yml", "unsafe", None),
])
def test_openstates_member_path(member: str, verdict: str, path: str | None) -> None:
    got_verdict, got_path = openstates_member_path(member)
    assert (got_verdict, None if got_path is None else got_path.as_posix()) == (verdict, path)


# --- updates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, body, people", [
    (CURRENT, CURRENT_YAML, 2),
    (HISTORICAL, HISTORICAL_YAML, 1),
    (EXECUTIVE, EXECUTIVE_YAML, 1),
    (SOCIAL, SOCIAL_YAML, 0),  # ids merged into other people, none of its own
    (OPENSTATES, GOOD_TAR, 3),
])
def test_first_update(upstream: Upstream, tmp_path: Path, name: str, body: bytes, people: int) -> None:
    dest = tmp_path / "kb"
    summary = update_kb(dest, upstream.sources)
    assert summary.ok and summary.failed == []
    result = next(r for r in summary.updated if r.name == name)
    assert (result.changed, result.people, result.bytes, result.sha256) == (True, people, len(body), sha(body))
    record = read_sources_json(dest)[name]
    assert record["url"] == upstream.source(name).url
    assert (record["sha256"], record["bytes"], record["people"]) == (sha(body), len(body), people)
    fetched = datetime.fromisoformat(record["fetched_at"])
    assert fetched.utcoffset() == timedelta(0)
    if name == OPENSTATES:
        assert set(snapshot(dest / OPENSTATES)) == KEPT_FILES
        assert snapshot(dest / OPENSTATES)["ak/legislature/Juniper-Alcott-0e5f1a2b.yml"] == ALCOTT[1]
        assert (record["files"], record["unsafe_entries"]) == (3, UNSAFE_IN_GOOD_TAR)
        assert result.unsafe_entries == UNSAFE_IN_GOOD_TAR
    else:
        assert (dest / name).read_bytes() == body
    assert leftovers(dest) == []


def test_first_update_loads_and_writes_nothing_outside(upstream: Upstream, tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "kb"
    summary = update_kb(dest, upstream.sources)
    assert [r.name for r in summary.updated] == [CURRENT, HISTORICAL, EXECUTIVE, SOCIAL, OPENSTATES]
    people = load_kb_files([dest])
    assert {p.name for p in people} == ALL_NAMES
    quenby = next(p for p in people if p.name == "Marigold Quenby")
    assert quenby.ids.get("twitter") == "SenQuenby"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if "evil" in p.name) == []
    assert not any(p.is_symlink() for p in tmp_path.rglob("*"))
    assert sorted(p.name for p in dest.iterdir()) == ["SOURCES.json", "congress-legislators", "openstates"]


def test_progress_reports_every_byte(upstream: Upstream, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    update_kb(tmp_path, upstream.sources, progress=lambda *a: calls.append(a))
    last = {name: (done, total) for name, done, total in calls}
    assert last == {name: (len(body), len(body)) for name, body in GOOD_BODIES.items()}


def test_redirect_is_followed(upstream: Upstream, tmp_path: Path) -> None:
    # GitHub answers the archive URL with a redirect to codeload.github.com
    upstream.routes["/codeload/people-main.tar.gz"] = Reply(GOOD_TAR)
    upstream.serve(OPENSTATES, Reply(status=302, location="/codeload/people-main.tar.gz"))
    summary = update_kb(tmp_path, [upstream.source(OPENSTATES)])
    assert summary.ok and set(snapshot(tmp_path / OPENSTATES)) == KEPT_FILES
    assert "/codeload/people-main.tar.gz" in upstream.hits


def test_second_update_unchanged_then_changed(upstream: Upstream, tmp_path: Path) -> None:
    first = update_kb(tmp_path, upstream.sources)
    before = {name: snapshot(tmp_path / name) for name in GOOD_BODIES}
    records = read_sources_json(tmp_path)

    second = update_kb(tmp_path, upstream.sources)
    assert second.ok
    assert [(r.name, r.changed) for r in second.updated] == [(name, False) for name in GOOD_BODIES]
    assert [(r.people, r.sha256) for r in second.updated] == [(r.people, r.sha256) for r in first.updated]
    assert {name: snapshot(tmp_path / name) for name in GOOD_BODIES} == before
    again = read_sources_json(tmp_path)
    assert {n: {k: v for k, v in r.items() if k != "fetched_at"} for n, r in again.items()} == \
        {n: {k: v for k, v in r.items() if k != "fetched_at"} for n, r in records.items()}
    assert all(again[n]["fetched_at"] >= records[n]["fetched_at"] for n in records)

    # Open States now lists Fenwick and no longer Pike: the folder is replaced, not merged into
    new_tar = build_tar([("file", *ALCOTT), ("file", *MARSH), ("file", *FENWICK)])
    upstream.serve(OPENSTATES, new_tar)
    third = update_kb(tmp_path, upstream.sources)
    assert [(r.name, r.changed) for r in third.updated] == [(n, n == OPENSTATES) for n in GOOD_BODIES]
    assert set(snapshot(tmp_path / OPENSTATES)) == {
        "ak/legislature/Juniper-Alcott-0e5f1a2b.yml", "ak/municipalities/Delphine-Marsh-0e5f1a2b.yml",
        "us/legislature/Tamsin-Fenwick-0e5f1a2b.yml"}
    assert names(tmp_path) == ALL_NAMES - {"Rowan Pike"} | {"Tamsin Fenwick"}
    assert read_sources_json(tmp_path)[OPENSTATES]["sha256"] == sha(new_tar)
    assert leftovers(tmp_path) == []


BROKEN_PERSON_TAR = build_tar([("file", *ALCOTT), ("file", PIKE[0], b"id: ocd-person/x\nname: [unclosed\n")])

FAILURES = [
    # (case, source, what the server now answers, code, fragment of the message)
    ("404", CURRENT, Reply(b"gone\n", status=404), "E043", "HTTP 404"),
    ("server error", HISTORICAL, Reply(b"oops\n", status=500), "E043", "HTTP 500"),
    ("truncated", EXECUTIVE, Reply(EXECUTIVE_YAML[:40], announce=len(EXECUTIVE_YAML)), "E045",
     f"got 40 of the {len(EXECUTIVE_YAML)} bytes"),
    ("broken yaml", HISTORICAL, Reply(b"- id: {bioguide: W1\n  name: [unclosed\n"), "E046", "E041"),
    ("html page instead of yaml", CURRENT, Reply(b"<html><body>rate limited</body></html>\n"), "E046", "E040"),
    ("not a gzip file", OPENSTATES, Reply(b"this is not a tarball\n"), "E045", "gzip"),
    ("truncated archive", OPENSTATES, Reply(GOOD_TAR[: len(GOOD_TAR) // 2]), "E045", ""),
    ("archive without people files", OPENSTATES, Reply(build_tar([("file", "people-main/README.md", "hi\n")])),
     "E046", "no data/<state>/"),
    ("broken person file", OPENSTATES, Reply(BROKEN_PERSON_TAR), "E046", "Rowan-Pike-0e5f1a2b.yml"),
    ("truncated archive download", OPENSTATES, Reply(GOOD_TAR[:100], announce=len(GOOD_TAR)), "E045",
     f"got 100 of the {len(GOOD_TAR):,} bytes"),
]


@pytest.mark.parametrize("case, name, reply, code, fragment", FAILURES, ids=[f[0] for f in FAILURES])
def test_failed_source_keeps_previous_copy(upstream: Upstream, tmp_path: Path, case: str, name: str,
                                           reply: Reply, code: str, fragment: str) -> None:
    assert update_kb(tmp_path, upstream.sources).ok
    before = snapshot(tmp_path / name)
    record_before = read_sources_json(tmp_path)[name]
    upstream.serve(name, reply)
    upstream.serve(SOCIAL, SOCIAL_YAML_V2)  # another source changes meanwhile and must still update

    summary = update_kb(tmp_path, upstream.sources)

    assert [f.name for f in summary.failed] == [name]
    message = summary.failed[0].message
    assert message.startswith(code + " ") and "\n" not in message
    assert name in message and upstream.source(name).url in message and fragment in message
    assert "previous copy is kept" in message and message in summary.lines()
    assert snapshot(tmp_path / name) == before
    assert read_sources_json(tmp_path)[name] == record_before
    social = next(r for r in summary.updated if r.name == SOCIAL)
    assert social.changed and (tmp_path / SOCIAL).read_bytes() == SOCIAL_YAML_V2
    assert read_sources_json(tmp_path)[SOCIAL]["sha256"] == sha(SOCIAL_YAML_V2)
    assert names(tmp_path) == ALL_NAMES
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name, reply, limits, setting", [
    (CURRENT, Reply(CURRENT_YAML), UpdateLimits(max_download_bytes=100), "max_download_bytes"),
    (CURRENT, Reply(CURRENT_YAML, send_length=False), UpdateLimits(max_download_bytes=100), "max_download_bytes"),
    (OPENSTATES, Reply(GOOD_TAR), UpdateLimits(max_member_bytes=100), "max_member_bytes"),
    (OPENSTATES, Reply(GOOD_TAR), UpdateLimits(max_members=2), "max_members"),
    (OPENSTATES, Reply(GOOD_TAR), UpdateLimits(max_unpacked_bytes=4096), "max_unpacked_bytes"),
])
def test_limits(upstream: Upstream, tmp_path: Path, name: str, reply: Reply, limits: UpdateLimits,
                setting: str) -> None:
    upstream.serve(name, reply)
    summary = update_kb(tmp_path, [upstream.source(name)], limits=limits)
    assert summary.updated == [] and len(summary.failed) == 1
    assert summary.failed[0].message.startswith("E044 ") and setting in summary.failed[0].message
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing landed, no SOURCES.json


def test_within_limits_without_content_length(upstream: Upstream, tmp_path: Path) -> None:
    upstream.serve(CURRENT, Reply(CURRENT_YAML, send_length=False))
    summary = update_kb(tmp_path, [upstream.source(CURRENT)], limits=UpdateLimits(max_download_bytes=len(CURRENT_YAML)))
    assert summary.ok and (tmp_path / CURRENT).read_bytes() == CURRENT_YAML


def test_unreachable_source_is_reported(upstream: Upstream, tmp_path: Path) -> None:
    dead = Source(CURRENT, "file", "http://127.0.0.1:9/congress-legislators/legislators-current.yaml")
    summary = update_kb(tmp_path, [dead, upstream.source(EXECUTIVE)], timeout=5)
    assert [f.name for f in summary.failed] == [CURRENT]
    assert summary.failed[0].message.startswith("E043 ") and dead.url in summary.failed[0].message
    assert [r.name for r in summary.updated] == [EXECUTIVE]
    assert set(read_sources_json(tmp_path)) == {EXECUTIVE}


def test_dest_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "kb").write_text("not a folder")
    with pytest.raises(WhipcountError, match="E049"):
        update_kb(tmp_path / "kb", [])


# --- the CLI: update from a mirror, then load into a store ---------------------------------------

def test_cli_update_then_load(upstream: Upstream, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from whipcount.cli import app
    from whipcount.store import open_store

    dest, db = tmp_path / "kb", str(tmp_path / "kb.db")
    result = CliRunner().invoke(app, ["kb", "update", "--dest", str(dest), "--mirror", upstream.base])
    assert result.exit_code == 0, result.output
    assert "updated" in result.output and (dest / "SOURCES.json").exists()
    result = CliRunner().invoke(app, ["kb", "load", str(dest), "--db", db])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert {p.name for p in store.load_kb()} == ALL_NAMES
    upstream.serve(CURRENT, Reply(b"gone\n", status=404))
    result = CliRunner().invoke(app, ["kb", "update", "--dest", str(dest), "--mirror", upstream.base])
    assert result.exit_code == 1 and "404" in result.output and "Traceback" not in result.output
