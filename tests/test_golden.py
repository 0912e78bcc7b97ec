"""Golden files for what must not change without notice: the public defined names and
where they point, the custom properties, and the formula of each block's first cell.

After an intended change: SLA_UPDATE_GOLDEN=1 pytest tests/test_golden.py, then review
the diff of tests/golden/ like any other code change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.workbooks import load, make

GOLDEN = Path(__file__).parent / "golden"


def _snapshot(path: Path) -> dict[str, Any]:
    from sla_workbook.reading.reader import read_workbook
    from sla_workbook.workbook.formulas import formula_blocks

    pair = read_workbook(path).yours
    every_block = {}
    for block in formula_blocks(pair.layout):
        b = pair.layout[block]
        cell = next(
            pair.cell(block, i, j).formula
            for i in range(b.nrows)
            for j in range(b.ncols)
            if pair.formulas.for_cell(block, i, j) is not None
        )
        every_block[block] = cell
    wb = load(path, data_only=False)
    names = {}
    first_formulas = {}
    for name, dn in sorted(wb.defined_names.items()):
        ((sheet, ref),) = list(dn.destinations)
        names[name] = f"'{sheet}'!{ref}"
        first = ref.replace("$", "").split(":")[0]
        value = wb[sheet][first].value
        if isinstance(value, str) and value.startswith("="):
            first_formulas[name] = value
    props = {p.name: p.value for p in wb.custom_doc_props.props if p.name != "sla_workbook_version"}
    return {
        "defined_names": names,
        "first_formulas": first_formulas,
        "first_formula_of_every_block": every_block,
        "properties": props,
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_blank_workbook_matches_golden(tmp_path: Path, lang: str) -> None:
    snap = _snapshot(make(tmp_path, "blank.xlsx", lang=lang, year=2027))
    golden = GOLDEN / f"blank-{lang}.json"
    if os.environ.get("SLA_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(snap, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    assert snap == json.loads(golden.read_text(encoding="utf-8"))
