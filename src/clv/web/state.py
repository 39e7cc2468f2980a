"""What the dashboard holds while it runs: uploaded sources, running analyses, finished ones.

Jobs. Each analysis runs in a child process of its own (``multiprocessing``, started by
*spawn*: a fresh interpreter, never a fork of the threaded server), so that it can be
stopped: at most ``max_jobs`` at a time (default :data:`MAX_JOBS`, 2: one per core of a small
machine; more wait in a queue, first come first served), each stopped after ``time_limit``
seconds (default :data:`JOB_TIME_LIMIT`, 30 minutes) or when the user cancels it. The child
reports its steps through a pipe (the job page's progress bar) and sends back the
:class:`clv.pipeline.Analysis` with its charts. A user's error (:class:`clv.errors.ClvError`)
comes back as its English sentence and as the error itself (naming the file as the user
uploaded it), which the job page says in its language; any other exception as "internal
error, please report it" with a reference, the traceback in the server's log (logger
``clv.web``).

Finished analyses. Each is saved to the history store (its id there is its id here); when the
store cannot take it (locked, unreachable), the analysis is kept all the same, under a
negative id, with a note "not saved to the history: <reason>". An analysis and its charts are
also written to the work folder (a pickle this process wrote); only the ``max_analyses``
(default :data:`MAX_ANALYSES`) most recently used are kept in memory, the others are read
back from that file when one of their pages is asked for.

Exports (CSV, XLSX, the HTML report) are made once per analysis and file, on a small pool of
their own (:data:`EXPORT_WORKERS` threads), so that large ones do not take the threads pages
are served from; requests for a file being made wait for the same result.

Files. An upload is deleted once an analysis of it has succeeded (and no other job waits to
read it); after a failure it is kept, so that the mapping can be corrected and run again.
:meth:`State.close` (on the server's shutdown, and at the latest at the interpreter's exit)
stops the jobs and deletes every file this state wrote: uploads and analyses; the work
folder too when nothing else is left in it.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import pickle
import queue
import re
import secrets
import threading
import time
import traceback
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from clv import i18n
from clv.data import read_transactions
from clv.data.dates import parse_dates
from clv.data.mapping import (
    REQUIRED,
    TABLE_NAMES,
    TABLE_REQUIRED,
    Mapping,
    detect_columns,
    resolve_mapping,
)
from clv.data.readers import ROW, read_raw
from clv.data.table_reports import TableReport
from clv.data.tables import (
    TableRead,
    read_customers_report,
    read_spend_report,
    read_subscriptions_report,
)
from clv.errors import AmbiguousDateError, ClvError, DataError, MappingError
from clv.pipeline import Analysis, Settings, analyze
from clv.report import charts
from clv.scenarios import Levers, Scenario
from clv.store import Store
from clv.web.charts import LINKED, TRANSLATED, render_charts

SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx", ".xls", ".json", ".jsonl", ".ndjson")
MAPPED = ("customer_id", "timestamp", "amount", "quantity", "price", "order_id", "product",
          "channel", "status", "cancelled", "currency", "time", "refunded", "debit", "credit",
          "journal")
"""The fields the mapping page offers (the required ones first)."""
LABELS = {"customer_id": "customer id", "timestamp": "date", "amount": "amount",
          "quantity": "quantity", "price": "unit price", "order_id": "order id",
          "product": "product", "channel": "channel", "status": "order status",
          "cancelled": "cancellation date", "currency": "currency", "time": "time of day",
          "refunded": "amount refunded", "debit": "debit", "credit": "credit",
          "journal": "journal"}
"""How the form names each field (and how an error tells which to choose)."""
READING = {"date_format": ("", "dmy", "mdy", "iso", "ymd"), "decimal": ("", ",", "."),
           "refunds": ("net", "drop"), "duplicates": ("auto", "drop", "keep")}
"""The reading options the form offers (the first is the default; '' = detected)."""
FREE_READING = ("earliest", "max_amount")
"""Reading options the form takes as typed: the earliest date a purchase may carry
(YYYY-MM-DD) and the largest amount of a row (a number > 0); empty: the reader's default."""
TABLES = ("spend", "customers", "subscriptions")
"""The tables uploaded beside the orders, each with its own columns and reading."""
TABLE_FIELDS: dict[str, tuple[str, ...]] = {k: tuple(TABLE_NAMES[k]) for k in TABLES}
"""The fields the mapping page offers for each table (the required ones first)."""
TABLE_READING = {"date_format": READING["date_format"], "decimal": READING["decimal"]}
"""The reading options of the other tables."""
PREVIEW_ROWS = 200
DATE_GAP = 0.05
"""The share of a table's dates that a date format chosen in the form may leave unread,
while the automatic detection reads them, before the form asks to confirm that format."""
DATE_FIELDS = {"transactions": "timestamp", "customers": "acquired_at"}
"""The date field of each table whose unread dates an analysis leaves out or blank without
stopping (the orders' rows are excluded, the customers' acquisition dates left blank): the
form checks the date format chosen for them. The spend's and subscriptions' dates stop the
reading instead, with the row and the column."""
LOG = logging.getLogger("clv.web")

