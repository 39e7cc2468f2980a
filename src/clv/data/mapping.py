"""Column mapping: which of the user's columns holds each canonical field.

A mapping is explicit (the user names columns), taken from a preset for a known export
(Shopify orders, WooCommerce orders, Stripe payments from the dashboard or its API's charges,
PrestaShop orders, Square item sales, an accounting ledger), detected from common column
names in English and French, or, for files without a header, detected from the columns'
content. A preset is chosen by itself when the headers carry its signature. The origin of
every field is kept so that the mapping used can always be shown.

The amount of a row comes from one of three shapes, decided here and said in the notes:

- an amount column (the row's revenue);
- a line-item log: a quantity and a unit price and no amount column, amount = quantity x unit
  price (``Quantity`` x ``UnitPrice``, ``Qté`` x ``PU HT``); a price column is never taken for
  an amount without a note;
- a ledger: debit and credit columns, amount = the sales side minus the other side.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import cast

import polars as pl

from clv.errors import MappingError, Words
from clv.notes import Note

FIELDS = ("customer_id", "timestamp", "amount", "order_id", "currency", "status", "cancelled",
          "product", "channel", "quantity", "price", "debit", "credit", "time", "refunded",
          "journal")
REQUIRED = ("customer_id", "timestamp", "amount")

# Candidate column names per field, compared after lower-casing and removing spaces, '_', '-'.
COMMON_NAMES: dict[str, list[str]] = {
    "customer_id": ["customer_id", "customer", "customerid", "client_id", "client", "clientid",
                    "user_id", "userid", "buyer_id", "member_id", "account_id", "id_client",
                    "code_client", "numero_client", "num_client", "no_client", "n_client",
                    "identifiant_client", "ref_client", "reference_client",
                    "customer_email", "email", "cust_id",
                    # Etsy's buyer (its user id; 'Buyer' its user name), PayPal's payer,
                    # German exports
                    "buyer_user_id", "buyer", "from_email_address", "kundennummer",
                    "kunden_nr", "kundennr", "kunden_id", "kunde",
                    # point-of-sale exports (Lightspeed's 'Customer Code')
                    "customer_code", "customer_number", "customer_no",
                    # Mollie's Dutch 'Klant-ID'; the buyer's email of Wix ('Contact email'),
                    # Gumroad ('Purchase Email'), Lemon Squeezy ('user_email')
                    "klant_id", "klantnummer", "contact_email", "purchase_email",
                    "buyer_email", "user_email", "billing_email"],
    "timestamp": ["timestamp", "date", "order_date", "purchase_date", "transaction_date",
                  "invoice_date", "datetime", "created_at", "created", "date_commande",
                  "date_de_commande", "date_facture", "date_de_facture", "date_vente",
                  "date_achat", "date_d_achat", "orderdate", "invoicedate",
                  "sale_date", "bestelldatum", "rechnungsdatum", "datum",
                  # Wix's 'Date created', Odoo's 'Date de la commande', Magento's grid
                  "date_created", "created_date", "date_de_la_commande", "date_de_la_facture",
                  "order_created", "paid_at", "date_paid",
                  # last: a bare 'Time' is a date only where no column is named for the
                  # date (Wix writes 'Date created' and its time apart in 'Time')
                  "time"],
    "amount": ["amount", "revenue", "value", "sales", "total", "order_total", "total_amount",
               "net_sales", "montant", "montant_ttc", "montant_ht", "total_ttc", "total_ht",
               "line_total", "amount_paid", "spend", "dollar_value", "monetary_value",
               "chiffre_d_affaires", "ca", "montant_total", "total_commande",
               "total_paye_ttc", "total_paye", "montant_paye",
               # PayPal's gross amount (English, French); German exports
               "gross", "brut", "gesamtbetrag", "bruttobetrag", "betrag",
               # BigCommerce's totals, without tax first (as Shopify's Subtotal: the tax is
               # the state's; the note amount_tax_basis says it), Magento's grand totals (in
               # the store's base currency first), Gumroad's 'Sale Price ($)', Mollie's Dutch
               "order_total_ex_tax", "order_total_inc_tax", "grand_total_base",
               "grand_total_purchased", "grand_total", "sale_price", "bedrag"],
    "order_id": ["order_id", "order", "order_number", "invoice", "invoice_no", "invoiceno",
                 "invoice_number", "transaction_id", "orderid", "commande", "num_commande",
                 "numero_commande", "no_commande", "n_commande", "facture", "numero_facture",
                 "num_facture", "no_facture", "n_facture", "n_piece", "piece",
                 "numero_de_commande", "n_de_commande", "no_de_commande", "num_de_commande",
                 "numero_de_facture", "n_de_facture", "no_de_facture",
                 "reference_commande", "ref_commande", "id_commande",
                 "order_reference", "order_ref",
                 "bestellnummer", "bestell_nr", "auftragsnummer", "rechnungsnummer",
                 "receipt_number", "receipt_no", "sale_id",
                 # last: a bare 'Référence' is the order's in French shop exports (PrestaShop),
                 # after any column named for the order or the invoice
                 "reference"],
    "currency": ["currency", "devise", "currency_code", "order_currency_code",
                 "order_currency", "wahrung", "valuta"],
    "status": ["status", "order_status", "financial_status", "payment_status", "etat",
               "statut"],
    # the date an order was cancelled, blank otherwise (Shopify's and Squarespace's
    # 'Cancelled at', on an order's first line): a row of an order with one is no revenue,
    # whatever its status says (clv.data.transactions, its _validate)
    "cancelled": ["cancelled_at", "canceled_at", "cancellation_date", "date_d_annulation",
                  "annulee_le", "annule_le"],
    "product": ["product", "product_name", "sku", "item", "item_name", "stockcode", "produit",
                "article", "reference_produit", "designation"],
    "channel": ["channel", "acquisition_channel", "source", "utm_source", "canal"],
    "quantity": ["quantity", "qty", "quantite", "qte", "quantity_ordered", "nb_articles",
                 "number_of_cds"],
    # the unit price of a line (amount = quantity x price when there is no amount column)
    "price": ["unit_price", "unitprice", "price", "item_price", "price_each", "sales_price",
              "prix_unitaire", "prix_unitaire_ht", "prix_unitaire_ttc", "pu_ht", "pu_ttc",
              "pu", "prix"],
    "debit": ["debit"],
    "credit": ["credit"],
    # the time of day, when the date column holds only the day (point-of-sale exports)
    "time": ["time", "heure", "order_time", "transaction_time"],
    # the amount refunded on the same row (netted from its amount)
    "refunded": ["refunded", "amount_refunded", "refunded_amount", "refund", "remboursement",
                 "montant_rembourse", "rembourse",
                 # BigCommerce's 'Refund Amount', Magento's 'Total Refunded', Mollie's German
                 # and Dutch, Gumroad's 'Partial Refund ($)' (beside its flag 'Refunded?')
                 "refund_amount", "total_refunded", "erstatteter_betrag",
                 "terugbetaald_bedrag", "partial_refund"],
}

CUSTOMER_NAMES = COMMON_NAMES["customer_id"]
CHANNEL_NAMES = ["channel", "acquisition_channel", "canal", "canal_d_acquisition",
                 "canal_acquisition", "source", "utm_source", "media", "levier"]
TABLE_NAMES: dict[str, dict[str, list[str]]] = {
    "spend": {
        "month": ["month", "period_start", "mois", "period", "periode", "month_start",
                  "debut_de_periode", "date", "mois_annee"],
        "channel": CHANNEL_NAMES,
        "spend": ["spend", "depenses", "depense", "cost", "costs", "cout", "couts", "budget",
                  "ad_spend", "investissement", "amount", "montant", "montant_depense"],
        "campaign": ["campaign", "campagne"],
        "leads": ["leads", "prospects", "nb_leads", "nb_prospects"],
    },
    "customers": {
        "customer_id": CUSTOMER_NAMES,
        "acquired_at": ["acquired_at", "acquisition_date", "date_d_acquisition",
                        "date_acquisition", "first_order", "first_purchase", "signup_date",
                        "created_at", "date_inscription", "date_d_inscription",
                        "date_de_creation", "inscription"],
        "channel": CHANNEL_NAMES,
        "campaign": ["campaign", "campagne"],
    },
    "subscriptions": {
        # Recurly's account (its customer) is 'account_code'; not among the orders' names,
        # where an account code is a ledger's account
        "customer_id": [*CUSTOMER_NAMES, "account_code"],
        # last: Recurly's 'activated_at' (Chargebee's 'Started At' comes first)
        "start": ["start", "start_date", "started_at", "subscription_start", "debut",
                  "date_de_debut", "date_debut", "debut_abonnement", "date_d_abonnement",
                  "activated_at"],
        # the date service stopped before the date a cancellation was asked: Recurly's
        # 'expires_at' (the end of the term of a subscription cancelled during it) before
        # its 'canceled_at' (when the customer asked), as Stripe's 'ended_at' before its
        # 'canceled_at' (see CANCEL_ASKED_NAMES)
        # Chargebee's 'Canceled On' is the date a subscription ends (scheduled or past)
        "end": ["end", "end_date", "ended_at", "expires_at", "expired_at", "expiration_date",
                "expiry_date", "canceled_at", "cancelled_at", "cancellation_date",
                "canceled_on", "cancelled_on", "fin",
                "date_de_fin", "date_fin", "date_resiliation", "date_de_resiliation",
                "resiliation"],
        "mrr": ["mrr", "monthly_revenue", "revenu_mensuel", "montant_mensuel",
                "mensualite", "abonnement_mensuel", "prix_mensuel", "monthly_price"],
        "plan": ["plan", "offre", "formule", "tier", "abonnement"],
        "channel": CHANNEL_NAMES,
    },
}
"""Candidate column names of the fields of the other tables (spend, customer attributes,
subscriptions), in English and French, compared as :data:`COMMON_NAMES` are. Each list is in
order of preference: when several of its names are columns of a table, the first listed is
taken (:func:`detect_columns`), whatever the columns' order in the file."""
CANCEL_ASKED_NAMES = ("canceled_at", "cancelled_at", "cancellation_date")
"""End columns that may hold the date a cancellation was asked rather than the date service
stopped (Recurly's and Stripe's 'canceled_at'; Chargebee's is the date it ends, scheduled
or past): when one is present but another end column is taken, the report says which."""
SUBSCRIPTION_QUANTITY_NAMES = ("quantity", "plan_quantity", "subscription_quantity", "seats",
                               "qty", "quantite")
