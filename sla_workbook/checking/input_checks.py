"""Checks of what a person typed: every input rule of docs/spec.md, cell by cell.

Each check names the cell and says what to type instead, in words a marketer
understands. Codes are stable (docs/validation.md). The rules themselves (names,
mix sums) come from rules.py, shared with plan files and the generator.
"""

from __future__ import annotations

import math
from typing import Any

from ..model.rules import mix_sums_to_one, mix_total, name_problem, repeats
from ..reading.raw import ErrorValue
from ..reading.reader import SheetPair, is_blank
from .findings import Finding, Severity

PERCENT_HINT = "type {pct:g}% or {frac:g}"


def _num(v: Any) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return None


def show(v: Any) -> str:
    """A cell value as a person would have typed it: 13, 'next year', TRUE, nothing.
    Long text is clipped: a 10 MB cell must not become a 10 MB message."""
    if is_blank(v):
        return "nothing"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:.15g}"  # 8.0000001 must not read as 8
    if isinstance(v, ErrorValue):
        return v.code
    text = str(v)
    return repr(text if len(text) <= 60 else text[:57] + "...")


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
        severity: Severity = "error",
    ) -> None:
        sheet, cell = self.pair.address(block, i, j)
        self.findings.append(Finding(code, severity, sheet, cell, message, expected, actual))

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
    ) -> None:
        """A number in [low, high] (or (low, high]); blank is reported as missing."""
        v = self.value(block, i, j)
        if is_blank(v):
            self.add("input-missing", block, i, j, f"{what} is missing")
            return
        x = _num(v)
        if x is None:
            self.add(
                "not-a-number",
                block,
                i,
                j,
                f"{what} must be a number, not {show(v)}",
                actual=show(v),
            )
            return
        if (x > low if low_open else x >= low) and x <= high:
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
        code = {"targets": "negative-target", "avg_price": "price-not-positive"}.get(
            block, "out-of-range"
        )
        self.add(
            code, block, i, j, f"{what} is {x:g}; it must be {_rule(low, high, low_open)}", actual=x
        )


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
    from .followup_checks import check_followup

    check_followup(ck)
    return ck.findings


def _year(ck: _Checker) -> None:
    year = ck.value("year")
    x = _num(year)
    if x is None or not x.is_integer() or not 1900 <= x <= 9999:
        message = (
            "the plan year is missing"
            if is_blank(year)
            else f"the plan year must be a year such as 2027, not {show(year)}"
        )
        ck.add("year-invalid", "year", 0, 0, message)


def _names(ck: _Checker) -> None:
    named = [(i, name) for i, name in enumerate(ck.pair.inputs.names) if name is not None]
    if not named:
        ck.add(
            "no-segments",
            "segments",
            0,
            0,
            "no segment is named yet: type your regions or personas, one per row",
        )
    for i, name in named:
        problem = name_problem(name)
        if problem and "wildcards" in problem:
            ck.add("name-wildcard", "segments", i, 0, f"{show(name)} {problem}; remove it")
    for later, first in repeats([name for _, name in named]):
        first_cell = ck.pair.address("segments", named[first][0], 0)[1]
        ck.add(
            "duplicate-segment",
            "segments",
            named[later][0],
            0,
            f"{show(named[later][1])} repeats the name in {first_cell} (names match ignoring "
            "case); each segment once",
        )


def _channels(ck: _Checker) -> None:
    inp = ck.pair.inputs
    for j, name in enumerate(inp.channels):
        problem = name_problem(name)
        if not name:
            ck.add("channel-missing", "channels", 0, j, "a channel has no name")
        elif problem and "wildcards" in problem:
            ck.add("name-wildcard", "channels", 0, j, f"{show(name)} {problem}")
        if not inp.teams[j]:
            shown = show(ck.value("channel_team", 0, j))
            ck.add(
                "team-invalid",
                "channel_team",
                0,
                j,
                f"the team of channel {show(name)} must be Marketing or Sales, not {shown}",
            )
    named = [(j, n) for j, n in enumerate(inp.channels) if n]
    for later, _ in repeats([n for _, n in named]):
        j, name = named[later]
        ck.add(
            "duplicate-channel",
            "channels",
            0,
            j,
            f"channel {show(name)} is listed twice (names match ignoring case)",
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


def _segment_rows(ck: _Checker) -> None:
    pair, inp = ck.pair, ck.pair.inputs
    for i, name in enumerate(inp.names):
        if name is None:
            blocks = ("avg_price", "marketing_share", "close_rate", "targets")
            if any(not is_blank(v) for b in blocks for v in pair.stored(b)[i]):
                ck.add(
                    "unnamed-row-used",
                    "segments",
                    i,
                    0,
                    "this row has inputs but no name, so it is ignored; type a name",
                    severity="warning",
                )
            continue
        label = f"{pair.plan.segment_label} {show(name)}"
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
        for j, channel in enumerate(inp.channels):
            ck.number(
                "channel_mix", i, j, f"the {channel} channel mix of {label}", 0, 1, percent=True
            )
        _mix_sum(ck, i, label)


def _mix_sum(ck: _Checker, i: int, label: str) -> None:
    inp = ck.pair.inputs
    if not all(inp.teams):
        return  # a channel without a valid team: reported once, not again as a mix sum
    for team in ("marketing", "sales"):
        cols = [j for j, t in enumerate(inp.teams) if t == team]
        values = [float(inp.mix[i, j]) for j in cols]
        if not cols or any(math.isnan(v) or not 0 <= v <= 1 for v in values):
            continue  # reported per cell
        if not mix_sums_to_one(values):
            total = mix_total(values)
            ck.add(
                "mix-not-100",
                "channel_mix",
                i,
                cols[0],
                f"the {team} channel mix of {label} adds up to {total * 100:.8g}%, not 100%",
                expected=1.0,
                actual=total,
            )


def _log(ck: _Checker) -> None:
    inp = ck.pair.inputs
    segs = {n.lower() for n in inp.names if n is not None}
    chans = {c.lower() for c in inp.channels if c}
    for entry, row in zip(inp.log, inp.log_rows or [], strict=False):
        date, seg, ch, *_ = entry
        raw_date = ck.value("log_date", row)
        if date is None:
            message = (
                "the date is missing"
                if is_blank(raw_date)
                else f"{show(raw_date)} is not a date; type a date such as 2027-01-31"
            )
            ck.add("log-date-invalid", "log_date", row, 0, message)
        elif inp.year is not None and date.year != inp.year:
            ck.add(
                "log-date-outside-year",
                "log_date",
                row,
                0,
                f"{date.isoformat()} is outside the plan year {inp.year}, so it is not counted",
            )
        for block, text, known, what in (
            ("log_segment", seg, segs, "segment"),
            ("log_channel", ch, chans, "channel"),
        ):
            code = f"log-unknown-{what}"
            if not text:
                ck.add(code, block, row, 0, f"the {what} is missing")
            elif text.lower() not in known:
                ck.add(
                    code,
                    block,
                    row,
                    0,
                    f"{show(text)} is not one of the {what}s, so it is not counted",
                )
        raw_leads = ck.value("log_leads", row)
        x = _num(raw_leads)
        if x is None or x < 0 or not x.is_integer():
            ck.add(
                "log-leads-invalid",
                "log_leads",
                row,
                0,
                f"leads must be a whole number of 0 or more, not {show(raw_leads)}",
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
            f"the month to track must be a number from 1 to 12, not {show(raw_month)}",
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
            f"the as-of date must be a date, not {show(raw_asof)}; until it is, the tracker "
            "uses the latest log date",
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
