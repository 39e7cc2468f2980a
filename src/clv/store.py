"""History of analyses: each saved with its settings and KPI snapshot, in a SQLite file by
default or any SQLAlchemy database URL (PostgreSQL: ``postgresql://user@host/db``); and
per-customer scores written to a table for other tools.

Tables (created and upgraded by the Alembic migrations of ``clv.migrations``):

- ``clv_analyses``: id, created_at (UTC), source, model, settings (JSON), kpis (JSON);
- the scores table named by the caller: one row per customer of an analysis (customer_id,
  p_alive, expected_purchases, expected_spend, clv, clv_lower, clv_upper, analysis_id),
  replaced on each write.

Several processes may open, migrate and write one store at once: the migration runs under a
lock (PostgreSQL: an advisory lock; SQLite: ``BEGIN IMMEDIATE``), each write in one
transaction, and a locked database is waited for ``busy_timeout`` seconds. What the store
cannot do raises :class:`StoreError`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from clv import defaults as D
from clv.errors import ClvError

log = logging.getLogger(__name__)

DEFAULT_URL = D.HISTORY_URL
TRACKED = ("customers", "revenue", "historical_ltv", "predicted_clv", "lifetime_value",
           "new_customer_ltv", "blended_cac", "ltv_cac", "churn_share", "repeat_rate", "mrr",
           "nrr")
"""KPIs whose movement from one analysis to the next ``history`` shows."""
BASIS = ("margin", "discount_rate", "horizon", "horizon_unit")
"""The settings of an analysis ``history`` carries besides its model: the figures it tracks
(future value, LTV:CAC...) depend on them, so two analyses that differ in them are not
measured alike."""
SCORE_COLUMNS = ("customer_id", "p_alive", "p_alive_activity", "expected_purchases",
                 "expected_spend", "clv", "clv_lower", "clv_upper", "revenue_to_date",
                 "margin_to_date", "future_value_lifetime", "lifetime_value")
CHUNK = 20_000
SOURCE_LENGTH = 500
MODEL_LENGTH = 50
"""Sizes of ``clv_analyses.source`` and ``.model`` (migration 0001); longer values are cut."""
MIGRATION_LOCK = 0x636C765F6D6967  # 'clv_mig': PostgreSQL advisory lock key of migrate()
RACE_RETRIES = 4
"""Attempts of a migration that met another process's tables (a database whose lock is not
known to this module, or taken before the lock existed)."""


class StoreError(ClvError):
    """The history database could not be opened, read or written: locked by another process
    longer than the store waits, unreachable, or refusing the statement. Raised by ``save``,
    the analysis was computed but not saved: the faces show it and say so. ``reason`` is the
    cause alone (the message with what was not done removed), for a face to phrase its own
    sentence."""

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


def _where(url: str) -> str:
    return url.split("@")[-1]  # never the password


def _reason(exc: Exception, url: str, busy_timeout: float) -> str:
    """One line saying why a database operation failed."""
    orig = getattr(exc, "orig", None) or exc
    text = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code == "55P03" or "database is locked" in text or "database table is locked" in text:
        return (f"the database {_where(url)} is locked by another process (waited "
                f"{busy_timeout:g} s)")
    return f"the database {_where(url)} said: {text}"


def _engine(url: str, busy_timeout: float) -> Any:
    try:
        import sqlalchemy as sa
    except ModuleNotFoundError as exc:
        raise StoreError("the history needs SQLAlchemy: pip install 'clv[sql]'") from exc
    try:
        backend = sa.engine.make_url(url).get_backend_name()
        engine = sa.create_engine(
            url, connect_args={"timeout": busy_timeout} if backend == "sqlite" else {})
    except Exception as exc:  # bad URL or missing driver: say which
        raise StoreError(f"cannot open the database {_where(url)}: {exc}") from exc
    if engine.dialect.driver == "pysqlite":
        _sqlite_transactions(engine)
    elif backend == "postgresql":
        _lock_timeout(engine, busy_timeout)
    return engine


def _sqlite_transactions(engine: Any) -> None:
    """Let SQLAlchemy emit BEGIN on SQLite (SQLAlchemy's documented recipe): Python's sqlite3
    emits none before DDL, so a migration's CREATE statements were committed one by one and a
    process killed between two left a half-made history; and writes begin ``IMMEDIATE`` (the
    ``sqlite_begin`` execution option) to take the write lock, waiting for it, before they
    read anything."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', '')}")


