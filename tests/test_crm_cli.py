"""`sla-workbook import` through click's runner: exit codes, the written log, the summary,
hostile and unreadable exports, and the log read back as a plan's ``log:`` file."""

from __future__ import annotations

import codecs
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sla_workbook import compute, parse_plan
from sla_workbook.cli import main
from sla_workbook.crm.log_import import import_log

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "crm"
SAMPLE = ROOT / "samples" / "hubspot-contacts.csv"
SAMPLE_MAP = ROOT / "samples" / "crm-map.yaml"
HUBSPOT_MAP = DATA / "hubspot-map.yaml"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_sample_imports_with_exit_0(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    code, out, err = run("import", SAMPLE, "--map", SAMPLE_MAP, "--year", 2027, "--to", log)
    assert code == 0, err
    assert err == f"wrote {log}\n"
    assert "\n= 120 rows read\nFollow-up: " in out
    assert "date not in 2027" in out
    assert log.read_text().startswith("date,segment,channel,leads,worked,attempts\n2027-01-")


def test_text_summary_adds_up(tmp_path: Path) -> None:
    code, out, _ = run(
        "import", DATA / "hubspot-contacts.csv", "--map", HUBSPOT_MAP, "--year", 2027,
        "--to", tmp_path / "log.csv",
    )  # fmt: skip
    assert code == 1
    lines = out.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("="))
    numbers = [int(line[1:].split()[0].replace(",", "")) for line in lines[1:end]]
    assert sum(numbers) == int(lines[end].split()[1]) == 240
    assert '    "Brazil": ?    # ' in out
    assert re.search(r'^    "": \?    # \d+ rows \(blank\)$', out, re.M)
    assert '    "AI Referrals": ?' in out
    assert "Not every row counted" in out


