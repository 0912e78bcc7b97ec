"""Excel ROUND/ROUNDUP: half away from zero on the 15-digit decimal view, not banker's rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla_workbook.model.rounding import excel_round, excel_roundup


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (2.5, 0, 3.0),  # Python's round(2.5) is 2
        (-2.5, 0, -3.0),  # away from zero, not towards +inf
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.675, 2, 2.68),  # binary 2.67499999...; spreadsheets show and round 2.675
        (1.0000005, 6, 1.000001),  # the SLA's inner ROUND(q, 6) on a half
        (12.0000005, 6, 12.000001),
        (0.1234565, 6, 0.123457),
        (12.0000004999, 6, 12.0),
        (1e-7, 6, 0.0),
        (0.0, 6, 0.0),
        (123456789.5, 0, 123456790.0),
    ],
)
def test_round_matches_excel(x: float, digits: int, expected: float) -> None:
    assert excel_round(x, digits) == expected


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (12.0, 0, 12.0),
        (12.000001, 0, 13.0),
        (12.0000001, 0, 13.0),
        (11.9999999, 0, 12.0),
        (-1.2, 0, -2.0),  # ROUNDUP goes away from zero
        (0.0, 0, 0.0),
        (1.231, 2, 1.24),
        # float noise from a division: 15 significant digits say "12", as spreadsheets do
        (12.000000000000002, 0, 12.0),
    ],
)
def test_roundup_matches_excel(x: float, digits: int, expected: float) -> None:
    assert excel_roundup(x, digits) == expected


def test_nan_stays_blank_and_shape_is_kept() -> None:
    out = excel_round(np.array([[np.nan, 0.5], [1.5, np.inf]]), 0)
    assert out.shape == (2, 2)
    assert np.isnan(out[0, 0]) and out[0, 1] == 1.0 and out[1, 0] == 2.0 and np.isinf(out[1, 1])


def test_negative_digits_are_refused() -> None:
    with pytest.raises(ValueError):
        excel_round(1.0, -1)


decimals = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=8, allow_nan=False
).filter(lambda d: d.is_finite())


@given(decimals, st.integers(min_value=0, max_value=6))
def test_round_equals_decimal_half_up_on_typed_values(d: Decimal, digits: int) -> None:
    # A value a user types (few digits) rounds exactly as decimal arithmetic says.
    expected = float(d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    assert excel_round(float(d), digits) == expected


@given(decimals, st.integers(min_value=0, max_value=6))
def test_roundup_equals_decimal_round_up_on_typed_values(d: Decimal, digits: int) -> None:
    expected = float(d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_UP))
    assert excel_roundup(float(d), digits) == expected


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=6))
def test_half_values_round_away_from_zero(n: int, digits: int) -> None:
    # n + 0.5 at the last digit: the x.5 edge case, both signs.
    d = (Decimal(n) + Decimal("0.5")).scaleb(-digits)
    up = float((Decimal(n) + 1).scaleb(-digits))
    assert excel_round(float(d), digits) == up
    assert excel_round(-float(d), digits) == -up


@pytest.mark.parametrize("x", [2.0**52 + 1, 1e25, 1e30, -1e300, 9007199254740993.0])
def test_huge_values_are_already_whole(x: float) -> None:
    # no decimal-context overflow, and odd values past 2**52 do not gain 1 from y + 0.5
    assert excel_round(x, 6) == x
    assert excel_roundup(x, 6) == x
    assert excel_round(x, 0) == x
