"""Each input rule, provoked by editing a generated workbook with openpyxl (fast: no
spreadsheet program). openpyxl drops every stored value, so each report also carries
the one no-stored-values warning; the rule's own finding must be there, at its cell.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sla_workbook import load_plan
from sla_workbook.checking.validator import normalize_formula, validate
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]

# The sample on your sheets: 3 segments (rows 7-9 on 'Your targets', 14-16 on 'Your SLA'),
# channels Inbound, Events (marketing) and Outbound (sales) in B5:D5, teams in B6:D6.
CASES: dict[str, tuple[str, str, Any, str]] = {
    # name: (sheet, cell, typed value, expected code)
    "negative target": ("Your targets", "C7", -5, "negative-target"),
    "price zero": ("Your SLA", "B15", 0, "price-not-positive"),
    "price missing": ("Your SLA", "B15", None, "input-missing"),
    "share 120%": ("Your SLA", "C14", 1.2, "out-of-range"),
    "share typed 60": ("Your SLA", "C14", 60, "percent-as-whole-number"),
    "close rate 0": ("Your SLA", "E14", 0, "out-of-range"),
    "mix as text": ("Your SLA", "H14", "half", "not-a-number"),
    "duplicate segment": ("Your targets", "A8", "north AMERICA", "duplicate-segment"),
    "wildcard segment": ("Your targets", "A8", "EMEA*", "name-wildcard"),
    "team unknown": ("Your SLA", "D6", "Finance", "team-invalid"),
    "channel blank": ("Your SLA", "C5", None, "channel-missing"),
    "duplicate channel": ("Your SLA", "C5", "inbound", "duplicate-channel"),
    "year text": ("Your targets", "B4", "next year", "year-invalid"),
    "log date text": ("Your SLA", "T5", "yesterday", "log-date-invalid"),
    "log unknown channel": ("Your SLA", "V5", "Fax", "log-unknown-channel"),
    "log fractional leads": ("Your SLA", "W5", 2.5, "log-leads-invalid"),
    "track as-of other month": ("Your SLA", "B147", dt.datetime(2027, 5, 3), "track-asof-invalid"),
    "formula overwritten": ("Your SLA", "E22", 12, "formula-overwritten"),
    "formula edited": ("Your SLA", "E22", "=1+1", "formula-changed"),
    # sales' side (template version 2): channels in B..D, log worked X, attempts Y
    "follow-up hours negative": ("Your SLA", "B7", -3, "followup-hours-invalid"),
    "follow-up hours text": ("Your SLA", "C7", "a day", "followup-hours-invalid"),
    "follow-up target 1.5": ("Your SLA", "B8", 1.5, "out-of-range"),
    "attempts target 2.5": ("Your SLA", "B9", 2.5, "attempts-target-invalid"),
    "log worked above leads": ("Your SLA", "X5", 999, "log-worked-exceeds-leads"),
    "log worked negative": ("Your SLA", "X6", -1, "log-worked-invalid"),
    "log attempts text": ("Your SLA", "Y5", "many", "log-attempts-invalid"),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("rules")
    return make(
        tmp, "base.xlsx", plan=load_plan(ROOT / "samples" / "plan.yaml"), rows=4, log_rows=20
    )


def edited(base: Path, tmp: Path, edits: list[tuple[str, str, Any]]) -> Path:
    wb = openpyxl.load_workbook(base)
    for sheet, cell, value in edits:
        wb[sheet][cell].value = value
    out = tmp / "edited.xlsx"
    wb.save(out)
    return out


def test_layout_of_the_fixture(base: Path) -> None:
    # the addresses in CASES rest on this layout; check the anchors so a layout change is obvious
    wb = openpyxl.load_workbook(base)
    assert wb.defined_names["your_track_asof"].attr_text == "'Your SLA'!$B$147"
    assert wb.defined_names["your_log_date"].attr_text.startswith("'Your SLA'!$T$5")
    assert wb.defined_names["your_sla_leads"].attr_text.startswith("'Your SLA'!$D$22")


def test_untouched_openpyxl_copy_has_only_the_warning(base: Path, tmp_path: Path) -> None:
    report = validate(edited(base, tmp_path, []))
    assert [f.code for f in report.findings] == ["no-stored-values"]


@pytest.mark.parametrize("case", list(CASES))
def test_rule(base: Path, tmp_path: Path, case: str) -> None:
    sheet, cell, value, code = CASES[case]
    report = validate(edited(base, tmp_path, [(sheet, cell, value)]))
    where = f"'{sheet}'!{cell}"
    hits = [f for f in report.findings if f.code == code]
    assert any(f.where() == where for f in hits), [(f.code, f.where()) for f in report.findings]
    assert report.valid == all(f.severity == "warning" for f in report.findings)


def test_unnamed_row_with_inputs_is_a_warning(base: Path, tmp_path: Path) -> None:
    report = validate(edited(base, tmp_path, [("Your SLA", "B17", 5000)]))
    found = [(f.code, f.severity, f.where()) for f in report.findings]
    assert ("unnamed-row-used", "warning", "'Your targets'!A10") in found
    assert report.valid


def test_half_a_follow_up_agreement_points_at_the_missing_input(base: Path, tmp_path: Path) -> None:
    # the sample agrees all three on every channel: take Outbound's hours away
    report = validate(edited(base, tmp_path, [("Your SLA", "D7", None)]))
    found = [(f.code, f.severity, f.where()) for f in report.findings]
    assert ("followup-incomplete", "warning", "'Your SLA'!D7") in found
    assert report.valid


def test_mix_not_100(base: Path, tmp_path: Path) -> None:
    report = validate(edited(base, tmp_path, [("Your SLA", "H14", 0.6), ("Your SLA", "I14", 0.6)]))
    hits = [f for f in report.findings if f.code == "mix-not-100"]
    assert hits and hits[0].where() == "'Your SLA'!H14" and hits[0].actual == pytest.approx(1.2)


def test_percent_hint_says_what_to_type(base: Path, tmp_path: Path) -> None:
    report = validate(edited(base, tmp_path, [("Your SLA", "E14", 25)]))
    (hit,) = [f for f in report.findings if f.code == "percent-as-whole-number"]
    assert "type 25% or 0.25" in hit.message and hit.expected == 0.25


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("=SUM(B7:M7)", "sum( b7 : m7 )"),
        ('=_xlfn.IFERROR(A1,"")', 'IFERROR(A1,"")'),
        ("='Your targets'!$B$4", "=Your targets!$B$4"),
    ],
)
def test_formula_normalization(a: str, b: str) -> None:
    assert normalize_formula(a) == normalize_formula(b)


def test_normalization_keeps_real_differences() -> None:
    assert normalize_formula("=SUM(B7:M7)") != normalize_formula("=SUM(B7:L7)")
    assert normalize_formula('=IF(A1="Sales",1,0)') != normalize_formula('=IF(A1="Ventas",1,0)')
