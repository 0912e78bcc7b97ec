"""The SLA engine: docs/spec.md in pandas/numpy, and nothing else.

The workbook computes the same numbers with spreadsheet formulas; real spreadsheet
programs are the referee between the two. To keep them bit-for-bit comparable the
engine does its float operations in the formulas' order (T*(S*W), then /P, then /R)
and rounds with Excel's rules (rounding.py). Invalid or missing inputs give blank
(<NA>) outputs, never 0 and never an exception, because a half-filled workbook is
the normal case.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..errors import PlanError
from .followup import compute_followup
from .plan import MONTHS, TEAMS, Plan, SlaResult, float_column
from .rounding import excel_round, excel_roundup

if TYPE_CHECKING:
    import pandas as pd

Arr = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Inputs:
    """The plan as dense arrays: N segments x K channels x 12 months."""

    segments: list[str]
    channels: list[str]
    teams: list[str]
    target: Arr  # N x 12
    price: Arr  # N
    mshare: Arr  # N
    mix: Arr  # N x K
    rate: Arr  # N x K


def _num(values: object) -> Arr:
    import pandas as pd

    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce").astype("float64"))


def _between(x: Arr, low: float, high: float, *, low_open: bool = False) -> Mask:
    with np.errstate(invalid="ignore"):
        above = x > low if low_open else x >= low
        return np.isfinite(x) & above & (x <= high)


def _key(name: object) -> str:
    # Spreadsheet SUMIF/COUNTIF match text ignoring case; so does the engine.
    return str(name).lower()


def _inputs(plan: Plan) -> _Inputs:
    # Names are compared as spreadsheets compare them: exactly, but ignoring case. They
    # are not stripped, since a formula would not strip them either; only a truly empty
    # name makes a row "no segment".
    seg = plan.segments.copy()
    names = seg["segment"].astype("string")
    seg = seg[names.notna() & (names != "")]
    segments = [str(s) for s in seg["segment"]]
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(segments):
        if _key(name) in seen:
            problems.append(f"segment {name!r} appears twice (names match ignoring case)")
        seen.setdefault(_key(name), i)
    channels = [str(c) for c in plan.channels["channel"]]
    # A channel whose team is missing or unknown gets blank outputs, as in the workbook.
    teams = [str(t).lower() if isinstance(t, str) else "" for t in plan.channels["team"]]
    # Blank or repeated channel names cannot key the frames; the validator reports them.
    if any(not c.strip() for c in channels):
        problems.append("every channel needs a name")
    elif len({_key(c) for c in channels}) != len(channels):
        problems.append("channel names must be unique (ignoring case)")
    if problems:
        raise PlanError("plan", problems)

    t = plan.targets.assign(target=_num(plan.targets["target"]))
    target = (
        t.pivot_table(index="segment", columns="month", values="target", aggfunc="first")
        .reindex(index=segments, columns=list(MONTHS))
        .to_numpy(dtype=np.float64, na_value=np.nan)
    )
    ci = plan.channel_inputs.assign(
        close_rate=_num(plan.channel_inputs["close_rate"]), mix=_num(plan.channel_inputs["mix"])
    )

    def grid(column: str) -> Arr:
        wide = ci.pivot_table(index="segment", columns="channel", values=column, aggfunc="first")
        return wide.reindex(index=segments, columns=channels).to_numpy(
            dtype=np.float64, na_value=np.nan
        )

    by_name = seg.set_index(seg["segment"].astype("string"))
    return _Inputs(
        segments=segments,
        channels=channels,
        teams=teams,
        target=target,
        price=_num(by_name["avg_price"].reindex(segments)),
        mshare=_num(by_name["marketing_share"].reindex(segments)),
        mix=grid("mix"),
        rate=grid("close_rate"),
    )


def team_masks(teams: list[str]) -> dict[str, Mask]:
    """Per team, which of the K channels it owns."""
    return {team: np.array([t == team for t in teams], dtype=bool) for team in TEAMS}


def mix_ok(mix: Arr, teams: list[str]) -> dict[str, Mask]:
    """Per team, N booleans: all its channels' mixes are in [0, 1] and sum to 1 (6 digits).

    Public to the package because the workbook shows this check per segment row,
    named or not, and its cached values must come from here.
    """
    valid = _between(mix, 0.0, 1.0)
    out: dict[str, Mask] = {}
    for team, mask in team_masks(teams).items():
        all_valid = valid[:, mask].all(axis=1)
        total = np.where(valid[:, mask], mix[:, mask], 0.0).sum(axis=1)
        out[team] = all_valid & (excel_round(total, 6) == 1.0)
    return out


def sales_share(mshare: Arr) -> Arr:
    """1 - M where M is a valid share, else blank."""
    with np.errstate(invalid="ignore"):
        return np.where(_between(mshare, 0.0, 1.0), 1.0 - mshare, np.nan)


def revenue_share(mshare: Arr, mix: Arr, teams: list[str]) -> Arr:
    """N x K: the share of the segment's revenue the channel sources, S * W, or blank."""
    ss = sales_share(mshare)
    ok = mix_ok(mix, teams)
    masks = team_masks(teams)
    out = np.full(mix.shape, np.nan)
    with np.errstate(invalid="ignore"):
        valid_m = np.isfinite(ss)[:, None]
        mkt = valid_m & ok["marketing"][:, None] & masks["marketing"][None, :]
        sal = valid_m & ok["sales"][:, None] & masks["sales"][None, :]
        out = np.where(mkt, mshare[:, None] * mix, out)
        out = np.where(sal, ss[:, None] * mix, out)
    return out


