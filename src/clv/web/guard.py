"""What is checked before the application sees a request, and what a failure looks like.

- **Host**: the ``Host`` header (without its port) must be one of the allowed names: the
  loopback names (``127.0.0.1``, ``localhost``, ``::1``), the address the server is bound to,
  and those given (``allowed_hosts``; ``*`` allows any). Otherwise 400 ``unknown host``: a
  page of another site whose name was rebound to this machine (DNS rebinding) is not
  answered.
- **Same origin**: a request that changes something (POST, PUT, PATCH, DELETE) sent by a
  browser must come from the dashboard's own pages: it is refused with 403 when the browser
  says it comes from another site (``Sec-Fetch-Site`` other than ``same-origin`` or
  ``none``), when its ``Origin`` is another scheme, host or port than the request's own, or,
  without an ``Origin``, when its ``Referer`` is. ``Origin: null`` (a page asking not to be
  named) passes only when ``Sec-Fetch-Site`` says the request is the dashboard's own, or when
  a token guards the dashboard (its cookie is ``SameSite=Strict``: another site's request does
  not carry it). Requests without these headers (curl, scripts, API clients) pass: a web page
  cannot send such a request.
- **Token**: with a token (required whenever the server listens beyond the loopback), a
  request passes only with ``Authorization: Bearer TOKEN``, the ``clv_token`` cookie, or
  ``?token=TOKEN`` (which sets the cookie, so a browser opened on the printed link stays in).
  Otherwise: 401, and no data.
- **Size**: a body whose declared ``Content-Length`` is over the limit is refused with 413
  before any of it is read; a body without a length is counted as it arrives and cut off with
  413 when it passes the limit (:class:`TooLarge`, turned into the response by the
  application).
- **Errors**: an exception that is not the user's error becomes a 500 saying "internal error,
  please report it with reference XXXXXXXX"; its traceback is logged once (logger
  ``clv.web``) with the same reference, never sent. A client that went away (a disconnect, a
  broken pipe) is one line of the log, without a traceback.
- **Sources**: :func:`check_source_url` says whether a database URL may be read as a source.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.responses import HTMLResponse, JSONResponse, Response

from clv.errors import ClvError

COOKIE = "clv_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOG = logging.getLogger("clv.web")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
NOT_A_URL = ("a file is added by upload; a source here is a database URL "
             "(such as postgresql://user@host/shop or sqlite:////absolute/path/shop.db)")


class TooLarge(Exception):
    """A request body passed the upload limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the upload is larger than the limit of {limit:,} bytes")
        self.limit = limit


def _cookie(headers: dict[bytes, bytes]) -> str | None:
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


def host_name(value: str) -> str:
    """The host of a ``Host`` header or of an allowed name, without port, brackets or a
    final dot, in lower case (``[::1]:8000`` -> ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def _origin(value: str, default_scheme: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an origin or a URL, the port filled in from the scheme;
    None when it cannot be read."""
    try:
        parts = urlsplit(value if "://" in value else f"{default_scheme}://{value}")
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname:
        return None
    return scheme, parts.hostname.rstrip("."), port or DEFAULT_PORTS.get(scheme)


def is_disconnect(exc: BaseException) -> bool:
    """Whether ``exc`` only says the client went away (closed the connection, a broken pipe),
    which is no fault of the server's."""
    import anyio
    from starlette.requests import ClientDisconnect

    if isinstance(exc, BaseExceptionGroup):
        return all(is_disconnect(e) for e in exc.exceptions)
    return isinstance(exc, ClientDisconnect | anyio.EndOfStream | anyio.BrokenResourceError
                      | anyio.ClosedResourceError | ConnectionError)


def _where(scope: dict[str, Any]) -> str:
    return f"{scope.get('method', '')} {scope.get('path', '')}"


