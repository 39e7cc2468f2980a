"""Notes: what a reader or an analysis did that the user should know, in plain words.

A :class:`Note` is its English sentence (it *is* that string, so lists of notes stay lists of
strings for every caller) and also carries its kind and the values it was written from, so that
a face can say it in another language: the English sentences are ``TEMPLATES`` below, the
report's French ones are ``clv.report.text.NOTES``, with the same kinds and the same values.
"""

from __future__ import annotations

from typing import Any

TEMPLATES: dict[str, str] = {
    "delimited": "read as delimited text: delimiter {delimiter}, {header}",
    "encoding": "file is not UTF-8; read as {encoding}",
    "date_order": "column '{column}' read as {order}: values such as '{example}' rule out "
                  "the other order",
    "mixed_decimals": "column '{column}' mixes decimal commas ({commas:,} values) and "
                      "decimal points ({points:,} values); each value was read by its own form",
    "ambiguous_decimals": "column '{column}': {n:,} values such as '1,234' or '1.234' "
                          "could be read either way and nothing else in the column tells; "
                          "read with ',' as thousands separator and '.' as decimal point "
                          "(set decimal=',' to change)",
    "line_items": "{n:,} line items without their own amount belong to orders whose "
                  "amount is on another line; kept with amount 0",
    "preset_detected": "the headers are those of a {preset} export: read with the {preset} "
                       "preset (name another with preset=...)",
    "line_item_amounts": "line-item log: each line's amount is '{quantity}' x '{price}' "
                         "(quantity x unit price)",
    "line_item_orders": "{lines:,} lines kept make {orders:,} orders ({by})",
    "price_as_amount": "column '{column}' (a price) is taken as each row's amount: there is "
                       "no quantity column to multiply it by (name one with quantity=...)",
    "unit_price_as_amount": "column '{column}' given as the amount looks like a unit price "
                            "while '{quantity}' holds quantities: amounts were not multiplied "
                            "(give it as price=... instead of amount=... for quantity x price)",
    "cancellations": "{n:,} cancelled lines ({how}), total {total:,.2f}, are refunds of their "
                     "customers (refund policy '{policy}')",
    "ledger_sides": "ledger: amount = '{plus}' - '{minus}' (sales are on the {plus} side in "
                    "{percent}% of the entries)",
    "refunded_netted": "{n:,} payments partly or wholly refunded: the amount of '{column}' "
                       "(total {total:,.2f}) is deducted from them",
    "date_format_time_left_out": "the values of '{column}' carry a time of day (e.g. "
                                 "'{example}') that date_format='{given}' does not read: "
                                 "their day is read with it, their time left out (a format "
                                 "with the time, such as '%b %d, %Y %I:%M %p', reads both)",
    "date_format_unread": "{n:,} values of '{column}' are unread with date_format='{given}', "
                          "while '{better}' reads more of them: check the date format",
    "customer_email_over_name": "customers are told apart by their email in '{email}', not "
                                "by the names in '{column}' (namesakes would count as one "
                                "customer)",
    "customer_names": "customers are told apart by the name in '{column}' (the export has "
                      "no customer id): namesakes count as one customer, and one who changes "
                      "name as two",
    "excel_dates": "column '{column}' read as spreadsheet serial days (e.g. '{example}': "
                   "days since 1899-12-30)",
    "header_row": "the table's header is on row {row} (the rows above it are a title)",
    "encoding_guessed": "file has no byte-order mark but its zero bytes show {encoding} "
                        "text; read as {encoding}",
    "encoding_mixed": "lines not UTF-8, read as {encoding}: {n:,} (line numbers {lines}); the "
                      "others are UTF-8",
    "encoding_majority": "file read as {encoding}: {bad:,} of its lines with accents or "
                         "symbols are not UTF-8, but {good:,} others are valid UTF-8 and may "
                         "show them wrongly (give encoding=... to choose)",
    "cr_line_ends": "lines end with a carriage return alone (an old Mac text file): read as "
                    "line ends",
    "renamed_text": "the file named {suffix} is not a workbook but delimited text (a CSV "
                    "renamed?): read as text",
    "date_and_time": "dates of '{date}' and times of day of '{time}' read together",
    "currencies": "several currencies found; kept {currency}, the most frequent (choose "
                  "with currency=...)",
    "currency_cell_errors": "{n:,} cells of '{column}' hold a spreadsheet error (such as "
                            "'{example}'): unreadable, read as blank, not as currencies",
    "identical_rows": "{n:,} rows repeat another row exactly; kept, since without an "
                      "order id they cannot be told from real repeat purchases "
                      "(duplicates='drop' removes them)",
    "read_not_summarised": "the table was read row by row, not summarised by the database: "
                           "{reason}",
    "statuses_not_found": "{n:,} of the order statuses given never occur in '{column}': "
                          "{values} (a typo?)",
    "zero_rows": "{n:,} zero-value rows kept: not purchases, but a customer's first "
                 "order, even free, starts the relationship",
    "refunds": "{n:,} refunds (negative amounts, total {total:,.2f}) kept, to be netted "
               "against the same customer's purchases of the same period",
    "refunds_linked": "{n:,} refunds (total {total:,.2f}) made after their order, found "
                      "by its order id, are netted against the order's period: a refunded "
                      "order is not a purchase",
    "spend_sample": "Gamma-Gamma fitted on a uniform sample of {n:,} of the {repeat:,} "
                    "repeat buyers (the Spark engine's bound on what the driver receives)",
    "outlier_amount": "row {row:,}: {amount:,.2f} (customer '{customer}') is {ratio:,}x the "
                      "99th percentile of the other amounts ({typical:,.2f}) and {percent}% of "
                      "revenue; check it is not a typo or a test order",
    "spend_dependence": "frequency and mean spend of repeat buyers are correlated (Pearson "
                        "{r:.2f}, beyond +/-{limit}); Gamma-Gamma assumes they are "
                        "independent, so its spend predictions may be biased",
    "no_comparison": "no model comparison ({reason}); {model} is used",
    "not_converged": "{model} did not converge on the whole history ({reason}); {next} is "
                     "tried next",
    "no_spend_model": "spend model not fitted ({reason}); CLV uses the mean spend per "
                      "purchase",
    "spend_mean_infinite": "spend model not usable (Gamma-Gamma: q = {q:.3g} <= 1, its mean "
                           "spend per purchase is not finite); CLV uses the mean spend per "
                           "purchase",
    "no_dropout": "{model}: no evidence of customer dropout in this data ({params}): the model "
                  "reduces to the NBD, every customer counts as still active, P(alive) is not "
                  "informative, and parameter draws hold the dropout parameters fixed",
    "same_dropout": "{model}: every customer has the same dropout ({value:.3g} per {per}; "
                    "{params}): the data show no difference between customers in how long "
                    "they stay, so the model's dropout is that one value; P(alive) still "
                    "follows each customer's purchases",
    "same_rate": "{model}: every customer buys at the same rate ({value:.3g} per {per}; "
                 "{params}): the data show no difference between customers in how often they "
                 "buy, so the model's purchase rate is that one value and a customer's past "
                 "purchases no longer change it (only whether they are still active)",
    "interval_capped": "{model}: the {level} interval of {params} runs past the largest "
                       "number: its upper end is shown as inf (the data hardly bound them)",
    "draws_left_out": "{model}: {left:,} of {asked:,} parameter draws left out of the CLV "
                      "intervals ({reason}): the intervals rest on the {used:,} others",
    "no_usable_draw": "{model}: none of the {asked:,} parameter draws could be used "
                      "({reason}): no CLV interval is given",
    "at_bound": "{model}: {params} at the edge of the parameter space (the data do not bound "
                "them): no standard error, a one-sided interval, and parameter draws keep them "
                "there",
    "unidentified": "{model}: the data do not identify {params} (the likelihood does not "
                    "change with them); they stay where the fit stopped",
    "naive_best": "the naive baseline (each customer's past purchase rate carried forward) "
                  "predicts the holdout better than every model (RMSE {naive:.3f} against "
                  "{best:.3f} for {model}); {model} is used as the best of the models, not as "
                  "better than the baseline",
    "no_model": "no purchase model could be fitted ({reason}); the NBD (each customer buying "
                "at their own rate, without dropout) is used",
    "not_fitted": "{model} could not be fitted on the whole history ({reason}); {next} is "
                  "tried next",
    "customers_unmatched": "none of the {rows:,} ids of the customers table (such as "
                           "'{example}') is a customer of the transactions (such as "
                           "'{known}'): its {columns} are missing for every customer; the "
                           "ids must be written the same way in both",
    "p_alive_activity": "BG/NBD counts every customer without a repeat purchase as alive "
                        "(P(alive) = 1 by its assumption); the segment and activity views take "
                        "P(alive) from {model}, fitted on the same data",
    "p_alive_not_judged": "BG/NBD counts every customer without a repeat purchase as alive, "
                          "and no other model could be fitted ({reason}): their P(alive) is "
                          "left blank in the segment and activity views (not judged)",
    "p_alive_no_dropout": "{model} assumes no customer drops out here: every P(alive) is 1 by "
                          "that assumption, so the segment and activity views leave it blank "
                          "(not judged)",
    "lifetime_capped": "without discounting, the lifetime value is taken over {months:,} "
                       "months",
    "cohort_ages_capped": "the cohort table stops at {ages:,} {period}s after acquisition "
                          "(50 years): {lines:,} lines at older ages, of customers acquired "
                          "from {first} on, are left out of it",
    "amount_ex_tax": "the amount is '{column}', without tax (the tax is the state's, as "
                     "Shopify's Subtotal); '{other}' holds it with tax (--amount '{other}' "
                     "takes it)",
    "amount_inc_tax": "the amount is '{column}', tax included; '{other}' holds it without "
                      "tax (--amount '{other}' takes it)",
    "refund_flag_whole": "{n:,} payments flagged refunded in '{flag}' without an amount "
                         "refunded are wholly refunded (total {total:,.2f} deducted); '{flag}' "
                         "is a yes/no flag, not money",
    "order_total_repeated": "{n:,} orders write their total '{column}' again on each of "
                            "their lines (same '{order}', same amount): counted once per "
                            "order, their {lines:,} other lines kept as line items worth 0",
    "order_lines_filled": "{n:,} lines without a date in '{column}' are further lines of "
                          "an order written on the line above (same '{order}'): they take "
                          "its date and customer",
    "credit_notes": "{n:,} lines of '{column}' are credit notes ('{example}'), written "
                    "with a positive amount: counted as refunds (total {total:,.2f} "
                    "deducted), not purchases",
    "guest_ids_excluded": "{n:,} rows have the customer id 0 in '{column}', a guest checkout's "
                          "placeholder, and no email column to tell the guests apart: "
                          "excluded as guest checkouts (else they would be one customer '0')",
    "guest_emails": "{n:,} rows of guest checkouts ('{column}' 0 or blank) are told apart by "
                    "their email in '{email}' (lower-cased); the other rows by their id",
    "email_ids_merged": "customer ids of '{column}' are emails, compared without case: {n:,} "
                        "of them differed from another only by case and were merged",
    "no_prediction_time": "no prediction possible: the {n:,} customers' first purchases are "
                          "all on the last day of the data ({day}), so no time has passed to "
                          "see anyone buy again; the future value, the lifetime value and the "
                          "LTV of a new customer are not given (the history is)",
    "no_prediction_repeat": "no prediction possible: none of the {n:,} customers made a "
                            "repeat purchase, so how often customers buy again cannot be "
                            "estimated; the future value, the lifetime value and the LTV of a "
                            "new customer are not given (the history is)",
    "minor_units": "amounts of '{column}' and '{refunded}' are in the currency's minor unit "
                   "(Stripe API charges: 14950 is 149.50): divided by 100, but in "
                   "zero-decimal currencies (JPY, KRW ...), written in units",
    "refund_basis": "'{column}' is refunded money with tax and shipping ({written:,.2f}) "
                    "while the amount '{basis}' has neither: each refund is scaled by "
                    "'{basis}' / '{gross}' of its order ({deducted:,.2f} deducted)",
    "two_digit_years": "column '{column}' writes years with two digits (e.g. '{example}', "
                       "read in {year}): 00 to 68 are read as 2000 to 2068, 69 to 99 as 1969 "
                       "to 1999",
    "payment_activity": "payment account's activity: payments received from buyers are "
                        "their purchases, by the email in '{buyer}' (rows: {sales:,}); refunds "
                        "are refunds of the buyer in '{refunded}' (rows: {refunds:,}); the "
                        "other movements of '{type}' (withdrawals, currency conversions, "
                        "holds, fees, transfers, payments sent; rows: {other:,}) are no sales, "
                        "counted under 'not a sales journal entry'",
    "zone_column": "column '{column}' gives the time zone the dates are written in (such "
                   "as {example}): dates are taken as written, in that zone, and not converted "
                   "to {zone} (a purchase near midnight may fall on the day before or after "
                   "in {zone})",
    "adjusted_amounts": "{n:,} orders have an adjusted total in '{adjusted}' (a refund or "
                        "an adjustment): their amount is it ({after:,.2f}), not '{column}' "
                        "({before:,.2f}); the other orders' amount is '{column}'",
    "dates_preset_order": "column '{column}': dates such as '{example}' read either way and "
                          "none decides; read month first (MM/DD), as {preset} exports write "
                          "them (give date_format='dmy' if they are day first)",
    "walk_ins": "{n:,} sales to a till's placeholder customer ({example} in '{column}': a "
                "walk-in, anonymous sale) are no customer's: excluded as guest checkouts "
                "without customer id",
    "one_customer": "every one of the {rows:,} rows kept has the same customer in '{column}' "
                    "('{example}'): the column cannot tell customers apart (a merchant's own "
                    "email, a placeholder?) and every figure is one customer's; name the "
                    "column of the customers with --customer (columns: {columns})",
    "dominant_customer": "one customer id of '{column}', '{example}', holds {percent}% of the "
                         "rows kept ({count:,} of {rows:,}): a merchant's own email or a "
                         "placeholder rather than a customer? Check the column",
    "ledger_accounts": "'{column}' holds the journal's account numbers: the lines of "
                       "customer accounts (411..., or auxiliary accounts such as "
                       "'{customer}') are the customers'; {n:,} lines of other accounts "
                       "(such as {example}: sales, VAT) are the invoices' counterparts, "
                       "excluded as 'missing customer id'",
    "dates_day_first": "column '{column}': dates such as '{example}' read either way and none "
                       "decides; read day first (DD/MM/YYYY), as French and European files "
                       "write them: {evidence} shows such a file (give date_format='mdy' if "
                       "they are month first)",
}
"""The English sentence of each kind of note (``str.format`` templates)."""

