"""Words and number formats of the report, in English and French."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import PurePath
from typing import Any

from clv.notes import Note

LANGS = ("en", "fr")

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Customer lifetime value report", "fr": "Rapport de valeur client"},
    "baseline_model": {"en": "naive baseline (each customer repeats their past rate)",
                       "fr": "référence naïve (chacun garde son rythme passé)"},
    "generated": {"en": "Generated on", "fr": "Généré le"},
    "data_to": {"en": "data up to", "fr": "données jusqu'au"},
    "summary": {"en": "Executive summary", "fr": "Synthèse"},
    "blended": {"en": "blended", "fr": "global"},
    "all_channels": {"en": "All channels (blended)", "fr": "Tous les canaux (global)"},
    # the heading of the actions counts those shown (actions_heading)
    "actions_1": {"en": "The action worth most", "fr": "L'action qui rapporte le plus"},
    "actions_n": {"en": "{n} actions worth most", "fr": "Les {n} actions qui rapportent le plus"},
    "actions_none": {"en": "Actions worth most", "fr": "Les actions qui rapportent le plus"},
    "no_action": {"en": "No action stands out on this data: no lever adds value, no channel is "
                        "worth more spend, no valuable customer is lapsing, no product leads to "
                        "another.",
                  "fr": "Aucune action ne ressort de ces données : aucun levier n'ajoute de "
                        "valeur, aucun canal ne mérite plus de budget, aucun client de valeur "
                        "ne s'éloigne, aucun produit n'en amène un autre."},
    "technical_detail": {"en": "Technical detail", "fr": "Détail technique"},
    # a blank cell of the channels table says why it is blank
    "channel_unknown": {"en": "Channel not known", "fr": "Canal inconnu"},
    "blank_no_spend": {"en": "no spend recorded", "fr": "aucune dépense enregistrée"},
    "blank_no_spend_why": {
        "en": "The spend table records no spend for this channel in its months: there is no "
              "cost to divide, so no CAC, no LTV:CAC, no verdict and no payback.",
        "fr": "Le tableau des dépenses n'enregistre aucune dépense pour ce canal sur ses mois : "
              "pas de coût à diviser, donc ni CAC, ni LTV:CAC, ni verdict, ni retour sur CAC."},
    "blank_no_new": {"en": "no new customer", "fr": "aucun nouveau client"},
    "blank_no_new_why": {
        "en": "No customer of this channel made a first purchase in the spend table's months: "
              "nothing to divide the spend by, and no new customer to value.",
        "fr": "Aucun client de ce canal n'a fait de premier achat dans les mois du tableau des "
              "dépenses : rien pour diviser les dépenses, aucun nouveau client à valoriser."},
    "blank_not_paid_back": {"en": "not paid back yet", "fr": "pas encore remboursé"},
    "blank_beyond_curve": {"en": "beyond the curve", "fr": "au-delà de la courbe"},
    "blank_not_paid_back_why": {
        "en": "The cumulative margin per customer of this channel has not reached its CAC "
              "within the months observed.",
        "fr": "La marge cumulée par client de ce canal n'a pas atteint son CAC dans les mois "
              "observés."},
    "blank_not_paid_back_model": {
        "en": "The cumulative margin per customer of this channel, continued by the model, "
              "does not reach its CAC within the months of the curve.",
        "fr": "La marge cumulée par client de ce canal, prolongée par le modèle, n'atteint pas "
              "son CAC dans les mois de la courbe."},
    "blank_new_not_paid_back_why": {
        "en": "The discounted margin the model expects of a new customer does not reach the "
              "CAC within the months of its curve.",
        "fr": "La marge actualisée que le modèle attend d'un nouveau client n'atteint pas le "
              "CAC dans les mois de sa courbe."},
    "chart_left_out": {"en": "Not in the chart ({reason}): {channels}.",
                       "fr": "Absents du graphique ({reason}) : {channels}."},
    "chart_left_out_one": {"en": "Not in the chart ({reason}): {channels}.",
                           "fr": "Absent du graphique ({reason}) : {channels}."},
    "blank_per_channel": {"en": "per channel only", "fr": "par canal seulement"},
    "blank_per_channel_why": {
        "en": "Paybacks and the maximum CAC are figures of one channel's customers and costs; "
              "they are not added up over the channels.",
        "fr": "Les retours sur CAC et le CAC maximal sont des chiffres des clients et des coûts "
              "d'un canal ; ils ne s'additionnent pas sur les canaux."},
    "blank_no_customer": {"en": "no customer", "fr": "aucun client"},
    "blank_no_customer_why": {"en": "No customer is in this segment: there is nothing to "
                                    "average.",
                              "fr": "Aucun client dans ce segment : rien à moyenner."},
    "interval": {"en": "interval", "fr": "intervalle"},
    "interval_of": {"en": "{level} interval", "fr": "intervalle à {level}"},
    "distribution": {"en": "Future value per customer ({horizon})",
                     "fr": "Valeur future par client ({horizon})"},
    "concentration": {"en": "Value concentration", "fr": "Concentration de la valeur"},
    "top10": {"en": "Gini {gini}: the top 10% of customers hold {share} of the future value "
                    "({horizon}).",
              "fr": "Gini {gini} : les 10 % meilleurs clients détiennent {share} de la valeur "
                    "future ({horizon})."},
    "cohorts": {"en": "Cohort retention", "fr": "Rétention par cohorte"},
    "heatmap_none": {
        "en": "No cohort has been observed beyond the period of its first purchase yet, so "
              "there is no retention to show.",
        "fr": "Aucune cohorte n'a encore été observée au-delà de la période de son premier "
              "achat : il n'y a pas encore de rétention à montrer."},
    "curves": {"en": "Cumulative revenue per customer by cohort", "fr":
               "Chiffre d'affaires cumulé par client et par cohorte"},
    "channels": {"en": "Acquisition channels", "fr": "Canaux d'acquisition"},
    "channels_lead": {"en": "Spend and new customers of the spend table's months ({start} to "
                            "{end}). The last row is the channels together: its LTV:CAC is "
                            "the blended one of the summary.",
                      "fr": "Dépenses et nouveaux clients des mois du tableau des dépenses "
                            "(de {start} à {end}). La dernière ligne réunit les canaux : son "
                            "LTV:CAC est le LTV:CAC global de la synthèse."},
    "segments": {"en": "Segments", "fr": "Segments"},
    "upsell": {"en": "Cross-sell windows", "fr": "Fenêtres de vente croisée"},
    "accuracy": {"en": "Model accuracy on held-out data", "fr":
                 "Précision des modèles sur données mises de côté"},
    "whatif": {"en": "What if", "fr": "Et si"},
    "top": {"en": "Top customers", "fr": "Meilleurs clients"},
    "quality": {"en": "Data quality", "fr": "Qualité des données"},
    "observed": {"en": "observed", "fr": "observé"},
    "predicted": {"en": "predicted", "fr": "prédit"},
    "historical": {"en": "historical", "fr": "historique"},
    "rows_read": {"en": "rows read", "fr": "lignes lues"},
    "rows_kept": {"en": "kept", "fr": "conservées"},
    "rows_excluded": {"en": "excluded", "fr": "exclues"},
    "reason": {"en": "reason", "fr": "motif"},
    "rows": {"en": "rows", "fr": "lignes"},
    "amount": {"en": "amount", "fr": "montant"},
    "model_used": {"en": "Model used", "fr": "Modèle retenu"},
    "no_spend": {"en": "No spend table was given: channels, CAC and payback are not shown.",
                 "fr": "Aucun tableau de dépenses fourni : canaux, CAC et retour sur "
                       "investissement non affichés."},
    "act_lever": {"en": "Work on {lever}: +{step} of it adds {base} to the future value of the "
                        "base ({horizon}) and {new} to the LTV of a new customer.",
                  "fr": "Agir sur {lever} : +{step} ajoute {base} à la valeur future de la "
                        "base ({horizon}) et {new} à la LTV d'un nouveau client."},
    "act_channel": {"en": "Put more of the acquisition budget into {channel}: LTV:CAC {ratio}; "
                          "its CAC could rise by {headroom} and stay at 3x.",
                    "fr": "Investir davantage du budget d'acquisition dans {channel} : LTV:CAC "
                          "de {ratio} ; son CAC pourrait augmenter de {headroom} en restant "
                          "à 3x."},
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
    "margin_lever": {"en": "margin", "fr": "la marge"},
    "cac": {"en": "CAC", "fr": "le CAC"},
    # table headers
    "channel": {"en": "channel", "fr": "canal"},
    "verdict": {"en": "verdict", "fr": "verdict"},
    "segment": {"en": "segment", "fr": "segment"},
    "tier": {"en": "tier", "fr": "niveau"},
    "share": {"en": "share", "fr": "part"},
    "share_of": {"en": "share of {figure}", "fr": "part de : {figure}"},
    "customers_share": {"en": "share of customers", "fr": "part des clients"},
    "lift": {"en": "lift", "fr": "effet multiplicateur"},
    "median": {"en": "median days", "fr": "jours, médiane"},
    "q1": {"en": "days, 1st quartile", "fr": "jours, 1er quartile"},
    "q3": {"en": "days, 3rd quartile", "fr": "jours, 3e quartile"},
    "then": {"en": "then", "fr": "puis"},
    "first_product": {"en": "first product", "fr": "premier produit"},
    "model": {"en": "model", "fr": "modèle"},
    "total_error": {"en": "error on the total", "fr": "erreur sur le total"},
    "customer": {"en": "customer", "fr": "client"},
    "lever": {"en": "lever", "fr": "levier"},
    "rank": {"en": "rank", "fr": "rang"},
    "lever_base": {"en": "+{step}: future value of the base ({horizon})",
                   "fr": "+{step} : valeur future de la base ({horizon})"},
    "lever_new": {"en": "+{step}: LTV of a new customer",
                  "fr": "+{step} : LTV d'un nouveau client"},
    "assumption": {"en": "{lever} (an assumption, not a lever)",
                   "fr": "{lever} (une hypothèse, pas un levier)"},
    "levers": {"en": "What each lever is worth on this data",
               "fr": "Ce que vaut chaque levier sur ces données"},
    "levers_lead": {"en": "Each lever moved by +{step} alone, from now on, with the models and "
                          "settings of this analysis; ranked by what it adds to the future "
                          "value of the base.",
                    "fr": "Chaque levier bougé seul de +{step}, à partir de maintenant, avec "
                          "les modèles et réglages de cette analyse ; classés selon ce qu'ils "
                          "ajoutent à la valeur future de la base."},
    "proportional": {"en": "{levers}: proportional by construction. Value is margin x spend "
                           "per purchase x purchases, so +{step} of either adds {step} to "
                           "every figure of value, on any data; this ranks nothing.",
                     "fr": "{levers} : proportionnels par construction. La valeur est marge x "
                           "panier x achats, donc +{step} de l'un ou l'autre ajoute {step} à "
                           "chaque chiffre de valeur, quelles que soient les données ; cela ne "
                           "classe rien."},
    "and": {"en": " and ", "fr": " et "},
    "margin_full": {"en": "The margin is assumed at 100%: it cannot rise.",
                    "fr": "La marge est supposée de 100 % : elle ne peut pas augmenter."},
    "channels_summary": {"en": "By acquisition channel", "fr": "Par canal d'acquisition"},
    "whatif_lead": {"en": "The scenario: {levers}, against the fitted model.",
                    "fr": "Le scénario : {levers}, appliqué au modèle ajusté."},
    "not_judged": {"en": "{n} customers not judged", "fr": "{n} clients non jugés"},
    "none_judged": {"en": "no customer can be judged (see the notes under Data quality)",
                    "fr": "aucun client n'est jugeable (voir les notes sous Qualité des "
                          "données)"},
    "not_judged_cell": {"en": "not judged", "fr": "non jugé"},
    "no_dropout": {"en": "no customer ever leaves under this model: a value over an endless "
                         "lifetime, discounted (see the notes under Data quality)",
                   "fr": "aucun client ne part selon ce modèle\u00a0: une valeur sur une "
                         "durée de vie sans fin, actualisée (voir les notes sous Qualité des "
                         "données)"},
    "no_prediction": {"en": "no prediction possible (see the notes under Data quality)",
                      "fr": "aucune prévision possible (voir les notes sous Qualité des "
                            "données)"},
    "p_alive_of": {"en": "P(alive) is that of {model}, the model of the values.",
                   "fr": "P(actif) est celle de {model}, le modèle des valeurs."},
    # how these figures are computed
    "definitions": {"en": "How these figures are computed",
                    "fr": "Comment ces chiffres sont calculés"},
    "basis": {"en": "Basis", "fr": "Base de calcul"},
    "figures": {"en": "The figures", "fr": "Les chiffres"},
    "basis_model": {"en": "Purchase model: {model}, {how}.",
                    "fr": "Modèle d'achat : {model}, {how}."},
    "chosen": {"en": "chosen on held-out data among {models} (smallest error on the held-out "
                     "transactions)",
               "fr": "choisi sur données mises de côté parmi {models} (plus petite erreur sur "
                     "les transactions mises de côté)"},
    "as_set": {"en": "as set", "fr": "tel que demandé"},
    "fallback": {"en": "the first that could be fitted (see the notes)",
                 "fr": "le premier qui a pu être ajusté (voir les notes)"},
    "spend_gg": {"en": "Spend per purchase: Gamma-Gamma model.",
                 "fr": "Panier par achat : modèle Gamma-Gamma."},
    "spend_mean": {"en": "Spend per purchase: the mean amount of a repeat purchase, "
                         "Gamma-Gamma not fitted (see the notes).",
                   "fr": "Panier par achat : le montant moyen d'un réachat, Gamma-Gamma non "
                         "ajusté (voir les notes)."},
    "basis_money": {"en": "Margin {margin} of revenue; discount rate {discount} a year, "
                          "applied continuously.",
                    "fr": "Marge de {margin} du chiffre d'affaires ; taux d'actualisation de "
                          "{discount} par an, appliqué en continu."},
    "basis_horizon": {"en": "Horizons: {horizon} for future value; the rest of the lifetime "
                            "for lifetime value, the LTV of a new customer and LTV:CAC.",
                      "fr": "Horizons : {horizon} pour la valeur future ; le reste de la durée "
                            "de vie pour la valeur vie client, la LTV d'un nouveau client et "
                            "le LTV:CAC."},
    "currency_known": {"en": "Currency: {currency} ({symbol}), the currency of the data; "
                             "every amount is in it.",
                       "fr": "Devise : {currency} ({symbol}), celle des données ; tous les "
                             "montants sont exprimés dans cette devise."},
    "currency_unknown": {"en": "Currency: not known (the data named none and none was set): "
                               "amounts are shown as numbers alone.",
                         "fr": "Devise : inconnue (les données n'en nomment aucune et aucune "
                               "n'a été indiquée) : les montants sont affichés sans devise."},
    "basis_history": {"en": "History: purchases from {start} to {end}.",
                      "fr": "Historique : achats du {start} au {end}."},
    "basis_spend": {"en": "Channels: spend and new customers of the spend table's months, "
                          "{start} to {end}; blended LTV:CAC = sum over channels of new "
                          "customers x LTV of a new customer / total spend.",
                    "fr": "Canaux : dépenses et nouveaux clients des mois du tableau des "
                          "dépenses, de {start} à {end} ; LTV:CAC global = somme sur les "
                          "canaux des nouveaux clients x LTV d'un nouveau client / dépenses "
                          "totales."},
    "basis_no_spend": {"en": "Channels: no spend table; the LTV of a new customer is that of "
                             "the customers acquired in the last 12 months of the data.",
                       "fr": "Canaux : pas de tableau des dépenses ; la LTV d'un nouveau "
                             "client est celle des clients acquis dans les 12 derniers mois "
                             "des données."},
    "meta_currency": {"en": "amounts in {currency} ({symbol})",
                      "fr": "montants en {currency} ({symbol})"},
    "meta_no_currency": {"en": "currency not known: amounts without a currency",
                         "fr": "devise inconnue : montants sans devise"},
    "more": {"en": "How these figures are computed", "fr": "Comment ces chiffres sont calculés"},
    "month_unit": {"en": "months", "fr": "mois"},
    "week_unit": {"en": "weeks", "fr": "semaines"},
    "day_unit": {"en": "days", "fr": "jours"},
    "year_unit": {"en": "years", "fr": "ans"},
    "quarter_unit": {"en": "quarters", "fr": "trimestres"},
    "age": {"en": "{unit} since the first purchase", "fr": "{unit} depuis le premier achat"},
    "actual": {"en": "actual", "fr": "réel"},
    "colon": {"en": ": ", "fr": "\u00a0: "},
}

SAAS_WORDS: dict[str, dict[str, str]] = {
    # the figures: label, then definition (``_def``)
    "saas_mrr": {"en": "MRR", "fr": "MRR"},
    "saas_mrr_def": {
        "en": "Monthly recurring revenue: the sum of the monthly amounts of the subscriptions "
              "active at the end of the month.",
        "fr": "Revenu récurrent mensuel\u00a0: somme des montants mensuels des abonnements "
              "actifs à la fin du mois."},
    "saas_net_new_mrr": {"en": "Net new MRR", "fr": "Variation nette du MRR"},
    "saas_net_new_mrr_def": {
        "en": "New + expansion + reactivation − contraction − churned MRR of the month: the "
              "change of MRR since the month before.",
        "fr": "Nouveau MRR + expansion + réactivation − contraction − MRR perdu du mois\u00a0: "
              "la variation du MRR depuis le mois précédent."},
    "saas_arpa": {"en": "ARPA", "fr": "ARPA"},
    "saas_arpa_def": {
        "en": "Average revenue per account: MRR / customers paying at the end of the month.",
        "fr": "Revenu moyen par compte (ARPA)\u00a0: MRR / clients "
              "payants à la fin du mois."},
    "saas_customers": {"en": "Paying customers", "fr": "Clients payants"},
    "saas_customers_def": {
        "en": "Customers with at least one subscription active at the end of the month.",
        "fr": "Clients ayant au moins un abonnement actif à la fin du mois."},
    "saas_logo_churn": {"en": "Customer churn", "fr": "Attrition des clients"},
    "saas_logo_churn_def": {
        "en": "Customers who stopped paying during the month / customers paying at the end "
              "of the month before (logo churn).",
        "fr": "Clients qui ont cessé de payer dans le mois / clients payants à la fin du mois "
              "précédent (attrition en nombre de clients)."},
    "saas_revenue_churn": {"en": "Revenue churn (gross MRR churn)",
                           "fr": "Attrition du revenu (attrition brute du MRR)"},
    "saas_revenue_churn_def": {
        "en": "(Churned MRR + contraction) of the month / MRR at the end of the month before; "
              "expansion does not offset it (ChartMogul's gross MRR churn rate).",
        "fr": "(MRR perdu + contraction) du mois / MRR à la fin du mois précédent\u00a0; "
              "l'expansion ne la compense pas (taux d'attrition brute du MRR de ChartMogul)."},
    "saas_grr": {"en": "Gross revenue retention (GRR), month",
                 "fr": "Rétention brute du revenu (GRR), mois"},
    "saas_grr_def": {
        "en": "(MRR at the start of the month − contraction − churned MRR) / MRR at the start: "
              "the revenue kept from the customers paying at the start, expansion left out "
              "(at most 100%).",
        "fr": "(MRR au début du mois − contraction − MRR perdu) / MRR au début\u00a0: le revenu "
              "conservé des clients payants au début du mois, hors expansion (100\u00a0% au "
              "plus)."},
    "saas_nrr": {"en": "Net revenue retention (NRR), month",
                 "fr": "Rétention nette du revenu (NRR), mois"},
    "saas_nrr_def": {
        "en": "(MRR at the start of the month − contraction − churned MRR + expansion) / MRR at "
              "the start: the revenue of the customers paying at the start, a month later. New "
              "and reactivated customers are left out.",
        "fr": "(MRR au début du mois − contraction − MRR perdu + expansion) / MRR au début\u00a0: "
              "le revenu des clients payants au début du mois, un mois plus tard. Les nouveaux "
              "clients et les clients réactivés n'y entrent pas."},
    "saas_grr_12m": {"en": "Gross revenue retention (GRR), 12 months",
                     "fr": "Rétention brute du revenu (GRR), 12 mois"},
    "saas_grr_12m_def": {
        "en": "Of the customers paying twelve months before: their MRR now, each counted at "
              "most at their MRR then, / their MRR then (ChartMogul's gross MRR retention; at "
              "most 100%).",
        "fr": "Pour les clients payants douze mois plus tôt\u00a0: leur MRR aujourd'hui, chacun "
              "compté au plus à son MRR d'alors, / leur MRR d'alors (rétention brute du MRR de "
              "ChartMogul\u00a0; 100\u00a0% au plus)."},
    "saas_nrr_12m": {"en": "Net revenue retention (NRR), 12 months",
                     "fr": "Rétention nette du revenu (NRR), 12 mois"},
    "saas_nrr_12m_def": {
        "en": "MRR now of the customers paying twelve months before (expansion and "
              "reactivation in, contraction and churn out) / their MRR then (ChartMogul's net "
              "MRR retention). Above 100%, the customers of a year ago pay more than they did.",
        "fr": "MRR aujourd'hui des clients payants douze mois plus tôt (expansion et "
              "réactivation comprises, contraction et attrition déduites) / leur MRR d'alors "
              "(rétention nette du MRR de ChartMogul). Au-delà de 100\u00a0%, les clients d'il y "
              "a un an paient plus qu'alors."},
    "saas_new": {"en": "New", "fr": "Nouveau"},
    "saas_new_def": {"en": "MRR of the customers paying for the first time.",
                     "fr": "MRR des clients qui paient pour la première fois."},
    "saas_expansion": {"en": "Expansion", "fr": "Expansion"},
    "saas_expansion_def": {
        "en": "MRR added by the customers who pay more than the month before (upgrades, more "
              "seats).",
        "fr": "MRR ajouté par les clients qui paient plus que le mois précédent (montée en "
              "gamme, licences en plus)."},
    "saas_reactivation": {"en": "Reactivation", "fr": "Réactivation"},
    "saas_reactivation_def": {"en": "MRR of the customers who had churned and pay again.",
                              "fr": "MRR des clients partis qui paient de nouveau."},
    "saas_contraction": {"en": "Contraction", "fr": "Contraction"},
    "saas_contraction_def": {
        "en": "MRR lost by the customers who pay less than the month before but still pay "
              "(downgrades).",
        "fr": "MRR perdu par les clients qui paient moins que le mois précédent sans partir "
              "(passage à une offre inférieure)."},
    "saas_churn": {"en": "Churned MRR", "fr": "MRR perdu"},
    "saas_churn_def": {"en": "MRR of the customers who stopped paying in the month.",
                       "fr": "MRR des clients qui ont cessé de payer dans le mois."},
    "saas_month": {"en": "Month", "fr": "Mois"},
    "saas_plan": {"en": "Plan", "fr": "Offre"},
    "saas_start_month": {"en": "Start month", "fr": "Mois de début"},
    "saas_all": {"en": "All subscriptions", "fr": "Tous les abonnements"},
    "saas_subscribers": {"en": "Active subscriptions", "fr": "Abonnements actifs"},
    "saas_subscribers_def": {
        "en": "Subscriptions active at the end of the data.",
        "fr": "Abonnements actifs à la fin des données."},
    "saas_plan_arpa": {"en": "ARPA", "fr": "ARPA"},
    "saas_plan_arpa_def": {
        "en": "Mean monthly amount of the active subscriptions.",
        "fr": "Montant mensuel moyen des abonnements actifs."},
    "saas_monthly_churn": {"en": "Monthly churn (observed)",
                           "fr": "Attrition mensuelle (observée)"},
    "saas_monthly_churn_def": {
        "en": "Subscriptions that ended / months paid by all the subscriptions (a customer's "
              "rows without a gap, such as a price change, are one subscription): the average "
              "monthly churn rate, the one the simple formula uses.",
        "fr": "Abonnements terminés / mois payés par l'ensemble des abonnements (les lignes "
              "d'un client qui se suivent sans interruption, comme un changement de prix, "
              "forment un seul abonnement)\u00a0: le taux d'attrition mensuel moyen, celui de "
              "la formule simple."},
    "saas_simple_ltv": {"en": "LTV, simple formula", "fr": "LTV, formule simple"},
    "saas_simple_ltv_def": {
        "en": "ARPA × gross margin ({margin}) / monthly churn (observed), not discounted: every "
              "subscriber is taken to churn at the same average rate every month.",
        "fr": "ARPA × marge brute ({margin}) / attrition mensuelle (observée), sans "
              "actualisation\u00a0: chaque abonné est supposé partir au même taux moyen chaque "
              "mois."},
    "saas_sbg_ltv": {"en": "LTV, sBG model", "fr": "LTV, modèle sBG"},
    "saas_sbg_ltv_def": {
        "en": "ARPA × gross margin ({margin}) × discounted expected lifetime of a new "
              "subscriber, in months, from the shifted-beta-geometric model fitted on the "
              "subscriptions (Fader & Hardie 2007, 2010), at {discount} a year: churn differs "
              "between subscribers, so it falls with tenure as the less loyal leave.",
        "fr": "ARPA × marge brute ({margin}) × durée de vie attendue actualisée d'un nouvel "
              "abonné, en mois, selon le modèle bêta-géométrique décalé (sBG) ajusté sur les "
              "abonnements (Fader & Hardie 2007, 2010), à {discount} par an\u00a0: l'attrition "
              "varie d'un abonné à l'autre, elle baisse donc avec l'ancienneté à mesure que les "
              "moins fidèles partent."},
    "saas_ltv_ratio": {"en": "sBG / simple", "fr": "sBG / simple"},
    "saas_ltv_ratio_def": {"en": "LTV from sBG / LTV from the simple formula.",
                           "fr": "LTV du modèle sBG / LTV de la formule simple."},
    "saas_cohort": {"en": "First paying month", "fr": "Premier mois payé"},
    "saas_cohort_customers": {"en": "Customers at start", "fr": "Clients au départ"},
    "saas_cohort_mrr": {"en": "MRR at start", "fr": "MRR au départ"},
    "saas_logo_retention": {"en": "Subscriber retention", "fr": "Rétention des abonnés"},
    "saas_logo_retention_def": {
        "en": "Share of a cohort's customers paying N months after their first paying month "
              "(customers back after a churn count again).",
        "fr": "Part des clients d'une cohorte qui paient N mois après leur premier mois payé "
              "(les clients revenus après un départ comptent de nouveau)."},
    "saas_revenue_retention": {"en": "Net revenue retention by cohort",
                               "fr": "Rétention nette du revenu par cohorte"},
    "saas_revenue_retention_def": {
        "en": "MRR of a cohort N months after its first month / its MRR in that first month: "
              "expansion and reactivation in, contraction and churn out (ChartMogul's net MRR "
              "retention cohorts).",
        "fr": "MRR d'une cohorte N mois après son premier mois / son MRR ce premier mois\u00a0: "
              "expansion et réactivation comprises, contraction et attrition déduites "
              "(cohortes de rétention nette du MRR de ChartMogul)."},
    # the section's words
    "saas_title": {"en": "Subscriptions: MRR, churn and retention",
                   "fr": "Abonnements\u00a0: MRR, attrition et rétention"},
    "saas_at_end": {"en": "at the end of {month}", "fr": "à la fin de {month}"},
    "saas_in_month": {"en": "in {month}", "fr": "en {month}"},
    "saas_to_month": {"en": "over the 12 months to {month}",
                      "fr": "sur les 12 mois jusqu'à {month}"},
    "saas_short_history": {"en": "{month} alone: fewer than 12 months of history",
                           "fr": "{month} seul\u00a0: moins de 12 mois d'historique"},
    "saas_customer_moves": {"en": "{new} new, {back} back, {lost} lost in {month}",
                            # labels then counts: no agreement to get wrong ("1 parti"),
                            # "réactivés", as "revenus" reads as revenue on this page
                            "fr": "{month}\u00a0: nouveaux {new}, réactivés {back}, "
                                  "partis {lost}"},
    "saas_blank_no_start": {"en": "no customer before", "fr": "aucun client avant"},
    "saas_blank_not_yet": {"en": "not yet elapsed", "fr": "pas encore écoulé"},
    "saas_not_yet": {"en": "{cohort}: from month {age} after the first paid month on, the "
                           "months have not yet elapsed at the end of the data.",
                     "fr": "{cohort} : à partir du mois {age} après le premier mois payé, les "
                           "mois ne sont pas encore écoulés à la fin des données."},
    "saas_blank_not_fitted": {"en": "not fitted", "fr": "non ajusté"},
    "saas_blank_no_churn": {"en": "no churn yet", "fr": "aucun départ"},
    "saas_no_start": {"en": "blank: nobody paid at the end of the month before",
                      "fr": "vide\u00a0: personne ne payait à la fin du mois précédent"},
    "saas_no_month": {"en": "No calendar month has ended in the subscriptions table yet: the "
                            "monthly figures start once one has.",
                      "fr": "Aucun mois calendaire n'est encore terminé dans le tableau des "
                            "abonnements\u00a0: les chiffres mensuels commencent dès qu'un "
                            "mois l'est."},
    "saas_movements_title": {"en": "MRR and its movements by month",
                             "fr": "Le MRR et ses mouvements par mois"},
    "saas_movements_table": {"en": "The last {n} months", "fr": "Les {n} derniers mois"},
    "saas_cohorts_lead": {
        "en": "Each row follows the customers who first paid in that month; each column is "
              "the number of months since.",
        "fr": "Chaque ligne suit les clients qui ont payé pour la première fois ce mois-là\u00a0;"
              " chaque colonne donne le nombre de mois écoulés depuis."},
    "saas_cohorts_cut": {
        "en": "The last {cohorts} cohorts and their first {ages} months are shown; the JSON of "
              "the page has them all.",
        "fr": "Les {cohorts} dernières cohortes et leurs {ages} premiers mois sont affichés\u00a0;"
              " le JSON de la page les donne toutes."},
    "saas_cohort_cell": {"en": "{cohort}, month {age}: {n} of {n0} customers ({share})",
                         "fr": "{cohort}, mois {age}\u00a0: {n} sur {n0} clients ({share})"},
    "saas_cohort_cell_one": {"en": "{cohort}, month {age}: {n} of {n0} customer ({share})",
                             "fr": "{cohort}, mois {age}\u00a0: {n} sur {n0} client ({share})"},
    "saas_revenue_cell": {"en": "{cohort}, month {age}: {mrr} of {mrr0} ({share})",
                          "fr": "{cohort}, mois {age}\u00a0: {mrr} sur {mrr0} ({share})"},
    "saas_plans_title": {"en": "Lifetime value per {by}: sBG model and simple formula",
                         "fr": "Valeur vie client par {by}\u00a0: modèle sBG et formule simple"},
    "saas_by_plan": {"en": "plan", "fr": "offre"},
    "saas_by_cohort": {"en": "start month", "fr": "mois de début"},
    "saas_by_all": {"en": "subscription", "fr": "abonnement"},
    "saas_gap_high": {
        "en": "{plan}: the sBG LTV is {ratio} the simple formula's, though it is discounted and "
              "the formula is not. The formula applies the average churn ({churn} a month) to "
              "every month of a subscriber's life; sBG lets churn differ between subscribers, "
              "so it falls with tenure as the less loyal leave, and the subscribers who stay "
              "are worth more than the average says.",
        "fr": "{plan}\u00a0: la LTV du modèle sBG vaut {ratio} celle de la formule simple, bien "
              "qu'elle soit actualisée et la formule non. La formule applique l'attrition "
              "moyenne ({churn} par mois) à chaque mois de la vie d'un abonné\u00a0; le modèle "
              "sBG laisse l'attrition varier d'un abonné à l'autre\u00a0: elle baisse avec "
              "l'ancienneté à mesure que les moins fidèles partent, et les abonnés qui restent "
              "valent plus que la moyenne ne le dit."},
    "saas_gap_low": {
        "en": "{plan}: the sBG LTV is {ratio} the simple formula's. sBG discounts future "
              "months ({discount} a year) and sees new subscribers leave faster than the "
              "average churn ({churn} a month), which the long-lived subscribers of the base "
              "hold down.",
        "fr": "{plan}\u00a0: la LTV du modèle sBG vaut {ratio} celle de la formule simple. Le "
              "modèle actualise les mois futurs ({discount} par an) et voit les nouveaux "
              "abonnés partir plus vite que l'attrition moyenne ({churn} par mois), que les "
              "abonnés anciens de la base tirent vers le bas."},
    "saas_times": {"en": "{ratio} times", "fr": "{ratio} fois"},
    "saas_not_fitted": {
        "en": "{plan}: the sBG model could not be fitted (too few subscriptions, or too few "
              "ended, to estimate it).",
        "fr": "{plan}\u00a0: le modèle sBG n'a pas pu être ajusté (trop peu d'abonnements, ou "
              "trop peu de terminés, pour l'estimer)."},
    "saas_no_churn": {
        "en": "{plan}: no subscription has ended, so the observed churn is 0 and the simple "
              "formula has no finite value.",
        "fr": "{plan}\u00a0: aucun abonnement n'est terminé\u00a0; l'attrition observée est "
              "nulle et la formule simple n'a pas de valeur finie."},
    "saas_how": {"en": "How the subscription figures are computed",
                 "fr": "Comment les chiffres d'abonnement sont calculés"},
    "saas_basis_months": {
        "en": "Monthly figures at the end of each calendar month, from {start} to {end}; a "
              "month counts once it has ended.",
        "fr": "Chiffres mensuels à la fin de chaque mois calendaire, de {start} à {end}\u00a0; "
              "un mois compte une fois terminé."},
    "saas_basis_ltv": {
        "en": "LTV at a gross margin of {margin} and a discount rate of {discount} a year; "
              "the sBG model is fitted per {by}.",
        "fr": "LTV à une marge brute de {margin} et un taux d'actualisation de {discount} par "
              "an\u00a0; le modèle sBG est ajusté par {by}."},
    "saas_chart_label": {
        "en": "MRR movements by month from {start} to {end}: new, expansion and reactivation "
              "above zero, contraction and churned MRR below; the line is the MRR, from "
              "{first} to {last}.",
        "fr": "Mouvements du MRR par mois de {start} à {end}\u00a0: nouveau MRR, expansion et "
              "réactivation au-dessus de zéro, contraction et MRR perdu en dessous\u00a0; la "
              "ligne est le MRR, de {first} à {last}."},
    "saas_chart_moves": {"en": "MRR movement", "fr": "Mouvement de MRR"},
    "saas_chart_mrr": {"en": "MRR at the end of the month", "fr": "MRR à la fin du mois"},
}
"""The words of the subscription (SaaS) figures, shared by the report and the dashboard."""

WORDS.update(SAAS_WORDS)

SEGMENT_NAMES: dict[str, dict[str, str]] = {
    "champions": {"en": "Champions", "fr": "Champions"},
    "cannot_lose": {"en": "Can't lose them", "fr": "À ne pas perdre"},
    "loyal": {"en": "Loyal", "fr": "Fidèles"},
    "at_risk": {"en": "At risk", "fr": "À risque"},
    "new": {"en": "New", "fr": "Nouveaux"},
    "potential_loyalists": {"en": "Potential loyalists", "fr": "Fidèles en devenir"},
    "hibernating": {"en": "Hibernating", "fr": "En sommeil"},
    "lost": {"en": "Lost", "fr": "Perdus"},
}
"""The display names of clv.segments.SEGMENTS."""

VERDICTS: dict[str, dict[str, str]] = {
    "loses money": {"en": "loses money", "fr": "perd de l'argent"},
    "thin": {"en": "thin", "fr": "marge mince"},
    "healthy": {"en": "healthy", "fr": "sain"},
    "under-investing?": {"en": "under-investing?", "fr": "sous-investissement ?"},
}
"""The LTV:CAC verdicts of clv.formulas.ltv_cac_ratio."""

REASONS: dict[str, str] = {
    "missing customer id": "identifiant client manquant",
    "guest checkout without customer id": "commande invitée sans identifiant client",
    "order status not paid (failed, cancelled, refunded, awaiting payment)":
        "commande non payée (échouée, annulée, remboursée, en attente de paiement)",
    "unparsable date": "date illisible",
    "unparsable amount": "montant illisible",
    "other currency": "autre devise",
    "date in the future": "date dans le futur",
    "duplicated order line": "ligne de commande en double",
    "refund (policy 'drop')": "remboursement (règle « drop »)",
    "free line (unit price 0)": "ligne gratuite (prix unitaire 0)",
    "negative unit price (an adjustment, such as bad debt)":
        "prix unitaire négatif (un ajustement, comme une créance irrécouvrable)",
    "unparsable quantity": "quantité illisible",
    "not a sales journal entry": "écriture hors journal des ventes",
    "amount out of range": "montant hors limites",
    "date before 1970-01-01 (a placeholder)": "date antérieure au 01/01/1970 (une valeur "
                                              "par défaut)",
    "totals row": "ligne de totaux",
    "empty row (no value in any column)": "ligne vide (aucune valeur dans aucune colonne)",
}
"""French of the exclusion reasons of clv.data.issues."""


NOTES: dict[str, str] = {
    "mixed_decimals": "la colonne « {column} » mêle virgules décimales ({commas} valeurs) et "
                      "points décimaux ({points} valeurs) ; chaque valeur a été lue selon sa "
                      "forme",
    "ambiguous_decimals": "colonne « {column} » : {n} valeurs comme « 1,234 » ou « 1.234 » se "
                          "lisent des deux façons et rien d'autre dans la colonne ne tranche ; "
                          "lues avec « , » séparateur des milliers et « . » séparateur décimal "
                          "(decimal=',' pour changer)",
    "date_order": "colonne « {column} » lue en {order} : des valeurs comme « {example} » "
                  "excluent l'autre ordre",
    "encoding": "le fichier n'est pas en UTF-8 ; lu en {encoding}",
    "delimited": "lu comme texte délimité : séparateur {delimiter}, {header}",
    "line_items": "{n} lignes d'articles sans montant propre appartiennent à des commandes dont "
                  "le montant est sur une autre ligne ; conservées avec un montant de 0",
    "preset_detected": "les en-têtes sont ceux d'un export {preset} : lu avec le préréglage "
                       "{preset} (en choisir un autre avec preset=...)",
    "line_item_amounts": "journal de lignes d'articles : le montant de chaque ligne est "
                         "« {quantity} » x « {price} » (quantité x prix unitaire)",
    "line_item_orders": "les {lines} lignes conservées forment {orders} commandes ({by})",
    "price_as_amount": "la colonne « {column} » (un prix) est prise comme montant de chaque "
                       "ligne : aucune colonne de quantité ne la multiplie (en nommer une avec "
                       "quantity=...)",
    "unit_price_as_amount": "la colonne « {column} » donnée comme montant ressemble à un prix "
                            "unitaire alors que « {quantity} » contient des quantités : les "
                            "montants n'ont pas été multipliés (la donner en price=... au lieu "
                            "de amount=... pour quantité x prix)",
    "cancellations": "{n} lignes annulées ({how}), total {total}, sont des remboursements de "
                     "leurs clients (règle des remboursements « {policy} »)",
    "ledger_sides": "grand livre : montant = « {plus} » - « {minus} » (les ventes sont du côté "
                    "{plus} dans {percent} % des écritures)",
    "refunded_netted": "{n} paiements remboursés en tout ou partie : le montant de « {column} » "
                       "(total {total}) en est déduit",
    "date_format_time_left_out": "les valeurs de « {column} » portent une heure (par "
                                 "exemple « {example} ») que date_format='{given}' ne lit "
                                 "pas : leur jour est lu avec ce format, leur heure laissée "
                                 "de côté (un format avec l'heure, comme "
                                 "'%b %d, %Y %I:%M %p', lit les deux)",
    "date_format_unread": "{n} valeurs de « {column} » restent illisibles avec "
                          "date_format='{given}', alors que « {better} » en lit davantage : "
                          "vérifier le format des dates",
    "customer_email_over_name": "les clients sont distingués par leur e-mail de « {email} », "
                                "non par les noms de « {column} » (des homonymes "
                                "compteraient pour un seul client)",
    "customer_names": "les clients sont distingués par le nom de « {column} » (l'export "
                      "n'a pas d'identifiant client) : des homonymes comptent pour un seul "
                      "client, et un client qui change de nom pour deux",
    "excel_dates": "colonne « {column} » lue en numéros de série de tableur (p. ex. "
                   "« {example} » : jours depuis le 30/12/1899)",
    "header_row": "l'en-tête du tableau est à la ligne {row} (les lignes au-dessus sont un "
                  "titre)",
    "encoding_guessed": "le fichier n'a pas de marque d'ordre des octets mais ses octets nuls "
                        "montrent du texte {encoding} ; lu en {encoding}",
    "encoding_mixed": "lignes hors UTF-8, lues en {encoding} : {n} (numéros {lines}) ; les "
                      "autres sont en UTF-8",
    "encoding_majority": "fichier lu en {encoding} : {bad} de ses lignes avec accents ou "
                         "symboles ne sont pas en UTF-8, mais {good} autres sont en UTF-8 valide "
                         "et peuvent les afficher mal (encoding=... pour choisir)",
    "cr_line_ends": "les lignes finissent par un retour chariot seul (un ancien fichier texte "
                    "Mac) : lus comme fins de ligne",
    "renamed_text": "le fichier nommé {suffix} n'est pas un classeur mais du texte délimité "
                    "(un CSV renommé ?) : lu comme texte",
    "date_and_time": "dates de « {date} » et heures de « {time} » lues ensemble",
    "currencies": "plusieurs devises trouvées ; {currency}, la plus fréquente, est conservée "
                  "(choisir avec currency=...)",
    "currency_cell_errors": "{n} cellules de « {column} » contiennent une erreur de tableur "
                            "(comme « {example} ») : illisibles, lues comme vides, non comme "
                            "des devises",
    "identical_rows": "{n} lignes répètent exactement une autre ligne ; conservées, car sans "
                      "numéro de commande rien ne les distingue de vrais réachats "
                      "(duplicates='drop' les retire)",
    "read_not_summarised": "la table a été lue ligne à ligne, et non résumée par la base : "
                           "{reason}",
    "statuses_not_found": "{n} des statuts de commande donnés n'apparaissent jamais dans "
                          "« {column} » : {values} (une faute de frappe ?)",
    "zero_rows": "{n} lignes de montant nul conservées : ce ne sont pas des achats, mais la "
                 "première commande d'un client, même gratuite, ouvre la relation",
    "refunds": "{n} remboursements (montants négatifs, total {total}) conservés, à déduire des "
               "achats du même client sur la même période",
    "refunds_linked": "{n} remboursements (total {total}) faits après leur commande, "
                      "retrouvée par son numéro, sont déduits de la période de la commande : "
                      "une commande remboursée n'est pas un achat",
    "spend_sample": "Gamma-Gamma ajusté sur un échantillon uniforme de {n} des {repeat} "
                    "clients ayant racheté (la limite du moteur Spark sur ce que reçoit le "
                    "driver)",
    "outlier_amount": "ligne {row} : {amount} (client « {customer} ») vaut {ratio} fois le "
                      "99e centile des autres montants ({typical}) et {percent} % du chiffre "
                      "d'affaires ; vérifier qu'il ne s'agit pas d'une faute de frappe ou "
                      "d'une commande de test",
    "no_spend_model": "modèle de dépense non ajusté ({reason}) ; la CLV utilise la dépense "
                      "moyenne par achat",
    "spend_mean_infinite": "modèle de dépense inutilisable (Gamma-Gamma : q = {q} ≤ 1, sa "
                           "dépense moyenne par achat n'est pas finie) ; la CLV utilise la "
                           "dépense moyenne par achat",
    "spend_dependence": "fréquence et dépense moyenne des clients réguliers sont corrélées "
                        "(Pearson {r}, au-delà de ±{limit}) ; Gamma-Gamma les suppose "
                        "indépendantes, ses prédictions de dépense peuvent être biaisées",
    "no_comparison": "pas de comparaison de modèles ({reason}) ; {model} est retenu",
    "not_converged": "{model} n'a pas convergé sur tout l'historique ({reason}) ; {next} est "
                     "essayé ensuite",
    "no_dropout": "{model} : aucun signe d'attrition des clients dans ces données ({params}) : "
                  "le modèle se réduit à la NBD, chaque client compte comme encore actif, "
                  "P(actif) n'apporte rien et les tirages de paramètres laissent ceux de "
                  "l'attrition fixes",
    "same_dropout": "{model} : tous les clients ont le même abandon ({value} par {per} ; "
                    "{params}) : les données ne montrent aucune différence entre clients dans "
                    "la durée de leur relation, l'abandon du modèle est donc cette seule "
                    "valeur ; P(actif) suit toujours les achats de chaque client",
    "same_rate": "{model} : tous les clients achètent au même rythme ({value} par {per} ; "
                 "{params}) : les données ne montrent aucune différence entre clients dans "
                 "leur fréquence d'achat, le rythme du modèle est donc cette seule valeur et "
                 "les achats passés d'un client ne le changent plus (seulement la probabilité "
                 "qu'il soit encore actif)",
    "interval_capped": "{model} : l'intervalle à {level} de {params} dépasse le plus grand "
                       "nombre représentable : sa borne supérieure est affichée comme inf (les "
                       "données ne les bornent guère)",
    "draws_left_out": "{model} : {left} tirages de paramètres sur {asked} écartés des "
                      "intervalles de CLV ({reason}) : les intervalles reposent sur les {used} "
                      "autres",
    "no_usable_draw": "{model} : aucun des {asked} tirages de paramètres n'a pu servir "
                      "({reason}) : aucun intervalle de CLV n'est donné",
    "at_bound": "{model} : {params} au bord de l'espace des paramètres (les données ne les "
                "bornent pas) : pas d'écart-type, un intervalle unilatéral, et les tirages de "
                "paramètres les y laissent",
    "unidentified": "{model} : les données n'identifient pas {params} (la vraisemblance n'en "
                    "dépend pas) ; ils restent où l'ajustement s'est arrêté",
    "naive_best": "la référence naïve (le rythme d'achat passé de chaque client prolongé) "
                  "prédit les données mises de côté mieux que tous les modèles (RMSE {naive} "
                  "contre {best} pour {model}) ; {model} est retenu comme le meilleur des "
                  "modèles, non comme meilleur que la référence",
    "p_alive_activity": "BG/NBD compte comme actif tout client sans second achat "
                        "(P(actif) = 1 par hypothèse) ; les vues de segments et d'activité "
                        "prennent P(actif) de {model}, ajusté sur les mêmes données",
    "p_alive_not_judged": "BG/NBD compte comme actif tout client sans second achat, et aucun "
                          "autre modèle n'a pu être ajusté ({reason}) : leur P(actif) est "
                          "laissé vide dans les vues de segments et d'activité (non jugé)",
    "p_alive_no_dropout": "{model} suppose qu'aucun client ne cesse d'acheter ici : chaque "
                          "P(actif) vaut 1 par hypothèse, les vues de segments et d'activité la "
                          "laissent vide (non jugé)",
    "lifetime_capped": "sans actualisation, la valeur sur la durée de vie est prise sur "
                       "{months:,} mois",
    "no_model": "aucun modèle d'achat n'a pu être ajusté ({reason}) ; la NBD (chaque client "
                "achète à son propre rythme, sans attrition) est utilisée",
    "not_fitted": "{model} n'a pas pu être ajusté sur tout l'historique ({reason}) ; {next} est "
                  "essayé ensuite",
    "customers_unmatched": "aucun des {rows} identifiants de la table des clients (comme "
                           "« {example} ») n'est un client des transactions (comme "
                           "« {known} ») : ses colonnes {columns} manquent pour tous les "
                           "clients ; les identifiants doivent s'écrire de la même façon "
                           "des deux côtés",
    "cohort_ages_capped": "la table des cohortes s'arrête à l'âge {ages} (unité : {period}) "
                          "après l'acquisition, soit 50 ans : {lines} lignes d'âges plus "
                          "élevés, de clients acquis à partir du {first}, en sont exclues",
    "amount_ex_tax": "le montant est « {column} », hors taxes (la taxe revient à l'État, "
                     "comme le Subtotal de Shopify) ; « {other} » le donne taxes comprises "
                     "(--amount '{other}' le prend)",
    "amount_inc_tax": "le montant est « {column} », taxes comprises ; « {other} » le donne "
                      "hors taxes (--amount '{other}' le prend)",
    "refund_flag_whole": "{n} paiements marqués remboursés dans « {flag} » sans montant "
                         "remboursé sont remboursés en entier (total {total} déduit) ; "
                         "« {flag} » est un indicateur oui/non, pas un montant",
    "order_total_repeated": "{n} commandes répètent leur total « {column} » sur chacune "
                            "de leurs lignes (même « {order} », même montant) : compté une "
                            "fois par commande, leurs {lines} autres lignes gardées comme "
                            "articles de montant 0",
    "order_lines_filled": "{n} lignes sans date dans « {column} » sont d'autres lignes "
                          "d'une commande écrite plus haut (même « {order} ») : elles en "
                          "prennent la date et le client",
    "credit_notes": "{n} lignes de « {column} » sont des avoirs (« {example} »), écrits "
                    "en montant positif : comptés comme remboursements (total {total} "
                    "déduit), non comme achats",
    "guest_ids_excluded": "{n} lignes ont l'identifiant client 0 dans « {column} », celui "
                          "d'une commande invitée, et aucune colonne d'e-mail ne distingue "
                          "les invités : exclues comme commandes invitées (sinon elles "
                          "feraient un seul client « 0 »)",
    "guest_emails": "{n} lignes de commandes invitées (« {column} » à 0 ou vide) sont "
                    "distinguées par leur e-mail de « {email} » (en minuscules) ; les autres "
                    "lignes par leur identifiant",
    "email_ids_merged": "les identifiants clients de « {column} » sont des e-mails, comparés "
                        "sans la casse : {n} d'entre eux ne différaient d'un autre que par la "
                        "casse et ont été fusionnés",
    "no_prediction_time": "aucune prévision possible : les premiers achats des {n} clients "
                          "tombent tous le dernier jour des données ({day}), aucun temps n'a "
                          "donc passé pour voir quiconque racheter ; la valeur future, la "
                          "valeur vie client et la LTV d'un nouveau client ne sont pas "
                          "données (l'historique l'est)",
    "no_prediction_repeat": "aucune prévision possible : aucun des {n} clients n'a racheté, "
                            "la fréquence de réachat ne peut donc pas être estimée ; la valeur "
                            "future, la valeur vie client et la LTV d'un nouveau client ne "
                            "sont pas données (l'historique l'est)",
    "minor_units": "les montants de « {column} » et « {refunded} » sont dans la plus petite "
                   "unité de la devise (paiements de l'API Stripe : 14950 vaut 149,50) : "
                   "divisés par 100, sauf dans les devises sans décimales (JPY, KRW...), "
                   "écrites en unités",
    "refund_basis": "« {column} » est l'argent remboursé taxes et livraison comprises "
                    "({written}) alors que le montant « {basis} » n'a ni l'une ni l'autre : "
                    "chaque remboursement est multiplié par « {basis} » / « {gross} » de sa "
                    "commande ({deducted} déduits)",
    "two_digit_years": "la colonne « {column} » écrit les années sur deux chiffres (par "
                       "ex. « {example} », lue en {year}) : 00 à 68 sont lues 2000 à 2068, "
                       "69 à 99 sont lues 1969 à 1999",
    "payment_activity": "relevé d'activité d'un compte de paiement : les paiements reçus "
                        "des acheteurs sont leurs achats, par l'e-mail de « {buyer} » "
                        "(lignes : {sales}) ; les remboursements sont ceux de l'acheteur de "
                        "« {refunded} » (lignes : {refunds}) ; les autres mouvements de "
                        "« {type} » (retraits, conversions de devises, blocages, frais, "
                        "virements, paiements envoyés ; lignes : {other}) ne sont pas des "
                        "ventes, comptés sous « écriture hors journal des ventes »",
    "zone_column": "la colonne « {column} » donne le fuseau horaire dans lequel les dates "
                   "sont écrites (comme {example}) : les dates sont prises telles qu'écrites, "
                   "dans ce fuseau, sans conversion en {zone} (un achat vers minuit peut "
                   "tomber la veille ou le lendemain en {zone})",
    "adjusted_amounts": "{n} commandes ont un total ajusté dans « {adjusted} » (un "
                        "remboursement ou un ajustement) : leur montant est celui-ci "
                        "({after}), pas « {column} » ({before}) ; le montant des autres "
                        "commandes est « {column} »",
    "dates_preset_order": "colonne « {column} » : des dates comme « {example} » se lisent "
                          "dans les deux ordres et aucune ne tranche ; lues mois d'abord "
                          "(MM/JJ), comme les écrivent les exports {preset} (donner "
                          "date_format='dmy' si le jour vient d'abord)",
    "walk_ins": "{n} ventes à un client fictif de caisse ({example} dans « {column} » : "
                "un client de passage, une vente anonyme) ne sont à aucun client : exclues "
                "comme commandes invitées sans identifiant client",
    "one_customer": "les {rows} lignes conservées ont toutes le même client dans "
                    "« {column} » (« {example} ») : la colonne ne distingue pas les clients "
                    "(l'e-mail du commerçant, une valeur fictive ?) et tous les chiffres sont "
                    "ceux d'un seul client ; nommer la colonne des clients avec --customer "
                    "(colonnes : {columns})",
    "dominant_customer": "un identifiant client de « {column} », « {example} », porte "
                         "{percent} % des lignes conservées ({count} sur {rows}) : "
                         "l'e-mail du commerçant ou une valeur fictive plutôt qu'un client ? "
                         "Vérifier la colonne",
    "ledger_accounts": "« {column} » porte les numéros de compte du journal : les lignes "
                       "des comptes clients (411..., ou comptes auxiliaires comme "
                       "« {customer} ») sont celles des clients ; {n} lignes d'autres comptes "
                       "(comme {example} : ventes, TVA) sont les contreparties des factures, "
                       "exclues comme « identifiant client manquant »",
    "dates_day_first": "colonne « {column} » : des dates comme « {example} » se lisent dans "
                       "les deux ordres et aucune ne tranche ; lues jour d'abord (JJ/MM/AAAA), "
                       "comme les écrivent les fichiers français et européens : {evidence} "
                       "montre un tel fichier (donner date_format='mdy' si le mois vient "
                       "d'abord)",
}
"""French of the notes of clv.notes, by kind; values are written for French first."""
NOTE_VALUES: dict[str, str] = {"with header": "avec en-tête", "without header": "sans en-tête",
                               "DD/MM/YYYY": "JJ/MM/AAAA", "MM/DD/YYYY": "MM/JJ/AAAA",
                               "negative quantity": "quantité négative", "quarter": "trimestre",
                               "purchase": "achat", "day": "jour", "week": "semaine",
                               "month": "mois", "year": "an", "period": "période",
                               "no finite mean spend": "pas de dépense moyenne finie",
                               "predictions not finite": "prédictions non finies",
                               "refit failed": "réajustement impossible",
                               "order id prefixed 'C'": "numéro de commande préfixé « C »",
                               "order id prefixed 'C' or negative quantity":
                                   "numéro de commande préfixé « C » ou quantité négative",
                               "by order id": "par numéro de commande",
                               "by customer and time": "par client et horodatage",
                               "debit": "débit", "credit": "crédit",
                               "tab": "tabulation", "whitespace": "espaces"}


NOTES_ONE: dict[str, str] = {
    "no_prediction_time": "aucune prévision possible : les données comptent {n} client, dont "
                          "le premier achat tombe le dernier jour des données ({day}), aucun "
                          "temps n'a donc passé pour le voir racheter ; la valeur future, la "
                          "valeur vie client et la LTV d'un nouveau client ne sont pas "
                          "données (l'historique l'est)",
    "no_prediction_repeat": "aucune prévision possible : les données comptent {n} client, qui "
                            "n'a pas racheté, la fréquence de réachat ne peut donc pas être "
                            "estimée ; la valeur future, la valeur vie client et la LTV d'un "
                            "nouveau client ne sont pas données (l'historique l'est)",
    "statuses_not_found": "{n} des statuts de commande donnés n'apparaît jamais dans "
                          "« {column} » : {values} (une faute de frappe ?)",
    "zero_rows": "{n} ligne de montant nul conservée : ce n'est pas un achat, mais la "
                 "première commande d'un client, même gratuite, ouvre la relation",
    "refunds": "{n} remboursement (montant négatif, total {total}) conservé, à déduire des "
               "achats du même client sur la même période",
    "refunds_linked": "{n} remboursement (total {total}) fait après sa commande, "
                      "retrouvée par son numéro, est déduit de la période de la commande : "
                      "une commande remboursée n'est pas un achat",
    "identical_rows": "{n} ligne répète exactement une autre ligne ; conservée, car sans "
                      "numéro de commande rien ne la distingue d'un vrai réachat "
                      "(duplicates='drop' la retire)",
    "cancellations": "{n} ligne annulée ({how}), total {total}, est un remboursement de son "
                     "client (règle des remboursements « {policy} »)",
    "adjusted_amounts": "{n} commande a un total ajusté dans « {adjusted} » (un "
                        "remboursement ou un ajustement) : son montant est celui-ci "
                        "({after}), pas « {column} » ({before}) ; le montant des autres "
                        "commandes est « {column} »",
    "walk_ins": "{n} vente à un client fictif de caisse ({example} dans « {column} » : un "
                "client de passage, une vente anonyme) n'est à aucun client : exclue comme "
                "commande invitée sans identifiant client",
    "ledger_accounts": "« {column} » porte les numéros de compte du journal : les lignes "
                       "des comptes clients (411..., ou comptes auxiliaires comme "
                       "« {customer} ») sont celles des clients ; {n} ligne d'un autre compte "
                       "({example} : ventes, TVA) est la contrepartie d'une facture, exclue "
                       "comme « identifiant client manquant »",
    "refund_flag_whole": "{n} paiement marqué remboursé dans « {flag} » sans montant "
                         "remboursé est remboursé en entier (total {total} déduit) ; "
                         "« {flag} » est un indicateur oui/non, pas un montant",
    "order_total_repeated": "{n} commande répète son total « {column} » sur chacune "
                            "de ses lignes (même « {order} », même montant) : compté une "
                            "fois, ses {lines} autres lignes gardées comme articles de "
                            "montant 0",
    "order_lines_filled": "{n} ligne sans date dans « {column} » est une autre ligne "
                          "d'une commande écrite plus haut (même « {order} ») : elle en "
                          "prend la date et le client",
    "credit_notes": "{n} ligne de « {column} » est un avoir (« {example} »), écrit "
                    "en montant positif : compté comme remboursement (total {total} "
                    "déduit), non comme achat",
    "guest_ids_excluded": "{n} ligne a l'identifiant client 0 dans « {column} », celui "
                          "d'une commande invitée, et aucune colonne d'e-mail ne distingue "
                          "les invités : exclue comme commande invitée (sinon elle ferait "
                          "un client « 0 »)",
    "currency_cell_errors": "{n} cellule de « {column} » contient une erreur de tableur "
                            "(« {example} ») : illisible, lue comme vide, non comme une devise",
    "line_items": "{n} ligne d'article sans montant propre appartient à une commande dont le "
                  "montant est sur une autre ligne ; conservée avec un montant de 0",
}
"""The French notes whose count is one (French writes 0 and 1 in the singular)."""


MONEY_VALUES = ("total", "amount", "typical")
"""The values of the notes that are amounts of money (refunds' totals, an outlier and the
typical amount), written with the data's currency when it is known."""
TOTAL_VALUES = ("total",)
"""The amounts of notes that are totals, written in whole units as the report's totals, with
or without a currency."""


