import datetime as dt

import polars as pl
import pytest

from clv.data.amounts import parse_amounts
from clv.data.dates import parse_dates
from clv.errors import AmbiguousDateError, DataError


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("12,50 €", 12.5, "EUR"),
        ("$1,234.00", 1234.0, "USD"),
        ("EUR 9.90", 9.9, "EUR"),
        ("1.234,56", 1234.56, None),
        ("1 234,56", 1234.56, None),
        ("1\u00a0234,56 €", 1234.56, "EUR"),
        ("1'234.50", 1234.5, None),
        ("(12.00)", -12.0, None),
        ("12.00-", -12.0, None),
        ("-3", -3.0, None),
        ("£5", 5.0, "GBP"),
        ("1,234,567", 1234567.0, None),
        ("1.234.567,8", 1234567.8, None),
    ],
)
def test_amount_conventions(text, value, currency):
    parsed = parse_amounts(pl.Series("a", [text]))
    assert parsed.amount[0] == pytest.approx(value)
    assert parsed.currency[0] == currency


def test_ambiguous_amounts_follow_the_column_convention():
    # '1,234' alone could be either; '2,50' shows the column uses decimal commas
    parsed = parse_amounts(pl.Series("a", ["1,234", "2,50"]))
    assert parsed.amount.to_list() == pytest.approx([1.234, 2.5])
    parsed = parse_amounts(pl.Series("a", ["1,234", "2.50"]))
    assert parsed.amount.to_list() == pytest.approx([1234.0, 2.5])
    # nothing decides: English reading, and a note says so
    parsed = parse_amounts(pl.Series("a", ["1,234", "2,000"]))
    assert parsed.amount.to_list() == pytest.approx([1234.0, 2000.0])
    assert "either way" in parsed.notes[0]
    # the user can force the decimal comma
    forced = parse_amounts(pl.Series("a", ["1,234", "2,000"]), decimal=",")
    assert forced.amount.to_list() == pytest.approx([1.234, 2.0])


def test_unparsable_amounts_are_null_not_zero():
    parsed = parse_amounts(pl.Series("a", ["abc", "", None, "12..5x"]))
    assert parsed.amount.null_count() == 4


def test_numeric_amount_columns_pass_through():
    parsed = parse_amounts(pl.Series("a", [1, 2, 3]))
    assert parsed.amount.dtype == pl.Float64
    assert parsed.amount.to_list() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("values", "family", "expected"),
    [
        (["2024-03-25", "2024-03-26 10:30:00"], "iso", dt.datetime(2024, 3, 25)),
        (["25/03/2024", "01/04/2024"], "dmy", dt.datetime(2024, 3, 25)),
        (["03/25/2024", "04/01/2024"], "mdy", dt.datetime(2024, 3, 25)),
        (["25.03.2024", "01.04.2024"], "dmy", dt.datetime(2024, 3, 25)),
        (["20240325", "20240401"], "ymd", dt.datetime(2024, 3, 25)),
        (["1711324800", "1711411200"], "epoch", dt.datetime(2024, 3, 25)),
        (["1711324800000"], "epoch_ms", dt.datetime(2024, 3, 25)),
    ],
)
def test_date_families_are_detected(values, family, expected):
    parsed = parse_dates(pl.Series("d", values))
    assert parsed.family == family
    assert parsed.values[0] == expected


def test_day_first_detection_is_reported():
    parsed = parse_dates(pl.Series("d", ["01/04/2024", "25/03/2024"]))
    assert parsed.values.to_list() == [dt.datetime(2024, 4, 1), dt.datetime(2024, 3, 25)]
    assert "25/03/2024" in parsed.notes[0]


def test_ambiguous_day_month_order_is_an_error_not_a_guess():
    with pytest.raises(AmbiguousDateError, match=r"orders\.csv, column 'date'.*dmy"):
        parse_dates(pl.Series("date", ["01/02/2024", "03/04/2024"]), source="orders.csv")
    # the user's choice decides
    dmy = parse_dates(pl.Series("date", ["01/02/2024"]), "dmy").values[0]
    mdy = parse_dates(pl.Series("date", ["01/02/2024"]), "mdy").values[0]
    assert (dmy, mdy) == (dt.datetime(2024, 2, 1), dt.datetime(2024, 1, 2))
    # day == month everywhere reads the same either way: no ambiguity
    same = parse_dates(pl.Series("d", ["01/01/2024", "02/02/2024"]))
    assert same.values[1] == dt.datetime(2024, 2, 2)


