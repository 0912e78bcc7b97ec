"""What a CRM export is, decided from its bytes, and the form DuckDB scans: a UTF-8 CSV.

A UTF-8 CSV (with or without BOM, comma, semicolon or tab) is scanned where it lies.
A UTF-16 text file (Excel's "Unicode text") is transcoded to UTF-8 in 1 MB chunks, and
an xlsx sheet is streamed (openpyxl read-only) into a CSV of the needed columns only,
both into a temporary folder: memory stays bounded whatever the export's size.

Hostile files get the rules of docs/limits.md: the kind comes from the bytes, not the
name; a zip's declared sizes are checked before anything is unpacked (the limits are
those of reading/sniff.py, which this stage may not import); every refusal is an
InputError naming the file and saying what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..zip_limits import check_zip_sizes

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted xlsx
MAX_XLSX = 200 * 2**20  # an xlsx on disk (CSV exports have no size limit: they stream)
MAX_PART = 2 * 2**30  # one part unpacked: a full 1,048,576-row sheet of a wide export
MAX_TOTAL = 4 * 2**30
HEAD = 2**20  # the header must end within the first MB
MAX_COLUMNS = 16_384  # as many as a spreadsheet holds
DELIMITERS = (",", ";", "\t")
_DO = "export it again from the CRM as CSV"


@dataclass(frozen=True)
class CsvExport:
    """A UTF-8 CSV ready to scan, and where each needed column sits in it."""

    path: Path
    delimiter: str
    width: int  # fields per record
    header: tuple[str, ...]  # the export's own header
    picked: tuple[int, ...]  # positions in ``path`` of the columns ``choose`` asked for
    kind: str  # "csv", "csv (UTF-16)" or "xlsx"


Chooser = Callable[[list[str]], list[int]]


def open_export(path: Path, choose: Chooser, workdir: Path, sheet: str | None = None) -> CsvExport:
    """The export as a UTF-8 CSV; ``choose(header)`` names the positions of needed columns."""
    head = _head(path)
    if head[:4] == b"PK\x03\x04":
        return _xlsx(path, choose, workdir, sheet)
    if sheet is not None:
        raise InputError(f"{path}: --sheet is for xlsx files; this is a text (CSV) file")
    if head[:8] == OLE_MAGIC:
        raise InputError(
            f"{path}: a legacy .xls file (or a password-protected workbook); "
            "save it as .xlsx or CSV UTF-8"
        )
    if head[:5] == b"%PDF-":
        raise InputError(f"{path}: a PDF, not a CRM export; {_DO}")
    kind = "csv"
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        path = _utf16_to_utf8(path, workdir)
        head = _head(path)
        kind = "csv (UTF-16)"
    return _csv(path, head, choose, kind)


def _head(path: Path) -> bytes:
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the export file (.csv or .xlsx)")
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD)
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if not head:
        raise InputError(f"{path}: the file is empty; {_DO}")
    return head


def _utf16_to_utf8(path: Path, workdir: Path) -> Path:
    """Excel's "Unicode text" is UTF-16 with a BOM; DuckDB reads UTF-8, so transcode."""
    out = workdir / "export-utf8.csv"
    decoder = codecs.getincrementaldecoder("utf-16")(errors="strict")
    try:
        with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(HEAD):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise InputError(f"{path}: damaged UTF-16 text (a byte sequence is not UTF-16)") from None
    return out


def _csv(path: Path, head: bytes, choose: Chooser, kind: str) -> CsvExport:
    if b"\x00" in head:
        raise InputError(
            f"{path}: binary data, not a CSV export; {_DO} (CSV UTF-8, or Unicode text)"
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut by the 1 MB chunk
            raise InputError(
                f"{path}: not UTF-8 text; save it as 'CSV UTF-8' (or 'Unicode text')"
            ) from None
        text = head[: exc.start].decode("utf-8")
    text = text.removeprefix("\ufeff")
    end, counts = _first_line(text)
    if end < 0 and len(head) >= HEAD:
        raise InputError(f"{path}: no header line ends in the first MB; not a CSV export")
    delimiter = max(DELIMITERS, key=lambda d: counts[d])
    line = text if end < 0 else text[:end]
    try:
        header = next(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise InputError(f"{path}: the header line is not valid CSV ({exc})") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise InputError(f"{path}: the first line is empty; it must name the columns")
    _check_width(path, header)
    picked = choose(header)
    return CsvExport(path, delimiter, len(header), tuple(header), tuple(picked), kind)


def _check_width(path: Path, header: list[str]) -> None:
    if len(header) > MAX_COLUMNS:
        raise InputError(
            f"{path}: {len(header):,} columns, more than a spreadsheet holds "
            f"({MAX_COLUMNS:,}); not a CRM export"
        )


def _first_line(text: str) -> tuple[int, dict[str, int]]:
    """Where the header record ends (-1: not in ``text``), and each delimiter's count in it,
    outside quotes (a quoted header may hold a delimiter or a line break)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "\r\n":
            return i, counts
        elif ch in counts:
            counts[ch] += 1
    return -1, counts


def _xlsx(path: Path, choose: Chooser, workdir: Path, sheet: str | None) -> CsvExport:
    size = path.stat().st_size
    if size > MAX_XLSX:
        raise InputError(
            f"{path}: {size / 2**20:.0f} MB is over the {MAX_XLSX // 2**20} MB limit for an "
            f"xlsx export (docs/limits.md); {_DO}"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except Exception as exc:  # zipfile raises several types on untrusted bytes
        raise InputError(f"{path}: damaged or truncated zip ({exc}); {_DO}") from None
    names = {i.filename for i in infos}
    check_zip_sizes(path, infos, max_part=MAX_PART, max_total=MAX_TOTAL, kind="an export")
    if "xl/workbook.bin" in names:
        raise InputError(f"{path}: a binary .xlsb workbook; save it as .xlsx or CSV UTF-8")
    if "xl/workbook.xml" not in names:
        what = "an .ods spreadsheet" if "content.xml" in names else "a zip archive"
        raise InputError(f"{path}: {what}, not an xlsx or CSV export; save it as .xlsx or CSV")
    out = workdir / "export-xlsx.csv"
    header, picked = _stream_sheet(path, choose, sheet, out)
    return CsvExport(out, ",", len(picked), tuple(header), tuple(range(len(picked))), "xlsx")


def _cell_text(value: object) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _stream_sheet(
    path: Path, choose: Chooser, sheet: str | None, out: Path
) -> tuple[list[str], list[int]]:
    """Copy the chosen columns of a sheet into a CSV, row by row (openpyxl read-only)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any failure to parse untrusted bytes
        raise InputError(f"{path}: damaged workbook ({type(exc).__name__}); {_DO}") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError(
                f"{path}: no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})"
            )
        rows = ws.iter_rows(values_only=True)
        header = [_cell_text(v).strip() for v in next(rows, ())]
        if not any(header):
            raise InputError(f"{path}: the sheet's first row is empty; it must name the columns")
        _check_width(path, header)
        picked = choose(header)
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow([header[i] for i in picked])
            for row in rows:
                cells = [_cell_text(row[i]) if i < len(row) else "" for i in picked]
                if any(cells) or any(v is not None for v in row):
                    writer.writerow(cells)
    except InputError:
        raise
    except Exception as exc:  # damaged XML inside, an XML attack refused by defusedxml
        raise InputError(f"{path}: damaged workbook ({type(exc).__name__}); {_DO}") from None
    finally:
        wb.close()
    return header, picked
