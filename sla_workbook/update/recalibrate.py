"""A filled workbook rewritten with calibrated inputs: ``calibrate --into WORKBOOK --out NEW``.

The sibling of ``refill_log`` (refill.py), with the import's rules: WORKBOOK is read,
never written; NEW is generated with every typed input carried over, except the cells
calibrate replaces (your SLA sheet's average price, marketing share, close rates and
channel mix), and the lead log as typed. What generation cannot carry is found the same
way (losses.py) and refused unless accepted. The replaced cells are left out of that
comparison: a new value there is the point, not a loss (a formula typed into one is
replaced too, and counted in the result).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..crm.calibrate import Calibration
from ..errors import InputError
from ..reading.reader import Workbook, read_workbook
from ..workbook.generator import write_filled
from .refill import LossError, _filled, typed_log

FIELDS = {"avg_price": "avg_price", "marketing_share": "marketing_share",
          "close_rate": "close_rate", "channel_mix": "channel_mix"}  # fmt: skip


@dataclass
class Recalibrated:
    """What the rewrite did: the file, the cells replaced, and what it could not carry."""

    path: Path
    replaced_cells: int
    replaced_formulas: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)


def check_channels(wb: Workbook) -> None:
    """Calibration needs every channel of your sheets named and owned by a team."""
    pair = wb.yours
    inp = pair.inputs
    bad = [j + 1 for j, (c, t) in enumerate(zip(inp.channels, inp.teams, strict=True))
           if not c or t not in ("marketing", "sales")]  # fmt: skip
    if bad:
        raise InputError(
            f"{wb.raw.path}: channel column(s) {', '.join(map(str, bad))} of your SLA sheet "
            "lack a name or a team (marketing or sales); fix them (sla-workbook validate)"
        )
    if not inp.positions:
        raise InputError(f"{wb.raw.path}: your sheets have no named segment to calibrate")


def replaced_cells(wb: Workbook, cal: Calibration) -> dict[tuple[str, int, int], float]:
    """(role, row, col) of each input cell calibrate writes, and its new value."""
    pair = wb.yours
    lay, inp = pair.layout, pair.inputs
    rows = dict(zip((inp.names[i] or "" for i in inp.positions), inp.positions, strict=True))
    columns = {c.lower(): j for j, c in enumerate(inp.channels)}
    out: dict[tuple[str, int, int], float] = {}
    for e in cal.estimates:
        if e.value is None or e.value == e.previous:
            continue  # a kept value is the cell as typed
        block = lay[FIELDS[e.field]]
        i = rows[e.segment]
        j = 0 if e.channel is None else columns[e.channel.lower()]
        out[(block.role, block.row + i, block.col + j)] = float(e.value)
    # A team's only channel has a mix of 1 by definition (docs/spec.md), so calibrate does
    # not measure it; a blank workbook leaves that cell empty, which would stay invalid.
    mix = lay["channel_mix"]
    for team in ("marketing", "sales"):
        only = [j for j, t in enumerate(inp.teams) if t == team]
        if len(only) != 1:
            continue
        for i in inp.positions:
            cell = pair.cell("channel_mix", i, only[0])
            key = (mix.role, mix.row + i, mix.col + only[0])
            if key not in out and cell.formula is None and cell.value in (None, ""):
                out[key] = 1.0
    return out


def write_calibrated_workbook(
    src: Path,
    out: Path,
    cal: Calibration,
    *,
    accept_loss: bool,
    overwrite: bool,
    workbook: Workbook | None = None,
) -> Recalibrated:
    """Write ``out``: ``src`` with the calibrated inputs in its SLA sheet (yours)."""
    wb = workbook if workbook is not None else read_workbook(src)
    cells = replaced_cells(wb, cal)
    sheet = wb.yours.sla_sheet
    result = Recalibrated(out, len(cells))
    from ..workbook.layout import cell_ref

    for _, r, c in cells:
        got = wb.raw.cell(sheet, r, c)
        if got.formula is not None:
            result.replaced_formulas.append(f"'{sheet}'!{cell_ref(r, c)}: ={got.formula}")
    typed: dict[tuple[str, int, int], tuple[Any, str | None]] = {
        key: (value, None) for key, value in cells.items()
    }

    def write(tmp: Path) -> None:
        fills = {
            "ex_": _filled(wb, "ex_", typed_log(wb, "ex_")),
            "your_": _filled(wb, "your_", typed_log(wb), typed),
        }
        write_filled(tmp, wb.language, fills)
        from .losses import find_losses, template_cells

        # the replaced cells are compared as if empty: a new value there is no loss
        mine = {k: v for k, v in wb.raw.cells.get(sheet, {}).items() if k not in _rc(cells)}
        original = replace(wb.raw, cells={**wb.raw.cells, sheet: mine})
        result.losses = find_losses(src, original, tmp, template_cells(wb))
        if result.losses and not accept_loss:
            raise LossError(src, result.losses)

    atomic_write(out, write, force=overwrite, inputs=(src,))
    return result


def _rc(cells: dict[tuple[str, int, int], float]) -> set[tuple[int, int]]:
    return {(r, c) for _, r, c in cells}
