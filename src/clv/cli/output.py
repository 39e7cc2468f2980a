"""What the commands print and write: Rich tables on the terminal, JSON with ``--json``, tables
to .csv/.parquet/.xlsx with ``-o``, and the library's notes in the command line's words.

The words are English or French (:func:`set_lang`: ``--lang``, else ``CLV_LANG``, else the
locale's), read from the command line's part of the message catalogue (:func:`w`:
``clv.messages.cli`` and the columns of ``clv.messages.exports``, without the rest of the
catalogue); numbers, shares, dates and amounts are written for the language (French: ``1 234,50``,
``12,5 %``, ``31 décembre 2025``, ``1 234,50 €``). The library's notes, exclusion reasons,
segments, tiers and verdicts take their French from :mod:`clv.report.text`, imported only
for French. ``--json`` is the same in every language: keys and raw numbers.

Rich and Polars are imported when something is printed or written, not when the command line
starts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
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
    from clv.data.mapping import Mapping

PARTS = ("cli", "exports")
"""The modules of :mod:`clv.messages` the command line reads its words from."""
_LANG: dict[str, str] = {}


def set_lang(value: str | None) -> str:
    """The language of this run's words: ``value`` (``--lang``: ``en``, ``fr``, ``fr_FR``...)
    when given, else :func:`clv.i18n.from_environment` (``CLV_LANG``, else the locale's,
    else English). A value that is neither is a user error naming ``--lang`` (or
    ``CLV_LANG``)."""
    import os

    from clv.i18n import LANGS, from_environment, pick

    env = os.environ.get("CLV_LANG", "").strip()
    if value is not None:
        given, option, chosen = value, "--lang", pick(value)
    else:  # an empty CLV_LANG is no choice: the locale's
        given, option, chosen = env, "CLV_LANG", pick(env) if env else from_environment()
    if chosen is None:
        raise ClvError(w("cli_bad_lang", option=option, langs=", ".join(LANGS), value=given))
    _LANG["lang"] = chosen
    return chosen


def lang() -> str:
    """The language of this run's words (see :func:`set_lang`)."""
    if "lang" not in _LANG:
        from clv.i18n import from_environment

        _LANG["lang"] = from_environment()
    return _LANG["lang"]


def known(key: str) -> bool:
    """Whether the command line's part of the catalogue has the message ``key``."""
    from clv.i18n import part

    return any(key in part(name) for name in PARTS)


def w(key: str, /, lang_: str | None = None, **values: Any) -> str:
    """The message ``key`` of the command line's words in this run's language (or
    ``lang_``), its fields filled from ``values`` (``n`` chooses the singular form)."""
    from clv.i18n import t_from

    return t_from(PARTS, key, lang_ or lang(), **values)


def number(value: float, digits: int = 2, lang_: str | None = None) -> str:
    """``1,234.50`` in English, ``1 234,50`` in French (a narrow no-break space between the
    thousands, as Babel writes them)."""
    text = unsigned_zero(f"{value:,.{digits}f}")
    if (lang_ or lang()) == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def share(value: float, digits: int = 1, lang_: str | None = None) -> str:
    """A share as a percentage: ``12.5%`` in English, ``12,5 %`` in French."""
    if (lang_ or lang()) == "fr":
        return number(100 * value, digits, "fr") + "\u00a0%"
    return unsigned_zero(f"{value:.{digits}%}")


def unsigned_zero(text: str) -> str:
    """A number as written (an amount in its currency, a ratio) without its minus sign when
    every digit it shows is 0 (a small negative value rounded: '0.00', never '-0.00', '-0,00
    €' or '-$0.00')."""
    return text[1:] if text[:1] in ("-", "\u2212") and not re.search(r"[1-9]", text) \
        else text


def cash(value: float, currency: str | None, lang_: str | None = None,
         digits: int | None = None) -> str:
    """:func:`clv.measures.money` (an amount in its currency), never '-0.00'."""
    from clv.measures import money

    return unsigned_zero(money(value, currency, lang_ or lang(), digits))


def times(value: float) -> str:
    """:func:`clv.measures.ratio` (``3.2x``), never '-0.00x'."""
    from clv.measures import ratio

    return unsigned_zero(ratio(value, lang()))


