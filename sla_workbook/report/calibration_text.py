"""calibrate's report for people: per value the plan's previous value, the new one, the
change, the sample size, the 95% interval and where it came from; then every warning.

``--format json`` prints ``Calibration.to_dict()`` itself (crm/calibrate.py), so the
two say the same things; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from ..crm.calibrate import Calibration
from ..crm.calibrate_values import THIN_CUSTOMERS, THIN_DEALS, THIN_LEADS, Estimate, count

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
WIDTH = 100  # the report's lines, warnings wrapped to it (a long path or name may not fit)


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
    if e.field == "avg_price":  # whole units: an interval of a mean needs no cents
        return f"{lo:,.0f} to {hi:,.0f}"
    return f"{_num(lo, e.field)} to {_num(hi, e.field)}"


def _sample(e: Estimate) -> str:
    """n: for a close rate, its own segment and channel's customers/leads, always (a
    pooled value's sample is said on the line below it)."""
    if e.own is not None:
        leads, customers = e.own
        return f"{customers}/{count(leads, 'lead')}" if leads else "0 leads"
    if e.field == "close_rate" and e.successes is not None and e.n:
        return f"{e.successes}/{e.n} leads"
    return count(e.n, e.unit.removesuffix("s"))


def _label(e: Estimate) -> str:
    return LABELS[e.field] + (f" {e.channel}" if e.channel else "")


def _below(e: Estimate) -> list[str]:
    """Lines under a value: the median beside a mean price, the pool a rate came from."""
    out = []
    if e.median is not None:
        out.append(f"median {_num(e.median, e.field)}")
    if e.pooled is not None:
        leads, customers = e.pooled
        out.append(
            f"pooled: {customers}/{leads} leads of {e.channel} over all segments "
            "(the value and its interval)"
        )
    return out


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
        f"  {cal.rows_read} rows read, {cal.rows_counted} counted",
    ]
    if cal.deals_stats:
        lines.append(f"  opportunities: {cal.deals_stats['ids']} ({cal.deals})")
        several = cal.deals_stats.get("several_leads", 0)
        if several:
            which = "1 opportunity" if several == 1 else f"{several} opportunities"
            lines.append(
                f"  {which} with several leads: each lead a customer, the amount counted "
                "once (earliest lead)"
            )
    if cal.median_days_to_close is not None:
        lines.append(f"  median days from lead to customer: {cal.median_days_to_close:g}")
    lines.append("")
    head = ["", "previous", "new", "change", "n", "95% interval", "source"]
    rows: list[list[str] | str] = [head]
    segment = None
    for e in cal.estimates:
        if e.segment != segment:
            segment = e.segment
            rows.append(segment)
        source = SOURCES.get(e.source, e.source) + ("*" if e.thin else "")
        rows.append(
            [
                "  " + _label(e),
                _num(e.previous, e.field),
                _num(e.value, e.field),
                _num(e.change, e.field, signed=True),
                _sample(e),
                _interval(e),
                source,
            ]
        )
        rows += [f"    {x}" for x in _below(e)]
    table = [r for r in rows if isinstance(r, list)]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    right = {1, 2, 3, 4}
    for r in rows:
        if isinstance(r, str):
            lines.append(r)
            continue
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    if any(e.thin for e in cal.estimates):
        lines.append(
            f"* thin data: under {THIN_LEADS} leads or {THIN_CUSTOMERS} customers (a close rate), "
            f"under {THIN_DEALS} won deals (the rest)"
        )
    if cal.warnings:
        lines.append("")
        lines.append(f"{len(cal.warnings)} warning(s):")
        for warning in cal.warnings:
            lines += textwrap.wrap(
                warning,
                WIDTH,
                initial_indent="  ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
    if cal.output:
        lines.append("")
        out = cal.output
        what = "workbook" if out.get("kind") == "workbook" else "plan"
        lines.append(f"{what}: {out['path']} ({out.get('values', 0)} values calibrated)")
    return "\n".join(lines) + "\n"
