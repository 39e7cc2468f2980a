"""Parsing dates written in any common convention, without silent guesses.

Formats are tried by family: ISO 8601 (with optional time, fraction and UTC offset), day-first
(``DD/MM/YYYY``, also with ``-`` or ``.``), month-first (``MM/DD/YYYY``), compact ``YYYYMMDD``,
Unix epoch seconds or milliseconds, and the month's English name ('Jan 5, 2024 9:15 AM').
The family that reads the most values wins. When the day-first and month-first readings
both read every value and disagree on some (no day above 12 anywhere), the column is
ambiguous and :class:`~clv.errors.AmbiguousDateError` asks the user to
choose. Values with an offset are converted to the target zone; naive values are taken to be in
the source zone. The result is timezone-naive, in the target zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from clv.errors import AmbiguousDateError, DataError
from clv.notes import Note

_TIMES = ["", " %H:%M", " %H:%M:%S", "T%H:%M:%S", " %H:%M:%S%.f", "T%H:%M:%S%.f", "T%H:%M"]
_ISO = [f"%Y-%m-%d{t}" for t in _TIMES] + ["%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
_ISO_TZ = [
    f"%Y-%m-%d{t}{z}" for t in _TIMES[1:] for z in ("%z", " %z")
]


TWO_DIGIT_YEAR = r"^(\d{1,2}[/.-]\d{1,2}[/.-])(\d{2})(\s.*)?$"
"""A day and month then a two-digit year ('01/08/24', '1.8.24 10:30'): US exports (Etsy's
MM/DD/YY) and many tills write them."""
PIVOT = 69
"""Two-digit years below it are of the 2000s, the others of the 1900s, as Python's
``strptime`` reads ``%y`` (POSIX): '68' is 2068, '69' is 1969. Polars' own ``%y`` puts 69 in
2069, so the century is written in before parsing instead."""


def _four_digit_years(s: pl.Expr) -> pl.Expr:
    """``s`` with a two-digit year of :data:`TWO_DIGIT_YEAR` written with its century
    (:data:`PIVOT`): '01/08/24' is '01/08/2024', '12/31/99' '12/31/1999'; other values as
    they are. The day-first and month-first formats (``%Y``) then read both, where ``%Y``
    alone read '24' as the year 24."""
    yy = s.str.extract(TWO_DIGIT_YEAR, 2)
    century = pl.when(yy.cast(pl.Int32, strict=False) < PIVOT).then(pl.lit("20")) \
        .otherwise(pl.lit("19"))
    widened = s.str.extract(TWO_DIGIT_YEAR, 1) + century + yy \
        + s.str.extract(TWO_DIGIT_YEAR, 3).fill_null("")
    return pl.when(yy.is_not_null()).then(widened).otherwise(s)


def _dated(order: str) -> list[str]:
    return [
        order.replace("/", sep) + t
        for sep in ("/", "-", ".")
        for t in ("", " %H:%M", " %H:%M:%S", " %H:%M:%S%.f")
    ]


_CLOCKS = ("", " %I:%M:%S %p", " %I:%M %p", " %H:%M:%S", " %H:%M")
MONTH_NAMES = [day.replace("%b", month) + t for month in ("%b", "%B")
               for day in ("%b %d, %Y", "%d %b %Y", "%b %d %Y") for t in _CLOCKS]
"""Dates with the month's English name, abbreviated or not, with an optional time of day
(12-hour with AM/PM, or 24-hour): Magento's admin grid 'Jan 5, 2024 9:15:02 AM', Wix's
'Jan 5, 2024' (its time apart, '9:15 AM'), 'January 5, 2024 9:15 AM', '5 Jan 2024'."""

FAMILIES: dict[str, list[str]] = {
    "iso": _ISO,
    "dmy": _dated("%d/%m/%Y"),
    "mdy": _dated("%m/%d/%Y"),
    "ymd": ["%Y%m%d"],
    "month_name": MONTH_NAMES,
}
CLOCK = r"(?i)[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[AP]\.?M\.?)?$"
"""A time of day at the end of a value ('9:15 AM', '14:30:05'): left out of the values an
explicit format without a time does not read (see :func:`_parse_dates`)."""
TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%T", "%R", "%X", "%c", "%p", "%s")
"""The directives of a strftime format that read a time of day."""
ALIASES = {"compact": "ymd", "yyyymmdd": "ymd", "epoch": "epoch", "epoch_ms": "epoch_ms",
           "excel": "excel", "serial": "excel"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DETECTION_SAMPLE = 20_000
ROWS_SAMPLE = 1_000_000


@dataclass
class ParsedDates:
    values: pl.Series
    family: str
    notes: list[str] = field(default_factory=list)


def _to_zone(expr: pl.Expr, aware: bool, tz: str, source_tz: str) -> pl.Expr:
    if aware:
        return expr.dt.convert_time_zone(tz).dt.replace_time_zone(None)
    if source_tz != tz:
        return expr.dt.replace_time_zone(source_tz, ambiguous="earliest", non_existent="null") \
            .dt.convert_time_zone(tz).dt.replace_time_zone(None)
    return expr


def _readers(family: str) -> list[tuple[str, bool]] | None:
    """The (format, timezone-aware) pairs of a family, tried in order; None for the families
    read by one guarded expression (epoch, compact)."""
    if family in ("epoch", "epoch_ms", "ymd", "excel"):
        return None
    if family == "iso":
        return [(f, True) for f in _ISO_TZ] + [(f, False) for f in _ISO]
    if family in FAMILIES:
        return [(f, False) for f in FAMILIES[family]]
    return [(family, "%z" in family or "%Z" in family)]  # an explicit strftime format


def _family_expr(family: str, s: pl.Expr, tz: str, source_tz: str,
                 readers: list[tuple[str, bool]] | None = None, widen: bool = True) -> pl.Expr:
    """Expression parsing string column ``s`` with one family (or only ``readers`` of it);
    null where it does not fit. ``widen=False`` leaves two-digit years unwidened (see
    :func:`_parse`, which widens only the values that need it)."""
    if family in ("epoch", "epoch_ms"):
        digits = s.str.contains(r"^\d{9,10}$" if family == "epoch" else r"^\d{12,13}$")
        unit = "s" if family == "epoch" else "ms"
        stamp = pl.from_epoch(s.cast(pl.Int64, strict=False), time_unit=unit)
        stamp = stamp.dt.replace_time_zone("UTC").dt.convert_time_zone(tz)
        stamp = stamp.dt.replace_time_zone(None).dt.cast_time_unit("us")
        return pl.when(digits).then(stamp)
    if family == "excel":
        # spreadsheet serial days (1900 date system: day 1 is 1900-01-01, and the serial
        # counts the 29 February 1900 that never was, so days since 1899-12-30 from March
        # 1900 on), with an optional fraction of a day; 5 digits: 1927-05-18 to 2173-10-14
        ok = s.str.contains(r"^\d{5}(\.\d+)?$")
        days = s.cast(pl.Float64, strict=False)
        stamp = (pl.lit(EXCEL_EPOCH) + pl.duration(
            microseconds=(days * 86_400e6).round(0).cast(pl.Int64))).dt.cast_time_unit("us")
        return pl.when(ok).then(_to_zone(stamp, False, tz, source_tz))
    if family == "ymd":
        ok = s.str.contains(r"^(19|20)\d{6}$")
        return pl.when(ok).then(
            _to_zone(s.str.to_datetime("%Y%m%d", strict=False, time_unit="us"), False, tz,
                     source_tz)
        )
    if family == "iso":
        s = s.str.replace(r"Z$", "+00:00")
    if family in ("dmy", "mdy") and widen:
        s = _four_digit_years(s)
    exprs = [_to_zone(s.str.to_datetime(f, strict=False, time_unit="us",
                                        time_zone="UTC" if aware else None), aware, tz, source_tz)
             for f, aware in (readers if readers is not None else _readers(family) or [])]
    parsed = pl.coalesce(exprs) if len(exprs) > 1 else exprs[0]
    if "%y" in family:  # Polars reads '69' as 2069, strptime (and PIVOT) as 1969
        parsed = pl.when(parsed.dt.year() == 2000 + PIVOT).then(parsed.dt.offset_by("-100y")) \
            .otherwise(parsed)
    if family == "iso":  # a year of four digits: '%Y/%m/%d' read '01/08/24' as 0001-08-24
        return pl.when(s.str.contains(r"^\d{4}\D")).then(parsed)
    return parsed


def _parse(frame: pl.DataFrame, family: str, tz: str, source_tz: str,
           sample: pl.DataFrame) -> pl.Series:
    """The column of ``frame`` read with ``family``.

    Trying each of a family's 22 formats on every value costs one full pass per format (23 s
    on 10.8M ISO stamps). The formats that read the ``sample`` first are tried on every value;
    only the values they leave unread are tried with the whole family, so the result is the
    same as the whole family's."""
    out = _parse_all(frame, family, tz, source_tz, sample)
    if family not in ("dmy", "mdy"):
        return out
    # two-digit years, read by '%Y' as the years 0 to 99, are read again with their century
    # written in (:func:`_four_digit_years`): only those values, the widening of every value
    # doubled the time of a day-first column (0.5 s to 0.9 s on 3M dates)
    first = out.dt.year().min()  # the rows only when some year is below 100 (as an int:
    if not isinstance(first, int) or first >= 100:  # Python's datetime has no year 0)
        return out
    short = (out.dt.year() < 100).fill_null(False).arg_true()
    if short.len():
        col = pl.col(frame.columns[0])
        out = out.scatter(short, frame[short].select(
            _family_expr(family, col, tz, source_tz)).to_series())
    return out


