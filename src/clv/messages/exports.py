"""The column names of the exported tables that are not figures of :mod:`clv.measures`, and
how the files write their numbers and dates."""

MESSAGES: dict[str, dict[str, str]] = {
    "exports_decimals": {
        "en": "Shares, rates and probabilities have 4 decimals, amounts 2 (0.00), the other "
              "numbers up to 2; a date is written without a time when it has none.",
        "fr": "Les parts, taux et probabilités ont 4 décimales, les montants 2 (0,00), les "
              "autres nombres jusqu'à 2 ; une date s'écrit sans heure quand elle n'en a pas, "
              "en jj/mm/aaaa dans un CSV en français."},
    "col_customer_id": {"en": "Customer id", "fr": "Identifiant client"},
    "col_idle": {"en": "Time since last purchase (in the analysis's unit)",
                 "fr": "Temps depuis le dernier achat (dans l'unité de l'analyse)"},
    "col_purchases": {"en": "Purchase days (days with an order, the first even if refunded)",
                      "fr": "Jours d'achat (jours avec une commande, le premier même "
                            "remboursé)"},
    "col_paid_orders": {"en": "Paid orders (orders with a positive amount, by order number)",
                        "fr": "Commandes payées (commandes d'un montant positif, par numéro "
                              "de commande)"},
    "col_mean_spend": {"en": "Average repeat purchase day (the first day's amount when there "
                             "is no repeat)",
                       "fr": "Montant moyen des jours d'achat répétés (celui du premier jour "
                             "sans achat répété)"},
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
    # the columns of one table whose name means something else elsewhere (``predicted_clv``
    # of a segment is the segment's total, of the measures a mean per customer): looked up
    # first, as ``xcol_<table>_<column>``; ``{horizon}`` as the measures write it
    "xcol_segments_predicted_clv": {
        "en": "Future value of the segment, total ({horizon})",
        "fr": "Valeur future du segment, total ({horizon})"},
    "xcol_segments_mean_predicted_clv": {
        "en": "Future value per customer ({horizon})",
        "fr": "Valeur future par client ({horizon})"},
    "xcol_segments_share_predicted_clv": {
        "en": "Share of the future value ({horizon})",
        "fr": "Part de la valeur future ({horizon})"},
    "xcol_segments_mean_revenue_to_date": {
        "en": "Revenue to date per customer", "fr": "Chiffre d'affaires à date par client"},
    "xcol_segments_mean_p_alive": {"en": "Mean P(alive)", "fr": "P(actif) moyenne"},
    "xcol_segments_rule": {"en": "Rule (R and F scores)", "fr": "Règle (notes R et F)"},
    "xcol_tiers_predicted_clv": {
        "en": "Future value of the tier, total ({horizon})",
        "fr": "Valeur future du niveau, total ({horizon})"},
    "xcol_tiers_min_predicted_clv": {
        "en": "Smallest future value of a customer ({horizon})",
        "fr": "Plus petite valeur future d'un client ({horizon})"},
    "xcol_tiers_share_predicted_clv": {
        "en": "Share of the future value ({horizon})",
        "fr": "Part de la valeur future ({horizon})"},
    "col_historical_ltv_3m": {"en": "LTV of a new customer, observed after 3 months",
                              "fr": "LTV d'un nouveau client, observée après 3 mois"},
    "col_historical_ltv_6m": {"en": "LTV of a new customer, observed after 6 months",
                              "fr": "LTV d'un nouveau client, observée après 6 mois"},
    "col_historical_ltv_12m": {"en": "LTV of a new customer, observed after 12 months",
                               "fr": "LTV d'un nouveau client, observée après 12 mois"},
    "col_historical_ltv_24m": {"en": "LTV of a new customer, observed after 24 months",
                               "fr": "LTV d'un nouveau client, observée après 24 mois"},
    "col_historical_ltv_cac_12m": {"en": "LTV:CAC, observed after 12 months",
                                   "fr": "LTV:CAC, observé après 12 mois"},
    "col_historical_verdict_12m": {"en": "Verdict, observed after 12 months",
                                   "fr": "Verdict, observé après 12 mois"},
    "col_blank_note": {"en": "Why CAC is blank", "fr": "Pourquoi le CAC est vide"},
    "col_age": {"en": "Age of the cohort (months)", "fr": "Âge de la cohorte (mois)"},
    "col_eligible": {"en": "Customers observed at this age",
                     "fr": "Clients observés à cet âge"},
    "col_active": {"en": "Customers active at this age", "fr": "Clients actifs à cet âge"},
    "col_retention": {"en": "Retention", "fr": "Rétention"},
    "col_cumulative_revenue_per_customer": {
        "en": "Cumulative revenue per customer", "fr": "Chiffre d'affaires cumulé par client"},
    "col_predicted_cumulative_revenue_per_customer": {
        "en": "Cumulative revenue per customer, predicted",
        "fr": "Chiffre d'affaires cumulé par client, prévu"},
    # the names of the files downloaded (ASCII, as a file system takes them): ``file_<table>``
    "file_customers": {"en": "customers", "fr": "clients"},
    "file_segments": {"en": "segments", "fr": "segments"},
    "file_tiers": {"en": "tiers", "fr": "niveaux-de-valeur"},
    "file_cohorts": {"en": "cohorts", "fr": "cohortes"},
    "file_repeat": {"en": "repeat", "fr": "reachat"},
    "file_ltv_curve": {"en": "ltv_curve", "fr": "courbe-ltv"},
    "file_channels": {"en": "channels", "fr": "canaux"},
    "file_channels_by_month": {"en": "channels_by_month", "fr": "canaux-par-mois"},
    "file_next_euro": {"en": "next_euro", "fr": "prochain-euro"},
    "file_cross_sell": {"en": "cross_sell", "fr": "ventes-croisees"},
    "file_scorecard": {"en": "scorecard", "fr": "evaluation-des-modeles"},
    "file_sensitivity": {"en": "sensitivity", "fr": "sensibilite"},
    "file_whatif_customers": {"en": "whatif_customers", "fr": "et-si-clients"},
    "file_saas_months": {"en": "saas_months", "fr": "abonnements-par-mois"},
    "file_filtered": {"en": "filtered", "fr": "filtre"},
    "file_report": {"en": "report", "fr": "rapport"},
}
