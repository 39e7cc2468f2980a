"""The web dashboard (``clv serve``): upload, mapping, progress, the report's sections with
filters, customer search, calculator, what-if sliders, exports, history, and a JSON API.

Safety (see :mod:`clv.web.guard`): the server listens on 127.0.0.1 unless told otherwise; on
any other address it requires an access token (given, or generated and printed). It answers
only to its own host names (the loopback names, the address it is bound to, and
``allowed_hosts``: against DNS rebinding), and takes changes (POST, PUT...) from a browser only
when they come from its own pages (against cross-site requests). Sources named in the
dashboard are database URLs read read-only, never a server's file nor the history's own
database. Uploads above a limit (default 1 GiB) are refused with 413 before they are read
whole. An internal error is answered with a reference, its traceback logged (logger
``clv.web``). Needs the ``web`` extra (``pip install 'clv[web]'``).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clv.errors import ClvError
from clv.store import DEFAULT_URL, Store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANY_ADDRESS = ("0.0.0.0", "::", "")
MIN_TOKEN = 8
"""The shortest access token accepted (a generated one has 32 characters)."""
UPLOAD_LIMIT = 1 << 30

__all__ = ["LOOPBACK", "UPLOAD_LIMIT", "build", "serve"]


def build(db: str = DEFAULT_URL, *, token: str | None = None, upload_limit: int = UPLOAD_LIMIT,
          workdir: str | Path | None = None, analyses: Iterable[tuple[Any, str]] = (),
          allowed_hosts: Iterable[str] = (), job_time_limit: float | None = None,
          max_jobs: int | None = None, max_analyses: int | None = None,
          lang: str | None = None) -> Any:
    """The dashboard as an ASGI application: the FastAPI app behind the guard (host,
    same-origin, token and size checks: :mod:`clv.web.guard`).

    ``db``: the history store's URL; ``token``: required on every request when given;
    ``workdir``: where uploads are kept (default: a new temporary folder); ``analyses``:
    (Analysis, source name) pairs to show from the start; ``allowed_hosts``: host names
    (``Host`` header, without port) answered besides the loopback names, ``"*"`` for any
    (behind a proxy that checks them); ``job_time_limit`` (seconds), ``max_jobs`` (analyses
    run at once) and ``max_analyses`` (finished analyses kept in memory; the others are put
    aside on disk and read back when asked): default :data:`clv.web.state.JOB_TIME_LIMIT`,
    ``MAX_JOBS``, ``MAX_ANALYSES``; ``lang``: the pages' language when neither the address,
    the cookie nor the browser names one of the dashboard's (``en``, ``fr``; default
    English). The FastAPI app is ``.app``.
    """
    try:
        from clv.web.app import create_app
        from clv.web.guard import Guard
        from clv.web.state import State
    except ModuleNotFoundError as exc:
        raise ClvError(f"the dashboard needs {exc.name}: pip install 'clv[web]'") from exc
    folder = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="clv-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    given = (("time_limit", job_time_limit), ("max_jobs", max_jobs),
             ("max_analyses", max_analyses))
    limits: dict[str, Any] = {k: v for k, v in given if v is not None}
    for name, value in limits.items():
        if not value > 0:
            raise ClvError(f"{name.replace('_', ' ')} must be positive, not {value}")
    if token is not None and not token.strip():  # an unset variable must not open the door
        raise ClvError("the access token cannot be empty")
    state = State(Store(db), folder, **limits)
    for analysis, source in analyses:
        state.add_analysis(analysis, source)
    app = create_app(state, token=token)
    if lang is not None:
        from clv.i18n import LANGS

        if lang not in LANGS:
            raise ClvError(f"the dashboard's language must be one of {', '.join(LANGS)}, "
                           f"not {lang!r}")
        app.state.lang = lang  # read by clv.web.deps.page_lang
    guard = Guard(app, token, upload_limit, allowed_hosts=(*LOOPBACK, *allowed_hosts))
    guard.state = state  # type: ignore[attr-defined]
    return guard


def serve(db: str = DEFAULT_URL, *, host: str = "127.0.0.1", port: int = 8000,
          token: str | None = None, upload_limit: int = UPLOAD_LIMIT,
          analyses: Iterable[tuple[Any, str]] = (), announce: Any = print,
          allowed_hosts: Iterable[str] = (), job_time_limit: float | None = None,
          max_jobs: int | None = None, max_analyses: int | None = None,
          lang: str | None = None) -> None:
    """Run the dashboard until interrupted. Beyond the loopback a token is required: the
    given one, else a new one, printed with the address to open. The dashboard answers to
    the loopback names, to ``host`` (on 0.0.0.0 or ::, to this machine's name and
    addresses) and to ``allowed_hosts`` (``"*"``: any name). The limits of the jobs and of
    the memory, and the default language ``lang``, are :func:`build`'s."""
    import uvicorn

    if not 0 < port < 65536:
        raise ClvError(f"the port must be between 1 and 65535, not {port}")
    if token is not None and len(token.strip()) < MIN_TOKEN:
        # an empty token (an unset variable) must not switch the access check off
        raise ClvError(f"the access token must have at least {MIN_TOKEN} characters other "
                       "than spaces (leave it out to have one generated)")
    if token is None and host not in LOOPBACK:
        token = secrets.token_urlsafe(24)
    hosts = [*allowed_hosts, *_bound_names(host)]
    app = build(db, token=token, upload_limit=upload_limit, analyses=analyses,
                allowed_hosts=hosts, job_time_limit=job_time_limit, max_jobs=max_jobs,
                max_analyses=max_analyses, lang=lang)
    _log_to_stderr()
    shown = f"[{host}]" if ":" in host else host
    link = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    from clv.i18n import t_from

    said = lang or "en"  # the dashboard's language is the command's (clv serve --lang)
    announce(t_from(("cli",), "cli_dashboard_token" if token else "cli_dashboard_on", said,
                    link=link))
    if "*" in hosts and token is None:
        announce(t_from(("cli",), "cli_dashboard_any_host", said))
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _bound_names(host: str) -> list[str]:
    """The names a client may give in ``Host`` to reach a server bound to ``host``: that
    address, or on every address (0.0.0.0, ::) this machine's name and its addresses."""
    if host not in ANY_ADDRESS:
        return [host]
    name = socket.gethostname()
    names: list[str] = [host, name] if host else [name]  # the link names the bound address
    with contextlib.suppress(OSError):  # a name that does not resolve: the name only
        names += [str(info[4][0]) for info in socket.getaddrinfo(name, None)]
    return names


def _log_to_stderr() -> None:
    """Lines of the ``clv.web`` log (internal errors with their reference, clients that went
    away) on standard error, when nothing else shows them."""
    log = logging.getLogger("clv.web")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s clv.web %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