def internal_error(request: Any, exc: BaseException) -> Response:
    """The answer to an exception that is not the user's error (the application's handler of
    ``Exception``): a 500 with a reference, the traceback logged once with it. A client that
    went away is one line of the log. The exception is marked as reported, so that
    :class:`Guard` does not report it again."""
    scope = request.scope
    if is_disconnect(exc):
        LOG.info("client went away during %s (%s)", _where(scope), type(exc).__name__)
        ref = "-"
    else:
        ref = secrets.token_hex(4)
        LOG.error("internal error, reference %s, in %s", ref, _where(scope), exc_info=exc)
    exc.clv_reference = ref  # type: ignore[attr-defined]
    return _error_response(ref, scope)


def _error_response(ref: str, scope: dict[str, Any]) -> Response:
    text = f"internal error, please report it with reference {ref}"
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    if b"text/html" in accept:
        return HTMLResponse(
            f"<!doctype html><title>clv: internal error</title><p>{text}</p>"
            '<p><a href="/">Back to the dashboard</a></p>', 500,
            headers={"Cache-Control": "no-store"})
    return JSONResponse({"detail": text}, 500)


class Guard:
    """ASGI middleware: host, same-origin, token and size checks, and the last word on
    errors (see the module docstring). ``allowed_hosts``: the names of ``Host`` answered."""

    def __init__(self, app: Any, token: str | None, limit: int,
                 allowed_hosts: Iterable[str] = ("127.0.0.1", "localhost", "::1")) -> None:
        self.app = app
        self.token = token
        self.limit = limit
        self.allowed_hosts = frozenset(host_name(h) for h in allowed_hosts if h.strip())

    def _given(self, scope: dict[str, Any], headers: dict[bytes, bytes]) -> tuple[str, bool]:
        """The token the request carries and whether it came in the query string."""
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip(), False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        if query:
            return query[0], True
        return _cookie(headers) or "", False

    def _host_allowed(self, headers: dict[bytes, bytes]) -> bool:
        host = headers.get(b"host")
        if host is None:  # HTTP/1.0 without Host: not a browser, nothing to rebind
            return True
        return "*" in self.allowed_hosts or \
            host_name(host.decode("latin-1")) in self.allowed_hosts

    def _foreign(self, scope: dict[str, Any], headers: dict[bytes, bytes]) -> bool:
        """Whether a browser sent this request from a page of another origin."""
        site = headers.get(b"sec-fetch-site")
        if site is not None and site.lower() not in (b"same-origin", b"none"):
            return True
        scheme = scope.get("scheme", "http")
        host = headers.get(b"host", b"").decode("latin-1")
        own = _origin(host, scheme) if host else None
        origin = headers.get(b"origin")
        if origin is not None:
            if origin.strip().lower() == b"null":
                # a page that hides where it is: the browser's word, or the token's cookie
                return site is None and self.token is None
            return own is None or _origin(origin.decode("latin-1"), scheme) != own
        referer = headers.get(b"referer")
        if referer:
            return own is None or _origin(referer.decode("latin-1"), scheme) != own
        return False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if not self._host_allowed(headers):
            shown = host_name(headers.get(b"host", b"").decode("latin-1"))[:100]
            await JSONResponse({"detail": f"unknown host {shown!r}: the dashboard answers only "
                                          "to its allowed host names (clv serve --allow-host "
                                          "NAME)"},
                               status_code=400)(scope, receive, send)
            return
        if scope.get("method", "GET").upper() in UNSAFE and self._foreign(scope, headers):
            await JSONResponse({"detail": "refused: a change must come from the dashboard's "
                                          "own pages"}, status_code=403)(scope, receive, send)
            return
        from_query = False
        if self.token is not None:
            given, from_query = self._given(scope, headers)
            if not secrets.compare_digest(given.encode(), self.token.encode()):
                await JSONResponse({"detail": "an access token is required"}, status_code=401,
                                   headers={"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await JSONResponse({"detail": str(TooLarge(self.limit))}, status_code=413
                               )(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge(self.limit)
            return message

        async def sending(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if from_query:
                    cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                    message = {**message, "headers": [*message.get("headers", []),
                                                      (b"set-cookie", cookie.encode())]}
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except Exception as exc:  # noqa: BLE001 - the last word on errors: see internal_error
            if getattr(exc, "clv_reference", None) is not None:
                return  # answered and logged by the application's handler
            from starlette.requests import Request

            response = internal_error(Request(scope), exc)
            if not started and not is_disconnect(exc):
                await response(scope, receive, send)


def check_source_url(url: str, store_url: str) -> str:
    """``url`` (stripped) when the dashboard may read it as a database source; else a
    ClvError saying why, which never repeats the URL (it may hold a password).

    A source is a database URL (``scheme://...``, a SQLAlchemy dialect whose driver is
    installed): a path or a ``file:`` URL is refused (a file is uploaded). A SQLite file is
    named by the absolute path of an existing file (a relative one depends on the server's
    folder, where the dashboard's own history is by default; SQLite would make a missing one),
    without SQLite URI options, and it cannot be the history's file; a database of another
    kind cannot be the history's database. Sources are read read-only
    (``read_raw(..., read_only=True)``)."""
    text = url.strip()
    scheme, sep, _ = text.partition("://")
    if not sep or not scheme or scheme.lower().startswith("file") \
            or not scheme[0].isalpha() or not all(c.isalnum() or c in "+.-" for c in scheme):
        raise ClvError(NOT_A_URL)
    try:
        import sqlalchemy as sa
    except ModuleNotFoundError as exc:
        raise ClvError("reading a database needs SQLAlchemy: pip install 'clv[sql]'") from exc
    try:
        parsed = sa.engine.make_url(text)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's URL
        raise ClvError("this is not a database URL that can be read "
                       "(dialect+driver://user:password@host:port/database)") from exc
    kind = parsed.drivername
    try:
        dialect = parsed.get_dialect()
    except Exception as exc:  # noqa: BLE001 - NoSuchModuleError and plugin failures alike
        raise ClvError(f"no database kind {kind!r}; {NOT_A_URL}") from exc
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        raise ClvError(f"reading a {kind} database needs its driver "
                       f"({getattr(exc, 'name', None) or 'not installed'}): install it "
                       "with pip") from exc
    same_store = _same_database(parsed, store_url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            return text
        if "uri" in parsed.query or database.startswith("file:"):
            raise ClvError("a SQLite source is named by the file's absolute path, without "
                           "SQLite URI options (sqlite:////absolute/path/shop.db)")
        if not Path(database).is_absolute():
            raise ClvError("a SQLite source is named by the file's absolute path "
                           "(sqlite:////absolute/path/shop.db), not a path relative to the "
                           "server's folder")
    if same_store:
        raise ClvError("this is the dashboard's own history database, not a source")
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise ClvError("there is no SQLite file at that path")  # SQLite would make one
    return text


def _same_database(parsed: Any, store_url: str) -> bool:
    """Whether ``parsed`` (a SQLAlchemy URL) names the history store's database: for SQLite
    the same file (links followed, its -journal and -wal files included), else the same
    kind, host, port and database."""
    import sqlalchemy as sa

    try:
        store = sa.engine.make_url(store_url)
    except Exception:  # noqa: BLE001 - a store that opened has a URL that parses
        return False
    if parsed.get_backend_name() != store.get_backend_name():
        return False
    if parsed.get_backend_name() != "sqlite":
        return (parsed.host or "", parsed.port, parsed.database) == \
            (store.host or "", store.port, store.database)
    mine, theirs = store.database or "", parsed.database or ""
    if mine in ("", ":memory:") or theirs in ("", ":memory:"):
        return False
    mine_path, their_path = Path(mine).resolve(), Path(theirs).resolve()
    if their_path == mine_path or str(their_path).startswith(f"{mine_path}-"):
        return True
    try:
        return os.path.samefile(mine_path, their_path)
    except OSError:
        return False