def _parse_all(frame: pl.DataFrame, family: str, tz: str, source_tz: str,
               sample: pl.DataFrame) -> pl.Series:
    """:func:`_parse` but for two-digit years, left as the years 0 to 99."""
    name = frame.columns[0]
    col = pl.col(name)
    readers = _readers(family)
    if readers is None or len(readers) == 1 or sample.height == 0:
        return frame.select(_family_expr(family, col, tz, source_tz, widen=False)
                            .alias(name))[name]
    hits = sample.select([_family_expr(family, col, tz, source_tz, [r]).is_not_null()
                          .alias(str(i)) for i, r in enumerate(readers)]).to_numpy()
    read = hits.any(axis=1)
    used = sorted(set(hits[read].argmax(axis=1).tolist()))
    if not used:
        return frame.select(_family_expr(family, col, tz, source_tz, widen=False)
                            .alias(name))[name]
    out = frame.select(_family_expr(family, col, tz, source_tz, [readers[i] for i in used],
                                    widen=False).alias(name))[name]
    left = (out.is_null() & frame[name].is_not_null()).arg_true()
    if left.len():
        rest = frame[left].select(_family_expr(family, col, tz, source_tz, widen=False)
                                  .alias(name))[name]
        out = out.scatter(left, rest)
    return out


