"""Properties the SLA must have for any valid plan (hypothesis)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_workbook import compute, parse_plan
from tests.plans import plans


def arrays(result: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sla = result.sla
    leads = sla["leads"].to_numpy(dtype=float)
    revenue = sla["revenue"].to_numpy(dtype=float)
    merged = sla.merge(result.lead_value, on=["segment", "channel", "team"], how="left")
    return leads, revenue, merged["lead_value"].to_numpy(dtype=float)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_leads_cover_revenue_and_no_lead_is_spare(data: dict[str, Any]) -> None:
    result = compute(parse_plan(data))
    leads, revenue, value = arrays(result)
    assert not np.isnan(leads).any()  # a valid plan has no blank output
    assert (leads == np.floor(leads)).all() and (leads >= 0).all()
    # L * V >= Rev, and (L - 1) * V < Rev, up to the 6-digit inner rounding (half a
    # millionth of a lead) and float noise.
    slack = 5e-7 * value + 1e-9 * np.abs(revenue)
    assert (leads * value >= revenue - slack).all()
    assert ((leads - 1) * value < revenue + slack).all()


@settings(max_examples=100, deadline=None)
@given(plans())
def test_totals_equal_sums(data: dict[str, Any]) -> None:
    result = compute(parse_plan(data))
    sla = result.sla
    by_team = sla.groupby(["team", "month"], observed=True)["leads"].sum()
    for rec in result.team_totals().itertuples():
        assert rec.leads == by_team[(rec.team, rec.month)]
    months = result.month_totals().set_index("month")["leads"]
    team = result.team_totals().pivot(index="month", columns="team", values="leads")
    assert (months == team["marketing"] + team["sales"]).all()
    wide = result.leads_wide()
    assert (wide["year"] == wide[list(range(1, 13))].sum(axis=1)).all()
    segs = result.segment_totals()
    assert segs["leads"].sum() == sla["leads"].sum() == months.sum()


@settings(max_examples=100, deadline=None)
@given(plans(), st.integers(0, 11))
def test_zero_target_gives_zero_leads(data: dict[str, Any], month: int) -> None:
    for seg in data["segments"]:
        seg["targets"][month] = 0
    result = compute(parse_plan(data))
    assert (result.sla.loc[result.sla.month == month + 1, "leads"] == 0).all()


@settings(max_examples=100, deadline=None)
@given(plans(), st.integers(0, 11), st.floats(min_value=0, max_value=1e6))
def test_more_target_never_fewer_leads(data: dict[str, Any], month: int, extra: float) -> None:
    bigger = copy.deepcopy(data)
    for seg in bigger["segments"]:
        seg["targets"][month] += extra
    before = compute(parse_plan(data)).sla["leads"]
    after = compute(parse_plan(bigger)).sla["leads"]
    assert (after >= before).all()


def test_large_plan_is_fast_enough_to_be_interactive() -> None:
    # Not a timing assertion (see bench/): a 1,000 x 10 plan must simply compute and be whole.
    channels = [{"name": f"C{i}", "team": "marketing" if i < 6 else "sales"} for i in range(10)]
    seg = {
        "avg_price": 1000,
        "marketing_share": 0.5,
        "targets": [12345.0] * 12,
        "close_rate": {c["name"]: 0.07 for c in channels},
        "channel_mix": {c["name"]: (1 / 6 if i < 6 else 0.25) for i, c in enumerate(channels)},
    }
    data = {
        "year": 2027,
        "channels": channels,
        "segments": [dict(seg, name=f"S{i}") for i in range(1000)],
    }
    result = compute(parse_plan(data))
    assert len(result.sla) == 1000 * 10 * 12
    assert pd.notna(result.sla["leads"]).all()
