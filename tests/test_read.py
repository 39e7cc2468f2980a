import datetime as dt
import sqlite3

import polars as pl
import pytest

from clv import read_transactions
from clv.data import issues as why
from clv.errors import DataError, MappingError

AS_OF = dt.datetime(2025, 1, 1)
EXPECTED = pl.DataFrame({
    "customer_id": ["a", "a", "b"],
    "timestamp": [dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 15), dt.datetime(2024, 3, 20)],
    "amount": [12.5, 1234.0, 7.0],
})


def _same(tx, expected=EXPECTED):
    got = tx.frame.select("customer_id", "timestamp", "amount").sort("timestamp")
    assert got.to_dicts() == expected.to_dicts()


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "text",
    [
        "customer,date,amount\na,2024-03-01,12.50\na,2024-03-15,\"1,234.00\"\nb,2024-03-20,7\n",
        "Client;Date;Montant\na;01/03/2024;12,50 €\na;15/03/2024;1.234,00 €\nb;20/03/2024;7 €\n",
        "user_id\torder_date\trevenue\na\t2024-03-01\t$12.50\na\t2024-03-15\t$1,234\nb\t2024-03-20\t$7\n",
        "customer|timestamp|value\na|1709251200|12.5\na|1710460800|1234\nb|1710892800|7\n",
        "a 20240301 12.50\na 20240315 1234.00\nb 20240320 7.00\n",
        "a,2024-03-01,12.50\na,2024-03-15,1234.00\nb,2024-03-20,7.00\n",
    ],
    ids=["comma", "semicolon-french", "tab-dollar", "pipe-epoch", "whitespace-noheader",
         "comma-noheader"],
)
def test_csv_dialects(tmp_path, text):
    tx = read_transactions(_write(tmp_path, "t.csv", text), as_of=AS_OF)
    _same(tx)
    assert tx.issues.rows_excluded == 0 and tx.issues.balanced


def test_latin1_and_bom(tmp_path):
    text = "Client;Date;Montant\na;01/03/2024;12,50 €\na;15/03/2024;1234\nb;20/03/2024;7\n"
    tx = read_transactions(_write(tmp_path, "l.csv", text, "cp1252"), as_of=AS_OF)
    _same(tx)
    assert any("not UTF-8" in n for n in tx.issues.notes)
    bom = _write(tmp_path, "b.csv", "\ufeff" + text)
    assert read_transactions(bom, as_of=AS_OF).mapping["customer_id"] == "Client"


def test_a_file_that_stops_being_utf8_after_its_first_lines(tmp_path, monkeypatch):
    # the head is sniffed alone; Polars' reader refuses the bytes further on, and the whole
    # file is then decoded as Windows-1252, with the note
    from clv.data import readers

    monkeypatch.setattr(readers, "HEAD_BYTES", 64)
    text = "Client;Date;Montant\na;01/03/2024;12,50\n" + "b;20/03/2024;7\n" * 10 + \
        "Zoé;15/03/2024;3\n"
    path = tmp_path / "late.csv"
    path.write_bytes(text.encode("cp1252"))
    tx = read_transactions(path, as_of=AS_OF)
    assert "Zoé" in tx.frame["customer_id"].to_list()
    assert any("not UTF-8" in n for n in tx.issues.notes)
    assert tx.issues.rows_kept == 12


def test_explicit_mapping_and_errors_naming_columns(tmp_path):
    path = _write(tmp_path, "x.csv", "who,when,paid,other\na,2024-03-01,12.5,1\n"
                  "a,2024-03-15,1234,2\nb,2024-03-20,7,3\n")
    tx = read_transactions(path, customer="who", date="when", amount="paid", as_of=AS_OF)
    _same(tx)
    assert tx.mapping.origin["customer_id"] == "explicit"
    with pytest.raises(MappingError, match=r"x\.csv.*column 'nope'.*who, when, paid, other"):
        read_transactions(path, customer="nope")
    with pytest.raises(MappingError, match="customer_id"):
        read_transactions(_write(tmp_path, "y.csv", "foo,date,amount\n1,2024-01-01,2\n"))


