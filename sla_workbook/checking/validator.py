"""Cross-checks a filled workbook against the engine, cell by cell. It only compares:
the reader reads, the engine computes, formulas.py says what each formula must be.

Checks, in order: structure (sheets, defined names), inputs (input_checks.py),
formulas (overwritten or edited), stored values (stale or tampered), and the SLA's
own promise (the revenue it plans covers the target).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..reading.raw import Cell, ErrorValue
from ..reading.reader import SHEET_CHOICES, SheetPair, Workbook, is_blank, read_workbook
from ..workbook.formulas import formula_blocks
from ..workbook.layout import cell_ref, public_block, public_names
from ..workbook.sheet_values import NA
from ..workbook.strings import team_words
from .findings import Finding, Report
from .input_checks import check_inputs, show
from .root_cause import Causes, stored_getter

PER_BLOCK = 25  # cell-by-cell findings per block before one summary finding
_NO_CELL = Cell(None, None)
RECALCULATE = "recalculate (Ctrl+Shift+F9 in LibreOffice, Ctrl+Alt+F9 in Excel) and save"


def validate(path: str | Path, sheets: str = "yours") -> Report:
    """Validate one workbook file; InputError when it cannot be read as one of ours."""
    wb = read_workbook(path)
    return validate_workbook(wb, sheets)


def validate_workbook(wb: Workbook, sheets: str = "yours") -> Report:
    if sheets not in SHEET_CHOICES:
        raise ValueError(f"sheets must be one of {', '.join(SHEET_CHOICES)}")
    report = Report(str(wb.path), wb.kind, wb.template_version, wb.language, sheets)
    if not wb.raw.has_stored_values:
        report.findings.append(
            Finding(
                "no-stored-values",
                "warning",
                None,
                None,
                "the file holds no computed values (saved by a tool that does not calculate, "
                "such as openpyxl); the engine's numbers are used instead",
            )
        )
    prefixes = SHEET_CHOICES[sheets]
    for prefix in prefixes:
        report.findings.extend(_validate_pair(wb, wb.pair(prefix)))
    return report


def _validate_pair(wb: Workbook, pair: SheetPair) -> list[Finding]:
    structure = _structure(wb, pair)
    if any(f.code in ("missing-sheet", "moved-name") for f in structure):
        # Rows or columns inserted or deleted: every block after them moved, and checking
        # cells at their template places would report thousands of wrong cells instead.
        return structure
    structure += _merged_inputs(wb, pair)
    findings = structure + check_inputs(pair)
    wanted = expected_formulas(pair)
    broken = _formulas(pair, wanted, findings)
    expected = _expected_values(wb, pair, findings)
    if expected is not None and wb.raw.has_stored_values:
        _values(pair, wanted, expected, broken, findings)
    if expected is not None:
        _promise(pair, findings)
    return findings


def _structure(wb: Workbook, pair: SheetPair) -> list[Finding]:
    out = []
    for sheet in (pair.targets_sheet, pair.sla_sheet):
        if sheet not in wb.raw.sheets:
            out.append(
                Finding(
                    "missing-sheet",
                    "error",
                    sheet,
                    None,
                    f"the sheet {sheet!r} is missing; the workbook cannot be checked without it",
                )
            )
    for name in public_names(pair.layout):
        full = pair.prefix + name
        block = public_block(pair.layout, name)
        sheet = pair.sheet_of(block)
        if full not in wb.raw.names or wb.raw.names[full][0] not in wb.raw.sheets:
            out.append(
                Finding(
                    "missing-name",
                    "error",
                    sheet,
                    block.range_ref(),
                    f"the defined name {full} is missing or points to a deleted sheet",
                    expected=full,
                )
            )
        elif wb.raw.names[full] != (sheet, block.range_ref()):
            got_sheet, got_ref = wb.raw.names[full]
            out.append(
                Finding(
                    "moved-name",
                    "error",
                    got_sheet,
                    got_ref,
                    f"the defined name {full} points to '{got_sheet}'!{got_ref}, "
                    f"not to '{sheet}'!{block.range_ref()} (rows or columns were "
                    "inserted or deleted?)",
                    expected=block.range_ref(),
                    actual=got_ref,
                )
            )
    return out


def _merged_inputs(wb: Workbook, pair: SheetPair) -> list[Finding]:
    """Merged cells over an input block hide inputs (only the first cell keeps a value)."""
    from ..reading.xlsx_source import parse_ref

    out = []
    for name, block in pair.layout.blocks.items():
        if block.kind != "input":
            continue
        sheet = pair.sheet_of(block)
        for ref in wb.raw.merged.get(sheet, []):
            first, _, last = ref.partition(":")
            try:
                (r1, c1), (r2, c2) = parse_ref(first), parse_ref(last or first)
            except ValueError:
                continue
            if (
                r1 <= block.row + block.nrows - 1
                and r2 >= block.row
                and c1 <= block.col + block.ncols - 1
                and c2 >= block.col
            ):
                out.append(
                    Finding(
                        "merged-input",
                        "error",
                        sheet,
                        ref,
                        f"cells {ref} are merged over the {name} inputs; unmerge "
                        "them so each input has its own cell",
                    )
                )
    return out


_STRING = re.compile(r'("(?:[^"]|"")*")')
_PREFIX = re.compile(r"(?i)_xl(fn|ws)\.")
_SPACE = re.compile(r"\s+")
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")


def _unquote_sheet(m: re.Match[str]) -> str:
    return m.group(1).replace("''", "'") + "!"


def normalize_formula(text: str) -> str:
    """Compare formulas as programs rewrite them: case, spaces, _xlfn. prefixes, quotes."""
    text = text.strip().lstrip("=")
    out = []
    for part in _STRING.split(text):
        if part.startswith('"') and part.endswith('"') and len(part) >= 2:
            out.append(part.upper())
            continue
        part = _PREFIX.sub("", part)
        part = _SPACE.sub("", part).upper()
        part = _QUOTED_SHEET.sub(_unquote_sheet, part)
        out.append(part)
    return "".join(out)


def expected_formulas(pair: SheetPair) -> dict[str, list[list[str | None]]]:
    """The template's formula of every cell of every formula block (None: a constant)."""
    out = {}
    for block in formula_blocks(pair.layout):
        b = pair.layout[block]
        make = pair.formulas.for_cell
        out[block] = [[make(block, i, j) for j in range(b.ncols)] for i in range(b.nrows)]
    return out


