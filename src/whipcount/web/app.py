"""The web app: a JSON API under ``/api`` and server-rendered pages, over one store.

``create_app(store_url, token=None)`` opens the store once and returns a FastAPI app; ``whipcount
serve`` runs it with uvicorn, and ``serve --workers N`` runs N processes that each build their
own app with :func:`app_from_env`. Without a token the app is read-only. Public GET answers are
kept until the data changes (:mod:`.cache`). Errors from ``/api`` have one shape everywhere,
``{"ok": false, "error": "...", "status": N}``; the pages answer errors with an HTML page of the
same status.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from .. import __version__
from ..config import Settings
from ..errors import StoreError, WhipcountError
from ..store.base import open_store
from .cache import CacheMiddleware, ResponseCache
from .security import DEFAULT_MAX_BODY_BYTES, GuardMiddleware, public_error, refuse_nul_bytes

LOGGER = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DB_ENV = "WHIPCOUNT_DB"
TOKEN_ENV = "WHIPCOUNT_TOKEN"
MODEL_ENV = "WHIPCOUNT_MODEL"
CACHE_ENV = "WHIPCOUNT_RESPONSE_CACHE"


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
        trim_blocks=True, lstrip_blocks=True,
        auto_reload=False)  # the package's templates do not change under a running server
    return Jinja2Templates(env=env)


def create_app(store_url: str, token: str | None = None, *, settings: Settings | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, create: bool = False,
               response_cache: bool = True) -> FastAPI:
    """The FastAPI app over the store at ``store_url``.

    ``token`` enables writes (submitting articles, reviewing facts); None means read-only.
    ``settings`` are used to extract submitted articles. The store must exist unless ``create``.
    ``response_cache`` keeps public GET answers until the data changes (:mod:`.cache`).
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
        cache = app.state.response_cache
        if cache is not None and cache.hits + cache.misses:
            LOGGER.info("response cache: %d hits, %d misses", cache.hits, cache.misses)

    app = FastAPI(title="whipcount", version=__version__, lifespan=lifespan,
                  dependencies=[Depends(refuse_nul_bytes)],
                  docs_url=None, redoc_url=None,  # their UI comes from a CDN; the schema stays
                  description="Who backs whom, who said what, and the sentence behind every fact. "
                              "Read-only unless the server has a token.")
    app.state.store = store
    app.state.summaries = {}  # see api.summary
    app.state.token = token or None
    app.state.settings = settings or Settings()
    app.state.templates = _templates()
    app.state.templates.env.globals.update(url=pages.url, seg=pages.seg)  # for macros too
    app.state.response_cache = ResponseCache() if response_cache else None
    if app.state.response_cache is not None:  # added first: it runs inside the guard
        app.add_middleware(CacheMiddleware, cache=app.state.response_cache,
                           version=lambda: app.state.store.data_version())
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
        return error_response(request, 400, public_error(str(exc), request.app.state.store))

    @app.exception_handler(WhipcountError)
    async def usage_error(request: Request, exc: WhipcountError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        LOGGER.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "internal server error")

    return app


def settings_to_env(store_url: str, token: str | None, model: str | None,
                    response_cache: bool = True) -> None:
    """Put what :func:`app_from_env` reads into this process's environment (for the worker
    processes of ``whipcount serve --workers``, which inherit it)."""
    os.environ[DB_ENV] = store_url
    os.environ[CACHE_ENV] = "1" if response_cache else "0"
    for name, value in ((TOKEN_ENV, token), (MODEL_ENV, model)):
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)


def serve_workers(host: str, port: int, workers: int, log_level: str = "info") -> None:
    """Run ``workers`` uvicorn processes of :func:`app_from_env` on one listening socket
    (what ``uvicorn.run(..., workers=N)`` does, with one fix).

    uvicorn binds that socket without naming TCP as its protocol, so asyncio does not turn
    Nagle's algorithm off on the connections the workers accept (uvicorn issue 3149), and every
    answer on a kept-alive connection then waited about 40 ms for the client's delayed ACK.
    """
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("whipcount.web.app:app_from_env", factory=True, host=host, port=port,
                            workers=workers, log_level=log_level)
    bound = config.bind_socket()
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    sock.set_inheritable(True)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory whipcount.web.app:app_from_env``: the store from
    $WHIPCOUNT_DB, writes allowed with $WHIPCOUNT_TOKEN, submitted articles extracted with
    $WHIPCOUNT_MODEL (default: the standard model), no response cache if
    $WHIPCOUNT_RESPONSE_CACHE is 0."""
    from ..config import DEFAULT_MODEL, resolve_db_url

    return create_app(resolve_db_url(None), os.environ.get(TOKEN_ENV) or None,
                      settings=Settings(model=os.environ.get(MODEL_ENV) or DEFAULT_MODEL),
                      response_cache=os.environ.get(CACHE_ENV, "1") != "0")