"""Names of a subscriptions table's quantity (seats, units) column: Recurly's and Stripe's
'quantity', Chargebee's 'Plan Quantity'. Applied to a unit price only (:func:`is_unit_price`):
a subscription's monthly revenue is then unit price x quantity; beside any other monthly
revenue column (an MRR, Chargebee's 'Plan Amount', which is the plan's price for all its
units) it is left aside, and the report says so."""
UNIT_PRICE_WORDS = {"unit", "unitaire", "seat"}
"""Words of a column name that say it holds a price per unit (per seat)."""
MINOR_UNIT_WORDS = {"cents", "cent", "centimes", "pence"}
"""Words of a column name that say it holds amounts in the currency's minor unit (Recurly's
'unit_amount_in_cents': 5000 for 50.00)."""
CURRENCY_NAMES = ("currency", "currency_code", "devise")
"""Names of a subscriptions table's currency column (Recurly's 'currency'), whose
:data:`ZERO_DECIMAL` currencies have no minor unit (their amounts are not divided)."""
TABLE_REQUIRED: dict[str, tuple[str, ...]] = {
    "spend": ("month", "channel", "spend"), "customers": ("customer_id",),
    "subscriptions": ("customer_id", "start", "end")}
"""The fields each of the other tables cannot do without."""

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
        "cancelled": ["Cancelled at"],
        "refunded": ["Refunded Amount"],
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
        "channel": ["Attribution", "Origin"],
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
        "refunded": ["Amount Refunded", "Converted Amount Refunded"],
    },
    # Stripe API charges (a list of Charge objects written out, /v1/charges): amounts in the
    # currency's minor unit (see MINOR_UNIT_PRESETS), 'created' in Unix seconds, 'refunded' a
    # boolean and 'amount_refunded' the amount refunded.
    "stripe_api": {
        "customer_id": ["customer", "receipt_email"],
        "timestamp": ["created"],
        "amount": ["amount"],
        "order_id": ["id"],
        "currency": ["currency"],
        "status": ["status"],
        "refunded": ["amount_refunded"],
        "product": ["description"],
    },
    # PrestaShop back office, Orders > Export (French or English back office).
    "prestashop": {
        "customer_id": ["Client", "Customer"],
        "timestamp": ["Date"],
        "amount": ["Total"],
        "order_id": ["Référence", "Reference", "ID"],
        "status": ["État", "Status"],
        "channel": ["Pays", "Country"],
    },
    # Square point of sale, Items export (one line per item sold; date and time apart).
    # Amazon Seller Central's order reports: 'item-price' is the line's total for its
    # quantity (not a unit price to multiply), 'buyer-email' the buyer where the report has it
    "amazon": {
        "customer_id": ["buyer-email", "buyer-name"],
        "timestamp": ["purchase-date"],
        "amount": ["item-price"],
        "order_id": ["amazon-order-id"],
        "status": ["order-status"],
        "currency": ["currency"],
        "product": ["product-name", "sku"],
        "quantity": ["quantity", "quantity-purchased"],
        "channel": ["sales-channel"],
    },
    "square": {
        "customer_id": ["Customer ID", "Customer Reference ID", "Customer Name"],
        "timestamp": ["Date"],
        "time": ["Time"],
        "amount": ["Net Sales", "Gross Sales"],
        "order_id": ["Transaction ID"],
        "product": ["Item"],
        "quantity": ["Qty"],
        "channel": ["Location"],
    },
    # PayPal's activity download (English or French headers): every movement of the
    # account's balance, of which only the payments received from buyers are purchases and
    # the refunds to them refunds (see ACTIVITY and clv.data.transactions)
    "paypal": {
        "customer_id": ["From Email Address", "De l'adresse email", "De l'adresse e-mail"],
        "timestamp": ["Date"],
        "time": ["Time", "Heure"],
        "amount": ["Gross", "Brut"],
        "order_id": ["Transaction ID", "Numéro de transaction"],
        "currency": ["Currency", "Devise"],
        "status": ["Status", "État", "Etat"],
        "product": ["Item Title", "Titre de l'objet"],
    },
    # Etsy's 'Sold Orders' CSV (one row per order): the order total, or its adjusted total
    # where a refund or an adjustment filled it (ADJUSTED_AMOUNTS); dates MM/DD/YY
    "etsy": {
        "customer_id": ["Buyer User ID", "Buyer"],
        "timestamp": ["Sale Date"],
        "amount": ["Order Total", "Order Value"],
        "order_id": ["Order ID"],
        "currency": ["Currency"],
        "status": ["Status"],
        "product": ["SKU"],
    },
    # The French accounting export (fichier des écritures comptables, FEC): customer accounts
    # (CompAuxNum) of the sales journal; invoices on the debit side, credit notes on the credit.
    "fec": {
        "customer_id": ["CompAuxNum"],
        "timestamp": ["EcritureDate"],
        "debit": ["Debit"],
        "credit": ["Credit"],
        "order_id": ["PieceRef"],
        "product": ["EcritureLib"],
        "journal": ["JournalCode"],
    },
    # An accounting ledger of sales (an account's transactions, or a journal export): debit
    # and credit columns instead of an amount.
    "ledger": {
        # then a French journal's single account column (EBP's 'Compte'): its customer
        # accounts (411..., auxiliary) only are customers (LEDGER_CUSTOMER_ACCOUNT)
        "customer_id": ["Contact", "Customer", "Client", "Tiers", "CompAuxNum", "Account Name",
                        "Compte auxiliaire", "Compte tiers", "Compte", "N° compte",
                        "Numéro de compte", "N° de compte"],
        "timestamp": ["Date", "EcritureDate", "Transaction Date"],
        "debit": ["Debit", "Débit"],
        "credit": ["Credit", "Crédit"],
        "order_id": ["Reference", "Invoice Number", "Référence", "PieceRef", "Pièce", "Num"],
        "product": ["Description", "Libellé", "EcritureLib", "Memo"],
        "journal": ["Journal", "JournalCode", "Code journal"],
    },
}