SIGNIFICANT_VALUES = ("value", "q")
"""The values of notes written with three significant digits, as the library writes them (a
shared purchase or dropout rate: '0.0474' / '0,0474', not '0,05')."""


def significant(value: Any, lang: str) -> str:
    """A rate with three significant digits: '0.0474' (en), '0,0474' (fr); '-' when missing."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "-"
    text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "fr" else text


def note(text: str, lang: str, currency: str | None = None) -> str:
    """A note of the readers or the analysis in the language (as written when its kind has no
    translation), its amounts in ``currency`` when given (``total -4 958,20 €``)."""
    if not isinstance(text, Note):
        return str(text)
    from clv.measures import money
    from clv.notes import TEMPLATES
    from clv.notes import template as template_of

    def values_for(spoken: str) -> dict[str, Any]:
        out = {}
        for k, v in text.values.items():
            if spoken == "fr" and f"{k}_fr" in text.values:  # said in French where it was made
                out[k] = text.values[f"{k}_fr"]
                continue
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            if numeric and currency and k in MONEY_VALUES:  # a total in whole units
                out[k] = money(float(v), currency, spoken, 0 if k in TOTAL_VALUES else None)
            elif numeric and k in TOTAL_VALUES:  # no currency known: whole units still
                out[k] = number(float(v), spoken, 0)
            elif spoken == "en":
                out[k] = v
            elif numeric and k in SIGNIFICANT_VALUES:
                out[k] = significant(v, spoken)
            elif numeric:
                out[k] = number(v, spoken, 2 if isinstance(v, float) else 0)
            else:
                out[k] = NOTE_VALUES.get(str(v), v)
        return out

    if lang != "fr" or text.key not in NOTES:
        written = MONEY_VALUES if currency else TOTAL_VALUES  # the values written here
        if not any(k in text.values for k in written) or text.key not in TEMPLATES:
            return str(text)
        template = re.sub(r"\{(" + "|".join(written) + r"):[^}]*\}", r"{\1}",
                          template_of(text.key, text.values))
        return template.format(**values_for("en"))
    count = text.values.get("n")
    if text.key in NOTES_ONE and isinstance(count, int) and abs(count) < 2:
        return NOTES_ONE[text.key].format(**values_for(lang))
    return NOTES[text.key].format(**values_for(lang))


def table_value(value: Any, lang: str) -> Any:
    """A value of a spend, customers or subscriptions table's note as the faces write it:
    counts and amounts with the language's separators, a day (ISO) in the language's format,
    other text as it is."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number(value, lang, 0)
    if isinstance(value, float):
        return number(value, lang, 2)
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        from clv.i18n import day

        try:
            return day(dt.date.fromisoformat(text), lang)
        except ValueError:
            return text
    return text


