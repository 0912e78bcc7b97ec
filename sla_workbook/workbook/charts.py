"""The workbook's two native charts, fed by the SLA sheet's total rows and daily block."""

from __future__ import annotations

from typing import Any

from .layout import Layout, cell_ref


def add_charts(
    wb: Any, ws: Any, lay: Layout, sla_sheet: str, tx: dict[str, Any], words: dict[str, str]
) -> None:
    """Monthly SLA vs actual leads per team, and the tracked month by day."""
    sheet = "'" + sla_sheet.replace("'", "''") + "'"
    hrow = lay.marks["sla_leads_header"][0]
    months = f"={sheet}!{cell_ref(hrow, 3, abs_row=True, abs_col=True)}:" + cell_ref(
        hrow, 14, abs_row=True, abs_col=True
    )
    columns = wb.add_chart({"type": "column"})
    line = wb.add_chart({"type": "line"})
    colors = {"marketing": ("#2E75B6", "#1F4E79"), "sales": ("#F4B183", "#C55A11")}
    for t, team in enumerate(("marketing", "sales")):
        word = words[team]
        for chart, key in ((columns, "sla_series"), (line, "actual_series")):
            if chart is columns:
                b = lay["sla_leads_team_total"]
                first, last = (b.row + t, b.col), (b.row + t, b.col + 11)
            else:  # #N/A after the months that have happened: the line stops there
                b = lay["chart_actual"]
                first, last = (b.row, b.col + t), (b.row + 11, b.col + t)
            values = f"={sheet}!{cell_ref(*first, abs_row=True, abs_col=True)}:" + (
                cell_ref(*last, abs_row=True, abs_col=True)
            )
            series: dict[str, Any] = {
                "name": tx[key].format(team=word),
                "categories": months,
                "values": values,
            }
            color = colors[team][0 if chart is columns else 1]
            if chart is columns:
                series["fill"] = {"color": color}
            else:
                series["line"] = {"color": color, "width": 2.25}
                series["marker"] = {"type": "circle", "size": 5}
            chart.add_series(series)
    columns.combine(line)
    columns.set_title({"name": tx["chart_monthly"]})
    columns.set_legend({"position": "bottom"})
    columns.set_size({"width": 760, "height": 320})
    row, _ = lay.marks["tracker_section"]
    ws.insert_chart(row, lay.k + 5, columns)

    d = lay["daily"]
    days = f"={sheet}!{cell_ref(d.row, 0, abs_row=True, abs_col=True)}:" + cell_ref(
        d.row + 30, 0, abs_row=True, abs_col=True
    )
    d = lay["chart_daily"]  # plan and actual, #N/A where the month or the log ends
    bars = wb.add_chart({"type": "column"})
    plan_line = wb.add_chart({"type": "line"})
    rng = f"={sheet}!" + "{}:{}"
    bars.add_series(
        {
            "name": tx["daily_actual"],
            "categories": days,
            "values": rng.format(
                cell_ref(d.row, d.col + 1, abs_row=True, abs_col=True),
                cell_ref(d.row + 30, d.col + 1, abs_row=True, abs_col=True),
            ),
            "fill": {"color": "#2E75B6"},
        }
    )
    plan_line.add_series(
        {
            "name": tx["daily_plan"],
            "categories": days,
            "values": rng.format(
                cell_ref(d.row, d.col, abs_row=True, abs_col=True),
                cell_ref(d.row + 30, d.col, abs_row=True, abs_col=True),
            ),
            "line": {"color": "#C00000", "width": 2.25, "dash_type": "dash"},
        }
    )
    bars.combine(plan_line)
    bars.set_title({"name": tx["chart_daily"]})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 760, "height": 320})
    ws.insert_chart(lay["daily"].row - 1, 4, bars)
