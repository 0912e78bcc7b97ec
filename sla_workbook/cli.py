"""The ``sla-workbook`` command line.

Imports only click at start-up; pandas and the engine load inside the commands, so
``--help`` and ``--version`` answer instantly. Every SlaWorkbookError becomes a
one-line message on stderr and its exit code; tracebacks only with ``--debug``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from ._version import __version__
from .errors import SlaWorkbookError

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sla-workbook")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """Lead SLA workbooks for marketing and sales: compute, generate, validate.

    Exit codes: 0 ok, 2 usage error, 3 bad input file, 4 cannot write output,
    70 internal error.
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
    from .engine import compute as run
    from .plan_file import load_plan
    from .render import render

    result = run(load_plan(plan))
    click.echo(render(result, fmt, source=plan), nl=False)
