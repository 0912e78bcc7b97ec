"""The command line, through click's runner and, where start-up matters, a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
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
        "assert 'duckdb' not in sys.modules, 'duckdb imported'\n"
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


def _run(argv: list[str], columns: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(argv, capture_output=True, text=True, env=env)


def _click_says(*args: str, columns: int) -> str:
    """What click itself prints in a real process (CliRunner forces 80 columns)."""
    code = "from sla_workbook.cli.main import main; main(prog_name='sla-workbook')"
    proc = _run([sys.executable, "-c", code, *args], columns)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _console_script(tmp_path: Path, *args: str, columns: int) -> tuple[str, bool]:
    """Run a copy of pip's console-script wrapper; its output, and whether click loaded."""
    script = tmp_path / "sla-workbook"
    script.write_text(
        "import atexit, re, sys\n"
        "atexit.register(lambda: print('click' in sys.modules, file=sys.stderr))\n"
        "from sla_workbook.cli import main\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        "    sys.exit(main())\n"
    )
    proc = _run([sys.executable, str(script), *args], columns)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, proc.stderr.strip() == "True"


def test_quick_help_is_what_click_prints() -> None:
    """`--help` and `--version` are answered without click (cli/quick.py); if this fails
    after a command or docstring change, paste the text shown into quick.HELP."""
    from sla_workbook.cli.quick import HELP

    for columns in (80, 200):
        shown = _click_says("--help", columns=columns)
        assert shown == HELP, f"cli/quick.py HELP should be:\n{shown}"


@pytest.mark.parametrize(
    ("args", "columns", "quick"),
    [
        (("--help",), 80, True),
        (("-h",), 120, True),
        (("--version",), 40, True),
        (("--help",), 60, False),  # click rewraps for a narrow terminal
        (("compute", "--help"), 120, False),
        (("--debug", "--help"), 120, False),
    ],
)
def test_console_script_answers_help_without_click(
    tmp_path: Path, args: tuple[str, ...], columns: int, quick: bool
) -> None:
    out, loaded_click = _console_script(tmp_path, *args, columns=columns)
    assert loaded_click is not quick
    assert out == _click_says(*args, columns=columns)


def test_outputs_get_the_usual_file_mode_not_a_private_one(tmp_path: Path) -> None:
    """Written through a temporary file (mkstemp: 0600), but a workbook or report is meant
    to be shared: it ends up with the mode any new file gets (0666 less the umask)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "book.xlsx"
        result = CliRunner().invoke(main, ["generate", str(out)])
        assert result.exit_code == 0, result.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
    finally:
        os.umask(old)
