"""The spreadsheet functions the template's formulas use, for the evaluator (recalc.py).

Each function takes the evaluator and its arguments, evaluated: a reference arrives as a
``Range`` (SUM and AND skip text in references but not in values, as spreadsheets do),
anything else as a value. IF and IFERROR get their arguments unevaluated (``LAZY``), so
only the branch taken is computed. Lookups over long ranges (SUMIF and COUNTIF with a
plain criterion, MATCH exact) index the range once per evaluator, so evaluating every
cell of a large workbook stays linear.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model.rounding import excel_round, excel_roundup
from ..reading.raw import ErrorValue
from .recalc_values import (
    NA,
    NUM,
    REF,
    VALUE,
    Raised,
    Range,
    compare,
    criterion,
    date_serial,
    is_num,
    key_of,
    serial_date,
    to_number,
    wildcard_pattern,
)

if TYPE_CHECKING:
    from .recalc import Evaluator, Node


def _num(ev: Evaluator, arg: Any) -> float:
    x = to_number(ev.scalar(arg))
    if isinstance(x, ErrorValue):
        raise Raised(x)
    return x


def _int(ev: Evaluator, arg: Any) -> int:
    x = _num(ev, arg)
    if not math.isfinite(x) or abs(x) > 2**53:
        raise Raised(NUM)
    return math.trunc(x)


def _range(arg: Any) -> Range:
    if not isinstance(arg, Range):
        raise Raised(VALUE)
    return arg


def _numbers(ev: Evaluator, args: list[Any]) -> list[float]:
    """The numbers of SUM, MIN and MAX: in references only numbers count."""
    out: list[float] = []
    for arg in args:
        if isinstance(arg, Range):
            for v in ev.values(arg):
                if isinstance(v, ErrorValue):
                    raise Raised(v)
                if is_num(v):
                    out.append(v)
        else:
            out.append(_num(ev, arg))
    return out


def _truth(v: Any) -> bool:
    if isinstance(v, ErrorValue):
        raise Raised(v)
    if v is None:
        return False
    if isinstance(v, str):
        if v.upper() in ("TRUE", "FALSE"):
            return v.upper() == "TRUE"
        raise Raised(VALUE)
    return bool(v)


def _logical(ev: Evaluator, args: list[Any]) -> list[bool]:
    out = []
    for arg in args:
        values = ev.values(arg) if isinstance(arg, Range) else [arg]
        for v in values:
            if isinstance(v, ErrorValue):
                raise Raised(v)
            if isinstance(arg, Range) and not (is_num(v) or isinstance(v, bool)):
                continue  # text and blanks in references are skipped
            out.append(_truth(v))
    if not out:
        raise Raised(VALUE)
    return out


def _sized(arg: Any, shape: tuple[int, int]) -> Range:
    """A SUMIF sum range takes the criteria range's shape from its top-left cell."""
    rng = _range(arg)
    return Range(rng.sheet, rng.r1, rng.c1, rng.r1 + shape[0] - 1, rng.c1 + shape[1] - 1)


def _pairs(ev: Evaluator, args: list[Any]) -> list[tuple[list[Any], Callable[[Any], bool]]]:
    out = []
    shape = None
    for i in range(0, len(args) - 1, 2):
        rng = _range(args[i])
        if shape is not None and rng.shape != shape:
            raise Raised(VALUE)
        shape = rng.shape
        out.append((ev.values(rng), criterion(ev.scalar(args[i + 1]))[0]))
    return out


def _sumif(ev: Evaluator, args: list[Any]) -> Any:
    rng = _range(args[0])
    pred, key = criterion(ev.scalar(args[1]))
    target = _sized(args[2], rng.shape) if len(args) > 2 else rng
    if key is not None:
        index = ev.indexes.get(("sumif", rng, target))
        if index is None:
            groups: dict[Any, list[Any]] = {}
            for k, v in zip(ev.values(rng), ev.values(target), strict=True):
                groups.setdefault(key_of(k), []).append(v)
            index = {k: _total(vs) for k, vs in groups.items() if k is not None}
            ev.indexes[("sumif", rng, target)] = index
        return index.get(key, 0.0)
    return _total([v for k, v in zip(ev.values(rng), ev.values(target), strict=True) if pred(k)])


