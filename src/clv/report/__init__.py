"""The self-contained HTML report of an :class:`clv.pipeline.Analysis`.

One file: styles and charts (inline SVG rendered on this machine) are inside it; it makes no
request and opens offline; it prints to PDF as shown. Text in English or French, numbers and
dates formatted for the language. Every value from the data (customer ids, product and channel
names) goes through Jinja2's autoescaping, so names containing HTML show as text.

With a subscriptions table, a SaaS section (:mod:`clv.report.saas`, the figures of the
dashboard's SaaS page) follows the channels.

Every figure takes its label and definition from :mod:`clv.measures` (the words of every
face): its label is shown, its definition is its tooltip (``title``, and ``aria-describedby``
pointing at the same words in the section "How these figures are computed", which lists each
figure shown with the basis it was computed on). Amounts are written in the analysis's
currency by :func:`clv.measures.money`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, cast

import jinja2
import polars as pl

from clv import measures
from clv.acquisition import TARGET_RATIO
from clv.errors import ClvError
from clv.evaluate import BASELINE
from clv.formulas import ltv_cac_ratio
from clv.pipeline import Analysis
from clv.report import charts, saas
from clv.report.text import (
    LANGS,
    SEGMENT_NAMES,
    VERDICTS,
    Blank,
    actions_heading,
    blank,
    date,
    excluded_reason,
    in_unit,
    note,
    number,
    options_said,
    percent,
    plain_note,
    ratio,
    segment_name,
    table_lines,
    tier,
    verdict,
    word,
)
from clv.scenarios import Levers

__all__ = ["LANGS", "Figures", "actions", "lever_worth", "render", "table", "write"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("clv.report", "templates"),
    autoescape=jinja2.select_autoescape(("html", "j2"), default=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENV.tests["blank"] = lambda cell: isinstance(cell, Blank)

PROPORTIONAL = ("basket", "margin")
"""Levers that scale every value by construction (value = margin x spend x purchases): an
elasticity of exactly 1 says nothing about the data."""
ACTIVITY_NOTES = ("p_alive_activity", "p_alive_not_judged")
DEFAULT_STEP = 0.05
WHOLE = 0
"""The digits of a total (revenue, the future value of the base and its changes, spend, the
amounts of excluded rows): whole units, wherever it is shown; a figure per customer (CLV,
LTV, CAC, ARPA) is written to the cent. One format per kind of figure, so that the same
figure never reads '5 077 €' in one place and '5 076,86 €' in another."""


class Figures:
    """The words of the figures a report shows, from :mod:`clv.measures`, and the figures
    shown, in order, for the section that defines them."""

    def __init__(self, a: Analysis, lang: str) -> None:
        self.settings, self.lang = a.settings, lang
        self.shown: dict[str, None] = {}

    def label(self, key: str) -> str:
        self.shown.setdefault(key)
        return measures.label(key, self.lang, self.settings)

    def definition(self, key: str) -> str:
        return measures.definition(key, self.lang, self.settings)

    def tip(self, key: str) -> dict[str, str]:
        """What a header or a tile needs: the label, its definition (``title``) and the id of
        the definition in the section (``aria-describedby``)."""
        return {"label": self.label(key), "title": self.definition(key), "ref": f"def-{key}"}

    def listed(self) -> list[dict[str, str]]:
        return [{"label": self.label(k), "definition": self.definition(k), "id": f"def-{k}"}
                for k in self.shown]


def _words(lang: str) -> Callable[[str], str]:
    """``w(key)``: the report's word ``key`` in ``lang``."""
    def w(key: str) -> str:
        return word(key, lang)
    return w


def _money(value: Any, currency: str | None, lang: str, digits: int | None = None) -> str:
    """An amount in the currency, '-' when missing (the table says why)."""
    return measures.money(value, currency, lang, digits) or "-"


def _gain(value: float | None, currency: str | None, lang: str, digits: int | None = None
          ) -> str:
    """A change of value, signed: '+€443.14', '-€32.36' ('€0.00' unsigned); ``digits`` as
    the figure it changes is written (:data:`WHOLE`)."""
    return _plus(value, _money(value, currency, lang, digits))


