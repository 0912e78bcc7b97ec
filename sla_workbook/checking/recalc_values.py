"""Spreadsheet values for the formula evaluator (recalc.py): ranges, error values,
conversions, comparison, SUMIF-style criteria, and whether a stored value agrees.

A blank cell is None; formulas give float, str, bool or ErrorValue.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..reading.raw import ErrorValue
from ..workbook.dates import EXCEL_EPOCH

NA = ErrorValue("#N/A")
VALUE = ErrorValue("#VALUE!")
DIV0 = ErrorValue("#DIV/0!")
NUM = ErrorValue("#NUM!")
REF = ErrorValue("#REF!")


class Unsupported(ValueError):
    """A formula outside the grammar or functions formulas.py writes."""


class Raised(Exception):
    """An error value raised out of nested helpers; it becomes the function's result."""

    def __init__(self, value: ErrorValue) -> None:
        super().__init__(value.code)
        self.value = value


@dataclass(frozen=True)
class Range:
    """A rectangle of cells on one sheet, zero-based and inclusive."""

    sheet: str
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1

    def cells(self) -> Iterator[tuple[str, int, int]]:
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield self.sheet, r, c


def is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def to_number(v: Any) -> float | ErrorValue:
    if isinstance(v, ErrorValue):
        return v
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if is_num(v):
        return float(v)
    try:
        return float(str(v).strip()) if str(v).strip() else VALUE
    except ValueError:
        return VALUE


def to_text(v: Any) -> str | ErrorValue:
    if isinstance(v, ErrorValue):
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if is_num(v):
        x = float(v)
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.15G}"
    return str(v)


def _rank(v: Any) -> int:
    return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0


def approx_equal(a: float, b: float) -> bool:
    """LibreOffice's rtl::math::approxEqual: equal to 2^-48 relative."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0:
        return False
    d = abs(a - b)
    return d < abs(a) * 2.0**-48 and d < abs(b) * 2.0**-48


def compare(a: Any, b: Any) -> int | ErrorValue:
    """-1, 0 or 1 as a spreadsheet's comparison operators see two values."""
    for v in (a, b):
        if isinstance(v, ErrorValue):
            return v
    if a is None and b is None:
        return 0
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1:
        x, y = a.lower(), b.lower()
        return 0 if x == y else -1 if x < y else 1
    fa, fb = float(a), float(b)
    return 0 if approx_equal(fa, fb) else -1 if fa < fb else 1


TRUTH: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "<>": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


def wildcard_pattern(text: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text):
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


_CRITERION = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.DOTALL)


def criterion(crit: Any) -> tuple[Callable[[Any], bool], Any]:
    """A SUMIF/COUNTIF criterion as a predicate, and its key when it is a plain equality.

    The key (("n", number) or ("s", lowercase text)) lets callers index a range once.
    """
    if isinstance(crit, ErrorValue):
        raise Raised(crit)
    if crit is None:
        crit = ""
    if is_num(crit) or isinstance(crit, bool):
        if isinstance(crit, bool):
            return (lambda v: v is crit), None
        x = float(crit)
        return (lambda v: is_num(v) and approx_equal(float(v), x)), ("n", x)
    m = _CRITERION.match(str(crit))
    op, text = (m.group(1) or "=", m.group(2)) if m else ("=", str(crit))
    order = TRUTH[op]

    def truth(c: int | ErrorValue) -> bool:
        return not isinstance(c, ErrorValue) and order(c)

    try:
        number: float | None = float(text) if text.strip() else None
    except ValueError:
        number = None
    if number is not None:
        x = number
        if op == "<>":  # text and blanks are not equal to a number either
            return (lambda v: not (is_num(v) and approx_equal(float(v), x))), None
        key = ("n", x) if op == "=" else None
        return (lambda v: is_num(v) and truth(compare(float(v), x))), key
    if text.upper() in ("TRUE", "FALSE"):
        flag = text.upper() == "TRUE"
        return (lambda v: isinstance(v, bool) and truth(compare(v, flag))), None
    if text == "":
        if op == "=":
            return (lambda v: v is None or v == ""), None
        if op == "<>":
            return (lambda v: not (v is None or v == "")), None
    if op in ("=", "<>") and any(ch in text for ch in "*?~"):
        pattern = wildcard_pattern(text)
        want = op == "="
        return (lambda v: (isinstance(v, str) and bool(pattern.fullmatch(v))) == want), None
    low = text.lower()
    if op == "=":
        return (lambda v: isinstance(v, str) and v.lower() == low), ("s", low)
    if op == "<>":
        return (lambda v: not (isinstance(v, str) and v.lower() == low)), None
    return (lambda v: isinstance(v, str) and truth(compare(v, text))), None


def key_of(v: Any) -> Any:
    """The equality key of a cell for criteria and MATCH indexes (None: matches no key)."""
    if is_num(v):
        return ("n", float(v))
    if isinstance(v, str):
        return ("s", v.lower())
    return None


def agrees(computed: Any, stored: Any) -> bool:
    """Is the stored value what the formula computed (numbers to 1e-9 relative)?"""
    if isinstance(computed, ErrorValue) or isinstance(stored, ErrorValue):
        return (
            isinstance(computed, ErrorValue)
            and isinstance(stored, ErrorValue)
            and computed.code.upper() == stored.code.upper()
        )
    blank_c, blank_s = computed is None or computed == "", stored is None or stored == ""
    if blank_c or blank_s:
        return blank_c and blank_s
    if isinstance(computed, bool) or isinstance(stored, bool):  # TRUE is 1 in most programs
        nums = [float(v) for v in (computed, stored) if isinstance(v, bool) or is_num(v)]
        return len(nums) == 2 and nums[0] == nums[1]
    if is_num(computed) and is_num(stored):
        return math.isclose(float(computed), float(stored), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(computed, str) and isinstance(stored, str):
        return computed.lower() == stored.lower()
    return False


def serial_date(x: float) -> dt.date:
    return (EXCEL_EPOCH + dt.timedelta(days=math.floor(x))).date()


def date_serial(day: dt.date) -> float:
    return float((day - EXCEL_EPOCH.date()).days)
