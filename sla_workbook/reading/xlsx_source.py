"""Read an .xlsx in one pass over its XML: values and formulas together.

openpyxl needs two full loads for that (data_only=False for formulas, True for values),
which doubles the cost; here each worksheet's XML is streamed once with defusedxml.
Shared formulas (Excel writes them when it saves filled-down formulas) are expanded
with openpyxl's formula Translator.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError
from .raw import Cell, ErrorValue, RawWorkbook
from .sniff import read_part

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLS: dict[str, int] = {}


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    _COLS[letters] = n - 1
    return n - 1


def parse_ref(ref: str) -> tuple[int, int]:
    """'B7' (or '$B$7') -> (6, 1), zero-based."""
    ref = ref.replace("$", "")
    i = 0
    while i < len(ref) and "A" <= ref[i] <= "Z":
        i += 1
    if not 1 <= i <= 3 or not ref[i:].isdigit():
        raise ValueError(ref)
    return int(ref[i:]) - 1, _COLS.get(ref[:i]) or _col(ref[:i])


def _parse(data: bytes) -> Any:
    from defusedxml import ElementTree

    # Workbooks never need a DTD; refusing it (and entities) stops XML bombs and XXE.
    return ElementTree.fromstring(data, forbid_dtd=True)


def read_xlsx(path: Path) -> RawWorkbook:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not an .xlsx workbook (not a zip file)") from None
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            raise InputError(f"{path}: not an .xlsx workbook (no xl/workbook.xml)")
        wb = _parse(read_part(zf, "xl/workbook.xml"))
        pr = wb.find(f"{NS}workbookPr")
        if pr is not None and pr.get("date1904") in ("1", "true"):
            raise InputError(
                f"{path}: the workbook uses the 1904 date system (a Mac Excel option), so its "
                "dates would be read 4 years off; turn it off (Excel > Preferences > "
                "Calculation > Use the 1904 date system) and save again"
            )
        rels = _rels(zf, "xl/_rels/workbook.xml.rels")
        strings = _shared_strings(zf) if "xl/sharedStrings.xml" in names else []
        sheets: list[str] = []
        cells: dict[str, dict[tuple[int, int], Cell]] = {}
        merged: dict[str, list[str]] = {}
        for sheet in wb.iter(f"{NS}sheet"):
            name = sheet.get("name", "")
            target = rels.get(sheet.get(f"{REL_NS}id", ""), "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            sheets.append(name)
            if part in names:
                cells[name], merged[name] = _sheet_cells(read_part(zf, part), strings)
            else:
                cells[name], merged[name] = {}, []
        defined = {}
        for dn in wb.iter(f"{NS}definedName"):
            if dn.get("localSheetId") is None and dn.text:
                parsed = split_sheet_ref(dn.text)
                if parsed:
                    defined[dn.get("name", "")] = parsed
        props = _custom_properties(zf) if "docProps/custom.xml" in names else {}
    return RawWorkbook(path, "xlsx", sheets, cells, defined, props, merged)


def split_sheet_ref(text: str) -> tuple[str, str] | None:
    """ "'Your SLA'!$B$5:$C$5" -> ("Your SLA", "$B$5:$C$5")."""
    text = text.strip().lstrip("=")
    if "!" not in text:
        return None
    sheet, ref = text.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    if part not in zf.namelist():
        return {}
    root = _parse(read_part(zf, part))
    return {r.get("Id", ""): r.get("Target", "") for r in root.iter(f"{PKG_REL}Relationship")}


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    root = _parse(read_part(zf, "xl/sharedStrings.xml"))
    out = []
    for si in root.iter(f"{NS}si"):
        out.append("".join(t.text or "" for t in si.iter(f"{NS}t")))
    return out


def _custom_properties(zf: zipfile.ZipFile) -> dict[str, str]:
    root = _parse(read_part(zf, "docProps/custom.xml"))
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


def _sheet_cells(data: bytes, strings: list[str]) -> tuple[dict[tuple[int, int], Cell], list[str]]:
    from defusedxml.ElementTree import iterparse
    from openpyxl.formula.translate import Translator

    out: dict[tuple[int, int], Cell] = {}
    shared: dict[str, tuple[str, str]] = {}
    merged: list[str] = []
    f_tag, v_tag, c_tag, row_tag = f"{NS}f", f"{NS}v", f"{NS}c", f"{NS}row"
    # Streamed: each row is dropped once read, so memory holds cells, not the whole tree.
    for _event, el in iterparse(io.BytesIO(data), events=("end",), forbid_dtd=True):
        if el.tag == row_tag:
            el.clear()
            continue
        if el.tag == f"{NS}mergeCell":
            merged.append(el.get("ref", ""))
            continue
        if el.tag != c_tag:
            continue
        c = el
        ref = c.get("r")
        if ref is None:
            continue
        kind = c.get("t", "n")
        f = v = None
        for child in c:  # one pass over the (at most 3) children instead of two finds
            if child.tag == v_tag:
                v = child
            elif child.tag == f_tag:
                f = child
        formula = None
        if f is not None:
            text = f.text
            if f.get("t") == "shared":
                si = f.get("si", "")
                if text:
                    shared[si] = ("=" + text, ref)
                elif si in shared:
                    master, origin = shared[si]
                    text = Translator(master, origin=origin).translate_formula(ref)[1:]
            formula = text or ""
        raw = v.text if v is not None else None
        if kind == "inlineStr":
            value: Any = "".join(t.text or "" for t in c.iter(f"{NS}t"))
        elif kind == "s":
            value = strings[int(raw)] if raw is not None else None
        elif kind == "str":
            value = raw or ""
        elif kind == "b":
            value = raw == "1" if raw is not None else None
        elif kind == "e":
            value = ErrorValue(raw or "#VALUE!")
        else:
            value = float(raw) if raw not in (None, "") else None
        if value is None and formula is None:
            continue
        out[parse_ref(ref)] = Cell(value, formula)
    return out, merged