# Headers that identify an export when no preset is named: a preset is chosen when every
# header of one of its signatures is present.
SIGNATURES: dict[str, list[tuple[str, ...]]] = {
    "shopify": [("Name", "Email", "Lineitem name", "Created at")],
    "woocommerce": [("Order #", "Net Sales", "Customer type"),
                    ("Order Number", "Order Status", "Order Date")],
    "stripe": [("id", "Created date (UTC)", "Amount", "Amount Refunded"),
               ("id", "Created (UTC)", "Amount", "Captured")],
    # the API's field names (the dashboard's are 'Created (UTC)', 'Amount Refunded'; the API
    # alone has 'object' and 'amount_captured')
    "stripe_api": [("id", "object", "amount", "amount_refunded", "created"),
                   ("amount", "amount_captured", "amount_refunded", "created")],
    "prestashop": [("Référence", "Nouveau client", "Client", "Total", "État"),
                   ("Reference", "New client", "Customer", "Total", "Status")],
    "square": [("Date", "Time", "Item", "Qty", "Gross Sales", "Transaction ID")],
    "amazon": [("amazon-order-id", "purchase-date", "item-price")],
    "etsy": [("Sale Date", "Order ID", "Buyer User ID", "Order Total"),
             ("Sale Date", "Order ID", "Adjusted Order Total", "Order Total")],
    "paypal": [("Gross", "From Email Address", "To Email Address", "Transaction ID"),
               ("Brut", "De l'adresse email", "À l'adresse email", "Numéro de transaction"),
               ("Brut", "De l'adresse e-mail", "À l'adresse e-mail", "Numéro de transaction")],
    "fec": [("JournalCode", "EcritureDate", "CompteNum", "CompAuxNum", "Debit", "Credit")],
    "ledger": [("Debit", "Credit")],
}

MINOR_UNIT_PRESETS = {"stripe_api"}
"""Presets whose amounts are integers in the currency's minor unit (Stripe's API writes
14950 for 149.50 USD): divided by 100, but for :data:`ZERO_DECIMAL` currencies."""
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                "VND", "VUV", "XAF", "XOF", "XPF"}
"""Currencies without a minor unit, whose amounts Stripe writes in units (1000 JPY is 1000):
Stripe's list of zero-decimal currencies."""
REFUND_BASIS = {"shopify": ("Subtotal", "Total")}
"""Presets whose refunded amount is on another basis than their amount: Shopify's 'Refunded
Amount' is refunded money, tax and shipping included, while the amount is the 'Subtotal'
(revenue without tax and shipping, the usual basis of CLV: the tax is the state's and the
shipping mostly paid on to the carrier). The refund is scaled by Subtotal / Total of its
order, so that a wholly refunded order nets to 0, not to minus its tax and shipping (see
:attr:`Mapping.refund_total`)."""

ADJUSTED_AMOUNTS: dict[str, tuple[str, str]] = {
    "etsy": ("Order Total", "Adjusted Order Total")}
"""Presets whose amount column has an adjusted twin, filled only where a refund or an
adjustment changed the order (Etsy's 'Adjusted Order Total'): the twin's value is the
order's amount where it is filled (:attr:`Mapping.adjusted`)."""
PRESET_DATE_ORDERS = {"etsy": "mdy"}
"""Presets whose exports write dates month first (Etsy's MM/DD/YY): their dates read either
way are read so, said in a note, where others are refused as ambiguous."""

WALK_IN_PHRASES = (("walk", "in"), ("walk", "ins"), ("walk", "in", "customer"),
                   ("walk", "in", "client"), ("walk", "in", "sale"),
                   ("client", "de", "passage"), ("client", "passage"), ("passage",),
                   ("comptoir",), ("client", "comptoir"), ("vente", "comptoir"), ("guest",),
                   ("guest", "customer"), ("guest", "user"), ("anonymous",),
                   ("anonymous", "customer"), ("anonyme",), ("client", "anonyme"),
                   ("cash", "customer"), ("laufkunde",), ("barverkauf",))
"""The placeholder customers of :data:`WALK_IN_IDS`, word by word."""
WALK_IN_IDS = {"".join(words) for words in WALK_IN_PHRASES}
"""Placeholder customers of tills and point-of-sale exports for a sale to nobody known
(Lightspeed's 'WALKIN', 'Walk-In Customer', 'Client de passage', 'Comptoir', 'Guest',
'Anonymous'), compared as :func:`_norm` writes names: excluded as guest checkouts, else
they would be one customer holding every anonymous sale."""


