"""A CRM export and a map into the lead log, with every row accounted for.

``import_log`` is the stage's one entry point: it opens the export (export_file), lets
DuckDB group it (aggregate), then maps the grouped values to plan names here, on a few
thousand groups rather than a million rows. Each row lands in exactly one place, the
log or one reason of ``NOT_COUNTED``, so ``rows_read == rows_counted + sum(not_counted)``
holds by construction (and is asserted).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputError
from .aggregate import TOP, scan
from .map_file import CrmMap, load_map

if TYPE_CHECKING:
    import pandas as pd

# reason key -> what the summary says; the order is the order reasons are tried in
NOT_COUNTED = {
    "no_date": "no date",
    "date_unparseable": "date not parseable",
    "date_outside_year": "date not in the plan year",
    "segment_unmapped": "segment not mapped",
    "channel_unmapped": "channel not mapped",
    "name_not_in_plan": "segment or channel mapped to a name the plan lacks",
}
CHOSEN = {"date_outside_year"}  # reasons the user asked for (--year): no attention needed
LOG_COLUMNS = ("date", "segment", "channel", "leads")


class PlanNames(NamedTuple):
    """The segment and channel names of the plan the log is for."""

    segments: Sequence[str]
    channels: Sequence[str]


@dataclass(frozen=True)
class ImportSummary:
    """Where every row of the export went. ``to_dict()`` is what ``--format json`` prints."""

    export: str
    kind: str
    columns: dict[str, list[str]]
    timezone: str
    year: int | None
    rows_read: int
    rows_counted: int
    not_counted: dict[str, int]
    log_rows: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    unmapped: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    not_in_plan: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    unparseable_dates: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every row was counted, or left out by a reason the user chose (the year)."""
        return all(n == 0 for k, n in self.not_counted.items() if k not in CHOSEN)

    def to_dict(self) -> dict[str, Any]:
        def listed(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
            return [{"value": v, "rows": n} for v, n in pairs]

        return {
            "export": self.export,
            "kind": self.kind,
            "columns": self.columns,
            "timezone": self.timezone,
            "year": self.year,
            "rows_read": self.rows_read,
            "rows_counted": self.rows_counted,
            "not_counted": dict(self.not_counted),
            "log_rows": self.log_rows,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "ok": self.ok,
            "unmapped": {k: listed(v) for k, v in self.unmapped.items()},
            "not_in_plan": {k: listed(v) for k, v in self.not_in_plan.items()},
            "unparseable_dates": listed(self.unparseable_dates),
        }


LogRow = tuple[dt.date, str, str, int]


@dataclass(frozen=True)
class ImportResult:
    """The lead log and its summary. ``rows``: (date, segment, channel, leads), sorted;
    ``log``: the same as a frame typed as ``Plan.log`` is, built on first use (the CLI
    writes ``rows`` and never loads pandas, a third of a second)."""

    rows: tuple[LogRow, ...]
    summary: ImportSummary

    @cached_property
    def log(self) -> pd.DataFrame:
        """date (datetime64), segment and channel (string), leads (Float64)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "date": pd.to_datetime(pd.Series([r[0] for r in self.rows], dtype="object")).astype(
                    "datetime64[ns]"
                ),
                "segment": pd.array([r[1] for r in self.rows], dtype="string"),
                "channel": pd.array([r[2] for r in self.rows], dtype="string"),
                "leads": pd.array([float(r[3]) for r in self.rows], dtype="Float64"),
            }
        )


def import_log(
    export_path: str | Path,
    crm_map: CrmMap | str | Path,
    *,
    year: int | None = None,
    plan_names: PlanNames | tuple[Sequence[str], Sequence[str]] | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Read a CRM export (CSV or xlsx) through a map into the daily lead log.

    ``year``: only dates in it count (others: "date not in the plan year"); None counts
    every dated row. ``plan_names``: (segments, channels) of the plan; names the map
    gives that the plan lacks are not counted, and names are spelled as the plan does.
    Raises InputError (unreadable export, a column the map names is missing) or
    MapError (a map path that breaks rules).
    """
    from .export_file import open_export

    cmap = crm_map if isinstance(crm_map, CrmMap) else load_map(crm_map)
    path = Path(export_path)
    with tempfile.TemporaryDirectory(prefix="sla-crm-") as tmp:
        export = open_export(path, lambda header: _choose(header, cmap, path), Path(tmp), sheet)
        picked = list(export.picked)
        n_date = len(cmap.date_columns)
        found = scan(
            export,
            picked[:n_date],
            picked[n_date],
            picked[n_date + 1],
            timezone=cmap.timezone,
            date_format=cmap.date_format,
            workdir=Path(tmp),
        )
    names = PlanNames(*plan_names) if plan_names is not None else None
    tally = _Tally(found.no_date, found.bad_date_rows, cmap, year, names)
    for day, sk, s, ck, c, n in found.groups:
        tally.add(day, (sk, s), (ck, c), n)
    counted, reasons = tally.counted, tally.reasons

    rows = tuple(sorted((d, s, c, n) for (d, s, c), n in counted.items() if n > 0))
    rows_counted = sum(counted.values())
    not_counted = {k: int(reasons[k]) for k in NOT_COUNTED}
    assert found.rows_read == rows_counted + sum(not_counted.values()), "rows unaccounted"
    days = sorted({d for d, _, _ in counted})
    summary = ImportSummary(
        export=str(export_path),
        kind=export.kind,
        columns={
            "date": list(cmap.date_columns),
            "segment": [cmap.segment_column],
            "channel": [cmap.channel_column],
        },
        timezone=cmap.timezone,
        year=year,
        rows_read=found.rows_read,
        rows_counted=rows_counted,
        not_counted=not_counted,
        log_rows=len(rows),
        first_date=days[0] if days else None,
        last_date=days[-1] if days else None,
        unmapped={k: _top(v, tally.shown[k]) for k, v in tally.unmapped.items()},
        not_in_plan={k: _top(v) for k, v in tally.lacking.items()},
        unparseable_dates=found.bad_dates,
    )
    return ImportResult(rows=rows, summary=summary)


class _Tally:
    """Where the rows of each group go: the log, or the first reason that applies."""

    def __init__(
        self, no_date: int, bad_dates: int, cmap: CrmMap, year: int | None, names: PlanNames | None
    ) -> None:
        self.cmap, self.year = cmap, year
        self.plan = {
            "segment": _canonical(names.segments if names else None),
            "channel": _canonical(names.channels if names else None),
        }
        self.counted: Counter[tuple[dt.date, str, str]] = Counter()
        self.reasons = Counter({"no_date": no_date, "date_unparseable": bad_dates})
        self.unmapped: dict[str, Counter[str]] = {"segment": Counter(), "channel": Counter()}
        self.shown: dict[str, dict[str, str]] = {"segment": {}, "channel": {}}
        self.lacking: dict[str, Counter[str]] = {"segment": Counter(), "channel": Counter()}

    def add(
        self, day: dt.date, seg_value: tuple[str, str], ch_value: tuple[str, str], n: int
    ) -> None:
        """Count ``n`` rows of one (day, segment value, channel value); values are
        (key, text as written)."""
        if self.year is not None and day.year != self.year:
            self.reasons["date_outside_year"] += n
            return
        found = {}
        for kind, (key, text), mapping in (
            ("segment", seg_value, self.cmap.segments),
            ("channel", ch_value, self.cmap.channels),
        ):
            name, why = _name(key, text, mapping, self.plan[kind])
            found[kind] = (name, why)
            if why == "unmapped":
                self.unmapped[kind][key] += n
                self.shown[kind].setdefault(key, text)
            elif why == "lacking":
                self.lacking[kind][name] += n
        (seg, seg_why), (ch, ch_why) = found["segment"], found["channel"]
        if seg_why == "unmapped":
            self.reasons["segment_unmapped"] += n
        elif ch_why == "unmapped":
            self.reasons["channel_unmapped"] += n
        elif seg_why or ch_why:
            self.reasons["name_not_in_plan"] += n
        else:
            self.counted[(day, seg, ch)] += n


def _choose(header: list[str], cmap: CrmMap, path: Path) -> list[int]:
    """Positions of the map's columns (date columns, segment, channel) in the header.

    Header names match ignoring case and surrounding spaces; every missing one is named.
    """
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        where.setdefault(name.strip().lower(), i)
    wanted = [
        *(("date", c) for c in cmap.date_columns),
        ("segment", cmap.segment_column),
        ("channel", cmap.channel_column),
    ]
    missing = [(role, c) for role, c in wanted if c.strip().lower() not in where]
    if missing:
        origin = f"preset {cmap.preset}" if cmap.preset else "the map"
        shown = ", ".join(repr(h[:40]) for h in header[:12] if h)
        more = f" and {len(header) - 12} more" if len(header) > 12 else ""
        raise InputError(
            f"{path}: no column "
            + ", ".join(f"{c!r} ({role})" for role, c in missing)
            + f", which {origin} reads; give the export's own name in {cmap.source} "
            f"under columns: (the export has {shown}{more})"
        )
    return [where[c.strip().lower()] for _, c in wanted]


def _canonical(names: Iterable[str] | None) -> dict[str, str] | None:
    if names is None:
        return None
    return {str(n).strip().lower(): str(n).strip() for n in names}


def _name(
    key: str, text: str, mapping: dict[str, str] | None, plan: dict[str, str] | None
) -> tuple[str, str]:
    """(plan name, "") when the value counts, else (name or "", "unmapped" | "lacking")."""
    if mapping is None:  # the export's values are the names
        if not text or (plan is not None and key not in plan):
            return "", "unmapped"
        return (plan[key] if plan is not None else text), ""
    target = mapping.get(key)
    if target is None:
        return "", "unmapped"
    if plan is None:
        return target, ""
    spelled = plan.get(target.lower())
    return (spelled, "") if spelled is not None else (target, "lacking")


def _top(counts: Counter[str], shown: dict[str, str] | None = None) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return [((shown or {}).get(k, k), int(n)) for k, n in ranked]


def write_log(
    rows: Iterable[LogRow], path: str | Path, *, force: bool = False, inputs: Sequence[Path] = ()
) -> Path:
    """Write log rows as the CSV plans accept (docs/plan-file.md), atomically.

    Never over an existing file without ``force``, never over one of ``inputs``.
    Names a spreadsheet would run as formulas get a leading ' (model.rules.csv_safe).
    """
    import csv

    from ..atomic import atomic_write
    from ..model.rules import csv_safe

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(LOG_COLUMNS)
            for d, seg, ch, n in rows:
                out.writerow([d.isoformat(), csv_safe(seg), csv_safe(ch), int(n)])

    return atomic_write(Path(path), write, force=force, inputs=tuple(inputs))
