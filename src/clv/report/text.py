"""Words and number formats of the report, in English and French."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

LANGS = ("en", "fr")

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Customer lifetime value report", "fr": "Rapport de valeur client"},
    "generated": {"en": "Generated on", "fr": "Généré le"},
    "data_to": {"en": "data up to", "fr": "données jusqu'au"},
    "summary": {"en": "Executive summary", "fr": "Synthèse"},
    "customers": {"en": "Customers", "fr": "Clients"},
    "revenue": {"en": "Revenue to date", "fr": "Chiffre d'affaires à date"},
    "hist_ltv": {"en": "Average revenue per customer to date", "fr":
                 "Chiffre d'affaires moyen par client à date"},
    "pred_clv": {"en": "Average predicted value per customer", "fr":
                 "Valeur prédite moyenne par client"},
    "pred_total": {"en": "Predicted value of the base", "fr": "Valeur prédite de la base"},
    "repeat": {"en": "Repeat purchase rate", "fr": "Taux de réachat"},
    "active": {"en": "Customers likely still active", "fr": "Clients probablement actifs"},
    "margin": {"en": "Gross margin assumed", "fr": "Marge brute retenue"},
    "new_ltv": {"en": "Value of a new customer", "fr": "Valeur d'un nouveau client"},
    "ltv_cac": {"en": "LTV:CAC (blended)", "fr": "LTV:CAC (global)"},
    "actions": {"en": "Three actions worth most", "fr": "Les trois actions qui rapportent le plus"},
    "interval": {"en": "interval", "fr": "intervalle"},
    "distribution": {"en": "Predicted value per customer", "fr": "Valeur prédite par client"},
    "concentration": {"en": "Value concentration", "fr": "Concentration de la valeur"},
    "gini": {"en": "Gini", "fr": "Gini"},
    "top10": {"en": "share of predicted value held by the top 10% of customers", "fr":
              "part de la valeur prédite détenue par les 10 % meilleurs clients"},
    "cohorts": {"en": "Cohort retention", "fr": "Rétention par cohorte"},
    "curves": {"en": "Cumulative revenue per customer by cohort", "fr":
               "Chiffre d'affaires cumulé par client et par cohorte"},
    "channels": {"en": "Acquisition channels", "fr": "Canaux d'acquisition"},
    "segments": {"en": "Segments", "fr": "Segments"},
    "tiers": {"en": "Value tiers", "fr": "Niveaux de valeur"},
    "upsell": {"en": "Cross-sell windows", "fr": "Fenêtres de vente croisée"},
    "accuracy": {"en": "Model accuracy on held-out data", "fr":
                 "Précision des modèles sur données mises de côté"},
    "whatif": {"en": "What if", "fr": "Et si"},
    "top": {"en": "Top customers", "fr": "Meilleurs clients"},
    "quality": {"en": "Data quality", "fr": "Qualité des données"},
    "historical": {"en": "historical", "fr": "historique"},
    "predicted": {"en": "predicted", "fr": "prédit"},
    "rows_read": {"en": "rows read", "fr": "lignes lues"},
    "rows_kept": {"en": "kept", "fr": "conservées"},
    "rows_excluded": {"en": "excluded", "fr": "exclues"},
    "reason": {"en": "reason", "fr": "motif"},
    "rows": {"en": "rows", "fr": "lignes"},
    "amount": {"en": "amount", "fr": "montant"},
    "none": {"en": "none", "fr": "aucune"},
    "months": {"en": "months", "fr": "mois"},
    "model_used": {"en": "Model used", "fr": "Modèle retenu"},
    "no_spend": {"en": "No spend table was given: channels, CAC and payback are not shown.",
                 "fr": "Aucun tableau de dépenses fourni : canaux, CAC et retour sur "
                       "investissement non affichés."},
    "act_lever": {"en": "Work on {lever}: each 1% more raises predicted value by {pct}.",
                  "fr": "Agir sur {lever} : chaque 1 % de plus augmente la valeur prédite de "
                        "{pct}."},
    "act_channel": {"en": "Put the next euro into {channel}: {ratio} LTV:CAC, CAC could rise "
                          "by {headroom} and stay at 3x.",
                    "fr": "Investir le prochain euro dans {channel} : LTV:CAC de {ratio}, le "
                          "CAC pourrait augmenter de {headroom} en restant à 3x."},
    "act_winback": {"en": "Win back the {n} '{segment}' customers: they brought {revenue} "
                          "so far but are likely lapsing.",
                    "fr": "Reconquérir les {n} clients « {segment} » : ils ont rapporté "
                          "{revenue} jusqu'ici mais s'éloignent probablement."},
    "act_upsell": {"en": "Propose {b} {q1}-{q3} days after {a} ({share} of {a} buyers then "
                         "buy {b}).",
                   "fr": "Proposer {b} {q1} à {q3} jours après {a} ({share} des acheteurs de "
                         "{a} achètent ensuite {b})."},
    "retention": {"en": "retention", "fr": "la rétention"},
    "frequency": {"en": "purchase frequency", "fr": "la fréquence d'achat"},
    "basket": {"en": "basket size", "fr": "le panier moyen"},
    "discount_rate": {"en": "the discount rate", "fr": "le taux d'actualisation"},
}


def word(key: str, lang: str) -> str:
    return WORDS[key][lang]


def number(value: Any, lang: str, digits: int = 0) -> str:
    """1,234.5 (en) or 1 234,5 (fr, narrow no-break space); '-' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: Any, lang: str, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    text = number(100 * value, lang, digits)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def date(value: dt.date | str, lang: str) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    if lang == "fr":
        return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"
    return day.strftime("%d %B %Y").lstrip("0")
