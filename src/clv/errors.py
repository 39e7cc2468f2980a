"""Exceptions raised for user errors.

Every error a user can cause derives from :class:`ClvError`; the CLI prints its message in one
sentence and exits with status 2, without a traceback. Programming errors stay ordinary
exceptions.
"""

from __future__ import annotations


class ClvError(Exception):
    """Base class for errors caused by the user's input or settings."""


class DataError(ClvError, ValueError):
    """The input data cannot be used as given.

    The message names the source (file or frame), the row (1-based, as a spreadsheet or text
    editor shows it, header included) and the column when they are known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.source = source
        self.row = row
        self.column = column
        where = []
        if source:
            where.append(source)
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)


class AmbiguousDateError(DataError):
    """Dates could be read as both day-first and month-first; the user must choose."""


class MappingError(DataError):
    """A required column could not be found or was mapped to a missing column.

    ``field`` is the canonical field concerned (``amount``, ``customer_id`` ...), so that each
    face can say how to name it (the CLI's ``--amount COLUMN``, the dashboard's form)."""

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None,
                 column: str | None = None, field: str | None = None) -> None:
        super().__init__(message, source=source, row=row, column=column)
        self.field = field
