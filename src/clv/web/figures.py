"""The figures of the overview and the channels pages, and of their JSON, in the words of the
vocabulary (:mod:`clv.measures`): each with its label and definition in the page's language
(English or French), its value, and the value as written (amounts in the analysis's currency
for the locale: ``1 234,50 €`` in French). The pages, ``/api/analyses/{aid}/figures`` and
``/api/analyses/{aid}/channels`` read them here, so that they show the same numbers.

Nothing is computed here: the values are the analysis's (``kpis``, the channels' table and
their blended figures, ``clv.acquisition``); the total row of the channels is their blended
figures, the same as the overview's LTV:CAC.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from clv import measures
from clv.formulas import ltv_cac_ratio
from clv.pipeline import UNPREDICTED, Analysis
from clv.report.text import VERDICTS, date, number

Kind = Literal["money", "share", "ratio", "count", "months", "number", "text"]

WORDS: dict[str, dict[str, str]] = {
    "how": {"en": "How these figures are computed", "fr": "Comment ces chiffres sont calculés"},
    "basis": {"en": "Basis", "fr": "Base de calcul"},
    "margin": {"en": "Gross margin", "fr": "Marge brute"},
    "discount": {"en": "Discount rate", "fr": "Taux d'actualisation"},
    "per_year": {"en": "a year", "fr": "par an"},
    "horizon": {"en": "Horizon", "fr": "Horizon"},
    "horizon_text": {"en": "{horizon} for future value; the whole lifetime for lifetime "
                           "value, LTV and LTV:CAC",
                     "fr": "{horizon} pour la valeur future ; toute la durée de vie pour la "
                           "valeur vie client, la LTV et le LTV:CAC"},
    "model": {"en": "Purchase model", "fr": "Modèle d'achat"},
    "chosen": {"en": "{model}, the best on held-out data", "fr": "{model}, le meilleur sur "
                                                               "données mises de côté"},
    "named": {"en": "{model}, as chosen", "fr": "{model}, choisi dans les réglages"},
    "fallback": {"en": "{model}, the first that could be fitted (no comparison on held-out "
                       "data: see the notes)",
                 "fr": "{model}, le premier qui a pu être ajusté (pas de comparaison sur "
                       "données mises de côté : voir les notes)"},
    "spend_model": {"en": "Spend model", "fr": "Modèle de panier"},
    "gamma_gamma": {"en": "Gamma-Gamma", "fr": "Gamma-Gamma"},
    "mean_spend": {"en": "mean amount of a repeat purchase (Gamma-Gamma could not be fitted)",
                   "fr": "montant moyen d'un achat répété (Gamma-Gamma n'a pas pu être "
                         "ajusté)"},
    "currency": {"en": "Currency", "fr": "Devise"},
    "no_currency": {"en": "not given (amounts as in the data)",
                    "fr": "non précisée (montants tels que dans les données)"},
    "data_to": {"en": "Data up to", "fr": "Données jusqu'au"},
    "spend_months": {"en": "Spend and new customers", "fr": "Dépenses et nouveaux clients"},
    "months_range": {"en": "{start} to {end} (months of the spend table)",
                     "fr": "de {start} à {end} (mois du tableau des dépenses)"},
    "total": {"en": "All channels (blended)", "fr": "Tous les canaux (global)"},
    "interval": {"en": "{level} interval: {low} to {high}", "fr": "intervalle à {level} : "
                                                                  "{low} à {high}"},
    "not_judged": {"en": "{n} customers cannot be judged (one-time buyers the model cannot "
                         "inform) and are left out",
                   "fr": "{n} clients ne peuvent être jugés (acheteurs uniques que le modèle "
                         "ne renseigne pas) et sont laissés de côté"},
    "none_judged": {"en": "blank: no customer can be judged (the model cannot inform one-time "
                          "buyers)",
                    "fr": "vide : aucun client ne peut être jugé (le modèle ne renseigne pas "
                          "les acheteurs uniques)"},
    "no_ratio": {"en": "blank: no acquisition spend to divide by",
                 "fr": "vide : aucune dépense d'acquisition à diviser"},
    "share_of_all": {"en": "{share} of all", "fr": "{share} du total"},
    "no_dropout": {"en": "no customer ever leaves under this model: a value over an endless "
                         "lifetime, discounted (see the notes)",
                   "fr": "aucun client ne part selon ce modèle : une valeur sur une durée de "
                         "vie sans fin, actualisée (voir les notes)"},
    "no_prediction": {"en": "blank: no prediction possible on this data (see the notes)",
                      "fr": "vide : aucune prévision possible sur ces données (voir les "
                            "notes)"},
    "language": {"en": "Language", "fr": "Langue"},
}
"""The words of the overview and channels pages around the figures."""

OVERVIEW = {"customers": "customers", "revenue": "revenue", "historical_ltv": "historical_ltv",
            "margin_to_date": "margin_to_date", "predicted_clv": "predicted_clv",
            "predicted_clv_total": "predicted_clv_total", "lifetime_value": "lifetime_value",
            "new_customer_ltv": "new_customer_ltv", "blended_cac": "blended_cac",
            "blended_ltv_cac": "ltv_cac", "repeat_rate": "repeat_rate",
            "active_share": "active_share"}
"""The overview's headline figures, in order: the figure's key and its KPI (the acquisition
ones with a spend table)."""
CHANNEL_COLUMNS = ("channel", "new_customers", "spend", "cac", "ltv", "ltv_cac", "verdict",
                   "payback_months", "predicted_payback_months", "max_cac")
MONTH_COLUMNS = ("month", "channel", "spend", "new_customers", "cac", "leads", "conversion")
TOTALS = 0  # digits of the totals of the base (revenue, future value of the base)


def word(key: str, lang: str) -> str:
    return WORDS[key][lang if lang in measures.LANGS else "en"]


def kind(key: str) -> Kind:
    return measures.measure(key).kind


def label(key: str, lang: str, a: Analysis) -> str:
    """The figure's label in ``lang`` (its horizon from the analysis's settings)."""
    return measures.label(key, lang, a.settings)


def definition(key: str, lang: str, a: Analysis) -> str:
    """The figure's definition in ``lang``, with its basis (margin, discount, horizon)."""
    return measures.definition(key, lang, a.settings)


