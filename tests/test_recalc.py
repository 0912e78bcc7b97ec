"""The formula evaluator (checking/recalc.py): spreadsheet semantics on small cases, then
the strong test: every formula cell of generated workbooks, evaluated on the stored
values of the cells it reads, gives the value stored in it (by our generator, LibreOffice
and Gnumeric alike).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sla_workbook import load_plan
from sla_workbook.checking.recalc import Evaluator, Unsupported, agrees, formula
from sla_workbook.checking.root_cause import stored_getter
from sla_workbook.reading.raw import ErrorValue
from sla_workbook.reading.reader import SheetPair, read_workbook
from sla_workbook.workbook.formulas import formula_blocks
from tests.spreadsheet_programs import gnumeric_recalc, libreoffice_convert
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]

# A small sheet "S" (zero-based (row, col)) and a second sheet "T x" for references.
CELLS: dict[tuple[str, int, int], Any] = {
    ("S", 0, 0): 1.0,  # A1
    ("S", 1, 0): 2.5,  # A2
    ("S", 2, 0): "Marketing",  # A3
    ("S", 3, 0): "",  # A4: a formula's blank ("")
    # A5 is empty
    ("S", 0, 1): "Marketing",  # B1
    ("S", 1, 1): "sales",  # B2
    ("S", 2, 1): "marketing",  # B3
    ("S", 0, 2): 10.0,  # C1
    ("S", 1, 2): 20.0,  # C2
    ("S", 2, 2): 30.0,  # C3
    ("S", 0, 3): 46399.0,  # D1: 2027-01-12
    ("S", 1, 3): ErrorValue("#N/A"),  # D2
    ("S", 0, 4): "North*",  # E1
    ("S", 1, 4): "North America",  # E2
    ("T x", 3, 1): 2027.0,  # 'T x'!B4
}


def ev(text: str) -> Any:
    return Evaluator(lambda s, r, c: CELLS.get((s, r, c))).evaluate(text, "S")


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("=1+2*3", 7.0),
        ("=-2^2", 4.0),  # unary minus binds tighter than ^, as in Excel
        ("=50%", 0.5),
        ('="a"&1.5&TRUE', "a1.5TRUE"),
        ("=A5", 0.0),  # a formula pointing at an empty cell shows 0
        ("=A5+1", 1.0),
        ('=A5=""', True),
        ("=A5=0", True),
        ('=A4=""', True),
        ("=ISNUMBER(A4)", False),
        ("=A4+1", ErrorValue("#VALUE!")),
        ('=A3="MARKETING"', True),  # text compares ignoring case
        ('=1<"a"', True),  # numbers sort before text
        ("=1/0", ErrorValue("#DIV/0!")),
        ("='T x'!$B$4+1", 2028.0),
        ("=SUM(A1:A5)", 3.5),  # text and blanks in ranges are skipped
        ('=SUMIF(B1:B3,"Marketing",C1:C3)', 40.0),
        ('=SUMIF(B1:B3,"<>marketing",C1:C3)', 20.0),
        ('=SUMIF(C1:C3,">=20")', 50.0),
        ('=SUMIF(C1:C3,"<="&20,C1:C3)', 30.0),
        ("=SUMIF(C1:C3,20,A1:A3)", 2.5),
        ('=SUMIFS(C1:C3,B1:B3,"marketing",C1:C3,">15")', 30.0),
        ('=COUNTIF(B1:B3,"MARKETING")', 2.0),
        ('=COUNTIFS(B1:B3,"Marketing",C1:C3,"<=10")', 1.0),
        ('=COUNTIF(A1:A5,"")', 2.0),
        ("=SUMPRODUCT(A1:A2,C1:C2)", 60.0),
        ("=MIN(C1:C3)+MAX(C1:C3,100)", 110.0),
        ("=ROUND(2.5,0)", 3.0),
        ("=ROUND(-2.5,0)", -3.0),
        ("=ROUND(2.675,2)", 2.68),
        ("=ROUNDUP(2.0000001,0)", 3.0),
        ("=ROUNDUP(ROUND(14.0000000001,6),0)", 14.0),
        ("=DATE(2027,1,12)", 46399.0),
        ("=DATE(2027,13,1)", 46753.0),  # month 13 rolls into the next year
        ("=DAY(D1)+MONTH(D1)*100+YEAR(D1)*10000", 20270112.0),
        ("=DAY(EOMONTH(D1,0))", 31.0),
        ("=EOMONTH(D1,1)", 46446.0),
        ('=IF(A1,"yes","no")', "yes"),
        ('=IF(A5,"yes","no")', "no"),
        ('=IF(A3,"yes","no")', ErrorValue("#VALUE!")),
        ("=IF(0,1)", False),
        ("=IFERROR(D2,7)", 7.0),
        ("=IFERROR(1/0,NA())", ErrorValue("#N/A")),
        ("=ISNUMBER(D2)", False),
        ("=D2+1", ErrorValue("#N/A")),
        ("=AND(A1,C1:C3)", True),
        ("=AND(A1,A5)", True),  # a blank reference is skipped
        ("=OR(0,A1>5)", False),
        ('=MATCH("SALES",B1:B3,0)', 2.0),
        ('=MATCH("x",B1:B3,0)', ErrorValue("#N/A")),
        ("=MATCH(20,C1:C3,0)", 2.0),
        ("=MATCH(25,C1:C3,1)", 2.0),
        ("=MATCH(E1,E1:E2,0)", 1.0),  # the text North* is a wildcard: it matches itself
        ("=MATCH(E1,E2,0)", 1.0),  # ... and North America
        ('=INDEX(C1:C3,MATCH("sales",B1:B3,0))', 20.0),
        ("=INDEX(A1:C3,3,2)", "marketing"),
        ("=INDEX(C1:C3,4,1)", ErrorValue("#REF!")),
        ("=INDEX(A1:A2,2,1)*2", 5.0),
        ("=NA()", ErrorValue("#N/A")),
    ],
)
def test_semantics(text: str, want: Any) -> None:
    got = ev(text)
    assert agrees(got, want) and type(got) is type(want), (text, got, want)


def test_unsupported_is_raised_not_guessed() -> None:
    with pytest.raises(Unsupported):
        ev("=VLOOKUP(1,A1:B2,2,FALSE)")
    with pytest.raises(Unsupported):
        formula("=SUM(A1:", "S")
    with pytest.raises(Unsupported):
        ev("=ROUND()")


def test_cells_down_a_column_share_one_parse() -> None:
    a = formula('=IF(AND(ISNUMBER(D38),ISNUMBER($N$11)),ROUNDUP(D38/$B$11,0),"")', "S", 18, 3)
    b = formula('=IF(AND(ISNUMBER(D39),ISNUMBER($N$11)),ROUNDUP(D39/$B$11,0),"")', "S", 19, 3)
    assert a.node is b.node and a.numbers == b.numbers == (0.0,)
    assert [(r.r1, r.c1) for r in b.ranges] == [(38, 3), (10, 13), (38, 3), (10, 1)]


def test_agrees() -> None:
    assert agrees(1.0, 1.0 + 1e-12) and not agrees(1.0, 1.001)
    assert agrees("", None) and agrees(None, "") and not agrees(0.0, None)
    assert agrees(ErrorValue("#N/A"), ErrorValue("#n/a"))
    assert not agrees(ErrorValue("#N/A"), ErrorValue("#VALUE!"))
    assert not agrees(ErrorValue("#N/A"), "")
    assert agrees(True, 1.0) and not agrees(True, "TRUE")


# -- every formula of generated workbooks ---------------------------------------------------


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("recalc")
    ours = make(tmp, "sample.xlsx", plan=load_plan(ROOT / "samples" / "plan.yaml"), rows=4)
    blank = make(tmp, "blank.xlsx", year=2027)
    return {
        "ours": ours,
        "blank": blank,
        "libreoffice": libreoffice_convert(ours, tmp / "lo"),
        "gnumeric": gnumeric_recalc(ours, tmp / "gnumeric.xlsx"),
    }


def _mismatches(pair: SheetPair) -> tuple[int, list[str]]:
    evaluator = Evaluator(stored_getter(pair.raw))
    checked, bad = 0, []
    for block in formula_blocks(pair.layout):
        b = pair.layout[block]
        sheet = pair.sheet_of(b)
        for i in range(b.nrows):
            for j in range(b.ncols):
                text = pair.formulas.for_cell(block, i, j)
                if text is None:
                    continue
                checked += 1
                got = evaluator.evaluate(text, sheet, b.row + i, b.col + j)
                stored = pair.cell(block, i, j).value
                if not agrees(got, stored):
                    bad.append(f"{block}[{i},{j}] {text}: {got!r} != stored {stored!r}")
    return checked, bad


@pytest.mark.parametrize("book", ["ours", "blank", "libreoffice", "gnumeric"])
def test_every_formula_gives_its_stored_value(books: dict[str, Path], book: str) -> None:
    wb = read_workbook(books[book])
    for pair in (wb.examples, wb.yours):
        checked, bad = _mismatches(pair)
        assert checked > 1000
        assert bad == [], bad[:10]
