"""Words of the API reference page (``/docs``): its headings, and each route's summary, its
parameters and its usual answers in both languages (the routes' longer descriptions, from
their docstrings, stay in English)."""

MESSAGES: dict[str, dict[str, str]] = {
    "ref_title": {"en": "API reference", "fr": "Référence de l'API"},
    "ref_lead": {"en": "Every route of the dashboard's JSON API, from its OpenAPI schema "
                       "(the longer descriptions in English), also available as",
                 "fr": "Toutes les routes de l'API JSON du tableau de bord, d'après son "
                       "schéma OpenAPI (les descriptions détaillées en anglais), aussi "
                       "disponible en"},
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
    "ref_list_of": {"en": "list of {what}", "fr": "liste de {what}"},
    "ref_tag_analyses": {"en": "Analyses", "fr": "Analyses"},
    "ref_tag_data": {"en": "Data", "fr": "Données"},
    "ref_tag_formulas": {"en": "Formulas", "fr": "Formules"},
    "ref_tag_history": {"en": "History", "fr": "Historique"},
    "ref_tag_subscriptions": {"en": "Subscriptions", "fr": "Abonnements"},
    "ref_tag_customers": {"en": "Customers", "fr": "Clients"},
    "ref_tag_other": {"en": "Other", "fr": "Autres"},
    # where a parameter is given
    "ref_where_query": {"en": "query string", "fr": "adresse (après ?)"},
    "ref_where_path": {"en": "path", "fr": "chemin"},
    "ref_where_header": {"en": "header", "fr": "en-tête"},
    "ref_where_cookie": {"en": "cookie", "fr": "cookie"},
    # each route's summary: ref_op_<METHOD> <path>
    "ref_op_GET /a/{aid}/export/{filename}": {
        "en": "Download a table of the analysis (CSV or Excel)",
        "fr": "Télécharger un tableau de l'analyse (CSV ou Excel)"},
    "ref_op_GET /a/{aid}/report.html": {
        "en": "The analysis's HTML report",
        "fr": "Le rapport HTML de l'analyse"},
    "ref_op_GET /api/analyses": {
        "en": "The analyses of this session",
        "fr": "Les analyses de cette session"},
    "ref_op_POST /api/analyses": {
        "en": "Start an analysis",
        "fr": "Lancer une analyse"},
    "ref_op_GET /api/analyses/{aid}": {
        "en": "One analysis: figures, settings, notes and tables",
        "fr": "Une analyse\u00a0: chiffres, réglages, remarques et tableaux"},
    "ref_op_GET /api/analyses/{aid}/channels": {
        "en": "The acquisition channels and their total",
        "fr": "Les canaux d'acquisition et leur total"},
    "ref_op_GET /api/analyses/{aid}/customers": {
        "en": "The customers the filters keep, most valuable first",
        "fr": "Les clients retenus par les filtres, les plus précieux d'abord"},
    "ref_op_GET /api/analyses/{aid}/customers/{cid}": {
        "en": "One customer: predictions and purchase history",
        "fr": "Un client\u00a0: prédictions et historique d'achats"},
    "ref_op_GET /api/analyses/{aid}/figures": {
        "en": "The overview's headline figures, as the page writes them",
        "fr": "Les chiffres clés de la synthèse, tels que la page les écrit"},
    "ref_op_GET /api/analyses/{aid}/saas": {
        "en": "The subscriptions' figures",
        "fr": "Les chiffres des abonnements"},
    "ref_op_GET /api/analyses/{aid}/tables/{name}": {
        "en": "Rows of a table of the analysis",
        "fr": "Les lignes d'un tableau de l'analyse"},
    "ref_op_GET /api/analyses/{aid}/whatif": {
        "en": "The figures with the levers moved (what if)",
        "fr": "Les chiffres avec les leviers déplacés (et si)"},
    "ref_op_GET /api/formulas/{formula}": {
        "en": "A lifetime value formula on given values",
        "fr": "Une formule de valeur vie client sur des valeurs données"},
    "ref_op_GET /api/history": {
        "en": "The saved analyses and how their figures changed",
        "fr": "Les analyses enregistrées et l'évolution de leurs chiffres"},
    "ref_op_GET /api/jobs/{jid}": {
        "en": "The progress of an analysis",
        "fr": "L'avancement d'une analyse"},
    "ref_op_POST /api/jobs/{jid}/cancel": {
        "en": "Stop an analysis",
        "fr": "Arrêter une analyse"},
    "ref_op_POST /api/sources": {
        "en": "Name a database table or query to analyse",
        "fr": "Désigner une table ou une requête de base de données à analyser"},
    "ref_op_PUT /api/uploads": {
        "en": "Upload a file to analyse",
        "fr": "Envoyer un fichier à analyser"},
    # the parameters, by name (ref_param_<name>)
    "ref_param_aid": {"en": "The analysis's number", "fr": "Le numéro de l'analyse"},
    "ref_param_cid": {"en": "The customer's id", "fr": "L'identifiant du client"},
    "ref_param_jid": {"en": "The job's id (given when the analysis started)",
                      "fr": "L'identifiant de la tâche (donné au lancement de l'analyse)"},
    "ref_param_filename": {"en": "The table's name and format: NAME.csv or NAME.xlsx",
                           "fr": "Le nom et le format du tableau\u00a0: NOM.csv ou NOM.xlsx"},
    "ref_param_name": {"en": "The table's name (see the analysis's tables)",
                       "fr": "Le nom du tableau (voir les tableaux de l'analyse)"},
    "ref_param_formula": {"en": "The formula: generic, ecommerce, service, saas_churn, "
                                "saas_lifetime or discounted",
                          "fr": "La formule\u00a0: generic, ecommerce, service, saas_churn, "
                                "saas_lifetime ou discounted"},
    "ref_param_lang": {"en": "The language of the words: en or fr",
                       "fr": "La langue des textes\u00a0: en ou fr"},
    "ref_param_download": {"en": "Download the file rather than open it",
                           "fr": "Télécharger le fichier plutôt que l'ouvrir"},
    "ref_param_limit": {"en": "At most this many rows", "fr": "Au plus ce nombre de lignes"},
    "ref_param_offset": {"en": "Rows skipped first", "fr": "Lignes sautées d'abord"},
    "ref_param_start": {"en": "Customers acquired from this month (YYYY-MM)",
                        "fr": "Clients acquis à partir de ce mois (AAAA-MM)"},
    "ref_param_end": {"en": "Customers acquired up to this month (YYYY-MM)",
                      "fr": "Clients acquis jusqu'à ce mois (AAAA-MM)"},
    "ref_param_channel": {"en": "Customers of this acquisition channel",
                          "fr": "Clients de ce canal d'acquisition"},
    "ref_param_segment": {"en": "Customers of this segment", "fr": "Clients de ce segment"},
    "ref_param_tier": {"en": "Customers of this value tier",
                       "fr": "Clients de ce niveau de valeur"},
    "ref_param_q": {"en": "Part of a customer id", "fr": "Partie d'un identifiant client"},
    "ref_param_retention": {"en": "Change of retention, as a fraction (0.05 is +5%)",
                            "fr": "Variation de la rétention, en fraction (0.05 vaut +5\u00a0%)"},
    "ref_param_frequency": {"en": "Change of the purchase frequency, as a fraction",
                            "fr": "Variation de la fréquence d'achat, en fraction"},
    "ref_param_basket": {"en": "Change of the spend per purchase, as a fraction",
                         "fr": "Variation de la dépense par achat, en fraction"},
    "ref_param_margin": {"en": "Change of the margin, as a fraction (the margin stays at "
                               "most 100%)",
                         "fr": "Variation de la marge, en fraction (la marge reste au plus "
                               "de 100\u00a0%)"},
    "ref_param_cac": {"en": "Change of the acquisition cost, as a fraction",
                      "fr": "Variation du coût d'acquisition, en fraction"},
    "ref_param_kind": {"en": "What the file holds: transactions, spend, customers or "
                             "subscriptions",
                       "fr": "Ce que contient le fichier\u00a0: transactions, spend, "
                             "customers ou subscriptions"},
    "ref_param_PUT /api/uploads_name": {"en": "The file's name with its suffix "
                                              "(orders.csv)",
                                        "fr": "Le nom du fichier avec son extension "
                                              "(commandes.csv)"},
    # the usual answers, by status (ref_answer_<code>), and a route's own
    "ref_answer_200": {"en": "Done", "fr": "Réussi"},
    "ref_answer_400": {"en": "Bad input: the detail says which and why",
                       "fr": "Entrée refusée\u00a0: le détail dit laquelle et pourquoi"},
    "ref_answer_401": {"en": "No or wrong access token (beyond 127.0.0.1)",
                       "fr": "Jeton d'accès absent ou faux (au-delà de 127.0.0.1)"},
    "ref_answer_403": {"en": "A change asked by a page of another site",
                       "fr": "Un changement demandé par une page d'un autre site"},
    "ref_answer_404": {"en": "No such analysis, upload, job, customer or table",
                       "fr": "Analyse, fichier envoyé, tâche, client ou tableau introuvable"},
    "ref_answer_413": {"en": "Upload over the size limit",
                       "fr": "Fichier au-delà de la taille permise"},
    "ref_answer_422": {"en": "A parameter or field the route cannot take: the detail names it",
                       "fr": "Un paramètre ou un champ que la route ne peut pas prendre\u00a0: "
                             "le détail le nomme"},
    "ref_answer_GET /a/{aid}/export/{filename}_200": {"en": "The table as a file",
                                                      "fr": "Le tableau, en fichier"},
    "ref_answer_GET /api/analyses/{aid}/saas_404": {
        "en": "No such analysis, or it has no subscriptions table",
        "fr": "Analyse introuvable, ou sans table d'abonnements"},
}
