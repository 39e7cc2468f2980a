"""History of analyses and per-customer scores in a database (clv.store)."""

import os

import polars as pl
import pytest

import clv
from clv.errors import ClvError
from clv.store import Store


@pytest.fixture(scope="module")
def analyses():
    out = []
    for seed in (51, 52):
        shop = clv.sample_shop(2_000, seed=seed)
        out.append(clv.analyze(shop.transactions, spend=shop.spend,
                               settings=clv.Settings(margin=0.3, draws=20)))
    return out


def _check_store(store, analyses):
    first = store.save(analyses[0], "shop-january.csv")
    second = store.save(analyses[1], "shop-february.csv")
    assert second > first
    hist = store.history()
    assert hist["id"].to_list()[-2:] == [first, second]
    last = hist.row(-1, named=True)
    assert last["source"] == "shop-february.csv" and last["model"] == analyses[1].model.NAME
    assert last["predicted_clv"] == pytest.approx(analyses[1].kpis["predicted_clv"])
    assert last["ltv_cac_change"] == pytest.approx(
        analyses[1].kpis["ltv_cac"] - analyses[0].kpis["ltv_cac"])
    rows = store.write_scores(analyses[1], "clv_scores", second)
    assert rows == analyses[1].value.height
    written = pl.read_database("select * from clv_scores", store.engine.connect())
    assert written.height == rows and set(written["analysis_id"]) == {second}
    assert store.write_scores(analyses[0], "clv_scores", first) == analyses[0].value.height
    again = pl.read_database("select count(*) as n from clv_scores", store.engine.connect())
    assert again["n"][0] == analyses[0].value.height  # replaced, not appended


def test_sqlite_history_and_scores(analyses, tmp_path):
    _check_store(Store(f"sqlite:///{tmp_path / 'history.db'}"), analyses)
    with pytest.raises(ClvError, match="table name"):
        Store(f"sqlite:///{tmp_path / 'h.db'}").write_scores(analyses[0], "x; drop table y")


@pytest.mark.skipif(not os.environ.get("CLV_TEST_POSTGRES_URL"),
                    reason="no PostgreSQL server: set CLV_TEST_POSTGRES_URL to run")
def test_postgresql_history_and_scores(analyses):
    _check_store(Store(os.environ["CLV_TEST_POSTGRES_URL"]), analyses)
