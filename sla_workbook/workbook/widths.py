"""Column widths from what each cell will show, so no number turns into ``###``.

Called once per sheet after every cell is written: it reads the cells back from the
XlsxWriter worksheet (value, cached formula result, number format, font), formats each
value the way the spreadsheet will (currency, percent, thousands separators, dates),
estimates the text's width and sets each column to its widest cell.

Widths are in Excel's unit: the widest digit of the default font (Calibri 11). A
program without Calibri draws a substitute (LibreOffice: Carlito, or DejaVu Sans where
Carlito is missing) and measures that unit with the substitute's digit, so a width
estimate is safe in every program if each character is counted at its widest ratio to
its own font's digit. The tables below hold that ratio (bold glyphs against the
regular digit), the maximum over Carlito (Calibri's metrics), DejaVu Sans and
Liberation Sans (Arial's metrics), rounded up to 0.05. A character of ``size``-point
text counts as ratio x size / 10 digits: LibreOffice draws it at size / 11, Excel at
about 0.97 x size / 10 (it rounds the 11-point digit down to 7 pixels).

Which cells must fit:

- numbers always (a number that does not fit shows ``###``);
- blank cells and numbers with a known format also fit a default value of that format
  (``FLOORS``: 7-digit currency, 999.9%, a date), so a blank sheet has room for what a
  user will type and a filled one for what the user may change;
- text that wraps fits its longest word, and all of it within the lines the row's
  height holds; in a row of default height a header takes a second line (the row
  grows) rather than widen its column past what the column's other cells need; a
  merged header spreads what it needs over its columns;
- columns given as one group (a table's months) share the widest one's width;
- other text fits its column unless it may spill into the next cells: only when
  those are not written or are blank and locked (never into an input cell, which is
  drawn empty until someone types in it, nor into a cell showing a value, nor past
  the print area's last column, where the printed page cuts it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from .dates import serial, serial_to_datetime

_REGULAR: dict[float, str] = {
    0.45: "'",
    0.5: " ,.IijlÌÍÎÏìíîï\u2018\u2019\xa0",
    0.55: ":;",
    0.6: "·\xad",
    0.65: "!()-[]f¡¹",
    0.7: "rt²³",
    0.8: '"/\\`¨ª°\xb4\xb8',
    0.85: "º\u201c\u201d",
    0.9: "Jcszç",
    0.95: "kvxy|ýÿ",
    1.0: "$*0123456789?L_aeg{}¢£¤¥¦§¯àáâãäåèéêë€₹\u2013",
    1.05: "bdhnopqu«»ðñòóôõöùúûüþ",
    1.1: "FTZµ¿ßø",
    1.2: "ABEKPSVXY¶ÀÁÂÃÄÅÈÉÊËÝÞ",
    1.3: "CDHNRUÇÐÑÙÚÛÜ",
    1.35: "#&+<=>^~¬±\xd7÷",
    1.4: "GOQÒÓÔÕÖØ",
    1.45: "w",
    1.55: "¼½¾",
    1.6: "%m®æ",
    1.65: "©",
    1.7: "M",
    1.8: "WÆ\u2014\u2026",
    1.85: "@",
}
_BOLD: dict[float, str] = {
    0.5: "'",
    0.55: " ijlìíîï\xa0",
    0.6: ",.I·ÌÍÎÏ\u2018\u2019",
    0.65: ":;",
    0.7: "-f²³¹\xad",
    0.75: "!()[]¡",
    0.8: "`rt°\xb4\xb8",
    0.85: "/\\¨",
    0.9: '"ªº',
    0.95: "z|",
    1.0: "*J_cs¤¦§¯ç\u2013",
    1.05: "kvxyýÿ\u201c\u201d",
    1.1: "$0123456789?FLTaeo¢£¥«»¿àáâãäåèéêëðòóôõöø€₹",
    1.15: "Zbdghnpqu{}ßñùúûüþ",
    1.2: "EPSYµ¶ÈÉÊËÝÞ",
    1.25: "VX",
    1.3: "ABCKRUÀÁÂÃÄÅÇÙÚÛÜ",
    1.35: "#+<=>DHN^~¬±ÐÑ\xd7÷",
    1.4: "&GOQÒÓÔÕÖØ",
    1.5: "w",
    1.6: "%®",
    1.65: "m©¼½¾æ",
    1.75: "M",
    1.8: "@WÆ\u2014\u2026",
}
_OTHER = 2.0  # any other character (CJK is about 2 digits wide)
_CHARS = {False: _REGULAR, True: _BOLD}
_WIDTH = {bold: {c: w for w, cs in t.items() for c in cs} for bold, t in _CHARS.items()}

PADDING = 0.5  # cell margins, and pixel rounding
MAX_WIDTH = 255.0  # Excel's limit
LINE_HEIGHT = 1.3  # points of row height per point of font size, per wrapped line
DEFAULT_ROW_POINTS = 15.0

# What blank sheets must have room for, per Styles number key (styles.NUMBER_FORMATS).
FLOORS: dict[str, tuple[Any, ...]] = {
    "money": (9_999_999.0,),
    "leads": (99_999.0,),
    "percent": (9.999,),
    "date": (float(serial(dt.date(2027, 12, 31))),),
    "year": (9999.0,),
    "integer": (99.0,),
    "check": (0.0, 1.0),
    "text": ("Xxxxxxxxxx",),
}


@cache
def text_width(text: str, bold: bool = False, size: float = 10.0) -> float:
    """Estimated width of one line of text, in digits of the default font (safe side)."""
    table = _WIDTH[bold]
    return sum(table.get(c, _OTHER) for c in text) * size / 10


def wrapped_width(text: str, lines: int, bold: bool = False, size: float = 10.0) -> float:
    """The narrowest width that word-wraps ``text`` into at most ``lines`` lines."""
    words = text.split()
    if not words:
        return 0.0
    space = text_width(" ", bold, size)
    sizes = [text_width(w, bold, size) for w in words]
    width = max(sizes)
    while True:
        used, line = 1, sizes[0]
        for s in sizes[1:]:
            if line + space + s <= width:
                line += space + s
            else:
                used, line = used + 1, s
        if used <= lines:
            return width
        width += 0.25


# -- Excel number formats (the subset styles.py uses) ---------------------------------
_TOKEN = re.compile(r'"([^"]*)"|\\(.)|([#0?,.]+)|(y+|m+|d+)|(.)', re.IGNORECASE)


def _sections(fmt: str) -> list[str]:
    """A format's sections (positive;negative;zero;text), split outside quoted text."""
    out, part, quoted = [], "", False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append(part)
            part = ""
        else:
            part += ch
    out.append(part)
    return out


