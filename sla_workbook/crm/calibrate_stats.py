"""How sure a calibrated number is, and how it is rounded: intervals and rounding rules.

Plain Python (``math`` and ``decimal``), no SciPy: the package does not depend on it for
two quantile functions, and these are short, standard and tested against SciPy where the
test environment has it (tests/test_calibrate_stats.py).

- **Wilson score interval** for close rates and shares: unlike the textbook
  p +- z*sqrt(p(1-p)/n) it stays inside [0, 1], is not empty at 0 or n successes, and
  covers close to its nominal 95% even for the small n and rates of 1% to 20% a CRM has.
- **Student t interval** for the mean deal amount: the mean of n deals, +- t(0.975, n-1)
  standard errors. Deal amounts are skewed; with few deals the interval is rough, which
  is why fewer than 5 deals is flagged as thin data (docs/spec.md).
- **Rounding** as the plan is written: half away from zero on the decimal value
  (``ROUND`` in a spreadsheet), and a team's mix adjusted on its largest channel so it
  sums to exactly 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from statistics import NormalDist

LEVEL = 0.95
Z = NormalDist().inv_cdf(0.5 + LEVEL / 2)  # 1.959963984540054


def wilson(p: float, n: float, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` observed over ``n`` trials (n > 0).

    ``p`` may be a revenue share rather than a count ratio (marketing share, mix): the
    interval then treats each deal as one trial, which is an approximation, stated in
    docs/spec.md.
    """
    if n <= 0:
        raise ValueError("wilson needs n > 0")
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0))
    low = 0.0 if p <= 0 else max(0.0, centre - half)
    high = 1.0 if p >= 1 else min(1.0, centre + half)
    return low, high


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(q: float, df: float) -> float:
    """The ``q`` quantile (0.5 < q < 1) of Student's t, by bisection on ``t_cdf``."""
    if df == 1:
        return math.tan(math.pi * (q - 0.5))
    if df == 2:
        return (2 * q - 1) / math.sqrt(2 * q * (1 - q))
    lo, hi = 0.0, 2.0 * NormalDist().inv_cdf(q) + 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2


def mean_interval(values: Sequence[float]) -> tuple[float, float] | None:
    """t interval of the mean of ``values``; None below two values (no spread to measure)."""
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_quantile(0.5 + LEVEL / 2, n - 1) * math.sqrt(var / n)
    return mean - half, mean + half


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def round_half_up(x: float, digits: int) -> float:
    """ROUND(x, digits) on the decimal value as written (``repr``): 0.00005 -> 0.0001.

    Exact for any finite float (the context holds its 309 integer digits and more); a
    value that is not finite is returned as it is."""
    if not math.isfinite(x):
        return x
    with localcontext() as ctx:
        ctx.prec = 400
        return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def round_mix(shares: Sequence[float], digits: int = 4) -> list[float]:
    """Shares rounded to ``digits``, the largest one adjusted so they sum to exactly 1.

    Summed in decimal, so the written numbers add up to 1 as a person adds them; as
    floats they sum to 1 within the plan's 6-decimal check (model/rules.py).
    """
    if not shares:
        return []
    step = Decimal(1).scaleb(-digits)
    rounded = [Decimal(repr(s)).quantize(step, rounding=ROUND_HALF_UP) for s in shares]
    largest = max(range(len(shares)), key=lambda i: (shares[i], -i))
    rounded[largest] += Decimal(1) - sum(rounded)
    return [float(r) for r in rounded]
