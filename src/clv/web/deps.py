"""The routes' dependencies: the dashboard's state, the analysis, upload or job a path names,
the access token, the page's language.

The token is checked first by :class:`clv.web.guard.Guard` (before any route, static files
and the schema included); :func:`access` checks it again for the routes (an application made
by :func:`clv.web.app.create_app` with a token and served without the guard is not open) and
declares it in the OpenAPI schema (``Authorization: Bearer``, the ``clv_token`` cookie or
``?token=``).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyCookie, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer

from clv.web.guard import COOKIE
from clv.web.state import Entry, Job, Source, State

Lang = Literal["en", "fr"]

_BEARER = HTTPBearer(auto_error=False, description="The access token (required when the "
                     "dashboard listens beyond 127.0.0.1)")
_QUERY = APIKeyQuery(name="token", auto_error=False, description="The access token, once: it "
                     "sets the cookie")
_COOKIE = APIKeyCookie(name=COOKIE, auto_error=False, description="The access token's cookie")


def get_state(request: Request) -> State:
    """The state of the dashboard the request came to (``create_app``'s)."""
    return request.app.state.clv  # type: ignore[no-any-return]


StateDep = Annotated[State, Depends(get_state)]


def access(request: Request,
           bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
           query: Annotated[str | None, Depends(_QUERY)],
           cookie: Annotated[str | None, Depends(_COOKIE)]) -> None:
    """The access token, when the dashboard has one: in the ``Authorization`` header, the
    query (``?token=``) or the cookie, in this order (the guard's)."""
    token: str | None = request.app.state.token
    if token is None:
        return
    given = bearer.credentials if bearer is not None else (query or cookie or "")
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "an access token is required",
                            headers={"WWW-Authenticate": "Bearer"})


def get_entry(aid: int, state: StateDep) -> Entry:
    """The analysis ``aid`` of this session (its pages read ``.analysis``, held in memory or
    read back from the work folder by the state)."""
    found = state.entries.get(aid)
    if found is None:
        raise HTTPException(404, f"no analysis {aid} in this session")
    return found


EntryDep = Annotated[Entry, Depends(get_entry)]


def source_of(state: State, sid: str, kind: str = "transactions") -> Source:
    """The upload (or database source) ``sid`` of ``kind``."""
    found = state.sources.get(sid)
    if found is None or found.kind != kind:
        raise HTTPException(404, f"no {kind} upload {sid} (an upload is deleted once its "
                                 "analysis is done: upload the file again)")
    return found


def get_source(sid: str, state: StateDep) -> Source:
    return source_of(state, sid)


SourceDep = Annotated[Source, Depends(get_source)]


def get_job(jid: str, state: StateDep) -> Job:
    """The job ``jid`` (an analysis running, queued or finished)."""
    found = state.jobs.get(jid)
    if found is None:
        raise HTTPException(404, f"no job {jid}")
    return found


JobDep = Annotated[Job, Depends(get_job)]


def page_lang(request: Request, lang: str | None = None) -> str:
    """The page's language (:func:`clv.i18n.negotiate`): ``?lang=``, the ``clv_lang``
    cookie, the browser's ``Accept-Language``, the dashboard's default (``clv serve
    --lang``), English."""
    from clv.i18n import COOKIE as LANG_COOKIE
    from clv.i18n import negotiate

    default = getattr(request.app.state, "lang", None)
    return negotiate(lang, request.cookies.get(LANG_COOKIE),
                     request.headers.get("accept-language"), default)


PageLang = Annotated[str, Depends(page_lang)]
