"""A bounded cache of whole GET answers, kept until the store's data version moves.

A public page or API answer is a function of its URL and of the stored data, so it can be
served again until :meth:`~whipcount.store.base.Store.data_version` changes (an article stored
or a fact reviewed, by this process or another); the cache then empties itself. Left out:
requests with a cookie or an Authorization header (a reviewer's pages differ), the login and
review pages, static files (they have their own validators), methods other than GET, answers
other than 200 or that set a cookie, and bodies over ``max_item_bytes``. The cache holds at
most ``max_entries`` answers and ``max_bytes`` of bodies, dropping the least recently used.

Every cached answer carries an ETag (a hash of its body) and ``Cache-Control: no-cache``, so a
browser revalidates with If-None-Match and gets a 304 while the data is unchanged; and
``X-Cache: hit`` or ``miss``, for whoever measures the server.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER = logging.getLogger(__name__)

UNCACHED_PREFIXES = ("/static", "/login", "/logout", "/review", "/api/review")


@dataclass(frozen=True)
class CachedAnswer:
    """One answer as sent: status, headers (with its ETag), body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes


class ResponseCache:
    """LRU of answers by (path, query) for one data version; thread-safe."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024,
                 max_item_bytes: int = 2 * 1024 * 1024) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.max_item_bytes = max_item_bytes
        self._items: OrderedDict[tuple[str, bytes], CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._version: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: str, key: tuple[str, bytes]) -> CachedAnswer | None:
        """The answer cached for ``key`` at ``version``; a new version empties the cache."""
        with self._lock:
            if version != self._version:
                self._items.clear()
                self._bytes = 0
                self._version = version
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, version: str, key: tuple[str, bytes], answer: CachedAnswer) -> None:
        """Keep ``answer``, unless the data version moved while it was being made."""
        if len(answer.body) > self.max_item_bytes:
            return
        with self._lock:
            if version != self._version:
                return
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = answer
            self._bytes += len(answer.body)
            while self._items and (len(self._items) > self.max_entries
                                   or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._items)


def etag_of(body: bytes) -> bytes:
    """A strong ETag for ``body``."""
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def cacheable(scope: Scope) -> bool:
    """Whether the request's answer may come from (and go to) the shared cache."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    if scope["path"].startswith(UNCACHED_PREFIXES):
        return False
    return not any(name in (b"cookie", b"authorization") for name, _ in scope["headers"])


def _matches(scope: Scope, etag: bytes) -> bool:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return any(tag.strip().removeprefix(b"W/") in (etag, b"*") for tag in value.split(b","))
    return False


async def _send_answer(scope: Scope, send: Send, answer: CachedAnswer, hit: bool) -> None:
    state = (b"x-cache", b"hit" if hit else b"miss")
    if _matches(scope, answer.etag):
        headers = [(k, v) for k, v in answer.headers if k in (b"etag", b"cache-control")]
        await send({"type": "http.response.start", "status": 304, "headers": [*headers, state]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": answer.status,
                "headers": [*answer.headers, state]})
    await send({"type": "http.response.body", "body": answer.body})


class CacheMiddleware:
    """ASGI middleware serving cacheable GETs from a :class:`ResponseCache`.

    ``version`` returns the store's current data version; it runs in a worker thread since it
    asks the store (a database round trip on PostgreSQL)."""

    def __init__(self, app: ASGIApp, cache: ResponseCache, version: Callable[[], str]) -> None:
        self.app = app
        self.cache = cache
        self.version = version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not cacheable(scope):
            await self.app(scope, receive, send)
            return
        try:
            version = await anyio.to_thread.run_sync(self.version)
        except Exception:  # a store that cannot answer: the app itself answers with the error
            LOGGER.warning("response cache bypassed: no data version", exc_info=True)
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"])
        answer = self.cache.get(version, key)
        if answer is not None:
            await _send_answer(scope, send, answer, hit=True)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # not kept: messages go straight through

        async def keep(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                headers = message.get("headers") or []
                if message["status"] != 200 or any(k.lower() == b"set-cookie" for k, _ in headers):
                    passing = True
                    await send(message)
                else:
                    start = message
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > self.cache.max_item_bytes:  # too big to keep: send what we hold
                    passing = True
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks),
                                "more_body": more})
                elif not more:
                    body = b"".join(chunks)
                    etag = etag_of(body)
                    headers = tuple((k, v) for k, v in start.get("headers") or []
                                    if k.lower() not in (b"etag", b"cache-control"))
                    answer = CachedAnswer(start["status"], headers + (
                        (b"etag", etag), (b"cache-control", b"no-cache")), body, etag)
                    self.cache.put(version, key, answer)
                    await _send_answer(scope, send, answer, hit=False)
            else:
                await send(message)

        await self.app(scope, receive, keep)
