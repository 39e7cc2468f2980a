"""The errors a user meets reading data or choosing settings, in English and French
(issue 16, item 1): every message of :mod:`clv.messages.errors_data` has both languages with
the same fields; real failures raised by the library keep their English sentence
(``str(exc)``) and are said in French by :func:`clv.errors.say` with no English phrase of the
catalogue, naming the file, row and column; the installed ``clv`` script says them in French
with ``--lang fr`` and as before in English."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from clv.data import issues
from clv.data.transactions import read_transactions
from clv.errors import (
    AmbiguousDateError,
    ClvError,
    DataError,
    MappingError,
    Words,
    placeholders,
    say,
)
from clv.messages.errors_data import MESSAGES
from clv.valuation import Settings

CLV = Path(sys.executable).parent / "clv"


def english_phrases() -> list[str]:
    """The English words of the errors' messages, cut at their fields: each piece longer
    than 3 characters that no French message writes alike (a parameter such as
    ``date_format='dmy'`` is written alike in both)."""
    french = " | ".join(re.sub(r"\{[^}]*\}", " ", t["fr"]) for t in MESSAGES.values())
    found = []
    for texts in MESSAGES.values():
        if texts["en"] == texts["fr"]:
            continue
        for part in re.split(r"\{[^}]*\}", texts["en"]):
            part = part.strip(" .:;,()'\"-")
            if len(part) > 3 and not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", french):
                found.append(part)
    return found


def assert_french(text: str) -> None:
    """No English phrase of the errors' messages in ``text``."""
    for phrase in english_phrases():
        assert not re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text), (phrase, text)


def test_every_message_has_both_languages_with_the_same_fields():
    assert len(MESSAGES) > 80
    for key, texts in MESSAGES.items():
        assert key.startswith("error_"), key
        assert set(texts) == {"en", "fr"} and texts["en"] and texts["fr"], key
        if key.endswith("_one"):  # the French singular; English is the key's sentence
            assert texts["en"] == MESSAGES[key.removesuffix("_one")]["en"], key
            assert placeholders(texts["fr"]) <= placeholders(texts["en"]), key
        else:
            assert placeholders(texts["fr"]) == placeholders(texts["en"]), key
        assert not re.search(r"\w[:;?!]", texts["fr"].replace("://", "")
                             .replace("%d/%m/%Y", "")), (key, "no-break space before : ; ? !")
    from clv.i18n import catalogue

    assert all(catalogue()[key] == texts for key, texts in MESSAGES.items())  # defined once


def test_exclusion_reasons_are_said_as_the_report_says_them():
    from clv.errors import french_reason
    from clv.report.text import reason

    for why in (*issues.REASONS, issues.early_date(issues.EARLIEST)):
        assert french_reason(why) != why, why
        assert french_reason(why).replace("\u00a0", " ") == reason(why, "fr"), why


def table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def failure(call: Callable[[], object]) -> ClvError:
    with pytest.raises(ClvError) as caught:
        call()
    return caught.value


