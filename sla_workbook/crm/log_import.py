"""A CRM export and a map into the lead log, with every row accounted for.

``import_log`` is the stage's one entry point: it opens the export (export_file), lets
DuckDB group it (aggregate), then maps the grouped values to plan names here, on a few
thousand groups rather than a million rows. Each row lands in exactly one place, the
log or one reason of ``NOT_COUNTED``, so ``rows_read == rows_counted + sum(not_counted)``
holds by construction (and is asserted).
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputError
from .aggregate import TOP, FollowUpColumns, Scan, Stats, scan
from .import_summary import NOT_COUNTED, FollowUpSummary, ImportSummary
from .map_file import CrmMap, load_map

if TYPE_CHECKING:
    import pandas as pd

LOG_COLUMNS = ("date", "segment", "channel", "leads")
FOLLOWUP_COLUMNS = ("worked", "attempts")  # written only when some row has them


class PlanNames(NamedTuple):
    """The segment and channel names of the plan the log is for."""

    segments: Sequence[str]
    channels: Sequence[str]


# (date, segment, channel, leads, worked, attempts); worked / attempts None: not recorded
LogRow = tuple[dt.date, str, str, int, int | None, int | None]


@dataclass(frozen=True)
class ImportResult:
    """The lead log and its summary. ``rows``: (date, segment, channel, leads, worked,
    attempts), sorted, worked / attempts None where not recorded; ``log``: the same as a
    frame typed as ``Plan.log`` is, built on first use (the CLI writes ``rows`` and never
    loads pandas, a third of a second)."""

    rows: tuple[LogRow, ...]
    summary: ImportSummary

    @cached_property
    def log(self) -> pd.DataFrame:
        """date (datetime64), segment and channel (string), leads, worked and attempts
        (Float64; <NA> where not recorded)."""
        import pandas as pd

        def optional(values: list[int | None]) -> Any:
            return pd.array([None if v is None else float(v) for v in values], dtype="Float64")

        return pd.DataFrame(
            {
                "date": pd.to_datetime(pd.Series([r[0] for r in self.rows], dtype="object")).astype(
                    "datetime64[ns]"
                ),
                "segment": pd.array([r[1] for r in self.rows], dtype="string"),
                "channel": pd.array([r[2] for r in self.rows], dtype="string"),
                "leads": pd.array([float(r[3]) for r in self.rows], dtype="Float64"),
                "worked": optional([r[4] for r in self.rows]),
                "attempts": optional([r[5] for r in self.rows]),
            }
        )


def import_log(
    export_path: str | Path,
    crm_map: CrmMap | str | Path,
    *,
    year: int | None = None,
    plan_names: PlanNames | tuple[Sequence[str], Sequence[str]] | None = None,
    sheet: str | None = None,
    followup_hours: Mapping[str, float | None] | None = None,
) -> ImportResult:
    """Read a CRM export (CSV or xlsx) through a map into the daily lead log.

    ``year``: only dates in it count (others: "date not in the plan year"); None counts
    every dated row. ``plan_names``: (segments, channels) of the plan; names the map
    gives that the plan lacks are not counted, and names are spelled as the plan does.
    ``followup_hours``: plan channel name -> follow-up hours H (None or absent: the
    channel has none); with the map's ``first_contact`` column, a lead is worked when
    its first contact is at most H hours after its creation. None: no H is known, so
    worked is left blank (attempts are still read). Raises InputError (unreadable
    export, a column the map names is missing) or MapError (a map path that breaks rules).
    """
    from .export_file import open_export

    cmap = crm_map if isinstance(crm_map, CrmMap) else load_map(crm_map)
    path = Path(export_path)
    hours = _hours(followup_hours)
    found_roles: dict[str, int] = {}

    def choose(header: list[str]) -> list[int]:
        base = _choose(header, cmap, path)
        found_roles.update(_followup_columns(header, cmap, path))
        return base + list(found_roles.values())

    with tempfile.TemporaryDirectory(prefix="sla-crm-") as tmp:
        export = open_export(path, choose, Path(tmp), sheet)
        picked = list(export.picked)
        n_date = len(cmap.date_columns)
        at = dict(zip(found_roles, picked[n_date + 2 :], strict=True))
        follow = None
        if at:
            follow = FollowUpColumns(
                first_contact=at.get("first_contact"),
                attempts=at.get("attempts"),
                hours=_hours_by_value(cmap, hours) if "first_contact" in at else (),
            )
        found = scan(
            export,
            picked[:n_date],
            picked[n_date],
            picked[n_date + 1],
            timezone=cmap.timezone,
            date_format=cmap.date_format,
            workdir=Path(tmp),
            followup=follow,
        )
    names = PlanNames(*plan_names) if plan_names is not None else None
    tally = _Tally(found.no_date, found.bad_date_rows, cmap, year, names)
    for i, (day, sk, s, ck, c, n) in enumerate(found.groups):
        tally.add(day, (sk, s), (ck, c), n, found.stats[i] if found.stats else None)
    counted, reasons = tally.counted, tally.reasons

    rows_counted = sum(counted.values())
    rows, followup = _followup(tally, cmap, at, hours, found)
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
        followup=followup,
    )
    return ImportResult(rows=rows, summary=summary)


def _hours(followup_hours: Mapping[str, float | None] | None) -> dict[str, float] | None:
    """Plan channel name (lower-cased) -> H, for the channels with a usable H (> 0)."""
    if followup_hours is None:
        return None
    out: dict[str, float] = {}
    for name, h in followup_hours.items():
        try:
            value = float(h) if h is not None else math.nan
        except (TypeError, ValueError):
            continue
        if math.isfinite(value) and value > 0:
            out.setdefault(str(name).strip().lower(), value)
    return out


def _hours_by_value(cmap: CrmMap, hours: dict[str, float] | None) -> tuple[tuple[str, float], ...]:
    """(channel value key, H): what the scan joins each row's channel value on."""
    if not hours:
        return ()
    if cmap.channels is None:  # the export's values are the plan's names
        return tuple(sorted(hours.items()))
    return tuple(
        (key, hours[name.lower()])
        for key, name in sorted(cmap.channels.items())
        if name.lower() in hours
    )


