"""Engine frames -> the value of every block's cells, as the spreadsheet will hold them.

Inputs are written as values; formula cells get these as cached results, so the file
shows the right numbers before any recalculation (LibreOffice trusts cached values
of files that say they come from Excel; previews and mobile apps never recalculate).
Every number comes from the engine; the totals here are plain sums of engine numbers,
exactly what the SUM/SUMIF formulas do. Blank is "" (an empty-text formula result).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..model import engine
from ..model.plan import FOLLOWUP_COLUMNS, TEAMS, Plan, SlaResult, float_column
from .dates import serial
from .layout import Layout

Arr = npt.NDArray[np.float64]
Grid = list[list[Any]]
# date, segment, channel, leads, worked, attempts (the last two NaN when not recorded)
LogRow = tuple[dt.date | None, str, str, float, float, float]


NA = "#N/A"  # cached as an error value (t="e"): charts leave a gap where a line would drop


def _cell(v: float) -> Any:
    return "" if np.isnan(v) else float(v)


def _grid(arr: Arr) -> Grid:
    return [[_cell(v) for v in row] for row in np.atleast_2d(arr)]


@dataclass(frozen=True)
class SheetInputs:
    """The inputs of one sheet pair as cells: N rows (named first, then empty), K channels."""

    year: int | None
    names: list[str | None]
    targets: Arr  # N x 12
    price: Arr
    mshare: Arr
    channels: list[str]
    teams: list[str]  # "marketing"/"sales"
    rate: Arr  # N x K
    mix: Arr  # N x K
    log: list[LogRow]
    track_month: int | None
    track_asof: dt.date | None
    log_rows: list[int] | None = None  # workbook row of each log entry (default 0, 1, ...)
    # Sales' side per channel: follow-up hours, target, attempts target (3 x K; NaN blank).
    followup: Arr | None = None

    def followup_cells(self) -> Arr:
        if self.followup is None:
            return np.full((3, len(self.channels)), np.nan)
        return self.followup

    @property
    def positions(self) -> list[int]:
        """Workbook row of each named segment, in the engine's (plan) order."""
        return [i for i, name in enumerate(self.names) if name is not None]


def sheet_inputs(plan: Plan, n_rows: int) -> SheetInputs:
    """Pad a plan to N rows; a team's only channel gets a 100% mix on every row."""
    x = engine._inputs(plan)
    n_named = len(x.segments)
    if n_rows < n_named:
        raise ValueError(f"{n_named} segments do not fit in {n_rows} rows")

    def pad(arr: Arr) -> Arr:
        shape = (n_rows, *arr.shape[1:])
        out = np.full(shape, np.nan)
        out[:n_named] = arr
        return out

    mix = pad(x.mix)
    for mask in engine.team_masks(x.teams).values():
        if mask.sum() == 1:
            col = int(np.flatnonzero(mask)[0])
            mix[n_named:, col] = 1.0
    log = _log_rows(plan.log)
    return SheetInputs(
        year=plan.year,
        names=[*x.segments, *([None] * (n_rows - n_named))],
        targets=pad(x.target),
        price=pad(x.price),
        mshare=pad(x.mshare),
        channels=x.channels,
        teams=x.teams,
        rate=pad(x.rate),
        mix=mix,
        log=log,
        track_month=plan.track_month,
        track_asof=plan.track_asof,
        followup=np.array([float_column(plan.channels, key) for key in FOLLOWUP_COLUMNS]),
    )


def plan_from_inputs(inp: SheetInputs, label: str = "Region", currency: str = "USD") -> Plan:
    """The engine's view of the cells: named segment rows only, blanks and text as <NA>."""
    import pandas as pd

    pos = inp.positions
    names = [inp.names[i] or "" for i in pos]
    k = len(inp.channels)

    def fl(values: Any) -> pd.arrays.FloatingArray:
        arr = np.asarray(values, dtype=float).reshape(-1)
        return pd.arrays.FloatingArray(np.nan_to_num(arr), np.isnan(arr))

    dates = [pd.NaT if r[0] is None else pd.Timestamp(r[0]) for r in inp.log]
    followup = inp.followup_cells()
    return Plan(
        year=inp.year,
        segments=pd.DataFrame(
            {
                "segment": pd.array(names, dtype="string"),
                "avg_price": fl(inp.price[pos]),
                "marketing_share": fl(inp.mshare[pos]),
            }
        ),
        channels=pd.DataFrame(
            {
                "channel": pd.array(inp.channels, dtype="string"),
                "team": pd.Categorical(
                    [t or None for t in inp.teams], categories=["marketing", "sales"]
                ),
                **{key: fl(followup[q]) for q, key in enumerate(FOLLOWUP_COLUMNS)},
            }
        ),
        targets=pd.DataFrame(
            {
                "segment": pd.array([nm for nm in names for _ in range(12)], dtype="string"),
                "month": pd.array(list(range(1, 13)) * len(names), dtype="Int8"),
                "target": fl(inp.targets[pos]),
            }
        ),
        channel_inputs=pd.DataFrame(
            {
                "segment": pd.array([nm for nm in names for _ in range(k)], dtype="string"),
                "channel": pd.array(list(inp.channels) * len(names), dtype="string"),
                "close_rate": fl(inp.rate[pos]),
                "mix": fl(inp.mix[pos]),
            }
        ),
        log=pd.DataFrame(
            {
                "date": pd.Series(dates, dtype="datetime64[ns]"),
                "segment": pd.array([r[1] for r in inp.log], dtype="string"),
                "channel": pd.array([r[2] for r in inp.log], dtype="string"),
                "leads": fl([r[3] for r in inp.log]),
                "worked": fl([r[4] for r in inp.log]),
                "attempts": fl([r[5] for r in inp.log]),
            }
        ),
        track_month=inp.track_month,
        track_asof=inp.track_asof,
        segment_label=label,
        currency=currency,
    )


