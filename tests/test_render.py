"""What a reader sees on paper: LibreOffice prints the workbooks to PDF (one start for
all of them), and the printed pages must show every number, every label whole, and no
label drawn over an input cell.

- ``###``: LibreOffice prints it for a number wider than its column.
- Whole labels: LibreOffice's PDF holds only the glyphs it drew, so a label cut off by
  the cell beside it (``Fecha de corte apli``) is missing from ``pdftotext``'s output.
- Over an input: a label too wide for its column spills over an empty cell beside it;
  on an input's yellow that shows as black text pixels (input text is blue).

Never skipped: `make test` installs LibreOffice and poppler-utils.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from sla_workbook import load_plan
from sla_workbook.workbook.strings import strings
from tests.spreadsheet_programs import libreoffice_convert_many
from tests.workbooks import make

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "plan.yaml"
BOOKS = {  # name: (language, sample plan or blank)
    "sample-en": ("en", True),
    "sample-es": ("es", True),
    "blank-en": ("en", False),
    "blank-es": ("es", False),
}
# Texts the printed pages show (the lead log and chart data sit outside the print area).
PRINTED = (
    "targets_title",
    "targets_intro",
    "year",
    "year_total",
    "total",
    "sla_title",
    "sla_intro",
    "channels",
    "channel",
    "team",
    "assumptions",
    "avg_price",
    "marketing_share",
    "sales_share",
    "close_rate",
    "channel_mix",
    "revenue_share",
    "lead_value",
    "mix_check",
    "sla_section",
    "revenue_section",
    "actual_section",
    "attainment_section",
    "channel_no",
    "tracked_month",
    "tracker_section",
    "track_month",
    "track_asof",
    "track_date",
    "track_days",
    "daily_section",
    "day",
    "daily_plan",
    "daily_actual",
    "chart_monthly",
    "chart_daily",
    "ytd",
    "elapsed_label",
)
INPUT_FILL = (255, 242, 204)  # styles.INPUT_FILL


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("render")
    plan = load_plan(SAMPLE)
    books = [
        make(tmp, f"{name}.xlsx", lang=lang, **({"plan": plan} if filled else {"year": 2027}))
        for name, (lang, filled) in BOOKS.items()
    ]
    pdfs = libreoffice_convert_many(books, tmp / "pdf", "pdf")
    return dict(zip(BOOKS, pdfs, strict=True))


def _text(pdf: Path) -> str:
    """The PDF's words in drawing order, one space apart, with a space at each end."""
    out = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " " + " ".join(out.split()) + " "


def _has(text: str, phrase: str) -> bool:
    return " " + " ".join(phrase.split()) + " " in text


@pytest.mark.parametrize("book", BOOKS)
def test_printed_pages_show_every_number(printed: dict[str, Path], book: str) -> None:
    text = _text(printed[book])
    assert "###" not in text, [w for w in text.split() if "###" in w]
    # The example's December revenue total, which printed as ### before columns fit it.
    assert _has(text, "$1,794,000")


@pytest.mark.parametrize("book", BOOKS)
def test_print_areas_hold_the_tables_and_the_tracker(printed: dict[str, Path], book: str) -> None:
    lang, filled = BOOKS[book]
    s, text = strings(lang), _text(printed[book])
    for key in (
        "targets_title",
        "sla_section",
        "revenue_section",
        "actual_section",
        "attainment_section",
        "tracker_section",
        "daily_section",
    ):
        assert _has(text, s[key]), (key, s[key])
    assert not _has(text, s["log_section"].format(label=s["segment_label"].lower()))
    if filled:  # January of the sample plan, as written in samples/plan.yaml
        assert _has(text, "$480,000")


@pytest.mark.parametrize("book", BOOKS)
def test_every_label_is_printed_whole(printed: dict[str, Path], book: str) -> None:
    lang, filled = BOOKS[book]
    s, text = strings(lang), _text(printed[book])
    label = (load_plan(SAMPLE).segment_label if filled else s["segment_label"]).lower()
    words = [s["team_marketing"], s["team_sales"]]
    expected = [s[key].format(label=label) for key in PRINTED]
    expected += [*s["track_rows"], *s["months"]]
    expected += [s[key].format(team=w) for key in ("total_team", "sla_series") for w in words]
    expected += [s["actual_series"].format(team=w) for w in words]
    missing = [phrase for phrase in expected if not _has(text, phrase)]
    assert not missing, f"cut off or not printed: {missing}"


@pytest.mark.parametrize("book", [b for b, (_, filled) in BOOKS.items() if not filled])
def test_no_label_runs_over_an_input(printed: dict[str, Path], book: str) -> None:
    """Blank workbooks: every input is empty, so a spilling label would show on yellow."""
    over = {page: n for page, image in _pages(printed[book]) if (n := len(_over(image)))}
    assert not over, f"black text on an input's yellow (page: pixels): {over}"


def _pages(pdf: Path, dpi: int = 150) -> list[tuple[int, npt.NDArray[np.uint8]]]:
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True)
        files = sorted(Path(tmp).glob("p-*.ppm"), key=lambda p: int(p.stem.rpartition("-")[2]))
        return [(i + 1, _ppm(f.read_bytes())) for i, f in enumerate(files)]


def _ppm(raw: bytes) -> npt.NDArray[np.uint8]:
    """A binary PPM (P6, 8 bits) as a height x width x 3 array."""
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", raw)
    assert header, raw[:20]
    width, height = int(header[1]), int(header[2])
    return np.frombuffer(raw[header.end() :], np.uint8).reshape(height, width, 3)


def _over(img: npt.NDArray[np.uint8]) -> Any:
    """Black-ish text pixels whose background on both sides (along the row) is input yellow."""
    px = img.astype(np.int16)
    dark = (px.max(axis=2) < 110) & (px[..., 0] >= px[..., 2] - 10)  # black, not input blue
    light = px.min(axis=2) > 150
    fill = np.array(INPUT_FILL)
    yellow = (np.abs(px - fill) <= (12, 12, 14)).all(axis=2)
    h, w = light.shape
    cols = np.arange(w)
    left = np.maximum.accumulate(np.where(light, cols, 0), axis=1)
    right = np.minimum.accumulate(np.where(light, cols, w - 1)[:, ::-1], axis=1)[:, ::-1]
    rows = np.arange(h)[:, None]
    return np.argwhere(dark & yellow[rows, left] & yellow[rows, right])
