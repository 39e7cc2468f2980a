"""History of analyses: each saved with its settings and KPI snapshot, in a SQLite file by
default or any SQLAlchemy database URL (PostgreSQL: ``postgresql://user@host/db``); and
per-customer scores written to a table for other tools.

Tables (created and upgraded by the Alembic migrations of ``clv.migrations``):

- ``clv_analyses``: id, created_at (UTC), source, model, settings (JSON), kpis (JSON);
- the scores table named by the caller: one row per customer of an analysis (customer_id,
  p_alive, expected_purchases, expected_spend, clv, clv_lower, clv_upper, analysis_id),
  replaced on each write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

from clv.errors import ClvError

DEFAULT_URL = "sqlite:///clv-history.db"
TRACKED = ("customers", "revenue", "historical_ltv", "predicted_clv", "new_customer_ltv",
           "blended_cac", "ltv_cac", "churn_share", "repeat_rate", "mrr", "nrr")
"""KPIs whose movement from one analysis to the next ``history`` shows."""
SCORE_COLUMNS = ("customer_id", "p_alive", "expected_purchases", "expected_spend", "clv",
                 "clv_lower", "clv_upper")
CHUNK = 20_000


def _engine(url: str) -> Any:
    try:
        import sqlalchemy as sa
    except ModuleNotFoundError as exc:
        raise ClvError("the history needs SQLAlchemy: pip install 'clv[sql]'") from exc
    try:
        return sa.create_engine(url)
    except Exception as exc:  # bad URL or missing driver: say which
        raise ClvError(f"cannot open the database {url.split('@')[-1]}: {exc}") from exc


def split_table(url: str) -> tuple[str, str | None]:
    """``(database URL, table)`` of a URL that names a table after its database, as in
    ``postgresql://user@host/shop/clv_scores`` or ``sqlite:///shop.db/clv_scores`` (a SQLite
    file's path followed by a name); ``(url, None)`` when it names none."""
    try:
        import sqlalchemy as sa

        parsed = sa.engine.make_url(url)
    except Exception:  # noqa: BLE001 - _engine reports bad URLs with their reason
        return url, None
    database = parsed.database or ""
    if "/" not in database.strip("/"):
        return url, None
    head, table = database.rstrip("/").rsplit("/", 1)
    if parsed.get_backend_name() == "sqlite" and not Path(head).is_file():
        return url, None  # a path to a database file, not a file and a table
    return parsed.set(database=head).render_as_string(hide_password=False), table


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _json(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def migrate(engine: Any, revision: str = "head") -> None:
    """Bring the history tables of ``engine``'s database to ``revision`` with Alembic (the
    migrations of ``clv.migrations``; the version is kept in ``clv_alembic_version``)."""
    try:
        from alembic import command
        from alembic.config import Config
    except ModuleNotFoundError as exc:
        raise ClvError("the history needs Alembic: pip install 'clv[sql]'") from exc
    cfg = Config()
    cfg.set_main_option("script_location", "clv:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class Store:
    """The history of analyses in the database at ``url``."""

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.engine = _engine(url)  # first: says to install SQLAlchemy when it is missing
        import sqlalchemy as sa

        self.url = url
        meta = sa.MetaData()
        self.analyses = sa.Table(
            "clv_analyses", meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("source", sa.String(500), nullable=False),
            sa.Column("model", sa.String(50), nullable=False),
            sa.Column("settings", sa.Text, nullable=False),
            sa.Column("kpis", sa.Text, nullable=False))
        try:
            migrate(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise ClvError(f"cannot use the database {url.split('@')[-1]}: {exc}") from exc

    def close(self) -> None:
        """Close the database connections (the store can no longer be used)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def save(self, analysis: Any, source: str) -> int:
        """Record ``analysis`` (a :class:`clv.pipeline.Analysis`) read from ``source``;
        returns its id."""
        row = {"created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None), "source": source,
               "model": analysis.model.NAME,
               "settings": json.dumps(_json(analysis.settings)),
               "kpis": json.dumps(_json(analysis.kpis))}
        with self.engine.begin() as conn:
            result = conn.execute(self.analyses.insert().values(**row))
            return int(result.inserted_primary_key[0])

    def history(self) -> pl.DataFrame:
        """One row per saved analysis, oldest first: id, created_at, source, model,
        data_to (the data's last day), the tracked KPIs and their change from the previous
        analysis (``*_change``)."""
        with self.engine.connect() as conn:
            rows = conn.execute(self.analyses.select().order_by(self.analyses.c.id)).all()
        records = []
        for r in rows:
            kpis = json.loads(r.kpis)
            records.append({"id": r.id, "created_at": r.created_at, "source": r.source,
                            "model": r.model, "data_to": kpis.get("observation_end"),
                            **{k: kpis.get(k) for k in TRACKED}})
        schema = {"id": pl.Int64, "created_at": pl.Datetime, "source": pl.String,
                  "model": pl.String, "data_to": pl.String,
                  **dict.fromkeys(TRACKED, pl.Float64)}
        frame = pl.DataFrame(records, schema=schema, orient="row")
        return frame.with_columns((pl.col(k) - pl.col(k).shift(1)).alias(f"{k}_change")
                                  for k in TRACKED if k != "customers")

    def write_scores(self, analysis: Any, table: str, analysis_id: int | None = None) -> int:
        """Replace ``table`` with the per-customer scores of ``analysis``; returns the rows
        written."""
        import sqlalchemy as sa

        if not table.replace("_", "").isalnum():
            raise ClvError(f"table name must be letters, digits and _, not {table!r}")
        cols = [c for c in SCORE_COLUMNS if c in analysis.value.columns]
        meta = sa.MetaData()
        target = sa.Table(table, meta, *(
            sa.Column(c, sa.String(200) if c == "customer_id" else sa.Float) for c in cols),
            sa.Column("analysis_id", sa.Integer))
        frame = analysis.value.select(cols).with_columns(
            pl.lit(analysis_id, dtype=pl.Int64).alias("analysis_id"))
        with self.engine.begin() as conn:
            meta.drop_all(conn, tables=[target])
            meta.create_all(conn, tables=[target])
            for lo in range(0, frame.height, CHUNK):
                conn.execute(target.insert(), frame.slice(lo, CHUNK).to_dicts())
        return frame.height
