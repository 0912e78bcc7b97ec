"""Writes sales' side of the SLA (template version 2) into one SLA sheet.

The inputs under the channels, the two rate tables, "Both sides of the SLA" per team and
month with its chart, the tracker's follow-up rows and the hidden helper cells. Called
by sheet_writer after the version-1 blocks; positions from layout.py, formulas from
followup_formulas.py, values from followup_values.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .layout import S_FOLLOWUP_ROW, SIDES_ROWS, Block, cell_ref

if TYPE_CHECKING:
    from .sheet_writer import _Pair

_INPUTS = (
    ("followup_hours", "general"),
    ("followup_target", "percent"),
    ("attempts_target", "integer"),
)
_SIDES_FORMATS = {
    "actual": "leads",
    "sla": "leads",
    "leads_met": "met",
    "followup_rate": "percent",
    "followup_target": "percent",
    "attempts_per_lead": "ratio",
    "attempts_target": "ratio",
    "followup_met": "met",
}
_GREEN, _AMBER, _RED = ("#C6EFCE", "#006100"), ("#FFEB9C", "#9C5700"), ("#FFC7CE", "#9C0006")


def write_followup(p: _Pair) -> None:
    _inputs(p)
    _rate_tables(p)
    _sides(p)
    _tracker_rows(p)
    _helpers(p)
    _chart(p)


def _inputs(p: _Pair) -> None:
    ws, st, tx = p.ws_s, p.st, p.text
    cells = p.inp.followup_cells()
    for q, (name, number) in enumerate(_INPUTS):
        row = S_FOLLOWUP_ROW + q
        ws.write_string(row, 0, tx[name], st.get("label"))
        p.note(ws, row, 0, name)
        p.input_block(name, [list(cells[q])], number)


def _rate_tables(p: _Pair) -> None:
    ws, st, tx, lay = p.ws_s, p.st, p.text, p.layout
    head = st.get("header")
    for key, number in (("followup_rate", "percent"), ("attempts_per_lead", "ratio")):
        ws.write_string(*lay.marks[f"{key}_section"], tx[f"{key}_section"], st.get("section"))
        hrow = lay.marks[f"{key}_header"][0]
        for j, label in enumerate([p.label, tx["channel"], tx["team"], *tx["months"]]):
            ws.write_string(hrow, j, label, head)
        p.formula_block(f"{key}_keys", st.get("output"))
        p.formula_block(key, st.get("output", number))
        _channel_target_lights(
            p, key, "followup_target" if key == "followup_rate" else "attempts_target"
        )


def _sides(p: _Pair) -> None:
    ws, st, tx, lay = p.ws_s, p.st, p.text, p.layout
    ws.write_string(*lay.marks["sides_section"], tx["sides_section"], st.get("section"))
    p.note(ws, *lay.marks["sides_section"], "sides")
    hrow = lay.marks["sides_header"][0]
    head = st.get("header")
    for j, label in enumerate([tx["team"], "", "", *tx["months"]]):
        ws.write_string(hrow, j, label, head)
    b = lay["sides"]
    labels = tx["sides_rows"]
    for t, team in enumerate(("marketing", "sales")):
        for q, key in enumerate(SIDES_ROWS):
            row = b.row + t * len(SIDES_ROWS) + q
            ws.write_string(row, 0, p.words[team] if q == 0 else "", st.get("label"))
            ws.merge_range(row, 1, row, 2, labels[q], st.get("output"))
            for m in range(12):
                formula = p.f.for_cell("sides", t * len(SIDES_ROWS) + q, m)
                value = p.values["sides"][t * len(SIDES_ROWS) + q][m]
                style = st.get("output", _SIDES_FORMATS[key])
                ws.write_formula(row, b.col + m, formula, style, value)
        first = b.row + t * len(SIDES_ROWS)
        for key in ("leads_met", "followup_met"):
            _met_lights(
                p, Block("met", "sla", first + SIDES_ROWS.index(key), b.col, 1, 12, "output")
            )
        for key in ("followup_rate", "attempts_per_lead"):
            q = SIDES_ROWS.index(key)
            _target_lights(p, first + q, first + q + 1, b.col, 12)


def _tracker_rows(p: _Pair) -> None:
    ws, st, tx, lay, k = p.ws_s, p.st, p.text, p.layout, p.layout.k
    rows = (
        ("track_followup", "percent"),
        ("track_followup_target", "percent"),
        ("track_attempts", "ratio"),
        ("track_attempts_target", "ratio"),
    )
    for (name, number), label in zip(rows, tx["track_rows_v2"], strict=True):
        b = lay[name]
        ws.write_string(b.row, 0, label, st.get("label"))
        p.formula_block(name, st.get("output", number))
        p.formula_block(f"{name}_team", st.get("output", number))
    for name in ("track_followup", "track_attempts"):
        b = lay[name]
        _target_lights(p, b.row, b.row + 1, b.col, k + 2)


def _helpers(p: _Pair) -> None:
    ws, st, tx, lay = p.ws_s, p.st, p.text, p.layout
    helper = st.get("helper")
    for mark, key, block, number in (
        ("chart_followup_header", "chart_followup_data", "chart_followup", "general"),
        ("agreed_header", "agreed_data", "channel_agreed", "general"),
        ("track_sums_header", "track_sums_data", "track_sums", "general"),
        ("sides_sums_header", "sides_sums_data", "sides_sums", "general"),
    ):
        ws.write_string(*lay.marks[mark], tx[key], helper)
        p.formula_block(block, st.get("helper", number))
    row, col = lay.marks["chart_followup_header"]
    for m, name in enumerate(tx["months"]):
        ws.write_string(row + 1 + m, col, name, helper)
    for name in ("log_fu_key", "log_at_key", "log_team_month"):
        p.formula_block(name, helper)
    for name in ("log_fu_need", "log_at_need"):
        p.formula_block(name, helper)


def _lights(p: _Pair, row: int, col: int, ncols: int, rules: tuple[tuple[str, Any], ...]) -> None:
    for criteria, (fill, font) in rules:
        fmt = p.wb.add_format({"bg_color": fill, "font_color": font})
        p.ws_s.conditional_format(
            row,
            col,
            row,
            col + ncols - 1,
            {"type": "formula", "criteria": "=" + criteria, "format": fmt},
        )


def _target_lights(p: _Pair, row: int, target_row: int, col: int, ncols: int) -> None:
    """Like pace: at or above target green, from 80% of it amber, below that red."""
    _lights(p, row, col, ncols, _target_rules(cell_ref(row, col), cell_ref(target_row, col)))


def _target_rules(x: str, t: str) -> tuple[tuple[str, Any], ...]:
    """Met compared at 6 decimals, as the met flags (a leads-weighted target of 0.8 may be
    0.8000000000000002 and must not turn an 80% rate amber)."""
    both = f"ISNUMBER({x}),ISNUMBER({t})"
    met = f"ROUND({x},6)>=ROUND({t},6)"
    return (
        (f"AND({both},{x}<0.8*{t})", _RED),
        (f"AND({both},{x}>=0.8*{t},NOT({met}))", _AMBER),
        (f"AND({both},{met})", _GREEN),
    )


def _channel_target_lights(p: _Pair, block: str, target: str) -> None:
    """Each segment x channel rate against its channel's target (the row's channel, looked
    up from the table's channel column)."""
    lay = p.layout
    b, keys = lay[block], lay[f"{block}_keys"]
    channel = cell_ref(b.row, keys.col + 1, abs_col=True)  # relative row, fixed column
    t = f"INDEX({lay[target].range_ref()},1,MATCH({channel},{lay['channels'].range_ref()},0))"
    for criteria, (fill, font) in _target_rules(b.ref(0, 0), t):
        fmt = p.wb.add_format({"bg_color": fill, "font_color": font})
        p.ws_s.conditional_format(
            b.row,
            b.col,
            b.row + b.nrows - 1,
            b.col + 11,
            {"type": "formula", "criteria": "=IFERROR(" + criteria + ",FALSE)", "format": fmt},
        )


