"""Order statuses whose meaning depends on the platform, said by the user: `--paid-status` and
`--unpaid-status` (``paid_statuses`` and ``unpaid_statuses`` of read_transactions). Mollie's
'open' is a payment not yet made, Magento's 'Closed' an order refunded and closed, where the
built-in words keep both. Through the installed ``clv``, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clv.data import read_transactions
from clv.errors import DataError
from exporttools import check as _check
from exporttools import cli as _cli
from exporttools import write as _write

NOT_PAID = "order status not paid (failed, cancelled, refunded, awaiting payment)"

MOLLIE = (
    "id,createdAt,amount.value,amount.currency,status,customerId,method\n"
    "tr_WDqYK6vllg,2024-01-05T10:00:00+00:00,25.00,EUR,paid,cst_8wmqcHMN4U,ideal\n"
    "tr_Hq3DaA9Vn2,2024-01-09T11:00:00+00:00,40.00,EUR,open,cst_kEn1PlbGa,banktransfer\n"
    "tr_3Rk8bXz1Qe,2024-02-01T09:30:00+00:00,30.00,EUR,paid,cst_8wmqcHMN4U,creditcard\n"
    "tr_7TpLm2Ws0c,2024-02-14T15:00:00+00:00,15.00,EUR,expired,cst_p4Zx9vQe1,ideal\n"
    "tr_9GhJk4Lr5t,2024-03-02T08:00:00+00:00,55.00,EUR,paid,cst_kEn1PlbGa,ideal\n"
    "tr_2XcVb7Nm8q,2024-03-20T12:00:00+00:00,20.00,EUR,open,cst_p4Zx9vQe1,banktransfer\n"
)
MOLLIE_COLUMNS = ("--amount", "amount.value", "--customer", "customerId", "--date",
                  "createdAt")

MAGENTO = (
    "ID,Purchase Point,Purchase Date,Bill-to Name,Ship-to Name,Grand Total (Base),"
    "Grand Total (Purchased),Status,Customer Email\n"
    '000000101,Main Website,"Jan 5, 2024 10:12:00 AM",Anna Berg,Anna Berg,$120.00,$120.00,'
    "Complete,anna@example.com\n"
    '000000102,Main Website,"Jan 18, 2024 3:40:00 PM",Tom Lee,Tom Lee,$80.00,$80.00,Closed,'
    "tom@example.com\n"
    '000000103,Main Website,"Feb 2, 2024 9:05:00 AM",Anna Berg,Anna Berg,$60.00,$60.00,'
    "Processing,anna@example.com\n"
    '000000104,Main Website,"Feb 20, 2024 1:30:00 PM",Mia Roth,Mia Roth,$45.00,$45.00,Closed,'
    "mia@example.com\n"
    '000000105,Main Website,"Mar 3, 2024 11:00:00 AM",Tom Lee,Tom Lee,$95.00,$95.00,Complete,'
    "tom@example.com\n"
    '000000106,Main Website,"Mar 15, 2024 4:45:00 PM",Mia Roth,Mia Roth,$30.00,$30.00,Pending,'
    "mia@example.com\n"
)


def _not_paid(out: dict[str, object]) -> dict[str, object]:
    [exclusion] = [e for e in out["exclusions"] if e["reason"] == NOT_PAID]  # type: ignore
    return exclusion  # type: ignore[no-any-return]


def test_mollie_open_payments_excluded(tmp_path: Path) -> None:
    path = _write(tmp_path, "mollie_payments.csv", MOLLIE)
    before = _check(path, *MOLLIE_COLUMNS)
    assert before["rows_kept"] == 5  # 'open' is an order on most shops: kept by default
    out = _check(path, *MOLLIE_COLUMNS, "--unpaid-status", "open")
    assert out["rows_kept"] == 3 and out["amount_kept"] == 110.0
    excluded = _not_paid(out)
    assert excluded["count"] == 3 and excluded["amount"] == 75.0  # 2 open + 1 expired
    statuses = {row["status"] for row in excluded["examples"]}  # type: ignore[attr-defined]
    assert statuses == {"open", "expired"}
    assert not any("never occur" in n for n in out["notes"])  # type: ignore[attr-defined]


def test_magento_paid_statuses_only(tmp_path: Path) -> None:
    path = _write(tmp_path, "magento_orders.csv", MAGENTO)
    assert _check(path)["rows_kept"] == 5  # 'Closed' reads as done: kept by default
    out = _check(path, "--paid-status", "Complete,Processing")
    assert out["rows_kept"] == 3 and out["amount_kept"] == 275.0
    excluded = _not_paid(out)
    assert excluded["count"] == 3 and excluded["amount"] == 155.0  # Closed x2, Pending
    # repeated options add up; case and spaces do not matter
    again = _check(path, "--paid-status", " complete", "--paid-status", "PROCESSING ")
    assert again["rows_kept"] == 3
    done = _cli("summary", path, "--json", "--paid-status", "Complete,Processing")
    assert done.returncode == 0, done.stderr + done.stdout
    assert json.loads(done.stdout)["summary"]["customers"] == 2  # Anna and Tom


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_same_status_paid_and_unpaid_refused(tmp_path: Path, lang: str) -> None:
    path = _write(tmp_path, "mollie_payments.csv", MOLLIE)
    done = _cli("check", path, *MOLLIE_COLUMNS, "--paid-status", "paid,open",
                "--unpaid-status", "Open", lang=lang)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Usage" not in done.stderr
    assert "--paid-status" in done.stderr and "--unpaid-status" in done.stderr
    assert "'open'" in done.stderr
    assert ("nomment tous deux" if lang == "fr" else "both name") in done.stderr
    empty = _cli("check", path, *MOLLIE_COLUMNS, "--paid-status", " , ", lang=lang)
    assert empty.returncode == 2 and "Traceback" not in empty.stderr
    assert "--paid-status" in empty.stderr


def test_misspelt_status_noted(tmp_path: Path) -> None:
    path = _write(tmp_path, "mollie_payments.csv", MOLLIE)
    out = _check(path, *MOLLIE_COLUMNS, "--unpaid-status", "opne,expired")
    assert out["rows_kept"] == 5  # 'opne' matches nothing: only 'expired', built in
    said = "1 of the order statuses given never occurs in 'status': 'opne' (a typo?)"
    assert said in out["notes"]
    done = _cli("check", path, *MOLLIE_COLUMNS, "--paid-status", "payed,paid,complete",
                lang="fr")
    assert done.returncode == 0, done.stderr
    assert "2 des statuts de commande donnés n'apparaissent jamais dans « status » : " \
           "'payed', 'complete' (une faute de frappe ?)" in " ".join(done.stdout.split())


def test_read_transactions_statuses() -> None:
    frame = pl.DataFrame({
        "customer_id": ["a", "b", "a", "c", "b", "c"],
        "date": ["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-14", "2024-03-02",
                 "2024-03-20"],
        "amount": [25.0, 40.0, 30.0, 15.0, 55.0, 20.0],
        "status": ["Paid", "open", "wc-paid", "Closed", "  ", "Remboursée"]})
    default = read_transactions(frame)
    assert default.issues.rows_kept == 5  # 'Remboursée' (refunded) excluded, built in
    paid = read_transactions(frame, paid_statuses=["paid"])
    # Paid, wc-paid (a system's prefix) and the blank status kept; open, Closed, refunded not
    assert paid.frame["amount"].to_list() == [25.0, 30.0, 55.0]
    unpaid = read_transactions(frame, unpaid_statuses=("OPEN", "closed"))
    assert sorted(unpaid.frame["amount"].to_list()) == [25.0, 30.0, 55.0]
    # a value said paid is never excluded, even one the built-in words exclude
    kept = read_transactions(frame, paid_statuses={"paid", "remboursee", "open", "closed"})
    assert kept.issues.rows_kept == 6
    assert not [n for n in kept.issues.notes if getattr(n, "key", "") == "statuses_not_found"]
    noted = read_transactions(frame, unpaid_statuses=["open", "shiped"])
    [note] = [n for n in noted.issues.notes if getattr(n, "key", "") == "statuses_not_found"]
    assert note.values["values"] == "'shiped'" and note.values["n"] == 1
    with pytest.raises(DataError, match="both name 'Open'"):
        read_transactions(frame, paid_statuses=["Open"], unpaid_statuses=["open "])
    with pytest.raises(DataError, match="names no status"):
        read_transactions(frame, paid_statuses=[])
    with pytest.raises(DataError, match="no column holds order statuses; columns are: "
                                        "customer_id, date, amount"):
        read_transactions(frame.drop("status"), paid_statuses=["paid"])


def test_statuses_without_status_column_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "orders.csv", "customer,date,amount\na,2024-01-05,10.00\n"
                                          "b,2024-02-01,20.00\n")
    done = _cli("check", path, "--paid-status", "paid")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no column holds order statuses; columns are: customer, date, amount" \
        in done.stderr


def test_a_status_column_named_with_the_status_option(tmp_path: Path) -> None:
    """``--status COLUMN`` names a status column clv does not recognise (there was no such
    option: only ``columns={"status": ...}`` in Python): its rows not paid are excluded,
    with ``--unpaid-status`` too; a column that does not exist is refused, naming it."""
    text = ("kunde,datum,betrag,zahlungsinfo\n"
            "k1,2024-01-05,25.00,paid\nk2,2024-01-09,40.00,refunded\n"
            "k1,2024-02-01,30.00,paid\nk3,2024-02-14,15.00,failed\n"
            "k2,2024-03-02,55.00,open\n")
    path = _write(tmp_path, "bestellungen.csv", text)
    columns = ("--customer", "kunde", "--date", "datum", "--amount", "betrag")
    plain = _check(path, *columns)
    assert plain["rows_kept"] == 5  # the column is not one clv recognises by its name
    named = _check(path, *columns, "--status", "zahlungsinfo")
    assert named["rows_kept"] == 3 and named["amount_kept"] == 110.0
    assert _not_paid(named)["count"] == 2  # refunded, failed
    stricter = _check(path, *columns, "--status", "zahlungsinfo", "--unpaid-status", "open")
    assert stricter["rows_kept"] == 2
    done = _cli("summary", path, *columns, "--status", "zahlungsinfo", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["data"]["rows_kept"] == 3
    wrong = _cli("check", path, *columns, "--status", "etat")
    assert wrong.returncode != 0 and "etat" in wrong.stderr
    assert "Traceback" not in wrong.stderr
