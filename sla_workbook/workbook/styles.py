"""The workbook's look: one documented style per kind of cell (docs/workbook.md).

Inputs are pale yellow with a blue font and unlocked (the only cells a user can type
in once the sheet is protected); outputs are white; helpers are grey and small. The
currency format comes from ``--currency``.
"""

from __future__ import annotations

from typing import Any

INPUT_FILL = "#FFF2CC"
INPUT_FONT = "#1F4E79"
HEADER_FILL = "#1F4E79"
SECTION_FONT = "#1F4E79"
HELPER_FONT = "#7F7F7F"
TOTAL_FILL = "#DDEBF7"

_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "MXN": "$",
    "BRL": "R$",
    "CAD": "$",
    "AUD": "$",
    "INR": "₹",
    "CNY": "¥",
    "CHF": "CHF ",
}


def currency_format(code: str) -> str:
    symbol = _SYMBOLS.get(code.upper())
    if symbol is None:
        return f'#,##0 "{code.upper()}";-#,##0 "{code.upper()}"'
    return f'"{symbol}"#,##0;-"{symbol}"#,##0'


NUMBER_FORMATS = {
    "text": "@",
    "general": "General",
    "leads": "#,##0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "year": "0",
    "integer": "0",
    "ratio": "0.0",
}


class Styles:
    """Creates XlsxWriter formats on demand and caches them, so each is added once."""

    def __init__(
        self,
        workbook: Any,
        currency: str,
        check: str = '"OK";;"check"',
        elapsed: str = '"yes";;"-"',
        met: str = '"met";"-";"not met"',
    ) -> None:
        self._wb = workbook
        self._cache: dict[tuple[str, str], Any] = {}
        self._numbers = dict(
            NUMBER_FORMATS, money=currency_format(currency), check=check, elapsed=elapsed, met=met
        )

    @property
    def number_formats(self) -> dict[str, str]:
        """Number format strings by key (``money`` is the currency's), for widths.py."""
        return dict(self._numbers)

    def get(self, role: str, number: str = "general") -> Any:
        key = (role, number)
        if key not in self._cache:
            props: dict[str, Any] = {"num_format": self._numbers[number], "font_size": 10}
            props.update(_ROLES[role])
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


_ROLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "font_color": SECTION_FONT, "locked": True},
    "intro": {"italic": True, "font_color": "#404040"},
    "banner": {"bold": True, "font_color": "#9C5700", "bg_color": "#FFEB9C"},
    "section": {
        "bold": True,
        "font_size": 12,
        "font_color": SECTION_FONT,
        "bottom": 2,
        "bottom_color": SECTION_FONT,
    },
    "header": {
        "bold": True,
        "font_color": "#FFFFFF",
        "bg_color": HEADER_FILL,
        "text_wrap": True,
        "valign": "top",
        "border": 1,
        "border_color": "#BFBFBF",
    },
    "label": {"bold": True},
    "input": {
        "bg_color": INPUT_FILL,
        "font_color": INPUT_FONT,
        "locked": False,
        "border": 1,
        "border_color": "#BFBFBF",
    },
    "output": {"border": 1, "border_color": "#D9D9D9"},
    "total": {"bold": True, "bg_color": TOTAL_FILL, "border": 1, "border_color": "#BFBFBF"},
    "helper": {"font_color": HELPER_FONT, "font_size": 8},
}
