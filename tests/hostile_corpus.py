"""Hostile and broken input files, written on demand (issue 14).

Each function writes one file into ``folder`` and returns its path; none downloads anything
and each takes well under a second but ``zip_bomb_xlsx`` (about 2 s at its default size). Tests
of any face (library, command line, dashboard upload) reuse them: ``CASES`` maps a name to its
writer, for ``pytest.mark.parametrize``. The docstring of each says what real file it imitates.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from clv.datasets import sample_shop

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<dimension ref="{dimension}"/><sheetData>')
_SHEET_END = "</sheetData></worksheet>"
HEADER = ("customer_id", "date", "amount")
ORDERS = (("c1", "2024-01-05", "12.5"), ("c2", "2024-01-09", "30"), ("c1", "2024-02-11", "8"),
          ("c3", "2024-03-02", "55.1"))


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _rows(rows: tuple[tuple[str, ...], ...] = (HEADER, *ORDERS)) -> str:
    return "".join(f'<row r="{i}">' + "".join(_cell(f"{'ABC'[j]}{i}", v)
                                                for j, v in enumerate(row)) + "</row>"
                   for i, row in enumerate(rows, start=1))


def _parts(zf: zipfile.ZipFile, types: str = _CONTENT_TYPES, rels: str = _WORKBOOK_RELS
           ) -> None:
    """The parts of a workbook besides its sheet (and shared texts)."""
    zf.writestr("[Content_Types].xml", types)
    zf.writestr("_rels/.rels", _RELS)
    zf.writestr("xl/workbook.xml", _WORKBOOK)
    zf.writestr("xl/_rels/workbook.xml.rels", rels)


def _workbook(path: Path, sheet_xml: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _parts(zf)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def small_xlsx(folder: Path) -> Path:
    """A well-formed workbook written by hand (the parts Excel needs, inline strings): the
    control of the hostile workbooks below, which it must read (4 orders)."""
    return _workbook(folder / "orders.xlsx",
                     _SHEET_START.format(dimension="A1:C5") + _rows() + _SHEET_END)


def sparse_cell_xlsx(folder: Path) -> Path:
    """1.5 KB: the small table plus one cell at XFD1048576, the last cell of a sheet (a stray
    keystroke after Ctrl+End, or a crafted file). The Excel engine allocates the range from
    A1 to it: 17 billion cells, 512 GiB, and the process aborts."""
    return _workbook(folder / "sparse.xlsx",
                     _SHEET_START.format(dimension="A1:XFD1048576") + _rows()
                     + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>" + _SHEET_END)


def unreferenced_cells_xlsx(folder: Path) -> Path:
    """Cells without their r="A1" reference (allowed; placed after the previous cell): one row
    at 1,048,576 holding 20,000 of them, so that the range is as large as the sparse file's
    while no reference says so."""
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 20_000
    return _workbook(folder / "unreferenced.xlsx",
                     _SHEET_START.format(dimension="A1:C5") + _rows()
                     + f'<row r="1048576">{cells}</row>' + _SHEET_END)


def zip_bomb_xlsx(folder: Path, size: int = 600 << 20) -> Path:
    """A workbook of ~600 KB whose sheet inflates to ``size`` bytes of whitespace (1,000:1):
    the issue's 6 MB file held 6 GiB and aborted the process. Written by streaming, so that
    neither the writer nor the test holds it in memory."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _parts(zf)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((_SHEET_START.format(dimension="A1:C5") + _rows()).encode())
            block = b" " * (16 << 20)
            for _ in range(size // len(block)):
                fh.write(block)
            fh.write(_SHEET_END.encode())
    return path


def markup_bomb_xlsx(folder: Path, rows: int = 3_000_000) -> Path:
    """A zip bomb made of markup (millions of identical empty rows, ~1,000:1) rather than of
    whitespace: refused by its compression ratio, not by a run without markup."""
    path = folder / "markup-bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _parts(zf)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((_SHEET_START.format(dimension="A1:C5") + _rows()).encode())
            block = b"<row/>" * 100_000
            for _ in range(rows // 100_000):
                fh.write(block)
            fh.write(_SHEET_END.encode())
    return path


def garbage_xlsx(folder: Path) -> Path:
    """64 KB of random bytes named .xlsx (a truncated download, a file of another program)."""
    path = folder / "garbage.xlsx"
    path.write_bytes(random.Random(14).randbytes(64 << 10))
    return path


def html_as_xls(folder: Path) -> Path:
    """An HTML table saved as .xls, as old web back offices export 'Excel' files."""
    path = folder / "export.xls"
    path.write_text("<html><body><table><tr><td>customer</td><td>date</td><td>amount</td></tr>"
                    "<tr><td>c1</td><td>2024-01-05</td><td>12</td></tr></table></body></html>")
    return path


def _shop(n_customers: int = 2_000, seed: int = 14) -> pl.DataFrame:
    tx = sample_shop(n_customers, seed=seed, months=12, acquisition_months=9).transactions
    return tx.select("order_id", "customer_id", pl.col("timestamp").dt.date().alias("date"),
                     "amount")


def csv_renamed_xlsx(folder: Path) -> Path:
    """A shop's CSV export renamed orders.xlsx (some back offices name their CSV .xls; users
    rename files to open them in Excel)."""
    path = folder / "renamed.xlsx"
    _shop(200).write_csv(path)
    return path


def wide_csv(folder: Path, columns: int = 10_000) -> Path:
    """10,000 columns (a pivot exported the wrong way round: one column per customer or per
    day) over 5 rows."""
    path = folder / "wide.csv"
    header = ",".join(["customer_id", "date", "amount"] + [f"extra_{_letters(i)}"
                                                           for i in range(columns - 3)])
    row = ",".join(["c1", "2024-01-05", "12"] + ["0"] * (columns - 3))
    path.write_text(header + "\n" + (row + "\n") * 5)
    return path


def _letters(n: int) -> str:
    out = ""
    while True:
        n, rest = divmod(n, 26)
        out = chr(97 + rest) + out
        if not n:
            return out


def big_field_csv(folder: Path, size: int = 1 << 20) -> Path:
    """A 1 MB field (an order note or a product description pasted whole) on the second row of
    a small export; Python's csv module refuses fields over 128 KiB by default."""
    path = folder / "big-field.csv"
    rows = [("customer_id", "date", "amount", "note"), ("c1", "2024-01-05", "12", "a" * size),
            ("c2", "2024-01-06", "7", "short"), ("c1", "2024-02-01", "3", "")]
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    return path


def huge_amounts_csv(folder: Path) -> Path:
    """Amounts at the edge of floating point (1e308, -1e308, 1e309 which overflows): a unit
    error or a crafted file; the sums of the report must stay honest."""
    path = folder / "huge.csv"
    path.write_text("customer_id,date,amount\nc1,2024-01-05,1e308\nc1,2024-02-05,1e308\n"
                    "c2,2024-01-07,-1e308\nc3,2024-01-09,1e309\nc4,2024-01-10,12\n")
    return path


def ancient_dates_csv(folder: Path) -> Path:
    """A 2,000-customer shop with one order dated 0001-01-01 and one dated 1900-01-01 (an
    empty date filled by a database's minimum, a spreadsheet's day 0)."""
    path = folder / "ancient.csv"
    shop = _shop().with_columns(pl.col("date").cast(pl.String))
    odd = pl.DataFrame({"order_id": [-1, -2], "customer_id": ["old-1", "old-2"],
                        "date": ["0001-01-01", "1900-01-01"], "amount": [10.0, 20.0]})
    pl.concat([shop, odd.cast(shop.schema)]).write_csv(path)
    return path


def utf16_csv(folder: Path) -> Path:
    """Excel's 'Unicode Text' export: UTF-16 little-endian with a byte-order mark,
    tab-separated, CRLF line ends, accented ids."""
    path = folder / "unicode.txt"
    lines = ["customer_id\tdate\tamount", "Zoë\t2024-01-05\t12.5", "Chloé\t2024-01-09\t30",
             "Zoë\t2024-02-11\t8"]
    path.write_bytes("\r\n".join(lines).encode("utf-16") + "\r\n".encode("utf-16-le"))
    return path


def utf16_no_bom_csv(folder: Path) -> Path:
    """The same text in UTF-16 without its byte-order mark (a tool that drops it)."""
    path = folder / "unicode-nobom.csv"
    lines = ["customer_id,date,amount", "Zoë,2024-01-05,12.5", "Chloé,2024-01-09,30",
             "Zoë,2024-02-11,8"]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-16-le"))
    return path


def mixed_encoding_csv(folder: Path) -> Path:
    """A UTF-8 export with one line pasted from a Latin-1 (Windows-1252) file, line 5 ('Renée'
    as byte 0xE9): 'Zoë', a valid UTF-8 id on lines 2 and 4, must stay 'Zoë'."""
    path = folder / "mixed.csv"
    head = "customer_id,date,amount\nZoë,2024-01-05,12.5\nChloé,2024-01-09,30\nZoë,2024-02-11,8\n"
    path.write_bytes(head.encode("utf-8") + "Renée,2024-02-12,9\n".encode("cp1252")
                     + "Chloé,2024-03-01,4\n".encode())
    return path


def cr_only_csv(folder: Path) -> Path:
    """Lines ended by a carriage return alone (Excel 2011 for Mac's 'CSV', classic Mac OS)."""
    path = folder / "mac.csv"
    path.write_bytes(b"customer_id,date,amount\r" + b"".join(
        f"c{i % 7},2024-01-{1 + i % 28:02d},{i + 1}\r".encode() for i in range(50)))
    return path


def one_timestamp_csv(folder: Path) -> Path:
    """Every row at one timestamp (an import that stamped the export time on each order)."""
    path = folder / "one-time.csv"
    path.write_text("customer_id,date,amount\n" + "".join(
        f"c{i % 40},2024-05-01 10:00:00,{i % 9 + 1}\n" for i in range(300)))
    return path


def seven_customers_csv(folder: Path) -> Path:
    """A 7-customer shop (a test export, a shop's first week)."""
    path = folder / "seven.csv"
    path.write_text("customer_id,date,amount\n" + "".join(
        f"c{i % 7},2024-0{1 + i % 6}-1{i % 9},{10 + i}\n" for i in range(20)))
    return path


def empty_csv(folder: Path) -> Path:
    """A file of 0 bytes (an export that failed)."""
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def header_only_csv(folder: Path) -> Path:
    """The header and no row (an export of a period without orders)."""
    path = folder / "header-only.csv"
    path.write_text("customer_id,date,amount\n")
    return path


def quoted_refs_xlsx(folder: Path) -> Path:
    """The sparse cell of ``sparse_cell_xlsx`` written with single quotes and spaces
    (``r = 'XFD1048576'``, valid XML that a writer other than Excel may produce): a check that
    only knows ``r="..."`` lets the engine allocate 512 GiB."""
    far = "<row r = '1048576'><c r = 'XFD1048576' t='n'><v>1</v></c></row>"
    return _workbook(folder / "quoted.xlsx", _SHEET_START.format(dimension="A1") + _rows()
                     + far + _SHEET_END)


def cased_path_xlsx(folder: Path) -> Path:
    """The sparse workbook whose index names its sheet ``Worksheets/Sheet1.xml`` while the
    part is ``xl/worksheets/sheet1.xml``: the engine finds parts in any case, a check looking
    the name up exactly finds nothing to check."""
    path = folder / "cased.xlsx"
    sheet = (_SHEET_START.format(dimension="A1") + _rows()
             + '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>' + _SHEET_END)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _parts(zf, rels=_WORKBOOK_RELS.replace("worksheets/sheet1.xml", "Worksheets/Sheet1.xml"))
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def shared_text_xlsx(folder: Path, rows: int = 19_000, length: int = 100_000) -> Path:
    """One text of 100 KB in the shared-strings table, used by every cell of a 19,000 x 20
    sheet: under a megabyte on disk, within every size, ratio and range bound, and 38 GB
    once each cell holds its copy of the text."""
    path = folder / "shared.xlsx"
    text = "".join(random.Random(1).choice("abcdefghij") for _ in range(length))
    letters = "ABCDEFGHIJKLMNOPQRST"  # the columns
    head = '<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr"><is><t>h{j}</t></is></c>'
                                   for j, c in enumerate(letters)) + "</row>"
    body = "".join(f'<row r="{i}">' + "".join(f'<c r="{c}{i}" t="s"><v>0</v></c>'
                                              for c in letters) + "</row>"
                   for i in range(2, rows + 2))
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               f"<si><t>{text}</t></si></sst>")
    types = _CONTENT_TYPES.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" '
                                   'ContentType="application/vnd.openxmlformats-'
                                   'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = _WORKBOOK_RELS.replace("</Relationships>", '<Relationship Id="rId9" Type="http://'
                                  'schemas.openxmlformats.org/officeDocument/2006/'
                                  'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                  "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _parts(zf, types, rels)
        zf.writestr("xl/worksheets/sheet1.xml", _SHEET_START.format(dimension="A1") + head
                    + body + _SHEET_END)
        zf.writestr("xl/sharedStrings.xml", strings)
    return path


