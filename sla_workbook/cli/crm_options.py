"""The options `import` and `calibrate` share: the export and its map, the workbook to
rewrite, the xlsx sheet, the output format and --force. One definition, so the two
commands cannot drift in names, types or wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _all(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def export_and_map(map_help: str) -> Callable[[F], F]:
    """EXPORT (CSV or xlsx) and --map MAP.yaml."""
    return _all(
        click.argument(
            "export_file", metavar="EXPORT", type=click.Path(dir_okay=True, path_type=str)
        ),
        click.option(
            "--map",
            "map_path",
            required=True,
            type=click.Path(dir_okay=True, path_type=str),
            help=map_help,
        ),
    )


def into_and_out(into_help: str) -> Callable[[F], F]:
    """--into WORKBOOK --out NEW: a filled workbook rewritten into a new file."""
    return _all(
        click.option("--into", type=click.Path(dir_okay=False, path_type=str), help=into_help),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=str),
            help="With --into: the new workbook (.xlsx) to write.",
        ),
    )


def sheet_format_force() -> Callable[[F], F]:
    """--sheet (an xlsx export's sheet), --format text|json, --force."""
    return _all(
        click.option("--sheet", help="For an xlsx export: the sheet to read (default: the first)."),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Replace the output if it exists; with --into, accept losing what cannot be "
            "carried.",
        ),
    )
