"""The daily summary's words and number formats, in English or Spanish.

Texts live in templates/report-<lang>.yaml, as the workbook's live in strings-<lang>.yaml.
Shared by every renderer, so the text, Markdown and HTML reports say the same sentences.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

from ..workbook.templates_dir import template_path

if TYPE_CHECKING:
    from .daily import DailyReport, TrackRow

LANGUAGES = ("en", "es")
# thousands and decimal separators
_SEPARATORS = {"en": (",", "."), "es": (".", ",")}


@cache
def words(lang: str) -> dict[str, Any]:
    import yaml

    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    data: dict[str, Any] = yaml.safe_load(template_path(f"report-{lang}.yaml").read_text("utf-8"))
    return data


def rounded(value: float, digits: int = 0) -> float:
    """Half away from zero, as the spreadsheets round (model/rounding.py)."""
    from ..model.rounding import excel_round

    return float(excel_round(value, digits))


def num(value: float | None, lang: str, digits: int = 0) -> str:
    """A figure as shown: rounded, with the language's separators; blank as "n/a"."""
    if value is None:
        return str(words(lang)["na"])
    thousands, decimal = _SEPARATORS[lang]
    text = f"{rounded(value, digits):,.{digits}f}"
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def pct(value: float | None, lang: str, digits: int = 0) -> str:
    """A ratio as a percent ("97%", or "87.8%" with digits=1); blank as "n/a"."""
    if value is None:
        return str(words(lang)["na"])
    return f"{num(value * 100, lang, digits)}%"


def parse_num(text: str, lang: str) -> float | None:
    """The inverse of num/pct for tests and tools: "1,354" -> 1354.0, "97%" -> 0.97."""
    text = text.strip()
    if text == words(lang)["na"]:
        return None
    thousands, decimal = _SEPARATORS[lang]
    factor = 1.0
    if text.endswith("%"):
        text, factor = text[:-1], 0.01
    return float(text.replace(thousands, "").replace(decimal, ".")) * factor


def team_name(team: str | None, lang: str) -> str:
    w = words(lang)
    return str(w[f"team_{team}"]) if team in ("marketing", "sales") else str(w["na"])


def row_label(row: TrackRow, lang: str) -> str:
    """A channel's own name, a team row as "Total Marketing"."""
    if row.level == "team":
        return str(words(lang)["team_row"]).format(team=team_name(row.name, lang))
    return row.name


def status_word(status: str | None, lang: str) -> str:
    w = words(lang)
    return str(w["na"]) if status is None else str(w["status"][status])


def month_name(month: int | None, lang: str) -> str:
    if month is None:
        return str(words(lang)["na"])
    return str(words(lang)["months"][month - 1])


def date_text(iso: str | None, lang: str) -> str:
    if iso is None:
        return str(words(lang)["na"])
    d = dt.date.fromisoformat(iso)
    if lang == "es":
        return f"{d.day} de {month_name(d.month, lang)} de {d.year}"
    return f"{d.day} {month_name(d.month, lang)} {d.year}"


def note_texts(
    lang: str, codes: list[str], report: DailyReport, typed_asof: dt.date | None = None
) -> dict[str, str]:
    """The notes' texts. ``typed_asof``: the as-of date as the file holds it (the tracker
    drops one outside the tracked month, and "asof-outside" names it)."""
    given = report.as_of or (typed_asof.isoformat() if typed_asof else None)
    asof = date_text(given, lang) if given else ""
    return {code: str(words(lang)["notes"][code]).format(asof=asof) for code in codes}


def note_number(report: DailyReport, code: str) -> int:
    """Footnotes are numbered in the order of report.notes (the spec's order of reasons)."""
    return list(report.notes).index(code) + 1


def marks(report: DailyReport, codes: list[str], fmt: str = "[{}]") -> str:
    """Footnote markers for a row's notes, e.g. " [1][3]"."""
    seen = []
    for code in codes:
        if code in report.notes and code not in seen:
            seen.append(code)
    return (" " + "".join(fmt.format(note_number(report, c)) for c in seen)) if seen else ""


