"""Defects found on a real UK online shop's line-item log of 540k lines (issue 13, item 5):
cohort repeat rates counted by the summary's rule, cross-sell windows without a full
self-join, BG/BB on lifetimes' column names, and customers tables whose ids match nobody."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clv import rfm_summary, sample_shop
from clv.cohorts import cohorts
from clv.data.tables import join_customers, read_patterns
from clv.errors import ClvError, DataError
from clv.models import BGBB
from clv.notes import Note
from clv.report.text import note as text_note
from clv.segments import profile_by
from clv.timing import cross_sell

D = dt.datetime


# --- 1. cohort repeat purchases by the summary's rule ---------------------------------------

def _by_hand():
    rows = [  # customer, time, amount
        ("a", D(2024, 1, 1, 9), 50.0), ("a", D(2024, 1, 10, 9), 20.0),
        ("a", D(2024, 1, 10, 15), -30.0),  # a purchase and a larger refund the same day
        ("a", D(2024, 1, 20), 15.0),
        ("b", D(2024, 1, 1), 0.0), ("b", D(2024, 1, 5), 30.0),  # a free first order
        ("c", D(2024, 1, 1, 9), 40.0), ("c", D(2024, 1, 1, 10), -40.0),  # net 0: acquires
        ("c", D(2024, 1, 3, 9), 10.0), ("c", D(2024, 1, 3, 11), -10.0),  # net 0: no repeat
        ("d", D(2024, 1, 1), -20.0),  # a refund before the first order
        ("d", D(2024, 1, 3, 9), 30.0), ("d", D(2024, 1, 3, 17), 5.0), ("d", D(2024, 1, 9), -5.0),
        ("e", D(2024, 1, 4, 9), 10.0), ("e", D(2024, 1, 4, 18), 12.0),  # two orders, one day
        ("f", D(2024, 1, 1), 10.0), ("f", D(2024, 1, 2, 8), 5.0), ("f", D(2024, 1, 2, 9), -5.0),
        ("f", D(2024, 1, 2, 10), 1.0),  # net +1: a repeat purchase
        ("g", D(2024, 1, 2), -8.0),  # only a refund: no customer
        ("h", D(2024, 1, 1), 0.0), ("h", D(2024, 1, 3, 9), 10.0), ("h", D(2024, 1, 3, 10), -10.0),
        ("h", D(2024, 1, 6), 8.0),
    ]
    return pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount"], orient="row")


def _agree(tx: pl.DataFrame, summary) -> pl.DataFrame:
    """Each customer's summary frequency next to its cohorts' days to second purchase; the
    cohorts' repeat rate against the summary's, cohort by cohort."""
    result = cohorts(tx, summary, period="month")
    both = summary.frame.select("customer_id", "frequency").join(
        result.customers.select("customer_id", "acquired", "days_to_second"),
        on="customer_id", how="left")
    assert both.height == len(summary) == result.customers.height
    disagree = both.filter((pl.col("frequency") > 0) != pl.col("days_to_second").is_not_null())
    assert disagree.height == 0, disagree
    rates = both.with_columns(pl.col("acquired").dt.truncate("1mo").alias("cohort")).group_by(
        "cohort").agg((pl.col("frequency") > 0).mean().alias("summary_rate"))
    joined = result.repeat.join(rates, on="cohort")
    assert joined.height == result.repeat.height
    assert joined["repeat_rate"].to_list() == pytest.approx(joined["summary_rate"].to_list())
    if summary.merge == "day":  # (merged by week, a first purchase is dated its Monday)
        age0 = result.table.filter(pl.col("age") == 0)
        assert (age0["active"] == age0["eligible"]).all()  # every customer acquired at age 0
    return both


def test_cohort_repeat_purchases_follow_the_summary_by_hand():
    tx = _by_hand()
    summary = rfm_summary(tx, unit="day", observation_end="2024-01-31")
    both = {r["customer_id"]: r for r in _agree(tx, summary).iter_rows(named=True)}
    assert "g" not in both
    expected = {"a": 19, "b": 4, "c": None, "d": None, "e": None, "f": 1, "h": 5}
    assert {k: both[k]["days_to_second"] for k in expected} == expected
    assert {k: both[k]["frequency"] for k in expected} == {
        k: int(v is not None) for k, v in expected.items()}
    result = cohorts(tx, summary, period="month")
    assert result.repeat["repeat_rate"][0] == pytest.approx(4 / 7)
    assert result.repeat["median_days_to_second"][0] == pytest.approx(4.5)
    # g, who only had a refund, is no customer: its line is left out and counted
    assert result.basis["excluded"].startswith("1 lines of customers not in summary")
    # a calibration end cuts both the same way: f's and h's repeats are later
    cut = rfm_summary(tx, unit="day", observation_end="2024-01-31",
                      calibration_end="2024-01-04")
    both = {r["customer_id"]: r for r in _agree(tx, cut).iter_rows(named=True)}
    assert both["a"]["days_to_second"] is None and both["f"]["days_to_second"] == 1
    assert both["h"]["days_to_second"] is None and both["b"]["frequency"] == 0


def _messy_shop(customers: int, seed: int) -> pl.DataFrame:
    """A sample shop with the real log's troubles: same-day multiple orders, refunds (some
    larger than the day's purchases, some on days without a purchase), zero-value orders
    (some first orders)."""
    rng = np.random.default_rng(seed)
    tx = sample_shop(customers, seed=seed).transactions.select(
        "customer_id", "timestamp", "amount")
    n = tx.height
    pick = lambda share: tx.filter(pl.Series(rng.random(n) < share))  # noqa: E731
    later = pl.col("timestamp") + pl.duration(hours=1)
    same_day = pick(0.1).with_columns(later, amount=pl.col("amount") * 0.5)
    refunds = pick(0.1).with_columns(later, amount=-pl.col("amount"))
    larger = pick(0.05).with_columns(later, amount=-pl.col("amount") * 2)
    days_later = pick(0.05).with_columns(pl.col("timestamp") + pl.duration(days=3),
                                         amount=-pl.col("amount") * 0.3)
    firsts = tx.group_by("customer_id").agg(pl.col("timestamp").min())
    free = firsts.filter(pl.Series(rng.random(firsts.height) < 0.2)).with_columns(
        pl.col("timestamp") - pl.duration(days=2), amount=pl.lit(0.0))
    zero = pick(0.03).with_columns(later, amount=pl.lit(0.0))
    return pl.concat([tx, same_day, refunds, larger, days_later,
                      free.select(tx.columns), zero]).sort("customer_id", "timestamp")


@pytest.mark.parametrize(("merge", "calibration"), [("day", None), ("day", "2025-06-30"),
                                                     ("week", None)])
def test_cohort_repeat_purchases_follow_the_summary_on_a_messy_log(merge, calibration):
    tx = _messy_shop(3_000, seed=4)
    summary = rfm_summary(tx, unit="week", merge=merge, calibration_end=calibration)
    both = _agree(tx, summary)
    assert 0 < both["days_to_second"].null_count() < both.height


# --- 2. cross-sell windows without a full self-join -----------------------------------------

def _cross_sell_reference(frame: pl.DataFrame, min_customers: int, min_lift: float
                          ) -> pl.DataFrame:
    """The first implementation: every customer's products joined with themselves."""
    firsts = (frame.lazy().filter((pl.col("amount") > 0) & pl.col("product").is_not_null())
              .group_by("customer_id", pl.col("product").cast(pl.String))
              .agg(pl.col("timestamp").min().dt.date().alias("day")).collect())
    n_customers = firsts["customer_id"].n_unique()
    buyers = firsts.group_by("product").agg(pl.len().alias("customers"))
    pairs = (firsts.lazy().join(firsts.lazy(), on="customer_id", suffix="_b")
             .filter(pl.col("day_b") > pl.col("day"))
             .with_columns((pl.col("day_b") - pl.col("day")).dt.total_days().alias("delay"))
             .group_by(pl.col("product").alias("product_a"), "product_b")
             .agg(pl.len().alias("customers_then_b"),
                  pl.col("delay").median().alias("median_days"),
                  pl.col("delay").quantile(0.25, "linear").alias("q1_days"),
                  pl.col("delay").quantile(0.75, "linear").alias("q3_days"))
             .collect())
    return (pairs.join(buyers.rename({"product": "product_a", "customers": "customers_a"}),
                       on="product_a")
            .join(buyers.rename({"product": "product_b", "customers": "buyers_b"}),
                  on="product_b")
            .with_columns((pl.col("customers_then_b") / pl.col("customers_a")).alias("share"),
                          (pl.col("buyers_b") / n_customers).alias("base_rate_b"))
            .with_columns((pl.col("share") / pl.col("base_rate_b")).alias("lift"))
            .filter((pl.col("customers_then_b") >= min_customers)
                    & (pl.col("lift") >= min_lift)))


