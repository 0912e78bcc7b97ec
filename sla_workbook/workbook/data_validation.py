"""Spreadsheet data validation for every input block, from the spec's ranges.

One table, so every input gets its rule and the rules sit next to each other. Lists
point at cell ranges (segments, channels), not long inline lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .layout import Layout

_FIRST, _LAST = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
_SHARE = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}


def rules(layout: Layout, team_words: list[str], targets_sheet: str) -> dict[str, dict[str, Any]]:
    """Input block name -> XlsxWriter data_validation options."""
    quoted = "'" + targets_sheet.replace("'", "''") + "'"
    return {
        "year": {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1900,
            "maximum": 9999,
            "error_message": "A year such as 2027.",
        },
        "segments": {
            "validate": "length",
            "criteria": "between",
            "minimum": 1,
            "maximum": 100,
            "error_message": "A name of 1 to 100 characters.",
        },
        "targets": {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": "A revenue amount of 0 or more.",
        },
        "channels": {
            "validate": "length",
            "criteria": "between",
            "minimum": 1,
            "maximum": 50,
            "error_message": "A channel name of 1 to 50 characters.",
        },
        "channel_team": {"validate": "list", "source": team_words},
        "avg_price": {
            "validate": "decimal",
            "criteria": ">",
            "value": 0,
            "error_message": "An average deal size above 0.",
        },
        "marketing_share": dict(_SHARE, error_message="A share from 0% to 100%."),
        "channel_mix": dict(_SHARE, error_message="A share from 0% to 100%."),
        "close_rate": {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0.000001,
            "maximum": 1,
            "error_message": "A close rate above 0% and at most 100%.",
        },
        "log_date": {
            "validate": "date",
            "criteria": "between",
            "minimum": _FIRST,
            "maximum": _LAST,
            "error_message": "A date, e.g. 2027-01-31.",
        },
        "log_segment": {
            "validate": "list",
            "source": f"={quoted}!{layout['segments'].range_ref()}",
        },
        "log_channel": {"validate": "list", "source": "=" + layout["channels"].range_ref()},
        "log_leads": {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "A whole number of leads, 0 or more.",
        },
        "followup_hours": {
            "validate": "decimal",
            "criteria": ">",
            "value": 0,
            "error_message": "Hours above 0, e.g. 24.",
        },
        "followup_target": dict(_SHARE, error_message="A share from 0% to 100%."),
        "attempts_target": {
            "validate": "integer",
            "criteria": ">=",
            "value": 1,
            "error_message": "A whole number of attempts, 1 or more.",
        },
        "log_worked": {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "A whole number of leads worked in time, 0 to the row's leads.",
        },
        "log_attempts": {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "A whole number of contact attempts, 0 or more.",
        },
        "track_month": {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 12,
            "error_message": "A month number, 1 to 12.",
        },
        "track_asof": {
            "validate": "date",
            "criteria": "between",
            "minimum": _FIRST,
            "maximum": _LAST,
            "error_message": "A date in the tracked month.",
        },
    }
