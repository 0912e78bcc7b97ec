"""``sla-workbook report``: the daily month-to-date summary (docs/report.md).

Only click is imported here; the engine, the reader and the renderers load inside the
command, so ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .main import _friendly

FORMATS = ("text", "markdown", "html", "json")
SUFFIX_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}


@click.command()
@click.argument("source", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Report as of this date (YYYY-MM-DD; default: the tracker's).",
)
@click.option(
    "--month",
    type=click.IntRange(1, 12),
    help="Report this month (1-12; default: the tracker's).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "es"]),
    help="Language (default: the workbook's, else en).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: from -o's extension, else text).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write here instead of stdout (markdown: charts as PNG beside it).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT (and its charts) if it exists.")
@_friendly
def report(
    source: str,
    as_of: dt.datetime | None,
    month: int | None,
    lang: str | None,
    fmt: str | None,
    output: str | None,
    force: bool,
) -> None:
    """Print the daily month-to-date summary of a filled workbook or a plan file.

    SOURCE is a workbook (.xlsx or .ods) or a plan file with its log. --month and
    --as-of change the tracked month for this report only; the file is never written.
    """
    from ..atomic import atomic_write, check_target

    if fmt is None:
        fmt = SUFFIX_FORMATS.get(Path(output).suffix.lower(), "text") if output else "text"
    day = as_of.date() if as_of is not None else None
    if day is not None and month is not None and day.month != month:
        raise click.BadParameter(f"{day} is not in month {month}", param_hint="--as-of")
    inputs = (Path(source),)
    target = Path(output) if output else None
    charts: list[Path] = []
    if target is not None and fmt == "markdown":
        charts = [target.with_name(f"{target.stem}-{kind}.png") for kind in ("daily", "monthly")]
    for path in [target, *charts] if target is not None else []:
        check_target(path, force=force, inputs=inputs)  # now, not after the work
    if fmt == "html" or charts:
        from ..report.daily_charts import require_matplotlib

        require_matplotlib(f"--format {fmt}" + (" -o" if charts else ""))

    from ..model.engine import compute
    from ..report.daily import build, with_period
    from ..report.daily_source import load_source

    plan, language = load_source(source)
    if day is not None and plan.year is not None and day.year != plan.year:
        raise click.BadParameter(f"{day} is not in the plan year {plan.year}", param_hint="--as-of")
    result = compute(with_period(plan, month, day))
    data = build(result, source=source, language=lang or language or "en")
    text = _render(data, fmt, [p.name for p in charts])
    if target is None:
        click.echo(text, nl=False)
        return
    if charts:
        from ..report.daily_charts import daily_chart, monthly_chart

        for path, draw in zip(charts, (daily_chart, monthly_chart), strict=True):
            atomic_write(path, _writer(draw(data, "png")), force=force, inputs=inputs)
            click.echo(f"wrote {path}", err=True)
    atomic_write(target, _writer(text.encode("utf-8")), force=force, inputs=inputs)
    click.echo(f"wrote {target}", err=True)
    sys.stdout.flush()


def _writer(content: bytes) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_bytes(content)

    return write


def _render(data: object, fmt: str, chart_names: list[str]) -> str:
    from ..report.daily import DailyReport

    assert isinstance(data, DailyReport)
    if fmt == "json":
        import json

        return json.dumps(data.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from ..report.daily_markdown import render_markdown

        names = (chart_names[0], chart_names[1]) if chart_names else None
        return render_markdown(data, names)
    if fmt == "html":
        from ..report.daily_charts import daily_chart, monthly_chart
        from ..report.daily_html import render_html

        svgs = (daily_chart(data).decode("utf-8"), monthly_chart(data).decode("utf-8"))
        return render_html(data, svgs)
    from ..report.daily_text import render_text

    return render_text(data)
