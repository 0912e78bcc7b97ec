"""A person fills the workbook in LibreOffice (through UNO), saves it as .xlsx and .ods,
and the reader and validator must agree with the engine. Then the ways spreadsheets
break: each tamper case must be reported with its code at its cell.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings

from sla_workbook import compute, load_plan, parse_plan
from sla_workbook.checking.validator import validate
from sla_workbook.cli import main
from sla_workbook.reading.reader import read_workbook
from tests.plans import plans_with_followup
from tests.spreadsheet_programs import ODS_FILTER, XLSX_FILTER, uno_edit
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
SCHEMA = json.loads((ROOT / "docs" / "validation-report.schema.json").read_text())
FILLS = int(os.environ.get("SLA_FILL_EXAMPLES", "3"))


HALF_AGREED: dict[str, Any] = {
    "year": 2027,
    "channels": [
        {"name": "M0", "team": "marketing", "attempts_target": 1},
        {
            "name": "S0",
            "team": "sales",
            "followup_hours": 1,
            "followup_target": 0.0,
            "attempts_target": 1,
        },
        {"name": "S1", "team": "sales", "followup_hours": 1},
    ],
    "segments": [
        {
            "name": "=1+1",
            "avg_price": 1.0,
            "marketing_share": 0.0,
            "targets": [0.0] * 12,
            "close_rate": {"M0": 1.0, "S0": 1.0, "S1": 1.0},
            "channel_mix": {"M0": 1.0, "S0": 0.5, "S1": 0.5},
        }
    ],
    "log": [],
    "track": {"month": 1},
}


def typed_cells(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan as a person types it into the blank workbook's input blocks."""
    segs = data["segments"]
    channels = [c["name"] for c in data["channels"]]
    log = data.get("log", [])
    cells: list[dict[str, Any]] = [
        {"name": "your_year", "values": [[data["year"]]]},
        {"name": "your_segments", "values": [[s["name"]] for s in segs]},
        {"name": "your_targets", "values": [s["targets"] for s in segs]},
        {"name": "your_avg_price", "values": [[s["avg_price"]] for s in segs]},
        {"name": "your_marketing_share", "values": [[s["marketing_share"]] for s in segs]},
        {
            "name": "your_close_rate",
            "values": [[s["close_rate"][c] for c in channels] for s in segs],
        },
        {
            "name": "your_channel_mix",
            "values": [[s["channel_mix"][c] for c in channels] for s in segs],
        },
        {"name": "your_track_month", "values": [[data["track"]["month"]]]},
    ]
    for key in ("followup_hours", "followup_target", "attempts_target"):
        values = [c.get(key, KEEP) for c in data["channels"]]
        if any(v != KEEP for v in values):
            cells.append({"name": f"your_{key}", "values": [values]})
    if data["track"].get("asof"):
        cells.append({"name": "your_track_asof", "values": [[{"date": data["track"]["asof"]}]]})
    if log:
        cells += [
            {"name": "your_log_date", "values": [[{"date": r["date"]}] for r in log]},
            {"name": "your_log_segment", "values": [[r["segment"]] for r in log]},
            {"name": "your_log_channel", "values": [[r["channel"]] for r in log]},
            {"name": "your_log_leads", "values": [[r["leads"]] for r in log]},
            {"name": "your_log_worked", "values": [[r.get("worked", KEEP)] for r in log]},
            {"name": "your_log_attempts", "values": [[r.get("attempts", KEEP)] for r in log]},
        ]
    return cells


def blank_for(tmp: Path, data: dict[str, Any]) -> Path:
    channels = tuple((c["name"], c["team"]) for c in data["channels"])
    return make(
        tmp, "blank.xlsx", year=2000, rows=len(data["segments"]) + 1, channels=channels, log_rows=60
    )


def _floats(series: Any) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


@settings(
    max_examples=FILLS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plans_with_followup())
