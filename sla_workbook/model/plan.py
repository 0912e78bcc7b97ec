"""The two objects the public API trades in: a Plan (inputs) and an SlaResult (outputs).

Both hold tidy pandas frames with named, typed columns. Nothing here knows about files
or cells, so the same Plan can come from a YAML file, a workbook, or a Python caller.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

Team = Literal["marketing", "sales"]
TEAMS: tuple[Team, Team] = ("marketing", "sales")
MONTHS = tuple(range(1, 13))

# Column contract of each frame; docs/api.md repeats it for users.
SEGMENT_COLUMNS = ("segment", "avg_price", "marketing_share")
CHANNEL_COLUMNS = ("channel", "team")
# Sales' side of the agreement, per channel (optional; blank = not agreed).
FOLLOWUP_COLUMNS = ("followup_hours", "followup_target", "attempts_target")
TARGET_COLUMNS = ("segment", "month", "target")
CHANNEL_INPUT_COLUMNS = ("segment", "channel", "close_rate", "mix")
LOG_COLUMNS = ("date", "segment", "channel", "leads")
LOG_FOLLOWUP_COLUMNS = ("worked", "attempts")  # optional; blank = not recorded


def _empty_log() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[ns]"),
            "segment": pd.Series([], dtype="string"),
            "channel": pd.Series([], dtype="string"),
            "leads": pd.Series([], dtype="Float64"),
            "worked": pd.Series([], dtype="Float64"),
            "attempts": pd.Series([], dtype="Float64"),
        }
    )


@dataclass(frozen=True)
class Plan:
    """Everything the SLA is computed from.

    Frames (one row per item, missing inputs as <NA>):

    - ``segments``: segment, avg_price, marketing_share; row order is the plan's order.
    - ``channels``: channel, team ("marketing" or "sales"); column order of the SLA;
      optionally followup_hours, followup_target, attempts_target (sales' side).
    - ``targets``: segment, month (1..12), target.
    - ``channel_inputs``: segment, channel, close_rate, mix.
    - ``log``: date, segment, channel, leads (the lead log, may be empty); optionally
      worked and attempts (sales' follow-up of the row's leads).

    The engine tolerates missing or out-of-range values (a hand-filled workbook has
    them) and leaves the outputs that depend on them blank; plan files are checked
    strictly before they become a Plan.
    """

    year: int | None
    segments: pd.DataFrame
    channels: pd.DataFrame
    targets: pd.DataFrame
    channel_inputs: pd.DataFrame
    log: pd.DataFrame = field(default_factory=_empty_log)
    track_month: int | None = None
    track_asof: dt.date | None = None
    segment_label: str = "Region"
    currency: str = "USD"

    @property
    def segment_names(self) -> list[str]:
        return [str(s) for s in self.segments["segment"]]


@dataclass(frozen=True)
class SlaResult:
    """The SLA and the performance against it, as tidy frames (blank outputs are <NA>).

    - ``sla``: segment, channel, team, month, revenue, customers, leads.
      Rows are segment-major, then channel, then month: the workbook's row order.
    - ``lead_value``: segment, channel, team, revenue_share (S * W), lead_value.
    - ``actuals``: segment, channel, team, month, actual, attainment (blank for the
      months after ``elapsed_through``: they have not happened yet).
    - ``year_to_date``: segment, channel, team, actual, sla, attainment, over the months
      that have happened.
    - ``elapsed_through``: the date through which months count as happened.
    - ``tracker``: level ("channel" or "team"), name, team, sla, mtd, plan_to_date,
      pace, projected; one row per channel, then one per team.
    - ``track_month`` / ``track_asof``: the tracked month and the resolved as-of date.
    - ``segments``: segment, sales_share, mix_ok_marketing, mix_ok_sales (the checks).
    - ``daily``: day (1..31), plan and actual cumulative leads of the tracked month.
    - ``log_status``: per log row: counted, segment_no, channel_no, month, day,
      worked_counted, attempts_counted.
    - ``followup``: segment, channel, team, month, followup_rate, attempts_per_lead,
      leads_met, followup_met (the sales side, same rows as ``sla``).
    - ``sides``: team, month, actual, sla, leads_met, followup_rate, followup_target,
      attempts_per_lead, attempts_target, followup_met: both sides per team and month.
    - ``tracker`` also holds followup_rate, followup_target, attempts_per_lead,
      attempts_target (month to date) per channel and team.
    """

    plan: Plan
    sla: pd.DataFrame
    lead_value: pd.DataFrame
    actuals: pd.DataFrame
    tracker: pd.DataFrame
    track_month: int | None
    track_asof: dt.date | None
    segments: pd.DataFrame
    daily: pd.DataFrame
    log_status: pd.DataFrame
    elapsed_through: dt.date | None
    year_to_date: pd.DataFrame
    followup: pd.DataFrame
    sides: pd.DataFrame

    def leads_wide(self) -> pd.DataFrame:
        """Leads as segment x channel rows, columns 1..12 and ``year`` (blanks sum as 0)."""
        import pandas as pd

        keys = self.sla.loc[self.sla["month"] == 1, ["segment", "channel", "team"]]
        grid = self.sla["leads"].to_numpy(dtype="float64", na_value=float("nan")).reshape(-1, 12)
        wide = keys.reset_index(drop=True)
        for m in MONTHS:
            wide[m] = pd.array(grid[:, m - 1], dtype="Float64")
        wide["year"] = wide[list(MONTHS)].sum(axis=1)
        return wide

    def team_totals(self) -> pd.DataFrame:
        """Leads per team and month (blanks count as 0, as SUM does)."""
        return _sum_by(self.sla, ["team", "month"])

    def segment_totals(self) -> pd.DataFrame:
        """Leads per segment and month, summed over channels."""
        return _sum_by(self.sla, ["segment", "month"])

    def month_totals(self) -> pd.DataFrame:
        """All leads per month."""
        return _sum_by(self.sla, ["month"])


def float_column(frame: pd.DataFrame, name: str) -> npt.NDArray[np.float64]:
    """A frame column as floats, NaN for blank or text, all NaN when the frame lacks it:
    the follow-up columns are optional (older plans, version-1 workbooks, API callers)."""
    import numpy as np
    import pandas as pd

    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return np.asarray(pd.to_numeric(frame[name], errors="coerce").astype("float64"))


def optional_float(value: object) -> float | None:
    """A frame value as a float; blank (<NA>, NaN, None), text or infinite as None.
    How every printed or exported figure reads the frames, so a blank is never a 0."""
    if value is None:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _sum_by(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame.groupby(keys, sort=True, observed=True)["leads"].sum(min_count=0)
    return out.astype("Float64").reset_index()