def _plus(value: float | None, text: str) -> str:
    """``text`` (``value`` written) with a '+' when it shows a positive number, without its
    '-' when it shows zero."""
    if not any(c in "123456789" for c in text):
        return text.replace("-", "", 1)
    return f"+{text}" if value is not None and value > 0 else text


def lever_step(a: Analysis) -> float:
    """The size of the change each lever is valued at: the analysis's what-if lever when it
    moves one size up (+5% by default), else +5%."""
    moved = {v for v in asdict(a.settings.lever).values() if v > 0}
    return moved.pop() if len(moved) == 1 else DEFAULT_STEP


def lever_worth(a: Analysis) -> tuple[list[dict[str, Any]], list[str], float]:
    """What each lever moved alone by :func:`lever_step` adds to the future value of the base
    and to the LTV of a new customer (``Analysis.what_if``), most first, the discount rate
    (an assumption, not a lever) last; and the levers left out as proportional by
    construction (see :data:`PROPORTIONAL`), when ``a.sensitivity`` shows them so, and the
    margin when it is assumed at 100% (it cannot rise)."""
    step = lever_step(a)
    rows, proportional = [], []
    for row in a.sensitivity.iter_rows(named=True):
        name = row["lever"]
        if name in PROPORTIONAL and (abs(row["total_pct_per_pct"] - 1) < 1e-6
                                     and abs(row["new_ltv_pct_per_pct"] - 1) < 1e-6
                                     or name == "margin" and a.settings.margin >= 1):
            proportional.append(name)
            continue
        s = a.what_if(Levers(**{name: step}))
        base, new = s.base, s.scenario
        rows.append({"lever": name,
                     "base": new["total_clv"] - base["total_clv"],
                     "base_pct": new.get("total_change_pct"),
                     "new": new["new_customer_ltv"] - base["new_customer_ltv"],
                     "new_pct": (new["new_customer_ltv"] / base["new_customer_ltv"] - 1
                                 if base["new_customer_ltv"] else None)})
    rows.sort(key=lambda r: (r["lever"] == "discount_rate", -r["base"]))
    return rows, proportional, step


def actions(a: Analysis, lang: str,
            worth: tuple[list[dict[str, Any]], list[str], float] | None = None) -> list[str]:
    """The three most valuable actions, in plain words, from the analysis's own figures: the
    lever worth most on this data, the channel where more budget pays best, the valuable
    customers who are lapsing, the best cross-sell window. ``worth``: :func:`lever_worth`
    of ``a``, when the caller has it."""
    out: list[str] = []
    cur = a.currency
    levers, _, step = worth or lever_worth(a)
    best = next((r for r in levers if r["lever"] != "discount_rate"
                 and _gain(r["base"], cur, lang).startswith("+")), None)
    if best is not None:
        out.append(word("act_lever", lang).format(
            lever=_lever(best["lever"], lang), step=percent(step, lang, 0),
            base=_money(best["base"], cur, lang, WHOLE), new=_money(best["new"], cur, lang),
            horizon=measures.horizon_words(a.settings.horizon, a.settings.horizon_unit,
                                           lang)))
    best_channel = (a.channels.next_euro.filter(
        (pl.col("return_per_spend") >= TARGET_RATIO) & (pl.col("cac_headroom") > 0))
        if a.channels is not None else None)
    if best_channel is not None and best_channel.height:  # only a channel worth more spend
        top = best_channel.row(0, named=True)
        out.append(word("act_channel", lang).format(
            channel=top["channel"], ratio=ratio(top["return_per_spend"], lang),
            headroom=_money(top["cac_headroom"], cur, lang)))
    seg = a.segments.segments.filter(pl.col("segment").is_in(["cannot_lose", "at_risk"])
                                     & (pl.col("customers") > 0)).sort(
        "revenue_to_date", descending=True)
    if seg.height:
        row = seg.row(0, named=True)
        out.append(word("act_winback", lang).format(
            n=number(row["customers"], lang), segment=segment_name(row["segment"], lang),
            revenue=_money(row["revenue_to_date"], cur, lang, WHOLE)))
    if a.cross_sell is not None and a.cross_sell.height:
        pair = a.cross_sell.row(0, named=True)
        out.append(word("act_upsell", lang).format(
            a=pair["product_a"], b=pair["product_b"], q1=number(pair["q1_days"], lang),
            q3=number(pair["q3_days"], lang), share=percent(pair["share"], lang, 0)))
    return out[:3]


