"""The dashboard's charts: :mod:`clv.report.charts` drawn for the pages, as inline SVG in the
page's language, the figures named as in :mod:`clv.measures`; given the analysis's id, the
marks of cohorts, channels, segments and tiers link to the matching customers list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from clv import measures
from clv.pipeline import Analysis
from clv.report import charts
from clv.report.text import in_unit

CHARTS = ("distribution", "lorenz", "heatmap", "curves", "channels", "tracking", "segments",
          "tiers", "alive", "purchases", "calibration")
"""The charts the pages show: the report's, the segments' and tiers' shares, and the models'
views (P(alive) and expected purchases by frequency and recency, calibration vs holdout)."""
TRANSLATED = CHARTS
"""The charts drawn again in the page's language when it is not English (all of them)."""
LINKED = ("heatmap", "channels", "segments", "tiers")
"""The charts whose marks link to the customers list when the analysis's id is given."""
CHART_WORDS = {"observed": {"en": "observed", "fr": "observé"},
               "predicted": {"en": "predicted by the models", "fr": "prédit par les modèles"},
               "actual": {"en": "actual", "fr": "réel"}}


def render_charts(a: Analysis, lang: str = "en", which: tuple[str, ...] = CHARTS,
                  aid: int | None = None) -> dict[str, str | None]:
    """The charts ``which`` of the analysis ``a``, as inline SVG in ``lang`` (None for a
    chart the analysis cannot draw: no spend table, no holdout), the figures named as in
    :mod:`clv.measures` and amounts in the currency's symbol (drawn once per analysis and
    language). With ``aid``, the id of the analysis in the dashboard, the charts of
    :data:`LINKED` link each mark to ``/a/{aid}/customers`` filtered to it."""
    def named(key: str) -> str:
        return measures.label(key, lang, a.settings)

    def word(key: str) -> str:
        return CHART_WORDS[key][lang]

    sym = measures.symbol(a.currency, lang) or None
    draw: dict[str, Callable[[], str | None]] = {
        "distribution": lambda: charts.distribution(
            a, in_unit(named("clv"), sym), lang=lang),
        "lorenz": lambda: charts.lorenz(
            a, {"historical": named("revenue_to_date"), "predicted": named("clv")}, lang),
        "heatmap": lambda: charts.retention_heatmap(a, lang, aid=aid),
        "curves": lambda: charts.cumulative_curves(
            a, {"historical": word("observed"), "predicted": word("predicted")}, lang,
            amount=sym),
        "channels": lambda: charts.channels(a, {"ltv": named("ltv")}, lang, title=sym,
                                            aid=aid),
        "tracking": lambda: charts.tracking(a, word("actual"), lang),
        "segments": lambda: charts.segments(a, lang, aid=aid),
        "tiers": lambda: charts.tiers(a, lang, aid=aid),
        "alive": lambda: charts.alive_matrix(a, lang),
        "purchases": lambda: charts.purchases_matrix(a, lang),
        "calibration": lambda: charts.calibration(a, lang, word("actual"))}
    return {k: draw[k]() for k in which}


def of_customers(a: Analysis, ids: pl.Series) -> Analysis | None:
    """The analysis ``a`` as its overview's charts see it when the filters keep the
    customers ``ids``: their future values and the concentration of their revenue and of
    their future value (None when that cannot be measured: nobody kept, or values summing to
    zero or less)."""
    import dataclasses

    from clv.errors import ClvError
    from clv.segments import concentration

    keep = pl.col("customer_id").is_in(ids.implode())
    value = a.value.filter(keep)
    kept = a.segments.customers.filter(keep)
    try:
        measured = {"historical": concentration(kept["revenue"])}
        if "predicted" in a.segments.concentration:  # none when no prediction is possible
            measured["predicted"] = concentration(kept["clv"])
    except ClvError:
        return None
    return dataclasses.replace(a, value=value, segments=dataclasses.replace(
        a.segments, concentration=measured))


SELECTION_CHARTS = ("distribution", "lorenz")
"""The overview's charts that follow the filters."""


# ---- the history's settings ---------------------------------------------------------------

BASIS = ("margin", "discount_rate", "horizon", "model")
"""The settings the history's figures depend on (``clv.store.BASIS`` and the model), in the
order the page names them."""
_history_drawn: dict[tuple[str, str, tuple[int, ...]], str | None] = {}
HISTORY_DRAWN = 32
"""The history's charts split by settings kept (the oldest dropped first)."""


