"""The generated workbook's structure, without a spreadsheet program (fast)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sla_workbook import compute, load_plan
from sla_workbook.cli import main
from sla_workbook.workbook.formulas import ALLOWED_FUNCTIONS
from sla_workbook.workbook.layout import PUBLIC_NAMES
from tests.plans import TRICKY_NAMES, plan_dict
from tests.workbooks import block, load, make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("blank"), "blank.xlsx", year=2027)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("sample"), "sample.xlsx", plan=load_plan(SAMPLE), rows=3)


@pytest.mark.parametrize(
    ("lang", "sheets"),
    [
        ("en", ["Example targets", "Example SLA", "Your targets", "Your SLA"]),
        ("es", ["Ejemplo objetivos", "Ejemplo SLA", "Tus objetivos", "Tu SLA"]),
    ],
)
def test_four_sheets_in_order(tmp_path: Path, lang: str, sheets: list[str]) -> None:
    wb = load(make(tmp_path, "w.xlsx", lang=lang))
    assert wb.sheetnames == sheets
    teams = block(wb, "your_channel_team")[0]
    assert teams == (["Marketing", "Sales"] if lang == "en" else ["Marketing", "Ventas"])


def test_defined_names_cover_every_block_with_its_shape(sample: Path) -> None:
    wb = load(sample)
    n, k, c = 3, 3, 1000
    shapes = {
        "year": (1, 1),
        "segments": (n, 1),
        "targets": (n, 12),
        "avg_price": (n, 1),
        "marketing_share": (n, 1),
        "channels": (1, k),
        "channel_team": (1, k),
        "close_rate": (n, k),
        "channel_mix": (n, k),
        "log_date": (c, 1),
        "log_segment": (c, 1),
        "log_channel": (c, 1),
        "log_leads": (c, 1),
        "track_month": (1, 1),
        "track_asof": (1, 1),
        "lead_value": (n, k),
        "sla_revenue": (n * k, 12),
        "sla_leads": (n * k, 12),
        "sla_total": (1, 12),
        "actual_leads": (n * k, 12),
        "attainment": (n * k, 12),
        "attainment_ytd": (n * k, 1),
        "track_mtd": (1, k),
        "track_plan_mtd": (1, k),
        "track_pace": (1, k),
        "track_projected": (1, k),
        "followup_hours": (1, k),
        "followup_target": (1, k),
        "attempts_target": (1, k),
        "log_worked": (c, 1),
        "log_attempts": (c, 1),
        "followup_rate": (n * k, 12),
        "attempts_per_lead": (n * k, 12),
        "track_followup": (1, k),
        "track_attempts": (1, k),
    }
    assert set(shapes) == set(PUBLIC_NAMES)
    for name, (rows, cols) in shapes.items():
        cells = block(wb, f"your_{name}")
        assert (len(cells), len(cells[0])) == (rows, cols), name
        assert f"ex_{name}" in wb.defined_names


def test_cached_values_are_the_engines_numbers(sample: Path) -> None:
    wb = load(sample)
    result = compute(load_plan(SAMPLE))
    leads = [v for row in block(wb, "your_sla_leads") for v in row]
    assert leads == result.sla["leads"].astype(float).tolist()
    revenue = [v for row in block(wb, "your_sla_revenue") for v in row]
    assert revenue == result.sla["revenue"].astype(float).tolist()
    totals = block(wb, "your_sla_total")[0]
    assert totals == result.month_totals()["leads"].astype(float).tolist()
    mtd = block(wb, "your_track_mtd")[0]
    assert mtd == result.tracker.loc[result.tracker.level == "channel", "mtd"].tolist()
    values = [v for row in block(wb, "your_lead_value") for v in row]
    assert values == result.lead_value["lead_value"].astype(float).tolist()


def test_blank_workbook_shows_blanks_not_zeros(blank: Path) -> None:
    wb = load(blank)
    # openpyxl reads an empty-text result as None; the XML check below proves it is text
    assert all(v in (None, "") for row in block(wb, "your_sla_leads") for v in row)
    assert all(v in (None, "") for row in block(wb, "your_lead_value") for v in row)
    assert all(v == 0 for row in block(wb, "your_actual_leads") for v in row)
    assert block(wb, "your_segments") == [[None]] * 6
    # blank formula results are stored as empty text (t="str"), never as a bare <v></v>
    with zipfile.ZipFile(blank) as z:
        sheet = z.read("xl/worksheets/sheet4.xml")
    assert b"<v></v></c>" in sheet
    assert not re.search(rb'<c r="[A-Z]+\d+"(?: s="\d+")?><f>[^<]*</f><v></v>', sheet)


def test_every_formula_uses_only_portable_functions(sample: Path) -> None:
    wb = load(sample, data_only=False)
    used: set[str] = set()
    count = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    count += 1
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", cell.value))
    assert count > 1000
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS
    assert {"SUMIF", "ROUNDUP", "MATCH", "INDEX"} <= used


def test_user_names_are_text_never_formulas(tmp_path: Path) -> None:
    names = [n for n in TRICKY_NAMES if n[0] in "=@+-"]
    path = make(tmp_path, "inj.xlsx", segments=tuple(names), rows=len(names))
    wb = load(path, data_only=False)
    cells = [row[0] for row in block(wb, "your_segments")]
    assert cells == names
    ws = wb["Your targets"]
    for row in ws.iter_rows(min_row=7, max_row=6 + len(names), max_col=1):
        assert row[0].data_type == "s", row[0].value


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    a = make(tmp_path, "a.xlsx", plan=load_plan(SAMPLE))
    b = make(tmp_path, "b.xlsx", plan=load_plan(SAMPLE))
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_inputs_are_the_only_unlocked_cells_and_sheets_are_protected(sample: Path) -> None:
    wb = load(sample, data_only=False)
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password
    ws = wb["Your SLA"]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                assert cell.protection.locked, cell.coordinate
    for name in ("avg_price", "close_rate", "log_leads", "track_month"):
        for row in block_cells(wb, f"your_{name}"):
            assert not row.protection.locked


def block_cells(wb: object, name: str) -> list[object]:
    from openpyxl.utils.cell import range_boundaries

    ((sheet, ref),) = list(wb.defined_names[name].destinations)  # type: ignore[attr-defined]
    ws = wb[sheet]  # type: ignore[index]
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return [ws.cell(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def test_inputs_have_data_validation(sample: Path) -> None:
    wb = load(sample, data_only=False)
    ranges = " ".join(str(dv.sqref) for dv in wb["Your SLA"].data_validations.dataValidation)
    for name in (
        "avg_price",
        "marketing_share",
        "close_rate",
        "channel_mix",
        "log_segment",
        "log_channel",
        "log_leads",
        "track_month",
        "channel_team",
    ):
        first = block_cells(wb, f"your_{name}")[0]
        assert first.coordinate in ranges or any(  # type: ignore[attr-defined]
            first.coordinate in str(dv.sqref)  # type: ignore[attr-defined]
            for dv in wb["Your SLA"].data_validations.dataValidation
        ), name


def test_metadata_in_custom_properties(sample: Path) -> None:
    wb = load(sample)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["sla_language"] == "en"
    assert props["your_segments"] == 3 and props["your_channels"] == 3
    assert props["your_channel_teams"] == "marketing,marketing,sales"
    assert props["sla_template_version"] == "2"


def test_cli_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["generate", str(out)]).exit_code == 0
    before = out.read_bytes()
    result = runner.invoke(main, ["generate", str(out), "--lang", "es"])
    assert result.exit_code == 4 and "already exists" in result.stderr
    assert out.read_bytes() == before
    assert runner.invoke(main, ["generate", str(out), "--lang", "es", "--force"]).exit_code == 0
    assert out.read_bytes() != before
    assert [p.name for p in tmp_path.iterdir()] == ["w.xlsx"]  # no temp file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "Web=finance"], "is not NAME=marketing or NAME=sales"),
        (["--channel", "Web=marketing"], "no sales channel"),
        (["--segments", "A,a"], "given twice"),
        (["--segments", "EMEA*"], "wildcards"),
        (["--segments", "A,B,C", "--rows", "2"], "need at least 3 rows"),
        (["--currency", "dollars"], "3-letter"),
        (["--plan", str(SAMPLE), "--segments", "A"], "--plan sets --segments"),
    ],
)
def test_cli_generate_option_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "w.xlsx"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (tmp_path / "w.xlsx").exists()


def test_cli_generate_bad_plan_exit_3(tmp_path: Path) -> None:
    import json

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(plan_dict(year=1)))
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "w.xlsx"), "--plan", str(bad)])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {bad}: year: 1 is not a year between 1900 and 9999"


@pytest.mark.parametrize(
    ("args", "rows"),
    [
        (["--segments", "North,South,East"], 3),
        (["--segments", "North,South,East", "--rows", "5"], 5),
        ([], 6),
    ],
)
def test_segments_without_rows_writes_exactly_the_named_rows(
    tmp_path: Path, args: list[str], rows: int
) -> None:
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["generate", str(out), *args])
    assert result.exit_code == 0, result.output
    wb = load(out)
    names = [row[0] for row in block(wb, "your_segments")]
    assert len(names) == rows
    if args:
        assert names[:3] == ["North", "South", "East"]


def test_na_only_in_chart_only_cells(sample: Path) -> None:
    """NA() makes a chart line stop; anywhere else #N/A would be an error a user sees."""
    from sla_workbook import read_workbook
    from sla_workbook.workbook.formulas import formula_blocks

    pair = read_workbook(sample).yours
    with_na = {
        name
        for name in formula_blocks(pair.layout)
        for i in range(pair.layout[name].nrows)
        for j in range(pair.layout[name].ncols)
        if "NA()" in (pair.formulas.for_cell(name, i, j) or "")
    }
    assert with_na == {"chart_actual", "chart_daily", "chart_followup"}
