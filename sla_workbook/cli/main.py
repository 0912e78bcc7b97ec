"""The ``sla-workbook`` command line.

Imports only click at start-up; pandas and the engine load inside the commands, so
``--help`` and ``--version`` answer instantly. Every SlaWorkbookError becomes a
one-line message on stderr and its exit code; tracebacks only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from typing import Any, TypeVar

import click

from .._version import __version__
from ..errors import SlaWorkbookError
from .crm_options import export_and_map, into_and_out, sheet_format_force

F = TypeVar("F", bound=Callable[..., Any])
INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug of ours, not the user's input


def _friendly(func: F) -> F:
    """Turn our errors into messages and exit codes; hide tracebacks unless --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except SlaWorkbookError as exc:
            if debug:
                raise
            for line in str(exc).splitlines():
                click.echo(f"error: {line}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} "
                "(please report it; rerun with --debug for the traceback)",
                err=True,
            )
            sys.exit(INTERNAL_ERROR)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _unreadable_exits_2() -> Iterator[None]:
    """validate's and import's contract: an input that cannot be read exits 2, not 3."""
    from ..errors import InputError

    try:
        yield
    except InputError as exc:
        if click.get_current_context().find_root().params.get("debug"):
            raise
        for line in str(exc).splitlines():
            click.echo(f"error: {line}", err=True)
        sys.exit(2)


class _OneLineErrors(click.Group):
    """Usage errors as one line (``error: ...``), like every other error of the tool."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        standalone = standalone_mode
        try:
            return super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            if not standalone:
                raise
            where = exc.ctx.command_path if exc.ctx else "sla-workbook"
            click.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            if not standalone:
                raise
            click.echo("error: aborted", err=True)
            sys.exit(1)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sla-workbook")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """Lead SLA workbooks for marketing and sales: compute, generate, validate, import.

    Exit codes: 0 ok, 1 validate found errors (import: rows not counted), 2 usage error
    (and, for validate and import, an unreadable input), 3 bad input file, 4 cannot
    write output, 70 internal error.
    """


@main.command()
@click.argument("plan", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@_friendly
def compute(plan: str, fmt: str) -> None:
    """Print the SLA (leads needed per segment, channel and month) of a PLAN file.

    PLAN is a YAML or JSON plan (see docs/plan-file.md).
    """
    from ..model.engine import compute as run
    from ..model.plan_file import load_plan
    from ..report.render import render

    result = run(load_plan(plan))
    click.echo(render(result, fmt, source=plan), nl=False)


def _split_names(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(part.strip() for part in value.split(","))


@main.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--lang",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="Language of sheet names, labels and notes.",
)
@click.option("--year", type=click.IntRange(1900, 9999), help="Plan year (default: this year).")
@click.option("--segments", help='Segment names for your sheets, e.g. "EMEA,APAC,LATAM".')
@click.option(
    "--rows",
    type=click.IntRange(1, 1000),
    default=None,
    help="Segment rows on your sheets (default 6, or as many as named).",
)
@click.option("--segment-label", help='Heading of the segment column (default "Region").')
@click.option(
    "--channel",
    "channels",
    multiple=True,
    metavar="NAME=marketing|sales",
    help="A lead channel and its team; repeat for each (default: one per team).",
)
@click.option("--currency", help="3-letter currency code (default USD).")
@click.option(
    "--log-rows",
    type=click.IntRange(1, 100_000),
    default=1000,
    show_default=True,
    help="Rows of the lead log on your SLA sheet.",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=True, path_type=str),
    help="Fill your sheets from a plan file (as for `compute`).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@_friendly
def generate(
    output: str,
    lang: str,
    year: int | None,
    segments: str | None,
    rows: int | None,
    segment_label: str | None,
    channels: tuple[str, ...],
    currency: str | None,
    log_rows: int,
    plan_path: str | None,
    force: bool,
) -> None:
    """Write the four-sheet SLA workbook (example targets, example SLA, yours) to OUTPUT.

    Without --plan your sheets are ready to type in; with --plan they are filled.
    The same arguments always produce a byte-identical file.
    """
    from ..workbook.generator import generate as write
    from .options import check_generate_options

    opts = check_generate_options(
        output=output,
        lang=lang,
        year=year,
        segments=_split_names(segments),
        rows=rows,
        segment_label=segment_label,
        channels=channels,
        currency=currency,
        log_rows=log_rows,
        plan_path=plan_path,
    )
    path = write(output, opts, force=force)
    click.echo(f"wrote {path}", err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option(
    "--sheets",
    type=click.Choice(["yours", "examples", "all"]),
    default="yours",
    show_default=True,
    help="Which sheet pair to check.",
)
@_friendly
def validate(file: str, fmt: str, strict: bool, sheets: str) -> None:
    """Check a filled workbook cell by cell: inputs, formulas and stored values.

    Exit 0: no errors (warnings allowed unless --strict); 1: errors found;
    2: the file could not be read as an SLA workbook.
    """
    import json

    from ..checking.validator import validate_workbook
    from ..reading.reader import read_workbook
    from ..report.validation_text import render_report

    with _unreadable_exits_2():
        wb = read_workbook(file)
    report = validate_workbook(wb, sheets)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_report(report, wb), nl=False)
    failed = not report.valid or (strict and report.warnings > 0)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--to",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Folder to write the frames into (created if missing).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--sheets", type=click.Choice(["yours", "examples", "all"]), default="yours", show_default=True
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@_friendly
def export(file: str, out_dir: str, fmt: str, sheets: str, force: bool) -> None:
    """Write a workbook's inputs, lead log and stored outputs as one file per frame."""
    from ..reading.reader import read_workbook
    from ..report.exporter import export_workbook

    for path in export_workbook(read_workbook(file), out_dir, fmt, sheets, force=force):
        click.echo(f"wrote {path}", err=True)