def test_binary_and_frame_sources(tmp_path):
    frame = pl.DataFrame({"customer_id": ["a", "a", "b"],
                          "date": ["2024-03-01", "2024-03-15", "2024-03-20"],
                          "amount": [12.5, 1234.0, 7.0]})
    frame.write_parquet(tmp_path / "t.parquet")
    frame.write_ndjson(tmp_path / "t.jsonl")
    frame.write_excel(tmp_path / "t.xlsx")
    for name in ("t.parquet", "t.jsonl", "t.xlsx"):
        _same(read_transactions(tmp_path / name, as_of=AS_OF))
    _same(read_transactions(frame, as_of=AS_OF))
    _same(read_transactions(frame.lazy(), as_of=AS_OF))
    _same(read_transactions(frame.to_pandas(), as_of=AS_OF))
    _same(read_transactions(frame.to_arrow(), as_of=AS_OF))


def test_excel_rows_are_numbered_as_in_the_spreadsheet(tmp_path):
    frame = pl.DataFrame({"customer": ["a", None], "date": ["2024-03-01", "2024-03-02"],
                          "amount": [1.0, 2.0]})
    frame.write_excel(tmp_path / "t.xlsx")
    with pytest.raises(DataError, match=r"t\.xlsx, row 3, column 'customer'"):
        read_transactions(tmp_path / "t.xlsx", strict=True, as_of=AS_OF)


def test_sql_table_and_query(tmp_path):
    db = tmp_path / "shop.db"
    con = sqlite3.connect(db)
    con.execute("create table orders (customer_id text, created_at text, total real)")
    con.executemany("insert into orders values (?, ?, ?)",
                    [("a", "2024-03-01", 12.5), ("a", "2024-03-15", 1234.0),
                     ("b", "2024-03-20", 7.0), ("c", "2024-03-21", -1.0)])
    con.commit()
    con.close()
    url = f"sqlite:///{db}"
    tx = read_transactions(url, table="orders", as_of=AS_OF, refunds="drop")
    _same(tx)
    assert tx.issues.excluded(why.REFUND_DROPPED) == 1
    q = read_transactions(url, query="select * from orders where total > 0", as_of=AS_OF)
    _same(q)
    with pytest.raises(DataError, match="no such table"):
        read_transactions(url, table="missing")


SHOPIFY = "\n".join([
    "Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Total,Created at,"
    "Lineitem quantity,Lineitem name",
    "#1001,ann@example.com,paid,2024-03-01 10:00:00 +0100,EUR,50.00,5.00,55.00,"
    "2024-03-01 10:00:00 +0100,1,Trousers",
    "#1001,ann@example.com,,,,,,,2024-03-01 10:00:00 +0100,1,Belt",
    "#1002,bob@example.com,voided,,EUR,20.00,5.00,25.00,2024-03-02 11:00:00 +0100,1,Socks",
    "#1003,ann@example.com,paid,2024-04-01 09:00:00 +0200,EUR,80.00,0.00,80.00,"
    "2024-04-01 09:00:00 +0200,2,Shirt",
]) + "\n"


def test_shopify_preset(tmp_path):
    tx = read_transactions(_write(tmp_path, "orders_export.csv", SHOPIFY), preset="shopify",
                           as_of=AS_OF)
    iss = tx.issues
    assert iss.mapping["customer_id"] == "Email"
    assert iss.mapping["amount"] == "Subtotal"
    assert iss.mapping_origin["amount"] == "preset shopify"
    assert iss.excluded(why.STATUS_NOT_PAID) == 1
    frame = tx.frame.sort("timestamp", "product")
    assert frame["amount"].to_list() == [0.0, 50.0, 80.0]  # belt line item kept at 0
    assert frame["product"].to_list() == ["Belt", "Trousers", "Shirt"]
    assert frame["timestamp"][1] == dt.datetime(2024, 3, 1, 9)  # converted to UTC
    assert iss.balanced


