"""The validation report for people: summary first, findings by sheet, then the SLA."""

from __future__ import annotations

from ..checking.findings import Report
from ..reading.reader import Workbook
from .render import MONTH_ABBR


def render_report(report: Report, wb: Workbook | None) -> str:
    lines = [f"{report.file} (template {report.template_version}, {report.language})"]
    sheets: dict[str, list[str]] = {}
    for f in report.findings:
        mark = "error  " if f.severity == "error" else "warning"
        where = f.cell or ""
        detail = ""
        if f.expected is not None or f.actual is not None:
            detail = f" (expected {_short(f.expected)}, found {_short(f.actual)})"
        sheets.setdefault(f.sheet or "workbook", []).append(
            f"  {mark} {where:<9} {f.code}: {f.message}{detail}"
        )
    counted = ", ".join(f"'{s}'" for s in sheets)
    summary = f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"
    lines.append(f"{summary} in {counted}" if sheets else "No problems found.")
    for sheet, items in sheets.items():
        lines.append("")
        lines.append(f"'{sheet}'" if sheet != "workbook" else "Workbook")
        lines.extend(items)
    if report.valid and wb is not None:
        lines.append("")
        lines.extend(_sla_table(wb, "your_" if report.sheets != "examples" else "ex_"))
    return "\n".join(lines) + "\n"


def _short(value: object) -> str:
    text = "blank" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sla_table(wb: Workbook, prefix: str) -> list[str]:
    from ..model.engine import compute

    result = compute(wb.pair(prefix).plan)
    team = result.team_totals()
    total = result.month_totals().set_index("month")["leads"]
    rows = []
    for name in ("marketing", "sales"):
        values = team.loc[team["team"] == name].set_index("month")["leads"]
        rows.append((name.capitalize(), [float(values.get(m, 0.0)) for m in range(1, 13)]))
    rows.append(("Total", [float(total.get(m, 0.0)) for m in range(1, 13)]))
    header = ["Leads", *MONTH_ABBR, "Year"]
    body = [[label, *(f"{v:.0f}" for v in vals), f"{sum(vals):.0f}"] for label, vals in rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def fmt(row: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )

    return [f"The SLA per team and month ({result.plan.year}):", fmt(header), *map(fmt, body)]
