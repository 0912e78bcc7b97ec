"""Excel's ROUND and ROUNDUP, vectorized.

Python's round() is banker's rounding on the binary value, so round(2.5) == 2 and
round(2.675, 2) == 2.67. Spreadsheets round half away from zero on the value as the
user sees it (15 significant digits): ROUND(2.5, 0) = 3 and ROUND(2.675, 2) = 2.68.
The SLA's leads are ROUNDUP(ROUND(q, 6), 0), so the engine must round exactly as the
spreadsheet programs do or the workbook and the engine disagree by one lead.

The fast path is plain float arithmetic. Only values within a hair of a rounding
boundary, where the binary representation could tip the result, go through
``decimal`` on their 15-significant-digit text, the precision spreadsheets show.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Relative distance to a boundary under which the 15-digit decimal view decides.
_NEAR = 1e-12


def _decimal_path(x: float, digits: int, mode: str) -> float:
    exact = Decimal(format(abs(x), ".15g"))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=mode)
    return float(np.copysign(float(rounded), x))


def _check_digits(digits: int) -> float:
    if digits < 0:
        raise ValueError("negative digits are not supported")
    return float(10.0**digits)


# From 2**52 on every double is a whole number: nothing is left to round (and y + 0.5
# would itself round to even, adding 1 to odd values).
_WHOLE = 2.0**52


def excel_round(x: npt.ArrayLike, digits: int = 0) -> FloatArray:
    """ROUND(x, digits): half away from zero, as Excel, LibreOffice and Gnumeric do."""
    arr = np.asarray(x, dtype=np.float64)
    scale = _check_digits(digits)
    with np.errstate(invalid="ignore", over="ignore"):
        y = np.abs(arr) * scale
        whole = y >= _WHOLE
        out = np.where(whole, arr, np.copysign(np.floor(y + 0.5) / scale, arr))
        frac = y - np.floor(y)
        near = np.isfinite(y) & ~whole & (np.abs(frac - 0.5) <= np.maximum(y, 1.0) * _NEAR)
    if near.any():
        out = np.array(out, dtype=np.float64, copy=True)
        flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
        for i in np.flatnonzero(near.reshape(-1)):
            flat_out[i] = _decimal_path(float(flat_in[i]), digits, ROUND_HALF_UP)
    return np.asarray(out, dtype=np.float64)


def excel_roundup(x: npt.ArrayLike, digits: int = 0) -> FloatArray:
    """ROUNDUP(x, digits): away from zero to the given decimal digits."""
    arr = np.asarray(x, dtype=np.float64)
    scale = _check_digits(digits)
    with np.errstate(invalid="ignore", over="ignore"):
        y = np.abs(arr) * scale
        whole = y >= _WHOLE
        out = np.where(whole, arr, np.copysign(np.ceil(y) / scale, arr))
        dist = np.abs(y - np.rint(y))
        near = np.isfinite(y) & ~whole & (dist > 0) & (dist <= np.maximum(y, 1.0) * _NEAR)
    if near.any():
        out = np.array(out, dtype=np.float64, copy=True)
        flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
        for i in np.flatnonzero(near.reshape(-1)):
            flat_out[i] = _decimal_path(float(flat_in[i]), digits, ROUND_UP)
    return np.asarray(out, dtype=np.float64)
