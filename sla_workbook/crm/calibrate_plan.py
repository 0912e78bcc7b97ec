"""The user's plan file with the calibrated inputs replaced, and nothing else changed.

YAML plans are edited with ruamel.yaml's round trip, not re-dumped from the parsed data:
the user's comments, key order, quoting, flow lists (the 12 targets on one line) and the
log stay as written, and each replaced value gets an end-of-line comment with its sample
size, 95% interval and the value it replaced (``# calibrated 2028-01-01 (was 0.0500):
10/43 leads, 95% CI 0.1315 to 0.3774``). A user's own comment on that line is kept
after ours, behind ``--``; on a second calibration our part is replaced, theirs kept.
A ``close_rate`` or ``channel_mix`` written as a one-line mapping becomes one line per
channel, the only way a comment can sit beside each value.

JSON has no comments: a JSON plan is written back as JSON (same key order, 2-space
indent) with the values replaced, and the report carries the sample sizes and intervals.

The text written is parsed again as a plan before it is moved into place, so a
calibrated plan that ``load_plan`` would refuse is never written.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputError
from .calibrate import Calibration
from .calibrate_values import PRICE_DIGITS, RATE_DIGITS, Estimate

MARK = "calibrated"
YAML_SUFFIXES = (".yaml", ".yml")
COMMENT_AT = 28  # "marketing_share: 0.1234" and room to spare
CHANNEL_COMMENT_AT = 24


def plan_kind(path: str | Path) -> str:
    """ "json" or "yaml", as load_plan reads the file (by its suffix)."""
    return "json" if Path(path).suffix.lower() == ".json" else "yaml"


def output_problem(plan_path: str | Path, out: str | Path) -> str | None:
    """Why ``out`` cannot hold the calibrated ``plan_path`` (a different kind), or None."""
    kind, suffix = plan_kind(plan_path), Path(out).suffix.lower()
    if kind == "json" and suffix != ".json":
        return f"the plan is JSON: write the calibrated plan as .json, not {suffix or 'no suffix'}"
    if kind == "yaml" and suffix not in YAML_SUFFIXES:
        return f"the plan is YAML: write the calibrated plan as .yaml, not {suffix or 'no suffix'}"
    return None


def _number(e: Estimate) -> float | int | None:
    if e.value is None:
        return None
    if e.field == "avg_price" and float(e.value).is_integer():
        return int(e.value)
    return e.value


def _fmt(x: float, field: str) -> str:
    digits = PRICE_DIGITS if field == "avg_price" else RATE_DIGITS
    return f"{x:.{digits}f}"


def describe(e: Estimate, as_of: str) -> str:
    """The comment beside a value: how many, the interval, and any fallback."""
    if e.field == "close_rate" and e.source != "plan":
        sample = f"{e.successes}/{e.n} leads"
    else:
        sample = f"n={e.n} {e.unit}"
    parts = []
    if e.source == "plan":
        parts.append("kept (" + (e.note.split(":")[0] if e.note else "no data") + ")")
    else:
        if e.pooled is not None and e.own is not None:  # the pool's n; and this cell's own
            sample = f"pooled over segments, {sample} (here {e.own[1]}/{e.own[0]} leads)"
        parts.append(sample)
        if e.median is not None:
            parts.append(f"median {_fmt(e.median, e.field)}")
        if e.interval is not None:
            lo, hi = e.interval
            parts.append(f"95% CI {_fmt(lo, e.field)} to {_fmt(hi, e.field)}")
        if e.source == "below_minimum":
            parts.append(f"raised to {_fmt(e.value or 0, e.field)}")
        if e.thin:
            parts.append("thin data")
    was = ""
    if e.source != "plan" and e.previous is not None:
        was = f" (was {_fmt(e.previous, e.field)})"  # the user's own comment may say it too
    return f"{MARK} {as_of}{was}: " + ", ".join(parts)


def calibrated_text(cal: Calibration, plan_path: str | Path, out: str | Path) -> str:
    """The plan's text with the calibrated values in; ``out`` fixes a relative log path."""
    from ..model.text_file import read_text

    text = read_text(plan_path, "a plan file (.yaml or .json)")
    if plan_kind(plan_path) == "json":
        data = json.loads(text)
        _replace(data, cal, None)
        _relink_log(data, Path(plan_path), Path(out))
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    yaml = _yaml()
    data = yaml.load(text)
    _replace(data, cal, cal.as_of.isoformat())
    _relink_log(data, Path(plan_path), Path(out))
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip
    yaml.width = 4096  # never rewrap the user's long flow lists
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # the plan files' "  - name:" layout
    return yaml


