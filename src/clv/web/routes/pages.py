"""The pages of an analysis: ``/a/{aid}`` (overview) and its sections ``customers``,
``segments``, ``cohorts``, ``channels``, ``timing``, ``models``, ``whatif``, ``data``,
``exports``, in English or French (:data:`clv.web.deps.PageLang`: ``?lang=``, its cookie,
the browser's languages, ``clv serve --lang``), figures named as in :mod:`clv.measures`,
amounts in the analysis's currency for the locale.

The filters (``start``, ``end``, ``channel``, ``segment``, ``tier``) are kept from page to
page; a page applies those that pick what it shows (the cohorts and the segments are those of
the customers kept) and says, in its language, the ones it leaves out and why (the models,
the what-if and the data quality cover every customer); the names of segments, channels,
cohorts and tiers open the customers they hold (``/a/{aid}/customers?segment=...``), whose
list says which filters apply and exports exactly those customers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import weakref
from collections.abc import Callable, Hashable, Mapping
from typing import Annotated, Any, Generic, TypeVar

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from clv import i18n, measures
from clv.acquisition import UNKNOWN
from clv.cohorts import Cohorts
from clv.evaluate import BASELINE
from clv.i18n import t
from clv.measures import label
from clv.report import actions
from clv.report.text import (
    actions_heading,
    excluded_reason,
    number,
    reason,
    segment_name,
    tier,
    word,
)
from clv.scenarios import Levers
from clv.segments import SEGMENTS, profile
from clv.web import figures
from clv.web.deps import EntryDep, PageLang, StateDep
from clv.web.routes.api import LEVERS, MAX_INDEX, WHATIF_FIGURES, customer_of, what_if
from clv.web.state import Entry
from clv.web.views import FILTERS, Filters, PageFilters, available, note_said, section

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE = 50
FilterDep = Annotated[Filters, Depends(PageFilters)]
HISTORY = {"timestamp": "page_date", "amount": "page_amount", "order_id": "page_order",
           "product": "page_product", "channel": "filter_channel",
           "quantity": "page_quantity"}
"""The columns of a customer's purchase history the page shows, and their headers."""
WHATIF_KINDS = {"total_clv": "money", "mean_clv": "money", "new_customer_ltv": "money",
                "ltv_cac": "ratio", "payback_months": "months",
                "profit_per_new_customer": "money"}
LEVER_WORDS = {"retention", "frequency", "basket", "margin", "cac", "discount_rate"}