def test_time_zones_are_converted_to_one_zone():
    values = pl.Series("d", ["2024-01-02T10:00:00+02:00", "2024-01-02T10:00:00Z",
                             "2024-01-02 10:00:00 -0500"])
    utc = parse_dates(values).values.to_list()
    assert utc == [dt.datetime(2024, 1, 2, 8), dt.datetime(2024, 1, 2, 10),
                   dt.datetime(2024, 1, 2, 15)]
    paris = parse_dates(values, tz="Europe/Paris").values.to_list()
    assert paris[0] == dt.datetime(2024, 1, 2, 9)
    # naive values are taken to be in the source zone
    naive = parse_dates(pl.Series("d", ["2024-07-01 12:00"]), tz="UTC",
                        source_tz="Europe/Paris").values[0]
    assert naive == dt.datetime(2024, 7, 1, 10)


def test_typed_columns_and_explicit_formats():
    stamps = pl.Series("d", [dt.datetime(2024, 1, 2, 12)]).dt.replace_time_zone("Asia/Tokyo")
    assert parse_dates(stamps).values[0] == dt.datetime(2024, 1, 2, 3)
    assert parse_dates(pl.Series("d", [dt.date(2024, 1, 2)])).values[0] == dt.datetime(2024, 1, 2)
    assert parse_dates(pl.Series("d", [19970101])).values[0] == dt.datetime(1997, 1, 1)
    assert parse_dates(pl.Series("d", ["2024|03|01"]), "%Y|%m|%d").values[0] == \
        dt.datetime(2024, 3, 1)


def test_unreadable_dates_name_the_column():
    with pytest.raises(DataError, match="column 'when'.*date_format"):
        parse_dates(pl.Series("when", ["soon", "later"]), source="f.csv")


@pytest.mark.parametrize("date_format", [None, "iso", "dmy"])
def test_values_in_formats_the_sample_missed_are_read_like_the_rest(monkeypatch, date_format):
    # the formats that read the detection sample are tried first on every value; a value
    # written in another format of the family is still read, as the whole family reads it
    from clv.data import dates

    monkeypatch.setattr(dates, "DETECTION_SAMPLE", 20)
    start = dt.datetime(2024, 1, 1)
    if date_format == "dmy":
        common = [(start + dt.timedelta(days=i)).strftime("%d/%m/%Y") for i in range(300)]
        rare = ["02-03-2024 10:30", "02.03.2024 10:30:15", "31/12/2024 23:59:59.5"]
    else:
        common = [(start + dt.timedelta(minutes=i)).isoformat(timespec="microseconds")
                  for i in range(300)]
        rare = ["2024-03-02", "2024-03-02 10:30+02:00", "2024/03/02 10:30", "2024-03-02T10:30Z"]
    values = pl.Series("d", common + rare + ["nonsense", None])
    family = date_format or "iso"
    got = parse_dates(values, date_format)
    whole = pl.DataFrame({"d": values.str.strip_chars()}).select(
        dates._family_expr(family, pl.col("d"), "UTC", "UTC"))["d"]
    assert got.values.null_count() == 2
    assert got.values.to_list() == whole.to_list()


def test_spreadsheet_serial_days_are_dates():
    """Dates pasted from a spreadsheet as numbers (45005 = 2023-03-20, with a fraction for the
    time of day) are read and said; date_format='excel' forces it."""
    parsed = parse_dates(pl.Series("order_date", ["45005", "45010.5", "45292"]))
    assert parsed.values.to_list() == [dt.datetime(2023, 3, 20), dt.datetime(2023, 3, 25, 12),
                                       dt.datetime(2024, 1, 1)]
    assert any(getattr(n, "key", "") == "excel_dates" for n in parsed.notes)
    assert parse_dates(pl.Series("d", ["45005"]), "excel").values[0] == dt.datetime(2023, 3, 20)
