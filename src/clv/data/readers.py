"""Readers: any supported source to a raw table of the user's columns.

CSV and text files are sniffed for encoding (UTF-8, with or without BOM; UTF-16 or UTF-32 by
their byte-order mark, UTF-16 without one by its zero bytes; else Windows-1252 / Latin-1, line
by line when only a few lines are not UTF-8), line ends (a carriage return alone is read as a
line end), delimiter (``,`` ``;`` tab ``|`` or runs of whitespace) and header. Every reader
keeps the position of each row in the source so that errors can name it.

Files are read within bounds, so that a hostile or broken file is refused in one sentence
instead of exhausting the machine: at most ``MAX_COLUMNS`` columns (any file; frames and
database reads are not bounded, their columns were chosen by the caller), and a workbook is
checked before the Excel engine (calamine) sees it: total size once uncompressed, compression
ratio of each part, markup at least every MiB, and the cells of the sheet read (calamine
allocates the whole range between the first and the last cell it finds).
"""

from __future__ import annotations

import codecs
import copy
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zlib import error as zlib_error

import numpy as np
import polars as pl

from clv.errors import DataError, Words
from clv.notes import Note

ROW = "__row__"
DELIMITERS = [",", ";", "\t", "|"]
SNIFF_LINES = 200
HEAD_BYTES = 1 << 20

MAX_COLUMNS = 2_000
"""Most columns read from a file. Real exports stay far below (Shopify orders: 79 columns, a
WooCommerce export with its meta fields: a few hundred); past it the mapping, the duplicate
checks and the pages listing columns grow with the width, so a 10,000-column file is refused
in one sentence naming how to keep the columns needed."""

FIELD_LIMIT = 64 << 20
# Python's csv module (the sniffer below) refuses a field over 128 KiB by default, and its limit
# is one per process: raised once here, never lowered (a comment or a product description of
# 1 MB is data). Polars, which reads the file, has no such limit.
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))

EXCEL_MAX_UNCOMPRESSED = 512 << 20
"""Largest workbook read, once its parts are uncompressed: a sheet of 10 million cells written
by Excel or xlsxwriter takes some 300-450 MB of XML (measured: 43 bytes a cell)."""
EXCEL_MAX_RATIO = 100
"""Largest compression ratio of a workbook's part past its first MiB. The most repetitive real
sheet measured (200,000 rows x 10 columns of one number) compresses 14:1, a typical export
7:1; a zip bomb (a sheet of whitespace) compresses about 1,000:1."""
EXCEL_MAX_CELLS = 10_000_000
"""Most cells in the range of the sheet read (rows x columns from the first cell to the last).
The Excel engine allocates that whole range, 32 bytes a cell: 10 million cells are 320 MB
(a full sheet of 1,048,576 rows x 9 columns); one stray cell at XFD1048576 would be 512 GiB."""
EXCEL_MAX_TEXT = 512 << 20
"""Bytes of text the cells of a sheet may take from the workbook's table of shared texts,
once each cell holds its copy (a 100 KB text used by 380,000 cells would be 38 GB)."""
EXCEL_MARKUP_RUN = 1 << 20
"""A workbook's XML has markup ('<') at least every EXCEL_MARKUP_RUN bytes (a cell holds at
most 32,767 characters, some 200 KB escaped); a longer run is a text the Excel engine would
hold whole in memory."""
XLS_MAX_BYTES = 100 << 20
"""Largest old binary workbook (.xls) read: the format holds at most 65,536 rows x 256
columns, and real .xls exports stay well under this size."""

_BOMS = ((b"\xff\xfe\x00\x00", "utf-32", "UTF-32 LE"),
         (b"\x00\x00\xfe\xff", "utf-32", "UTF-32 BE"),
         (b"\xff\xfe", "utf-16", "UTF-16 LE"), (b"\xfe\xff", "utf-16", "UTF-16 BE"))
_CP1252 = "Windows-1252 (Latin-1)"
_SHOWN_LINES = 5


@dataclass
class RawTable:
    """The user's columns, as read, with ``ROW`` holding each row's position in the source."""

    frame: pl.DataFrame
    source: str
    headerless: bool = False
    notes: list[str] = field(default_factory=list)


def _wide(start: bytes) -> tuple[str, str, bool] | None:
    """(codec, name, guessed) of a UTF-16 or UTF-32 file: told by its byte-order mark, or for
    UTF-16 without one (guessed) by its zero bytes: text of the Latin alphabet in UTF-16 has a
    zero in every other byte, at odd positions in little-endian order, even in big-endian."""
    for bom, codec, name in _BOMS:
        if start.startswith(bom):
            return codec, name, False
    sample = start[:4096]
    half = len(sample) // 2
    if half >= 8:
        even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
        if odd >= 0.3 and even <= 0.02:
            return "utf-16-le", "UTF-16 LE", True
        if even >= 0.3 and odd <= 0.02:
            return "utf-16-be", "UTF-16 BE", True
    return None


def _decode(raw: bytes, encoding: str | None, notes: list[str], source: str = "input", *,
            final: bool = True) -> str:
    """The text of ``raw`` (``final=False``: the start of a longer file, which may end inside
    a character)."""
    if encoding:
        try:
            if not codecs.lookup(encoding)._is_text_encoding:  # rot13, zlib_codec, base64...
                raise DataError(key="error_not_text_encoding",
                                values={"encoding": encoding}, source=source)
            return codecs.getincrementaldecoder(encoding)().decode(raw, final)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode(encoding, errors="replace").count("\n") + 1
            raise DataError(key="error_not_in_encoding",
                            values={"encoding": encoding, "byte": f"{raw[exc.start]:#04x}"},
                            source=source, row=line) from exc
        except LookupError as exc:
            raise DataError(key="error_unknown_encoding", values={"encoding": encoding},
                            source=source) from exc
    wide = _wide(raw)
    if wide:
        codec, name, guessed = wide
        try:
            text = codecs.getincrementaldecoder(codec)().decode(raw, final)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode(codec, errors="replace").count("\n") + 1
            raise DataError(key="error_wide_unreadable",
                            values={"name": name, "start": exc.start},
                            source=source, row=line) from exc
        notes.append(Note("encoding_guessed" if guessed else "encoding", encoding=name))
        return text
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(raw, final)
    except UnicodeDecodeError:
        return _mostly_utf8(raw, notes)


