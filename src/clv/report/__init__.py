"""The self-contained HTML report of an :class:`clv.pipeline.Analysis`.

One file: styles and charts (inline SVG rendered on this machine) are inside it; it makes no
request and opens offline; it prints to PDF as shown. Text in English or French, numbers and
dates formatted for the language. Every value from the data (customer ids, product and channel
names) goes through Jinja2's autoescaping, so names containing HTML show as text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from clv.errors import ClvError
from clv.pipeline import Analysis
from clv.report import charts
from clv.report.text import LANGS, date, number, percent, word

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
            n=number(row["customers"], lang), segment=row["segment"],
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
    return {"head": list(columns.values()), "body": body}


def render(a: Analysis, lang: str = "en") -> str:
    """The report of ``a`` as one HTML document."""
    if lang not in LANGS:
        raise ClvError(f"lang must be one of {', '.join(LANGS)}, not '{lang}'")
    k = a.kpis
    names = {"historical": word("historical", lang), "predicted": word("predicted", lang),
             "ltv": "LTV"}
    figures = [
        (word("customers", lang), number(k["customers"], lang)),
        (word("revenue", lang), number(k["revenue"], lang)),
        (word("hist_ltv", lang), number(k["historical_ltv"], lang, 2)),
        (word("pred_clv", lang), number(k["predicted_clv"], lang, 2)),
        (word("pred_total", lang), f"{number(k['predicted_clv_total'], lang)} "
         f"({word('interval', lang)} {percent(a.settings.level, lang, 0)}: "
         f"{number(k['predicted_clv_total_lower'], lang)} - "
         f"{number(k['predicted_clv_total_upper'], lang)})"),
        (word("repeat", lang), percent(k["repeat_rate"], lang)),
        (word("active", lang), percent(k["active_share"], lang)),
        (word("margin", lang), percent(a.settings.margin, lang, 0)),
        (word("new_ltv", lang), number(k["new_customer_ltv"], lang, 2)),
    ]
    if "ltv_cac" in k:
        figures.append((word("ltv_cac", lang), f"{number(k['ltv_cac'], lang, 2)}x"))
    channel_table = None
    if a.channels is not None:
        channel_table = table(a.channels.channels, {
            "channel": "channel", "new_customers": word("customers", lang), "cac": "CAC",
            "historical_ltv_12m": f"LTV 12 {word('months', lang)} ({names['historical']})",
            "predicted_ltv": f"LTV ({names['predicted']})", "ltv_cac": "LTV:CAC",
            "verdict": "verdict", "payback_months": f"payback ({names['historical']})",
            "predicted_payback_months": f"payback ({names['predicted']})"}, lang)
    seg_table = table(a.segments.segments.drop_nulls("share_customers"), {
        "segment": "segment", "customers": word("customers", lang),
        "share_customers": "%", "mean_revenue_to_date": names["historical"],
        "mean_predicted_clv": names["predicted"], "mean_p_alive": "P(alive)"}, lang,
        percents=("share_customers", "mean_p_alive"))
    tier_table = table(a.segments.tiers, {
        "tier": "tier", "customers": word("customers", lang),
        "share_revenue_to_date": names["historical"],
        "share_predicted_clv": names["predicted"]}, lang,
        percents=("share_revenue_to_date", "share_predicted_clv"))
    upsell = table(a.cross_sell.head(10), {
        "product_a": "A", "product_b": "B", "share": "%", "lift": "lift",
        "median_days": "median", "q1_days": "q1", "q3_days": "q3"}, lang,
        percents=("share",), digits={"median_days": 0, "q1_days": 0, "q3_days": 0}) \
        if a.cross_sell is not None else None
    score = table(a.scorecard.table, {
        "model": "model", "mae_transactions": "MAE", "rmse_transactions": "RMSE",
        "total_transactions_error": "Δ total", "gini_revenue": "Gini"}, lang,
        percents=("total_transactions_error",)) if a.scorecard is not None else None
    labels = {"total_clv": word("pred_total", lang), "mean_clv": word("pred_clv", lang),
              "new_customer_ltv": word("new_ltv", lang), "ltv_cac": "LTV:CAC",
              "payback_months": f"payback ({word('months', lang)})"}
    whatif = table(pl.DataFrame([
        {"figure": labels[key], "base": a.scenario.base.get(key), "scenario": val}
        for key, val in a.scenario.scenario.items() if key in labels]),
        {"figure": "", "base": "base", "scenario": word("whatif", lang)}, lang)
    top = table(a.value.sort("clv", descending=True).head(20), {
        "customer_id": "id", "p_alive": "P(alive)", "expected_purchases": "E[purchases]",
        "clv": "CLV", "clv_lower": f"{word('interval', lang)} -",
        "clv_upper": f"{word('interval', lang)} +"}, lang, percents=("p_alive",))
    issues = a.transactions.issues
    quality = {
        "line": f"{number(issues.rows_read, lang)} {word('rows_read', lang)}, "
                f"{number(issues.rows_kept, lang)} {word('rows_kept', lang)}, "
                f"{number(issues.rows_excluded, lang)} {word('rows_excluded', lang)}",
        "table": table(pl.DataFrame([{"reason": e.reason, "rows": e.count, "amount": e.amount}
                                     for e in issues.exclusions],
                                    schema={"reason": pl.String, "rows": pl.Int64,
                                            "amount": pl.Float64}),
                       {"reason": word("reason", lang), "rows": word("rows", lang),
                        "amount": word("amount", lang)}, lang),
        "notes": list(issues.notes) + list(a.notes)}
    return _ENV.get_template("report.html.j2").render(
        lang=lang, w=lambda key: word(key, lang),
        generated=date(dt.date.today(), lang),
        data_end=date(a.summary.observation_end, lang),
        figures=figures, actions=actions(a, lang), model=a.model.NAME,
        gini=number(a.segments.concentration["predicted"].gini, lang, 2),
        top10=percent(a.segments.concentration["predicted"].top[0.1], lang, 0),
        chart_distribution=charts.distribution(a, "CLV"),
        chart_lorenz=charts.lorenz(a, names),
        chart_heatmap=charts.retention_heatmap(a),
        chart_curves=charts.cumulative_curves(a, names),
        chart_channels=charts.channels(a, names),
        chart_tracking=charts.tracking(a, "actual"),
        channels=channel_table, segments=seg_table, tiers=tier_table, upsell=upsell,
        scorecard=score, whatif=whatif, top=top, quality=quality,
        basis=a.segments.basis)


def write(a: Analysis, path: str | Path, lang: str = "en") -> Path:
    """Write the report of ``a`` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(render(a, lang), encoding="utf-8")
    return target
