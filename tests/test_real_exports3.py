"""Readers on real platform exports, third round (a new user's trial): Stripe API charges
(amounts in minor units, a boolean 'refunded' beside 'amount_refunded'), Shopify refunds on
the subtotal's basis, workbooks (a first sheet that is not the data, a totals row, a title
and blank rows above the header) and French files whose dates read both ways. Each through
:func:`clv.read_transactions` and through the installed ``clv`` script."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import clv
from clv.data import issues as why
from clv.errors import AmbiguousDateError, MappingError
from clv.report.text import REASONS

CLV = Path(sys.executable).parent / "clv"
AS_OF = dt.datetime(2026, 1, 1)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _keys(tx: Any) -> list[str]:
    return [getattr(n, "key", "") for n in tx.issues.notes]


def _note(tx: Any, key: str) -> Any:
    return next(n for n in tx.issues.notes if getattr(n, "key", "") == key)


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CLV_LANG": "en",
                                            "COLUMNS": "200"})


# --- Stripe API charges ----------------------------------------------------------------------

STRIPE_API = (
    "id,object,amount,amount_captured,amount_refunded,created,currency,customer,paid,refunded,"
    "status,description,receipt_email\n"
    # 2023-01-01 15:37:18 UTC: 149.50 USD
    "ch_1,charge,14950,14950,0,1672587438,usd,cus_A,True,False,succeeded,,a@x.io\n"
    # half refunded: 'refunded' stays False, amount_refunded says 49.50
    "ch_2,charge,9900,9900,4950,1674183316,usd,cus_B,True,False,succeeded,,b@x.io\n"
    # wholly refunded: 'refunded' True, nets to 0
    "ch_3,charge,1900,1900,1900,1674856468,usd,cus_A,True,True,succeeded,,a@x.io\n"
    # a failed charge: not revenue
    "ch_4,charge,4900,0,0,1678315628,usd,cus_C,False,False,failed,,c@x.io\n"
    "ch_5,charge,900,900,0,1680837720,usd,cus_C,True,False,succeeded,,c@x.io\n"
)


def test_stripe_api_charges_are_read_in_cents_with_their_refunded_amount(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "charges.csv", STRIPE_API), as_of=AS_OF)
    assert tx.mapping.preset == "stripe_api"
    assert tx.mapping["refunded"] == "amount_refunded"  # never the boolean 'refunded'
    assert "minor_units" in _keys(tx)
    by_order = dict(zip(tx.frame["order_id"], tx.frame["amount"], strict=True))
    assert by_order == pytest.approx({"ch_1": 149.50, "ch_2": 99.00 - 49.50, "ch_3": 0.0,
                                      "ch_5": 9.00})
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 1  # the failed charge
    failed = next(e for e in tx.issues.exclusions if e.reason == why.STATUS_NOT_PAID)
    assert failed.amount == pytest.approx(49.00)
    assert tx.frame.sort("order_id")["timestamp"][0] == dt.datetime(2023, 1, 1, 15, 37, 18)
    netted = _note(tx, "refunded_netted")
    assert (netted.values["n"], netted.values["total"]) == (2, pytest.approx(49.50 + 19.00))
    assert tx.issues.balanced
    # the customer column holds ids (cus_...), not names
    assert "customer_names" not in _keys(tx)


def test_zero_decimal_currencies_keep_their_units(tmp_path):
    text = STRIPE_API.replace("usd", "jpy").replace("14950,14950", "5000,5000")
    tx = clv.read_transactions(_write(tmp_path, "charges_jpy.csv", text), as_of=AS_OF)
    assert tx.currency == "JPY"
    by_order = dict(zip(tx.frame["order_id"], tx.frame["amount"], strict=True))
    assert by_order["ch_1"] == 5000.0 and by_order["ch_2"] == 9900.0 - 4950.0


def test_stripe_api_as_json_lines_with_booleans(tmp_path):
    lines = [{"id": "ch_1", "object": "charge", "amount": 14950, "amount_captured": 14950,
              "amount_refunded": 0, "created": 1672587438, "currency": "usd",
              "customer": "cus_A", "paid": True, "refunded": False, "status": "succeeded"},
             {"id": "ch_2", "object": "charge", "amount": 9900, "amount_captured": 9900,
              "amount_refunded": 9900, "created": 1674183316, "currency": "usd",
              "customer": "cus_B", "paid": True, "refunded": True, "status": "succeeded"}]
    path = tmp_path / "charges.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert sorted(tx.frame["amount"].to_list()) == pytest.approx([0.0, 149.50])


def test_the_stripe_dashboard_export_keeps_its_units(tmp_path):
    text = ("id,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Captured\n"
            "ch_1,2023-01-01 15:37:18,149.50,0.00,usd,Paid,cus_A,true\n"
            "ch_2,2023-01-20 03:15:16,99.00,49.50,usd,Paid,cus_B,true\n")
    tx = clv.read_transactions(_write(tmp_path, "unified_payments.csv", text), as_of=AS_OF)
    assert tx.mapping.preset == "stripe" and "minor_units" not in _keys(tx)
    assert sorted(tx.frame["amount"].to_list()) == pytest.approx([49.50, 149.50])


def test_a_boolean_column_is_never_taken_for_an_amount(tmp_path):
    text = ("customer,date,total,refunded,amount\n"
            "A,2024-01-05,10.00,True,true\n"
            "B,2024-01-06,20.00,False,false\n"
            "A,2024-02-05,30.00,false,False\n")
    tx = clv.read_transactions(_write(tmp_path, "flags.csv", text), as_of=AS_OF)
    assert tx.mapping["amount"] == "total"
    assert "refunded" not in tx.mapping.columns
    assert sorted(tx.frame["amount"].to_list()) == [10.0, 20.0, 30.0]
    frame = pl.DataFrame({"customer": ["A", "B"], "date": ["2024-01-05", "2024-01-06"],
                          "amount": [10.0, 20.0], "refunded": [True, False]})
    tx = clv.read_transactions(frame, as_of=AS_OF)
    assert "refunded" not in tx.mapping.columns and tx.issues.amount_kept == 30.0


def test_clv_check_reads_stripe_api_charges_in_cents(tmp_path):
    path = _write(tmp_path, "charges.csv", STRIPE_API)
    proc = _cli("check", path, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["mapping"]["refunded"] == "amount_refunded"
    assert report["amount_kept"] == pytest.approx(149.50 + 49.50 + 0.0 + 9.00)
    assert any("minor unit" in n for n in report["notes"])


# --- Shopify refunds -------------------------------------------------------------------------

SHOPIFY_HEAD = ("Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,"
                "Created at,Lineitem quantity,Lineitem name,Lineitem price,Refunded Amount\n")


def test_a_shopify_refund_is_netted_on_the_subtotal_basis(tmp_path):
    """Subtotal 100, shipping 5, tax 20, total 125: a refund of 62.50 (half the order, with
    its tax and shipping) takes 50 off the subtotal, not 62.50; a whole refund leaves 0."""
    text = SHOPIFY_HEAD + (
        "#1001,a@x.io,partially_refunded,USD,100.00,5.00,20.00,125.00,"
        "2024-01-05 10:00:00 -0500,1,Tee,60.00,62.50\n"
        "#1001,a@x.io,,,,,,,2024-01-05 10:00:00 -0500,1,Cap,40.00,\n"
        "#1002,b@x.io,paid,USD,80.00,0.00,16.00,96.00,"
        "2024-01-06 11:00:00 -0500,1,Mug,80.00,96.00\n"
        "#1003,c@x.io,paid,USD,50.00,0.00,10.00,60.00,"
        "2024-01-07 11:00:00 -0500,1,Pen,50.00,0.00\n")
    tx = clv.read_transactions(_write(tmp_path, "orders_export.csv", text), as_of=AS_OF)
    assert tx.mapping.preset == "shopify" and tx.mapping.refund_total == "Total"
    per_customer = dict(tx.frame.group_by("customer_id").agg(pl.col("amount").sum()).iter_rows())
    assert per_customer == pytest.approx({"a@x.io": 50.0, "b@x.io": 0.0, "c@x.io": 50.0})
    basis = _note(tx, "refund_basis")
    assert basis.values["written"] == pytest.approx(62.50 + 96.00)
    assert basis.values["deducted"] == pytest.approx(50.0 + 80.0)
    assert _note(tx, "refunded_netted").values["total"] == pytest.approx(130.0)
    assert tx.issues.balanced


def test_a_shopify_export_without_a_total_nets_its_refund_as_written(tmp_path):
    text = ("Name,Email,Financial Status,Subtotal,Created at,Lineitem name,Refunded Amount\n"
            "#1001,a@x.io,partially_refunded,100.00,2024-01-05 10:00:00 -0500,Tee,30.00\n")
    tx = clv.read_transactions(_write(tmp_path, "orders_export.csv", text), as_of=AS_OF)
    assert tx.mapping.refund_total is None and "refund_basis" not in _keys(tx)
    assert tx.frame["amount"].to_list() == [70.0]


def test_clv_check_nets_shopify_refunds_on_the_subtotal(tmp_path):
    text = SHOPIFY_HEAD + (
        "#1001,a@x.io,partially_refunded,USD,100.00,5.00,20.00,125.00,"
        "2024-01-05 10:00:00 -0500,1,Tee,100.00,125.00\n"
        "#1002,a@x.io,paid,USD,40.00,5.00,8.00,53.00,"
        "2024-02-05 10:00:00 -0500,1,Cap,40.00,0.00\n")
    proc = _cli("check", _write(tmp_path, "orders_export.csv", text), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["amount_kept"] == pytest.approx(40.0)  # 100 - 100 + 40, not 100 - 125 + 40


# --- French dates that read both ways --------------------------------------------------------

def test_french_headers_make_ambiguous_dates_day_first(tmp_path):
    text = ("Client;Date;Montant\n"
            "A;01/02/2023;1\u00a0234,56 €\n"
            "A;01/03/2023;99,00 €\n"
            "B;05/02/2023;45,10 €\n")
    tx = clv.read_transactions(_write(tmp_path, "ventes.csv", text), as_of=AS_OF)
    assert tx.frame["timestamp"].to_list() == [dt.datetime(2023, 2, 1), dt.datetime(2023, 3, 1),
                                               dt.datetime(2023, 2, 5)]
    note = _note(tx, "dates_day_first")
    assert note.values["column"] == "Date" and note.values["evidence"] == "'Montant'"
    assert tx.frame["amount"].to_list() == pytest.approx([1234.56, 99.0, 45.10])


def test_decimal_commas_make_ambiguous_dates_day_first(tmp_path):
    text = ("customer,date,amount\n"
            'A,01/02/2023,"1 234,56"\n'
            'A,01/03/2023,"99,00"\n'
            'B,05/02/2023,"45,10"\n')
    tx = clv.read_transactions(_write(tmp_path, "sales.csv", text), as_of=AS_OF)
    assert tx.frame["timestamp"][0] == dt.datetime(2023, 2, 1)
    assert _note(tx, "dates_day_first").values["evidence"] == "'1 234,56'"


def test_ambiguous_dates_without_evidence_are_still_refused(tmp_path):
    text = ("customer,date,amount\n"
            "A,01/02/2023,1234.56\n"
            "A,01/03/2023,99.00\n"
            "B,05/02/2023,45.10\n")
    with pytest.raises(AmbiguousDateError):
        clv.read_transactions(_write(tmp_path, "sales.csv", text), as_of=AS_OF)


def test_clv_check_reads_a_french_file_day_first(tmp_path):
    text = ("Client;Date;Montant\n"
            "A;01/02/2023;1\u00a0234,56 €\n"
            "A;01/03/2023;99,00 €\n"
            "B;05/02/2023;45,10 €\n")
    path = _write(tmp_path, "ventes.csv", text)
    proc = _cli("check", path, "--json")
    assert proc.returncode == 0, proc.stderr
    assert any("read day first" in n for n in json.loads(proc.stdout)["notes"])
    proc = _cli("check", path, "--lang", "fr")
    assert proc.returncode == 0, proc.stderr
    assert "lues jour d'abord" in " ".join(proc.stdout.split())


# --- Workbooks -------------------------------------------------------------------------------

def _workbook(path: Path, sheets: dict[str, list[tuple[int, list]]]) -> Path:
    """A workbook whose sheets hold the given (0-based row, cells) rows."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for i, cells in rows:
            for j, value in enumerate(cells):
                if value is not None:
                    sheet.write(i, j, value)
    book.close()
    return path