def table(frame: pl.DataFrame, columns: dict[str, str], lang: str,
          percents: tuple[str, ...] = (), digits: dict[str, int] | None = None, *,
          money: tuple[str, ...] = (), currency: str | None = None,
          ratios: tuple[str, ...] = (), tips: dict[str, dict[str, str]] | None = None
          ) -> dict[str, Any]:
    """A table for the template: headers and formatted cells (escaped by the template).

    ``money`` columns are amounts in ``currency``, ``ratios`` are written '3.25x'; ``tips``
    gives a column's header its definition (``Figures.tip``)."""
    digits = digits or {}
    tips = tips or {}
    body = []
    for row in frame.select(list(columns)).iter_rows(named=True):
        cells = []
        for key, value in row.items():
            if key in percents:
                cells.append(percent(value, lang))
            elif key in money:
                cells.append(_money(value, currency, lang, digits.get(key)))
            elif key in ratios:
                cells.append(ratio(value, lang))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(number(value, lang, digits.get(key, 2 if isinstance(value, float)
                                                            else 0)))
            elif isinstance(value, dt.date):
                cells.append(date(value, lang))
            else:
                cells.append("-" if value is None else str(value))
        body.append(cells)
    numeric = [frame.schema[c].is_numeric() or c in percents for c in columns]
    return {"head": [_capital(h) for h in columns.values()], "body": body, "numeric": numeric,
            "tips": [tips.get(c) for c in columns], "foot": None}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lever(name: str, lang: str) -> str:
    return word("margin_lever" if name == "margin" else name, lang)


def _levers(levers: Levers, lang: str) -> str:
    """'retention +5%, basket +2%' in the language."""
    moved = [f"{_lever(k, lang)} "
             f"{'+' if v > 0 else ''}{percent(v, lang, 0)}"
             for k, v in asdict(levers).items() if v]
    return ", ".join(moved) or "-"


def _table_read(report: Any, lang: str, currency: str | None) -> dict[str, Any]:
    """How a spend, customers or subscriptions table was read, for the data section:
    :func:`clv.report.text.table_lines` with its reasons as a table."""
    said = table_lines(report, lang, currency)
    reasons = pl.DataFrame([{"reason": why, "rows": n} for why, n in said["reasons"]],
                           schema={"reason": pl.String, "rows": pl.Int64})
    w = _words(lang)
    return said | {"table": table(reasons, {"reason": w("reason"), "rows": w("rows")}, lang)
                   | {"wrap": True}}


def _activity(a: Analysis, lang: str) -> str:
    """Which model gives the P(alive) of the segment and activity views (see
    ``clv.valuation``), in words."""
    said = [note(n, lang, a.currency).rstrip(".") + "." for n in a.notes
            if getattr(n, "key", None) in ACTIVITY_NOTES]
    return " ".join(said) or word("p_alive_of", lang).format(model=a.model.NAME)


