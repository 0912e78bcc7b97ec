"""Plan loading: every rule names its field path, and all broken rules are reported together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sla_workbook import InputError, PlanError, load_plan, parse_plan
from tests.plans import plan_dict

ROOT = Path(__file__).resolve().parents[1]


def problems(data: Any) -> list[str]:
    with pytest.raises(PlanError) as info:
        parse_plan(data, "p.yaml")
    return info.value.problems


def seg(**changes: Any) -> dict[str, Any]:
    data = plan_dict()
    data["segments"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (plan_dict(year=1800), "year: 1800 is not a year between 1900 and 9999"),
        (plan_dict(year="2027"), "year: '2027' is not a year between 1900 and 9999"),
        (plan_dict(year=True), "year: true is not a year between 1900 and 9999"),
        (plan_dict(currency="Dollars"), "currency: 'Dollars' is not a 3-letter currency code"),
        (plan_dict(segment_label=""), "segment_label: '' is not a non-empty text"),
        (plan_dict(colour="blue"), "colour: unknown field"),
        (plan_dict(channels=[]), "channels: must be a non-empty list"),
        (plan_dict(channels=[{"name": "", "team": "sales"}]), "channels[0].name: '' is empty"),
        (
            plan_dict(channels=[{"name": "A*", "team": "marketing"}]),
            "channels[0].name: 'A*' contains *, which spreadsheet formulas read as wildcards",
        ),
        (
            plan_dict(channels=[{"name": "A", "team": "finance"}]),
            "channels[0].team: 'finance' is not 'marketing' or 'sales'",
        ),
        (
            plan_dict(
                channels=[{"name": "Web", "team": "marketing"}, {"name": "web", "team": "sales"}]
            ),
            "channels[1].name: 'web' repeats channels[0] (names match ignoring case)",
        ),
        (
            plan_dict(channels=[{"name": "Web", "team": "marketing"}]),
            "channels: no sales channel: every team needs at least one",
        ),
        (plan_dict(segments=[]), "segments: must be a non-empty list"),
        (plan_dict(segments=["North"]), "segments[0]: must be a mapping"),
        (seg(name="  "), "segments[0].name: '  ' is empty"),
        (seg(name="EMEA?"), "segments[0].name: 'EMEA?' contains ?"),
        (seg(region="x"), "segments[0].region: unknown field"),
        (seg(avg_price=0), "segments[0].avg_price: 0 is not > 0"),
        (seg(avg_price="1,000"), "segments[0].avg_price: '1,000' is not a number"),
        (seg(marketing_share=1.4), "segments[0].marketing_share: 1.4 is not in [0, 1]"),
        (
            seg(marketing_share=60),
            "segments[0].marketing_share: 60 is not in [0, 1] (write 0.25 for 25%)",
        ),
        (
            seg(marketing_share="60%"),
            "segments[0].marketing_share: '60%' is not a number (write 0.25 for 25%)",
        ),
        (seg(targets=[1] * 11), "segments[0].targets: has 11 values, expected 12"),
        (seg(targets=5), "segments[0].targets: 5 is not a list"),
        (seg(targets=[1, 2, 3, -4] + [0] * 8), "segments[0].targets[3]: -4 is not >= 0"),
        (
            seg(close_rate={"Marketing": 1.4, "Sales": 0.1}),
            "segments[0].close_rate.Marketing: 1.4 is not in (0, 1]",
        ),
        (
            seg(close_rate={"Marketing": 0, "Sales": 0.1}),
            "segments[0].close_rate.Marketing: 0 is not in (0, 1]",
        ),
        (seg(close_rate={"Marketing": 0.1}), "segments[0].close_rate.Sales: missing"),
        (
            seg(close_rate={"Marketing": 0.1, "Sales": 0.1, "Web": 0.1}),
            "segments[0].close_rate.Web: is not a channel (channels: Marketing, Sales)",
        ),
        (seg(close_rate=0.1), "segments[0].close_rate: 0.1 is not a mapping"),
        (
            seg(channel_mix={"Marketing": 0.5}),
            "segments[0].channel_mix: marketing channels sum to 0.5, expected 1",
        ),
        (
            plan_dict(
                log=[{"date": "13/01/2027", "segment": "North", "channel": "Sales", "leads": 1}]
            ),
            "log[0].date: '13/01/2027' is not a date (write YYYY-MM-DD)",
        ),
        (
            plan_dict(
                log=[{"date": "2026-12-31", "segment": "North", "channel": "Sales", "leads": 1}]
            ),
            "log[0].date: 2026-12-31 is not in the plan year 2027",
        ),
        (
            plan_dict(
                log=[{"date": "2027-01-02", "segment": "South", "channel": "Sales", "leads": 1}]
            ),
            "log[0].segment: 'South' is not a segment of the plan",
        ),
        (
            plan_dict(
                log=[{"date": "2027-01-02", "segment": "North", "channel": "Fax", "leads": 1}]
            ),
            "log[0].channel: 'Fax' is not a channel of the plan",
        ),
        (
            plan_dict(
                log=[{"date": "2027-01-02", "segment": "North", "channel": "Sales", "leads": 1.5}]
            ),
            "log[0].leads: 1.5 is not a whole number",
        ),
        (
            plan_dict(
                log=[{"date": "2027-01-02", "segment": "North", "channel": "Sales", "leads": -1}]
            ),
            "log[0].leads: -1 is not >= 0",
        ),
        (plan_dict(track={"month": 13}), "track.month: 13 is not a month number 1..12"),
        (
            plan_dict(track={"month": 2, "asof": "2027-03-01"}),
            "track.asof: 2027-03-01 is not in the tracked month 2027-02",
        ),
        (plan_dict(track={"month": 2, "day": 3}), "track.day: unknown field"),
    ],
)
def test_each_rule_names_its_path(data: dict[str, Any], expected: str) -> None:
    found = problems(data)
    assert any(p.startswith(expected) for p in found), found


def test_several_errors_are_all_reported() -> None:
    data = plan_dict(year=1)
    data["segments"][0]["avg_price"] = -1
    data["segments"][0]["close_rate"] = {"Marketing": 1.4, "Sales": 0.2}
    data["segments"].append(dict(data["segments"][0], name="NORTH"))
    found = problems(data)
    assert "year: 1 is not a year between 1900 and 9999" in found
    assert "segments[0].avg_price: -1 is not > 0" in found
    assert "segments[0].close_rate.Marketing: 1.4 is not in (0, 1]" in found
    assert "segments[1].name: 'NORTH' repeats segments[0] (names match ignoring case)" in found
    assert len(found) == 6  # the copied segment repeats both value errors


def test_error_message_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(seg(avg_price=0)))
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == f"{path}: segments[0].avg_price: 0 is not > 0"


def test_yaml_and_json_give_the_same_plan(tmp_path: Path) -> None:
    import yaml
    from pandas.testing import assert_frame_equal

    data = plan_dict(
        log=[{"date": "2027-01-02", "segment": "North", "channel": "Sales", "leads": 3}],
        track={"month": 1, "asof": "2027-01-02"},
    )
    (tmp_path / "p.json").write_text(json.dumps(data))
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    a, b = load_plan(tmp_path / "p.json"), load_plan(tmp_path / "p.yaml")
    for name in ("segments", "channels", "targets", "channel_inputs", "log"):
        assert_frame_equal(getattr(a, name), getattr(b, name))
    assert (a.year, a.track_month, a.track_asof) == (b.year, b.track_month, b.track_asof)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.yaml", "year: 2027\nsegments: [\n", "bad.yaml:3:1: invalid YAML"),
        ("bad.json", '{"year": 2027,}', "bad.json:1:15: invalid JSON"),
        ("list.yaml", "- 1\n- 2\n", "list.yaml: the plan must be a mapping"),
        ("empty.yaml", "", "empty.yaml: the plan must be a mapping"),
    ],
)
def test_unparseable_files(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_plan(path)
    assert str(info.value).startswith(str(tmp_path / expected)), str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_plan(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_plan(tmp_path)
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(InputError, match="not a text file"):
        load_plan(binary)


def test_log_csv_is_read_relative_to_the_plan(tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text(
        "date,segment,channel,leads\n2027-01-02,North,Sales,3\n2027-01-03,north,Marketing,x\n"
    )
    (tmp_path / "plan.json").write_text(json.dumps(plan_dict(log="leads.csv")))
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.json")
    assert info.value.problems == ["leads.csv:3 leads: 'x' is not a number"]


def test_log_csv_missing_is_one_problem_among_all(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(plan_dict(log="nope.csv", year=1)))
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.json")
    assert info.value.problems[0] == "year: 1 is not a year between 1900 and 9999"
    assert info.value.problems[1].startswith("log: cannot read ") and "nope.csv" in str(info.value)


def test_log_csv_header_is_checked_once_ignoring_case(tmp_path: Path) -> None:
    (tmp_path / "ok.csv").write_text("Date,Segment,Channel,Leads\n2027-01-02,North,Sales,3\n\n")
    (tmp_path / "plan.json").write_text(json.dumps(plan_dict(log="ok.csv")))
    assert len(load_plan(tmp_path / "plan.json").log) == 1
    (tmp_path / "bad.csv").write_text("day,region,source,count\n" + "2027-01-02,N,S,3\n" * 500)
    (tmp_path / "plan.json").write_text(json.dumps(plan_dict(log="bad.csv")))
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.json")
    assert len(info.value.problems) == 1 and "the header must name the columns" in str(info.value)


def test_yaml_repeated_key_and_exponent_numbers(tmp_path: Path) -> None:
    import yaml

    data = plan_dict()
    text = yaml.safe_dump(data).replace("avg_price: 10000", "avg_price: 1e4")
    (tmp_path / "p.yaml").write_text(text)
    assert float(load_plan(tmp_path / "p.yaml").segments["avg_price"].iloc[0]) == 10000
    (tmp_path / "twice.yaml").write_text(text + "year: 2028\n")
    with pytest.raises(
        InputError, match=r"twice.yaml:\d+:\d+: invalid YAML: the key 'year' appears twice"
    ):
        load_plan(tmp_path / "twice.yaml")


@pytest.mark.parametrize("name", ["samples/plan.yaml", "templates/example-plan.yaml"])
def test_bundled_plans_load(name: str) -> None:
    plan = load_plan(ROOT / name)
    assert len(plan.segments) >= 3