JOB_TIME_LIMIT = 30 * 60.0
"""Seconds an analysis may run before it is stopped (its child process killed)."""
MAX_JOBS = 2
"""Analyses run at the same time (each in a process of its own); more wait in a queue."""
MAX_ANALYSES = 8
MAX_SOURCES = 32
CANCELLED = "the analysis was cancelled; nothing was saved"
"""What a cancelled job says (its page offers the way back to the columns)."""
"""Uploads and database sources kept for their mapping page at most: past it, the oldest that
no job is reading are deleted (an upload left without an analysis, or whose analysis failed,
does not stay on disk until shutdown)."""
"""Finished analyses kept in memory (20-35 MB each at 20,000 customers); the least recently
used beyond them are read back from the work folder when asked for."""
EXPORT_WORKERS = 2
"""Threads that make export files (a large XLSX takes seconds of CPU)."""
SCENARIOS = 64
"""What-if results kept per analysis in memory (the sliders move in steps of 1%)."""
_SPAWN = multiprocessing.get_context("spawn")
_POLL = 0.25  # seconds between two looks at a running job's deadline


@dataclass
class Source:
    """An uploaded file or a database table: what the mapping page shows, and the mapping
    form as last sent for it (the page's address shows it again when reloaded or reached
    with the back button)."""

    id: str
    name: str  # as the user gave it: display only, always escaped
    kind: str  # "transactions" | "spend" | "customers" | "subscriptions"
    path: Path | None = None
    url: str | None = None
    table: str | None = None
    query: str | None = None
    columns: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    detected: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    problem: str | None = None  # why a mapping could not be detected
    problem_field: str | None = None  # the field to choose, when that is the problem
    problem_error: Exception | None = None  # the error itself: said in the page's language
    parsed: pl.DataFrame | None = None  # the first rows as read (canonical columns)
    currency: str | None = None  # of the amounts read
    excluded: list[tuple[str, int]] = field(default_factory=list)  # of the first rows: why
    read_notes: list[str] = field(default_factory=list)
    table_report: TableReport | None = None  # of the first rows of a table beside the orders
    date_gap: DateGap | None = None  # the date format chosen leaves many dates unread
    head: pl.DataFrame | None = None
    draft: dict[str, str] | None = None  # the mapping form as last sent for this source
    draft_error: tuple[str, str | None, str | None] | None = None  # its sentence, table, field

    @property
    def location(self) -> Any:
        return str(self.path) if self.path is not None else self.url

    def explain(self, exc: Exception) -> str:
        """The error's message, naming the source as the user knows it (not the server's
        file of the upload, nor a database password)."""
        text = str(exc)
        if self.path is not None:
            text = text.replace(str(self.path), self.name)
        if text.startswith("polars frame: "):  # the first rows, read for the preview
            text = f"{self.name}: " + text.removeprefix("polars frame: ")
        return form_words(text)

    def bare(self) -> Source:
        """The source without what only the mapping page shows (sent to a job's process)."""
        return replace(self, head=None, preview=[], parsed=None, draft=None, draft_error=None,
                       table_report=None, date_gap=None, problem_error=None)


@dataclass(frozen=True)
class DateGap:
    """A date format chosen in the form that leaves many more dates of ``column`` unread
    than the automatic detection: of the ``dates`` (non-empty values) of the rows looked at,
    the format ``chosen`` leaves ``unread`` unread, ``detected`` of which the automatic
    detection reads (it reads ``read_auto`` of the ``dates`` in all)."""

    column: str
    chosen: str
    dates: int
    unread: int
    detected: int
    read_auto: int


def date_gap(values: pl.Series, chosen: str | None, share: float = DATE_GAP
             ) -> DateGap | None:
    """The :class:`DateGap` of the date format ``chosen`` on ``values`` when the dates it
    leaves unread and the automatic detection reads are more than ``share`` of the
    non-empty values; None otherwise (no format chosen, dates typed as dates, or no
    automatic reading to compare with)."""
    if not chosen or values.dtype != pl.String:
        return None
    text = values.str.strip_chars()
    present = text.is_not_null() & (text != "")
    dates = int(present.sum())
    if not dates:
        return None
    try:
        mine = parse_dates(values, chosen).values
    except DataError:
        return None
    try:
        auto = parse_dates(values).values
    except AmbiguousDateError:  # both orders read every value: the same as 'dmy' does
        auto = parse_dates(values, "dmy").values
    except DataError:  # no format reads them: nothing better to offer
        return None
    unread = mine.is_null() & present
    detected = int((unread & auto.is_not_null()).sum())
    if detected <= share * dates:
        return None
    return DateGap(str(values.name), chosen, dates, int(unread.sum()), detected,
                   int((auto.is_not_null() & present).sum()))


@dataclass
class Job:
    """One analysis being run, and what its page needs to offer a way back to the mapping."""

    id: str
    source: str  # the source's name, as the user gave it (or the file's)
    source_id: str = ""
    spend_id: str | None = None
    mapping: dict[str, str | None] = field(default_factory=dict)
    reading: dict[str, str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # kind -> source id
    table_columns: dict[str, dict[str, str | None]] = field(default_factory=dict)
    table_reading: dict[str, dict[str, str]] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)  # the settings as typed in the form
    error_kind: str | None = None  # the table whose column to choose, when that failed
    error_field: str | None = None
    failure: ClvError | None = None  # the user's error itself: said in the page's language
    step: str = "queued"
    share: float = 0.0
    status: str = "running"  # running (or queued) | done | failed | cancelled
    error: str | None = None
    analysis_id: int | None = None
    note: str | None = None  # e.g. not saved to the history, and why
    cancelled: bool = False


