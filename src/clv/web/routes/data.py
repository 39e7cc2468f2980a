"""Data in: the home page, uploads (the orders, and the marketing spend, customers and
subscriptions tables beside them), database sources, the mapping page (each table's columns
with where each was found, reading options, the first rows as clv reads them, settings) and
starting an analysis.

The pages speak the page's language (:data:`clv.web.deps.PageLang`); a choice the form cannot
run with (a required column left empty, a setting out of range) shows the form again with
the sentence naming what to choose, every choice kept. The JSON API answers JSON.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, cast, get_args, get_origin

import polars as pl
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from clv import i18n
from clv.data.amounts import parse_amounts
from clv.data.mapping import TABLE_REQUIRED
from clv.data.table_reports import TableExclusion, TableNote, TableReport
from clv.errors import ClvError, say
from clv.report.text import note, number, reason, table_value
from clv.web.deps import PageLang, StateDep, source_of
from clv.web.guard import check_source_url
from clv.web.schemas import SETTINGS, AnalysisIn, DatabaseIn, JobStarted, SettingsIn, SourceOut
from clv.web.state import (
    DATE_FIELDS,
    FREE_READING,
    MAPPED,
    PREVIEW_ROWS,
    READING,
    TABLE_FIELDS,
    TABLE_READING,
    TABLES,
    DateGap,
    Job,
    Source,
    State,
    form_words,
    head_gap,
    missing_field,
    reading_options,
)
from clv.web.views import note_words, page

router = APIRouter()
KINDS = ("transactions", *TABLES)
SETTINGS_FORM = {name: {"default": "" if f.default is None else f.default,
                        "choices": get_args(f.annotation) if get_origin(f.annotation) is Literal
                        else ()}
                 for name, f in SettingsIn.model_fields.items()}
"""The settings of the mapping form: defaults and choices of :class:`clv.valuation.Settings`."""
PERCENT = {"margin": (0.01, 100.0), "discount_rate": (0.0, 1000.0)}
"""Settings the form takes as percentages (margin 30 = 30%), with their bounds; the API takes
them as fractions."""
MONEY_COLUMNS = ("amount", "price", "refunded", "spend", "mrr", "debit", "credit")
"""Columns of the first rows as read shown as amounts of money."""
SETTING_WORDS = {"margin": "imp_margin", "discount_rate": "imp_discount",
                 "horizon": "imp_horizon", "horizon_unit": "imp_horizon", "unit": "imp_unit",
                 "model": "imp_model", "currency": "imp_currency",
                 "calibration_end": "imp_calibration", "earliest": "imp_earliest",
                 "max_amount": "imp_max_amount"}
"""The form's label of each setting (an error names it so)."""


class FormError(Exception):
    """A choice of the mapping form that cannot run: its sentence in the page's language,
    and the table and field to choose again (to mark them)."""

    def __init__(self, text: str, kind: str | None = None, field: str | None = None) -> None:
        super().__init__(text)
        self.kind, self.field = kind, field


@dataclass
class Choices:
    """What the mapping form holds: each table's columns and reading options, the settings
    as typed and the source's name."""

    columns: dict[str, str | None]
    reading: dict[str, str]
    tables: dict[str, str] = field(default_factory=dict)  # kind -> source id
    table_columns: dict[str, dict[str, str | None]] = field(default_factory=dict)
    table_reading: dict[str, dict[str, str]] = field(default_factory=dict)
    picked: dict[str, str] = field(default_factory=dict)  # the settings as typed
    name: str = ""
    confirmed: dict[str, str] = field(default_factory=dict)  # kind -> date format confirmed

    @classmethod
    def detected(cls, src: Source, tables: dict[str, Source]) -> Choices:
        """The form as detection fills it."""
        return cls(dict(src.detected), {k: v[0] for k, v in READING.items()},
                   {k: t.id for k, t in tables.items()},
                   {k: dict(t.detected) for k, t in tables.items()},
                   {k: {o: "" for o in TABLE_READING} for k in tables}, {}, src.name)

    @classmethod
    def of_job(cls, job: Job) -> Choices:
        """The form as a job was started from (the way back after a failure)."""
        tables = dict(job.tables)
        if job.spend_id:
            tables["spend"] = job.spend_id
        # a job runs with its date formats: confirmed, when the form had to ask
        confirmed = {"transactions": job.reading.get("date_format", ""),
                     **{k: v.get("date_format", "") for k, v in job.table_reading.items()}}
        return cls(dict(job.mapping), {**{k: v[0] for k, v in READING.items()}, **job.reading},
                   tables, {k: dict(v) for k, v in job.table_columns.items()},
                   {k: dict(v) for k, v in job.table_reading.items()},
                   {k: v for k, v in job.form.items() if k != "name"},
                   job.form.get("name", job.source), confirmed)

    @classmethod
    def of_form(cls, values: dict[str, str]) -> Choices:
        """The form as sent (a field left empty is not used; a currency in capitals, as it
        is read)."""
        tables = {k: values[k] for k in TABLES if values.get(k)}
        picked = {k: values[k].strip() for k in SETTINGS if values.get(k, "").strip()}
        if "currency" in picked:
            picked["currency"] = picked["currency"].upper()
        return cls(
            {f: values.get(f"map_{f}") or None for f in MAPPED},
            {**{k: values.get(k, READING[k][0]) for k in READING},
             **{k: values.get(k, "").strip() for k in FREE_READING}},
            tables,
            {k: {f: values.get(f"{k}_map_{f}") or None for f in TABLE_FIELDS[k]}
             for k in tables},
            {k: {o: values.get(f"{k}_{o}", "") for o in TABLE_READING} for k in tables},
            picked, values.get("name", "").strip(),
            {k: values.get(f"{_option_prefix(k)}confirm_date_format", "")
             for k in ("transactions", *tables)})


