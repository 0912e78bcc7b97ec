"""Shared helpers: small plans written as the plan-file dict, so tests read like plans."""

from __future__ import annotations

import copy
from typing import Any

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
