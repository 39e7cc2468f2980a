"""Real export shapes, written as the platforms write them (headers, separators, dates, numbers,
currencies), each read with no option: the preset is chosen from the headers and shown, and the
figures read are the ones a person would add up by hand."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import clv
from clv.data import issues as why

CLV = Path(sys.executable).parent / "clv"


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _notes(tx) -> set[str]:
    return {getattr(n, "key", "") for n in tx.issues.notes}


PRESTASHOP = (
    "\ufeffID;Référence;Nouveau client;Livraison;Client;Total;Paiement;État;Date\n"
    '112;XKBKNABJK;Oui;France;J. DUPONT;"45,90 €";Chèque;Livré;12/05/2024 14:03:22\n'
    '113;OHSATSERP;Oui;Belgique;M. LEROY;"1 249,00 €";Carte bancaire;Paiement accepté;'
    "13/05/2024 09:12:45\n"
    '114;FFATNOMMJ;Non;France;J. DUPONT;"19,90 €";PayPal;Annulé;20/05/2024 18:40:01\n'
    '115;UOYEVOLI;Non;France;J. DUPONT;"32,50 €";PayPal;Expédié;28/06/2024 11:05:09\n'
    '116;KHWLILZLL;Oui;Suisse;A. MARTIN;"0,00 €";Bon de réduction;Livré;02/07/2024 08:00:00\n'
    '117;ZRDCPJJQA;Non;Belgique;M. LEROY;"89,00 €";Carte bancaire;Remboursé;'
    "15/07/2024 16:20:00\n"
    '118;PQRSTUVWX;Non;France;A. MARTIN;"54,00 €";Virement bancaire;'
    "En attente de virement bancaire;20/07/2024 10:00:00\n"
)


def test_prestashop_orders_export_in_french(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "commandes.csv", PRESTASHOP))
    assert tx.mapping.preset == "prestashop"
    assert "preset prestashop (detected from the headers)" in tx.mapping.describe()
    assert "preset_detected" in _notes(tx)
    m = tx.mapping.columns
    assert (m["customer_id"], m["amount"], m["status"], m["order_id"]) == \
        ("Client", "Total", "État", "Référence")
    # 'Annulé', 'Remboursé' and an order awaiting its transfer are not revenue; the free
    # order starts A. MARTIN's relationship
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 3
    # the export names customers by name: said
    assert "customer_names" in _notes(tx)
    assert math.isclose(tx.issues.amount_kept, 45.90 + 1249.00 + 32.50 + 0.0)
    assert tx.frame["timestamp"][0].month == 5  # day first, as written
    assert tx.issues.balanced


SHOPIFY = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Refunded Amount,Vendor,Id,Tags,Source\n"
    "#1001,anna@example.com,paid,2024-03-05 10:14:07 +0100,fulfilled,2024-03-06 09:00:00 +0100,"
    "yes,EUR,58.00,4.90,10.49,62.90,,0.00,Standard,2024-03-05 10:14:05 +0100,2,Mug,19.00,,"
    "MUG-1,true,true,fulfilled,Anna B,0.00,Acme,5501,,web\n"
    "#1001,anna@example.com,,,,,,,,,,,,,,2024-03-05 10:14:05 +0100,1,Teapot,20.00,,TEA-1,true,"
    "true,fulfilled,,,Acme,,,\n"
    "#1002,ben@example.com,paid,2024-03-07 18:01:00 +0100,fulfilled,,no,EUR,25.00,4.90,5.00,"
    "29.90,WELCOME,5.00,Standard,2024-03-07 18:00:59 +0100,1,Teapot,25.00,,TEA-1,true,true,"
    "fulfilled,Ben C,0.00,Acme,5502,,web\n"
    "#1003,anna@example.com,refunded,2024-04-01 12:00:00 +0200,,,yes,EUR,19.00,0.00,3.80,"
    "19.00,,0.00,Pickup,2024-04-01 11:59:00 +0200,1,Mug,19.00,,MUG-1,true,true,,Anna B,19.00,"
    "Acme,5503,,pos\n"
    "#1004,ben@example.com,pending,,,,no,EUR,40.00,0.00,8.00,40.00,,0.00,Pickup,"
    "2024-04-02 10:00:00 +0200,2,Mug,20.00,,MUG-1,true,true,,Ben C,0.00,Acme,5504,,web\n"
    "#1005,ben@example.com,partially_refunded,2024-04-03 10:00:00 +0200,fulfilled,,no,EUR,"
    "60.00,0.00,12.00,60.00,,0.00,Pickup,2024-04-03 09:59:00 +0200,3,Mug,20.00,,MUG-1,true,"
    "true,fulfilled,Ben C,20.00,Acme,5505,,web\n"
)


def test_shopify_line_item_orders_export(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "orders_export.csv", SHOPIFY))
    assert tx.mapping.preset == "shopify"
    assert tx.mapping.columns["amount"] == "Subtotal"
    assert tx.issues.rows_read == 6
    # refunded and pending orders are not revenue; a partial refund is deducted
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 2
    assert math.isclose(tx.issues.amount_kept, 58.0 + 25.0 + 60.0 - 20.0)
    assert {"line_items", "refunded_netted"} <= _notes(tx)  # a second line: its order's
    assert "zero_rows" not in _notes(tx)  # ... and not a free order
    assert sorted(tx.frame["product"].to_list()) == ["Mug", "Mug", "Teapot", "Teapot"]
    assert tx.frame["timestamp"][0].hour == 9  # +0100 converted to UTC


WOOCOMMERCE = (
    "Date,Order #,N. Revenue (formatted),Status,Customer,Customer type,Product(s),Items sold,"
    "Coupon(s),Net Sales,Attribution\n"
    '2024-03-05 10:14:07,4101,"$1,058.00",Completed,Anna Bell,new,"Desk, Lamp",2,,1058.00,'
    "Organic: Google\n"
    "2024-03-09 11:02:44,4102,$42.50,Processing,Ben Carter,new,Lamp,1,SPRING,42.50,Direct\n"
    "2024-04-12 16:45:10,4110,$39.00,Refunded,Anna Bell,returning,Lamp,1,,0.00,Direct\n"
    "2024-05-02 09:30:00,4125,$88.00,Completed,Anna Bell,returning,Chair,1,,88.00,"
    "Referral: blog\n"
    "2024-05-03 09:30:00,4126,$12.00,Failed,Carl Dane,new,Pen,1,,12.00,Direct\n"
)


def test_woocommerce_analytics_orders_export(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "wc-orders-report-export.csv", WOOCOMMERCE))
    assert tx.mapping.preset == "woocommerce"
    assert tx.mapping.columns["amount"] == "Net Sales"
    assert tx.mapping.columns["channel"] == "Attribution"
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 2
    assert math.isclose(tx.issues.amount_kept, 1058.0 + 42.5 + 88.0)
    assert tx.frame["customer_id"].n_unique() == 2


STRIPE = (
    "id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Converted Amount,"
    "Converted Amount Refunded,Converted Currency,Decline Reason,Description,Fee,"
    "Refunded date (UTC),Statement Descriptor,Status,Seller Message,Taxes On Fee,Card ID,"
    "Customer ID,Customer Description,Customer Email,Invoice ID,Transfer\n"
    "ch_3OqA1,2024-03-05 10:14:07,49.00,0.00,eur,true,49.00,0.00,eur,,Pro plan,1.72,,ACME,"
    "Paid,Payment complete.,0.00,card_1,cus_P1,Anna,anna@example.com,in_1,\n"
    "ch_3OqA2,2024-04-05 10:14:09,49.00,20.00,eur,true,49.00,20.00,eur,,Pro plan,1.72,"
    "2024-04-07 08:00:00,ACME,Paid,Payment complete.,0.00,card_1,cus_P1,Anna,"
    "anna@example.com,in_2,\n"
    "ch_3OqA3,2024-04-06 12:00:00,99.00,99.00,eur,true,99.00,99.00,eur,,Team plan,3.12,"
    "2024-04-08 08:00:00,ACME,Refunded,Payment complete.,0.00,card_2,cus_P2,Ben,"
    "ben@example.com,in_3,\n"
    "ch_3OqA4,2024-04-07 12:00:00,99.00,0.00,eur,false,99.00,0.00,eur,insufficient_funds,"
    "Team plan,0.00,,ACME,Failed,Your card has insufficient funds.,0.00,card_2,cus_P2,Ben,"
    "ben@example.com,in_4,\n"
    "ch_3OqA5,2024-05-05 10:14:09,49.00,0.00,eur,true,49.00,0.00,eur,,Pro plan,1.72,,ACME,"
    "Paid,Payment complete.,0.00,card_1,cus_P1,Anna,anna@example.com,in_5,\n"
)


def test_stripe_payments_export(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "unified_payments.csv", STRIPE))
    assert tx.mapping.preset == "stripe"
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 2
    # the partial refund of the second payment is deducted from it
    assert math.isclose(tx.issues.amount_kept, 49.0 + 29.0 + 49.0)
    assert "refunded_netted" in _notes(tx)
    assert set(tx.frame["customer_id"]) == {"cus_P1"}


SQUARE = (
    "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,"
    "Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,"
    "Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,"
    "Itemization Type\n"
    "2024-03-05,08:14:03,Europe/Paris,Coffee,Latte,1,Regular,,Oat milk,$4.50,$0.00,$4.50,$0.41,"
    "T1,P1,iPad,,,Payment,Café Rive,For here,CUST-7,Lea,,,1,Product\n"
    "2024-03-05,08:14:03,Europe/Paris,Bakery,Croissant,2,,,,$5.00,$0.00,$5.00,$0.45,"
    "T1,P1,iPad,,,Payment,Café Rive,For here,CUST-7,Lea,,,2,Product\n"
    "2024-03-05,08:20:41,Europe/Paris,Coffee,Espresso,1,,,,$2.80,$0.00,$2.80,$0.25,"
    "T2,P2,iPad,,,Payment,Café Rive,To go,,,,,1,Product\n"
    "2024-03-12,17:02:10,Europe/Paris,Coffee,Latte,1,Regular,,,$4.50,($0.50),$4.00,$0.36,"
    "T3,P3,iPad,,,Payment,Café Rive,For here,CUST-7,Lea,,,1,Product\n"
    "2024-03-12,17:30:00,Europe/Paris,Coffee,Latte,-1,Regular,,,($4.50),$0.50,($4.00),($0.36),"
    "T4,P4,iPad,,,Refund,Café Rive,For here,CUST-7,Lea,,,-1,Product\n"
    "2024-03-13,07:55:00,Europe/Paris,Coffee,Espresso,1,,,,$2.80,$0.00,$2.80,$0.25,"
    "T5,P5,iPad,,,Payment,Café Rive,For here,CUST-9,Sam,,,1,Product\n"
)


def test_square_point_of_sale_items_export_of_a_cafe(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "items-2024-03-01-2024-04-01.csv", SQUARE))
    assert tx.mapping.preset == "square"
    m = tx.mapping.columns
    assert (m["amount"], m["timestamp"], m["time"]) == ("Net Sales", "Date", "Time")
    assert "date_and_time" in _notes(tx)
    # the anonymous espresso has no customer: excluded with its amount, never lost
    assert tx.issues.excluded(why.MISSING_CUSTOMER) == 1
    miss = next(e for e in tx.issues.exclusions if e.reason == why.MISSING_CUSTOMER)
    assert math.isclose(miss.amount, 2.80)
    assert math.isclose(tx.issues.amount_kept, 4.5 + 5.0 + 4.0 - 4.0 + 2.8)
    assert tx.frame["timestamp"].dt.hour().to_list()[:2] == [8, 8]
    assert "cancellations" in _notes(tx)  # the refunded latte, negative quantity
    assert tx.issues.balanced


FEC = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise\n"
    "VE|Ventes|1|20240305|411000|Clients|C0001|DUPONT SA|F2024-001|20240305|Facture DUPONT|"
    "1200,00|0,00|||20240305||\n"
    "VE|Ventes|1|20240305|706000|Prestations||||F2024-001|20240305|Facture DUPONT|0,00|"
    "1000,00|||20240305||\n"
    "VE|Ventes|1|20240305|445710|TVA collectée|||F2024-001|20240305|Facture DUPONT|0,00|"
    "200,00|||20240305||\n"
    "VE|Ventes|2|20240410|411000|Clients|C0002|MARTIN SARL|F2024-002|20240410|"
    "Facture MARTIN|600,00|0,00|||20240410||\n"
    "VE|Ventes|2|20240410|706000|Prestations|||F2024-002|20240410|Facture MARTIN|0,00|"
    "500,00|||20240410||\n"
    "VE|Ventes|2|20240410|445710|TVA collectée|||F2024-002|20240410|Facture MARTIN|0,00|"
    "100,00|||20240410||\n"
    "VE|Ventes|3|20240502|411000|Clients|C0001|DUPONT SA|AV2024-001|20240502|"
    "Avoir DUPONT|0,00|120,00|||20240502||\n"
    "VE|Ventes|3|20240502|706000|Prestations|||AV2024-001|20240502|Avoir DUPONT|100,00|"
    "0,00|||20240502||\n"
    "VE|Ventes|3|20240502|445710|TVA collectée|||AV2024-001|20240502|Avoir DUPONT|20,00|"
    "0,00|||20240502||\n"
    "VE|Ventes|4|20240615|411000|Clients|C0001|DUPONT SA|F2024-003|20240615|"
    "Facture DUPONT|2400,00|0,00|||20240615||\n"
    "BQ|Banque|5|20240320|512000|Banque|||VIR-001|20240320|Règlement DUPONT|1200,00|0,00|||"
    "20240320||\n"
    "BQ|Banque|5|20240320|411000|Clients|C0001|DUPONT SA|VIR-001|20240320|Règlement DUPONT|"
    "0,00|1200,00|||20240320||\n"
)


def test_french_accounting_export_fec(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "123456789FEC20241231.txt", FEC))
    assert tx.mapping.preset == "fec"
    assert tx.mapping.ledger
    assert "ledger_sides" in _notes(tx)
    # customer lines of the sales journal: invoices (debit) less the credit note
    assert math.isclose(tx.issues.amount_kept, 1200.0 + 600.0 - 120.0 + 2400.0)
    assert sorted(set(tx.frame["customer_id"])) == ["C0001", "C0002"]
    # the bank journal's payments are not sales, the revenue and VAT lines name no customer
    assert tx.issues.excluded(why.NOT_SALES) == 2
    assert tx.issues.excluded(why.MISSING_CUSTOMER) == 6
    assert tx.issues.balanced


LEDGER = (
    "Date,Source,Contact,Description,Reference,Debit,Credit,Running Balance\n"
    '2024-03-05,Receivable Invoice,Northwind Ltd,Consulting,INV-0001,,"1,250.00","1,250.00"\n'
    "2024-03-18,Receivable Invoice,Contoso,Workshop,INV-0002,,800.00,\"2,050.00\"\n"
    "2024-04-02,Receivable Credit Note,Northwind Ltd,Discount,CN-0001,150.00,,\"1,900.00\"\n"
    "2024-05-20,Receivable Invoice,Northwind Ltd,Consulting,INV-0003,,\"2,000.00\","
    "\"3,900.00\"\n"
)


def test_sales_account_ledger_with_debit_and_credit(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "account_transactions_sales.csv", LEDGER))
    assert tx.mapping.preset == "ledger"
    assert math.isclose(tx.issues.amount_kept, 1250.0 + 800.0 - 150.0 + 2000.0)
    note = next(n for n in tx.issues.notes if getattr(n, "key", "") == "ledger_sides")
    assert note.values["plus"] == "Credit" and note.values["percent"] == 75
    assert tx.frame.filter(pl.col("amount") < 0)["order_id"].to_list() == ["CN-0001"]


@pytest.mark.parametrize("name,text,encoding", [
    ("commandes.csv", PRESTASHOP, "utf-8"), ("orders_export.csv", SHOPIFY, "utf-8"),
    ("items.csv", SQUARE, "utf-8"), ("fec.txt", FEC, "cp1252"),
])
def test_each_export_summarises_through_the_command_line(tmp_path, name, text, encoding):
    if not CLV.exists():
        pytest.skip("the clv script is not installed beside this Python")
    path = _write(tmp_path, name, text, encoding)
    run = subprocess.run([str(CLV), "check", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "detected from the headers" in run.stdout
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_path_with_square_brackets_is_a_path_not_a_pattern(tmp_path, suffix):
    folder = tmp_path / "exports [2024]"
    folder.mkdir()
    frame = pl.DataFrame({"customer": ["a", "b"], "date": ["2024-01-01", "2024-01-02"],
                          "amount": ["1.5", "2"]})
    path = folder / f"orders[1]{suffix}"
    frame.write_csv(path) if suffix == ".csv" else frame.write_parquet(path)
    assert clv.read_transactions(path).issues.amount_kept == 3.5


@pytest.mark.parametrize("name,text", [
    ("commandes.csv", PRESTASHOP), ("orders_export.csv", SHOPIFY), ("wc.csv", WOOCOMMERCE),
    ("unified_payments.csv", STRIPE), ("items.csv", SQUARE), ("fec.txt", FEC),
    ("ledger.csv", LEDGER)])
def test_the_dashboard_form_reads_each_export_as_the_command_line_does(tmp_path, name, text):
    """The form offers every field and starts from the detected ones; reading its choices
    alone (detect=False, as the dashboard does) gives the same figures as detection."""
    from clv.data.mapping import FIELDS, resolve_mapping
    from clv.data.readers import ROW, read_raw
    from clv.web.state import MAPPED

    assert set(MAPPED) == set(FIELDS)
    path = _write(tmp_path, name, text)
    detected = resolve_mapping(read_raw(path).frame.drop(ROW), complete=False).columns
    form = clv.read_transactions(path, columns=dict(detected), detect=False)
    cli = clv.read_transactions(path)
    assert form.issues.to_dict()["exclusions"] == cli.issues.to_dict()["exclusions"]
    assert (form.issues.rows_kept, form.issues.amount_kept) == \
        (cli.issues.rows_kept, cli.issues.amount_kept)


def test_fec_with_revenue_and_tax_lines_on_the_credit_side(tmp_path):
    """The usual sales journal: per invoice a customer debit and two credits (revenue, VAT):
    the customers' side, not the majority of all lines, is the sales side."""
    head = FEC.splitlines()[0]
    lines = [head]
    for i, (cust, ttc) in enumerate([("C0001", 1200), ("C0002", 600), ("C0001", 2400)], 1):
        ht = ttc / 1.2
        for account, aux, debit, credit in (("411000", cust, ttc, 0), ("706000", "", 0, ht),
                                            ("445710", "", 0, ttc - ht)):
            lines.append(f"VE|Ventes|{i}|2024030{i}|{account}|x|{aux}|{aux}|F{i}|2024030{i}|"
                         f"Facture|{debit:.2f}|{credit:.2f}|||2024030{i}||".replace(".", ","))
    tx = clv.read_transactions(_write(tmp_path, "fec.txt", "\n".join(lines) + "\n"))
    assert math.isclose(tx.issues.amount_kept, 1200 + 600 + 2400)
    assert (tx.frame["amount"] > 0).all()
    note = next(n for n in tx.issues.notes if getattr(n, "key", "") == "ledger_sides")
    assert note.values["plus"] == "Debit" and note.values["percent"] == 100


