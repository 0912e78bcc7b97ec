"""What a file really is, and whether it is safe to open, decided before reading it.

Every refusal is an InputError whose message says what the file is and what to do.
Limits (docs/limits.md) are checked on the zip's declared sizes before anything is
decompressed, and again on the bytes actually read, since declared sizes can lie.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError
from ..zip_limits import check_zip_sizes

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: legacy .xls, or encrypted
MAX_FILE = 200 * 2**20  # bytes on disk
MAX_PART = 400 * 2**20  # one part, uncompressed
MAX_TOTAL = 800 * 2**20  # all parts, uncompressed

_DO = "re-save it from Excel or LibreOffice as .xlsx"


def sniff(path: Path) -> str:
    """'xlsx' or 'ods' for a readable workbook; InputError (with what to do) otherwise."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a workbook; give the .xlsx or .ods file")
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty; {_DO}")
    if size > MAX_FILE:
        raise InputError(
            f"{path}: {size / 2**20:.0f} MB is over the {MAX_FILE // 2**20} MB "
            "limit for a workbook (docs/limits.md)"
        )
    if head == OLE_MAGIC:
        if _looks_encrypted(path):
            raise InputError(
                f"{path}: the workbook is password-protected (encrypted); remove "
                "the password (File > Info > Protect Workbook in Excel, File > "
                "Properties > Security in LibreOffice) and save again"
            )
        raise InputError(f"{path}: a legacy .xls (Excel 97-2003) file; open it and save as .xlsx")
    if head[:4] != b"PK\x03\x04":
        kind = "a PDF" if head[:5] == b"%PDF-" else "not a zip file"
        raise InputError(
            f"{path}: not a workbook ({kind}; .xlsx and .ods files are zip archives); {_DO}"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except Exception as exc:  # any failure to parse the zip structure of untrusted bytes
        # (zipfile raises BadZipFile, but also NotImplementedError, ValueError, struct.error)
        raise InputError(
            f"{path}: damaged or truncated workbook ({exc}); re-download it or {_DO}"
        ) from None
    check_zip_sizes(path, infos, max_part=MAX_PART, max_total=MAX_TOTAL, kind="a workbook")
    if "xl/workbook.bin" in names:
        raise InputError(f"{path}: a binary .xlsb workbook; save it as .xlsx (Excel Workbook)")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    raise InputError(
        f"{path}: a zip archive, but not a workbook (no xl/workbook.xml or content.xml); {_DO}"
    )


def _looks_encrypted(path: Path) -> bool:
    # An encrypted OOXML file is a Compound File holding "EncryptionInfo" and
    # "EncryptedPackage" streams; their names are stored in UTF-16 in the directory.
    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


def read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes, never more than MAX_PART however the zip describes it."""
    with zf.open(name) as fh:
        data = fh.read(MAX_PART + 1)
    if len(data) > MAX_PART:
        raise InputError(
            f"{zf.filename}: refused: {name} unpacks past {MAX_PART // 2**20} MB "
            "although the zip declared less; it may be a zip bomb"
        )
    return data
