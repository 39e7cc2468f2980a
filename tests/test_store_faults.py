"""The history store under faults (issue 14): processes opening a new store at once, a process
killed (SIGKILL) while it sets the store up or saves, a database locked by another process, a
source's name longer than its column, a table dropped under a recorded version. SQLite and
PostgreSQL (CLV_TEST_POSTGRES_URL; a fresh database per test)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import types
import uuid

import polars as pl
import pytest

from clv.store import Store, StoreError
from conftest import missing

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# A process that opens the store at the URL it reads on stdin when it reads it, so that several
# start at the same instant, and then does what argv[1] says (in "race" mode, once per URL
# read, printing "saved ID" each time); its die() is kill -9.
CHILD = r"""
import os, signal, sys, types
import alembic.command, alembic.op
import sqlalchemy as sa
from clv.store import Store, StoreError

mode = sys.argv[1]

def die(*_args, **_kw):
    os.kill(os.getpid(), signal.SIGKILL)

if mode == "die-before-index":  # migration 0001 run, 0002 started, nothing committed
    alembic.op.create_index = die
elif mode == "die-after-upgrade":  # every migration run and recorded, not committed
    upgrade = alembic.command.upgrade
    def upgrade_then_die(*args, **kw):
        upgrade(*args, **kw)
        die()
    alembic.command.upgrade = upgrade_then_die
analysis = types.SimpleNamespace(
    model=types.SimpleNamespace(NAME="BG/NBD"), settings={"margin": 0.3},
    kpis={"customers": 7.0, "predicted_clv": 12.5, "observation_end": "2026-01-31"})
print("ready", flush=True)
for line in sys.stdin:
    try:
        with Store(line.strip()) as store:
            print("opened", flush=True)
            if mode == "die-in-save":  # the row inserted, not committed
                sa.event.listen(store.engine, "after_cursor_execute",
                                lambda conn, cursor, sql, *rest:
                                sql.lstrip().upper().startswith("INSERT") and die())
            while mode == "save-loop":
                print("saved", store.save(analysis, "loop.csv"), flush=True)
            if mode in ("race", "die-in-save"):
                print("saved", store.save(analysis, "race.csv"), flush=True)
    except StoreError as exc:
        print("error", exc, flush=True)
    if mode != "race":
        break
"""


def _analysis(source_note: str = "", model: str = "BG/NBD") -> types.SimpleNamespace:
    """What ``Store.save`` reads of an analysis, without computing one."""
    return types.SimpleNamespace(
        model=types.SimpleNamespace(NAME=model), settings={"margin": 0.3, "note": source_note},
        kpis={"customers": 7.0, "predicted_clv": 12.5, "observation_end": "2026-01-31"},
        value=pl.DataFrame({"customer_id": ["c" * 300, "c2"], "clv": [1.0, 2.0]}))


@contextlib.contextmanager
def _children(mode: str, n: int = 1):
    """``n`` processes running CHILD, each ready (imports done) and waiting for a URL."""
    with contextlib.ExitStack() as stack:
        procs = [stack.enter_context(subprocess.Popen(
            [sys.executable, "-c", CHILD, mode], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)) for _ in range(n)]
        for proc in procs:
            line = proc.stdout.readline()
            assert line == "ready\n", proc.communicate()[1]
        yield procs
        for proc in procs:  # none left running, whatever the test did
            proc.kill()


def _go(procs, url: str) -> None:
    for proc in procs:
        proc.stdin.write(url + "\n")
        proc.stdin.flush()


def _version(store: Store) -> str:
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return conn.execute(sa.text("select version_num from clv_alembic_version")).scalar_one()


def _reset(url: str) -> None:
    """Make the store at ``url`` new again (no table)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("drop table if exists clv_analyses"))
        conn.execute(sa.text("drop table if exists clv_alembic_version"))
    engine.dispose()


def _check_usable(url: str) -> int:
    """The store at ``url`` opens at the last version, every saved row is whole, and a new
    analysis saves; returns the rows found before that save."""
    import sqlalchemy as sa

    with Store(url) as store:
        assert _version(store) == "0002"
        if url.startswith("sqlite"):
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("pragma integrity_check").scalar_one() == "ok"
        hist = store.history()
        assert hist.select("id", "created_at", "source", "model", "customers").null_count(
        ).sum_horizontal().item() == 0
        with store.engine.connect() as conn:
            for settings, kpis in conn.execute(sa.text("select settings, kpis from "
                                                       "clv_analyses")):
                assert json.loads(settings)["margin"] == 0.3
                assert json.loads(kpis)["customers"] == 7.0
        new = store.save(_analysis(), "after.csv")
        assert store.history()["id"].to_list()[-1] == new
    return hist.height


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database, dropped after the test."""
    base = os.environ.get("CLV_TEST_POSTGRES_URL")
    if not base:
        missing("no PostgreSQL server: set CLV_TEST_POSTGRES_URL to run")
    import sqlalchemy as sa

    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"clv_fault_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'create database "{name}"'))
    try:
        yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request, tmp_path):
    """The URL of a store not made yet, on each database."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'history.db'}"


def test_six_processes_opening_a_new_store_at_once_all_save(fresh):
    with _children("race", 6) as procs:
        for _ in range(3):  # the race was lost 1 to 2 times in 6: three rounds show a flake
            _reset(fresh)
            _go(procs, fresh)
            ids = set()
            for proc in procs:
                line = proc.stdout.readline()
                while line == "opened\n":
                    line = proc.stdout.readline()
                assert line.startswith("saved "), line or proc.communicate()[1]
                ids.add(int(line.split()[1]))
            with Store(fresh) as store:
                assert store.history()["id"].to_list() == sorted(ids) and len(ids) == 6


