"""``sla-workbook calibrate``: a plan's price, share, mix and close rates from CRM history.

Its own module so cli/main.py stays the commands that every user runs; registered there
with ``main.add_command``. The stages load inside the command (pandas, DuckDB, ruamel),
so ``--help`` stays fast. Errors follow import's contract: an input that cannot be read
exits 2, an output that cannot be written 4, a workbook that would lose something 1.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from .crm_options import export_and_map, into_and_out, sheet_format_force
from .main import _friendly, _unreadable_exits_2


def _date(ctx: click.Context, param: click.Parameter, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (write YYYY-MM-DD)") from None


@click.command()
@export_and_map("The map file (YAML), as for import; columns may add amount and customer_date.")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=True, path_type=str),
    help="The plan (YAML or JSON) to calibrate: its segments, channels and targets stay.",
)
@click.option(
    "--as-of",
    "as_of",
    required=True,
    callback=_date,
    metavar="DATE",
    help="The day the history ends (YYYY-MM-DD); the window is the months before it.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=6,
    show_default=True,
    help="Calendar months of history.",
)
@click.option(
    "--cohort-lag",
    "cohort_lag",
    type=click.IntRange(0, 3650),
    default=0,
    show_default=True,
    metavar="DAYS",
    help="Leave the last DAYS of leads out of the close rates (they have not had time).",
)
@click.option(
    "--deals",
    type=click.Path(dir_okay=True, path_type=str),
    help="Salesforce opportunity export (Id, Amount, CloseDate, IsWon), joined on the "
    "leads' ConvertedOpportunityId.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the calibrated plan here (the plan's format: .yaml or .json).",
)
@into_and_out("A filled workbook (.xlsx or .ods) to calibrate instead of --plan (never changed).")
@sheet_format_force()
@_friendly
def calibrate(
    export_file: str,
    map_path: str,
    plan_path: str | None,
    as_of: dt.date,
    months: int,
    cohort_lag: int,
    deals: str | None,
    output: str | None,
    into: str | None,
    out: str | None,
    sheet: str | None,
    fmt: str,
    force: bool,
) -> None:
    """Measure average price, marketing share, channel mix and close rates from a CRM export.

    Writes the plan with them replaced (-o), or a filled workbook (--into, --out), and
    reports per value the sample size, 95% interval and change. Exit 0: written; 1:
    --into would lose something; 2: an input cannot be read. See docs/crm.md.
    """
    from pathlib import Path

    from ..atomic import check_target

    if (into is None) == (plan_path is None):
        raise click.UsageError("give --plan PLAN with -o OUT, or --into WORKBOOK with --out NEW")
    if plan_path is not None and (output is None or out is not None):
        raise click.UsageError("--plan PLAN writes the calibrated plan with -o OUT")
    if into is not None and (out is None or output is not None):
        raise click.UsageError("--into WORKBOOK needs --out NEW (the workbook is never changed)")
    inputs = tuple(Path(p) for p in (export_file, map_path, plan_path, into, deals) if p)
    if cohort_lag >= (as_of - _months_before(as_of, months)).days:
        raise click.BadParameter(
            f"{cohort_lag} days leave nothing of the {months}-month window",
            param_hint="--cohort-lag",
        )
    if output is not None and plan_path is not None:
        from ..crm.calibrate_plan import output_problem

        problem = output_problem(plan_path, output)
        if problem:
            raise click.BadParameter(problem, param_hint="-o")
        check_target(Path(output), force=force, inputs=inputs)
    if out is not None:
        if Path(out).suffix.lower() != ".xlsx":
            raise click.BadParameter("the new workbook is written as .xlsx", param_hint="--out")
        check_target(Path(out), force=force, inputs=inputs)

    from ..crm.calibrate import calibrate as measure

    wb = None
    with _unreadable_exits_2():
        if into is not None:
            from ..reading.reader import read_workbook
            from ..update.recalibrate import check_channels

            wb = read_workbook(into)
            check_channels(wb)
            cal = measure(
                export_file,
                map_path,
                wb.yours.plan,
                as_of=as_of,
                months=months,
                cohort_lag=cohort_lag,
                deals=deals,
                sheet=sheet,
                plan_name=into,
            )
        else:
            assert plan_path is not None
            cal = measure(
                export_file,
                map_path,
                plan_path,
                as_of=as_of,
                months=months,
                cohort_lag=cohort_lag,
                deals=deals,
                sheet=sheet,
            )
    if output is not None:
        from ..crm.calibrate_plan import write_plan

        assert plan_path is not None
        cal = write_plan(cal, plan_path, output, force=force, inputs=inputs)
    else:
        assert into is not None and out is not None and wb is not None
        from ..update.recalibrate import write_calibrated_workbook

        done = write_calibrated_workbook(
            Path(into), Path(out), cal, accept_loss=force, overwrite=force, workbook=wb
        )
        cal = cal.with_output(
            {
                "path": str(done.path),
                "kind": "workbook",
                "values": done.replaced_cells,
                "replaced_formulas": done.replaced_formulas,
                "lost": done.losses,
            }
        )
        for loss in done.losses:
            click.echo(f"warning: not carried over (--force): {loss}", err=True)
    if fmt == "json":
        import json

        click.echo(json.dumps(cal.to_dict(), indent=2, ensure_ascii=False))
    else:
        from ..report.calibration_text import render_calibration

        click.echo(render_calibration(cal), nl=False)
    click.echo(f"wrote {cal.output['path'] if cal.output else ''}", err=True)
    sys.exit(0)


def _months_before(day: dt.date, months: int) -> dt.date:
    from ..crm.calibrate import months_before

    return months_before(day, months)


command: click.Command = calibrate  # what cli/main.py registers
