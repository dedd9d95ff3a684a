"""The JSON API: ``/api/...``. Thin: each route checks its parameters and calls one store query.

Lists answer ``{"ok": true, "total", "limit", "offset", "items": [...]}``, or CSV with
``format=csv`` (the same rows, spans split into ``*_start``/``*_end``). Errors answer
``{"ok": false, "error", "status"}`` (see :mod:`whipcount.web.app`). Writes need the token.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from ..export import flat_row
from ..models import ENDORSEMENT_STATUSES, QUOTE_KINDS, Article, IngestError, Record
from ..store.base import REVIEW_STATES, Page, Row, Store
from .security import require_write

LOGGER = logging.getLogger(__name__)

MAX_API_LIMIT = 5000
DEFAULT_API_LIMIT = 50
MAX_OFFSET = 1_000_000_000
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
T = TypeVar("T")


class ErrorOut(BaseModel):
    """The one error shape."""

    ok: Literal[False] = False
    error: str
    status: int


class ListOut(BaseModel):
    """A page of a list."""

    ok: Literal[True] = True
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class ItemOut(BaseModel):
    """One object."""

    model_config = {"extra": "allow"}
    ok: Literal[True] = True


class ArticleIn(BaseModel):
    """An article to extract and store: ``text`` (plain text) or ``html`` (a whole page)."""

    text: str | None = Field(None, description="Plain text; offsets point into it.")
    html: str | None = Field(None, description="An HTML page; its main text is extracted.")
    id: str | None = Field(None, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str | None = Field(None, max_length=1000)
    source: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, pattern=DATE_PATTERN)


class ReviewIn(BaseModel):
    """A review of one fact."""

    state: Literal["confirmed", "rejected"]
    note: str | None = Field(None, max_length=2000)


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 404, 413, 422, 500)}
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

Limit = Annotated[int, Query(ge=0, le=MAX_API_LIMIT, description="At most this many items.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items first.")]
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv.")]
Name = Annotated[str | None, Query(max_length=200, description="Whole words of the name.")]
Rejected = Annotated[bool, Query(description="Include facts reviewed as rejected.")]
Date = Annotated[str | None, Query(pattern=DATE_PATTERN, description="ISO date or prefix (2016, 2016-05).")]


def store_of(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def summary(request: Request, name: str, compute: Callable[[Store], T]) -> T:
    """``compute(store)``, kept until the store's data version changes: for summaries that
    aggregate the whole store (races, counts), the slow queries on a large store."""
    store = store_of(request)
    version = store.data_version()
    summaries: dict[str, tuple[str, Any]] = request.app.state.summaries
    cached = summaries.get(name)
    if cached is None or cached[0] != version:
        cached = (version, compute(store))
        summaries[name] = cached
    value: T = cached[1]
    return value


def races_of(request: Request, include_rejected: bool = False) -> list[Row]:
    """:meth:`Store.races`, cached until the store's data version changes."""
    return summary(request, f"races:{include_rejected}",
                   lambda store: store.races(include_rejected=include_rejected))


# Spreadsheet apps run cells that start like a formula; article text is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: list[Row]) -> str:
    """Rows as CSV (spans split, nested values as JSON, formula-like cells defused)."""
    flat = [flat_row(r) for r in rows]
    columns: list[str] = []
    for r in flat:
        columns += [k for k in r if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    if columns:
        writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in r.items()} for r in flat)
    return out.getvalue()


