"""Recalculate a workbook in real spreadsheet programs: LibreOffice (headless) and Gnumeric.

LibreOffice trusts the cached values of files that say they come from Excel, so it runs
with a throw-away profile that sets OOXMLRecalcMode/ODFRecalcMode to 0 ("always").
Gnumeric's ssconvert recalculates with --recalc. Both write an .xlsx whose cells hold
their own computed values, which openpyxl then reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

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
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(out_dir), *map(str, srcs)],
            capture_output=True, text=True, timeout=900, env=env,
        )  # fmt: skip
    outs = [out_dir / (src.stem + "." + fmt.split(":")[0]) for src in srcs]
    missing = [o for o in outs if not o.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice failed on {srcs}: {proc.stdout}\n{proc.stderr}")
    return outs


def gnumeric_recalc(src: Path, out: Path) -> Path:
    proc = subprocess.run(
        [ssconvert(), "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(src), str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"Gnumeric failed on {src}: {proc.stdout}\n{proc.stderr}")
    return out
