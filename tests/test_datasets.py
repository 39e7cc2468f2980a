import datetime as dt

import polars as pl
import pytest
from scipy.special import hyp2f1

from clv import read_transactions, rfm_summary, sample_saas, sample_shop


@pytest.fixture(scope="module")
def shop():
    return sample_shop(30_000, seed=11)


def test_deterministic_for_a_seed():
    a, b, c = sample_shop(500, seed=3), sample_shop(500, seed=3), sample_shop(500, seed=4)
    assert a.transactions.equals(b.transactions) and a.spend.equals(b.spend)
    assert not a.transactions.equals(c.transactions)
    assert sample_saas(300, seed=3).subscriptions.equals(sample_saas(300, seed=3).subscriptions)


def test_sample_reads_back_without_loss(shop):
    tx = read_transactions(shop.transactions,
                           as_of=dt.datetime.combine(shop.observation_end, dt.time.max))
    assert tx.issues.rows_excluded == 0 and tx.issues.balanced
    assert tx.frame.height == shop.transactions.height


def test_repeat_purchases_follow_the_bgnbd_expectation(shop):
    """Total repeat transactions match sum_i E[X(T_i)] of BG/NBD (Fader, Hardie & Lee 2005,
    eq. 7) with the true parameters."""
    s = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    p = shop.truth["bgnbd"]
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    t = s.frame["T"].to_numpy()
    expected = (a + b - 1) / (a - 1) * (
        1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    assert s.frame["frequency"].sum() == pytest.approx(expected.sum(), rel=0.03)
    assert len(s) == 30_000


def test_order_values_follow_gamma_gamma(shop):
    gg = shop.truth["gamma_gamma"]
    mean_value = gg["p"] * gg["gamma"] / (gg["q"] - 1)
    assert shop.customers["true_mean_order_value"].mean() == pytest.approx(mean_value, rel=0.03)
    orders = shop.transactions.filter(pl.col("amount") > 0).group_by("order_id").agg(
        pl.col("amount").sum())
    assert orders["amount"].mean() == pytest.approx(mean_value, rel=0.05)


def test_channels_differ_in_true_value_and_spend_is_consistent(shop):
    ch = shop.truth["channels"]
    ranked = sorted(ch, key=lambda c: ch[c]["mean_true_value_2y"], reverse=True)
    assert ranked[0] == "referral" and ranked[-1] == "paid_social"
    spend = shop.spend.group_by("channel").agg(pl.col("spend").sum(), pl.col("new_customers").sum(),
                                               pl.col("leads").sum())
    assert spend["new_customers"].sum() == 30_000
    for row in spend.iter_rows(named=True):
        assert row["spend"] / row["new_customers"] == pytest.approx(ch[row["channel"]]["mean_cac"],
                                                                    rel=0.1)
        assert row["new_customers"] == ch[row["channel"]]["customers"]
        assert row["leads"] > row["new_customers"]


def test_cross_sell_and_refunds(shop):
    pair = shop.truth["cross_sell"]["trousers->belt"]
    assert pair["pairs"] > 500
    assert 70 <= pair["realised_median_days"] <= 110
    tx = shop.transactions
    refunds = tx.filter(pl.col("amount") < 0)
    n_orders = tx.filter(pl.col("amount") > 0)["order_id"].n_unique()
    assert refunds.height / n_orders == pytest.approx(shop.truth["refund_rate"], rel=0.15)
    # a refund never falls on a day the same customer bought something
    days = tx.with_columns(pl.col("timestamp").dt.date().alias("day"))
    clash = days.filter(pl.col("amount") < 0).join(
        days.filter(pl.col("amount") > 0), on=["customer_id", "day"], how="semi")
    assert clash.height == 0
    assert tx["timestamp"].max().date() <= shop.observation_end


def test_saas_churn_follows_the_shifted_beta_geometric():
    saas = sample_saas(60_000, seed=2)
    subs = saas.subscriptions
    for plan, p in saas.truth["sbg"].items():
        rows = subs.filter(plan=plan)
        # P(churn after exactly one month) = alpha / (alpha + beta); only customers observed a
        # full month count
        observed = rows.filter(pl.col("start") < dt.date(2025, 12, 1))
        months = (observed["end"].dt.year() - observed["start"].dt.year()) * 12 + \
            observed["end"].dt.month() - observed["start"].dt.month()
        share = float((months == 1).sum()) / observed.height
        truth = p["alpha"] / (p["alpha"] + p["beta"])
        se = (truth * (1 - truth) / observed.height) ** 0.5
        assert share == pytest.approx(truth, abs=4 * se)
        assert rows["mrr"].unique().to_list() == [saas.truth["price"][plan]]
    assert subs["end"].null_count() > 0
    assert (subs.filter(pl.col("end").is_not_null())["end"] > subs.filter(
        pl.col("end").is_not_null())["start"]).all()


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_customers"):
        sample_shop(0)
    with pytest.raises(ValueError, match="acquisition_months"):
        sample_shop(10, months=12, acquisition_months=13)
    assert sample_shop(1, seed=0).customers["true_value_2y"].is_finite().all()


def test_the_reference_data_ships_with_the_package(tmp_path):
    """CDNOW (sample and master) and the donations data are inside the package, so that the
    published-figure tests run in any installation (no ../shared)."""
    from clv.datasets import load_cdnow, load_donations, write_reference

    sample, master = load_cdnow(), load_cdnow(sample=False)
    assert sample.shape == (6919, 4) and sample["customer_id"].n_unique() == 2357
    assert master.shape == (69659, 4) and master["customer_id"].n_unique() == 23570
    assert sample["customer_id"].is_in(master["customer_id"].implode()).all()
    assert str(master["date"].min()) == "1997-01-01" and str(master["date"].max()) == "1998-06-30"
    donations = load_donations()
    assert donations.columns == ["frequency", "recency", "periods", "weights"]
    assert donations["weights"].sum() == 11104
    folder = write_reference(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "CDNOW_master.txt", "CDNOW_sample.txt", "donations.csv"]
    import clv

    tx = clv.read_transactions(folder / "CDNOW_master.txt")
    assert tx.issues.rows_kept == 69659
    assert round(tx.issues.amount_kept, 2) == round(master["amount"].sum(), 2)


def test_the_version_is_written_once_and_the_package_is_typed():
    """pyproject takes the version from clv.__version__ (the installed metadata says the same)
    and the package says it carries its types (py.typed)."""
    from importlib.metadata import version
    from importlib.resources import files

    import clv

    assert version("clv") == clv.__version__
    assert (files("clv") / "py.typed").is_file()