def test_json_is_the_summary(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    code, out, _ = run(
        "import", DATA / "salesforce-leads.csv", "--map", DATA / "salesforce-map.yaml",
        "--to", log, "--format", "json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["rows_read"] == data["rows_counted"] + sum(data["not_counted"].values()) == 160
    assert data["year"] is None and data["not_counted"]["date_outside_year"] == 0
    expected = import_log(DATA / "salesforce-leads.csv", DATA / "salesforce-map.yaml")
    assert data == expected.summary.to_dict()
    assert data["log_rows"] == len(log.read_text().splitlines()) - 1
    assert [v["value"] for v in data["unmapped"]["channel"]] == ["Webinar", ""]


def test_unmapped_rows_exit_1_and_the_log_is_still_written(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    code, _, _ = run("import", DATA / "hubspot-contacts.csv", "--map", HUBSPOT_MAP, "--to", log)
    assert code == 1 and log.is_file()


def test_xlsx_and_sheet_option(tmp_path: Path) -> None:
    xlsx = DATA / "hubspot-contacts.xlsx"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("import", xlsx, "--map", HUBSPOT_MAP, "--to", a)[0] == 1
    assert run("import", xlsx, "--map", HUBSPOT_MAP, "--to", b, "--sheet", "Contacts")[0] == 1
    assert a.read_bytes() == b.read_bytes()
    code, _, err = run("import", xlsx, "--map", HUBSPOT_MAP, "--to", a, "--force", "--sheet", "X")
    assert code == 2
    assert err == f"error: {xlsx}: no sheet named 'X' (sheets: Contacts, Notes)\n"


def test_round_trip_through_a_plan(tmp_path: Path) -> None:
    """The log `import --to` writes is the `log:` CSV a plan accepts (compute reads it)."""
    log = tmp_path / "log.csv"
    assert run("import", SAMPLE, "--map", SAMPLE_MAP, "--year", 2027, "--to", log)[0] == 0
    plan_data = yaml.safe_load((ROOT / "samples" / "plan.yaml").read_text())
    plan_data["log"] = "log.csv"
    plan = parse_plan(plan_data, "plan.yaml", base_dir=tmp_path)
    imported = import_log(SAMPLE, SAMPLE_MAP, year=2027)
    assert plan.log.equals(imported.log)
    assert compute(plan).actuals["actual"].sum() == imported.summary.rows_counted
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan_data))
    code, _, err = run("compute", tmp_path / "plan.yaml", "--format", "json")
    assert code == 0, err


def test_never_over_an_existing_file_or_the_input(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("mine\n")
    code, _, err = run("import", SAMPLE, "--map", SAMPLE_MAP, "--to", log)
    assert code == 4 and err == f"error: {log}: already exists (use --force to replace it)\n"
    assert log.read_text() == "mine\n"
    assert run("import", SAMPLE, "--map", SAMPLE_MAP, "--to", log, "--force")[0] == 0
    export = tmp_path / "export.csv"
    export.write_bytes(SAMPLE.read_bytes())
    code, _, err = run("import", export, "--map", SAMPLE_MAP, "--to", export, "--force")
    assert code == 4 and "is also an input file" in err
    assert export.read_bytes() == SAMPLE.read_bytes()


def test_output_folder_must_exist(tmp_path: Path) -> None:
    log = tmp_path / "no" / "log.csv"
    code, _, err = run("import", SAMPLE, "--map", SAMPLE_MAP, "--to", log)
    assert code == 4 and err == f"error: {log}: folder {log.parent} does not exist\n"


def test_to_is_needed() -> None:
    code, _, err = run("import", SAMPLE, "--map", SAMPLE_MAP)
    assert code == 2 and "give --to LOG.csv" in err and err.count("\n") == 1


def test_bad_map_exit_2_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "map.yaml"
    bad.write_text("preset: hubspot\ntimezone: Mars/Olympus\nsegments: {Spain: ''}\n")
    log = tmp_path / "log.csv"
    code, _, err = run("import", SAMPLE, "--map", bad, "--to", log)
    assert code == 2 and not log.exists()
    assert err.splitlines() == [
        f"error: {bad}: preset: 'hubspot' is not a preset (hubspot-contacts, salesforce-leads)",
        f"error: {bad}: timezone: 'Mars/Olympus' is not a time zone name (write it as "
        "Region/City, e.g. Europe/Madrid, America/New_York, or UTC)",
        f"error: {bad}: segments.Spain: '' is empty",
    ]


def _zip(parts: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return raw.getvalue()


HEADER = b"Record ID,Create Date,Became a Lead Date,Country/Region,Original Source\n"

HOSTILE = [
    ("empty.csv", b"", "the file is empty; export it again from the CRM as CSV"),
    ("doc.pdf", b"%PDF-1.7\n%...", "a PDF, not a CRM export; export it again from the CRM as CSV"),
    (
        "old.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "a legacy .xls file (or a password-protected workbook); save it as .xlsx or CSV UTF-8",
    ),
    (
        "binary.csv",
        bytes(range(256)) * 8,
        "binary data, not a CSV export; export it again from the CRM as CSV "
        "(CSV UTF-8, or Unicode text)",
    ),
    (
        "latin1.csv",
        HEADER + "1,2027-01-01,,España,Organic Search\n".encode("latin-1"),
        "not UTF-8 text; save it as 'CSV UTF-8' (or 'Unicode text')",
    ),
    (
        "ragged.csv",
        HEADER + b"1,2027-01-01,,Spain,Organic Search\n2,2027-01-02,Spain\n",
        "near line 3: 3 fields where the header has 5; the export is damaged or cut "
        "(export it again)",
    ),
    (
        "cut.csv",
        HEADER + b'1,2027-01-01,,"Spain,Organic Search\n',
        "near line 2: a quoted field never ends; the export is damaged or cut",
    ),
    (
        "columns.csv",
        b"Id,Created,Country\n1,2027-01-01,Spain\n",
        "no column 'Became a Lead Date' (date), 'Create Date' (date), 'Country/Region' "
        "(segment), 'Original Source' (channel), which preset hubspot-contacts reads; give "
        "the export's own name in MAP under columns: (the export has 'Id', 'Created', "
        "'Country')",
    ),
    (
        "bomb.xlsx",
        _zip({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"\0" * (50 * 2**20)}),
        "refused: xl/worksheets/sheet1.xml would unpack to 50 MB (",
    ),
    (
        "sheet.ods",
        _zip({"content.xml": b"<x/>", "mimetype": b"application/vnd.oasis.opendocument"}),
        "an .ods spreadsheet, not an xlsx or CSV export; save it as .xlsx or CSV",
    ),
    (
        "broken.xlsx",
        _zip({"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b"<"}),
        "damaged workbook (",
    ),
    (
        "wide.csv",
        b",".join(b"c%d" % i for i in range(20_000)) + b"\n",
        "20,000 columns, more than a spreadsheet holds (16,384); not a CRM export",
    ),
    (
        "utf16.txt",
        codecs.BOM_UTF16_LE + b"\x00\xd8",  # a lone surrogate
        "damaged UTF-16 text (a byte sequence is not UTF-16)",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_unreadable_exports_exit_2_with_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    export = tmp_path / name
    export.write_bytes(content)
    log = tmp_path / "log.csv"
    code, out, err = run("import", export, "--map", SAMPLE_MAP, "--to", log)
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {export}: {message.replace('MAP', str(SAMPLE_MAP))}"), err
    assert not log.exists() and export.read_bytes() == content


def test_missing_file_and_directory(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    code, _, err = run("import", tmp_path / "nope.csv", "--map", SAMPLE_MAP, "--to", log)
    assert code == 2 and err == f"error: {tmp_path / 'nope.csv'}: no such file\n"
    code, _, err = run("import", tmp_path, "--map", SAMPLE_MAP, "--to", log)
    assert code == 2 and "is a directory" in err
    code, _, err = run("import", SAMPLE, "--map", tmp_path / "m.yaml", "--to", log)
    assert code == 2 and err == f"error: {tmp_path / 'm.yaml'}: no such file\n"


def test_sheet_is_for_xlsx(tmp_path: Path) -> None:
    code, _, err = run("import", SAMPLE, "--map", SAMPLE_MAP, "--to", tmp_path / "l.csv",
                       "--sheet", "Contacts")  # fmt: skip
    assert code == 2 and "--sheet is for xlsx files" in err


def test_readme_tour_line(tmp_path: Path) -> None:
    """The README's import line is there, and does what it says from the repository root."""
    readme = (ROOT / "README.md").read_text()
    line = (
        "sla-workbook import samples/hubspot-contacts.csv --map samples/crm-map.yaml "
        "--plan samples/plan.yaml --to out/log.csv"
    )
    assert line in readme
    args = line.split()[1:]
    args[args.index("--to") + 1] = str(tmp_path / "log.csv")
    args = [str(ROOT / a) if a.startswith("samples/") else a for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    header = (tmp_path / "log.csv").read_text().splitlines()[0]
    assert header == "date,segment,channel,leads,worked,attempts"


def test_the_command_loads_neither_pandas_nor_numpy(tmp_path: Path) -> None:
    """The CLI writes the log from plain rows: pandas would add a third of a second."""
    code = (
        "import sys\n"
        "from sla_workbook.cli import main\n"
        f"sys.argv = ['sla-workbook', 'import', {str(SAMPLE)!r}, '--map', {str(SAMPLE_MAP)!r},\n"
        f"            '--to', {str(tmp_path / 'log.csv')!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
