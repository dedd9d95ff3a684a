"""The HTML pages: server-rendered with Jinja2 (autoescaped), a little JavaScript where it helps.

Each page calls the same store queries as the API and links its CSV and JSON downloads to the
API call that returns the same rows. Review pages need the session cookie set by ``/login``.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from .. import __version__
from ..models import ENDORSEMENT_STATUSES
from ..store.base import Page, Row, Store
from .api import DATE_PATTERN, MAX_OFFSET, races_of, record_json, summary
from .highlight import highlight, record_marks
from .kinds import GROUPS, group_endorsements
from .security import (SESSION_COOKIE, csrf_value, has_session, session_value,
                       token_matches)

LOGGER = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
RACE_PAGE_ROWS = 100  # latest endorsements a race page lists (the rest: /endorsements?race=)
ENTITY_PAGE_ROWS = 25  # latest facts per section of a person or organization page ("All →" links)
EXPORT_LIMIT = 5000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Text = Annotated[str | None, Query(max_length=200)]


def url(path: str, **params: Any) -> str:
    """``path`` with the non-empty ``params`` as a query string."""
    query = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(query, doseq=True) if query else "")


def seg(value: Any) -> str:
    """One URL path segment, quoted (slashes too)."""
    return _quoted(str(value))


@lru_cache(maxsize=8192)
def _quoted(text: str) -> str:
    # pages quote the same few thousand ids and offices over and over
    return quote(text, safe="")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the values every page uses."""
    token = request.app.state.token
    context.update(request=request, version=__version__, url=url, seg=seg,
                   read_only=not token, can_write=has_session(request, token),
                   csrf=csrf_value(token) if token and has_session(request, token) else "")
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The HTML error page."""
    try:
        return render(request, "error.html", status=status, status_code=status, message=message)
    except Exception:  # a broken template must not hide the original error
        LOGGER.exception("error page failed")
        return HTMLResponse("error", status_code=status)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def pager(page: Page, path: str, **params: Any) -> dict[str, Any]:
    """Links and counts for a list page's pagination."""
    prev_offset = max(0, page.offset - page.limit) if page.offset > 0 else None
    next_offset = page.offset + page.limit if page.offset + page.limit < page.total else None
    return {"total": page.total, "first": page.offset + 1 if page.rows else 0,
            "last": page.offset + len(page.rows),
            "prev": url(path, **params, offset=prev_offset) if prev_offset is not None else None,
            "next": url(path, **params, offset=next_offset) if next_offset is not None else None}


def exports(api_path: str, **params: Any) -> dict[str, str]:
    """CSV and JSON download links: the API call behind a list page."""
    return {"csv": url(api_path, **params, limit=EXPORT_LIMIT, format="csv"),
            "json": url(api_path, **params, limit=EXPORT_LIMIT)}


def _latest(store: Store) -> dict[str, Any]:
    return {"endorsements": store.find_endorsements(limit=12).rows,
            "quotes": store.find_quotes(limit=8).rows, "counts": store.counts()}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    # counts are a scan of every table on PostgreSQL: kept until the data changes
    return render(request, "home.html", races=races_of(request)[:20],
                  **summary(request, "home", _latest))


@router.get("/races", response_class=HTMLResponse)
def races(request: Request) -> HTMLResponse:
    return render(request, "races.html", races=races_of(request),
                  exports=exports("/api/races"))


def timeline_series(race: Row) -> dict[str, Any]:
    """Cumulative net endorsements per candidate by day (endorsed and supports add one,
    withdrawn takes one away), for the race page's chart."""
    names = {c["id"] or "": c["name"] for c in race["candidates"]}
    keys = [c["id"] for c in race["candidates"][:6]]
    dates = sorted({t["date"] for t in race["timeline"] if t["date"]})
    series = []
    for key in keys:
        total, points = 0, []
        by_day: dict[str, int] = {}
        for t in race["timeline"]:
            if t["endorsee"] == key and t["date"]:
                delta = t["n"] if t["status"] in ("endorsed", "supports") else \
                    -t["n"] if t["status"] == "withdrawn" else 0
                by_day[t["date"]] = by_day.get(t["date"], 0) + delta
        for day in dates:
            total += by_day.get(day, 0)
            points.append([day, total])
        series.append({"name": names.get(key or "", key), "id": key, "points": points})
    return {"dates": dates, "series": series}


