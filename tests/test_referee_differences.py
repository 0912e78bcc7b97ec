"""Known differences between the formula referees, pinned (docs/workbook.md, "Known
differences between referees"). Each test fails the day a referee changes its answer,
so the documented difference is re-examined rather than silently outdated.

1. The `formulas` library's ROUND rounds the binary product ``x * 10**digits`` exactly;
   Excel, LibreOffice and Gnumeric (and the engine, sla_workbook/model/rounding.py) round
   the value as shown to 15 significant digits. They differ when the 15-digit value ends
   in a 5 right at the rounding place but the binary one lies just below it.
2. `formulas` rounds every number it loads from a cell to 15 decimal places
   (``round(val, 15)`` in ``ExcelModel.compile_cell``), not 15 significant digits: an
   input below 5e-16 becomes 0 there, and nowhere else.
3. A subtraction that cancels to one binary digit, 1 - 0.9999999999999999 (the double
   just below 1, a marketing share hypothesis can draw): the engine says 2**-53,
   LibreOffice 0 (its approximate subtraction snaps it), Gnumeric about 1.0e-16 (its
   extended precision), `formulas` 0 (it loaded the share as 1). Only sub-cent revenue
   cells differ; every lead count agrees.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from sla_workbook.model.rounding import excel_round, excel_roundup
from tests.cell_diff import diff, formula_cells, values_at
from tests.plans import plan_dict
from tests.spreadsheet_programs import formulas_recalc, gnumeric_recalc, libreoffice_convert_many
from tests.workbooks import make

YOUR_SHEETS = ("Your targets", "Your SLA")


def _formulas_value(formula: str) -> float:
    import formulas

    func = formulas.Parser().ast(formula)[1].compile()
    return float(func().item())


@pytest.mark.parametrize(
    ("x", "digits", "spreadsheets", "by_formulas"),
    [
        (1.005, 2, 1.01, 1.0),  # 1.005 * 100 = 100.49999999999999 in binary
        (0.285, 2, 0.29, 0.28),  # 28.499999999999996
        (4.0000005, 6, 4.000001, 4.0),  # 4000000.4999999995
        (2.675, 2, 2.68, 2.68),  # 267.5 exactly after the product: both agree
        (2.5, 0, 3.0, 3.0),  # half away from zero in both (formulas' own test case)
    ],
)
def test_formulas_rounds_the_binary_value(
    x: float, digits: int, spreadsheets: float, by_formulas: float
) -> None:
    assert float(excel_round(x, digits)) == spreadsheets  # the engine, as Excel/LO/Gnumeric
    assert _formulas_value(f"=ROUND({x!r},{digits})") == by_formulas


def _one_segment(**segment: object) -> dict[str, object]:
    base = {
        "name": "North",
        "avg_price": 1,
        "marketing_share": 1,
        "targets": [0] * 12,
        "close_rate": {"Marketing": 1, "Sales": 1},
    }
    return plan_dict(segments=[{**base, **segment}], track={"month": 1})


@pytest.fixture(scope="module")
def edge_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Plans on each edge, with their LibreOffice and Gnumeric recalculations."""
    tmp = tmp_path_factory.mktemp("edges")
    plans = {
        # leads = ROUNDUP(ROUND(4.0000005 / 1 / 1, 6), 0)
        "round": _one_segment(targets=[4.0000005] + [0] * 11),
        # marketing revenue = 1e7 x 4e-16 = 4e-9; the sales share is 1 - 4e-16
        "tiny": _one_segment(marketing_share=4e-16, targets=[1e7] * 12, avg_price=1000),
        # sales share = 1 - 0.9999999999999999
        "near-one": _one_segment(
            marketing_share=0.9999999999999999, targets=[1e7] * 12, avg_price=1000
        ),
    }
    books = {
        key: make(tmp, f"{key}.xlsx", plan_data=data, log_rows=5) for key, data in plans.items()
    }
    lo = libreoffice_convert_many(list(books.values()), tmp / "lo")
    return {
        key: {"ours": book, "lo": lo_out, "gnumeric": gnumeric_recalc(book, tmp / f"gn-{key}.xlsx")}
        for (key, book), lo_out in zip(books.items(), lo, strict=True)
    }


@pytest.mark.parametrize("book", ["round", "tiny"])
def test_libreoffice_and_gnumeric_agree_with_the_engine_on_the_edges(
    edge_books: dict[str, dict[str, Path]], book: str
) -> None:
    ours = formula_cells(edge_books[book]["ours"])
    for program in ("lo", "gnumeric"):
        mismatches = diff(ours, values_at(edge_books[book][program], list(ours)))
        assert not mismatches, program + ":\n" + "\n".join(mismatches[:40])


def test_a_plan_on_the_rounding_edge_is_one_lead_apart_in_formulas(
    edge_books: dict[str, dict[str, Path]],
) -> None:
    """Revenue 4.0000005 at price 1 and close rate 1: leads = ROUNDUP(ROUND(4.0000005, 6), 0)
    is 5 in the engine, LibreOffice and Gnumeric (as in Excel), 4 in `formulas`; the
    cells that add it up follow, and nothing else differs."""
    book = edge_books["round"]["ours"]
    ours = {k: v for k, v in formula_cells(book).items() if k[0] in YOUR_SHEETS}
    assert float(excel_roundup(excel_round(4.0000005, 6), 0)) == 5.0
    sheet, first = _first_cell(book, "your_sla_leads")  # segment 1, Marketing, January
    assert ours[(sheet, first)] == 5.0

    by_formulas = formulas_recalc(book, YOUR_SHEETS)
    assert by_formulas[(sheet, first)] == 4.0
    mismatches = diff(ours, by_formulas)
    assert 3 <= len(mismatches) <= 12, mismatches  # the lead, its totals, the tracker
    assert all(line.endswith(": 5.0 -> 4.0") for line in mismatches), mismatches