def test_real_failures_in_english_as_before_and_in_french(tmp_path):
    good = "customer,date,amount\n"
    cases = {
        "missing": (lambda: read_transactions(tmp_path / "missing.csv"),
                    "missing.csv: no such file", ["missing.csv", "fichier introuvable"]),
        "empty": (lambda: read_transactions(table(tmp_path, "empty.csv", "")),
                  "empty.csv: the file is empty", ["empty.csv", "le fichier est vide"]),
        "header": (lambda: read_transactions(table(tmp_path, "header.csv", good)),
                   "header.csv: there is no row to read below the header",
                   ["header.csv", "sous l'en-tête"]),
        "no date": (lambda: read_transactions(table(tmp_path, "nodate.csv",
                                                    "customer,amount\na,1\n")),
                    "nodate.csv: cannot find the column for timestamp; columns are: "
                    "customer, amount", ["nodate.csv", "date (timestamp)",
                                         "customer, amount"]),
        "bad dates": (lambda: read_transactions(table(tmp_path, "baddate.csv",
                                                      good + "a,zz,1\nb,yy,2\n")),
                      "baddate.csv, column 'date': no date format reads the values (e.g. "
                      "'zz'); give the format explicitly (e.g. date_format='%d/%m/%Y'), or "
                      "check that this column holds dates",
                      ["baddate.csv", "colonne «\u00a0date\u00a0»", "«\u00a0zz\u00a0»",
                       "date_format='%d/%m/%Y'"]),
        "strict": (lambda: read_transactions(table(tmp_path, "strict.csv",
                                                   good + "a,2024-01-05,1\nb,xx,2\n"),
                                             strict=True),
                   "strict.csv, row 3, column 'date': unparsable date (value 'xx'); 1 rows "
                   "would be excluded in all (strict mode)",
                   ["strict.csv", "ligne 3", "colonne «\u00a0date\u00a0»",
                    "date illisible", "1 ligne serait exclue"]),
        "nothing kept": (lambda: read_transactions(table(
            tmp_path, "nobody.csv", good + ",2024-01-05,1\n,2024-02-05,1234.5\n")),
            "nobody.csv, column 'customer': no row can be used: all 2 rows are excluded, 2 of "
            "them as 'missing customer id'; check the columns chosen",
            ["nobody.csv", "les 2 lignes", "identifiant client manquant"]),
        "ambiguous": (lambda: read_transactions(table(tmp_path, "ambiguous.csv",
                                                      good + "a,01/02/2024,1\n")),
                      "ambiguous.csv, column 'date': dates such as '01/02/2024' read as both "
                      "DD/MM/YYYY and MM/DD/YYYY and no value decides; choose with "
                      "date_format='dmy' or date_format='mdy'",
                      ["ambiguous.csv", "JJ/MM/AAAA", "date_format='dmy'"]),
        "separator": (lambda: read_transactions(table(tmp_path, "sep.csv", good),
                                                separator=";;"),
                      "sep.csv: the separator must be one character such as ',' ';' '|' or "
                      "tab (or 'whitespace' for columns lined up by spaces), not ';;'; leave "
                      "it out to detect it", ["sep.csv", "pas ';;'"]),
        "margin": (lambda: Settings(margin=1.5), "margin must be in (0, 1], not 1.5",
                   ["margin", "pas 1,5"]),
        "draws": (lambda: Settings(draws=12_000), "draws must be between 20 and 10,000, "
                  "not 12000", ["entre 20 et 10\u202f000", "pas 12000"]),
        "model": (lambda: Settings(model="zz"),  # type: ignore[arg-type]
                  "model must be one of auto, bgnbd, mbgnbd, pnbd, not 'zz'",
                  ["auto, bgnbd, mbgnbd, pnbd", "«\u00a0zz\u00a0»"]),
    }
    for name, (call, english, words) in cases.items():
        exc = failure(call)
        assert exc.key is not None, name
        where = str(tmp_path) + os.sep
        assert str(exc).replace(where, "") == english, name
        assert say(exc, "en") == str(exc), name
        french = say(exc, "fr").replace(where, "")
        assert_french(french)
        for word in words:
            assert word in french, (name, word, french)
        if isinstance(exc, DataError) and exc.source:
            assert french.startswith(Path(exc.source).name), (name, french)
        if isinstance(exc, DataError) and exc.row is not None:
            assert f"ligne {exc.row}" in french and f"row {exc.row}" not in french
        if isinstance(exc, DataError) and exc.column:
            assert f"colonne «\u00a0{exc.column}\u00a0»\u00a0:" in french, (name, french)
    assert isinstance(failure(cases["no date"][0]), MappingError)
    assert isinstance(failure(cases["ambiguous"][0]), AmbiguousDateError)


def test_an_error_crosses_processes_and_can_be_renamed(tmp_path):
    exc = failure(lambda: read_transactions(table(tmp_path, "strict.csv",
                                                  "customer,date,amount\na,2024-01-05,1\n"
                                                  "b,xx,2\n"),
                                            strict=True))
    back = pickle.loads(pickle.dumps(exc))  # a dashboard job's process sends it back
    assert type(back) is type(exc) and str(back) == str(exc)
    assert say(back, "fr") == say(exc, "fr") and (back.row, back.column) == (3, "date")
    margin = failure(lambda: Settings(margin=2))
    renamed = margin.with_values(name="--margin")
    assert str(renamed) == "--margin must be in (0, 1], not 2"
    assert say(renamed, "fr") == "--margin doit être plus grand que 0 et au plus 1, pas 2"
    assert str(margin) == "margin must be in (0, 1], not 2"  # the original is unchanged


