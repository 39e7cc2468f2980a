"""The subscription page's chart: the MRR movements by month of
:func:`clv.report.saas.movements_chart` (the report's, in the page's language, each bar and
point with its month and amount on hover), drawn once per analysis and language and kept
while the analysis lives."""

from __future__ import annotations

import threading
import weakref

from clv.pipeline import Analysis
from clv.report import saas

_DRAWN: dict[tuple[int, str], str | None] = {}
_LOCK = threading.Lock()


def _forget(key: int) -> None:
    with _LOCK:
        for k in [k for k in _DRAWN if k[0] == key]:
            del _DRAWN[k]


def movements(a: Analysis, lang: str) -> str | None:
    """The MRR movements chart of ``a`` in ``lang`` (inline SVG), None when no month has
    ended; drawn at the first request (vl-convert takes a few tenths of a second), then
    read from memory until ``a`` is freed."""
    key = (id(a), lang)
    with _LOCK:
        if key in _DRAWN:
            return _DRAWN[key]
        first = not any(k[0] == key[0] for k in _DRAWN)
    drawn = saas.movements_chart(a, lang)
    with _LOCK:
        if first:
            weakref.finalize(a, _forget, key[0])
        _DRAWN[key] = drawn
    return drawn