def _many_products(customers: int, products: int, seed: int) -> pl.DataFrame:
    """Baskets of many products per customer (the shape of the online shop's log)."""
    rng = np.random.default_rng(seed)
    per = rng.geometric(1 / 40, customers)
    owner = np.repeat(np.arange(customers), per)
    product = np.minimum(rng.zipf(1.3, owner.size), products)
    day = rng.integers(0, 120, owner.size)
    return pl.DataFrame({
        "customer_id": pl.Series(owner).cast(pl.String),
        "timestamp": np.datetime64("2024-01-01", "ms") + day.astype("timedelta64[D]"),
        "amount": np.where(rng.random(owner.size) < 0.03, -5.0, 5.0),
        "product": pl.Series(product).cast(pl.String)})


@pytest.mark.parametrize(("chunk", "dense"), [(None, None), (97, None), (97, 0)])
@pytest.mark.parametrize(("min_customers", "min_lift"), [(30, 1.0), (1, 0.0), (5, 1.2)])
def test_cross_sell_equals_the_self_join(monkeypatch, chunk, dense, min_customers, min_lift):
    if chunk is not None:  # many small chunks of pairs
        monkeypatch.setattr("clv.timing.PAIRS_PER_CHUNK", chunk)
    if dense is not None:  # tallies merged in sorted arrays, not counted in a dense one
        monkeypatch.setattr("clv.timing.DENSE_KEYS", dense)
    columns = ["product_a", "product_b", "customers_a", "customers_then_b", "share",
               "base_rate_b", "lift", "median_days", "q1_days", "q3_days"]
    for tx in (sample_shop(4_000, seed=3).transactions, _many_products(300, 200, seed=1)):
        expected = _cross_sell_reference(tx, min_customers, min_lift).select(columns)
        got = cross_sell(tx, min_customers=min_customers, min_lift=min_lift)
        assert got.height == expected.height
        assert_frame_equal(got.select(columns).sort("product_a", "product_b"),
                           expected.sort("product_a", "product_b"), check_exact=True)
        # ordered by lift x share, ties by the products' names
        order = got.with_columns(score=-pl.col("lift") * pl.col("share"))
        assert order.equals(order.sort("score", "product_a", "product_b"))


