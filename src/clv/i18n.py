"""The dashboard's languages: one message catalogue, the page's language, and the Jinja2
helpers that write words, numbers, money and dates for it.

The catalogue is the union of the modules of :mod:`clv.messages` (each holds a
``MESSAGES`` dict of ``key -> {"en": ..., "fr": ...}``, one module per part of the dashboard,
so that the parts are written apart) and of the report's words (:data:`clv.report.text.WORDS`,
which the pages share). A key defined twice, or without both languages, is an error when the
catalogue is first read (and a test). Messages are ``str.format`` templates: ``t("rows_n",
lang, n=...)``.

The page's language (:func:`negotiate`): ``?lang=`` when given (and then kept in the
``clv_lang`` cookie), else that cookie, else the browser's ``Accept-Language``, else the
dashboard's default (``clv serve --lang``), else English.

The command line reads its words from its own part of the catalogue (:func:`part`,
:func:`t_from`: ``clv.messages.cli`` and the columns' names of ``clv.messages.exports``),
without the whole catalogue: reading it imports the report and its charts (over a second),
which ``clv --help`` and ``clv calc`` cannot afford. Its language (:func:`from_environment`):
``--lang``, else ``CLV_LANG``, else the locale's (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
English.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import os
import pkgutil
import re
from collections.abc import Mapping
from typing import Any, Literal, cast

LANGS: tuple[str, ...] = ("en", "fr")
Lang = Literal["en", "fr"]
COOKIE = "clv_lang"


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message of the dashboard, by key then language (see the module docstring)."""
    from clv import messages
    from clv.report.text import WORDS

    found: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    modules = sorted(m.name for m in pkgutil.iter_modules(messages.__path__))
    for name in modules:
        for key, texts in part(name).items():
            if key in found:
                raise ValueError(f"message {key!r} is defined in both {origin[key]} and {name}")
            found[key], origin[key] = texts, name
    for key, name in origin.items():  # t_from looks a singular form up in its key's part
        if key.endswith("_one") and origin.get(key[:-4], name) != name:
            raise ValueError(f"message {key!r} of {name} is not in {origin[key[:-4]]} with "
                             f"{key[:-4]!r}")
    for key, texts in WORDS.items():  # the report's words, unless a page says it its way
        found.setdefault(key, texts)
    return found


@functools.cache
def part(name: str) -> dict[str, dict[str, str]]:
    """The messages of one module of :mod:`clv.messages` (``cli``, ``exports``...), read
    alone; a message without both languages is an error, as in :func:`catalogue`."""
    module = importlib.import_module(f"clv.messages.{name}")
    found: dict[str, dict[str, str]] = module.MESSAGES
    for key, texts in found.items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {key!r} of {name} has no {', '.join(missing)} text")
    return found


def singular(count: Any, lang: str) -> bool:
    """True when ``count`` (a number, or a number as written) takes the singular in ``lang``:
    1 in English, 0 and 1 in French."""
    if isinstance(count, str):
        digits = "".join(ch for ch in count if ch.isdigit() or ch in ".,-")
        try:
            count = float(digits.replace(",", "."))
        except ValueError:
            return False
    if not isinstance(count, int | float) or isinstance(count, bool):
        return False
    return abs(count) < 2 if lang == "fr" else count == 1


def t(key: str, lang: str, /, **values: Any) -> str:
    """The message ``key`` in ``lang`` (English when ``lang`` is not one of :data:`LANGS`),
    its ``{fields}`` filled from ``values``; when the count ``n`` takes the singular and the
    catalogue has ``<key>_one``, that form ("1 ligne", not "1 lignes"). An unknown key raises
    KeyError: a page never shows an identifier in place of a word."""
    return _said(catalogue(), key, lang, values)


def t_from(parts: tuple[str, ...], key: str, lang: str, /, **values: Any) -> str:
    """:func:`t`, the message looked up first in the modules ``parts`` of
    :mod:`clv.messages` (each read alone, :func:`part`), and in the whole catalogue only
    when none of them has it: the same text as :func:`t` gives (a key is defined once), at
    the cost of the parts alone."""
    for name in parts:
        messages = part(name)
        if key in messages:
            return _said(messages, key, lang, values)
    return t(key, lang, **values)


