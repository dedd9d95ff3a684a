"""Ingest: files, folders and stdin to Articles. Format detection and dispatch live here only.

``iter_articles(paths, settings)`` yields an :class:`~whipcount.models.Article` for every
article it finds and an :class:`~whipcount.models.IngestError` for every item it cannot read;
it never raises for a bad input.

Formats (``detect_format`` names): ``txt``, ``html``, ``jsonl``, ``warc``, ``feed`` (RSS/Atom),
each also gzip-compressed (``txt.gz`` ...), and ``unknown``. The file extension decides when it
is a known one; the first bytes decide otherwise (and always for gzip, by its magic bytes, and
for stdin). A ``.xml``/``.rdf`` file is a feed only if it looks like one.

Folders are read recursively in sorted order, at most ``max_nesting`` levels deep (a deeper
folder is reported, E007). Hidden files and folders (``.name``) are skipped,
and so, silently, are files whose extension says they are not articles (images, JSON, CSV,
PDF, ...: see ``NOT_ARTICLE_EXTENSIONS``). Other files in folders whose format cannot be told
from the extension are sniffed; plain text without a ``.txt`` extension is not taken as an
article inside a folder (a README is not news) and is reported as E002, like any unreadable
file named on the command line. Broken symbolic links, pipes and devices in folders are
reported (E006), never opened; a text that looks like binary data is E009.

Limits (``Settings``): files read whole (txt, html, feeds) may not be larger than
``max_file_bytes``, before or after un-gzipping; gzip data may not decompress to more than
``max_decompressed_bytes``; WARC
and JSONL are streamed, so for them ``max_file_bytes`` bounds one record or line. Every text
longer than ``max_article_chars`` is an error item.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..config import Settings
from ..errors import E, InputError
from ..models import Article, IngestError
from .common import STDIN, Item, html_bytes_to_article, stem_of
from .decode import bom_encoding
from .feeds import iter_feed
from .jsonl import iter_jsonl
from .streams import (CHUNK, GZIP_MAGIC, PrefixedReader, gunzip_head, gunzip_stream,
                      read_limited)
from .text import text_to_article
from .warc import iter_warc

LOGGER = logging.getLogger(__name__)

__all__ = ["iter_articles", "count_inputs", "detect_format", "FORMATS", "NOT_ARTICLE_EXTENSIONS"]

FORMATS: tuple[str, ...] = ("txt", "html", "jsonl", "warc", "feed")
HEAD_BYTES = 8192

_EXTENSIONS: dict[str, str] = {
    "txt": "txt", "text": "txt",
    "html": "html", "htm": "html", "xhtml": "html", "shtml": "html",
    "jsonl": "jsonl", "ndjson": "jsonl", "jsonlines": "jsonl",
    "warc": "warc",
    "rss": "feed", "atom": "feed",
}
_XML_EXTENSIONS = frozenset({"xml", "rdf"})

NOT_ARTICLE_EXTENSIONS: frozenset[str] = frozenset("""
    png jpg jpeg gif webp svg ico bmp tif tiff heic avif
    mp3 mp4 m4a wav ogg flac avi mov mkv webm
    pdf doc docx odt rtf xls xlsx ods ppt pptx epub
    json csv tsv parquet arrow feather pkl pickle npy npz db sqlite sqlite3 duckdb
    md rst py pyc js mjs css map yaml yml toml ini cfg conf log sql sh bat
    ann conll xmi srt vtt
    zip tar tgz bz2 xz zst 7z rar lz4 cdx cdxj idx
    woff woff2 ttf otf eot exe dll so dylib bin dat lock tmp bak part swp crdownload