def _followup_columns(header: list[str], cmap: CrmMap, path: Path) -> dict[str, int]:
    """Positions of the follow-up columns the export has (role -> position). A column
    the map names itself must be there; a preset's is read when present."""
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        where.setdefault(name.strip().lower(), i)
    out: dict[str, int] = {}
    for role, column in (
        ("first_contact", cmap.first_contact_column),
        ("attempts", cmap.attempts_column),
    ):
        if column is None:
            continue
        at = where.get(column.strip().lower())
        if at is not None:
            out[role] = at
        elif role in cmap.named_followup:
            raise InputError(
                f"{path}: no column {column!r} ({role}), which the map reads; give the "
                f"export's own name in {cmap.source} under columns: {{{role}: ...}}, or "
                "leave it out"
            )
    return out


def _followup(
    tally: _Tally,
    cmap: CrmMap,
    read: dict[str, int],
    hours: dict[str, float] | None,
    found: Scan,
) -> tuple[tuple[LogRow, ...], FollowUpSummary]:
    """The log rows with worked and attempts, and what the summary says about them."""
    has_first, has_tries = "first_contact" in read, "attempts" in read
    rows: list[LogRow] = []
    total = [0] * 6
    no_hours: Counter[str] = Counter()
    bad_worked = bad_tries = 0
    for (d, seg, ch), n in tally.counted.items():
        if n <= 0:
            continue
        w, fn, fb, a, an, ab = tally.stats.get((d, seg, ch), (0,) * 6)
        total = [x + y for x, y in zip(total, (w, fn, fb, a, an, ab), strict=True)]
        worked: int | None = None
        if has_first and hours is not None:
            if ch.lower() not in hours:
                no_hours[ch] += n
            elif fb:
                bad_worked += 1
            else:
                worked = w
        tries: int | None = None
        if has_tries:
            if ab:
                bad_tries += 1
            else:
                tries = a
        rows.append((d, seg, ch, n, worked, tries))
    rows.sort(key=lambda r: r[:3])
    w, fn, fb, a, an, ab = total
    blank: dict[str, list[str]] = {"worked": [], "attempts": []}
    for role, has, key in (
        ("first_contact", has_first, "worked"),
        ("attempts", has_tries, "attempts"),
    ):
        column = cmap.first_contact_column if role == "first_contact" else cmap.attempts_column
        if column is None:
            blank[key].append(f"the map names no {role} column (columns: {{{role}: ...}})")
        elif not has:
            blank[key].append(
                f"the export has no column {column!r} (preset {cmap.preset}): not recorded"
            )
    if has_first and hours is None:
        blank["worked"].append(
            "no follow-up hours (H) were given: import --to needs --plan PLAN.yaml; "
            "import --into, a workbook with follow-up inputs (template version 2)"
        )
    if no_hours:
        names = ", ".join(repr(c) for c in sorted(no_hours))
        blank["worked"].append(
            f"no follow-up hours (H) in the plan for {names}: worked left blank on their rows"
        )
    if bad_worked:
        blank["worked"].append(
            f"{fb:,} first contact(s) not parseable: worked left blank on {bad_worked:,} "
            "log row(s) (give the map a date_format, or fix them in the CRM)"
        )
    if bad_tries:
        blank["attempts"].append(
            f"{ab:,} attempt count(s) not a whole number >= 0: attempts left blank on "
            f"{bad_tries:,} log row(s)"
        )
    summary = FollowUpSummary(
        first_contact=cmap.first_contact_column if has_first else None,
        attempts=cmap.attempts_column if has_tries else None,
        leads_with_first_contact=fn,
        leads_worked=sum(r[4] or 0 for r in rows),
        first_contact_unparseable=fb,
        leads_with_attempts=an,
        attempts_total=a,
        attempts_unreadable=ab,
        rows_with_worked=sum(r[4] is not None for r in rows),
        rows_with_attempts=sum(r[5] is not None for r in rows),
        channels_without_hours=_top(no_hours),
        unparseable_first_contacts=found.bad_first_contacts,
        unreadable_attempts=found.bad_attempts,
        blank=blank,
    )
    return tuple(rows), summary


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
        self.stats: dict[tuple[dt.date, str, str], Stats] = {}
        self.reasons = Counter({"no_date": no_date, "date_unparseable": bad_dates})
        self.unmapped: dict[str, Counter[str]] = {"segment": Counter(), "channel": Counter()}
        self.shown: dict[str, dict[str, str]] = {"segment": {}, "channel": {}}
        self.lacking: dict[str, Counter[str]] = {"segment": Counter(), "channel": Counter()}

    def add(
        self,
        day: dt.date,
        seg_value: tuple[str, str],
        ch_value: tuple[str, str],
        n: int,
        stats: Stats | None = None,
    ) -> None:
        """Count ``n`` rows of one (day, segment value, channel value); values are
        (key, text as written); ``stats``: their follow-up counts (aggregate.Stats)."""
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
            if stats is not None:
                before = self.stats.get((day, seg, ch), (0, 0, 0, 0, 0, 0))
                a, b, c, d, e, f = (x + y for x, y in zip(before, stats, strict=True))
                self.stats[(day, seg, ch)] = (a, b, c, d, e, f)


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
    rows: Iterable[Sequence[Any]],
    path: str | Path,
    *,
    force: bool = False,
    inputs: Sequence[Path] = (),
) -> Path:
    """Write log rows as the CSV plans accept (docs/plan-file.md), atomically.

    Rows are (date, segment, channel, leads[, worked, attempts]); the worked and
    attempts columns are written only when some row has one (a blank cell: not
    recorded). Never over an existing file without ``force``, never over one of
    ``inputs``. Names a spreadsheet would run as formulas get a leading '
    (model.rules.csv_safe).
    """
    import csv

    from ..atomic import atomic_write
    from ..model.rules import csv_safe

    rows = list(rows)
    extra = any(x is not None for r in rows for x in r[4:6])

    def whole(x: Any) -> str | int:
        return "" if x is None else int(x)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(LOG_COLUMNS + (FOLLOWUP_COLUMNS if extra else ()))
            for row in rows:
                d, seg, ch, n = row[:4]
                cells = [d.isoformat(), csv_safe(seg), csv_safe(ch), int(n)]
                if extra:
                    tail = list(row[4:6]) + [None] * (6 - len(row))
                    cells += [whole(tail[0]), whole(tail[1])]
                out.writerow(cells)

    return atomic_write(Path(path), write, force=force, inputs=tuple(inputs))