def _log_rows(log: Any) -> list[LogRow]:
    import pandas as pd

    extra = [float_column(log, "worked"), float_column(log, "attempts")]
    rows: list[LogRow] = []
    for i, (date, segment, channel, leads) in enumerate(
        log[["date", "segment", "channel", "leads"]].itertuples(index=False)
    ):
        day = None if pd.isna(date) else pd.Timestamp(date).date()
        rows.append(
            (day, str(segment), str(channel), float(leads), float(extra[0][i]), float(extra[1][i]))
        )
    return rows


def _cube(
    result: SlaResult,
    frame: str,
    column: str,
    positions: list[int],
    n_rows: int,
    k: int,
    fill: float,
) -> Arr:
    """An N*K x 12 table from a long frame; rows of unnamed segments get ``fill``."""
    values = getattr(result, frame)[column].to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.full((n_rows, k, 12), fill)
    out[positions] = values.reshape(len(positions), k, 12)
    return out.reshape(n_rows * k, 12)


def block_values(
    inp: SheetInputs, result: SlaResult, layout: Layout, team_words: dict[str, str]
) -> dict[str, Grid]:
    """Cached values of every formula block, keyed by block name."""
    n, k = layout.n, layout.k
    named = np.array([name is not None for name in inp.names])
    v: dict[str, Grid] = {}

    row_sum = np.nansum(inp.targets, axis=1)
    v["target_row_total"] = [[float(x)] for x in row_sum]
    v["target_month_total"] = [[*map(float, np.nansum(inp.targets, axis=0)), float(row_sum.sum())]]

    v["assume_segment"] = [[name if name is not None else ""] for name in inp.names]
    v["sales_share"] = _grid(engine.sales_share(inp.mshare)[:, None])
    ok = engine.mix_ok(inp.mix, inp.teams)
    v["mix_ok"] = [[float(a), float(b)] for a, b in zip(ok["marketing"], ok["sales"], strict=True)]
    share = engine.revenue_share(inp.mshare, inp.mix, inp.teams)
    v["revenue_share"] = _grid(np.where(named[:, None], share, np.nan))
    pos = inp.positions
    lead_value = np.full((n, k), np.nan)
    lv = result.lead_value["lead_value"].to_numpy(dtype=np.float64, na_value=np.nan)
    lead_value[pos] = lv.reshape(len(pos), k)
    v["lead_value"] = _grid(lead_value)

    tables = {
        "sla_leads": _cube(result, "sla", "leads", pos, n, k, np.nan),
        "sla_revenue": _cube(result, "sla", "revenue", pos, n, k, np.nan),
        "actual_leads": _cube(result, "actuals", "actual", pos, n, k, 0.0),
        "attainment": _cube(result, "actuals", "attainment", pos, n, k, np.nan),
    }
    row_team = [inp.teams[r % k] for r in range(n * k)]
    years = {key: np.nansum(arr, axis=1) for key, arr in tables.items()}
    with np.errstate(invalid="ignore", divide="ignore"):
        lead_year, actual_year = years["sla_leads"], years["actual_leads"]
        years["attainment"] = np.where(lead_year > 0, actual_year / lead_year, np.nan)
    for key, arr in tables.items():
        v[key] = _grid(arr)
        year = years[key]
        v[f"{key}_year"] = [[_cell(x)] for x in year]
        with_year = np.column_stack([np.nan_to_num(arr), year])
        if key != "attainment":
            v[f"{key}_team_total"] = [
                [float(x) for x in with_year[[t == team for t in row_team]].sum(axis=0)]
                for team in TEAMS
            ]
            v[f"{key}_total"] = [[float(x) for x in with_year.sum(axis=0)]]
    _elapsed_values(v, result, pos, n, k, tables["actual_leads"])
    keys = [
        [v["assume_segment"][r // k][0], inp.channels[r % k], team_words.get(inp.teams[r % k], "")]
        for r in range(n * k)
    ]
    for key in tables:
        v[f"{key}_keys"] = keys
    v["sla_channel_no"] = [[float(r % k + 1)] for r in range(n * k)]
    month = result.track_month
    leads = tables["sla_leads"]
    v["sla_tracked"] = [[_cell(leads[r, month - 1]) if month else ""] for r in range(n * k)]

    v["track_ok"] = [[1.0 if month is not None else 0.0]]
    asof = result.track_asof
    v["track_date"] = [[float(serial(asof)) if asof else ""]]
    days = _days_in_month(asof) if asof else None
    v["track_days"] = [[float(days) if days else ""]]
    tr = result.tracker
    for key, name in (
        ("sla", "track_sla"),
        ("mtd", "track_mtd"),
        ("plan_to_date", "track_plan_mtd"),
        ("pace", "track_pace"),
        ("projected", "track_projected"),
    ):
        row = tr[key].to_numpy(dtype=np.float64, na_value=np.nan)
        v[name] = [[_cell(x) for x in row[:k]]]
        v[f"{name}_team"] = [[_cell(x) for x in row[k:]]]
    daily = result.daily
    v["daily"] = [
        [float(d), _cell(p), _cell(a)]
        for d, p, a in zip(
            range(1, 32),
            daily["plan"].to_numpy(dtype=np.float64, na_value=np.nan),
            daily["actual"].to_numpy(dtype=np.float64, na_value=np.nan),
            strict=True,
        )
    ]
    status: dict[str, list[Any]] = {
        col: result.log_status[col].tolist()
        for col in ("counted", "segment_no", "channel_no", "month", "day")
    }
    key_col: Grid = [[""] for _ in range(layout.c)]
    track_col: Grid = [[""] for _ in range(layout.c)]
    day_col: Grid = [[""] for _ in range(layout.c)]
    rows = inp.log_rows if inp.log_rows is not None else list(range(len(status["counted"])))
    for i, log_row in enumerate(rows):
        if not status["counted"][i] or log_row >= layout.c:
            continue
        seg_row, c = pos[int(status["segment_no"][i])], int(status["channel_no"][i])
        m, day = int(status["month"][i]), int(status["day"][i])
        key_col[log_row] = [float((seg_row * k + c) * 12 + m)]
        if month is not None and m == month:
            track_col[log_row] = [float(c + 1)]
            day_col[log_row] = [float(day)]
    v["log_key"], v["log_track_channel"], v["log_track_day"] = key_col, track_col, day_col
    date_col: Grid = [[""] for _ in range(layout.c)]
    for i, log_row in enumerate(rows):
        when = inp.log[i][0]
        if status["counted"][i] and log_row < layout.c and when is not None:
            date_col[log_row] = [float(serial(when))]
    v["log_counted_date"] = date_col
    days_in_month = v["track_days"][0][0]
    v["chart_daily"] = [
        [
            p if isinstance(days_in_month, float) and day <= days_in_month else NA,
            NA if a == "" else a,
        ]
        for day, p, a in v["daily"]
    ]
    if layout.version >= 2:
        from .followup_values import followup_values

        v.update(followup_values(inp, result, layout, v, rows))
    return v


def _elapsed_values(
    v: dict[str, Grid], result: SlaResult, pos: list[int], n: int, k: int, actual: Arr
) -> None:
    """The months that have happened, year-to-date attainment, the chart's actual line."""
    through = result.elapsed_through
    v["elapsed_through"] = [[float(serial(through)) if through else ""]]
    year = result.plan.year
    flags = [
        bool(through is not None and dt.date(int(year), m, 1) <= through)  # type: ignore[arg-type]
        for m in range(1, 13)
    ]
    v["month_elapsed"] = [[1.0 if f else 0.0 for f in flags]]
    ytd = np.full((n, k), np.nan)
    values = result.year_to_date["attainment"].to_numpy(dtype=np.float64, na_value=np.nan)
    ytd[pos] = values.reshape(len(pos), k)
    v["attainment_ytd"] = _grid(ytd.reshape(n * k, 1))
    totals = v["actual_leads_team_total"]
    v["chart_actual"] = [[totals[t][m] if flags[m] else NA for t in range(2)] for m in range(12)]


def _days_in_month(day: dt.date) -> int:
    import calendar

    return calendar.monthrange(day.year, day.month)[1]