def _option_prefix(kind: str) -> str:
    """The prefix of a table's reading options in the form (``date_format`` for the orders,
    ``customers_date_format`` for the customers table...)."""
    return "" if kind == "transactions" else f"{kind}_"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, state: StateDep, lang: PageLang) -> HTMLResponse:
    return _home(request, state, lang)


def _home(request: Request, state: State, lang: str, error: str | None = None,
          status: int = 200, link: tuple[str, str] | None = None) -> HTMLResponse:
    """The home page; ``error``: a sentence above the forms, ``link``: (address, words) of
    the way on it offers."""
    return page("home.html.j2", status, request=request, lang=lang,
                entries=sorted(state.entries.values(), key=lambda e: -e.id), e=None,
                active="", kinds=KINDS, error=error, error_link=link)


def _gone(request: Request, state: State, lang: str, sid: str) -> HTMLResponse:
    """The home page for a mapping whose upload is no longer here: when an analysis of it
    succeeded (its files are then deleted), the way to that analysis; else, to upload the
    files again."""
    done = [j.analysis_id for j in state.jobs.values()
            if j.source_id == sid and j.analysis_id is not None]
    if done:
        return _home(request, state, lang, i18n.t("imp_err_analysed", lang), 404,
                     (f"/a/{done[-1]}", i18n.t("imp_err_open", lang, id=done[-1])))
    return _home(request, state, lang, i18n.t("imp_err_gone", lang), 404)


async def _save_upload(state: State, name: str, kind: str, chunks: Any) -> Source:
    """Write an upload's bytes (an async iterator of chunks) to the work folder and read its
    columns and first rows; the file is deleted when it cannot be read."""
    sid, path = state.new_path(name)
    try:
        with path.open("wb") as out:
            async for chunk in chunks:
                out.write(chunk)
        return await run_in_threadpool(state.add_source,
                                       Source(sid, Path(name).name, kind, path=path))
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@router.put("/api/uploads", tags=["data"])
async def upload(request: Request, state: StateDep, name: str,
                 kind: str = "transactions") -> SourceOut:
    """Upload a file (the request body; name with its suffix, e.g. orders.csv) as
    ``transactions``, ``spend``, ``customers`` or ``subscriptions``; returns its id, columns
    and the columns detected (French or English headers)."""
    if kind not in KINDS:
        raise HTTPException(400, f"kind must be one of {', '.join(KINDS)}")
    source = await _save_upload(state, name, kind, request.stream())
    return SourceOut(id=source.id, name=source.name, kind=cast(Any, kind),
                     columns=source.columns, detected=source.detected, problem=source.problem)


async def _chunks(file: UploadFile) -> Any:
    while chunk := await file.read(1 << 20):
        yield chunk


@router.post("/uploads", include_in_schema=False)
async def upload_form(request: Request, state: StateDep, lang: PageLang) -> Response:
    """The home page's files (orders, and optionally spend, customers, subscriptions): each
    uploaded, then the mapping page of them all."""
    made: dict[str, Source] = {}
    async with request.form() as form:  # the parts' temporary files closed after
        files = {k: form.get(k) for k in KINDS}
        given = {k: f for k, f in files.items() if isinstance(f, UploadFile) and f.filename}
        if "transactions" not in given:
            return _home(request, state, lang, i18n.t("imp_upload_missing", lang), 400)
        for kind, file in given.items():
            try:
                made[kind] = await _save_upload(state, str(file.filename), kind, _chunks(file))
            except ClvError as exc:
                for src in made.values():
                    state.forget(src.id)
                name = Path(str(file.filename)).name
                return _home(request, state, lang, i18n.t(
                    "imp_upload_failed", lang, name=name,
                    reason=_unnamed(_said(exc, lang, name), name)), 400)
    query = "&".join(f"{k}={made[k].id}" for k in TABLES if k in made)
    return RedirectResponse(f"/mapping/{made['transactions'].id}" + (f"?{query}" if query
                                                                    else ""), 303)


