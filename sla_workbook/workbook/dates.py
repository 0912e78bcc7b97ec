"""Dates as spreadsheets store them: day numbers in the 1900 date system.

Both directions live here, beside the generator, because the writer and the reader
must agree on the epoch (Excel's 1900 leap-year bug makes it 1899-12-30, not -31).
"""

from __future__ import annotations

import datetime as dt

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def serial(day: dt.date) -> int:
    """A date as the spreadsheet's day number."""
    return (day - EXCEL_EPOCH.date()).days


def serial_to_datetime(value: float) -> dt.datetime:
    return EXCEL_EPOCH + dt.timedelta(days=value)


def datetime_to_serial(value: dt.datetime) -> float:
    return (value - EXCEL_EPOCH).total_seconds() / 86400
