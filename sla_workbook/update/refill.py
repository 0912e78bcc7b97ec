"""Rewrite a filled workbook with a new lead log: a new file, the input never touched.

The new file is generated, not patched: our formulas, cached values, styles, names and
charts come out right by construction, and every input cell is written back exactly as
typed (numbers, text, formulas). What the user added that generation cannot carry
(an extra sheet, a cell typed outside the inputs, a comment, a chart) is found by
comparing the two files (losses.py); column widths the user widened are carried over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import atomic_write
from ..errors import SlaWorkbookError
from ..reading.raw import RawWorkbook
from ..reading.reader import Workbook, inputs_from_cells, read_workbook
from ..workbook.generator import Filled, write_filled
from ..workbook.layout import Layout, build_layout
from .log_merge import TypedRow, merge_log

if TYPE_CHECKING:
    import pandas as pd

LOG_BLOCKS = ("log_date", "log_segment", "log_channel", "log_leads")
FOLLOWUP_LOG_BLOCKS = ("log_worked", "log_attempts")  # template version 2


def log_blocks(layout: Layout) -> tuple[str, ...]:
    """The log's input columns in this layout's version."""
    return LOG_BLOCKS + (FOLLOWUP_LOG_BLOCKS if "log_worked" in layout.blocks else ())


class LossError(SlaWorkbookError):
    """The new workbook would drop something the user added; exit 1, nothing written."""

    exit_code = 1

    def __init__(self, path: Path, losses: list[str]) -> None:
        self.losses = losses
        lines = [f"{path}: the new workbook would lose {len(losses)} thing(s) you added:"]
        lines += [f"  {loss}" for loss in losses]
        lines.append("nothing was written; use --force to accept the loss")
        super().__init__("\n".join(lines))


@dataclass
class Refill:
    """What a rewrite did: the file written, its log rows, and what it could not carry."""

    path: Path
    log_rows: int
    replaced_rows: int
    losses: list[str] = field(default_factory=list)


def typed_log(wb: Workbook, prefix: str = "your_") -> list[TypedRow]:
    """The rows a user typed in a lead log (blank rows skipped), as (value, formula)."""
    pair = wb.pair(prefix)
    rows: list[TypedRow] = []
    for i in range(pair.layout.c):
        cells = [pair.cell(name, i) for name in log_blocks(pair.layout)]
        if all((c.value in (None, "")) and c.formula is None for c in cells):
            continue
        rows.append(tuple((cell.value, cell.formula) for cell in cells))
    return rows


def refill_log(
    src: Path,
    out: Path,
    imported: pd.DataFrame,
    *,
    accept_loss: bool,
    overwrite: bool,
    workbook: Workbook | None = None,
) -> Refill:
    """Write ``out``: ``src`` with its lead log merged with ``imported`` (log_merge.py).
    ``workbook`` is ``src`` already read, when the caller has it."""
    wb = workbook if workbook is not None else read_workbook(src)
    width = len(log_blocks(wb.yours.layout))
    log, replaced = merge_log(typed_log(wb), imported, width)
    result = Refill(out, len(log), replaced)

    def write(tmp: Path) -> None:
        fills = {
            "ex_": _filled(wb, "ex_", typed_log(wb, "ex_")),
            "your_": _filled(wb, "your_", log),
        }
        write_filled(tmp, wb.language, fills)
        from .losses import find_losses, template_cells

        result.losses = find_losses(src, wb.raw, tmp, template_cells(wb))
        if result.losses and not accept_loss:
            raise LossError(src, result.losses)

    atomic_write(out, write, force=overwrite, inputs=(src,))
    return result


def _filled(
    wb: Workbook,
    prefix: str,
    log: list[TypedRow],
    replaced: dict[tuple[str, int, int], tuple[Any, str | None]] | None = None,
) -> Filled:
    """The new file's cells of one sheet pair; ``replaced``: input cells (role, row, col)
    that take new values instead of the typed ones (calibrate --into)."""
    pair = wb.pair(prefix)
    version = pair.layout.version  # rewritten in its own template version
    lay = build_layout(pair.layout.n, pair.layout.k, max(pair.layout.c, len(log), 1), version)
    sheets = (pair.targets_sheet, pair.sla_sheet)
    typed: dict[tuple[str, int, int], tuple[Any, str | None]] = {}
    for name, b in lay.blocks.items():
        if b.kind != "input" or name in LOG_BLOCKS + FOLLOWUP_LOG_BLOCKS:
            continue
        sheet = sheets[0 if b.role == "targets" else 1]
        for i in range(b.nrows):
            for j in range(b.ncols):
                got = wb.raw.cell(sheet, b.row + i, b.col + j)
                if got.value is not None or got.formula is not None:
                    typed[(b.role, b.row + i, b.col + j)] = (got.value, got.formula)
    typed.update(replaced or {})
    for i, row in enumerate(log):
        for name, typed_cell in zip(log_blocks(lay), row, strict=True):
            b = lay[name]
            typed[("sla", b.row + i, b.col)] = typed_cell
    # The inputs as reading the new file will see them: the same reader code over a
    # workbook that holds just these cells.
    from ..reading.raw import Cell

    shadow = RawWorkbook(wb.raw.path, wb.raw.kind, list(sheets), {s: {} for s in sheets}, {})
    for (role, r, c), (value, formula) in typed.items():
        shadow.cells[sheets[0 if role == "targets" else 1]][(r, c)] = Cell(value, formula)
    inputs = inputs_from_cells(shadow, lay, sheets, wb.language)
    label = wb.raw.cell(pair.targets_sheet, lay["segments"].row - 1, 0).value
    from .losses import column_widths

    return Filled(
        inputs=inputs,
        typed=typed,
        label=label if isinstance(label, str) and label else pair.plan.segment_label,
        currency=wb.raw.properties.get(f"{prefix}currency", pair.plan.currency),
        log_rows=lay.c,
        sheet_names=sheets,
        widths=column_widths(wb.raw.path, sheets),
        version=version,
    )
