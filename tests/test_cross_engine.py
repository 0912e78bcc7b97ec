"""Real spreadsheet programs referee the formulas: LibreOffice and Gnumeric recalculate
each generated workbook, and every formula cell must equal the engine's cached value
(numbers to 1e-9 relative, blanks as blanks). These tests never skip: `make test`
installs both programs, and a missing one is a failure.

The third referee is the `formulas` library (Excel's function semantics in Python, from
the test extra): it compiles a model of the workbook and recalculates it. It is slow
(docs/benchmarks.md), so it runs in two worker processes, and on the Your sheets only
where the example sheets are checked elsewhere. A missing `formulas` fails too. Its
known differences are pinned in tests/test_referee_differences.py.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from sla_workbook import load_plan
from tests.cell_diff import diff, formula_cells, values_at
from tests.plans import TRICKY_NAMES, plans_with_followup
from tests.spreadsheet_programs import (
    formulas_recalc,
    gnumeric_recalc,
    libreoffice_convert_many,
)
from tests.workbooks import block, make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
EXAMPLES = int(os.environ.get("SLA_XENGINE_EXAMPLES", "8"))
INJECTED = [n for n in TRICKY_NAMES if n[0] in "=@+-"]
YOUR_SHEETS = ("Your targets", "Your SLA")
# The books `formulas` recalculates, and the sheets it compiles (None: every sheet). Its
# model costs ~8 ms per formula, so only the blank books get the example sheets too: the
# sample's are the same as blank-en's (test_the_sample_has_the_blank_example_sheets).
FORMULAS_BOOKS: dict[str, tuple[str, ...] | None] = {
    "blank-en": None,
    "blank-es": None,
    "sample": YOUR_SHEETS,
    "injection": YOUR_SHEETS,
    "wildcards": YOUR_SHEETS,
    "one-row": YOUR_SHEETS,
}
FORMULAS_TIMEOUT = 900  # seconds for one workbook; a blank one takes ~60 s of CPU


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Workbooks, each with its LibreOffice and Gnumeric recalculations."""
    tmp = tmp_path_factory.mktemp("xengine")
    books = {
        "blank-en": make(tmp, "blank-en.xlsx", year=2027),
        "blank-es": make(tmp, "blank-es.xlsx", lang="es", year=2027, segment_label="Persona"),
        "sample": make(tmp, "sample.xlsx", plan=load_plan(SAMPLE)),
        "injection": make(
            tmp,
            "injection.xlsx",
            segments=tuple(INJECTED),
            rows=8,
            channels=(("Web", "marketing"), ("Events", "marketing"), ("Calls", "sales")),
        ),
        "wildcards": _wildcard_log_book(tmp),
        "one-row": _one_row_book(tmp),
        "tampered": _tampered(
            make(tmp, "honest.xlsx", plan=load_plan(SAMPLE)), tmp / "tampered.xlsx"
        ),
    }
    lo = libreoffice_convert_many(list(books.values()), tmp / "lo")
    return {
        key: {"ours": src, "lo": lo_out, "gnumeric": gnumeric_recalc(src, tmp / f"gn-{key}.xlsx")}
        for (key, src), lo_out in zip(books.items(), lo, strict=True)
    }


def _wildcard_log_book(tmp: Path) -> Path:
    """Log rows whose names are wildcard patterns, blank, or other-case: only exact
    (case-insensitive) names may count, in the workbook as in the engine."""
    import dataclasses

    import pandas as pd

    from sla_workbook.workbook.generator import GenerateOptions, generate

    plan = load_plan(SAMPLE)
    names = ["North*", "?MEA", "~APAC", "*", "north america", "EMEA ", "APAC", ""]
    chans = ["Inbound", "Out*", "?nbound", "Events", "inbound", "Outbound", "EVENTS", "Inbound"]
    log = pd.DataFrame(
        {
            "date": pd.to_datetime(["2027-01-05"] * 4 + ["2027-01-06"] * 4),
            "segment": pd.array(names, dtype="string"),
            "channel": pd.array(chans, dtype="string"),
            "leads": pd.array([5.0] * 8, dtype="Float64"),
        }
    )
    wild = dataclasses.replace(plan, log=log, track_month=1, track_asof=None)
    return generate(tmp / "wildcards.xlsx", GenerateOptions(plan=wild, rows=3, log_rows=10))


def _one_row_book(tmp: Path) -> Path:
    """One segment row: every range over the segments is a single cell (Gnumeric once
    answered #REF! for INDEX over such a range, and every log row stopped counting)."""
    import dataclasses

    import pandas as pd

    from sla_workbook import parse_plan
    from sla_workbook.workbook.generator import GenerateOptions, generate
    from tests.plans import plan_dict

    plan = dataclasses.replace(parse_plan(plan_dict(track={"month": 1})), log=pd.DataFrame({
        "date": pd.to_datetime(["2027-01-01", "2027-01-02", "2027-01-03"]),
        "segment": pd.array(["North", "Nor*", "north"], dtype="string"),
        "channel": pd.array(["Marketing", "Marketing", "SALES"], dtype="string"),
        "leads": pd.array([4.0, 3.0, 2.0], dtype="Float64"),
    }))  # fmt: skip
    return generate(tmp / "one-row.xlsx", GenerateOptions(plan=plan, rows=1, log_rows=5))


