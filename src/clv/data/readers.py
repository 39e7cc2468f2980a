"""Readers: any supported source to a raw table of the user's columns.

CSV and text files are sniffed for encoding (UTF-8, with or without BOM, else Windows-1252 /
Latin-1), delimiter (``,`` ``;`` tab ``|`` or runs of whitespace) and header. Every reader keeps
the position of each row in the source so that errors can name it.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from clv.errors import DataError
from clv.notes import Note

ROW = "__row__"
DELIMITERS = [",", ";", "\t", "|"]
SNIFF_LINES = 200
HEAD_BYTES = 1 << 20


@dataclass
class RawTable:
    """The user's columns, as read, with ``ROW`` holding each row's position in the source."""

    frame: pl.DataFrame
    source: str
    headerless: bool = False
    notes: list[str] = field(default_factory=list)


def _decode(raw: bytes, encoding: str | None, notes: list[str], source: str = "input"
            ) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError(f"the file is not in {encoding} (byte {raw[exc.start]:#04x} cannot "
                            f"be read; give its encoding, e.g. encoding='cp1252', or leave "
                            "it out to detect it)", source=source, row=line) from exc
        except LookupError as exc:
            raise DataError(f"unknown encoding '{encoding}' (e.g. utf-8, cp1252, latin-1, "
                            "utf-16)", source=source) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
            notes.append(Note("encoding", encoding="Windows-1252 (Latin-1)"))
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            notes.append(Note("encoding", encoding="Latin-1"))
        return text


def _sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter giving the same number (>1) of fields on (nearly) every line."""
    best: tuple[float, int, str] | None = None
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        share = freq / len(counts)
        if mode > 1 and share >= 0.9:
            key = (share, mode, d)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _is_value(cell: str) -> bool:
    cell = cell.strip()
    if not cell:
        return False
    digits = sum(ch.isdigit() for ch in cell)
    return digits > 0 and digits >= len(cell.replace(" ", "")) / 2


def _has_header(first: list[str], rest: list[list[str]]) -> bool:
    """Header when the first row has no number- or date-like cell (every transaction row has
    at least a date) and some later row has one."""
    if any(_is_value(c) for c in first):
        return False
    return not rest or any(_is_value(c) for r in rest for c in r)


def _head(path: Path) -> bytes:
    """The file's first HEAD_BYTES, cut after the last complete line."""
    with path.open("rb") as fh:
        start = fh.read(HEAD_BYTES)
    if len(start) == HEAD_BYTES and b"\n" in start:
        start = start[: start.rindex(b"\n") + 1]
    return start


def read_delimited(
    path: Path,
    *,
    separator: str | None = None,
    has_header: bool | None = None,
    encoding: str | None = None,
) -> RawTable:
    """Read a delimited text file with every column as text.

    The delimiter and header are sniffed from the first lines. A UTF-8 file goes to Polars'
    reader as it is; any other encoding (or a file that turns out not to be UTF-8 past its
    first lines) is decoded in Python first."""
    notes: list[str] = []
    head = [ln for ln in _decode(_head(path), encoding, [], str(path)).splitlines()
            [:SNIFF_LINES] if ln.strip()]
    if not head:
        raise DataError("the file is empty", source=str(path))
    whitespace = False
    if separator is None:
        separator = _sniff_delimiter(head)
        if separator is None:
            widths = Counter(len(ln.split()) for ln in head)
            mode, freq = widths.most_common(1)[0]
            if mode > 1 and freq / len(head) >= 0.9:
                whitespace = True
            else:
                raise DataError(
                    "cannot tell the delimiter (tried , ; tab | and spaces); give it with "
                    "separator=...", source=str(path))
    elif separator in ("whitespace", " "):
        whitespace = True
    rows = [ln.split() for ln in head] if whitespace else list(
        csv.reader(head, delimiter=separator))
    if has_header is None:
        has_header = _has_header(rows[0], rows[1:])
    if whitespace:
        text = _decode(path.read_bytes(), encoding, notes, str(path))
        lines = pl.DataFrame({"line": text.splitlines()})
        lines = lines.with_row_index(ROW, offset=1)
        lines = lines.filter(pl.col("line").str.strip_chars() != "")
        tokens = pl.col("line").str.extract_all(r"\S+")
        width = max(len(r) for r in rows)
        if has_header:
            names = rows[0]
            lines = lines.slice(1)
        else:
            names = [f"column_{i + 1}" for i in range(width)]
        frame = lines.select(
            pl.col(ROW).cast(pl.Int64),
            *[tokens.list.get(i, null_on_oob=True).alias(n) for i, n in enumerate(names)],
        )
        desc = "whitespace"
    else:
        def parse(source: Path | bytes) -> pl.DataFrame:
            return pl.read_csv(
                source, separator=separator, has_header=has_header, infer_schema=False,
                glob=False,  # a path is a path: '[1]' in a folder's name is no pattern
                row_index_name=ROW, row_index_offset=2 if has_header else 1,
                truncate_ragged_lines=True,
            ).with_columns(pl.col(ROW).cast(pl.Int64))

        frame = None
        if encoding is None or encoding.lower().replace("-", "").replace("_", "") == "utf8":
            try:
                frame = parse(path)  # Polars reads UTF-8 (and skips a BOM) itself
            except pl.exceptions.ComputeError as exc:
                if "utf-8" not in str(exc).lower():
                    raise
        if frame is None:
            text = _decode(path.read_bytes(), encoding, notes, str(path))
            frame = parse(text.encode("utf-8"))
        if not has_header:
            frame = frame.rename(
                {c: f"column_{i}" for i, c in enumerate(frame.columns) if c != ROW})
        desc = {"\t": "tab"}.get(separator, repr(separator))
    notes.append(Note("delimited", delimiter=desc,
                      header="with header" if has_header else "without header"))
    return RawTable(frame, str(path), headerless=not has_header, notes=notes)


