"""Real spreadsheet programs referee the formulas: LibreOffice and Gnumeric recalculate
each generated workbook, and every formula cell must equal the engine's cached value
(numbers to 1e-9 relative, blanks as blanks). These tests never skip: `make test`
installs both programs, and a missing one is a failure.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from sla_workbook import load_plan
from tests.cell_diff import diff, formula_cells, values_at
from tests.plans import TRICKY_NAMES, plans_with_log
from tests.spreadsheet_programs import gnumeric_recalc, libreoffice_convert_many
from tests.workbooks import block, make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
EXAMPLES = int(os.environ.get("SLA_XENGINE_EXAMPLES", "8"))
INJECTED = [n for n in TRICKY_NAMES if n[0] in "=@+-"]


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
    shown = _first_column(path, "Your SLA", 11, len(INJECTED), data_only=True)
    assert [c.value for c in shown] == INJECTED


def _first_column(path: Path, sheet: str, first: int, count: int, data_only: bool) -> list[Any]:
    # read-only mode: it copes with the comments Gnumeric writes
    wb = openpyxl.load_workbook(path, data_only=data_only, read_only=True)
    rows = wb[sheet].iter_rows(min_row=first, max_row=first + count - 1, max_col=1)
    return [row[0] for row in rows]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plans_with_log())
def test_random_plans_match_in_both_programs(tmp_path: Path, data: dict[str, Any]) -> None:
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))  # one folder per hypothesis example
    book = make(tmp_path, "plan.xlsx", plan_data=data, log_rows=40)
    ours = formula_cells(book)
    (lo,) = libreoffice_convert_many([book], tmp_path / "lo")
    gn = gnumeric_recalc(book, tmp_path / (book.stem + "-gn.xlsx"))
    for name, other in (("LibreOffice", lo), ("Gnumeric", gn)):
        mismatches = diff(ours, values_at(other, list(ours)))
        assert not mismatches, name + ":\n" + "\n".join(mismatches[:40])


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
