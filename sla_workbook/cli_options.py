"""Checks of `generate` options that click's types cannot express, with option-named errors."""

from __future__ import annotations

import click

from .generator import GenerateOptions
from .plan_file import WILDCARDS


def _name_problem(kind: str, name: str) -> str | None:
    if not name:
        return f"a {kind} name is empty"
    bad = sorted({ch for ch in name if ch in WILDCARDS})
    if bad:
        return f"{kind} {name!r} contains {', '.join(bad)}, which spreadsheets read as wildcards"
    if len(name) > 100:
        return f"{kind} {name[:20]!r}... is longer than 100 characters"
    return None


def _unique(kind: str, names: list[str], option: str) -> None:
    seen: set[str] = set()
    for name in names:
        problem = _name_problem(kind, name)
        if problem:
            raise click.BadParameter(problem, param_hint=option)
        if name.lower() in seen:
            raise click.BadParameter(
                f"{kind} {name!r} is given twice (names match ignoring case)", param_hint=option
            )
        seen.add(name.lower())


def check_generate_options(
    *,
    output: str,
    lang: str,
    year: int | None,
    segments: tuple[str, ...],
    rows: int | None,
    segment_label: str | None,
    channels: tuple[str, ...],
    currency: str,
    log_rows: int,
    plan_path: str | None,
) -> GenerateOptions:
    if not output.lower().endswith(".xlsx"):
        raise click.BadParameter("the workbook must be an .xlsx file", param_hint="OUTPUT")
    if not (len(currency) == 3 and currency.isalpha()):
        raise click.BadParameter(f"{currency!r} is not a 3-letter code", param_hint="--currency")
    if plan_path is not None:
        pairs = (("--year", year), ("--segments", segments or None),
                 ("--segment-label", segment_label), ("--channel", channels or None))  # fmt: skip
        given = [opt for opt, value in pairs if value is not None]
        if given:
            raise click.UsageError(
                f"--plan sets {', '.join(given)}; leave them out or edit the plan"
            )
        from .plan_file import load_plan

        plan = load_plan(plan_path)
        n = max(rows or 0, len(plan.segments))
        return GenerateOptions(lang=lang, rows=n, log_rows=max(log_rows, len(plan.log)),
                               plan=plan, currency=plan.currency)  # fmt: skip
    _unique("segment", list(segments), "--segments")
    parsed: list[tuple[str, str]] = []
    for spec in channels:
        name, sep, team = spec.rpartition("=")
        team = team.strip().lower()
        if not sep or team not in ("marketing", "sales"):
            raise click.BadParameter(f"{spec!r} is not NAME=marketing or NAME=sales",
                                     param_hint="--channel")  # fmt: skip
        parsed.append((name.strip(), team))
    _unique("channel", [n for n, _ in parsed], "--channel")
    if parsed:
        for team in ("marketing", "sales"):
            if team not in {t for _, t in parsed}:
                raise click.BadParameter(f"no {team} channel: every team needs at least one",
                                         param_hint="--channel")  # fmt: skip
        if len(parsed) > 20:
            raise click.BadParameter("at most 20 channels", param_hint="--channel")
    n_rows = rows if rows is not None else max(6, len(segments))
    if n_rows < len(segments):
        raise click.BadParameter(f"{len(segments)} segments need at least {len(segments)} rows",
                                 param_hint="--rows")  # fmt: skip
    if segment_label is not None and not segment_label.strip():
        raise click.BadParameter("must not be empty", param_hint="--segment-label")
    return GenerateOptions(
        lang=lang, year=year, segments=segments, rows=n_rows, segment_label=segment_label,
        channels=tuple(parsed), currency=currency.upper(), log_rows=log_rows,
    )  # fmt: skip