@example(data=HALF_AGREED)  # found by CI: a channel with hours but no target
def test_filled_in_libreoffice_validates_and_reads_back(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))  # one folder per hypothesis example
    blank = blank_for(tmp_path, data)
    xlsx, ods = uno_edit(
        blank,
        [(tmp_path / "filled.xlsx", XLSX_FILTER), (tmp_path / "filled.ods", ODS_FILTER)],
        typed_cells(data),
    )
    expected = compute(parse_plan(data))
    for path in (xlsx, ods):
        report = validate(path)
        # the only thing to say: half a follow-up agreement (hours or target alone), a
        # warning on exactly the channels the plan leaves that way
        half = {
            j
            for j, c in enumerate(data["channels"])
            if ("followup_hours" in c) != ("followup_target" in c)
        }
        found = [f"{f.code} {f.where()} {f.message}" for f in report.findings]
        assert all(f.code == "followup-incomplete" for f in report.findings), found
        assert len(report.findings) == len(half) and report.valid, found
        wb = read_workbook(path)
        out = wb.yours.outputs()
        n = len(data["segments"]) * len(data["channels"]) * 12  # the spare empty row comes last
        for frame, column in (
            ("sla", "leads"),
            ("sla", "revenue"),
            ("actuals", "actual"),
            ("actuals", "attainment"),
            ("followup", "followup_rate"),
            ("followup", "attempts_per_lead"),
        ):
            got = _floats(out[frame][column])[:n]
            want = _floats(getattr(expected, frame)[column])
            np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True, err_msg=column)
        mtd = _floats(out["tracker"]["mtd"])
        want_mtd = _floats(expected.tracker.loc[expected.tracker.level == "channel", "mtd"])
        np.testing.assert_allclose(mtd, want_mtd, equal_nan=True)
        channels = expected.tracker.level == "channel"
        for column in ("followup_rate", "attempts_per_lead"):
            got = _floats(out["tracker"][column])
            want = _floats(expected.tracker.loc[channels, column])
            np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True, err_msg=column)
        assert wb.yours.plan.segment_names == [s["name"] for s in data["segments"]]


# -- tamper cases -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tamper")
    return make(tmp, "base.xlsx", plan=load_plan(SAMPLE), rows=3, log_rows=30)


K = 3  # the sample has Inbound, Events (marketing) and Outbound (sales)
KEEP = "__keep__"


def _one(name: str, value: Any, row: int = 0, col: int = 0, width: int = 1) -> dict[str, Any]:
    values = [[KEEP] * width for _ in range(row + 1)]
    values[row][col] = value
    return {"name": name, "values": values}


TAMPER = {
    # case: (cells typed, expected code, expected cell)
    "formula overwritten": ([_one("your_sla_leads", 99, width=12)], "formula-overwritten", "D21"),
    "formula edited": (
        [_one("your_lead_value", {"formula": "=B14*E14*2"}, width=K)],
        "formula-changed",
        "N14",
    ),
    "close rate 25": ([_one("your_close_rate", 25, width=K)], "percent-as-whole-number", "E14"),
    "mix 60%+60%": (
        [{"name": "your_channel_mix", "values": [[0.6, 0.6, KEEP]]}],
        "mix-not-100",
        "H14",
    ),
    "text in target": ([_one("your_targets", "lots", width=12)], "not-a-number", "B7"),
    "unknown log segment": (
        [_one("your_log_segment", "Atlantis", row=1)],
        "log-unknown-segment",
        "U6",
    ),
    "negative leads": ([_one("your_log_leads", -4, row=2)], "log-leads-invalid", "W7"),
    "log date outside year": (
        [_one("your_log_date", {"date": "2026-12-31"})],
        "log-date-outside-year",
        "T5",
    ),
    "track month 13": ([_one("your_track_month", 13)], "track-month-invalid", "B"),
    # sales' side (template version 2)
    "worked above leads": ([_one("your_log_worked", 999)], "log-worked-exceeds-leads", "X5"),
    "worked not whole": ([_one("your_log_worked", 2.5, row=1)], "log-worked-invalid", "X6"),
    "attempts not whole": ([_one("your_log_attempts", 2.5)], "log-attempts-invalid", "Y5"),
    "follow-up hours 0": (
        [_one("your_followup_hours", 0, width=K)],
        "followup-hours-invalid",
        "B7",
    ),
    "follow-up target 90": (
        [_one("your_followup_target", 90, width=K), _one("your_followup_hours", 24, width=K)],
        "percent-as-whole-number",
        "B8",
    ),
    # the sample agrees hours and target on every channel: Inbound's target cleared
    "half an agreement": (
        [_one("your_followup_target", None, width=K)],
        "followup-incomplete",
        "B8",
    ),
    "attempts target 0": (
        [_one("your_attempts_target", 0, col=1, width=K)],
        "attempts-target-invalid",
        "C9",
    ),
}


@pytest.mark.parametrize("case", list(TAMPER))
def test_tamper_case_is_reported_at_its_cell(base: Path, tmp_path: Path, case: str) -> None:
    cells, code, cell = TAMPER[case]
    (out,) = uno_edit(base, [(tmp_path / "t.xlsx", XLSX_FILTER)], cells)
    report = validate(out)
    hits = [f for f in report.findings if f.code == code]
    assert hits, [f"{f.code} {f.where()}" for f in report.findings]
    assert any((f.cell or "").startswith(cell) for f in hits), [f.where() for f in hits]
    assert report.valid == all(f.severity == "warning" for f in report.findings)