def _from_frame(obj: Any) -> pl.DataFrame | None:
    if isinstance(obj, pl.LazyFrame):
        return obj.collect()
    if isinstance(obj, pl.DataFrame):
        return obj
    module = type(obj).__module__.split(".")[0]
    if module == "pandas":
        try:
            return pl.from_pandas(obj.reset_index(drop=True))
        except ImportError as exc:  # Polars converts most pandas columns through PyArrow
            raise DataError(f"reading a pandas frame needs {exc.name or 'pyarrow'}: pip install "
                            "'clv[pandas]'", source="pandas frame") from exc
    if module == "pyarrow":
        out = pl.from_arrow(obj)
        return out if isinstance(out, pl.DataFrame) else out.to_frame()
    return None


def read_sql(url: str, *, table: str | None = None, query: str | None = None) -> RawTable:
    """Read a table or query from a database given by a SQLAlchemy URL."""
    try:
        import sqlalchemy as sa
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DataError("reading a database needs SQLAlchemy: pip install 'clv[sql]'",
                        source=url) from exc
    if (table is None) == (query is None):
        raise DataError("give either a table or a query to read from the database", source=url)
    engine = sa.create_engine(url)
    if table is not None:
        sql: Any = sa.select(sa.text("*")).select_from(sa.table(table))
    else:
        sql = sa.text(query)
    try:
        with engine.connect() as conn:
            result = conn.execute(sql)
            names = list(result.keys())
            data = [tuple(r) for r in result]
    except sa.exc.SQLAlchemyError as exc:
        raise DataError(f"the database refused the read: {exc.__class__.__name__}: "
                        f"{str(exc).splitlines()[0]}", source=url) from exc
    finally:
        engine.dispose()
    frame = pl.DataFrame(data, schema=names, orient="row", infer_schema_length=None)
    where = f"{_redact(url)} ({table or 'query'})"
    return RawTable(frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64)),
                    where)


def _redact(url: str) -> str:
    """Hide a password in a database URL before it is shown."""
    try:
        import sqlalchemy as sa

        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return url.split("@")[-1]


def read_raw(
    source: Any,
    *,
    separator: str | None = None,
    has_header: bool | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    table: str | None = None,
    query: str | None = None,
) -> RawTable:
    """Read any supported source into a :class:`RawTable`."""
    frame = _from_frame(source)
    if frame is not None:
        name = f"{type(source).__module__.split('.')[0]} frame"
        return RawTable(
            frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64)), name)
    if isinstance(source, str) and "://" in source:
        return read_sql(source, table=table, query=query)
    if not isinstance(source, str | Path):
        raise DataError(f"cannot read a {type(source).__name__}; give a path, a database URL "
                        "or a pandas / Polars / PyArrow frame")
    path = Path(source)
    if not path.exists():
        raise DataError("no such file", source=str(path))
    suffix = "".join(path.suffixes[-1:]).lower()
    notes: list[str] = []
    try:
        if suffix == ".parquet":
            frame = pl.read_parquet(path, glob=False)
            offset = 1
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            try:
                frame = pl.read_excel(path, sheet_name=sheet if isinstance(sheet, str) else None,
                                      sheet_id=sheet if isinstance(sheet, int) else None,
                                      engine="calamine")
            except ModuleNotFoundError as exc:
                raise DataError("reading Excel needs fastexcel: pip install 'clv[excel]'",
                                source=str(path)) from exc
            offset = 2
            if sum(c.startswith("__UNNAMED__") for c in frame.columns) * 2 >= frame.width:
                frame, offset = _header_below_title(path, sheet, frame, notes)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(path)
            offset = 1
        elif suffix == ".json":
            frame = pl.read_json(path)
            offset = 1
        else:
            return read_delimited(path, separator=separator, has_header=has_header,
                                  encoding=encoding)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(f"cannot read the file: {str(exc).splitlines()[0]}",
                        source=str(path)) from exc
    frame = frame.with_row_index(ROW, offset=offset).with_columns(pl.col(ROW).cast(pl.Int64))
    return RawTable(frame, str(path), notes=notes)


def _header_below_title(path: Path, sheet: str | int | None, frame: pl.DataFrame,
                        notes: list[str]) -> tuple[pl.DataFrame, int]:
    """A sheet whose first row is a title ('Export du 02/12/2026') and most columns unnamed:
    the header is the first of its first rows with a text in (nearly) every column; the rows
    after it are the data (as text, read by the parsers like a CSV's). Unchanged when no row
    looks like a header."""
    cells = pl.read_excel(path, sheet_name=sheet if isinstance(sheet, str) else None,
                          sheet_id=sheet if isinstance(sheet, int) else None,
                          engine="calamine", has_header=False)
    cells = cells.with_columns(pl.all().cast(pl.String))
    for i, row in enumerate(cells.head(30).iter_rows()):
        names = [v.strip() if isinstance(v, str) else "" for v in row]
        filled = [n for n in names if n]
        if len(filled) >= max(2, 0.8 * len(names)) and not any(
                n.replace(".", "").replace(",", "").replace("-", "").isdigit() for n in filled):
            names = [n or f"column_{j + 1}" for j, n in enumerate(names)]
            if len(set(names)) < len(names):
                break
            notes.append(Note("header_row", row=i + 1))
            return cells.slice(i + 1).rename(dict(zip(cells.columns, names, strict=True))), \
                i + 2
    return frame, 2
