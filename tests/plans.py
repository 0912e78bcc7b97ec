"""Shared helpers: small plans written as the plan-file dict, so tests read like plans."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import strategies as st

BASE: dict[str, Any] = {
    "year": 2027,
    "channels": [
        {"name": "Marketing", "team": "marketing"},
        {"name": "Sales", "team": "sales"},
    ],
    "segments": [
        {
            "name": "North",
            "avg_price": 10000,
            "marketing_share": 0.6,
            "targets": [100000] + [0] * 11,
            "close_rate": {"Marketing": 0.05, "Sales": 0.2},
        }
    ],
}


def plan_dict(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


money = st.one_of(
    st.just(0.0),
    st.integers(min_value=0, max_value=10_000_000).map(float),
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
)
price = st.one_of(
    st.integers(min_value=1, max_value=500_000).map(float),
    st.floats(min_value=0.01, max_value=1e6, allow_nan=False),
)
share = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(min_value=0, max_value=1))
rate = st.one_of(
    st.sampled_from([1.0, 1e-4, 0.05, 0.1, 0.03]),
    st.floats(min_value=1e-4, max_value=1.0),
)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    n_mkt = draw(st.integers(1, 3))
    n_sales = draw(st.integers(1, 2))
    channels = [{"name": f"M{i}", "team": "marketing"} for i in range(n_mkt)] + [
        {"name": f"S{i}", "team": "sales"} for i in range(n_sales)
    ]
    segments = []
    for s in range(draw(st.integers(1, 4))):
        mix: dict[str, float] = {}
        for prefix, n in (("M", n_mkt), ("S", n_sales)):
            weights = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
            mix.update({f"{prefix}{i}": w / sum(weights) for i, w in enumerate(weights)})
        segments.append(
            {
                "name": f"Seg {s}",
                "avg_price": draw(price),
                "marketing_share": draw(share),
                "targets": draw(st.lists(money, min_size=12, max_size=12)),
                "close_rate": {c["name"]: draw(rate) for c in channels},
                "channel_mix": mix,
            }
        )
    return {"year": 2027, "channels": channels, "segments": segments}


TRICKY_NAMES = [
    "=1+1",
    "@SUM(A1)",
    "+Nordics",
    "-LATAM",
    '=HYPERLINK("http://x","y")',
    "Émea Sud",
    "North America",
    "APAC",
    "'quoted",
    "A & B",
]


@st.composite
def plans_with_log(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan with tricky segment names, a lead log and a tracked month."""
    data = draw(plans())
    names = draw(
        st.lists(
            st.sampled_from(TRICKY_NAMES),
            min_size=len(data["segments"]),
            max_size=len(data["segments"]),
            unique=True,
        )
    )
    for seg, name in zip(data["segments"], names, strict=True):
        seg["name"] = name
    channels = [c["name"] for c in data["channels"]]
    log = []
    for _ in range(draw(st.integers(0, 25))):
        day = draw(st.dates(dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 31)))
        seg = draw(st.sampled_from(names))
        log.append(
            {
                "date": day.isoformat(),
                "segment": draw(st.sampled_from([seg, seg.upper(), seg.lower()])),
                "channel": draw(st.sampled_from(channels)),
                "leads": draw(st.integers(0, 500)),
            }
        )
    data["log"] = log
    month = draw(st.integers(1, 12))
    data["track"] = {"month": month}
    if draw(st.booleans()):
        last = (dt.date(data["year"] + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        data["track"]["asof"] = dt.date(data["year"], month, draw(st.integers(1, last))).isoformat()
    return data


@st.composite
def plans_with_followup(draw: st.DrawFn) -> dict[str, Any]:
    """plans_with_log plus sales' side: per channel follow-up inputs (agreed, partly or not
    at all) and per log row worked / attempts (or not recorded). Drawn last, so the plans
    drawn before stay the same."""
    data = draw(plans_with_log())
    for channel in data["channels"]:
        kind = draw(st.sampled_from(["agreed", "agreed", "none", "hours only", "attempts only"]))
        if kind in ("agreed", "hours only"):
            channel["followup_hours"] = draw(st.sampled_from([1, 24, 48, 0.5, 72.25]))
        if kind == "agreed":
            channel["followup_target"] = draw(share)
        if kind in ("agreed", "attempts only"):
            channel["attempts_target"] = draw(st.integers(1, 12))
    for row in data["log"]:
        if draw(st.integers(0, 4)):
            row["worked"] = draw(st.integers(0, row["leads"]))
        if draw(st.integers(0, 4)):
            row["attempts"] = draw(st.integers(0, 20 * max(row["leads"], 1)))
    return data
