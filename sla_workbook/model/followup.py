"""Sales' side of the SLA: how fast the leads are worked and how often they are tried.

docs/spec.md ("Both sides of the SLA") is the contract. Marketing's side (leads against
the SLA) lives in engine.py; this module adds, from the log's optional ``worked`` and
``attempts`` columns and the channels' agreed follow-up inputs, the follow-up rate and
attempts per lead per segment x channel x month, per team and month, and month to date.
Team values are ratios of sums (never averages of rates), and every sum runs over the
log rows in their order, as the workbook's SUMIF over its helper columns does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .plan import TEAMS, Plan, SlaResult, float_column
from .rounding import excel_round

if TYPE_CHECKING:
    import pandas as pd

Arr = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Agreed:
    """Per channel: the follow-up inputs where usable (else NaN), and which are agreed."""

    hours: Arr
    target: Arr  # G
    attempts: Arr  # A
    followup: Mask  # H > 0 and 0 <= G <= 1
    attempts_ok: Mask  # A whole and >= 1


def agreed(plan: Plan, channels: list[str]) -> Agreed:
    """The channels' follow-up inputs in the engine's channel order (missing columns: blank)."""
    k = len(channels)
    frame = plan.channels.reset_index(drop=True)

    def column(name: str) -> Arr:
        return float_column(frame, name) if len(frame) == k else np.full(k, np.nan)

    return agreed_from(
        column("followup_hours"), column("followup_target"), column("attempts_target")
    )


def agreed_from(h: Arr, g: Arr, a: Arr) -> Agreed:
    """The agreement rules over K cells each (NaN for blank or text)."""
    with np.errstate(invalid="ignore"):
        h_ok = np.isfinite(h) & (h > 0)
        g_ok = np.isfinite(g) & (g >= 0) & (g <= 1)
        a_ok = np.isfinite(a) & (a >= 1) & (a == np.floor(a))
    return Agreed(
        hours=np.where(h_ok, h, np.nan),
        target=np.where(g_ok, g, np.nan),
        attempts=np.where(a_ok, a, np.nan),
        followup=h_ok & g_ok,
        attempts_ok=a_ok,
    )


def row_flags(counted: pd.DataFrame, ag: Agreed) -> tuple[Mask, Mask]:
    """Which counted log rows feed the follow-up rate and attempts per lead.

    worked counts when it is a whole number in 0..leads, attempts when a whole number
    >= 0 (each on its own; blank is "not recorded"), and only for agreed channels.
    """
    leads = counted["leads"].to_numpy(dtype=np.float64)
    worked = counted["worked"].to_numpy(dtype=np.float64)
    tries = counted["attempts"].to_numpy(dtype=np.float64)
    c = counted["c"].to_numpy(dtype=np.int64)
    with np.errstate(invalid="ignore"):
        w_ok = (
            np.isfinite(worked) & (worked >= 0) & (worked <= leads) & (worked == np.floor(worked))
        )
        a_ok = np.isfinite(tries) & (tries >= 0) & (tries == np.floor(tries))
    if len(c):
        w_ok &= ag.followup[c]
        a_ok &= ag.attempts_ok[c]
    return w_ok, a_ok


def _ratio(num: Arr, den: Arr) -> Arr:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _met(rate: Arr, target: Arr, tries: Arr, tries_target: Arr) -> Arr:
    """1/0 where all four are numbers, compared at 6 decimals (robust to the last bit)."""
    ok = np.isfinite(rate) & np.isfinite(target) & np.isfinite(tries) & np.isfinite(tries_target)
    r, g = excel_round(np.nan_to_num(rate), 6), excel_round(np.nan_to_num(target), 6)
    a, at = excel_round(np.nan_to_num(tries), 6), excel_round(np.nan_to_num(tries_target), 6)
    return np.where(ok, ((r >= g) & (a >= at)).astype(np.float64), np.nan)


def _sums(use: Mask, values: Arr, slots: npt.NDArray[np.int64], n: int) -> Arr:
    """Sequential sums of ``values`` over the rows ``use`` into ``n`` slots (bincount keeps
    the rows' order, as a spreadsheet's SUMIF does)."""
    return np.bincount(slots[use], weights=values[use], minlength=n).astype(np.float64)


@dataclass(frozen=True)
class FollowupResult:
    cells: dict[str, Arr]  # N x K x 12 each
    sides: dict[str, Arr]  # 2 teams x 12 months each
    tracker_columns: dict[str, Arr]  # K channel values then the 2 teams
    worked_counted: Mask
    attempts_counted: Mask


def compute_followup(
    plan: Plan,
    counted: pd.DataFrame,
    channels: list[str],
    teams: list[str],
    leads: Arr,
    actual: Arr,
    ended: Mask,
    month: int | None,
    asof: dt.date | None,
) -> FollowupResult:
    """Both sides per segment x channel x month, per team x month, and month to date."""
    n, k = leads.shape[0], leads.shape[1]
    ag = agreed(plan, channels)
    w_ok, a_ok = row_flags(counted, ag)
    s = counted["s"].to_numpy(dtype=np.int64)
    c = counted["c"].to_numpy(dtype=np.int64)
    m = counted["month"].to_numpy(dtype=np.int64) - 1
    lv = counted["leads"].to_numpy(dtype=np.float64)
    worked = np.nan_to_num(counted["worked"].to_numpy(dtype=np.float64))
    tries = np.nan_to_num(counted["attempts"].to_numpy(dtype=np.float64))

    # Per segment x channel x month.
    cell = (s * k + c) * 12 + m
    size = n * k * 12
    fu_rate = _ratio(_sums(w_ok, worked, cell, size), _sums(w_ok, lv, cell, size))
    at_rate = _ratio(_sums(a_ok, tries, cell, size), _sums(a_ok, lv, cell, size))
    fu_rate, at_rate = fu_rate.reshape(n, k, 12), at_rate.reshape(n, k, 12)
    with np.errstate(invalid="ignore"):
        leads_met = np.where(
            ended[None, None, :] & np.isfinite(leads), (actual >= leads).astype(float), np.nan
        )
    g = np.broadcast_to(ag.target[None, :, None], fu_rate.shape)
    a = np.broadcast_to(ag.attempts[None, :, None], fu_rate.shape)
    fu_met = _met(fu_rate, g, at_rate, a)

    # Per team and month: sums over the team's channels, targets weighted by the leads.
    team_of = np.array([TEAMS.index(t) if t in TEAMS else -1 for t in teams], dtype=np.int64)
    t_row = team_of[c] if len(c) else np.zeros(0, dtype=np.int64)
    in_team = t_row >= 0
    slot = np.where(in_team, t_row * 12 + m, 0)
    g_row = np.nan_to_num(ag.target[c]) if len(c) else np.zeros(0)
    a_row = np.nan_to_num(ag.attempts[c]) if len(c) else np.zeros(0)
    use_w, use_a = w_ok & in_team, a_ok & in_team
    team_fu = [v.reshape(2, 12) for v in _team_ratios(use_w, worked, lv, lv * g_row, slot, 24)]
    team_at = [v.reshape(2, 12) for v in _team_ratios(use_a, tries, lv, lv * a_row, slot, 24)]
    team_actual = np.array([actual[:, team_of == t, :].sum(axis=(0, 1)) for t in range(2)])
    team_sla = np.array([np.nansum(leads[:, team_of == t, :], axis=(0, 1)) for t in range(2)])
    has_sla = np.array([np.isfinite(leads[:, team_of == t, :]).any(axis=(0, 1)) for t in range(2)])
    with np.errstate(invalid="ignore"):
        team_leads_met = np.where(
            ended[None, :] & has_sla, (team_actual >= team_sla).astype(float), np.nan
        )
    team_met = _met(team_fu[0], team_fu[1], team_at[0], team_at[1])

    # Month to date (the tracker): the tracked month's rows through the as-of day.
    track = np.zeros(len(counted), dtype=bool)
    if month is not None and asof is not None:
        track = (m == month - 1) & (counted["day"].to_numpy(dtype=np.int64) <= asof.day)
    fu_c = _team_ratios(w_ok & track, worked, lv, lv * g_row, c, k)
    at_c = _team_ratios(a_ok & track, tries, lv, lv * a_row, c, k)
    fu_t = _team_ratios(use_w & track, worked, lv, lv * g_row, t_row.clip(0), 2)
    at_t = _team_ratios(use_a & track, tries, lv, lv * a_row, t_row.clip(0), 2)
    no_track = month is None or asof is None
    tracker_columns = {
        "followup_rate": np.concatenate([fu_c[0], fu_t[0]]),
        # A channel's target is its G; a team's is the leads-weighted G of its channels.
        "followup_target": np.concatenate([np.where(ag.followup, ag.target, np.nan), fu_t[1]]),
        "attempts_per_lead": np.concatenate([at_c[0], at_t[0]]),
        "attempts_target": np.concatenate([ag.attempts, at_t[1]]),
    }
    if no_track:
        tracker_columns = {key: np.full(k + 2, np.nan) for key in tracker_columns}

    cells = {
        "followup_rate": fu_rate,
        "attempts_per_lead": at_rate,
        "leads_met": leads_met,
        "followup_met": fu_met,
    }
    sides = {
        "actual": team_actual,
        "sla": np.where(has_sla, team_sla, np.nan),
        "leads_met": team_leads_met,
        "followup_rate": team_fu[0],
        "followup_target": team_fu[1],
        "attempts_per_lead": team_at[0],
        "attempts_target": team_at[1],
        "followup_met": team_met,
    }
    return FollowupResult(cells, sides, tracker_columns, w_ok, a_ok)


def _team_ratios(
    use: Mask,
    num: Arr,
    den: Arr,
    need: Arr,
    slots: npt.NDArray[np.int64],
    size: int,
) -> tuple[Arr, Arr]:
    """(sum num / sum den, sum need / sum den) per slot, blank where sum den is 0."""
    d = _sums(use, den, slots, size)
    return _ratio(_sums(use, num, slots, size), d), _ratio(_sums(use, need, slots, size), d)


def helper_sums(result: SlaResult) -> tuple[Arr, Arr]:
    """The workbook's hidden sums, from the engine's log status: per tracker column (K
    channels, 2 teams) and per team-month, worked, leads and needed worked (leads * G) of
    the rows whose worked counts, then the same for attempts (SUM_ROWS' order).
    Returns (6 x K+2, 12 x 12: team-major rows, month columns)."""
    plan, st = result.plan, result.log_status
    channels = [str(c) for c in plan.channels["channel"]]
    teams = [str(t) if isinstance(t, str) else "" for t in plan.channels["team"]]
    k = len(channels)
    ag = agreed(plan, channels)
    counted = st["counted"].to_numpy(dtype=bool)
    c = st["channel_no"].to_numpy(dtype=np.float64, na_value=-1).astype(np.int64)[counted]
    m = st["month"].to_numpy(dtype=np.float64, na_value=1).astype(np.int64)[counted] - 1
    day = st["day"].to_numpy(dtype=np.float64, na_value=0).astype(np.int64)[counted]
    log = plan.log.reset_index(drop=True)
    lv = float_column(log, "leads")[counted]
    values = {
        "fu": np.nan_to_num(float_column(log, "worked")[counted]),
        "at": np.nan_to_num(float_column(log, "attempts")[counted]),
    }
    use = {
        "fu": st["worked_counted"].to_numpy(dtype=bool)[counted],
        "at": st["attempts_counted"].to_numpy(dtype=bool)[counted],
    }
    target = {"fu": np.nan_to_num(ag.target), "at": np.nan_to_num(ag.attempts)}
    team_of = np.array([TEAMS.index(t) if t in TEAMS else -1 for t in teams], dtype=np.int64)
    t_row = team_of[c] if len(c) else np.zeros(0, dtype=np.int64)
    track = np.zeros(len(c), dtype=bool)
    month, asof = result.track_month, result.track_asof
    if month is not None and asof is not None:
        track = (m == month - 1) & (day <= asof.day)
    track_sums = np.full((6, k + 2), np.nan)
    sides_sums = np.zeros((12, 12))
    for w, which in enumerate(("fu", "at")):
        need = lv * (target[which][c] if len(c) else np.zeros(0))
        for p, part in enumerate((values[which], lv, need)):
            q = w * 3 + p
            per_channel = _sums(use[which] & track, part, c, k)
            if month is not None and asof is not None:
                track_sums[q, :k] = per_channel
                for t in range(2):  # SUMIF over the channel cells, in channel order
                    track_sums[q, k + t] = float(sum(per_channel[team_of == t].tolist()))
            in_team = use[which] & (t_row >= 0)
            slot = np.where(t_row >= 0, t_row * 12 + m, 0)
            per_slot = _sums(in_team, part, slot, 24).reshape(2, 12)
            for t in range(2):
                sides_sums[t * 6 + q] = per_slot[t]
    return track_sums, sides_sums
