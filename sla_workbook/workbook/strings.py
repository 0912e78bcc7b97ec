"""Localized workbook texts, kept as data in templates/strings-<lang>.yaml."""

from __future__ import annotations

from functools import cache
from typing import Any

from .templates_dir import template_path

LANGUAGES = ("en", "es")


@cache
def strings(lang: str) -> dict[str, Any]:
    import yaml

    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    text = template_path(f"strings-{lang}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def team_words(lang: str) -> dict[str, str]:
    """What the team cells hold: "Marketing" and "Sales" (Spanish: "Ventas")."""
    s = strings(lang)
    return {"marketing": s["team_marketing"], "sales": s["team_sales"]}
