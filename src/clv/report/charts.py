"""The report's charts: Altair specifications rendered to inline SVG by vl-convert, on this
machine, so that the report needs no script and no request to open (and prints as drawn)."""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import numpy as np
import polars as pl
import vl_convert as vlc

from clv.pipeline import Analysis

WIDTH, HEIGHT = 560, 260
_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


LOCALES = {"en": "en-US", "fr": "fr-FR"}


def svg(chart: alt.TopLevelMixin, lang: str = "en") -> str:
    """Inline SVG of ``chart``, numbers and dates written for ``lang``; the renderer may
    fetch nothing (the data is inline), and the XML namespace declarations (URIs, not
    requests) are dropped, as HTML does not need them."""
    return _NAMESPACES.sub("", vlc.vegalite_to_svg(
        chart.to_dict(), format_locale=LOCALES[lang], time_format_locale=LOCALES[lang],
        allowed_base_urls=[]))


def _data(frame: pl.DataFrame) -> alt.Data:
    rows = frame.with_columns(pl.col(pl.Date, pl.Datetime).cast(pl.String)).to_dicts()
    return alt.Data(values=rows)


def distribution(a: Analysis, label: str, bins: int = 40, lang: str = "en") -> str:
    """Histogram of predicted CLV per customer up to its 99th percentile, binned here (the
    chart gets 40 counts, not one value per customer)."""
    clv = a.value["clv"].to_numpy()
    cap = float(np.quantile(clv, 0.99)) if clv.size else 0.0
    counts, edges = np.histogram(np.minimum(clv, cap), bins=bins)
    frame = pl.DataFrame({"lo": edges[:-1], "hi": edges[1:], "customers": counts})
    return svg(alt.Chart(_data(frame)).mark_bar().encode(
        x=alt.X("lo:Q", bin="binned", title=label), x2="hi:Q",
        y=alt.Y("customers:Q", title=None)).properties(width=WIDTH, height=HEIGHT), lang)


def lorenz(a: Analysis, names: dict[str, str], lang: str = "en") -> str:
    """Lorenz curves of revenue to date and of predicted value."""
    parts = [c.lorenz.with_columns(pl.lit(names[k]).alias("figure"))
             for k, c in a.segments.concentration.items()]
    frame = pl.concat(parts)
    line = alt.Chart(_data(frame)).mark_line().encode(
        x=alt.X("share_customers:Q", axis=alt.Axis(format="%"), title=None),
        y=alt.Y("share_value:Q", axis=alt.Axis(format="%"), title=None),
        color=alt.Color("figure:N", title=None))
    return svg(line.properties(width=WIDTH, height=HEIGHT), lang)


def _cohort(a: Analysis) -> str:
    """The cohort field: a month or quarter cohort is written as such ('Jan 2024')."""
    key = a.cohorts.by
    # in UTC, as the data's dates are read: local time would move them a day back west of
    # Greenwich, and a month cohort into the month before
    unit = {"month": "utcyearmonth", "quarter": "utcyearquarter"}.get(a.cohorts.period)
    dated = a.cohorts.table.schema[key] in (pl.Date, pl.Datetime)
    return f"{unit}({key}):O" if unit and dated else f"{key}:O"


def retention_heatmap(a: Analysis, lang: str = "en", age: str | None = None) -> str:
    """Share of each cohort active at each age (periods since its first purchase)."""
    table = a.cohorts.table.filter(pl.col("retention").is_not_null() & (pl.col("age") > 0))
    return svg(alt.Chart(_data(table)).mark_rect().encode(
        x=alt.X("age:O", title=age),
        y=alt.Y(_cohort(a), title=None),
        color=alt.Color("retention:Q", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format="%"), title=None),
    ).properties(width=WIDTH, height=HEIGHT + 60), lang)


