"""The CRM map file (YAML): which export columns to read, and CRM values -> plan names.

Every broken rule is reported at once with its path, as plan files are
(``crm-map.yaml: segments.Germany: '' is empty``), because a map is written by hand
against an export the user cannot see in the same window. The format is in docs/crm.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MapError
from ..model.rules import name_problem
from ..model.text_file import load_yaml, read_text
from .presets import PRESETS

_TOP = {"preset", "columns", "timezone", "date_format", "segments", "channels"}
_ROLES = ("date", "segment", "channel")
_OPTIONAL = ("amount", "customer_date")  # read by calibrate only (docs/crm.md)
_FOLLOWUP = ("first_contact", "attempts")  # read by import: sales' follow-up (docs/crm.md)
# Whitespace trimmed around CRM values, in Python and in the SQL (the same set in both).
SPACE = " \t\r\n\u00a0"


def value_key(value: str) -> str:
    """How CRM values compare: ignoring case and surrounding spaces."""
    return value.strip(SPACE).lower()


@dataclass(frozen=True)
class CrmMap:
    """A checked map. ``segments``/``channels`` map ``value_key(crm value)`` to a plan name;
    ``None`` means the export's values already are the plan's names."""

    source: str
    date_columns: tuple[str, ...]
    segment_column: str
    channel_column: str
    timezone: str = "UTC"
    date_format: str | None = None
    segments: dict[str, str] | None = None
    channels: dict[str, str] | None = None
    preset: str | None = None
    amount_column: str | None = None
    customer_date_column: str | None = None
    first_contact_column: str | None = None
    attempts_column: str | None = None
    # Follow-up roles the map names itself under columns: (the export must have them);
    # a preset's follow-up column the export lacks means "not recorded".
    named_followup: frozenset[str] = frozenset()


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else str(value)


def load_map(path: str | Path) -> CrmMap:
    """Read and check a map file; InputError if unreadable, MapError listing every problem."""
    text = read_text(path, "a map file (.yaml)")
    return parse_map(load_yaml(text, str(path), names_only=True), str(path))


def parse_map(data: Any, source: str = "map") -> CrmMap:
    """Check map data (as loaded from YAML) and build a CrmMap; MapError lists every problem."""
    problems: list[str] = []

    def fail(path: str, message: str) -> None:
        problems.append(f"{path}: {message}")

    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise MapError(source, ["the map must be a mapping with preset, columns, segments, ..."])
    for key in data:
        if key not in _TOP:
            fail(str(key), f"unknown field (expected one of: {', '.join(sorted(_TOP))})")

    preset = None
    preset_name = data.get("preset")
    if preset_name is not None:
        if not isinstance(preset_name, str) or preset_name.strip() not in PRESETS:
            fail("preset", f"{_show(preset_name)} is not a preset ({', '.join(PRESETS)})")
        else:
            preset = PRESETS[preset_name.strip()]

    columns: dict[str, Any] = {}
    if preset is not None:
        columns = {"date": preset.date, "segment": preset.segment, "channel": preset.channel}
        columns |= {"amount": preset.amount, "customer_date": preset.customer_date}
        columns |= {"first_contact": preset.first_contact, "attempts": preset.attempts}
    raw_columns = data.get("columns", {})
    if not isinstance(raw_columns, Mapping):
        fail("columns", f"{_show(raw_columns)} is not a mapping of date, segment, channel")
        raw_columns = {}
    for key, value in raw_columns.items():
        if key not in _ROLES + _OPTIONAL + _FOLLOWUP:
            roles = ", ".join(_ROLES + _OPTIONAL + _FOLLOWUP)
            fail(f"columns.{key}", f"unknown column role (expected one of: {roles})")
            continue
        names = value if key == "date" and isinstance(value, list) else [value]
        if not names or any(not isinstance(n, str) or not n.strip() for n in names):
            what = "a column name or a list of them" if key == "date" else "a column name"
            fail(f"columns.{key}", f"{_show(value)} is not {what}")
            continue
        columns[key] = tuple(n.strip() for n in names) if key == "date" else names[0].strip()
    columns_broken = any(p.startswith(("columns", "preset")) for p in problems)
    for role in _ROLES:
        if role not in columns and not columns_broken:
            fail(f"columns.{role}", "missing (no preset names it; give the export's column)")

    timezone = _timezone(data.get("timezone", "UTC"), fail)
    date_format = _date_format(data.get("date_format"), fail)
    segments = _values(data.get("segments"), "segments", fail)
    channels = _values(data.get("channels"), "channels", fail)
    if problems:
        raise MapError(source, problems)
    date = columns["date"]
    return CrmMap(
        source=source,
        date_columns=tuple(date) if isinstance(date, tuple) else (date,),
        segment_column=columns["segment"],
        channel_column=columns["channel"],
        timezone=timezone or "UTC",
        date_format=date_format,
        segments=segments,
        channels=channels,
        preset=preset.name if preset else None,
        amount_column=columns.get("amount"),
        customer_date_column=columns.get("customer_date"),
        first_contact_column=columns.get("first_contact"),
        attempts_column=columns.get("attempts"),
        named_followup=frozenset(k for k in _FOLLOWUP if k in raw_columns),
    )


def _values(raw: Any, path: str, fail: Any) -> dict[str, str] | None:
    """CRM value -> plan name, keyed by value_key (None: the values are the names)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        fail(path, f"{_show(raw)} is not a mapping of CRM value to plan name")
        return None
    out: dict[str, str] = {}
    spelled: dict[str, str] = {}
    targets: dict[str, str] = {}  # one spelling per plan name, the first given
    for key, target in raw.items():
        if key is None or isinstance(key, list | dict):
            fail(f"{path}.{key}", "is not a CRM value (put it in quotes)")
            continue
        text = str(key)
        plain = text and text == text.strip() and "." not in text
        where = f"{path}.{text}" if plain else f"{path}[{text!r}]"
        problem = name_problem(target)
        if problem:
            fail(where, f"{_show(target)} {problem}")
            continue
        assert isinstance(target, str)
        k = value_key(text)
        if k in out:
            fail(where, f"repeats {spelled[k]!r} (values match ignoring case and spaces)")
            continue
        name = targets.setdefault(target.strip().lower(), target.strip())
        out[k] = name
        spelled[k] = text
    return out


def _timezone(raw: Any, fail: Any) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        fail("timezone", f"{_show(raw)} is not a time zone name such as Europe/Madrid")
        return None
    import duckdb

    with duckdb.connect() as con:
        names = [row[0] for row in con.sql("SELECT name FROM pg_timezone_names()").fetchall()]
    exact = {n.lower(): n for n in names}
    found = exact.get(raw.strip().lower())
    if found is None:
        fail(
            "timezone",
            f"{_show(raw)} is not a time zone name (write it as Region/City, e.g. "
            "Europe/Madrid, America/New_York, or UTC)",
        )
    return found


def _date_format(raw: Any, fail: Any) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or "%" not in raw:
        fail("date_format", f"{_show(raw)} is not a strptime format such as '%d/%m/%Y %H:%M'")
        return None
    if not any(d in raw for d in ("%Y", "%y", "%G")):
        fail("date_format", f"{_show(raw)} has no year (%Y or %y)")
        return None
    import duckdb

    try:
        with duckdb.connect() as con:
            con.execute("SELECT try_strptime('', ?)", [raw]).fetchall()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0].split(": ", 1)[-1]
        fail("date_format", f"{_show(raw)} is not a valid format ({reason})")
        return None
    return raw
