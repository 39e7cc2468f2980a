"""What needs no analysis: the calculator of the closed-form formulas (page and JSON) and the
history of saved analyses, grouped by data source (page and JSON).

The calculator's page takes rates as percentages (a margin of 30 is 30%); its JSON API takes
them as fractions (``margin=0.3``), as :mod:`clv.formulas` does."""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from collections.abc import Callable
from typing import Any

import polars as pl
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from clv import formulas, i18n, measures
from clv.errors import ClvError
from clv.report.text import number, percent
from clv.store import TRACKED
from clv.web.deps import PageLang, StateDep
from clv.web.schemas import FormulaOut, HistoryRow
from clv.web.views import frame_json, page

router = APIRouter()
FORMULAS: dict[str, Callable[..., float]] = {
    "generic": formulas.generic_ltv, "ecommerce": formulas.ecommerce_ltv,
    "service": formulas.service_ltv, "saas_churn": formulas.saas_ltv_churn,
    "saas_lifetime": formulas.saas_ltv_lifetime, "discounted": formulas.discounted_ltv}
PERCENTS: dict[str, tuple[float, float]] = {
    "margin": (0.0, 100.0), "monthly_churn": (0.0, 100.0), "retention_rate": (0.0, 100.0),
    "discount_rate": (0.0, math.inf)}
"""The formulas' rates, entered on the page as percentages (bounds in percent)."""
HISTORY_KPIS = ("customers", "historical_ltv", "predicted_clv", "blended_cac", "ltv_cac",
                "churn_share", "repeat_rate", "mrr", "nrr")
"""The figures the history's table shows, each with its change from the previous analysis of
the same source."""
SHARES = ("churn_share", "repeat_rate", "nrr")
AMOUNTS = ("revenue", "historical_ltv", "predicted_clv", "lifetime_value", "new_customer_ltv",
           "blended_cac", "mrr")
"""The history's figures that are amounts, written in their analysis's currency."""


def _formula_fields(name: str) -> list[tuple[str, float | None]]:
    return [(p.name, None if p.default is inspect.Parameter.empty else p.default)
            for p in inspect.signature(FORMULAS[name]).parameters.values()]


def _required(name: str) -> set[str]:
    """The parameters of the formula ``name`` that have no default."""
    return {p.name for p in inspect.signature(FORMULAS[name]).parameters.values()
            if p.default is inspect.Parameter.empty}


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


