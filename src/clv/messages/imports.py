"""Words of the import (home page, uploads, the mapping form and its preview), of the jobs'
page, of the history and of the calculator."""

import re

MESSAGES: dict[str, dict[str, str]] = {
    # ---- home page and uploads ---------------------------------------------------------
    "imp_home_title": {"en": "Data", "fr": "Données"},
    "imp_home_h1": {"en": "Customer lifetime value", "fr": "Valeur vie client"},
    "imp_upload_h2": {"en": "Upload your files", "fr": "Importez vos fichiers"},
    "imp_upload_note": {
        "en": "One line per order or order line: customer, date, amount (and, if you have "
              "them, order number, product, channel). CSV, Excel, Parquet or JSON lines, with "
              "French or English headers. The files stay on this machine.",
        "fr": "Une ligne par commande ou par ligne de commande : client, date, montant (et, si "
              "vous les avez, numéro de commande, produit, canal). CSV, Excel, Parquet ou JSON "
              "lines, en-têtes en français ou en anglais. Les fichiers restent sur cette "
              "machine."},
    "imp_file_transactions": {"en": "Orders", "fr": "Commandes"},
    "imp_file_spend": {"en": "Marketing spend per channel and month (optional)",
                       "fr": "Dépenses marketing par canal et par mois (facultatif)"},
    "imp_file_customers": {"en": "Customers: acquisition channel or date (optional)",
                           "fr": "Clients : canal ou date d'acquisition (facultatif)"},
    "imp_file_subscriptions": {"en": "Subscriptions: start, end, MRR, plan (optional)",
                               "fr": "Abonnements : début, fin, MRR, offre (facultatif)"},
    "imp_upload_button": {"en": "Upload and check the columns",
                          "fr": "Importer et vérifier les colonnes"},
    "imp_upload_missing": {"en": "Choose the file of your orders.",
                           "fr": "Choisissez le fichier de vos commandes."},
    "imp_upload_failed": {"en": "{name} could not be read: {reason}",
                          "fr": "Impossible de lire {name} : {reason}"},
    "imp_db_h2": {"en": "Or read a database table",
                  "fr": "Ou lisez une table d'une base de données"},
    "imp_db_url": {"en": "Database URL", "fr": "Adresse (URL) de la base"},
    "imp_db_table": {"en": "Table", "fr": "Table"},
    "imp_db_query": {"en": "or query", "fr": "ou requête"},
    "imp_db_read": {"en": "Read", "fr": "Lire"},
    "imp_session_h2": {"en": "Analyses in this session", "fr": "Analyses de cette session"},
    "imp_session_item": {"en": "Analysis {id}", "fr": "Analyse {id}"},
    "imp_session_customers": {"en": "{n} customers", "fr": "{n} clients"},
    "imp_session_none": {"en": "None yet. Earlier analyses are in the",
                         "fr": "Aucune pour l'instant. Les analyses précédentes sont dans l'"},
    "imp_session_history": {"en": "history", "fr": "historique"},
    # ---- the mapping form --------------------------------------------------------------
    "imp_map_title": {"en": "Columns", "fr": "Colonnes"},
    "imp_map_h1": {"en": "Check the columns of {name}", "fr": "Vérifiez les colonnes de {name}"},
    "imp_map_preset": {
        "en": "The headers are those of a {preset} export: its columns are chosen below.",
        "fr": "Les en-têtes sont ceux d'un export {preset} : ses colonnes sont choisies "
              "ci-dessous."},
    "imp_map_name": {"en": "Name of this data source", "fr": "Nom de cette source de données"},
    "imp_map_name_help": {
        "en": "The history groups the analyses of one source and draws their trend.",
        "fr": "L'historique regroupe les analyses d'une même source et trace leur évolution."},
    "imp_map_orders": {"en": "Orders: {name}", "fr": "Commandes : {name}"},
    "imp_map_spend": {"en": "Marketing spend: {name}", "fr": "Dépenses marketing : {name}"},
    "imp_map_customers": {"en": "Customers: {name}", "fr": "Clients : {name}"},
    "imp_map_subscriptions": {"en": "Subscriptions: {name}", "fr": "Abonnements : {name}"},
    "imp_map_amount_help": {
        "en": "The amount of a row is its amount column. For a log of line items, leave the "
              "amount empty and choose the quantity and the unit price (amount = quantity × "
              "unit price); for a ledger, the debit and credit columns.",
        "fr": "Le montant d'une ligne est sa colonne de montant. Pour un journal de lignes "
              "d'articles, laissez le montant vide et choisissez la quantité et le prix "
              "unitaire (montant = quantité × prix unitaire) ; pour un grand livre, les "
              "colonnes de débit et de crédit."},
    "imp_th_field": {"en": "Field", "fr": "Champ"},
    "imp_th_column": {"en": "Column of your file", "fr": "Colonne de votre fichier"},
    "imp_th_origin": {"en": "Found", "fr": "Origine"},
    "imp_none": {"en": "(none)", "fr": "(aucune)"},
    "imp_required": {"en": "required", "fr": "obligatoire"},
    "imp_required_amount": {"en": "required, or quantity and unit price",
                            "fr": "obligatoire, ou quantité et prix unitaire"},
    "imp_origin_header": {"en": "detected from the header “{column}”",
                          "fr": "détectée d'après l'en-tête « {column} »"},
    "imp_origin_preset": {"en": "from the {preset} export", "fr": "d'après l'export {preset}"},
    "imp_origin_content": {"en": "detected from the values", "fr": "détectée d'après les valeurs"},
    "imp_origin_chosen": {"en": "chosen by you", "fr": "choisie par vous"},
    # the fields
    "imp_f_customer_id": {"en": "Customer id", "fr": "Identifiant client"},
    "imp_f_timestamp": {"en": "Date", "fr": "Date"},
    "imp_f_amount": {"en": "Amount", "fr": "Montant"},
    "imp_f_quantity": {"en": "Quantity", "fr": "Quantité"},
    "imp_f_price": {"en": "Unit price", "fr": "Prix unitaire"},
    "imp_f_order_id": {"en": "Order number", "fr": "Numéro de commande"},
    "imp_f_product": {"en": "Product", "fr": "Produit"},
    "imp_f_channel": {"en": "Channel", "fr": "Canal"},
    "imp_f_status": {"en": "Order status", "fr": "Statut de la commande"},
    "imp_f_cancelled": {"en": "Cancellation date", "fr": "Date d'annulation"},
    "imp_f_currency": {"en": "Currency", "fr": "Devise"},
    "imp_f_time": {"en": "Time of day", "fr": "Heure"},
    "imp_f_refunded": {"en": "Amount refunded", "fr": "Montant remboursé"},
    "imp_f_debit": {"en": "Debit", "fr": "Débit"},
    "imp_f_credit": {"en": "Credit", "fr": "Crédit"},
    "imp_f_journal": {"en": "Journal", "fr": "Journal"},
    "imp_f_month": {"en": "Month", "fr": "Mois"},
    "imp_f_spend": {"en": "Amount spent", "fr": "Montant dépensé"},
    "imp_f_campaign": {"en": "Campaign", "fr": "Campagne"},
    "imp_f_leads": {"en": "Leads", "fr": "Prospects"},
    "imp_f_acquired_at": {"en": "Acquisition date", "fr": "Date d'acquisition"},
    "imp_f_start": {"en": "Start", "fr": "Début"},
    "imp_f_end": {"en": "End (empty while active)", "fr": "Fin (vide tant qu'actif)"},
    "imp_f_mrr": {"en": "Monthly revenue (MRR)", "fr": "Revenu mensuel (MRR)"},
    "imp_f_plan": {"en": "Plan", "fr": "Offre"},
    # which column to choose
    "imp_choose_customer_id": {"en": "Choose the column of the customer id.",
                               "fr": "Choisissez la colonne de l'identifiant client."},
    "imp_choose_timestamp": {"en": "Choose the column of the date.",
                             "fr": "Choisissez la colonne de la date."},
    "imp_choose_amount": {
        "en": "Choose the column of the amount (or a quantity and a unit price).",
        "fr": "Choisissez la colonne du montant (ou une quantité et un prix unitaire)."},
    "imp_choose_month": {"en": "Choose the column of the month of the marketing spend.",
                         "fr": "Choisissez la colonne du mois des dépenses marketing."},
    "imp_choose_channel": {"en": "Choose the column of the channel of the marketing spend.",
                           "fr": "Choisissez la colonne du canal des dépenses marketing."},
    "imp_choose_spend": {"en": "Choose the column of the amount spent.",
                         "fr": "Choisissez la colonne du montant dépensé."},
    "imp_choose_start": {"en": "Choose the column of the start of the subscriptions.",
                         "fr": "Choisissez la colonne du début des abonnements."},
    "imp_choose_end": {"en": "Choose the column of the end of the subscriptions.",
                       "fr": "Choisissez la colonne de fin des abonnements."},
    "imp_choose_table_customer_id": {
        "en": "Choose the column of the customer id of the {table} table.",
        "fr": "Choisissez la colonne de l'identifiant client du tableau des {table}."},
    "imp_choose_date_format": {
        "en": "The dates read both as dd/mm/yyyy and as mm/dd/yyyy: choose the date format.",
        "fr": "Les dates se lisent aussi bien jj/mm/aaaa que mm/jj/aaaa : choisissez le format "
              "des dates."},
    "imp_wrong_column": {
        "en": "The column “{column}” chosen for “{field}” cannot be read as such: choose "
              "another.",
        "fr": "La colonne « {column} » choisie pour « {field} » ne se lit pas comme telle : "
              "choisissez-en une autre."},
    "imp_choose_other": {"en": "Check the column chosen for “{field}”.",
                         "fr": "Vérifiez la colonne choisie pour « {field} »."},
    "imp_table_customers": {"en": "customers", "fr": "clients"},
    "imp_table_subscriptions": {"en": "subscriptions", "fr": "abonnements"},
    "imp_problem": {"en": "The first rows could not be read: {reason}",
                    "fr": "Les premières lignes n'ont pas pu être lues : {reason}"},
    "imp_check_setting": {"en": "Check “{field}”: {reason}",
                          "fr": "Vérifiez « {field} » : {reason}"},
    "imp_err_percent": {"en": "give a percentage between {low} and {high}",
                        "fr": "indiquez un pourcentage entre {low} et {high}"},
    "imp_err_not_number": {"en": "give a number", "fr": "indiquez un nombre"},
    "imp_err_earliest": {"en": "give a date", "fr": "indiquez une date"},
    "imp_err_max_amount": {"en": "give an amount above 0",
                           "fr": "indiquez un montant supérieur à 0"},
    "imp_err_currency": {"en": "give a three-letter code such as EUR or USD",
                         "fr": "indiquez un code de trois lettres, comme EUR ou USD"},
    "imp_err_gone": {
        "en": "This upload is no longer here (an upload is deleted once its analysis is "
              "done): upload the file again.",
        "fr": "Ce fichier n'est plus là (un fichier importé est supprimé une fois son analyse "
              "faite) : importez-le de nouveau."},
    "imp_err_analysed": {
        "en": "These files were analysed, then deleted (an upload is deleted once its "
              "analysis is done): to change a column or a setting, upload them again.",
        "fr": "Ces fichiers ont été analysés, puis supprimés (un fichier importé est supprimé "
              "une fois son analyse faite) : pour changer une colonne ou un paramètre, "
              "importez-les de nouveau."},
    "imp_err_open": {"en": "Open analysis {id}", "fr": "Ouvrir l'analyse {id}"},
    # reading options
    "imp_reading_h3": {"en": "Reading", "fr": "Lecture"},
    "imp_date_format": {"en": "Date format", "fr": "Format des dates"},
    "imp_df_": {"en": "detected", "fr": "détecté"},
    "imp_df_dmy": {"en": "dd/mm/yyyy", "fr": "jj/mm/aaaa"},
    "imp_df_mdy": {"en": "mm/dd/yyyy", "fr": "mm/jj/aaaa"},
    "imp_df_iso": {"en": "yyyy-mm-dd", "fr": "aaaa-mm-jj"},
    "imp_df_ymd": {"en": "yyyymmdd", "fr": "aaaammjj"},
    "imp_decimal": {"en": "Decimal separator", "fr": "Séparateur décimal"},
    "imp_dec_": {"en": "detected", "fr": "détecté"},
    "imp_dec_,": {"en": "comma (1,250 read as 1.25)", "fr": "virgule (1,250 lu 1,25)"},
    "imp_dec_.": {"en": "point (1,250 read as 1,250)", "fr": "point (1,250 lu 1 250)"},
    "imp_decimal_help": {
        "en": "The decimal separator decides the amounts that read either way, such as 1,250 "
              "or 1.250 (one and a quarter, or one thousand two hundred and fifty); "
              "“detected” follows what the rest of the column shows. An amount whose writing "
              "says it, such as 1 573,74, 1.573,74 or 1,573.74, is read as written whatever "
              "the choice.",
        "fr": "Le séparateur décimal tranche les montants qui se lisent des deux façons, "
              "comme 1,250 ou 1.250 (un et quart, ou mille deux cent cinquante) ; « détecté » "
              "suit ce que montre le reste de la colonne. Un montant dont l'écriture est sans "
              "équivoque, comme 1 573,74, 1.573,74 ou 1,573.74, est lu tel qu'il est écrit, "
              "quel que soit le choix."},
    "imp_decimal_decides": {
        "en": "In the first rows, the decimal separator decides {n} amounts of “{column}” "
              "(such as “{example}”: {comma} with a comma, {point} with a point).",
        "fr": "Dans les premières lignes, le séparateur décimal tranche {n} montants de "
              "« {column} » (comme « {example} » : {comma} avec une virgule, {point} avec un "
              "point)."},
    "imp_decimal_decides_one": {
        "en": "In the first rows, the decimal separator decides 1 amount of “{column}” "
              "(“{example}”: {comma} with a comma, {point} with a point).",
        "fr": "Dans les premières lignes, le séparateur décimal tranche {n} montant de "
              "« {column} » (« {example} » : {comma} avec une virgule, {point} avec un "
              "point)."},
    "imp_decimal_none": {
        "en": "No amount of “{column}” in the first rows depends on the decimal separator: "
              "each is written in a way that says it (such as “{example}”) and is read so, "
              "whatever the choice.",
        "fr": "Aucun montant de « {column} » dans les premières lignes ne dépend du "
              "séparateur décimal : chacun est écrit sans équivoque (comme « {example} ») et "
              "lu ainsi, quel que soit le choix."},
    "imp_refunds": {"en": "Refunds (negative amounts, cancelled lines)",
                    "fr": "Remboursements (montants négatifs, lignes annulées)"},
    "imp_ref_net": {"en": "deduct from the customer's purchases",
                    "fr": "déduire des achats du client"},
    "imp_ref_drop": {"en": "leave out (counted)", "fr": "écarter (en les comptant)"},
    "imp_duplicates": {"en": "Repeated lines", "fr": "Lignes répétées"},
    "imp_dup_auto": {"en": "drop when there is an order number",
                     "fr": "supprimer s'il y a un numéro de commande"},
    "imp_dup_drop": {"en": "drop", "fr": "supprimer"},
    "imp_dup_keep": {"en": "keep", "fr": "conserver"},
    "imp_earliest": {"en": "Earliest date of a purchase", "fr": "Date d'achat la plus ancienne"},
    "imp_earliest_help": {
        "en": "Earlier dates are placeholders (such as 1900-01-01) and are left out, counted. "
              "Empty: 1 January 1970.",
        "fr": "Les dates antérieures sont des valeurs par défaut (comme 01/01/1900) : elles "
              "sont écartées et comptées. Vide : 1er janvier 1970."},
    "imp_max_amount": {"en": "Largest amount of a line", "fr": "Montant maximal d'une ligne"},
    "imp_max_amount_help": {
        "en": "Larger amounts are left out as errors, counted. Empty: a thousand billion, "
              "which no real order reaches.",
        "fr": "Les montants supérieurs sont écartés comme erreurs, et comptés. Vide : mille "
              "milliards, qu'aucune vraie commande n'atteint."},
    "imp_preview_button": {"en": "Show the first rows as read",
                           "fr": "Afficher les premières lignes telles que lues"},
    # settings
    "imp_settings_h2": {"en": "Settings", "fr": "Paramètres"},
    "imp_margin": {"en": "Gross margin (%)", "fr": "Marge brute (%)"},
    "imp_margin_help": {
        "en": "The gross margin, in % of revenue: without yours, clv counts {default}% (the "
              "whole revenue is margin, so every value is a revenue); give yours, such as "
              "30% (the demo's).",
        "fr": "La marge brute, en % du chiffre d'affaires : sans la vôtre, clv compte "
              "{default} % (tout le chiffre d'affaires est marge : chaque valeur est un chiffre "
              "d'affaires) ; donnez la vôtre, par exemple 30 % (celle de la démo)."},
    "imp_model": {"en": "Purchase model", "fr": "Modèle d'achat"},
    "imp_model_auto": {"en": "automatic (the best on held-out data)",
                       "fr": "automatique (le meilleur sur les données mises de côté)"},
    "imp_horizon": {"en": "Horizon of the future value", "fr": "Horizon de la valeur future"},
    "imp_unit_day": {"en": "days", "fr": "jours"},
    "imp_unit_week": {"en": "weeks", "fr": "semaines"},
    "imp_unit_month": {"en": "months", "fr": "mois"},
    "imp_unit_year": {"en": "years", "fr": "années"},
    "imp_discount": {"en": "Yearly discount rate (%)", "fr": "Taux d'actualisation annuel (%)"},
    "imp_unit": {"en": "Time unit of the models", "fr": "Unité de temps des modèles"},
    "imp_currency": {"en": "Currency", "fr": "Devise"},
    "imp_currency_placeholder": {"en": "as read", "fr": "celle lue"},
    "imp_currency_none": {
        "en": "These rows name no currency: without one, the analysis shows its amounts "
              "without a currency.",
        "fr": "Ces lignes n'indiquent pas de devise : sans elle, l'analyse affiche ses montants "
              "sans devise."},
    "imp_currency_give": {"en": "Give the currency in the settings",
                          "fr": "Indiquez la devise dans les paramètres"},
    "imp_currency_help": {
        "en": "A three-letter code such as EUR or USD: rows in another currency are left out, "
              "counted. Empty: the one read in the data, if any.",
        "fr": "Un code de trois lettres comme EUR ou USD : les lignes d'une autre devise sont "
              "écartées et comptées. Vide : celle lue dans les données, s'il y en a une."},
    "imp_calibration": {"en": "End of the calibration (choice of the model)",
                        "fr": "Fin de la calibration (choix du modèle)"},
    "imp_calibration_help": {"en": "Empty: the last quarter of the data is held out.",
                             "fr": "Vide : le dernier quart des données est mis de côté."},
    "imp_run": {"en": "Run the analysis", "fr": "Lancer l'analyse"},
    # the preview
    "imp_parsed_h3": {"en": "First rows as clv reads them",
                      "fr": "Premières lignes telles que clv les lit"},
    "imp_parsed_note": {
        "en": "Read with the columns and options above from the first {n} rows of the file.",
        "fr": "Lues avec les colonnes et options ci-dessus dans les {n} premières lignes du "
              "fichier."},
    "imp_excluded_h4": {"en": "Rows left out among these first rows",
                        "fr": "Lignes écartées parmi ces premières lignes"},
    "imp_excluded_row": {"en": "{reason}: {n} rows", "fr": "{reason} : {n} lignes"},
    "imp_excluded_row_one": {"en": "{reason}: {n} row", "fr": "{reason} : {n} ligne"},
    "imp_excluded_none": {"en": "None of these rows is left out.",
                          "fr": "Aucune de ces lignes n'est écartée."},
    "imp_raw_h3": {"en": "First rows of your file", "fr": "Premières lignes de votre fichier"},
    "imp_blank": {"en": "empty", "fr": "vide"},
    # a date format chosen that leaves many dates unread (asked to confirm before the run)
    "imp_gap": {
        "en": "The date format {format} leaves {unread} of the {dates} dates of “{column}” in "
              "the first rows unread; the automatic detection reads {detected} of those (and "
              "{auto} of the {dates} in all).",
        "fr": "Le format de date {format} laisse illisibles {unread} des {dates} dates de "
              "« {column} » dans les premières lignes ; la détection automatique en lit "
              "{detected} (et {auto} des {dates} en tout)."},
    "imp_gap_then_transactions": {
        "en": "Run with it, those orders would be left out of the analysis (counted). Choose "
              "“detected” above, or confirm this format.",
        "fr": "Avec ce format, ces commandes seraient écartées de l'analyse (et comptées). "
              "Choisissez « détecté » ci-dessus, ou confirmez ce format."},
    "imp_gap_then_customers": {
        "en": "Run with it, those customers' acquisition dates would be left blank. Choose "
              "“detected” above, or confirm this format.",
        "fr": "Avec ce format, la date d'acquisition de ces clients resterait vide. "
              "Choisissez « détecté » ci-dessus, ou confirmez ce format."},
    "imp_gap_confirm": {"en": "Run with the date format {format} all the same",
                        "fr": "Lancer tout de même avec le format de date {format}"},
    "imp_gap_refused": {
        "en": "Check the date format: {format} leaves {unread} of the {dates} dates of "
              "“{column}” in the first rows unread, {detected} of which the automatic "
              "detection reads. Choose “detected”, or tick “Run with the date format {format} "
              "all the same” below.",
        "fr": "Vérifiez le format des dates : {format} laisse illisibles {unread} des {dates} "
              "dates de « {column} » dans les premières lignes, dont la détection automatique "
              "lit {detected}. Choisissez « détecté », ou cochez « Lancer tout de même avec le "
              "format de date {format} » plus bas."},
    # ---- how the spend, customers and subscriptions tables were read ---------------------
    "data_h2_orders": {"en": "Orders", "fr": "Commandes"},
    "data_examples": {"en": "Example rows", "fr": "Exemples de lignes"},
    "tbl_example": {"en": "row {row}", "fr": "ligne {row}"},
    "tbl_example_id": {"en": "row {row} ({id})", "fr": "ligne {row} ({id})"},
    "tbl_reason_empty_row": {"en": "empty row (no value in any column)",
                             "fr": "ligne vide (aucune valeur dans aucune colonne)"},
    "tbl_reason_missing_id": {"en": "no customer id", "fr": "sans identifiant client"},
    "tbl_reason_month_unread": {
        "en": "no month can be read (such as 05/2023, 2023-05 or May 2023)",
        "fr": "aucun mois lisible (comme 05/2023, 2023-05 ou mai 2023)"},
    "tbl_example_value": {"en": "row {row}, “{column}”: “{example}”",
                          "fr": "ligne {row}, « {column} » : « {example} »"},
    "tbl_reason_repeated_id": {
        "en": "customer id repeated (the first row is kept)",
        "fr": "identifiant client répété (la première ligne est conservée)"},
    "tbl_note_months_numeric": {
        "en": "{n} months of “{column}” written as month and year (such as “{example}”).",
        "fr": "{n} mois de « {column} » écrits en mois et année (comme « {example} »)."},
    "tbl_note_months_numeric_one": {
        "en": "{n} month of “{column}” written as month and year (“{example}”).",
        "fr": "{n} mois de « {column} » écrit en mois et année (« {example} »)."},
    "tbl_note_months_year_first": {
        "en": "{n} months of “{column}” written as year and month (such as “{example}”).",
        "fr": "{n} mois de « {column} » écrits en année et mois (comme « {example} »)."},
    "tbl_note_months_year_first_one": {
        "en": "{n} month of “{column}” written as year and month (“{example}”).",
        "fr": "{n} mois de « {column} » écrit en année et mois (« {example} »)."},
    "tbl_note_months_named": {
        "en": "{n} months of “{column}” written with the month's name (such as “{example}”).",
        "fr": "{n} mois de « {column} » écrits avec le nom du mois (comme « {example} »)."},
    "tbl_note_months_named_one": {
        "en": "{n} month of “{column}” written with the month's name (“{example}”).",
        "fr": "{n} mois de « {column} » écrit avec le nom du mois (« {example} »)."},
    "tbl_note_months_dates": {
        "en": "{n} values of “{column}” are dates (such as “{example}”): each counts for its "
              "month.",
        "fr": "{n} valeurs de « {column} » sont des dates (comme « {example} ») : chacune "
              "compte pour son mois."},
    "tbl_note_months_dates_one": {
        "en": "{n} value of “{column}” is a date (“{example}”): it counts for its month.",
        "fr": "{n} valeur de « {column} » est une date (« {example} ») : elle compte pour son "
              "mois."},
    "tbl_note_months_typed": {
        "en": "The months of “{column}” are dates of the file (such as {example}): each counts "
              "for its month.",
        "fr": "Les mois de « {column} » sont des dates du fichier (comme le {example}) : "
              "chacune compte pour son mois."},
    "tbl_note_decimal_comma": {
        "en": "{n} amounts of “{column}” are written with a decimal comma (such as "
              "“{example}”, read as {value}).",
        "fr": "{n} montants de « {column} » sont écrits avec une virgule décimale (comme "
              "« {example} », lu {value})."},
    "tbl_note_decimal_comma_one": {
        "en": "{n} amount of “{column}” is written with a decimal comma (“{example}”, read as "
              "{value}).",
        "fr": "{n} montant de « {column} » est écrit avec une virgule décimale "
              "(« {example} », lu {value})."},
    "tbl_note_currencies": {
        "en": "The amounts of “{column}” are in several currencies ({currencies}): they are "
              "added as they are, without conversion.",
        "fr": "Les montants de « {column} » sont dans plusieurs devises ({currencies}) : ils "
              "sont additionnés tels quels, sans conversion."},
    "tbl_note_repeated_month": {
        "en": "{n} rows repeat the channel and month of another row (such as rows {rows}: "
              "“{channel}”, {month}): their spends are added together.",
        "fr": "{n} lignes répètent le canal et le mois d'une autre ligne (comme les lignes "
              "{rows} : « {channel} », {month}) : leurs dépenses s'additionnent."},
    "tbl_note_repeated_month_one": {
        "en": "{n} row repeats the channel and month of another row (rows {rows}: "
              "“{channel}”, {month}): their spends are added together.",
        "fr": "{n} ligne répète le canal et le mois d'une autre ligne (lignes {rows} : "
              "« {channel} », {month}) : leurs dépenses s'additionnent."},
    "tbl_note_no_channel": {
        "en": "{n} rows have no channel in “{column}” (such as row {row}): their spend counts "
              "in the total, under no channel.",
        "fr": "{n} lignes n'ont pas de canal dans « {column} » (comme la ligne {row}) : leur "
              "dépense compte dans le total, sous aucun canal."},
    "tbl_note_no_channel_one": {
        "en": "{n} row has no channel in “{column}” (row {row}): its spend counts in the total, "
              "under no channel.",
        "fr": "{n} ligne n'a pas de canal dans « {column} » (ligne {row}) : sa dépense compte "
              "dans le total, sous aucun canal."},
    "tbl_note_unmatched_channel": {
        "en": "The channel “{channel}” of the spend table ({spend} spent) is the acquisition "
              "channel of no customer: its spend buys no customer (the customers' channels: "
              "{known}). Write the channel the same way in both files.",
        "fr": "Le canal « {channel} » du fichier des dépenses ({spend} dépensés) n'est le "
              "canal d'acquisition d'aucun client : ses dépenses n'acquièrent aucun client "
              "(canaux des clients : {known}). Écrivez le canal de la même façon dans les deux "
              "fichiers."},
    "tbl_note_months_outside": {
        "en": "{n} months of the spend table ({first} to {last}) lie outside the orders' "
              "months ({start} to {end}): their spend counts, but no customer is acquired in "
              "them.",
        "fr": "{n} mois du fichier des dépenses ({first} à {last}) sont hors des mois des "
              "commandes ({start} à {end}) : leurs dépenses comptent, mais aucun client n'y "
              "est acquis."},
    "tbl_note_months_outside_one": {
        "en": "{n} month of the spend table ({first}) lies outside the orders' months ({start} "
              "to {end}): its spend counts, but no customer is acquired in it.",
        "fr": "{n} mois du fichier des dépenses ({first}) est hors des mois des commandes "
              "({start} à {end}) : ses dépenses comptent, mais aucun client n'y est acquis."},
    "tbl_note_other_currency": {
        "en": "The spend table's amounts are in {spend}, the orders' in {orders}: they are "
              "compared as they are, without conversion.",
        "fr": "Les montants des dépenses sont en {spend}, ceux des commandes en {orders} : ils "
              "sont comparés tels quels, sans conversion."},
    "tbl_note_dates_unread": {
        "en": "{n} values of “{column}” are not dates (such as “{example}”, row {row}): left "
              "blank.",
        "fr": "{n} valeurs de « {column} » ne sont pas des dates (comme « {example} », ligne "
              "{row}) : laissées vides."},
    "tbl_note_dates_unread_one": {
        "en": "{n} value of “{column}” is not a date (“{example}”, row {row}): left blank.",
        "fr": "{n} valeur de « {column} » n'est pas une date (« {example} », ligne {row}) : "
              "laissée vide."},
    "tbl_note_dates_empty": {
        "en": "{n} rows have no value in “{column}”: left blank.",
        "fr": "{n} lignes n'ont pas de valeur dans « {column} » : laissées vides."},
    "tbl_note_dates_empty_one": {
        "en": "{n} row has no value in “{column}”: left blank.",
        "fr": "{n} ligne n'a pas de valeur dans « {column} » : laissée vide."},
    "tbl_note_customers_no_channel": {
        "en": "{n} customers have no channel in “{column}”: the channels count them under "
              "“(unknown)”.",
        "fr": "{n} clients n'ont pas de canal dans « {column} » : les canaux les comptent "
              "sous « (unknown) »."},
    "tbl_note_customers_no_channel_one": {
        "en": "{n} customer has no channel in “{column}”: the channels count it under "
              "“(unknown)”.",
        "fr": "{n} client n'a pas de canal dans « {column} » : les canaux le comptent sous "
              "« (unknown) »."},
    "tbl_note_repeated_other": {
        "en": "{n} rows of a repeated customer id give another “{column}” than the customer's "
              "first row (such as “{example}”, row {row}): the first row's is kept.",
        "fr": "{n} lignes d'un identifiant client répété donnent une autre valeur de "
              "« {column} » que la première ligne du client (comme « {example} », ligne "
              "{row}) : celle de la première ligne est conservée."},
    "tbl_note_repeated_other_one": {
        "en": "{n} row of a repeated customer id gives another “{column}” than the customer's "
              "first row (“{example}”, row {row}): the first row's is kept.",
        "fr": "{n} ligne d'un identifiant client répété donne une autre valeur de "
              "« {column} » que la première ligne du client (« {example} », ligne {row}) : "
              "celle de la première ligne est conservée."},
    "tbl_note_subs_active": {
        "en": "{n} subscriptions have no end in “{column}”: active.",
        "fr": "{n} abonnements n'ont pas de fin dans « {column} » : actifs."},
    "tbl_note_subs_active_one": {
        "en": "{n} subscription has no end in “{column}”: active.",
        "fr": "{n} abonnement n'a pas de fin dans « {column} » : actif."},
    "tbl_note_subs_no_customer": {
        "en": "{n} subscriptions have no customer id (such as row {row}): kept, under an "
              "empty id.",
        "fr": "{n} abonnements n'ont pas d'identifiant client (comme la ligne {row}) : "
              "conservés, sous un identifiant vide."},
    "tbl_note_subs_no_customer_one": {
        "en": "{n} subscription has no customer id (row {row}): kept, under an empty id.",
        "fr": "{n} abonnement n'a pas d'identifiant client (ligne {row}) : conservé, sous un "
              "identifiant vide."},
    "tbl_note_subs_free": {
        "en": "{n} subscriptions have a monthly revenue of 0 (such as row {row}): they count "
              "in no month's revenue nor paying customers.",
        "fr": "{n} abonnements ont un revenu mensuel de 0 (comme la ligne {row}) : ils ne "
              "comptent ni dans le revenu ni dans les clients payants d'aucun mois."},
    "tbl_note_subs_free_one": {
        "en": "{n} subscription has a monthly revenue of 0 (row {row}): it counts in no "
              "month's revenue nor paying customers.",
        "fr": "{n} abonnement a un revenu mensuel de 0 (ligne {row}) : il ne compte ni dans "
              "le revenu ni dans les clients payants d'aucun mois."},
    "tbl_note_subs_after_end": {
        "en": "{n} subscriptions start after {month}, the last month reported (the orders end "
              "on {end}): they are in no month's figures.",
        "fr": "{n} abonnements commencent après {month}, le dernier mois présenté (les "
              "commandes s'arrêtent le {end}) : ils ne figurent dans les chiffres d'aucun "
              "mois."},
    "tbl_note_subs_after_end_one": {
        "en": "{n} subscription starts after {month}, the last month reported (the orders end "
              "on {end}): it is in no month's figures.",
        "fr": "{n} abonnement commence après {month}, le dernier mois présenté (les commandes "
              "s'arrêtent le {end}) : il ne figure dans les chiffres d'aucun mois."},
    "tbl_note_subs_end_after_as_of": {
        "en": "{n} subscriptions end after {as_of}, the date the figures describe (a "
              "cancellation scheduled, such as at the end of a term): counted as active on "
              "that date.",
        "fr": "{n} abonnements se terminent après le {as_of}, la date que décrivent les "
              "chiffres (une résiliation programmée, par exemple en fin de période) : comptés "
              "comme actifs à cette date."},
    "tbl_note_subs_end_after_as_of_one": {
        "en": "{n} subscription ends after {as_of}, the date the figures describe (a "
              "cancellation scheduled, such as at the end of a term): counted as active on "
              "that date.",
        "fr": "{n} abonnement se termine après le {as_of}, la date que décrivent les "
              "chiffres (une résiliation programmée, par exemple en fin de période) : compté "
              "comme actif à cette date."},
    "tbl_note_subs_end_preferred": {
        "en": "The end of each subscription is read from “{column}” (when its service "
              "stopped), not from “{other}” (which may be when its cancellation was asked).",
        "fr": "La fin de chaque abonnement est lue dans « {column} » (quand le service s'est "
              "arrêté), pas dans « {other} » (qui peut être la date où la résiliation a été "
              "demandée)."},
    "tbl_note_subs_unit_price": {
        "en": "Each subscription's monthly revenue is “{column}” x “{quantity}” (a price per "
              "unit times the quantity, such as seats).",
        "fr": "Le revenu mensuel de chaque abonnement est « {column} » x « {quantity} » (un "
              "prix unitaire multiplié par la quantité, par exemple le nombre de licences)."},
    "tbl_note_subs_minor_units": {
        "en": "“{column}” holds amounts in cents (the currency's minor unit): divided by 100.",
        "fr": "« {column} » contient des montants en centimes (la plus petite unité de la "
              "devise) : divisés par 100."},
    "tbl_note_subs_minor_units_whole": {
        "en": "{n} subscriptions are in a currency without cents (in “{currency}”): their "
              "“{column}” is not divided.",
        "fr": "{n} abonnements sont dans une devise sans centimes (dans « {currency} ») : "
              "leur « {column} » n'est pas divisé."},
    "tbl_note_subs_minor_units_whole_one": {
        "en": "{n} subscription is in a currency without cents (in “{currency}”): its "
              "“{column}” is not divided.",
        "fr": "{n} abonnement est dans une devise sans centimes (dans « {currency} ») : son "
              "« {column} » n'est pas divisé."},
    "tbl_note_subs_quantity_not_applied": {
        "en": "“{quantity}” holds quantities (seats, units) not applied: “{column}” is read as "
              "each subscription's whole monthly revenue, not a price per unit (if it is one, "
              "give the monthly revenue, price x quantity, in a column of its own).",
        "fr": "« {quantity} » contient des quantités (licences, unités) qui ne sont pas "
              "appliquées : « {column} » est lu comme le revenu mensuel entier de chaque "
              "abonnement, pas comme un prix unitaire (si c'en est un, donnez le revenu "
              "mensuel, prix x quantité, dans une colonne à part)."},
    # ---- jobs --------------------------------------------------------------------------
    "job_title": {"en": "Analysis", "fr": "Analyse"},
    "job_h1": {"en": "Analysing {name}", "fr": "Analyse de {name}"},
    "job_running": {"en": "The analysis is running; this page follows it.",
                    "fr": "L'analyse est en cours ; cette page la suit."},
    "job_progress": {"en": "Progress of the analysis", "fr": "Avancement de l'analyse"},
    "job_failed_h2": {"en": "The analysis failed", "fr": "L'analyse a échoué"},
    "job_cancelled_h2": {"en": "The analysis was cancelled", "fr": "L'analyse a été annulée"},
    "job_cancelled": {"en": "Nothing was saved.", "fr": "Rien n'a été enregistré."},
    "job_reason": {"en": "Why: {reason}", "fr": "Raison : {reason}"},
    # a reading parameter of the library's sentences, named as the form names it
    "imp_form_date_format": {"en": "date format", "fr": "format des dates"},
    "imp_form_decimal": {"en": "decimal separator", "fr": "séparateur décimal"},
    "imp_form_refunds": {"en": "refunds", "fr": "remboursements"},
    "imp_form_duplicates": {"en": "repeated lines", "fr": "lignes répétées"},
    "imp_form_preset": {"en": "columns", "fr": "colonnes"},
    "imp_form_quantity": {"en": "quantity column", "fr": "colonne de la quantité"},
    "imp_form_price": {"en": "unit price column", "fr": "colonne du prix unitaire"},
    "imp_form_amount": {"en": "amount column", "fr": "colonne du montant"},
    "imp_form_customer": {"en": "customer id column", "fr": "colonne de l'identifiant client"},
    "imp_form_currency": {"en": "currency column", "fr": "colonne de la devise"},
    "imp_form_separator": {"en": "separator", "fr": "séparateur"},
    "imp_form_encoding": {"en": "encoding", "fr": "encodage"},
    "imp_form_choose_above": {"en": "(choose it above)", "fr": "(à choisir ci-dessus)"},
    "job_time_limit": {
        "en": "It was stopped after {limit}, the time limit of an analysis on this dashboard.",
        "fr": "Elle a été arrêtée au bout de {limit}, la durée maximale d'une analyse sur ce "
              "tableau de bord."},
    "job_bug": {
        "en": "An internal error stopped it. Please report it with the reference {ref}.",
        "fr": "Une erreur interne l'a arrêtée. Merci de la signaler avec la référence {ref}."},
    "job_back": {"en": "Correct the mapping", "fr": "Corriger les colonnes"},
    "job_back_help": {"en": "Your columns, options and settings are kept.",
                      "fr": "Vos colonnes, options et paramètres sont conservés."},
    "job_gone": {"en": "The upload is no longer here: upload the file again.",
                 "fr": "Le fichier importé n'est plus là : importez-le de nouveau."},
    "job_upload_again": {"en": "Upload the files again", "fr": "Importer de nouveau les fichiers"},
    "job_cancel": {"en": "Cancel the analysis", "fr": "Annuler l'analyse"},
    "job_open": {"en": "Open the analysis", "fr": "Ouvrir l'analyse"},
    "job_done": {"en": "The analysis is done.", "fr": "L'analyse est terminée."},
    "job_step_queued": {"en": "waiting for a free slot", "fr": "en attente d'une place libre"},
    "job_step_starting": {"en": "starting", "fr": "démarrage"},
    "job_step_reading the data": {"en": "reading the data", "fr": "lecture des données"},
    "job_step_data": {"en": "data read", "fr": "données lues"},
    "job_step_models": {"en": "fitting the models", "fr": "ajustement des modèles"},
    "job_step_value": {"en": "valuing the customers", "fr": "valorisation des clients"},
    "job_step_segments": {"en": "segments", "fr": "segments"},
    "job_step_cohorts": {"en": "cohorts", "fr": "cohortes"},
    "job_step_timing": {"en": "timing of purchases", "fr": "moments d'achat"},
    "job_step_channels": {"en": "channels", "fr": "canaux"},
    "job_step_levers": {"en": "levers", "fr": "leviers"},
    "job_step_subscriptions": {"en": "subscriptions", "fr": "abonnements"},
    "job_step_charts": {"en": "drawing the charts", "fr": "tracé des graphiques"},
    "job_step_saving to the history": {"en": "saving to the history",
                                       "fr": "enregistrement dans l'historique"},
    "job_step_done": {"en": "done", "fr": "terminé"},
    "job_step_cancelled": {"en": "cancelled", "fr": "annulée"},
    "job_step_failed": {"en": "failed", "fr": "échec"},
    # ---- history -----------------------------------------------------------------------
    "hist_title": {"en": "History", "fr": "Historique"},
    "hist_h1": {"en": "How the figures move from one analysis to the next",
                "fr": "Comment les indicateurs évoluent d'une analyse à l'autre"},
    "hist_intro": {
        "en": "Analyses are grouped by data source: each source has its own trend, and each "
              "change is measured from the previous analysis of the same source.",
        "fr": "Les analyses sont regroupées par source de données : chaque source a sa propre "
              "évolution, et chaque écart se mesure depuis l'analyse précédente de la même "
              "source."},
    "hist_count": {"en": "{n} analyses", "fr": "{n} analyses"},
    "hist_count_one": {"en": "1 analysis", "fr": "1 analyse"},
    "hist_one_more": {
        "en": "Save a second analysis of this source (a later export of the same data) to "
              "see its figures move.",
        "fr": "Enregistrez une deuxième analyse de cette source (un export plus récent des "
              "mêmes données) pour voir ses indicateurs évoluer."},
    "hist_none": {"en": "No analysis saved yet.",
                  "fr": "Aucune analyse enregistrée pour l'instant."},
    "hist_col_id": {"en": "Analysis", "fr": "Analyse"},
    "hist_col_created_at": {"en": "Saved on", "fr": "Enregistrée le"},
    "hist_col_data_to": {"en": "Data up to", "fr": "Données jusqu'au"},
    "hist_col_model": {"en": "Model", "fr": "Modèle"},
    "hist_col_mrr": {"en": "MRR", "fr": "MRR"},
    "hist_col_nrr": {"en": "Net revenue retention (last month)",
                     "fr": "Rétention nette du revenu (dernier mois)"},
    "hist_change": {"en": "change since the previous analysis of this source: {change}",
                    "fr": "écart depuis l'analyse précédente de cette source : {change}"},
    "hist_blank": {"en": "not measured in this analysis", "fr": "non mesuré dans cette analyse"},
    "hist_table": {"en": "Analyses of {name}", "fr": "Analyses de {name}"},
    "hist_chart": {"en": "Trend of {name}", "fr": "Évolution de {name}"},
    # ---- calculator --------------------------------------------------------------------
    "calc_title": {"en": "Calculator", "fr": "Calculateur"},
    "calc_h1": {"en": "Lifetime value calculator", "fr": "Calculateur de valeur vie client"},
    "calc_intro": {
        "en": "The closed-form formulas of each business model, for a quick estimate without "
              "data. Rates are entered as percentages: a margin of 30 means 30%.",
        "fr": "Les formules simples de chaque modèle d'activité, pour une estimation rapide "
              "sans données. Les taux se saisissent en pourcentage : une marge de 30 signifie "
              "30 %."},
    "calc_formulas": {"en": "Formulas", "fr": "Formules"},
    "calc_f_generic": {"en": "Any business", "fr": "Toute activité"},
    "calc_f_ecommerce": {"en": "E-commerce", "fr": "E-commerce"},
    "calc_f_service": {"en": "Services", "fr": "Services"},
    "calc_f_saas_churn": {"en": "Subscriptions, by churn", "fr": "Abonnements, par l'attrition"},
    "calc_f_saas_lifetime": {"en": "Subscriptions, by lifetime",
                             "fr": "Abonnements, par la durée de vie"},
    "calc_f_discounted": {"en": "Retention and discounting",
                          "fr": "Rétention et actualisation"},
    "calc_x_generic": {
        "en": "LTV = average purchase value × purchases per period × lifespan in periods × "
              "gross margin. Example: a café regular paying 3 €, 260 times a year for 2 years, "
              "is worth 3 × 260 × 2 = 1,560 € of revenue.",
        "fr": "LTV = panier moyen × achats par période × durée de vie en périodes × marge "
              "brute. Exemple : un habitué de café qui paie 3 €, 260 fois par an pendant 2 ans, "
              "rapporte 3 × 260 × 2 = 1 560 € de chiffre d'affaires."},
    "calc_x_ecommerce": {
        "en": "LTV = (average basket − shipping) × gross margin × number of purchases. "
              "Shipping passed through to the carrier is not margin.",
        "fr": "LTV = (panier moyen − frais de port) × marge brute × nombre d'achats. Les frais "
              "de port reversés au transporteur ne sont pas de la marge."},
    "calc_x_service": {
        "en": "LTV = yearly revenue per customer × gross margin × years retained. Example: a "
              "hairdresser's client spending 600 € a year at 60% margin for 5 years is worth "
              "1,800 €.",
        "fr": "LTV = chiffre d'affaires annuel par client × marge brute × années de fidélité. "
              "Exemple : la cliente d'un coiffeur qui dépense 600 € par an à 60 % de marge "
              "pendant 5 ans vaut 1 800 €."},
    "calc_x_saas_churn": {
        "en": "LTV = MRR × gross margin ÷ monthly churn. A customer who leaves with the same "
              "probability each month stays 1 ÷ churn months on average (5% churn: 20 months).",
        "fr": "LTV = MRR × marge brute ÷ attrition mensuelle. Un client qui part avec la même "
              "probabilité chaque mois reste en moyenne 1 ÷ attrition mois (5 % d'attrition : "
              "20 mois)."},
    "calc_x_saas_lifetime": {
        "en": "LTV = MRR × gross margin × months retained, when you know how long your "
              "subscribers stay.",
        "fr": "LTV = MRR × marge brute × mois de fidélité, quand vous savez combien de temps "
              "vos abonnés restent."},
    "calc_x_discounted": {
        "en": "The margin of each period, received at its start, counted while the customer "
              "stays (retention rate each period) and discounted at the discount rate per "
              "period. Without a number of periods: over an unlimited horizon, margin × (1 + "
              "discount) ÷ (1 + discount − retention) (Gupta & Lehmann, 2003).",
        "fr": "La marge de chaque période, perçue en début de période, comptée tant que le "
              "client reste (taux de rétention par période) et actualisée au taux "
              "d'actualisation par période. Sans nombre de périodes : sur un horizon illimité, "
              "marge × (1 + actualisation) ÷ (1 + actualisation − rétention) (Gupta et "
              "Lehmann, 2003)."},
    "calc_p_average_purchase_value": {"en": "Average purchase value", "fr": "Panier moyen"},
    "calc_p_purchase_frequency": {"en": "Purchases per period", "fr": "Achats par période"},
    "calc_p_lifespan": {"en": "Lifespan (periods)", "fr": "Durée de vie (en périodes)"},
    "calc_p_margin": {"en": "Gross margin (%)", "fr": "Marge brute (%)"},
    "calc_p_average_basket": {"en": "Average basket", "fr": "Panier moyen"},
    "calc_p_purchases": {"en": "Number of purchases", "fr": "Nombre d'achats"},
    "calc_p_shipping": {"en": "Shipping in the basket", "fr": "Frais de port dans le panier"},
    "calc_p_yearly_revenue": {"en": "Yearly revenue per customer",
                              "fr": "Chiffre d'affaires annuel par client"},
    "calc_p_years_retained": {"en": "Years retained", "fr": "Années de fidélité"},
    "calc_p_mrr": {"en": "Monthly revenue per account (MRR)",
                   "fr": "Revenu mensuel par compte (MRR)"},
    "calc_p_monthly_churn": {"en": "Monthly churn (%)", "fr": "Attrition mensuelle (%)"},
    "calc_p_months_retained": {"en": "Months retained", "fr": "Mois de fidélité"},
    "calc_p_margin_per_period": {"en": "Margin per period", "fr": "Marge par période"},
    "calc_p_retention_rate": {"en": "Retention per period (%)",
                              "fr": "Rétention par période (%)"},
    "calc_p_discount_rate": {"en": "Discount rate per period (%)",
                             "fr": "Taux d'actualisation par période (%)"},
    "calc_p_periods": {"en": "Number of periods (empty: unlimited)",
                       "fr": "Nombre de périodes (vide : illimité)"},
    "calc_cac": {"en": "Acquisition cost per customer (CAC, optional)",
                 "fr": "Coût d'acquisition par client (CAC, facultatif)"},
    "calc_button": {"en": "Calculate", "fr": "Calculer"},
    "calc_currency": {"en": "Currency of the amounts", "fr": "Devise des montants"},
    "calc_currency_none": {"en": "none (numbers only)", "fr": "aucune (nombres seuls)"},
    "calc_ltv": {"en": "Lifetime value (LTV)", "fr": "Valeur vie client (LTV)"},
    "calc_ratio": {"en": "LTV:CAC", "fr": "LTV:CAC"},
    "calc_max_cac": {"en": "Largest CAC at 3x", "fr": "CAC maximal pour un ratio de 3"},
    "calc_v_loses money": {
        "en": "Loses money: each customer costs more to acquire than they bring in.",
        "fr": "Perte : chaque client coûte plus à acquérir qu'il ne rapporte."},
    "calc_v_thin": {
        "en": "Thin: positive, but below the 3x usually needed to cover overheads and risk.",
        "fr": "Juste : positif, mais sous le ratio de 3 généralement nécessaire pour couvrir "
              "les frais fixes et le risque."},
    "calc_v_healthy": {"en": "Healthy (3x or more).", "fr": "Sain (3 ou plus)."},
    "calc_v_under-investing?": {
        "en": "Healthy, and well above 5x: possibly under-investing in growth; acquisition "
              "could be scaled up.",
        "fr": "Sain, et bien au-delà de 5 : vous sous-investissez peut-être dans la "
              "croissance ; l'acquisition pourrait être augmentée."},
    "calc_err_number": {"en": "“{field}” must be a number of 0 or more.",
                        "fr": "« {field} » doit être un nombre positif ou nul."},
    "calc_err_percent": {"en": "“{field}” must be a percentage between {low} and {high}.",
                         "fr": "« {field} » doit être un pourcentage entre {low} et {high}."},
    "calc_err_whole": {"en": "“{field}” must be a whole number.",
                       "fr": "« {field} » doit être un nombre entier."},
    "calc_err_positive": {"en": "“{field}” must be above 0.",
                          "fr": "« {field} » doit être supérieur à 0."},
    "calc_err_shipping": {"en": "The shipping cannot exceed the average basket.",
                          "fr": "Les frais de port ne peuvent pas dépasser le panier moyen."},
    # ---- the channels page: the spend lines left out at import, by channel --------------
    "imp_spend_left": {"en": "{n} lines of the spend file",
                       "fr": "{n} lignes du fichier de dépenses"},
    "imp_spend_left_one": {"en": "1 line of the spend file",
                           "fr": "{n} ligne du fichier de dépenses"},
    "imp_spend_left_why": {
        "en": "were left out at import: {reasons}. Their spend counts in no channel: the "
              "spend of the channels below is understated by it, and their CAC with it.",
        "fr": "ont été écartées à l'import : {reasons}. Leur dépense n'est comptée dans aucun "
              "canal : la dépense des canaux ci-dessous en est sous-estimée, et leur CAC avec."},
    "imp_spend_left_why_one": {
        "en": "was left out at import: {reasons}. Its spend counts in no channel: the spend "
              "of the channel below is understated by it, and its CAC with it.",
        "fr": "a été écartée à l'import : {reasons}. Sa dépense n'est comptée dans aucun "
              "canal : la dépense du canal ci-dessous en est sous-estimée, et son CAC avec."},
    "imp_spend_left_sep": {"en": "; ", "fr": " ; "},
    "imp_spend_left_by_channel": {"en": "By channel: ", "fr": "Par canal : "},
    "imp_spend_left_campaign": {"en": "campaign", "fr": "campagne"},
    "imp_spend_left_lines": {"en": ": {n} lines left out, {amount}",
                             "fr": " : {n} lignes écartées, {amount}"},
    "imp_spend_left_lines_one": {"en": ": 1 line left out, {amount}",
                                 "fr": " : {n} ligne écartée, {amount}"},
    "imp_spend_left_unread": {
        "en": "(of which {n} lines with an amount that cannot be read, not counted)",
        "fr": "(dont {n} lignes au montant illisible, non compté)"},
    "imp_spend_left_unread_one": {
        "en": "(of which 1 line with an amount that cannot be read, not counted)",
        "fr": "(dont {n} ligne au montant illisible, non compté)"},
}


def _typeset(text: str) -> str:
    """French typography: a no-break space before : ; ! ? and », after «, between the
    groups of a number and before € and %."""
    text = re.sub(r" ([:;!?»€%])", "\u00a0\\1", text).replace("« ", "«\u00a0")
    return re.sub(r"(\d) (\d{3})", "\\1\u00a0\\2", text)


MESSAGES = {key: {**texts, "fr": _typeset(texts["fr"])} for key, texts in MESSAGES.items()}
