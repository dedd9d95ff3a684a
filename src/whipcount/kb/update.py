"""Download fresh copies of the open knowledge bases from the upstream projects.

The library side of ``whipcount kb update``. The sources are listed in ``kb/data/sources.tsv``
(:func:`load_sources`); after an update the destination folder holds::

    DEST/congress-legislators/legislators-current.yaml   (and the other congress-legislators files)
    DEST/openstates/<state>/<kind>/*.yml                  (Open States people, one file a person)
    DEST/SOURCES.json                                     (url, fetched_at, sha256, bytes, people)

Each source is downloaded into a working folder inside DEST (so that the final rename stays on
one file system), checked, and only then moved into place. A failed download, a truncated or
corrupt file, a file over a size limit or one that does not load with
:func:`~whipcount.kb.loaders.load_kb_files` leaves the previous copy as it was and is reported
in one line (E043-E047); the other sources still update. The Open States archive is read as a
stream and only regular ``.yml`` files under ``data/<state>/<kind>/`` are written, under names
built here, never from links, absolute paths or ``..``.

Two updates of the same DEST must not run at the same time.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import urlsplit

from whipcount import __version__
from whipcount.errors import E, InputError, WhipcountError
from whipcount.kb.loaders import KB_SUFFIXES, load_kb_files

LOGGER = logging.getLogger(__name__)

SOURCES_PATH = Path(__file__).resolve().parent / "data" / "sources.tsv"
SOURCES_JSON = "SOURCES.json"
SOURCE_KINDS: tuple[str, ...] = ("file", "openstates-archive")
#: The folders of an Open States state kept by an update (``retired`` and ``committees`` are not).
OPENSTATES_KINDS: tuple[str, ...] = ("legislature", "executive", "municipalities")
USER_AGENT = f"whipcount/{__version__} (kb update)"
_CHUNK = 256 * 1024
_STATE_DIR = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_BAD_FILE_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")

#: ``progress(source_name, bytes_done, bytes_total_or_None)``, called as a download goes on.
ProgressFn = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Source:
    """One upstream knowledge base: ``name`` is also where its copy goes under DEST."""

    name: str
    kind: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class UpdateLimits:
    """Size limits of an update. Hitting one is a reported failure of that source (E044)."""

    #: Largest download (the Open States archive is about 100 MB compressed).
    max_download_bytes: int = 2 * 1024**3
    #: Most the Open States archive may unpack to, counting the entries that are skipped.
    max_unpacked_bytes: int = 8 * 1024**3
    #: Largest single person file in the archive (real ones are a few KB).
    max_member_bytes: int = 4 * 1024**2
    #: Most person files kept from the archive (about 9,000 today).
    max_members: int = 500_000


@dataclass
class SourceResult:
    """A source that was fetched; ``changed`` is False when the content was the same as before."""

    name: str
    url: str
    sha256: str
    bytes: int
    people: int
    changed: bool
    files: int = 1
    #: Archive entries refused as unsafe (absolute path, "..", link or device where a person
    #: file would go).
    unsafe_entries: int = 0


@dataclass
class SourceFailure:
    """A source that did not update: ``message`` is one line (which source, which URL, why)."""

    name: str
    url: str
    message: str


@dataclass
class UpdateSummary:
    """What :func:`update_kb` did, source by source."""

    dest: Path
    updated: list[SourceResult] = field(default_factory=list)
    failed: list[SourceFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        """One line a source, for printing."""
        out = []
        for r in self.updated:
            state = "updated" if r.changed else "unchanged"
            extra = f", {r.unsafe_entries} unsafe archive entries skipped" if r.unsafe_entries else ""
            out.append(f"{state} {r.name}: {r.people:,} people in {r.files:,} files, "
                       f"{r.bytes:,} bytes, sha256 {r.sha256[:12]}{extra}")
        out.extend(f.message for f in self.failed)
        return out


class _SourceFailed(Exception):
    """Internal: this source fails with the given one-line message."""


# --- the source list ------------------------------------------------------------------------

def _name_problem(name: str, kind: str) -> str | None:
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        return f"name {name!r} must be a relative path without '..'"
    if any(p.startswith(".") for p in parts) or name == SOURCES_JSON:
        return f"name {name!r} must not start with a dot or be {SOURCES_JSON}"
    if kind == "file" and PurePosixPath(name).suffix.lower() not in KB_SUFFIXES:
        return f"name {name!r} of a file source must end in one of {', '.join(KB_SUFFIXES)}"
    return None


def load_sources(path: str | os.PathLike[str] = SOURCES_PATH) -> list[Source]:
    """Read a source list (``name<TAB>kind<TAB>url<TAB>description``; ``#`` starts a comment)."""
    path = Path(path)
    sources: list[Source] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 3:
                raise WhipcountError(E.E048.format(path=path, line=lineno, detail="needs name, kind and url separated by tabs"))
            name, kind, url = (c.strip() for c in cols[:3])
            detail = None
            if kind not in SOURCE_KINDS:
                detail = f"kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}"
            elif urlsplit(url).scheme not in ("http", "https"):
                detail = f"url {url!r} is not http or https"
            elif name in seen:
                detail = f"name {name!r} is listed twice"
            else:
                detail = _name_problem(name, kind)
            if detail:
                raise WhipcountError(E.E048.format(path=path, line=lineno, detail=detail))
            seen.add(name)
            sources.append(Source(name, kind, url, cols[3].strip() if len(cols) > 3 else ""))
    return sources


def sources_with_base(base_url: str, sources: list[Source] | None = None) -> list[Source]:
    """The sources with every URL moved under ``base_url``, keeping the URL's path.

    ``https://github.com/openstates/people/archive/refs/heads/main.tar.gz`` with the base
    ``http://127.0.0.1:8000/mirror`` becomes
    ``http://127.0.0.1:8000/mirror/openstates/people/archive/refs/heads/main.tar.gz``: for tests
    and for mirrors.
    """
    base = base_url.rstrip("/")
    return [replace(s, url=base + urlsplit(s.url).path) for s in (sources if sources is not None else load_sources())]


# --- downloading ----------------------------------------------------------------------------

class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (GitHub archives redirect to codeload) but only to http(s)."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-http URL {newurl!r}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _download(opener: urllib.request.OpenerDirector, source: Source, out_path: Path, *,
              limits: UpdateLimits, timeout: float, progress: ProgressFn | None) -> tuple[str, int]:
    """Stream ``source.url`` into ``out_path``; return (sha256, bytes)."""
    def fail(template: str, **kw: Any) -> _SourceFailed:
        return _SourceFailed(template.format(name=source.name, url=source.url, **kw))

    if urlsplit(source.url).scheme not in ("http", "https"):
        raise fail(E.E043, detail="only http and https URLs are fetched")
    digest = hashlib.sha256()
    done, total = 0, None
    request = urllib.request.Request(source.url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as resp, out_path.open("wb") as out:
            length = (resp.headers.get("Content-Length") or "").strip()
            total = int(length) if length.isdigit() else None
            if total is not None and total > limits.max_download_bytes:
                raise fail(E.E044, what="download", size=total, limit=limits.max_download_bytes,
                           setting="max_download_bytes")
            while chunk := resp.read(_CHUNK):
                done += len(chunk)
                if done > limits.max_download_bytes:
                    raise fail(E.E044, what="download", size=done, limit=limits.max_download_bytes,
                               setting="max_download_bytes")
                digest.update(chunk)
                out.write(chunk)
                if progress is not None:
                    progress(source.name, done, total)
    except urllib.error.HTTPError as exc:
        raise fail(E.E043, detail=f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise fail(E.E043, detail=str(exc.reason)) from exc
    except http.client.IncompleteRead as exc:
        raise fail(E.E045, detail=f"the connection closed after {done:,} bytes") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise fail(E.E043, detail=str(exc) or type(exc).__name__) from exc
    if total is not None and done != total:
        # urllib's read(n) returns b"" when the server hangs up early; Content-Length tells.
        raise fail(E.E045, detail=f"got {done:,} of the {total:,} bytes announced")
    return digest.hexdigest(), done


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _count_people(source: Source, path: Path) -> int:
    """People in the new copy at ``path``; a copy that does not load fails the source (E046)."""
    try:
        people = len(load_kb_files([path]))
    except (InputError, RecursionError) as exc:
        detail = str(exc).replace(str(path), source.name)
        raise _SourceFailed(E.E046.format(name=source.name, url=source.url, detail=detail)) from exc
    if people == 0 and path.is_dir():
        raise _SourceFailed(E.E046.format(name=source.name, url=source.url, detail="no people in it"))
    return people


# --- the Open States archive ----------------------------------------------------------------

class _CappedReader:
    """A read-only stream that fails the source once more than ``limit`` bytes were read."""

    def __init__(self, inner: io.BufferedIOBase, limit: int, source: Source) -> None:
        self.inner, self.limit, self.source, self.count = inner, limit, source, 0

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.count += len(data)
        if self.count > self.limit:
            raise _SourceFailed(E.E044.format(
                name=self.source.name, url=self.source.url, what="unpacked archive", size=self.count,
                limit=self.limit, setting="max_unpacked_bytes"))
        return data


def openstates_member_path(name: str) -> tuple[str, PurePosixPath | None]:
    """Classify one archive entry name: ``("unsafe", None)``, ``("skip", None)`` or
    ``("keep", state/kind/file.yml)``.

    The archive's first folder (``people-main/``) is dropped; ``data/<state>/<kind>/<file>.yml``
    is kept for the kinds of :data:`OPENSTATES_KINDS`.
    """
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ".." in parts or re.match(r"^[A-Za-z]:", name):
        return "unsafe", None
    if len(parts) != 5 or parts[1] != "data":
        return "skip", None
    _top, _data, state, kind, filename = parts
    if kind not in OPENSTATES_KINDS or not filename.endswith(".yml") or not _STATE_DIR.match(state):
        return "skip", None
    if filename.startswith(".") or _BAD_FILE_CHARS.search(filename) or len(filename.encode()) > 255:
        return "unsafe", None
    return "keep", PurePosixPath(state, kind, filename)


def _write_member(data: IO[bytes], target: Path, source: Source) -> None:
    """Copy one archive entry out. A disk error is E047; a read error (a corrupt archive) is
    left to the caller (E045)."""
    def disk_error(exc: OSError) -> _SourceFailed:
        return _SourceFailed(E.E047.format(name=source.name, url=source.url, detail=exc))

    try:
        out = target.open("wb")
    except OSError as exc:
        raise disk_error(exc) from exc
    with out:
        while chunk := data.read(_CHUNK):
            try:
                out.write(chunk)
            except OSError as exc:
                raise disk_error(exc) from exc


def _extract_openstates(archive: Path, staging: Path, source: Source, limits: UpdateLimits) -> tuple[int, int]:
    """Write the kept person files of the archive under ``staging``; return (files, unsafe)."""
    def fail(template: str, **kw: Any) -> _SourceFailed:
        return _SourceFailed(template.format(name=source.name, url=source.url, **kw))

    files = unsafe = 0
    try:
        with archive.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            capped = _CappedReader(unzipped, limits.max_unpacked_bytes, source)
            with tarfile.open(fileobj=capped, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    verdict, rel = openstates_member_path(member.name)
                    if verdict == "keep" and not member.isreg():
                        verdict = "unsafe"  # a link or device where a person file would go
                    if verdict == "unsafe":
                        unsafe += 1
                        LOGGER.warning("%s: unsafe archive entry skipped: %r", source.name, member.name)
                        continue
                    if rel is None:
                        continue
                    if member.size > limits.max_member_bytes:
                        raise fail(E.E044, what=f"archive entry {member.name}", size=member.size,
                                   limit=limits.max_member_bytes, setting="max_member_bytes")
                    files += 1
                    if files > limits.max_members:
                        raise fail(E.E044, what="number of person files", size=files,
                                   limit=limits.max_members, setting="max_members")
                    target = staging.joinpath(*rel.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = tar.extractfile(member)
                    if data is None:
                        raise fail(E.E045, detail=f"entry {member.name} has no data")
                    with data:
                        _write_member(data, target, source)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise fail(E.E045, detail=str(exc) or type(exc).__name__) from exc
    return files, unsafe


def _swap_in(new: Path, target: Path, old: Path) -> None:
    """Put the folder ``new`` at ``target``; the previous one goes to ``old`` (put back on failure)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    had_previous = target.exists() or target.is_symlink()
    if had_previous:
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if had_previous:
            os.replace(old, target)
        raise


# --- one source, then all -------------------------------------------------------------------

def _update_one(source: Source, dest: Path, work: Path, number: int, previous: dict[str, Any], *,
                opener: urllib.request.OpenerDirector, limits: UpdateLimits, timeout: float,
                progress: ProgressFn | None) -> SourceResult:
    target = dest / source.name
    suffix = PurePosixPath(source.name).suffix if source.kind == "file" else ".tar.gz"
    download = work / f"{number}-download{suffix}"  # keeps the suffix: the loaders go by it
    sha, size = _download(opener, source, download, limits=limits, timeout=timeout, progress=progress)
    prev = previous.get(source.name) or {}
    same_as_recorded = prev.get("sha256") == sha and isinstance(prev.get("people"), int)
    result = SourceResult(source.name, source.url, sha, size, 0, changed=True)
    try:
        if source.kind == "file":
            if target.is_file() and _sha256_file(target) == sha:
                people = prev["people"] if same_as_recorded else _count_people(source, target)
                return replace(result, people=people, changed=False)
            result.people = _count_people(source, download)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(download, target)
            return result
        if same_as_recorded and target.is_dir():
            return replace(result, people=prev["people"], changed=False, files=int(prev.get("files") or 0),
                           unsafe_entries=int(prev.get("unsafe_entries") or 0))
        staging = work / f"{number}-new"
        staging.mkdir()
        result.files, result.unsafe_entries = _extract_openstates(download, staging, source, limits)
        download.unlink()
        if result.files == 0:
            raise _SourceFailed(E.E046.format(
                name=source.name, url=source.url,
                detail=f"no data/<state>/{{{','.join(OPENSTATES_KINDS)}}}/*.yml files in the archive"))
        result.people = _count_people(source, staging)
        _swap_in(staging, target, work / f"{number}-old")
        return result
    except OSError as exc:
        raise _SourceFailed(E.E047.format(name=source.name, url=source.url, detail=exc)) from exc


def read_sources_json(dest: str | os.PathLike[str]) -> dict[str, Any]:
    """The records of ``DEST/SOURCES.json`` by source name ({} when missing or unreadable)."""
    path = Path(dest) / SOURCES_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        LOGGER.warning("%s: unreadable, starting a new one (%s)", path, exc)
        return {}
    sources = data.get("sources") if isinstance(data, dict) else None
    return dict(sources) if isinstance(sources, dict) else {}


def update_kb(dest: str | os.PathLike[str], sources: list[Source] | None = None, *,
              progress: ProgressFn | None = None, timeout: float = 60,
              limits: UpdateLimits | None = None) -> UpdateSummary:
    """Download every source (default: ``kb/data/sources.tsv``) into ``dest``; see the module doc.

    ``timeout`` is in seconds for each network operation (connecting, each read). Failures of a
    source are in the summary, not raised; only an unusable ``dest`` raises (E049).
    """
    dest = Path(dest)
    limits = limits or UpdateLimits()
    sources = load_sources() if sources is None else sources
    try:
        dest.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".kb-update-", dir=dest))
    except OSError as exc:
        raise WhipcountError(E.E049.format(path=dest, detail=exc)) from exc
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
    summary = UpdateSummary(dest)
    records = read_sources_json(dest)
    try:
        for number, source in enumerate(sources):
            problem = _name_problem(source.name, source.kind) if source.kind in SOURCE_KINDS else "unknown kind"
            try:
                if problem:
                    raise _SourceFailed(E.E043.format(name=source.name, url=source.url, detail=problem))
                result = _update_one(source, dest, work, number, records, opener=opener, limits=limits,
                                     timeout=timeout, progress=progress)
            except _SourceFailed as exc:
                message = " ".join(str(exc).split())  # one line, even for a YAML parser's message
                LOGGER.warning("%s", message)
                summary.failed.append(SourceFailure(source.name, source.url, message))
                continue
            LOGGER.info("%s: %s, %d people", source.name, "updated" if result.changed else "unchanged",
                        result.people)
            summary.updated.append(result)
            record: dict[str, Any] = {
                "url": source.url, "description": source.description,
                "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "sha256": result.sha256, "bytes": result.bytes, "people": result.people}
            if source.kind == "openstates-archive":
                record.update(files=result.files, unsafe_entries=result.unsafe_entries)
            records[source.name] = record
        if summary.updated:
            tmp = work / SOURCES_JSON
            try:
                tmp.write_text(json.dumps({"sources": records}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
                os.replace(tmp, dest / SOURCES_JSON)
            except OSError as exc:
                raise WhipcountError(E.E049.format(path=dest, detail=f"cannot write {SOURCES_JSON}: {exc}")) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary
