"""Customer-level preparation: RFM summaries, calibration/holdout split, compression."""

from clv.prep.summary import UNIT_DAYS, Summary, SummaryReport, compress, convert, rfm_summary

__all__ = ["UNIT_DAYS", "Summary", "SummaryReport", "compress", "convert", "rfm_summary"]
