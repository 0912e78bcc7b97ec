"""Compare every formula cell's cached value with another file's value of the same cell.

On mismatch, a cell-addressed diff in the style of the formulas library:
``'Your SLA'!D7: 120 -> 118`` (ours -> theirs; an error value prints as ``#N/A``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

Blank = None


@dataclass(frozen=True)
class Error:
    """An error value (``t="e"`` in xlsx), e.g. #N/A: never equal to the text "#N/A"."""

    code: str

    def __repr__(self) -> str:
        return self.code


def normalize(v: Any, data_type: str | None = None) -> Any:
    """A cell value as compared: blank (None or empty text) as None, numbers, booleans and
    dates as floats, an error value (openpyxl's data_type "e") as ``Error``."""
    if data_type == "e":
        return Error(str(v))
    if v is None or v == "":
        return Blank
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, dt.datetime):
        return float((v - dt.datetime(1899, 12, 30)).total_seconds() / 86400)
    if isinstance(v, int | float):
        return float(v)
    return v


def formula_cells(path: Path) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> cached value, for every cell that holds a formula."""
    formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    cached = openpyxl.load_workbook(path, data_only=True, read_only=True)
    out: dict[tuple[str, str], Any] = {}
    for ws in formulas.worksheets:
        values = cached[ws.title]
        for frow, vrow in zip(ws.iter_rows(), values.iter_rows(), strict=False):
            for fcell, vcell in zip(frow, vrow, strict=False):
                if isinstance(fcell.value, str) and fcell.value.startswith("="):
                    out[(ws.title, fcell.coordinate)] = normalize(
                        vcell.value, getattr(vcell, "data_type", None)
                    )
    formulas.close()
    cached.close()
    return out


def values_at(path: Path, cells: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """Values of the given cells (read-only mode: it copes with Gnumeric's comments)."""
    wanted = set(cells)
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    out: dict[tuple[str, str], Any] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                coord = getattr(cell, "coordinate", None)
                if coord and (ws.title, coord) in wanted:
                    out[(ws.title, coord)] = normalize(cell.value, getattr(cell, "data_type", None))
    wb.close()
    return {key: out.get(key, Blank) for key in cells}


def same(a: Any, b: Any, rel: float = 1e-9) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)
    return a == b


def diff(ours: dict[tuple[str, str], Any], theirs: dict[tuple[str, str], Any]) -> list[str]:
    lines = []
    for (sheet, cell), value in ours.items():
        other = theirs.get((sheet, cell), "<missing>")
        if not same(value, other):
            lines.append(f"'{sheet}'!{cell}: {value!r} -> {other!r}")
    return lines
