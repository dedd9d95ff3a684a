"""JSON Lines: one article per line.

Each line is a JSON object with ``text`` (a non-empty string, taken exactly as given) and,
optionally, ``id``, ``title``, ``url``, ``published`` and ``authors`` (a list of names, or
``author``: one name). The id defaults to ``<file stem>-<line number>``. Blank lines are
skipped; a file with no other line is one E005 error. A bad line becomes an IngestError with its
line number; the other lines still yield.

The file is read a line at a time, so its size is not limited; one line may not be longer than
``settings.max_file_bytes``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..config import Settings
from ..errors import E, InputError
from ..models import Article, IngestError
from .common import Item, check_article, iso_date
from .decode import decode_bytes

LOGGER = logging.getLogger(__name__)


def iter_jsonl(stream: BinaryIO, source: str, stem: str,
               settings: Settings | None = None) -> Iterator[Item]:
    """Yield an Article or an IngestError for every non-blank line of a JSONL byte stream."""
    settings = settings or Settings()
    limit = settings.max_file_bytes
    lineno = 0
    blank_only = True
    while True:
        try:
            raw = stream.readline(limit + 1)
        except InputError as exc:  # gzip trouble or a limit in the stream under us
            yield IngestError(source, str(exc), line=lineno + 1)
            return
        if not raw:
            if blank_only:
                yield IngestError(source, E.E005.format(path=source))
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            blank_only = False
            yield IngestError(source, E.E007.format(
                path=source, what=f"line {lineno}", size=len(raw), unit="bytes", limit=limit,
                setting="max_file_bytes") + " (line skipped)", line=lineno)
            if not _skip_rest_of_line(stream, limit, source, lineno):
                return
            continue
        if lineno == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        blank_only = False
        yield line_to_article(raw, source, stem, lineno, settings)


def line_to_article(raw: bytes, source: str, stem: str, lineno: int, settings: Settings) -> Item:
    """One JSONL line as an Article, or an IngestError (E004) saying what is wrong with it."""
    def bad(detail: str) -> IngestError:
        return IngestError(source, E.E004.format(path=source, line=lineno, detail=detail), line=lineno)

    try:
        obj = json.loads(decode_bytes(raw))
    except UnicodeDecodeError as exc:
        return bad(f"cannot decode the line ({exc})")
    except json.JSONDecodeError as exc:
        return bad(f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})")
    except RecursionError:
        return bad("JSON nested too deeply to read")
    if not isinstance(obj, dict):
        return bad(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        return bad('no "text" field')
    if not isinstance(text, str):
        return bad(f'"text" must be a string, not {type(text).__name__}')
    if not text.strip():
        return bad('"text" is empty')
    article = Article(
        id=_id(obj.get("id")) or f"{stem}-{lineno}",
        source=source,
        text=text,
        title=_str(obj.get("title")),
        url=_str(obj.get("url")),
        published=_published(obj.get("published")),
        authors=_authors(obj),
    )
    return check_article(article, settings, line=lineno)


def _skip_rest_of_line(stream: BinaryIO, limit: int, source: str, lineno: int) -> bool:
    """Read past the end of an over-long line; False at the end of the stream."""
    while True:
        try:
            part = stream.readline(limit + 1)
        except InputError:
            return False
        if not part:
            return False
        if part.endswith(b"\n"):
            return True


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        return str(value) or None
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _published(value: Any) -> str | None:
    s = _str(value)
    if s is None:
        return None
    # Keep what the user gave when it is ISO-like; other formats are not guessed at.
    return s if iso_date(s) else None


def _authors(obj: dict[str, Any]) -> list[str]:
    authors = obj.get("authors")
    if isinstance(authors, list):
        return [a.strip() for a in authors if isinstance(a, str) and a.strip()]
    if isinstance(authors, str) and authors.strip():
        return [authors.strip()]
    author = obj.get("author")
    if isinstance(author, str) and author.strip():
        return [author.strip()]
    return []
