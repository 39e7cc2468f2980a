"""The one valuation of the commands that value customers (``clv.valuation.value_customers``
under the Settings of their options) and how its basis is shown: which models, which
settings, which currency, and the notes."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from clv.cli.options import Reading
from clv.cli.output import escape, model_payload, notes_text, out, print_notes

if TYPE_CHECKING:
    from clv.valuation import Settings, Valuation


def valuation(file: str, read: Reading, settings: Settings) -> Valuation:
    """Read ``file`` and value its customers under ``settings``."""
    from clv.valuation import value_customers

    return value_customers(read.transactions(file), settings)


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
    chosen = ("chosen on a holdout (clv evaluate shows the scorecard)"
              if val.scorecard is not None else "as asked")
    out().print(f"Purchase model {escape(val.model.NAME)}, {chosen}; spend per purchase: "
                f"{escape(val.spend_name)}", highlight=False)
    out().print(f"Future value: {escape(val.basis)}", highlight=False)
    print_notes(val.notes)


# The channel table's columns on the terminal (--json and -o give them all).
CHANNEL_FIGURES = ["new_customers", "spend", "cac", "ltv", "ltv_cac", "verdict",
                   "predicted_payback_months", "max_cac"]


def acquisition_extra(acq: Any) -> dict[str, Any]:
    """The blended figures of an ``Acquisition`` (they reconcile with its channels)."""
    return {"blended_cac": acq.blended_cac, "paid_cac": acq.paid_cac,
            "blended_ltv": acq.blended_ltv, "blended_ltv_cac": acq.blended_ltv_cac}
