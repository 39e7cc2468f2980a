"""What the dashboard holds while it runs: uploaded sources, running analyses, finished ones.

Analyses run one at a time on a worker thread; a page polls the job for its progress. Each
finished analysis is saved to the history store (its id there is its id here) and kept in
memory with its charts, rendered once, so pages only read it.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from clv.data import read_transactions
from clv.data.mapping import REQUIRED, Mapping, resolve_mapping
from clv.data.readers import ROW, read_raw
from clv.data.tables import read_spend
from clv.errors import ClvError, MappingError
from clv.pipeline import Analysis, Settings, analyze
from clv.report import charts
from clv.store import Store

SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx", ".xls", ".json", ".jsonl", ".ndjson")
MAPPED = ("customer_id", "timestamp", "amount", "quantity", "price", "order_id", "product",
          "channel", "status", "currency", "time", "refunded", "debit", "credit", "journal")
"""The fields the mapping page offers (the required ones first)."""
LABELS = {"customer_id": "customer id", "timestamp": "date", "amount": "amount",
          "quantity": "quantity", "price": "unit price", "order_id": "order id",
          "product": "product", "channel": "channel", "status": "order status",
          "currency": "currency", "time": "time of day", "refunded": "amount refunded",
          "debit": "debit", "credit": "credit", "journal": "journal"}
"""How the form names each field (and how an error tells which to choose)."""
READING = {"date_format": ("", "dmy", "mdy", "iso", "ymd"), "decimal": ("", ",", "."),
           "refunds": ("net", "drop"), "duplicates": ("auto", "drop", "keep")}
"""The reading options the form offers (the first is the default; '' = detected)."""
PREVIEW_ROWS = 200
NAMES = {"historical": "historical", "predicted": "predicted", "ltv": "LTV"}
LOG = logging.getLogger("clv.web")


@dataclass
class Source:
    """An uploaded file or a database table: what the mapping page shows."""

    id: str
    name: str  # as the user gave it: display only, always escaped
    kind: str  # "transactions" | "spend"
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
    read_columns: list[str] = field(default_factory=list)  # the first rows as read
    read_rows: list[list[str]] = field(default_factory=list)
    read_notes: list[str] = field(default_factory=list)
    head: pl.DataFrame | None = None

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


@dataclass
class Job:
    """One analysis being run."""

    id: str
    source: str
    step: str = "queued"
    share: float = 0.0
    status: str = "running"  # running | done | failed
    error: str | None = None
    analysis_id: int | None = None


@dataclass
class Entry:
    """A finished analysis and what its pages show that takes time to make (charts)."""

    id: int
    analysis: Analysis
    source: str
    charts: dict[str, str | None]
    reports: dict[str, str] = field(default_factory=dict)


def render_charts(a: Analysis) -> dict[str, str | None]:
    """The report's charts, as inline SVG, once per analysis."""
    return {"distribution": charts.distribution(a, "CLV"), "lorenz": charts.lorenz(a, NAMES),
            "heatmap": charts.retention_heatmap(a), "curves": charts.cumulative_curves(a, NAMES),
            "channels": charts.channels(a, NAMES), "tracking": charts.tracking(a, "actual")}


