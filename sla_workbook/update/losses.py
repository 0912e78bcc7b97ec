"""What a rewritten workbook would not carry over from the user's file.

Compared file against file, not against a list of things we expect users to do: every
cell of the original that is not an input must come out the same (our labels and
formulas do; a note typed beside a table, an edited label, a typed-over formula do
not), every sheet must still be there, and every comment, chart and defined name of
the original must have its counterpart. Column widths are not losses: the rewrite
carries the user's wider columns over (column_widths).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checking.validator import normalize_formula
from ..reading.raw import Cell, RawWorkbook
from ..reading.sniff import read_part
from ..reading.xlsx_source import parse_ref, read_xlsx
from ..workbook.layout import S_CHANNEL_ROW, cell_ref

if TYPE_CHECKING:
    from ..reading.reader import Workbook

SHOWN = 20  # losses listed one by one; the rest are counted
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ST = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
OFF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def template_cells(wb: Workbook) -> frozenset[tuple[str, int, int]]:
    """The cells of ``wb`` that hold our own template formula. The new file regenerates
    them for its own shape (a longer log widens every range over it), so a different
    text there is not the user's formula being lost."""
    from ..workbook.formulas import formula_blocks

    out: set[tuple[str, int, int]] = set()
    for pair in (wb.examples, wb.yours):
        for name in formula_blocks(pair.layout):
            b = pair.layout[name]
            sheet = pair.sheet_of(b)
            for i in range(b.nrows):
                for j in range(b.ncols):
                    ours = pair.formulas.for_cell(name, i, j)
                    got = pair.cell(name, i, j).formula
                    if not (ours and got):
                        continue
                    # as the validator: the exact text first (every cell of a file we or
                    # LibreOffice wrote), normalizing only what differs
                    if got == ours[1:] or normalize_formula(ours) == normalize_formula(got):
                        out.add((sheet, b.row + i, b.col + j))
    return frozenset(out)


def find_losses(
    src: Path,
    original: RawWorkbook,
    new_path: Path,
    ours: frozenset[tuple[str, int, int]] = frozenset(),
) -> list[str]:
    """One line per thing of the original that ``new_path`` does not have; ``ours``:
    cells holding our template formulas (template_cells), regenerated, never lost."""
    new = read_xlsx(new_path)
    out: list[str] = []
    for sheet in original.sheets:
        if sheet not in new.sheets:
            filled = sum(1 for c in original.cells.get(sheet, {}).values() if not _empty(c))
            out.append(f"sheet {sheet!r} ({filled} filled cells) is not carried over")
    out += _cells(original, new, ours)
    out += _extras(src, new_path, original.kind)
    for name in sorted(set(original.names) - set(new.names)):
        if name.lower().startswith("_xlnm."):
            continue  # print areas and filters: the program's own, regenerated
        out.append(f"defined name {name} is not carried over")
    if len(out) > SHOWN:
        out = [*out[:SHOWN], f"... and {len(out) - SHOWN} more"]
    return out


def _empty(cell: Cell) -> bool:
    return cell.formula is None and (cell.value is None or cell.value == "")


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b) or str(a) == str(b)


def _log_columns(raw: RawWorkbook) -> set[int]:
    """Your SLA sheet's log input columns: rewritten on purpose, never a loss."""
    ref = raw.names.get("your_log_date")
    if ref is None:
        return set()
    first = parse_ref(ref[1].split(":")[0])
    width = 6 if "your_log_worked" in raw.names else 4  # version 2: worked, attempts
    return set(range(first[1], first[1] + width))


