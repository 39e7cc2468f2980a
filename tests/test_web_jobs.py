"""The dashboard's jobs and what it keeps, against a real server on 127.0.0.1: analyses in
processes of their own (cancelled, stopped at the time limit, one running while another is
stuck), failures in words with the way back to the mapping, uploads deleted, analyses put
aside beyond the memory cap and read back, an analysis the history could not take kept with
a note, an export made once for many requests."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.errors import ClvError  # noqa: E402
from clv.pipeline import analyze  # noqa: E402
from clv.store import Store  # noqa: E402
from clv.web.app import create_app  # noqa: E402
from clv.web.state import CANCELLED, State  # noqa: E402
from webtools import call, running  # noqa: E402

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def scripted(tx: Any, *, progress: Any = None, **kw: Any) -> Any:
    """The analysis of a job's process, told by the customer ids what to do: ``stuck-``
    never ends, ``bug-`` raises an error that is not the user's, ``refused-`` a user's
    error; any other is analysed. (Module level: the process imports it.)"""
    ids = tx.frame["customer_id"]
    if ids.str.starts_with("stuck-").any():
        progress("models", 0.3)
        time.sleep(3600)
    if ids.str.starts_with("bug-").any():
        raise RuntimeError("boom in the model")
    if ids.str.starts_with("refused-").any():
        raise ClvError("too few customers to fit a model")
    return analyze(tx, progress=progress, **kw)


def orders(prefix: str = "", customers: int = 300, seed: int = 4) -> bytes:
    """A small shop's orders as CSV, customer ids starting with ``prefix``."""
    from clv.datasets import sample_shop

    tx = sample_shop(customers, seed=seed).transactions.select(
        (pl.lit(prefix) + pl.col("customer_id")).alias("customer_id"), "timestamp", "amount",
        "channel")
    buf = io.BytesIO()
    tx.write_csv(buf)
    return buf.getvalue()


@contextmanager
def dashboard(tmp_path: Any, **options: Any) -> Iterator[tuple[str, State]]:
    """A dashboard whose jobs run :func:`scripted`, with ``options`` of :class:`State`;
    closed (jobs stopped, files deleted) at the end."""
    state = State(Store(f"sqlite:///{tmp_path / 'history.db'}"), tmp_path / "work",
                  analyze=scripted, **options)
    state.workdir.mkdir()
    try:
        with running(create_app(state)) as base:
            yield base, state
    finally:
        state.close()
        state.store.close()


def upload(base: str, body: bytes, name: str = "orders.csv") -> str:
    status, answer, _ = call(f"{base}/api/uploads?name={name}", "PUT", body)
    assert status == 200, answer
    return json.loads(answer)["id"]


def start(base: str, sid: str) -> str:
    status, answer, _ = call(f"{base}/api/analyses", "POST", {
        "source": sid, "mapping": {"customer_id": "customer_id", "timestamp": "timestamp",
                                   "amount": "amount", "channel": "channel"},
        "reading": {"refunds": "drop"}})
    assert status == 200, answer
    return json.loads(answer)["job"]


def job(base: str, jid: str) -> dict[str, Any]:
    return json.loads(call(f"{base}/api/jobs/{jid}")[1])


def wait(base: str, jid: str, until: Any = lambda j: j["status"] != "running") -> dict:
    """The job's state once ``until`` holds (by default: once it has finished)."""
    for _ in range(1200):
        state = job(base, jid)
        if until(state):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {jid} stayed {state}")


def test_a_job_runs_while_another_is_stuck_and_cancel_stops_it(tmp_path):
    with dashboard(tmp_path) as (base, state):
        stuck = start(base, upload(base, orders("stuck-")))
        assert wait(base, stuck, lambda j: j["step"] == "models")["status"] == "running"
        status, page, _ = call(f"{base}/jobs/{stuck}")
        assert status == 200 and b'action="/jobs/' + stuck.encode() + b'/cancel"' in page
        done = wait(base, start(base, upload(base, orders())))
        assert done["status"] == "done" and done["analysis"] > 0
        assert job(base, stuck)["status"] == "running"  # still stuck, and not in the way
        status, _, headers = call(f"{base}/jobs/{stuck}/cancel", "POST", b"", FORM)
        assert status == 303 and headers["location"] == f"/jobs/{stuck}"
        gone = wait(base, stuck)
        assert gone["status"] == "cancelled" and gone["error"] == CANCELLED
        assert not state._processes
        page = call(f"{base}/jobs/{stuck}")[1].decode()
        assert 'id="job-cancel" hidden' in page and 'id="job-back"' in page
        # a cancelled or finished job is left as it is
        status, body, _ = call(f"{base}/api/jobs/{done['id']}/cancel", "POST", b"")
        assert status == 200 and json.loads(body)["status"] == "done"
        assert call(f"{base}/api/jobs/nothing/cancel", "POST", b"")[0] == 404