def table_lines(report: Any, lang: str, currency: str | None = None) -> dict[str, Any]:
    """How a spend, customers or subscriptions table was read
    (:class:`clv.data.table_reports.TableReport`), in plain sentences of ``lang`` for the
    report and the CLI: its title, the rows read, kept and left out, each reason with its
    rows, and the notes (the table's own from the catalogue, the file reader's as
    :func:`note` says them). The dashboard says the same with the file's words marked."""
    from clv.data.table_reports import TableNote
    from clv.i18n import t

    notes = [t(f"tbl_note_{n.key}", lang, **{k: table_value(v, lang)
                                             for k, v in n.values.items()})
             if isinstance(n, TableNote) else note(n, lang, currency) for n in report.notes]
    source = str(report.source)
    name = source if "://" in source else PurePath(source).name  # the file, not its folder
    return {"title": t(f"imp_map_{report.kind}", lang, name=name),
            "line": f"{number(report.rows_read, lang)} {WORDS['rows_read'][lang]}, "
                    f"{number(report.rows_kept, lang)} {WORDS['rows_kept'][lang]}, "
                    f"{number(report.rows_excluded, lang)} {WORDS['rows_excluded'][lang]}",
            "reasons": [(t(f"tbl_reason_{x.key}", lang), x.count) for x in report.exclusions],
            "notes": notes}


