"""Readers on real platform exports, fifth round (a new user's third trial): guest checkouts
whose customer id is 0 (BigCommerce), the dates of Magento and Wix, platform headers, refund
flags (Gumroad), order totals repeated on line items (Wix), Squarespace's line items and
Sage's credit notes. Each through the installed ``clv`` script."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exporttools import check as _check
from exporttools import cli as _cli
from exporttools import write as _write


def _summary(path: Path, *args: str) -> dict[str, Any]:
    done = _cli("summary", path, "--json", *args)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    out: dict[str, Any] = json.loads(done.stdout)["summary"]
    return out


def _notes(out: dict[str, Any]) -> str:
    return "\n".join(map(str, out.get("notes", [])))


# --- A. guest checkouts of customer id 0 (BigCommerce) -------------------------------------

BIGCOMMERCE = (
    "Order ID,Customer ID,Customer Name,Customer Email,Order Date,Order Status,"
    "Subtotal (inc tax),Subtotal (ex tax),Order Total (inc tax),Order Total (ex tax),"
    "Order Currency Code,Refund Amount\n"
    "1001,101,Alice Smith,alice@example.com,05/01/2024,Completed,110.00,100.00,110.00,"
    "100.00,USD,0.00\n"
    "1002,102,Bob Jones,bob@example.com,20/01/2024,Shipped,55.00,50.00,55.00,50.00,USD,0.00\n"
    "1003,0,Gina Guest,gina@example.com,02/02/2024,Completed,33.00,30.00,33.00,30.00,USD,"
    "0.00\n"
    "1004,101,Alice Smith,alice@example.com,15/02/2024,Completed,220.00,200.00,220.00,"
    "200.00,USD,0.00\n"
    "1005,0,Gus Guest,gus@example.com,01/03/2024,Completed,44.00,40.00,44.00,40.00,USD,"
    "0.00\n"
    "1006,0,Gina Guest,gina@example.com,10/03/2024,Completed,22.00,20.00,22.00,20.00,USD,"
    "0.00\n"
)


def test_guest_zero_ids_keyed_by_email(tmp_path: Path) -> None:
    path = _write(tmp_path, "bigcommerce_orders.csv", BIGCOMMERCE)
    out = _check(path, "--amount", "Order Total (inc tax)")
    assert out["rows_kept"] == 6
    said = _summary(path, "--amount", "Order Total (inc tax)")
    assert said["customers"] == 4  # 101, 102, gina, gus: never one customer '0'
    assert "guest checkouts" in _notes(out)


def test_guest_zero_ids_without_email_excluded(tmp_path: Path) -> None:
    text = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 3)
                     for line in BIGCOMMERCE.splitlines()) + "\n"
    path = _write(tmp_path, "bigcommerce_no_email.csv", text)
    out = _check(path, "--amount", "Order Total (inc tax)")
    assert out["rows_kept"] == 3
    assert _summary(path, "--amount", "Order Total (inc tax)")["customers"] == 2
    assert "guest" in _notes(out)
    fr = _cli("check", path, "--amount", "Order Total (inc tax)", lang="fr")
    assert fr.returncode == 0 and "invitée" in fr.stdout + fr.stderr


# --- B. dates with the month's name (Magento, Wix) and Wix's time column ---------------------

MAGENTO = (
    "ID,Purchase Point,Purchase Date,Bill-to Name,Grand Total (Base),Grand Total (Purchased),"
    "Status,Customer Email,Subtotal,Total Refunded\n"
    '000000001,"Main Website",Jan 5 2024 9:15:02 AM,Amy Ames,120.00,120.00,Complete,'
    "amy@example.com,110.00,0.00\n"
    '000000002,"Main Website","Jan 18, 2024 4:40:11 PM",Ben Bell,60.00,60.00,Complete,'
    "ben@example.com,55.00,0.00\n"
    '000000003,"Main Website","Feb 2, 2024 11:05:00 AM",Amy Ames,1320.00,1320.00,Processing,'
    "amy@example.com,1300.00,0.00\n"
    '000000004,"Main Website","January 15, 2024 12:05 PM",Cid Cole,90.00,90.00,Complete,'
    "cid@example.com,85.00,30.00\n"
)

WIX = (
    "Order number,Date created,Time,Billing customer,Contact email,Item,Qty,Price,Total,"
    "Currency,Payment status\n"
    '10001,"Jan 5, 2024",9:15 AM,Anna Berg,anna@example.com,Mug,1,12.00,37.00,USD,Paid\n'
    '10001,"Jan 5, 2024",9:15 AM,Anna Berg,anna@example.com,Tee,1,20.00,37.00,USD,Paid\n'
    '10002,"Feb 10, 2024",2:30 PM,Ben Moss,ben@example.com,Cap,1,25.00,30.00,USD,Paid\n'
    '10003,"Mar 3, 2024",11:00 AM,Anna Berg,anna@example.com,Tee,2,20.00,40.00,USD,Paid\n'
)


def test_month_name_dates_read_without_a_format(tmp_path: Path) -> None:
    text = MAGENTO.replace("Jan 5 2024 9:15:02 AM", '"Jan 5, 2024 9:15:02 AM"')
    path = _write(tmp_path, "magento_sales_order_grid.csv", text)
    out = _check(path, "--amount", "Grand Total (Base)")
    assert out["rows_kept"] == 4
    assert out["mapping"]["timestamp"] == "Purchase Date"


def test_wix_date_column_over_its_time_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "wix_orders.csv", WIX)
    out = _check(path)
    assert out["mapping"]["timestamp"] == "Date created"
    assert out["mapping"]["customer_id"] == "Contact email"
    assert out["rows_kept"] == 4


def test_day_format_on_values_with_a_time_reads_the_day(tmp_path: Path) -> None:
    path = _write(tmp_path, "wix_orders.csv", WIX)
    out = _check(path, "--date-format", "%b %d, %Y")
    assert out["rows_kept"] == 4
    assert "time of day" in _notes(out)
    fr = _cli("check", path, "--date-format", "%b %d, %Y", lang="fr")
    assert fr.returncode == 0 and "heure" in fr.stdout + fr.stderr


# --- C. platform headers --------------------------------------------------------------------


def test_bigcommerce_totals_without_tax_and_its_refund_column(tmp_path: Path) -> None:
    text = BIGCOMMERCE.replace("1002,102,Bob Jones,bob@example.com,20/01/2024,Shipped,55.00,"
                               "50.00,55.00,50.00,USD,0.00",
                               "1002,102,Bob Jones,bob@example.com,20/01/2024,Shipped,55.00,"
                               "50.00,55.00,50.00,USD,22.00")
    path = _write(tmp_path, "bigcommerce_orders.csv", text)
    out = _check(path)
    assert out["mapping"]["amount"] == "Order Total (ex tax)"
    assert out["mapping"]["refunded"] == "Refund Amount"
    assert out["mapping"]["currency"] == "Order Currency Code"
    assert "without tax" in _notes(out)
    # 100 + 50 - 22 x 50/55 + 30 + 200 + 40 + 20
    assert abs(out["amount_kept"] - 420.0) < 0.01


def test_platform_headers_recognised(tmp_path: Path) -> None:
    magento = _write(tmp_path, "magento.csv", MAGENTO.replace(
        "Jan 5 2024 9:15:02 AM", '"Jan 5, 2024 9:15:02 AM"'))
    out = _check(magento)
    assert out["mapping"]["amount"] == "Grand Total (Base)"
    assert out["mapping"]["refunded"] == "Total Refunded"
    assert abs(out["amount_kept"] - (120 + 60 + 1320 + 90 - 30)) < 0.01
    odoo = _write(tmp_path, "odoo.csv",
                  "Numéro,Date de la commande,Client,Vendeur,Total,Statut\n"
                  "S00001,2024-01-08 09:12:00,Deco Addict,Mitchell Admin,1500.0,Bon de commande\n"
                  "S00002,2024-01-20 14:00:00,Lumber Inc,Mitchell Admin,820.5,Bon de commande\n")
    assert _check(odoo)["mapping"]["timestamp"] == "Date de la commande"
    lemon = _write(tmp_path, "lemon.csv",
                   "id,order_number,user_name,user_email,currency,subtotal,tax,total,status,"
                   "refunded,refunded_amount,created_at\n"
                   "1,1001,Ava,ava@x.dev,USD,49.00,0.00,49.00,paid,false,0,"
                   "2024-01-04T10:00:00.000000Z\n"
                   "2,1002,Ben,ben@x.dev,USD,49.00,9.80,58.80,paid,false,0,"
                   "2024-01-18T10:00:00.000000Z\n")
    assert _check(lemon)["mapping"]["customer_id"] == "user_email"
    mollie = _write(tmp_path, "mollie_nl.csv",
                    "ID;Datum;Betaalmethode;Bedrag;Valuta;Status;Omschrijving;Naam consument;"
                    "Klant-ID;Terugbetaald bedrag\n"
                    "tr_1;2024-01-03 10:15:00;iDEAL;25,00;EUR;paid;Bestelling 1;Anna de Vries;"
                    "cst_A;0,00\n"
                    "tr_2;2024-01-10 11:00:00;iDEAL;40,00;EUR;paid;Bestelling 2;Bram Jansen;"
                    "cst_B;10,00\n")
    out = _check(mollie)
    assert out["mapping"]["customer_id"] == "Klant-ID"
    assert out["mapping"]["refunded"] == "Terugbetaald bedrag"
    assert out["mapping"]["currency"] == "Valuta"
    assert abs(out["amount_kept"] - 55.0) < 0.01


# --- D. refund flags (Gumroad) --------------------------------------------------------------

GUMROAD = (
    "Purchase ID,Item Name,Buyer Name,Purchase Email,Buyer Email,Purchase Date,"
    "Purchase Time (UTC timezone),Subtotal ($),Taxes ($),Sale Price ($),Fees ($),"
    "Refunded?,Partial Refund ($),Fully Refunded?,Disputed?,Order Number\n"
    "p1,Ebook,Amy Ray,amy@example.com,amy@example.com,2024-01-04,10:00:00,29.0,0.0,29.0,"
    "2.90,0,0.0,0,0,1001\n"
    "p2,Course,Bea Lo,bea@example.com,bea@example.com,2024-01-20,11:00:00,99.0,0.0,99.0,"
    "9.90,0,0.0,0,0,1002\n"
    "p3,Ebook,Amy Ray,amy@example.com,amy@example.com,2024-02-10,09:00:00,29.0,0.0,29.0,"
    "2.90,1,0.0,1,0,1003\n"
    "p6,Course,Bea Lo,bea@example.com,bea@example.com,2024-03-22,12:00:00,99.0,0.0,99.0,"
    "9.90,1,40.0,0,0,1006\n"
)


def test_refund_flags_are_not_money(tmp_path: Path) -> None:
    path = _write(tmp_path, "gumroad_sales.csv", GUMROAD)
    out = _check(path)
    assert out["mapping"]["customer_id"] == "Purchase Email"
    assert out["mapping"]["amount"] == "Sale Price ($)"
    assert out["mapping"]["refunded"] == "Partial Refund ($)"
    # 29 + 99 + (29 - 29) + (99 - 40), never a refund of 1 for the flag
    assert abs(out["amount_kept"] - 187.0) < 0.01
    assert "flag" in _notes(out)
    fr = _cli("check", path, lang="fr")
    assert fr.returncode == 0 and "indicateur" in fr.stdout + fr.stderr


def test_a_refund_flag_of_0_and_1_is_never_money(tmp_path: Path) -> None:
    text = "Order,Email,Date,Total,Refunded?\n" \
           "1,a@x.io,2024-01-04,20.00,0\n2,b@x.io,2024-01-05,30.00,1\n" \
           "3,a@x.io,2024-02-04,10.00,0\n"
    out = _check(_write(tmp_path, "flags.csv", text))
    assert "refunded" not in out["mapping"]
    assert abs(out["amount_kept"] - 60.0) < 0.01  # never 30 - 1


# --- E. an order's total repeated on each of its lines (Wix) ---------------------------------


def test_wix_order_total_counted_once_per_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "wix_orders.csv", WIX)
    out = _check(path)
    assert abs(out["amount_kept"] - (37 + 30 + 40)) < 0.01  # never 37 twice
    assert "counted once" in _notes(out)
    said = _summary(path)
    assert said["customers"] == 2 and abs(said["amount"] - 107.0) < 0.01
    fr = _cli("check", path, lang="fr")
    assert fr.returncode == 0 and "une fois" in fr.stdout + fr.stderr


def test_line_totals_of_equal_value_stay_line_totals(tmp_path: Path) -> None:
    text = ("Order ID,Email,Date,Item,Price,Qty,Line Total\n"
            "1,a@x.io,2024-01-04,Mug,10.00,1,10.00\n1,a@x.io,2024-01-04,Cap,10.00,1,10.00\n"
            "2,b@x.io,2024-01-05,Tee,5.00,2,10.00\n")
    out = _check(_write(tmp_path, "lines.csv", text))
    assert abs(out["amount_kept"] - 30.0) < 0.01


# --- F. Squarespace's further lines of an order ---------------------------------------------

SQUARESPACE = (
    "Order ID,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,"
    "Taxes,Amount Refunded,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
    "Lineitem sku,Billing Name,Cancelled at\n"
    "00101,ann@example.com,PAID,2024-01-05 09:15:02 -0500,FULFILLED,USD,40.00,5.00,0.00,"
    "0.00,45.00,2024-01-05 09:15:02 -0500,1,Mug,15.00,SQ123,Jo Bloggs,\n"
    "00101,,,,,,,,,,,,1,Poster,25.00,SQ124,,\n"
    "00102,bob@example.com,PAID,2024-01-20 10:00:00 -0500,FULFILLED,USD,30.00,0.00,0.00,"
    "0.00,30.00,2024-01-20 10:00:00 -0500,1,Tee,30.00,SQ125,Bob Bell,\n"
    "00103,ann@example.com,PAID,2024-02-03 12:00:00 -0500,FULFILLED,USD,60.00,0.00,0.00,"
    "0.00,60.00,2024-02-03 12:00:00 -0500,2,Mug,15.00,SQ123,Jo Bloggs,\n"
    "00103,,,,,,,,,,,,1,Cap,30.00,SQ126,,\n"
)


def test_squarespace_further_lines_belong_to_their_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "squarespace_orders.csv", SQUARESPACE)
    out = _check(path)
    assert out["rows_kept"] == 5 and out["rows_excluded"] == 0
    assert abs(out["amount_kept"] - 135.0) < 0.01
    assert "further lines" in _notes(out)
    said = _summary(path)
    assert said["customers"] == 2
    fr = _cli("check", path, lang="fr")
    assert fr.returncode == 0 and "autres lignes" in fr.stdout + fr.stderr


# --- G. Sage's credit notes and its HT / TTC columns ------------------------------------------

SAGE = (
    "Type de pièce;N° pièce;Date;Code client;Intitulé;Référence;Désignation;Qté;PU HT;"
    "Montant HT;Montant TTC\r\n"
    "Facture;FA00101;05/01/2024;CLI001;Boulangerie Hélène;ART01;Farine T55 25kg;4;18,50;"
    "74,00;88,80\r\n"
    "Facture;FA00102;12/01/2024;CLI002;Café Müller;ART01;Farine T55 25kg;10;18,50;185,00;"
    "222,00\r\n"
    "Facture;FA00103;02/02/2024;CLI001;Boulangerie Hélène;ART01;Farine T55 25kg;4;18,50;"
    "74,00;88,80\r\n"
    "Avoir;AV00001;09/02/2024;CLI002;Café Müller;ART01;Retour farine abîmée;2;18,50;37,00;"
    "44,40\r\n"
    "Facture;FA00105;04/03/2024;CLI002;Café Müller;ART02;Levure fraîche;5;6,00;30,00;"
    "36,00\r\n"
    ";;;;;;Total;;;400,00;480,00\r\n"
)


def test_sage_credit_notes_are_refunds_and_the_tax_basis_is_said(tmp_path: Path) -> None:
    path = _write(tmp_path, "sage_lignes_ventes_fr.csv", SAGE, encoding="cp1252")
    out = _check(path)
    assert out["mapping"]["amount"] == "Montant TTC"
    # 88.80 + 222 + 88.80 - 44.40 + 36: the credit note deducted, never a purchase
    assert abs(out["amount_kept"] - 391.20) < 0.01
    notes = _notes(out)
    assert "credit note" in notes and "Montant HT" in notes
    assert [e["reason"] for e in out["exclusions"]] == ["totals row"]
    fr = _cli("check", path, lang="fr")
    assert fr.returncode == 0 and "avoir" in fr.stdout + fr.stderr
    assert "hors taxes" in fr.stdout + fr.stderr
