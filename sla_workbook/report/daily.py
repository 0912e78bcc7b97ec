"""The daily month-to-date summary as plain data (docs/spec.md, "Daily summary").

Everything the ``report`` command shows is computed here, from an SlaResult only; the
renderers (daily_text, daily_markdown, daily_html) only format it, and the JSON format
is this tree as it is. Blank figures are None and carry note codes (``NOTE_CODES``);
the renderers show them as "n/a" with the note as a footnote.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..model.plan import MONTHS, TEAMS, Plan, SlaResult
from ..model.plan import optional_float as _f

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_ID = "https://sla-workbook.example/schemas/daily-report-1.json"
TOP_BEHIND = 5
# The workbook's traffic lights (workbook/sheet_writer.py traffic_lights): red < 80%,
# amber 80-100%, green >= 100%.
ON_TRACK_FROM = 0.8
AHEAD_FROM = 1.0
SALES_COLUMNS = ("followup_rate", "followup_target", "attempts_per_lead", "attempts_target")
NOTE_CODES = (
    "no-month",
    "asof-outside",
    "no-asof",
    "sla-blank",
    "sla-partial",
    "no-plan",
    "month-over",
    "no-team",
    "ytd-none",
    "sales-blank",
)


@dataclass(frozen=True)
class TrackRow:
    """One channel or team of the tracked month."""

    level: str  # "channel" or "team"
    name: str
    team: str | None
    sla: float | None
    mtd: float | None
    plan_to_date: float | None
    pace: float | None
    projected: float | None
    share: float | None  # MTD / SLA
    projected_gap: float | None  # projected - SLA
    still_needed: float | None
    needed_per_day: float | None
    status: str | None  # "ahead", "on_track", "behind"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SegmentRow:
    """One segment x channel of the tracked month (the shortfall ranking's rows)."""

    segment: str
    channel: str
    team: str | None
    sla: float | None
    mtd: float | None
    plan_to_date: float | None
    shortfall: float | None
    pace: float | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class YtdRow:
    team: str
    actual: float
    sla: float
    attainment: float | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SalesRow:
    level: str
    name: str
    team: str | None
    followup_rate: float | None
    followup_target: float | None
    followup_status: str | None  # "met", "not_met"
    attempts_per_lead: float | None
    attempts_target: float | None
    attempts_status: str | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TeamSeries:
    """A team's chart data: cumulative leads by day, and SLA and actual by month."""

    team: str
    daily_plan: list[float | None]  # days 1..n of the tracked month
    daily_actual: list[float | None]  # None after the as-of day
    monthly_sla: list[float]  # Jan..Dec
    monthly_actual: list[float | None]  # None for months that have not happened


@dataclass(frozen=True)
class DailyReport:
    source: str
    language: str
    year: int | None
    currency: str
    segment_label: str
    month: int | None
    as_of: str | None
    days_in_month: int | None
    days_elapsed: int | None
    days_left: int | None
    elapsed_through: str | None
    elapsed_months: list[int]
    tracker_notes: list[str]
    teams: list[TrackRow]
    channels: list[TrackRow]
    segments: list[SegmentRow]
    behind: list[SegmentRow]
    unranked: int  # segment x channel rows with a blank SLA (not ranked)
    year_to_date: list[YtdRow]
    sales: list[SalesRow] | None
    series: list[TeamSeries]
    notes: dict[str, str]  # note code -> its text in the report's language

    def to_dict(self) -> dict[str, Any]:
        doc = {"$schema": SCHEMA_ID, "kind": "sla-daily-report", "version": 1}
        doc.update(asdict(self))
        return doc


def needed_per_day(still_needed: float | None, days_left: int | None) -> float | None:
    """ROUNDUP(ROUND(still needed / days left, 6), 0); 0 when nothing is needed; None when
    no day is left for leads still needed (docs/spec.md)."""
    from ..model.rounding import excel_round, excel_roundup

    if still_needed is None or days_left is None:
        return None
    if still_needed <= 0:
        return 0.0
    if days_left <= 0:
        return None
    return float(excel_roundup(excel_round(still_needed / days_left, 6), 0))


def status_of(pace: float | None) -> str | None:
    if pace is None:
        return None
    if pace >= AHEAD_FROM:
        return "ahead"
    return "on_track" if pace >= ON_TRACK_FROM else "behind"


def with_period(plan: Plan, month: int | None, as_of: dt.date | None) -> Plan:
    """The plan with the report's own tracked month and as-of date (the file is untouched).

    ``month`` alone clears the as-of date (the month's latest log date is used);
    ``as_of`` alone tracks its own month."""
    if month is None and as_of is None:
        return plan
    if as_of is not None and month is None:
        month = as_of.month
    return replace(plan, track_month=month, track_asof=as_of)


def build(result: SlaResult, *, source: str = "", language: str = "en") -> DailyReport:
    """Every figure of the daily summary, from the engine's result."""
    from .daily_words import note_texts

    plan = result.plan
    year = plan.year
    month, asof = result.track_month, result.track_asof
    tracker_notes = _tracker_notes(result)
    days = calendar.monthrange(asof.year, asof.month)[1] if month and asof else None
    elapsed_days = asof.day if month and asof else None
    left = days - asof.day if days is not None and asof is not None else None
    if month is not None and days is None and year is not None:
        days = calendar.monthrange(year, month)[1]

    counted = _counted(result)
    blank_share = _blank_sla_share(result, month)
    channels = _track_rows(result, "channel", blank_share, left, tracker_notes)
    teams = _track_rows(result, "team", blank_share, left, tracker_notes)
    month_sla = {row.name: row.sla for row in teams}
    segments = _segment_rows(result, counted, month, asof, days)
    ranked = [r for r in segments if r.shortfall is not None and r.shortfall > 0]
    # stable sort: ties keep the plan's order (segment, then channel)
    behind = sorted(ranked, key=lambda r: -(r.shortfall or 0.0))[:TOP_BEHIND]
    unranked = sum(1 for r in segments if r.sla is None) if month is not None else 0
    months = _elapsed_months(result)
    report = DailyReport(
        source=source,
        language=language,
        year=year,
        currency=plan.currency,
        segment_label=plan.segment_label,
        month=month,
        as_of=asof.isoformat() if asof else None,
        days_in_month=days,
        days_elapsed=elapsed_days,
        days_left=left,
        elapsed_through=result.elapsed_through.isoformat() if result.elapsed_through else None,
        elapsed_months=months,
        tracker_notes=tracker_notes,
        teams=teams,
        channels=channels,
        segments=segments,
        behind=behind,
        unranked=unranked,
        year_to_date=_ytd(result),
        sales=_sales(result.tracker),
        series=_series(result, counted, months, days, month_sla),
        notes={},
    )
    used = _used_notes(report)
    typed = plan.track_asof
    typed_asof = typed.date() if isinstance(typed, dt.datetime) else typed
    return replace(report, notes=note_texts(language, used, report, typed_asof))


def _tracker_notes(result: SlaResult) -> list[str]:
    if result.track_month is None:
        return ["no-month"]
    if result.track_asof is None:
        return ["asof-outside" if result.plan.track_asof is not None else "no-asof"]
    return []


def _counted(result: SlaResult) -> pd.DataFrame:
    """The counted log rows: channel_no, segment_no, month, day, leads."""
    status = result.log_status
    leads = result.plan.log["leads"].reset_index(drop=True)
    frame = status.assign(leads=leads.to_numpy(dtype="float64", na_value=math.nan))
    return frame.loc[frame["counted"]].astype(
        {"segment_no": "int64", "channel_no": "int64", "month": "int64", "day": "int64"}
    )


def _blank_sla_share(result: SlaResult, month: int | None) -> dict[str, tuple[int, int]]:
    """Per channel name: (blank L cells, all L cells) of the tracked month."""
    if month is None:
        return {}
    rows = result.sla.loc[result.sla["month"] == month]
    out: dict[str, tuple[int, int]] = {}
    for channel, group in rows.groupby("channel", observed=False, sort=False):
        out[str(channel)] = (int(group["leads"].isna().sum()), len(group))
    return out


def _track_rows(
    result: SlaResult,
    level: str,
    blank_share: dict[str, tuple[int, int]],
    days_left: int | None,
    tracker_notes: list[str],
) -> list[TrackRow]:
    tracker = result.tracker
    no_segments = result.sla.empty
    channel_team = {
        str(r["name"]): (None if r["team"] is None or r["team"] != r["team"] else str(r["team"]))
        for r in tracker.loc[tracker["level"] == "channel"].to_dict("records")
    }
    rows = []
    for rec in tracker.loc[tracker["level"] == level].to_dict("records"):
        name = str(rec["name"])
        team = None if rec["team"] is None or rec["team"] != rec["team"] else str(rec["team"])
        notes = list(tracker_notes)
        if level == "channel":
            cells = [blank_share.get(name, (0, 0))]
        else:
            cells = [blank_share.get(c, (0, 0)) for c, t in channel_team.items() if t == name]
        blank, total = sum(b for b, _ in cells), sum(n for _, n in cells)
        sla, plan_to_date = _f(rec["sla"]), _f(rec["plan_to_date"])
        # every cell summed is blank, or the plan has no segment at all (a blank
        # workbook): a sum of nothing is not a 0 SLA either
        if sla is not None and ((total and blank == total) or no_segments):
            sla = plan_to_date = None
            notes.append("sla-blank")
        elif blank:
            notes.append("sla-partial")
        if level == "channel" and team is None:
            notes.append("no-team")
        mtd, pace, projected = _f(rec["mtd"]), _f(rec["pace"]), _f(rec["projected"])
        if sla is None:
            pace = None
        share = mtd / sla if mtd is not None and sla else None
        gap = projected - sla if projected is not None and sla is not None else None
        still = max(sla - mtd, 0.0) if sla is not None and mtd is not None else None
        per_day = needed_per_day(still, days_left)
        if pace is None and plan_to_date == 0 and not tracker_notes:
            notes.append("no-plan")
        if per_day is None and still is not None and days_left == 0:
            notes.append("month-over")
        rows.append(
            TrackRow(
                level=level,
                name=name,
                team=team,
                sla=sla,
                mtd=mtd,
                plan_to_date=plan_to_date,
                pace=pace,
                projected=projected,
                share=share,
                projected_gap=gap,
                still_needed=still,
                needed_per_day=per_day,
                status=status_of(pace),
                notes=notes,
            )
        )
    return rows


def _segment_rows(
    result: SlaResult,
    counted: pd.DataFrame,
    month: int | None,
    asof: dt.date | None,
    days: int | None,
) -> list[SegmentRow]:
    if month is None:
        return []
    sla = result.sla.loc[result.sla["month"] == month].reset_index(drop=True)
    channels = [str(c) for c in result.plan.channels["channel"]]
    k = len(channels)
    mtd: dict[tuple[int, int], float] = {}
    if asof is not None:
        rows = counted.loc[(counted["month"] == month) & (counted["day"] <= asof.day)]
        sums = rows.groupby(["segment_no", "channel_no"])["leads"].sum()
        for rec in sums.reset_index().to_dict("records"):
            mtd[(int(rec["segment_no"]), int(rec["channel_no"]))] = float(rec["leads"])
    out = []
    for i, rec in enumerate(sla.to_dict("records")):
        s, c = divmod(i, k) if k else (i, 0)
        leads = _f(rec["leads"])
        notes = [] if leads is not None else ["sla-blank"]
        row_mtd = mtd.get((s, c), 0.0) if asof is not None else None
        plan_to_date = (
            leads * asof.day / days if leads is not None and asof and days is not None else None
        )
        shortfall = (
            plan_to_date - row_mtd if plan_to_date is not None and row_mtd is not None else None
        )
        pace = row_mtd / plan_to_date if plan_to_date and row_mtd is not None else None
        team = rec["team"]
        out.append(
            SegmentRow(
                segment=str(rec["segment"]),
                channel=str(rec["channel"]),
                team=None if team is None or team != team else str(team),
                sla=leads,
                mtd=row_mtd,
                plan_to_date=plan_to_date,
                shortfall=shortfall,
                pace=pace,
                notes=notes,
            )
        )
    return out


def _elapsed_months(result: SlaResult) -> list[int]:
    through, year = result.elapsed_through, result.plan.year
    if through is None or year is None:
        return []
    return [m for m in MONTHS if dt.date(year, m, 1) <= through]


def _ytd(result: SlaResult) -> list[YtdRow]:
    ytd = result.year_to_date
    rows = []
    for team in TEAMS:
        part = ytd.loc[ytd["team"] == team]
        actual = float(part["actual"].sum())
        sla = float(part["sla"].sum())
        attainment = actual / sla if sla > 0 else None
        rows.append(YtdRow(team, actual, sla, attainment, [] if sla > 0 else ["ytd-none"]))
    return rows


def _sales(tracker: pd.DataFrame) -> list[SalesRow] | None:
    """The sales side (template version 2), or None when the tracker has none of it."""
    if not all(c in tracker.columns for c in SALES_COLUMNS):
        return None
    if not tracker[list(SALES_COLUMNS)].notna().to_numpy().any():
        return None
    from ..model.rounding import excel_round

    def met(value: float | None, target: float | None) -> str | None:
        """Compared at 6 decimals, as the engine's and the workbook's met flags are (a
        leads-weighted team target of 0.8 may come out as 0.7999999999999999)."""
        if value is None or target is None:
            return None
        return "met" if excel_round(value, 6) >= excel_round(target, 6) else "not_met"

    rows = []
    for rec in tracker.to_dict("records"):
        rate, rate_t = _f(rec["followup_rate"]), _f(rec["followup_target"])
        att, att_t = _f(rec["attempts_per_lead"]), _f(rec["attempts_target"])
        team = rec["team"]
        blank = None in (rate, rate_t, att, att_t)
        rows.append(
            SalesRow(
                level=str(rec["level"]),
                name=str(rec["name"]),
                team=None if team is None or team != team else str(team),
                followup_rate=rate,
                followup_target=rate_t,
                followup_status=met(rate, rate_t),
                attempts_per_lead=att,
                attempts_target=att_t,
                attempts_status=met(att, att_t),
                notes=["sales-blank"] if blank else [],
            )
        )
    return rows


def _series(
    result: SlaResult,
    counted: pd.DataFrame,
    months: list[int],
    days: int | None,
    month_sla: dict[str, float | None],
) -> list[TeamSeries]:
    """Chart data per team. The plan line uses the report's team SLA, so an SLA shown
    n/a (every cell blank) draws no plan line rather than a flat 0."""
    tracker = result.tracker
    teams_of = [
        None if t is None or t != t else str(t)
        for t in tracker.loc[tracker["level"] == "channel", "team"]
    ]
    team_sla = result.team_totals()
    actuals = result.actuals
    month, asof = result.track_month, result.track_asof
    out = []
    for team in TEAMS:
        sla = month_sla.get(team)
        plan: list[float | None] = []
        actual: list[float | None] = []
        if month is not None and asof is not None and days is not None:
            chans = [i for i, t in enumerate(teams_of) if t == team]
            rows = counted.loc[(counted["month"] == month) & counted["channel_no"].isin(chans)]
            per_day = rows.groupby("day")["leads"].sum()
            running = 0.0
            for day in range(1, days + 1):
                plan.append(sla * day / days if sla is not None else None)
                running += float(per_day.get(day, 0.0))
                actual.append(running if day <= asof.day else None)
        by_month = team_sla.loc[team_sla["team"] == team].set_index("month")["leads"]
        acts = actuals.loc[actuals["team"] == team].groupby("month", observed=True)["actual"].sum()
        out.append(
            TeamSeries(
                team=team,
                daily_plan=plan,
                daily_actual=actual,
                monthly_sla=[_f(by_month.get(m)) or 0.0 for m in MONTHS],
                monthly_actual=[float(acts.get(m, 0.0)) if m in months else None for m in MONTHS],
            )
        )
    return out


def _used_notes(report: DailyReport) -> list[str]:
    used: list[str] = list(report.tracker_notes)
    rows: list[Any] = [*report.teams, *report.channels, *report.segments, *report.year_to_date]
    rows += report.sales or []
    for row in rows:
        used += row.notes
    return [code for code in NOTE_CODES if code in used]