def test_cross_sell_without_pairs_to_show():
    tx = _many_products(50, 20, seed=2)
    empty = cross_sell(tx, min_customers=10**6)
    assert empty.height == 0 and empty.columns[:2] == ["product_a", "product_b"]
    one_day = tx.with_columns(timestamp=pl.lit(dt.datetime(2024, 1, 1)))
    assert cross_sell(one_day, min_customers=1, min_lift=0.0).height == 0


# --- 4. a customers table whose ids match no customer is a note -----------------------------

def test_customers_table_matching_nobody_is_a_note():
    shop = sample_shop(500, seed=6)
    summary = rfm_summary(shop.transactions, unit="week")
    attrs = shop.customers.select("customer_id", "channel")
    fine = cohorts(shop.transactions, summary, by="channel", customers=attrs)
    assert fine.notes == [] and "(none)" not in fine.repeat["channel"].to_list()
    # the ids written otherwise (as a spreadsheet turns 12345 into 12345.0)
    other = attrs.with_columns(pl.col("customer_id") + ".0")
    result = cohorts(shop.transactions, summary, by="channel", customers=other)
    assert result.repeat["channel"].to_list() == ["(none)"]
    [note] = result.notes
    assert isinstance(note, Note) and note.key == "customers_unmatched"
    assert note.values["rows"] == attrs.height and note.values["example"].endswith(".0")
    assert "'channel'" in note and "is a customer of the transactions" in note
    french = text_note(note, "fr")
    assert french.startswith("aucun des 500 identifiants") and "colonnes 'channel'" in french


