"""The daily summary's two charts, drawn by matplotlib (the optional ``report`` extra).

matplotlib is imported only when a chart is drawn, with the Agg/SVG canvases of a
``Figure`` (no pyplot, no display, no global figure state). Files are reproducible: no
dates in the metadata, fixed SVG ids.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ..errors import SlaWorkbookError
from .daily_words import month_name, team_name, words

if TYPE_CHECKING:
    from .daily import DailyReport

INSTALL_HINT = "pip install 'sla-workbook[report]'"
COLORS = {"marketing": "#1f5fa8", "sales": "#d9822b"}
LIGHT = {"marketing": "#a9c4e6", "sales": "#f2c9a0"}


class ChartsUnavailable(SlaWorkbookError):
    """A format with charts was asked for, but matplotlib is not installed."""

    exit_code = 2


def require_matplotlib(what: str) -> None:
    """ChartsUnavailable (one line, what to install) unless matplotlib imports."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ChartsUnavailable(
            f"{what} draws charts with matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None


def _figure(width: float, height: float) -> Any:
    require_matplotlib("the report")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def _style(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # leads are whole: no 0.05 ticks
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)


def _save(fig: Any, fmt: str, salt: str) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    rc: dict[str, Any] = {"svg.hashsalt": salt, "svg.fonttype": "none", "font.size": 8}
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()


def daily_chart(report: DailyReport, fmt: str = "svg") -> bytes:
    """Cumulative leads by day of the tracked month per team, against each plan line."""
    lang = report.language
    w = words(lang)
    fig = _figure(6.4, 3.0)
    ax = fig.add_subplot()
    _style(ax)
    drawn = False
    for series in report.series:
        if not series.daily_plan:
            continue
        drawn = True
        days = list(range(1, len(series.daily_plan) + 1))
        team = team_name(series.team, lang)
        color = COLORS[series.team]
        planned = [(d, v) for d, v in zip(days, series.daily_plan, strict=True) if v is not None]
        ax.plot(
            [d for d, _ in planned],
            [v for _, v in planned],
            linestyle="--",
            linewidth=1.2,
            color=color,
            label=str(w["chart_plan"]).format(team=team),
        )
        shown = [(d, v) for d, v in zip(days, series.daily_actual, strict=True) if v is not None]
        ax.plot(
            [d for d, _ in shown],
            [v for _, v in shown],
            linewidth=2.2,
            color=color,
            marker="o",
            markersize=2.5,
            label=str(w["chart_actual"]).format(team=team),
        )
    if drawn and report.days_elapsed:
        ax.axvline(report.days_elapsed, color="#888888", linewidth=0.8, linestyle=":")
        ax.set_xlim(1, report.days_in_month)
    if not drawn:
        ax.text(0.5, 0.5, str(w["na"]), ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(chart_titles(report)[0], fontsize=9, loc="left", pad=16)
    ax.set_xlabel(str(w["chart_day"]), fontsize=8)
    ax.set_ylabel(str(w["chart_leads"]), fontsize=8)
    ax.set_ylim(bottom=0)
    if drawn:
        _legend(ax)
    return _scalable(_save(fig, fmt, "daily"), fmt)


def monthly_chart(report: DailyReport, fmt: str = "svg") -> bytes:
    """Per team: the SLA of each month (bars) and the actual leads of the months so far."""
    lang = report.language
    w = words(lang)
    fig = _figure(6.4, 3.0)
    ax = fig.add_subplot()
    _style(ax)
    months = list(range(1, 13))
    width = 0.38
    for i, series in enumerate(report.series):
        team = team_name(series.team, lang)
        offset = (i - 0.5) * width
        ax.bar(
            [m + offset for m in months],
            series.monthly_sla,
            width=width,
            color=LIGHT[series.team],
            label=str(w["chart_sla"]).format(team=team),
        )
        shown = [
            (m, v) for m, v in zip(months, series.monthly_actual, strict=True) if v is not None
        ]
        if not shown:  # no month has happened: no bars, and no legend entry in a default colour
            continue
        ax.bar(
            [m + offset for m, _ in shown],
            [v for _, v in shown],
            width=width * 0.5,
            color=COLORS[series.team],
            label=str(w["chart_actual"]).format(team=team),
        )
    ax.set_xticks(months, [str(w["months_short"][m - 1]) for m in months])
    if report.month is not None:
        ax.get_xticklabels()[report.month - 1].set_fontweight("bold")
    ax.set_title(chart_titles(report)[1], fontsize=9, loc="left", pad=16)
    ax.set_ylabel(str(w["chart_leads"]), fontsize=8)
    ax.set_ylim(0, max(ax.get_ylim()[1], 1.0))  # all zero: 0..1, not 0..0.05
    _legend(ax)
    return _scalable(_save(fig, fmt, "monthly"), fmt)


def _legend(ax: Any) -> None:
    """Above the plot, right of the title: never over the lines or bars."""
    ax.legend(
        fontsize=7,
        frameon=False,
        ncols=2,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        borderaxespad=0.2,
        handlelength=1.6,
        columnspacing=1.0,
    )


def _scalable(data: bytes, fmt: str) -> bytes:
    """An SVG without fixed width/height (its viewBox kept), so CSS sizes it."""
    if fmt != "svg":
        return data
    text = data.decode("utf-8")
    text = re.sub(r"<svg([^>]*?) width=\"[^\"]+\" height=\"[^\"]+\"", r"<svg\1", text, count=1)
    return text.encode("utf-8")


def chart_titles(report: DailyReport) -> tuple[str, str]:
    """The daily and the monthly chart's titles (also the Markdown images' alt texts)."""
    w = words(report.language)
    daily = str(w["chart_daily"]).format(month=month_name(report.month, report.language))
    monthly = str(w["chart_monthly"]).format(year=report.year if report.year else "")
    return daily, monthly.rstrip(", ")