""".split())

_FEED_MARK = re.compile(r"<(?:rss|feed|rdf:rdf)[\s>]")
_HTML_MARK = re.compile(r"<(?:!doctype\s+html|html|head|body|article|p|div)[\s>/]")


# ---------------------------------------------------------------- detection

def detect_format(path: str, head: bytes) -> str:
    """The format of ``path`` whose first bytes are ``head``: one of ``FORMATS``, optionally
    with ``.gz`` appended (``"jsonl.gz"``), or ``"unknown"`` / ``"unknown.gz"``.

    A known extension decides (``x.txt``, ``x.txt.gz``); otherwise the content is sniffed: WARC
    version line, RSS/Atom root, HTML tags, a JSON object, or readable text (``txt``). Gzip is
    recognised by its magic bytes whatever the name says, and a ``.gz`` name means gzip too.
    """
    fmt, gz, _ = _detect(path, head)
    return f"{fmt}.gz" if gz else fmt


def _detect(path: str, head: bytes) -> tuple[str, bool, bool]:
    """(format, gzip?, decided by extension?) — see :func:`detect_format`."""
    name = os.path.basename(path).lower()
    has_gz_ext = name.endswith(".gz")
    # A ".gz" name without gzip bytes is a broken gzip file (reported as E008), not plain text.
    gz = head.startswith(GZIP_MAGIC) or has_gz_ext
    inner_name = name[:-3] if has_gz_ext else name
    ext = os.path.splitext(inner_name)[1].lstrip(".")
    inner = (gunzip_head(head) if gz else head) or b""
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext], gz, True
    sniffed = sniff_format(inner)
    if ext in _XML_EXTENSIONS:
        if not inner:
            return "feed", gz, True
        return (sniffed if sniffed in ("feed", "html") else "unknown"), gz, True
    return sniffed, gz, False


def sniff_format(head: bytes) -> str:
    """The format the first (decompressed) bytes of an input suggest, or ``"unknown"``."""
    if not head:
        return "unknown"
    if head.startswith(b"WARC/"):
        return "warc"
    found = bom_encoding(head)
    if found is not None:
        text = head[found[1]:].decode(found[0], "ignore")
    else:
        if b"\x00" in head:
            return "unknown"
        text = head.decode("utf-8", "ignore") or head.decode("latin-1")
    start = text.lstrip()[:4096].lower()
    if start.startswith("<"):
        if _FEED_MARK.search(start):
            return "feed"
        if _HTML_MARK.search(start):
            return "html"
    if start.startswith("{"):
        return "jsonl"
    if _looks_like_text(text):
        return "txt"
    return "unknown"


def _looks_like_text(text: str) -> bool:
    if not text.strip():
        return True
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    return controls <= len(text) // 100


def _not_an_article(name: str) -> bool:
    """True for file names that say the file is no article (used inside folders only)."""
    low = name.lower()
    if low.endswith("~"):
        return True
    if low.endswith(".gz"):
        low = low[:-3]
    return os.path.splitext(low)[1].lstrip(".") in NOT_ARTICLE_EXTENSIONS


# ---------------------------------------------------------------- walking

def _expand(paths: Iterable[str], max_depth: int = Settings.max_nesting
            ) -> Iterator[tuple[str, bool] | IngestError]:
    """Every input file as (path as given or joined below a given folder, named explicitly?)."""
    if isinstance(paths, str):
        paths = [paths]
    for path in paths:
        if path == STDIN:
            yield path, True
        elif os.path.isdir(path):
            yield from _walk(path, {os.path.realpath(path)}, max_depth)
        elif os.path.exists(path):
            yield path, True
        else:
            yield IngestError(path, E.E001.format(path=path))


def _walk(folder: str, seen: set[str], max_depth: int,
          depth: int = 0) -> Iterator[tuple[str, bool] | IngestError]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield IngestError(folder, E.E006.format(path=folder, detail=f"cannot list the folder ({exc.strerror or exc})"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
            is_link = entry.is_symlink()
        except OSError:
            is_dir = is_file = is_link = False
        if is_dir:
            real = os.path.realpath(entry.path)
            if real in seen:  # a symlink loop must not walk forever
                continue
            if depth >= max_depth:
                yield IngestError(entry.path, E.E007.format(
                    path=entry.path, what="folder nesting", size=depth + 1, unit="levels",
                    limit=max_depth, setting="max_nesting") + " (folder not read)")
                continue
            yield from _walk(entry.path, seen | {real}, max_depth, depth + 1)
        elif is_file:
            if _not_an_article(entry.name):
                LOGGER.debug("skipping %s: not an article file", entry.path)
                continue
            yield entry.path, False
        elif not _not_an_article(entry.name):
            detail = ("a broken symbolic link" if is_link
                      else "not a regular file (a pipe, socket or device)")
            yield IngestError(entry.path, E.E006.format(path=entry.path, detail=f"cannot open ({detail})"))


# ---------------------------------------------------------------- reading

def iter_articles(paths: Iterable[str], settings: Settings | None = None) -> Iterator[Article | IngestError]:
    """Yield every Article in ``paths`` (files, folders, ``"-"`` for stdin), and an IngestError
    for every item that cannot be read. Never raises for a bad input.

    Example: ``for item in iter_articles(["news/", "feed.xml"]): ...``
    """
    settings = settings or Settings()
    for entry in _expand(paths, settings.max_nesting):
        if isinstance(entry, IngestError):
            yield entry
            continue
        path, explicit = entry
        try:
            yield from _read_one(path, explicit, settings)
        except Exception as exc:  # last resort: one file's surprise must not end the batch
            LOGGER.exception("unexpected error reading %s", path)
            yield IngestError(path, E.E006.format(
                path=path, detail=f"unexpected error: {type(exc).__name__}: {exc}"))


def _read_one(path: str, explicit: bool, settings: Settings) -> Iterator[Item]:
    if path == STDIN:
        yield from _read_stdin(settings)
        return
    try:
        f = open(path, "rb")
    except OSError as exc:
        yield IngestError(path, E.E006.format(path=path, detail=f"cannot open ({exc.strerror or exc})"))
        return
    with f:
        try:
            size = os.fstat(f.fileno()).st_size
            head = f.read(HEAD_BYTES)
        except OSError as exc:
            yield IngestError(path, E.E006.format(path=path, detail=f"cannot read ({exc.strerror or exc})"))
            return
        fmt, gz, by_ext = _detect(path, head)
        problem = _unreadable(path, fmt, gz, by_ext, explicit, head)
        if problem is not None:
            yield problem
            return
        if fmt == "warc":
            f.close()
            yield from iter_warc(path, path, settings)
            return
        f.seek(0)
        yield from _read_stream(f, fmt, gz, path, stem_of(path), settings, size=size)


def _unreadable(path: str, fmt: str, gz: bool, by_ext: bool, explicit: bool,
                head: bytes) -> IngestError | None:
    """The error for a file whose format is not one whipcount reads (or whose gzip is broken)."""
    if gz and fmt != "warc" and gunzip_head(head) is None:  # FastWARC sniffs WARC compression itself
        detail = "empty file" if not head else "the data does not decompress"
        return IngestError(path, E.E008.format(path=path, kind="gzip file", detail=detail))
    if fmt == "unknown":
        return IngestError(path, E.E002.format(path=path))
    if fmt == "txt" and not by_ext and not explicit:
        return IngestError(path, E.E002.format(path=path) + " (plain text inside a folder is read "
                           "only from .txt files)")
    return None


def _read_stdin(settings: Settings) -> Iterator[Item]:
    raw: BinaryIO = sys.stdin.buffer
    head = raw.read(HEAD_BYTES)
    fmt, gz, by_ext = _detect(STDIN, head)
    if not head:
        yield IngestError(STDIN, E.E005.format(path=STDIN))
        return
    problem = _unreadable(STDIN, fmt, gz, by_ext, True, head)
    if problem is not None:
        yield problem
        return
    stream: BinaryIO = io.BufferedReader(PrefixedReader(head, raw), buffer_size=CHUNK)
    if fmt == "warc":
        if gz:  # un-gzip in Python: a cut-off stream then raises instead of ending quietly
            stream = gunzip_stream(stream, STDIN, None)
        yield from iter_warc(stream, STDIN, settings)
        return
    yield from _read_stream(stream, fmt, gz, STDIN, stem_of(STDIN), settings, size=None)


def _read_stream(stream: BinaryIO, fmt: str, gz: bool, source: str, stem: str,
                 settings: Settings, size: int | None) -> Iterator[Item]:
    """Dispatch a (possibly gzip) byte stream of a known, non-WARC format to its reader."""
    if gz:
        stream = gunzip_stream(stream, source, settings.max_decompressed_bytes)
    if fmt == "jsonl":
        yield from iter_jsonl(stream, source, stem, settings)
        return
    try:
        if size is not None and size > settings.max_file_bytes:
            raise InputError(E.E007.format(path=source, what="file", size=size, unit="bytes",
                                           limit=settings.max_file_bytes, setting="max_file_bytes"))
        if gz:  # a file read whole may not decompress to more than it may be uncompressed
            limit, setting = min((settings.max_decompressed_bytes, "max_decompressed_bytes"),
                                 (settings.max_file_bytes, "max_file_bytes"))
            data = read_limited(stream, source, limit, what="decompressed data", setting=setting)
        else:
            data = read_limited(stream, source, settings.max_file_bytes)
    except InputError as exc:
        yield IngestError(source, str(exc))
        return
    except OSError as exc:
        yield IngestError(source, E.E006.format(path=source, detail=f"cannot read ({exc.strerror or exc})"))
        return
    if fmt == "txt":
        yield text_to_article(data, source, stem, settings)
    elif fmt == "html":
        if not data.strip():
            yield IngestError(source, E.E005.format(path=source))
        else:
            yield html_bytes_to_article(data, source, stem, settings)
    elif fmt == "feed":
        yield from iter_feed(data, source, stem, settings)
    else:  # _detect only returns formats handled above
        yield IngestError(source, E.E002.format(path=source))


# ---------------------------------------------------------------- counting

def count_inputs(paths: Iterable[str], settings: Settings | None = None) -> int:
    """A cheap estimate of how many items ``iter_articles(paths)`` yields, for a progress bar.

    A file counts 1, a JSONL file its lines (gzip ones are decompressed to count), a feed its
    ``<item>``/``<entry>`` tags; a WARC file and stdin count 1 (only a full parse would tell).
    """
    settings = settings or Settings()
    total = 0
    for entry in _expand(paths, settings.max_nesting):
        if isinstance(entry, IngestError):
            total += 1
            continue
        path, _ = entry
        if path == STDIN:
            total += 1
            continue
        try:
            total += _count_file(path, settings)
        except (OSError, InputError):
            total += 1
    return total


def _count_file(path: str, settings: Settings) -> int:
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
        fmt, gz, _ = _detect(path, head)
        if fmt not in ("jsonl", "feed"):
            return 1
        f.seek(0)
        stream: BinaryIO = gunzip_stream(f, path, settings.max_decompressed_bytes) if gz else f
        if fmt == "feed":
            data = read_limited(stream, path, settings.max_file_bytes)
            return max(1, data.count(b"<item") + data.count(b"<entry"))
        lines, last = 0, b"\n"
        while chunk := stream.read(CHUNK):
            lines += chunk.count(b"\n")
            last = chunk
        return max(1, lines + (0 if last.endswith(b"\n") else 1))