def test_join_customers_keeps_every_row_and_casts_ids():
    table = pl.DataFrame({"customer_id": ["3", "1", "2"], "x": [1, 2, 3]})
    attrs = pl.DataFrame({"customer_id": [1, 1, 3], "plan": ["a", "b", "c"]})
    joined, notes = join_customers(table, attrs, ["plan"])
    assert notes == [] and joined["customer_id"].to_list() == ["3", "1", "2"]
    assert joined["plan"].to_list() == ["c", "a", None]  # the first row of an id
    joined, notes = join_customers(table, attrs.with_columns(customer_id=pl.lit(9)), ["plan"])
    assert joined["plan"].null_count() == 3 and [n.key for n in notes] == [
        "customers_unmatched"]
    with pytest.raises(DataError, match="no column"):
        join_customers(table, attrs, ["country"])


# --- 3. BG/BB on lifetimes' column names ----------------------------------------------------

PUBLISHED_BGBB = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}


@pytest.fixture(scope="module")
def donations():
    from clv.datasets import load_donations

    return load_donations()  # frequency, recency, periods, weights (lifetimes' names)


def _published(model):
    """Fader, Hardie & Shang (2010), donations data: the estimates and LL = -33225.58."""
    for name, value in PUBLISHED_BGBB.items():
        assert model.params_[name] == pytest.approx(value, rel=1e-3), name
    assert model.loglik_ == pytest.approx(-33225.58, abs=0.02)
    assert model.n_customers_ == 11104


@pytest.mark.parametrize("names", [{}, {"periods": "n_periods"}, {"weights": "weight"},
                                   {"weights": "count"}, {"weights": "n"},
                                   {"weights": "Weights", "periods": "N_Periods"}])
def test_bgbb_reads_the_weights_under_their_usual_names(donations, names):
    model = BGBB().fit(donations.rename(names))
    _published(model)
    d = donations
    for values in (model.expected_purchases(5, d["frequency"], d["recency"], d["periods"]),
                   model.p_alive(d["frequency"], d["recency"], d["periods"])):
        assert np.all(np.isfinite(values))


def test_bgbb_on_one_row_per_donor(donations):
    rows = donations.select(pl.exclude("weights").repeat_by(pl.col("weights")).explode())
    assert rows.height == 11104
    _published(BGBB().fit(rows))


def test_bgbb_refuses_columns_it_would_ignore(donations):
    with pytest.raises(ClvError, match=r"unknown column\(s\) donors"):
        BGBB().fit(donations.rename({"weights": "donors"}))
    with pytest.raises(ClvError, match=r"unknown column\(s\) segment"):
        BGBB().fit(donations.with_columns(segment=pl.lit("a")))
    with pytest.raises(ClvError, match="several columns could be the weight: weights, count"):
        BGBB().fit(donations.with_columns(count=pl.col("weights")))
    with pytest.raises(ClvError, match="needs column"):
        BGBB().fit(donations.drop("recency"))
    with pytest.raises(ClvError, match="frequency <= recency <= periods"):
        BGBB().fit(donations.with_columns(recency=pl.col("periods") + 1))
    with pytest.raises(ClvError, match="fractional"):
        BGBB().fit(donations.with_columns(pl.col("recency") / 2))
    summary = rfm_summary(sample_shop(200, seed=1).transactions)
    with pytest.raises(ClvError, match="not on a transaction summary"):
        BGBB().fit(summary)