def _sample(frame: pl.DataFrame) -> pl.DataFrame:
    """Up to DETECTION_SAMPLE distinct values of the column, drawn from at most
    ROWS_SAMPLE rows (a uniform draw of rows: rare values may be missed, common ones not)."""
    name = frame.columns[0]
    values = frame.get_column(name).drop_nulls()
    if values.len() > ROWS_SAMPLE:
        values = values.sample(ROWS_SAMPLE, seed=0)
    distinct = values.unique(maintain_order=True)  # the same examples in every run
    if distinct.len() > DETECTION_SAMPLE:
        distinct = distinct.sample(DETECTION_SAMPLE, seed=0)
    return pl.DataFrame({name: distinct})


def parse_dates(
    values: pl.Series,
    date_format: str | None = None,
    *,
    tz: str = "UTC",
    source_tz: str | None = None,
    source: str = "input",
) -> ParsedDates:
    """Parse a column of dates into naive datetimes in zone ``tz``.

    ``date_format`` is a family name (``iso``, ``dmy``, ``mdy``, ``ymd``, ``epoch``,
    ``epoch_ms``, ``excel``: spreadsheet serial days such as 45090) or an explicit strftime
    format such as ``%d.%m.%Y``. Unparsable values become
    null; the caller counts them. So do dates outside years 1 to 9999 (``0000-01-01``, or
    0001-01-01 with an offset east of UTC, falls in year 0): Polars holds them, Python's
    datetime does not, and any later ``.item()`` or example would fail on them.
    """
    parsed = _parse_dates(values, date_format, tz=tz, source_tz=source_tz, source=source)
    # the years of the first and last dates tell (a year per row: 0.12 s on 10.8M rows)
    first, last = parsed.values.to_frame("v").select(
        pl.col("v").min().dt.year(), pl.col("v").max().dt.year().alias("last")).row(0)
    if first is not None and (first < 1 or last > 9999):
        parsed.values = pl.DataFrame({"v": parsed.values}).select(
            pl.when(pl.col("v").dt.year().is_between(1, 9999)).then(pl.col("v")))["v"] \
            .alias(parsed.values.name)
    return parsed


