"""The web dashboard (``clv serve``): upload, mapping, progress, the report's sections with
filters, customer search, calculator, what-if sliders, exports, history, and a JSON API.

Safety: the server listens on 127.0.0.1 unless told otherwise; on any other address it
requires an access token (given, or generated and printed). Uploads above a limit (default
1 GiB) are refused with 413 before they are read whole. Needs the ``web`` extra
(``pip install 'clv[web]'``).
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clv.errors import ClvError
from clv.store import DEFAULT_URL, Store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN = 8
"""The shortest access token accepted (a generated one has 32 characters)."""
UPLOAD_LIMIT = 1 << 30

__all__ = ["LOOPBACK", "UPLOAD_LIMIT", "build", "serve"]


def build(db: str = DEFAULT_URL, *, token: str | None = None, upload_limit: int = UPLOAD_LIMIT,
          workdir: str | Path | None = None, analyses: Iterable[tuple[Any, str]] = ()) -> Any:
    """The dashboard as an ASGI application: the FastAPI app behind the token and size guard.

    ``db``: the history store's URL; ``token``: required on every request when given;
    ``workdir``: where uploads are kept (default: a new temporary folder); ``analyses``:
    (Analysis, source name) pairs to show from the start. The FastAPI app is ``.app``.
    """
    try:
        from clv.web.app import create_app
        from clv.web.guard import Guard
        from clv.web.state import State
    except ModuleNotFoundError as exc:
        raise ClvError(f"the dashboard needs {exc.name}: pip install 'clv[web]'") from exc
    folder = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="clv-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    state = State(Store(db), folder)
    for analysis, source in analyses:
        state.add_analysis(analysis, source)
    if token is not None and not token.strip():  # an unset variable must not open the door
        raise ClvError("the access token cannot be empty")
    app = create_app(state, token=token)
    guard = Guard(app, token, upload_limit)
    guard.state = state  # type: ignore[attr-defined]
    return guard


def serve(db: str = DEFAULT_URL, *, host: str = "127.0.0.1", port: int = 8000,
          token: str | None = None, upload_limit: int = UPLOAD_LIMIT,
          analyses: Iterable[tuple[Any, str]] = (), announce: Any = print) -> None:
    """Run the dashboard until interrupted. Beyond the loopback a token is required: the
    given one, else a new one, printed with the address to open."""
    import uvicorn

    if not 0 < port < 65536:
        raise ClvError(f"the port must be between 1 and 65535, not {port}")
    if token is not None and len(token.strip()) < MIN_TOKEN:
        # an empty token (an unset variable) must not switch the access check off
        raise ClvError(f"the access token must have at least {MIN_TOKEN} characters other "
                       "than spaces (leave it out to have one generated)")
    if token is None and host not in LOOPBACK:
        token = secrets.token_urlsafe(24)
    app = build(db, token=token, upload_limit=upload_limit, analyses=analyses)
    shown = f"[{host}]" if ":" in host else host
    link = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    announce(f"clv dashboard on {link}" + (" (the token is required)" if token else ""))
    uvicorn.run(app, host=host, port=port, log_level="warning")
