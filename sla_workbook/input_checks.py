"""Checks of what a person typed: every input rule of docs/spec.md, cell by cell.

Each check names the cell and says what to type instead, in words a marketer
understands. Codes are stable (docs/validation.md).
"""

from __future__ import annotations

import math
from typing import Any

from .findings import Finding
from .plan_file import WILDCARDS
from .raw import ErrorValue
from .reader import SheetPair, is_blank

PERCENT_HINT = "type {pct:g}% or {frac:g}"


def _num(v: Any) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return None


class _Checker:
    def __init__(self, pair: SheetPair) -> None:
        self.pair = pair
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        block: str,
        i: int,
        j: int,
        message: str,
        *,
        expected: Any = None,
        actual: Any = None,
        severity: str = "error",
    ) -> None:
        sheet, cell = self.pair.address(block, i, j)
        self.findings.append(Finding(code, severity, sheet, cell, message, expected, actual))  # type: ignore[arg-type]

    def value(self, block: str, i: int = 0, j: int = 0) -> Any:
        return self.pair.cell(block, i, j).value

    def number(
        self,
        block: str,
        i: int,
        j: int,
        what: str,
        low: float,
        high: float,
        *,
        low_open: bool = False,
        percent: bool = False,
        required: bool = True,
    ) -> None:
        """A number in [low, high] (or (low, high]); blank is 'missing' when required."""
        v = self.value(block, i, j)
        if is_blank(v):
            if required:
                self.add("input-missing", block, i, j, f"{what} is missing")
            return
        x = _num(v)
        if x is None:
            shown = str(v) if not isinstance(v, ErrorValue) else v.code
            self.add(
                "not-a-number", block, i, j, f"{what} must be a number, not {shown!r}", actual=shown
            )
            return
        inside = (x > low if low_open else x >= low) and x <= high
        if inside:
            return
        if percent and 2 <= x <= 100:
            hint = PERCENT_HINT.format(pct=x, frac=x / 100)
            self.add(
                "percent-as-whole-number",
                block,
                i,
                j,
                f"{what} is {x:g}: a percentage typed as a whole number? {hint}",
                expected=x / 100,
                actual=x,
            )
            return
        rule = _rule(low, high, low_open)
        code = {"targets": "negative-target", "avg_price": "price-not-positive"}.get(
            block, "out-of-range"
        )
        self.add(code, block, i, j, f"{what} is {x:g}; it must be {rule}", actual=x)


def _rule(low: float, high: float, low_open: bool) -> str:
    if high == math.inf:
        return f"more than {low:g}" if low_open else f"{low:g} or more"
    lo = f"{low * 100:g}%" if high == 1 else f"{low:g}"
    hi = f"{high * 100:g}%" if high == 1 else f"{high:g}"
    return f"above {lo} and at most {hi}" if low_open else f"between {lo} and {hi}"


def check_inputs(pair: SheetPair) -> list[Finding]:
    """Every input rule, for one sheet pair."""
    ck = _Checker(pair)
    _year(ck)
    _names(ck)
    _channels(ck)
    _segment_rows(ck)
    _log(ck)
    _tracker(ck)
    return ck.findings


def _year(ck: _Checker) -> None:
    year = ck.value("year")
    if not (_num(year) is not None and float(year).is_integer() and 1900 <= year <= 9999):
        message = (
            "the plan year is missing"
            if is_blank(year)
            else f"the plan year must be a year such as 2027, not {year!r}"
        )
        ck.add("year-invalid", "year", 0, 0, message)


def _segment_rows(ck: _Checker) -> None:
    pair, inp = ck.pair, ck.pair.inputs
    for i, name in enumerate(inp.names):
        if name is None:
            typed = [
                b
                for b in ("avg_price", "marketing_share", "close_rate", "targets")
                if any(not is_blank(v) for v in pair.stored(b)[i])
            ]
            if typed:
                ck.add(
                    "unnamed-row-used",
                    "segments",
                    i,
                    0,
                    "this row has inputs but no name, so it is ignored; type a name",
                    severity="warning",
                )
            continue
        label = f"{pair.plan.segment_label} {name!r}"
        for m in range(12):
            ck.number("targets", i, m, f"the target of {label}", 0, math.inf)
        ck.number(
            "avg_price", i, 0, f"the average sales price of {label}", 0, math.inf, low_open=True
        )
        ck.number("marketing_share", i, 0, f"the marketing share of {label}", 0, 1, percent=True)
        for j, channel in enumerate(inp.channels):
            ck.number(
                "close_rate",
                i,
                j,
                f"the {channel} close rate of {label}",
                0,
                1,
                low_open=True,
                percent=True,
            )
            ck.number(
                "channel_mix", i, j, f"the {channel} channel mix of {label}", 0, 1, percent=True
            )
        _mix_sum(ck, i, label)


