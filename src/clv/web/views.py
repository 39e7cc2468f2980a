"""What the pages share: the templates (Jinja2, autoescaped), the answer of a page (with its
security headers, the header's language switch and the ``clv_lang`` cookie), the filters of
the analysis pages, and the tables an analysis offers.

Templates write in the page's ``lang``: ``{{ t("key") }}`` (the catalogue,
:mod:`clv.i18n`), ``{{ label("clv") }}`` and ``{{ definition("clv") }}``
(:mod:`clv.measures`), and the filters ``num``, ``pct``, ``money`` (the analysis's
currency), ``day``, ``month``, ``ratio``, ``segment``, ``tier`` and ``note``; a missing value
is written '' and the template says why. A page of an analysis is made by :func:`section`
(its menu carries the filters ``start``, ``end``, ``channel``, ``segment``, ``tier``), any
other by :func:`page`; both take the ``request``, for the switch and the cookie."""

from __future__ import annotations

import datetime as dt
import math
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import jinja2
import polars as pl
import polars.selectors as cs
from fastapi import HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from clv import i18n, measures
from clv.pipeline import Analysis
from clv.report.text import note, number, options_said, percent, plain_note, segment_name, tier
from clv.segments import SEGMENTS
from clv.web.charts import CHARTS, TRANSLATED, render_charts
from clv.web.state import Entry, form_words

SECTIONS: tuple[str, ...] = ("overview", "customers", "segments", "cohorts", "channels",
                             "timing", "models", "whatif", "saas", "data", "exports")
"""The sections of an analysis, in the order of its menu (``saas`` with a subscriptions
table only); each is named by the message ``nav_<section>`` (``data``: ``nav_data_quality``)."""
SECTION_WORDS = {s: "nav_data_quality" if s == "data" else f"nav_{s}" for s in SECTIONS}
FILTERS: tuple[str, ...] = ("start", "end", "channel", "segment", "tier")
"""The filters kept from page to page (``q``, a search of ids, stays on its page)."""
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("clv.web", "templates"),
    autoescape=jinja2.select_autoescape(("html", "j2"), default=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _lang(context: jinja2.runtime.Context) -> str:
    lang = context.get("lang", "en")
    return lang if lang in i18n.LANGS else "en"


def _currency(context: jinja2.runtime.Context) -> str | None:
    a = context.get("a")
    return getattr(a, "currency", None)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


@jinja2.pass_context
def _num(context: jinja2.runtime.Context, value: Any, digits: int = 0) -> str:
    """``{{ x | num(2) }}``: a number for the page's locale (``1 234,5`` in French); '' when
    missing (the template says why)."""
    return "" if _missing(value) else number(value, _lang(context), digits)


@jinja2.pass_context
def _pct(context: jinja2.runtime.Context, value: Any, digits: int = 1) -> str:
    """``{{ x | pct }}``: a share as a percentage for the locale (``12,5 %``); '' when
    missing."""
    return "" if _missing(value) else percent(value, _lang(context), digits)


@jinja2.pass_context
def _money(context: jinja2.runtime.Context, value: Any, digits: int | None = None) -> str:
    """``{{ x | money }}``: an amount in the analysis's currency for the locale
    (``1 234,50 €``); '' when missing."""
    return i18n.money(None if _missing(value) else value, _lang(context),
                      _currency(context), digits)


@jinja2.pass_context
def _money_in(context: jinja2.runtime.Context, value: Any, currency: str) -> str:
    """``{{ x | money_in("EUR") }}``: an amount in ``currency`` (not an analysis's: the
    calculator's), to the cent, for the locale."""
    return i18n.money(None if _missing(value) else value, _lang(context), currency, 2)


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, value: Any) -> str:
    """``{{ x | day }}``: a date in the locale's one format (``2 mars 2025``)."""
    return i18n.day(value, _lang(context))


@jinja2.pass_context
def _month_name(context: jinja2.runtime.Context, value: dt.date | None) -> str:
    """``{{ x | month }}``: a month in words (``mars 2025``, ``March 2025``)."""
    if value is None:
        return ""
    from babel.dates import format_date

    return format_date(value, "LLLL y", locale="fr_FR" if _lang(context) == "fr" else "en_GB")