@dataclass(frozen=True)
class Task:
    """What a job's process needs: the sources (without their previews), the reading and the
    settings, and the function that analyses (:func:`clv.pipeline.analyze`)."""

    source: Source
    mapping: dict[str, str | None]
    spend: Source | None
    settings: Settings
    reading: dict[str, str]
    analyze: Callable[..., Analysis]
    tables: dict[str, Source] = field(default_factory=dict)  # customers, subscriptions
    table_columns: dict[str, dict[str, str | None]] = field(default_factory=dict)
    table_reading: dict[str, dict[str, str]] = field(default_factory=dict)


class Entry:
    """A finished analysis: its id, source, KPIs and model name, always at hand; the
    :class:`Analysis` and its charts (inline SVG, drawn once) in memory while among the most
    recently used, else read back from the work folder by :attr:`analysis`."""

    def __init__(self, id: int, source: str, analysis: Analysis, owner: State,
                 note: str | None = None) -> None:
        self.id = id
        self.source = source
        self.kpis: dict[str, Any] = analysis.kpis
        self.model: str = analysis.model.NAME
        self.note = note  # e.g. not saved to the history, and why
        self.file: Path | None = None  # the pickle of (analysis, charts), once written
        self.scenarios: OrderedDict[Levers, Scenario] = OrderedDict()  # kept what-ifs
        self.translated: dict[str, dict[str, str | None]] = {}  # charts in other languages
        self._owner = weakref.ref(owner)
        self._reading = threading.Lock()

    def _held(self) -> tuple[Analysis, dict[str, str | None]]:
        owner = self._owner()
        if owner is None:
            raise ClvError("the dashboard was closed")
        return owner.held(self)

    @property
    def analysis(self) -> Analysis:
        return self._held()[0]

    @property
    def charts(self) -> dict[str, str | None]:
        return self._held()[1]

    def chart(self, key: str, lang: str) -> str | None:
        """The chart ``key`` in ``lang``: English as drawn with the analysis; in another
        language drawn when a page first shows it (one chart, not every chart of the
        analysis), its marks linking to this analysis's customers, kept while the analysis
        is in memory."""
        if lang == "en":
            return self.charts.get(key)
        held = self.translated.get(lang, {})
        if key not in held:
            drawn = render_charts(self.analysis, lang, (key,), aid=self.id)[key]
            owner = self._owner()
            if owner is None or self.id not in owner.in_memory():
                return drawn
            held = self.translated.setdefault(lang, {})
            held[key] = drawn
        return held[key]

    def charts_in(self, lang: str) -> dict[str, str | None]:
        """Every chart (:data:`clv.web.charts.TRANSLATED`) in ``lang`` (see :meth:`chart`)."""
        if lang == "en":
            return self.charts
        return {key: self.chart(key, lang) for key in TRANSLATED}


def _minutes(seconds: float) -> str:
    """A time limit in words: '30 minutes', '1 minute', '2 seconds'."""
    if seconds >= 60:
        n = seconds / 60
        return f"{n:g} minute{'s' if n != 1 else ''}"
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


def _reason(exc: BaseException) -> str:
    """An exception in one line: a user's error as its sentence, any other as its type and
    the first line of its message (a database driver's message goes on with the SQL)."""
    if isinstance(exc, ClvError):
        return str(exc)
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _close_at_exit(ref: weakref.ref[State]) -> None:
    state = ref()
    if state is not None:
        state.close()


