"""A spreadsheet file as plain cells: what the xlsx and ods readers both produce.

The reader and validator work on this, so they never care which program saved the file.
Formulas are kept in Excel A1 syntax without the leading "=" (ods formulas are
translated), values as the file stores them: float, str, bool, ErrorValue or None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ErrorValue:
    """A spreadsheet error value such as #DIV/0! or #N/A."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Cell:
    value: Any
    formula: str | None = None


@dataclass
class RawWorkbook:
    path: Path
    kind: str  # "xlsx" or "ods"
    sheets: list[str]
    cells: dict[str, dict[tuple[int, int], Cell]]
    names: dict[str, tuple[str, str]]  # defined name -> (sheet, "$A$1:$B$2")
    properties: dict[str, str] = field(default_factory=dict)
    merged: dict[str, list[str]] = field(default_factory=dict)  # sheet -> ["A1:B2", ...]

    def cell(self, sheet: str, row: int, col: int) -> Cell:
        return self.cells.get(sheet, {}).get((row, col), _EMPTY)

    @property
    def has_stored_values(self) -> bool:
        """Does any formula cell carry a computed value? (openpyxl saves none.)"""
        return any(
            c.formula is not None and c.value is not None
            for sheet in self.cells.values()
            for c in sheet.values()
        )


_EMPTY = Cell(None, None)
