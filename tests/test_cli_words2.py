"""What the installed ``clv`` script says on small, degenerate files, as a new user saw it: the
NBD fallback said as a fallback (not "as asked"), a file with nothing to model named with the
reason in the user's words and the counts, singular notes for one row, money written as money,
an empty value said as empty, and options named as the user types them; in English and
French."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLV = Path(sys.executable).parent / "clv"


def run(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    if not CLV.exists():
        pytest.skip(f"the clv console script is not installed next to {sys.executable}")
    return subprocess.run([str(CLV), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CLV_LANG": lang, "COLUMNS": "200"})


def one_line(text: str) -> str:
    """The output with its line breaks (Rich wraps at the terminal's width) as spaces."""
    return " ".join(text.split())


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def two_rows(tmp_path: Path) -> Path:
    return write(tmp_path / "two_rows.csv", ["a,2024-01-01,10.00", "b,2024-02-01,20.00"])


@pytest.fixture
def one_day(tmp_path: Path) -> Path:
    return write(tmp_path / "one_day.csv",
                 [f"c{i},2024-03-15,{10 + i}.50" for i in range(40)])


@pytest.fixture
def only_refunds(tmp_path: Path) -> Path:
    return write(tmp_path / "only_refunds.csv",
                 [f"c{i % 5},2024-01-{1 + i:02d},-{5 + i}.25" for i in range(12)])


# --- 1. the NBD fallback is said as a fallback ---------------------------------------------

@pytest.mark.parametrize("lang,fallback,asked", [("en", "chosen as the fallback", "as asked"),
                                                 ("fr", "choisi en repli", "tel que demandé")])
@pytest.mark.parametrize("data", ["two_rows", "one_day"])
def test_predict_says_the_nbd_is_the_fallback(request: pytest.FixtureRequest, data: str,
                                              lang: str, fallback: str, asked: str) -> None:
    proc = run("predict", str(request.getfixturevalue(data)), lang=lang)
    assert proc.returncode == 0, proc.stderr
    text = one_line(proc.stdout)
    line = next(x for x in proc.stdout.splitlines() if "NBD" in x and (
        x.startswith("Purchase model") or x.startswith("Modèle d'achat")))
    assert asked not in line
    assert fallback in text
    reason = "no other model could be fitted" if lang == "en" else \
        "aucun autre modèle n'a pu être ajusté"
    assert reason in text


# --- 2. nothing to model: the file, the reason, the counts --------------------------------

@pytest.mark.parametrize("command", ["predict", "analyze", "report"])
def test_only_refunds_names_the_file_and_the_reason(only_refunds: Path, tmp_path: Path,
                                                    command: str) -> None:
    extra = ["-o", str(tmp_path / "r.html")] if command == "report" else []
    proc = run(command, str(only_refunds), *extra)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    err = one_line(proc.stderr)
    assert "only_refunds.csv: all 12 rows kept are refunds (negative amounts)" in err, err
    assert "no purchase to model" in err
    assert "needs at least one customer" not in err


def test_only_refunds_in_french(only_refunds: Path) -> None:
    proc = run("predict", str(only_refunds), lang="fr")
    assert proc.returncode == 2
    err = one_line(proc.stderr)
    assert "les 12 lignes conservées sont toutes des remboursements" in err, err
    assert "only_refunds.csv" in err
    assert "demande au moins un client" not in err


@pytest.mark.parametrize("lang,words", [
    ("en", ["two_rows.csv", "BG/NBD has 4 parameters", "at least 5 customers",
            "the data have 2"]),
    ("fr", ["two_rows.csv", "BG/NBD a 4 paramètres", "au moins 5 clients",
            "les données en ont 2"])])
def test_fit_on_too_few_customers_gives_the_counts(two_rows: Path, lang: str,
                                                   words: list[str]) -> None:
    proc = run("fit", str(two_rows), lang=lang)
    assert proc.returncode == 2
    err = one_line(proc.stderr)
    for word in words:
        assert word in err, err


# --- 3. one refund is singular -------------------------------------------------------------

def test_a_single_refund_is_singular_in_english(tmp_path: Path) -> None:
    data = write(tmp_path / "one_refund.csv",
                 ["a,2024-01-01,10.00", "a,2024-01-20,-4.00", "b,2024-01-05,12.00"])
    proc = run("check", str(data))
    assert proc.returncode == 0, proc.stderr
    text = one_line(proc.stdout)
    assert "1 refund (a negative amount, total -4.00) kept" in text, text
    assert "1 refunds" not in text
    fr = one_line(run("check", str(data), lang="fr").stdout)
    assert "1 remboursement (montant négatif" in fr, fr


def test_the_singular_note_keeps_its_kind_and_values() -> None:
    from clv.notes import Note

    one, two = Note("refunds", n=1, total=-4.0), Note("refunds", n=2, total=-9.0)
    assert str(one).startswith("1 refund (a negative amount")
    assert str(two).startswith("2 refunds (negative amounts")
    assert one.key == "refunds" and one.values == {"n": 1, "total": -4.0}


def test_fit_on_only_refunds_says_no_customer_bought(only_refunds: Path) -> None:
    proc = run("fit", str(only_refunds))
    assert proc.returncode == 2
    err = one_line(proc.stderr)
    assert "only_refunds.csv: no customer made a purchase (a positive amount)" in err, err
    assert "more customers than parameters" not in err


# --- 4. the summary writes money as money --------------------------------------------------

@pytest.mark.parametrize("lang,extra,total,mean", [
    ("en", [], "Total amount 94.00", "Mean repeat purchase of repeat buyers 15.25"),
    ("en", ["--currency", "EUR"], "Total amount €94.00", "buyers €15.25"),
    ("fr", ["--currency", "EUR"], "Montant total 94,00 €", "réguliers 15,25 €")])
def test_summary_writes_money_to_the_cent(tmp_path: Path, lang: str,
                                                            extra: list[str], total: str,
                                                            mean: str) -> None:
    data = write(tmp_path / "shop.csv", ["a,2024-01-01,10.00", "a,2024-02-01,20.50",
                                         "b,2024-01-05,12.00", "b,2024-03-05,10.00",
                                         "c,2024-02-01,41.50"])
    proc = run("summary", str(data), *extra, lang=lang)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(one_line(proc.stdout).replace("│", " ").replace("\u202f", " ").split())
    assert total in text, text
    assert mean in text, text
    assert ".000" not in text and ",000" not in text


# --- 5. --strict says an empty value as empty in both languages --------------------------

@pytest.mark.parametrize("lang,said,wrong", [
    ("en", "missing customer id (value empty); 1 row would be excluded in all",
     "(value None)"),
    ("fr", "identifiant client manquant (valeur vide)", "None")])
def test_strict_says_an_empty_value_as_empty(tmp_path: Path, lang: str, said: str,
                                             wrong: str) -> None:
    data = write(tmp_path / "s.csv", ["a,2024-01-01,10", ",2024-01-02,5", "b,2024-01-03,7"])
    proc = run("check", str(data), "--strict", lang=lang)
    assert proc.returncode == 2
    err = one_line(proc.stderr)
    assert said in err, err
    assert wrong not in err


# --- 6. options named as the user types them, in --json too -------------------------------

@pytest.mark.parametrize("command", ["check", "summary"])
def test_json_notes_name_the_options_as_typed(tmp_path: Path, command: str) -> None:
    import json

    data = tmp_path / "two_currencies.csv"
    data.write_text("customer_id,date,amount,currency\na,2024-01-01,10,USD\n"
                    "a,2024-02-01,12,USD\nb,2024-01-03,7,USD\nc,2024-01-04,9,EUR\n",
                    encoding="utf-8")
    proc = run(command, str(data), "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    notes = (payload["data"] if command == "summary" else payload)["notes"]
    said = " ".join(notes)
    assert "choose with --currency" in said, said
    assert "currency=" not in said