def _spellings(words: tuple[str, ...]) -> set[str]:
    """``words`` as tills write them: joined by nothing, a space, a hyphen or an underscore
    (each gap its own), in lower case, upper case, title case, with a capital first or a
    capital after each space ('Walk-in Customer')."""
    joined = [""]
    for i, word in enumerate(words):
        joined = [j + sep + word for j in joined for sep in (("",) if i == 0 else
                                                             ("", " ", "-", "_"))]
    out = set()
    for text in joined:
        out |= {text, text.upper(), text.title(), text[:1].upper() + text[1:],
                " ".join(w[:1].upper() + w[1:] for w in text.split(" "))}
    return out


WALK_IN_SPELLINGS = sorted(set().union(*(_spellings(w) for w in WALK_IN_PHRASES)))
"""Every usual spelling of the placeholders of :data:`WALK_IN_PHRASES`, looked for in every
row of a log (a hash lookup: 0.1 s of CPU on 10.8M ids), where the folded comparison of
:data:`WALK_IN_IDS` looks at a sample of a large log's ids only."""
def _folding() -> tuple[str, str]:
    """The lower-case letters of Latin-1 and Latin Extended-A whose compatibility
    decomposition (NFKD) is one letter a to z and marks, and those letters: the readers'
    fold of ids (:func:`clv.data.transactions._walk_ins`: NFKD, then only a to z and 0 to 9
    kept) as one ``translate``, since Spark has no Unicode normalisation, nor a database a
    portable one."""
    accented, plain = [], []
    for code in range(0xC0, 0x180):
        char = chr(code)
        if char != char.lower():
            continue
        letters = "".join(c for c in unicodedata.normalize("NFKD", char)
                          if not unicodedata.combining(c))
        if letters != char and len(letters) == 1 and "a" <= letters <= "z":
            accented.append(char)
            plain.append(letters)
    return "".join(accented), "".join(plain)


ACCENTED, UNACCENTED = _folding()
"""The accented lower-case letters the engines fold to a to z (Spark's and SQL's
``translate``), and those letters."""

ONE_CUSTOMER_ROWS = 20
"""Rows from which a customer column holding one value over all the rows kept is said."""
DOMINANT_SHARE = 0.5
"""The share of the rows kept one customer id holds, among at least
:data:`DOMINANT_IDS` ids, from which it is said (a merchant's own email or a placeholder)."""
DOMINANT_IDS = 10
"""The ids a log has at least for one holding most of its rows to be said."""

ACTIVITY_PRESETS = {"paypal"}
"""Presets of a payment account's activity, whose rows are every movement of its balance:
the payments received from buyers are purchases (the buyer in the customer column), the
refunds are refunds of the buyer in the ``refunded_to`` column of :data:`ACTIVITY`, every
other row (withdrawals, currency conversions, holds, fees, transfers, payments sent) is no
sale."""
ACTIVITY: dict[str, list[str]] = {
    "type": ["Type"],
    "impact": ["Balance Impact", "Impact sur le solde"],
    "refunded_to": ["To Email Address", "À l'adresse email", "À l'adresse e-mail"],
    "reference": ["Reference Txn ID", "Numéro de transaction de référence"],
}
"""The columns of an activity (:data:`ACTIVITY_PRESETS`) besides the mapped fields: the
movement's type, its side (credit or debit; the gross amount's sign without it), the
counterpart's email (the buyer refunded) and the transaction a refund refers to (its
payment: the refund's order id, so that it nets against the payment's period)."""
ACTIVITY_PAYMENT = r"(payment|paiement|donation|don recu|checkout|subscription|abonnement)"
"""Types of movements that are payments (compared lower-cased, without accents): 'Express
Checkout Payment', 'Website Payment', 'Paiement sur site marchand' ... received (credit)
from a buyer; sent (debit) they are the shop's own purchases."""
ACTIVITY_REFUND = r"(refund|rembours|chargeback|retrofacturation|reversal)"
"""Types of movements that are refunds to a buyer when they leave the account (debit):
'Payment Refund', 'Remboursement de paiement', a chargeback or a payment reversed. Types of
:data:`ACTIVITY_OTHER` are looked at first ('Reversal of General Account Hold', 'Fee
Reversal' are no refund to a buyer)."""
ACTIVITY_OTHER = r"(hold|release|blocage|deblocage|reserve|withdrawal|retrait|conversion|" \
                 r"transfer|virement|fee|frais|cart item|objet du panier|authori[sz]ation|" \
                 r"invoice sent|facture envoyee|bank|adjustment|ajustement)"
"""Types that are never a buyer's payment, though some write 'payment' ('Payment Hold',
'Payment Release', 'Shopping Cart Item' repeating its payment's amount)."""
ACTIVITY_DONE = {"completed", "termine", "terminee", "refunded", "partially refunded",
                 "rembourse", "remboursee", "partiellement rembourse", "cleared", "effectue"}
"""States of an activity's movement that are done (a payment refunded afterwards stays a
payment: its refund is its own row); pending, denied, incomplete, cancelled ... are not."""
ACTIVITY_CREDIT = {"credit"}
"""The side of a movement into the account (``impact`` column, lower-cased without accents:
'Credit', 'Crédit'); 'Debit' and 'Memo' are not."""

LEDGER_CUSTOMER_ACCOUNT = r"^(41|[A-Za-z])"
"""In a ledger whose customer column holds the chart's account numbers (a sales journal with
one account column: 411 customers, 706 sales, 44571 VAT), the accounts of customers: class
41 (411DURAND, 4110001) or an auxiliary account's code (CDURAND). The other lines are the
invoices' counterparts (revenue, tax), no customer's."""
LEDGER_REVENUE_ACCOUNT = r"^7\d{2}"
"""A revenue account (class 7: 706 services, 707 goods): its presence in the customer column
shows that column to be a ledger's account column."""

ZONE_COLUMNS = ("timezone", "fuseauhoraire", "zonehoraire", "tz", "timezonename",
                "zeitzone")
"""Columns naming the time zone of a row's date (PayPal's 'TimeZone', 'Fuseau horaire'),
compared as :func:`_norm` writes names."""


def zone_column(columns: list[str]) -> str | None:
    """The column of ``columns`` naming the dates' time zone (:data:`ZONE_COLUMNS`), if
    any."""
    return next((c for c in columns if _norm(str(c)) in ZONE_COLUMNS), None)


SALES_JOURNALS = {"ve", "vt", "vte", "ven", "v", "sal", "sales", "sj", "ventes", "vente"}
"""Journal codes of sales entries (French VE/VT, English SJ/SALES)."""

