"""The calibrated values, one Estimate each, by the definitions of docs/spec.md
("Calibration"): from the counts per segment and channel to a value, its sample size, its
95% interval, and where it came from when the data could not give it.

The fallbacks live here, in one place, because they are the contract a manager reads:
no data keeps the plan's value; a close rate with leads but no customers takes the
channel's rate over all segments (a 0 would blank the SLA, which needs R > 0); a close
rate under 0.0001 is written as 0.0001. Each is named in the Estimate's ``note``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..model.plan import optional_float as _num
from .calibrate_stats import mean_interval, median, round_half_up, round_mix, wilson

if TYPE_CHECKING:
    from ..model.plan import Plan

THIN_LEADS, THIN_CUSTOMERS, THIN_DEALS = 30, 5, 5
RATE_DIGITS, PRICE_DIGITS = 4, 2
MIN_RATE = 10.0**-RATE_DIGITS  # the smallest close rate a 4-decimal plan can hold (R > 0)

Previous = dict[tuple[str, str, str | None], float | None]


@dataclass(frozen=True)
class Estimate:
    """One calibrated input. ``value`` is what is written (None: nothing to write, the
    plan had no value and there was no data); ``measured`` the unrounded measurement it
    came from (None when the plan's value is kept). ``source``: measured, pooled (the
    channel over all segments), plan (kept) or below_minimum (a rate under 0.0001)."""

    field: str  # avg_price, marketing_share, channel_mix, close_rate
    segment: str
    channel: str | None
    previous: float | None
    value: float | None
    measured: float | None
    n: int  # leads (close rate) or won deals (price, share, mix)
    unit: str  # "leads" or "deals"
    interval: tuple[float, float] | None
    source: str
    note: str = ""
    thin: bool = False
    successes: int | None = None  # customers, for a close rate
    median: float | None = None  # for the average price
    # A close rate's own segment x channel (leads, customers in the window), whatever the
    # value came from; and, when it came from the channel over all segments, that pool
    # (then n and successes are the pool's: the sample of the value and its interval).
    own: tuple[int, int] | None = None
    pooled: tuple[int, int] | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        digits = PRICE_DIGITS if self.field == "avg_price" else RATE_DIGITS
        return round_half_up(self.value - self.previous, digits + 2)

    def sample(self) -> str:
        """The sample size in words, with the thin-data thresholds."""
        if self.unit == "leads":
            return (
                f"{count(self.n, 'lead')}, {count(self.successes or 0, 'customer')} (under "
                f"{THIN_LEADS} leads or {THIN_CUSTOMERS} customers)"
            )
        return f"{count(self.n, 'won deal')} (under {THIN_DEALS})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "segment": self.segment,
            "channel": self.channel,
            "previous": self.previous,
            "new": self.value,
            "change": self.change,
            "measured": self.measured,
            "n": self.n,
            "unit": self.unit,
            "customers": self.successes,
            "median": self.median,
            "own_leads": None if self.own is None else self.own[0],
            "own_customers": None if self.own is None else self.own[1],
            "pooled_leads": None if self.pooled is None else self.pooled[0],
            "pooled_customers": None if self.pooled is None else self.pooled[1],
            "interval": list(self.interval) if self.interval else None,
            "source": self.source,
            "note": self.note,
            "thin": self.thin,
        }


def count(n: int, noun: str) -> str:
    """``1 lead``, ``2 leads``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass
class Cell:
    """What the export says of one segment and channel (rows the import would count)."""

    leads: int = 0
    customers: int = 0
    lags: list[int] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)


def previous_values(plan: Plan) -> Previous:
    """The plan's values, keyed (field, segment, channel); blanks (a workbook's) as None."""
    seg = plan.segments
    out: Previous = {}
    for s, p, m in zip(seg["segment"], seg["avg_price"], seg["marketing_share"], strict=True):
        out[("avg_price", str(s), None)] = _num(p)
        out[("marketing_share", str(s), None)] = _num(m)
    ci = plan.channel_inputs
    for s, c, r, w in zip(ci["segment"], ci["channel"], ci["close_rate"], ci["mix"], strict=True):
        out[("close_rate", str(s), str(c))] = _num(r)
        out[("channel_mix", str(s), str(c))] = _num(w)
    return out


def _kept(name: str, seg: str, ch: str | None, prev: Previous, unit: str, note: str) -> Estimate:
    before = prev[(name, seg, ch)]
    return Estimate(name, seg, ch, before, before, None, 0, unit, None, "plan", note)


def _share(
    name: str, seg: str, ch: str | None, prev: Previous, share: float, value: float, n: int
) -> Estimate:
    """A measured share (marketing share, mix) of ``n`` deals; a 0 or a 1 is named."""
    note = ""
    if share in (0.0, 1.0):
        who = ch or "marketing"
        note = f"{who} won {'none' if share == 0 else 'all'} of the revenue of {count(n, 'deal')}"
    return Estimate(name, seg, ch, prev[(name, seg, ch)], value, share, n, "deals",
                    wilson(share, n), "measured", note, n < THIN_DEALS)  # fmt: skip


