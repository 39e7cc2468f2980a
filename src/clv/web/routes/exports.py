"""Files of an analysis: its tables as CSV or XLSX and its HTML report, each made once on the
export threads (:meth:`clv.web.state.State.export`) and sent in pieces.

Amounts are written rounded to the cent (never ``65.27000000000001``), shares, rates and
probabilities to 4 decimals, the other decimals (purchases expected, frequencies, days) to 2;
a date as a date (``2024-03-01``, no time part when every time of its column is midnight),
a time without ISO's ``T`` and microseconds; no thousands separator, so that the files stay
machine-readable. The customers table takes the pages' filters (``start``, ``end``, ``channel``,
``segment``, ``tier``, ``q``), so that a list seen on a page exports as shown."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Annotated, Literal

import polars as pl
import polars.selectors as cs
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from clv import i18n, measures
from clv.export import spreadsheet_safe
from clv.pipeline import Analysis
from clv.report import render
from clv.web.deps import EntryDep, PageLang, StateDep
from clv.web.schemas import ERRORS
from clv.web.state import Entry, State
from clv.web.views import Filters, tables

router = APIRouter(tags=["analyses"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = re.compile(r"(^|_)(revenue|spend|clv|ltv|cac|amount|margin|mrr|arpa|price|profit|"
                   r"cost|value|mean_spend|expected_spend)(_|$)")
"""Columns holding amounts (``revenue``, ``clv_lower``, ``mean_predicted_clv``, ``cac``...)."""
NOT_MONEY = re.compile(r"(^|_)(share|pct|rate|ratio|months|days|p)(_|$)|ltv_cac")
"""...unless they hold a share, a ratio or a duration (``share_revenue_to_date``,
``ltv_cac``, ``payback_months``)."""
RATE = re.compile(r"(^|_)(p|share|rate|ratio|retention|conversion|lift|pct|gini|churn|"
                  r"probability)(_|$)|ltv_cac|return_per_spend")
"""Columns holding a share, a rate or a probability (``p_alive``, ``share_customers``,
``repeat_rate``, ``ltv_cac``...), written to :data:`RATE_DECIMALS` places."""
CENTS = 2
RATE_DECIMALS = 4
DECIMALS = 2
"""Places of the other decimals (expected purchases, frequencies, days, log-likelihoods)."""
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
"""How a CSV writes a time (polars' default is ISO with microseconds)."""
FILTERED = ("customers",)
"""The tables the filters apply to."""


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """The amounts of ``frame`` rounded to the cent, its shares, rates and probabilities to
    :data:`RATE_DECIMALS` places, its other decimals to :data:`DECIMALS` (what a sum of
    floats adds in its last digits goes, and no 8.857142857142858 purchases); a column of
    times that are all midnight as dates."""
    floats = [c for c, dtype in frame.schema.items() if dtype.is_float()]
    money = [c for c in floats if MONEY.search(c) and not NOT_MONEY.search(c)]
    rates = [c for c in floats if c not in money and RATE.search(c)]
    days = [c for c, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)
            and frame[c].drop_nulls().dt.time().eq(dt.time(0)).all()]
    return frame.with_columns(pl.col(money).round(CENTS), pl.col(rates).round(RATE_DECIMALS),
                              cs.float().exclude([*money, *rates]).round(DECIMALS),
                              pl.col(days).dt.date())


