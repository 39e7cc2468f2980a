"""The column names of the exported tables that are not figures of :mod:`clv.measures`, and
how the files write their numbers and dates."""

MESSAGES: dict[str, dict[str, str]] = {
    "exports_decimals": {
        "en": "Shares, rates and probabilities have 4 decimals, the other numbers 2; a date "
              "is written without a time when it has none.",
        "fr": "Les parts, taux et probabilités ont 4 décimales, les autres nombres 2 ; une date "
              "s'écrit sans heure quand elle n'en a pas."},
    "col_customer_id": {"en": "Customer id", "fr": "Identifiant client"},
    "col_idle": {"en": "Time since last purchase (in the analysis's unit)",
                 "fr": "Temps depuis le dernier achat (dans l'unité de l'analyse)"},
    "col_purchases": {"en": "Purchases", "fr": "Achats"},
    "col_mean_spend": {"en": "Mean purchase", "fr": "Achat moyen"},
    "col_r_score": {"en": "R score (recency, 1-5)", "fr": "Note R (récence, 1-5)"},
    "col_f_score": {"en": "F score (frequency, 1-5)", "fr": "Note F (fréquence, 1-5)"},
    "col_m_score": {"en": "M score (amount, 1-5)", "fr": "Note M (montant, 1-5)"},
    "col_rfm": {"en": "RFM code", "fr": "Code RFM"},
    "col_segment": {"en": "Segment", "fr": "Segment"},
    "col_tier": {"en": "Value tier", "fr": "Niveau de valeur"},
    "col_clv_lower": {"en": "Future value, low end of the interval",
                      "fr": "Valeur future, bas de l'intervalle"},
    "col_clv_upper": {"en": "Future value, high end of the interval",
                      "fr": "Valeur future, haut de l'intervalle"},
    "col_acquired": {"en": "First purchase", "fr": "Premier achat"},
    "col_p_purchase_30d": {"en": "Probability of a purchase within 30 days",
                           "fr": "Probabilité d'un achat sous 30 jours"},
    "col_expected_wait_days": {"en": "Expected days to the next purchase",
                               "fr": "Jours attendus avant le prochain achat"},
    "col_expected_next_purchase": {"en": "Expected date of the next purchase",
                                   "fr": "Date attendue du prochain achat"},
}
