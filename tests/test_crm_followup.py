"""Sales' follow-up from a CRM export (issue 12): the map's first_contact and attempts
columns become the log's worked and attempts, per (day, segment, channel) row.

worked = leads whose first contact is at most H[c] hours after their creation (the lead
date's timestamp in the map's time zone; a date-only value is its midnight; a first
contact before creation counts as worked); attempts = the sum of the counts (blank: 0).
Blank, never 0, where it cannot be known: no first contact column, no H for the channel,
a first contact or count that does not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from sla_workbook import parse_plan, read_workbook
from sla_workbook.cli import main
from sla_workbook.crm.log_import import import_log, write_log
from sla_workbook.crm.map_file import CrmMap, parse_map
from sla_workbook.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "hubspot-contacts.csv"
SAMPLE_MAP = ROOT / "samples" / "crm-map.yaml"
SAMPLE_PLAN = ROOT / "samples" / "plan.yaml"
V1_BOOK = ROOT / "tests" / "data" / "v1" / "sample-en.xlsx"
HOURS = {"Inbound": 24.0, "Events": None, "Outbound": 3.0}


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


RAW: dict[str, object] = {
    "columns": {
        "date": "When",
        "segment": "Region",
        "channel": "Src",
        "first_contact": "First",
        "attempts": "Tries",
    },
    "timezone": "America/New_York",
}


def mini_map(**extra: object) -> CrmMap:
    channels = {"web": "Inbound", "fair": "Events", "call": "Outbound"}
    return parse_map({**RAW, "channels": channels, **extra}, "map.yaml")


# When, Region, Src, First, Tries: each row's expected fate in the comment.
ROWS = [
    # 2027-03-01 EMEA Inbound (H 24): 2 of 4 worked, 3 + 0 + 2 + 1 attempts
    ("2027-03-01 10:00", "EMEA", "web", "2027-03-02 09:59", "3"),  # 23.98 h: worked
    ("2027-03-01 11:00", "EMEA", "web", "2027-03-02 11:01", ""),  # 24.02 h: late; blank = 0
    ("2027-03-01 12:00", "EMEA", "web", "", "2"),  # never contacted: not worked
    ("2027-03-01", "EMEA", "web", "2027-03-01 23:00", "1"),  # date only: from midnight, 23 h
    # 2027-03-01 EMEA Outbound (H 3): 2 of 3 worked; a count that does not read
    ("2027-03-02T03:30:00.000Z", "EMEA", "call", "2027-03-02 01:30", "1"),  # 22:30 NY, 3 h
    ("2027-03-01 20:00", "EMEA", "call", "2027-03-02T05:00:00.000Z", "2"),  # 00:00 NY: 4 h
    ("2027-03-01 20:00", "EMEA", "call", "2027-03-01 19:00", "two"),  # before: worked
    # 2027-03-01 EMEA Events: no H, worked blank; attempts counted
    ("2027-03-01 09:00", "EMEA", "fair", "2027-03-01 10:00", "4"),
    # daylight saving: 2027-03-14 clocks jump 02:00 -> 03:00 in New York
    ("2027-03-14 00:30", "APAC", "call", "2027-03-14 04:00", "0"),  # 2.5 h, not 3.5: worked
    # 2027-11-07 clocks fall back 02:00 -> 01:00
    ("2027-11-07 00:30", "APAC", "call", "2027-11-07 03:15", "0"),  # 3.75 h, not 2.75: late
    # a first contact that does not parse: the row's worked is blank
    ("2027-03-05 09:00", "APAC", "web", "soon", "1"),
    # not counted (channel not mapped): in no count
    ("2027-03-05 09:00", "APAC", "tv", "2027-03-05 10:00", "9"),
]


def export(tmp_path: Path, rows: Sequence[tuple[str, ...]] = ROWS) -> Path:
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["When", "Region", "Src", "First", "Tries"])
        out.writerows(rows)
    return path


def test_worked_and_attempts_per_log_row_by_hand(tmp_path: Path) -> None:
    result = import_log(export(tmp_path), mini_map(), followup_hours=HOURS)
    d = dt.date
    assert result.rows == (
        (d(2027, 3, 1), "EMEA", "Events", 1, None, 4),
        (d(2027, 3, 1), "EMEA", "Inbound", 4, 2, 6),
        (d(2027, 3, 1), "EMEA", "Outbound", 3, 2, None),
        (d(2027, 3, 5), "APAC", "Inbound", 1, None, 1),
        (d(2027, 3, 14), "APAC", "Outbound", 1, 1, 0),
        (d(2027, 11, 7), "APAC", "Outbound", 1, 0, 0),
    )
    f = result.summary.followup
    assert (f.first_contact, f.attempts) == ("First", "Tries")
    assert f.leads_with_first_contact == 9  # 11 counted, one blank, one not parseable
    assert f.first_contact_unparseable == 1
    assert f.unparseable_first_contacts == [("soon", 1)]
    assert f.leads_worked == 2 + 2 + 1
    assert (f.leads_with_attempts, f.attempts_unreadable) == (9, 1)
    assert f.attempts_total == 3 + 2 + 1 + 1 + 2 + 4 + 0 + 0 + 1
    assert f.unreadable_attempts == [("two", 1)]
    assert f.channels_without_hours == [("Events", 1)]
    assert (f.rows_with_worked, f.rows_with_attempts) == (4, 5)
    worked, attempts = f.blank["worked"], f.blank["attempts"]
    assert any("'Events'" in r for r in worked) and any("not parseable" in r for r in worked)
    assert any("not a whole number" in r for r in attempts)
    data = result.summary.to_dict()["followup"]
    assert data["columns"] == {"first_contact": "First", "attempts": "Tries"}
    assert data["channels_without_hours"] == [{"channel": "Events", "rows": 1}]


def test_the_time_zone_decides_the_instants(tmp_path: Path) -> None:
    """The same wall-clock values, read in UTC: the Z rows move, the delay changes."""
    rows = [
        ("2027-03-02T03:30:00.000Z", "EMEA", "call", "2027-03-02 01:30", "1"),  # -2 h: worked
        ("2027-03-01 20:00", "EMEA", "call", "2027-03-02T05:00:00.000Z", "1"),  # 9 h: late
        ("2027-03-14 00:30", "EMEA", "call", "2027-03-14 04:00", "1"),  # no DST in UTC: 3.5 h
    ]
    result = import_log(export(tmp_path, rows), mini_map(timezone="UTC"), followup_hours=HOURS)
    d = dt.date
    assert result.rows == (
        (d(2027, 3, 1), "EMEA", "Outbound", 1, 0, 1),
        (d(2027, 3, 2), "EMEA", "Outbound", 1, 1, 1),
        (d(2027, 3, 14), "EMEA", "Outbound", 1, 0, 1),
    )


def test_date_format_reads_first_contacts_too(tmp_path: Path) -> None:
    rows = [
        ("01/03/2027 10:00", "EMEA", "web", "02/03/2027 09:00", "1"),  # 23 h
        ("01/03/2027 10:00", "EMEA", "web", "2027-03-02 11:00", "1"),  # ISO still read: 25 h
    ]
    cmap = mini_map(date_format="%d/%m/%Y %H:%M")
    result = import_log(export(tmp_path, rows), cmap, followup_hours=HOURS)
    assert result.rows == ((dt.date(2027, 3, 1), "EMEA", "Inbound", 2, 1, 2),)


def test_without_hours_worked_is_blank_and_says_why(tmp_path: Path) -> None:
    result = import_log(export(tmp_path), mini_map())
    assert all(r[4] is None for r in result.rows)
    assert [r[5] for r in result.rows] == [4, 6, None, 1, 0, 0]
    reasons = result.summary.followup.blank["worked"]
    assert any("no follow-up hours" in r and "--plan" in r for r in reasons)
    assert result.summary.followup.leads_with_first_contact == 9  # still counted


def test_a_channel_with_no_hours_is_blank_never_zero(tmp_path: Path) -> None:
    result = import_log(export(tmp_path), mini_map(), followup_hours={"Inbound": 24})
    outbound = [r for r in result.rows if r[2] == "Outbound"]
    assert outbound and all(r[4] is None for r in outbound)
    assert result.summary.followup.channels_without_hours == [("Outbound", 5), ("Events", 1)]


def test_channels_named_as_the_plan_without_a_mapping(tmp_path: Path) -> None:
    rows = [("2027-03-01 10:00", "EMEA", " inbound ", "2027-03-01 11:00", "1")]
    plain = parse_map(RAW, "map.yaml")
    result = import_log(export(tmp_path, rows), plain, followup_hours={"Inbound": 2})
    assert result.rows == ((dt.date(2027, 3, 1), "EMEA", "inbound", 1, 1, 1),)


def test_no_followup_columns_is_the_old_log(tmp_path: Path) -> None:
    cmap = parse_map(
        {"columns": {"date": "When", "segment": "Region", "channel": "Src"}}, "map.yaml"
    )
    result = import_log(export(tmp_path), cmap, followup_hours=HOURS)
    assert all(r[4] is None and r[5] is None for r in result.rows)
    f = result.summary.followup
    assert (f.first_contact, f.attempts) == (None, None)
    assert any("names no first_contact column" in r for r in f.blank["worked"])
    log = write_log(result.rows, tmp_path / "log.csv")
    assert log.read_text().splitlines()[0] == "date,segment,channel,leads"


def test_a_column_the_map_names_must_exist(tmp_path: Path) -> None:
    columns = {**RAW["columns"], "attempts": "Nope"}  # type: ignore[dict-item]
    cmap = parse_map({**RAW, "columns": columns})
    with pytest.raises(InputError, match=r"no column 'Nope' \(attempts\), which the map reads"):
        import_log(export(tmp_path), cmap)


def test_a_preset_column_the_export_lacks_is_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "hub.csv"
    path.write_text(
        "Create Date,Became a Lead Date,Country/Region,Original Source\n"
        "2027-03-01 10:00,,Germany,Organic Search\n"
    )
    cmap = parse_map({"preset": "hubspot-contacts"})
    assert cmap.first_contact_column == "First outreach date"
    assert cmap.attempts_column == "Number of times contacted"
    result = import_log(path, cmap, followup_hours={"Germany": 1})
    assert result.rows == ((dt.date(2027, 3, 1), "Germany", "Organic Search", 1, None, None),)
    blank = result.summary.followup.blank
    assert blank["worked"] == [
        "the export has no column 'First outreach date' (preset hubspot-contacts): not recorded"
    ]
    assert "'Number of times contacted'" in blank["attempts"][0]


def test_salesforce_has_no_standard_followup_fields() -> None:
    cmap = parse_map({"preset": "salesforce-leads"})
    assert (cmap.first_contact_column, cmap.attempts_column) == (None, None)
    named = parse_map({"preset": "salesforce-leads", "columns": {"first_contact": "X__c"}})
    assert named.first_contact_column == "X__c" and named.named_followup == {"first_contact"}


def test_the_sample_against_an_independent_computation() -> None:
    """worked per log row recomputed with zoneinfo from the sample's own values."""
    cmap = yaml.safe_load(SAMPLE_MAP.read_text())
    hours = {"Inbound": 24.0, "Outbound": 4.0}
    result = import_log(SAMPLE, SAMPLE_MAP, year=2027, followup_hours=hours)
    zone = ZoneInfo(cmap["timezone"])
    expected: dict[tuple[dt.date, str, str], list[int]] = {}
    with SAMPLE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            created = row["Became a Lead Date"] or row["Create Date"]
            if not created.startswith("2027"):
                continue
            seg = cmap["segments"][row["Country/Region"].strip().title()]
            ch = cmap["channels"][row["Original Source"].strip().title()]
            local = dt.datetime.fromisoformat(created).replace(tzinfo=zone)
            start = local.astimezone(dt.UTC)  # instants: Python subtracts wall clocks in a zone
            first = row["First outreach date"]
            worked = 0
            if first and ch in hours:
                delay = dt.datetime.fromisoformat(first).replace(tzinfo=zone) - start
                assert (
                    delay
                    == dt.datetime.fromisoformat(first).replace(tzinfo=zone).astimezone(dt.UTC)
                    - start
                )
                worked = int(delay.total_seconds() <= hours[ch] * 3600)
            tally = expected.setdefault((local.date(), seg, ch), [0, 0, 0])
            tally[0] += 1
            tally[1] += worked
            tally[2] += int(row["Number of times contacted"] or 0)
    got = {(r[0], r[1], r[2]): [r[3], r[4], r[5]] for r in result.rows}
    for key, (leads, worked, tries) in expected.items():
        assert got[key][0] == leads and got[key][2] == tries
        assert got[key][1] == (worked if key[2] in hours else None)
    assert len(got) == len(expected)
    f = result.summary.followup
    assert 0 < f.leads_worked < f.leads_with_first_contact < result.summary.rows_counted