def _key(mapping: Any, name: str) -> Any:
    """The key of ``mapping`` that is ``name`` ignoring case (plan files match so)."""
    for key in mapping:
        if str(key).strip().lower() == name.lower():
            return key
    return None


def _replace(data: Any, cal: Calibration, as_of: str | None) -> None:
    """Put every calibrated value (one that is not None) where the plan has it."""
    items = {str(item.get("name", "")).strip().lower(): item for item in data["segments"]}
    moved: dict[int, tuple[Any, Any, Any]] = {}  # channel mappings that get comments
    for e in cal.estimates:
        value = _number(e)
        if value is None:
            continue
        item = items[e.segment.lower()]
        if e.channel is None:
            target, key = item, _key(item, e.field)
        else:
            target = item[_key(item, e.field)]
            key = _key(target, e.channel)
            if as_of is not None:
                moved.setdefault(id(target), (item, _key(item, e.field), target))
        if key is None:  # pragma: no cover - a plan that loaded has every calibrated key
            raise InputError(f"{cal.plan}: no {e.field} for {e.segment} to calibrate")
        target[key] = value
        if as_of is not None:
            # comments aligned: keys start at the item's column (+2 for a channel's)
            column = item.lc.col + (COMMENT_AT if e.channel is None else CHANNEL_COMMENT_AT)
            _comment(target, key, describe(e, as_of), column)
    for item, key, child in moved.values():
        _keep_lines_below(item, key, child)


def _keep_lines_below(item: Any, key: Any, child: Any) -> None:
    """A one-line mapping turned into lines: the blank lines and comments that followed
    it (attached to its key's comment) move below its last line, where they were."""
    token = item.ca.items.get(key, [None, None, None, None])[2]
    if token is None:
        return
    first, newline, rest = token.value.partition("\n")
    if not rest:
        return
    token.value = first + newline
    last = list(child.keys())[-1]
    below = child.ca.items.get(last, [None, None, None, None])[2]
    if below is None:
        child.yaml_add_eol_comment("", last)
        below = child.ca.items[last][2]
    if not below.value.endswith("\n"):
        below.value += "\n"
    below.value += rest


def _comment(mapping: Any, key: Any, text: str, column: int) -> None:
    """Our end-of-line comment beside ``key``, the user's own comment kept after it."""
    if getattr(mapping, "fa", None) is not None and mapping.fa.flow_style():
        mapping.fa.set_block_style()
    token = mapping.ca.items.get(key, [None, None, None, None])[2]
    if token is None:
        mapping.yaml_add_eol_comment(text, key, column=column)
        return
    first, newline, rest = token.value.partition("\n")
    theirs = first.strip().removeprefix("#").strip()
    if theirs.startswith(MARK):
        theirs = theirs.partition(" -- ")[2]
    token.value = f"# {text}" + (f" -- {theirs}" if theirs else "") + newline + rest


def _relink_log(data: Any, plan_path: Path, out: Path) -> None:
    """A log given as a CSV path relative to the plan, made relative to the new file."""
    log = data.get("log")
    if not isinstance(log, str) or Path(log).is_absolute():
        return
    target = plan_path.parent / log
    if plan_path.parent.resolve() == out.parent.resolve():
        return
    data["log"] = Path(os.path.relpath(target.resolve(), out.parent.resolve())).as_posix()


def write_plan(
    cal: Calibration,
    plan_path: str | Path,
    out: str | Path,
    *,
    force: bool = False,
    inputs: tuple[Path, ...] = (),
) -> Calibration:
    """Write the calibrated plan to ``out`` (atomically, never over an input, nor over an
    existing file without ``force``); returns ``cal`` with its ``output`` filled in."""
    from ..atomic import atomic_write
    from ..model.plan_file import _parse_text, parse_plan

    problem = output_problem(plan_path, out)
    if problem:
        raise ValueError(problem)
    target = Path(out)
    text = calibrated_text(cal, plan_path, target)
    # The calibrated plan must load: checked on the text before it is written.
    parse_plan(_parse_text(text, str(target), target.suffix.lower()), str(target), target.parent)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    path = atomic_write(target, write, force=force, inputs=(Path(plan_path), *inputs))
    # values measured from the export (a kept value is written back as it was)
    written = sum(1 for e in cal.estimates if e.value is not None and e.source != "plan")
    return cal.with_output({"path": str(path), "kind": plan_kind(plan_path), "values": written})