def in_words(frame: pl.DataFrame, a: Analysis, lang: str) -> pl.DataFrame:
    """``frame`` for a reader of ``lang``: columns named as the pages name them (the
    figures of :mod:`clv.measures`, the other columns from the catalogue, any other column
    as it is), segments and tiers in words."""
    from clv.report.text import segment_name, tier

    if "segment" in frame.columns:
        frame = frame.with_columns(pl.col("segment").map_elements(
            lambda s: segment_name(s, lang), return_dtype=pl.String))
    if "tier" in frame.columns:
        frame = frame.with_columns(pl.col("tier").map_elements(
            lambda s: tier(s, lang), return_dtype=pl.String))
    names: dict[str, str] = {}
    for column in frame.columns:
        if column in measures.MEASURES:
            name = measures.label(column, lang, a.settings)
        elif f"col_{column}" in i18n.catalogue():
            name = i18n.t(f"col_{column}", lang)
        else:
            name = column
        names[column] = name if name not in names.values() else f"{name} ({column})"
    return frame.rename(names)


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists and structs written as text, for CSV."""
    return frame.with_columns(
        pl.col(c).list.eval(pl.element().cast(pl.String)).list.join(", ")
        if isinstance(dtype, pl.List) else pl.col(c).struct.json_encode()
        for c, dtype in frame.schema.items() if isinstance(dtype, pl.List | pl.Struct))


async def made(state: State, e: Entry, key: str, make: Callable[[Analysis], bytes], kind: str,
               download: str | None) -> Response:
    """The file ``key`` of the analysis, made by ``make`` on the export threads once
    (requests for a file being made wait for the same result, off the event loop and off the
    threads pages are served from), sent in pieces."""
    try:
        body = await asyncio.wrap_future(state.export(e.id, key, make))
    except LookupError as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from exc
    view, piece = memoryview(body), 1 << 20
    headers = {"Content-Length": str(len(body))}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return StreamingResponse((view[i:i + piece] for i in range(0, len(body), piece)),
                             media_type=kind, headers=headers)


@router.get("/a/{aid}/export/{filename}", response_class=Response,
            responses={200: {"description": "The table as a file", "content": {
                "text/csv": {}, XLSX: {}}}})
async def export(e: EntryDep, state: StateDep, filename: str,
                 f: Annotated[Filters, Depends()], lang: PageLang) -> Response:
    """A table of the analysis as ``NAME.csv`` or ``NAME.xlsx`` (made once, then kept while
    the analysis is in memory), amounts rounded to the cent; the customers table restricted
    to the filters (``start``, ``end``, ``channel``, ``segment``, ``tier``, ``q``). Columns,
    segments and tiers are named in the language (``?lang=``, the cookie, the browser's);
    in French the CSV is as French spreadsheets read it: ``;`` between the values, decimal
    commas, and a byte order mark that says UTF-8."""
    name, _, fmt = filename.rpartition(".")
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, f"no table {filename}")
    chosen = {k: v for k, v in f.raw.items() if v} if name in FILTERED else {}

    def make(a: Analysis) -> bytes:
        get = tables(a).get(name)
        frame = get() if get else None
        if frame is None:
            raise LookupError(f"no table {filename}")
        if chosen:
            frame = f.customers(frame)
        frame = in_words(rounded(frame), a, lang)
        buf = io.BytesIO()
        if fmt == "csv" and lang == "fr":
            buf.write("\ufeff".encode())  # French Excel reads UTF-8 only with the mark
            spreadsheet_safe(flat(frame)).write_csv(buf, separator=";", decimal_comma=True,
                                                    datetime_format=DATETIME_FORMAT)
        elif fmt == "csv":  # no cell a spreadsheet runs
            spreadsheet_safe(flat(frame)).write_csv(buf, datetime_format=DATETIME_FORMAT)
        else:  # polars writes text as text (strings_to_formulas off), never a formula
            frame.write_excel(buf, worksheet=name[:31])
        return buf.getvalue()

    key = f"{lang}:{filename}" + (f"?{sorted(chosen.items())}" if chosen else "")
    download = f"clv-{e.id}-{name}{'-filtered' if chosen else ''}.{fmt}"
    return await made(state, e, key, make, "text/csv; charset=utf-8" if fmt == "csv"
                      else XLSX, download)


@router.get("/a/{aid}/report.html", response_class=HTMLResponse,
            responses={code: {**answer, "content": {"application/json": {}}}
                       for code, answer in ERRORS.items()})  # errors are JSON, not HTML
async def report(e: EntryDep, state: StateDep, lang: Literal["en", "fr"] = "en",
                 download: bool = True) -> Response:
    """The self-contained HTML report of the analysis (``lang``: en or fr)."""
    return await made(state, e, f"report-{lang}.html", lambda a: render(a, lang).encode(),
                      "text/html; charset=utf-8",
                      f"clv-{e.id}-report-{lang}.html" if download else None)
