"""A filled workbook back into pandas: inputs as a Plan, stored outputs as frames.

Blocks are found through the workbook's defined names (the public interface,
docs/workbook.md), the shape and version through its document properties. Cells are
read once (xlsx_source / ods_source), whatever program saved the file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..model.plan import Plan
from ..workbook.dates import serial_to_datetime
from ..workbook.formulas import Formulas
from ..workbook.generator import TEMPLATE_VERSION
from ..workbook.layout import PUBLIC_NAMES, Block, Layout, build_layout, public_block
from ..workbook.sheet_values import LogRow, SheetInputs, plan_from_inputs
from ..workbook.strings import LANGUAGES, strings, team_words
from .raw import Cell, ErrorValue, RawWorkbook
from .xlsx_source import parse_ref

if TYPE_CHECKING:
    import pandas as pd

PREFIXES = ("ex_", "your_")
FOLLOWUP_BLOCKS = ("followup_hours", "followup_target", "attempts_target")
SHEET_CHOICES = {"yours": ("your_",), "examples": ("ex_",), "all": ("ex_", "your_")}
SUPPORTED_VERSIONS = ("1", TEMPLATE_VERSION)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def number(v: Any) -> float:
    """A cell as the formulas' ISNUMBER sees it: a number, else NaN."""
    return float(v) if _is_number(v) else math.nan


def is_blank(v: Any) -> bool:
    return v is None or v == ""


@dataclass(frozen=True)
class SheetPair:
    """One pair of sheets (example or yours) as read from the file."""

    prefix: str
    targets_sheet: str
    sla_sheet: str
    layout: Layout
    inputs: SheetInputs  # the cells of every input block, positions kept
    plan: Plan  # what the engine computes from (named segment rows only)
    raw: RawWorkbook
    formulas: Formulas

    def sheet_of(self, block: Block) -> str:
        return self.targets_sheet if block.role == "targets" else self.sla_sheet

    @cached_property
    def _cells(self) -> _Cells:
        return _Cells(self.raw, self.layout, self.targets_sheet, self.sla_sheet)

    def cell(self, block: str, i: int = 0, j: int = 0) -> Cell:
        return self._cells.cell(block, i, j)

    def address(self, block: str, i: int = 0, j: int = 0) -> tuple[str, str]:
        from ..workbook.layout import cell_ref

        b = self.layout[block]
        return self.sheet_of(b), cell_ref(b.row + i, b.col + j)

    def stored(self, block: str) -> list[list[Any]]:
        return self._cells.stored(block)

    def outputs(self) -> dict[str, pd.DataFrame]:
        """The workbook's own computed outputs, as stored (blank = <NA>), as tidy frames."""
        return _stored_frames(self)


@dataclass(frozen=True)
class Workbook:
    """What read_workbook returns: both sheet pairs, the language and the template version."""

    path: Path
    kind: str
    language: str
    template_version: str
    raw: RawWorkbook
    examples: SheetPair
    yours: SheetPair

    def pair(self, prefix: str) -> SheetPair:
        return self.examples if prefix == "ex_" else self.yours


def read_workbook(path: str | Path) -> Workbook:
    """Read one of our workbooks (.xlsx or .ods). InputError says why a file is not one."""
    p = Path(path)
    raw = _read_raw(p)
    version = raw.properties.get("sla_template_version")
    if version is None and not any(n.startswith("your_") for n in raw.names):
        raise InputError(f"{p}: not an SLA workbook made by sla-workbook (no sla_* properties)")
    if version is not None and version not in SUPPORTED_VERSIONS:
        raise InputError(
            f"{p}: template version {version} is not supported (this sla-workbook reads "
            f"{', '.join(SUPPORTED_VERSIONS)}); regenerate it or upgrade sla-workbook"
        )
    lang = raw.properties.get("sla_language", "en")
    if lang not in LANGUAGES:
        raise InputError(f"{p}: unknown workbook language {lang!r}")
    pairs = {prefix: _pair(raw, prefix, lang, int(version or 1)) for prefix in PREFIXES}
    return Workbook(
        p, raw.kind, lang, version or TEMPLATE_VERSION, raw, pairs["ex_"], pairs["your_"]
    )


def _read_raw(p: Path) -> RawWorkbook:
    """Sniff the file (not its name), then read it; every failure is a one-line InputError."""
    import struct
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from .ods_source import read_ods
    from .sniff import sniff
    from .xlsx_source import read_xlsx

    kind = sniff(p)
    try:
        return read_ods(p) if kind == "ods" else read_xlsx(p)
    except InputError:
        raise
    except DefusedXmlException as exc:
        raise InputError(
            f"{p}: refused: the file's XML uses {type(exc).__name__} "
            "(entities or DTDs, as XML attacks do); re-save it from a spreadsheet "
            "program"
        ) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ParseError,
        KeyError,
        ValueError,
        IndexError,
        UnicodeDecodeError,
        OSError,
        NotImplementedError,
        struct.error,
    ) as exc:
        raise InputError(
            f"{p}: damaged workbook ({type(exc).__name__}: {_short(exc)}); "
            "re-download it or re-save it from a spreadsheet program"
        ) from None


