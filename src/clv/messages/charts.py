"""Words of the charts (``chart_*``: the charts' own, :data:`clv.report.charts.WORDS`, which
the report draws with too) and of the models page (``models_*``)."""

from clv.report.charts import WORDS

MESSAGES: dict[str, dict[str, str]] = {
    **{f"chart_{key}": texts for key, texts in WORDS.items()},
    "models_title": {"en": "Models and their accuracy", "fr": "Les modèles et leur précision"},
    "models_used": {
        "en": "The figures of this analysis come from {model}, fitted on the whole history.",
        "fr": "Les chiffres de cette analyse viennent de {model}, ajusté sur tout "
              "l'historique."},
    "models_scorecard": {"en": "Accuracy on held-out data",
                         "fr": "Précision sur des données mises de côté"},
    "models_tracking": {"en": "Cumulative repeat purchases, actual and predicted",
                        "fr": "Achats répétés cumulés, réels et prédits"},
    "models_tracking_guide": {
        "en": "The dark line is what the customers actually bought, the dashed lines what "
              "each model, fitted on the period before the dotted line only, predicted: the "
              "closer they stay to the dark line after it, the better the model forecasts.",
        "fr": "La ligne foncée montre ce que les clients ont réellement acheté, les lignes "
              "pointillées ce que chaque modèle, ajusté sur la seule période avant la ligne "
              "en pointillé, a prédit : plus elles restent proches de la ligne foncée "
              "au-delà, mieux le modèle prévoit."},
    "models_calibration": {"en": "Predicted and actual purchases by past frequency",
                           "fr": "Achats prédits et réels selon la fréquence passée"},
    "models_calibration_guide": {
        "en": "Customers are grouped by their repeat purchases before the holdout; the dark "
              "bar is what each group bought on average during the holdout, the others what "
              "each model predicted for it: bars of the same height mean the model is right "
              "for that kind of customer.",
        "fr": "Les clients sont regroupés selon leurs achats répétés avant la période de "
              "test ; la barre foncée montre ce que chaque groupe a acheté en moyenne pendant "
              "cette période, les autres ce que chaque modèle lui prédisait : des barres de "
              "même hauteur signifient que le modèle voit juste pour ce type de client."},
    "models_no_holdout": {
        "en": "No comparison on held-out data in this analysis (the model was named in the "
              "settings, or the history is too short to set a period aside).",
        "fr": "Pas de comparaison sur des données mises de côté dans cette analyse (le modèle "
              "était imposé par les réglages, ou l'historique est trop court pour en mettre "
              "une période de côté)."},
    "models_alive": {"en": "P(alive) by frequency and recency",
                     "fr": "P(actif) selon la fréquence et la récence"},
    "models_alive_guide": {
        "en": "Each cell is the probability that a customer with that many repeat purchases, "
              "the last one that long after the first, still buys, for a customer as old as "
              "the oldest in the data: greener is more likely active; a customer who used to "
              "buy often and stopped long ago (top left) is most likely lost.",
        "fr": "Chaque case donne la probabilité qu'un client ayant fait ce nombre d'achats "
              "répétés, le dernier à ce délai après le premier, achète encore, pour un client "
              "aussi ancien que le plus ancien des données : plus c'est vert, plus il est "
              "probablement actif ; un client qui achetait souvent et s'est arrêté il y a "
              "longtemps (en haut à gauche) est très probablement perdu."},
    "models_alive_none": {
        "en": "{model} finds no dropout in these data: every customer counts as alive, so "
              "P(alive) tells nothing here.",
        "fr": "{model} ne trouve aucun abandon dans ces données : chaque client compte comme "
              "actif, la P(actif) ne renseigne donc pas ici."},
    "models_purchases": {"en": "Expected purchases by frequency and recency",
                         "fr": "Achats attendus selon la fréquence et la récence"},
    "models_purchases_guide": {
        "en": "Each cell is the number of purchases the model expects over the analysis's "
              "horizon from such a customer: those who bought often and recently (top right) "
              "are worth the most.",
        "fr": "Chaque case donne le nombre d'achats que le modèle attend d'un tel client sur "
              "l'horizon de l'analyse : ceux qui ont acheté souvent et récemment (en haut à "
              "droite) valent le plus."},
    "models_params": {"en": "{model}: parameters", "fr": "{model} : paramètres"},
}
