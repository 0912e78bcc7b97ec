"""`generate` options from the command line: parse what click cannot, refuse conflicts,
and report the generator's own option checks as usage errors naming the option."""

from __future__ import annotations

import click

from ..workbook.generator import GenerateOptions, option_problems


def _channels(specs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    parsed = []
    for spec in specs:
        name, sep, team = spec.rpartition("=")
        team = team.strip().lower()
        if not sep or team not in ("marketing", "sales"):
            raise click.BadParameter(
                f"{spec!r} is not NAME=marketing or NAME=sales", param_hint="--channel"
            )
        parsed.append((name.strip(), team))
    return tuple(parsed)


def check_generate_options(
    *,
    output: str,
    lang: str,
    year: int | None,
    segments: tuple[str, ...],
    rows: int | None,
    segment_label: str | None,
    channels: tuple[str, ...],
    currency: str | None,
    log_rows: int,
    plan_path: str | None,
) -> GenerateOptions:
    if not output.lower().endswith(".xlsx"):
        raise click.BadParameter("the workbook must be an .xlsx file", param_hint="OUTPUT")
    if plan_path is not None:
        given = [
            option
            for option, value in (
                ("--year", year),
                ("--segments", segments or None),
                ("--segment-label", segment_label),
                ("--channel", channels or None),
                ("--currency", currency),
            )
            if value is not None
        ]
        if given:
            raise click.UsageError(
                f"--plan sets {', '.join(given)}; leave them out or edit the plan"
            )
        from ..model.plan_file import load_plan

        plan = load_plan(plan_path)
        opts = GenerateOptions(
            lang=lang,
            rows=max(rows or 0, len(plan.segments)),
            log_rows=max(log_rows, len(plan.log)),
            plan=plan,
            plan_path=plan_path,
            currency=plan.currency,
        )
    else:
        if segment_label is not None and not segment_label.strip():
            raise click.BadParameter("must not be empty", param_hint="--segment-label")
        opts = GenerateOptions(
            lang=lang,
            year=year,
            segments=segments,
            rows=rows if rows is not None else (len(segments) or 6),
            segment_label=segment_label,
            channels=_channels(channels),
            currency=(currency or "USD").upper(),
            log_rows=log_rows,
        )
    problems = option_problems(opts)
    if problems:
        option, message = problems[0]
        raise click.BadParameter(message, param_hint=option)
    return opts
