"""The subscription (SaaS) figures of an analysis as every face shows them: the headline
figures, the MRR movements by month (table and chart), the retention of subscribers by first
paying month, and the LTV per plan from the sBG model next to the simple formula.

The report's SaaS section (:func:`section`) and the dashboard's page ``/a/{aid}/saas`` (with
its JSON) are both made of these functions, so that they show the same numbers in the same
words. Nothing is computed here: the values are those of :mod:`clv.subscriptions` (see its
docstring for each definition and its reference); this module picks them and writes them in
English or French (:data:`clv.report.text.SAAS_WORDS`), amounts in the analysis's currency
(:func:`clv.measures.money`), months as "March 2025" / "mars 2025".
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any, cast

import altair as alt
import jinja2
import polars as pl
from markupsafe import Markup, escape

from clv import measures
from clv.pipeline import Analysis
from clv.report.charts import svg
from clv.report.text import MONTHS_FR, in_unit, word
from clv.subscriptions import LTV_GAP, Subscriptions

HEADLINE = ("saas_mrr", "saas_net_new_mrr", "saas_arpa", "saas_customers", "saas_logo_churn",
            "saas_revenue_churn", "saas_grr", "saas_nrr")
"""The headline figures, in order (GRR and NRR over twelve months when the history has
them: ``saas_grr_12m``, ``saas_nrr_12m``)."""
UP = ("new", "expansion", "reactivation")
DOWN = ("contraction", "churn")
MOVE_COLORS = {"new": "#2f8f4e", "expansion": "#7cc48f", "reactivation": "#3b9ab2",
               "contraction": "#f0a04b", "churn": "#c8453c"}
MONTH_COLUMNS = {"mrr": "money", "new": "money", "expansion": "money", "reactivation": "money",
                 "contraction": "minus", "churn": "minus", "net_new_mrr": "signed",
                 "customers": "count", "arpa": "cents", "customer_churn": "share",
                 "revenue_churn": "share", "grr": "share", "nrr": "share"}
"""The columns of the months table (``Subscriptions.months``) and how each is written."""
MONTH_KEYS = {"customer_churn": "saas_logo_churn", "mrr": "saas_mrr"}
PLAN_COLUMNS = {"active_subscriptions": ("saas_subscribers", "count"),
                "arpa": ("saas_plan_arpa", "cents"),
                "monthly_churn": ("saas_monthly_churn", "share"),
                "simple_ltv": ("saas_simple_ltv", "cents"),  # per subscriber, as every LTV
                "sbg_ltv": ("saas_sbg_ltv", "cents"),
                "ltv_ratio": ("saas_ltv_ratio", "ratio")}
MONEY = ("saas_mrr", "saas_net_new_mrr", "saas_arpa")
"""The headline figures that are amounts."""
MONTHS_SHOWN = 12
COHORTS_SHOWN = 24
AGES_SHOWN = 24
WIDTH, HEIGHT = 620, 280
_ROOT_ARIA = re.compile(r'\s(?:role|aria-label|aria-roledescription)="[^"]*"')
_MARK = re.compile(r'<path aria-label="([^"]*)" role="graphics-symbol"([^>]*?)/>')


def _w(key: str, lang: str) -> str:
    return word(key, lang)


def month_name(value: dt.date, lang: str) -> str:
    """A month as a reader writes it: 'March 2025' / 'mars 2025'."""
    if lang == "fr":
        return f"{MONTHS_FR[value.month - 1]} {value.year}"
    return value.strftime("%B %Y")


def _finite(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


@functools.lru_cache(maxsize=16384)  # a cohort table writes hundreds of cells, again and again
def written(value: Any, kind: str, lang: str, currency: str | None) -> str:
    """``value`` written as ``kind``: ``money`` (no cents), ``cents``, ``signed`` (money with
    its sign), ``minus`` (money lost, written negative), ``share``, ``count``, ``ratio``
    ('2.31x'); '' when missing (the page says why)."""
    if not _finite(value):
        return ""
    if kind in ("money", "signed", "minus", "cents"):
        value = round(value, 2)  # to the cent first, as the JSON gives it
    if kind in ("money", "signed", "minus"):
        amount = -value if kind == "minus" and value else value
        text = measures.money(amount, currency, lang, 0)
        return f"+{text}" if kind == "signed" and value > 0 else text
    if kind == "cents":
        return measures.money(value, currency, lang)
    if kind == "share":
        return measures.percent(value, lang, 1)
    if kind == "ratio":
        return measures.ratio(value, lang)
    return measures.money(value, None, lang, 0)  # a count: the number alone


def definition(key: str, a: Analysis, lang: str) -> str:
    """The definition of the figure ``key`` in ``lang``, with the analysis's margin and
    discount rate where it uses them."""
    s = a.settings
    return _w(f"{key}_def", lang).format(margin=measures.percent(s.margin, lang),
                                         discount=measures.percent(s.discount_rate, lang))


def figure(key: str, value: Any, text: str, a: Analysis, lang: str,
           note: str | None = None) -> dict[str, Any]:
    """One figure: key, label, definition, value (None when it cannot be computed; an amount
    of :data:`MONEY` to the cent), the value as written and a note (the fields of
    :class:`clv.web.schemas.Figure`)."""
    number = float(value) if _finite(value) else None
    if number is not None and key in MONEY:
        number = round(number, 2)
    return {"key": key, "label": _w(key, lang), "definition": definition(key, a, lang),
            "value": number, "text": text, "note": note}


def _subs(a: Analysis) -> Subscriptions:
    if a.subscriptions is None:
        raise ValueError("the analysis has no subscriptions table")
    return a.subscriptions


def headline(a: Analysis, lang: str) -> list[dict[str, Any]]:
    """The headline figures (:data:`HEADLINE`) at the end of the last month ended: MRR, net
    new MRR, ARPA, paying customers, customer and revenue churn of the month, GRR and NRR
    over the last twelve months (over the month when the history is shorter). Empty when
    no month has ended."""
    months = _subs(a).months
    if not months.height:
        return []
    cur = a.currency
    last = months.row(-1, named=True)
    month = month_name(last["month"], lang)
    during = _w("saas_in_month", lang).format(month=month)
    started = last["customers_start"] > 0
    rate_note = during if started else _w("saas_no_start", lang)

    def count(n: int) -> str:
        return written(n, "count", lang, None)

    out = [
        figure("saas_mrr", last["mrr"], written(last["mrr"], "money", lang, cur), a, lang,
               _w("saas_at_end", lang).format(month=month)),
        figure("saas_net_new_mrr", last["net_new_mrr"],
               written(last["net_new_mrr"], "signed", lang, cur), a, lang, during),
        figure("saas_arpa", last["arpa"], written(last["arpa"], "cents", lang, cur), a, lang,
               during),
        figure("saas_customers", last["customers"], count(last["customers"]), a, lang,
               _w("saas_customer_moves", lang).format(
                   new=count(last["new_customers"]), back=count(last["reactivated_customers"]),
                   lost=count(last["churned_customers"]), month=month)),
        figure("saas_logo_churn", last["customer_churn"],
               written(last["customer_churn"], "share", lang, None), a, lang, rate_note),
        figure("saas_revenue_churn", last["revenue_churn"],
               written(last["revenue_churn"], "share", lang, None), a, lang, rate_note)]
    for name in ("grr", "nrr"):
        year = last[f"{name}_12m"]
        if year is not None:
            out.append(figure(f"saas_{name}_12m", year, written(year, "share", lang, None), a,
                              lang, _w("saas_to_month", lang).format(month=month)))
        else:
            note = _w("saas_short_history", lang).format(month=month) if started \
                else _w("saas_no_start", lang)
            out.append(figure(f"saas_{name}", last[name],
                              written(last[name], "share", lang, None), a, lang, note))
    return out


def _head(keys: list[str], a: Analysis, lang: str) -> list[dict[str, str]]:
    return [{"key": k, "label": _w(k, lang), "definition": definition(k, a, lang)}
            for k in keys]


def months_table(a: Analysis, lang: str, shown: int | None = MONTHS_SHOWN) -> dict[str, Any]:
    """The movements of the last ``shown`` months (all when None): headers (key, label,
    definition) and rows (the month, then each of :data:`MONTH_COLUMNS` as written), oldest
    first."""
    months = _subs(a).months
    if shown is not None:
        months = months.tail(shown)
    keys = [MONTH_KEYS.get(c, f"saas_{c}") for c in MONTH_COLUMNS]
    head = [{"key": "saas_month", "label": _w("saas_month", lang), "definition": ""},
            *_head(keys, a, lang)]
    no_start = blank("saas_blank_no_start", _w("saas_no_start", lang), lang)
    rows = [[month_name(r["month"], lang),
             *(written(r[c], kind, lang, a.currency) or no_start
               for c, kind in MONTH_COLUMNS.items())]
            for r in months.iter_rows(named=True)]
    return {"head": head, "rows": rows, "n": months.height}


Cell = str | dict[str, str]
"""A table's cell: its text, or a blank with its reason (``short``, shown; ``why``, on
hover)."""


def blank(short: str, why: str, lang: str) -> dict[str, str]:
    """A blank cell: the short reason ``short`` (a message key) and the sentence ``why``."""
    return {"short": _w(short, lang), "why": why}


def _shade(share: float) -> str:
    """The background of a retention cell: darker as the share is higher (capped at 100%),
    its text white or black, whichever contrasts more with it (WCAG's contrast ratio: at
    least 4.5:1 everywhere on this scale)."""
    alpha = 0.08 + 0.82 * min(max(share, 0.0), 1.0)
    shown = [round((1 - alpha) * 255 + alpha * c) for c in (31, 94, 168)]  # on white

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * linear(shown[0]) + 0.7152 * linear(shown[1]) + 0.0722 * linear(shown[2])
    ink = "#ffffff" if 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 else "#000000"
    return f"background-color: rgba(31, 94, 168, {alpha:.2f}); color: {ink}"


def cohort_grid(a: Analysis, lang: str, kind: str = "logo", cohorts: int = COHORTS_SHOWN,
                ages: int = AGES_SHOWN) -> dict[str, Any]:
    """The retention of the last ``cohorts`` cohorts over their first ``ages`` months, as a
    heatmap table: ``kind`` 'logo' (customers paying) or 'revenue' (their MRR, net). Each
    cell has its text, its shade and its sentence (``title``); ``cut`` says what is left
    out."""
    table = _subs(a).cohorts
    starts = table["cohort"].unique().sort()
    kept = starts.tail(cohorts)
    grid = table.filter(pl.col("cohort").is_in(kept.implode()) & (pl.col("age") < ages))
    shown_ages = cast(int, grid["age"].max()) + 1 if grid.height else 0
    column = "logo_retention" if kind == "logo" else "revenue_retention"
    cur = a.currency
    rows = []
    for (cohort,), part in grid.sort("cohort", "age").group_by("cohort", maintain_order=True):
        start = part.row(0, named=True)
        name = month_name(cohort, lang)
        cells = []
        for r in part.iter_rows(named=True):
            share = written(r[column], "share", lang, None)
            if kind == "logo":
                title = _w("saas_cohort_cell_one" if start["customers"] == 1
                           else "saas_cohort_cell", lang).format(
                    cohort=name, age=r["age"], n=written(r["customers"], "count", lang, None),
                    n0=written(start["customers"], "count", lang, None), share=share)
            else:
                title = _w("saas_revenue_cell", lang).format(
                    cohort=name, age=r["age"], mrr=written(r["mrr"], "money", lang, cur),
                    mrr0=written(start["mrr"], "money", lang, cur), share=share)
            cells.append({"text": share, "title": title, "style": _shade(r[column]),
                          "blank": "", "span": 1})
        if len(cells) < shown_ages:  # the months after the end of the data, said once
            cells.append({"text": _w("saas_blank_not_yet", lang), "style": "", "blank": "blank",
                          "span": shown_ages - len(cells),
                          "title": _w("saas_not_yet", lang).format(cohort=name,
                                                                   age=len(cells))})
        size = written(start["customers"], "count", lang, None) if kind == "logo" \
            else written(start["mrr"], "money", lang, cur)
        rows.append({"cohort": name, "size": size, "cells": cells})
    cut = None
    if starts.len() > cohorts or table.height and cast(int, table["age"].max()) >= ages:
        cut = _w("saas_cohorts_cut", lang).format(cohorts=min(cohorts, starts.len()),
                                                  ages=ages)
    key = "saas_logo_retention" if kind == "logo" else "saas_revenue_retention"
    return {"key": key, "label": _w(key, lang), "definition": definition(key, a, lang),
            "size_label": _w("saas_cohort_customers" if kind == "logo" else "saas_cohort_mrr",
                             lang),
            "ages": list(range(shown_ages)), "rows": rows, "cut": cut}


def plan_name(value: Any, by: str, lang: str) -> str:
    """A plan as shown: its name, a start month as 'March 2025', the pooled group's words."""
    if by == "group":
        return _w("saas_all", lang)
    if isinstance(value, dt.date):
        return month_name(value, lang)
    return str(value)


