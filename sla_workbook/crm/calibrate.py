"""Steps 2 to 4 of the SLA measured from CRM history: average price, marketing share,
channel mix and close rates per segment (and channel), each with its sample size, a 95%
interval, and a word on where it came from.

``calibrate`` is the entry point. It reads the export through the import's readers and
map (the same rows count: a lead date, a mapped segment and channel), lets DuckDB make
one pass (calibrate_scan.py), maps the groups to the plan's names here, and turns the
counts into estimates by the definitions in docs/spec.md ("Calibration"). Nothing is
silently 0: a value without data keeps the plan's, a close rate with leads but no
customers takes the channel's rate over all segments, and the report names each.
Writing the result into a plan file is calibrate_plan.py; into a workbook, update/.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .calibrate_scan import Columns, DealsFile, Windows, scan_calibration
from .calibrate_stats import median
from .calibrate_values import Cell, Estimate, previous_values, rates, segment_values
from .log_import import _canonical, _choose, _name
from .map_file import CrmMap, load_map
from .presets import PRESETS

if TYPE_CHECKING:
    from ..model.plan import Plan

OPPORTUNITY_COLUMN = "ConvertedOpportunityId"
DEAL_COLUMNS = ("Id", "Amount", "CloseDate", "IsWon")
# Rows of the export that are not counted, in the order the reasons are tried (import's).
NOT_COUNTED = (
    "no_date",
    "date_unparseable",
    "segment_unmapped",
    "channel_unmapped",
    "name_not_in_plan",
)
NOTED = {  # counted rows with something to say, and what the report says of them
    "customer_before_lead": "customer date before the lead date; not counted as lead or customer",
    "customer_date_unparseable": "customer (or won) without a parseable customer date; a lead only",
    "amount_blank": "won deal in the revenue window without an amount; not in the prices",
    "amount_unparseable": "won deal whose amount is not a number (or is 10^15 or more); "
    "not in the prices",
    "amount_not_positive": "won deal with an amount of 0 or less; not in the prices",
    "opportunity_missing": "ConvertedOpportunityId not in the --deals export; a lead only",
}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def windows(as_of: dt.date, months: int, cohort_lag: int = 0) -> Windows:
    """Leads dated [as_of - months, as_of - cohort_lag); revenue [as_of - months, as_of)."""
    start = months_before(as_of, months)
    end = as_of - dt.timedelta(days=cohort_lag)
    if end <= start:
        raise ValueError(f"--cohort-lag {cohort_lag} leaves no days of the {months}-month window")
    return Windows(as_of=as_of, lead_start=start, lead_end=end, revenue_start=start)


@dataclass(frozen=True)
class Calibration:
    """What ``calibrate`` measured. ``to_dict()`` is what ``--format json`` prints."""

    export: str
    kind: str
    deals: str | None
    plan: str
    as_of: dt.date
    months: int
    cohort_lag: int
    windows: Windows
    rows_read: int
    rows_counted: int
    not_counted: dict[str, int]
    noted: dict[str, int]
    leads_in_window: int
    customers_in_window: int
    won_deals: int
    median_days_to_close: float | None
    estimates: list[Estimate]
    warnings: list[str]
    deals_stats: dict[str, int] | None = None
    output: dict[str, Any] | None = None

    def values(self, name: str) -> list[Estimate]:
        return [e for e in self.estimates if e.field == name]

    def to_dict(self) -> dict[str, Any]:
        w = self.windows
        return {
            "export": self.export,
            "kind": self.kind,
            "deals": self.deals,
            "plan": self.plan,
            "as_of": self.as_of.isoformat(),
            "months": self.months,
            "cohort_lag": self.cohort_lag,
            "lead_window": [w.lead_start.isoformat(), w.lead_end.isoformat()],
            "revenue_window": [w.revenue_start.isoformat(), w.as_of.isoformat()],
            "rows_read": self.rows_read,
            "rows_counted": self.rows_counted,
            "not_counted": dict(self.not_counted),
            "noted": dict(self.noted),
            "opportunities": self.deals_stats,
            "leads_in_window": self.leads_in_window,
            "customers_in_window": self.customers_in_window,
            "won_deals": self.won_deals,
            "median_days_to_close": self.median_days_to_close,
            "values": [e.to_dict() for e in self.estimates],
            "warnings": list(self.warnings),
            "output": self.output,
        }

    def with_output(self, output: dict[str, Any]) -> Calibration:
        return replace(self, output=output)


def calibrate(
    export_path: str | Path,
    crm_map: CrmMap | str | Path,
    plan: Plan | str | Path,
    *,
    as_of: dt.date,
    months: int = 6,
    cohort_lag: int = 0,
    deals: str | Path | None = None,
    sheet: str | None = None,
    plan_name: str | None = None,
) -> Calibration:
    """Measure the plan's price, share, mix and close rates from a CRM export.

    ``plan``: a Plan or a plan file: its segments, channels and teams say what to
    measure, its values are the "previous" ones and the fallbacks. ``deals``: a
    Salesforce opportunity export (Id, Amount, CloseDate, IsWon) joined on the leads'
    ConvertedOpportunityId. ``plan_name``: how the report names the plan (default: its
    path). Raises InputError (unreadable files, missing columns),
    MapError or PlanError, ValueError (a window without days).
    """
    from ..model.plan_file import load_plan

    plan_source = plan_name or (str(plan) if isinstance(plan, str | Path) else "plan")
    the_plan = plan if not isinstance(plan, str | Path) else load_plan(plan)
    cmap = crm_map if isinstance(crm_map, CrmMap) else load_map(crm_map)
    win = windows(as_of, months, cohort_lag)
    path = Path(export_path)
    if deals is None and cmap.customer_date_column is None and cmap.preset == "salesforce-leads":
        raise InputError(
            f"{export_path}: a Salesforce lead export has no customer date nor amount; give "
            f"--deals with the Opportunity export ({', '.join(DEAL_COLUMNS)}) to calibrate"
        )
    if deals is None and cmap.customer_date_column is None:
        raise InputError(
            f"{cmap.source}: no customer date column to calibrate from; give "
            "columns: {customer_date: ...} in the map (for a Salesforce lead export, "
            "--deals with the opportunity export)"
        )
    from .export_file import open_export

    with tempfile.TemporaryDirectory(prefix="sla-calibrate-") as tmp:
        work = Path(tmp)
        (work / "deals").mkdir()
        holder: dict[str, Columns] = {}

        def choose(header: list[str]) -> list[int]:
            base = _choose(header, cmap, path)
            n = len(cmap.date_columns)
            extra = _optional(header, cmap, path, deals is not None)
            holder["cols"] = Columns(base[:n], base[n], base[n + 1], **extra)
            return base + [v for v in extra.values() if v is not None]

        export = open_export(path, choose, work, sheet)
        cols = _repositioned(holder["cols"], list(export.picked))
        deals_file = _open_deals(Path(deals), work / "deals") if deals is not None else None
        found = scan_calibration(
            export,
            cols,
            win,
            timezone=cmap.timezone,
            date_format=cmap.date_format,
            workdir=work,
            deals=deals_file,
        )
    return _estimate(
        the_plan,
        cmap,
        found,
        win,
        months,
        cohort_lag,
        sources=(str(export_path), export.kind, str(deals) if deals else None, plan_source),
    )


def _find(header: list[str], name: str) -> int | None:
    where = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    return where.get(name.strip().lower())


def _optional(
    header: list[str], cmap: CrmMap, path: Path, with_deals: bool
) -> dict[str, int | None]:
    """Positions of the customer date and amount (or, with deals, the opportunity id)."""
    wanted = (
        {"opportunity": OPPORTUNITY_COLUMN}
        if with_deals
        else {"customer_date": cmap.customer_date_column, "amount": cmap.amount_column}
    )
    out: dict[str, int | None] = {}
    for role, name in wanted.items():
        if name is None:
            out[role] = None
            continue
        out[role] = _find(header, name)
        if out[role] is None:
            preset = PRESETS.get(cmap.preset or "")
            origin = (
                f"preset {cmap.preset}"
                if preset is not None and getattr(preset, role, None) == name
                else "the map"
            )
            raise InputError(
                f"{path}: no column {name!r} ({role}), which {origin} reads; give the "
                f"export's own name in {cmap.source} under columns: {{{role}: ...}}"
                if not with_deals
                else f"{path}: no column {name!r}, which --deals joins the opportunities on"
            )
    return out


def _repositioned(cols: Columns, picked: list[int]) -> Columns:
    """Columns as positions in the file DuckDB scans (an xlsx becomes a narrower CSV)."""
    order = [*cols.dates, cols.segment, cols.channel]
    order += [x for x in (cols.customer_date, cols.amount, cols.opportunity) if x is not None]
    at = dict(zip(order, picked, strict=True))

    def pos(x: int | None) -> int | None:
        return None if x is None else at[x]

    return Columns(
        [at[d] for d in cols.dates],
        at[cols.segment],
        at[cols.channel],
        pos(cols.customer_date),
        pos(cols.amount),
        pos(cols.opportunity),
    )


def _open_deals(path: Path, work: Path) -> DealsFile:
    from .export_file import open_export

    def choose(header: list[str]) -> list[int]:
        found = [_find(header, name) for name in DEAL_COLUMNS]
        missing = [n for n, i in zip(DEAL_COLUMNS, found, strict=True) if i is None]
        if missing:
            raise InputError(
                f"{path}: no column {', '.join(map(repr, missing))}; --deals reads a "
                f"Salesforce opportunity export with {', '.join(DEAL_COLUMNS)} (API names)"
            )
        return [i for i in found if i is not None]

    export = open_export(path, choose, work)
    return DealsFile(export, *export.picked)


def _estimate(
    plan: Plan,
    cmap: CrmMap,
    found: Any,
    win: Windows,
    months: int,
    cohort_lag: int,
    sources: tuple[str, str, str | None, str],
) -> Calibration:
    seg_names = [str(s) for s in plan.segments["segment"]]
    channels = [str(c) for c in plan.channels["channel"]]
    teams = dict(zip(channels, (str(t) for t in plan.channels["team"]), strict=True))
    canon = {"segment": _canonical(seg_names), "channel": _canonical(channels)}
    from .map_file import value_key

    cells: dict[tuple[str, str], Cell] = {(s, c): Cell() for s in seg_names for c in channels}
    reasons: Counter[str] = Counter()
    noted: Counter[str] = Counter()
    rows_read = 0
    for g in found.groups:
        k = g.counts
        rows_read += k["rows"]
        reasons["no_date"] += k["no_date"]
        reasons["date_unparseable"] += k["date_unparseable"]
        rest = k["rows"] - k["no_date"] - k["date_unparseable"]
        seg_text, ch_text = (g.segment or "").strip(), (g.channel or "").strip()
        seg, seg_why = _name(value_key(seg_text), seg_text, cmap.segments, canon["segment"])
        ch, ch_why = _name(value_key(ch_text), ch_text, cmap.channels, canon["channel"])
        if seg_why == "unmapped":
            reasons["segment_unmapped"] += rest
        elif ch_why == "unmapped":
            reasons["channel_unmapped"] += rest
        elif seg_why or ch_why:
            reasons["name_not_in_plan"] += rest
        else:
            cell = cells[(seg, ch)]
            cell.leads += k["leads"]
            cell.customers += k["customers"]
            cell.lags += g.lags
            cell.amounts += g.amounts
            for key in NOTED:
                noted[key] += k[key]
    not_counted = {key: int(reasons[key]) for key in NOT_COUNTED}
    rows_counted = rows_read - sum(not_counted.values())
    export, kind, deals, plan_source = sources
    has_amounts = deals is not None or cmap.amount_column is not None
    prev = previous_values(plan)
    est: list[Estimate] = []
    warnings: list[str] = []
    for s in seg_names:
        est += segment_values(s, channels, teams, cells, prev, has_amounts)
    est += rates(seg_names, channels, cells, prev)
    order = {"avg_price": 0, "marketing_share": 1, "channel_mix": 2, "close_rate": 3}
    est.sort(
        key=lambda e: (
            seg_names.index(e.segment),
            order[e.field],
            channels.index(e.channel) if e.channel else -1,
        )
    )
    for e in est:
        where = f"{e.segment}" + (f" / {e.channel}" if e.channel else "")
        if e.note and not has_amounts and e.unit == "deals":
            continue  # one warning below says it for every price, share and mix
        if e.note:
            thin = f"; thin data, {e.sample()}" if e.thin and e.source == "measured" else ""
            warnings.append(f"{e.field} {where}: {e.note}{thin}")
        elif e.thin:
            warnings.append(f"{e.field} {where}: thin data, {e.sample()}")
    lags = [x for cell in cells.values() for x in cell.lags]
    med = median(lags) if lags else None
    window_days = (win.lead_end - win.lead_start).days
    # once --cohort-lag covers the median, the latest leads have had that time: no warning
    if med is not None and med > window_days / 10 and cohort_lag < med:
        warnings.append(
            f"leads take a median {med:g} days to become customers, more than a tenth of the "
            f"{window_days}-day window: the latest leads have had less time to close, so "
            f"close rates read low; consider --cohort-lag {math.ceil(med)}"
        )
    if not has_amounts:
        noted["amount_blank"] = 0  # no amount column: a customer has no amount to miss
    for key, n in noted.items():
        if n:
            warnings.append(f"{n} row(s): {NOTED[key]}")
    lost = sum(not_counted.values())
    if lost:
        warnings.append(f"{lost} of {rows_read} rows not counted (see not_counted)")
    if not has_amounts:
        warnings.append(
            "no amount column: average price, marketing share and channel mix keep the "
            "plan's values (give columns: {amount: ...} in the map)"
        )
    return Calibration(
        export=export,
        kind=kind,
        deals=deals,
        plan=plan_source,
        as_of=win.as_of,
        months=months,
        cohort_lag=cohort_lag,
        windows=win,
        rows_read=rows_read,
        rows_counted=rows_counted,
        not_counted=not_counted,
        noted={key: int(noted[key]) for key in NOTED},
        leads_in_window=sum(c.leads for c in cells.values()),
        customers_in_window=sum(c.customers for c in cells.values()),
        won_deals=sum(len(c.amounts) for c in cells.values()),
        median_days_to_close=med,
        estimates=est,
        warnings=warnings,
        deals_stats=None
        if found.deals is None
        else {
            "rows": found.deals.rows,
            "ids": found.deals.ids,
            "duplicated_ids": found.deals.duplicated_ids,
            "won": found.deals.won,
            "several_leads": found.deals.several_leads,
        },
    )
