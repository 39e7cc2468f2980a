"""Reader defects found on real exports by a new user (WooCommerce, Shopify): guest checkouts
keyed by customer id 0, WooCommerce's ``wc-`` statuses, emails as ids in mixed case, ids
written both as integers and as floats, and the line items of excluded orders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from clv import read_transactions

WOO_HEADER = ("Order ID,Order Number,Order Date,Order Status,Customer User ID,Billing First Name,"
              "Billing Last Name,Billing Email,Billing Country,Order Currency,"
              "Payment Method Title,Order Total Amount,Item Name,Quantity (- Refund),Item Cost")


def woo(rows: list[tuple[int, str, str, str, str, str]], *, email: bool = True) -> str:
    """A WooCommerce orders export (the columns of the usual export plugin) of rows
    (order id, date, status, customer user id, billing email, total)."""
    header = WOO_HEADER if email else WOO_HEADER.replace("Billing Email,", "")
    lines = [header]
    for oid, day, status, user, mail, total in rows:
        cells = [str(oid), str(oid), day, status, user, "Marie", "Dupont",
                 *([mail] if email else []), "FR", "EUR", "Carte bancaire (Stripe)", total,
                 "Canvas Tote Bag", "1", total]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


STATUSES = ["completed", "processing", "refunded", "cancelled", "failed", "on-hold",
            "pending", "checkout-draft"]


def test_woocommerce_statuses_read_the_same_with_or_without_their_wc_prefix(tmp_path):
    rows = [(2310 + i, f"2023-01-{i + 1:02d} 14:52", s, str(300 + i), f"c{i}@example.fr",
             f"{10 + i}.50") for i, s in enumerate(STATUSES)]
    plain = read_transactions(write(tmp_path, "plain.csv", woo(rows)))
    prefixed = read_transactions(write(tmp_path, "wc.csv", woo(
        [(o, d, f"wc-{s}", u, e, t) for o, d, s, u, e, t in rows])))
    for tx in (plain, prefixed):
        assert tx.frame["customer_id"].to_list() == ["300", "301"]  # completed, processing
        (out,) = tx.issues.exclusions
        assert out.reason.startswith("order status not paid") and out.count == 6
        assert out.amount == sum(12.5 + k for k in range(6))
    assert prefixed.frame.equals(plain.frame)


GUESTS = [(2310, "2023-01-01 14:52", "wc-completed", "0", "client255@example.fr", "62.50"),
          (2311, "2023-01-05 22:49", "wc-completed", "0", "client125@example.fr", "27.10"),
          (2312, "2023-01-09 05:21", "wc-completed", "348", "client248@example.fr", "49.30"),
          (2313, "2023-02-09 05:21", "wc-completed", "0", " Client255@Example.fr ", "20.00"),
          (2314, "2023-02-10 10:00", "wc-completed", "", "client300@example.fr", "15.00"),
          (2315, "2023-02-11 10:00", "wc-completed", "348", "client248@example.fr", "10.00"),
          (2316, "2023-02-12 10:00", "wc-completed", "0", "", "7.25")]


def test_woocommerce_guests_are_told_apart_by_their_billing_email(tmp_path):
    tx = read_transactions(write(tmp_path, "woo.csv", woo(GUESTS)))
    by = dict(tx.frame.group_by("customer_id").agg(pl.col("amount").sum()).iter_rows())
    assert by == {"client255@example.fr": 82.5, "client125@example.fr": 27.1,
                  "348": 59.3, "client300@example.fr": 15.0}
    assert "0" not in by
    (note,) = [n for n in tx.issues.notes if getattr(n, "key", "") == "guest_emails"]
    assert note.values == {"n": 4, "column": "Customer User ID", "email": "Billing Email"}
    # a guest without an email is not merged into a customer '0': excluded, counted
    (out,) = tx.issues.exclusions
    assert (out.reason, out.count, out.amount) == ("guest checkout without customer id", 1, 7.25)
    assert out.examples[0]["Billing Email"] is None and out.examples[0]["row"] == 8
    assert tx.issues.balanced and tx.issues.rows_kept + 1 == 7


def test_woocommerce_guests_without_an_email_column_are_excluded_not_merged(tmp_path):
    tx = read_transactions(write(tmp_path, "woo.csv", woo(GUESTS, email=False)))
    assert sorted(tx.frame["customer_id"].to_list()) == ["348", "348"]
    guests, missing = tx.issues.exclusions
    assert (guests.reason, guests.count, guests.amount) == (
        "guest checkout without customer id", 4, 62.5 + 27.1 + 20.0 + 7.25)
    assert (missing.reason, missing.count, missing.amount) == ("missing customer id", 1, 15.0)
    assert tx.issues.balanced and not any(getattr(n, "key", "") == "guest_emails"
                                          for n in tx.issues.notes)


def test_a_user_id_column_of_any_export_marks_guests_by_0(tmp_path):
    text = ("user_id,email,date,amount\n0,a@x.com,2024-01-01,10\n0,b@x.com,2024-01-02,20\n"
            "7,c@x.com,2024-01-03,30\n")
    tx = read_transactions(write(tmp_path, "shop.csv", text))
    assert sorted(tx.frame["customer_id"].to_list()) == ["7", "a@x.com", "b@x.com"]
    # a customer column that is not a user id keeps its 0 as a customer
    plain = read_transactions(write(tmp_path, "plain.csv", text.replace("user_id", "client")))
    assert sorted(plain.frame["customer_id"].to_list()) == ["0", "0", "7"]


def test_clv_check_keys_woocommerce_guests_by_email(tmp_path):
    path = write(tmp_path, "woocommerce_orders.csv", woo(GUESTS))
    script = Path(sys.executable).with_name("clv")
    done = subprocess.run([str(script), "check", str(path), "--json"], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows_read"], report["rows_kept"], report["balanced"]) == (7, 6, True)
    assert [(e["reason"], e["count"]) for e in report["exclusions"]] == [
        ("guest checkout without customer id", 1)]
    assert "4 rows of guest checkouts ('Customer User ID' 0 or blank) are told apart by their " \
        "email in 'Billing Email' (lower-cased); the other rows by their id" in report["notes"]


def test_emails_as_customer_ids_are_compared_without_case(tmp_path):
    text = ("customer,date,amount\nanna@x.com,2024-01-01,10\nANNA@X.COM ,2024-02-01,20\n"
            "Bob@Y.org,2024-01-05,5\nbob@y.org,2024-03-05,6\nBOB@Y.ORG,2024-04-05,7\n"
            "carl@z.net,2024-01-09,8\n")
    tx = read_transactions(write(tmp_path, "emails.csv", text))
    by = dict(tx.frame.group_by("customer_id").agg(pl.len()).iter_rows())
    assert by == {"anna@x.com": 2, "bob@y.org": 3, "carl@z.net": 1}
    (note,) = [n for n in tx.issues.notes if getattr(n, "key", "") == "email_ids_merged"]
    assert note.values == {"n": 3, "column": "customer"}
    # already lower case: no note
    lower = read_transactions(write(tmp_path, "lower.csv", text.lower()))
    assert not any(getattr(n, "key", "") == "email_ids_merged" for n in lower.issues.notes)
    # ids that are not emails keep their case
    codes = read_transactions(write(tmp_path, "codes.csv", "customer,date,amount\n"
                                    "AB1,2024-01-01,1\nab1,2024-01-02,2\n"))
    assert sorted(codes.frame["customer_id"].to_list()) == ["AB1", "ab1"]


def test_every_table_keys_emails_alike():
    from clv.data.ids import clean_ids, clean_ids_merged

    ids = pl.Series("c", [" Anna@X.com", "anna@x.com", None, "B@y.fr"])
    assert clean_ids(ids).to_list() == ["anna@x.com", "anna@x.com", None, "b@y.fr"]
    assert clean_ids_merged(ids)[1] == 1


def test_integer_ids_written_as_floats_or_not_are_one_customer(tmp_path):
    text = ("customer,date,amount\n12346,2024-01-01,10\n12346.0,2024-02-01,20\n"
            "-7.00,2024-01-05,5\n-7,2024-03-05,6\n,2024-03-05,1\n")
    tx = read_transactions(write(tmp_path, "ids.csv", text))
    by = dict(tx.frame.group_by("customer_id").agg(pl.col("amount").sum()).iter_rows())
    assert by == {"12346": 30.0, "-7": 11.0}
    # one id that is not an integer leaves every id as written
    mixed = read_transactions(write(tmp_path, "mixed.csv", text + "12.5,2024-03-06,1\n"))
    assert sorted(mixed.frame["customer_id"].unique().to_list()) == [
        "-7", "-7.00", "12.5", "12346", "12346.0"]


SHOPIFY_HEADER = ("Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Created at,"
                  "Lineitem quantity,Lineitem name,Lineitem price,Refunded Amount,Id")


def shopify(orders: list[tuple[str, str, str, str, str, list[str]]]) -> str:
    """A Shopify orders export: per order (name, email, status, currency, created at, the
    prices of its lines), its order-level fields on its first line only, as Shopify writes."""
    lines = [SHOPIFY_HEADER]
    for name, email, status, currency, created, prices in orders:
        subtotal = f"{sum(float(p) for p in prices):.2f}"
        for i, price in enumerate(prices):
            first = i == 0
            lines.append(",".join([
                name, email, status if first else "", created if first else "",
                currency if first else "", subtotal if first else "",
                subtotal if first else "", created, "1", f"Item {i}", price,
                "0.00" if first else "", "500" + name[1:] if first else ""]))
    return "\n".join(lines) + "\n"


ORDERS = [("#1001", "ann@x.com", "paid", "CAD", "2023-01-01 13:10:36 -0500", ["24.00", "35.00"]),
          ("#1002", "ben@x.com", "pending", "CAD", "2023-01-02 10:00:00 -0500",
           ["10.00", "11.00", "12.00"]),
          ("#1003", "cid@x.com", "paid", "USD", "2023-01-03 10:00:00 -0500", ["5.00", "6.00"]),
          ("#1004", "ann@x.com", "refunded", "CAD", "2022-12-01 10:00:00 -0500",
           ["7.00", "8.00"]),
          ("#1005", "dee@x.com", "paid", "CAD", "2023-01-05 10:00:00 -0500", ["9.00"])]


def test_the_lines_of_an_excluded_order_are_excluded_with_it(tmp_path):
    tx = read_transactions(write(tmp_path, "orders_export.csv", shopify(ORDERS)),
                           currency="CAD")
    assert tx.frame.select("customer_id", "amount").rows() == [
        ("ann@x.com", 59.0), ("ann@x.com", 0.0), ("dee@x.com", 9.0)]
    out = {e.reason: (e.count, e.amount) for e in tx.issues.exclusions}
    assert out == {
        "order status not paid (failed, cancelled, refunded, awaiting payment)": (5, 48.0),
        "other currency": (2, 11.0)}
    assert tx.issues.balanced and tx.issues.rows_read == 10
    assert "1 line item without its own amount belongs to an order whose amount is on " \
        "another line; kept with amount 0" in tx.issues.notes
    # ann's first purchase is her paid order, not a line of her refunded one
    assert str(tx.frame["timestamp"].min()).startswith("2023-01-01")
