"""Files of an analysis: its tables as CSV or XLSX and its HTML report, each made once on the
export threads (:meth:`clv.web.state.State.export`) and sent in pieces.

Amounts are written rounded to the cent (never ``65.27000000000001``), shares, rates and
probabilities to 4 decimals, the other decimals (purchases expected, frequencies, days) to 2;
a date as a date (``2024-03-01``, no time part when every time of its column is midnight;
``01/03/2024`` in a French CSV), a time without ISO's ``T`` and microseconds; no thousands
separator, so that the files stay machine-readable. The customers table takes the pages'
filters (``start``, ``end``, ``channel``, ``segment``, ``tier``, ``q``), so that a list seen
on a page exports as shown."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Annotated, Literal

import polars as pl
import polars.selectors as cs
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from clv import i18n, measures
from clv.export import spreadsheet_safe
from clv.pipeline import Analysis
from clv.report import render
from clv.web.deps import EntryDep, PageLang, StateDep
from clv.web.schemas import ERRORS
from clv.web.state import Entry, State
from clv.web.views import Filters, no_export, tables

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
FR_DATE = "%d/%m/%Y"
"""How a French CSV writes a date: as a French spreadsheet reads one, as its numbers are
(``;`` and decimal commas); English CSVs and the XLSX (real date cells) keep ISO dates."""
FILTERED: dict[str, tuple[str, ...]] = {
    "customers": ("start", "end", "channel", "segment", "tier", "q"),
    "segments": ("start", "end", "channel", "tier", "q"),
    "cohorts": ("start", "end", "channel", "segment", "tier"),
    "cross_sell": ("start", "end", "channel", "segment", "tier", "q")}
"""The tables the filters apply to, and the filters each takes, as its page does (the
segments compare the segments: no segment filter; the cohorts pick customers by channel,
segment and tier, cohorts by their months; the cross-sell pairs are those of the customers
kept, as on the timing page)."""


def filtered(e: Entry, name: str, f: Filters) -> pl.DataFrame | None:
    """The table ``name`` (one of :data:`FILTERED`) of the customers the filters ``f`` keep,
    as its page shows it: the customers, the segments' profile of the customers kept (with
    each segment's rule), the cohorts of the customers kept acquired in the chosen months,
    the cross-sell pairs of the customers kept; None when they keep nobody."""
    from clv.segments import profile
    from clv.web.routes.pages import _in_period, cohorts_of, cross_sell_of

    a = e.analysis
    if name == "customers":
        return f.customers(a.listed)
    if name == "cross_sell":
        return cross_sell_of(e, f)[0]
    if name == "segments":
        chosen = Filters(**{k: f.raw[k] for k in FILTERED[name] if f.raw[k]}).customers(
            a.customers)
        if not chosen.height:
            return None
        full = a.segments.segments
        prof = profile(chosen, "segment").join(full.select("segment", "rule"), on="segment",
                                               how="left")
        order = pl.col("segment").replace_strict(
            {s: i for i, s in enumerate(full["segment"])}, default=len(full),
            return_dtype=pl.Int64)
        return prof.sort(order).select([c for c in full.columns if c in prof.columns])
    coh = cohorts_of(e, f)
    return _in_period(coh, f).table if coh is not None else None


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """The amounts of ``frame`` rounded to the cent, its shares, rates and probabilities to
    :data:`RATE_DECIMALS` places, its other decimals to :data:`DECIMALS` (what a sum of
    floats adds in its last digits goes, and no 8.857142857142858 purchases); a column of
    times that are all midnight as dates."""
    floats = [c for c, dtype in frame.schema.items() if dtype.is_float()]
    money = money_columns(frame)
    rates = [c for c in floats if c not in money and RATE.search(c)]
    days = [c for c, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)
            and frame[c].drop_nulls().dt.time().eq(dt.time(0)).all()]
    return frame.with_columns(pl.col(money).round(CENTS), pl.col(rates).round(RATE_DECIMALS),
                              cs.float().exclude([*money, *rates]).round(DECIMALS),
                              pl.col(days).dt.date())


def money_columns(frame: pl.DataFrame) -> list[str]:
    """The columns of decimals of ``frame`` that hold amounts."""
    return [c for c, dtype in frame.schema.items()
            if dtype.is_float() and MONEY.search(c) and not NOT_MONEY.search(c)]


def cents(frame: pl.DataFrame, columns: list[str], comma: bool) -> pl.DataFrame:
    """The amounts ``columns`` of ``frame`` as text with their two places (``0.00``, not
    ``0.0``; ``0,00`` with ``comma``), for CSV; a blank stays blank."""
    point = "," if comma else "."

    def written(c: str) -> pl.Expr:
        v = pl.col(c)
        k = (v * 100).round().cast(pl.Int64, strict=False)
        text = pl.format("{}{}{}{}", pl.when(k < 0).then(pl.lit("-")).otherwise(pl.lit("")),
                         (k.abs() // 100).cast(pl.String), pl.lit(point),
                         (k.abs() % 100).cast(pl.String).str.zfill(2))
        return pl.when(v.is_finite()).then(text).otherwise(v.cast(pl.String)).alias(c)

    return frame.with_columns(written(c) for c in columns if frame.schema[c].is_float())


def in_words(frame: pl.DataFrame, a: Analysis, lang: str, table: str = "") -> pl.DataFrame:
    """``frame`` (the table ``table``) for a reader of ``lang``: columns named as the pages
    name them (a column whose meaning is the table's own, such as a segment's total future
    value, as ``xcol_<table>_<column>`` of the catalogue; then the figures of
    :mod:`clv.measures`, the other columns from the catalogue, any other column as it is),
    segments, tiers, the segments' rules and the verdicts in words; the channels with a
    blank CAC say why, as their page does."""
    frame = worded(frame, lang)
    return frame.rename(column_names(frame, a, lang, table))


def column_names(frame: pl.DataFrame, a: Analysis, lang: str, table: str = "") -> dict[str, str]:
    """The name of each column of ``frame`` in ``lang`` (see :func:`in_words`)."""
    catalogue = i18n.catalogue()
    horizon = measures.horizon_words(getattr(a.settings, "horizon", 12.0),
                                     getattr(a.settings, "horizon_unit", "month"), lang)
    names: dict[str, str] = {}
    for column in frame.columns:
        if f"xcol_{table}_{column}" in catalogue:
            name = i18n.t(f"xcol_{table}_{column}", lang, horizon=horizon)
        elif column in measures.MEASURES:
            name = measures.label(column, lang, a.settings)
        elif f"col_{column}" in catalogue:
            name = i18n.t(f"col_{column}", lang)
        else:
            name = column
        names[column] = name if name not in names.values() else f"{name} ({column})"
    return names


def worded(frame: pl.DataFrame, lang: str, spend_left: bool = False) -> pl.DataFrame:
    """The values of ``frame`` a reader of ``lang`` reads as words (see :func:`in_words`),
    its columns still named as in the analysis (``spend_left``: lines of the spend file were
    left out at import, so a channel without spend read may miss some, as its page says)."""
    from clv.report.text import segment_name, tier, verdict

    catalogue = i18n.catalogue()
    if "rule" in frame.columns and "segment" in frame.columns:
        frame = frame.with_columns(pl.struct("segment", "rule").map_elements(
            lambda r: i18n.t(f"seg_rule_{r['segment']}", lang)
            if f"seg_rule_{r['segment']}" in catalogue else r["rule"],
            return_dtype=pl.String).alias("rule"))
    for column in ("verdict", "historical_verdict_12m"):
        if column in frame.columns and frame.schema[column] == pl.String:
            frame = frame.with_columns(pl.col(column).map_elements(
                lambda v: verdict(v, lang), return_dtype=pl.String))
    if {"channel", "spend", "cac"} <= set(frame.columns):
        new = pl.col("new_customers") if "new_customers" in frame.columns else pl.lit(1)
        frame = frame.with_columns(
            pl.when(pl.col("cac").is_not_null()).then(pl.lit(None, pl.String))
            .when(pl.col("spend").fill_null(0) == 0)
            .then(pl.lit(i18n.t("page_blank_no_spend_left" if spend_left
                                else "page_blank_no_spend", lang)))
            .when(new.fill_null(0) == 0).then(pl.lit(i18n.t("page_blank_no_new", lang)))
            .otherwise(pl.lit(None, pl.String)).alias("blank_note"))
    if "channel" in frame.columns and frame.schema["channel"] == pl.String:
        # the customers without a channel, counted under the library's '(unknown)', named as
        # the channels page names them
        from clv.acquisition import UNKNOWN

        frame = frame.with_columns(pl.col("channel").replace(
            UNKNOWN, i18n.t("page_channel_unknown", lang)))
    if "segment" in frame.columns:
        frame = frame.with_columns(pl.col("segment").map_elements(
            lambda s: segment_name(s, lang), return_dtype=pl.String))
    if "tier" in frame.columns:
        frame = frame.with_columns(pl.col("tier").map_elements(
            lambda s: tier(s, lang), return_dtype=pl.String))
    return frame


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
                 f: Annotated[Filters, Depends()], lang: PageLang,
                 request: Request) -> Response:
    """A table of the analysis as ``NAME.csv`` or ``NAME.xlsx`` (made once, then kept while
    the analysis is in memory), amounts rounded to the cent; the customers table restricted
    to the filters (``start``, ``end``, ``channel``, ``segment``, ``tier``, ``q``). Columns,
    segments and tiers are named in the language (``?lang=``, the cookie, the browser's);
    in French the CSV is as French spreadsheets read it: ``;`` between the values, decimal
    commas, and a byte order mark that says UTF-8."""
    name, _, fmt = filename.rpartition(".")
    if fmt not in ("csv", "xlsx") or name not in tables(e.analysis):
        return no_export(request, e, filename, lang)
    chosen = {k: v for k, v in f.raw.items() if v and k in FILTERED.get(name, ())}

    def make(a: Analysis) -> bytes:
        get = tables(a).get(name)
        frame = get() if get else None
        if frame is not None and chosen:
            kept = filtered(e, name, f)
            frame = kept if kept is not None else frame.clear()
        if frame is None:
            raise LookupError(f"no table {filename}")
        frame = worded(rounded(frame), lang, spend_left=any(
            x.key != "empty_row" and x.count for r in getattr(a, "table_reports", ())
            if r.kind == "spend" for x in r.exclusions))
        money = money_columns(frame)
        names = column_names(frame, a, lang, name)
        frame = frame.rename(names)
        buf = io.BytesIO()
        if fmt == "csv":  # no cell a spreadsheet runs; amounts with their two places
            text = cents(spreadsheet_safe(flat(frame)), [names[c] for c in money],
                         comma=lang == "fr")
        if fmt == "csv" and lang == "fr":
            buf.write("\ufeff".encode())  # French Excel reads UTF-8 only with the mark
            text.write_csv(buf, separator=";", decimal_comma=True, date_format=FR_DATE,
                           datetime_format=f"{FR_DATE} %H:%M:%S")
        elif fmt == "csv":
            text.write_csv(buf, datetime_format=DATETIME_FORMAT)
        else:  # polars writes text as text (strings_to_formulas off), never a formula
            frame.write_excel(buf, worksheet=name[:31])
        return buf.getvalue()

    key = f"{lang}:{filename}" + (f"?{sorted(chosen.items())}" if chosen else "")
    # the file named in the page's language ('clv-1-clients-filtre.csv' in French)
    named = i18n.t(f"file_{name}", lang)
    download = f"clv-{e.id}-{named}{'-' + i18n.t('file_filtered', lang) if chosen else ''}.{fmt}"
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
                      f"clv-{e.id}-{i18n.t('file_report', lang)}-{lang}.html" if download
                      else None)
