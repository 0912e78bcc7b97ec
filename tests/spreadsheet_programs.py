"""Recalculate a workbook in real spreadsheet programs: LibreOffice (headless) and Gnumeric.

LibreOffice trusts the cached values of files that say they come from Excel, so it runs
with a throw-away profile that sets OOXMLRecalcMode/ODFRecalcMode to 0 ("always").
Gnumeric's ssconvert recalculates with --recalc. Both write an .xlsx whose cells hold
their own computed values, which openpyxl then reads.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise RuntimeError("LibreOffice is not installed: run `make test`, which installs it")
    return path


def ssconvert() -> str:
    path = shutil.which("ssconvert")
    if not path:
        raise RuntimeError("Gnumeric is not installed: run `make test`, which installs it")
    return path


def libreoffice_convert(src: Path, out_dir: Path, fmt: str = "xlsx") -> Path:
    """Open ``src`` in headless LibreOffice, recalculate everything, save as ``fmt``."""
    return libreoffice_convert_many([src], out_dir, fmt)[0]


def libreoffice_convert_many(srcs: list[Path], out_dir: Path, fmt: str = "xlsx") -> list[Path]:
    """One LibreOffice start for several files (start-up dominates the cost)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_XCU)
        out_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, HOME=profile)
        proc = subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(out_dir),
                *map(str, srcs),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env=env,
        )
    outs = [out_dir / (src.stem + "." + fmt.split(":")[0]) for src in srcs]
    missing = [o for o in outs if not o.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice failed on {srcs}: {proc.stdout}\n{proc.stderr}")
    return outs


def gnumeric_recalc(src: Path, out: Path) -> Path:
    proc = subprocess.run(
        [ssconvert(), "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"Gnumeric failed on {src}: {proc.stdout}\n{proc.stderr}")
    return out


XLSX_FILTER = "Calc MS Excel 2007 XML"
ODS_FILTER = "calc8"


def uno_python() -> str:
    """Debian's python3, which imports the uno module (the venv's Python does not)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3") or ""):
        if (
            candidate
            and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0
        ):
            return candidate
    raise RuntimeError("no Python with the uno module: run `make test`, which installs python3-uno")


def uno_edit(
    src: Path,
    outputs: list[tuple[Path, str]],
    cells: list[dict[str, object]],
    *,
    autocalc: bool = True,
    remove_sheets: tuple[str, ...] = (),
    insert_rows: tuple[tuple[str, int, int], ...] = (),
    extras: dict[str, object] | None = None,
) -> list[Path]:
    """Type values into named blocks in LibreOffice (UNO), recalculate, save each output.

    ``extras`` adds what a user adds beyond the inputs (uno_fill.py): add_sheets,
    type_at [sheet, address, value], comments, widths, charts."""
    import json

    script = Path(__file__).with_name("uno_fill.py")
    with tempfile.TemporaryDirectory(prefix="lo-uno-") as profile:
        job = Path(profile) / "job.json"
        job.write_text(
            json.dumps(
                {
                    "src": str(src),
                    "profile": profile,
                    "autocalc": autocalc,
                    "cells": cells,
                    "remove_sheets": list(remove_sheets),
                    "insert_rows": [list(r) for r in insert_rows],
                    "outputs": [{"path": str(p), "filter": f} for p, f in outputs],
                    **(extras or {}),
                }
            )
        )
        env = dict(os.environ, HOME=profile)
        proc = subprocess.run(
            [uno_python(), str(script), str(job)],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
    missing = [p for p, _ in outputs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"UNO edit of {src} failed: {proc.stdout}\n{proc.stderr}")
    return [p for p, _ in outputs]


_FORMULAS_CELL = re.compile(r"^'?\[[^\]]+\](?P<sheet>.+?)'?!(?P<cell>[A-Z]+[0-9]+)$")


def formulas_recalc(src: Path, sheets: tuple[str, ...] | None = None) -> dict[tuple[str, str], Any]:
    """Recalculate ``src`` with the ``formulas`` library (Excel's function semantics in
    Python): (sheet, cell) -> value of every cell the model holds (the formula cells and
    the inputs they read), normalized as tests/cell_diff.py reads a file (blank as None,
    numbers as floats, an error value as ``Error("#N/A")``).

    Compiling costs ~4-7 ms per formula (docs/benchmarks.md), so ``sheets`` may name the
    only sheets to keep: the others and the defined names on them are dropped from a copy
    first (otherwise the model compiles every cell a defined name covers). A cell
    referenced on a dropped sheet would read as #REF!, which shows up as a mismatch. It
    never skips: without ``formulas`` installed this raises ImportError, and the test
    fails.
    """
    os.environ.setdefault("TQDM_DISABLE", "1")  # formulas' progress bars (read on import)
    import formulas
    import schedula

    from tests.cell_diff import normalize

    with tempfile.TemporaryDirectory(prefix="formulas-") as tmp:
        path = src if sheets is None else _keep_sheets(src, sheets, Path(tmp) / src.name)
        model = formulas.ExcelModel().loads(str(path)).finish()
        solution = model.calculate()
    titles = {title.upper(): title for title in _sheet_titles(src)}
    out: dict[tuple[str, str], Any] = {}
    for key, ranges in solution.items():
        match = _FORMULAS_CELL.match(key)
        if not match or match["sheet"].upper() not in titles:
            continue  # a range or a defined name: its cells are listed on their own
        value = ranges.value[0][0] if hasattr(ranges, "value") else ranges
        kind = None
        if value is schedula.EMPTY:
            value = None
        elif isinstance(value, formulas.tokens.operand.XlError):
            kind = "e"
        elif hasattr(value, "item"):  # a numpy scalar
            value = value.item()
        out[(titles[match["sheet"].upper()], match["cell"])] = normalize(value, kind)
    return out


def _sheet_titles(path: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    titles = list(wb.sheetnames)
    wb.close()
    return titles


def _keep_sheets(src: Path, sheets: tuple[str, ...], dst: Path) -> Path:
    """A copy of ``src`` with only ``sheets`` and the defined names that point into them
    (formulas and input values survive openpyxl's round trip; styles do not matter)."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    missing = set(sheets) - set(wb.sheetnames)
    if missing:
        raise ValueError(f"{src} has no sheet {sorted(missing)}")
    for ws in list(wb.worksheets):
        if ws.title not in sheets:
            wb.remove(ws)
    for name, defined in list(wb.defined_names.items()):
        if any(sheet not in sheets for sheet, _ in defined.destinations):
            del wb.defined_names[name]
    wb.save(dst)
    return dst
