"""The report's figures are the workbook's own: random plans typed into a blank workbook
in LibreOffice (UNO), saved as .xlsx and .ods, then read back by `report`; its JSON must
equal the engine's tracker and the `track_*` values LibreOffice computed and stored."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from sla_workbook import compute, parse_plan
from sla_workbook.cli import main
from sla_workbook.reading.reader import read_workbook
from tests.plans import plans_with_followup
from tests.spreadsheet_programs import ODS_FILTER, XLSX_FILTER, uno_edit
from tests.test_fill_and_validate import blank_for, typed_cells

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())
FILLS = int(os.environ.get("SLA_REPORT_FILL_EXAMPLES", "3"))
TRACKED = ("sla", "mtd", "plan_to_date", "pace", "projected")
STORED = ("mtd", "plan_to_date", "pace", "projected")


def _values(rows: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)


@settings(
    max_examples=FILLS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plans_with_followup())
def test_report_json_equals_engine_and_workbook(tmp_path: Path, data: dict[str, Any]) -> None:
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))
    blank = blank_for(tmp_path, data)
    outputs = [(tmp_path / "filled.xlsx", XLSX_FILTER), (tmp_path / "filled.ods", ODS_FILTER)]
    files = uno_edit(blank, outputs, typed_cells(data))
    tracker = compute(parse_plan(data)).tracker
    for path in files:
        result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        jsonschema.validate(doc, SCHEMA)
        channels, teams = doc["channels"], doc["teams"]
        assert [r["name"] for r in channels + teams] == tracker["name"].tolist()
        for key in TRACKED:
            want = tracker[key].to_numpy(dtype=float, na_value=np.nan)
            got = _values(channels + teams, key)
            # the report blanks an SLA that is a sum of blanks only; random plans have none
            np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True, err_msg=key)
        stored = read_workbook(path).yours.outputs()["tracker"]
        for key in STORED:
            want = stored[key].to_numpy(dtype=float, na_value=np.nan)
            np.testing.assert_allclose(
                _values(channels, key), want, rtol=1e-9, equal_nan=True, err_msg=f"track_{key}"
            )
        for row in channels + teams:
            if row["sla"] is not None and row["mtd"] is not None:
                assert row["still_needed"] == max(row["sla"] - row["mtd"], 0)
        # sales' side (template version 2): the engine's and the workbook's own values
        sales = doc["sales"] or []
        if sales:
            assert [r["name"] for r in sales] == tracker["name"].tolist()
        for key in ("followup_rate", "followup_target", "attempts_per_lead", "attempts_target"):
            want = tracker[key].to_numpy(dtype=float, na_value=np.nan)
            got = _values(sales, key) if sales else np.full(len(want), np.nan)
            np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True, err_msg=key)
        for key in ("followup_rate", "attempts_per_lead"):
            want = stored[key].to_numpy(dtype=float, na_value=np.nan)
            got = _values(sales[: len(want)], key) if sales else np.full(len(want), np.nan)
            np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True, err_msg=key)


def test_report_of_a_version_1_book_equals_its_stored_tracker() -> None:
    """tests/data/v1: the report reads a version-1 book's tracker as it is stored."""
    for name in ("sample-en.xlsx", "sample-en.ods"):
        path = ROOT / "tests" / "data" / "v1" / name
        result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        jsonschema.validate(doc, SCHEMA)
        assert doc["sales"] is None
        stored = read_workbook(path).yours.outputs()["tracker"]
        for key in STORED:
            want = stored[key].to_numpy(dtype=float, na_value=np.nan)
            got = _values(doc["channels"], key)
            np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True, err_msg=key)
