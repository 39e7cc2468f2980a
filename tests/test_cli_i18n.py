"""The command line in French and English, run as a user runs it (the installed ``clv`` script
in a subprocess) on the sample shop: with ``--lang fr`` or ``CLV_LANG=fr`` every command's
words are French (no phrase of the English catalogue, nor of the figures' English labels or
the notes' English sentences, in its output) and its numbers, shares, dates and amounts are
written the French way; in English, no French phrase; ``--json`` is the same in both; the
errors said by the command line in French; ``clv --help`` and ``clv calc`` read neither the
catalogue nor the report (the cold start of issue 15)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CLV = Path(sys.executable).parent / "clv"
NB = "[\u00a0\u202f ]"
"""A space between thousands or before '%' (Babel writes narrow and plain no-break ones)."""
FR_NUMBER = re.compile(rf"\b\d{{1,3}}(?:{NB}\d{{3}})+,\d{{2}}\b")  # 1 234,50
FR_SHARE = re.compile(rf"\b\d+,\d{NB}%")  # 12,5 %
EN_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\.\d{2}\b")  # 1,234.50
EN_SHARE = re.compile(r"\b\d+\.\d%")  # 12.5%
FR_DECIMAL = re.compile(r"\b\d+,\d\d(?!\d)")  # 12,50
EN_DECIMAL = re.compile(r"\b\d+\.\d\d(?!\d)")  # 12.50
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def clv(*args: object, lang: str | None = None, env_lang: str | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    """The installed script with ``args`` (``--lang lang`` when given), in an environment
    whose language is ``CLV_LANG=env_lang`` or none (no locale variable either)."""
    if not CLV.exists():
        pytest.skip(f"the clv console script is not installed next to {sys.executable}")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLV_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    if env_lang is not None:
        env["CLV_LANG"] = env_lang
    argv = [str(CLV), *map(str, args), *(["--lang", lang] if lang else [])]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    if check:
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    return proc


def flat(text: str) -> str:
    """Output as read: no-break spaces as spaces, lines joined (Rich wraps long ones)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def phrases(lang: str) -> list[tuple[str, str]]:
    """The words of the other language the command line could print: each message of the
    catalogue (the command line's part and every other), each figure's label (clv.measures)
    and, for a French output, each note's English sentence, cut at their fields; longer than
    3 characters and written alike in no text of ``lang``."""
    from clv.i18n import catalogue
    from clv.measures import MEASURES
    from clv.notes import TEMPLATES
    from clv.report.text import NOTES

    other = "en" if lang == "fr" else "fr"
    texts: list[dict[str, str]] = list(catalogue().values())
    texts += [m.label for m in MEASURES.values()]
    texts += [{"en": TEMPLATES[k], "fr": NOTES[k]} for k in TEMPLATES]
    ours = " | ".join(flat(re.sub(r"\{[^}]*\}", " ", t[lang])) for t in texts)
    found = []
    for t in texts:
        if t[other] == t[lang]:
            continue
        for part in re.split(r"\{[^}]*\}", t[other]):
            part = flat(part).strip(" .:;,()'\"«»“”-")
            if len(part) > 3 and not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", ours):
                found.append((t[other], part))
    return found