# --- the CLI ---------------------------------------------------------------------------


def plan_with_hours(tmp_path: Path) -> Path:
    data = yaml.safe_load(SAMPLE_PLAN.read_text())
    data["channels"] = [
        {"name": "Inbound", "team": "marketing", "followup_hours": 24, "followup_target": 0.9,
         "attempts_target": 3},
        {"name": "Events", "team": "marketing"},
        {"name": "Outbound", "team": "sales", "followup_hours": 4, "followup_target": 0.8,
         "attempts_target": 2},
    ]  # fmt: skip
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_import_to_without_plan_fills_attempts_only(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    code, out, err = run("import", SAMPLE, "--map", SAMPLE_MAP, "--year", 2027, "--to", log)
    assert code == 0, err
    lines = log.read_text().splitlines()
    assert lines[0] == "date,segment,channel,leads,worked,attempts"
    assert all(line.split(",")[4] == "" for line in lines[1:])
    assert "Follow-up: first contact from First outreach date" in out
    assert "worked blank: no follow-up hours (H) were given" in out


def test_import_to_with_plan_fills_both_and_reads_back_as_the_plan_log(tmp_path: Path) -> None:
    plan = plan_with_hours(tmp_path)
    log = tmp_path / "log.csv"
    code, out, err = run(
        "import", SAMPLE, "--map", SAMPLE_MAP, "--plan", plan, "--to", log, "--format", "json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["year"] == 2027  # the plan's
    assert summary["followup"]["channels_without_hours"][0]["channel"] == "Events"
    expected = import_log(
        SAMPLE,
        SAMPLE_MAP,
        year=2027,
        plan_names=(["North America", "EMEA", "APAC"], ["Inbound", "Events", "Outbound"]),
        followup_hours={"Inbound": 24, "Outbound": 4},
    )
    assert summary == expected.summary.to_dict()
    data = yaml.safe_load(plan.read_text())
    data["log"] = "log.csv"
    read = parse_plan(data, "plan.yaml", base_dir=tmp_path)
    assert read.log.equals(expected.log)
    assert read.log["worked"].notna().any() and read.log["worked"].isna().any()


def test_plan_option_rules(tmp_path: Path) -> None:
    plan = plan_with_hours(tmp_path)
    code, _, err = run(
        "import", SAMPLE, "--map", SAMPLE_MAP, "--plan", plan, "--year", 2026,
        "--to", tmp_path / "l.csv",
    )  # fmt: skip
    assert code == 2 and "not the plan's year 2027" in err
    code, _, err = run(
        "import", SAMPLE, "--map", SAMPLE_MAP, "--plan", plan, "--into", V1_BOOK,
        "--out", tmp_path / "n.xlsx",
    )  # fmt: skip
    assert code == 2 and "--plan is for --to" in err


def test_import_into_a_version_2_workbook_fills_worked_and_attempts(tmp_path: Path) -> None:
    plan = plan_with_hours(tmp_path)
    book, new = tmp_path / "book.xlsx", tmp_path / "new.xlsx"
    code, _, err = run("generate", book, "--plan", plan)
    assert code == 0, err
    code, out, err = run("import", SAMPLE, "--map", SAMPLE_MAP, "--into", book, "--out", new)
    assert code == 0, err
    assert "Follow-up: first contact from First outreach date" in out
    log = read_workbook(new).yours.plan.log
    imported = import_log(
        SAMPLE, SAMPLE_MAP, year=2027, followup_hours={"Inbound": 24, "Outbound": 4}
    ).log
    merged = log.merge(imported, on=["date", "segment", "channel"], suffixes=("", "_imp"))
    assert len(merged) == len(imported)
    for column in ("leads", "worked", "attempts"):
        a, b = merged[column], merged[f"{column}_imp"]
        assert (a.isna() == b.isna()).all() and (a[a.notna()] == b[b.notna()]).all()
    assert merged["worked"].notna().sum() > 0
    assert merged.loc[merged["channel"] == "Events", "worked"].isna().all()
    code, _, err = run("validate", new)
    assert code == 0, err


def test_import_into_a_version_1_workbook_says_followup_was_not_written(tmp_path: Path) -> None:
    # the sample's first 25 contacts: the v1 workbook's 60 log rows hold them
    part = tmp_path / "part.csv"
    part.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(True)[:26]))
    new = tmp_path / "new.xlsx"
    code, out, err = run(
        "import", part, "--map", SAMPLE_MAP, "--into", V1_BOOK, "--out", new, "--format", "json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["workbook"]["followup_written"] is False
    assert "template version 1" in summary["workbook"]["followup_note"]
    assert any("no follow-up hours" in r for r in summary["followup"]["blank"]["worked"])
    assert new.exists()
    log = read_workbook(new).yours.plan.log
    assert log["worked"].isna().all() and log["attempts"].isna().all()