def compute(plan: Plan) -> SlaResult:
    """Compute the SLA, the lead values, the actuals and the tracker for a plan."""
    x = _inputs(plan)
    t_ok = _between(x.target, 0.0, np.inf)
    p_ok = _between(x.price, 0.0, np.inf, low_open=True)
    r_ok = _between(x.rate, 0.0, 1.0, low_open=True)
    share = revenue_share(x.mshare, x.mix, x.teams)  # N x K, blank where M or W is unusable

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # Rev = T * (S * W): the workbook keeps S * W in a helper column, so same order here.
        revenue = np.where(t_ok[:, None, :], x.target[:, None, :] * share[:, :, None], np.nan)
        customers = np.where(p_ok[:, None, None], revenue / x.price[:, None, None], np.nan)
        needed = np.where(r_ok[:, :, None], customers / x.rate[:, :, None], np.nan)
        leads = excel_roundup(excel_round(needed, 6), 0)
        lead_value = np.where(p_ok[:, None] & r_ok, x.price[:, None] * x.rate, np.nan)

    year = plan.year if _valid_year(plan.year) else None
    counted = _counted_log(plan, x, year)
    actual = _actuals(counted, len(x.segments), len(x.channels))
    through = _elapsed_through(plan, counted, year)
    elapsed = _month_elapsed(year, through)
    with np.errstate(invalid="ignore", divide="ignore"):
        attainment = np.where(elapsed[None, None, :] & (leads > 0), actual / leads, np.nan)
        sla_ytd = np.nansum(np.where(elapsed[None, None, :], leads, np.nan), axis=2)
        actual_ytd = actual[:, :, elapsed].sum(axis=2)
        ytd = np.where(sla_ytd > 0, actual_ytd / sla_ytd, np.nan)

    month, asof = _resolve_track(plan, counted, year)
    tracker = _tracker(counted, leads, x, month, asof)
    ended = _month_ended(year, through)
    fu = compute_followup(plan, counted, x.channels, x.teams, leads, actual, ended, month, asof)
    for column, values in fu.tracker_columns.items():
        tracker[column] = _nullable(values)
    ok = mix_ok(x.mix, x.teams)
    import pandas as pd

    seg_frame = pd.DataFrame(
        {
            "segment": _keys(x)["segment"],
            "sales_share": _nullable(sales_share(x.mshare)),
            "mix_ok_marketing": ok["marketing"],
            "mix_ok_sales": ok["sales"],
        }
    )
    return SlaResult(
        plan=plan,
        sla=_cube_frame(x, {"revenue": revenue, "customers": customers, "leads": leads}),
        lead_value=_grid_frame(x, {"revenue_share": share, "lead_value": lead_value}),
        actuals=_cube_frame(x, {"actual": actual, "attainment": attainment}),
        tracker=tracker,
        track_month=month,
        track_asof=asof,
        segments=seg_frame,
        daily=_daily(counted, tracker, month, asof),
        log_status=_log_status(plan, counted, fu.worked_counted, fu.attempts_counted),
        elapsed_through=through,
        year_to_date=_grid_frame(x, {"actual": actual_ytd, "sla": sla_ytd, "attainment": ytd}),
        followup=_cube_frame(x, fu.cells),
        sides=_sides_frame(fu.sides),
    )