HEADER = ["N° client", "Date de facture", "Montant TTC"]
SALES = [["C1", "2024-01-05", 100.0], ["C2", "2024-01-06", 50.0], ["C1", "2024-02-05", 25.0]]


def test_a_workbook_whose_first_sheet_is_not_the_data_names_its_sheets(tmp_path):
    path = _workbook(tmp_path / "ventes.xlsx", {
        "Lisez-moi": [(0, ["Export ERP du 01/07/2024"]), (1, ["Ne pas modifier"])],
        "Ventes": [(0, HEADER), *[(i + 1, r) for i, r in enumerate(SALES)]]})
    with pytest.raises(MappingError) as caught:
        clv.read_transactions(path, as_of=AS_OF)
    message = str(caught.value)
    assert "--sheet NAME" in message and "'Lisez-moi', 'Ventes'" in message
    assert clv.read_transactions(path, sheet="Ventes", as_of=AS_OF).issues.amount_kept == 175.0
    proc = _cli("check", path)
    assert proc.returncode == 2
    said = " ".join(proc.stderr.split())
    assert "--sheet NAME" in said and "'Ventes'" in said
    assert _cli("check", path, "--sheet", "Ventes").returncode == 0
    # in French, the hint too (it was appended in English to the French sentence)
    french = " ".join(_cli("check", path, "--lang", "fr").stderr.split())
    assert "dans la première des feuilles du classeur 'Lisez-moi', 'Ventes'" in french
    assert "choisissez-en une autre avec --sheet NOM" in french and "choose" not in french