def cumulative_curves(a: Analysis, names: dict[str, str], lang: str = "en",
                      age: str | None = None, amount: str | None = None) -> str:
    """Cumulative revenue per customer of every third cohort: observed, then predicted;
    ``amount`` names the vertical axis (the currency's symbol)."""
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
    return svg(alt.Chart(_data(frame)).mark_line().encode(
        x=alt.X("age:Q", title=age), y=alt.Y("v:Q", title=amount),
        color=alt.Color(_cohort(a).replace(":O", ":N"), title=None),
        strokeDash=alt.StrokeDash("figure:N", title=None),
    ).properties(width=WIDTH, height=HEIGHT), lang)


def channels(a: Analysis, names: dict[str, str], lang: str = "en",
             title: str | None = None) -> str | None:
    """Each paid channel's LTV of a new customer (``names["ltv"]``) and CAC, side by side;
    ``title`` names the axis (the currency's symbol)."""
    if a.channels is None:
        return None
    t = a.channels.channels.filter(pl.col("cac").is_not_null())
    frame = pl.concat([
        t.select("channel", pl.col("ltv").alias("v"), pl.lit(names["ltv"]).alias("figure")),
        t.select("channel", pl.col("cac").alias("v"), pl.lit("CAC").alias("figure"))])
    return svg(alt.Chart(_data(frame)).mark_bar().encode(
        y=alt.Y("channel:N", title=None, sort=t["channel"].to_list()),  # the table's order
        x=alt.X("v:Q", title=title),
        color=alt.Color("figure:N", title=None, legend=alt.Legend(orient="bottom")),
        yOffset="figure:N",
    ).properties(width=WIDTH, height=HEIGHT), lang)


def tracking(a: Analysis, actual: str, lang: str = "en") -> str | None:
    """Cumulative repeat transactions per period: actual and each model, calibration then
    holdout."""
    if a.scorecard is None:
        return None
    t = a.scorecard.tracking
    models = [c for c in t.columns if c not in ("period", "date", "phase", "actual")]
    frame = t.unpivot(index=["date", "phase"], on=["actual", *models], variable_name="series",
                      value_name="v").with_columns(
        pl.col("series").replace({"actual": actual}))
    split: Any = t.filter(pl.col("phase") != "calibration")["date"].min()
    lines = alt.Chart(_data(frame)).mark_line().encode(
        x=alt.X("date:T", title=None, scale=alt.Scale(type="utc")),
        y=alt.Y("v:Q", title=None),
        color=alt.Color("series:N", title=None))
    rule = alt.Chart(alt.Data(values=[{"date": str(split)}])).mark_rule(
        strokeDash=[4, 4]).encode(x="date:T")
    return svg((lines + rule).properties(width=WIDTH, height=HEIGHT), lang)



HISTORY = {"historical_ltv": "historical LTV per customer",
           "predicted_clv": "predicted CLV per customer", "blended_cac": "CAC (blended)",
           "ltv_cac": "LTV:CAC", "churn_share": "likely lapsed", "repeat_rate": "repeat rate"}
"""The KPIs the history chart follows, with their titles."""
SHARES = ("churn_share", "repeat_rate")


def history(frame: pl.DataFrame, lang: str = "en") -> str | None:
    """How the tracked KPIs moved from one saved analysis to the next (``Store.history``):
    one small chart per KPI, one point per analysis ('#3 2026-11-30', oldest first)."""
    present = [k for k in HISTORY if k in frame.columns and frame[k].drop_nulls().len()]
    if frame.height < 2 or not present:
        return None
    labelled = frame.with_columns(
        pl.format("#{} {}", pl.col("id"), pl.col("created_at").dt.strftime("%Y-%m-%d"))
        .alias("analysis"))
    order = labelled["analysis"].to_list()
    small = [alt.Chart(_data(labelled.select("analysis", pl.col(k).alias("v")).drop_nulls()))
             .mark_line(point=True).encode(
                 x=alt.X("analysis:O", title=None, sort=order),
                 y=alt.Y("v:Q", title=None, scale=alt.Scale(zero=False),
                         axis=alt.Axis(format="%" if k in SHARES else ",.4~g")))
             .properties(width=230, height=110, title=HISTORY[k]) for k in present]
    return svg(alt.concat(*small, columns=3), lang)