def _met_lights(p: _Pair, b: Block) -> None:
    x = b.ref(0, 0)
    _lights(
        p,
        b.row,
        b.col,
        b.ncols,
        ((f"AND(ISNUMBER({x}),{x}=1)", _GREEN), (f"AND(ISNUMBER({x}),{x}=0)", _RED)),
    )


def _chart(p: _Pair) -> None:
    lay, tx = p.layout, p.text
    sheet = "'" + p.sheet_names[1].replace("'", "''") + "'"
    hrow = lay.marks["sla_leads_header"][0]
    months = f"={sheet}!{cell_ref(hrow, 3, abs_row=True, abs_col=True)}:" + cell_ref(
        hrow, 14, abs_row=True, abs_col=True
    )
    b = lay["chart_followup"]
    # Targets as bars and rates as lines, as the monthly SLA chart: LibreOffice draws
    # #N/A as a gap only in a combined chart (a plain line chart drops to 0 there).
    chart = p.wb.add_chart({"type": "column"})
    lines = p.wb.add_chart({"type": "line"})
    colors = {"marketing": ("#9DC3E6", "#1F4E79"), "sales": ("#F8CBAD", "#C55A11")}
    for t, team in enumerate(("marketing", "sales")):
        for target in (1, 0):
            col = b.col + 2 * t + target
            first = cell_ref(b.row, col, abs_row=True, abs_col=True)
            last = cell_ref(b.row + 11, col, abs_row=True, abs_col=True)
            key = "followup_target_series" if target else "followup_series"
            series: dict[str, Any] = {
                "name": tx[key].format(team=p.words[team]),
                "categories": months,
                "values": f"={sheet}!{first}:{last}",
            }
            if target:
                series["fill"] = {"color": colors[team][0]}
                chart.add_series(series)
            else:
                series["line"] = {"color": colors[team][1], "width": 2.25}
                series["marker"] = {"type": "circle", "size": 5}
                lines.add_series(series)
    chart.combine(lines)
    chart.set_title({"name": tx["chart_followup"]})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"num_format": "0%", "min": 0})
    chart.set_size({"width": 760, "height": 320})
    p.ws_s.insert_chart(*lay.marks["chart_followup"], chart)