def _short(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."


def _shape(raw: RawWorkbook, prefix: str) -> tuple[int, int, int]:
    """N, K, C from the properties, else from the defined names' sizes."""
    props = raw.properties
    try:
        return (
            int(float(props[f"{prefix}segments"])),
            int(float(props[f"{prefix}channels"])),
            int(float(props[f"{prefix}log_rows"])),
        )
    except (KeyError, ValueError):
        pass
    try:
        n = _size(raw.names[f"{prefix}segments"][1])[0]
        k = _size(raw.names[f"{prefix}channels"][1])[1]
        c = _size(raw.names[f"{prefix}log_date"][1])[0]
    except KeyError as exc:
        raise InputError(f"{raw.path}: defined name {exc.args[0]} is missing") from None
    return n, k, c


def _size(ref: str) -> tuple[int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last or first)
    return r2 - r1 + 1, c2 - c1 + 1


def _pair(raw: RawWorkbook, prefix: str, lang: str, version: int) -> SheetPair:
    n, k, c = _shape(raw, prefix)
    try:
        layout = build_layout(n, k, c, version)
    except ValueError as exc:
        raise InputError(f"{raw.path}: {prefix} sheets: {exc}") from None
    default_names = (
        strings(lang)["sheets"][0:2] if prefix == "ex_" else strings(lang)["sheets"][2:4]
    )

    def sheet_of(name: str, default: str) -> str:
        # A name left pointing at a deleted sheet (#REF!) falls back to the usual sheet name.
        sheet = raw.names.get(name, (default, ""))[0]
        return sheet if sheet in raw.sheets else default

    targets_sheet = sheet_of(f"{prefix}segments", default_names[0])
    sla_sheet = sheet_of(f"{prefix}sla_leads", default_names[1])
    words = team_words(lang)
    cells = _Cells(raw, layout, targets_sheet, sla_sheet)
    inputs = _inputs(cells, words)
    label = raw.cell(targets_sheet, layout["segments"].row - 1, 0).value
    currency = raw.properties.get(f"{prefix}currency", "USD")
    plan = plan_from_inputs(
        inputs, label if isinstance(label, str) and label else "Region", currency
    )
    formulas = Formulas(layout, targets_sheet, words["marketing"], words["sales"])
    return SheetPair(prefix, targets_sheet, sla_sheet, layout, inputs, plan, raw, formulas)


@dataclass(frozen=True)
class _Cells:
    """Block-addressed access to one pair's cells."""

    raw: RawWorkbook
    layout: Layout
    targets_sheet: str
    sla_sheet: str

    def cell(self, block: str, i: int = 0, j: int = 0) -> Cell:
        b = self.layout[block]
        sheet = self.targets_sheet if b.role == "targets" else self.sla_sheet
        return self.raw.cell(sheet, b.row + i, b.col + j)

    def stored(self, block: str) -> list[list[Any]]:
        b = self.layout[block]
        return [[self.cell(block, i, j).value for j in range(b.ncols)] for i in range(b.nrows)]


def _text(v: Any) -> str | None:
    if is_blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _date(v: Any) -> dt.date | None:
    if not _is_number(v) or v < 1:
        return None
    try:
        return serial_to_datetime(float(v)).date()
    except (OverflowError, ValueError):
        return None


def inputs_from_cells(
    raw: RawWorkbook, layout: Layout, sheets: tuple[str, str], lang: str
) -> SheetInputs:
    """The inputs of one sheet pair exactly as ``read_workbook`` sees them, from raw cells:
    the refill (update/) builds a workbook's new inputs this way, so what it caches is
    what reading the new file gives."""
    return _inputs(_Cells(raw, layout, *sheets), team_words(lang))


def _inputs(pair: _Cells, words: dict[str, str]) -> SheetInputs:
    lay = pair.layout
    n, k = lay.n, lay.k

    def grid(block: str) -> np.ndarray:
        return np.array([[number(v) for v in row] for row in pair.stored(block)], dtype=float)

    year_cell = pair.cell("year").value
    year = int(year_cell) if _is_number(year_cell) and float(year_cell).is_integer() else None
    names = [_text(row[0]) for row in pair.stored("segments")]
    channels = [_text(v) or "" for v in pair.stored("channels")[0]]
    by_word = {w.lower(): team for team, w in words.items()}
    teams = [
        by_word.get(str(v).lower(), "") if isinstance(v, str) else ""
        for v in pair.stored("channel_team")[0]
    ]
    log: list[LogRow] = []
    log_rows: list[int] = []
    log_blocks = ["log_date", "log_segment", "log_channel", "log_leads"]
    v2 = "log_worked" in lay.blocks
    if v2:
        log_blocks += ["log_worked", "log_attempts"]
    cols = [pair.stored(b) for b in log_blocks]
    blank_extra: list[list[Any]] = [[None]] * lay.c
    if not v2:
        cols += [blank_extra, blank_extra]
    for i in range(lay.c):
        d, s, ch, leads, worked, tries = (col[i][0] for col in cols)
        if all(is_blank(v) for v in (d, s, ch, leads, worked, tries)):
            continue
        log.append(
            (
                _date(d),
                _text(s) or "",
                _text(ch) or "",
                number(leads),
                number(worked),
                number(tries),
            )
        )
        log_rows.append(i)
    month_cell = pair.cell("track_month").value
    month = int(month_cell) if _is_number(month_cell) and float(month_cell).is_integer() else None
    if month is not None and not 1 <= month <= 12:
        month = None
    return SheetInputs(
        year=year if year is not None and 1900 <= year <= 9999 else None,
        names=names,
        targets=grid("targets").reshape(n, 12),
        price=grid("avg_price").reshape(n),
        mshare=grid("marketing_share").reshape(n),
        channels=channels,
        teams=teams,
        rate=grid("close_rate").reshape(n, k),
        mix=grid("channel_mix").reshape(n, k),
        log=log,
        track_month=month,
        track_asof=_date(pair.cell("track_asof").value),
        log_rows=log_rows,
        followup=np.array([grid(b).reshape(k) for b in FOLLOWUP_BLOCKS])
        if "followup_hours" in lay.blocks
        else None,
    )


def _stored_number(v: Any) -> float:
    if isinstance(v, ErrorValue):
        return math.nan
    return number(v)


def _stored_frames(pair: SheetPair) -> dict[str, pd.DataFrame]:
    import pandas as pd

    lay = pair.layout
    k = lay.k
    names = [n if n is not None else "" for n in pair.inputs.names]
    channels = pair.inputs.channels

    def fl(values: list[float]) -> pd.arrays.FloatingArray:
        arr = np.asarray(values, dtype=float)
        return pd.arrays.FloatingArray(np.nan_to_num(arr), np.isnan(arr))

    def cube(block: str) -> list[float]:
        return [_stored_number(v) for row in pair.stored(block) for v in row]

    rows = [(names[r // k], channels[r % k], pair.inputs.teams[r % k]) for r in range(lay.n * k)]
    keys = pd.DataFrame(
        {
            "segment": [s for s, _, _ in rows for _ in range(12)],
            "channel": [c for _, c, _ in rows for _ in range(12)],
            "team": [t for _, _, t in rows for _ in range(12)],
            "month": pd.array(list(range(1, 13)) * len(rows), dtype="Int8"),
        }
    )
    sla = keys.assign(revenue=fl(cube("sla_revenue")), leads=fl(cube("sla_leads")))
    actuals = keys.assign(actual=fl(cube("actual_leads")), attainment=fl(cube("attainment")))
    year_to_date = pd.DataFrame(
        {
            "segment": [s for s, _, _ in rows],
            "channel": [c for _, c, _ in rows],
            "team": [t for _, _, t in rows],
            "attainment": fl(cube("attainment_ytd")),
        }
    )
    lead_value = pd.DataFrame(
        {
            "segment": [s for s, _, _ in rows],
            "channel": [c for _, c, _ in rows],
            "team": [t for _, _, t in rows],
            "lead_value": fl(cube("lead_value")),
        }
    )
    tracker = pd.DataFrame(
        {
            "channel": channels,
            "team": pair.inputs.teams,
            "mtd": fl([_stored_number(v) for v in pair.stored("track_mtd")[0]]),
            "plan_to_date": fl([_stored_number(v) for v in pair.stored("track_plan_mtd")[0]]),
            "pace": fl([_stored_number(v) for v in pair.stored("track_pace")[0]]),
            "projected": fl([_stored_number(v) for v in pair.stored("track_projected")[0]]),
        }
    )
    extra: dict[str, pd.DataFrame] = {}
    if lay.version >= 2:  # sales' side: absent from version-1 files
        extra["followup"] = keys.assign(
            followup_rate=fl(cube("followup_rate")), attempts_per_lead=fl(cube("attempts_per_lead"))
        )
        for column, block in (
            ("followup_rate", "track_followup"),
            ("attempts_per_lead", "track_attempts"),
        ):
            tracker[column] = fl([_stored_number(v) for v in pair.stored(block)[0]])
    total = public_block(lay, "sla_total")
    sla_total = pd.DataFrame(
        {
            "month": pd.array(list(range(1, 13)), dtype="Int8"),
            "leads": fl(
                [
                    _stored_number(pair.raw.cell(pair.sla_sheet, total.row, total.col + j).value)
                    for j in range(12)
                ]
            ),
        }
    )
    return {
        "sla": sla,
        "sla_total": sla_total,
        "lead_value": lead_value,
        "actuals": actuals,
        "year_to_date": year_to_date,
        "tracker": tracker,
        **extra,
    }


__all__ = ["PUBLIC_NAMES", "SheetPair", "Workbook", "plan_from_inputs", "read_workbook"]