def _price_interval(amounts: list[float]) -> tuple[float, float] | None:
    """The t interval of the mean amount, its lower end cut at 0 (amounts are > 0)."""
    got = mean_interval(amounts)
    return None if got is None else (max(0.0, got[0]), got[1])


def segment_values(
    seg: str,
    channels: list[str],
    teams: dict[str, str],
    cells: dict[tuple[str, str], Cell],
    prev: Previous,
    has_amounts: bool,
) -> list[Estimate]:
    """Price, marketing share and the mix of each team with two or more channels."""
    amounts = [a for c in channels for a in cells[(seg, c)].amounts]
    n = len(amounts)
    out = []
    if n == 0:
        why = "no won deals with an amount > 0 in the revenue window"
        why = why if has_amounts else "no amount column"
        keep = f"{why}: the plan's value is kept"
        out += [_kept(f, seg, None, prev, "deals", keep) for f in ("avg_price", "marketing_share")]
    else:
        mean = math.fsum(amounts) / n
        out.append(
            Estimate("avg_price", seg, None, prev[("avg_price", seg, None)],
                     round_half_up(mean, PRICE_DIGITS), mean, n, "deals", _price_interval(amounts),
                     "measured", "", n < THIN_DEALS, median=median(amounts))
        )  # fmt: skip
        mkt = [a for c in channels if teams[c] == "marketing" for a in cells[(seg, c)].amounts]
        share = math.fsum(mkt) / math.fsum(amounts)
        value = round_half_up(share, RATE_DIGITS)
        out.append(_share("marketing_share", seg, None, prev, share, value, n))
    for team in ("marketing", "sales"):
        mine = [c for c in channels if teams[c] == team]
        if len(mine) < 2:
            continue  # a team's only channel has a mix of 1 by definition
        revenue = [math.fsum(cells[(seg, c)].amounts) for c in mine]
        deals = sum(len(cells[(seg, c)].amounts) for c in mine)
        total = math.fsum(revenue)
        if total <= 0:
            why = f"no {team} won deals with an amount > 0 in the revenue window"
            why = why if has_amounts else "no amount column"
            keep = f"{why}: mix kept"
            out += [_kept("channel_mix", seg, c, prev, "deals", keep) for c in mine]
            continue
        shares = [r / total for r in revenue]
        for c, w, new in zip(mine, shares, round_mix(shares, RATE_DIGITS), strict=True):
            out.append(_share("channel_mix", seg, c, prev, w, new, deals))
    return out


def rates(
    segs: list[str], channels: list[str], cells: dict[tuple[str, str], Cell], prev: Previous
) -> list[Estimate]:
    """Close rates; a cell with leads but no customers takes its channel's pooled rate."""
    out = []
    for c in channels:
        pooled_leads = sum(cells[(s, c)].leads for s in segs)
        pooled_customers = sum(cells[(s, c)].customers for s in segs)
        for s in segs:
            cell = cells[(s, c)]
            own = (cell.leads, cell.customers)
            before = prev[("close_rate", s, c)]
            thin = cell.leads < THIN_LEADS or cell.customers < THIN_CUSTOMERS
            if cell.leads == 0:
                note = "no leads in the window: the plan's value is kept"
                out.append(replace(_kept("close_rate", s, c, prev, "leads", note), own=own))
            elif cell.customers == 0 and pooled_customers == 0:
                note = (
                    f"no customers among {count(cell.leads, 'lead')}, nor in {c} in any segment: "
                    "the plan's value is kept"
                )
                out.append(Estimate("close_rate", s, c, before, before, None, cell.leads,
                                    "leads", None, "plan", note, thin, 0, own=own))  # fmt: skip
            elif cell.customers == 0:
                note = (
                    f"no customers among {count(cell.leads, 'lead')}: the {c} rate over all "
                    f"segments ({pooled_customers}/{pooled_leads})"
                )
                e = _rate(s, c, before, pooled_leads, pooled_customers, "pooled", note)
                out.append(replace(e, own=own, pooled=(pooled_leads, pooled_customers)))
            else:
                e = _rate(s, c, before, cell.leads, cell.customers, "measured", "")
                out.append(replace(e, own=own, thin=e.thin or thin))
    return out


def _rate(s: str, c: str, before: float | None, n: int, k: int, source: str, note: str) -> Estimate:
    """A close rate of k customers among n leads (rounded; at least MIN_RATE)."""
    rate = k / n
    value = round_half_up(rate, RATE_DIGITS)
    if value < MIN_RATE:
        value, source = MIN_RATE, "below_minimum"
        note = (note + "; " if note else "") + (
            f"{rate:.6f} rounds to 0, and the SLA needs a rate > 0: written as {MIN_RATE}"
        )
    return Estimate("close_rate", s, c, before, value, rate, n, "leads", wilson(rate, n), source,
                    note, source == "pooled", k)  # fmt: skip