def test_say_names_the_source_as_given_and_leaves_other_errors_as_written(tmp_path):
    exc = failure(lambda: read_transactions(tmp_path / "upload-3f2a.csv"))
    assert say(exc, "en", source="orders.csv") == "orders.csv: no such file"
    assert say(exc, "fr", source="orders.csv") == "orders.csv\u00a0: fichier introuvable"
    named = exc.named("orders.csv")  # a dashboard raises it anew under the user's name
    assert (str(named), named.key) == ("orders.csv: no such file", "error_no_file")
    assert say(named, "fr") == "orders.csv\u00a0: fichier introuvable"
    assert str(exc).endswith("upload-3f2a.csv: no such file")
    plain = DataError("something the library says in English", source="x.csv", row=4)
    assert say(plain, "fr") == str(plain) == "x.csv, row 4: something the library says in " \
                                             "English"
    assert say(plain, "fr", source="y.csv") == "y.csv, row 4: something the library says " \
                                               "in English"
    assert say(ValueError("not a user error"), "fr") == "not a user error"
    assert say(exc, "de") == str(exc)  # a language without words: English
    frame = DataError(key="error_no_row", source="pandas frame")
    assert str(frame) == "pandas frame: there is no row to read"
    assert say(frame, "fr") == "table pandas\u00a0: il n'y a aucune ligne à lire"
    with pytest.raises(TypeError):
        DataError("a message", key="error_no_row")
    assert Words("error_more_cells", most=1_000_000).said("fr") == \
        "plus que les 1\u202f000\u202f000 cellules"


def run(tmp_path: Path, *args: str, lang: str) -> subprocess.CompletedProcess[str]:
    """The installed script run in ``tmp_path`` with ``args``: ``--lang fr``, or with
    ``CLV_LANG=en`` in its environment."""
    if not CLV.exists():
        pytest.skip(f"the clv console script is not installed next to {sys.executable}")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLV_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    argv = [str(CLV), *args]
    if lang == "fr":
        argv += ["--lang", "fr"]
    else:
        env["CLV_LANG"] = lang
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env,
                          cwd=tmp_path)


def test_the_command_line_says_them_in_french_and_as_before_in_english(tmp_path):
    table(tmp_path, "bad.csv", "customer,date,amount\na,zz,1\nb,yy,2\n")
    table(tmp_path, "nodate.csv", "customer,amount\na,1\n")
    english = {
        ("check", "missing.csv"): "error: missing.csv: no such file\n",
        ("summary", "bad.csv"): "error: bad.csv, column 'date': no date format reads the "
                                "values (e.g. 'zz'); give the format explicitly (e.g. "
                                "--date-format '%d/%m/%Y'), or check that this column holds "
                                "dates\n",
        ("summary", "nodate.csv"): "error: nodate.csv: cannot find the column for timestamp; "
                                   "columns are: customer, amount (name it with --date "
                                   "COLUMN)\n",
    }
    french = {
        ("check", "missing.csv"): "erreur\u00a0: missing.csv\u00a0: fichier introuvable\n",
        ("summary", "bad.csv"): "erreur\u00a0: bad.csv, colonne «\u00a0date\u00a0»\u00a0: "
                                "aucun format de date ne lit les valeurs (p. ex. "
                                "«\u00a0zz\u00a0»)\u00a0; donner le format (p. ex. "
                                "--date-format '%d/%m/%Y'), ou vérifier que cette colonne "
                                "contient des dates\n",
        ("summary", "nodate.csv"): "erreur\u00a0: nodate.csv\u00a0: colonne introuvable "
                                   "pour\u00a0: date (timestamp)\u00a0; les colonnes "
                                   "sont\u00a0: customer, amount (la nommer avec --date "
                                   "COLONNE)\n",
    }
    for args, said in english.items():
        proc = run(tmp_path, *args, lang="en")
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", said), args
    for args, said in french.items():
        proc = run(tmp_path, *args, lang="fr")
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", said), args
        assert_french(proc.stderr)


def test_a_column_not_found_among_many_in_french():
    import polars as pl

    frame = pl.DataFrame({f"c{i}": ["1"] for i in range(45)})
    exc = failure(lambda: read_transactions(frame, columns={"timestamp": "Date"}))
    assert isinstance(exc, MappingError) and exc.field == "timestamp"
    names = ", ".join(f"c{i}" for i in range(40))
    assert str(exc) == (f"polars frame: column 'Date' given for timestamp does not exist; "
                        f"columns are: {names} ... and 5 more")
    assert say(exc, "fr") == ("table polars\u00a0: la colonne «\u00a0Date\u00a0» donnée pour "
                              "timestamp n'existe pas\u00a0; les colonnes sont\u00a0: "
                              f"{names}... et 5 autres")


