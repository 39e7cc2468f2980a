"""What the commands print and write: Rich tables on the terminal, JSON with ``--json``, tables
to .csv/.parquet/.xlsx with ``-o``, and the library's notes in the command line's words.

Rich and Polars are imported when something is printed or written, not when the command line
starts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clv.errors import ClvError

if TYPE_CHECKING:
    import polars as pl
    from rich.console import Console

    from clv.data import Transactions
    from clv.data.issues import DataIssues


@functools.cache
def out() -> Console:
    """The console of the results. Piped output gets a fixed width instead of Rich's 80
    columns, so tables are not truncated."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 120)


@functools.cache
def err() -> Console:
    """The console of errors and warnings (stderr)."""
    from rich.console import Console

    return Console(stderr=True, width=None if sys.stderr.isatty() else 120)


def say(kind: str, style: str, text: str) -> None:
    """``kind: text`` on one line of stderr (``error: ...``, ``warning: ...``), the text as
    written: no Rich markup."""
    from rich.text import Text

    err().print(Text.assemble((f"{kind}:", style), " ", text), highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """``text`` (the user's: file, column and channel names...) shown as written, never read as
    Rich markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


_PARAMETER = re.compile(r"\b(date_format|decimal|preset|currency|refunds|duplicates|separator|"
                        r"encoding|quantity|price|amount|customer|strict)=(\.\.\.)?")


def cli_words(text: str) -> str:
    """The library's words for the command line: a reading parameter named as Python writes
    it (``date_format='dmy'``, ``preset=...``) becomes the option (``--date-format 'dmy'``,
    ``--preset``)."""
    return _PARAMETER.sub(lambda m: "--" + m.group(1).replace("_", "-")
                          + ("" if m.group(2) else " "), text)


def print_json(payload: Any) -> None:
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    sys.stdout.write(json.dumps(clean(payload), indent=2, default=str) + "\n")


def notes_text(notes: list[Any]) -> list[str]:
    """Notes (``clv.notes.Note`` or text) in the command line's words."""
    return [cli_words(str(n)) for n in notes]


def print_notes(notes: list[Any]) -> None:
    for n in notes_text(notes):
        out().print(f"[yellow]note:[/] {escape(n)}")


def print_issues(tx: Transactions | DataIssues) -> None:
    """The data report of a read (``Transactions``), or of a table summarised by its database
    (its ``DataIssues``: the examples are rows' values, a table having no line numbers)."""
    from rich.table import Table

    from clv.data.issues import DataIssues

    iss = tx if isinstance(tx, DataIssues) else tx.issues
    # File names, column names and notes are the user's text: escaped, never read as markup.
    out().print(f"[bold]{escape(str(iss.source))}[/]: {iss.rows_read:,} rows read, "
                f"{iss.rows_kept:,} kept, {iss.rows_excluded:,} excluded")
    columns = ", ".join(f"{k}={v}" for k, v in iss.mapping.items()) \
        if isinstance(tx, DataIssues) else tx.mapping.describe()
    out().print("Columns: " + columns, markup=False)
    if iss.exclusions:
        t = Table(title="Excluded rows", title_justify="left")
        for c in ("reason", "rows", "amount", "first rows"):
            t.add_column(c, justify="right" if c in ("rows", "amount") else "left")
        for e in iss.exclusions:
            rows = ", ".join(str(x["row"]) if "row" in x else
                             "(" + ", ".join(str(v) for v in x.values()) + ")"
                             for x in e.examples)
            t.add_row(escape(str(e.reason)), f"{e.count:,}", f"{e.amount:,.2f}", escape(rows))
        out().print(t)
    out().print(f"Amounts: read {iss.amount_read:,.2f} = kept {iss.amount_kept:,.2f} + "
                f"excluded {iss.amount_excluded:,.2f}")
    for n in iss.notes:
        out().print(f"[dim]note: {escape(cli_words(str(n)))}[/]")


def is_share(column: str) -> bool:
    """Columns holding a rate or a share, printed as percentages."""
    return (column.startswith(("share", "p_", "mean_p_")) or column in ("grr", "nrr", "lift_pct")
            or column.endswith(("_rate", "retention", "_churn", "conversion", "_pct")))


def fmt(column: str, value: Any, percent: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-" if math.isnan(value) else "inf"
        if percent or is_share(column):
            return f"{value:.1%}"
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figure(key: str, value: Any, currency: str | None) -> str:
    """A value for the terminal: a figure of the vocabulary (``clv.measures``) as its kind
    says (an amount in its currency, a share, a ratio), anything else as :func:`fmt` does."""
    from clv.measures import MEASURES, money, ratio

    m = MEASURES.get(_bound(key)[0])
    if m is None or not isinstance(value, int | float) or isinstance(value, bool) \
            or not math.isfinite(value):
        return fmt(key, value)
    if m.kind == "money":
        return money(value, currency)
    if m.kind == "share":
        return f"{value:.1%}"
    if m.kind == "ratio":
        return ratio(value)
    return fmt(key, value)


def heading(key: str, settings: Any) -> str:
    """The label of a figure of the vocabulary (its horizon from ``settings``), else the
    column's name."""
    from clv.measures import MEASURES, label

    base, bound = _bound(key)
    if base not in MEASURES:
        return key.replace("_", " ")
    return label(base, settings=settings) + (f", {bound} end" if bound else "")


def _bound(key: str) -> tuple[str, str]:
    """``(figure, 'lower' or 'upper')`` of an interval's bound (``clv_lower``), else
    ``(key, '')``."""
    base, _, bound = key.rpartition("_")
    return (base, bound) if bound in ("lower", "upper") else (key, "")


def table(frame: pl.DataFrame, title: str, limit: int = 30, percent: bool = False,
          settings: Any = None, currency: str | None = None) -> None:
    """Print ``frame`` (its first ``limit`` rows); with ``settings``, the columns that are
    figures of the vocabulary get its labels and their amounts the ``currency``."""
    from rich.table import Table

    # Titles, column names and values hold the user's text: escaped, never read as markup.
    t = Table(title=escape(title), title_justify="left")
    for col in frame.columns:
        numeric = frame.schema[col].is_numeric()
        name = heading(col, settings) if settings is not None else col.replace("_", " ")
        t.add_column(escape(name), justify="right" if numeric else "left")
    for row in frame.head(limit).iter_rows(named=True):
        t.add_row(*(escape(figure(k, v, currency) if settings is not None
                           else fmt(k, v, percent)) for k, v in row.items()))
    out().print(t)
    if frame.height > limit:
        out().print(f"[dim]... {frame.height - limit:,} more rows (-o or --json for all)[/]")


def emit(tables: dict[str, pl.DataFrame], titles: dict[str, str], main: str,
         output: Path | None, as_json: bool, extra: dict[str, Any] | None = None,
         show: dict[str, list[str]] | None = None, percent: tuple[str, ...] = (),
         settings: Any = None, currency: str | None = None) -> None:
    """Write ``tables[main]`` to ``output``; print every table as JSON, or the titled ones
    (their ``show`` columns; with ``settings``, the vocabulary's labels and the ``currency``)
    as Rich tables, then the ``extra`` texts."""
    if output is not None:
        write_frame(tables[main], output)
    if as_json:
        print_json({**(extra or {}), **{k: v.to_dicts() for k, v in tables.items()},
                    "output": str(output) if output else None})
        return
    for key, frame in tables.items():
        if key in titles:
            cols = (show or {}).get(key)
            table(frame.select(cols) if cols else frame, titles[key], percent=key in percent,
                  settings=settings, currency=currency)
    print_extras(extra or {})
    if output is not None:
        out().print(f"{titles.get(main, main)} written to {output}", markup=False)


def print_extras(extra: dict[str, Any]) -> None:
    """The texts of ``extra`` (its other values are for ``--json``), one dim line each."""
    for key, text in extra.items():
        if isinstance(text, str):
            out().print(f"[dim]{key}: {escape(text)}[/]")


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    from clv.export import spreadsheet_safe

    suffix = path.suffix.lower()
    if suffix == ".csv":
        spreadsheet_safe(frame).write_csv(path)  # no cell a spreadsheet would run
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        try:
            frame.write_excel(path)
        except ModuleNotFoundError as exc:
            raise ClvError(f"{path}: writing Excel needs xlsxwriter (pip install "
                           "'clv[excel]')") from exc
    else:
        raise ClvError(f"{path}: write to a .csv, .parquet or .xlsx file")


def model_payload(model: Any, label: str | None = None) -> dict[str, Any]:
    return {"model": model.NAME, "group": label, "params": model.params_,
            "stderr": model.stderr_, "loglik": model.loglik_, "aic": model.aic_,
            "bic": model.bic_, "n_customers": model.n_customers_, "unit": model.unit_,
            "boundary": dict(getattr(model, "boundary_", {})),
            "notes": notes_text(list(getattr(model, "notes_", ())))}


def print_model(model: Any, title: str) -> None:
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for col in model.summary().columns:
        t.add_column(col, justify="left" if col == "param" else "right")
    for row in model.summary().iter_rows():  # no standard error (a limit): '-', not nan
        t.add_row(row[0], *("-" if v is None or (isinstance(v, float) and math.isnan(v))
                            else v if isinstance(v, str) else f"{v:.4g}" for v in row[1:]))
    out().print(t)
    out().print(f"log-likelihood {model.loglik_:,.2f}, AIC {model.aic_:,.2f}, BIC "
                f"{model.bic_:,.2f}, {model.n_customers_:,} customers, unit "
                f"{model.unit_ or 'period'}")
    print_notes(list(getattr(model, "notes_", ())))