@pytest.mark.parametrize("last", [["Total", None, 175.0], ["TOTAUX", None, 175.0],
                                  [None, "Grand total", 175.0], [None, None, 175.0]])
def test_a_totals_row_is_excluded_as_such(tmp_path, last):
    rows = [(0, HEADER), *[(i + 1, r) for i, r in enumerate(SALES)], (4, last)]
    path = _workbook(tmp_path / "ventes.xlsx", {"Ventes": rows})
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.issues.excluded(why.TOTALS_ROW) == 1
    assert tx.issues.excluded(why.MISSING_CUSTOMER) == 0
    totals = next(e for e in tx.issues.exclusions if e.reason == why.TOTALS_ROW)
    assert totals.amount == 175.0 and totals.examples[0]["row"] == 5
    assert tx.issues.amount_kept == 175.0 and tx.issues.balanced
    assert REASONS[why.TOTALS_ROW] == "ligne de totaux"


def test_a_totals_row_is_looked_for_in_files_only(tmp_path):
    """Spreadsheets and delimited text end in a totals row; a frame (or Parquet, a database
    table: what the Spark and database engines read too) does not, so its last customer named
    'Total' stays a customer, as on those engines."""
    frame = pl.DataFrame({"customer": ["C1", "C2", "Total"],
                          "date": ["2024-01-05", "2024-01-06", "2024-02-05"],
                          "amount": [100.0, 50.0, 25.0]})
    tx = clv.read_transactions(frame, as_of=AS_OF)
    assert tx.issues.rows_kept == 3 and tx.issues.excluded(why.TOTALS_ROW) == 0
    frame.write_parquet(tmp_path / "t.parquet")
    assert clv.read_transactions(tmp_path / "t.parquet", as_of=AS_OF).issues.rows_kept == 3
    frame.write_csv(tmp_path / "t.csv")
    assert clv.read_transactions(tmp_path / "t.csv", as_of=AS_OF).issues.excluded(
        why.TOTALS_ROW) == 1