def test_every_key_the_library_raises_has_its_words():
    """Each key written in the modules that raise keyed errors (``key="error_..."``,
    ``Words("error_...")``, the keys of what a column holds, and the keys made from a field
    or a unit) is a message of the catalogue, so that no error fails to say itself."""
    import clv

    root = Path(clv.__file__).parent
    files = [root / "data" / "tables.py", root / "prep" / "summary.py", root / "valuation.py",
             *sorted((root / "models").glob("*.py"))]
    found: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'key="(error_\w+)"', text))
        found |= set(re.findall(r'Words\("(error_\w+)"', text))
        found |= set(re.findall(r'"(error_what_\w+)"', text))
    assert len(found) > 40
    assert not found - set(MESSAGES)
    from clv.data.tables import _WHAT_FIELDS
    from clv.prep.summary import UNIT_DAYS

    assert all(f"error_what_{f}" in MESSAGES for f in _WHAT_FIELDS)
    assert all(f"error_units_{u}" in MESSAGES for u in (*UNIT_DAYS, "quarter"))


def test_tables_models_and_settings_in_english_as_before_and_in_french(tmp_path):
    """The errors of the tables beside the orders, of the models' fits and of the summary's
    settings: their English sentence as the library wrote it before they had keys, and in
    French with no English phrase, naming the file, row and column."""
    import polars as pl

    from clv.data.tables import join_customers, read_patterns, read_spend, read_subscriptions
    from clv.models import BGNBD, NBD, SBG, GammaGamma
    from clv.prep import check_horizon, rfm_summary

    month = "Mois;Canal;Dépenses\nzz;web;12\n"  # no month at all (a few are left out)
    spend = "Mois;Canal;Dépenses\n05/2023;web;10\n06/2023;web;-3\n"
    subs = "Client;Début;Fin;MRR\na;25/01/2023;;9\nb;;;9\n"
    no_rate = pl.DataFrame({"frequency": [0.0] * 10, "recency": [0.0] * 10, "T": [5.0] * 10})
    tx = read_transactions(table(tmp_path, "tx.csv", "customer,date,amount\na,2024-01-05,1\n"))
    cases: dict[str, tuple[Callable[[], object], str, list[str]]] = {
        "month": (lambda: read_spend(table(tmp_path, "spend.csv", month)),
                  "spend.csv, row 2, column 'Mois': 'zz' is not a month (such as 05/2023, "
                  "2023-05 or May 2023) nor a date (1 such rows)",
                  ["«\u00a0zz\u00a0» n'est ni un mois", "mai 2023", "(1 ligne ainsi)"]),
        "amount": (lambda: read_spend(table(tmp_path, "spend2.csv", spend)),
                   "spend2.csv, row 3, column 'Dépenses': '-3' is not an amount >= 0 (1 such "
                   "rows)", ["«\u00a0-3\u00a0» n'est pas un montant >= 0"]),
        "no field": (lambda: read_spend(table(tmp_path, "spend3.csv", "Canal;Dépenses\nweb;1\n")),
                     "spend3.csv: no column for the spend's month ('month'); columns: Canal, "
                     "Dépenses", ["aucune colonne pour le mois des dépenses",
                                  "«\u00a0month\u00a0»", "Canal, Dépenses"]),
        "no date": (lambda: read_subscriptions(table(tmp_path, "subs.csv", subs)),
                    "subs.csv, row 3, column 'Début': an empty cell is not a date (1 such rows)",
                    ["une cellule vide n'est pas une date (1 ligne ainsi)"]),
        "patterns": (lambda: read_patterns(table(tmp_path, "pat.csv",
                                                 "frequency,recency,periods\n3,2,4\n")),
                     "pat.csv, row 2: needs frequency <= recency <= periods and recency >= 1 "
                     "when frequency > 0 (1 rows do not)", ["il faut frequency <= recency",
                                                             "(1 ligne ne le respecte pas)"]),
        "no column": (lambda: read_patterns(table(tmp_path, "pat2.csv",
                                                  "frequency,recency\n1,2\n")),
                      "pat2.csv: no column 'periods' (opportunities n); columns: frequency, "
                      "recency", ["pas de colonne «\u00a0periods\u00a0» (occasions d'achat n)"]),
        "weights": (lambda: read_patterns(table(tmp_path, "pat3.csv",
                                                "frequency,recency,periods,n,count\n1,2,3,1,1\n")),
                    "pat3.csv: several columns could be the customers per row: count, n; name "
                    "one with weight=...", ["plusieurs colonnes", "count, n"]),
        "customers": (lambda: join_customers(pl.DataFrame({"customer_id": ["a"]}),
                                             pl.DataFrame({"x": [1]}), ["channel"]),
                      "customers: no column(s) customer_id, channel in the customers table",
                      ["customer_id, channel", "absente(s) de la table des clients"]),
        "one customer": (lambda: NBD().fit(no_rate.head(0)),
                         "NBD needs at least one customer", ["NBD demande au moins un client"]),
        "few customers": (lambda: BGNBD().fit(no_rate.head(2)),
                          "BG/NBD needs more customers than parameters",
                          ["BG/NBD demande plus de clients que de paramètres"]),
        "no repeat": (lambda: BGNBD().fit(no_rate),
                      "BG/NBD: no customer made a repeat purchase, so the purchase rate cannot "
                      "be estimated", ["BG/NBD\u00a0: aucun client n'a racheté"]),
        "repeat buyers": (lambda: GammaGamma().fit(pl.DataFrame({"frequency": [1.0, 2.0],
                                                                 "monetary": [3.0, 4.0]})),
                          "Gamma-Gamma needs more repeat buyers than parameters: 2 customer(s) "
                          "made a repeat purchase", ["2 clients ont racheté"]),
        "columns": (lambda: BGNBD().fit(pl.DataFrame({"frequency": [1.0]})),
                    "BG/NBD needs column(s) recency, T", ["la ou les colonnes recency, T"]),
        "not fitted": (lambda: BGNBD().p_alive(1, 2, 3),
                       "This BG/NBD model is not fitted yet: call fit() on your data first, or "
                       "give it known parameters with BGNBD.from_params()",
                       ["Ce modèle BG/NBD n'est pas encore ajusté", "BGNBD.from_params()"]),
        "unit": (lambda: BGNBD.from_params([1, 2, 3, 4], unit="week").check_unit(
                     "day", "the summary"),
                 "BG/NBD was fitted in weeks and the summary is in days; summarise the data "
                 "with unit='week' or convert explicitly (clv.prep.convert)",
                 ["dans l'unité week et le résumé est dans l'unité day", "unit='week'"]),
        "survivors": (lambda: SBG().fit([10, 12]),
                      "survivor counts must not increase from one period to the next",
                      ["les effectifs restants ne doivent pas augmenter"]),
        "horizon": (lambda: check_horizon(0, "month"),
                    "horizon must be more than 0 and at most 600 months (50 years), not 0",
                    ["au plus 600 mois (50 ans), pas 0"]),
        "days": (lambda: check_horizon(-1, "day", "next_days"),
                 "next_days must be more than 0 and at most 18,262.5 days (50 years), not -1",
                 ["au plus 18\u202f262,5 jours (50 ans)"]),
        "date": (lambda: rfm_summary(tx, observation_end="30/09/1997"),
                 "observation_end must be a date such as 1997-09-30, not '30/09/1997'",
                 ["observation_end doit être une date comme 1997-09-30",
                  "«\u00a030/09/1997\u00a0»"]),
    }
    for name, (call, english, words) in cases.items():
        exc = failure(call)
        assert exc.key is not None, name
        where = str(tmp_path) + os.sep
        assert str(exc).replace(where, "") == english, name
        assert say(exc, "en") == str(exc), name
        french = say(exc, "fr").replace(where, "")
        assert french != str(exc).replace(where, ""), name
        assert_french(french)
        for word in words:
            assert word in french, (name, word, french)
        if isinstance(exc, DataError) and exc.row is not None:
            assert f"ligne {exc.row}" in french and f"row {exc.row}" not in french
        if isinstance(exc, DataError) and exc.column:
            assert f"colonne «\u00a0{exc.column}\u00a0»\u00a0:" in french, (name, french)
        back = pickle.loads(pickle.dumps(exc))  # as a dashboard job's process sends it
        assert say(back, "fr") == say(exc, "fr"), name
    assert isinstance(failure(cases["no field"][0]), MappingError)
    horizon = failure(cases["horizon"][0]).with_values(name="--horizon")
    assert say(horizon, "fr").startswith("--horizon doit être plus grand que 0")