def _bgbb(params):
    model = BGBB()
    model.params_, model.converged_ = dict(zip(BGBB.PARAMS, params, strict=True)), True
    return model


@pytest.mark.parametrize("params", [
    [3.0988, 3.4132, 271325.43, 7463450.1],  # the fit that ignored the weights
    [1.2, 0.75, 1.0, 2.78], [1.2, 0.75, 1e-4, 1e6], [50.0, 1e-3, 1e4, 1e-3]])
def test_bgbb_predictions_are_never_nan(params):
    model = _bgbb(params)
    x, tx, n = np.array([0.0, 1, 3, 6]), np.array([0.0, 1, 5, 6]), np.full(4, 6.0)
    values = [model.expected_purchases(5, x, tx, n), model.p_alive(x, tx, n),
              model.expected_purchases_new(np.array([0.0, 1.0, 5.0, 100.0])),
              model.probability_of_purchases(np.arange(8), 6)]
    for v in values:
        assert np.all(np.isfinite(v)) and np.all(v >= 0), (params, values)


def test_bgbb_expected_purchases_are_continuous_at_gamma_one():
    at, near = _bgbb([1.2, 0.75, 1.0, 2.78]), _bgbb([1.2, 0.75, 1.0 + 1e-6, 2.78])
    assert at.expected_purchases_new(5.0) == pytest.approx(near.expected_purchases_new(5.0),
                                                           rel=1e-5)
    assert at.expected_purchases(5, 2, 3, 6) == pytest.approx(
        near.expected_purchases(5, 2, 3, 6), rel=1e-5)


def test_read_patterns_with_lifetimes_names(tmp_path, donations):
    path = tmp_path / "donations.csv"
    donations.rename({"periods": "n_periods"}).write_csv(path)
    patterns = read_patterns(path)
    assert patterns.columns == ["frequency", "recency", "periods", "weight"]
    assert patterns["weight"].sum() == 11104
    donations.rename({"weights": "donors"}).write_csv(path)
    with pytest.raises(DataError, match=r"column\(s\) donors not understood"):
        read_patterns(path)
    assert read_patterns(path, weight="donors")["weight"].sum() == 11104
    donations.rename({"weights": "n"}).write_csv(path)
    _published(BGBB().fit(read_patterns(path)))


def test_profile_by_a_customers_table_says_when_no_id_matches():
    rows = pl.DataFrame({"customer_id": ["1", "2", "3"], "revenue": [10.0, 20.0, 30.0],
                         "clv": [1.0, 2.0, 3.0]})
    attrs = pl.DataFrame({"customer_id": ["1", "2", "3"], "country": ["UK", "UK", "FR"]})
    table, notes = profile_by(rows, attrs, "country")
    assert notes == [] and dict(zip(table["country"], table["customers"], strict=True)) == {
        "UK": 2, "FR": 1}
    # ids written as integral floats ('1.0') are the integers they are, and join
    table, notes = profile_by(rows, attrs.with_columns(pl.col("customer_id") + ".0"),
                              "country")
    assert notes == [] and set(table["country"]) == {"UK", "FR"}
    other = attrs.with_columns(("C-" + pl.col("customer_id")).alias("customer_id"))
    table, notes = profile_by(rows, other, "country")
    assert table["country"].to_list() == ["(none)"] and notes[0].key == "customers_unmatched"
    assert notes[0].values["known"] == "1" and notes[0].values["example"] == "C-1"
