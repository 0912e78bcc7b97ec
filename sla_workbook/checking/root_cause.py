"""Which wrong stored values are consequences of another wrong cell, not stale themselves.

A formula cell whose stored value differs from the engine's is either

- **stale**: its stored value is not what its own (template) formula gives from the
  stored values it reads; recalculating changes it; or
- **a consequence**: its stored value is exactly that, and it reads a wrong cell (a
  *root*: a broken formula, overwritten or edited, or a stale cell; or another
  consequence). Recalculating does not change it; fixing the root does.

A wrong cell that reads no wrong cell is stale without evaluating anything (what it reads
is the engine's, so its formula gives the engine's value, not the stored one): only cells
downstream of a wrong cell are evaluated (recalc.py).

Then each consequence is traced back to the roots it follows, to count it under them.
Roots are grouped by the caller into labels (one root, or all the unlisted roots of a
block), each label a bit: a consequence's labels are the OR of the labels of the wrong
cells it reads, computed once per cell and once per range, so even a workbook where
everything is wrong stays linear in its cells.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from ..reading.raw import RawWorkbook
from ..workbook.layout import cell_ref
from .recalc import Evaluator, Getter, Range, agrees, formula

Key = tuple[str, int, int]  # (sheet, row, col), zero-based
SHOWN = 6  # cells named in a note; the rest are counted


class Causes:
    """The wrong cells split into roots and consequences (``follows``)."""

    def __init__(self, wrong: Mapping[Key, str], broken: Iterable[Key], get: Getter) -> None:
        """``wrong``: every formula cell whose stored value differs from the engine's, with
        its template formula; ``broken``: the formula cells overwritten or edited; ``get``:
        the stored value of any cell."""
        self.broken = frozenset(broken)
        rows: dict[tuple[str, int], list[int]] = {}
        for sheet, row, col in self.broken | wrong.keys():
            rows.setdefault((sheet, col), []).append(row)
        self._rows = {column: sorted(r) for column, r in rows.items()}
        self._shared: dict[Range, Range] = {}
        self._touched: dict[Range, bool] = {}
        # what each consequence reads, narrowed to the ranges holding a wrong cell
        self.reads: dict[Key, tuple[Range, ...]] = {}
        evaluator = Evaluator(get)
        for key, text in wrong.items():
            try:
                f = formula(text, *key)
            except ValueError:  # Unsupported: without its formula nothing can clear it
                continue
            ranges = tuple(self._share(r) for r in dict.fromkeys(f.ranges) if self._wrong_in(r))
            if not ranges:
                continue  # it reads no wrong cell: stale
            try:
                consistent = agrees(evaluator.evaluate(f), get(*key))
            except Exception:  # a fault of the evaluator must not crash validate: stale
                consistent = False
            if consistent:
                self.reads[key] = ranges

    @property
    def follows(self) -> Mapping[Key, tuple[Range, ...]]:
        return self.reads

    def _share(self, rng: Range) -> Range:
        return self._shared.setdefault(rng, rng)

    def _wrong_in(self, rng: Range) -> bool:
        got = self._touched.get(rng)
        if got is None:
            got = any(self.cells_in(rng, first_only=True))
            self._touched[rng] = got
        return got

    def cells_in(self, rng: Range, first_only: bool = False) -> Iterable[Key]:
        """The broken and wrong cells inside a range."""
        for col in range(rng.c1, rng.c2 + 1):
            rows = self._rows.get((rng.sheet, col))
            if rows:
                lo, hi = bisect_left(rows, rng.r1), bisect_right(rows, rng.r2)
                for r in rows[lo : min(hi, lo + 1)] if first_only else rows[lo:hi]:
                    yield rng.sheet, r, col

    def dependents(self, labels: Mapping[Key, Hashable]) -> Dependents:
        """Count the consequences under labelled roots (a root missing from ``labels`` is
        not counted; one label may stand for many roots)."""
        return Dependents(self, labels)


class Dependents:
    """How many consequences follow each label, and the first of them (in ``wrong`` order)."""

    def __init__(self, causes: Causes, labels: Mapping[Key, Hashable]) -> None:
        bits = {label: 1 << n for n, label in enumerate(dict.fromkeys(labels.values()))}
        mask: dict[Key, int] = {key: bits[label] for key, label in labels.items()}
        masks = _Masks(causes, mask)
        self.count: dict[Hashable, int] = dict.fromkeys(bits, 0)
        self.first: dict[Hashable, list[Key]] = {label: [] for label in bits}
        by_mask: dict[int, list[Key]] = {}
        for key in causes.reads:
            by_mask.setdefault(masks.of(key), []).append(key)
        label_of = {bit.bit_length() - 1: label for label, bit in bits.items()}
        for m, cells in by_mask.items():
            while m:
                low = m & -m
                label = label_of[low.bit_length() - 1]
                self.count[label] += len(cells)
                shown = self.first[label]
                shown += cells[: SHOWN - len(shown)]
                m ^= low

    def note(self, label: Hashable, home: str) -> str:
        """'; N cells that depend on it (P20, ...) are consistent with its value ...' or ''."""
        n = self.count.get(label, 0)
        if not n:
            return ""
        shown = ", ".join(_ref(cell, home) for cell in sorted(self.first[label]))
        more = f" and {n - SHOWN} more" if n > SHOWN else ""
        cells = "1 cell that depends" if n == 1 else f"{n} cells that depend"
        return (
            f"; {cells} on it ({shown}{more}) "
            f"{'is' if n == 1 else 'are'} consistent with its value and not reported separately"
        )

    def note_many(self, label: Hashable) -> str:
        """The note of a summary finding, whose label stands for several roots."""
        n = self.count.get(label, 0)
        if not n:
            return ""
        return (
            f"; {n} cell{'s' if n != 1 else ''} that depend on them "
            f"{'is' if n == 1 else 'are'} consistent with their values and not reported separately"
        )


class _Masks:
    """The labels (bits) each consequence follows, depth first without recursion."""

    def __init__(self, causes: Causes, roots: dict[Key, int]) -> None:
        self.causes = causes
        self.mask = roots  # finished cells; unlabelled roots count as 0
        self.ranges: dict[Range, int] = {}

    def of(self, start: Key) -> int:
        stack = [start]
        started: set[Key] = set()
        while stack:
            key = stack[-1]
            if key in self.mask:
                stack.pop()
                continue
            reads = self.causes.reads.get(key)
            if reads is None:  # a root without a label
                self.mask[key] = 0
                stack.pop()
                continue
            if key not in started:
                started.add(key)
                for rng in reads:
                    if rng not in self.ranges:  # a cycle would skip the cell being visited
                        stack += [
                            k
                            for k in self.causes.cells_in(rng)
                            if k not in self.mask and k not in started
                        ]
                continue
            stack.pop()
            m = 0
            for rng in reads:
                got = self.ranges.get(rng)
                if got is None:
                    got = 0
                    for k in self.causes.cells_in(rng):
                        got |= self.mask.get(k, 0)
                    self.ranges[rng] = got
                m |= got
            self.mask[key] = m
        return self.mask[start]


def _ref(cell: Key, home: str) -> str:
    sheet, row, col = cell
    ref = cell_ref(row, col)
    return ref if sheet == home else "'" + sheet.replace("'", "''") + "'!" + ref


def stored_getter(raw: RawWorkbook) -> Getter:
    """Stored values as formulas read them: a formula cell saved without a value is ""."""

    def get(sheet: str, row: int, col: int) -> Any:
        cell = raw.cell(sheet, row, col)
        return "" if cell.formula is not None and cell.value is None else cell.value

    return get
