"""The dashboard's routes: HTML pages and the JSON API (OpenAPI schema at ``/openapi.json``,
browsable at ``/docs``).

Pages: ``/`` (upload a file or name a database table, and the analyses so far),
``/mapping/{source}`` (confirm the detected columns and the settings), ``/jobs/{job}``
(progress), ``/a/{id}`` (overview) and its sections ``customers`` (search, filters, each
customer's history and predictions), ``segments``, ``cohorts``, ``channels``, ``timing``,
``models``, ``whatif`` (sliders), ``data`` (quality), ``exports`` (CSV, XLSX, the HTML
report); ``/calculator`` (the closed-form formulas) and ``/history``.

Filters (query parameters, on pages and API alike): ``start`` and ``end`` months (YYYY-MM) of
acquisition, ``channel``, ``segment``, ``q`` (part of a customer id). Pages only read the
:class:`clv.pipeline.Analysis` (and call the library for a what-if or a formula); every text
from the data goes through Jinja2's autoescaping, and scripts write with ``textContent``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
import io
import math
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
import polars as pl
import polars.selectors as cs
from fastapi import FastAPI, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from clv import formulas
from clv.errors import ClvError
from clv.export import spreadsheet_safe
from clv.pipeline import Analysis, Settings
from clv.report import actions, render, table
from clv.report.text import number, percent
from clv.scenarios import Levers
from clv.segments import profile
from clv.web.guard import TooLarge, check_source_url, internal_error
from clv.web.state import (
    LABELS,
    MAPPED,
    READING,
    Entry,
    Job,
    Source,
    State,
    form_words,
    reading_options,
)

HERE = Path(__file__).parent
PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_INDEX = 2**53  # row offsets past it are refused (422), not left to overflow (500)
SECTIONS = {"overview": "Overview", "customers": "Customers", "segments": "Segments",
            "cohorts": "Cohorts", "channels": "Channels", "timing": "Timing",
            "models": "Models", "whatif": "What if", "data": "Data", "exports": "Exports"}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
FORMULAS: dict[str, Callable[..., float]] = {
    "generic": formulas.generic_ltv, "ecommerce": formulas.ecommerce_ltv,
    "service": formulas.service_ltv, "saas_churn": formulas.saas_ltv_churn,
    "saas_lifetime": formulas.saas_ltv_lifetime, "discounted": formulas.discounted_ltv}
LEVERS = ("retention", "frequency", "basket", "margin", "cac")
HISTORY_COLUMNS = ("id", "created_at", "source", "data_to", "model", "customers",
                   "historical_ltv", "predicted_clv", "predicted_clv_change", "blended_cac",
                   "ltv_cac", "ltv_cac_change", "churn_share", "churn_share_change",
                   "repeat_rate", "repeat_rate_change", "mrr", "nrr")
WHATIF_FIGURES = {"total_clv": "predicted CLV, all customers", "mean_clv": "CLV per customer",
                  "new_customer_ltv": "value of a new customer", "ltv_cac": "LTV:CAC",
                  "payback_months": "payback (months)",
                  "profit_per_new_customer": "profit per new customer"}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("clv.web", "templates"),
    autoescape=jinja2.select_autoescape(("html", "j2"), default=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["num"] = lambda v, d=0: "-" if v is None else number(v, "en", d)
_ENV.filters["pct"] = lambda v, d=1: "-" if v is None else percent(v, "en", d)
_ENV.filters["words"] = form_words


class Problem(BaseModel):
    """Why a request was refused, in one sentence."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Bad input: the detail says which and why"},
    401: {"model": Problem, "description": "No or wrong access token (beyond 127.0.0.1)"},
    403: {"model": Problem, "description": "A change asked by a page of another site"},
    404: {"model": Problem, "description": "No such analysis, upload, job, customer or table"},
    413: {"model": Problem, "description": "Upload over the size limit"},
}
"""Error answers of every route, documented in the OpenAPI schema."""


class SettingsIn(BaseModel):
    """Settings of an analysis started from the API (see :class:`clv.pipeline.Settings`)."""

    unit: str = Field("week", pattern="^(day|week|month)$")
    horizon_months: float = Field(12.0, gt=0, le=120)
    margin: float = Field(1.0, gt=0, le=1)
    discount_rate: float = Field(0.1, ge=0, le=1)


class AnalysisIn(BaseModel):
    """Start an analysis: the source, its column mapping (field -> column; missing fields are
    not used), an optional spend source, and the settings."""

    source: str
    mapping: dict[str, str | None]
    spend: str | None = None
    settings: SettingsIn = SettingsIn()
    reading: dict[str, str] = Field(
        default_factory=dict,
        description="Reading options: date_format ('' = detected, dmy, mdy, iso, ymd), "
                    "decimal ('', ',', '.'), refunds (net, drop), duplicates (auto, drop, keep)")