def _lock_timeout(engine: Any, busy_timeout: float) -> None:
    """A statement waiting for a lock (the migration's advisory lock, a table another session
    holds) gives up after ``busy_timeout`` seconds, as SQLite's does."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _set(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {max(1, round(busy_timeout * 1000))}")  # 0: none
        cursor.close()
        dbapi_connection.commit()  # else the pool's rollback on return undoes it


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


def _settings(text: str | None) -> dict[str, Any]:
    """The saved settings of an analysis as a dict ({} when unreadable), each of
    :data:`BASIS` of the expected type or None (a horizon of 'lifetime' is no number)."""
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        found = {}
    if not isinstance(found, dict):
        return {}
    out: dict[str, Any] = {}
    for k in BASIS:
        v = found.get(k)
        if k == "horizon_unit":
            out[k] = v if isinstance(v, str) else None
        else:
            out[k] = float(v) if isinstance(v, int | float) and not isinstance(v, bool) \
                else None
    return out


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


def migrate(engine: Any, revision: str = "head") -> list[str]:
    """Bring the history tables of ``engine``'s database to ``revision`` with Alembic (the
    migrations of ``clv.migrations``; the version is kept in ``clv_alembic_version``); returns
    notes on what had to be repaired.

    One process migrates at a time: the others wait for its lock, then find the database up to
    date (PostgreSQL: a transaction-level advisory lock; SQLite: ``BEGIN IMMEDIATE``, the
    migration being one transaction). A migration that still meets another's tables (a
    database this lock does not cover) is tried again, a few times."""
    import sqlalchemy as sa

    try:
        from alembic.config import Config
    except ModuleNotFoundError as exc:
        raise StoreError("the history needs Alembic: pip install 'clv[sql]'") from exc
    cfg = Config()
    cfg.set_main_option("script_location", "clv:migrations")
    attempt = 0
    while True:
        try:
            with engine.connect() as conn:
                conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text("select pg_advisory_xact_lock(:key)"),
                                     {"key": MIGRATION_LOCK})
                    return _upgrade(cfg, conn, revision)
        except sa.exc.DBAPIError as exc:
            text = str(exc.orig).lower()
            attempt += 1
            if attempt == RACE_RETRIES or not (
                    "already exists" in text or "duplicate key" in text):
                raise
            time.sleep(0.05 * 2 ** attempt * (1 + random.random()))


def _upgrade(cfg: Any, conn: Any, revision: str) -> list[str]:
    import sqlalchemy as sa
    from alembic import command

    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
    if revision == "base" or sa.inspect(conn).has_table("clv_analyses"):
        return []
    # the version says the table was made, but it is gone (dropped by hand, restored in
    # part): without this, every later save would fail and no migration would ever run again
    note = ("the history's table clv_analyses was missing although the database's version "
            "said it was made: it was made again, empty")
    log.warning(note)
    command.stamp(cfg, "base", purge=True)
    command.upgrade(cfg, revision)
    return [note]


def _cut(text: str, length: int, keep_end: bool) -> str:
    if len(text) <= length:
        return text
    return "\u2026" + text[-(length - 1):] if keep_end else text[:length - 1] + "\u2026"


class Store:
    """The history of analyses in the database at ``url``.

    ``busy_timeout``: seconds a statement waits for a database another process has locked
    before :class:`StoreError` is raised. ``notes``: sentences on what the store did that its
    user should be told (a table made again on opening, a source's name cut to fit), in the
    order they happened since it was opened."""

    def __init__(self, url: str = DEFAULT_URL, busy_timeout: float = 30.0) -> None:
        self.engine = _engine(url, busy_timeout)  # first: says to install SQLAlchemy if missing
        import sqlalchemy as sa

        self.url = url
        self.busy_timeout = busy_timeout
        self.notes: list[str] = []
        meta = sa.MetaData()
        self.analyses = sa.Table(
            "clv_analyses", meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("source", sa.String(SOURCE_LENGTH), nullable=False),
            sa.Column("model", sa.String(MODEL_LENGTH), nullable=False),
            sa.Column("settings", sa.Text, nullable=False),
            sa.Column("kpis", sa.Text, nullable=False))
        try:
            self.notes += migrate(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            reason = _reason(exc, url, busy_timeout)
            raise StoreError(f"cannot use the history: {reason}", reason=reason) from exc

    def close(self) -> None:
        """Close the database connections (the store can no longer be used)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _writing(self, failed: str) -> Iterator[Any]:
        """A connection in a write transaction; a database error becomes a StoreError whose
        message starts with ``failed`` (what was not done)."""
        import sqlalchemy as sa

        try:
            with self.engine.connect() as conn:
                conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
        except sa.exc.SQLAlchemyError as exc:
            reason = _reason(exc, self.url, self.busy_timeout)
            raise StoreError(f"{failed}: {reason}", reason=reason) from exc

    def save(self, analysis: Any, source: str) -> int:
        """Record ``analysis`` (a :class:`clv.pipeline.Analysis`) read from ``source``;
        returns its id. A source longer than the column (500 characters) is kept by its end,
        where a path names the file, after an ellipsis; the full name goes in the saved
        settings (``full_source``) and a note in ``notes``. Raises :class:`StoreError` when
        the database refuses or stays locked: the analysis is then not saved."""
        settings = _json(analysis.settings)
        name = _cut(source, SOURCE_LENGTH, keep_end=True)
        if name != source:
            if isinstance(settings, dict):
                settings["full_source"] = source
            self.notes.append(
                f"the source's name is {len(source):,} characters long, longer than the "
                f"history keeps ({SOURCE_LENGTH}): it is saved as its last "
                f"{SOURCE_LENGTH - 1} characters after '\u2026'")
        model = _cut(str(analysis.model.NAME), MODEL_LENGTH, keep_end=False)
        if model != analysis.model.NAME:
            self.notes.append(f"the model's name is cut to {MODEL_LENGTH} characters: "
                              f"'{model}'")
        row = {"created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None), "source": name,
               "model": model, "settings": json.dumps(settings),
               "kpis": json.dumps(_json(analysis.kpis))}
        with self._writing("the analysis was not saved to the history") as conn:
            result = conn.execute(self.analyses.insert().values(**row))
            return int(result.inserted_primary_key[0])

    def history(self) -> pl.DataFrame:
        """One row per saved analysis, oldest first: id, created_at, source, model,
        data_to (the data's last day), the tracked KPIs and their change from the previous
        analysis (``*_change``), the currency of its amounts (None when not known) and the
        settings of :data:`BASIS` it was made with (margin, discount rate, horizon and its
        unit; None when its saved settings lack one)."""
        import sqlalchemy as sa

        try:
            with self.engine.connect() as conn:
                rows = conn.execute(self.analyses.select().order_by(self.analyses.c.id)).all()
        except sa.exc.SQLAlchemyError as exc:
            reason = _reason(exc, self.url, self.busy_timeout)
            raise StoreError(f"cannot read the history: {reason}", reason=reason) from exc
        records = []
        for r in rows:
            kpis = json.loads(r.kpis)
            settings = _settings(r.settings)
            records.append({"id": r.id, "created_at": r.created_at, "source": r.source,
                            "model": r.model, "data_to": kpis.get("observation_end"),
                            "currency": kpis.get("currency"),
                            **{k: kpis.get(k) for k in TRACKED},
                            **{k: settings.get(k) for k in BASIS}})
        schema = {"id": pl.Int64, "created_at": pl.Datetime, "source": pl.String,
                  "model": pl.String, "data_to": pl.String, "currency": pl.String,
                  **dict.fromkeys(TRACKED, pl.Float64), "margin": pl.Float64,
                  "discount_rate": pl.Float64, "horizon": pl.Float64,
                  "horizon_unit": pl.String}
        frame = pl.DataFrame(records, schema=schema, orient="row")
        return frame.with_columns((pl.col(k) - pl.col(k).shift(1)).alias(f"{k}_change")
                                  for k in TRACKED if k != "customers")

    def write_scores(self, analysis: Any, table: str, analysis_id: int | None = None) -> int:
        """Replace ``table`` with the per-customer scores of ``analysis`` (in one transaction:
        a failed write leaves the previous table); returns the rows written."""
        import sqlalchemy as sa

        if not table.replace("_", "").isalnum():
            raise ClvError(f"table name must be letters, digits and _, not {table!r}")
        cols = [c for c in SCORE_COLUMNS if c in analysis.value.columns]
        frame = analysis.value.select(cols).with_columns(
            pl.lit(analysis_id, dtype=pl.Int64).alias("analysis_id"))
        if analysis.kpis.get("no_prediction"):  # the figures of the future are not given
            from clv.valuation import FUTURE_COLUMNS

            frame = frame.with_columns(pl.lit(None, pl.Float64).alias(c)
                                       for c in FUTURE_COLUMNS if c in cols)
        longest = (frame["customer_id"].cast(pl.String).str.len_chars().max() or 0
                   if "customer_id" in cols else 0)
        meta = sa.MetaData()
        target = sa.Table(table, meta, *(  # ids as long as the longest (PostgreSQL checks)
            sa.Column(c, sa.String(max(200, int(longest))) if c == "customer_id" else sa.Float)
            for c in cols), sa.Column("analysis_id", sa.Integer))
        with self._writing(f"the scores were not written to table {table}") as conn:
            meta.drop_all(conn, tables=[target])
            meta.create_all(conn, tables=[target])
            for lo in range(0, frame.height, CHUNK):
                conn.execute(target.insert(), frame.slice(lo, CHUNK).to_dicts())
        return int(frame.height)