def plans_table(a: Analysis, lang: str) -> dict[str, Any]:
    """LTV per plan (or start month, or pooled): the plan, active subscriptions, ARPA,
    observed monthly churn, LTV from the simple formula and from sBG, their ratio; and a
    sentence for each plan whose two LTVs differ by more than :data:`LTV_GAP` times, whose
    sBG could not be fitted, or whose churn is 0."""
    plans = _subs(a).plans
    by = plans.columns[0]
    s = a.settings
    keys = [PLAN_COLUMNS[c][0] for c in PLAN_COLUMNS]
    first = {"plan": "saas_plan", "cohort": "saas_start_month"}.get(by, "saas_plan")
    head = [{"key": first, "label": _w(first, lang), "definition": ""}, *_head(keys, a, lang)]
    rows, notes = [], []
    ordered = plans.sort(by) if by != "group" else plans
    for r in ordered.iter_rows(named=True):
        name = plan_name(r[by], by, lang)
        churn = written(r["monthly_churn"], "share", lang, None)
        not_fitted = blank("saas_blank_not_fitted",
                           _w("saas_not_fitted", lang).format(plan=name), lang)
        no_churn = blank("saas_blank_no_churn", _w("saas_no_churn", lang).format(plan=name),
                         lang)
        why = {"sbg_ltv": not_fitted, "simple_ltv": no_churn,
               "ltv_ratio": no_churn if _finite(r.get("sbg_ltv")) else not_fitted}
        cells: list[Cell] = [name]
        for column, (_, kind) in PLAN_COLUMNS.items():
            cells.append(written(r.get(column), kind, lang, a.currency)
                         or why.get(column, no_churn))
        rows.append(cells)
        ratio: Any = r.get("ltv_ratio")
        if not _finite(r.get("sbg_ltv")):
            notes.append(_w("saas_not_fitted", lang).format(plan=name))
        if not _finite(r.get("simple_ltv")) and r["monthly_churn"] == 0:
            notes.append(_w("saas_no_churn", lang).format(plan=name))
        elif _finite(ratio) and (ratio > LTV_GAP or ratio < 1 / LTV_GAP):
            times = _w("saas_times", lang).format(
                ratio=measures.money(ratio, None, lang, 2))
            notes.append(_w("saas_gap_high" if ratio > 1 else "saas_gap_low", lang).format(
                plan=name, ratio=times, churn=churn,
                discount=measures.percent(s.discount_rate, lang)))
    by_word = {"plan": "saas_by_plan", "cohort": "saas_by_cohort"}.get(by, "saas_by_all")
    return {"title": _w("saas_plans_title", lang).format(by=_w(by_word, lang)), "head": head,
            "rows": rows, "notes": notes, "by": by}