def _cells(
    original: RawWorkbook, new: RawWorkbook, ours: frozenset[tuple[str, int, int]]
) -> list[str]:
    out = []
    sla = original.names.get("your_log_date", ("", ""))[0]
    log_cols = _log_columns(original)
    for sheet in original.sheets:
        if sheet not in new.sheets:
            continue
        for (r, c), cell in sorted(original.cells.get(sheet, {}).items()):
            if _empty(cell) or (sheet == sla and c in log_cols and r >= S_CHANNEL_ROW):
                continue
            if cell.formula is not None and (sheet, r, c) in ours:
                continue
            now = new.cell(sheet, r, c)
            where = f"'{sheet}'!{cell_ref(r, c)}"
            if cell.formula is not None:
                if now.formula != cell.formula and (
                    now.formula is None
                    or normalize_formula(now.formula) != normalize_formula(cell.formula)
                ):
                    out.append(f"{where}: your formula ={cell.formula} is replaced")
            elif now.formula is not None:
                out.append(
                    f"{where}: the value {_show(cell.value)} typed over a formula is "
                    "replaced by the formula"
                )
            elif not _same_value(cell.value, now.value):
                out.append(f"{where}: {_show(cell.value)} is not carried over")
    return out


def _extras(src: Path, new_path: Path, kind: str) -> list[str]:
    """Comments and charts the original has and the new file does not."""
    theirs = _ods_extras(src) if kind == "ods" else _xlsx_extras(src)
    ours = _xlsx_extras(new_path)
    out = []
    for sheet, (comments, charts) in theirs.items():
        our_comments, our_charts = ours.get(sheet, (set(), Counter()))
        if kind == "ods":  # titles unknown there: compare how many charts
            our_charts = Counter({"": sum(our_charts.values())})
        for text in sorted(comments - our_comments):
            shown = text if len(text) <= 60 else text[:57] + "..."
            out.append(f"a comment on sheet {sheet!r} ({shown!r}) is not carried over")
        for title, count in sorted((charts - our_charts).items()):
            named = f"titled {title!r}" if title else "without a title"
            out.append(f"{count} chart(s) {named} on sheet {sheet!r} are not carried over")
    return out


def _xml(zf: zipfile.ZipFile, name: str) -> Any:
    from defusedxml import ElementTree

    return ElementTree.fromstring(read_part(zf, name), forbid_dtd=True)


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    book = _xml(zf, "xl/workbook.xml")
    rels = {
        r.get("Id"): r.get("Target", "")
        for r in _xml(zf, "xl/_rels/workbook.xml.rels").iter(f"{PKG}Relationship")
    }
    out = {}
    for sheet in book.iter(f"{MAIN}sheet"):
        target = rels.get(sheet.get(f"{REL}id"), "")
        out[sheet.get("name", "")] = _join("xl/", target)
    return out


