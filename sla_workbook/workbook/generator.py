"""Writes the four-sheet SLA workbook: example targets, example SLA, your targets, your SLA.

Data flows one way: plan -> engine -> frames (sheet_values) -> cells. Positions come
from the layout registry, formula text from formulas.py, looks from styles.py; this
module only puts them together. User text is always written with write_string, so a
segment named "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..atomic import atomic_write
from ..errors import PlanError
from ..model.plan import TEAMS, Plan
from .strings import strings, team_words
from .templates_dir import template_path

if TYPE_CHECKING:
    from .sheet_values import SheetInputs

TEMPLATE_VERSION = "2"  # 2: sales' side of the SLA; 1 is still read and rewritten
# Fixed document timestamps: the same arguments give byte-identical files.
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class GenerateOptions:
    """What ``sla-workbook generate`` takes; the defaults make the blank template."""

    lang: str = "en"
    year: int | None = None
    segments: tuple[str, ...] = ()
    rows: int = 6
    segment_label: str | None = None
    channels: tuple[tuple[str, str], ...] = ()  # (name, team); default one per team
    currency: str = "USD"
    log_rows: int = 1000
    plan: Plan | None = None
    plan_path: str | None = None  # where the plan came from: never overwritten by the output
    track_month: int | None = 1


def option_problems(opts: GenerateOptions) -> list[tuple[str, str]]:
    """(option, problem) pairs; generate() refuses options with any, the CLI names them."""
    from ..model.rules import name_problem, repeats
    from .layout import MAX_CHANNELS, MAX_LOG_ROWS, MAX_SEGMENTS
    from .strings import LANGUAGES

    out: list[tuple[str, str]] = []
    if opts.lang not in LANGUAGES:
        out.append(("--lang", f"{opts.lang!r} is not one of {', '.join(LANGUAGES)}"))
    if opts.year is not None and not 1900 <= opts.year <= 9999:
        out.append(("--year", f"{opts.year} is not a year between 1900 and 9999"))
    if not (len(opts.currency) == 3 and opts.currency.isalpha()):
        out.append(("--currency", f"{opts.currency!r} is not a 3-letter code such as USD"))
    if opts.plan is not None:
        return out  # the plan file was checked when it was loaded
    named = (
        ("segment", "--segments", list(opts.segments)),
        ("channel", "--channel", [n for n, _ in opts.channels]),
    )
    for kind, option, names in named:
        for name in names:
            problem = name_problem(name)
            if problem:
                out.append((option, f"{kind} {name!r} {problem}"))
        for later, _ in repeats(names):
            twice = f"{kind} {names[later]!r} is given twice (names match ignoring case)"
            out.append((option, twice))
    teams = {t for _, t in opts.channels}
    if opts.channels:
        if not teams <= {"marketing", "sales"}:
            out.append(("--channel", "a team must be marketing or sales"))
        for team in ("marketing", "sales"):
            if team not in teams:
                out.append(("--channel", f"no {team} channel: every team needs at least one"))
        if len(opts.channels) > MAX_CHANNELS:
            out.append(("--channel", f"at most {MAX_CHANNELS} channels"))
    if not 1 <= opts.rows <= MAX_SEGMENTS:
        out.append(("--rows", f"must be 1..{MAX_SEGMENTS}"))
    elif opts.rows < len(opts.segments):
        n = len(opts.segments)
        out.append(("--rows", f"{n} segments need at least {n} rows"))
    if not 1 <= opts.log_rows <= MAX_LOG_ROWS:
        out.append(("--log-rows", f"must be 1..{MAX_LOG_ROWS}"))
    return out


def example_plan(lang: str = "en") -> Plan:
    """The plan behind the example sheets (templates/example-plan.yaml), its names and
    segment label in the workbook's language (``example_names`` in the strings file)."""
    import dataclasses

    from ..model.plan_file import load_plan

    plan = load_plan(template_path("example-plan.yaml"))
    text = strings(lang)
    names: dict[str, str] = text.get("example_names") or {}

    def rename(frame: Any, *columns: str) -> Any:
        return frame.assign(
            **{c: frame[c].map(lambda v: names.get(v, v)).astype("string") for c in columns}
        )

    return dataclasses.replace(
        plan,
        segment_label=text["segment_label"],
        segments=rename(plan.segments, "segment"),
        channels=rename(plan.channels, "channel"),
        targets=rename(plan.targets, "segment"),
        channel_inputs=rename(plan.channel_inputs, "segment", "channel"),
        log=rename(plan.log, "segment", "channel"),
    )


def blank_plan(opts: GenerateOptions) -> Plan:
    """Your sheets without --plan: named (or no) segments, every other input empty."""
    import numpy as np

    from .sheet_values import SheetInputs, plan_from_inputs

    words = team_words(opts.lang)
    channels = opts.channels or tuple((words[t], t) for t in TEAMS)
    n, k = len(opts.segments), len(channels)
    inputs = SheetInputs(
        year=opts.year if opts.year is not None else dt.date.today().year,
        names=list(opts.segments),
        targets=np.full((n, 12), np.nan),
        price=np.full(n, np.nan),
        mshare=np.full(n, np.nan),
        channels=[name for name, _ in channels],
        teams=[team for _, team in channels],
        rate=np.full((n, k), np.nan),
        mix=np.full((n, k), np.nan),
        log=[],
        track_month=opts.track_month,
        track_asof=None,
    )
    label = opts.segment_label or strings(opts.lang)["segment_label"]
    return plan_from_inputs(inputs, label, opts.currency)