@jinja2.pass_context
def _ratio(context: jinja2.runtime.Context, value: Any) -> str:
    """``{{ x | ratio }}``: ``3.75x`` (``3,75x`` in French); '' when missing."""
    return "" if _missing(value) else f"{number(value, _lang(context), 2)}x"


@jinja2.pass_context
def _t(context: jinja2.runtime.Context, key: str, /, **values: Any) -> str:
    """``{{ t("key", n=...) }}`` in a template: the message in the page's ``lang``."""
    return i18n.t(key, context.get("lang", "en"), **values)


@jinja2.pass_context
def _label(context: jinja2.runtime.Context, key: str) -> str:
    """``{{ label("clv") }}``: a figure's label (:mod:`clv.measures`) in the page's language,
    its horizon the analysis's."""
    a = context.get("a")
    return measures.label(key, _lang(context), getattr(a, "settings", None))


@jinja2.pass_context
def _definition(context: jinja2.runtime.Context, key: str) -> str:
    """``{{ definition("clv") }}``: a figure's definition with its basis, in the page's
    language."""
    a = context.get("a")
    return measures.definition(key, _lang(context), getattr(a, "settings", None))


@jinja2.pass_context
def _segment(context: jinja2.runtime.Context, key: Any) -> str:
    """``{{ s | segment }}``: a segment's name in the page's language."""
    return "" if key is None else segment_name(str(key), _lang(context))


@jinja2.pass_context
def _tier(context: jinja2.runtime.Context, key: Any) -> str:
    """``{{ x | tier }}``: a value tier's name in the page's language."""
    return "" if key is None else tier(str(key), _lang(context))


SEPARATORS = {"';'": "semicolon", "','": "comma", "tab": "tab", "'|'": "bar",
              "whitespace": "spaces", "' '": "spaces"}
"""The delimiters a reader's note names (``repr`` of the character, or a word), and the
word the pages say them with (``note_sep_<word>``)."""


def _significant(value: Any, lang: str) -> str:
    """A rate with three significant digits, as the notes write it (``0,105`` in French)."""
    text = f"{value:.3g}" if isinstance(value, int | float) else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def note_words(text: Any, lang: str, currency: str | None = None) -> str:
    """A note of the readers or the analysis as a page says it in ``lang``: the notes of a
    model fit at a limit (no dropout, one purchase rate, parameters at the edge...) and of a
    delimited file in sentences of the catalogue (``note_<kind>``), without the library's
    'a -> 0, b -> inf' or "delimiter ';'"; any other note as :func:`clv.report.text.note`
    writes it, its amounts in ``currency`` (a note saved before its kind carried what the
    sentence needs, too)."""
    key = getattr(text, "key", None)
    values: dict[str, Any] = dict(getattr(text, "values", {}) or {})
    if key is None or f"note_{key}" not in i18n.catalogue():
        return note(text, lang, currency)
    try:
        if key == "delimited":
            word = SEPARATORS.get(str(values["delimiter"]), "other")
            what = i18n.t(f"note_sep_{word}", lang,
                          char=str(values["delimiter"]).strip("'"))
            header = i18n.t("note_with_header" if values["header"] == "with header"
                            else "note_without_header", lang)
            return i18n.t("note_delimited", lang, what=what, header=header)
        # a note made before its kind carried the names: taken out of 'a -> 0, b -> inf'
        names = str(values.get("names") or ", ".join(
            re.findall(r"(\w+)(?: -> \w+)?(?:, |$)", str(values.get("params", "")))))
        per = str(values.get("per", "period"))
        level = str(values.get("level", ""))
        return i18n.t(f"note_{key}", lang, model=values["model"], names=names,
                      n=len(names.split(", ")),
                      value=_significant(values.get("value", ""), lang),
                      per=i18n.t(f"note_per_{per}", lang)
                      if f"note_per_{per}" in i18n.catalogue() else per,
                      level=level.replace("%", "\u00a0%") if lang == "fr" else level)
    except KeyError:  # a value the sentence needs is missing: the library's words
        return note(text, lang, currency)


