"""The models by their short names, the names of the command line's ``--model``.

``MODELS`` are the purchase models a user may choose for transactions (each predicts from a
Summary: P(alive), expected purchases, their distribution); ``ALL_MODELS`` adds the NBD (the
fallback without dropout), Gamma-Gamma (spend per transaction), BG/BB (discrete-time
patterns) and sBG (contractual retention).
"""

from __future__ import annotations

from clv.models.base import Model, PurchaseModel
from clv.models.bgbb import BGBB
from clv.models.bgnbd import BGNBD, MBGNBD
from clv.models.gamma_gamma import GammaGamma
from clv.models.nbd import NBD
from clv.models.pareto_nbd import ParetoNBD
from clv.models.sbg import SBG

MODELS: dict[str, type[PurchaseModel]] = {"bgnbd": BGNBD, "mbgnbd": MBGNBD, "pnbd": ParetoNBD}
ALL_MODELS: dict[str, type[Model]] = {**MODELS, "nbd": NBD, "gg": GammaGamma, "bgbb": BGBB,
                                      "sbg": SBG}