class InputError(Exception):
    """A value of the calculator's form it cannot take, said in the page's language;
    ``field`` names the form's field (for the page to mark it)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


GROUPED = re.compile(r"[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d*)?")
"""A number typed with spaces between its groups of three digits (``1 234,5``)."""


ENGLISH_GROUPS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
"""A number written with commas between its groups of three digits (``1,234.5``)."""


def typed_number(raw: str, percent: bool = False, lang: str = "fr") -> float | None:
    """A number as a person types it: a decimal comma or point (``12,5``, ``12.5``),
    spaces between the groups of three digits (``1 234,5``; ``12 5`` is refused), a minus
    sign (``−3``) and, for a rate, a trailing ``%``; on an English page commas between
    groups of three digits are read as such (``1,234.5``, ``1,234``), on a French one a
    comma is the decimal mark. None when it is not a number (``1.234,5`` is refused rather
    than guessed)."""
    text = raw.strip().replace("\u2212", "-")
    if lang == "en" and ENGLISH_GROUPS.fullmatch(text.removesuffix("%").rstrip()):
        text = text.replace(",", "")
    if percent:
        text = text.removesuffix("%").rstrip()
    if any(space in text for space in " \u00a0\u202f"):
        if not GROUPED.fullmatch(text):
            return None
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    if "," in text and "." in text or text.count(",") > 1:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def page_values(formula: str, given: dict[str, str], lang: str
                ) -> tuple[dict[str, float | None], float | None]:
    """The calculator form's values as the formula takes them (:func:`typed_number`: a
    decimal comma read as a point), the rates typed as percentages turned into fractions,
    the number of periods whole; a value it cannot take is an :class:`InputError` naming
    the field in ``lang``."""
    values: dict[str, float | None] = {}
    for key, _ in _formula_fields(formula) + [("cac", None)]:
        word = i18n.t("calc_cac" if key == "cac" else f"calc_p_{key}", lang)
        raw = given.get(key, "").strip()
        if not raw and key in _required(formula):
            raise InputError(i18n.t("calc_err_missing", lang, field=word), key)
        if not raw:
            values[key] = None
            continue
        value = typed_number(raw, key in PERCENTS, lang)
        if value is None:
            raise InputError(i18n.t("calc_err_not_number", lang, field=word, value=raw), key)
        if value < 0:
            raise InputError(i18n.t("calc_err_number", lang, field=word), key)
        if key in PERCENTS:
            low, high = PERCENTS[key]
            if not low <= value <= high or (key == "monthly_churn" and value == 0) or (
                    key == "retention_rate" and value == 100 and not given.get("periods")):
                raise InputError(i18n.t("calc_err_percent", lang, field=word,
                                        low=number(low, lang),
                                        high=number(high, lang) if math.isfinite(high)
                                        else "∞"), key)
            value /= 100
        if key == "periods":
            if not value.is_integer():
                raise InputError(i18n.t("calc_err_whole", lang, field=word), key)
            value = int(value)
        if key == "cac" and value == 0:
            raise InputError(i18n.t("calc_err_positive", lang, field=word), key)
        values[key] = value
    cac = values.pop("cac")
    if formula == "ecommerce" and (values.get("shipping") or 0) > (values.get("average_basket")
                                                                  or 0):
        raise InputError(i18n.t("calc_err_shipping", lang), "shipping")
    return values, cac


def _shown_default(name: str, default: float | None, lang: str) -> str:
    """A parameter's default as the form shows it in ``lang`` (a rate as a percentage;
    ``12,5`` in French), ready to be edited: no group separator."""
    if default is None:
        return ""
    text = f"{default * 100:g}" if name in PERCENTS else f"{default:g}"
    return text.replace(".", ",") if lang == "fr" else text


CALC_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD")
"""The currencies the calculator writes its amounts in (or none: numbers alone)."""


@router.get("/calculator", response_class=HTMLResponse, include_in_schema=False)
def calculator(request: Request, lang: PageLang, formula: str = "generic") -> HTMLResponse:
    """The calculator: the form of a formula (numbers typed with a decimal comma or point),
    and with its values the lifetime value, and with a CAC the LTV:CAC and its verdict."""
    if formula not in FORMULAS:
        raise HTTPException(404, f"no formula {formula!r}")
    fields = [(k, _shown_default(k, d, lang)) for k, d in _formula_fields(formula)]
    given = {k: v for k, v in request.query_params.items()
             if k not in ("lang", "formula", "currency")}
    # the amounts' currency, as chosen (none: the numbers alone, in the inputs' currency)
    asked = request.query_params.get("currency", "")
    currency = asked if asked in CALC_CURRENCIES else ""
    result, error, wrong = None, None, None
    if any(given.get(k) for k, _ in fields):
        try:
            values, cac = page_values(formula, given, lang)
            result = calculate(formula, values, cac)
        except InputError as exc:
            error, wrong = str(exc), exc.field
        except ClvError:  # the checks above leave none known: said without the English
            error = i18n.t("calc_err_other", lang)
    return page("calculator.html.j2", request=request, lang=lang, formulas=list(FORMULAS),
                formula=formula, fields=fields, percents=PERCENTS, given=given,
                result=result, error=error, wrong=wrong, e=None, active="calculator",
                currency=currency or None, currencies=CALC_CURRENCIES)


@router.get("/api/formulas/{formula}", tags=["formulas"])
def formula_api(formula: str, request: Request) -> FormulaOut:
    """A closed-form LTV formula: its inputs as query parameters (see ``clv.formulas``),
    optional ``cac``. Rates are fractions: ``margin=0.3`` for 30%, ``monthly_churn``,
    ``retention_rate`` and ``discount_rate`` alike (the calculator's page takes
    percentages)."""
    return FormulaOut(**formula_of(formula, request))


# ---- history ------------------------------------------------------------------------------


def _figure(key: str, value: Any, lang: str, currency: str | None = None) -> str:
    """A figure of the history in the page's language, an amount in ``currency`` (the
    analysis's) as the other pages write it (``338,71 €``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if key in SHARES:
        return percent(value, lang, 1)
    if key == "customers":
        return number(value, lang, 0)
    if key == "ltv_cac":
        return f"{number(value, lang, 2)}x"
    if key in AMOUNTS:
        return i18n.money(value, lang, currency, 2)
    return number(value, lang, 2)


