"""Input rules of sales' side of the SLA (template version 2), cell by cell.

The same habits as input_checks.py: stable codes (docs/validation.md), the cell named,
what to type instead. Blank follow-up inputs are not errors: they mean "not agreed for
this channel", and the outputs stay blank; only half an agreement is worth a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..reading.reader import is_blank
from .input_checks import _num, show

if TYPE_CHECKING:
    from .input_checks import _Checker


def _not_whole(value: object, low: float) -> bool:
    """A typed value that is not a whole number >= low (blank is fine: not recorded)."""
    if is_blank(value):
        return False
    x = _num(value)
    return x is None or x < low or not x.is_integer()


def check_followup(ck: _Checker) -> None:
    pair = ck.pair
    if "followup_hours" not in pair.layout.blocks:
        return  # a version-1 workbook
    for j in range(pair.layout.k):
        channel = pair.inputs.channels[j] or f"channel {j + 1}"
        hours, target, tries = (
            ck.value(b, 0, j) for b in ("followup_hours", "followup_target", "attempts_target")
        )
        if not is_blank(hours):
            x = _num(hours)
            if x is None or x <= 0:
                ck.add(
                    "followup-hours-invalid",
                    "followup_hours",
                    0,
                    j,
                    f"the follow-up time of {channel} must be a number of hours above 0, "
                    f"not {show(hours)}",
                    actual=show(hours),
                )
        if not is_blank(target):
            ck.number(
                "followup_target", 0, j, f"the follow-up target of {channel}", 0, 1, percent=True
            )
        if is_blank(hours) != is_blank(target):
            missing = "followup_target" if is_blank(target) else "followup_hours"
            what = "target" if is_blank(target) else "time (hours)"
            ck.add(
                "followup-incomplete",
                missing,
                0,
                j,
                f"{channel} has half a follow-up agreement: without its follow-up {what} "
                "its follow-up rate stays blank",
                severity="warning",
            )
        if _not_whole(tries, 1):
            ck.add(
                "attempts-target-invalid",
                "attempts_target",
                0,
                j,
                f"the contact attempts target of {channel} must be a whole number of 1 "
                f"or more, not {show(tries)}",
                actual=show(tries),
            )
    _log_followup(ck)


def _log_followup(ck: _Checker) -> None:
    inp = ck.pair.inputs
    for row in inp.log_rows or []:
        leads = _num(ck.value("log_leads", row))
        worked, tries = ck.value("log_worked", row), ck.value("log_attempts", row)
        for block, value, what in (
            ("log_worked", worked, "worked in time"),
            ("log_attempts", tries, "attempts"),
        ):
            if _not_whole(value, 0):
                ck.add(
                    f"{block.replace('_', '-')}-invalid",
                    block,
                    row,
                    0,
                    f"{what} must be a whole number of 0 or more, not {show(value)}",
                    actual=show(value),
                )
        x = _num(worked)
        if x is not None and leads is not None and not _not_whole(worked, 0) and x > leads:
            ck.add(
                "log-worked-exceeds-leads",
                "log_worked",
                row,
                0,
                f"{x:g} leads worked in time, but the row has {leads:g} leads; "
                "its follow-up is not counted",
                expected=leads,
                actual=x,
            )
