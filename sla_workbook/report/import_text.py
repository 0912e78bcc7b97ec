"""The CRM import summary for people: where every row went, and what to add to the map.

The numbers are laid out as a sum (counted, each reason, then the total read) so the
reader can check that nothing was dropped; values not mapped are printed as YAML lines
ready to paste into the map file.
"""

from __future__ import annotations

import json

from ..crm.import_summary import CHOSEN, NOT_COUNTED, ImportSummary

KIND_KEY = {"segment": "segments", "channel": "channels"}


def render_import_summary(summary: ImportSummary, map_source: str | None = None) -> str:
    s = summary
    width = max(len(f"{s.rows_read:,}"), 1)
    dates = " -> ".join(c for c in s.columns["date"])
    lines = [
        f"{s.export} ({s.kind}): date from {dates}, segment from {s.columns['segment'][0]}, "
        f"channel from {s.columns['channel'][0]}; time zone {s.timezone}",
    ]
    span = f", {s.first_date} to {s.last_date}" if s.first_date else ""
    log_rows = f"{s.log_rows:,} log row" + ("" if s.log_rows == 1 else "s")
    lines.append(f"  {s.rows_counted:>{width},} counted into {log_rows}{span}")
    for key, label in NOT_COUNTED.items():
        n = s.not_counted.get(key, 0)
        if not n:
            continue
        if key == "date_outside_year" and s.year is not None:
            label = f"date not in {s.year}"
        lines.append(f"+ {n:>{width},} {label}")
    lines.append(f"= {s.rows_read:>{width},} rows read")
    lines += _followup(s)
    if s.unparseable_dates:
        shown = ", ".join(f"{_quote(v)} ({n:,})" for v, n in s.unparseable_dates[:5])
        lines.append("")
        lines.append(
            f"Dates not parseable, e.g. {shown}: give the map a date_format "
            "(docs/crm.md) or fix them in the CRM."
        )
    if any(s.unmapped.values()):
        lines.append("")
        where = map_source or "the map"
        lines.append(f"Not mapped (the most frequent values, with their rows): add them to {where}")
        for kind, values in s.unmapped.items():
            if not values:
                continue
            lines.append(f"  {KIND_KEY[kind]}:")
            for value, n in values:
                blank = " (blank)" if not value else ""
                lines.append(f"    {_quote(value)}: ?    # {_rows(n)}{blank}")
    if any(s.not_in_plan.values()):
        lines.append("")
        lines.append("Mapped to names the plan lacks (fix the map or the plan):")
        for kind, values in s.not_in_plan.items():
            for value, n in values:
                lines.append(f"  {kind} {_quote(value)}: {_rows(n)}")
    if not s.ok:
        needs = [NOT_COUNTED[k] for k, n in s.not_counted.items() if n and k not in CHOSEN]
        lines.append("")
        lines.append(f"Not every row counted ({', '.join(needs)}): exit code 1.")
    return "\n".join(lines) + "\n"


def _followup(s: ImportSummary) -> list[str]:
    """What the import read for sales' follow-up, and why anything is blank."""
    f = s.followup
    read = []
    if f.first_contact:
        read.append(f"first contact from {f.first_contact}")
    if f.attempts:
        read.append(f"attempts from {f.attempts}")
    lines = [f"Follow-up: {', '.join(read) if read else 'not read'}"]
    if f.first_contact:
        worked = (
            f"{f.leads_worked:,} worked within their channel's hours, "
            if f.rows_with_worked
            else ""
        )
        lines.append(
            f"  {_leads(f.leads_with_first_contact)} with a first contact ({worked}"
            f"worked filled on {f.rows_with_worked:,} of {s.log_rows:,} log rows)"
        )
    if f.attempts:
        lines.append(
            f"  {f.attempts_total:,} attempts on {s.rows_counted:,} leads "
            f"({f.leads_with_attempts:,} with a count, blank counts as 0; attempts filled on "
            f"{f.rows_with_attempts:,} of {s.log_rows:,} log rows)"
        )
    for key in ("worked", "attempts"):
        for reason in f.blank.get(key, []):
            lines.append(f"  {key} blank: {reason}")
    if f.unparseable_first_contacts:
        shown = ", ".join(f"{_quote(v)} ({n:,})" for v, n in f.unparseable_first_contacts[:5])
        lines.append(f"  first contacts not parseable, e.g. {shown}")
    if f.unreadable_attempts:
        shown = ", ".join(f"{_quote(v)} ({n:,})" for v, n in f.unreadable_attempts[:5])
        lines.append(f"  attempt counts not readable, e.g. {shown}")
    return lines


def _leads(n: int) -> str:
    return f"{n:,} lead" if n == 1 else f"{n:,} leads"


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _quote(value: str) -> str:
    """A value as a YAML double-quoted string (JSON's escapes are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)