_ESCAPED = "[\udc80-\udcff]"  # a byte that is not UTF-8, decoded with surrogateescape


def _mostly_utf8(raw: bytes, notes: list[str]) -> str:
    """Text that is not wholly UTF-8. Lines that are UTF-8 stay so and the others are read as
    Windows-1252 (Latin-1 for its 5 undefined bytes), as long as at most half of the lines
    with non-ASCII characters fail: then a valid UTF-8 id ('Zoë') is never changed by a few
    stray lines. When most of them fail, the file is Windows-1252 and read wholly so (a line
    of it that happens to be valid UTF-8 is noted). Lines are counted by regular expressions
    over the whole text, so that a large file costs a few passes, not a loop over its lines."""
    text = raw.decode("utf-8", "surrogateescape")
    bad = re.subn(_ESCAPED + "[^\n]*", "", text)[1]  # a count, without a list of matches
    good = re.subn("[^\\x00-\\x7f][^\n]*", "", text)[1] - bad
    if bad > good:
        notes.append(Note("encoding", encoding=_CP1252) if not good else Note(
            "encoding_majority", bad=bad, good=good, encoding=_CP1252))
        return _cp1252(raw)
    pieces, shown, pos, line = [], [], 0, 1
    escaped = re.compile(_ESCAPED)
    while found := escaped.search(text, pos):
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.end())
        end = len(text) if end < 0 else end
        if len(shown) <= _SHOWN_LINES:
            line += text.count("\n", pos, start)
            shown.append(str(line) if len(shown) < _SHOWN_LINES else "...")
            line += text.count("\n", start, end)
        pieces += [text[pos:start], _cp1252(text[start:end].encode("utf-8", "surrogateescape"))]
        pos = end
    pieces.append(text[pos:])
    notes.append(Note("encoding_mixed", n=bad, lines=", ".join(shown), encoding=_CP1252))
    return "".join(pieces)


def _cp1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


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


_NAME = re.compile(r"[^\W\d]\w*")  # a letter, then letters, digits or _: 'x12', 'q1', 'col_3'


def _is_value(cell: str) -> bool:
    """A cell that looks like a number, a date or an id with digits (a data row's)."""
    cell = cell.strip()
    if not cell:
        return False
    digits = sum(ch.isdigit() for ch in cell)
    return digits > 0 and digits >= len(cell.replace(" ", "")) / 2


def _has_header(first: list[str], rest: list[list[str]]) -> bool:
    """Header when the first row has no number- or date-like cell (every transaction row has
    at least a date) and some later row has one."""
    if not any(_is_value(c) for c in first):
        return not rest or any(_is_value(c) for r in rest for c in r)
    # names such as 'x0', 'q1', 'col_3' look like ids ('C12'): they are a header when every
    # cell of the first row is such a name and a column below one of them holds values of
    # another kind (dates, amounts), as a header's column does and a column of ids does not
    if not rest or not all(_NAME.fullmatch(c.strip()) for c in first if c.strip()):
        return False
    for j in range(len(first)):
        below = [r[j].strip() for r in rest if j < len(r) and r[j].strip()]
        if below and all(_is_value(b) and not _NAME.fullmatch(b) for b in below):
            return True
    return False


def _head(path: Path, encoding: str | None, source: str) -> str:
    """The text of the file's first HEAD_BYTES, cut after the last complete line."""
    with path.open("rb") as fh:
        start = fh.read(HEAD_BYTES)
    whole = len(start) < HEAD_BYTES
    if not whole and _wide(start) is None and encoding is None:
        cut = max(start.rfind(b"\n"), start.rfind(b"\r"))
        start = start[: cut + 1] if cut >= 0 else start
    text = _decode(start, encoding, [], source, final=whole)
    cut = max(text.rfind("\n"), text.rfind("\r"))
    return text if whole or cut < 0 else text[: cut + 1]


def _separator(separator: str | None, source: str) -> str | None:
    """The separator given, checked: one ASCII character (Polars splits on one byte), 'tab',
    or 'whitespace' (runs of spaces and tabs)."""
    if separator is None or separator == "whitespace":
        return separator
    if separator in ("tab", "\\t"):
        return "\t"
    if separator == " ":
        return "whitespace"
    if len(separator) != 1 or not separator.isascii() or separator in "\"\r\n":
        got = Words("error_empty_text") if not separator else repr(separator)
        raise DataError(key="error_separator", values={"given": got}, source=source)
    return separator


