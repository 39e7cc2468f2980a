"""Readers on real exports, sixth round (a new user's trial): the rows in other currencies,
whose amounts were summed across currencies and shown in the kept one; a CSV's totals row
above its trailing empty lines; spreadsheet errors ('#REF!', '#N/A') in a currency column;
empty lines, which were missing ids or repeated rows; the summary's total to the cent and the
note of one line item. Each through the installed ``clv`` script."""

from __future__ import annotations

import html
from pathlib import Path

import polars as pl

from exporttools import check as _check
from exporttools import cli as _cli
from exporttools import write as _write

# --- 11. rows in other currencies: their amounts per currency, never one sum ---------------

CURRENCIES = (
    "order_id,customer_id,date,amount,currency\n"
    "1,a,2024-01-05,100.00,USD\n"
    "2,b,2024-01-10,20.00,USD\n"
    "3,a,2024-02-05,30.00,USD\n"
    "4,c,2024-02-07,50.00,EUR\n"
    "5,c,2024-02-09,33.50,GBP\n"
    "6,b,2024-03-01,12.00,USD\n"
)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_other_currencies_said_per_currency_not_summed(tmp_path: Path) -> None:
    path = _write(tmp_path, "orders.csv", CURRENCIES)
    done = _cli("check", path)
    assert done.returncode == 0, done.stderr
    said = _flat(done.stdout)
    assert "50.00 EUR, 33.50 GBP" in said
    assert "83.50" not in said and "245.50" not in said  # no sum of euros and pounds
    assert "Amounts in USD: read $162.00 = kept $162.00 + excluded $0.00" in said
    fr = _flat(_cli("check", path, lang="fr").stdout)
    assert "50,00 EUR, 33,50 GBP" in fr and "83,50" not in fr
    assert "Montants en USD : lus 162,00 $US" in fr
    out = _check(path)
    other = next(e for e in out["exclusions"] if e["reason"] == "other currency")
    assert other["count"] == 2 and other["amounts"] == {"EUR": 50.0, "GBP": 33.5}
    assert out["amount_read"] - out["amount_other_currencies"] == 162.0
    assert out["amount_kept"] == 162.0


def test_the_report_says_other_currencies_per_currency(tmp_path: Path) -> None:
    lines = ["order_id,customer_id,date,amount,currency"]
    for i in range(60):  # enough customers and repeat purchases for a model
        lines += [f"{3 * i},c{i},2024-01-{1 + i % 28:02d},{20 + i}.00,USD",
                  f"{3 * i + 1},c{i},2024-04-{1 + i % 28:02d},{10 + i}.50,USD"]
    lines += ["900,c1,2024-05-02,50.07,EUR", "901,c2,2024-05-03,33.41,GBP"]
    path = _write(tmp_path, "orders.csv", "\n".join(lines) + "\n")
    page = tmp_path / "report.html"
    done = _cli("report", path, "-o", page)
    assert done.returncode == 0, done.stderr + done.stdout
    text = _flat(html.unescape(page.read_text(encoding="utf-8")))
    assert "other currency (50.07 EUR, 33.41 GBP)" in text
    assert "83.48" not in text  # the kept amounts end in .00 and .50


# --- 12a. a CSV's totals row above its trailing empty lines, as in the workbook -----------

TOTALS = (
    "order_id,customer_id,date,amount\n"
    "1,a,2024-01-05,100.00\n"
    "2,b,2024-01-10,20.00\n"
    "3,a,2024-02-05,30.00\n"
    ",,,150.00\n"
    ",,,\n"
    ",,,\n"
)


def _reasons(out: dict[str, object]) -> dict[str, int]:
    exclusions = out["exclusions"]
    assert isinstance(exclusions, list)
    return {e["reason"]: e["count"] for e in exclusions}


def test_totals_row_of_a_csv_as_of_its_workbook(tmp_path: Path) -> None:
    csv = _check(_write(tmp_path, "sales.csv", TOTALS))
    assert _reasons(csv) == {"empty row (no value in any column)": 2, "totals row": 1}
    assert csv["rows_kept"] == 3 and csv["amount_kept"] == 150.0
    book = tmp_path / "sales.xlsx"
    pl.DataFrame({"order_id": ["1", "2", "3", None], "customer_id": ["a", "b", "a", None],
                  "date": ["2024-01-05", "2024-01-10", "2024-02-05", None],
                  "amount": [100.0, 20.0, 30.0, 150.0]}).write_excel(book)
    assert _reasons(_check(book)) == {"totals row": 1}
    # a blank line (no delimiters) after the totals row too
    blank = _check(_write(tmp_path, "blank.csv", TOTALS.replace(",,,\n", "\n")))
    assert _reasons(blank) == {"empty row (no value in any column)": 2, "totals row": 1}