def segment_name(key: str, lang: str) -> str:
    """A segment's display name (the key itself for a segment this table does not know)."""
    return SEGMENT_NAMES.get(key, {}).get(lang, key)


def verdict(key: str | None, lang: str) -> str:
    return "-" if key is None else VERDICTS.get(key, {}).get(lang, key)


def reason(text: str, lang: str) -> str:
    """An exclusion reason in the language (the floor of placeholder dates is the user's)."""
    if lang != "fr":
        return text
    if text not in REASONS and text.startswith("date before ") \
            and text.endswith(" (a placeholder)"):
        try:
            day = dt.date.fromisoformat(text.removeprefix("date before ")
                                        .removesuffix(" (a placeholder)"))
        except ValueError:
            return text
        return f"date antérieure au {day:%d/%m/%Y} (une valeur par défaut)"
    return REASONS.get(text, text)


def excluded_reason(exclusion: Any, lang: str) -> str:
    """An exclusion's reason in the language; that of the rows in other currencies with
    their amounts per currency ('other currency (50.00 EUR, 33.50 GBP)'), which are never
    one sum (the table's amount column is left blank for them)."""
    said = reason(exclusion.reason, lang)
    if exclusion.reason == "other currency" and exclusion.amounts:
        from clv.measures import by_currency

        said += f" ({by_currency(exclusion.amounts, lang)})"
    return said