def test_woocommerce_and_stripe_presets(tmp_path):
    woo = ("Order ID,Order Date,Order Status,Customer User ID,Order Subtotal Amount,"
           "Order Currency\n11,2024-03-01 10:00,completed,7,50.00,EUR\n"
           "12,2024-03-05 10:00,failed,8,20.00,EUR\n")
    tx = read_transactions(_write(tmp_path, "w.csv", woo), preset="woocommerce", as_of=AS_OF)
    assert tx.frame["customer_id"].to_list() == ["7"]
    assert tx.issues.excluded(why.STATUS_NOT_PAID) == 1
    stripe = ("id,Created (UTC),Amount,Currency,Status,Customer ID,Customer Email\n"
              "ch_1,2024-03-01 10:00,19.00,usd,Paid,cus_1,a@x.io\n"
              "ch_2,2024-03-02 10:00,19.00,usd,Failed,cus_2,b@x.io\n")
    tx = read_transactions(_write(tmp_path, "s.csv", stripe), preset="stripe", as_of=AS_OF)
    assert tx.frame["customer_id"].to_list() == ["cus_1"]
    assert tx.issues.mapping["timestamp"] == "Created (UTC)"


MESSY = """order_id,customer,date,amount,currency
1,a,2024-01-05,10.00,EUR
2,,2024-01-06,11.00,EUR
3,b,not a date,12.00,EUR
4,b,2024-01-07,twelve,EUR
5,c,2024-01-08,13.00,USD
6,c,2030-01-08,14.00,EUR
1,a,2024-01-05,10.00,EUR
7,d,2024-01-09,-4.00,EUR
8,d,2024-01-10,0.00,EUR
9,e,2024-01-11,20.00,EUR
"""


def test_every_exclusion_is_counted_with_reason_amount_and_example(tmp_path):
    path = _write(tmp_path, "messy.csv", MESSY)
    tx = read_transactions(path, as_of=AS_OF)
    iss = tx.issues
    assert iss.rows_read == 10
    assert {e.reason: e.count for e in iss.exclusions} == {
        why.MISSING_CUSTOMER: 1, why.BAD_DATE: 1, why.BAD_AMOUNT: 1, why.OTHER_CURRENCY: 1,
        why.FUTURE_DATE: 1, why.DUPLICATE: 1}
    amounts = {e.reason: e.amount for e in iss.exclusions}
    assert amounts[why.MISSING_CUSTOMER] == 11.0 and amounts[why.BAD_AMOUNT] == 0.0
    examples = {e.reason: e.examples[0] for e in iss.exclusions}
    assert examples[why.BAD_DATE]["row"] == 4 and examples[why.BAD_DATE]["date"] == "not a date"
    assert examples[why.DUPLICATE]["row"] == 8  # the second copy goes, the first stays
    # refund and zero-value rows are kept (netted / not purchases in the summary)
    assert sorted(tx.frame["amount"].to_list()) == [-4.0, 0.0, 10.0, 20.0]
    assert iss.rows_kept == 4 and iss.balanced
    assert iss.amount_read == pytest.approx(iss.amount_kept + iss.amount_excluded)
    assert iss.amount_read == pytest.approx(10 + 11 + 12 + 13 + 14 + 10 - 4 + 0 + 20)
    assert "missing customer id: 1 rows" in str(iss)


def test_strict_mode_names_file_row_and_column(tmp_path):
    path = _write(tmp_path, "messy.csv", MESSY)
    with pytest.raises(DataError, match=r"messy\.csv, row 3, column 'customer': missing"):
        read_transactions(path, as_of=AS_OF, strict=True)


def test_refund_policies(tmp_path):
    path = _write(tmp_path, "r.csv", "customer,date,amount\na,2024-01-05,10\na,2024-01-05,-4\n"
                  "b,2024-01-06,7\n")
    net = read_transactions(path, as_of=AS_OF)
    assert net.issues.rows_kept == 3
    assert [n for n in net.issues.notes if n.key == "refunds"] == [
        "1 refund (a negative amount, total -4.00) kept, to be netted against the same "
        "customer's purchases of the same period"]
    drop = read_transactions(path, as_of=AS_OF, refunds="drop")
    assert drop.issues.excluded(why.REFUND_DROPPED) == 1
    assert drop.issues.amount_kept == 17.0 and drop.issues.balanced
    with pytest.raises(DataError, match=r"r\.csv, row 3, column 'amount': refund of -4"):
        read_transactions(path, as_of=AS_OF, refunds="error")


def test_duplicates_without_order_id_are_kept_and_reported(tmp_path):
    path = _write(tmp_path, "d.csv", "customer,date,amount\na,2024-01-05,10\na,2024-01-05,10\n")
    kept = read_transactions(path, as_of=AS_OF)
    assert kept.issues.rows_kept == 2
    assert any(n.key == "identical_rows" and n.startswith("1 row repeats another row exactly")
               for n in kept.issues.notes)
    dropped = read_transactions(path, as_of=AS_OF, duplicates="drop")
    assert dropped.issues.excluded(why.DUPLICATE) == 1


