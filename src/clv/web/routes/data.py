"""Data in: the home page, uploads, database sources, the mapping page (columns, reading
options, settings) and starting an analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, cast, get_args, get_origin

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from clv.errors import ClvError
from clv.web.deps import SourceDep, StateDep, source_of
from clv.web.guard import check_source_url
from clv.web.schemas import SETTINGS, AnalysisIn, DatabaseIn, JobStarted, SettingsIn, SourceOut
from clv.web.state import LABELS, MAPPED, READING, Source, State, reading_options
from clv.web.views import page

router = APIRouter()
SETTINGS_FORM = {name: {"default": "" if f.default is None else f.default,
                        "choices": get_args(f.annotation) if get_origin(f.annotation) is Literal
                        else ()}
                 for name, f in SettingsIn.model_fields.items()}
"""The settings of the mapping form: defaults and choices of :class:`clv.valuation.Settings`."""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(state: StateDep) -> HTMLResponse:
    return page("home.html.j2", entries=sorted(state.entries.values(), key=lambda e: -e.id),
                e=None, active="")


@router.put("/api/uploads", tags=["data"])
async def upload(request: Request, state: StateDep, name: str,
                 kind: str = "transactions") -> SourceOut:
    """Upload a file (the request body; name with its suffix, e.g. orders.csv) as
    ``transactions`` or ``spend``; returns its id, columns and the detected mapping."""
    if kind not in ("transactions", "spend"):
        raise HTTPException(400, "kind must be transactions or spend")
    kind = cast(Literal["transactions", "spend"], kind)
    sid, path = state.new_path(name)
    try:
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        source = await run_in_threadpool(state.add_source,
                                         Source(sid, Path(name).name, kind, path=path))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SourceOut(id=source.id, name=source.name, kind=kind, columns=source.columns,
                     detected=source.detected, problem=source.problem)


def _without_password(text: str, url: str) -> str:
    """``text`` without the password of the database ``url`` (an error naming the URL)."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    text = text.replace(url, parsed.render_as_string(hide_password=True))
    return text.replace(str(parsed.password), "***") if parsed.password else text


@router.post("/api/sources", tags=["data"])
def database(body: DatabaseIn, state: StateDep) -> SourceOut:
    """Name a database table or query (SQLAlchemy URL) to analyse. Only a database URL: a
    file is uploaded (a path or ``file:`` URL is refused); a SQLite file by its absolute
    path, not the dashboard's own history; read read-only."""
    if not (body.table or body.query):
        raise HTTPException(400, "give a table or a query")
    url = check_source_url(body.url, state.store.url)
    label = body.table or "query"
    try:
        source = state.add_source(Source(state.new_id(), label, "transactions", url=url,
                                         table=body.table, query=body.query))
    except ClvError as exc:
        raise ClvError(_without_password(str(exc), url)) from exc
    return SourceOut(id=source.id, name=source.name, columns=source.columns,
                     detected=source.detected, problem=source.problem)


@router.post("/sources", include_in_schema=False)
def database_form(state: StateDep, url: Annotated[str, Form()],
                  table: Annotated[str, Form()] = "",
                  query: Annotated[str, Form()] = "") -> Response:
    try:
        made = database(DatabaseIn(url=url, table=table or None, query=query or None), state)
    except (ClvError, HTTPException) as exc:
        return page("home.html.j2", 400, entries=list(state.entries.values()), e=None,
                    active="", error=getattr(exc, "detail", None) or str(exc))
    return RedirectResponse(f"/mapping/{made.id}", 303)


def _mapping_page(state: State, src: Source, spend: str | None, chosen: dict[str, str | None],
                  reading: dict[str, str], picked: dict[str, str] | None = None,
                  status: int = 200) -> HTMLResponse:
    return page("mapping.html.j2", status, src=src, fields=MAPPED, labels=LABELS,
                chosen=chosen, reading=reading, options=READING,
                spend=source_of(state, spend, "spend") if spend else None,
                settings=SETTINGS_FORM, picked=picked or {}, e=None, active="")


@router.get("/mapping/{sid}", response_class=HTMLResponse, include_in_schema=False)
def mapping(src: SourceDep, state: StateDep, spend: str | None = None) -> HTMLResponse:
    return _mapping_page(state, src, spend, dict(src.detected), {})


@router.post("/mapping/{sid}", response_class=HTMLResponse, include_in_schema=False)
async def mapping_preview(src: SourceDep, state: StateDep, request: Request) -> HTMLResponse:
    """The mapping page again, with the first rows read by the columns and options chosen in
    the form."""
    values = {k: str(v) for k, v in (await request.form()).items()}
    chosen = {f: values.get(f"map_{f}") or None for f in MAPPED}
    if any(c and c not in src.columns for c in chosen.values()):
        raise HTTPException(400, f"a column chosen is not a column of {src.name}")
    reading = {k: values.get(k, READING[k][0]) for k in READING}
    try:
        await run_in_threadpool(state.preview, src, chosen, reading)
    except ClvError as exc:
        src.problem = str(exc)
    picked = {k: values[k] for k in SETTINGS if values.get(k)}  # kept as chosen
    return _mapping_page(state, src, values.get("spend") or None, chosen, reading, picked)


def start(state: State, body: AnalysisIn) -> JobStarted:
    """Queue the analysis ``body`` asks for."""
    reading_options(body.reading)  # a bad request is refused for what it says first
    src = source_of(state, body.source)
    spend = source_of(state, body.spend, "spend") if body.spend else None
    unknown = [c for c in body.mapping.values() if c and c not in src.columns]
    if unknown:
        raise HTTPException(400, f"no column {unknown[0]!r} in {src.name}")
    job = state.start(src, body.mapping, spend, body.settings.settings(), body.reading)
    return JobStarted(job=job.id)


@router.post("/api/analyses", tags=["analyses"])
def start_api(body: AnalysisIn, state: StateDep) -> JobStarted:
    """Start an analysis; poll ``/api/jobs/{job}`` for its progress. A setting that
    :class:`clv.valuation.Settings` refuses is a 422 naming it."""
    return start(state, body)


def form_settings(values: dict[str, str]) -> Any:
    """The settings of the mapping form (an empty field keeps the default)."""
    given: dict[str, Any] = {k: values[k].strip() for k in SETTINGS if values.get(k, "").strip()}
    if "currency" in given:
        given["currency"] = given["currency"].upper()
    try:
        return SettingsIn(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(x) for x in first["loc"])
        raise HTTPException(400, f"{name}: {first['msg'].removeprefix('Value error, ')}"
                            ) from None


@router.post("/analyses", include_in_schema=False)
async def start_form(request: Request, state: StateDep) -> Response:
    values = {k: str(v) for k, v in (await request.form()).items()}
    try:
        body = AnalysisIn(
            source=values.get("source", ""), spend=values.get("spend") or None,
            mapping={f: values.get(f"map_{f}") or None for f in MAPPED},
            reading={k: values.get(k, READING[k][0]) for k in READING},
            settings=form_settings(values))
        job = start(state, body)
    except (ValueError, ClvError) as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/jobs/{job.job}", 303)