def _formulas(
    pair: SheetPair, wanted: dict[str, list[list[str | None]]], findings: list[Finding]
) -> set[tuple[str, int, int]]:
    """Formula cells overwritten by a constant or edited; returns them (their values are moot)."""
    broken: set[tuple[str, int, int]] = set()
    for block in formula_blocks(pair.layout):
        b = pair.layout[block]
        sheet = pair.sheet_of(b)
        cells = pair.raw.cells.get(sheet, {})  # what pair.cell reads, without its lookups
        reported = 0
        codes: Counter[str] = Counter()
        for i, wanted_row in enumerate(wanted[block]):
            row = b.row + i
            for j, want in enumerate(wanted_row):
                if want is None:
                    continue
                cell = cells.get((row, b.col + j), _NO_CELL)
                got = cell.formula
                if got is not None and (
                    got == want[1:] or normalize_formula(got) == normalize_formula(want)
                ):  # the exact text (the usual case) skips the normalization
                    continue
                broken.add((block, i, j))
                if got is None:
                    code, message = (
                        "formula-overwritten",
                        (
                            "this cell should calculate, but holds "
                            + (
                                "nothing"
                                if is_blank(cell.value)
                                else f"the typed value {show(cell.value)}"
                            )
                            + "; restore the formula (copy it from the row above or regenerate)"
                        ),
                    )
                else:
                    code, message = "formula-changed", "this formula differs from the template's"
                reported += 1
                codes[code] += 1
                if reported <= PER_BLOCK:
                    findings.append(
                        Finding(
                            code,
                            "error",
                            sheet,
                            cell_ref(row, b.col + j),
                            message,
                            expected=want,
                            actual=cell.formula or cell.value,
                        )
                    )
        if reported > PER_BLOCK:
            findings.append(
                Finding(
                    codes.most_common(1)[0][0],
                    "error",
                    sheet,
                    b.range_ref(),
                    f"{reported - PER_BLOCK} more formula cells in this block are "
                    "overwritten or changed",
                )
            )
    return broken


