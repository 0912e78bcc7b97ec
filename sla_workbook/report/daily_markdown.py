"""The daily summary as GitHub-flavoured Markdown, for email and chat.

The tables are the text report's (same cells, same order); with chart file names given
(``-o report.md`` writes the PNGs beside it) the charts are linked as images.
"""

from __future__ import annotations

from .daily import DailyReport
from .daily_charts import chart_titles
from .daily_text import behind_table, sales_table, track_table, ytd_table
from .daily_words import headline, none_behind, period, words, ytd_caption


def _escape(text: str) -> str:
    """A cell's text: pipes and the characters Markdown would read as markup escaped."""
    out = text.replace("\\", "\\\\").replace("|", "\\|")
    for ch in "*_`[]<>":
        out = out.replace(ch, "\\" + ch)
    return out


def md_table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    align = [":---" if i < left else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(report: DailyReport, charts: tuple[str, str] | None = None) -> str:
    """``charts``: the daily and monthly chart files' names, relative to the Markdown file."""
    lang = report.language
    w = words(lang)
    lines = [f"# {w['title']}", "", f"**{_escape(period(report, lang))}**"]
    if report.source:
        lines += ["", _escape(str(w["source"]).format(source=report.source))]
    lines.append("")
    lines += [f"- {_escape(headline(report, team, lang))}" for team in report.teams]
    lines += ["", f"## {w['section_track']}", "", *md_table(*track_table(report, lang))]
    lines += ["", f"## {w['section_behind']}", ""]
    header, body = behind_table(report, lang)
    if body:
        lines += md_table(header, body, left=2)
    else:
        lines.append(_escape(none_behind(report, lang)))
    if report.unranked:
        lines += [
            "",
            _escape(str(w["unranked"]).format(n=report.unranked, label=report.segment_label)),
        ]
    caption = ytd_caption(report, lang)
    caption = caption[:1].upper() + caption[1:]  # a line of its own here
    lines += ["", f"## {w['section_ytd']}", "", _escape(caption), ""]
    lines += md_table(*ytd_table(report, lang))
    if report.sales is not None:
        lines += ["", f"## {w['section_sales']}", "", *md_table(*sales_table(report, lang))]
    lines += ["", f"## {w['section_charts']}", ""]
    if charts is not None:
        daily, monthly = charts
        daily_title, monthly_title = chart_titles(report)
        lines += [
            f"![{_escape(daily_title)}]({daily})",
            "",
            f"![{_escape(monthly_title)}]({monthly})",
        ]
    else:
        lines.append(_escape(str(w["charts_stdout"])))
    lines += ["", _escape(str(w["legend"]))]
    if report.notes:
        lines += ["", f"## {w['section_notes']}", ""]
        lines += [f"{i}. {_escape(t)}" for i, t in enumerate(report.notes.values(), start=1)]
    return "\n".join(lines) + "\n"
