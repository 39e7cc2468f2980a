"""Customer-level preparation: RFM summaries, calibration/holdout split, compression."""

from clv.prep.summary import (
    MAX_HORIZON_MONTHS,
    UNIT_DAYS,
    Summary,
    SummaryReport,
    check_horizon,
    compress,
    convert,
    rfm_summary,
)

__all__ = ["MAX_HORIZON_MONTHS", "UNIT_DAYS", "Summary", "SummaryReport", "check_horizon",
           "compress", "convert", "rfm_summary"]