def tier(label: str, lang: str) -> str:
    """'top 1%-10%' / 'rest (80%)' of clv.segments, in the language."""
    if lang != "fr":
        return label
    return label.replace("top ", "meilleurs ").replace("rest ", "reste ").replace(
        "%", "\u00a0%")


def word(key: str, lang: str) -> str:
    return WORDS[key][lang]


COUNT_WORDS = {"en": ("one", "two", "three", "four", "five"),
               "fr": ("une", "deux", "trois", "quatre", "cinq")}


def actions_heading(n: int, lang: str) -> str:
    """The heading of the ``n`` actions shown: 'The action worth most', 'Two actions worth
    most' / 'Les deux actions qui rapportent le plus' (the count of those shown, in words)."""
    if n < 1:
        return word("actions_none", lang)
    if n == 1:
        return word("actions_1", lang)
    said = COUNT_WORDS[lang][n - 1] if n <= len(COUNT_WORDS[lang]) else number(n, lang)
    text = word("actions_n", lang).format(n=said)
    return text[:1].upper() + text[1:]


class Blank(str):
    """A blank cell of a report's table: its short reason (the text shown) and the sentence
    saying why (``why``, on hover)."""

    why: str

    def __new__(cls, short: str, why: str) -> Blank:
        out = super().__new__(cls, short)
        out.why = why
        return out