def test_kill_9_during_setup_leaves_a_usable_store(fresh):
    for mode in ("die-before-index", "die-after-upgrade"):  # killed mid-migration, surely
        _reset(fresh)
        with _children(mode) as (proc,):
            _go([proc], fresh)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        assert _check_usable(fresh) == 0
    draw = random.Random(14)
    for _ in range(4):  # and at any moment of opening
        _reset(fresh)
        with _children("open") as (proc,):
            _go([proc], fresh)
            time.sleep(draw.uniform(0, 0.15))
            proc.kill()
            proc.wait()
        assert _check_usable(fresh) == 0


def test_kill_9_during_save_leaves_a_usable_store(fresh):
    with Store(fresh) as store:
        kept = store.save(_analysis(), "before.csv")
    with _children("die-in-save") as (proc,):
        _go([proc], fresh)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _check_usable(fresh) == 1  # before.csv alone: the killed save rolled back
    draw = random.Random(15)
    for _ in range(2):
        with _children("save-loop") as (proc,):
            _go([proc], fresh)
            assert proc.stdout.readline() == "opened\n"
            assert proc.stdout.readline().startswith("saved ")
            time.sleep(draw.uniform(0, 0.05))
            proc.kill()
            proc.wait()
        _check_usable(fresh)
    with Store(fresh) as store:
        assert store.history()["id"].to_list()[0] == kept


def test_a_locked_sqlite_store_raises_store_error_then_saves_once_free(tmp_path):
    path = tmp_path / "history.db"
    url = f"sqlite:///{path}"
    with Store(url, busy_timeout=0.5) as store:
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            holder.execute("begin exclusive")
            with pytest.raises(StoreError, match="not saved") as caught:
                store.save(_analysis(), "locked.csv")
            assert "locked by another process (waited 0.5 s)" in caught.value.reason
            with pytest.raises(StoreError, match="locked by another process"):
                Store(url, busy_timeout=0.5)
            with pytest.raises(StoreError, match="cannot read"):
                store.history()
            holder.execute("commit")
            saved = store.save(_analysis(), "free.csv")
        finally:
            holder.close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:  # a lock released while save waits: saved
        holder.execute("begin exclusive")
        release = threading.Timer(0.3, holder.execute, ("commit",))
        release.start()
        with Store(url, busy_timeout=30) as store:
            assert store.save(_analysis(), "waited.csv") > saved
            assert store.history()["source"].to_list() == ["free.csv", "waited.csv"]
        release.join()
    finally:
        holder.close()


def test_a_locked_postgresql_table_raises_store_error(pg_url):
    import sqlalchemy as sa

    with Store(pg_url, busy_timeout=0.5) as store:
        other = sa.create_engine(pg_url)
        with other.connect() as conn:
            conn.execute(sa.text("lock table clv_analyses in access exclusive mode"))
            with pytest.raises(StoreError, match="not saved.*locked by another process"):
                store.save(_analysis(), "locked.csv")
            conn.rollback()
        other.dispose()
        assert store.save(_analysis(), "free.csv") > 0


def test_a_long_source_name_is_saved_by_its_end_with_a_note(fresh):
    import sqlalchemy as sa

    source = "/data/" + "exports/" * 80 + "orders-2026.csv"
    model = "M" * 60
    with Store(fresh) as store:
        saved = store.save(_analysis(model=model), source)
        assert store.notes and f"{len(source)} characters long" in store.notes[0]
        assert "cut to 50 characters" in store.notes[1]
        row = store.history().row(-1, named=True)
        assert row["id"] == saved and len(row["source"]) == 500
        assert row["source"] == "\u2026" + source[-499:] and row["model"] == model[:49] + "\u2026"
        with store.engine.connect() as conn:
            settings = json.loads(conn.execute(sa.text("select settings from clv_analyses"))
                                  .scalar_one())
        assert settings["full_source"] == source
        assert store.write_scores(_analysis(), "clv_scores", saved) == 2  # ids of 300
        assert store.save(_analysis(), "short.csv") and len(store.notes) == 2


def test_a_table_dropped_under_its_version_is_made_again(fresh):
    import sqlalchemy as sa

    with Store(fresh) as store:
        store.save(_analysis(), "lost.csv")
        with store.engine.begin() as conn:
            conn.execute(sa.text("drop table clv_analyses"))
    with Store(fresh) as store:
        assert store.notes and "made again" in store.notes[0]
        assert _version(store) == "0002"
        indexes = {i["name"] for i in sa.inspect(store.engine).get_indexes("clv_analyses")}
        assert "ix_clv_analyses_created_at" in indexes
        saved = store.save(_analysis(), "new.csv")
        assert store.history()["id"].to_list() == [saved]


def test_a_migration_meeting_another_process_s_tables_is_tried_again(tmp_path, monkeypatch):
    """The belt under the lock: a database the lock does not cover (another kind of server)
    may still see 'already exists'; the migration is then tried again, a few times. Other
    errors are not."""
    import sqlalchemy as sa

    import clv.store

    calls = []
    upgrade = clv.store._upgrade

    def raced(error: str):
        def once(cfg, conn, revision):
            calls.append(revision)
            if len(calls) == 1:
                raise sa.exc.OperationalError("create index ...", {},
                                              sqlite3.OperationalError(error))
            return upgrade(cfg, conn, revision)
        return once

    monkeypatch.setattr(clv.store, "_upgrade", raced("index ix already exists"))
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        assert len(calls) == 2 and _version(store) == "0002"
    calls.clear()
    monkeypatch.setattr(clv.store, "_upgrade", raced("disk I/O error"))
    with pytest.raises(StoreError, match="cannot use the history: .* disk I/O error"):
        Store(f"sqlite:///{tmp_path / 'b.db'}")
    assert len(calls) == 1
