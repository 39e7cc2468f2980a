"""CAC, conversion, LTV per channel, LTV:CAC, payback and maximum CAC (clv.acquisition)."""

import datetime as dt

import polars as pl
import pytest

from clv import rfm_summary, sample_shop
from clv.acquisition import channels
from clv.errors import ClvError
from clv.models import BGNBD, GammaGamma
from clv.value import customer_value

D = dt.datetime


def _fixture():
    rows = [  # customer, time, amount, channel, campaign
        ("a1", D(2024, 1, 3), 100.0, "ads", "winter"),
        ("a2", D(2024, 1, 9), 20.0, "ads", "winter"), ("a2", D(2024, 2, 9), 40.0, "ads", "x"),
        ("a2", D(2024, 3, 9), 60.0, "ads", "x"),
        ("b1", D(2024, 2, 14), 10.0, "seo", "blog"),
        ("c1", D(2024, 1, 20), 50.0, "organic", "none"),
    ]
    tx = pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount", "channel", "campaign"],
                      orient="row")
    summary = rfm_summary(tx.select("customer_id", "timestamp", "amount"), unit="week",
                          observation_end="2024-04-30")
    spend = pl.DataFrame({"channel": ["ads", "seo", "ads"], "campaign": ["winter", "blog", "x"],
                          "month": [dt.date(2024, 1, 1), dt.date(2024, 2, 1),
                                    dt.date(2024, 2, 1)],
                          "spend": [90.0, 100.0, 0.0], "leads": [20, 5, None]})
    value = summary.frame.select("customer_id", pl.lit(0.0).alias("clv"))
    return tx, summary, spend, value


def test_cac_and_payback_by_hand():
    tx, summary, spend, value = _fixture()
    result = channels(tx, summary, spend, value, margin=0.5)
    row = {r["channel"]: r for r in result.channels.iter_rows(named=True)}
    assert row["ads"]["new_customers"] == 2 and row["ads"]["cac"] == 90.0 / 2
    assert row["seo"]["cac"] == 100.0 and row["seo"]["conversion"] == pytest.approx(1 / 5)
    assert row["ads"]["conversion"] == pytest.approx(2 / 20)
    # margin per ads customer by the end of month 1, 2, 3: 30, 40, 55 against a CAC of 45
    assert row["ads"]["payback_months"] == 3
    assert row["seo"]["payback_months"] is None  # 5 of margin never repays 100
    assert row["organic"]["cac"] is None and row["organic"]["ltv_cac"] is None  # no spend
    assert row["organic"]["payback_months"] is None  # nothing spent: nothing to pay back
    assert result.blended_cac == pytest.approx(190.0 / 4)  # organic customers count
    assert result.paid_cac == pytest.approx(190.0 / 3)
    # LTV of a new customer = margin x revenue to date + future value (0 here), over the
    # customers acquired in the spend table's months; ratio and its verdict
    assert row["ads"]["ltv"] == pytest.approx(0.5 * 220 / 2)
    assert row["ads"]["ltv_cac"] == pytest.approx(55 / 45)
    assert row["ads"]["verdict"] == "thin" and row["seo"]["verdict"] == "loses money"
    assert row["ads"]["max_cac"] == pytest.approx(55 / 3)
    assert result.next_euro["channel"].to_list() == ["ads", "seo"]
    # blended = the channels reconciled: sum(new customers x LTV) / spend (organic included)
    worth = 2 * 55 + 1 * 5 + 1 * 25
    assert result.blended_ltv == pytest.approx(worth / 4)
    assert result.blended_ltv_cac == pytest.approx(worth / 190)
    month = {(r["channel"], r["month"]): r for r in result.by_month.iter_rows(named=True)}
    assert month["ads", dt.date(2024, 1, 1)]["cac"] == 45.0
    assert month["ads", dt.date(2024, 2, 1)]["new_customers"] == 0


def test_campaigns_and_input_checks():
    tx, summary, spend, value = _fixture()
    result = channels(tx, summary, spend, value, campaign=True)
    row = {(r["channel"], r["campaign"]): r for r in result.channels.iter_rows(named=True)}
    # a2's campaign is the one of their first purchase
    assert row["ads", "winter"]["new_customers"] == 2 and row["ads", "x"]["new_customers"] == 0
    assert row["ads", "x"]["cac"] is None
    with pytest.raises(ClvError, match="spend"):
        channels(tx, summary, spend.drop("spend"), value)
    with pytest.raises(ClvError, match="negative"):
        channels(tx, summary, spend.with_columns(pl.lit(-1.0).alias("spend")), value)
    with pytest.raises(ClvError, match="acquisition channel"):
        channels(tx.drop("channel"), summary, spend, value)
    with pytest.raises(ClvError, match="lacks customers"):
        channels(tx, summary, spend, value.head(2))


def test_sample_shop_channels():
    shop = sample_shop(30_000, seed=8)
    summary = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    model, gg = BGNBD().fit(summary), GammaGamma().fit(summary)
    value = customer_value(model, summary, 24, "month", spend=gg, margin=0.3,
                           discount_rate=0.1)
    result = channels(shop.transactions, summary, shop.spend, value, customers=shop.customers,
                      margin=0.3, purchases=model, spend_model=gg)
    table = result.channels
    truth = shop.truth["channels"]
    assert table["channel"][0] == max(truth, key=lambda c: truth[c]["mean_true_value_2y"])
    # CAC is spend / new customers exactly, per channel and per month
    spent = shop.spend.group_by("channel").agg(pl.col("spend").sum(),
                                               pl.col("new_customers").sum())
    check = table.join(spent, on="channel", suffix="_given")
    assert (check["new_customers"] == check["new_customers_given"]).all()
    assert check["cac"].to_list() == [s / n for s, n in zip(check["spend"],
                                                             check["new_customers"],
                                                             strict=True)]
    assert check["cac"].to_list() == pytest.approx(
        [truth[c]["mean_cac"] for c in check["channel"]], rel=0.1)
    assert table["predicted_payback_months"].null_count() == 0
    assert (table["predicted_payback_months"] >= 1).all()
    assert result.next_euro["return_per_spend"].is_sorted(descending=True)
    assert {"spend", "historical", "predicted", "ratio"} <= set(result.basis)