def day(value: dt.date | str | None) -> str:
    """A date in a sentence, as the language writes it (``31 December 2025``, ``31 décembre
    2025``)."""
    from clv.i18n import day as written

    return written(value, lang())


def cell_day(value: dt.date) -> str:
    """A date in a table's cell: ISO in English (``2025-12-31``), ``31/12/2025`` in French."""
    if lang() == "fr":
        return value.strftime("%d/%m/%Y %H:%M" if isinstance(value, dt.datetime)
                              and value.time() != dt.time() else "%d/%m/%Y")
    return str(value)


def amount(value: float, currency: str | None = None) -> str:
    """An amount of money: in its currency when known (:func:`clv.measures.money`), else the
    number with two decimals."""
    if currency:
        return cash(value, currency)
    return number(value)


def words_of(column: str, value: Any) -> Any:
    """A value of the library's vocabulary in a table (a segment, a tier, a verdict) in this
    run's language: French from :mod:`clv.report.text`, English as the library writes it;
    a what-if lever's name in words."""
    if not isinstance(value, str):
        return value
    if column == "lever" and value in LEVERS:
        return w(LEVERS[value])
    if lang() != "fr":
        return value
    from clv.report import text

    if column == "segment":
        return text.segment_name(value, "fr")
    if column == "tier":
        return text.tier(value, "fr")
    if column == "verdict":
        return text.verdict(value, "fr")
    return value


LEVERS = {"retention": "cli_lever_retention", "frequency": "cli_lever_frequency",
          "basket": "cli_lever_basket", "margin": "cli_lever_margin",
          "discount_rate": "cli_lever_discount_rate", "cac": "cli_lever_cac"}
"""The messages of the what-if levers' names."""


