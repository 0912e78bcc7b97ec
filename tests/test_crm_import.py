"""CRM import through the Python API: the log equals an independent pandas aggregation of
the same export, and every row is accounted for (tests/data/crm, made by
tests/make_crm_exports.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import yaml

from sla_workbook import load_plan
from sla_workbook.crm.import_summary import NOT_COUNTED
from sla_workbook.crm.log_import import import_log
from sla_workbook.crm.map_file import parse_map
from tests import make_crm_exports as make

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "crm"
HUBSPOT_MAP = DATA / "hubspot-map.yaml"
SALESFORCE_MAP = DATA / "salesforce-map.yaml"


def read_with_pandas(path: Path) -> pd.DataFrame:
    """The export as text cells, read by pandas (its own CSV and xlsx readers)."""
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")

        def text(v: Any) -> str:
            if v is None or (isinstance(v, float) and pd.isna(v)):
                return ""
            if isinstance(v, dt.datetime):
                return v.isoformat(sep=" ")
            return str(v)

        return frame.map(text)
    options: dict[str, Any] = {"dtype": str, "keep_default_na": False}
    if path.name.endswith("-excel.csv"):
        options.update(sep=";", encoding="utf-8-sig")
    elif path.suffix == ".txt":
        options.update(sep="\t", encoding="utf-16")
    return pd.read_csv(path, **options)


def independent(
    frame: pd.DataFrame, map_file: Path, year: int | None
) -> tuple[pd.DataFrame, Counter[str]]:
    """The log and the reasons, computed row by row with the standard library's ISO
    parser and zoneinfo, and grouped by pandas: no code shared with the importer."""
    spec = yaml.safe_load(map_file.read_text())
    preset = make_preset(spec["preset"])
    zone = ZoneInfo(spec["timezone"])
    segs = {str(k).strip().lower(): v for k, v in spec["segments"].items()}
    chans = {str(k).strip().lower(): v for k, v in spec["channels"].items()}
    reasons: Counter[str] = Counter()
    kept = []
    for _, row in frame.iterrows():
        value = next((row[c].strip() for c in preset["date"] if row[c].strip()), "")
        if not value:
            reasons["no_date"] += 1
            continue
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            reasons["date_unparseable"] += 1
            continue
        day = (moment.astimezone(zone) if moment.tzinfo else moment).date()
        if year is not None and day.year != year:
            reasons["date_outside_year"] += 1
            continue
        seg = segs.get(row[preset["segment"]].strip().lower())
        ch = chans.get(row[preset["channel"]].strip().lower())
        if seg is None:
            reasons["segment_unmapped"] += 1
        elif ch is None:
            reasons["channel_unmapped"] += 1
        else:
            kept.append((pd.Timestamp(day), seg, ch))
    log = (
        pd.DataFrame(kept, columns=["date", "segment", "channel"])
        .groupby(["date", "segment", "channel"])
        .size()
        .rename("leads")
        .reset_index()
    )
    return log, reasons


def make_preset(name: str) -> dict[str, Any]:
    if name == "hubspot-contacts":
        return {
            "date": ["Became a Lead Date", "Create Date"],
            "segment": "Country/Region",
            "channel": "Original Source",
        }
    return {"date": ["CreatedDate"], "segment": "Country", "channel": "LeadSource"}


def check(export: Path, map_file: Path, year: int | None) -> None:
    result = import_log(export, map_file, year=year)
    frame = read_with_pandas(export)
    expected, reasons = independent(frame, map_file, year)
    got = result.log[["date", "segment", "channel", "leads"]].astype(
        {"leads": "int64", "segment": object, "channel": object}
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    s = result.summary
    assert s.rows_read == len(frame)
    assert s.rows_read == s.rows_counted + sum(s.not_counted.values())
    assert s.rows_counted == int(expected["leads"].sum())
    assert {k: v for k, v in s.not_counted.items() if v} == dict(reasons)
    assert s.log_rows == len(expected)


@pytest.mark.parametrize(
    "name",
    [
        "hubspot-contacts.csv",
        "hubspot-contacts-excel.csv",
        "hubspot-contacts-unicode.txt",
        "hubspot-contacts.xlsx",
    ],
)
@pytest.mark.parametrize("year", [2027, None])
def test_hubspot_log_equals_pandas(name: str, year: int | None) -> None:
    check(DATA / name, HUBSPOT_MAP, year)


@pytest.mark.parametrize("year", [2027, 2026, None])
def test_salesforce_log_equals_pandas(year: int | None) -> None:
    check(DATA / "salesforce-leads.csv", SALESFORCE_MAP, year)


def test_every_form_of_the_export_gives_the_same_summary() -> None:
    summaries = [
        import_log(DATA / name, HUBSPOT_MAP, year=2027).summary.to_dict()
        for name in (
            "hubspot-contacts.csv",
            "hubspot-contacts-excel.csv",
            "hubspot-contacts-unicode.txt",
            "hubspot-contacts.xlsx",
        )
    ]
    kinds = [s.pop("kind") for s in summaries]
    for s in summaries:
        s.pop("export")
    assert kinds == ["csv", "csv", "csv (UTF-16)", "xlsx"]
    assert all(s == summaries[0] for s in summaries)


def test_the_exports_have_the_real_columns_and_the_hard_cases() -> None:
    frame = read_with_pandas(DATA / "hubspot-contacts.csv")
    assert len(frame.columns) > 100
    assert {"Record ID", "Create Date", "Became a Lead Date", "Original Source"} <= set(
        frame.columns
    )
    assert (frame["Became a Lead Date"] == "").sum() > 20  # the fallback to Create Date
    assert frame["Message"].str.contains("\n").any()  # a quoted newline
    assert (DATA / "hubspot-contacts-excel.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert (DATA / "hubspot-contacts-unicode.txt").read_bytes()[:2] == b"\xff\xfe"
    sf = read_with_pandas(DATA / "salesforce-leads.csv")
    assert {"Id", "CreatedDate", "LeadSource", "Country", "Status", "IsConverted"} <= set(
        sf.columns
    )


def test_the_summary_names_what_to_add_to_the_map() -> None:
    s = import_log(DATA / "hubspot-contacts.csv", HUBSPOT_MAP, year=2027).summary
    segments = dict(s.unmapped["segment"])
    assert "Brazil" in segments and "" in segments  # a blank country is a value too
    assert [v for v, _ in s.unmapped["channel"]] == ["AI Referrals"]
    assert s.unparseable_dates == [("31/03/2027 10:15", 1)]
    assert not s.ok
    counts = [n for _, n in s.unmapped["segment"]]
    assert counts == sorted(counts, reverse=True)
    assert set(s.to_dict()["not_counted"]) == set(NOT_COUNTED)


def test_mixed_case_and_spaces_match() -> None:
    result = import_log(DATA / "hubspot-contacts.csv", HUBSPOT_MAP, year=2027)
    frame = read_with_pandas(DATA / "hubspot-contacts.csv")
    odd = frame["Country/Region"].isin([" germany ", "  Germany", "UNITED STATES"]).sum()
    assert odd >= 3
    assert "germany" not in {v.strip().lower() for v, _ in result.summary.unmapped["segment"]}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def mini_map(**extra: Any) -> Any:
    data: dict[str, Any] = {"columns": {"date": "When", "segment": "Region", "channel": "Src"}}
    data.update(extra)
    return parse_map(data, "map.yaml")


@pytest.mark.parametrize(
    ("value", "zone", "day"),
    [
        ("2027-03-01", "UTC", "2027-03-01"),
        ("2027-03-01 23:30", "Europe/Madrid", "2027-03-01"),  # naive: already local
        ("2027-03-01T23:30:15.250", "America/New_York", "2027-03-01"),
        ("2027-03-01T23:30:00Z", "Europe/Madrid", "2027-03-02"),  # UTC -> Madrid (+1)
        ("2027-03-01T23:30:00Z", "UTC", "2027-03-01"),
        ("2027-03-02T03:30:00.000Z", "America/New_York", "2027-03-01"),  # -5
        ("2027-07-02T03:30:00.000Z", "America/New_York", "2027-07-01"),  # -4 in summer
        ("2027-03-01T23:30:00+05:00", "UTC", "2027-03-01"),
        ("2027-03-01T01:30:00+0500", "UTC", "2027-02-28"),
        ("2027-03-01 22:00:00-08:00", "Asia/Tokyo", "2027-03-02"),
        ("2027-03-01T12:00", "UTC", "2027-03-01"),
        ("2027-03-01 23:30:00 UTC", "Europe/Madrid", "2027-03-02"),  # a zone name
        ("2027-03-01T23:30Z", "Europe/Madrid", "2027-03-02"),  # no seconds, Z
        ("2027-03-01T23:30:00.5+01:00", "Europe/Madrid", "2027-03-01"),
    ],
)
def test_time_zones(tmp_path: Path, value: str, zone: str, day: str) -> None:
    export = write(tmp_path / "e.csv", f"When,Region,Src\n{value},EMEA,Inbound\n")
    result = import_log(export, mini_map(timezone=zone))
    assert [r[0].isoformat() for r in result.rows] == [day]


@pytest.mark.parametrize(
    "value", ["01/03/2027", "March 1, 2027", "epoch", "infinity", "2027-02-30", "45352"]
)
def test_dates_that_do_not_parse_are_counted_not_dropped(tmp_path: Path, value: str) -> None:
    export = write(tmp_path / "e.csv", f'When,Region,Src\n"{value}",EMEA,Inbound\n,EMEA,X\n')
    s = import_log(export, mini_map()).summary
    assert s.rows_read == 2 and s.rows_counted == 0
    assert s.not_counted["date_unparseable"] == 1 and s.not_counted["no_date"] == 1
    assert s.unparseable_dates == [(value, 1)]


def test_date_format_reads_other_layouts(tmp_path: Path) -> None:
    export = write(
        tmp_path / "e.csv",
        "When,Region,Src\n31/03/2027 23:10,EMEA,Inbound\n2027-04-01,EMEA,Inbound\n",
    )
    result = import_log(export, mini_map(date_format="%d/%m/%Y %H:%M"))
    assert [(r[0].isoformat(), r[3]) for r in result.rows] == [
        ("2027-03-31", 1),
        ("2027-04-01", 1),
    ]


def test_names_the_plan_lacks_and_plan_spelling(tmp_path: Path) -> None:
    export = write(
        tmp_path / "e.csv",
        "When,Region,Src\n2027-01-05,de,web\n2027-01-05,br,web\n2027-01-06,DE,fair\n",
    )
    cmap = mini_map(
        segments={"de": "emea", "br": "LATAM"}, channels={"web": "inbound", "fair": "Events"}
    )
    plan = load_plan(ROOT / "samples" / "plan.yaml")
    names = (list(plan.segments["segment"]), list(plan.channels["channel"]))
    result = import_log(export, cmap, year=2027, plan_names=names)
    assert [(r[1], r[2]) for r in result.rows] == [("EMEA", "Inbound"), ("EMEA", "Events")]
    s = result.summary
    assert s.not_counted["name_not_in_plan"] == 1
    assert s.not_in_plan == {"segment": [("LATAM", 1)], "channel": []}
    assert not s.ok


def test_without_value_maps_the_values_are_the_names(tmp_path: Path) -> None:
    export = write(
        tmp_path / "e.csv",
        "When,Region,Src\n2027-01-05,EMEA,Inbound\n2027-01-05, emea ,INBOUND\n"
        "2027-01-05,Nordics,Inbound\n2027-01-05,,Inbound\n",
    )
    plain = import_log(export, mini_map())
    assert plain.summary.rows_counted == 3  # blank is not a name
    assert [(r[1], r[2], r[3]) for r in plain.rows] == [
        ("EMEA", "INBOUND", 2),
        ("Nordics", "Inbound", 1),
    ]
    checked = import_log(export, mini_map(), plan_names=(["EMEA"], ["Inbound"]))
    assert [(r[1], r[2], r[3]) for r in checked.rows] == [("EMEA", "Inbound", 2)]
    assert checked.summary.not_counted["segment_unmapped"] == 2


def test_top_ten_unmapped_values(tmp_path: Path) -> None:
    lines = [f"2027-01-0{1 + i % 9},R{i},Inbound" for i in range(15) for _ in range(i + 1)]
    export = write(tmp_path / "e.csv", "When,Region,Src\n" + "\n".join(lines) + "\n")
    s = import_log(export, mini_map(segments={"r0": "EMEA"})).summary
    assert s.unmapped["segment"] == [(f"R{i}", i + 1) for i in range(14, 4, -1)]
    assert s.not_counted["segment_unmapped"] == sum(range(2, 16))


def test_log_is_typed_like_a_plan_log() -> None:
    samples = ROOT / "samples"
    result = import_log(samples / "hubspot-contacts.csv", samples / "crm-map.yaml")
    plan_log = load_plan(ROOT / "samples" / "plan.yaml").log
    assert result.log.dtypes.to_dict() == plan_log.dtypes.to_dict()
    keys = list(zip(result.log["date"], result.log["segment"], result.log["channel"], strict=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert (result.log["leads"] > 0).all()


def test_generated_files_are_reproducible(tmp_path: Path) -> None:
    """The committed exports are exactly what the script makes (no hand edits)."""
    for path, data in make.files():
        assert path.read_bytes() == data, f"{path}: run python -m tests.make_crm_exports"
    xlsx = tmp_path / "x.xlsx"
    make.write_xlsx(xlsx, make.hubspot_rows(240, 2027), make.HUBSPOT_COLUMNS)
    assert xlsx.read_bytes() == (DATA / "hubspot-contacts.xlsx").read_bytes()
