"""What keeps the web app safe to expose: token checks, a request body limit, response headers.

- Writes need the token (``--token`` / ``WHIPCOUNT_TOKEN``): ``Authorization: Bearer TOKEN`` on the
  API, or the session cookie set by the login form on the pages. Every comparison is
  constant-time (:func:`hmac.compare_digest`); the cookie holds an HMAC of the token, never the
  token itself.
- Request bodies over ``max_body_bytes`` are refused with 413, whether or not they declare a
  Content-Length.
- Every response carries a Content-Security-Policy that allows only this server's own scripts
  and styles, so even a missed escape could not run an injected script. No CORS headers are
  sent, so other sites cannot read the API from a browser.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER = logging.getLogger(__name__)

SESSION_COOKIE = "whipcount_session"
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024

SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def _derive(token: str, purpose: str) -> str:
    return hmac.new(token.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).hexdigest()


def token_matches(given: str | None, token: str | None) -> bool:
    """True when ``given`` is the configured token (constant-time); never when none is set."""
    if not token or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def session_value(token: str) -> str:
    """The session cookie's value for ``token``: an HMAC, so the cookie never holds the token."""
    return _derive(token, "whipcount-session-v1")


def csrf_value(token: str) -> str:
    """The hidden form field that review forms post back (checked as well as the cookie)."""
    return _derive(token, "whipcount-csrf-v1")


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def has_session(request: Request, token: str | None) -> bool:
    """True when the request carries a valid session cookie for ``token``."""
    if not token:
        return False
    cookie = request.cookies.get(SESSION_COOKIE)
    return cookie is not None and hmac.compare_digest(cookie.encode("utf-8", "replace"),
                                                      session_value(token).encode("utf-8"))


def require_write(request: Request, token: str | None) -> None:
    """Raise 403 when the server is read-only, 401 when the request lacks the token."""
    if not token:
        raise HTTPException(403, "this server is read-only; start it with --token or "
                                 "WHIPCOUNT_TOKEN to allow writes")
    if not (token_matches(bearer(request), token) or has_session(request, token)):
        raise HTTPException(401, "missing or wrong token: send 'Authorization: Bearer TOKEN'")


NUL_MESSAGE = "the request holds a NUL byte (%00): no stored text has one, so no filter can use it"


async def refuse_nul_bytes(request: Request) -> None:
    """Answer 400 to a URL with a NUL byte (PostgreSQL refuses them in text, and a filter with
    one cannot match anything on either store)."""
    if b"%00" in request.scope["query_string"] or "\x00" in request.scope["path"]:
        raise HTTPException(400, NUL_MESSAGE)


def public_error(message: str, store: Any) -> str:
    """A store error's message without the store's URL or schema name (an error page is no
    place to show where the database is)."""
    for secret in (getattr(store, "url", None), getattr(store, "schema", None)):
        if secret:
            message = message.replace(f" {secret}", "").replace(str(secret), "…")
    return message


class BodyTooLarge(HTTPException):
    """A request body over the limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over the limit of {limit:,} bytes")


class GuardMiddleware:
    """ASGI middleware: the body size limit and the security headers, for every request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_json(send, 413, f"request body is over the limit of {limit:,} bytes")
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


async def _send_json(send: Send, status: int, error: str) -> None:
    import json

    body = json.dumps({"ok": False, "error": error, "status": status}).encode()
    headers: list[Any] = [(b"content-type", b"application/json"),
                          (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
