"""A workbook's frames to files, one per frame, with the Python API's column names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import atomic_write
from ..errors import OutputError
from ..model.rules import csv_safe
from ..reading.reader import SHEET_CHOICES, Workbook

if TYPE_CHECKING:
    import pandas as pd

INPUT_FRAMES = ("segments", "channels", "targets", "channel_inputs", "log")


def frames(wb: Workbook, sheets: str = "yours") -> dict[str, pd.DataFrame]:
    """name -> frame, e.g. your_targets, your_sla (outputs as the workbook stores them)."""
    prefixes = SHEET_CHOICES[sheets]
    out: dict[str, pd.DataFrame] = {}
    for prefix in prefixes:
        pair = wb.pair(prefix)
        for name in INPUT_FRAMES:
            out[prefix + name] = getattr(pair.plan, name)
        for name, frame in pair.outputs().items():
            out[prefix + name] = frame
    return out


def export_workbook(
    wb: Workbook,
    out_dir: str | Path,
    fmt: str = "csv",
    sheets: str = "yours",
    *,
    force: bool = False,
) -> list[Path]:
    folder = Path(out_dir)
    data = frames(wb, sheets)
    targets = {name: folder / f"{name}.{fmt}" for name in data}
    existing = [str(p) for p in targets.values() if p.exists()]
    if existing and not force:
        raise OutputError(f"{existing[0]}: already exists (use --force to replace)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create ({exc.strerror})") from None
    written = []
    for name, frame in data.items():
        if fmt == "csv":
            safe = _csv_safe(frame)

            def write(tmp: Path, frame: pd.DataFrame = safe) -> None:
                frame.to_csv(tmp, index=False)
        else:

            def write(tmp: Path, frame: pd.DataFrame = frame) -> None:
                frame.to_json(tmp, orient="records", date_format="iso", indent=1)

        written.append(atomic_write(targets[name], write, force=force, inputs=(wb.path,)))
    return written


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Escape text cells that a spreadsheet would read as formulas (rules.csv_safe)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind not in "biufcmM":
            out[column] = out[column].map(csv_safe, na_action="ignore")
    return out
