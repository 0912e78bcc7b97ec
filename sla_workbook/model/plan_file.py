"""Plan files (YAML or JSON) into a Plan, with every broken rule reported at once.

Hand-written checks rather than a JSON-Schema library: the messages are the product
here (``segments[2].close_rate.Inbound: 1.4 is not in (0, 1]``), cross-field rules
(mixes summing to 1, names matching ignoring case) do not fit a schema, and it is
less code than mapping a schema library's errors back into these words.
The schema is documented in docs/plan-file.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError, PlanError
from .checker import Checker as _Checker
from .checker import show as _show
from .log_file import parse_log, read_log_csv
from .plan import TEAMS, Plan
from .rules import mix_sums_to_one, mix_total
from .text_file import load_yaml, read_text

DEFAULT_CHANNELS = ({"name": "Marketing", "team": "marketing"}, {"name": "Sales", "team": "sales"})
_TOP = {"year", "segment_label", "currency", "channels", "segments", "log", "track"}
_FOLLOWUP = ("followup_hours", "followup_target", "attempts_target")
_SEGMENT = {"name", "avg_price", "marketing_share", "targets", "close_rate", "channel_mix"}


def load_plan(path: str | Path) -> Plan:
    """Read a YAML or JSON plan file; raise InputError or PlanError with file-named messages."""
    p = Path(path)
    text = read_text(p, "a plan file (.yaml or .json)")
    return parse_plan(_parse_text(text, str(path), p.suffix.lower()), str(path), base_dir=p.parent)


def _parse_text(text: str, source: str, suffix: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
            ) from None
    return load_yaml(text, source)


def parse_plan(data: Any, source: str = "plan", base_dir: Path | None = None) -> Plan:
    """Check plan data (as loaded from YAML/JSON) and build a Plan; PlanError lists all problems.

    ``log`` may be a list of rows or the name of a CSV file (date,segment,channel,leads),
    relative to ``base_dir`` (the plan file's folder), as CRM exports usually are.
    """
    import pandas as pd

    ck = _Checker()
    if not isinstance(data, Mapping):
        raise PlanError(source, ["the plan must be a mapping with year, segments, ..."])
    ck.unknown_keys("", data, _TOP)

    year_raw = data.get("year")
    year: int | None = None
    if isinstance(year_raw, bool) or not isinstance(year_raw, int) or not 1900 <= year_raw <= 9999:
        ck.fail("year", f"{_show(year_raw)} is not a year between 1900 and 9999")
    else:
        year = year_raw

    label = data.get("segment_label", "Region")
    if not isinstance(label, str) or not label.strip():
        ck.fail("segment_label", f"{_show(label)} is not a non-empty text")
    currency = data.get("currency", "USD")
    if not isinstance(currency, str) or not (len(currency) == 3 and currency.isalpha()):
        ck.fail("currency", f"{_show(currency)} is not a 3-letter currency code such as USD")

    channels = _channels(ck, data.get("channels", list(DEFAULT_CHANNELS)))
    followup = _followup(ck, data.get("channels", list(DEFAULT_CHANNELS)), channels)
    segments = _segments(ck, data.get("segments"), channels)
    log_raw = data.get("log", [])
    log_paths: list[str] | None = None
    if isinstance(log_raw, str):
        log_raw, log_paths = read_log_csv(ck, (base_dir or Path.cwd()) / log_raw)
    log = parse_log(ck, log_raw, year, segments, channels, log_paths)
    track_month, track_asof = _track(ck, data.get("track"), year)
    if ck.problems:
        raise PlanError(source, ck.problems)

    names = [s["name"] for s in segments]
    ch_names = list(channels)
    return Plan(
        year=year,
        segments=pd.DataFrame(
            {
                "segment": pd.array(names, dtype="string"),
                "avg_price": pd.array([s["avg_price"] for s in segments], dtype="Float64"),
                "marketing_share": pd.array(
                    [s["marketing_share"] for s in segments], dtype="Float64"
                ),
            }
        ),
        channels=pd.DataFrame(
            {
                "channel": pd.array(ch_names, dtype="string"),
                "team": pd.Categorical(list(channels.values()), categories=list(TEAMS)),
                **{
                    key: pd.array([followup[c][j] for c in ch_names], dtype="Float64")
                    for j, key in enumerate(_FOLLOWUP)
                },
            }
        ),
        targets=pd.DataFrame(
            {
                "segment": pd.array([n for n in names for _ in range(12)], dtype="string"),
                "month": pd.array(list(range(1, 13)) * len(names), dtype="Int8"),
                "target": pd.array([v for s in segments for v in s["targets"]], dtype="Float64"),
            }
        ),
        channel_inputs=pd.DataFrame(
            {
                "segment": pd.array([n for n in names for _ in ch_names], dtype="string"),
                "channel": pd.array(ch_names * len(names), dtype="string"),
                "close_rate": pd.array(
                    [s["close_rate"][c] for s in segments for c in ch_names], dtype="Float64"
                ),
                "mix": pd.array(
                    [s["channel_mix"][c] for s in segments for c in ch_names], dtype="Float64"
                ),
            }
        ),
        log=pd.DataFrame(
            {
                "date": pd.to_datetime(pd.Series([r[0] for r in log], dtype="object")).astype(
                    "datetime64[ns]"
                ),
                "segment": pd.array([r[1] for r in log], dtype="string"),
                "channel": pd.array([r[2] for r in log], dtype="string"),
                "leads": pd.array([r[3] for r in log], dtype="Float64"),
                "worked": pd.array([r[4] for r in log], dtype="Float64"),
                "attempts": pd.array([r[5] for r in log], dtype="Float64"),
            }
        ),
        track_month=track_month,
        track_asof=track_asof,
        segment_label=str(label).strip(),
        currency=str(currency).upper(),
    )


def _channels(ck: _Checker, raw: Any) -> dict[str, str]:
    """Channel name -> team, in plan order."""
    out: dict[str, str] = {}
    if not isinstance(raw, list) or not raw:
        ck.fail("channels", "must be a non-empty list of {name, team}")
        return out
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = f"channels[{i}]"
        if not isinstance(item, Mapping):
            ck.fail(path, "must be a mapping with name and team")
            continue
        ck.unknown_keys(path, item, {"name", "team", *_FOLLOWUP})
        name = ck.name(f"{path}.name", item.get("name"))
        team = item.get("team")
        if not isinstance(team, str) or team.strip().lower() not in TEAMS:
            ck.fail(f"{path}.team", f"{_show(team)} is not 'marketing' or 'sales'")
            team = None
        if name is None:
            continue
        if name.lower() in seen:
            ck.fail(
                f"{path}.name",
                f"{_show(name)} repeats channels[{seen[name.lower()]}] (names match ignoring case)",
            )
            continue
        seen[name.lower()] = i
        if team is not None:
            out[name] = team.strip().lower()
    for team in TEAMS:
        if out and len(out) == len(raw) and team not in out.values():
            ck.fail("channels", f"no {team} channel: every team needs at least one")
    return out


def _followup(
    ck: _Checker, raw: Any, channels: dict[str, str]
) -> dict[str, tuple[float | None, ...]]:
    """Sales' side per channel: follow-up hours (> 0), target share (0..1), attempts
    (whole, >= 1); each optional (absent = not agreed for the channel)."""
    out: dict[str, tuple[float | None, ...]] = {c: (None, None, None) for c in channels}
    if not isinstance(raw, list):
        return out
    lookup = {c.lower(): c for c in channels}
    for i, item in enumerate(raw):
        name = item.get("name") if isinstance(item, Mapping) else None
        channel = lookup.get(name.strip().lower()) if isinstance(name, str) else None
        if channel is None:
            continue
        assert isinstance(item, Mapping)
        path = f"channels[{i}]"
        values: list[float | None] = []
        for key, low, high, low_open in (
            ("followup_hours", 0, math.inf, True),
            ("followup_target", 0, 1, False),
            ("attempts_target", 1, math.inf, False),
        ):
            raw_value = item.get(key)
            value = None
            if raw_value is not None:
                value = ck.number(
                    f"{path}.{key}", raw_value, low, high, low_open=low_open, hint_percent=True
                )
            if key == "attempts_target" and value is not None and not value.is_integer():
                ck.fail(f"{path}.{key}", f"{_show(value)} is not a whole number")
                value = None
            values.append(value)
        out[channel] = tuple(values)
    return out


def _segments(ck: _Checker, raw: Any, channels: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not isinstance(raw, list) or not raw:
        ck.fail("segments", "must be a non-empty list")
        return out
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = f"segments[{i}]"
        if not isinstance(item, Mapping):
            ck.fail(path, "must be a mapping with name, avg_price, marketing_share, targets, ...")
            continue
        ck.unknown_keys(path, item, _SEGMENT)
        seg: dict[str, Any] = {"name": ck.name(f"{path}.name", item.get("name"))}
        if seg["name"] is not None:
            key = seg["name"].lower()
            if key in seen:
                ck.fail(
                    f"{path}.name",
                    f"{_show(seg['name'])} repeats segments[{seen[key]}] "
                    "(names match ignoring case)",
                )
            seen.setdefault(key, i)
        seg["avg_price"] = ck.number(
            f"{path}.avg_price", item.get("avg_price"), 0, math.inf, low_open=True
        )
        seg["marketing_share"] = ck.number(
            f"{path}.marketing_share", item.get("marketing_share"), 0, 1, hint_percent=True
        )
        seg["targets"] = _targets(ck, f"{path}.targets", item.get("targets"))
        seg["close_rate"] = _per_channel(
            ck, f"{path}.close_rate", item.get("close_rate"), channels, low_open=True
        )
        seg["channel_mix"] = _mix(ck, f"{path}.channel_mix", item.get("channel_mix"), channels)
        out.append(seg)
    return out


def _targets(ck: _Checker, path: str, raw: Any) -> list[float | None]:
    if not isinstance(raw, list) or len(raw) != 12:
        count = f"has {len(raw)} values" if isinstance(raw, list) else f"{_show(raw)} is not a list"
        ck.fail(path, f"{count}, expected 12 monthly targets (January..December)")
        return [None] * 12
    return [ck.number(f"{path}[{m}]", v, 0, math.inf) for m, v in enumerate(raw)]


def _per_channel(
    ck: _Checker,
    path: str,
    raw: Any,
    channels: dict[str, str],
    *,
    low_open: bool = False,
    default: Mapping[str, float] | None = None,
) -> dict[str, float | None]:
    values: dict[str, float | None] = {c: None for c in channels}
    if raw is None and default is not None:
        raw = {}
    if not isinstance(raw, Mapping):
        ck.fail(path, f"{_show(raw)} is not a mapping of channel name to value")
        return values
    lookup = {c.lower(): c for c in channels}
    for key in raw:
        if str(key).lower() not in lookup:
            ck.fail(f"{path}.{key}", f"is not a channel (channels: {', '.join(channels)})")
    given = {str(k).lower(): v for k, v in raw.items()}
    for ch in channels:
        if ch.lower() in given:
            values[ch] = ck.number(
                f"{path}.{ch}", given[ch.lower()], 0, 1, low_open=low_open, hint_percent=True
            )
        elif default is not None and ch in default:
            values[ch] = default[ch]
        else:
            ck.fail(f"{path}.{ch}", "missing")
    return values


def _mix(ck: _Checker, path: str, raw: Any, channels: dict[str, str]) -> dict[str, float | None]:
    """Channel mix; a team with a single channel defaults to 1 (it gets all the team's revenue)."""
    single = {c: 1.0 for c, t in channels.items() if list(channels.values()).count(t) == 1}
    values = _per_channel(ck, path, raw, channels, default=single)
    for team in TEAMS:
        mine = [values[c] for c, t in channels.items() if t == team]
        if mine and all(v is not None for v in mine):
            given = [v for v in mine if v is not None]
            if not mix_sums_to_one(given):
                ck.fail(path, f"{team} channels sum to {mix_total(given):.10g}, expected 1")
    return values


def _track(ck: _Checker, raw: Any, year: int | None) -> tuple[int | None, dt.date | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping):
        ck.fail("track", "must be a mapping with month and, optionally, asof")
        return None, None
    ck.unknown_keys("track", raw, {"month", "asof"})
    month = raw.get("month")
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        ck.fail("track.month", f"{_show(month)} is not a month number 1..12")
        return None, None
    asof = raw.get("asof")
    if asof is None:
        return month, None
    date = ck.date("track.asof", asof)
    if date is not None and year is not None and (date.year, date.month) != (year, month):
        ck.fail("track.asof", f"{date.isoformat()} is not in the tracked month {year}-{month:02d}")
        return month, None
    return month, date