def page_response(page: Page, fmt: str, name: str) -> Response:
    """A list page as the JSON envelope or as a CSV download."""
    if fmt == "csv":
        return Response(csv_text(page.rows), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    return JSONResponse({"ok": True, "total": page.total, "limit": page.limit,
                         "offset": page.offset, "items": page.rows})


def not_found(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} {key!r}")


def record_json(record: Record, facts: Row, include_rejected: bool) -> dict[str, Any]:
    """The stored record of output-schema.md, each fact with its ``fact_id`` and ``review``;
    rejected facts left out unless ``include_rejected``."""
    data = record.to_dict(with_text=True)
    states: dict[str, Row] = facts["facts"]
    entities: dict[str, str] = facts["entities"]
    for kind in ("people", "organizations"):
        for item in data[kind]:
            item["store_id"] = entities.get(item["id"])
    for kind in ("quotes", "endorsements"):
        kept = []
        for item in data[kind]:
            state = states.get(item["id"], {})
            item["fact_id"], item["review"] = state.get("fact_id"), state.get("review")
            if include_rejected or item["review"] != "rejected":
                kept.append(item)
        data[kind] = kept
    stances = []
    for n, item in enumerate(data["stances"], start=1):
        state = states.get(f"s{n}", {})
        item["fact_id"], item["review"] = state.get("fact_id"), state.get("review")
        if include_rejected or item["review"] != "rejected":
            stances.append(item)
    data["stances"] = stances
    return data


@router.get("/articles", response_model=ListOut, summary="List stored articles, newest first")
def list_articles(request: Request, search: Annotated[str | None, Query(max_length=200)] = None,
                  limit: Limit = DEFAULT_API_LIMIT, offset: Offset = 0,
                  format: Format = "json") -> Response:
    page = store_of(request).find_articles(search=search, limit=limit, offset=offset)
    return page_response(page, format, "articles")


@router.get("/articles/{article_id:path}", response_model=ItemOut,
            summary="The full record of one article")
def get_article(request: Request, article_id: Annotated[str, Path(max_length=300)],
                include_rejected: Rejected = False) -> dict[str, Any]:
    store = store_of(request)
    record = store.get_record(article_id)
    facts = store.article_facts(article_id) if record else None
    if record is None or facts is None:
        raise not_found("article", article_id)
    return {"ok": True, "record": record_json(record, facts, include_rejected)}


@router.get("/endorsements", response_model=ListOut, summary="Endorsements, newest article first")
def list_endorsements(request: Request, endorsee: Name = None, endorser: Name = None,
                      status: Annotated[Literal[ENDORSEMENT_STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
                      office: Annotated[str | None, Query(max_length=200, description="Text in the office.")] = None,
                      race: Annotated[str | None, Query(max_length=200, description="The office, exactly (case-blind).")] = None,
                      since: Date = None, until: Date = None,
                      article: Annotated[str | None, Query(max_length=300)] = None,
                      include_rejected: Rejected = False, limit: Limit = DEFAULT_API_LIMIT,
                      offset: Offset = 0, format: Format = "json") -> Response:
    page = store_of(request).find_endorsements(
        endorsee=endorsee, endorser=endorser, status=status, office=office, race=race,
        since=since, until=until, article=article, include_rejected=include_rejected,
        limit=limit, offset=offset)
    return page_response(page, format, "endorsements")


@router.get("/quotes", response_model=ListOut, summary="Quotes; q is full-text search")
def list_quotes(request: Request, speaker: Name = None,
                q: Annotated[str | None, Query(max_length=500, description='Words, "a phrase", prefix*.')] = None,
                kind: Annotated[Literal[QUOTE_KINDS] | None, Query()] = None,  # type: ignore[valid-type]
                article: Annotated[str | None, Query(max_length=300)] = None,
                include_rejected: Rejected = False, limit: Limit = DEFAULT_API_LIMIT,
                offset: Offset = 0, format: Format = "json") -> Response:
    page = store_of(request).find_quotes(
        speaker=speaker, search=q or None, kind=kind, article=article,
        include_rejected=include_rejected, limit=limit, offset=offset)
    return page_response(page, format, "quotes")


@router.get("/people", response_model=ListOut, summary="People, by name")
def list_people(request: Request, name: Name = None, limit: Limit = DEFAULT_API_LIMIT,
                offset: Offset = 0, format: Format = "json") -> Response:
    page = store_of(request).find_people(name=name, limit=limit, offset=offset)
    return page_response(page, format, "people")


@router.get("/people/{person_id}", response_model=ItemOut,
            summary="One person: titles, quotes, endorsements given and received, stances")
def get_person(request: Request, person_id: Annotated[str, Path(max_length=300)],
               include_rejected: Rejected = False,
               limit: Annotated[int, Query(ge=0, le=1000)] = 50) -> dict[str, Any]:
    person = store_of(request).person(person_id, include_rejected=include_rejected, limit=limit)
    if person is None:
        raise not_found("person", person_id)
    return {"ok": True, "person": person}


@router.get("/organizations/{org_id}", response_model=ItemOut,
            summary="One organization: quotes, endorsements given and received, stances")
def get_organization(request: Request, org_id: Annotated[str, Path(max_length=300)],
                     include_rejected: Rejected = False,
                     limit: Annotated[int, Query(ge=0, le=1000)] = 50) -> dict[str, Any]:
    org = store_of(request).organization(org_id, include_rejected=include_rejected, limit=limit)
    if org is None:
        raise not_found("organization", org_id)
    return {"ok": True, "organization": org}


@router.get("/races", response_model=ListOut, summary="Races: office and candidates with counts")
def list_races(request: Request, include_rejected: Rejected = False,
               limit: Limit = DEFAULT_API_LIMIT, offset: Offset = 0,
               format: Format = "json") -> Response:
    races = races_of(request, include_rejected)
    if format == "csv":  # one row per candidate
        rows = [{"office": r["office"], "candidate": c["name"], "candidate_id": c["id"],
                 "total": c["total"], **{s: c["counts"].get(s, 0) for s in ENDORSEMENT_STATUSES}}
                for r in races[offset:offset + limit] for c in r["candidates"]]
        return page_response(Page(rows, len(races), limit, offset), format, "races")
    return page_response(Page(races[offset:offset + limit], len(races), limit, offset),
                         format, "races")


@router.get("/races/{office:path}", response_model=ItemOut,
            summary="One race: candidates, latest endorsements, timeline")
def get_race(request: Request, office: Annotated[str, Path(max_length=200)],
             include_rejected: Rejected = False,
             limit: Annotated[int, Query(ge=0, le=MAX_API_LIMIT)] = 300) -> dict[str, Any]:
    race = store_of(request).race(office, include_rejected=include_rejected, limit=limit)
    if race is None:
        raise not_found("race", office)
    return {"ok": True, "race": race}


@router.get("/review", response_model=ListOut, summary="The review queue (token needed)")
def review_queue(request: Request,
                 state: Annotated[Literal["unreviewed", "confirmed", "rejected"], Query()] = "unreviewed",
                 limit: Limit = DEFAULT_API_LIMIT, offset: Offset = 0,
                 format: Format = "json") -> Response:
    require_write(request, request.app.state.token)
    page = store_of(request).review_queue(state=None if state == "unreviewed" else state,
                                          limit=limit, offset=offset)
    return page_response(page, format, "review")


@router.post("/facts/{fact_id}/review", response_model=ItemOut,
             responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}},
             summary="Confirm or reject an extracted fact (token needed)")
def review_fact(request: Request, fact_id: Annotated[str, Path(max_length=40)],
                review: Annotated[ReviewIn, Body()]) -> dict[str, Any]:
    require_write(request, request.app.state.token)
    assert review.state in REVIEW_STATES
    done = store_of(request).review_fact(fact_id, review.state, review.note)
    if done is None:
        raise not_found("fact", fact_id)
    return {"ok": True, "review": done}


def extract_article(payload: ArticleIn, settings: Any) -> Record:
    """Extract the record of a submitted article (text or HTML); 422 when there is no article."""
    from ..ingest.html import html_to_article
    from ..models import sha256_text
    from ..process import process

    if (payload.text is None) == (payload.html is None):
        raise HTTPException(422, "send exactly one of 'text' and 'html'")
    source = payload.source or "api"
    if payload.html is not None:
        item: Article | IngestError = html_to_article(
            payload.html, source, payload.id or "submitted", url=payload.url)
        if isinstance(item, Article) and not payload.id:
            item.id = f"submitted-{item.sha256[:12]}"
    else:
        text = payload.text or ""
        if not text.strip():
            raise HTTPException(422, "text: the article text is empty")
        item = Article(id=payload.id or f"submitted-{sha256_text(text)[:12]}", source=source,
                       text=text, url=payload.url)
    if isinstance(item, IngestError):
        raise HTTPException(422, item.reason)
    if payload.title:
        item.title = payload.title
    if payload.published:
        item.published = payload.published
    result = next(iter(process([item], settings)))
    if isinstance(result, IngestError):
        raise HTTPException(422, result.reason)
    return result


@router.post("/articles", status_code=201, response_model=ItemOut,
             responses={200: {"model": ItemOut}, 401: {"model": ErrorOut}, 403: {"model": ErrorOut}},
             summary="Submit an article (text or HTML) to extract and store (token needed)")
def submit_article(request: Request, payload: Annotated[ArticleIn, Body()]) -> Response:
    require_write(request, request.app.state.token)
    store = store_of(request)
    record = extract_article(payload, request.app.state.settings)
    result = store.write_records([record])
    stored = store.get_record(record.article.sha256)
    article_id = stored.article.id if stored else record.article.id
    body = {"ok": True, "id": article_id, "stored": result.stored == 1,
            "duplicate": result.duplicates == 1, "url": f"/articles/{article_id}",
            "found": {k: len(getattr(record, k)) for k in
                      ("people", "organizations", "quotes", "endorsements", "stances")}}
    return JSONResponse(body, status_code=201 if result.stored else 200)
