"""Bad, broken and hostile files: each gets exit 2 and one exact line, quickly, and the
input is never touched. (Issue 5; the limits are in docs/limits.md.)"""

from __future__ import annotations

import random
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sla_workbook import InputError, load_plan, read_workbook, validate
from sla_workbook.cli import main
from sla_workbook.zip_limits import MAX_RATIO
from tests.spreadsheet_programs import XLSX_FILTER, uno_edit
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(
        tmp_path_factory.mktemp("good"),
        "good.xlsx",
        plan=load_plan(ROOT / "samples" / "plan.yaml"),
        rows=3,
        log_rows=20,
    )


def run_validate(path: Path) -> tuple[int, str, str]:
    before = path.read_bytes() if path.is_file() else None
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert time.perf_counter() - start < 5, "hostile files are answered quickly"
    if before is not None:
        assert path.read_bytes() == before  # never modified
    return result.exit_code, result.stdout, result.stderr


def assert_refused(path: Path, message: str) -> None:
    code, out, err = run_validate(path)
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.strip() == f"error: {path}: {message}", err


def rezip(src: Path, dst: Path, change: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing (bytes) or dropping (None) some parts."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    b.writestr(info, change[info.filename])  # type: ignore[arg-type]
            else:
                b.writestr(info, a.read(info))
    return dst


DO = "re-save it from Excel or LibreOffice as .xlsx"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", f"the file is empty; {DO}"),
        (
            b"date,segment\n2027-01-01,EMEA\n",
            f"not a workbook (not a zip file; .xlsx and .ods files are zip archives); {DO}",
        ),
        (b"%PDF-1.7\n...", f"not a workbook (a PDF; .xlsx and .ods files are zip archives); {DO}"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "a legacy .xls (Excel 97-2003) file; open it and save as .xlsx",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 64
            + "EncryptedPackage".encode("utf-16-le"),
            "the workbook is password-protected (encrypted); remove the password (File > Info "
            "> Protect Workbook in Excel, File > Properties > Security in LibreOffice) and save "
            "again",
        ),
    ],
)
def test_not_a_workbook(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "in.xlsx"
    path.write_bytes(content)
    assert_refused(path, message)


def test_truncated_download(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "half.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    code, _, err = run_validate(path)
    assert code == 2 and err.startswith(f"error: {path}: damaged or truncated workbook (")
    assert err.strip().endswith(f"); re-download it or {DO}")


def test_directory_missing_and_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_refused(tmp_path, "is a directory, not a workbook; give the .xlsx or .ods file")
    assert_refused(tmp_path / "nope.xlsx", "no such file")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"PK\x03\x04")
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)  # root reads everything, so simulate it
    result = CliRunner().invoke(main, ["validate", str(locked)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {locked}: permission denied; check the file's permissions\n"


def test_xlsb_and_plain_zip(tmp_path: Path) -> None:
    xlsb = tmp_path / "b.xlsb"
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("xl/workbook.bin", b"\0\1")
    assert_refused(xlsb, "a binary .xlsb workbook; save it as .xlsx (Excel Workbook)")
    plain = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("cat.jpg", b"\xff\xd8")
    assert_refused(
        plain, f"a zip archive, but not a workbook (no xl/workbook.xml or content.xml); {DO}"
    )


def test_xlsm_is_read_like_xlsx(good: Path, tmp_path: Path) -> None:
    xlsm = tmp_path / "macros.xlsm"
    xlsm.write_bytes(good.read_bytes())
    assert validate(xlsm).valid  # macros (none here) are ignored; the cells are the same


def test_not_ours_and_newer_version(good: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert_refused(other, "not an SLA workbook made by sla-workbook (no sla_* properties)")
    with zipfile.ZipFile(good) as z:
        custom = z.read("docProps/custom.xml")
    newer = re.sub(rb'(name="sla_template_version"><vt:lpwstr>)2<', rb"\g<1>99<", custom)
    assert newer != custom
    path = rezip(good, tmp_path / "newer.xlsx", {"docProps/custom.xml": newer})
    assert_refused(
        path,
        "template version 99 is not supported (this sla-workbook reads 1, 2); "
        "regenerate it or upgrade sla-workbook",
    )


def test_renamed_sheet(good: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(good)
    wb["Your SLA"].title = "My SLA"
    path = tmp_path / "renamed.xlsx"
    wb.save(path)
    report = validate(path)
    # openpyxl renames the sheet but not the defined names: they point at a missing sheet
    assert any(f.code == "missing-sheet" and f.sheet == "Your SLA" for f in report.findings)


def test_inserted_row_reports_the_layout_change_not_a_thousand_cells(
    good: Path, tmp_path: Path
) -> None:
    (out,) = uno_edit(
        good, [(tmp_path / "moved.xlsx", XLSX_FILTER)], [], insert_rows=(("Your SLA", 20, 1),)
    )
    report = validate(out)
    codes = {f.code for f in report.findings}
    assert codes == {"moved-name"}, codes
    assert len(report.findings) < 25
    moved = next(f for f in report.findings if "your_sla_leads" in f.message)
    assert "rows or columns were inserted or deleted" in moved.message


def test_zip_bomb_refused_before_decompressing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 2**20))  # ~300 KB packed
    start = time.perf_counter()
    code, _, err = run_validate(bomb)
    assert time.perf_counter() - start < 1
    assert code == 2 and "refused: xl/worksheets/sheet1.xml would unpack to 300 MB" in err
    assert f"{MAX_RATIO}" not in err and "it may be a zip bomb" in err


def test_declared_size_that_lies_is_caught(good: Path, tmp_path: Path) -> None:
    data = bytearray(good.read_bytes())
    # Shrink the declared uncompressed size of every entry in the central directory.
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        data[pos + 24 : pos + 28] = (10).to_bytes(4, "little")
        pos += 4
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    code, _, err = run_validate(liar)
    assert code == 2 and "damaged workbook" in err


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>"""
DTD_ONLY = b"""<?xml version="1.0"?><!DOCTYPE sst SYSTEM "http://example.invalid/x.dtd">
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>"""


@pytest.mark.parametrize(
    ("xml", "kind"),
    [(BILLION_LAUGHS, "DTDForbidden"), (XXE, "DTDForbidden"), (DTD_ONLY, "DTDForbidden")],
)
def test_xml_attacks_are_refused(good: Path, tmp_path: Path, xml: bytes, kind: str) -> None:
    path = rezip(good, tmp_path / "attack.xlsx", {"xl/sharedStrings.xml": xml})
    assert_refused(
        path,
        f"refused: the file's XML uses {kind} (entities or DTDs, as XML attacks "
        "do); re-save it from a spreadsheet program",
    )


def test_1904_date_system(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as z:
        wb = z.read("xl/workbook.xml")
    mac = re.sub(rb"<workbookPr([^>]*)/>", rb'<workbookPr\1 date1904="1"/>', wb)
    assert mac != wb
    path = rezip(good, tmp_path / "mac.xlsx", {"xl/workbook.xml": mac})
    assert_refused(
        path,
        "the workbook uses the 1904 date system (a Mac Excel option), so its "
        "dates would be read 4 years off; turn it off (Excel > Preferences > "
        "Calculation > Use the 1904 date system) and save again",
    )


def test_a_million_log_rows_claimed(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as z:
        custom = z.read("docProps/custom.xml")
    huge = re.sub(rb'(name="your_log_rows"><vt:i4>)\d+<', rb"\g<1>1048576<", custom)
    assert huge != custom
    path = rezip(good, tmp_path / "huge.xlsx", {"docProps/custom.xml": huge})
    assert_refused(path, "your_ sheets: log rows must be 1..100000, got 1048576")


def test_absurd_cell_content(good: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(good)
    ws, targets = wb["Your SLA"], wb["Your targets"]
    targets["A8"] = "E" * 10_000_000  # a 10 MB segment name
    targets["B7"] = "25"  # a number stored as text
    ws["T5"] = -3  # a date before 1900
    ws.merge_cells("B14:C14")  # merged over the price and share inputs
    path = tmp_path / "absurd.xlsx"
    wb.save(path)
    start = time.perf_counter()
    report = validate(path)
    assert time.perf_counter() - start < 10
    found = {(f.code, f.cell) for f in report.findings}
    assert ("not-a-number", "B7") in found
    assert ("log-date-invalid", "T5") in found
    assert ("merged-input", "B14:C14") in found
    assert all(len(f.message) < 400 for f in report.findings)


def test_nan_and_inf_in_cells(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as z:
        sheet = z.read("xl/worksheets/sheet3.xml")
    # the first target cell (B7) holds a number; make it NaN, and the next INF
    odd, n = re.subn(rb'(<c r="B7"[^>]*><v>)[^<]*(</v>)', rb"\1NaN\2", sheet)
    odd, m = re.subn(rb'(<c r="C7"[^>]*><v>)[^<]*(</v>)', rb"\1INF\2", odd)
    assert n == m == 1
    path = rezip(good, tmp_path / "nan.xlsx", {"xl/worksheets/sheet3.xml": odd})
    report = validate(path)
    assert {("not-a-number", "B7"), ("not-a-number", "C7")} <= {
        (f.code, f.cell) for f in report.findings
    }


def test_library_callers_get_typed_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"hello")
    with pytest.raises(InputError):
        read_workbook(path)


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"hello")
    result = CliRunner().invoke(main, ["--debug", "validate", str(path)])
    assert isinstance(result.exception, InputError)


def test_generate_never_writes_over_its_plan_and_leaves_no_temp(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    plan.write_text((ROOT / "samples" / "plan.yaml").read_text())
    result = CliRunner().invoke(main, ["generate", str(plan), "--plan", str(plan), "--force"])
    assert result.exit_code == 4 and "is also an input file" in result.stderr
    assert plan.read_text() == (ROOT / "samples" / "plan.yaml").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_disk_full_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sla_workbook.workbook.generator as generator

    def full(path: Path, opts: object) -> None:
        path.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generator, "_write", full)
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "w.xlsx")])
    assert result.exit_code == 4 and "No space left on device" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_generate_leaves_nothing_behind(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    code = (
        "import os, signal, sla_workbook.workbook.generator as g\n"
        "real = g._write\n"
        "def slow(path, opts):\n"
        "    real(path, opts)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "g._write = slow\n"
        f"g.generate({str(tmp_path / 'w.xlsx')!r}, g.GenerateOptions())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_json_report_is_not_fooled_by_a_formula_label(good: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(good)
    wb["Your targets"]["A7"] = '=HYPERLINK("http://x","click")'  # a formula planted in a label
    path = tmp_path / "planted.xlsx"
    wb.save(path)
    out = tmp_path / "frames"
    result = CliRunner().invoke(main, ["export", str(path), "--to", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "your_segments.csv").read_text()
    assert "=HYPERLINK" not in text.replace("'=HYPERLINK", "")  # never a bare leading =


def _with_dtd(xml: bytes, dtd: bytes, entity: bytes | None = None) -> bytes:
    """The part with a DOCTYPE after its XML declaration (and an entity used in a cell)."""
    declaration, sep, rest = xml.partition(b"?>")
    out = declaration + sep + dtd + rest if sep else dtd + xml
    if entity is not None:
        out, n = re.subn(rb"(<c r=\"B7\"[^>]*><v>)[^<]*(</v>)", rb"\1" + entity + rb"\2", out)
        assert n == 1
    return out


LAUGHS_DTD = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE_DTD = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("part", "dtd", "entity"),
    [
        # the cell XML is streamed (lxml iterparse): the DTD is refused at the first cell
        ("xl/worksheets/sheet3.xml", LAUGHS_DTD, b"&lol3;"),
        ("xl/worksheets/sheet3.xml", XXE_DTD, b"&xxe;"),
        ("xl/worksheets/sheet3.xml", b'<!DOCTYPE worksheet SYSTEM "http://x.invalid/a.dtd">', None),
        ("xl/workbook.xml", XXE_DTD, None),
        ("docProps/custom.xml", LAUGHS_DTD, None),
        ("xl/_rels/workbook.xml.rels", XXE_DTD, None),
    ],
)
def test_xml_attacks_in_every_part_are_refused(
    good: Path, tmp_path: Path, part: str, dtd: bytes, entity: bytes | None
) -> None:
    with zipfile.ZipFile(good) as z:
        xml = z.read(part)
    path = rezip(good, tmp_path / "attack.xlsx", {part: _with_dtd(xml, dtd, entity)})
    assert_refused(
        path,
        "refused: the file's XML uses DTDForbidden (entities or DTDs, as XML attacks "
        "do); re-save it from a spreadsheet program",
    )


def test_xml_attack_in_a_sheet_without_cells_is_refused(good: Path, tmp_path: Path) -> None:
    empty = (
        b'<?xml version="1.0"?>'
        + LAUGHS_DTD
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData/><x>&lol3;</x></worksheet>"
    )
    path = rezip(good, tmp_path / "attack.xlsx", {"xl/worksheets/sheet1.xml": empty})
    code, _, err = run_validate(path)
    assert code == 2 and "refused: the file's XML uses DTDForbidden" in err, err


@pytest.mark.parametrize(
    "damage",
    [
        lambda xml: xml[: len(xml) // 2],  # cut short
        lambda xml: xml.replace(b"</row>", b"</rowx>", 1),  # mismatched tag
        lambda xml: xml.replace(b"<v>", b"<v>\x01", 1),  # a control character
    ],
)
def test_damaged_sheet_xml_is_one_line(
    good: Path, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    with zipfile.ZipFile(good) as z:
        xml = z.read("xl/worksheets/sheet4.xml")
    path = rezip(good, tmp_path / "damaged.xlsx", {"xl/worksheets/sheet4.xml": damage(xml)})
    code, _, err = run_validate(path)
    assert code == 2 and err.startswith(f"error: {path}: damaged workbook (ParseError: "), err
    assert err.count("\n") == 1
    assert err.strip().endswith("re-download it or re-save it from a spreadsheet program")


def test_huge_text_cell_is_refused_as_damaged(good: Path, tmp_path: Path) -> None:
    """libxml2 keeps its 10 MB limit per text node (docs/limits.md); no program writes more."""
    with zipfile.ZipFile(good) as z:
        xml = z.read("xl/sharedStrings.xml")
    text = random.Random(0).randbytes(5_000_001).hex().encode()  # 10 MB that does not pack
    big = rb"<t\1>" + text + b"</t>"
    huge, n = re.subn(rb"<t([^>]*)>[^<]*</t>", big, xml, count=1)
    assert n == 1
    path = rezip(good, tmp_path / "huge.xlsx", {"xl/sharedStrings.xml": huge})
    code, _, err = run_validate(path)
    assert code == 2 and "damaged workbook (ParseError: Resource limit exceeded" in err, err
