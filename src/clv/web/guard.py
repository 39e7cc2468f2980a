"""Access token and upload size limit, checked before the application sees a request.

- With a token (required whenever the server listens beyond the loopback), a request passes
  only with ``Authorization: Bearer TOKEN``, the ``clv_token`` cookie, or ``?token=TOKEN``
  (which sets the cookie, so a browser opened on the printed link stays in). Otherwise: 401,
  and no data.
- A body whose declared ``Content-Length`` is over the limit is refused with 413 before any
  of it is read; a body without a length is counted as it arrives and cut off with 413 when
  it passes the limit (:class:`TooLarge`, turned into the response by the application).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import JSONResponse

COOKIE = "clv_token"


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


class Guard:
    """ASGI middleware: token check and body size limit (see the module docstring)."""

    def __init__(self, app: Any, token: str | None, limit: int) -> None:
        self.app = app
        self.token = token
        self.limit = limit

    def _given(self, scope: dict[str, Any], headers: dict[bytes, bytes]) -> tuple[str, bool]:
        """The token the request carries and whether it came in the query string."""
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip(), False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        if query:
            return query[0], True
        return _cookie(headers) or "", False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
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

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge(self.limit)
            return message

        async def sending(message: dict[str, Any]) -> None:
            if from_query and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, counted, sending)