@functools.cache
def out() -> Console:
    """The console of the results. Piped output gets a fixed width instead of Rich's 80
    columns, so tables are not truncated, unless the COLUMNS variable sets one."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120)


@functools.cache
def err() -> Console:
    """The console of errors and warnings (stderr)."""
    from rich.console import Console

    return Console(stderr=True, width=None if sys.stderr.isatty() or os.environ.get("COLUMNS")
                   else 120)


def say(kind: str, style: str, text: str) -> None:
    """``kind: text`` on one line of stderr (``kind`` a message: ``cli_error`` gives ``error:``
    or ``erreur :``), the text as written: no Rich markup."""
    from rich.text import Text

    err().print(Text.assemble((w(kind), style), " ", text), highlight=False, soft_wrap=True)


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


def note_words(note: Any, lang_: str | None = None, currency: str | None = None) -> str:
    """A note (``clv.notes.Note``, a table's ``TableNote``, or text) in the command line's
    words and language (French from :func:`clv.report.text.note`, a table's note from the
    catalogue's ``tbl_note_<key>`` as the report says it; a note without a kind as
    written), its amounts in ``currency`` when given."""
    from clv.data.table_reports import TableNote

    spoken = lang_ or lang()
    if isinstance(note, TableNote) and spoken != "en":
        from clv.i18n import t
        from clv.report.text import table_value

        return cli_words(t(f"tbl_note_{note.key}", spoken,
                           **{k: table_value(v, spoken) for k, v in note.values.items()}))
    if spoken == "en" and currency and _singular(note):
        note = _english_one(note, currency)
    elif spoken == "fr" or currency:
        from clv.report.text import note as said

        note = said(note, spoken, currency)
    return _NEGATIVE_ZERO.sub(r"\1", cli_words(str(note)))


_NEGATIVE_ZERO = re.compile(r"(?<![\w.,])[-\u2212]([$€£¥]?0(?:[.,]0+)?)(?!\d|[.,]\d)")
"""A figure of a note that rounds to zero written with its minus sign ('total -0', '-0,00
€'): the sign goes."""


def _singular(note: Any) -> bool:
    """Whether ``note`` is a ``clv.notes.Note`` said in its English singular form."""
    from clv.notes import TEMPLATES, Note, template

    return isinstance(note, Note) and note.key in TEMPLATES \
        and template(note.key, note.values) is not TEMPLATES[note.key]


def _english_one(note: Any, currency: str) -> str:
    """A singular English note with its amounts in ``currency``, written as
    :func:`clv.report.text.note` writes the plural ones (totals in whole units)."""
    from clv.notes import template
    from clv.report.text import MONEY_VALUES, TOTAL_VALUES

    text = re.sub(r"\{(" + "|".join(MONEY_VALUES) + r"):[^}]*\}", r"{\1}",
                  template(note.key, note.values))
    values = {k: cash(float(v), currency, "en", 0 if k in TOTAL_VALUES else None)
              if k in MONEY_VALUES and isinstance(v, int | float) and not isinstance(v, bool)
              else v for k, v in note.values.items()}
    return text.format(**values)


def notes_text(notes: list[Any]) -> list[str]:
    """Notes (``clv.notes.Note`` or text) in the command line's words, in English: the
    ``--json`` texts, the same in every language."""
    return [note_words(n, "en") for n in notes]


def issues_payload(issues: Any) -> dict[str, Any]:
    """How a file was read (``DataIssues.to_dict``) for ``--json``, its notes in the command
    line's words (an option named as typed: ``--preset``, not ``preset=...``)."""
    payload = issues.to_dict()
    payload["notes"] = notes_text(list(issues.notes))
    return payload


def notes_said(notes: list[Any]) -> str | None:
    """Notes in this run's language, joined on one line (None when there is none)."""
    return w("cli_semicolon").join(note_words(n) for n in notes) if notes else None


def print_notes(notes: list[Any]) -> None:
    for n in notes:
        out().print(f"[yellow]{escape(w('cli_note'))}[/] {escape(note_words(n))}")


def mapping_words(mapping: Mapping) -> str:
    """How the columns were mapped (:meth:`clv.data.mapping.Mapping.describe`), in this run's
    language."""
    if lang() != "fr":
        return mapping.describe()
    parts = [f"{field_words(f)} <- '{c}' ({origin_words(mapping.origin.get(f, ''))})"
             for f, c in mapping.columns.items()]
    if mapping.line_items:
        parts.insert(2, w("cli_map_line_items", quantity=mapping.columns["quantity"],
                          price=mapping.columns["price"]))
    elif mapping.ledger:
        sides = w("cli_and").join(f"'{mapping.columns[f]}'" for f in ("debit", "credit")
                                  if f in mapping.columns)
        parts.insert(2, w("cli_map_ledger", sides=sides))
    return ", ".join(parts)


def field_words(field: str) -> str:
    """A field of the transactions (``customer_id``, ``timestamp``...) in this run's words
    (the import's names of the fields, inside a sentence: 'identifiant client'), else as
    named."""
    from clv.i18n import part, t_from

    key = f"imp_f_{field}"
    if key not in part("imports"):
        return field
    said = t_from(("imports",), key, lang())
    return said[:1].lower() + said[1:]  # inside a sentence: 'identifiant client'


_ORIGINS = {"explicit": "cli_origin_explicit", "common name": "cli_origin_common",
            "content: dates": "cli_origin_dates",
            "content: decimal numbers": "cli_origin_decimals",
            "content: first remaining column": "cli_origin_first"}


def origin_words(origin: str) -> str:
    """Where a column's mapping came from (``explicit``, ``common name``, ``preset shopify
    (detected from the headers)``...), in this run's language."""
    if origin in _ORIGINS:
        return w(_ORIGINS[origin])
    preset = re.fullmatch(r"preset (\S+)( \(detected from the headers\))?", origin)
    if preset:
        return w("cli_origin_preset_detected" if preset.group(2) else "cli_origin_preset",
                 preset=preset.group(1))
    return origin


def print_issues(tx: Transactions | DataIssues) -> None:
    """The data report of a read (``Transactions``), or of a table summarised by its database
    (its ``DataIssues``: the examples are rows' values, a table having no line numbers)."""
    from rich.table import Table

    from clv.data import issues as why
    from clv.data.issues import DataIssues
    from clv.measures import by_currency

    iss = tx if isinstance(tx, DataIssues) else tx.issues
    currency = None if isinstance(tx, DataIssues) else tx.currency
    # File names, column names and notes are the user's text: escaped, never read as markup.
    counts = w("cli_counts", read=w("cli_rows_read", n=iss.rows_read, count=number(
        iss.rows_read, 0)), kept=w("cli_rows_kept", n=iss.rows_kept, count=number(
        iss.rows_kept, 0)), excluded=w("cli_rows_excluded", n=iss.rows_excluded,
                                       count=number(iss.rows_excluded, 0)))
    out().print(f"[bold]{escape(str(iss.source))}[/]{escape(w('cli_colon'))}{escape(counts)}")
    columns = ", ".join(f"{field_words(k) if lang() == 'fr' else k} <- '{v}'"
                        for k, v in iss.mapping.items()) \
        if isinstance(tx, DataIssues) else mapping_words(tx.mapping)
    out().print(w("cli_columns", columns=columns), markup=False)
    if iss.exclusions:
        t = Table(title=escape(w("cli_excluded_rows")), title_justify="left")
        for key, right in (("cli_reason", False), ("cli_rows", True), ("cli_amount", True),
                           ("cli_first_rows", False)):
            t.add_column(escape(w(key)), justify="right" if right else "left")
        for e in iss.exclusions:
            rows = ", ".join(str(x["row"]) if "row" in x else
                             "(" + ", ".join(str(v) for v in x.values()) + ")"
                             for x in e.examples)
            # the rows in other currencies: their amounts per currency (none when the engine
            # does not say them), never their numbers summed as one amount
            said = by_currency(e.amounts, lang()) if e.money is None \
                else amount(e.money, currency)
            t.add_row(escape(reason_words(str(e.reason))), number(e.count, 0),
                      escape(said or "-"), escape(rows))
        out().print(t)
    other = iss.amount_other_currencies
    if iss.excluded(why.OTHER_CURRENCY):  # the amounts in the kept currency only
        out().print(w("cli_amounts_in", currency=currency or "?",
                      read=amount(iss.amount_read - other, currency),
                      kept=amount(iss.amount_kept, currency),
                      excluded=amount(iss.amount_excluded - other, currency)), markup=False)
    else:
        out().print(w("cli_amounts", read=amount(iss.amount_read, currency),
                      kept=amount(iss.amount_kept, currency),
                      excluded=amount(iss.amount_excluded, currency)), markup=False)
    for n in iss.notes:
        out().print(f"[dim]{escape(w('cli_note'))} {escape(note_words(n, None, currency))}[/]")


def reason_words(reason: str) -> str:
    """An exclusion reason in this run's language (:func:`clv.report.text.reason`)."""
    if lang() != "fr":
        return reason
    from clv.report.text import reason as french

    return french(reason, "fr")


def is_share(column: str) -> bool:
    """Columns holding a rate or a share, printed as percentages."""
    return (column.startswith(("share", "p_", "mean_p_")) or column in ("grr", "nrr", "lift_pct")
            or column.endswith(("_rate", "retention", "_churn", "conversion", "_pct",
                                "_share")))


def fmt(column: str, value: Any, percent: bool = False) -> str:
    """A value in a table's cell, for this run's language: a share as a percentage (to the
    unit with ``percent``: a wide table of rates, such as the cohorts' retention), other
    numbers with their thousands, a date as :func:`cell_day` writes it, the library's words
    (segments, tiers, verdicts) in the language; missing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        if percent or is_share(column):
            return share(value, 0 if percent else 1)
        return number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value, 0)
    if isinstance(value, dt.date):
        return cell_day(value)
    return str(words_of(column, value))


def figure(key: str, value: Any, currency: str | None) -> str:
    """A value for the terminal: a figure of the vocabulary (``clv.measures``) as its kind
    says (an amount in its currency, a share, a ratio), anything else as :func:`fmt` does."""
    from clv.measures import MEASURES

    m = MEASURES.get(_bound(key)[0])
    if m is None or not isinstance(value, int | float) or isinstance(value, bool) \
            or not math.isfinite(value):
        return fmt(key, value)
    if m.kind == "money":
        return cash(value, currency)
    if m.kind == "share":
        return share(value)
    if m.kind == "ratio":
        return times(value)
    return fmt(key, value)


def heading(key: str, settings: Any = None) -> str:
    """A column's or a figure's name in this run's language: with ``settings``, a figure of
    the vocabulary (``clv.measures``, its horizon from them); else the command line's name of
    the column (``col_<key>``), else a figure of the vocabulary that has no horizon; else
    the key in words."""
    from clv.measures import MEASURES, label

    base, bound = _bound(key)
    level = re.fullmatch(r"(lower|upper)_(\d+)%", key)
    if level:  # a model's interval: lower_95%
        return w(f"cli_{level.group(1)}_level", level=share(int(level.group(2)) / 100, 0))
    vocabulary = base in MEASURES and (settings is not None or not known(f"col_{key}")
                                       and "{horizon}" not in MEASURES[base].label["en"])
    if vocabulary:
        return label(base, lang(), settings) + (w(f"cli_{bound}_end") if bound else "")
    if known(f"col_{key}"):
        return w(f"col_{key}")
    return key.replace("_", " ")


def _bound(key: str) -> tuple[str, str]:
    """``(figure, 'lower' or 'upper')`` of an interval's bound (``clv_lower``), else
    ``(key, '')``."""
    base, _, bound = key.rpartition("_")
    return (base, bound) if bound in ("lower", "upper") else (key, "")


def table(frame: pl.DataFrame, title: str, limit: int = 30, percent: bool = False,
          settings: Any = None, currency: str | None = None,
          names: dict[str, str] | None = None, money: tuple[str, ...] = ()) -> None:
    """Print ``frame`` (its first ``limit`` rows), its columns named by :func:`heading`
    (or ``names``); with ``settings``, the columns that are figures of the vocabulary get its
    labels and their amounts the ``currency``, as do the columns ``money``.

    A text is never cut short ('...'): a customer id is copied from here into a CRM. When the
    table is wider than the terminal, it is printed in parts, each with the first column (the
    ids, the rows' names) in full and as many of the others as fit (the title of the next
    parts says they continue it); text elsewhere folds onto more lines."""
    from rich.table import Table
    from rich.text import Text

    rows = [[amount(v, currency) if k in money and isinstance(v, int | float)
             and math.isfinite(v) else figure(k, v, currency)
             if settings is not None else fmt(k, v, percent) for k, v in row.items()]
            for row in frame.head(limit).iter_rows(named=True)]
    heads = [(names or {}).get(col) or heading(col, settings) for col in frame.columns]
    numeric = [frame.schema[col].is_numeric() for col in frame.columns]

    room = out().width - 1

    def width(i: int) -> int:  # a column's least: its widest cell (the ids' and the
        # numbers' are kept on one line) or its heading's longest word
        words = [len(word) for word in heads[i].split()] or [0]
        wide = max([len(r[i]) for r in rows] + words) + 3  # padding, border
        return min(wide, room - 16) if i == 0 else wide  # an id longer than that folds

    parts = [list(range(len(heads)))]
    if heads and sum(width(i) for i in parts[0]) + 1 > room:
        parts = [[0]]
        for i in range(1, len(heads)):
            if len(parts[-1]) > 1 and sum(width(j) for j in parts[-1]) + width(i) + 1 > room:
                parts.append([0])
            parts[-1].append(i)
    for n, part in enumerate(parts):
        # Titles, column names and values hold the user's text: escaped, never read as markup.
        t = Table(title=escape(title if n == 0 else w("cli_table_continued", title=title)),
                  title_justify="left")
        for i in part:
            t.add_column(escape(heads[i]), justify="right" if numeric[i] else "left",
                         width=width(i) - 3 if len(parts) > 1 else None)
        for r in rows:
            # Text, not markup: a value is never read as Rich markup; a number is kept on one
            # line rather than split at a space (French thousands, '12,5 %'), a text folds
            t.add_row(*(Text(r[i], no_wrap=numeric[i], overflow="ellipsis" if numeric[i]
                             else "fold") for i in part))
        out().print(t)
    if frame.height > limit:
        more = frame.height - limit
        out().print(f"[dim]{escape(w('cli_more_rows', n=more, count=number(more, 0)))}[/]")


def emit(tables: dict[str, pl.DataFrame], titles: dict[str, str], main: str,
         output: Path | None, as_json: bool, extra: dict[str, Any] | None = None,
         show: dict[str, list[str]] | None = None, percent: tuple[str, ...] = (),
         settings: Any = None, currency: str | None = None,
         said: dict[str, str | None] | None = None,
         names: dict[str, str] | None = None, money: tuple[str, ...] = (),
         shown: dict[str, pl.DataFrame] | None = None) -> None:
    """Write ``tables[main]`` to ``output``; print every table and ``extra`` as JSON, or the
    titled tables (``shown``'s frame in place of the table's when it has one; their ``show``
    columns, named by :func:`heading` or ``names``; with ``settings``, the vocabulary's labels
    and the ``currency``, which the ``money`` columns take too) as Rich tables, then the
    ``said`` lines (label: text, in this run's language), then where the main table was
    written."""
    if output is not None:
        write_frame(tables[main], output)
    if as_json:
        print_json({**(extra or {}), **{k: v.to_dicts() for k, v in tables.items()},
                    "output": str(output) if output else None})
        return
    for key, frame in tables.items():
        if key in titles:
            frame = (shown or {}).get(key, frame)
            cols = (show or {}).get(key)
            table(frame.select(cols) if cols else frame, titles[key], percent=key in percent,
                  settings=settings, currency=currency, names=names, money=money)
    print_extras(said or {})
    if output is not None:
        written(titles.get(main) or w(f"cli_main_{main}"), output)


def written(what: str, path: Path | str) -> None:
    """``<what> written to <path>``, in this run's language."""
    out().print(w("cli_written", what=what, path=str(path)), markup=False, highlight=False)


def print_extras(said: dict[str, str | None]) -> None:
    """Lines of words, one dim ``label: text`` line each (the text alone when the label is
    empty; a text that is None is left out)."""
    for label, text in said.items():
        if text is not None:
            line = f"{label}{w('cli_colon')}{text}" if label else text
            out().print(f"[dim]{escape(line)}[/]")


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
    """A fitted model: its estimates, standard errors and intervals, then its fit."""
    from rich.table import Table

    summary = model.summary()
    t = Table(title=escape(title), title_justify="left")
    for col in summary.columns:
        t.add_column(escape(heading(col)), justify="left" if col == "param" else "right")
    for row in summary.iter_rows():  # no standard error (a limit): '-', not nan
        t.add_row(row[0], *("-" if v is None or (isinstance(v, float) and math.isnan(v))
                            else escape(_limit(v)) if isinstance(v, str) else _general(v)
                            for v in row[1:]))
    out().print(t)
    out().print(w("cli_model_fit", loglik=number(model.loglik_), aic=number(model.aic_),
                  bic=number(model.bic_), customers=w(
                      "cli_customers", n=model.n_customers_, count=number(
                          model.n_customers_, 0)),
                  unit=unit_words(model.unit_ or "period")), markup=False, highlight=False)
    print_notes(list(getattr(model, "notes_", ())))


def model_line(model: Any) -> str:
    """A fitted model on one line: its parameters, log-likelihood, customers and unit."""
    params = w("cli_list_sep").join(f"{k} {_general(v)}" for k, v in model.params_.items())
    return w("cli_model_line", model=model.NAME, params=params, loglik=number(model.loglik_),
             customers=w("cli_customers", n=model.n_customers_,
                         count=number(model.n_customers_, 0)),
             unit=unit_words(model.unit_ or "period"))


_LIMITS = {"-> 0": None, "-> inf": None, "not identified": "cli_limit_unidentified",
           "upper end capped at inf": "cli_limit_capped"}


def _limit(label: str) -> str:
    """A parameter's limit (``summary``'s bound column) in this run's language."""
    key = _LIMITS.get(label)
    return w(key) if key else label


def _general(value: float) -> str:
    """A parameter's estimate to 4 significant digits (``0.8665``, ``1.2e+04``), with the
    language's decimal mark."""
    text = f"{value:.4g}"
    return text.replace(".", ",") if lang() == "fr" else text


UNITS = ("day", "week", "month", "quarter", "year", "period")


def unit_words(unit: str, plural: bool = False) -> str:
    """A time unit (``week``) in this run's language, singular or plural."""
    if unit not in UNITS:
        return unit
    return w(f"cli_unit_{unit}" + ("s" if plural else ""))
