"""The lead log of a plan file: a list of rows, or a CSV file next to the plan, checked
row by row with the row's place in every message (``leads.csv:5 date: ...``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .checker import Checker as _Checker
from .checker import show as _show


def parse_log(
    ck: _Checker,
    raw: Any,
    year: int | None,
    segments: list[dict[str, Any]],
    channels: dict[str, str],
    paths: list[str] | None = None,
) -> list[tuple[dt.date, str, str, float, float | None, float | None]]:
    out: list[tuple[dt.date, str, str, float, float | None, float | None]] = []
    if not isinstance(raw, list):
        ck.fail("log", "must be a list of {date, segment, channel, leads}")
        return out
    seg_names = {s["name"].lower() for s in segments if s["name"] is not None}
    ch_names = {c.lower() for c in channels}
    for i, item in enumerate(raw):
        path = paths[i] if paths else f"log[{i}]"
        sep = " " if paths else "."  # leads.csv:5 date: ... / log[3].date: ...
        if not isinstance(item, Mapping):
            ck.fail(path, "must be a mapping with date, segment, channel, leads")
            continue
        ck.unknown_keys(path, item, {*LOG_COLUMNS, *LOG_OPTIONAL})
        date = ck.date(f"{path}{sep}date", item.get("date"))
        if date is not None and year is not None and date.year != year:
            ck.fail(f"{path}{sep}date", f"{date.isoformat()} is not in the plan year {year}")
            date = None
        seg, ch = item.get("segment"), item.get("channel")
        if not isinstance(seg, str) or seg.strip().lower() not in seg_names:
            ck.fail(f"{path}{sep}segment", f"{_show(seg)} is not a segment of the plan")
        if not isinstance(ch, str) or ch.strip().lower() not in ch_names:
            ck.fail(f"{path}{sep}channel", f"{_show(ch)} is not a channel of the plan")
        leads = ck.number(f"{path}{sep}leads", item.get("leads"), 0, math.inf)
        if leads is not None and not leads.is_integer():
            ck.fail(f"{path}{sep}leads", f"{_show(leads)} is not a whole number")
            leads = None
        worked, tries = (_whole(ck, f"{path}{sep}{key}", item.get(key)) for key in LOG_OPTIONAL)
        if worked is not None and leads is not None and worked > leads:
            ck.fail(
                f"{path}{sep}worked", f"{_show(worked)} is more than the row's {_show(leads)} leads"
            )
            worked = None
        if date is not None and leads is not None and isinstance(seg, str) and isinstance(ch, str):
            out.append((date, seg.strip(), ch.strip(), leads, worked, tries))
    return out


LOG_COLUMNS = ("date", "segment", "channel", "leads")
LOG_OPTIONAL = ("worked", "attempts")


def _whole(ck: _Checker, path: str, value: object) -> float | None:
    """An optional whole number >= 0 (blank: not recorded)."""
    if value is None or value == "":
        return None
    number = ck.number(path, value, 0, math.inf)
    if number is not None and not number.is_integer():
        ck.fail(path, f"{_show(number)} is not a whole number")
        return None
    return number


def read_log_csv(ck: _Checker, path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a CSV lead log, and each row's place (``leads.csv:LINE``) for messages."""
    import csv

    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            rows = list(reader)
    except OSError as exc:
        ck.fail("log", f"cannot read {path} ({exc.strerror})")
        return [], []
    except (UnicodeDecodeError, csv.Error) as exc:
        ck.fail("log", f"{path} is not a UTF-8 CSV file ({exc})")
        return [], []
    names = [h.strip().lower() for h in header]
    optional = [n for n in names if n in LOG_OPTIONAL]
    if sorted(n for n in names if n not in optional) != sorted(LOG_COLUMNS) or len(
        set(optional)
    ) != len(optional):
        found = ",".join(header) or "nothing"
        ck.fail(
            "log",
            f"{path.name}: the header must name the columns {','.join(LOG_COLUMNS)} "
            f"and optionally {','.join(LOG_OPTIONAL)} (found {found})",
        )
        return [], []
    out: list[dict[str, Any]] = []
    paths = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, as spreadsheets export them
        item: dict[str, Any] = dict(zip(names, (c.strip() for c in row), strict=False))
        for key in ("leads", *LOG_OPTIONAL):
            value = item.get(key)
            if isinstance(value, str):
                # Text that is not a number stays text and is reported with the row's place.
                with contextlib.suppress(ValueError):
                    item[key] = float(value) if value else None
        out.append(item)
        paths.append(f"{path.name}:{line}")
    return out, paths
