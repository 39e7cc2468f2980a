"""How a spend, customers or subscriptions table was read: the :class:`TableReport`.

The orders have their :class:`clv.data.issues.DataIssues`; the tables read beside them have
this report: rows read, rows kept, rows left out by reason (counted, with example rows), and
notes on how the values were read (decimal commas, how the months were written, dates left
blank and why, rows whose spends are added together...). Nothing is dropped silently:
``rows_read == rows_kept + rows_excluded`` (:attr:`TableReport.balanced`).

Each reason and note has a ``key``, so that a face can say it in another language (the
dashboard's catalogue has ``tbl_reason_<key>`` and ``tbl_note_<key>`` in English and French);
the English sentences are :data:`REASONS` and :data:`NOTES` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("spend", "customers", "subscriptions")
"""The tables read beside the orders, in the order the pages show them."""

REASONS: dict[str, str] = {
    "empty_row": "empty row (no value in any column)",
    "missing_id": "no customer id",
    "repeated_id": "customer id repeated (the first row is kept)",
    "month_unread": "no month can be read (such as 05/2023, 2023-05 or May 2023)",
}
"""The English reason of each kind of row left out."""

NOTES: dict[str, str] = {
    "months_numeric": "{n:,} months of '{column}' written as month and year (such as "
                      "'{example}')",
    "months_year_first": "{n:,} months of '{column}' written as year and month (such as "
                         "'{example}')",
    "months_named": "{n:,} months of '{column}' written with the month's name (such as "
                    "'{example}')",
    "months_dates": "{n:,} values of '{column}' are dates (such as '{example}'): each counts "
                    "for its month",
    "months_typed": "the months of '{column}' are dates of the file (such as {example}): each "
                    "counts for its month",
    "decimal_comma": "{n:,} amounts of '{column}' are written with a decimal comma (such as "
                     "'{example}', read as {value:,.2f})",
    "currencies": "the amounts of '{column}' are written in several currencies "
                  "({currencies}): they are added as they are, without conversion",
    "repeated_month": "{n:,} rows repeat the channel and month of another row (such as "
                      "rows {rows}: '{channel}', {month}): their spends are added together",
    "no_channel": "{n:,} rows have no channel in '{column}' (such as row {row}): their spend "
                  "counts in the total, under no channel",
    "unmatched_channel": "the channel '{channel}' of the spend table ({spend:,.2f} spent) is "
                         "the acquisition channel of no customer: its spend buys no customer "
                         "(channels of the customers: {known})",
    "months_outside": "{n:,} months of the spend table ({first} to {last}) lie outside the "
                      "orders' months ({start} to {end}): their spend counts, but no "
                      "customer is acquired in them",
    "other_currency": "the spend table's amounts are in {spend}, the orders' in {orders}: "
                      "they are compared as they are, without conversion",
    "dates_unread": "{n:,} values of '{column}' are not dates (such as '{example}', row "
                    "{row}): left blank",
    "dates_empty": "{n:,} rows have no value in '{column}': left blank",
    "customers_no_channel": "{n:,} customers have no channel in '{column}': the channels "
                            "count them under '(unknown)'",
    "repeated_other": "{n:,} rows of a repeated customer id give another '{column}' than "
                      "the customer's first row (such as '{example}', row {row}): the first "
                      "row's is kept",
    "subs_active": "{n:,} subscriptions have no end in '{column}': active",
    "subs_no_customer": "{n:,} subscriptions have no customer id (such as row {row}): "
                        "kept, under an empty id",
    "subs_free": "{n:,} subscriptions have a monthly revenue of 0 (such as row {row}): they "
                 "count in no month's revenue nor paying customers",
    "subs_after_end": "{n:,} subscriptions start after {month}, the last month reported "
                      "(the orders end on {end}): they are in no month's figures",
    "subs_end_after_as_of": "{n:,} subscriptions end after {as_of}, the date the figures "
                            "describe (a cancellation scheduled, such as at the end of a "
                            "term): counted as active on that date",
    "subs_end_preferred": "the end of each subscription is read from '{column}' (when its "
                          "service stopped), not from '{other}' (which may be when its "
                          "cancellation was asked)",
    "subs_unit_price": "each subscription's monthly revenue is '{column}' x '{quantity}' (a "
                       "price per unit times the quantity, such as seats)",
    "subs_minor_units": "'{column}' holds amounts in cents (the currency's minor unit): "
                        "divided by 100",
    "subs_minor_units_whole": "{n:,} subscriptions are in a currency without cents (in "
                              "'{currency}'): their '{column}' is not divided",
    "subs_quantity_not_applied": "'{quantity}' holds quantities (seats, units) not applied: "
                                 "'{column}' is read as each subscription's whole monthly "
                                 "revenue, not a price per unit (if it is one, give the "
                                 "monthly revenue, price x quantity, in a column of its own)",
}
"""The English sentence of each kind of note (``str.format`` templates)."""
NOTES_ONE: dict[str, str] = {
    "months_numeric": "{n:,} month of '{column}' written as month and year ('{example}')",
    "months_year_first": "{n:,} month of '{column}' written as year and month ('{example}')",
    "months_named": "{n:,} month of '{column}' written with the month's name ('{example}')",
    "months_dates": "{n:,} value of '{column}' is a date ('{example}'): it counts for its month",
    "decimal_comma": "{n:,} amount of '{column}' is written with a decimal comma ('{example}', "
                     "read as {value:,.2f})",
    "repeated_month": "{n:,} row repeats the channel and month of another row (rows {rows}: "
                      "'{channel}', {month}): their spends are added together",
    "no_channel": "{n:,} row has no channel in '{column}' (row {row}): its spend counts in the "
                  "total, under no channel",
    "months_outside": "{n:,} month of the spend table ({first}) lies outside the orders' months "
                      "({start} to {end}): its spend counts, but no customer is acquired in it",
    "dates_unread": "{n:,} value of '{column}' is not a date ('{example}', row {row}): left blank",
    "dates_empty": "{n:,} row has no value in '{column}': left blank",
    "customers_no_channel": "{n:,} customer has no channel in '{column}': the channels count it"
                            " under '(unknown)'",
    "repeated_other": "{n:,} row of a repeated customer id gives another '{column}' than the "
                      "customer's first row ('{example}', row {row}): the first row's is kept",
    "subs_active": "{n:,} subscription has no end in '{column}': active",
    "subs_no_customer": "{n:,} subscription has no customer id (row {row}): kept, under an empty "
                        "id",
    "subs_free": "{n:,} subscription has a monthly revenue of 0 (row {row}): it counts in no "
                 "month's revenue nor paying customers",
    "subs_after_end": "{n:,} subscription starts after {month}, the last month reported (the "
                      "orders end on {end}): it is in no month's figures",
    "subs_minor_units_whole": "{n:,} subscription is in a currency without cents (in "
                              "'{currency}'): its '{column}' is not divided",
    "subs_end_after_as_of": "{n:,} subscription ends after {as_of}, the date the figures "
                            "describe (a cancellation scheduled, such as at the end of a "
                            "term): counted as active on that date",
}
"""The English sentence of the notes whose count ``n`` is one, where it differs (the same
values as their :data:`NOTES`)."""


class TableNote(str):
    """A note of a table's reading: its English sentence (it *is* that string; its singular
    of :data:`NOTES_ONE` when its count ``n`` is one), its ``key`` (one of :data:`NOTES`)
    and the ``values`` it was written from."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> TableNote:
        one = values.get("n") == 1 and not isinstance(values.get("n"), bool)
        note = super().__new__(cls, (NOTES_ONE.get(key, NOTES[key]) if one else NOTES[key])
                               .format(**values))
        note.key, note.values = key, values
        return note

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.key, str(self), self.values))