def _tampered(src: Path, dst: Path) -> Path:
    """A copy whose every numeric cached formula result says 12345."""
    import re

    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            data = a.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'(<c r="[A-Z]+\d+"(?: s="\d+")?><f>[^<]*</f>)<v>[^<]+</v>',
                    rb"\1<v>12345</v>",
                    data,
                )
            b.writestr(info, data)
    return dst


@pytest.mark.parametrize("program", ["lo", "gnumeric"])
@pytest.mark.parametrize(
    "book", ["blank-en", "blank-es", "sample", "injection", "wildcards", "one-row"]
)
def test_every_formula_cell_matches_the_engine(
    generated: dict[str, dict[str, Path]], book: str, program: str
) -> None:
    ours = formula_cells(generated[book]["ours"])
    assert len(ours) > 3000  # the example sheets alone hold thousands
    mismatches = diff(ours, values_at(generated[book][program], list(ours)))
    assert not mismatches, "\n".join(mismatches[:40])


@pytest.mark.parametrize("program", ["lo", "gnumeric"])
def test_the_referee_really_recalculates(
    generated: dict[str, dict[str, Path]], program: str
) -> None:
    honest = formula_cells(generated["sample"]["ours"])
    lies = formula_cells(generated["tampered"]["ours"])
    assert len(diff(honest, lies)) > 1000  # the tampered cache is wrong in many cells...
    recalculated = values_at(generated["tampered"][program], list(honest))
    assert not diff(honest, recalculated)  # ...and the program computed the truth anyway


@pytest.mark.parametrize("program", ["lo", "gnumeric"])
def test_injected_names_stay_text_after_a_round_trip(
    generated: dict[str, dict[str, Path]], program: str
) -> None:
    path = generated["injection"][program]
    cells = _first_column(path, "Your targets", 7, len(INJECTED), data_only=False)
    assert [c.value for c in cells] == INJECTED
    assert all(c.data_type == "s" for c in cells)  # text, not formulas
    # and the SLA sheet's segment column shows the same text through its formulas
    shown = _first_column(path, "Your SLA", 14, len(INJECTED), data_only=True)
    assert [c.value for c in shown] == INJECTED


def _first_column(path: Path, sheet: str, first: int, count: int, data_only: bool) -> list[Any]:
    # read-only mode: it copes with the comments Gnumeric writes
    wb = openpyxl.load_workbook(path, data_only=data_only, read_only=True)
    rows = wb[sheet].iter_rows(min_row=first, max_row=first + count - 1, max_col=1)
    return [row[0] for row in rows]


@pytest.fixture(scope="module")
def by_formulas(
    generated: dict[str, dict[str, Path]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[tuple[str, str], Any]]:
    """Each book in FORMULAS_BOOKS (and a tampered one-row copy) recalculated by
    `formulas`: (sheet, cell) -> value. Two worker processes (pure Python, one core each;
    this machine has two), the two blank books first, one on each."""
    tampered = _tampered(
        generated["one-row"]["ours"], tmp_path_factory.mktemp("formulas") / "one-row.xlsx"
    )
    with ProcessPoolExecutor(max_workers=2) as pool:
        jobs = {
            book: pool.submit(formulas_recalc, generated[book]["ours"], sheets)
            for book, sheets in FORMULAS_BOOKS.items()
        }
        jobs["tampered-one-row"] = pool.submit(formulas_recalc, tampered, YOUR_SHEETS)
        return {book: job.result(timeout=FORMULAS_TIMEOUT) for book, job in jobs.items()}


def _on(
    sheets: tuple[str, ...] | None, cells: dict[tuple[str, str], Any]
) -> dict[tuple[str, str], Any]:
    """The cells on ``sheets`` (None: all)."""
    return {key: v for key, v in cells.items() if sheets is None or key[0] in sheets}


def test_formulas_is_installed_at_the_pinned_version() -> None:
    """Never a skip: the test extra pins formulas 1.3.x, whose semantics were checked."""
    import formulas

    assert formulas.__version__.startswith("1.3."), formulas.__version__


@pytest.mark.parametrize("book", list(FORMULAS_BOOKS))
def test_formulas_library_agrees_on_every_formula_cell(
    generated: dict[str, dict[str, Path]],
    by_formulas: dict[str, dict[tuple[str, str], Any]],
    book: str,
) -> None:
    sheets = FORMULAS_BOOKS[book]
    ours = _on(sheets, formula_cells(generated[book]["ours"]))
    assert len(ours) > (3000 if sheets is None else 100)
    mismatches = diff(ours, by_formulas[book])
    assert not mismatches, "formulas:\n" + "\n".join(mismatches[:40])


def test_formulas_really_recalculates(
    generated: dict[str, dict[str, Path]], by_formulas: dict[str, dict[tuple[str, str], Any]]
) -> None:
    """A copy whose numeric cached results all say 12345 comes out right anyway."""
    honest = _on(YOUR_SHEETS, formula_cells(generated["one-row"]["ours"]))
    assert sum(isinstance(v, float) and v != 12345 for v in honest.values()) > 100
    assert not diff(honest, by_formulas["tampered-one-row"])


def test_the_sample_has_the_blank_example_sheets(generated: dict[str, dict[str, Path]]) -> None:
    """Same formulas, inputs and cached values: checking blank-en's covers the sample's."""

    def example_cells(path: Path) -> dict[tuple[str, str], Any]:
        wb = openpyxl.load_workbook(path, read_only=True)
        out = {
            (ws.title, cell.coordinate): cell.value
            for ws in wb.worksheets
            if ws.title.startswith("Example")
            for row in ws.iter_rows()
            for cell in row
            if getattr(cell, "value", None) is not None
        }
        wb.close()
        return out

    blank, sample = generated["blank-en"]["ours"], generated["sample"]["ours"]
    texts = example_cells(blank)
    assert len(texts) > 3000
    assert texts == example_cells(sample)
    cached = _on(("Example targets", "Example SLA"), formula_cells(blank))
    assert cached == _on(("Example targets", "Example SLA"), formula_cells(sample))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plans_with_followup())