def _said(messages: Mapping[str, dict[str, str]], key: str, lang: str,
          values: dict[str, Any]) -> str:
    """The message ``key`` of ``messages`` in ``lang``, its fields filled (see :func:`t`);
    its singular form ``<key>_one`` is looked up in the same ``messages``."""
    if "n" in values and f"{key}_one" in messages and singular(values["n"], lang):
        key = f"{key}_one"
    texts = messages[key]
    text = texts.get(lang) or texts["en"]
    return text.format(**values) if values else text


def pick(lang: str | None) -> Lang | None:
    """``lang`` when it is one of :data:`LANGS` (``fr-FR`` and ``FR`` read as ``fr``), else
    None."""
    if not lang:
        return None
    head = lang.strip().lower().replace("_", "-").split("-")[0]
    return cast(Lang, head) if head in LANGS else None


def accepted(header: str | None) -> Lang | None:
    """The first language of :data:`LANGS` in an ``Accept-Language`` header, by quality
    (``fr-CH, fr;q=0.9, en;q=0.8`` -> ``fr``); None when it names none of them."""
    if not header:
        return None
    ranked: list[tuple[float, int, Lang]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = pick(tag)
        if lang is not None and quality > 0:
            ranked.append((-quality, i, lang))
    return min(ranked)[2] if ranked else None


def from_environment(environ: Mapping[str, str] | None = None) -> Lang:
    """The command line's language when ``--lang`` does not say: ``CLV_LANG`` (``fr``,
    ``fr_FR.UTF-8``...), else the locale's as gettext reads it (the first of ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` that is set decides), else English. A language that is
    neither English nor French (``C``, ``de_DE``) is English."""
    env = os.environ if environ is None else environ
    chosen = pick(env.get("CLV_LANG"))
    if chosen is not None:
        return chosen
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)),
                  None)
    return pick(locale) or "en"


def negotiate(query: str | None, cookie: str | None, accept_language: str | None,
              default: str | None = None) -> Lang:
    """The page's language: the query's, the cookie's, the browser's, the default, English."""
    return (pick(query) or pick(cookie) or accepted(accept_language) or pick(default)
            or "en")


def money(value: float | None, lang: str, currency: str | None, digits: int | None = None
          ) -> str:
    """An amount in ``currency`` written for ``lang`` (:func:`clv.measures.money`, Babel:
    ``1 234,50 €`` in French, ``€1,234.50`` in English); without a currency, the number
    alone; None or NaN as an empty string (the page says why it is blank)."""
    from clv.measures import money as measures_money

    return measures_money(value, currency, lang, digits)


def dated(value: dt.date | dt.datetime, pattern: str, lang: str) -> str:
    """``value`` written with the Babel ``pattern`` (``d MMMM y``, ``d MMM y``...) for
    ``lang``; in French the first of the month is an ordinal, as French writes it: ``1er
    avril 2025``, ``2 avril 2025``."""
    from babel.dates import format_date, format_datetime

    if lang == "fr" and value.day == 1 and re.match(r"d(?!d)", pattern):
        pattern = "d'er'" + pattern[1:]
    locale = "fr_FR" if lang == "fr" else "en_GB"
    if isinstance(value, dt.datetime):
        return format_datetime(value, pattern, locale=locale)
    return format_date(value, pattern, locale=locale)


def day(value: dt.date | dt.datetime | str | None, lang: str) -> str:
    """A date in the one format of ``lang`` (``2 March 2025``, ``2 mars 2025``, ``1er mars
    2025``); a datetime with its time to the minute; None as an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)  # not a date: shown as written
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return dated(value.date(), "d MMMM y", lang)
        return dated(value.replace(microsecond=0), "d MMMM y HH:mm", lang)
    return dated(value, "d MMMM y", lang)