def _too_wide(width: int, source: str) -> DataError:
    return DataError(key="error_too_wide", values={"width": width, "most": MAX_COLUMNS},
                     source=source)


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
    first lines), and a file whose lines end with a carriage return alone, is decoded in Python
    first. More than ``MAX_COLUMNS`` columns is an error."""
    source = str(path)
    separator = _separator(separator, source)
    notes: list[str] = []
    text_head = _head(path, encoding, source)
    cr_only = "\r" in text_head and "\n" not in text_head
    head = [ln for ln in text_head.splitlines()[:SNIFF_LINES] if ln.strip()]
    if not head:
        raise DataError(key="error_empty_file", source=source)
    whitespace = separator == "whitespace"
    try:
        if separator is None:
            separator = _sniff_delimiter(head)
            if separator is None:
                widths = Counter(len(ln.split()) for ln in head)
                mode, freq = widths.most_common(1)[0]
                if mode > 1 and freq / len(head) >= 0.9:
                    whitespace = True
                else:
                    raise DataError(key="error_no_delimiter", source=source)
        rows = [ln.split() for ln in head] if whitespace else list(
            csv.reader(head, delimiter=separator))
    except csv.Error as exc:  # e.g. a field past FIELD_LIMIT
        raise DataError(key="error_first_lines", values={"detail": str(exc)},
                        source=source) from exc
    width = max(len(r) for r in rows)
    if width > MAX_COLUMNS:
        raise _too_wide(width, source)
    if has_header is None:
        has_header = _has_header(rows[0], rows[1:])

    def text() -> str:
        out = _decode(path.read_bytes(), encoding, notes, source)
        if cr_only:
            notes.append(Note("cr_line_ends"))
            out = out.replace("\r\n", "\n").replace("\r", "\n")
        return out

    if whitespace:
        lines = pl.DataFrame({"line": text().splitlines()})
        lines = lines.with_row_index(ROW, offset=1)
        lines = lines.filter(pl.col("line").str.strip_chars() != "")
        tokens = pl.col("line").str.extract_all(r"\S+")
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
        utf8 = encoding is None or encoding.lower().replace("-", "").replace("_", "") == "utf8"
        if utf8 and not cr_only and (encoding or _wide(_start(path)) is None):
            try:
                frame = parse(path)  # Polars reads UTF-8 (and skips a BOM) itself
            except pl.exceptions.ComputeError as exc:
                if "utf-8" not in str(exc).lower():
                    raise
        if frame is None:
            frame = parse(text().encode("utf-8"))
        if frame.width - 1 > MAX_COLUMNS:
            raise _too_wide(frame.width - 1, source)
        if not has_header:
            frame = frame.rename(
                {c: f"column_{i}" for i, c in enumerate(frame.columns) if c != ROW})
        desc = {"\t": "tab"}.get(separator, repr(separator))
    notes.append(Note("delimited", delimiter=desc,
                      header="with header" if has_header else "without header"))
    return RawTable(frame, source, headerless=not has_header, notes=notes)


def _start(path: Path, size: int = 4096) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an element, with or without a namespace prefix
_SHEET_ROOT = re.compile(_TAG + rb"worksheet[\s>]")
_STRINGS_ROOT = re.compile(_TAG + rb"sst[\s>]")
# A cell's or a row's reference (r="B12", r="12"); no other attribute of a worksheet is named r.
# (XML allows either quote and spaces around '=': r = 'XFD1048576')
_REF_LETTERS = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]+)')
_REF_DIGITS = re.compile(rb'\sr\s*=\s*["\'][A-Za-z]*([0-9]+)')
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
_ROW_TAGS = (b"<row ", b"<row>", b"<row/>")
_STRING = re.compile(_TAG + rb"si[\s/>]")
_POSITION = re.compile(_TAG + rb"(row|c)\b([^>]*)>")
_REF = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']([A-Za-z]*)([0-9]*)["\']')
_CHUNK = 1 << 20
# Shared texts: each <si> of the table, and each cell that takes one (t="s", its index in <v>)
_SI_EDGE = re.compile(_TAG + rb"si[\s>]|" + _TAG + rb"si/>|</(?:[A-Za-z_][\w.-]*:)?si>")
_SHARED_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\st\s*=\s*[\"']s[\"'][^>]*>\s*"
                          rb"<(?:[A-Za-z_][\w.-]*:)?v>\s*([0-9]{1,9})\s*<")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b")


class _NoMarkup(Exception):
    """A run of EXCEL_MARKUP_RUN bytes or more without markup in a workbook's XML."""


@dataclass
class _Range:
    """Rows and columns (1-based) between the first and the last cell of a worksheet. The
    sheet's declared <dimension ref="..."/> is not used: the engine allocates the range of the
    cells it finds (measured: a declared A1:XFD1048576 over 4 cells reads in 0.3 s, 106 MB),
    and a file can declare anything."""

    rows: tuple[int, int] | None = None
    cols: tuple[int, int] | None = None

    def add(self, rows: set[int], cols: set[int]) -> None:
        if rows:
            lo, hi = min(rows), max(rows)
            self.rows = (min(lo, self.rows[0]), max(hi, self.rows[1])) if self.rows else (lo, hi)
        if cols:
            lo, hi = min(cols), max(cols)
            self.cols = (min(lo, self.cols[0]), max(hi, self.cols[1])) if self.cols else (lo, hi)

    def shape(self) -> tuple[int, int]:
        if not self.rows or not self.cols:
            return (0, 0)
        return self.rows[1] - self.rows[0] + 1, self.cols[1] - self.cols[0] + 1

    def __str__(self) -> str:
        if not self.rows or not self.cols:
            return "empty"
        return f"{_letters(self.cols[0])}{self.rows[0]}:{_letters(self.cols[1])}{self.rows[1]}"


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) <= 9 else 10**9  # past any sheet, and int() is bounded


def _column(letters: bytes) -> int:
    if len(letters) > 4:
        return 26**4  # past any sheet
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


