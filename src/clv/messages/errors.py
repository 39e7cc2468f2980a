"""Words of the error page a browser gets for a page that does not exist."""

MESSAGES: dict[str, dict[str, str]] = {
    "err_title": {"en": "Page not found", "fr": "Page introuvable"},
    "err_analysis": {"en": "There is no analysis {aid} in this session: analyses of an "
                           "earlier session are in the history.",
                     "fr": "Il n'y a pas d'analyse {aid} dans cette session\u00a0: les "
                           "analyses d'une session précédente sont dans l'historique."},
    "err_page": {"en": "This address leads to no page of the dashboard.",
                 "fr": "Cette adresse ne mène à aucune page du tableau de bord."},
    "err_home": {"en": "Back to the data", "fr": "Retour aux données"},
    "err_history": {"en": "History", "fr": "Historique"},
}