def test_a_convergence_failure_in_both_languages():
    """The optimiser's failure, with its own message (scipy's, in English) and the
    gradient written the French way."""
    from clv.models import ConvergenceError

    exc = ConvergenceError(key="error_not_converged", values={
        "model": "Pareto/NBD", "detail": "ABNORMAL_TERMINATION_IN_LNSRCH", "gradient": 0.0123})
    assert str(exc) == ("Pareto/NBD did not converge (ABNORMAL_TERMINATION_IN_LNSRCH; "
                        "gradient 0.012). Check that the summary's unit suits the data (e.g. "
                        "weeks rather than days for rare purchases) and that there are enough "
                        "repeat buyers.")
    french = say(exc, "fr")
    assert french.startswith("Pareto/NBD n'a pas convergé (ABNORMAL_TERMINATION_IN_LNSRCH"
                             "\u00a0; gradient 0,012).")
    assert_french(french)
    bound = ConvergenceError(key="error_at_bound", values={"model": "BG/NBD",
                                                           "params": {"r": 0.2}})
    assert str(bound) == ("BG/NBD: a parameter went to its bound ({'r': 0.2}); the data do not "
                          "identify the model")
    assert say(bound, "fr") == ("BG/NBD\u00a0: un paramètre est allé à sa borne ({'r': 0.2})"
                                "\u00a0; les données ne déterminent pas le modèle")


