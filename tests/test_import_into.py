"""`sla-workbook import --into`: a filled workbook gets the imported log, through the CLI.

The rewrite itself (merging, every input kept, losses) is tested in test_refill.py with
workbooks LibreOffice filled; here: the command's contract (exit codes, messages, JSON,
the input untouched) on the sample export and workbook.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sla_workbook import load_plan, read_workbook, validate
from sla_workbook.cli import main
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "samples" / "hubspot-contacts.csv"
MAP = ROOT / "samples" / "crm-map.yaml"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return make(tmp_path, "sample.xlsx", plan=load_plan(ROOT / "samples" / "plan.yaml"))


def test_into_writes_a_valid_workbook_with_the_imported_log(book: Path, tmp_path: Path) -> None:
    before = (book.read_bytes(), book.stat().st_mtime_ns)
    new = tmp_path / "new.xlsx"
    code, out, err = run(
        "import", EXPORT, "--map", MAP, "--into", book, "--out", new, "--format", "json"
    )
    assert code == 0, err
    assert (book.read_bytes(), book.stat().st_mtime_ns) == before
    summary = json.loads(out)
    assert summary["rows_read"] == summary["rows_counted"] + sum(summary["not_counted"].values())
    assert summary["workbook"]["lost"] == []
    assert validate(new).valid
    # the actuals are the import's counts (the sample plan's own log rows are other keys)
    from sla_workbook.crm.log_import import import_log

    imported = import_log(EXPORT, MAP, year=2027).log
    log = read_workbook(new).yours.plan.log
    merged = log.merge(imported, on=["date", "segment", "channel"], suffixes=("", "_imp"))
    assert len(merged) == len(imported)
    assert (merged["leads"] == merged["leads_imp"]).all()


def test_into_twice_gives_the_same_file(book: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert run("import", EXPORT, "--map", MAP, "--into", book, "--out", one)[0] == 0
    assert run("import", EXPORT, "--map", MAP, "--into", one, "--out", two)[0] == 0
    assert one.read_bytes() == two.read_bytes()


def test_a_loss_is_refused_then_forced(book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["Your SLA"]["B2"] = "call Ana about EMEA"
    wb.create_sheet("Notes")["A1"] = "ideas"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    new = tmp_path / "new.xlsx"
    code, _, err = run("import", EXPORT, "--map", MAP, "--into", edited, "--out", new)
    assert code == 1 and not new.exists()
    assert "sheet 'Notes'" in err and "'Your SLA'!B2: 'call Ana about EMEA'" in err
    assert "use --force" in err and "Traceback" not in err
    code, _, err = run("import", EXPORT, "--map", MAP, "--into", edited, "--out", new, "--force")
    assert code == 0 and new.exists()
    assert "warning: not carried over (--force): sheet 'Notes'" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--year", "2026"], "not the workbook's year 2027"),
        (["--to", "log.csv"], "not both"),
        ([], "needs --out"),
    ],
)
def test_usage_errors(book: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    args = ["import", EXPORT, "--map", MAP, "--into", book]
    if "needs --out" not in message:
        args += ["--out", tmp_path / "new.xlsx"]
    code, _, err = run(*args, *extra)
    assert code == 2 and message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unreadable_workbook_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    code, _, err = run("import", EXPORT, "--map", MAP, "--into", bad, "--out", tmp_path / "n.xlsx")
    assert code == 2 and err.startswith("error: ") and str(bad) in err


def test_a_log_that_outgrows_its_rows_loses_nothing(tmp_path: Path) -> None:
    """The new file's log is longer, so every formula over the log has a wider range: those
    are our formulas regenerated, not the user's formulas lost (no --force needed)."""
    small = make(tmp_path, "small.xlsx", plan=load_plan(ROOT / "samples" / "plan.yaml"), log_rows=8)
    new = tmp_path / "new.xlsx"
    code, _, err = run("import", EXPORT, "--map", MAP, "--into", small, "--out", new)
    assert code == 0, err
    assert read_workbook(new).yours.layout.c > 8
    assert validate(new).valid
