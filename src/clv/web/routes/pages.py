"""The pages of an analysis: ``/a/{aid}`` (overview) and its sections ``customers``,
``segments``, ``cohorts``, ``channels``, ``timing``, ``models``, ``whatif``, ``data``,
``exports``. The overview and the channels take ``?lang=fr`` (or ``en``) for their figures:
labels, definitions, numbers and currency (:mod:`clv.web.figures`)."""

from __future__ import annotations

import math
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from clv.measures import label
from clv.report import actions, table
from clv.scenarios import Levers
from clv.segments import profile
from clv.web import figures
from clv.web.deps import EntryDep, Lang, StateDep
from clv.web.routes.api import LEVERS, MAX_INDEX, customer_of, what_if, whatif_labels
from clv.web.views import Filters, available, section

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE = 50
FilterDep = Annotated[Filters, Depends()]


@router.get("/a/{aid}")
def overview(e: EntryDep, f: FilterDep, lang: Lang = "en") -> HTMLResponse:
    a = e.analysis
    chosen = f.customers(a.customers) if any(f.raw.values()) else None
    shown = figures.headline(a, lang)
    picked = figures.selection(chosen, a, lang) if chosen is not None else None
    keys = [x["key"] for x in shown + (picked or [])]
    return section(e, "overview", f, lang=lang, w=lambda k: figures.word(k, lang),
                   figures=shown, selection=picked, actions=actions(a, lang),
                   explained=figures.explained(keys, a, lang), basis=figures.basis(a, lang),
                   distribution=label("predicted_clv", "en", a.settings))


@router.get("/a/{aid}/customers")
def customers(e: EntryDep, f: FilterDep,
              page_no: Annotated[int, Query(alias="page", ge=1, le=MAX_INDEX // PAGE)] = 1
              ) -> HTMLResponse:
    found = f.customers(e.analysis.customers)
    rows = found.sort("clv", descending=True).slice((page_no - 1) * PAGE, PAGE)
    return section(e, "customers", f, rows=rows.to_dicts(), found=found.height,
                   page_no=page_no, pages=max(1, math.ceil(found.height / PAGE)),
                   clv=label("clv", "en", e.analysis.settings))


@router.get("/a/{aid}/customers/{cid:path}")
def customer(e: EntryDep, cid: str) -> HTMLResponse:
    return section(e, "customer", clv=label("clv", "en", e.analysis.settings),
                   **customer_of(e.analysis, cid))


@router.get("/a/{aid}/segments")
def segments(e: EntryDep, f: FilterDep) -> HTMLResponse:
    a = e.analysis
    chosen = f.customers(a.customers)
    prof = profile(chosen, "segment").sort("revenue_to_date", descending=True) \
        if chosen.height else None
    cols = {"segment": "segment", "customers": "customers",
            "share_customers": "share of customers",
            "mean_revenue_to_date": label("historical_ltv", "en"),
            "mean_clv": label("predicted_clv", "en", a.settings), "mean_p_alive": "P(alive)"}
    shown = table(prof, {k: v for k, v in cols.items() if k in prof.columns}, "en",
                  percents=("share_customers", "mean_p_alive")) if prof is not None else None
    rules = dict(a.segments.segments.select("segment", "rule").iter_rows()) \
        if "rule" in a.segments.segments.columns else {}
    return section(e, "segments", f, profile=shown, chosen=chosen.height, rules=rules,
                   tiers=table(a.segments.tiers, {
                       "tier": "tier", "customers": "customers",
                       "share_revenue_to_date": "share of revenue to date",
                       "share_predicted_clv": "share of future value"}, "en",
                       percents=("share_revenue_to_date", "share_predicted_clv")))


@router.get("/a/{aid}/cohorts")
def cohort_page(e: EntryDep, f: FilterDep) -> HTMLResponse:
    t = e.analysis.cohorts.table
    if t.schema["cohort"] in (pl.Date, pl.Datetime):
        t = t.filter(f.period("cohort"))
    ages = sorted(t["age"].unique().to_list())[:13]
    grid = t.filter(pl.col("age").is_in(ages)).pivot(
        "age", index=["cohort", "customers"], values="retention", sort_columns=True
    ).sort("cohort")
    rep = e.analysis.cohorts.repeat
    repeat = table(rep, {c: c.replace("_", " ") for c in rep.columns}, "en",
                   percents=("repeat_rate",), digits={c: 0 for c in rep.columns if "days" in c})
    return section(e, "cohorts", f, ages=[str(x) for x in ages], matrix=grid.rows(),
                   repeat=repeat)


@router.get("/a/{aid}/channels")
def channel_page(e: EntryDep, f: FilterDep, lang: Lang = "en") -> HTMLResponse:
    a = e.analysis
    acq = a.channels
    if acq is None:
        return section(e, "channels", f, lang=lang, overall=None)
    pick = (pl.col("channel") == f.channel) if f.channel else pl.lit(True)
    months = acq.by_month.filter(pick & f.period("month")).sort("month", "channel")
    overall = figures.channels_page(a, lang, f.channel, months)
    keys = [*figures.CHANNEL_COLUMNS, *figures.MONTH_COLUMNS]
    return section(e, "channels", f, lang=lang, w=lambda k: figures.word(k, lang),
                   overall=overall, explained=figures.explained(keys, a, lang),
                   basis=figures.basis(a, lang))


@router.get("/a/{aid}/timing")
def timing(e: EntryDep) -> HTMLResponse:
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


@router.get("/a/{aid}/models")
def models(e: EntryDep) -> HTMLResponse:
    a = e.analysis
    card = table(a.scorecard.table, {
        "model": "model", "mae_transactions": "MAE", "rmse_transactions": "RMSE",
        "total_transactions_error": "total error", "gini_revenue": "Gini"}, "en",
        percents=("total_transactions_error",)) if a.scorecard is not None else None
    params = table(a.model.summary(), {c: c for c in a.model.summary().columns}, "en",
                   digits=dict.fromkeys(a.model.summary().columns, 4))
    return section(e, "models", card=card, params=params)


@router.get("/a/{aid}/whatif")
def whatif_page(e: EntryDep, state: StateDep) -> HTMLResponse:
    a = e.analysis
    sens = table(a.sensitivity, {
        "rank": "rank", "lever": "lever",
        "total_pct_per_pct": "% change of the future value of the base per 1% of the lever",
        "new_ltv_pct_per_pct": "% change of the LTV of a new customer per 1%"}, "en",
        digits={"total_pct_per_pct": 3, "new_ltv_pct_per_pct": 3})
    room = round((1 / a.settings.margin - 1) * 100)  # the margin cannot pass 100%
    limits = {lever: (-50, min(50, room) if lever == "margin" else 50) for lever in LEVERS}
    return section(e, "whatif", levers=limits, figures=whatif_labels(a), sensitivity=sens,
                   result=what_if(state, e, Levers()))


@router.get("/a/{aid}/data")
def data(e: EntryDep) -> HTMLResponse:
    issues = e.analysis.transactions.issues
    return section(e, "data", issues=issues, notes=list(issues.notes) + e.analysis.notes)


@router.get("/a/{aid}/exports")
def exports(e: EntryDep) -> HTMLResponse:
    return section(e, "exports", names=available(e.analysis))