def _without_password(text: str, url: str) -> str:
    """``text`` without the password of the database ``url`` (an error naming the URL)."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    text = text.replace(url, parsed.render_as_string(hide_password=True))
    return text.replace(str(parsed.password), "***") if parsed.password else text


@router.post("/api/sources", tags=["data"])
def database(body: DatabaseIn, state: StateDep) -> SourceOut:
    """Name a database table or query (SQLAlchemy URL) to analyse. Only a database URL: a
    file is uploaded (a path or ``file:`` URL is refused); a SQLite file by its absolute
    path, not the dashboard's own history; read read-only."""
    if not (body.table or body.query):
        raise HTTPException(400, "give a table or a query")
    url = check_source_url(body.url, state.store.url)
    label = body.table or "query"
    try:
        source = state.add_source(Source(state.new_id(), label, "transactions", url=url,
                                         table=body.table, query=body.query))
    except ClvError as exc:
        raise ClvError(_without_password(str(exc), url)) from exc
    return SourceOut(id=source.id, name=source.name, columns=source.columns,
                     detected=source.detected, problem=source.problem)


@router.post("/sources", include_in_schema=False)
def database_form(request: Request, state: StateDep, lang: PageLang,
                  url: Annotated[str, Form()], table: Annotated[str, Form()] = "",
                  query: Annotated[str, Form()] = "") -> Response:
    try:
        made = database(DatabaseIn(url=url, table=table or None, query=query or None), state)
    except (ClvError, HTTPException) as exc:
        return _home(request, state, lang, getattr(exc, "detail", None) or str(exc), 400)
    return RedirectResponse(f"/mapping/{made.id}", 303)


# ---- the mapping page ---------------------------------------------------------------------


def origin_of(src: Source, fld: str, column: str | None, lang: str) -> str:
    """Where the column of ``fld`` came from, in words: detected from its header, from a
    preset export, from the values (a file without header), or chosen by the user."""
    if not column:
        return ""
    if src.detected.get(fld) != column:
        return i18n.t("imp_origin_chosen", lang)
    found = src.origin.get(fld, "")
    if found.startswith("preset"):
        return i18n.t("imp_origin_preset", lang, preset=src.preset or found.split()[1])
    if found.startswith("content"):
        return i18n.t("imp_origin_content", lang)
    return i18n.t("imp_origin_header", lang, column=column)


