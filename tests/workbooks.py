"""Helpers to generate workbooks in tests and read blocks back through defined names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries

from sla_workbook import parse_plan
from sla_workbook.workbook.generator import GenerateOptions, generate


def make(tmp: Path, name: str, **options: Any) -> Path:
    plan = options.pop("plan_data", None)
    if plan is not None:
        options["plan"] = parse_plan(plan)
        options.setdefault("rows", len(plan["segments"]))
    return generate(tmp / name, GenerateOptions(**options))


def block(wb: Any, name: str) -> list[list[Any]]:
    """The cells of a workbook-scope defined name, as a list of rows."""
    dn = wb.defined_names[name]
    ((sheet, ref),) = list(dn.destinations)
    ws = wb[sheet]
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [
        [ws.cell(r, c).value for c in range(min_col, max_col + 1)]
        for r in range(min_row, max_row + 1)
    ]


def load(path: Path, data_only: bool = True) -> Any:
    return openpyxl.load_workbook(path, data_only=data_only)