def _change(key: str, value: Any, lang: str, currency: str | None = None) -> str:
    """A change from the previous analysis, signed ('+1,5 pt' for shares, '+12,30 €')."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    shown = abs(value)
    if key in SHARES:
        return f"{sign}{number(shown * 100, lang, 1)}\u00a0pt"
    return f"{sign}{_figure(key, shown, lang, currency)}"


def _heading(key: str, lang: str) -> str:
    if key in ("mrr", "nrr"):
        return i18n.t(f"hist_col_{key}", lang)
    return measures.label(key, lang)


def history_groups(history: pl.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The saved analyses grouped by source (the most recently analysed first), each with
    its rows (newest first) and each figure's change from the previous analysis of the same
    source."""
    groups = []
    order = (history.group_by("source").agg(pl.col("id").max().alias("last"))
             .sort("last", descending=True)["source"].to_list())
    for source in order:
        rows = history.filter(pl.col("source").eq_missing(source)).sort("id")
        rows = rows.with_columns((pl.col(k) - pl.col(k).shift(1)).alias(f"{k}_change")
                                 for k in TRACKED if k in rows.columns)
        shown = [k for k in HISTORY_KPIS if k in rows.columns and rows[k].drop_nulls().len()]
        table = []
        for r in reversed(rows.to_dicts()):
            created = r["created_at"]
            data_to = r.get("data_to")
            try:
                data_day: dt.date | str | None = dt.date.fromisoformat(data_to) \
                    if data_to else None
            except ValueError:
                data_day = data_to
            table.append({
                "id": r["id"], "created": i18n.day(created, lang) if created else "",
                "data_to": i18n.day(data_day, lang) if data_day else "",
                "model": r.get("model") or "",
                "figures": [(k, _figure(k, r.get(k), lang, r.get("currency")),
                             _change(k, r.get(f"{k}_change"), lang, r.get("currency")))
                            for k in shown]})
        groups.append({"source": source or "", "rows": rows, "table": table,
                       "headings": [_heading(k, lang) for k in shown]})
    return groups


@router.get("/history", response_class=HTMLResponse, include_in_schema=False)
def history(request: Request, state: StateDep, lang: PageLang) -> HTMLResponse:
    from clv.web.charts import history_basis

    groups = history_groups(state.store.history(), lang)
    for g in groups:
        # the settings each analysis was made with, and where they differ (a chart of its
        # own then, never joining points across a change)
        g["basis"] = history_basis(g["rows"], lang)
        g["chart"] = state.history_chart(g.pop("rows"), lang, g["source"])
    return page("history.html.j2", request=request, lang=lang, groups=groups,
                live=set(state.entries), e=None, active="history")


@router.get("/api/history", tags=["history"])
def history_api(state: StateDep) -> list[HistoryRow]:
    """Every saved analysis with its KPIs and their change from the previous one."""
    return [HistoryRow(**row) for row in frame_json(state.store.history())]