def test_queued_jobs_wait_for_a_free_slot_and_can_be_cancelled_before_they_start(tmp_path):
    with dashboard(tmp_path, max_jobs=1) as (base, _):
        sid = upload(base, orders("stuck-"))
        first = start(base, sid)
        second = start(base, upload(base, orders()))
        wait(base, first, lambda j: j["step"] == "models")
        assert job(base, second)["step"] == "queued"
        status, body, _ = call(f"{base}/api/jobs/{second}/cancel", "POST", b"")
        assert status == 200 and json.loads(body)["status"] == "cancelled"
        third = start(base, upload(base, orders(seed=5)))
        call(f"{base}/api/jobs/{first}/cancel", "POST", b"")
        assert wait(base, third)["status"] == "done"  # the slot is free again
        assert job(base, second)["status"] == "cancelled"  # and it never ran


def test_the_time_limit_stops_a_job_and_the_page_leads_back_to_the_mapping(tmp_path):
    with dashboard(tmp_path, time_limit=1.0) as (base, state):
        sid = upload(base, orders("stuck-"))
        jid = start(base, sid)
        failed = wait(base, jid)
        assert failed["status"] == "failed"
        assert failed["error"].startswith("stopped after 1 second, the time limit")
        assert not state._processes
        page = call(f"{base}/jobs/{jid}")[1].decode()
        assert "It was stopped after 1 second, the time limit of an analysis" in page
        assert 'id="job-cancel" hidden' in page and 'data-status="failed"' in page
        assert f'<a id="job-back" href="/mapping/{sid}?job={jid}" >' in page
        # the way back: the mapping page with the columns and options the job ran with
        back = call(f"{base}/mapping/{sid}?job={jid}")[1].decode()
        assert '<option value="channel" selected>' in back.split('id="map_channel"')[1][:400]
        assert '<option value="drop" selected>' in back.split('id="refunds"')[1][:400]
        french = call(f"{base}/jobs/{jid}?lang=fr")[1].decode()
        assert "au bout de 1 seconde" in french and "Corriger les colonnes" in french


def test_a_failure_says_why_and_the_mapping_is_kept(tmp_path, caplog):
    with dashboard(tmp_path) as (base, _):
        sid = upload(base, orders("refused-"))
        refused = wait(base, start(base, sid))
        assert refused == {**refused, "status": "failed",
                           "error": "too few customers to fit a model"}
        # back to the mapping page, with the columns and options chosen
        form = {"source": sid, "map_customer_id": "customer_id", "map_timestamp": "timestamp",
                "map_amount": "amount", "map_channel": "channel", "refunds": "drop",
                "date_format": "", "decimal": "", "duplicates": "auto"}
        # the form is answered with the mapping page's address (post, redirect, get)
        status, _, got = call(f"{base}/mapping/{sid}", "POST", urlencode(form).encode(), FORM)
        assert status == 303
        status, page, _ = call(base + got["location"])
        text = page.decode()
        assert status == 200 and '<option value="channel" selected>' in text
        assert '<option value="drop" selected>' in text
        # a bug: a reference for the user, the traceback for the server's log
        with caplog.at_level(logging.ERROR, logger="clv.web"):
            bug = wait(base, start(base, upload(base, orders("bug-"))))
        assert bug["status"] == "failed"
        assert bug["error"].startswith("internal error, please report it (reference ")
        ref = bug["error"].rsplit(" ", 1)[1].rstrip(")")
        logged = [r.getMessage() for r in caplog.records if r.name == "clv.web"]
        assert any(ref in m and "RuntimeError: boom in the model" in m for m in logged)
        assert "boom" not in json.dumps(bug)


def test_uploads_are_deleted_after_their_analysis_and_everything_at_close(tmp_path):
    with dashboard(tmp_path) as (base, state):
        kept = upload(base, orders("refused-"))
        wait(base, start(base, kept))
        sid = upload(base, orders())
        done = wait(base, start(base, sid))
        assert done["status"] == "done"
        assert sid not in state.sources and not list(state.workdir.glob(f"{sid}*"))
        assert call(f"{base}/mapping/{sid}")[0] == 404
        # a failed analysis keeps its upload, to be run again with another mapping
        assert kept in state.sources and state.sources[kept].path.exists()
        files = list(state.workdir.iterdir())
        assert len(files) == 2  # the kept upload, the finished analysis put aside
    assert not state.workdir.exists()
    assert all(not f.exists() for f in files)


def test_uploads_left_without_analysis_are_kept_to_a_cap(tmp_path, monkeypatch):
    """Uploads never analysed (or whose analysis failed) do not pile up until shutdown: past
    MAX_SOURCES the oldest are deleted."""
    from clv.web import state as module

    monkeypatch.setattr(module, "MAX_SOURCES", 3)
    with dashboard(tmp_path) as (base, state):
        ids = [upload(base, orders(f"left{i}-")) for i in range(5)]
        assert list(state.sources) == ids[2:]
        assert sorted(p.name.split(".")[0] for p in state.workdir.iterdir()) == sorted(ids[2:])
        assert call(f"{base}/mapping/{ids[0]}")[0] == 404