class _Part:
    """Streaming check of one part of a workbook: its cells' range when it is a worksheet,
    its count of strings when it is the table of shared strings."""

    def __init__(self, first: bytes) -> None:
        self.sheet = _SHEET_ROOT.search(first[:4096]) is not None
        self.strings = _STRINGS_ROOT.search(first[:4096]) is not None
        self.range = _Range()
        self.n_strings = 0
        self.lengths = array("q")  # bytes of each shared text (its markup included)
        self.opened: int | None = None  # where the <si> being read began
        self.offset = 0  # bytes of the part before the current chunk
        self.shared: list[np.ndarray] = []  # indexes of the shared texts the cells take
        self.cell_carry = b""
        self.unplaced = False  # cells or rows without a reference (placed by their order)
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        if not (self.sheet or self.strings):
            return
        buf = self.carry + chunk
        cut = buf.rfind(b">") + 1
        self.carry = buf[cut:]
        if len(self.carry) > 2 * EXCEL_MARKUP_RUN:
            raise _NoMarkup
        buf = buf[:cut]
        if self.strings:
            self.n_strings += len(_STRING.findall(buf))
            for m in _SI_EDGE.finditer(buf):
                if m.group().startswith(b"</"):
                    if self.opened is not None:
                        self.lengths.append(self.offset + m.end() - self.opened)
                        self.opened = None
                elif m.group().endswith(b"/>"):
                    self.lengths.append(m.end() - m.start())
                else:
                    self.opened = self.offset + m.start()
            self.offset += len(buf)
            return
        # the shared texts the cells take; a cell cut by the chunk's end waits for the next
        cells = self.cell_carry + buf
        last = None
        for m in _CELL_START.finditer(cells, max(0, len(cells) - 65536)):
            last = m
        keep = last.start() if last is not None and b"</" not in cells[last.end():] and \
            not cells.endswith(b"/>") else len(cells)
        found = _SHARED_CELL.findall(cells, 0, keep)
        if found:
            self.shared.append(np.array(found, dtype=np.int64))
        self.cell_carry = cells[keep:]
        if len(self.cell_carry) > 2 * EXCEL_MARKUP_RUN:
            raise _NoMarkup
        # fast: every reference at once, and tags counted (bytes.count); when some cell or
        # row has no reference, the sheet is walked in order afterwards (_place)
        letters = _REF_LETTERS.findall(buf)
        digits = _REF_DIGITS.findall(buf)
        cells = sum(buf.count(t) for t in _CELL_TAGS)
        rows = sum(buf.count(t) for t in _ROW_TAGS)
        if b":c" in buf or b":row" in buf:  # tags with a namespace prefix (<x:c r="A1">)
            cells += sum(buf.count(b":" + t[1:]) for t in _CELL_TAGS)
            rows += sum(buf.count(b":" + t[1:]) for t in _ROW_TAGS)
        if len(letters) < cells or len(digits) - len(letters) < rows:
            self.unplaced = True
        self.range.add({_number(d) for d in set(digits)}, {_column(c) for c in set(letters)})


