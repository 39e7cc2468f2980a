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