def _sides_frame(values: dict[str, Arr]) -> pd.DataFrame:
    """2 teams x 12 months arrays as rows team-major, then month."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "team": pd.Categorical(np.repeat(list(TEAMS), 12), categories=list(TEAMS)),
            "month": pd.array(np.tile(np.arange(1, 13), 2), dtype="Int8"),
        }
    )
    for name, arr in values.items():
        frame[name] = _nullable(arr)
    return frame


def _valid_year(year: object) -> bool:
    return isinstance(year, int | np.integer) and 1900 <= int(year) <= 9999


def _counted_log(plan: Plan, x: _Inputs, year: int | None) -> pd.DataFrame:
    """The log rows that count: a date in the plan year, known names, whole leads >= 0."""
    import pandas as pd

    log = plan.log
    seg_index = {_key(s): i for i, s in enumerate(x.segments)}
    ch_index = {_key(c): i for i, c in enumerate(x.channels)}
    dates = pd.to_datetime(log["date"], errors="coerce")
    leads = _num(log["leads"])
    s_idx = log["segment"].map(lambda v: seg_index.get(_key(v), -1) if pd.notna(v) else -1)
    c_idx = log["channel"].map(lambda v: ch_index.get(_key(v), -1) if pd.notna(v) else -1)
    with np.errstate(invalid="ignore"):
        ok = (
            np.asarray(dates.dt.year == (year if year is not None else -1), dtype=bool)
            & np.isfinite(leads)
            & (leads >= 0)
            & (leads == np.floor(leads))
            & (np.asarray(s_idx) >= 0)
            & (np.asarray(c_idx) >= 0)
        )
    return pd.DataFrame(
        {
            "row": np.flatnonzero(ok),
            "date": dates[ok].dt.normalize().to_numpy(),
            "month": dates[ok].dt.month.to_numpy(dtype=np.int64),
            "day": dates[ok].dt.day.to_numpy(dtype=np.int64),
            "s": np.asarray(s_idx, dtype=np.int64)[ok],
            "c": np.asarray(c_idx, dtype=np.int64)[ok],
            "leads": leads[ok],
            "worked": float_column(log, "worked")[ok],
            "attempts": float_column(log, "attempts")[ok],
        }
    )


def _elapsed_through(plan: Plan, counted: pd.DataFrame, year: int | None) -> dt.date | None:
    """Months up to this date have happened: the as-of date as typed (any date), else the
    latest counted log date; None without a valid year or without either."""
    if year is None:
        return None
    if plan.track_asof is not None:
        asof = plan.track_asof
        return asof.date() if isinstance(asof, dt.datetime) else asof
    return None if counted.empty else counted["date"].max().date()


def _month_elapsed(year: int | None, through: dt.date | None) -> Mask:
    """12 flags: month m of the plan year started on or before ``through``."""
    if year is None or through is None:
        return np.zeros(12, dtype=bool)
    return np.array([dt.date(year, m, 1) <= through for m in MONTHS], dtype=bool)


def _month_ended(year: int | None, through: dt.date | None) -> Mask:
    """12 flags: month m of the plan year is over by ``through`` (its last day is on or
    before it). The leads side is judged met or not only then, not in mid-month."""
    if year is None or through is None:
        return np.zeros(12, dtype=bool)
    return np.array(
        [dt.date(year, m, calendar.monthrange(year, m)[1]) <= through for m in MONTHS],
        dtype=bool,
    )


def _actuals(counted: pd.DataFrame, n: int, k: int) -> Arr:
    flat = (counted["s"] * k + counted["c"]) * 12 + counted["month"] - 1
    sums = np.bincount(flat.to_numpy(), weights=counted["leads"].to_numpy(), minlength=n * k * 12)
    return sums.reshape(n, k, 12).astype(np.float64)


def _resolve_track(
    plan: Plan, counted: pd.DataFrame, year: int | None
) -> tuple[int | None, dt.date | None]:
    month = plan.track_month
    if year is None or not isinstance(month, int | np.integer) or not 1 <= month <= 12:
        return None, None
    month = int(month)
    asof = plan.track_asof
    if asof is None:
        in_month = counted.loc[counted["month"] == month, "date"]
        return month, (None if in_month.empty else in_month.max().date())
    if (asof.year, asof.month) != (year, month):
        return month, None
    return month, asof


def _tracker(
    counted: pd.DataFrame,
    leads: Arr,
    x: _Inputs,
    month: int | None,
    asof: dt.date | None,
) -> pd.DataFrame:
    import pandas as pd

    k = len(x.channels)
    nan = np.full(k, np.nan)
    sla_c, mtd_c = nan.copy(), nan.copy()
    if month is not None:
        sla_c = np.nansum(leads[:, :, month - 1], axis=0) if len(x.segments) else np.zeros(k)
    if month is not None and asof is not None:
        rows = counted[(counted["month"] == month) & (counted["day"] <= asof.day)]
        mtd_c = np.bincount(rows["c"].to_numpy(), weights=rows["leads"].to_numpy(), minlength=k)
    masks = team_masks(x.teams)
    team_sla = np.array([sla_c[masks[t]].sum() for t in TEAMS])
    team_mtd = np.array([mtd_c[masks[t]].sum() for t in TEAMS])
    sla = np.concatenate([sla_c, team_sla])
    mtd = np.concatenate([mtd_c, team_mtd])
    if month is not None and asof is not None:
        days = calendar.monthrange(asof.year, month)[1]
        day = asof.day
        with np.errstate(invalid="ignore", divide="ignore"):
            plan_mtd = sla * day / days
            pace = np.where(plan_mtd > 0, mtd / plan_mtd, np.nan)
            projected = mtd * days / day
    else:
        plan_mtd = pace = projected = np.full(k + 2, np.nan)
    return pd.DataFrame(
        {
            "level": pd.Categorical(["channel"] * k + ["team"] * 2, categories=["channel", "team"]),
            "name": pd.array(x.channels + list(TEAMS), dtype="string"),
            "team": pd.Categorical(
                [t if t in TEAMS else None for t in x.teams] + list(TEAMS), categories=list(TEAMS)
            ),
            "sla": _nullable(sla),
            "mtd": _nullable(mtd),
            "plan_to_date": _nullable(plan_mtd),
            "pace": _nullable(pace),
            "projected": _nullable(projected),
        }
    )


def _nullable(values: Arr) -> pd.arrays.FloatingArray:
    import pandas as pd

    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    mask = np.isnan(arr)
    return pd.arrays.FloatingArray(np.where(mask, 0.0, arr), mask)


def _keys(x: _Inputs) -> dict[str, object]:
    import pandas as pd

    return {
        "segment": pd.Categorical(x.segments, categories=x.segments),
        "channel": pd.Categorical(x.channels, categories=x.channels),
        "team": pd.Categorical(
            [t if t in TEAMS else None for t in x.teams], categories=list(TEAMS)
        ),
    }


def _grid_frame(x: _Inputs, values: dict[str, Arr]) -> pd.DataFrame:
    """N x K arrays as rows segment-major then channel."""
    import pandas as pd

    n, k = len(x.segments), len(x.channels)
    keys = _keys(x)
    s_idx, c_idx = np.repeat(np.arange(n), k), np.tile(np.arange(k), n)
    frame = pd.DataFrame(
        {
            "segment": keys["segment"].take(s_idx),  # type: ignore[attr-defined]
            "channel": keys["channel"].take(c_idx),  # type: ignore[attr-defined]
            "team": keys["team"].take(c_idx),  # type: ignore[attr-defined]
        }
    )
    for name, arr in values.items():
        frame[name] = _nullable(arr)
    return frame


def _cube_frame(x: _Inputs, values: dict[str, Arr]) -> pd.DataFrame:
    """N x K x 12 arrays as rows segment-major, then channel, then month."""
    import pandas as pd

    n, k = len(x.segments), len(x.channels)
    keys = _keys(x)
    s_idx = np.repeat(np.arange(n), k * 12)
    c_idx = np.tile(np.repeat(np.arange(k), 12), n)
    frame = pd.DataFrame(
        {
            "segment": keys["segment"].take(s_idx),  # type: ignore[attr-defined]
            "channel": keys["channel"].take(c_idx),  # type: ignore[attr-defined]
            "team": keys["team"].take(c_idx),  # type: ignore[attr-defined]
            "month": pd.array(np.tile(np.arange(1, 13), n * k), dtype="Int8"),
        }
    )
    for name, arr in values.items():
        frame[name] = _nullable(arr)
    return frame


def _daily(
    counted: pd.DataFrame, tracker: pd.DataFrame, month: int | None, asof: dt.date | None
) -> pd.DataFrame:
    """Days 1..31 of the tracked month: cumulative plan and cumulative actual leads.

    Plan = month SLA (all channels) * MIN(day, days in month) / days in month, flat after
    the month's last day; actual = leads logged up to the day, through the as-of day only.
    """
    import pandas as pd

    days = np.arange(1, 32, dtype=np.float64)
    plan = actual = np.full(31, np.nan)
    if month is not None and asof is not None:
        n_days = calendar.monthrange(asof.year, month)[1]
        total = float(
            np.nansum(
                tracker.loc[tracker["level"] == "channel", "sla"].to_numpy(
                    dtype=np.float64, na_value=np.nan
                )
            )
        )
        plan = total * np.minimum(days, n_days) / n_days
        rows = counted[counted["month"] == month]
        per_day = np.bincount(
            rows["day"].to_numpy(), weights=rows["leads"].to_numpy(), minlength=32
        )[1:32]
        actual = np.where(days <= asof.day, np.cumsum(per_day), np.nan)
    return pd.DataFrame(
        {
            "day": pd.array(np.arange(1, 32), dtype="Int8"),
            "plan": _nullable(plan),
            "actual": _nullable(actual),
        }
    )


def _log_status(
    plan: Plan, counted: pd.DataFrame, worked_ok: Mask, attempts_ok: Mask
) -> pd.DataFrame:
    """Per log row (same order as plan.log): does it count, and where (0-based s, c; month)."""
    import pandas as pd

    n = len(plan.log)
    status = pd.DataFrame(
        {
            "counted": np.zeros(n, dtype=bool),
            "segment_no": pd.array([None] * n, dtype="Int64"),
            "channel_no": pd.array([None] * n, dtype="Int64"),
            "month": pd.array([None] * n, dtype="Int64"),
            "day": pd.array([None] * n, dtype="Int64"),
            "worked_counted": np.zeros(n, dtype=bool),
            "attempts_counted": np.zeros(n, dtype=bool),
        }
    )
    rows = counted["row"].to_numpy()
    status.loc[rows, "counted"] = True
    status.loc[rows, "segment_no"] = counted["s"].to_numpy()
    status.loc[rows, "channel_no"] = counted["c"].to_numpy()
    status.loc[rows, "month"] = counted["month"].to_numpy()
    status.loc[rows, "day"] = counted["day"].to_numpy()
    status.loc[rows, "worked_counted"] = worked_ok
    status.loc[rows, "attempts_counted"] = attempts_ok
    return status