def note_said(text: Any, lang: str, currency: str | None = None) -> dict[str, str | None]:
    """A note as a page shows it: ``text``, the report's plain sentence
    (:func:`clv.report.text.plain_note`: a model at a limit said by what the limit means for
    the customers), and ``detail``, the technical note in the page's words
    (:func:`note_words`, the parameters named) for a ``<details>``, or None when the note is
    plain already (then ``text`` is :func:`note_words`'s)."""
    said = plain_note(text, lang, currency)
    # a reading parameter named as the import form names it, not 'preset=...'
    technical = options_said(note_words(text, lang, currency), "form", lang)
    if said["detail"] is None:
        return {"text": technical, "detail": None}
    return {"text": options_said(str(said["text"]), "form", lang), "detail": technical}


@jinja2.pass_context
def _plain_note(context: jinja2.runtime.Context, text: Any) -> dict[str, str | None]:
    """``{{ n | plain_note }}``: :func:`note_said` in the page's language, its amounts in
    the analysis's currency."""
    analysis = context.get("a")
    return note_said(text, _lang(context), getattr(analysis, "currency", None))


@jinja2.pass_context
def _note(context: jinja2.runtime.Context, text: Any) -> str:
    """``{{ n | note }}``: a note of the readers or the analysis in the page's language
    (:func:`note_words`), its amounts in the analysis's currency."""
    analysis = context.get("a")
    return note_words(text, _lang(context), getattr(analysis, "currency", None))


_TAG = re.compile(r"<[^>]*>")


def _plain(text: Any) -> str:
    """``{{ x | plain }}``: the text of ``x`` for an attribute (an ``aria-label``, a
    ``title``): a message with markup (a file name in a ``<span translate="no">``) as its
    words alone, so that no quote of the markup closes the attribute; plain text as it is
    (the page escapes it)."""
    if isinstance(text, Markup):  # its tags out, its spaces kept ("marketing\u00a0: x.csv")
        return Markup(_TAG.sub("", text)).unescape()
    return "" if text is None else str(text)


ENV.filters.update(note=_note, plain_note=_plain_note, num=_num, pct=_pct, money=_money,
                   money_in=_money_in, day=_day, month=_month_name, ratio=_ratio,
                   segment=_segment, tier=_tier,
                   words=form_words, plain=_plain)
ENV.globals.update(t=_t, label=_label, definition=_definition)


def switch(request: Request | None, lang: str) -> list[tuple[str, str, str | None]]:
    """The language switch: (code, name, link or None for the page's language), each link
    the current path and query with ``lang`` changed."""
    out = []
    for code in i18n.LANGS:
        link = None
        if code != lang:
            query = [(k, v) for k, v in (request.query_params.multi_items() if request
                                         else []) if k != "lang"]
            link = "?" + urlencode([*query, ("lang", code)])
            if request is not None:
                link = request.url.path + link
        out.append((code, i18n.t("lang_name", code), link))
    return out