def dictionary_bomb_parquet(folder: Path, rows: int = 30_000, length: int = 100_000) -> Path:
    """A Parquet file whose customer column is categorical: one 100 KB text used by 30,000
    rows, a 74 KB file that is 3 GB once each row holds its copy (as reading the ids as text
    does)."""
    path = folder / "dictionary.parquet"
    text = "".join(random.Random(2).choice("abcdefghij") for _ in range(length))
    one = pl.Series("customer_id", [text], dtype=pl.Categorical)  # the copies are codes only
    pl.DataFrame({"customer_id": one.gather([0] * rows),
                  "date": ["2024-03-01"] * rows, "amount": [10.0] * rows}).write_parquet(path)
    return path


CASES: dict[str, Callable[[Path], Path]] = {
    "small_xlsx": small_xlsx, "sparse_cell_xlsx": sparse_cell_xlsx,
    "unreferenced_cells_xlsx": unreferenced_cells_xlsx, "zip_bomb_xlsx": zip_bomb_xlsx,
    "markup_bomb_xlsx": markup_bomb_xlsx, "garbage_xlsx": garbage_xlsx,
    "html_as_xls": html_as_xls, "csv_renamed_xlsx": csv_renamed_xlsx, "wide_csv": wide_csv,
    "big_field_csv": big_field_csv, "huge_amounts_csv": huge_amounts_csv,
    "ancient_dates_csv": ancient_dates_csv, "utf16_csv": utf16_csv,
    "utf16_no_bom_csv": utf16_no_bom_csv, "mixed_encoding_csv": mixed_encoding_csv,
    "cr_only_csv": cr_only_csv, "one_timestamp_csv": one_timestamp_csv,
    "seven_customers_csv": seven_customers_csv, "empty_csv": empty_csv,
    "header_only_csv": header_only_csv, "quoted_refs_xlsx": quoted_refs_xlsx,
    "cased_path_xlsx": cased_path_xlsx, "shared_text_xlsx": shared_text_xlsx,
    "dictionary_bomb_parquet": dictionary_bomb_parquet,
}
"""Every case by name."""

DANGEROUS = ("sparse_cell_xlsx", "unreferenced_cells_xlsx", "zip_bomb_xlsx",
             "markup_bomb_xlsx", "quoted_refs_xlsx", "cased_path_xlsx", "shared_text_xlsx",
             "dictionary_bomb_parquet")
"""Cases that exhaust memory if a reader lets them through: read them in a subprocess with a
memory limit (see tests/test_hostile_readers.py)."""