def _cell(value: Any, column: str, lang: str, currency: str | None) -> str:
    """A value of the first rows as read, written for the page's language: dates in its one
    format, amounts in the currency read, numbers with its separators."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, dt.date) and column == "month":
        from babel.dates import format_date

        return format_date(value, "LLLL y", locale="fr_FR" if lang == "fr" else "en_GB")
    if isinstance(value, dt.date):
        return i18n.day(value, lang)
    if isinstance(value, float) and column in MONEY_COLUMNS:
        return i18n.money(value, lang, currency)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def _field_word(key: str, lang: str) -> str:
    name = f"imp_f_{key}"
    return i18n.t(name, lang) if name in i18n.catalogue() else key


def parsed_table(src: Source, lang: str, kind: str = "transactions",
                 columns: dict[str, str | None] | None = None) -> dict[str, Any] | None:
    """The first rows as read, for the template: the user's fields only (not a column the
    reader adds for itself, such as a refund's ``order_time``), in the order of the form,
    then a customers table's other columns as the file names them (its ``columns``, the
    ones chosen, shown under their field's name only); headers and cells in the page's
    words."""
    if src.parsed is None:
        return None
    frame: pl.DataFrame = src.parsed
    fields = MAPPED if kind == "transactions" else TABLE_FIELDS.get(kind, ())
    chosen = {c for c in (columns or {}).values() if c}
    shown = [f for f in fields if f in frame.columns]
    if kind == "customers":  # its free attributes (a country, a plan...) are the user's too
        shown += [c for c in frame.columns if c not in fields and c not in chosen]
    frame = frame.select(shown)
    return {"headers": [_field_word(c, lang) if c in fields else c for c in frame.columns],
            "rows": [[_cell(v, c, lang, src.currency) for c, v in zip(frame.columns, row,
                                                                      strict=True)]
                     for row in frame.iter_rows()]}


def choose_message(kind: str, fld: str | None, lang: str) -> str:
    """The sentence naming the column to choose for ``fld`` of the table ``kind``."""
    if fld is None:
        return ""
    if kind in ("customers", "subscriptions") and fld == "customer_id":
        return i18n.t("imp_choose_table_customer_id", lang,
                      table=i18n.t(f"imp_table_{kind}", lang))
    key = f"imp_choose_{fld}"
    if key in i18n.catalogue():
        return i18n.t(key, lang)
    return i18n.t("imp_choose_other", lang, field=_field_word(fld, lang))


def field_message(kind: str, fld: str, columns: dict[str, str | None], lang: str) -> str:
    """What to do about the field ``fld`` of the table ``kind``: choose its column when none
    is chosen, another when the one chosen cannot be read as it (a date column without
    dates)."""
    chosen = columns.get(fld)
    if chosen and fld in (*MAPPED, *TABLE_FIELDS.get(kind, ())):
        return i18n.t("imp_wrong_column", lang, column=chosen, field=_field_word(fld, lang))
    return choose_message(kind, fld, lang)


def _section(src: Source, kind: str, columns: dict[str, str | None],
             reading: dict[str, str], lang: str, confirmed: str = "") -> dict[str, Any]:
    """One table of the mapping page: its fields with the column chosen and its origin, its
    options, its first rows as read (and the rows left out among them, and why), its
    problem in words, and a date format that leaves many dates unread (with its
    confirmation, ticked when ``confirmed`` is that format)."""
    fields = MAPPED if kind == "transactions" else TABLE_FIELDS[kind]
    problem = None
    if src.problem and src.problem_field and lang != "en":  # the reader speaks English
        problem = field_message(kind, src.problem_field, columns, lang)
    elif src.problem:
        choose = field_message(kind, src.problem_field, columns, lang) \
            if src.problem_field else ""
        # the reader's error in the page's language when it has its words (clv.errors.say),
        # naming the file as the user uploaded it
        said = _said(src.problem_error, lang, src.name) \
            if lang != "en" and isinstance(src.problem_error, ClvError) else src.problem
        problem = " ".join(x for x in (choose, i18n.t("imp_problem", lang, reason=said)) if x)
    report = src.table_report if kind != "transactions" else None
    excluded = [(reason(r, lang), n) for r, n in src.excluded] if report is None else \
        [(table_reason(x.key, lang), x.count) for x in report.exclusions]
    notes = [preview_note(n, lang) for n in src.read_notes] if report is None else \
        [table_note(n, lang) for n in report.notes if getattr(n, "key", "") != "delimited"]
    gap = gap_words(src.date_gap, kind, lang) if src.date_gap is not None else None
    return {"kind": kind, "src": src, "fields": fields, "chosen": columns,
            "origins": {f: origin_of(src, f, columns.get(f), lang) for f in fields},
            "reading": reading, "parsed": parsed_table(src, lang, kind, columns),
            "problem": problem, "decimal": decimal_said(src, kind, columns, reading, lang),
            "excluded": excluded, "notes": notes, "gap": gap,
            "confirmed": gap is not None and confirmed == gap["chosen"]}


_DATE_FORMAT = re.compile(r"(['\"]|«\s?)(dmy|mdy|iso|ymd)(['\"]|\s?»)")
"""A date format's code as a note quotes it ('dmy', « dmy »)."""


def preview_note(text: Any, lang: str) -> str:
    """A note of the first rows' reading as the mapping page says it: in ``lang``
    (:func:`clv.report.text.note`), a date format written as the user knows it
    (``jj/mm/aaaa``, ``dd/mm/yyyy``, as the form's choices), and a reading parameter named
    as the form names it (:func:`clv.web.state.form_words`: 'date format', not
    ``date_format=``)."""
    quote = ("« ", " »") if lang == "fr" else ("'", "'")

    def format_words(found: re.Match[str]) -> str:
        return quote[0] + i18n.t(f"imp_df_{found.group(2)}", lang) + quote[1]

    return form_words(_DATE_FORMAT.sub(format_words, note(text, lang)), lang)


USER_VALUES = ("column", "example", "channel", "known", "name", "id")
"""Values of a message that are the user's words (a column's name, a value of the file, a
channel, a file name): marked not to be translated (``translate="no"``), so that a browser's
translation, and the check that a page holds no word of the other language, leave them."""


def said_with_data(key: str, lang: str, /, **values: Any) -> Markup:
    """The message ``key`` in ``lang`` with its ``values`` (escaped), those of
    :data:`USER_VALUES` in a ``<span translate="no">``."""
    marks = {k: f"\x00{i}\x00" for i, k in enumerate(values) if k in USER_VALUES}
    text = escape(i18n.t(key, lang, **{**values, **marks}))
    for k, mark in marks.items():
        text = Markup(text.replace(mark, Markup('<span translate="no">{}</span>').format(
            str(values[k]))))
    return Markup(text)


AMOUNT_FIELDS = {"transactions": "amount", "spend": "spend", "subscriptions": "mrr"}
"""The field of each table whose amounts the decimal separator of its form reads."""


