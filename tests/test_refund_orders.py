"""A refund made on a later day than its order (a return) nets against the order when the order
id links them: a refunded order is not a purchase (read_transactions writes ``order_time``,
rfm_summary nets the refund in the order's period, within the same window)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from clv import read_transactions, rfm_summary
from clv.report.text import note

AS_OF = dt.datetime(2026, 1, 1)


def _log(rows: list[tuple[str, str, float, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"customer_id": [r[0] for r in rows],
         "date": [dt.datetime.fromisoformat(r[1]) for r in rows],
         "amount": [r[2] for r in rows],
         "order_id": [r[3] for r in rows]},
        schema_overrides={"order_id": pl.String if isinstance(rows[0][3], str) else pl.Int64})


def _row(summary: object, customer: str) -> dict[str, object]:
    frame = summary.frame  # type: ignore[attr-defined]
    return frame.filter(pl.col("customer_id") == customer).row(0, named=True)


RETURNED = [
    ("A", "2024-01-01 10:00", 100.0, "O1"),
    ("A", "2024-01-10 12:00", 50.0, "O2"),
    ("A", "2024-01-20 09:00", -50.0, "O2"),   # O2 given back ten days later
    ("B", "2024-01-02 10:00", 80.0, "O3"),
    ("B", "2024-02-01 10:00", 40.0, "O4"),
    ("B", "2024-02-05 10:00", -10.0, "O4"),   # part of O4 given back
    ("B", "2024-03-01 10:00", 30.0, "O5"),
]


def test_an_order_refunded_on_a_later_day_is_not_a_purchase() -> None:
    tx = read_transactions(_log(RETURNED), as_of=AS_OF)
    linked = tx.frame.filter(pl.col("order_time").is_not_null())
    assert linked["amount"].to_list() == [-50.0, -10.0]
    assert linked["order_time"].to_list() == [dt.datetime(2024, 1, 10, 12),
                                              dt.datetime(2024, 2, 1, 10)]
    s = rfm_summary(tx, unit="day", observation_end="2024-03-31")
    a, b = _row(s, "A"), _row(s, "B")
    # A: O2 refunded in full is no repeat purchase; the total is what A kept
    assert (a["frequency"], a["recency"], a["monetary"], a["total_amount"]) == (0, 0.0, 0.0,
                                                                                100.0)
    # B: O4 partly refunded stays a purchase, of its net amount
    assert b["frequency"] == 2 and b["monetary"] == pytest.approx((30.0 + 30.0) / 2)
    assert b["recency"] == 59.0 and b["total_amount"] == pytest.approx(140.0)
    # nothing lost: the refunds' periods merged into their orders'
    assert s.report.transactions == 7 and s.report.merged_transactions == 2
    assert s.report.non_positive_periods == 1  # A's O2 period, netted to 0


def test_without_the_order_id_the_refund_is_its_own_period_as_before() -> None:
    log = _log(RETURNED).drop("order_id")
    s = rfm_summary(read_transactions(log, as_of=AS_OF), unit="day",
                    observation_end="2024-03-31")
    assert _row(s, "A")["frequency"] == 1  # the BTYD convention: only the same day nets
    assert s.report.non_positive_periods == 2


def test_the_reader_says_how_many_refunds_it_linked_in_both_languages() -> None:
    tx = read_transactions(_log(RETURNED), as_of=AS_OF)
    notes = {n.key: n for n in tx.issues.notes}
    assert "refunds" not in notes  # every refund is linked: none left to net by period
    linked = notes["refunds_linked"]
    assert linked.values["n"] == 2 and linked.values["total"] == pytest.approx(-60.0)
    assert str(linked).startswith("2 refunds (total -60.00) made after their order")
    assert note(linked, "fr").startswith("2 remboursements (total")


def test_only_a_refund_of_the_same_customer_after_its_order_is_linked() -> None:
    log = _log([
        ("A", "2024-01-01 10:00", 100.0, " O1 "),   # padded id: the same order as 'O1'
        ("A", "2024-01-05 10:00", -100.0, "O1"),
        ("B", "2024-01-02 10:00", 60.0, "O2"),
        ("C", "2024-01-06 10:00", -60.0, "O2"),      # another customer's order id
        ("D", "2024-01-03 10:00", -20.0, "O3"),      # a refund before its order
        ("D", "2024-01-04 10:00", 20.0, "O3"),
        ("E", "2024-01-03 10:00", -5.0, None),       # no order id
        ("E", "2024-01-01 10:00", 30.0, "O4"),
    ])
    tx = read_transactions(log, as_of=AS_OF)
    purchase = tx.frame.filter(pl.col("customer_id") == "A", pl.col("amount") > 0)
    assert purchase["order_time"].to_list() == [None]  # the purchase row itself
    linked = tx.frame.filter(pl.col("order_time").is_not_null())
    assert linked.select("customer_id", "amount").rows() == [("A", -100.0)]
    notes = {n.key: n.values for n in tx.issues.notes}
    assert notes["refunds_linked"]["n"] == 1 and notes["refunds"]["n"] == 3


def test_numeric_order_ids_link_as_numbers() -> None:
    log = _log([("A", "2024-01-01 10:00", 100.0, 7), ("A", "2024-02-01 10:00", 40.0, 8),
                ("A", "2024-02-09 10:00", -40.0, 8)])
    assert log.schema["order_id"] == pl.Int64
    s = rfm_summary(read_transactions(log, as_of=AS_OF), unit="day")
    assert _row(s, "A")["frequency"] == 0


def test_a_refund_in_another_window_stays_in_its_own_period() -> None:
    """A refund after the calibration end is not known at the calibration end: the order stays
    a calibration purchase and the refund a non-positive holdout period; a refund after the
    observation end is left out with the rows after it."""
    tx = read_transactions(_log(RETURNED), as_of=AS_OF)
    s = rfm_summary(tx, unit="day", calibration_end="2024-01-15", observation_end="2024-03-31")
    a = _row(s, "A")
    assert a["frequency"] == 1 and a["monetary"] == 50.0  # O2 as known on 2024-01-15
    assert a["frequency_holdout"] == 0 and a["total_amount_holdout"] == -50.0
    b = _row(s, "B")  # O4 and its refund both in the holdout: netted there
    assert b["frequency_holdout"] == 2 and b["monetary_holdout"] == pytest.approx(30.0)
    early = rfm_summary(tx, unit="day", observation_end="2024-01-15")
    assert _row(early, "A")["frequency"] == 1
    assert early.report.rows_after_observation_end == 4  # by their own dates


def test_weekly_merge_and_the_drop_policy() -> None:
    tx = read_transactions(_log(RETURNED), as_of=AS_OF)
    s = rfm_summary(tx, unit="week", merge="week", observation_end="2024-03-31")
    assert _row(s, "A")["frequency"] == 0
    dropped = read_transactions(_log(RETURNED), as_of=AS_OF, refunds="drop")
    assert "order_time" not in dropped.frame.columns


def test_an_order_and_its_refund_net_to_zero_whatever_the_round_off() -> None:
    """Lines of 0.10 and 0.20 and a refund of 0.30 sum to 5.6e-17, -2.8e-17 or 0 depending on
    the order of the additions (a parallel sum's order changes from run to run): the period is
    no purchase either way (NET_ZERO), so the same file gives the same summary every time."""
    lines = [("A", "2024-01-01 10:00", 50.0, "O1"),
             ("A", "2024-02-01 10:00", 0.1, "O2"), ("A", "2024-02-01 10:00", 0.2, "O2"),
             ("A", "2024-02-09 10:00", -0.3, "O2")]
    for order in (lines, [lines[0], lines[3], lines[1], lines[2]],
                  [lines[0], lines[2], lines[3], lines[1]]):
        s = rfm_summary(read_transactions(_log(order), as_of=AS_OF), unit="day")
        assert _row(s, "A")["frequency"] == 0
        assert s.report.non_positive_periods == 1
