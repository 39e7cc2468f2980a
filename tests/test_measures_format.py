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
