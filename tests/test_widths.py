"""Column widths (sla_workbook/workbook/widths.py): formatted text, and which cells must fit.

The rendered check is tests/test_render.py (LibreOffice prints the workbooks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from sla_workbook.workbook.styles import NUMBER_FORMATS, Styles, currency_format
from sla_workbook.workbook.widths import fit_columns, formatted, text_width, wrapped_width


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (1_794_000.0, currency_format("USD"), "$1,794,000"),
        (-5.0, currency_format("USD"), "-$5"),
        (1_794_000.0, currency_format("XYZ"), "1,794,000 XYZ"),
        (1_794_000.0, currency_format("CHF"), "CHF 1,794,000"),
        (0.0875, NUMBER_FORMATS["percent"], "8.8%"),
        (12.5, NUMBER_FORMATS["percent"], "1250.0%"),
        (1234.4, NUMBER_FORMATS["leads"], "1,234"),
        (46387.0, NUMBER_FORMATS["date"], "2026-12-31"),
        (2027.0, NUMBER_FORMATS["year"], "2027"),
        (1.0, '"OK";;"check"', "OK"),
        (0.0, '"OK";;"check"', "check"),
        (3.0, "General", "3"),
        ("", currency_format("USD"), ""),
        ("EMEA", "@", "EMEA"),
    ],
)
def test_formatted_is_what_the_cell_shows(value: Any, fmt: str, text: str) -> None:
    assert formatted(value, fmt) == text


def test_bold_and_bigger_text_is_wider() -> None:
    assert text_width("$1,794,000", bold=True) > text_width("$1,794,000")
    assert text_width("Total", size=12) > text_width("Total")
    assert text_width("") == 0
    assert text_width("漢字") >= 4  # unknown characters count wide


def test_wrapped_width_fits_the_longest_word_and_the_lines() -> None:
    text = "Channel mix (share of the team's revenue)"
    assert text_width(text) <= wrapped_width(text, 1) < text_width(text) + 0.25
    two = wrapped_width(text, 2)
    assert text_width("revenue)") <= two < text_width(text)


def _sheet(tmp_path: Path) -> tuple[Any, Any, Styles]:
    wb = xlsxwriter.Workbook(str(tmp_path / "w.xlsx"))
    return wb, wb.add_worksheet("S"), Styles(wb, "USD")


def _pixels(ws: Any, col: int) -> int:
    """The width XlsxWriter will write for a column, in pixels (7 per digit + 5)."""
    return int(ws.col_info[col].width)


def test_numbers_fit_and_blank_cells_get_the_formats_default(tmp_path: Path) -> None:
    wb, ws, st = _sheet(tmp_path)
    ws.write_formula(0, 0, "=1", st.get("total", "money"), 123_456_789.0)
    ws.write_blank(0, 1, None, st.get("input", "money"))
    ws.write_blank(0, 2, None, st.get("input", "percent"))
    widths = fit_columns(ws, st.number_formats)
    assert widths[0] >= text_width("$123,456,789", bold=True)
    assert widths[1] >= text_width("$9,999,999")
    assert widths[2] >= text_width("999.9%")
    assert {c: _pixels(ws, c) for c in widths} == {
        c: int(w * 7 + 0.5) + 5 for c, w in widths.items()
    }
    wb.close()


def test_text_spills_only_over_empty_locked_cells(tmp_path: Path) -> None:
    wb, ws, st = _sheet(tmp_path)
    label = "As of (blank = latest log date)"
    ws.write_string(0, 0, label, st.get("label"))  # beside an empty input: must fit
    ws.write_blank(0, 1, None, st.get("input", "date"))
    ws.write_string(1, 2, "A title that runs over the cells beside it", st.get("section"))
    ws.write_string(2, 2, "Total Marketing", st.get("total"))  # over blank total cells
    ws.write_blank(2, 3, None, st.get("total"))
    widths = fit_columns(ws, st.number_formats)
    assert widths[0] >= text_width(label, bold=True)
    assert 2 not in widths and 3 not in widths
    wb.close()


def test_text_does_not_spill_past_the_print_area(tmp_path: Path) -> None:
    wb, ws, st = _sheet(tmp_path)
    ws.write_string(0, 1, "Tracked month", st.get("helper"))
    ws.print_area(0, 0, 10, 1)
    assert fit_columns(ws, st.number_formats)[1] >= text_width("Tracked month", size=8)
    wb.close()


def test_a_header_takes_two_lines_rather_than_widen_a_number_column(tmp_path: Path) -> None:
    wb, ws, st = _sheet(tmp_path)
    ws.write_string(0, 0, "Total Marketing", st.get("header"))
    ws.write_formula(1, 0, "=1", st.get("output", "leads"), 12.0)
    widths = fit_columns(ws, st.number_formats)
    assert widths[0] < text_width("Total Marketing", bold=True)
    assert widths[0] >= text_width("Marketing", bold=True)
    assert ws.row_info[0].height >= 2 * 13 * 4 / 3  # pixels: two 10-point lines
    wb.close()


def test_a_group_of_columns_shares_one_width(tmp_path: Path) -> None:
    wb, ws, st = _sheet(tmp_path)
    ws.write_number(0, 0, 1.0, st.get("output", "leads"))
    ws.write_number(0, 1, 1_000_000_000.0, st.get("output", "leads"))
    widths = fit_columns(ws, st.number_formats, [range(0, 3)])
    assert widths[0] == widths[1] == widths[2]
    wb.close()