def decimal_said(src: Source, kind: str, columns: dict[str, str | None],
                 reading: dict[str, str], lang: str) -> Markup | None:
    """What the decimal separator chosen does to the amounts of the table's first rows: how
    many it decides (a value such as ``1,250``, read 1.25 with a comma and 1250 with a
    point), with one of them read both ways; when it decides none and one was chosen, that
    each amount is written in a way that says it (``1 573,74``) and is read as written
    whatever the choice. None when the amounts are not text (numbers of a workbook or a
    database) or none is chosen."""
    column = columns.get(AMOUNT_FIELDS.get(kind, ""))
    head = src.head
    if head is None or not column or column not in head.columns \
            or head[column].dtype != pl.String:
        return None
    values = head[column]
    comma, point = parse_amounts(values, ",").amount, parse_amounts(values, ".").amount
    decided = ~comma.eq_missing(point)
    if decided.any():
        first = int(decided.arg_max() or 0)
        return said_with_data("imp_decimal_decides", lang, n=number(int(decided.sum()), lang),
                              column=column, example=str(values[first]),
                              comma=_amount_word(comma[first], lang),
                              point=_amount_word(point[first], lang))
    written = values.filter(comma.is_not_null())
    if not reading.get("decimal") or not written.len():
        return None
    return said_with_data("imp_decimal_none", lang, column=column, example=str(written[0]))


def _amount_word(value: float | None, lang: str) -> str:
    """An amount read from the first rows, written for ``lang`` ('' when it cannot be
    read)."""
    return "" if value is None else number(value, lang, 0 if float(value).is_integer() else 2)


def table_note(text: Any, lang: str) -> str:
    """A note of the reading of a spend, customers or subscriptions table in ``lang``: the
    table's own notes (:class:`clv.data.table_reports.TableNote`) from the catalogue
    (``tbl_note_<kind>``, the file's words marked as such), the file reader's (its encoding,
    its delimiter) as the other pages say them (:func:`clv.web.views.note_words`)."""
    if isinstance(text, TableNote):
        values = {k: table_value(v, lang) for k, v in text.values.items()}
        return said_with_data(f"tbl_note_{text.key}", lang, **values)
    # the file reader's note (a column read day first...): its quoted words marked the same
    said = escape(note_words(text, lang))
    values = getattr(text, "values", None) or {}
    for k in USER_VALUES:
        word = str(values.get(k, ""))
        if len(word) > 1:
            said = Markup(said.replace(escape(word), Markup(
                '<span translate="no">{}</span>').format(word)))
    return Markup(said)


def table_reason(key: str, lang: str) -> str:
    """Why rows of a table were left out, in ``lang``."""
    return i18n.t(f"tbl_reason_{key}", lang)


def table_examples(exclusion: TableExclusion, lang: str) -> Markup:
    """The example rows of an exclusion in words: 'row 3 (C1), row 8 (C1)', or with the
    value that could not be read: 'row 14, “Mois”: “13/2023”'."""
    said = []
    for example in exclusion.examples:
        row = number(int(example["row"]), lang, 0)
        key = example.get("customer_id")
        if "value" in example:
            said.append(said_with_data("tbl_example_value", lang, row=row,
                                       column=example.get("column", ""),
                                       example=example["value"]))
        else:
            said.append(said_with_data("tbl_example_id", lang, row=row, id=key)
                        if key is not None else said_with_data("tbl_example", lang, row=row))
    return Markup(", ").join(said)


def spend_channels(exclusion: TableExclusion, lang: str, currency: str | None = None
                   ) -> Markup:
    """Whose spend the rows of a spend table's ``exclusion`` held, in words: 'By channel:
    Google Ads (campaign Spring): 2 lines left out, €1,600.00; SEO: 1 line left out,
    €50.00' (:class:`clv.data.tables.SpendExclusion`); empty for another exclusion."""
    channels = getattr(exclusion, "channels", None)
    if not channels:
        return Markup("")
    said = []
    for c in channels:
        name = Markup('<span translate="no">{}</span>').format(c["channel"]) \
            if c["channel"] else escape(i18n.t("page_channel_unknown", lang))
        if c["campaign"]:
            name += Markup(' ({} <span translate="no">{}</span>)').format(
                i18n.t("imp_spend_left_campaign", lang), c["campaign"])
        line = name + escape(i18n.t("imp_spend_left_lines", lang, n=number(c["rows"], lang),
                                    amount=i18n.money(c["spend"], lang, currency)))
        if c["unread"]:
            line += " " + escape(i18n.t("imp_spend_left_unread", lang,
                                        n=number(c["unread"], lang)))
        said.append(line)
    return Markup(". ") + escape(i18n.t("imp_spend_left_by_channel", lang)) + \
        Markup(escape(i18n.t("imp_spend_left_sep", lang))).join(said)