@router.get("/races/{office:path}", response_class=HTMLResponse)
def race(request: Request, office: Annotated[str, Path(max_length=200)],
         points: bool = False, all: bool = False) -> HTMLResponse:
    race = store_of(request).race(office, include_rejected=all, limit=RACE_PAGE_ROWS)
    if race is None:
        raise HTTPException(404, f"no race for the office {office!r}")
    by_candidate: dict[str, list[Row]] = {}
    for row in race["endorsements"]:
        by_candidate.setdefault(row["endorsee_store_id"] or row["endorsee"], []).append(row)
    candidates = []
    for cand in race["candidates"]:
        rows = by_candidate.get(cand["id"] or "", []) or [
            r for r in race["endorsements"] if r["endorsee"] == cand["name"]]
        groups = group_endorsements(rows)
        candidates.append({**cand, "groups": groups,
                           "points": sum(r["points"] for r in rows if r["status"] == "endorsed")})
    return render(request, "race.html", race=race, candidates=candidates, show_points=points,
                  timeline=timeline_series(race), statuses=ENDORSEMENT_STATUSES,
                  exports=exports("/api/endorsements", race=race["office"]))


@router.get("/graph", response_class=HTMLResponse)
def graph(request: Request, race: Annotated[str, Query(max_length=200)]) -> HTMLResponse:
    found = store_of(request).race(race, limit=0)
    if found is None:
        raise HTTPException(404, f"no race for the office {race!r}")
    return render(request, "graph.html", race=found,
                  api=url("/api/endorsements", race=found["office"], limit=EXPORT_LIMIT))


@router.get("/endorsements", response_class=HTMLResponse)
def endorsements(request: Request, endorsee: Text = None, endorser: Text = None,
                 status: Annotated[Literal[ENDORSEMENT_STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
                 office: Text = None, race: Text = None,
                 since: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
                 until: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
                 offset: Offset = 0) -> HTMLResponse:
    filters: dict[str, Any] = {"endorsee": endorsee, "endorser": endorser, "status": status,
                               "office": office, "race": race, "since": since, "until": until}
    page = store_of(request).find_endorsements(**filters, limit=PAGE_SIZE, offset=offset)
    return render(request, "endorsements.html", rows=page.rows, filters=filters,
                  statuses=ENDORSEMENT_STATUSES, pager=pager(page, "/endorsements", **filters),
                  exports=exports("/api/endorsements", **filters))


@router.get("/quotes", response_class=HTMLResponse)
def quotes(request: Request, q: Annotated[str | None, Query(max_length=500)] = None,
           speaker: Text = None, offset: Offset = 0) -> HTMLResponse:
    page = store_of(request).find_quotes(search=q or None, speaker=speaker, limit=PAGE_SIZE,
                                         offset=offset)
    return render(request, "quotes.html", rows=page.rows, q=q or "", speaker=speaker or "",
                  pager=pager(page, "/quotes", q=q, speaker=speaker),
                  exports=exports("/api/quotes", q=q, speaker=speaker))


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, name: Text = None, offset: Offset = 0) -> HTMLResponse:
    page = store_of(request).find_people(name=name, limit=PAGE_SIZE, offset=offset)
    return render(request, "people.html", rows=page.rows, name=name or "",
                  pager=pager(page, "/people", name=name), exports=exports("/api/people", name=name))


def _entity_page(request: Request, kind: str, entity: Row | None, key: str) -> HTMLResponse:
    if entity is None:
        raise HTTPException(404, f"no {kind} {key!r}")
    received = entity["endorsements_received"]["items"]
    return render(request, "entity.html", kind=kind, entity=entity,
                  received_groups=group_endorsements(received), groups=GROUPS,
                  races=sorted({r["office"] for r in received if r["office"]}))


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person(request: Request, person_id: Annotated[str, Path(max_length=300)],
           all: bool = False) -> HTMLResponse:
    return _entity_page(request, "person",
                        store_of(request).person(person_id, include_rejected=all,
                                                   limit=ENTITY_PAGE_ROWS), person_id)


@router.get("/organizations/{org_id}", response_class=HTMLResponse)
def organization(request: Request, org_id: Annotated[str, Path(max_length=300)],
                 all: bool = False) -> HTMLResponse:
    return _entity_page(request, "organization",
                        store_of(request).organization(org_id, include_rejected=all,
                                                         limit=ENTITY_PAGE_ROWS), org_id)


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, search: Text = None, offset: Offset = 0) -> HTMLResponse:
    page = store_of(request).find_articles(search=search, limit=PAGE_SIZE, offset=offset)
    return render(request, "articles.html", rows=page.rows, search=search or "",
                  pager=pager(page, "/articles", search=search),
                  exports=exports("/api/articles", search=search))


