"""The dashboard's charts: the report's charts (:mod:`clv.report.charts`) drawn for the pages,
as inline SVG in the page's language, the figures named as in :mod:`clv.measures`."""

from __future__ import annotations

from collections.abc import Callable

from clv import measures
from clv.pipeline import Analysis
from clv.report import charts

CHARTS = ("distribution", "lorenz", "heatmap", "curves", "channels", "tracking")
"""The report's charts the pages show."""
TRANSLATED = ("distribution", "lorenz", "channels")
"""The charts of the pages that take a language (the overview and the channels)."""
CHART_WORDS = {"observed": {"en": "observed", "fr": "observé"},
               "predicted": {"en": "predicted by the models", "fr": "prédit par les modèles"},
               "actual": {"en": "actual", "fr": "réel"}}


def render_charts(a: Analysis, lang: str = "en", which: tuple[str, ...] = CHARTS
                  ) -> dict[str, str | None]:
    """The report's charts ``which``, as inline SVG in ``lang``, the figures named as in
    :mod:`clv.measures` and amounts in the currency's symbol (drawn once per analysis and
    language)."""
    def named(key: str) -> str:
        return measures.label(key, lang, a.settings)

    def word(key: str) -> str:
        return CHART_WORDS[key][lang]

    sym = measures.symbol(a.currency, lang) or None
    draw: dict[str, Callable[[], str | None]] = {
        "distribution": lambda: charts.distribution(
            a, named("clv") + (f" ({sym})" if sym else ""), lang=lang),
        "lorenz": lambda: charts.lorenz(
            a, {"historical": named("revenue_to_date"), "predicted": named("clv")}, lang),
        "heatmap": lambda: charts.retention_heatmap(a, lang),
        "curves": lambda: charts.cumulative_curves(
            a, {"historical": word("observed"), "predicted": word("predicted")}, lang,
            amount=sym),
        "channels": lambda: charts.channels(a, {"ltv": named("ltv")}, lang, title=sym),
        "tracking": lambda: charts.tracking(a, word("actual"), lang)}
    return {k: draw[k]() for k in which}