def _parse_dates(values: pl.Series, date_format: str | None, *, tz: str,
                 source_tz: str | None, source: str) -> ParsedDates:
    source_tz = source_tz or tz
    name = values.name
    dtype = values.dtype
    if dtype == pl.Date:
        return ParsedDates(values.cast(pl.Datetime("us")), "date")
    if isinstance(dtype, pl.Datetime):
        aware = dtype.time_zone is not None
        out = pl.DataFrame({name: values}).select(
            _to_zone(pl.col(name), aware, tz, source_tz).dt.cast_time_unit("us"))
        return ParsedDates(out[name], "datetime")
    if dtype.is_float():
        values = values.cast(pl.Int64, strict=False)
        dtype = values.dtype
    if not (dtype.is_integer() or dtype == pl.String):
        raise DataError(key="error_date_type", values={"dtype": str(dtype)}, source=source,
                        column=name)
    s = values.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({name: s})
    col = pl.col(name)
    notes: list[str] = []
    if date_format is not None:
        family = ALIASES.get(date_format.lower(), date_format.lower()) \
            if "%" not in date_format else date_format
        sample = _sample(frame)
        out = _parse(frame, family, tz, source_tz, sample)
        unread = int((out.is_null() & s.is_not_null() & (s != "")).sum())
        if unread and "%" in family and not any(d in family for d in TIME_DIRECTIVES):
            # a format of the day alone on values with a time ('Jan 5, 2024 9:15 AM', or a
            # time column appended): the day is read, the time left out, and said
            days = frame.select(col.str.replace(CLOCK, ""))
            day_out = _parse(days, family, tz, source_tz, _sample(days))
            if day_out.count() > out.count():
                timed = frame.filter(col.str.contains(CLOCK))
                notes.append(Note("date_format_time_left_out", column=name, given=date_format,
                                  example=str(timed[name][0]) if timed.height else ""))
                out = day_out.alias(out.name)
                unread = int((out.is_null() & s.is_not_null() & (s != "")).sum())
        if unread:  # the format given leaves values unread: say which family reads more
            read = {f: sample.select(_family_expr(f, col, tz, source_tz)).to_series().count()
                    for f in FAMILIES}
            given = sample.select(_family_expr(family, col, tz, source_tz)).to_series().count()
            better = max(read, key=lambda f: read[f])
            if read[better] > given:
                notes.append(Note("date_format_unread", column=name, n=unread,
                                  given=date_format, better=better))
        return ParsedDates(out, family, notes + _two_digit_years(sample, family))

    sample = _sample(frame)
    distinct = sample.get_column(name)
    families = ["iso", "dmy", "mdy", "ymd", "epoch", "epoch_ms", "excel", "month_name"]
    parsed = sample.select(
        [_family_expr(f, col, tz, source_tz).alias(f) for f in families]
    )
    counts = {f: parsed[f].count() for f in families}
    best = max(families, key=lambda f: counts[f])
    if counts[best] == 0:
        example = distinct[0] if distinct.len() else ""
        raise DataError(key="error_no_date_format", values={"example": example},
                        source=source, column=name)
    if best in ("dmy", "mdy") and counts["dmy"] == counts["mdy"]:
        differ = parsed.filter(pl.col("dmy") != pl.col("mdy"))
        if differ.height:
            examples = ", ".join(
                f"'{v}'" for v in sample.filter(
                    parsed["dmy"] != parsed["mdy"]).get_column(name).head(3).to_list())
            raise AmbiguousDateError(key="error_ambiguous_dates",
                                     values={"examples": examples}, source=source,
                                     column=name)
    if best in ("dmy", "mdy") and min(counts["dmy"], counts["mdy"]) > 0:
        other = "mdy" if best == "dmy" else "dmy"
        decider = sample.filter(parsed[best].is_not_null() & parsed[other].is_null())
    if best in ("dmy", "mdy") and min(counts["dmy"], counts["mdy"]) > 0 and decider.height:
        notes.append(Note("date_order", column=name, example=decider[name][0],
                          order="DD/MM/YYYY" if best == "dmy" else "MM/DD/YYYY"))
    if best == "excel":
        notes.append(Note("excel_dates", column=name, example=distinct[0]))
    notes += _two_digit_years(sample, best)
    return ParsedDates(_parse(frame, best, tz, source_tz, sample), best, notes)


def _two_digit_years(sample: pl.DataFrame, family: str) -> list[str]:
    """The note ``two_digit_years`` when the day-first or month-first values of ``sample``
    write their year with two digits ('01/08/24'), which are read with :data:`PIVOT`."""
    if family not in ("dmy", "mdy"):
        return []
    name = sample.columns[0]
    short = sample.get_column(name).drop_nulls()
    short = short.filter(short.str.contains(TWO_DIGIT_YEAR))
    if not short.len():
        return []
    example = str(short[0])
    read = sample.filter(pl.col(name) == example).select(
        _family_expr(family, pl.col(name), "UTC", "UTC")).item()
    return [Note("two_digit_years", column=name, example=example,
                 year=str(read.year) if read is not None else "-")]
