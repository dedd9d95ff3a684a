"""Byte streams with limits: incremental gzip, bounded reads, and a replayable head for stdin.

Everything here raises :class:`~whipcount.errors.InputError` (with a numbered message naming the
source) for a problem in the input: a corrupt or truncated gzip stream (E008) or a size limit
crossed (E007). The format readers turn those into ``IngestError`` items.
"""

from __future__ import annotations

import io
import zlib
from typing import BinaryIO

from ..errors import E, InputError

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 64 * 1024


class GzipLimitReader(io.RawIOBase):
    """Decompress a gzip stream (every member, as in ``.warc.gz``) a chunk at a time.

    At most ``limit`` decompressed bytes are produced; one more raises E007, so a gzip bomb costs
    one chunk of memory, not gigabytes. Bad data or a stream cut short raises E008.
    Wrap it in ``io.BufferedReader`` for ``readline``.
    """

    def __init__(self, raw: BinaryIO, source: str, limit: int | None,
                 setting: str = "max_decompressed_bytes") -> None:
        super().__init__()
        self._raw = raw
        self._source = source
        self._limit = limit
        self._setting = setting
        self._buf = b""
        self._d: zlib._Decompress | None = None
        self._members = 0
        self._total = 0
        self._done = False

    def readable(self) -> bool:
        return True

    @property
    def total(self) -> int:
        """Decompressed bytes produced so far."""
        return self._total

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(b)
        if want == 0:
            return 0
        while not self._done:
            if not self._buf:
                self._buf = self._raw.read(CHUNK)
                if not self._buf:
                    return self._at_end()
                continue
            if self._d is None:
                # Between members. Some writers pad the last member with NUL bytes.
                self._buf = self._buf.lstrip(b"\0")
                if not self._buf:
                    continue
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._members += 1
            try:
                out = self._d.decompress(self._buf, want)
            except zlib.error as exc:
                raise self._corrupt(str(exc)) from exc
            if self._d.eof:
                self._buf = self._d.unused_data
                self._d = None
            else:
                self._buf = self._d.unconsumed_tail
            if out:
                self._total += len(out)
                if self._limit is not None and self._total > self._limit:
                    raise InputError(E.E007.format(
                        path=self._source, what="decompressed data", size=self._total, unit="bytes",
                        limit=self._limit, setting=self._setting) + " (stopped reading there)")
                n = len(out)
                b[:n] = out
                return n
        return 0

    def _at_end(self) -> int:
        if self._d is not None:
            raise self._corrupt("the compressed data ends in the middle of a gzip member")
        if self._members == 0:
            raise self._corrupt("empty file")
        self._done = True
        return 0

    def _corrupt(self, detail: str) -> InputError:
        return InputError(E.E008.format(path=self._source, kind="gzip file", detail=detail))


class PrefixedReader(io.RawIOBase):
    """A stream that first replays ``head`` (bytes already read to sniff the format), then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(b))
        n = len(data)
        b[:n] = data
        return n


def gunzip_stream(raw: BinaryIO, source: str, limit: int | None) -> io.BufferedReader:
    """A buffered, decompressing, size-limited view of the gzip stream ``raw``."""
    return io.BufferedReader(GzipLimitReader(raw, source, limit), buffer_size=CHUNK)


def read_limited(stream: BinaryIO, source: str, limit: int, what: str = "file",
                 setting: str = "max_file_bytes") -> bytes:
    """Read ``stream`` to the end, or raise E007 as soon as it passes ``limit`` bytes."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:
            raise InputError(E.E007.format(path=source, what=what, size=total, unit="bytes",
                                           limit=limit, setting=setting) + " (stopped reading there)")
        parts.append(chunk)


def gunzip_head(head: bytes, size: int = 4096) -> bytes | None:
    """The first ``size`` decompressed bytes of a gzip stream that starts with ``head``.

    None when ``head`` does not decompress (not gzip, or corrupt from the start).
    """
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
    except zlib.error:
        return None


def gzip_members_complete(path: str, offset: int = 0) -> tuple[int, str | None]:
    """Check that the gzip members of ``path`` from byte ``offset`` on are whole.

    Returns (number of whole members read, None) when all are, else (whole members before the
    broken one, reason). Decompressed data is thrown away a chunk at a time, so a WARC reader
    can cheaply check the tail it could not see whole.
    """
    whole = 0
    with open(path, "rb") as f:
        f.seek(offset)
        d: zlib._Decompress | None = None
        buf = b""
        while True:
            if not buf:
                buf = f.read(CHUNK)
                if not buf:
                    if d is None:
                        return whole, None
                    return whole, "the file ends in the middle of a gzip member"
                continue
            if d is None:
                buf = buf.lstrip(b"\0")
                if not buf:
                    continue
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                d.decompress(buf, CHUNK)
            except zlib.error as exc:
                return whole, str(exc)
            if d.eof:
                buf, d = d.unused_data, None
                whole += 1
            else:
                buf = d.unconsumed_tail


class TailReader(io.RawIOBase):
    """Pass a stream through, remembering its last 4 bytes (a whole WARC ends with CRLF CRLF).

    It also answers ``tell()``, which FastWARC asks of a Python stream (a pipe cannot, and
    FastWARC then panics instead of raising).
    """

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._pos = 0
        self.last = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._pos

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        if n:
            self._pos += n
            self.last = (self.last + data)[-4:]
        return n
