"""The choices and defaults of clv's settings, in a module that imports nothing heavy.

:class:`clv.valuation.Settings` takes its defaults from here, and the faces read them from here
without importing the models (``clv --help`` and ``clv calc`` start in a fraction of a second),
so that every face has the same defaults. Their meaning is documented on ``Settings``.
"""

from __future__ import annotations

from typing import Literal

Unit = Literal["day", "week", "month", "year"]
ModelChoice = Literal["auto", "bgnbd", "mbgnbd", "pnbd"]
Period = Literal["week", "month", "quarter"]

UNIT: Unit = "week"
MODEL: ModelChoice = "auto"
CANDIDATES: tuple[str, ...] = ("bgnbd", "mbgnbd", "pnbd")
HORIZON = 12.0
HORIZON_UNIT: Unit = "month"
MARGIN = 1.0
DISCOUNT_RATE = 0.1
LEVEL = 0.9
DRAWS = 100
PERIOD: Period = "month"
NEXT_DAYS = 30.0
TARGET_RATIO = 3.0  # LTV:CAC (clv.acquisition.TARGET_RATIO, clv.formulas.max_cac)
HISTORY_URL = "sqlite:///clv-history.db"  # clv.store.DEFAULT_URL