def basis(a: Analysis, lang: str) -> list[str]:
    """What the figures rest on, in sentences: the months counted, margin, discount rate and
    what sBG is fitted on."""
    months, s = _subs(a).months, a.settings
    by = _subs(a).plans.columns[0]
    by_word = {"plan": "saas_by_plan", "cohort": "saas_by_cohort"}.get(by, "saas_by_all")
    out = []
    if months.height:
        out.append(_w("saas_basis_months", lang).format(
            start=month_name(months["month"][0], lang), end=month_name(months["month"][-1],
                                                                      lang)))
    else:
        out.append(_w("saas_no_month", lang))
    out.append(_w("saas_basis_ltv", lang).format(
        margin=measures.percent(s.margin, lang), discount=measures.percent(s.discount_rate, lang),
        by=_w(by_word, lang)))
    return out


def explained(a: Analysis, lang: str) -> list[dict[str, str]]:
    """Each figure the SaaS views show, once: key, label and definition."""
    keys = [f["key"] for f in headline(a, lang)]
    keys += [MONTH_KEYS.get(c, f"saas_{c}") for c in MONTH_COLUMNS]
    keys += ["saas_logo_retention", "saas_revenue_retention"]
    keys += [PLAN_COLUMNS[c][0] for c in PLAN_COLUMNS]
    seen = list(dict.fromkeys(keys))
    return _head(seen, a, lang)


