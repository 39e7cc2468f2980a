"""The dashboard's application: HTML pages and the JSON API (OpenAPI schema at
``/openapi.json``, browsable at ``/docs``, a page made from it here: no script from a CDN),
made of the routers of :mod:`clv.web.routes`.

Pages: ``/`` (upload a file or name a database table, and the analyses so far),
``/mapping/{source}`` (confirm the detected columns and the settings), ``/jobs/{job}``
(progress), ``/a/{id}`` (overview) and its sections ``customers`` (search, filters, each
customer's history and predictions), ``segments``, ``cohorts``, ``channels``, ``timing``,
``models``, ``whatif`` (sliders), ``data`` (quality), ``exports`` (CSV, XLSX, the HTML
report); ``/calculator`` (the closed-form formulas) and ``/history``. The overview and the
channels write their figures in the words of :mod:`clv.measures`, in English or French
(``?lang=fr``), amounts in the analysis's currency.

Filters (query parameters, on pages and API alike): ``start`` and ``end`` months (YYYY-MM) of
acquisition, ``channel``, ``segment``, ``q`` (part of a customer id). Pages only read the
:class:`clv.pipeline.Analysis` (and call the library for a what-if or a formula); every text
from the data goes through Jinja2's autoescaping, and scripts write with ``textContent``.

The routes' dependencies (:mod:`clv.web.deps`): the state of the dashboard, the analysis (or
upload, or job) a path names, the access token. A setting of an analysis that
:class:`clv.valuation.Settings` refuses is a 422 naming it; a user's error (:class:`ClvError`)
a 400 with its sentence; anything else a 500 with a reference (:mod:`clv.web.guard`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from clv.errors import ClvError
from clv.web.deps import access
from clv.web.guard import TooLarge, internal_error
from clv.web.routes import api, data, exports, jobs, pages, reference, saas, tools
from clv.web.schemas import ERRORS
from clv.web.state import State

HERE = Path(__file__).parent


def create_app(state: State, *, token: str | None = None) -> FastAPI:
    """The dashboard over ``state``; with ``token``, every route asks for it (as the guard
    of :func:`clv.web.build` does before them)."""
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(state.close)  # jobs stopped, uploads and files deleted

    app = FastAPI(title="clv dashboard", version="1", docs_url=None, redoc_url=None,
                  description=__doc__, responses=ERRORS, lifespan=lifespan,
                  dependencies=[Depends(access)])
    app.state.clv = state
    app.state.token = token
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(TooLarge)
    async def too_large(_: Request, exc: TooLarge) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=413)

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        """A page a browser asked for that does not exist (an analysis of another session,
        a mistyped address): a page in the browser's language, with a way back; the API
        and every other error keep FastAPI's JSON."""
        wants_page = "text/html" in request.headers.get("accept", "") and not \
            request.url.path.startswith(("/api/", "/openapi", "/static/"))
        if exc.status_code != 404 or not wants_page:
            return await http_exception_handler(request, exc)
        from clv.i18n import t
        from clv.web.deps import page_lang
        from clv.web.views import page

        lang = page_lang(request, request.query_params.get("lang"))
        found = re.match(r"^/a/(-?\d+)", request.url.path)
        message = t("err_analysis", lang, aid=found.group(1)) if found else t("err_page", lang)
        return page("error.html.j2", status=404, request=request, lang=lang, message=message,
                    active="error", e=None)

    @app.exception_handler(ClvError)
    async def clv_error(_: Request, exc: ClvError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    # anything else: a 500 with a reference, the traceback logged once (clv.web.guard)
    app.add_exception_handler(Exception, internal_error)
    for part in (data, jobs, pages, saas, exports, api, tools, reference):
        app.include_router(part.router)
    return app