class State:
    """Sources, jobs and analyses of one running dashboard.

    ``store``: the history; ``workdir``: where uploads and analyses put aside are written;
    ``time_limit``: seconds an analysis may run; ``max_jobs``: analyses run at once;
    ``max_analyses``: finished analyses kept in memory; ``analyze``: the function a job's
    process calls as :func:`clv.pipeline.analyze` (for tests: a module-level function, so
    that the process can import it)."""

    def __init__(self, store: Store, workdir: Path, *, time_limit: float = JOB_TIME_LIMIT,
                 max_jobs: int = MAX_JOBS, max_analyses: int = MAX_ANALYSES,
                 analyze: Callable[..., Analysis] = analyze,
                 export_workers: int = EXPORT_WORKERS) -> None:
        if time_limit <= 0 or max_jobs < 1 or max_analyses < 1:
            raise ClvError("the time limit, jobs and analyses kept must be positive")
        self.store = store
        self.workdir = workdir
        self.time_limit = time_limit
        self.max_jobs = max_jobs
        self.max_analyses = max_analyses
        self.analyze = analyze
        self.sources: dict[str, Source] = {}
        self.jobs: dict[str, Job] = {}
        self.entries: dict[int, Entry] = {}
        self.lock = threading.Lock()
        self._memory: OrderedDict[int, tuple[Analysis, dict[str, str | None]]] = OrderedDict()
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._tasks: dict[str, Task] = {}
        self._processes: dict[str, Any] = {}
        self._runners: list[threading.Thread] = []
        self._exports: dict[tuple[int, str], Future[bytes]] = {}
        self._export_pool = ThreadPoolExecutor(export_workers, thread_name_prefix="clv-export")
        self._unsaved = 0
        self._closed = False
        self._history_charts: dict[tuple[str, str], tuple[tuple[int, int], str | None]] = {}
        atexit.register(_close_at_exit, weakref.ref(self))

    def history_chart(self, history: pl.DataFrame, lang: str = "en", group: str = ""
                      ) -> str | None:
        """The chart of ``history`` (the analyses of one source, ``group``) in ``lang``, drawn
        again only when an analysis of it was saved since."""
        last = history["id"].max() if history.height else 0
        key = (history.height, int(last or 0))  # type: ignore[arg-type]
        found = self._history_charts.get((group, lang))
        if found is None or found[0] != key:
            found = (key, charts.history(history, lang))
            with self.lock:
                self._history_charts[(group, lang)] = found
        return found[1]

    def new_path(self, name: str) -> tuple[str, Path]:
        """A fresh id and the file an upload named ``name`` is written to (the user's name
        is never used as a path; only a known suffix is kept)."""
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            raise ClvError(f"cannot read a '{suffix or 'no suffix'}' file; give one of "
                           f"{', '.join(SUFFIXES)}")
        sid = self.new_id()
        return sid, self.workdir / f"{sid}{suffix}"

    @staticmethod
    def new_id() -> str:
        """An id nobody can guess (uploads and jobs are addressed by it)."""
        return secrets.token_hex(8)

    def add_source(self, source: Source) -> Source:
        """Read the source's columns, first rows and detected columns, and its first rows as
        read with them; raises ClvError naming the problem."""
        try:
            raw = read_raw(source.location, table=source.table, query=source.query,
                           read_only=source.url is not None)
        except ClvError as exc:
            raise ClvError(source.explain(exc)) from exc
        data = raw.frame.drop(ROW)
        source.columns = list(data.columns)
        source.preview = [["" if v is None else str(v) for v in row]
                          for row in data.head(8).iter_rows()]
        source.head = data.head(PREVIEW_ROWS)
        if source.kind == "transactions":
            found = resolve_mapping(data, source=source.name, headerless=raw.headerless,
                                    complete=False)
            source.detected, source.origin = dict(found.columns), dict(found.origin)
            source.preset = found.preset
            self.preview(source, found)
        else:
            source.detected, source.origin = detect_columns(source.columns, source.kind)
            self.preview_table(source, dict(source.detected))
        with self.lock:
            self.sources[source.id] = source
            busy = {i for j in self.jobs.values() if j.status == "running"
                    for i in (j.source_id, j.spend_id, *j.tables.values())}
            old = [i for i in self.sources if i not in busy and i != source.id]
            gone = [self.sources.pop(i) for i in old[:max(0, len(self.sources) - MAX_SOURCES)]]
        for src in gone:  # the oldest beyond the cap
            if src.path is not None:
                src.path.unlink(missing_ok=True)
        return source

    def forget(self, sid: str) -> None:
        """Delete the upload ``sid`` (its file too), unless a running job reads it."""
        with self.lock:
            busy = {i for j in self.jobs.values() if j.status == "running"
                    for i in (j.source_id, j.spend_id, *j.tables.values())}
            gone = self.sources.pop(sid, None) if sid not in busy else None
        if gone is not None and gone.path is not None:
            gone.path.unlink(missing_ok=True)

    @staticmethod
    def preview(source: Source, mapping: Mapping | dict[str, str | None],
                reading: dict[str, str] | None = None, currency: str | None = None) -> None:
        """Read the source's first rows (:data:`PREVIEW_ROWS`) with ``mapping`` as the
        analysis will: the rows kept as read (dates, amounts), the rows left out by reason,
        the notes, or the problem (and the field to choose, when that is it)."""
        columns = mapping.columns if isinstance(mapping, Mapping) else mapping
        source.problem, source.problem_field, source.parsed = None, None, None
        source.problem_error = None
        source.excluded, source.read_notes, source.date_gap = [], [], None
        if source.head is None:
            return
        source.date_gap = head_gap(source, dict(columns), reading)
        try:
            tx = read_transactions(source.head, columns=dict(columns), detect=False,
                                   currency=currency,
                                   **reading_options(reading))
        except MappingError as exc:
            source.problem, source.problem_field = form_message(exc, source), exc.field
            return
        except ClvError as exc:
            source.problem, source.problem_field = source.explain(exc), field_of(exc, dict(columns))
            source.problem_error = exc
            return
        source.parsed, source.currency = tx.frame.head(8), tx.currency
        source.excluded = [(e.reason, e.count) for e in tx.issues.exclusions]
        source.read_notes = [n for n in tx.issues.notes if getattr(n, "key", "") != "delimited"]

    @staticmethod
    def preview_table(source: Source, columns: dict[str, str | None],
                      reading: dict[str, str] | None = None) -> None:
        """Read the first rows of a spend, customers or subscriptions table with ``columns``
        as the analysis will: the rows as read, or the problem (and the field to choose)."""
        source.problem, source.problem_field, source.parsed = None, None, None
        source.problem_error = None
        source.table_report, source.date_gap = None, None
        if source.head is None:
            return
        source.date_gap = head_gap(source, columns, reading)
        try:
            read = read_table_report(source.kind, source.head, columns, reading)
            source.parsed, source.table_report = read.frame.head(8), read.report
        except MappingError as exc:
            source.problem, source.problem_field = source.explain(exc), exc.field
        except ClvError as exc:
            source.problem, source.problem_field = source.explain(exc), field_of(exc, columns)
            source.problem_error = exc

    # ---- finished analyses -------------------------------------------------------------

    def add_analysis(self, analysis: Analysis, source: str,
                     drawn: dict[str, str | None] | None = None) -> Entry:
        """Save ``analysis`` to the history and keep it with its charts (``drawn``, or drawn
        now). When the history cannot take it, the analysis is kept all the same, under a
        negative id, with a note saying why."""
        drawn = render_charts(analysis) if drawn is None else drawn
        note = None
        try:
            aid = self.store.save(analysis, source)
        except Exception as exc:  # noqa: BLE001 - the analysis is worth more than the record
            LOG.warning("analysis of %s not saved to the history", source, exc_info=True)
            note = f"not saved to the history: {_reason(exc)}"
            with self.lock:
                self._unsaved -= 1
                aid = self._unsaved
        # the marks of these charts link to the customers of this analysis, now it has its id
        drawn = {**drawn, **render_charts(analysis, which=LINKED, aid=aid)}
        entry = Entry(aid, source, analysis, self, note)
        file = self.workdir / f"analysis{aid}-{self.new_id()}.pickle"
        try:  # written once: an analysis never changes, so the file stays right
            if self._closed:  # the folder is being emptied: nothing more goes in
                raise OSError("the dashboard is closed")
            with file.open("wb") as out:
                pickle.dump((analysis, drawn), out, protocol=pickle.HIGHEST_PROTOCOL)
            entry.file = file
        except OSError:  # a full disk: the analysis stays in memory, never put aside
            LOG.warning("analysis %s kept in memory only", aid, exc_info=True)
            file.unlink(missing_ok=True)
        with self.lock:
            self.entries[aid] = entry
            self._memory[aid] = (analysis, drawn)
            self._trim()
        return entry

    def held(self, entry: Entry) -> tuple[Analysis, dict[str, str | None]]:
        """The entry's analysis and charts, from memory, else read back from its file (and
        then the least recently used beyond ``max_analyses`` leave memory)."""
        with self.lock:
            found = self._memory.get(entry.id)
            if found is not None:
                self._memory.move_to_end(entry.id)
                return found
        with entry._reading:  # one reader per analysis; pages of others go on meanwhile
            with self.lock:
                found = self._memory.get(entry.id)
            if found is None:
                if entry.file is None or not entry.file.exists():
                    raise ClvError(f"analysis {entry.id} is no longer available")
                found = pickle.loads(entry.file.read_bytes())  # noqa: S301 - our own file
            with self.lock:
                self._memory[entry.id] = found
                self._memory.move_to_end(entry.id)
                self._trim()
        return found

    def in_memory(self) -> list[int]:
        """Ids of the analyses held in memory, least recently used first."""
        with self.lock:
            return list(self._memory)

    def _trim(self) -> None:
        """Analyses beyond ``max_analyses`` leave memory, least recently used first (those
        without a file stay); their exports go with them. Called with the lock held."""
        for aid in list(self._memory):
            if len(self._memory) <= self.max_analyses:
                break
            if self.entries[aid].file is None:
                continue
            del self._memory[aid]
            self.entries[aid].scenarios.clear()
            self.entries[aid].translated.clear()
            for key in [k for k in self._exports if k[0] == aid]:
                del self._exports[key]

    def what_if(self, entry: Entry, levers: Levers) -> Scenario:
        """``entry.analysis.what_if(levers)``, computed once per levers (an analysis never
        changes; the what-if page and its sliders ask the same levers again and again): the
        :data:`SCENARIOS` last kept per analysis while it is in memory."""
        with self.lock:
            found = entry.scenarios.get(levers)
            if found is not None:
                entry.scenarios.move_to_end(levers)
                return found
        found = entry.analysis.what_if(levers)
        with self.lock:
            if entry.id in self._memory:
                entry.scenarios[levers] = found
                while len(entry.scenarios) > SCENARIOS:
                    entry.scenarios.popitem(last=False)
        return found

    # ---- exports -----------------------------------------------------------------------

    def export(self, aid: int, name: str, make: Callable[[Analysis], bytes]) -> Future[bytes]:
        """The file ``name`` of analysis ``aid``, made by ``make(analysis)`` once (on the
        export threads) and kept while the analysis is in memory; a request for a file being
        made gets the same future. A failure is not kept (the next request tries again)."""
        key = (aid, name)
        with self.lock:
            made = self._exports.get(key)
            if made is None:
                made = self._export_pool.submit(self._make_export, aid, make)
                self._exports[key] = made
            else:
                return made

        def forget(done: Future[bytes]) -> None:
            if done.cancelled() or done.exception() is not None:
                with self.lock:
                    if self._exports.get(key) is done:
                        del self._exports[key]

        made.add_done_callback(forget)
        return made

    def _make_export(self, aid: int, make: Callable[[Analysis], bytes]) -> bytes:
        entry = self.entries.get(aid)
        if entry is None:
            raise LookupError(f"no analysis {aid} in this session")
        return make(entry.analysis)

    # ---- jobs --------------------------------------------------------------------------

    def start(self, source: Source, mapping: dict[str, str | None], spend: Source | None,
              settings: Settings, reading: dict[str, str] | None = None, *,
              tables: dict[str, Source] | None = None,
              table_columns: dict[str, dict[str, str | None]] | None = None,
              table_reading: dict[str, dict[str, str]] | None = None,
              name: str | None = None, form: dict[str, str] | None = None) -> Job:
        """Queue the analysis of ``source`` read with ``mapping`` (and ``reading``), with the
        ``spend`` table and the other ``tables`` (customers, subscriptions: kind -> source)
        read with their ``table_columns`` and ``table_reading``; saved to the history under
        ``name`` (default: the file's name). ``form``: the settings as typed, kept for the way
        back to the mapping. Returns its job."""
        missing = missing_field(mapping)
        if missing:
            raise ClvError(f"choose the {LABELS[missing]} column above"
                           + (" (or a quantity and a unit price)" if missing == "amount"
                              else ""))
        reading_options(reading)
        others = dict(tables or {})
        if spend is not None:
            others["spend"] = spend
        columns = {k: dict((table_columns or {}).get(k) or src.detected)
                   for k, src in others.items()}
        for kind, chosen in columns.items():
            lacking = missing_field(chosen, kind)
            if lacking:
                raise ClvError(f"choose the {lacking} column of the {kind} table above")
        readings = {k: dict((table_reading or {}).get(k) or {}) for k in others}
        for chosen_reading in readings.values():
            table_options(chosen_reading)
        job = Job(self.new_id(), (name or "").strip() or source.name, source.id,
                  spend.id if spend else None, dict(mapping), dict(reading or {}),
                  {k: v.id for k, v in others.items()}, columns, readings, dict(form or {}))
        task = Task(source.bare(), dict(mapping), spend.bare() if spend else None, settings,
                    dict(reading or {}), self.analyze,
                    {k: v.bare() for k, v in others.items() if k != "spend"}, columns,
                    readings)
        with self.lock:
            if self._closed:
                raise ClvError("the dashboard is shutting down")
            self.jobs[job.id] = job
            self._tasks[job.id] = task
            if len(self._runners) < self.max_jobs:
                runner = threading.Thread(target=self._runner, daemon=True,
                                          name=f"clv-job-{len(self._runners) + 1}")
                self._runners.append(runner)
                runner.start()
        self._queue.put(job)
        return job

    def cancel(self, jid: str) -> Job:
        """Stop the job ``jid`` (queued: it will not start; running: its process is killed);
        a finished job is left as it is."""
        job = self.jobs[jid]
        with self.lock:
            if job.status != "running":
                return job
            job.cancelled = True  # starting: it will not; saving: too late, it is done
            process = self._processes.get(jid)
            if self._tasks.pop(jid, None) is not None:  # still queued
                job.status, job.step, job.error = "cancelled", "cancelled", CANCELLED
        if process is not None:
            with contextlib.suppress(ValueError):  # its runner closed it meanwhile
                process.kill()
        return job

    def _runner(self) -> None:
        """One of the ``max_jobs`` threads: runs the queued jobs, one after another."""
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self.lock:
                task = self._tasks.pop(job.id, None)
            if task is None or job.cancelled:
                continue
            try:
                self._run(job, task)
            except Exception:  # noqa: BLE001 - the runner must go on with the others
                self._bug(job, traceback.format_exc())
            if job.status == "done":
                self._release(job)

    def _run(self, job: Job, task: Task) -> None:
        """Run ``task`` in a process of its own and follow it until it answers, dies, is
        cancelled or passes the time limit."""
        reader, writer = _SPAWN.Pipe(duplex=False)
        process = _SPAWN.Process(target=_work, args=(writer, task), daemon=True,
                                 name=f"clv-analysis-{job.id}")
        with self.lock:
            if job.cancelled or self._closed:
                reader.close()
                writer.close()
                job.status, job.step, job.error = "cancelled", "cancelled", CANCELLED
                return
            job.step = "starting"
            process.start()
            self._processes[job.id] = process
        writer.close()  # the child holds it: its death ends the pipe
        deadline = time.monotonic() + self.time_limit
        answer: tuple[Any, ...] | None = None
        try:
            while answer is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if not reader.poll(min(_POLL, left)):
                    continue
                try:
                    message = reader.recv()
                except (EOFError, OSError):
                    break  # the process died (killed, or crashed)
                if message[0] == "progress":
                    job.step, job.share = message[1], message[2]
                else:
                    answer = message
        finally:
            with self.lock:
                self._processes.pop(job.id, None)
            if process.is_alive():
                process.kill()
            process.join()
            reader.close()
            code = process.exitcode
            process.close()
        if job.cancelled:
            job.status, job.step, job.error = "cancelled", "cancelled", CANCELLED
        elif answer is None and time.monotonic() >= deadline:
            job.status, job.error = "failed", (
                f"stopped after {_minutes(self.time_limit)}, the time limit of an analysis "
                "on this dashboard")
        elif answer is None:
            self._bug(job, f"the analysis process ended with exit code {code}")
        elif answer[0] == "failed":
            job.status, job.error, job.failure = "failed", answer[1], answer[4]
            if answer[3] is not None:  # a column to choose: the job page names it
                job.error_kind, job.error_field = answer[2], answer[3]
        elif answer[0] == "bug":
            self._bug(job, answer[1])
        else:
            job.step, job.share = "saving to the history", 0.97
            entry = self.add_analysis(answer[1], job.source, answer[2])
            job.analysis_id, job.note = entry.id, entry.note
            job.share, job.step, job.status = 1.0, "done", "done"

    def _bug(self, job: Job, trace: str) -> None:
        """A failure that is not the user's: logged with its traceback and a reference; the
        job says to report it with that reference."""
        ref = secrets.token_hex(4)
        LOG.error("analysis of %s failed (reference %s):\n%s", job.source, ref, trace.rstrip())
        job.status, job.error = "failed", f"internal error, please report it (reference {ref})"

    def _release(self, job: Job) -> None:
        """After a success: the job's uploads are deleted (and forgotten) unless another job
        still waits to read them."""
        with self.lock:
            waiting = {i for j in self.jobs.values() if j.status == "running"
                       for i in (j.source_id, j.spend_id, *j.tables.values())}
            gone = [self.sources.pop(i) for i in {job.source_id, job.spend_id,
                                                    *job.tables.values()}
                    if i and i not in waiting and i in self.sources]
        for src in gone:
            if src.path is not None:
                src.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop every job, and delete every file this state wrote (uploads, analyses put
        aside), and the work folder when nothing else is in it. Pages of analyses still in
        memory keep working; the others are gone."""
        with self.lock:
            if self._closed:
                return
            self._closed = True
            for job in self.jobs.values():
                if job.status == "running":
                    job.cancelled = True
            processes = list(self._processes.values())
            runners = len(self._runners)
        for process in processes:
            with contextlib.suppress(ValueError):  # already closed by its runner
                process.kill()
        for _ in range(runners):
            self._queue.put(None)
        self._export_pool.shutdown(wait=False, cancel_futures=True)
        for job in self.jobs.values():
            if job.status == "running" and job.cancelled and job.id not in self._processes:
                job.status, job.step, job.error = "cancelled", "cancelled", CANCELLED
        files = [s.path for s in self.sources.values() if s.path is not None]
        files += [e.file for e in self.entries.values() if e.file is not None]
        for path in files:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # only when empty: it may be the user's folder
            self.workdir.rmdir()


def _work(out: Any, task: Task) -> None:
    """In a job's process: read the data, analyse, draw the charts; every step, then the
    result (or the failure, or the traceback of a bug) sent through ``out``. A failure is
    sent as ``("failed", sentence, table, field, error)``: the English sentence, the table
    and the field of the form to choose again (or None), and the error itself (None when it
    cannot cross to the server's process), said in the page's language there."""
    source = task.source

    def progress(step: str, share: float) -> None:
        out.send(("progress", step, 0.05 + 0.9 * share))

    def failed(text: str, exc: ClvError, src: Source, kind: str | None = None,
               fld: str | None = None) -> None:
        out.send(("failed", text, kind if fld else None, fld, _portable(exc, src)))

    try:
        try:
            out.send(("progress", "reading the data", 0.0))
            data = source.location if source.url is None else read_raw(  # a database:
                source.url, table=source.table, query=source.query,  # read-only, then read
                read_only=True).frame.drop(ROW)  # as the frame it gave
            tx = read_transactions(data, columns={f: c for f, c in task.mapping.items() if c},
                                   detect=False, currency=task.settings.currency,
                                   **reading_options(task.reading))
        except MappingError as exc:
            failed(form_message(exc, source), exc, source, "transactions", exc.field)
            return
        except ClvError as exc:
            failed(source.explain(exc), exc, source, "transactions",
                   field_of(exc, task.mapping))
            return
        tables = dict(task.tables)
        if task.spend is not None:
            tables["spend"] = task.spend
        read: dict[str, pl.DataFrame] = {}
        reports: dict[str, TableReport] = {}
        for kind, table in tables.items():
            try:
                got = read_table_report(kind, table.location,
                                        task.table_columns.get(kind, {}),
                                        task.table_reading.get(kind))
                # named as the user knows it, not as the upload's file on the server
                read[kind], reports[kind] = got.frame, replace(got.report, source=table.name)
            except MappingError as exc:
                failed(table.explain(exc), exc, table, kind, exc.field)
                return
            except ClvError as exc:
                failed(table.explain(exc), exc, table, kind,
                       field_of(exc, task.table_columns.get(kind, {})))
                return
        more = {"table_reports": reports} if reports else {}
        try:
            analysis = task.analyze(tx, spend=read.get("spend"),
                                    subscriptions=read.get("subscriptions"),
                                    customers=read.get("customers"), settings=task.settings,
                                    progress=progress, **more)
        except ClvError as exc:
            failed(source.explain(exc), exc, source)
            return
        out.send(("progress", "charts", 0.95))
        drawn = render_charts(analysis)
        analysis.customers  # noqa: B018 - the pages' table, made here and sent with the rest
        out.send(("done", analysis, drawn))
    except Exception:  # noqa: BLE001 - the server logs it with a reference
        out.send(("bug", traceback.format_exc()))
    finally:
        out.close()


def _portable(exc: ClvError, src: Source) -> ClvError | None:
    """``exc`` as the job's process sends it to the server's: a reader's error naming the
    file as the user uploaded it (not the server's copy, nor the frame read from a
    database), its words kept; None when it cannot be pickled (a value of its message that
    does not cross processes: the server shows its English sentence)."""
    if isinstance(exc, DataError) and exc.source and (
            exc.source == str(src.path) or exc.source == "polars frame"):
        exc = exc.named(src.name)
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - any value may fail to pickle; the sentence is sent
        return None
    return exc


FORM_WORDS = ("date_format", "decimal", "refunds", "duplicates", "preset", "quantity", "price",
              "amount", "customer", "currency", "separator", "encoding")
"""The reading parameters the form offers, said in its words (``imp_form_<name>`` of
:mod:`clv.messages.imports`)."""
_FORM_PARAMETER = re.compile(r"\b(" + "|".join(FORM_WORDS) + r")=(\.\.\.)?")


def form_words(text: str, lang: str = "en") -> str:
    """The library's words for the form, in ``lang``: a reading parameter named as Python
    writes it (``date_format='dmy'``) becomes what the form calls it ('date format 'dmy'',
    chosen above), as the CLI says ``--date-format``."""
    said = _FORM_PARAMETER.sub(lambda m: i18n.t(f"imp_form_{m.group(1)}", lang)
                               + ("" if m.group(2) else " "), text)
    return said if said == text else f"{said} {i18n.t('imp_form_choose_above', lang)}"


def form_message(exc: MappingError, source: Source) -> str:
    """A mapping error in the form's words: the library's sentence, then which field to
    choose above (the CLI says --amount COLUMN instead)."""
    text = source.explain(exc)
    if exc.field in LABELS:
        text += f"; choose the {LABELS[exc.field]} column above"
    return text


def reading_options(reading: dict[str, str] | None) -> dict[str, Any]:
    """The form's reading options as read_transactions parameters (checked: a value the form
    does not offer is refused; an earliest date is YYYY-MM-DD, a largest amount a number
    > 0)."""
    out: dict[str, Any] = {}
    for name, value in (reading or {}).items():
        if name in FREE_READING:
            if value.strip():
                out[name] = _free_option(name, value.strip())
            continue
        if name not in READING:
            raise ClvError(f"unknown reading option {name!r} (known: "
                           f"{', '.join((*READING, *FREE_READING))})")
        if value not in READING[name]:
            raise ClvError(f"{name} cannot be {value!r} (choose one of "
                           f"{', '.join(v or 'detected' for v in READING[name])})")
        if value:
            out[name] = value
    return out


def _free_option(name: str, value: str) -> Any:
    """An earliest date (a date) or a largest amount (a number > 0) as typed in the form."""
    import datetime as dt

    if name == "earliest":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ClvError(f"earliest cannot be {value!r}: give a date such as 2015-01-01"
                           ) from None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = float("nan")
    if not number > 0 or number == float("inf"):
        raise ClvError(f"max_amount cannot be {value!r}: give a number above 0")
    return number


def table_options(reading: dict[str, str] | None) -> dict[str, Any]:
    """The reading options of a spend, customers or subscriptions table (date format and
    decimal separator), checked as :func:`reading_options` does."""
    out: dict[str, Any] = {}
    for name, value in (reading or {}).items():
        if name not in TABLE_READING or value not in TABLE_READING[name]:
            raise ClvError(f"{name} cannot be {value!r} for this table")
        if value:
            out[name] = value
    return out


def field_of(exc: ClvError, columns: dict[str, str | None]) -> str | None:
    """The field of the form to choose again after ``exc``: ``date_format`` for dates that
    read both day first and month first, else the field whose column the error names (a
    date column holding no dates), else None."""
    if isinstance(exc, AmbiguousDateError):
        return "date_format"
    column = getattr(exc, "column", None)
    return next((f for f, c in columns.items() if c and c == column), None)


def missing_field(columns: dict[str, str | None], kind: str = "transactions") -> str | None:
    """The first field the table ``kind`` cannot do without that ``columns`` leave empty
    (the orders' amount may be a quantity and a unit price, or debit and credit), or None."""
    if kind != "transactions":
        return next((f for f in TABLE_REQUIRED[kind] if not columns.get(f)), None)
    amount = bool(columns.get("amount") or (columns.get("quantity") and columns.get("price"))
                  or columns.get("debit") or columns.get("credit"))
    return next((f for f in REQUIRED if not columns.get(f) and not (f == "amount" and amount)),
                None)


def read_table(kind: str, location: Any, columns: dict[str, str | None],
               reading: dict[str, str] | None = None) -> pl.DataFrame:
    """The spend, customers or subscriptions table at ``location`` (a file or a frame), read
    with the ``columns`` chosen (a field left empty is not used) and the reading options."""
    return read_table_report(kind, location, columns, reading).frame


def read_table_report(kind: str, location: Any, columns: dict[str, str | None],
                      reading: dict[str, str] | None = None) -> TableRead:
    """:func:`read_table`, with the report of the reading (rows read, kept, left out and
    why, notes: :class:`clv.data.table_reports.TableReport`)."""
    options = table_options(reading)
    chosen = {f: c for f, c in columns.items() if f in TABLE_FIELDS[kind]}
    given: dict[str, str | None] = {f: chosen.get(f) for f in TABLE_FIELDS[kind]}
    if kind == "spend":
        return read_spend_report(location, columns=given, **options)
    if kind == "subscriptions":
        return read_subscriptions_report(location, columns=given, **options)
    if kind == "customers":
        return read_customers_report(location, columns=given,
                                     date_format=options.get("date_format"))
    raise ClvError(f"unknown table {kind!r} (known: {', '.join(TABLES)})")


def head_gap(source: Source, columns: dict[str, str | None],
             reading: dict[str, str] | None) -> DateGap | None:
    """The :class:`DateGap` of the date format chosen for ``source`` (its first rows, with
    the ``columns`` and ``reading`` of the form), for the tables whose unread dates do not
    stop the reading (:data:`DATE_FIELDS`); None when there is none to say."""
    column = columns.get(DATE_FIELDS.get(source.kind, ""))
    head = source.head
    if head is None or not column or column not in head.columns:
        return None
    return date_gap(head[column], (reading or {}).get("date_format"))