def chart_label(a: Analysis, lang: str) -> str:
    """What the movements chart shows, in a sentence (its accessible name)."""
    months = _subs(a).months
    if not months.height:
        return _w("saas_no_month", lang)
    return _w("saas_chart_label", lang).format(
        start=month_name(months["month"][0], lang), end=month_name(months["month"][-1], lang),
        first=written(months["mrr"][0], "money", lang, a.currency),
        last=written(months["mrr"][-1], "money", lang, a.currency))


def movements_chart(a: Analysis, lang: str) -> str | None:
    """The MRR movements by month as inline SVG: new, expansion and reactivation stacked
    above zero, contraction and churned MRR below, on the left axis; the MRR at each month's
    end as a line on the right axis. Each bar and point says its month, movement and amount
    (its ``title``, shown on hover, and its ``aria-label``); the chart's accessible name is
    :func:`chart_label` (the axes and legend, whose generated names Vega writes in English,
    carry none). None when no month has ended."""
    months = _subs(a).months
    if not months.height:
        return None
    cur = a.currency
    sym = measures.symbol(cur, lang)
    names = {k: _w(f"saas_{k}", lang) for k in (*UP, *DOWN)}
    rows = []
    for r in months.iter_rows(named=True):
        name = month_name(r["month"], lang)
        for order, k in enumerate((*UP, *DOWN)):
            value = -r[k] if k in DOWN else r[k]
            if value:
                rows.append({"month": r["month"].isoformat(), "kind": names[k],
                             "order": order, "value": value,
                             "text": f"{name} · {names[k]}{_w('colon', lang)}"
                                     f"{written(value, 'money', lang, cur)}"})
    mrr_name = _w("saas_chart_mrr", lang)
    points = [{"month": r["month"].isoformat(), "mrr": r["mrr"], "series": mrr_name,
               "text": f"{month_name(r['month'], lang)} · {_w('saas_mrr', lang)}"
                       f"{_w('colon', lang)}{written(r['mrr'], 'money', lang, cur)}"}
              for r in months.iter_rows(named=True)]
    x = alt.X("utcyearmonth(month):O", title=_w("saas_month", lang),
              axis=alt.Axis(format="%b %Y", labelAngle=-40, labelOverlap=True, aria=False))
    domain = [names[k] for k in (*UP, *DOWN)]
    bars = alt.Chart(_data(rows)).mark_bar().encode(
        x=x, y=alt.Y("sum(value):Q", title=in_unit(_w("saas_chart_moves", lang), sym),
                     axis=alt.Axis(format=",.0f", aria=False)),
        color=alt.Color("kind:N", title=None, sort=domain,
                        scale=alt.Scale(domain=domain,
                                        range=[MOVE_COLORS[k] for k in (*UP, *DOWN)]),
                        legend=alt.Legend(orient="bottom", aria=False)),
        order=alt.Order("order:Q"), description=alt.Description("text:N"))
    # the MRR line has its own entry in the legend, after the movements
    line = alt.Chart(_data(points)).encode(
        x=x, y=alt.Y("mrr:Q", title=in_unit(mrr_name, sym),
                     axis=alt.Axis(format=",.0f", orient="right", aria=False)),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=[mrr_name], range=["#1d2430"]),
                        legend=alt.Legend(orient="bottom", aria=False)))
    drawn = alt.layer(
        bars, alt.layer(line.mark_line(strokeWidth=2, aria=False),
                        line.mark_point(filled=True, size=22).encode(
                            description=alt.Description("text:N"))),
    ).resolve_scale(y="independent", color="independent").properties(width=WIDTH,
                                                                     height=HEIGHT)
    return accessible(svg(drawn, lang), chart_label(a, lang))


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def accessible(drawn: str, name: str) -> str:
    """An SVG chart with its accessible name (``role="img"``, ``aria-label``) and each mark's
    words (its ``aria-label``, written by Vega from the ``description`` channel) as its
    ``title``, which browsers show on hover."""
    marked = _MARK.sub(r'<path aria-label="\1" role="graphics-symbol"\2><title>\1</title></path>',
                       drawn)
    end = marked.index(">") + 1  # the root's start tag: its own role and name replaced
    root = _ROOT_ARIA.sub("", marked[:end])
    return root.replace("<svg ", f'<svg role="img" aria-label="{escape(name)}" ', 1) + \
        marked[end:]


