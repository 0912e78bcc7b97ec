"""Evaluate one of our template formulas on the cells as stored, with spreadsheet semantics.

The validator uses it to tell a stale value (the stored value is not what the cell's own
formula gives from the stored values it reads: recalculating changes it) from a
consequence (it is: the cell is right, something it reads is not). Only the grammar and
functions formulas.py writes are supported: references and ranges (also on the other
sheet), numbers, strings, & and arithmetic, comparisons, unary minus, the functions of
``ALLOWED_FUNCTIONS`` and NA(). Anything else raises ``Unsupported``; the caller then
keeps its verdict without the evaluator. A formula is parsed once per *shape* (its text
with references made relative to its cell and numbers lifted out), so the cells down a
column of a block share one tree.

Semantics follow Excel and LibreOffice: a blank cell is 0 in arithmetic, "" against text
and FALSE against a boolean; numbers sort before text before booleans; text compares
ignoring case; SUM and friends skip text, booleans and blanks in ranges; criteria such as
"<=5" or "Marketing" (with * ? ~ wildcards) as in SUMIF; MATCH(x, r, 0) finds the first
equal cell; ROUND and ROUNDUP round half away from zero (model/rounding.py); dates are
day numbers of the 1900 date system (workbook/dates.py). Results: float, str, bool or
ErrorValue; a formula that only points at a blank cell gives 0, as in a spreadsheet.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..reading.raw import ErrorValue
from ..reading.xlsx_source import parse_ref
from .recalc_functions import FUNCTIONS, LAZY
from .recalc_values import (
    DIV0,
    NUM,
    TRUTH,
    VALUE,
    Raised,
    Range,
    Unsupported,
    agrees,
    compare,
    is_num,
    to_number,
    to_text,
)

Getter = Callable[[str, int, int], Any]  # (sheet, row, col) zero-based -> stored value
Node = tuple[Any, ...]
# A reference as written: sheet (None: the formula's own), then row and column of its
# first and last cell, each (number, absolute?); relative numbers are offsets.
RefSpec = tuple[str | None, tuple[int, bool], tuple[int, bool], tuple[int, bool], tuple[int, bool]]

__all__ = ["Evaluator", "Formula", "Getter", "Range", "Unsupported", "agrees", "formula"]

_ARITHMETIC: dict[str, Callable[[float, float], Any]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
    "^": lambda x, y: x**y,
}


# -- a formula bound to its cell ----------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula at its cell: the shared tree of its shape, its references
    (resolved to ranges) and its numbers. Cells down a column of a block share one shape,
    so a block is parsed once, not once per cell."""

    node: Node
    ranges: tuple[Range, ...]  # every reference it reads, in any branch
    numbers: tuple[float, ...]
    sheet: str


# Strings, references (A1) and numbers: what differs from one cell of a block to the next.
_LEXEME = re.compile(
    r"""(?P<str>"(?:[^"]|"")*")
  | (?<![A-Za-z0-9_.$'])(?P<ref>(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?
        (?P<first>\$?[A-Za-z]{1,3}\$?[0-9]+)(?::(?P<last>\$?[A-Za-z]{1,3}\$?[0-9]+))?)
        (?![A-Za-z0-9_.(!])
  | (?<![A-Za-z0-9_.$])(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)""",
    re.VERBOSE,
)
_A1 = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)")


def formula(text: str, sheet: str, row: int = 0, col: int = 0) -> Formula:
    """Parse a formula of the cell (row, col) of ``sheet`` (zero-based)."""
    numbers: list[float] = []

    def relative(cell: str) -> str:
        r, c, abs_r, abs_c = _a1(cell)
        return (f"R{r}" if abs_r else f"R[{r - row}]") + (f"C{c}" if abs_c else f"C[{c - col}]")

    def lift(m: re.Match[str]) -> str:
        if m.group("num") is not None:
            numbers.append(float(m.group("num")))
            return "#"
        if m.group("ref") is None:
            return m.group(0)
        last = m.group("last")
        return (
            (m.group("sheet") + "!" if m.group("sheet") else "")
            + relative(m.group("first"))
            + (":" + relative(last) if last else "")
        )

    node, specs = _shape(_LEXEME.sub(lift, text.strip().removeprefix("=")))
    return Formula(
        node, tuple(_resolve(spec, sheet, row, col) for spec in specs), tuple(numbers), sheet
    )