def _headline(a: Analysis, f: Figures, lang: str) -> list[dict[str, str]]:
    """The summary's tiles: each figure's label, value, definition and a line under it."""
    k, cur, w = a.kpis, a.currency, _words(lang)

    def tile(key: str, value: str, sub: str = "", kpi: str | None = None) -> dict[str, str]:
        return {**f.tip(key), "value": value, "sub": sub, "kpi": kpi or key}

    level = percent(a.settings.level, lang, 0)
    tiles = [
        tile("customers", number(k["customers"], lang)),
        tile("revenue", _money(k["revenue"], cur, lang, WHOLE)),
        tile("historical_ltv", _money(k["historical_ltv"], cur, lang)),
        tile("margin_to_date", _money(k["margin_to_date"], cur, lang)),
        tile("predicted_clv", _money(k["predicted_clv"], cur, lang)),
        tile("predicted_clv_total", _money(k["predicted_clv_total"], cur, lang, WHOLE),
             f"{w('interval_of').format(level=level)}{w('colon')}"
             f"{_money(k['predicted_clv_total_lower'], cur, lang, WHOLE)} – "
             f"{_money(k['predicted_clv_total_upper'], cur, lang, WHOLE)}"),
        tile("lifetime_value", _money(k["lifetime_value"], cur, lang)),
        tile("new_customer_ltv", _money(k["new_customer_ltv"], cur, lang)),
    ]
    if k.get("no_prediction"):  # the figures of the future are not given: say why
        for t in tiles[4:]:
            t.update(value="–", sub=w("no_prediction"))
    if k.get("no_dropout"):  # the lifetime figures are a perpetuity: said by them
        for t in tiles[6:]:
            t.update(sub=w("no_dropout"))
    if k.get("blended_cac") is not None:
        tiles.append(tile("blended_cac", _money(k["blended_cac"], cur, lang)))
    if k.get("ltv_cac") is not None:
        tiles.append(tile("blended_ltv_cac", ratio(k["ltv_cac"], lang), kpi="ltv_cac"))
        if k.get("no_dropout"):
            tiles[-1].update(sub=w("no_dropout"))
    tiles.append(tile("repeat_rate", percent(k["repeat_rate"], lang)))
    judged = "" if not k.get("not_judged") else w("not_judged").format(
        n=number(k["not_judged"], lang))
    active = k.get("active_share")  # likely lost is the rest of the customers judged
    tiles.append(tile("active_share", percent(active, lang) if active is not None else "–",
                      judged if active is not None else w("none_judged")))
    return tiles


def _channels(a: Analysis, f: Figures, lang: str) -> tuple[Any, Any, dict[str, str]]:
    """The channel table and its summary, each with the channels together (blended) as the
    last row, and the months of the spend table."""
    acq, cur, w = a.channels, a.currency, _words(lang)
    assert acq is not None
    ch = acq.channels.with_columns(
        pl.col("verdict").replace({v: verdict(v, lang) for v in VERDICTS}),
        _channel_names(pl.col("channel"), lang))
    keys = ("new_customers", "spend", "cac", "ltv", "ltv_cac", "verdict", "payback_months",
            "predicted_payback_months", "max_cac")
    tips = {key: f.tip(key) for key in keys}
    heads = {key: tips[key]["label"] for key in keys}
    money = ("spend", "cac", "ltv", "max_cac")
    full = table(ch, {"channel": w("channel"), **heads}, lang, money=money, currency=cur,
                 ratios=("ltv_cac",), tips=tips, digits={"spend": WHOLE})
    new, spend = int(ch["new_customers"].sum()), float(ch["spend"].sum())
    blended_ltv, blended_cac = acq.blended_ltv, acq.blended_cac
    verdict_all = (ltv_cac_ratio(max(blended_ltv, 0.0), blended_cac).level
                   if blended_ltv is not None and blended_cac else None)
    together = {"channel": w("all_channels"), "new_customers": number(new, lang),
                "spend": _money(spend, cur, lang, WHOLE),
                "cac": _money(blended_cac, cur, lang),
                "ltv": _money(blended_ltv, cur, lang),
                "ltv_cac": ratio(acq.blended_ltv_cac, lang),
                "verdict": verdict(verdict_all, lang)}
    per_channel = blank("blank_per_channel", lang)
    full["foot"] = [together.get(key, per_channel) for key in ["channel", *keys]]
    short_keys = ("ltv_cac", "verdict", "predicted_payback_months")
    short = table(ch, {"channel": w("channel"), **{key: heads[key] for key in short_keys}},
                  lang, ratios=("ltv_cac",), tips={key: tips[key] for key in short_keys})
    short["foot"] = [together.get(key, per_channel)
                     for key in ["channel", *short_keys]]
    for shown in (full, short):
        _channel_blanks(shown, ch, ["channel", *keys] if shown is full
                        else ["channel", *short_keys], lang)
    months = acq.by_month["month"]
    span = {"start": _month(months.min(), lang), "end": _month(months.max(), lang)}
    return full, short, span


