"""What the pages share: the templates (Jinja2, autoescaped), the answer of a page (with its
security headers), the filters of the analysis pages, and the tables an analysis offers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import jinja2
import polars as pl
import polars.selectors as cs
from fastapi import HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse

from clv.pipeline import Analysis
from clv.report.text import number, percent, segment_name
from clv.web import i18n
from clv.web.state import Entry, form_words

SECTIONS = {"overview": "Overview", "customers": "Customers", "segments": "Segments",
            "cohorts": "Cohorts", "channels": "Channels", "timing": "Timing",
            "models": "Models", "whatif": "What if", "data": "Data", "exports": "Exports"}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("clv.web", "templates"),
    autoescape=jinja2.select_autoescape(("html", "j2"), default=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.filters["num"] = lambda v, d=0: "-" if v is None else number(v, "en", d)
ENV.filters["pct"] = lambda v, d=1: "-" if v is None else percent(v, "en", d)
ENV.filters["words"] = form_words


@jinja2.pass_context
def _t(context: jinja2.runtime.Context, key: str, /, **values: Any) -> str:
    """``{{ t("key", n=...) }}`` in a template: the message in the page's ``lang``."""
    return i18n.t(key, context.get("lang", "en"), **values)


ENV.globals["t"] = _t


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``context`` (``lang``: the page's language)."""
    context.setdefault("lang", "en")
    html = ENV.get_template(name).render(sections=SECTIONS, **context)
    return HTMLResponse(html, status, headers={
        "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
        # same-origin: the dashboard's own forms carry their Origin (the guard's check); no
        # address of the dashboard is sent to another site
        "Referrer-Policy": "same-origin", "Cache-Control": "no-store"})


def section(e: Entry, name: str, f: Filters | None = None, **context: Any) -> HTMLResponse:
    """A page of the analysis ``e``, with its section links and the filters' choices."""
    a = e.analysis
    channels = sorted(a.customers["channel"].drop_nulls().unique().to_list()) \
        if "channel" in a.customers.columns else []
    segments = [(s, segment_name(s, "en"))  # (value, as shown)
                for s in sorted(a.segments.customers["segment"].unique().to_list())]
    return page(f"{name}.html.j2", e=e, a=a, active=name, f=f or Filters(),
                channels=channels, segment_names=segments,
                charts=e.charts_in(context.get("lang", "en")), **context)


def _month(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise HTTPException(400, f"{name} must be a month written YYYY-MM, not {value!r}"
                            ) from exc


class Filters:
    """The page filters (query parameters, a dependency of the routes that take them):
    acquisition months ``start`` and ``end`` (YYYY-MM), ``channel``, ``segment``, ``q`` (part
    of a customer id)."""

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


def frame_json(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN and infinities become null)."""
    floats = cs.float()
    clean = frame.with_columns(pl.when(floats.is_finite()).then(floats).otherwise(None))
    rows: list[dict[str, Any]] = jsonable_encoder(clean.to_dicts())
    return rows


def finite(values: dict[str, Any]) -> dict[str, Any]:
    """The dict with NaN and infinities as None (JSON has neither)."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in values.items()}


def tables(a: Analysis) -> dict[str, Callable[[], pl.DataFrame | None]]:
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


def available(a: Analysis) -> list[str]:
    """The names of the tables ``a`` has."""
    return [n for n, get in tables(a).items() if get() is not None]
