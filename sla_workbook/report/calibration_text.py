"""calibrate's report for people: per value the plan's previous value, the new one, the
change, the sample size, the 95% interval and where it came from; then every warning.

``--format json`` prints ``Calibration.to_dict()`` itself (crm/calibrate.py), so the
two say the same things; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt

from ..crm.calibrate import Calibration
from ..crm.calibrate_values import Estimate

LABELS = {
    "avg_price": "average price",
    "marketing_share": "marketing share",
    "channel_mix": "channel mix",
    "close_rate": "close rate",
}
SOURCES = {
    "measured": "measured",
    "pooled": "pooled",
    "plan": "kept",
    "below_minimum": "raised",
}


def _num(x: float | None, field: str, signed: bool = False) -> str:
    if x is None:
        return "-"
    sign = "+" if signed else ""
    if field == "avg_price":
        return f"{x:{sign},.2f}"
    return f"{x:{sign}.4f}"


def _interval(e: Estimate) -> str:
    if e.interval is None:
        return "-"
    lo, hi = e.interval
    return f"{_num(lo, e.field)} to {_num(hi, e.field)}"


def _sample(e: Estimate) -> str:
    if e.field == "close_rate" and e.successes is not None and e.n:
        return f"{e.successes}/{e.n} leads"
    return f"{e.n} {e.unit}"


def _day(d: dt.date) -> str:
    return d.isoformat()


def render_calibration(cal: Calibration) -> str:
    """The text report (ends with a newline)."""
    w = cal.windows
    last_lead = w.lead_end - dt.timedelta(days=1)
    last_won = w.as_of - dt.timedelta(days=1)
    lines = [
        f"{cal.export} ({cal.kind}) calibrated as of {_day(cal.as_of)}, {cal.months} months"
        + (f", cohort lag {cal.cohort_lag} days" if cal.cohort_lag else ""),
        f"  leads dated {_day(w.lead_start)} to {_day(last_lead)}: {cal.leads_in_window}, "
        f"of whom {cal.customers_in_window} became customers by {_day(cal.as_of)}",
        f"  won deals closed {_day(w.revenue_start)} to {_day(last_won)} with an amount: "
        f"{cal.won_deals}",
        f"  {cal.rows_read} rows read, {cal.rows_counted} counted"
        + (f"; opportunities: {cal.deals_stats['ids']} ({cal.deals})" if cal.deals_stats else ""),
    ]
    if cal.median_days_to_close is not None:
        lines.append(f"  median days from lead to customer: {cal.median_days_to_close:g}")
    lines.append("")
    head = ["segment", "channel", "value", "previous", "new", "change", "n", "95% interval",
            "source"]  # fmt: skip
    rows = [head]
    for e in cal.estimates:
        source = SOURCES.get(e.source, e.source) + (" (thin)" if e.thin else "")
        if e.median is not None:
            source += f", median {_num(e.median, e.field)}"
        rows.append(
            [
                e.segment,
                e.channel or "",
                LABELS[e.field],
                _num(e.previous, e.field),
                _num(e.value, e.field),
                _num(e.change, e.field, signed=True),
                _sample(e),
                _interval(e),
                source,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    right = {3, 4, 5, 6}
    for r in rows:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    if cal.warnings:
        lines.append("")
        lines.append(f"{len(cal.warnings)} warning(s):")
        lines += [f"  {w}" for w in cal.warnings]
    if cal.output:
        lines.append("")
        out = cal.output
        what = "workbook" if out.get("kind") == "workbook" else "plan"
        lines.append(f"{what}: {out['path']} ({out.get('values', 0)} values calibrated)")
    return "\n".join(lines) + "\n"
