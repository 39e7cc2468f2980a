"""Column mapping: which of the user's columns holds each canonical field.

A mapping is explicit (the user names columns), taken from a preset for a known export
(Shopify orders, WooCommerce orders, Stripe payments), detected from common column names, or,
for files without a header, detected from the columns' content. The origin of every field is
kept so that the mapping used can always be shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from clv.errors import MappingError

FIELDS = ("customer_id", "timestamp", "amount", "order_id", "currency", "status", "product",
          "channel", "quantity")
REQUIRED = ("customer_id", "timestamp", "amount")

# Candidate column names per field, compared after lower-casing and removing spaces, '_', '-'.
COMMON_NAMES: dict[str, list[str]] = {
    "customer_id": ["customer_id", "customer", "customerid", "client_id", "client", "clientid",
                    "user_id", "userid", "buyer_id", "member_id", "account_id", "id_client",
                    "customer_email", "email", "cust_id"],
    "timestamp": ["timestamp", "date", "order_date", "purchase_date", "transaction_date",
                  "invoice_date", "datetime", "created_at", "created", "time", "date_commande",
                  "orderdate", "invoicedate"],
    "amount": ["amount", "revenue", "value", "sales", "total", "order_total", "total_amount",
               "net_sales", "price", "montant", "amount_paid", "spend", "dollar_value",
               "monetary_value"],
    "order_id": ["order_id", "order", "order_number", "invoice", "invoice_no", "invoiceno",
                 "transaction_id", "orderid", "commande"],
    "currency": ["currency", "devise", "currency_code"],
    "status": ["status", "order_status", "financial_status", "payment_status"],
    "product": ["product", "product_name", "sku", "item", "item_name", "stockcode", "produit"],
    "channel": ["channel", "acquisition_channel", "source", "utm_source", "canal"],
    "quantity": ["quantity", "qty", "quantite", "number_of_cds"],
}

PRESETS: dict[str, dict[str, list[str]]] = {
    # Shopify "Export orders" CSV: one row per line item; order-level fields such as Subtotal
    # are filled on the order's first line only.
    "shopify": {
        "customer_id": ["Email"],
        "timestamp": ["Created at"],
        "amount": ["Subtotal"],
        "order_id": ["Name"],
        "currency": ["Currency"],
        "status": ["Financial Status"],
        "product": ["Lineitem name"],
        "quantity": ["Lineitem quantity"],
        "channel": ["Source"],
    },
    # WooCommerce orders export (the core Analytics export and the usual export plugins).
    "woocommerce": {
        "customer_id": ["Customer User ID", "Customer ID", "Billing Email", "Email (Billing)",
                        "Customer"],
        "timestamp": ["Order Date", "Date Created", "Date"],
        "amount": ["Order Subtotal Amount", "Net Sales", "Order Total Amount", "Order Total"],
        "order_id": ["Order ID", "Order Number", "Order #"],
        "currency": ["Order Currency", "Currency"],
        "status": ["Order Status", "Status"],
        "product": ["Item Name", "Product(s)", "Product Name"],
        "quantity": ["Quantity", "Items sold", "Item Quantity"],
    },
    # Stripe Dashboard "Payments" export (unified_payments.csv).
    "stripe": {
        "customer_id": ["Customer ID", "Customer Email"],
        "timestamp": ["Created date (UTC)", "Created (UTC)", "Created"],
        "amount": ["Amount", "Converted Amount"],
        "order_id": ["id", "id (payment)"],
        "currency": ["Currency", "Converted Currency"],
        "status": ["Status"],
        "product": ["Description"],
    },
}

# Orders in these states are not revenue.
NOT_PAID = {"failed", "cancelled", "canceled", "voided", "void", "declined", "refunded",
            "trash", "draft"}


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-().#]", "", name.lower())


@dataclass
class Mapping:
    """Canonical field -> source column, with where each choice came from."""

    columns: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    preset: str | None = None

    def __getitem__(self, key: str) -> str:
        return self.columns[key]

    def get(self, key: str) -> str | None:
        return self.columns.get(key)

    def describe(self) -> str:
        return ", ".join(
            f"{f} <- '{c}' ({self.origin[f]})" for f, c in self.columns.items()
        )


def _looks_like(values: pl.Series) -> dict[str, float]:
    """Share of non-null values looking like a date, a decimal amount, an integer."""
    s = values.cast(pl.String).str.strip_chars().drop_nulls()
    if s.len() == 0:
        return {"date": 0.0, "decimal": 0.0, "integer": 0.0}
    date = s.str.contains(
        r"^((19|20)\d{6}|\d{4}-\d{2}-\d{2}.*|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}.*)$").mean()
    decimal = s.str.contains(r"^[-+(]?[^\d]{0,3}\s?\d[\d\s.,']*[.,]\d{1,2}\)?\s?[^\d]{0,3}$").mean()
    integer = s.str.contains(r"^\d+$").mean()
    return {"date": float(date or 0), "decimal": float(decimal or 0),
            "integer": float(integer or 0)}


def resolve_mapping(
    frame: pl.DataFrame,
    explicit: dict[str, str | None] | None = None,
    preset: str | None = None,
    *,
    source: str = "input",
    headerless: bool = False,
) -> Mapping:
    """Choose the column for each canonical field.

    Order of precedence: explicit names, then the preset's names, then common names, then (for
    files without a header) the columns' content. Raises :class:`MappingError` naming the
    missing field and the columns available.
    """
    columns = list(frame.columns)
    by_norm = {_norm(c): c for c in columns}
    mapping = Mapping(preset=preset)
    used: set[str] = set()

    def take(fld: str, col: str, origin: str) -> None:
        mapping.columns[fld] = col
        mapping.origin[fld] = origin
        used.add(col)

    for fld, col in (explicit or {}).items():
        if col is None:
            continue
        if fld not in FIELDS:
            raise MappingError(f"unknown field '{fld}' (known: {', '.join(FIELDS)})",
                               source=source)
        if col not in columns:
            match = by_norm.get(_norm(col))
            if match is None:
                raise MappingError(
                    f"column '{col}' given for {fld} does not exist; columns are: "
                    + ", ".join(columns), source=source)
            col = match
        take(fld, col, "explicit")

    if preset is not None:
        if preset not in PRESETS:
            raise MappingError(f"unknown preset '{preset}' (known: {', '.join(PRESETS)})",
                               source=source)
        for fld, names in PRESETS[preset].items():
            if fld in mapping.columns:
                continue
            for name in names:
                col = by_norm.get(_norm(name))
                if col is not None and col not in used:
                    take(fld, col, f"preset {preset}")
                    break

    if not headerless:
        for fld, names in COMMON_NAMES.items():
            if fld in mapping.columns:
                continue
            for name in names:
                col = by_norm.get(_norm(name))
                if col is not None and col not in used:
                    take(fld, col, "common name")
                    break
    else:
        sample = frame.head(1000)
        shapes = {c: _looks_like(sample[c]) for c in columns if c not in used}
        if "timestamp" not in mapping.columns:
            dates = [c for c, v in shapes.items() if v["date"] >= 0.9]
            if dates:
                take("timestamp", dates[0], "content: dates")
        if "amount" not in mapping.columns:
            money = [c for c, v in shapes.items() if c not in used and v["decimal"] >= 0.5]
            if money:
                take("amount", money[-1], "content: decimal numbers")
        if "customer_id" not in mapping.columns:
            rest = [c for c in columns if c not in used]
            if rest:
                take("customer_id", rest[0], "content: first remaining column")

    missing = [f for f in REQUIRED if f not in mapping.columns]
    if missing:
        raise MappingError(
            f"cannot find the column for {', '.join(missing)}; name it explicitly (e.g. "
            f"--{missing[0].replace('_id', '').replace('timestamp', 'date')} COLUMN); columns "
            "are: " + ", ".join(columns),
            source=source,
        )
    return mapping