def test_a_file_where_no_row_can_be_used_says_why(tmp_path):
    path = _write(tmp_path, "commandes.csv", PRESTASHOP)
    with pytest.raises(clv.errors.DataError, match="no row can be used.*unparsable amount"
                       ".*column 'Paiement'|column 'Paiement'.*no row can be used"):
        clv.read_transactions(path, amount="Paiement")


def test_an_excel_export_with_a_title_above_its_header(tmp_path):
    """Invoicing tools write a title line ('Export du ...') above the table: the header is
    found below it, and rows keep their numbers in the sheet."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "factures.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Export du 02/12/2026")
    rows = [["N° facture", "Date facture", "Code client", "Désignation", "Qté", "PU HT"],
            ["FA-001", "2024-03-26", "C00255", "Café", 2, 8.5],
            ["FA-002", "2024-07-28", "", "Thé", 1, 17.5],
            ["FA-003", "2024-08-01", "C00255", "Café", 1, 8.5]]
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    book.close()
    tx = clv.read_transactions(path)
    assert tx.mapping.line_items and "header_row" in _notes(tx)
    assert math.isclose(tx.issues.amount_kept, 2 * 8.5 + 8.5)
    missing = next(e for e in tx.issues.exclusions if e.reason == why.MISSING_CUSTOMER)
    assert missing.examples[0]["row"] == 4  # the sheet's own row number


def test_the_dashboard_writes_rounded_decimals_and_dates_as_dates():
    """The dashboard's tables as files (issue 16): amounts to the cent, shares, rates and
    probabilities to 4 decimals, other decimals (frequencies, purchases expected) to 2, a
    column of midnights as dates, a time without ISO's T; no thousands separator."""
    import datetime as dt
    import io

    pytest.importorskip("fastapi")
    from clv.web.routes.exports import DATETIME_FORMAT, rounded

    frame = pl.DataFrame({
        "frequency": [8.857142857142858, 12345.678], "p_alive": [0.123456789, 1.0],
        "clv": [65.27000000000001, 1234567.891], "expected_purchases": [1.23456, 0.0],
        "ltv_cac": [3.14159265, None], "share_customers": [0.333333333, 0.6666666],
        "payback_months": [7.77777, 1.0], "acquired": [dt.datetime(2024, 1, 1), None],
        "at": [dt.datetime(2024, 1, 1, 13, 5), dt.datetime(2024, 2, 1)]})
    out = rounded(frame)
    assert out.row(0) == (8.86, 0.1235, 65.27, 1.23, 3.1416, 0.3333, 7.78,
                          dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 13, 5))
    assert out.schema["acquired"] == pl.Date and out.schema["at"] == pl.Datetime("us")
    buf = io.BytesIO()
    out.write_csv(buf, datetime_format=DATETIME_FORMAT)
    lines = buf.getvalue().decode().splitlines()
    assert lines[1] == "8.86,0.1235,65.27,1.23,3.1416,0.3333,7.78,2024-01-01,2024-01-01 13:05:00"
    assert lines[2] == "12345.68,1.0,1234567.89,0.0,,0.6667,1.0,,2024-02-01 00:00:00"