def blank(key: str, lang: str) -> Blank:
    """The blank of reason ``key``: its short words ``key`` and its sentence ``key_why``."""
    return Blank(word(key, lang), word(f"{key}_why", lang))


def in_unit(label: str, unit: str | None) -> str:
    """``label`` with its ``unit`` (a currency's symbol) in parentheses, within the label's
    own closing parenthesis when it has one: 'Future value (next 12 months, €)', not
    '... (next 12 months) (€)'; the label alone without a unit."""
    if not unit:
        return label
    if label.endswith(")"):
        return f"{label[:-1]}, {unit})"
    return f"{label} ({unit})"


def number(value: Any, lang: str, digits: int = 0) -> str:
    """1,234.5 (en) or 1 234,5 (fr, narrow no-break space); '-' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, float) and round(value, digits) == 0:
        value = 0.0  # '0.00', not '-0.00'
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def ratio(value: Any, lang: str) -> str:
    """12.31x (en) or 12,31x (fr); '-' when missing."""
    text = number(value, lang, 2)
    return text if text == "-" else f"{text}x"


def percent(value: Any, lang: str, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    text = number(100 * value, lang, digits)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def date(value: dt.date | str, lang: str) -> str:
    """'2 March 2025' (en), '2 mars 2025', '1er mars 2025' (fr: the first of the month is
    an ordinal)."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    if lang == "fr":
        first = "er" if day.day == 1 else ""
        return f"{day.day}{first} {MONTHS_FR[day.month - 1]} {day.year}"
    return day.strftime("%d %B %Y").lstrip("0")


