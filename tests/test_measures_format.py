"""Figures that round to zero are written without a minus sign on every face that uses
clv.measures (the report, the dashboard): a refunded balance of -0.001 was '-0,00 €'."""

from __future__ import annotations

import pytest

from clv.measures import money, percent, ratio


@pytest.mark.parametrize(("text", "expected"), [
    (money(-0.001, "EUR", "fr"), "0,00\u00a0€"),
    (money(-0.004, "EUR", "en"), "€0.00"),
    (money(-0.4, "JPY", "en"), "¥0"),
    (money(-0.001, None, "en"), "0.00"),
    (percent(-0.00001, "en"), "0%"),
    (ratio(-0.001, "fr"), "0,00x"),
    # what does not round to zero keeps its sign
    (money(-1.5, "EUR", "en"), "-€1.50"),
    (percent(-0.1, "en"), "-10%"),
])
def test_no_minus_zero(text, expected):
    assert text.replace("\u202f", "\u00a0") == expected


def test_the_report_writes_no_minus_zero_and_one_customer_in_the_singular():
    """The report's own numbers ('-0.00' for a balance of -0.001) and a cohort of one
    customer ('1 sur 1 clients')."""
    import datetime as dt

    import polars as pl

    import clv
    from clv import report
    from clv.report.text import number

    assert number(-0.001, "fr", 2) == "0,00" and number(-1.5, "en", 1) == "-1.5"
    rows = [("solo", dt.datetime(2023, 1, 10), 30.0), ("solo", dt.datetime(2023, 2, 12), 25.0)]
    for i in range(60):  # the later cohorts, of several customers each
        start = dt.datetime(2023, 3 + i % 6, 1 + i % 25)
        rows += [(f"c{i}", start, 20.0 + i % 7),
                 (f"c{i}", start + dt.timedelta(days=20 + i % 40), 15.0)]
    shop = pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount"], orient="row")
    a = clv.analyze(shop, settings=clv.Settings(draws=20))
    fr = report.render(a, "fr").replace("\u00a0", " ").replace("\u202f", " ")
    assert "(1 sur 1 client)" in fr and "sur 1 clients" not in fr
    en = report.render(a, "en")
    assert "(1 of 1 customer)" in en and "of 1 customers" not in en