_SECTION = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
).from_string("""
<section id="saas" aria-labelledby="saas-title">
<style>
  #saas .blank { color: #6b7582; font-style: italic; cursor: help; white-space: nowrap;
                 text-decoration: underline dotted #8a94a3; }
  #saas table.saas-cohorts td { min-width: 3.2rem; }
  #saas figure { margin: 0.5rem 0; }
</style>
<h2 id="saas-title">{{ w("saas_title") }}</h2>
{% if figures %}
<div class="kpis">
{% for x in figures %}
  <div class="kpi" tabindex="0" title="{{ x.definition }}" aria-describedby="def-{{ x.key }}"
       data-kpi="{{ x.key }}">
    <div class="label">{{ x.label }}</div>
    <div class="value">{{ x.text or "–" }}</div>
    {% if x.note %}<div class="sub">{{ x.note }}</div>{% endif %}
    <div class="tip" aria-hidden="true">{{ x.definition }}</div>
  </div>
{% endfor %}
</div>
<h3>{{ w("saas_movements_title") }}</h3>
<figure class="saas-chart">{{ chart | safe }}</figure>
<h4>{{ w("saas_movements_table").format(n=months.n) }}</h4>
{{ grid(months.head, months.rows, "saas-months") }}
{% for g in cohorts %}
<h3>{{ g.label }}</h3>
<p class="note">{{ w("saas_cohorts_lead") }}{% if g.cut %} {{ g.cut }}{% endif %}</p>
<div class="scroll">
<table class="saas-cohorts" id="saas-cohorts-{{ loop.index }}">
  <thead><tr><th scope="col" class="text">{{ w("saas_cohort") }}</th>
  <th scope="col">{{ g.size_label }}</th>
  {% for age in g.ages %}<th scope="col">{{ age }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for r in g.rows %}<tr><th scope="row" class="text">{{ r.cohort }}</th><td>{{ r.size }}</td>
  {% for c in r.cells %}{% if c.blank %}
  <td colspan="{{ c.span }}" class="text">
  <span class="blank" title="{{ c.title }}">{{ c.text }}</span></td>
  {% else %}<td style="{{ c.style }}" title="{{ c.title }}">{{ c.text }}</td>{% endif %}
  {% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% endfor %}
{% else %}
<p class="note">{{ w("saas_no_month") }}</p>
{% endif %}
<h3>{{ plans.title }}</h3>
{{ grid(plans.head, plans.rows, "saas-plans") }}
{% for n in plans.notes %}<p class="note">{{ n }}</p>{% endfor %}
<h3>{{ w("saas_how") }}</h3>
<ul class="basis">{% for line in basis %}<li>{{ line }}</li>{% endfor %}</ul>
<dl class="defs">
{% for d in explained %}<dt>{{ d.label }}</dt><dd id="def-{{ d.key }}">{{ d.definition }}</dd>
{% endfor %}
</dl>
</section>
""")