def table_section(report: TableReport, lang: str) -> dict[str, Any]:
    """How one table was read, for a page: its title (the table and its file), rows read,
    kept and left out, each reason with its rows and examples, and the notes; every word in
    ``lang``."""
    return {"kind": report.kind,
            "title": said_with_data(f"imp_map_{report.kind}", lang, name=report.source),
            "read": report.rows_read, "kept": report.rows_kept,
            "excluded": report.rows_excluded,
            "exclusions": [(table_reason(x.key, lang), x.count,
                            table_examples(x, lang) + spend_channels(x, lang, report.currency))
                           for x in report.exclusions],
            "notes": [table_note(n, lang) for n in report.notes
                      if getattr(n, "key", "") != "delimited"]}


def gap_words(gap: DateGap, kind: str, lang: str) -> dict[str, str]:
    """What the mapping page says of a date format that leaves many dates unread: the
    counts, what the analysis would do with those rows, and the confirmation's label."""
    chosen = i18n.t(f"imp_df_{gap.chosen}", lang) if f"imp_df_{gap.chosen}" in \
        i18n.catalogue() else gap.chosen
    values = {"format": chosen, "column": gap.column, "unread": number(gap.unread, lang),
              "dates": number(gap.dates, lang), "detected": number(gap.detected, lang),
              "auto": number(gap.read_auto, lang)}
    return {"text": i18n.t("imp_gap", lang, **values) + " "
            + i18n.t(f"imp_gap_then_{kind}", lang),
            "confirm": i18n.t("imp_gap_confirm", lang, **values),
            "refused": i18n.t("imp_gap_refused", lang, **values), "chosen": gap.chosen}


def _percent_shown(name: str, value: Any) -> str:
    """A setting's default as the form shows it (a fraction as a percentage)."""
    if name in PERCENT and isinstance(value, int | float):
        return f"{value * 100:g}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _mapping_page(request: Request, lang: str, state: State, src: Source, choices: Choices,
                  error: FormError | None = None) -> HTMLResponse:
    tables = {k: source_of(state, sid, k) for k, sid in choices.tables.items()
              if sid in state.sources}
    sections = [_section(src, "transactions", choices.columns, choices.reading, lang,
                         choices.confirmed.get("transactions", ""))]
    sections += [_section(t, k, choices.table_columns.get(k, dict(t.detected)),
                          choices.table_reading.get(k, {}), lang,
                          choices.confirmed.get(k, ""))
                 for k, t in tables.items()]
    defaults = {k: _percent_shown(k, v["default"]) for k, v in SETTINGS_FORM.items()}
    return page("mapping.html.j2", request=request, lang=lang, src=src,
                sections=sections, tables=tables, options=READING,
                table_options=TABLE_READING, settings=SETTINGS_FORM, defaults=defaults,
                picked=choices.picked, source_name=choices.name or src.name, error=error,
                required=TABLE_REQUIRED, rows=PREVIEW_ROWS, e=None, active="")


@router.get("/mapping/{sid}", response_class=HTMLResponse, include_in_schema=False)
def mapping(sid: str, request: Request, state: StateDep, lang: PageLang,
            spend: str | None = None, customers: str | None = None,
            subscriptions: str | None = None, job: str | None = None) -> HTMLResponse:
    """The mapping page: (``job``) as that job was started, else as the form was last sent
    (read again, run, or refused: with its sentence), else as detected; the first rows read
    with those choices. Every form this page sends comes back here (post, redirect, get), so
    that reloading it or coming back to it shows the same page."""
    src = state.sources.get(sid)
    if src is None or src.kind != "transactions":
        return _gone(request, state, lang, sid)
    started = state.jobs.get(job) if job else None
    error = None
    if started is not None and started.source_id == sid:
        choices = Choices.of_job(started)
    elif src.draft is not None:
        choices = Choices.of_form(src.draft)
        error = FormError(*src.draft_error) if src.draft_error else None
    else:
        asked = {"spend": spend, "customers": customers, "subscriptions": subscriptions}
        tables = {k: source_of(state, v, k) for k, v in asked.items() if v}
        return _mapping_page(request, lang, state, src, Choices.detected(src, tables))
    choices.tables = {k: v for k, v in choices.tables.items() if v in state.sources}
    await_preview(state, src, choices)
    return _mapping_page(request, lang, state, src, choices, error)


def _mapping_url(sid: str, choices: Choices) -> str:
    """The mapping page's address, with its tables (as the home page's upload names it)."""
    query = "&".join(f"{k}={choices.tables[k]}" for k in TABLES if k in choices.tables)
    return f"/mapping/{sid}" + (f"?{query}" if query else "")


def _sent(src: Source, values: dict[str, str], choices: Choices,
          error: FormError | None = None, lang: str | None = None) -> RedirectResponse:
    """The form ``values`` kept as the source's (with the sentence of ``error``), and the
    browser sent to the mapping page, which shows them (in ``lang`` when one is asked: the
    language switch sends the form, so that the choices not yet sent are kept)."""
    src.draft = values
    src.draft_error = (str(error), error.kind, error.field) if error else None
    url = _mapping_url(src.id, choices)
    if lang is not None:
        url += ("&" if "?" in url else "?") + f"lang={lang}"
    return RedirectResponse(url, 303)


