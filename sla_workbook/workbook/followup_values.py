"""Cached values of the version-2 blocks (sales' side), from the engine's frames.

The companion of followup_formulas.py, as sheet_values.py is of formulas.py: every
number comes from model/followup.py, laid out the way the workbook holds it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model.followup import agreed_from, helper_sums
from ..model.plan import SlaResult
from .layout import SIDES_ROWS, Layout
from .sheet_values import NA, Arr, Grid, SheetInputs, _cell, _cube, _grid


def followup_values(
    inp: SheetInputs, result: SlaResult, layout: Layout, v: dict[str, Grid], rows: list[int]
) -> dict[str, Grid]:
    n, k = layout.n, layout.k
    pos = inp.positions
    out: dict[str, Grid] = {}
    for key in ("followup_rate", "attempts_per_lead"):
        out[key] = _grid(_cube(result, "followup", key, pos, n, k, np.nan))
        out[f"{key}_keys"] = v["sla_leads_keys"]

    sides = result.sides
    grid = np.full((2 * len(SIDES_ROWS), 12), np.nan)
    for q, key in enumerate(SIDES_ROWS):
        values = sides[key].to_numpy(dtype=np.float64, na_value=np.nan).reshape(2, 12)
        for t in range(2):
            grid[t * len(SIDES_ROWS) + q] = values[t]
    cells = _grid(grid)
    for t in range(2):  # the actual row is the actual table's team total, bit for bit
        cells[t * len(SIDES_ROWS)] = list(v["actual_leads_team_total"][t][:12])
    out["sides"] = cells
    out["chart_followup"] = [
        [
            NA if cells[t * len(SIDES_ROWS) + q][m] == "" else cells[t * len(SIDES_ROWS) + q][m]
            for t in range(2)
            for q in (SIDES_ROWS.index("followup_rate"), SIDES_ROWS.index("followup_target"))
        ]
        for m in range(12)
    ]

    track_sums, sides_sums = helper_sums(result)
    out["track_sums"] = _grid(track_sums)
    out["sides_sums"] = _grid(sides_sums)
    ag = agreed_from(*inp.followup_cells())
    out["channel_agreed"] = [
        [1.0 if x else 0.0 for x in ag.followup],
        [1.0 if x else 0.0 for x in ag.attempts_ok],
    ]
    tr = result.tracker
    for column, name in (
        ("followup_rate", "track_followup"),
        ("followup_target", "track_followup_target"),
        ("attempts_per_lead", "track_attempts"),
        ("attempts_target", "track_attempts_target"),
    ):
        row = tr[column].to_numpy(dtype=np.float64, na_value=np.nan)
        out[name] = [[_cell(x) for x in row[:k]]]
        out[f"{name}_team"] = [[_cell(x) for x in row[k:]]]
    out.update(_log_helpers(inp, result, layout, v["log_key"], rows, ag.target, ag.attempts))
    return out


def _log_helpers(
    inp: SheetInputs,
    result: SlaResult,
    layout: Layout,
    keys: Grid,
    rows: list[int],
    target: Arr,
    attempts: Arr,
) -> dict[str, Grid]:
    st = result.log_status
    counted = st["counted"].tolist()
    channel = st["channel_no"].tolist()
    month = st["month"].tolist()
    worked_ok, tries_ok = st["worked_counted"].tolist(), st["attempts_counted"].tolist()
    blank: list[Any] = [""]
    cols: dict[str, Grid] = {
        name: [list(blank) for _ in range(layout.c)]
        for name in ("log_fu_key", "log_at_key", "log_team_month", "log_fu_need", "log_at_need")
    }
    for i, log_row in enumerate(rows):
        if not counted[i] or log_row >= layout.c:
            continue
        c, leads = int(channel[i]), inp.log[i][3]
        team = inp.teams[c]
        if team in ("marketing", "sales"):
            cols["log_team_month"][log_row] = [float(month[i] + (12 if team == "sales" else 0))]
        if worked_ok[i]:
            cols["log_fu_key"][log_row] = keys[log_row]
            cols["log_fu_need"][log_row] = [float(leads * target[c])]
        if tries_ok[i]:
            cols["log_at_key"][log_row] = keys[log_row]
            cols["log_at_need"][log_row] = [float(leads * attempts[c])]
    return cols
