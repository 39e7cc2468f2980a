"""The reports of the spend, customers and subscriptions readers: every row read is kept or
left out with its reason (counted, with example rows), the rows kept are those the readers
return, and the notes say how the values were read (months, decimal commas, dates left blank
and why, spends added together). The analysis carries them, with what it adds (a spend
channel that is no customer's, subscriptions after the last month reported), and an
analysis pickled before it carried them still opens."""

from __future__ import annotations

import datetime as dt
import pickle

import polars as pl
import pytest

from clv.data.table_reports import NOTES, REASONS, TableNote, TableReport
from clv.data.tables import (
    read_customers,
    read_customers_report,
    read_spend,
    read_spend_report,
    read_subscriptions,
    read_subscriptions_report,
)
from clv.errors import DataError


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _keys(report: TableReport) -> dict[str, dict]:
    return {n.key: n.values for n in report.notes if isinstance(n, TableNote)}


def test_the_spend_report_counts_every_row_and_says_how_it_was_read(tmp_path):
    path = _write(tmp_path, "depenses.csv",
                  "Mois;Canal;Dépenses\n05/2023;Google;1 573,74 €\n05/2023;Google;10\n"
                  "06/2023;;3\n;;\n2023-07;SEO;4\n15/08/2023;SEO;5\nmai 2023;SEO;2\n ; ; \n")
    frame, report = read_spend_report(path)
    assert frame.equals(read_spend(path))  # the same rows as the reader gives
    assert (report.rows_read, report.rows_kept, report.rows_excluded) == (8, 6, 2)
    assert report.balanced and frame.height == report.rows_kept
    (empty,) = report.exclusions
    assert (empty.key, empty.count, empty.reason) == ("empty_row", 2, REASONS["empty_row"])
    assert empty.examples == [{"row": 5}, {"row": 9}]  # as a spreadsheet numbers them
    notes = _keys(report)
    assert notes["months_numeric"] == {"n": 3, "column": "Mois", "example": "05/2023"}
    assert notes["months_year_first"]["n"] == notes["months_named"]["n"] == 1
    assert notes["months_dates"] == {"n": 1, "column": "Mois", "example": "15/08/2023"}
    assert notes["decimal_comma"] == {"n": 1, "column": "Dépenses", "example": "1 573,74 €",
                                      "value": 1573.74}
    assert notes["no_channel"] == {"n": 1, "column": "Canal", "row": 4}
    assert notes["repeated_month"] == {"n": 1, "rows": "2, 3", "channel": "Google",
                                       "month": "05/2023"}
    assert report.currency == "EUR"
    assert report.columns == {"month": "Mois", "channel": "Canal", "spend": "Dépenses"}
    # the file reader's own notes are kept (the delimiter)
    assert any(getattr(n, "key", "") == "delimited" for n in report.notes)
    assert "8 rows read, 6 kept, 2 left out" in str(report)
    assert report.to_dict()["exclusions"][0]["count"] == 2


def test_decimal_points_and_thousands_are_no_decimal_comma(tmp_path):
    path = _write(tmp_path, "spend.csv", "month,channel,spend\n2023-05,SEO,\"1,573.74\"\n"
                  "2023-06,SEO,\"1,234,567\"\n2023-07,SEO,$12.50\n2023-08,SEO,€3\n")
    frame, report = read_spend_report(path)
    assert frame["spend"].to_list() == [1573.74, 1234567.0, 12.5, 3.0]
    assert "decimal_comma" not in _keys(report)
    assert _keys(report)["currencies"]["currencies"] == "USD, EUR"
    assert report.currency is None


def test_a_value_that_cannot_be_read_still_stops_the_read_naming_its_row(tmp_path):
    bad = _write(tmp_path, "faux.csv", "Mois;Canal;Dépenses\n05/2023;SEO;3\n;SEO;4\n")
    with pytest.raises(DataError, match=r"row 3, column 'Mois': an empty cell is not a month"):
        read_spend_report(bad)
    amount = _write(tmp_path, "faux2.csv", "Mois;Canal;Dépenses\n05/2023;SEO;beaucoup\n")
    with pytest.raises(DataError, match="row 2, column 'Dépenses': 'beaucoup' is not an"):
        read_spend_report(amount)