_actions: weakref.WeakKeyDictionary[Entry, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def _what_to_do(e: Entry, lang: str) -> list[str]:
    """The overview's 'what to do' (:func:`clv.report.actions`: a what-if per lever, a
    quarter of a second), made once per analysis and language while the analysis is held."""
    held = _actions.setdefault(e, {})
    if lang not in held:
        held[lang] = actions(e.analysis, lang)
    return held[lang]


def action_links(e: Entry, done: list[str], lang: str, f: Filters | None = None
                 ) -> list[dict[str, str | None]]:
    """The overview's actions, the win-back one (its segment named in it, as
    :func:`clv.report.actions` picks it: the 'cannot lose' or 'at risk' customers who brought
    most) a link to that segment's customers (every customer of it, as the sentence counts
    them; under the filters ``f`` when set, the link's title then saying so), with the words
    of the link's title."""
    f = f or Filters()
    segs = e.analysis.segments.segments.filter(
        pl.col("segment").is_in(["cannot_lose", "at_risk"]) & (pl.col("customers") > 0)
    ).sort("revenue_to_date", descending=True)
    out: list[dict[str, str | None]] = [{"text": x, "link": None, "title": None}
                                        for x in done]
    if not segs.height:
        return out
    row = segs.row(0, named=True)
    name, n = segment_name(row["segment"], lang), number(row["customers"], lang)
    for x in out:
        if n in str(x["text"]) and name in str(x["text"]):
            x["link"] = _customers_link(e, f, segment=row["segment"])
            x["title"] = t("page_action_open_filtered", lang, segment=name) if f.kept \
                else t("page_action_open", lang, n=n, segment=name)
            break
    return out


SELECTIONS_KEPT = 16
"""What is drawn or computed for a selection (filters, language) kept per analysis: the
latest selections."""
V = TypeVar("V")


class Kept(Generic[V]):
    """Values made for an analysis held in memory, by key (a selection and a language): the
    latest :data:`SELECTIONS_KEPT` kept per analysis (the oldest dropped first), all of them
    dropped with the analysis."""

    def __init__(self) -> None:
        self._held: weakref.WeakKeyDictionary[Entry, dict[Hashable, V]] = \
            weakref.WeakKeyDictionary()

    def get(self, e: Entry, key: Hashable, make: Callable[[], V]) -> V:
        """The value of ``key`` for ``e``, made by ``make`` the first time."""
        held = self._held.setdefault(e, {})
        if key not in held:
            value = make()
            if len(held) >= SELECTIONS_KEPT:
                held.pop(next(iter(held)))
            held[key] = value
        return held[key]


_selected: Kept[dict[str, str | None]] = Kept()


def _selection_charts(e: Entry, chosen: pl.DataFrame, key: str, lang: str
                      ) -> dict[str, str | None]:
    """The overview's charts (:data:`clv.web.charts.SELECTION_CHARTS`) of the customers the
    filters keep, drawn once per selection and language (the latest few kept); a chart that
    cannot be drawn for them (nobody kept, values summing to zero) is None."""
    from clv.web.charts import SELECTION_CHARTS, of_customers, render_charts

    def draw() -> dict[str, str | None]:
        sub = of_customers(e.analysis, chosen["customer_id"]) if chosen.height else None
        return render_charts(sub, lang, SELECTION_CHARTS) if sub is not None else \
            dict.fromkeys(SELECTION_CHARTS)

    return _selected.get(e, (lang, key), draw)


WARN_SHARE = 0.05
"""The share of rows or of the amount read left out above which the overview warns."""


def left_out(a: Any, lang: str) -> str | None:
    """The overview's warning when the reading left out more than :data:`WARN_SHARE` of the
    rows or of the amount read (a wrong date format, another currency...), naming the main
    reason; None otherwise. A spreadsheet's totals row is left out of both shares: it
    repeats the amounts of the others (it made a file of 10 orders and its total warn of
    '50% of the amounts read' left out). The rows in other currencies count among the rows
    left out, but their amounts are no money in the kept currency: the amount's share is
    that of the kept currency's amounts (two yen orders among a hundred in euros made
    '98% of the amounts read' left out)."""
    from clv.data.issues import OTHER_CURRENCY, TOTALS_ROW

    issues = a.transactions.issues
    totals = [x for x in issues.exclusions if x.reason == TOTALS_ROW]
    others = [x for x in issues.exclusions if x.reason != TOTALS_ROW]
    foreign = [x for x in others if x.reason == OTHER_CURRENCY]
    money = [x for x in others if x.reason != OTHER_CURRENCY]
    read = issues.rows_read - sum(x.count for x in totals)
    magnitude = issues.amount_magnitude - sum(abs(x.amount) for x in totals) - sum(
        sum(abs(v) for v in x.amounts.values()) if x.amounts else abs(x.amount)
        for x in foreign)
    rows = sum(x.count for x in others) / read if read > 0 else 0.0
    amount = abs(sum(x.amount for x in money)) / magnitude if magnitude > 0 else 0.0
    if max(rows, amount) <= WARN_SHARE or not others:
        return None
    main = max(others, key=lambda x: x.count)
    return t("page_left_out", lang, rows=measures.percent(rows, lang),
             amount=measures.percent(amount, lang), reason=reason(main.reason, lang),
             n=number(main.count, lang))


def _without_segment(f: Filters) -> Filters:
    """The filters ``f`` but the segment."""
    import copy

    out = copy.copy(f)
    out.segment = None
    return out


def blank(why: str, lang: str) -> dict[str, str]:
    """A blank cell: its short reason (message ``page_blank_<why>``) and the longer one."""
    return {"short": t(f"page_blank_{why}", lang), "why": t(f"page_blank_{why}_why", lang)}


def ignored(f: Filters, applied: tuple[str, ...], why: str, lang: str) -> str | None:
    """The note of a page that leaves out the filters set but ``applied`` (kept in its
    links for the other pages): which ones, in words of ``lang``, and why
    (``page_filters_why_<why>``); None when it applies every filter set."""
    rest = Filters(**{k: f.raw[k] for k in FILTERS if k not in applied and f.raw[k]})
    words = rest.described(lang)
    if not words:
        return None
    return t("page_filters_ignored", lang, filters=", ".join(words),
             why=t(f"page_filters_why_{why}", lang))


def _customers_link(e: Entry, f: Filters, **changed: str | None) -> str:
    return f"/a/{e.id}/customers{f.link(**changed)}"


@router.get("/a/{aid}")
def overview(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    a = e.analysis
    chosen = f.customers(a.customers) if f.kept or f.q else None
    shown = figures.headline(a, lang)
    shown_actions = action_links(e, _what_to_do(e, lang), lang, f)  # the heading counts them
    picked = figures.selection(chosen, a, lang) if chosen is not None else None
    keys = [x["key"] for x in shown + (picked or [])]
    selection_charts = _selection_charts(e, chosen, f.link(q=f.q), lang) \
        if chosen is not None else None
    return section(e, "overview", f, lang=lang, request=request,
                   selection_charts=selection_charts, left_out=left_out(a, lang),
                   w=lambda k: figures.word(k, lang), figures=shown, selection=picked,
                   selected=chosen.height if chosen is not None else 0,
                   actions=shown_actions, todo_heading=actions_heading(len(shown_actions), lang),
                   todo_none=word("no_action", lang),
                   todo_all=t("page_todo_all", lang, filters=", ".join(f.described(lang)))
                   if f.kept else None,
                   explained=figures.explained(keys, a, lang),
                   basis=figures.basis(a, lang), list_link=_customers_link(e, f),
                   distribution=label("predicted_clv", lang, a.settings),
                   # no prediction possible: its note instead of a histogram of zeros
                   no_prediction=_no_prediction(a, lang))


def _no_prediction(a: Any, lang: str) -> str | None:
    """Why no prediction is possible on the analysis's data (its note's text), or None."""
    if not a.kpis.get("no_prediction"):
        return None
    return next((note_said(n, lang, a.currency)["text"] for n in a.notes
                 if getattr(n, "key", "").startswith("no_prediction")), None)


@router.get("/a/{aid}/customers")
def customers(request: Request, e: EntryDep, f: FilterDep, lang: PageLang,
              page_no: Annotated[int, Query(alias="page", ge=1, le=MAX_INDEX // PAGE)] = 1
              ) -> HTMLResponse:
    a = e.analysis
    found = f.customers(a.listed)
    page_no = min(page_no, max(1, math.ceil(found.height / PAGE)))  # past the last: the last
    # the most valuable first: by future value, by revenue to date when there is none
    rows = found.sort(["clv", "revenue"], descending=True, nulls_last=True).slice(
        (page_no - 1) * PAGE, PAGE)
    query = f.link(q=f.q)
    export = f"/a/{e.id}/export/customers.csv{query}"
    return section(e, "customers", f, lang=lang, request=request, rows=rows.to_dicts(),
                   found=found.height, page_no=page_no,
                   pages=max(1, math.ceil(found.height / PAGE)), applied=f.described(lang),
                   export=export, export_xlsx=export.replace(".csv", ".xlsx", 1),
                   level=measures.percent(a.settings.level, lang))


@router.get("/a/{aid}/customers/{cid:path}")
def customer(request: Request, e: EntryDep, f: FilterDep, cid: str, lang: PageLang
             ) -> HTMLResponse:
    a = e.analysis
    try:
        found = customer_of(a, cid)
    except HTTPException:  # an id typed or kept from another analysis: said in words
        return section(e, "customer", f, lang=lang, request=request, status=404,
                       missing=cid, back=_customers_link(e, f))
    paid = a.listed.filter(pl.col("customer_id") == cid)["paid_orders"]
    found["customer"]["paid_orders"] = paid[0] if paid.len() else None
    columns = [c for c in HISTORY if found["history"] and c in found["history"][0]]
    return section(e, "customer", f, lang=lang, request=request, columns=columns,
                   history_words=HISTORY, back=_customers_link(e, f),
                   level=measures.percent(a.settings.level, lang), missing=None, **found)


_segment_charts: Kept[str | None] = Kept()


def segments_chart(e: Entry, f: Filters, prof: pl.DataFrame | None, lang: str) -> str | None:
    """The segments' chart (shares of customers, revenue and future value) of the customers
    the filters ``f`` keep (``prof``: their :func:`clv.segments.profile` by segment, None for
    nobody), drawn once per selection and language (the latest few kept)."""
    from clv.web.charts import render_charts

    def draw() -> str | None:
        a = e.analysis
        drawn = render_charts(dataclasses.replace(a, segments=dataclasses.replace(
            a.segments, segments=prof)), lang, ("segments",), aid=e.id)["segments"] \
            if prof is not None else None
        if drawn:  # a bar opens its segment's customers under the same filters
            mark = f'href="/a/{e.id}/customers?'
            drawn = drawn.replace(mark, f"{mark}{escape(f.query[1:])}&amp;")
        return drawn

    return _segment_charts.get(e, (lang, f.query), draw)


@router.get("/a/{aid}/segments")
def segments(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    """The segments of the customers the period, channel and tier filters keep (their table
    and chart), the segments' rules and the value tiers of every customer."""
    a = e.analysis
    # the page compares the segments: a segment filter carried from another page would hide
    # the others without the page's menu showing it, so it is left aside here (and kept in
    # the links to the other pages)
    chosen = _without_segment(f).customers(a.customers)
    unpredicted = bool(a.kpis.get("no_prediction"))
    by_segment = prof = None
    if chosen.height:
        order = {s: i for i, (s, _) in enumerate(SEGMENTS)}
        prof = profile(chosen, "segment").sort(
            pl.col("segment").replace_strict(order, default=99, return_dtype=pl.Int64))
        rows = list(prof.iter_rows(named=True))
        by_segment = {
            "head": [t("page_segment_col", lang), label("customers", lang),
                     t("page_share_customers", lang), label("historical_ltv", lang),
                     label("predicted_clv", lang, a.settings), t("page_mean_p_alive", lang)],
            "numeric": [False, True, True, True, True, True],
            "body": [[segment_name(r["segment"], lang), number(r["customers"], lang),
                      figures.written(r["share_customers"], "share", lang, None),
                      figures.written(r["mean_revenue_to_date"], "money", lang, a.currency),
                      figures.written(r["mean_predicted_clv"], "money", lang, a.currency)
                      or blank("no_prediction", lang),
                      figures.written(r.get("mean_p_alive"), "share", lang, None)
                      or blank("no_prediction" if unpredicted else "not_judged", lang)]
                     for r in rows],
            "links": [_customers_link(e, f, segment=r["segment"]) for r in rows]}
    tiers = a.segments.tiers
    clv_label = label("clv", lang, a.settings)
    tier_table = {
        "head": [t("page_tier_col", lang), label("customers", lang),
                 t("page_share_customers", lang),
                 t("page_share_of", lang, figure=label("revenue_to_date", lang)),
                 t("page_share_of", lang, figure=clv_label)],
        "numeric": [False, True, True, True, True],
        "body": [[tier(r["tier"], lang), number(r["customers"], lang),
                  figures.written(r["share_customers"], "share", lang, None),
                  figures.written(r["share_revenue_to_date"], "share", lang, None),
                  figures.written(r["share_predicted_clv"], "share", lang, None)]
                 for r in tiers.iter_rows(named=True)],
        "links": [_customers_link(e, Filters(), tier=r) for r in tiers["tier"]]}
    rules = [(segment_name(s, lang), t(f"seg_rule_{s}", lang),
              _customers_link(e, f, segment=s)) for s, _ in SEGMENTS]
    conc = a.segments.concentration
    present = set(prof["segment"]) if prof is not None else set()
    empty = [segment_name(s, lang) for s, _ in SEGMENTS if s not in present]
    return section(e, "segments", f, lang=lang, request=request, by_segment=by_segment,
                   segments_left=t("page_segments_left_one" if len(empty) == 1
                                   else "page_segments_left", lang, names=", ".join(empty))
                   if empty and prof is not None else None,
                   chosen=chosen.height, rules=rules, tier_table=tier_table,
                   chart=segments_chart(e, _without_segment(f), prof, lang)
                   if _without_segment(f).kept else e.chart("segments", lang),
                   ignored=ignored(f, ("start", "end", "channel", "tier"), "segments", lang),
                   gini=t("page_gini", lang, clv=number(conc["predicted"].gini, lang, 2),
                          revenue=number(conc["historical"].gini, lang, 2))
                   if "predicted" in conc else None,
                   # no prediction possible: no tiers (they rank by future value), its note
                   no_prediction=_no_prediction(a, lang))


def _cohort_months(start: dt.date, period: str) -> tuple[str, str] | None:
    """The months (YYYY-MM) a cohort starting on ``start`` covers: the month, the quarter's
    three; None for a week (months cannot pick it out)."""
    if period == "month":
        return f"{start:%Y-%m}", f"{start:%Y-%m}"
    if period == "quarter":
        last = start.month + 2
        return f"{start:%Y-%m}", f"{start.year}-{last:02d}"
    return None


def _cohort_name(start: dt.date, period: str, lang: str) -> str:
    from babel.dates import format_date

    locale = "fr_FR" if lang == "fr" else "en_GB"
    if period == "month":
        return format_date(start, "LLLL y", locale=locale)
    if period == "quarter":
        return format_date(start, "QQQ y", locale=locale)
    return i18n.day(start, lang)  # a week by its first day, "1er avril 2025" in French


WHO = ("channel", "segment", "tier")
"""The filters that pick customers (the period picks cohorts)."""
_cohorts_kept: Kept[Cohorts | None] = Kept()
_cohort_charts: Kept[dict[str, str | None]] = Kept()


def cohorts_of(e: Entry, f: Filters) -> Cohorts | None:
    """The cohorts of the customers the filters ``channel``, ``segment`` and ``tier`` keep
    (the analysis's own without them; None when they keep nobody): :func:`clv.cohorts.cohorts`
    on their transactions, as the analysis made its own (period, margin, models), kept for
    the latest few selections while the analysis is held."""
    from clv.cohorts import cohorts

    a = e.analysis
    who = Filters(**{k: f.raw[k] for k in WHO if f.raw[k]})
    if not who.kept:
        return a.cohorts

    def make() -> Cohorts | None:
        ids = who.customers(a.customers)["customer_id"]
        if not ids.len():
            return None
        keep = pl.col("customer_id").is_in(ids.implode())
        summary = dataclasses.replace(a.summary, frame=a.summary.frame.filter(keep))
        return cohorts(a.transactions.frame.filter(keep), summary, period=a.settings.period,
                       purchases=a.model, spend=a.spend_model, margin=a.settings.margin)

    return _cohorts_kept.get(e, who.query, make)


def _in_period(coh: Cohorts, f: Filters) -> Cohorts:
    """The cohorts acquired in the chosen months (all of them for cohorts not dated)."""
    if coh.table.schema["cohort"] not in (pl.Date, pl.Datetime):
        return coh
    return dataclasses.replace(coh, table=coh.table.filter(f.period("cohort")),
                               repeat=coh.repeat.filter(f.period("cohort")))


def cohort_charts(e: Entry, f: Filters, coh: Cohorts | None, lang: str
                  ) -> dict[str, str | None] | None:
    """The cohorts page's charts (heat map, curves) of the cohorts the filters keep, drawn
    once per selection and language (the latest few kept); None without a filter (the
    analysis's charts)."""
    from clv.web.charts import render_charts

    if not f.kept:
        return None

    def draw() -> dict[str, str | None]:
        which = ("heatmap", "curves")
        kept = _in_period(coh, f) if coh is not None else None
        drawn = render_charts(dataclasses.replace(e.analysis, cohorts=kept), lang, which,
                              aid=e.id) if kept is not None and kept.table.height else \
            dict.fromkeys(which)
        who = Filters(**{k: f.raw[k] for k in WHO if f.raw[k]}).query
        if who:  # a cell opens its cohort's customers under the same filters
            mark = f'href="/a/{e.id}/customers?'
            drawn = {k: v.replace(mark, f"{mark}{escape(who[1:])}&amp;") if v else v
                     for k, v in drawn.items()}
        return drawn

    return _cohort_charts.get(e, (lang, f.query), draw)


@router.get("/a/{aid}/cohorts")
def cohort_page(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    """The cohorts of the customers the filters keep: acquired in the chosen months, of the
    chosen channel, segment and tier (their table, heat map and curves), each cohort opening
    its customers under the same filters."""
    a = e.analysis
    period = a.settings.period
    coh = cohorts_of(e, f)
    matrix: list[dict[str, Any]] = []
    repeat: list[dict[str, Any]] = []
    cols: list[str] = []
    if coh is not None:
        kept = _in_period(coh, f)
        table = kept.table
        ages = sorted(table["age"].unique().to_list())[:13]
        grid = table.filter(pl.col("age").is_in(ages)).pivot(
            "age", index=["cohort", "customers"], values="retention", sort_columns=True
        ).sort("cohort")
        cols = [str(x) for x in ages if str(x) in grid.columns]
        for row in grid.iter_rows(named=True):
            start = row["cohort"]
            months = _cohort_months(start, period) if isinstance(start, dt.date) else None
            matrix.append({
                "name": _cohort_name(start, period, lang) if isinstance(start, dt.date)
                else str(start),
                "link": _customers_link(e, f, start=months[0], end=months[1])
                if months else None,
                "customers": number(row["customers"], lang),
                "cells": [figures.written(row[c], "share", lang, None, 0) for c in cols]})
        for r in kept.repeat.iter_rows(named=True):
            start = r["cohort"]
            days = [number(r[k], lang) if r[k] is not None else None
                    for k in ("median_days_to_second", "q1_days_to_second",
                              "q3_days_to_second")]
            months = _cohort_months(start, period) if isinstance(start, dt.date) else None
            repeat.append({"name": _cohort_name(start, period, lang)
                           if isinstance(start, dt.date) else str(start),
                           "link": _customers_link(e, f, start=months[0], end=months[1])
                           if months else None,
                           "customers": number(r["customers"], lang),
                           "rate": figures.written(r["repeat_rate"], "share", lang, None),
                           "days": days})
    applied = f.described(lang) if f.kept else []
    kept_n = int(_in_period(coh, f).repeat["customers"].sum()) if coh is not None else 0
    return section(e, "cohorts", f, lang=lang, request=request, ages=cols, matrix=matrix,
                   repeat=repeat, unit=t(f"page_unit_{period}", lang), applied=applied,
                   kept_n=kept_n, nobody=coh is None,
                   cohort_charts=cohort_charts(e, f, coh, lang))


CHANNEL_BLANKS = {"cac": "no_cac", "ltv_cac": "no_cac", "verdict": "no_cac",
                  "payback_months": "not_paid_back", "predicted_payback_months":
                  "not_paid_back", "max_cac": "none", "ltv": "none"}
"""Why a cell of the channels' table is blank."""
PER_CHANNEL = ("payback_months", "predicted_payback_months", "max_cac")
"""The channels' figures their total row does not have."""
COSTED = ("cac", "ltv_cac", "verdict", "payback_months", "predicted_payback_months")
"""The figures that need a cost: blank for a channel (or month) without spend recorded, or
whose spend bought no new customer."""


def why_blank(key: str, values: Mapping[str, Any], total: bool = False,
              spend_left: bool = False) -> str:
    """Why the channels' figure ``key`` of a row (its ``values``) is blank: the reason
    ``page_blank_<reason>`` (``no_spend_left`` when no spend was read but lines of the spend
    file were left out at import, ``spend_left``: that spend may be missing)."""
    if total and key in PER_CHANNEL:
        return "per_channel"
    if key in COSTED and not total:
        if not values.get("spend"):
            return "no_spend_left" if spend_left else "no_spend"
        if not values.get("new_customers"):
            return "no_new"
    return CHANNEL_BLANKS.get(key, "none")


def spend_left_out(a: Any, lang: str) -> list[Any]:
    """What the channels page says of the spend file's lines left out at import (for a
    reason other than being empty), one sentence per spend file: their spend is in no
    channel's figures and the file's report does not say whose it was. Empty when none."""
    from clv.web.routes.data import said_with_data, table_reason

    out = []
    for report in getattr(a, "table_reports", ()):
        left = [x for x in report.exclusions if x.key != "empty_row" and x.count]
        n = sum(x.count for x in left)
        if report.kind != "spend" or not n:
            continue
        reasons = "\u00a0; ".join if lang == "fr" else "; ".join
        out.append(said_with_data(
            "page_spend_left_out_one" if n == 1 else "page_spend_left_out", lang,
            n=number(n, lang), name=report.source or "",
            reasons=reasons([table_reason(x.key, lang) for x in left])))
    return out


_channel_charts: Kept[str | None] = Kept()


def channel_chart(e: Entry, channel: str | None, lang: str) -> str | None:
    """The channels' chart (LTV and CAC of each channel with spend) of ``channel`` only,
    drawn once per channel and language (the latest few kept); every channel's without one."""
    from clv.web.charts import render_charts

    acq = e.analysis.channels
    if channel is None or acq is None:
        return None if acq is None else e.chart("channels", lang)
    def draw() -> str | None:
        one = dataclasses.replace(acq, channels=acq.channels.filter(
            pl.col("channel") == channel))
        return render_charts(dataclasses.replace(e.analysis, channels=one), lang,
                             ("channels",), aid=e.id)["channels"]

    return _channel_charts.get(e, (lang, channel), draw)


@router.get("/a/{aid}/channels")
def channel_page(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    """The channels (of the chosen channel: its row and its bars), their total over every
    channel and the detail by month (of the chosen months and channel); the page says the
    period applies to the detail only and the segment and tier to none of it."""
    a = e.analysis
    acq = a.channels
    if acq is None:
        return section(e, "channels", f, lang=lang, request=request, overall=None)
    pick = (pl.col("channel") == f.channel) if f.channel else pl.lit(True)
    months = acq.by_month.filter(pick & f.period("month")).sort("month", "channel")
    overall = figures.channels_page(a, lang, f.channel, months)
    raw, total = figures.channel_rows(a, f.channel)
    left = spend_left_out(a, lang)
    for rows, values, columns, is_total in (
            (overall["rows"], raw, figures.CHANNEL_COLUMNS, False),
            ([overall["total"]], [total], figures.CHANNEL_COLUMNS, True),
            (overall["months"], months.to_dicts(), overall["month_keys"], False)):
        for row, value in zip(rows, values, strict=True):
            for i, (k, c) in enumerate(zip(columns, row, strict=True)):
                if c == "" and i:
                    row[i] = blank(why_blank(k, value, is_total, bool(left)), lang)
    # the customers without a channel are counted under the library's '(unknown)': said in
    # the page's language, without a link (no customer has that channel to filter on)
    known = [bool(r["channel"]) and r["channel"] != UNKNOWN for r in raw]
    for row, r in zip(overall["rows"], raw, strict=True):
        if r["channel"] == UNKNOWN:
            row[0] = t("page_channel_unknown", lang)
    if "channel" in overall["month_keys"]:
        at = overall["month_keys"].index("channel")
        for row in overall["months"]:
            if row[at] == UNKNOWN:
                row[at] = t("page_channel_unknown", lang)
    overall["links"] = [_customers_link(e, f, channel=r["channel"]) if ok else None
                        for r, ok in zip(raw, known, strict=True)]
    keys = [*figures.CHANNEL_COLUMNS, *figures.MONTH_COLUMNS]
    period = Filters(start=f.raw["start"] or None, end=f.raw["end"] or None).described(lang)
    said = [t("page_channels_period", lang, filters=", ".join(period))] if period else []
    if f.channel:
        said.append(t("page_channels_total_all", lang))
    said.append(ignored(f, ("start", "end", "channel"), "channels", lang) or "")
    chart = channel_chart(e, f.channel, lang)
    carried = Filters(**{k: f.raw[k] for k in ("start", "end", "segment", "tier")
                         if f.raw[k]}).query
    if chart and carried:  # a bar opens its channel's customers under the same filters
        mark = f'href="/a/{e.id}/customers?'
        chart = chart.replace(mark, f"{mark}{escape(carried[1:])}&amp;")
    # the channels the chart leaves out (no CAC), each with its reason
    unseen = [t("page_named_why", lang, name=r["channel"] if ok else t("page_channel_unknown",
                                                                        lang),
                why=t(f"page_blank_{why_blank('cac', r, spend_left=bool(left))}", lang))
              for r, ok in zip(raw, known, strict=True) if r.get("cac") is None]
    return section(e, "channels", f, lang=lang, request=request,
                   w=lambda k: figures.word(k, lang), overall=overall,
                   chart_left=t("page_channel_chart_left", lang, names=", ".join(unseen))
                   if chart and unseen else None,
                   chart=chart, said=[x for x in said if x],
                   spend_left=left,
                   explained=figures.explained(keys, a, lang), basis=figures.basis(a, lang))


_cross_sold: Kept[pl.DataFrame | None] = Kept()


def cross_sell_of(e: Entry, f: Filters) -> tuple[pl.DataFrame | None, bool]:
    """The cross-sell pairs of the customers the filters ``f`` keep (all of them with no
    filter): :func:`clv.timing.cross_sell` on their transactions, computed once per selection
    (the latest few kept), an empty table when their orders make no pair; and whether they are
    the selection's. An analysis without products has none (None); one whose transactions
    carry no product lines (the Spark engine's, one row per customer and day) gives the pairs
    of every customer, said not to be the selection's."""
    from clv.errors import ClvError
    from clv.timing import cross_sell

    a = e.analysis
    if a.cross_sell is None or not (f.kept or f.q):
        return a.cross_sell, True
    frame = a.transactions.frame
    if "product" not in frame.columns:
        return a.cross_sell, False
    base = a.cross_sell

    def compute() -> pl.DataFrame | None:
        ids = f.customers(a.customers)["customer_id"]
        try:
            return cross_sell(frame.filter(pl.col("customer_id").is_in(ids.implode())))
        except ClvError:  # no purchase of a product among them
            return base.clear()

    return _cross_sold.get(e, f.link(q=f.q), compute), True


def pairs_table(pairs: pl.DataFrame, lang: str) -> dict[str, Any]:
    """The cross-sell pairs as the timing page's table (the first 30)."""
    return {
        "head": [t("first_product", lang).capitalize(), t("then", lang).capitalize(),
                 t("page_share_then", lang), t("page_lift", lang),
                 t("q1", lang).capitalize(), t("median", lang).capitalize(),
                 t("q3", lang).capitalize(), t("page_recommendation", lang)],
        "numeric": [False, False, True, True, True, True, True, False],
        "body": [[r["product_a"], r["product_b"],
                  figures.written(r["share"], "share", lang, None),
                  number(r["lift"], lang, 2),
                  number(r["q1_days"], lang), number(r["median_days"], lang),
                  number(r["q3_days"], lang),
                  t("page_recommend", lang, a=r["product_a"], b=r["product_b"],
                    q1=number(r["q1_days"], lang),
                    q3=number(r["q3_days"], lang))]
                 for r in pairs.head(30).iter_rows(named=True)]}


@router.get("/a/{aid}/timing")
def timing(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    a = e.analysis
    found, of_selection = cross_sell_of(e, f)
    pairs = pairs_table(found, lang) if found is not None and found.height else None
    col = next(c for c in a.next_purchase.columns if c.startswith("p_purchase_"))
    soon = f.customers(a.customers).sort(col, descending=True).head(20)
    chosen = f.described(lang)
    said = "page_timing_filters" if of_selection else "page_timing_filters_all"
    query = f.link(q=f.q) if of_selection else ""
    return section(e, "timing", f, lang=lang, request=request, pairs=pairs,
                   filters_said=t(said, lang, filters=", ".join(chosen)) if chosen else None,
                   export=f"/a/{e.id}/export/cross_sell.csv{query}" if pairs else None,
                   soon=soon.to_dicts(), col=col,
                   chance=t("page_p_purchase", lang, days=col.removeprefix("p_purchase_")
                            .removesuffix("d")))


MODEL_NOTES = frozenset((
    "no_dropout", "same_dropout", "same_rate", "at_bound", "unidentified", "interval_capped",
    "draws_left_out", "no_usable_draw", "naive_best", "no_model", "not_fitted",
    "not_converged", "no_comparison", "no_spend_model", "spend_mean_infinite",
    "spend_dependence",
    "p_alive_activity", "p_alive_not_judged", "p_alive_no_dropout"))
"""The kinds of the analysis's notes that the models page repeats: what the fits said."""


@router.get("/a/{aid}/models")
def models(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    from clv.report import table

    a = e.analysis
    card = table(a.scorecard.table.with_columns(pl.col("model").replace(
        {BASELINE: t("baseline_model", lang)})), {
        "model": t("model", lang), "mae_transactions": "MAE", "rmse_transactions": "RMSE",
        "total_transactions_error": t("total_error", lang), "gini_revenue": "Gini"}, lang,
        percents=("total_transactions_error",)) if a.scorecard is not None else None
    summary = a.model.summary()
    heads = {"param": t("page_param", lang), "estimate": t("page_estimate", lang),
             "stderr": t("page_stderr", lang)}
    for column in summary.columns:  # lower_95%, upper_95%: the interval's bounds
        side, _, level = column.partition("_")
        if side in ("lower", "upper") and level.endswith("%"):
            heads[column] = t(f"page_{side}", lang, level=measures.percent(
                float(level[:-1]) / 100, lang))
    params = table(summary, {c: h for c, h in heads.items() if c in summary.columns}, lang,
                   digits=dict.fromkeys(summary.columns, 4))
    notes = [note_said(n, lang, getattr(a, "currency", None)) for n in a.notes
             if getattr(n, "key", None) in MODEL_NOTES]
    return section(e, "models", f, lang=lang, request=request, card=card, params=params,
                   notes=notes, ignored=ignored(f, (), "models", lang))


def _whatif_text(key: str, value: Any, lang: str, currency: str | None) -> str | dict[str, str]:
    text = figures.written(value, WHATIF_KINDS[key], lang, currency)  # type: ignore[arg-type]
    if text:
        return text
    return blank("not_paid_back" if key == "payback_months" else "no_cac", lang)


LEVER_RANGE = (-50, 50)
"""The what-if sliders' range, in percent (the margin's top lower where it reaches 100%)."""


def lever_limits(margin: float) -> dict[str, tuple[int, int]]:
    """Each lever's range on the what-if page, in whole percentages: :data:`LEVER_RANGE`,
    the margin's top the largest change that keeps ``margin`` at or below 100% (0 when it
    is 100% already: the lever can only lower it)."""
    low, high = LEVER_RANGE
    room = min(high, math.floor((1 / margin - 1) * 100))
    while room > 0 and margin * (1 + room / 100) > 1:  # 0.7 x 1.43 > 1: one less
        room -= 1
    return {lever: (low, max(room, 0) if lever == "margin" else high) for lever in LEVERS}


def asked_levers(query: Mapping[str, str], limits: dict[str, tuple[int, int]], lang: str
                 ) -> tuple[dict[str, int], list[str]]:
    """The levers the page's address sets, as the sliders show them (``?margin=10`` is
    +10%, ``-5`` or ``-5 %`` or ``−5`` is -5%), and a sentence in ``lang`` for each value it
    cannot take (not a whole number, out of the slider's range): that lever stays at 0."""
    values, problems = {}, []
    for lever, (low, high) in limits.items():
        raw = (query.get(lever) or "").strip()
        text = raw.removesuffix("%").strip().replace("\u2212", "-").replace(",", ".")
        try:
            value = float(text) if text else 0.0
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value.is_integer() and low <= value <= high:
            values[lever] = int(value)
            continue
        values[lever] = 0
        problems.append(t("page_lever_bad", lang, value=raw, name=t(f"page_lever_{lever}",
                                                                   lang),
                          low=number(low, lang), high=number(high, lang)))
    return values, problems


def signed(change: float, lang: str) -> str:
    """A lever's change as its slider's label writes it: '+10 %', '−10 %', '+0 %'."""
    text = measures.percent(abs(change), lang, 0)
    return ("−" if change < 0 else "+") + text


@router.get("/a/{aid}/whatif")
def whatif_page(request: Request, e: EntryDep, f: FilterDep, state: StateDep, lang: PageLang
                ) -> HTMLResponse:
    """The what-if: the sliders at the levers the address sets (whole percentages,
    ``?retention=10&margin=-5``: a scenario can be shared and reloaded), the figures now and
    with them; the page's script keeps the address in step with the sliders."""
    a = e.analysis
    names = {k: label(key, lang, a.settings) for k, key in WHATIF_FIGURES.items()}
    names["profit_per_new_customer"] = t("page_profit_new", lang)
    limits = lever_limits(a.settings.margin)
    base_cac = state.what_if(e, Levers()).base.get("cac")
    if base_cac is None:  # no spend table: no CAC to move
        limits.pop("cac")
    asked, problems = asked_levers(request.query_params, limits, lang)
    result = what_if(state, e, Levers(**{k: v / 100 for k, v in asked.items()}))
    rows = [{"key": k, "label": names[k], "kind": WHATIF_KINDS[k],
             "base": _whatif_text(k, result["base"][k], lang, a.currency),
             "scenario": _whatif_text(k, result["scenario"][k], lang, a.currency)}
            for k in names]
    sens = {
        "head": [t("page_rank", lang), t("page_lever", lang), t("page_total_pct", lang),
                 t("page_new_pct", lang)],
        "numeric": [False, False, True, True],
        "body": [[number(r["rank"], lang),
                  t(f"page_lever_{r['lever']}", lang) if r["lever"] in LEVER_WORDS
                  else r["lever"],
                  number(r["total_pct_per_pct"], lang, 3),
                  number(r["new_ltv_pct_per_pct"], lang, 3)]
                 for r in a.sensitivity.iter_rows(named=True)]}
    margin = a.settings.margin
    then = {"margin": lambda k: t("page_lever_margin_then", lang, value=measures.percent(
                min(1.0, margin * (1 + k)), lang, 0)),
            "cac": lambda k: t("page_lever_cac_then", lang, value=i18n.money(
                base_cac * (1 + k), lang, a.currency, 2))}
    levers = [{"name": k, "low": low, "high": high, "value": asked[k],
               "shown": signed(asked[k] / 100, lang),
               "then": then[k](asked[k] / 100) if k in then else "",
               "then_words": t(f"page_lever_{k}_then", lang) if k in then else ""}
              for k, (low, high) in limits.items()]
    return section(e, "whatif", f, lang=lang, request=request, levers=levers, rows=rows,
                   sensitivity=sens, problems=problems, base_margin=margin,
                   base_cac=base_cac, margin_full=limits["margin"][1] == 0,
                   ignored=ignored(f, (), "whatif", lang))


@router.get("/a/{aid}/data")
def data(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    """How the data were read: the orders (rows read, kept, excluded by reason, notes), then
    each table read beside them (spend, customers, subscriptions: rows read, kept, left out
    by reason with example rows, notes), every word in the page's language."""
    from clv.web.routes.data import table_section  # the import's words of a table's reading

    issues = e.analysis.transactions.issues
    # the rows in other currencies: their amounts per currency in the reason, none as money
    exclusions = [(excluded_reason(x, lang), x.count, x.money) for x in issues.exclusions]
    notes = [note_said(n, lang, getattr(e.analysis, "currency", None))
             for n in (*issues.notes, *e.analysis.notes)]
    # an analysis saved before the tables' reports were carried has none
    tables = [table_section(r, lang) for r in getattr(e.analysis, "table_reports", ())]
    return section(e, "data", f, lang=lang, request=request, issues=issues,
                   exclusions=exclusions, notes=notes, tables=tables,
                   ignored=ignored(f, (), "data", lang))


@router.get("/a/{aid}/exports")
def exports(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    from urllib.parse import urlencode

    from clv.web.routes.exports import FILTERED

    queries = {}
    for name, keys in FILTERED.items():
        kept = {k: f.raw[k] for k in keys if f.raw[k]}
        queries[name] = "?" + urlencode(kept) if kept else ""
    return section(e, "exports", f, lang=lang, request=request, names=available(e.analysis),
                   applied=f.described(lang), queries=queries,
                   segment_aside=bool(f.segment))
