"""Words every page shares: the header, the language switch, the sections' names; and the
import page's examples."""

MESSAGES: dict[str, dict[str, str]] = {
    "lang_name": {"en": "English", "fr": "Français"},
    "lang_switch": {"en": "Language", "fr": "Langue"},
    # the import page's examples in the database fields (a URL and a query, in the words
    # of the page's language)
    "home_db_url_example": {"en": "postgresql://user@host/shop",
                            "fr": "postgresql://utilisateur@serveur/boutique"},
    "home_db_query_example": {"en": "select customer_id, created_at, total from orders",
                              "fr": "select id_client, date_commande, montant from commandes"},
    "chart_drawn_size": {"en": "Show the chart at full size (it scrolls sideways)",
                         "fr": "Voir le graphique en taille réelle (il défile sur le côté)"},
    "chart_fit_size": {"en": "Fit the chart to the screen",
                       "fr": "Ajuster le graphique à l'écran"},
}
