"""The SLA as text, CSV or JSON for the ``compute`` command.

All three formats carry the same table: one row per segment x channel with the 12
monthly lead counts, the year total and the lead value, then team and grand totals.
Blank (incomputable) cells are empty in text/CSV and null in JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from ..model.plan import MONTHS, TEAMS, SlaResult
from ..model.plan import optional_float as _num
from ..model.rules import csv_safe

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FORMATS = ("text", "csv", "json")


def sla_rows(result: SlaResult) -> list[dict[str, Any]]:
    """The SLA table as plain rows (kind: row, team_total or total)."""
    wide = result.leads_wide()
    values = result.lead_value["lead_value"].tolist()
    rows: list[dict[str, Any]] = []
    for i, rec in enumerate(wide.to_dict("records")):
        rows.append(
            {
                "kind": "row",
                "segment": str(rec["segment"]),
                "channel": str(rec["channel"]),
                "team": str(rec["team"]),
                "leads": [_num(rec[m]) for m in MONTHS],
                "year": _num(rec["year"]),
                "lead_value": _num(values[i]),
            }
        )
    team = result.team_totals()
    for t in TEAMS:
        months = team.loc[team["team"] == t].set_index("month")["leads"]
        leads = [_num(months.get(m, 0.0)) for m in MONTHS]
        rows.append(
            {
                "kind": "team_total",
                "segment": "",
                "channel": "",
                "team": t,
                "leads": leads,
                "year": math.fsum(v or 0.0 for v in leads),
                "lead_value": None,
            }
        )
    total = result.month_totals().set_index("month")["leads"]
    leads = [_num(total.get(m, 0.0)) for m in MONTHS]
    rows.append(
        {
            "kind": "total",
            "segment": "",
            "channel": "",
            "team": "",
            "leads": leads,
            "year": math.fsum(v or 0.0 for v in leads),
            "lead_value": None,
        }
    )
    return rows


def _cell(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if digits else f"{value:.0f}"


def render(result: SlaResult, fmt: str, source: str = "") -> str:
    rows = sla_rows(result)
    if fmt == "json":
        plan = result.plan
        doc = {
            "source": source,
            "year": plan.year,
            "currency": plan.currency,
            "segment_label": plan.segment_label,
            "rows": rows,
        }
        return json.dumps(doc, indent=2) + "\n"
    label = result.plan.segment_label
    header = [label, "Channel", "Team", *MONTH_ABBR, "Year", "Lead value"]
    body = []
    for r in rows:
        first = {"row": r["segment"], "team_total": "Total", "total": "Total"}[r["kind"]]
        team = r["team"].capitalize() if r["team"] else "All"
        body.append(
            [
                first,
                r["channel"],
                team,
                *[_cell(v) for v in r["leads"]],
                _cell(r["year"]),
                _cell(r["lead_value"], 2) if fmt == "text" else _plain(r["lead_value"]),
            ]
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([csv_safe(h) for h in header])
        writer.writerows([[csv_safe(c) for c in row] for row in body])
        return out.getvalue()
    return _text_table(header, body, result, source)


def _plain(value: float | None) -> str:
    return "" if value is None else repr(value)


def _text_table(header: list[str], body: list[list[str]], result: SlaResult, source: str) -> str:
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    left = 3  # segment, channel and team are text: left-aligned; numbers right-aligned

    def line(row: list[str]) -> str:
        cells = [
            str(c).ljust(w) if i < left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    title = f"Leads needed per month, {result.plan.year} ({result.plan.currency})"
    if source:
        title += f" from {source}"
    rule = "-" * len(line(header))
    lines = [title, "", line(header), rule]
    n_rows = sum(1 for row in body if row[0] != "Total")
    lines += [line(row) for row in body[:n_rows]]
    lines.append(rule)
    lines += [line(row) for row in body[n_rows:]]
    note = (
        "Blank cells: an input they need is missing or invalid (see docs/spec.md). "
        "Lead value = average price x close rate."
    )
    return "\n".join(lines) + "\n\n" + note + "\n"
