"""History of analyses and per-customer scores in a database (clv.store)."""

import os

import polars as pl
import pytest

import clv
from clv.errors import ClvError
from clv.store import Store
from conftest import missing


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
    with store.engine.connect() as conn:  # closed: an open read would block the next drop
        written = pl.read_database("select * from clv_scores", conn)
    assert written.height == rows and set(written["analysis_id"]) == {second}
    assert store.write_scores(analyses[0], "clv_scores", first) == analyses[0].value.height
    with store.engine.connect() as conn:
        again = pl.read_database("select count(*) as n from clv_scores", conn)
    assert again["n"][0] == analyses[0].value.height  # replaced, not appended


def test_sqlite_history_and_scores(analyses, tmp_path):
    with Store(f"sqlite:///{tmp_path / 'history.db'}") as store:
        _check_store(store, analyses)
    with pytest.raises(ClvError, match="table name"), Store(
            f"sqlite:///{tmp_path / 'h.db'}") as store:
        store.write_scores(analyses[0], "x; drop table y")


def _version(store: Store) -> str:
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return conn.execute(sa.text("select version_num from clv_alembic_version")).scalar_one()


def test_postgresql_history_and_scores(analyses):
    url = os.environ.get("CLV_TEST_POSTGRES_URL")
    if not url:
        missing("no PostgreSQL server: set CLV_TEST_POSTGRES_URL to run")
    with Store(url) as store:
        assert _version(store) == "0002"
        _check_store(store, analyses)
    with Store(url) as store:
        assert _version(store) == "0002"  # opening again migrates nothing


def test_migrations_keep_a_database_made_before_them(analyses, tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the table as create_all made it, with one analysis
        conn.execute(sa.text(
            "create table clv_analyses (id integer primary key autoincrement, created_at "
            "datetime not null, source varchar(500) not null, model varchar(50) not null, "
            "settings text not null, kpis text not null)"))
        conn.execute(sa.text(
            "insert into clv_analyses (created_at, source, model, settings, kpis) values "
            "('2026-01-01 00:00:00', 'old.csv', 'BG/NBD', '{}', '{\"customers\": 7}')"))
    engine.dispose()
    with Store(url) as store:
        assert _version(store) == "0002"
        indexes = {i["name"] for i in sa.inspect(store.engine).get_indexes("clv_analyses")}
        assert "ix_clv_analyses_created_at" in indexes
        store.save(analyses[0], "new.csv")
        hist = store.history()
    assert hist["source"].to_list() == ["old.csv", "new.csv"]
    assert hist["customers"].to_list()[0] == 7


def test_a_url_may_name_the_scores_table(tmp_path):
    from clv.store import split_table

    assert split_table("postgresql+psycopg://me:pw@db.local:5432/shop/clv_scores") == (
        "postgresql+psycopg://me:pw@db.local:5432/shop", "clv_scores")
    assert split_table("postgresql://me@db.local/shop") == ("postgresql://me@db.local/shop",
                                                            None)
    db = tmp_path / "shop.db"
    assert split_table(f"sqlite:///{db}") == (f"sqlite:///{db}", None)
    db.touch()  # a file's path then a name: the name is the table
    assert split_table(f"sqlite:///{db}/scores") == (f"sqlite:///{db}", "scores")
    nested = tmp_path / "folder" / "h.db"
    assert split_table(f"sqlite:///{nested}") == (f"sqlite:///{nested}", None)


def test_clv_score_writes_to_the_table_its_postgresql_url_names(analyses, tmp_path):
    # clv score FILE --to postgresql://.../table, as the README shows it
    url = os.environ.get("CLV_TEST_POSTGRES_URL")
    if not url:
        missing("no PostgreSQL server: set CLV_TEST_POSTGRES_URL to run")
    from typer.testing import CliRunner

    from clv.cli import app

    shop = clv.sample_shop(800, seed=53)
    shop.transactions.select("customer_id", "timestamp", "amount").write_csv(
        tmp_path / "orders.csv")
    result = CliRunner().invoke(app, ["score", str(tmp_path / "orders.csv"), "--to",
                                      f"{url}/clv_cli_scores"])
    assert result.exit_code == 0, result.output
    assert "800 customer scores written to table clv_cli_scores" in result.output
    with Store(url) as store, store.engine.connect() as conn:
        got = pl.read_database("select count(*) as n from clv_cli_scores", conn)
    assert got["n"][0] == 800