def _lang(lang: str) -> str:
    return lang if lang in measures.LANGS else "en"


def written(value: Any, kind: Kind, lang: str, currency: str | None,
            digits: int | None = None) -> str:
    """``value`` as the pages write it: an amount in its currency for the locale, a share
    as a percentage, a ratio as '3.75x'; '' when missing (the page says why)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, str):  # a verdict (in the language), a name
        return VERDICTS[value][_lang(lang)] if value in VERDICTS else value
    if kind == "money":
        return measures.money(value, currency, lang, digits)
    if kind == "share":
        return measures.percent(value, lang, 1 if digits is None else digits)
    if kind == "ratio":
        return f"{number(value, lang, 2 if digits is None else digits)}x"
    if kind in ("count", "months"):
        return number(value, lang, 0)
    if kind == "number":
        return number(value, lang, 2 if digits is None else digits)
    return str(value)


def figure(key: str, value: Any, a: Analysis, lang: str, *, digits: int | None = None,
           note: str | None = None) -> dict[str, Any]:
    """One figure (the fields of :class:`clv.web.schemas.Figure`)."""
    return {"key": key, "label": label(key, lang, a), "definition": definition(key, lang, a),
            "value": value if isinstance(value, int | float) and math.isfinite(value)
            else None,
            "text": written(value, kind(key), lang, a.currency, digits), "note": note}


def headline(a: Analysis, lang: str) -> list[dict[str, Any]]:
    """The overview's headline figures (:data:`OVERVIEW`) of ``a`` in ``lang``."""
    k = a.kpis
    out = []
    for key, kpi in OVERVIEW.items():
        if kpi in ("blended_cac", "ltv_cac") and kpi not in k:
            continue  # no spend table
        value, digits, note = k.get(kpi), None, None
        if key in ("revenue", "predicted_clv_total"):
            digits = TOTALS
        if key == "predicted_clv_total":
            note = word("interval", lang).format(
                level=measures.percent(a.settings.level, lang),
                low=written(k.get("predicted_clv_total_lower"), "money", lang, a.currency,
                            TOTALS),
                high=written(k.get("predicted_clv_total_upper"), "money", lang, a.currency,
                             TOTALS))
        if key == "active_share":
            if value is None:
                note = word("none_judged", lang)
            elif k.get("not_judged"):
                note = word("not_judged", lang).format(n=number(k["not_judged"], lang))
        if kpi == "ltv_cac" and value is None:
            note = word("no_ratio", lang)
        if k.get("no_dropout") and kpi in LIFETIME_KPIS:  # a perpetuity: say so
            note = word("no_dropout", lang)
        if k.get("no_prediction") and kpi in (*UNPREDICTED, "ltv_cac"):  # not given: say why
            note = word("no_prediction", lang)
        out.append(figure(key, value, a, lang, digits=digits, note=note))
    return out


