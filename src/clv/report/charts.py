"""The charts of the report and of the dashboard: Altair specifications rendered to inline SVG
by vl-convert, on this machine, so that a page needs no script and no request to open (and
prints as drawn).

Every chart speaks the language it is drawn in (``lang``: its axis titles, legends, numbers
and dates) and can be pointed at: each mark carries a native SVG ``<title>`` (the browser's
tooltip, with no script) holding the mark's figure, its formatted value and the figure's
definition; the root ``<svg>`` carries an accessible name that says in words what the chart
shows. Given the id of the analysis (``aid``), the marks of segments, tiers, channels and
cohorts are links to the matching customers list of the dashboard
(``/a/{aid}/customers?segment=...``); without it (the report) nothing links anywhere.

The data of the lifetimes-style views of the models (:func:`alive_grid`,
:func:`purchases_grid`, :func:`calibration_frame`) are computed here from the fitted models,
as lifetimes' ``plot_probability_alive_matrix``, ``plot_frequency_recency_matrix`` and
``plot_calibration_purchases_vs_holdout_purchases`` do, and are tested on their own.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import altair as alt
import numpy as np
import polars as pl
import vl_convert as vlc

from clv import measures
from clv.i18n import dated, singular
from clv.models import NBD
from clv.models.base import PurchaseModel
from clv.pipeline import Analysis
from clv.prep.summary import convert
from clv.report.text import WORDS as REPORT_WORDS
from clv.report.text import in_unit, number, segment_name
from clv.report.text import tier as tier_name

WIDTH, HEIGHT = 560, 260
LABEL_PX = 6.5
"""The width of a character of an 11px label, at most (sans-serif), in pixels."""
LOCALES: dict[str, Any] = {"en": "en-US", "fr": "fr-FR"}  # vl-convert's names
ACTUAL = "#1a1a1a"
"""The colour of what happened (the holdout's actual purchases): solid and dark, above the
models' predictions."""
MODEL_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756")
ROWS = 30
"""At most this many rows (and columns) in the matrices of the models: a cell per frequency
and recency up to it, beyond it one per step, so that the SVG stays light."""
CALIBRATION_TOP = 7
"""Calibration frequencies shown one by one below it; the customers at it or above together
(lifetimes shows 0 to 6)."""

WORDS: dict[str, dict[str, str]] = {
    "customers_n": {"en": "{n} customers", "fr": "{n} clients"},
    "customers_n_one": {"en": "{n} customer", "fr": "{n} client"},
    "customers_axis": {"en": "customers", "fr": "clients"},
    "link": {"en": "show these customers", "fr": "voir ces clients"},
    "hist_bin": {"en": "{figure} from {lo} to {hi}: {n} customers ({share} of all)",
                 "fr": "{figure} de {lo} à {hi} : {n} clients ({share} du total)"},
    "hist_bin_one": {"en": "{figure} from {lo} to {hi}: {n} customer ({share} of all)",
                     "fr": "{figure} de {lo} à {hi} : {n} client ({share} du total)"},
    "hist_over": {"en": "{cap} and more", "fr": "{cap} et plus"},
    "hist_over_bin": {"en": "{figure} of {cap} or more: {n} customers ({share} of all)",
                      "fr": "{figure} de {cap} ou plus : {n} clients ({share} du total)"},
    "hist_over_bin_one": {"en": "{figure} of {cap} or more: {n} customer ({share} of all)",
                          "fr": "{figure} de {cap} ou plus : {n} client ({share} du total)"},
    "hist_desc": {"en": "Histogram of {figure} per customer: half of the {n} customers are "
                        "under {median}, {share} are at {cap} or more.",
                  "fr": "Histogramme de {figure} par client : la moitié des {n} clients est "
                        "sous {median}, {share} sont à {cap} ou plus."},
    "lorenz_x": {"en": "share of customers, least valuable first",
                 "fr": "part des clients, des moins aux plus précieux"},
    "lorenz_y": {"en": "share of the total they hold", "fr": "part du total détenue"},
    "lorenz_point": {"en": "{figure}: the {share} of customers who bring the least hold {value}"
                           " of the total; the other {rest} hold {top}.",
                     "fr": "{figure} : les {share} de clients qui apportent le moins en "
                           "détiennent {value} ; les {rest} restants, {top}."},
    "lorenz_desc": {"en": "Lorenz curves: the 20% most valuable customers hold {first} of "
                          "{first_name} and {second} of {second_name}.",
                    "fr": "Courbes de Lorenz : les 20 % de clients les plus précieux "
                          "détiennent {first} de « {first_name} » et {second} de "
                          "« {second_name} »."},
    "cohort_month": {"en": "cohort (month of the first purchase)",
                     "fr": "cohorte (mois du premier achat)"},
    "cohort_quarter": {"en": "cohort (quarter of the first purchase)",
                       "fr": "cohorte (trimestre du premier achat)"},
    "cohort_week": {"en": "cohort (week of the first purchase)",
                    "fr": "cohorte (semaine du premier achat)"},
    "cohort_other": {"en": "cohort", "fr": "cohorte"},
    "age_month": {"en": "month {n}", "fr": "mois {n}"},
    "age_quarter": {"en": "quarter {n}", "fr": "trimestre {n}"},
    "age_week": {"en": "week {n}", "fr": "semaine {n}"},
    "share_active": {"en": "share active", "fr": "part active"},
    "retention_cell": {"en": "Cohort {cohort}, {age}: {share} active ({active} of {eligible} "
                             "customers)",
                       "fr": "Cohorte {cohort}, {age} : {share} actifs ({active} sur {eligible}"
                             " clients)"},
    "retention_cell_one": {"en": "Cohort {cohort}, {age}: {share} active ({active} of "
                                 "{eligible} customer)",
                           "fr": "Cohorte {cohort}, {age} : {share} actif ({active} sur "
                                 "{eligible} client)"},
    "retention_desc": {"en": "Retention of {n} cohorts: on average {share} of a cohort buys "
                             "again in its {age}.",
                       "fr": "Rétention de {n} cohortes : en moyenne {share} d'une cohorte "
                             "rachète au {age}."},
    "curves_y": {"en": "cumulative revenue per customer",
                 "fr": "chiffre d'affaires cumulé par client"},
    "curves_point": {"en": "Cohort {cohort}, {age}: {value} per customer to date ({figure})",
                     "fr": "Cohorte {cohort}, {age} : {value} par client à date ({figure})"},
    "curves_desc": {"en": "Cumulative revenue per customer of {n} cohorts by age, {observed} "
                          "then {predicted}.",
                    "fr": "Chiffre d'affaires cumulé par client de {n} cohortes selon l'âge, "
                          "{observed} puis {predicted}."},
    "per_new_customer": {"en": "per new customer", "fr": "par nouveau client"},
    "channel_bar": {"en": "{channel}: {figure} {value}. {definition}",
                    "fr": "{channel} : {figure} {value}. {definition}"},
    "channels_desc": {"en": "LTV of a new customer and CAC of {n} channels; the highest "
                            "LTV:CAC is {channel}'s ({ratio}).",
                      "fr": "LTV d'un nouveau client et CAC de {n} canaux ; le meilleur "
                            "LTV:CAC est celui de {channel} ({ratio})."},
    "tracking_x": {"en": "date (end of each {unit})", "fr": "date (fin de chaque {unit})"},
    "tracking_y": {"en": "cumulative repeat purchases", "fr": "achats répétés cumulés"},
    "tracking_point": {"en": "{date}, {series}: cumulative repeat purchases {value} ({phase})",
                       "fr": "{date}, {series} : achats répétés cumulés {value} ({phase})"},
    "calibration": {"en": "calibration", "fr": "calibration"},
    "holdout": {"en": "holdout", "fr": "période de test"},
    "tracking_desc": {"en": "Cumulative repeat purchases, {actual} and predicted by {models}; "
                            "at the end of the holdout, {total} {actual} against {best} "
                            "predicted by {model}.",
                      "fr": "Achats répétés cumulés, {actual}s et prédits par {models} ; à la "
                            "fin de la période de test, {total} {actual}s contre {best} "
                            "prédits par {model}."},
    "history_x": {"en": "saved analysis", "fr": "analyse enregistrée"},
    "history_point": {"en": "Analysis #{id} of {date} ({source}): {figure} {value}",
                      "fr": "Analyse n°{id} du {date} ({source}) : {figure} {value}"},
    "history_desc": {"en": "How {n} figures moved over {k} saved analyses.",
                     "fr": "L'évolution de {n} chiffres sur {k} analyses enregistrées."},
    "share_axis": {"en": "share of the total", "fr": "part du total"},
    "share_bar": {"en": "{name}: {figure} {share} ({value})",
                  "fr": "{name} : {figure} {share} ({value})"},
    "segments_desc": {"en": "Share of customers, of revenue to date and of future value of "
                            "{n} segments; {top} hold {share} of the future value.",
                      "fr": "Part des clients, du chiffre d'affaires à date et de la valeur "
                            "future de {n} segments ; « {top} » détient {share} de la valeur "
                            "future."},
    "tiers_desc": {"en": "Share of customers, of revenue to date and of future value of the "
                         "value tiers: the top 10% of customers hold {share} of the future "
                         "value.",
                   "fr": "Part des clients, du chiffre d'affaires à date et de la valeur future "
                         "par palier de valeur : les 10 % de clients les plus précieux "
                         "détiennent {share} de la valeur future."},
    "share_customers": {"en": "share of customers", "fr": "part des clients"},
    "share_revenue": {"en": "share of revenue to date",
                      "fr": "part du chiffre d'affaires à date"},
    "share_future": {"en": "share of future value", "fr": "part de la valeur future"},
    "recency_axis": {"en": "recency: last purchase, in {unit} after the first",
                     "fr": "récence : dernier achat, en {unit} après le premier"},
    "frequency_axis": {"en": "repeat purchases (frequency)",
                       "fr": "achats répétés (fréquence)"},
    "alive_cell": {"en": "{x}, the last {r} after the first, first purchase {T} ago: "
                         "{figure} {value}",
                   "fr": "{x}, le dernier {r} après le premier, premier achat il y a {T} : "
                         "{figure} {value}"},
    "repeat_one": {"en": "{n} repeat purchase", "fr": "{n} achat répété"},
    "repeat_many": {"en": "{n} repeat purchases", "fr": "{n} achats répétés"},
    "alive_unknown": {"en": "no repeat purchase: {model} counts every such customer as alive "
                            "(100%), which tells nothing",
                      "fr": "aucun achat répété : {model} compte un tel client comme actif "
                            "(100 %), ce qui ne renseigne pas"},
    "not_informative": {"en": "not informative", "fr": "non informatif"},
    "alive_desc": {"en": "P(alive) by frequency and recency under {model}, for a customer "
                         "first seen {T} {unit} ago: from {low} to {high}.",
                   "fr": "P(actif) selon la fréquence et la récence avec {model}, pour un "
                         "client vu pour la première fois il y a {T} {unit} : de {low} à "
                         "{high}."},
    "purchases_desc": {"en": "{figure} by frequency and recency under {model}, for a customer "
                             "first seen {T} {unit} ago: from {low} to {high}.",
                       "fr": "{figure} selon la fréquence et la récence avec {model}, pour un "
                             "client vu pour la première fois il y a {T} {unit} : de {low} à "
                             "{high}."},
    "calibration_x": {"en": "repeat purchases in the calibration period",
                      "fr": "achats répétés pendant la période de calibration"},
    "calibration_y": {"en": "mean purchases per customer in the holdout ({span})",
                      "fr": "achats moyens par client pendant la période de test ({span})"},
    "calibration_bar": {"en": "{n} customers with {x} repeat purchases in calibration: "
                              "{series} {value} purchases each on average in the holdout",
                        "fr": "{n} clients avec {x} achats répétés en calibration : {series} "
                              "{value} achats chacun en moyenne pendant la période de test"},
    "calibration_desc": {"en": "Mean purchases in the holdout by repeat purchases in the "
                               "calibration period, {actual} and predicted by {models}.",
                         "fr": "Achats moyens pendant la période de test selon les achats "
                               "répétés en calibration, {actual}s et prédits par {models}."},
    "actual": {"en": "actual", "fr": "réel"},
}
"""The charts' own words (the figures' names are :mod:`clv.measures`'); the dashboard's
catalogue holds them too, as ``chart_<key>``."""

UNITS = {"day": {"en": "days", "fr": "jours"}, "week": {"en": "weeks", "fr": "semaines"},
         "month": {"en": "months", "fr": "mois"}, "quarter": {"en": "quarters",
                                                              "fr": "trimestres"},
         "year": {"en": "years", "fr": "ans"}}
UNIT = {"day": {"en": "day", "fr": "jour"}, "week": {"en": "week", "fr": "semaine"},
        "month": {"en": "month", "fr": "mois"}, "quarter": {"en": "quarter", "fr": "trimestre"},
        "year": {"en": "year", "fr": "an"}}

_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_VEGA_BASE = "https://vega.github.io/vega-datasets/"
"""The base URL Vega's loader puts before a root-relative link; the links are the
dashboard's own, so it is taken off again."""
_LINK = re.compile(r'<a xlink:href="([^"]*)">(<\w+ aria-label="([^"]*)")')
_MARK = re.compile(r'<(path|rect|line|circle|ellipse|polygon|image)( aria-label="([^"]*)"'
                   r'[^>]*?)\s*/>')


def _w(key: str, lang: str, /, **values: Any) -> str:
    """The chart's words ``key`` in ``lang``, filled from ``values``; when the count ``n``
    takes the singular and ``<key>_one`` exists, that form ('1 client', not '1 clients')."""
    if "n" in values and f"{key}_one" in WORDS and singular(values["n"], lang):
        key = f"{key}_one"
    text = WORDS[key]["fr" if lang == "fr" else "en"]
    return text.format(**values) if values else text


def _one(n: float, lang: str) -> bool:
    """Whether ``n`` takes the singular: 1 in English, under 2 in French."""
    return n < 2 if lang == "fr" else n == 1


def _span(n: float, unit: str, lang: str) -> str:
    """'1 week', '3,5 semaines': a duration in the summary's ``unit``."""
    words = UNIT if _one(n, lang) else UNITS
    return f"{_num(n, lang, 1 if n % 1 else 0)} {words.get(unit, UNITS['week'])[lang]}"


def _repeats(n: float, lang: str) -> str:
    return _w("repeat_one" if _one(n, lang) else "repeat_many", lang, n=_num(n, lang))


def _inline(name: str) -> str:
    """A figure's label inside a sentence: 'future value (...)', but 'LTV' and 'P(alive)'
    as written."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def svg(chart: alt.TopLevelMixin, lang: str = "en") -> str:
    """Inline SVG of ``chart``, numbers and dates written for ``lang``; the renderer may
    fetch nothing (the data is inline), and the XML namespace declarations (URIs, not
    requests) are dropped, as HTML does not need them.

    Each mark that Vega labels (the ``description`` encoding, written as ``aria-label``)
    gets that label as a ``<title>`` child too: the browser's tooltip on hover, with no
    script. The root is named by the chart's ``description``: ``role="img"`` when nothing in
    it links, else ``role="graphics-document"`` (an image's children are hidden from
    assistive technologies, and its links would be too); each link is named by its mark."""
    # the axes and legends are not read out one tick at a time (Vega's words for them are
    # English): the chart's description says what it shows
    spec = chart.configure_axis(aria=False).configure_legend(aria=False).to_dict(
        validate=False)  # the inline rows checked one by one against the schema: seconds
    out = vlc.vegalite_to_svg(spec, format_locale=LOCALES[lang],
                              time_format_locale=LOCALES[lang], allowed_base_urls=[])
    out = _MARK.sub(r"<\1\2><title>\3</title></\1>", out)
    linked = "<a xlink:href=" in out
    follow = html.escape(_w("link", lang), quote=True)

    def link(m: re.Match[str]) -> str:
        target = m.group(1).removeprefix(_VEGA_BASE)
        return f'<a href="{target}" aria-label="{m.group(3)} ({follow})">{m.group(2)}'

    out = _LINK.sub(link, out)
    name = html.escape(str(spec.get("description", "")), quote=True)
    role = "graphics-document" if linked else "img"
    out = out.replace("<svg ", f'<svg role="{role}" aria-label="{name}" ', 1)
    return _NAMESPACES.sub("", out)


def _data(frame: pl.DataFrame) -> alt.Data:
    rows = frame.with_columns(pl.col(pl.Date, pl.Datetime).cast(pl.String)).to_dicts()
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _money(value: float | None, a: Analysis, lang: str, digits: int | None = None) -> str:
    return measures.money(value, a.currency, lang, digits) or "-"


def _pct(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return measures.percent(value, lang, digits)


def _num(value: float | None, lang: str, digits: int = 0) -> str:
    return number(value, lang, digits)


def _url(aid: int | None, **query: str) -> str | None:
    """The customers list of the analysis ``aid`` filtered by ``query``; None without an id
    (the report links nowhere)."""
    return None if aid is None else f"/a/{aid}/customers?{urlencode(query)}"


def _with(frame: pl.DataFrame, name: str, values: Sequence[Any]) -> pl.DataFrame:
    return frame.with_columns(pl.Series(name, list(values), dtype=pl.String
                                        if not values or isinstance(values[0], str | None)
                                        else None))


# ---- the overview -------------------------------------------------------------------------


def _nice(span: float, bins: int) -> float:
    """A round bin width (1, 2, 2.5 or 5 times a power of ten) giving about ``bins`` bins
    over ``span``."""
    raw = span / bins if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(power * k for k in (1, 2, 2.5, 5, 10) if power * k >= raw)


def distribution(a: Analysis, label: str, bins: int = 40, lang: str = "en") -> str:
    """Histogram of the future value (``label``: the figure and its currency) per customer,
    binned here on round edges up to the 99th percentile, rounded up; the customers at or
    beyond it in one overflow bar drawn apart and labelled ('300 € and more')."""
    clv = a.value["clv"].to_numpy()
    figure = measures.label("clv", lang, a.settings)
    n = clv.size
    top = float(np.quantile(clv, 0.99)) if n else 1.0
    low = min(0.0, float(clv.min())) if n else 0.0
    step = _nice(top - low, bins)
    low = math.floor(low / step) * step
    cap = max(math.ceil(top / step) * step, low + step)
    edges = np.arange(low, cap + step / 2, step)
    counts, _ = np.histogram(clv[clv < cap], bins=edges)
    over = int((clv >= cap).sum())
    digits = 0 if step >= 1 else None
    share = [c / n if n else 0.0 for c in counts]
    frame = pl.DataFrame({"lo": edges[:-1], "hi": edges[1:], "customers": counts})
    frame = _with(frame, "tip", [
        _w("hist_bin", lang, figure=figure, lo=_money(lo, a, lang, digits),
           hi=_money(hi, a, lang, digits), n=_num(c, lang), share=_pct(s, lang))
        for lo, hi, c, s in zip(edges[:-1], edges[1:], counts, share, strict=True)])
    cap_text = _money(cap, a, lang, digits)
    gap = step
    over_frame = pl.DataFrame({"lo": [cap + gap], "hi": [cap + gap + 2 * step],
                               "customers": [over]})
    over_frame = _with(over_frame, "tip", [_w(
        "hist_over_bin", lang, figure=figure, cap=cap_text, n=_num(over, lang),
        share=_pct(over / n if n else 0.0, lang))])
    over_label = _w("hist_over", lang, cap=cap_text)
    over_frame = _with(over_frame, "label", [over_label])
    # the label is written above the overflow bar, right-aligned on its end: lifted above
    # every bar it spans, so that it never runs over the last bins when they are taller
    end = cap + gap + 2 * step
    left = end - len(over_label) * LABEL_PX * (end - low) / WIDTH
    under = [int(c) for h, c in zip(edges[1:], counts, strict=True) if h > left]
    over_frame = over_frame.with_columns(pl.lit(max([over, *under])).alias("label_y"))
    x = alt.X("lo:Q", bin="binned", title=label,
              scale=alt.Scale(domain=[low, cap + gap + 2 * step], nice=False),
              axis=alt.Axis(values=[float(v) for v in _ticks(low, cap, step)]))
    y = alt.Y("customers:Q", title=_w("customers_axis", lang))
    bars = alt.Chart(_data(frame)).mark_bar(color="#4c78a8").encode(
        x=x, x2="hi:Q", y=y, description="tip:N")
    tail = alt.Chart(_data(over_frame))
    over_bar = tail.mark_bar(color="#9ecae9", stroke="#4c78a8").encode(
        x=x, x2="hi:Q", y=y, description="tip:N")
    over_text = tail.mark_text(dy=-6, align="right", baseline="bottom", fontSize=11,
                               aria=False).encode(x=alt.X("hi:Q"), y=alt.Y("label_y:Q"),
                                                  text="label:N")
    median = float(np.median(clv)) if n else 0.0
    described = _w("hist_desc", lang, figure=_inline(figure), n=_num(n, lang),
                   median=_money(median, a, lang), share=_pct(over / n if n else 0.0, lang),
                   cap=cap_text)
    return svg((bars + over_bar + over_text).properties(
        width=WIDTH, height=HEIGHT, description=described), lang)


def _ticks(low: float, cap: float, step: float, most: int = 8) -> np.ndarray:
    """Round axis values from ``low`` up to ``cap`` (excluded: the overflow bar says it), at
    most about ``most``."""
    every = max(1, math.ceil(round((cap - low) / step) / most))
    return np.arange(low, cap - step / 2, step * every)


def lorenz(a: Analysis, names: dict[str, str], lang: str = "en") -> str:
    """Lorenz curves of revenue to date (``names["historical"]``) and of future value
    (``names["predicted"]``), customers from the least to the most valuable; a point every
    5% says what share of the total each part of the customers holds."""
    parts = []
    for key, c in a.segments.concentration.items():
        f = c.lorenz.with_columns(pl.lit(names[key]).alias("figure"))
        tips = [_w("lorenz_point", lang, figure=names[key], share=_pct(x, lang, 0),
                   value=_pct(y, lang), rest=_pct(1 - x, lang, 0), top=_pct(1 - y, lang))
                for x, y in f.select("share_customers", "share_value").iter_rows()]
        parts.append(_with(f, "tip", tips))
    frame = pl.concat(parts)
    points = frame.filter(((pl.col("share_customers") * 100).round(6) % 5 == 0)
                          & (pl.col("share_customers") > 0) & (pl.col("share_customers") < 1))
    base = alt.Chart(_data(frame)).encode(
        x=alt.X("share_customers:Q", axis=alt.Axis(format="%"), title=_w("lorenz_x", lang)),
        y=alt.Y("share_value:Q", axis=alt.Axis(format="%"), title=_w("lorenz_y", lang)),
        color=alt.Color("figure:N", title=None, legend=alt.Legend(orient="top-left")))
    line = base.mark_line().encode(description="figure:N")
    dots = alt.Chart(_data(points)).mark_point(filled=True, size=30).encode(
        x="share_customers:Q", y="share_value:Q", color=alt.Color("figure:N", legend=None),
        description="tip:N")
    diagonal = alt.Chart(_data(pl.DataFrame({"s": [0.0, 1.0]}))).mark_line(
        color="#bbbbbb", strokeDash=[3, 3], aria=False).encode(x="s:Q", y="s:Q")

    def held(key: str) -> str:
        t = a.segments.concentration[key].lorenz
        at = t.filter((pl.col("share_customers") - 0.8).abs() < 1e-9)["share_value"]
        return _pct(1 - float(at[0]), lang, 0) if at.len() else "-"

    keys = list(a.segments.concentration)
    described = _w("lorenz_desc", lang, first=held(keys[0]), first_name=names[keys[0]],
                   second=held(keys[-1]), second_name=names[keys[-1]])
    return svg((diagonal + line + dots).properties(width=WIDTH, height=HEIGHT,
                                                   description=described), lang)


# ---- cohorts -------------------------------------------------------------------------------


def _cohort(a: Analysis) -> str:
    """The cohort field: a month or quarter cohort is written as such ('Jan 2024')."""
    key = a.cohorts.by
    # in UTC, as the data's dates are read: local time would move them a day back west of
    # Greenwich, and a month cohort into the month before
    unit = {"month": "utcyearmonth", "quarter": "utcyearquarter"}.get(a.cohorts.period)
    dated = a.cohorts.table.schema[key] in (pl.Date, pl.Datetime)
    return f"{unit}({key}):O" if unit and dated else f"{key}:O"


def _dated(a: Analysis) -> bool:
    return a.cohorts.table.schema[a.cohorts.by] in (pl.Date, pl.Datetime)


def _cohort_names(a: Analysis, values: Sequence[Any], lang: str) -> list[str]:
    """Cohorts in words: 'January 2024' / 'janvier 2024', 'Q1 2024' / 'T1 2024', or the
    attribute's value."""
    if not _dated(a):
        return [str(v) for v in values]
    pattern = {"month": "MMMM y", "quarter": "QQQ y"}.get(a.cohorts.period, "d MMMM y")
    return [dated(v, pattern, lang) for v in values]


def _cohort_links(a: Analysis, values: Sequence[Any], aid: int | None) -> list[str | None]:
    """The customers list of each cohort (its months: ``start`` and ``end``); no link for a
    week cohort (the filter takes months) or an attribute's."""
    if aid is None or not _dated(a) or a.cohorts.period not in ("month", "quarter"):
        return [None] * len(values)
    months = 3 if a.cohorts.period == "quarter" else 1
    out: list[str | None] = []
    for v in values:
        last = (v.month - 1 + months - 1) % 12 + 1
        year = v.year + (v.month - 1 + months - 1) // 12
        out.append(_url(aid, start=f"{v.year:04d}-{v.month:02d}", end=f"{year:04d}-{last:02d}"))
    return out


def _ages(a: Analysis, ages: Sequence[int], lang: str) -> list[str]:
    key = f"age_{a.cohorts.period}"
    return [_w(key, lang, n=_num(x, lang)) if key in WORDS else str(x) for x in ages]


def _age_title(a: Analysis, lang: str) -> str:
    unit = REPORT_WORDS.get(f"{a.cohorts.period}_unit", {}).get(lang, a.cohorts.period)
    return REPORT_WORDS["age"][lang].format(unit=unit)


def _cohort_title(a: Analysis, lang: str) -> str:
    key = f"cohort_{a.cohorts.period}" if _dated(a) else "cohort_other"
    return _w(key if key in WORDS else "cohort_other", lang)


def retention_heatmap(a: Analysis, lang: str = "en", age: str | None = None,
                      aid: int | None = None) -> str:
    """Share of each cohort active at each age (periods since its first purchase); ``age``
    names the horizontal axis (default: the periods since the first purchase, in words).
    With ``aid``, each row links to the customers of its cohort. An empty string when no
    cohort has an age beyond its first period (every purchase on one day): the faces say so
    in words instead of an empty chart whose legend reads 'NaN%'."""
    key = a.cohorts.by
    table = a.cohorts.table.filter(pl.col("retention").is_not_null() & (pl.col("age") > 0))
    if table.height == 0:
        return ""
    names = _cohort_names(a, table[key].to_list(), lang)
    ages = _ages(a, table["age"].to_list(), lang)
    tips = [_w("retention_cell_one" if e == 1 else "retention_cell", lang, cohort=c, age=g,
               share=_pct(r, lang),
               active=_num(n, lang), eligible=_num(e, lang))
            for c, g, r, n, e in zip(names, ages, table["retention"], table["active"],
                                     table["eligible"], strict=True)]
    links = _cohort_links(a, table[key].to_list(), aid)
    frame = _with(_with(table, "tip", tips), "url", links)
    first = table.filter(pl.col("age") == 1)["retention"].mean()
    described = _w("retention_desc", lang, n=_num(table[key].n_unique(), lang),
                   share=_pct(first if isinstance(first, float) else None, lang),
                   age=_ages(a, [1], lang)[0])
    encode: dict[str, Any] = {"href": "url:N"} if any(links) else {}
    return svg(alt.Chart(_data(frame)).mark_rect().encode(
        x=alt.X("age:O", title=age or _age_title(a, lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(_cohort(a), title=_cohort_title(a, lang)),
        color=alt.Color("retention:Q", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format="%"), title=_w("share_active", lang)),
        description="tip:N", **encode,
    ).properties(width=WIDTH, height=HEIGHT + 60, description=described), lang)


def cumulative_curves(a: Analysis, names: dict[str, str], lang: str = "en",
                      age: str | None = None, amount: str | None = None) -> str:
    """Cumulative revenue per customer of every third cohort: observed
    (``names["historical"]``), then predicted (``names["predicted"]``); ``amount`` is the
    currency's symbol, written in the vertical axis's title."""
    key = a.cohorts.by
    table = a.cohorts.table
    keep = table[key].unique().sort()
    keep = keep.gather(list(range(0, keep.len(), max(1, keep.len() // 6))))
    table = table.filter(pl.col(key).is_in(keep.implode()))
    parts = [table.select(key, "age", pl.col("cumulative_revenue_per_customer").alias("v"))
             .with_columns(pl.lit(names["historical"]).alias("figure"))]
    if "predicted_cumulative_revenue_per_customer" in table.columns:
        parts.append(table.select(key, "age", pl.col(
            "predicted_cumulative_revenue_per_customer").alias("v")).with_columns(
            pl.lit(names["predicted"]).alias("figure")))
    frame = pl.concat(parts).drop_nulls("v")
    cohorts = _cohort_names(a, frame[key].to_list(), lang)
    frame = _with(frame, "tip", [
        _w("curves_point", lang, cohort=c, age=g, value=_money(v, a, lang), figure=f)
        for c, g, v, f in zip(cohorts, _ages(a, frame["age"].to_list(), lang), frame["v"],
                              frame["figure"], strict=True)])
    frame = _with(frame, "cohort_name", cohorts)
    title = in_unit(_w("curves_y", lang), amount)
    base = alt.Chart(_data(frame)).encode(
        x=alt.X("age:Q", title=age or _age_title(a, lang)), y=alt.Y("v:Q", title=title),
        color=alt.Color(_cohort(a).replace(":O", ":N"), title=_cohort_title(a, lang),
                        legend=alt.Legend(titleLimit=320)))
    lines = base.mark_line().encode(strokeDash=alt.StrokeDash("figure:N", title=None),
                                    description="cohort_name:N")
    dots = base.mark_point(filled=True, size=18).encode(
        color=alt.Color(_cohort(a).replace(":O", ":N"), legend=None), description="tip:N")
    described = _w("curves_desc", lang, n=_num(keep.len(), lang), observed=names["historical"],
                   predicted=names["predicted"])
    return svg((lines + dots).properties(width=WIDTH, height=HEIGHT, description=described),
               lang)


# ---- channels, segments, tiers -------------------------------------------------------------


def channels(a: Analysis, names: dict[str, str], lang: str = "en",
             title: str | None = None, aid: int | None = None) -> str | None:
    """Each paid channel's LTV of a new customer (``names["ltv"]``) and CAC, side by side;
    ``title`` is the currency's symbol, written in the axis's title. With ``aid``, each bar
    links to the customers the channel acquired."""
    if a.channels is None:
        return None
    t = a.channels.channels.filter(pl.col("cac").is_not_null())
    if t.height == 0:
        return None
    cac = measures.label("cac", lang)
    frame = pl.concat([
        t.select("channel", pl.col("ltv").alias("v"), pl.lit(names["ltv"]).alias("figure"),
                 pl.lit(measures.definition("ltv", lang, a.settings)).alias("definition")),
        t.select("channel", pl.col("cac").alias("v"), pl.lit(cac).alias("figure"),
                 pl.lit(measures.definition("cac", lang)).alias("definition"))])
    frame = _with(frame, "tip", [
        _w("channel_bar", lang, channel=c, figure=f, value=_money(v, a, lang), definition=d)
        for c, v, f, d in frame.select("channel", "v", "figure", "definition").iter_rows()])
    frame = _with(frame, "url", [_url(aid, channel=c) for c in frame["channel"]])
    best = t.filter(pl.col("ltv_cac").is_not_null()).sort("ltv_cac", descending=True) \
        if "ltv_cac" in t.columns else t.clear()
    described = _w("channels_desc", lang, n=_num(t.height, lang),
                   channel=best["channel"][0] if best.height else "-",
                   ratio=measures.ratio(best["ltv_cac"][0], lang) if best.height else "-")
    axis = in_unit(_w("per_new_customer", lang), title)
    encode: dict[str, Any] = {"href": "url:N"} if aid is not None else {}
    return svg(alt.Chart(_data(frame)).mark_bar().encode(
        y=alt.Y("channel:N", title=measures.label("channel", lang),
                sort=t["channel"].to_list()),  # the table's order
        x=alt.X("v:Q", title=axis),
        color=alt.Color("figure:N", title=None, legend=alt.Legend(orient="bottom")),
        yOffset="figure:N", description="tip:N", **encode,
    ).properties(width=WIDTH, height=HEIGHT, description=described), lang)


def _shares(frame: pl.DataFrame, key: str, shown: Sequence[str], a: Analysis, lang: str
            ) -> pl.DataFrame:
    """The rows of ``frame`` (segments or tiers, named ``shown``) as three bars each: share
    of customers, of revenue to date and of future value, each bar's tooltip with the
    count or amount behind the share."""
    figures = (("share_customers", "customers", "share_customers"),
               ("share_revenue_to_date", "revenue_to_date", "share_revenue"),
               ("share_predicted_clv", "predicted_clv", "share_future"))
    parts = []
    for share, amount, word in figures:
        if frame[share].null_count() == frame.height:  # no prediction possible: no bar
            continue
        part = frame.select(pl.col(key).alias("key"), pl.Series("name", list(shown)),
                            pl.col(share).alias("v"),
                            pl.col(amount).cast(pl.Float64).alias("amount"),
                            pl.lit(_w(word, lang)).alias("figure"))
        parts.append(part)
    out = pl.concat(parts)
    customers = _w("share_customers", lang)
    tips = [_w("share_bar", lang, name=name, figure=figure, share=_pct(v, lang),
               value=_w("customers_n", lang, n=_num(amount, lang)) if figure == customers
               else _money(amount, a, lang, 0))
            for name, v, amount, figure in out.select("name", "v", "amount", "figure")
            .iter_rows()]
    return _with(out, "tip", tips)


def _share_bars(frame: pl.DataFrame, order: list[str], title: str | None, described: str,
                linked: bool, lang: str) -> str:
    encode: dict[str, Any] = {"href": "url:N"} if linked else {}
    return svg(alt.Chart(_data(frame)).mark_bar().encode(
        y=alt.Y("name:N", title=title, sort=order),
        x=alt.X("v:Q", title=_w("share_axis", lang), axis=alt.Axis(format="%")),
        color=alt.Color("figure:N", title=None, legend=alt.Legend(orient="bottom"),
                        sort=[_w(k, lang) for k in ("share_customers", "share_revenue",
                                                    "share_future")]),
        yOffset=alt.YOffset("figure:N", sort=[_w(k, lang) for k in (
            "share_customers", "share_revenue", "share_future")]),
        description="tip:N", **encode,
    ).properties(width=WIDTH, height=HEIGHT + 40, description=described), lang)


def segments(a: Analysis, lang: str = "en", aid: int | None = None) -> str | None:
    """Each segment's share of the customers, of revenue to date and of future value; with
    ``aid``, each bar links to the segment's customers."""
    t = a.segments.segments.filter(pl.col("customers") > 0)
    if t.height == 0:
        return None
    shown = [segment_name(s, lang) for s in t["segment"]]
    frame = _shares(t, "segment", shown, a, lang)
    frame = _with(frame, "url", [_url(aid, segment=k) for k in frame["key"]])
    top = t.sort("share_predicted_clv", descending=True, nulls_last=True).row(0, named=True)
    described = _w("segments_desc", lang, n=_num(t.height, lang),
                   top=segment_name(top["segment"], lang),
                   share=_pct(top["share_predicted_clv"], lang, 0))
    return _share_bars(frame, shown, None, described, aid is not None, lang)


def tiers(a: Analysis, lang: str = "en", aid: int | None = None) -> str | None:
    """Each value tier's share of the customers, of revenue to date and of future value;
    with ``aid``, each bar links to the tier's customers."""
    t = a.segments.tiers.filter(pl.col("customers") > 0)
    if t.height == 0:
        return None
    shown = [tier_name(s, lang) for s in t["tier"]]
    frame = _shares(t, "tier", shown, a, lang)
    frame = _with(frame, "url", [_url(aid, tier=k) for k in frame["key"]])
    top10 = a.segments.concentration["predicted"].top.get(0.1)  # tiers only with it
    described = _w("tiers_desc", lang, share=_pct(top10, lang, 0))
    return _share_bars(frame, shown, None, described, aid is not None, lang)


# ---- the models ----------------------------------------------------------------------------


def tracking(a: Analysis, actual: str, lang: str = "en") -> str | None:
    """Cumulative repeat transactions per period, calibration then holdout: what happened
    (``actual``: its name; a solid dark line drawn above the others) and each model's
    prediction (dashed, in colour)."""
    if a.scorecard is None:
        return None
    t = a.scorecard.tracking
    models = [c for c in t.columns if c not in ("period", "date", "phase", "actual")]
    series = [actual, *models]
    frame = t.unpivot(index=["date", "phase"], on=["actual", *models], variable_name="series",
                      value_name="v").with_columns(
        pl.col("series").replace({"actual": actual}))
    dates = [_day(d, lang) for d in frame["date"]]
    frame = _with(frame, "tip", [
        _w("tracking_point", lang, date=d, series=s, value=_num(v, lang),
           phase=_w("holdout" if p == "holdout" else "calibration", lang))
        for d, s, v, p in zip(dates, frame["series"], frame["v"], frame["phase"],
                              strict=True)])
    split: Any = t.filter(pl.col("phase") != "calibration")["date"].min()
    unit = UNIT.get(a.scorecard.summary.unit, UNIT["week"])[lang]
    palette = alt.Scale(domain=series, range=[ACTUAL, *MODEL_COLOURS[:len(models)]])
    colour = alt.Color("series:N", title=None, sort=series, legend=alt.Legend(orient="top-left"),
                       scale=palette)
    dash = alt.StrokeDash("series:N", sort=series, title=None, scale=alt.Scale(
        domain=series, range=[[1, 0]] + [[6, 3]] * len(models)))
    unlisted = alt.Color("series:N", legend=None, scale=palette)
    x = alt.X("date:T", title=_w("tracking_x", lang, unit=unit), scale=alt.Scale(type="utc"),
              axis=_month_axis(t["date"].min(), t["date"].max()))
    y = alt.Y("v:Q", title=_w("tracking_y", lang))
    base = alt.Chart(_data(frame)).encode(x=x, y=y, color=colour)
    predicted = base.transform_filter(alt.datum.series != actual)
    happened = base.transform_filter(alt.datum.series == actual)
    lines = predicted.mark_line(strokeWidth=1.6).encode(strokeDash=dash,
                                                        description="series:N")
    dots = predicted.mark_point(filled=True, size=14, opacity=0.6).encode(
        color=unlisted, description="tip:N")
    real = happened.mark_line(strokeWidth=3).encode(strokeDash=dash, description="series:N")
    real_dots = happened.mark_point(filled=True, size=22).encode(color=unlisted,
                                                                 description="tip:N")
    layers: list[Any] = [lines, dots, real, real_dots]
    if split is not None:
        at = alt.Chart(_data(pl.DataFrame({"date": [str(split)], "label": [_w("holdout", lang)]})))
        layers += [at.mark_rule(strokeDash=[4, 4], color="#888888", aria=False).encode(
            x="date:T"), at.mark_text(align="left", dx=4, y=8, baseline="top", color="#555555",
                                      aria=False).encode(x="date:T", text="label:N")]
    last = t.row(-1, named=True)
    best = a.scorecard.models[a.scorecard.best].NAME \
        if a.scorecard.best in a.scorecard.models else (models[0] if models else actual)
    described = _w("tracking_desc", lang, actual=actual, models=", ".join(models),
                   total=_num(last["actual"], lang), best=_num(last.get(best), lang),
                   model=best)
    return svg(alt.layer(*layers).properties(width=WIDTH, height=HEIGHT,
                                             description=described), lang)


def _month_axis(first: Any, last: Any, most: int = 9) -> alt.Axis:
    """A time axis of months, each label with its year ('avr. 2024', not 'avril' then
    '2025': the first year is named too), at most about ``most`` labels: every month, or
    every 2, 3, 6 or 12 months."""
    months = 1
    if first is not None and last is not None:
        span = (last.year - first.year) * 12 + last.month - first.month + 1
        months = next((k for k in (1, 2, 3, 6, 12) if span / k <= most), 12)
    return alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": months},
                    labelOverlap=True)


def _day(value: Any, lang: str) -> str:
    return dated(value, "d MMMM y", lang)


def _alive_informative(model: PurchaseModel) -> tuple[bool, bool]:
    """Whether the model's P(alive) tells anything (not at a no-dropout limit, nor the NBD),
    and whether it does for customers with no repeat purchase (not BG/NBD, which counts them
    all alive): the rule of :mod:`clv.valuation`'s activity views."""
    from clv.models import BGNBD

    none = isinstance(model, NBD) or any(getattr(n, "key", "") == "no_dropout"
                                         for n in getattr(model, "notes_", []))
    return not none, not isinstance(model, BGNBD)


def _grid(a: Analysis, rows: int = ROWS) -> tuple[np.ndarray, np.ndarray, float]:
    """The frequencies and recencies of the matrices, and T: as lifetimes, up to the largest
    T of the summary, for a customer first seen T ago (the longest-standing one), and up to
    the frequency of the 99th percentile (a few customers far beyond would squash the rest),
    at most ``rows`` values a side."""
    f = a.summary.frame
    top_x = int(math.ceil(float(f["frequency"].quantile(0.99) or 0)))
    big_t = float(math.ceil(float(f["T"].max() or 1.0)))  # type: ignore[arg-type]
    x = np.arange(0, max(top_x, 1) + 1, max(1, math.ceil((top_x + 1) / rows)), dtype=float)
    r = np.arange(0, big_t + 1e-9, max(1, math.ceil((big_t + 1) / rows)), dtype=float)
    return x, r, big_t


def alive_grid(a: Analysis, rows: int = ROWS) -> pl.DataFrame:
    """P(alive) of the analysis's model by frequency and recency (lifetimes'
    ``conditional_probability_alive_matrix``), for a customer first seen T ago (the longest
    standing); ``informative`` is false where the model cannot tell (no repeat purchase under
    BG/NBD). A customer with no repeat purchase has recency 0: it has that cell only."""
    x, r, big_t = _grid(a, rows)
    xx, rr = (v.ravel() for v in np.meshgrid(x, r, indexing="ij"))
    keep = (xx > 0) | (rr == 0)
    xx, rr = xx[keep], rr[keep]
    tt = np.full(xx.size, big_t)
    _, zero_ok = _alive_informative(a.model)
    return pl.DataFrame({"frequency": xx, "recency": rr, "T": tt,
                         "p_alive": a.model.p_alive(xx, rr, tt),
                         "informative": (xx > 0) | zero_ok})


def _horizon(a: Analysis) -> float:
    """The settings' horizon in the model's unit (as the valuation reads it)."""
    unit = getattr(a.model, "unit_", None) or a.summary.unit
    return convert(float(a.settings.horizon), a.settings.horizon_unit, unit)


def purchases_grid(a: Analysis, rows: int = ROWS) -> pl.DataFrame:
    """Expected purchases over the settings' horizon by frequency and recency (lifetimes'
    ``conditional_expected_number_of_purchases_up_to_time`` matrix), on the cells of
    :func:`alive_grid`."""
    grid = alive_grid(a, rows)
    x, r, t = (grid[c].to_numpy() for c in ("frequency", "recency", "T"))
    return grid.select("frequency", "recency", "T").with_columns(pl.Series(
        "expected_purchases", a.model.expected_purchases(_horizon(a), x, r, t)))


def _matrix(a: Analysis, frame: pl.DataFrame, value: str, figure: str, fmt: Callable[
        [float], str], described: str, scheme: Any, legend: str, lang: str) -> str:
    unit = UNITS.get(a.summary.unit, UNITS["week"])[lang]
    tips = [_w("alive_cell", lang, x=_repeats(x, lang), r=_span(r, a.summary.unit, lang),
               T=_span(t, a.summary.unit, lang), figure=figure, value=fmt(v))
            if ok else _w("alive_unknown", lang, model=a.model.NAME)
            for x, r, t, v, ok in frame.select(
                "frequency", "recency", "T", value, "informative").iter_rows()]
    frame = _with(frame.with_columns(pl.when(pl.col("informative")).then(pl.col(value))
                                     .alias("shown"),
                                     pl.lit(_w("not_informative", lang)).alias("flag")),
                  "tip", tips)
    step_r = float(frame["recency"].unique().sort().diff().min() or 1.0)  # type: ignore[arg-type]
    step_x = float(frame["frequency"].unique().sort().diff().min() or 1.0)  # type: ignore[arg-type]
    frame = frame.with_columns((pl.col("recency") - step_r / 2).alias("r1"),
                               (pl.col("recency") + step_r / 2).alias("r2"),
                               (pl.col("frequency") - step_x / 2).alias("x1"),
                               (pl.col("frequency") + step_x / 2).alias("x2"))
    base = alt.Chart(_data(frame)).encode(
        x=alt.X("r1:Q", title=_w("recency_axis", lang, unit=unit),
                scale=alt.Scale(nice=False, zero=False), axis=alt.Axis(grid=False)),
        x2="r2:Q",
        y=alt.Y("x1:Q", title=_w("frequency_axis", lang),
                scale=alt.Scale(nice=False, zero=False), axis=alt.Axis(grid=False)),
        y2="x2:Q")
    cells = base.transform_filter("datum.informative").mark_rect().encode(
        color=alt.Color("shown:Q", scale=alt.Scale(scheme=scheme), title=legend,
                        legend=alt.Legend(format=".0%" if value == "p_alive" else ",.2~f",
                                          titleLimit=320)),
        description="tip:N")
    unknown = base.transform_filter("!datum.informative").mark_rect(
        stroke="#999999", strokeDash=[2, 2]).encode(
        color=alt.Color("flag:N", title=None, scale=alt.Scale(range=["#dddddd"])),
        description="tip:N")
    layers = [cells, unknown] if not frame["informative"].all() else [cells]
    return svg(alt.layer(*layers).properties(width=WIDTH, height=HEIGHT + 60,
                                             description=described), lang)


def alive_matrix(a: Analysis, lang: str = "en") -> str | None:
    """Heatmap of P(alive) by frequency and recency (lifetimes'
    ``plot_probability_alive_matrix``); None when the model's P(alive) tells nothing (the NBD,
    or a fit without dropout: every customer counts as alive)."""
    informative, _ = _alive_informative(a.model)
    if not informative or a.summary.frame.height == 0:
        return None
    grid = alive_grid(a)
    figure = measures.label("p_alive", lang)
    shown = grid.filter("informative")["p_alive"]
    unit = UNITS.get(a.summary.unit, UNITS["week"])[lang]
    described = _w("alive_desc", lang, model=a.model.NAME, T=_num(grid["T"][0], lang),
                   unit=unit, low=_pct(shown.min(), lang, 0),  # type: ignore[arg-type]
                   high=_pct(shown.max(), lang, 0))  # type: ignore[arg-type]
    return _matrix(a, grid, "p_alive", figure, lambda v: _pct(v, lang), described,
                   "redyellowgreen", figure, lang)


def purchases_matrix(a: Analysis, lang: str = "en") -> str | None:
    """Heatmap of the expected purchases over the horizon by frequency and recency (lifetimes'
    ``plot_frequency_recency_matrix``)."""
    if a.summary.frame.height == 0:
        return None
    grid = purchases_grid(a).with_columns(pl.lit(True).alias("informative"))
    figure = measures.label("expected_purchases", lang, a.settings)
    unit = UNITS.get(a.summary.unit, UNITS["week"])[lang]
    values = grid["expected_purchases"]
    described = _w("purchases_desc", lang, figure=figure, model=a.model.NAME,
                   T=_num(grid["T"][0], lang), unit=unit,
                   low=_num(values.min(), lang, 2),  # type: ignore[arg-type]
                   high=_num(values.max(), lang, 2))  # type: ignore[arg-type]
    return _matrix(a, grid, "expected_purchases", figure, lambda v: _num(v, lang, 2),
                   described, "viridis", figure, lang)


def calibration_frame(a: Analysis, top: int = CALIBRATION_TOP) -> pl.DataFrame | None:
    """Per calibration frequency (0 to ``top`` - 1, then ``top`` and more together): the
    customers, their mean purchases in the holdout (``actual``) and each model's prediction
    of it (E[Y(t) | x, t_x, T] over the holdout's length, mean over the same customers; one
    column per model, by name), from the scorecard's summary and models (lifetimes'
    ``plot_calibration_purchases_vs_holdout_purchases``). None without a scorecard."""
    card = a.scorecard
    if card is None or card.summary.frame.height == 0:
        return None
    f = card.summary.frame
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    duration = float(f["duration_holdout"][0])
    frame = f.select(pl.col("frequency").clip(upper_bound=top).alias("bucket"),
                     pl.col("frequency_holdout").cast(pl.Float64).alias("actual"))
    predicted = {m.NAME: m.expected_purchases(duration, x, tx, t_cap)
                 for m in card.models.values()}
    frame = frame.with_columns(pl.Series(k, v) for k, v in predicted.items())
    return frame.group_by("bucket").agg(pl.len().alias("customers"), pl.col("actual").mean(),
                                        *(pl.col(k).mean() for k in predicted)).sort("bucket")


def calibration(a: Analysis, lang: str = "en", actual: str | None = None,
                top: int = CALIBRATION_TOP) -> str | None:
    """Bars of the mean holdout purchases per calibration frequency: what happened
    (``actual``: its name; dark, first) and each model's prediction beside it."""
    frame = calibration_frame(a, top)
    if frame is None or a.scorecard is None:
        return None
    actual = actual or _w("actual", lang)
    models = [c for c in frame.columns if c not in ("bucket", "customers", "actual")]
    series = [actual, *models]
    long = frame.rename({"actual": actual}).unpivot(
        index=["bucket", "customers"], on=series, variable_name="series", value_name="v")
    label = [f"{_num(b, lang)}+" if b >= top else _num(b, lang) for b in long["bucket"]]
    long = _with(_with(long, "x", label), "tip", [
        _w("calibration_bar", lang, n=_num(n, lang), x=x, series=s, value=_num(v, lang, 2))
        for n, x, s, v in zip(long["customers"], label, long["series"], long["v"],
                              strict=True)])
    order = [f"{_num(b, lang)}+" if b >= top else _num(b, lang) for b in frame["bucket"]]
    card = a.scorecard
    length = float(card.summary.frame["duration_holdout"][0])
    unit = card.summary.unit
    span = f"{_num(length, lang, 1 if length % 1 else 0)} " \
           f"{UNITS.get(unit, UNITS['week'])[lang]}"
    described = _w("calibration_desc", lang, actual=actual, models=", ".join(models))
    return svg(alt.Chart(_data(long)).mark_bar().encode(
        x=alt.X("x:N", sort=order, title=_w("calibration_x", lang),
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=series),
        y=alt.Y("v:Q", title=_w("calibration_y", lang, span=span)),
        color=alt.Color("series:N", sort=series, title=None,
                        legend=alt.Legend(orient="top-left"),
                        scale=alt.Scale(domain=series,
                                        range=[ACTUAL, *MODEL_COLOURS[:len(models)]])),
        description="tip:N",
    ).properties(width=WIDTH, height=HEIGHT, description=described), lang)


# ---- the history of analyses ---------------------------------------------------------------


HISTORY = {"historical_ltv": "historical_ltv", "predicted_clv": "predicted_clv",
           "blended_cac": "blended_cac", "ltv_cac": "blended_ltv_cac",
           "churn_share": "churn_share", "repeat_rate": "repeat_rate"}
"""The KPIs the history chart follows, with the measure that names them."""
SHARES = ("churn_share", "repeat_rate")
RATIOS = ("ltv_cac",)


def history(frame: pl.DataFrame, lang: str = "en") -> str | None:
    """How the tracked KPIs moved from one saved analysis to the next (``Store.history``):
    one small chart per KPI, one point per analysis ('#3 30 Nov 2026', oldest first), a line
    per data source (analyses of two shops are not one trend); amounts in the analyses'
    currency when they share one."""
    present = [k for k in HISTORY if k in frame.columns and frame[k].drop_nulls().len()]
    if frame.height < 2 or not present:
        return None
    labelled = _with(frame, "analysis", [  # '#3 30 Nov 2026': the dates of the language
        f"#{i} {dated(c, 'd MMM y', lang)}"
        for i, c in frame.select("id", "created_at").iter_rows()])
    if "source" not in labelled.columns:
        labelled = labelled.with_columns(pl.lit("").alias("source"))
    labelled = labelled.with_columns(pl.col("source").fill_null(""))
    order = labelled["analysis"].to_list()
    currencies = labelled["currency"].drop_nulls().unique() \
        if "currency" in labelled.columns else pl.Series([], dtype=pl.String)
    currency = currencies[0] if currencies.len() == 1 else None
    several = labelled["source"].n_unique() > 1
    small = []
    for k in present:
        name = measures.label(HISTORY[k], lang)

        def shown(v: float, k: str = k) -> str:
            if k in SHARES:
                return _pct(v, lang)
            if k in RATIOS:
                return measures.ratio(v, lang)
            return measures.money(v, currency, lang) or _num(v, lang, 2)

        part = labelled.select("id", "created_at", "source", "analysis",
                               pl.col(k).alias("v")).drop_nulls("v")
        part = _with(part, "tip", [
            _w("history_point", lang, id=i, date=_day(c, lang), source=s or "-",
               figure=name, value=shown(v))
            for i, c, s, v in part.select("id", "created_at", "source", "v").iter_rows()])
        encode: dict[str, Any] = {"color": alt.Color("source:N", title=None, legend=alt.Legend(
            orient="bottom"))} if several else {}
        small.append(alt.Chart(_data(part)).mark_line(point=True).encode(
            x=alt.X("analysis:O", title=_w("history_x", lang), sort=order),
            y=alt.Y("v:Q", title=None, scale=alt.Scale(zero=False),
                    axis=alt.Axis(format="%" if k in SHARES else ",.4~g")),
            description="tip:N", **encode)
            .properties(width=230, height=110, title=name if k in SHARES or k in RATIOS
                        else in_unit(name, measures.symbol(currency, lang) or None)))
    described = _w("history_desc", lang, n=_num(len(present), lang),
                   k=_num(frame.height, lang))
    return svg(alt.concat(*small, columns=3).properties(description=described), lang)
