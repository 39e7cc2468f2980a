"""What needs no analysis: the calculator of the closed-form formulas (page and JSON) and the
history of saved analyses (page and JSON)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from clv import formulas
from clv.errors import ClvError
from clv.web.deps import StateDep
from clv.web.schemas import FormulaOut, HistoryRow
from clv.web.views import frame_json, page

router = APIRouter()
FORMULAS: dict[str, Callable[..., float]] = {
    "generic": formulas.generic_ltv, "ecommerce": formulas.ecommerce_ltv,
    "service": formulas.service_ltv, "saas_churn": formulas.saas_ltv_churn,
    "saas_lifetime": formulas.saas_ltv_lifetime, "discounted": formulas.discounted_ltv}
HISTORY_COLUMNS = ("id", "created_at", "source", "data_to", "model", "customers",
                   "historical_ltv", "predicted_clv", "predicted_clv_change", "blended_cac",
                   "ltv_cac", "ltv_cac_change", "churn_share", "churn_share_change",
                   "repeat_rate", "repeat_rate_change", "mrr", "nrr")


def _formula_fields(name: str) -> list[tuple[str, float | None]]:
    return [(p.name, None if p.default is inspect.Parameter.empty else p.default)
            for p in inspect.signature(FORMULAS[name]).parameters.values()]


def calculate(name: str, values: dict[str, float | None], cac: float | None) -> dict[str, Any]:
    """The formula ``name`` on ``values``, and with a CAC the LTV:CAC verdict and the largest
    CAC at 3x."""
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


def formula_of(formula: str, request: Request) -> dict[str, Any]:
    """The formula on the query's values (missing ones: the formula's defaults)."""
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


@router.get("/calculator", response_class=HTMLResponse, include_in_schema=False)
def calculator(request: Request, formula: str = "generic") -> HTMLResponse:
    if formula not in FORMULAS:
        raise HTTPException(404, f"no formula {formula!r}")
    fields = _formula_fields(formula)
    given = request.query_params
    result, error = None, None
    if any(given.get(k) for k, _ in fields):
        try:
            result = formula_of(formula, request)
        except ClvError as exc:
            error = str(exc)
    return page("calculator.html.j2", formulas=list(FORMULAS), formula=formula,
                doc=inspect.getdoc(FORMULAS[formula]) or "", fields=fields,
                given=dict(given), result=result, error=error, e=None, active="calculator")


@router.get("/api/formulas/{formula}", tags=["formulas"])
def formula_api(formula: str, request: Request) -> FormulaOut:
    """A closed-form LTV formula: its inputs as query parameters (see ``clv.formulas``),
    optional ``cac``."""
    return FormulaOut(**formula_of(formula, request))


@router.get("/history", response_class=HTMLResponse, include_in_schema=False)
def history(state: StateDep) -> HTMLResponse:
    h = state.store.history()
    shown = [c for c in HISTORY_COLUMNS if c in h.columns]
    return page("history.html.j2", rows=h.sort("id", descending=True).to_dicts(),
                columns=shown, chart=state.history_chart(h), live=set(state.entries),
                e=None, active="history")


@router.get("/api/history", tags=["history"])
def history_api(state: StateDep) -> list[HistoryRow]:
    """Every saved analysis with its KPIs and their change from the previous one."""
    return [HistoryRow(**row) for row in frame_json(state.store.history())]