def _place(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Range:
    """The range of a worksheet whose cells or rows are not all given a reference: the engine
    places such a cell after the previous one in its row, such a row after the previous row,
    so the sheet is walked in order (slower; Excel, LibreOffice and xlsxwriter write every
    reference)."""
    out = _Range()
    row = col = 0
    carry = b""
    with _open_part(zf, info) as fh:
        while chunk := fh.read(_CHUNK):
            buf = carry + chunk
            cut = buf.rfind(b">") + 1
            carry = buf[cut:]
            rows: set[int] = set()
            cols: set[int] = set()
            for m in _POSITION.finditer(buf[:cut]):
                kind, attrs = m.group(1), m.group(2) or b""
                ref = _REF.search(attrs)
                if kind == b"row":
                    row = _number(ref.group(2)) if ref and ref.group(2) else row + 1
                    col = 0
                elif kind == b"c":
                    if ref and ref.group(1):
                        col = _column(ref.group(1))
                        row = _number(ref.group(2)) if ref.group(2) else row
                    else:
                        col += 1
                    rows.add(row)
                    cols.add(col)
            out.add(rows, cols)
    return out


def _open_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """The part's stream, read to the end of its compressed data whatever size it declares
    (the Excel engine does not stop at the declared size either)."""
    probe = copy.copy(info)
    probe.file_size = 1 << 62
    return zf.open(probe)


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, part) of each worksheet in the workbook's order; empty when the workbook's
    index cannot be read (then every worksheet is checked)."""
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book, rels = (zf.getinfo("xl/workbook.xml"), zf.getinfo("xl/_rels/workbook.xml.rels"))
        if max(book.file_size, rels.file_size) > 4 * _CHUNK:
            return []
        targets = {r.get("Id"): r.get("Target", "") for r in
                   ElementTree.fromstring(zf.read(rels)).iter() if r.get("Id")}
        out = []
        for sheet in ElementTree.fromstring(zf.read(book)).iter():
            if sheet.tag.endswith("}sheet") and sheet.get(rel) in targets:
                target = targets[sheet.get(rel)]
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                out.append((sheet.get("name", "?"), part))
        return out
    except (LookupError, ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError,
            RuntimeError, NotImplementedError, EOFError):  # e.g. an unknown encoding declared
        return []


def _check_workbook(zf: zipfile.ZipFile, sheet: str | int | None, source: str) -> None:
    """Refuse a workbook that would make the Excel engine exhaust memory: parts that inflate
    past EXCEL_MAX_UNCOMPRESSED in all or by more than EXCEL_MAX_RATIO each (a zip bomb), a
    run of EXCEL_MARKUP_RUN bytes without markup, more shared strings than EXCEL_MAX_CELLS,
    and a sheet to read whose cells span more than EXCEL_MAX_CELLS or MAX_COLUMNS."""
    total = 0
    ranges: dict[str, _Range] = {}
    shared: dict[str, list[np.ndarray]] = {}
    lengths = np.zeros(0, dtype=np.int64)
    for info in zf.infolist():
        if info.is_dir():
            continue
        size = 0
        try:
            with _open_part(zf, info) as fh:
                part = None
                while chunk := fh.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > EXCEL_MAX_UNCOMPRESSED:
                        raise DataError(key="error_workbook_inflated",
                                        values={"mib": EXCEL_MAX_UNCOMPRESSED >> 20},
                                        source=source)
                    if size > _CHUNK and size > EXCEL_MAX_RATIO * max(info.compress_size, 1):
                        raise DataError(key="error_zip_bomb",
                                        values={"part": info.filename, "ratio": EXCEL_MAX_RATIO},
                                        source=source)
                    if part is None:
                        part = _Part(chunk)
                        xml = chunk.lstrip()[:1] in (b"<", b"") or chunk.startswith(
                            codecs.BOM_UTF8)
                    if xml and len(chunk) == _CHUNK and b"<" not in chunk:
                        raise _NoMarkup
                    part.feed(chunk)
        except _NoMarkup as exc:
            raise DataError(key="error_no_markup",
                            values={"part": info.filename, "mib": EXCEL_MARKUP_RUN >> 20},
                            source=source) from exc
        except (zipfile.BadZipFile, EOFError, zlib_error) as exc:
            raise DataError(key="error_workbook_damaged_part",
                            values={"part": info.filename, "detail": str(exc)},
                            source=source) from exc
        except (NotImplementedError, RuntimeError) as exc:  # other compression, a password
            raise DataError(key="error_workbook_locked", values={"detail": str(exc)},
                            source=source) from exc
        if size != info.file_size:
            raise DataError(key="error_workbook_size",
                            values={"part": info.filename, "declared": info.file_size,
                                    "size": size}, source=source)
        if part is None:
            continue
        if part.strings and part.n_strings > EXCEL_MAX_CELLS:
            raise DataError(key="error_workbook_texts",
                            values={"n": part.n_strings, "most": EXCEL_MAX_CELLS},
                            source=source)
        if part.sheet:
            ranges[info.filename] = _place(zf, info) if part.unplaced else part.range
            shared[info.filename] = part.shared
        if part.strings:
            lengths = np.frombuffer(part.lengths, dtype=np.int64) if part.lengths else \
                np.zeros(0, dtype=np.int64)
    parts = _sheet_parts(zf)
    if isinstance(sheet, str):
        chosen = [(n, p) for n, p in parts if n == sheet]
    elif parts:
        chosen = parts[(sheet or 1) - 1: (sheet or 1)]
    else:
        chosen = []
    if not chosen:  # unknown layout or sheet: every worksheet must pass
        chosen = [(p.rsplit("/", 1)[-1], p) for p in ranges]
    folded = {k.lower(): v for k, v in ranges.items()}  # the engine finds parts in any case
    if any(p.lower() not in folded for _, p in chosen):  # a part not found: check them all
        chosen = [(p.rsplit("/", 1)[-1], p) for p in ranges]
    taken = {k.lower(): v for k, v in shared.items()}
    for name, part_name in chosen:
        found = folded[part_name.lower()]
        indexes = np.concatenate(taken[part_name.lower()]) if taken[part_name.lower()] \
            else np.zeros(0, dtype=np.int64)
        text = int(lengths[indexes[indexes < lengths.size]].sum()) if lengths.size else 0
        if text > EXCEL_MAX_TEXT:
            raise DataError(key="error_sheet_shared_text",
                            values={"sheet": name, "cells": int(indexes.size),
                                    "gb": text / 1e9, "mib": EXCEL_MAX_TEXT >> 20},
                            source=source)
        rows, cols = found.shape()
        if rows * cols > EXCEL_MAX_CELLS or cols > MAX_COLUMNS:
            what = (Words("error_more_cells", most=EXCEL_MAX_CELLS)
                    if rows * cols > EXCEL_MAX_CELLS
                    else Words("error_more_columns", most=MAX_COLUMNS))
            raise DataError(key="error_sheet_span",
                            values={"sheet": name, "span": str(found), "rows": rows,
                                    "cols": cols, "cells": rows * cols, "what": what},
                            source=source)


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
            raise DataError(key="error_pandas_needs", values={"module": exc.name or "pyarrow"},
                            source="pandas frame") from exc
    if module == "pyarrow":
        out = pl.from_arrow(obj)
        return out if isinstance(out, pl.DataFrame) else out.to_frame()
    return None


READ_TIMEOUT_MS = 60_000
"""Longest a read-only database query may run (PostgreSQL's statement_timeout)."""

_DRIVERS = {"MySQLdb": "mysqlclient", "pymysql": "pymysql", "psycopg2": "psycopg2-binary",
            "psycopg": "psycopg[binary]", "pyodbc": "pyodbc", "oracledb": "oracledb",
            "cx_Oracle": "cx_Oracle", "asyncpg": "asyncpg", "aiosqlite": "aiosqlite",
            "mysql": "mysql-connector-python", "pg8000": "pg8000", "pymssql": "pymssql"}
"""pip package of each database driver module (the module's name when absent here)."""

_WRITES = ("insert", "update", "delete", "merge", "into", "drop", "alter", "create",
           "truncate", "attach", "detach", "pragma", "grant", "revoke", "vacuum", "reindex")
_LEXEME = re.compile(r"""'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`[^`]*`?|\[[^\]]*\]?|--[^\n]*|"""
                     r"""/\*.*?(?:\*/|\Z)|(?<![\w$])(\$(?:[A-Za-z_]\w*)?\$).*?(?:\1|\Z)""", re.S)
_REACH = re.compile(r"\b(?:dblink\w*|lo_\w+|pg_read_\w+|pg_ls_\w+|pg_stat_file|"
                    r"pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|"
                    r"pg_promote|pg_advisory\w*|set_config|load_extension|readfile|writefile)"
                    r"(?=\s*\()")
"""Functions a read-only transaction does not hold: dblink runs its statements on a
connection of its own, others read the server's files or act on its sessions and settings
(PostgreSQL; SQLite's extension loading and file functions)."""
# Quoted texts and identifiers, comments and PostgreSQL's $tag$ texts: where this lexer and
# the database's differ (nested comments, backslash escapes) it sets aside less, never more.


def check_select(query: str, source: str = "query") -> str:
    """The query, if it is one statement reading data (SELECT, or WITH ... SELECT), else a
    DataError: comments and quoted texts set aside, it must start with SELECT or WITH, hold no
    ';' but a last one, and no keyword of a statement that writes (INSERT, UPDATE, DELETE,
    DROP, PRAGMA, ATTACH, SELECT ... INTO ...), even inside WITH. A column or table named like
    such a keyword is written in double quotes. The check is the first guard; the read-only
    transaction of ``read_sql(..., read_only=True)`` is the second."""
    bare = _LEXEME.sub(lambda m: " " if m.group(0)[:2] in ("--", "/*") else " 'x' ",
                       query).strip()
    bare = bare[:-1].rstrip() if bare.endswith(";") else bare
    words = re.findall(r"[a-z_]\w*", bare.lower())
    if ";" in bare:
        raise DataError(key="error_query_single", source=source)
    if not words or words[0] not in ("select", "with"):
        raise DataError(key="error_query_select", source=source)
    joined = " ".join(words)
    for word in _WRITES:
        if re.search(rf"\b{word}\b", joined):
            raise DataError(key="error_query_writes", values={"word": word.upper()},
                            source=source)
    reach = _REACH.search(bare.lower())
    if reach:
        raise DataError(key="error_query_reach", values={"function": reach.group(0)},
                        source=source)
    return query


def read_sql(url: str, *, table: str | None = None, query: str | None = None,
             read_only: bool = False) -> RawTable:
    """Read a table or query from a database given by a SQLAlchemy URL.

    ``read_only=True`` (a query typed in the dashboard) allows one SELECT statement only (see
    :func:`check_select`) and runs it in a read-only transaction: PostgreSQL's ``SET
    TRANSACTION READ ONLY`` with a ``statement_timeout`` of READ_TIMEOUT_MS, through a
    server-side cursor (which holds one SELECT), SQLite's ``PRAGMA query_only`` (its driver
    runs one statement per call); other databases are refused then, their read-only mode not
    being checked here. A missing driver names the package to install."""
    where = _redact(url)
    try:
        import sqlalchemy as sa
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DataError(key="error_needs_sqlalchemy", source=where) from exc
    if (table is None) == (query is None):
        raise DataError(key="error_table_or_query", source=where)
    if read_only and query is not None:
        check_select(query, where)
    try:
        dialect = sa.engine.make_url(url).get_backend_name()
        if read_only and dialect not in ("postgresql", "sqlite"):
            raise DataError(key="error_read_only_dialect", values={"dialect": dialect},
                            source=where)
        engine = sa.create_engine(url)
    except ModuleNotFoundError as exc:
        module = (exc.name or "").split(".")[0]
        package: str | Words = _DRIVERS.get(module, module) or Words("error_its_driver")
        hint = Words("error_psycopg_hint") if module == "psycopg2" else ""
        raise DataError(key="error_needs_driver",
                        values={"module": module or "?", "package": package, "hint": hint},
                        source=where) from exc
    except (sa.exc.SQLAlchemyError, ValueError, TypeError, ImportError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(key="error_bad_url", values={"detail": detail}, source=where) from exc
    if table is not None:
        sql: Any = sa.select(sa.text("*")).select_from(sa.table(table))
    else:
        sql = sa.text(query)
    try:
        with engine.connect() as conn:
            if read_only and dialect == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(READ_TIMEOUT_MS)}")
                # through a server-side cursor (DECLARE ... CURSOR FOR): PostgreSQL takes one
                # SELECT there, never 'select 1; commit; delete ...' nor a writing WITH
                conn = conn.execution_options(stream_results=True)
            elif read_only:  # SQLite (whose driver runs one statement per call)
                conn.exec_driver_sql("PRAGMA query_only = ON")
            result = conn.execute(sql)
            names = list(result.keys())
            data = [tuple(r) for r in result]
    except sa.exc.SQLAlchemyError as exc:
        raise DataError(key="error_db_refused",
                        values={"kind": exc.__class__.__name__,
                                "detail": str(exc).splitlines()[0]}, source=where) from exc
    finally:
        engine.dispose()
    frame = pl.DataFrame(data, schema=names, orient="row", infer_schema_length=None)
    return RawTable(numbered(frame, 1),
                    f"{where} ({table or 'query'})")


def _redact(url: str) -> str:
    """Hide a password in a database URL before it is shown."""
    try:
        import sqlalchemy as sa

        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return url.split("@")[-1]


def numbered(frame: pl.DataFrame, offset: int) -> pl.DataFrame:
    """``frame`` with ``ROW`` first: each row's position in the source, from ``offset``, as
    Int64 (made so, rather than as a row index cast: one column written instead of two)."""
    return frame.select(pl.int_range(offset, offset + frame.height, dtype=pl.Int64)
                        .alias(ROW), pl.all())


def _parser_failure(exc: BaseException) -> bool:
    """An error of a native parser on the bytes it was given (Polars, fastexcel/calamine, or a
    Rust panic surfacing as pyo3's PanicException, which is no Exception)."""
    kind = type(exc)
    return isinstance(exc, pl.exceptions.PolarsError | OSError) or kind.__name__ == \
        "PanicException" or kind.__module__.lstrip("_") == "fastexcel"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_raw(
    source: Any,
    *,
    separator: str | None = None,
    has_header: bool | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    table: str | None = None,
    query: str | None = None,
    read_only: bool = False,
) -> RawTable:
    """Read any supported source into a :class:`RawTable`.

    Files are read within bounds (``MAX_COLUMNS``, and the workbook checks of
    :func:`_check_workbook`); ``read_only`` applies to database reads (see :func:`read_sql`).
    Whatever the file holds, the outcome is a table or a :class:`DataError` naming it."""
    frame = _from_frame(source)
    if frame is not None:
        name = f"{type(source).__module__.split('.')[0]} frame"
        return RawTable(
            numbered(frame, 1), name)
    if isinstance(source, str) and "://" in source:
        return read_sql(source, table=table, query=query, read_only=read_only)
    if not isinstance(source, str | Path):
        raise DataError(key="error_cannot_read_type", values={"kind": type(source).__name__})
    path = Path(source)
    if not path.exists():
        raise DataError(key="error_no_file", source=str(path))
    if path.is_dir():
        raise DataError(key="error_folder", source=str(path))
    suffix = "".join(path.suffixes[-1:]).lower()
    notes: list[str] = []
    try:
        if suffix == ".parquet":
            width = len(pl.scan_parquet(path, glob=False).collect_schema())  # metadata only
            if width > MAX_COLUMNS:
                raise _too_wide(width, str(path))
            frame = pl.read_parquet(path, glob=False)
            _check_dictionaries(frame, str(path))
            offset = 1
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            read = _read_workbook(path, sheet, notes)
            if read is None:
                return _renamed_text(path, suffix, separator=separator, has_header=has_header,
                                     encoding=encoding)
            if read.width - 1 > MAX_COLUMNS:
                raise _too_wide(read.width - 1, str(path))
            return RawTable(read, str(path), notes=notes)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(path)
            offset = 1
        elif suffix == ".json":
            frame = pl.read_json(path)
            offset = 1
        else:
            return read_delimited(path, separator=separator, has_header=has_header,
                                  encoding=encoding)
    except BaseException as exc:
        if isinstance(exc, DataError) or not _parser_failure(exc):
            raise
        raise DataError(key="error_cannot_read_file", values={"detail": _first_line(exc)},
                        source=str(path)) from exc
    if frame.width > MAX_COLUMNS:
        raise _too_wide(frame.width, str(path))
    frame = numbered(frame, offset)
    return RawTable(frame, str(path), notes=notes)


_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls (and a password-protected .xlsx)


def _read_workbook(path: Path, sheet: str | int | None, notes: list[str]
                   ) -> pl.DataFrame | None:
    """A workbook's sheet, its rows numbered (``ROW``) as the spreadsheet numbers them, its
    blank rows left out; None when the file is not a workbook but text. The file is checked
    before the Excel engine opens it.

    The engine reads from the first row with a value and, by default, drops blank rows: the
    rows are numbered from the first row with a value (:func:`_first_row`), blank rows
    counted, so that an error names the row a spreadsheet shows (a title, a blank row and
    the header on row 3: the first data row is row 4)."""
    source = str(path)
    if isinstance(sheet, int) and sheet < 1:
        raise DataError(key="error_sheet_number", values={"sheet": sheet}, source=source)
    start = _start(path, 8)
    first = 1
    if start.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                _check_workbook(zf, sheet, source)
                first = _first_row(zf, sheet)
        except zipfile.BadZipFile as exc:
            raise DataError(key="error_workbook_damaged", values={"detail": str(exc)},
                            source=source) from exc
    elif start.startswith(_CFB):
        if path.stat().st_size > XLS_MAX_BYTES:
            raise DataError(key="error_xls_too_big", values={"mib": XLS_MAX_BYTES >> 20},
                            source=source)
    else:
        return None
    try:
        frame = _excel(path, sheet)
        if sum(c.startswith("__UNNAMED__") for c in frame.columns) * 2 >= frame.width:
            frame = _header_below_title(path, sheet, frame, notes, first)
        else:
            frame = numbered(frame, first + 1)
    except ModuleNotFoundError as exc:
        raise DataError(key="error_needs_fastexcel", source=source) from exc
    except BaseException as exc:
        if isinstance(exc, DataError) or not (_parser_failure(exc) or isinstance(
                exc, ValueError | TypeError | KeyError | IndexError)):
            raise
        raise DataError(key="error_cannot_read_workbook", values={"detail": _first_line(exc)},
                        source=source) from exc
    if frame.width > 1:
        frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW).is_null()))
    return frame


