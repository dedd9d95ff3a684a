"""WARC archives (``.warc``, ``.warc.gz``) through FastWARC: one article per HTML response.

Only ``response`` records with HTTP status 200 and a ``text/html`` or ``application/xhtml+xml``
payload are read; requests, metadata, images and redirects are passed over. Each page goes
through :func:`whipcount.ingest.html.html_to_article`.

- ``id``: the WARC-Record-ID without its angle brackets, and without ``urn:uuid:`` when it is a
  UUID (``<urn:uuid:0f4c...>`` -> ``0f4c...``).
- ``url``: WARC-Target-URI. ``published``: the page's own date, else the date of WARC-Date.
- ``source``: the archive's path as given.

FastWARC does not complain about an archive cut short: it hands out the partial record, or
nothing. So the reader checks what it can (records without Content-Length or WARC-Record-ID, a
gzip member without its end, a plain archive that does not end with a record's closing blank
line) and yields one E008 IngestError naming the file after the records it could read.
The archive is streamed; no page may be larger than ``settings.max_file_bytes``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import BinaryIO, cast

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..config import Settings
from ..errors import E, InputError
from ..models import IngestError
from .common import Item, html_bytes_to_article, iso_date
from .streams import GZIP_MAGIC, TailReader, gzip_members_complete

LOGGER = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def record_article_id(record_id: str) -> str:
    """A WARC-Record-ID as an article id: ``<urn:uuid:X>`` -> ``X``; other URIs lose only ``<>``."""
    rid = record_id.strip()
    if rid.startswith("<") and rid.endswith(">"):
        rid = rid[1:-1].strip()
    if rid.lower().startswith("urn:uuid:"):
        rid = rid[len("urn:uuid:"):]
    return rid


def iter_warc(source_or_stream: str | BinaryIO, source: str,
              settings: Settings | None = None) -> Iterator[Item]:
    """Yield an Article (or an IngestError) for every HTML response in a WARC file or stream.

    Give a path to let FastWARC read (and un-gzip) the file natively; give a binary stream
    (stdin, un-gzipped by :class:`~whipcount.ingest.streams.GzipLimitReader`) otherwise.
    Each page is held back until the next record starts or the end is checked, so a record cut
    off at the end of the archive never yields a partial article.
    """
    settings = settings or Settings()
    path = source_or_stream if isinstance(source_or_stream, str) else None
    tail = None if path is not None else TailReader(source_or_stream)  # type: ignore[arg-type]
    broken: str | None = None
    last_cut = False  # is the last record read the one cut short?
    pending: Item | None = None
    last_pos = 0
    seen = 0
    try:
        # A path lets FastWARC read natively; fsspec is off so a path is never taken for a URL.
        reader = path if path is not None else cast(BinaryIO, tail)
        records = ArchiveIterator(reader, parse_http=True, auto_decode="all", fsspec_args=False)
        for record in records:
            if pending is not None:  # a new record began: the previous one is whole
                yield pending
                pending = None
            seen += 1
            last_pos = record.stream_pos
            headers = record.headers
            if not headers.get("Content-Length") or not headers.get("WARC-Record-ID"):
                broken = f"record {seen} (at byte {last_pos}) has no complete WARC header"
                break
            if record.record_type == WarcRecordType.response:
                pending = _response_to_item(record, source, settings)
    # An error while FastWARC looks for the next record leaves the page already read whole.
    except InputError as exc:  # from a stream we gave FastWARC (stdin through gunzip)
        broken = str(exc)
    except (OSError, ValueError) as exc:
        broken = str(exc) or type(exc).__name__
    if broken is None:
        if path is not None:
            broken = _check_end(path, last_pos)
        elif tail is not None and seen and tail.last != b"\r\n\r\n":
            broken = _CUT
        last_cut = broken is not None and broken != _NEXT_MEMBER_CUT
    if pending is not None and not (broken and last_cut):
        yield pending
    if broken is None and seen == 0:  # e.g. an empty gzip member: nothing to read, say so
        yield IngestError(source, E.E005.format(path=source) + " (no WARC record)")
        return
    if broken is not None:
        if seen == 0 and not broken.startswith("E0"):
            broken = f"{broken} (no WARC record could be read)"
        elif pending is not None and last_cut:
            broken = f"{broken}; its last HTML page was dropped"
        reason = broken if broken.startswith("E0") else E.E008.format(
            path=source, kind="WARC archive", detail=broken)
        LOGGER.info("%s", reason)  # reported as an IngestError; a warning would say it twice
        yield IngestError(source, reason)


def _response_to_item(record: WarcRecord, source: str, settings: Settings) -> Item | None:
    """The article in one response record; None for records that are not HTML pages."""
    http = record.http_headers
    if http is None or http.status_code != 200:
        return None
    ctype = (record.http_content_type or "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        return None
    rid = record_article_id(record.headers.get("WARC-Record-ID") or "")
    url = record.headers.get("WARC-Target-URI") or None
    where = f"{source} [{url or rid}]"
    limit = settings.max_file_bytes
    data = record.reader.read(limit + 1)
    if len(data) > limit:
        return IngestError(source, E.E007.format(
            path=where, what="page", size=len(data), unit="bytes", limit=limit,
            setting="max_file_bytes") + " (record skipped)")
    try:
        item = html_bytes_to_article(data, where, rid, settings, url=url,
                                     charset=record.http_charset)
    except Exception as exc:  # one bad page must not lose the rest of the archive
        LOGGER.exception("HTML extraction failed on %s", where)
        return IngestError(source, E.E006.format(path=where, detail=f"HTML extraction failed: {exc}"))
    if isinstance(item, IngestError):
        return IngestError(source, item.reason, item.line)
    item.source = source
    if item.url is None:
        item.url = url
    if item.published is None:
        item.published = iso_date(record.headers.get("WARC-Date"))
    return item


_CUT = "the last record is cut short (the archive does not end with a record's closing blank line)"
_NEXT_MEMBER_CUT = "the gzip member after the last record read is cut short"


def _check_end(path: str, last_pos: int) -> str | None:
    """Why the archive looks cut short after its last record, or None when it ends cleanly."""
    try:
        with open(path, "rb") as f:
            gz = f.read(2) == GZIP_MAGIC
            if not gz:
                size = os.fstat(f.fileno()).st_size
                if size == 0:
                    return "empty file"
                f.seek(max(0, size - 4))
                return None if f.read(4) == b"\r\n\r\n" else _CUT
        whole, reason = gzip_members_complete(path, last_pos)
        if reason is None:
            return None
        # The member holding the last record read was whole: only what came after it is lost.
        return _NEXT_MEMBER_CUT if whole else f"gzip data after byte {last_pos}: {reason}"
    except OSError as exc:
        return str(exc)