def _grid(head: list[dict[str, str]], rows: list[list[Cell]], id: str) -> str:
    """A table with each defined column's definition on its header (``title``)."""
    out = [f'<div class="scroll"><table id="{id}"><thead><tr>']
    for i, h in enumerate(head):
        cls = "text" if i == 0 else "num"
        if h["definition"]:
            out.append(f'<th scope="col" class="{cls} defined" title="{escape(h["definition"])}"'
                       f' aria-describedby="def-{h["key"]}">{escape(h["label"])}</th>')
        else:
            out.append(f'<th scope="col" class="{cls}">{escape(h["label"])}</th>')
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, c in enumerate(row):
            text = escape(c) if isinstance(c, str) else \
                Markup('<span class="blank" title="{}">{}</span>').format(c["why"], c["short"])
            out.append(f'<td class="text">{text}</td>' if i == 0 else f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def section(a: Analysis, lang: str) -> str:
    """The report's SaaS section (HTML) of ``a``: the same figures, tables and chart as the
    dashboard's page, in ``lang``; '' when the analysis has no subscriptions table."""
    if a.subscriptions is None:
        return ""
    figures = headline(a, lang)
    return _SECTION.render(
        w=lambda key: _w(key, lang), figures=figures, chart=movements_chart(a, lang),
        months=months_table(a, lang), grid=lambda h, r, i: Markup(_grid(h, r, i)),
        cohorts=[cohort_grid(a, lang, "logo"), cohort_grid(a, lang, "revenue")],
        plans=plans_table(a, lang), basis=basis(a, lang), explained=explained(a, lang))