def _setting(key: str, row: dict[str, Any], lang: str) -> str:
    """The setting ``key`` of a history row, written in ``lang`` ('30 %', '12 prochains
    mois'); 'not saved' when the saved analysis lacks it."""
    from clv.i18n import t

    value = row.get(key)
    if value is None:
        return t("hist_basis_not_saved", lang)
    if key in ("margin", "discount_rate"):
        whole = float(round(value * 100, 6)).is_integer()
        return measures.percent(value, lang, 0 if whole else 1)
    if key == "horizon":
        return measures.horizon_words(value, row.get("horizon_unit") or "month", lang)
    return str(value)


def history_basis(rows: pl.DataFrame, lang: str = "en") -> dict[str, Any]:
    """What the saved analyses ``rows`` of one source (``clv.store.Store.history``) were
    made with, for the history's page: ``changes``, per setting of :data:`BASIS` that differs
    among them, its name and each value with the analyses that used it; ``headings`` and
    ``cells`` (by analysis id), the table's columns of the margin and of the other settings
    that differ (not the model: the table has its column), each cell its value and the
    previous analysis's when it changed (else None); ``changed``, by analysis id, the
    settings that changed from the previous analysis ('marge 30 % → 40 %'), whose figures'
    changes are then not comparable; ``chart``, when a setting
    differs, the history's chart with one line per run of analyses made alike (a point is
    never joined across a change; each line named in the legend by its analyses and
    settings), else None (the page keeps its chart)."""
    from clv.i18n import t

    ordered = rows.sort("id").to_dicts()
    present = [k for k in BASIS if k in rows.columns]
    written = [{k: _setting(k, r, lang) for k in present} for r in ordered]
    differ = [k for k in present if len({w[k] for w in written}) > 1]
    changes = []
    for k in differ:
        used: dict[str, list[str]] = {}
        for r, w in zip(ordered, written, strict=True):
            used.setdefault(w[k], []).append(f"#{r['id']}")
        changes.append({"setting": t(f"hist_basis_{k}", lang), "values": [
            t("hist_basis_used", lang, value=v, ids=", ".join(ids)) for v, ids in used.items()]})
    shown = [k for k in present if k != "model" and (k == "margin" or k in differ)]
    out: dict[str, Any] = {
        "changes": changes,
        "headings": [t(f"hist_basis_{k}", lang).capitalize() for k in shown],
        "cells": {r["id"]: [(w[k], before[k] if before and before[k] != w[k] else None)
                            for k in shown]
                  for r, w, before in zip(ordered, written, [None, *written[:-1]],
                                          strict=True)},
        "changed": {r["id"]: ", ".join(
            f"{t(f'hist_basis_{k}', lang)} {before[k]} → {w[k]}" for k in differ
            if w[k] != before[k])
            for r, w, before in zip(ordered[1:], written[1:], written[:-1], strict=True)
            if any(w[k] != before[k] for k in differ)},
        "chart": None}
    if differ and len(ordered) > 1:
        key = (str(ordered[0].get("source") or ""), lang,
               tuple(int(r["id"]) for r in ordered))
        if key not in _history_drawn:
            if len(_history_drawn) >= HISTORY_DRAWN:
                _history_drawn.pop(next(iter(_history_drawn)))
            _history_drawn[key] = charts.history(_runs(rows.sort("id"), written, differ,
                                                       lang), lang)
        out["chart"] = _history_drawn[key]
    return out


def _runs(rows: pl.DataFrame, written: list[dict[str, str]], differ: list[str], lang: str
          ) -> pl.DataFrame:
    """``rows`` with their ``source`` replaced by the run of analyses made alike each
    belongs to ('#1–#2 · marge 30 %'), so that the history's chart draws one line per run."""
    from clv.i18n import t

    ids = rows["id"].to_list()
    labels: list[str] = []
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or any(written[i][k] != written[start][k] for k in differ):
            said = ", ".join(f"{t(f'hist_basis_{k}', lang)} {written[start][k]}"
                             for k in differ)
            span = f"#{ids[start]}" if i - 1 == start else f"#{ids[start]}–#{ids[i - 1]}"
            labels.extend([t("hist_basis_run", lang, ids=span, settings=said)] * (i - start))
            start = i
    return rows.with_columns(pl.Series("source", labels, dtype=pl.String))