class DatabaseIn(BaseModel):
    """A database table or query to analyse (a SQLAlchemy URL)."""

    url: str
    table: str | None = None
    query: str | None = None


def _frame_json(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN and infinities become null)."""
    floats = cs.float()
    clean = frame.with_columns(pl.when(floats.is_finite()).then(floats).otherwise(None))
    return jsonable_encoder(clean.to_dicts())


def _finite(values: dict[str, Any]) -> dict[str, Any]:
    """The dict with NaN and infinities as None (JSON has neither)."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in values.items()}


def _month(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise HTTPException(400, f"{name} must be a month written YYYY-MM, not {value!r}"
                            ) from exc


class Filters:
    """The page filters: acquisition months, channel, segment, part of a customer id."""

    def __init__(self, start: str | None = None, end: str | None = None,
                 channel: str | None = None, segment: str | None = None,
                 q: str | None = None) -> None:
        self.start, self.end = _month(start, "start"), _month(end, "end")
        self.channel, self.segment, self.q = channel or None, segment or None, q or None
        self.raw = {"start": start or "", "end": end or "", "channel": channel or "",
                    "segment": segment or "", "q": q or ""}

    def period(self, column: str) -> pl.Expr:
        """Rows whose ``column`` (a date) falls in the chosen months."""
        expr = pl.lit(True)
        if self.start is not None:
            expr &= pl.col(column) >= self.start
        if self.end is not None:
            expr &= pl.col(column) < pl.lit(self.end).dt.offset_by("1mo")
        return expr

    def customers(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``Analysis.customers`` restricted to the filters."""
        out = frame.filter(self.period("acquired"))
        if self.channel and "channel" in out.columns:
            out = out.filter(pl.col("channel") == self.channel)
        if self.segment:
            out = out.filter(pl.col("segment") == self.segment)
        if self.q:
            out = out.filter(pl.col("customer_id").str.to_lowercase().str.contains(
                self.q.lower(), literal=True))
        return out


def selection(chosen: pl.DataFrame, a: Analysis) -> dict[str, Any]:
    """The overview's figures over the customers the filters keep (from
    ``Analysis.customers``), with their share of all customers and of the predicted value."""
    everyone = a.customers
    total_clv = float(everyone["clv"].sum())
    n = chosen.height
    out: dict[str, Any] = {"customers": n, "share_customers": n / max(everyone.height, 1)}
    if n:
        out.update(
            revenue=float(chosen["revenue"].sum()),
            historical_ltv=float(chosen["revenue"].mean()),
            predicted_clv=float(chosen["clv"].mean()),
            predicted_clv_total=float(chosen["clv"].sum()),
            share_clv=float(chosen["clv"].sum()) / total_clv if total_clv else None,
            repeat_rate=float((chosen["purchases"] > 1).mean()),
            active_share=float((chosen["p_alive"] >= 0.5).mean()))
    return out


def _tables(a: Analysis) -> dict[str, Callable[[], pl.DataFrame | None]]:
    """Every table an analysis offers for export and through the API."""
    ch, subs = a.channels, a.subscriptions
    return {
        "customers": lambda: a.customers,
        "segments": lambda: a.segments.segments,
        "tiers": lambda: a.segments.tiers,
        "cohorts": lambda: a.cohorts.table,
        "repeat": lambda: a.cohorts.repeat,
        "ltv_curve": lambda: a.cohorts.curve,
        "channels": lambda: ch.channels if ch else None,
        "channels_by_month": lambda: ch.by_month if ch else None,
        "next_euro": lambda: ch.next_euro if ch else None,
        "cross_sell": lambda: a.cross_sell,
        "scorecard": lambda: a.scorecard.table if a.scorecard else None,
        "sensitivity": lambda: a.sensitivity,
        "whatif_customers": lambda: a.scenario.customers,
        "saas_months": lambda: subs.months if subs else None,
    }


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists and structs written as text, for CSV."""
    return frame.with_columns(
        pl.col(c).list.eval(pl.element().cast(pl.String)).list.join(", ")
        if isinstance(dtype, pl.List) else pl.col(c).struct.json_encode()
        for c, dtype in frame.schema.items() if isinstance(dtype, pl.List | pl.Struct))


def _without_password(text: str, url: str) -> str:
    """``text`` without the password of the database ``url`` (an error naming the URL)."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    text = text.replace(url, parsed.render_as_string(hide_password=True))
    return text.replace(str(parsed.password), "***") if parsed.password else text


def _formula_fields(name: str) -> list[tuple[str, float | None]]:
    return [(p.name, None if p.default is inspect.Parameter.empty else p.default)
            for p in inspect.signature(FORMULAS[name]).parameters.values()]


def calculate(name: str, values: dict[str, float | None], cac: float | None) -> dict[str, Any]:
    """The formula ``name`` on ``values``, and with a CAC the LTV:CAC verdict, the largest
    CAC at 3x, and the payback in months of the generic formula's yearly margin."""
    if name not in FORMULAS:
        raise ClvError(f"formula must be one of {', '.join(FORMULAS)}, not {name!r}")
    args = {k: v for k, v in values.items() if v is not None}
    try:
        ltv = FORMULAS[name](**args)
    except (ValueError, TypeError) as exc:
        raise ClvError(str(exc)) from exc
    out: dict[str, Any] = {"formula": name, "inputs": args, "ltv": ltv}
    if cac is not None:
        try:
            verdict = formulas.ltv_cac_ratio(ltv, cac)
        except ValueError as exc:
            raise ClvError(str(exc)) from exc
        out.update(ltv_cac=verdict.ratio, verdict=verdict.level, advice=verdict.advice,
                   max_cac=formulas.max_cac(ltv))
    return out


def create_app(state: State, *, token: str | None = None) -> FastAPI:
    """The dashboard over ``state``; ``token`` is shown on pages so links keep working."""
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(state.close)  # jobs stopped, uploads and files deleted

    app = FastAPI(title="clv dashboard", version="1", docs_url="/docs", redoc_url=None,
                  description=__doc__, responses=ERRORS, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(TooLarge)
    async def too_large(_: Request, exc: TooLarge) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=413)

    @app.exception_handler(ClvError)
    async def clv_error(_: Request, exc: ClvError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    # anything else: a 500 with a reference, the traceback logged once (clv.web.guard)
    app.add_exception_handler(Exception, internal_error)

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = _ENV.get_template(name).render(sections=SECTIONS, **context)
        return HTMLResponse(html, status, headers={
            "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            # same-origin: the dashboard's own forms carry their Origin (the guard's check);
            # no address of the dashboard is sent to another site
            "Referrer-Policy": "same-origin", "Cache-Control": "no-store"})

    def entry(aid: int) -> Entry:
        """The analysis ``aid`` of this session (its pages read ``.analysis``, held in
        memory or read back from the work folder by the state)."""
        found = state.entries.get(aid)
        if found is None:
            raise HTTPException(404, f"no analysis {aid} in this session")
        return found

    def section(e: Entry, name: str, f: Filters | None = None, **context: Any) -> HTMLResponse:
        a = e.analysis
        channels = sorted(a.customers["channel"].drop_nulls().unique().to_list()) \
            if "channel" in a.customers.columns else []
        segments = sorted(a.segments.customers["segment"].unique().to_list())
        return page(f"{name}.html.j2", e=e, a=a, active=name, f=f or Filters(),
                    channels=channels, segment_names=segments, **context)

    # ---- upload, mapping, jobs -------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        return page("home.html.j2", entries=sorted(state.entries.values(), key=lambda e: -e.id),
                    e=None, active="")

    @app.put("/api/uploads", tags=["data"])
    async def upload(request: Request, name: str, kind: str = "transactions") -> dict[str, Any]:
        """Upload a file (the request body; name with its suffix, e.g. orders.csv) as
        ``transactions`` or ``spend``; returns its id, columns and the detected mapping."""
        if kind not in ("transactions", "spend"):
            raise HTTPException(400, "kind must be transactions or spend")
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
        return {"id": source.id, "name": source.name, "kind": kind, "columns": source.columns,
                "detected": source.detected, "problem": source.problem}

    @app.post("/api/sources", tags=["data"])
    def database(body: DatabaseIn) -> dict[str, Any]:
        """Name a database table or query (SQLAlchemy URL) to analyse. Only a database URL:
        a file is uploaded (a path or ``file:`` URL is refused); a SQLite file by its
        absolute path, not the dashboard's own history; read read-only."""
        if not (body.table or body.query):
            raise HTTPException(400, "give a table or a query")
        url = check_source_url(body.url, state.store.url)
        label = body.table or "query"
        try:
            source = state.add_source(Source(state.new_id(), label, "transactions", url=url,
                                             table=body.table, query=body.query))
        except ClvError as exc:
            raise ClvError(_without_password(str(exc), url)) from exc
        return {"id": source.id, "columns": source.columns, "detected": source.detected,
                "problem": source.problem}

    @app.post("/sources", include_in_schema=False)
    def database_form(url: Annotated[str, Form()], table: Annotated[str, Form()] = "",
                      query: Annotated[str, Form()] = "") -> Response:
        try:
            made = database(DatabaseIn(url=url, table=table or None, query=query or None))
        except (ClvError, HTTPException) as exc:
            return page("home.html.j2", 400, entries=list(state.entries.values()), e=None,
                        active="", error=getattr(exc, "detail", None) or str(exc))
        return RedirectResponse(f"/mapping/{made['id']}", 303)

    def source(sid: str, kind: str = "transactions") -> Source:
        found = state.sources.get(sid)
        if found is None or found.kind != kind:
            raise HTTPException(404, f"no {kind} upload {sid} (an upload is deleted once its "
                                     "analysis is done: upload the file again)")
        return found

    def mapping_page(src: Source, spend: str | None, chosen: dict[str, str | None],
                     reading: dict[str, str], status: int = 200) -> HTMLResponse:
        return page("mapping.html.j2", status, src=src, fields=MAPPED, labels=LABELS,
                    chosen=chosen, reading=reading, options=READING,
                    spend=source(spend, "spend") if spend else None, e=None, active="")

    @app.get("/mapping/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def mapping(sid: str, spend: str | None = None) -> HTMLResponse:
        src = source(sid)
        return mapping_page(src, spend, dict(src.detected), {})

    @app.post("/mapping/{sid}", response_class=HTMLResponse, include_in_schema=False)
    async def mapping_preview(sid: str, request: Request) -> HTMLResponse:
        """The mapping page again, with the first rows read by the columns and options
        chosen in the form."""
        src = source(sid)
        values = {k: str(v) for k, v in (await request.form()).items()}
        chosen = {f: values.get(f"map_{f}") or None for f in MAPPED}
        if any(c and c not in src.columns for c in chosen.values()):
            raise HTTPException(400, f"a column chosen is not a column of {src.name}")
        reading = {k: values.get(k, READING[k][0]) for k in READING}
        try:
            await run_in_threadpool(state.preview, src, chosen, reading)
        except ClvError as exc:
            src.problem = str(exc)
        return mapping_page(src, values.get("spend") or None, chosen, reading)

    def start(body: AnalysisIn) -> dict[str, Any]:
        reading_options(body.reading)  # a bad request is refused for what it says first
        src = source(body.source)
        spend = source(body.spend, "spend") if body.spend else None
        s = body.settings
        settings = Settings(unit=s.unit, horizon=s.horizon_months, margin=s.margin,
                            discount_rate=s.discount_rate)
        unknown = [c for c in body.mapping.values() if c and c not in src.columns]
        if unknown:
            raise HTTPException(400, f"no column {unknown[0]!r} in {src.name}")
        job = state.start(src, body.mapping, spend, settings, body.reading)
        return {"job": job.id}

    @app.post("/api/analyses", tags=["analyses"])
    def start_api(body: AnalysisIn) -> dict[str, Any]:
        """Start an analysis; poll ``/api/jobs/{job}`` for its progress."""
        return start(body)

    @app.post("/analyses", include_in_schema=False)
    async def start_form(request: Request) -> Response:
        form = await request.form()
        values = {k: str(v) for k, v in form.items()}
        try:
            body = AnalysisIn(
                source=values.get("source", ""), spend=values.get("spend") or None,
                mapping={f: values.get(f"map_{f}") or None for f in MAPPED},
                reading={k: values.get(k, READING[k][0]) for k in READING},
                settings=SettingsIn(unit=values.get("unit", "week"),
                                    horizon_months=float(values.get("horizon_months", 12)),
                                    margin=float(values.get("margin", 1)),
                                    discount_rate=float(values.get("discount_rate", 0.1))))
            job = start(body)
        except (ValueError, ClvError) as exc:
            raise HTTPException(400, str(exc)) from exc
        return RedirectResponse(f"/jobs/{job['job']}", 303)

    def job(jid: str) -> Job:
        found = state.jobs.get(jid)
        if found is None:
            raise HTTPException(404, f"no job {jid}")
        return found

    @app.get("/jobs/{jid}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(jid: str) -> HTMLResponse:
        j = job(jid)
        return page("job.html.j2", job=j, fields=MAPPED, options=READING,
                    back=j.source_id in state.sources, e=None, active="")

    @app.post("/jobs/{jid}/cancel", include_in_schema=False)
    def job_cancel(jid: str) -> Response:
        state.cancel(job(jid).id)
        return RedirectResponse(f"/jobs/{jid}", 303)

    @app.get("/api/jobs/{jid}", tags=["analyses"])
    def job_api(jid: str) -> dict[str, Any]:
        """Progress of an analysis: step, share done, status (running, also while queued;
        done, failed, cancelled), error (why it failed), note (e.g. not saved to the
        history, and why), the analysis id once done."""
        j = job(jid)
        return {"id": j.id, "step": j.step, "share": j.share, "status": j.status,
                "error": j.error, "note": j.note, "analysis": j.analysis_id}

    @app.post("/api/jobs/{jid}/cancel", tags=["analyses"])
    def job_cancel_api(jid: str) -> dict[str, Any]:
        """Stop an analysis (queued: it will not start; running: its process is killed;
        finished: nothing changes); returns the job's state."""
        return job_api(state.cancel(job(jid).id).id)

    # ---- analysis pages ------------------------------------------------------------------

    @app.get("/a/{aid}", response_class=HTMLResponse, include_in_schema=False)
    def overview(aid: int, start: str | None = None, end: str | None = None,
                 channel: str | None = None, segment: str | None = None) -> HTMLResponse:
        e = entry(aid)
        f = Filters(start, end, channel, segment)
        chosen = f.customers(e.analysis.customers) if any(f.raw.values()) else None
        return section(e, "overview", f, actions=actions(e.analysis, "en"),
                       selection=selection(chosen, e.analysis) if chosen is not None else None)

    @app.get("/a/{aid}/customers", response_class=HTMLResponse, include_in_schema=False)
    def customers(aid: int, start: str | None = None, end: str | None = None,
                  channel: str | None = None, segment: str | None = None, q: str | None = None,
                  page_no: Annotated[int, Query(alias="page", ge=1, le=MAX_INDEX // PAGE)] = 1
                  ) -> HTMLResponse:
        e = entry(aid)
        f = Filters(start, end, channel, segment, q)
        found = f.customers(e.analysis.customers)
        rows = found.sort("clv", descending=True).slice((page_no - 1) * PAGE, PAGE)
        return section(e, "customers", f, rows=rows.to_dicts(), found=found.height,
                       page_no=page_no, pages=max(1, math.ceil(found.height / PAGE)))

    @app.get("/a/{aid}/customers/{cid:path}", response_class=HTMLResponse, include_in_schema=False)
    def customer(aid: int, cid: str) -> HTMLResponse:
        e = entry(aid)
        return section(e, "customer", **customer_api(aid, cid))

    @app.get("/a/{aid}/segments", response_class=HTMLResponse, include_in_schema=False)
    def segments(aid: int, start: str | None = None, end: str | None = None,
                 channel: str | None = None) -> HTMLResponse:
        e = entry(aid)
        f = Filters(start, end, channel)
        chosen = f.customers(e.analysis.customers)
        prof = profile(chosen, "segment").sort("revenue_to_date", descending=True) \
            if chosen.height else None
        cols = {"segment": "segment", "customers": "customers",
                "share_customers": "share of customers",
                "mean_revenue_to_date": "revenue to date per customer",
                "mean_clv": "predicted CLV per customer", "mean_p_alive": "P(alive)"}
        shown = table(prof, {k: v for k, v in cols.items() if k in prof.columns}, "en",
                      percents=("share_customers", "mean_p_alive")) if prof is not None else None
        rules = dict(e.analysis.segments.segments.select("segment", "rule").iter_rows()) \
            if "rule" in e.analysis.segments.segments.columns else {}
        return section(e, "segments", f, profile=shown, chosen=chosen.height, rules=rules,
                       tiers=table(e.analysis.segments.tiers, {
                           "tier": "tier", "customers": "customers",
                           "share_revenue_to_date": "share of revenue to date",
                           "share_predicted_clv": "share of predicted CLV"}, "en",
                           percents=("share_revenue_to_date", "share_predicted_clv")))

    @app.get("/a/{aid}/cohorts", response_class=HTMLResponse, include_in_schema=False)
    def cohort_page(aid: int, start: str | None = None, end: str | None = None
                    ) -> HTMLResponse:
        e = entry(aid)
        f = Filters(start, end)
        t = e.analysis.cohorts.table
        if t.schema["cohort"] in (pl.Date, pl.Datetime):
            t = t.filter(f.period("cohort"))
        ages = sorted(t["age"].unique().to_list())[:13]
        grid = t.filter(pl.col("age").is_in(ages)).pivot(
            "age", index=["cohort", "customers"], values="retention", sort_columns=True
        ).sort("cohort")
        rep = e.analysis.cohorts.repeat
        repeat = table(rep, {c: c.replace("_", " ") for c in rep.columns}, "en",
                       percents=("repeat_rate",),
                       digits={c: 0 for c in rep.columns if "days" in c})
        return section(e, "cohorts", f, ages=[str(x) for x in ages], matrix=grid.rows(),
                       repeat=repeat)

    @app.get("/a/{aid}/channels", response_class=HTMLResponse, include_in_schema=False)
    def channel_page(aid: int, start: str | None = None, end: str | None = None,
                     channel: str | None = None) -> HTMLResponse:
        e = entry(aid)
        f = Filters(start, end, channel)
        acq = e.analysis.channels
        if acq is None:
            return section(e, "channels", f, overall=None, months=None)
        pick = (pl.col("channel") == f.channel) if f.channel else pl.lit(True)
        overall = table(acq.channels.filter(pick), {
            "channel": "channel", "new_customers": "new customers", "spend": "spend",
            "cac": "CAC", "historical_ltv_12m": "LTV 12 months (historical)",
            "predicted_ltv": "LTV (predicted)", "ltv_cac": "LTV:CAC", "verdict": "verdict",
            "payback_months": "payback (historical)",
            "predicted_payback_months": "payback (predicted)", "max_cac": "max CAC at 3x"},
            "en")
        months = table(acq.by_month.filter(pick & f.period("month")).sort("month", "channel"),
                       {c: c.replace("_", " ") for c in acq.by_month.columns}, "en",
                       percents=("conversion",))
        return section(e, "channels", f, overall=overall, months=months)

    @app.get("/a/{aid}/timing", response_class=HTMLResponse, include_in_schema=False)
    def timing(aid: int) -> HTMLResponse:
        e = entry(aid)
        a = e.analysis
        pairs = table(a.cross_sell.head(30), {
            "product_a": "first product", "product_b": "then", "share": "share", "lift": "lift",
            "q1_days": "days, 1st quartile", "median_days": "median days",
            "q3_days": "days, 3rd quartile", "recommendation": "recommendation"}, "en",
            percents=("share",), digits={"q1_days": 0, "median_days": 0, "q3_days": 0}) \
            if a.cross_sell is not None and a.cross_sell.height else None
        soon = a.customers.sort("p_purchase_30d", descending=True).head(20)
        col = next(c for c in a.next_purchase.columns if c.startswith("p_purchase_"))
        nxt = table(soon, {"customer_id": "customer", col: f"P(purchase) {col[11:]}",
                           "expected_next_purchase": "expected next purchase",
                           "segment": "segment"}, "en", percents=(col,))
        return section(e, "timing", pairs=pairs, nxt=nxt)

    @app.get("/a/{aid}/models", response_class=HTMLResponse, include_in_schema=False)
    def models(aid: int) -> HTMLResponse:
        e = entry(aid)
        a = e.analysis
        card = table(a.scorecard.table, {
            "model": "model", "mae_transactions": "MAE", "rmse_transactions": "RMSE",
            "total_transactions_error": "total error", "gini_revenue": "Gini"}, "en",
            percents=("total_transactions_error",)) if a.scorecard is not None else None
        params = table(a.model.summary(), {c: c for c in a.model.summary().columns}, "en",
                       digits=dict.fromkeys(a.model.summary().columns, 4))
        return section(e, "models", card=card, params=params)

    @app.get("/a/{aid}/whatif", response_class=HTMLResponse, include_in_schema=False)
    def whatif_page(aid: int) -> HTMLResponse:
        e = entry(aid)
        sens = table(e.analysis.sensitivity, {
            "rank": "rank", "lever": "lever",
            "total_pct_per_pct": "% change of total CLV per 1% of the lever",
            "new_ltv_pct_per_pct": "% change of a new customer's LTV per 1%"}, "en",
            digits={"total_pct_per_pct": 3, "new_ltv_pct_per_pct": 3})
        # the margin cannot be raised past 100%
        room = round((1 / e.analysis.settings.margin - 1) * 100)
        limits = {lever: (-50, min(50, room) if lever == "margin" else 50) for lever in LEVERS}
        return section(e, "whatif", levers=limits, figures=WHATIF_FIGURES, sensitivity=sens,
                       result=whatif_api(aid))

    @app.get("/a/{aid}/data", response_class=HTMLResponse, include_in_schema=False)
    def data(aid: int) -> HTMLResponse:
        e = entry(aid)
        issues = e.analysis.transactions.issues
        return section(e, "data", issues=issues, notes=list(issues.notes) + e.analysis.notes)

    @app.get("/a/{aid}/exports", response_class=HTMLResponse, include_in_schema=False)
    def exports(aid: int) -> HTMLResponse:
        e = entry(aid)
        names = [n for n, get in _tables(e.analysis).items() if get() is not None]
        return section(e, "exports", names=names)

    @app.get("/a/{aid}/export/{filename}", tags=["analyses"], response_class=Response,
             responses={200: {"description": "The table as a file", "content": {
                 "text/csv": {}, XLSX: {}}}})
    async def export(aid: int, filename: str) -> Response:
        """A table of the analysis as ``NAME.csv`` or ``NAME.xlsx`` (made once, then kept
        while the analysis is in memory)."""
        name, _, fmt = filename.rpartition(".")
        if fmt not in ("csv", "xlsx"):
            raise HTTPException(404, f"no table {filename}")

        def make(a: Analysis) -> bytes:
            get = _tables(a).get(name)
            frame = get() if get else None
            if frame is None:
                raise LookupError(f"no table {filename}")
            buf = io.BytesIO()
            if fmt == "csv":
                spreadsheet_safe(_flat(frame)).write_csv(buf)  # no cell a spreadsheet runs
            else:  # polars writes text as text (strings_to_formulas off), never a formula
                frame.write_excel(buf, worksheet=name[:31])
            return buf.getvalue()

        return await made(aid, filename, make, "text/csv; charset=utf-8" if fmt == "csv"
                          else XLSX, f"clv-{aid}-{name}.{fmt}")

    @app.get("/a/{aid}/report.html", tags=["analyses"], response_class=HTMLResponse,
             responses={code: {**answer, "content": {"application/json": {}}}
                        for code, answer in ERRORS.items()})  # errors are JSON, not HTML
    async def report(aid: int, lang: Literal["en", "fr"] = "en", download: bool = True
                     ) -> Response:
        """The self-contained HTML report of the analysis (``lang``: en or fr)."""
        return await made(aid, f"report-{lang}.html",
                          lambda a: render(a, lang).encode(), "text/html; charset=utf-8",
                          f"clv-{aid}-report-{lang}.html" if download else None)

    async def made(aid: int, key: str, make: Callable[[Analysis], bytes], kind: str,
                   download: str | None) -> Response:
        """The file ``key`` of the analysis, made by ``make`` on the export threads once
        (requests for a file being made wait for the same result, off the event loop and
        off the threads pages are served from), sent in pieces."""
        entry(aid)
        try:
            body = await asyncio.wrap_future(state.export(aid, key, make))
        except LookupError as exc:
            raise HTTPException(404, str(exc).strip("'\"")) from exc
        view, piece = memoryview(body), 1 << 20
        headers = {"Content-Length": str(len(body))}
        if download:
            headers["Content-Disposition"] = f'attachment; filename="{download}"'
        return StreamingResponse((view[i:i + piece] for i in range(0, len(body), piece)),
                                 media_type=kind, headers=headers)

    # ---- calculator and history ----------------------------------------------------------

    @app.get("/calculator", response_class=HTMLResponse, include_in_schema=False)
    def calculator(request: Request, formula: str = "generic") -> HTMLResponse:
        if formula not in FORMULAS:
            raise HTTPException(404, f"no formula {formula!r}")
        fields = _formula_fields(formula)
        given = request.query_params
        result, error = None, None
        if any(given.get(k) for k, _ in fields):
            try:
                result = formula_api(formula, request)
            except ClvError as exc:
                error = str(exc)
        return page("calculator.html.j2", formulas=list(FORMULAS), formula=formula,
                    doc=inspect.getdoc(FORMULAS[formula]) or "", fields=fields,
                    given=dict(given), result=result, error=error, e=None,
                    active="calculator")

    @app.get("/api/formulas/{formula}", tags=["formulas"])
    def formula_api(formula: str, request: Request) -> dict[str, Any]:
        """A closed-form LTV formula: its inputs as query parameters (see ``clv.formulas``),
        optional ``cac``."""
        if formula not in FORMULAS:
            raise HTTPException(404, f"no formula {formula!r}")
        values: dict[str, float | None] = {}
        for key, _ in _formula_fields(formula) + [("cac", None)]:
            raw = request.query_params.get(key)
            try:
                values[key] = float(raw) if raw not in (None, "") else None
            except ValueError as exc:
                raise ClvError(f"{key} must be a number, not {raw!r}") from exc
        cac = values.pop("cac")
        if formula == "discounted" and values.get("periods") is not None:
            values["periods"] = int(values["periods"])  # type: ignore[arg-type]
        return calculate(formula, values, cac)

    @app.get("/history", response_class=HTMLResponse, include_in_schema=False)
    def history() -> HTMLResponse:
        h = state.store.history()
        shown = [c for c in HISTORY_COLUMNS if c in h.columns]
        return page("history.html.j2", rows=h.sort("id", descending=True).to_dicts(),
                    columns=shown, chart=state.history_chart(h), live=set(state.entries),
                    e=None, active="history")

    @app.get("/api/history", tags=["history"])
    def history_api() -> list[dict[str, Any]]:
        """Every saved analysis with its KPIs and their change from the previous one."""
        return _frame_json(state.store.history())

    # ---- JSON API over an analysis --------------------------------------------------------

    @app.get("/api/analyses", tags=["analyses"])
    def analyses() -> list[dict[str, Any]]:
        """The analyses of this session."""
        return [{"id": e.id, "source": e.source, "model": e.model,
                 "customers": e.kpis["customers"]}  # never reads a put-aside analysis back
                for e in state.entries.values()]

    @app.get("/api/analyses/{aid}", tags=["analyses"])
    def analysis_api(aid: int) -> dict[str, Any]:
        """KPIs, settings, notes, seconds per step and the tables available."""
        a = entry(aid).analysis
        return jsonable_encoder({
            "id": aid, "kpis": _finite(a.kpis),
            "settings": {k: getattr(a.settings, k) for k in (
                "unit", "horizon", "horizon_unit", "margin", "discount_rate", "level")},
            "notes": a.notes, "seconds": a.seconds, "actions": actions(a, "en"),
            "tables": [n for n, get in _tables(a).items() if get() is not None]})

    @app.get("/api/analyses/{aid}/tables/{name}", tags=["analyses"])
    def table_api(aid: int, name: str, limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
                  offset: Annotated[int, Query(ge=0, le=MAX_INDEX)] = 0) -> dict[str, Any]:
        """Rows of a table of the analysis (see ``tables`` of the analysis)."""
        get = _tables(entry(aid).analysis).get(name)
        frame = get() if get else None
        if frame is None:
            raise HTTPException(404, f"no table {name!r}")
        return {"name": name, "rows": frame.height, "columns": frame.columns,
                "data": _frame_json(frame.slice(offset, limit))}

    @app.get("/api/analyses/{aid}/customers", tags=["customers"])
    def customers_api(aid: int, start: str | None = None, end: str | None = None,
                      channel: str | None = None, segment: str | None = None,
                      q: str | None = None, limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
                      offset: Annotated[int, Query(ge=0, le=MAX_INDEX)] = 0) -> dict[str, Any]:
        """Customers matching the filters, most valuable first."""
        found = Filters(start, end, channel, segment, q).customers(entry(aid).analysis.customers)
        return {"found": found.height, "data": _frame_json(
            found.sort("clv", descending=True).slice(offset, limit))}

    @app.get("/api/analyses/{aid}/customers/{cid:path}", tags=["customers"])
    def customer_api(aid: int, cid: str) -> dict[str, Any]:
        """One customer: predictions (P(alive), expected purchases, CLV and its interval,
        segment, next purchase) and the purchase history."""
        a = entry(aid).analysis
        row = a.customers.filter(pl.col("customer_id") == cid)
        if row.height == 0:
            raise HTTPException(404, f"no customer {cid!r}")
        lines = a.transactions.frame.filter(pl.col("customer_id") == cid).sort("timestamp")
        return {"customer": _frame_json(row)[0], "lines": lines.height,
                "history": _frame_json(lines.head(500))}

    @app.get("/api/analyses/{aid}/whatif", tags=["analyses"])
    def whatif_api(aid: int, retention: float = 0.0, frequency: float = 0.0,
                   basket: float = 0.0, margin: float = 0.0, cac: float = 0.0
                   ) -> dict[str, Any]:
        """Base and changed figures with the levers as relative changes (0.05 = +5%)."""
        a = entry(aid).analysis
        levers = Levers(retention=retention, frequency=frequency, basket=basket, margin=margin,
                        cac=cac)
        if a.settings.margin * (1 + margin) > 1:
            raise ClvError(f"the margin cannot pass 100% (now {a.settings.margin:.0%})")
        s = state.what_if(entry(aid), levers)  # once per levers while in memory
        return {"levers": {k: getattr(levers, k) for k in LEVERS},
                "base": _finite({k: s.base.get(k) for k in WHATIF_FIGURES}),
                "scenario": _finite({k: s.scenario.get(k) for k in WHATIF_FIGURES}),
                "labels": WHATIF_FIGURES}

    return app
