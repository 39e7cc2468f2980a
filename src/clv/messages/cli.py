"""The command line's words (``clv ...``): its headings, tables' titles and columns, summary
lines and error sentences, read alone by :func:`clv.i18n.t_from` (with the columns of
:mod:`clv.messages.exports`), so that ``clv --help`` and ``clv calc`` need not read the whole
catalogue. ``{count}`` is a number already written for the language, ``n`` the same number
(it chooses the singular form ``<key>_one``). French puts a no-break space before ``:``, ``;``
and ``%``."""

_NB = "\u00a0"

MESSAGES: dict[str, dict[str, str]] = {
    # --- the line's own words ------------------------------------------------------------------
    "cli_error": {"en": "error:", "fr": f"erreur{_NB}:"},
    "cli_warning": {"en": "warning:", "fr": f"avertissement{_NB}:"},
    "cli_note": {"en": "note:", "fr": f"remarque{_NB}:"},
    "cli_colon": {"en": ": ", "fr": f"{_NB}: "},
    "cli_and": {"en": " and ", "fr": " et "},
    "cli_semicolon": {"en": "; ", "fr": f"{_NB}; "},
    "cli_warn_group_left_out": {"en": "sBG for {by} = {key} left out: {reason}",
                                "fr": f"sBG pour {{by}} = {{key}} laissé de côté{_NB}: "
                                      "{reason}"},
    "cli_or": {"en": " or ", "fr": " ou "},
    "cli_none": {"en": "none", "fr": "aucune"},
    "cli_figure": {"en": "figure", "fr": "chiffre"},
    "cli_value": {"en": "value", "fr": "valeur"},
    "cli_customers": {"en": "{count} customers", "fr": "{count} clients"},
    "cli_customers_one": {"en": "{count} customer", "fr": "{count} client"},
    "cli_written": {"en": "{what} written to {path}", "fr": f"{{what}}{_NB}: écrit dans {{path}}"},
    # clv serve and clv demo --serve
    "cli_dashboard_on": {"en": "clv dashboard on {link}",
                         "fr": "tableau de bord clv sur {link}"},
    "cli_dashboard_token": {"en": "clv dashboard on {link} (the token is required)",
                            "fr": "tableau de bord clv sur {link} (le jeton est exigé)"},
    "cli_dashboard_any_host": {
        "en": "warning: any host name is answered and no token is asked: a web page whose "
              "name is pointed at this machine (DNS rebinding) can read the dashboard; "
              "give --token, or name the hosts",
        "fr": f"avertissement{_NB}: tout nom d'hôte reçoit une réponse et aucun jeton n'est "
              "demandé\u00a0: une page web dont le nom pointe vers cette machine (DNS "
              "rebinding) peut lire le tableau de bord\u00a0; donnez --token, ou nommez les "
              "hôtes"},
    "cli_main_customers": {"en": "Customers", "fr": "Clients"},
    "cli_main_table": {"en": "Cohort table", "fr": "Tableau des cohortes"},
    "cli_main_channels": {"en": "Channels", "fr": "Canaux"},
    "cli_more_rows": {"en": "... {count} more rows (-o or --json for all)",
                      "fr": "... {count} lignes de plus (-o ou --json pour toutes)"},
    "cli_more_rows_one": {"en": "... {count} more row (-o or --json for all)",
                          "fr": "... {count} ligne de plus (-o ou --json pour toutes)"},
    "cli_table_continued": {"en": "{title} (continued)", "fr": "{title} (suite)"},
    "cli_progress": {"en": "analysis", "fr": "analyse"},
    "cli_done": {"en": "done: {step}", "fr": f"fait{_NB}: {{step}}"},
    "cli_lower_end": {"en": ", lower end", "fr": ", borne basse"},
    "cli_upper_end": {"en": ", upper end", "fr": ", borne haute"},
    "cli_lower_level": {"en": "Lower {level}", "fr": "Borne basse {level}"},
    "cli_upper_level": {"en": "Upper {level}", "fr": "Borne haute {level}"},
    "cli_unit_day": {"en": "day", "fr": "jour"},
    "cli_unit_days": {"en": "days", "fr": "jours"},
    "cli_unit_week": {"en": "week", "fr": "semaine"},
    "cli_unit_weeks": {"en": "weeks", "fr": "semaines"},
    "cli_unit_month": {"en": "month", "fr": "mois"},
    "cli_unit_months": {"en": "months", "fr": "mois"},
    "cli_unit_quarter": {"en": "quarter", "fr": "trimestre"},
    "cli_unit_quarters": {"en": "quarters", "fr": "trimestres"},
    "cli_unit_year": {"en": "year", "fr": "an"},
    "cli_unit_years": {"en": "years", "fr": "ans"},
    "cli_unit_period": {"en": "period", "fr": "période"},
    "cli_unit_periods": {"en": "periods", "fr": "périodes"},
    "cli_label_notes": {"en": "notes", "fr": "remarques"},
    "cli_label_basis": {"en": "basis", "fr": "base de calcul"},
    "cli_label_gini": {"en": "gini", "fr": "gini"},
    "cli_label_model": {"en": "model", "fr": "modèle"},
    "cli_label_verdict": {"en": "verdict", "fr": "verdict"},
    "cli_label_seconds": {"en": "seconds", "fr": "durée"},
    # --- errors and usage ----------------------------------------------------------------------
    "cli_bad_lang": {"en": "{option} must be one of {langs}, not '{value}'",
                     "fr": "{option} doit être l'une de {langs}, et non « {value} »"},
    "cli_invalid_usage": {"en": "invalid usage", "fr": "usage invalide"},
    "cli_see_help": {"en": "{message} (see '{path} --help').",
                     "fr": "{message} (voir « {path} --help »)."},
    "cli_no_such_option": {"en": "No such option: {option}",
                           "fr": f"Option inconnue{_NB}: {{option}}"},
    "cli_no_such_command": {"en": "No such command '{command}'",
                            "fr": "Commande inconnue « {command} »"},
    "cli_extra_arguments": {"en": "Got unexpected extra arguments ({arguments})",
                            "fr": "Arguments en trop inattendus ({arguments})"},
    "cli_missing_option": {"en": "Missing option '{name}'", "fr": "Option manquante « {name} »"},
    "cli_missing_argument": {"en": "Missing argument '{name}'",
                             "fr": "Argument manquant « {name} »"},
    "cli_bad_value": {"en": "Invalid value for '{name}': {detail}",
                      "fr": f"Valeur invalide pour « {{name}} »{_NB}: {{detail}}"},
    "cli_not_one_of": {"en": "'{value}' is not one of {allowed}",
                       "fr": "« {value} » n'est pas l'une des valeurs {allowed}"},
    "cli_want_integer": {"en": "a whole number is expected",
                         "fr": "un nombre entier est attendu"},
    "cli_want_number": {"en": "a number is expected", "fr": "un nombre est attendu"},
    "cli_name_it": {"en": "{message} (name it with {option} COLUMN)",
                    "fr": "{message} (la nommer avec {option} COLONNE)"},
    "cli_internal_error": {
        "en": "internal error ({kind}), a bug in clv: please report it with reference "
              "{ref}{told} (CLV_DEBUG=1 shows the traceback)",
        "fr": f"erreur interne ({{kind}}), un défaut de clv{_NB}: merci de le signaler avec la "
              "référence {ref}{told} (CLV_DEBUG=1 affiche la trace)"},
    "cli_details_in": {"en": "; the details are in {path}",
                       "fr": f"{_NB}; le détail est dans {{path}}"},
    "cli_errno_enoent": {"en": "No such file or directory",
                         "fr": "fichier ou dossier introuvable"},
    "cli_errno_eexist": {"en": "File exists", "fr": "le fichier existe déjà"},
    "cli_errno_eacces": {"en": "Permission denied", "fr": "permission refusée"},
    "cli_errno_eisdir": {"en": "Is a directory", "fr": "c'est un dossier"},
    "cli_errno_enotdir": {"en": "Not a directory", "fr": "ce n'est pas un dossier"},
    "cli_errno_erofs": {"en": "Read-only file system",
                        "fr": "système de fichiers en lecture seule"},
    "cli_err_one_of": {"en": "{option} must be one of {allowed}, not '{value}'",
                       "fr": "{option} doit être l'une des valeurs {allowed}, et non "
                             "« {value} »"},
    "cli_err_must_be": {"en": "{option} must be {allowed}, not '{value}'",
                        "fr": "{option} doit valoir {allowed}, et non « {value} »"},
    "cli_err_earliest": {"en": "--earliest must be a day such as 1970-01-01, or none, not "
                               "'{value}'",
                         "fr": "--earliest doit être un jour comme 1970-01-01, ou none, et "
                               "non « {value} »"},
    "cli_err_statuses_both": {"en": "--paid-status and --unpaid-status both name {values}: "
                                    "a status is either paid or not",
                              "fr": "--paid-status et --unpaid-status nomment tous deux "
                                    f"{{values}}{_NB}: un statut est payé ou ne l'est pas"},
    "cli_err_statuses_empty": {"en": "--paid-status names no status: every order would be "
                                     "excluded",
                               "fr": f"--paid-status ne nomme aucun statut{_NB}: toutes les "
                                     "commandes seraient exclues"},
    "cli_err_positive": {"en": "{option} must be a positive number, not {value}",
                         "fr": "{option} doit être un nombre positif, et non {value}"},
    "cli_err_at_least": {"en": "{option} must be at least {least}, not {value}",
                         "fr": "{option} doit valoir au moins {least}, et non {value}"},
    "cli_err_encoding": {"en": "--encoding '{value}' is not a known encoding (e.g. utf-8, "
                               "cp1252, latin-1)",
                         "fr": "--encoding « {value} » n'est pas un encodage connu (p. ex. "
                               "utf-8, cp1252, latin-1)"},
    "cli_err_date": {"en": "{option} must be a date such as 2024-06-30, not '{value}'",
                     "fr": "{option} doit être une date comme 2024-06-30, et non « {value} »"},
    "cli_err_no_file": {"en": "{option} {path}: no such file",
                        "fr": f"{{option}} {{path}}{_NB}: fichier introuvable"},
    "cli_err_spark_fit": {"en": "--engine spark fits the purchase models ({models}), not "
                                "{model}",
                          "fr": "--engine spark ajuste les modèles d'achat ({models}), pas "
                                "{model}"},
    "cli_err_one_model": {"en": "-o saves one model; fit without --by to save the pooled model",
                          "fr": f"-o enregistre un seul modèle{_NB}; ajuster sans --by pour "
                                "enregistrer le modèle commun"},
    "cli_err_interval": {"en": "--interval is a level between 0 and 1 (e.g. 0.9), not {value}",
                         "fr": "--interval est un niveau entre 0 et 1 (p. ex. 0.9), et non "
                               "{value}"},
    "cli_err_by": {"en": "--by {by}: no such column in the transactions; columns are: "
                         "{columns}",
                   "fr": f"--by {{by}}{_NB}: aucune colonne de ce nom dans les transactions"
                         f"{_NB}; les colonnes sont{_NB}: {{columns}}"},
    "cli_err_by_customers": {"en": "--by {by}: no such column in the transactions or "
                                   "--customers; columns are: {columns}",
                             "fr": f"--by {{by}}{_NB}: aucune colonne de ce nom dans les "
                                   f"transactions ni dans --customers{_NB}; les colonnes "
                                   f"sont{_NB}: {{columns}}"},
    "cli_err_change": {"en": "{option} must be a change such as +5% or -0.1, not '{value}'",
                       "fr": "{option} doit être une variation comme +5% ou -0.1, et non "
                             "« {value} »"},
    "cli_err_no_product": {"en": "{source}: no product column was found; name it with "
                                 "--product COLUMN",
                           "fr": f"{{source}}{_NB}: aucune colonne de produit trouvée{_NB}; "
                                 "la nommer avec --product COLONNE"},
    "cli_no_dropout": {"en": "No customer ever leaves under {model}: the lifetime value, the "
                             "LTV of a new customer and LTV:CAC are values over an endless "
                             "lifetime, discounted (see the notes).",
                       "fr": f"Aucun client ne part selon {{model}}{_NB}: la valeur vie "
                             "client, la LTV d'un nouveau client et LTV:CAC sont des valeurs "
                             "sur une durée de vie sans fin, actualisées (voir les notes)."},
    "cli_err_no_mrr": {"en": "{source}: no column of monthly revenue was found (mrr, "
                             "monthly_revenue, revenu_mensuel...); name it with --mrr COLUMN; "
                             "columns: {columns}",
                       "fr": f"{{source}}{_NB}: aucune colonne de revenu mensuel trouvée (mrr, "
                             f"monthly_revenue, revenu_mensuel...){_NB}; la nommer avec --mrr "
                             f"COLONNE{_NB}; les colonnes sont{_NB}: {{columns}}"},
    "cli_not_saved": {"en": "the analysis was not saved to the history: {reason}",
                      "fr": f"l'analyse n'a pas été enregistrée dans l'historique{_NB}: "
                            "{reason}"},
    "cli_above_not_saved": {"en": "the analysis above was not saved to the history: {reason}",
                            "fr": "l'analyse ci-dessus n'a pas été enregistrée dans "
                                  f"l'historique{_NB}: {{reason}}"},
    # --- the data report (check, and every command that reads) ---------------------------------
    "cli_counts": {"en": "{read}, {kept}, {excluded}", "fr": "{read}, {kept}, {excluded}"},
    "cli_rows_read": {"en": "{count} rows read", "fr": "{count} lignes lues"},
    "cli_rows_read_one": {"en": "{count} row read", "fr": "{count} ligne lue"},
    "cli_rows_kept": {"en": "{count} kept", "fr": "{count} conservées"},
    "cli_rows_kept_one": {"en": "{count} kept", "fr": "{count} conservée"},
    "cli_rows_excluded": {"en": "{count} excluded", "fr": "{count} exclues"},
    "cli_rows_excluded_one": {"en": "{count} excluded", "fr": "{count} exclue"},
    "cli_columns": {"en": "Columns: {columns}", "fr": f"Colonnes{_NB}: {{columns}}"},
    "cli_excluded_rows": {"en": "Excluded rows", "fr": "Lignes exclues"},
    "cli_reason": {"en": "reason", "fr": "motif"},
    "cli_rows": {"en": "rows", "fr": "lignes"},
    "cli_amount": {"en": "amount", "fr": "montant"},
    "cli_first_rows": {"en": "first rows", "fr": "premières lignes"},
    # clv check --excluded
    "cli_excluded_written": {"en": "{count} excluded rows written to {path}",
                             "fr": "{count} lignes exclues écrites dans {path}"},
    "cli_excluded_written_one": {"en": "{count} excluded row written to {path}",
                                 "fr": "{count} ligne exclue écrite dans {path}"},
    "cli_err_write_to": {"en": "{option} {path}: write to a .csv, .parquet or .xlsx file",
                         "fr": f"{{option}} {{path}}{_NB}: écrire dans un fichier .csv, "
                               ".parquet ou .xlsx"},
    "cli_amounts": {"en": "Amounts: read {read} = kept {kept} + excluded {excluded}",
                    "fr": f"Montants{_NB}: lus {{read}} = conservés {{kept}} + exclus "
                          "{excluded}"},
    "cli_amounts_in": {"en": "Amounts in {currency}: read {read} = kept {kept} + excluded "
                             "{excluded} (the rows in other currencies apart, their amounts "
                             "above per currency)",
                       "fr": f"Montants en {{currency}}{_NB}: lus {{read}} = conservés {{kept}} "
                             "+ exclus {excluded} (les lignes dans d'autres devises à part, "
                             "leurs montants ci-dessus par devise)"},
    "cli_origin_explicit": {"en": "explicit", "fr": "indiquée"},
    "cli_origin_common": {"en": "common name", "fr": "nom courant"},
    "cli_origin_dates": {"en": "content: dates", "fr": f"contenu{_NB}: dates"},
    "cli_origin_decimals": {"en": "content: decimal numbers",
                            "fr": f"contenu{_NB}: nombres décimaux"},
    "cli_origin_first": {"en": "content: first remaining column",
                         "fr": f"contenu{_NB}: première colonne restante"},
    "cli_origin_preset": {"en": "preset {preset}", "fr": "préréglage {preset}"},
    "cli_origin_preset_detected": {"en": "preset {preset} (detected from the headers)",
                                   "fr": "préréglage {preset} (reconnu à ses en-têtes)"},
    "cli_map_line_items": {"en": "amount = '{quantity}' x '{price}' (line items)",
                           "fr": "montant = '{quantity}' x '{price}' (lignes d'articles)"},
    "cli_map_ledger": {"en": "amount = sales side of {sides} (ledger)",
                       "fr": "montant = côté ventes de {sides} (grand livre)"},
    # --- summary -------------------------------------------------------------------------------
    "cli_summary_title": {"en": "Summary ({unit}; {dates})",
                          "fr": f"Résumé ({{unit}}{_NB}; {{dates}})"},
    "cli_summary_end": {"en": "observation end {end}", "fr": "fin de l'observation {end}"},
    "cli_summary_calibration": {"en": ", calibration end {end}",
                                "fr": ", fin de la calibration {end}"},
    "cli_the_summary": {"en": "Summary", "fr": "Résumé"},
    "cli_sum_rows": {"en": "{count} rows (orders or order lines), {merged} of them merged into "
                           "another of the same customer and period (one purchase per "
                           "customer and period)",
                     "fr": "{count} lignes (commandes ou lignes de commande), dont {merged} "
                           "fusionnées avec une autre du même client et de la même période "
                           "(un achat par client et par période)"},
    "cli_sum_rows_one": {"en": "{count} row (an order or an order line), {merged} of them "
                               "merged into another of the same customer and period (one "
                               "purchase per customer and period)",
                         "fr": "{count} ligne (commande ou ligne de commande), dont {merged} "
                               "fusionnée avec une autre du même client et de la même période "
                               "(un achat par client et par période)"},
    "cli_sum_non_positive": {"en": "{count} customer-periods with a net amount <= 0 (refunds, "
                                   "zero totals) are not repeat purchases",
                             "fr": "{count} périodes-clients au montant net <= 0 "
                                   "(remboursements, totaux nuls) ne sont pas des réachats"},
    "cli_sum_non_positive_one": {"en": "{count} customer-period with a net amount <= 0 "
                                       "(refunds, zero totals) is not a repeat purchase",
                                 "fr": "{count} période-client au montant net <= 0 "
                                       "(remboursements, total nul) n'est pas un réachat"},
    "cli_sum_after_end": {"en": "{count} rows after the observation end left out (amount "
                                "{amount})",
                          "fr": "{count} lignes après la fin de l'observation écartées "
                                "(montant {amount})"},
    "cli_sum_after_end_one": {"en": "{count} row after the observation end left out (amount "
                                    "{amount})",
                              "fr": "{count} ligne après la fin de l'observation écartée "
                                    "(montant {amount})"},
    "cli_sum_no_purchase": {"en": "{count} customers without any purchase (only refunds or "
                                  "zero totals) left out (amount {amount})",
                            "fr": "{count} clients sans aucun achat (seulement des "
                                  "remboursements ou des totaux nuls) écartés (montant "
                                  "{amount})"},
    "cli_sum_no_purchase_one": {"en": "{count} customer without any purchase (only refunds or "
                                      "zero totals) left out (amount {amount})",
                                "fr": "{count} client sans aucun achat (seulement des "
                                      "remboursements ou des totaux nuls) écarté (montant "
                                      "{amount})"},
    "cli_sum_in_holdout": {"en": "{count} customers first seen in the holdout left out "
                                 "(amount {amount})",
                           "fr": "{count} clients apparus pendant la période mise de côté "
                                 "écartés (montant {amount})"},
    "cli_sum_in_holdout_one": {"en": "{count} customer first seen in the holdout left out "
                                     "(amount {amount})",
                               "fr": "{count} client apparu pendant la période mise de côté "
                                     "écarté (montant {amount})"},
    "col_one_time_buyers": {"en": "One-time buyers", "fr": "Acheteurs d'une seule fois"},
    "col_repeat_buyers": {"en": "Repeat buyers", "fr": "Clients réguliers"},
    "col_mean_frequency": {"en": "Mean frequency (repeat purchases)",
                           "fr": "Fréquence moyenne (réachats)"},
    "col_mean_recency": {"en": "Mean recency", "fr": "Récence moyenne"},
    "col_mean_T": {"en": "Mean age (T)", "fr": "Ancienneté moyenne (T)"},
    "col_mean_monetary_of_repeat_buyers": {"en": "Mean repeat purchase of repeat buyers",
                                           "fr": "Réachat moyen des clients réguliers"},
    "col_total_amount": {"en": "Total amount", "fr": "Montant total"},
    "col_holdout_transactions": {"en": "Holdout transactions",
                                 "fr": "Transactions de la période mise de côté"},
    "col_holdout_duration": {"en": "Holdout duration", "fr": "Durée de la période mise de côté"},
    # --- models --------------------------------------------------------------------------------
    "col_param": {"en": "Parameter", "fr": "Paramètre"},
    "col_estimate": {"en": "Estimate", "fr": "Estimation"},
    "col_stderr": {"en": "Standard error", "fr": "Écart-type"},
    "col_bound": {"en": "Limit", "fr": "Limite"},
    "cli_limit_unidentified": {"en": "not identified", "fr": "non identifié"},
    "cli_limit_capped": {"en": "upper end capped at inf", "fr": "borne haute plafonnée à inf"},
    "cli_model_fit": {"en": "log-likelihood {loglik}, AIC {aic}, BIC {bic}, {customers}, unit "
                            "{unit}",
                      "fr": "log-vraisemblance {loglik}, AIC {aic}, BIC {bic}, {customers}, "
                            "unité {unit}"},
    "cli_model_line": {"en": "{model} ({params}): log-likelihood {loglik}, {customers}, unit "
                             "{unit}",
                       "fr": f"{{model}} ({{params}}){_NB}: log-vraisemblance {{loglik}}, "
                             "{customers}, unité {unit}"},
    "cli_list_sep": {"en": ", ", "fr": f"{_NB}; "},
    "cli_model_saved": {"en": "Model saved to {path}", "fr": "Modèle enregistré dans {path}"},
    "cli_spend_left_out": {
        "en": "{source}: {count} of the {rows} rows of the spend table left out: {reason}"
              "{first}",
        "fr": f"{{source}}{_NB}: {{count}} des {{rows}} lignes du fichier de dépenses "
              f"écartées{_NB}: {{reason}}{{first}}"},
    "cli_spend_left_out_one": {
        "en": "{source}: {count} of the {rows} rows of the spend table left out: {reason}"
              "{first}",
        "fr": f"{{source}}{_NB}: {{count}} des {{rows}} lignes du fichier de dépenses "
              f"écartée{_NB}: {{reason}}{{first}}"},
    "cli_the_first": {"en": "; the first: {example}",
                      "fr": f"{_NB}; la première{_NB}: {{example}}"},
    "cli_mean_spend": {"en": "mean spend per purchase {amount}",
                       "fr": "dépense moyenne par achat {amount}"},
    "cli_mean_spend_name": {"en": "mean spend per purchase", "fr": "dépense moyenne par achat"},
    "cli_chosen_holdout": {"en": "chosen on a holdout (clv evaluate shows the scorecard)",
                           "fr": "choisi sur une période mise de côté (clv evaluate montre le "
                                 "tableau des scores)"},
    "cli_as_asked": {"en": "as asked", "fr": "tel que demandé"},
    "cli_value_empty": {"en": "(value empty)", "fr": "(valeur vide)"},
    "cli_strict_one_row": {"en": "; 1 row would be excluded in all (strict mode)",
                           "fr": f"{_NB}; 1 ligne serait exclue en tout (mode strict)"},
    "cli_err_only_refunds": {
        "en": "{source}: all {rows} rows kept are refunds (negative amounts); there is no "
              "purchase to model",
        "fr": f"{{source}}{_NB}: les {{rows}} lignes conservées sont toutes des remboursements "
              f"(montants négatifs){_NB}; il n'y a aucun achat à modéliser"},
    "cli_err_only_refunds_one": {
        "en": "{source}: the only row kept is a refund (a negative amount); there is no "
              "purchase to model",
        "fr": f"{{source}}{_NB}: la seule ligne conservée est un remboursement (montant "
              f"négatif){_NB}; il n'y a aucun achat à modéliser"},
    "cli_err_no_purchase": {
        "en": "{source}: none of the {rows} rows kept is a purchase (refunds: {refunds}, zero "
              "amounts: {zeros}); there is no purchase to model",
        "fr": f"{{source}}{_NB}: aucune des {{rows}} lignes conservées n'est un achat "
              f"(remboursements{_NB}: {{refunds}}, montants nuls{_NB}: {{zeros}}){_NB}; il "
              "n'y a aucun achat à modéliser"},
    "cli_err_no_purchase_one": {
        "en": "{source}: the one row kept is not a purchase (refunds: {refunds}, zero amounts: "
              "{zeros}); there is no purchase to model",
        "fr": f"{{source}}{_NB}: la seule ligne conservée n'est pas un achat "
              f"(remboursements{_NB}: {{refunds}}, montants nuls{_NB}: {{zeros}}){_NB}; il "
              "n'y a aucun achat à modéliser"},
    "cli_err_no_customer": {
        "en": "{source}: no customer made a purchase (a positive amount); there is nothing for "
              "{model} to model",
        "fr": f"{{source}}{_NB}: aucun client n'a fait d'achat (montant positif){_NB}; "
              "{model} n'a rien à modéliser"},
    "cli_err_few_customers": {
        "en": "{source}: {model} has {params} parameters and needs at least {needed} customers; "
              "the data have {customers}",
        "fr": f"{{source}}{_NB}: {{model}} a {{params}} paramètres et demande au moins "
              f"{{needed}} clients{_NB}; les données en ont {{customers}}"},
    "cli_fallback": {"en": "chosen as the fallback: no other model could be fitted on this data "
                           "(see the note)",
                     "fr": f"choisi en repli{_NB}: aucun autre modèle n'a pu être ajusté sur "
                           "ces données (voir la remarque)"},
    "cli_no_comparison": {"en": "the first candidate, used without a comparison: the models "
                                "could not be compared on a holdout (see the note)",
                          "fr": f"le premier candidat, utilisé sans comparaison{_NB}: les "
                                "modèles n'ont pas pu être comparés sur une période mise de côté "
                                "(voir la remarque)"},
    "cli_purchase_model": {"en": "Purchase model {model}, {chosen}; spend per purchase: {spend}",
                           "fr": f"Modèle d'achat {{model}}, {{chosen}}{_NB}; dépense par "
                                 f"achat{_NB}: {{spend}}"},
    "cli_future_value": {"en": "Future value: {basis}", "fr": f"Valeur future{_NB}: {{basis}}"},
    "cli_basis": {"en": "{model} + {spend}, margin {margin}, discount {discount}/year, "
                        "{horizon}",
                  "fr": "{model} + {spend}, marge {margin}, actualisation {discount}/an, "
                        "{horizon}"},
    "cli_settings_basis": {"en": "{model}, margin {margin}, discount {discount}/year, {horizon}",
                           "fr": "{model}, marge {margin}, actualisation {discount}/an, "
                                 "{horizon}"},
    "cli_in_currency": {"en": ", in {currency}", "fr": ", en {currency}"},
    "cli_top_customers": {"en": "Top customers by future value ({horizon}; margin {margin}, "
                                "discount {discount}/year)",
                          "fr": f"Meilleurs clients par valeur future ({{horizon}}{_NB}; "
                                "marge {margin}, actualisation {discount}/an)"},
    "cli_predict_total": {"en": "{label}, {customers}: {value} ({level} interval {lower} to "
                                "{upper}; realised value {plower} to {pupper})",
                          "fr": f"{{label}}, {{customers}}{_NB}: {{value}} (intervalle à "
                                f"{{level}} de {{lower}} à {{upper}}{_NB}; valeur réalisée de "
                                "{plower} à {pupper})"},
    "cli_predict_none": {"en": "{label}, {customers}: no prediction possible (see the note "
                               "above)",
                         "fr": f"{{label}}, {{customers}}{_NB}: aucune prévision possible (voir "
                               "la remarque ci-dessus)"},
    "cli_spark_total_one": {"en": "{label}, {customers} ({rows} distinct row valued): {value} "
                                  "({horizon}; margin {margin}, discount {discount}/year)",
                            "fr": f"{{label}}, {{customers}} ({{rows}} ligne distincte "
                                  f"évaluée){_NB}: {{value}} ({{horizon}}{_NB}; marge "
                                  "{margin}, actualisation {discount}/an)"},
    "cli_spark_total": {"en": "{label}, {customers} ({rows} distinct rows valued): {value} "
                              "({horizon}; margin {margin}, discount {discount}/year)",
                        "fr": f"{{label}}, {{customers}} ({{rows}} lignes distinctes "
                              f"évaluées){_NB}: {{value}} ({{horizon}}{_NB}; marge {{margin}}, "
                              "actualisation {discount}/an)"},
    "cli_spark_total_interval": {"en": "{level} interval of the total {lower} to {upper}; "
                                       "realised value {plower} to {pupper}",
                                 "fr": f"intervalle à {{level}} du total de {{lower}} à "
                                       f"{{upper}}{_NB}; valeur réalisée de {{plower}} à "
                                       "{pupper}"},
    "cli_the_predictions": {"en": "Predictions", "fr": "Prévisions"},
    "col_frequency": {"en": "Repeat purchases", "fr": "Réachats"},
    "cli_scorecard_title": {"en": "Holdout scorecard: {customers}, calibration to {calibration}, "
                                  "holdout to {end} ({unit})",
                            "fr": f"Scores sur la période mise de côté{_NB}: {{customers}}, "
                                  "calibration jusqu'au {calibration}, période mise de côté "
                                  "jusqu'au {end} ({unit})"},
    "col_model": {"en": "Model", "fr": "Modèle"},
    "col_mae_transactions": {"en": "MAE of transactions", "fr": "MAE des transactions"},
    "col_rmse_transactions": {"en": "RMSE of transactions", "fr": "RMSE des transactions"},
    "col_total_transactions_error": {"en": "Error on total transactions",
                                     "fr": "Erreur sur le total des transactions"},
    "col_rmse_revenue": {"en": "RMSE of revenue", "fr": "RMSE du chiffre d'affaires"},
    "col_total_revenue_error": {"en": "Error on total revenue",
                                "fr": "Erreur sur le chiffre d'affaires total"},
    "col_gini_revenue": {"en": "Gini of revenue", "fr": "Gini du chiffre d'affaires"},
    "col_bic": {"en": "BIC", "fr": "BIC"},
    "cli_naive": {"en": "naive", "fr": "naïf"},
    "cli_criterion_rmse": {"en": "RMSE of holdout transactions per customer",
                           "fr": "RMSE des transactions mises de côté par client"},
    "cli_best": {"en": "Best: {model} (lowest {criterion}); '{naive}' carries each customer's "
                       "past rate forward. --json gives every measure, the deciles and the "
                       "weekly tracking.",
                 "fr": f"Meilleur{_NB}: {{model}} (plus faible {{criterion}}){_NB}; "
                       "« {naive} » prolonge le rythme passé de chaque client. --json donne "
                       "toutes les mesures, les déciles et le suivi par semaine."},
    "cli_naive_wins": {"en": "The naive baseline beats every model on this holdout: {model} is "
                             "only the best of the models.",
                       "fr": "La référence naïve bat tous les modèles sur cette période mise de "
                             f"côté{_NB}: {{model}} n'est que le meilleur des modèles."},
    "cli_not_fitted": {"en": "{model} not fitted:", "fr": f"{{model}} non ajusté{_NB}:"},
    "cli_the_tracking": {"en": "Tracking", "fr": "Suivi"},
    # --- decisions -----------------------------------------------------------------------------
    "cli_title_segments": {"en": "Segments (revenue to date and predicted CLV)",
                           "fr": "Segments (chiffre d'affaires à date et CLV prévue)"},
    "cli_title_tiers": {"en": "Value tiers by predicted CLV",
                        "fr": "Niveaux de valeur selon la CLV prévue"},
    "cli_title_profile": {"en": "Profile by {by}", "fr": "Profil par {by}"},
    "cli_gini": {"en": "historical {historical}, predicted {predicted}; the top 10% hold {top} "
                       "of predicted value",
                 "fr": f"historique {{historical}}, prévu {{predicted}}{_NB}; les 10{_NB}% "
                       "meilleurs clients détiennent {top} de la valeur prévue"},
    "cli_gini_historical": {"en": "historical {historical}; the top 10% hold {top} of revenue "
                                  "to date (no prediction possible)",
                            "fr": f"historique {{historical}}{_NB}; les 10{_NB}% meilleurs "
                                  "clients détiennent {top} du chiffre d'affaires à date "
                                  "(aucune prévision possible)"},
    "col_share_customers": {"en": "Share of customers", "fr": "Part des clients"},
    "col_mean_revenue_to_date": {"en": "Mean revenue to date",
                                 "fr": "Chiffre d'affaires moyen à date"},
    "col_mean_predicted_clv": {"en": "Mean predicted CLV", "fr": "CLV prévue moyenne"},
    "col_mean_p_alive": {"en": "Mean P(alive)", "fr": "P(actif) moyenne"},
    "col_share_predicted_clv": {"en": "Share of predicted CLV", "fr": "Part de la CLV prévue"},
    "col_share_revenue_to_date": {"en": "Share of revenue to date",
                                  "fr": "Part du chiffre d'affaires à date"},
    "col_predicted_clv": {"en": "Predicted CLV", "fr": "CLV prévue"},
    "col_min_predicted_clv": {"en": "Smallest predicted CLV", "fr": "Plus petite CLV prévue"},
    "cli_title_retention": {"en": "Retention by {period} since acquisition (observed customers)",
                            "fr": "Rétention en {period} depuis l'acquisition (clients "
                                  "observés)"},
    "cli_title_curve": {"en": "Revenue per customer within k months of acquisition",
                        "fr": "Chiffre d'affaires par client dans les k mois suivant "
                              "l'acquisition"},
    "cli_title_repeat": {"en": "Repeat purchase", "fr": "Réachat"},
    "col_cohort": {"en": "Cohort", "fr": "Cohorte"},
    "col_months": {"en": "Months", "fr": "Mois"},
    "col_customers_observed": {"en": "Customers observed", "fr": "Clients observés"},
    "col_revenue_per_customer": {"en": "Revenue per customer",
                                 "fr": "Chiffre d'affaires par client"},
    "col_predicted_revenue_per_customer": {"en": "Predicted revenue per customer",
                                           "fr": "Chiffre d'affaires prévu par client"},
    "col_median_days_to_second": {"en": "Median days to second purchase",
                                  "fr": "Jours jusqu'au 2e achat, médiane"},
    "col_q1_days_to_second": {"en": "Days to second purchase, 1st quartile",
                              "fr": "Jours jusqu'au 2e achat, 1er quartile"},
    "col_q3_days_to_second": {"en": "Days to second purchase, 3rd quartile",
                              "fr": "Jours jusqu'au 2e achat, 3e quartile"},
    "cli_title_channels": {"en": "Acquisition channels", "fr": "Canaux d'acquisition"},
    "cli_title_channels_blended": {"en": "Acquisition channels (blended LTV:CAC = sum of new "
                                         "customers x LTV of a new customer / total spend)",
                                   "fr": "Canaux d'acquisition (LTV:CAC global = somme des "
                                         "nouveaux clients x LTV d'un nouveau client / "
                                         "dépenses totales)"},
    "cli_title_next_euro": {"en": "Where acquisition spend pays best (LTV per unit of CAC)",
                            "fr": "Où les dépenses d'acquisition rapportent le plus (LTV par "
                                  "unité de CAC)"},
    "cli_paid_channels": {"en": " (paid channels)", "fr": " (canaux payants)"},
    "col_return_per_spend": {"en": "Return per unit of spend",
                             "fr": "Retour par unité dépensée"},
    "col_cac_headroom": {"en": "CAC headroom at 3x", "fr": "Marge de CAC à 3x"},
    "cli_title_pairs": {"en": "Cross-sell windows", "fr": "Fenêtres de vente croisée"},
    "cli_title_likely": {"en": "Most likely to buy in {days} days",
                         "fr": "Les plus susceptibles d'acheter sous {days} jours"},
    "cli_title_likely_one": {"en": "Most likely to buy in {days} day",
                             "fr": "Les plus susceptibles d'acheter sous {days} jour"},
    "cli_p_purchase": {"en": "P(purchase within {days} days)",
                       "fr": "P(achat sous {days} jours)"},
    "cli_p_purchase_one": {"en": "P(purchase within {days} day)",
                           "fr": "P(achat sous {days} jour)"},
    "cli_expected_buyers": {"en": "{count} customers expected to buy within {days} days",
                            "fr": "{count} clients devraient acheter sous {days} jours"},
    "cli_expected_buyers_one": {"en": "{count} customer expected to buy within {days} days",
                                "fr": "{count} client devrait acheter sous {days} jours"},
    "cli_no_pairs": {"en": "No cross-sell window: no pair of products was bought one after the "
                           "other by {count} customers or more with a lift of at least 1 "
                           "(--min-customers sets how many).",
                     "fr": f"Aucune fenêtre de vente croisée{_NB}: aucune paire de produits n'a "
                           "été achetée l'un après l'autre par {count} clients ou plus avec un "
                           "effet multiplicateur d'au moins 1 (--min-customers fixe "
                           "combien)."},
    "cli_no_pairs_one": {"en": "No cross-sell window: no pair of products was bought one after "
                               "the other by {count} customer or more with a lift of at least 1 "
                               "(--min-customers sets how many).",
                         "fr": f"Aucune fenêtre de vente croisée{_NB}: aucune paire de produits "
                               "n'a été achetée l'un après l'autre par {count} client ou plus "
                               "avec un effet multiplicateur d'au moins 1 (--min-customers fixe "
                               "combien)."},
    "cli_propose": {"en": "propose {b} {q1}-{q3} days after {a} ({share} of its buyers then "
                          "buy it, {lift}x the base rate)",
                    "fr": "proposer {b} {q1} à {q3} jours après {a} ({share} de ses acheteurs "
                          "l'achètent ensuite, {lift} fois le taux de base)"},
    "col_product_a": {"en": "First product", "fr": "Premier produit"},
    "col_product_b": {"en": "Then", "fr": "Puis"},
    "col_customers_then_b": {"en": "Customers then buying it",
                             "fr": "Clients l'achetant ensuite"},
    "col_share": {"en": "Share", "fr": "Part"},
    "col_lift": {"en": "Lift", "fr": "Effet multiplicateur"},
    "col_median_days": {"en": "Median days", "fr": "Jours, médiane"},
    "col_q1_days": {"en": "Days, 1st quartile", "fr": "Jours, 1er quartile"},
    "col_q3_days": {"en": "Days, 3rd quartile", "fr": "Jours, 3e quartile"},
    "cli_title_whatif": {"en": "What if ({changes}) over {horizon}",
                         "fr": "Et si ({changes}) sur {horizon}"},
    "cli_title_sensitivity": {"en": "Change of predicted value per +1% of each lever",
                              "fr": f"Variation de la valeur prévue pour +1{_NB}% de chaque "
                                    "levier"},
    "cli_no_change": {"en": "no change", "fr": "aucun changement"},
    "cli_base": {"en": "base", "fr": "référence"},
    "cli_scenario": {"en": "scenario", "fr": "scénario"},
    "cli_lever_retention": {"en": "retention", "fr": "rétention"},
    "cli_lever_frequency": {"en": "frequency", "fr": "fréquence"},
    "cli_lever_basket": {"en": "basket", "fr": "panier"},
    "cli_lever_margin": {"en": "margin", "fr": "marge"},
    "cli_lever_discount_rate": {"en": "discount rate", "fr": "taux d'actualisation"},
    "cli_lever_cac": {"en": "CAC", "fr": "CAC"},
    "col_margin": {"en": "Margin", "fr": "Marge"},
    "col_discount_rate": {"en": "Discount rate", "fr": "Taux d'actualisation"},
    "col_profit_per_new_customer": {"en": "Profit per new customer (LTV - CAC)",
                                    "fr": "Profit par nouveau client (LTV - CAC)"},
    "col_total_change": {"en": "Change of future value", "fr": "Variation de la valeur future"},
    "col_total_change_pct": {"en": "Change of future value (%)",
                             "fr": "Variation de la valeur future (%)"},
    "col_rank": {"en": "Rank", "fr": "Rang"},
    "col_lever": {"en": "Lever", "fr": "Levier"},
    "col_total_pct_per_pct": {"en": "Future value, % per %",
                              "fr": f"Valeur future, %{_NB}par %"},
    "col_new_ltv_pct_per_pct": {"en": "LTV of a new customer, % per %",
                                "fr": f"LTV d'un nouveau client, %{_NB}par %"},
    "cli_title_mrr": {"en": "MRR movements by month", "fr": "Mouvements du MRR par mois"},
    "cli_title_plans": {"en": "sBG per plan and LTV", "fr": "sBG et LTV par offre"},
    "col_mrr": {"en": "MRR", "fr": "MRR"},
    "col_new": {"en": "New MRR", "fr": "MRR nouveau"},
    "col_expansion": {"en": "Expansion", "fr": "Expansion"},
    "col_contraction": {"en": "Contraction", "fr": "Contraction"},
    "col_churn": {"en": "Churned MRR", "fr": "MRR perdu"},
    "col_reactivation": {"en": "Reactivation", "fr": "Réactivation"},
    "col_arpa": {"en": "ARPA", "fr": "ARPA"},
    "col_customer_churn": {"en": "Customer churn", "fr": "Attrition des clients"},
    "col_grr": {"en": "GRR", "fr": "GRR"},
    "col_nrr": {"en": "NRR", "fr": "NRR"},
    "col_plan": {"en": "Plan", "fr": "Offre"},
    "col_subscriptions": {"en": "Subscriptions", "fr": "Abonnements"},
    "col_monthly_churn": {"en": "Monthly churn", "fr": "Attrition mensuelle"},
    "col_discounted_lifetime_months": {"en": "Discounted lifetime (months)",
                                       "fr": "Durée de vie actualisée (mois)"},
    "col_sbg_ltv": {"en": "LTV, sBG model", "fr": "LTV, modèle sBG"},
    "col_simple_ltv": {"en": "LTV, simple formula", "fr": "LTV, formule simple"},
    # --- analyze, report, history, score, demo -------------------------------------------------
    "cli_title_headline": {"en": "Headline figures", "fr": "Chiffres clés"},
    "col_date": {"en": "Date of the analysis", "fr": "Date de l'analyse"},
    "col_observation_end": {"en": "Observation end", "fr": "Fin de l'observation"},
    "col_not_judged": {"en": "Customers not judged", "fr": "Clients non jugés"},
    "col_gini_predicted": {"en": "Gini of future value", "fr": "Gini de la valeur future"},
    "col_currency": {"en": "Currency", "fr": "Devise"},
    "col_analysis_id": {"en": "Analysis in the history", "fr": "Analyse dans l'historique"},
    "cli_report_written": {"en": "Report written to {path} ({size} MB)",
                           "fr": "Rapport écrit dans {path} ({size} Mo)"},
    "cli_no_history": {"en": "No analysis saved in {db} yet (clv analyze FILE --save).",
                       "fr": "Aucune analyse enregistrée dans {db} pour l'instant (clv analyze "
                             "FICHIER --save)."},
    "cli_title_history": {"en": "History of analyses in {db}",
                          "fr": "Historique des analyses dans {db}"},
    "cli_hist_predicted_clv": {"en": "Future value per customer",
                               "fr": "Valeur future par client"},
    "cli_hist_predicted_clv_change": {"en": "Change", "fr": "Variation"},
    "col_id": {"en": "Id", "fr": "N°"},
    "col_created_at": {"en": "Made on", "fr": "Faite le"},
    "col_source": {"en": "Source", "fr": "Source"},
    "col_ltv_cac_change": {"en": "LTV:CAC change", "fr": "Variation du LTV:CAC"},
    "cli_scores_written": {"en": "{count} customer scores written to table {table}",
                           "fr": "{count} scores de clients écrits dans la table {table}"},
    "cli_scores_written_one": {"en": "{count} customer score written to table {table}",
                               "fr": "{count} score de client écrit dans la table {table}"},
    "cli_demo_shop": {"en": "a simulated shop of {customers}, {start} to {end} (seed {seed})",
                      "fr": "une boutique simulée de {customers}, du {start} au {end} "
                            "(graine {seed})"},
    "cli_demo_future": {"en": "Future value per customer ({horizon}, {margin} margin)",
                        "fr": "Valeur future par client ({horizon}, marge de {margin})"},
    "cli_demo_new_ltv": {"en": "LTV of a new customer (lifetime)",
                         "fr": "LTV d'un nouveau client (durée de vie)"},
    "cli_demo_report": {"en": "Report written to {path} (open it in a browser; it works "
                              "offline)",
                        "fr": f"Rapport écrit dans {{path}} (l'ouvrir dans un navigateur{_NB}; "
                              "il fonctionne hors ligne)"},
    "cli_demo_done": {"en": "Finished in {seconds} s. Margins use {margin}.",
                      "fr": "Terminé en {seconds} s. Les marges sont de {margin}."},
    "cli_demo_name": {"en": "demo shop ({count})", "fr": "boutique de démonstration ({count})"},
    "col_transactions_after_same_day_merge": {
        "en": "Transactions (purchases of a day merged)",
        "fr": "Transactions (achats d'un même jour fusionnés)"},
    "col_net_revenue": {"en": "Net revenue", "fr": "Chiffre d'affaires net"},
    "col_refunds": {"en": "Refunds", "fr": "Remboursements"},
    "col_average_order_value": {"en": "Average order value", "fr": "Panier moyen"},
    "col_purchases_per_customer_per_year": {"en": "Purchases per customer per year",
                                            "fr": "Achats par client et par an"},
    "col_revenue_per_customer_to_date": {"en": "Revenue per customer to date",
                                         "fr": "Chiffre d'affaires par client à date"},
    "col_years_observed": {"en": "Years observed", "fr": "Années observées"},
    # --- calc ----------------------------------------------------------------------------------
    "cli_calc_service": {"en": "service LTV", "fr": "LTV de service"},
    "cli_calc_ecommerce": {"en": "e-commerce LTV", "fr": "LTV e-commerce"},
    "cli_calc_saas": {"en": "SaaS LTV", "fr": "LTV SaaS"},
    "cli_calc_generic": {"en": "LTV", "fr": "LTV"},
    "cli_calc_discounted": {"en": "discounted LTV", "fr": "LTV actualisée"},
    "cli_calc_max_cac": {"en": "maximum CAC", "fr": "CAC maximal"},
    "cli_calc_payback": {"en": "CAC payback", "fr": "retour sur CAC"},
    "cli_calc_months": {"en": " months", "fr": " mois"},
    "cli_calc_months_one": {"en": " month", "fr": " mois"},
    "cli_advice_loses": {"en": "loses money: each customer costs more to acquire than they "
                               "bring in",
                         "fr": f"perd de l'argent{_NB}: chaque client coûte plus à acquérir "
                               "qu'il ne rapporte"},
    "cli_advice_thin": {"en": "thin: positive but below the 3x usually needed to cover "
                              "overheads and risk",
                        "fr": f"mince{_NB}: positif mais sous les 3x habituellement "
                              "nécessaires pour couvrir les frais généraux et le risque"},
    "cli_advice_healthy": {"en": "healthy (3x or more)", "fr": "sain (3x ou plus)"},
    "cli_advice_under": {"en": "healthy, and well above 5x: possibly under-investing in "
                               "growth; acquisition could be scaled up",
                         "fr": f"sain, et bien au-delà de 5x{_NB}: sous-investissement "
                               f"possible dans la croissance{_NB}; l'acquisition pourrait "
                               "être augmentée"},
}
