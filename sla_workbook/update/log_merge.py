"""An imported log merged into the log a user typed, so importing is repeatable.

Rows whose (date, segment, channel) key the import covers take the imported count;
every other typed row is kept as typed (text, formulas and rows that do not count
included). The result is sorted the same way whatever came first, so importing an
export twice, or in two parts, gives the same log as importing it once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..workbook.dates import serial, serial_to_datetime

if TYPE_CHECKING:
    import pandas as pd

# One log cell as a workbook holds it: (value, formula); a row is four of them (date,
# segment, channel, leads), six in template version 2 (worked, attempts).
TypedCell = tuple[Any, str | None]
TypedRow = tuple[TypedCell, ...]


def _day(value: Any) -> dt.date | None:
    """A typed date cell's day, by the reader's rule (1 <= serial < year 10000)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        return None
    try:
        return serial_to_datetime(float(value)).date()
    except (OverflowError, ValueError):
        return None


def _name(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)).lower()
    return "" if value is None else str(value).lower()


def _optional(frame: pd.DataFrame, column: str) -> list[float | None]:
    import pandas as pd

    if column not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else float(v) for v in frame[column].tolist()]


def merge_log(
    typed: list[TypedRow], imported: pd.DataFrame, width: int = 4
) -> tuple[list[TypedRow], int]:
    """The merged log (rows of ``width`` cells), and how many typed rows the import
    replaced. Imported worked / attempts fill the version-2 columns; where the import
    recorded none (blank), the replaced row's typed worked / attempts are kept if its
    typed leads equal the imported count (else they would describe other leads)."""
    keys = {
        (d, str(s).lower(), str(c).lower())
        for d, s, c in zip(
            imported["date"].dt.date, imported["segment"], imported["channel"], strict=True
        )
    }
    kept: list[tuple[tuple[Any, ...], TypedRow]] = []
    undated: list[TypedRow] = []
    replaced = 0
    typed_extra: dict[tuple[Any, ...], TypedRow] = {}  # key -> the replaced row's cells 5-6
    typed_leads: dict[tuple[Any, ...], Any] = {}  # key -> its typed leads
    for order, row in enumerate(typed):
        (date, _), (seg, _), (chan, _) = row[:3]
        day = _day(date)
        if day is None:
            undated.append(row)
            continue
        key = (day, _name(seg), _name(chan))
        if key in keys:
            replaced += 1
            typed_extra.setdefault(key, row[4:])
            typed_leads.setdefault(key, row[3][0] if len(row) > 3 else None)
            continue
        kept.append(((day, key[1], key[2], 0, order), row))
    extra = [_optional(imported, name) for name in ("worked", "attempts")]
    for order, (d, s, c, n) in enumerate(
        zip(
            imported["date"].dt.date,
            imported["segment"],
            imported["channel"],
            imported["leads"],
            strict=True,
        )
    ):
        new: TypedRow = ((float(serial(d)), None), (str(s), None), (str(c), None), (float(n), None))
        if width > 4:
            # Not recorded by the import: the typed worked / attempts stay only when they
            # describe the same leads (the count did not change); else they are blank.
            mine = typed_extra.get((d, str(s).lower(), str(c).lower()), ())
            same_leads = bool(mine) and typed_leads.get((d, str(s).lower(), str(c).lower())) == n
            for q, column in enumerate(extra):
                x = column[order]
                if x is None and same_leads and q < len(mine):
                    new += (mine[q],)
                else:
                    new += ((None if x is None else float(x), None),)
        kept.append(((d, str(s).lower(), str(c).lower(), 1, order), new))
    kept.sort(key=lambda item: item[0])
    return [row for _, row in kept] + undated, replaced