@pytest.fixture(scope="module")
def small() -> Any:
    """One small analysis (added several times over)."""
    import datetime as dt

    from clv.data import read_transactions
    from clv.datasets import sample_shop
    from clv.pipeline import Settings

    shop = sample_shop(300, seed=4)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    return analyze(tx, spend=shop.spend, settings=Settings(margin=0.3))


def test_analyses_beyond_the_cap_leave_memory_and_come_back(tmp_path, small):
    with dashboard(tmp_path, max_analyses=2) as (base, state):
        ids = [state.add_analysis(small, f"shop {i}").id for i in range(4)]
        assert state.in_memory() == ids[-2:]
        for path in ("", "/customers", "/cohorts", "/exports"):
            status, page, _ = call(f"{base}/a/{ids[0]}{path}")
            assert status == 200 and b"shop 0" in page
            assert len(state.in_memory()) <= 2 and state.in_memory()[-1] == ids[0]
        status, body, _ = call(f"{base}/api/analyses/{ids[1]}/customers?limit=5")
        assert status == 200 and json.loads(body)["found"] == small.customers.height
        assert len(state.in_memory()) == 2
        home = call(f"{base}/")[1].decode()
        assert all(f"shop {i}" in home for i in range(4)) and len(state.in_memory()) == 2


def test_an_analysis_the_history_cannot_take_is_kept_with_a_note(tmp_path, monkeypatch):
    import sqlalchemy as sa

    with dashboard(tmp_path) as (base, state):
        def locked(*_: Any) -> int:
            raise sa.exc.OperationalError("INSERT INTO clv_analyses", {},
                                          Exception("database is locked"))

        monkeypatch.setattr(state.store, "save", locked)
        done = wait(base, start(base, upload(base, orders())))
        assert done["status"] == "done" and done["analysis"] < 0
        assert done["note"].startswith("not saved to the history: OperationalError: ")
        assert "database is locked" in done["note"] and "INSERT" not in done["note"]
        for path in ("", "/customers", "/exports"):
            status, page, _ = call(f"{base}/a/{done['analysis']}{path}")
            assert status == 200 and 'id="analysis-note"' in page.decode()
            assert "not saved to the history" in page.decode()
        assert "not saved to the history" in call(f"{base}/")[1].decode()
        assert call(f"{base}/a/{done['analysis']}/export/segments.csv")[0] == 200


def test_an_export_is_made_once_for_concurrent_requests(tmp_path, small, monkeypatch):
    made = []
    write_excel = pl.DataFrame.write_excel

    def counted(self: pl.DataFrame, *args: Any, **kwargs: Any) -> Any:
        made.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for every request to arrive while it is made
        return write_excel(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_excel", counted)
    with dashboard(tmp_path, max_analyses=1) as (base, state):
        aid = state.add_analysis(small, "shop").id
        answers: list[tuple[int, bytes, dict]] = []

        def fetch() -> None:
            answers.append(call(f"{base}/a/{aid}/export/customers.xlsx"))

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [a[0] for a in answers] == [200] * 8
        assert len({a[1] for a in answers}) == 1 and answers[0][1][:2] == b"PK"
        assert answers[0][2]["content-disposition"] == (
            f'attachment; filename="clv-{aid}-customers.xlsx"')
        assert len(made) == 1 and made[0].startswith("clv-export")
        assert call(f"{base}/a/{aid}/export/nothing.xlsx")[0] == 404
        assert call(f"{base}/a/{aid}/export/customers.pdf")[0] == 404
        # the cache goes with the analysis when it leaves memory, and comes back with it
        state.add_analysis(small, "another")
        again = call(f"{base}/a/{aid}/export/customers.xlsx")
        assert again[0] == 200 and again[1][:2] == b"PK" and len(made) == 2
        report = call(f"{base}/a/{aid}/report.html?lang=fr&download=false")
        assert report[0] == 200 and "content-disposition" not in report[2]
        assert report[1] == call(f"{base}/a/{aid}/report.html?lang=fr&download=false")[1]


def test_a_what_if_is_computed_once_per_levers_while_its_analysis_is_in_memory(
        tmp_path, small, monkeypatch):
    from clv.pipeline import Analysis
    from clv.scenarios import Levers

    asked = []
    what_if = Analysis.what_if
    monkeypatch.setattr(Analysis, "what_if", lambda a, levers: asked.append(levers)
                        or what_if(a, levers))
    with dashboard(tmp_path, max_analyses=1) as (_, state):
        entry = state.add_analysis(small, "shop")
        up, down = Levers(retention=0.1), Levers(retention=-0.1)
        first = state.what_if(entry, up)
        assert state.what_if(entry, up) is first and asked == [up]
        assert state.what_if(entry, down).scenario != first.scenario and asked == [up, down]
        assert first.scenario == what_if(small, up).scenario
        state.add_analysis(small, "another")  # the first leaves memory, and its what-ifs
        assert not entry.scenarios
        assert state.what_if(entry, up).scenario == first.scenario and len(asked) == 3