def _names(ck: _Checker) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(ck.pair.inputs.names):
        if name is None:
            continue
        bad = sorted({c for c in name if c in WILDCARDS})
        if bad:
            ck.add(
                "name-wildcard",
                "segments",
                i,
                0,
                f"{name!r} contains {' '.join(bad)}, which spreadsheet formulas read as "
                "wildcards; remove it",
            )
        key = name.lower()
        if key in seen:
            first = ck.pair.address("segments", seen[key], 0)[1]
            ck.add(
                "duplicate-segment",
                "segments",
                i,
                0,
                f"{name!r} repeats the name in {first} (names match ignoring case); "
                "each segment once",
            )
        seen.setdefault(key, i)


def _channels(ck: _Checker) -> None:
    inp = ck.pair.inputs
    seen: dict[str, int] = {}
    for j, name in enumerate(inp.channels):
        if not name:
            ck.add("channel-missing", "channels", 0, j, "a channel has no name")
        elif name.lower() in seen:
            ck.add(
                "duplicate-channel",
                "channels",
                0,
                j,
                f"channel {name!r} is listed twice (names match ignoring case)",
            )
        else:
            bad = sorted({c for c in name if c in WILDCARDS})
            if bad:
                ck.add(
                    "name-wildcard",
                    "channels",
                    0,
                    j,
                    f"{name!r} contains {' '.join(bad)}, which formulas read as wildcards",
                )
            seen[name.lower()] = j
        if not inp.teams[j]:
            shown = ck.value("channel_team", 0, j)
            ck.add(
                "team-invalid",
                "channel_team",
                0,
                j,
                f"the team of channel {name!r} must be Marketing or Sales, not {shown!r}",
            )
    for team in ("marketing", "sales"):
        if team not in inp.teams:
            ck.add(
                "team-without-channel",
                "channel_team",
                0,
                0,
                f"no channel belongs to {team}: give each team at least one channel",
            )


def _mix_sum(ck: _Checker, i: int, label: str) -> None:
    inp = ck.pair.inputs
    for team in ("marketing", "sales"):
        cols = [j for j, t in enumerate(inp.teams) if t == team]
        values = [inp.mix[i, j] for j in cols]
        if not cols or any(math.isnan(v) or not 0 <= v <= 1 for v in values):
            continue  # reported per cell
        total = math.fsum(values)
        if abs(round(total, 6) - 1) > 0:
            ck.add(
                "mix-not-100",
                "channel_mix",
                i,
                cols[0],
                f"the {team} channel mix of {label} adds up to {total * 100:g}%, not 100%",
                expected=1.0,
                actual=total,
            )


def _log(ck: _Checker) -> None:
    inp = ck.pair.inputs
    segs = {n.lower() for n in inp.names if n is not None}
    chans = {c.lower() for c in inp.channels if c}
    for entry, row in zip(inp.log, inp.log_rows or [], strict=False):
        date, seg, ch, _leads = entry
        raw_date = ck.value("log_date", row)
        if date is None:
            ck.add(
                "log-date-invalid",
                "log_date",
                row,
                0,
                f"{raw_date!r} is not a date; type a date such as 2027-01-31"
                if not is_blank(raw_date)
                else "the date is missing",
            )
        elif inp.year is not None and date.year != inp.year:
            ck.add(
                "log-date-outside-year",
                "log_date",
                row,
                0,
                f"{date.isoformat()} is outside the plan year {inp.year}, so it is not counted",
            )
        if not seg:
            ck.add("log-unknown-segment", "log_segment", row, 0, "the segment is missing")
        elif seg.lower() not in segs:
            ck.add(
                "log-unknown-segment",
                "log_segment",
                row,
                0,
                f"{seg!r} is not one of the segments, so it is not counted",
            )
        if not ch:
            ck.add("log-unknown-channel", "log_channel", row, 0, "the channel is missing")
        elif ch.lower() not in chans:
            ck.add(
                "log-unknown-channel",
                "log_channel",
                row,
                0,
                f"{ch!r} is not one of the channels, so it is not counted",
            )
        raw_leads = ck.value("log_leads", row)
        x = _num(raw_leads)
        if x is None or x < 0 or not x.is_integer():
            shown = "missing" if is_blank(raw_leads) else repr(raw_leads)
            ck.add(
                "log-leads-invalid",
                "log_leads",
                row,
                0,
                f"leads must be a whole number of 0 or more, not {shown}",
            )


def _tracker(ck: _Checker) -> None:
    inp = ck.pair.inputs
    raw_month = ck.value("track_month")
    if not is_blank(raw_month) and inp.track_month is None:
        ck.add(
            "track-month-invalid",
            "track_month",
            0,
            0,
            f"the month to track must be a number from 1 to 12, not {raw_month!r}",
        )
    raw_asof = ck.value("track_asof")
    if is_blank(raw_asof):
        return
    if inp.track_asof is None:
        ck.add(
            "track-asof-invalid",
            "track_asof",
            0,
            0,
            f"the as-of date must be a date, not {raw_asof!r}",
        )
    elif (
        inp.track_month is not None
        and inp.year is not None
        and ((inp.track_asof.year, inp.track_asof.month) != (inp.year, inp.track_month))
    ):
        ck.add(
            "track-asof-invalid",
            "track_asof",
            0,
            0,
            f"the as-of date {inp.track_asof.isoformat()} is not in the tracked month "
            f"{inp.year}-{inp.track_month:02d}",
        )