def _unnamed(reason: str, name: str) -> str:
    """A reader's error without the file's name it starts with ('commandes.csv : le fichier
    est vide'), for a sentence that names the file already ('Impossible de lire
    commandes.csv : ...')."""
    for colon in (": ", "\u00a0: ", " : "):
        if reason.startswith(name + colon):
            return reason[len(name + colon):]
    return reason


def _said(exc: ClvError, lang: str, name: str) -> str:
    """A reader's error in the page's language (:func:`clv.errors.say`), naming the file as
    the user uploaded it; the dashboard's own wording (its message) in English, or when the
    error has no words of its own. The error the reader raised is the one given, or its
    cause (the state words it again with the file's name)."""
    original = exc.__cause__ if isinstance(exc.__cause__, ClvError) else exc
    if lang == "en" or getattr(original, "key", None) is None:
        return str(exc)
    return say(original, lang, source=name)


def await_preview(state: State, src: Source, choices: Choices) -> None:
    """Read the first rows of every table again with the form's choices."""
    try:
        currency = (choices.picked.get("currency") or "").strip().upper() or None
        state.preview(src, choices.columns, choices.reading, currency)
    except ClvError as exc:
        src.problem, src.problem_field, src.parsed = str(exc), None, None
    for kind, sid in choices.tables.items():
        table = state.sources.get(sid)
        if table is None or table.kind != kind:
            continue
        try:
            state.preview_table(table, choices.table_columns.get(kind, {}),
                                choices.table_reading.get(kind))
        except ClvError as exc:
            table.problem, table.problem_field = str(exc), None


def _checked_columns(src: Source, state: State, choices: Choices) -> None:
    """A column chosen must be one of its table's (the form only offers those)."""
    tables = {k: state.sources.get(sid) for k, sid in choices.tables.items()}
    for kind, columns in (("transactions", choices.columns), *choices.table_columns.items()):
        table = src if kind == "transactions" else tables.get(kind)
        if table is None:
            raise HTTPException(404, f"no {kind} upload {choices.tables.get(kind)}")
        if any(c and c not in table.columns for c in columns.values()):
            raise HTTPException(400, f"a column chosen is not a column of {table.name}")


@router.post("/mapping/{sid}", include_in_schema=False)
async def mapping_preview(sid: str, state: StateDep, request: Request,
                          lang: PageLang) -> Response:
    """Read the first rows of each table again with the columns and options chosen in the
    form: the form kept, and the mapping page (its address, so that a reload or the back
    button shows it again) reads them; in the language ``?lang=`` asks, when the page's
    language switch sent the form (static/mapping.js)."""
    src = state.sources.get(sid)
    if src is None or src.kind != "transactions":
        return _gone(request, state, lang, sid)
    values = {k: str(v) for k, v in (await request.form()).items()}
    choices = Choices.of_form(values)
    _checked_columns(src, state, choices)
    return _sent(src, values, choices, lang=i18n.pick(request.query_params.get("lang")))


def start(state: State, body: AnalysisIn, form: dict[str, str] | None = None) -> JobStarted:
    """Queue the analysis ``body`` asks for (``form``: the settings as typed, kept for the
    way back to the mapping)."""
    reading_options(body.reading)  # a bad request is refused for what it says first
    src = source_of(state, body.source)
    spend = source_of(state, body.spend, "spend") if body.spend else None
    tables = {k: source_of(state, sid, k) for k, sid in
              (("customers", body.customers), ("subscriptions", body.subscriptions)) if sid}
    unknown = [c for c in body.mapping.values() if c and c not in src.columns]
    if unknown:
        raise HTTPException(400, f"no column {unknown[0]!r} in {src.name}")
    for kind, columns in body.table_columns.items():
        table = spend if kind == "spend" else tables.get(kind)
        if table is None:
            raise HTTPException(400, f"columns given for a {kind} table that is not given")
        wrong = [c for c in columns.values() if c and c not in table.columns]
        if wrong:
            raise HTTPException(400, f"no column {wrong[0]!r} in {table.name}")
    job = state.start(src, body.mapping, spend, body.settings.settings(), body.reading,
                      tables=tables, table_columns=body.table_columns,
                      table_reading=body.table_reading, name=body.name, form=form)
    return JobStarted(job=job.id)


@router.post("/api/analyses", tags=["analyses"])
def start_api(body: AnalysisIn, state: StateDep) -> JobStarted:
    """Start an analysis; poll ``/api/jobs/{job}`` for its progress. A setting that
    :class:`clv.valuation.Settings` refuses is a 422 naming it. Rates are fractions here
    (``margin`` 0.3 for 30%), where the dashboard's form takes percentages."""
    return start(state, body)