def _rebuild(key: str, text: str, values: dict[str, Any]) -> TableNote:
    note = str.__new__(TableNote, text)
    note.key, note.values = key, values
    return note


@dataclass
class TableExclusion:
    """Rows of a table left out for one reason (``key``, one of :data:`REASONS`), with a few
    of them as examples (``row``: its number in the file, header included, as a spreadsheet
    shows it, and its values)."""

    key: str
    count: int
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """The reason in English."""
        return REASONS[self.key]


@dataclass
class TableReport:
    """How one table (``kind``: spend, customers or subscriptions) was read from ``source``:
    rows read, kept and left out by reason, the ``columns`` read (field -> column), and
    ``notes`` (the file reader's, such as its encoding or delimiter, and the table's own
    :class:`TableNote`). ``currency``: the one currency its amounts are written in, when
    they name exactly one."""

    kind: str
    source: str
    rows_read: int = 0
    rows_kept: int = 0
    exclusions: list[TableExclusion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    currency: str | None = None

    @property
    def rows_excluded(self) -> int:
        return sum(e.count for e in self.exclusions)

    @property
    def balanced(self) -> bool:
        """True when the rows read are the rows kept plus the rows left out."""
        return self.rows_read == self.rows_kept + self.rows_excluded

    def excluded(self, key: str) -> int:
        """Rows left out for the reason ``key`` (0 when none)."""
        return sum(e.count for e in self.exclusions if e.key == key)

    def noted(self, key: str) -> list[TableNote]:
        """The table's notes of kind ``key``."""
        return [n for n in self.notes if isinstance(n, TableNote) and n.key == key]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain values (JSON)."""
        return {"kind": self.kind, "source": self.source, "rows_read": self.rows_read,
                "rows_kept": self.rows_kept, "rows_excluded": self.rows_excluded,
                "balanced": self.balanced, "columns": dict(self.columns),
                "exclusions": [{"reason": e.reason, "key": e.key, "count": e.count,
                                "examples": e.examples} for e in self.exclusions],
                "notes": [str(n) for n in self.notes], "currency": self.currency}

    def __str__(self) -> str:
        lines = [f"{self.kind} table {self.source}: {self.rows_read:,} rows read, "
                 f"{self.rows_kept:,} kept, {self.rows_excluded:,} left out"]
        for e in self.exclusions:
            lines.append(f"  - {e.reason}: {e.count:,} rows")
            lines.extend(f"      e.g. {ex}" for ex in e.examples)
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)
