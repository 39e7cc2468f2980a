"""Files of an analysis: its tables as CSV or XLSX and its HTML report, each made once on the
export threads (:meth:`clv.web.state.State.export`) and sent in pieces."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Literal

import polars as pl
from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from clv.export import spreadsheet_safe
from clv.pipeline import Analysis
from clv.report import render
from clv.web.deps import EntryDep, StateDep
from clv.web.schemas import ERRORS
from clv.web.state import Entry, State
from clv.web.views import tables

router = APIRouter(tags=["analyses"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists and structs written as text, for CSV."""
    return frame.with_columns(
        pl.col(c).list.eval(pl.element().cast(pl.String)).list.join(", ")
        if isinstance(dtype, pl.List) else pl.col(c).struct.json_encode()
        for c, dtype in frame.schema.items() if isinstance(dtype, pl.List | pl.Struct))


async def made(state: State, e: Entry, key: str, make: Callable[[Analysis], bytes], kind: str,
               download: str | None) -> Response:
    """The file ``key`` of the analysis, made by ``make`` on the export threads once
    (requests for a file being made wait for the same result, off the event loop and off the
    threads pages are served from), sent in pieces."""
    try:
        body = await asyncio.wrap_future(state.export(e.id, key, make))
    except LookupError as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from exc
    view, piece = memoryview(body), 1 << 20
    headers = {"Content-Length": str(len(body))}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return StreamingResponse((view[i:i + piece] for i in range(0, len(body), piece)),
                             media_type=kind, headers=headers)


@router.get("/a/{aid}/export/{filename}", response_class=Response,
            responses={200: {"description": "The table as a file", "content": {
                "text/csv": {}, XLSX: {}}}})
async def export(e: EntryDep, state: StateDep, filename: str) -> Response:
    """A table of the analysis as ``NAME.csv`` or ``NAME.xlsx`` (made once, then kept while
    the analysis is in memory)."""
    name, _, fmt = filename.rpartition(".")
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, f"no table {filename}")

    def make(a: Analysis) -> bytes:
        get = tables(a).get(name)
        frame = get() if get else None
        if frame is None:
            raise LookupError(f"no table {filename}")
        buf = io.BytesIO()
        if fmt == "csv":
            spreadsheet_safe(flat(frame)).write_csv(buf)  # no cell a spreadsheet runs
        else:  # polars writes text as text (strings_to_formulas off), never a formula
            frame.write_excel(buf, worksheet=name[:31])
        return buf.getvalue()

    return await made(state, e, filename, make, "text/csv; charset=utf-8" if fmt == "csv"
                      else XLSX, f"clv-{e.id}-{name}.{fmt}")


@router.get("/a/{aid}/report.html", response_class=HTMLResponse,
            responses={code: {**answer, "content": {"application/json": {}}}
                       for code, answer in ERRORS.items()})  # errors are JSON, not HTML
async def report(e: EntryDep, state: StateDep, lang: Literal["en", "fr"] = "en",
                 download: bool = True) -> Response:
    """The self-contained HTML report of the analysis (``lang``: en or fr)."""
    return await made(state, e, f"report-{lang}.html", lambda a: render(a, lang).encode(),
                      "text/html; charset=utf-8",
                      f"clv-{e.id}-report-{lang}.html" if download else None)