def _channel_names(channel: pl.Expr, lang: str) -> pl.Expr:
    """Channel names as the report shows them: the customers without a channel
    (:data:`clv.acquisition.UNKNOWN`) under words of the report's language."""
    from clv.acquisition import UNKNOWN

    return channel.replace({UNKNOWN: word("channel_unknown", lang)})


def _channel_blanks(shown: dict[str, Any], ch: pl.DataFrame, keys: list[str],
                    lang: str) -> None:
    """Each blank cell of a channel table (``shown``, of the rows of ``ch`` and the columns
    ``keys``) with its reason (see ``clv.acquisition``): a channel without spend has no CAC,
    hence no LTV:CAC, verdict or payback; one without new customers no CAC and no LTV of a
    new customer; a payback not reached within the curve is not paid back yet."""
    for cells, row in zip(shown["body"], ch.iter_rows(named=True), strict=True):
        for i, key in enumerate(keys):
            if row.get(key) is not None or key == "channel":
                continue
            if not row["new_customers"] and key in ("cac", "ltv", "ltv_cac", "verdict",
                                                   "max_cac"):
                cells[i] = blank("blank_no_new", lang)
            elif not row["spend"] and key in ("cac", "ltv_cac", "verdict", "payback_months",
                                              "predicted_payback_months"):
                cells[i] = blank("blank_no_spend", lang)
            elif key in ("payback_months", "predicted_payback_months"):
                observed = key == "payback_months"
                cells[i] = Blank(word("blank_not_paid_back" if observed
                                      else "blank_beyond_curve", lang),
                                 word("blank_not_paid_back_why" if observed
                                      else "blank_not_paid_back_model", lang))


def _left_out(a: Analysis, lang: str) -> list[str]:
    """The channels the chart of LTV and CAC leaves out (it draws the channels with a CAC),
    each reason in a sentence: no spend recorded, no new customer."""
    if a.channels is None:
        return []
    ch = a.channels.channels.filter(pl.col("cac").is_null())
    out = []
    for why, rows in (("blank_no_new", ch.filter(pl.col("new_customers") == 0)),
                      ("blank_no_spend", ch.filter(pl.col("new_customers") > 0))):
        if rows.height:
            key = "chart_left_out_one" if rows.height == 1 else "chart_left_out"
            names = rows.select(_channel_names(pl.col("channel"), lang)).to_series()
            out.append(word(key, lang).format(reason=word(why, lang),
                                              channels=", ".join(names)))
    return out


def _month(value: Any, lang: str) -> str:
    """A month of the spend table: 'January 2024' / 'janvier 2024'."""
    if value is None:
        return "-"
    return " ".join(date(value, lang).split(" ")[1:])


def _lever_table(a: Analysis, lang: str,
                 worth: tuple[list[dict[str, Any]], list[str], float]) -> dict[str, Any]:
    rows, proportional, step = worth
    cur, w = a.currency, _words(lang)
    horizon = measures.horizon_words(a.settings.horizon, a.settings.horizon_unit, lang)
    shown_step = percent(step, lang, 0)
    body = []
    for i, r in enumerate(rows, start=1):
        name = _lever(r["lever"], lang)
        if r["lever"] == "discount_rate":
            name = w("assumption").format(lever=name)
        body.append([str(i), _capital(name),
                     f"{_gain(r['base'], cur, lang, WHOLE)} ({_signed(r['base_pct'], lang)})",
                     f"{_gain(r['new'], cur, lang)} ({_signed(r['new_pct'], lang)})"])
    said = ""
    if proportional:
        names = w("and").join(_lever(p, lang) for p in proportional)
        said = w("proportional").format(levers=_capital(names), step=shown_step)
        if "margin" in proportional and a.settings.margin >= 1:
            said += " " + w("margin_full")
    return {"head": [_capital(w("rank")), _capital(w("lever")),
                     w("lever_base").format(step=shown_step, horizon=horizon),
                     w("lever_new").format(step=shown_step)],
            "body": body, "numeric": [True, False, True, True], "tips": [None] * 4,
            "foot": None, "wrap": True, "lead": w("levers_lead").format(step=shown_step),
            "proportional": said}


