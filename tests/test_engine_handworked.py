"""The spec's arithmetic, worked by hand. Each test shows its sums so a reader can check them."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from sla_workbook import compute, parse_plan
from sla_workbook.model.plan import SlaResult
from tests.plans import plan_dict


def leads(result: SlaResult, segment: str, channel: str, month: int) -> float | None:
    row = result.sla[
        (result.sla.segment == segment)
        & (result.sla.channel == channel)
        & (result.sla.month == month)
    ]
    assert len(row) == 1
    value = row["leads"].iloc[0]
    return None if pd.isna(value) else float(value)


def cell(frame: pd.DataFrame, column: str, **where: object) -> float | None:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    assert mask.sum() == 1, where
    value = frame.loc[mask, column].iloc[0]
    return None if pd.isna(value) else float(value)


def test_one_segment_two_teams() -> None:
    r = compute(parse_plan(plan_dict()))
    # Marketing: Rev = 100000 * 0.6 * 1 = 60000; customers = 60000 / 10000 = 6;
    # leads = 6 / 0.05 = 120
    assert cell(r.sla, "revenue", channel="Marketing", month=1) == 60000
    assert cell(r.sla, "customers", channel="Marketing", month=1) == 6
    assert leads(r, "North", "Marketing", 1) == 120
    # Sales: Rev = 100000 * (1 - 0.6) * 1 = 40000; customers = 4; leads = 4 / 0.2 = 20
    assert leads(r, "North", "Sales", 1) == 20
    # February has a zero target: zero leads, not blank
    assert leads(r, "North", "Marketing", 2) == 0
    # Lead value = price x close rate: 10000 * 0.05 = 500 and 10000 * 0.2 = 2000
    assert cell(r.lead_value, "lead_value", channel="Marketing") == 500
    assert cell(r.lead_value, "lead_value", channel="Sales") == 2000
    # Totals: 120 + 20 = 140 in January
    totals = r.month_totals()
    assert cell(totals, "leads", month=1) == 140
    assert cell(r.team_totals(), "leads", team="sales", month=1) == 20
    assert r.leads_wide()["year"].tolist() == [120, 20]


def test_fractional_leads_round_up() -> None:
    seg = {
        "name": "South",
        "avg_price": 12000,
        "marketing_share": 0.5,
        "targets": [50000] * 12,
        "close_rate": {"Marketing": 0.07, "Sales": 0.2},
    }
    r = compute(parse_plan(plan_dict(segments=[seg])))
    # 50000 * 0.5 / 12000 = 2.0833 customers; / 0.07 = 29.76 leads -> 30
    assert leads(r, "South", "Marketing", 5) == 30
    # sales: 2.0833 / 0.2 = 10.42 -> 11
    assert leads(r, "South", "Sales", 5) == 11


def test_float_noise_does_not_add_a_lead() -> None:
    seg = {
        "name": "Noise",
        "avg_price": 10000,
        "marketing_share": 1,
        "targets": [9000] * 12,
        "close_rate": {"Marketing": 0.03, "Sales": 0.5},
    }
    r = compute(parse_plan(plan_dict(segments=[seg])))
    # customers = 9000 / 10000 = 0.9; 0.9 / 0.03 is 30.000000000000004 in binary floats,
    # so a plain ROUNDUP would ask for 31 leads.
    assert 9000 / 10000 / 0.03 > 30 and math.ceil(9000 / 10000 / 0.03) == 31
    # ROUND(q, 6) first makes it 30: the spec's answer, in every spreadsheet program.
    assert leads(r, "Noise", "Marketing", 1) == 30
    # 100% marketing: sales needs 0 leads
    assert leads(r, "Noise", "Sales", 1) == 0


def test_channel_mix_splits_a_teams_revenue() -> None:
    channels = [
        {"name": "Inbound", "team": "marketing"},
        {"name": "Events", "team": "marketing"},
        {"name": "Outbound", "team": "sales"},
    ]
    seg = {
        "name": "West",
        "avg_price": 5000,
        "marketing_share": 0.8,
        "targets": [200000] * 12,
        "close_rate": {"Inbound": 0.1, "Events": 0.25, "Outbound": 0.5},
        "channel_mix": {"Inbound": 0.75, "Events": 0.25},
    }
    r = compute(parse_plan(plan_dict(channels=channels, segments=[seg])))
    # Inbound: 200000 * 0.8 * 0.75 = 120000 -> 24 customers -> 240 leads
    assert leads(r, "West", "Inbound", 3) == 240
    # Events: 200000 * 0.8 * 0.25 = 40000 -> 8 customers -> 32 leads
    assert leads(r, "West", "Events", 3) == 32
    # Outbound (sole sales channel, mix defaults to 1): 200000 * 0.2 = 40000 -> 8 -> 16 leads
    assert leads(r, "West", "Outbound", 3) == 16
    assert cell(r.team_totals(), "leads", team="marketing", month=3) == 240 + 32


def _plan_with(**segment_changes: object) -> pd.DataFrame:
    data = plan_dict()
    plan = parse_plan(data)
    seg = plan.segments.copy()
    ci = plan.channel_inputs.copy()
    targets = plan.targets.copy()
    for key, value in segment_changes.items():
        if key in seg.columns:
            seg[key] = pd.array([value], dtype="Float64")
        elif key == "target_jan":
            targets.loc[targets.month == 1, "target"] = value
        else:
            column, channel = key.split("__")
            ci.loc[ci.channel == channel, column] = value
    from dataclasses import replace

    return compute(replace(plan, segments=seg, channel_inputs=ci, targets=targets)).sla


@pytest.mark.parametrize(
    ("change", "blank_columns", "channels"),
    [
        # price 0 or missing: revenue is known, customers and leads are not
        ({"avg_price": 0.0}, ["customers", "leads"], ["Marketing", "Sales"]),
        ({"avg_price": None}, ["customers", "leads"], ["Marketing", "Sales"]),
        # a marketing share of 120% breaks both teams' revenue
        ({"marketing_share": 1.2}, ["revenue", "customers", "leads"], ["Marketing", "Sales"]),
        # a close rate of 0 (or 140%) blanks that channel's leads only
        ({"close_rate__Marketing": 0.0}, ["leads"], ["Marketing"]),
        ({"close_rate__Sales": 1.4}, ["leads"], ["Sales"]),
        # a mix that does not sum to 1 for its team blanks that team
        ({"mix__Sales": 0.9}, ["revenue", "customers", "leads"], ["Sales"]),
        ({"target_jan": -5.0}, ["revenue", "customers", "leads"], ["Marketing", "Sales"]),
    ],
)
def test_invalid_inputs_give_blank_outputs(
    change: dict[str, object], blank_columns: list[str], channels: list[str]
) -> None:
    sla = _plan_with(**change)
    jan = sla[sla.month == 1].set_index("channel")
    for channel in ["Marketing", "Sales"]:
        for column in ["revenue", "customers", "leads"]:
            blank = channel in channels and column in blank_columns
            assert pd.isna(jan.loc[channel, column]) == blank, (channel, column)


def _log_plan(log: list[dict[str, object]], track: dict[str, object] | None) -> SlaResult:
    data = plan_dict(log=log)
    if track is not None:
        data["track"] = track
    return compute(parse_plan(data))


LOG = [
    {"date": "2027-01-03", "segment": "North", "channel": "Marketing", "leads": 10},
    {"date": "2027-01-09", "segment": "north", "channel": "MARKETING", "leads": 20},
    {"date": "2027-01-20", "segment": "North", "channel": "Marketing", "leads": 5},
    {"date": "2027-01-05", "segment": "North", "channel": "Sales", "leads": 4},
    {"date": "2027-02-01", "segment": "North", "channel": "Sales", "leads": 7},
]


def test_actuals_and_attainment() -> None:
    r = _log_plan(LOG, None)
    a = r.actuals
    # January marketing: 10 + 20 (names match ignoring case) + 5 = 35; plan 120 -> 35/120
    assert cell(a, "actual", channel="Marketing", month=1) == 35
    assert cell(a, "attainment", channel="Marketing", month=1) == pytest.approx(35 / 120)
    assert cell(a, "actual", channel="Sales", month=2) == 7
    # February's SLA is 0 leads: attainment is blank, not a division by zero
    assert cell(a, "attainment", channel="Sales", month=2) is None


def test_tracker_as_of_a_date() -> None:
    r = _log_plan(LOG, {"month": 1, "asof": "2027-01-10"})
    t = r.tracker
    # Month-to-date Jan 1..10, marketing: 10 + 20 = 30 (the 20th is later)
    assert cell(t, "mtd", level="channel", name="Marketing") == 30
    # Plan to date = 120 * 10 / 31 days = 38.709677...
    assert cell(t, "plan_to_date", level="channel", name="Marketing") == pytest.approx(
        120 * 10 / 31
    )
    # Pace = 30 / 38.71 = 0.775; projected month end = 30 * 31 / 10 = 93
    assert cell(t, "pace", level="channel", name="Marketing") == pytest.approx(30 / (120 * 10 / 31))
    assert cell(t, "projected", level="channel", name="Marketing") == pytest.approx(93)
    # Team rows: sales team = the one Sales channel, 4 leads
    assert cell(t, "mtd", level="team", name="sales") == 4
    assert r.track_asof == dt.date(2027, 1, 10)


def test_tracker_defaults_to_latest_log_date_in_month() -> None:
    r = _log_plan(LOG, {"month": 1})
    assert r.track_asof == dt.date(2027, 1, 20)
    # 10 + 20 + 5 = 35 by the 20th; projected = 35 * 31 / 20 = 54.25
    assert cell(r.tracker, "projected", level="channel", name="Marketing") == pytest.approx(54.25)


def test_tracker_blank_without_log_in_month() -> None:
    r = _log_plan(LOG, {"month": 3})
    assert r.track_asof is None
    # The month's SLA is still known (0 in March), the rest is blank
    assert cell(r.tracker, "sla", level="channel", name="Marketing") == 0
    assert r.tracker[["mtd", "plan_to_date", "pace", "projected"]].isna().all().all()


def test_log_rows_that_do_not_count() -> None:
    plan = parse_plan(plan_dict())
    from dataclasses import replace

    log = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2027-01-03", "2026-01-03", "2027-01-03", "2027-01-03", "2027-01-03", None]
            ),
            "segment": ["North", "North", "Nowhere", "North", "North", "North"],
            "channel": ["Marketing"] * 6,
            "leads": [1.0, 100.0, 100.0, -3.0, 2.5, 100.0],
        }
    )
    # Counted: only the first row. Other year, unknown segment, negative, fractional
    # and missing date: ignored.
    r = compute(replace(plan, log=log))
    assert cell(r.actuals, "actual", channel="Marketing", month=1) == 1


def test_unnamed_segment_rows_are_ignored_and_names_are_not_trimmed() -> None:
    from dataclasses import replace

    plan = parse_plan(plan_dict())
    segments = pd.DataFrame(
        {
            "segment": pd.array(["North", "", None], dtype="string"),
            "avg_price": pd.array([10000, 5, 5], dtype="Float64"),
            "marketing_share": pd.array([0.6, 0.5, 0.5], dtype="Float64"),
        }
    )
    log = pd.DataFrame(
        {
            "date": pd.to_datetime(["2027-01-03", "2027-01-03"]),
            "segment": ["North", " North"],  # a formula would not trim " North" either
            "channel": ["Marketing", "Marketing"],
            "leads": [2.0, 50.0],
        }
    )
    r = compute(replace(plan, segments=segments, log=log))
    assert r.sla["segment"].unique().tolist() == ["North"]
    assert leads(r, "North", "Marketing", 1) == 120
    assert cell(r.actuals, "actual", channel="Marketing", month=1) == 2


def test_names_repeating_ignoring_case_are_refused() -> None:
    from dataclasses import replace

    from sla_workbook import PlanError

    plan = parse_plan(plan_dict())
    twice = pd.concat([plan.segments, plan.segments.assign(segment="NORTH")], ignore_index=True)
    with pytest.raises(PlanError, match="appears twice"):
        compute(replace(plan, segments=twice))


def _elapsed_plan(track: dict[str, object] | None, log: list[dict[str, object]]) -> SlaResult:
    # SLA: marketing 120, 60, then 120 a month; sales 20, 10, then 20 a month
    seg = dict(plan_dict()["segments"][0], targets=[100000, 50000] + [100000] * 10)
    data = plan_dict(segments=[seg], log=log)
    if track is not None:
        data["track"] = track
    return compute(parse_plan(data))


def test_months_after_the_latest_log_date_have_no_attainment() -> None:
    r = _elapsed_plan(None, LOG)
    # No as-of date: months count through the latest counted log date, 2027-02-01
    assert r.elapsed_through == dt.date(2027, 2, 1)
    a = r.actuals
    assert cell(a, "attainment", channel="Marketing", month=1) == pytest.approx(35 / 120)
    # February has begun and nothing was logged for marketing: a real 0%, not blank
    assert cell(a, "attainment", channel="Marketing", month=2) == 0
    # March to December have not happened: blank, not 0%
    for month in range(3, 13):
        assert cell(a, "attainment", channel="Marketing", month=month) is None
        assert cell(a, "actual", channel="Marketing", month=month) == 0
    # Year to date = actual Jan+Feb / SLA Jan+Feb: marketing (35 + 0) / (120 + 60),
    # sales (4 + 7) / (20 + 10)
    ytd = r.year_to_date
    assert cell(ytd, "attainment", channel="Marketing") == pytest.approx(35 / 180)
    assert cell(ytd, "sla", channel="Marketing") == 180
    assert cell(ytd, "actual", channel="Sales") == 11
    assert cell(ytd, "attainment", channel="Sales") == pytest.approx(11 / 30)


def test_the_as_of_date_decides_which_months_have_happened() -> None:
    # As of 10 January: only January has happened, though a February row is logged;
    # the whole of January's actual counts (35 marketing leads, the 20th included)
    r = _elapsed_plan({"month": 1, "asof": "2027-01-10"}, LOG)
    assert r.elapsed_through == dt.date(2027, 1, 10)
    assert cell(r.actuals, "attainment", channel="Sales", month=2) is None
    assert cell(r.year_to_date, "attainment", channel="Marketing") == pytest.approx(35 / 120)
    assert cell(r.year_to_date, "attainment", channel="Sales") == pytest.approx(4 / 20)


def test_nothing_has_happened_without_log_or_as_of() -> None:
    r = _elapsed_plan(None, [])
    assert r.elapsed_through is None
    assert r.actuals["attainment"].isna().all()
    assert r.year_to_date["attainment"].isna().all()
    # the actual leads stay numbers: 0 logged is a fact, not a blank
    assert (r.actuals["actual"] == 0).all()
