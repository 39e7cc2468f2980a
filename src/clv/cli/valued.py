"""The one valuation of the commands that value customers (``clv.valuation.value_customers``
under the Settings of their options) and how its basis is shown: which models, which
settings, which currency, and the notes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from clv.cli.options import Reading
from clv.cli.output import lang, model_payload, notes_text, number, out, print_notes, share, w

if TYPE_CHECKING:
    from clv.valuation import Settings, Valuation


def valuation(file: str, read: Reading, settings: Settings) -> Valuation:
    """Read ``file`` and value its customers under ``settings``."""
    from clv.valuation import value_customers

    tx = read.transactions(file)
    with too_little(file, tx):
        return value_customers(tx, settings)


@contextmanager
def too_little(file: str, tx: Any = None, customers: int | None = None) -> Iterator[None]:
    """A model that cannot be fitted for want of customers (``error_one_customer``,
    ``error_few_customers``) said in the user's words: the file, why (every row kept is a
    refund, no row is a purchase) and the counts (customers, the model's parameters)."""
    from clv.errors import ClvError

    try:
        yield
    except ClvError as exc:
        if exc.key not in ("error_one_customer", "error_few_customers"):
            raise
        said = _too_little(exc, file, tx, customers)
        if said is None:
            raise
        raise ClvError(said) from exc


def _too_little(exc: Any, file: str, tx: Any, customers: int | None) -> str | None:
    import polars as pl

    from clv.models import ALL_MODELS

    name = str(exc.values.get("model", ""))
    source = file
    if tx is not None and "amount" in tx.frame.columns:
        amount = pl.col("amount")
        rows, refunds, zeros = tx.frame.select(
            pl.len(), (amount < 0).sum().alias("refunds"), (amount == 0).sum().alias("zeros")
        ).row(0)
        if rows and refunds == rows:
            return w("cli_err_only_refunds", source=source, n=rows, rows=number(rows, 0))
        if rows and refunds + zeros == rows:
            return w("cli_err_no_purchase", source=source, n=rows, rows=number(rows, 0),
                     refunds=number(refunds, 0), zeros=number(zeros, 0))
    if customers == 0:
        return w("cli_err_no_customer", source=source, model=name)
    if exc.key == "error_few_customers" and customers is not None:
        params = next((len(m.PARAMS) for m in ALL_MODELS.values() if name == m.NAME), None)
        if params is not None:
            return w("cli_err_few_customers", source=source, model=name, params=params,
                     needed=params + 1, customers=number(customers, 0))
    return None


def basis_payload(val: Valuation) -> dict[str, Any]:
    """The models, settings, currency and notes behind the figures, for ``--json``."""
    spend = model_payload(val.spend_model) if val.spend_model is not None else {
        "model": val.spend_name, "value": val.spend}
    return {"model": model_payload(val.model), "spend": spend,
            "scorecard": val.scorecard.table.to_dicts() if val.scorecard is not None else None,
            "settings": asdict(val.settings), "basis": val.basis, "currency": val.currency,
            "notes": notes_text(val.notes)}


def print_basis(val: Valuation) -> None:
    """The models and settings behind the figures, then the notes."""
    kinds = {getattr(n, "key", "") for n in val.notes}
    chosen = w("cli_fallback" if "no_model" in kinds
               else "cli_chosen_holdout" if val.scorecard is not None
               else "cli_no_comparison" if "no_comparison" in kinds else "cli_as_asked")
    out().print(w("cli_purchase_model", model=val.model.NAME, chosen=chosen,
                  spend=spend_words(val)), markup=False, highlight=False)
    out().print(w("cli_future_value", basis=basis_words(val)), markup=False, highlight=False)
    print_notes(val.notes)


def spend_words(val: Valuation) -> str:
    """The spend model's name (``Valuation.spend_name``) in this run's language."""
    return "Gamma-Gamma" if val.spend_model is not None else w("cli_mean_spend_name")


def basis_words(val: Valuation) -> str:
    """What the future value is (``Valuation.basis``: models, margin, discount rate,
    horizon, currency) in this run's language."""
    from clv.measures import horizon_words

    cfg = val.settings
    text = w("cli_basis", model=val.model.NAME, spend=spend_words(val),
             margin=share(cfg.margin, 0), discount=share(cfg.discount_rate, 0),
             horizon=horizon_words(cfg.horizon, cfg.horizon_unit, lang()))
    return text + (w("cli_in_currency", currency=val.currency) if val.currency else "")


# The channel table's columns on the terminal (--json and -o give them all).
CHANNEL_FIGURES = ["new_customers", "spend", "cac", "ltv", "ltv_cac", "verdict",
                   "predicted_payback_months", "max_cac"]


def acquisition_extra(acq: Any) -> dict[str, Any]:
    """The blended figures of an ``Acquisition`` (they reconcile with its channels)."""
    return {"blended_cac": acq.blended_cac, "paid_cac": acq.paid_cac,
            "blended_ltv": acq.blended_ltv, "blended_ltv_cac": acq.blended_ltv_cac}
