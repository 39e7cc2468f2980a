"""Subscription exports of billing platforms, as a new user imported them:

- Chargebee's 'Cancelled At' / 'Canceled On' is the date a subscription was cancelled *or is
  set to be cancelled* at the end of its term: a date in the future moved the default as-of
  date (the date the figures describe) into the future, without a word. The default is now
  the latest date the table shows has happened; a subscription ending after the as-of date
  is active on it, and a note says how many;
- Recurly's export has ``canceled_at`` (when the customer asked to cancel) and ``expires_at``
  (when the service stops): the end was ``canceled_at``; it is now ``expires_at``, the
  candidates' order of preference being explicit;
- a ``quantity`` (seats) column was ignored: a unit amount (Recurly's ``unit_amount``) is
  multiplied by it, and a quantity left aside (beside a whole MRR) is said.

Each through the library and through the installed ``clv`` (English and French), which never
shows a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from clv.data.mapping import detect_columns, is_unit_price
from clv.data.tables import read_subscriptions_report
from clv.errors import DataError
from clv.models.sbg import default_as_of, subscription_lifetimes
from clv.subscriptions import saas_metrics
from exporttools import cli, write

# a handful of subscriptions does not identify sBG: its fit is left out with a warning; the
# figures tested here are the months' and the reading's
pytestmark = pytest.mark.filterwarnings("ignore:sBG left out:UserWarning")
TODAY = dt.date.today()


def _day(days: int) -> str:
    """The date ``days`` from today, as an export writes it (with a time of day)."""
    return f"{TODAY + dt.timedelta(days=days):%Y-%m-%d} 10:00"


def _run(*args: str | Path, lang: str = "en", code: int = 0) -> str:
    """``clv args`` in ``lang``, which must end with ``code`` and no traceback; its stdout
    (the JSON) or, for an error, its stderr."""
    done = cli(*args, lang=lang)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == code, done.stderr + done.stdout
    return done.stdout if code == 0 else done.stderr


# Chargebee's subscriptions export (the headers of its CSV): s2 set to cancel at the end of
# its term, in 40 days; s3 cancelled 30 days ago
CHARGEBEE = (
    "Subscription Id,Customer Id,Plan Id,Plan Quantity,Plan Amount,MRR,Status,Created At,"
    "Started At,Activated At,Cancelled At\n"
    f"s1,c1,pro,1,50,50,active,{_day(-200)},{_day(-200)},{_day(-200)},\n"
    f"s2,c2,pro,1,50,50,non_renewing,{_day(-150)},{_day(-150)},{_day(-150)},{_day(40)}\n"
    f"s3,c3,basic,1,20,20,cancelled,{_day(-120)},{_day(-120)},{_day(-120)},{_day(-30)}\n"
    f"s4,c4,basic,1,20,20,active,{_day(-60)},{_day(-60)},{_day(-60)},\n"
)


# --- 1. a cancellation scheduled after the as-of date ------------------------------------------

def test_a_scheduled_end_does_not_move_the_default_as_of_date():
    starts = pl.Series([TODAY - dt.timedelta(days=200), TODAY - dt.timedelta(days=60)])
    ends = pl.Series([TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=40)])
    # the latest date that has happened: the end 30 days ago, after the latest start
    assert default_as_of(starts, ends) == TODAY - dt.timedelta(days=30)
    assert default_as_of(starts, ends, today=TODAY + dt.timedelta(days=50)) == \
        TODAY + dt.timedelta(days=40)  # once it has happened, it counts
    assert default_as_of(starts, pl.Series([None, None], dtype=pl.Date)) == starts.max()
    # sBG's lifetimes: the subscription set to end in 40 days is still active, not churned
    frame = pl.DataFrame({"start": starts, "end": ends})
    lifetimes = subscription_lifetimes(frame)
    assert lifetimes.filter(pl.col("churned"))["weight"].sum() == 1


def test_a_subscription_ending_after_the_as_of_date_is_active_and_said(tmp_path):
    read = read_subscriptions_report(write(tmp_path, "subs.csv", CHARGEBEE), mrr="MRR")
    result = saas_metrics(read.frame, by=None)
    as_of = TODAY - dt.timedelta(days=30)  # s3's end: the latest date that has happened
    assert str(as_of) in result.basis["months"]
    assert result.months["month"].max() <= as_of
    # s2 never churns in the months reported (s3 may, in the last one: it ended on as_of)
    assert result.months["churned_customers"].sum() <= 1
    (plan,) = result.plans.iter_rows(named=True)
    assert plan["active_subscriptions"] == 3  # s1, s2, s4 on as_of
    (note,) = [n for n in result.notes if n.key == "subs_end_after_as_of"]
    assert note.values == {"n": 1, "as_of": as_of.isoformat()}
    # a date given: the end after it is active on it, and said the same way
    given = saas_metrics(read.frame, by=None, as_of=TODAY - dt.timedelta(days=100))
    (note,) = [n for n in given.notes if n.key == "subs_end_after_as_of"]
    assert note.values["n"] == 2  # s2 and s3


def test_clv_saas_keeps_the_as_of_date_out_of_the_future(tmp_path):
    path = write(tmp_path, "chargebee.csv", CHARGEBEE)
    out = json.loads(_run("saas", path, "--mrr", "MRR", "--json"))
    as_of = TODAY - dt.timedelta(days=30)
    assert f"ended by {as_of}" in out["basis"]["months"]
    assert all(m["month"] <= str(as_of) for m in out["months"])
    assert sum(m["churned_customers"] for m in out["months"]) <= 1  # s3 at most, never s2
    assert out["plans"][0]["active_subscriptions"] == 3
    assert "1 subscription ends after " + str(as_of) in out["notes"]
    assert "counted as active" in out["notes"]
    french = _run("saas", path, "--mrr", "MRR", lang="fr")
    assert "1 abonnement se termine après le" in " ".join(french.split())
    assert "compté comme actif" in " ".join(french.split())


# --- 2. Recurly: canceled_at (asked) and expires_at (service stopped) ---------------------------

RECURLY = (
    "uuid,account_code,plan_code,state,quantity,unit_amount,currency,activated_at,canceled_at,"
    "expires_at\n"
    "a1,acct1,team,active,1,30.00,USD,2024-01-10T09:00:00Z,,\n"
    # asked to cancel on May 3rd; the service runs to the end of the term, June 10th
    "a2,acct2,team,canceled,1,30.00,USD,2024-01-10T09:00:00Z,2024-05-03T12:00:00Z,"
    "2024-06-10T09:00:00Z\n"
    "a3,acct3,team,expired,1,30.00,USD,2024-02-01T09:00:00Z,2024-03-20T12:00:00Z,"
    "2024-04-01T09:00:00Z\n"
    "a4,acct4,team,active,1,30.00,USD,2024-03-05T09:00:00Z,,\n"
)


@pytest.mark.parametrize("columns", [["canceled_at", "expires_at"], ["expires_at", "canceled_at"],
                                     ["Cancelled At", "Expires At"]])
def test_the_end_is_when_the_service_stopped_not_when_cancelling_was_asked(columns):
    found, origin = detect_columns(["customer_id", "start", *columns], "subscriptions")
    assert found["end"] == columns[columns[0].lower().startswith("canc")] and \
        origin["end"] == "common name"


def test_a_recurly_subscription_canceled_but_not_expired_is_active(tmp_path):
    read = read_subscriptions_report(write(tmp_path, "recurly.csv", RECURLY),
                                     mrr="unit_amount")
    assert read.report.columns["end"] == "expires_at"
    assert read.report.columns["customer_id"] == "account_code"
    assert read.report.columns["start"] == "activated_at"
    (said,) = read.report.noted("subs_end_preferred")
    assert said.values == {"column": "expires_at", "other": "canceled_at"}
    assert read.frame["end"].to_list() == [None, dt.date(2024, 6, 10), dt.date(2024, 4, 1),
                                           None]
    result = saas_metrics(read.frame, by=None, as_of="2024-05-31")
    may = result.months.filter(pl.col("month") == dt.date(2024, 5, 1)).row(0, named=True)
    assert may["customers"] == 3 and may["churned_customers"] == 0  # a2 still served
    (note,) = [n for n in result.notes if n.key == "subs_end_after_as_of"]
    assert note.values["n"] == 1


def test_clv_saas_reads_recurly_s_end_as_the_expiry(tmp_path):
    path = write(tmp_path, "recurly.csv", RECURLY)
    out = json.loads(_run("saas", path, "--mrr", "unit_amount", "--as-of", "2024-05-31",
                          "--json"))
    months = {m["month"][:7]: m for m in out["months"]}
    assert months["2024-05"]["customers"] == 3 and months["2024-05"]["churn"] == 0
    assert months["2024-04"]["churned_customers"] == 1  # a3 expired on April 1st
    assert "'expires_at'" in out["notes"] and "'canceled_at'" in out["notes"]
    french = " ".join(_run("saas", path, "--mrr", "unit_amount", "--as-of", "2024-05-31",
                           lang="fr").split())
    assert "« expires_at »" in french and "« canceled_at »" in french


# --- 3. seats: a unit amount times the quantity ----------------------------------------------

SEATS = (
    "uuid,account_code,plan_code,state,quantity,unit_amount,currency,activated_at,canceled_at,"
    "expires_at\n"
    "a1,acct1,team,active,5,12.00,USD,2024-01-10,,\n"
    "a2,acct2,team,active,2,12.00,USD,2024-02-10,,\n"
    "a3,acct3,solo,active,1,9.00,USD,2024-02-20,,\n"
)


@pytest.mark.parametrize(("name", "unit"), [
    ("unit_amount", True), ("unit_amount_in_cents", True), ("Plan Unit Price", True),
    ("UnitPrice", True), ("prix_unitaire", True), ("price_per_seat", True),
    ("MRR", False), ("Plan Amount", False), ("plan.amount", False), ("community_mrr", False),
    ("amount", False)])
def test_a_unit_price_is_told_by_its_name(name, unit):
    assert is_unit_price(name) is unit


def test_a_unit_amount_is_multiplied_by_the_quantity(tmp_path):
    read = read_subscriptions_report(write(tmp_path, "seats.csv", SEATS), mrr="unit_amount")
    assert read.frame["mrr"].to_list() == [60.0, 24.0, 9.0]
    (said,) = read.report.noted("subs_unit_price")
    assert said.values == {"column": "unit_amount", "quantity": "quantity"}
    assert read.report.columns["quantity"] == "quantity"
    result = saas_metrics(read.frame, by=None, as_of="2024-03-31")
    assert result.months.row(-1, named=True)["mrr"] == 60 + 24 + 9


def test_a_whole_amount_beside_a_quantity_is_kept_and_said(tmp_path):
    path = write(tmp_path, "chargebee.csv", CHARGEBEE.replace(",1,50,50,", ",3,150,150,", 1))
    read = read_subscriptions_report(path, mrr="MRR")
    assert read.frame["mrr"].to_list() == [150.0, 50.0, 20.0, 20.0]  # MRR: all seats in it
    (said,) = read.report.noted("subs_quantity_not_applied")
    assert said.values == {"column": "MRR", "quantity": "Plan Quantity"}
    assert "quantity" not in read.report.columns
    # Chargebee's 'Plan Amount' is the plan's price for all its units: not multiplied either
    plan = read_subscriptions_report(path, mrr="Plan Amount")
    assert plan.frame["mrr"].to_list() == [150.0, 50.0, 20.0, 20.0]
    assert plan.report.noted("subs_quantity_not_applied")[0].values["column"] == "Plan Amount"
    # no quantity column: nothing to say
    alone = read_subscriptions_report(write(tmp_path, "plain.csv", "customer,start,end,mrr\n"
                                            "a,2024-01-01,,10\n"), mrr="mrr")
    assert not alone.report.noted("subs_quantity_not_applied")


def test_a_quantity_that_is_not_a_number_is_named(tmp_path):
    path = write(tmp_path, "seats.csv", SEATS.replace(",2,12.00,", ",two,12.00,"))
    with pytest.raises(DataError) as caught:
        read_subscriptions_report(path, mrr="unit_amount")
    assert caught.value.row == 3 and caught.value.column == "quantity"
    said = _run("saas", path, "--mrr", "unit_amount", code=2)
    assert "'two'" in said and "row 3" in said and "quantity" in said
    french = _run("saas", path, "--mrr", "unit_amount", lang="fr", code=2)
    assert "une quantité" in french


def test_clv_saas_multiplies_seats_and_says_so(tmp_path):
    path = write(tmp_path, "seats.csv", SEATS)
    out = json.loads(_run("saas", path, "--mrr", "unit_amount", "--as-of", "2024-03-31",
                          "--json"))
    assert out["months"][-1]["mrr"] == 60 + 24 + 9
    assert "'unit_amount' x 'quantity'" in out["notes"]
    kept = json.loads(_run("saas", write(tmp_path, "cb.csv", CHARGEBEE), "--mrr", "MRR",
                           "--json"))
    assert "'Plan Quantity'" in kept["notes"] and "not applied" in kept["notes"]
    french = " ".join(_run("saas", path, "--mrr", "unit_amount", "--as-of", "2024-03-31",
                           lang="fr").split())
    assert "« unit_amount » x « quantity »" in french


# --- 4. amounts in cents: Recurly's unit_amount_in_cents ---------------------------------------

CENTS = (
    "uuid,account_code,plan_code,state,quantity,unit_amount_in_cents,currency,activated_at,"
    "canceled_at,expires_at\n"
    "a1,acct1,team,active,5,1200,USD,2024-01-10,,\n"
    "a2,acct2,team,active,2,1200,usd,2024-02-10,,\n"
    # yen have no cents: Recurly writes 1000 JPY as 1000
    "a3,acct3,solo,active,1,1000,JPY,2024-02-20,,\n"
)


@pytest.mark.parametrize(("name", "cents"), [
    ("unit_amount_in_cents", True), ("MRR (cents)", True), ("amountInCents", True),
    ("mrr_centimes", True), ("unit_amount", False), ("MRR", False), ("percent", False),
    ("centre", False)])
def test_amounts_in_cents_are_told_by_their_name(name, cents):
    from clv.data.mapping import in_minor_units

    assert in_minor_units(name) is cents


def test_amounts_in_cents_are_divided_but_in_a_currency_without_cents(tmp_path):
    read = read_subscriptions_report(write(tmp_path, "cents.csv", CENTS),
                                     mrr="unit_amount_in_cents")
    assert read.frame["mrr"].to_list() == [60.0, 24.0, 1000.0]  # x seats, / 100 but yen
    assert [n.key for n in read.report.notes if n.key.startswith("subs_minor")] == [
        "subs_minor_units", "subs_minor_units_whole"]
    (whole,) = read.report.noted("subs_minor_units_whole")
    assert whole.values == {"n": 1, "column": "unit_amount_in_cents", "currency": "currency"}
    # no currency column: every amount divided, and only that said
    plain = read_subscriptions_report(write(tmp_path, "plain.csv", "customer,start,end,"
                                            "mrr_cents\na,2024-01-01,,1999\n"),
                                      mrr="mrr_cents")
    assert plain.frame["mrr"].to_list() == pytest.approx([19.99])
    assert [n.key for n in plain.report.notes if n.key.startswith("subs_minor")] == [
        "subs_minor_units"]


def test_clv_saas_says_the_cents_divided(tmp_path):
    path = write(tmp_path, "cents.csv", CENTS)
    out = json.loads(_run("saas", path, "--mrr", "unit_amount_in_cents", "--as-of",
                          "2024-03-31", "--json"))
    assert out["months"][-1]["mrr"] == pytest.approx(60 + 24 + 1000)
    assert "'unit_amount_in_cents' holds amounts in cents" in out["notes"]
    assert "1 subscription is in a currency without cents" in out["notes"]
    french = " ".join(_run("saas", path, "--mrr", "unit_amount_in_cents", "--as-of",
                           "2024-03-31", lang="fr").split())
    assert "montants en centimes" in french and "1 abonnement est dans une devise" in french


# --- 5. Chargebee's 'Canceled On', found by its name -------------------------------------------

def test_chargebee_s_canceled_on_is_the_end():
    found, origin = detect_columns(["Customer ID", "Started At", "Canceled On", "MRR"],
                                   "subscriptions")
    assert found["end"] == "Canceled On" and origin["end"] == "common name"
    # beside an expiry, the expiry is taken (as Recurly's canceled_at)
    found, _ = detect_columns(["customer", "start", "Canceled On", "expires_at"],
                              "subscriptions")
    assert found["end"] == "expires_at"


# --- 6. clv analyze --subscriptions says how the table was read --------------------------------

def test_clv_analyze_says_how_the_subscriptions_were_read(tmp_path):
    from clv.datasets import sample_shop

    shop = tmp_path / "shop.csv"
    sample_shop(n_customers=200, seed=3).transactions.write_csv(shop)
    subs = write(tmp_path, "subs.csv", "customer_id,start,end,mrr,plan\n"
                 "c1,2024-01-01,,10,basic\nc2,2024-01-05,2024-03-01,20,pro\n"
                 "c3,2024-02-01,,0,basic\n")
    done = cli("analyze", shop, "--subscriptions", subs, "--json")
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "subs.csv: 2 subscriptions have no end in 'end': active" in said
    assert "1 subscription has a monthly revenue of 0 (row 4)" in said
    json.loads(done.stdout)  # stdout stays the JSON alone
    french = " ".join(cli("analyze", shop, "--subscriptions", subs, "--json",
                          lang="fr").stderr.split())
    assert "2 abonnements n'ont pas de fin dans « end » : actifs" in french


def test_cents_all_in_a_currency_without_cents(tmp_path):
    """A table whose every subscription is in yen said its amounts were divided by 100."""
    yen = read_subscriptions_report(write(tmp_path, "yen.csv", "customer,start,end,mrr_cents,"
                                          "currency\na,2024-01-01,,1000,JPY\n"),
                                    mrr="mrr_cents")
    assert yen.frame["mrr"].to_list() == [1000.0]
    assert [n.key for n in yen.report.notes if n.key.startswith("subs_minor")] == [
        "subs_minor_units_whole"]