@lru_cache(maxsize=65536)
def _a1(cell: str) -> tuple[int, int, bool, bool]:
    """An A1 cell: zero-based row and column, and whether each is absolute ($)."""
    m = _A1.fullmatch(cell)
    if not m:
        raise Unsupported(f"cannot read the reference {cell!r}")
    r, c = parse_ref((m.group(2) + m.group(4)).upper())
    return r, c, bool(m.group(3)), bool(m.group(1))


def _resolve(spec: RefSpec, home: str, row: int, col: int) -> Range:
    sheet, (r1, a1), (c1, b1), (r2, a2), (c2, b2) = spec
    r1, r2 = (r1 if a1 else row + r1), (r2 if a2 else row + r2)
    c1, c2 = (c1 if b1 else col + c1), (c2 if b2 else col + c2)
    if min(r1, r2, c1, c2) < 0:
        raise Unsupported("a reference left of column A or above row 1")
    return Range(sheet or home, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


# -- parsing a shape ----------------------------------------------------------------------

_RC = r"R(?:\[-?[0-9]+\]|[0-9]+)C(?:\[-?[0-9]+\]|[0-9]+)"
_TOKEN = re.compile(
    rf"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
  | (?P<ref>(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?
        (?P<first>{_RC})(?::(?P<last>{_RC}))?)
  | (?P<num>\#)
  | (?P<func>[A-Za-z_][A-Za-z0-9_.]*)\s*\(
  | (?P<bool>(?i:TRUE|FALSE))\b
  | (?P<op><=|>=|<>|[-+*/^&=<>(),%])
    )""",
    re.VERBOSE,
)
_PART = re.compile(r"R(\[)?(-?[0-9]+)\]?C(\[)?(-?[0-9]+)\]?")
_COMPARE = ("=", "<>", "<", ">", "<=", ">=")


@lru_cache(maxsize=4096)
def _shape(text: str) -> tuple[Node, tuple[RefSpec, ...]]:
    parser = _Parser(text)
    return parser.parse(), tuple(parser.refs)


def _spec(sheet: str | None, first: str, last: str | None) -> RefSpec:
    if sheet and sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    parts = []
    for cell in (first, last or first):
        m = _PART.fullmatch(cell)
        assert m is not None  # the token pattern matched it
        parts += [(int(m.group(2)), not m.group(1)), (int(m.group(4)), not m.group(3))]
    return (sheet or None, parts[0], parts[1], parts[2], parts[3])


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos, text = 0, text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"cannot read the formula at {text[pos : pos + 20]!r}")
        pos = m.end()
        if m.group("str") is not None:
            out.append(("lit", m.group("str")[1:-1].replace('""', '"')))
        elif m.group("ref") is not None:
            out.append(("ref", _spec(m.group("sheet"), m.group("first"), m.group("last"))))
        elif m.group("num") is not None:
            out.append(("num", None))
        elif m.group("func") is not None:
            out.append(("func", m.group("func").upper()))
        elif m.group("bool") is not None:
            out.append(("lit", m.group("bool").upper() == "TRUE"))
        else:
            out.append(("op", m.group("op")))
    return out


class _Parser:
    """Precedence, lowest first: comparisons, &, + -, * /, ^, unary - +, %."""

    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.refs: list[RefSpec] = []
        self.numbers = 0

    def peek(self) -> tuple[str, Any]:
        return self.toks[self.i] if self.i < len(self.toks) else ("end", None)

    def take(self, op: str | None = None) -> tuple[str, Any]:
        tok = self.peek()
        if op is not None and tok != ("op", op):
            raise Unsupported(f"expected {op!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.compare()
        if self.peek()[0] != "end":
            raise Unsupported(f"unexpected {self.peek()[1]!r}")
        return node

    def _binary(self, ops: tuple[str, ...], inner: Callable[[], Node]) -> Node:
        node = inner()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.take()[1]
            node = ("bin", op, node, inner())
        return node

    def compare(self) -> Node:
        return self._binary(_COMPARE, self.concat)

    def concat(self) -> Node:
        return self._binary(("&",), self.additive)

    def additive(self) -> Node:
        return self._binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self._binary(("*", "/"), self.power)

    def power(self) -> Node:
        return self._binary(("^",), self.unary)

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        if self.peek() == ("op", "+"):
            self.take()
            return self.unary()
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("pct", node)
        return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "lit":
            return ("lit", value)
        if kind == "num":
            self.numbers += 1
            return ("num", self.numbers - 1)
        if kind == "ref":
            self.refs.append(value)
            return ("ref", len(self.refs) - 1)
        if kind == "func":
            args: list[Node] = []
            if self.peek() != ("op", ")"):
                args.append(self.compare())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.compare())
            self.take(")")
            return ("call", value, tuple(args))
        if (kind, value) == ("op", "("):
            node = self.compare()
            self.take(")")
            return node
        raise Unsupported(f"unexpected {value!r}")


# -- evaluation ---------------------------------------------------------------------------


class Evaluator:
    """Evaluates formulas over stored values; caches ranges and lookups between calls."""

    def __init__(self, get: Getter) -> None:
        self._get = get
        self._ranges: dict[Range, list[Any]] = {}
        self.indexes: dict[Any, Any] = {}  # for the functions' lookups (recalc_functions)
        self._at = Formula(("lit", None), (), (), "")  # the formula being evaluated

    def cell(self, sheet: str, row: int, col: int) -> Any:
        v = self._get(sheet, row, col)
        return float(v) if is_num(v) else v

    def values(self, rng: Range) -> list[Any]:
        """The range's values, row by row (cached: stored values do not change)."""
        got = self._ranges.get(rng)
        if got is None:
            got = [self.cell(*at) for at in rng.cells()]
            self._ranges[rng] = got
        return got

    def evaluate(self, f: Formula | str, sheet: str = "", row: int = 0, col: int = 0) -> Any:
        """The value of a formula (text: the formula of cell (row, col) of ``sheet``)."""
        self._at = formula(f, sheet, row, col) if isinstance(f, str) else f
        result = self.scalar(self.eval(self._at.node))
        return 0.0 if result is None else result

    def scalar(self, v: Any) -> Any:
        if isinstance(v, Range):
            if v.shape != (1, 1):
                return VALUE
            return self.cell(v.sheet, v.r1, v.c1)
        return v

    def eval(self, node: Node) -> Any:
        """A value, or a Range for references (functions tell the two apart)."""
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "num":
            return self._at.numbers[node[1]]
        if kind == "ref":
            return self._at.ranges[node[1]]
        if kind in ("neg", "pct"):
            x = to_number(self.scalar(self.eval(node[1])))
            return x if isinstance(x, ErrorValue) else -x if kind == "neg" else x / 100
        if kind == "bin":
            return self._binary(node[1], self.scalar(self.eval(node[2])), node[3])
        name, args = node[1], node[2]
        fn = FUNCTIONS.get(name)
        if fn is None and name not in LAZY:
            raise Unsupported(f"the function {name} is not one the template uses")
        try:
            if fn is None:
                return LAZY[name](self, args)
            return fn(self, [self.eval(a) for a in args])
        except Raised as err:
            return err.value
        except IndexError:  # too few arguments
            raise Unsupported(f"{name} with {len(args)} arguments") from None

    def _binary(self, op: str, left: Any, right_node: Node) -> Any:
        right = self.scalar(self.eval(right_node))
        if op in TRUTH:
            c = compare(left, right)
            return c if isinstance(c, ErrorValue) else TRUTH[op](c)
        if op == "&":
            a, b = to_text(left), to_text(right)
            if isinstance(a, ErrorValue):
                return a
            return b if isinstance(b, ErrorValue) else a + b
        x, y = to_number(left), to_number(right)
        if isinstance(x, ErrorValue):
            return x
        if isinstance(y, ErrorValue):
            return y
        if op == "/" and y == 0:
            return DIV0
        try:
            out: Any = _ARITHMETIC[op](x, y)
        except (OverflowError, ZeroDivisionError, ValueError):
            return NUM
        if isinstance(out, complex) or not math.isfinite(out):
            return NUM
        return float(out)
