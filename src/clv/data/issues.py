"""The `DataIssues` report: what was read, what was kept, what was excluded and why.

Nothing is dropped silently: every excluded row is counted under a reason, with its amount and a
few example rows (every row when asked: ``DataIssues.excluded_rows``), and the report checks
that amounts are conserved (``amount_read == amount_kept + amount_excluded``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

# Reasons, in the order they are checked: a row is counted under the first that applies.
MISSING_CUSTOMER = "missing customer id"
GUEST_CHECKOUT = "guest checkout without customer id"
"""A row of a guest (customer id 0 in a user-id column, see
:class:`clv.data.mapping.Mapping`) with no email to tell the guest by: ranked with the
missing ids."""
STATUS_NOT_PAID = "order status not paid (failed, cancelled, refunded, awaiting payment)"
NOT_SALES = "not a sales journal entry"
BAD_DATE = "unparsable date"
BAD_QUANTITY = "unparsable quantity"
BAD_AMOUNT = "unparsable amount"
AMOUNT_RANGE = "amount out of range"
FREE_LINE = "free line (unit price 0)"
NEGATIVE_PRICE = "negative unit price (an adjustment, such as bad debt)"
OTHER_CURRENCY = "other currency"
FUTURE_DATE = "date in the future"
DUPLICATE = "duplicated order line"
REFUND_DROPPED = "refund (policy 'drop')"
TOTALS_ROW = "totals row"
"""A spreadsheet's last row summing the others ('Total', 'Totaux', 'Grand total', or no
customer and the sum of the other amounts): ranked first, before the missing ids it has."""
EMPTY_ROW = "empty row (no value in any column)"
"""A line of a text file with no value in any cell (``,,,``, a blank line, a spreadsheet's
trailing lines): no purchase, counted apart (a workbook's are left out by its reader)."""
EARLIEST = dt.date(1970, 1, 1)
"""The default earliest date a transaction may carry (``read_transactions(earliest=...)``)."""


def early_date(earliest: dt.date) -> str:
    """The reason of rows dated before ``earliest``: a placeholder (0001-01-01, 1900-01-01,
    1970-01-01 00:00 written for an unknown date), not a purchase."""
    return f"date before {earliest.isoformat()} (a placeholder)"


EARLY_DATE = early_date(EARLIEST)
REASONS = (EMPTY_ROW, TOTALS_ROW, NOT_SALES, FREE_LINE, NEGATIVE_PRICE, GUEST_CHECKOUT,
           MISSING_CUSTOMER, STATUS_NOT_PAID, BAD_DATE,
           BAD_QUANTITY, BAD_AMOUNT, AMOUNT_RANGE, OTHER_CURRENCY, EARLY_DATE, FUTURE_DATE,
           DUPLICATE, REFUND_DROPPED)


def rank(reason: str) -> int:
    """The place of ``reason`` in REASONS (a date before any earliest date takes that of
    EARLY_DATE)."""
    if reason.startswith("date before ") and reason.endswith(" (a placeholder)"):
        return REASONS.index(EARLY_DATE)
    return REASONS.index(reason)


@dataclass
class Exclusion:
    """Rows excluded for one reason."""

    reason: str
    count: int
    amount: float
    examples: list[dict[str, Any]] = field(default_factory=list)
    amounts: dict[str, float] | None = None
    """The amounts of the rows in other currencies, per currency (``{'EUR': 50.0, 'GBP':
    33.5}``), for the reason ``other currency`` when the reader knows them (else None).
    ``amount`` sums their numbers only so that the amounts read balance: a face never shows
    it as money (:attr:`DataIssues.amount_other_currencies`)."""

    @property
    def money(self) -> float | None:
        """The amount a face shows as money: ``amount``, but None for the rows in other
        currencies (their numbers summed across currencies are no money)."""
        return None if self.reason == OTHER_CURRENCY else self.amount


@dataclass
class DataIssues:
    """Report of one read: rows and amounts read, kept and excluded by reason, plus notes.

    ``amount_read`` sums every amount that could be parsed and lies within range; rows whose
    amount could not be parsed are counted (under ``unparsable amount``) but add nothing to any
    sum, nor do amounts out of range (``amount out of range``, or any earlier reason: two
    amounts of 1e308 would make every sum infinite), whose values the examples show.
    ``amount_magnitude`` (the sum of the absolute amounts read) scales the tolerance of the
    conservation check: refunds netting purchases to a small total leave the rounding of
    their large sums.
    """

    source: str
    rows_read: int = 0
    rows_kept: int = 0
    amount_read: float = 0.0
    amount_kept: float = 0.0
    exclusions: list[Exclusion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    mapping_origin: dict[str, str] = field(default_factory=dict)
    amount_magnitude: float = field(default=0.0, repr=False)
    excluded_rows: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    """Every excluded row, when asked (``read_transactions(excluded_rows=True)``), else None:
    ``row`` (numbered as the errors and examples number it), ``reason`` (the text of the
    reasons above), ``amount`` (as parsed, null when it could not be), then the mapped
    columns as read, ordered by row. Left out of comparisons, of ``to_dict`` and of the
    printed report (a report read without it equals one read with it); a report pickled
    before the field existed reads None from the class."""

    @property
    def rows_excluded(self) -> int:
        return sum(e.count for e in self.exclusions)

    @property
    def amount_excluded(self) -> float:
        return math.fsum(e.amount for e in self.exclusions)

    @property
    def balanced(self) -> bool:
        """True when rows and amounts read equal those kept plus those excluded."""
        rows_ok = self.rows_read == self.rows_kept + self.rows_excluded
        gap = self.amount_read - self.amount_kept - self.amount_excluded
        tol = 1e-9 * max(1.0, abs(self.amount_read), self.amount_magnitude) + 1e-6
        return rows_ok and math.isfinite(gap) and abs(gap) <= tol

    @property
    def amount_other_currencies(self) -> float:
        """The numbers of the rows excluded in other currencies, summed across currencies:
        in ``amount_read`` and ``amount_excluded`` (so that they balance), but no money; a
        face shows the amounts read and excluded without them, in the kept currency, and
        those rows' amounts per currency (``Exclusion.amounts``)."""
        return math.fsum(e.amount for e in self.exclusions if e.reason == OTHER_CURRENCY)

    def excluded(self, reason: str) -> int:
        """Number of rows excluded for ``reason`` (0 when none)."""
        return sum(e.count for e in self.exclusions if e.reason == reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_excluded": self.rows_excluded,
            "amount_read": self.amount_read,
            "amount_kept": self.amount_kept,
            "amount_excluded": self.amount_excluded,
            # in the two above, no money: the amounts per currency are the exclusion's
            "amount_other_currencies": self.amount_other_currencies,
            "balanced": self.balanced,
            "mapping": self.mapping,
            "mapping_origin": self.mapping_origin,
            "exclusions": [
                {"reason": e.reason, "count": e.count, "amount": e.amount, "examples": e.examples}
                | ({} if e.amounts is None else {"amounts": dict(e.amounts)})
                for e in self.exclusions
            ],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        other = self.amount_other_currencies
        lines = [
            f"{self.source}: {self.rows_read:,} rows read, {self.rows_kept:,} kept, "
            f"{self.rows_excluded:,} excluded; amount read {self.amount_read - other:,.2f}, "
            f"kept {self.amount_kept:,.2f}, excluded {self.amount_excluded - other:,.2f}"
            + (" (in the kept currency; the rows in other currencies apart)"
               if self.excluded(OTHER_CURRENCY) else "")
        ]
        for e in self.exclusions:
            said = f"amount {e.amount:,.2f}" if e.reason != OTHER_CURRENCY else ", ".join(
                f"{c} {v:,.2f}" for c, v in sorted((e.amounts or {}).items())) or "amounts " \
                "in several currencies"
            lines.append(f"  - {e.reason}: {e.count:,} rows, {said}")
            for ex in e.examples:
                lines.append(f"      e.g. {ex}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)