# --- 12b. spreadsheet errors in a currency column: unreadable cells, not currencies --------

def test_excel_errors_in_currency_column_are_no_currencies(tmp_path: Path) -> None:
    path = _write(tmp_path, "errors.csv",
                  "order_id,customer_id,date,amount,currency\n"
                  "1,a,2024-01-05,100.00,USD\n"
                  "2,b,2024-01-10,20.00,USD\n"
                  "3,a,2024-02-05,30.00,#REF!\n"
                  "4,c,2024-02-07,50.00,#N/A\n"
                  "5,c,2024-02-09,33.50,#VALUE!\n"
                  "6,c,2024-02-10,3.50,USD\n")
    out = _check(path)
    assert out["rows_kept"] == 6 and not out["exclusions"]
    notes = "\n".join(out["notes"])
    assert "several currencies" not in notes
    assert "3 cells of 'currency' hold a spreadsheet error (such as '#REF!')" in notes
    fr = _cli("check", path, lang="fr")
    assert fr.returncode == 0 and "erreur de tableur" in fr.stdout
    assert "plusieurs devises" not in fr.stdout


# --- 12c. empty lines: empty rows, not missing ids nor repeated rows -----------------------

BLANKS = ("customer_id,date,amount\n"
          "a,2024-01-05,100.00\n,,\n"
          "b,2024-01-10,20.00\n\n"
          "a,2024-02-05,30.00\n,,\n")


def test_empty_lines_are_empty_rows_not_duplicates(tmp_path: Path) -> None:
    path = _write(tmp_path, "blanks.csv", BLANKS)
    for args in ((), ("--duplicates", "drop")):
        out = _check(path, *args)
        assert _reasons(out) == {"empty row (no value in any column)": 3}
        assert out["rows_kept"] == 3
        assert "repeat another row" not in "\n".join(out["notes"])
    with_orders = _check(_write(tmp_path, "orders.csv", "order_id," + BLANKS.replace(
        "\na", "\n1,a", 1).replace("\nb", "\n2,b").replace("\na", "\n3,a").replace(
        "\n,,", "\n,,,")))
    assert _reasons(with_orders) == {"empty row (no value in any column)": 3}
    fr = _cli("check", path, lang="fr")
    assert "ligne vide (aucune valeur dans aucune colonne)" in fr.stdout


# --- 13a. the summary's total to the cent; 13b. one line item in the singular --------------

def test_summary_total_to_the_cent(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", "order_id,customer_id,date,amount\n"
                  "1,a,2024-01-05,702014000.00\n2,b,2024-01-10,400.38\n"
                  "3,a,2024-02-05,23.00\n")
    en = _flat(_cli("summary", path).stdout.replace("│", " "))
    assert "Total amount 702,014,423.38" in en
    fr = _flat(_cli("summary", path, "--currency", "EUR", lang="fr").stdout.replace("│", " "))
    assert "Montant total 702 014 423,38 €" in fr


def test_one_line_item_said_in_the_singular(tmp_path: Path) -> None:
    path = _write(tmp_path, "shopify.csv",
                  "Name,Email,Created at,Total,Lineitem name\n"
                  "#1,a@x.com,2024-01-05 10:00:00 +0000,100.00,Mug\n"
                  "#1,a@x.com,2024-01-05 10:00:00 +0000,,Cup\n"
                  "#2,b@x.com,2024-01-10 10:00:00 +0000,20.00,Mug\n"
                  "#3,a@x.com,2024-02-05 10:00:00 +0000,30.00,Pen\n")
    en = _flat(_cli("check", path).stdout)
    assert "1 line item without its own amount belongs to an order whose amount" in en
    assert "1 line items" not in en
    fr = _flat(_cli("check", path, lang="fr").stdout)
    assert "1 ligne d'article sans montant propre appartient à une commande" in fr