@main.command("import")
@export_and_map("The map file (YAML): preset, columns, time zone, CRM values -> plan names.")
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    help="The plan year: only its dates count (default: every dated row).",
)
@click.option(
    "--to",
    "to",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the lead log here as CSV (date,segment,channel,leads[,worked,attempts]).",
)
@into_and_out("A filled workbook (.xlsx or .ods) whose lead log takes the import (never changed).")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=True, path_type=str),
    help="With --to: the plan the log is for (its year, names and follow-up hours).",
)
@sheet_format_force()
@_friendly
def import_(
    export_file: str,
    map_path: str,
    year: int | None,
    to: str | None,
    into: str | None,
    out: str | None,
    plan_path: str | None,
    sheet: str | None,
    fmt: str,
    force: bool,
) -> None:
    """Turn a CRM export (CSV or xlsx) into the daily lead log, every row accounted for.

    Exit 0: every row counted (or outside --year); 1: some rows not counted (values
    not mapped, no date...), the log is still written; 2: the export or the map cannot
    be read. See docs/crm.md.
    """
    import json
    from pathlib import Path

    from ..atomic import check_target
    from ..crm.log_import import import_log, write_log

    if into is not None or out is not None:
        if to is not None:
            raise click.UsageError("give --to LOG.csv or --into WORKBOOK --out NEW, not both")
        if into is None or out is None:
            raise click.UsageError(
                "--into WORKBOOK needs --out NEW (the workbook is never changed)"
            )
        if plan_path is not None:
            raise click.UsageError("--plan is for --to; with --into the workbook is the plan")
        _import_into(export_file, map_path, year, into, out, sheet, fmt, force)
        return
    if to is None:
        raise click.UsageError("give --to LOG.csv, or --into WORKBOOK --out NEW")
    inputs = (Path(export_file), Path(map_path)) + ((Path(plan_path),) if plan_path else ())
    target = Path(to)
    check_target(target, force=force, inputs=inputs)  # now, not after a long import
    names: tuple[list[str], list[str]] | None = None
    hours: dict[str, float | None] | None = None
    if plan_path is not None:
        from ..model.plan_file import load_plan

        plan = load_plan(plan_path)
        if year is not None and plan.year is not None and year != plan.year:
            raise click.BadParameter(
                f"{year} is not the plan's year {plan.year}", param_hint="--year"
            )
        year = plan.year if year is None else year
        names, hours = _plan_names(plan), _followup_hours(plan)
    with _unreadable_exits_2():
        result = import_log(
            export_file, map_path, year=year, sheet=sheet, plan_names=names, followup_hours=hours
        )
    path = write_log(result.rows, target, force=force, inputs=inputs)
    if fmt == "json":
        click.echo(json.dumps(result.summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        from ..report.import_text import render_import_summary

        click.echo(render_import_summary(result.summary, map_path), nl=False)
    click.echo(f"wrote {path}", err=True)
    sys.exit(0 if result.summary.ok else 1)


V1_NOTE = (
    "follow-up not written: a template version 1 workbook has no follow-up hours and its "
    "log no worked/attempts columns (generate a new workbook to track them)"
)


def _plan_names(plan: Any) -> tuple[list[str], list[str]]:
    return list(plan.segment_names), [str(c) for c in plan.channels["channel"]]


def _followup_hours(plan: Any) -> dict[str, float | None]:
    """Plan channel -> follow-up hours H (None: not agreed); {} when the plan (a template
    version 1 workbook) has no follow-up inputs."""
    import pandas as pd

    frame = plan.channels
    if "followup_hours" not in frame.columns:
        return {}
    return {
        str(c): (None if pd.isna(h) else float(h))
        for c, h in zip(frame["channel"], frame["followup_hours"], strict=True)
        if isinstance(c, str)
    }


def _import_into(
    export_file: str,
    map_path: str,
    year: int | None,
    into: str,
    out: str,
    sheet: str | None,
    fmt: str,
    force: bool,
) -> None:
    """import --into: the export merged into a filled workbook's log, written as NEW."""
    import json
    from pathlib import Path

    from ..atomic import check_target
    from ..crm.log_import import import_log
    from ..errors import InputError
    from ..reading.reader import read_workbook
    from ..update.refill import refill_log

    target = Path(out)
    if target.suffix.lower() != ".xlsx":
        raise click.BadParameter("the new workbook is written as .xlsx", param_hint="--out")
    check_target(target, force=force, inputs=(Path(export_file), Path(map_path), Path(into)))
    with _unreadable_exits_2():
        wb = read_workbook(into)
        plan = wb.yours.plan
        if plan.year is None:
            raise InputError(f"{into}: the plan year of your sheets is missing or invalid")
        if year is not None and year != plan.year:
            raise click.BadParameter(
                f"{year} is not the workbook's year {plan.year}", param_hint="--year"
            )
        version2 = "log_worked" in wb.yours.layout.blocks
        result = import_log(
            export_file,
            map_path,
            year=plan.year,
            sheet=sheet,
            plan_names=_plan_names(plan),
            followup_hours=_followup_hours(plan) if version2 else None,
        )
    refill = refill_log(
        Path(into), target, result.log, accept_loss=force, overwrite=force, workbook=wb
    )
    summary = result.summary.to_dict()
    summary["workbook"] = {
        "path": str(refill.path),
        "log_rows": refill.log_rows,
        "replaced_rows": refill.replaced_rows,
        "lost": refill.losses,
        "followup_written": version2,
    }
    if not version2:
        summary["workbook"]["followup_note"] = V1_NOTE
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        from ..report.import_text import render_import_summary

        click.echo(render_import_summary(result.summary, map_path), nl=False)
        click.echo(
            f"workbook: {refill.log_rows} log rows ({refill.replaced_rows} typed rows "
            "replaced by imported counts)"
        )
        if not version2:
            click.echo(f"workbook: {V1_NOTE}")
    for loss in refill.losses:
        click.echo(f"warning: not carried over (--force): {loss}", err=True)
    click.echo(f"wrote {refill.path}", err=True)
    sys.exit(0 if result.summary.ok else 1)


from .report_cmd import report as _report  # noqa: E402  (it uses _friendly, defined above)

main.add_command(_report)

from . import calibrate_cmd  # noqa: E402  (uses _friendly too)

main.add_command(calibrate_cmd.command)
