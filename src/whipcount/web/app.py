"""The web app: a JSON API under ``/api`` and server-rendered pages, over one store.

``create_app(store_url, token=None)`` opens the store once and returns a FastAPI app; ``whipcount
serve`` runs it with uvicorn. Without a token the app is read-only. Errors from ``/api`` have
one shape everywhere, ``{"ok": false, "error": "...", "status": N}``; the pages answer errors
with an HTML page of the same status.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from .. import __version__
from ..config import Settings
from ..errors import StoreError, WhipcountError
from ..store.base import open_store
from .security import DEFAULT_MAX_BODY_BYTES, GuardMiddleware

LOGGER = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TOKEN_ENV = "WHIPCOUNT_TOKEN"


def error_body(status: int, error: str) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"ok": False, "error": error, "status": status}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every {{ }} is escaped, in every template
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)
    return Jinja2Templates(env=env)


def create_app(store_url: str, token: str | None = None, *, settings: Settings | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, create: bool = False) -> FastAPI:
    """The FastAPI app over the store at ``store_url``.

    ``token`` enables writes (submitting articles, reviewing facts); None means read-only.
    ``settings`` are used to extract submitted articles. The store must exist unless ``create``.
    """
    from . import api, pages  # late: both import this module for error_body

    create = create or store_url.strip() in (":memory:", "sqlite://:memory:")
    store = open_store(store_url, create=create)  # now, so a bad URL fails before serving

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # a server may start, stop and start again (test clients do): reopen after a close
        if app.state.store is None:
            app.state.store = open_store(store_url, create=create)
        yield
        app.state.store.close()
        app.state.store = None

    app = FastAPI(title="whipcount", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # their UI comes from a CDN; the schema stays
                  description="Who backs whom, who said what, and the sentence behind every fact. "
                              "Read-only unless the server has a token.")
    app.state.store = store
    app.state.token = token or None
    app.state.settings = settings or Settings()
    app.state.templates = _templates()
    app.state.templates.env.globals.update(url=pages.url, seg=pages.seg)  # for macros too
    app.add_middleware(GuardMiddleware, max_body_bytes=max_body_bytes)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    def wants_json(request: Request) -> bool:
        return request.url.path == "/api" or request.url.path.startswith("/api/") \
            or request.url.path == "/openapi.json"

    def error_response(request: Request, status: int, message: str,
                       headers: dict[str, str] | None = None) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, message), status_code=status, headers=headers)
        return pages.error_page(request, status, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"not found: {request.url.path}"
        return error_response(request, exc.status_code, message,
                              getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        LOGGER.warning("store error on %s: %s", request.url.path, exc)
        return error_response(request, 400, str(exc))

    @app.exception_handler(WhipcountError)
    async def usage_error(request: Request, exc: WhipcountError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        LOGGER.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "internal server error")

    return app


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory whipcount.web.app:app_from_env`` ($WHIPCOUNT_DB, $WHIPCOUNT_TOKEN)."""
    from ..config import resolve_db_url

    return create_app(resolve_db_url(None), os.environ.get(TOKEN_ENV))

