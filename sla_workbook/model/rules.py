"""Input rules shared by plan files, generate options, the engine and the validator.

One definition each, so a plan file, the CLI and a filled workbook are judged alike.
"""

from __future__ import annotations

from collections.abc import Iterable

WILDCARDS = "*?~"  # spreadsheet criteria (SUMIF, MATCH) read these as wildcards
MAX_NAME = 100


def name_problem(name: object) -> str | None:
    """Why a segment or channel name is unusable, or None."""
    if not isinstance(name, str) or not name.strip():
        return "is empty"
    bad = sorted({ch for ch in name if ch in WILDCARDS})
    if bad:
        return f"contains {' '.join(bad)}, which spreadsheet formulas read as wildcards"
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    return None


def repeats(names: Iterable[str]) -> list[tuple[int, int]]:
    """(later, first) index pairs of names that repeat ignoring case, as SUMIF compares."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        key = name.lower()
        if key in seen:
            out.append((i, seen[key]))
        else:
            seen[key] = i
    return out


def mix_total(values: Iterable[float]) -> float:
    """A team's mixes summed left to right, as the workbook's SUMIF adds them."""
    total = 0.0
    for v in values:
        total += v
    return total


def mix_sums_to_one(values: Iterable[float]) -> bool:
    """The workbook's test: ROUND(SUM(mix), 6) = 1."""
    from .rounding import excel_round  # numpy: loaded here, not by name checks (import)

    return bool(excel_round(mix_total(values), 6) == 1.0)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula when opening a CSV gets a leading '.

    OWASP's advice for CSV injection: names like =HYPERLINK(...) or @SUM(A1) stay data.
    Numbers are left alone (a negative number is not text).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