# Orders in these states are not revenue.
NOT_PAID = {"failed", "cancelled", "canceled", "voided", "void", "declined", "refunded",
            "trash", "draft", "annule", "annulee", "annulation", "rembourse", "remboursee",
            "remboursement", "erreur de paiement", "paiement refuse", "echec", "echoue",
            "payment error", "payment declined", "checkout-draft",
            # abandoned checkouts (BigCommerce's and Ecwid's 'Incomplete'), lapsed payments
            # (Mollie's 'expired', Paddle's 'past_due'), chargebacks and fraud (Magento's
            # 'Suspected Fraud', Lemon Squeezy's 'fraudulent')
            "incomplete", "abandoned", "abandoned checkout", "expired", "past due", "overdue",
            "unpaid", "not paid", "impaye", "impayee", "non paye", "non payee", "charged back",
            "chargeback", "fraud", "fraudulent", "suspected fraud",
            # quotations are not orders (Odoo's 'Devis', 'Devis envoyé')
            "devis", "devis envoye", "quotation", "quotation sent", "quote", "quote sent",
            "angebot",
            # German and Dutch payment states (Mollie's exports in those languages)
            "storniert", "abgebrochen", "fehlgeschlagen", "abgelaufen", "erstattet",
            "ruckerstattet", "zuruckerstattet", "verlopen", "geannuleerd", "mislukt",
            "terugbetaald"}
"""Order states that are not revenue, compared without case, accents or underscores
(``past_due`` is ``past due``) and without WooCommerce's ``wc-`` prefix (see
:data:`STATUS_PREFIXES`). States that mean one thing on a platform and another elsewhere are
not here: 'closed' (refunded on Magento, archived after payment on Shopify), 'open' (a
payment not completed on Mollie, an order not archived on Shopify), 'billed' (Paddle's
invoice not paid yet, an invoice elsewhere)."""
NOT_PAID_PREFIXES = ("en attente", "awaiting", "pending", "on hold", "on-hold")
"""States of orders not paid yet ('En attente de virement bancaire', 'pending', 'on-hold'),
except those of :data:`PAID_PREFIXES`."""
PAID_PREFIXES = ("awaiting fulfil", "awaiting shipment", "awaiting pickup",
                 "awaiting collection", "awaiting delivery", "en attente d'expedition",
                 "en attente de retrait", "en attente de livraison")
"""Paid orders waiting to be shipped (BigCommerce's 'Awaiting Fulfillment', 'Awaiting
Shipment', 'Awaiting Pickup'): revenue, although they start as a state of
:data:`NOT_PAID_PREFIXES` does. A state that says it is paid ('En attente de
réapprovisionnement (payé)', PrestaShop's backorder paid) is revenue too."""
PAID_WORDS = ("(paid", "(paye")
"""Words in a state that say the order is paid."""
STATUS_PREFIXES = ("wc-",)
"""Prefixes a system writes before its states, removed before they are compared: WooCommerce
stores and exports ``wc-completed``, ``wc-refunded``, ``wc-on-hold`` for ``completed`` ..."""
GUEST_ID_COLUMNS = {"customeruserid", "customeruser", "userid", "wpuserid"}
"""User-id columns (compared as :func:`_norm` writes names) where ``0`` or a blank marks a
guest checkout rather than a customer: WooCommerce's 'Customer User ID' (the WordPress user,
0 for a guest), and any customer column of a preset in :data:`GUEST_PRESETS`."""
GUEST_PRESETS = {"woocommerce"}
"""Presets whose customer id is 0 for a guest checkout."""
GUEST_ZERO_ANY = True
"""Any other customer column of ids (not an email, not a display name) where the id ``0``
appears marks guest checkouts by it too (BigCommerce's 'Customer ID' is 0 for a guest, the
buyer's email in 'Customer Email'): said by :attr:`Mapping.guest_zero`, acted on only when
a ``0`` is among the ids (a log without one is read as before)."""
EMAIL_COLUMNS = ["billingemail", "emailbilling", "customeremail", "email", "emailaddress",
                 "billingemailaddress", "courriel", "emailfacturation", "mail"]
"""Columns of the buyer's email (compared as :func:`_norm` writes names), in order of
preference: a guest checkout's customer (see :class:`Mapping`)."""
NAME_COLUMNS = {"client", "customer", "customername", "nomclient", "name"}
"""Columns of exports that name the customer by a display name, having no id."""
ID_PRESETS = {"stripe_api"}
"""Presets whose column named 'customer' holds ids (Stripe's ``cus_...``), not names."""


SHOWN_COLUMNS = 40
"""Columns an error lists at most (a file of 2,000 columns would fill the screen)."""


def listed(columns: list[str], most: int = SHOWN_COLUMNS) -> str:
    """The columns' names for a message: all of them, or the first ``most`` and how many
    more."""
    said = listed_words(columns, most)
    return said if isinstance(said, str) else said.said("en")


def listed_words(columns: list[str], most: int = SHOWN_COLUMNS) -> str | Words:
    """:func:`listed` as a value of an error's message: the names, or the first ``most`` and
    how many more in the error's language."""
    names = [str(c) for c in columns]
    if len(names) <= most:
        return ", ".join(names)
    return Words("error_columns_more", names=", ".join(names[:most]), n=len(names) - most)


def _field_words(field: str) -> str | Words:
    """A required field named in an error: its name, and in French what it is too."""
    return Words(f"error_field_{field}") if field in REQUIRED else field