def _number(value: float, pattern: str) -> str:
    integer, _, decimals = pattern.partition(".")
    places = sum(1 for c in decimals if c in "0#?")
    text = f"{abs(value):,.{places}f}" if "," in integer else f"{abs(value):.{places}f}"
    if places and "0" not in decimals:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("0") and "0" not in integer and abs(value) < 1:
        text = text[1:]
    return text


@cache
def formatted(value: Any, fmt: str) -> str:
    """The text a cell shows for ``value`` under number format ``fmt``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, str):
        return value
    value = float(value)
    if not math.isfinite(value):
        return "#NUM!"
    if fmt in ("General", "@", ""):
        return _general(value)
    sections = _sections(fmt)
    if len(sections) >= 3 and value == 0:
        section, sign = sections[2], ""
    elif len(sections) >= 2 and value < 0:
        section, sign = sections[1], ""
    else:
        section, sign = sections[0], "-" if value < 0 else ""
    if "%" in section:
        value *= 100
    out, number_done = sign, False
    for literal, escaped, digits, date_part, other in _TOKEN.findall(section):
        if literal or escaped:
            out += literal or escaped
        elif digits and not number_done:
            out += _number(value, digits)
            number_done = True
        elif date_part:
            out += _date_part(value, date_part)
        elif other and other not in "_*@":
            out += other
    return out


def _general(value: float) -> str:
    if value == int(value) and abs(value) < 1e11:
        return str(int(value))
    return f"{value:.10g}"


def _date_part(value: float, part: str) -> str:
    day = serial_to_datetime(value)
    p = part.lower()
    if p.startswith("y"):
        return f"{day.year:04d}" if len(p) > 2 else f"{day.year % 100:02d}"
    if p.startswith("m"):
        return f"{day.month:02d}" if len(p) <= 2 else day.strftime("%B" if len(p) > 3 else "%b")
    return f"{day.day:02d}" if len(p) <= 2 else day.strftime("%A" if len(p) > 3 else "%a")


# -- the worksheet ---------------------------------------------------------------------
def fit_columns(
    ws: Any, number_formats: dict[str, str], same: Sequence[range] = ()
) -> dict[int, float]:
    """Set every written column of an XlsxWriter worksheet to fit its cells; return widths.

    ``number_formats`` maps Styles' number keys to format strings (for ``FLOORS``);
    each range in ``same`` is a group of columns given one width (a table's months). A
    wrapping header in a row of default height takes a second line (the row grows)
    rather than widening its column beyond what the column's other cells need.
    """
    floors: dict[str, list[Any]] = {}
    for key, samples in FLOORS.items():
        if key in number_formats:
            floors.setdefault(number_formats[key], []).extend(samples)
    strings = sorted(ws.str_table.string_table, key=ws.str_table.string_table.__getitem__)
    merged = {
        (r, c) for r0, c0, r1, c1 in ws.merge for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
    }
    need: dict[int, float] = {}
    wrapped: list[tuple[int, int, str, bool, float]] = []
    spill: list[tuple[int, int, float]] = []  # text that may run into empty neighbours

    def want(col: int, width: float) -> None:
        if width > need.get(col, 0.0):
            need[col] = width

    looks: dict[int, tuple[bool, float, str, float]] = {}  # per format: font, number, floor
    for row, cells in ws.table.items():
        for col, cell in cells.items():
            if (row, col) in merged:
                continue
            fmt = cell.format
            look = looks.get(id(fmt))
            if look is None:
                bold, size = _font(fmt)
                number = fmt.num_format if fmt is not None else "General"
                number = number if isinstance(number, str) else "General"
                floor = max(
                    (text_width(formatted(x, number), bold, size) for x in floors.get(number, ())),
                    default=0.0,
                )
                look = looks[id(fmt)] = (bold, size, number, floor)
            bold, size, number, floor = look
            if floor:
                want(col, floor)
            if type(cell).__name__ == "Blank":
                continue
            value = _value(cell, strings)
            if value is None or value == "":
                continue
            text = formatted(value, number)
            if not isinstance(value, str):
                want(col, text_width(text, bold, size))
            elif fmt is not None and fmt.text_wrap:
                wrapped.append((row, col, text, bold, size))
            elif _spills(ws.table, row, col):
                spill.append((row, col, text_width(text, bold, size)))
            else:
                want(col, text_width(text, bold, size))
    _same_width(need, same)

    grow: dict[int, float] = {}  # row -> points its wrapped headers need
    for row, col, text, bold, size in wrapped:
        points = _row_points(ws, row)
        if points is not None:
            want(col, wrapped_width(text, _lines(points, size), bold, size))
        elif text_width(text, bold, size) > need.get(col, 0.0):
            want(col, wrapped_width(text, 2, bold, size))
            grow[row] = max(grow.get(row, 0.0), 2 * LINE_HEIGHT * size + 4)

    last_printed = _last_printed_col(ws)
    for row, col, width in spill:
        # Spilling text may cross the next cells only while they stay empty.
        room, c = need.get(col, _DEFAULT), col + 1
        while room < width and _spills(ws.table, row, c - 1) and c != last_printed + 1:
            room, c = room + need.get(c, _DEFAULT), c + 1
        if room < width:
            want(col, width - (room - need.get(col, _DEFAULT)))

    for r0, c0, _r1, c1 in ws.merge:
        cell = ws.table.get(r0, {}).get(c0)
        value = _value(cell, strings) if cell is not None else None
        if not isinstance(value, str) or not value:
            continue
        bold, size = _font(cell.format)
        wraps = cell.format is not None and cell.format.text_wrap
        lines = _lines(_row_points(ws, r0) or DEFAULT_ROW_POINTS, size) if wraps else 1
        cols = range(c0, c1 + 1)
        total = wrapped_width(value, lines, bold, size) + PADDING * (len(cols) - 1)
        have = sum(need.get(c, _DEFAULT) for c in cols)
        if have < total:
            for c in cols:
                need[c] = need.get(c, _DEFAULT) + (total - have) / len(cols)
    _same_width(need, same)

    widths = {col: min(MAX_WIDTH, math.ceil((w + PADDING) * 4) / 4) for col, w in need.items()}
    for col, width in sorted(widths.items()):
        ws.set_column(col, col, width)
    for row, points in sorted(grow.items()):
        ws.set_row(row, max(DEFAULT_ROW_POINTS, math.ceil(points)))
    return widths


def _same_width(need: dict[int, float], groups: Sequence[range]) -> None:
    for group in groups:
        widest = max((need.get(c, 0.0) for c in group), default=0.0)
        for c in group:
            if widest:
                need[c] = widest


_DEFAULT = 8.43  # a column nobody set


def _font(fmt: Any) -> tuple[bool, float]:
    if fmt is None:
        return False, 11.0
    return bool(fmt.bold), float(fmt.font_size or 11)


def _row_points(ws: Any, row: int) -> float | None:
    """The height set for a row, in points (None: the default height, free to grow)."""
    info = getattr(ws, "row_info", {}).get(row)
    pixels = getattr(info, "height", None)
    return pixels * 0.75 if pixels else None


def _lines(points: float, size: float) -> int:
    """How many lines of text of a font size a row of that height shows."""
    return max(1, int(points // (LINE_HEIGHT * size)))


def _last_printed_col(ws: Any) -> int:
    """The print area's last column (text printed there may not spill past it), or -1."""
    area = getattr(ws, "print_area_range", None)
    match = re.search(r"\$?([A-Z]+)\$?\d+$", area or "")
    if not match:
        return -1
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    return col - 1


def _value(cell: Any, strings: list[str]) -> Any:
    kind = type(cell).__name__
    if kind == "String":
        return strings[cell.string]
    if kind == "RichString":
        return cell.raw_string
    if kind in ("Number", "Datetime"):
        return cell.number
    if kind in ("Formula", "ArrayFormula"):
        return cell.value
    if kind == "Boolean":
        return bool(cell.boolean)
    return None


def _spills(table: dict[int, dict[int, Any]], row: int, col: int) -> bool:
    """Whether text in (row, col) may be drawn over the cell to its right."""
    right = table.get(row, {}).get(col + 1)
    if right is None:
        return True
    if type(right).__name__ != "Blank":
        return False
    return right.format is None or bool(right.format.locked)
