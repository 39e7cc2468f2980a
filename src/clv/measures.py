"""The vocabulary of clv: each figure defined once, with its English and French label, a
one-line definition and its basis, used by the library, the CLI, the report, the dashboard
and the store.

The value of a customer, from the past to the end of the relationship:

- *revenue to date* (``revenue_to_date``): net revenue of the customer's purchases so far;
- *margin to date* (``margin_to_date``): margin x revenue to date;
- *future value* (``clv``): the discounted expected margin of the customer's purchases over a
  horizon (the "next 12 months" views), from the purchase model (P(alive), expected
  purchases) and the spend model; ``future_value_lifetime`` is the same over the whole
  remaining lifetime (``clv.value``: DERT of Fader, Hardie & Lee 2005, continuous discounting);
- *lifetime value* (``lifetime_value``) = margin to date + future value over the lifetime;
- *LTV of a new customer* (``new_customer_ltv``, the figure the 3x rule needs): the mean
  lifetime value of the customers acquired in the period (the spend table's months, per
  channel and blended; without a spend table, the last 12 months of the data). Blended LTV:CAC
  = sum over channels of new customers x LTV / total acquisition spend: the spend-weighted
  mean of the paid channels' ratios plus the value of the unpaid channels' customers, acquired
  at no recorded cost (the paid channels alone: ``paid_ltv_cac``).

:func:`label` and :func:`definition` give a figure's words in a language, with its basis
filled in from the settings; :func:`money` formats an amount in its currency for a locale
(Babel's CLDR data: EUR as "1 234,50 €" in French and "€1,234.50" in English).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["en", "fr"]
LANGS: tuple[str, ...] = ("en", "fr")
LOCALES = {"en": "en_US", "fr": "fr_FR"}
Basis = Literal["history", "horizon", "lifetime", "acquisition", "state", "cost", "margin"]
"""What a figure depends on: ``history`` (the data alone; margin for margins), ``horizon`` and
``lifetime`` (margin, discount rate and horizon), ``acquisition`` (the same over the lifetime,
for customers acquired in the period), ``cost`` (spend and counts only), ``margin`` (margin
only), ``state`` (the model's view of today)."""


@dataclass(frozen=True)
class Measure:
    """A figure: its key (the column or KPI name), labels and definitions in each language
    (``{horizon}`` in a label is filled from the settings), what it is measured over
    (``basis``), and whether it is an amount of money, a share or a ratio."""

    key: str
    label: dict[str, str]
    definition: dict[str, str]
    basis: Basis
    kind: Literal["money", "share", "ratio", "count", "months", "number"] = "money"


def _m(key: str, en: str, fr: str, def_en: str, def_fr: str, basis: Basis,
       kind: Literal["money", "share", "ratio", "count", "months", "number"] = "money"
       ) -> Measure:
    return Measure(key, {"en": en, "fr": fr}, {"en": def_en, "fr": def_fr}, basis, kind)


MEASURES: dict[str, Measure] = {m.key: m for m in (
    _m("revenue_to_date", "Revenue to date", "Chiffre d'affaires à date",
       "Net revenue of the customer's purchases so far (refunds deducted).",
       "Chiffre d'affaires net des achats du client jusqu'ici (remboursements déduits).",
       "history"),
    _m("historical_ltv", "Revenue to date per customer", "Chiffre d'affaires à date par client",
       "Mean net revenue per customer so far (refunds deducted).",
       "Chiffre d'affaires net moyen par client jusqu'ici (remboursements déduits).",
       "history"),
    _m("margin_to_date", "Margin to date per customer", "Marge à date par client",
       "Margin rate × revenue to date.", "Taux de marge × chiffre d'affaires à date.",
       "history"),
    _m("clv", "Future value ({horizon})", "Valeur future ({horizon})",
       "Discounted expected margin of the customer's purchases over the horizon: P(alive) x "
       "expected purchases x expected spend per purchase x margin, discounted.",
       "Marge attendue actualisée des achats du client sur l'horizon : P(actif) x achats "
       "attendus x panier attendu x marge, actualisée.", "horizon"),
    _m("predicted_clv", "Future value per customer ({horizon})",
       "Valeur future par client ({horizon})",
       "Mean future value over the horizon per customer.",
       "Valeur future moyenne par client sur l'horizon.", "horizon"),
    _m("predicted_clv_total", "Future value of the base ({horizon})",
       "Valeur future de la base ({horizon})",
       "Sum of the customers' future values over the horizon.",
       "Somme des valeurs futures des clients sur l'horizon.", "horizon"),
    _m("future_value_lifetime", "Future value (lifetime)", "Valeur future (durée de vie)",
       "Discounted expected margin of the customer's purchases over the rest of their "
       "lifetime.",
       "Marge attendue actualisée des achats du client sur le reste de sa durée de vie.",
       "lifetime"),
    _m("lifetime_value", "Lifetime value", "Valeur vie client",
       "Margin to date + future value over the rest of the lifetime.",
       "Marge à date + valeur future sur le reste de la durée de vie.", "lifetime"),
    _m("new_customer_ltv", "LTV of a new customer (overall)",
       "LTV d'un nouveau client (global)",
       "Mean lifetime value of the customers acquired in the period (the spend table's "
       "months; without one, the last 12 months): the figure the 3x rule compares with CAC.",
       "Valeur vie client moyenne des clients acquis sur la période (les mois du tableau des "
       "dépenses ; sans lui, les 12 derniers mois) : le chiffre que la règle des 3x compare "
       "au CAC.", "acquisition"),
    _m("ltv", "LTV of a new customer", "LTV d'un nouveau client",
       "Mean lifetime value of the customers the channel acquired in the spend table's months.",
       "Valeur vie client moyenne des clients acquis par le canal sur les mois du tableau des "
       "dépenses.", "acquisition"),
    _m("cac", "CAC", "CAC", "Acquisition spend / new customers acquired in the same months.",
       "Dépenses d'acquisition / nouveaux clients acquis les mêmes mois.", "cost"),
    _m("blended_cac", "CAC (blended)", "CAC (global)",
       "All acquisition spend / all new customers, paid channels or not.",
       "Toutes les dépenses d'acquisition / tous les nouveaux clients, canaux payants ou non.",
       "cost"),
    _m("ltv_cac", "LTV:CAC", "LTV:CAC",
       "LTV of a new customer / CAC; blended: sum over channels of new customers x LTV / total "
       "spend, the customers of unpaid channels included at no cost. Healthy at 3x or more.",
       "LTV d'un nouveau client / CAC ; global : somme sur les canaux des nouveaux clients x "
       "LTV / dépenses totales, les clients des canaux non payants comptés sans coût. Sain à "
       "3x ou plus.", "acquisition", "ratio"),
    _m("paid_ltv_cac", "LTV:CAC (paid channels)", "LTV:CAC (canaux payants)",
       "Sum over the channels with spend of new customers x LTV / their spend.",
       "Somme sur les canaux avec dépenses des nouveaux clients x LTV / leurs dépenses.",
       "acquisition", "ratio"),
    _m("payback_months", "Payback (months, observed)", "Retour sur CAC (mois, observé)",
       "First month of life by whose end the observed cumulative margin per customer reaches "
       "the CAC.",
       "Premier mois de vie à la fin duquel la marge cumulée observée par client atteint le "
       "CAC.", "margin", "months"),
    _m("predicted_payback_months", "Payback (months, predicted)", "Retour sur CAC (mois, prévu)",
       "The same with the model's continuation of the channel's cumulative margin.",
       "Le même avec la marge cumulée du canal prolongée par le modèle.", "margin", "months"),
    _m("max_cac", "Largest CAC at 3x", "CAC maximal à 3x",
       "The acquisition cost that keeps LTV:CAC at the 3x target: LTV of a new customer / 3.",
       "Le coût d'acquisition qui garde le LTV:CAC à la cible de 3x : LTV d'un nouveau client "
       "/ 3.", "acquisition"),
    _m("blended_ltv_cac", "LTV:CAC (blended)", "LTV:CAC (global)",
       "Sum over channels of new customers x LTV of a new customer / total acquisition spend, "
       "the customers of unpaid channels included at no cost.",
       "Somme sur les canaux des nouveaux clients x LTV d'un nouveau client / dépenses "
       "d'acquisition totales, les clients des canaux non payants comptés sans coût.",
       "acquisition", "ratio"),
    _m("new_customer_payback_months", "Payback of a new customer (months, model)",
       "Retour sur CAC d'un nouveau client (mois, modèle)",
       "First month of life by whose end the model's discounted cumulative margin of a new "
       "customer (scaled to the measured LTV of a new customer) reaches the CAC.",
       "Premier mois de vie à la fin duquel la marge cumulée actualisée d'un nouveau client "
       "selon le modèle (rapportée à la LTV mesurée d'un nouveau client) atteint le CAC.",
       "acquisition", "months"),
    _m("verdict", "Verdict", "Verdict",
       "The LTV:CAC reading: loses money under 1x, thin under 3x, healthy from 3x, "
       "under-investing beyond 5x.",
       "La lecture du LTV:CAC : perd de l'argent sous 1x, mince sous 3x, sain dès 3x, "
       "sous-investissement au-delà de 5x.", "cost", "number"),
    _m("channel", "Channel", "Canal",
       "The acquisition channel: the customers table's, else the one of the customer's first "
       "purchase.",
       "Le canal d'acquisition : celui du tableau des clients, sinon celui du premier achat.",
       "cost", "number"),
    _m("month", "Month", "Mois", "The calendar month.", "Le mois calendaire.", "cost", "number"),
    _m("leads", "Leads", "Prospects", "Leads (or prospects) of the spend table.",
       "Prospects du tableau des dépenses.", "cost", "count"),
    _m("conversion", "Conversion", "Conversion", "New customers / leads.",
       "Nouveaux clients / prospects.", "cost", "share"),
    _m("customers", "Customers", "Clients",
       "Customers with at least one purchase in the data kept.",
       "Clients ayant au moins un achat dans les données retenues.", "history", "count"),
    _m("revenue", "Revenue", "Chiffre d'affaires",
       "Net revenue of the customers counted (refunds deducted), up to the analysis's end; "
       "refunds of customers without any purchase are left out with them (see the data "
       "notes).",
       "Chiffre d'affaires net des clients comptés (remboursements déduits), jusqu'à la fin "
       "de l'analyse ; les remboursements de clients sans aucun achat sont écartés avec eux "
       "(voir les remarques sur les données).", "history"),
    _m("new_customers", "New customers", "Nouveaux clients",
       "Customers whose first purchase falls in the spend table's months.",
       "Clients dont le premier achat tombe dans les mois du tableau des dépenses.", "cost",
       "count"),
    _m("spend", "Acquisition spend", "Dépenses d'acquisition",
       "Marketing spend of the spend table's months.",
       "Dépenses marketing des mois du tableau des dépenses.", "cost"),
    _m("p_alive", "P(alive)", "P(actif)",
       "Probability that the customer has not dropped out, given their purchase history.",
       "Probabilité que le client n'ait pas cessé d'acheter, vu son historique d'achats.",
       "state", "share"),
    _m("active_share", "Likely active", "Probablement actifs",
       "Share of the customers who can be judged with P(alive) of 50% or more.",
       "Part des clients jugeables dont la P(actif) est d'au moins 50 %.", "state", "share"),
    _m("churn_share", "Likely lost", "Probablement perdus",
       "Share of the customers who can be judged with P(alive) under 50%.",
       "Part des clients jugeables dont la P(actif) est sous 50 %.", "state", "share"),
    _m("repeat_rate", "Repeat rate", "Taux de réachat",
       "Share of customers who bought again after their first purchase day.",
       "Part des clients ayant racheté après leur premier jour d'achat.", "history", "share"),
    _m("expected_purchases", "Expected purchases ({horizon})", "Achats attendus ({horizon})",
       "Expected number of purchases over the horizon (P(alive) included).",
       "Nombre d'achats attendu sur l'horizon (P(actif) comprise).", "horizon", "number"),
    _m("expected_spend", "Expected spend per purchase", "Panier attendu",
       "Expected amount of a future purchase (Gamma-Gamma, or the mean repeat purchase).",
       "Montant attendu d'un achat futur (Gamma-Gamma, ou l'achat répété moyen).", "state"),
)}


def horizon_words(horizon: float | str, unit: str, lang: str = "en") -> str:
    """'next 12 months' / '12 prochains mois', or 'lifetime' / 'durée de vie'."""
    if horizon == "lifetime":
        return "lifetime" if lang == "en" else "durée de vie"
    n = float(horizon)
    units = {"en": {"day": "days", "week": "weeks", "month": "months", "year": "years"},
             "fr": {"day": "jours", "week": "semaines", "month": "mois", "year": "ans"}}
    if lang == "fr":
        return f"{n:g} prochains {units['fr'].get(unit, unit)}"
    return f"next {n:g} {units['en'].get(unit, unit)}"


def measure(key: str) -> Measure:
    try:
        return MEASURES[key]
    except KeyError:
        raise KeyError(f"no measure {key!r}; known: {', '.join(MEASURES)}") from None


def label(key: str, lang: str = "en", settings: Any = None) -> str:
    """The figure's label in ``lang`` with its horizon from ``settings`` (12 months by
    default)."""
    m = measure(key)
    horizon = getattr(settings, "horizon", 12.0)
    unit = getattr(settings, "horizon_unit", "month")
    return m.label[_lang(lang)].format(horizon=horizon_words(horizon, unit, _lang(lang)))


def definition(key: str, lang: str = "en", settings: Any = None) -> str:
    """The figure's one-line definition in ``lang``, followed by its basis (margin, discount
    rate, horizon) when ``settings`` are given."""
    m = measure(key)
    text = m.definition[_lang(lang)]
    if settings is None or m.basis in ("state", "cost"):
        return text
    fr = _lang(lang) == "fr"
    parts = []
    if m.basis not in ("history",) or key == "margin_to_date":
        parts.append(("marge " if fr else "margin ") + percent(settings.margin, lang))
    if m.basis in ("horizon", "lifetime", "acquisition"):
        parts.append(("actualisation " if fr else "discount ")
                     + percent(settings.discount_rate, lang) + ("/an" if fr else "/year"))
        when = ("lifetime" if m.basis != "horizon" else settings.horizon)
        parts.append(horizon_words(when, settings.horizon_unit, _lang(lang)))
    if not parts:
        return text
    return f"{text.rstrip('.')} ({', '.join(parts)})."


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def _pattern(kind: str, lang: str, digits: int) -> str:
    """The locale's own pattern for ``kind`` (currency, percent, decimal) with ``digits``
    decimals: its separators and the place of the symbol kept."""
    from babel import Locale

    loc = Locale.parse(LOCALES[_lang(lang)])
    formats = {"currency": loc.currency_formats, "percent": loc.percent_formats,
               "decimal": loc.decimal_formats}[kind]
    pattern = str((formats.get("standard") or formats[None]).pattern).split(";")[0]
    number = re.search(r"[#0,.]+", pattern)
    assert number is not None  # every CLDR number pattern has digits
    whole = number.group().split(".")[0] + ("." + "0" * digits if digits else "")
    return pattern[:number.start()] + whole + pattern[number.end():]


def _no_minus_zero(value: float, digits: int) -> float:
    """``value``, or 0.0 when it rounds to zero at ``digits`` places: -0.001 is written
    '0.00', not '-0.00'."""
    return 0.0 if round(value, digits) == 0 else value


def percent(value: float, lang: str = "en", digits: int = 0) -> str:
    """0.1 -> '10%' (en) / '10 %' (fr)."""
    from babel.numbers import format_percent

    return format_percent(_no_minus_zero(value, digits + 2), _pattern("percent", lang, digits),
                          locale=LOCALES[_lang(lang)])


def ratio(value: float | None, lang: str = "en", digits: int = 2) -> str:
    """A ratio such as LTV:CAC: '3.75x' (en) / '3,75x' (fr); '' for None or NaN."""
    if value is None or not math.isfinite(value):
        return ""
    from babel.numbers import format_decimal

    return format_decimal(_no_minus_zero(value, digits), _pattern("decimal", lang, digits),
                          locale=LOCALES[_lang(lang)]) + "x"


def by_currency(amounts: dict[str, float] | None, lang: str = "en") -> str:
    """Amounts of several currencies, each in its own and never summed: '50.00 EUR, 33.50
    GBP' ('50,00 EUR, 33,50 GBP' in French), to each currency's own decimals; '' when not
    known."""
    from babel.numbers import get_currency_precision  # 2 for a code Babel does not know

    return ", ".join(f"{money(v, None, lang, get_currency_precision(c))} {c}"
                     for c, v in sorted((amounts or {}).items()))


def money(amount: float | None, currency: str | None, lang: str = "en",
          digits: int | None = None) -> str:
    """An amount in its currency for the language's locale: EUR 1234.5 is '€1,234.50' in
    English and '1 234,50 €' in French; without a currency, the number alone. ``digits``
    defaults to the currency's own (2 for EUR, 0 for JPY). None or NaN is an empty string
    (the caller says why it is blank)."""
    if amount is None or (isinstance(amount, float) and not math.isfinite(amount)):
        return ""
    from babel.numbers import format_currency, format_decimal, get_currency_precision

    if digits is None:
        digits = get_currency_precision(currency) if currency else 2

    locale = LOCALES[_lang(lang)]
    amount = _no_minus_zero(amount, digits)
    if not currency:
        return format_decimal(amount, _pattern("decimal", lang, digits), locale=locale)
    return format_currency(amount, currency, _pattern("currency", lang, digits),
                           locale=locale, currency_digits=False)


def symbol(currency: str | None, lang: str = "en") -> str:
    """The currency's symbol in the language's locale ('€', '$US'...), or ''."""
    if not currency:
        return ""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale=LOCALES[_lang(lang)])
