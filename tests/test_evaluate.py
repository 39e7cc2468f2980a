import numpy as np
import polars as pl
import pytest

from clv import read_transactions, sample_shop
from clv.evaluate import evaluate, normalized_gini


@pytest.fixture(scope="module")
def scorecard(reference_data):
    tx = read_transactions(reference_data / "CDNOW_sample.txt", customer="column_1",
                           date="column_3", amount="column_5")
    return evaluate(tx, "1997-09-30", observation_end="1998-06-30")


def test_cdnow_scorecard_compares_every_model_with_the_baseline(scorecard):
    t = scorecard.table
    assert t["model"].to_list() == ["BG/NBD", "MBG/NBD", "Pareto/NBD", "naive"]
    assert t["actual_transactions"].to_list() == [1882.0] * 4  # CDNOW holdout repeat purchases
    bg = t.row(0, named=True)
    assert bg["loglik"] == pytest.approx(-9582.43, abs=0.01)
    naive = t.row(3, named=True)
    for model in t.head(3).iter_rows(named=True):
        assert model["rmse_transactions"] < naive["rmse_transactions"]
        assert abs(model["total_transactions_error"]) < abs(naive["total_transactions_error"])
        assert 0.4 < model["gini_transactions"] <= 1
    best = t.filter(pl.col("model") != "naive").sort("rmse_transactions")["model"][0]
    assert best == scorecard.models[scorecard.best].NAME
    assert "best:" in str(scorecard) and "naive" in str(scorecard)


def test_tracking_counts_every_repeat_purchase(scorecard):
    f, tr = scorecard.summary.frame, scorecard.tracking
    assert tr["actual"][-1] == f["frequency"].sum() + f["frequency_holdout"].sum()
    assert tr["actual"].is_sorted() and tr.height == 78
    assert set(tr["phase"]) == {"calibration", "holdout"}
    calib_end = tr.filter(pl.col("phase") == "calibration")["actual"][-1]
    assert calib_end == f["frequency"].sum()
    # the fitted BG/NBD tracks the calibration period closely
    assert tr.filter(pl.col("phase") == "calibration")["BG/NBD"][-1] == pytest.approx(
        calib_end, rel=0.03)


def test_deciles_rank_customers(scorecard):
    d = scorecard.deciles.filter(pl.col("model") == "BG/NBD")
    assert d.height == 10 and d["customers"].sum() == scorecard.summary.frame.height
    assert d["predicted_revenue"].is_sorted(descending=True)
    assert d["actual_revenue"][0] > 5 * d["actual_revenue"][5]


def test_normalized_gini():
    actual = np.array([0.0, 0, 1, 2, 10])
    assert normalized_gini(actual, actual) == pytest.approx(1.0)
    assert normalized_gini(actual, actual[::-1].copy()) < 0
    assert normalized_gini(actual, np.ones(5)) == pytest.approx(0.0)  # all tied: no ranking
    assert np.isnan(normalized_gini(np.zeros(3), np.ones(3)))


def test_on_simulated_data_the_models_beat_the_baseline():
    shop = sample_shop(8_000, seed=4)
    card = evaluate(shop.transactions, "2025-06-30", observation_end=shop.observation_end,
                    models=("bgnbd", "mbgnbd"))
    t = card.table
    assert abs(t.row(0, named=True)["total_transactions_error"]) < 0.05
    assert t.row(0, named=True)["rmse_revenue"] < t.row(2, named=True)["rmse_revenue"]
    with pytest.raises(Exception, match="unknown model"):
        evaluate(shop.transactions, "2025-06-30", models=("nope",))