def _norm(name: str) -> str:
    """A column name compared without case, accents, spaces or punctuation ('Qté' = 'qte',
    'N° facture' = 'n_facture')."""
    folded = unicodedata.normalize("NFKD", name.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", folded)


@dataclass
class Mapping:
    """Canonical field -> source column, with where each choice came from, and the notes that
    say how the amount is made (line items, a price taken as the amount, a ledger).

    ``guests``: the customer column is a user id where ``0`` or a blank marks a guest checkout
    (:data:`GUEST_ID_COLUMNS`, :data:`GUEST_PRESETS`), so that guests are not one customer
    ``0``: a guest row is keyed by its email, in ``guest_email`` (:data:`EMAIL_COLUMNS`, the
    email trimmed and lower-cased), the other rows by their id; without an email column (or
    email), a row of id 0 is excluded as a guest checkout. ``guest_zero``: the column is
    not one of those, and guests are told so only when its ids hold a ``0``
    (:data:`GUEST_ZERO_ANY`).

    ``refund_flag``: a column flagging payments refunded (:data:`REFUND_FLAGS`), read as a
    whole refund where the row has no amount refunded.
    ``minor_units``: the amounts are in the currency's minor unit (:data:`MINOR_UNIT_PRESETS`).
    ``activity``: for a payment account's activity (:data:`ACTIVITY_PRESETS`), its columns
    of :data:`ACTIVITY` found (type, impact, refunded_to).
    ``adjusted``: the column of the order's adjusted amount, which is its amount where
    filled (:data:`ADJUSTED_AMOUNTS`).
    ``refund_total``: the column of the order's total (tax and shipping included) when the
    refunded amount is on that basis and the amount is not (:data:`REFUND_BASIS`): the refund
    is then scaled by amount / total."""

    columns: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    notes: list[str] = field(default_factory=list)
    guests: bool = False
    guest_email: str | None = None
    guest_zero: bool = False
    refund_flag: str | None = None
    minor_units: bool = False
    refund_total: str | None = None
    activity: dict[str, str] = field(default_factory=dict)
    adjusted: str | None = None

    def __getitem__(self, key: str) -> str:
        return self.columns[key]

    def get(self, key: str) -> str | None:
        return self.columns.get(key)

    @property
    def line_items(self) -> bool:
        """True when the amount is quantity x unit price (no amount column)."""
        return "amount" not in self.columns and "price" in self.columns \
            and "quantity" in self.columns

    @property
    def ledger(self) -> bool:
        """True when the amount comes from debit and credit columns."""
        return "amount" not in self.columns and not self.line_items and (
            "debit" in self.columns or "credit" in self.columns)

    def describe(self) -> str:
        parts = [f"{f} <- '{c}' ({self.origin[f]})" for f, c in self.columns.items()]
        if self.line_items:
            parts.insert(2, f"amount = '{self.columns['quantity']}' x "
                            f"'{self.columns['price']}' (line items)")
        elif self.ledger:
            parts.insert(2, "amount = sales side of "
                            + " and ".join(f"'{self.columns[f]}'" for f in ("debit", "credit")
                                           if f in self.columns) + " (ledger)")
        if self.guests and not self.guest_zero:
            parts.insert(1, "guests (customer id 0 or blank) <- "
                         + (f"'{self.guest_email}'" if self.guest_email else "excluded"))
        return ", ".join(parts)


def _looks_like(values: pl.Series) -> dict[str, float]:
    """Share of non-null values looking like a date, a decimal amount, an integer."""
    s = values.cast(pl.String).str.strip_chars().drop_nulls()
    if s.len() == 0:
        return {"date": 0.0, "decimal": 0.0, "integer": 0.0}
    date = s.str.contains(
        r"^((19|20)\d{6}|\d{4}-\d{2}-\d{2}.*|\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2}(\s|$)).*)$").mean()
    decimal = s.str.contains(r"^[-+(]?[^\d]{0,3}\s?\d[\d\s.,']*[.,]\d{1,2}\)?\s?[^\d]{0,3}$").mean()
    integer = s.str.contains(r"^\d+$").mean()
    return {"date": float(cast(float, date or 0)), "decimal": float(cast(float, decimal or 0)),
            "integer": float(cast(float, integer or 0))}


def detect_columns(columns: list[str], kind: str,
                   given: dict[str, str | None] | None = None) -> tuple[dict[str, str],
                                                                         dict[str, str]]:
    """The column of each field of a ``kind`` table (``spend``, ``customers``,
    ``subscriptions``: :data:`TABLE_NAMES`) and where each came from: the ``given`` names
    first (a name matched without case or accents; None: the field is not to be used), then
    the common names of the field in their order of preference (the first of them that is a
    column is taken: Recurly's 'expires_at' over its 'canceled_at'), each column used once.
    Returns (field -> column, field -> origin)."""
    if kind not in TABLE_NAMES:
        raise MappingError(key="error_unknown_table",
                           values={"kind": kind, "known": list(TABLE_NAMES)})
    by_norm = {_norm(c): c for c in columns}
    found: dict[str, str] = {}
    origin: dict[str, str] = {}
    for fld, col in (given or {}).items():
        if fld not in TABLE_NAMES[kind]:
            raise MappingError(key="error_unknown_table_field",
                               values={"field": fld, "kind": kind,
                                       "known": list(TABLE_NAMES[kind])}, field=fld)
        if col is None:
            continue
        match = col if col in columns else by_norm.get(_norm(col))
        if match is None:
            raise MappingError(key="error_column_missing",
                               values={"column": col, "field": fld,
                                       "columns": listed_words(columns)}, field=fld)
        found[fld], origin[fld] = match, "explicit"
    for fld, names in TABLE_NAMES[kind].items():
        if fld in found or (given is not None and fld in given):
            continue
        for name in names:
            col = by_norm.get(_norm(name))
            if col is not None and col not in found.values():
                found[fld], origin[fld] = col, "common name"
                break
    return found, origin


def is_unit_price(column: str) -> bool:
    """Whether the name ``column`` says it holds a price per unit: one of its words is
    'unit', 'unitaire' or 'seat' (Recurly's 'unit_amount', Chargebee's 'Plan Unit Price',
    'prix_unitaire', 'price_per_seat'), or it is one word starting with 'unitprice' or
    'unitamount' ('UnitPrice'). A 'Plan Amount' is not taken for one: Chargebee's is the
    price of all the plan's units (Stripe's 'plan.amount' is per unit, but the names do not
    tell them apart)."""
    return any(w in UNIT_PRICE_WORDS or w.startswith(("unitprice", "unitamount"))
               for w in _words(column))


def _words(column: str) -> list[str]:
    """The words of a column name, accents off, lower case, camel case split ('UnitPrice'
    is 'unit', 'price')."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", column)
                     if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", folded).lower())


def in_minor_units(column: str) -> bool:
    """Whether the name ``column`` says its amounts are in the currency's minor unit: one of
    its words is in :data:`MINOR_UNIT_WORDS` (Recurly's 'unit_amount_in_cents', 'MRR
    (cents)'), or it is one word ending with 'incents' ('amountInCents')."""
    return any(w in MINOR_UNIT_WORDS or w.endswith("incents") for w in _words(column))


def subscription_currency(columns: list[str]) -> str | None:
    """The currency column among ``columns`` (:data:`CURRENCY_NAMES`), compared as the
    common names are."""
    by_norm = {_norm(c): c for c in columns}
    return next((by_norm[_norm(n)] for n in CURRENCY_NAMES if _norm(n) in by_norm), None)


def subscription_quantity(columns: list[str]) -> str | None:
    """The quantity (seats) column among ``columns``: the first of
    :data:`SUBSCRIPTION_QUANTITY_NAMES` that is one, compared as the common names are."""
    by_norm = {_norm(c): c for c in columns}
    return next((by_norm[_norm(n)] for n in SUBSCRIPTION_QUANTITY_NAMES
                 if _norm(n) in by_norm), None)


def cancel_asked(columns: list[str], end: str) -> str | None:
    """The column among ``columns`` that may hold the date a cancellation was asked
    (:data:`CANCEL_ASKED_NAMES`), when ``end``, the column read as the subscriptions' end,
    is another one (Recurly's 'canceled_at' beside its 'expires_at'); else None."""
    asked = {_norm(n) for n in CANCEL_ASKED_NAMES}
    if _norm(end) in asked:
        return None
    return next((c for c in columns if _norm(c) in asked), None)


def detect_preset(columns: list[str]) -> str | None:
    """The preset whose signature headers are all among ``columns``, if any."""
    have = {_norm(c) for c in columns}
    for name, signatures in SIGNATURES.items():
        if any(all(_norm(h) in have for h in sig) for sig in signatures):
            return name
    return None


_PRICE_NAMES = {_norm(n) for n in COMMON_NAMES["price"]}
MONEY_FIELDS = ("amount", "refunded", "price", "debit", "credit")
"""Fields holding money, which a column of booleans never fills by its name."""
BOOLEAN_SAMPLE = 1_000
"""The first rows that tell a column of booleans (see :func:`_boolean_money`)."""


def _display_names(values: pl.Series, sample: int = 1000) -> bool:
    """Whether a customer column holds people's display names ('Pierre Müller'), not ids:
    most of its first ``sample`` values are two or more words of letters, without digits or
    '@'."""
    if values.dtype != pl.String:
        return False
    head = values.head(sample).drop_nulls().str.strip_chars()
    head = head.filter(head != "")
    if not head.len():
        return False
    named = head.str.contains(r"^[^\W\d_][^\d@]*\s+[^\W\d_][^\d@]*$")
    return float(named.mean() or 0.0) >= 0.5  # type: ignore[arg-type]


FLAG_WORDS = {"true", "false", "yes", "no", "oui", "non", "ja", "nein", "y", "n"}
"""Values of a flag ('Refunded?': yes or no), never money."""
FLAG_DIGITS = {"0", "1"}
"""Values of a refund flag written 0/1 (Gumroad's 'Refunded?'; an amount of 0 or 1 stays an
amount): a flag when a 1 is among them, or
when the column's name asks a question ('Refunded?'); a column of 0s alone is left as
money (nothing refunded)."""


def _boolean_money(frame: pl.DataFrame, fld: str, col: str) -> bool:
    """True when ``col``, a candidate by its name for the money field ``fld``, holds booleans
    (a Boolean column, or text all 'true'/'false', 'yes'/'no', or for a refund 0/1 with a 1
    or under a name ending in '?', in its first BOOLEAN_SAMPLE rows): Stripe's API has a boolean
    'refunded' beside the amount 'amount_refunded', Gumroad a 0/1 'Refunded?' beside
    'Partial Refund ($)', and True or 1 read as money would be a refund of one unit."""
    if fld not in MONEY_FIELDS:
        return False
    values = frame[col]
    if values.dtype == pl.Boolean:
        return True
    if values.dtype.is_integer() and fld == "refunded":
        head = values.head(BOOLEAN_SAMPLE).drop_nulls()
        return head.len() > 0 and bool(head.is_in([0, 1]).all()) \
            and (str(col).rstrip().endswith("?") or bool((head == 1).any()))
    if values.dtype != pl.String:
        return False
    head = values.head(BOOLEAN_SAMPLE).str.strip_chars().str.to_lowercase()
    head = head.filter(head.is_not_null() & (head != ""))
    if not head.len():
        return False
    if bool(head.is_in(sorted(FLAG_WORDS)).all()):
        return True
    return fld == "refunded" and bool(head.is_in(sorted(FLAG_DIGITS)).all()) \
        and (str(col).rstrip().endswith("?") or bool((head == "1").any()))


REFUND_FLAGS = ["fully_refunded", "refunded", "is_refunded", "rembourse"]
"""Columns flagging a payment refunded (Gumroad's 'Fully Refunded?' and 'Refunded?', Stripe
API's 'refunded'), compared as :func:`_norm` writes names: beside a column of the amount
refunded ('Partial Refund ($)'), a row flagged without an amount refunded is wholly refunded
(:attr:`Mapping.refund_flag`); a flag alone is left unread, as it always was."""


def is_flagged(values: pl.Series) -> pl.Series:
    """The rows of a flag column (:data:`REFUND_FLAGS`) that say yes: True, 'true', 'yes',
    '1' ...; False for the others and blanks."""
    if values.dtype == pl.Boolean:
        return values.fill_null(False)
    text = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    return text.is_in(["true", "yes", "oui", "ja", "y", "1"]).fill_null(False)


def resolve_mapping(
    frame: pl.DataFrame,
    explicit: dict[str, str | None] | None = None,
    preset: str | None = None,
    *,
    source: str = "input",
    headerless: bool = False,
    complete: bool = True,
    detect: bool = True,
) -> Mapping:
    """Choose the column for each canonical field.

    Order of precedence: explicit names, then the preset's names (the preset named, else the
    one whose headers match, see :data:`SIGNATURES`), then common names, then (for files
    without a header) the columns' content. The amount is an amount column, else quantity x
    unit price (a line-item log), else the sales side of debit and credit (a ledger); a price
    column taken as the amount is said in the notes. Raises :class:`MappingError` naming the
    missing field and the columns available (with ``complete=False``, returns what was found,
    for a form to start from). ``detect=False`` uses the explicit names only (a form's
    choices, where a field left empty is not to be used).
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
            raise MappingError(key="error_unknown_field",
                               values={"field": fld, "known": list(FIELDS)}, source=source)
        if col not in columns:
            match = by_norm.get(_norm(col))
            if match is None:
                raise MappingError(key="error_column_missing",
                                   values={"column": col, "field": fld,
                                           "columns": listed_words(columns)},
                                   source=source, field=fld)
            col = match
        take(fld, col, "explicit")
    given = set(mapping.columns)
    if {"amount", "price"} <= given:
        raise MappingError(key="error_amount_and_price", source=source, field="amount")

    detected = False
    if not detect:
        headerless, preset = False, None
    if preset is None and not headerless and detect:
        preset = detect_preset(columns)
        detected = preset is not None
        mapping.preset = preset
    if preset is not None:
        if preset not in PRESETS:
            raise MappingError(key="error_unknown_preset",
                               values={"preset": preset, "known": list(PRESETS)},
                               source=source)
        origin = f"preset {preset}" + (" (detected from the headers)" if detected else "")
        for fld, names in PRESETS[preset].items():
            if fld in mapping.columns or (fld == "amount" and "price" in given):
                continue
            for name in names:
                col = by_norm.get(_norm(name))
                if col is not None and col not in used and not _boolean_money(frame, fld, col):
                    take(fld, col, origin)
                    break
        if detected:
            mapping.notes.append(Note("preset_detected", preset=preset))

    if not headerless and detect:
        for fld, names in COMMON_NAMES.items():
            if fld in mapping.columns or (fld == "amount" and "price" in given):
                continue
            for name in names:
                col = by_norm.get(_norm(name))
                if col is not None and col not in used and not _boolean_money(frame, fld, col):
                    take(fld, col, "common name")
                    break
        customer = mapping.columns.get("customer_id")
        if customer is not None and "customer_id" not in given \
                and _norm(customer) in NAME_COLUMNS and _display_names(frame[customer]):
            # a display name ('Pierre Müller') beside the buyer's email: the email tells
            # namesakes apart (PrestaShop's 'Client' and 'Email')
            email = next((by_norm[n] for n in EMAIL_COLUMNS
                          if n in by_norm and by_norm[n] not in used), None)
            if email is not None:
                used.discard(customer)
                take("customer_id", email, "common name")
                mapping.notes.append(Note("customer_email_over_name", email=email,
                                          column=customer))
    elif headerless:
        sample = frame.head(1000)
        shapes = {c: _looks_like(sample[c]) for c in columns if c not in used}
        if "timestamp" not in mapping.columns:
            dates = [c for c, v in shapes.items() if v["date"] >= 0.9]
            if dates:
                take("timestamp", dates[0], "content: dates")
        if "amount" not in mapping.columns and "price" not in mapping.columns:
            money = [c for c, v in shapes.items() if c not in used and v["decimal"] >= 0.5]
            if money:
                take("amount", money[-1], "content: decimal numbers")
        if "customer_id" not in mapping.columns:
            rest = [c for c in columns if c not in used]
            if rest:
                take("customer_id", rest[0], "content: first remaining column")

    _settle_amount(mapping, given)
    if "amount" in mapping.columns:
        twin = tax_twin(mapping.columns["amount"], columns)
        if twin is not None:
            mapping.notes.append(Note("amount_ex_tax" if twin[1] else "amount_inc_tax",
                                      column=mapping.columns["amount"], other=twin[0]))
            if twin[1] and "refunded" in mapping.columns and mapping.refund_total is None:
                # a refund is money given back, tax included (BigCommerce's 'Refund
                # Amount'): scaled to the amount without tax, as Shopify's (REFUND_BASIS)
                mapping.refund_total = twin[0]
    if mapping.preset in MINOR_UNIT_PRESETS and "amount" in mapping.columns:
        written = {_norm(n) for n in PRESETS[mapping.preset]["amount"]}
        mapping.minor_units = _norm(mapping.columns["amount"]) in written
    basis = REFUND_BASIS.get(mapping.preset or "")
    if basis is not None and "refunded" in mapping.columns and "amount" in mapping.columns \
            and _norm(mapping.columns["amount"]) == _norm(basis[0]) \
            and _norm(basis[1]) in by_norm:
        mapping.refund_total = by_norm[_norm(basis[1])]
    twin = ADJUSTED_AMOUNTS.get(mapping.preset or "")
    if twin is not None and "amount" in mapping.columns \
            and _norm(mapping.columns["amount"]) == _norm(twin[0]) and _norm(twin[1]) in by_norm:
        mapping.adjusted = by_norm[_norm(twin[1])]
    if mapping.preset in ACTIVITY_PRESETS:
        for role, names in ACTIVITY.items():
            col = next((by_norm[_norm(n)] for n in names if _norm(n) in by_norm), None)
            if col is not None:
                mapping.activity[role] = col
    if "amount" in mapping.columns and "refunded" in mapping.columns \
            and "refunded" not in given and not headerless:
        mapping.refund_flag = next(
            (by_norm[_norm(n)] for n in REFUND_FLAGS if _norm(n) in by_norm
             and by_norm[_norm(n)] not in used
             and _boolean_money(frame, "refunded", by_norm[_norm(n)])), None)
    customer = mapping.columns.get("customer_id")
    if customer is not None and _norm(customer) in NAME_COLUMNS and (
            (mapping.preset is not None and mapping.preset not in ID_PRESETS)
            or _display_names(frame[customer])):
        mapping.notes.append(Note("customer_names", column=customer))
    if customer is not None and (_norm(customer) in GUEST_ID_COLUMNS
                                 or mapping.preset in GUEST_PRESETS):
        mapping.guests = True
        mapping.guest_email = next((by_norm[n] for n in EMAIL_COLUMNS
                                    if n in by_norm and by_norm[n] != customer), None)
    elif customer is not None and GUEST_ZERO_ANY and "mail" not in _norm(customer) \
            and _norm(customer) not in NAME_COLUMNS and not mapping.ledger:
        mapping.guests = mapping.guest_zero = True
        mapping.guest_email = next((by_norm[n] for n in EMAIL_COLUMNS
                                    if n in by_norm and by_norm[n] != customer), None)
    missing = [f for f in REQUIRED if f not in mapping.columns
               and not (f == "amount" and (mapping.line_items or mapping.ledger))]
    if missing and complete:
        extra = Words("error_no_amount_alternative") if missing[0] == "amount" else ""
        raise MappingError(
            key="error_column_not_found",
            values={"fields": [_field_words(f) for f in missing], "extra": extra,
                    "columns": listed_words(columns)},
            source=source, field=missing[0])
    return mapping


TAX_TWINS = (("extax", "inctax"), ("excltax", "incltax"), ("ht", "ttc"), ("net", "gross"),
             ("exvat", "incvat"))
"""Pairs of words telling an amount without tax from the same amount with it, in column
names compared as :func:`_norm` writes them ('Order Total (ex tax)', 'Order Total (inc
tax)'; 'Montant HT', 'Montant TTC')."""


def tax_twin(amount: str, columns: list[str]) -> tuple[str, bool] | None:
    """The column of ``columns`` holding the amount column ``amount`` on the other tax basis
    (:data:`TAX_TWINS`), and whether ``amount`` is the one without tax; None without one."""
    name = _norm(amount)
    by_norm = {_norm(c): c for c in columns}
    for without, with_tax in TAX_TWINS:
        for mine, other, ex in ((without, with_tax, True), (with_tax, without, False)):
            if name.endswith(mine) and len(name) > len(mine):
                twin = by_norm.get(name[: -len(mine)] + other)
                if twin is not None and twin != amount:
                    return twin, ex
    return None


def _settle_amount(mapping: Mapping, given: set[str]) -> None:
    """Decide how the amount is made, dropping the columns that will not be used for it and
    noting what a user could misread."""
    cols, origin = mapping.columns, mapping.origin
    if "amount" in cols:
        amount_col = cols["amount"]
        if "price" in cols and "price" not in given:
            # a detected unit price beside an amount column: the amount is the line's value
            del cols["price"], origin["price"]
        if "quantity" in cols and "amount" in given and _norm(amount_col) in _PRICE_NAMES:
            mapping.notes.append(Note("unit_price_as_amount", column=amount_col,
                                      quantity=cols["quantity"]))
        for fld in ("debit", "credit", "journal"):
            cols.pop(fld, None)
            origin.pop(fld, None)
        return
    if "price" in cols and "quantity" not in cols:
        # a price and no quantity: each row is taken as one unit sold at that price
        cols["amount"] = cols.pop("price")
        origin["amount"] = origin.pop("price")
        mapping.notes.append(Note("price_as_amount", column=cols["amount"]))
    if mapping.line_items:
        mapping.notes.append(Note("line_item_amounts", quantity=cols["quantity"],
                                  price=cols["price"]))
        for fld in ("debit", "credit"):
            cols.pop(fld, None)
            origin.pop(fld, None)
    # keep the canonical order of fields for display
    order = {f: i for i, f in enumerate(FIELDS)}
    mapping.columns = dict(sorted(cols.items(), key=lambda kv: order[kv[0]]))
    mapping.origin = {f: origin[f] for f in mapping.columns}