def test_notes_made_from_an_error_are_said_in_french() -> None:
    """A model passed over or not fitted is said with the error's reason in the note's
    language: all one-time buyers leave no purchase model and no spend model to fit."""
    import datetime as dt

    import polars as pl

    from clv import read_transactions
    from clv.pipeline import Settings, analyze
    from clv.report.text import note

    frame = pl.DataFrame({
        "customer_id": [f"c{i}" for i in range(30)],
        "timestamp": [dt.datetime(2025, 1, 1) + dt.timedelta(days=i) for i in range(30)],
        "amount": [10.0 + i for i in range(30)]})
    notes = {n.key: n for n in analyze(read_transactions(frame), settings=Settings()).notes
             if getattr(n, "key", "") in ("no_model", "no_spend_model")}
    assert set(notes) == {"no_model", "no_spend_model"}
    assert "no customer made a repeat purchase" in notes["no_model"]
    assert notes["no_model"].count("repeat purchase") == 1  # said once, without model names
    for n in notes.values():
        french = note(n, "fr")
        assert "aucun client n'a racheté" in french, french
        assert "repeat purchase" not in french and "no customer" not in french, french
    assert "BG/NBD" not in note(notes["no_model"], "fr")


def test_model_errors_a_user_meets_are_said_in_french(tmp_path: Path) -> None:
    """The errors of BG/BB's patterns, of the sBG's subscriptions and of a model file of
    another model (``clv fit --model bgbb``, ``--model sbg``, a saved model loaded) come from
    the catalogue: French with --lang fr, the English sentence as before."""
    import datetime as dt

    import polars as pl

    from clv.models import BGBB, BGNBD, GammaGamma
    from clv.models.sbg import fit_sbg

    patterns = pl.DataFrame({"frequency": [1, 2], "recency": [3, 1], "periods": [6, 6],
                             "weight": [10, 5]})
    saved = tmp_path / "gg.json"
    GammaGamma.from_params({"p": 6.0, "q": 4.0, "gamma": 15.0}).save(saved)
    cases: list[tuple[Callable[[], object], str, str]] = [
        (lambda: BGBB().fit(patterns), "recency <= periods and recency >= 1 when",
         "1 ligne(s) où frequency <= recency <= periods"),
        (lambda: BGBB().fit(patterns.with_columns(segment=pl.lit("a"))),
         "unknown column(s) segment", "colonne(s) inconnue(s) segment"),
        (lambda: BGBB().fit(patterns.with_columns(count=pl.col("weight"))),
         "several columns could be the weight: weight, count",
         "plusieurs colonnes pourraient être le poids"),
        (lambda: fit_sbg(pl.DataFrame({"start": [dt.date(2024, 1, 1), None],
                                       "end": [None, None]}), "month"),
         "subscriptions row 2: no start date", "ligne 2\u00a0: pas de date de début"),
        (lambda: BGNBD.load(saved), "holds a Gamma-Gamma model, not BG/NBD",
         "contient un modèle Gamma-Gamma, pas BG/NBD"),
    ]
    for call, english, french in cases:
        with pytest.raises(ClvError) as caught:
            call()
        assert english in str(caught.value)
        said = say(caught.value, "fr")
        assert french in said and english not in said