def test_stale_values_when_calculation_is_off(base: Path, tmp_path: Path) -> None:
    cells = [_one("your_targets", 999999, width=12)]
    (out,) = uno_edit(base, [(tmp_path / "stale.xlsx", XLSX_FILTER)], cells, autocalc=False)
    report = validate(out)
    stale = [f for f in report.findings if f.code == "stale-value"]
    assert stale and any(f.where() == "'Your SLA'!D37" for f in stale), [
        f.where() for f in report.findings
    ]
    # the input itself is fine; the stored revenue now also falls short of the new target
    assert {f.code for f in report.findings} == {"stale-value", "sla-short-of-target"}


def test_missing_sheet(base: Path, tmp_path: Path) -> None:
    (out,) = uno_edit(
        base, [(tmp_path / "gone.xlsx", XLSX_FILTER)], [], remove_sheets=("Your SLA",)
    )
    result = CliRunner().invoke(main, ["validate", str(out), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert any(f["code"] == "missing-sheet" and f["sheet"] == "Your SLA" for f in doc["findings"])


def test_openpyxl_save_gives_one_warning(base: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(base)
    out = tmp_path / "openpyxl.xlsx"
    wb.save(out)
    report = validate(out)
    assert [f.code for f in report.findings] == ["no-stored-values"]
    assert report.valid
    strict = CliRunner().invoke(main, ["validate", str(out), "--strict"])
    assert strict.exit_code == 1
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


def test_cli_clean_file_exit_0_json_schema_and_input_untouched(base: Path) -> None:
    before = (base.read_bytes(), base.stat().st_mtime_ns)
    result = CliRunner().invoke(main, ["validate", str(base), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["valid"] and doc["summary"] == {"errors": 0, "warnings": 0}
    text = CliRunner().invoke(main, ["validate", str(base)])
    assert "No problems found." in text.stdout and "The SLA per team and month" in text.stdout
    assert (base.read_bytes(), base.stat().st_mtime_ns) == before


def test_cli_errors_json_matches_schema_and_exit_1(base: Path, tmp_path: Path) -> None:
    cells = [_one("your_close_rate", 25, width=K), _one("your_targets", "lots", width=12)]
    (out,) = uno_edit(base, [(tmp_path / "bad.xlsx", XLSX_FILTER)], cells)
    result = CliRunner().invoke(main, ["validate", str(out), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    codes = {f["code"] for f in doc["findings"]}
    assert {"percent-as-whole-number", "not-a-number"} <= codes
    text = CliRunner().invoke(main, ["validate", str(out)]).stdout
    assert text.splitlines()[1].startswith("2 errors, 0 warnings in 'Your")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"date,leads\n2027-01-01,3\n", "not a workbook"),
        (None, "is a directory"),
    ],
)
def test_cli_unreadable_exit_2(tmp_path: Path, content: bytes | None, reason: str) -> None:
    target = tmp_path / "x.xlsx"
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(target)])
    assert result.exit_code == 2
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_not_our_workbook_exit_2(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "not an SLA workbook" in result.stderr


def test_export_writes_frames_and_refuses_to_overwrite(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "frames"
    runner = CliRunner()
    assert runner.invoke(main, ["export", str(base), "--to", str(out)]).exit_code == 0
    import pandas as pd

    sla = pd.read_csv(out / "your_sla.csv")
    assert list(sla.columns) == ["segment", "channel", "team", "month", "revenue", "leads"]
    expected = compute(load_plan(SAMPLE)).sla["leads"].astype(float).tolist()
    assert sla["leads"].tolist() == expected
    again = runner.invoke(main, ["export", str(base), "--to", str(out)])
    assert again.exit_code == 4 and "already exists" in again.stderr
    assert (
        runner.invoke(
            main, ["export", str(base), "--to", str(out), "--force", "--format", "json"]
        ).exit_code
        == 0
    )
    assert json.loads((out / "your_targets.json").read_text())[0]["segment"] == "North America"


def test_year_is_typed_too(tmp_path: Path) -> None:
    # A regression guard for the fill helper itself: the blank workbook's year (2000) is
    # replaced by the typed one, or every log row would be outside the plan year.
    data = _small_plan()
    blank = blank_for(tmp_path, data)
    (out,) = uno_edit(blank, [(tmp_path / "y.xlsx", XLSX_FILTER)], typed_cells(data))
    assert read_workbook(out).yours.plan.year == data["year"] != 2000


def _small_plan() -> dict[str, Any]:
    from tests.plans import plan_dict

    data = plan_dict(
        track={"month": 1},
        log=[
            {
                "date": dt.date(2027, 1, 3).isoformat(),
                "segment": "North",
                "channel": "Sales",
                "leads": 2,
            }
        ],
    )
    data["segments"][0]["channel_mix"] = {"Marketing": 1, "Sales": 1}
    return data
