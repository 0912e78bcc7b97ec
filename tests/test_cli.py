"""The command line, through click's runner and, where start-up matters, a real process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sla_workbook import __version__, compute, load_plan
from sla_workbook.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "samples" / "plan.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    code, out, _ = run("--help")
    assert code == 0 and "compute" in out


def test_help_does_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "from sla_workbook.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_compute_text_shows_every_row_and_totals() -> None:
    code, out, _ = run("compute", SAMPLE)
    assert code == 0
    expected = compute(load_plan(SAMPLE)).leads_wide()
    first = expected.iloc[0]
    # "North America  Inbound  Marketing  180 ..." : the engine's first row, as printed
    line = next(ln for ln in out.splitlines() if ln.startswith("North America  Inbound"))
    assert line.split()[4:16] == [f"{int(first[m])}" for m in range(1, 13)]
    assert sum(1 for ln in out.splitlines() if ln.startswith("Total")) == 3


def test_compute_csv_matches_engine() -> None:
    code, out, _ = run("compute", SAMPLE, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    wide = compute(load_plan(SAMPLE)).leads_wide()
    assert len(rows) == len(wide) + 3
    for row, (_, rec) in zip(rows, wide.iterrows(), strict=False):
        assert row["Region"] == rec["segment"] and row["Channel"] == rec["channel"]
        assert [float(row[m]) for m in ("Jan", "Jun", "Dec")] == [rec[1], rec[6], rec[12]]
    grand = rows[-1]
    assert float(grand["Year"]) == wide["year"].sum()


def test_compute_json_is_structured() -> None:
    code, out, _ = run("compute", SAMPLE, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["year"] == 2027
    kinds = [r["kind"] for r in doc["rows"]]
    assert kinds.count("row") == 9 and kinds[-3:] == ["team_total", "team_total", "total"]
    total = doc["rows"][-1]
    assert total["leads"][0] == sum(r["leads"][0] for r in doc["rows"] if r["kind"] == "row")


def test_bad_plan_is_one_line_per_problem_and_exit_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(SAMPLE)
        .read_text()
        .replace("close_rate: {Inbound: 0.05", "close_rate: {Inbound: 1.4", 1)
    )
    code, out, err = run("compute", str(bad))
    assert code == 3 and out == ""
    assert err.strip() == f"error: {bad}: segments[0].close_rate.Inbound: 1.4 is not in (0, 1]"
    assert "Traceback" not in err


def test_missing_file_exit_3_and_debug_shows_traceback(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    code, _, err = run("compute", missing)
    assert code == 3 and err.strip() == f"error: {missing}: no such file"
    result = CliRunner().invoke(main, ["--debug", "compute", missing])
    assert result.exception is not None and type(result.exception).__name__ == "InputError"


def test_usage_error_exit_2() -> None:
    code, _, _ = run("compute", SAMPLE, "--format", "xml")
    assert code == 2


def test_python_dash_m_and_console_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sla_workbook", "compute", SAMPLE, "--format", "csv"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.startswith("Region,Channel,Team,Jan")
    script = Path(sys.executable).with_name("sla-workbook")
    assert subprocess.run([str(script), "--version"], capture_output=True, text=True).stdout


def test_csv_output_escapes_formula_like_names(tmp_path: Path) -> None:
    from tests.plans import plan_dict

    data = plan_dict()
    data["segments"][0]["name"] = "=HYPERLINK(1)"
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps(data))
    code, out, _ = run("compute", str(plan), "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][0] == "'=HYPERLINK(1)"
    # text output and JSON keep the name as it is: they are not opened by spreadsheets
    assert json.loads(run("compute", str(plan), "--format", "json")[1])["rows"][0]["segment"] == (
        "=HYPERLINK(1)"
    )
