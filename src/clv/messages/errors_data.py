"""Words of the errors a user meets reading data or choosing settings (:mod:`clv.errors`).

Each English template is the sentence the library writes (``str(exc)``), filled as Python
formats; the French one has the same fields and is filled by :func:`clv.errors.render`
(numbers the French way, values quoted as data between « »). ``<key>_one`` is the French
singular (0 or 1 of ``n``), its English the same as the key's.
"""

_NB = "\u00a0"  # before ':' and ';' in French, and inside « »

MESSAGES: dict[str, dict[str, str]] = {
    # Where an error happened (clv.errors.where).
    "error_at_row": {"en": "row {row}", "fr": "ligne {row}"},
    "error_at_column": {"en": "column '{column}'", "fr": f"colonne «{_NB}{{column}}{_NB}»"},
    "error_colon": {"en": ": ", "fr": f"{_NB}: "},
    "error_src_input": {"en": "input", "fr": "entrée"},
    "error_src_query": {"en": "query", "fr": "requête"},
    "error_src_of_query": {"en": " (query)", "fr": " (requête)"},
    "error_src_frame": {"en": "{module} frame", "fr": "table {module}"},
    "error_empty_value": {"en": "an empty value", "fr": "vide"},
    # Reading a file (clv.data.readers).
    "error_no_file": {"en": "no such file", "fr": "fichier introuvable"},
    "error_folder": {"en": "a folder, not a file", "fr": "un dossier, pas un fichier"},
    "error_empty_file": {"en": "the file is empty", "fr": "le fichier est vide"},
    "error_cannot_read_type": {
        "en": "cannot read a {kind}; give a path, a database URL or a pandas / Polars / "
              "PyArrow frame",
        "fr": f"impossible de lire un objet {{kind}}{_NB}; donner un chemin, l'URL d'une base "
              "de données ou une table pandas / Polars / PyArrow"},
    "error_cannot_read_file": {"en": "cannot read the file: {detail}",
                               "fr": f"impossible de lire le fichier{_NB}: {{detail}}"},
    "error_not_text_encoding": {
        "en": "'{encoding}' is not a text encoding (e.g. utf-8, cp1252, latin-1, utf-16)",
        "fr": f"«{_NB}{{encoding}}{_NB}» n'est pas un encodage de texte (p. ex. utf-8, cp1252, "
              "latin-1, utf-16)"},
    "error_not_in_encoding": {
        "en": "the file is not in {encoding} (byte {byte} cannot be read; give its encoding, "
              "e.g. encoding='cp1252', or leave it out to detect it)",
        "fr": f"le fichier n'est pas en {{encoding}} (l'octet {{byte}} est illisible{_NB}; "
              "donner son encodage, p. ex. encoding='cp1252', ou ne pas le donner pour qu'il "
              "soit détecté)"},
    "error_unknown_encoding": {
        "en": "unknown encoding '{encoding}' (e.g. utf-8, cp1252, latin-1, utf-16)",
        "fr": f"encodage inconnu «{_NB}{{encoding}}{_NB}» (p. ex. utf-8, cp1252, latin-1, "
              "utf-16)"},
    "error_wide_unreadable": {
        "en": "the file looks like {name} text but its bytes {start:,} and after cannot be "
              "read as such; give its encoding with encoding=...",
        "fr": f"le fichier semble être du texte {{name}}, mais ses octets à partir du "
              f"{{start}} ne se lisent pas ainsi{_NB}; donner son encodage avec encoding=..."},
    "error_separator": {
        "en": "the separator must be one character such as ',' ';' '|' or tab (or "
              "'whitespace' for columns lined up by spaces), not {given}; leave it out to "
              "detect it",
        "fr": "le séparateur doit être un seul caractère comme ',' ';' '|' ou tab (ou "
              "'whitespace' pour des colonnes alignées par des espaces), pas {given}"
              f"{_NB}; ne pas le donner pour qu'il soit détecté"},
    "error_empty_text": {"en": "an empty text", "fr": "un texte vide"},
    "error_too_wide": {
        "en": "the file has {width:,} columns, more than the {most:,} clv reads; keep the "
              "columns needed (customer, date, amount ...) in a copy of the file, e.g. by "
              "deleting the others in a spreadsheet",
        "fr": f"le fichier a {{width}} colonnes, plus que les {{most}} que lit clv{_NB}; "
              "garder les colonnes utiles (client, date, montant...) dans une copie du "
              "fichier, p. ex. en supprimant les autres dans un tableur"},
    "error_no_delimiter": {
        "en": "cannot tell the delimiter (tried , ; tab | and spaces); give it with "
              "separator=...",
        "fr": f"impossible de reconnaître le séparateur (essayés{_NB}: , ; tab | et "
              f"espaces){_NB}; le donner avec separator=..."},
    "error_first_lines": {
        "en": "cannot read the first lines as delimited text ({detail})",
        "fr": "impossible de lire les premières lignes comme du texte délimité ({detail})"},
    # Workbooks.
    "error_workbook_inflated": {
        "en": "the workbook holds more than {mib:,} MiB once uncompressed, more than clv "
              "reads from a workbook; save the sheet as CSV to read it",
        "fr": f"le classeur occupe plus de {{mib}}{_NB}Mio une fois décompressé, plus que ce "
              f"que clv lit d'un classeur{_NB}; enregistrer la feuille en CSV pour la lire"},
    "error_zip_bomb": {
        "en": "the workbook's part {part} inflates more than {ratio}:1 (a zip bomb, not a "
              "spreadsheet's data); it is not read",
        "fr": "la partie {part} du classeur se décompresse à plus de {ratio}:1 (une bombe "
              f"zip, pas les données d'un tableur){_NB}; elle n'est pas lue"},
    "error_no_markup": {
        "en": "the workbook's part {part} holds a run of more than {mib} MiB without markup "
              "(no spreadsheet writes that); it is not read",
        "fr": f"la partie {{part}} du classeur contient plus de {{mib}}{_NB}Mio d'un seul "
              f"tenant sans balise (aucun tableur n'écrit cela){_NB}; elle n'est pas lue"},
    "error_workbook_damaged_part": {
        "en": "the workbook is damaged ({part}: {detail}); open it in Excel and save it again",
        "fr": f"le classeur est endommagé ({{part}}{_NB}: {{detail}}){_NB}; l'ouvrir dans "
              "Excel et l'enregistrer à nouveau"},
    "error_workbook_damaged": {
        "en": "the workbook is damaged ({detail}); open it in Excel and save it again",
        "fr": f"le classeur est endommagé ({{detail}}){_NB}; l'ouvrir dans Excel et "
              "l'enregistrer à nouveau"},
    "error_workbook_locked": {
        "en": "the workbook cannot be read ({detail}); open it in Excel and save it again "
              "without a password",
        "fr": f"le classeur ne peut pas être lu ({{detail}}){_NB}; l'ouvrir dans Excel et "
              "l'enregistrer à nouveau sans mot de passe"},
    "error_workbook_size": {
        "en": "the workbook is damaged ({part} declares {declared:,} bytes and holds "
              "{size:,}); open it in Excel and save it again",
        "fr": "le classeur est endommagé ({part} annonce {declared} octets et en contient "
              f"{{size}}){_NB}; l'ouvrir dans Excel et l'enregistrer à nouveau"},
    "error_workbook_texts": {
        "en": "the workbook holds {n:,} texts, more than the {most:,} cells clv reads from a "
              "workbook; save the sheet as CSV to read it",
        "fr": f"le classeur contient {{n}} textes, plus que les {{most}} cellules que clv lit "
              f"d'un classeur{_NB}; enregistrer la feuille en CSV pour la lire"},
    "error_sheet_shared_text": {
        "en": "the cells of sheet '{sheet}' repeat texts of the workbook's shared table "
              "({cells:,} cells, {gb:,.1f} GB once each holds its copy), more than the "
              "{mib:,} MiB of text clv reads from a sheet; save the sheet as CSV to read it",
        "fr": f"les cellules de la feuille «{_NB}{{sheet}}{_NB}» répètent des textes de la "
              f"table partagée du classeur ({{cells}} cellules, {{gb}}{_NB}Go une fois que "
              f"chacune a sa copie), plus que les {{mib}}{_NB}Mio de texte que clv lit d'une "
              f"feuille{_NB}; enregistrer la feuille en CSV pour la lire"},
    "error_sheet_span": {
        "en": "sheet '{sheet}' spans {span} ({rows:,} rows x {cols:,} columns = {cells:,} "
              "cells), {what} clv reads from a sheet (the Excel engine would allocate them "
              "all); delete the stray cells far from the table, or save the sheet as CSV",
        "fr": f"la feuille «{_NB}{{sheet}}{_NB}» s'étend sur {{span}} ({{rows}} lignes x "
              "{cols} colonnes = {cells} cellules), {what} que clv lit d'une feuille (le "
              f"moteur Excel les allouerait toutes){_NB}; supprimer les cellules isolées loin "
              "du tableau, ou enregistrer la feuille en CSV"},
    "error_more_cells": {"en": "more than the {most:,} cells",
                         "fr": "plus que les {most} cellules"},
    "error_more_columns": {"en": "more than the {most:,} columns",
                           "fr": "plus que les {most} colonnes"},
    "error_sheet_number": {
        "en": "sheets are numbered from 1 (sheet={sheet})",
        "fr": "les feuilles sont numérotées à partir de 1 (sheet={sheet})"},
    "error_xls_too_big": {
        "en": "the workbook is larger than {mib} MiB, more than clv reads from an old .xls "
              "file; save it as .xlsx or CSV",
        "fr": f"le classeur dépasse {{mib}}{_NB}Mio, plus que ce que clv lit d'un ancien "
              f"fichier .xls{_NB}; l'enregistrer en .xlsx ou en CSV"},
    "error_needs_fastexcel": {
        "en": "reading Excel needs fastexcel: pip install 'clv[excel]'",
        "fr": f"lire Excel demande fastexcel{_NB}: pip install 'clv[excel]'"},
    "error_cannot_read_workbook": {
        "en": "cannot read the workbook ({detail}); check the sheet asked for, or open the "
              "file in Excel and save it again",
        "fr": f"impossible de lire le classeur ({{detail}}){_NB}; vérifier la feuille "
              "demandée, ou ouvrir le fichier dans Excel et l'enregistrer à nouveau"},
    "error_excel_timeout": {
        "en": "the Excel engine did not read the sheet within {seconds} s; save the sheet as "
              "CSV to read it",
        "fr": f"le moteur Excel n'a pas lu la feuille en {{seconds}}{_NB}s{_NB}; enregistrer "
              "la feuille en CSV pour la lire"},
    "error_sheet_too_many_cells": {
        "en": "the sheet spans {rows:,} rows x {cols:,} columns, more than the {most:,} cells "
              "clv reads from a sheet; delete the stray cells far from the table, or save the "
              "sheet as CSV",
        "fr": "la feuille s'étend sur {rows} lignes x {cols} colonnes, plus que les {most} "
              f"cellules que clv lit d'une feuille{_NB}; supprimer les cellules isolées loin "
              "du tableau, ou enregistrer la feuille en CSV"},
    "error_excel_memory": {
        "en": "the Excel engine needs more than the {gib} GiB clv gives a workbook to read "
              "this sheet (cells far from the table, or a text repeated in very many cells); "
              "save the sheet as CSV to read it",
        "fr": f"le moteur Excel demande plus que les {{gib}}{_NB}Gio que clv accorde à un "
              "classeur pour lire cette feuille (des cellules loin du tableau, ou un texte "
              f"répété dans un très grand nombre de cellules){_NB}; enregistrer la feuille en "
              "CSV pour la lire"},
    "error_dictionary_bomb": {
        "en": "its texts take {gb:,.1f} GB once each row holds its copy (a few long texts "
              "repeated), more than the {bound:,.1f} GB clv reads from this file's column",
        "fr": f"ses textes occupent {{gb}}{_NB}Go une fois que chaque ligne a sa copie "
              f"(quelques longs textes répétés), plus que les {{bound}}{_NB}Go que clv lit "
              "d'une colonne de ce fichier"},
    "error_not_workbook": {
        "en": "not an Excel workbook ({suffix}); is it a CSV renamed, or an HTML page? Open "
              "it in Excel and save it as .xlsx, or name a CSV file .csv",
        "fr": f"ce n'est pas un classeur Excel ({{suffix}}){_NB}; est-ce un CSV renommé, ou "
              f"une page HTML{_NB}? L'ouvrir dans Excel et l'enregistrer en .xlsx, ou nommer "
              "un fichier CSV .csv"},
    # Frames and databases.
    "error_pandas_needs": {
        "en": "reading a pandas frame needs {module}: pip install 'clv[pandas]'",
        "fr": f"lire une table pandas demande {{module}}{_NB}: pip install 'clv[pandas]'"},
    "error_query_single": {
        "en": "the query must be one statement (a ';' separates two)",
        "fr": "la requête doit être une seule instruction (un ';' en sépare deux)"},
    "error_query_select": {
        "en": "the query must read data: one SELECT (or WITH ... SELECT) statement",
        "fr": f"la requête doit lire des données{_NB}: une seule instruction SELECT (ou "
              "WITH ... SELECT)"},
    "error_query_writes": {
        "en": "the query must only read data, and '{word}' writes or changes the database; "
              "write a column or table of that name in double quotes",
        "fr": f"la requête doit seulement lire des données, et «{_NB}{{word}}{_NB}» écrit ou "
              f"modifie la base{_NB}; écrire une colonne ou une table de ce nom entre "
              "guillemets doubles"},
    "error_query_reach": {
        "en": "the query must only read the database's tables, and {function}() reaches "
              "beyond them (another connection, the server's files, its settings or "
              "sessions)",
        "fr": "la requête doit seulement lire les tables de la base, et {function}() va "
              "au-delà (une autre connexion, les fichiers du serveur, ses réglages ou ses "
              "sessions)"},
    "error_needs_sqlalchemy": {
        "en": "reading a database needs SQLAlchemy: pip install 'clv[sql]'",
        "fr": f"lire une base de données demande SQLAlchemy{_NB}: pip install 'clv[sql]'"},
    "error_table_or_query": {
        "en": "give either a table or a query to read from the database",
        "fr": "donner soit une table, soit une requête à lire dans la base"},
    "error_read_only_dialect": {
        "en": "a read-only read is guaranteed on PostgreSQL and SQLite, not on {dialect}",
        "fr": "une lecture seule est garantie sur PostgreSQL et SQLite, pas sur {dialect}"},
    "error_needs_driver": {
        "en": "reading this database needs the driver {module}: pip install '{package}'{hint}",
        "fr": f"lire cette base demande le pilote {{module}}{_NB}: pip install "
              "'{package}'{hint}"},
    "error_its_driver": {"en": "its driver", "fr": "son pilote"},
    "error_psycopg_hint": {
        "en": " (or write the URL as postgresql+psycopg://..., the driver clv[postgres] "
              "installs)",
        "fr": " (ou écrire l'URL postgresql+psycopg://..., le pilote qu'installe "
              "clv[postgres])"},
    "error_bad_url": {
        "en": "not a database URL that can be read (e.g. sqlite:///path/shop.db, "
              "postgresql+psycopg://user@host/base): {detail}",
        "fr": "ce n'est pas une URL de base de données lisible (p. ex. "
              f"sqlite:///path/shop.db, postgresql+psycopg://user@host/base){_NB}: "
              "{detail}"},
    "error_db_refused": {
        "en": "the database refused the read: {kind}: {detail}",
        "fr": f"la base a refusé la lecture{_NB}: {{kind}}{_NB}: {{detail}}"},
    # Reading the orders (clv.data.transactions, dates, ids).
    "error_no_row": {"en": "there is no row to read",
                     "fr": "il n'y a aucune ligne à lire"},
    "error_no_row_below": {"en": "there is no row to read below the header",
                           "fr": "il n'y a aucune ligne à lire sous l'en-tête"},
    "error_statuses_both": {
        "en": "paid_statuses and unpaid_statuses both name {values}: a status is either paid "
              "or not",
        "fr": f"paid_statuses et unpaid_statuses nomment tous deux {{values}}{_NB}: un statut "
              "est payé ou ne l'est pas"},
    "error_statuses_empty": {
        "en": "paid_statuses names no status: every order would be excluded",
        "fr": f"paid_statuses ne nomme aucun statut{_NB}: toutes les commandes seraient "
              "exclues"},
    "error_statuses_no_column": {
        "en": "paid or unpaid statuses were given, but no column holds order statuses; "
              "columns are: {columns}",
        "fr": "des statuts payés ou non payés sont donnés, mais aucune colonne ne contient de "
              f"statuts de commande{_NB}; les colonnes sont{_NB}: {{columns}}"},
    "error_keep": {"en": "keep takes {known}, not {value}",
                   "fr": "keep prend {known}, pas {value}"},
    "error_refunds": {"en": "refunds must be 'net', 'drop' or 'error'",
                      "fr": "refunds doit être 'net', 'drop' ou 'error'"},
    "error_duplicates": {"en": "duplicates must be 'auto', 'drop' or 'keep'",
                         "fr": "duplicates doit être 'auto', 'drop' ou 'keep'"},
    "error_decimal": {"en": "decimal must be ',' or '.'",
                      "fr": "decimal doit être ',' ou '.'"},
    "error_max_amount": {
        "en": "max_amount must be a positive number, not {value!r}",
        "fr": "max_amount doit être un nombre positif, pas {value}"},
    "error_time_zone": {
        "en": "{name} '{zone}' is not a time zone (e.g. UTC, Europe/Paris)",
        "fr": f"{{name}} «{_NB}{{zone}}{_NB}» n'est pas un fuseau horaire (p. ex. UTC, "
              "Europe/Paris)"},
    "error_earliest": {
        "en": "earliest must be a date such as 1970-01-01, not '{value}'",
        "fr": f"earliest doit être une date comme 1970-01-01, pas «{_NB}{{value}}{_NB}»"},
    "error_earliest_kind": {
        "en": "earliest must be a date such as 1970-01-01, not {value!r}",
        "fr": "earliest doit être une date comme 1970-01-01, pas {value}"},
    "error_refund_found": {
        "en": "refund of {amount:g} found while refunds='error' ({n:,} refunds in all); use "
              "refunds='net' or 'drop'",
        "fr": "remboursement de {amount} trouvé alors que refunds='error' ({n} "
              f"remboursements en tout){_NB}; utiliser refunds='net' ou 'drop'"},
    "error_refund_found_one": {
        "en": "refund of {amount:g} found while refunds='error' ({n:,} refunds in all); use "
              "refunds='net' or 'drop'",
        "fr": "remboursement de {amount} trouvé alors que refunds='error' ({n} "
              f"remboursement en tout){_NB}; utiliser refunds='net' ou 'drop'"},
    "error_strict": {
        "en": "{reason} (value {value!r}); {n:,} rows would be excluded in all (strict mode)",
        "fr": f"{{reason}} (valeur {{value}}){_NB}; {{n}} lignes seraient exclues en tout "
              "(mode strict)"},
    "error_strict_one": {
        "en": "{reason} (value {value!r}); {n:,} rows would be excluded in all (strict mode)",
        "fr": f"{{reason}} (valeur {{value}}){_NB}; {{n}} ligne serait exclue en tout "
              "(mode strict)"},
    "error_not_conserved": {
        "en": "rows or amounts are not conserved ({read:,} rows read, {kept:,} kept, "
              "{excluded:,} excluded; amount read {amount_read:,.2f}, kept {amount_kept:,.2f}, "
              "excluded {amount_excluded:,.2f}): this is a bug of clv, please report it",
        "fr": f"les lignes ou les montants ne sont pas conservés ({{read}} lignes lues, "
              f"{{kept}} conservées, {{excluded}} exclues{_NB}; montant lu {{amount_read}}, "
              f"conservé {{amount_kept}}, exclu {{amount_excluded}}){_NB}: c'est un bogue de "
              "clv, merci de le signaler"},
    "error_nothing_kept": {
        "en": "no row can be used: all {n:,} rows are excluded, {count:,} of them as "
              "'{reason}'{example}; check the columns chosen",
        "fr": f"aucune ligne n'est utilisable{_NB}: les {{n}} lignes sont toutes exclues, "
              f"dont {{count}} pour «{_NB}{{reason}}{_NB}»{{example}}{_NB}; vérifier les "
              "colonnes choisies"},
    "error_nothing_kept_one": {
        "en": "no row can be used: all {n:,} rows are excluded, {count:,} of them as "
              "'{reason}'{example}; check the columns chosen",
        "fr": f"aucune ligne n'est utilisable{_NB}: la seule ligne est exclue, pour "
              f"«{_NB}{{reason}}{_NB}»{{example}}{_NB}; vérifier les colonnes choisies"},
    "error_example": {"en": " (e.g. {value!r})", "fr": " (p. ex. {value})"},
    "error_date_type": {"en": "dates of type {dtype} cannot be read",
                        "fr": "des dates de type {dtype} ne peuvent pas être lues"},
    "error_no_date_format": {
        "en": "no date format reads the values (e.g. '{example}'); give the format explicitly "
              "(e.g. date_format='%d/%m/%Y'), or check that this column holds dates",
        "fr": f"aucun format de date ne lit les valeurs (p. ex. «{_NB}{{example}}{_NB}»){_NB}; "
              "donner le format (p. ex. date_format='%d/%m/%Y'), ou vérifier que cette colonne "
              "contient des dates"},
    "error_ambiguous_dates": {
        "en": "dates such as {examples} read as both DD/MM/YYYY and MM/DD/YYYY and no value "
              "decides; choose with date_format='dmy' or date_format='mdy'",
        "fr": "des dates comme {examples} se lisent aussi bien JJ/MM/AAAA que MM/JJ/AAAA et "
              f"aucune valeur ne tranche{_NB}; choisir avec date_format='dmy' ou "
              "date_format='mdy'"},
    "error_nested": {
        "en": "holds {dtype} values (lists or records), not one value per row; flatten it "
              "first (e.g. with explode or unnest)",
        "fr": "contient des valeurs {dtype} (listes ou enregistrements), pas une valeur par "
              f"ligne{_NB}; l'aplatir d'abord (p. ex. avec explode ou unnest)"},
    # The reasons rows are excluded for (clv.data.issues), as clv.report.text says them.
    "error_reason_totals_row": {"en": "totals row", "fr": "ligne de totaux"},
    "error_reason_empty_row": {"en": "empty row (no value in any column)",
                               "fr": "ligne vide (aucune valeur dans aucune colonne)"},
    "error_reason_missing_customer": {"en": "missing customer id",
                                      "fr": "identifiant client manquant"},
    "error_reason_guest_checkout": {"en": "guest checkout without customer id",
                                    "fr": "commande invitée sans identifiant client"},
    "error_reason_not_paid": {
        "en": "order status not paid (failed, cancelled, refunded, awaiting payment)",
        "fr": "commande non payée (échouée, annulée, remboursée, en attente de paiement)"},
    "error_reason_not_sales": {"en": "not a sales journal entry",
                               "fr": "écriture hors journal des ventes"},
    "error_reason_bad_date": {"en": "unparsable date", "fr": "date illisible"},
    "error_reason_bad_quantity": {"en": "unparsable quantity", "fr": "quantité illisible"},
    "error_reason_bad_amount": {"en": "unparsable amount", "fr": "montant illisible"},
    "error_reason_amount_range": {"en": "amount out of range", "fr": "montant hors limites"},
    "error_reason_free_line": {"en": "free line (unit price 0)",
                               "fr": "ligne gratuite (prix unitaire 0)"},
    "error_reason_negative_price": {
        "en": "negative unit price (an adjustment, such as bad debt)",
        "fr": "prix unitaire négatif (un ajustement, comme une créance irrécouvrable)"},
    "error_reason_other_currency": {"en": "other currency", "fr": "autre devise"},
    "error_reason_future_date": {"en": "date in the future", "fr": "date dans le futur"},
    "error_reason_duplicate": {"en": "duplicated order line",
                               "fr": "ligne de commande en double"},
    "error_reason_refund_dropped": {"en": "refund (policy 'drop')",
                                    "fr": f"remboursement (règle «{_NB}drop{_NB}»)"},
    "error_early_date": {"en": "date before {day} (a placeholder)",
                         "fr": "date antérieure au {day} (une valeur par défaut)"},
    # Columns (clv.data.mapping).
    "error_unknown_table": {"en": "unknown table '{kind}' (known: {known})",
                            "fr": f"table inconnue «{_NB}{{kind}}{_NB}» (connues{_NB}: "
                                  "{known})"},
    "error_unknown_table_field": {
        "en": "unknown field '{field}' of the {kind} table (known: {known})",
        "fr": f"champ inconnu «{_NB}{{field}}{_NB}» de la table {{kind}} (connus{_NB}: "
              "{known})"},
    "error_unknown_field": {
        "en": "unknown field '{field}' (known: {known})",
        "fr": f"champ inconnu «{_NB}{{field}}{_NB}» (connus{_NB}: {{known}})"},
    "error_unknown_preset": {
        "en": "unknown preset '{preset}' (known: {known})",
        "fr": f"préréglage inconnu «{_NB}{{preset}}{_NB}» (connus{_NB}: {{known}})"},
    "error_column_missing": {
        "en": "column '{column}' given for {field} does not exist; columns are: {columns}",
        "fr": f"la colonne «{_NB}{{column}}{_NB}» donnée pour {{field}} n'existe pas{_NB}; "
              f"les colonnes sont{_NB}: {{columns}}"},
    "error_amount_and_price": {
        "en": "give either the amount column or the unit price column (with the quantity), "
              "not both",
        "fr": "donner soit la colonne du montant, soit celle du prix unitaire (avec la "
              "quantité), pas les deux"},
    "error_columns_first_sheet": {
        "en": "{columns} (in the first of the workbook's sheets {sheets}: choose another with "
              "--sheet NAME, sheet='NAME' in Python)",
        "fr": f"{{columns}} (dans la première des feuilles du classeur {{sheets}}{_NB}: "
              "choisissez-en une autre avec --sheet NOM, sheet='NOM' en Python)"},
    "error_column_not_found": {
        "en": "cannot find the column for {fields}{extra}; columns are: {columns}",
        "fr": f"colonne introuvable pour{_NB}: {{fields}}{{extra}}{_NB}; les colonnes "
              f"sont{_NB}: {{columns}}"},
    "error_no_amount_alternative": {
        "en": " (nor a quantity and a unit price, nor debit and credit columns)",
        "fr": " (ni une quantité et un prix unitaire, ni des colonnes de débit et de crédit)"},
    "error_columns_more": {"en": "{names} ... and {n:,} more",
                           "fr": "{names}... et {n} autres"},
    "error_field_customer_id": {"en": "customer_id",
                                "fr": "identifiant client (customer_id)"},
    "error_field_timestamp": {"en": "timestamp", "fr": "date (timestamp)"},
    "error_field_amount": {"en": "amount", "fr": "montant (amount)"},
    # Settings (clv.valuation.Settings); {name} is the setting as the face names it.
    "error_one_of": {"en": "{name} must be one of {allowed}, not {value!r}",
                     "fr": "{name} doit être l'un de {allowed}, pas {value}"},
    "error_margin": {"en": "{name} must be in (0, 1], not {value}",
                     "fr": "{name} doit être plus grand que 0 et au plus 1, pas {value}"},
    "error_discount_rate": {
        "en": "{name} must be a yearly rate of 0 or more, not {value}",
        "fr": "{name} doit être un taux annuel de 0 ou plus, pas {value}"},
    "error_level": {"en": "{name} must be in (0, 1), not {value}",
                    "fr": "{name} doit être strictement entre 0 et 1, pas {value}"},
    "error_draws": {"en": "{name} must be between 20 and {most:,}, not {value}",
                    "fr": "{name} doit être entre 20 et {most}, pas {value}"},
    "error_cac": {"en": "{name} must be a positive amount, not {value}",
                  "fr": "{name} doit être un montant positif, pas {value}"},
    "error_models": {"en": "{name} must be among {allowed}, not {value!r}",
                     "fr": "{name} doit être parmi {allowed}, pas {value}"},
    "error_currency": {
        "en": "{name} must be a three-letter code such as EUR, not {value!r}",
        "fr": "{name} doit être un code de trois lettres comme EUR, pas {value}"},
    # The tables beside the orders and the patterns (clv.data.tables).
    "error_cell": {"en": "'{value}'", "fr": f"«{_NB}{{value}}{_NB}»"},
    "error_empty_cell": {"en": "an empty cell", "fr": "une cellule vide"},
    "error_table_no_column": {
        "en": "no column '{name}' ({what}); columns: {columns}",
        "fr": f"pas de colonne «{_NB}{{name}}{_NB}» ({{what}}){_NB}; les colonnes "
              f"sont{_NB}: {{columns}}"},
    "error_table_no_field": {
        "en": "no column for {what} ('{field}'); columns: {columns}",
        "fr": f"aucune colonne pour {{what}} («{_NB}{{field}}{_NB}»){_NB}; les colonnes "
              f"sont{_NB}: {{columns}}"},
    "error_table_not_number": {
        "en": "{value} is not {what} >= 0 ({n} such rows)",
        "fr": "{value} n'est pas {what} >= 0 ({n} lignes ainsi)"},
    "error_table_not_number_one": {
        "en": "{value} is not {what} >= 0 ({n} such rows)",
        "fr": "{value} n'est pas {what} >= 0 ({n} ligne ainsi)"},
    "error_table_not_month": {
        "en": "{value} is not a month (such as 05/2023, 2023-05 or May 2023) nor a date ({n} "
              "such rows)",
        "fr": "{value} n'est ni un mois (comme 05/2023, 2023-05 ou mai 2023) ni une date ({n} "
              "lignes ainsi)"},
    "error_table_not_month_one": {
        "en": "{value} is not a month (such as 05/2023, 2023-05 or May 2023) nor a date ({n} "
              "such rows)",
        "fr": "{value} n'est ni un mois (comme 05/2023, 2023-05 ou mai 2023) ni une date ({n} "
              "ligne ainsi)"},
    "error_table_months_most": {
        "en": "{value} is not a month (such as 05/2023, 2023-05 or May 2023) nor a date "
              "(rows without a month: {n} of {rows}); from half of the rows, this column is "
              "not taken for the months (fewer such rows are left out and counted)",
        "fr": "{value} n'est ni un mois (comme 05/2023, 2023-05 ou mai 2023) ni une "
              f"date{_NB}; {{n}} des {{rows}} lignes n'en ont pas{_NB}: à partir de "
              "la moitié des lignes, cette colonne n'est pas prise pour les mois (moins "
              "de lignes ainsi sont écartées et comptées)"},
    "error_table_months_most_one": {
        "en": "{value} is not a month (such as 05/2023, 2023-05 or May 2023) nor a date "
              "(rows without a month: {n} of {rows}); from half of the rows, this column is "
              "not taken for the months (fewer such rows are left out and counted)",
        "fr": "{value} n'est ni un mois (comme 05/2023, 2023-05 ou mai 2023) ni une "
              f"date{_NB}; {{n}} des {{rows}} lignes n'en a pas{_NB}: à partir de "
              "la moitié des lignes, cette colonne n'est pas prise pour les mois (moins "
              "de lignes ainsi sont écartées et comptées)"},
    "error_table_not_date": {"en": "{value} is not a date ({n} such rows)",
                             "fr": "{value} n'est pas une date ({n} lignes ainsi)"},
    "error_table_not_date_one": {"en": "{value} is not a date ({n} such rows)",
                                 "fr": "{value} n'est pas une date ({n} ligne ainsi)"},
    "error_customers_columns": {
        "en": "no column(s) {columns} in the customers table",
        "fr": "colonne(s) {columns} absente(s) de la table des clients"},
    "error_patterns_weights": {
        "en": "several columns could be the customers per row: {columns}; name one with "
              "weight=...",
        "fr": f"plusieurs colonnes pourraient donner les clients par ligne{_NB}: "
              f"{{columns}}{_NB}; en nommer une avec weight=..."},
    "error_patterns_unknown": {
        "en": "column(s) {columns} not understood: patterns have frequency, recency, periods "
              "and the customers of each row in a column named weight, weights, count, n or "
              "customers (or name it with weight=...)",
        "fr": f"colonne(s) {{columns}} non comprise(s){_NB}: des motifs ont frequency, "
              "recency, periods et les clients de chaque ligne dans une colonne nommée weight, "
              "weights, count, n ou customers (ou la nommer avec weight=...)"},
    "error_patterns_order": {
        "en": "needs frequency <= recency <= periods and recency >= 1 when frequency > 0 ({n} "
              "rows do not)",
        "fr": "il faut frequency <= recency <= periods et recency >= 1 quand frequency > 0 "
              "({n} lignes ne le respectent pas)"},
    "error_patterns_order_one": {
        "en": "needs frequency <= recency <= periods and recency >= 1 when frequency > 0 ({n} "
              "rows do not)",
        "fr": "il faut frequency <= recency <= periods et recency >= 1 quand frequency > 0 "
              "({n} ligne ne le respecte pas)"},
    "error_what_transactions_x": {"en": "transactions x", "fr": "nombre de transactions x"},
    "error_what_last_transaction": {"en": "last transaction t_x",
                                    "fr": "dernière transaction t_x"},
    "error_what_opportunities": {"en": "opportunities n", "fr": "occasions d'achat n"},
    "error_what_customers_per_row": {"en": "customers per row", "fr": "clients par ligne"},
    "error_what_kept_column": {"en": "kept column", "fr": "colonne gardée"},
    "error_what_count_or_time": {"en": "a count or time", "fr": "un nombre ou une durée"},
    "error_what_count": {"en": "a count", "fr": "un nombre"},
    "error_what_amount": {"en": "an amount", "fr": "un montant"},
    "error_what_quantity": {"en": "a quantity", "fr": "une quantité"},
    "error_what_month": {"en": "the spend's month", "fr": "le mois des dépenses"},
    "error_what_channel": {"en": "the acquisition channel", "fr": "le canal d'acquisition"},
    "error_what_spend": {"en": "the amount spent", "fr": "le montant dépensé"},
    "error_what_customer_id": {"en": "the customer id", "fr": "l'identifiant client"},
    "error_what_start": {"en": "the start date", "fr": "la date de début"},
    "error_what_end": {"en": "the end date", "fr": "la date de fin"},
    # Fitting the models (clv.models).
    "error_model_fits_on": {
        "en": "{model} fits on a Summary or a Polars frame with columns {columns}",
        "fr": "{model} s'ajuste sur un Summary ou une table Polars avec les colonnes "
              "{columns}"},
    "error_bgbb_summary": {
        "en": "BG/BB fits on discrete-time patterns (frequency, recency, periods and the "
              "customers of each, as clv.read_patterns reads them), not on a transaction "
              "summary",
        "fr": "BG/BB s'ajuste sur des profils en temps discret (fréquence, récence, périodes et "
              "nombre de clients de chacun, tels que clv.read_patterns les lit), pas sur un "
              "résumé de transactions"},
    "error_bgbb_frame": {
        "en": "BG/BB fits on a Polars frame of patterns: frequency, recency, periods (or "
              "n_periods) and a weight column (weight, weights, count, n or customers)",
        "fr": f"BG/BB s'ajuste sur une table Polars de profils{_NB}: frequency, recency, "
              "periods (ou n_periods) et une colonne de poids (weight, weights, count, n ou "
              "customers)"},
    "error_bgbb_several_weight": {
        "en": "BG/BB: several columns could be the weight: {columns}; keep one",
        "fr": f"BG/BB{_NB}: plusieurs colonnes pourraient être le poids{_NB}: {{columns}}"
              f"{_NB}; n'en garder qu'une"},
    "error_bgbb_several_periods": {
        "en": "BG/BB: several columns could be the periods: {columns}; keep one",
        "fr": f"BG/BB{_NB}: plusieurs colonnes pourraient être les périodes{_NB}: "
              f"{{columns}}{_NB}; n'en garder qu'une"},
    "error_bgbb_unknown": {
        "en": "BG/BB: unknown column(s) {columns}; patterns have frequency, recency, periods "
              "(or n_periods) and the customers of each row in one column named weight, "
              "weights, count, n or customers",
        "fr": f"BG/BB{_NB}: colonne(s) inconnue(s) {{columns}}{_NB}; les profils ont "
              "frequency, recency, periods (ou n_periods) et le nombre de clients de chaque "
              "ligne dans une colonne nommée weight, weights, count, n ou customers"},
    "error_bgbb_numbers": {
        "en": "BG/BB: the patterns must be numbers ({detail})",
        "fr": f"BG/BB{_NB}: les profils doivent être des nombres ({{detail}})"},
    "error_bgbb_invalid": {
        "en": "BG/BB: {n:,} row(s) with missing, infinite or negative values",
        "fr": f"BG/BB{_NB}: {{n}} ligne(s) aux valeurs manquantes, infinies ou négatives"},
    "error_bgbb_fractional": {
        "en": "BG/BB: {n:,} row(s) with fractional counts or times",
        "fr": f"BG/BB{_NB}: {{n}} ligne(s) aux comptes ou temps non entiers"},
    "error_bgbb_inconsistent": {
        "en": "BG/BB: {n:,} row(s) where frequency <= recency <= periods and recency >= 1 "
              "when frequency > 0 is not met",
        "fr": f"BG/BB{_NB}: {{n}} ligne(s) où frequency <= recency <= periods (et recency "
              ">= 1 quand frequency > 0) n'est pas respecté"},
    "error_sbg_no_column": {
        "en": "the subscriptions table has no column '{column}'",
        "fr": f"la table des abonnements n'a pas de colonne «{_NB}{{column}}{_NB}»"},
    "error_subs_no_dates": {
        "en": "the subscriptions table has no row with a start date: there is no date it "
              "describes",
        "fr": f"le tableau d'abonnements n'a aucune ligne avec une date de début{_NB}: il ne "
              "décrit aucune date"},
    "error_sbg_no_start": {
        "en": "subscriptions row {row}: no start date ({n} such rows)",
        "fr": f"abonnements, ligne {{row}}{_NB}: pas de date de début ({{n}} ligne(s) "
              "ainsi)"},
    "error_sbg_ends_before": {
        "en": "subscriptions row {row}: ends before it starts ({n} such rows)",
        "fr": f"abonnements, ligne {{row}}{_NB}: se termine avant de commencer ({{n}} "
              "ligne(s) ainsi)"},
    "error_model_file_kind": {
        "en": "{path} holds a {found} model, not {model}",
        "fr": "{path} contient un modèle {found}, pas {model}"},
    "error_model_needs_columns": {"en": "{model} needs column(s) {columns}",
                                  "fr": "{model} demande la ou les colonnes {columns}"},
    "error_not_converged": {
        "en": "{model} did not converge ({detail}; gradient {gradient:.2g}). Check that the "
              "summary's unit suits the data (e.g. weeks rather than days for rare purchases) "
              "and that there are enough repeat buyers.",
        "fr": f"{{model}} n'a pas convergé ({{detail}}{_NB}; gradient {{gradient}}). "
              "Vérifier que l'unité du résumé convient aux données (p. ex. des semaines "
              "plutôt que des jours pour des achats rares) et qu'il y a assez de clients qui "
              "ont racheté."},
    "error_at_bound": {
        "en": "{model}: a parameter went to its bound ({params}); the data do not identify "
              "the model",
        "fr": f"{{model}}{_NB}: un paramètre est allé à sa borne ({{params}}){_NB}; les "
              "données ne déterminent pas le modèle"},
    "error_singular": {"en": "{model}: the information matrix is singular",
                       "fr": f"{{model}}{_NB}: la matrice d'information est singulière"},
    "error_few_customers": {"en": "{model} needs more customers than parameters",
                            "fr": "{model} demande plus de clients que de paramètres"},
    "error_one_customer": {"en": "{model} needs at least one customer",
                           "fr": "{model} demande au moins un client"},
    "error_no_repeat": {
        "en": "{model}: no customer made a repeat purchase, so the purchase rate cannot be "
              "estimated",
        "fr": f"{{model}}{_NB}: aucun client n'a racheté, le taux d'achat ne peut donc pas "
              "être estimé"},
    "error_spend_no_repeat": {
        "en": "Gamma-Gamma: no customer made a repeat purchase (with a positive amount), and "
              "Gamma-Gamma models the spend of repeat purchases",
        "fr": f"Gamma-Gamma{_NB}: aucun client n'a racheté (pour un montant positif), et "
              "Gamma-Gamma modélise la dépense des rachats"},
    "error_spend_few_buyers": {
        "en": "Gamma-Gamma needs more repeat buyers than parameters: {n:,.0f} customer(s) made "
              "a repeat purchase",
        "fr": "Gamma-Gamma demande plus de clients qui ont racheté que de paramètres"
              f"{_NB}: {{n}} clients ont racheté"},
    "error_spend_few_buyers_one": {
        "en": "Gamma-Gamma needs more repeat buyers than parameters: {n:,.0f} customer(s) made "
              "a repeat purchase",
        "fr": "Gamma-Gamma demande plus de clients qui ont racheté que de paramètres"
              f"{_NB}: {{n}} client a racheté"},
    "error_not_fitted": {
        "en": "This {model} model is not fitted yet: call fit() on your data first, or give it "
              "known parameters with {cls}.from_params()",
        "fr": f"Ce modèle {{model}} n'est pas encore ajusté{_NB}: appeler d'abord fit() sur "
              "les données, ou lui donner des paramètres connus avec {cls}.from_params()"},
    "error_unit_mismatch": {
        "en": "{model} was fitted in {fitted}s and {what} is in {unit}s; summarise the data "
              "with unit='{fitted}' or convert explicitly (clv.prep.convert)",
        "fr": f"{{model}} a été ajusté dans l'unité {{fitted}} et {{what}} est dans l'unité "
              f"{{unit}}{_NB}; résumer les données avec unit='{{fitted}}' ou convertir "
              "explicitement (clv.prep.convert)"},
    "error_what_summary": {"en": "the summary", "fr": "le résumé"},
    "error_what_input": {"en": "the input", "fr": "l'entrée"},
    "error_model_unit": {
        "en": "unit must be one of {units} or quarter (or None), not {value!r}",
        "fr": "unit doit être l'un de {units} ou quarter (ou None), pas {value}"},
    "error_predict_summary": {"en": "{model}.predict takes a Summary (clv.rfm_summary)",
                              "fr": "{model}.predict prend un Summary (clv.rfm_summary)"},
    "error_sbg_columns": {
        "en": "sBG lifetimes need column(s) {columns} (see "
              "clv.models.sbg.subscription_lifetimes)",
        "fr": "les durées de vie de sBG demandent la ou les colonnes {columns} (voir "
              "clv.models.sbg.subscription_lifetimes)"},
    "error_sbg_periods": {
        "en": "sBG needs survivor counts for at least two periods (n_0, n_1, ...)",
        "fr": "sBG demande les effectifs restants d'au moins deux périodes (n_0, n_1, ...)"},
    "error_sbg_increase": {
        "en": "survivor counts must not increase from one period to the next",
        "fr": "les effectifs restants ne doivent pas augmenter d'une période à la suivante"},
    # The summary's settings (clv.prep.summary); {name} is the setting as the face names it.
    "error_horizon": {
        "en": "{name} must be more than 0 and at most {limit:,.6g} {units}{years}, not "
              "{value!r}",
        "fr": "{name} doit être plus grand que 0 et au plus {limit} {units}{years}, pas "
              "{value}"},
    "error_horizon_years": {"en": " ({n} years)", "fr": " ({n} ans)"},
    "error_units_day": {"en": "days", "fr": "jours"},
    "error_units_week": {"en": "weeks", "fr": "semaines"},
    "error_units_month": {"en": "months", "fr": "mois"},
    "error_units_year": {"en": "years", "fr": "ans"},
    "error_units_quarter": {"en": "quarters", "fr": "trimestres"},
    "error_date_setting": {
        "en": "{name} must be a date such as 1997-09-30, not '{value}'",
        "fr": f"{{name}} doit être une date comme 1997-09-30, pas «{_NB}{{value}}{_NB}»"},
}