def test_explicit_currency_keeps_that_currency(tmp_path):
    path = _write(tmp_path, "c.csv", "customer,date,amount\na,2024-01-05,10 €\n"
                  "b,2024-01-05,$10\nc,2024-01-06,$12\n")
    auto = read_transactions(path, as_of=AS_OF)
    assert auto.issues.excluded(why.OTHER_CURRENCY) == 1  # USD is the most frequent
    eur = read_transactions(path, as_of=AS_OF, currency="eur")
    assert eur.issues.excluded(why.OTHER_CURRENCY) == 2
    assert eur.frame["customer_id"].to_list() == ["a"]


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_transactions(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="empty"):
        read_transactions(_write(tmp_path, "e.csv", "\n\n"))


def test_line_items_without_amount_belong_to_their_order(tmp_path):
    """Shopify writes an order's total on its first line only: the other lines of that order
    are kept with amount 0; a blank amount in an order without any amount is excluded."""
    from clv import read_transactions

    path = tmp_path / "orders.csv"
    path.write_text(
        "Name,Email,Created at,Total,Lineitem name\n"
        "#1,a@x,2024-01-02,30.00,hat\n"
        "#1,a@x,2024-01-02,,scarf\n"
        "#1,a@x,2024-01-02,,gloves\n"
        "#2,b@x,2024-02-03,,hat\n"
        "#3,b@x,2024-03-04,12.50,hat\n")
    tx = read_transactions(path, customer="Email", date="Created at", amount="Total",
                           order_id="Name")
    assert tx.frame["amount"].to_list() == [30.0, 0.0, 0.0, 12.5]
    assert any("2 line items" in n for n in tx.issues.notes)
    assert tx.issues.rows_excluded == 1 and tx.issues.exclusions[0].examples[0]["Name"] == "#2"


def test_repeated_rows_are_found_exactly():
    # the hashed pre-selection finds the same rows as comparing every row whole, nulls and
    # values swapped between columns included
    import random

    from clv.data.readers import ROW
    from clv.data.transactions import _repeats

    rng = random.Random(4)
    pool = ["a", "b", None, "1", "x y"]
    rows = [(rng.choice(pool), rng.choice(pool), rng.choice(pool)) for _ in range(400)]
    rows += [("a", "b", None), ("b", "a", None)]
    frame = pl.DataFrame(rows, schema=["c1", "c2", "c3"], orient="row").with_row_index(ROW)
    direct = frame.select(~pl.struct("c1", "c2", "c3").is_first_distinct()).to_series()
    assert _repeats(frame).to_list() == direct.to_list()
    assert 0 < direct.sum() < frame.height


def test_a_french_reference_column_is_the_order_id_unless_another_names_the_order():
    """A French shop export's 'Référence' is its order's reference; a column named for the
    order or the invoice comes first (then 'Référence' is left for the product rules)."""
    from clv.data.mapping import resolve_mapping

    def mapped(*names: str) -> tuple[str | None, str | None]:
        frame = pl.DataFrame({n: ["x"] for n in names})
        m = resolve_mapping(frame, {}, None, source="test")
        return m.columns.get("order_id"), m.origin.get("order_id")

    assert mapped("Client", "Date de commande", "Montant TTC", "Référence") == (
        "Référence", "common name")
    assert mapped("Client", "Date", "Montant", "N° pièce", "Référence")[0] == "N° pièce"


def test_french_order_number_headers_with_de_are_the_order_id():
    """'N° de commande', 'No de facture', 'Numéro de facture' (found by the French browser
    review: 'N° de commande' was left unmapped) name the order id."""
    from clv.data.mapping import resolve_mapping

    for header in ("N° de commande", "No de commande", "Num. de commande", "N° de facture",
                   "Numéro de facture"):
        frame = pl.DataFrame({"Client": ["a"], "Date": ["01/02/2025"], "Montant TTC": ["1,5"],
                              header: ["x"]})
        assert resolve_mapping(frame, {}, None, source="test").columns.get("order_id") == \
            header, header