def test_the_customers_report_says_which_rows_were_left_out_and_why(tmp_path):
    path = _write(tmp_path, "clients.csv",
                  "Client;Canal;Date d'inscription\nC1;Google;25/01/2023\nC1;SEO;26/01/2023\n"
                  ";SEO;02/02/2023\n;;\nC3;;31/02/2023\nC4;SEO;\nC1;Google;25/01/2023\n")
    frame, report = read_customers_report(path)
    assert frame.equals(read_customers(path))
    assert frame["customer_id"].to_list() == ["C1", "C3", "C4"]  # the first row of C1
    assert frame.row(0, named=True)["channel"] == "Google"
    assert (report.rows_read, report.rows_kept) == (7, 3) and report.balanced
    assert {e.key: (e.count, e.examples) for e in report.exclusions} == {
        "empty_row": (1, [{"row": 5}]), "missing_id": (1, [{"row": 4}]),
        "repeated_id": (2, [{"row": 3, "customer_id": "C1"},
                            {"row": 8, "customer_id": "C1"}])}
    notes = _keys(report)
    # the acquisition dates left blank, each with its reason
    assert frame["acquired_at"].to_list() == [dt.date(2023, 1, 25), None, None]
    assert notes["dates_unread"] == {"n": 1, "column": "Date d'inscription",
                                     "example": "31/02/2023", "row": 6}
    assert notes["dates_empty"] == {"n": 1, "column": "Date d'inscription"}
    assert notes["customers_no_channel"] == {"n": 1, "column": "Canal"}
    # C1's second row says another channel: the first row's is kept, and said
    assert report.noted("repeated_other")[0].values["example"] == "SEO"


def test_the_subscriptions_report_says_what_each_blank_means(tmp_path):
    path = _write(tmp_path, "abonnements.csv",
                  "Client;Début;Fin;MRR;Offre\nC1;03/01/2023;;29,90;Pro\n"
                  "C2;15/02/2023;15/05/2023;0;Essentiel\n;;;;\n;01/01/2023;;3;Pro\n")
    frame, report = read_subscriptions_report(path, columns={})
    assert frame.equals(read_subscriptions(path, columns={}))
    assert (report.rows_read, report.rows_kept, report.excluded("empty_row")) == (4, 3, 1)
    notes = _keys(report)
    assert notes["subs_active"] == {"n": 2, "column": "Fin"}
    assert notes["subs_free"] == {"n": 1, "row": 3}
    assert notes["subs_no_customer"] == {"n": 1, "row": 5}
    assert notes["decimal_comma"]["example"] == "29,90"
    assert any(getattr(n, "key", "") == "date_order" for n in report.notes)
    with pytest.raises(DataError, match="row 3, column 'Début': an empty cell is not a date"):
        read_subscriptions_report(_write(tmp_path, "x.csv",
                                         "Client;Début;Fin\nC1;23/01/2023;\nC2;;\n"))


def test_a_report_and_its_notes_survive_pickling():
    report = TableReport("spend", "spend.csv", 2, 2, notes=[TableNote(
        "no_channel", n=1, column="Canal", row=3)])
    back = pickle.loads(pickle.dumps(report))
    assert back == report and back.notes[0].key == "no_channel"
    assert back.notes[0].values == {"n": 1, "column": "Canal", "row": 3}
    # every kind of note is a sentence with the values it names
    assert all("{" in text for text in NOTES.values())


@pytest.fixture(scope="module")
def analysed():
    """A small shop analysed with its spend (one channel renamed, one month of spend before
    the orders), customers and subscriptions (some starting after the orders end), each
    read from a file with its report."""
    from clv import Settings, analyze, sample_shop
    from clv.datasets import sample_saas

    shop = sample_shop(150, seed=4)
    spend = shop.spend.select("channel", pl.col("month").dt.strftime("%m/%Y"), "spend")
    first = spend["month"].str.to_date("%m/%Y").min()
    before = (first - dt.timedelta(days=40)).strftime("%m/%Y")
    spend = pl.concat([spend.with_columns(
        pl.when(pl.col("channel") == "email").then(pl.lit("E-mail"))
        .otherwise(pl.col("channel")).alias("channel")),
        pl.DataFrame({"channel": ["paid_social"], "month": [before], "spend": [5.0]})])
    subs = sample_saas(60, seed=4).subscriptions.with_columns(
        pl.col("start").dt.offset_by("1y"), pl.col("end").dt.offset_by("1y"))
    folder = pytest.importorskip("tempfile").mkdtemp()
    spend.write_csv(f"{folder}/spend.csv")
    subs.write_csv(f"{folder}/subs.csv")
    shop.customers.select("customer_id", "channel").write_csv(f"{folder}/customers.csv")
    reads = {"spend": read_spend_report(f"{folder}/spend.csv"),
             "customers": read_customers_report(f"{folder}/customers.csv"),
             "subscriptions": read_subscriptions_report(f"{folder}/subs.csv", mrr="mrr",
                                                        keep=("plan",))}
    analysis = analyze(shop.transactions, spend=reads["spend"].frame,
                       customers=reads["customers"].frame,
                       subscriptions=reads["subscriptions"].frame,
                       settings=Settings(draws=20),
                       table_reports={k: r.report for k, r in reads.items()})
    return analysis, reads, subs, shop