def generate(path: str | Path, opts: GenerateOptions, *, force: bool = False) -> Path:
    """Write the workbook atomically; refuse to replace an existing file unless ``force``."""
    problems = option_problems(opts)
    if problems:
        raise PlanError("options", [f"{option}: {message}" for option, message in problems])
    inputs = (Path(opts.plan_path),) if opts.plan_path else ()
    return atomic_write(Path(path), lambda tmp: _write(tmp, opts), force=force, inputs=inputs)


@dataclass(frozen=True)
class Filled:
    """Your sheets as a filled workbook holds them, for rewriting it (update/): the inputs
    as the reader sees them, and every input cell as typed (value, formula), which is
    written back as it was, text that is not a number included."""

    inputs: SheetInputs
    typed: dict[tuple[str, int, int], tuple[Any, str | None]]  # (role, row, col)
    label: str
    currency: str
    log_rows: int
    sheet_names: tuple[str, str]  # the pair's two sheets, as the user named them
    widths: dict[tuple[str, int], float]  # (role, column) -> width, carried over
    version: int = 2  # the template version it is rewritten in: the file's own


def write_filled(path: Path, lang: str, filled: dict[str, Filled]) -> None:
    """Write a workbook whose sheet pairs (``ex_``, ``your_``) are ``filled``, as typed
    (no atomic move: the caller's)."""
    _write(path, GenerateOptions(lang=lang, currency=filled["your_"].currency), filled)


def _write(path: Path, opts: GenerateOptions, fills: dict[str, Filled] | None = None) -> None:
    import xlsxwriter

    from ..model.engine import compute
    from .sheet_values import plan_from_inputs
    from .sheet_writer import write_pair
    from .xlsx_fixups import fix_empty_string_results

    lang = strings(opts.lang)
    fills = fills or {}
    filled = fills.get("your_")
    example = example_plan(opts.lang)
    if "ex_" in fills:
        ex = fills["ex_"]
        example = plan_from_inputs(ex.inputs, ex.label, ex.currency)
    if filled is not None:
        yours = plan_from_inputs(filled.inputs, filled.label, filled.currency)
        rows_yours = len(filled.inputs.names)
    else:
        yours = opts.plan if opts.plan is not None else blank_plan(opts)
        rows_yours = max(opts.rows, len(yours.segments))
    currency = yours.currency if opts.plan is not None or filled else opts.currency

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties(
        {
            "title": lang["sla_title"],
            "author": "sla-workbook",
            "company": "",
            "comments": f"Generated by sla-workbook {__version__}",
            "created": FIXED_TIME,
        }
    )
    wb.set_custom_property("sla_workbook_version", __version__)
    version = str(filled.version) if filled is not None else TEMPLATE_VERSION
    wb.set_custom_property("sla_template_version", version)
    wb.set_custom_property("sla_language", opts.lang)
    names = [*fills["ex_"].sheet_names, *filled.sheet_names] if filled else lang["sheets"]
    your_log_rows = filled.log_rows if filled is not None else max(opts.log_rows, len(yours.log))
    ex_rows = len(fills["ex_"].inputs.names) if "ex_" in fills else len(example.segments)
    ex_log = fills["ex_"].log_rows if "ex_" in fills else max(len(example.log) + 50, 200)
    pairs = (
        ("ex_", example, ex_rows, ex_log, names[0:2]),
        ("your_", yours, rows_yours, your_log_rows, names[2:4]),
    )
    sheets = [wb.add_worksheet(n) for n in names]
    for i, (prefix, plan, n_rows, c_rows, (t_name, s_name)) in enumerate(pairs):
        result = compute(plan)
        write_pair(
            wb,
            sheets[2 * i],
            sheets[2 * i + 1],
            prefix=prefix,
            plan=plan,
            result=result,
            n_rows=n_rows,
            log_rows=c_rows,
            lang=opts.lang,
            example=prefix == "ex_",
            currency=currency if prefix == "your_" else example.currency,
            sheet_names=(t_name, s_name),
            filled=fills.get(prefix),
        )
        wb.set_custom_property(f"{prefix}segments", n_rows)
        wb.set_custom_property(f"{prefix}channels", len(plan.channels))
        wb.set_custom_property(f"{prefix}log_rows", c_rows)
        teams = fills[prefix].inputs.teams if prefix in fills else plan.channels["team"]
        wb.set_custom_property(f"{prefix}channel_teams", ",".join(map(str, teams)))
        wb.set_custom_property(f"{prefix}currency", plan.currency)
    sheets[2].activate()
    wb.close()
    fix_empty_string_results(path)