def page(name: str, status: int = 200, *, request: Request | None = None,
         **context: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``context`` (``lang``: the page's language).
    With the ``request``, the header's language switch keeps the page's path and query, and
    a language asked by ``?lang=`` is kept in the ``clv_lang`` cookie for the next pages."""
    context.setdefault("lang", "en")
    html = ENV.get_template(name).render(languages=switch(request, context["lang"]),
                                         request=request, **context)
    response = HTMLResponse(html, status, headers={
        "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
        # same-origin: the dashboard's own forms carry their Origin (the guard's check); no
        # address of the dashboard is sent to another site
        "Referrer-Policy": "same-origin", "Cache-Control": "no-store"})
    asked = i18n.pick(request.query_params.get("lang")) if request is not None else None
    if asked is not None:
        response.set_cookie(i18n.COOKIE, asked, max_age=365 * 24 * 3600, path="/",
                            samesite="lax")
    return response


def no_export(request: Request, e: Entry, filename: str, lang: str) -> HTMLResponse:
    """The answer to ``/a/{aid}/export/{filename}`` when the analysis ``e`` has no export
    of that name: for a browser, the error page in ``lang`` saying so (not that there is no
    analysis), with a link to the analysis's exports page; for any other client, FastAPI's
    JSON 404 (``no table {filename}``), as before."""
    if "text/html" not in request.headers.get("accept", ""):
        raise HTTPException(404, f"no table {filename}")
    return page("error.html.j2", status=404, request=request, lang=lang, active="error",
                e=None, message=i18n.t("page_no_export", lang, name=filename),
                back={"href": f"/a/{e.id}/exports", "text": i18n.t("page_exports_back", lang)})


_drawn: weakref.WeakKeyDictionary[Entry, dict[tuple[str, str], str | None]] = \
    weakref.WeakKeyDictionary()


class Charts(Mapping[str, str | None]):
    """The report's charts of an analysis (:data:`clv.web.charts.CHARTS`) in the page's
    language, each drawn when a page first shows it (``{{ charts.heatmap }}``), then kept
    with the analysis: the English ones drawn with it, the translated ones by the state,
    the others here."""

    def __init__(self, e: Entry, lang: str) -> None:
        self.e, self.lang = e, lang

    def __getitem__(self, key: str) -> str | None:
        if key not in CHARTS:
            raise KeyError(key)
        if key in TRANSLATED:
            return self.e.chart(key, self.lang)
        held = _drawn.setdefault(self.e, {})
        if (self.lang, key) not in held:
            held[self.lang, key] = render_charts(self.e.analysis, self.lang, (key,))[key]
        return held[self.lang, key]

    def __iter__(self) -> Iterator[str]:
        return iter(CHARTS)

    def __len__(self) -> int:
        return len(CHARTS)


def sections(a: Analysis) -> list[str]:
    """The sections ``a`` has (the subscriptions' with a subscriptions table only)."""
    return [s for s in SECTIONS if s != "saas" or a.subscriptions is not None]


def section(e: Entry, name: str, f: Filters | None = None, *, lang: str = "en",
            request: Request | None = None, status: int = 200, **context: Any
            ) -> HTMLResponse:
    """A page of the analysis ``e`` in ``lang``: its section links (carrying the filters),
    the filters' choices (channels, segments and tiers, named in ``lang``) and the charts."""
    a = e.analysis
    channels = sorted(a.customers["channel"].drop_nulls().unique().to_list()) \
        if "channel" in a.customers.columns else []
    present = set(a.segments.customers["segment"].unique().to_list())
    segments = [(s, segment_name(s, lang)) for s, _ in SEGMENTS if s in present]
    tiers = [(x, tier(x, lang)) for x in a.segments.tiers["tier"].to_list()]
    return page(f"{name}.html.j2", status, request=request, lang=lang, e=e, a=a, active=name,
                f=f or Filters(), sections=sections(a), section_words=SECTION_WORDS,
                channels=channels, segment_names=segments, tier_names=tiers,
                charts=Charts(e, lang), **context)


def _month(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise HTTPException(400, f"{name} must be a month written YYYY-MM, not {value!r}"
                            ) from exc


class Filters:
    """The filters (query parameters, a dependency of the routes that take them):
    acquisition months ``start`` and ``end`` (YYYY-MM), ``channel``, ``segment``, value
    ``tier`` (as in ``Analysis.customers``: ``top 1%``...), ``q`` (part of a customer id).
    A month not written YYYY-MM is a 400 (:class:`PageFilters`: left out, and said)."""

    strict = True

    def __init__(self, start: str | None = None, end: str | None = None,
                 channel: str | None = None, segment: str | None = None,
                 tier: str | None = None, q: str | None = None) -> None:
        self.invalid: list[tuple[str, str]] = []
        months = {}
        for name, value in (("start", start), ("end", end)):
            try:
                months[name] = _month(value, name)
            except HTTPException:
                if self.strict:
                    raise
                self.invalid.append((name, value or ""))
                months[name] = None
        self.start, self.end = months["start"], months["end"]
        start = start if self.start else None
        end = end if self.end else None
        self.channel, self.segment, self.q = channel or None, segment or None, q or None
        self.tier = tier or None
        self.raw = {"start": start or "", "end": end or "", "channel": channel or "",
                    "segment": segment or "", "tier": tier or "", "q": q or ""}

    @property
    def kept(self) -> dict[str, str]:
        """The filters set, but the search (the ones every page carries)."""
        return {k: self.raw[k] for k in FILTERS if self.raw[k]}

    @property
    def query(self) -> str:
        """The filters set as a query string, ``?start=2025-01&segment=champions``, or ''."""
        return "?" + urlencode(self.kept) if self.kept else ""

    def link(self, **changed: str | None) -> str:
        """The filters' query string with ``changed`` ones set (None: removed); the search
        is not kept."""
        values = {**self.kept, **changed}
        kept = {k: v for k, v in values.items() if v}
        return "?" + urlencode(kept) if kept else ""

    def period(self, column: str) -> pl.Expr:
        """Rows whose ``column`` (a date) falls in the chosen months."""
        expr = pl.lit(True)
        if self.start is not None:
            expr &= pl.col(column) >= self.start
        if self.end is not None:
            expr &= pl.col(column) < pl.lit(self.end).dt.offset_by("1mo")
        return expr

    def customers(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``Analysis.customers`` restricted to the filters."""
        out = frame.filter(self.period("acquired"))
        if self.channel and "channel" in out.columns:
            out = out.filter(pl.col("channel") == self.channel)
        if self.segment:
            out = out.filter(pl.col("segment") == self.segment)
        if self.tier and "tier" in out.columns:
            out = out.filter(pl.col("tier") == self.tier)
        if self.q:
            out = out.filter(pl.col("customer_id").str.to_lowercase().str.contains(
                self.q.lower(), literal=True))
        return out

    def described(self, lang: str) -> list[str]:
        """The filters set, in words of ``lang`` (for the list they restrict)."""
        out = []
        months = {k: _month_words(v, lang) for k, v in (("start", self.start),
                                                         ("end", self.end)) if v}
        if len(months) == 2 and months["start"] == months["end"]:  # "acquired in March 2025"
            out.append(i18n.t("filter_month", lang, start=months["start"]))
        elif len(months) == 2:
            out.append(i18n.t("filter_months", lang, **months))
        elif "start" in months:
            out.append(i18n.t("filter_since", lang, **months))
        elif "end" in months:
            out.append(i18n.t("filter_until", lang, **months))
        if self.channel:
            out.append(f"{i18n.t('filter_channel', lang)}{i18n.t('colon', lang)}"
                       f"{self.channel}")
        if self.segment:
            out.append(f"{i18n.t('filter_segment', lang)}{i18n.t('colon', lang)}"
                       f"{segment_name(self.segment, lang)}")
        if self.tier:
            out.append(f"{i18n.t('filter_tier', lang)}{i18n.t('colon', lang)}"
                       f"{tier(self.tier, lang)}")
        if self.q:
            out.append(i18n.t("filter_search", lang, q=self.q))
        return out


class PageFilters(Filters):
    """The filters of a page: a month not written YYYY-MM is left out and named in
    ``invalid`` (the page says so in its language) rather than refused."""

    strict = False


def _month_words(value: dt.date, lang: str) -> str:
    from babel.dates import format_date

    return format_date(value, "LLLL y", locale="fr_FR" if lang == "fr" else "en_GB")


def frame_json(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN and infinities become null)."""
    floats = cs.float()
    clean = frame.with_columns(pl.when(floats.is_finite()).then(floats).otherwise(None))
    rows: list[dict[str, Any]] = jsonable_encoder(clean.to_dicts())
    return rows


def finite(values: dict[str, Any]) -> dict[str, Any]:
    """The dict with NaN and infinities as None (JSON has neither)."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in values.items()}


def tables(a: Analysis) -> dict[str, Callable[[], pl.DataFrame | None]]:
    """Every table an analysis offers for export and through the API."""
    ch, subs = a.channels, a.subscriptions
    return {
        "customers": lambda: a.listed,
        "segments": lambda: a.segments.segments,
        "tiers": lambda: a.segments.tiers,
        "cohorts": lambda: a.cohorts.table,
        "repeat": lambda: a.cohorts.repeat,
        "ltv_curve": lambda: a.cohorts.curve,
        "channels": lambda: ch.channels if ch else None,
        "channels_by_month": lambda: ch.by_month if ch else None,
        "next_euro": lambda: ch.next_euro if ch else None,
        "cross_sell": lambda: a.cross_sell,
        "scorecard": lambda: a.scorecard.table if a.scorecard else None,
        "sensitivity": lambda: a.sensitivity,
        "whatif_customers": lambda: a.scenario.customers,
        "saas_months": lambda: subs.months if subs else None,
    }


def available(a: Analysis) -> list[str]:
    """The names of the tables ``a`` has."""
    return [n for n, get in tables(a).items() if get() is not None]
