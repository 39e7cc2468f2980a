"""The subscription pages of an analysis with a subscriptions table: ``/a/{aid}/saas`` (MRR
and its movements, churn, GRR and NRR, ARPA, retention of subscribers by first paying month,
LTV per plan from sBG next to the simple formula) and its JSON, ``/api/analyses/{aid}/saas``,
with the same figures (both made by :mod:`clv.report.saas`, as the report's SaaS section).

Without a subscriptions table, the page is a 404 that says how to add one (in the page's
language), and the JSON a 404 with the same reason.
"""

from __future__ import annotations

import polars as pl
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from clv.i18n import t
from clv.report import saas
from clv.web import saas_charts
from clv.web.deps import EntryDep, Lang, PageLang
from clv.web.routes.pages import FilterDep
from clv.web.saas_schema import SaasOut
from clv.web.views import frame_json, section

router = APIRouter()
MONTH_MONEY = ("mrr", "mrr_start", "new", "reactivation", "expansion", "contraction", "churn",
               "arpa", "net_new_mrr")
PLAN_MONEY = ("arpa", "simple_ltv", "sbg_ltv")
"""The amounts of the JSON, rounded to the cent (a sum of prices is not written
86166.90000000001)."""


def _cents(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).round(2) for c in columns if c in frame.columns)


@router.get("/a/{aid}/saas", include_in_schema=False, response_class=HTMLResponse)
def saas_page(request: Request, e: EntryDep, f: FilterDep, lang: PageLang) -> HTMLResponse:
    """The subscription page of the analysis ``aid`` in the page's language. The figures are
    the whole subscriptions table's (a subscription has no channel or segment); the filters
    given are kept in the links to the other pages, and a filter that cannot be read is said,
    as on every page."""
    a = e.analysis
    if a.subscriptions is None:
        missing = section(e, "saas", f, lang=lang, request=request, missing=True)
        missing.status_code = 404
        return missing
    return section(
        e, "saas", f, lang=lang, request=request, missing=False,
        figures=saas.headline(a, lang), chart=saas_charts.movements(a, lang),
        months=saas.months_table(a, lang),
        all_months=saas.months_table(a, lang, None),
        cohorts=[saas.cohort_grid(a, lang, "logo"), saas.cohort_grid(a, lang, "revenue")],
        plans=saas.plans_table(a, lang), basis=saas.basis(a, lang),
        explained=saas.explained(a, lang))


@router.get("/api/analyses/{aid}/saas", tags=["analyses"],
            responses={404: {"description": "No such analysis, or it has no subscriptions "
                                            "table"}})
def saas_api(e: EntryDep, lang: Lang = "en") -> SaasOut:
    """The subscription page's figures in ``lang`` (en, fr): the headline figures as the
    page writes them, and every month, cohort and plan behind them."""
    a = e.analysis
    subs = a.subscriptions
    if subs is None:
        raise HTTPException(404, t("saas_none_api", lang, aid=e.id))
    plans = saas.plans_table(a, lang)
    by = plans["by"]
    names = [saas.plan_name(v, by, lang) for v in subs.plans[by]]
    return SaasOut.model_validate({
        "lang": lang, "currency": a.currency, "figures": saas.headline(a, lang),
        "months": frame_json(_cents(subs.months, MONTH_MONEY)),
        "cohorts": frame_json(_cents(subs.cohorts, ("mrr",))),
        "plans": [{**row, "name": name} for row, name in zip(
            frame_json(_cents(subs.plans, PLAN_MONEY)), names, strict=True)],
        "plan_notes": plans["notes"], "basis": saas.basis(a, lang),
        "definitions": saas.explained(a, lang)})