def form_settings(values: dict[str, str], lang: str = "en") -> Any:
    """The settings of the mapping form (an empty field keeps the default; the margin and
    the discount rate typed as percentages); a value refused is a :class:`FormError`
    naming the setting in ``lang``."""
    given: dict[str, Any] = {k: values[k].strip() for k in SETTINGS if values.get(k, "").strip()}
    for name, (low, high) in PERCENT.items():
        if name in given:
            try:
                share = float(given[name].replace(",", "."))
            except ValueError:
                share = math.nan
            if not low <= share <= high:
                raise FormError(i18n.t("imp_check_setting", lang,
                                       field=i18n.t(SETTING_WORDS[name], lang),
                                       reason=i18n.t("imp_err_percent", lang,
                                                     low=number(low, lang, 2 if low % 1
                                                                else 0),
                                                     high=number(high, lang))), None, name)
            given[name] = share / 100
    if "currency" in given:
        given["currency"] = given["currency"].upper()
    try:
        return SettingsIn(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        text = str(first["msg"]).removeprefix("Value error, ")
        if name == "currency":
            text = i18n.t("imp_err_currency", lang)
        word = i18n.t(SETTING_WORDS[name], lang) if name in SETTING_WORDS else name
        raise FormError(i18n.t("imp_check_setting", lang, field=word, reason=text), None,
                        name) from None


def _form_checks(choices: Choices, lang: str) -> None:
    """The form's own checks before a job is started: each table's required columns, the
    earliest date and the largest amount; a :class:`FormError` naming the first wrong."""
    lacking = missing_field(choices.columns)
    if lacking:
        raise FormError(choose_message("transactions", lacking, lang), "transactions",
                        lacking)
    for kind, columns in choices.table_columns.items():
        lacking = missing_field(columns, kind)
        if lacking:
            raise FormError(choose_message(kind, lacking, lang), kind, lacking)
    for name in FREE_READING:
        try:
            reading_options({name: choices.reading.get(name, "")})
        except ClvError:
            raise FormError(i18n.t("imp_check_setting", lang,
                                   field=i18n.t(SETTING_WORDS[name], lang),
                                   reason=i18n.t(f"imp_err_{name}", lang)), None,
                            name) from None


def _date_checks(state: State, src: Source, choices: Choices, lang: str) -> None:
    """A date format chosen that leaves more than :data:`clv.web.state.DATE_GAP` of a
    table's dates unread in its first rows, where the automatic detection reads them (the
    orders' rows would be left out, the customers' acquisition dates left blank), runs only
    once confirmed: else a :class:`FormError` with the counts, the page then showing the
    confirmation below that table's first rows."""
    tables = {k: state.sources.get(sid) for k, sid in choices.tables.items()}
    for kind in DATE_FIELDS:
        table = src if kind == "transactions" else tables.get(kind)
        if table is None:
            continue
        columns = choices.columns if kind == "transactions" else \
            choices.table_columns.get(kind, {})
        reading = choices.reading if kind == "transactions" else \
            choices.table_reading.get(kind, {})
        gap = head_gap(table, columns, reading)
        if gap is not None and choices.confirmed.get(kind) != gap.chosen:
            raise FormError(gap_words(gap, kind, lang)["refused"], kind, "date_format")


@router.post("/analyses", include_in_schema=False)
async def start_form(request: Request, state: StateDep, lang: PageLang) -> Response:
    """Run the analysis of the mapping form: its job's page (its own address); a choice it
    cannot run with leads back to the mapping page, which says what to choose. Either way
    the form is kept as the source's: the mapping page's address shows it again."""
    values = {k: str(v) for k, v in (await request.form()).items()}
    src = state.sources.get(values.get("source", ""))
    if src is None or src.kind != "transactions":
        return _gone(request, state, lang, values.get("source", ""))
    choices = Choices.of_form(values)
    _checked_columns(src, state, choices)
    try:
        _form_checks(choices, lang)
        _date_checks(state, src, choices, lang)
        settings = form_settings(values, lang)
        body = AnalysisIn(
            source=src.id, mapping=choices.columns, reading=choices.reading,
            spend=choices.tables.get("spend"), customers=choices.tables.get("customers"),
            subscriptions=choices.tables.get("subscriptions"), name=choices.name or None,
            table_columns=choices.table_columns, table_reading=choices.table_reading,
            settings=settings)
        job = start(state, body, {**choices.picked, "name": choices.name})
    except FormError as exc:
        return _sent(src, values, choices, exc)
    except (ValueError, ClvError) as exc:  # a ClvError said in the page's language
        reason = say(exc, lang) if isinstance(exc, ClvError) else str(exc)
        return _sent(src, values, choices, FormError(i18n.t("imp_problem", lang,
                                                            reason=reason)))
    src.draft, src.draft_error = values, None
    return RedirectResponse(f"/jobs/{job.job}", 303)