TEMPLATES_ONE: dict[str, str] = {
    "ambiguous_decimals": "column '{column}': {n:,} value such as '1,234' or '1.234' could be "
                          "read either way and nothing else in the column tells; read with ',' "
                          "as thousands separator and '.' as decimal point (set decimal=',' to "
                          "change)",
    "cancellations": "{n:,} cancelled line ({how}), total {total:,.2f}, is a refund of its "
                     "customer (refund policy '{policy}')",
    "refunded_netted": "{n:,} payment partly or wholly refunded: the amount of '{column}' "
                       "(total {total:,.2f}) is deducted from it",
    "adjusted_amounts": "{n:,} order has an adjusted total in '{adjusted}' (a refund or an "
                        "adjustment): its amount is it ({after:,.2f}), not '{column}' "
                        "({before:,.2f}); the other orders' amount is '{column}'",
    "walk_ins": "{n:,} sale to a till's placeholder customer ({example} in '{column}': a "
                "walk-in, anonymous sale) is no customer's: excluded as a guest checkout "
                "without customer id",
    "ledger_accounts": "'{column}' holds the journal's account numbers: the lines of "
                       "customer accounts (411..., or auxiliary accounts such as "
                       "'{customer}') are the customers'; {n:,} line of another account "
                       "({example}: sales, VAT) is an invoice's counterpart, excluded as "
                       "'missing customer id'",
    "date_format_unread": "{n:,} value of '{column}' is unread with date_format='{given}', "
                          "while '{better}' reads more values: check the date format",
    "encoding_mixed": "{n:,} line not UTF-8, read as {encoding} (line number {lines}); the "
                      "others are UTF-8",
    "currency_cell_errors": "{n:,} cell of '{column}' holds a spreadsheet error ('{example}'): "
                            "unreadable, read as blank, not as a currency",
    "line_items": "{n:,} line item without its own amount belongs to an order whose amount is "
                  "on another line; kept with amount 0",
    "identical_rows": "{n:,} row repeats another row exactly; kept, since without an order id "
                      "it cannot be told from a real repeat purchase (duplicates='drop' removes "
                      "it)",
    "statuses_not_found": "{n:,} of the order statuses given never occurs in '{column}': "
                          "{values} (a typo?)",
    "zero_rows": "{n:,} zero-value row kept: not a purchase, but a customer's first order, "
                 "even free, starts the relationship",
    "refunds": "{n:,} refund (a negative amount, total {total:,.2f}) kept, to be netted against "
               "the same customer's purchases of the same period",
    "refunds_linked": "{n:,} refund (total {total:,.2f}) made after its order, found by its "
                      "order id, is netted against the order's period: a refunded order is not "
                      "a purchase",
    "refund_flag_whole": "{n:,} payment flagged refunded in '{flag}' without an amount "
                         "refunded is wholly refunded (total {total:,.2f} deducted); '{flag}' "
                         "is a yes/no flag, not money",
    "order_total_repeated": "{n:,} order writes its total '{column}' again on each of "
                            "its lines (same '{order}', same amount): counted once, its "
                            "{lines:,} other lines kept as line items worth 0",
    "order_lines_filled": "{n:,} line without a date in '{column}' is a further line of "
                          "an order written on the line above (same '{order}'): it takes its "
                          "date and customer",
    "credit_notes": "{n:,} line of '{column}' is a credit note ('{example}'), written "
                    "with a positive amount: counted as a refund (total {total:,.2f} "
                    "deducted), not a purchase",
    "guest_ids_excluded": "{n:,} row has the customer id 0 in '{column}', a guest checkout's "
                          "placeholder, and no email column to tell the guests apart: "
                          "excluded as a guest checkout (else it would be a customer '0')",
    "guest_emails": "{n:,} row of a guest checkout ('{column}' 0 or blank) is told apart by its "
                    "email in '{email}' (lower-cased); the other rows by their id",
    "email_ids_merged": "customer ids of '{column}' are emails, compared without case: {n:,} of "
                        "them differed from another only by case and was merged",
    "no_prediction_time": "no prediction possible: the data hold {n:,} customer, whose first "
                          "purchase is on the last day of the data ({day}), so no time has "
                          "passed to see them buy again; the future value, the lifetime value "
                          "and the LTV of a new customer are not given (the history is)",
    "no_prediction_repeat": "no prediction possible: the data hold {n:,} customer, who "
                            "made no repeat purchase, so how often customers buy again cannot "
                            "be estimated; the future value, the lifetime value and the LTV of "
                            "a new customer are not given (the history is)",
}
"""The English sentence of the notes whose count ``n`` is one (English writes 1 in the
singular, 0 in the plural; the French singulars are ``clv.report.text.NOTES_ONE``), with the
same values as their ``TEMPLATES``."""


def template(key: str, values: dict[str, Any]) -> str:
    """The English template of a note of kind ``key`` written from ``values``: its singular
    form when its count ``n`` is one."""
    count = values.get("n")
    if key in TEMPLATES_ONE and isinstance(count, int) and not isinstance(count, bool) \
            and count == 1:
        return TEMPLATES_ONE[key]
    return TEMPLATES[key]


class Note(str):
    """An English note with its ``key`` (its kind, one of ``TEMPLATES``) and the ``values`` it
    was written from."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Note:
        note = super().__new__(cls, template(key, values).format(**values))
        note.key, note.values = key, values
        return note

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.key, str(self), self.values))


def _rebuild(key: str, text: str, values: dict[str, Any]) -> Note:
    note = str.__new__(Note, text)
    note.key, note.values = key, values
    return note
