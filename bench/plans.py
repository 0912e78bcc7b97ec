"""Deterministic benchmark plans: S segments x K channels, C log rows spread over a year."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def bench_plan(segments: int, channels: int, log_rows: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    n_mkt = max(1, channels // 2)
    chans = [
        {"name": f"Channel {i + 1}", "team": "marketing" if i < n_mkt else "sales"}
        for i in range(channels)
    ]
    mkt = [c["name"] for c in chans if c["team"] == "marketing"]
    sal = [c["name"] for c in chans if c["team"] == "sales"]
    segs = []
    for s in range(segments):
        mix = {c: 1 / len(mkt) for c in mkt} | {c: 1 / len(sal) for c in sal}
        segs.append(
            {
                "name": f"Region {s + 1:04d}",
                "avg_price": rng.choice([5000, 8000, 12000, 20000, 35000]),
                "marketing_share": rng.choice([0.4, 0.5, 0.6, 0.7]),
                "targets": [rng.randrange(50, 500) * 1000 for _ in range(12)],
                "close_rate": {c["name"]: rng.choice([0.02, 0.05, 0.08, 0.1, 0.2]) for c in chans},
                "channel_mix": mix,
            }
        )
    start = dt.date(2027, 1, 1)
    log = [
        {
            "date": (start + dt.timedelta(days=rng.randrange(365))).isoformat(),
            "segment": segs[rng.randrange(segments)]["name"],
            "channel": chans[rng.randrange(channels)]["name"],
            "leads": rng.randrange(0, 40),
        }
        for _ in range(log_rows)
    ]
    return {"year": 2027, "channels": chans, "segments": segs, "log": log, "track": {"month": 6}}