def test_a_last_row_without_customer_that_is_no_sum_stays_a_missing_id(tmp_path):
    rows = [(0, HEADER), *[(i + 1, r) for i, r in enumerate(SALES)],
            (4, [None, "2024-03-01", 60.0])]
    tx = clv.read_transactions(_workbook(tmp_path / "ventes.xlsx", {"Ventes": rows}),
                               as_of=AS_OF)
    assert tx.issues.excluded(why.TOTALS_ROW) == 0
    assert tx.issues.excluded(why.MISSING_CUSTOMER) == 1


def test_clv_check_counts_the_totals_row(tmp_path):
    rows = [(0, HEADER), *[(i + 1, r) for i, r in enumerate(SALES)], (4, ["Total", None, 175.0])]
    proc = _cli("check", _workbook(tmp_path / "ventes.xlsx", {"Ventes": rows}), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [(e["reason"], e["count"]) for e in report["exclusions"]] == [("totals row", 1)]
    assert report["amount_kept"] == 175.0


def test_rows_keep_the_spreadsheet_numbers_below_a_title_and_blank_rows(tmp_path):
    """A title on row 1, a blank row 2, the header on row 3, a blank row inside the data:
    the note and the errors name the rows the spreadsheet shows."""
    rows = [(0, ["Journal des ventes 2024"]), (2, HEADER),
            (3, SALES[0]), (4, SALES[1]), (6, [None, "2024-03-01", 60.0]), (7, SALES[2])]
    path = _workbook(tmp_path / "ventes_titre.xlsx", {"Feuil1": rows})
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert _note(tx, "header_row").values["row"] == 3
    missing = next(e for e in tx.issues.exclusions if e.reason == why.MISSING_CUSTOMER)
    assert missing.examples[0]["row"] == 7
    with pytest.raises(clv.errors.DataError) as caught:
        clv.read_transactions(path, as_of=AS_OF, strict=True)
    assert caught.value.row == 7
    proc = _cli("check", path, "--strict")
    assert proc.returncode == 2 and "row 7" in proc.stderr


def test_rows_keep_the_spreadsheet_numbers_when_the_table_starts_lower(tmp_path):
    rows = [(2, HEADER), (3, SALES[0]), (4, [None, "2024-03-01", 60.0])]
    tx = clv.read_transactions(_workbook(tmp_path / "t.xlsx", {"Ventes": rows}), as_of=AS_OF)
    missing = next(e for e in tx.issues.exclusions if e.reason == why.MISSING_CUSTOMER)
    assert missing.examples[0]["row"] == 5



def test_a_product_column_blank_on_every_purchase_is_no_cross_sell_not_an_error(tmp_path):
    """Etsy's SKU column, empty: analyze and report stopped on 'no purchase with a product to
    build cross-sell windows from' while check, summary and predict worked."""
    rows = [f"c{i % 7},2024-{1 + i % 12:02d}-{1 + i % 27:02d},{10 + i}.50," for i in range(60)]
    path = tmp_path / "etsy.csv"
    path.write_text("customer,date,amount,sku\n" + "\n".join(rows) + "\n")
    a = clv.analyze(clv.read_transactions(path, as_of=AS_OF), settings=clv.Settings(draws=20))
    assert a.cross_sell is None
    for command in (("analyze", path), ("report", path, "-o", tmp_path / "r.html",
                                        "--lang", "fr")):
        proc = _cli(*command)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def test_an_email_beside_a_display_name_tells_namesakes_apart(tmp_path):
    """PrestaShop's SQL export has 'Client' (display names) and 'Email': the names were taken
    as the customer id, so namesakes merged (19 customers instead of 27) without a note."""
    rows = ["ID commande;Client;Email;Total payé TTC;Date"]
    for i in range(12):
        # two people named Marie Dupont, with their own emails
        rows.append(f"{1000 + i};Marie Dupont;marie{i % 2}@exemple.fr;{10 + i},50;"
                    f"2024-01-{1 + i:02d}")
    rows.append("2000;Jean Martin;jean@exemple.fr;20,00;2024-02-01")
    path = tmp_path / "presta.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.issues.mapping["customer_id"] == "Email"
    assert tx.frame["customer_id"].n_unique() == 3
    assert [n for n in tx.issues.notes if n.key == "customer_email_over_name"]
    said = " ".join(_cli("check", path, "--lang", "fr").stdout.split())
    assert "distingués par leur e-mail de « Email »" in said
    # names alone (no email column): kept, and said
    path.write_text("Client;Montant;Date\nMarie Dupont;10,50;2024-01-02\n"
                    "Jean Martin;12,00;2024-01-03\n", encoding="utf-8")
    alone = clv.read_transactions(path, as_of=AS_OF)
    assert alone.issues.mapping["customer_id"] == "Client"
    assert [n for n in alone.issues.notes if n.key == "customer_names"]
    # ids in a column named 'customer': not names, the column stays
    path.write_text("customer,email,amount,date\nC001,a@x.fr,10,2024-01-02\n"
                    "C002,b@x.fr,12,2024-01-03\n", encoding="utf-8")
    assert clv.read_transactions(path, as_of=AS_OF).issues.mapping["customer_id"] == "customer"


def test_an_amazon_order_report_takes_item_price_as_the_line_total(tmp_path):
    """Amazon's 'item-price' is the line's total for its quantity: read as a unit price, it was
    multiplied by the quantity again (17,200.17 for 7,550.31 on a trial's report)."""
    head = ("amazon-order-id\tpurchase-date\torder-status\tproduct-name\tquantity\tcurrency\t"
            "item-price\titem-tax\tbuyer-email")
    lines = [head,
             "401-1\t2024-01-04T10:18:00+01:00\tShipped\tMug\t3\tEUR\t124.44\t20.74\ta@x.fr",
             "401-2\t2024-02-04T10:18:00+01:00\tShipped - Delivered to Buyer\tCup\t1\tEUR\t"
             "10.00\t1.67\ta@x.fr",
             "401-3\t2024-02-05T11:00:00+01:00\tCancelled\tMug\t2\tEUR\t82.96\t13.83\tb@x.fr",
             "401-4\t2024-03-05T11:00:00+01:00\tShipped\tMug\t2\tEUR\t82.96\t13.83\tb@x.fr"]
    path = tmp_path / "amazon_orders.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.issues.mapping["amount"] == "item-price"
    assert tx.issues.mapping_origin["amount"].startswith("preset amazon")
    assert tx.issues.amount_kept == pytest.approx(124.44 + 10.0 + 82.96)
    assert tx.issues.rows_kept == 3  # the cancelled order excluded by its status
