"""The plan file checker: collects every broken rule as 'path: message' lines.

Shared by plan_file.py and log_file.py, so a plan and its log CSV speak the same words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from .rules import name_problem


def show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class Checker:
    """Collects problems as 'path: message' lines instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def number(
        self,
        path: str,
        value: object,
        low: float,
        high: float,
        *,
        low_open: bool = False,
        hint_percent: bool = False,
    ) -> float | None:
        if isinstance(value, str) and value.strip().endswith("%") and hint_percent:
            self.fail(path, f"{show(value)} is not a number (write 0.25 for 25%)")
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(path, f"{show(value)} is not a number")
            return None
        inside = (value > low if low_open else value >= low) and value <= high
        if not inside:
            left = "(" if low_open else "["
            rule = (
                f"> {show(low)}"
                if high == math.inf and low_open
                else (
                    f">= {show(low)}"
                    if high == math.inf
                    else f"in {left}{show(low)}, {show(high)}]"
                )
            )
            hint = " (write 0.25 for 25%)" if hint_percent and 2 <= value <= 100 else ""
            self.fail(path, f"{show(value)} is not {rule}{hint}")
            return None
        return float(value)

    def name(self, path: str, value: object) -> str | None:
        problem = name_problem(value)
        if problem:
            self.fail(path, f"{show(value)} {problem}")
            return None
        assert isinstance(value, str)
        return value.strip()

    def unknown_keys(self, path: str, data: Mapping[str, Any], allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.fail(where, f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def date(self, path: str, value: object) -> dt.date | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(path, f"{show(value)} is not a date (write YYYY-MM-DD)")
        return None
