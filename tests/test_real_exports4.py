"""Readers on real platform exports, fourth round (a new user's trial): two-digit years
(Etsy's and many US exports' MM/DD/YY), PayPal's activity download, Etsy's Sold Orders,
German and platform headers, walk-in placeholders of tills, a customer column holding one
value, an accounting journal with a single account column, and time-zone columns. Each
through the installed ``clv`` script, and the library where the values matter."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import pytest

import clv
import clv.data.dates
from clv.data import issues as why
from exporttools import check as _check
from exporttools import cli as _cli
from exporttools import write as _write

AS_OF = dt.datetime(2026, 1, 1)


def _keys(tx: Any) -> list[str]:
    return [getattr(n, "key", "") for n in tx.issues.notes]


def _note(tx: Any, key: str) -> Any:
    return next(n for n in tx.issues.notes if getattr(n, "key", "") == key)


# --- two-digit years ---------------------------------------------------------------------------

US_ORDERS = (
    "Order ID,Customer,Order Date,Total\n"
    "1001,a@x.io,01/08/24,10.00\n"
    "1002,b@x.io,01/13/24,20.00\n"  # day 13: month first
    "1003,a@x.io,12/31/99,5.00\n"  # 99: 1999
    "1004,c@x.io,02/01/25 14:05,7.50\n"
)


def test_two_digit_years_are_of_the_2000s_not_the_year_24(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "orders.csv", US_ORDERS), as_of=AS_OF)
    stamps = dict(zip(tx.frame["order_id"], tx.frame["timestamp"], strict=True))
    assert stamps == {"1001": dt.datetime(2024, 1, 8), "1002": dt.datetime(2024, 1, 13),
                      "1003": dt.datetime(1999, 12, 31),
                      "1004": dt.datetime(2025, 2, 1, 14, 5)}
    assert _note(tx, "two_digit_years").values["example"] == "01/08/24"
    assert _note(tx, "date_order").values["order"] == "MM/DD/YYYY"
    assert tx.issues.rows_excluded == 0


def test_the_pivot_is_strptimes(tmp_path):
    text = "Customer,Order Date,Total\na,12/31/68,1\nb,12/31/70,2\nc,12/31/00,3\n"
    tx = clv.read_transactions(_write(tmp_path, "o.csv", text), as_of=AS_OF)
    years = {r["customer_id"]: r["timestamp"].year for r in tx.frame.iter_rows(named=True)}
    assert years == {"b": 1970, "c": 2000}
    assert tx.issues.excluded(why.FUTURE_DATE) == 1  # 68 is 2068: in the future, counted
    # the same read with the format given (Polars' own %y reads 69 as 2069)
    given = clv.read_transactions(tmp_path / "o.csv", date_format="%m/%d/%y", as_of=AS_OF)
    assert {r["customer_id"]: r["timestamp"].year
            for r in given.frame.iter_rows(named=True)} == years
    parsed = clv.data.dates.parse_dates(pl.Series("d", ["01/31/69", "01/31/68"]))
    assert parsed.values.dt.year().to_list() == [1969, 2068]
    given69 = clv.data.dates.parse_dates(pl.Series("d", ["01/31/69"]), "%m/%d/%y")
    assert given69.values.dt.year().to_list() == [1969]


def test_clv_check_reads_two_digit_years(tmp_path):
    out = _check(_write(tmp_path, "orders.csv", US_ORDERS))
    assert out["rows_kept"] == 4 and out["exclusions"] == []
    assert any("two digits" in n and "2024" in n for n in out["notes"])
    french = _cli("check", tmp_path / "orders.csv", lang="fr")
    assert french.returncode == 0 and "deux chiffres" in french.stdout


def test_ambiguous_two_digit_years_ask_for_the_order(tmp_path):
    path = _write(tmp_path, "orders.csv",
                  "Customer,Order Date,Total\na,01/08/24,10\nb,02/03/24,20\n")
    done = _cli("check", path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    said = done.stderr + done.stdout
    assert "Order Date" in said and "--date-format" in said
    out = _check(path, "--date-format", "%m/%d/%y")
    assert out["rows_kept"] == 2
    tx = clv.read_transactions(path, date_format="mdy", as_of=AS_OF)
    assert sorted(tx.frame["timestamp"].to_list()) == [dt.datetime(2024, 1, 8),
                                                       dt.datetime(2024, 2, 3)]


# --- PayPal activity download ------------------------------------------------------------------

PAYPAL_HEADER = (
    '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net",'
    '"From Email Address","To Email Address","Transaction ID","Shipping Address",'
    '"Address Status","Item Title","Item ID","Shipping and Handling Amount","Insurance Amount",'
    '"Sales Tax","Option 1 Name","Option 1 Value","Option 2 Name","Option 2 Value",'
    '"Reference Txn ID","Invoice Number","Custom Number","Quantity","Receipt ID","Balance",'
    '"Address Line 1","Address Line 2/District/Neighborhood","Town/City",'
    '"State/Province/Region/County/Territory/Prefecture/Republic","Zip/Postal Code","Country",'
    '"Contact Phone Number","Subject","Note","Country Code","Balance Impact"\n')


def _paypal_row(date: str, time: str, name: str, kind: str, status: str, gross: str, fee: str,
                net: str, sender: str, receiver: str, txn: str, ref: str, impact: str) -> str:
    cells = [date, time, "PST", name, kind, status, "USD", gross, fee, net, sender, receiver,
             txn, "", "", "", "", "", "", "", "", "", "", "", ref, "", "", "", "", "0.00", "",
             "", "", "", "", "", "", "", "", "", impact]
    return ",".join(f'"{c}"' for c in cells) + "\n"


SHOP = "shop@myshop.com"
PAYPAL = PAYPAL_HEADER + "".join(_paypal_row(*r) for r in [
    ("01/05/2024", "09:12:44", "Ann Buyer", "Express Checkout Payment", "Completed", "120.00",
     "-3.78", "116.22", "ann@example.com", SHOP, "1AB23456CD789012E", "", "Credit"),
    ("01/19/2024", "14:03:10", "Bob Client", "Website Payment", "Completed", "80.00", "-2.62",
     "77.38", "bob@example.com", SHOP, "2AB23456CD789012E", "", "Credit"),
    # a refund: from the shop's own email to the buyer's
    ("01/21/2024", "10:00:00", "Ann Buyer", "Payment Refund", "Completed", "-30.00", "0.90",
     "-29.10", SHOP, "ann@example.com", "3AB23456CD789012E", "1AB23456CD789012E", "Debit"),
    ("01/25/2024", "08:00:00", "", "General Withdrawal", "Completed", "-150.00", "0.00",
     "-150.00", SHOP, "", "4AB23456CD789012E", "", "Debit"),
    ("02/02/2024", "11:30:00", "", "General Currency Conversion", "Completed", "-10.00",
     "0.00", "-10.00", SHOP, "", "5AB23456CD789012E", "", "Debit"),
    ("02/03/2024", "16:45:00", "Cara Doe", "Express Checkout Payment", "Pending", "55.00",
     "-1.90", "53.10", "cara@example.com", SHOP, "6AB23456CD789012E", "", "Credit"),
    ("02/14/2024", "12:00:00", "Bob Client", "Express Checkout Payment", "Completed", "45.50",
     "-1.62", "43.88", "bob@example.com", SHOP, "7AB23456CD789012E", "", "Credit"),
    ("02/15/2024", "12:00:00", "", "Payment Hold", "Completed", "-43.88", "0.00", "-43.88",
     SHOP, "", "8AB23456CD789012E", "7AB23456CD789012E", "Debit"),
    # the shop paying a supplier: a payment, sent
    ("02/20/2024", "12:00:00", "Supplier Co", "Website Payment", "Completed", "-20.00", "0.00",
     "-20.00", SHOP, "sales@supplier.com", "9AB23456CD789012E", "", "Debit"),
    ("02/21/2024", "12:00:00", "Dan Denied", "Express Checkout Payment", "Denied", "70.00",
     "0.00", "70.00", "dan@example.com", SHOP, "0AB23456CD789012E", "", "Credit"),
    ("02/22/2024", "12:00:00", "", "Payment Release", "Completed", "43.88", "0.00", "43.88",
     "", SHOP, "1BB23456CD789012E", "7AB23456CD789012E", "Credit"),
])


def test_a_paypal_activity_takes_buyers_payments_and_refunds(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "Download.CSV", PAYPAL), as_of=AS_OF)
    assert tx.mapping.preset == "paypal"
    assert tx.mapping["customer_id"] == "From Email Address"
    assert tx.mapping["amount"] == "Gross"
    rows = sorted(zip(tx.frame["customer_id"], tx.frame["amount"], strict=True))
    assert rows == [("ann@example.com", -30.0), ("ann@example.com", 120.0),
                    ("bob@example.com", 45.5), ("bob@example.com", 80.0)]
    assert SHOP not in tx.frame["customer_id"].to_list()
    # the refund refers to Ann's payment (Reference Txn ID): netted against its period
    refund = tx.frame.filter(pl.col("amount") < 0).row(0, named=True)
    assert refund["order_id"] == "1AB23456CD789012E"
    assert refund["order_time"] == dt.datetime(2024, 1, 5, 9, 12, 44)
    assert _note(tx, "refunds_linked").values["n"] == 1
    # withdrawal, conversion, hold, release, a payment sent: no sale, counted
    assert tx.issues.excluded(why.NOT_SALES) == 5
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 2  # pending, denied
    assert tx.issues.rows_read == tx.issues.rows_kept + tx.issues.rows_excluded == 11
    assert tx.issues.balanced
    said = _note(tx, "payment_activity").values
    # payments received (2 of them pending or denied, excluded as such), the refund, others
    assert (said["sales"], said["refunds"], said["other"]) == (5, 1, 5)
    assert tx.frame.sort("timestamp")["timestamp"][0] == dt.datetime(2024, 1, 5, 9, 12, 44)
    # the dates are as written in PayPal's time zone column, said
    zone = _note(tx, "zone_column").values
    assert (zone["column"], zone["example"], zone["zone"]) == ("TimeZone", "'PST'", "UTC")
    given = clv.read_transactions(tmp_path / "Download.CSV", as_of=AS_OF,
                                  source_timezone="America/Los_Angeles")
    assert "zone_column" not in _keys(given)  # the zone given is the user's say
    assert given.frame["timestamp"].min() == dt.datetime(2024, 1, 5, 17, 12, 44)


def test_clv_check_and_summary_agree_on_a_paypal_activity(tmp_path):
    path = _write(tmp_path, "Download.CSV", PAYPAL)
    out = _check(path)
    assert out["rows_kept"] == 4 and out["amount_kept"] == pytest.approx(215.50)
    reasons = {e["reason"]: e["count"] for e in out["exclusions"]}
    assert reasons == {why.NOT_SALES: 5, why.STATUS_NOT_PAID: 2}
    summary = _cli("summary", path, "--json")
    assert summary.returncode == 0, summary.stderr
    assert "Traceback" not in summary.stderr
    said = json.loads(summary.stdout)
    assert said["data"]["rows_kept"] == out["rows_kept"]  # the same read as check's
    assert said["data"]["exclusions"] == out["exclusions"]
    assert said["summary"]["customers"] == 2  # ann and bob, never the shop's own email
    assert said["summary"]["amount"] == pytest.approx(out["amount_kept"])
    french = _cli("check", path, lang="fr")
    assert french.returncode == 0 and "compte de paiement" in french.stdout
    assert "fuseau horaire" in french.stdout and "TimeZone" in french.stdout


PAYPAL_FR = (
    '"Date","Heure","Fuseau horaire","Nom","Type","État","Devise","Brut","Frais","Net",'
    '"De l\'adresse email","À l\'adresse email","Numéro de transaction","Adresse de livraison",'
    '"Statut de l\'adresse","Titre de l\'objet","Numéro de l\'objet","Montant des frais '
    'd\'expédition et de traitement","Montant de l\'assurance","TVA",'
    '"Numéro de transaction de référence","Numéro de facture","Numéro personnalisé","Quantité",'
    '"Numéro de reçu","Solde","Pays","Numéro de téléphone du contact","Objet","Remarque",'
    '"Indicatif pays","Impact sur le solde"\n'
    '"05/01/2024","09:12:44","CET","Anne Martin","Paiement Express Checkout","Terminé","EUR",'
    '"120,00","-3,78","116,22","anne@exemple.fr","boutique@maboutique.fr","1AB23456CD789012E",'
    '"","","Tasse bleue","","","","","","","","1","","116,22","","","","","FR","Crédit"\n'
    '"19/01/2024","14:03:10","CET","Luc Petit","Paiement sur site marchand","Terminé","EUR",'
    '"80,00","-2,62","77,38","luc@exemple.fr","boutique@maboutique.fr","2AB23456CD789012E",'
    '"","","Tasse rouge","","","","","","","","1","","193,60","","","","","FR","Crédit"\n'
    '"21/01/2024","10:00:00","CET","Anne Martin","Remboursement de paiement","Terminé","EUR",'
    '"-30,00","0,90","-29,10","boutique@maboutique.fr","anne@exemple.fr","3AB23456CD789012E",'
    '"","","Tasse bleue","","","","","1AB23456CD789012E","","","","","164,50","","","","","FR",'
    '"Débit"\n'
    '"25/01/2024","08:00:00","CET","","Virement standard vers un compte bancaire","Terminé",'
    '"EUR","-150,00","0,00","-150,00","boutique@maboutique.fr","","4AB23456CD789012E","","",'
    '"","","","","","","","","","","14,50","","","","","","Débit"\n'
    '"03/02/2024","16:45:00","CET","Claire Roy","Paiement Express Checkout","En attente","EUR",'
    '"55,00","-1,90","53,10","claire@exemple.fr","boutique@maboutique.fr","6AB23456CD789012E",'
    '"","","Tasse verte","","","","","","","","1","","14,50","","","","","FR","Crédit"\n'
)


def test_a_french_paypal_activity_is_read_the_same_way(tmp_path):
    path = _write(tmp_path, "Telechargement.CSV", PAYPAL_FR)
    out = _check(path)
    assert out["rows_kept"] == 3 and out["amount_kept"] == pytest.approx(170.0)
    reasons = {e["reason"]: e["count"] for e in out["exclusions"]}
    assert reasons == {why.NOT_SALES: 1, why.STATUS_NOT_PAID: 1}
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.mapping.preset == "paypal"
    assert sorted(zip(tx.frame["customer_id"], tx.frame["amount"], strict=True)) == [
        ("anne@exemple.fr", -30.0), ("anne@exemple.fr", 120.0), ("luc@exemple.fr", 80.0)]
    assert tx.frame["timestamp"].min() == dt.datetime(2024, 1, 5, 9, 12, 44)  # day first


# --- headers of Etsy, PayPal and German exports ------------------------------------------------

@pytest.mark.parametrize(("header", "fields"), [
    ("Buyer User ID,Sale Date,Gross", ("Buyer User ID", "Sale Date", "Gross")),
    ("Buyer,Sale Date,Brut", ("Buyer", "Sale Date", "Brut")),
    ("From Email Address,Date,Gross", ("From Email Address", "Date", "Gross")),
    ("Kunde,Datum,Betrag", ("Kunde", "Datum", "Betrag")),
    ("Kundennummer,Bestelldatum,Gesamtbetrag", ("Kundennummer", "Bestelldatum",
                                                "Gesamtbetrag")),
])
def test_platform_and_german_headers_are_found(tmp_path, header, fields):
    rows = "".join(f"c{i % 3},2024-0{1 + i % 5}-1{i},{10 + i}.50\n" for i in range(6))
    out = _check(_write(tmp_path, "export.csv", header + "\n" + rows))
    assert (out["mapping"]["customer_id"], out["mapping"]["timestamp"],
            out["mapping"]["amount"]) == fields
    assert out["rows_kept"] == 6


def test_a_german_export_reads_its_dates_day_first(tmp_path):
    text = ("Bestellnummer;Kundennummer;Bestelldatum;Gesamtbetrag\n"
            '1001;K-1;03.01.2024;"19,90"\n1002;K-2;04.02.2024;"5,00"\n'
            '1003;K-1;05.02.2024;"7,50"\n')
    path = _write(tmp_path, "bestellungen.csv", text)
    out = _check(path)
    assert out["mapping"]["order_id"] == "Bestellnummer"
    assert out["amount_kept"] == pytest.approx(32.40)
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.frame["timestamp"].min() == dt.datetime(2024, 1, 3)  # 3 January, day first
    assert "dates_day_first" in _keys(tx)


# --- Etsy Sold Orders --------------------------------------------------------------------------

ETSY = (
    "Sale Date,Order ID,Buyer User ID,Full Name,First Name,Last Name,Number of Items,"
    "Payment Method,Date Shipped,Street 1,Street 2,Ship City,Ship State,Ship Zipcode,"
    "Ship Country,Currency,Order Value,Coupon Code,Coupon Details,Discount Amount,"
    "Shipping Discount,Shipping,Sales Tax,Order Total,Status,Card Processing Fees,Order Net,"
    "Adjusted Order Total,Adjusted Card Processing Fees,Adjusted Net Order Amount,Buyer,"
    "Order Type,Payment Type,InPerson Discount,InPerson Location,SKU\n"
    "01/08/24,3170000001,812345678,Ann Smith,Ann,Smith,1,Etsy Payments,01/10/24,1 Main St,,"
    "Portland,OR,97201,United States,USD,24.00,,,0,0,4.50,2.28,30.78,Completed,1.23,29.55,,,,"
    "annsmith12,online,online_cc,,,MUG-BLUE\n"
    # half refunded: the adjusted total is filled
    "02/03/24,3170000002,823456789,Bob Jones,Bob,Jones,2,Etsy Payments,02/05/24,2 Oak Ave,,"
    "Austin,TX,73301,United States,USD,48.00,,,0,0,6.00,3.96,57.96,Completed,2.02,55.94,28.98,"
    "1.01,27.97,bjones,online,online_cc,,,MUG-RED\n"
    "03/11/24,3170000003,812345678,Ann Smith,Ann,Smith,1,Etsy Payments,03/12/24,1 Main St,,"
    "Portland,OR,97201,United States,USD,24.00,SPRING10,10% off,2.40,0,4.50,2.05,28.15,"
    "Completed,1.14,27.01,,,,annsmith12,online,online_cc,,,MUG-BLUE\n"
    "04/02/24,3170000004,834567890,Cara Lee,Cara,Lee,1,PayPal,04/03/24,3 Pine Rd,,Denver,CO,"
    "80201,United States,USD,18.00,,,0,0,4.50,1.62,24.12,Completed,0.98,23.14,,,,caralee,"
    "online,paypal,,,MUG-GREEN\n"
)


def test_an_etsy_sold_orders_export_takes_the_adjusted_total_where_filled(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "EtsySoldOrders2024.csv", ETSY), as_of=AS_OF)
    assert tx.mapping.preset == "etsy"
    assert (tx.mapping["customer_id"], tx.mapping["timestamp"], tx.mapping["amount"]) == (
        "Buyer User ID", "Sale Date", "Order Total")
    by_order = {r["order_id"]: (r["customer_id"], r["timestamp"], r["amount"])
                for r in tx.frame.iter_rows(named=True)}
    assert by_order == {
        "3170000001": ("812345678", dt.datetime(2024, 1, 8), pytest.approx(30.78)),
        "3170000002": ("823456789", dt.datetime(2024, 2, 3), pytest.approx(28.98)),
        "3170000003": ("812345678", dt.datetime(2024, 3, 11), pytest.approx(28.15)),
        "3170000004": ("834567890", dt.datetime(2024, 4, 2), pytest.approx(24.12))}
    adjusted = _note(tx, "adjusted_amounts").values
    assert (adjusted["n"], adjusted["adjusted"], adjusted["column"]) == (
        1, "Adjusted Order Total", "Order Total")
    assert (adjusted["before"], adjusted["after"]) == (pytest.approx(57.96),
                                                       pytest.approx(28.98))
    assert "dates_preset_order" in _keys(tx)  # 01/08/24 read either way: Etsy's month first
    assert tx.issues.balanced


def test_clv_check_reads_etsy_sold_orders(tmp_path):
    path = _write(tmp_path, "EtsySoldOrders2024.csv", ETSY)
    out = _check(path)
    assert out["rows_kept"] == 4 and out["exclusions"] == []
    assert out["amount_kept"] == pytest.approx(30.78 + 28.98 + 28.15 + 24.12)
    assert any("Adjusted Order Total" in n for n in out["notes"])
    french = _cli("check", path, lang="fr")
    assert french.returncode == 0 and "total ajusté" in french.stdout \
        and "mois d'abord" in french.stdout
    day_first = _check(path, "--date-format", "dmy")  # the user's say wins
    assert day_first["rows_kept"] == 4


# --- walk-in placeholders of tills -------------------------------------------------------------

LIGHTSPEED = (
    "Date,Receipt Number,Line Type,Customer Code,Customer Name,Note,Quantity,Subtotal,"
    "Sales Tax,Discount,Loyalty,Total,Paid,Details,Register,User,Status\n"
    "2024-03-01 10:02:11,1001,Sale,WALKIN,,,2,20.00,2.00,0,0,22.00,22.00,,Main Register,Sam,"
    "CLOSED\n"
    "2024-03-01 11:15:40,1002,Sale,C-0001,Ann Smith,,1,15.00,1.50,0,0,16.50,16.50,,"
    "Main Register,Sam,CLOSED\n"
    "2024-03-02 09:30:00,1003,Sale,WALKIN,,,1,8.00,0.80,0,0,8.80,8.80,,Main Register,Sam,"
    "CLOSED\n"
    "2024-03-05 16:20:05,1004,Sale,C-0002,Bob Jones,,3,30.00,3.00,0,0,33.00,33.00,,"
    "Main Register,Kim,CLOSED\n"
    "2024-03-09 12:00:00,1005,Sale,C-0001,Ann Smith,,1,12.00,1.20,0,0,13.20,13.20,,"
    "Main Register,Kim,CLOSED\n"
    "2024-03-10 13:45:00,1006,Sale,Walk-In Customer,,,1,5.00,0.50,0,0,5.50,5.50,,"
    "Main Register,Kim,CLOSED\n"
)


def test_walk_in_sales_are_excluded_not_one_huge_customer(tmp_path):
    path = _write(tmp_path, "sales.csv", LIGHTSPEED)
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.mapping["customer_id"] == "Customer Code"
    assert sorted(tx.frame["customer_id"].unique().to_list()) == ["C-0001", "C-0002"]
    assert tx.issues.excluded(why.GUEST_CHECKOUT) == 3
    walk = _note(tx, "walk_ins").values
    assert (walk["n"], walk["column"]) == (3, "Customer Code")
    assert "'WALKIN'" in walk["example"] and "'Walk-In Customer'" in walk["example"]
    out = _check(path)
    assert {e["reason"]: e["count"] for e in out["exclusions"]} == {why.GUEST_CHECKOUT: 3}
    assert out["amount_kept"] == pytest.approx(16.50 + 33.00 + 13.20)
    summary = json.loads(_cli("summary", path, "--json").stdout)
    assert summary["summary"]["customers"] == 2


@pytest.mark.parametrize("placeholder", ["Client de passage", "COMPTOIR", "Anonyme",
                                         "Walk in customer", "Guest", "Anonymous"])
def test_french_and_english_placeholders_are_walk_ins(tmp_path, placeholder):
    text = ("Date;Client;Montant TTC\n"
            f"2024-03-01;{placeholder};22,00\n2024-03-02;Durand SARL;16,50\n"
            f"2024-03-03;{placeholder};8,80\n2024-03-04;Martin SA;33,00\n")
    path = _write(tmp_path, "ventes.csv", text)
    out = _check(path)
    assert {e["reason"]: e["count"] for e in out["exclusions"]} == {why.GUEST_CHECKOUT: 2}
    french = _cli("check", path, lang="fr")
    assert french.returncode == 0 and "client fictif de caisse" in french.stdout


def test_a_rare_placeholder_in_a_large_log_is_found_in_every_row():
    """A large log's ids are looked at on a sample, and every row for the usual spellings: a
    'Walk-in Customer' on 3 of 1,000,000 rows, out of the sample, would else be a customer
    with 3 purchases (the sample's draw misses them: checked below)."""
    n = 1_000_000
    at = [700_001, 800_002, 900_003]
    frame = pl.DataFrame({"i": range(n)}).select(
        pl.when(pl.col("i").is_in(at)).then(pl.lit("Walk-in Customer"))
        .otherwise(pl.format("C{}", pl.col("i") % 50_000)).alias("customer_id"),
        (pl.lit(dt.datetime(2023, 1, 1)) + pl.duration(seconds=pl.col("i") * 30))
        .alias("timestamp"),
        pl.lit(10.0).alias("amount"))
    from clv.data.transactions import _look_at
    assert "Walk-in Customer" not in _look_at(frame["customer_id"]).to_list()
    tx = clv.read_transactions(frame)
    assert tx.issues.excluded(why.GUEST_CHECKOUT) == 3
    assert "Walk-in Customer" not in tx.frame["customer_id"].to_list()
    assert _note(tx, "walk_ins").values["n"] == 3


# --- a customer column holding one value -------------------------------------------------------

def _sumup(emails: list[str]) -> str:
    header = ("Email,Date,Transaction ID,Payment Method,Transaction Type,Status,Card Type,"
              "Last 4 Digits,Total Amount,Tip Amount,Fee,Payout Amount,Description\n")
    return header + "".join(
        f"{email},2024-03-{1 + i % 28:02d} 1{i % 10}:05,TX{1000 + i},Card,Sale,Successful,"
        f"VISA,{4000 + i},{10 + i}.00,0.00,0.{10 + i},{9 + i}.{90 - i},Coffee\n"
        for i, email in enumerate(emails))


def test_one_customer_on_every_row_is_said_with_the_other_columns(tmp_path):
    path = _write(tmp_path, "sumup.csv", _sumup(["owner@mycafe.com"] * 24))
    tx = clv.read_transactions(path, as_of=AS_OF)
    said = _note(tx, "one_customer").values
    assert (said["column"], said["rows"], said["example"]) == ("Email", 24, "owner@mycafe.com")
    assert "'Transaction ID'" in said["columns"]
    done = _cli("check", path)
    assert done.returncode == 0 and "cannot tell customers apart" in done.stdout
    assert "--customer" in done.stdout
    french = _cli("check", path, lang="fr")
    assert "ne distingue pas les clients" in french.stdout


def test_one_id_holding_most_rows_is_said(tmp_path):
    emails = ["owner@mycafe.com"] * 20 + [f"c{i}@x.io" for i in range(12)]
    tx = clv.read_transactions(_write(tmp_path, "sumup.csv", _sumup(emails)), as_of=AS_OF)
    said = _note(tx, "dominant_customer").values
    assert (said["example"], said["count"], said["rows"], said["percent"]) == (
        "owner@mycafe.com", 20, 32, 62)
    assert "one_customer" not in _keys(tx)


def test_few_rows_or_spread_customers_say_nothing(tmp_path):
    few = clv.read_transactions(_write(tmp_path, "few.csv", _sumup(["a@x.io"] * 5)),
                                as_of=AS_OF)
    spread = clv.read_transactions(
        _write(tmp_path, "spread.csv", _sumup([f"c{i % 12}@x.io" for i in range(30)])),
        as_of=AS_OF)
    for tx in (few, spread):
        assert not {"one_customer", "dominant_customer"} & set(_keys(tx))


# --- a French journal with one account column (EBP) ---------------------------------------------

EBP = (
    "Code journal;Date;N° pièce;Compte;Libellé;Débit;Crédit\n"
    "VE;05/01/2024;FA0001;411DURAND;Facture Durand;120,00;\n"
    "VE;05/01/2024;FA0001;706000;Facture Durand;;100,00\n"
    "VE;05/01/2024;FA0001;445710;Facture Durand;;20,00\n"
    "VE;19/01/2024;FA0002;411MARTIN;Facture Martin;60,00;\n"
    "VE;19/01/2024;FA0002;706000;Facture Martin;;50,00\n"
    "VE;19/01/2024;FA0002;445710;Facture Martin;;10,00\n"
    "VE;14/02/2024;FA0003;411DURAND;Facture Durand;36,00;\n"
    "VE;14/02/2024;FA0003;707000;Facture Durand;;30,00\n"
    "VE;14/02/2024;FA0003;445710;Facture Durand;;6,00\n"
    # a credit note: the customer's account on the credit side
    "VE;20/02/2024;AV0001;411MARTIN;Avoir Martin;;12,00\n"
    "VE;20/02/2024;AV0001;706000;Avoir Martin;10,00;\n"
    "VE;20/02/2024;AV0001;445710;Avoir Martin;2,00;\n"
)


def test_a_journal_with_one_account_column_takes_its_customer_accounts(tmp_path):
    path = _write(tmp_path, "ecritures_ventes.csv", EBP)
    tx = clv.read_transactions(path, as_of=AS_OF)
    assert tx.mapping["customer_id"] == "Compte"
    assert sorted(tx.frame["customer_id"].unique().to_list()) == ["411DURAND", "411MARTIN"]
    by_customer = dict(tx.frame.group_by("customer_id").agg(pl.col("amount").sum()).iter_rows())
    assert by_customer == {"411DURAND": pytest.approx(156.0), "411MARTIN": pytest.approx(48.0)}
    assert tx.issues.excluded(why.MISSING_CUSTOMER) == 8  # the 706, 707 and 445 lines
    said = _note(tx, "ledger_accounts").values
    assert (said["n"], said["column"]) == (8, "Compte")
    assert "'706000'" in said["example"] and "'445710'" in said["example"]
    ledger = _note(tx, "ledger_sides").values
    assert ledger["plus"] == "Débit"  # told by the customers' lines, not the counterparts
    out = _check(path)
    assert out["rows_kept"] == 4 and out["amount_kept"] == pytest.approx(204.0)
    french = _cli("check", path, lang="fr")
    assert french.returncode == 0 and "contreparties des factures" in french.stdout
    summary = json.loads(_cli("summary", path, "--json").stdout)
    assert summary["summary"]["customers"] == 2


# --- order states of other platforms (a new user's third trial) -----------------------------

STATES = [  # (state as the platform writes it, revenue?)
    ("Awaiting Fulfillment", True), ("Awaiting Shipment", True), ("Awaiting Pickup", True),
    ("Completed", True), ("Shipped", True), ("Partially Refunded", True),
    ("Awaiting Payment", False), ("Incomplete", False), ("Pending", False),  # BigCommerce
    ("past_due", False), ("completed", True),  # Paddle
    ("Devis", False), ("Devis envoyé", False), ("Bon de commande", True),  # Odoo
    ("Suspected Fraud", False), ("Complete", True),  # Magento
    ("expired", False), ("charged_back", False), ("paid", True),  # Mollie
    ("verlopen", False), ("geannuleerd", False), ("betaald", True),  # Mollie, Dutch
    ("fraudulent", False),  # Lemon Squeezy
    ("INCOMPLETE", False), ("AWAITING_PAYMENT", False), ("PAID", True),  # Ecwid
    ("En attente de réapprovisionnement (payé)", True),  # PrestaShop, backorder paid
    ("En attente de paiement par chèque", False)]


def test_order_states_of_other_platforms_are_judged_as_they_mean(tmp_path):
    """BigCommerce's paid 'Awaiting Fulfillment' was excluded as not paid (the prefix
    'awaiting'), its abandoned checkouts ('Incomplete') counted as sales, as were Paddle's
    'past_due', Odoo's quotations, Magento's 'Suspected Fraud', Mollie's 'expired' and
    'charged_back' (and their Dutch words) and Lemon Squeezy's 'fraudulent'."""
    lines = ["Order ID,Customer Email,Order Date,Order Status,Order Total"]
    for i, (state, _) in enumerate(STATES):
        lines.append(f"{1000 + i},c{i}@shop.example,2024-03-{1 + i % 28:02d},\"{state}\","
                     f"{10 + i}.00")
    path = _write(tmp_path, "orders.csv", "\n".join(lines) + "\n")
    out = _check(path)
    kept = [10 + i for i, (_, paid) in enumerate(STATES) if paid]
    assert {e["reason"]: e["count"] for e in out["exclusions"]} == {
        why.STATUS_NOT_PAID: len(STATES) - len(kept)}
    assert out["amount_kept"] == pytest.approx(sum(kept))
    tx = clv.read_transactions(path)
    assert sorted(tx.frame["customer_id"].to_list()) == sorted(
        f"c{i}@shop.example" for i, (_, paid) in enumerate(STATES) if paid)