def test_random_plans_match_in_both_programs(tmp_path: Path, data: dict[str, Any]) -> None:
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))  # one folder per hypothesis example
    book = make(tmp_path, "plan.xlsx", plan_data=data, log_rows=40)
    ours = formula_cells(book)
    (lo,) = libreoffice_convert_many([book], tmp_path / "lo")
    gn = gnumeric_recalc(book, tmp_path / (book.stem + "-gn.xlsx"))
    for name, other in (("LibreOffice", lo), ("Gnumeric", gn)):
        mismatches = diff(ours, values_at(other, list(ours)))
        assert not mismatches, name + ":\n" + "\n".join(mismatches[:40])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plans_with_followup())
def test_random_plans_match_in_formulas(tmp_path: Path, data: dict[str, Any]) -> None:
    """The same kind of plans, recalculated by `formulas` on the Your sheets (the example
    sheets are the same in every book and checked by test_formulas_library_agrees_...).
    `formulas` rounds every number it loads to 15 decimal places, a known difference
    (tests/test_referee_differences.py), so the plan's inputs are rounded so first."""
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))  # one folder per hypothesis example
    book = make(tmp_path, "plan.xlsx", plan_data=_as_formulas_loads(data), log_rows=40)
    ours = _on(YOUR_SHEETS, formula_cells(book))
    mismatches = diff(ours, formulas_recalc(book, YOUR_SHEETS))
    assert not mismatches, "formulas:\n" + "\n".join(mismatches[:40])


def _as_formulas_loads(value: Any) -> Any:
    """The plan with every number as `formulas` loads it from a cell: round(x, 15)."""
    if isinstance(value, dict):
        return {k: _as_formulas_loads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_formulas_loads(v) for v in value]
    return round(value, 15) if isinstance(value, float) else value


def test_opens_and_prints_to_pdf(tmp_path: Path) -> None:
    book = make(tmp_path, "print.xlsx", plan=load_plan(ROOT / "samples" / "plan.yaml"))
    (pdf,) = libreoffice_convert_many([book], tmp_path / "pdf", fmt="pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])
    assert 4 <= pages <= 12  # the print areas keep the lead log off paper


def test_blank_block_reads_back_as_blank(generated: dict[str, dict[str, Path]]) -> None:
    wb = openpyxl.load_workbook(generated["blank-en"]["lo"], data_only=True)
    assert all(v in (None, "") for row in block(wb, "your_sla_leads") for v in row)


@pytest.mark.parametrize("engine", ["ours", "lo", "gnumeric"])
def test_months_not_yet_happened_are_blank_and_end_the_chart_lines(
    generated: dict[str, dict[str, Path]], engine: str
) -> None:
    """The example sheets track April with a log through mid-April: May to December get no
    attainment (so no red traffic light), and the chart's actual lines stop at April."""
    from sla_workbook import read_workbook

    pair = read_workbook(generated["blank-en"][engine]).examples
    attainment = pair.stored("attainment")
    assert all(isinstance(row[3], float) for row in attainment)  # April has happened
    assert all(row[m] in (None, "") for row in attainment for m in range(4, 12))
    assert all(isinstance(row[0], float) for row in pair.stored("attainment_ytd"))
    chart = pair.stored("chart_actual")  # 12 months x 2 teams
    assert all(isinstance(v, float) for row in chart[:4] for v in row)
    assert all(str(v) == "#N/A" for row in chart[4:] for v in row)