# The notes of a model fitted at a limit, said in plain words (the technical note stays
# available under them, see plain_note): what each parameter is about, per model, and what
# running to its limit says about the customers.
MODEL_WORDS = {
    "purchase": {"en": "The purchase model", "fr": "Le modèle des achats"},
    "spend": {"en": "The basket model", "fr": "Le modèle du panier"},
    "churn": {"en": "The subscribers' churn model", "fr": "Le modèle de résiliation des abonnés"},
}
SPEND_MODELS = ("Gamma-Gamma",)
CHURN_MODELS = ("sBG",)
LIMIT_MEANINGS: dict[tuple[str, str, str], dict[str, str]] = {
    ("purchase", "r", "inf"): {"en": "customers buy at almost the same rate",
                               "fr": "les clients achètent presque tous au même rythme"},
    ("purchase", "alpha", "inf"): {"en": "customers buy at almost the same rate",
                                   "fr": "les clients achètent presque tous au même rythme"},
    ("purchase", "a", "0"): {"en": "customers hardly seem to stop buying",
                             "fr": "les clients ne semblent presque pas cesser d'acheter"},
    ("purchase", "b", "inf"): {"en": "customers hardly seem to stop buying",
                               "fr": "les clients ne semblent presque pas cesser d'acheter"},
    ("purchase", "s", "0"): {"en": "customers hardly seem to stop buying",
                             "fr": "les clients ne semblent presque pas cesser d'acheter"},
    ("purchase", "beta", "inf"): {"en": "customers hardly seem to stop buying",
                                  "fr": "les clients ne semblent presque pas cesser d'acheter"},
    ("spend", "p", "inf"): {"en": "each customer's baskets are almost always the same amount",
                            "fr": "les paniers d'un même client sont presque toujours du même "
                                  "montant"},
    ("spend", "p", "0"): {"en": "each customer's baskets vary enormously",
                          "fr": "les paniers d'un même client varient énormément"},
    ("spend", "q", "inf"): {"en": "customers' average baskets hardly differ from one customer "
                                  "to another",
                            "fr": "les paniers moyens diffèrent à peine d'un client à l'autre"},
    ("spend", "gamma", "inf"): {"en": "customers' average baskets hardly differ from one "
                                      "customer to another",
                                "fr": "les paniers moyens diffèrent à peine d'un client à "
                                      "l'autre"},
    ("churn", "alpha", "inf"): {"en": "subscribers cancel at almost the same rate",
                                "fr": "les abonnés résilient presque tous au même rythme"},
    ("churn", "beta", "inf"): {"en": "subscribers cancel at almost the same rate",
                               "fr": "les abonnés résilient presque tous au même rythme"},
}
PLAIN_NOTES: dict[str, dict[str, str]] = {
    "at_bound": {
        "en": "{who} pushed {one_many} to {its_their} limit: {meaning}. That is what the data say, "
              "not a failure; the figures' intervals keep {it_them} fixed.",
        "fr": "{who} a poussé {one_many} à {sa_leur} limite : {meaning}. C'est ce que disent les "
              "données, pas une erreur ; les intervalles des chiffres {it_them} gardent fixe{s}."},
    "same_rate": {
        "en": "{who} found no difference between customers in how often they buy: all buy at "
              "about the same rate, {value} purchase per {per}. A customer's past purchases then "
              "only tell whether they are still active.",
        "fr": "{who} ne trouve aucune différence entre clients dans leur fréquence d'achat : "
              "tous achètent à peu près au même rythme, {value} achat par {per}. Les achats "
              "passés d'un client disent alors seulement s'il est encore actif."},
    "same_dropout": {
        "en": "{who} found no difference between customers in how long they stay: all have "
              "about the same chance of leaving, {value} per {per}.",
        "fr": "{who} ne trouve aucune différence entre clients dans la durée de leur "
              "relation : tous ont à peu près la même probabilité de partir, {value} par "
              "{per}."},
    "no_dropout": {
        "en": "{who} sees no sign of customers leaving in this data: it counts every customer "
              "as still active, so the chance of being still active tells nothing here.",
        "fr": "{who} ne voit aucun signe de départ des clients dans ces données : il compte "
              "chaque client comme encore actif, la probabilité d'être encore actif n'apprend "
              "donc rien ici."},
    "unidentified": {
        "en": "{who} cannot pin down {one_many} from this data (the fit is the same whatever "
              "the value); the fit leaves {it_them} where it stopped.",
        "fr": "{who} ne peut pas fixer {one_many} avec ces données (l'ajustement est le même "
              "quelle que soit la valeur) ; l'ajustement {it_them} laisse où il s'est arrêté."},
    "interval_capped": {
        "en": "{who}: the data hardly bound {one_many}; the upper end of {its_their} interval "
              "is shown as ∞.",
        "fr": "{who} : les données bornent à peine {one_many} ; la borne haute de "
              "{its_their} intervalle s'affiche ∞."},
}
PLAIN_SPEND = {
    "spend_dependence": {
        "en": "The basket model assumes that how much a customer spends per purchase does not "
              "depend on how often they buy; here customers who buy more often spend {more_less} "
              "per purchase (correlation {r}), so the predicted baskets may be off.",
        "fr": "Le modèle du panier suppose que le montant d'un achat ne dépend pas de la "
              "fréquence d'achat du client ; ici les clients qui achètent plus souvent "
              "dépensent {more_less} par achat (corrélation {r}) : les paniers prédits peuvent "
              "être faussés."},
    "more": {"en": "more", "fr": "plus"},
    "less": {"en": "less", "fr": "moins"},
    "no_spend_model": {
        "en": "The basket model could not give an average basket on this data (customers' "
              "average baskets are too spread out); the value uses the average amount per "
              "purchase instead.",
        "fr": "Le modèle du panier ne peut pas donner de panier moyen sur ces données (les "
              "paniers moyens des clients sont trop dispersés) ; la valeur utilise à la place "
              "le montant moyen par achat."},
}
"""The basket model's notes in plain words: its assumption broken, its mean not finite
(Gamma-Gamma's q <= 1: ``spend_mean_infinite``, said as ``no_spend_model``)."""
PLAIN_PARTS: dict[str, dict[str, tuple[str, str]]] = {
    # (one, many) of each part a sentence needs
    "one_many": {"en": ("one parameter", "{n} parameters"),
                 "fr": ("un paramètre", "{n} paramètres")},
    "it_them": {"en": ("it", "them"), "fr": ("le", "les")},
    "sa_leur": {"en": ("its", "their"), "fr": ("sa", "leur")},
    "its_their": {"en": ("its", "their"), "fr": ("son", "leur")},
    "s": {"en": ("", ""), "fr": ("", "s")},
}
PER_WORDS = {"day": {"en": "day", "fr": "jour"}, "week": {"en": "week", "fr": "semaine"},
             "month": {"en": "month", "fr": "mois"}, "year": {"en": "year", "fr": "an"},
             "purchase": {"en": "purchase", "fr": "achat"},
             "period": {"en": "period", "fr": "période"}}


