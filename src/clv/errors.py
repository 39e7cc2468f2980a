"""Exceptions raised for user errors, and their words in each language.

Every error a user can cause derives from :class:`ClvError`; the CLI prints its message in one
sentence and exits with status 2, without a traceback. Programming errors stay ordinary
exceptions.

An error raised with a ``key`` (a message of :mod:`clv.messages.errors_data`, whose English and
French templates are both there) and the ``values`` it was written from is its English
sentence (``str(exc)``, as the library has always written it) and can be said in another
language by :func:`say`, the file, row and column of a :class:`DataError` included
(``orders.csv, ligne 12, colonne « Date » : ...``). An error raised with a message alone is
said as written in every language.

In French, the values are written the French way: a number as ``1 234,5`` (after the format
the English template gives it), a value the English quotes as data (``{value!r}``) between
« », a list as its items separated by commas, an exclusion reason (a value named ``reason``)
in French, and a :class:`Words` value (a part of a sentence) in the language of the sentence.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from typing import Any, Self

MESSAGES_PART = "errors_data"
"""The module of :mod:`clv.messages` that holds the errors' words."""


class Words:
    """A part of an error's sentence said in the sentence's language: a ``key`` of the errors'
    messages and its ``values`` (``Words("error_example", value="x")``)."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: Any) -> None:
        self.key, self.values = key, values

    def __repr__(self) -> str:
        return f"Words({self.key!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash(self.key)

    def __getstate__(self) -> tuple[str, dict[str, Any]]:
        return self.key, self.values

    def __setstate__(self, state: tuple[str, dict[str, Any]]) -> None:
        self.key, self.values = state

    def said(self, lang: str) -> str:
        """This part in ``lang``."""
        return render(self.key, lang, self.values)


class ClvError(Exception):
    """Base class for errors caused by the user's input or settings.

    Raised with a ``message`` (said as written in every language), or with a ``key`` of the
    errors' messages and its ``values``: then its message is the key's English sentence and
    :func:`say` says it in another language."""

    key: str | None
    values: dict[str, Any]

    def __init__(self, message: str = "", *, key: str | None = None,
                 values: Mapping[str, Any] | None = None) -> None:
        self.key = key
        self.values = dict(values or {})
        if key is not None:
            if message:
                raise TypeError("give a ClvError a message or a key, not both")
            message = render(key, "en", self.values)
        self.message = message
        super().__init__(self._full(message))

    def _full(self, message: str) -> str:
        """The whole English message of ``message`` (a DataError puts where before it)."""
        return message

    def with_values(self, **changes: Any) -> Self:
        """The same error with some of its ``values`` changed (``name="--margin"``: a setting
        named as a face names it), its message written anew; an error without a key cannot
        be changed so and is returned as it is."""
        if self.key is None:
            return self
        copy = self.__class__.__new__(self.__class__)
        copy.__dict__.update(self.__dict__)
        copy.values = {**self.values, **changes}
        copy.message = render(self.key, "en", copy.values)
        copy.args = (copy._full(copy.message),)
        return copy


class DataError(ClvError, ValueError):
    """The input data cannot be used as given.

    The message names the source (file or frame), the row (1-based, as a spreadsheet or text
    editor shows it, header included) and the column when they are known.
    """

    def __init__(
        self,
        message: str = "",
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        self.source = source
        self.row = row
        self.column = column
        super().__init__(message, key=key, values=values)

    def _full(self, message: str) -> str:
        return where(self.source, self.row, self.column, "en") + message

    def named(self, source: str) -> Self:
        """The same error naming its source ``source`` (the name of the file the user
        uploaded, not the server's copy of it), its key and values kept."""
        copy = self.__class__.__new__(self.__class__)
        copy.__dict__.update(self.__dict__)
        copy.source = source
        copy.args = (copy._full(copy.message),)
        return copy


class AmbiguousDateError(DataError):
    """Dates could be read as both day-first and month-first; the user must choose."""


class MappingError(DataError):
    """A required column could not be found or was mapped to a missing column.

    ``field`` is the canonical field concerned (``amount``, ``customer_id`` ...), so that each
    face can say how to name it (the CLI's ``--amount COLUMN``, the dashboard's form)."""

    def __init__(self, message: str = "", *, source: str | None = None,
                 row: int | None = None, column: str | None = None, field: str | None = None,
                 key: str | None = None, values: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, source=source, row=row, column=column, key=key,
                         values=values)
        self.field = field


def say(exc: BaseException, lang: str, *, source: str | None = None) -> str:
    """The message of ``exc`` in ``lang`` (``en``, ``fr``): an error raised with a key in that
    language, where it happened included; any other error as written (``str(exc)``).

    ``source`` names the error's source in its place (a dashboard shows the name of the
    file the user uploaded, not the server's copy); None keeps the error's own."""
    if not isinstance(exc, ClvError) or exc.key is None:
        text = str(exc)
        original = getattr(exc, "source", None)
        if source is not None and original:
            text = text.replace(original, source, 1)
        return text
    if lang not in ("en", "fr"):
        lang = "en"
    if lang == "en" and source is None:
        return str(exc)
    message = render(exc.key, lang, exc.values)
    if isinstance(exc, DataError):
        shown = exc.source if source is None or not exc.source else source
        return where(shown, exc.row, exc.column, lang, translate=source is None) + message
    return message


def where(source: str | None, row: int | None, column: str | None, lang: str, *,
          translate: bool = True) -> str:
    """The prefix naming where a DataError happened, in ``lang``: ``file.csv, row 12, column
    'Date': `` (``file.csv, ligne 12, colonne « Date » : ``); empty when nothing is known.
    ``translate``: say a source that is no file in ``lang`` (``table pandas``)."""
    parts = []
    if source:
        parts.append(_source(source, lang) if translate and lang != "en" else source)
    if row is not None:
        parts.append(render("error_at_row", lang, {"row": row}))
    if column:
        parts.append(render("error_at_column", lang, {"column": column}))
    return ", ".join(parts) + render("error_colon", lang, {}) if parts else ""


def _source(source: str, lang: str) -> str:
    """A source that is not a file (a frame, the input, a query) in ``lang``; a file's name as
    it is."""
    if source == "input":
        return render("error_src_input", lang, {})
    if source == "query":
        return render("error_src_query", lang, {})
    frame = re.fullmatch(r"(\w+) frame", source)
    if frame:
        return render("error_src_frame", lang, {"module": frame.group(1)})
    if source.endswith(" (query)"):
        return source.removesuffix(" (query)") + render("error_src_of_query", lang, {})
    return source


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    from clv.i18n import part

    return part(MESSAGES_PART)


@functools.cache
def _fields(template: str) -> dict[str, tuple[str, str | None]]:
    """The format spec and conversion of each field of an English template."""
    found: dict[str, tuple[str, str | None]] = {}
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and name not in found:
            found[name] = (spec or "", conversion)
    return found


def placeholders(template: str) -> set[str]:
    """The names of the fields of a template (``{n:,}`` and ``{n}`` are both ``n``)."""
    return set(_fields(template))


def render(key: str, lang: str, values: Mapping[str, Any]) -> str:
    """The message ``key`` of the errors' words in ``lang``, its fields filled from
    ``values``. English is the English template as written, filled as Python formats (the
    sentence the library has always written); French takes its singular form
    ``<key>_one`` when the count ``n`` is 0 or 1, and its values written the French way (see
    the module's docstring)."""
    messages = _messages()
    english = messages[key]["en"]
    fields = _fields(english)
    if lang != "fr":
        return english.format(**{k: _english(v, fields.get(k, ("", None))[1])
                                 for k, v in values.items()})
    from clv.i18n import singular

    chosen = f"{key}_one" if "n" in values and f"{key}_one" in messages \
        and singular(values["n"], "fr") else key
    return messages[chosen]["fr"].format(**{
        k: _french(k, v, *fields.get(k, ("", None))) for k, v in values.items()})


def _english(value: Any, conversion: str | None) -> Any:
    """A value as the English template takes it: a part of a sentence said in English, a list
    (unless shown as Python writes it, ``!r``) as its items separated by commas."""
    if isinstance(value, Words):
        return value.said("en")
    if isinstance(value, list | tuple) and conversion != "r":
        return ", ".join(str(_english(v, None)) for v in value)
    return value


def _french(name: str, value: Any, spec: str, conversion: str | None) -> str:
    """A value written for a French sentence (see the module's docstring)."""
    if isinstance(value, Words):
        return value.said("fr")
    if isinstance(value, list | tuple):
        if not value:
            return render("error_empty_value", "fr", {})
        return ", ".join(_french(name, v, "", conversion) for v in value)
    if conversion == "r":  # a value as the data or the user wrote it
        if value is None:
            return render("error_empty_value", "fr", {})
        return f"«\u00a0{value}\u00a0»" if isinstance(value, str) else repr(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return french_number(format(value, spec))
    if name == "reason" and isinstance(value, str):
        return french_reason(value)
    return str(value)


def french_number(text: str) -> str:
    """A number written the English way (``1,234.5``) written the French way (``1 234,5``,
    with a narrow no-break space)."""
    return text.replace(",", "\u202f").replace(".", ",")


def french_reason(reason: str) -> str:
    """An exclusion reason of :mod:`clv.data.issues` in French (as written when unknown)."""
    messages = _messages()
    for key, texts in messages.items():
        if key.startswith("error_reason_") and texts["en"] == reason:
            return texts["fr"]
    early = re.fullmatch(r"date before (\d{4})-(\d\d)-(\d\d) \(a placeholder\)", reason)
    if early:
        year, month, day = early.groups()
        return render("error_early_date", "fr", {"day": f"{day}/{month}/{year}"})
    return reason