def _total(values: list[Any]) -> Any:
    for v in values:
        if isinstance(v, ErrorValue):
            return v
    return math.fsum(v for v in values if is_num(v))


def _sumifs(ev: Evaluator, args: list[Any]) -> Any:
    target = _range(args[0])
    pairs = _pairs(ev, args[1:])
    if pairs and _range(args[1]).shape != target.shape:
        raise Raised(VALUE)
    values = ev.values(target)
    picked = [v for i, v in enumerate(values) if all(p(vals[i]) for vals, p in pairs)]
    return _total(picked)


def _countif(ev: Evaluator, args: list[Any]) -> Any:
    rng = _range(args[0])
    pred, key = criterion(ev.scalar(args[1]))
    if key is not None:
        index = ev.indexes.get(("countif", rng))
        if index is None:
            index = {}
            for v in ev.values(rng):
                index[key_of(v)] = index.get(key_of(v), 0) + 1
            ev.indexes[("countif", rng)] = index
        return float(index.get(key, 0))
    return float(sum(1 for v in ev.values(rng) if pred(v)))


def _countifs(ev: Evaluator, args: list[Any]) -> Any:
    pairs = _pairs(ev, args)
    n = len(pairs[0][0]) if pairs else 0
    return float(sum(1 for i in range(n) if all(p(vals[i]) for vals, p in pairs)))


def _sumproduct(ev: Evaluator, args: list[Any]) -> Any:
    arrays = [ev.values(a) if isinstance(a, Range) else [ev.scalar(a)] for a in args]
    if len({len(a) for a in arrays}) > 1:
        return VALUE
    total = []
    for row in zip(*arrays, strict=True):
        product = 1.0
        for v in row:
            if isinstance(v, ErrorValue):
                return v
            product *= v if is_num(v) else 0.0
        total.append(product)
    return math.fsum(total)


def _round(up: bool) -> Callable[[Evaluator, list[Any]], Any]:
    def fn(ev: Evaluator, args: list[Any]) -> Any:
        x = _num(ev, args[0])
        digits = _int(ev, args[1]) if len(args) > 1 else 0
        return round_number(x, digits, up)

    return fn


def round_number(x: float, digits: int, up: bool = False) -> float:
    """ROUND / ROUNDUP of one number (half away from zero), negative digits too."""
    fn = excel_roundup if up else excel_round
    if digits >= 0:
        return float(fn(x, min(digits, 15)))
    scale = 10.0 ** min(-digits, 300)
    return float(fn(x / scale, 0)) * scale


def _date(ev: Evaluator, args: list[Any]) -> Any:
    y, m, d = (_int(ev, a) for a in args[:3])
    if 0 <= y < 1900:
        y += 1900
    if not 1900 <= y <= 9999:
        return NUM
    year, month = divmod(y * 12 + m - 1, 12)
    try:
        day = dt.date(year, month + 1, 1) + dt.timedelta(days=d - 1)
    except (ValueError, OverflowError):
        return NUM
    serial = date_serial(day)
    return serial if serial >= 0 else NUM


def _part(pick: Callable[[dt.date], int]) -> Callable[[Evaluator, list[Any]], Any]:
    def fn(ev: Evaluator, args: list[Any]) -> Any:
        x = _num(ev, args[0])
        try:
            return NUM if x < 0 else float(pick(serial_date(x)))
        except (ValueError, OverflowError):
            return NUM

    return fn


def _eomonth(ev: Evaluator, args: list[Any]) -> Any:
    x, months = _num(ev, args[0]), _int(ev, args[1])
    try:
        start = serial_date(x)
        year, month = divmod(start.year * 12 + start.month - 1 + months + 1, 12)
        return date_serial(dt.date(year, month + 1, 1) - dt.timedelta(days=1))
    except (ValueError, OverflowError):
        return NUM