def safe_link(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL, else None (no javascript: or data: links)."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(request: Request, article_id: Annotated[str, Path(max_length=300)],
            all: bool = False) -> HTMLResponse:
    store = store_of(request)
    record = store.get_record(article_id)
    facts = store.article_facts(article_id) if record else None
    if record is None or facts is None:
        raise HTTPException(404, f"no article {article_id!r}")
    data = record_json(record, facts, include_rejected=all)
    marks = record_marks(record, facts, show_rejected=all)
    return render(request, "article.html", record=data, text=highlight(record.article.text, marks),
                  source_link=safe_link(record.article.url), show_all=all,
                  entities=facts["entities"])


# -- review (token holders) -------------------------------------------------------------------
async def _form(request: Request) -> dict[str, str]:
    """A url-encoded form body (small: the body limit applies)."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _check_same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise HTTPException(403, "cross-site form posts are refused")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", failed=False)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    _check_same_origin(request)
    token = request.app.state.token
    form = await _form(request)
    if not token_matches(form.get("token"), token):
        return render(request, "login.html", status=401, failed=True)
    response = RedirectResponse("/review", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="strict",
                        path="/")
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _require_session(request: Request) -> str:
    token = request.app.state.token
    if not token:
        raise HTTPException(403, "this server is read-only: reviewing needs a token")
    if not has_session(request, token):
        raise HTTPException(401, "log in with the token first (/login)")
    return str(token)


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, state: Literal["unreviewed", "confirmed", "rejected"] = "unreviewed",
           offset: Offset = 0) -> Response:
    if request.app.state.token and not has_session(request, request.app.state.token):
        return RedirectResponse("/login", status_code=303)
    _require_session(request)
    page = store_of(request).review_queue(state=None if state == "unreviewed" else state,
                                          limit=PAGE_SIZE, offset=offset)
    return render(request, "review.html", rows=page.rows, state=state,
                  pager=pager(page, "/review", state=state))


@router.post("/review/{fact_id}")
async def review_post(request: Request, fact_id: Annotated[str, Path(max_length=40)]) -> Response:
    _check_same_origin(request)
    token = _require_session(request)
    form = await _form(request)
    if not token_matches(form.get("csrf"), csrf_value(token)):
        raise HTTPException(403, "the form is stale; reload the page")
    state = form.get("state", "")
    if state not in ("confirmed", "rejected"):
        raise HTTPException(422, "state must be confirmed or rejected")
    if store_of(request).review_fact(fact_id, state, form.get("note") or None) is None:
        raise HTTPException(404, f"no fact {fact_id!r}")
    back = form.get("next") or "/review"
    if not back.startswith("/") or back.startswith(("//", "/\\")):  # no open redirect
        back = "/review"
    return RedirectResponse(back, status_code=303)