def _signed(value: float | None, lang: str) -> str:
    return _plus(value, percent(value, lang, 2))


def _whatif(a: Analysis, f: Figures, lang: str) -> dict[str, Any]:
    """Base and scenario of the analysis's what-if, each figure written as its kind."""
    cur = a.currency
    ltv_cac = "blended_ltv_cac" if a.settings.cac is None else "ltv_cac"
    shown = {"total_clv": ("predicted_clv_total", "money0"),
             "mean_clv": ("predicted_clv", "money"),
             "new_customer_ltv": ("new_customer_ltv", "money"),
             "ltv_cac": (ltv_cac, "ratio"),
             "payback_months": ("new_customer_payback_months", "count")}

    def cell(value: Any, kind: str) -> str:
        if value is None and kind == "count":  # a payback not reached within the curve
            return Blank(word("blank_beyond_curve", lang),
                         word("blank_new_not_paid_back_why", lang))
        if kind.startswith("money"):
            return _money(value, cur, lang, WHOLE if kind == "money0" else None)
        return ratio(value, lang) if kind == "ratio" else number(value, lang)

    keys = [key for key in shown if key in a.scenario.scenario]
    tips = [f.tip(shown[key][0]) for key in keys]
    body = [[tip["label"], cell(a.scenario.base.get(key), shown[key][1]),
             cell(a.scenario.scenario.get(key), shown[key][1])]
            for key, tip in zip(keys, tips, strict=True)]
    return {"head": ["", "Base", word("whatif", lang)], "body": body,
            "numeric": [False, True, True], "tips": [None] * 3, "row_tips": tips,
            "foot": None}


def _top(a: Analysis, f: Figures, lang: str) -> dict[str, Any]:
    """The 20 customers of highest future value, with their P(alive) of the activity views."""
    w = _words(lang)
    top = a.value.sort("clv", descending=True).head(20)
    keys = ("revenue_to_date", "p_alive", "expected_purchases", "clv", "lifetime_value")
    tips = {key: f.tip(key) for key in keys}
    columns = {"customer_id": w("customer"), "revenue_to_date": tips["revenue_to_date"]["label"],
               "p_alive_activity": tips["p_alive"]["label"],
               "expected_purchases": tips["expected_purchases"]["label"],
               "clv": tips["clv"]["label"], "clv_lower": "", "clv_upper": "",
               "lifetime_value": tips["lifetime_value"]["label"]}
    out = table(top, columns, lang, percents=("p_alive_activity",),
                money=("revenue_to_date", "clv", "clv_lower", "clv_upper", "lifetime_value"),
                currency=a.currency, tips={**tips, "p_alive_activity": tips["p_alive"]})
    # the interval in one column: 'low – high'
    interval = word("interval_of", lang).format(level=percent(a.settings.level, lang, 0))
    out["head"][5:7] = [_capital(interval)]
    out["numeric"][5:7] = [True]
    out["tips"][5:7] = [None]
    for cells, judged in zip(out["body"], top["p_alive_activity"], strict=True):
        cells[5:7] = [f"{cells[5]} – {cells[6]}"]
        if judged is None:
            cells[2] = w("not_judged_cell")
    return out


