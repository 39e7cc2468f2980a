"""Words of the analysis pages (overview, customers, a customer, segments, cohorts, channels,
timing, what-if, data, exports): titles, table headers that are not figures of
:mod:`clv.measures`, the filters, the segments' rules in words, the reasons of blank cells
and the exports."""

MESSAGES: dict[str, dict[str, str]] = {
    # the sections of an analysis and the header
    "nav_main": {"en": "Main menu", "fr": "Menu principal"},
    "nav_data": {"en": "Data", "fr": "Données"},
    "nav_calculator": {"en": "Calculator", "fr": "Calculateur"},
    "nav_history": {"en": "History", "fr": "Historique"},
    "nav_api": {"en": "API", "fr": "API"},
    "nav_sections": {"en": "Sections of the analysis", "fr": "Sections de l'analyse"},
    "nav_analysis": {"en": "Analysis {id}", "fr": "Analyse {id}"},
    "nav_not_saved": {"en": "(not saved)", "fr": "(non enregistrée)"},
    "nav_overview": {"en": "Overview", "fr": "Synthèse"},
    "nav_customers": {"en": "Customers", "fr": "Clients"},
    "nav_segments": {"en": "Segments", "fr": "Segments"},
    "nav_cohorts": {"en": "Cohorts", "fr": "Cohortes"},
    "nav_channels": {"en": "Channels", "fr": "Canaux"},
    "nav_timing": {"en": "Timing", "fr": "Moments d'achat"},
    "nav_models": {"en": "Models", "fr": "Modèles"},
    "nav_whatif": {"en": "What if", "fr": "Et si"},
    "nav_saas": {"en": "SaaS", "fr": "Abonnements"},
    "nav_data_quality": {"en": "Data", "fr": "Qualité des données"},
    "nav_exports": {"en": "Exports", "fr": "Exports"},
    # the filters
    "filter_from": {"en": "Acquired from", "fr": "Acquis de"},
    "filter_to": {"en": "to", "fr": "à"},
    "filter_channel": {"en": "Channel", "fr": "Canal"},
    "filter_segment": {"en": "Segment", "fr": "Segment"},
    "filter_tier": {"en": "Value tier", "fr": "Niveau de valeur"},
    "filter_all": {"en": "all", "fr": "tous"},
    "filter_id": {"en": "Customer id", "fr": "Identifiant client"},
    "filter_id_hint": {"en": "part of an id", "fr": "partie d'un identifiant"},
    "filter_apply": {"en": "Apply", "fr": "Appliquer"},
    "filter_clear": {"en": "Clear the filters", "fr": "Effacer les filtres"},
    "filter_applied": {"en": "Filters", "fr": "Filtres"},
    "filter_months": {"en": "acquired {start} to {end}", "fr": "acquis de {start} à {end}"},
    "filter_month": {"en": "acquired in {start}", "fr": "acquis en {start}"},
    "filter_since": {"en": "acquired from {start}", "fr": "acquis à partir de {start}"},
    "filter_until": {"en": "acquired up to {end}", "fr": "acquis jusqu'à {end}"},
    "filter_search": {"en": "id containing “{q}”", "fr": "identifiant contenant «\u00a0{q}\u00a0»"},
    "filter_none": {"en": "none: every customer", "fr": "aucun\u00a0: tous les clients"},
    "filter_bad_month": {"en": "“{value}” is not a month (YYYY-MM, such as 2025-03): the "
                               "filter “{name}” is left out.",
                         "fr": "«\u00a0{value}\u00a0» n'est pas un mois (AAAA-MM, par exemple "
                               "2025-03)\u00a0: le filtre «\u00a0{name}\u00a0» est ignoré."},
    "filter_up_to": {"en": "Acquired up to", "fr": "Acquis jusqu'à"},
    # the overview
    "page_overview": {"en": "Overview", "fr": "Synthèse"},
    "page_selection": {"en": "A selection", "fr": "Une sélection"},
    "page_selection_hint": {"en": "Choose an acquisition period, a channel, a segment or a "
                                  "value tier to see its figures next to the whole base's.",
                            "fr": "Choisissez une période d'acquisition, un canal, un segment "
                                  "ou un niveau de valeur pour voir ses chiffres à côté de "
                                  "ceux de toute la base."},
    "page_selection_list": {"en": "See these {n} customers", "fr": "Voir ces {n} clients"},
    "page_note_detail": {"en": "Technical detail", "fr": "Détail technique"},
    "page_concentration": {"en": "Value concentration", "fr": "Concentration de la valeur"},
    "page_left_out": {"en": "The reading left out {rows} of the rows ({amount} of the amounts "
                            "read), most of them for \u201c{reason}\u201d ({n} rows): every "
                            "figure here is computed without them. Check the column choices "
                            "and the date format.",
                      "fr": "La lecture a écarté {rows} des lignes ({amount} des montants "
                            "lus), surtout pour «\u00a0{reason}\u00a0» ({n} lignes)\u00a0: tous "
                            "les chiffres ici sont calculés sans elles. Vérifiez le choix des "
                            "colonnes et le format des dates."},
    "page_left_out_link": {"en": "See the data quality.", "fr": "Voir la qualité des "
                                                               "données."},
    "page_charts_selection": {"en": "The charts below show the {n} customers the filters "
                                    "keep.",
                              "fr": "Les graphiques ci-dessous portent sur les {n} clients "
                                    "retenus par les filtres."},
    "page_chart_none": {"en": "No chart for these customers: their values cannot be measured "
                              "(nobody kept, or values that sum to zero or less).",
                        "fr": "Pas de graphique pour ces clients\u00a0: leurs valeurs ne se "
                              "mesurent pas (aucun client retenu, ou des valeurs dont la "
                              "somme est nulle ou négative)."},
    "page_notes": {"en": "Notes", "fr": "Notes"},
    # the customers
    "page_customers": {"en": "Customers", "fr": "Clients"},
    "page_found": {"en": "{n} customers, most valuable first.",
                   "fr": "{n} clients, les plus précieux d'abord."},
    "page_found_one": {"en": "1 customer.", "fr": "1 client."},
    "page_found_none": {"en": "No customer matches these filters.",
                        "fr": "Aucun client ne correspond à ces filtres."},
    "page_export_list": {"en": "Export this list (CSV)", "fr": "Exporter cette liste (CSV)"},
    "page_export_list_xlsx": {"en": "Excel", "fr": "Excel"},
    "page_customer_col": {"en": "Customer", "fr": "Client"},
    "page_acquired": {"en": "First purchase", "fr": "Premier achat"},
    "page_purchases": {"en": "Purchase days", "fr": "Jours d'achat"},
    "page_purchases_def": {
        "en": "Days with an order: the orders of one day count once, their amounts summed. "
              "The first day counts even when its orders were refunded in full (net amount "
              "0); a later day counts only when its net amount is positive. This is not a "
              "number of orders.",
        "fr": "Jours avec une commande : les commandes d'un même jour comptent une fois, "
              "leurs montants additionnés. Le premier jour compte même si ses commandes ont "
              "été remboursées en totalité (montant net de 0) ; un jour suivant ne compte que "
              "si son montant net est positif. Ce n'est pas un nombre de commandes."},
    "page_paid_orders": {"en": "Paid orders", "fr": "Commandes payées"},
    "page_paid_orders_def": {
        "en": "Orders with a positive amount: each order number counts once, however many "
              "lines it has (each line with a positive amount when the orders carry no "
              "number). Refunds are not orders; two orders of one day count twice.",
        "fr": "Commandes d'un montant positif\u00a0: chaque numéro de commande compte une "
              "fois, quel que soit son nombre de lignes (chaque ligne d'un montant positif "
              "quand les commandes n'ont pas de numéro). Les remboursements ne sont pas des "
              "commandes\u00a0; deux commandes d'un même jour comptent deux fois."},
    "page_interval": {"en": "{level} interval", "fr": "Intervalle à {level}"},
    "page_interval_cell": {"en": "{low} to {high}", "fr": "{low} à {high}"},
    "page_page_of": {"en": "Page {n} of {pages}", "fr": "Page {n} sur {pages}"},
    "page_previous": {"en": "previous", "fr": "précédente"},
    "page_next": {"en": "next", "fr": "suivante"},
    "page_pages": {"en": "Pages", "fr": "Pages"},
    # one customer
    "page_customer": {"en": "Customer {id}", "fr": "Client {id}"},
    "page_customer_title": {"en": "Customer", "fr": "Client"},
    "page_tier": {"en": "Value tier", "fr": "Niveau de valeur"},
    "page_next_purchase": {"en": "Expected next purchase", "fr": "Prochain achat attendu"},
    "page_rfm": {"en": "RFM scores", "fr": "Scores RFM"},
    "page_rfm_cell": {"en": "R {r} · F {f} · M {m}", "fr": "R {r} · F {f} · M {m}"},
    "page_history_lines": {"en": "Purchase history ({n} lines)",
                           "fr": "Historique d'achats ({n} lignes)"},
    "page_history_first": {"en": "Purchase history ({n} lines, the first 500 shown)",
                           "fr": "Historique d'achats ({n} lignes, les 500 premières "
                                 "affichées)"},
    "page_date": {"en": "Date", "fr": "Date"},
    "page_amount": {"en": "Amount", "fr": "Montant"},
    "page_order": {"en": "Order", "fr": "Commande"},
    "page_product": {"en": "Product", "fr": "Produit"},
    "page_quantity": {"en": "Quantity", "fr": "Quantité"},
    "page_no_customer": {"en": "No customer “{id}” in this analysis.",
                         "fr": "Aucun client «\u00a0{id}\u00a0» dans cette analyse."},
    "page_back_list": {"en": "Back to the customers", "fr": "Retour aux clients"},
    # the segments
    "page_segments": {"en": "Segments", "fr": "Segments"},
    "page_chosen": {"en": "{n} customers.", "fr": "{n} clients."},
    "page_no_match": {"en": "No customer matches.", "fr": "Aucun client ne correspond."},
    "page_share_customers": {"en": "Share of customers", "fr": "Part des clients"},
    "page_mean_p_alive": {"en": "Mean P(alive)", "fr": "P(actif) moyenne"},
    "page_segment_col": {"en": "Segment", "fr": "Segment"},
    "page_rules": {"en": "How each segment is defined", "fr": "Comment chaque segment est "
                                                                "défini"},
    "page_rules_lead": {"en": "Each customer gets two scores from 1 to 5, by rank among all "
                              "customers, in fifths. R = recency score: 5 = among the fifth "
                              "who bought most recently, 1 = among the fifth who bought "
                              "longest ago. F = frequency score: 5 = among the fifth with the "
                              "most purchases, 1 = among those with the fewest (customers with "
                              "the same number of purchases get the same score, so F 1 is a "
                              "single purchase only where most customers buy once). A "
                              "customer belongs to the first segment of this list whose rule "
                              "they meet.",
                        "fr": "Chaque client reçoit deux notes de 1 à 5, selon son rang parmi "
                              "tous les clients, par cinquièmes. R = note de récence\u00a0: 5 = "
                              "parmi le cinquième qui a acheté le plus récemment, 1 = parmi le "
                              "cinquième qui a acheté il y a le plus longtemps. F = note de "
                              "fréquence\u00a0: 5 = parmi le cinquième qui a le plus d'achats, "
                              "1 = parmi ceux qui en ont le moins (à nombre d'achats égal, "
                              "même note\u00a0: F de 1 ne veut dire un seul achat que là où la "
                              "plupart des clients n'achètent qu'une fois). Un client "
                              "appartient au premier segment de cette liste dont il remplit "
                              "la règle."},
    "seg_rule_champions": {"en": "R 4 or 5 and F 4 or 5: bought recently and often.",
                           "fr": "R de 4 ou 5 et F de 4 ou 5\u00a0: achats récents et fréquents."},
    "seg_rule_cannot_lose": {"en": "R 1 or 2 and F 4 or 5: among the most frequent buyers, "
                                   "gone quiet.",
                             "fr": "R de 1 ou 2 et F de 4 ou 5\u00a0: parmi les acheteurs les "
                                   "plus fréquents, mais silencieux depuis un moment."},
    "seg_rule_loyal": {"en": "R 3 to 5 and F 3 to 5: buy regularly.",
                       "fr": "R de 3 à 5 et F de 3 à 5\u00a0: achètent régulièrement."},
    "seg_rule_at_risk": {"en": "R 1 or 2 and F 2 or 3: buyers of middling frequency not seen "
                               "for a while.",
                         "fr": "R de 1 ou 2 et F de 2 ou 3\u00a0: acheteurs de fréquence "
                               "moyenne, absents depuis un moment."},
    "seg_rule_new": {"en": "R 4 or 5 and F 1: bought recently, among the fewest purchases.",
                     "fr": "R de 4 ou 5 et F de 1\u00a0: achat récent, parmi les clients qui "
                           "ont le moins d'achats."},
    "seg_rule_potential_loyalists": {"en": "R 3 to 5 and F 2: recent, a few more purchases "
                                           "than the fewest.",
                                     "fr": "R de 3 à 5 et F de 2\u00a0: récents, avec un peu plus "
                                           "d'achats que les moins fréquents."},
    "seg_rule_hibernating": {"en": "R 2 or 3 and F 1: among the fewest purchases, some time "
                                   "ago.",
                             "fr": "R de 2 ou 3 et F de 1\u00a0: parmi les moins d'achats, il y "
                                   "a quelque temps."},
    "seg_rule_lost": {"en": "R 1 and F 1: among the fewest purchases, long ago.",
                      "fr": "R de 1 et F de 1\u00a0: parmi les moins d'achats, il y a "
                            "longtemps."},
    "page_tiers": {"en": "Value tiers (all customers)", "fr": "Niveaux de valeur (tous les "
                                                              "clients)"},
    "page_tiers_lead": {"en": "Customers ranked by future value: the top 1%, the next 9%, the "
                              "next 10% and the rest.",
                        "fr": "Clients classés par valeur future\u00a0: le 1\u00a0% du haut, les "
                              "9\u00a0% suivants, les 10\u00a0% suivants et le reste."},
    "page_tier_col": {"en": "Tier", "fr": "Niveau"},
    "page_share_of": {"en": "Share of: {figure}", "fr": "Part de\u00a0: {figure}"},
    "page_gini": {"en": "Gini coefficient of the future value: {clv}; of the revenue to date: "
                        "{revenue} (0 = every customer worth the same, 1 = one customer holds "
                        "everything).",
                  "fr": "Coefficient de Gini de la valeur future\u00a0: {clv}\u00a0; du chiffre "
                        "d'affaires à date\u00a0: {revenue} (0 = tous les clients valent autant, "
                        "1 = un seul client détient tout)."},
    "page_drill": {"en": "See the customers of {name}", "fr": "Voir les clients de {name}"},
    # the cohorts
    "page_cohorts": {"en": "Cohorts and retention", "fr": "Cohortes et rétention"},
    "page_cohorts_title": {"en": "Cohorts", "fr": "Cohortes"},
    "page_retention_by_age": {"en": "Share of each cohort active, by {unit} since the first "
                                    "purchase",
                              "fr": "Part de chaque cohorte active, par {unit} depuis le "
                                    "premier achat"},
    "page_cohort_col": {"en": "Cohort", "fr": "Cohorte"},
    "page_unit_week": {"en": "weeks", "fr": "semaines"},
    "page_unit_month": {"en": "months", "fr": "mois"},
    "page_unit_quarter": {"en": "quarters", "fr": "trimestres"},
    "page_heatmap": {"en": "Retention heatmap (all cohorts)",
                     "fr": "Carte de la rétention (toutes les cohortes)"},
    "page_curves": {"en": "Cumulative revenue per customer, observed then predicted",
                    "fr": "Chiffre d'affaires cumulé par client, observé puis prédit"},
    "page_repeat": {"en": "Repeat purchases", "fr": "Réachats"},
    "page_repeat_rate": {"en": "Repeat rate", "fr": "Taux de réachat"},
    "page_days_second": {"en": "Days to the second purchase: {which}",
                         "fr": "Jours jusqu'au deuxième achat\u00a0: {which}"},
    "page_median": {"en": "median", "fr": "médiane"},
    "page_q1": {"en": "1st quartile", "fr": "1er quartile"},
    "page_q3": {"en": "3rd quartile", "fr": "3e quartile"},
    "page_no_cohort": {"en": "No cohort in these months.", "fr": "Aucune cohorte sur ces "
                                                               "mois."},
    # the channels
    "page_channels": {"en": "Acquisition channels", "fr": "Canaux d'acquisition"},
    "page_by_month": {"en": "By month", "fr": "Par mois"},
    "page_rows_n": {"en": "({n} rows)", "fr": "({n} lignes)"},
    "page_rows_n_one": {"en": "({n} row)", "fr": "({n} ligne)"},
    "page_no_spend": {"en": "Upload a marketing spend file (channel, month, spend) with the "
                            "orders to see CAC, LTV:CAC and payback per channel.",
                      "fr": "Ajoutez un fichier de dépenses marketing (canal, mois, dépense) "
                            "aux commandes pour voir CAC, LTV:CAC et retour sur CAC par canal."},
    # the timing
    "page_timing": {"en": "Upsell windows and next purchases",
                    "fr": "Fenêtres de vente croisée et prochains achats"},
    "page_cross_sell": {"en": "Who buys B after A, and when",
                        "fr": "Qui achète B après A, et quand"},
    "page_no_product": {"en": "The orders carry no product column.",
                        "fr": "Les commandes n'ont pas de colonne produit."},
    "page_no_pairs": {"en": "No pair of products qualifies: a pair is shown when at least 30 "
                            "customers bought the second product after the first, more often "
                            "than customers buy it in general (lift above 1).",
                      "fr": "Aucune paire de produits ne se qualifie\u00a0: une paire est "
                            "montrée quand au moins 30 clients ont acheté le second produit "
                            "après le premier, plus souvent que les clients ne l'achètent en "
                            "général (effet de levier supérieur à 1)."},
    "page_soon": {"en": "Most likely to buy soon", "fr": "Les plus susceptibles d'acheter "
                                                         "bientôt"},
    "page_p_purchase": {"en": "Probability of a purchase in the next {days} days",
                        "fr": "Probabilité d'un achat dans les {days} prochains jours"},
    "page_recommend": {"en": "Propose {b} {q1} to {q3} days after {a}",
                       "fr": "Proposer {b} de {q1} à {q3} jours après {a}"},
    "page_share_then": {"en": "Share of A buyers who then buy B",
                        "fr": "Part des acheteurs de A qui achètent ensuite B"},
    "page_lift": {"en": "Lift", "fr": "Effet multiplicateur"},
    "page_recommendation": {"en": "Recommendation", "fr": "Recommandation"},
    # the models' parameters
    "page_param": {"en": "Parameter", "fr": "Paramètre"},
    "page_estimate": {"en": "Estimate", "fr": "Estimation"},
    "page_stderr": {"en": "Standard error", "fr": "Écart-type"},
    "page_lower": {"en": "Lower bound ({level})", "fr": "Borne basse ({level})"},
    "page_upper": {"en": "Upper bound ({level})", "fr": "Borne haute ({level})"},
    # the what-if
    "page_whatif": {"en": "What if", "fr": "Et si"},
    "page_whatif_lead": {"en": "Move a lever: the figures are recomputed with the fitted "
                               "model, from now on.",
                         "fr": "Bougez un levier\u00a0: les chiffres sont recalculés avec le "
                               "modèle ajusté, à partir de maintenant."},
    "page_lever_retention": {"en": "Retention", "fr": "Rétention"},
    "page_lever_frequency": {"en": "Purchase frequency", "fr": "Fréquence d'achat"},
    "page_lever_basket": {"en": "Basket size", "fr": "Panier moyen"},
    "page_lever_margin": {"en": "Margin", "fr": "Marge"},
    "page_lever_cac": {"en": "CAC", "fr": "CAC"},
    "page_lever_discount_rate": {"en": "Discount rate", "fr": "Taux d'actualisation"},
    "page_lever_retention_what": {
        "en": "Customers stay active longer: their expected lifetime times (1 + the change); "
              "who is active today does not change.",
        "fr": "Les clients restent actifs plus longtemps\u00a0: leur durée de vie attendue "
              "multipliée par (1 + la variation)\u00a0; qui est actif aujourd'hui ne change "
              "pas."},
    "page_lever_frequency_what": {
        "en": "Every customer buys more often: purchases per period times (1 + the change).",
        "fr": "Chaque client achète plus souvent\u00a0: achats par période multipliés par "
              "(1 + la variation)."},
    "page_lever_basket_what": {
        "en": "Spend per purchase times (1 + the change).",
        "fr": "Dépense par achat multipliée par (1 + la variation)."},
    "page_lever_margin_what": {
        "en": "Gross margin times (1 + the change), at most 100%.",
        "fr": "Marge brute multipliée par (1 + la variation), au plus 100\u00a0%."},
    "page_lever_cac_what": {
        "en": "Acquisition cost per customer times (1 + the change): it moves the figures of "
              "a new customer (LTV:CAC, payback, profit), not the value of the base.",
        "fr": "Coût d'acquisition par client multiplié par (1 + la variation)\u00a0: il "
              "change les chiffres d'un nouveau client (LTV:CAC, retour sur CAC, profit), pas "
              "la valeur de la base."},
    "page_lever_margin_then": {"en": "margin {value}", "fr": "marge {value}"},
    "page_lever_cac_then": {"en": "CAC {value}", "fr": "CAC {value}"},
    "page_lever_margin_full": {
        "en": "The margin of this analysis is 100% already: this lever can only lower it.",
        "fr": "La marge de cette analyse est déjà de 100\u00a0%\u00a0: ce levier ne peut que "
              "la baisser."},
    "page_lever_no_cac": {
        "en": "No acquisition cost lever: this analysis has no spend table, hence no CAC.",
        "fr": "Pas de levier sur le coût d'acquisition\u00a0: cette analyse n'a pas de table "
              "de dépenses, donc pas de CAC."},
    "page_lever_bad": {
        "en": "“{value}” is not a whole percentage from {low} to {high}: the lever “{name}” "
              "is left at 0.",
        "fr": "«\u00a0{value}\u00a0» n'est pas un pourcentage entier de {low} à {high}\u00a0: "
              "le levier «\u00a0{name}\u00a0» reste à 0."},
    "page_whatif_failed": {
        "en": "These levers could not be computed; the figures shown are the last ones.",
        "fr": "Ces leviers n'ont pas pu être calculés\u00a0; les chiffres affichés sont les "
              "derniers obtenus."},
    "page_whatif_share": {
        "en": "The address of this page keeps the levers: copy it to share this scenario.",
        "fr": "L'adresse de cette page garde les leviers\u00a0: copiez-la pour partager ce "
              "scénario."},
    "page_figure": {"en": "Figure", "fr": "Chiffre"},
    "page_now": {"en": "Now", "fr": "Aujourd'hui"},
    "page_with_levers": {"en": "With the levers", "fr": "Avec les leviers"},
    "page_profit_new": {"en": "Profit per new customer (LTV - CAC)",
                        "fr": "Profit par nouveau client (LTV - CAC)"},
    "page_which_lever": {"en": "Which lever pays most", "fr": "Quel levier rapporte le plus"},
    "page_rank": {"en": "Rank", "fr": "Rang"},
    "page_lever": {"en": "Lever", "fr": "Levier"},
    "page_total_pct": {"en": "Change of the future value of the base per 1% of the lever",
                       "fr": "Variation de la valeur future de la base pour 1\u00a0% du "
                             "levier"},
    "page_new_pct": {"en": "Change of the LTV of a new customer per 1% of the lever",
                     "fr": "Variation de la LTV d'un nouveau client pour 1\u00a0% du levier"},
    # the calculator's form (its other words are in imports.py)
    "calc_decimals": {"en": "Decimals with a point or a comma: 12.5 or 12,5.",
                      "fr": "Décimales avec une virgule ou un point\u00a0: 12,5 ou 12.5."},
    "calc_err_not_number": {"en": "“{field}”: “{value}” is not a number (such as 12.5 or "
                                  "12,5).",
                            "fr": "«\u00a0{field}\u00a0»\u00a0: «\u00a0{value}\u00a0» n'est "
                                  "pas un nombre (par exemple 12,5 ou 12.5)."},
    "calc_err_missing": {"en": "“{field}” is needed for this formula.",
                         "fr": "«\u00a0{field}\u00a0» est nécessaire pour cette formule."},
    "calc_err_other": {"en": "These values do not allow the calculation: check them.",
                       "fr": "Ces valeurs ne permettent pas le calcul\u00a0: vérifiez-les."},
    # notes said in sentences on the pages (clv.web.views.note_words): the fits at a limit
    # of the models, without their 'a -> inf', and the reading of a delimited file
    "note_no_dropout": {
        "en": "{model}: in this data customers do not seem to stop buying, so the model counts "
              "every customer as still active and the chance of being still active (P(alive)) "
              "tells nothing here.",
        "fr": "{model}\u00a0: dans ces données, les clients ne semblent pas cesser d'acheter\u00a0;"
              " le modèle compte donc chaque client comme encore actif, et la probabilité "
              "d'être encore actif (P(actif)) n'apprend rien ici."},
    "note_same_rate": {
        "en": "{model}: the data show no difference between customers in how often they buy, "
              "so the model gives them all the same purchase rate, {value} per {per}; a "
              "customer's past purchases then only tell whether they are still active.",
        "fr": "{model}\u00a0: les données ne montrent aucune différence entre clients dans leur "
              "fréquence d'achat\u00a0; le modèle leur donne donc à tous le même rythme "
              "d'achat, {value} par {per}\u00a0; les achats passés d'un client disent alors "
              "seulement s'il est encore actif."},
    "note_same_dropout": {
        "en": "{model}: the data show no difference between customers in how long they stay, "
              "so the model gives them all the same chance of leaving, {value} per {per}; "
              "whether a customer is still active still follows their own purchases.",
        "fr": "{model}\u00a0: les données ne montrent aucune différence entre clients dans la "
              "durée de leur relation\u00a0; le modèle leur donne donc à tous la même "
              "probabilité de partir, {value} par {per}\u00a0; la probabilité qu'un client soit "
              "encore actif suit toujours ses propres achats."},
    "note_at_bound": {
        "en": "{model}: the data are not enough to pin down the parameters {names}: their "
              "estimates ran to a limit (towards zero or without end). They have no standard "
              "error, only a one-sided interval, and stay fixed in the figures' intervals.",
        "fr": "{model}\u00a0: les données ne suffisent pas à fixer les paramètres {names}\u00a0: "
              "leur estimation est partie vers une limite (vers zéro ou sans fin). Ils n'ont "
              "pas d'écart-type, seulement un intervalle d'un seul côté, et restent fixes dans "
              "les intervalles des chiffres."},
    "note_at_bound_one": {
        "en": "{model}: the data are not enough to pin down the parameter {names}: its "
              "estimate ran to a limit (towards zero or without end). It has no standard "
              "error, only a one-sided interval, and stays fixed in the figures' intervals.",
        "fr": "{model}\u00a0: les données ne suffisent pas à fixer le paramètre {names}\u00a0: "
              "son estimation est partie vers une limite (vers zéro ou sans fin). Il n'a pas "
              "d'écart-type, seulement un intervalle d'un seul côté, et reste fixe dans les "
              "intervalles des chiffres."},
    "note_unidentified": {
        "en": "{model}: the data say nothing about the parameters {names}: the fit is as good "
              "whatever their values, so they stay where the fit stopped.",
        "fr": "{model}\u00a0: les données ne disent rien des paramètres {names}\u00a0: "
              "l'ajustement est aussi bon quelles que soient leurs valeurs, ils restent donc là "
              "où il s'est arrêté."},
    "note_unidentified_one": {
        "en": "{model}: the data say nothing about the parameter {names}: the fit is as good "
              "whatever its value, so it stays where the fit stopped.",
        "fr": "{model}\u00a0: les données ne disent rien du paramètre {names}\u00a0: "
              "l'ajustement est aussi bon quelle que soit sa valeur, il reste donc là où il "
              "s'est arrêté."},
    "note_interval_capped": {
        "en": "{model}: the data hardly bound the parameters {names}: the upper end of their "
              "{level} interval is beyond any number and shown as ∞.",
        "fr": "{model}\u00a0: les données bornent à peine les paramètres {names}\u00a0: la "
              "borne haute de leur intervalle à {level} dépasse tout nombre et s'affiche ∞."},
    "note_interval_capped_one": {
        "en": "{model}: the data hardly bound the parameter {names}: the upper end of its "
              "{level} interval is beyond any number and shown as ∞.",
        "fr": "{model}\u00a0: les données bornent à peine le paramètre {names}\u00a0: la "
              "borne haute de son intervalle à {level} dépasse tout nombre et s'affiche ∞."},
    "note_per_day": {"en": "day", "fr": "jour"},
    "note_per_week": {"en": "week", "fr": "semaine"},
    "note_per_month": {"en": "month", "fr": "mois"},
    "note_per_year": {"en": "year", "fr": "an"},
    "note_per_period": {"en": "period", "fr": "période"},
    "note_per_purchase": {"en": "purchase", "fr": "achat"},
    "note_import_setting": {"en": "the import's setting '{name}'",
                            "fr": "le réglage « {name} » de l'import"},
    "note_delimited": {"en": "Read as text whose columns are separated by {what}, {header}.",
                       "fr": "Lu comme un texte dont les colonnes sont séparées par {what}, "
                             "{header}."},
    "note_sep_semicolon": {"en": "semicolons", "fr": "des points-virgules"},
    "note_sep_comma": {"en": "commas", "fr": "des virgules"},
    "note_sep_tab": {"en": "tabs", "fr": "des tabulations"},
    "note_sep_bar": {"en": "vertical bars", "fr": "des barres verticales"},
    "note_sep_spaces": {"en": "spaces", "fr": "des espaces"},
    "note_sep_other": {"en": "the character “{char}”", "fr": "le caractère «\u00a0{char}\u00a0»"},
    "note_with_header": {"en": "with a first line naming the columns",
                         "fr": "avec une première ligne nommant les colonnes"},
    "note_without_header": {"en": "with no line naming the columns",
                            "fr": "sans ligne nommant les colonnes"},
    "models_notes": {"en": "What the fit says about this data",
                     "fr": "Ce que l'ajustement dit de ces données"},
    # the data
    "page_data": {"en": "Data quality", "fr": "Qualité des données"},
    "page_rows_read": {"en": "{read} rows read, {kept} kept, {excluded} excluded.",
                       "fr": "{read} lignes lues, {kept} conservées, {excluded} exclues."},
    # chosen by n, the rows excluded: "1 exclue"
    "page_rows_read_one": {"en": "{read} rows read, {kept} kept, {excluded} excluded.",
                           "fr": "{read} lignes lues, {kept} conservées, {excluded} exclue."},
    "page_reason": {"en": "Reason", "fr": "Motif"},
    "page_rows": {"en": "Rows", "fr": "Lignes"},
    "page_no_exclusion": {"en": "No row was excluded.", "fr": "Aucune ligne n'a été exclue."},
    # the exports
    "page_exports": {"en": "Exports", "fr": "Exports"},
    "page_no_export": {"en": "This analysis has no export named “{name}”.",
                       "fr": "Cette analyse n'a pas d'export nommé «\u00a0{name}\u00a0»."},
    "page_exports_back": {"en": "The exports of this analysis",
                          "fr": "Les exports de cette analyse"},
    "page_report": {"en": "The report", "fr": "Le rapport"},
    "page_report_en": {"en": "HTML report (English)", "fr": "Rapport HTML (anglais)"},
    "page_report_fr": {"en": "HTML report (French)", "fr": "Rapport HTML (français)"},
    "page_tables": {"en": "Tables", "fr": "Tableaux"},
    "page_table": {"en": "Table", "fr": "Tableau"},
    "page_csv": {"en": "CSV", "fr": "CSV"},
    "page_excel": {"en": "Excel", "fr": "Excel"},
    "page_exports_filtered": {
        "en": "The customers, segments and cohorts tables are exported with the filters, as "
              "their pages show them: {what}.",
        "fr": "Les tableaux des clients, des segments et des cohortes sont exportés avec les "
              "filtres, comme leurs pages les montrent\u00a0: {what}."},
    "page_exports_segment_aside": {
        "en": "The segments table leaves the segment filter aside: it compares the segments.",
        "fr": "Le tableau des segments laisse de côté le filtre de segment\u00a0: il compare "
              "les segments."},
    "page_exports_others": {
        "en": "The other tables cover every customer.",
        "fr": "Les autres tableaux couvrent tous les clients."},
    "page_exports_money": {"en": "Amounts are rounded to the cent.",
                           "fr": "Les montants sont arrondis au centime."},
    "export_customers": {"en": "Customers, with their predictions",
                         "fr": "Clients, avec leurs prédictions"},
    "export_segments": {"en": "Segments", "fr": "Segments"},
    "export_tiers": {"en": "Value tiers", "fr": "Niveaux de valeur"},
    "export_cohorts": {"en": "Cohorts: retention by age",
                       "fr": "Cohortes\u00a0: rétention par âge"},
    "export_repeat": {"en": "Repeat purchases by cohort", "fr": "Réachats par cohorte"},
    "export_ltv_curve": {"en": "Cumulative value per customer by cohort",
                         "fr": "Valeur cumulée par client et par cohorte"},
    "export_channels": {"en": "Acquisition channels", "fr": "Canaux d'acquisition"},
    "export_channels_by_month": {"en": "Channels by month", "fr": "Canaux par mois"},
    "export_next_euro": {"en": "Where to put the next spend, by channel",
                         "fr": "Où placer la prochaine dépense, par canal"},
    "export_cross_sell": {"en": "Cross-sell windows", "fr": "Fenêtres de vente croisée"},
    "export_scorecard": {"en": "Model scorecard on held-out data",
                         "fr": "Précision des modèles sur données mises de côté"},
    "export_sensitivity": {"en": "What each lever is worth", "fr": "Ce que vaut chaque levier"},
    "export_whatif_customers": {"en": "Customers under the what-if",
                                "fr": "Clients dans le scénario"},
    "export_saas_months": {"en": "Subscriptions by month", "fr": "Abonnements par mois"},
    # blank cells: a short reason, and its longer explanation on hover
    "page_blank_one_purchase": {"en": "not judged: one purchase day only",
                                "fr": "non évalué\u00a0: un seul jour d'achat"},
    "page_blank_one_purchase_why": {"en": "The model cannot judge whether a customer with one "
                                          "purchase day and no repeat purchase (a first order "
                                          "refunded in full counts as that day) is still "
                                          "active.",
                                    "fr": "Le modèle ne peut pas dire si un client d'un seul "
                                          "jour d'achat, sans achat répété (une première "
                                          "commande remboursée en totalité compte comme ce "
                                          "jour), est encore actif."},
    "page_blank_not_judged": {"en": "not judged", "fr": "non évalué"},
    "page_blank_not_judged_why": {"en": "The model cannot judge this customer's activity (see "
                                        "the notes).",
                                  "fr": "Le modèle ne peut pas juger l'activité de ce client "
                                        "(voir les notes)."},
    "page_blank_no_prediction": {"en": "no prediction", "fr": "aucune prévision"},
    "page_blank_no_prediction_why": {"en": "No prediction is possible on this data (see the "
                                           "notes on the overview).",
                                     "fr": "Aucune prévision n'est possible sur ces données "
                                           "(voir les notes de la synthèse)."},
    "page_blank_no_interval": {"en": "no interval", "fr": "pas d'intervalle"},
    "page_blank_no_interval_why": {"en": "No parameter draw could be used for an interval "
                                         "(see the notes).",
                                   "fr": "Aucun tirage de paramètres n'a pu servir à un "
                                         "intervalle (voir les notes)."},
    "page_blank_no_next": {"en": "none expected", "fr": "aucun attendu"},
    "page_blank_no_next_why": {"en": "The model expects no further purchase from this "
                                     "customer.",
                               "fr": "Le modèle n'attend plus d'achat de ce client."},
    "page_blank_no_channel": {"en": "not known", "fr": "inconnu"},
    "page_blank_no_channel_why": {"en": "The data names no acquisition channel for this "
                                        "customer.",
                                  "fr": "Les données ne donnent pas de canal d'acquisition "
                                        "pour ce client."},
    "page_blank_no_orders": {"en": "not counted", "fr": "non compté"},
    "page_blank_no_orders_why": {
        "en": "This analysis does not count the orders: it was saved before the dashboard "
              "counted them, or made by an engine that keeps one line per customer and day. "
              "Run it again to see them.",
        "fr": "Cette analyse ne compte pas les commandes\u00a0: elle a été enregistrée avant "
              "que le tableau de bord les compte, ou faite par un moteur qui garde une ligne "
              "par client et par jour. Relancez-la pour les voir."},
    "page_blank_not_yet": {"en": "not yet", "fr": "pas encore"},
    "page_blank_not_yet_why": {"en": "The cohort is not that old yet.",
                               "fr": "La cohorte n'a pas encore cet âge."},
    "page_blank_no_repeat": {"en": "no repeat", "fr": "aucun réachat"},
    "page_blank_no_repeat_why": {"en": "No customer of the cohort bought a second time yet.",
                                 "fr": "Aucun client de la cohorte n'a encore racheté."},
    "page_blank_none": {"en": "none", "fr": "aucun"},
    "page_blank_none_why": {"en": "The data has no value here.",
                            "fr": "Les données n'ont pas de valeur ici."},
    "page_blank_no_cac": {"en": "no spend", "fr": "pas de dépense"},
    "page_blank_no_cac_why": {"en": "No acquisition spend to divide by, or no new customer.",
                              "fr": "Aucune dépense d'acquisition à diviser, ou aucun nouveau "
                                    "client."},
    "page_blank_per_channel": {"en": "per channel only", "fr": "par canal seulement"},
    "page_blank_per_channel_why": {"en": "This figure is computed for each channel, not for the "
                                         "channels together.",
                                   "fr": "Ce chiffre est calculé pour chaque canal, pas pour "
                                         "l'ensemble des canaux."},
    "page_blank_not_paid_back": {"en": "not paid back", "fr": "non remboursé"},
    "page_blank_not_paid_back_why": {"en": "The margin does not reach the CAC within the "
                                           "months observed or predicted.",
                                     "fr": "La marge n'atteint pas le CAC sur les mois observés "
                                           "ou prévus."},
    "page_blank_no_spend": {"en": "no spend recorded", "fr": "aucune dépense enregistrée"},
    "page_blank_no_spend_why": {"en": "No acquisition spend is recorded for this channel (or "
                                      "month): there is no cost to divide, hence no CAC, no "
                                      "LTV:CAC and no payback.",
                                "fr": "Aucune dépense d'acquisition n'est enregistrée pour ce "
                                      "canal (ou ce mois)\u00a0: pas de coût à diviser, donc ni "
                                      "CAC, ni LTV:CAC, ni délai de récupération."},
    "page_blank_no_spend_left": {"en": "no spend read", "fr": "aucune dépense lue"},
    "page_blank_no_spend_left_why": {
        "en": "No acquisition spend was read for this channel (or month), but lines of the "
              "spend file were left out at import (see the data page): their spend may be "
              "missing here, so there is no CAC, no LTV:CAC and no payback.",
        "fr": "Aucune dépense d'acquisition n'a été lue pour ce canal (ou ce mois), mais des "
              "lignes du fichier de dépenses ont été écartées à l'import (voir la page "
              "Données)\u00a0: leur dépense peut manquer ici, donc ni CAC, ni LTV:CAC, ni "
              "délai de récupération."},
    "page_spend_left_out": {
        "en": "{n} lines of the spend file {name} were left out at import, for this reason: "
              "{reasons}. The file does not say which channel they belonged to: the spend of "
              "some channels or months may be understated, and their CAC with it.",
        "fr": "{n} lignes du fichier de dépenses {name} ont été écartées à l'import, pour ce "
              "motif\u00a0: {reasons}. On ne sait pas à quel canal elles appartenaient\u00a0: "
              "la dépense de certains canaux ou mois peut être sous-estimée, et leur CAC "
              "avec."},
    "page_spend_left_out_one": {
        "en": "1 line of the spend file {name} was left out at import, for this reason: "
              "{reasons}. The file does not say which channel it belonged to: the spend of a "
              "channel or month may be understated, and its CAC with it.",
        "fr": "1 ligne du fichier de dépenses {name} a été écartée à l'import, pour ce "
              "motif\u00a0: {reasons}. On ne sait pas à quel canal elle appartenait\u00a0: la "
              "dépense d'un canal ou d'un mois peut être sous-estimée, et son CAC avec."},
    "page_spend_left_out_see": {"en": "See the rows left out", "fr": "Voir les lignes écartées"},
    "page_blank_no_new": {"en": "no new customer", "fr": "aucun nouveau client"},
    "page_blank_no_new_why": {"en": "The spend bought no new customer: there is no CAC to "
                                    "compute.",
                              "fr": "La dépense n'a acquis aucun nouveau client\u00a0: pas de "
                                    "CAC à calculer."},
    # the filters a page applies, and the ones it does not
    "page_filters_ignored": {
        "en": "These filters do not apply to this page ({filters}): {why} They are kept in "
              "the address for the other pages.",
        "fr": "Ces filtres ne s'appliquent pas à cette page ({filters})\u00a0: {why} Ils sont "
              "gardés dans l'adresse pour les autres pages."},
    "page_filters_why_models": {"en": "the models are fitted on all the customers.",
                                "fr": "les modèles sont ajustés sur tous les clients."},
    "page_filters_why_whatif": {"en": "the what-if moves the figures of all the customers and "
                                      "of a new customer.",
                                "fr": "le scénario porte sur l'ensemble des clients et sur un "
                                      "nouveau client."},
    "page_filters_why_data": {"en": "the data quality covers every row read.",
                              "fr": "la qualité des données porte sur toutes les lignes lues."},
    "page_filters_why_channels": {"en": "the channels' figures cover every customer each "
                                        "channel acquired.",
                                  "fr": "les chiffres des canaux portent sur tous les clients "
                                        "acquis par chaque canal."},
    "page_filters_why_segments": {"en": "the page compares the segments.",
                                  "fr": "la page compare les segments."},
    "page_channels_period": {
        "en": "The period ({filters}) applies to the monthly detail only: the channels' "
              "table, its total and the chart cover every month of the spend table.",
        "fr": "La période ({filters}) ne s'applique qu'au détail mensuel\u00a0: le tableau des "
              "canaux, son total et le graphique couvrent tous les mois du tableau de "
              "dépenses."},
    "page_channels_total_all": {
        "en": "The total row stays that of every channel (blended).",
        "fr": "La ligne de total reste celle de l'ensemble des canaux (mixte)."},
    "page_cohorts_of": {"en": "Cohorts, heat map and curves of the customers the filters keep "
                              "({filters}): {n} customers.",
                        "fr": "Cohortes, carte de chaleur et courbes des clients retenus par "
                              "les filtres ({filters})\u00a0: {n} clients."},
    "page_action_open": {"en": "Open the {n} '{segment}' customers",
                         "fr": "Ouvrir la liste des {n} clients «\u00a0{segment}\u00a0»"},
    "page_action_open_filtered": {
        "en": "Open the '{segment}' customers the filters keep",
        "fr": "Ouvrir la liste des clients «\u00a0{segment}\u00a0» que les filtres gardent"},
    "page_todo_all": {
        "en": "These actions count every customer, not the selection ({filters}): they are "
              "worked out once for the whole base. Their link opens the customers the filters "
              "keep.",
        "fr": "Ces actions comptent tous les clients, pas la sélection ({filters})\u00a0: "
              "elles sont établies une fois pour toute la base. Leur lien ouvre les clients "
              "que les filtres gardent."},
    "page_timing_filters": {
        "en": "The product pairs and the customers most likely to buy soon are those of the "
              "customers the filters keep ({filters}).",
        "fr": "Les paires de produits et les clients les plus susceptibles d'acheter bientôt "
              "sont ceux des clients que les filtres gardent ({filters})."},
    "page_timing_filters_all": {
        "en": "The customers most likely to buy soon are those the filters keep ({filters}); "
              "the product pairs cover the orders of every customer (this analysis keeps one "
              "line per customer and day, without the products of each order).",
        "fr": "Les clients les plus susceptibles d'acheter bientôt sont ceux que les filtres "
              "gardent ({filters})\u00a0; les paires de produits couvrent les commandes de "
              "tous les clients (cette analyse garde une ligne par client et par jour, sans "
              "les produits de chaque commande)."},
    "hist_basis_intro": {
        "en": "These analyses were not all made with the same settings. Future value, "
              "lifetime value and LTV:CAC depend on them: they do not compare across a change. "
              "The chart draws one line per run of analyses made alike, never joined across a "
              "change; the table gives each analysis's settings.",
        "fr": "Ces analyses n'ont pas toutes été faites avec les mêmes réglages. La valeur "
              "future, la valeur vie client et le LTV:CAC en dépendent\u00a0: ils ne se "
              "comparent pas d'un réglage à l'autre. Le graphique trace une ligne par suite "
              "d'analyses faites de même, jamais reliée par-dessus un changement\u00a0; le "
              "tableau donne les réglages de chaque analyse."},
    "hist_basis_change": {"en": "{setting}: {values}", "fr": "{setting}\u00a0: {values}"},
    "hist_basis_used": {"en": "{value} (analyses {ids})", "fr": "{value} (analyses {ids})"},
    "hist_basis_run": {"en": "{ids} · {settings}", "fr": "{ids} · {settings}"},
    "hist_basis_was": {"en": "changed: the previous analysis had {value}",
                       "fr": "changé\u00a0: l'analyse précédente avait {value}"},
    "hist_basis_changed_why": {
        "en": "{change} since the previous analysis of this source, which was made with other "
              "settings ({settings}): not a comparable change.",
        "fr": "{change} depuis l'analyse précédente de cette source, faite avec d'autres "
              "réglages ({settings})\u00a0: pas un écart comparable."},
    "hist_basis_margin": {"en": "margin", "fr": "marge"},
    "hist_basis_discount_rate": {"en": "discount rate", "fr": "taux d'actualisation"},
    "hist_basis_horizon": {"en": "horizon", "fr": "horizon"},
    "hist_basis_model": {"en": "model", "fr": "modèle"},
    "hist_basis_not_saved": {"en": "not saved", "fr": "non enregistré"},
    "page_pairs_export": {"en": "Export these pairs (CSV)",
                          "fr": "Exporter ces paires (CSV)"},
    "page_channel_chart_left": {
        "en": "Not in the chart (no CAC to compare): {names}.",
        "fr": "Absents du graphique (pas de CAC à comparer)\u00a0: {names}."},
    "page_named_why": {"en": "{name} ({why})", "fr": "{name} ({why})"},
    "page_channel_unknown": {"en": "Channel not known", "fr": "Canal inconnu"},
    "page_segments_left_one": {
        "en": "No customer in the segment {names}, hence no row nor bar.",
        "fr": "Aucun client dans le segment {names}, donc ni ligne ni barre."},
    "page_segments_left": {
        "en": "No customer in these segments, hence no row nor bar: {names}.",
        "fr": "Aucun client dans ces segments, donc ni ligne ni barre\u00a0: {names}."},
    "page_channel_chart_none": {
        "en": "No chart: it compares the LTV and the CAC of the channels whose spend is "
              "recorded.",
        "fr": "Pas de graphique\u00a0: il compare la LTV et le CAC des canaux dont la dépense "
              "est enregistrée."},
}
