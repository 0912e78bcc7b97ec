"""The interval and rounding helpers of calibrate (crm/calibrate_stats.py)."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest

from sla_workbook.crm.calibrate_stats import (
    mean_interval,
    median,
    round_half_up,
    round_mix,
    t_quantile,
    wilson,
)


def test_wilson_matches_its_formula_and_stays_in_0_1() -> None:
    # Wilson (1927) for 10 of 100: the textbook value 0.0552 to 0.1744
    lo, hi = wilson(0.1, 100)
    assert (round(lo, 4), round(hi, 4)) == (0.0552, 0.1744)
    assert wilson(0.0, 20)[0] == 0.0 and 0 < wilson(0.0, 20)[1] < 0.2
    assert wilson(1.0, 20)[1] == 1.0 and 0.8 < wilson(1.0, 20)[0] < 1
    with pytest.raises(ValueError):
        wilson(0.5, 0)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 29, 120, 5000])
def test_t_quantile_matches_scipy(df: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    assert t_quantile(0.975, df) == pytest.approx(stats.t.ppf(0.975, df), rel=1e-9)


def test_mean_interval() -> None:
    values = [10.0, 12.0, 9.0, 11.0, 13.0]
    lo, hi = mean_interval(values) or (0, 0)
    sd = math.sqrt(sum((v - 11) ** 2 for v in values) / 4)
    half = 2.7764451051977934 * sd / math.sqrt(5)
    assert lo == pytest.approx(11 - half) and hi == pytest.approx(11 + half)
    assert mean_interval([5.0]) is None
    assert median([3.0, 1.0, 2.0]) == 2.0 and median([4.0, 1.0, 2.0, 3.0]) == 2.5


def test_rounding_is_half_up_and_mixes_sum_to_one() -> None:
    assert round_half_up(0.00005, 4) == 0.0001 and round_half_up(2.675, 2) == 2.68
    assert round_half_up(0.12344999, 4) == 0.1234
    # exact beyond decimal's default 28 digits, and no error on a value that is not finite
    assert round_half_up(1e30, 2) == 1e30 and round_half_up(-1.7e308, 6) == -1.7e308
    assert round_half_up(math.inf, 2) == math.inf and math.isnan(round_half_up(math.nan, 2))
    rng = random.Random(3)
    for _ in range(500):
        k = rng.randint(2, 6)
        raw = [rng.random() for _ in range(k)]
        shares = [r / sum(raw) for r in raw]
        mixed = round_mix(shares)
        assert sum(Decimal(str(m)) for m in mixed) == 1
        big = max(range(k), key=lambda i: shares[i])
        for i in range(k):
            if i != big:
                assert mixed[i] == round_half_up(shares[i], 4)
        assert all(m >= 0 for m in mixed)
    assert round_mix([1 / 3, 1 / 3, 1 / 3]) == [0.3334, 0.3333, 0.3333]