def _basis(a: Analysis, lang: str, spend_span: dict[str, str] | None) -> list[str]:
    """The basis of every figure, in sentences: model, spend model, margin and discount,
    horizons, currency, history, spend table."""
    s, w = a.settings, _words(lang)
    if s.model != "auto":
        how = w("as_set")
    elif a.scorecard is not None:
        models = [m for m in a.scorecard.table["model"] if m != "naive"]
        how = w("chosen").format(models=", ".join(models))
    else:
        how = w("fallback")
    out = [w("basis_model").format(model=a.model.NAME, how=how), _activity(a, lang),
           w("spend_gg") if a.spend_model is not None else w("spend_mean"),
           w("basis_money").format(margin=percent(s.margin, lang, 0),
                                   discount=percent(s.discount_rate, lang, 0)),
           w("basis_horizon").format(horizon=measures.horizon_words(s.horizon,
                                                                     s.horizon_unit, lang))]
    if a.currency:
        out.append(w("currency_known").format(currency=a.currency,
                                              symbol=measures.symbol(a.currency, lang)))
    else:
        out.append(w("currency_unknown"))
    first = a.summary.frame["first_purchase"].min() \
        if "first_purchase" in a.summary.frame.columns else None
    out.append(w("basis_history").format(
        start=date(cast(dt.date, first), lang) if first else "-",
        end=date(a.summary.observation_end, lang)))
    out.append(w("basis_spend").format(**spend_span) if spend_span else w("basis_no_spend"))
    return out


