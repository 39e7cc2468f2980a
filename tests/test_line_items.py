"""Line-item logs (one line per product: quantity x unit price), cancellations, and the ways a
unit price could be misread as an amount."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import clv
from clv.data import issues as why
from clv.errors import MappingError

CLV = Path(sys.executable).parent / "clv"


@pytest.fixture(scope="module")
def shop():
    return clv.sample_shop(1500, seed=3, line_items=True)


def _write_like_the_export(shop, path: Path) -> Path:
    """The layout of the public online-retail logs: dates as 12/1/2010 8:26, ids as floats."""
    shop.transactions.with_columns(
        pl.col("InvoiceDate").dt.strftime("%-m/%-d/%Y %-H:%M")).write_csv(path)
    return path


def test_a_line_item_log_is_read_as_quantity_times_unit_price(shop, tmp_path):
    path = _write_like_the_export(shop, tmp_path / "online_retail.csv")
    tx = clv.read_transactions(path)
    truth = shop.truth["line_items"]
    iss = tx.issues
    assert iss.balanced
    assert iss.rows_read == truth["lines"]
    assert iss.rows_kept == truth["lines_kept"]
    # the revenue read equals the simulated truth to the cent
    assert round(iss.amount_kept, 2) == truth["revenue"]
    assert math.isclose(iss.amount_read, iss.amount_kept + iss.amount_excluded, abs_tol=1e-6)
    for reason, (count, amount) in truth["excluded"].items():
        assert iss.excluded(reason) == count, reason
        got = next(e.amount for e in iss.exclusions if e.reason == reason)
        assert round(got, 2) == pytest.approx(amount, abs=0.005), reason
    assert tx.mapping.line_items
    assert "amount = 'Quantity' x 'UnitPrice' (line items)" in tx.mapping.describe()
    keys = {getattr(n, "key", None) for n in iss.notes}
    assert {"line_item_amounts", "line_item_orders", "cancellations"} <= keys
    cancelled = next(n for n in iss.notes if getattr(n, "key", None) == "cancellations")
    assert cancelled.values["n"] == truth["refunds"]
    assert round(cancelled.values["total"], 2) == truth["refund_amount"]
    # cancelled invoices are refunds of their customers, never purchases
    refunds = tx.frame.filter(pl.col("order_id").str.starts_with("C"))
    assert refunds.height == truth["refunds"] and (refunds["amount"] < 0).all()
    # float ids written from a float column are integers, and join with the customers table
    assert tx.frame["customer_id"].str.contains(r"^\d+$").all()
    assert tx.frame["customer_id"].is_in(shop.customers["customer_id"].implode()).all()


def test_cancellations_follow_the_refund_policy(shop, tmp_path):
    path = _write_like_the_export(shop, tmp_path / "online_retail.csv")
    truth = shop.truth["line_items"]
    tx = clv.read_transactions(path, refunds="drop")
    assert tx.issues.balanced
    assert tx.issues.excluded(why.REFUND_DROPPED) == truth["refunds"]
    assert (tx.frame["amount"] > 0).all()
    with pytest.raises(clv.errors.DataError, match="refund"):
        clv.read_transactions(path, refunds="error")


def test_clv_report_on_the_line_item_log_with_no_option(shop, tmp_path):
    if not CLV.exists():
        pytest.skip("the clv script is not installed beside this Python")
    path = _write_like_the_export(shop, tmp_path / "online_retail.csv")
    out = tmp_path / "report.html"
    run = subprocess.run([str(CLV), "report", str(path), "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    html = out.read_text(encoding="utf-8")
    assert "UnitPrice" in html and "free line (unit price 0)" in html
    check = subprocess.run([str(CLV), "check", str(path), "--json"], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    assert '"amount_kept": ' + repr(shop.truth["line_items"]["revenue"]) in check.stdout


def _log(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_online_retail_ii_price_column_is_a_unit_price(tmp_path):
    path = _log(tmp_path, "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,"
                          "Customer ID,Country\n"
                          "489434,85048,LED BOX,12,2009-12-01 07:45:00,6.95,13085.0,UK\n"
                          "489434,79323P,PINK LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,UK\n"
                          "C489449,22087,PAPER BUNTING,-12,2009-12-01 10:33:00,2.95,16321.0,UK\n"
                          "489450,21000,MUG,2,2009-12-02 10:00:00,2.5,16321.0,UK\n")
    tx = clv.read_transactions(path)
    assert tx.mapping.line_items
    assert tx.frame["amount"].to_list() == pytest.approx([83.4, 81.0, -35.4, 5.0])
    assert tx.frame["customer_id"].to_list() == ["13085", "13085", "16321", "16321"]


def test_french_line_items(tmp_path):
    path = _log(tmp_path, "N° facture;Date facture;Code client;Désignation;Qté;PU HT\n"
                          "F001;03/01/2024;CL01;Café 1 kg;2;12,50\n"
                          "F001;03/01/2024;CL01;Filtres;1;3,20\n"
                          "F002;15/02/2024;CL02;Café 1 kg;1;12,50\n")
    tx = clv.read_transactions(path)
    m = tx.mapping.columns
    assert (m["quantity"], m["price"], m["customer_id"], m["order_id"]) == \
        ("Qté", "PU HT", "Code client", "N° facture")
    assert tx.frame["amount"].to_list() == pytest.approx([25.0, 3.2, 12.5])
    assert tx.frame["order_id"].n_unique() == 2


def test_a_price_is_never_an_amount_silently(tmp_path):
    path = _log(tmp_path, "customer,date,price\nA,2024-01-01,10\nB,2024-01-02,12\n")
    tx = clv.read_transactions(path)
    assert tx.issues.amount_kept == 22
    assert any(getattr(n, "key", None) == "price_as_amount" for n in tx.issues.notes)
    # an explicit unit price given as the amount, with a quantity beside it: said
    path = _log(tmp_path, "customer,date,UnitPrice,Quantity\nA,2024-01-01,10,3\n", "b.csv")
    tx = clv.read_transactions(path, amount="UnitPrice")
    assert tx.issues.amount_kept == 10
    assert any(getattr(n, "key", None) == "unit_price_as_amount" for n in tx.issues.notes)
    tx = clv.read_transactions(path, price="UnitPrice", quantity="Quantity")
    assert tx.issues.amount_kept == 30
    with pytest.raises(MappingError, match="not both") as exc:
        clv.read_transactions(path, price="UnitPrice", amount="UnitPrice")
    assert exc.value.field == "amount"


def test_an_amount_column_wins_over_quantity_and_price(tmp_path):
    path = _log(tmp_path, "customer,date,quantity,price,amount\nA,2024-01-01,2,5,9.5\n")
    tx = clv.read_transactions(path)
    assert not tx.mapping.line_items and tx.issues.amount_kept == 9.5
    assert "price" not in tx.mapping.columns


def test_lines_without_order_id_are_grouped_by_customer_and_time(tmp_path):
    path = _log(tmp_path, "customer,date,qty,unit_price,product\n"
                          "A,2024-01-01 10:00,1,5,x\nA,2024-01-01 10:00,2,3,y\n"
                          "A,2024-01-03 09:00,1,5,x\nB,2024-01-01 10:00,1,4,x\n")
    tx = clv.read_transactions(path)
    assert tx.frame["order_id"].n_unique() == 3
    note = next(n for n in tx.issues.notes if getattr(n, "key", None) == "line_item_orders")
    assert note.values == {"lines": 4, "orders": 3, "by": "by customer and time"}


def test_unparsable_quantity_has_its_own_reason(tmp_path):
    path = _log(tmp_path, "customer,date,qty,unit_price\nA,2024-01-01,two,5\n"
                          "A,2024-01-02,2,5\n")
    tx = clv.read_transactions(path)
    assert tx.issues.excluded(why.BAD_QUANTITY) == 1 and tx.issues.balanced
    with pytest.raises(clv.errors.DataError, match="column 'qty'"):
        clv.read_transactions(path, strict=True)


def test_missing_amount_error_names_the_field(tmp_path):
    path = _log(tmp_path, "customer,date,colour\nA,2024-01-01,red\n")
    with pytest.raises(MappingError, match="quantity and a unit price") as exc:
        clv.read_transactions(path)
    assert exc.value.field == "amount"
    assert "--amount" not in str(exc.value)  # the faces add their own way to name it


def test_integral_float_ids_from_parquet_join_integer_keys(tmp_path):
    frame = pl.DataFrame({"CustomerID": [12346.0, 12347.0, None],
                          "InvoiceDate": ["2024-01-01", "2024-01-02", "2024-01-03"],
                          "amount": [10.0, 20.0, 5.0]})
    frame.write_parquet(tmp_path / "orders.parquet")
    tx = clv.read_transactions(tmp_path / "orders.parquet")
    assert tx.frame["customer_id"].to_list() == ["12346", "12347"]
    # non-integral floats stay as written
    frame = frame.with_columns(pl.Series("CustomerID", [1.5, 2.0, 3.0]))
    tx = clv.read_transactions(frame)
    assert tx.frame["customer_id"].to_list() == ["1.5", "2.0", "3.0"]


def test_a_pandas_frame_without_pyarrow_gets_the_install_hint(tmp_path):
    pytest.importorskip("pandas")
    script = tmp_path / "no_pyarrow.py"
    script.write_text(
        "import builtins, sys\n"
        "import pandas as pd\n"
        "real = builtins.__import__\n"
        "def fake(name, *a, **k):\n"
        "    if name.split('.')[0] == 'pyarrow':\n"
        "        raise ModuleNotFoundError(\"No module named 'pyarrow'\", name='pyarrow')\n"
        "    return real(name, *a, **k)\n"
        "for m in [m for m in sys.modules if m.startswith('pyarrow')]:\n"
        "    del sys.modules[m]\n"
        "builtins.__import__ = fake\n"
        "import clv\n"
        "df = pd.DataFrame({'customer': ['a'], 'date': ['2024-01-01'], 'amount': [1.0]})\n"
        "try:\n"
        "    clv.read_transactions(df)\n"
        "except clv.errors.DataError as exc:\n"
        "    print(exc)\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120)
    assert "pip install 'clv[pandas]'" in run.stdout, run.stdout + run.stderr


def test_refunds_error_names_the_quantity_of_a_cancelled_line(tmp_path):
    path = _log(tmp_path, "customer,date,qty,unit_price\nA,2024-01-01,2,5\nA,2024-01-09,-1,5\n")
    with pytest.raises(clv.errors.DataError, match=r"row 3, column 'qty'"):
        clv.read_transactions(path, refunds="error")


def test_a_date_format_that_leaves_dates_unread_is_said(tmp_path):
    path = _log(tmp_path, "customer,date,amount\nA,12/1/2010,5\nB,12/13/2010,5\nC,1/2/2011,5\n")
    tx = clv.read_transactions(path, date_format="dmy")
    note = next(n for n in tx.issues.notes if getattr(n, "key", "") == "date_format_unread")
    assert note.values["better"] == "mdy" and note.values["n"] == 1
    if CLV.exists():  # the command line names the option as it is typed
        run = subprocess.run([str(CLV), "check", str(path), "--date-format", "dmy"],
                             capture_output=True, text=True, timeout=60)
        assert "--date-format 'dmy'" in run.stdout and "date_format=" not in run.stdout
