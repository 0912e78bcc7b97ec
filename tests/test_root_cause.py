"""A wrong value that follows from another wrong cell is reported once, under that root.

A formula overwritten in LibreOffice (which then recalculates) leaves every cell computed
from it holding a correct consequence: one formula-overwritten finding must count them,
and no stale-value may tell the person to recalculate. A file saved with calculation off
still gets stale-value where the stored value is really out of date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sla_workbook import load_plan
from sla_workbook.checking.root_cause import Causes
from sla_workbook.checking.validator import validate
from tests.cell_diff import formula_cells, same
from tests.spreadsheet_programs import XLSX_FILTER, libreoffice_convert, uno_edit
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]
KEEP = "__keep__"
DEPENDENTS = re.compile(r"; (\d+) cells? that depends? on (?:it|them) ")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The sample on rows=4: 'Your SLA'!D22 is the first sla_leads cell, so H23 is row 1
    # (North America, Events), month 5.
    tmp = tmp_path_factory.mktemp("root-cause")
    return make(tmp, "base.xlsx", plan=load_plan(ROOT / "samples" / "plan.yaml"), rows=4)


def _typed(name: str, cells: dict[tuple[int, int], Any], width: int) -> dict[str, Any]:
    rows = max(r for r, _ in cells) + 1
    values = [[KEEP] * width for _ in range(rows)]
    for (r, c), value in cells.items():
        values[r][c] = value
    return {"name": name, "values": values}


def _changed(a: Path, b: Path) -> set[tuple[str, str]]:
    """The formula cells whose values differ between two files."""
    before, after = formula_cells(a), formula_cells(b)
    return {key for key in before if not same(before[key], after.get(key))}


def test_overwritten_formula_is_one_finding_that_counts_its_dependents(
    base: Path, tmp_path: Path
) -> None:
    (typed,) = uno_edit(
        base,
        [(tmp_path / "h23.xlsx", XLSX_FILTER)],
        [_typed("your_sla_leads", {(1, 4): 777}, width=12)],
    )
    report = validate(typed)
    assert [(f.code, f.where()) for f in report.findings] == [
        ("formula-overwritten", "'Your SLA'!H23")
    ], [f"{f.code} {f.where()} {f.message}" for f in report.findings]
    (finding,) = report.findings
    assert finding.actual == 777
    # every formula cell LibreOffice changed because of H23 is counted under it, and named
    # (up to six) in the message
    changed = _changed(libreoffice_convert(base, tmp_path / "lo"), typed)
    changed.discard(("Your SLA", "H23"))
    match = DEPENDENTS.search(finding.message)
    assert match and int(match.group(1)) == len(changed) > 3, finding.message
    assert "P23" in finding.message and "not reported separately" in finding.message
    assert "recalculate" not in finding.message


def test_stale_values_keep_their_advice_and_count_what_follows_them(
    base: Path, tmp_path: Path
) -> None:
    # calculation off: the new January target reaches no formula; the stored revenue is
    # stale, and the leads computed from that stale revenue are consistent with it
    (out,) = uno_edit(
        base,
        [(tmp_path / "stale.xlsx", XLSX_FILTER)],
        [_typed("your_targets", {(0, 0): 999999}, width=12)],
        autocalc=False,
    )
    report = validate(out)
    stale = {f.cell: f for f in report.findings if f.code == "stale-value"}
    revenue = stale.get("D41")  # 'Your SLA'!D41: the first sla_revenue cell
    assert revenue is not None, sorted(stale)
    assert "recalculate" in revenue.message
    match = DEPENDENTS.search(revenue.message)
    assert match and int(match.group(1)) >= 3, revenue.message
    # the January leads of North America follow the stale revenue: not stale themselves
    assert "D22" not in stale and "P22" not in stale
    assert {f.code for f in report.findings} <= {"stale-value", "sla-short-of-target"}


def test_many_overwritten_formulas_are_counted_in_the_block_summary(
    base: Path, tmp_path: Path
) -> None:
    # 30 of the 36 sla_leads cells of the first three rows typed over: 25 findings, a
    # summary, and no stale-value for the totals computed from them
    cells = {(r, m): 100 + r for r in range(3) for m in range(10)}
    (out,) = uno_edit(
        base, [(tmp_path / "many.xlsx", XLSX_FILTER)], [_typed("your_sla_leads", cells, 12)]
    )
    report = validate(out)
    codes = [f.code for f in report.findings]
    assert codes == ["formula-overwritten"] * 26, [f"{f.code} {f.where()}" for f in report.findings]
    summary = report.findings[-1]
    assert summary.cell == "$D$22:$O$33" and "5 more formula cells" in summary.message
    assert DEPENDENTS.search(summary.message), summary.message
    assert all(DEPENDENTS.search(f.message) for f in report.findings[:25])


# -- the tracing itself, on a made-up sheet ---------------------------------------------------


def _sheet(values: dict[str, Any]) -> Callable[[str, int, int], Any]:
    from sla_workbook.reading.xlsx_source import parse_ref

    cells = {("S", *parse_ref(ref)): v for ref, v in values.items()}
    return lambda s, r, c: cells.get((s, r, c))


def test_causes_split_roots_and_consequences() -> None:
    # A1 input 1; B1 should be =A1*2 (2) but was typed 5 (broken); C1 =B1+1 holds 6
    # (consistent: a consequence); D1 =C1*3 holds 0 (stale); E1 =D1+1 holds 1 (follows the
    # stale D1); F1 =SUM(B1:E1) holds 12 (follows both roots); G1 =A1+1 holds 9 (stale,
    # reads no wrong cell)
    get = _sheet({"A1": 1.0, "B1": 5.0, "C1": 6.0, "D1": 0.0, "E1": 1.0, "F1": 12.0, "G1": 9.0})
    wrong = {
        ("S", 0, 2): "=B1+1",
        ("S", 0, 3): "=C1*3",
        ("S", 0, 4): "=D1+1",
        ("S", 0, 5): "=SUM(B1:E1)",
        ("S", 0, 6): "=A1+1",
    }
    b1, c1, d1, e1, f1, g1 = (("S", 0, c) for c in range(1, 7))
    causes = Causes(wrong, [b1], get)
    assert set(causes.follows) == {c1, e1, f1}
    dependents = causes.dependents({b1: "B1", d1: "D1", g1: "G1"})
    assert dependents.count == {"B1": 2, "D1": 2, "G1": 0}  # B1: C1 and F1; D1: E1 and F1
    assert dependents.note("B1", "S") == (
        "; 2 cells that depend on it (C1, F1) are consistent with its value "
        "and not reported separately"
    )
    assert dependents.note("G1", "S") == ""
    # one label for several roots counts each dependent once
    assert causes.dependents({b1: "all", d1: "all"}).count == {"all": 3}
