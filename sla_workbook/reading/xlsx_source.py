"""Read an .xlsx in one pass over its XML: values and formulas together.

openpyxl needs two full loads for that (data_only=False for formulas, True for values),
which doubles the cost; here each worksheet's XML is streamed once with lxml (libxml2,
in C; docs/decisions.md says why). Shared formulas (Excel writes them when it saves
filled-down formulas) are expanded with openpyxl's formula Translator.

Every part is untrusted: it is parsed with entities left unexpanded, no network, no DTD
loading and libxml2's size and depth limits (``_SAFE``), and a part that declares a DTD
is refused with defusedxml's DTDForbidden, as attacks (billion laughs, XXE) need one.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .raw import Cell, ErrorValue, RawWorkbook
from .sniff import read_part

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLS: dict[str, int] = {}  # column letters already checked -> zero-based index
_DIGITS = "0123456789"
ROWS_KEPT = 256  # sheet rows held in memory while streaming (dropping each row costs more)
# libxml2 options for untrusted parts. huge_tree=False keeps its limits (text nodes up to
# 10 MB, nesting depth, entity amplification); comments and PIs are dropped as
# ElementTree does.
_SAFE: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

if TYPE_CHECKING:
    from lxml.etree import _Element


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
    col = _COLS.get(ref[:i])
    return int(ref[i:]) - 1, _col(ref[:i]) if col is None else col


def _refuse_dtd(element: _Element) -> None:
    """Workbooks never need a DTD; refusing it (and so entities) stops XML bombs and XXE."""
    info = element.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None:
        from defusedxml import DTDForbidden

        raise DTDForbidden(info.root_name, info.system_url, info.public_id)


def _parse(data: bytes) -> _Element:
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(**_SAFE))
    _refuse_dtd(root)
    return root


def read_xlsx(path: Path) -> RawWorkbook:
    from lxml.etree import XMLSyntaxError

    try:
        return _read_xlsx(path)
    except XMLSyntaxError as exc:  # reported like any damaged XML (reader.py)
        from xml.etree.ElementTree import ParseError

        raise ParseError(str(exc)) from None


def _read_xlsx(path: Path) -> RawWorkbook:
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
    from lxml.etree import iterparse

    out: dict[tuple[int, int], Cell] = {}
    shared: dict[str, tuple[str, str]] = {}
    merged: list[str] = []
    f_tag, v_tag, c_tag, row_tag = f"{NS}f", f"{NS}v", f"{NS}c", f"{NS}row"
    cols, digits, first, rows = _COLS, _DIGITS, True, 0
    # Streamed: libxml2 hands over only cells, rows and merged ranges, and the rows read
    # are dropped every ROWS_KEPT rows, so memory holds cells, not the whole tree. The
    # loop body runs once per cell (a million in a large workbook): keep it lean.
    events = iterparse(io.BytesIO(data), tag=(c_tag, row_tag, f"{NS}mergeCell"), **_SAFE)
    for _event, el in events:
        if first:  # the DTD, if any, came before the first element: refuse it now
            _refuse_dtd(el)
            first = False
        tag = el.tag
        if tag != c_tag:
            if tag == row_tag:
                rows += 1
                if rows % ROWS_KEPT == 0:
                    parent = el.getparent()
                    if parent is not None and parent.tag == f"{NS}sheetData":
                        parent.clear()  # every row in it so far is complete and read
            else:
                merged.append(el.get("ref", ""))
            continue
        ref = el.get("r")
        if ref is None:
            continue
        f = None
        raw = None
        for child in el:  # one pass over the (at most 3) children instead of two finds
            child_tag = child.tag
            if child_tag == v_tag:
                raw = child.text
            elif child_tag == f_tag:
                f = child
        formula = None
        if f is not None:
            text = f.text
            if f.get("t") == "shared":
                si = f.get("si", "")
                if text:
                    shared[si] = ("=" + text, ref)
                elif si in shared:
                    from openpyxl.formula.translate import Translator

                    master, origin = shared[si]
                    text = Translator(master, origin=origin).translate_formula(ref)[1:]
            formula = text or ""
        kind = el.get("t", "n")
        if kind == "s":
            value: Any = strings[int(raw)] if raw is not None else None
        elif kind == "str":
            value = raw or ""
        elif kind == "inlineStr":
            value = "".join(t.text or "" for t in el.iter(f"{NS}t"))
        elif kind == "b":
            value = raw == "1" if raw is not None else None
        elif kind == "e":
            value = ErrorValue(raw or "#VALUE!")
        else:
            value = float(raw) if raw else None
        if value is None and formula is None:
            continue
        # parse_ref inlined for the usual "AB123": letters already seen, then digits.
        letters = ref.rstrip(digits)
        col = cols.get(letters)
        if col is None or len(letters) == len(ref):
            out[parse_ref(ref)] = Cell(value, formula)
        else:
            out[int(ref[len(letters) :]) - 1, col] = Cell(value, formula)
    if first and events.root is not None:  # no cell at all: still refuse a DTD
        _refuse_dtd(events.root)
    return out, merged
