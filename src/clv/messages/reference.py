"""Words of the API reference page (``/docs``)."""

MESSAGES: dict[str, dict[str, str]] = {
    "ref_title": {"en": "API reference", "fr": "Référence de l'API"},
    "ref_lead": {"en": "Every route of the dashboard's JSON API, from its OpenAPI schema "
                       "(descriptions in English), also available as",
                 "fr": "Toutes les routes de l'API JSON du tableau de bord, d'après son "
                       "schéma OpenAPI (descriptions en anglais), aussi disponible en"},
    "ref_tags": {"en": "Groups of routes", "fr": "Groupes de routes"},
    "ref_parameters": {"en": "Parameters of", "fr": "Paramètres de"},
    "ref_name": {"en": "Name", "fr": "Nom"},
    "ref_in": {"en": "Given in", "fr": "Passé dans"},
    "ref_type": {"en": "Type", "fr": "Type"},
    "ref_required": {"en": "Required", "fr": "Obligatoire"},
    "ref_description": {"en": "Description", "fr": "Description"},
    "ref_yes": {"en": "yes", "fr": "oui"},
    "ref_no": {"en": "no", "fr": "non"},
    "ref_body": {"en": "Request body", "fr": "Corps de la requête"},
    "ref_tag_analyses": {"en": "Analyses", "fr": "Analyses"},
    "ref_tag_data": {"en": "Data", "fr": "Données"},
    "ref_tag_formulas": {"en": "Formulas", "fr": "Formules"},
    "ref_tag_history": {"en": "History", "fr": "Historique"},
    "ref_tag_subscriptions": {"en": "Subscriptions", "fr": "Abonnements"},
    "ref_tag_customers": {"en": "Customers", "fr": "Clients"},
    "ref_tag_other": {"en": "Other", "fr": "Autres"},
}