class State:
    """Sources, jobs and analyses of one running dashboard."""

    def __init__(self, store: Store, workdir: Path) -> None:
        self.store = store
        self.workdir = workdir
        self.sources: dict[str, Source] = {}
        self.jobs: dict[str, Job] = {}
        self.entries: dict[int, Entry] = {}
        self.lock = threading.Lock()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clv-analysis")
        self._history_chart: tuple[tuple[int, int], str | None] | None = None

    def history_chart(self, history: pl.DataFrame) -> str | None:
        """The history's chart, drawn again only when an analysis was saved since."""
        key = (history.height, int(history["id"].max() or 0) if history.height else 0)
        if self._history_chart is None or self._history_chart[0] != key:
            self._history_chart = (key, charts.history(history))
        return self._history_chart[1]

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
        """Read the source's columns, first rows and detected mapping (transactions), or
        validate it (spend); raises ClvError naming the problem."""
        try:
            if source.kind == "spend":
                read_spend(source.location)
            else:
                raw = read_raw(source.location, table=source.table, query=source.query)
        except ClvError as exc:
            raise ClvError(source.explain(exc)) from exc
        if source.kind != "spend":
            data = raw.frame.drop(ROW)
            source.columns = list(data.columns)
            source.preview = [["" if v is None else str(v) for v in row]
                              for row in data.head(8).iter_rows()]
            found = resolve_mapping(data, source=source.name, headerless=raw.headerless,
                                    complete=False)
            source.detected, source.origin = dict(found.columns), dict(found.origin)
            source.preset = found.preset
            source.head = data.head(PREVIEW_ROWS)
            self.preview(source, found)
        with self.lock:
            self.sources[source.id] = source
        return source

    @staticmethod
    def preview(source: Source, mapping: Mapping | dict[str, str | None],
                reading: dict[str, str] | None = None) -> None:
        """Read the source's first rows with ``mapping``: the rows as read (dates, amounts),
        the notes, or the problem, in words for the form ('choose the amount column above')."""
        columns = mapping.columns if isinstance(mapping, Mapping) else mapping
        source.problem, source.read_columns, source.read_rows = None, [], []
        if source.head is None:
            return
        try:
            tx = read_transactions(source.head, columns=dict(columns), detect=False,
                                   **_reading(reading))
        except MappingError as exc:
            source.problem = form_message(exc, source)
            return
        except ClvError as exc:
            source.problem = source.explain(exc)
            return
        shown = tx.frame.head(8)
        source.read_columns = list(shown.columns)
        source.read_rows = [["" if v is None else (f"{v:,.2f}" if isinstance(v, float) else
                                                   str(v)) for v in row]
                            for row in shown.iter_rows()]
        source.read_notes = [form_words(str(n)) for n in tx.issues.notes
                             if getattr(n, "key", "") != "delimited"]

    def add_analysis(self, analysis: Analysis, source: str) -> Entry:
        """Save ``analysis`` to the history and keep it with its charts."""
        entry = Entry(self.store.save(analysis, source), analysis, source,
                      render_charts(analysis))
        with self.lock:
            self.entries[entry.id] = entry
        return entry

    def start(self, source: Source, mapping: dict[str, str | None], spend: Source | None,
              settings: Settings, reading: dict[str, str] | None = None) -> Job:
        """Queue the analysis of ``source`` read with ``mapping``; returns its job."""
        amount = bool(mapping.get("amount") or (mapping.get("quantity") and mapping.get("price"))
                      or mapping.get("debit") or mapping.get("credit"))
        missing = [f for f in REQUIRED if not mapping.get(f) and not (f == "amount" and amount)]
        if missing:
            raise ClvError(f"choose the {LABELS[missing[0]]} column above"
                           + (" (or a quantity and a unit price)" if missing[0] == "amount"
                              else ""))
        _reading(reading)
        job = Job(self.new_id(), source.name)
        with self.lock:
            self.jobs[job.id] = job
        self.worker.submit(self._run, job, source, mapping, spend, settings, reading)
        return job

    def _run(self, job: Job, source: Source, mapping: dict[str, str | None],
             spend: Source | None, settings: Settings,
             reading: dict[str, str] | None = None) -> None:
        def progress(step: str, share: float) -> None:
            job.step, job.share = step, 0.05 + 0.9 * share

        try:
            job.step = "reading the data"
            tx = read_transactions(
                source.location, table=source.table, query=source.query,
                columns={f: c for f, c in mapping.items() if c}, detect=False,
                **_reading(reading))
            spend_table: pl.DataFrame | None = read_spend(spend.location) if spend else None
            analysis = analyze(tx, spend=spend_table, settings=settings, progress=progress)
            job.step = "charts"
            entry = self.add_analysis(analysis, source.name)
        except MappingError as exc:
            job.status, job.error = "failed", form_message(exc, source)
            return
        except ClvError as exc:
            job.status, job.error = "failed", source.explain(exc)
            return
        except Exception as exc:  # noqa: BLE001 - logged, and shown to the user
            LOG.exception("analysis of %s failed", source.name)
            job.status, job.error = "failed", f"{type(exc).__name__}: {source.explain(exc)}"
            return
        job.analysis_id, job.share, job.step, job.status = entry.id, 1.0, "done", "done"


FORM_WORDS = {"date_format": "date format", "decimal": "decimal separator",
              "refunds": "refunds", "duplicates": "repeated lines", "preset": "columns",
              "quantity": "quantity column", "price": "unit price column",
              "amount": "amount column", "customer": "customer id column",
              "currency": "currency column", "separator": "separator", "encoding": "encoding"}
_FORM_PARAMETER = re.compile(r"\b(" + "|".join(FORM_WORDS) + r")=(\.\.\.)?")


def form_words(text: str) -> str:
    """The library's words for the form: a reading parameter named as Python writes it
    (``date_format='dmy'``) becomes what the form calls it ('date format 'dmy'', chosen
    above), as the CLI says ``--date-format``."""
    said = _FORM_PARAMETER.sub(lambda m: FORM_WORDS[m.group(1)]
                               + ("" if m.group(2) else " "), text)
    return said if said == text else said + " (choose it above)"


def form_message(exc: MappingError, source: Source) -> str:
    """A mapping error in the form's words: the library's sentence, then which field to
    choose above (the CLI says --amount COLUMN instead)."""
    text = source.explain(exc)
    if exc.field in LABELS:
        text += f"; choose the {LABELS[exc.field]} column above"
    return text


def _reading(reading: dict[str, str] | None) -> dict[str, Any]:
    """The form's reading options as read_transactions parameters (checked: a value the form
    does not offer is refused)."""
    out: dict[str, Any] = {}
    for name, value in (reading or {}).items():
        if name not in READING:
            raise ClvError(f"unknown reading option {name!r} (known: {', '.join(READING)})")
        if value not in READING[name]:
            raise ClvError(f"{name} cannot be {value!r} (choose one of "
                           f"{', '.join(v or 'detected' for v in READING[name])})")
        if value:
            out[name] = value
    return out