def _index(ev: Evaluator, args: list[Any]) -> Any:
    rng = _range(args[0])
    rows, cols = rng.shape
    row = _int(ev, args[1])
    col = _int(ev, args[2]) if len(args) > 2 else 1
    if len(args) == 2 and rows == 1:
        row, col = 1, row
    if not (0 <= row <= rows and 0 <= col <= cols):
        return REF
    r1, r2 = (rng.r1, rng.r2) if row == 0 else (rng.r1 + row - 1,) * 2
    c1, c2 = (rng.c1, rng.c2) if col == 0 else (rng.c1 + col - 1,) * 2
    return Range(rng.sheet, r1, c1, r2, c2)


def _match(ev: Evaluator, args: list[Any]) -> Any:
    value = ev.scalar(args[0])
    rng = _range(args[1])
    kind = _int(ev, args[2]) if len(args) > 2 else 1
    if isinstance(value, ErrorValue):
        return value
    if value is None or 1 not in rng.shape:
        return NA
    values = ev.values(rng)
    if kind == 0:
        if isinstance(value, str) and any(ch in value for ch in "*?~"):
            pattern = wildcard_pattern(value)
            hits = (i for i, v in enumerate(values) if isinstance(v, str) and pattern.fullmatch(v))
            return float(next(hits, -1) + 1) or NA
        key = key_of(value)
        if key is None:
            hits = (i for i, v in enumerate(values) if compare(v, value) == 0)
            return float(next(hits, -1) + 1) or NA
        index = ev.indexes.get(("match", rng))
        if index is None:
            index = {}
            for i, v in enumerate(values):
                index.setdefault(key_of(v), float(i + 1))
            ev.indexes[("match", rng)] = index
        return index.get(key, NA)
    found = None  # sorted lookup: the last position not past the value
    for i, v in enumerate(values):
        c = compare(v, value) if v is not None else None
        if isinstance(c, ErrorValue) or c is None:
            continue
        if (c > 0) if kind > 0 else (c < 0):
            break
        found = i + 1
    return float(found) if found else NA


def _if(ev: Evaluator, nodes: tuple[Node, ...]) -> Any:
    try:
        yes = _truth(ev.scalar(ev.eval(nodes[0])))
    except Raised as err:
        return err.value
    if yes:
        return ev.eval(nodes[1]) if len(nodes) > 1 else True
    return ev.eval(nodes[2]) if len(nodes) > 2 else False


def _iferror(ev: Evaluator, nodes: tuple[Node, ...]) -> Any:
    first = ev.eval(nodes[0])
    return ev.eval(nodes[1]) if isinstance(ev.scalar(first), ErrorValue) else first


def _minmax(pick: Callable[[list[float]], float]) -> Callable[[Evaluator, list[Any]], Any]:
    def fn(ev: Evaluator, args: list[Any]) -> Any:
        numbers = _numbers(ev, args)
        return pick(numbers) if numbers else 0.0

    return fn


FUNCTIONS: dict[str, Callable[[Evaluator, list[Any]], Any]] = {
    "SUM": lambda ev, a: math.fsum(_numbers(ev, a)),
    "SUMIF": _sumif,
    "SUMIFS": _sumifs,
    "SUMPRODUCT": _sumproduct,
    "COUNTIF": _countif,
    "COUNTIFS": _countifs,
    "AND": lambda ev, a: all(_logical(ev, a)),
    "OR": lambda ev, a: any(_logical(ev, a)),
    "ROUND": _round(False),
    "ROUNDUP": _round(True),
    "DATE": _date,
    "DAY": _part(lambda d: d.day),
    "MONTH": _part(lambda d: d.month),
    "YEAR": _part(lambda d: d.year),
    "EOMONTH": _eomonth,
    "MIN": _minmax(min),
    "MAX": _minmax(max),
    "INDEX": _index,
    "MATCH": _match,
    "ISNUMBER": lambda ev, a: is_num(ev.scalar(a[0])),
    "NA": lambda ev, a: NA,
}
LAZY: dict[str, Callable[[Evaluator, tuple[Node, ...]], Any]] = {"IF": _if, "IFERROR": _iferror}
