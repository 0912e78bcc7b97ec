"""Read a LibreOffice .ods (OpenDocument) workbook into the same RawWorkbook as .xlsx.

LibreOffice users often keep its own format. Formulas are stored in OpenFormula syntax
(``of:=SUM([.B7:.M7])``); they are translated to Excel A1 syntax so the validator can
compare them with the template's formulas.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..workbook.dates import datetime_to_serial
from .raw import Cell, ErrorValue, RawWorkbook
from .sniff import read_part
from .xlsx_source import parse_ref

T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
M = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
MAX_REPEAT = 1024  # a repeated cell with content is expanded at most this far

_REF = re.compile(
    r"\[(\$?'(?:[^']|'')+'|\$?[^.\[\]':]*)?\.(\$?[A-Z]+\$?\d+)(?::(?:\$?'(?:[^']|'')+'|\$?[^.\[\]':]*)?\.(\$?[A-Z]+\$?\d+))?\]"
)


def _sheet_prefix(sheet: str | None) -> str:
    if not sheet:
        return ""
    sheet = sheet.lstrip("$")
    if sheet.startswith("'"):
        return sheet + "!"
    return f"'{sheet}'!" if sheet else ""


def openformula_to_excel(text: str) -> str:
    """of:=IF([.A1]<>"";SUM([$'S 1'.$B$2:.$C$3]);"") -> IF(A1<>"",SUM('S 1'!$B$2:$C$3),"")"""
    if text.startswith("of:"):
        text = text[3:]
    text = text.lstrip("=")
    out = []
    # ';' separates arguments outside string literals only
    for part in re.split(r'("(?:[^"]|"")*")', text):
        if part.startswith('"') and part.endswith('"') and len(part) >= 2:
            out.append(part)
            continue
        part = _REF.sub(
            lambda m: (
                _sheet_prefix(m.group(1)) + m.group(2) + (":" + m.group(3) if m.group(3) else "")
            ),
            part,
        )
        out.append(part.replace(";", ","))
    return "".join(out)


def _parse(data: bytes) -> Any:
    from defusedxml import ElementTree

    # Workbooks never need a DTD; refusing it (and entities) stops XML bombs and XXE.
    return ElementTree.fromstring(data, forbid_dtd=True)


def read_ods(path: Path) -> RawWorkbook:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not an .ods workbook (not a zip file)") from None
    with zf:
        if "content.xml" not in zf.namelist():
            raise InputError(f"{path}: not an .ods workbook (no content.xml)")
        root = _parse(read_part(zf, "content.xml"))
        props = _meta(zf) if "meta.xml" in zf.namelist() else {}
    sheets, cells = [], {}
    for table in root.iter(f"{T}table"):
        name = table.get(f"{T}name", "")
        sheets.append(name)
        cells[name] = _table_cells(table)
    names = {}
    for nr in root.iter(f"{T}named-range"):
        address = nr.get(f"{T}cell-range-address", "")
        parsed = _range_address(address)
        if parsed:
            names[nr.get(f"{T}name", "")] = parsed
    return RawWorkbook(path, "ods", sheets, cells, names, props)


def _range_address(address: str) -> tuple[str, str] | None:
    """$'Your SLA'.$D$18:.$O$26 -> ("Your SLA", "$D$18:$O$26")."""
    cell = r"(\$?[A-Z]+\$?\d+)"
    m = re.match(rf"^\$?('(?:[^']|'')+'|[^.]+)\.{cell}(?::(?:[^.]*)\.{cell})?$", address)
    if not m:
        return None
    sheet = m.group(1)
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    ref = m.group(2) + (":" + m.group(3) if m.group(3) else "")
    return sheet, ref


def _meta(zf: zipfile.ZipFile) -> dict[str, str]:
    root = _parse(read_part(zf, "meta.xml"))
    return {el.get(f"{M}name", ""): el.text or "" for el in root.iter(f"{M}user-defined")}


def _value(cell: Any) -> Any:
    kind = cell.get(f"{OFF}value-type")
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(f"{OFF}value"))
    if kind == "date":
        raw = cell.get(f"{OFF}date-value", "")
        when = (
            dt.datetime.fromisoformat(raw)
            if "T" in raw
            else dt.datetime.fromisoformat(raw + "T00:00:00")
        )
        return datetime_to_serial(when)
    if kind == "time":
        return None
    if kind == "boolean":
        return cell.get(f"{OFF}boolean-value") == "true"
    text = cell.get(f"{OFF}string-value")
    if text is None:
        paragraphs = cell.findall(f"{X}p")
        text = "\n".join("".join(p.itertext()) for p in paragraphs) if paragraphs else None
    if kind == "string":
        if cell.get(f"{CALCEXT}value-type") == "error" and cell.get(f"{T}formula"):
            # LibreOffice stores #N/A, #DIV/0! ... as an empty string plus this marker
            shown = "".join("".join(q.itertext()) for q in cell.findall(f"{X}p"))
            return ErrorValue(shown or "#VALUE!")
        return text or ""
    if text and text.startswith("#") and cell.get(f"{T}formula"):
        return ErrorValue(text)  # LibreOffice writes Err:502 / #VALUE! as text
    return "" if cell.get(f"{T}formula") else None


def _table_cells(table: Any) -> dict[tuple[int, int], Cell]:
    out: dict[tuple[int, int], Cell] = {}
    row = 0
    for tr in table.iter(f"{T}table-row"):
        repeat_rows = int(tr.get(f"{T}number-rows-repeated", "1"))
        col = 0
        filled = False
        for tc in tr:
            if tc.tag not in (f"{T}table-cell", f"{T}covered-table-cell"):
                continue
            repeat = int(tc.get(f"{T}number-columns-repeated", "1"))
            formula = tc.get(f"{T}formula")
            value = _value(tc)
            if value is not None or formula is not None:
                filled = True
                excel = openformula_to_excel(formula) if formula else None
                for k in range(min(repeat, MAX_REPEAT)):
                    out[(row, col + k)] = Cell(value, excel)
            col += repeat
        if filled and repeat_rows > 1:
            for r in range(1, min(repeat_rows, MAX_REPEAT)):
                for (rr, cc), cell in list(out.items()):
                    if rr == row:
                        out[(row + r, cc)] = cell
        row += repeat_rows
    return out


__all__ = ["openformula_to_excel", "parse_ref", "read_ods"]