def period(report: DailyReport, lang: str) -> str:
    w = words(lang)
    if report.month is None:
        return str(w["period_none"])
    if report.as_of is None:
        key = "period_outside" if "asof-outside" in report.tracker_notes else "period_blank"
        return str(w[key]).format(
            month=month_name(report.month, lang).capitalize(), year=report.year
        )
    return str(w["period"]).format(
        month=month_name(report.month, lang).capitalize(),
        year=report.year,
        asof=date_text(report.as_of, lang),
        elapsed=report.days_elapsed,
        days=report.days_in_month,
        left=report.days_left,
    )


def headline(report: DailyReport, row: TrackRow, lang: str, fmt: str = "[{}]") -> str:
    """The team's one sentence: MTD of SLA, pace, projection, what it still needs."""
    w = words(lang)
    team = team_name(row.name, lang)
    if row.sla is None or row.mtd is None:
        return str(w["headline_blank"]).format(
            team=team,
            sla=num(row.sla, lang),
            month=month_name(report.month, lang),
            na=w["na"],
            marks=marks(report, row.notes, fmt),
        )
    if row.projected_gap is None:
        gap = str(w["na"])
    elif row.projected_gap < 0:
        gap = str(w["gap_short"]).format(n=num(-row.projected_gap, lang))
    else:
        gap = str(w["gap_over"]).format(n=num(row.projected_gap, lang))
    if row.still_needed == 0:
        needs = str(w["needs_met"])
    elif row.needed_per_day is None:
        needs = str(w["needs_over"])
    elif report.days_left == 1:
        needs = str(w["needs_day"]).format(per_day=num(row.needed_per_day, lang))
    else:
        needs = str(w["needs_days"]).format(
            per_day=num(row.needed_per_day, lang), days=report.days_left
        )
    text = str(w["headline"]).format(
        team=team,
        mtd=num(row.mtd, lang),
        sla=num(row.sla, lang),
        share=pct(row.share, lang),
        pace=pct(row.pace, lang),
        projected=num(row.projected, lang),
        gap=gap,
        needs=needs,
    )
    return text[:-1] + marks(report, row.notes, fmt) + "." if row.notes else text


TRACK_COLUMNS = (
    "col_sla",
    "col_mtd",
    "col_plan",
    "col_pace",
    "col_projected",
    "col_still",
    "col_per_day",
    "col_status",
)


def track_cells(row: TrackRow, lang: str) -> list[str]:
    """The figures of a channel or team row, as shown, in TRACK_COLUMNS order."""
    return [
        num(row.sla, lang),
        num(row.mtd, lang),
        num(row.plan_to_date, lang),
        pct(row.pace, lang),
        num(row.projected, lang),
        num(row.still_needed, lang),
        num(row.needed_per_day, lang),
        status_word(row.status, lang),
    ]


def none_behind(report: DailyReport, lang: str, fmt: str = "[{}]") -> str:
    """What the ranking says when it has no row: nobody is behind, or (tracker blank)
    n/a with the tracker's footnote, since nothing could be ranked."""
    w = words(lang)
    if report.as_of is None:
        return str(w["na"]) + marks(report, report.tracker_notes, fmt)
    return str(w["none_behind"]).format(label=report.segment_label)


def ytd_caption(report: DailyReport, lang: str) -> str:
    w = words(lang)
    if not report.elapsed_months:
        return str(w["ytd_none"])
    if report.elapsed_months == [1]:
        return str(w["ytd_through_one"]).format(
            month=month_name(1, lang), through=date_text(report.elapsed_through, lang)
        )
    return str(w["ytd_through"]).format(
        first=month_name(report.elapsed_months[0], lang),
        last=month_name(report.elapsed_months[-1], lang),
        through=date_text(report.elapsed_through, lang),
    )
