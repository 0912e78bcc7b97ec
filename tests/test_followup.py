"""Sales' side of the SLA (docs/spec.md, "Both sides of the SLA"): hand-worked cases and
properties of the engine. Cross-engine parity of the workbook's formulas is in
tests/test_cross_engine.py (random plans with random follow-up columns)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from sla_workbook import compute
from sla_workbook.model.plan_file import parse_plan
from tests.plans import plan_dict, plans_with_followup

CHANNELS = [
    {
        "name": "Inbound",
        "team": "marketing",
        "followup_hours": 24,
        "followup_target": 0.9,
        "attempts_target": 6,
    },
    {
        "name": "Events",
        "team": "marketing",
        "followup_hours": 48,
        "followup_target": 0.5,
        "attempts_target": 2,
    },
    {"name": "Outbound", "team": "sales"},  # nothing agreed: its outputs stay blank
]
SEGMENT = {
    "name": "North",
    "avg_price": 10000,
    "marketing_share": 0.6,
    "targets": [100000] * 12,
    "close_rate": {"Inbound": 0.05, "Events": 0.1, "Outbound": 0.2},
    "channel_mix": {"Inbound": 0.5, "Events": 0.5},
}
LOG = [
    # Inbound in March: 10 leads 9 worked 60 attempts; 10 leads 6 worked, attempts blank
    {
        "date": "2027-03-01",
        "segment": "North",
        "channel": "Inbound",
        "leads": 10,
        "worked": 9,
        "attempts": 60,
    },
    {"date": "2027-03-02", "segment": "North", "channel": "Inbound", "leads": 10, "worked": 6},
    # Events in March: 4 leads, 1 worked, 10 attempts
    {
        "date": "2027-03-02",
        "segment": "North",
        "channel": "Events",
        "leads": 4,
        "worked": 1,
        "attempts": 10,
    },
    # Outbound: recorded, but nothing agreed for the channel
    {
        "date": "2027-03-03",
        "segment": "North",
        "channel": "Outbound",
        "leads": 5,
        "worked": 5,
        "attempts": 20,
    },
    # Inbound on March 20: after the as-of date (not month to date)
    {
        "date": "2027-03-20",
        "segment": "North",
        "channel": "Inbound",
        "leads": 10,
        "worked": 10,
        "attempts": 80,
    },
]


def _result(**changes: Any) -> Any:
    data = plan_dict(
        channels=CHANNELS, segments=[SEGMENT], log=LOG, track={"month": 3, "asof": "2027-03-10"}
    )
    data.update(changes)
    return compute(parse_plan(data))


def _cell(frame: Any, column: str, **keys: Any) -> float | None:
    rows = frame
    for key, value in keys.items():
        rows = rows[rows[key] == value]
    assert len(rows) == 1
    value = rows[column].iloc[0]
    return None if value is None or value is pd.NA else float(value)


def test_follow_up_rate_and_attempts_per_segment_channel_month() -> None:
    fu = _result().followup
    # Inbound March: worked counts on all three rows: (9 + 6 + 10) / 30
    assert _cell(fu, "followup_rate", channel="Inbound", month=3) == pytest.approx(25 / 30)
    # attempts count on two rows only (the blank is "not recorded"): (60 + 80) / 20
    assert _cell(fu, "attempts_per_lead", channel="Inbound", month=3) == pytest.approx(7.0)
    assert _cell(fu, "followup_rate", channel="Events", month=3) == pytest.approx(0.25)
    assert _cell(fu, "attempts_per_lead", channel="Events", month=3) == pytest.approx(2.5)
    # not agreed: blank although worked and attempts were logged
    assert _cell(fu, "followup_rate", channel="Outbound", month=3) is None
    assert _cell(fu, "attempts_per_lead", channel="Outbound", month=3) is None
    # no rows in April: blank, not 0
    assert _cell(fu, "followup_rate", channel="Inbound", month=4) is None


def test_met_flags_per_cell() -> None:
    fu = _result().followup
    # Inbound: 0.8333 < 0.9 -> sales' side not met; Events: 0.25 < 0.5 -> not met
    assert _cell(fu, "followup_met", channel="Inbound", month=3) == 0.0
    assert _cell(fu, "followup_met", channel="Events", month=3) == 0.0
    assert _cell(fu, "followup_met", channel="Outbound", month=3) is None
    # marketing's side is judged once the month is over: not on March 10, yes on the 31st
    sla = _result().sla
    leads = _cell(sla, "leads", channel="Inbound", month=3)
    assert leads is not None and leads > 30  # 100000*0.3/10000/0.05 = 60 leads, 30 logged
    assert _cell(fu, "leads_met", channel="Inbound", month=3) is None
    ended = _result(track={"month": 3, "asof": "2027-03-31"}).followup
    assert _cell(ended, "leads_met", channel="Inbound", month=3) == 0.0
    assert _cell(ended, "leads_met", channel="Inbound", month=2) == 0.0  # none logged
    assert _cell(ended, "leads_met", channel="Inbound", month=4) is None


def test_team_values_are_ratios_of_sums_with_lead_weighted_targets() -> None:
    sides = _result().sides
    march = sides[(sides["team"] == "marketing") & (sides["month"] == 3)].iloc[0]
    # worked: Inbound 25 of 30, Events 1 of 4 -> 26 / 34 (an average of rates would be 0.54)
    assert float(march["followup_rate"]) == pytest.approx(26 / 34)
    # target: (30 * 0.9 + 4 * 0.5) / 34
    assert float(march["followup_target"]) == pytest.approx((27 + 2) / 34)
    # attempts: Inbound rows with attempts 20 leads, Events 4 -> (140 + 10) / 24
    assert float(march["attempts_per_lead"]) == pytest.approx(150 / 24)
    assert float(march["attempts_target"]) == pytest.approx((20 * 6 + 4 * 2) / 24)
    assert float(march["followup_met"]) == 0.0
    sales = sides[(sides["team"] == "sales") & (sides["month"] == 3)].iloc[0]
    assert sales["followup_rate"] is pd.NA  # Outbound not agreed


def test_month_to_date_tracker_through_the_as_of_day() -> None:
    tr = _result().tracker.set_index("name")
    # Inbound through March 10: rows of the 1st and 2nd: 15 of 20 worked
    assert float(tr.loc["Inbound", "followup_rate"]) == pytest.approx(15 / 20)
    assert float(tr.loc["Inbound", "followup_target"]) == pytest.approx(0.9)
    assert float(tr.loc["Inbound", "attempts_per_lead"]) == pytest.approx(6.0)
    assert float(tr.loc["Inbound", "attempts_target"]) == 6.0
    assert float(tr.loc["marketing", "followup_rate"]) == pytest.approx(16 / 24)
    assert float(tr.loc["marketing", "followup_target"]) == pytest.approx((18 + 2) / 24)
    for column in ("followup_rate", "followup_target", "attempts_per_lead", "attempts_target"):
        assert tr.loc["Outbound", column] is pd.NA
        assert tr.loc["sales", column] is pd.NA


def test_no_tracked_month_blanks_the_month_to_date() -> None:
    data = plan_dict(channels=CHANNELS, segments=[SEGMENT], log=LOG)
    tr = compute(parse_plan(data)).tracker
    assert tr["followup_rate"].isna().all() and tr["followup_target"].isna().all()


def test_half_an_agreement_blanks_the_follow_up_rate() -> None:
    channels = [dict(CHANNELS[0], followup_target=None), *CHANNELS[1:]]
    channels[0].pop("followup_target")
    fu = _result(channels=channels).followup
    assert _cell(fu, "followup_rate", channel="Inbound", month=3) is None
    assert _cell(fu, "attempts_per_lead", channel="Inbound", month=3) == pytest.approx(7.0)


def test_worked_above_leads_is_not_counted_by_the_engine() -> None:
    """Plan files refuse it; a workbook may hold it (the validator reports it)."""
    import dataclasses

    plan = parse_plan(plan_dict(channels=CHANNELS, segments=[SEGMENT], log=LOG[:1]))
    log = plan.log.copy()
    log.loc[0, "worked"] = 11  # more than the row's 10 leads
    fu = compute(dataclasses.replace(plan, log=log)).followup
    assert _cell(fu, "followup_rate", channel="Inbound", month=3) is None
    assert _cell(fu, "attempts_per_lead", channel="Inbound", month=3) == pytest.approx(6.0)


def test_plan_file_rules_for_the_new_inputs() -> None:
    from sla_workbook.errors import PlanError

    bad_channels = [
        {
            "name": "Marketing",
            "team": "marketing",
            "followup_hours": 0,
            "followup_target": 90,
            "attempts_target": 2.5,
        },
        {"name": "Sales", "team": "sales"},
    ]
    with pytest.raises(PlanError) as err:
        parse_plan(
            plan_dict(
                channels=bad_channels,
                log=[
                    {
                        "date": "2027-01-02",
                        "segment": "North",
                        "channel": "Sales",
                        "leads": 3,
                        "worked": 4,
                        "attempts": -1,
                    }
                ],
            )
        )
    text = str(err.value)
    for expected in (
        "channels[0].followup_hours: 0 is not > 0",
        "channels[0].followup_target: 90 is not in [0, 1]",
        "channels[0].attempts_target: 2.5 is not a whole number",
        "log[0].worked: 4 is more than the row's 3 leads",
        "log[0].attempts: -1 is not >= 0",
    ):
        assert expected in text


def _floats(series: Any) -> list[float]:
    return [math.nan if v is pd.NA else float(v) for v in series]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=plans_with_followup())
def test_properties_rates_blanks_and_sums(data: dict[str, Any]) -> None:
    import numpy as np

    result = compute(parse_plan(data))
    fu, plan = result.followup, result.plan
    rates = np.array(_floats(fu["followup_rate"]))
    assert np.all((rates[~np.isnan(rates)] >= 0) & (rates[~np.isnan(rates)] <= 1))
    agreed = {
        str(c): (not math.isnan(h) and not math.isnan(g))
        for c, h, g in zip(
            plan.channels["channel"],
            _floats(plan.channels["followup_hours"]),
            _floats(plan.channels["followup_target"]),
            strict=True,
        )
    }
    for channel, ok in agreed.items():
        if not ok:  # not agreed: blank everywhere, never 0
            assert fu.loc[fu["channel"] == channel, "followup_rate"].isna().all()
    # team rates are sums over the team's rows, recomputed here from the log
    log = plan.log
    teams = dict(zip(plan.channels["channel"].str.lower(), plan.channels["team"], strict=True))
    sides = result.sides
    for (team, month), row in sides.set_index(["team", "month"]).iterrows():
        rows = log[
            (log["date"].dt.month == month)
            & log["channel"].str.lower().map(teams).eq(team)
            & log["channel"]
            .str.lower()
            .map({k.lower(): v for k, v in agreed.items()})
            .fillna(False)
            & log["worked"].notna()
        ]
        den = float(rows["leads"].sum())
        if den == 0:
            assert row["followup_rate"] is pd.NA
        else:
            assert float(row["followup_rate"]) == pytest.approx(float(rows["worked"].sum()) / den)


def test_strategy_draws_follow_up_columns() -> None:
    """The shared strategy really produces agreed channels and recorded rows."""
    seen = {"agreed": False, "worked": False}

    @settings(max_examples=40, deadline=None, database=None)
    @given(data=plans_with_followup())
    def look(data: dict[str, Any]) -> None:
        if any("followup_hours" in c for c in data["channels"]):
            seen["agreed"] = True
        if any("worked" in r for r in data["log"]):
            seen["worked"] = True

    look()
    assert all(seen.values())


def test_an_import_keeps_typed_follow_up_it_did_not_record() -> None:
    """merge_log (import --into): the imported count replaces the typed row; its worked
    and attempts replace the typed ones only where the import recorded them."""
    import datetime as dt

    from sla_workbook.update.log_merge import merge_log
    from sla_workbook.workbook.dates import serial

    day = float(serial(dt.date(2027, 3, 1)))
    typed = [
        ((day, None), ("North", None), ("Inbound", None), (5.0, None), (4.0, None), (9.0, None))
    ]

    def imported(**extra: list[float | None]) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "date": pd.to_datetime(["2027-03-01"]),
                "segment": ["North"],
                "channel": ["Inbound"],
                "leads": [7.0],
            }
        )
        for name, values in extra.items():
            frame[name] = pd.array(values, dtype="Float64")
        return frame

    # the import's count differs (7 leads, 5 typed): the typed 4 worked and 9 attempts
    # described other leads, so they are not carried (never worked > leads)
    (row,), replaced = merge_log(typed, imported(), width=6)
    assert replaced == 1 and row[3] == (7.0, None) and row[4:] == ((None, None), (None, None))
    (row,), _ = merge_log(typed, imported(worked=[6.0], attempts=[None]), width=6)
    assert row[4:] == ((6.0, None), (None, None))
    # the same count: the typed follow-up still describes these leads and stays
    same = [
        ((day, None), ("North", None), ("Inbound", None), (7.0, None), (4.0, None), (9.0, None))
    ]
    (row,), _ = merge_log(same, imported(worked=[6.0]), width=6)
    assert row[4:] == ((6.0, None), (9.0, None))
    (row,), _ = merge_log(typed, imported(worked=[6.0]), width=4)
    assert len(row) == 4  # a version-1 log has no place for them