def foreign(text: str, lang: str) -> list[str]:
    """The phrases of the other language in an output of ``lang``, the data's own words left
    out (its columns, channels and products, the canonical fields: ``channel <- 'channel'``)."""
    said = re.sub(rf"(?<!\w){DATA}(?!\w)", " ", flat(text))
    return sorted({p for _, p in PHRASES[lang]
                   if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", said)})


PHRASES: dict[str, list[tuple[str, str]]] = {}
DATA = "(?:" + "|".join(
    ("customer_id", "timestamp", "amount", "order_id", "product", "channel", "quantity",
     "price", "plan", "mrr", "start", "end")) + ")"
"""The sample's columns and the canonical fields, which the outputs name as they are."""


@pytest.fixture(scope="module", autouse=True)
def catalogue_phrases() -> None:
    for lang in ("fr", "en"):
        PHRASES[lang] = phrases(lang)
    assert len(PHRASES["fr"]) > 500 and len(PHRASES["en"]) > 500  # the catalogue is read


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample shop (1,500 customers, with returns, channels and products), its spend,
    its customers' channels and a subscriptions table, as CSV files."""
    from clv import sample_saas, sample_shop

    root = tmp_path_factory.mktemp("cli_i18n")
    sample = sample_shop(1_500, seed=4)
    sample.transactions.write_csv(root / "shop.csv")
    sample.spend.write_csv(root / "spend.csv")
    sample.customers.select("customer_id", "channel").write_csv(root / "customers.csv")
    sample_saas(800, seed=2).subscriptions.write_csv(root / "subs.csv")
    return root


def commands(f: Path) -> dict[str, list[object]]:
    """Each command that prints human output, with its arguments on the sample."""
    fast = ("--draws", 20)
    return {
        "check": ["check", f / "shop.csv"],
        "summary": ["summary", f / "shop.csv", "--calibration-end", "2025-06-30"],
        "fit": ["fit", f / "shop.csv"],
        "predict": ["predict", f / "shop.csv", "--currency", "EUR", *fast],
        "segments": ["segments", f / "shop.csv", "--customers", f / "customers.csv", "--by",
                     "channel", *fast],
        "channels": ["channels", f / "shop.csv", "--spend", f / "spend.csv", "--currency",
                     "EUR", *fast],
        "cohorts": ["cohorts", f / "shop.csv", *fast],
        "analyze": ["analyze", f / "shop.csv", "--spend", f / "spend.csv", "--subscriptions",
                    f / "subs.csv", *fast],
        "calc": ["calc", "ratio", "--ltv", 12_000, "--cac", 300],
    }


FRENCH = {  # words each command must say in French (beyond the absence of English)
    "check": ["lignes lues", "Montants", "remarque"],
    "summary": ["Résumé", "fin de l'observation", "Clients réguliers", "fusionnées"],
    "fit": ["Paramètre", "Écart-type", "log-vraisemblance", "clients, unité semaine"],
    "predict": ["Meilleurs clients par valeur future", "Valeur future de la base",
                "intervalle à 90", "Modèle d'achat"],
    "segments": ["Segments (chiffre d'affaires", "Niveaux de valeur", "Champions", "En sommeil",
                 "meilleurs 1", "Profil par channel"],
    "channels": ["Canaux d'acquisition", "CAC (global)", "sous-inves"],
    "cohorts": ["Rétention en mois depuis l'acquisition", "Réachat", "Cohorte"],
    "analyze": ["Chiffres clés", "Valeur future par client (12 prochains mois)", "remarques",
                "base de calcul"],
    "calc": ["LTV:CAC = 40,00x", "sous-investissement possible"],
}
ENGLISH = {  # and in English
    "check": ["rows read", "Amounts: read", "note:"],
    "summary": ["Summary (weeks; observation end", "Repeat buyers", "merged into another"],
    "fit": ["Parameter", "Standard error", "log-likelihood", "customers, unit week"],
    "predict": ["Top customers by future value", "Future value of the base (next 12 months)",
                "90% interval", "Purchase model"],
    "segments": ["Segments (revenue to date", "Value tiers", "champions", "Profile by channel"],
    "channels": ["Acquisition channels", "CAC (blended)", "under-inves"],
    "cohorts": ["Retention by months since acquisition", "Repeat purchase", "Cohort"],
    "analyze": ["Headline figures", "Future value per customer (next 12 months)", "notes:",
                "basis:"],
    "calc": ["LTV:CAC = 40.00x", "under-investing in growth"],
}
ANY_DATE_FR = re.compile(rf"\b\d{{1,2}} ({'|'.join(FR_MONTHS)}) \d{{4}}\b|\b\d\d/\d\d/\d{{4}}\b")


@pytest.mark.parametrize("name", list(FRENCH))
def test_each_command_speaks_french_and_english(shop: Path, name: str) -> None:
    args = commands(shop)[name]
    # French by --lang for most, by CLV_LANG for the others
    by_env = name in ("summary", "cohorts", "calc")
    fr = clv(*args, lang=None if by_env else "fr", env_lang="fr" if by_env else None)
    en = clv(*args)
    french, english = fr.stdout + fr.stderr, en.stdout + en.stderr
    assert foreign(french, "fr") == [], name
    assert foreign(english, "en") == [], name
    for words in FRENCH[name]:
        assert words in flat(french), (name, words)
    for words in ENGLISH[name]:
        assert words in flat(english), (name, words)
    # numbers: French decimal commas and spaces between thousands, English points and commas
    assert FR_DECIMAL.search(french) and not EN_DECIMAL.search(french), name
    assert EN_DECIMAL.search(english) and not FR_DECIMAL.search(english), name
    if name not in ("calc", "fit", "cohorts"):
        assert FR_NUMBER.search(french) and not EN_NUMBER.search(french), name
        assert EN_NUMBER.search(english) and not FR_NUMBER.search(english), name
    if name in ("predict", "segments", "cohorts", "analyze"):
        assert FR_SHARE.search(french) or re.search(rf"\b\d+{NB}%", french), name
        assert not EN_SHARE.search(french) and not re.search(r"\b\d+%", french), name
        if name != "cohorts":  # its retention table is written to the unit: 31%
            assert EN_SHARE.search(english), name
    if name in ("summary", "cohorts", "analyze"):
        assert ANY_DATE_FR.search(french), name


def test_the_check_finds_english_in_a_french_output() -> None:
    # the test above would see an output left in English: the same check on known words
    assert "rows read" in foreign("shop.csv : 1 500 rows read, 1 500 conservées", "fr")
    assert "Top customers by future value" in foreign(
        "Top customers by future value (12 prochains mois)", "fr")
    assert "Lifetime value" in foreign("Lifetime value : 12,50", "fr")
    assert foreign("3 000 clients, 0 exclue ; channel <- 'channel'", "fr") == []
    assert "Valeur vie client" in foreign("Valeur vie client", "en")


def test_amounts_in_their_currency_per_locale(shop: Path) -> None:
    """An amount whose currency is known carries its symbol where the locale puts it."""
    args = commands(shop)["channels"]
    french, english = clv(*args, lang="fr").stdout, clv(*args).stdout
    assert re.search(rf"\d,\d\d{NB}€", french) and "€" not in french.split("€")[0][-1:]
    assert re.search(r"€\d[\d,]*\.\d\d", english)


def test_json_is_the_same_in_every_language(shop: Path) -> None:
    check = ["check", shop / "shop.csv", "--json"]
    assert json.loads(clv(*check, lang="fr").stdout) == json.loads(clv(*check).stdout)
    ratio = ["calc", "ratio", "--ltv", 1200, "--cac", 300, "--json"]
    assert clv(*ratio, env_lang="fr").stdout == clv(*ratio).stdout
    assert json.loads(clv(*ratio, lang="fr").stdout)["advice"] == "healthy (3x or more)"


def test_lang_and_clv_lang_agree(shop: Path) -> None:
    """--lang fr and CLV_LANG=fr give the same output; --lang wins over CLV_LANG; fr_FR and
    FR read as fr."""
    args = ["check", shop / "shop.csv"]
    assert clv(*args, lang="fr").stdout == clv(*args, env_lang="fr").stdout \
        == clv(*args, env_lang="fr_FR.UTF-8").stdout
    assert clv(*args, lang="en", env_lang="fr").stdout == clv(*args).stdout
    assert "lignes lues" in clv(*args, lang="FR").stdout


def test_errors_of_the_command_line_in_french(shop: Path) -> None:
    """The sentences the command line makes (its checks of the options, clv's usage hints, a
    file it cannot write) in French, on one line of stderr with status 2."""
    cases = [
        (["cohorts", shop / "shop.csv", "--period", "day"],
         "erreur : Valeur invalide pour « --period » : « day » n'est pas l'une des valeurs"),
        (["check", shop / "shop.csv", "--bogus"],
         "erreur : Option inconnue : --bogus (voir « clv check --help »)."),
        (["calc", "ratio", "--ltv", 100], "erreur : Option manquante « --cac »"),
        (["segments", shop / "shop.csv", "--customers", shop / "none.csv"],
         "erreur : --customers " + str(shop / "none.csv") + " : fichier introuvable"),
        (["whatif", shop / "shop.csv", "--retention", "beaucoup"],
         "erreur : --retention doit être une variation comme +5% ou -0.1, et non « beaucoup »"),
        (["check", shop / "shop.csv", "--refunds", "maybe"],
         "erreur : --refunds doit valoir net, drop ou error, et non « maybe »"),
        (["predict", shop / "shop.csv", "--horizon", "soon"],
         "erreur : Valeur invalide pour « --horizon » : un nombre est attendu"),
        (["nope"], "erreur : Commande inconnue « nope »"),
    ]
    for args, said in cases:
        for proc in (clv(*args, lang="fr", check=False),
                     clv(*args, env_lang="fr", check=False)):
            lines = proc.stderr.strip().splitlines()
            assert proc.returncode == 2 and len(lines) == 1, (args, proc.stderr)
            assert flat(lines[0]).startswith(flat(said)), (args, lines[0])


def test_a_language_that_is_not_offered_is_refused() -> None:
    bad = clv("calc", "ratio", "--ltv", 1, "--cac", 1, lang="de", check=False)
    assert bad.returncode == 2 and "--lang must be one of en, fr, not 'de'" in bad.stderr
    bad = clv("calc", "ratio", "--ltv", 1, "--cac", 1, env_lang="klingon", check=False)
    assert bad.returncode == 2 and "CLV_LANG must be one of en, fr" in bad.stderr


def test_the_language_of_the_environment() -> None:
    """CLV_LANG, else the locale's as gettext reads it (LC_ALL, then LC_MESSAGES, then LANG),
    else English."""
    from clv.i18n import from_environment

    assert from_environment({}) == "en"
    assert from_environment({"CLV_LANG": "fr"}) == "fr"
    assert from_environment({"CLV_LANG": "en", "LANG": "fr_FR.UTF-8"}) == "en"
    assert from_environment({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert from_environment({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}) == "en"
    assert from_environment({"LC_MESSAGES": "fr_CA", "LANG": "en_US"}) == "fr"
    assert from_environment({"LANG": "de_DE.UTF-8"}) == "en"


def test_the_report_and_the_demo_take_the_same_language(shop: Path, tmp_path: Path) -> None:
    """clv report's --lang (and CLV_LANG) is the report's language and the command's."""
    target = tmp_path / "r.html"
    text = clv("report", shop / "shop.csv", "-o", target, "--draws", 20, env_lang="fr").stdout
    assert "Rapport écrit dans" in text and 'lang="fr"' in target.read_text(encoding="utf-8")
    text = clv("report", shop / "shop.csv", "-o", target, "--draws", 20).stdout
    assert "Report written to" in text and 'lang="en"' in target.read_text(encoding="utf-8")


def test_help_and_calc_read_neither_the_catalogue_nor_the_report() -> None:
    """clv --help imports no message at all; clv calc, in English or French, its own part
    of the catalogue alone (the whole catalogue imports the report: over a second)."""
    code = ("import sys\n"
            "sys.argv = ['clv', *sys.argv[1:]]\n"
            "import clv.cli\n"
            "try:\n    clv.cli.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('clv.messages', 'clv.report',"
            " 'clv.i18n', 'clv.web', 'babel'))), file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items() if k != "CLV_LANG"}

    def loaded(*args: str) -> list[str]:
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, timeout=60, env=env)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stderr.strip().splitlines()[-1].replace("'", '"'))

    assert loaded("--help") == []
    part = ["clv.i18n", "clv.messages", "clv.messages.cli"]
    assert loaded("calc", "ratio", "--ltv", "100", "--cac", "20") == part
    assert loaded("calc", "ratio", "--ltv", "100", "--cac", "20", "--lang", "fr") == part


def test_the_command_line_part_of_the_catalogue() -> None:
    """Every message of clv.messages.cli in both languages, in the whole catalogue once; the
    part read alone gives what the catalogue gives."""
    from clv.i18n import catalogue, part, t, t_from

    cli = part("cli")
    assert len(cli) > 200 and all(key in catalogue() for key in cli)
    for key in ("cli_customers", "col_customer_id", "cli_rows_read"):
        for lang in ("en", "fr"):
            assert t_from(("cli", "exports"), key, lang, n=1, count="1") == \
                t(key, lang, n=1, count="1")
    assert t_from(("cli",), "cli_customers", "fr", n=1, count="1") == "1 client"
    assert t_from(("cli",), "cli_customers", "fr", n=0, count="0") == "0 client"
    assert t_from(("cli",), "cli_customers", "en", n=0, count="0") == "0 customers"
