"""Reader defects found on real exports by a new user (WooCommerce, Shopify): guest checkouts
keyed by customer id 0, WooCommerce's ``wc-`` statuses, emails as ids in mixed case, ids
written both as integers and as floats, and the line items of excluded orders."""

from __future__ import annotations

from pathlib import Path

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