def _expected_values(
    wb: Workbook, pair: SheetPair, findings: list[Finding]
) -> dict[str, list[list[Any]]] | None:
    from ..errors import PlanError
    from ..model.engine import compute
    from ..workbook.sheet_values import block_values

    try:
        result = compute(pair.plan)
    except PlanError:
        return None  # repeated names: already reported, and the formulas are ambiguous
    return block_values(pair.inputs, result, pair.layout, team_words(wb.language))


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(actual, ErrorValue):
        return expected == NA and actual.code == NA  # chart-only cells end a line with NA()
    if is_blank(expected) or is_blank(actual):
        return is_blank(expected) and is_blank(actual)
    if isinstance(expected, float) and isinstance(actual, int | float):
        return math.isclose(expected, float(actual), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.lower() == actual.lower()
    return bool(expected == actual)


def _values(
    pair: SheetPair,
    formulas: dict[str, list[list[str | None]]],
    expected: dict[str, list[list[Any]]],
    broken: set[tuple[str, int, int]],
    findings: list[Finding],
) -> None:
    """Stored values against the engine's. A wrong value that its own formula gives from
    the stored values it reads follows a root (a broken or stale cell, root_cause.py): it
    is not stale, and the root's finding counts it instead."""
    wrong: dict[str, list[tuple[int, int]]] = {}
    for block in formula_blocks(pair.layout):
        wrong[block] = [
            (i, j)
            for i in range(pair.layout[block].nrows)
            for j in range(pair.layout[block].ncols)
            if (block, i, j) not in broken
            and formulas[block][i][j]
            and not _same(expected[block][i][j], pair.cell(block, i, j).value)
        ]
    if not any(wrong.values()):
        return
    key = partial(_key, pair)
    causes = Causes(
        {key(block, i, j): formulas[block][i][j] or "" for block in wrong for i, j in wrong[block]},
        [key(*cell) for cell in broken],
        stored_getter(pair.raw),
    )
    stale = {
        block: [(i, j) for i, j in cells if key(block, i, j) not in causes.follows]
        for block, cells in wrong.items()
    }
    # a root listed cell by cell counts its own dependents; the rest of a block's, together
    labels: dict[tuple[str, int, int], Hashable] = {
        key(block, i, j): key(block, i, j) if n < PER_BLOCK else ("stale", block)
        for block, cells in stale.items()
        for n, (i, j) in enumerate(cells)
    }
    listed = {
        (f.sheet, f.cell): n
        for n, f in enumerate(findings)
        if f.code in ("formula-overwritten", "formula-changed")
    }
    for block, i, j in broken:
        sheet, row, col = root = key(block, i, j)
        if (sheet, cell_ref(row, col)) in listed:
            labels[root] = root
        elif (sheet, pair.layout[block].range_ref()) in listed:
            labels[root] = ("formulas", block)
    dependents = causes.dependents(labels)
    for block, cells in stale.items():
        b = pair.layout[block]
        sheet = pair.sheet_of(b)
        for i, j in cells[:PER_BLOCK]:
            want = expected[block][i][j]
            got = pair.cell(block, i, j).value
            shown = (
                "blank"
                if is_blank(want)
                else f"{want:g}"
                if isinstance(want, float)
                else repr(want)
            )
            findings.append(
                Finding(
                    "stale-value",
                    "error",
                    sheet,
                    cell_ref(b.row + i, b.col + j),
                    f"the stored value does not match the inputs (should be {shown}): "
                    + RECALCULATE
                    + dependents.note(key(block, i, j), sheet),
                    expected=want,
                    actual=str(got) if isinstance(got, ErrorValue) else got,
                )
            )
        if len(cells) > PER_BLOCK:
            findings.append(
                Finding(
                    "stale-value",
                    "error",
                    sheet,
                    b.range_ref(),
                    f"{len(cells) - PER_BLOCK} more stored values in this block do "
                    "not match the inputs" + dependents.note_many(("stale", block)),
                )
            )
    notes: dict[int, str] = {}  # the formula findings count their consistent dependents
    for block, i, j in broken:
        sheet, row, col = root = key(block, i, j)
        if (n := listed.get((sheet, cell_ref(row, col)))) is not None:
            notes[n] = dependents.note(root, sheet)
        elif (n := listed.get((sheet, pair.layout[block].range_ref()))) is not None:
            notes[n] = dependents.note_many(("formulas", block))
    for n, note in notes.items():
        findings[n] = replace(findings[n], message=findings[n].message + note)


def _key(pair: SheetPair, block: str, i: int, j: int) -> tuple[str, int, int]:
    """A block's cell as (sheet, row, col), as formulas address it."""
    b = pair.layout[block]
    return pair.sheet_of(b), b.row + i, b.col + j


def _promise(pair: SheetPair, findings: list[Finding]) -> None:
    """The revenue the SLA plans for each named segment and month adds up to its target."""
    inp, lay, k = pair.inputs, pair.layout, pair.layout.k
    revenue = pair.stored("sla_revenue")
    for s in inp.positions:
        for m in range(12):
            target = inp.targets[s, m]
            values = [revenue[s * k + c][m] for c in range(k)]
            if math.isnan(target) or target < 0:
                continue
            numbers = [
                float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            ]
            if len(numbers) < k:
                continue  # blank revenue: an input problem, reported above
            total = math.fsum(numbers)
            if total < target * (1 - 1e-9) - 1e-9:
                sheet, _ = pair.address("sla_revenue", s * k, m)
                first = cell_ref(lay["sla_revenue"].row + s * k, lay["sla_revenue"].col + m)
                last = cell_ref(lay["sla_revenue"].row + s * k + k - 1, lay["sla_revenue"].col + m)
                findings.append(
                    Finding(
                        "sla-short-of-target",
                        "error",
                        sheet,
                        f"{first}:{last}",
                        f"the revenue the SLA plans for {inp.names[s]!r} in month {m + 1} adds up "
                        f"to {total:,.2f}, less than the target {target:,.2f}",
                        expected=float(target),
                        actual=total,
                    )
                )
