"""Writes the four-sheet SLA workbook: example targets, example SLA, your targets, your SLA.

Data flows one way: plan -> engine -> frames (sheet_values) -> cells. Positions come
from the layout registry, formula text from formulas.py, looks from styles.py; this
module only puts them together. User text is always written with write_string, so a
segment named "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path

from ._version import __version__
from .errors import OutputError
from .model import TEAMS, Plan
from .strings import strings, team_words

TEMPLATE_VERSION = "1"
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
    track_month: int | None = 1
    extra: dict[str, str] = field(default_factory=dict)


def example_plan() -> Plan:
    """The plan behind the example sheets (templates/example-plan.yaml)."""
    from .plan_file import load_plan

    with as_file(files("sla_workbook.templates").joinpath("example-plan.yaml")) as path:
        return load_plan(path)


def blank_plan(opts: GenerateOptions) -> Plan:
    """Your sheets without --plan: named (or no) segments, empty inputs."""
    import pandas as pd

    from .plan_file import parse_plan

    words = team_words(opts.lang)
    channels = opts.channels or tuple((words[t], t) for t in TEAMS)
    year = opts.year if opts.year is not None else dt.date.today().year
    seed = parse_plan(
        {
            "year": year,
            "channels": [{"name": n, "team": t} for n, t in channels],
            "segments": [
                {
                    "name": "seed",
                    "avg_price": 1,
                    "marketing_share": 0.5,
                    "targets": [0] * 12,
                    "close_rate": {n: 1 for n, _ in channels},
                    "channel_mix": {
                        n: 1 / sum(1 for _, u in channels if u == t) for n, t in channels
                    },
                }
            ],
        },
        "options",
    )
    names = list(opts.segments)
    na = pd.array([None] * len(names), dtype="Float64")
    ch_names = [n for n, _ in channels]
    return Plan(
        year=year,
        segments=pd.DataFrame({"segment": pd.array(names, dtype="string"), "avg_price": na,
                               "marketing_share": na}),
        channels=seed.channels,
        targets=pd.DataFrame({
            "segment": pd.array([n for n in names for _ in range(12)], dtype="string"),
            "month": pd.array(list(range(1, 13)) * len(names), dtype="Int8"),
            "target": pd.array([None] * 12 * len(names), dtype="Float64"),
        }),
        channel_inputs=pd.DataFrame({
            "segment": pd.array([n for n in names for _ in ch_names], dtype="string"),
            "channel": pd.array(ch_names * len(names), dtype="string"),
            "close_rate": pd.array([None] * len(names) * len(ch_names), dtype="Float64"),
            "mix": pd.array([None] * len(names) * len(ch_names), dtype="Float64"),
        }),
        track_month=opts.track_month,
        segment_label=opts.segment_label or strings(opts.lang)["segment_label"],
        currency=opts.currency,
    )  # fmt: skip


def generate(path: str | Path, opts: GenerateOptions, *, force: bool = False) -> Path:
    """Write the workbook atomically; refuse to replace an existing file unless ``force``."""
    out = Path(path)
    if out.exists() and not force:
        raise OutputError(f"{out}: already exists (use --force to replace it)")
    if out.is_dir():
        raise OutputError(f"{out}: is a directory")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{out}: folder {folder} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".sla-", suffix=".xlsx", dir=folder)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write in {folder} ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write(tmp, opts)
        if force:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)  # fails if the file appeared meanwhile: never clobber
            except FileExistsError:
                raise OutputError(f"{out}: already exists (use --force to replace it)") from None
            except OSError:
                os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _write(path: Path, opts: GenerateOptions) -> None:
    import xlsxwriter

    from .engine import compute
    from .sheet_writer import write_pair
    from .xlsx_fixups import fix_empty_string_results

    lang = strings(opts.lang)
    example = example_plan()
    yours = opts.plan if opts.plan is not None else blank_plan(opts)
    rows_yours = max(opts.rows, len(yours.segments))
    currency = yours.currency if opts.plan is not None else opts.currency

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({
        "title": lang["sla_title"], "author": "sla-workbook", "company": "",
        "comments": f"Generated by sla-workbook {__version__}", "created": FIXED_TIME,
    })  # fmt: skip
    wb.set_custom_property("sla_workbook_version", __version__)
    wb.set_custom_property("sla_template_version", TEMPLATE_VERSION)
    wb.set_custom_property("sla_language", opts.lang)
    names = lang["sheets"]
    pairs = (
        ("ex_", example, len(example.segments), max(len(example.log) + 50, 200), names[0:2]),
        ("your_", yours, rows_yours, max(opts.log_rows, len(yours.log)), names[2:4]),
    )
    sheets = [wb.add_worksheet(n) for n in names]
    for i, (prefix, plan, n_rows, c_rows, (t_name, s_name)) in enumerate(pairs):
        result = compute(plan)
        write_pair(
            wb, sheets[2 * i], sheets[2 * i + 1], prefix=prefix, plan=plan, result=result,
            n_rows=n_rows, log_rows=c_rows, lang=opts.lang, example=prefix == "ex_",
            currency=currency if prefix == "your_" else example.currency,
            sheet_names=(t_name, s_name),
        )  # fmt: skip
        wb.set_custom_property(f"{prefix}segments", n_rows)
        wb.set_custom_property(f"{prefix}channels", len(plan.channels))
        wb.set_custom_property(f"{prefix}log_rows", c_rows)
        wb.set_custom_property(f"{prefix}channel_teams", ",".join(map(str, plan.channels["team"])))
    sheets[2].activate()
    wb.close()
    fix_empty_string_results(path)