LIFETIME_KPIS = ("lifetime_value", "new_customer_ltv", "ltv_cac", "paid_ltv_cac")
"""The figures over the whole lifetime, a discounted perpetuity when no customer leaves."""


def selection(chosen: Any, a: Analysis, lang: str) -> list[dict[str, Any]]:
    """The overview's figures over the customers the filters keep (rows of
    ``Analysis.customers``), computed as the headline's over the whole base (the same
    columns of ``Analysis.value``), with their share of all customers and of the future
    value."""
    everyone = a.customers
    total = float(everyone["clv"].sum())
    n = chosen.height
    share = word("share_of_all", lang)
    out = [figure("customers", n, a, lang, note=share.format(
        share=measures.percent(n / max(everyone.height, 1), lang, 1)))]
    if not n:
        return out
    value = a.value.join(chosen.select("customer_id"), on="customer_id", how="semi")
    part = float(chosen["clv"].sum())
    judged = chosen["p_alive"].drop_nulls()
    # the totals of one customer are the means beside them: written as they are (to the
    # cent), one figure in one format on the page ('5 076,86 €' twice, not '5 077 €' too)
    totals = TOTALS if n > 1 else None
    out += [
        figure("revenue", float(chosen["revenue"].sum()), a, lang, digits=totals),
        figure("historical_ltv", float(chosen["revenue"].mean()), a, lang),
        figure("margin_to_date", float(value["margin_to_date"].mean()), a, lang),  # type: ignore[arg-type]
        figure("predicted_clv", float(chosen["clv"].mean()), a, lang),
        figure("predicted_clv_total", part, a, lang, digits=totals, note=share.format(
            share=measures.percent(part / total, lang, 1)) if total else None),
        figure("lifetime_value", float(value["lifetime_value"].mean()), a, lang),  # type: ignore[arg-type]
        figure("repeat_rate", float((chosen["purchases"] > 1).mean()), a, lang),
        figure("active_share", float((judged >= 0.5).mean()) if judged.len() else None, a,
               lang, note=None if judged.len() else word("none_judged", lang)),
    ]
    if a.kpis.get("no_prediction"):  # the figures of the future are not given: say why
        for f in out:
            if f["key"] in UNPREDICTED:
                f.update(value=None, text=written(None, kind(f["key"]), lang, a.currency),
                         note=word("no_prediction", lang))
    return out


def _blended(a: Analysis) -> dict[str, Any]:
    """The channels' total row: every channel's new customers and spend, with the blended
    CAC, LTV of a new customer and LTV:CAC of ``clv.acquisition``."""
    acq = a.channels
    assert acq is not None
    rows = acq.channels
    ltv, cac = acq.blended_ltv, acq.blended_cac
    verdict = ltv_cac_ratio(max(ltv, 0.0), cac).level \
        if ltv is not None and cac is not None and cac > 0 else None
    return {"channel": None, "new_customers": int(rows["new_customers"].sum()),
            "spend": float(rows["spend"].sum()), "cac": cac, "ltv": ltv,
            "ltv_cac": acq.blended_ltv_cac, "verdict": verdict, "payback_months": None,
            "predicted_payback_months": None, "max_cac": None}