def _join(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts = (base + target).split("/")
    stack: list[str] = []
    for p in parts:
        if p == "..":
            stack.pop()
        elif p not in ("", "."):
            stack.append(p)
    return "/".join(stack)


def _rels_of(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in zf.namelist():
        return []
    return [
        (r.get("Type", "").rsplit("/", 1)[-1], _join(folder + "/", r.get("Target", "")))
        for r in _xml(zf, rels).iter(f"{PKG}Relationship")
    ]


Extras = dict[str, tuple[set[str], Counter[str]]]  # sheet -> (comments, chart titles)
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def _chart_title(zf: zipfile.ZipFile, part: str) -> str:
    title = _xml(zf, part).find(f".//{CHART}title")
    return "" if title is None else _norm_text("".join(title.itertext()))


def _xlsx_extras(path: Path) -> Extras:
    out: Extras = {}
    with zipfile.ZipFile(path) as zf:
        for sheet, part in _sheet_parts(zf).items():
            comments: set[str] = set()
            charts: Counter[str] = Counter()
            for kind, target in _rels_of(zf, part):
                if kind == "comments" and target in zf.namelist():
                    for c in _xml(zf, target).iter(f"{MAIN}comment"):
                        comments.add(_norm_text("".join(c.itertext())))
                elif kind == "drawing" and target in zf.namelist():
                    for k, chart in _rels_of(zf, target):
                        if k == "chart" and chart in zf.namelist():
                            charts[_chart_title(zf, chart)] += 1
            out[sheet] = (comments, charts)
    return out


def _ods_extras(path: Path) -> Extras:
    """Comments by text; charts counted, as titled "" (an ods chart's title sits in its
    own object, and LibreOffice keeps ours as two charts: only a third is a loss)."""
    out: Extras = {}
    with zipfile.ZipFile(path) as zf:
        root = _xml(zf, "content.xml")
    for table in root.iter(f"{T}table"):
        comments = {
            _norm_text(" ".join("".join(p.itertext()) for p in a.iter(f"{TEXT}p")))
            for a in table.iter(f"{OFF}annotation")  # its dc:date and dc:creator are not text
        }
        count = sum(
            1
            for obj in table.iter(f"{DRAW}object")
            if obj.get("{http://www.w3.org/1999/xlink}href", "").startswith("./Object")
        )
        out[table.get(f"{T}name", "")] = (comments, Counter({"": count} if count else {}))
    return out


def column_widths(path: Path, sheets: tuple[str, str]) -> dict[tuple[str, int], float]:
    """Your sheets' column widths in the original, in Excel's character units."""
    roles = dict(zip(sheets, ("targets", "sla"), strict=True))
    out: dict[tuple[str, int], float] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "content.xml" in names:
                return _ods_widths(zf, roles)
            for sheet, part in _sheet_parts(zf).items():
                if sheet not in roles or part not in names:
                    continue
                for lo, hi, stored in _cols(read_part(zf, part)):
                    # stored = (7 px a digit x width + 5 px padding) / 7; back to width
                    width = max(0.0, (round(stored * 7) - 5) / 7)
                    for c in range(lo, min(hi, lo + 200) + 1):
                        out[(roles[sheet], c - 1)] = width
    except (KeyError, zipfile.BadZipFile):
        return {}
    return out


def _cols(data: bytes) -> list[tuple[int, int, float]]:
    """<col> elements, read before <sheetData> (they always come first)."""
    head = data[: data.find(b"<sheetData")] if b"<sheetData" in data else data
    found = []
    for m in re.finditer(rb"<(?:\w+:)?col\b([^>]*)/?>", head):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m.group(1)))
        try:
            found.append((int(attrs[b"min"]), int(attrs[b"max"]), float(attrs[b"width"])))
        except (KeyError, ValueError):
            continue
    return found


def _ods_widths(zf: zipfile.ZipFile, roles: dict[str, str]) -> dict[tuple[str, int], float]:
    root = _xml(zf, "content.xml")
    styles: dict[str, float] = {}
    for style in root.iter(f"{ST}style"):
        props = style.find(f"{ST}table-column-properties")
        if props is not None and props.get(f"{ST}column-width"):
            styles[style.get(f"{ST}name", "")] = _length_to_chars(props.get(f"{ST}column-width"))
    out: dict[tuple[str, int], float] = {}
    for table in root.iter(f"{T}table"):
        role = roles.get(table.get(f"{T}name", ""))
        if role is None:
            continue
        col = 0
        for column in table.iter(f"{T}table-column"):
            repeat = min(int(column.get(f"{T}number-columns-repeated", "1")), 1024)
            width = styles.get(column.get(f"{T}style-name", ""))
            for c in range(col, col + repeat):
                if width is not None and c < 200:
                    out[(role, c)] = width
            col += repeat
    return out


def _length_to_chars(length: str) -> float:
    """An ODF length (2.258cm, 0.889in, 64pt) as Excel column width (7 px digit + 5 px)."""
    m = re.fullmatch(r"([0-9.]+)(cm|mm|in|pt|pc|px)", length.strip())
    if not m:
        return 0.0
    per_inch = {"cm": 2.54, "mm": 25.4, "in": 1.0, "pt": 72.0, "pc": 6.0, "px": 96.0}
    pixels = float(m.group(1)) / per_inch[m.group(2)] * 96
    return max(0.0, round((pixels - 5) / 7, 2))