def test_the_analysis_carries_the_reports_with_what_it_adds(analysed):
    analysis, reads, subs, shop = analysed
    assert [r.kind for r in analysis.table_reports] == ["spend", "customers", "subscriptions"]
    spend = analysis.table_report("spend")
    assert spend is not None and spend.rows_read == reads["spend"].frame.height
    # the channel written 'E-mail' in the spend table buys no customer: said, with its spend
    (lost,) = spend.noted("unmatched_channel")
    assert lost.values["channel"] == "E-mail"
    assert lost.values["spend"] == pytest.approx(
        reads["spend"].frame.filter(pl.col("channel") == "E-mail")["spend"].sum())
    assert "'email'" in lost.values["known"]
    (outside,) = spend.noted("months_outside")
    assert outside.values["n"] == 1
    # the subscriptions starting after the last month reported are counted
    last = analysis.subscriptions.months["month"].max()
    after = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    (late,) = analysis.table_report("subscriptions").noted("subs_after_end")
    assert late.values["n"] == subs.filter(pl.col("start") >= after).height > 0
    # the readers' own reports are not changed by the analysis
    assert not reads["spend"].report.noted("unmatched_channel")
    assert analysis.table_report("customers").rows_kept == shop.customers.height


def test_an_analysis_saved_before_the_reports_opens_without_them(analysed):
    analysis = analysed[0]
    old = pickle.loads(pickle.dumps(analysis))
    del old.__dict__["table_reports"]  # as pickled before the field was there
    back = pickle.loads(pickle.dumps(old))
    assert back.table_reports == () and back.table_report("spend") is None
    assert back.kpis == analysis.kpis


def test_the_report_says_how_each_table_was_read_in_both_languages(tmp_path):
    """The report's data section shows, after the orders, how the spend table was read (rows
    read, kept, left out by reason, notes), as the dashboard's data page does."""
    import clv
    from clv.data.tables import read_spend_report
    from clv.pipeline import analyze
    from clv.report import render

    shop = clv.sample_shop(800, seed=3)
    path = tmp_path / "depenses.csv"
    shop.spend.write_csv(path)
    with path.open("a") as f:
        f.write(",,,,\n")  # an empty row: left out and counted
    read = read_spend_report(path)
    a = analyze(shop.transactions, spend=read.frame, table_reports=[read.report])
    english, french = render(a, "en"), render(a, "fr")
    assert "Marketing spend: depenses.csv" in english and str(tmp_path) not in english
    assert f"{read.report.rows_read} rows read, {read.report.rows_kept} kept, 1 excluded" \
        in english
    assert "empty row (no value in any column)" in english
    assert "ligne vide (aucune valeur dans aucune colonne)" in french
    assert "Dépenses marketing\u00a0: depenses.csv" in french.replace(" :", "\u00a0:")


def test_every_note_counted_once_is_said_in_the_singular_in_english():
    """'1 subscriptions have no end' was the English of a count of one (the catalogue, which
    the report and the dashboard use, had the singular; the notes' own text had not)."""
    from clv.data.table_reports import NOTES, NOTES_ONE, TableNote
    from clv.i18n import catalogue

    said = catalogue()
    missing = [k for k in NOTES if f"tbl_note_{k}_one" in said and k not in NOTES_ONE]
    assert not missing
    note = TableNote("subs_active", n=1, column="end")
    assert str(note) == "1 subscription has no end in 'end': active"
    assert str(TableNote("subs_active", n=2, column="end")).startswith("2 subscriptions have")