def render(a: Analysis, lang: str = "en") -> str:
    """The report of ``a`` as one HTML document."""
    if lang not in LANGS:
        raise ClvError(f"lang must be one of {', '.join(LANGS)}, not '{lang}'")
    w = _words(lang)
    f = Figures(a, lang)
    cur = a.currency
    horizon = measures.horizon_words(a.settings.horizon, a.settings.horizon_unit, lang)
    figures = _headline(a, f, lang)
    worth = lever_worth(a)
    shown_actions = actions(a, lang, worth)
    channel_table = channel_summary = spend_span = None
    if a.channels is not None:
        channel_table, channel_summary, spend_span = _channels(a, f, lang)
    segs = a.segments.segments.with_columns(  # an empty segment shown, its blanks said why
        pl.col("segment").replace({v: segment_name(v, lang) for v in SEGMENT_NAMES}))
    seg_tips = {"mean_revenue_to_date": f.tip("historical_ltv"),
                "mean_predicted_clv": f.tip("predicted_clv"), "mean_p_alive": f.tip("p_alive")}
    seg_table = table(segs, {
        "segment": w("segment"), "customers": f.label("customers"),
        "share_customers": w("customers_share"),
        **{c: t["label"] for c, t in seg_tips.items()}}, lang,
        percents=("share_customers", "mean_p_alive"),
        money=("mean_revenue_to_date", "mean_predicted_clv"), currency=cur, tips=seg_tips)
    for cells, p, n in zip(seg_table["body"], segs["mean_p_alive"], segs["customers"],
                           strict=True):
        if not n:  # an empty segment: none of the customers, nothing to average
            cells[2:] = [percent(0.0, lang), *[blank("blank_no_customer", lang)] * len(cells[3:])]
        elif p is None:
            cells[-1] = w("not_judged_cell")
    tier_tips = {"share_revenue_to_date": f.tip("revenue_to_date"),
                 "share_predicted_clv": f.tip("clv")}
    tier_table = table(a.segments.tiers.with_columns(
        pl.col("tier").replace({v: tier(v, lang) for v in a.segments.tiers["tier"]})), {
        "tier": w("tier"), "customers": f.label("customers"),
        **{c: w("share_of").format(figure=t["label"]) for c, t in tier_tips.items()}}, lang,
        percents=tuple(tier_tips), tips=tier_tips)
    upsell = table(a.cross_sell.head(10), {
        "product_a": w("first_product"), "product_b": w("then"), "share": w("share"),
        "lift": w("lift"), "q1_days": w("q1"), "median_days": w("median"),
        "q3_days": w("q3")}, lang,
        percents=("share",), digits={"median_days": 0, "q1_days": 0, "q3_days": 0}) \
        if a.cross_sell is not None else None
    score = table(a.scorecard.table.with_columns(pl.col("model").replace(
        {BASELINE: w("baseline_model")})), {
        "model": w("model"), "mae_transactions": "MAE", "rmse_transactions": "RMSE",
        "total_transactions_error": w("total_error"), "gini_revenue": "Gini"}, lang,
        percents=("total_transactions_error",)) if a.scorecard is not None else None
    whatif = _whatif(a, f, lang)
    top = _top(a, f, lang)
    issues = a.transactions.issues
    quality = {
        "line": f"{number(issues.rows_read, lang)} {w('rows_read')}, "
                f"{number(issues.rows_kept, lang)} {w('rows_kept')}, "
                f"{number(issues.rows_excluded, lang)} {w('rows_excluded')}",
        "table": table(pl.DataFrame([{"reason": excluded_reason(e, lang), "rows": e.count,
                                      "amount": e.money} for e in issues.exclusions],
                                    schema={"reason": pl.String, "rows": pl.Int64,
                                            "amount": pl.Float64}),
                       {"reason": w("reason"), "rows": w("rows"), "amount": w("amount")}, lang,
                       money=("amount",), currency=cur, digits={"amount": WHOLE})
        | {"wrap": True},
        # a reading parameter named as the command line names it ('--preset', not 'preset=')
        "notes": [{k: options_said(v) if v else v for k, v in plain_note(
            n, lang, a.currency).items()} for n in [*issues.notes, *a.notes]],
        # how the spend, customers and subscriptions tables were read, as the data page says
        "tables": [_table_read(r, lang, a.currency) for r in a.table_reports]}
    age = w("age").format(unit=w(f"{a.cohorts.period}_unit"))
    sym = measures.symbol(cur, lang)
    concentration = {"historical": f.label("revenue_to_date"), "predicted": f.label("clv")}
    # no prediction possible (clv.valuation.prediction_note): its note instead of the charts
    # of the future value
    unpredicted = next((plain_note(n, lang, a.currency)["text"] for n in a.notes
                        if getattr(n, "key", "").startswith("no_prediction")), None) \
        if a.kpis.get("no_prediction") else None
    predicted = a.segments.concentration.get("predicted")  # none without a prediction
    curves = {"historical": w("observed"), "predicted": w("predicted")}
    chart_names = {"ltv": f.label("ltv") if a.channels is not None else "", "cac": "CAC"}
    meta = [f"{w('model_used')}{w('colon')}{a.model.NAME}",
            w("basis_money").format(margin=percent(a.settings.margin, lang, 0),
                                    discount=percent(a.settings.discount_rate, lang, 0)),
            w("meta_currency").format(currency=cur, symbol=sym) if cur
            else w("meta_no_currency")]
    html = _ENV.get_template("report.html.j2").render(
        lang=lang, w=w, generated=date(dt.date.today(), lang),
        data_end=date(a.summary.observation_end, lang), meta=meta,
        figures=figures, actions=shown_actions, actions_heading=actions_heading(
            len(shown_actions), lang),
        gini=number(predicted.gini, lang, 2) if predicted else "",
        top10=percent(predicted.top[0.1], lang, 0) if predicted else "",
        horizon=horizon,
        chart_distribution=charts.distribution(a, in_unit(f.label("clv"), sym), lang=lang)
        if not unpredicted else "",
        no_prediction=unpredicted,
        chart_lorenz=charts.lorenz(a, concentration, lang),
        chart_heatmap=charts.retention_heatmap(a, lang, age),
        chart_curves=charts.cumulative_curves(a, curves, lang, age, sym or None),
        chart_channels=charts.channels(a, chart_names, lang, title=sym or None),
        chart_left_out=_left_out(a, lang),
        chart_tracking=charts.tracking(a, w("actual"), lang),
        channels=channel_table, channel_summary=channel_summary, spend_span=spend_span,
        segments=seg_table, activity=_activity(a, lang),
        tiers=tier_table, upsell=upsell, scorecard=score, whatif=whatif,
        whatif_lead=w("whatif_lead").format(levers=_levers(a.scenario.levers, lang)),
        levers=_lever_table(a, lang, worth), top=top, quality=quality,
        basis=_basis(a, lang, spend_span), definitions=f.listed(),
        # the SaaS section (clv.report.saas: MRR and its movements, churn, GRR and NRR,
        # cohorts of subscribers, LTV per plan) after the channels, with subscriptions only
        saas=saas.section(a, lang))
    return html


def write(a: Analysis, path: str | Path, lang: str = "en") -> Path:
    """Write the report of ``a`` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(render(a, lang), encoding="utf-8")
    return target

