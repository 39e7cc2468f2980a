"""Words of the subscription page (``/a/{aid}/saas``) around the figures; the figures' own
words are the report's (:data:`clv.report.text.SAAS_WORDS`), which both faces share."""

MESSAGES: dict[str, dict[str, str]] = {
    "saas_page_title": {"en": "Subscriptions", "fr": "Abonnements"},
    "saas_headline_title": {"en": "Where the recurring revenue stands",
                            "fr": "Où en est le revenu récurrent"},
    "saas_none_title": {"en": "No subscriptions in this analysis",
                        "fr": "Aucun abonnement dans cette analyse"},
    "saas_none_why": {
        "en": "This analysis was run without a subscriptions table, so there is no MRR, "
              "churn or revenue retention to show.",
        "fr": "Cette analyse a été lancée sans tableau d'abonnements\u00a0: il n'y a donc ni "
              "MRR, ni attrition, ni rétention du revenu à afficher."},
    "saas_unfiltered": {
        "en": "These figures are those of every subscription: the filters chosen on the other "
              "pages (period, channel, segment) apply to customers and orders, not to "
              "subscriptions; they are kept in the links to the other pages.",
        "fr": "Ces chiffres sont ceux de tous les abonnements : les filtres choisis sur les "
              "autres pages (période, canal, segment) s'appliquent aux clients et aux "
              "commandes, pas aux abonnements ; ils sont gardés dans les liens vers les autres "
              "pages."},
    "saas_none_how": {
        "en": "To see them, start a new analysis on the Data page: choose your orders file "
              "as before and, in the \u201cSubscriptions\u201d field, your subscriptions "
              "file: one row per subscription, with the customer, the start date, the end "
              "date (empty while the subscription is active) and the monthly amount (MRR), "
              "and the plan if you have one.",
        "fr": "Pour les voir, lancez une nouvelle analyse depuis la page Données\u00a0: "
              "choisissez votre fichier de commandes comme avant et, dans le champ "
              "«\u00a0Abonnements\u00a0», votre fichier d'abonnements\u00a0: une ligne par "
              "abonnement, avec le client, la date de début, la date de fin (vide tant que "
              "l'abonnement est actif), le montant mensuel (MRR) et, si vous l'avez, "
              "l'offre."},
    "saas_none_cli": {"en": "The same from the command line:",
                      "fr": "La même chose en ligne de commande\u00a0:"},
    "saas_none_command": {"en": "clv analyze orders.csv --subscriptions subscriptions.csv",
                          "fr": "clv analyze commandes.csv --subscriptions abonnements.csv"},
    "saas_none_link": {"en": "Import a subscriptions file", "fr": "Importer un fichier "
                                                                  "d'abonnements"},
    "saas_none_api": {
        "en": "analysis {aid} has no subscriptions table: run it again with one to get its "
              "subscription figures",
        "fr": "l'analyse {aid} n'a pas de tableau d'abonnements\u00a0: relancez-la avec un "
              "tableau d'abonnements pour obtenir ses chiffres d'abonnement"},
    "saas_json": {"en": "These figures as JSON", "fr": "Ces chiffres en JSON"},
    "saas_chart_note": {
        "en": "Point at a bar or a point for its month and amount; the table below gives the "
              "same figures.",
        "fr": "Survolez une barre ou un point pour voir son mois et son montant\u00a0; le "
              "tableau ci-dessous donne les mêmes chiffres."},
    "saas_all_months": {"en": "Every month ({n})", "fr": "Tous les mois ({n})"},
    "saas_not_yet_cell": {"en": "not yet elapsed", "fr": "pas encore écoulé"},
    "saas_not_yet_short": {"en": "These months after the first paid month are not over yet.",
                           "fr": "Ces mois après le premier mois payé ne sont pas encore "
                                 "écoulés."},
}
