"""The dashboard's charts: :mod:`clv.report.charts` drawn for the pages, as inline SVG in the
page's language, the figures named as in :mod:`clv.measures`; given the analysis's id, the
marks of cohorts, channels, segments and tiers link to the matching customers list."""

from __future__ import annotations

from collections.abc import Callable

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
        measured = {"historical": concentration(kept["revenue"]),
                    "predicted": concentration(kept["clv"])}
    except ClvError:
        return None
    return dataclasses.replace(a, value=value, segments=dataclasses.replace(
        a.segments, concentration=measured))


SELECTION_CHARTS = ("distribution", "lorenz")
"""The overview's charts that follow the filters."""