_VALUED_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr\s*=\s*["\'][A-Za-z]+([0-9]+)'
                          rb'["\'][^>]*(?<!/)>\s*<(?:[A-Za-z_][\w.-]*:)?(?:v|is|f)\b')
FIRST_ROW_BYTES = 4 * _CHUNK
"""Bytes of a worksheet read at most to find its first cell with a value."""


def _first_row(zf: zipfile.ZipFile, sheet: str | int | None) -> int:
    """The row number of the first cell with a value of the sheet to read (the engine's first
    row: rows above it, blank or holding only formats, are not read); 1 when it cannot be
    told (an unknown layout, cells without references, or none in FIRST_ROW_BYTES)."""
    parts = _sheet_parts(zf)
    chosen = [p for n, p in parts if n == sheet] if isinstance(sheet, str) else \
        [p for _, p in parts[(sheet or 1) - 1: (sheet or 1)]]
    folded = {i.filename.lower(): i for i in zf.infolist()}
    if not chosen or chosen[0].lower() not in folded:
        return 1
    try:
        with _open_part(zf, folded[chosen[0].lower()]) as fh:
            head = fh.read(FIRST_ROW_BYTES)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        return 1
    found = _VALUED_CELL.search(head)
    return _number(found.group(1)) if found else 1


def sheet_names(path: str | Path) -> list[str]:
    """The names of a workbook's sheets in its order (an .xlsx or .xlsm); empty when they
    cannot be told (an old .xls, not a workbook)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [name for name, _ in _sheet_parts(zf)]
    except (zipfile.BadZipFile, OSError):
        return []


EXCEL_MEMORY = 3 << 30
"""Address space of the process that runs the Excel engine (Polars and the engine reserve
about 1.3 GB of it at start). A workbook that passes the checks and still needs more (a text
shared by a million cells, a layout no check knows) ends that process, not the caller's: the
engine aborts when an allocation fails."""
EXCEL_SECONDS = 600
"""Time given to the Excel engine for one sheet."""

_EXCEL_CHILD = """
import json, resource, sys
try:
    import fastexcel  # noqa: F401 - the engine; said by name when missing
    import polars as pl
    limit = int(sys.argv[1])  # from here on, allocations past the bound fail
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    path, out, kind, sheet, header = sys.argv[2:7]
    chosen = ({"sheet_name": sheet} if kind == "name" else
              {"sheet_id": int(sheet)} if kind == "id" else {})
    frame = pl.read_excel(path, engine="calamine", has_header=header == "1",
                          drop_empty_rows=False, **chosen)
    if frame.height * frame.width > int(sys.argv[7]):
        print(json.dumps({"type": "too many cells", "message": f"{frame.height:,} rows x "
                          f"{frame.width:,} columns", "rows": frame.height,
                          "cols": frame.width}))
        sys.exit(3)
    frame.write_ipc(out)