def test_formulas_loads_a_tiny_input_as_zero(edge_books: dict[str, dict[str, Path]]) -> None:
    """A marketing share of 4e-16 is 0 once `formulas` has loaded it: the marketing
    revenue the engine, LibreOffice and Gnumeric compute (4e-9) is 0 there."""
    book = edge_books["tiny"]["ours"]
    ours = {k: v for k, v in formula_cells(book).items() if k[0] in YOUR_SHEETS}
    sheet, share = _first_cell(book, "your_marketing_share")
    _, revenue = _first_cell(book, "your_sla_revenue")  # segment 1, Marketing, January
    assert ours[(sheet, revenue)] == pytest.approx(4e-9)

    by_formulas = formulas_recalc(book, YOUR_SHEETS)
    assert by_formulas[(sheet, share)] == 0.0  # the input cell itself
    assert by_formulas[(sheet, revenue)] == 0.0
    mismatches = diff(ours, by_formulas)
    assert mismatches  # every marketing revenue cell and the sums over them
    assert all(line.endswith(" -> 0.0") for line in mismatches), mismatches


def _first_cell(path: Path, name: str) -> tuple[str, str]:
    return _cells(path, name)[0]


def test_a_share_next_to_one_cancels_differently_in_each_referee(
    edge_books: dict[str, dict[str, Path]],
) -> None:
    paths = edge_books["near-one"]
    book = paths["ours"]
    sheet, share = _first_cell(book, "your_marketing_share")
    sales_share = _right_of(share)  # the derived sales share, =1-C
    leads_cells = _cells(book, "your_sla_leads")
    ours = formula_cells(book)
    lo = values_at(paths["lo"], list(ours))
    gn = values_at(paths["gnumeric"], list(ours))
    by_formulas = formulas_recalc(book, YOUR_SHEETS)

    assert ours[(sheet, sales_share)] == 2.0**-53  # IEEE: 1.1102230246251565e-16
    assert lo[(sheet, sales_share)] == 0.0
    assert 0.0 < gn[(sheet, sales_share)] < 2.0**-53
    assert by_formulas[(sheet, share)] == 1.0
    assert by_formulas[(sheet, sales_share)] == 0.0
    # what a user reads, the leads, is the same everywhere
    for theirs in (lo, gn, by_formulas):
        assert not diff({c: ours[c] for c in leads_cells}, theirs)


def _right_of(cell: str) -> str:
    from openpyxl.utils.cell import column_index_from_string as index
    from openpyxl.utils.cell import coordinate_from_string, get_column_letter

    column, row = coordinate_from_string(cell)
    return f"{get_column_letter(index(column) + 1)}{row}"


def _cells(path: Path, name: str) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    ws = wb[sheet]
    return [
        (sheet, ws.cell(r, c).coordinate)
        for r in range(min_row, max_row + 1)
        for c in range(min_col, max_col + 1)
    ]


def test_na_is_the_same_error_value_in_every_referee(tmp_path: Path) -> None:
    """Not a difference, and the chart-only cells rely on it: IF(cond, x, NA()) is the
    number or the error #N/A (saved as t="e") in LibreOffice, Gnumeric and `formulas`;
    ISNUMBER(NA()) is FALSE and IFERROR(NA(), x) is x everywhere."""
    import xlsxwriter

    from tests.cell_diff import Error

    src = tmp_path / "na.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("S")
    inputs = [1, 4, None, -2]
    for row, x in enumerate(inputs, start=1):
        if x is not None:
            ws.write_number(f"A{row}", x)
        ws.write_formula(f"B{row}", f"=IF(A{row}>3,A{row},NA())", None, 0)
        ws.write_formula(f"C{row}", f"=IF(ISNUMBER(B{row}),1,0)", None, 0)
        ws.write_formula(f"D{row}", f'=IFERROR(B{row},"gap")', None, 0)
    wb.close()
    na = Error("#N/A")
    expected = {
        **{("S", f"B{r}"): v for r, v in zip((1, 2, 3, 4), (na, 4.0, na, na), strict=True)},
        **{("S", f"C{r}"): v for r, v in zip((1, 2, 3, 4), (0.0, 1.0, 0.0, 0.0), strict=True)},
        **{
            ("S", f"D{r}"): v for r, v in zip((1, 2, 3, 4), ("gap", 4.0, "gap", "gap"), strict=True)
        },
    }
    (lo,) = libreoffice_convert_many([src], tmp_path / "lo")
    gn = gnumeric_recalc(src, tmp_path / "gn.xlsx")
    for name, theirs in (
        ("LibreOffice", values_at(lo, list(expected))),
        ("Gnumeric", values_at(gn, list(expected))),
        ("formulas", formulas_recalc(src)),
    ):
        assert not diff(expected, theirs), name + ":\n" + "\n".join(diff(expected, theirs))
    assert Error("#N/A") != "#N/A"  # an error value never equals the text "#N/A"