def _family(model: str) -> str:
    return "spend" if model in SPEND_MODELS else "churn" if model in CHURN_MODELS \
        else "purchase"


_OPTION = re.compile(r"\b(preset|currency|decimal|duplicates|date_format|refunds|sheet|"
                     r"encoding)=(\.\.\.)?")
FORM_OPTIONS = {"preset": "imp_form_preset", "currency": "imp_currency",
                "decimal": "imp_form_decimal", "duplicates": "imp_form_duplicates",
                "date_format": "imp_form_date_format", "refunds": "imp_form_refunds",
                "encoding": "imp_form_encoding"}
"""The dashboard's import setting of each reading parameter the notes name (message keys of
:mod:`clv.messages.imports`)."""


def options_said(text: str, face: str = "cli", lang: str = "en") -> str:
    """A note's reading parameter named as Python writes it (``preset=...``,
    ``duplicates='drop'``) as the face where it is shown names it: ``cli`` the command line's
    option (``--preset``, ``--duplicates 'drop'``: the report, made by the command line or
    the dashboard), ``form`` the dashboard's import setting, quoted, in ``lang``."""
    def said(m: re.Match[str]) -> str:
        name, bare = m.group(1), m.group(2)
        if face == "form" and name in FORM_OPTIONS:
            from clv import i18n

            setting = i18n.t("note_import_setting", lang,
                             name=i18n.t(FORM_OPTIONS[name], lang))
        else:
            setting = "--" + name.replace("_", "-")
        return setting + ("" if bare else " ")

    return _OPTION.sub(said, text)


def plain_note(text: Any, lang: str, currency: str | None = None) -> dict[str, str | None]:
    """A note as the report says it: ``text``, in plain words, and ``detail``, the technical
    note (:func:`note`, with the parameters' names and limits) for whoever wants it, or None
    when the note is plain already. The notes of a model at a limit (``a -> 0, r -> inf``,
    huge parameter values) say what the limit means for the customers."""
    technical = note(text, lang, currency)
    key = getattr(text, "key", None)
    values = getattr(text, "values", {}) or {}
    if key == "spend_dependence" and isinstance(values.get("r"), int | float):
        r = float(values["r"])
        return {"text": PLAIN_SPEND[key][lang].format(
            more_less=PLAIN_SPEND["more" if r > 0 else "less"][lang], r=number(r, lang, 2)),
            "detail": technical}
    if key == "spend_mean_infinite" or (  # or as analyses saved before its key said it
            key == "no_spend_model" and re.search(r"\bq = ", str(values.get("reason", "")))):
        return {"text": PLAIN_SPEND["no_spend_model"][lang], "detail": technical}
    if key not in PLAIN_NOTES:
        return {"text": technical, "detail": None}
    model = str(values.get("model", ""))
    family = _family(model)
    who = f"{MODEL_WORDS[family][lang]} ({model})"
    names = [p for p in re.split(r",\s*", str(values.get("names") or "")) if p]
    if not names:  # a note made before it carried the names: taken out of 'a -> 0, b -> inf'
        names = re.findall(r"(\w+)(?: -> \w+)?(?:, |$)", str(values.get("params", "")))
    many = len(names) > 1
    count = COUNT_WORDS[lang][len(names) - 1] if 0 < len(names) <= len(COUNT_WORDS[lang]) \
        else number(len(names), lang)
    parts = {k: v[lang][many].format(n=count) for k, v in PLAIN_PARTS.items()}
    limits = dict(re.findall(r"(\w+) -> (0|inf)", str(values.get("params", ""))))
    meanings = list(dict.fromkeys(
        LIMIT_MEANINGS[(family, p, limits.get(p, ""))][lang] for p in names
        if (family, p, limits.get(p, "")) in LIMIT_MEANINGS))
    if key == "at_bound" and not meanings:
        meanings = [{"en": "the data are not enough to pin it down",
                     "fr": "les données ne suffisent pas à le fixer"}[lang]]
    shown_value = significant(values.get("value"), lang)
    per = str(values.get("per", "period"))
    said = PLAIN_NOTES[key][lang].format(
        who=who, meaning=WORDS["and"][lang].join(meanings), value=shown_value,
        per=PER_WORDS.get(per, {}).get(lang, per), **parts)
    return {"text": said, "detail": technical}
