"""Bytes to text, the same way for every input format.

The rules, in order:

1. A byte-order mark decides: UTF-8, UTF-16 (LE/BE) or UTF-32 (LE/BE). The BOM itself is not
   text and is dropped, so ``Article.text`` starts at the first real character (an editor that
   opens the file as ``utf-8-sig`` or UTF-16 shows the same characters at the same offsets).
2. Without a BOM, valid UTF-8 is UTF-8 (this is right for nearly every modern file, whatever a
   stale ``<meta charset>`` says).
3. Otherwise a declared encoding (``<meta charset>``, an HTTP ``Content-Type`` charset) is used
   when Python knows it and it decodes the bytes.
4. Otherwise cp1252 (Windows "smart quotes"), and Latin-1 as the last resort: Latin-1 maps every
   byte, so decoding never fails on BOM-less input.

UTF-16 without a BOM is recognised only by its NUL bytes: when most bytes at odd positions
are NUL and hardly any at even positions (or the other way round), which is what Latin-script
text in UTF-16 looks like; such bytes are valid UTF-8 full of NULs otherwise. Line endings are kept as they are (no ``\\r\\n`` folding):
offsets must point into the user's file.
"""

from __future__ import annotations

import codecs
import logging
import re

LOGGER = logging.getLogger(__name__)

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{1,40})""", re.IGNORECASE)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the BOM's length, or None without a BOM."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode one input file (or record) to ``str`` by the rules in the module docstring.

    ``declared`` is an encoding the container names (HTML meta, HTTP header); it is only a hint.
    Raises ``UnicodeDecodeError`` only when a BOM promises an encoding the bytes break
    (e.g. UTF-16 with an odd number of bytes).
    """
    found = bom_encoding(data)
    if found is not None:
        name, size = found
        return data[size:].decode(name)
    guess = utf16_without_bom(data)
    if guess is not None:
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        codec = _known_codec(declared)
        # As browsers do (WHATWG), a page that says Latin-1 or ASCII means cp1252.
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"
        if codec is not None and codec not in ("utf-8", "utf-16", "utf-32"):
            try:
                return data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                LOGGER.debug("declared encoding %s does not decode the bytes", declared)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
        return data.decode("latin-1")


def utf16_without_bom(data: bytes, sample: int = 4096) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when BOM-less bytes look like UTF-16 text, else None."""
    head = data[:sample]
    if len(head) < 4 or len(data) % 2 or b"\0" not in head:
        return None
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 0.4 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def html_declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag in the first 4 KB of an HTML page declares, or None."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