except BaseException as exc:
    print(json.dumps({"type": type(exc).__name__, "name": getattr(exc, "name", None),
                      "message": str(exc)}))
    sys.exit(3)
"""


def _excel(path: Path, sheet: str | int | None, *, has_header: bool = True) -> pl.DataFrame:
    """The sheet as the Excel engine (calamine) reads it, read in a child process whose
    address space is bounded by EXCEL_MEMORY and whose time by EXCEL_SECONDS (where the
    operating system bounds memory; elsewhere in this process, after the same checks)."""
    try:
        import resource  # noqa: F401 - POSIX only
    except ImportError:  # pragma: no cover - Windows
        return pl.read_excel(path, sheet_name=sheet if isinstance(sheet, str) else None,
                             sheet_id=sheet if isinstance(sheet, int) else None,
                             engine="calamine", has_header=has_header,
                             drop_empty_rows=False)
    kind = "name" if isinstance(sheet, str) else "id" if isinstance(sheet, int) else "first"
    env = {**os.environ, "POLARS_MAX_THREADS": "2", "RAYON_NUM_THREADS": "2"}
    with tempfile.TemporaryDirectory(prefix="clv-excel-") as folder:
        out = Path(folder) / "sheet.arrow"
        try:
            done = subprocess.run(
                [sys.executable, "-c", _EXCEL_CHILD, str(EXCEL_MEMORY), str(path), str(out),
                 kind, "" if sheet is None else str(sheet), "1" if has_header else "0",
                 str(EXCEL_MAX_CELLS)],
                capture_output=True, text=True, timeout=EXCEL_SECONDS, env=env)
        except subprocess.TimeoutExpired as exc:
            raise DataError(key="error_excel_timeout", values={"seconds": EXCEL_SECONDS},
                            source=str(path)) from exc
        if done.returncode == 0:
            return pl.read_ipc(out)
        if done.returncode == 3:
            try:
                failure = json.loads(done.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                failure = {"type": "", "message": done.stdout.strip()}
            if failure["type"] in ("ModuleNotFoundError", "ImportError"):
                raise ModuleNotFoundError(failure["message"], name=failure.get("name"))
            if failure["type"] == "MemoryError":
                raise _too_big(path)
            if failure["type"] == "too many cells":  # an old .xls, not checked before
                raise DataError(key="error_sheet_too_many_cells",
                                values={"rows": failure["rows"], "cols": failure["cols"],
                                        "most": EXCEL_MAX_CELLS}, source=str(path))
            raise DataError(key="error_cannot_read_workbook",
                            values={"detail": failure["message"].splitlines()[0]},
                            source=str(path))
        raise _too_big(path)  # the engine aborted: an allocation past EXCEL_MEMORY


def _too_big(path: Path) -> DataError:
    return DataError(key="error_excel_memory", values={"gib": EXCEL_MEMORY >> 30},
                     source=str(path))


PARQUET_MAX_TEXT = 1 << 30
PARQUET_TEXT_RATIO = 50
"""Bytes of text a dictionary-encoded (categorical) column of a Parquet file may expand to:
PARQUET_MAX_TEXT, or PARQUET_TEXT_RATIO times the file's size when that is more (100M rows
of 10-character ids expand to 1 GB from a file of hundreds of MB, while a 74 KB file can hold
one 100 KB text used by 30,000 rows: 3 GB once each row holds its copy, as reading the
column as text does)."""


def _check_dictionaries(frame: pl.DataFrame, source: str) -> None:
    """Refuse a categorical column whose texts, one copy per row, pass the bound above (a
    dictionary bomb), before anything reads it as text."""
    bound = max(PARQUET_MAX_TEXT, PARQUET_TEXT_RATIO * Path(source).stat().st_size)
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Categorical | pl.Enum):
            # each distinct text's length times its rows (counted on the codes: only the
            # distinct texts are ever written out)
            counts = frame[name].drop_nulls().value_counts(name="rows")
            size = int((counts[name].cast(pl.String).str.len_bytes().cast(pl.Int64)
                        * counts["rows"]).sum() or 0)
            if size > bound:
                raise DataError(key="error_dictionary_bomb",
                                values={"gb": size / 1e9, "bound": bound / 1e9},
                                source=source, column=name)


def _renamed_text(path: Path, suffix: str, **options: Any) -> RawTable:
    """A file named as a workbook that holds delimited text (an export renamed .xlsx or .xls,
    as some web shops do): read as such with a note. Markup (an HTML page or an XML
    spreadsheet saved as .xls) or binary bytes are refused."""
    start = _start(path)
    text_like = _wide(start) is not None or (b"\0" not in start and not start.lstrip(
        codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"))
    if text_like:
        try:
            table = read_delimited(path, **options)
        except DataError:
            pass
        else:
            table.notes.insert(0, Note("renamed_text", suffix=suffix))
            return table
    raise DataError(key="error_not_workbook", values={"suffix": suffix}, source=str(path))


def _header_below_title(path: Path, sheet: str | int | None, frame: pl.DataFrame,
                        notes: list[str], first: int = 1) -> pl.DataFrame:
    """A sheet whose first row is a title ('Export du 02/12/2026') and most columns unnamed:
    the header is the first of its first rows with a text in (nearly) every column; the rows
    after it are the data (as text, read by the parsers like a CSV's), numbered as the sheet
    numbers them (``first``: the row number of the sheet's first row read). Unchanged
    (numbered) when no row looks like a header."""
    cells = _excel(path, sheet, has_header=False)
    cells = numbered(cells.with_columns(pl.all().cast(pl.String)), first)
    for i, row in enumerate(cells.drop(ROW).head(30).iter_rows()):
        names = [v.strip() if isinstance(v, str) else "" for v in row]
        filled = [n for n in names if n]
        if len(filled) >= max(2, 0.8 * len(names)) and not any(
                n.replace(".", "").replace(",", "").replace("-", "").isdigit() for n in filled):
            names = [n or f"column_{j + 1}" for j, n in enumerate(names)]
            if len(set(names)) < len(names):
                break
            notes.append(Note("header_row", row=first + i))
            return cells.slice(i + 1).rename(
                dict(zip(cells.columns[1:], names, strict=True)))
    return numbered(frame, first + 1)