def channel_rows(a: Analysis, channel: str | None = None
                 ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The channels' rows (of ``channel`` only, when given) and their total (blended, over
    every channel), as values."""
    acq = a.channels
    assert acq is not None
    rows = acq.channels
    if channel:
        rows = rows.filter(rows["channel"] == channel)
    return rows.to_dicts(), _blended(a)


def head(keys: tuple[str, ...], a: Analysis, lang: str) -> list[dict[str, str]]:
    """A table's headers: each column's key, label and definition."""
    return [{"key": k, "label": label(k, lang, a), "definition": definition(k, lang, a)}
            for k in keys]


def cells(row: dict[str, Any], keys: tuple[str, ...], a: Analysis, lang: str) -> list[str]:
    """A row's cells as written, a month in words (``mars 2025``); missing: '' (the page
    says why)."""
    out = []
    for k in keys:
        value = row.get(k)
        if k == "month" and value is not None:
            from babel.dates import format_date

            value = format_date(value, "LLLL y", locale="fr_FR" if lang == "fr" else "en_GB")
        out.append(written(value, kind(k), lang, a.currency))
    return out


def channels_page(a: Analysis, lang: str, channel: str | None = None,
                  months: Any = None) -> dict[str, Any]:
    """The channels page's tables: the channels with their total row, and by month."""
    rows, total = channel_rows(a, channel)
    return {
        "head": head(CHANNEL_COLUMNS, a, lang),
        "rows": [cells(r, CHANNEL_COLUMNS, a, lang) for r in rows],
        "total": [word("total", lang), *cells(total, CHANNEL_COLUMNS, a, lang)[1:]],
        "month_keys": _month_columns(months),
        "month_head": head(_month_columns(months), a, lang),
        "months": [cells(r, _month_columns(months), a, lang)
                   for r in (months.to_dicts() if months is not None else [])],
    }


def _month_columns(months: Any) -> tuple[str, ...]:
    """The by-month columns shown: leads and conversion only when the spend table gives
    leads (else every row would say 'none')."""
    if months is None or "leads" not in months.columns or months["leads"].null_count() \
            < months.height:
        return MONTH_COLUMNS
    return tuple(c for c in MONTH_COLUMNS if c not in ("leads", "conversion"))


def explained(keys: list[str], a: Analysis, lang: str) -> list[dict[str, str]]:
    """'How these figures are computed': each figure's label and definition, once."""
    seen: list[str] = []
    for k in keys:
        if k not in seen:
            seen.append(k)
    return [{"key": k, "label": label(k, lang, a), "definition": definition(k, lang, a)}
            for k in seen]


def basis(a: Analysis, lang: str) -> list[tuple[str, str]]:
    """What every figure of the page rests on: the data's last day, margin, discount rate,
    horizon, purchase and spend models, currency (and the spend table's months)."""
    s = a.settings
    lg = _lang(lang)
    how = "named" if s.model != "auto" else "chosen" if a.scorecard is not None else "fallback"
    model = word(how, lang).format(model=a.model.NAME)
    spend = word("gamma_gamma" if a.spend_model is not None else "mean_spend", lang)
    currency = (f"{a.currency} ({measures.symbol(a.currency, lang)})" if a.currency
                else word("no_currency", lang))
    out = [(word("data_to", lang), date(a.summary.observation_end, lg)),
           (word("margin", lang), measures.percent(s.margin, lang)),
           (word("discount", lang),
            f"{measures.percent(s.discount_rate, lang)} {word('per_year', lang)}"),
           (word("horizon", lang), word("horizon_text", lang).format(
               horizon=measures.horizon_words(s.horizon, s.horizon_unit, lg))),
           (word("model", lang), model), (word("spend_model", lang), spend),
           (word("currency", lang), currency)]
    if a.channels is not None and a.channels.by_month.height:
        from clv.report.saas import month_name

        months = a.channels.by_month["month"]
        out.append((word("spend_months", lang), word("months_range", lang).format(
            start=month_name(months.min(), lang), end=month_name(months.max(), lang))))
    return out
