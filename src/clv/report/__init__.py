"""The self-contained HTML report of an :class:`clv.pipeline.Analysis`.

One file: styles and charts (inline SVG rendered on this machine) are inside it; it makes no
request and opens offline; it prints to PDF as shown. Text in English or French, numbers and
dates formatted for the language. Every value from the data (customer ids, product and channel
names) goes through Jinja2's autoescaping, so names containing HTML show as text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from clv.errors import ClvError
from clv.pipeline import Analysis
from clv.report import charts
from clv.report.text import (
    LANGS,
    SEGMENT_NAMES,
    VERDICTS,
    date,
    note,
    number,
    percent,
    reason,
    segment_name,
    tier,
    verdict,
    word,
)
from clv.scenarios import Levers

__all__ = ["LANGS", "actions", "render", "table", "write"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("clv.report", "templates"),
    autoescape=jinja2.select_autoescape(("html", "j2"), default=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def actions(a: Analysis, lang: str) -> list[str]:
    """The three most valuable actions, in plain words, from the analysis's own figures: the
    strongest lever, the channel where the next euro pays best, the valuable customers who
    are lapsing, the best cross-sell window."""
    out: list[str] = []
    lever = a.sensitivity.filter(pl.col("lever").is_in(["retention", "frequency", "basket"])
                                 ).row(0, named=True)
    out.append(word("act_lever", lang).format(
        lever=word(lever["lever"], lang), pct=percent(lever["total_pct_per_pct"] / 100, lang,
                                                       2)))
    if a.channels is not None and a.channels.next_euro.height:
        best = a.channels.next_euro.row(0, named=True)
        out.append(word("act_channel", lang).format(
            channel=best["channel"], ratio=f"{number(best['return_per_euro'], lang, 1)}x",
            headroom=number(best["cac_headroom"], lang, 2)))
    seg = a.segments.segments.filter(pl.col("segment").is_in(["cannot_lose", "at_risk"])
                                     & (pl.col("customers") > 0)).sort(
        "revenue_to_date", descending=True)
    if seg.height:
        row = seg.row(0, named=True)
        out.append(word("act_winback", lang).format(
            n=number(row["customers"], lang), segment=segment_name(row["segment"], lang),
            revenue=number(row["revenue_to_date"], lang)))
    if a.cross_sell is not None and a.cross_sell.height:
        pair = a.cross_sell.row(0, named=True)
        out.append(word("act_upsell", lang).format(
            a=pair["product_a"], b=pair["product_b"], q1=number(pair["q1_days"], lang),
            q3=number(pair["q3_days"], lang), share=percent(pair["share"], lang, 0)))
    return out[:3]


def table(frame: pl.DataFrame, columns: dict[str, str], lang: str,
          percents: tuple[str, ...] = (), digits: dict[str, int] | None = None
          ) -> dict[str, Any]:
    """A table for the template: headers and formatted cells (escaped by the template)."""
    digits = digits or {}
    body = []
    for row in frame.select(list(columns)).iter_rows(named=True):
        cells = []
        for key, value in row.items():
            if key in percents:
                cells.append(percent(value, lang))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(number(value, lang, digits.get(key, 2 if isinstance(value, float)
                                                            else 0)))
            elif isinstance(value, dt.date):
                cells.append(date(value, lang))
            else:
                cells.append("-" if value is None else str(value))
        body.append(cells)
    numeric = [frame.schema[c].is_numeric() or c in percents for c in columns]
    return {"head": list(columns.values()), "body": body, "numeric": numeric}


def _lever(name: str, lang: str) -> str:
    return word("margin_lever" if name == "margin" else name, lang)


def _levers(levers: Levers, lang: str) -> str:
    """'retention +5%, basket +2%' in the language."""
    moved = [f"{_lever(k, lang)} "
             f"{'+' if v > 0 else ''}{percent(v, lang, 0)}"
             for k, v in asdict(levers).items() if v]
    return ", ".join(moved) or "-"


def render(a: Analysis, lang: str = "en") -> str:
    """The report of ``a`` as one HTML document."""
    if lang not in LANGS:
        raise ClvError(f"lang must be one of {', '.join(LANGS)}, not '{lang}'")
    w = lambda key: word(key, lang)  # noqa: E731
    k = a.kpis
    names = {"historical": w("historical"), "predicted": w("predicted"), "ltv": "LTV"}
    figures = [
        (w("customers"), number(k["customers"], lang)),
        (w("revenue"), number(k["revenue"], lang)),
        (w("hist_ltv"), number(k["historical_ltv"], lang, 2)),
        (w("pred_clv"), number(k["predicted_clv"], lang, 2)),
        (w("pred_total"), f"{number(k['predicted_clv_total'], lang)} "
         f"({w('interval')} {percent(a.settings.level, lang, 0)}{w('colon')}"
         f"{number(k['predicted_clv_total_lower'], lang)} - "
         f"{number(k['predicted_clv_total_upper'], lang)})"),
        (w("repeat"), percent(k["repeat_rate"], lang)),
        (w("active"), percent(k["active_share"], lang)),
        (w("churn"), percent(k["churn_share"], lang)),
        (w("margin"), percent(a.settings.margin, lang, 0)),
        (w("new_ltv"), number(k["new_customer_ltv"], lang, 2)),
    ]
    if "ltv_cac" in k:
        figures.append((w("ltv_cac"), f"{number(k['ltv_cac'], lang, 2)}x"))
    payback = w("payback")
    channel_table = channel_summary = None
    if a.channels is not None:
        ch = a.channels.channels.with_columns(
            pl.col("verdict").replace({v: verdict(v, lang) for v in VERDICTS}))
        channel_table = table(ch, {
            "channel": w("channel"), "new_customers": w("customers"), "cac": "CAC",
            "historical_ltv_12m": f"LTV 12 {w('months')} ({names['historical']})",
            "predicted_ltv": f"LTV ({names['predicted']})", "ltv_cac": "LTV:CAC",
            "verdict": w("verdict"), "payback_months": f"{payback} ({names['historical']})",
            "predicted_payback_months": f"{payback} ({names['predicted']})",
            "max_cac": w("max_cac")}, lang)
        channel_summary = table(ch, {
            "channel": w("channel"), "ltv_cac": "LTV:CAC", "verdict": w("verdict"),
            "predicted_payback_months": payback}, lang)
    segs = a.segments.segments.drop_nulls("share_customers").with_columns(
        pl.col("segment").replace({v: segment_name(v, lang) for v in SEGMENT_NAMES}))
    seg_table = table(segs, {
        "segment": w("segment"), "customers": w("customers"),
        "share_customers": "%", "mean_revenue_to_date": names["historical"],
        "mean_predicted_clv": names["predicted"], "mean_p_alive": w("p_alive")}, lang,
        percents=("share_customers", "mean_p_alive"))
    tier_table = table(a.segments.tiers.with_columns(
        pl.col("tier").replace({v: tier(v, lang) for v in a.segments.tiers["tier"]})), {
        "tier": w("tier"), "customers": w("customers"),
        "share_revenue_to_date": names["historical"],
        "share_predicted_clv": names["predicted"]}, lang,
        percents=("share_revenue_to_date", "share_predicted_clv"))
    upsell = table(a.cross_sell.head(10), {
        "product_a": w("first_product"), "product_b": w("then"), "share": w("share"),
        "lift": w("lift"), "q1_days": w("q1"), "median_days": w("median"),
        "q3_days": w("q3")}, lang,
        percents=("share",), digits={"median_days": 0, "q1_days": 0, "q3_days": 0}) \
        if a.cross_sell is not None else None
    score = table(a.scorecard.table, {
        "model": w("model"), "mae_transactions": "MAE", "rmse_transactions": "RMSE",
        "total_transactions_error": w("total_error"), "gini_revenue": "Gini"}, lang,
        percents=("total_transactions_error",)) if a.scorecard is not None else None
    labels = {"total_clv": w("pred_total"), "mean_clv": w("pred_clv"),
              "new_customer_ltv": w("new_ltv"), "ltv_cac": "LTV:CAC",
              "payback_months": payback}
    whatif = table(pl.DataFrame([
        {"figure": labels[key], "base": a.scenario.base.get(key), "scenario": val}
        for key, val in a.scenario.scenario.items() if key in labels]),
        {"figure": "", "base": "base", "scenario": w("whatif")}, lang)
    sensitivity = table(a.sensitivity.with_columns(
        pl.col("lever").replace({v: _lever(v, lang) for v in a.sensitivity["lever"]}),
        pl.col("total_pct_per_pct", "new_ltv_pct_per_pct") / 100), {
        "lever": w("lever"), "total_pct_per_pct": w("per_pct"),
        "new_ltv_pct_per_pct": w("per_pct_new")}, lang,
        percents=("total_pct_per_pct", "new_ltv_pct_per_pct"))
    top = table(a.value.sort("clv", descending=True).head(20), {
        "customer_id": w("customer"), "p_alive": w("p_alive"),
        "expected_purchases": w("expected_purchases"),
        "clv": "CLV", "clv_lower": f"{w('interval')} -",
        "clv_upper": f"{w('interval')} +"}, lang, percents=("p_alive",))
    issues = a.transactions.issues
    quality = {
        "line": f"{number(issues.rows_read, lang)} {w('rows_read')}, "
                f"{number(issues.rows_kept, lang)} {w('rows_kept')}, "
                f"{number(issues.rows_excluded, lang)} {w('rows_excluded')}",
        "table": table(pl.DataFrame([{"reason": reason(e.reason, lang), "rows": e.count,
                                      "amount": e.amount} for e in issues.exclusions],
                                    schema={"reason": pl.String, "rows": pl.Int64,
                                            "amount": pl.Float64}),
                       {"reason": w("reason"), "rows": w("rows"), "amount": w("amount")}, lang),
        "notes": [note(n, lang) for n in [*issues.notes, *a.notes]]}
    s = a.settings
    first = a.summary.frame["first_purchase"].min() \
        if "first_purchase" in a.summary.frame.columns else None
    basis = [w("basis_hist").format(start=date(first, lang) if first else "-",
                                    end=date(a.summary.calibration_end
                                             or a.summary.observation_end, lang)),
             w("basis_pred").format(model=a.model.NAME, horizon=number(s.horizon, lang),
                                    unit=w(f"{s.horizon_unit}_unit"),
                                    margin=percent(s.margin, lang, 0),
                                    discount=percent(s.discount_rate, lang, 0))]
    age = w("age").format(unit=w(f"{a.cohorts.period}_unit"))
    return _ENV.get_template("report.html.j2").render(
        lang=lang, w=w, generated=date(dt.date.today(), lang),
        data_end=date(a.summary.observation_end, lang),
        figures=figures, actions=actions(a, lang), model=a.model.NAME,
        gini=number(a.segments.concentration["predicted"].gini, lang, 2),
        top10=percent(a.segments.concentration["predicted"].top[0.1], lang, 0),
        chart_distribution=charts.distribution(a, "CLV", lang=lang),
        chart_lorenz=charts.lorenz(a, names, lang),
        chart_heatmap=charts.retention_heatmap(a, lang, age),
        chart_curves=charts.cumulative_curves(a, names, lang, age),
        chart_channels=charts.channels(a, names, lang),
        chart_tracking=charts.tracking(a, w("actual"), lang),
        channels=channel_table, channel_summary=channel_summary, segments=seg_table,
        tiers=tier_table, upsell=upsell, scorecard=score, whatif=whatif,
        whatif_lead=w("whatif_lead").format(levers=_levers(a.scenario.levers, lang)),
        sensitivity=sensitivity, top=top, quality=quality, basis=basis)


def write(a: Analysis, path: str | Path, lang: str = "en") -> Path:
    """Write the report of ``a`` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(render(a, lang), encoding="utf-8")
    return target
