"""The analyses as JSON: the list, one analysis (KPIs, settings, notes, actions, tables), its
figures as the pages write them, its channels with the blended total, its tables, customers
and what-if."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Query

from clv.errors import ClvError
from clv.measures import label
from clv.pipeline import Analysis
from clv.report import actions
from clv.scenarios import Levers
from clv.web import figures
from clv.web.deps import EntryDep, Lang, StateDep
from clv.web.schemas import (
    SETTINGS,
    AnalysisItem,
    AnalysisOut,
    ChannelsOut,
    CustomerOut,
    CustomersOut,
    Figure,
    TableOut,
    WhatIfOut,
)
from clv.web.state import Entry, State
from clv.web.views import Filters, available, finite, frame_json, tables

router = APIRouter(tags=["analyses"])
MAX_INDEX = 2**53  # row offsets past it are refused (422), not left to overflow (500)
LEVERS = ("retention", "frequency", "basket", "margin", "cac")
WHATIF_FIGURES = {"total_clv": "predicted_clv_total", "mean_clv": "predicted_clv",
                  "new_customer_ltv": "new_customer_ltv", "ltv_cac": "ltv_cac",
                  "payback_months": "payback_months"}
"""The what-if's figures and their keys in the vocabulary."""


def whatif_labels(a: Analysis) -> dict[str, str]:
    """The what-if's figures, labelled as everywhere else."""
    out = {k: label(key, "en", a.settings) for k, key in WHATIF_FIGURES.items()}
    out["profit_per_new_customer"] = "Profit per new customer (LTV - CAC)"
    return out


@router.get("/api/analyses")
def analyses(state: StateDep) -> list[AnalysisItem]:
    """The analyses of this session."""
    return [AnalysisItem(id=e.id, source=e.source, model=e.model,
                         customers=e.kpis["customers"])  # never reads a put-aside one back
            for e in state.entries.values()]


@router.get("/api/analyses/{aid}")
def analysis_api(e: EntryDep) -> AnalysisOut:
    """KPIs (each defined in ``clv.measures``; the currency in ``kpis.currency``), settings,
    notes, seconds per step, the three actions worth most and the tables available."""
    a = e.analysis
    return AnalysisOut.model_validate({
        "id": e.id, "kpis": finite(a.kpis),
        "settings": {k: getattr(a.settings, k) for k in (*SETTINGS, "level")},
        "notes": [str(n) for n in a.notes], "seconds": a.seconds, "actions": actions(a, "en"),
        "tables": available(a)})


@router.get("/api/analyses/{aid}/figures")
def figures_api(e: EntryDep, lang: Lang = "en") -> list[Figure]:
    """The overview's headline figures as the page shows them in ``lang`` (en, fr): label,
    definition with its basis, value, and the value as written in the analysis's currency."""
    return [Figure(**f) for f in figures.headline(e.analysis, lang)]


@router.get("/api/analyses/{aid}/channels")
def channels_api(e: EntryDep) -> ChannelsOut:
    """Acquisition channels (with a spend table): a row per channel (new customers, spend,
    CAC, LTV of a new customer ``ltv``, ``ltv_cac``, verdict, paybacks, largest CAC at 3x)
    and the total, whose blended CAC and LTV:CAC are the analysis's ``kpis.blended_cac`` and
    ``kpis.ltv_cac``."""
    a = e.analysis
    if a.channels is None:
        raise HTTPException(404, "this analysis has no spend table, hence no channels")
    rows, total = figures.channel_rows(a)
    return ChannelsOut.model_validate({
        "currency": a.currency, "rows": [finite(r) for r in rows], "total": finite(total),
        "basis": a.channels.basis})


@router.get("/api/analyses/{aid}/tables/{name}")
def table_api(e: EntryDep, name: str, limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
              offset: Annotated[int, Query(ge=0, le=MAX_INDEX)] = 0) -> TableOut:
    """Rows of a table of the analysis (see ``tables`` of the analysis)."""
    get = tables(e.analysis).get(name)
    frame = get() if get else None
    if frame is None:
        raise HTTPException(404, f"no table {name!r}")
    return TableOut(name=name, rows=frame.height, columns=frame.columns,
                    data=frame_json(frame.slice(offset, limit)))


@router.get("/api/analyses/{aid}/customers", tags=["customers"])
def customers_api(e: EntryDep, f: Annotated[Filters, Depends()],
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
                  offset: Annotated[int, Query(ge=0, le=MAX_INDEX)] = 0) -> CustomersOut:
    """Customers matching the filters, most valuable first."""
    found = f.customers(e.analysis.customers)
    return CustomersOut(found=found.height, data=frame_json(
        found.sort(["clv", "revenue"], descending=True, nulls_last=True).slice(offset, limit)))


def customer_of(a: Analysis, cid: str) -> dict[str, Any]:
    """One customer's row of ``Analysis.customers`` and purchase history (500 lines)."""
    row = a.customers.filter(pl.col("customer_id") == cid)
    if row.height == 0:
        raise HTTPException(404, f"no customer {cid!r}")
    lines = a.transactions.frame.filter(pl.col("customer_id") == cid).sort("timestamp")
    return {"customer": frame_json(row)[0], "lines": lines.height,
            "history": frame_json(lines.head(500))}


@router.get("/api/analyses/{aid}/customers/{cid:path}", tags=["customers"])
def customer_api(e: EntryDep, cid: str) -> CustomerOut:
    """One customer: predictions (P(alive), expected purchases, CLV and its interval,
    segment, next purchase) and the purchase history."""
    return CustomerOut(**customer_of(e.analysis, cid))


def what_if(state: State, e: Entry, levers: Levers) -> dict[str, Any]:
    """The what-if's figures under ``levers`` (kept once per levers by the state)."""
    a = e.analysis
    if a.settings.margin * (1 + levers.margin) > 1:
        raise ClvError(f"the margin cannot pass 100% (now {a.settings.margin:.0%})")
    s = state.what_if(e, levers)
    keys = (*WHATIF_FIGURES, "profit_per_new_customer")
    return {"levers": {k: getattr(levers, k) for k in LEVERS},
            "base": finite({k: s.base.get(k) for k in keys}),
            "scenario": finite({k: s.scenario.get(k) for k in keys}),
            "labels": whatif_labels(a)}


@router.get("/api/analyses/{aid}/whatif")
def whatif_api(e: EntryDep, state: StateDep, retention: float = 0.0, frequency: float = 0.0,
               basket: float = 0.0, margin: float = 0.0, cac: float = 0.0) -> WhatIfOut:
    """Base and changed figures with the levers as relative changes (0.05 = +5%)."""
    levers = Levers(retention=retention, frequency=frequency, basket=basket, margin=margin,
                    cac=cac)
    return WhatIfOut.model_validate(what_if(state, e, levers))
